/* SPDX-License-Identifier: MIT */
/*
 * Tests of the xlsx input plugin and its zip and XML layers. Each test builds
 * a small package with libzip, reads it through the loaded plugin module into
 * a recording sink, and checks the exact cells, sheets, merges and messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "formats/ky_date.h"
#include "formats/ky_text.h"
#include "formats/ky_xml.h"
#include "formats/ky_zip.h"
#include "kyokun/registry.h"
#include "support/reader_test.h"

/* ------------------------------------------------------------------------ */
/* Package builder                                                            */
/* ------------------------------------------------------------------------ */

typedef struct part {
    const char *name;
    const char *content;
} part;

static const char CONTENT_TYPES[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/></Types>";

static const char ROOT_RELS[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"xl/workbook.xml\"/></Relationships>";

/* A workbook with one sheet "Sheet1" at xl/worksheets/sheet1.xml. */
static const char ONE_SHEET_WORKBOOK[] =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

static const char ONE_SHEET_RELS[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
    "Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/></Relationships>";

#define SML_OPEN "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
#define SST_OPEN "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"

/* Zip the parts into memory, each deflated. */
static package build_package(const part *parts, size_t count)
{
    zip_part zipped[32];
    assert_true(count <= sizeof zipped / sizeof zipped[0]);
    for (size_t i = 0; i < count; i++)
        zipped[i] = (zip_part){parts[i].name, parts[i].content, false};
    return build_zip(zipped, count);
}

/* Zip the usual parts of a one-sheet workbook plus `extra` parts (which may replace them). */
static package build_one_sheet(const char *sheet_xml, const part *extra, size_t extra_count)
{
    part parts[16];
    size_t count = 0;
    const part defaults[] = {
        {"[Content_Types].xml", CONTENT_TYPES},
        {"_rels/.rels", ROOT_RELS},
        {"xl/workbook.xml", ONE_SHEET_WORKBOOK},
        {"xl/_rels/workbook.xml.rels", ONE_SHEET_RELS},
        {"xl/worksheets/sheet1.xml", sheet_xml},
    };
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        bool replaced = false;
        for (size_t j = 0; j < extra_count; j++)
            replaced = replaced || strcmp(extra[j].name, defaults[i].name) == 0;
        if (!replaced)
            parts[count++] = defaults[i];
    }
    for (size_t j = 0; j < extra_count; j++)
        parts[count++] = extra[j];
    return build_package(parts, count);
}

/* ------------------------------------------------------------------------ */
/* Plugin access                                                              */
/* ------------------------------------------------------------------------ */

static ky_registry *registry;
static const ky_plugin *xlsx;

static int load_plugin(void **state)
{
    (void)state;
    xlsx = load_input_plugin(&registry, "xlsx");
    return xlsx ? 0 : -1;
}

static int unload_plugin(void **state)
{
    (void)state;
    ky_registry_free(registry);
    return 0;
}

/* Read a package in memory with the given options (NULL = defaults); returns the status. */
static int read_package_with(const package *pkg, recorder *rec, ky_ctx *ctx,
                             const ky_read_options *options)
{
    ky_source source = {.path = "test.xlsx", .data = pkg->data, .size = pkg->size};
    ky_read_options defaults;
    ky_read_options_init(&defaults);
    ky_ctx_set_handler(ctx, record_diag, KY_SEV_DEBUG, rec);
    return xlsx->read(ctx, &source, options ? options : &defaults, &RECORDING_SINK, rec);
}

/* Read a package with default options, expecting success. */
static void read_ok(const package *pkg, recorder *rec)
{
    ky_ctx *ctx = ky_ctx_new();
    assert_non_null(ctx);
    int status = read_package_with(pkg, rec, ctx, NULL);
    if (status != 0)
        fail_msg("read failed (%d): %s", status, ky_error_last(ctx)->message);
    assert_true(rec->row_order_ok);
    assert_true(rec->col_order_ok);
    ky_ctx_free(ctx);
}

/* Read a one-sheet package built from a worksheet and extra parts, expecting success. */
static void read_one_sheet(recorder *rec, const char *sheet_xml, const part *extra, size_t count)
{
    package pkg = build_one_sheet(sheet_xml, extra, count);
    recorder_init(rec);
    read_ok(&pkg, rec);
    free(pkg.data);
}

/* ------------------------------------------------------------------------ */
/* Shared strings and inline strings                                          */
/* ------------------------------------------------------------------------ */

/* phonetic runs (<rPh>) never reach the value. */
static void test_xlsx_strings__phonetic_runs_dropped(void **state)
{
    (void)state;
    const part extra[] = {{"xl/sharedStrings.xml",
        SST_OPEN
        "<si><t>共通</t><rPh sb=\"0\" eb=\"2\"><t>キョウツウ</t></rPh>"
        "<phoneticPr fontId=\"1\"/></si>"
        "<si><r><t>障害</t></r><r><rPr><b/></rPr><t>対応</t></r>"
        "<rPh sb=\"0\" eb=\"2\"><t>ショウガイ</t></rPh></si></sst>"}};
    recorder rec;
    read_one_sheet(&rec,
                   SML_OPEN "<sheetData><row r=\"1\">"
                   "<c r=\"A1\" t=\"s\"><v>0</v></c>"
                   "<c r=\"B1\" t=\"s\"><v>1</v></c>"
                   "<c r=\"C1\" t=\"inlineStr\"><is><t>件名</t>"
                   "<rPh sb=\"0\" eb=\"2\"><t>ケンメイ</t></rPh></is></c>"
                   "</row></sheetData></worksheet>",
                   extra, 1);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "共通");
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "障害対応");
    check_cell(&rec, 0, "C1", KY_CELL_TEXT, "件名");
    recorder_free(&rec);
}

/* one table entry per <si>, whatever its runs; an empty <si> counts. */
static void test_xlsx_strings__one_entry_per_si(void **state)
{
    (void)state;
    const part extra[] = {{"xl/sharedStrings.xml",
        SST_OPEN "<si><r><t>障害</t></r><r><rPr><b/></rPr><t>報告</t></r></si>"
        "<si><t/></si><si><t>参照</t></si></sst>"}};
    recorder rec;
    read_one_sheet(&rec,
                   SML_OPEN "<sheetData><row r=\"1\">"
                   "<c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
                   "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c>"
                   "</row></sheetData></worksheet>",
                   extra, 1);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "障害報告");
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "");
    check_cell(&rec, 0, "C1", KY_CELL_TEXT, "参照");

    /* Index 3 is past the table of 3 strings: no cell, one warning. */
    assert_null(find_cell(&rec, 0, "D1"));
    assert_non_null(strstr(rec.diags.data, "xlsx.bad-shared-string 1 4"));
    recorder_free(&rec);
}

