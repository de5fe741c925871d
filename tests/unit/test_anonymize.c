/* SPDX-License-Identifier: MIT */
/*
 * Tests for anonymisation. Each detector gets the forms it must find and the
 * near misses it must leave (dates, times, versions, amounts). The names list
 * is tested for the longest match, width variants and word boundaries, then
 * reading a names file, and the placeholders across the fields and records of a book.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kyokun/anonymize.h"
#include "kyokun/book.h"
#include "kyokun/diag.h"

typedef struct fixture {
    ky_ctx *ctx;
    ky_anonymizer *anonymizer;
} fixture;

static int setup_with(void **state, bool detect, ky_lang lang)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->ctx = ky_ctx_new();
    assert_non_null(f->ctx);
    ky_anonymize_options options;
    ky_anonymize_options_init(&options);
    options.detect = detect;
    options.lang = lang;
    assert_int_equal(ky_anonymizer_new(f->ctx, &options, &f->anonymizer), 0);
    *state = f;
    return 0;
}

static int setup_detect(void **state)
{
    return setup_with(state, true, KY_LANG_JA);
}

static int setup_list(void **state)
{
    return setup_with(state, false, KY_LANG_JA);
}

static int setup_list_en(void **state)
{
    return setup_with(state, false, KY_LANG_EN);
}

static int teardown(void **state)
{
    fixture *f = *state;
    ky_anonymizer_free(f->anonymizer);
    ky_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Scan `text` and check that it contains exactly one match of `kind` whose
 * replaced text is `expected` (NULL: no match at all). */
static void expect_one(const fixture *f, const char *text, ky_name_kind kind, const char *expected)
{
    ky_name_match *matches = NULL;
    size_t count = 0;
    assert_int_equal(ky_anonymizer_scan(f->anonymizer, text, strlen(text), &matches, &count), 0);
    if (!expected) {
        if (count != 0)
            fail_msg("'%s': expected no match, found %zu, the first '%.*s'", text, count,
                     (int)(matches[0].end - matches[0].start), text + matches[0].start);
        free(matches);
        return;
    }
    if (count != 1)
        fail_msg("'%s': expected one match '%s', found %zu", text, expected, count);
    size_t len = matches[0].end - matches[0].start;
    if (len != strlen(expected) || memcmp(text + matches[0].start, expected, len) != 0)
        fail_msg("'%s': matched '%.*s', expected '%s'", text, (int)len, text + matches[0].start,
                 expected);
    assert_int_equal(matches[0].kind, kind);
    free(matches);
}

/* ------------------------------------------------------------------------ */
/* Detectors                                                                 */
/* ------------------------------------------------------------------------ */

static void test_detect_email__forms(void **state)
{
    fixture *f = *state;
    expect_one(f, "連絡先はtanaka.taro@example.co.jpまで", KY_NAME_EMAIL,
               "tanaka.taro@example.co.jp");
    expect_one(f, "mail: a_b+c@mail.example.com.", KY_NAME_EMAIL, "a_b+c@mail.example.com");
    expect_one(f, "（ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｊｐ）", KY_NAME_EMAIL,
               "ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｊｐ");
}

static void test_detect_email__near_misses(void **state)
{
    fixture *f = *state;
    expect_one(f, "user@localhost に送った", KY_NAME_EMAIL, NULL);
    expect_one(f, "@channel で周知した", KY_NAME_EMAIL, NULL);
    expect_one(f, "a@b.c", KY_NAME_EMAIL, NULL);
    expect_one(f, "単価@1,200円", KY_NAME_EMAIL, NULL);
}

