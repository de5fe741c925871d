/* SPDX-License-Identifier: MIT */
/*
 * Tests of the xls input plugin: the probe on in-memory heads, and the
 * corpus workbooks read in place from $KY_SHARED/corpus. Small BIFF5 and
 * BIFF8 workbooks built here inside a minimal OLE2 compound file check
 * values, formats, code pages, encryption, bounds and damaged containers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "formats/ky_date.h"
#include "formats/ky_text.h"
#include "kyokun/registry.h"
#include "support/reader_test.h"

static ky_registry *registry;
static const ky_plugin *xls_plugin;

/* Read a source with the xls plugin; returns its status and leaves the context in *ctx_out. */
/* The --encoding given to the next reads, or NULL. */
static const char *forced_encoding;

static int read_source(const ky_source *source, recorder *rec, ky_ctx **ctx_out)
{
    ky_ctx *ctx = ky_ctx_new();
    assert_non_null(ctx);
    ky_ctx_set_handler(ctx, record_diag, KY_SEV_DEBUG, rec);
    ky_read_options options;
    ky_read_options_init(&options);
    options.encoding = forced_encoding;
    int rc = xls_plugin->read(ctx, source, &options, &RECORDING_SINK, rec);
    *ctx_out = ctx;
    return rc;
}

/* Read bytes in memory as "test.xls". */
static int read_bytes(const void *bytes, size_t len, recorder *rec, ky_ctx **ctx_out)
{
    ky_source source = {.path = "test.xls", .data = bytes, .size = len};
    return read_source(&source, rec, ctx_out);
}

/* Build the path of a corpus file, or return NULL when KY_SHARED is not set. */
static char *corpus_path(const char *relative)
{
    const char *shared = getenv("KY_SHARED");
    if (!shared || !*shared)
        return NULL;
    ky_buf path = {0};
    assert_int_equal(ky_buf_printf(&path, "%s/corpus/%s", shared, relative), 0);
    return ky_buf_take(&path);
}

/* Assert that a cell is a number equal to `number`, bit for bit. */
static void check_number(const recorder *rec, uint32_t sheet, const char *ref, double number)
{
    const recorded_cell *cell = find_cell(rec, sheet, ref);
    if (!cell)
        fail_msg("cell %s of sheet %u was not delivered", ref, sheet);
    assert_int_equal(cell->type, KY_CELL_NUMBER);
    assert_true(cell->number == number);
}

/* Assert that a cell is a date of `kind` whose dump text is `iso`. */
static void check_date(const recorder *rec, uint32_t sheet, const char *ref, ky_date_kind kind,
                       const char *iso)
{
    const recorded_cell *cell = find_cell(rec, sheet, ref);
    if (!cell)
        fail_msg("cell %s of sheet %u was not delivered", ref, sheet);
    assert_int_equal(cell->type, KY_CELL_DATE);
    assert_int_equal(cell->date_kind, kind);
    assert_string_equal(cell->text, iso);
}

/* Assert that the read failed with `status` and a message containing `part`. */
static void check_error(ky_ctx *ctx, int rc, int status, const char *part)
{
    assert_int_equal(rc, status);
    const ky_error *error = ky_error_last(ctx);
    assert_non_null(error);
    if (!strstr(error->message, part))
        fail_msg("error \"%s\" does not contain \"%s\"", error->message, part);
}

/* ------------------------------------------------------------------------ */
/* Building records and OLE2 compound files                                   */
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

