/* SPDX-License-Identifier: MIT */
/*
 * Tests for mapping files: loading with located errors, applying column
 * choices over detection (a field moved, a column left unmapped, a kind
 * set), file patterns, unused rows, the unmapped-column warning and the file
 * that ky_mapping_file_write() writes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grid.h"
#include "kyokun/book.h"
#include "kyokun/diag.h"
#include "kyokun/mapping_file.h"
#include "mapping.h"
#include "support/grid_test.h"

#define T(c, s) ((ky_cell){.col = (c), .type = KY_CELL_TEXT, .text = (s), .len = strlen(s)})
#define ROW(g, r, ...) \
    grid_row((g), (r), (const ky_cell[]){__VA_ARGS__}, \
            sizeof((const ky_cell[]){__VA_ARGS__}) / sizeof(ky_cell))

#define INPUT "/data/2024 risks.xlsx"
#define HEADER_ROW "file,sheet,table,kind,column,header,field,confidence\n"

typedef struct fixture {
    ky_grid grid;
    ky_ctx *ctx;
    ky_book *book;
    ky_mapping_file *mapping;
    captured seen;
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->ctx = ky_ctx_new();
    f->book = ky_book_new();
    ky_ctx_set_handler(f->ctx, capture, KY_SEV_WARNING, &f->seen);
    ky_grid__init(&f->grid, f->ctx, INPUT);
    snprintf(f->dir, sizeof f->dir, "/tmp/ky-mapfile-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", f->dir);
    assert_int_equal(system(command), 0);
    ky_mapping_file_free(f->mapping);
    ky_grid__free(&f->grid);
    ky_book_free(f->book);
    ky_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Write a file in the fixture's folder; its path is left in f->path. */
static void write_file(fixture *f, const char *name, const char *data, size_t size)
{
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, name);
    FILE *out = fopen(f->path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(data, 1, size, out), size);
    assert_int_equal(fclose(out), 0);
}

/* Write and load a mapping file, which must load. */
static void load(fixture *f, const char *text)
{
    write_file(f, "map.csv", text, strlen(text));
    assert_int_equal(ky_mapping_file_load(f->ctx, f->path, &f->mapping), 0);
    assert_non_null(f->mapping);
}

/* Map the grid with the loaded mapping file; return the status. */
static int map_with_file(fixture *f)
{
    ky_map_options options;
    ky_map_options_init(&options);
    options.mapping = f->mapping;
    return ky_mapping__add_grid(f->ctx, f->book, &f->grid, INPUT, &options);
}

/* A risk table with an unmapped 備考 column. */
static void risk_sheet(fixture *f)
{
    grid_begin(&f->grid, "リスク");
    ROW(&f->grid, 0, T(0, "No."), T(1, "リスク内容"), T(2, "影響内容"), T(3, "A:影響度"),
        T(4, "B:発生度"), T(5, "想定対応方法"), T(6, "備考"));
    ROW(&f->grid, 1, T(0, "1"), T(1, "装置故障"), T(2, "全面停止"), T(3, "3"), T(4, "2"),
        T(5, "予備機へ切替"), T(6, "G7"));
    grid_end(&f->grid);
}

/* A table whose header names risk fields, but not the ones a risk table needs (A and B, or C). */
static void unknown_kind_sheet(fixture *f)
{
    grid_begin(&f->grid, "Sheet1");
    ROW(&f->grid, 0, T(0, "カテゴリー"), T(1, "影響内容"), T(2, "メモ"));
    ROW(&f->grid, 1, T(0, "可用性"), T(1, "全面停止"), T(2, "再発"));
    grid_end(&f->grid);
}

