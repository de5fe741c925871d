/* SPDX-License-Identifier: MIT */
/*
 * Tests for the stats output plugin: counts, shares, cumulative shares and
 * ABC classes per main cause, read back from the CSV it writes.
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

#include "formats/ky_csv.h"
#include "formats/ky_text.h"
#include "kyokun/registry.h"

typedef struct fixture {
    ky_registry *registry;
    const ky_plugin *plugin;
    ky_ctx *ctx;
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);

    const char *plugin_dir = getenv("KYOKUN_PLUGIN_PATH");
    assert_non_null(plugin_dir);
    char module[4096];
    snprintf(module, sizeof module, "%s/output-stats.so", plugin_dir);
    f->registry = ky_registry_new();
    assert_non_null(f->registry);
    assert_int_equal(ky_registry_load_file(f->registry, module), 0);
    f->plugin = ky_registry_find(f->registry, KY_PLUGIN_OUTPUT, "stats");
    assert_non_null(f->plugin);

    f->ctx = ky_ctx_new();
    assert_non_null(f->ctx);
    snprintf(f->dir, sizeof f->dir, "/tmp/ky-stats-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/stats.csv", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    unlink(f->path);
    rmdir(f->dir);
    ky_ctx_free(f->ctx);
    ky_registry_free(f->registry);
    free(f);
    return 0;
}

/* Add incidents with the given main causes, damages and efforts (NAN = unknown). */
static ky_book *book_with_causes(const char *const *causes, const double *damage,
                                 const double *effort, size_t count)
{
    ky_book *book = ky_book_new();
    assert_non_null(book);
    book->incidents = calloc(count, sizeof *book->incidents);
    assert_non_null(book->incidents);
    book->incident_count = count;
    for (size_t i = 0; i < count; i++) {
        ky_incident *incident = &book->incidents[i];
        incident->main_cause = causes[i] ? strdup(causes[i]) : NULL;
        incident->occurred = NAN;
        incident->damage_yen = damage ? damage[i] : NAN;
        incident->effort_pm = effort ? effort[i] : NAN;
    }
    return book;
}

/* Write `book` with the plugin and return the file's content (caller frees). */
static char *write_and_read(fixture *f, const ky_book *book, ky_lang lang)
{
    ky_write_options options = {
        .version = KY_WRITE_OPTIONS_VERSION,
        .lang = lang,
        .timestamp = 1700000000,
        .target = f->path,
    };
    int rc = f->plugin->write(f->ctx, book, &options, f->path);
    assert_int_equal(rc, 0);

    FILE *file = fopen(f->path, "rb");
    assert_non_null(file);
    ky_buf content = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, file)) > 0)
        assert_int_equal(ky_buf_append(&content, chunk, n), 0);
    fclose(file);
    return ky_buf_take(&content);
}

/* Sum of the count column, read with the CSV reader of formats/. */
typedef struct count_sum {
    uint64_t records;
    long total;
} count_sum;

static int add_count(void *payload, const ky_csv_record *record)
{
    count_sum *sum = payload;
    assert_int_equal(record->count, 8);
    if (record->index > 0)
        sum->total += strtol(record->fields[2].text, NULL, 10);
    sum->records++;
    return 0;
}

static const char header[] =
    "axis,key,count,share,cumulative_share,abc_class,damage_yen,effort_person_months\r\n";

static void test_stats__ten_incidents_four_causes(void **state)
{
    fixture *f = *state;
    static const char *const causes[] = {
        "ネットワーク", "ソフトウェアの誤り", "ネットワーク", NULL,
        "ソフトウェアの誤り\xE3\x80\x80", "ネットワーク", "=SUM(1,1)", " ",
        " ソフトウェアの誤り", "ネットワーク",
    };
    static const double damage[] = {100, NAN, 200, 1e12, NAN, NAN, NAN, NAN, NAN, 50};
    static const double effort[] = {0.1, NAN, 0.2, NAN, NAN, NAN, 2.5, NAN, NAN, NAN};
    ky_book *book = book_with_causes(causes, damage, effort, 10);

    char *csv = write_and_read(f, book, KY_LANG_JA);
    const char *expected =
        "axis,key,count,share,cumulative_share,abc_class,damage_yen,effort_person_months\r\n"
        "main_cause,ネットワーク,4,0.4000,0.4000,A,350,0.3\r\n"
        "main_cause,ソフトウェアの誤り,3,0.3000,0.7000,A,,\r\n"
        "main_cause,(未記入),2,0.2000,0.9000,A,1000000000000,\r\n"
        "main_cause,\"'=SUM(1,1)\",1,0.1000,1.0000,B,,2.5\r\n";
    assert_string_equal(csv, expected);

    count_sum sum = {0};
    assert_int_equal(ky_csv_read(f->ctx, (const unsigned char *)csv, strlen(csv), NULL, NULL,
                                 add_count, &sum),
                     0);
    assert_int_equal(sum.records, 5);
    assert_int_equal(sum.total, (long)book->incident_count);

    free(csv);
    ky_book_free(book);
}