static void put_double(unsigned char *p, double value)
{
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    put32(p, (uint32_t)bits);
    put32(p + 4, (uint32_t)(bits >> 32));
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

/* Offsets of the parts of a compound file built by build_cfb(). */
#define CFB_FAT_AT (1 * SECTOR)
#define CFB_DIR_AT (2 * SECTOR)
#define CFB_STREAM_ENTRY_AT (CFB_DIR_AT + 128)

/*
 * Wrap a stream named `name` in a version 3 OLE2 compound file. With
 * `mini` false the layout is: header, FAT (sector 0), directory (sector 1),
 * then the stream padded to at least 4096 bytes in regular sectors from
 * sector 2. With `mini` true (for streams under 4096 bytes) sector 2 contains
 * the mini FAT and the stream lives in 64-byte mini sectors of the mini
 * stream, which is the root entry's chain from sector 3.
 */
static void build_cfb(const char *name, const void *stream, size_t stream_len, bool mini,
                      ky_buf *file)
{
    size_t data_size, data_start_sector;
    uint32_t mini_sectors = (uint32_t)((stream_len + 63) / 64);
    if (mini) {
        assert_true(stream_len < 4096);
        data_size = (mini_sectors * 64 + SECTOR - 1) / SECTOR * SECTOR;
        data_start_sector = 3;
    } else {
        data_size = stream_len < 4096 ? 4096 : (stream_len + SECTOR - 1) / SECTOR * SECTOR;
        data_start_sector = 2;
    }
    uint32_t data_sectors = (uint32_t)(data_size / SECTOR);
    size_t total = SECTOR * (1 + data_start_sector + data_sectors);
    unsigned char *bytes = calloc(1, total);
    assert_non_null(bytes);

    /* Header. */
    memcpy(bytes, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    put16(bytes + 24, 0x003E);
    put16(bytes + 26, 0x0003);
    put16(bytes + 28, 0xFFFE);
    put16(bytes + 30, 9);
    put16(bytes + 32, 6);
    put32(bytes + 44, 1);    /* FAT sectors */
    put32(bytes + 48, 1);    /* first directory sector */
    put32(bytes + 56, 4096); /* mini stream cutoff */
    put32(bytes + 60, mini ? 2 : END_OF_CHAIN);
    put32(bytes + 64, mini ? 1 : 0);
    put32(bytes + 68, END_OF_CHAIN);
    put32(bytes + 76, 0);    /* DIFAT[0]: the FAT is sector 0 */
    for (unsigned i = 1; i < 109; i++)
        put32(bytes + 76 + 4 * i, FREE_SECT);

    /* FAT (sector 0). */
    unsigned char *fat = bytes + CFB_FAT_AT;
    for (unsigned i = 0; i < SECTOR / 4; i++)
        put32(fat + 4 * i, FREE_SECT);
    put32(fat, FAT_SECT);
    put32(fat + 4, END_OF_CHAIN);
    if (mini)
        put32(fat + 8, END_OF_CHAIN);
    for (uint32_t i = 0; i < data_sectors; i++) {
        uint32_t sector = (uint32_t)data_start_sector + i;
        put32(fat + 4 * sector, i + 1 < data_sectors ? sector + 1 : END_OF_CHAIN);
    }

    /* Mini FAT (sector 2). */
    if (mini) {
        unsigned char *mini_fat = bytes + 3 * SECTOR;
        for (unsigned i = 0; i < SECTOR / 4; i++)
            put32(mini_fat + 4 * i, FREE_SECT);
        for (uint32_t i = 0; i < mini_sectors; i++)
            put32(mini_fat + 4 * i, i + 1 < mini_sectors ? i + 1 : END_OF_CHAIN);
    }

    /* Directory (sector 1): the root entry and the stream. */
    unsigned char *dir = bytes + CFB_DIR_AT;
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
    put32(dir + 116, mini ? 3 : END_OF_CHAIN);
    put32(dir + 120, mini ? mini_sectors * 64 : 0);
    unsigned char *entry = dir + 128;
    for (size_t i = 0; name[i]; i++)
        entry[2 * i] = (unsigned char)name[i];
    put16(entry + 64, (unsigned)(2 * (strlen(name) + 1)));
    entry[66] = 2;
    entry[67] = 1;
    put32(entry + 116, mini ? 0 : 2);
    put32(entry + 120, mini ? (uint32_t)stream_len : (uint32_t)data_size);

    memcpy(bytes + SECTOR * (1 + data_start_sector), stream, stream_len);
    assert_int_equal(ky_buf_append(file, bytes, total), 0);
    free(bytes);
}

/* ------------------------------------------------------------------------ */
/* Synthetic BIFF5 workbooks                                                  */
/* ------------------------------------------------------------------------ */

/* What a synthetic one-sheet BIFF5 workbook contains. */
typedef struct biff5_book {
    unsigned codepage;
    bool encrypted;
    unsigned label_row;     /* 0-based row of the label */
    const char *sheet_name; /* bytes in the code page */
    const char *label;      /* bytes in the code page */
} biff5_book;

/* Build the BIFF5 "Book" stream: workbook globals, then one worksheet. */
static void build_biff5_stream(const biff5_book *book, ky_buf *stream)
{
    unsigned char body[300];

    put16(body, 0x0500);     /* BIFF5 */
    put16(body + 2, 0x0005); /* workbook globals */
    put16(body + 4, 0x0DBB);
    put16(body + 6, 0x07CC);
    add_record(stream, 0x0809, body, 8);
    if (book->encrypted) {
        put16(body, 0x1234);     /* XOR obfuscation key */
        put16(body + 2, 0x5678); /* password hash */
        add_record(stream, 0x002F, body, 4);
    }
    put16(body, book->codepage);
    add_record(stream, 0x0042, body, 2);

    size_t name_len = strlen(book->sheet_name);
    size_t boundsheet_at = stream->len;
    put32(body, 0);     /* sheet BOF offset, patched below */
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

    size_t label_len = strlen(book->label);
    put16(body, book->label_row);
    put16(body + 2, 0);    /* column */
    put16(body + 4, 0x0F); /* XF */
    put16(body + 6, (unsigned)label_len);
    memcpy(body + 8, book->label, label_len);
    add_record(stream, 0x0204, body, 8 + label_len);
    add_record(stream, 0x000A, NULL, 0);
}

static int read_biff5(const biff5_book *book, recorder *rec, ky_ctx **ctx)
{
    ky_buf stream = {0}, file = {0};
    build_biff5_stream(book, &stream);
    build_cfb("Book", stream.data, stream.len, false, &file);
    ky_source source = {.path = "biff5.xls", .data = (const unsigned char *)file.data,
                        .size = file.len};
    int rc = read_source(&source, rec, ctx);
    ky_buf_free(&stream);
    ky_buf_free(&file);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Synthetic BIFF8 workbooks                                                  */
/* ------------------------------------------------------------------------ */

/* One sheet of a synthetic BIFF8 workbook. */
typedef struct biff8_sheet {
    const char *name;    /* ASCII */
    unsigned state;      /* BOUNDSHEET visibility: 0 visible, 1 hidden, 2 very hidden */
    unsigned type;       /* BOUNDSHEET sheet type: 0 worksheet, 2 chart */
    const ky_buf *cells; /* records between the sheet's BOF and EOF; may be NULL */
} biff8_sheet;

static void add_bof8(ky_buf *stream, unsigned substream)
{
    unsigned char body[16] = {0};
    put16(body, 0x0600);
    put16(body + 2, substream);
    put16(body + 4, 0x0DBB);
    put16(body + 6, 0x07CC);
    add_record(stream, 0x0809, body, sizeof body);
}

/*
 * Build a BIFF8 "Workbook" stream: globals (BOF, CODEPAGE 1200, then
 * `globals`, then one BOUNDSHEET per sheet, EOF), then each sheet's
 * substream.
 */
static void build_biff8_stream(const ky_buf *globals, const biff8_sheet *sheets, size_t count,
                               ky_buf *stream)
{
    unsigned char body[300];
    size_t boundsheet_at[8];
    assert_true(count <= 8);

    add_bof8(stream, 0x0005);
    put16(body, 1200);
    add_record(stream, 0x0042, body, 2);
    if (globals && globals->len)
        assert_int_equal(ky_buf_append(stream, globals->data, globals->len), 0);
    for (size_t i = 0; i < count; i++) {
        size_t name_len = strlen(sheets[i].name);
        boundsheet_at[i] = stream->len;
        put32(body, 0);
        body[4] = (unsigned char)sheets[i].state;
        body[5] = (unsigned char)sheets[i].type;
        body[6] = (unsigned char)name_len;
        body[7] = 0; /* compressed characters */
        memcpy(body + 8, sheets[i].name, name_len);
        add_record(stream, 0x0085, body, 8 + name_len);
    }
    add_record(stream, 0x000A, NULL, 0);

    for (size_t i = 0; i < count; i++) {
        put32((unsigned char *)stream->data + boundsheet_at[i] + 4, (uint32_t)stream->len);
        add_bof8(stream, sheets[i].type == 2 ? 0x0020 : 0x0010);
        if (sheets[i].cells && sheets[i].cells->len)
            assert_int_equal(ky_buf_append(stream, sheets[i].cells->data, sheets[i].cells->len),
                             0);
        add_record(stream, 0x000A, NULL, 0);
    }
}

/* Build a one-sheet BIFF8 workbook file and read it. */
static int read_biff8(const ky_buf *globals, const ky_buf *cells, recorder *rec, ky_ctx **ctx)
{
    biff8_sheet sheet = {.name = "Sheet1", .cells = cells};
    ky_buf stream = {0}, file = {0};
    build_biff8_stream(globals, &sheet, 1, &stream);
    build_cfb("Workbook", stream.data, stream.len, false, &file);
    int rc = read_bytes(file.data, file.len, rec, ctx);
    ky_buf_free(&stream);
    ky_buf_free(&file);
    return rc;
}

/* Cell records: row and column are 0-based. */
static void add_number(ky_buf *cells, unsigned row, unsigned col, unsigned xf, double value)
{
    unsigned char body[14];
    put16(body, row);
    put16(body + 2, col);
    put16(body + 4, xf);
    put_double(body + 6, value);
    add_record(cells, 0x0203, body, sizeof body);
}

static void add_rk(ky_buf *cells, unsigned row, unsigned col, uint32_t rk)
{
    unsigned char body[10];
    put16(body, row);
    put16(body + 2, col);
    put16(body + 4, 0x0F);
    put32(body + 6, rk);
    add_record(cells, 0x027E, body, sizeof body);
}

static void add_labelsst(ky_buf *cells, unsigned row, unsigned col, uint32_t index)
{
    unsigned char body[10];
    put16(body, row);
    put16(body + 2, col);
    put16(body + 4, 0x0F);
    put32(body + 6, index);
    add_record(cells, 0x00FD, body, sizeof body);
}

/* LABEL with compressed (8-bit) characters. */
static void add_label(ky_buf *cells, unsigned row, unsigned col, const char *text)
{
    unsigned char body[300];
    size_t len = strlen(text);
    put16(body, row);
    put16(body + 2, col);
    put16(body + 4, 0x0F);
    put16(body + 6, (unsigned)len);
    body[8] = 0;
    memcpy(body + 9, text, len);
    add_record(cells, 0x0204, body, 9 + len);
}

static void add_boolerr(ky_buf *cells, unsigned row, unsigned col, unsigned value, bool error)
{
    unsigned char body[8];
    put16(body, row);
    put16(body + 2, col);
    put16(body + 4, 0x0F);
    body[6] = (unsigned char)value;
    body[7] = error ? 1 : 0;
    add_record(cells, 0x0205, body, sizeof body);
}

/*
 * FORMULA with a cached result: `special` < 0 stores `value` as a double,
 * else the result type (0 text, 1 boolean, 2 error, 3 empty text) with
 * `value` as its boolean or error code. The formula itself is "1" (ptgInt).
 */
static void add_formula(ky_buf *cells, unsigned row, unsigned col, unsigned xf, int special,
                        double value)
{
    unsigned char body[25] = {0};
    put16(body, row);
    put16(body + 2, col);
    put16(body + 4, xf);
    if (special < 0) {
        put_double(body + 6, value);
    } else {
        body[6] = (unsigned char)special;
        body[8] = (unsigned char)value;
        body[12] = 0xFF;
        body[13] = 0xFF;
    }
    put16(body + 20, 3); /* formula bytes */
    body[22] = 0x1E;     /* ptgInt 1 */
    body[23] = 1;
    add_record(cells, 0x0006, body, 25);
}

/* STRING with compressed characters. */
static void add_string(ky_buf *cells, const char *text)
{
    unsigned char body[300];
    size_t len = strlen(text);
    put16(body, (unsigned)len);
    body[2] = 0;
    memcpy(body + 3, text, len);
    add_record(cells, 0x0207, body, 3 + len);
}

/* XF record that applies number format `format`. */
static void add_xf(ky_buf *globals, unsigned format)
{
    unsigned char body[20] = {0};
    put16(body + 2, format);
    add_record(globals, 0x00E0, body, sizeof body);
}

/* FORMAT record with a code in UTF-16. */
static void add_format(ky_buf *globals, unsigned id, const char *utf8)
{
    unsigned char body[300];
    size_t units = 0;
    const unsigned char *p = (const unsigned char *)utf8;
    size_t len = strlen(utf8), at = 5;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += ky_utf8_decode(p + i, len - i, &cp);
        put16(body + at, cp);
        at += 2;
        units++;
    }
    put16(body, id);
    put16(body + 2, (unsigned)units);
    body[4] = 1; /* 16-bit characters */
    add_record(globals, 0x041E, body, at);
}

/* Add `count` XF records with format 0, so that XF indexes below 16 exist. */
static void add_plain_xfs(ky_buf *globals, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        add_xf(globals, 0);
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
    static const unsigned char biff4_workbook[] = {0x09, 0x04, 0x06, 0x00,
                                                   0x00, 0x00, 0x00, 0x01};
    static const unsigned char biff4_chart[] = {0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x20, 0x00};
    assert_int_equal(probe_head(xls_plugin, biff2, sizeof biff2, "xls"), 50);
    assert_int_equal(probe_head(xls_plugin, biff4_workbook, sizeof biff4_workbook, "xls"), 50);
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

    /* The xls plugin does not claim it; the html plugin reads it. */
    assert_int_equal(ky_registry_probe(registry, ctx, &source, &chosen, NULL), 0);
    assert_non_null(chosen);
    assert_string_equal(chosen->name, "html");
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
    assert_true(rec.col_order_ok);
    assert_false(rec.empty_cell_seen);

    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "ASC");
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "This Data is 'ASC Only'");
    check_date(&rec, 0, "B2", KY_DATE_DATE, "1964-03-23");
    assert_true(find_cell(&rec, 0, "B2")->number == 23459);
    check_number(&rec, 0, "B3", 12345);
    check_number(&rec, 0, "B4", 1.29);
    check_number(&rec, 0, "B5", 1234567.89012345);
    check_number(&rec, 0, "B6", 1246912.89012345);
    assert_true(find_cell(&rec, 0, "B6")->flags & KY_CELL_FORMULA);
    check_number(&rec, 0, "B7", 1234567.89);
    check_number(&rec, 0, "B8", 123456789012.0);
    check_cell(&rec, 0, "A8", KY_CELL_TEXT, "BIG INTEGER");

    check_cell(&rec, 1, "A2", KY_CELL_TEXT, "漢字も入る");
    check_cell(&rec, 1, "B2", KY_CELL_TEXT, "漢字のデータ");
    check_date(&rec, 1, "B3", KY_DATE_DATE, "1964-03-23");
    check_number(&rec, 1, "B6", 1234567.89012345);
    check_number(&rec, 1, "B7", 1246912.89012345);
    check_cell(&rec, 1, "A8", KY_CELL_TEXT, "Float");
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
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "This is a test file for Japanese format");
    check_cell(&rec, 0, "A2", KY_CELL_TEXT, "明治");
    check_cell(&rec, 0, "A5", KY_CELL_TEXT, "平成");
    check_cell(&rec, 0, "A7", KY_CELL_TEXT, "時刻");

    /* Era formats (明治33年11月21日, M33.12.21) and 年月日 / 時分 built-ins are dates and times. */
    check_date(&rec, 0, "B2", KY_DATE_DATE, "1900-11-21");
    assert_true(find_cell(&rec, 0, "B2")->number == 326);
    check_date(&rec, 0, "C2", KY_DATE_DATE, "1900-12-21");
    check_date(&rec, 0, "C3", KY_DATE_DATE, "1914-12-22");
    check_date(&rec, 0, "B5", KY_DATE_DATE, "2000-11-24");
    check_date(&rec, 0, "C5", KY_DATE_DATE, "2000-12-24");
    assert_true(find_cell(&rec, 0, "C5")->number == 36884);
    check_date(&rec, 0, "B6", KY_DATE_DATE, "2009-07-01");
    check_date(&rec, 0, "C6", KY_DATE_DATE, "2009-07-01");
    check_date(&rec, 0, "B7", KY_DATE_TIME, "12:23:45");
    check_date(&rec, 0, "C7", KY_DATE_TIME, "12:23:45");
    assert_int_equal(ky_ctx_count(ctx, KY_SEV_WARNING), 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
    free(path);
}

