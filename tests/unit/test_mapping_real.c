/* SPDX-License-Identifier: MIT */
/*
 * Tests of the mapping on real files read through the input plugins: the
 * sample workbooks under samples/, and public ticket and register exports of
 * the shared corpus, read where they lie because their licences differ from
 * this project's. Needs KYOKUN_PLUGIN_PATH, KY_SOURCE_DIR and KY_SHARED,
 * which ctest sets.
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
#include "kyokun/book.h"
#include "kyokun/diag.h"
#include "kyokun/mapping.h"
#include "kyokun/registry.h"

typedef struct fixture {
    ky_ctx *ctx;
    ky_registry *reg;
    ky_book *book;
    size_t warnings;
} fixture;

/*
 * Count warnings about values. The warning that lists a table's unmapped
 * columns is left out, because these exports have columns the model has no
 * field for, and the tests check those columns one by one.
 */
static void count_warnings(const ky_diag *diag, void *payload)
{
    fixture *f = payload;
    if (strcmp(diag->code, "mapping.unmapped-columns") == 0)
        return;
    f->warnings++;
}

/* Return the value of an environment variable that the test needs, failing the test when it is unset. */
static const char *required_env(const char *name)
{
    const char *value = getenv(name);
    if (!value || !value[0])
        fail_msg("%s is not set: run this test through ctest, which sets it", name);
    return value;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->ctx = ky_ctx_new();
    f->reg = ky_registry_new();
    f->book = ky_book_new();
    ky_ctx_set_handler(f->ctx, count_warnings, KY_SEV_WARNING, f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ky_book_free(f->book);
    ky_registry_free(f->reg);
    ky_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Read `name` under the folder named by the variable `root_env` into the fixture's book. */
static void read_file(fixture *f, const char *root_env, const char *name)
{
    const char *plugins = required_env("KYOKUN_PLUGIN_PATH");
    assert_true(ky_registry_load_dir(f->reg, plugins) > 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", required_env(root_env), name);
    ky_source source = {.path = path};
    int status = ky_book_add_file(f->ctx, f->reg, f->book, &source, NULL, NULL, NULL);
    if (status != 0)
        fail_msg("reading %s failed with status %d", path, status);
}

static const ky_sheet_report *sheet_named(const fixture *f, const char *name)
{
    for (size_t i = 0; i < f->book->sheet_count; i++) {
        if (strcmp(f->book->sheets[i].sheet, name) == 0)
            return &f->book->sheets[i];
    }
    fail_msg("no sheet %s was read", name);
    return NULL;
}

/* Return the field of the column whose header is `header`, failing when there is no such column. */
static const char *field_of(const ky_sheet_report *report, const char *header)
{
    for (size_t i = 0; i < report->column_count; i++) {
        if (strcmp(report->columns[i].header, header) == 0)
            return report->columns[i].field ? report->columns[i].field : "(unmapped)";
    }
    fail_msg("sheet %s has no column %s", report->sheet, header);
    return NULL;
}

static size_t skipped_sum(const ky_sheet_report *report)
{
    return report->skipped.blank + report->skipped.title + report->skipped.header +
           report->skipped.note + report->skipped.unreadable;
}

static void assert_counts_add_up(const ky_sheet_report *report)
{
    assert_int_equal(report->rows_mapped + skipped_sum(report), report->rows_total);
}

/* Check that every column with a header was mapped to a field. */
static void assert_all_mapped(const ky_sheet_report *report)
{
    for (size_t i = 0; i < report->column_count; i++) {
        if (!report->columns[i].field)
            fail_msg("sheet %s: column \"%s\" is unmapped", report->sheet,
                     report->columns[i].header);
    }
}

/* ------------------------------------------------------------------------ */
/* Sample workbooks                                                         */
/* ------------------------------------------------------------------------ */

static const struct {
    const char *ja;
    const char *en;
    ky_table_kind kind;
} guide_sheets[] = {
    {"障害状況表", "Incident status", KY_TABLE_STATUS},
    {"なぜなぜ分析", "Why-why analysis", KY_TABLE_WHY},
    {"リスク管理表", "Risk register", KY_TABLE_RISKS},
    {"教訓", "Lessons", KY_TABLE_LESSONS},
    {"障害一覧", "Incidents", KY_TABLE_INCIDENTS},
};

static void check_guide_case(fixture *f, bool english)
{
    assert_int_equal(f->book->sheet_count, 5);
    for (size_t i = 0; i < sizeof guide_sheets / sizeof guide_sheets[0]; i++) {
        const ky_sheet_report *report =
            sheet_named(f, english ? guide_sheets[i].en : guide_sheets[i].ja);
        assert_int_equal(report->kind, guide_sheets[i].kind);
        assert_int_equal(report->confidence, 100);
        assert_true(report->column_count > 0);
        assert_all_mapped(report);
        assert_counts_add_up(report);
        assert_int_equal(report->skipped.unreadable, 0);
    }
    assert_int_equal(f->warnings, 0);
}

static void test_samples__guide_case_ja(void **state)
{
    fixture *f = *state;
    read_file(f, "KY_SOURCE_DIR", "samples/guide-case.ja.xlsx");
    check_guide_case(f, false);
}

static void test_samples__guide_case_en(void **state)
{
    fixture *f = *state;
    read_file(f, "KY_SOURCE_DIR", "samples/guide-case.en.xlsx");
    check_guide_case(f, true);

    const ky_sheet_report *risks = sheet_named(f, "Risk register");
    assert_string_equal(field_of(risks, "Effect on business"), "impact");
    assert_string_equal(field_of(risks, "C: Risk score\n(A x B)"), "c");
    const ky_sheet_report *lessons = sheet_named(f, "Lessons");
    assert_string_equal(field_of(lessons, "Title"), "title");
    assert_string_equal(field_of(lessons, "Lesson"), "lesson");
    assert_int_equal(f->book->risk_count, 9);
    assert_int_equal(f->book->risks[0].c_typed, 3);
    assert_int_equal(f->book->lesson_count, 5);
    assert_non_null(f->book->lessons[0].lesson);
}

static void test_samples__incidents_cp932(void **state)
{
    fixture *f = *state;
    read_file(f, "KY_SOURCE_DIR", "samples/incidents.cp932.csv");
    assert_int_equal(f->book->sheet_count, 1);
    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_INCIDENTS);
    assert_int_equal(report->confidence, 100);
    assert_all_mapped(report);
    assert_counts_add_up(report);
    assert_int_equal(report->rows_mapped, 32);
}

/* ------------------------------------------------------------------------ */
/* Shared corpus, read in place                                             */
/* ------------------------------------------------------------------------ */

/* Redmine's issue import example: semicolon-separated, snake_case headers. */
static void test_corpus__redmine_issues(void **state)
{
    fixture *f = *state;
    read_file(f, "KY_SHARED", "corpus/redmine/import_issues.csv");
    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_INCIDENTS);
    assert_true(report->confidence >= 10 && report->confidence <= 40);
    assert_string_equal(field_of(report, "subject"), "summary");
    assert_string_equal(field_of(report, "description"), "(unmapped)");
    assert_string_equal(field_of(report, "start_date"), "occurred");
    assert_string_equal(field_of(report, "due_date"), "(unmapped)");
    assert_string_equal(field_of(report, "category"), "main_cause");
    assert_string_equal(field_of(report, "estimated_hours"), "effort");
    assert_string_equal(field_of(report, "priority"), "(unmapped)");
    assert_counts_add_up(report);
    assert_int_equal(report->rows_total, 4);
    assert_int_equal(report->rows_mapped, 3);

    const ky_incident *first = &f->book->incidents[0];
    assert_string_equal(first->summary, "First");
    assert_string_equal(first->main_cause, "New category");
    assert_true(first->occurred == ky_date_to_serial(2015, 7, 8));
    /* 1 hour at 8 hours a day and 20 days a month. */
    assert_true(fabs(first->effort_pm - 1.0 / 160) < 1e-12);
    assert_true(fabs(f->book->incidents[2].effort_pm - 3.0 / 160) < 1e-12);
    assert_int_equal(f->warnings, 0);
}

/* 100 Boston 311 service requests: many columns, few of them known. */
static void test_corpus__boston311(void **state)
{
    fixture *f = *state;
    read_file(f, "KY_SHARED", "corpus/qsv/boston311-100.csv");
    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_INCIDENTS);
    assert_true(report->confidence >= 10 && report->confidence <= 40);
    assert_string_equal(field_of(report, "case_enquiry_id"), "id");
    assert_string_equal(field_of(report, "open_dt"), "occurred");
    assert_string_equal(field_of(report, "target_dt"), "(unmapped)");
    assert_string_equal(field_of(report, "closed_dt"), "(unmapped)");
    assert_string_equal(field_of(report, "case_title"), "summary");
    assert_string_equal(field_of(report, "subject"), "(unmapped)");
    assert_string_equal(field_of(report, "closure_reason"), "(unmapped)");
    assert_string_equal(field_of(report, "reason"), "main_cause");
    assert_counts_add_up(report);
    assert_int_equal(report->rows_total, 101);
    assert_int_equal(report->rows_mapped, 100);

    const ky_incident *first = &f->book->incidents[0];
    assert_string_equal(first->id, "101004143000");
    assert_string_equal(first->summary, "BTDT: Complaint");
    assert_string_equal(first->main_cause, "Employee & General Comments");
    assert_true(first->occurred == ky_date_to_serial(2022, 1, 21) + (13 * 60 + 47) / 1440.0);
    assert_int_equal(f->warnings, 0);
}

