/* SPDX-License-Identifier: MIT */
/*
 * Input plugin for CSV and TSV files: one sheet named after the file, one row
 * per record, every non-empty field a text cell exactly as written. Decoding
 * and parsing are in formats/ky_csv.c; this file maps the input and adapts
 * records to the sink.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/ky_csv.h"
#include "formats/ky_text.h"
#include "kyokun/i18n.h"
#include "kyokun/plugin.h"

/* Probe scores: low, so that a zip or XML magic number of another format wins. */
#define PROBE_SEPARATED 40 /* records split consistently by one separator */
#define PROBE_TEXT 35      /* text with a separator, but not consistently */
#define PROBE_ONE_COLUMN 30 /* text without separators, with a csv/tsv/txt name */
#define PROBE_PLAIN_TEXT 10 /* text without separators under another name */

static const char *const extensions[] = {"csv", "tsv", "txt", NULL};

/* Return true when the extension is one this plugin lists. */
static bool known_extension(const char *extension)
{
    for (size_t i = 0; extension && extensions[i]; i++)
        if (strcasecmp(extension, extensions[i]) == 0)
            return true;
    return false;
}

/*
 * Return true when text starts, after white space, with an HTML or XML
 * start: Excel's "Web page" exports and XML Spreadsheet 2003 files are often
 * named .xls, and reading them as one column of markup helps no one.
 */
static bool starts_with_markup(const unsigned char *head, size_t len)
{
    static const char *const starts[] = {"<!doctype html", "<html", "<table", "<?xml"};
    size_t i = 0;

    while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'
                       || head[i] == '\f'))
        i++;
    for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
        size_t n = strlen(starts[k]);
        if (len - i >= n && strncasecmp((const char *)head + i, starts[k], n) == 0)
            return true;
    }
    return false;
}

/* Apply starts_with_markup() to UTF-16 text (after its BOM) through its leading ASCII characters. */
static bool utf16_starts_with_markup(const unsigned char *head, size_t len, bool big_endian)
{
    unsigned char ascii[32];
    size_t n = 0;

    for (size_t i = 0; i + 1 < len && n < sizeof ascii; i += 2) {
        unsigned unit = big_endian ? (unsigned)head[i] << 8 | head[i + 1]
                                   : (unsigned)head[i + 1] << 8 | head[i];
        if (unit >= 0x80)
            break;
        ascii[n++] = (unsigned char)unit;
    }
    return starts_with_markup(ascii, n);
}

/* Score the first bytes of a file as delimited text. */
static int probe(const ky_probe_info *info)
{
    const unsigned char *head = info->head;
    size_t len = info->head_len;
    size_t controls = 0;

    if (!head || len == 0)
        return known_extension(info->extension) ? PROBE_ONE_COLUMN : 0;

    /* Zip (xlsx, ods) and OLE compound files (xls) are never CSV. */
    if (len >= 4 && memcmp(head, "PK\x03\x04", 4) == 0)
        return 0;
    if (len >= 8 && memcmp(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return 0;
    if (len >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF)))
        return utf16_starts_with_markup(head + 2, len - 2, head[0] == 0xFE) ? 0 : PROBE_TEXT;
    if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) {
        head += 3;
        len -= 3;
    }
    if (starts_with_markup(head, len))
        return 0;

    /* Binary content: NUL bytes, or more than 1% other control bytes. */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = head[i];
        if (c == 0)
            return 0;
        if (c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != 0x1A)
            controls++;
    }
    if (controls * 100 > len)
        return 0;

    /* Separators are ASCII, and neither CP932 nor UTF-8 uses ASCII bytes
     * inside a multi-byte character, so the raw bytes can be split. */
    ky_csv_separator_guess guess;
    bool prefer_tab = info->extension && strcasecmp(info->extension, "tsv") == 0;
    ky_csv_guess_separator((const char *)head, len, info->file_size == info->head_len,
                           prefer_tab, &guess);
    if (guess.fields >= 2 && guess.consistent >= 2)
        return PROBE_SEPARATED;
    if (guess.fields >= 2)
        return PROBE_TEXT;
    return known_extension(info->extension) ? PROBE_ONE_COLUMN : PROBE_PLAIN_TEXT;
}

