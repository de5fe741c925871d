/* SPDX-License-Identifier: MIT */
/* Reading and checking the styles.xml of a reference document (see ky_odf_template.h). */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "formats/ky_odf_template.h"
#include "formats/ky_zip.h"
#include "kyokun/i18n.h"

#define OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"

/* Maximum inflated size of the template's styles.xml, and of all the
 * entries read from it (mimetype and styles.xml; other parts are not read).
 * NOTE: estimates with a wide margin, not measured on a set of real templates. */
#define TEMPLATE_MAX_STYLES ((uint64_t)16 << 20)
#define TEMPLATE_MAX_TOTAL ((uint64_t)64 << 20)

/* Media types of the documents whose styles suit a text report. */
static const char *const text_media_types[] = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.text-template",
};

/* Set the error for an unusable template: what is wrong and what to pass instead. */
static int template_error(ky_ctx *ctx, int code, const char *path, const char *reason)
{
    ky_loc loc = {.file = path};
    return ky_error_set(ctx, code, &loc,
                        KY_("the reference document %s cannot be used for the report's styles: "
                            "%s. Pass an ODF text document or template (.odt, .ott) saved by "
                            "LibreOffice or another office suite"),
                        path, reason);
}

/* Set the template error with the zip reader's message as the reason: why
 * the file could not be read (missing, not a zip, over a size cap). */
static int wrap_reader_error(ky_ctx *ctx, int code, const char *path)
{
    const ky_error *error = ky_error_last(ctx);
    ky_buf reason = {0};
    /* Copy the message first: setting the new error replaces it. */
    int rc = ky_buf_puts(&reason, error && error->message[0] ? error->message
                                                             : KY_(ky_strerror(code)));
    rc = rc == 0 ? template_error(ctx, code, path, reason.data) : rc;
    ky_buf_free(&reason);
    return rc;
}

/* Read a whole entry into `out` (NUL-terminated). Returns 0, KY_ENOTFOUND
 * when there is no such entry, or the reader's status with the error set. */
static int read_entry(ky_zip *zip, const char *name, ky_buf *out)
{
    int64_t index = ky_zip_find(zip, name);
    if (index < 0)
        return KY_ENOTFOUND;

    ky_zip_stream *stream = NULL;
    int rc = ky_zip_stream_open(zip, index, &stream);
    char chunk[16384];
    while (rc == 0) {
        int64_t n = ky_zip_stream_read(stream, chunk, sizeof chunk);
        if (n <= 0) {
            rc = (int)n;
            break;
        }
        rc = ky_buf_append(out, chunk, (size_t)n);
    }
    ky_zip_stream_close(stream);
    if (rc == 0)
        rc = ky_buf_putc(out, '\0');
    if (rc == 0)
        out->len--;
    return rc;
}

/* Check the mimetype entry, when there is one: a text document or template. */
static int check_media_type(ky_ctx *ctx, ky_zip *zip, const char *path)
{
    ky_buf media_type = {0};
    int rc = read_entry(zip, "mimetype", &media_type);
    if (rc == KY_ENOTFOUND) {
        /* Some writers leave mimetype out; styles.xml decides then. */
        ky_buf_free(&media_type);
        return 0;
    }
    if (rc != 0) {
        ky_buf_free(&media_type);
        return rc == KY_ENOMEM ? rc : wrap_reader_error(ctx, rc, path);
    }

    bool text = false;
    for (size_t i = 0; i < sizeof text_media_types / sizeof text_media_types[0]; i++)
        text = text || strcmp(media_type.data, text_media_types[i]) == 0;
    if (!text) {
        ky_buf reason = {0};
        rc = ky_buf_printf(&reason, KY_("its media type is \"%.100s\", not an ODF text document"),
                           media_type.data);
        rc = rc == 0 ? template_error(ctx, KY_EUNSUPPORTED, path, reason.data) : rc;
        ky_buf_free(&reason);
    }
    ky_buf_free(&media_type);
    return rc;
}

/* Record that libxml2's generic error channel got a message, instead of printing it. */
static void note_generic_error(void *context, const char *format, ...)
{
    (void)format;
    *(bool *)context = true;
}