/* Return the field of the report column with `header`, or "(none)" for an unmapped one. */
static const char *report_field(const ky_book *book, const char *header)
{
    const ky_sheet_report *report = &book->sheets[0];
    for (size_t i = 0; i < report->column_count; i++) {
        if (strcmp(report->columns[i].header, header) == 0)
            return report->columns[i].field ? report->columns[i].field : "(none)";
    }
    fail_msg("no column \"%s\" in the report", header);
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Applying                                                                 */
/* ------------------------------------------------------------------------ */

static void test_apply__field_moves_to_column(void **state)
{
    fixture *f = *state;
    risk_sheet(f);
    load(f, HEADER_ROW "*,リスク,1,risks,G,備考,lesson_id,\n");
    assert_int_equal(map_with_file(f), 0);

    assert_int_equal(f->book->risk_count, 1);
    const ky_risk *risk = &f->book->risks[0];
    assert_string_equal(risk->lesson_id, "G7");
    assert_string_equal(risk->impact, "全面停止");
    assert_int_equal(risk->extras.count, 0);
    assert_string_equal(report_field(f->book, "備考"), "lesson_id");
}

static void test_apply__detected_field_taken_over(void **state)
{
    fixture *f = *state;
    risk_sheet(f);
    load(f, HEADER_ROW "*,リスク,1,,G,備考,response,\n");
    assert_int_equal(map_with_file(f), 0);

    const ky_risk *risk = &f->book->risks[0];
    assert_string_equal(risk->response, "G7");
    /* 想定対応方法 lost its field, so its value is kept as an extra value. */
    assert_string_equal(report_field(f->book, "想定対応方法"), "(none)");
    assert_int_equal(risk->extras.count, 1);
    assert_string_equal(risk->extras.items[0].header, "想定対応方法");
    assert_string_equal(risk->extras.items[0].value, "予備機へ切替");
}

static void test_apply__empty_field_leaves_unmapped(void **state)
{
    fixture *f = *state;
    risk_sheet(f);
    load(f, HEADER_ROW "*,リスク,1,risks,C,影響内容,,\n");
    assert_int_equal(map_with_file(f), 0);

    const ky_risk *risk = &f->book->risks[0];
    assert_null(risk->impact);
    assert_string_equal(report_field(f->book, "影響内容"), "(none)");
    /* Only 備考, which the file does not name, is warned about as unmapped. */
    int i = captured_find(&f->seen, "mapping.unmapped-columns");
    assert_true(i >= 0);
    assert_non_null(strstr(f->seen.messages[i], "\"備考\""));
    assert_null(strstr(f->seen.messages[i], "影響内容"));
    assert_int_equal(risk->extras.count, 2);
    assert_string_equal(risk->extras.items[0].header, "影響内容");
    assert_string_equal(risk->extras.items[0].value, "全面停止");
}

static void test_apply__missing_header_names_row(void **state)
{
    fixture *f = *state;
    risk_sheet(f);
    load(f, HEADER_ROW "*,リスク,1,risks,B,リスク内容,content,\n*,リスク,1,risks,H,対策,response,\n");
    assert_int_equal(map_with_file(f), KY_EPARSE);

    const ky_error *error = ky_error_last(f->ctx);
    assert_non_null(error);
    assert_string_equal(error->loc.file, f->path);
    assert_int_equal(error->loc.row, 3);
    assert_non_null(strstr(error->message, "\"対策\""));
    assert_non_null(strstr(error->message, INPUT));
    assert_non_null(strstr(error->message, "\"備考\""));
}

static void test_apply__kind_set_for_unknown_table(void **state)
{
    fixture *f = *state;
    unknown_kind_sheet(f);
    load(f, HEADER_ROW "*,Sheet1,1,risks,A,カテゴリー,category,\n*,Sheet1,1,risks,B,影響内容,content,\n");
    assert_int_equal(map_with_file(f), 0);

    assert_int_equal(f->book->sheets[0].kind, KY_TABLE_RISKS);
    assert_int_equal(f->book->risk_count, 1);
    assert_string_equal(f->book->risks[0].category, "可用性");
    assert_string_equal(f->book->risks[0].content, "全面停止");
    assert_string_equal(f->book->risks[0].extras.items[0].header, "メモ");
}

static void test_apply__unknown_kind_warned(void **state)
{
    fixture *f = *state;
    unknown_kind_sheet(f);
    load(f, HEADER_ROW "*,Sheet1,1,,B,影響内容,content,\n");
    assert_int_equal(map_with_file(f), 0);

    assert_int_equal(f->book->sheets[0].kind, KY_TABLE_UNKNOWN);
    assert_int_equal(f->book->risk_count, 0);
    int i = captured_find(&f->seen, "mapping.file-no-kind");
    assert_true(i >= 0);
    assert_string_equal(f->seen.files[i], f->path);
    assert_int_equal(f->seen.rows[i], 2);
}

static void test_apply__file_pattern_selects_inputs(void **state)
{
    fixture *f = *state;
    risk_sheet(f);
    load(f, HEADER_ROW "other*.xlsx,リスク,1,risks,G,備考,lesson_id,\n"
                      "2024*.xlsx,リスク,1,risks,C,影響内容,,\n");
    assert_int_equal(map_with_file(f), 0);

    const ky_risk *risk = &f->book->risks[0];
    assert_null(risk->lesson_id);
    assert_null(risk->impact);
    /* A row for other inputs is not "unused" for this one. */
    assert_int_equal(captured_count(&f->seen, "mapping.file-unused"), 0);
}

static void test_apply__column_letter_for_repeated_header(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "リスク");
    ROW(&f->grid, 0, T(0, "リスク内容"), T(1, "A:影響度"), T(2, "B:発生度"), T(3, "備考"),
        T(4, "備考"));
    ROW(&f->grid, 1, T(0, "装置故障"), T(1, "3"), T(2, "2"), T(3, "メモ"), T(4, "G7"));
    grid_end(&f->grid);
    load(f, HEADER_ROW "*,リスク,1,risks,E,備考,lesson_id,\n");
    assert_int_equal(map_with_file(f), 0);
    assert_string_equal(f->book->risks[0].lesson_id, "G7");
}