/* The input bytes and how to release them. */
typedef struct csv_input {
    const unsigned char *data;
    size_t size;
    void *mapping;      /* from mmap(), or NULL */
    size_t mapping_len;
    unsigned char *heap; /* read() into memory for a pipe, or NULL */
} csv_input;

/* Read a file that cannot be mapped (a pipe or a character device) into memory. */
static int read_stream(ky_ctx *ctx, const ky_loc *loc, int fd, csv_input *input)
{
    ky_buf buf = {0};
    char chunk[65536];

    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int error = errno;
            ky_buf_free(&buf);
            return ky_error_set(ctx, KY_EIO, loc, KY_("reading failed: %s"), strerror(error));
        }
        if (ky_buf_append(&buf, chunk, (size_t)n) != 0) {
            ky_buf_free(&buf);
            return ky_error_set(ctx, KY_ENOMEM, loc, KY_("out of memory"));
        }
    }
    input->size = buf.len;
    input->heap = (unsigned char *)ky_buf_take(&buf);
    if (!input->heap)
        return ky_error_set(ctx, KY_ENOMEM, loc, KY_("out of memory"));
    input->data = input->heap;
    return 0;
}

/* Map the file read-only, so its pages are file-backed and the kernel can drop them. */
static int open_input(ky_ctx *ctx, const char *path, csv_input *input)
{
    ky_loc loc = {.file = path};
    struct stat st;
    int rc = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return ky_error_set(ctx, errno == ENOENT ? KY_ENOTFOUND : KY_EIO, &loc,
                            KY_("failed to open the file: %s"), strerror(errno));
    if (fstat(fd, &st) != 0) {
        rc = ky_error_set(ctx, KY_EIO, &loc, KY_("failed to read the file status: %s"),
                          strerror(errno));
        goto cleanup;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = read_stream(ctx, &loc, fd, input);
        goto cleanup;
    }
    if ((uint64_t)st.st_size > SIZE_MAX) {
        rc = ky_error_set(ctx, KY_ELIMIT, &loc, KY_("the file is too large to map"));
        goto cleanup;
    }
    if (st.st_size == 0) {
        input->data = (const unsigned char *)"";
        goto cleanup;
    }
    input->mapping = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (input->mapping == MAP_FAILED) {
        input->mapping = NULL;
        rc = ky_error_set(ctx, KY_EIO, &loc, KY_("failed to map the file into memory: %s"),
                          strerror(errno));
        goto cleanup;
    }
    input->mapping_len = (size_t)st.st_size;
    input->data = input->mapping;
    input->size = (size_t)st.st_size;
    madvise(input->mapping, input->mapping_len, MADV_SEQUENTIAL);

cleanup:
    close(fd);
    return rc;
}

/* Release the input bytes. */
static void close_input(csv_input *input)
{
    if (input->mapping)
        munmap(input->mapping, input->mapping_len);
    free(input->heap);
}

/* Return the sheet name for a path: its file name without the last extension. */
static char *sheet_name(const char *path)
{
    if (!path || !*path)
        return ky_strdup("csv");
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return len ? ky_strndup(base, len) : ky_strdup("csv");
}

/* State of one read: the sink and a reusable cell array. */
typedef struct csv_reader {
    ky_ctx *ctx;
    const char *path;
    const ky_sink *sink;
    void *payload;
    ky_cell *cells;
    size_t cells_cap;
    bool stopped; /* the sink returned KY_SINK_STOP */
} csv_reader;

