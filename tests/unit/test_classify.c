/* SPDX-License-Identifier: MIT */
/*
 * Tests of the vocabularies and the classification step: dictionary
 * loading and its errors, lookup with folded forms, the Type boundaries,
 * the derived importance, the suggestion rules on the guide's case and the
 * generated ids. Needs KY_SOURCE_DIR and KYOKUN_PLUGIN_PATH, which ctest sets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify.h"
#include "kyokun/book.h"
#include "kyokun/classify.h"
#include "kyokun/diag.h"
#include "kyokun/mapping.h"
#include "kyokun/registry.h"
#include "kyokun/vocab.h"

#define MAX_DIAGS 32

typedef struct fixture {
    ky_ctx *ctx;
    ky_dict *dict;
    ky_book *book;
    char dict_dir[4096];
    char temp_dir[64];
    size_t diag_count;
    char codes[MAX_DIAGS][64];
    char messages[MAX_DIAGS][1024];
    ky_loc locs[MAX_DIAGS];
} fixture;

/* Keep warnings, with their code, message and row and column. */
static void record_diag(const ky_diag *diag, void *payload)
{
    fixture *f = payload;
    if (f->diag_count >= MAX_DIAGS)
        return;
    snprintf(f->codes[f->diag_count], sizeof f->codes[0], "%s", diag->code);
    snprintf(f->messages[f->diag_count], sizeof f->messages[0], "%s", diag->message);
    f->locs[f->diag_count] = diag->loc;
    f->locs[f->diag_count].file = NULL;
    f->locs[f->diag_count].sheet = NULL;
    f->diag_count++;
}

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
    assert_non_null(f);
    f->ctx = ky_ctx_new();
    f->book = ky_book_new();
    ky_ctx_set_handler(f->ctx, record_diag, KY_SEV_WARNING, f);
    snprintf(f->dict_dir, sizeof f->dict_dir, "%s/core/dict", required_env("KY_SOURCE_DIR"));
    int status = ky_dict_load(f->ctx, f->dict_dir, NULL, &f->dict);
    if (status != 0)
        fail_msg("loading %s failed: %s", f->dict_dir, ky_error_last(f->ctx)->message);
    *state = f;
    return 0;
}

/* Remove the files a test wrote into its temporary folder, then the folder. */
static void remove_temp_dir(fixture *f)
{
    if (!f->temp_dir[0])
        return;
    static const char *const names[] = {"purpose.csv", "purpose.extra.csv", "rules.csv",
                                        "rules.extra.csv", "purpse.extra.csv"};
    char path[256];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", f->temp_dir, names[i]);
        unlink(path);
    }
    rmdir(f->temp_dir);
}

static int teardown(void **state)
{
    fixture *f = *state;
    remove_temp_dir(f);
    ky_dict_free(f->dict);
    ky_book_free(f->book);
    ky_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static char *copy(const char *text)
{
    char *result = strdup(text);
    assert_non_null(result);
    return result;
}

static void push(ky_strlist *list, const char *text)
{
    char **items = realloc(list->items, (list->count + 1) * sizeof *items);
    assert_non_null(items);
    list->items = items;
    list->items[list->count++] = copy(text);
}

/* Add an empty lesson to the fixture's book and return it. */
static ky_lesson *add_lesson(fixture *f, const char *id, const char *title)
{
    ky_book *book = f->book;
    ky_lesson *lessons = realloc(book->lessons, (book->lesson_count + 1) * sizeof *lessons);
    assert_non_null(lessons);
    book->lessons = lessons;
    ky_lesson *lesson = &book->lessons[book->lesson_count++];
    memset(lesson, 0, sizeof *lesson);
    lesson->id = id ? copy(id) : NULL;
    lesson->title = title ? copy(title) : NULL;
    lesson->origin.row = (uint32_t)book->lesson_count + 1;
    return lesson;
}

static void add_extra(ky_extras *extras, const char *header, const char *value)
{
    ky_extra *items = realloc(extras->items, (extras->count + 1) * sizeof *items);
    assert_non_null(items);
    extras->items = items;
    extras->items[extras->count++] = (ky_extra){copy(header), copy(value)};
}

static void set_read(ky_lesson *lesson, ky_axis axis)
{
    lesson->classification.provenance[axis].source = KY_VALUE_READ;
}

static void classify(fixture *f, ky_lang lang)
{
    ky_classify_options options;
    ky_classify_options_init(&options);
    options.lang = lang;
    assert_int_equal(ky_book_classify(f->ctx, f->book, f->dict, &options), 0);
}

/* Return true when the list contains `item`. */
static bool has_item(const ky_strlist *list, const char *item)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->items[i], item) == 0)
            return true;
    return false;
}