static void test_read_xls_formula_values(void **state)
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
    assert_false(find_cell(&rec, 0, "A1")->flags & KY_CELL_FORMULA);
    check_number(&rec, 0, "A2", 20);
    check_number(&rec, 0, "A3", 110);
    check_number(&rec, 0, "A4", 65);
    assert_true(find_cell(&rec, 0, "A2")->flags & KY_CELL_FORMULA);
    assert_true(find_cell(&rec, 0, "A4")->flags & KY_CELL_FORMULA);
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
    rec.skip_sheet = 0;
    ky_ctx *ctx;
    ky_source source = {.path = path};

    assert_int_equal(read_source(&source, &rec, &ctx), 0);
    assert_int_equal(rec.sheet_count, 2);
    assert_int_equal(rec.sheet_ends, 2);
    assert_null(find_cell(&rec, 0, "A1"));
    check_cell(&rec, 1, "A1", KY_CELL_TEXT, "ASC");

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
    assert_null(ky_error_last(ctx));
    assert_int_equal(rec.rows_seen, 2);
    assert_int_equal(rec.sheet_count, 1);
    assert_int_equal(rec.sheet_ends, 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
    free(path);
}

/* Return KY_SINK_STOP from sheet_begin. */
static int stop_at_sheet(void *payload, const ky_sheet_info *sheet)
{
    (void)sheet;
    (*(int *)payload)++;
    return KY_SINK_STOP;
}

