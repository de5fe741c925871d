/* SPDX-License-Identifier: MIT */
/*
 * Tests for the value rules of the mapping: levels (built-in words and a
 * level table file), amounts in yen, efforts with configurable hours and
 * days, and dates in Japanese forms with impossible dates rejected. Mapped
 * records must keep the text as written next to each converted value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/ky_date.h"
#include "grid.h"
#include "kyokun/book.h"
#include "kyokun/diag.h"
#include "kyokun/mapping_file.h"
#include "mapping.h"
#include "values.h"
#include "support/grid_test.h"

#define T(c, s) ((ky_cell){.col = (c), .type = KY_CELL_TEXT, .text = (s), .len = strlen(s)})
#define N(c, v) ((ky_cell){.col = (c), .type = KY_CELL_NUMBER, .number = (v)})
#define ROW(g, r, ...) \
    grid_row((g), (r), (const ky_cell[]){__VA_ARGS__}, \
            sizeof((const ky_cell[]){__VA_ARGS__}) / sizeof(ky_cell))

#define INPUT "/data/2024 incidents.xlsx"

typedef struct fixture {
    ky_grid grid;
    ky_ctx *ctx;
    ky_book *book;
    captured seen;
    char dir[64];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->ctx = ky_ctx_new();
    f->book = ky_book_new();
    ky_ctx_set_handler(f->ctx, capture, KY_SEV_WARNING, &f->seen);
    ky_grid__init(&f->grid, f->ctx, INPUT);
    snprintf(f->dir, sizeof f->dir, "/tmp/ky-values-XXXXXX");
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
    ky_grid__free(&f->grid);
    ky_book_free(f->book);
    ky_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Write `size` bytes to a file in the fixture's folder and return its path (static buffer). */
static const char *write_file(fixture *f, const char *name, const char *data, size_t size)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(data, 1, size, out), size);
    assert_int_equal(fclose(out), 0);
    return path;
}

static const char *write_text(fixture *f, const char *name, const char *text)
{
    return write_file(f, name, text, strlen(text));
}

/* ------------------------------------------------------------------------ */
/* Levels                                                                   */
/* ------------------------------------------------------------------------ */

static void test_levels__builtin_words(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int level;
    } cases[] = {
        {"1", 1}, {"３", 3}, {" 2 ", 2},
        {"高", 3}, {"中", 2}, {"低", 1},
        {"大", 3}, {"小", 1},
        {"○", 3}, {"◯", 3}, {"△", 2}, {"×", 1}, {"✕", 1},
        {"H", 3}, {"ｍ", 2}, {"l", 1}, {"High", 3}, {"Medium", 2}, {"LOW", 1},
        {"4", 0}, {"0", 0}, {"極大", 0}, {"高い", 0}, {"○×", 0}, {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ky_cell cell = T(0, cases[i].text);
        int level = ky_value__level(&cell, NULL);
        if (level != cases[i].level)
            fail_msg("\"%s\": expected level %d, got %d", cases[i].text, cases[i].level, level);
    }
    const ky_cell two = N(0, 2);
    const ky_cell four = N(0, 4);
    assert_int_equal(ky_value__level(&two, NULL), 2);
    assert_int_equal(ky_value__level(&four, NULL), 0);
}

