/* SPDX-License-Identifier: MIT */
/*
 * Tests of the ODS input plugin. Each test builds a small OpenDocument
 * package with libzip (or a flat .fods document in memory), reads it through
 * the loaded plugin module into a recording sink, and checks the exact
 * cells, sheets, merges and messages.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "formats/ky_text.h"
#include "kyokun/registry.h"
#include "support/reader_test.h"

/* ------------------------------------------------------------------------ */
/* Package builder                                                            */
/* ------------------------------------------------------------------------ */

#define NAMESPACES                                                              \
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "        \
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "          \
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "            \
    "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "          \
    "xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" "         \
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "                            \
    "xmlns:calcext=\"urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0\""

/* content.xml around the tables of one office:spreadsheet. */
#define CONTENT_OPEN                                                            \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"                                \
    "<office:document-content " NAMESPACES " office:version=\"1.3\">"           \
    "<office:body><office:spreadsheet>"
#define CONTENT_CLOSE "</office:spreadsheet></office:body></office:document-content>"

/* A one-table content.xml whose table "Sheet1" contains `rows`. */
#define ONE_TABLE(rows) \
    CONTENT_OPEN "<table:table table:name=\"Sheet1\">" rows "</table:table>" CONTENT_CLOSE

/* Shorthands for cells with text. */
#define CELL(text) "<table:table-cell office:value-type=\"string\"><text:p>" text "</text:p></table:table-cell>"
#define ROW(cells) "<table:table-row>" cells "</table:table-row>"

static const char SPREADSHEET_TYPE[] = "application/vnd.oasis.opendocument.spreadsheet";

static const char MANIFEST[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
    "manifest:version=\"1.3\">"
    "<manifest:file-entry manifest:full-path=\"/\" "
    "manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>"
    "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
    "</manifest:manifest>";

/*
 * Zip an ODF package into memory: the mimetype entry first and stored, then
 * content.xml and META-INF/manifest.xml deflated. A NULL part is left out.
 */
static package build_package(const char *media_type, const char *content, const char *manifest)
{
    const zip_part parts[] = {
        {"mimetype", media_type, true},
        {"content.xml", content, false},
        {"META-INF/manifest.xml", manifest, false},
    };
    return build_zip(parts, 3);
}

/* A spreadsheet package with this content.xml. */
static package build_ods(const char *content)
{
    return build_package(SPREADSHEET_TYPE, content, MANIFEST);
}

/* ------------------------------------------------------------------------ */
/* Plugin access                                                              */
/* ------------------------------------------------------------------------ */

static ky_registry *registry;
static const ky_plugin *ods;

static int load_plugin(void **state)
{
    (void)state;
    ods = load_input_plugin(&registry, "ods");
    return ods ? 0 : -1;
}

static int unload_plugin(void **state)
{
    (void)state;
    ky_registry_free(registry);
    return 0;
}

/* Read bytes in memory named `path` with the given options (NULL = defaults); returns the status. */
static int read_bytes(const char *path, const unsigned char *data, size_t size, recorder *rec,
                      ky_ctx *ctx, const ky_read_options *options)
{
    ky_source source = {.path = path, .data = data, .size = size};
    ky_read_options defaults;
    ky_read_options_init(&defaults);
    ky_ctx_set_handler(ctx, record_diag, KY_SEV_DEBUG, rec);
    return ods->read(ctx, &source, options ? options : &defaults, &RECORDING_SINK, rec);
}

/* Read bytes expecting success and well-ordered rows and cells. */
static void read_bytes_ok(const char *path, const unsigned char *data, size_t size, recorder *rec)
{
    ky_ctx *ctx = ky_ctx_new();
    assert_non_null(ctx);
    int status = read_bytes(path, data, size, rec, ctx, NULL);
    if (status != 0)
        fail_msg("read failed (%d): %s", status, ky_error_last(ctx)->message);
    assert_true(rec->row_order_ok);
    assert_true(rec->col_order_ok);
    assert_false(rec->empty_cell_seen);
    ky_ctx_free(ctx);
}

/* Zip a content.xml into a package and read it, expecting success. */
static void read_content(recorder *rec, const char *content)
{
    package pkg = build_ods(content);
    recorder_init(rec);
    read_bytes_ok("test.ods", pkg.data, pkg.size, rec);
    free(pkg.data);
}

/* The file of the error that read_fails() saw last, because messages do not repeat it. */
static char failed_file[256];

/* Read a package expecting status `expected`; returns a copy of the error message (caller frees). */
static char *read_fails(const char *path, const unsigned char *data, size_t size,
                        const ky_read_options *options, int expected)
{
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx = ky_ctx_new();
    assert_non_null(ctx);
    assert_int_equal(read_bytes(path, data, size, &rec, ctx, options), expected);
    const ky_error *error = ky_error_last(ctx);
    assert_non_null(error);
    char *message = ky_strdup(error->message);
    snprintf(failed_file, sizeof failed_file, "%s", error->loc.file ? error->loc.file : "");
    recorder_free(&rec);
    ky_ctx_free(ctx);
    return message;
}

/* ------------------------------------------------------------------------ */
/* Cell text                                                                  */
/* ------------------------------------------------------------------------ */

/* text:s gives its text:c spaces, also inside text:span and text:a, and at the start. */
static void test_ods_text__spaces(void **state)
{
    (void)state;
    recorder rec;
    read_content(&rec, ONE_TABLE(ROW(
        CELL("[ <text:s text:c=\"2\"/>]")
        CELL("<text:span>X<text:s/></text:span>Y")
        CELL("<text:s/>先頭")
        CELL("<text:a xlink:href=\"x\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">a<text:s "
             "text:c=\"3\"/>b</text:a>")
        CELL("<text:s text:c=\"0\"/>x<text:s text:c=\"abc\"/>y"))));
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "[   ]");
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "X Y");
    check_cell(&rec, 0, "C1", KY_CELL_TEXT, " 先頭");
    check_cell(&rec, 0, "D1", KY_CELL_TEXT, "a   b");
    /* Invalid counts give one space, as the default does. */
    check_cell(&rec, 0, "E1", KY_CELL_TEXT, " x y");
    recorder_free(&rec);
}

