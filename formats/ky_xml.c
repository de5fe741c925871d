/* SPDX-License-Identifier: MIT */
/*
 * Pull-style XML reading over zip entry streams and whole documents, built on
 * libxml2's SAX2 push parser, plus small helpers for matching namespaced
 * names and collecting element text.
 *
 * The input is fed to the parser in chunks. The SAX2 callbacks append the
 * nodes of a chunk to a queue, with their attributes and text in one arena.
 * ky_xml_read() then hands the queued nodes out one at a time, in the shape
 * that xmlTextReader gives them. So `<a/>` is one start node marked empty,
 * adjacent character data is one text node, and the root element has depth 0.
 * Unlike xmlTextReader, this builds no tree nodes and interns no text, which
 * cut the time to read a large sheet by about half (docs/benchmarks.md).
 */
#include "formats/ky_xml.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyokun/i18n.h"

/*
 * NONET forbids network access. NOENT (entity substitution) and DTDLOAD are
 * deliberately absent, so external entities are never fetched. The parser
 * also stops at any DOCTYPE before its declarations are read, and
 * ky_xml_read() reports it as an error, because package parts never need one.
 */
#define KY_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

/* Bytes read from the input and given to the parser at a time. */
#define CHUNK_SIZE ((size_t)1 << 18)

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

/* One queued node. Names are libxml2 dictionary strings, valid while the parser lives. */
typedef struct xml_event {
    ky_xml_node_kind kind;
    bool empty;          /* a start tag written as <a/> */
    bool mergeable;      /* character data that the next characters() call may extend */
    int depth;
    int line;
    const char *local;   /* "" when none */
    const char *uri;     /* "" when none */
    size_t text;         /* offset of the NUL-terminated text in the arena (text nodes) */
    size_t text_len;
    size_t first_attr;   /* start tags: index of the first attribute in `attrs` */
    size_t attr_count;
} xml_event;

/* One attribute of a queued start tag. */
typedef struct xml_attr {
    const char *local;
    const char *uri;
    size_t value;        /* offset of the NUL-terminated value in the arena */
} xml_attr;

struct ky_xml {
    xmlParserCtxtPtr parser;
    xmlSAXHandler sax;
    ky_zip_stream *stream; /* NULL for a document from ky_xml_open_source() */
    source_input *input;   /* NULL for a package part */
    ky_ctx *ctx;
    const char *path;      /* names the input in messages */
    const char *part;      /* part name, or the path for a whole document */
    char *first_error;     /* first message libxml2 reported, without newline */
    int error_line;

    char *chunk;           /* CHUNK_SIZE bytes of input */
    bool finished;         /* the last chunk was given to the parser */
    bool failed;           /* the parser reported a fatal error */
    bool doctype;          /* the document has a DOCTYPE, so parsing stopped there */
    bool out_of_memory;    /* a callback could not queue a node */
    int depth;             /* depth of the next node the parser delivers */
    bool pending_empty;    /* the last start tag was <a/>, so its end callback queues nothing */

    xml_event *events;
    size_t event_count;
    size_t event_cap;
    size_t next;           /* index of the next event to hand out */
    xml_event *current;    /* NULL before the first read and after the end */
    xml_attr *attrs;
    size_t attr_count;
    size_t attr_cap;
    ky_buf arena;
    struct {
        const char *text;     /* a namespace URI as a caller passed it to ky_xml_is() */
        const char *interned; /* the same URI in the parser's dictionary */
    } known_uris[8];
    size_t known_uri_count;
    const char *sml_uri;        /* KY_NS_SML in the parser's dictionary */
    const char *sml_strict_uri; /* KY_NS_SML_STRICT in the parser's dictionary */
    size_t next_attr;      /* ky_xml_next_attr() position in the current start tag */
    bool in_attributes;
};

/* Keep libxml2's first error message for ky_xml_read() instead of printing it. */
static void keep_error(void *payload, xmlErrorPtr error)
{
    ky_xml *xml = payload;
    if (!error || error->level < XML_ERR_ERROR)
        return;
    if (error->level == XML_ERR_FATAL)
        xml->failed = true;
    if (xml->first_error || !error->message)
        return;
    xml->first_error = ky_strdup(error->message);
    if (xml->first_error) {
        size_t len = strlen(xml->first_error);
        while (len > 0 && (xml->first_error[len - 1] == '\n' || xml->first_error[len - 1] == ' '))
            xml->first_error[--len] = '\0';
    }
    xml->error_line = error->line;
}

