/* SPDX-License-Identifier: MIT */
/* Tests for ky_validate_book(): one flawed lesson or risk per rule, built by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "kyokun/anonymize.h"
#include "kyokun/book.h"
#include "kyokun/diag.h"
#include "kyokun/validate.h"

#define LESSON_CAPACITY 8
#define RISK_CAPACITY 4

typedef struct fixture {
    ky_ctx *ctx;
    ky_book *book;
    ky_findings *findings;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->ctx = ky_ctx_new();
    f->book = ky_book_new();
    assert_non_null(f->ctx);
    assert_non_null(f->book);
    f->book->lessons = calloc(LESSON_CAPACITY, sizeof *f->book->lessons);
    f->book->risks = calloc(RISK_CAPACITY, sizeof *f->book->risks);
    assert_non_null(f->book->lessons);
    assert_non_null(f->book->risks);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ky_findings_free(f->findings);
    ky_book_free(f->book);
    ky_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Replace a list with the given items (NULL-terminated), copied. */
static void set_list(ky_strlist *list, ...)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = 0;

    va_list args;
    va_start(args, list);
    for (const char *item = va_arg(args, const char *); item; item = va_arg(args, const char *)) {
        list->items = realloc(list->items, (list->count + 1) * sizeof *list->items);
        assert_non_null(list->items);
        list->items[list->count++] = strdup(item);
    }
    va_end(args);
}

static void set_text(char **field, const char *text)
{
    free(*field);
    *field = text ? strdup(text) : NULL;
}

/* Add a lesson that breaks no rule, in row 2, 3, ... of sheet 教訓 of lessons.xlsx. */
static ky_lesson *add_clean_lesson(fixture *f, const char *id)
{
    assert_true(f->book->lesson_count < LESSON_CAPACITY);
    ky_lesson *lesson = &f->book->lessons[f->book->lesson_count];
    lesson->origin = (ky_origin){.file = "lessons.xlsx", .sheet = "教訓",
                                 .row = (uint32_t)(2 + f->book->lesson_count)};
    f->book->lesson_count++;
    set_text(&lesson->id, id);
    set_text(&lesson->title, "構成機器の修正情報を２週間ごとに確認すべし");
    set_text(&lesson->problem, "負荷分散装置の障害でオンラインサービスが丸一日停止した。");
    set_list(&lesson->direct_causes, "既知の不具合でメモリ資源が枯渇した。", NULL);
    set_list(&lesson->root_causes, "修正情報の確認周期が３ヶ月に１回と粗かった。", NULL);
    set_list(&lesson->recurrence, "修正情報の確認周期を２週間に１回に変更する。", NULL);
    set_list(&lesson->preventive, "構成機器ごとに修正情報の入手元と担当者を決める。", NULL);
    return lesson;
}

static ky_risk *add_risk(fixture *f, const char *no, int a, int b, int c_typed)
{
    assert_true(f->book->risk_count < RISK_CAPACITY);
    ky_risk *risk = &f->book->risks[f->book->risk_count];
    risk->origin = (ky_origin){.file = "lessons.xlsx", .sheet = "リスク管理表",
                               .row = (uint32_t)(3 + f->book->risk_count)};
    f->book->risk_count++;
    set_text(&risk->no, no);
    set_text(&risk->content, "負荷分散装置の障害");
    risk->a = a;
    risk->b = b;
    risk->c = a * b;
    risk->c_typed = c_typed;
    return risk;
}

/* Run the rules with `options` (NULL for the defaults); the findings stay in the fixture. */
static const ky_findings *validate(fixture *f, const ky_validate_options *options)
{
    ky_findings_free(f->findings);
    f->findings = NULL;
    assert_int_equal(ky_validate_book(f->ctx, f->book, options, &f->findings), 0);
    assert_non_null(f->findings);
    return f->findings;
}

/* Check that every finding has rule `rule`, and that there are `count` of them. */
static void assert_only_rule(const ky_findings *findings, const char *rule, size_t count)
{
    for (size_t i = 0; i < findings->count; i++)
        assert_string_equal(findings->items[i].rule, rule);
    assert_int_equal(findings->count, count);
}

