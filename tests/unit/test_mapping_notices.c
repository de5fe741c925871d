/* SPDX-License-Identifier: MIT */
/*
 * Tests of the messages that tell a user where rows went: a warning per row
 * skipped as unreadable (capped per table), a warning per hidden sheet that
 * gave records, and the row count of a sheet without a header. Grids are
 * built in memory through the sink, as in test_mapping.c.
 */
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

#define INPUT "/data/incidents.xlsx"

typedef struct fixture {
    ky_grid grid;
    ky_ctx *ctx;
    ky_book *book;
    captured seen;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->ctx = ky_ctx_new();
    f->book = ky_book_new();
    ky_ctx_set_handler(f->ctx, capture, KY_SEV_WARNING, &f->seen);
    ky_grid__init(&f->grid, f->ctx, INPUT);
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

static void map(fixture *f)
{
    assert_int_equal(ky_mapping__add_grid(f->ctx, f->book, &f->grid, INPUT, NULL), 0);
}

/* Return the index of the first message with `code` from `start` on, failing the test
 * when there is none. */
static size_t find_code_from(const captured *seen, const char *code, size_t start)
{
    for (size_t i = start; i < seen->count; i++) {
        if (strcmp(seen->codes[i], code) == 0)
            return i;
    }
    fail_msg("no message %s among the %zu messages from %zu on", code, seen->count, start);
    return 0;
}

static size_t find_code(const captured *seen, const char *code)
{
    return find_code_from(seen, code, 0);
}

/* An incident list whose header maps 障害の概要, 発生日 and 主な原因 but not 備考. */
static void incident_header(fixture *f, const char *sheet, ky_visibility visibility)
{
    grid_begin_visibility(&f->grid, sheet, visibility);
    ROW(&f->grid, 0, T(0, "障害の概要"), T(1, "発生日"), T(2, "主な原因"), T(3, "備考"));
}

/* ------------------------------------------------------------------------ */
/* Unreadable rows                                                          */
/* ------------------------------------------------------------------------ */

static void test_unreadable__row_named(void **state)
{
    fixture *f = *state;
    incident_header(f, "一覧", KY_SHEET_VISIBLE);
    ROW(&f->grid, 1, T(0, "バッチ遅延"), T(1, "2024/4/1"), T(2, "バグ"));
    ROW(&f->grid, 2, T(3, "来週確認"));
    ROW(&f->grid, 3, T(0, "画面停止"), T(1, "2024/4/2"));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->sheets[0].skipped.unreadable, 1);
    assert_int_equal(captured_count(&f->seen, "mapping.unreadable-row"), 1);
    size_t i = find_code(&f->seen, "mapping.unreadable-row");
    assert_string_equal(f->seen.sheets[i], "一覧");
    assert_int_equal(f->seen.rows[i], 3);
    const char *message = f->seen.messages[i];
    assert_non_null(strstr(message, "values in D \"備考\","));
    assert_non_null(strstr(message, "(A \"障害の概要\", B \"発生日\", C \"主な原因\")"));
    assert_non_null(strstr(message, "-m"));
}

static void test_unreadable__risk_keys_listed(void **state)
{
    fixture *f = *state;
    grid_begin_visibility(&f->grid, "リスク管理表", KY_SHEET_VISIBLE);
    ROW(&f->grid, 0, T(0, "No."), T(1, "カテゴリー"), T(2, "リスク内容"), T(3, "A:影響度"),
        T(4, "B:発生度"), T(5, "想定対応方法"));
    ROW(&f->grid, 1, N(0, 1), T(1, "運用"), T(2, "手順漏れ"), N(3, 3), N(4, 2));
    ROW(&f->grid, 2, N(0, 2), T(5, "手順書の見直し"));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->risk_count, 1);
    size_t i = find_code(&f->seen, "mapping.unreadable-row");
    assert_int_equal(f->seen.rows[i], 3);
    assert_non_null(strstr(f->seen.messages[i], "values in A \"No.\", F \"想定対応方法\","));
    assert_non_null(strstr(f->seen.messages[i],
                           "(B \"カテゴリー\", C \"リスク内容\", D \"A:影響度\", E \"B:発生度\")"));
}

static void test_unreadable__capped_per_table(void **state)
{
    fixture *f = *state;
    incident_header(f, "一覧", KY_SHEET_VISIBLE);
    ROW(&f->grid, 1, T(0, "バッチ遅延"), T(1, "2024/4/1"));
    for (uint32_t r = 2; r < 2 + 23; r++)
        ROW(&f->grid, r, T(3, "メモ"), T(4, "追記"));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->sheets[0].skipped.unreadable, 23);
    /* 20 rows one by one, then one message counting the other 3. */
    assert_int_equal(captured_count(&f->seen, "mapping.unreadable-row"), 21);
    size_t first = find_code(&f->seen, "mapping.unreadable-row");
    assert_int_equal(f->seen.rows[first], 3);
    assert_int_equal(f->seen.rows[first + 19], 22);
    /* A column with no header is named by its letter. */
    assert_non_null(strstr(f->seen.messages[first], "values in D \"備考\", E,"));
    const char *last = f->seen.messages[first + 20];
    assert_int_equal(f->seen.rows[first + 20], 0);
    assert_non_null(strstr(last, "3 more rows of the table in rows 1-25"));
    assert_non_null(strstr(last, "first 20"));
}

