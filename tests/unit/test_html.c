/* SPDX-License-Identifier: MIT */
/*
 * Tests of the HTML input plugin. Each test reads a page from memory through
 * the loaded plugin module into a recording sink and checks the exact cells,
 * sheets, merges and messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "formats/ky_text.h"
#include "kyokun/registry.h"
#include "support/reader_test.h"

static ky_registry *registry;
static const ky_plugin *html_plugin;

/* Read `size` bytes into `rec`; *ctx receives the context (caller frees). */
static int read_bytes(const void *data, size_t size, recorder *rec, ky_ctx **ctx)
{
    *ctx = ky_ctx_new();
    assert_non_null(*ctx);
    ky_ctx_set_handler(*ctx, record_diag, KY_SEV_WARNING, rec);
    ky_source source = {.path = "page.xls", .data = data, .size = size};
    ky_read_options options;
    ky_read_options_init(&options);
    return html_plugin->read(*ctx, &source, &options, &RECORDING_SINK, rec);
}

static int read_page(const char *page, recorder *rec, ky_ctx **ctx)
{
    return read_bytes(page, strlen(page), rec, ctx);
}

/* Assert the status and that the error message contains `text`. */
static void check_error(ky_ctx *ctx, int rc, int status, const char *text)
{
    assert_int_equal(rc, status);
    const ky_error *error = ky_error_last(ctx);
    assert_non_null(error);
    if (!strstr(error->message, text))
        fail_msg("error \"%s\" does not contain \"%s\"", error->message, text);
}

static int probe_head(const char *head, size_t len, const char *extension)
{
    ky_probe_info info = {.path = "input", .extension = extension,
                          .head = (const unsigned char *)head, .head_len = len,
                          .file_size = len};
    return html_plugin->probe(&info);
}

/* ------------------------------------------------------------------------ */
/* Excel's "Web page" export                                                  */
/* ------------------------------------------------------------------------ */

static const char EXCEL_EXPORT[] =
    "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"\r\n"
    "xmlns:x=\"urn:schemas-microsoft-com:office:excel\"\r\n"
    "xmlns=\"http://www.w3.org/TR/REC-html40\">\r\n"
    "<head>\r\n"
    "<meta http-equiv=Content-Type content=\"text/html; charset=utf-8\">\r\n"
    "<style>\r\n td {mso-number-format:General;}\r\n</style>\r\n"
    "<!--[if gte mso 9]><xml>\r\n"
    " <x:ExcelWorkbook>\r\n  <x:ExcelWorksheets>\r\n   <x:ExcelWorksheet>\r\n"
    "    <x:Name>障害一覧 &amp; 対応</x:Name>\r\n"
    "   </x:ExcelWorksheet>\r\n  </x:ExcelWorksheets>\r\n </x:ExcelWorkbook>\r\n"
    "</xml><![endif]-->\r\n"
    "</head>\r\n<body>\r\n"
    "<table border=0 cellpadding=0 cellspacing=0 style='border-collapse:collapse'>\r\n"
    " <tr height=18>\r\n"
    "  <td height=18 class=xl65>番号</td>\r\n"
    "  <td colspan=2 class=xl66>件名</td>\r\n"
    "  <td>発生日</td>\r\n"
    " </tr>\r\n"
    " <tr>\r\n"
    "  <td align=right x:num>1</td>\r\n"
    "  <td rowspan=2 class=xl67 width=64 style='width:48pt'>ディスク<br>\r\n"
    "    満杯</td>\r\n"
    "  <td align=right x:num=\"1234.5\">1,234.50</td>\r\n"
    "  <td align=right x:num=\"45383\">2024/4/1</td>\r\n"
    " </tr>\r\n"
    " <tr>\r\n"
    "  <td align=right x:num=\"2\">2</td>\r\n"
    "  <td>右へずれる</td>\r\n"
    "  <td x:bool=\"TRUE\">TRUE</td>\r\n"
    "  <td x:err=\"#N/A\" x:fmla=\"=NA()\">#N/A</td>\r\n"
    " </tr>\r\n"
    "</table>\r\n</body>\r\n</html>\r\n";