static void test_detect_phone__forms(void **state)
{
    fixture *f = *state;
    expect_one(f, "TEL 03-1234-5678 まで", KY_NAME_PHONE, "03-1234-5678");
    expect_one(f, "携帯090-1234-5678に連絡", KY_NAME_PHONE, "090-1234-5678");
    expect_one(f, "窓口は0120-123-456です", KY_NAME_PHONE, "0120-123-456");
    expect_one(f, "電話: (03)1234-5678", KY_NAME_PHONE, "(03)1234-5678");
    expect_one(f, "電話: 03(1234)5678", KY_NAME_PHONE, "03(1234)5678");
    expect_one(f, "０３－１２３４－５６７８へ", KY_NAME_PHONE, "０３－１２３４－５６７８");
    expect_one(f, "09012345678", KY_NAME_PHONE, "09012345678");
    expect_one(f, "Call +81-3-1234-5678.", KY_NAME_PHONE, "+81-3-1234-5678");
    expect_one(f, "+81 90 1234 5678", KY_NAME_PHONE, "+81 90 1234 5678");
    expect_one(f, "+81 (0)3-1234-5678", KY_NAME_PHONE, "+81 (0)3-1234-5678");
    expect_one(f, "050ー1234ー5678", KY_NAME_PHONE, "050ー1234ー5678");
}

static void test_detect_phone__dates_times_amounts(void **state)
{
    fixture *f = *state;
    expect_one(f, "2024-03-15 に発生", KY_NAME_PHONE, NULL);
    expect_one(f, "2024/03/15 03:15", KY_NAME_PHONE, NULL);
    expect_one(f, "09:00-18:00 に停止", KY_NAME_PHONE, NULL);
    expect_one(f, "影響額 1,234,567円", KY_NAME_PHONE, NULL);
    expect_one(f, "影響額 0120000000円", KY_NAME_PHONE, NULL);
    expect_one(f, "0.5人月", KY_NAME_PHONE, NULL);
    expect_one(f, "03-1234", KY_NAME_PHONE, NULL);
    expect_one(f, "03-1234-5678-9", KY_NAME_PHONE, NULL);
    expect_one(f, "012-3456-78901", KY_NAME_PHONE, NULL);
    expect_one(f, "チケット#0312345678901", KY_NAME_PHONE, NULL);
    expect_one(f, "ABC03-1234-5678", KY_NAME_PHONE, NULL);
    expect_one(f, "0000000000", KY_NAME_PHONE, NULL);
}

static void test_detect_ipv4__forms(void **state)
{
    fixture *f = *state;
    expect_one(f, "サーバ(192.168.1.10)が停止", KY_NAME_IP, "192.168.1.10");
    expect_one(f, "10.0.0.0/8 の経路", KY_NAME_IP, "10.0.0.0/8");
    expect_one(f, "ＩＰ：１７２．１６．０．５", KY_NAME_IP, "１７２．１６．０．５");
}

static void test_detect_ipv4__versions_and_dates(void **state)
{
    fixture *f = *state;
    expect_one(f, "v1.2.3.4 に更新", KY_NAME_IP, NULL);
    expect_one(f, "Ver. 10.0.0.1 を適用", KY_NAME_IP, NULL);
    expect_one(f, "バージョン 2.0.1.5", KY_NAME_IP, NULL);
    expect_one(f, "1.2.3 に更新", KY_NAME_IP, NULL);
    expect_one(f, "256.1.1.1", KY_NAME_IP, NULL);
    expect_one(f, "2024.03.15 発生", KY_NAME_IP, NULL);
    expect_one(f, "1.2.3.4.5", KY_NAME_IP, NULL);
    expect_one(f, "0.1.2.3", KY_NAME_IP, NULL);
}

static void test_detect_ipv6__forms(void **state)
{
    fixture *f = *state;
    expect_one(f, "宛先 2001:db8::1 へ", KY_NAME_IP, "2001:db8::1");
    expect_one(f, "fe80::1ff:fe23:4567:890a", KY_NAME_IP, "fe80::1ff:fe23:4567:890a");
    expect_one(f, "2001:0db8:0000:0000:0000:0000:0000:0001", KY_NAME_IP,
               "2001:0db8:0000:0000:0000:0000:0000:0001");
    expect_one(f, "ループバック ::1 のみ", KY_NAME_IP, "::1");
}