/* ------------------------------------------------------------------------ */
/* Event queue, filled by the SAX2 callbacks                                 */
/* ------------------------------------------------------------------------ */

/* Stop the parser after an allocation failure, which ky_xml_read() then reports. */
static void fail_nomem(ky_xml *xml)
{
    xml->out_of_memory = true;
    xmlStopParser(xml->parser);
}

/* Append a node to the queue. Return NULL, with the parser stopped, when out of memory. */
static xml_event *push_event(ky_xml *xml, ky_xml_node_kind kind)
{
    if (xml->event_count == xml->event_cap) {
        size_t cap = xml->event_cap ? xml->event_cap * 2 : 1024;
        xml_event *events = realloc(xml->events, cap * sizeof *events);
        if (!events) {
            fail_nomem(xml);
            return NULL;
        }
        xml->events = events;
        xml->event_cap = cap;
    }
    xml_event *event = &xml->events[xml->event_count++];
    xmlParserInputPtr input = xml->parser->input;
    *event = (xml_event){
        .kind = kind,
        .depth = xml->depth,
        .line = input ? input->line : 0,
        .local = "",
        .uri = "",
    };
    return event;
}

/*
 * Copy an attribute value into the arena. With entity substitution off,
 * libxml2 2.9 hands every '&' of an attribute value over as "&#38;", for its
 * tree builder to decode. A bare '&' cannot occur in a well-formed value, so
 * each '&' here starts "&#38;" and stands for '&'.
 */
static int copy_attr_value(ky_buf *arena, const xmlChar *value, const xmlChar *end)
{
    const char *p = (const char *)value, *stop = (const char *)end;
    while (p < stop) {
        const char *amp = memchr(p, '&', (size_t)(stop - p));
        if (!amp)
            return ky_buf_append(arena, p, (size_t)(stop - p));
        if (ky_buf_append(arena, p, (size_t)(amp - p) + 1) < 0)
            return KY_ENOMEM;
        p = amp + 1;
        if (stop - p >= 4 && memcmp(p, "#38;", 4) == 0)
            p += 4;
    }
    return 0;
}

static void on_start_element(void *payload, const xmlChar *local, const xmlChar *prefix,
                             const xmlChar *uri, int namespace_count, const xmlChar **namespaces,
                             int attribute_count, int defaulted_count, const xmlChar **attributes)
{
    ky_xml *xml = payload;
    xml_event *event = push_event(xml, KY_XML_START);
    if (!event)
        return;
    event->local = local ? (const char *)local : "";
    event->uri = uri ? (const char *)uri : "";
    event->first_attr = xml->attr_count;

    /* The parser is positioned just after the attributes, so "/>" marks an empty element. */
    const xmlChar *cur = xml->parser->input ? xml->parser->input->cur : NULL;
    event->empty = cur && cur[0] == '/' && cur[1] == '>';
    xml->pending_empty = event->empty;
    xml->depth++;

    if (attribute_count <= 0)
        return;
    size_t need = xml->attr_count + (size_t)attribute_count;
    if (need > xml->attr_cap) {
        size_t cap = xml->attr_cap ? xml->attr_cap : 256;
        while (cap < need)
            cap *= 2;
        xml_attr *attrs = realloc(xml->attrs, cap * sizeof *attrs);
        if (!attrs) {
            fail_nomem(xml);
            return;
        }
        xml->attrs = attrs;
        xml->attr_cap = cap;
    }
    /* Each attribute is five pointers: local name, prefix, URI, value start, value end. */
    for (int i = 0; i < attribute_count; i++) {
        const xmlChar **attribute = attributes + 5 * i;
        xml_attr *attr = &xml->attrs[xml->attr_count];
        attr->local = attribute[0] ? (const char *)attribute[0] : "";
        attr->uri = attribute[2] ? (const char *)attribute[2] : "";
        attr->value = xml->arena.len;
        if (copy_attr_value(&xml->arena, attribute[3], attribute[4]) < 0
            || ky_buf_putc(&xml->arena, '\0') < 0) {
            fail_nomem(xml);
            return;
        }
        xml->attr_count++;
        event->attr_count++;
    }
}

static void on_end_element(void *payload, const xmlChar *local, const xmlChar *prefix,
                           const xmlChar *uri)
{
    ky_xml *xml = payload;
    xml->depth--;
    /* Like xmlTextReader, an empty element <a/> gives no end node. */
    if (xml->pending_empty) {
        xml->pending_empty = false;
        return;
    }
    xml_event *event = push_event(xml, KY_XML_END);
    if (!event)
        return;
    event->local = local ? (const char *)local : "";
    event->uri = uri ? (const char *)uri : "";
}