/* text:s spaces beyond 16,777,216 in one row are left out, with one warning. */
static void test_ods_text__too_many_spaces(void **state)
{
    (void)state;
    recorder rec;
    read_content(&rec, ONE_TABLE(ROW(
        CELL("a")
        CELL("<text:s text:c=\"16777210\"/>")
        CELL("<text:s text:c=\"10\"/>b<text:s text:c=\"10\"/>"))));
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "a");
    const recorded_cell *spaces = find_cell(&rec, 0, "B1");
    assert_non_null(spaces);
    assert_int_equal(strlen(spaces->text), 16777210);
    /* C1 gets the 6 spaces left under the limit, and its second text:s none. */
    const recorded_cell *cell = find_cell(&rec, 0, "C1");
    assert_non_null(cell);
    assert_string_equal(cell->text, "      b");

    /* One warning, located at C1 (row 1, column 3). The location names the
       cell, so the message does not repeat it. */
    const char *first = strstr(rec.diags.data,
                               "ods.too-many-spaces 1 3 text:s elements add more than "
                               "16777216 spaces to the row; the rest are left out\n");
    assert_non_null(first);
    assert_null(strstr(first + 1, "ods.too-many-spaces"));
    assert_null(strstr(rec.diags.data, "C1"));
    recorder_free(&rec);
}

/* Paragraphs join with LF; text:line-break and text:tab give LF and TAB. */
static void test_ods_text__line_breaks(void **state)
{
    (void)state;
    recorder rec;
    read_content(&rec, ONE_TABLE(ROW(
        "<table:table-cell office:value-type=\"string\">"
        "<text:p>1行目</text:p><text:p>2行目</text:p></table:table-cell>"
        CELL("a<text:line-break/>b<text:tab/>c")
        "<table:table-cell office:value-type=\"string\">"
        "<text:p/><text:h>見出し</text:h><text:list><text:list-item><text:p>項目</text:p>"
        "</text:list-item></text:list></table:table-cell>")));
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "1行目\n2行目");
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "a\nb\tc");
    check_cell(&rec, 0, "C1", KY_CELL_TEXT, "\n見出し\n項目");
    recorder_free(&rec);
}

/* Raw white space in a paragraph collapses to one space, and leading raw white space is dropped. */
static void test_ods_text__white_space_collapsed(void **state)
{
    (void)state;
    recorder rec;
    read_content(&rec, ONE_TABLE(ROW(
        CELL("\n   障害 \t\n  対応 ")
        CELL("a <text:span> b</text:span>")
        CELL("a<text:s/> b"))));
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "障害 対応 ");
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "a b");
    /* A raw space after text:s is kept: text:s is not white space of the source. */
    check_cell(&rec, 0, "C1", KY_CELL_TEXT, "a  b");
    recorder_free(&rec);
}

/* Annotations (comments), drawings and ruby readings are not part of the value. */
static void test_ods_text__annotations_left_out(void **state)
{
    (void)state;
    recorder rec;
    read_content(&rec, ONE_TABLE(ROW(
        "<table:table-cell office:value-type=\"string\">"
        "<office:annotation><dc:creator>山田</dc:creator><text:p>要確認</text:p></office:annotation>"
        "<text:p>本文</text:p></table:table-cell>"
        "<table:table-cell office:value-type=\"float\" office:value=\"3\">"
        "<office:annotation><text:p>note</text:p></office:annotation><text:p>3</text:p>"
        "</table:table-cell>"
        "<table:table-cell><office:annotation><text:p>only a comment</text:p>"
        "</office:annotation></table:table-cell>"
        CELL("前<draw:frame><draw:text-box><text:p>図</text:p></draw:text-box></draw:frame>後")
        CELL("<text:ruby><text:ruby-base>漢字</text:ruby-base>"
             "<text:ruby-text>かんじ</text:ruby-text></text:ruby>"))));
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "本文");
    check_cell(&rec, 0, "B1", KY_CELL_NUMBER, "3");
    /* A cell with only a comment has no value. */
    assert_null(find_cell(&rec, 0, "C1"));
    check_cell(&rec, 0, "D1", KY_CELL_TEXT, "前後");
    check_cell(&rec, 0, "E1", KY_CELL_TEXT, "漢字");
    recorder_free(&rec);
}

/* ------------------------------------------------------------------------ */
/* Repeats, covered cells and merges                                          */
/* ------------------------------------------------------------------------ */

/* Trailing repeats of 16,384 columns and 1,048,576 rows cost nothing; interior empty rows stay. */
static void test_ods_repeat__huge_trailing_repeats(void **state)
{
    (void)state;
#define DATA_ROW(a, b, c) \
    ROW(CELL(a) CELL(b) CELL(c) "<table:table-cell table:number-columns-repeated=\"16381\"/>")
    recorder rec;
    clock_t start = clock();
    read_content(&rec, ONE_TABLE(
        DATA_ROW("a1", "b1", "c1")
        "<table:table-row><table:table-cell table:number-columns-repeated=\"16384\"/>"
        "</table:table-row>"
        DATA_ROW("a3", "b3", "c3")
        DATA_ROW("a4", "b4", "c4")
        "<table:table-row table:number-rows-repeated=\"1048572\">"
        "<table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>"));
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
#undef DATA_ROW

    /* Four rows by three columns, row 2 empty: three rows delivered, nine cells. */
    assert_int_equal(rec.rows_seen, 3);
    assert_int_equal(rec.rows[0], 0);
    assert_int_equal(rec.rows[1], 2);
    assert_int_equal(rec.rows[2], 3);
    assert_int_equal(rec.cells_delivered, 9);
    check_cell(&rec, 0, "C1", KY_CELL_TEXT, "c1");
    check_cell(&rec, 0, "A3", KY_CELL_TEXT, "a3");
    check_cell(&rec, 0, "C4", KY_CELL_TEXT, "c4");
    assert_true(seconds < 1.0);
    assert_null(rec.diags.data);
    recorder_free(&rec);
}

