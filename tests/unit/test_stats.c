/* SPDX-License-Identifier: MIT */
/*
 * Tests for ky_stats_compute(): every axis, multi-valued axes, keyless
 * records, ABC cut-offs at their exact edges and custom cut-offs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kyokun/stats.h"

/* Append a string list built from a NULL-terminated array. */
static void set_list(ky_strlist *list, const char *const *items)
{
    size_t n = 0;
    while (items[n])
        n++;
    list->items = calloc(n ? n : 1, sizeof *list->items);
    assert_non_null(list->items);
    for (size_t i = 0; i < n; i++)
        list->items[i] = strdup(items[i]);
    list->count = n;
}

static ky_book *book_with_lessons(size_t count)
{
    ky_book *book = ky_book_new();
    assert_non_null(book);
    book->lessons = calloc(count, sizeof *book->lessons);
    assert_non_null(book->lessons);
    book->lesson_count = count;
    return book;
}

static ky_book *book_with_causes(const char *const *causes, const double *damage, size_t count)
{
    ky_book *book = ky_book_new();
    assert_non_null(book);
    book->incidents = calloc(count, sizeof *book->incidents);
    assert_non_null(book->incidents);
    book->incident_count = count;
    for (size_t i = 0; i < count; i++) {
        book->incidents[i].main_cause = causes[i] ? strdup(causes[i]) : NULL;
        book->incidents[i].damage_yen = damage ? damage[i] : NAN;
        book->incidents[i].effort_pm = NAN;
    }
    return book;
}

/* Keys with surrounding spaces (ASCII and U+3000) count as one; blanks come last. */
static void test_stats__main_cause_trim_and_blank(void **state)
{
    (void)state;
    const char *causes[] = {"設定ミス", " 設定ミス\u3000", "故障", NULL, "\u3000", "故障", "設定ミス"};
    const double damage[] = {100, 200, NAN, 50, NAN, NAN, NAN};
    ky_book *book = book_with_causes(causes, damage, 7);
    ky_stats_table table;
    assert_int_equal(ky_stats_compute(book, KY_STATS_MAIN_CAUSE, NULL, &table), 0);

    assert_int_equal(table.total, 7);
    assert_int_equal(table.count, 3);
    assert_string_equal(table.rows[0].key, "設定ミス");
    assert_int_equal(table.rows[0].count, 3);
    assert_true(table.rows[0].damage_yen == 300);
    /* "故障" and the blank both have 2; the keyed one comes first, the blank last. */
    assert_string_equal(table.rows[1].key, "故障");
    assert_true(isnan(table.rows[1].damage_yen));
    assert_null(table.rows[2].key);
    assert_int_equal(table.rows[2].count, 2);
    assert_true(table.rows[2].damage_yen == 50);
    assert_true(table.rows[2].cumulative_share == 1.0);
    ky_stats_table_free(&table);
    ky_book_free(book);
}

/* 5 records 4 + 1: the second key starts at exactly 80 %, so it is B, not A. */
static void test_stats__exact_edge_is_next_class(void **state)
{
    (void)state;
    const char *causes[] = {"a", "a", "a", "a", "b"};
    ky_book *book = book_with_causes(causes, NULL, 5);
    ky_stats_table table;
    assert_int_equal(ky_stats_compute(book, KY_STATS_MAIN_CAUSE, NULL, &table), 0);
    assert_int_equal(table.rows[0].abc_class, 'A');
    assert_int_equal(table.rows[1].abc_class, 'B');
    ky_stats_table_free(&table);

    /* With the A cut-off at 81 %, 80 % before it is still A. */
    ky_abc_cutoffs cutoffs = {.a = 81, .b = 95};
    assert_int_equal(ky_stats_compute(book, KY_STATS_MAIN_CAUSE, &cutoffs, &table), 0);
    assert_int_equal(table.rows[1].abc_class, 'A');
    ky_stats_table_free(&table);

    /* With both cut-offs at 50 %, the second key goes straight to C. */
    cutoffs = (ky_abc_cutoffs){.a = 50, .b = 50};
    assert_int_equal(ky_stats_compute(book, KY_STATS_MAIN_CAUSE, &cutoffs, &table), 0);
    assert_int_equal(table.rows[1].abc_class, 'C');
    ky_stats_table_free(&table);
    ky_book_free(book);
}