static void test_stats__class_cutoffs_exact(void **state)
{
    fixture *f = *state;
    /* 20 incidents: 16 "a", 3 "b", 1 "c", so the shares before b and c are exactly 0.80 and 0.95. */
    const char *causes[20];
    for (size_t i = 0; i < 20; i++) {
        if (i < 16)
            causes[i] = "a";
        else if (i < 19)
            causes[i] = "b";
        else
            causes[i] = "c";
    }
    ky_book *book = book_with_causes(causes, NULL, NULL, 20);

    char *csv = write_and_read(f, book, KY_LANG_JA);
    const char *expected =
        "axis,key,count,share,cumulative_share,abc_class,damage_yen,effort_person_months\r\n"
        "main_cause,a,16,0.8000,0.8000,A,,\r\n"
        "main_cause,b,3,0.1500,0.9500,B,,\r\n"
        "main_cause,c,1,0.0500,1.0000,C,,\r\n";
    assert_string_equal(csv, expected);

    free(csv);
    ky_book_free(book);
}

static void test_stats__large_first_cause(void **state)
{
    fixture *f = *state;
    /* 50 % then 46 %: the second cause crosses both cut-offs and is still A. */
    const char *causes[50];
    for (size_t i = 0; i < 50; i++) {
        if (i < 25)
            causes[i] = "x";
        else if (i < 48)
            causes[i] = "y";
        else
            causes[i] = "z";
    }
    ky_book *book = book_with_causes(causes, NULL, NULL, 50);

    char *csv = write_and_read(f, book, KY_LANG_JA);
    const char *expected =
        "axis,key,count,share,cumulative_share,abc_class,damage_yen,effort_person_months\r\n"
        "main_cause,x,25,0.5000,0.5000,A,,\r\n"
        "main_cause,y,23,0.4600,0.9600,A,,\r\n"
        "main_cause,z,2,0.0400,1.0000,C,,\r\n";
    assert_string_equal(csv, expected);

    free(csv);
    ky_book_free(book);
}

static void test_stats__ties_by_key_blank_last(void **state)
{
    fixture *f = *state;
    static const char *const causes[] = {"", "b", "a\nb", "a"};
    ky_book *book = book_with_causes(causes, NULL, NULL, 4);

    char *csv = write_and_read(f, book, KY_LANG_EN);
    const char *expected =
        "axis,key,count,share,cumulative_share,abc_class,damage_yen,effort_person_months\r\n"
        "main_cause,a,1,0.2500,0.2500,A,,\r\n"
        "main_cause,\"a\nb\",1,0.2500,0.5000,A,,\r\n"
        "main_cause,b,1,0.2500,0.7500,A,,\r\n"
        "main_cause,(blank),1,0.2500,1.0000,A,,\r\n";
    assert_string_equal(csv, expected);

    free(csv);
    ky_book_free(book);
}

/* Fill `causes` with `count` copies of `cause` from *next on, advancing *next. */
static void add_causes(const char **causes, size_t *next, const char *cause, size_t count)
{
    for (size_t i = 0; i < count; i++)
        causes[(*next)++] = cause;
}