/* Repeated cells and rows with values are delivered once per repetition. */
static void test_ods_repeat__values_repeated(void **state)
{
    (void)state;
    recorder rec;
    read_content(&rec, ONE_TABLE(
        ROW(CELL("TestA") "<table:table-cell table:number-columns-repeated=\"3\"/>"
            CELL("TestE")
            "<table:table-cell office:value-type=\"string\" table:number-columns-repeated=\"3\">"
            "<text:p>A</text:p></table:table-cell>" CELL("TestI"))
        "<table:table-row table:number-rows-repeated=\"2\">"
        "<table:table-cell office:value-type=\"float\" office:value=\"7\"/></table:table-row>"
        "<table:table-row table:number-rows-repeated=\"3\"><table:table-cell/></table:table-row>"
        ROW(CELL("end"))));
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "TestA");
    assert_null(find_cell(&rec, 0, "B1"));
    assert_null(find_cell(&rec, 0, "D1"));
    check_cell(&rec, 0, "E1", KY_CELL_TEXT, "TestE");
    check_cell(&rec, 0, "F1", KY_CELL_TEXT, "A");
    check_cell(&rec, 0, "G1", KY_CELL_TEXT, "A");
    check_cell(&rec, 0, "H1", KY_CELL_TEXT, "A");
    check_cell(&rec, 0, "I1", KY_CELL_TEXT, "TestI");
    check_cell(&rec, 0, "A2", KY_CELL_NUMBER, "7");
    check_cell(&rec, 0, "A3", KY_CELL_NUMBER, "7");
    check_cell(&rec, 0, "A7", KY_CELL_TEXT, "end");
    assert_int_equal(rec.rows_seen, 4);
    recorder_free(&rec);
}

/* Repeats are clipped at the sheet's last column and row, with a warning for lost values. */
static void test_ods_repeat__bounds(void **state)
{
    (void)state;
    recorder rec;
    read_content(&rec, ONE_TABLE(
        ROW("<table:table-cell table:number-columns-repeated=\"16383\"/>"
            "<table:table-cell office:value-type=\"string\" table:number-columns-repeated=\"5\">"
            "<text:p>x</text:p></table:table-cell>")
        "<table:table-row table:number-rows-repeated=\"1048574\"><table:table-cell/>"
        "</table:table-row>"
        "<table:table-row table:number-rows-repeated=\"4\">"
        "<table:table-cell office:value-type=\"string\"><text:p>last</text:p></table:table-cell>"
        "</table:table-row>"
        "<table:table-row table:number-rows-repeated=\"bad\"><table:table-cell/></table:table-row>"));
    check_cell(&rec, 0, "XFD1", KY_CELL_TEXT, "x");
    check_cell(&rec, 0, "A1048576", KY_CELL_TEXT, "last");
    assert_int_equal(rec.rows_seen, 2);
    assert_int_equal(rec.cells_delivered, 2);
    assert_non_null(strstr(rec.diags.data, "ods.column-out-of-range 1 0"));
    assert_non_null(strstr(rec.diags.data, "ods.row-out-of-range"));
    assert_non_null(strstr(rec.diags.data, "ods.bad-count"));
    recorder_free(&rec);
}

/* Covered cells keep their column; spans become merged ranges. */
static void test_ods_merge__covered_cells(void **state)
{
    (void)state;
    recorder rec;
    read_content(&rec, ONE_TABLE(
        ROW(CELL("One")
            "<table:table-cell office:value-type=\"string\" table:number-columns-spanned=\"2\" "
            "table:number-rows-spanned=\"2\"><text:p>Two and three</text:p></table:table-cell>"
            "<table:covered-table-cell/>" CELL("Four"))
        ROW(CELL("One")
            "<table:covered-table-cell/>"
            "<table:covered-table-cell office:value-type=\"string\"><text:p>隠れ</text:p>"
            "</table:covered-table-cell>" CELL("Four"))
        ROW("<table:covered-table-cell table:number-columns-repeated=\"2\"/>" CELL("C3"))));
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "One");
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "Two and three");
    assert_null(find_cell(&rec, 0, "C1"));
    check_cell(&rec, 0, "D1", KY_CELL_TEXT, "Four");
    assert_null(find_cell(&rec, 0, "B2"));
    check_cell(&rec, 0, "C2", KY_CELL_TEXT, "隠れ");
    check_cell(&rec, 0, "D2", KY_CELL_TEXT, "Four");
    check_cell(&rec, 0, "C3", KY_CELL_TEXT, "C3");

    assert_int_equal(rec.merge_count, 1);
    check_merge(&rec, 0, 1, 1, 2);
    recorder_free(&rec);
}

/* Spans of a repeated row give one merged range per repetition, and a 1 x 1 span gives none. */
static void test_ods_merge__repeated_spans(void **state)
{
    (void)state;
    recorder rec;
    read_content(&rec, ONE_TABLE(
        "<table:table-row table:number-rows-repeated=\"2\">"
        "<table:table-cell table:number-columns-spanned=\"3\"/></table:table-row>"
        ROW("<table:table-cell table:number-columns-spanned=\"1\" table:number-rows-spanned=\"1\">"
            "<text:p>x</text:p></table:table-cell>")));
    assert_int_equal(rec.merge_count, 2);
    check_merge(&rec, 0, 0, 0, 2);
    check_merge(&rec, 1, 0, 1, 2);
    check_cell(&rec, 0, "A3", KY_CELL_TEXT, "x");
    recorder_free(&rec);
}

/* ------------------------------------------------------------------------ */
/* Value types                                                                */
/* ------------------------------------------------------------------------ */