static int fail_on_row(void *payload, uint32_t row, const ky_cell *cells, size_t count)
{
    (void)payload;
    (void)row;
    (void)cells;
    (void)count;
    fail_msg("a row was delivered after KY_SINK_STOP");
    return KY_SINK_OK;
}

static void test_read_stop_at_sheet_begin(void **state)
{
    (void)state;
    char *path = corpus_path("spreadsheet-parseexcel/Test97J.xls");
    if (!path)
        skip();
    static const ky_sink sink = {.version = KY_SINK_VERSION, .sheet_begin = stop_at_sheet,
                                 .row = fail_on_row};
    int sheets = 0;
    ky_ctx *ctx = ky_ctx_new();
    assert_non_null(ctx);
    ky_read_options options;
    ky_read_options_init(&options);
    ky_source source = {.path = path};

    assert_int_equal(xls_plugin->read(ctx, &source, &options, &sink, &sheets), 0);
    assert_null(ky_error_last(ctx));
    assert_int_equal(sheets, 1);

    ky_ctx_free(ctx);
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
    assert_int_equal(read_source(&source, &rec, &ctx), KY_EPARSE);
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

static void test_biff5_cp932_text(void **state)
{
    (void)state;
    /* 日本 and the sheet name 表 (95 5C, whose second byte is a backslash) in CP932. */
    biff5_book book = {.codepage = 932, .sheet_name = "\x95\x5C", .label = "\x93\xFA\x96\x7B"};
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff5(&book, &rec, &ctx), 0);
    assert_int_equal(rec.sheet_count, 1);
    assert_string_equal(rec.sheet_names[0], "表");
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "日本");
    assert_int_equal(ky_ctx_count(ctx, KY_SEV_WARNING), 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_biff5_cp1252_mojibake_warned(void **state)
{
    (void)state;
    /* 日本語 in CP932 bytes under a CODEPAGE record of 1252 reads as “ú–{Œê. */
    biff5_book book = {.codepage = 1252, .sheet_name = "Sheet1",
                       .label = "\x93\xFA\x96\x7B\x8C\xEA"};
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff5(&book, &rec, &ctx), 0);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "\u201C\u00FA\u2013{\u0152\u00EA");
    assert_int_equal(ky_ctx_count(ctx, KY_SEV_WARNING), 1);
    assert_non_null(strstr(rec.diags.data, "xls.codepage-mismatch 1 1 "));

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_biff5_forced_encoding_overrides_codepage(void **state)
{
    (void)state;
    /* The same wrong CODEPAGE record of 1252, read with --encoding sjis. */
    biff5_book book = {.codepage = 1252, .sheet_name = "Sheet1",
                       .label = "\x93\xFA\x96\x7B\x8C\xEA"};
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    forced_encoding = "sjis";
    int rc = read_biff5(&book, &rec, &ctx);
    forced_encoding = NULL;
    assert_int_equal(rc, 0);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "日本語");
    assert_int_equal(ky_ctx_count(ctx, KY_SEV_WARNING), 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_biff5_unknown_forced_encoding_warned(void **state)
{
    (void)state;
    biff5_book book = {.codepage = 932, .sheet_name = "Sheet1", .label = "\x93\xFA\x96\x7B"};
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    forced_encoding = "no-such-encoding";
    int rc = read_biff5(&book, &rec, &ctx);
    forced_encoding = NULL;
    assert_int_equal(rc, 0);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "日本");
    assert_int_equal(ky_ctx_count(ctx, KY_SEV_WARNING), 1);
    assert_non_null(strstr(rec.diags.data, "xls.unknown-encoding "));

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_biff5_cp1252_latin_not_warned(void **state)
{
    (void)state;
    /* "Müller – café" in CP1252. */
    biff5_book book = {.codepage = 1252, .sheet_name = "Sheet1",
                       .label = "M\xFCller \x96 caf\xE9"};
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff5(&book, &rec, &ctx), 0);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "Müller – café");
    assert_int_equal(ky_ctx_count(ctx, KY_SEV_WARNING), 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_biff5_password_rejected(void **state)
{
    (void)state;
    biff5_book book = {.codepage = 1252, .encrypted = true, .sheet_name = "Sheet1",
                       .label = "secret"};
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    int rc = read_biff5(&book, &rec, &ctx);
    check_error(ctx, rc, KY_EUNSUPPORTED, "password-protected");
    assert_int_equal(rec.sheet_count, 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_biff5_rows_over_limit(void **state)
{
    (void)state;
    /* BIFF5 sheets have at most 16384 rows, although cell records could address 65536. */
    biff5_book book = {.codepage = 1252, .label_row = 20000, .sheet_name = "Big", .label = "x"};
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    int rc = read_biff5(&book, &rec, &ctx);
    check_error(ctx, rc, KY_ELIMIT, "16384 rows");
    const ky_error *error = ky_error_last(ctx);
    assert_string_equal(error->loc.sheet, "Big");
    assert_int_equal(error->loc.row, 20001);
    assert_int_equal(rec.rows_seen, 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_biff2_stream_unsupported(void **state)
{
    (void)state;
    /* BOF (BIFF2 worksheet), a NUMBER record, EOF. */
    static const unsigned char biff2[] = {0x09, 0x00, 0x04, 0x00, 0x02, 0x00, 0x10, 0x00,
                                          0x0A, 0x00, 0x00, 0x00};
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    int rc = read_bytes(biff2, sizeof biff2, &rec, &ctx);
    check_error(ctx, rc, KY_EUNSUPPORTED, "(BIFF2-BIFF4) are not supported");
    assert_int_equal(rec.sheet_count, 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
}

/* ------------------------------------------------------------------------ */
/* BIFF8 values                                                               */
/* ------------------------------------------------------------------------ */

static void test_biff8_rk_encodings(void **state)
{
    (void)state;
    ky_buf cells = {0};
    add_rk(&cells, 0, 0, (123u << 2) | 0x02);      /* integer */
    add_rk(&cells, 0, 1, (12345u << 2) | 0x03);    /* integer / 100 */
    add_rk(&cells, 0, 2, 0x3FF80000u);             /* top bits of the double 1.5 */
    add_rk(&cells, 0, 3, 0x3FF80001u);             /* 1.5 / 100 */
    add_rk(&cells, 0, 4, ((uint32_t)-7 << 2) | 0x02); /* negative integer */
    /* MULRK: row 2, columns A-C, values 1, 2 and 3. */
    unsigned char body[4 + 3 * 6 + 2];
    put16(body, 1);
    put16(body + 2, 0);
    for (unsigned i = 0; i < 3; i++) {
        put16(body + 4 + 6 * i, 0x0F);
        put32(body + 6 + 6 * i, ((i + 1) << 2) | 0x02);
    }
    put16(body + 22, 2);
    add_record(&cells, 0x00BD, body, sizeof body);
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff8(NULL, &cells, &rec, &ctx), 0);
    check_number(&rec, 0, "A1", 123);
    check_number(&rec, 0, "B1", 123.45);
    check_number(&rec, 0, "C1", 1.5);
    check_number(&rec, 0, "D1", 0.015);
    check_number(&rec, 0, "E1", -7);
    check_number(&rec, 0, "A2", 1);
    check_number(&rec, 0, "B2", 2);
    check_number(&rec, 0, "C2", 3);

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&cells);
}

static void test_biff8_formula_cached_values(void **state)
{
    (void)state;
    ky_buf globals = {0}, cells = {0};
    add_plain_xfs(&globals, 15);
    add_xf(&globals, 14); /* XF 15: a date */
    add_formula(&cells, 0, 0, 0, -1, 42);
    add_formula(&cells, 1, 0, 0, 0, 0);
    add_string(&cells, "abc");
    add_formula(&cells, 2, 0, 0, 1, 1);
    add_formula(&cells, 3, 0, 0, 2, 0x07);
    add_formula(&cells, 4, 0, 0, 3, 0);
    add_formula(&cells, 5, 0, 0, 0, 0); /* text result, but no STRING record follows */
    add_number(&cells, 6, 0, 0, 7);
    add_formula(&cells, 7, 0, 15, -1, 45383);
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff8(&globals, &cells, &rec, &ctx), 0);
    check_number(&rec, 0, "A1", 42);
    check_cell(&rec, 0, "A2", KY_CELL_TEXT, "abc");
    check_cell(&rec, 0, "A3", KY_CELL_BOOL, "TRUE");
    check_cell(&rec, 0, "A4", KY_CELL_ERROR, "#DIV/0!");
    check_cell(&rec, 0, "A5", KY_CELL_TEXT, "");
    check_cell(&rec, 0, "A6", KY_CELL_EMPTY, "");
    assert_true(find_cell(&rec, 0, "A6")->flags & KY_CELL_NO_CACHED);
    check_number(&rec, 0, "A7", 7);
    check_date(&rec, 0, "A8", KY_DATE_DATE, "2024-04-01");
    const char *formulas[] = {"A1", "A2", "A3", "A4", "A5", "A6", "A8"};
    for (size_t i = 0; i < sizeof formulas / sizeof *formulas; i++)
        assert_true(find_cell(&rec, 0, formulas[i])->flags & KY_CELL_FORMULA);
    assert_false(find_cell(&rec, 0, "A7")->flags & KY_CELL_FORMULA);
    assert_false(rec.empty_cell_seen);

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&globals);
    ky_buf_free(&cells);
}

static void test_biff8_booleans_and_errors(void **state)
{
    (void)state;
    static const struct {
        unsigned code;
        const char *text;
    } errors[] = {{0x00, "#NULL!"}, {0x07, "#DIV/0!"}, {0x0F, "#VALUE!"}, {0x17, "#REF!"},
                  {0x1D, "#NAME?"}, {0x24, "#NUM!"},   {0x2A, "#N/A"}};
    ky_buf cells = {0};
    add_boolerr(&cells, 0, 0, 1, false);
    add_boolerr(&cells, 1, 0, 0, false);
    for (unsigned i = 0; i < 7; i++)
        add_boolerr(&cells, i, 2, errors[i].code, true);
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff8(NULL, &cells, &rec, &ctx), 0);
    check_cell(&rec, 0, "A1", KY_CELL_BOOL, "TRUE");
    check_cell(&rec, 0, "A2", KY_CELL_BOOL, "FALSE");
    for (unsigned i = 0; i < 7; i++) {
        char ref[8];
        snprintf(ref, sizeof ref, "C%u", i + 1);
        check_cell(&rec, 0, ref, KY_CELL_ERROR, errors[i].text);
    }

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&cells);
}