/* Append character data. Runs split by references or chunks become one text node. */
static void add_text(ky_xml *xml, const xmlChar *text, int len, bool mergeable)
{
    xml->pending_empty = false;
    xml_event *last = xml->event_count > 0 ? &xml->events[xml->event_count - 1] : NULL;
    if (mergeable && last && last->kind == KY_XML_TEXT && last->mergeable) {
        /* The last node's text ends the arena: overwrite its NUL and extend it. */
        xml->arena.len--;
    } else {
        last = push_event(xml, KY_XML_TEXT);
        if (!last)
            return;
        last->mergeable = mergeable;
        last->text = xml->arena.len;
    }
    if (ky_buf_append(&xml->arena, text, (size_t)len) < 0 || ky_buf_putc(&xml->arena, '\0') < 0) {
        fail_nomem(xml);
        return;
    }
    last->text_len = xml->arena.len - 1 - last->text;
}

static void on_characters(void *payload, const xmlChar *text, int len)
{
    add_text(payload, text, len, true);
}

static void on_cdata(void *payload, const xmlChar *text, int len)
{
    /* xmlTextReader gives a CDATA section a node of its own. */
    add_text(payload, text, len, false);
}

static void on_other(void *payload)
{
    ky_xml *xml = payload;
    xml->pending_empty = false;
    push_event(xml, KY_XML_OTHER);
}

static void on_comment(void *payload, const xmlChar *text)
{
    on_other(payload);
}

static void on_processing_instruction(void *payload, const xmlChar *target, const xmlChar *data)
{
    on_other(payload);
}

static void on_internal_subset(void *payload, const xmlChar *name, const xmlChar *external_id,
                               const xmlChar *system_id)
{
    /* Stop before any declaration of the DOCTYPE is read. ky_xml_read() rejects the document. */
    ky_xml *xml = payload;
    xml->doctype = true;
    xmlStopParser(xml->parser);
}

/* ------------------------------------------------------------------------ */
/* Opening and closing                                                        */
/* ------------------------------------------------------------------------ */

/* Read callback over a whole document, counting bytes against the cap: bytes, 0 at the end, -1. */
static int source_read(ky_xml *xml, char *buffer, size_t len)
{
    source_input *input = xml->input;
    if (input->status != 0)
        return -1;
    size_t n;
    if (input->data) {
        n = input->size - input->offset < len ? input->size - input->offset : len;
        memcpy(buffer, input->data + input->offset, n);
        input->offset += n;
    } else {
        n = fread(buffer, 1, len, input->file);
        if (n == 0 && ferror(input->file)) {
            ky_loc loc = {.file = xml->path};
            input->status = ky_error_set(xml->ctx, KY_EIO, &loc, KY_("cannot read the file: %s"),
                                         strerror(errno));
            return -1;
        }
    }
    input->total += n;
    if (input->total > input->max_size) {
        ky_loc loc = {.file = xml->path};
        input->status = ky_error_set(xml->ctx, KY_ELIMIT, &loc,
                                     KY_("the file is larger than the limit of %llu bytes for "
                                         "one XML document"),
                                     (unsigned long long)input->max_size);
        return -1;
    }
    return (int)n;
}

/* Read the next chunk of input: bytes read, 0 at the end, -1 on error (already set). */
static int read_input(ky_xml *xml, char *buffer, size_t len)
{
    if (xml->stream) {
        int64_t n = ky_zip_stream_read(xml->stream, buffer, len);
        return n < 0 ? -1 : (int)n;
    }
    return source_read(xml, buffer, len);
}

