/* SPDX-License-Identifier: MIT */
/*
 * Tests for the grid sink and the mapping: header search, kinds, columns,
 * value conversion, row accounting, why-why trees and status tables. Grids
 * are built in memory through the sink, so no files or plugins are needed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_date.h"
#include "grid.h"
#include "headers.h"
#include "kyokun/book.h"
#include "kyokun/diag.h"
#include "kyokun/registry.h"
#include "mapping.h"
#include "values.h"
#include "support/grid_test.h"

#define T(c, s) ((ky_cell){.col = (c), .type = KY_CELL_TEXT, .text = (s), .len = strlen(s)})
#define N(c, v) ((ky_cell){.col = (c), .type = KY_CELL_NUMBER, .number = (v)})
#define D(c, v) ((ky_cell){.col = (c), .type = KY_CELL_DATE, .date_kind = KY_DATE_DATE, .number = (v)})
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
    ky_grid__init(&f->grid, f->ctx, "/data/2024 incidents.xlsx");
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
    assert_int_equal(ky_mapping__add_grid(f->ctx, f->book, &f->grid, "/data/2024 incidents.xlsx",
                                          NULL), 0);
}

static size_t skipped_sum(const ky_sheet_report *report)
{
    return report->skipped.blank + report->skipped.title + report->skipped.header +
           report->skipped.note + report->skipped.unreadable;
}

/* ------------------------------------------------------------------------ */
/* Grid                                                                     */
/* ------------------------------------------------------------------------ */

static void test_grid__cells_sparse_and_copied(void **state)
{
    fixture *f = *state;
    char text[] = "障害";
    grid_begin(&f->grid, "Sheet1");
    ROW(&f->grid, 2, T(1, text), N(4, 7));
    text[0] = 'x';
    grid_end(&f->grid);

    const ky_grid_sheet *sheet = &f->grid.sheets[0];
    assert_int_equal(sheet->row_count, 3);
    assert_int_equal(sheet->col_count, 5);
    assert_null(ky_grid__cell(sheet, 0, 0));
    assert_null(ky_grid__cell(sheet, 2, 0));
    assert_null(ky_grid__cell(sheet, 2, 3));
    assert_null(ky_grid__cell(sheet, 2, 5));
    assert_null(ky_grid__cell(sheet, 9, 1));
    assert_string_equal(ky_grid__cell(sheet, 2, 1)->text, "障害");
    assert_true(ky_grid__cell(sheet, 2, 4)->number == 7);
}

static void test_grid__merge_lookup(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "Sheet1");
    ROW(&f->grid, 0, T(0, "title"));
    grid_merge(&f->grid, 5, 1, 8, 2);
    grid_merge(&f->grid, 0, 0, 0, 6);
    grid_merge(&f->grid, 2, 0, 10, 0);
    grid_end(&f->grid);

    const ky_grid_sheet *sheet = &f->grid.sheets[0];
    assert_int_equal(ky_grid__merge_at(sheet, 0, 6)->last_col, 6);
    assert_int_equal(ky_grid__merge_at(sheet, 9, 0)->first_row, 2);
    assert_int_equal(ky_grid__merge_at(sheet, 8, 2)->first_row, 5);
    assert_null(ky_grid__merge_at(sheet, 9, 1));
    assert_null(ky_grid__merge_at(sheet, 1, 0));
}

static void test_grid__limits_rejected(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "Sheet1");
    const ky_cell wide = N(KY_GRID_MAX_COLS, 1);
    const ky_cell fine = N(0, 1);
    assert_int_equal(ky_grid__sink()->row(&f->grid, 0, &wide, 1), KY_ELIMIT);
    assert_int_equal(ky_grid__sink()->row(&f->grid, KY_GRID_MAX_ROWS, &fine, 1), KY_ELIMIT);
    assert_int_equal(ky_error_last(f->ctx)->code, KY_ELIMIT);
    assert_int_equal(ky_grid__sink()->row(&f->grid, KY_GRID_MAX_ROWS - 1, &fine, 1), KY_SINK_OK);
}

static void test_grid__row_outside_sheet_rejected(void **state)
{
    fixture *f = *state;
    const ky_cell cell = N(0, 1);
    assert_int_equal(ky_grid__sink()->row(&f->grid, 0, &cell, 1), KY_EINVAL);
}

/* ------------------------------------------------------------------------ */
/* Header search and kinds                                                  */
/* ------------------------------------------------------------------------ */

/* An incident list under a merged title and a date line. */
static void incident_sheet(fixture *f)
{
    grid_begin(&f->grid, "一覧");
    ROW(&f->grid, 0, T(0, "2024年度 システム障害一覧"));
    grid_merge(&f->grid, 0, 0, 0, 5);
    ROW(&f->grid, 1, T(4, "作成日: 2024/4/1"));
    ROW(&f->grid, 2, T(0, "No."), T(1, "発生日時"), T(2, "障害の概要"), T(3, "主な原因"),
        T(4, "障害の影響額\n（千円）"), T(5, "対応工数"), T(6, "担当者"));
    ROW(&f->grid, 3, N(0, 1), D(1, 45383), T(2, "負荷分散装置の障害でオンライン停止"),
        T(3, "ハードウェア故障"), N(4, 1200), T(5, "10人日"), T(6, "佐藤"));
    ROW(&f->grid, 4, N(0, 2), T(1, "2024年5月7日"), T(2, "バッチ遅延"), T(3, "運用手順の誤り"),
        T(4, "1,200万円"), N(5, 0.5));
    ROW(&f->grid, 6, N(0, 3), T(1, "2024/6/3 10:30"), T(2, "帳票出力の誤り"),
        T(3, "ソフトウェアの誤り"), T(4, "約100万円"), T(5, "16時間"));
    ROW(&f->grid, 7, N(0, 4), T(6, "佐藤"));
    ROW(&f->grid, 9, T(0, "※影響額は概算"));
    grid_end(&f->grid);
}

static void test_header__found_below_title_rows(void **state)
{
    fixture *f = *state;
    incident_sheet(f);
    map(f);

    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_INCIDENTS);
    assert_int_equal(report->header_row, 3);
    assert_int_equal(report->header_rows, 1);
    assert_int_equal(report->skipped.title, 2);
    assert_null(report->reason);
}

static void test_rows__counts_add_up(void **state)
{
    fixture *f = *state;
    incident_sheet(f);
    map(f);

    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->rows_total, 10);
    assert_int_equal(report->rows_mapped, 3);
    assert_int_equal(report->skipped.title, 2);
    assert_int_equal(report->skipped.header, 1);
    assert_int_equal(report->skipped.blank, 2);
    assert_int_equal(report->skipped.note, 1);
    assert_int_equal(report->skipped.unreadable, 1);
    assert_int_equal(report->rows_mapped + skipped_sum(report), report->rows_total);
}

static void test_incidents__values_converted(void **state)
{
    fixture *f = *state;
    incident_sheet(f);
    map(f);

    assert_int_equal(f->book->incident_count, 3);
    const ky_incident *first = &f->book->incidents[0];
    assert_string_equal(first->id, "1");
    assert_string_equal(first->occurred_text, "2024-04-01");
    assert_true(first->occurred == 45383);
    assert_string_equal(first->main_cause, "ハードウェア故障");
    assert_true(first->damage_yen == 1200000);
    assert_string_equal(first->damage_text, "1200");
    assert_true(first->effort_pm == 0.5);
    assert_string_equal(first->effort_text, "10人日");

    const ky_incident *second = &f->book->incidents[1];
    assert_true(second->occurred == ky_date_to_serial(2024, 5, 7));
    assert_true(second->damage_yen == 12000000);
    assert_true(second->effort_pm == 0.5);

    const ky_incident *third = &f->book->incidents[2];
    assert_true(third->occurred == ky_date_to_serial(2024, 6, 3) + 10.5 / 24);
    assert_true(isnan(third->damage_yen));
    assert_string_equal(third->damage_text, "約100万円");
    assert_true(third->effort_pm == 0.1);
    assert_int_equal(third->origin.row, 7);
}

