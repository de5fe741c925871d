/* SPDX-License-Identifier: MIT */
/*
 * Tests of the xls input plugin: the probe on in-memory heads, the corpus
 * workbooks read in place from $KY_SHARED/corpus, small BIFF5 workbooks
 * built here in an OLE2 container to check code pages, encryption and bounds,
 * the FreeXL child process, and the decoder of its record stream on byte
 * buffers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "formats/ky_date.h"
#include "formats/ky_text.h"
#include "kyokun/registry.h"

/* The stream encoder and decoder use only libkyokun, so they are compiled into this test. */
#include "plugins/input-xls/xls_stream.c"

static ky_registry *registry;
static const ky_plugin *xls_plugin;

/* ------------------------------------------------------------------------ */
/* Recording sink                                                             */
/* ------------------------------------------------------------------------ */

typedef struct recorded_cell {
    uint32_t sheet;
    uint32_t row;
    uint32_t col;
    ky_cell_type type;
    ky_date_kind date_kind;
    double number;
    char *text;
} recorded_cell;

typedef struct recorder {
    recorded_cell cells[256];
    size_t cell_count;
    char *sheet_names[8];
    size_t sheet_count;
    size_t sheet_ends;
    size_t rows;
    bool row_order_ok;
    uint32_t last_row;
    int sheet_reply;  /* returned from sheet_begin for the first sheet */
    size_t stop_after_rows; /* return KY_SINK_STOP after this many rows; 0 = never */
    ky_buf diags;
} recorder;

static int record_sheet_begin(void *payload, const ky_sheet_info *sheet)
{
    recorder *rec = payload;
    assert_true(rec->sheet_count < 8);
    assert_int_equal(sheet->index, rec->sheet_count);
    rec->sheet_names[rec->sheet_count++] = ky_strdup(sheet->name);
    rec->last_row = 0;
    return rec->sheet_count == 1 ? rec->sheet_reply : KY_SINK_OK;
}

static int record_row(void *payload, uint32_t row, const ky_cell *cells, size_t count)
{
    recorder *rec = payload;
    if (rec->rows > 0 && row < rec->last_row)
        rec->row_order_ok = false;
    rec->last_row = row;
    rec->rows++;
    for (size_t i = 0; i < count; i++) {
        assert_true(rec->cell_count < 256);
        assert_int_not_equal(cells[i].type, KY_CELL_EMPTY);
        if (i > 0 && cells[i].col <= cells[i - 1].col)
            rec->row_order_ok = false;
        recorded_cell *out = &rec->cells[rec->cell_count++];
        out->sheet = (uint32_t)rec->sheet_count - 1;
        out->row = row;
        out->col = cells[i].col;
        out->type = cells[i].type;
        out->date_kind = cells[i].date_kind;
        out->number = cells[i].number;
        out->text = cells[i].text ? ky_strndup(cells[i].text, cells[i].len) : NULL;
    }
    return rec->stop_after_rows && rec->rows >= rec->stop_after_rows ? KY_SINK_STOP : KY_SINK_OK;
}

static int record_sheet_end(void *payload)
{
    recorder *rec = payload;
    rec->sheet_ends++;
    return KY_SINK_OK;
}

static void record_diag(const ky_diag *diag, void *payload)
{
    recorder *rec = payload;
    ky_buf_printf(&rec->diags, "%s %u %u %s\n", diag->code, diag->loc.row, diag->loc.col,
                  diag->message);
}

static const ky_sink RECORDING_SINK = {
    .version = KY_SINK_VERSION,
    .sheet_begin = record_sheet_begin,
    .row = record_row,
    .sheet_end = record_sheet_end,
};

static void recorder_init(recorder *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->row_order_ok = true;
}

static void recorder_free(recorder *rec)
{
    for (size_t i = 0; i < rec->cell_count; i++)
        free(rec->cells[i].text);
    for (size_t i = 0; i < rec->sheet_count; i++)
        free(rec->sheet_names[i]);
    ky_buf_free(&rec->diags);
}

/* Find the cell at an A1 reference of sheet `sheet`; NULL when none was delivered. */
static const recorded_cell *find_cell(const recorder *rec, uint32_t sheet, const char *ref)
{
    uint32_t col = (uint32_t)(ref[0] - 'A');
    uint32_t row = (uint32_t)strtoul(ref + 1, NULL, 10) - 1;
    for (size_t i = 0; i < rec->cell_count; i++)
        if (rec->cells[i].sheet == sheet && rec->cells[i].row == row && rec->cells[i].col == col)
            return &rec->cells[i];
    return NULL;
}

static void check_text(const recorder *rec, uint32_t sheet, const char *ref, const char *text)
{
    const recorded_cell *cell = find_cell(rec, sheet, ref);
    assert_non_null(cell);
    assert_int_equal(cell->type, KY_CELL_TEXT);
    assert_string_equal(cell->text, text);
}

static void check_number(const recorder *rec, uint32_t sheet, const char *ref, double number)
{
    const recorded_cell *cell = find_cell(rec, sheet, ref);
    assert_non_null(cell);
    assert_int_equal(cell->type, KY_CELL_NUMBER);
    assert_true(cell->number == number);
}

static void check_date(const recorder *rec, uint32_t sheet, const char *ref, ky_date_kind kind,
                       const char *iso)
{
    const recorded_cell *cell = find_cell(rec, sheet, ref);
    char buf[40];
    assert_non_null(cell);
    assert_int_equal(cell->type, KY_CELL_DATE);
    assert_int_equal(cell->date_kind, kind);
    assert_non_null(ky_format_date(cell->number, kind, buf));
    assert_string_equal(buf, iso);
}