/* Set up the SAX2 handler and the push parser on the reader's input. */
static int start_parser(ky_xml *xml)
{
    xmlInitParser();
    /*
     * Only these callbacks are set. libxml2's default SAX2 callbacks expect
     * the parser context as their user data, which here is the reader.
     */
    memset(&xml->sax, 0, sizeof xml->sax);
    xml->sax.initialized = XML_SAX2_MAGIC;
    xml->sax.startElementNs = on_start_element;
    xml->sax.endElementNs = on_end_element;
    xml->sax.characters = on_characters;
    xml->sax.ignorableWhitespace = on_characters;
    xml->sax.cdataBlock = on_cdata;
    xml->sax.comment = on_comment;
    xml->sax.processingInstruction = on_processing_instruction;
    xml->sax.internalSubset = on_internal_subset;
    xml->sax.serror = keep_error;

    xml->chunk = malloc(CHUNK_SIZE);
    if (!xml->chunk)
        return KY_ENOMEM;
    xml->parser = xmlCreatePushParserCtxt(&xml->sax, xml, NULL, 0, xml->part);
    if (!xml->parser)
        return KY_ENOMEM;
    xmlCtxtUseOptions(xml->parser, KY_XML_OPTIONS);

    /* The parser interns namespace URIs in its dictionary, so these compare by pointer. */
    xml->sml_uri = (const char *)xmlDictLookup(xml->parser->dict, BAD_CAST KY_NS_SML, -1);
    xml->sml_strict_uri = (const char *)xmlDictLookup(xml->parser->dict,
                                                      BAD_CAST KY_NS_SML_STRICT, -1);
    return 0;
}

int ky_xml_open(ky_zip *zip, const char *name, ky_xml **out)
{
    *out = NULL;
    ky_ctx *ctx = ky_zip_ctx(zip);
    ky_loc loc = {.file = ky_zip_path(zip)};

    int64_t index = ky_zip_find(zip, name);
    if (index < 0)
        return ky_error_set(ctx, KY_ENOTFOUND, &loc, KY_("package part %s is missing"),
                            name);

    ky_xml *xml = calloc(1, sizeof *xml);
    if (!xml)
        return ky_error_set(ctx, KY_ENOMEM, &loc, "%s",
                            KY_("out of memory while reading the file"));
    xml->ctx = ctx;
    xml->path = loc.file;
    int status = ky_zip_stream_open(zip, index, &xml->stream);
    if (status != 0) {
        free(xml);
        return status;
    }
    xml->part = ky_zip_stream_name(xml->stream);

    if (start_parser(xml) != 0) {
        ky_xml_close(xml);
        return ky_error_set(ctx, KY_ENOMEM, &loc, "%s",
                            KY_("out of memory while reading the file"));
    }
    *out = xml;
    return 0;
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
        return ky_error_set(ctx, KY_ENOMEM, &loc, "%s",
                            KY_("out of memory while reading the file"));
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
            return ky_error_set(ctx, KY_EIO, &loc, KY_("cannot open the file: %s"),
                                strerror(error));
        }
    }

    if (start_parser(xml) != 0) {
        ky_xml_close(xml);
        return ky_error_set(ctx, KY_ENOMEM, &loc, "%s",
                            KY_("out of memory while reading the file"));
    }
    *out = xml;
    return 0;
}