static void test_incidents__unreadable_amount_warned(void **state)
{
    fixture *f = *state;
    incident_sheet(f);
    map(f);

    /* The unmapped column 担当者 is warned about first, in the header row, and
       the row with only No. and 担当者 last, as unreadable. */
    assert_int_equal(f->seen.count, 3);
    assert_string_equal(f->seen.codes[0], "mapping.unmapped-columns");
    assert_string_equal(f->seen.codes[1], "mapping.invalid-amount");
    assert_string_equal(f->seen.sheets[1], "一覧");
    assert_int_equal(f->seen.rows[1], 7);
    assert_int_equal(f->seen.cols[1], 5);
    assert_string_equal(f->seen.codes[2], "mapping.unreadable-row");
}

static void test_columns__unmapped_kept_as_extra(void **state)
{
    fixture *f = *state;
    incident_sheet(f);
    map(f);

    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->column_count, 7);
    assert_string_equal(report->columns[6].header, "担当者");
    assert_null(report->columns[6].field);
    assert_string_equal(report->columns[4].header, "障害の影響額\n（千円）");
    assert_string_equal(report->columns[4].field, "damage");

    const ky_incident *first = &f->book->incidents[0];
    assert_int_equal(first->extras.count, 1);
    assert_string_equal(first->extras.items[0].header, "担当者");
    assert_string_equal(first->extras.items[0].value, "佐藤");
    assert_int_equal(f->book->incidents[1].extras.count, 0);
}

static void test_header__full_width_names(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "Sheet1");
    ROW(&f->grid, 0, T(0, "ＩＤ"), T(1, "Ｓｕｍｍａｒｙ"), T(2, "Ｏｃｃｕｒｒｅｄ　（ＪＳＴ）"),
        T(3, "Ｃａｕｓｅ\nＣａｔｅｇｏｒｙ"));
    ROW(&f->grid, 1, T(0, "INC-1"), T(1, "Login failure"), T(2, "2024-04-01"), T(3, "software"));
    grid_end(&f->grid);
    map(f);

    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_INCIDENTS);
    assert_string_equal(report->columns[0].field, "id");
    assert_string_equal(report->columns[1].field, "summary");
    assert_string_equal(report->columns[2].field, "occurred");
    assert_string_equal(report->columns[3].field, "main_cause");
    assert_true(f->book->incidents[0].occurred == 45383);
}

static void test_header__dictionary_is_normalised(void **state)
{
    (void)state;
    size_t count;
    const ky_header_field *fields = ky_header__fields(&count);
    for (size_t i = 0; i < count; i++) {
        for (const char *const *name = fields[i].synonyms; *name; name++) {
            char *key = ky_header__key(*name, strlen(*name), false);
            assert_string_equal(key, *name);
            free(key);
        }
    }
}

static void test_header__key_drops_notes(void **state)
{
    (void)state;
    const char *header = "Ａ：影響度\n（高：３～低：１）";
    char *key = ky_header__key(header, strlen(header), false);
    assert_string_equal(key, "a影響度");
    free(key);
    char *full = ky_header__key(header, strlen(header), true);
    assert_string_equal(full, "a影響度高3~低1");
    free(full);
}

static void test_sheet__no_header_reported(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "メモ");
    ROW(&f->grid, 0, T(0, "打合せメモ"));
    ROW(&f->grid, 2, T(0, "来週までに確認"), T(1, "佐藤"));
    grid_end(&f->grid);
    map(f);

    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_UNKNOWN);
    assert_string_equal(report->reason, "no header row recognised: no cell in the first 30 rows "
                                        "matches a known header name");
    assert_int_equal(report->header_row, 0);
    assert_int_equal(report->rows_total, 3);
    assert_int_equal(report->skipped.unreadable, 2);
    assert_int_equal(report->skipped.blank, 1);
    assert_int_equal(report->rows_mapped, 0);
    assert_int_equal(f->seen.count, 1);
    assert_string_equal(f->seen.codes[0], "mapping.no-header");
    assert_string_equal(f->seen.sheets[0], "メモ");
}

/* Return the field name that ky_header__find() gives a header, or "" when none. */
static const char *found_field(const char *header, ky_table_kind kind, ky_header_quality *quality)
{
    ky_header_hit hit = ky_header__find(header, strlen(header), kind);
    *quality = hit.quality;
    return hit.field ? hit.field->name : "";
}

static void test_header__exact_after_reduction(void **state)
{
    (void)state;
    static const struct {
        const char *header;
        ky_table_kind kind;
        const char *field;
    } cases[] = {
        {"C: Risk score\n(A x B)", KY_TABLE_RISKS, "c"},
        {"A: Impact\n(high 3 to low 1)", KY_TABLE_RISKS, "a"},
        {"Effect on business", KY_TABLE_RISKS, "impact"},
        {"Lesson", KY_TABLE_LESSONS, "lesson"},
        {"Title", KY_TABLE_LESSONS, "title"},
        {"Risk\nas the customer sees it", KY_TABLE_RISKS, "content"},
        {"value.title", KY_TABLE_INCIDENTS, "summary"},
        {"case_title", KY_TABLE_INCIDENTS, "summary"},
        {"subject", KY_TABLE_INCIDENTS, "summary"},
        {"estimated_hours", KY_TABLE_INCIDENTS, "effort"},
        {"reason", KY_TABLE_INCIDENTS, "main_cause"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ky_header_quality quality;
        assert_string_equal(found_field(cases[i].header, cases[i].kind, &quality), cases[i].field);
        assert_int_equal(quality, KY_HEADER_EXACT);
    }
}

static void test_header__partial_matches(void **state)
{
    (void)state;
    static const struct {
        const char *header;
        const char *field;
        bool needs_dates;
    } cases[] = {
        {"closure_reason", "main_cause", false},
        {"case_enquiry_id", "id", false},
        {"事案概要", "summary", false},
        {"start_date", "occurred", true},
        {"open_dt", "occurred", true},
        {"openDate", "occurred", true},
        {"公表日", "occurred", true},
        {"内部ID(20桁)", "id", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ky_header_hit hit = ky_header__find(cases[i].header, strlen(cases[i].header),
                                            KY_TABLE_INCIDENTS);
        assert_non_null(hit.field);
        assert_string_equal(hit.field->name, cases[i].field);
        assert_int_equal(hit.quality, KY_HEADER_PARTIAL);
        assert_int_equal(hit.needs_dates, cases[i].needs_dates);
    }
}

static void test_header__other_dates_not_occurred(void **state)
{
    (void)state;
    static const char *const headers[] = {"due_date", "target_dt", "closed_dt", "created_at",
                                          "最終更新日", "作成日時", "削除日時", "完了予定日"};
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        ky_header_quality quality;
        assert_string_equal(found_field(headers[i], KY_TABLE_INCIDENTS, &quality), "");
        assert_int_equal(quality, KY_HEADER_NONE);
    }
}

static void test_header__long_text_not_partial(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "労働者６名に、２か月間の定期賃金合計約280万円を支払わなかったもの原因",
        "General Comments For a Program or Policy reason",
        "出席：情シス部門3名、B社2名",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        for (int kind = KY_TABLE_INCIDENTS; kind <= KY_TABLE_STATUS; kind++) {
            ky_header_quality quality;
            assert_string_equal(found_field(texts[i], (ky_table_kind)kind, &quality), "");
        }
    }
}