/* Read a source with the xls plugin; returns its status and leaves the context in *ctx_out. */
static int read_source(const ky_source *source, recorder *rec, ky_ctx **ctx_out)
{
    ky_ctx *ctx = ky_ctx_new();
    assert_non_null(ctx);
    ky_ctx_set_handler(ctx, record_diag, KY_SEV_DEBUG, rec);
    ky_read_options options;
    ky_read_options_init(&options);
    int rc = xls_plugin->read(ctx, source, &options, &RECORDING_SINK, rec);
    *ctx_out = ctx;
    return rc;
}

/* Check that a read left no child process behind: the FreeXL child was reaped. */
static void assert_no_child_left(void)
{
    int status;
    errno = 0;
    assert_int_equal(waitpid(-1, &status, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

/* Build the path of a corpus file, or skip the test when KY_SHARED is not set. */
static char *corpus_path(const char *relative)
{
    const char *shared = getenv("KY_SHARED");
    if (!shared || !*shared)
        return NULL;
    ky_buf path = {0};
    assert_int_equal(ky_buf_printf(&path, "%s/corpus/%s", shared, relative), 0);
    return ky_buf_take(&path);
}

/* ------------------------------------------------------------------------ */
/* Synthetic BIFF5 workbooks in an OLE2 container                             */
/* ------------------------------------------------------------------------ */

#define SECTOR 512u
#define END_OF_CHAIN 0xFFFFFFFEu
#define FREE_SECT 0xFFFFFFFFu
#define FAT_SECT 0xFFFFFFFDu

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v & 0xFF);
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xFFFF);
    put16(p + 2, v >> 16);
}

/* Append a BIFF record: id, length, body. */
static void add_record(ky_buf *stream, unsigned id, const void *body, size_t len)
{
    unsigned char header[4];
    put16(header, id);
    put16(header + 2, (unsigned)len);
    assert_int_equal(ky_buf_append(stream, header, 4), 0);
    if (len)
        assert_int_equal(ky_buf_append(stream, body, len), 0);
}

/* What a synthetic one-sheet BIFF5 workbook contains. */
typedef struct biff5_book {
    unsigned codepage;
    bool encrypted;
    unsigned rows;        /* DIMENSIONS: rows declared */
    const char *sheet_name; /* bytes in the code page */
    const char *label;    /* bytes in the code page, stored at A1 */
} biff5_book;

/* Build the BIFF5 "Book" stream: workbook globals, then one worksheet. */
static void build_biff5_stream(const biff5_book *book, ky_buf *stream)
{
    unsigned char body[300];

    put16(body, 0x0500);  /* BIFF5 */
    put16(body + 2, 0x0005); /* workbook globals */
    put16(body + 4, 0x0DBB);
    put16(body + 6, 0x07CC);
    add_record(stream, 0x0809, body, 8);
    if (book->encrypted) {
        put16(body, 0x1234); /* XOR obfuscation key */
        put16(body + 2, 0x5678); /* password hash */
        add_record(stream, 0x002F, body, 4);
    }
    put16(body, book->codepage);
    add_record(stream, 0x0042, body, 2);

    size_t name_len = strlen(book->sheet_name);
    size_t boundsheet_at = stream->len;
    put32(body, 0); /* sheet BOF offset, patched below */
    put16(body + 4, 0); /* visible worksheet */
    body[6] = (unsigned char)name_len;
    memcpy(body + 7, book->sheet_name, name_len);
    add_record(stream, 0x0085, body, 7 + name_len);
    add_record(stream, 0x000A, NULL, 0);

    put32((unsigned char *)stream->data + boundsheet_at + 4, (uint32_t)stream->len);
    put16(body, 0x0500);
    put16(body + 2, 0x0010); /* worksheet */
    put16(body + 4, 0x0DBB);
    put16(body + 6, 0x07CC);
    add_record(stream, 0x0809, body, 8);
    put16(body, 0);
    put16(body + 2, book->rows);
    put16(body + 4, 0);
    put16(body + 6, 1);
    put16(body + 8, 0);
    add_record(stream, 0x0200, body, 10);

    size_t label_len = strlen(book->label);
    put16(body, 0);  /* row */
    put16(body + 2, 0); /* column */
    put16(body + 4, 0x0F); /* XF */
    put16(body + 6, (unsigned)label_len);
    memcpy(body + 8, book->label, label_len);
    add_record(stream, 0x0204, body, 8 + label_len);
    add_record(stream, 0x000A, NULL, 0);
}

/*
 * Wrap a stream named `name` in a version 3 OLE2 compound file: header,
 * one FAT sector, one directory sector, then the stream padded to 4096
 * bytes so that it lives in regular sectors rather than the mini stream.
 */
