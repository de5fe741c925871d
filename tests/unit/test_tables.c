/* SPDX-License-Identifier: MIT */
/*
 * Tests for splitting a sheet into tables (titles, totals and notes, blank
 * spacer rows, a second header), for reading status-table times, and for
 * the times and days of status-table events. Grids are built in memory
 * through the grid sink.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "grid.h"
#include "kyokun/book.h"
#include "kyokun/diag.h"
#include "mapping.h"
#include "times.h"
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
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->ctx = ky_ctx_new();
    f->book = ky_book_new();
    ky_ctx_set_handler(f->ctx, NULL, KY_SEV_ERROR, NULL);
    ky_grid__init(&f->grid, f->ctx, "register.xlsx");
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
    assert_int_equal(ky_mapping__add_grid(f->ctx, f->book, &f->grid, "register.xlsx", NULL), 0);
}

static size_t skipped_sum(const ky_sheet_report *report)
{
    return report->skipped.blank + report->skipped.title + report->skipped.header +
           report->skipped.note + report->skipped.unreadable;
}

/* ------------------------------------------------------------------------ */
/* Several tables on one sheet                                              */
/* ------------------------------------------------------------------------ */

/*
 * Rows (1-based): 1 title, 2 blank, 3 header, 4-6 incidents, 7 合計, 8 note,
 * 9-10 blank, 11 title, 12 risk header, 13-14 risks, 15 note.
 */
static void register_sheet(fixture *f)
{
    grid_begin(&f->grid, "台帳");
    ROW(&f->grid, 0, T(0, "2023年度 障害管理台帳"));
    ROW(&f->grid, 2, T(0, "No."), T(1, "発生日時"), T(2, "障害の概要"), T(3, "主な原因"),
        T(4, "障害の影響額\n（千円）"));
    ROW(&f->grid, 3, N(0, 1), T(1, "2023/4/1"), T(2, "夜間バッチ停止"), T(3, "プログラムミス"),
        N(4, 100));
    ROW(&f->grid, 4, N(0, 2), T(1, "2023/5/12"), T(2, "ディスク満杯"), T(3, "運用ミス"),
        N(4, 50));
    ROW(&f->grid, 5, N(0, 3), T(1, "2023/6/3"), T(2, "回線断"), T(3, "ハードウェア"), N(4, 30));
    ROW(&f->grid, 6, T(0, "合　計"), N(4, 180));
    ROW(&f->grid, 7, T(0, "※金額は税抜き"));
    ROW(&f->grid, 10, T(0, "リスク管理表"));
    ROW(&f->grid, 11, T(0, "No."), T(1, "リスク内容"), T(2, "A:影響度\n(高：３～低：１)"),
        T(3, "B:発生度\n(高：３～低：１)"));
    ROW(&f->grid, 12, N(0, 1), T(1, "バッチ遅延"), N(2, 3), N(3, 2));
    ROW(&f->grid, 13, N(0, 2), T(1, "容量不足"), T(2, "中"), T(3, "低"));
    ROW(&f->grid, 14, T(0, "注：レベルは３段階"));
    grid_end(&f->grid);
}

static void test_split__two_tables_found(void **state)
{
    fixture *f = *state;
    register_sheet(f);
    map(f);

    assert_int_equal(f->book->sheet_count, 2);
    const ky_sheet_report *incidents = &f->book->sheets[0];
    const ky_sheet_report *risks = &f->book->sheets[1];
    assert_int_equal(incidents->table, 1);
    assert_int_equal(incidents->kind, KY_TABLE_INCIDENTS);
    assert_int_equal(incidents->header_row, 3);
    assert_int_equal(risks->table, 2);
    assert_int_equal(risks->kind, KY_TABLE_RISKS);
    assert_int_equal(risks->header_row, 12);
    assert_true(risks->confidence > 0);
    assert_int_equal(f->book->incident_count, 3);
    assert_int_equal(f->book->risk_count, 2);
}

