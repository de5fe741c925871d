/* SPDX-License-Identifier: MIT */
/* Tests for risk tables: reading A and B, computing C = A x B and the response threshold. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"
#include "kyokun/book.h"
#include "kyokun/diag.h"
#include "mapping.h"
#include "support/grid_test.h"

#define T(c, s) ((ky_cell){.col = (c), .type = KY_CELL_TEXT, .text = (s), .len = strlen(s)})
#define N(c, v) ((ky_cell){.col = (c), .type = KY_CELL_NUMBER, .number = (v)})
#define ROW(g, r, ...) \
    grid_row((g), (r), (const ky_cell[]){__VA_ARGS__}, \
            sizeof((const ky_cell[]){__VA_ARGS__}) / sizeof(ky_cell))

typedef struct fixture {
    ky_grid grid;
    ky_ctx *ctx;
    ky_book *book;
    captured seen;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->ctx = ky_ctx_new();
    f->book = ky_book_new();
    ky_ctx_set_handler(f->ctx, capture, KY_SEV_WARNING, &f->seen);
    ky_grid__init(&f->grid, f->ctx, "risks.xlsx");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ky_grid__free(&f->grid);
    ky_book_free(f->book);
    ky_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Begin a risk sheet with the header of the IPA/SEC lesson guide's risk table, cells as written there. */
static void begin_risk_sheet(fixture *f)
{
    ky_sheet_info info = {.name = "リスク管理表", .index = 0};
    assert_int_equal(ky_grid__sink()->sheet_begin(&f->grid, &info), KY_SINK_OK);
    ROW(&f->grid, 0, T(0, "No."), T(1, "カテゴリー"), T(2, "リスク内容"), T(3, "影響内容"),
        T(4, "A:影響度\n（高：３～\n低：１）"), T(5, "B:発生度\n（高：３～\n低：１）"),
        T(6, "C:リスク値\n（A×B）"), T(7, "発生判定\n基準（５以上）"), T(8, "想定対応方法"));
}

/* Add a risk row with A and B in columns 4 and 5. */
static void risk_row(fixture *f, uint32_t row, ky_cell a, ky_cell b)
{
    a.col = 4;
    b.col = 5;
    ROW(&f->grid, row, N(0, row), T(1, "サービス継続・可用性"), T(2, "事業継続に対応できない"), a, b);
}

static void map(fixture *f, int threshold)
{
    assert_int_equal(ky_grid__sink()->sheet_end(&f->grid), KY_SINK_OK);
    ky_map_options options;
    ky_map_options_init(&options);
    options.threshold = threshold;
    assert_int_equal(ky_mapping__add_grid(f->ctx, f->book, &f->grid, "risks.xlsx", &options), 0);
}

static void test_risk_header__guide_columns_mapped(void **state)
{
    fixture *f = *state;
    begin_risk_sheet(f);
    risk_row(f, 1, N(0, 3), N(0, 1));
    map(f, 5);

    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_RISKS);
    assert_int_equal(report->column_count, 9);
    assert_string_equal(report->columns[4].field, "a");
    assert_string_equal(report->columns[5].field, "b");
    assert_string_equal(report->columns[6].field, "c");
    assert_string_equal(report->columns[7].field, "decision");
    assert_string_equal(report->columns[8].field, "response");
    assert_string_equal(report->columns[0].field, "no");
    assert_int_equal(report->confidence, 100);
}

static void test_risk_levels__high_spellings(void **state)
{
    fixture *f = *state;
    begin_risk_sheet(f);
    risk_row(f, 1, N(0, 3), T(0, "３"));
    risk_row(f, 2, T(0, "高"), T(0, "H"));
    risk_row(f, 3, T(0, "大"), T(0, "h"));
    risk_row(f, 4, T(0, "3"), T(0, " 高 "));
    map(f, 5);

    assert_int_equal(f->book->risk_count, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(f->book->risks[i].a, 3);
        assert_int_equal(f->book->risks[i].b, 3);
        assert_int_equal(f->book->risks[i].c, 9);
    }
    assert_string_equal(f->book->risks[1].a_text, "高");
    assert_int_equal(f->seen.count, 0);
}