/* The labour ministry's register of prosecuted companies: Japanese headers, era dates. */
static void test_corpus__labour_register(void **state)
{
    fixture *f = *state;
    read_file(f, "KY_SHARED",
              "corpus/jp-labor-act-illegal-list/company_list_20170101_to_20171231.tsv");
    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_INCIDENTS);
    assert_true(report->confidence >= 10 && report->confidence <= 40);
    assert_string_equal(field_of(report, "事案概要"), "summary");
    assert_string_equal(field_of(report, "公表日"), "occurred");
    assert_string_equal(field_of(report, "最終更新日"), "(unmapped)");
    assert_string_equal(field_of(report, "違反法条"), "(unmapped)");
    assert_counts_add_up(report);
    assert_int_equal(report->rows_total, 430);
    assert_int_equal(report->rows_mapped, 429);

    const ky_incident *first = &f->book->incidents[0];
    assert_string_equal(first->occurred_text, "H29.1.16");
    assert_true(first->occurred == ky_date_to_serial(2017, 1, 16));
    assert_non_null(strstr(first->summary, "食品加工用圧縮機"));
    for (size_t i = 0; i < f->book->incident_count; i++)
        assert_false(isnan(f->book->incidents[i].occurred));
    assert_int_equal(f->warnings, 0);
}

/* Exment's notices table: a title and a body, but no lesson or incident fields. */
static void test_corpus__exment_notices_unknown(void **state)
{
    fixture *f = *state;
    read_file(f, "KY_SHARED", "corpus/exment/information.xlsx");
    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_UNKNOWN);
    assert_int_equal(f->book->lesson_count, 0);
    assert_int_equal(f->book->incident_count, 0);
    assert_int_equal(report->header_row, 2);
    assert_non_null(report->reason);
    assert_non_null(strstr(report->reason, "no table recognised"));
    assert_counts_add_up(report);
    assert_int_equal(report->rows_mapped, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_samples__guide_case_ja, setup, teardown),
        cmocka_unit_test_setup_teardown(test_samples__guide_case_en, setup, teardown),
        cmocka_unit_test_setup_teardown(test_samples__incidents_cp932, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corpus__redmine_issues, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corpus__boston311, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corpus__labour_register, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corpus__exment_notices_unknown, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