static void test_split__spans_share_rows(void **state)
{
    fixture *f = *state;
    register_sheet(f);
    map(f);

    const ky_sheet_report *incidents = &f->book->sheets[0];
    const ky_sheet_report *risks = &f->book->sheets[1];
    assert_int_equal(incidents->first_row, 1);
    assert_int_equal(incidents->last_row, 10);
    assert_int_equal(risks->first_row, 11);
    assert_int_equal(risks->last_row, 15);
    assert_int_equal(incidents->rows_total + risks->rows_total, 15);
    assert_int_equal(incidents->rows_mapped + skipped_sum(incidents), incidents->rows_total);
    assert_int_equal(risks->rows_mapped + skipped_sum(risks), risks->rows_total);
}

static void test_split__totals_and_notes_skipped(void **state)
{
    fixture *f = *state;
    register_sheet(f);
    map(f);

    const ky_sheet_report *incidents = &f->book->sheets[0];
    assert_int_equal(incidents->rows_mapped, 3);
    assert_int_equal(incidents->totals, 1);
    /* The totals row and the note below it. */
    assert_int_equal(incidents->skipped.note, 2);
    assert_int_equal(incidents->skipped.title, 1);
    assert_int_equal(incidents->skipped.header, 1);
    /* Row 2 above the header and the spacer rows 9-10. */
    assert_int_equal(incidents->skipped.blank, 3);
    assert_int_equal(incidents->skipped.unreadable, 0);
    for (size_t i = 0; i < f->book->incident_count; i++)
        assert_string_not_equal(f->book->incidents[i].summary ? f->book->incidents[i].summary : "",
                                "合　計");
}

static void test_split__second_table_rows_absolute(void **state)
{
    fixture *f = *state;
    register_sheet(f);
    map(f);

    const ky_sheet_report *risks = &f->book->sheets[1];
    assert_int_equal(risks->skipped.title, 1);
    assert_int_equal(risks->skipped.header, 1);
    assert_int_equal(risks->skipped.note, 1);
    assert_int_equal(risks->rows_mapped, 2);
    assert_int_equal(f->book->risks[0].origin.row, 13);
    assert_int_equal(f->book->risks[1].origin.row, 14);
    assert_int_equal(f->book->risks[1].a, 2);
    assert_int_equal(f->book->risks[1].b, 1);
    assert_int_equal(f->book->incidents[2].origin.row, 6);
}

static void test_split__header_right_after_records(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "一覧");
    ROW(&f->grid, 0, T(0, "発生日時"), T(1, "障害の概要"), T(2, "主な原因"));
    ROW(&f->grid, 1, T(0, "2024/1/5"), T(1, "停止"), T(2, "設定誤り"));
    ROW(&f->grid, 2, T(0, "リスク内容"), T(1, "影響度"), T(2, "発生度"));
    ROW(&f->grid, 3, T(0, "容量不足"), T(1, "高"), T(2, "中"));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->sheet_count, 2);
    assert_int_equal(f->book->sheets[0].kind, KY_TABLE_INCIDENTS);
    assert_int_equal(f->book->sheets[0].rows_total, 2);
    assert_int_equal(f->book->sheets[1].kind, KY_TABLE_RISKS);
    assert_int_equal(f->book->sheets[1].header_row, 3);
    assert_int_equal(f->book->risk_count, 1);
    assert_int_equal(f->book->risks[0].a, 3);
}

static void test_split__record_with_field_names_kept(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "一覧");
    ROW(&f->grid, 0, T(0, "発生日時"), T(1, "障害の概要"), T(2, "主な原因"), T(3, "備考"));
    ROW(&f->grid, 1, T(0, "2024/1/5"), T(1, "停止"), T(2, "設定誤り"), T(3, "なし"));
    /* Two field names among four values: still a record. */
    ROW(&f->grid, 2, T(0, "2024/2/5"), T(1, "システム名"), T(2, "主な原因"), T(3, "調査中"));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->sheet_count, 1);
    assert_int_equal(f->book->sheets[0].rows_mapped, 2);
}

static void test_split__repeated_header_one_table(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "一覧");
    ROW(&f->grid, 0, T(0, "発生日時"), T(1, "障害の概要"), T(2, "主な原因"));
    ROW(&f->grid, 1, T(0, "2024/1/5"), T(1, "停止"), T(2, "設定誤り"));
    ROW(&f->grid, 3, T(0, "発生日時"), T(1, "障害の概要"), T(2, "主な原因"));
    ROW(&f->grid, 4, T(0, "2024/2/5"), T(1, "遅延"), T(2, "容量不足"));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->sheet_count, 1);
    assert_int_equal(f->book->sheets[0].rows_mapped, 2);
    assert_int_equal(f->book->sheets[0].skipped.header, 2);
}