/* A title made of `count` copies of the character 整, which is 3 bytes of UTF-8. */
static char *repeated_title(size_t count)
{
    char *title = malloc(count * 3 + 1);
    assert_non_null(title);
    for (size_t i = 0; i < count; i++)
        memcpy(title + i * 3, "整", 3);
    title[count * 3] = '\0';
    return title;
}

/* ------------------------------------------------------------------------ */

static void test_clean_lesson__no_findings(void **state)
{
    fixture *f = *state;
    add_clean_lesson(f, "G7");
    add_clean_lesson(f, "T16");
    add_risk(f, "1", 3, 2, 6);
    const ky_findings *findings = validate(f, NULL);
    assert_int_equal(findings->count, 0);
    assert_int_equal(findings->errors, 0);
    assert_int_equal(findings->warnings, 0);
}

static void test_empty_book__no_findings(void **state)
{
    fixture *f = *state;
    const ky_findings *findings = validate(f, NULL);
    assert_int_equal(findings->count, 0);
    assert_null(findings->items);
}

static void test_rules__ids_and_severities(void **state)
{
    (void)state;
    static const struct {
        const char *id;
        ky_severity severity;
    } expected[] = {
        {"lesson.id-missing", KY_SEV_ERROR},
        {"lesson.id-duplicate", KY_SEV_ERROR},
        {"lesson.title-missing", KY_SEV_ERROR},
        {"lesson.title-too-long", KY_SEV_WARNING},
        {"lesson.title-negative", KY_SEV_WARNING},
        {"lesson.problem-equals-cause", KY_SEV_ERROR},
        {"lesson.direct-cause-missing", KY_SEV_ERROR},
        {"lesson.root-cause-missing", KY_SEV_ERROR},
        {"lesson.measures-incomplete", KY_SEV_WARNING},
        {"lesson.root-cause-blames-person", KY_SEV_WARNING},
        {"risk.c-mismatch", KY_SEV_ERROR},
        {"privacy.email", KY_SEV_WARNING},
        {"privacy.phone", KY_SEV_WARNING},
        {"privacy.ip-address", KY_SEV_WARNING},
        {"privacy.person-name", KY_SEV_WARNING},
        {"privacy.listed-name", KY_SEV_WARNING},
    };
    size_t count = 0;
    const ky_validate_rule *rules = ky_validate_rules(&count);
    assert_int_equal(count, sizeof expected / sizeof expected[0]);
    for (size_t i = 0; i < count; i++) {
        assert_string_equal(rules[i].id, expected[i].id);
        assert_int_equal(rules[i].severity, expected[i].severity);
        assert_non_null(rules[i].fix);
        assert_true(strlen(rules[i].fix) > 0);
    }
}

static void test_id_missing__reported_on_record(void **state)
{
    fixture *f = *state;
    add_clean_lesson(f, NULL);
    const ky_findings *findings = validate(f, NULL);
    assert_only_rule(findings, "lesson.id-missing", 1);

    const ky_finding *finding = &findings->items[0];
    assert_int_equal(finding->severity, KY_SEV_ERROR);
    assert_string_equal(finding->file, "lessons.xlsx");
    assert_string_equal(finding->sheet, "教訓");
    assert_int_equal(finding->row, 2);
    /* The hand-made book has no sheet report, so no column is known. */
    assert_int_equal(finding->col, 0);
    assert_null(finding->record_id);
    assert_non_null(finding->message);
    assert_non_null(finding->fix);
    assert_int_equal(findings->errors, 1);
    assert_int_equal(findings->warnings, 0);
}

static void test_id_missing__blank_id(void **state)
{
    fixture *f = *state;
    add_clean_lesson(f, " \t\u3000");
    assert_only_rule(validate(f, NULL), "lesson.id-missing", 1);
}

static void test_id_duplicate__second_reported(void **state)
{
    fixture *f = *state;
    add_clean_lesson(f, "G7");
    add_clean_lesson(f, "G8");
    add_clean_lesson(f, " G7 ");
    const ky_findings *findings = validate(f, NULL);
    assert_only_rule(findings, "lesson.id-duplicate", 1);
    assert_int_equal(findings->items[0].row, 4);
    assert_string_equal(findings->items[0].record_id, "G7");
    assert_non_null(strstr(findings->items[0].message, "row 2"));
}