static void test_excel_export__values_and_merges(void **state)
{
    (void)state;
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    assert_int_equal(read_page(EXCEL_EXPORT, &rec, &ctx), 0);

    assert_int_equal(rec.sheet_count, 1);
    assert_string_equal(rec.sheet_names[0], "障害一覧 & 対応");
    assert_int_equal(rec.sheet_ends, 1);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "番号");
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "件名");
    check_cell(&rec, 0, "D1", KY_CELL_TEXT, "発生日");
    check_cell(&rec, 0, "A2", KY_CELL_NUMBER, "1");
    check_cell(&rec, 0, "B2", KY_CELL_TEXT, "ディスク\n満杯");
    check_cell(&rec, 0, "C2", KY_CELL_NUMBER, "1234.5");
    check_cell(&rec, 0, "D2", KY_CELL_DATE, "2024-04-01");
    check_cell(&rec, 0, "A3", KY_CELL_NUMBER, "2");
    /* B3 is covered by B2's rowspan, so the row's second cell moves to C3. */
    assert_null(find_cell(&rec, 0, "B3"));
    check_cell(&rec, 0, "C3", KY_CELL_TEXT, "右へずれる");
    check_cell(&rec, 0, "D3", KY_CELL_BOOL, "TRUE");
    check_cell(&rec, 0, "E3", KY_CELL_ERROR, "#N/A");
    assert_true(find_cell(&rec, 0, "E3")->flags & KY_CELL_FORMULA);

    assert_int_equal(rec.merge_count, 2);
    check_merge(&rec, 0, 1, 0, 2);
    check_merge(&rec, 1, 1, 2, 1);
    assert_true(rec.row_order_ok);
    assert_true(rec.col_order_ok);
    assert_false(rec.empty_cell_seen);
    assert_int_equal(rec.diags.len, 0);
    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_excel_export__xml_declaration_probe(void **state)
{
    (void)state;
    static const char excel[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<?mso-application progid=\"Excel.Sheet\"?>\n"
        "<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><body><table>";
    static const char spreadsheet_2003[] =
        "<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n"
        "<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">";
    assert_int_equal(probe_head(excel, sizeof excel - 1, "xls"), 70);
    assert_int_equal(probe_head(spreadsheet_2003, sizeof spreadsheet_2003 - 1, "xls"), 0);
}

/* ------------------------------------------------------------------------ */
/* Structure                                                                  */
/* ------------------------------------------------------------------------ */

static void test_tables__two_top_level_sheets(void **state)
{
    (void)state;
    static const char page[] =
        "<!DOCTYPE html><html><head><title>週報</title></head><body>"
        "<table><tr><th>id</th><th>title</th></tr><tr><td>1</td><td>a</td></tr></table>"
        "<p>between</p>"
        "<table><tr><td>x</td></tr><tr></tr><tr><td></td><td>y</td></tr></table>"
        "</body></html>";
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    assert_int_equal(read_page(page, &rec, &ctx), 0);

    assert_int_equal(rec.sheet_count, 2);
    assert_string_equal(rec.sheet_names[0], "Table 1");
    assert_string_equal(rec.sheet_names[1], "Table 2");
    assert_int_equal(rec.sheet_index[1], 1);
    assert_int_equal(rec.sheet_ends, 2);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "id");
    check_cell(&rec, 0, "B2", KY_CELL_TEXT, "a");
    check_cell(&rec, 1, "A1", KY_CELL_TEXT, "x");
    /* The empty <tr> keeps its row number, and the empty cell its column. */
    check_cell(&rec, 1, "B3", KY_CELL_TEXT, "y");
    assert_int_equal(rec.cell_count, 6);
    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_tables__nested_table_is_cell_text(void **state)
{
    (void)state;
    static const char page[] =
        "<html><body><table>"
        "<tr><td>outer<table><tr><td>in1</td><td>in2</td></tr><tr><td>in3</td></tr></table>"
        "end</td><td>next</td></tr>"
        "<tr><td>row2</td></tr>"
        "</table></body></html>";
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    assert_int_equal(read_page(page, &rec, &ctx), 0);

    assert_int_equal(rec.sheet_count, 1);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "outer in1 in2 in3 end");
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "next");
    check_cell(&rec, 0, "A2", KY_CELL_TEXT, "row2");
    assert_int_equal(rec.cell_count, 3);
    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_tables__unclosed_tags(void **state)
{
    (void)state;
    static const char page[] = "<table><tr><td>a<td>b<tr><td colspan=3>c<td>d";
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    assert_int_equal(read_page(page, &rec, &ctx), 0);

    assert_int_equal(rec.sheet_count, 1);
    assert_int_equal(rec.sheet_ends, 1);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "a");
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "b");
    check_cell(&rec, 0, "A2", KY_CELL_TEXT, "c");
    check_cell(&rec, 0, "D2", KY_CELL_TEXT, "d");
    check_merge(&rec, 1, 0, 1, 2);
    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_tables__spans_clamped_and_clipped(void **state)
{
    (void)state;
    /* rowspan past the last row is clipped to the table; colspan stops at a covered column. */
    static const char page[] =
        "<table><tr><td>a</td><td rowspan=9999>b</td></tr>"
        "<tr><td colspan=5>c</td><td>d</td></tr></table>";
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    assert_int_equal(read_page(page, &rec, &ctx), 0);

    check_merge(&rec, 0, 1, 1, 1);
    check_cell(&rec, 0, "A2", KY_CELL_TEXT, "c");
    check_cell(&rec, 0, "C2", KY_CELL_TEXT, "d");
    assert_int_equal(rec.merge_count, 1);
    ky_ctx_free(ctx);
    recorder_free(&rec);
}