static void test_split__merged_upper_header(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "分析");
    ROW(&f->grid, 0, T(0, "問題"), T(1, "原因"), T(4, "対策"));
    grid_merge(&f->grid, 0, 1, 0, 3);
    ROW(&f->grid, 1, T(1, "なぜ１"), T(2, "なぜ２"), T(3, "なぜ３"));
    ROW(&f->grid, 2, T(0, "停止"), T(1, "障害"), T(2, "パッチ未適用"), T(3, "情報収集不足"),
        T(4, "収集間隔の見直し（T16）"));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->sheet_count, 1);
    const ky_sheet_report *why = &f->book->sheets[0];
    assert_int_equal(why->kind, KY_TABLE_WHY);
    assert_int_equal(why->header_rows, 2);
    assert_int_equal(f->book->why_count, 4);
    assert_int_equal(f->book->why_nodes[3].kind, KY_WHY_ROOT);
    assert_string_equal(f->book->why_nodes[3].lesson_ids.items[0], "T16");
}

static void test_why__twelve_levels(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "なぜなぜ");
    static const char *const headers[] = {"問題", "なぜ1", "なぜ2", "なぜ3", "なぜ4", "なぜ5",
                                          "なぜ6", "なぜ7", "なぜ8", "なぜ9", "なぜ10", "なぜ11",
                                          "なぜ12", "対策"};
    static const char *const causes[] = {"停止", "c1", "c2", "c3", "c4", "c5", "c6",
                                         "c7", "c8", "c9", "c10", "c11", "c12", "対策A (T3)"};
    ky_cell header[14];
    ky_cell row[14];
    for (uint32_t c = 0; c < 14; c++) {
        header[c] = T(c, headers[c]);
        row[c] = T(c, causes[c]);
    }
    grid_row(&f->grid, 0, header, 14);
    grid_row(&f->grid, 1, row, 14);
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->sheets[0].kind, KY_TABLE_WHY);
    assert_int_equal(f->book->why_count, 13);
    const ky_why_node *deepest = &f->book->why_nodes[12];
    assert_string_equal(deepest->text, "c12");
    assert_int_equal(deepest->level, 12);
    assert_int_equal(deepest->kind, KY_WHY_ROOT);
    assert_int_equal(deepest->parent, 12);
    assert_string_equal(deepest->lesson_ids.items[0], "T3");
}

static void test_totals__labels(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "s");
    ROW(&f->grid, 0, T(0, "合計"));
    ROW(&f->grid, 1, T(0, "小 計"));
    ROW(&f->grid, 2, T(0, "Total"));
    ROW(&f->grid, 3, T(0, "合計（件）"));
    ROW(&f->grid, 4, T(0, "設計"));
    ROW(&f->grid, 5, T(0, "合計が合わない原因の調査をした"));
    ROW(&f->grid, 6, N(0, 1), T(1, "計"));
    grid_end(&f->grid);

    const ky_grid_sheet *sheet = &f->grid.sheets[0];
    assert_true(ky_mapping__is_totals(sheet, 0));
    assert_true(ky_mapping__is_totals(sheet, 1));
    assert_true(ky_mapping__is_totals(sheet, 2));
    assert_true(ky_mapping__is_totals(sheet, 3));
    assert_false(ky_mapping__is_totals(sheet, 4));
    assert_false(ky_mapping__is_totals(sheet, 5));
    assert_false(ky_mapping__is_totals(sheet, 6));
}

/* ------------------------------------------------------------------------ */
/* Times of a status table                                                  */
/* ------------------------------------------------------------------------ */