/* A notices table (title, body, importance, bookkeeping dates): no kind's required fields. */
static void test_kind__notices_not_lessons(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "information");
    ROW(&f->grid, 0, T(0, "id"), T(1, "value.title"), T(2, "value.body"), T(3, "value.priority"),
        T(4, "created_at"));
    ROW(&f->grid, 1, T(0, "ID"), T(1, "タイトル"), T(2, "本文"), T(3, "重要度"), T(4, "作成日時"));
    ROW(&f->grid, 2, N(0, 1), T(1, "ようこそ"), T(2, "<p>本文</p>"), N(3, 3),
        T(4, "2019-01-04 18:48:15"));
    ROW(&f->grid, 3, N(0, 2), T(1, "テーブルの追加"), T(2, "<p>手順</p>"), N(3, 1),
        T(4, "2019-01-05 09:00:00"));
    grid_end(&f->grid);
    map(f);

    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_UNKNOWN);
    assert_int_equal(f->book->lesson_count, 0);
    assert_int_equal(f->book->incident_count, 0);
    assert_int_equal(report->header_row, 2);
    assert_int_equal(report->rows_mapped, 0);
    assert_int_equal(report->skipped.title, 1);
    assert_int_equal(report->skipped.header, 1);
    assert_int_equal(report->skipped.unreadable, 2);
    assert_non_null(report->reason);
    assert_non_null(strstr(report->reason, "no table recognised: the header in row 2"));
    assert_int_equal(report->column_count, 5);
    assert_null(report->columns[1].field);
    assert_int_equal(f->seen.count, 1);
    assert_string_equal(f->seen.codes[0], "mapping.no-table");
}

/* A ticket export: exact, partial and date-like names together, with low confidence. */
static void test_kind__ticket_export_incidents(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "export");
    ROW(&f->grid, 0, T(0, "priority"), T(1, "subject"), T(2, "description"), T(3, "start_date"),
        T(4, "due_date"), T(5, "category"), T(6, "estimated_hours"), T(7, "tracker"));
    ROW(&f->grid, 1, T(0, "High"), T(1, "Login fails"), T(2, "Users cannot log in"),
        T(3, "2015-07-08"), T(4, "2015-08-25"), T(5, "Auth"), N(6, 16), T(7, "bug"));
    ROW(&f->grid, 2, T(0, "Normal"), T(1, "Slow report"), T(2, "Report takes 5 min"));
    grid_end(&f->grid);
    map(f);

    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_INCIDENTS);
    assert_string_equal(report->columns[1].field, "summary");
    assert_null(report->columns[2].field);
    assert_string_equal(report->columns[3].field, "occurred");
    assert_null(report->columns[4].field);
    assert_string_equal(report->columns[5].field, "main_cause");
    assert_string_equal(report->columns[6].field, "effort");
    /* 3 exact and 1 partial field of 8 columns: (3 * 2 + 1) / 16 points. */
    assert_int_equal(report->confidence, 43);
    assert_int_equal(f->book->incident_count, 2);
    assert_true(f->book->incidents[0].occurred == ky_date_to_serial(2015, 7, 8));
    assert_true(f->book->incidents[0].effort_pm == 0.1);
    assert_string_equal(f->book->incidents[0].extras.items[1].header, "description");
}

/* A date-like header whose values are not dates is not the occurrence date. */
static void test_kind__date_like_needs_dates(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "Sheet1");
    ROW(&f->grid, 0, T(0, "事案概要"), T(1, "担当日"), T(2, "主な原因"));
    ROW(&f->grid, 1, T(0, "帳票の誤り"), T(1, "佐藤"), T(2, "手順の誤り"));
    ROW(&f->grid, 2, T(0, "バッチ遅延"), T(1, "鈴木"), T(2, "設定の誤り"));
    grid_end(&f->grid);
    map(f);

    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_INCIDENTS);
    assert_string_equal(report->columns[0].field, "summary");
    assert_null(report->columns[1].field);
    assert_string_equal(report->columns[2].field, "main_cause");
}

static void test_sheet__closest_header_row_named(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "メモ");
    ROW(&f->grid, 0, T(0, "打合せメモ"));
    ROW(&f->grid, 1, T(0, "件名"), T(1, "担当者"), T(2, "期限"));
    ROW(&f->grid, 2, T(0, "保守窓口への問い合わせ"), T(1, "佐藤"), T(2, "来週"));
    grid_end(&f->grid);
    map(f);

    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_UNKNOWN);
    assert_int_equal(report->header_row, 0);
    assert_string_equal(report->reason, "no header row recognised: row 2 comes closest, with 1 of "
                                        "its 3 cells matching known header names");
    assert_int_equal(report->skipped.unreadable, 3);
}

static void test_book__title_and_threshold(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "Sheet1");
    grid_end(&f->grid);
    ky_map_options options;
    ky_map_options_init(&options);
    assert_int_equal(options.threshold, 5);
    options.threshold = 4;
    assert_int_equal(ky_mapping__add_grid(f->ctx, f->book, &f->grid, "/data/2024 incidents.xlsx",
                                          &options), 0);
    assert_string_equal(f->book->title, "2024 incidents");
    assert_int_equal(f->book->threshold, 4);
    assert_int_equal(f->book->sheet_count, 1);
    assert_string_equal(f->book->sheets[0].reason, "the sheet is empty");
}

/* ------------------------------------------------------------------------ */
/* Lessons                                                                  */
/* ------------------------------------------------------------------------ */

static void test_lessons__lists_split(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "教訓");
    ROW(&f->grid, 0, T(0, "教訓ID"), T(1, "教訓概要"), T(2, "根本原因"), T(3, "再発防止策"),
        T(4, "活用する目的"), T(5, "キーワード"), T(6, "ライフサイクル"), T(7, "運用・サービスプロセス"));
    ROW(&f->grid, 1, T(0, "Ｇ７"), T(1, "クラウド事業者と利用者が連携したトラブル対応体制を整備すべし"),
        T(2, "１．運用時のトラブル管理体制が決まっていなかった。\n報告、連絡、相談がうまく回らなかった。\n"
             "２．役割分担が不明確な契約のままサービスを開始していた。"),
        T(3, "・トラブル対応の体制の強化\n・責任分界点を明確にする"),
        T(4, "組織・体制の整備"), T(5, "仮想化、共同利用、トラブル管理、パッチの適用、システム再起動"),
        T(6, "運用"), T(7, "サービス提供"));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->sheets[0].kind, KY_TABLE_LESSONS);
    const ky_lesson *lesson = &f->book->lessons[0];
    assert_string_equal(lesson->id, "G7");
    assert_int_equal(lesson->root_causes.count, 2);
    assert_string_equal(lesson->root_causes.items[0],
                        "運用時のトラブル管理体制が決まっていなかった。\n報告、連絡、相談がうまく回らなかった。");
    assert_string_equal(lesson->root_causes.items[1], "役割分担が不明確な契約のままサービスを開始していた。");
    assert_int_equal(lesson->recurrence.count, 2);
    assert_string_equal(lesson->recurrence.items[1], "責任分界点を明確にする");
    assert_int_equal(lesson->classification.purposes.count, 1);
    assert_string_equal(lesson->classification.purposes.items[0], "組織・体制の整備");
    assert_int_equal(lesson->classification.keywords.count, 5);
    assert_string_equal(lesson->classification.keywords.items[3], "パッチの適用");
    assert_string_equal(lesson->classification.lifecycle, "運用");
    assert_string_equal(lesson->classification.service, "サービス提供");
}

static void test_lessons__continuation_rows(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "Lessons");
    ROW(&f->grid, 0, T(0, "Lesson ID"), T(1, "Title"), T(2, "Root cause"), T(3, "Corrective action"));
    ROW(&f->grid, 1, T(0, "T16"), T(1, "Check vendor fixes often"), T(2, "Fixes checked quarterly"),
        T(3, "Check every two weeks"));
    ROW(&f->grid, 2, T(3, "Rank fixes by severity"));
    ROW(&f->grid, 3, T(2, "No expert on the device"), T(3, "Train a second engineer"));
    ROW(&f->grid, 4, T(0, "T17"), T(1, "Restart devices on a schedule"));
    grid_merge(&f->grid, 1, 0, 3, 0);
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->lesson_count, 2);
    const ky_lesson *first = &f->book->lessons[0];
    assert_int_equal(first->root_causes.count, 2);
    assert_int_equal(first->recurrence.count, 3);
    assert_string_equal(first->recurrence.items[2], "Train a second engineer");
    assert_string_equal(f->book->lessons[1].id, "T17");
    assert_int_equal(f->book->sheets[0].rows_mapped, 4);
}