static void test_title_missing__reported(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    set_text(&lesson->title, NULL);
    const ky_findings *findings = validate(f, NULL);
    assert_only_rule(findings, "lesson.title-missing", 1);
    assert_string_equal(findings->items[0].record_id, "G7");
}

static void test_title_length__40_characters_allowed(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    free(lesson->title);
    lesson->title = repeated_title(40);
    assert_int_equal(validate(f, NULL)->count, 0);
}

static void test_title_length__41_characters_warned(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    free(lesson->title);
    lesson->title = repeated_title(41);
    const ky_findings *findings = validate(f, NULL);
    assert_only_rule(findings, "lesson.title-too-long", 1);
    assert_int_equal(findings->items[0].severity, KY_SEV_WARNING);
    assert_non_null(strstr(findings->items[0].message, "41"));
    assert_non_null(strstr(findings->items[0].message, "40"));
}

static void test_title_length__surrounding_space_not_counted(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    char *title = repeated_title(40);
    size_t len = strlen(title);
    lesson->title = realloc(lesson->title, len + 8);
    memcpy(lesson->title, "\u3000", 3);
    memcpy(lesson->title + 3, title, len);
    memcpy(lesson->title + 3 + len, " \n", 3);
    free(title);
    assert_int_equal(validate(f, NULL)->count, 0);
}

static void test_title_length__option_changes_maximum(void **state)
{
    fixture *f = *state;
    add_clean_lesson(f, "G7"); /* The clean title has 21 characters. */
    ky_validate_options options;
    ky_validate_options_init(&options);
    assert_int_equal(options.title_max, 40);
    assert_int_equal(options.title_max_words, 12);

    options.title_max = 20;
    assert_only_rule(validate(f, &options), "lesson.title-too-long", 1);
    options.title_max = 21;
    assert_int_equal(validate(f, &options)->count, 0);
    options.title_max = 0;
    assert_int_equal(validate(f, &options)->count, 0);
}

/* Run the rules on one clean lesson with `title` and return the findings. */
static const ky_findings *validate_title(fixture *f, const char *title,
                                         const ky_validate_options *options)
{
    f->book->lesson_count = 0;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    set_text(&lesson->title, title);
    return validate(f, options);
}

static void test_title_length__english_counts_words(void **state)
{
    fixture *f = *state;
    /* 12 words in 89 characters: more than 40 characters, but not too long. */
    const char *twelve = "Check fix information for all components, including other vendors' "
                         "products, at intervals";
    assert_int_equal(validate_title(f, twelve, NULL)->count, 0);

    const char *thirteen = "Check fix information for all components, including other "
                           "vendors' products, at short intervals";
    const ky_findings *findings = validate_title(f, thirteen, NULL);
    assert_only_rule(findings, "lesson.title-too-long", 1);
    assert_non_null(strstr(findings->items[0].message, "13 words"));
    assert_non_null(strstr(findings->items[0].message, "12"));
}

static void test_title_length__dashes_not_words(void **state)
{
    fixture *f = *state;
    /* 12 words and two lone dashes, which are not words. */
    const char *title = "Share failure information - quickly - between the provider and all of "
                        "its users";
    assert_int_equal(validate_title(f, title, NULL)->count, 0);
}

static void test_title_length__words_option(void **state)
{
    fixture *f = *state;
    ky_validate_options options;
    ky_validate_options_init(&options);
    const char *title = "Restart network equipment regularly";

    options.title_max_words = 3;
    assert_only_rule(validate_title(f, title, &options), "lesson.title-too-long", 1);
    options.title_max_words = 4;
    assert_int_equal(validate_title(f, title, &options)->count, 0);
    options.title_max_words = 0;
    options.title_max = 1;
    assert_int_equal(validate_title(f, title, &options)->count, 0);
}

static void test_title_length__japanese_with_ascii_counts_characters(void **state)
{
    fixture *f = *state;
    ky_validate_options options;
    ky_validate_options_init(&options);
    /* 3 ASCII letters and 21 other letters: counted in characters (25 with the space). */
    const char *title = "AWS の障害時に利用者と連絡できる体制を整備する";

    options.title_max = 24;
    const ky_findings *findings = validate_title(f, title, &options);
    assert_only_rule(findings, "lesson.title-too-long", 1);
    assert_non_null(strstr(findings->items[0].message, "25 characters"));
    options.title_max = 25;
    assert_int_equal(validate_title(f, title, &options)->count, 0);
}