/* ------------------------------------------------------------------------ */
/* Text                                                                       */
/* ------------------------------------------------------------------------ */

static void test_text__whitespace_collapsed(void **state)
{
    (void)state;
    static const char page[] =
        "<table><tr>"
        "<td>\n   lots   of\n\t white   space  \n</td>"
        "<td>&nbsp;</td>"
        "<td>a&nbsp;&nbsp;b</td>"
        "<td>line one <br>  line two<br></td>"
        "<td><b>bold</b> <i>italic</i>&amp;&lt;&#x2460;</td>"
        "<td><div>block</div><div>block</div></td>"
        "</tr></table>";
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    assert_int_equal(read_page(page, &rec, &ctx), 0);

    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "lots of white space");
    /* A cell with only &nbsp; is empty, as web exports write empty cells. */
    assert_null(find_cell(&rec, 0, "B1"));
    check_cell(&rec, 0, "C1", KY_CELL_TEXT, "a  b");
    check_cell(&rec, 0, "D1", KY_CELL_TEXT, "line one\nline two");
    check_cell(&rec, 0, "E1", KY_CELL_TEXT, "bold italic&<①");
    check_cell(&rec, 0, "F1", KY_CELL_TEXT, "block block");
    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_text__script_and_style_ignored(void **state)
{
    (void)state;
    static const char page[] =
        "<html><head><script>document.write('<table><tr><td>no</td></tr></table>');</script>"
        "<style>td { color: red; }</style></head><body>"
        "<table><tr><td>a<script>var x = \"<b>no</b>\";</script>b<style>.c{}</style>c</td></tr>"
        "</table></body></html>";
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    assert_int_equal(read_page(page, &rec, &ctx), 0);

    assert_int_equal(rec.sheet_count, 1);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "abc");
    assert_int_equal(rec.cell_count, 1);
    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_text__cell_size_limit(void **state)
{
    (void)state;
    size_t text_len = ((size_t)32 << 20) + 1;
    ky_buf page = {0};
    assert_int_equal(ky_buf_puts(&page, "<table><tr><td>ok</td><td>"), 0);
    char *filler = malloc(text_len);
    assert_non_null(filler);
    memset(filler, 'x', text_len);
    assert_int_equal(ky_buf_append(&page, filler, text_len), 0);
    free(filler);
    assert_int_equal(ky_buf_puts(&page, "</td></tr></table>"), 0);

    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    int rc = read_bytes(page.data, page.len, &rec, &ctx);
    check_error(ctx, rc, KY_ELIMIT, "32 MiB");
    const ky_error *error = ky_error_last(ctx);
    assert_int_equal(error->loc.row, 1);
    assert_int_equal(error->loc.col, 2);
    assert_string_equal(error->loc.sheet, "Table 1");
    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&page);
}