/* Begin a lesson sheet with lesson L3 in sheet row 2, left open for the rows a test adds. */
static void lesson_l3_sheet(fixture *f)
{
    grid_begin(&f->grid, "教訓");
    ROW(&f->grid, 0, T(0, "教訓ID"), T(1, "教訓概要"), T(2, "問題"), T(3, "直接原因"),
        T(4, "再発防止策"), T(5, "キーワード"));
    ROW(&f->grid, 1, T(0, "L3"), T(1, "変更手順を守るべし"), T(2, "手順を省いた"),
        T(3, "時間がなかった"), T(4, "手順を見直す"));
}

static void test_lessons__list_row_continues(void **state)
{
    fixture *f = *state;
    ky_ctx_set_handler(f->ctx, capture, KY_SEV_INFO, &f->seen);
    lesson_l3_sheet(f);
    ROW(&f->grid, 2, T(3, "確認者がいなかった"), T(5, "変更管理"));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->lesson_count, 1);
    const ky_lesson *lesson = &f->book->lessons[0];
    assert_string_equal(lesson->problem, "手順を省いた");
    assert_int_equal(lesson->direct_causes.count, 2);
    assert_string_equal(lesson->direct_causes.items[1], "確認者がいなかった");
    assert_int_equal(lesson->classification.keywords.count, 1);
    assert_int_equal(f->book->sheets[0].rows_mapped, 2);

    assert_int_equal(f->seen.count, 1);
    assert_string_equal(f->seen.codes[0], "mapping.lesson-continued");
    assert_int_equal(f->seen.rows[0], 3);
    assert_int_equal(f->seen.cols[0], 0);
    assert_string_equal(f->seen.messages[0],
                        "the row fills only list columns, so it continues lesson \"L3\" "
                        "(row 2) above it");
}

static void test_lessons__text_row_own_lesson(void **state)
{
    fixture *f = *state;
    ky_ctx_set_handler(f->ctx, capture, KY_SEV_INFO, &f->seen);
    lesson_l3_sheet(f);
    ROW(&f->grid, 2, T(2, "問題だけの行"), T(3, "原因だけ"));
    ROW(&f->grid, 3, T(4, "二人で確認する"));
    grid_end(&f->grid);
    map(f);

    /* L3 keeps its own text: the row is a lesson without id and title. */
    assert_int_equal(f->book->lesson_count, 2);
    const ky_lesson *l3 = &f->book->lessons[0];
    assert_string_equal(l3->problem, "手順を省いた");
    assert_int_equal(l3->direct_causes.count, 1);
    assert_int_equal(l3->recurrence.count, 1);

    const ky_lesson *own = &f->book->lessons[1];
    assert_null(own->id);
    assert_null(own->title);
    assert_string_equal(own->problem, "問題だけの行");
    assert_int_equal(own->direct_causes.count, 1);
    assert_string_equal(own->direct_causes.items[0], "原因だけ");
    assert_int_equal(own->origin.row, 3);
    /* The list-only row below continues the new lesson, not L3. */
    assert_int_equal(own->recurrence.count, 1);
    assert_string_equal(own->recurrence.items[0], "二人で確認する");
    assert_int_equal(f->book->sheets[0].rows_mapped, 3);

    assert_int_equal(f->seen.count, 2);
    assert_string_equal(f->seen.codes[0], "mapping.lesson-without-id");
    assert_int_equal(f->seen.rows[0], 3);
    assert_non_null(strstr(f->seen.messages[0],
                           "a lesson row without 教訓ID and 教訓概要 (lesson id and title) "
                           "that fills column \"問題\" is read as a lesson of its own"));
    assert_string_equal(f->seen.codes[1], "mapping.lesson-continued");
    assert_int_equal(f->seen.rows[1], 4);
    assert_string_equal(f->seen.messages[1],
                        "the row fills only list columns, so it continues the lesson of row 3 "
                        "above it");
}

/* ------------------------------------------------------------------------ */
/* Why-why analysis                                                         */
/* ------------------------------------------------------------------------ */

/* Part of the why-why analysis in the IPA/SEC lesson guide's worked case, with a two-row header. */
static void why_sheet(fixture *f)
{
    grid_begin(&f->grid, "なぜなぜ分析");
    ROW(&f->grid, 0, T(0, "問題"), T(1, "原因"), T(4, "対策（教訓ID)"));
    grid_merge(&f->grid, 0, 1, 0, 3);
    ROW(&f->grid, 1, T(1, "なぜ１"), T(2, "なぜ２"), T(3, "なぜ３"));
    ROW(&f->grid, 2, T(0, "A社のオンラインサービスが丸一日間停止した。"), T(1, "負荷分散装置に障害が発生した"),
        T(2, "pingが通ったことにより問題なしと判断した"), T(3, "修正情報の収集間隔が粗かった"),
        T(4, "確認サイクルを２週間に１回に変更する\n（T16)"));
    ROW(&f->grid, 3, T(4, "修正の優先度付けを行う（T16)"));
    ROW(&f->grid, 4, T(1, "お客様のサービスに時間を要した"), T(2, "利用者間の連絡体制がなかった"),
        T(4, "共同利用者間の情報共有の強化を行う（G８）"));
    ROW(&f->grid, 5, T(2, "再起動の影響を知らなかった"), T(4, "取決めをSLAで定義する（G7, T17)"));
    grid_end(&f->grid);
}

static void test_why__header_and_kind(void **state)
{
    fixture *f = *state;
    why_sheet(f);
    map(f);

    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_WHY);
    assert_int_equal(report->header_row, 1);
    assert_int_equal(report->header_rows, 2);
    assert_string_equal(report->columns[1].header, "原因 / なぜ１");
    assert_string_equal(report->columns[1].field, "why1");
    assert_string_equal(report->columns[4].field, "countermeasures");
    assert_int_equal(report->rows_mapped, 4);
    assert_int_equal(report->skipped.header, 2);
}

static void test_why__tree_parents(void **state)
{
    fixture *f = *state;
    why_sheet(f);
    map(f);

    /* Nodes in order: 0 problem, 1 why1, 2 why2, 3 why3, 4 why1, 5 why2, 6 why2. */
    assert_int_equal(f->book->why_count, 7);
    const ky_why_node *nodes = f->book->why_nodes;
    assert_int_equal(nodes[0].parent, 0);
    assert_int_equal(nodes[1].parent, 1);
    assert_int_equal(nodes[2].parent, 2);
    assert_int_equal(nodes[3].parent, 3);
    assert_int_equal(nodes[4].parent, 1);
    assert_int_equal(nodes[5].parent, 5);
    assert_int_equal(nodes[6].parent, 5);
    assert_int_equal(nodes[6].level, 2);
    assert_int_equal(nodes[6].origin.row, 6);
}

static void test_why__kinds_and_root_causes(void **state)
{
    fixture *f = *state;
    why_sheet(f);
    map(f);

    const ky_why_node *nodes = f->book->why_nodes;
    assert_int_equal(nodes[0].kind, KY_WHY_PROBLEM);
    assert_int_equal(nodes[1].kind, KY_WHY_DIRECT);
    assert_int_equal(nodes[2].kind, KY_WHY_CAUSE);
    assert_int_equal(nodes[3].kind, KY_WHY_ROOT);
    assert_int_equal(nodes[4].kind, KY_WHY_DIRECT);
    assert_int_equal(nodes[5].kind, KY_WHY_ROOT);
    assert_int_equal(nodes[6].kind, KY_WHY_ROOT);
}

static void test_why__countermeasures_and_lesson_ids(void **state)
{
    fixture *f = *state;
    why_sheet(f);
    map(f);

    const ky_why_node *root = &f->book->why_nodes[3];
    assert_int_equal(root->countermeasures.count, 2);
    assert_string_equal(root->countermeasures.items[0], "確認サイクルを２週間に１回に変更する");
    assert_string_equal(root->countermeasures.items[1], "修正の優先度付けを行う");
    assert_int_equal(root->lesson_ids.count, 1);
    assert_string_equal(root->lesson_ids.items[0], "T16");

    assert_string_equal(f->book->why_nodes[5].lesson_ids.items[0], "G8");
    const ky_why_node *last = &f->book->why_nodes[6];
    assert_int_equal(last->lesson_ids.count, 2);
    assert_string_equal(last->lesson_ids.items[0], "G7");
    assert_string_equal(last->lesson_ids.items[1], "T17");
    assert_int_equal(f->book->why_nodes[1].countermeasures.count, 0);
}