/* Typed attributes give the value, not the displayed text. */
static void test_ods_values__types(void **state)
{
    (void)state;
    recorder rec;
    read_content(&rec, ONE_TABLE(ROW(
        "<table:table-cell office:value-type=\"float\" office:value=\"1.2345\">"
        "<text:p>1,23</text:p></table:table-cell>"
        "<table:table-cell office:value-type=\"percentage\" office:value=\"0.25\">"
        "<text:p>25%</text:p></table:table-cell>"
        "<table:table-cell office:value-type=\"currency\" office:currency=\"JPY\" "
        "office:value=\"-1500\"><text:p>-¥1,500</text:p></table:table-cell>"
        "<table:table-cell office:value-type=\"boolean\" office:boolean-value=\"true\">"
        "<text:p>WAHR</text:p></table:table-cell>"
        "<table:table-cell office:value-type=\"boolean\" office:boolean-value=\"false\">"
        "<text:p>FALSCH</text:p></table:table-cell>"
        "<table:table-cell office:value-type=\"string\" office:string-value=\"stored\">"
        "<text:p>shown</text:p></table:table-cell>"
        "<table:table-cell><text:p>no type</text:p></table:table-cell>"
        "<table:table-cell office:value-type=\"float\" office:value=\"1e400\">"
        "<text:p>huge</text:p></table:table-cell>"
        "<table:table-cell office:value-type=\"string\"><text:p/></table:table-cell>"
        "<table:table-cell office:value-type=\"boolean\" office:boolean-value=\"maybe\">"
        "<text:p>vielleicht</text:p></table:table-cell>"
        "<table:table-cell office:value-type=\"fraction\" office:value=\"0.5\">"
        "<text:p>1/2</text:p></table:table-cell>")));
    check_cell(&rec, 0, "A1", KY_CELL_NUMBER, "1.2345");
    check_cell(&rec, 0, "B1", KY_CELL_NUMBER, "0.25");
    check_cell(&rec, 0, "C1", KY_CELL_NUMBER, "-1500");
    check_cell(&rec, 0, "D1", KY_CELL_BOOL, "TRUE");
    check_cell(&rec, 0, "E1", KY_CELL_BOOL, "FALSE");
    check_cell(&rec, 0, "F1", KY_CELL_TEXT, "stored");
    check_cell(&rec, 0, "G1", KY_CELL_TEXT, "no type");
    /* An unreadable number keeps its displayed text and warns. */
    check_cell(&rec, 0, "H1", KY_CELL_TEXT, "huge");
    assert_non_null(strstr(rec.diags.data,
                           "ods.bad-number 1 8 office:value \"1e400\" is not a number; "
                           "the displayed text is kept\n"));
    /* An empty string that no formula produced is no value. */
    assert_null(find_cell(&rec, 0, "I1"));
    /* An invalid boolean and an unknown value type also keep the displayed text. */
    check_cell(&rec, 0, "J1", KY_CELL_TEXT, "vielleicht");
    assert_non_null(strstr(rec.diags.data,
                           "ods.bad-boolean 1 10 office:boolean-value \"maybe\" is not true "
                           "or false; the displayed text is kept\n"));
    check_cell(&rec, 0, "K1", KY_CELL_TEXT, "1/2");
    assert_non_null(strstr(rec.diags.data,
                           "ods.unknown-value-type 1 11 unknown office:value-type "
                           "\"fraction\"; the displayed text is kept\n"));
    /* The location names each cell, so the messages do not repeat it. */
    assert_null(strstr(rec.diags.data, "H1"));
    assert_null(strstr(rec.diags.data, "J1"));
    assert_null(strstr(rec.diags.data, "K1"));
    recorder_free(&rec);
}

/* Dates with and without time, and durations over 24 hours, from the typed attributes. */
static void test_ods_values__dates_and_durations(void **state)
{
    (void)state;
#define DATE_CELL(value) \
    "<table:table-cell office:value-type=\"date\" office:date-value=\"" value "\"><text:p>x</text:p></table:table-cell>"
#define TIME_CELL(value) \
    "<table:table-cell office:value-type=\"time\" office:time-value=\"" value "\"><text:p>x</text:p></table:table-cell>"
    recorder rec;
    read_content(&rec, ONE_TABLE(
        ROW(DATE_CELL("2021-01-01") DATE_CELL("2015-08-17T19:20:00")
            DATE_CELL("2016-10-20T00:00:00") DATE_CELL("2021-01-01T10:10:10.5"))
        ROW(TIME_CELL("PT10H10M10S") TIME_CELL("PT10H10M10.123456S")
            TIME_CELL("PT26H33M12.13S") TIME_CELL("PT1042374H09M57.999999393S")
            TIME_CELL("P1DT2H") TIME_CELL("PT90M"))
        ROW(DATE_CELL("2021-13-01") TIME_CELL("10:10") TIME_CELL("PT") TIME_CELL("P1Y"))));
#undef DATE_CELL
#undef TIME_CELL
    check_cell(&rec, 0, "A1", KY_CELL_DATE, "2021-01-01");
    check_cell(&rec, 0, "B1", KY_CELL_DATE, "2015-08-17T19:20:00");
    check_cell(&rec, 0, "C1", KY_CELL_DATE, "2016-10-20");
    check_cell(&rec, 0, "D1", KY_CELL_DATE, "2021-01-01T10:10:10.5");
    assert_int_equal(find_cell(&rec, 0, "A1")->date_kind, KY_DATE_DATE);
    assert_int_equal(find_cell(&rec, 0, "B1")->date_kind, KY_DATE_DATETIME);

    check_cell(&rec, 0, "A2", KY_CELL_DATE, "10:10:10");
    check_cell(&rec, 0, "B2", KY_CELL_DATE, "10:10:10.123456");
    check_cell(&rec, 0, "C2", KY_CELL_DATE, "26:33:12.13");
    check_cell(&rec, 0, "D2", KY_CELL_DATE, "1042374:09:58");
    check_cell(&rec, 0, "E2", KY_CELL_DATE, "26:00:00");
    check_cell(&rec, 0, "F2", KY_CELL_DATE, "01:30:00");
    assert_int_equal(find_cell(&rec, 0, "C2")->date_kind, KY_DATE_TIME);

    /* Invalid values keep the displayed text, each with a warning. */
    check_cell(&rec, 0, "A3", KY_CELL_TEXT, "x");
    check_cell(&rec, 0, "D3", KY_CELL_TEXT, "x");
    assert_non_null(strstr(rec.diags.data,
                           "ods.bad-date 3 1 office:date-value \"2021-13-01\" is not an "
                           "ISO 8601 date; the displayed text is kept\n"));
    assert_non_null(strstr(rec.diags.data,
                           "ods.bad-time 3 2 office:time-value \"10:10\" is not an ISO 8601 "
                           "duration such as PT10H30M00S; the displayed text is kept\n"));
    assert_non_null(strstr(rec.diags.data, "ods.bad-time 3 3 office:time-value \"PT\" "));
    assert_non_null(strstr(rec.diags.data, "ods.bad-time 3 4 office:time-value \"P1Y\" "));
    /* The location names each cell, so the messages do not repeat it. */
    assert_null(strstr(rec.diags.data, "A3"));
    assert_null(strstr(rec.diags.data, "B3"));
    assert_null(strstr(rec.diags.data, "C3"));
    assert_null(strstr(rec.diags.data, "D3"));
    recorder_free(&rec);
}