/* A lesson counts once per keyword and once per purpose; no keyword is one blank. */
static void test_stats__multi_valued_axes(void **state)
{
    (void)state;
    ky_book *book = book_with_lessons(3);
    set_list(&book->lessons[0].classification.keywords, (const char *const[]){"仮想化", "パッチの適用", NULL});
    set_list(&book->lessons[1].classification.keywords, (const char *const[]){"仮想化", NULL});
    set_list(&book->lessons[0].classification.purposes, (const char *const[]){"社内教育", NULL});

    ky_stats_table table;
    assert_int_equal(ky_stats_compute(book, KY_STATS_KEYWORD, NULL, &table), 0);
    assert_int_equal(table.total, 4);
    assert_int_equal(table.count, 3);
    assert_string_equal(table.rows[0].key, "仮想化");
    assert_int_equal(table.rows[0].count, 2);
    assert_true(table.rows[0].share == 0.5);
    assert_string_equal(table.rows[1].key, "パッチの適用");
    assert_null(table.rows[2].key);
    ky_stats_table_free(&table);

    assert_int_equal(ky_stats_compute(book, KY_STATS_PURPOSE, NULL, &table), 0);
    assert_int_equal(table.total, 3);
    assert_int_equal(table.count, 2);
    assert_null(table.rows[0].key); /* two lessons without a purpose */
    assert_int_equal(table.rows[0].count, 2);
    assert_string_equal(table.rows[1].key, "社内教育");
    ky_stats_table_free(&table);
    ky_book_free(book);
}

static void test_stats__single_valued_lesson_axes(void **state)
{
    (void)state;
    ky_book *book = book_with_lessons(3);
    for (size_t i = 0; i < 3; i++) {
        book->lessons[i].classification.importance = strdup(i < 2 ? "Type II" : "Type I");
        book->lessons[i].classification.lifecycle = strdup("運用");
    }
    book->lessons[1].classification.service = strdup("サービス提供");

    ky_stats_table table;
    assert_int_equal(ky_stats_compute(book, KY_STATS_SYSTEM_TYPE, NULL, &table), 0);
    assert_int_equal(table.count, 2);
    assert_string_equal(table.rows[0].key, "Type II");
    assert_int_equal(table.rows[0].count, 2);
    ky_stats_table_free(&table);

    assert_int_equal(ky_stats_compute(book, KY_STATS_LIFECYCLE, NULL, &table), 0);
    assert_int_equal(table.count, 1);
    assert_int_equal(table.rows[0].count, 3);
    ky_stats_table_free(&table);

    assert_int_equal(ky_stats_compute(book, KY_STATS_SERVICE, NULL, &table), 0);
    assert_int_equal(table.count, 2);
    assert_null(table.rows[0].key);
    assert_string_equal(table.rows[1].key, "サービス提供");
    ky_stats_table_free(&table);
    ky_book_free(book);
}

/* Risks are keyed by C; a risk with an unknown A or B (C = 0) has no key. */
static void test_stats__risk_level(void **state)
{
    (void)state;
    ky_book *book = ky_book_new();
    assert_non_null(book);
    const int values[] = {6, 9, 6, 0, 25};
    book->risks = calloc(5, sizeof *book->risks);
    assert_non_null(book->risks);
    book->risk_count = 5;
    for (size_t i = 0; i < 5; i++)
        book->risks[i].c = values[i];

    ky_stats_table table;
    assert_int_equal(ky_stats_compute(book, KY_STATS_RISK_LEVEL, NULL, &table), 0);
    assert_int_equal(table.count, 4);
    assert_string_equal(table.rows[0].key, "6");
    assert_int_equal(table.rows[0].count, 2);
    assert_string_equal(table.rows[1].key, "25");
    assert_string_equal(table.rows[2].key, "9");
    assert_null(table.rows[3].key);
    ky_stats_table_free(&table);
    ky_book_free(book);
}

static void test_stats__empty_book_and_names(void **state)
{
    (void)state;
    ky_book *book = ky_book_new();
    assert_non_null(book);
    for (int axis = 0; axis < KY_STATS_AXIS_COUNT; axis++) {
        ky_stats_table table;
        assert_int_equal(ky_stats_compute(book, (ky_stats_axis)axis, NULL, &table), 0);
        assert_int_equal(table.count, 0);
        assert_int_equal(table.total, 0);
        ky_stats_table_free(&table);
    }
    ky_book_free(book);
    assert_string_equal(ky_stats_axis_name(KY_STATS_MAIN_CAUSE), "main_cause");
    assert_string_equal(ky_stats_axis_name(KY_STATS_RISK_LEVEL), "risk_level");
    assert_string_equal(ky_stats_axis_name(KY_STATS_AXIS_COUNT), "unknown");
    ky_stats_table_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats__main_cause_trim_and_blank),
        cmocka_unit_test(test_stats__exact_edge_is_next_class),
        cmocka_unit_test(test_stats__multi_valued_axes),
        cmocka_unit_test(test_stats__single_valued_lesson_axes),
        cmocka_unit_test(test_stats__risk_level),
        cmocka_unit_test(test_stats__empty_book_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
