/* SPDX-License-Identifier: MIT */
/*
 * Tests for what header cells say about their column's values. A damage or
 * effort column takes its unit from every bracket form and from 単位, a
 * note that names no unit is warned about, and the sheet report names the
 * unit. An A or B header that names another scale than the one in use is
 * warned about once per table. The last tests cap the id collisions listed
 * per pair of merged files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"
#include "kyokun/book.h"
#include "kyokun/diag.h"
#include "mapping.h"
#include "values.h"
#include "support/grid_test.h"

#define T(c, s) ((ky_cell){.col = (c), .type = KY_CELL_TEXT, .text = (s), .len = strlen(s)})
#define N(c, v) ((ky_cell){.col = (c), .type = KY_CELL_NUMBER, .number = (v)})
#define ROW(g, r, ...) \
    grid_row((g), (r), (const ky_cell[]){__VA_ARGS__}, \
            sizeof((const ky_cell[]){__VA_ARGS__}) / sizeof(ky_cell))

#define INPUT "/data/u.xlsx"

/* One mapping run: a context that captures warnings, a book and a grid. */
typedef struct run {
    ky_ctx *ctx;
    ky_book *book;
    ky_grid grid;
    captured seen;
} run;

static run *run_new(void)
{
    run *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->ctx = ky_ctx_new();
    r->book = ky_book_new();
    assert_non_null(r->ctx);
    assert_non_null(r->book);
    ky_ctx_set_handler(r->ctx, capture, KY_SEV_WARNING, &r->seen);
    ky_grid__init(&r->grid, r->ctx, INPUT);
    return r;
}

static void run_free(run *r)
{
    ky_grid__free(&r->grid);
    ky_book_free(r->book);
    ky_ctx_free(r->ctx);
    free(r);
}

/* Map an incident list whose fifth column has `header` and the number 16 in its one row. */
static run *map_incident(const char *header)
{
    run *r = run_new();
    grid_begin(&r->grid, "障害一覧");
    ROW(&r->grid, 0, T(0, "No."), T(1, "発生日"), T(2, "障害の概要"), T(3, "主な原因"),
        T(4, header));
    ROW(&r->grid, 1, N(0, 1), T(1, "2024/1/5"), T(2, "停止した"), T(3, "バグ"), N(4, 16));
    grid_end(&r->grid);
    assert_int_equal(ky_mapping__add_grid(r->ctx, r->book, &r->grid, INPUT, NULL), 0);
    assert_int_equal(r->book->incident_count, 1);
    return r;
}