/* ------------------------------------------------------------------------ */
/* Incident status table                                                    */
/* ------------------------------------------------------------------------ */

static void test_status__events_with_two_header_rows(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "障害状況表");
    ROW(&f->grid, 0, T(0, "日時"), T(1, "顧客"), T(2, "A社"), T(4, "B社"));
    grid_merge(&f->grid, 0, 0, 1, 0);
    grid_merge(&f->grid, 0, 1, 1, 1);
    grid_merge(&f->grid, 0, 2, 0, 3);
    ROW(&f->grid, 1, T(2, "業務窓口"), T(3, "情シス部門"));
    ROW(&f->grid, 2, T(0, "朝４時"), T(4, "メモリ不足エラーが発生した"));
    ROW(&f->grid, 3, T(4, "系切替えが完了した"));
    ROW(&f->grid, 4, T(0, "朝８時"), T(1, "窓口で帰って頂いた"), T(3, "説明対応に追われた"));
    grid_end(&f->grid);
    map(f);

    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_STATUS);
    assert_int_equal(report->header_rows, 2);
    assert_int_equal(report->rows_mapped, 3);
    assert_int_equal(f->book->event_count, 4);

    const ky_event *events = f->book->events;
    assert_string_equal(events[0].time_text, "朝４時");
    assert_string_equal(events[0].actor, "B社");
    assert_null(events[0].actor_group);
    assert_string_equal(events[1].time_text, "朝４時");
    assert_string_equal(events[1].text, "系切替えが完了した");
    assert_string_equal(events[2].actor, "顧客");
    assert_null(events[2].actor_group);
    assert_string_equal(events[3].time_text, "朝８時");
    assert_string_equal(events[3].actor, "情シス部門");
    assert_string_equal(events[3].actor_group, "A社");
    assert_int_equal(events[3].origin.row, 5);
}

/* ------------------------------------------------------------------------ */
/* Values                                                                   */
/* ------------------------------------------------------------------------ */

static void test_values__yen(void **state)
{
    (void)state;
    const ky_cell cells[] = {T(0, "1,200,000円"), T(0, "120万円"), T(0, "１．５億円"),
                             T(0, "1億2000万円"), T(0, "500千円"), T(0, "¥3,000"), N(0, 7)};
    const double expected[] = {1200000, 1200000, 150000000, 120000000, 500000, 3000, 7};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
        assert_true(ky_value__yen(&cells[i], 1) == expected[i]);
    const ky_cell bad = T(0, "約100万円");
    assert_true(isnan(ky_value__yen(&bad, 1)));
}

/*
 * Minus signs that a Japanese IME types: U+FF0D, U+2212, and U+30FC directly
 * before a digit. A sign alone, doubled or after the digits is no number.
 */
static void test_values__japanese_minus_signs(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        double yen;
        double months; /* NAN where the text is an amount but no effort */
    } cases[] = {
        {"－５", -5, -5},
        {"\xE2\x88\x92" "5", -5, -5},
        {"ー5", -5, -5},
        {"＋１２", 12, 12},
        {"ー５万円", -50000, NAN},
        {"¥\xE2\x88\x92" "1,000", -1000, NAN},
        {"ー3人月", NAN, -3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ky_cell cell = T(0, cases[i].text);
        double yen = ky_value__yen(&cell, 1);
        bool yen_ok = isnan(cases[i].yen) ? isnan(yen) : yen == cases[i].yen;
        if (!yen_ok)
            fail_msg("\"%s\": expected %g yen, got %g", cases[i].text, cases[i].yen, yen);
        double months = ky_value__person_months(&cell, 1);
        bool months_ok = isnan(cases[i].months) ? isnan(months) : months == cases[i].months;
        if (!months_ok)
            fail_msg("\"%s\": expected %g person-months, got %g", cases[i].text,
                     cases[i].months, months);
    }

    static const char *const not_numbers[] = {
        "ー", "\xE2\x88\x92", "ーー5", "5ー", "ー 5", "１２－３", "ーー",
    };
    for (size_t i = 0; i < sizeof not_numbers / sizeof not_numbers[0]; i++) {
        const ky_cell cell = T(0, not_numbers[i]);
        if (!isnan(ky_value__yen(&cell, 1)))
            fail_msg("\"%s\" was read as an amount", not_numbers[i]);
        if (!isnan(ky_value__person_months(&cell, 1)))
            fail_msg("\"%s\" was read as an effort", not_numbers[i]);
    }
}

static void test_values__person_months(void **state)
{
    (void)state;
    const ky_cell cells[] = {T(0, "3人月"), T(0, "10人日"), T(0, "40時間"), T(0, "１．５"), N(0, 2)};
    const double expected[] = {3, 0.5, 0.25, 1.5, 2};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
        assert_true(ky_value__person_months(&cells[i], 1) == expected[i]);
    const ky_cell bad = T(0, "3 weeks");
    assert_true(isnan(ky_value__person_months(&bad, 1)));
}

static void test_values__dates(void **state)
{
    (void)state;
    const ky_cell cells[] = {T(0, "2024/4/1"), T(0, "2024-04-01"), T(0, "2024年4月1日"),
                             T(0, "２０２４／４／１"), D(0, 45383), T(0, "2024.4.1")};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
        assert_true(ky_value__date(&cells[i]) == 45383);
    const ky_cell timed = T(0, "2024年4月1日 9時30分");
    assert_true(ky_value__date(&timed) == 45383 + 9.5 / 24);
    const ky_cell invalid = T(0, "2024/2/30");
    assert_true(isnan(ky_value__date(&invalid)));
    const ky_cell no_year = T(0, "4月1日");
    assert_true(isnan(ky_value__date(&no_year)));
}

static void test_values__era_dates(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int year;
        int month;
        int day;
    } cases[] = {
        {"平成29年12月31日", 2017, 12, 31}, {"H29.1.16", 2017, 1, 16}, {"h29/1/16", 2017, 1, 16},
        {"令和元年5月1日", 2019, 5, 1}, {"R6.4.1", 2024, 4, 1}, {"Ｒ６．４．１", 2024, 4, 1},
        {"平成31年4月30日", 2019, 4, 30}, {"昭和64年1月7日", 1989, 1, 7},
        {"S39.10.10", 1964, 10, 10}, {"大正元年7月30日", 1912, 7, 30}, {"T15.12.24", 1926, 12, 24},
        {"明治45年7月29日", 1912, 7, 29}, {"M1.1.1", 1868, 1, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ky_cell cell = T(0, cases[i].text);
        ky_date_error error;
        double serial = ky_value__read_date(&cell, &error);
        assert_int_equal(error, KY_DATE_OK);
        assert_true(serial == ky_date_to_serial(cases[i].year, cases[i].month, cases[i].day));
    }
    const ky_cell timed = T(0, "令和6年4月1日 9時30分");
    assert_true(ky_value__date(&timed) == 45383 + 9.5 / 24);
    const ky_cell text_time = T(0, "2022-01-21 13:47:00");
    assert_true(ky_value__date(&text_time) == ky_date_to_serial(2022, 1, 21) + (13 * 60 + 47) / 1440.0);
}

static void test_values__impossible_era_dates(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        ky_date_error error;
    } cases[] = {
        {"平成32年1月1日", KY_DATE_AFTER_ERA}, {"H31.5.1", KY_DATE_AFTER_ERA},
        {"昭和64年1月8日", KY_DATE_AFTER_ERA}, {"令和元年4月30日", KY_DATE_BEFORE_ERA},
        {"大正元年7月29日", KY_DATE_BEFORE_ERA}, {"R0.1.1", KY_DATE_BEFORE_ERA},
        {"平成29年2月30日", KY_DATE_NO_SUCH_DAY}, {"2023/2/29", KY_DATE_NO_SUCH_DAY},
        {"X29.1.16", KY_DATE_UNREADABLE}, {"H29.1.16送検", KY_DATE_UNREADABLE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ky_cell cell = T(0, cases[i].text);
        ky_date_error error;
        assert_true(isnan(ky_value__read_date(&cell, &error)));
        assert_int_equal(error, cases[i].error);
    }
}

