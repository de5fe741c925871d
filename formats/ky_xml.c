/* SPDX-License-Identifier: MIT */
/*
 * Safe xmlTextReader setup over zip entry streams and whole documents, plus
 * small helpers for matching namespaced names and collecting element text.
 */
#include "formats/ky_xml.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyokun/i18n.h"

/*
 * NONET forbids network access. NOENT (entity substitution) and DTDLOAD are
 * deliberately absent, so external entities are never fetched; ky_xml_read()
 * also rejects any DOCTYPE, which package parts never need.
 */
#define KY_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

/* A whole document read from memory or a file (ky_xml_open_source()), with a running size cap. */
typedef struct source_input {
    const unsigned char *data; /* the bytes in memory, or NULL to read `file` */
    size_t size;
    size_t offset;
    FILE *file;
    uint64_t max_size;
    uint64_t total;
    int status;
} source_input;

struct ky_xml {
    xmlTextReaderPtr reader;
    ky_zip_stream *stream; /* NULL for a document from ky_xml_open_source() */
    source_input *input;   /* NULL for a package part */
    ky_ctx *ctx;
    const char *path;      /* names the input in messages */
    const char *part;      /* part name, or the path for a whole document */
    char *first_error; /* first message libxml2 reported, without newline */
    int error_line;
    bool in_attributes;
};

/* Keep libxml2's first error message for ky_xml_read() instead of printing it. */
static void keep_error(void *payload, xmlErrorPtr error)
{
    ky_xml *xml = payload;
    if (xml->first_error || !error || !error->message || error->level < XML_ERR_ERROR)
        return;
    xml->first_error = ky_strdup(error->message);
    if (xml->first_error) {
        size_t len = strlen(xml->first_error);
        while (len > 0 && (xml->first_error[len - 1] == '\n' || xml->first_error[len - 1] == ' '))
            xml->first_error[--len] = '\0';
    }
    xml->error_line = error->line;
}

int ky_xml_open(ky_zip *zip, const char *name, ky_xml **out)
{
    *out = NULL;
    ky_ctx *ctx = ky_zip_ctx(zip);
    ky_loc loc = {.file = ky_zip_path(zip)};

    int64_t index = ky_zip_find(zip, name);
    if (index < 0)
        return ky_error_set(ctx, KY_ENOTFOUND, &loc, KY_("%s: package part %s is missing"),
                            loc.file, name);

    ky_xml *xml = calloc(1, sizeof *xml);
    if (!xml)
        return ky_error_set(ctx, KY_ENOMEM, &loc, KY_("out of memory while reading %s"), loc.file);
    xml->ctx = ctx;
    xml->path = loc.file;
    int status = ky_zip_stream_open(zip, index, &xml->stream);
    if (status != 0) {
        free(xml);
        return status;
    }
    xml->part = ky_zip_stream_name(xml->stream);

    xmlInitParser();
    xml->reader = xmlReaderForIO(ky_zip_stream_io_read, NULL, xml->stream,
                                 ky_zip_stream_name(xml->stream), NULL, KY_XML_OPTIONS);
    if (!xml->reader) {
        ky_xml_close(xml);
        return ky_error_set(ctx, KY_ENOMEM, &loc, KY_("out of memory while reading %s"), loc.file);
    }
    xmlTextReaderSetStructuredErrorHandler(xml->reader, keep_error, xml);
    *out = xml;
    return 0;
}

/* Read callback of xmlReaderForIO() over a whole document, counting bytes against the cap. */
static int source_io_read(void *context, char *buffer, int len)
{
    ky_xml *xml = context;
    source_input *input = xml->input;
    if (input->status != 0)
        return -1;
    if (len <= 0)
        return 0;
    size_t n;
    if (input->data) {
        n = input->size - input->offset < (size_t)len ? input->size - input->offset : (size_t)len;
        memcpy(buffer, input->data + input->offset, n);
        input->offset += n;
    } else {
        n = fread(buffer, 1, (size_t)len, input->file);
        if (n == 0 && ferror(input->file)) {
            ky_loc loc = {.file = xml->path};
            input->status = ky_error_set(xml->ctx, KY_EIO, &loc, KY_("cannot read %s: %s"),
                                         xml->path, strerror(errno));
            return -1;
        }
    }
    input->total += n;
    if (input->total > input->max_size) {
        ky_loc loc = {.file = xml->path};
        input->status = ky_error_set(xml->ctx, KY_ELIMIT, &loc,
                                     KY_("%s is larger than the limit of %llu bytes for one XML "
                                         "document"),
                                     xml->path, (unsigned long long)input->max_size);
        return -1;
    }
    return (int)n;
}