void ky_xml_close(ky_xml *xml)
{
    if (!xml)
        return;
    if (xml->parser)
        xmlFreeParserCtxt(xml->parser);
    ky_zip_stream_close(xml->stream);
    if (xml->input && xml->input->file)
        fclose(xml->input->file);
    free(xml->input);
    free(xml->first_error);
    free(xml->chunk);
    free(xml->events);
    free(xml->attrs);
    ky_buf_free(&xml->arena);
    free(xml);
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                    */
/* ------------------------------------------------------------------------ */

/* Return the error for input that could not be parsed, with its details set on the context. */
static int parse_error(ky_xml *xml)
{
    ky_ctx *ctx = xml->ctx;
    ky_loc loc = {.file = xml->path};
    if (xml->out_of_memory)
        return ky_xml_error_nomem(xml);
    if (xml->doctype) {
        if (!xml->stream)
            return ky_error_set(ctx, KY_EPARSE, &loc,
                                KY_("DOCTYPE not allowed in the document"));
        return ky_error_set(ctx, KY_EPARSE, &loc,
                            KY_("DOCTYPE not allowed in package part %s"), xml->part);
    }
    /* A failed stream (size limit, corrupt data) already set the precise error. */
    int status = xml->stream ? ky_zip_stream_status(xml->stream) : xml->input->status;
    if (status != 0)
        return status;
    /* libxml2 reports bytes that its declared encoding cannot decode on its
     * generic channel only, so no parse error was kept for them. */
    if (!xml->first_error) {
        if (!xml->stream)
            return ky_error_set(ctx, KY_EPARSE, &loc,
                                KY_("the XML cannot be decoded in the encoding it declares"));
        return ky_error_set(ctx, KY_EPARSE, &loc,
                            KY_("package part %s cannot be decoded in the encoding it declares"),
                            xml->part);
    }
    if (!xml->stream)
        return ky_error_set(ctx, KY_EPARSE, &loc, KY_("invalid XML, line %d: %s"),
                            xml->error_line, xml->first_error);
    return ky_error_set(ctx, KY_EPARSE, &loc, KY_("invalid XML in package part %s, line %d: %s"),
                        xml->part, xml->error_line, xml->first_error);
}

/* Drop the events handed out so far, keeping the ones not yet read and their text. */
static void compact_queue(ky_xml *xml)
{
    size_t keep = xml->event_count - xml->next;
    if (keep == 0) {
        xml->event_count = 0;
        xml->attr_count = 0;
        xml->arena.len = 0;
    } else {
        /* Only a trailing text node is ever kept back, and its text ends the arena. */
        xml_event *event = &xml->events[xml->next];
        size_t start = event->text;
        memmove(xml->arena.data, xml->arena.data + start, xml->arena.len - start);
        xml->arena.len -= start;
        event->text = 0;
        memmove(xml->events, event, keep * sizeof *event);
        xml->event_count = keep;
        xml->attr_count = 0;
    }
    xml->next = 0;
    xml->current = NULL;
}

/* Drop a message of libxml2's generic error channel; see parse_chunk_quietly(). */
static void discard_generic_error(void *context, const char *format, ...)
{
    (void)context;
    (void)format;
}

/*
 * Run xmlParseChunk with libxml2's generic error channel silenced, because
 * libxml2 2.9 reports encoding and I/O errors there, and its default handler
 * prints them to stderr; a library must not print. The channel is
 * per-thread, and the caller's handler is restored afterwards. Parse errors
 * still reach keep_error() through the SAX serror callback.
 */
static int parse_chunk_quietly(ky_xml *xml, const char *chunk, int size, int terminate)
{
    xmlGenericErrorFunc saved = xmlGenericError;
    void *saved_context = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, discard_generic_error);
    int rc = xmlParseChunk(xml->parser, chunk, size, terminate);
    xmlSetGenericErrorFunc(saved_context, saved);
    return rc;
}

/* Give the parser the next chunk of input (or the end of it). Return 0 or a negative status. */
static int feed_parser(ky_xml *xml)
{
    int n = read_input(xml, xml->chunk, CHUNK_SIZE);
    if (n < 0) {
        xml->finished = true;
        xml->failed = true;
        return 0;
    }
    xml->finished = n == 0;
    int rc = parse_chunk_quietly(xml, xml->chunk, n, xml->finished);
    if (rc != 0 || xml->doctype || xml->out_of_memory) {
        xml->failed = true;
        xml->finished = true;
    }
    return 0;
}

int ky_xml_read(ky_xml *xml)
{
    xml->in_attributes = false;
    for (;;) {
        /* A trailing text node may still grow with the next chunk, so it waits for it. */
        if (xml->next < xml->event_count
            && (xml->next + 1 < xml->event_count || xml->finished
                || xml->events[xml->next].kind != KY_XML_TEXT
                || !xml->events[xml->next].mergeable)) {
            xml->current = &xml->events[xml->next++];
            return 1;
        }
        xml->current = NULL;
        if (xml->finished)
            return xml->failed ? parse_error(xml) : 0;
        compact_queue(xml);
        int status = feed_parser(xml);
        if (status != 0)
            return status;
    }
}

ky_xml_node_kind ky_xml_node(const ky_xml *xml)
{
    return xml->current ? xml->current->kind : KY_XML_OTHER;
}

int ky_xml_depth(const ky_xml *xml)
{
    return xml->current ? xml->current->depth : -1;
}

bool ky_xml_is_empty(const ky_xml *xml)
{
    return xml->current && xml->current->kind == KY_XML_START && xml->current->empty;
}

const char *ky_xml_local_name(const ky_xml *xml)
{
    return xml->current ? xml->current->local : "";
}

const char *ky_xml_namespace(const ky_xml *xml)
{
    return xml->current ? xml->current->uri : "";
}

/*
 * Return the dictionary copy of a namespace URI that a caller passes, found
 * by the caller's pointer (callers pass string constants), or NULL when the
 * small table is full or the lookup failed.
 */
