/* SPDX-License-Identifier: MIT */
/*
 * Input plugin for HTML tables. Excel's "Web page" save and the "Excel
 * export" of many web systems write an HTML document and name it .xls, so
 * the probe looks at the content, and each top-level <table> becomes a sheet
 * (html_table.c). This file probes, reads the input in chunks, and feeds
 * the decoded text (html_decode.c) to the parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/ky_zip.h"
#include "html.h"
#include "kyokun/i18n.h"

/* Probe scores. A page that starts as HTML beats CSV's 40; a table later in the head ties with it. */
#define PROBE_HTML_START 70  /* <!DOCTYPE html, <html, <table, or Excel's XML-declared <html> */
#define PROBE_TABLE_INSIDE 40 /* markup that contains <table but starts otherwise */
#define PROBE_TABLE_IN_TEXT 20 /* <table inside text that does not start with markup */

/* Bytes read from the input at a time; also the head in which the encoding is looked for. */
#define CHUNK_SIZE ((size_t)64 << 10)

static const char *const extensions[] = {"html", "htm", "xls", NULL};

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

/* Return true when `text` starts with `word` (ignoring case) followed by a tag delimiter or the end. */
static bool starts_with_tag(const unsigned char *text, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (len < n || strncasecmp((const char *)text, word, n) != 0)
        return false;
    return len == n || is_space(text[n]) || text[n] == '>' || text[n] == '/';
}

/* Return true when `needle` (ASCII) occurs in `text`, ignoring case. */
static bool contains_ci(const unsigned char *text, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp((const char *)text + i, needle, n) == 0)
            return true;
    return false;
}

/* Return true when the head contains a <table start tag. */
static bool contains_table_tag(const unsigned char *text, size_t len)
{
    for (size_t i = 0; i + 6 <= len; i++)
        if (text[i] == '<' && starts_with_tag(text + i, len - i, "<table"))
            return true;
    return false;
}

/*
 * Skip an XML declaration, processing instructions, comments and white
 * space, and return the offset of what follows, as Excel writes
 * <?xml ...?> before <html xmlns:x="urn:schemas-microsoft-com:office:excel">.
 */
static size_t skip_prolog(const unsigned char *text, size_t len)
{
    size_t i = 0;
    for (;;) {
        while (i < len && is_space(text[i]))
            i++;
        const char *end = NULL;
        if (len - i >= 2 && memcmp(text + i, "<?", 2) == 0)
            end = "?>";
        else if (len - i >= 4 && memcmp(text + i, "<!--", 4) == 0)
            end = "-->";
        else
            return i;
        size_t n = strlen(end);
        size_t j = i + 2;
        while (j + n <= len && memcmp(text + j, end, n) != 0)
            j++;
        if (j + n > len)
            return len;
        i = j + n;
    }
}

/* Score ASCII-compatible text (after any byte order mark). */
static int probe_text(const unsigned char *head, size_t len)
{
    size_t i = 0;
    while (i < len && is_space(head[i]))
        i++;
    const unsigned char *start = head + i;
    size_t rest = len - i;

    if (starts_with_tag(start, rest, "<!doctype")) {
        size_t at = 9;
        while (at < rest && is_space(start[at]))
            at++;
        if (starts_with_tag(start + at, rest - at, "html"))
            return PROBE_HTML_START;
    }
    if (starts_with_tag(start, rest, "<html") || starts_with_tag(start, rest, "<table"))
        return PROBE_HTML_START;
    if (rest >= 5 && strncasecmp((const char *)start, "<?xml", 5) == 0) {
        size_t at = skip_prolog(start, rest);
        if (starts_with_tag(start + at, rest - at, "<html")
            && contains_ci(start, rest, "urn:schemas-microsoft-com:office"))
            return PROBE_HTML_START;
    }

    if (memchr(head, '\0', len))
        return 0;
    if (!contains_table_tag(start, rest))
        return 0;
    return rest > 0 && start[0] == '<' ? PROBE_TABLE_INSIDE : PROBE_TABLE_IN_TEXT;
}

static int probe(const ky_probe_info *info)
{
    const unsigned char *head = info->head;
    size_t len = info->head_len;

    if (!head || len == 0)
        return 0;
    /* Zip packages (xlsx, ods) and OLE2 compound files (xls) are never HTML. */
    if (len >= 4 && memcmp(head, "PK\x03\x04", 4) == 0)
        return 0;
    if (ky_zip_is_ole2(head, len))
        return 0;

    if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
        return probe_text(head + 3, len - 3);
    if (len >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF))) {
        /* UTF-16: score the leading ASCII characters. */
        unsigned char ascii[4096];
        size_t n = 0;
        bool big_endian = head[0] == 0xFE;
        for (size_t i = 2; i + 1 < len && n < sizeof ascii; i += 2) {
            unsigned unit = big_endian ? (unsigned)head[i] << 8 | head[i + 1]
                                       : (unsigned)head[i + 1] << 8 | head[i];
            if (unit == 0 || unit >= 0x80)
                break;
            ascii[n++] = (unsigned char)unit;
        }
        return probe_text(ascii, n);
    }
    return probe_text(head, len);
}

/* The input: the caller's memory, or a file read in chunks. */
typedef struct html_input {
    const unsigned char *data;
    size_t size;
    size_t offset;
    FILE *file;
    unsigned char *chunk;
} html_input;