static void test_incidents__impossible_era_date_warned(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "障害一覧");
    ROW(&f->grid, 0, T(0, "発生日"), T(1, "障害の概要"));
    ROW(&f->grid, 1, T(0, "平成32年1月10日"), T(1, "バッチ遅延"));
    ROW(&f->grid, 2, T(0, "H30.2.30"), T(1, "帳票の誤り"));
    ROW(&f->grid, 3, T(0, "H30.2.1"), T(1, "ログイン不可"));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->incident_count, 3);
    assert_true(isnan(f->book->incidents[0].occurred));
    assert_string_equal(f->book->incidents[0].occurred_text, "平成32年1月10日");
    assert_true(isnan(f->book->incidents[1].occurred));
    assert_true(f->book->incidents[2].occurred == ky_date_to_serial(2018, 2, 1));
    assert_int_equal(f->seen.count, 2);
    assert_string_equal(f->seen.codes[0], "mapping.invalid-date");
    assert_int_equal(f->seen.rows[0], 2);
    assert_int_equal(f->seen.cols[0], 1);
    assert_non_null(strstr(f->seen.messages[0], "平成 ended on 2019-04-30 (平成31年4月30日)"));
    assert_int_equal(f->seen.rows[1], 3);
    assert_non_null(strstr(f->seen.messages[1], "no such day"));
}

static void test_incidents__era_bounds_named(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "障害一覧");
    ROW(&f->grid, 0, T(0, "発生日"), T(1, "障害の概要"));
    ROW(&f->grid, 1, T(0, "令和元年4月30日"), T(1, "バッチ遅延"));
    ROW(&f->grid, 2, T(0, "S64.1.8"), T(1, "帳票の誤り"));
    ROW(&f->grid, 3, T(0, "令和0年5月1日"), T(1, "ログイン不可"));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->incident_count, 3);
    assert_int_equal(f->seen.count, 3);
    assert_non_null(strstr(f->seen.messages[0], "令和 began on 2019-05-01 (令和元年5月1日)"));
    assert_null(strstr(f->seen.messages[0], "ended"));
    assert_non_null(strstr(f->seen.messages[1], "昭和 ended on 1989-01-07 (昭和64年1月7日)"));
    assert_non_null(strstr(f->seen.messages[2], "令和 began on 2019-05-01 (令和元年5月1日)"));
}

static void test_values__no_such_month(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        ky_date_error error;
    } cases[] = {
        {"2024/13/45", KY_DATE_NO_SUCH_MONTH}, {"2024-13-01", KY_DATE_NO_SUCH_MONTH},
        {"2024.0.10", KY_DATE_NO_SUCH_MONTH}, {"2024年13月1日", KY_DATE_NO_SUCH_MONTH},
        {"２０２４／１３／１", KY_DATE_NO_SUCH_MONTH}, {"平成30年13月1日", KY_DATE_NO_SUCH_MONTH},
        {"H30.13.1", KY_DATE_NO_SUCH_MONTH}, {"令和6年0月1日", KY_DATE_NO_SUCH_MONTH},
        {"2024/12/45", KY_DATE_NO_SUCH_DAY}, {"2024/2/30", KY_DATE_NO_SUCH_DAY},
        {"令和6年2月30日", KY_DATE_NO_SUCH_DAY}, {"平成32年13月1日", KY_DATE_NO_SUCH_MONTH},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ky_cell cell = T(0, cases[i].text);
        ky_date_error error;
        assert_true(isnan(ky_value__read_date(&cell, &error)));
        assert_int_equal(error, cases[i].error);
    }
}

static void test_incidents__impossible_month_warned(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "障害一覧");
    ROW(&f->grid, 0, T(0, "発生日"), T(1, "障害の概要"));
    ROW(&f->grid, 1, T(0, "2024/13/45"), T(1, "バッチ遅延"));
    ROW(&f->grid, 2, T(0, "2024年13月1日"), T(1, "帳票の誤り"));
    ROW(&f->grid, 3, T(0, "令和6年13月1日"), T(1, "ログイン不可"));
    ROW(&f->grid, 4, T(0, "2024/12/45"), T(1, "二重送信"));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->incident_count, 4);
    assert_int_equal(f->seen.count, 4);
    for (size_t i = 0; i < 3; i++) {
        assert_true(isnan(f->book->incidents[i].occurred));
        assert_string_equal(f->seen.codes[i], "mapping.invalid-date");
        assert_int_equal(f->seen.rows[i], i + 2);
        assert_non_null(strstr(f->seen.messages[i], "no such month"));
        assert_null(strstr(f->seen.messages[i], "no such day"));
    }
    assert_string_equal(f->seen.messages[0],
                        "impossible date \"2024/13/45\" in column \"発生日\": no such month, "
                        "because months run from 1 to 12. Correct the cell. Until then the text "
                        "is kept and the date stays unknown");
    assert_non_null(strstr(f->seen.messages[3], "that month has no such day"));
}

static void test_incidents__negative_amounts_warned(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "障害一覧");
    ROW(&f->grid, 0, T(0, "障害の概要"), T(1, "主な原因"), T(2, "障害の影響額"), T(3, "対応工数"));
    ROW(&f->grid, 1, T(0, "返金処理"), T(1, "運用手順の誤り"), T(2, "-500 円"), T(3, "-3人月"));
    ROW(&f->grid, 2, T(0, "誤請求"), T(1, "ソフトウェアの誤り"), N(2, -1200), N(3, -0.5));
    ROW(&f->grid, 3, T(0, "バッチ遅延"), T(1, "運用手順の誤り"), N(2, 0), T(3, "0人日"));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->incident_count, 3);
    assert_true(f->book->incidents[0].damage_yen == -500);
    assert_true(f->book->incidents[0].effort_pm == -3);
    assert_true(f->book->incidents[1].damage_yen == -1200);
    assert_true(f->book->incidents[1].effort_pm == -0.5);
    assert_int_equal(f->seen.count, 4);
    static const char *const codes[] = {"mapping.negative-amount", "mapping.negative-effort",
                                        "mapping.negative-amount", "mapping.negative-effort"};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(f->seen.codes[i], codes[i]);
        assert_int_equal(f->seen.rows[i], 2 + i / 2);
        assert_int_equal(f->seen.cols[i], 3 + i % 2);
        assert_non_null(strstr(f->seen.messages[i], "negative amount"));
        assert_non_null(strstr(f->seen.messages[i], "check the cell"));
    }
    assert_string_equal(f->seen.messages[0],
                        "negative amount \"-500 円\" in column \"障害の影響額\": damage is "
                        "expected to be zero yen or more. The value is kept, so check the cell");
    assert_non_null(strstr(f->seen.messages[1], "\"-3人月\" in column \"対応工数\""));
}

/* ------------------------------------------------------------------------ */
/* Ids                                                                      */
/* ------------------------------------------------------------------------ */

/* Add an incident sheet whose rows have the given ids, one incident a row. */
static void incident_ids_sheet(ky_grid *grid, const char *name, const double *ids, size_t count)
{
    grid_begin(grid, name);
    ROW(grid, 0, T(0, "No."), T(1, "障害の概要"), T(2, "主な原因"));
    for (size_t i = 0; i < count; i++)
        ROW(grid, (uint32_t)i + 1, N(0, ids[i]), T(1, "オンライン停止"), T(2, "ハードウェア故障"));
    grid_end(grid);
}