static void test_levels__table_adds_and_overrides(void **state)
{
    fixture *f = *state;
    const char *path = write_text(f, "levels.csv",
                                  "word,level\r\n極大,3\r\nやや高,2\r\n高,1\r\nXL,3\r\n\r\n");
    ky_level_table *table = NULL;
    assert_int_equal(ky_level_table_load(f->ctx, path, &table), 0);
    assert_non_null(table);

    static const struct {
        const char *text;
        int level;
    } cases[] = {
        {"極大", 3}, {" やや高 ", 2}, {"高", 1}, {"ｘｌ", 3}, {"中", 2}, {"○", 3}, {"特大", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ky_cell cell = T(0, cases[i].text);
        int level = ky_value__level(&cell, table);
        if (level != cases[i].level)
            fail_msg("\"%s\": expected level %d, got %d", cases[i].text, cases[i].level, level);
    }
    const ky_cell word = T(0, "極大");
    assert_int_equal(ky_value__table_level(&word, table), 3);
    const ky_cell builtin = T(0, "中");
    assert_int_equal(ky_value__table_level(&builtin, table), 0);
    ky_level_table_free(table);
}

static void test_levels__table_cp932_file(void **state)
{
    fixture *f = *state;
    /* "極大,3" in CP932, as Excel on Japanese Windows saves a plain CSV. */
    static const char cp932[] = "\x8B\xC9\x91\xE5,3\r\n";
    const char *path = write_file(f, "levels-cp932.csv", cp932, sizeof cp932 - 1);
    ky_level_table *table = NULL;
    assert_int_equal(ky_level_table_load(f->ctx, path, &table), 0);
    const ky_cell cell = T(0, "極大");
    assert_int_equal(ky_value__level(&cell, table), 3);
    ky_level_table_free(table);
}

static void test_levels__table_errors_located(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *text;
        int status;
        uint32_t row;
        uint32_t col;
        const char *words; /* expected in the message */
    } cases[] = {
        {"極大\n", KY_EPARSE, 1, 0, "expected 2 fields"},
        {"極大,3,x\n", KY_EPARSE, 1, 0, "expected 2 fields"},
        {"word,level\n極大,6\n", KY_EPARSE, 2, 2, "from 1 to 5"},
        {"極大,3\n特大,high\n", KY_EPARSE, 2, 2, "invalid level"},
        {"極大,3\n ,2\n", KY_EPARSE, 2, 1, "the word is empty"},
        {"極大,3\n極大,2\n", KY_EPARSE, 2, 0, "row 1"},
        {"word,level\n", KY_EPARSE, 0, 0, "no rows"},
        {"", KY_EPARSE, 0, 0, "no rows"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = write_text(f, "bad-levels.csv", cases[i].text);
        ky_level_table *table = NULL;
        int status = ky_level_table_load(f->ctx, path, &table);
        if (status != cases[i].status)
            fail_msg("case %zu: expected status %d, got %d", i, cases[i].status, status);
        assert_null(table);
        const ky_error *error = ky_error_last(f->ctx);
        assert_non_null(error);
        assert_string_equal(error->loc.file, path);
        if (cases[i].row != 0 && error->loc.row != cases[i].row)
            fail_msg("case %zu: expected row %u, got %u", i, cases[i].row, error->loc.row);
        if (cases[i].col != 0 && error->loc.col != cases[i].col)
            fail_msg("case %zu: expected column %u, got %u", i, cases[i].col, error->loc.col);
        if (!strstr(error->message, cases[i].words))
            fail_msg("case %zu: \"%s\" not in \"%s\"", i, cases[i].words, error->message);
        ky_error_clear(f->ctx);
    }
}

static void test_levels__binary_and_missing_files(void **state)
{
    fixture *f = *state;
    static const char zip[] = "PK\x03\x04\x14\x00\x00\x00\x08\x00";
    const char *path = write_file(f, "book.xlsx", zip, sizeof zip - 1);
    ky_level_table *table = NULL;
    assert_int_equal(ky_level_table_load(f->ctx, path, &table), KY_EPARSE);
    assert_non_null(strstr(ky_error_last(f->ctx)->message, "not a CSV text file"));

    char missing[128];
    snprintf(missing, sizeof missing, "%s/none.csv", f->dir);
    assert_int_equal(ky_level_table_load(f->ctx, missing, &table), KY_EIO);
    assert_null(table);
}

/* ------------------------------------------------------------------------ */
/* Amounts and efforts                                                      */
/* ------------------------------------------------------------------------ */

static void test_values__yen_forms(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        double scale;
        double yen;
    } cases[] = {
        {"1,200,000円", 1, 1200000},
        {"１，２００円", 1, 1200},
        {"120万円", 1, 1200000},
        {"1.5億円", 1, 150000000},
        {"1億2000万円", 1, 120000000},
        {"350千円", 1, 350000},
        {"５千円", 1, 5000},
        {"3百万円", 1, 3000000},
        {"¥1,000", 1, 1000},
        {"￥２，５００", 1, 2500},
        {"－１，０００円", 1, -1000},
        {"1,500", 1000, 1500000},
        {"20万円", 1000, 200000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ky_cell cell = T(0, cases[i].text);
        double yen = ky_value__yen(&cell, cases[i].scale);
        if (yen != cases[i].yen)
            fail_msg("\"%s\": expected %.0f yen, got %.0f", cases[i].text, cases[i].yen, yen);
    }
    static const char *const not_amounts[] = {"約100万円", "100万ドル", "1,2,3円", "円", "未定"};
    for (size_t i = 0; i < sizeof not_amounts / sizeof not_amounts[0]; i++) {
        const ky_cell cell = T(0, not_amounts[i]);
        if (!isnan(ky_value__yen(&cell, 1)))
            fail_msg("\"%s\" was read as an amount", not_amounts[i]);
    }
    const ky_cell number = N(0, 5);
    assert_true(ky_value__yen(&number, 1000) == 5000);
}

static void test_values__effort_hours_and_days(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        double hours_per_day;
        double days_per_month;
        double months;
    } cases[] = {
        {"40時間", 0, 0, 0.25},       /* the defaults: 8 hours, 20 days */
        {"10人日", 0, 0, 0.5},
        {"2人月", 0, 0, 2},
        {"１５時間", 7.5, 20, 0.1},
        {"21人日", 8, 21, 1},
        {"84時間", 8, 21, 0.5},
        {"3人月", 7.5, 21, 3},
        {"1.5", 8, 20, 1.5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ky_cell cell = T(0, cases[i].text);
        double months = ky_value__effort(&cell, 1, cases[i].hours_per_day,
                                         cases[i].days_per_month);
        if (fabs(months - cases[i].months) > 1e-12)
            fail_msg("\"%s\" at %g h/day, %g days/month: expected %g person-months, got %g",
                     cases[i].text, cases[i].hours_per_day, cases[i].days_per_month,
                     cases[i].months, months);
    }
}

static void test_values__effort_rounded(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        double hours_per_day;
        double months; /* compared exactly */
    } cases[] = {
        {"12時間", 8, 0.075},        /* 12 / 160 gives 0.07500000000000001 unrounded */
        {"1時間", 7.5, 0.006667},    /* 1 / 150 = 0.0066666... at 20 days a month */
        {"3人日", 8, 0.15},
        {"1.2345678", 8, 1.2345678}, /* person-months as written: not converted, not rounded */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ky_cell cell = T(0, cases[i].text);
        double months = ky_value__effort(&cell, 1, cases[i].hours_per_day, 20);
        if (months != cases[i].months)
            fail_msg("\"%s\": expected %.17g person-months, got %.17g", cases[i].text,
                     cases[i].months, months);
    }
    /* A plain number in a column whose header gives the unit (時間) is converted too. */
    const ky_cell hours = N(0, 12);
    assert_true(ky_value__effort(&hours, 1.0 / 160, 8, 20) == 0.075);
}

