/* SPDX-License-Identifier: MIT */
/*
 * Tests for the CSV codec (encoding and separator detection, RFC 4180
 * parsing, limits, writer helpers) and for the input-csv plugin, loaded from
 * $KYOKUN_PLUGIN_PATH/input-csv.so and fed in-memory sources.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_csv.h"
#include "formats/ky_text.h"
#include "kyokun/plugin.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

#define MAX_DIAGS 64

/* One captured diagnostic. */
typedef struct captured_diag {
    ky_severity severity;
    char code[40];
    uint32_t row;
    uint32_t col;
    char message[256];
} captured_diag;

/* Records rendered as "[field][field]\n" lines, plus the diagnostics seen. */
typedef struct capture {
    ky_buf text;
    uint64_t lines[64]; /* start line of the first records */
    size_t records;
    captured_diag diags[MAX_DIAGS];
    size_t diag_count;
} capture;

/* Store a diagnostic in the capture. */
static void capture_diag(const ky_diag *diag, void *payload)
{
    capture *cap = payload;
    if (cap->diag_count == MAX_DIAGS)
        return;
    captured_diag *d = &cap->diags[cap->diag_count++];
    d->severity = diag->severity;
    snprintf(d->code, sizeof d->code, "%s", diag->code);
    d->row = diag->loc.row;
    d->col = diag->loc.col;
    snprintf(d->message, sizeof d->message, "%s", diag->message);
}

/* Append one record to the capture's rendering. */
static int capture_record(void *payload, const ky_csv_record *record)
{
    capture *cap = payload;
    if (cap->records < 64)
        cap->lines[cap->records] = record->line;
    cap->records++;
    for (size_t k = 0; k < record->count; k++) {
        assert_int_equal(strlen(record->fields[k].text), record->fields[k].len);
        ky_buf_putc(&cap->text, '[');
        ky_buf_append(&cap->text, record->fields[k].text, record->fields[k].len);
        ky_buf_putc(&cap->text, ']');
    }
    ky_buf_putc(&cap->text, '\n');
    return 0;
}

/* Return the number of captured diagnostics with this code. */
static size_t count_diags(const capture *cap, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < cap->diag_count; i++)
        n += strcmp(cap->diags[i].code, code) == 0;
    return n;
}

/* Return the first captured diagnostic with this code, or NULL. */
static const captured_diag *find_diag(const capture *cap, const char *code)
{
    for (size_t i = 0; i < cap->diag_count; i++)
        if (strcmp(cap->diags[i].code, code) == 0)
            return &cap->diags[i];
    return NULL;
}

/* Read bytes with the codec into a fresh capture; returns the status. */
static int read_bytes(ky_ctx *ctx, const void *data, size_t size,
                      const ky_csv_read_options *options, ky_csv_info *info, capture *cap)
{
    memset(cap, 0, sizeof *cap);
    ky_ctx_set_handler(ctx, capture_diag, KY_SEV_DEBUG, cap);
    return ky_csv_read(ctx, data, size, options, info, capture_record, cap);
}

/* Read a NUL-terminated string with default options and check the rendering. */
static void assert_parses_to(const char *input, const char *expected)
{
    ky_ctx *ctx = ky_ctx_new();
    capture cap;
    assert_non_null(ctx);
    assert_int_equal(read_bytes(ctx, input, strlen(input), NULL, NULL, &cap), 0);
    assert_string_equal(cap.text.data ? cap.text.data : "", expected);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

/* Encode UTF-8 text as UTF-16 with a BOM; the caller frees the result. */
static unsigned char *utf16_with_bom(const char *utf8, bool big_endian, size_t *size)
{
    size_t len = strlen(utf8);
    unsigned char *out = malloc(2 + len * 4);
    size_t n = 0;
    assert_non_null(out);

    out[n++] = big_endian ? 0xFE : 0xFF;
    out[n++] = big_endian ? 0xFF : 0xFE;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += ky_utf8_decode((const unsigned char *)utf8 + i, len - i, &cp);
        uint32_t units[2] = {cp, 0};
        size_t count = 1;
        if (cp >= 0x10000) {
            units[0] = 0xD800 + ((cp - 0x10000) >> 10);
            units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
            count = 2;
        }
        for (size_t u = 0; u < count; u++) {
            out[n++] = (unsigned char)(big_endian ? units[u] >> 8 : units[u] & 0xFF);
            out[n++] = (unsigned char)(big_endian ? units[u] & 0xFF : units[u] >> 8);
        }
    }
    *size = n;
    return out;
}

/* ------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------ */

static void test_csv_parse__quoted_commas(void **state)
{
    (void)state;
    assert_parses_to("a,\"b,c\",d\n\"1,2,3\",x,\n",
                     "[a][b,c][d]\n[1,2,3][x][]\n");
}

static void test_csv_parse__doubled_quotes(void **state)
{
    (void)state;
    assert_parses_to("\"say \"\"hi\"\"\",\"\"\"\",\"\"\n",
                     "[say \"hi\"][\"][]\n");
}

static void test_csv_parse__lf_line_ends(void **state)
{
    (void)state;
    assert_parses_to("a,b\nc,d\n", "[a][b]\n[c][d]\n");
}

static void test_csv_parse__crlf_line_ends(void **state)
{
    (void)state;
    assert_parses_to("a,b\r\nc,d\r\n", "[a][b]\n[c][d]\n");
}

static void test_csv_parse__cr_only_line_ends(void **state)
{
    (void)state;
    /* Classic Mac OS line ends (PhpSpreadsheet's linend.mac.csv). */
    assert_parses_to("A,1\r2,3\r", "[A][1]\n[2][3]\n");
}

static void test_csv_parse__crlf_inside_lf_records(void **state)
{
    (void)state;
    assert_parses_to("\"column 1\",\"column 2\"\n\"multi line\r\ntext\",\"so sad\"\n"
                     "\"single line text\",\"so happy\"",
                     "[column 1][column 2]\n[multi line\r\ntext][so sad]\n"
                     "[single line text][so happy]\n");
}