/* ------------------------------------------------------------------------ */
/* Shared strings moved to temporary files                                   */
/* ------------------------------------------------------------------------ */

#define SPILL_STRINGS 3000u
#define SPILL_COLS 20u
#define SPILL_ROWS 3500u /* 70,000 lookups: past the reader's release of mapped pages */

/* Sink that checks every text cell: the cell at (row, col) refers to string (row * cols + col * 7) % N. */
typedef struct spill_check {
    size_t cells;
    size_t wrong;
} spill_check;

static int spill_sheet_begin(void *payload, const ky_sheet_info *sheet)
{
    (void)payload;
    (void)sheet;
    return KY_SINK_OK;
}

static int spill_row(void *payload, uint32_t row, const ky_cell *cells, size_t count)
{
    spill_check *check = payload;
    for (size_t i = 0; i < count; i++) {
        char expected[32];
        unsigned index = (row * SPILL_COLS + cells[i].col * 7u) % SPILL_STRINGS;
        int n = snprintf(expected, sizeof expected, "項目%u", index);
        check->cells++;
        if (cells[i].type != KY_CELL_TEXT || cells[i].len != (size_t)n
            || memcmp(cells[i].text, expected, (size_t)n) != 0)
            check->wrong++;
    }
    return KY_SINK_OK;
}

static int spill_merge(void *payload, const ky_range *range)
{
    (void)payload;
    (void)range;
    return KY_SINK_OK;
}

static int spill_sheet_end(void *payload)
{
    (void)payload;
    return KY_SINK_OK;
}

static const ky_sink SPILL_SINK = {
    .version = KY_SINK_VERSION,
    .sheet_begin = spill_sheet_begin,
    .row = spill_row,
    .merge = spill_merge,
    .sheet_end = spill_sheet_end,
};

/* Read the big shared-strings workbook with KYOKUN_XLSX_SPILL_BYTES set to `spill`. */
static void read_spilled(const package *pkg, const char *spill)
{
    if (spill)
        assert_int_equal(setenv("KYOKUN_XLSX_SPILL_BYTES", spill, 1), 0);
    else
        assert_int_equal(unsetenv("KYOKUN_XLSX_SPILL_BYTES"), 0);
    ky_ctx *ctx = ky_ctx_new();
    assert_non_null(ctx);
    ky_source source = {.path = "spill.xlsx", .data = pkg->data, .size = pkg->size};
    ky_read_options options;
    ky_read_options_init(&options);
    spill_check check = {0};
    int status = xlsx->read(ctx, &source, &options, &SPILL_SINK, &check);
    if (status != 0)
        fail_msg("read with spill size %s failed: %s", spill ? spill : "(default)",
                 ky_error_last(ctx)->message);
    assert_int_equal(check.cells, (size_t)SPILL_ROWS * SPILL_COLS);
    assert_int_equal(check.wrong, 0);
    ky_ctx_free(ctx);
    unsetenv("KYOKUN_XLSX_SPILL_BYTES");
}

/* The same values whether the table stays in memory, spills at once or spills while loading. */
static void test_xlsx_strings__spilled_table_same_values(void **state)
{
    (void)state;
    ky_buf sst = {0};
    assert_int_equal(ky_buf_puts(&sst, SST_OPEN), 0);
    for (unsigned i = 0; i < SPILL_STRINGS; i++)
        assert_int_equal(ky_buf_printf(&sst, "<si><t>項目%u</t></si>", i), 0);
    assert_int_equal(ky_buf_puts(&sst, "</sst>"), 0);

    ky_buf sheet = {0};
    assert_int_equal(ky_buf_puts(&sheet, SML_OPEN "<sheetData>"), 0);
    for (unsigned row = 0; row < SPILL_ROWS; row++) {
        assert_int_equal(ky_buf_printf(&sheet, "<row r=\"%u\">", row + 1), 0);
        for (unsigned col = 0; col < SPILL_COLS; col++) {
            char ref[8];
            ky_col_name(col, ref);
            assert_int_equal(ky_buf_printf(&sheet, "<c r=\"%s%u\" t=\"s\"><v>%u</v></c>", ref,
                                           row + 1, (row * SPILL_COLS + col * 7u) % SPILL_STRINGS),
                             0);
        }
        assert_int_equal(ky_buf_puts(&sheet, "</row>"), 0);
    }
    assert_int_equal(ky_buf_puts(&sheet, "</sheetData></worksheet>"), 0);
    assert_int_equal(ky_buf_putc(&sst, '\0'), 0);
    assert_int_equal(ky_buf_putc(&sheet, '\0'), 0);

    const part extra[] = {{"xl/sharedStrings.xml", sst.data}};
    package pkg = build_one_sheet(sheet.data, extra, 1);
    read_spilled(&pkg, NULL);    /* in memory */
    read_spilled(&pkg, "0");     /* spilled before the first string */
    read_spilled(&pkg, "10000"); /* spilled part-way through the table */
    free(pkg.data);
    ky_buf_free(&sst);
    ky_buf_free(&sheet);
}

/* inline strings with and without runs, and no shared strings part at all. */
static void test_xlsx_strings__inline_without_sst(void **state)
{
    (void)state;
    static const char rels[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" "
        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
        "Target=\"worksheets/sheet1.xml\"/></Relationships>";
    const part extra[] = {{"xl/_rels/workbook.xml.rels", rels}};
    recorder rec;
    read_one_sheet(&rec,
                   SML_OPEN "<sheetData><row r=\"1\">"
                   "<c r=\"A1\" t=\"inlineStr\"><is><t>件名</t></is></c>"
                   "<c r=\"B1\" t=\"inlineStr\"><is><r><t>総件数: </t></r><r><t>54</t></r></is></c>"
                   "</row></sheetData></worksheet>",
                   extra, 1);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "件名");
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "総件数: 54");
    assert_int_equal(rec.cell_count, 2);
    recorder_free(&rec);
}