static void test_ids__repeated_in_sheet_warned(void **state)
{
    fixture *f = *state;
    static const double ids[] = {1, 2, 1, 3, 1};
    incident_ids_sheet(&f->grid, "一覧", ids, 5);
    map(f);

    assert_int_equal(f->book->incident_count, 5);
    assert_int_equal(f->seen.count, 2);
    assert_string_equal(f->seen.codes[0], "mapping.duplicate-id");
    assert_int_equal(f->seen.rows[0], 4);
    assert_int_equal(f->seen.cols[0], 1);
    assert_string_equal(f->seen.messages[0],
                        "incident id \"1\" in row 4 repeats the one in row 2 of the same sheet. "
                        "Both records are kept. Give each record its own id");
    assert_string_equal(f->seen.codes[1], "mapping.duplicate-id");
    assert_int_equal(f->seen.rows[1], 6);
    assert_non_null(strstr(f->seen.messages[1], "in row 6 repeats the one in row 2"));
}

static void test_ids__other_sheet_of_file_silent(void **state)
{
    fixture *f = *state;
    static const double ids[] = {1, 2, 3};
    incident_ids_sheet(&f->grid, "2023年度", ids, 3);
    incident_ids_sheet(&f->grid, "2024年度", ids, 3);
    map(f);

    assert_int_equal(f->book->incident_count, 6);
    assert_int_equal(f->seen.count, 0);
}

/* Add a risk sheet with risk No. 1 and a lesson sheet with lesson id G7. */
static void risk_and_lesson_sheets(ky_grid *grid)
{
    grid_begin(grid, "リスク管理表");
    ROW(grid, 0, T(0, "No."), T(1, "リスク内容"), T(2, "A 影響度"), T(3, "B 発生度"));
    ROW(grid, 1, N(0, 1), T(1, "事業継続に対応できない"), N(2, 3), N(3, 2));
    grid_end(grid);
    grid_begin(grid, "教訓");
    ROW(grid, 0, T(0, "教訓ID"), T(1, "教訓概要"), T(2, "教訓"));
    ROW(grid, 1, T(0, "G7"), T(1, "連携したトラブル対応体制を整備すべし"), T(2, "体制を決めておく"));
    grid_end(grid);
}

static void test_ids__collision_across_files_warned(void **state)
{
    fixture *f = *state;
    static const double first_ids[] = {1, 2, 3};
    incident_ids_sheet(&f->grid, "一覧", first_ids, 3);
    risk_and_lesson_sheets(&f->grid);
    map(f);
    assert_int_equal(f->seen.count, 0);

    ky_grid copy;
    ky_grid__init(&copy, f->ctx, "/data/copy.xlsx");
    static const double second_ids[] = {4, 3, 2, 2};
    incident_ids_sheet(&copy, "Sheet1", second_ids, 4);
    risk_and_lesson_sheets(&copy);
    assert_int_equal(ky_mapping__add_grid(f->ctx, f->book, &copy, "/data/copy.xlsx", NULL), 0);
    ky_grid__free(&copy);

    /* Every record is kept apart: nothing is dropped or merged. */
    assert_int_equal(f->book->incident_count, 7);
    assert_int_equal(f->book->risk_count, 2);
    assert_int_equal(f->book->lesson_count, 2);

    /* One collision per id in row order (3, then 2), the repeat of 2 within
       the new sheet, then the risk and the lesson. */
    assert_int_equal(f->seen.count, 5);
    assert_string_equal(f->seen.codes[0], "mapping.id-collision");
    assert_string_equal(f->seen.sheets[0], "Sheet1");
    assert_int_equal(f->seen.rows[0], 3);
    assert_int_equal(f->seen.cols[0], 1);
    assert_non_null(strstr(f->seen.messages[0], "incident id \"3\""));
    assert_non_null(strstr(f->seen.messages[0], "row 4 and /data/copy.xlsx, sheet \"Sheet1\", row 3"));
    assert_string_equal(f->seen.codes[1], "mapping.id-collision");
    assert_int_equal(f->seen.rows[1], 4);
    assert_string_equal(f->seen.messages[1],
                        "incident id \"2\" is used in two files: /data/2024 incidents.xlsx, "
                        "sheet \"一覧\", row 3 and /data/copy.xlsx, sheet \"Sheet1\", row 4. "
                        "Both records are kept apart. If they are the same record, leave out one "
                        "of the files. Otherwise give one of them another id");
    assert_string_equal(f->seen.codes[2], "mapping.duplicate-id");
    assert_int_equal(f->seen.rows[2], 5);
    assert_non_null(strstr(f->seen.messages[2], "in row 5 repeats the one in row 4"));
    assert_string_equal(f->seen.codes[3], "mapping.id-collision");
    assert_string_equal(f->seen.sheets[3], "リスク管理表");
    assert_non_null(strstr(f->seen.messages[3], "risk No. \"1\""));
    assert_string_equal(f->seen.codes[4], "mapping.id-collision");
    assert_string_equal(f->seen.sheets[4], "教訓");
    assert_non_null(strstr(f->seen.messages[4], "lesson id \"G7\""));
}

static void test_ids__full_width_folded(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "一覧");
    ROW(&f->grid, 0, T(0, "No."), T(1, "障害の概要"), T(2, "主な原因"));
    ROW(&f->grid, 1, T(0, "１"), T(1, "オンライン停止"), T(2, "ハードウェア故障"));
    ROW(&f->grid, 2, T(0, "2"), T(1, "バッチ遅延"), T(2, "運用手順の誤り"));
    ROW(&f->grid, 3, T(0, "ＩＮＣ－０３　Ａ"), T(1, "帳票出力の誤り"), T(2, "ソフトウェアの誤り"));
    grid_end(&f->grid);
    grid_begin(&f->grid, "リスク管理表");
    ROW(&f->grid, 0, T(0, "No."), T(1, "リスク内容"), T(2, "A 影響度"), T(3, "B 発生度"));
    ROW(&f->grid, 1, T(0, "１２"), T(1, "事業継続に対応できない"), N(2, 3), N(3, 2));
    ROW(&f->grid, 2, T(0, "Ｒ－７"), T(1, "要員が不足する"), N(2, 2), N(3, 2));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->book->incident_count, 3);
    assert_string_equal(f->book->incidents[0].id, "1");
    assert_string_equal(f->book->incidents[1].id, "2");
    assert_string_equal(f->book->incidents[2].id, "INC-03 A");
    assert_int_equal(f->book->risk_count, 2);
    assert_string_equal(f->book->risks[0].no, "12");
    assert_string_equal(f->book->risks[1].no, "R-7");
    /* Only ids are folded: other text stays as written. */
    assert_string_equal(f->book->incidents[0].summary, "オンライン停止");
}

static void test_ids__full_width_repeat_warned(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "一覧");
    ROW(&f->grid, 0, T(0, "No."), T(1, "障害の概要"), T(2, "主な原因"));
    ROW(&f->grid, 1, N(0, 1), T(1, "オンライン停止"), T(2, "ハードウェア故障"));
    ROW(&f->grid, 2, T(0, "１"), T(1, "バッチ遅延"), T(2, "運用手順の誤り"));
    grid_end(&f->grid);
    map(f);

    assert_int_equal(f->seen.count, 1);
    assert_string_equal(f->seen.codes[0], "mapping.duplicate-id");
    assert_int_equal(f->seen.rows[0], 3);
}

static void test_ids__blank_ids_not_compared(void **state)
{
    fixture *f = *state;
    grid_begin(&f->grid, "一覧");
    ROW(&f->grid, 0, T(0, "No."), T(1, "障害の概要"), T(2, "主な原因"));
    ROW(&f->grid, 1, T(1, "オンライン停止"), T(2, "ハードウェア故障"));
    ROW(&f->grid, 2, T(1, "バッチ遅延"), T(2, "運用手順の誤り"));
    grid_end(&f->grid);
    map(f);
    map(f);

    assert_int_equal(f->book->incident_count, 4);
    assert_int_equal(f->seen.count, 0);
}

static void test_values__split_list_lines(void **state)
{
    (void)state;
    ky_strlist list = {0};
    assert_int_equal(ky_value__split_list("①体制の強化②契約の見直し\n\n- 訓練の実施", false, &list), 0);
    assert_int_equal(list.count, 3);
    assert_string_equal(list.items[0], "体制の強化");
    assert_string_equal(list.items[1], "契約の見直し");
    assert_string_equal(list.items[2], "訓練の実施");
    for (size_t i = 0; i < list.count; i++)
        free(list.items[i]);
    free(list.items);
}