static void test_biff8_merged_ranges(void **state)
{
    (void)state;
    ky_buf cells = {0};
    add_label(&cells, 0, 0, "title");
    /* Ranges A1:C2 and B4:B6, one reversed and one past column IV (both dropped). */
    static const unsigned ranges[4][4] = {{0, 1, 0, 2}, {3, 5, 1, 1}, {5, 2, 0, 0},
                                          {0, 0, 0, 300}};
    unsigned char body[2 + 4 * 8];
    put16(body, 4);
    for (unsigned i = 0; i < 4; i++)
        for (unsigned j = 0; j < 4; j++)
            put16(body + 2 + 8 * i + 2 * j, ranges[i][j]);
    add_record(&cells, 0x00E5, body, sizeof body);
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff8(NULL, &cells, &rec, &ctx), 0);
    assert_int_equal(rec.merge_count, 2);
    check_merge(&rec, 0, 0, 1, 2);
    check_merge(&rec, 3, 1, 5, 1);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "title");

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&cells);
}

static void test_biff8_hidden_and_chart_sheets(void **state)
{
    (void)state;
    ky_buf shown = {0}, hidden = {0}, chart = {0}, secret = {0};
    add_label(&shown, 0, 0, "shown");
    add_label(&hidden, 0, 0, "hidden");
    add_number(&chart, 0, 0, 0, 99);
    add_label(&secret, 0, 0, "secret");
    biff8_sheet sheets[] = {
        {.name = "Shown", .cells = &shown},
        {.name = "Hidden", .state = 1, .cells = &hidden},
        {.name = "Chart1", .type = 2, .cells = &chart},
        {.name = "Secret", .state = 2, .cells = &secret},
    };
    ky_buf stream = {0}, file = {0};
    build_biff8_stream(NULL, sheets, 4, &stream);
    build_cfb("Workbook", stream.data, stream.len, false, &file);
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_bytes(file.data, file.len, &rec, &ctx), 0);
    assert_int_equal(rec.sheet_count, 4);
    assert_int_equal(rec.sheet_ends, 4);
    assert_string_equal(rec.sheet_names[2], "Chart1");
    assert_int_equal(rec.visibility[0], KY_SHEET_VISIBLE);
    assert_int_equal(rec.visibility[1], KY_SHEET_HIDDEN);
    assert_int_equal(rec.visibility[2], KY_SHEET_VISIBLE);
    assert_int_equal(rec.visibility[3], KY_SHEET_VERY_HIDDEN);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(rec.sheet_index[i], i);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "shown");
    check_cell(&rec, 1, "A1", KY_CELL_TEXT, "hidden");
    assert_null(find_cell(&rec, 2, "A1"));
    check_cell(&rec, 3, "A1", KY_CELL_TEXT, "secret");

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&stream);
    ky_buf_free(&file);
    ky_buf_free(&shown);
    ky_buf_free(&hidden);
    ky_buf_free(&chart);
    ky_buf_free(&secret);
}