int ky_xml_open_source(ky_ctx *ctx, const ky_source *source, uint64_t max_size, ky_xml **out)
{
    *out = NULL;
    const char *path = source->path ? source->path : "(memory)";
    ky_loc loc = {.file = path};

    ky_xml *xml = calloc(1, sizeof *xml);
    source_input *input = calloc(1, sizeof *input);
    if (!xml || !input) {
        free(xml);
        free(input);
        return ky_error_set(ctx, KY_ENOMEM, &loc, KY_("out of memory while reading %s"), path);
    }
    xml->ctx = ctx;
    xml->path = path;
    xml->part = path;
    xml->input = input;
    input->max_size = max_size;
    if (source->data) {
        input->data = source->data;
        input->size = source->size;
    } else {
        input->file = source->path ? fopen(source->path, "rb") : NULL;
        if (!input->file) {
            int error = source->path ? errno : ENOENT;
            ky_xml_close(xml);
            return ky_error_set(ctx, KY_EIO, &loc, KY_("cannot open %s: %s"), path,
                                strerror(error));
        }
    }

    xmlInitParser();
    xml->reader = xmlReaderForIO(source_io_read, NULL, xml, path, NULL, KY_XML_OPTIONS);
    if (!xml->reader) {
        ky_xml_close(xml);
        return ky_error_set(ctx, KY_ENOMEM, &loc, KY_("out of memory while reading %s"), path);
    }
    xmlTextReaderSetStructuredErrorHandler(xml->reader, keep_error, xml);
    *out = xml;
    return 0;
}

void ky_xml_close(ky_xml *xml)
{
    if (!xml)
        return;
    if (xml->reader)
        xmlFreeTextReader(xml->reader);
    ky_zip_stream_close(xml->stream);
    if (xml->input && xml->input->file)
        fclose(xml->input->file);
    free(xml->input);
    free(xml->first_error);
    free(xml);
}

int ky_xml_read(ky_xml *xml)
{
    ky_ctx *ctx = xml->ctx;
    ky_loc loc = {.file = xml->path};
    const char *part = xml->part;

    xml->in_attributes = false;
    int rc = xmlTextReaderRead(xml->reader);
    if (rc == 1 && xmlTextReaderNodeType(xml->reader) == XML_READER_TYPE_DOCUMENT_TYPE) {
        if (!xml->stream)
            return ky_error_set(ctx, KY_EPARSE, &loc,
                                KY_("%s: DOCTYPE not allowed in the document"), loc.file);
        return ky_error_set(ctx, KY_EPARSE, &loc,
                            KY_("%s: DOCTYPE not allowed in package part %s"), loc.file, part);
    }
    if (rc >= 0)
        return rc;

    /* A failed stream (size limit, corrupt data) already set the precise error. */
    int status = xml->stream ? ky_zip_stream_status(xml->stream) : xml->input->status;
    if (status != 0)
        return status;
    if (!xml->stream)
        return ky_error_set(ctx, KY_EPARSE, &loc, KY_("%s: invalid XML, line %d: %s"), loc.file,
                            xml->error_line, xml->first_error ? xml->first_error : "unknown error");
    return ky_error_set(ctx, KY_EPARSE, &loc, KY_("%s: invalid XML in package part %s, line %d: %s"),
                        loc.file, part, xml->error_line,
                        xml->first_error ? xml->first_error : "unknown error");
}

ky_xml_node_kind ky_xml_node(const ky_xml *xml)
{
    switch (xmlTextReaderNodeType(xml->reader)) {
    case XML_READER_TYPE_ELEMENT:
        return KY_XML_START;
    case XML_READER_TYPE_END_ELEMENT:
        return KY_XML_END;
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_WHITESPACE:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
        return KY_XML_TEXT;
    default:
        return KY_XML_OTHER;
    }
}

int ky_xml_depth(const ky_xml *xml)
{
    return xmlTextReaderDepth(xml->reader);
}

bool ky_xml_is_empty(const ky_xml *xml)
{
    return xmlTextReaderIsEmptyElement(xml->reader) == 1;
}