/* Turn a record into a row of text cells, leaving out empty fields. */
static int on_record(void *payload, const ky_csv_record *record)
{
    csv_reader *reader = payload;

    if (record->index >= UINT32_MAX) {
        ky_loc loc = {.file = reader->path};
        return ky_error_set(reader->ctx, KY_ELIMIT, &loc,
                            KY_("the file has more than %u records, the maximum row count"),
                            (unsigned)UINT32_MAX - 1);
    }
    if (record->count > reader->cells_cap) {
        ky_cell *cells = realloc(reader->cells, record->count * sizeof *cells);
        if (!cells)
            return ky_error_set(reader->ctx, KY_ENOMEM, NULL, KY_("out of memory"));
        reader->cells = cells;
        reader->cells_cap = record->count;
    }

    /* NOTE: a field containing U+0000 is passed on whole with its length,
     * but consumers that read cell text as a C string see it cut there. */
    size_t count = 0;
    for (size_t k = 0; k < record->count; k++) {
        if (record->fields[k].len == 0)
            continue;
        reader->cells[count++] = (ky_cell){
            .col = (uint32_t)k,
            .type = KY_CELL_TEXT,
            .text = record->fields[k].text,
            .len = record->fields[k].len,
        };
    }
    if (count == 0)
        return 0;

    int rc = reader->sink->row(reader->payload, (uint32_t)record->index, reader->cells, count);
    if (rc < 0) {
        if (!ky_error_last(reader->ctx)) {
            ky_loc loc = {.file = reader->path, .row = (uint32_t)record->index + 1};
            ky_error_set(reader->ctx, rc, &loc, KY_("reading aborted by the sink (status %d)"),
                         rc);
        }
        return rc;
    }
    if (rc == KY_SINK_STOP) {
        reader->stopped = true;
        return KY_CSV_STOP;
    }
    return 0;
}

/* Return true when the path ends in ".tsv". */
static bool has_tsv_extension(const char *path)
{
    size_t len = path ? strlen(path) : 0;
    return len >= 4 && strcasecmp(path + len - 4, ".tsv") == 0;
}

/* Stream the file's single sheet into the sink. */
static int read_csv(ky_ctx *ctx, const ky_source *source, const ky_read_options *options,
                    const ky_sink *sink, void *payload)
{
    csv_input input = {0};
    csv_reader reader = {.ctx = ctx, .path = source->path, .sink = sink, .payload = payload};
    char *name = NULL;
    ky_loc loc = {.file = source->path};
    int rc = 0;

    if (!sink || sink->version != KY_SINK_VERSION || !sink->sheet_begin || !sink->row ||
        !sink->sheet_end)
        return ky_error_set(ctx, KY_EINVAL, &loc,
                            KY_("invalid sink: a callback is missing or its version is not %d"),
                            KY_SINK_VERSION);

    /* Input bytes: the caller's buffer, or the file mapped into memory. */
    if (source->data) {
        input.data = source->data;
        input.size = source->size;
    } else if (!source->path) {
        return ky_error_set(ctx, KY_EINVAL, NULL, KY_("the source has neither a path nor data"));
    } else if ((rc = open_input(ctx, source->path, &input)) != 0) {
        return rc;
    }

    name = sheet_name(source->path);
    if (!name) {
        rc = ky_error_set(ctx, KY_ENOMEM, NULL, KY_("out of memory"));
        goto cleanup;
    }

    /* One sheet; a sink that skips it or stops gets no rows. After
     * KY_SINK_STOP nothing more is called, not even sheet_end. */
    ky_sheet_info sheet = {.name = name, .index = 0, .visibility = KY_SHEET_VISIBLE};
    rc = sink->sheet_begin(payload, &sheet);
    if (rc == KY_SINK_STOP) {
        rc = 0;
        goto cleanup;
    }
    if (rc < 0)
        goto cleanup;
    if (rc != KY_SINK_SKIP_SHEET) {
        ky_csv_read_options csv_options = {
            .path = source->path,
            .encoding = options && options->version >= 1 ? options->encoding : NULL,
            .prefer_tab = has_tsv_extension(source->path),
            .release_mapping = input.mapping != NULL,
        };
        rc = ky_csv_read(ctx, input.data, input.size, &csv_options, NULL, on_record, &reader);
        if (rc != 0 || reader.stopped)
            goto cleanup;
    }
    rc = sink->sheet_end(payload);
    if (rc > 0)
        rc = 0;

cleanup:
    free(reader.cells);
    free(name);
    close_input(&input);
    return rc;
}

static const ky_plugin descriptor = {
    .abi_version = KY_PLUGIN_ABI_VERSION,
    .kind = KY_PLUGIN_INPUT,
    .name = "csv",
    .description = "CSV and TSV text (UTF-8, UTF-16 with BOM, CP932, EUC-JP)",
    .extensions = extensions,
    .probe = probe,
    .read = read_csv,
};

KY_PLUGIN_DEFINE(descriptor)