/* ------------------------------------------------------------------------ */
/* Encodings                                                                  */
/* ------------------------------------------------------------------------ */

static void test_encoding__shift_jis_meta(void **state)
{
    (void)state;
    /* 障害①髙 in CP932; ① (87 40) and 髙 (FB FC) are not in JIS X 0208. */
    static const char page[] =
        "<html><head><meta charset=\"Shift_JIS\"><title>\x8F\xE1\x8A\x51</title></head><body>"
        "<table><tr><td>\x8F\xE1\x8A\x51\x87\x40\xFB\xFC</td><td>\x83\x65\x83\x58\x83\x67</td></tr>"
        "</table></body></html>";
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    assert_int_equal(read_page(page, &rec, &ctx), 0);

    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "障害①髙");
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "テスト");
    assert_int_equal(rec.diags.len, 0);
    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_encoding__http_equiv_and_guess(void **state)
{
    (void)state;
    static const char declared[] =
        "<html><head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=x-sjis\">"
        "</head><body><table><tr><td>\x8F\xE1\x8A\x51</td></tr></table></body></html>";
    /* No declaration: bytes that are not UTF-8 are read as CP932. */
    static const char undeclared[] = "<table><tr><td>\x87\x40\x8F\xE1</td></tr></table>";
    recorder rec;
    ky_ctx *ctx;

    recorder_init(&rec);
    assert_int_equal(read_page(declared, &rec, &ctx), 0);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "障害");
    ky_ctx_free(ctx);
    recorder_free(&rec);

    recorder_init(&rec);
    assert_int_equal(read_page(undeclared, &rec, &ctx), 0);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "①障");
    ky_ctx_free(ctx);
    recorder_free(&rec);
}

static void test_encoding__utf8_bom(void **state)
{
    (void)state;
    static const char page[] =
        "\xEF\xBB\xBF\r\n<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.0//EN\">\n"
        "<html><head><meta charset=\"Shift_JIS\"></head><body>"
        "<table><tr><td>障害</td></tr></table></body></html>";
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    /* The byte order mark wins over the <meta> charset, as in browsers. */
    assert_int_equal(read_page(page, &rec, &ctx), 0);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "障害");
    ky_ctx_free(ctx);
    recorder_free(&rec);
}

/* Build a page of `total` bytes whose character `bytes` starts at `offset`, across the 64 KiB chunk end. */
static char *page_with_char_at(size_t offset, const char *bytes, const char *head)
{
    const char *tail = "</td></tr></table>";
    size_t head_len = strlen(head), len = strlen(bytes);
    size_t total = offset + len + strlen(tail);
    char *page = malloc(total + 1);
    assert_non_null(page);
    memcpy(page, head, head_len);
    memset(page + head_len, ' ', offset - head_len);
    memcpy(page + offset, bytes, len);
    memcpy(page + offset + len, tail, strlen(tail) + 1);
    return page;
}

static void test_encoding__characters_across_chunks(void **state)
{
    (void)state;
    static const char *const heads[] = {
        "<table><tr><td>",
        "<meta charset=shift_jis><table><tr><td>",
    };
    static const char *const chars[] = {"障害", "\x8F\xE1\x8A\x51"};
    for (size_t k = 0; k < 2; k++) {
        for (size_t shift = 1; shift <= 5; shift++) {
            char *page = page_with_char_at(65536 - shift, chars[k], heads[k]);
            recorder rec;
            recorder_init(&rec);
            ky_ctx *ctx;
            assert_int_equal(read_page(page, &rec, &ctx), 0);
            check_cell(&rec, 0, "A1", KY_CELL_TEXT, "障害");
            assert_int_equal(rec.diags.len, 0);
            ky_ctx_free(ctx);
            recorder_free(&rec);
            free(page);
        }
    }
}

static void test_encoding__invalid_bytes_replaced(void **state)
{
    (void)state;
    static const char page[] =
        "<meta charset=\"utf-8\"><table><tr><td>a\xFF\x80z</td><td>b\0c</td></tr></table>";
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    assert_int_equal(read_bytes(page, sizeof page - 1, &rec, &ctx), 0);
    check_cell(&rec, 0, "A1", KY_CELL_TEXT, "a\xEF\xBF\xBD\xEF\xBF\xBDz");
    check_cell(&rec, 0, "B1", KY_CELL_TEXT, "b\xEF\xBF\xBD" "c");
    assert_non_null(strstr(rec.diags.data, "html.invalid-bytes"));
    ky_ctx_free(ctx);
    recorder_free(&rec);
}