static const char *interned_uri(ky_xml *xml, const char *ns_uri)
{
    for (size_t i = 0; i < xml->known_uri_count; i++)
        if (xml->known_uris[i].text == ns_uri)
            return xml->known_uris[i].interned;
    size_t max = sizeof xml->known_uris / sizeof xml->known_uris[0];
    if (xml->known_uri_count == max)
        return NULL;
    const char *interned = (const char *)xmlDictLookup(xml->parser->dict, BAD_CAST ns_uri, -1);
    if (interned) {
        xml->known_uris[xml->known_uri_count].text = ns_uri;
        xml->known_uris[xml->known_uri_count].interned = interned;
        xml->known_uri_count++;
    }
    return interned;
}

bool ky_xml_is(const ky_xml *xml, const char *ns_uri, const char *local)
{
    const xml_event *event = xml->current;
    if (!event || (event->kind != KY_XML_START && event->kind != KY_XML_END))
        return false;
    if (strcmp(event->local, local) != 0)
        return false;
    if (!ns_uri || !ns_uri[0])
        return event->uri[0] == '\0';
    /*
     * The parser keeps every namespace URI in its dictionary, so equal URIs
     * are the same pointer. The cache is the reader's own state, not a
     * visible change, so the const is cast away for it.
     */
    const char *interned = interned_uri((ky_xml *)xml, ns_uri);
    if (interned)
        return event->uri == interned;
    return strcmp(event->uri, ns_uri) == 0;
}

bool ky_xml_is_sml(const ky_xml *xml, const char *local)
{
    const xml_event *event = xml->current;
    if (!event || (event->kind != KY_XML_START && event->kind != KY_XML_END))
        return false;
    if (strcmp(event->local, local) != 0)
        return false;
    if (event->uri == xml->sml_uri || event->uri == xml->sml_strict_uri)
        return true;
    /* Not interned (or a different namespace): compare the text. */
    return strcmp(event->uri, KY_NS_SML) == 0 || strcmp(event->uri, KY_NS_SML_STRICT) == 0;
}

bool ky_xml_next_attr(ky_xml *xml, const char **ns_uri, const char **local, const char **value)
{
    const xml_event *event = xml->current;
    if (!xml->in_attributes)
        xml->next_attr = 0;
    if (!event || event->kind != KY_XML_START || xml->next_attr >= event->attr_count) {
        xml->in_attributes = false;
        return false;
    }
    xml->in_attributes = true;
    const xml_attr *attr = &xml->attrs[event->first_attr + xml->next_attr++];
    *ns_uri = attr->uri;
    *local = attr->local;
    *value = xml->arena.data + attr->value;
    return true;
}

int ky_xml_attr(ky_xml *xml, const char *ns_uri, const char *local, ky_buf *out)
{
    ky_buf_clear(out);
    const xml_event *event = xml->current;
    if (!event || event->kind != KY_XML_START)
        return 0;
    for (size_t i = 0; i < event->attr_count; i++) {
        const xml_attr *attr = &xml->attrs[event->first_attr + i];
        if (strcmp(attr->local, local) == 0 && strcmp(attr->uri, ns_uri ? ns_uri : "") == 0) {
            int status = ky_buf_puts(out, xml->arena.data + attr->value);
            return status < 0 ? status : 1;
        }
    }
    return 0;
}

int ky_xml_read_text(ky_xml *xml, ky_buf *out)
{
    if (ky_xml_node(xml) != KY_XML_START || ky_xml_is_empty(xml))
        return 0;
    int depth = ky_xml_depth(xml);
    int rc;
    while ((rc = ky_xml_read(xml)) > 0) {
        const xml_event *event = xml->current;
        if (event->kind == KY_XML_END && event->depth == depth)
            return 0;
        if (event->kind == KY_XML_TEXT
            && ky_buf_append(out, xml->arena.data + event->text, event->text_len) < 0)
            return ky_xml_error_nomem(xml);
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
        if (xml->current->kind == KY_XML_END && xml->current->depth == depth)
            return 0;
    return rc < 0 ? rc : 0;
}

int ky_xml_error_nomem(ky_xml *xml)
{
    ky_loc loc = {.file = xml->path};
    return ky_error_set(xml->ctx, KY_ENOMEM, &loc, "%s",
                        KY_("out of memory while reading the file"));
}

const char *ky_xml_part(const ky_xml *xml)
{
    return xml->part;
}

const char *ky_xml_value(const ky_xml *xml)
{
    const xml_event *event = xml->current;
    return event && event->kind == KY_XML_TEXT ? xml->arena.data + event->text : "";
}

int ky_xml_line(const ky_xml *xml)
{
    return xml->current ? xml->current->line : 0;
}