/* ------------------------------------------------------------------------ */
/* Dates                                                                    */
/* ------------------------------------------------------------------------ */

static void test_values__date_forms(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int year, month, day;
    } cases[] = {
        {"2024/4/1", 2024, 4, 1},
        {"2024/04/01", 2024, 4, 1},
        {"2024-04-01", 2024, 4, 1},
        {"2024.4.1", 2024, 4, 1},
        {"2024年4月1日", 2024, 4, 1},
        {"２０２４年４月１日", 2024, 4, 1},
        {"令和6年4月1日", 2024, 4, 1},
        {"令和元年5月1日", 2019, 5, 1},
        {"令和 元年5月1日", 2019, 5, 1},
        {"R6.4.1", 2024, 4, 1},
        {"r1.5.1", 2019, 5, 1},
        {"H31.4.30", 2019, 4, 30},
        {"Ｈ３１．４．３０", 2019, 4, 30},
        {"平成元年1月8日", 1989, 1, 8},
        {"S64.1.7", 1989, 1, 7},
        {"2024/2/29", 2024, 2, 29},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ky_cell cell = T(0, cases[i].text);
        ky_date_error error;
        double serial = ky_value__read_date(&cell, &error);
        double expected = ky_date_to_serial(cases[i].year, cases[i].month, cases[i].day);
        if (error != KY_DATE_OK || serial != expected)
            fail_msg("\"%s\": expected serial %g, got %g (error %d)", cases[i].text, expected,
                     serial, (int)error);
    }
    /* Excel serials: 45383 is 2024-04-01 in the 1900 date system. */
    const ky_cell serial = N(0, 45383);
    assert_true(ky_value__date(&serial) == ky_date_to_serial(2024, 4, 1));
    const ky_cell too_big = N(0, 3e6);
    assert_true(isnan(ky_value__date(&too_big)));
}