static void test_title_negative__japanese_endings(void **state)
{
    fixture *f = *state;
    static const char *const titles[] = {
        "パッチの適用を後回しにしない",
        "障害時の連絡を後回しにするな。",
        "確認なしに再起動しないこと！",
        "ベンダ任せにしません",
        "本番環境で試すべからず",
        "手順書のない作業は禁止",
        "手順書のない作業は禁止。！ ",
        "再鑑を怠らない",
        "切替手順の確認を忘れない。",
        "同じ障害を再発させない",
        "本番環境で直接作業してはならない",
        "手順書なしで作業してはいけない",
        "承認なしに変更できない",
    };
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        f->book->lesson_count = 0;
        ky_lesson *lesson = &f->book->lessons[0];
        add_clean_lesson(f, "G7");
        set_text(&lesson->title, titles[i]);
        const ky_findings *findings = validate(f, NULL);
        assert_only_rule(findings, "lesson.title-negative", 1);
        assert_int_equal(findings->items[0].severity, KY_SEV_WARNING);
    }
}

static void test_title_negative__message_quotes_ending(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *title;
        const char *quoted;
    } cases[] = {
        {"再鑑を怠らない", "'怠らない'"},
        {"切替手順の確認を忘れない", "'忘れない'"},
        {"同じ障害を再発させない", "'させない'"},
        {"本番環境で直接作業してはならない", "'ない'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ky_findings *findings = validate_title(f, cases[i].title, NULL);
        assert_only_rule(findings, "lesson.title-negative", 1);
        assert_non_null(strstr(findings->items[0].message, cases[i].quoted));
    }
}

static void test_title_negative__obligations_pass(void **state)
{
    fixture *f = *state;
    static const char *const titles[] = {
        "修正情報を確認しなければならない",
        "二人で確認しなくてはならない。",
        "切替手順を訓練せねばならない",
        "手順書を作らなければいけない",
        "手順書を作らなければなりません",
        "確認しなければならないこと",
        "定期的なバックアップが欠かせない",
    };
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
        assert_int_equal(validate_title(f, titles[i], NULL)->count, 0);
}

static void test_title_negative__english_openings(void **state)
{
    fixture *f = *state;
    static const char *const titles[] = {
        "Don't restart shared devices",
        "don\u2019t restart shared devices",
        "DO NOT skip the patch review",
        "Never leave the vendor alone",
        "  Avoid manual fixes",
        "avoid",
    };
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        f->book->lesson_count = 0;
        ky_lesson *lesson = &f->book->lessons[0];
        add_clean_lesson(f, "G7");
        set_text(&lesson->title, titles[i]);
        assert_only_rule(validate(f, NULL), "lesson.title-negative", 1);
    }
}

static void test_title_negative__positive_forms_pass(void **state)
{
    fixture *f = *state;
    static const char *const titles[] = {
        "障害を再発させないよう連絡体制を整備する",
        "禁止事項を手順書に明記すべし",
        "Avoidance plans for shared use",
        "Document what never to restart",
        "Neverland checks",
    };
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        f->book->lesson_count = 0;
        ky_lesson *lesson = &f->book->lessons[0];
        add_clean_lesson(f, "G7");
        set_text(&lesson->title, titles[i]);
        assert_int_equal(validate(f, NULL)->count, 0);
    }
}

static void test_problem_equals_cause__direct_cause(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    set_text(&lesson->problem, "  負荷分散装置が停止した\n");
    set_list(&lesson->direct_causes, "負荷分散装置が停止した", NULL);
    const ky_findings *findings = validate(f, NULL);
    assert_only_rule(findings, "lesson.problem-equals-cause", 1);
    assert_int_equal(findings->items[0].severity, KY_SEV_ERROR);
}

static void test_problem_equals_cause__root_cause(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    set_list(&lesson->root_causes, "体制が決まっていなかった。",
             "負荷分散装置の障害でオンラインサービスが丸一日停止した。", NULL);
    assert_only_rule(validate(f, NULL), "lesson.problem-equals-cause", 1);
}