/* ------------------------------------------------------------------------ */
/* Probe and registry                                                         */
/* ------------------------------------------------------------------------ */

static void test_probe__scores(void **state)
{
    (void)state;
    static const char ole2[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1<table>";
    static const char zip[] = "PK\x03\x04<table>";
    assert_int_equal(probe_head("<!DOCTYPE html><p>", 18, "html"), 70);
    assert_int_equal(probe_head("  \r\n<HTML>", 10, "xls"), 70);
    assert_int_equal(probe_head("<table border=1>", 16, "xls"), 70);
    assert_int_equal(probe_head("\xEF\xBB\xBF<html>", 9, "xls"), 70);
    assert_int_equal(probe_head("\xFF\xFE<\0h\0t\0m\0l\0>\0", 14, "xls"), 70);
    assert_int_equal(probe_head("<!-- export --><div><table>", 27, "xls"), 40);
    assert_int_equal(probe_head("id,html\n1,\"<table>\"\n", 20, "csv"), 20);
    assert_int_equal(probe_head("<htmlx>", 7, "xls"), 0);
    assert_int_equal(probe_head("id,title\n1,disk\n", 16, "xls"), 0);
    assert_int_equal(probe_head(ole2, sizeof ole2 - 1, "xls"), 0);
    assert_int_equal(probe_head(zip, sizeof zip - 1, "xls"), 0);
    assert_int_equal(probe_head("", 0, "html"), 0);
}

static void test_registry__html_named_xls(void **state)
{
    (void)state;
    static const char html[] = "\xEF\xBB\xBF\r\n<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.0//EN\">\n"
                               "<html><body><table><tr><td>id</td><td>title</td></tr>\n"
                               "<tr><td>1</td><td>disk full</td></tr></table></body></html>\n";
    static const char csv[] = "id,title\n1,disk full\n";
    ky_source source = {.path = "export.xls", .data = (const unsigned char *)html,
                        .size = sizeof html - 1};
    const ky_plugin *chosen = NULL;
    ky_ctx *ctx = ky_ctx_new();
    assert_non_null(ctx);

    assert_int_equal(ky_registry_probe(registry, ctx, &source, &chosen, NULL), 0);
    assert_string_equal(chosen->name, "html");

    source.data = (const unsigned char *)csv;
    source.size = sizeof csv - 1;
    assert_int_equal(ky_registry_probe(registry, ctx, &source, &chosen, NULL), 0);
    assert_string_equal(chosen->name, "csv");
    ky_ctx_free(ctx);
}

/* ------------------------------------------------------------------------ */
/* Sink contract and limits                                                   */
/* ------------------------------------------------------------------------ */

static const char THREE_TABLES[] =
    "<table><tr><td>a1</td></tr><tr><td>a2</td></tr></table>"
    "<table><tr><td colspan=2>b1</td></tr></table>"
    "<table><tr><td>c1</td></tr></table>";

static void test_sink__stop_and_skip(void **state)
{
    (void)state;
    recorder rec;
    ky_ctx *ctx;

    recorder_init(&rec);
    rec.stop_after_rows = 1;
    assert_int_equal(read_page(THREE_TABLES, &rec, &ctx), 0);
    assert_int_equal(rec.rows_seen, 1);
    assert_int_equal(rec.sheet_count, 1);
    assert_int_equal(rec.sheet_ends, 0);
    ky_ctx_free(ctx);
    recorder_free(&rec);

    recorder_init(&rec);
    rec.skip_sheet = 1;
    assert_int_equal(read_page(THREE_TABLES, &rec, &ctx), 0);
    assert_int_equal(rec.sheet_count, 3);
    assert_int_equal(rec.sheet_ends, 3);
    assert_null(find_cell(&rec, 1, "A1"));
    assert_int_equal(rec.merge_count, 0);
    check_cell(&rec, 2, "A1", KY_CELL_TEXT, "c1");
    ky_ctx_free(ctx);
    recorder_free(&rec);
}

/* A sink that counts sheets, for more sheets than a recorder keeps. */
static int count_sheet(void *payload, const ky_sheet_info *sheet)
{
    (void)sheet;
    (*(size_t *)payload)++;
    return KY_SINK_OK;
}

static int count_row(void *payload, uint32_t row, const ky_cell *cells, size_t count)
{
    return KY_SINK_OK;
}

static int count_sheet_end(void *payload)
{
    return KY_SINK_OK;
}

static void test_limits__tables_and_columns(void **state)
{
    (void)state;
    recorder rec;
    ky_ctx *ctx;
    ky_buf page = {0};

    for (int i = 0; i < 10001; i++)
        assert_int_equal(ky_buf_puts(&page, "<table></table>"), 0);
    static const ky_sink counting_sink = {
        .version = KY_SINK_VERSION,
        .sheet_begin = count_sheet,
        .row = count_row,
        .sheet_end = count_sheet_end,
    };
    size_t sheets = 0;
    ctx = ky_ctx_new();
    assert_non_null(ctx);
    ky_source source = {.path = "tables.html", .data = (const unsigned char *)page.data,
                        .size = page.len};
    int rc = html_plugin->read(ctx, &source, NULL, &counting_sink, &sheets);
    check_error(ctx, rc, KY_ELIMIT, "10000 tables");
    assert_int_equal(sheets, 10000);
    ky_ctx_free(ctx);

    /* 16,384 columns fill a sheet; the next cell is past its last column. */
    ky_buf_clear(&page);
    assert_int_equal(ky_buf_puts(&page, "<table><tr><td colspan=1000>a</td>"), 0);
    for (int i = 0; i < 16384 - 1000 + 1; i++)
        assert_int_equal(ky_buf_puts(&page, "<td>b</td>"), 0);
    recorder_init(&rec);
    rc = read_bytes(page.data, page.len, &rec, &ctx);
    check_error(ctx, rc, KY_ELIMIT, "16384 columns");
    assert_int_equal(ky_error_last(ctx)->loc.row, 1);
    ky_ctx_free(ctx);
    recorder_free(&rec);
    ky_buf_free(&page);
}

static void test_limits__no_table(void **state)
{
    (void)state;
    recorder rec;
    recorder_init(&rec);
    ky_ctx *ctx;
    int rc = read_page("<html><body><p>no tables here</p></body></html>", &rec, &ctx);
    check_error(ctx, rc, KY_EPARSE, "<table>");
    ky_ctx_free(ctx);
    recorder_free(&rec);
}

/* ------------------------------------------------------------------------ */

static int load_plugin(void **state)
{
    (void)state;
    html_plugin = load_input_plugin(&registry, "html");
    return html_plugin ? 0 : -1;
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
        cmocka_unit_test(test_excel_export__values_and_merges),
        cmocka_unit_test(test_excel_export__xml_declaration_probe),
        cmocka_unit_test(test_tables__two_top_level_sheets),
        cmocka_unit_test(test_tables__nested_table_is_cell_text),
        cmocka_unit_test(test_tables__unclosed_tags),
        cmocka_unit_test(test_tables__spans_clamped_and_clipped),
        cmocka_unit_test(test_text__whitespace_collapsed),
        cmocka_unit_test(test_text__script_and_style_ignored),
        cmocka_unit_test(test_text__cell_size_limit),
        cmocka_unit_test(test_encoding__shift_jis_meta),
        cmocka_unit_test(test_encoding__http_equiv_and_guess),
        cmocka_unit_test(test_encoding__utf8_bom),
        cmocka_unit_test(test_encoding__characters_across_chunks),
        cmocka_unit_test(test_encoding__invalid_bytes_replaced),
        cmocka_unit_test(test_probe__scores),
        cmocka_unit_test(test_registry__html_named_xls),
        cmocka_unit_test(test_sink__stop_and_skip),
        cmocka_unit_test(test_limits__tables_and_columns),
        cmocka_unit_test(test_limits__no_table),
    };
    return cmocka_run_group_tests(tests, load_plugin, unload_plugin);
}