/* _xHHHH_ escapes decode in shared, inline and formula strings, as Excel reads them
 * (so a literal "_xa100_" must be written "_x005F_xa100_"); look-alikes stay. */
static void test_xlsx_strings__escapes_decoded(void **state)
{
    (void)state;
    const part extra[] = {{"xl/sharedStrings.xml",
        SST_OPEN "<si><t>ABC_x000D_\nDEF</t></si>"
        "<si><t>_x005F_x0041_</t></si>"
        "<si><t>foo_x12345.txt valcheck_x005F_xa100_ev _xa100_</t></si>"
        "<si><t>_xD83D__xDE00_</t></si></sst>"}};
    recorder rec;
    read_one_sheet(&rec,
                   SML_OPEN "<sheetData><row r=\"1\">"
                   "<c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
                   "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c>"
                   "<c r=\"E1\" t=\"inlineStr\"><is><t>tab_x0009_here</t></is></c>"
                   "<c r=\"F1\" t=\"str\"><f>\"x\"</f><v>_x0041_B</v></c>"
                   "</row></sheetData></worksheet>",
                   extra, 1);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "ABC\r\nDEF");
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "_x0041_");
    check_cell(&rec, 0, "C1", KY_CELL_TEXT, "foo_x12345.txt valcheck_xa100_ev \xEA\x84\x80");
    check_cell(&rec, 0, "D1", KY_CELL_TEXT, "\xF0\x9F\x98\x80");
    check_cell(&rec, 0, "E1", KY_CELL_TEXT, "tab\there");
    check_cell(&rec, 0, "F1", KY_CELL_TEXT, "AB");
    recorder_free(&rec);
}

/* ------------------------------------------------------------------------ */
/* Package structure                                                          */
/* ------------------------------------------------------------------------ */

/* Strict Open XML namespaces and relationship types read like Transitional. */
static void test_xlsx_package__strict_namespaces(void **state)
{
    (void)state;
    const part parts[] = {
        {"[Content_Types].xml", CONTENT_TYPES},
        {"_rels/.rels",
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rId1\" "
         "Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument\" "
         "Target=\"xl/workbook.xml\"/></Relationships>"},
        {"xl/workbook.xml",
         "<workbook xmlns=\"http://purl.oclc.org/ooxml/spreadsheetml/main\" "
         "xmlns:r=\"http://purl.oclc.org/ooxml/officeDocument/relationships\">"
         "<workbookPr date1904=\"false\"/>"
         "<sheets><sheet name=\"Strict\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
        {"xl/_rels/workbook.xml.rels",
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rId1\" "
         "Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet\" "
         "Target=\"/xl/worksheets/sheet1.xml\"/>"
         "<Relationship Id=\"rId2\" "
         "Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/sharedStrings\" "
         "Target=\"sharedStrings.xml\"/></Relationships>"},
        {"xl/sharedStrings.xml",
         "<x:sst xmlns:x=\"http://purl.oclc.org/ooxml/spreadsheetml/main\">"
         "<x:si><x:t>厳格</x:t></x:si></x:sst>"},
        {"xl/worksheets/sheet1.xml",
         "<x:worksheet xmlns:x=\"http://purl.oclc.org/ooxml/spreadsheetml/main\">"
         "<x:sheetData><x:row r=\"1\"><x:c r=\"A1\"><x:v>1</x:v></x:c>"
         "<x:c r=\"B1\" t=\"s\"><x:v>0</x:v></x:c></x:row></x:sheetData></x:worksheet>"},
    };
    package pkg = build_package(parts, sizeof parts / sizeof parts[0]);
    recorder rec;
    recorder_init(&rec);
    read_ok(&pkg, &rec);
    assert_int_equal(rec.sheet_count, 1);
    assert_string_equal(rec.sheet_names[0], "Strict");
    check_cell(&rec, 0, "A1", KY_CELL_NUMBER, "1");
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "厳格");
    recorder_free(&rec);
    free(pkg.data);
}

/* Entry names stored with backslashes (xl\workbook.xml) are found. */
static void test_xlsx_package__backslash_names(void **state)
{
    (void)state;
    const part parts[] = {
        {"[Content_Types].xml", CONTENT_TYPES},
        {"_rels\\.rels", ROOT_RELS},
        {"xl\\workbook.xml", ONE_SHEET_WORKBOOK},
        {"xl\\_rels\\workbook.xml.rels", ONE_SHEET_RELS},
        {"xl\\worksheets\\sheet1.xml",
         SML_OPEN "<sheetData><row r=\"1\"><c r=\"A1\"><v>7</v></c></row></sheetData></worksheet>"},
    };
    package pkg = build_package(parts, sizeof parts / sizeof parts[0]);
    recorder rec;
    recorder_init(&rec);
    read_ok(&pkg, &rec);
    check_cell(&rec, 0, "A1", KY_CELL_NUMBER, "7");
    recorder_free(&rec);
    free(pkg.data);
}