static void test_direct_cause_missing__reported(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    set_list(&lesson->direct_causes, " ", NULL);
    assert_only_rule(validate(f, NULL), "lesson.direct-cause-missing", 1);
}

static void test_root_cause_missing__reported(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    set_list(&lesson->root_causes, NULL);
    assert_only_rule(validate(f, NULL), "lesson.root-cause-missing", 1);
}

static void test_measures_incomplete__preventive_missing(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    set_list(&lesson->preventive, NULL);
    const ky_findings *findings = validate(f, NULL);
    assert_only_rule(findings, "lesson.measures-incomplete", 1);
    assert_int_equal(findings->items[0].severity, KY_SEV_WARNING);
    assert_non_null(strstr(findings->items[0].message, "preventive"));
}

static void test_measures_incomplete__both_missing(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    set_list(&lesson->recurrence, NULL);
    set_list(&lesson->preventive, "", NULL);
    const ky_findings *findings = validate(f, NULL);
    assert_only_rule(findings, "lesson.measures-incomplete", 2);
    assert_non_null(strstr(findings->items[0].message, "recurrence"));
    assert_non_null(strstr(findings->items[1].message, "preventive"));
}

static void test_measures_incomplete__not_applicable_accepted(void **state)
{
    fixture *f = *state;
    static const char *const markers[] = {"該当なし", "なし", "N/A", "n/a", " Ｎ／Ａ ", "-", "－"};
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
        f->book->lesson_count = 0;
        ky_lesson *lesson = &f->book->lessons[0];
        add_clean_lesson(f, "G7");
        set_list(&lesson->preventive, markers[i], NULL);
        assert_int_equal(validate(f, NULL)->count, 0);
    }
}

static void test_measures_incomplete__two_markers_warned(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    set_list(&lesson->recurrence, "N/A", "なし", NULL);
    assert_only_rule(validate(f, NULL), "lesson.measures-incomplete", 1);
}

static void test_root_cause_blames_person__short_phrases(void **state)
{
    fixture *f = *state;
    static const char *const causes[] = {
        "担当者のミス", "人為ミス。", "ヒューマンエラー", "確認不足", "（確認不足）",
        "Human error.", "operator error", "Carelessness", "担当者のミス・確認不足",
        "作業者の不注意", "作業者の不注意。", "オペレーターのミス", "担当者の確認不足",
        "運用担当者の注意不足", "不注意による操作ミス", "作業員の確認漏れ",
    };
    for (size_t i = 0; i < sizeof causes / sizeof causes[0]; i++) {
        f->book->lesson_count = 0;
        ky_lesson *lesson = &f->book->lessons[0];
        add_clean_lesson(f, "G7");
        set_list(&lesson->root_causes, causes[i], NULL);
        const ky_findings *findings = validate(f, NULL);
        assert_only_rule(findings, "lesson.root-cause-blames-person", 1);
        assert_int_equal(findings->items[0].severity, KY_SEV_WARNING);
    }
}

static void test_root_cause_blames_person__deeper_causes_pass(void **state)
{
    fixture *f = *state;
    static const char *const causes[] = {
        /* The text names more than the person. */
        "確認不足を防ぐ手順がなかった",
        "human error in an untested script",
        "作業者の教育計画がなかった",
        "設定値のミスマッチ",
        /* A person noun without a blame phrase after it. */
        "作業者の",
        "担当者",
        /* による only joins two phrases. */
        "不注意による",
        /* 25 characters of blame phrases: longer than the 20-character limit. */
        "ヒューマンエラー、担当者のミス、確認不足、人為ミス",
    };
    for (size_t i = 0; i < sizeof causes / sizeof causes[0]; i++) {
        f->book->lesson_count = 0;
        ky_lesson *lesson = &f->book->lessons[0];
        add_clean_lesson(f, "G7");
        set_list(&lesson->root_causes, causes[i], NULL);
        assert_int_equal(validate(f, NULL)->count, 0);
    }
}

