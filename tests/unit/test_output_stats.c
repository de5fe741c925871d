/* SPDX-License-Identifier: MIT */
/*
 * Tests for the stats output plugin: counts, shares, cumulative shares and
 * ABC classes per main cause, read back from the CSV it writes, and the
 * output encodings and formula guard.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <iconv.h>
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

/* Read the whole file at `path` into `content`. */
static void read_file(const char *path, ky_buf *content)
{
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, file)) > 0)
        assert_int_equal(ky_buf_append(content, chunk, n), 0);
    fclose(file);
}

/* Write options for the tests: fixed time, the plugin's default encoding and guard. */
static ky_write_options test_options(const fixture *f, ky_lang lang)
{
    ky_write_options options = {
        .version = KY_WRITE_OPTIONS_VERSION,
        .lang = lang,
        .timestamp = 1700000000,
        .target = f->path,
        .output_encoding = NULL,
        .excel_safe = -1,
    };
    return options;
}

/* Write `book` with `options`, which must succeed, and read the file into `content`. */
static void write_with_options(fixture *f, const ky_book *book, const ky_write_options *options,
                               ky_buf *content)
{
    int rc = f->plugin->write(f->ctx, book, options, f->path);
    assert_int_equal(rc, 0);
    read_file(f->path, content);
}