static void test_values__impossible_dates_rejected(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        ky_date_error error;
    } cases[] = {
        {"平成32年1月1日", KY_DATE_AFTER_ERA},
        {"H32.1.1", KY_DATE_AFTER_ERA},
        {"令和0年5月1日", KY_DATE_BEFORE_ERA},
        {"R0.5.1", KY_DATE_BEFORE_ERA},
        {"令和元年4月30日", KY_DATE_BEFORE_ERA},
        {"平成元年1月7日", KY_DATE_BEFORE_ERA},
        {"2024年2月30日", KY_DATE_NO_SUCH_DAY},
        {"2023/2/29", KY_DATE_NO_SUCH_DAY},
        {"令和6年4月31日", KY_DATE_NO_SUCH_DAY},
        {"2024/13/1", KY_DATE_NO_SUCH_MONTH},
        {"令和6年0月1日", KY_DATE_NO_SUCH_MONTH},
        {"4月1日", KY_DATE_UNREADABLE},
        {"令和6年", KY_DATE_UNREADABLE},
        {"X6.4.1", KY_DATE_UNREADABLE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ky_cell cell = T(0, cases[i].text);
        ky_date_error error;
        double serial = ky_value__read_date(&cell, &error);
        if (!isnan(serial))
            fail_msg("\"%s\" was read as serial %g", cases[i].text, serial);
        if (error != cases[i].error)
            fail_msg("\"%s\": expected error %d, got %d", cases[i].text, (int)cases[i].error,
                     (int)error);
    }
}

/* ------------------------------------------------------------------------ */
/* Mapped records                                                           */
/* ------------------------------------------------------------------------ */

/* An incident list with dates, amounts and efforts in several forms. */
static void build_incidents(fixture *f)
{
    grid_begin(&f->grid, "障害一覧");
    ROW(&f->grid, 0, T(0, "発生日時"), T(1, "障害の概要"), T(2, "障害の影響額"), T(3, "対応工数"),
        T(4, "対応工数（人日）"));
    ROW(&f->grid, 1, T(0, "令和元年5月1日"), T(1, "バッチ遅延"), T(2, "1,200万円"), T(3, "15時間"));
    ROW(&f->grid, 2, T(0, "平成32年1月10日"), T(1, "画面停止"), T(2, "３億円"), T(3, "21人日"));
    ROW(&f->grid, 3, N(0, 45383), T(1, "帳票誤り"), N(2, 5000));
    grid_end(&f->grid);
}

static void test_incidents__values_and_text_kept(void **state)
{
    fixture *f = *state;
    build_incidents(f);
    ky_map_options options;
    ky_map_options_init(&options);
    options.hours_per_day = 7.5;
    options.days_per_month = 21;
    assert_int_equal(ky_mapping__add_grid(f->ctx, f->book, &f->grid, INPUT, &options), 0);
    assert_int_equal(f->book->incident_count, 3);

    const ky_incident *first = &f->book->incidents[0];
    assert_string_equal(first->occurred_text, "令和元年5月1日");
    assert_true(first->occurred == ky_date_to_serial(2019, 5, 1));
    assert_string_equal(first->damage_text, "1,200万円");
    assert_true(first->damage_yen == 12000000);
    assert_string_equal(first->effort_text, "15時間");
    /* 15 / 157.5 = 0.0952380..., rounded to 6 decimal places as a converted effort. */
    assert_true(first->effort_pm == 0.095238);

    const ky_incident *second = &f->book->incidents[1];
    assert_string_equal(second->occurred_text, "平成32年1月10日");
    assert_true(isnan(second->occurred));
    assert_true(second->damage_yen == 300000000);
    assert_true(fabs(second->effort_pm - 1) < 1e-12);

    const ky_incident *third = &f->book->incidents[2];
    assert_string_equal(third->occurred_text, "45383");
    assert_true(third->occurred == ky_date_to_serial(2024, 4, 1));
    assert_true(third->damage_yen == 5000);
}