static void test_biff8_japanese_date_formats(void **state)
{
    (void)state;
    ky_buf globals = {0}, cells = {0};
    add_format(&globals, 164, "[$-411]ggge\"年\"m\"月\"d\"日\";@");
    add_format(&globals, 165, "[h]:mm:ss");
    add_plain_xfs(&globals, 15);
    static const unsigned formats[] = {14, 31, 57, 164, 46, 20, 22, 165};
    for (unsigned i = 0; i < 8; i++)
        add_xf(&globals, formats[i]); /* XF 15 + i */
    add_number(&cells, 0, 0, 15, 45383);
    add_number(&cells, 1, 0, 16, 45383);
    add_number(&cells, 2, 0, 17, 45383);
    add_number(&cells, 3, 0, 18, 44259);
    add_number(&cells, 4, 0, 19, 1.5);
    add_number(&cells, 5, 0, 20, 0.5);
    add_number(&cells, 6, 0, 21, 45383.25);
    add_number(&cells, 7, 0, 22, 2.25);
    add_number(&cells, 8, 0, 99, 45383); /* an XF index past the table */
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff8(&globals, &cells, &rec, &ctx), 0);
    check_date(&rec, 0, "A1", KY_DATE_DATE, "2024-04-01");
    check_date(&rec, 0, "A2", KY_DATE_DATE, "2024-04-01");
    check_date(&rec, 0, "A3", KY_DATE_DATE, "2024-04-01");
    check_date(&rec, 0, "A4", KY_DATE_DATE, "2021-03-04");
    check_number(&rec, 0, "A5", 1.5);
    check_date(&rec, 0, "A6", KY_DATE_TIME, "12:00:00");
    check_date(&rec, 0, "A7", KY_DATE_DATETIME, "2024-04-01T06:00:00");
    check_number(&rec, 0, "A8", 2.25);
    check_number(&rec, 0, "A9", 45383);

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&globals);
    ky_buf_free(&cells);
}

/*
 * Japanese Excel stores dates under built-in ids 27-31, 34-36 and 50-58
 * with no FORMAT record for them, and era codes behind a [$-ja-JP] tag.
 */
static void test_biff8_japanese_ids_without_format(void **state)
{
    (void)state;
    static const unsigned japanese_date_ids[] = {27, 28, 29, 30, 31, 34, 35, 36, 50,
                                                 51, 52, 53, 54, 55, 56, 57, 58};
    const size_t id_count = sizeof japanese_date_ids / sizeof japanese_date_ids[0];
    ky_buf globals = {0}, cells = {0};
    add_format(&globals, 164, "[$-ja-JP]ggge\"年\"m\"月\"d\"日\";@");
    add_plain_xfs(&globals, 15);
    add_xf(&globals, 55);  /* XF 15 */
    add_xf(&globals, 164); /* XF 16 */
    add_xf(&globals, 14);  /* XF 17 */
    for (size_t i = 0; i < id_count; i++)
        add_xf(&globals, japanese_date_ids[i]); /* XF 18 + i */
    add_number(&cells, 0, 0, 15, 45383);
    add_number(&cells, 0, 1, 16, 44259);
    add_number(&cells, 0, 2, 17, 45383);
    for (size_t i = 0; i < id_count; i++)
        add_number(&cells, 1, (unsigned)i, 18 + (unsigned)i, 45383);
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff8(&globals, &cells, &rec, &ctx), 0);
    check_date(&rec, 0, "A1", KY_DATE_DATE, "2024-04-01");
    check_date(&rec, 0, "B1", KY_DATE_DATE, "2021-03-04");
    /* Id 14 is written as an ISO date, never as the US form 4/1/24. */
    check_date(&rec, 0, "C1", KY_DATE_DATE, "2024-04-01");
    for (size_t i = 0; i < id_count; i++) {
        char ref[8];
        snprintf(ref, sizeof ref, "%c2", 'A' + (int)i);
        const recorded_cell *cell = find_cell(&rec, 0, ref);
        if (!cell || cell->type != KY_CELL_DATE)
            fail_msg("built-in format id %u (cell %s) was not read as a date",
                     japanese_date_ids[i], ref);
        assert_int_equal(cell->date_kind, KY_DATE_DATE);
        assert_string_equal(cell->text, "2024-04-01");
    }
    assert_int_equal(ky_ctx_count(ctx, KY_SEV_WARNING), 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&globals);
    ky_buf_free(&cells);
}

static void test_biff8_date1904(void **state)
{
    (void)state;
    ky_buf globals = {0}, cells = {0};
    unsigned char one[2];
    put16(one, 1);
    add_record(&globals, 0x0022, one, 2);
    add_plain_xfs(&globals, 15);
    add_xf(&globals, 14); /* XF 15: a date */
    add_xf(&globals, 20); /* XF 16: a time of day */
    add_number(&cells, 0, 0, 15, 0);
    add_number(&cells, 1, 0, 15, 45383 - 1462);
    add_number(&cells, 2, 0, 16, 0.75);
    add_number(&cells, 3, 0, 0, 100);
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff8(&globals, &cells, &rec, &ctx), 0);
    check_date(&rec, 0, "A1", KY_DATE_DATE, "1904-01-01");
    check_date(&rec, 0, "A2", KY_DATE_DATE, "2024-04-01");
    assert_true(find_cell(&rec, 0, "A2")->number == 45383);
    check_date(&rec, 0, "A3", KY_DATE_TIME, "18:00:00");
    check_number(&rec, 0, "A4", 100);

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&globals);
    ky_buf_free(&cells);
}