/* Chart sheets keep their place; hidden and very hidden sheets are reported as such. */
static void test_xlsx_package__sheet_kinds(void **state)
{
    (void)state;
    const part parts[] = {
        {"[Content_Types].xml", CONTENT_TYPES},
        {"_rels/.rels", ROOT_RELS},
        {"xl/workbook.xml",
         "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
         "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
         "<sheets><sheet name=\"一覧\" sheetId=\"1\" r:id=\"rId1\"/>"
         "<sheet name=\"グラフ\" sheetId=\"2\" r:id=\"rId2\"/>"
         "<sheet name=\"隠し\" sheetId=\"3\" state=\"hidden\" r:id=\"rId3\"/>"
         "<sheet name=\"VeryHidden\" sheetId=\"4\" state=\"veryHidden\" r:id=\"rId4\"/>"
         "</sheets></workbook>"},
        {"xl/_rels/workbook.xml.rels",
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
         "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
         "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
         "relationships/chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
         "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
         "relationships/worksheet\" Target=\"./worksheets/../worksheets/sheet2.xml\"/>"
         "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
         "relationships/worksheet\" Target=\"worksheets/sheet3.xml\"/></Relationships>"},
        {"xl/worksheets/sheet1.xml",
         SML_OPEN "<sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData></worksheet>"},
        {"xl/chartsheets/sheet1.xml",
         "<chartsheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"/>"},
        {"xl/worksheets/sheet2.xml",
         SML_OPEN "<sheetData><row r=\"1\"><c r=\"A1\"><v>2</v></c></row></sheetData></worksheet>"},
        {"xl/worksheets/sheet3.xml",
         SML_OPEN "<sheetData><row r=\"1\"><c r=\"A1\"><v>3</v></c></row></sheetData></worksheet>"},
    };
    package pkg = build_package(parts, sizeof parts / sizeof parts[0]);
    recorder rec;
    recorder_init(&rec);
    read_ok(&pkg, &rec);

    assert_int_equal(rec.sheet_count, 4);
    assert_int_equal(rec.sheet_ends, 4);
    assert_string_equal(rec.sheet_names[1], "グラフ");
    assert_int_equal(rec.sheet_index[3], 3);
    assert_int_equal(rec.visibility[0], KY_SHEET_VISIBLE);
    assert_int_equal(rec.visibility[2], KY_SHEET_HIDDEN);
    assert_int_equal(rec.visibility[3], KY_SHEET_VERY_HIDDEN);
    check_cell(&rec, 0, "A1", KY_CELL_NUMBER, "1");
    check_cell(&rec, 2, "A1", KY_CELL_NUMBER, "2");
    check_cell(&rec, 3, "A1", KY_CELL_NUMBER, "3");
    assert_int_equal(rec.cell_count, 3);
    assert_non_null(strstr(rec.diags.data, "xlsx.chartsheet"));
    recorder_free(&rec);
    free(pkg.data);
}

/* A sink can skip a sheet (sheet_end still comes) or stop the whole read. */
static void test_xlsx_package__sink_skip_and_stop(void **state)
{
    (void)state;
    package pkg = build_one_sheet(SML_OPEN "<sheetData>"
                                  "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
                                  "<row r=\"2\"><c r=\"A1\"><v>2</v></c></row>"
                                  "</sheetData></worksheet>",
                                  NULL, 0);
    recorder rec;
    recorder_init(&rec);
    rec.skip_sheet = 0;
    read_ok(&pkg, &rec);
    assert_int_equal(rec.cell_count, 0);
    assert_int_equal(rec.sheet_ends, 1);
    recorder_free(&rec);

    recorder_init(&rec);
    rec.stop_after_rows = 1;
    read_ok(&pkg, &rec);
    assert_int_equal(rec.cell_count, 1);
    assert_int_equal(rec.sheet_ends, 0);
    recorder_free(&rec);
    free(pkg.data);
}

/* Worksheet elements with an x: prefix and cells of a merged range. */
static void test_xlsx_package__prefixes_and_merges(void **state)
{
    (void)state;
    recorder rec;
    read_one_sheet(&rec,
                   "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                   "<x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>結合</x:t>"
                   "</x:is></x:c></x:row></x:sheetData>"
                   "<x:mergeCells count=\"2\"><x:mergeCell ref=\"A1:B2\"/>"
                   "<x:mergeCell ref=\"C5:XFD5\"/><x:mergeCell ref=\"B9:A1\"/></x:mergeCells>"
                   "</x:worksheet>",
                   NULL, 0);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "結合");
    assert_int_equal(rec.merge_count, 2);
    assert_int_equal(rec.merges[0].first_row, 0);
    assert_int_equal(rec.merges[0].first_col, 0);
    assert_int_equal(rec.merges[0].last_row, 1);
    assert_int_equal(rec.merges[0].last_col, 1);
    assert_int_equal(rec.merges[1].first_col, 2);
    assert_int_equal(rec.merges[1].last_col, 16383);
    assert_non_null(strstr(rec.diags.data, "xlsx.bad-merge"));
    recorder_free(&rec);
}

/* ------------------------------------------------------------------------ */
/* Cells                                                                      */
/* ------------------------------------------------------------------------ */

/* a wrong or missing <dimension> does not limit what is read. */
static void test_xlsx_cells__dimension_ignored(void **state)
{
    (void)state;
    static const char *const sheets[] = {
        SML_OPEN "<dimension ref=\"A1\"/><sheetData>",
        SML_OPEN "<sheetData>",
    };
    for (size_t variant = 0; variant < 2; variant++) {
        ky_buf xml = {0};
        ky_buf_puts(&xml, sheets[variant]);
        for (int r = 1; r <= 3; r++) {
            ky_buf_printf(&xml, "<row r=\"%d\">", r);
            for (int c = 0; c < 4; c++)
                ky_buf_printf(&xml, "<c r=\"%c%d\"><v>%d</v></c>", 'A' + c, r, r * 10 + c);
            ky_buf_puts(&xml, "</row>");
        }
        ky_buf_puts(&xml, "</sheetData></worksheet>");
        recorder rec;
        read_one_sheet(&rec, xml.data, NULL, 0);
        assert_int_equal(rec.cell_count, 12);
        check_cell(&rec, 0, "D3", KY_CELL_NUMBER, "33");
        recorder_free(&rec);
        ky_buf_free(&xml);
    }
}

/* Cells without r= follow the previous cell; rows without r= follow the previous row. */
static void test_xlsx_cells__without_references(void **state)
{
    (void)state;
    recorder rec;
    read_one_sheet(&rec,
                   SML_OPEN "<sheetData>"
                   "<row><c><v>1</v></c><c><v>2</v></c></row>"
                   "<row r=\"4\"><c r=\"B4\"><v>3</v></c><c><v>4</v></c></row>"
                   "<row><c r=\"A5\"><v>5</v></c></row>"
                   "<row><c r=\"C9\"><v>9</v></c></row>"
                   "</sheetData></worksheet>",
                   NULL, 0);
    check_cell(&rec, 0, "A1", KY_CELL_NUMBER, "1");
    check_cell(&rec, 0, "B1", KY_CELL_NUMBER, "2");
    check_cell(&rec, 0, "B4", KY_CELL_NUMBER, "3");
    check_cell(&rec, 0, "C4", KY_CELL_NUMBER, "4");
    check_cell(&rec, 0, "A5", KY_CELL_NUMBER, "5");
    check_cell(&rec, 0, "C9", KY_CELL_NUMBER, "9");
    recorder_free(&rec);
}