static void test_unreadable__no_header_not_repeated(void **state)
{
    fixture *f = *state;
    grid_begin_visibility(&f->grid, "メモ", KY_SHEET_VISIBLE);
    ROW(&f->grid, 0, T(0, "打合せメモ"));
    ROW(&f->grid, 2, T(0, "来週までに確認"), T(1, "佐藤"));
    ROW(&f->grid, 3, T(0, "資料を送付"));
    ROW(&f->grid, 4, T(0, "議事録"), T(1, "鈴木"));
    grid_end(&f->grid);
    map(f);

    /* The sheet warning covers its rows, so they get no message each. */
    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->skipped.unreadable, 4);
    assert_int_equal(report->skipped.blank, 1);
    assert_int_equal(captured_count(&f->seen, "mapping.unreadable-row"), 0);
    size_t i = find_code(&f->seen, "mapping.no-header");
    /* The count in the message is the one `inspect` shows: 5 skipped, the blank row included. */
    assert_non_null(strstr(f->seen.messages[i], "so 5 rows were skipped."));
}

static void test_unreadable__no_table_count_agrees(void **state)
{
    fixture *f = *state;
    /* A notices table: its header names fields, but no kind's required ones. */
    grid_begin_visibility(&f->grid, "お知らせ", KY_SHEET_VISIBLE);
    ROW(&f->grid, 0, T(0, "お知らせ一覧"));
    ROW(&f->grid, 1, T(0, "ID"), T(1, "タイトル"), T(2, "本文"), T(3, "重要度"), T(4, "作成日時"));
    ROW(&f->grid, 3, N(0, 1), T(1, "ようこそ"), T(2, "<p>本文</p>"), N(3, 3),
        T(4, "2019-01-04 18:48:15"));
    ROW(&f->grid, 4, N(0, 2), T(1, "テーブルの追加"), T(2, "<p>手順</p>"), N(3, 1),
        T(4, "2019-01-05 09:00:00"));
    grid_end(&f->grid);
    map(f);

    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_UNKNOWN);
    size_t skipped = report->skipped.blank + report->skipped.title + report->skipped.header +
                     report->skipped.note + report->skipped.unreadable;
    assert_int_equal(report->rows_total, 5);
    assert_int_equal(skipped, 5);
    size_t i = find_code(&f->seen, "mapping.no-table");
    assert_non_null(strstr(f->seen.messages[i], "so 5 rows were skipped."));
}

/* ------------------------------------------------------------------------ */
/* Hidden sheets                                                            */
/* ------------------------------------------------------------------------ */

static void test_hidden__sheet_with_records_warned(void **state)
{
    fixture *f = *state;
    incident_header(f, "表示", KY_SHEET_VISIBLE);
    ROW(&f->grid, 1, T(0, "バッチ遅延"), T(1, "2024/4/1"));
    grid_end(&f->grid);
    incident_header(f, "旧一覧", KY_SHEET_HIDDEN);
    ROW(&f->grid, 1, T(0, "画面停止"), T(1, "2023/4/1"));
    ROW(&f->grid, 2, T(0, "帳票誤り"), T(1, "2023/5/1"));
    grid_end(&f->grid);
    incident_header(f, "下書き", KY_SHEET_VERY_HIDDEN);
    ROW(&f->grid, 1, T(0, "ログイン不可"), T(1, "2023/6/1"));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->incident_count, 4);
    assert_int_equal(captured_count(&f->seen, "mapping.hidden-sheet"), 2);
    size_t hidden = find_code(&f->seen, "mapping.hidden-sheet");
    assert_string_equal(f->seen.sheets[hidden], "旧一覧");
    assert_int_equal(f->seen.rows[hidden], 0);
    assert_non_null(strstr(f->seen.messages[hidden],
                           "sheet 旧一覧 is hidden in the workbook, but its 2 rows were read"));
    size_t very = find_code_from(&f->seen, "mapping.hidden-sheet", hidden + 1);
    assert_string_equal(f->seen.sheets[very], "下書き");
    assert_non_null(strstr(f->seen.messages[very],
                           "sheet 下書き is very hidden in the workbook"));
    assert_non_null(strstr(f->seen.messages[very], "its 1 row was read"));
}

static void test_hidden__sheet_without_records_quiet(void **state)
{
    fixture *f = *state;
    grid_begin_visibility(&f->grid, "設定", KY_SHEET_HIDDEN);
    ROW(&f->grid, 0, T(0, "選択肢"));
    ROW(&f->grid, 1, T(0, "高"));
    grid_end(&f->grid);
    incident_header(f, "空", KY_SHEET_HIDDEN);
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->incident_count, 0);
    assert_int_equal(captured_count(&f->seen, "mapping.hidden-sheet"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unreadable__row_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable__risk_keys_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable__capped_per_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable__no_header_not_repeated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable__no_table_count_agrees, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hidden__sheet_with_records_warned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hidden__sheet_without_records_quiet, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