/* Append `n` bytes to a segment of the SST under construction. */
static void sst_put(ky_buf *segment, const void *bytes, size_t n)
{
    assert_int_equal(ky_buf_append(segment, bytes, n), 0);
}

/* A string header: character count and option byte. */
static void sst_header(ky_buf *segment, unsigned count, unsigned options)
{
    unsigned char header[3];
    put16(header, count);
    header[2] = (unsigned char)options;
    sst_put(segment, header, 3);
}

static void test_biff8_sst_continue(void **state)
{
    (void)state;
    ky_buf seg[4] = {{0}};
    unsigned char field[8] = {0};

    put32(field, 6);
    put32(field + 4, 6);
    sst_put(&seg[0], field, 8);
    sst_header(&seg[0], 5, 0x00);
    sst_put(&seg[0], "alpha", 5);
    /* Rich text: one 4-byte formatting run after the characters. */
    sst_header(&seg[0], 3, 0x08);
    sst_put(&seg[0], "\x01\x00", 2);
    sst_put(&seg[0], "red", 3);
    sst_put(&seg[0], "\x00\x00\x05\x00", 4);
    /* Far East phonetic data: 3 bytes after the characters. */
    sst_header(&seg[0], 4, 0x04);
    sst_put(&seg[0], "\x03\x00\x00\x00", 4);
    sst_put(&seg[0], "kana", 4);
    sst_put(&seg[0], "\x01\x02\x03", 3);
    /* 日本語テキスト in UTF-16, split after two characters. */
    sst_header(&seg[0], 7, 0x01);
    sst_put(&seg[0], "\xE5\x65\x2C\x67", 4);
    sst_put(&seg[1], "\x01", 1);
    sst_put(&seg[1], "\x9E\x8A\xC6\x30\xAD\x30\xB9\x30\xC8\x30", 10);
    /* "abcdef": 8-bit characters, continued as 16-bit ones. */
    sst_header(&seg[1], 6, 0x00);
    sst_put(&seg[1], "abc", 3);
    sst_put(&seg[2], "\x01", 1);
    sst_put(&seg[2], "d\0e\0f\0", 6);
    /* "xyz": the header ends its record and the characters start the next one. */
    sst_header(&seg[2], 3, 0x00);
    sst_put(&seg[3], "\x00xyz", 4);

    ky_buf globals = {0}, cells = {0};
    add_record(&globals, 0x00FC, seg[0].data, seg[0].len);
    for (int i = 1; i < 4; i++)
        add_record(&globals, 0x003C, seg[i].data, seg[i].len);
    for (unsigned i = 0; i < 6; i++)
        add_labelsst(&cells, i, 0, i);
    add_labelsst(&cells, 6, 0, 99);
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff8(&globals, &cells, &rec, &ctx), 0);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "alpha");
    check_cell(&rec, 0, "A2", KY_CELL_TEXT, "red");
    check_cell(&rec, 0, "A3", KY_CELL_TEXT, "kana");
    check_cell(&rec, 0, "A4", KY_CELL_TEXT, "日本語テキスト");
    check_cell(&rec, 0, "A5", KY_CELL_TEXT, "abcdef");
    check_cell(&rec, 0, "A6", KY_CELL_TEXT, "xyz");
    assert_null(find_cell(&rec, 0, "A7"));
    assert_int_equal(ky_ctx_count(ctx, KY_SEV_WARNING), 1);
    assert_non_null(strstr(rec.diags.data, "xls.bad-shared-string 7 1 "));

    ky_ctx_free(ctx);
    recorder_free(&rec);
    for (int i = 0; i < 4; i++)
        ky_buf_free(&seg[i]);
    ky_buf_free(&globals);
    ky_buf_free(&cells);
}

static void test_biff8_cells_out_of_order(void **state)
{
    (void)state;
    ky_buf cells = {0};
    add_label(&cells, 5, 1, "F-B");
    add_label(&cells, 2, 3, "C-D");
    add_label(&cells, 2, 0, "first");
    add_label(&cells, 5, 0, "F-A");
    add_label(&cells, 2, 0, "second");
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_biff8(NULL, &cells, &rec, &ctx), 0);
    assert_true(rec.row_order_ok);
    assert_true(rec.col_order_ok);
    assert_int_equal(rec.rows_seen, 2);
    assert_int_equal(rec.rows[0], 2);
    assert_int_equal(rec.rows[1], 5);
    assert_int_equal(rec.cell_count, 4);
    check_cell(&rec, 0, "A3", KY_CELL_TEXT, "second");
    check_cell(&rec, 0, "D3", KY_CELL_TEXT, "C-D");
    check_cell(&rec, 0, "A6", KY_CELL_TEXT, "F-A");
    check_cell(&rec, 0, "B6", KY_CELL_TEXT, "F-B");

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&cells);
}

static void test_biff8_password_rejected(void **state)
{
    (void)state;
    ky_buf globals = {0}, cells = {0};
    /* FILEPASS for RC4 encryption; the rest of its body does not matter here. */
    unsigned char body[6] = {0x01, 0x00, 0x01, 0x00, 0x01, 0x00};
    add_record(&globals, 0x002F, body, sizeof body);
    add_label(&cells, 0, 0, "secret");
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    int rc = read_biff8(&globals, &cells, &rec, &ctx);
    check_error(ctx, rc, KY_EUNSUPPORTED, "password-protected");
    assert_int_equal(rec.sheet_count, 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&globals);
    ky_buf_free(&cells);
}

/* Return the body offset of the `n`-th BOUNDSHEET record of a stream. */
static size_t find_boundsheet(const ky_buf *stream, unsigned n)
{
    const unsigned char *p = (const unsigned char *)stream->data;
    for (size_t pos = 0; pos + 4 <= stream->len;) {
        unsigned id = p[pos] | (unsigned)p[pos + 1] << 8;
        unsigned len = p[pos + 2] | (unsigned)p[pos + 3] << 8;
        if (id == 0x0085 && n-- == 0)
            return pos + 4;
        pos += 4 + len;
    }
    fail_msg("BOUNDSHEET record not found");
    return 0;
}

static void test_biff8_overlapping_sheets_rejected(void **state)
{
    (void)state;
    /* Three sheets whose BOUNDSHEET records all point at the first sheet's substream. */
    ky_buf big = {0};
    for (unsigned i = 0; i < 60; i++)
        add_label(&big, i, 0, "a label that takes some room");
    biff8_sheet sheets[] = {{.name = "A", .cells = &big}, {.name = "B"}, {.name = "C"}};
    ky_buf stream = {0}, file = {0};
    build_biff8_stream(NULL, sheets, 3, &stream);
    unsigned char *bytes = (unsigned char *)stream.data;
    size_t first = find_boundsheet(&stream, 0);
    for (unsigned i = 1; i < 3; i++)
        memcpy(bytes + find_boundsheet(&stream, i), bytes + first, 4);
    build_cfb("Workbook", stream.data, stream.len, false, &file);
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    int rc = read_bytes(file.data, file.len, &rec, &ctx);
    check_error(ctx, rc, KY_EPARSE, "substreams overlap");
    check_cell(&rec, 0, "A60", KY_CELL_TEXT, "a label that takes some room");

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&stream);
    ky_buf_free(&file);
    ky_buf_free(&big);
}