/* Cells out of column order are sorted; of duplicates the last wins, with a warning. */
static void test_xlsx_cells__out_of_order(void **state)
{
    (void)state;
    recorder rec;
    read_one_sheet(&rec,
                   SML_OPEN "<sheetData><row r=\"1\">"
                   "<c r=\"C1\" t=\"inlineStr\"><is><t>c</t></is></c>"
                   "<c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c>"
                   "<c r=\"C1\" t=\"inlineStr\"><is><t>c2</t></is></c>"
                   "</row></sheetData></worksheet>",
                   NULL, 0);
    assert_int_equal(rec.cell_count, 2);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "a");
    check_cell(&rec, 0, "C1", KY_CELL_TEXT, "c2");
    assert_non_null(strstr(rec.diags.data, "xlsx.duplicate-cell 1 3"));
    recorder_free(&rec);
}

/* Columns past XFD and rows past 1048576 are skipped with a warning. */
static void test_xlsx_cells__bounds(void **state)
{
    (void)state;
    recorder rec;
    read_one_sheet(&rec,
                   SML_OPEN "<sheetData>"
                   "<row r=\"1\"><c r=\"XFD1\"><v>1</v></c><c r=\"XFE1\"><v>2</v></c></row>"
                   "<row r=\"1048577\"><c r=\"A1048577\"><v>3</v></c></row>"
                   "<row r=\"99999999999999999999\"><c><v>4</v></c></row>"
                   "</sheetData></worksheet>",
                   NULL, 0);
    check_cell(&rec, 0, "XFD1", KY_CELL_NUMBER, "1");
    assert_non_null(strstr(rec.diags.data, "xlsx.column-out-of-range"));
    assert_non_null(strstr(rec.diags.data, "xlsx.row-out-of-range"));
    for (size_t i = 0; i < rec.cell_count; i++)
        assert_true(rec.cells[i].row <= 1048575 && rec.cells[i].col <= 16383);
    recorder_free(&rec);
}

/* a formula without a cached value is empty, flagged, and named in one warning. */
static void test_xlsx_cells__formula_without_value(void **state)
{
    (void)state;
    recorder rec;
    read_one_sheet(&rec,
                   SML_OPEN "<sheetData><row r=\"6\">"
                   "<c r=\"A6\"><f>SUM(A1:A5)</f></c>"
                   "<c r=\"B6\" t=\"str\"><f>[1]外部!$A$1</f><v/></c>"
                   "<c r=\"C6\"><f>1+1</f><v>2</v></c>"
                   "<c r=\"D6\" s=\"0\"/>"
                   "</row></sheetData></worksheet>",
                   NULL, 0);
    const recorded_cell *a6 = find_cell(&rec, 0, "A6");
    assert_non_null(a6);
    assert_int_equal(a6->type, KY_CELL_EMPTY);
    assert_int_equal(a6->flags, KY_CELL_FORMULA | KY_CELL_NO_CACHED);
    check_cell(&rec, 0, "B6", KY_CELL_TEXT, "");
    assert_int_equal(find_cell(&rec, 0, "B6")->flags, KY_CELL_FORMULA);
    check_cell(&rec, 0, "C6", KY_CELL_NUMBER, "2");
    assert_int_equal(find_cell(&rec, 0, "C6")->flags, KY_CELL_FORMULA);
    assert_null(find_cell(&rec, 0, "D6"));

    /* Exactly one warning, located at A6 (row 6, column 1). The location names
       the cell, so the message does not repeat it. */
    const char *first = strstr(rec.diags.data,
                               "xlsx.formula-no-value 6 1 formula with no cached result");
    assert_non_null(first);
    assert_null(strstr(rec.diags.data, "A6"));
    assert_null(strstr(first + 1, "xlsx.formula-no-value"));
    recorder_free(&rec);
}

/* Booleans, errors, ISO dates (t="d"), numbers, and values that do not convert. */
static void test_xlsx_cells__value_types(void **state)
{
    (void)state;
    recorder rec;
    read_one_sheet(&rec,
                   SML_OPEN "<sheetData><row r=\"1\">"
                   "<c r=\"A1\" t=\"b\"><v>1</v></c>"
                   "<c r=\"B1\" t=\"b\"><v>0</v></c>"
                   "<c r=\"C1\" t=\"e\"><v>#N/A</v></c>"
                   "<c r=\"D1\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
                   "<c r=\"E1\" t=\"d\"><v>2024-04-01</v></c>"
                   "<c r=\"F1\" t=\"d\"><v>2021-01-01T10:10:10</v></c>"
                   "<c r=\"G1\" t=\"d\"><v>10:10:10</v></c>"
                   "<c r=\"H1\"><v>-1.5E-3</v></c>"
                   "<c r=\"I1\" t=\"n\"><v>abc</v></c>"
                   "<c r=\"J1\" t=\"d\"><v>2024-02-30</v></c>"
                   "<c r=\"K1\" t=\"b\"><v>yes</v></c>"
                   "</row></sheetData></worksheet>",
                   NULL, 0);
    check_cell(&rec, 0, "A1", KY_CELL_BOOL, "TRUE");
    check_cell(&rec, 0, "B1", KY_CELL_BOOL, "FALSE");
    check_cell(&rec, 0, "C1", KY_CELL_ERROR, "#N/A");
    check_cell(&rec, 0, "D1", KY_CELL_ERROR, "#DIV/0!");
    check_cell(&rec, 0, "E1", KY_CELL_DATE, "2024-04-01");
    assert_int_equal(find_cell(&rec, 0, "E1")->date_kind, KY_DATE_DATE);
    check_cell(&rec, 0, "F1", KY_CELL_DATE, "2021-01-01T10:10:10");
    assert_int_equal(find_cell(&rec, 0, "F1")->date_kind, KY_DATE_DATETIME);
    check_cell(&rec, 0, "G1", KY_CELL_DATE, "10:10:10");
    assert_int_equal(find_cell(&rec, 0, "G1")->date_kind, KY_DATE_TIME);
    check_cell(&rec, 0, "H1", KY_CELL_NUMBER, "-0.0015");
    check_cell(&rec, 0, "I1", KY_CELL_TEXT, "abc");
    check_cell(&rec, 0, "J1", KY_CELL_TEXT, "2024-02-30");
    check_cell(&rec, 0, "K1", KY_CELL_TEXT, "yes");
    assert_non_null(strstr(rec.diags.data, "xlsx.bad-number 1 9"));
    assert_non_null(strstr(rec.diags.data, "xlsx.bad-date 1 10"));
    assert_non_null(strstr(rec.diags.data, "xlsx.bad-boolean 1 11"));
    recorder_free(&rec);
}