static void build_ole2(const char *name, const ky_buf *stream, ky_buf *file)
{
    size_t stream_size = stream->len < 4096 ? 4096 : (stream->len + SECTOR - 1) / SECTOR * SECTOR;
    uint32_t stream_sectors = (uint32_t)(stream_size / SECTOR);
    size_t total = SECTOR * (3 + stream_sectors);
    unsigned char *bytes = calloc(1, total);
    assert_non_null(bytes);

    /* Header. */
    memcpy(bytes, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    put16(bytes + 24, 0x003E);
    put16(bytes + 26, 0x0003);
    put16(bytes + 28, 0xFFFE);
    put16(bytes + 30, 9);
    put16(bytes + 32, 6);
    put32(bytes + 44, 1);   /* FAT sectors */
    put32(bytes + 48, 1);   /* first directory sector */
    put32(bytes + 56, 4096); /* mini stream cutoff */
    put32(bytes + 60, END_OF_CHAIN);
    put32(bytes + 68, END_OF_CHAIN);
    put32(bytes + 76, 0);   /* DIFAT[0]: the FAT is sector 0 */
    for (unsigned i = 1; i < 109; i++)
        put32(bytes + 76 + 4 * i, FREE_SECT);

    /* FAT (sector 0). */
    unsigned char *fat = bytes + SECTOR;
    for (unsigned i = 0; i < SECTOR / 4; i++)
        put32(fat + 4 * i, FREE_SECT);
    put32(fat, FAT_SECT);
    put32(fat + 4, END_OF_CHAIN);
    for (uint32_t i = 0; i < stream_sectors; i++)
        put32(fat + 4 * (2 + i), i + 1 < stream_sectors ? 3 + i : END_OF_CHAIN);

    /* Directory (sector 1): the root entry and the stream. */
    unsigned char *dir = bytes + 2 * SECTOR;
    for (unsigned e = 0; e < 4; e++) {
        put32(dir + 128 * e + 68, FREE_SECT);
        put32(dir + 128 * e + 72, FREE_SECT);
        put32(dir + 128 * e + 76, FREE_SECT);
    }
    static const char root[] = "Root Entry";
    for (size_t i = 0; root[i]; i++)
        dir[2 * i] = (unsigned char)root[i];
    put16(dir + 64, (unsigned)(2 * sizeof root));
    dir[66] = 5;
    dir[67] = 1;
    put32(dir + 76, 1);
    put32(dir + 116, END_OF_CHAIN);
    unsigned char *entry = dir + 128;
    for (size_t i = 0; name[i]; i++)
        entry[2 * i] = (unsigned char)name[i];
    put16(entry + 64, (unsigned)(2 * (strlen(name) + 1)));
    entry[66] = 2;
    entry[67] = 1;
    put32(entry + 116, 2);
    put32(entry + 120, (uint32_t)stream_size);

    memcpy(bytes + 3 * SECTOR, stream->data, stream->len);
    assert_int_equal(ky_buf_append(file, bytes, total), 0);
    free(bytes);
}

static void build_biff5_book(const biff5_book *book, ky_buf *file)
{
    ky_buf stream = {0};
    build_biff5_stream(book, &stream);
    build_ole2("Book", &stream, file);
    ky_buf_free(&stream);
}

/* ------------------------------------------------------------------------ */
/* Probe                                                                      */
/* ------------------------------------------------------------------------ */

static const unsigned char OLE2_HEAD[16] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

static int probe_head(const ky_plugin *plugin, const void *head, size_t len, const char *ext)
{
    ky_probe_info info = {.path = "input", .extension = ext, .head = head, .head_len = len,
                          .file_size = len};
    return plugin->probe(&info);
}

static void test_probe_ole2_named_xls(void **state)
{
    (void)state;
    assert_int_equal(probe_head(xls_plugin, OLE2_HEAD, sizeof OLE2_HEAD, "xls"), 80);
    assert_int_equal(probe_head(xls_plugin, OLE2_HEAD, sizeof OLE2_HEAD, ""), 80);
}

static void test_probe_ole2_named_xlsx(void **state)
{
    (void)state;
    const ky_plugin *xlsx = ky_registry_find(registry, KY_PLUGIN_INPUT, "xlsx");
    int ours = probe_head(xls_plugin, OLE2_HEAD, sizeof OLE2_HEAD, "xlsx");
    assert_true(ours > 0);
    assert_true(ours <= 30);
    assert_true(probe_head(xls_plugin, OLE2_HEAD, sizeof OLE2_HEAD, "xlsm") <= 30);
    if (xlsx)
        assert_true(probe_head(xlsx, OLE2_HEAD, sizeof OLE2_HEAD, "xlsx") > ours);
}

static void test_probe_csv_named_xls(void **state)
{
    (void)state;
    static const char csv[] = "id,title\n1,disk full\n";
    assert_int_equal(probe_head(xls_plugin, csv, sizeof csv - 1, "xls"), 0);
}

static void test_probe_zip_and_html_named_xls(void **state)
{
    (void)state;
    static const char zip[] = "PK\x03\x04\x14\x00\x00\x00";
    static const char html[] = "<html><body><table><tr><td>1</td></tr></table>";
    assert_int_equal(probe_head(xls_plugin, zip, sizeof zip - 1, "xls"), 0);
    assert_int_equal(probe_head(xls_plugin, html, sizeof html - 1, "xls"), 0);
}

static void test_probe_biff2_stream(void **state)
{
    (void)state;
    static const unsigned char biff2[] = {0x09, 0x00, 0x04, 0x00, 0x02, 0x00, 0x10, 0x00};
    static const unsigned char biff4_chart[] = {0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x20, 0x00};
    assert_int_equal(probe_head(xls_plugin, biff2, sizeof biff2, "xls"), 50);
    assert_int_equal(probe_head(xls_plugin, biff4_chart, sizeof biff4_chart, "xls"), 0);
}

static void test_probe_registry_csv_named_xls(void **state)
{
    (void)state;
    static const char csv[] = "id,title\n1,disk full\n";
    ky_source source = {.path = "incidents.xls", .data = (const unsigned char *)csv,
                        .size = sizeof csv - 1};
    const ky_plugin *chosen = NULL;
    ky_ctx *ctx = ky_ctx_new();
    assert_non_null(ctx);
    if (ky_registry_find(registry, KY_PLUGIN_INPUT, "csv")) {
        assert_int_equal(ky_registry_probe(registry, ctx, &source, &chosen, NULL), 0);
        assert_string_equal(chosen->name, "csv");
    }
    ky_ctx_free(ctx);
}

static void test_probe_registry_html_named_xls(void **state)
{
    (void)state;
    /* Excel's "Web page" export saved under an .xls name. */
    static const char html[] = "\xEF\xBB\xBF\r\n<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.0//EN\">\n"
                               "<html><body><table><tr><td>id</td><td>title</td></tr>\n"
                               "<tr><td>1</td><td>disk full</td></tr></table></body></html>\n";
    ky_source source = {.path = "export.xls", .data = (const unsigned char *)html,
                        .size = sizeof html - 1};
    const ky_plugin *chosen = NULL;
    ky_ctx *ctx = ky_ctx_new();
    assert_non_null(ctx);

    assert_int_equal(ky_registry_probe(registry, ctx, &source, &chosen, NULL), KY_ENOTFOUND);
    assert_null(chosen);
    ky_ctx_free(ctx);
}

/* ------------------------------------------------------------------------ */
/* Corpus workbooks                                                           */
/* ------------------------------------------------------------------------ */

static void test_read_test97j(void **state)
{
    (void)state;
    char *path = corpus_path("spreadsheet-parseexcel/Test97J.xls");
    if (!path)
        skip();
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    ky_source source = {.path = path};

    assert_int_equal(read_source(&source, &rec, &ctx), 0);
    assert_int_equal(rec.sheet_count, 2);
    assert_int_equal(rec.sheet_ends, 2);
    assert_string_equal(rec.sheet_names[0], "Sheet1-ASC");
    assert_string_equal(rec.sheet_names[1], "漢字名");
    assert_true(rec.row_order_ok);

    check_text(&rec, 0, "A1", "ASC");
    check_text(&rec, 0, "B1", "This Data is 'ASC Only'");
    check_date(&rec, 0, "B2", KY_DATE_DATE, "1964-03-23");
    assert_true(find_cell(&rec, 0, "B2")->number == 23459);
    check_number(&rec, 0, "B3", 12345);
    check_number(&rec, 0, "B4", 1.29);
    check_number(&rec, 0, "B5", 1234567.89012345);
    check_number(&rec, 0, "B7", 1234567.89);
    check_number(&rec, 0, "B8", 123456789012.0);
    check_text(&rec, 0, "A8", "BIG INTEGER");

    check_text(&rec, 1, "A2", "漢字も入る");
    check_text(&rec, 1, "B2", "漢字のデータ");
    check_date(&rec, 1, "B3", KY_DATE_DATE, "1964-03-23");
    check_number(&rec, 1, "B6", 1234567.89012345);
    check_text(&rec, 1, "A8", "Float");
    assert_null(find_cell(&rec, 1, "B8"));
    assert_int_equal(ky_ctx_count(ctx, KY_SEV_WARNING), 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
    free(path);
}

static void test_read_test2000j(void **state)
{
    (void)state;
    char *path = corpus_path("spreadsheet-parseexcel/Test2000J.xls");
    if (!path)
        skip();
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    ky_source source = {.path = path};

    assert_int_equal(read_source(&source, &rec, &ctx), 0);
    assert_int_equal(rec.sheet_count, 1);
    assert_string_equal(rec.sheet_names[0], "Sheet1");
    check_text(&rec, 0, "A1", "This is a test file for Japanese format");
    check_text(&rec, 0, "A2", "明治");
    check_text(&rec, 0, "A5", "平成");
    check_text(&rec, 0, "A7", "時刻");

    /* The serials are right; FreeXL does not see the Japanese built-in formats as dates. */
    const recorded_cell *b2 = find_cell(&rec, 0, "B2");
    assert_non_null(b2);
    assert_true(b2->number == 326);
    const recorded_cell *c5 = find_cell(&rec, 0, "C5");
    assert_non_null(c5);
    assert_true(c5->number == 36884);

    ky_ctx_free(ctx);
    recorder_free(&rec);
    free(path);
}

static void test_read_xls_formula_constants(void **state)
{
    (void)state;
    char *path = corpus_path("calamine/xls_formula.xls");
    if (!path)
        skip();
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    ky_source source = {.path = path};

    assert_int_equal(read_source(&source, &rec, &ctx), 0);
    assert_int_equal(rec.sheet_count, 2);
    assert_string_equal(rec.sheet_names[0], "Sheet1");
    assert_string_equal(rec.sheet_names[1], "Sheet2");
    check_number(&rec, 0, "A1", 10);
    check_number(&rec, 1, "A1", 55);

    ky_ctx_free(ctx);
    recorder_free(&rec);
    free(path);
}

static void test_read_skip_first_sheet(void **state)
{
    (void)state;
    char *path = corpus_path("spreadsheet-parseexcel/Test97J.xls");
    if (!path)
        skip();
    recorder rec;
    recorder_init(&rec);
    rec.sheet_reply = KY_SINK_SKIP_SHEET;
    ky_ctx *ctx;
    ky_source source = {.path = path};

    assert_int_equal(read_source(&source, &rec, &ctx), 0);
    assert_int_equal(rec.sheet_count, 2);
    assert_int_equal(rec.sheet_ends, 2);
    assert_null(find_cell(&rec, 0, "A1"));
    check_text(&rec, 1, "A1", "ASC");

    ky_ctx_free(ctx);
    recorder_free(&rec);
    free(path);
}

static void test_read_stop_after_row(void **state)
{
    (void)state;
    char *path = corpus_path("spreadsheet-parseexcel/Test97J.xls");
    if (!path)
        skip();
    recorder rec;
    recorder_init(&rec);
    rec.stop_after_rows = 2;
    ky_ctx *ctx;
    ky_source source = {.path = path};

    assert_int_equal(read_source(&source, &rec, &ctx), 0);
    assert_int_equal(rec.rows, 2);
    assert_int_equal(rec.sheet_count, 1);
    assert_int_equal(rec.sheet_ends, 0);
    assert_no_child_left();

    ky_ctx_free(ctx);
    recorder_free(&rec);
    free(path);
}

static void test_read_truncated_file(void **state)
{
    (void)state;
    char *path = corpus_path("spreadsheet-parseexcel/Test97J.xls");
    if (!path)
        skip();
    FILE *stream = fopen(path, "rb");
    assert_non_null(stream);
    unsigned char head[1536];
    size_t n = fread(head, 1, sizeof head, stream);
    fclose(stream);
    assert_int_equal(n, sizeof head);

    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    ky_source source = {.path = "truncated.xls", .data = head, .size = sizeof head};
    int rc = read_source(&source, &rec, &ctx);
    assert_true(rc < 0);
    const ky_error *error = ky_error_last(ctx);
    assert_non_null(error);
    assert_string_equal(error->loc.file, "truncated.xls");
    assert_non_null(strstr(error->message, "truncated.xls"));
    assert_int_equal(rec.sheet_count, 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
    free(path);
}

/* ------------------------------------------------------------------------ */
/* BIFF5 code pages, encryption and bounds                                    */
/* ------------------------------------------------------------------------ */

static int read_biff5(const biff5_book *book, recorder *rec, ky_ctx **ctx)
{
    ky_buf file = {0};
    build_biff5_book(book, &file);
    ky_source source = {.path = "biff5.xls", .data = (const unsigned char *)file.data,
                        .size = file.len};
    int rc = read_source(&source, rec, ctx);
    ky_buf_free(&file);
    return rc;
}

static void test_biff5_cp932_text(void **state)
{
    (void)state;
    /* 日本 and the sheet name 表 (95 5C, whose second byte is a backslash) in CP932. */
    biff5_book book = {.codepage = 932, .rows = 1, .sheet_name = "\x95\x5C",
                       .label = "\x93\xFA\x96\x7B"};
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff5(&book, &rec, &ctx), 0);
    assert_int_equal(rec.sheet_count, 1);
    assert_string_equal(rec.sheet_names[0], "表");
    check_text(&rec, 0, "A1", "日本");
    assert_int_equal(ky_ctx_count(ctx, KY_SEV_WARNING), 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_biff5_cp1252_mojibake_warned(void **state)
{
    (void)state;
    /* 日本語 in CP932 bytes under a CODEPAGE record of 1252 reads as “ú–{Œê. */
    biff5_book book = {.codepage = 1252, .rows = 1, .sheet_name = "Sheet1",
                       .label = "\x93\xFA\x96\x7B\x8C\xEA"};
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff5(&book, &rec, &ctx), 0);
    check_text(&rec, 0, "A1", "\u201C\u00FA\u2013{\u0152\u00EA");
    assert_int_equal(ky_ctx_count(ctx, KY_SEV_WARNING), 1);
    assert_non_null(strstr(rec.diags.data, "xls.codepage-mismatch 1 1 "));

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_biff5_cp1252_latin_not_warned(void **state)
{
    (void)state;
    /* "Müller – café" in CP1252. */
    biff5_book book = {.codepage = 1252, .rows = 1, .sheet_name = "Sheet1",
                       .label = "M\xFCller \x96 caf\xE9"};
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff5(&book, &rec, &ctx), 0);
    check_text(&rec, 0, "A1", "Müller – café");
    assert_int_equal(ky_ctx_count(ctx, KY_SEV_WARNING), 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_biff5_password_rejected(void **state)
{
    (void)state;
    biff5_book book = {.codepage = 1252, .encrypted = true, .rows = 1, .sheet_name = "Sheet1",
                       .label = "secret"};
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff5(&book, &rec, &ctx), KY_EUNSUPPORTED);
    const ky_error *error = ky_error_last(ctx);
    assert_non_null(error);
    assert_non_null(strstr(error->message, "password-protected"));
    assert_int_equal(rec.sheet_count, 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_biff5_rows_over_limit(void **state)
{
    (void)state;
    /* BIFF5 sheets have at most 16384 rows. */
    biff5_book book = {.codepage = 1252, .rows = 20000, .sheet_name = "Big", .label = "x"};
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff5(&book, &rec, &ctx), KY_ELIMIT);
    const ky_error *error = ky_error_last(ctx);
    assert_non_null(error);
    assert_string_equal(error->loc.sheet, "Big");
    assert_int_equal(rec.sheet_count, 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

/* ------------------------------------------------------------------------ */
/* The FreeXL child process                                                   */
/* ------------------------------------------------------------------------ */

static void test_child_crash_reported(void **state)
{
    (void)state;
#ifdef NDEBUG
    /* The KY_XLS_TEST_CRASH hook exists only in debug builds. */
    skip();
#else
    biff5_book book = {.codepage = 1252, .rows = 1, .sheet_name = "Sheet1", .label = "x"};
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(setenv("KY_XLS_TEST_CRASH", "1", 1), 0);
    int rc = read_biff5(&book, &rec, &ctx);
    unsetenv("KY_XLS_TEST_CRASH");

    assert_int_equal(rc, KY_EPARSE);
    const ky_error *error = ky_error_last(ctx);
    assert_non_null(error);
    assert_string_equal(error->loc.file, "biff5.xls");
    assert_non_null(strstr(error->message, "biff5.xls"));
    assert_non_null(strstr(error->message, "(FreeXL) crashed on this file"));
    assert_non_null(strstr(error->message, "signal 11"));
    assert_int_equal(rec.sheet_count, 0);
    assert_no_child_left();

    ky_ctx_free(ctx);
    recorder_free(&rec);
#endif
}

static void test_child_stop_at_sheet(void **state)
{
    (void)state;
    biff5_book book = {.codepage = 1252, .rows = 1, .sheet_name = "Sheet1", .label = "x"};
    recorder rec;
    recorder_init(&rec);
    rec.sheet_reply = KY_SINK_STOP;
    ky_ctx *ctx;

    assert_int_equal(read_biff5(&book, &rec, &ctx), 0);
    assert_null(ky_error_last(ctx));
    assert_int_equal(rec.sheet_count, 1);
    assert_int_equal(rec.rows, 0);
    assert_int_equal(rec.sheet_ends, 0);
    assert_no_child_left();

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_child_reaped_after_error(void **state)
{
    (void)state;
    biff5_book book = {.codepage = 1252, .encrypted = true, .rows = 1, .sheet_name = "Sheet1",
                       .label = "secret"};
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff5(&book, &rec, &ctx), KY_EUNSUPPORTED);
    assert_no_child_left();

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

/* ------------------------------------------------------------------------ */
/* Record stream decoder                                                      */
/* ------------------------------------------------------------------------ */

/* Encode a valid stream: two sheets, two rows, one diagnostic, final status 0. */
static void encode_sample(ky_buf *out)
{
    ky_ctx *ctx = ky_ctx_new();
    assert_non_null(ctx);
    xls_encoder encoder;
    ky_xls__encoder_init(&encoder, ctx, -1);
    const ky_sink *sink = &ky_xls__encoder_sink;

    ky_sheet_info first = {.name = "受付", .index = 0, .visibility = KY_SHEET_VISIBLE};
    ky_cell cells[3] = {
        {.col = 0, .type = KY_CELL_TEXT, .text = "障害", .len = strlen("障害")},
        {.col = 2, .type = KY_CELL_NUMBER, .number = 1.25},
        {.col = 5, .type = KY_CELL_DATE, .date_kind = KY_DATE_DATETIME, .number = 45000.5},
    };
    assert_int_equal(sink->sheet_begin(&encoder, &first), 0);
    assert_int_equal(sink->row(&encoder, 0, cells, 3), 0);
    ky_loc loc = {.file = "in.xls", .sheet = "受付", .row = 4, .col = 2};
    ky_diag diag = {.severity = KY_SEV_WARNING, .code = "xls.invalid-date", .loc = loc,
                    .message = "the date could not be read"};
    ky_xls__encode_diag(&diag, &encoder);
    assert_int_equal(sink->row(&encoder, 3, cells, 1), 0);
    assert_int_equal(sink->sheet_end(&encoder), 0);
    ky_sheet_info second = {.name = "Sheet2", .index = 1, .visibility = KY_SHEET_HIDDEN};
    assert_int_equal(sink->sheet_begin(&encoder, &second), 0);
    assert_int_equal(sink->row(&encoder, 7, cells + 1, 1), 0);
    assert_int_equal(sink->sheet_end(&encoder), 0);
    ky_xls__encode_final(&encoder, 0, NULL);

    assert_false(encoder.failed);
    assert_int_equal(ky_buf_append(out, encoder.out.data, encoder.out.len), 0);
    ky_xls__encoder_free(&encoder);
    ky_ctx_free(ctx);
}

/* Decode `len` bytes in pieces of `step` bytes; returns the first non-zero status, else finish(). */
static int decode_bytes(const void *bytes, size_t len, size_t step, recorder *rec, ky_ctx *ctx)
{
    xls_decoder decoder;
    ky_xls__decoder_init(&decoder, ctx, "in.xls", &RECORDING_SINK, rec);
    const unsigned char *p = bytes;
    int rc = 0;
    for (size_t done = 0; rc == 0 && done < len; done += step) {
        size_t n = len - done < step ? len - done : step;
        rc = ky_xls__decoder_feed(&decoder, p + done, n);
    }
    if (rc == 0)
        rc = ky_xls__decoder_finish(&decoder);
    ky_xls__decoder_free(&decoder);
    return rc;
}

/* Decode a stream that must be rejected and check that the error names `reason`. */
static void check_malformed(const void *bytes, size_t len, const char *reason)
{
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx = ky_ctx_new();
    assert_non_null(ctx);

    assert_int_equal(decode_bytes(bytes, len, len ? len : 1, &rec, ctx), KY_EPARSE);
    const ky_error *error = ky_error_last(ctx);
    assert_non_null(error);
    assert_string_equal(error->loc.file, "in.xls");
    assert_non_null(strstr(error->message, "invalid record stream"));
    assert_non_null(strstr(error->message, reason));

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_stream_round_trip(void **state)
{
    (void)state;
    ky_buf stream = {0};
    encode_sample(&stream);

    /* Whole, and one byte at a time, so that records split at every offset. */
    const size_t steps[] = {stream.len, 1};
    for (size_t k = 0; k < 2; k++) {
        size_t step = steps[k];
        recorder rec;
        recorder_init(&rec);
        ky_ctx *ctx = ky_ctx_new();
        assert_non_null(ctx);
        ky_ctx_set_handler(ctx, record_diag, KY_SEV_DEBUG, &rec);

        assert_int_equal(decode_bytes(stream.data, stream.len, step, &rec, ctx), 0);
        assert_null(ky_error_last(ctx));
        assert_int_equal(rec.sheet_count, 2);
        assert_int_equal(rec.sheet_ends, 2);
        assert_string_equal(rec.sheet_names[0], "受付");
        assert_string_equal(rec.sheet_names[1], "Sheet2");
        assert_int_equal(rec.rows, 3);
        check_text(&rec, 0, "A1", "障害");
        check_number(&rec, 0, "C1", 1.25);
        assert_int_equal(find_cell(&rec, 0, "F1")->type, KY_CELL_DATE);
        assert_int_equal(find_cell(&rec, 0, "F1")->date_kind, KY_DATE_DATETIME);
        assert_true(find_cell(&rec, 0, "F1")->number == 45000.5);
        check_text(&rec, 0, "A4", "障害");
        check_number(&rec, 1, "C8", 1.25);
        assert_int_equal(ky_ctx_count(ctx, KY_SEV_WARNING), 1);
        assert_string_equal(rec.diags.data, "xls.invalid-date 4 2 the date could not be read\n");

        ky_ctx_free(ctx);
        recorder_free(&rec);
    }
    ky_buf_free(&stream);
}

static void test_stream_truncated_rejected(void **state)
{
    (void)state;
    ky_buf stream = {0};
    encode_sample(&stream);

    /* Every proper prefix is either cut inside a record or lacks the final status. */
    for (size_t len = 0; len < stream.len; len++) {
        recorder rec;
        recorder_init(&rec);
        ky_ctx *ctx = ky_ctx_new();
        assert_non_null(ctx);

        assert_int_equal(decode_bytes(stream.data, len, 7, &rec, ctx), KY_EPARSE);
        const ky_error *error = ky_error_last(ctx);
        assert_non_null(error);
        assert_true(strstr(error->message, "the stream ends inside a record")
                    || strstr(error->message, "the stream ends without a final status"));

        ky_ctx_free(ctx);
        recorder_free(&rec);
    }
    ky_buf_free(&stream);
}

static void test_stream_final_error_passed_on(void **state)
{
    (void)state;
    ky_ctx *child_ctx = ky_ctx_new();
    assert_non_null(child_ctx);
    xls_encoder encoder;
    ky_xls__encoder_init(&encoder, child_ctx, -1);
    ky_loc loc = {.file = "in.xls", .sheet = "Big", .row = 3, .col = 2};
    ky_error_set(child_ctx, KY_ELIMIT, &loc, "sheet \"Big\" is too large");
    ky_xls__encode_final(&encoder, KY_ELIMIT, ky_error_last(child_ctx));

    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx = ky_ctx_new();
    assert_non_null(ctx);
    assert_int_equal(decode_bytes(encoder.out.data, encoder.out.len, 3, &rec, ctx), KY_ELIMIT);
    const ky_error *error = ky_error_last(ctx);
    assert_non_null(error);
    assert_string_equal(error->message, "sheet \"Big\" is too large");
    assert_string_equal(error->loc.file, "in.xls");
    assert_string_equal(error->loc.sheet, "Big");
    assert_int_equal(error->loc.row, 3);
    assert_int_equal(error->loc.col, 2);

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_xls__encoder_free(&encoder);
    ky_ctx_free(child_ctx);
}

static void test_stream_sink_stop_and_skip(void **state)
{
    (void)state;
    ky_buf stream = {0};
    encode_sample(&stream);

    recorder rec;
    recorder_init(&rec);
    rec.sheet_reply = KY_SINK_SKIP_SHEET;
    ky_ctx *ctx = ky_ctx_new();
    assert_non_null(ctx);
    assert_int_equal(decode_bytes(stream.data, stream.len, stream.len, &rec, ctx), 0);
    assert_int_equal(rec.sheet_count, 2);
    assert_int_equal(rec.sheet_ends, 2);
    assert_int_equal(rec.rows, 1);
    assert_null(find_cell(&rec, 0, "A1"));
    check_number(&rec, 1, "C8", 1.25);
    ky_ctx_free(ctx);
    recorder_free(&rec);

    recorder_init(&rec);
    rec.stop_after_rows = 1;
    ctx = ky_ctx_new();
    assert_non_null(ctx);
    assert_int_equal(decode_bytes(stream.data, stream.len, stream.len, &rec, ctx), KY_SINK_STOP);
    assert_int_equal(rec.rows, 1);
    assert_int_equal(rec.sheet_ends, 0);
    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&stream);
}

/* Builder of hand-made records, on the encoder's own helpers. */
typedef struct record_builder {
    ky_ctx *ctx;
    xls_encoder encoder;
} record_builder;

static void builder_init(record_builder *builder)
{
    builder->ctx = ky_ctx_new();
    assert_non_null(builder->ctx);
    ky_xls__encoder_init(&builder->encoder, builder->ctx, -1);
}

static void builder_free(record_builder *builder)
{
    ky_xls__encoder_free(&builder->encoder);
    ky_ctx_free(builder->ctx);
}

static void build_sheet_begin(record_builder *builder, uint32_t index)
{
    size_t start = start_record(&builder->encoder, XLS_RECORD_SHEET_BEGIN);
    put_u32(&builder->encoder, index);
    put_u8(&builder->encoder, 0);
    put_string(&builder->encoder, "S", 1);
    assert_int_equal(finish_record(&builder->encoder, start), 0);
}

/* A ROW record with one text cell at `col`; `text_len` may claim more bytes than "abc". */
static void build_text_row(record_builder *builder, uint32_t row, uint32_t col,
                           const char *text, uint32_t text_len)
{
    xls_encoder *encoder = &builder->encoder;
    size_t start = start_record(encoder, XLS_RECORD_ROW);
    put_u32(encoder, row);
    put_u32(encoder, 1);
    put_u32(encoder, col);
    put_u8(encoder, KY_CELL_TEXT);
    put_u8(encoder, 0);
    put_u32(encoder, 0);
    put_u64(encoder, 0);
    put_u32(encoder, text_len);
    put_bytes(encoder, text, strlen(text) + 1);
    assert_int_equal(finish_record(encoder, start), 0);
}

static void check_built(record_builder *builder, const char *reason)
{
    check_malformed(builder->encoder.out.data, builder->encoder.out.len, reason);
    builder_free(builder);
}

static void test_stream_malformed_records(void **state)
{
    (void)state;
    record_builder b;

    /* A header announcing 4 GiB of row data, and one of an unknown type. */
    check_malformed("\x02\xFF\xFF\xFF\xFF", 5, "longer than the limit");
    check_malformed("\x09\x00\x00\x00\x00", 5, "unknown type");
    check_malformed("\x04\x00\x00\x00\x00", 5, "did not begin");
    check_malformed("", 0, "without a final status");

    builder_init(&b);
    build_text_row(&b, 0, 0, "abc", 3);
    check_built(&b, "outside a sheet");

    builder_init(&b);
    build_sheet_begin(&b, 1);
    check_built(&b, "sheet index");

    builder_init(&b);
    build_sheet_begin(&b, 0);
    build_sheet_begin(&b, 1);
    check_built(&b, "before the previous one ended");

    builder_init(&b);
    build_sheet_begin(&b, 0);
    build_text_row(&b, 5, 0, "abc", 3);
    build_text_row(&b, 5, 0, "abc", 3);
    check_built(&b, "row index");

    builder_init(&b);
    build_sheet_begin(&b, 0);
    build_text_row(&b, 65536, 0, "abc", 3);
    check_built(&b, "row index");

    builder_init(&b);
    build_sheet_begin(&b, 0);
    build_text_row(&b, 0, 256, "abc", 3);
    check_built(&b, "column index");

    /* A text length past the record's end, one that skips the NUL, and invalid UTF-8. */
    builder_init(&b);
    build_sheet_begin(&b, 0);
    build_text_row(&b, 0, 0, "abc", 200);
    check_built(&b, "wrong length");

    builder_init(&b);
    build_sheet_begin(&b, 0);
    build_text_row(&b, 0, 0, "abc", 2);
    check_built(&b, "wrong length");

    builder_init(&b);
    build_sheet_begin(&b, 0);
    build_text_row(&b, 0, 0, "a\xFF", 2);
    check_built(&b, "a cell is invalid");

    /* A successful final status while a sheet is open, and bytes after the final status. */
    builder_init(&b);
    build_sheet_begin(&b, 0);
    ky_xls__encode_final(&b.encoder, 0, NULL);
    check_built(&b, "inside a sheet");

    builder_init(&b);
    ky_xls__encode_final(&b.encoder, 0, NULL);
    build_sheet_begin(&b, 0);
    check_built(&b, "bytes follow the final status");

    builder_init(&b);
    ky_xls__encode_final(&b.encoder, 3, NULL);
    check_built(&b, "final status is invalid");

    builder_init(&b);
    ky_xls__encode_final(&b.encoder, -1000, NULL);
    check_built(&b, "final status is invalid");

    /* A diagnostic with a code that is not of the form "xls.invalid-date". */
    builder_init(&b);
    ky_diag diag = {.severity = KY_SEV_WARNING, .code = "xls/../x", .message = "m"};
    ky_xls__encode_diag(&diag, &b.encoder);
    check_built(&b, "a diagnostic is invalid");
}

/* ------------------------------------------------------------------------ */

static int load_plugin(void **state)
{
    (void)state;
    const char *dir = getenv("KYOKUN_PLUGIN_PATH");
    registry = ky_registry_new();
    if (!registry || !dir)
        return -1;
    ky_registry_load_dir(registry, dir);
    xls_plugin = ky_registry_find(registry, KY_PLUGIN_INPUT, "xls");
    return xls_plugin ? 0 : -1;
}

static int unload_plugin(void **state)
{
    (void)state;
    ky_registry_free(registry);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_ole2_named_xls),
        cmocka_unit_test(test_probe_ole2_named_xlsx),
        cmocka_unit_test(test_probe_csv_named_xls),
        cmocka_unit_test(test_probe_zip_and_html_named_xls),
        cmocka_unit_test(test_probe_biff2_stream),
        cmocka_unit_test(test_probe_registry_csv_named_xls),
        cmocka_unit_test(test_probe_registry_html_named_xls),
        cmocka_unit_test(test_read_test97j),
        cmocka_unit_test(test_read_test2000j),
        cmocka_unit_test(test_read_xls_formula_constants),
        cmocka_unit_test(test_read_skip_first_sheet),
        cmocka_unit_test(test_read_stop_after_row),
        cmocka_unit_test(test_read_truncated_file),
        cmocka_unit_test(test_biff5_cp932_text),
        cmocka_unit_test(test_biff5_cp1252_mojibake_warned),
        cmocka_unit_test(test_biff5_cp1252_latin_not_warned),
        cmocka_unit_test(test_biff5_password_rejected),
        cmocka_unit_test(test_biff5_rows_over_limit),
        cmocka_unit_test(test_child_crash_reported),
        cmocka_unit_test(test_child_stop_at_sheet),
        cmocka_unit_test(test_child_reaped_after_error),
        cmocka_unit_test(test_stream_round_trip),
        cmocka_unit_test(test_stream_truncated_rejected),
        cmocka_unit_test(test_stream_final_error_passed_on),
        cmocka_unit_test(test_stream_sink_stop_and_skip),
        cmocka_unit_test(test_stream_malformed_records),
    };
    return cmocka_run_group_tests_name("xls", tests, load_plugin, unload_plugin);
}