/* ------------------------------------------------------------------------ */
/* OLE2 containers                                                            */
/* ------------------------------------------------------------------------ */

/* Build a one-sheet BIFF8 workbook whose A1 is "ok" into `file`. */
static void build_small_workbook(bool mini, ky_buf *file)
{
    ky_buf cells = {0}, stream = {0};
    add_label(&cells, 0, 0, "ok");
    biff8_sheet sheet = {.name = "Sheet1", .cells = &cells};
    build_biff8_stream(NULL, &sheet, 1, &stream);
    build_cfb("Workbook", stream.data, stream.len, mini, file);
    ky_buf_free(&cells);
    ky_buf_free(&stream);
}

static void test_cfb_mini_stream(void **state)
{
    (void)state;
    ky_buf file = {0};
    build_small_workbook(true, &file);
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    assert_int_equal(read_bytes(file.data, file.len, &rec, &ctx), 0);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "ok");

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&file);
}

/* Damage a copy of a small workbook with `damage` and check the read fails with `part`. */
static void check_damaged(bool mini, void (*damage)(ky_buf *file), const char *part)
{
    ky_buf file = {0};
    build_small_workbook(mini, &file);
    damage(&file);
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    int rc = read_bytes(file.data, file.len, &rec, &ctx);
    check_error(ctx, rc, KY_EPARSE, part);
    assert_string_equal(ky_error_last(ctx)->loc.file, "test.xls");
    assert_int_equal(rec.sheet_count, 0);

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&file);
}

static unsigned char *file_bytes(ky_buf *file)
{
    return (unsigned char *)file->data;
}

static void damage_fat_loop(ky_buf *file)
{
    put32(file_bytes(file) + CFB_FAT_AT + 4 * 3, 2); /* sector 3 leads back to sector 2 */
}

static void damage_directory_loop(ky_buf *file)
{
    put32(file_bytes(file) + CFB_FAT_AT + 4 * 1, 1); /* the directory sector leads to itself */
}

static void damage_start_sector(ky_buf *file)
{
    put32(file_bytes(file) + CFB_STREAM_ENTRY_AT + 116, 0x00FFFFFF);
}

static void damage_mini_fat(ky_buf *file)
{
    put32(file_bytes(file) + 3 * SECTOR, 1000); /* mini sector 0 leads to mini sector 1000 */
}

static void damage_stream_size(ky_buf *file)
{
    put32(file_bytes(file) + CFB_STREAM_ENTRY_AT + 120, 4608); /* one sector more than the chain */
}

static void damage_sector_shift(ky_buf *file)
{
    put16(file_bytes(file) + 30, 10);
}

static void damage_truncate(ky_buf *file)
{
    file->len = 4 * SECTOR;
}

static void damage_truncate_header(ky_buf *file)
{
    file->len = 300;
}

static void test_cfb_damaged_rejected(void **state)
{
    (void)state;
    check_damaged(false, damage_fat_loop, "a sector chain loops");
    check_damaged(false, damage_directory_loop, "a sector chain loops");
    check_damaged(false, damage_start_sector, "a sector index is out of range");
    check_damaged(true, damage_mini_fat, "a sector index is out of range");
    check_damaged(false, damage_stream_size, "shorter than its directory entry");
    check_damaged(false, damage_sector_shift, "neither 512 nor 4096");
    check_damaged(false, damage_truncate, "truncated");
    check_damaged(false, damage_truncate_header, "truncated");
}

static void test_cfb_encrypted_package(void **state)
{
    (void)state;
    static const char encrypted[200] = "encrypted bytes";
    ky_buf file = {0};
    build_cfb("EncryptedPackage", encrypted, sizeof encrypted, true, &file);
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    int rc = read_bytes(file.data, file.len, &rec, &ctx);
    check_error(ctx, rc, KY_EUNSUPPORTED, "password-protected");

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&file);
}

static void test_cfb_no_workbook_stream(void **state)
{
    (void)state;
    static const char document[200] = "a word processor document";
    ky_buf file = {0};
    build_cfb("WordDocument", document, sizeof document, true, &file);
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;

    int rc = read_bytes(file.data, file.len, &rec, &ctx);
    check_error(ctx, rc, KY_EPARSE, "no Workbook stream");

    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&file);
}

/* ------------------------------------------------------------------------ */

static int load_plugin(void **state)
{
    (void)state;
    xls_plugin = load_input_plugin(&registry, "xls");
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
        cmocka_unit_test(test_read_xls_formula_values),
        cmocka_unit_test(test_read_skip_first_sheet),
        cmocka_unit_test(test_read_stop_after_row),
        cmocka_unit_test(test_read_stop_at_sheet_begin),
        cmocka_unit_test(test_read_truncated_file),
        cmocka_unit_test(test_biff5_cp932_text),
        cmocka_unit_test(test_biff5_cp1252_mojibake_warned),
        cmocka_unit_test(test_biff5_forced_encoding_overrides_codepage),
        cmocka_unit_test(test_biff5_unknown_forced_encoding_warned),
        cmocka_unit_test(test_biff5_cp1252_latin_not_warned),
        cmocka_unit_test(test_biff5_password_rejected),
        cmocka_unit_test(test_biff5_rows_over_limit),
        cmocka_unit_test(test_biff2_stream_unsupported),
        cmocka_unit_test(test_biff8_rk_encodings),
        cmocka_unit_test(test_biff8_formula_cached_values),
        cmocka_unit_test(test_biff8_booleans_and_errors),
        cmocka_unit_test(test_biff8_merged_ranges),
        cmocka_unit_test(test_biff8_hidden_and_chart_sheets),
        cmocka_unit_test(test_biff8_japanese_date_formats),
        cmocka_unit_test(test_biff8_japanese_ids_without_format),
        cmocka_unit_test(test_biff8_date1904),
        cmocka_unit_test(test_biff8_sst_continue),
        cmocka_unit_test(test_biff8_cells_out_of_order),
        cmocka_unit_test(test_biff8_password_rejected),
        cmocka_unit_test(test_biff8_overlapping_sheets_rejected),
        cmocka_unit_test(test_cfb_mini_stream),
        cmocka_unit_test(test_cfb_damaged_rejected),
        cmocka_unit_test(test_cfb_encrypted_package),
        cmocka_unit_test(test_cfb_no_workbook_stream),
    };
    return cmocka_run_group_tests_name("xls", tests, load_plugin, unload_plugin);
}