/* Styles for the date tests: xf 1 = id 55, 2 = era code, 3 = id 14, 4 = [h]:mm:ss,
 * 5 = h:mm, 6 = yyyy-mm-dd hh:mm, 7 = 0.00 (not a date). */
static const char DATE_STYLES[] =
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<numFmts count=\"3\"><numFmt numFmtId=\"176\" "
    "formatCode=\"[$-ja-JP]ggge&quot;年&quot;m&quot;月&quot;d&quot;日&quot;;@\"/>"
    "<numFmt numFmtId=\"177\" formatCode=\"[hh]:mm:ss\"/>"
    "<numFmt numFmtId=\"178\" formatCode=\"yyyy\\-mm\\-dd hh:mm\"/></numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"8\"><xf numFmtId=\"0\"/><xf numFmtId=\"55\"/><xf numFmtId=\"176\"/>"
    "<xf numFmtId=\"14\"/><xf numFmtId=\"177\"/><xf numFmtId=\"20\"/><xf numFmtId=\"178\"/>"
    "<xf numFmtId=\"2\"/></cellXfs></styleSheet>";

/* Japanese built-in ids and era codes are dates; durations stay numbers. */
static void test_xlsx_cells__date_formats(void **state)
{
    (void)state;
    const part extra[] = {{"xl/styles.xml", DATE_STYLES}};
    recorder rec;
    read_one_sheet(&rec,
                   SML_OPEN "<sheetData><row r=\"1\">"
                   "<c r=\"A1\" s=\"1\"><v>45383</v></c>"
                   "<c r=\"B1\" s=\"2\"><v>44259</v></c>"
                   "<c r=\"C1\" s=\"3\"><v>45383</v></c>"
                   "<c r=\"D1\" s=\"4\"><v>10.6320601851852</v></c>"
                   "<c r=\"E1\" s=\"5\"><v>0.5</v></c>"
                   "<c r=\"F1\" s=\"6\"><v>45383.75</v></c>"
                   "<c r=\"G1\" s=\"7\"><v>45383</v></c>"
                   "<c r=\"H1\" s=\"99\"><v>45383</v></c>"
                   "</row></sheetData></worksheet>",
                   extra, 1);
    check_cell(&rec, 0, "A1", KY_CELL_DATE, "2024-04-01");
    check_cell(&rec, 0, "B1", KY_CELL_DATE, "2021-03-04");
    check_cell(&rec, 0, "C1", KY_CELL_DATE, "2024-04-01");
    check_cell(&rec, 0, "D1", KY_CELL_NUMBER, "10.6320601851852");
    check_cell(&rec, 0, "E1", KY_CELL_DATE, "12:00:00");
    assert_int_equal(find_cell(&rec, 0, "E1")->date_kind, KY_DATE_TIME);
    check_cell(&rec, 0, "F1", KY_CELL_DATE, "2024-04-01T18:00:00");
    check_cell(&rec, 0, "G1", KY_CELL_NUMBER, "45383");
    check_cell(&rec, 0, "H1", KY_CELL_NUMBER, "45383");
    recorder_free(&rec);
}