static const struct {
    const char *text;
    int day;
    int minutes;
} times[] = {
    {"16:00", 0, 16 * 60},
    {"１６：００", 0, 16 * 60},
    {"9:05:30", 0, 9 * 60 + 5},
    {"朝４時", 0, 4 * 60},
    {"早朝5時", 0, 5 * 60},
    {"朝８時", 0, 8 * 60},
    {"昼12時", 0, 12 * 60},
    {"昼1時", 0, 13 * 60},
    {"正午", 0, 12 * 60},
    {"夕方5時", 0, 17 * 60},
    {"夜9時半", 0, 21 * 60 + 30},
    {"夜12時", 1, 0},
    {"深夜2時", 0, 2 * 60},
    {"深夜11時", 0, 23 * 60},
    {"午前10時30分", 0, 10 * 60 + 30},
    {"午前12時", 0, 0},
    {"午後3時", 0, 15 * 60},
    {"午後12時", 0, 12 * 60},
    {"AM1:30", 0, 90},
    {"PM 1:30", 0, 13 * 60 + 30},
    {"1:30 PM", 0, 13 * 60 + 30},
    {"翌 AM1:30", 1, 90},
    {"翌日 9:00", 1, 9 * 60},
    {"翌朝７時", 1, 7 * 60},
    {"前日 23:00", -1, 23 * 60},
    {"25:10", 1, 70},
    {"9:00～10:00", 0, 9 * 60},
    {"16:00 復旧", 0, 16 * 60},
};

static void test_times__forms_read(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        ky_clock clock;
        bool read = ky_time__read_text(times[i].text, strlen(times[i].text), &clock);
        if (!read || clock.day != times[i].day || clock.minutes != times[i].minutes)
            fail_msg("\"%s\": read %d, day %d, minutes %d; expected day %d, minutes %d",
                     times[i].text, read, clock.day, clock.minutes, times[i].day,
                     times[i].minutes);
    }
}

static void test_times__leading_date(void **state)
{
    (void)state;
    ky_clock clock;
    assert_true(ky_time__read_text("2024/4/1 16:00", strlen("2024/4/1 16:00"), &clock));
    assert_true(clock.dated);
    assert_int_equal(clock.day, 45383);
    assert_int_equal(clock.minutes, 16 * 60);
    assert_true(ky_time__read_text("令和6年4月2日 朝8時", strlen("令和6年4月2日 朝8時"), &clock));
    assert_true(clock.dated);
    assert_int_equal(clock.day, 45384);
    assert_int_equal(clock.minutes, 8 * 60);
}

static void test_times__unreadable(void **state)
{
    (void)state;
    static const char *const texts[] = {"その他", "", "朝", "24時間以内", "16:75", "午前13時",
                                        "123:00", "不明"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        ky_clock clock;
        if (ky_time__read_text(texts[i], strlen(texts[i]), &clock) || clock.minutes != -1)
            fail_msg("\"%s\" was read as %d minutes", texts[i], clock.minutes);
    }
}

static void test_times__day_without_time(void **state)
{
    (void)state;
    ky_clock clock;
    assert_false(ky_time__read_text("翌日 未定", strlen("翌日 未定"), &clock));
    assert_int_equal(clock.day, 1);
    assert_true(clock.day_given);
    assert_int_equal(clock.minutes, -1);
}

static void test_times__time_cells(void **state)
{
    (void)state;
    ky_clock clock;
    ky_cell fraction = N(0, 0.6875);
    assert_true(ky_time__read_cell(&fraction, &clock));
    assert_int_equal(clock.minutes, 16 * 60 + 30);
    ky_cell time = {.type = KY_CELL_DATE, .date_kind = KY_DATE_TIME, .number = 0.25};
    assert_true(ky_time__read_cell(&time, &clock));
    assert_int_equal(clock.minutes, 6 * 60);
    ky_cell date = {.type = KY_CELL_DATE, .date_kind = KY_DATE_DATE, .number = 45000};
    assert_false(ky_time__read_cell(&date, &clock));
    /* 26:33 as a duration: 2:33 on the next day. */
    ky_cell duration = {.type = KY_CELL_DATE, .date_kind = KY_DATE_TIME, .number = 26.55 / 24};
    assert_true(ky_time__read_cell(&duration, &clock));
    assert_int_equal(clock.day, 1);
    assert_int_equal(clock.minutes, 2 * 60 + 33);
    ky_cell stamp = {.type = KY_CELL_DATE, .date_kind = KY_DATE_DATETIME, .number = 45383.75};
    assert_true(ky_time__read_cell(&stamp, &clock));
    assert_true(clock.dated);
    assert_int_equal(clock.day, 45383);
    assert_int_equal(clock.minutes, 18 * 60);
    ky_cell whole = N(0, 4);
    assert_false(ky_time__read_cell(&whole, &clock));
}