static const char *code_of(const ky_term *term)
{
    return term ? term->code : "(none)";
}

/* Write a file into the test's temporary folder, made on first use. */
static void write_temp(fixture *f, const char *name, const char *content)
{
    if (!f->temp_dir[0]) {
        snprintf(f->temp_dir, sizeof f->temp_dir, "/tmp/ky-test-dict-XXXXXX");
        assert_non_null(mkdtemp(f->temp_dir));
    }
    char path[256];
    snprintf(path, sizeof path, "%s/%s", f->temp_dir, name);
    FILE *file = fopen(path, "wb");
    assert_non_null(file);
    fputs(content, file);
    fclose(file);
}

/* Load the built-in folder with the test's temporary folder as the user's. */
static int load_user(fixture *f, ky_dict **out)
{
    return ky_dict_load(f->ctx, f->dict_dir, f->temp_dir, out);
}

/* ------------------------------------------------------------------------ */
/* Vocabularies                                                             */
/* ------------------------------------------------------------------------ */

static void test_builtin_vocabularies_complete(void **state)
{
    fixture *f = *state;
    assert_int_equal(ky_dict_term_count(f->dict, KY_VOCAB_PURPOSE), 7);
    for (int i = 1; i <= 7; i++) {
        char code[8];
        snprintf(code, sizeof code, "PU%d", i);
        assert_non_null(ky_dict_code(f->dict, KY_VOCAB_PURPOSE, code));
    }
    static const char *const lifecycle[] = {"LC-PLN", "LC-REQ", "LC-DSN", "LC-BLD", "LC-TST",
                                            "LC-OPS"};
    for (size_t i = 0; i < 6; i++) {
        const ky_term *term = ky_dict_code(f->dict, KY_VOCAB_LIFECYCLE, lifecycle[i]);
        assert_non_null(term);
        assert_non_null(term->parent);
        assert_non_null(ky_dict_code(f->dict, KY_VOCAB_LIFECYCLE, term->parent));
    }
    assert_string_equal(ky_dict_code(f->dict, KY_VOCAB_SERVICE, "SM-CT-CHG")->parent, "SM-CT");
    assert_string_equal(ky_dict_code(f->dict, KY_VOCAB_IMPORTANCE, "SP2")->ja, "TypeⅡ");
    assert_string_equal(ky_dict_code(f->dict, KY_VOCAB_IMPORTANCE, "SP2")->en, "Type II");
    assert_string_equal(ky_dict_code(f->dict, KY_VOCAB_PURPOSE, "PU1")->kind, "G");
    assert_non_null(ky_dict_code(f->dict, KY_VOCAB_CAUSE, "CA9"));
    assert_non_null(ky_dict_code(f->dict, KY_VOCAB_COUNTERMEASURE, "CM-P"));
    assert_true(ky_dict_rule_count(f->dict) > 0);
}