static void test_incidents__impossible_date_located(void **state)
{
    fixture *f = *state;
    build_incidents(f);
    assert_int_equal(ky_mapping__add_grid(f->ctx, f->book, &f->grid, INPUT, NULL), 0);
    int i = captured_find(&f->seen, "mapping.invalid-date");
    assert_true(i >= 0);
    assert_string_equal(f->seen.files[i], INPUT);
    assert_string_equal(f->seen.sheets[i], "障害一覧");
    assert_int_equal(f->seen.rows[i], 3);
    assert_int_equal(f->seen.cols[i], 1);
    assert_non_null(strstr(f->seen.messages[i], "平成32年1月10日"));
}

static void test_effort__column_unit_uses_days(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "障害一覧");
    ROW(&f->grid, 0, T(0, "発生日時"), T(1, "障害の概要"), T(2, "対応工数（人日）"));
    ROW(&f->grid, 1, T(0, "2024/4/1"), T(1, "バッチ遅延"), N(2, 21));
    grid_end(&f->grid);
    ky_map_options options;
    ky_map_options_init(&options);
    options.days_per_month = 21;
    assert_int_equal(ky_mapping__add_grid(f->ctx, f->book, &f->grid, INPUT, &options), 0);
    assert_int_equal(f->book->incident_count, 1);
    assert_true(fabs(f->book->incidents[0].effort_pm - 1) < 1e-12);
}

static void test_risks__level_words_and_text_kept(void **state)
{
    fixture *f = *state;
    const char *path = write_text(f, "levels.csv", "極大,3\n");
    ky_level_table *table = NULL;
    assert_int_equal(ky_level_table_load(f->ctx, path, &table), 0);

    grid_begin(&f->grid, "リスク管理表");
    ROW(&f->grid, 0, T(0, "No."), T(1, "リスク内容"), T(2, "A:影響度"), T(3, "B:発生度"));
    ROW(&f->grid, 1, T(0, "1"), T(1, "負荷分散装置の故障"), T(2, "○"), T(3, "△"));
    ROW(&f->grid, 2, T(0, "2"), T(1, "証明書の期限切れ"), T(2, "極大"), T(3, "Ｌ"));
    ROW(&f->grid, 3, T(0, "3"), T(1, "設定誤り"), T(2, "特大"), T(3, "×"));
    grid_end(&f->grid);
    ky_map_options options;
    ky_map_options_init(&options);
    options.levels = table;
    assert_int_equal(ky_mapping__add_grid(f->ctx, f->book, &f->grid, INPUT, &options), 0);
    assert_int_equal(f->book->risk_count, 3);

    const ky_risk *risks = f->book->risks;
    assert_string_equal(risks[0].a_text, "○");
    assert_string_equal(risks[0].b_text, "△");
    assert_int_equal(risks[0].a, 3);
    assert_int_equal(risks[0].b, 2);
    assert_int_equal(risks[0].c, 6);
    assert_true(risks[0].needs_response);
    assert_int_equal(risks[1].a, 3);
    assert_int_equal(risks[1].b, 1);
    assert_string_equal(risks[2].a_text, "特大");
    assert_int_equal(risks[2].a, 0);
    assert_int_equal(risks[2].c, 0);

    int i = captured_find(&f->seen, "mapping.invalid-level");
    assert_true(i >= 0);
    assert_int_equal(f->seen.rows[i], 4);
    assert_int_equal(f->seen.cols[i], 3);
    ky_level_table_free(table);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels__builtin_words),
        cmocka_unit_test_setup_teardown(test_levels__table_adds_and_overrides, setup, teardown),
        cmocka_unit_test_setup_teardown(test_levels__table_cp932_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_levels__table_errors_located, setup, teardown),
        cmocka_unit_test_setup_teardown(test_levels__binary_and_missing_files, setup, teardown),
        cmocka_unit_test(test_values__yen_forms),
        cmocka_unit_test(test_values__effort_hours_and_days),
        cmocka_unit_test(test_values__effort_rounded),
        cmocka_unit_test(test_values__date_forms),
        cmocka_unit_test(test_values__impossible_dates_rejected),
        cmocka_unit_test_setup_teardown(test_incidents__values_and_text_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incidents__impossible_date_located, setup, teardown),
        cmocka_unit_test_setup_teardown(test_effort__column_unit_uses_days, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risks__level_words_and_text_kept, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