static void test_root_cause_blames_person__each_item_checked(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    set_list(&lesson->root_causes, "体制が決まっていなかった。", "担当者のミス", NULL);
    const ky_findings *findings = validate(f, NULL);
    assert_only_rule(findings, "lesson.root-cause-blames-person", 1);
    assert_non_null(strstr(findings->items[0].message, "担当者のミス"));
}

static void test_risk_c_mismatch__reported(void **state)
{
    fixture *f = *state;
    add_risk(f, "3", 2, 3, 5);
    const ky_findings *findings = validate(f, NULL);
    assert_only_rule(findings, "risk.c-mismatch", 1);

    const ky_finding *finding = &findings->items[0];
    assert_int_equal(finding->severity, KY_SEV_ERROR);
    assert_string_equal(finding->sheet, "リスク管理表");
    assert_int_equal(finding->row, 3);
    assert_string_equal(finding->record_id, "3");
    assert_non_null(strstr(finding->message, "2 x 3 = 6"));
}

static void test_risk_c_mismatch__unknown_values_pass(void **state)
{
    fixture *f = *state;
    add_risk(f, "1", 2, 3, 0); /* No C on the sheet. */
    add_risk(f, "2", 0, 3, 4); /* A unknown, so A x B is unknown. */
    add_risk(f, "3", 1, 1, 1);
    assert_int_equal(validate(f, NULL)->count, 0);
}

static void test_findings__outlive_book(void **state)
{
    fixture *f = *state;
    add_clean_lesson(f, NULL);
    ky_lesson *lesson = add_clean_lesson(f, "T16");
    set_list(&lesson->preventive, NULL);
    validate(f, NULL);
    ky_book_free(f->book);
    f->book = NULL;

    assert_int_equal(f->findings->count, 2);
    assert_string_equal(f->findings->items[0].rule, "lesson.id-missing");
    assert_string_equal(f->findings->items[1].rule, "lesson.measures-incomplete");
    assert_string_equal(f->findings->items[1].record_id, "T16");
    assert_string_equal(f->findings->items[1].file, "lessons.xlsx");
    assert_int_equal(f->findings->errors, 1);
    assert_int_equal(f->findings->warnings, 1);
}

static void test_findings__column_from_sheet_report(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    set_text(&lesson->title, NULL);
    set_list(&lesson->root_causes, NULL);

    /* A sheet report that maps column B to the title; the root causes have no column. */
    f->book->sheets = calloc(1, sizeof *f->book->sheets);
    assert_non_null(f->book->sheets);
    f->book->sheet_count = 1;
    ky_sheet_report *sheet = &f->book->sheets[0];
    sheet->file = strdup("lessons.xlsx");
    sheet->sheet = strdup("教訓");
    sheet->kind = KY_TABLE_LESSONS;
    sheet->columns = calloc(1, sizeof *sheet->columns);
    assert_non_null(sheet->columns);
    sheet->column_count = 1;
    sheet->columns[0] = (ky_column_map){.col = 1, .header = strdup("教訓概要"), .field = "title"};

    const ky_findings *findings = validate(f, NULL);
    assert_int_equal(findings->count, 2);
    assert_string_equal(findings->items[0].rule, "lesson.title-missing");
    assert_int_equal(findings->items[0].col, 2);
    assert_string_equal(findings->items[1].rule, "lesson.root-cause-missing");
    assert_int_equal(findings->items[1].col, 0);
}

/* A lesson sheet report mapping column C to the problem, with an unmapped column F "連絡先". */
static void add_lesson_sheet_report(fixture *f)
{
    f->book->sheets = calloc(1, sizeof *f->book->sheets);
    assert_non_null(f->book->sheets);
    f->book->sheet_count = 1;
    ky_sheet_report *sheet = &f->book->sheets[0];
    sheet->file = strdup("lessons.xlsx");
    sheet->sheet = strdup("教訓");
    sheet->kind = KY_TABLE_LESSONS;
    sheet->header_row = 1;
    sheet->columns = calloc(2, sizeof *sheet->columns);
    assert_non_null(sheet->columns);
    sheet->column_count = 2;
    sheet->columns[0] = (ky_column_map){.col = 2, .header = strdup("問題"), .field = "problem"};
    sheet->columns[1] = (ky_column_map){.col = 5, .header = strdup("連絡先"), .field = NULL};
}

