/* SPDX-License-Identifier: MIT */
/*
 * Tests of the main causes in the classification step. Each incident's
 * 主な原因 is looked up in cause.csv. A recognised cause becomes its label
 * and keeps the text as written in main_cause_text, and an unknown cause is
 * only trimmed, without a warning. Needs KY_SOURCE_DIR, which ctest sets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book_fields.h"
#include "kyokun/book.h"
#include "kyokun/classify.h"
#include "kyokun/diag.h"
#include "kyokun/vocab.h"

typedef struct fixture {
    ky_ctx *ctx;
    ky_dict *dict;
    ky_book *book;
    size_t warnings;
} fixture;

static void count_warning(const ky_diag *diag, void *payload)
{
    (void)diag;
    fixture *f = payload;
    f->warnings++;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->ctx = ky_ctx_new();
    f->book = ky_book_new();
    ky_ctx_set_handler(f->ctx, count_warning, KY_SEV_WARNING, f);
    const char *source = getenv("KY_SOURCE_DIR");
    if (!source || !source[0])
        fail_msg("KY_SOURCE_DIR is not set: run this test through ctest, which sets it");
    char dict_dir[4096];
    snprintf(dict_dir, sizeof dict_dir, "%s/core/dict", source);
    if (ky_dict_load(f->ctx, dict_dir, NULL, &f->dict) != 0)
        fail_msg("loading %s failed: %s", dict_dir, ky_error_last(f->ctx)->message);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ky_dict_free(f->dict);
    ky_book_free(f->book);
    ky_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Add incidents with these main causes (NULL for none) to the fixture's book. */
static void add_incidents(fixture *f, const char *const *causes, size_t count)
{
    ky_book *book = f->book;
    book->incidents = calloc(count, sizeof *book->incidents);
    assert_non_null(book->incidents);
    book->incident_count = count;
    for (size_t i = 0; i < count; i++) {
        ky_incident *incident = &book->incidents[i];
        incident->occurred = incident->damage_yen = incident->effort_pm = NAN;
        incident->origin.row = (uint32_t)i + 2;
        if (causes[i]) {
            incident->main_cause = strdup(causes[i]);
            assert_non_null(incident->main_cause);
        }
    }
}

static void classify(fixture *f, ky_lang lang)
{
    ky_classify_options options;
    ky_classify_options_init(&options);
    options.lang = lang;
    assert_int_equal(ky_book_classify(f->ctx, f->book, f->dict, &options), 0);
}

static void test_causes_spellings_become_label(void **state)
{
    fixture *f = *state;
    const char *const causes[] = {"バグ", "ｿﾌﾄｳｪｱの誤り", "ソフトウェアの誤り", "機器故障",
                                  "ＣＡ８"};
    add_incidents(f, causes, 5);
    classify(f, KY_LANG_JA);

    const ky_incident *incidents = f->book->incidents;
    assert_string_equal(incidents[0].main_cause, "ソフトウェアの誤り");
    assert_string_equal(incidents[0].main_cause_text, "バグ");
    assert_string_equal(incidents[1].main_cause, "ソフトウェアの誤り");
    assert_string_equal(incidents[1].main_cause_text, "ｿﾌﾄｳｪｱの誤り");
    /* Already the label: nothing changed, so nothing is kept apart. */
    assert_string_equal(incidents[2].main_cause, "ソフトウェアの誤り");
    assert_null(incidents[2].main_cause_text);
    assert_string_equal(incidents[3].main_cause, "ハードウェア故障・性能低下等");
    assert_string_equal(incidents[3].main_cause_text, "機器故障");
    /* A code, written full-width, names its cause too. */
    assert_string_equal(incidents[4].main_cause, "運用方法・手順等の誤り");
    assert_int_equal(f->warnings, 0);
}

static void test_causes_english_labels(void **state)
{
    fixture *f = *state;
    const char *const causes[] = {"バグ", "software defect", "容量不足"};
    add_incidents(f, causes, 3);
    classify(f, KY_LANG_EN);

    const ky_incident *incidents = f->book->incidents;
    assert_string_equal(incidents[0].main_cause, "software defect");
    assert_string_equal(incidents[0].main_cause_text, "バグ");
    assert_string_equal(incidents[1].main_cause, "software defect");
    assert_null(incidents[1].main_cause_text);
    assert_string_equal(incidents[2].main_cause, "insufficient performance or capacity");
}

static void test_causes_unknown_kept_trimmed(void **state)
{
    fixture *f = *state;
    const char *const causes[] = {"　ネットワーク障害 ", NULL, "", "ネットワーク障害"};
    add_incidents(f, causes, 4);
    classify(f, KY_LANG_JA);

    const ky_incident *incidents = f->book->incidents;
    assert_string_equal(incidents[0].main_cause, "ネットワーク障害");
    assert_null(incidents[0].main_cause_text);
    assert_null(incidents[1].main_cause);
    assert_string_equal(incidents[2].main_cause, "");
    assert_string_equal(incidents[3].main_cause, "ネットワーク障害");
    /* Causes are free text in many registers, so an unknown one is no warning. */
    assert_int_equal(f->warnings, 0);
}

static void test_causes_second_run_keeps_written(void **state)
{
    fixture *f = *state;
    const char *const causes[] = {"バグ"};
    add_incidents(f, causes, 1);
    classify(f, KY_LANG_JA);
    classify(f, KY_LANG_EN);

    assert_string_equal(f->book->incidents[0].main_cause, "software defect");
    assert_string_equal(f->book->incidents[0].main_cause_text, "バグ");
}

/* Collect the main-cause texts that the walk passes to its callback, as the anonymiser gets them. */
static int collect_cause_texts(const ky_book_text *text, void *payload)
{
    ky_strlist *seen = payload;
    if (!text->field || strcmp(text->field, "main_cause") != 0 || !*text->text)
        return 0;
    char **items = realloc(seen->items, (seen->count + 1) * sizeof *items);
    assert_non_null(items);
    seen->items = items;
    seen->items[seen->count++] = *text->text;
    return 0;
}

static void test_causes_written_text_walked(void **state)
{
    fixture *f = *state;
    const char *const causes[] = {"機器故障"};
    add_incidents(f, causes, 1);
    classify(f, KY_LANG_JA);

    ky_strlist seen = {0};
    assert_int_equal(ky_book__visit_records(f->book, collect_cause_texts, &seen), 0);
    assert_int_equal(seen.count, 2);
    assert_string_equal(seen.items[0], "ハードウェア故障・性能低下等");
    assert_string_equal(seen.items[1], "機器故障");
    free(seen.items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_causes_spellings_become_label, setup, teardown),
        cmocka_unit_test_setup_teardown(test_causes_english_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_causes_unknown_kept_trimmed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_causes_second_run_keeps_written, setup, teardown),
        cmocka_unit_test_setup_teardown(test_causes_written_text_walked, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