const char *ky_xml_local_name(const ky_xml *xml)
{
    const xmlChar *name = xmlTextReaderConstLocalName(xml->reader);
    return name ? (const char *)name : "";
}

const char *ky_xml_namespace(const ky_xml *xml)
{
    const xmlChar *uri = xmlTextReaderConstNamespaceUri(xml->reader);
    return uri ? (const char *)uri : "";
}

bool ky_xml_is(const ky_xml *xml, const char *ns_uri, const char *local)
{
    ky_xml_node_kind kind = ky_xml_node(xml);
    if (kind != KY_XML_START && kind != KY_XML_END)
        return false;
    if (strcmp(ky_xml_local_name(xml), local) != 0)
        return false;
    return strcmp(ky_xml_namespace(xml), ns_uri ? ns_uri : "") == 0;
}

bool ky_xml_is_sml(const ky_xml *xml, const char *local)
{
    return ky_xml_is(xml, KY_NS_SML, local) || ky_xml_is(xml, KY_NS_SML_STRICT, local);
}

bool ky_xml_next_attr(ky_xml *xml, const char **ns_uri, const char **local, const char **value)
{
    int moved = xml->in_attributes ? xmlTextReaderMoveToNextAttribute(xml->reader)
                                   : xmlTextReaderMoveToFirstAttribute(xml->reader);
    if (moved != 1) {
        if (xml->in_attributes)
            xmlTextReaderMoveToElement(xml->reader);
        xml->in_attributes = false;
        return false;
    }
    xml->in_attributes = true;
    const xmlChar *uri = xmlTextReaderConstNamespaceUri(xml->reader);
    const xmlChar *name = xmlTextReaderConstLocalName(xml->reader);
    const xmlChar *text = xmlTextReaderConstValue(xml->reader);
    *ns_uri = uri ? (const char *)uri : "";
    *local = name ? (const char *)name : "";
    *value = text ? (const char *)text : "";
    return true;
}

int ky_xml_attr(ky_xml *xml, const char *ns_uri, const char *local, ky_buf *out)
{
    ky_buf_clear(out);
    xmlChar *value = ns_uri ? xmlTextReaderGetAttributeNs(xml->reader, BAD_CAST local,
                                                          BAD_CAST ns_uri)
                            : xmlTextReaderGetAttribute(xml->reader, BAD_CAST local);
    if (!value)
        return 0;
    int status = ky_buf_puts(out, (const char *)value);
    xmlFree(value);
    return status < 0 ? status : 1;
}

int ky_xml_read_text(ky_xml *xml, ky_buf *out)
{
    if (ky_xml_node(xml) != KY_XML_START || ky_xml_is_empty(xml))
        return 0;
    int depth = ky_xml_depth(xml);
    int rc;
    while ((rc = ky_xml_read(xml)) > 0) {
        ky_xml_node_kind kind = ky_xml_node(xml);
        if (kind == KY_XML_END && ky_xml_depth(xml) == depth)
            return 0;
        if (kind == KY_XML_TEXT) {
            const xmlChar *text = xmlTextReaderConstValue(xml->reader);
            if (text && ky_buf_puts(out, (const char *)text) < 0)
                return ky_xml_error_nomem(xml);
        }
    }
    return rc < 0 ? rc : 0;
}

int ky_xml_skip(ky_xml *xml)
{
    if (ky_xml_node(xml) != KY_XML_START || ky_xml_is_empty(xml))
        return 0;
    int depth = ky_xml_depth(xml);
    int rc;
    while ((rc = ky_xml_read(xml)) > 0)
        if (ky_xml_node(xml) == KY_XML_END && ky_xml_depth(xml) == depth)
            return 0;
    return rc < 0 ? rc : 0;
}

int ky_xml_error_nomem(ky_xml *xml)
{
    ky_loc loc = {.file = xml->path};
    return ky_error_set(xml->ctx, KY_ENOMEM, &loc, KY_("out of memory while reading %s"),
                        loc.file);
}

const char *ky_xml_part(const ky_xml *xml)
{
    return xml->part;
}

const char *ky_xml_value(const ky_xml *xml)
{
    const xmlChar *value = xmlTextReaderConstValue(xml->reader);
    return value ? (const char *)value : "";
}

int ky_xml_line(const ky_xml *xml)
{
    return xmlTextReaderGetParserLineNumber(xml->reader);
}