static void test_apply__unused_rows_warned(void **state)
{
    fixture *f = *state;
    risk_sheet(f);
    load(f, HEADER_ROW "*,リスク,1,risks,G,備考,lesson_id,\n*,Risks2,1,risks,A,No.,no,\n"
                      "*,Risks2,1,risks,B,リスク内容,content,\n");
    assert_int_equal(map_with_file(f), 0);

    assert_int_equal(captured_count(&f->seen, "mapping.file-unused"), 1);
    int i = captured_find(&f->seen, "mapping.file-unused");
    assert_string_equal(f->seen.files[i], f->path);
    assert_int_equal(f->seen.rows[i], 3);
    assert_non_null(strstr(f->seen.messages[i], "Risks2"));
}

static void test_apply__unmapped_columns_warned_once(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "リスク");
    ROW(&f->grid, 0, T(0, "リスク内容"), T(1, "A:影響度"), T(2, "B:発生度"), T(3, "備考"),
        T(4, "担当"));
    ROW(&f->grid, 1, T(0, "装置故障"), T(1, "3"), T(2, "2"), T(3, "メモ"), T(4, "佐藤"));
    ROW(&f->grid, 2, T(0, "証明書切れ"), T(1, "2"), T(2, "2"), T(3, "メモ2"), T(4, "鈴木"));
    grid_end(&f->grid);
    assert_int_equal(ky_mapping__add_grid(f->ctx, f->book, &f->grid, INPUT, NULL), 0);

    assert_int_equal(captured_count(&f->seen, "mapping.unmapped-columns"), 1);
    int i = captured_find(&f->seen, "mapping.unmapped-columns");
    assert_int_equal(f->seen.rows[i], 1);
    assert_non_null(strstr(f->seen.messages[i], "D \"備考\""));
    assert_non_null(strstr(f->seen.messages[i], "E \"担当\""));
    assert_int_equal(f->book->risks[1].extras.count, 2);
    assert_string_equal(f->book->risks[1].extras.items[1].value, "鈴木");
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                  */
/* ------------------------------------------------------------------------ */