/* Return the next chunk of input in *bytes: its length, 0 at the end, or a negative status. */
static long next_chunk(ky_ctx *ctx, const char *path, html_input *input,
                       const unsigned char **bytes)
{
    if (input->data) {
        size_t n = input->size - input->offset;
        if (n > CHUNK_SIZE)
            n = CHUNK_SIZE;
        *bytes = input->data + input->offset;
        input->offset += n;
        return (long)n;
    }
    size_t n = fread(input->chunk, 1, CHUNK_SIZE, input->file);
    if (n == 0 && ferror(input->file)) {
        ky_loc loc = {.file = path};
        return ky_error_set(ctx, KY_EIO, &loc, KY_("reading failed: %s"), strerror(errno));
    }
    *bytes = input->chunk;
    return (long)n;
}

/* Return true when no input follows the last chunk. */
static bool input_ended(html_input *input)
{
    if (input->data)
        return input->offset == input->size;
    int c = getc(input->file);
    if (c == EOF)
        return true;
    ungetc(c, input->file);
    return false;
}

/* Decode and parse the input, chunk by chunk. Returns 0, 1 when the sink stopped, or a status. */
static int parse_input(ky_ctx *ctx, const char *path, html_input *input, const char *forced,
                       html_reader *reader, html_decoder *decoder)
{
    ky_buf text = {0};
    const unsigned char *bytes = NULL;
    long n = next_chunk(ctx, path, input, &bytes);
    if (n < 0)
        return (int)n;

    bool last = input_ended(input);
    size_t bom_len;
    int rc = html_decoder_open(decoder, ctx, path, forced, bytes, (size_t)n, last, &bom_len);
    bytes += bom_len;
    n -= (long)bom_len;

    while (rc == 0) {
        ky_buf_clear(&text);
        if (html_decode(decoder, bytes, (size_t)n, last, &text) < 0) {
            ky_loc loc = {.file = path};
            rc = ky_error_set(ctx, KY_ENOMEM, &loc, "%s",
                              KY_("out of memory while reading the file"));
            break;
        }
        rc = html_reader_feed(reader, text.data ? text.data : "", text.len, last);
        if (rc != 0 || last)
            break;
        n = next_chunk(ctx, path, input, &bytes);
        if (n < 0) {
            rc = (int)n;
            break;
        }
        last = input_ended(input);
    }
    ky_buf_free(&text);
    return rc;
}

/* Stream the page's tables into the sink, one sheet each. */
static int read_html(ky_ctx *ctx, const ky_source *source, const ky_read_options *options,
                     const ky_sink *sink, void *payload)
{
    const char *path = source->path ? source->path : "(memory)";
    ky_loc loc = {.file = path};
    html_input input = {0};
    html_decoder decoder = {.cd = (iconv_t)-1};
    html_reader *reader = NULL;
    int rc;

    if (!sink || sink->version != KY_SINK_VERSION || !sink->sheet_begin || !sink->row
        || !sink->sheet_end)
        return ky_error_set(ctx, KY_EINVAL, &loc,
                            KY_("invalid sink: a callback is missing or its version is not %d"),
                            KY_SINK_VERSION);
    if (source->data) {
        input.data = source->data;
        input.size = source->size;
    } else if (!source->path) {
        return ky_error_set(ctx, KY_EINVAL, NULL, KY_("the source has neither a path nor data"));
    } else {
        input.file = fopen(source->path, "rb");
        if (!input.file)
            return ky_error_set(ctx, errno == ENOENT ? KY_ENOTFOUND : KY_EIO, &loc,
                                KY_("cannot open the file: %s"), strerror(errno));
        input.chunk = malloc(CHUNK_SIZE);
    }

    reader = html_reader_new(ctx, path, sink, payload);
    if (!reader || (input.file && !input.chunk)) {
        rc = ky_error_set(ctx, KY_ENOMEM, &loc, "%s", KY_("out of memory while reading the file"));
        goto cleanup;
    }

    const char *forced = options && options->version >= 1 ? options->encoding : NULL;
    rc = parse_input(ctx, path, &input, forced, reader, &decoder);
    if (rc == 1) {
        rc = 0; /* the sink stopped the read */
        goto cleanup;
    }
    if (rc == 0)
        rc = html_reader_finish(reader);
    if (rc == 0 && decoder.invalid > 0)
        ky_diag_emit(ctx, KY_SEV_WARNING, "html.invalid-bytes", &loc,
                     KY_("%zu byte sequences that are not valid %s (or NUL bytes) were "
                         "replaced with U+FFFD"),
                     decoder.invalid, decoder.encoding);

cleanup:
    html_reader_free(reader);
    html_decoder_close(&decoder);
    if (input.file)
        fclose(input.file);
    free(input.chunk);
    return rc;
}

static const ky_plugin descriptor = {
    .abi_version = KY_PLUGIN_ABI_VERSION,
    .kind = KY_PLUGIN_INPUT,
    .name = "html",
    .description = "HTML tables (Excel \"Web page\" files, web-system exports named .xls)",
    .extensions = extensions,
    .probe = probe,
    .read = read_html,
};

KY_PLUGIN_DEFINE(descriptor)