/* Typed date and duration values keep their fractions in the serial, not only in the dump text. */
static void test_ods_values__duration_serials(void **state)
{
    (void)state;
    recorder rec;
    read_content(&rec, ONE_TABLE(ROW(
        "<table:table-cell office:value-type=\"time\" office:time-value=\"PT26H33M12.13S\">"
        "<text:p>26:33:12</text:p></table:table-cell>"
        "<table:table-cell office:value-type=\"date\" office:date-value=\"2015-08-17T19:20:00\">"
        "<text:p>2015-08-17 19:20</text:p></table:table-cell>"
        "<table:table-cell office:value-type=\"time\" "
        "office:time-value=\"PT1042374H09M57.999999393S\"><text:p>x</text:p></table:table-cell>")));
    static const struct {
        const char *ref;
        double serial;
    } cases[] = {
        {"A1", (26 * 3600 + 33 * 60 + 12.13) / 86400},
        {"B1", 42233 + (19 * 60 + 20) / 1440.0}, /* 2015-08-17 is serial day 42233 */
        {"C1", (1042374.0 * 3600 + 9 * 60 + 57.999999393) / 86400},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const recorded_cell *cell = find_cell(&rec, 0, cases[i].ref);
        assert_non_null(cell);
        assert_int_equal(cell->type, KY_CELL_DATE);
        if (fabs(cell->number - cases[i].serial) > 1e-9 * (1 + fabs(cases[i].serial)))
            fail_msg("%s: expected serial %.12f, got %.12f", cases[i].ref, cases[i].serial,
                     cell->number);
    }
    assert_int_equal(find_cell(&rec, 0, "A1")->date_kind, KY_DATE_TIME);
    assert_int_equal(find_cell(&rec, 0, "B1")->date_kind, KY_DATE_DATETIME);
    assert_int_equal(find_cell(&rec, 0, "C1")->date_kind, KY_DATE_TIME);
    check_cell(&rec, 0, "B1", KY_CELL_DATE, "2015-08-17T19:20:00");
    recorder_free(&rec);
}

/* Formula cells: cached values flagged, error results as errors in English. */
static void test_ods_values__formulas_and_errors(void **state)
{
    (void)state;
#define FORMULA(formula, attrs, text) \
    "<table:table-cell table:formula=\"" formula "\" " attrs "><text:p>" text "</text:p></table:table-cell>"
    recorder rec;
    read_content(&rec, ONE_TABLE(
        ROW(FORMULA("of:=1+1", "office:value-type=\"float\" office:value=\"2\"", "2")
            FORMULA("of:=&quot;a&quot;&amp;&quot;b&quot;",
                    "office:value-type=\"string\" office:string-value=\"ab\"", "ab")
            FORMULA("of:=&quot;&quot;", "office:value-type=\"string\" office:string-value=\"\"", "")
            FORMULA("of:=[.A1]+$$X", "office:value-type=\"float\" office:value=\"0\"", "0"))
        ROW(FORMULA("of:=#DIV/0!", "office:value-type=\"float\" office:value=\"0\"", "#DIV/0!")
            FORMULA("of:=#VALUE!", "office:value-type=\"float\" office:value=\"0\"", "#WERT!")
            FORMULA("of:=NA()", "office:value-type=\"float\" office:value=\"0\"", "#NV")
            FORMULA("of:=1/0", "office:value-type=\"float\" office:value=\"0\" "
                    "calcext:value-type=\"error\"", "#DIV/0!")
            FORMULA("of:=SUM(", "office:value-type=\"string\" office:string-value=\"\" "
                    "calcext:value-type=\"error\"", "Err:502")
            FORMULA("of:=&quot;#N/A&quot;", "office:value-type=\"string\" "
                    "calcext:value-type=\"string\"", "#N/A")
            "<table:table-cell office:value-type=\"string\"><text:p>#N/A</text:p>"
            "</table:table-cell>"
            FORMULA("of:=1/0", "office:value-type=\"float\" office:value=\"5\"", "#DIV/0!"))
        ROW("<table:table-cell table:formula=\"of:=A1\"/>")));
#undef FORMULA
    check_cell(&rec, 0, "A1", KY_CELL_NUMBER, "2");
    assert_true(find_cell(&rec, 0, "A1")->flags & KY_CELL_FORMULA);
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "ab");
    check_cell(&rec, 0, "C1", KY_CELL_TEXT, "");
    check_cell(&rec, 0, "D1", KY_CELL_NUMBER, "0");

    check_cell(&rec, 0, "A2", KY_CELL_ERROR, "#DIV/0!");
    check_cell(&rec, 0, "B2", KY_CELL_ERROR, "#VALUE!");
    check_cell(&rec, 0, "C2", KY_CELL_ERROR, "#N/A");
    check_cell(&rec, 0, "D2", KY_CELL_ERROR, "#DIV/0!");
    check_cell(&rec, 0, "E2", KY_CELL_ERROR, "Err:502");
    assert_true(find_cell(&rec, 0, "E2")->flags & KY_CELL_FORMULA);
    /* Text that only looks like an error stays text. */
    check_cell(&rec, 0, "F2", KY_CELL_TEXT, "#N/A");
    check_cell(&rec, 0, "G2", KY_CELL_TEXT, "#N/A");
    /* A non-zero number is a value, whatever the display. */
    check_cell(&rec, 0, "H2", KY_CELL_NUMBER, "5");

    /* A formula with no result at all. */
    const recorded_cell *cell = find_cell(&rec, 0, "A3");
    assert_non_null(cell);
    assert_int_equal(cell->type, KY_CELL_EMPTY);
    assert_true(cell->flags & KY_CELL_NO_CACHED);
    /* The location names A3 (row 3, column 1), so the message does not repeat it. */
    assert_non_null(strstr(rec.diags.data,
                           "ods.formula-no-value 3 1 formula with no cached result (kyokun "
                           "does not calculate formulas; recalculate and save the file in "
                           "LibreOffice)\n"));
    assert_null(strstr(rec.diags.data, "A3"));
    recorder_free(&rec);
}

/* ------------------------------------------------------------------------ */
/* Sheets                                                                     */
/* ------------------------------------------------------------------------ */