static void test_stats__tie_at_c_cutoff_same_class(void **state)
{
    fixture *f = *state;
    /* 20 incidents. The two causes counted once share a class although the
       second one starts at exactly 0.95, and the blank key sorts last in
       both languages. */
    const char *causes[20];
    size_t next = 0;
    add_causes(causes, &next, "a", 16);
    add_causes(causes, &next, "b", 2);
    add_causes(causes, &next, "ネットワーク", 1);
    add_causes(causes, &next, "", 1);
    assert_int_equal(next, 20);
    ky_book *book = book_with_causes(causes, NULL, NULL, 20);

    char *csv = write_and_read(f, book, KY_LANG_JA);
    const char *expected_ja =
        "axis,key,count,share,cumulative_share,abc_class,damage_yen,effort_person_months\r\n"
        "main_cause,a,16,0.8000,0.8000,A,,\r\n"
        "main_cause,b,2,0.1000,0.9000,B,,\r\n"
        "main_cause,ネットワーク,1,0.0500,0.9500,B,,\r\n"
        "main_cause,(未記入),1,0.0500,1.0000,B,,\r\n";
    assert_string_equal(csv, expected_ja);
    free(csv);

    csv = write_and_read(f, book, KY_LANG_EN);
    const char *expected_en =
        "axis,key,count,share,cumulative_share,abc_class,damage_yen,effort_person_months\r\n"
        "main_cause,a,16,0.8000,0.8000,A,,\r\n"
        "main_cause,b,2,0.1000,0.9000,B,,\r\n"
        "main_cause,ネットワーク,1,0.0500,0.9500,B,,\r\n"
        "main_cause,(blank),1,0.0500,1.0000,B,,\r\n";
    assert_string_equal(csv, expected_en);
    free(csv);
    ky_book_free(book);
}

static void test_stats__tie_at_b_cutoff_same_class(void **state)
{
    fixture *f = *state;
    /* 10 incidents: p 4, then q, r and s 2 each. The tie group starts at
       0.40, so s is A although 0.80 of the incidents come before it. */
    const char *causes[10];
    size_t next = 0;
    add_causes(causes, &next, "s", 2);
    add_causes(causes, &next, "p", 4);
    add_causes(causes, &next, "r", 2);
    add_causes(causes, &next, "q", 2);
    ky_book *book = book_with_causes(causes, NULL, NULL, 10);

    char *csv = write_and_read(f, book, KY_LANG_JA);
    const char *expected =
        "axis,key,count,share,cumulative_share,abc_class,damage_yen,effort_person_months\r\n"
        "main_cause,p,4,0.4000,0.4000,A,,\r\n"
        "main_cause,q,2,0.2000,0.6000,A,,\r\n"
        "main_cause,r,2,0.2000,0.8000,A,,\r\n"
        "main_cause,s,2,0.2000,1.0000,A,,\r\n";
    assert_string_equal(csv, expected);

    free(csv);
    ky_book_free(book);
}

static void test_stats__no_incidents_header_only(void **state)
{
    fixture *f = *state;
    ky_book *book = ky_book_new();
    assert_non_null(book);

    char *csv = write_and_read(f, book, KY_LANG_JA);
    assert_string_equal(csv, header);

    free(csv);
    ky_book_free(book);
}

static void test_stats__unwritable_path_error(void **state)
{
    fixture *f = *state;
    static const char *const causes[] = {"a"};
    ky_book *book = book_with_causes(causes, NULL, NULL, 1);
    char path[160];
    snprintf(path, sizeof path, "%s/missing/stats.csv", f->dir);
    ky_write_options options = {
        .version = KY_WRITE_OPTIONS_VERSION,
        .target = "out/stats.csv",
    };

    assert_int_equal(f->plugin->write(f->ctx, book, &options, path), KY_EIO);
    const ky_error *error = ky_error_last(f->ctx);
    assert_non_null(error);
    assert_int_equal(error->code, KY_EIO);
    assert_string_equal(error->loc.file, "out/stats.csv");

    ky_error_clear(f->ctx);
    ky_book_free(book);
}

static void test_stats__chosen_for_csv(void **state)
{
    fixture *f = *state;
    assert_ptr_equal(ky_registry_find_output_for(f->registry, "out/stats.csv"), f->plugin);
    assert_string_equal(f->plugin->extensions[0], "csv");
    assert_null(f->plugin->extensions[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stats__ten_incidents_four_causes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__class_cutoffs_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__large_first_cause, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__ties_by_key_blank_last, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__tie_at_c_cutoff_same_class, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__tie_at_b_cutoff_same_class, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__no_incidents_header_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__unwritable_path_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__chosen_for_csv, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