/* Return the report column of `col` in the first sheet report. */
static const ky_column_map *report_column(const run *r, uint32_t col)
{
    assert_true(r->book->sheet_count >= 1);
    const ky_sheet_report *report = &r->book->sheets[0];
    for (size_t i = 0; i < report->column_count; i++) {
        if (report->columns[i].col == col)
            return &report->columns[i];
    }
    fail_msg("column %u is not in the report", (unsigned)col);
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Units of effort and damage columns                                       */
/* ------------------------------------------------------------------------ */

/* 16 in a column of hours, days or person-months, at 8 hours a day and 20 days a month. */
#define HOURS_16 0.1
#define DAYS_16 0.8
#define MONTHS_16 16.0

static void test_units__effort_header_forms(void **state)
{
    (void)state;
    static const struct {
        const char *header;
        double months;
    } cases[] = {
        {"工数(h)", HOURS_16},        {"工数(H)", HOURS_16},        {"工数(hr)", HOURS_16},
        {"工数(時)", HOURS_16},       {"工数（時間）", HOURS_16},   {"工数(人時)", HOURS_16},
        {"工数[h]", HOURS_16},        {"工数［Ｈ］", HOURS_16},     {"工数 (hours)", HOURS_16},
        {"工数（単位：時間）", HOURS_16}, {"工数 単位:h", HOURS_16}, {"工数【h】", HOURS_16},
        {"工数（日）", DAYS_16},      {"工数(人日)", DAYS_16},      {"工数(md)", DAYS_16},
        {"工数(MD)", DAYS_16},        {"工数(d)", DAYS_16},         {"工数[人日]", DAYS_16},
        {"工数（単位：人日）", DAYS_16}, {"工数 単位：md", DAYS_16}, {"工数〔日〕", DAYS_16},
        {"工数(人月)", MONTHS_16},    {"工数(月)", MONTHS_16},      {"工数(mm)", MONTHS_16},
        {"工数(MM)", MONTHS_16},      {"工数", MONTHS_16},          {"Effort (person-months)", MONTHS_16},
        {"対応工数人日", DAYS_16},    {"spent_hours", HOURS_16},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run *r = map_incident(cases[i].header);
        double months = r->book->incidents[0].effort_pm;
        if (fabs(months - cases[i].months) > 1e-9)
            fail_msg("header \"%s\": 16 read as %g person-months, expected %g",
                     cases[i].header, months, cases[i].months);
        if (captured_count(&r->seen, "mapping.unknown-unit") != 0)
            fail_msg("header \"%s\": warned about an unknown unit: %s", cases[i].header,
                     r->seen.messages[captured_find(&r->seen, "mapping.unknown-unit")]);
        run_free(r);
    }
}

static void test_units__damage_header_forms(void **state)
{
    (void)state;
    static const struct {
        const char *header;
        double yen;
    } cases[] = {
        {"影響額(円)", 16},           {"影響額(千)", 16e3},         {"影響額(千円)", 16e3},
        {"影響額(k)", 16e3},          {"影響額(k円)", 16e3},        {"影響額(K)", 16e3},
        {"影響額(万)", 16e4},         {"影響額（万円）", 16e4},     {"影響額（百万）", 16e6},
        {"影響額(百万円)", 16e6},     {"影響額(M)", 16e6},          {"影響額(億)", 16e8},
        {"影響額(億円)", 16e8},       {"影響額[千円]", 16e3},       {"影響額［万円］", 16e4},
        {"影響額（単位：千円）", 16e3}, {"影響額 単位:万円", 16e4}, {"影響額(千円単位)", 16e3},
        {"影響額（税込、千円）", 16e3}, {"Cost (thousand yen)", 16e3}, {"影響額", 16},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run *r = map_incident(cases[i].header);
        double yen = r->book->incidents[0].damage_yen;
        if (yen != cases[i].yen)
            fail_msg("header \"%s\": 16 read as %.0f yen, expected %.0f", cases[i].header, yen,
                     cases[i].yen);
        if (captured_count(&r->seen, "mapping.unknown-unit") != 0)
            fail_msg("header \"%s\": warned about an unknown unit", cases[i].header);
        run_free(r);
    }
}

static void test_units__unknown_effort_unit_warned(void **state)
{
    (void)state;
    run *r = map_incident("工数(pt)");
    assert_true(r->book->incidents[0].effort_pm == 16);
    assert_int_equal(captured_count(&r->seen, "mapping.unknown-unit"), 1);
    int i = captured_find(&r->seen, "mapping.unknown-unit");
    assert_int_equal(r->seen.rows[i], 1);
    assert_int_equal(r->seen.cols[i], 5);
    assert_string_equal(r->seen.messages[i],
                        "column E \"工数(pt)\": the note \"pt\" names no unit that kyokun "
                        "reads, so numbers without a unit in this column are read as "
                        "person-months. To read them in another unit, write one of these in "
                        "the header: h, 時間, 人時, 日, 人日, md, 人月 or mm");
    run_free(r);
}

static void test_units__unknown_damage_unit_warned(void **state)
{
    (void)state;
    run *r = map_incident("影響額（ＵＳＤ）");
    assert_true(r->book->incidents[0].damage_yen == 16);
    assert_int_equal(captured_count(&r->seen, "mapping.unknown-unit"), 1);
    int i = captured_find(&r->seen, "mapping.unknown-unit");
    assert_int_equal(r->seen.cols[i], 5);
    assert_non_null(strstr(r->seen.messages[i], "\"影響額（ＵＳＤ）\""));
    assert_non_null(strstr(r->seen.messages[i], "the note \"USD\""));
    assert_non_null(strstr(r->seen.messages[i], "are read as yen"));
    run_free(r);
}

static void test_units__report_names_unit(void **state)
{
    (void)state;
    static const struct {
        const char *header;
        const char *unit;
    } cases[] = {
        {"工数(h)", "hours"},
        {"工数(md)", "days"},
        {"工数", "person-months"},
        {"工数(pt)", "person-months"},
        {"影響額(万)", "x 10,000 yen"},
        {"影響額(k円)", "x 1,000 yen"},
        {"影響額（百万）", "x 1,000,000 yen"},
        {"影響額(億円)", "x 100,000,000 yen"},
        {"影響額", "yen"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run *r = map_incident(cases[i].header);
        const ky_column_map *column = report_column(r, 4);
        if (!column->unit || strcmp(column->unit, cases[i].unit) != 0)
            fail_msg("header \"%s\": unit %s, expected %s", cases[i].header,
                     column->unit ? column->unit : "(none)", cases[i].unit);
        assert_null(report_column(r, 2)->unit);
        run_free(r);
    }
}

static void test_units__two_row_header(void **state)
{
    (void)state;
    run *r = run_new();
    grid_begin(&r->grid, "障害一覧");
    ROW(&r->grid, 0, T(0, "発生日"), T(1, "障害の概要"), T(2, "対応工数（人日）"),
        T(3, "障害の影響額（千円）"));
    /* 主な原因 below a blank cell makes the second row part of the header. */
    ROW(&r->grid, 1, T(2, "実績"), T(3, "直接"), T(4, "主な原因"));
    ROW(&r->grid, 2, T(0, "2024/1/5"), T(1, "停止した"), N(2, 16), N(3, 16), T(4, "バグ"));
    grid_end(&r->grid);
    assert_int_equal(ky_mapping__add_grid(r->ctx, r->book, &r->grid, INPUT, NULL), 0);
    assert_int_equal(r->book->sheets[0].header_row, 1);
    assert_int_equal(r->book->sheets[0].header_rows, 2);
    assert_int_equal(r->book->incident_count, 1);
    /* The lower row's note-less text has no unit, so the upper row's note decides. */
    assert_true(fabs(r->book->incidents[0].effort_pm - DAYS_16) < 1e-9);
    assert_true(r->book->incidents[0].damage_yen == 16e3);
    assert_int_equal(captured_count(&r->seen, "mapping.unknown-unit"), 0);
    run_free(r);
}

static void test_units__cell_and_header_words(void **state)
{
    (void)state;
    ky_unit unit;
    assert_true(ky_value__effort_unit("md", KY_UNIT_IN_CELL, 8, 20, &unit));
    assert_true(unit.factor == 1.0 / 20);
    assert_string_equal(unit.label, "days");
    assert_true(ky_value__effort_unit("時", KY_UNIT_IN_HEADER, 8, 20, &unit));
    assert_true(unit.factor == 1.0 / 160);
    /* In a cell, 16時 is a time of day and 3月 a month. */
    assert_false(ky_value__effort_unit("時", KY_UNIT_IN_CELL, 8, 20, &unit));
    assert_false(ky_value__effort_unit("月", KY_UNIT_IN_CELL, 8, 20, &unit));
    assert_false(ky_value__effort_unit("pt", KY_UNIT_IN_HEADER, 8, 20, &unit));

    assert_true(ky_value__amount_unit("k円", &unit));
    assert_true(unit.factor == 1e3);
    assert_true(ky_value__amount_unit("million yen", &unit));
    assert_true(unit.factor == 1e6);
    assert_true(ky_value__amount_unit("円", &unit));
    assert_string_equal(unit.label, "yen");
    assert_false(ky_value__amount_unit("usd", &unit));
    assert_false(ky_value__amount_unit("", &unit));

    const ky_cell days = T(0, "16md");
    assert_true(fabs(ky_value__effort(&days, 1, 8, 20) - DAYS_16) < 1e-12);
    const ky_cell clock = T(0, "16時");
    assert_true(isnan(ky_value__effort(&clock, 1, 8, 20)));
}

/* ------------------------------------------------------------------------ */
/* Level scales named in A and B headers                                    */
/* ------------------------------------------------------------------------ */

/* Map a risk table whose A and B headers are `a` and `b`, on a scale of `scale` levels. */
static run *map_risks(const char *a, const char *b, int scale)
{
    run *r = run_new();
    grid_begin(&r->grid, "リスク管理表");
    ROW(&r->grid, 0, T(0, "No."), T(1, "リスク内容"), T(2, a), T(3, b));
    ROW(&r->grid, 1, N(0, 1), T(1, "停止"), N(2, 3), N(3, 2));
    ROW(&r->grid, 2, N(0, 2), T(1, "遅延"), N(2, 2), N(3, 2));
    grid_end(&r->grid);
    grid_begin(&r->grid, "リスク管理表2");
    ROW(&r->grid, 0, T(0, "No."), T(1, "リスク内容"), T(2, a), T(3, b));
    ROW(&r->grid, 1, N(0, 1), T(1, "停止"), N(2, 3), N(3, 2));
    grid_end(&r->grid);
    ky_map_options options;
    ky_map_options_init(&options);
    options.scale = scale;
    assert_int_equal(ky_mapping__add_grid(r->ctx, r->book, &r->grid, INPUT, &options), 0);
    assert_int_equal(r->book->risk_count, 3);
    return r;
}

static void test_scale__three_levels_on_scale_five(void **state)
{
    (void)state;
    run *r = map_risks("A:影響度 (高：３～低：１)", "B:発生度 (高：３～低：１)", 5);
    /* Once per table, though both headers name the 3-level scale. */
    assert_int_equal(captured_count(&r->seen, "mapping.scale-mismatch"), 2);
    int i = captured_find(&r->seen, "mapping.scale-mismatch");
    assert_int_equal(r->seen.rows[i], 1);
    assert_int_equal(r->seen.cols[i], 3);
    assert_string_equal(r->seen.messages[i],
                        "column C \"A:影響度 (高：３～低：１)\" names a 3-level scale, but "
                        "--scale 5 reads levels 1 to 5, so 3 is read as the middle level and "
                        "not the highest. Drop --scale 5 to read this table on the 3-level "
                        "scale");
    run_free(r);
}

static void test_scale__five_levels_on_scale_three(void **state)
{
    (void)state;
    run *r = map_risks("影響度", "発生度(1-5)", 3);
    assert_int_equal(captured_count(&r->seen, "mapping.scale-mismatch"), 2);
    int i = captured_find(&r->seen, "mapping.scale-mismatch");
    assert_int_equal(r->seen.cols[i], 4);
    assert_non_null(strstr(r->seen.messages[i], "names a 5-level scale"));
    assert_non_null(strstr(r->seen.messages[i], "Give --scale 5"));
    run_free(r);
}

static void test_scale__other_level_counts(void **state)
{
    (void)state;
    run *r = map_risks("影響度（4段階）", "発生度", 3);
    assert_int_equal(captured_count(&r->seen, "mapping.scale-mismatch"), 2);
    int i = captured_find(&r->seen, "mapping.scale-mismatch");
    assert_non_null(strstr(r->seen.messages[i], "names a 4-level scale, but the 3-level scale"));
    run_free(r);
}

static void test_scale__matching_or_silent_headers(void **state)
{
    (void)state;
    static const struct {
        const char *a;
        const char *b;
        int scale;
    } cases[] = {
        {"A:影響度 (高：３～低：１)", "B:発生度 (高：３～低：１)", 3},
        {"影響度(1～5)", "発生度（5段階）", 5},
        {"影響度", "発生度", 5},
        {"影響度 (H/M/L)", "発生度", 3},
        {"影響度（2024年度）", "発生度", 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run *r = map_risks(cases[i].a, cases[i].b, cases[i].scale);
        if (captured_count(&r->seen, "mapping.scale-mismatch") != 0)
            fail_msg("\"%s\" / \"%s\" on scale %d: %s", cases[i].a, cases[i].b, cases[i].scale,
                     r->seen.messages[captured_find(&r->seen, "mapping.scale-mismatch")]);
        run_free(r);
    }
}

static void test_scale__largest_risk_value(void **state)
{
    (void)state;
    assert_int_equal(ky_risk_value_max(3), 9);
    assert_int_equal(ky_risk_value_max(5), 25);
}

/* ------------------------------------------------------------------------ */
/* Id collisions of merged files                                            */
/* ------------------------------------------------------------------------ */

/* Add an incident list of `count` rows numbered from 1, read from `file`. */
static void add_numbered_file(run *r, const char *file, int count)
{
    ky_grid grid;
    ky_grid__init(&grid, r->ctx, file);
    grid_begin(&grid, "一覧");
    ROW(&grid, 0, T(0, "No."), T(1, "障害の概要"), T(2, "主な原因"));
    for (int i = 1; i <= count; i++)
        ROW(&grid, (uint32_t)i, N(0, i), T(1, "停止した"), T(2, "バグ"));
    grid_end(&grid);
    assert_int_equal(ky_mapping__add_grid(r->ctx, r->book, &grid, file, NULL), 0);
    ky_grid__free(&grid);
}

static void test_ids__collisions_listed_up_to_ten(void **state)
{
    (void)state;
    run *r = run_new();
    add_numbered_file(r, "/data/m01.csv", 20);
    add_numbered_file(r, "/data/m02.csv", 20);
    add_numbered_file(r, "/data/m03.csv", 12);
    assert_int_equal(r->book->incident_count, 52);

    /* Each later file collides with the first on every id: 10 listed, then one count. */
    assert_int_equal(captured_count(&r->seen, "mapping.id-collision"), 20);
    assert_int_equal(captured_count(&r->seen, "mapping.id-collisions-unlisted"), 2);
    assert_int_equal(r->seen.count, 22);
    assert_string_equal(r->seen.codes[10], "mapping.id-collisions-unlisted");
    assert_string_equal(r->seen.files[10], "/data/m02.csv");
    assert_int_equal(r->seen.rows[10], 0);
    assert_string_equal(r->seen.messages[10],
                        "10 more incident id collisions with /data/m01.csv are not listed "
                        "(20 in all). Both records of each collision are kept");
    assert_non_null(strstr(r->seen.messages[9], "incident id \"10\""));
    assert_string_equal(r->seen.messages[21],
                        "2 more incident id collisions with /data/m01.csv are not listed "
                        "(12 in all). Both records of each collision are kept");
    run_free(r);
}

static void test_ids__ten_collisions_all_listed(void **state)
{
    (void)state;
    run *r = run_new();
    add_numbered_file(r, "/data/m01.csv", 10);
    add_numbered_file(r, "/data/m02.csv", 10);
    assert_int_equal(captured_count(&r->seen, "mapping.id-collision"), 10);
    assert_int_equal(captured_count(&r->seen, "mapping.id-collisions-unlisted"), 0);
    run_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_units__effort_header_forms),
        cmocka_unit_test(test_units__damage_header_forms),
        cmocka_unit_test(test_units__unknown_effort_unit_warned),
        cmocka_unit_test(test_units__unknown_damage_unit_warned),
        cmocka_unit_test(test_units__report_names_unit),
        cmocka_unit_test(test_units__two_row_header),
        cmocka_unit_test(test_units__cell_and_header_words),
        cmocka_unit_test(test_scale__three_levels_on_scale_five),
        cmocka_unit_test(test_scale__five_levels_on_scale_three),
        cmocka_unit_test(test_scale__other_level_counts),
        cmocka_unit_test(test_scale__matching_or_silent_headers),
        cmocka_unit_test(test_scale__largest_risk_value),
        cmocka_unit_test(test_ids__collisions_listed_up_to_ten),
        cmocka_unit_test(test_ids__ten_collisions_all_listed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