static void test_detect_ipv6__times_and_code(void **state)
{
    fixture *f = *state;
    expect_one(f, "10:30:00 に再起動", KY_NAME_IP, NULL);
    expect_one(f, "12:30", KY_NAME_IP, NULL);
    expect_one(f, "std::string を返す", KY_NAME_IP, NULL);
    expect_one(f, "A::B", KY_NAME_IP, NULL);
    expect_one(f, "MAC 00:1a:2b:3c:4d:5e", KY_NAME_IP, NULL);
}

static void test_detect_person__honorifics(void **state)
{
    fixture *f = *state;
    expect_one(f, "田中さんが再起動した", KY_NAME_PERSON, "田中さん");
    expect_one(f, "担当の山田 太郎様から連絡", KY_NAME_PERSON, "山田 太郎様");
    expect_one(f, "佐々木氏によると", KY_NAME_PERSON, "佐々木氏");
    expect_one(f, "一ノ瀬さんが確認", KY_NAME_PERSON, "一ノ瀬さん");
    expect_one(f, "スミスさんに依頼", KY_NAME_PERSON, "スミスさん");
    expect_one(f, "John Smith様より", KY_NAME_PERSON, "John Smith様");
    expect_one(f, "ｽｽﾞｷさんが対応", KY_NAME_PERSON, "ｽｽﾞｷさん");
    expect_one(f, "田中殿", KY_NAME_PERSON, "田中殿");
    expect_one(f, "田中様宛", KY_NAME_PERSON, "田中様");
}

static void test_detect_person__words_that_are_not_names(void **state)
{
    fixture *f = *state;
    expect_one(f, "お客様のサービスが停止", KY_NAME_PERSON, NULL);
    expect_one(f, "皆様へのお知らせ", KY_NAME_PERSON, NULL);
    expect_one(f, "ネットワーク機器と同様に再起動", KY_NAME_PERSON, NULL);
    expect_one(f, "仕様書を確認", KY_NAME_PERSON, NULL);
    expect_one(f, "一部の氏名が文字化け", KY_NAME_PERSON, NULL);
    expect_one(f, "殿堂入り", KY_NAME_PERSON, NULL);
    expect_one(f, "ユーザー様の端末", KY_NAME_PERSON, NULL);
    expect_one(f, "ご担当者様", KY_NAME_PERSON, NULL);
    expect_one(f, "B社のSEさんが調査", KY_NAME_PERSON, NULL);
    expect_one(f, "A社様との契約", KY_NAME_PERSON, NULL);
    expect_one(f, "様々な原因", KY_NAME_PERSON, NULL);
    expect_one(f, "様式第3号", KY_NAME_PERSON, NULL);
    expect_one(f, "おばさん", KY_NAME_PERSON, NULL);
    expect_one(f, "会員様の情報", KY_NAME_PERSON, NULL);
}

/* ------------------------------------------------------------------------ */
/* Names list                                                                */
/* ------------------------------------------------------------------------ */

static void add(fixture *f, const char *name, ky_name_kind kind, const char *placeholder)
{
    assert_int_equal(ky_anonymizer_add_name(f->ctx, f->anonymizer, name, kind, placeholder), 0);
}

static void test_names__longest_match_first(void **state)
{
    fixture *f = *state;
    add(f, "アクメ", KY_NAME_COMPANY, NULL);
    add(f, "アクメ電機", KY_NAME_COMPANY, NULL);
    const char *text = "アクメ電機とアクメ";
    ky_name_match *matches = NULL;
    size_t count = 0;
    assert_int_equal(ky_anonymizer_scan(f->anonymizer, text, strlen(text), &matches, &count), 0);
    assert_int_equal(count, 2);
    assert_int_equal(matches[0].start, 0);
    assert_int_equal(matches[0].end, strlen("アクメ電機"));
    assert_int_equal(matches[1].start, strlen("アクメ電機と"));
    assert_int_equal(matches[1].end, strlen(text));
    assert_true(matches[0].listed);
    free(matches);
}