/* Tables in order with their names; table:display="false" in the table style hides one. */
static void test_ods_sheets__hidden_and_order(void **state)
{
    (void)state;
    recorder rec;
    read_content(&rec,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                 "<office:document-content " NAMESPACES ">"
                 "<office:automatic-styles>"
                 "<style:style style:name=\"ta1\" style:family=\"table\">"
                 "<style:table-properties table:display=\"true\"/></style:style>"
                 "<style:style style:name=\"ta2\" style:family=\"table\">"
                 "<style:table-properties table:display=\"false\"/></style:style>"
                 "<style:style style:name=\"ce1\" style:family=\"table-cell\">"
                 "<style:table-properties table:display=\"false\"/></style:style>"
                 "</office:automatic-styles>"
                 "<office:body><office:spreadsheet>"
                 "<table:calculation-settings/>"
                 "<table:table table:name=\"表示\" table:style-name=\"ta1\">"
                 "<table:table-column table:number-columns-repeated=\"1024\"/>"
                 "<table:table-header-rows>" ROW(CELL("見出し")) "</table:table-header-rows>"
                 "<table:table-row-group>" ROW(CELL("行")) "</table:table-row-group>"
                 "</table:table>"
                 "<table:table table:name=\"Hidden\" table:style-name=\"ta2\">" ROW(CELL("h"))
                 "</table:table>"
                 "<table:table table:name=\"CellStyle\" table:style-name=\"ce1\"/>"
                 "<table:table>" ROW(CELL("unnamed")) "</table:table>"
                 "<table:named-expressions/>"
                 "</office:spreadsheet></office:body></office:document-content>");
    assert_int_equal(rec.sheet_count, 4);
    assert_int_equal(rec.sheet_ends, 4);
    assert_string_equal(rec.sheet_names[0], "表示");
    assert_int_equal(rec.visibility[0], KY_SHEET_VISIBLE);
    assert_string_equal(rec.sheet_names[1], "Hidden");
    assert_int_equal(rec.visibility[1], KY_SHEET_HIDDEN);
    /* Only table styles hide tables. */
    assert_int_equal(rec.visibility[2], KY_SHEET_VISIBLE);
    assert_string_equal(rec.sheet_names[3], "Sheet4");
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "見出し");
    check_cell(&rec, 0, "A2", KY_CELL_TEXT, "行");
    check_cell(&rec, 1, "A1", KY_CELL_TEXT, "h");
    check_cell(&rec, 3, "A1", KY_CELL_TEXT, "unnamed");
    recorder_free(&rec);
}

/* A sink can skip a sheet (sheet_end still comes) or stop the whole read. */
static void test_ods_sheets__sink_skip_and_stop(void **state)
{
    (void)state;
    package pkg = build_ods(CONTENT_OPEN
                            "<table:table table:name=\"A\">" ROW(CELL("a1")) ROW(CELL("a2"))
                            "</table:table>"
                            "<table:table table:name=\"B\">" ROW(CELL("b1")) "</table:table>"
                            CONTENT_CLOSE);
    recorder rec;
    recorder_init(&rec);
    rec.skip_sheet = 0;
    read_bytes_ok("test.ods", pkg.data, pkg.size, &rec);
    assert_int_equal(rec.sheet_count, 2);
    assert_int_equal(rec.sheet_ends, 2);
    assert_int_equal(rec.cell_count, 1);
    check_cell(&rec, 1, "A1", KY_CELL_TEXT, "b1");
    recorder_free(&rec);

    recorder_init(&rec);
    rec.stop_after_rows = 1;
    read_bytes_ok("test.ods", pkg.data, pkg.size, &rec);
    assert_int_equal(rec.cell_count, 1);
    assert_int_equal(rec.sheet_count, 1);
    assert_int_equal(rec.sheet_ends, 0);
    recorder_free(&rec);
    free(pkg.data);
}

/* ------------------------------------------------------------------------ */
/* Flat ODS and package checks                                                */
/* ------------------------------------------------------------------------ */

static const char FLAT_DOCUMENT[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<office:document " NAMESPACES " office:version=\"1.3\" "
    "office:mimetype=\"application/vnd.oasis.opendocument.spreadsheet\">\n"
    "  <office:meta/>\n"
    "  <office:settings><config:config-item-set "
    "xmlns:config=\"urn:oasis:names:tc:opendocument:xmlns:config:1.0\"/></office:settings>\n"
    "  <office:automatic-styles>\n"
    "    <style:style style:name=\"ta2\" style:family=\"table\">"
    "<style:table-properties table:display=\"false\"/></style:style>\n"
    "  </office:automatic-styles>\n"
    "  <office:body>\n"
    "    <office:spreadsheet>\n"
    "      <table:table table:name=\"一覧\">\n"
    "        <table:table-row>\n"
    "          <table:table-cell office:value-type=\"string\">\n"
    "            <text:p>件名</text:p>\n"
    "          </table:table-cell>\n"
    "          <table:table-cell office:value-type=\"float\" office:value=\"3\">\n"
    "            <text:p>3</text:p>\n"
    "          </table:table-cell>\n"
    "        </table:table-row>\n"
    "      </table:table>\n"
    "      <table:table table:name=\"隠し\" table:style-name=\"ta2\"/>\n"
    "    </office:spreadsheet>\n"
    "  </office:body>\n"
    "</office:document>\n";

/* A flat .fods document reads like a package, from memory and from a path. */
static void test_ods_flat__memory_and_path(void **state)
{
    (void)state;
    recorder rec;
    recorder_init(&rec);
    read_bytes_ok("test.fods", (const unsigned char *)FLAT_DOCUMENT, strlen(FLAT_DOCUMENT), &rec);
    assert_int_equal(rec.sheet_count, 2);
    assert_string_equal(rec.sheet_names[0], "一覧");
    assert_int_equal(rec.visibility[1], KY_SHEET_HIDDEN);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "件名");
    check_cell(&rec, 0, "B1", KY_CELL_NUMBER, "3");
    assert_int_equal(rec.cell_count, 2);
    recorder_free(&rec);

    char path[] = "/tmp/ky-test-fods-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, FLAT_DOCUMENT, strlen(FLAT_DOCUMENT)),
                     (ssize_t)strlen(FLAT_DOCUMENT));
    close(fd);
    recorder_init(&rec);
    ky_ctx *ctx = ky_ctx_new();
    ky_read_options options;
    ky_read_options_init(&options);
    ky_source source = {.path = path};
    assert_int_equal(ods->read(ctx, &source, &options, &RECORDING_SINK, &rec), 0);
    check_cell(&rec, 0, "B1", KY_CELL_NUMBER, "3");
    recorder_free(&rec);

    /* The size limit applies to a flat document as a whole. */
    recorder_init(&rec);
    options.max_entry_size = 256;
    assert_int_equal(ods->read(ctx, &source, &options, &RECORDING_SINK, &rec), KY_ELIMIT);
    assert_non_null(strstr(ky_error_last(ctx)->message, "256"));
    recorder_free(&rec);

    /* A missing file is an I/O error located at it. */
    unlink(path);
    recorder_init(&rec);
    ky_read_options_init(&options);
    assert_int_equal(ods->read(ctx, &source, &options, &RECORDING_SINK, &rec), KY_EIO);
    assert_string_equal(ky_error_last(ctx)->loc.file, path);
    assert_non_null(strstr(ky_error_last(ctx)->message, "cannot open the file: "));
    assert_null(strstr(ky_error_last(ctx)->message, path));
    recorder_free(&rec);
    ky_ctx_free(ctx);
}