/*
 * libxml2 2.9 prints encoding errors on its generic error channel even with
 * XML_PARSE_NOERROR, so the channel is redirected while it parses, and
 * *encoding_error is set when it got such a message. The channel is
 * per-thread, and the caller's handler is restored afterwards.
 */
xmlDocPtr ky_odf_parse_styles(const ky_buf *xml, bool *encoding_error)
{
    *encoding_error = false;
    if (xml->len > INT32_MAX)
        return NULL;

    xmlGenericErrorFunc saved = xmlGenericError;
    void *saved_context = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(encoding_error, note_generic_error);
    xmlDocPtr doc = xmlReadMemory(xml->data, (int)xml->len, "styles.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlSetGenericErrorFunc(saved_context, saved);
    return doc;
}

/* Check the parsed template: no DTD, and an office:document-styles root.
 * ODF has no DTD, and a styles.xml merged from this one would pass its
 * entities on to the office suite. */
static int check_styles_doc(ky_ctx *ctx, xmlDocPtr doc, bool encoding_error, const char *path)
{
    if (!doc && encoding_error)
        return template_error(ctx, KY_EPARSE, path,
                              KY_("styles.xml cannot be decoded in the encoding it declares"));
    if (!doc) {
        const xmlError *error = xmlGetLastError();
        char detail[200] = "";
        if (error && error->message)
            snprintf(detail, sizeof detail, "%s", error->message);
        /* libxml2's messages end with a line break. */
        size_t n = strlen(detail);
        while (n > 0 && (detail[n - 1] == '\n' || detail[n - 1] == ' '))
            detail[--n] = '\0';

        ky_buf reason = {0};
        int rc = ky_buf_printf(&reason, KY_("styles.xml is not well-formed XML (line %d: %s)"),
                               error ? error->line : 0, detail);
        rc = rc == 0 ? template_error(ctx, KY_EPARSE, path, reason.data) : rc;
        ky_buf_free(&reason);
        return rc;
    }
    if (doc->intSubset || doc->extSubset)
        return template_error(ctx, KY_EUNSUPPORTED, path,
                              KY_("styles.xml has a document type declaration, which ODF "
                                  "documents do not have"));
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || !root->ns || strcmp((const char *)root->ns->href, OFFICE_NS) != 0
        || strcmp((const char *)root->name, "document-styles") != 0)
        return template_error(ctx, KY_EPARSE, path,
                              KY_("styles.xml is not an ODF styles part (its root element is "
                                  "not office:document-styles)"));
    return 0;
}

/* Open the template and read its styles.xml into `styles`. */
static int read_styles_part(ky_ctx *ctx, const char *path, ky_buf *styles)
{
    ky_source source = {.path = path};
    ky_read_options limits = {
        .version = KY_READ_OPTIONS_VERSION,
        .max_entry_size = TEMPLATE_MAX_STYLES,
        .max_total_size = TEMPLATE_MAX_TOTAL,
    };
    ky_zip *zip = NULL;
    int rc = ky_zip_open(ctx, &source, &limits, &zip);
    if (rc == 0)
        rc = check_media_type(ctx, zip, path);
    if (rc == 0) {
        rc = read_entry(zip, "styles.xml", styles);
        if (rc == KY_ENOTFOUND)
            rc = template_error(ctx, KY_EPARSE, path, KY_("it has no styles.xml"));
        else if (rc != 0 && rc != KY_ENOMEM)
            rc = wrap_reader_error(ctx, rc, path);
    } else if (rc != KY_ENOMEM && !zip) {
        rc = wrap_reader_error(ctx, rc, path);
    }
    ky_zip_close(zip);
    return rc;
}

int ky_odf_template_read_styles(ky_ctx *ctx, const char *path, xmlDocPtr *out)
{
    if (out)
        *out = NULL;
    ky_buf styles = {0};
    int rc = read_styles_part(ctx, path, &styles);
    if (rc != 0) {
        ky_buf_free(&styles);
        return rc;
    }

    bool encoding_error = false;
    xmlDocPtr doc = ky_odf_parse_styles(&styles, &encoding_error);
    ky_buf_free(&styles);
    rc = check_styles_doc(ctx, doc, encoding_error, path);
    if (rc == 0 && out)
        *out = doc;
    else
        xmlFreeDoc(doc);
    return rc;
}