static void test_names__width_and_case_variants(void **state)
{
    fixture *f = *state;
    add(f, "Acme", KY_NAME_COMPANY, NULL);
    add(f, "アクメ", KY_NAME_PRODUCT, NULL);
    expect_one(f, "ＡＣＭＥのサーバ", KY_NAME_COMPANY, "ＡＣＭＥ");
    expect_one(f, "acme corp", KY_NAME_COMPANY, "acme");
    expect_one(f, "ｱｸﾒを導入", KY_NAME_PRODUCT, "ｱｸﾒ");
}

static void test_names__word_boundaries(void **state)
{
    fixture *f = *state;
    add(f, "Acme", KY_NAME_COMPANY, NULL);
    expect_one(f, "Acmeville", KY_NAME_COMPANY, NULL);
    expect_one(f, "NewAcme", KY_NAME_COMPANY, NULL);
    expect_one(f, "(Acme)", KY_NAME_COMPANY, "Acme");
    expect_one(f, "Acmeの", KY_NAME_COMPANY, "Acme");
}

static void test_names__suffixes_go_with_the_name(void **state)
{
    fixture *f = *state;
    add(f, "アクメ", KY_NAME_COMPANY, NULL);
    add(f, "田中", KY_NAME_PERSON, NULL);
    expect_one(f, "アクメ社の障害", KY_NAME_COMPANY, "アクメ社");
    expect_one(f, "田中さんが対応", KY_NAME_PERSON, "田中さん");
    expect_one(f, "田中が対応", KY_NAME_PERSON, "田中");
}

static void test_names__conflicting_rows_rejected(void **state)
{
    fixture *f = *state;
    add(f, "Acme", KY_NAME_COMPANY, NULL);
    add(f, "ACME", KY_NAME_COMPANY, NULL); /* the same name again is accepted */
    assert_int_equal(ky_anonymizer_add_name(f->ctx, f->anonymizer, "ａｃｍｅ", KY_NAME_PRODUCT,
                                            NULL),
                     KY_EINVAL);
    assert_int_equal(ky_anonymizer_add_name(f->ctx, f->anonymizer, "  ", KY_NAME_PERSON, NULL),
                     KY_EINVAL);
    assert_int_equal(ky_anonymizer_add_name(f->ctx, f->anonymizer, "x@example.com",
                                            KY_NAME_EMAIL, NULL),
                     KY_EINVAL);
}