/* A DOCTYPE with an external entity is rejected and nothing is read from it. */
static void test_ods_security__doctype_rejected(void **state)
{
    (void)state;
    package pkg = build_ods("<?xml version=\"1.0\"?>"
                            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                            "<office:document-content " NAMESPACES "><office:body>"
                            "<office:spreadsheet><table:table table:name=\"S\">"
                            ROW(CELL("&e;")) "</table:table></office:spreadsheet></office:body>"
                            "</office:document-content>");
    char *message = read_fails("test.ods", pkg.data, pkg.size, NULL, KY_EPARSE);
    assert_non_null(strstr(message, "DOCTYPE not allowed in package part content.xml"));
    free(message);
    free(pkg.data);

    /* The same in a flat document. */
    static const char flat[] = "<?xml version=\"1.0\"?>"
                               "<!DOCTYPE office:document [<!ENTITY a \"aaaa\">]>"
                               "<office:document " NAMESPACES "/>";
    message = read_fails("evil.fods", (const unsigned char *)flat, strlen(flat), NULL, KY_EPARSE);
    assert_non_null(strstr(message, "DOCTYPE not allowed"));
    free(message);
}

/* A content.xml that inflates past the per-part limit (a zip bomb) stops with KY_ELIMIT. */
static void test_ods_security__zip_limits(void **state)
{
    (void)state;
    ky_buf content = {0};
    ky_buf_puts(&content, CONTENT_OPEN "<table:table table:name=\"S\">");
    for (int i = 0; i < 20000; i++)
        ky_buf_puts(&content, ROW(CELL("bomb")));
    ky_buf_puts(&content, "</table:table>" CONTENT_CLOSE);
    package pkg = build_ods(content.data);
    assert_true(pkg.size < 32 * 1024);

    ky_read_options options;
    ky_read_options_init(&options);
    options.max_entry_size = 64 * 1024;
    char *message = read_fails("bomb.ods", pkg.data, pkg.size, &options, KY_ELIMIT);
    assert_non_null(strstr(message, "content.xml"));
    free(message);
    free(pkg.data);
    ky_buf_free(&content);
}

/* Set the 32-bit uncompressed size that the local and central headers of `name` claim. */
static void understate_entry_size(package *pkg, const char *name, uint32_t size)
{
    size_t name_len = strlen(name);
    bool local_found = false, central_found = false;
    for (size_t i = 0; i + 46 + name_len <= pkg->size; i++) {
        unsigned char *p = pkg->data + i;
        size_t size_at;
        if (memcmp(p, "PK\x03\x04", 4) == 0 && memcmp(p + 30, name, name_len) == 0) {
            size_at = 22;
            local_found = true;
        } else if (memcmp(p, "PK\x01\x02", 4) == 0 && memcmp(p + 46, name, name_len) == 0) {
            size_at = 24;
            central_found = true;
        } else {
            continue;
        }
        for (int byte = 0; byte < 4; byte++)
            p[size_at + byte] = (unsigned char)(size >> (8 * byte));
    }
    assert_true(local_found);
    assert_true(central_found);
}

/*
 * A zip bomb whose headers claim 100 bytes still stops at the per-part limit,
 * and the total of all parts has its own limit.
 */
static void test_ods_security__understated_size_and_total(void **state)
{
    (void)state;
    ky_buf content = {0};
    ky_buf_puts(&content, CONTENT_OPEN "<table:table table:name=\"S\">");
    for (int i = 0; i < 20000; i++)
        ky_buf_puts(&content, ROW(CELL("bomb")));
    ky_buf_puts(&content, "</table:table>" CONTENT_CLOSE);
    package pkg = build_ods(content.data);

    ky_read_options options;
    ky_read_options_init(&options);
    options.max_total_size = 128 * 1024;
    char *message = read_fails("bomb.ods", pkg.data, pkg.size, &options, KY_ELIMIT);
    assert_non_null(strstr(message, "131072"));
    free(message);

    understate_entry_size(&pkg, "content.xml", 100);
    ky_read_options_init(&options);
    options.max_entry_size = 64 * 1024;
    message = read_fails("understated.ods", pkg.data, pkg.size, &options, KY_ELIMIT);
    assert_non_null(strstr(message, "content.xml"));
    assert_non_null(strstr(message, "65536"));
    free(message);
    free(pkg.data);
    ky_buf_free(&content);
}

