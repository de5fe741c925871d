/* SPDX-License-Identifier: MIT */
/*
 * Hard cases of reading values that other spreadsheet programs got wrong:
 * full-width and other Japanese forms of numbers in amount and effort
 * columns, and Japanese era dates. Each test feeds CSV bytes through the real
 * csv input plugin and ky_book_add_file(), then checks the incidents' values
 * and every warning the mapping emitted. Needs KYOKUN_PLUGIN_PATH, which
 * ctest sets.
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
#include "formats/ky_text.h"
#include "kyokun/book.h"
#include "kyokun/diag.h"
#include "kyokun/mapping.h"
#include "kyokun/registry.h"

typedef struct fixture {
    ky_ctx *ctx;
    ky_registry *reg;
    ky_book *book;
    size_t warnings;
    ky_buf diags; /* "code row col message\n" per warning */
} fixture;

/* Record each warning with its code and location. */
static void record_warning(const ky_diag *diag, void *payload)
{
    fixture *f = payload;
    f->warnings++;
    ky_buf_printf(&f->diags, "%s %u %u %s\n", diag->code, (unsigned)diag->loc.row,
                  (unsigned)diag->loc.col, diag->message);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->ctx = ky_ctx_new();
    f->reg = ky_registry_new();
    f->book = ky_book_new();
    ky_ctx_set_handler(f->ctx, record_warning, KY_SEV_WARNING, f);

    const char *plugins = getenv("KYOKUN_PLUGIN_PATH");
    if (!plugins || !plugins[0])
        fail_msg("KYOKUN_PLUGIN_PATH is not set: run this test through ctest, which sets it");
    assert_true(ky_registry_load_dir(f->reg, plugins) > 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ky_buf_free(&f->diags);
    ky_book_free(f->book);
    ky_registry_free(f->reg);
    ky_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Read CSV bytes named `path` through the csv plugin and map them into the fixture's book. */
static void read_csv(fixture *f, const char *path, const char *bytes, size_t size)
{
    ky_source source = {.path = path, .data = (const unsigned char *)bytes, .size = size};
    int status = ky_book_add_file(f->ctx, f->reg, f->book, &source, "csv", NULL, NULL);
    if (status != 0)
        fail_msg("reading %s failed with status %d: %s", path, status,
                 ky_error_last(f->ctx)->message);
}

/* Return the number of recorded warnings with this code. */
static size_t count_code(const fixture *f, const char *code)
{
    size_t count = 0;
    size_t len = strlen(code);
    for (const char *line = f->diags.data; line && *line;) {
        if (strncmp(line, code, len) == 0 && line[len] == ' ')
            count++;
        const char *end = strchr(line, '\n');
        line = end ? end + 1 : line + strlen(line);
    }
    return count;
}

/* Assert that the incident whose summary is `summary` exists and return it. */
static const ky_incident *incident_named(const fixture *f, const char *summary)
{
    for (size_t i = 0; i < f->book->incident_count; i++) {
        if (f->book->incidents[i].summary &&
            strcmp(f->book->incidents[i].summary, summary) == 0)
            return &f->book->incidents[i];
    }
    fail_msg("no incident \"%s\" was mapped", summary);
    return NULL;
}

/* Assert that an amount equals `expected` exactly, naming the incident on failure. */
static void check_amount(const char *summary, const char *field, double actual, double expected)
{
    if (isnan(actual) || actual != expected)
        fail_msg("%s of \"%s\": expected %g, got %g", field, summary, expected, actual);
}

/* Assert that an incident occurred on the ISO date `iso`. */
static void check_occurred(const fixture *f, const char *summary, const char *iso)
{
    const ky_incident *incident = incident_named(f, summary);
    if (isnan(incident->occurred))
        fail_msg("date of \"%s\" (\"%s\") was not read, expected %s", summary,
                 incident->occurred_text, iso);
    char text[40];
    assert_string_equal(ky_format_date(incident->occurred, KY_DATE_DATE, text), iso);
}

/* ------------------------------------------------------------------------ */
/* Numbers written with full-width and other Japanese characters            */
/* ------------------------------------------------------------------------ */

/*
 * Full-width digits, signs, thousands separators and decimal points in
 * amount and effort columns read as numbers. U+2212 (the minus sign) and
 * U+30FC (the prolonged sound mark, which a Japanese IME in kana mode types
 * for the minus key) before a digit are minus signs too. Text that is still
 * not a number stays unknown, never 0, with one warning per cell.
 */
static void test_hard_cases__full_width_digits_in_amounts(void **state)
{
    fixture *f = *state;
    static const char csv[] =
        "件名,発生日,システム名,主な原因,障害の影響額,対応工数\r\n"
        "全角数字,2024/4/1,会計,設定誤り,１２３,１２３\r\n"
        "全角マイナス,2024/4/1,会計,設定誤り,－５,－５\r\n"
        "数学のマイナス,2024/4/1,会計,設定誤り,\xE2\x88\x92" "5,\xE2\x88\x92" "5\r\n"
        "長音記号のマイナス,2024/4/1,会計,設定誤り,ー5,ー5\r\n"
        "全角桁区切り,2024/4/1,会計,設定誤り,\"１，２３４\",\"１，２３４\"\r\n"
        "全角小数点,2024/4/1,会計,設定誤り,３．５,３．５\r\n"
        "半角数字,2024/4/1,会計,設定誤り,12,12\r\n"
        "数でない値,2024/4/1,会計,設定誤り,不明,ー\r\n"
        "符号が途中,2024/4/1,会計,設定誤り,１２－３,\xE2\x88\x92\r\n";
    read_csv(f, "amounts.csv", csv, sizeof csv - 1);
    assert_int_equal(f->book->incident_count, 9);

    static const struct {
        const char *summary;
        double value;
    } readable[] = {
        {"全角数字", 123},         {"全角マイナス", -5},   {"数学のマイナス", -5},
        {"長音記号のマイナス", -5}, {"全角桁区切り", 1234}, {"全角小数点", 3.5},
        {"半角数字", 12},
    };
    for (size_t i = 0; i < sizeof readable / sizeof readable[0]; i++) {
        const ky_incident *incident = incident_named(f, readable[i].summary);
        check_amount(readable[i].summary, "damage", incident->damage_yen, readable[i].value);
        check_amount(readable[i].summary, "effort", incident->effort_pm, readable[i].value);
    }

    /* The text as written is kept next to the value. */
    assert_string_equal(incident_named(f, "全角桁区切り")->damage_text, "１，２３４");
    assert_string_equal(incident_named(f, "長音記号のマイナス")->effort_text, "ー5");

    /* Values that are still not numbers stay unknown, never 0. */
    const ky_incident *unknown = incident_named(f, "数でない値");
    assert_true(isnan(unknown->damage_yen));
    assert_true(isnan(unknown->effort_pm));
    assert_string_equal(unknown->damage_text, "不明");
    assert_string_equal(unknown->effort_text, "ー");
    const ky_incident *inner = incident_named(f, "符号が途中");
    assert_true(isnan(inner->damage_yen));
    assert_true(isnan(inner->effort_pm));

    /* Each unreadable cell and each negative value is reported once, and nothing else is. */
    assert_int_equal(count_code(f, "mapping.invalid-amount"), 2);
    assert_int_equal(count_code(f, "mapping.invalid-effort"), 2);
    assert_int_equal(count_code(f, "mapping.negative-amount"), 3);
    assert_int_equal(count_code(f, "mapping.negative-effort"), 3);
    assert_int_equal(f->warnings, 10);
    assert_non_null(strstr(f->diags.data, "mapping.invalid-amount 9 5 "));
    assert_non_null(strstr(f->diags.data, "mapping.invalid-effort 10 6 "));
}

/* ------------------------------------------------------------------------ */
/* Japanese era dates                                                       */
/* ------------------------------------------------------------------------ */

/*
 * Era years are converted to the Gregorian year before the day is checked,
 * so 令和2年2月29日 is the leap day of 2020. 元年 is year 1. An era date
 * outside its era, or a day that its Gregorian year lacks, is reported.
 */
static void test_hard_cases__era_dates_checked_in_gregorian_year(void **state)
{
    fixture *f = *state;
    static const char csv[] =
        "件名,発生日,システム名,主な原因\r\n"
        "令和の閏日,令和2年2月29日,会計,設定誤り\r\n"
        "令和元年,令和元年5月1日,会計,設定誤り\r\n"
        "平成の最終日,平成31年4月30日,会計,設定誤り\r\n"
        "略号,R6.4.1,会計,設定誤り\r\n"
        "西暦の漢字,2024年4月1日,会計,設定誤り\r\n"
        "西暦のスラッシュ,2024/4/1,会計,設定誤り\r\n"
        "全角の閏日,令和２年２月２９日,会計,設定誤り\r\n"
        "平成の略号,H31.4.30,会計,設定誤り\r\n"
        "平年の閏日,令和3年2月29日,会計,設定誤り\r\n"
        "令和の前,令和元年4月30日,会計,設定誤り\r\n"
        "平成の後,平成31年5月1日,会計,設定誤り\r\n";
    read_csv(f, "eras.csv", csv, sizeof csv - 1);
    assert_int_equal(f->book->incident_count, 11);

    check_occurred(f, "令和の閏日", "2020-02-29");
    check_occurred(f, "令和元年", "2019-05-01");
    check_occurred(f, "平成の最終日", "2019-04-30");
    check_occurred(f, "略号", "2024-04-01");
    check_occurred(f, "西暦の漢字", "2024-04-01");
    check_occurred(f, "西暦のスラッシュ", "2024-04-01");
    check_occurred(f, "全角の閏日", "2020-02-29");
    check_occurred(f, "平成の略号", "2019-04-30");

    /* Impossible dates keep their text and have no date, each with one warning. */
    const char *const impossible[] = {"平年の閏日", "令和の前", "平成の後"};
    for (size_t i = 0; i < sizeof impossible / sizeof impossible[0]; i++)
        assert_true(isnan(incident_named(f, impossible[i])->occurred));
    assert_string_equal(incident_named(f, "平年の閏日")->occurred_text, "令和3年2月29日");
    assert_int_equal(count_code(f, "mapping.invalid-date"), 3);
    assert_int_equal(f->warnings, 3);
    assert_non_null(strstr(f->diags.data, "mapping.invalid-date 10 2 "));
    assert_non_null(strstr(f->diags.data, "mapping.invalid-date 11 2 "));
    assert_non_null(strstr(f->diags.data, "mapping.invalid-date 12 2 "));
}

/* ------------------------------------------------------------------------ */
/* Header names                                                             */
/* ------------------------------------------------------------------------ */

/* The UTF-8 BOM of an Excel "CSV UTF-8" file is not part of the first header name. */
static void test_hard_cases__utf8_bom_not_in_header(void **state)
{
    fixture *f = *state;
    static const char csv[] =
        "\xEF\xBB\xBF\"件名\",\"発生日\"\r\n\"DNS障害\",\"2024/4/1\"\r\n";
    read_csv(f, "bom.csv", csv, sizeof csv - 1);

    assert_int_equal(f->book->sheet_count, 1);
    const ky_sheet_report *report = &f->book->sheets[0];
    assert_int_equal(report->kind, KY_TABLE_INCIDENTS);
    assert_int_equal(report->column_count, 2);
    assert_string_equal(report->columns[0].header, "件名");
    assert_string_equal(report->columns[0].field, "summary");
    assert_string_equal(report->columns[1].header, "発生日");
    assert_string_equal(report->columns[1].field, "occurred");

    assert_int_equal(f->book->incident_count, 1);
    check_occurred(f, "DNS障害", "2024-04-01");
    assert_int_equal(f->warnings, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hard_cases__full_width_digits_in_amounts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hard_cases__era_dates_checked_in_gregorian_year,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_hard_cases__utf8_bom_not_in_header, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("hard cases", tests, NULL, NULL);
}