static void test_privacy__detections_located(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    set_text(&lesson->problem, "田中さんが負荷分散装置を再起動した。");
    lesson->extras.items = calloc(1, sizeof *lesson->extras.items);
    assert_non_null(lesson->extras.items);
    lesson->extras.count = 1;
    lesson->extras.items[0].header = strdup("連絡先");
    lesson->extras.items[0].value = strdup("tanaka@example.co.jp / 090-1234-5678");
    add_lesson_sheet_report(f);

    const ky_findings *findings = validate(f, NULL);
    assert_int_equal(findings->count, 3);
    assert_int_equal(findings->warnings, 3);
    assert_string_equal(findings->items[0].rule, "privacy.person-name");
    assert_int_equal(findings->items[0].col, 3);
    assert_int_equal(findings->items[0].row, 2);
    assert_string_equal(findings->items[0].record_id, "G7");
    assert_non_null(strstr(findings->items[0].message, "'田中さん'"));
    assert_string_equal(findings->items[1].rule, "privacy.email");
    assert_int_equal(findings->items[1].col, 6);
    assert_non_null(strstr(findings->items[1].message, "'tanaka@example.co.jp'"));
    assert_string_equal(findings->items[2].rule, "privacy.phone");
    assert_int_equal(findings->items[2].col, 6);
}

static void test_privacy__headers_checked_once(void **state)
{
    fixture *f = *state;
    add_clean_lesson(f, "G7");
    add_clean_lesson(f, "G8");
    add_lesson_sheet_report(f);
    free(f->book->sheets[0].columns[1].header);
    f->book->sheets[0].columns[1].header = strdup("鈴木様メモ");

    const ky_findings *findings = validate(f, NULL);
    assert_only_rule(findings, "privacy.person-name", 1);
    assert_int_equal(findings->items[0].row, 1);
    assert_int_equal(findings->items[0].col, 6);
}

static void test_privacy__listed_names(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_clean_lesson(f, "G7");
    set_text(&lesson->problem, "アクメ電機の負荷分散装置が停止した。");
    ky_anonymizer *anonymizer = NULL;
    assert_int_equal(ky_anonymizer_new(f->ctx, NULL, &anonymizer), 0);
    assert_int_equal(ky_anonymizer_add_name(f->ctx, anonymizer, "アクメ電機", KY_NAME_COMPANY,
                                            NULL),
                     0);
    ky_validate_options options;
    ky_validate_options_init(&options);
    options.anonymizer = anonymizer;

    const ky_findings *findings = validate(f, &options);
    assert_only_rule(findings, "privacy.listed-name", 1);
    assert_non_null(strstr(findings->items[0].message, "'アクメ電機'"));
    ky_anonymizer_free(anonymizer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_clean_lesson__no_findings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_book__no_findings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rules__ids_and_severities, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_missing__reported_on_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_missing__blank_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_duplicate__second_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_missing__reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_length__40_characters_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_length__41_characters_warned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_length__surrounding_space_not_counted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_title_length__option_changes_maximum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_length__english_counts_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_length__dashes_not_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_length__words_option, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_length__japanese_with_ascii_counts_characters,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_negative__japanese_endings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_negative__message_quotes_ending, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_title_negative__obligations_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_negative__english_openings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_negative__positive_forms_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(test_problem_equals_cause__direct_cause, setup, teardown),
        cmocka_unit_test_setup_teardown(test_problem_equals_cause__root_cause, setup, teardown),
        cmocka_unit_test_setup_teardown(test_direct_cause_missing__reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_cause_missing__reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_measures_incomplete__preventive_missing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_measures_incomplete__both_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_measures_incomplete__not_applicable_accepted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_measures_incomplete__two_markers_warned, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_root_cause_blames_person__short_phrases, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_root_cause_blames_person__deeper_causes_pass, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_root_cause_blames_person__each_item_checked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_risk_c_mismatch__reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_c_mismatch__unknown_values_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(test_findings__outlive_book, setup, teardown),
        cmocka_unit_test_setup_teardown(test_findings__column_from_sheet_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_privacy__detections_located, setup, teardown),
        cmocka_unit_test_setup_teardown(test_privacy__headers_checked_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_privacy__listed_names, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