/* Other packages and other XML are rejected with a reason. */
static void test_ods_security__not_a_spreadsheet(void **state)
{
    (void)state;
    package pkg = build_package("application/vnd.oasis.opendocument.text",
                                ONE_TABLE(ROW(CELL("x"))), MANIFEST);
    char *message = read_fails("report.ods", pkg.data, pkg.size, NULL, KY_EUNSUPPORTED);
    assert_non_null(strstr(message, "application/vnd.oasis.opendocument.text"));
    free(message);
    free(pkg.data);

    /* content.xml encrypted with a password, as the manifest declares. */
    static const char encrypted_manifest[] =
        "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">"
        "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\">"
        "<manifest:encryption-data manifest:checksum-type=\"SHA1/1K\"/></manifest:file-entry>"
        "</manifest:manifest>";
    pkg = build_package(SPREADSHEET_TYPE, "\x01\x02not xml", encrypted_manifest);
    message = read_fails("secret.ods", pkg.data, pkg.size, NULL, KY_EUNSUPPORTED);
    assert_non_null(strstr(message, "password-protected"));
    free(message);
    free(pkg.data);

    /* A package without content.xml. */
    pkg = build_package(SPREADSHEET_TYPE, NULL, MANIFEST);
    message = read_fails("empty.ods", pkg.data, pkg.size, NULL, KY_ENOTFOUND);
    assert_non_null(strstr(message, "content.xml"));
    free(message);
    free(pkg.data);

    /* XML that is not an ODF document. */
    static const char html[] = "<html><body><table><tr><td>1</td></tr></table></body></html>";
    message = read_fails("page.fods", (const unsigned char *)html, strlen(html), NULL, KY_EPARSE);
    assert_non_null(strstr(message, "<html>"));
    free(message);

    /* Truncated XML: located at the file, which the message does not repeat. */
    message = read_fails("cut.fods", (const unsigned char *)FLAT_DOCUMENT, 300, NULL, KY_EPARSE);
    assert_string_equal(failed_file, "cut.fods");
    assert_non_null(strstr(message, "invalid XML, line "));
    assert_null(strstr(message, "cut.fods"));
    free(message);
}

/*
 * Bytes that the declared encoding cannot decode give a clear error, and
 * nothing is printed: libxml2 reports such errors on a channel whose default
 * handler writes to stderr.
 */
static void test_ods_security__undecodable_encoding_silent(void **state)
{
    (void)state;
    static const char flat[] =
        "<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?>\n"
        "<office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\">"
        "\x1b$B\xff\xff</office:document>";

    char path[] = "/tmp/ky-test-stderr-XXXXXX";
    int capture = mkstemp(path);
    assert_true(capture >= 0);
    fflush(stderr);
    int saved = dup(2);
    assert_true(saved >= 0);
    dup2(capture, 2);
    char *message = read_fails("enc.fods", (const unsigned char *)flat, sizeof flat - 1, NULL,
                               KY_EPARSE);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    off_t printed = lseek(capture, 0, SEEK_END);
    close(capture);
    unlink(path);

    assert_int_equal(printed, 0);
    assert_string_equal(message, "the XML cannot be decoded in the encoding it declares");
    free(message);
}

/* ------------------------------------------------------------------------ */
/* Probe                                                                      */
/* ------------------------------------------------------------------------ */

/* Probe scores: by the mimetype entry, by content.xml, and for flat XML. */
static void test_ods_probe__scores(void **state)
{
    (void)state;
    package pkg = build_ods(ONE_TABLE(""));
    const char *const ods_names[] = {"mimetype", "content.xml", "META-INF/manifest.xml"};
    ky_probe_info info = {.path = "a.zip", .extension = "zip", .head = pkg.data,
                          .head_len = pkg.size, .zip_names = ods_names, .zip_count = 3};
    assert_int_equal(ods->probe(&info), 95);
    /* Without the entry list the local header names the first entry. */
    info.zip_names = NULL;
    info.zip_count = 0;
    assert_int_equal(ods->probe(&info), 95);

    /* A text document's package, and packages without a first mimetype. */
    package odt = build_package("application/vnd.oasis.opendocument.text", ONE_TABLE(""), NULL);
    info.head = odt.data;
    info.head_len = odt.size;
    info.zip_names = ods_names;
    info.zip_count = 3;
    assert_int_equal(ods->probe(&info), 60);
    const char *const content_only[] = {"content.xml", "styles.xml"};
    info.zip_names = content_only;
    info.zip_count = 2;
    assert_int_equal(ods->probe(&info), 60);
    const char *const xlsx_names[] = {"[Content_Types].xml", "xl/workbook.xml", "content.xml"};
    info.zip_names = xlsx_names;
    info.zip_count = 3;
    assert_int_equal(ods->probe(&info), 0);

    ky_probe_info flat = {.path = "a.xml", .extension = "xml",
                          .head = (const unsigned char *)FLAT_DOCUMENT,
                          .head_len = strlen(FLAT_DOCUMENT)};
    assert_int_equal(ods->probe(&flat), 90);
    static const char odt_flat[] = "<?xml version=\"1.0\"?><office:document "
                                   "office:mimetype=\"application/vnd.oasis.opendocument.text\"/>";
    flat.head = (const unsigned char *)odt_flat;
    flat.head_len = strlen(odt_flat);
    assert_int_equal(ods->probe(&flat), 0);
    static const char csv[] = "a,b\n1,2\n";
    ky_probe_info text = {.path = "a.ods", .extension = "ods", .head = (const unsigned char *)csv,
                          .head_len = strlen(csv)};
    assert_int_equal(ods->probe(&text), 0);
    free(odt.data);
    free(pkg.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ods_text__spaces),
        cmocka_unit_test(test_ods_text__too_many_spaces),
        cmocka_unit_test(test_ods_text__line_breaks),
        cmocka_unit_test(test_ods_text__white_space_collapsed),
        cmocka_unit_test(test_ods_text__annotations_left_out),
        cmocka_unit_test(test_ods_repeat__huge_trailing_repeats),
        cmocka_unit_test(test_ods_repeat__values_repeated),
        cmocka_unit_test(test_ods_repeat__bounds),
        cmocka_unit_test(test_ods_merge__covered_cells),
        cmocka_unit_test(test_ods_merge__repeated_spans),
        cmocka_unit_test(test_ods_values__types),
        cmocka_unit_test(test_ods_values__dates_and_durations),
        cmocka_unit_test(test_ods_values__duration_serials),
        cmocka_unit_test(test_ods_values__formulas_and_errors),
        cmocka_unit_test(test_ods_sheets__hidden_and_order),
        cmocka_unit_test(test_ods_sheets__sink_skip_and_stop),
        cmocka_unit_test(test_ods_flat__memory_and_path),
        cmocka_unit_test(test_ods_security__doctype_rejected),
        cmocka_unit_test(test_ods_security__zip_limits),
        cmocka_unit_test(test_ods_security__understated_size_and_total),
        cmocka_unit_test(test_ods_security__not_a_spreadsheet),
        cmocka_unit_test(test_ods_security__undecodable_encoding_silent),
        cmocka_unit_test(test_ods_probe__scores),
    };
    return cmocka_run_group_tests(tests, load_plugin, unload_plugin);
}