static void test_find_by_code_label_alias(void **state)
{
    fixture *f = *state;
    static const struct {
        ky_vocab_id vocab;
        const char *text;
        const char *code;
    } cases[] = {
        {KY_VOCAB_PURPOSE, "PU1", "PU1"},
        {KY_VOCAB_PURPOSE, "pu1", "PU1"},
        {KY_VOCAB_PURPOSE, "組織・体制の整備", "PU1"},
        {KY_VOCAB_PURPOSE, "組織体制の整備", "PU1"},
        {KY_VOCAB_PURPOSE, "Organisation and Structure", "PU1"},
        {KY_VOCAB_PURPOSE, "ﾚﾋﾞｭｰ・試験項目の検討", "PU5"},
        {KY_VOCAB_PURPOSE, "ＰＵ７", "PU7"},
        {KY_VOCAB_IMPORTANCE, "TypeⅡ", "SP2"},
        {KY_VOCAB_IMPORTANCE, "type ii", "SP2"},
        {KY_VOCAB_IMPORTANCE, "Ｔｙｐｅ　Ⅳ", "SP4"},
        {KY_VOCAB_IMPORTANCE, "企業基幹システム（多数の利用者に影響あり）", "SP2-CORE"},
        {KY_VOCAB_LIFECYCLE, "運用プロセスでの対策", "LC-OPS"},
        {KY_VOCAB_LIFECYCLE, "企画プロセス", "LC-PLN"},
        {KY_VOCAB_SERVICE, "サービス提供プロセスでの対策", "SM-SD"},
        {KY_VOCAB_SERVICE, "Supplier Management", "SM-RL-SUP"},
        {KY_VOCAB_SERVICE, "インシデント管理", "SM-RS-INC"},
        {KY_VOCAB_SERVICE, "service assurance", "SM-SD"},
        {KY_VOCAB_HUMAN_LIFE, "死亡事故", "HL4"},
        {KY_VOCAB_KEYWORDS, "パッチ", "KW-PATCH"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ky_term *term = ky_dict_find(f->dict, cases[i].vocab, cases[i].text);
        if (!term || strcmp(term->code, cases[i].code) != 0)
            fail_msg("\"%s\" found %s, expected %s", cases[i].text, code_of(term), cases[i].code);
    }
    assert_null(ky_dict_find(f->dict, KY_VOCAB_PURPOSE, "組織の改善"));
    assert_null(ky_dict_find(f->dict, KY_VOCAB_LIFECYCLE, ""));
}

static void test_closest_values(void **state)
{
    fixture *f = *state;
    const ky_term *closest[3];
    size_t count = ky_dict_closest(f->dict, KY_VOCAB_PURPOSE, "組織体制整備", closest, 3);
    assert_int_equal(count, 3);
    assert_string_equal(closest[0]->code, "PU1");

    count = ky_dict_closest(f->dict, KY_VOCAB_LIFECYCLE, "運営", closest, 1);
    assert_int_equal(count, 1);
    assert_string_equal(closest[0]->code, "LC-OPS");
}

static void test_fold_and_distance(void **state)
{
    (void)state;
    char *folded = ky_vocab__fold("ﾊﾟｯﾁ ﾃﾞｰﾀ ｳﾞ ﾊﾞ ｶﾟ TypeⅢ ＡＢＣ", strlen("ﾊﾟｯﾁ ﾃﾞｰﾀ ｳﾞ ﾊﾞ ｶﾟ TypeⅢ ＡＢＣ"));
    assert_string_equal(folded, "パッチ データ ヴ バ カ゜ typeiii abc");
    free(folded);
    assert_int_equal(ky_vocab__distance("運用", "運用"), 0);
    assert_int_equal(ky_vocab__distance("運用", "運営"), 1);
    assert_int_equal(ky_vocab__distance("", "テスト"), 3);
    assert_int_equal(ky_vocab__distance("kitten", "sitting"), 3);
}

/* ------------------------------------------------------------------------ */
/* Dictionary files of a user                                               */
/* ------------------------------------------------------------------------ */

static void test_user_file_replaces_builtin(void **state)
{
    fixture *f = *state;
    write_temp(f, "purpose.csv",
               "code,ja,en,kind\n"
               "OWN1,自社の目的,own purpose,G\n");
    write_temp(f, "rules.csv", "axis,code,keywords\npurpose,OWN1,自社\n");
    ky_dict *dict = NULL;
    assert_int_equal(load_user(f, &dict), 0);
    assert_int_equal(ky_dict_term_count(dict, KY_VOCAB_PURPOSE), 1);
    assert_null(ky_dict_code(dict, KY_VOCAB_PURPOSE, "PU1"));
    assert_string_equal(code_of(ky_dict_find(dict, KY_VOCAB_PURPOSE, "自社の目的")), "OWN1");
    /* The other vocabularies still come from the built-in folder. */
    assert_non_null(ky_dict_code(dict, KY_VOCAB_LIFECYCLE, "LC-OPS"));
    ky_dict_free(dict);
}

static void test_extra_file_extends_builtin(void **state)
{
    fixture *f = *state;
    write_temp(f, "purpose.extra.csv",
               "code,parent,ja,en,aliases\n"
               "PU1,,,,体制づくり|org set-up\n"
               "PU8,,品質保証,quality assurance,QA\n");
    write_temp(f, "rules.extra.csv", "axis,code,keywords,weight\npurpose,PU8,品質|QA,2\n");
    ky_dict *dict = NULL;
    assert_int_equal(load_user(f, &dict), 0);
    assert_int_equal(ky_dict_term_count(dict, KY_VOCAB_PURPOSE), 8);
    assert_string_equal(code_of(ky_dict_find(dict, KY_VOCAB_PURPOSE, "体制づくり")), "PU1");
    assert_string_equal(code_of(ky_dict_find(dict, KY_VOCAB_PURPOSE, "組織・体制の整備")), "PU1");
    assert_string_equal(code_of(ky_dict_find(dict, KY_VOCAB_PURPOSE, "qa")), "PU8");
    assert_int_equal(ky_dict_rule_count(dict), ky_dict_rule_count(f->dict) + 1);
    const ky_rule *last = ky_dict_rule(dict, ky_dict_rule_count(dict) - 1);
    assert_string_equal(last->code, "PU8");
    assert_true(last->weight == 2.0);
    ky_dict_free(dict);
}

/* Load the temporary folder and check the error's status, row, column and message. */
static void expect_load_error(fixture *f, int status, uint32_t row, uint32_t col,
                              const char *needle)
{
    ky_dict *dict = NULL;
    assert_int_equal(load_user(f, &dict), status);
    assert_null(dict);
    const ky_error *error = ky_error_last(f->ctx);
    assert_non_null(error);
    assert_non_null(error->loc.file);
    assert_non_null(strstr(error->loc.file, f->temp_dir));
    assert_int_equal(error->loc.row, row);
    assert_int_equal(error->loc.col, col);
    if (!strstr(error->message, needle))
        fail_msg("message \"%s\" lacks \"%s\"", error->message, needle);
    ky_error_clear(f->ctx);
}

static void test_invalid_code_names_cell(void **state)
{
    fixture *f = *state;
    write_temp(f, "purpose.csv", "code,ja,en\nPU1,組織,org\nP U2,運用,ops\n");
    expect_load_error(f, KY_EPARSE, 3, 1, "P U2");
}

static void test_unknown_column_names_cell(void **state)
{
    fixture *f = *state;
    write_temp(f, "purpose.csv", "code,ja,english\nPU1,組織,org\n");
    expect_load_error(f, KY_EPARSE, 1, 3, "english");
}

static void test_missing_label_names_cell(void **state)
{
    fixture *f = *state;
    write_temp(f, "purpose.csv", "code,ja,en\nPU1,組織,\n");
    expect_load_error(f, KY_EPARSE, 2, 3, "en");
}

static void test_duplicate_code_rejected(void **state)
{
    fixture *f = *state;
    write_temp(f, "purpose.csv", "code,ja,en\nPU1,組織,org\nPU1,運用,ops\n");
    expect_load_error(f, KY_EPARSE, 3, 1, "row 2");
}

static void test_alias_of_two_values_rejected(void **state)
{
    fixture *f = *state;
    write_temp(f, "purpose.csv", "code,ja,en,aliases\nPU1,組織,org,体制\nPU2,運用,ops,体 制\n");
    write_temp(f, "rules.csv", "axis,code,keywords\npurpose,PU1,体制\n");
    expect_load_error(f, KY_EPARSE, 3, 0, "PU1");
}

static void test_rule_unknown_code_rejected(void **state)
{
    fixture *f = *state;
    write_temp(f, "rules.csv", "axis,code,keywords\nlifecycle,LC-XYZ,運用\n");
    expect_load_error(f, KY_EPARSE, 2, 0, "LC-XYZ");
}

static void test_replaced_vocabulary_needs_rules(void **state)
{
    fixture *f = *state;
    write_temp(f, "purpose.csv", "code,ja,en\nOWN1,自社の目的,own purpose\n");
    ky_dict *dict = NULL;
    assert_int_equal(load_user(f, &dict), KY_EPARSE);
    const ky_error *error = ky_error_last(f->ctx);
    assert_non_null(strstr(error->loc.file, "rules.csv"));
    assert_non_null(strstr(error->message, "PU1"));
    ky_error_clear(f->ctx);
}

static void test_rule_bad_weight_rejected(void **state)
{
    fixture *f = *state;
    write_temp(f, "rules.csv", "axis,code,keywords,weight\npurpose,PU1,体制,0\n");
    expect_load_error(f, KY_EPARSE, 2, 4, "\"0\"");
}

static void test_too_many_rows_rejected(void **state)
{
    fixture *f = *state;
    size_t size = 64 + (size_t)(KY_DICT_MAX_ROWS + 1) * 24;
    char *content = malloc(size);
    assert_non_null(content);
    size_t len = (size_t)snprintf(content, size, "code,ja,en\n");
    for (int i = 0; i <= KY_DICT_MAX_ROWS; i++)
        len += (size_t)snprintf(content + len, size - len, "C%d,値%d,v%d\n", i, i, i);
    write_temp(f, "purpose.csv", content);
    free(content);
    expect_load_error(f, KY_ELIMIT, KY_DICT_MAX_ROWS + 2, 0, "rows");
}

static void test_too_large_file_rejected(void **state)
{
    fixture *f = *state;
    size_t size = KY_DICT_MAX_FILE_BYTES + 2;
    char *content = malloc(size);
    assert_non_null(content);
    memset(content, '#', size - 1);
    content[size - 1] = '\0';
    write_temp(f, "purpose.csv", content);
    free(content);
    ky_dict *dict = NULL;
    assert_int_equal(load_user(f, &dict), KY_ELIMIT);
    ky_error_clear(f->ctx);
}

/* An empty file reaches the CSV reader with no buffer at all (found by fuzz_dictionary). */
static void test_empty_file_rejected(void **state)
{
    fixture *f = *state;
    write_temp(f, "purpose.csv", "");
    ky_dict *dict = NULL;
    assert_int_equal(load_user(f, &dict), KY_EPARSE);
    assert_null(dict);
    const ky_error *error = ky_error_last(f->ctx);
    assert_non_null(error);
    assert_int_equal(error->loc.row, 1);
    assert_non_null(strstr(error->loc.file, "/purpose.csv"));
    assert_non_null(strstr(error->message, "the dictionary file is empty"));
    ky_error_clear(f->ctx);
}

static void test_misspelt_file_reported(void **state)
{
    fixture *f = *state;
    write_temp(f, "purpse.extra.csv", "code,ja,en\n");
    ky_dict *dict = NULL;
    assert_int_equal(load_user(f, &dict), 0);
    assert_int_equal(f->diag_count, 1);
    assert_string_equal(f->codes[0], "dictionary.unknown-file");
    assert_non_null(strstr(f->messages[0], "purpse.extra.csv"));
    ky_dict_free(dict);
}

static void test_missing_folder_rejected(void **state)
{
    fixture *f = *state;
    ky_dict *dict = NULL;
    assert_int_equal(ky_dict_load(f->ctx, f->dict_dir, "/nonexistent/kyokun-dict", &dict),
                     KY_ENOTFOUND);
    assert_int_equal(ky_dict_load(f->ctx, "/nonexistent/kyokun-dict", NULL, &dict),
                     KY_ENOTFOUND);
    ky_error_clear(f->ctx);
}

/* ------------------------------------------------------------------------ */
/* Read values                                                              */
/* ------------------------------------------------------------------------ */

static void test_read_values_become_labels(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_lesson(f, "G1", "体制を整備せよ");
    push(&lesson->classification.purposes, "PU1");
    push(&lesson->classification.purposes, "組織体制の整備");
    set_read(lesson, KY_AXIS_PURPOSE);
    lesson->classification.lifecycle = copy("運用プロセスでの対策");
    set_read(lesson, KY_AXIS_LIFECYCLE);
    classify(f, KY_LANG_JA);

    const ky_classification *c = &lesson->classification;
    assert_int_equal(c->purposes.count, 1);
    assert_string_equal(c->purposes.items[0], "組織・体制の整備");
    assert_string_equal(c->lifecycle, "運用");
    assert_int_equal(c->provenance[KY_AXIS_LIFECYCLE].source, KY_VALUE_READ);
    assert_non_null(strstr(c->provenance[KY_AXIS_LIFECYCLE].evidence, "LC-OPS"));
    assert_non_null(strstr(c->provenance[KY_AXIS_LIFECYCLE].evidence, "運用プロセスでの対策"));
    assert_int_equal(f->diag_count, 0);
}

static void test_read_values_english_labels(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_lesson(f, "T1", "Restart regularly");
    lesson->classification.service = copy("サービス提供");
    set_read(lesson, KY_AXIS_SERVICE);
    classify(f, KY_LANG_EN);
    assert_string_equal(lesson->classification.service, "service delivery");
}

static void test_unknown_value_reported_once(void **state)
{
    fixture *f = *state;
    ky_sheet_report *report = calloc(1, sizeof *report);
    ky_column_map *columns = calloc(1, sizeof *columns);
    assert_non_null(report);
    assert_non_null(columns);
    report->sheet = copy("教訓");
    report->kind = KY_TABLE_LESSONS;
    columns[0] = (ky_column_map){.col = 9, .header = copy("活用する目的"), .field = "purposes"};
    report->columns = columns;
    report->column_count = 1;
    f->book->sheets = report;
    f->book->sheet_count = 1;

    for (int i = 0; i < 2; i++) {
        ky_lesson *lesson = add_lesson(f, i ? "G2" : "G1", "体制を整備せよ");
        lesson->origin.sheet = report->sheet;
        push(&lesson->classification.purposes, "組織体制整備");
        set_read(lesson, KY_AXIS_PURPOSE);
    }
    classify(f, KY_LANG_JA);

    assert_int_equal(f->diag_count, 1);
    assert_string_equal(f->codes[0], "classify.unknown-value");
    assert_int_equal(f->locs[0].row, 2);
    assert_int_equal(f->locs[0].col, 10);
    assert_non_null(strstr(f->messages[0], "\"組織体制整備\""));
    assert_non_null(strstr(f->messages[0], "組織・体制の整備 (PU1)"));
    /* The unknown text is kept as written. */
    assert_string_equal(f->book->lessons[1].classification.purposes.items[0], "組織体制整備");
}

/* ------------------------------------------------------------------------ */
/* Type I-IV                                                                */
/* ------------------------------------------------------------------------ */

static void test_type_boundaries(void **state)
{
    (void)state;
    static const struct {
        double yen;
        int type;
    } cases[] = {
        {0, 1},
        {9999999, 1},
        {10000000, 1},
        {10000001, 2},
        {99999999, 2},
        {100000000, 2},
        {100000001, 3},
        {999999999, 3},
        {1000000000, 3},
        {1000000001, 4},
        {5e12, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int type = ky_type_for_damage(cases[i].yen);
        if (type != cases[i].type)
            fail_msg("%.0f yen is Type %d, expected %d", cases[i].yen, type, cases[i].type);
    }
    assert_int_equal(ky_type_for_damage(NAN), 0);
    assert_int_equal(ky_type_for_damage(-1), 0);
}

static void test_type_highest_criterion(void **state)
{
    fixture *f = *state;
    add_extra(&add_lesson(f, "T1", "修正を適用すること")->extras, "障害金額", "10,000,001円");
    ky_lesson *lesson = add_lesson(f, "T2", "監視すること");
    add_extra(&lesson->extras, "障害金額", "1,000万円");
    add_extra(&lesson->extras, "人命への影響", "死亡事故");
    lesson = add_lesson(f, "T3", "連絡すること");
    add_extra(&lesson->extras, "社会的影響", "多くの人に迷惑を掛ける");
    add_extra(&lesson->extras, "システムの区分", "企業基幹システム");
    classify(f, KY_LANG_JA);

    /* Adding lessons moves the array, so the lessons are looked up after the last one. */
    const ky_lesson *damage_only = &f->book->lessons[0];
    const ky_lesson *life = &f->book->lessons[1];
    const ky_lesson *social = &f->book->lessons[2];

    assert_string_equal(damage_only->classification.importance, "TypeⅡ");
    assert_int_equal(damage_only->classification.provenance[KY_AXIS_IMPORTANCE].source,
                     KY_VALUE_DERIVED);
    assert_non_null(strstr(damage_only->classification.provenance[KY_AXIS_IMPORTANCE].evidence,
                           "10,000,001円"));
    assert_string_equal(life->classification.importance, "TypeⅣ");
    assert_string_equal(social->classification.importance, "TypeⅢ");
}

static void test_type_explicit_wins(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_lesson(f, "T1", "修正を適用すること");
    lesson->classification.importance = copy("TypeⅠ");
    set_read(lesson, KY_AXIS_IMPORTANCE);
    add_extra(&lesson->extras, "障害金額", "20億円");
    classify(f, KY_LANG_JA);
    assert_string_equal(lesson->classification.importance, "TypeⅠ");
    assert_int_equal(lesson->classification.provenance[KY_AXIS_IMPORTANCE].source, KY_VALUE_READ);
}

static void test_type_from_linked_incident(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_lesson(f, "T5", "修正を適用すること");
    ky_book *book = f->book;
    book->incidents = calloc(2, sizeof *book->incidents);
    assert_non_null(book->incidents);
    book->incident_count = 2;
    book->incidents[0].id = copy("1");
    book->incidents[0].damage_yen = 2e9;
    add_extra(&book->incidents[0].extras, "教訓ID", "T4, T5");
    book->incidents[1].id = copy("2");
    book->incidents[1].damage_yen = 5e10;
    add_extra(&book->incidents[1].extras, "教訓ID", "T6");
    classify(f, KY_LANG_EN);
    assert_string_equal(lesson->classification.importance, "Type IV");
    assert_non_null(strstr(lesson->classification.provenance[KY_AXIS_IMPORTANCE].evidence,
                           "incident 1"));
    assert_null(strstr(lesson->classification.provenance[KY_AXIS_IMPORTANCE].evidence,
                        "incident 2"));
}

/* ------------------------------------------------------------------------ */
/* Suggestions on the guide's case                                          */
/* ------------------------------------------------------------------------ */

/* Drop the classification a lesson was read with, as if its sheet had no such columns. */
static void clear_classification(ky_lesson *lesson)
{
    ky_classification *c = &lesson->classification;
    for (size_t i = 0; i < c->purposes.count; i++)
        free(c->purposes.items[i]);
    free(c->purposes.items);
    for (size_t i = 0; i < c->keywords.count; i++)
        free(c->keywords.items[i]);
    free(c->keywords.items);
    free(c->importance);
    free(c->lifecycle);
    free(c->service);
    for (int axis = 0; axis < KY_AXIS_COUNT; axis++)
        free(c->provenance[axis].evidence);
    memset(c, 0, sizeof *c);
}

static void read_guide_case(fixture *f, const char *name)
{
    ky_registry *reg = ky_registry_new();
    assert_non_null(reg);
    assert_true(ky_registry_load_dir(reg, required_env("KYOKUN_PLUGIN_PATH")) > 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/samples/%s", required_env("KY_SOURCE_DIR"), name);
    ky_source source = {.path = path};
    assert_int_equal(ky_book_add_file(f->ctx, reg, f->book, &source, NULL, NULL, NULL), 0);
    ky_registry_free(reg);
    for (size_t i = 0; i < f->book->lesson_count; i++)
        clear_classification(&f->book->lessons[i]);
}

static const ky_lesson *lesson_by_id(const fixture *f, const char *id)
{
    for (size_t i = 0; i < f->book->lesson_count; i++)
        if (f->book->lessons[i].id && strcmp(f->book->lessons[i].id, id) == 0)
            return &f->book->lessons[i];
    fail_msg("no lesson %s", id);
    return NULL;
}

static void assert_suggested(const ky_lesson *lesson, ky_axis axis)
{
    const ky_provenance *provenance = &lesson->classification.provenance[axis];
    if (provenance->source != KY_VALUE_SUGGESTED || !provenance->evidence)
        fail_msg("axis %d of %s is not suggested with evidence", axis, lesson->id);
}

static void test_guide_g7_matches_example(void **state)
{
    fixture *f = *state;
    read_guide_case(f, "guide-case.ja.xlsx");
    classify(f, KY_LANG_JA);
    const ky_lesson *g7 = lesson_by_id(f, "G7");
    const ky_classification *c = &g7->classification;

    assert_int_equal(c->purposes.count, 1);
    assert_string_equal(c->purposes.items[0], "組織・体制の整備");
    assert_string_equal(c->importance, "企業基幹システム");
    assert_string_equal(c->lifecycle, "運用");
    assert_string_equal(c->service, "サービス提供");
    assert_true(has_item(&c->keywords, "仮想化"));
    assert_true(has_item(&c->keywords, "共同利用"));
    assert_true(has_item(&c->keywords, "パッチの適用"));
    assert_true(has_item(&c->keywords, "システム再起動"));
    for (int axis = 0; axis < KY_AXIS_COUNT; axis++)
        assert_suggested(g7, (ky_axis)axis);
    assert_non_null(strstr(c->provenance[KY_AXIS_PURPOSE].evidence, "体制"));
    assert_non_null(strstr(c->provenance[KY_AXIS_KEYWORDS].evidence, "パッチ"));
}

static void test_guide_lessons_all_suggested(void **state)
{
    fixture *f = *state;
    read_guide_case(f, "guide-case.ja.xlsx");
    classify(f, KY_LANG_JA);
    assert_int_equal(f->book->lesson_count, 5);
    for (size_t i = 0; i < f->book->lesson_count; i++) {
        const ky_lesson *lesson = &f->book->lessons[i];
        assert_suggested(lesson, KY_AXIS_PURPOSE);
        assert_suggested(lesson, KY_AXIS_LIFECYCLE);
        assert_suggested(lesson, KY_AXIS_SERVICE);
        assert_suggested(lesson, KY_AXIS_KEYWORDS);
    }
    /* The guide case's other lessons, where the sample workbook's own classification agrees. */
    assert_string_equal(lesson_by_id(f, "G8")->classification.service, "関係プロセス");
    assert_string_equal(lesson_by_id(f, "T16")->classification.service, "統合的制御プロセス");
    assert_string_equal(lesson_by_id(f, "T17")->classification.purposes.items[0],
                        "運用手順の整備");
    assert_true(has_item(&lesson_by_id(f, "T17")->classification.keywords, "システム再起動"));
}

static void test_guide_english_suggested(void **state)
{
    fixture *f = *state;
    read_guide_case(f, "guide-case.en.xlsx");
    classify(f, KY_LANG_EN);
    const ky_classification *c = &lesson_by_id(f, "G7")->classification;
    assert_int_equal(c->purposes.count, 1);
    assert_string_equal(c->purposes.items[0], "organisation and structure");
    assert_string_equal(c->lifecycle, "operation");
    assert_true(has_item(&c->keywords, "virtualisation"));
    assert_true(has_item(&c->keywords, "patching"));
}

static void test_ascii_keyword_starts_word(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_lesson(f, "T1", "Review the translation memory");
    lesson->problem = copy("The translation tool failed.");
    classify(f, KY_LANG_EN);
    /* "sla" (an alias of the contract keyword) must not match inside "translation". */
    assert_false(has_item(&lesson->classification.keywords, "contract"));
    assert_true(has_item(&lesson->classification.keywords, "review"));
}

static void test_read_axis_not_suggested(void **state)
{
    fixture *f = *state;
    ky_lesson *lesson = add_lesson(f, "T1", "監視の閾値を見直すこと");
    lesson->classification.lifecycle = copy("テスト");
    set_read(lesson, KY_AXIS_LIFECYCLE);
    classify(f, KY_LANG_JA);
    assert_string_equal(lesson->classification.lifecycle, "テスト");
    assert_int_equal(lesson->classification.provenance[KY_AXIS_LIFECYCLE].source, KY_VALUE_READ);
    assert_int_equal(lesson->classification.provenance[KY_AXIS_PURPOSE].source,
                     KY_VALUE_SUGGESTED);
}

/* ------------------------------------------------------------------------ */
/* Lesson ids                                                               */
/* ------------------------------------------------------------------------ */

/* Fill a book with lessons G7 and T17, a cited G9, and two lessons without ids. */
static void build_id_book(fixture *f)
{
    add_lesson(f, "G7", "体制を整備すべし");
    add_lesson(f, "T17", "定期的に再起動する");
    ky_lesson *governance = add_lesson(f, NULL, "契約で役割分担と責任分界を定めよ");
    push(&governance->recurrence, "体制を見直し、組織の役割分担を決める");
    add_lesson(f, NULL, "監視の閾値を見直すこと");
    ky_book *book = f->book;
    book->why_nodes = calloc(1, sizeof *book->why_nodes);
    assert_non_null(book->why_nodes);
    book->why_count = 1;
    push(&book->why_nodes[0].lesson_ids, "G9");
}

static void test_ids_generated_by_kind(void **state)
{
    fixture *f = *state;
    build_id_book(f);
    classify(f, KY_LANG_JA);
    const ky_book *book = f->book;
    assert_string_equal(book->lessons[2].id, "G10");
    assert_true(book->lessons[2].id_generated);
    assert_string_equal(book->lessons[3].id, "T18");
    assert_true(book->lessons[3].id_generated);
    assert_false(book->lessons[0].id_generated);
}

static void test_ids_stable_across_runs(void **state)
{
    fixture *f = *state;
    build_id_book(f);
    classify(f, KY_LANG_JA);
    char first[2][32];
    snprintf(first[0], sizeof first[0], "%s", f->book->lessons[2].id);
    snprintf(first[1], sizeof first[1], "%s", f->book->lessons[3].id);

    ky_book_free(f->book);
    f->book = ky_book_new();
    build_id_book(f);
    classify(f, KY_LANG_JA);
    assert_string_equal(f->book->lessons[2].id, first[0]);
    assert_string_equal(f->book->lessons[3].id, first[1]);
}

static void test_ids_custom_prefixes(void **state)
{
    fixture *f = *state;
    build_id_book(f);
    add_lesson(f, "KAN3", "既存の教訓");
    ky_classify_options options;
    ky_classify_options_init(&options);
    assert_int_equal(ky_classify_parse_prefixes(&options, "G=KAN,t=GIJ"), 0);
    assert_string_equal(options.prefix_governance, "KAN");
    assert_string_equal(options.prefix_technical, "GIJ");
    assert_int_equal(ky_book_classify(f->ctx, f->book, f->dict, &options), 0);
    assert_string_equal(f->book->lessons[2].id, "KAN4");
    assert_string_equal(f->book->lessons[3].id, "GIJ1");
}

static void test_ids_no_generation_option(void **state)
{
    fixture *f = *state;
    build_id_book(f);
    ky_classify_options options;
    ky_classify_options_init(&options);
    options.generate_ids = false;
    assert_int_equal(ky_book_classify(f->ctx, f->book, f->dict, &options), 0);
    assert_null(f->book->lessons[2].id);
    assert_false(f->book->lessons[2].id_generated);
}

static void test_prefix_list_invalid(void **state)
{
    (void)state;
    static const char *const invalid[] = {"", "G", "G=", "X=KAN", "G=KAN,", "G=漢字",
                                          "G=ABCDEFGHIJKLMNOPQ", "G=K N", "GKAN"};
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        ky_classify_options options;
        ky_classify_options_init(&options);
        if (ky_classify_parse_prefixes(&options, invalid[i]) != KY_EINVAL)
            fail_msg("\"%s\" was accepted", invalid[i]);
        assert_string_equal(options.prefix_governance, "G");
        assert_string_equal(options.prefix_technical, "T");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_builtin_vocabularies_complete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_by_code_label_alias, setup, teardown),
        cmocka_unit_test_setup_teardown(test_closest_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fold_and_distance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_file_replaces_builtin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extra_file_extends_builtin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_code_names_cell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_column_names_cell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_label_names_cell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_code_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alias_of_two_values_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rule_unknown_code_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replaced_vocabulary_needs_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rule_bad_weight_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many_rows_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_large_file_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_file_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misspelt_file_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_folder_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_values_become_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_values_english_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_value_reported_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_type_boundaries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_type_highest_criterion, setup, teardown),
        cmocka_unit_test_setup_teardown(test_type_explicit_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_type_from_linked_incident, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guide_g7_matches_example, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guide_lessons_all_suggested, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guide_english_suggested, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ascii_keyword_starts_word, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_axis_not_suggested, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_generated_by_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_stable_across_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_custom_prefixes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_no_generation_option, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prefix_list_invalid, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