static void test_csv_parse__lf_inside_crlf_records(void **state)
{
    (void)state;
    /* Excel: an Alt+Enter line break is a bare LF inside CRLF records. */
    assert_parses_to("件名,詳細\r\n\"DNS障害\",\"1行目\n2行目\"\r\n\"停電\",\"単一行\"\r\n",
                     "[件名][詳細]\n[DNS障害][1行目\n2行目]\n[停電][単一行]\n");
}

static void test_csv_parse__cr_inside_quotes_kept(void **state)
{
    (void)state;
    assert_parses_to("\"a\rb\",c\n", "[a\rb][c]\n");
}

static void test_csv_parse__record_lines_counted(void **state)
{
    (void)state;
    const char *input = "h1,h2\n\"x\r\ny\",z\nlast,1\n";
    ky_ctx *ctx = ky_ctx_new();
    capture cap;
    assert_int_equal(read_bytes(ctx, input, strlen(input), NULL, NULL, &cap), 0);
    assert_int_equal(cap.records, 3);
    assert_int_equal(cap.lines[0], 1);
    assert_int_equal(cap.lines[1], 2);
    assert_int_equal(cap.lines[2], 4);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_parse__missing_final_newline(void **state)
{
    (void)state;
    assert_parses_to("a,b\nc,d", "[a][b]\n[c][d]\n");
    assert_parses_to("a,b\nc,", "[a][b]\n[c][]\n");
    assert_parses_to("a,\"b\"", "[a][b]\n");
}

static void test_csv_parse__blank_lines_are_records(void **state)
{
    (void)state;
    assert_parses_to("a\n\nb\n", "[a]\n[]\n[b]\n");
}

static void test_csv_parse__stray_quote_kept(void **state)
{
    (void)state;
    assert_parses_to("5\" disk,ab\"c\n", "[5\" disk][ab\"c]\n");
    /* Text after a closing quote is kept too. */
    assert_parses_to("\"ab\"c,d\n", "[abc][d]\n");
}

static void test_csv_parse__empty_input(void **state)
{
    (void)state;
    assert_parses_to("", "");
}

/* The documented NULL for an empty input, which the loaders of user files pass. */
static void test_csv_parse__null_empty_input(void **state)
{
    (void)state;
    ky_ctx *ctx = ky_ctx_new();
    capture cap;
    ky_csv_info info;
    assert_non_null(ctx);
    assert_int_equal(read_bytes(ctx, NULL, 0, NULL, &info, &cap), 0);
    assert_int_equal(cap.records, 0);
    assert_int_equal(info.records, 0);
    assert_false(info.bom);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_parse__unclosed_quote_error(void **state)
{
    (void)state;
    const char *input = "subject;description\nfoo;\"Unclosed quoted field";
    ky_ctx *ctx = ky_ctx_new();
    capture cap;

    assert_int_equal(read_bytes(ctx, input, strlen(input), NULL, NULL, &cap), KY_EPARSE);
    const ky_error *error = ky_error_last(ctx);
    assert_non_null(error);
    assert_int_equal(error->code, KY_EPARSE);
    assert_int_equal(error->loc.row, 2);
    assert_int_equal(error->loc.col, 2);
    assert_non_null(strstr(error->message, "line 2"));
    assert_non_null(strstr(error->message, "record 2"));
    /* The header was delivered, the broken record was not. */
    assert_string_equal(cap.text.data, "[subject][description]\n");
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_parse__unclosed_quote_names_opening_line(void **state)
{
    (void)state;
    const char *input = "a,b\nc,\"open\nmore\nlines\n";
    ky_ctx *ctx = ky_ctx_new();
    capture cap;

    assert_int_equal(read_bytes(ctx, input, strlen(input), NULL, NULL, &cap), KY_EPARSE);
    assert_non_null(strstr(ky_error_last(ctx)->message, "line 2"));
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_parse__field_over_limit(void **state)
{
    (void)state;
    const char *input = "short,ok\nx,0123456789ABCDEF\n";
    ky_csv_read_options options = {.max_field_bytes = 16};
    ky_ctx *ctx = ky_ctx_new();
    capture cap;

    /* Exactly at the limit is accepted. */
    assert_int_equal(read_bytes(ctx, input, strlen(input), &options, NULL, &cap), 0);
    ky_buf_free(&cap.text);

    options.max_field_bytes = 15;
    assert_int_equal(read_bytes(ctx, input, strlen(input), &options, NULL, &cap), KY_ELIMIT);
    const ky_error *error = ky_error_last(ctx);
    assert_non_null(error);
    assert_int_equal(error->loc.row, 2);
    assert_int_equal(error->loc.col, 2);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_parse__field_count_over_limit(void **state)
{
    (void)state;
    const char *input = "a,b,c,d\n";
    ky_csv_read_options options = {.max_fields = 3};
    ky_ctx *ctx = ky_ctx_new();
    capture cap;

    assert_int_equal(read_bytes(ctx, input, strlen(input), &options, NULL, &cap), KY_ELIMIT);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

/* Stop after the first record. */
static int stop_after_first(void *payload, const ky_csv_record *record)
{
    int *seen = payload;
    (*seen)++;
    (void)record;
    return KY_CSV_STOP;
}

static void test_csv_parse__callback_stop(void **state)
{
    (void)state;
    const char *input = "a\nb\nc\n";
    ky_ctx *ctx = ky_ctx_new();
    int seen = 0;
    assert_int_equal(ky_csv_read(ctx, (const unsigned char *)input, strlen(input), NULL, NULL,
                                 stop_after_first, &seen),
                     0);
    assert_int_equal(seen, 1);
    ky_ctx_free(ctx);
}

/* ------------------------------------------------------------------------
 * Encodings
 * ------------------------------------------------------------------------ */

static void test_csv_encoding__utf8_bom_stripped(void **state)
{
    (void)state;
    const char input[] = "\xEF\xBB\xBF\"件名\",\"発生日\"\r\n\"DNS障害\",\"2024/4/1\"\r\n";
    ky_ctx *ctx = ky_ctx_new();
    ky_csv_info info;
    capture cap;

    assert_int_equal(read_bytes(ctx, input, sizeof input - 1, NULL, &info, &cap), 0);
    assert_string_equal(cap.text.data, "[件名][発生日]\n[DNS障害][2024/4/1]\n");
    assert_int_equal(info.encoding, KY_CSV_UTF8);
    assert_true(info.bom);
    assert_int_equal(count_diags(&cap, "csv.encoding"), 1);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_encoding__utf16le_bom_tab(void **state)
{
    (void)state;
    size_t size;
    unsigned char *input = utf16_with_bom("件名\t件数\r\n障害\t3\r\n", false, &size);
    ky_ctx *ctx = ky_ctx_new();
    ky_csv_info info;
    capture cap;

    assert_int_equal(read_bytes(ctx, input, size, NULL, &info, &cap), 0);
    assert_string_equal(cap.text.data, "[件名][件数]\n[障害][3]\n");
    assert_int_equal(info.encoding, KY_CSV_UTF16LE);
    assert_int_equal(info.separator, '\t');
    assert_int_equal(info.invalid_bytes, 0);
    free(input);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_encoding__utf16be_bom(void **state)
{
    (void)state;
    size_t size;
    unsigned char *input = utf16_with_bom("première,😀\n\"a\nb\",c\n", true, &size);
    ky_ctx *ctx = ky_ctx_new();
    ky_csv_info info;
    capture cap;

    assert_int_equal(read_bytes(ctx, input, size, NULL, &info, &cap), 0);
    assert_string_equal(cap.text.data, "[première][😀]\n[a\nb][c]\n");
    assert_int_equal(info.encoding, KY_CSV_UTF16BE);
    free(input);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_encoding__cp932_extensions(void **state)
{
    (void)state;
    const unsigned char input[] = {0xFB, 0xFC, 0x2C, 0xFA, 0xB1, 0x2C, 0x87,
                                   0x40, 0x2C, 0x87, 0x8A, 0x0D, 0x0A};
    ky_ctx *ctx = ky_ctx_new();
    ky_csv_info info;
    capture cap;

    assert_int_equal(read_bytes(ctx, input, sizeof input, NULL, &info, &cap), 0);
    /* U+9AD9, U+FA11, U+2460, U+3231 */
    assert_string_equal(cap.text.data, "[髙][﨑][①][㈱]\n");
    assert_int_equal(info.encoding, KY_CSV_CP932);
    assert_true(info.encoding_detected);
    assert_int_equal(info.invalid_bytes, 0);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_encoding__cp932_after_ascii_prefix(void **state)
{
    (void)state;
    ky_buf input = {0};
    ky_ctx *ctx = ky_ctx_new();
    ky_csv_info info;
    capture cap;

    assert_int_equal(ky_buf_puts(&input, "id,title\r\n"), 0);
    while (input.len < 5000)
        assert_int_equal(ky_buf_puts(&input, "1,disk full on backup server\r\n"), 0);
    assert_int_equal(ky_buf_puts(&input, "2,\x8F\xE1\x8A\x51\r\n"), 0);

    assert_int_equal(read_bytes(ctx, input.data, input.len, NULL, &info, &cap), 0);
    assert_int_equal(info.encoding, KY_CSV_CP932);
    assert_non_null(strstr(cap.text.data, "[2][障害]\n"));
    assert_int_equal(info.invalid_bytes, 0);
    ky_buf_free(&input);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_encoding__cp932_short_file(void **state)
{
    (void)state;
    const unsigned char input[] = {0x8F, 0x88, 0x97, 0x9D, 0x8B, 0xE6, 0x95, 0xAA, 0x2C, 0x8C,
                                   0x8F, 0x90, 0x94, 0x0D, 0x0A, 0x31, 0x2C, 0x32, 0x0D, 0x0A};
    ky_ctx *ctx = ky_ctx_new();
    ky_csv_info info;
    capture cap;

    assert_int_equal(sizeof input, 20);
    assert_int_equal(read_bytes(ctx, input, sizeof input, NULL, &info, &cap), 0);
    assert_string_equal(cap.text.data, "[処理区分][件数]\n[1][2]\n");
    assert_int_equal(info.encoding, KY_CSV_CP932);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_encoding__forced_euc_jp(void **state)
{
    (void)state;
    const char input[] = "id,title\n1,\xBE\xE3\xB3\xB2\n";
    ky_csv_read_options options = {.encoding = "EUC-JP"};
    ky_ctx *ctx = ky_ctx_new();
    ky_csv_info info;
    capture cap;

    assert_int_equal(read_bytes(ctx, input, sizeof input - 1, &options, &info, &cap), 0);
    assert_string_equal(cap.text.data, "[id][title]\n[1][障害]\n");
    assert_int_equal(info.encoding, KY_CSV_EUCJP);
    assert_false(info.encoding_detected);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_encoding__labels(void **state)
{
    (void)state;
    const char *cp932_labels[] = {"cp932", "Shift_JIS", "SJIS", "MS932", "windows-31j"};
    ky_csv_encoding encoding;

    for (size_t i = 0; i < sizeof cp932_labels / sizeof cp932_labels[0]; i++) {
        assert_int_equal(ky_csv_encoding_parse(cp932_labels[i], NULL, 0, &encoding), 0);
        assert_int_equal(encoding, KY_CSV_CP932);
    }
    assert_int_equal(ky_csv_encoding_parse("utf-8-bom", NULL, 0, &encoding), 0);
    assert_int_equal(encoding, KY_CSV_UTF8);
    assert_int_equal(ky_csv_encoding_parse("utf-16", (const unsigned char *)"\xFE\xFF", 2,
                                           &encoding),
                     0);
    assert_int_equal(encoding, KY_CSV_UTF16BE);
    assert_int_equal(ky_csv_encoding_parse("windows-1252", NULL, 0, &encoding), KY_EINVAL);
}

static void test_csv_encoding__forced_shift_jis_label(void **state)
{
    (void)state;
    /* Valid UTF-8 bytes, read as CP932 because the caller says so. */
    const unsigned char input[] = {0x87, 0x40, 0x0A};
    ky_csv_read_options options = {.encoding = "shift_jis"};
    ky_ctx *ctx = ky_ctx_new();
    capture cap;

    assert_int_equal(read_bytes(ctx, input, sizeof input, &options, NULL, &cap), 0);
    assert_string_equal(cap.text.data, "[①]\n");
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

/* Every Shift_JIS label decodes the IBM and NEC extension characters with the CP932 table. */
static void test_csv_encoding__shift_jis_labels_decode_extensions(void **state)
{
    (void)state;
    const unsigned char input[] = {0xFB, 0xFC, 0x2C, 0xFA, 0xB1, 0x2C, 0x87,
                                   0x40, 0x2C, 0x87, 0x8A, 0x0D, 0x0A};
    const char *const labels[] = {"Shift_JIS", "SJIS", "MS932", "shift-jis", "cp932"};

    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        ky_csv_read_options options = {.encoding = labels[i]};
        ky_ctx *ctx = ky_ctx_new();
        ky_csv_info info;
        capture cap;

        assert_int_equal(read_bytes(ctx, input, sizeof input, &options, &info, &cap), 0);
        /* U+9AD9, U+FA11, U+2460, U+3231 */
        if (strcmp(cap.text.data, "[髙][﨑][①][㈱]\n") != 0)
            fail_msg("label %s decoded \"%s\"", labels[i], cap.text.data);
        assert_int_equal(info.encoding, KY_CSV_CP932);
        assert_false(info.encoding_detected);
        assert_int_equal(info.invalid_bytes, 0);
        assert_int_equal(count_diags(&cap, "csv.invalid-byte"), 0);
        ky_buf_free(&cap.text);
        ky_ctx_free(ctx);
    }
}

static void test_csv_encoding__unknown_label_rejected(void **state)
{
    (void)state;
    ky_csv_read_options options = {.encoding = "latin-9"};
    ky_ctx *ctx = ky_ctx_new();
    capture cap;

    assert_int_equal(read_bytes(ctx, "a\n", 2, &options, NULL, &cap), KY_EINVAL);
    assert_non_null(strstr(ky_error_last(ctx)->message, "latin-9"));
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_encoding__invalid_utf8_replaced(void **state)
{
    (void)state;
    const char input[] = "a,b,c\nx,y\xFFz,w\n";
    ky_csv_read_options options = {.encoding = "utf-8"};
    ky_ctx *ctx = ky_ctx_new();
    ky_csv_info info;
    capture cap;

    assert_int_equal(read_bytes(ctx, input, sizeof input - 1, &options, &info, &cap), 0);
    assert_string_equal(cap.text.data, "[a][b][c]\n[x][y\xEF\xBF\xBDz][w]\n");
    assert_int_equal(info.invalid_bytes, 1);
    const captured_diag *warning = find_diag(&cap, "csv.invalid-byte");
    assert_non_null(warning);
    assert_int_equal(warning->severity, KY_SEV_WARNING);
    assert_int_equal(warning->row, 2);
    assert_int_equal(warning->col, 2);
    assert_non_null(strstr(warning->message, "0xFF"));
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_encoding__invalid_cp932_replaced(void **state)
{
    (void)state;
    /* 82 A0 is あ in CP932; FD is not a CP932 byte. */
    const unsigned char input[] = {'a', ',', 0x82, 0xA0, '\n', 'b', ',', 0xFD, '\n'};
    ky_ctx *ctx = ky_ctx_new();
    ky_csv_info info;
    capture cap;

    assert_int_equal(read_bytes(ctx, input, sizeof input, NULL, &info, &cap), 0);
    assert_int_equal(info.encoding, KY_CSV_CP932);
    assert_string_equal(cap.text.data, "[a][あ]\n[b][\xEF\xBF\xBD]\n");
    const captured_diag *warning = find_diag(&cap, "csv.invalid-byte");
    assert_non_null(warning);
    assert_int_equal(warning->row, 2);
    assert_int_equal(warning->col, 2);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_encoding__many_invalid_bytes_summarised(void **state)
{
    (void)state;
    char input[64];
    ky_csv_read_options options = {.encoding = "utf-8"};
    ky_ctx *ctx = ky_ctx_new();
    ky_csv_info info;
    capture cap;

    memset(input, 0xFF, sizeof input);
    assert_int_equal(read_bytes(ctx, input, sizeof input, &options, &info, &cap), 0);
    assert_int_equal(info.invalid_bytes, 64);
    /* Ten individual warnings and one summary. */
    assert_int_equal(count_diags(&cap, "csv.invalid-byte"), 11);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_encoding__detect_whole_input(void **state)
{
    (void)state;
    size_t bom, invalid;
    const unsigned char ascii[] = "plain,ascii\n";
    const unsigned char late[] = "ok,\xE3\x81\x82\n\x82\xA0\n";

    assert_int_equal(ky_csv_detect_encoding(ascii, sizeof ascii - 1, &bom, &invalid),
                     KY_CSV_UTF8);
    assert_int_equal(bom, 0);
    assert_int_equal(invalid, sizeof ascii - 1);
    assert_int_equal(ky_csv_detect_encoding(late, sizeof late - 1, &bom, &invalid),
                     KY_CSV_CP932);
    assert_int_equal(invalid, 7);
}

/* ------------------------------------------------------------------------
 * Separators
 * ------------------------------------------------------------------------ */

static void test_csv_separator__semicolon(void **state)
{
    (void)state;
    const char *input = "This;Are;Headers\r\nCell A2;Number with comma;25,5\r\n"
                        "Two colons and a comma;B|3;:,:\r\n";
    ky_ctx *ctx = ky_ctx_new();
    ky_csv_info info;
    capture cap;

    assert_int_equal(read_bytes(ctx, input, strlen(input), NULL, &info, &cap), 0);
    assert_int_equal(info.separator, ';');
    assert_string_equal(cap.text.data, "[This][Are][Headers]\n[Cell A2][Number with comma][25,5]\n"
                                       "[Two colons and a comma][B|3][:,:]\n");
    assert_int_equal(count_diags(&cap, "csv.separator"), 1);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_separator__tab(void **state)
{
    (void)state;
    const char *input = "管轄\t違反法条\t概要\r\n北海道\t第20条,第130条\t\"約1\t349万円\"\r\n";
    ky_ctx *ctx = ky_ctx_new();
    ky_csv_info info;
    capture cap;

    assert_int_equal(read_bytes(ctx, input, strlen(input), NULL, &info, &cap), 0);
    assert_int_equal(info.separator, '\t');
    assert_string_equal(cap.text.data, "[管轄][違反法条][概要]\n"
                                       "[北海道][第20条,第130条][約1\t349万円]\n");
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_separator__tsv_hint_breaks_tie(void **state)
{
    (void)state;
    ky_csv_separator_guess guess;
    const char *text = "a,b\tc\n";

    ky_csv_guess_separator(text, strlen(text), true, false, &guess);
    assert_int_equal(guess.separator, ',');
    ky_csv_guess_separator(text, strlen(text), true, true, &guess);
    assert_int_equal(guess.separator, '\t');
}

static void test_csv_separator__quotes_ignored(void **state)
{
    (void)state;
    ky_csv_separator_guess guess;
    const char *text = "a;\"x,y,z\";b\nc;\"1,2\";d\ne;f;g\n";

    ky_csv_guess_separator(text, strlen(text), true, false, &guess);
    assert_int_equal(guess.separator, ';');
    assert_int_equal(guess.fields, 3);
    assert_int_equal(guess.consistent, 3);
}

static void test_csv_separator__sep_line(void **state)
{
    (void)state;
    const char *input = "sep=;\r\na;b,c\r\nd;e\r\n\"unclosed";
    ky_ctx *ctx = ky_ctx_new();
    ky_csv_info info;
    capture cap;

    assert_int_equal(read_bytes(ctx, input, strlen(input) - strlen("\"unclosed"), NULL, &info, &cap),
                     0);
    assert_true(info.sep_line);
    assert_int_equal(info.separator, ';');
    assert_string_equal(cap.text.data, "[a][b,c]\n[d][e]\n");
    assert_int_equal(cap.lines[0], 2);
    ky_buf_free(&cap.text);

    /* Lines count the "sep=" line, records do not. */
    assert_int_equal(read_bytes(ctx, input, strlen(input), NULL, &info, &cap), KY_EPARSE);
    assert_int_equal(ky_error_last(ctx)->loc.row, 3);
    assert_non_null(strstr(ky_error_last(ctx)->message, "line 4"));
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

/* ------------------------------------------------------------------------
 * Writer
 * ------------------------------------------------------------------------ */

/* Append fields with ',' between them and return the buffer's text. */
static void assert_field_written(const char *field, char sep, const char *expected)
{
    ky_buf out = {0};
    assert_int_equal(ky_csv_append_field(&out, field, strlen(field), sep), 0);
    assert_string_equal(out.data ? out.data : "", expected);
    ky_buf_free(&out);
}

static void test_csv_write__quoting_rules(void **state)
{
    (void)state;
    assert_field_written("plain", ',', "plain");
    assert_field_written("", ',', "");
    assert_field_written("a,b", ',', "\"a,b\"");
    assert_field_written("a,b", ';', "a,b");
    assert_field_written("a;b", ';', "\"a;b\"");
    assert_field_written("a\tb", '\t', "\"a\tb\"");
    assert_field_written("say \"hi\"", ',', "\"say \"\"hi\"\"\"");
    assert_field_written("line\r\nbreak", ',', "\"line\r\nbreak\"");
    assert_field_written("cr\ronly", ',', "\"cr\ronly\"");
    assert_field_written(" ", ',', "\" \"");
    assert_field_written("trailing  ", ',', "\"trailing  \"");
    assert_field_written("in side", ',', "in side");
    assert_field_written("障害", ',', "障害");
}

static void test_csv_write__record_ends(void **state)
{
    (void)state;
    ky_buf out = {0};
    assert_int_equal(ky_csv_append_field(&out, "a", 1, ','), 0);
    assert_int_equal(ky_buf_putc(&out, ','), 0);
    assert_int_equal(ky_csv_append_field(&out, "b\"", 2, ','), 0);
    assert_int_equal(ky_csv_end_record(&out, KY_CSV_CRLF), 0);
    assert_int_equal(ky_csv_append_field(&out, "c", 1, ','), 0);
    assert_int_equal(ky_csv_end_record(&out, KY_CSV_LF), 0);
    assert_string_equal(out.data, "a,\"b\"\"\"\r\nc\n");
    ky_buf_free(&out);
}

static void test_csv_write__round_trip(void **state)
{
    (void)state;
    const char *fields[] = {"plain", "a,b", "q\"uote", "multi\r\nline", " pad ", ""};
    size_t count = sizeof fields / sizeof fields[0];
    ky_buf out = {0};
    ky_ctx *ctx = ky_ctx_new();
    capture cap;

    for (size_t k = 0; k < count; k++) {
        if (k > 0)
            assert_int_equal(ky_buf_putc(&out, ','), 0);
        assert_int_equal(ky_csv_append_field(&out, fields[k], strlen(fields[k]), ','), 0);
    }
    assert_int_equal(ky_csv_end_record(&out, KY_CSV_CRLF), 0);
    assert_int_equal(read_bytes(ctx, out.data, out.len, NULL, NULL, &cap), 0);
    assert_string_equal(cap.text.data, "[plain][a,b][q\"uote][multi\r\nline][ pad ][]\n");
    ky_buf_free(&out);
    ky_buf_free(&cap.text);
    ky_ctx_free(ctx);
}

static void test_csv_write__formula_text_guarded(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
        {"@SUM(1,1)", "\"'@SUM(1,1)\""},
        {"+81-3-1234-5678", "'+81-3-1234-5678"},
        {"\t=1+1", "'\t=1+1"},
        {"＝1+1", "'＝1+1"},
        {"-5", "'-5"},
        {"障害", "障害"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ky_buf out = {0};
        assert_int_equal(ky_csv_append_text_field(&out, cases[i][0], strlen(cases[i][0]), ','),
                         0);
        assert_string_equal(out.data ? out.data : "", cases[i][1]);
        ky_buf_free(&out);
    }
}

static void test_csv_write__cp932_mapped(void **state)
{
    (void)state;
    ky_cp932_encoder *enc = NULL;
    ky_buf out = {0};
    uint32_t bad = 1;
    /* 件名, WAVE DASH U+301C and MINUS SIGN U+2212, then ① and 髙. */
    const char *text = "件名\xE3\x80\x9C\xE2\x88\x92①髙";

    assert_int_equal(ky_cp932_encoder_new(&enc, NULL), 0);
    assert_int_equal(ky_cp932_encode(enc, text, strlen(text), &out, &bad), 0);
    assert_int_equal(bad, 0);
    assert_int_equal(out.len, 12);
    assert_memory_equal(out.data, "\x8C\x8F\x96\xBC\x81\x60\x81\x7C\x87\x40\xFB\xFC", 12);
    ky_buf_free(&out);
    ky_cp932_encoder_free(enc);
}

static void test_csv_write__cp932_unmappable_reported(void **state)
{
    (void)state;
    ky_cp932_encoder *enc = NULL;
    ky_buf out = {0};
    uint32_t bad = 0;
    const char *text = "ok🙂rest";

    assert_int_equal(ky_cp932_encoder_new(&enc, NULL), 0);
    assert_int_equal(ky_cp932_encode(enc, text, strlen(text), &out, &bad), KY_EUNSUPPORTED);
    assert_int_equal(bad, 0x1F642);
    assert_string_equal(out.data, "ok");
    ky_buf_free(&out);
    ky_cp932_encoder_free(enc);

    /* With a substitute the text goes on and the substitution is counted. */
    assert_int_equal(ky_cp932_encoder_new(&enc, "?"), 0);
    text = "a\xE2\x80\x93" "b☓c";
    assert_int_equal(ky_cp932_encode(enc, text, strlen(text), &out, &bad), 0);
    assert_int_equal(bad, 0x2013);
    assert_string_equal(out.data, "a?b?c");
    assert_int_equal(ky_cp932_encoder_substituted(enc), 2);
    ky_buf_free(&out);

    assert_int_equal(ky_cp932_encode(enc, "\xFF", 1, &out, &bad), KY_EINVAL);
    ky_buf_free(&out);
    ky_cp932_encoder_free(enc);
}

/* ------------------------------------------------------------------------
 * Plugin
 * ------------------------------------------------------------------------ */

static void *plugin_module;
static const ky_plugin *csv_plugin;

/* Load input-csv.so from $KYOKUN_PLUGIN_PATH once for the plugin tests. */
static int load_plugin(void **state)
{
    (void)state;
    const char *dir = getenv("KYOKUN_PLUGIN_PATH");
    char path[4096];

    if (!dir) {
        fprintf(stderr, "KYOKUN_PLUGIN_PATH is not set; run the test through ctest\n");
        return -1;
    }
    snprintf(path, sizeof path, "%s/input-csv.so", dir);
    plugin_module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!plugin_module) {
        fprintf(stderr, "cannot load %s: %s\n", path, dlerror());
        return -1;
    }
    ky_plugin_entry_fn entry;
    *(void **)&entry = dlsym(plugin_module, KY_PLUGIN_ENTRY_SYMBOL);
    if (!entry)
        return -1;
    csv_plugin = entry();
    return csv_plugin ? 0 : -1;
}

/* Unload the plugin module. */
static int unload_plugin(void **state)
{
    (void)state;
    if (plugin_module)
        dlclose(plugin_module);
    return 0;
}

/* What a sink saw: sheet calls and rows rendered as "row: col=text ...". */
typedef struct sheet_capture {
    char sheet_name[64];
    int sheet_begins;
    int sheet_ends;
    ky_buf rows;
} sheet_capture;

/* Remember the sheet header. */
static int sink_sheet_begin(void *payload, const ky_sheet_info *sheet)
{
    sheet_capture *cap = payload;
    snprintf(cap->sheet_name, sizeof cap->sheet_name, "%s", sheet->name);
    assert_int_equal(sheet->index, 0);
    cap->sheet_begins++;
    return KY_SINK_OK;
}

/* Render a row of text cells. */
static int sink_row(void *payload, uint32_t row, const ky_cell *cells, size_t count)
{
    sheet_capture *cap = payload;
    ky_buf_printf(&cap->rows, "%u:", row);
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(cells[i].type, KY_CELL_TEXT);
        assert_true(cells[i].len > 0);
        ky_buf_printf(&cap->rows, " %u=%s", cells[i].col, cells[i].text);
    }
    ky_buf_putc(&cap->rows, '\n');
    return KY_SINK_OK;
}

/* CSV has no merged ranges. */
static int sink_merge(void *payload, const ky_range *range)
{
    (void)payload;
    (void)range;
    fail_msg("a CSV file has no merged ranges");
    return KY_SINK_OK;
}

/* Count sheet ends. */
static int sink_sheet_end(void *payload)
{
    sheet_capture *cap = payload;
    cap->sheet_ends++;
    return KY_SINK_OK;
}

static const ky_sink test_sink = {
    .version = KY_SINK_VERSION,
    .sheet_begin = sink_sheet_begin,
    .row = sink_row,
    .merge = sink_merge,
    .sheet_end = sink_sheet_end,
};

/* Read bytes through the plugin into a sheet capture. */
static int plugin_read(ky_ctx *ctx, const char *path, const void *data, size_t size,
                       const char *encoding, sheet_capture *cap)
{
    ky_source source = {.path = path, .data = data, .size = size};
    ky_read_options options = {.version = KY_READ_OPTIONS_VERSION, .encoding = encoding};
    memset(cap, 0, sizeof *cap);
    return csv_plugin->read(ctx, &source, &options, &test_sink, cap);
}

static void test_csv_plugin__descriptor(void **state)
{
    (void)state;
    assert_int_equal(csv_plugin->abi_version, KY_PLUGIN_ABI_VERSION);
    assert_int_equal(csv_plugin->kind, KY_PLUGIN_INPUT);
    assert_string_equal(csv_plugin->name, "csv");
    assert_string_equal(csv_plugin->extensions[0], "csv");
    assert_string_equal(csv_plugin->extensions[1], "tsv");
    assert_string_equal(csv_plugin->extensions[2], "txt");
    assert_null(csv_plugin->extensions[3]);
}

static void test_csv_plugin__rows_of_text_cells(void **state)
{
    (void)state;
    const char *input = "件名,発生日,件数\n\"DNS障害\",1955/1/1,\"25,5\"\n\n,,x\n";
    ky_ctx *ctx = ky_ctx_new();
    sheet_capture cap;

    assert_int_equal(plugin_read(ctx, "/data/incidents.2024.csv", input, strlen(input), NULL, &cap),
                     0);
    assert_string_equal(cap.sheet_name, "incidents.2024");
    assert_int_equal(cap.sheet_begins, 1);
    assert_int_equal(cap.sheet_ends, 1);
    /* Values stay text as written; empty fields are not cells; the blank
     * record 2 keeps its row number. */
    assert_string_equal(cap.rows.data, "0: 0=件名 1=発生日 2=件数\n"
                                       "1: 0=DNS障害 1=1955/1/1 2=25,5\n"
                                       "3: 2=x\n");
    ky_buf_free(&cap.rows);
    ky_ctx_free(ctx);
}

static void test_csv_plugin__forced_encoding(void **state)
{
    (void)state;
    const unsigned char input[] = {0x87, 0x8A, '\n'};
    ky_ctx *ctx = ky_ctx_new();
    sheet_capture cap;

    assert_int_equal(plugin_read(ctx, "a.csv", input, sizeof input, "ms932", &cap), 0);
    assert_string_equal(cap.rows.data, "0: 0=㈱\n");
    ky_buf_free(&cap.rows);
    ky_ctx_free(ctx);
}

/* The BOM of Excel's "CSV UTF-8" save is not part of the first header cell. */
static void test_csv_plugin__utf8_bom_not_in_first_cell(void **state)
{
    (void)state;
    const char input[] = "\xEF\xBB\xBF\"件名\",\"発生日\"\r\n\"DNS障害\",\"2024/4/1\"\r\n";
    ky_ctx *ctx = ky_ctx_new();
    sheet_capture cap;

    assert_int_equal(plugin_read(ctx, "excel-utf8.csv", input, sizeof input - 1, NULL, &cap), 0);
    assert_string_equal(cap.rows.data, "0: 0=件名 1=発生日\n"
                                       "1: 0=DNS障害 1=2024/4/1\n");
    assert_int_equal(ky_ctx_count(ctx, KY_SEV_WARNING), 0);
    ky_buf_free(&cap.rows);
    ky_ctx_free(ctx);
}

/* Excel's "Unicode text" save, UTF-16LE with a BOM and tabs, is read whole without NUL errors. */
static void test_csv_plugin__utf16le_unicode_text(void **state)
{
    (void)state;
    size_t size;
    unsigned char *input = utf16_with_bom("件名\t件数\r\n障害\t3\r\n", false, &size);
    ky_ctx *ctx = ky_ctx_new();
    sheet_capture cap;

    assert_int_equal(plugin_read(ctx, "unicode.txt", input, size, NULL, &cap), 0);
    assert_string_equal(cap.rows.data, "0: 0=件名 1=件数\n"
                                       "1: 0=障害 1=3\n");
    assert_int_equal(cap.sheet_ends, 1);
    assert_int_equal(ky_ctx_count(ctx, KY_SEV_WARNING), 0);
    free(input);
    ky_buf_free(&cap.rows);
    ky_ctx_free(ctx);
}

static void test_csv_plugin__tsv_extension(void **state)
{
    (void)state;
    const char *input = "a,b\tc\n";
    ky_ctx *ctx = ky_ctx_new();
    sheet_capture cap;

    assert_int_equal(plugin_read(ctx, "list.tsv", input, strlen(input), NULL, &cap), 0);
    assert_string_equal(cap.rows.data, "0: 0=a,b 1=c\n");
    ky_buf_free(&cap.rows);
    assert_int_equal(plugin_read(ctx, "list.csv", input, strlen(input), NULL, &cap), 0);
    assert_string_equal(cap.rows.data, "0: 0=a 1=b\tc\n");
    ky_buf_free(&cap.rows);
    ky_ctx_free(ctx);
}

static void test_csv_plugin__unclosed_quote_fails(void **state)
{
    (void)state;
    const char *input = "subject;description\nfoo;\"Unclosed quoted field";
    ky_ctx *ctx = ky_ctx_new();
    sheet_capture cap;

    assert_int_equal(plugin_read(ctx, "unclosed.csv", input, strlen(input), NULL, &cap),
                     KY_EPARSE);
    const ky_error *error = ky_error_last(ctx);
    assert_non_null(error);
    assert_string_equal(error->loc.file, "unclosed.csv");
    assert_null(error->loc.sheet);
    assert_int_equal(error->loc.row, 2);
    assert_int_equal(cap.sheet_ends, 0);
    ky_buf_free(&cap.rows);
    ky_ctx_free(ctx);
}

static void test_csv_plugin__reads_file_path(void **state)
{
    (void)state;
    char path[] = "/tmp/ky-test-csv-XXXXXX";
    int fd = mkstemp(path);
    const char *input = "a,b\r\nc,d";
    ky_ctx *ctx = ky_ctx_new();
    sheet_capture cap;

    assert_true(fd >= 0);
    FILE *file = fdopen(fd, "wb");
    assert_non_null(file);
    assert_int_equal(fwrite(input, 1, strlen(input), file), strlen(input));
    fclose(file);

    assert_int_equal(plugin_read(ctx, path, NULL, 0, NULL, &cap), 0);
    assert_string_equal(cap.rows.data, "0: 0=a 1=b\n1: 0=c 1=d\n");
    ky_buf_free(&cap.rows);
    remove(path);

    assert_int_equal(plugin_read(ctx, path, NULL, 0, NULL, &cap), KY_ENOTFOUND);
    ky_buf_free(&cap.rows);
    ky_ctx_free(ctx);
}

/* Probe a head with the given extension. */
static int probe_head(const void *head, size_t len, const char *extension)
{
    ky_probe_info info = {
        .path = "x",
        .extension = extension,
        .head = head,
        .head_len = len,
        .file_size = len,
    };
    return csv_plugin->probe(&info);
}

static void test_csv_plugin__probe_scores(void **state)
{
    (void)state;
    const char *csv = "id,title,date\n1,disk,2024/4/1\n2,dns,2024/4/2\n";
    const unsigned char utf16[] = {0xFF, 0xFE, 'a', 0, '\t', 0, 'b', 0};
    const unsigned char binary[] = {0x01, 0x02, 0x00, 0x7F, 0x10, 0x11};

    int score = probe_head(csv, strlen(csv), "csv");
    assert_true(score >= 30 && score <= 40);
    assert_int_equal(probe_head(csv, strlen(csv), "xls"), score);
    score = probe_head(utf16, sizeof utf16, "txt");
    assert_true(score >= 30 && score <= 40);
    assert_int_equal(probe_head("PK\x03\x04\x14\x00", 6, "csv"), 0);
    assert_int_equal(probe_head("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, "csv"), 0);
    assert_int_equal(probe_head(binary, sizeof binary, "csv"), 0);
    assert_true(probe_head("one column\nonly\n", 16, "csv") >= 30);
}

static void test_csv_plugin__probe_rejects_markup(void **state)
{
    (void)state;
    static const char *const markup[] = {
        "<!DOCTYPE html>\n<html><body><table><tr><td>1</td></tr></table></body></html>\n",
        "\xEF\xBB\xBF\r\n  <!doctype HTML PUBLIC \"-//W3C//DTD HTML 4.0//EN\">\n<html>\n",
        "<HTML xmlns:x=\"urn:schemas-microsoft-com:office:excel\">\n<body>\n",
        "\t<table border=1><tr><td>id</td><td>title</td></tr></table>\n",
        "<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">\n",
    };
    for (size_t i = 0; i < sizeof markup / sizeof markup[0]; i++) {
        assert_int_equal(probe_head(markup[i], strlen(markup[i]), "xls"), 0);
        assert_int_equal(probe_head(markup[i], strlen(markup[i]), "csv"), 0);
    }

    static const unsigned char utf16_html[] = {0xFF, 0xFE, '<', 0, 'h', 0, 't', 0, 'm', 0,
                                               'l', 0, '>', 0, '\n', 0};
    assert_int_equal(probe_head(utf16_html, sizeof utf16_html, "xls"), 0);

    /* Text that only mentions a tag later on is still CSV. */
    const char *csv = "id,note\n1,<html> in a cell\n2,<table>\n";
    assert_true(probe_head(csv, strlen(csv), "csv") >= 30);
    assert_true(probe_head("<htm", 4, "csv") >= 30);
}

int main(void)
{
    const struct CMUnitTest codec_tests[] = {
        cmocka_unit_test(test_csv_parse__quoted_commas),
        cmocka_unit_test(test_csv_parse__doubled_quotes),
        cmocka_unit_test(test_csv_parse__lf_line_ends),
        cmocka_unit_test(test_csv_parse__crlf_line_ends),
        cmocka_unit_test(test_csv_parse__cr_only_line_ends),
        cmocka_unit_test(test_csv_parse__crlf_inside_lf_records),
        cmocka_unit_test(test_csv_parse__lf_inside_crlf_records),
        cmocka_unit_test(test_csv_parse__cr_inside_quotes_kept),
        cmocka_unit_test(test_csv_parse__record_lines_counted),
        cmocka_unit_test(test_csv_parse__missing_final_newline),
        cmocka_unit_test(test_csv_parse__blank_lines_are_records),
        cmocka_unit_test(test_csv_parse__stray_quote_kept),
        cmocka_unit_test(test_csv_parse__empty_input),
        cmocka_unit_test(test_csv_parse__null_empty_input),
        cmocka_unit_test(test_csv_parse__unclosed_quote_error),
        cmocka_unit_test(test_csv_parse__unclosed_quote_names_opening_line),
        cmocka_unit_test(test_csv_parse__field_over_limit),
        cmocka_unit_test(test_csv_parse__field_count_over_limit),
        cmocka_unit_test(test_csv_parse__callback_stop),
        cmocka_unit_test(test_csv_encoding__utf8_bom_stripped),
        cmocka_unit_test(test_csv_encoding__utf16le_bom_tab),
        cmocka_unit_test(test_csv_encoding__utf16be_bom),
        cmocka_unit_test(test_csv_encoding__cp932_extensions),
        cmocka_unit_test(test_csv_encoding__cp932_after_ascii_prefix),
        cmocka_unit_test(test_csv_encoding__cp932_short_file),
        cmocka_unit_test(test_csv_encoding__forced_euc_jp),
        cmocka_unit_test(test_csv_encoding__labels),
        cmocka_unit_test(test_csv_encoding__forced_shift_jis_label),
        cmocka_unit_test(test_csv_encoding__shift_jis_labels_decode_extensions),
        cmocka_unit_test(test_csv_encoding__unknown_label_rejected),
        cmocka_unit_test(test_csv_encoding__invalid_utf8_replaced),
        cmocka_unit_test(test_csv_encoding__invalid_cp932_replaced),
        cmocka_unit_test(test_csv_encoding__many_invalid_bytes_summarised),
        cmocka_unit_test(test_csv_encoding__detect_whole_input),
        cmocka_unit_test(test_csv_separator__semicolon),
        cmocka_unit_test(test_csv_separator__tab),
        cmocka_unit_test(test_csv_separator__tsv_hint_breaks_tie),
        cmocka_unit_test(test_csv_separator__quotes_ignored),
        cmocka_unit_test(test_csv_separator__sep_line),
        cmocka_unit_test(test_csv_write__quoting_rules),
        cmocka_unit_test(test_csv_write__record_ends),
        cmocka_unit_test(test_csv_write__round_trip),
        cmocka_unit_test(test_csv_write__formula_text_guarded),
        cmocka_unit_test(test_csv_write__cp932_mapped),
        cmocka_unit_test(test_csv_write__cp932_unmappable_reported),
    };
    const struct CMUnitTest plugin_tests[] = {
        cmocka_unit_test(test_csv_plugin__descriptor),
        cmocka_unit_test(test_csv_plugin__rows_of_text_cells),
        cmocka_unit_test(test_csv_plugin__forced_encoding),
        cmocka_unit_test(test_csv_plugin__utf8_bom_not_in_first_cell),
        cmocka_unit_test(test_csv_plugin__utf16le_unicode_text),
        cmocka_unit_test(test_csv_plugin__tsv_extension),
        cmocka_unit_test(test_csv_plugin__unclosed_quote_fails),
        cmocka_unit_test(test_csv_plugin__reads_file_path),
        cmocka_unit_test(test_csv_plugin__probe_scores),
        cmocka_unit_test(test_csv_plugin__probe_rejects_markup),
    };

    int failed = cmocka_run_group_tests_name("csv codec", codec_tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("csv plugin", plugin_tests, load_plugin, unload_plugin);
    return failed ? 1 : 0;
}