/* Write `content` to a temporary file and return its path (caller frees). */
static char *write_temp(const char *content)
{
    char *path = strdup("/tmp/ky-anonymize-XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(content);
    assert_int_equal(write(fd, content, len), (ssize_t)len);
    close(fd);
    return path;
}

static void test_names_file__header_and_kinds(void **state)
{
    fixture *f = *state;
    char *path = write_temp("name,kind,placeholder\r\n"
                            "アクメ電機,会社,\r\n"
                            "\r\n"
                            "Widget 9,product,製品X\r\n"
                            "田中,person\r\n");
    assert_int_equal(ky_anonymizer_load_names(f->ctx, f->anonymizer, path), 0);
    expect_one(f, "Widget 9 を使う", KY_NAME_PRODUCT, "Widget 9");
    expect_one(f, "アクメ電機", KY_NAME_COMPANY, "アクメ電機");
    expect_one(f, "田中さん", KY_NAME_PERSON, "田中さん");
    unlink(path);
    free(path);
}

static void test_names_file__unknown_kind_located(void **state)
{
    fixture *f = *state;
    char *path = write_temp("アクメ,company\nWidget,gadget\n");
    assert_int_equal(ky_anonymizer_load_names(f->ctx, f->anonymizer, path), KY_EPARSE);
    const ky_error *error = ky_error_last(f->ctx);
    assert_non_null(error);
    assert_int_equal(error->loc.row, 2);
    assert_int_equal(error->loc.col, 2);
    assert_string_equal(error->loc.file, path);
    assert_non_null(strstr(error->message, "\"gadget\""));
    unlink(path);
    free(path);
}

static void test_names_file__empty_name_located(void **state)
{
    fixture *f = *state;
    char *path = write_temp("name,kind\n,company\n");
    assert_int_equal(ky_anonymizer_load_names(f->ctx, f->anonymizer, path), KY_EPARSE);
    const ky_error *error = ky_error_last(f->ctx);
    assert_int_equal(error->loc.row, 2);
    assert_int_equal(error->loc.col, 1);
    unlink(path);
    free(path);
}

static void test_names_file__conflict_located(void **state)
{
    fixture *f = *state;
    char *path = write_temp("アクメ,company\nｱｸﾒ,product\n");
    assert_int_equal(ky_anonymizer_load_names(f->ctx, f->anonymizer, path), KY_EPARSE);
    const ky_error *error = ky_error_last(f->ctx);
    assert_int_equal(error->loc.row, 2);
    assert_int_equal(error->loc.col, 1);
    assert_non_null(strstr(error->message, "'ｱｸﾒ' is listed twice"));
    unlink(path);
    free(path);
}

/* An empty file reaches the CSV reader with no buffer at all (found by fuzz_anonymize). */
static void test_names_file__empty_file(void **state)
{
    fixture *f = *state;
    char *path = write_temp("");
    assert_int_equal(ky_anonymizer_load_names(f->ctx, f->anonymizer, path), 0);
    expect_one(f, "アクメ電機の田中", KY_NAME_COMPANY, NULL);
    unlink(path);
    free(path);
}

static void test_names_file__missing(void **state)
{
    fixture *f = *state;
    assert_int_equal(ky_anonymizer_load_names(f->ctx, f->anonymizer, "/nonexistent/names.csv"),
                     KY_ENOTFOUND);
}

/* ------------------------------------------------------------------------ */
/* Books                                                                     */
/* ------------------------------------------------------------------------ */

static char *copy(const char *text)
{
    char *result = strdup(text);
    assert_non_null(result);
    return result;
}

/*
 * A book with two incidents, a risk and a lesson, on sheets whose reports
 * the origins point to. アクメ first appears in incident 1 and ベータ工業 in
 * incident 2. The guide's own A社 appears in the lesson.
 */
static ky_book *make_book(void)
{
    ky_book *book = ky_book_new();
    assert_non_null(book);
    book->title = copy("アクメ障害一覧");
    book->sheet_count = 2;
    book->sheets = calloc(2, sizeof *book->sheets);
    book->sheets[0].file = copy("/data/アクメ.xlsx");
    book->sheets[0].sheet = copy("障害一覧");
    book->sheets[0].column_count = 1;
    book->sheets[0].columns = calloc(1, sizeof *book->sheets[0].columns);
    book->sheets[0].columns[0].header = copy("田中さんのメモ");
    book->sheets[1].file = book->sheets[0].file ? copy("/data/アクメ.xlsx") : NULL;
    book->sheets[1].sheet = copy("教訓");

    book->incident_count = 2;
    book->incidents = calloc(2, sizeof *book->incidents);
    book->incidents[0].summary = copy("アクメのLBが停止。田中さんが再起動");
    book->incidents[0].origin = (ky_origin){book->sheets[0].file, book->sheets[0].sheet, 2};
    book->incidents[0].extras.count = 1;
    book->incidents[0].extras.items = calloc(1, sizeof(ky_extra));
    book->incidents[0].extras.items[0].header = copy("田中さんのメモ");
    book->incidents[0].extras.items[0].value = copy("連絡先 tanaka@acme.example.jp");
    book->incidents[1].summary = copy("ベータ工業からアクメへ問い合わせ (+81 3-1234-5678)");
    book->incidents[1].system = copy("03-1234-5678 の回線");
    book->incidents[1].origin = (ky_origin){book->sheets[0].file, book->sheets[0].sheet, 3};

    book->risk_count = 1;
    book->risks = calloc(1, sizeof *book->risks);
    book->risks[0].content = copy("ベータ工業の保守切れ");
    book->risks[0].origin = (ky_origin){book->sheets[0].file, book->sheets[0].sheet, 4};

    book->lesson_count = 1;
    book->lessons = calloc(1, sizeof *book->lessons);
    book->lessons[0].id = copy("G7");
    book->lessons[0].title = copy("A社とアクメの役割を明確にすべし");
    book->lessons[0].root_causes.count = 1;
    book->lessons[0].root_causes.items = calloc(1, sizeof(char *));
    book->lessons[0].root_causes.items[0] = copy("田中さんとベータ工業の連携不足");
    book->lessons[0].classification.keywords.count = 1;
    book->lessons[0].classification.keywords.items = calloc(1, sizeof(char *));
    book->lessons[0].classification.keywords.items[0] = copy("アクメ");
    book->lessons[0].origin = (ky_origin){book->sheets[1].file, book->sheets[1].sheet, 2};
    return book;
}

static void add_companies(fixture *f)
{
    add(f, "アクメ", KY_NAME_COMPANY, NULL);
    add(f, "ベータ工業", KY_NAME_COMPANY, NULL);
}

static void test_book__placeholders_consistent_across_records(void **state)
{
    fixture *f = *state;
    add_companies(f);
    ky_book *book = make_book();
    assert_int_equal(ky_anonymize_book(f->ctx, f->anonymizer, book), 0);

    /* A社 is the guide's own and stays. アクメ gets B社, and ベータ工業 C社. */
    assert_string_equal(book->incidents[0].summary, "B社のLBが停止。田中さんが再起動");
    assert_string_equal(book->incidents[1].summary,
                        "C社からB社へ問い合わせ (+81 3-1234-5678)");
    assert_string_equal(book->risks[0].content, "C社の保守切れ");
    assert_string_equal(book->lessons[0].title, "A社とB社の役割を明確にすべし");
    assert_string_equal(book->lessons[0].root_causes.items[0], "田中さんとC社の連携不足");
    assert_string_equal(book->lessons[0].classification.keywords.items[0], "B社");
    assert_string_equal(book->incidents[0].extras.items[0].value, "連絡先 tanaka@acme.example.jp");
    assert_string_equal(book->title, "B社障害一覧");
    ky_book_free(book);
}

static void test_book__sheet_reports_and_origins(void **state)
{
    fixture *f = *state;
    add_companies(f);
    ky_book *book = make_book();
    assert_int_equal(ky_anonymize_book(f->ctx, f->anonymizer, book), 0);

    assert_string_equal(book->sheets[0].file, "/data/B社.xlsx");
    assert_string_equal(book->sheets[1].file, "/data/B社.xlsx");
    /* Each origin points to its own report's new string, not to a freed one. */
    assert_ptr_equal(book->incidents[0].origin.file, book->sheets[0].file);
    assert_ptr_equal(book->incidents[1].origin.sheet, book->sheets[0].sheet);
    assert_ptr_equal(book->risks[0].origin.file, book->sheets[0].file);
    assert_ptr_equal(book->lessons[0].origin.file, book->sheets[1].file);
    assert_ptr_equal(book->lessons[0].origin.sheet, book->sheets[1].sheet);
    ky_book_free(book);
}

static void test_book__detected_names_and_numbers(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book();
    assert_int_equal(ky_anonymize_book(f->ctx, f->anonymizer, book), 0);

    /* 田中さん appears first in incident 1. Both forms of the number are one number. */
    assert_string_equal(book->incidents[0].summary, "アクメのLBが停止。担当者Aが再起動");
    assert_string_equal(book->incidents[0].extras.items[0].header, "担当者Aのメモ");
    assert_string_equal(book->incidents[0].extras.items[0].value, "連絡先 メールアドレスA");
    assert_string_equal(book->incidents[1].summary, "ベータ工業からアクメへ問い合わせ (電話番号A)");
    assert_string_equal(book->incidents[1].system, "電話番号A の回線");
    assert_string_equal(book->lessons[0].root_causes.items[0], "担当者Aとベータ工業の連携不足");
    assert_string_equal(book->sheets[0].columns[0].header, "担当者Aのメモ");
    ky_book_free(book);
}

static void test_book__listed_placeholder_kept_and_skipped(void **state)
{
    fixture *f = *state;
    add(f, "アクメ", KY_NAME_COMPANY, NULL);
    add(f, "ベータ工業", KY_NAME_COMPANY, "B社");
    ky_book *book = make_book();
    assert_int_equal(ky_anonymize_book(f->ctx, f->anonymizer, book), 0);
    /* A社 is in the book and B社 is the list's, so アクメ gets C社. */
    assert_string_equal(book->incidents[1].summary,
                        "B社からC社へ問い合わせ (+81 3-1234-5678)");
    ky_book_free(book);
}

static void test_book__english_placeholders(void **state)
{
    fixture *f = *state;
    add_companies(f);
    add(f, "田中", KY_NAME_PERSON, NULL);
    ky_book *book = make_book();
    assert_int_equal(ky_anonymize_book(f->ctx, f->anonymizer, book), 0);
    assert_string_equal(book->incidents[0].summary, "Company AのLBが停止。Person Aが再起動");
    assert_string_equal(book->lessons[0].title, "A社とCompany Aの役割を明確にすべし");
    ky_book_free(book);
}

/* Read a whole file into a new string. */
static char *read_all(const char *path)
{
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    char *data = calloc(1, 65536);
    assert_non_null(data);
    size_t n = fread(data, 1, 65535, file);
    data[n] = '\0';
    fclose(file);
    return data;
}

static void test_map__rows_per_book_in_order(void **state)
{
    fixture *f = *state;
    add_companies(f);
    assert_int_equal(ky_anonymizer_keep_map(f->ctx, f->anonymizer), 0);
    ky_book *book = make_book();
    assert_int_equal(ky_anonymize_book(f->ctx, f->anonymizer, book), 0);
    /* A second book, whose title sorts first, gets its own placeholders. */
    ky_book *second = ky_book_new();
    assert_non_null(second);
    second->title = copy("2024年分");
    second->incident_count = 1;
    second->incidents = calloc(1, sizeof *second->incidents);
    second->incidents[0].summary = copy("ベータ工業のDBが停止");
    assert_int_equal(ky_anonymize_book(f->ctx, f->anonymizer, second), 0);
    assert_string_equal(second->incidents[0].summary, "A社のDBが停止");
    char path[] = "/tmp/ky-map-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(ky_anonymizer_write_map(f->ctx, f->anonymizer, path), 0);
    char *map = read_all(path);
    assert_string_equal(map, "book,kind,name,placeholder,occurrences\r\n"
                             "2024年分,company,ベータ工業,A社,1\r\n"
                             "アクメ障害一覧,company,アクメ,B社,7\r\n"
                             "アクメ障害一覧,company,ベータ工業,C社,3\r\n");
    free(map);
    unlink(path);
    ky_book_free(book);
    ky_book_free(second);
}

static void test_book__events_and_why_nodes(void **state)
{
    fixture *f = *state;
    add_companies(f);
    ky_book *book = ky_book_new();
    assert_non_null(book);
    book->event_count = 1;
    book->events = calloc(1, sizeof *book->events);
    book->events[0].time_text = copy("朝４時");
    book->events[0].actor_group = copy("アクメ");
    book->events[0].actor = copy("アクメ 情シス部門");
    book->events[0].text = copy("ベータ工業に連絡");
    book->why_count = 1;
    book->why_nodes = calloc(1, sizeof *book->why_nodes);
    book->why_nodes[0].text = copy("アクメのパッチ未適用");
    book->why_nodes[0].countermeasures.count = 1;
    book->why_nodes[0].countermeasures.items = calloc(1, sizeof(char *));
    book->why_nodes[0].countermeasures.items[0] = copy("ベータ工業と確認周期を決める");
    book->lesson_count = 1;
    book->lessons = calloc(1, sizeof *book->lessons);
    book->lessons[0].classification.provenance[KY_AXIS_KEYWORDS].evidence = copy("アクメ");

    assert_int_equal(ky_anonymize_book(f->ctx, f->anonymizer, book), 0);
    assert_string_equal(book->events[0].actor_group, "A社");
    assert_string_equal(book->events[0].actor, "A社 情シス部門");
    assert_string_equal(book->events[0].text, "B社に連絡");
    assert_string_equal(book->why_nodes[0].text, "A社のパッチ未適用");
    assert_string_equal(book->why_nodes[0].countermeasures.items[0], "B社と確認周期を決める");
    assert_string_equal(book->lessons[0].classification.provenance[KY_AXIS_KEYWORDS].evidence,
                        "A社");
    ky_book_free(book);
}

static void test_map__not_kept_rejected(void **state)
{
    fixture *f = *state;
    assert_int_equal(ky_anonymizer_write_map(f->ctx, f->anonymizer, "/tmp/ky-map-unused.csv"),
                     KY_EINVAL);
    assert_int_equal(access("/tmp/ky-map-unused.csv", F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_detect_email__forms, setup_detect, teardown),
        cmocka_unit_test_setup_teardown(test_detect_email__near_misses, setup_detect, teardown),
        cmocka_unit_test_setup_teardown(test_detect_phone__forms, setup_detect, teardown),
        cmocka_unit_test_setup_teardown(test_detect_phone__dates_times_amounts, setup_detect,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_detect_ipv4__forms, setup_detect, teardown),
        cmocka_unit_test_setup_teardown(test_detect_ipv4__versions_and_dates, setup_detect,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_detect_ipv6__forms, setup_detect, teardown),
        cmocka_unit_test_setup_teardown(test_detect_ipv6__times_and_code, setup_detect,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_detect_person__honorifics, setup_detect, teardown),
        cmocka_unit_test_setup_teardown(test_detect_person__words_that_are_not_names,
                                        setup_detect, teardown),
        cmocka_unit_test_setup_teardown(test_names__longest_match_first, setup_list, teardown),
        cmocka_unit_test_setup_teardown(test_names__width_and_case_variants, setup_list,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_names__word_boundaries, setup_list, teardown),
        cmocka_unit_test_setup_teardown(test_names__suffixes_go_with_the_name, setup_list,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_names__conflicting_rows_rejected, setup_list,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_names_file__header_and_kinds, setup_list, teardown),
        cmocka_unit_test_setup_teardown(test_names_file__unknown_kind_located, setup_list,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_names_file__empty_name_located, setup_list,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_names_file__conflict_located, setup_list,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_names_file__empty_file, setup_list, teardown),
        cmocka_unit_test_setup_teardown(test_names_file__missing, setup_list, teardown),
        cmocka_unit_test_setup_teardown(test_book__placeholders_consistent_across_records,
                                        setup_list, teardown),
        cmocka_unit_test_setup_teardown(test_book__sheet_reports_and_origins, setup_list,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_book__detected_names_and_numbers, setup_detect,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_book__listed_placeholder_kept_and_skipped,
                                        setup_list, teardown),
        cmocka_unit_test_setup_teardown(test_book__english_placeholders, setup_list_en,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_map__rows_per_book_in_order, setup_list, teardown),
        cmocka_unit_test_setup_teardown(test_book__events_and_why_nodes, setup_list, teardown),
        cmocka_unit_test_setup_teardown(test_map__not_kept_rejected, setup_list, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