static void test_load__errors_located(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *text;
        int status;
        uint32_t row;
        uint32_t col;
        const char *words; /* expected in the message */
    } cases[] = {
        {HEADER_ROW "*,リスク,1,risks,C,影響内容,impakt,\n", KY_EPARSE, 2, 7, "unknown field \"impakt\""},
        {HEADER_ROW "*,リスク,1,risks,C,影響内容,summary,\n", KY_EPARSE, 2, 7, "for a table of kind risks"},
        {HEADER_ROW "*,リスク,1,,C,影響内容,nosuch,\n", KY_EPARSE, 2, 7, "unknown field"},
        {"sheet,head,field\n", KY_EPARSE, 1, 2, "unknown column \"head\""},
        {"sheet,header\n", KY_EPARSE, 1, 0, "no \"field\" column"},
        {"sheet,header,field,sheet\n", KY_EPARSE, 1, 4, "appears twice"},
        {HEADER_ROW "*,リスク,1,risk,C,影響内容,impact,\n", KY_EPARSE, 2, 4, "invalid kind"},
        {HEADER_ROW "*,リスク,1,risks,C1,影響内容,impact,\n", KY_EPARSE, 2, 5, "invalid column"},
        {HEADER_ROW "*,リスク,0,risks,C,影響内容,impact,\n", KY_EPARSE, 2, 3, "invalid table"},
        {HEADER_ROW "*,リスク,x,risks,C,影響内容,impact,\n", KY_EPARSE, 2, 3, "invalid table"},
        {HEADER_ROW "*,,1,risks,C,影響内容,impact,\n", KY_EPARSE, 2, 2, "the sheet is empty"},
        {HEADER_ROW "*,リスク,1,risks,,,impact,\n", KY_EPARSE, 2, 6, "names no column"},
        {HEADER_ROW "*,リスク,1,risks,B,リスク内容,content,\n*,リスク,1,risks,C,影響内容,content,\n",
         KY_EPARSE, 3, 7, "row 2"},
        {HEADER_ROW "*,リスク,1,risks,C,影響内容,impact,\n*,リスク,1,risks,C,影響内容,,\n",
         KY_EPARSE, 3, 6, "already mapped in row 2"},
        {HEADER_ROW "*,リスク,1,risks,C,影響内容,impact,\n*,リスク,1,incidents,D,概要,summary,\n",
         KY_EPARSE, 3, 4, "a table has one kind"},
        {"", KY_EPARSE, 0, 0, "the mapping file is empty"},
        {"a,\"b\n", KY_EPARSE, 0, 0, "quote"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(f, "bad.csv", cases[i].text, strlen(cases[i].text));
        ky_mapping_file *mapping = NULL;
        int status = ky_mapping_file_load(f->ctx, f->path, &mapping);
        if (status != cases[i].status)
            fail_msg("case %zu: expected status %d, got %d", i, cases[i].status, status);
        assert_null(mapping);
        const ky_error *error = ky_error_last(f->ctx);
        assert_non_null(error);
        if (cases[i].row != 0 && error->loc.row != cases[i].row)
            fail_msg("case %zu: expected row %u, got %u", i, cases[i].row, error->loc.row);
        if (cases[i].col != 0 && error->loc.col != cases[i].col)
            fail_msg("case %zu: expected column %u, got %u", i, cases[i].col, error->loc.col);
        if (!strstr(error->message, cases[i].words))
            fail_msg("case %zu: \"%s\" not in \"%s\"", i, cases[i].words, error->message);
        ky_error_clear(f->ctx);
    }
}

static void test_load__binary_and_big_files(void **state)
{
    fixture *f = *state;
    static const char zip[] = "PK\x03\x04\x14\x00\x00\x00\x08\x00";
    write_file(f, "map.xlsx", zip, sizeof zip - 1);
    ky_mapping_file *mapping = NULL;
    assert_int_equal(ky_mapping_file_load(f->ctx, f->path, &mapping), KY_EPARSE);
    assert_non_null(strstr(ky_error_last(f->ctx)->message, "not a CSV text file"));

    size_t size = KY_MAPPING_FILE_MAX_BYTES + 1;
    char *big = malloc(size);
    assert_non_null(big);
    memset(big, 'a', size);
    write_file(f, "big.csv", big, size);
    free(big);
    assert_int_equal(ky_mapping_file_load(f->ctx, f->path, &mapping), KY_ELIMIT);
    assert_non_null(strstr(ky_error_last(f->ctx)->message, "too big"));
    assert_null(mapping);
}