static void test_risk_levels__medium_and_low(void **state)
{
    fixture *f = *state;
    begin_risk_sheet(f);
    risk_row(f, 1, T(0, "中"), T(0, "低"));
    risk_row(f, 2, T(0, "M"), T(0, "L"));
    risk_row(f, 3, T(0, "２"), T(0, "小"));
    map(f, 5);

    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(f->book->risks[i].a, 2);
        assert_int_equal(f->book->risks[i].b, 1);
        assert_int_equal(f->book->risks[i].c, 2);
    }
}

static void test_risk_levels__invalid_kept_with_warning(void **state)
{
    fixture *f = *state;
    begin_risk_sheet(f);
    risk_row(f, 1, T(0, "高い"), N(0, 2));
    map(f, 5);

    const ky_risk *risk = &f->book->risks[0];
    assert_string_equal(risk->a_text, "高い");
    assert_int_equal(risk->a, 0);
    assert_int_equal(risk->b, 2);
    assert_int_equal(risk->c, 0);
    assert_false(risk->needs_response);
    assert_int_equal(f->seen.count, 1);
    assert_string_equal(f->seen.codes[0], "mapping.invalid-level");
    assert_int_equal(f->seen.rows[0], 2);
    assert_int_equal(f->seen.cols[0], 5);
    assert_non_null(strstr(f->seen.messages[0], "\"高い\""));
    assert_non_null(strstr(f->seen.messages[0], "1-3 or 高/中/低"));
    assert_int_equal(f->book->sheets[0].rows_mapped, 1);
}

static void test_risk_levels__out_of_range_numbers(void **state)
{
    fixture *f = *state;
    begin_risk_sheet(f);
    risk_row(f, 1, N(0, 5), N(0, 0));
    risk_row(f, 2, N(0, 2.5), T(0, "4"));
    map(f, 5);

    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(f->book->risks[i].a, 0);
        assert_int_equal(f->book->risks[i].b, 0);
    }
    assert_string_equal(f->book->risks[0].a_text, "5");
    assert_string_equal(f->book->risks[0].b_text, "0");
    assert_int_equal(f->seen.count, 4);
}

/* Rows for every C that A x B can take: 1, 2, 3, 4, 6, 9. */
static void all_products(fixture *f)
{
    static const int levels[][2] = {{1, 1}, {1, 2}, {3, 1}, {2, 2}, {3, 2}, {3, 3}};
    for (uint32_t i = 0; i < 6; i++)
        risk_row(f, i + 1, N(0, levels[i][0]), N(0, levels[i][1]));
}

static void test_risk_threshold__default_flags_6_and_9(void **state)
{
    fixture *f = *state;
    begin_risk_sheet(f);
    all_products(f);
    map(f, 5);

    static const int expected_c[] = {1, 2, 3, 4, 6, 9};
    static const bool expected_flag[] = {false, false, false, false, true, true};
    assert_int_equal(f->book->threshold, 5);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(f->book->risks[i].c, expected_c[i]);
        assert_int_equal(f->book->risks[i].needs_response, expected_flag[i]);
    }
}

static void test_risk_threshold__4_flags_4(void **state)
{
    fixture *f = *state;
    begin_risk_sheet(f);
    all_products(f);
    map(f, 4);

    assert_int_equal(f->book->threshold, 4);
    assert_false(f->book->risks[2].needs_response);
    assert_true(f->book->risks[3].needs_response);
    assert_true(f->book->risks[4].needs_response);
}