static void test_values__split_list_plain_lines(void **state)
{
    (void)state;
    ky_strlist list = {0};
    assert_int_equal(ky_value__split_list("3.5時間の停止\n2024年の障害", false, &list), 0);
    assert_int_equal(list.count, 2);
    assert_string_equal(list.items[0], "3.5時間の停止");
    assert_string_equal(list.items[1], "2024年の障害");
    for (size_t i = 0; i < list.count; i++)
        free(list.items[i]);
    free(list.items);
}

/* Lines without a bullet above the bulleted ones (lesson G7's 直接原因) are
 * one lead-in item, which lead_in counts. A lead-in that a later cell adds
 * to a list that has items is not counted. */
static void test_values__split_list_lead_in(void **state)
{
    (void)state;
    ky_strlist list = {0};
    assert_int_equal(ky_value__split_list("直接の原因は既知の不具合であった。\n"
                                          "原因は、以下のとおりである。\n"
                                          "・pingが通ったので問題ないと誤認した。\n"
                                          "・調査を後回しにした。\n続きの行",
                                          false, &list), 0);
    assert_int_equal(list.count, 3);
    assert_int_equal(list.lead_in, 1);
    assert_string_equal(list.items[0], "直接の原因は既知の不具合であった。\n原因は、以下のとおりである。");
    assert_string_equal(list.items[1], "pingが通ったので問題ないと誤認した。");
    assert_string_equal(list.items[2], "調査を後回しにした。\n続きの行");

    /* A continuation row's lead-in lands in the middle of the list: not counted. */
    assert_int_equal(ky_value__split_list("補足：\n・再起動を先送りした。", false, &list), 0);
    assert_int_equal(list.count, 5);
    assert_int_equal(list.lead_in, 1);
    for (size_t i = 0; i < list.count; i++)
        free(list.items[i]);
    free(list.items);

    ky_strlist bulleted = {0};
    assert_int_equal(ky_value__split_list("・一つ目\n・二つ目", false, &bulleted), 0);
    assert_int_equal(bulleted.count, 2);
    assert_int_equal(bulleted.lead_in, 0);
    ky_strlist plain = {0};
    assert_int_equal(ky_value__split_list("一行目\n二行目", false, &plain), 0);
    assert_int_equal(plain.count, 2);
    assert_int_equal(plain.lead_in, 0);
    for (size_t i = 0; i < 2; i++) {
        free(bulleted.items[i]);
        free(plain.items[i]);
    }
    free(bulleted.items);
    free(plain.items);
}

static void test_values__lesson_ids_kept_out_of_text(void **state)
{
    (void)state;
    ky_strlist ids = {0};
    char *rest = NULL;
    assert_int_equal(ky_value__take_lesson_ids("手順を見直す（see note）(T16)", &rest, &ids), 0);
    assert_string_equal(rest, "手順を見直す（see note）");
    assert_int_equal(ids.count, 1);
    assert_string_equal(ids.items[0], "T16");
    free(rest);
    for (size_t i = 0; i < ids.count; i++)
        free(ids.items[i]);
    free(ids.items);
}

/* ------------------------------------------------------------------------ */
/* Reading a file through the registry                                      */
/* ------------------------------------------------------------------------ */

static int fake_probe(const ky_probe_info *info)
{
    (void)info;
    return 1;
}

/* An input plugin that delivers a fixed risk sheet whatever the input. */
static int fake_read(ky_ctx *ctx, const ky_source *source, const ky_read_options *options,
                     const ky_sink *sink, void *payload)
{
    (void)ctx;
    (void)source;
    (void)options;
    ky_sheet_info info = {.name = "Risks"};
    const ky_cell header[] = {T(0, "Risk"), T(1, "Impact"), T(2, "Likelihood")};
    const ky_cell row[] = {T(0, "Shared load balancer"), N(1, 3), N(2, 2)};
    int status = sink->sheet_begin(payload, &info);
    if (status == 0)
        status = sink->row(payload, 0, header, 3);
    if (status == 0)
        status = sink->row(payload, 1, row, 3);
    if (status == 0)
        status = sink->sheet_end(payload);
    return status;
}

static void test_add_file__through_registry(void **state)
{
    fixture *f = *state;
    static const char *const extensions[] = {"fake", NULL};
    static const ky_plugin plugin = {
        .abi_version = KY_PLUGIN_ABI_VERSION,
        .kind = KY_PLUGIN_INPUT,
        .name = "fake-risks",
        .description = "Fixed risk sheet for tests",
        .extensions = extensions,
        .probe = fake_probe,
        .read = fake_read,
    };
    ky_registry *reg = ky_registry_new();
    assert_int_equal(ky_registry_add(reg, &plugin, "test"), 0);
    static const unsigned char bytes[] = "unused";
    ky_source source = {.path = "in/risks.fake", .data = bytes, .size = sizeof bytes};

    assert_int_equal(ky_book_add_file(f->ctx, reg, f->book, &source, "fake-risks", NULL, NULL), 0);
    assert_int_equal(f->book->risk_count, 1);
    assert_int_equal(f->book->risks[0].c, 6);
    assert_true(f->book->risks[0].needs_response);
    assert_string_equal(f->book->risks[0].origin.file, "in/risks.fake");
    assert_string_equal(f->book->title, "risks");
    ky_registry_free(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_grid__cells_sparse_and_copied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grid__merge_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grid__limits_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grid__row_outside_sheet_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header__found_below_title_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rows__counts_add_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incidents__values_converted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incidents__unreadable_amount_warned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_columns__unmapped_kept_as_extra, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header__full_width_names, setup, teardown),
        cmocka_unit_test(test_header__dictionary_is_normalised),
        cmocka_unit_test(test_header__key_drops_notes),
        cmocka_unit_test_setup_teardown(test_sheet__no_header_reported, setup, teardown),
        cmocka_unit_test(test_header__exact_after_reduction),
        cmocka_unit_test(test_header__partial_matches),
        cmocka_unit_test(test_header__other_dates_not_occurred),
        cmocka_unit_test(test_header__long_text_not_partial),
        cmocka_unit_test_setup_teardown(test_kind__notices_not_lessons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kind__ticket_export_incidents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kind__date_like_needs_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sheet__closest_header_row_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_book__title_and_threshold, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lessons__lists_split, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lessons__continuation_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lessons__list_row_continues, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lessons__text_row_own_lesson, setup, teardown),
        cmocka_unit_test_setup_teardown(test_why__header_and_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_why__tree_parents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_why__kinds_and_root_causes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_why__countermeasures_and_lesson_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status__events_with_two_header_rows, setup, teardown),
        cmocka_unit_test(test_values__yen),
        cmocka_unit_test(test_values__person_months),
        cmocka_unit_test(test_values__japanese_minus_signs),
        cmocka_unit_test(test_values__dates),
        cmocka_unit_test(test_values__era_dates),
        cmocka_unit_test(test_values__impossible_era_dates),
        cmocka_unit_test_setup_teardown(test_incidents__impossible_era_date_warned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incidents__era_bounds_named, setup, teardown),
        cmocka_unit_test(test_values__no_such_month),
        cmocka_unit_test_setup_teardown(test_incidents__impossible_month_warned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incidents__negative_amounts_warned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids__repeated_in_sheet_warned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids__other_sheet_of_file_silent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids__collision_across_files_warned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids__full_width_folded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids__full_width_repeat_warned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids__blank_ids_not_compared, setup, teardown),
        cmocka_unit_test(test_values__split_list_lines),
        cmocka_unit_test(test_values__split_list_plain_lines),
        cmocka_unit_test(test_values__split_list_lead_in),
        cmocka_unit_test(test_values__lesson_ids_kept_out_of_text),
        cmocka_unit_test_setup_teardown(test_add_file__through_registry, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