static void test_load__columns_in_any_order_and_cp932(void **state)
{
    fixture *f = *state;
    risk_sheet(f);
    /* "field,header,sheet" then "lesson_id,備考,リスク" in CP932. */
    static const char cp932[] = "field,header,sheet\r\nlesson_id,\x94\xF5\x8D\x6C,\x83\x8A\x83\x58\x83\x4E\r\n";
    write_file(f, "map-cp932.csv", cp932, sizeof cp932 - 1);
    assert_int_equal(ky_mapping_file_load(f->ctx, f->path, &f->mapping), 0);
    assert_int_equal(map_with_file(f), 0);
    assert_string_equal(f->book->risks[0].lesson_id, "G7");
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */
/* ------------------------------------------------------------------------ */

static char *read_all(const char *path, size_t *size)
{
    FILE *in = fopen(path, "rb");
    assert_non_null(in);
    char *data = calloc(1, 1 << 16);
    *size = fread(data, 1, (1 << 16) - 1, in);
    fclose(in);
    return data;
}

static void test_write__bom_header_and_rows(void **state)
{
    fixture *f = *state;
    risk_sheet(f);
    assert_int_equal(ky_mapping__add_grid(f->ctx, f->book, &f->grid, INPUT, NULL), 0);
    snprintf(f->path, sizeof f->path, "%s/written.csv", f->dir);
    assert_int_equal(ky_mapping_file_write(f->ctx, f->book, f->path), 0);

    size_t size;
    char *data = read_all(f->path, &size);
    char expected[64];
    snprintf(expected, sizeof expected, "%d", f->book->sheets[0].confidence);
    char line[256];
    assert_memory_equal(data, "\xEF\xBB\xBF", 3);
    assert_non_null(strstr(data, "\xEF\xBB\xBF" "file,sheet,table,kind,column,header,field,confidence\r\n"));
    snprintf(line, sizeof line, "*,リスク,1,risks,C,影響内容,impact,%s\r\n", expected);
    assert_non_null(strstr(data, line));
    snprintf(line, sizeof line, "*,リスク,1,risks,G,備考,,%s\r\n", expected);
    assert_non_null(strstr(data, line));
    free(data);
}

static void test_write__headers_on_one_line(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "リスク");
    ROW(&f->grid, 0, T(0, "リスク内容"), T(1, "A:影響度\n（高：３～低：１）"), T(2, "B:発生度"),
        T(3, "備考, その他"));
    ROW(&f->grid, 1, T(0, "装置故障"), T(1, "3"), T(2, "2"), T(3, "メモ"));
    grid_end(&f->grid);
    assert_int_equal(ky_mapping__add_grid(f->ctx, f->book, &f->grid, INPUT, NULL), 0);
    snprintf(f->path, sizeof f->path, "%s/written.csv", f->dir);
    assert_int_equal(ky_mapping_file_write(f->ctx, f->book, f->path), 0);

    size_t size;
    char *data = read_all(f->path, &size);
    assert_non_null(strstr(data, ",B,A:影響度 （高：３～低：１）,a,"));
    assert_non_null(strstr(data, ",D,\"備考, その他\",,"));
    free(data);

    /* The written file loads and maps the same table again, with the same confidence. */
    int confidence = f->book->sheets[0].confidence;
    assert_int_equal(ky_mapping_file_load(f->ctx, f->path, &f->mapping), 0);
    ky_book_free(f->book);
    f->book = ky_book_new();
    assert_int_equal(map_with_file(f), 0);
    assert_int_equal(f->book->risks[0].a, 3);
    assert_int_equal(f->book->sheets[0].confidence, confidence);
}

static void test_write__unwritable_path_reported(void **state)
{
    fixture *f = *state;
    risk_sheet(f);
    assert_int_equal(ky_mapping__add_grid(f->ctx, f->book, &f->grid, INPUT, NULL), 0);
    snprintf(f->path, sizeof f->path, "%s/no-such-folder/map.csv", f->dir);
    assert_int_equal(ky_mapping_file_write(f->ctx, f->book, f->path), KY_EIO);
    assert_string_equal(ky_error_last(f->ctx)->loc.file, f->path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_apply__field_moves_to_column, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply__detected_field_taken_over, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply__empty_field_leaves_unmapped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply__missing_header_names_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply__kind_set_for_unknown_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply__unknown_kind_warned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply__file_pattern_selects_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply__column_letter_for_repeated_header, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_apply__unused_rows_warned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply__unmapped_columns_warned_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load__errors_located, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load__binary_and_big_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load__columns_in_any_order_and_cp932, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write__bom_header_and_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write__headers_on_one_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write__unwritable_path_reported, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