static void test_risk_value__typed_c_disagrees(void **state)
{
    fixture *f = *state;
    begin_risk_sheet(f);
    ROW(&f->grid, 1, N(0, 1), T(2, "障害発生時の事業継続"), N(4, 3), N(5, 1), N(6, 3));
    ROW(&f->grid, 2, N(0, 2), T(2, "情報共有の不足"), N(4, 3), N(5, 2), N(6, 5));
    map(f, 5);

    assert_int_equal(f->book->risks[0].c_typed, 3);
    assert_string_equal(f->book->risks[0].c_text, "3");
    assert_int_equal(f->book->risks[1].c_typed, 5);
    assert_int_equal(f->book->risks[1].c, 6);
    assert_int_equal(f->seen.count, 1);
    assert_string_equal(f->seen.codes[0], "mapping.risk-value-mismatch");
    assert_int_equal(f->seen.rows[0], 3);
    assert_int_equal(f->seen.cols[0], 7);
    assert_non_null(strstr(f->seen.messages[0], "is 5"));
    assert_non_null(strstr(f->seen.messages[0], "3 x 2 = 6"));
}

static void test_risk_value__unreadable_c_kept(void **state)
{
    fixture *f = *state;
    begin_risk_sheet(f);
    ROW(&f->grid, 1, N(0, 1), T(2, "障害発生時の事業継続"), N(4, 3), N(5, 3), T(6, "高"));
    map(f, 5);

    assert_string_equal(f->book->risks[0].c_text, "高");
    assert_int_equal(f->book->risks[0].c_typed, 0);
    assert_int_equal(f->book->risks[0].c, 9);
    assert_string_equal(f->seen.codes[0], "mapping.invalid-risk-value");
}

static void test_risk_guide_row__values_and_origin(void **state)
{
    fixture *f = *state;
    begin_risk_sheet(f);
    ROW(&f->grid, 1, N(0, 1), T(1, "サービス継続・\n可用性"), T(2, "障害発生時の事業継続/顧客サービスに対応できなくなる"),
        T(3, "顧客へのサービス提供の停止"), N(4, 3), N(5, 1), N(6, 3), N(7, 3),
        T(8, "手作業による事務処理マニュアルの作成を行う"));
    map(f, 5);

    const ky_risk *risk = &f->book->risks[0];
    assert_string_equal(risk->no, "1");
    assert_string_equal(risk->category, "サービス継続・\n可用性");
    assert_string_equal(risk->impact, "顧客へのサービス提供の停止");
    assert_string_equal(risk->decision_text, "3");
    assert_string_equal(risk->response, "手作業による事務処理マニュアルの作成を行う");
    assert_int_equal(risk->c, 3);
    assert_false(risk->needs_response);
    assert_string_equal(risk->origin.file, "risks.xlsx");
    assert_string_equal(risk->origin.sheet, "リスク管理表");
    assert_int_equal(risk->origin.row, 2);
    assert_int_equal(f->seen.count, 0);
}

/* Begin a risk sheet with short headers, so that messages name the column "判定". */
static void begin_short_risk_sheet(fixture *f)
{
    ky_sheet_info info = {.name = "リスク管理表", .index = 0};
    assert_int_equal(ky_grid__sink()->sheet_begin(&f->grid, &info), KY_SINK_OK);
    ROW(&f->grid, 0, T(0, "No."), T(1, "リスク内容"), T(2, "A 影響度"), T(3, "B 発生度"),
        T(4, "C リスク値"), T(5, "判定"));
}

static void test_risk_decision__contradiction_warned(void **state)
{
    fixture *f = *state;
    begin_short_risk_sheet(f);
    ROW(&f->grid, 1, N(0, 1), T(1, "情報共有の不足"), N(2, 2), T(3, "中"), N(4, 4), T(5, "対応要"));
    map(f, 5);

    const ky_risk *risk = &f->book->risks[0];
    assert_int_equal(risk->c, 4);
    assert_false(risk->needs_response);
    assert_string_equal(risk->decision_text, "対応要");
    assert_int_equal(f->seen.count, 1);
    assert_string_equal(f->seen.codes[0], "mapping.risk-decision-mismatch");
    assert_int_equal(f->seen.rows[0], 2);
    assert_int_equal(f->seen.cols[0], 6);
    assert_string_equal(f->seen.messages[0],
                        "decision \"対応要\" in column \"判定\" contradicts the risk value C = 4 "
                        "with threshold 5 (needs a response from 5): the computed decision "
                        "対応不要 is used");
}