/* Write `book` with the plugin and return the file's content (caller frees). */
static char *write_and_read(fixture *f, const ky_book *book, ky_lang lang)
{
    ky_write_options options = test_options(f, lang);
    ky_buf content = {0};
    write_with_options(f, book, &options, &content);
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

/* Return true when `needle` (of `needle_len` bytes) occurs in `buf`. */
static bool buf_contains(const ky_buf *buf, const char *needle, size_t needle_len)
{
    for (size_t i = 0; i + needle_len <= buf->len; i++)
        if (memcmp(buf->data + i, needle, needle_len) == 0)
            return true;
    return false;
}

/* Convert UTF-8 text to CP932 with iconv, independently of the plugin. */
static void iconv_to_cp932(const char *text, size_t len, ky_buf *out)
{
    iconv_t cd = iconv_open("CP932", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    char *in = (char *)text;
    size_t in_left = len;
    size_t capacity = len * 2 + 16;
    char *buffer = malloc(capacity);
    assert_non_null(buffer);
    char *dst = buffer;
    size_t out_left = capacity;
    assert_true(iconv(cd, &in, &in_left, &dst, &out_left) != (size_t)-1);
    assert_int_equal(in_left, 0);
    assert_int_equal(ky_buf_append(out, buffer, capacity - out_left), 0);
    free(buffer);
    iconv_close(cd);
}

static void test_stats__utf8_bom_prefix(void **state)
{
    fixture *f = *state;
    static const char *const causes[] = {"ネットワーク", "ネットワーク", "設定の誤り"};
    ky_book *book = book_with_causes(causes, NULL, NULL, 3);

    char *plain = write_and_read(f, book, KY_LANG_JA);
    ky_write_options options = test_options(f, KY_LANG_JA);
    options.output_encoding = "utf-8-bom";
    ky_buf content = {0};
    write_with_options(f, book, &options, &content);

    assert_int_equal(content.len, 3 + strlen(plain));
    assert_memory_equal(content.data, "\xEF\xBB\xBF", 3);
    assert_memory_equal(content.data + 3, plain, strlen(plain));

    ky_buf_free(&content);
    free(plain);
    ky_book_free(book);
}

static void test_stats__cp932_bytes_match_iconv(void **state)
{
    fixture *f = *state;
    static const char *const causes[] = {"ネットワーク", "設定の誤り", "ネットワーク", NULL};
    ky_book *book = book_with_causes(causes, NULL, NULL, 4);

    char *plain = write_and_read(f, book, KY_LANG_JA);
    assert_non_null(strstr(plain, "ネットワーク"));
    ky_buf expected = {0};
    iconv_to_cp932(plain, strlen(plain), &expected);

    ky_write_options options = test_options(f, KY_LANG_JA);
    options.output_encoding = "cp932";
    ky_buf content = {0};
    write_with_options(f, book, &options, &content);

    assert_int_equal(content.len, expected.len);
    assert_memory_equal(content.data, expected.data, expected.len);
    /* "ネ" is 83 6C in CP932, so the key is really converted, not copied. */
    assert_true(buf_contains(&content, "\x83\x6C", 2));
    assert_false(buf_contains(&content, "\xEF\xBB\xBF", 3));

    ky_buf_free(&content);
    ky_buf_free(&expected);
    free(plain);
    ky_book_free(book);
}

static void test_stats__cp932_unmappable_fails(void **state)
{
    fixture *f = *state;
    /* Row 1 is the header, "a" (2 incidents) row 2, the emoji U+1F642 row 3. */
    static const char *const causes[] = {"a", "a", "遅延\xF0\x9F\x99\x82"};
    ky_book *book = book_with_causes(causes, NULL, NULL, 3);
    ky_write_options options = test_options(f, KY_LANG_JA);
    options.output_encoding = "cp932";

    assert_int_equal(f->plugin->write(f->ctx, book, &options, f->path), KY_EUNSUPPORTED);
    const ky_error *error = ky_error_last(f->ctx);
    assert_non_null(error);
    assert_int_equal(error->code, KY_EUNSUPPORTED);
    assert_string_equal(error->loc.file, f->path);
    assert_non_null(strstr(error->message, "row 3 "));
    assert_non_null(strstr(error->message, "U+1F642"));
    assert_non_null(strstr(error->message, "\xF0\x9F\x99\x82"));
    assert_non_null(strstr(error->message, "--output-encoding utf-8-bom"));
    assert_int_not_equal(access(f->path, F_OK), 0);

    ky_error_clear(f->ctx);
    ky_book_free(book);
}

static void test_stats__unknown_encoding_rejected(void **state)
{
    fixture *f = *state;
    static const char *const causes[] = {"a"};
    ky_book *book = book_with_causes(causes, NULL, NULL, 1);
    ky_write_options options = test_options(f, KY_LANG_JA);
    options.output_encoding = "latin1";

    assert_int_equal(f->plugin->write(f->ctx, book, &options, f->path), KY_EINVAL);
    const ky_error *error = ky_error_last(f->ctx);
    assert_non_null(error);
    assert_non_null(strstr(error->message, "latin1"));
    assert_int_not_equal(access(f->path, F_OK), 0);

    ky_error_clear(f->ctx);
    ky_book_free(book);
}

/* Write a book of one formula-like key with a negative damage and return the key row. */
static char *formula_row(fixture *f, const char *encoding, int excel_safe)
{
    static const char *const causes[] = {"=SUM(1,1)"};
    static const double damage[] = {-5};
    ky_book *book = book_with_causes(causes, damage, NULL, 1);
    ky_write_options options = test_options(f, KY_LANG_JA);
    options.output_encoding = encoding;
    options.excel_safe = excel_safe;
    ky_buf content = {0};
    write_with_options(f, book, &options, &content);
    ky_book_free(book);

    size_t bom = encoding && strcmp(encoding, "utf-8-bom") == 0 ? 3 : 0;
    size_t header_len = strlen(header);
    assert_true(content.len >= bom + header_len);
    assert_memory_equal(content.data + bom, header, header_len);
    char *row = ky_strndup(content.data + bom + header_len, content.len - bom - header_len);
    assert_non_null(row);
    ky_buf_free(&content);
    return row;
}

static void test_stats__excel_safe_on_off(void **state)
{
    fixture *f = *state;
    static const char guarded[] = "main_cause,\"'=SUM(1,1)\",1,1.0000,1.0000,A,-5,\r\n";
    static const char unguarded[] = "main_cause,\"=SUM(1,1)\",1,1.0000,1.0000,A,-5,\r\n";
    static const struct {
        const char *encoding;
        int excel_safe;
        const char *expected;
    } cases[] = {
        {NULL, -1, guarded},         {"utf-8", 1, guarded},     {"utf-8", 0, unguarded},
        {"utf-8-bom", -1, guarded},  {"utf-8-bom", 0, unguarded}, {"cp932", -1, guarded},
        {"cp932", 0, unguarded},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *row = formula_row(f, cases[i].encoding, cases[i].excel_safe);
        assert_string_equal(row, cases[i].expected);
        free(row);
    }
}

static void test_stats__version1_options_defaults(void **state)
{
    fixture *f = *state;
    /* A version 1 caller's struct ends before output_encoding and excel_safe,
       so the plugin must not read them: the garbage here must be ignored. */
    ky_write_options options = test_options(f, KY_LANG_JA);
    options.version = 1;
    options.output_encoding = "garbage";
    options.excel_safe = 0;
    static const char *const causes[] = {"=SUM(1,1)"};
    ky_book *book = book_with_causes(causes, NULL, NULL, 1);
    ky_buf content = {0};
    write_with_options(f, book, &options, &content);

    assert_int_equal(ky_buf_putc(&content, '\0'), 0);
    assert_non_null(strstr(content.data, "\"'=SUM(1,1)\""));
    assert_memory_equal(content.data, header, strlen(header));

    ky_buf_free(&content);
    ky_book_free(book);
}

/* Lesson and risk axes follow the main cause, in the documented order. */
static void test_stats__all_axes_in_order(void **state)
{
    fixture *f = *state;
    static const char *const causes[] = {"故障"};
    ky_book *book = book_with_causes(causes, NULL, NULL, 1);
    book->lessons = calloc(2, sizeof *book->lessons);
    assert_non_null(book->lessons);
    book->lesson_count = 2;
    for (size_t i = 0; i < 2; i++) {
        ky_classification *cls = &book->lessons[i].classification;
        cls->importance = strdup("Type II");
        cls->lifecycle = strdup("運用");
        cls->service = strdup(i == 0 ? "サービス提供" : "関係プロセス");
        cls->purposes.items = calloc(1, sizeof(char *));
        assert_non_null(cls->purposes.items);
        cls->purposes.items[0] = strdup("社内教育");
        cls->purposes.count = 1;
    }
    book->risks = calloc(1, sizeof *book->risks);
    assert_non_null(book->risks);
    book->risk_count = 1;
    book->risks[0].c = 6;

    char *csv = write_and_read(f, book, KY_LANG_EN);
    const char *expected =
        "axis,key,count,share,cumulative_share,abc_class,damage_yen,effort_person_months\r\n"
        "main_cause,故障,1,1.0000,1.0000,A,,\r\n"
        "purpose,社内教育,2,1.0000,1.0000,A,,\r\n"
        "system_type,Type II,2,1.0000,1.0000,A,,\r\n"
        "lifecycle_process,運用,2,1.0000,1.0000,A,,\r\n"
        "service_process,サービス提供,1,0.5000,0.5000,A,,\r\n"
        "service_process,関係プロセス,1,0.5000,1.0000,A,,\r\n"
        "keyword,(blank),2,1.0000,1.0000,A,,\r\n"
        "risk_level,6,1,1.0000,1.0000,A,,\r\n";
    assert_string_equal(csv, expected);
    free(csv);
    ky_book_free(book);
}

/* abc_a and abc_b move the cut-offs; with the defaults all but d would be A. */
static void test_stats__custom_cutoffs(void **state)
{
    fixture *f = *state;
    static const char *const causes[] = {"a", "a", "a", "a", "b", "b", "b", "c", "c", "d"};
    ky_book *book = book_with_causes(causes, NULL, NULL, 10);
    ky_write_options options = test_options(f, KY_LANG_JA);
    options.abc_a = 30;
    options.abc_b = 60;
    ky_buf content = {0};
    write_with_options(f, book, &options, &content);
    assert_int_equal(ky_buf_putc(&content, '\0'), 0);
    /* Shares before each row: a 0 %, b 40 %, c 70 %, d 90 %. */
    assert_non_null(strstr(content.data, "main_cause,a,4,0.4000,0.4000,A,,"));
    assert_non_null(strstr(content.data, "main_cause,b,3,0.3000,0.7000,B,,"));
    assert_non_null(strstr(content.data, "main_cause,c,2,0.2000,0.9000,C,,"));
    assert_non_null(strstr(content.data, "main_cause,d,1,0.1000,1.0000,C,,"));
    ky_buf_free(&content);

    options.abc_a = 0; /* 0 = the default cut-offs */
    options.abc_b = 0;
    write_with_options(f, book, &options, &content);
    assert_int_equal(ky_buf_putc(&content, '\0'), 0);
    assert_non_null(strstr(content.data, "main_cause,c,2,0.2000,0.9000,A,,"));
    assert_non_null(strstr(content.data, "main_cause,d,1,0.1000,1.0000,B,,"));
    ky_buf_free(&content);
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
        cmocka_unit_test_setup_teardown(test_stats__utf8_bom_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__cp932_bytes_match_iconv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__cp932_unmappable_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__unknown_encoding_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__excel_safe_on_off, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__version1_options_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__chosen_for_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__all_axes_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats__custom_cutoffs, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