/* ------------------------------------------------------------------------ */
/* Events of a status table                                                 */
/* ------------------------------------------------------------------------ */

static void test_status__event_times_and_days(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "障害状況表");
    ROW(&f->grid, 0, T(0, "日時"), T(1, "A社"), T(3, "B社"));
    grid_merge(&f->grid, 0, 1, 0, 2);
    ROW(&f->grid, 1, T(1, "業務窓口"), T(2, "情シス部門"), T(3, "運用"));
    ROW(&f->grid, 2, T(0, "朝４時"), T(3, "異常検知"));
    ROW(&f->grid, 3, T(0, "16:00"), T(1, "受付停止"), T(2, "原因特定"));
    ROW(&f->grid, 4, T(0, "翌 AM1:30"), T(3, "復旧"));
    ROW(&f->grid, 5, T(0, "AM3:00"), T(2, "報告"));
    ROW(&f->grid, 6, T(0, "その他"), T(1, "お詫び掲示"));
    grid_end(&f->grid);
    map(f);

    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_STATUS);
    assert_int_equal(report->rows_mapped + skipped_sum(report), report->rows_total);
    assert_int_equal(f->book->event_count, 6);
    const ky_event *events = f->book->events;

    assert_string_equal(events[0].time_text, "朝４時");
    assert_int_equal(events[0].minutes, 4 * 60);
    assert_int_equal(events[0].day, 0);
    assert_string_equal(events[0].actor_group, "B社");
    assert_string_equal(events[0].actor, "運用");

    assert_int_equal(events[1].minutes, 16 * 60);
    assert_string_equal(events[1].actor_group, "A社");
    assert_string_equal(events[1].actor, "業務窓口");
    assert_string_equal(events[2].actor, "情シス部門");

    assert_int_equal(events[3].minutes, 90);
    assert_int_equal(events[3].day, 1);
    /* The day named by 翌 carries down to the rows below. */
    assert_int_equal(events[4].minutes, 180);
    assert_int_equal(events[4].day, 1);

    assert_string_equal(events[5].time_text, "その他");
    assert_int_equal(events[5].minutes, -1);
}

static void test_status__date_time_cells(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "障害状況表");
    ROW(&f->grid, 0, T(0, "日時"), T(1, "運用"), T(2, "保守"));
    ky_cell evening[] = {{.col = 0, .type = KY_CELL_DATE, .date_kind = KY_DATE_DATETIME,
                          .number = 45383.9375},
                         T(1, "停止を検知")};
    grid_row(&f->grid, 1, evening, 2);
    ky_cell night[] = {{.col = 0, .type = KY_CELL_DATE, .date_kind = KY_DATE_DATETIME,
                        .number = 45384.0625},
                       T(2, "復旧")};
    grid_row(&f->grid, 2, night, 2);
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->event_count, 2);
    assert_int_equal(f->book->events[0].day, 0);
    assert_int_equal(f->book->events[0].minutes, 22 * 60 + 30);
    assert_int_equal(f->book->events[1].day, 1);
    assert_int_equal(f->book->events[1].minutes, 90);
    assert_string_equal(f->book->events[1].actor, "保守");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_split__two_tables_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__spans_share_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__totals_and_notes_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__second_table_rows_absolute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__header_right_after_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__record_with_field_names_kept, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_split__repeated_header_one_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__merged_upper_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_why__twelve_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_totals__labels, setup, teardown),
        cmocka_unit_test(test_times__forms_read),
        cmocka_unit_test(test_times__leading_date),
        cmocka_unit_test(test_times__unreadable),
        cmocka_unit_test(test_times__day_without_time),
        cmocka_unit_test(test_times__time_cells),
        cmocka_unit_test_setup_teardown(test_status__event_times_and_days, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status__date_time_cells, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