static void test_risk_decision__spellings_recognised(void **state)
{
    fixture *f = *state;
    begin_short_risk_sheet(f);
    /* A = 3 and B = 3 give C = 9, which needs a response: every accept spelling contradicts it. */
    static const char *const accepts[] = {"対応不要", "不要", "×", "No", "Accept", "N", " ＡＣＣＥＰＴ "};
    /* A = 1 and B = 1 give C = 1: every respond spelling contradicts it. */
    static const char *const responds[] = {"対応要", "要対応", "要", "対応必要", "○", "Yes",
                                           "Respond", "Y", "ｙｅｓ"};
    size_t accept_count = sizeof accepts / sizeof accepts[0];
    size_t respond_count = sizeof responds / sizeof responds[0];
    uint32_t row = 1;
    for (size_t i = 0; i < accept_count; i++, row++)
        ROW(&f->grid, row, N(0, row), T(1, "停止"), N(2, 3), N(3, 3), T(5, accepts[i]));
    for (size_t i = 0; i < respond_count; i++, row++)
        ROW(&f->grid, row, N(0, row), T(1, "停止"), N(2, 1), N(3, 1), T(5, responds[i]));
    map(f, 5);

    assert_int_equal(f->book->risk_count, accept_count + respond_count);
    assert_int_equal(f->seen.count, accept_count + respond_count);
    for (size_t i = 0; i < f->seen.count; i++) {
        assert_string_equal(f->seen.codes[i], "mapping.risk-decision-mismatch");
        assert_int_equal(f->seen.rows[i], i + 2);
    }
    assert_non_null(strstr(f->seen.messages[0], "the computed decision 対応要 is used"));
    assert_non_null(strstr(f->seen.messages[accept_count],
                           "the computed decision 対応不要 is used"));
}

static void test_risk_decision__agreeing_or_unknown_silent(void **state)
{
    fixture *f = *state;
    begin_short_risk_sheet(f);
    /* Decisions that agree with C, texts that are not decisions, and a row
       whose C is unknown because B is missing. */
    ROW(&f->grid, 1, N(0, 1), T(1, "停止"), N(2, 3), N(3, 2), T(5, "対応要"));
    ROW(&f->grid, 2, N(0, 2), T(1, "遅延"), N(2, 1), N(3, 2), T(5, "対応不要"));
    ROW(&f->grid, 3, N(0, 3), T(1, "誤表示"), N(2, 1), N(3, 1), T(5, "検討中"));
    ROW(&f->grid, 4, N(0, 4), T(1, "誤送信"), N(2, 3), N(3, 3), N(5, 3));
    ROW(&f->grid, 5, N(0, 5), T(1, "漏えい"), N(2, 3), T(5, "不要"));
    map(f, 5);

    assert_int_equal(f->book->risk_count, 5);
    assert_int_equal(f->seen.count, 0);
}

static void test_risk_decision__threshold_4_changes_decision(void **state)
{
    fixture *f = *state;
    begin_short_risk_sheet(f);
    ROW(&f->grid, 1, N(0, 1), T(1, "情報共有の不足"), N(2, 2), N(3, 2), T(5, "対応不要"));
    map(f, 4);

    assert_true(f->book->risks[0].needs_response);
    assert_int_equal(f->seen.count, 1);
    assert_non_null(strstr(f->seen.messages[0], "C = 4 with threshold 4 (needs a response from 4)"));
    assert_non_null(strstr(f->seen.messages[0], "the computed decision 対応要 is used"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_risk_header__guide_columns_mapped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_levels__high_spellings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_levels__medium_and_low, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_levels__invalid_kept_with_warning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_levels__out_of_range_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_threshold__default_flags_6_and_9, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_threshold__4_flags_4, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_value__typed_c_disagrees, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_value__unreadable_c_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_guide_row__values_and_origin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_decision__contradiction_warned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_decision__spellings_recognised, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_decision__agreeing_or_unknown_silent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_decision__threshold_4_changes_decision, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