/* serials of a 1904 workbook shift by 1462 days; durations and times do not. */
static void test_xlsx_cells__date1904(void **state)
{
    (void)state;
    const part extra[] = {
        {"xl/styles.xml", DATE_STYLES},
        {"xl/workbook.xml",
         "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
         "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
         "<workbookPr date1904=\"1\"/>"
         "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
    };
    recorder rec;
    read_one_sheet(&rec,
                   SML_OPEN "<sheetData><row r=\"1\">"
                   "<c r=\"A1\" s=\"3\"><v>43921</v></c>"
                   "<c r=\"B1\" s=\"4\"><v>10.6320601851852</v></c>"
                   "<c r=\"C1\" s=\"5\"><v>0.25</v></c>"
                   "<c r=\"D1\" t=\"d\"><v>2024-04-01</v></c>"
                   "<c r=\"E1\"><v>43921</v></c>"
                   "</row></sheetData></worksheet>",
                   extra, 2);
    check_cell(&rec, 0, "A1", KY_CELL_DATE, "2024-04-01");
    check_cell(&rec, 0, "B1", KY_CELL_NUMBER, "10.6320601851852");
    check_cell(&rec, 0, "C1", KY_CELL_DATE, "06:00:00");
    check_cell(&rec, 0, "D1", KY_CELL_DATE, "2024-04-01");
    check_cell(&rec, 0, "E1", KY_CELL_NUMBER, "43921");
    recorder_free(&rec);
}

/* ------------------------------------------------------------------------ */
/* Failures and security                                                      */
/* ------------------------------------------------------------------------ */

/* The file of the error that read_fails() saw last, because messages do not repeat it. */
static char failed_file[256];

/* Read a package expecting failure; returns the error message (static copy). */
static const char *read_fails(const package *pkg, const ky_read_options *options, int expected)
{
    static char message[1024];
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx = ky_ctx_new();
    assert_non_null(ctx);
    int status = read_package_with(pkg, &rec, ctx, options);
    assert_int_equal(status, expected);
    const ky_error *error = ky_error_last(ctx);
    assert_non_null(error);
    assert_int_equal(error->code, expected);
    snprintf(message, sizeof message, "%s", error->message);
    snprintf(failed_file, sizeof failed_file, "%s", error->loc.file ? error->loc.file : "");

    /* Nothing a rejected part held may reach the sink. */
    for (size_t i = 0; i < rec.cell_count; i++)
        assert_null(strstr(rec.cells[i].text, "root:"));
    recorder_free(&rec);
    ky_ctx_free(ctx);
    return message;
}

/* a DOCTYPE with an external entity is rejected and nothing is read from it. */
static void test_xlsx_security__doctype_rejected(void **state)
{
    (void)state;
    const part extra[] = {{"xl/sharedStrings.xml",
        "<?xml version=\"1.0\"?>"
        "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
        SST_OPEN "<si><t>&e;</t></si></sst>"}};
    package pkg = build_one_sheet(SML_OPEN "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v>"
                                  "</c></row></sheetData></worksheet>",
                                  extra, 1);
    const char *message = read_fails(&pkg, NULL, KY_EPARSE);
    assert_non_null(strstr(message, "DOCTYPE not allowed in package part xl/sharedStrings.xml"));
    free(pkg.data);

    /* The same in a worksheet, with an internal entity. */
    pkg = build_one_sheet("<!DOCTYPE w [<!ENTITY a \"aaaaaaaa\">]>" SML_OPEN
                          "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&a;</t></is>"
                          "</c></row></sheetData></worksheet>",
                          NULL, 0);
    message = read_fails(&pkg, NULL, KY_EPARSE);
    assert_non_null(strstr(message, "DOCTYPE not allowed"));
    free(pkg.data);
}

/* Malformed XML in a part is a parse error naming the part. */
static void test_xlsx_security__malformed_xml(void **state)
{
    (void)state;
    package pkg = build_one_sheet(SML_OPEN "<sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></row>",
                                  NULL, 0);
    const char *message = read_fails(&pkg, NULL, KY_EPARSE);
    assert_non_null(strstr(message, "xl/worksheets/sheet1.xml"));
    free(pkg.data);
}

/* A worksheet of `rows` identical rows, which deflates to almost nothing. */
static char *big_sheet(size_t rows)
{
    ky_buf xml = {0};
    ky_buf_puts(&xml, SML_OPEN "<sheetData>");
    for (size_t r = 1; r <= rows; r++)
        ky_buf_puts(&xml, "<row><c><v>1</v></c></row>");
    ky_buf_puts(&xml, "</sheetData></worksheet>");
    return ky_buf_take(&xml);
}

/* Find the n-th occurrence (0-based) of a 4-byte signature in the package. */
static unsigned char *find_signature(const package *pkg, const char *signature, int n)
{
    for (size_t i = 0; i + 4 <= pkg->size; i++)
        if (memcmp(pkg->data + i, signature, 4) == 0 && n-- == 0)
            return pkg->data + i;
    return NULL;
}

/* Store a 32-bit little-endian value. */
static void put_le32(unsigned char *p, uint32_t value)
{
    p[0] = (unsigned char)value;
    p[1] = (unsigned char)(value >> 8);
    p[2] = (unsigned char)(value >> 16);
    p[3] = (unsigned char)(value >> 24);
}

/* inflating past the per-entry or total limit stops the read with KY_ELIMIT. */
static void test_xlsx_security__zip_limits(void **state)
{
    (void)state;
    char *sheet = big_sheet(40000); /* about 1 MB inflated */
    package pkg = build_one_sheet(sheet, NULL, 0);
    assert_true(pkg.size < 16 * 1024);

    ky_read_options options;
    ky_read_options_init(&options);
    options.max_entry_size = 64 * 1024;
    const char *message = read_fails(&pkg, &options, KY_ELIMIT);
    assert_non_null(strstr(message, "xl/worksheets/sheet1.xml"));
    assert_non_null(strstr(message, "65536"));

    ky_read_options_init(&options);
    options.max_total_size = 128 * 1024;
    message = read_fails(&pkg, &options, KY_ELIMIT);
    assert_non_null(strstr(message, "131072"));

    /* The same limits, read through ky_zip directly with the header claiming 100 bytes:
     * the running count still stops it. The sheet is the last entry added. */
    unsigned char *local = NULL, *central = NULL;
    for (int n = 0; (local = find_signature(&pkg, "PK\x03\x04", n)) != NULL; n++)
        if (memcmp(local + 30, "xl/worksheets/sheet1.xml", 24) == 0)
            break;
    for (int n = 0; (central = find_signature(&pkg, "PK\x01\x02", n)) != NULL; n++)
        if (memcmp(central + 46, "xl/worksheets/sheet1.xml", 24) == 0)
            break;
    assert_non_null(local);
    assert_non_null(central);
    put_le32(local + 22, 100);
    put_le32(central + 24, 100);

    ky_read_options_init(&options);
    options.max_entry_size = 64 * 1024;
    ky_ctx *ctx = ky_ctx_new();
    ky_source source = {.path = "understated.xlsx", .data = pkg.data, .size = pkg.size};
    ky_zip *zip = NULL;
    assert_int_equal(ky_zip_open(ctx, &source, &options, &zip), 0);
    ky_zip_stream *stream = NULL;
    assert_int_equal(ky_zip_stream_open(zip, ky_zip_find(zip, "xl/worksheets/sheet1.xml"), &stream),
                     0);
    char buffer[4096];
    int64_t n;
    uint64_t total = 0;
    while ((n = ky_zip_stream_read(stream, buffer, sizeof buffer)) > 0)
        total += (uint64_t)n;
    /* The running count stops it although the header promised 100 bytes. */
    assert_int_equal(n, KY_ELIMIT);
    assert_true(total <= 64 * 1024 + sizeof buffer);
    ky_zip_stream_close(stream);
    ky_zip_close(zip);
    ky_ctx_free(ctx);

    free(pkg.data);
    free(sheet);
}

/*
 * A worksheet whose zip headers claim 100 bytes but which inflates to about
 * 1 MB still stops the plugin's read at the per-entry limit.
 */
static void test_xlsx_security__understated_entry_size(void **state)
{
    (void)state;
    char *sheet = big_sheet(40000);
    package pkg = build_one_sheet(sheet, NULL, 0);
    unsigned char *local = NULL, *central = NULL;
    for (int n = 0; (local = find_signature(&pkg, "PK\x03\x04", n)) != NULL; n++)
        if (memcmp(local + 30, "xl/worksheets/sheet1.xml", 24) == 0)
            break;
    for (int n = 0; (central = find_signature(&pkg, "PK\x01\x02", n)) != NULL; n++)
        if (memcmp(central + 46, "xl/worksheets/sheet1.xml", 24) == 0)
            break;
    assert_non_null(local);
    assert_non_null(central);
    put_le32(local + 22, 100);
    put_le32(central + 24, 100);

    ky_read_options options;
    ky_read_options_init(&options);
    options.max_entry_size = 64 * 1024;
    const char *message = read_fails(&pkg, &options, KY_ELIMIT);
    assert_non_null(strstr(message, "xl/worksheets/sheet1.xml"));
    assert_non_null(strstr(message, "65536"));

    free(pkg.data);
    free(sheet);
}

/* An OLE2 file (an encrypted workbook) is reported as password-protected. */
static void test_xlsx_security__encrypted_workbook(void **state)
{
    (void)state;
    unsigned char ole2[512] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    package pkg = {.data = ole2, .size = sizeof ole2};
    const char *message = read_fails(&pkg, NULL, KY_EUNSUPPORTED);
    assert_non_null(strstr(message, "password-protected"));
    assert_string_equal(failed_file, "test.xlsx");
    assert_null(strstr(message, "test.xlsx"));

    ky_probe_info info = {.path = "secret.xlsx", .extension = "xlsx", .head = ole2,
                          .head_len = sizeof ole2};
    assert_int_equal(xlsx->probe(&info), 40);
    info.extension = "xls";
    assert_int_equal(xlsx->probe(&info), 0);
}

/*
 * A truncated package, or one that is no zip at all, is a parse error located
 * at the file, in kyokun's own words rather than libzip's English text.
 */
static void test_xlsx_security__not_a_zip(void **state)
{
    (void)state;
    unsigned char text[] = "件名,件数\r\n障害,3\r\n";
    package pkg = {.data = text, .size = sizeof text - 1};
    const char *message = read_fails(&pkg, NULL, KY_EPARSE);
    assert_string_equal(failed_file, "test.xlsx");
    assert_string_equal(message, "not a zip file (it may be truncated or not a workbook)");

    package whole = build_one_sheet(SML_OPEN "<sheetData/></worksheet>", NULL, 0);
    package truncated = {.data = whole.data, .size = whole.size / 2};
    message = read_fails(&truncated, NULL, KY_EPARSE);
    assert_string_equal(failed_file, "test.xlsx");
    assert_string_equal(message, "not a zip file (it may be truncated or not a workbook)");
    free(whole.data);
}

/* Probe scores: an xlsx package by content, not by extension. */
static void test_xlsx_probe__scores(void **state)
{
    (void)state;
    static const unsigned char zip_head[] = {'P', 'K', 3, 4, 20, 0};
    const char *const xlsx_names[] = {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"};
    const char *const ods_names[] = {"mimetype", "content.xml"};
    ky_probe_info info = {.path = "a.xls", .extension = "xls", .head = zip_head,
                          .head_len = sizeof zip_head, .zip_names = xlsx_names, .zip_count = 3};
    assert_int_equal(xlsx->probe(&info), 95);
    info.zip_names = ods_names;
    info.zip_count = 2;
    info.extension = "ods";
    assert_int_equal(xlsx->probe(&info), 0);
    static const unsigned char csv[] = "a,b\n1,2\n";
    ky_probe_info text = {.path = "a.xlsx", .extension = "xlsx", .head = csv,
                          .head_len = sizeof csv - 1};
    assert_int_equal(xlsx->probe(&text), 0);

    /* A real package's head, without an entry list. */
    package pkg = build_one_sheet(SML_OPEN "<sheetData/></worksheet>", NULL, 0);
    ky_probe_info head = {.path = "a.bin", .extension = "bin", .head = pkg.data,
                          .head_len = pkg.size};
    assert_int_equal(xlsx->probe(&head), 95);
    free(pkg.data);
}

/* The same package read from a path gives the same cells as from memory. */
static void test_xlsx_package__read_from_path(void **state)
{
    (void)state;
    package pkg = build_one_sheet(SML_OPEN "<sheetData><row r=\"2\"><c r=\"B2\"><v>42</v></c>"
                                  "</row></sheetData></worksheet>",
                                  NULL, 0);
    char path[] = "/tmp/ky-test-xlsx-path-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, pkg.data, pkg.size), (ssize_t)pkg.size);
    close(fd);

    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx = ky_ctx_new();
    ky_ctx_set_handler(ctx, record_diag, KY_SEV_DEBUG, &rec);
    ky_read_options options;
    ky_read_options_init(&options);
    ky_source source = {.path = path};
    assert_int_equal(xlsx->read(ctx, &source, &options, &RECORDING_SINK, &rec), 0);
    check_cell(&rec, 0, "B2", KY_CELL_NUMBER, "42");
    recorder_free(&rec);

    /* A missing file is an I/O error located at it. */
    unlink(path);
    recorder_init(&rec);
    assert_int_equal(xlsx->read(ctx, &source, &options, &RECORDING_SINK, &rec), KY_EIO);
    assert_string_equal(ky_error_last(ctx)->loc.file, path);
    assert_non_null(strstr(ky_error_last(ctx)->message, "cannot open the file: "));
    assert_null(strstr(ky_error_last(ctx)->message, path));
    recorder_free(&rec);
    ky_ctx_free(ctx);
    free(pkg.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xlsx_strings__phonetic_runs_dropped),
        cmocka_unit_test(test_xlsx_strings__one_entry_per_si),
        cmocka_unit_test(test_xlsx_strings__spilled_table_same_values),
        cmocka_unit_test(test_xlsx_strings__inline_without_sst),
        cmocka_unit_test(test_xlsx_strings__escapes_decoded),
        cmocka_unit_test(test_xlsx_package__strict_namespaces),
        cmocka_unit_test(test_xlsx_package__backslash_names),
        cmocka_unit_test(test_xlsx_package__sheet_kinds),
        cmocka_unit_test(test_xlsx_package__sink_skip_and_stop),
        cmocka_unit_test(test_xlsx_package__prefixes_and_merges),
        cmocka_unit_test(test_xlsx_package__read_from_path),
        cmocka_unit_test(test_xlsx_cells__dimension_ignored),
        cmocka_unit_test(test_xlsx_cells__without_references),
        cmocka_unit_test(test_xlsx_cells__out_of_order),
        cmocka_unit_test(test_xlsx_cells__bounds),
        cmocka_unit_test(test_xlsx_cells__formula_without_value),
        cmocka_unit_test(test_xlsx_cells__value_types),
        cmocka_unit_test(test_xlsx_cells__date_formats),
        cmocka_unit_test(test_xlsx_cells__date1904),
        cmocka_unit_test(test_xlsx_security__doctype_rejected),
        cmocka_unit_test(test_xlsx_security__malformed_xml),
        cmocka_unit_test(test_xlsx_security__zip_limits),
        cmocka_unit_test(test_xlsx_security__understated_entry_size),
        cmocka_unit_test(test_xlsx_security__encrypted_workbook),
        cmocka_unit_test(test_xlsx_security__not_a_zip),
        cmocka_unit_test(test_xlsx_probe__scores),
    };
    return cmocka_run_group_tests_name("xlsx", tests, load_plugin, unload_plugin);
}
