/* SPDX-License-Identifier: MIT */
/*
 * The why-why sheet of samples/guide-case.ja.xlsx read into a tree and
 * checked node by node against figure 参考1.3-1 of the IPA/SEC guide on
 * making lessons from IT system failures (「教訓の作り方」): one problem, two direct causes,
 * nine root causes (the figure marks nine 根本原因), and the countermeasures
 * with the lesson ids the figure writes beside them (G7, G8, G9, T16, T17).
 * The expected tree below is transcribed from the figure, not from kyokun's
 * output. Needs KYOKUN_PLUGIN_PATH and KY_SOURCE_DIR, which ctest sets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyokun/book.h"
#include "kyokun/diag.h"
#include "kyokun/mapping.h"
#include "kyokun/registry.h"

/* One node of the figure: its parent (index into the table, -1 for the problem), kind and text. */
typedef struct expected_node {
    int parent;
    ky_why_kind kind;
    const char *text;
    const char *measures[3]; /* Countermeasures without their lesson ids, NULL-terminated. */
    const char *lessons[2];  /* Lesson ids cited beside them, NULL-terminated. */
} expected_node;

/* The figure's tree, depth first, top to bottom as the figure lists the branches. */
static const expected_node figure[] = {
    /* 0 */ {-1, KY_WHY_PROBLEM, "A社のオンラインサービスが丸一日間停止した。", {NULL}, {NULL}},
    /* 1 */ {0, KY_WHY_DIRECT, "負荷分散装置に障害が発生した", {NULL}, {NULL}},
    /* 2 */ {1, KY_WHY_CAUSE, "障害対応のパッチを適用していなかった", {NULL}, {NULL}},
    /* 3 */ {2, KY_WHY_CAUSE, "負荷分散装置のパッチがでているのを知らなかった", {NULL}, {NULL}},
    /* 4 */ {3, KY_WHY_ROOT,
             "システム構成機器の修正情報の収集間隔を、３ヶ月に１回程度と非常に粗く設定していた",
             {"技術情報の確認サイクルを見直して３ヶ月に１回から２週間に１回に変更する",
              "特に重大な不具合では、修正を反映させる手立てや修正の優先度付けを行う", NULL},
             {"T16", NULL}},
    /* 5 */ {1, KY_WHY_CAUSE, "負荷分散装置を定期的に再起動をしていなかった", {NULL}, {NULL}},
    /* 6 */ {5, KY_WHY_ROOT, "定期的に再起動をしていれば障害は起きないことを知らなかった",
             {"サービスに影響のないタイミングで定期的に再起動する", NULL}, {"T17", NULL}},
    /* 7 */ {0, KY_WHY_DIRECT, "お客様のサービス（復旧時間、障害中対応）に時間を要した", {NULL},
             {NULL}},
    /* 8 */ {7, KY_WHY_CAUSE, "負荷分散装置の障害を見逃した", {NULL}, {NULL}},
    /* 9 */ {8, KY_WHY_CAUSE, "pingが通ったことにより問題なしと判断した", {NULL}, {NULL}},
    /* 10 */ {9, KY_WHY_CAUSE, "負荷分散装置の専門家が不在で、それ以上の調査を怠った", {NULL},
              {NULL}},
    /* 11 */ {10, KY_WHY_ROOT, "NW上位層での調査ツールを用意していなかった",
              {"NW上位層での調査ツールを用意する", NULL}, {NULL}},
    /* 12 */ {8, KY_WHY_ROOT, "NW上位層での監視ツールがなかった",
              {"（見逃さない）NW監視ツールを用意する", NULL}, {NULL}},
    /* 13 */ {7, KY_WHY_CAUSE,
              "ベンダ（B社）が他社製品(C社)の知識がなく、障害以外の箇所ばかり調査していた", {NULL},
              {NULL}},
    /* 14 */ {13, KY_WHY_ROOT, "障害時における他社製品(C社)との体制の合意なされていなかった",
              {"B社は、他社製品(C社)との障害時体制を合意する", NULL}, {NULL}},
    /* 15 */ {13, KY_WHY_CAUSE, "ベンダ（B社)には、負荷分散装置の専門家が不在だった", {NULL},
              {NULL}},
    /* 16 */ {15, KY_WHY_ROOT, "ベンダ（B社）が自社製品の知識しかなかった",
              {"他社（C社)製品から自社(B社）製品に交換する", NULL}, {NULL}},
    /* 17 */ {7, KY_WHY_CAUSE, "障害発生時の顧客サービスを考えていなかった", {NULL}, {NULL}},
    /* 18 */ {17, KY_WHY_ROOT, "業務部門と情シス部門の対策が検討されていなかった",
              {"業務部門と情シス部門が協力してシステムの障害の規模に合わせた手作業による事務処理"
               "マニュアルの作成を行う",
               "マニュアルに沿った訓練を定期的に実施する", NULL},
              {"G9", NULL}},
    /* 19 */ {7, KY_WHY_CAUSE,
              "負荷分散装置はD社と共用しており、再起動等の対処によるD社サービスへの影響が不明のた"
              "め、A社の了解のもと対処を業務終了後まで先送りすることとした",
              {NULL}, {NULL}},
    /* 20 */ {19, KY_WHY_ROOT,
              "トラブル発生時等の情報共有のための利用者間の連絡体制は確立されていなかった",
              {"共同利用者間の情報共有の強化を行う", NULL}, {"G8", NULL}},
    /* 21 */ {19, KY_WHY_ROOT,
              "A社の論理区画を再起動した場合の共同利用している他企業D社のオンライン業務の影響を知"
              "らなかった",
              {"B社は、システムを停止／再起動させる場合についての条件や手順、責任等に関する取決め"
               "をSLAで定義し、共同利用各社と合意する",
               "障害復旧時の関係者（サービスの共同利用者であるA社とD社、事業者であるB社）の役割分担"
               "や、システムにおけるコンポーネント（各種機器（ハード・ソフト）、データ）ごとの回復"
               "措置の利用者業務への影響範囲を明確化する",
               NULL},
              {"G7", NULL}},
};

#define FIGURE_NODES (sizeof figure / sizeof figure[0])

typedef struct fixture {
    ky_ctx *ctx;
    ky_registry *reg;
    ky_book *book;
} fixture;

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
    ky_ctx_set_handler(f->ctx, NULL, KY_SEV_ERROR, NULL);
    assert_true(ky_registry_load_dir(f->reg, required_env("KYOKUN_PLUGIN_PATH")) > 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/samples/guide-case.ja.xlsx", required_env("KY_SOURCE_DIR"));
    ky_source source = {.path = path};
    if (ky_book_add_file(f->ctx, f->reg, f->book, &source, NULL, NULL, NULL) != 0)
        fail_msg("reading %s failed", path);
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

static size_t count_of(const char *const *items)
{
    size_t n = 0;
    while (items[n])
        n++;
    return n;
}

static void test_why_guide__node_count(void **state)
{
    fixture *f = *state;
    assert_int_equal(f->book->why_count, FIGURE_NODES);
}

static void test_why_guide__one_problem(void **state)
{
    fixture *f = *state;
    size_t problems = 0;
    for (size_t i = 0; i < f->book->why_count; i++)
        problems += f->book->why_nodes[i].kind == KY_WHY_PROBLEM;
    assert_int_equal(problems, 1);
}

static void test_why_guide__nine_root_causes(void **state)
{
    fixture *f = *state;
    size_t roots = 0;
    for (size_t i = 0; i < f->book->why_count; i++)
        roots += f->book->why_nodes[i].kind == KY_WHY_ROOT;
    assert_int_equal(roots, 9);
}

static void test_why_guide__nodes_match_figure(void **state)
{
    fixture *f = *state;
    assert_int_equal(f->book->why_count, FIGURE_NODES);
    for (size_t i = 0; i < FIGURE_NODES; i++) {
        const ky_why_node *node = &f->book->why_nodes[i];
        const expected_node *want = &figure[i];
        if (strcmp(node->text, want->text) != 0)
            fail_msg("node %zu: text \"%s\", expected \"%s\"", i, node->text, want->text);
        if (node->kind != want->kind)
            fail_msg("node %zu (%s): kind %d, expected %d", i, want->text, node->kind,
                     want->kind);
        uint32_t parent = want->parent < 0 ? 0 : (uint32_t)want->parent + 1;
        if (node->parent != parent)
            fail_msg("node %zu (%s): parent %u, expected %u", i, want->text,
                     (unsigned)node->parent, (unsigned)parent);
    }
}

static void test_why_guide__countermeasures_attached(void **state)
{
    fixture *f = *state;
    assert_int_equal(f->book->why_count, FIGURE_NODES);
    for (size_t i = 0; i < FIGURE_NODES; i++) {
        const ky_why_node *node = &f->book->why_nodes[i];
        const expected_node *want = &figure[i];
        size_t measures = count_of(want->measures);
        if (node->countermeasures.count != measures)
            fail_msg("node %zu (%s): %zu countermeasures, expected %zu", i, want->text,
                     node->countermeasures.count, measures);
        for (size_t k = 0; k < measures; k++)
            assert_string_equal(node->countermeasures.items[k], want->measures[k]);
    }
}

static void test_why_guide__lesson_ids_attached(void **state)
{
    fixture *f = *state;
    assert_int_equal(f->book->why_count, FIGURE_NODES);
    for (size_t i = 0; i < FIGURE_NODES; i++) {
        const ky_why_node *node = &f->book->why_nodes[i];
        const expected_node *want = &figure[i];
        size_t lessons = count_of(want->lessons);
        if (node->lesson_ids.count != lessons)
            fail_msg("node %zu (%s): %zu lesson ids, expected %zu", i, want->text,
                     node->lesson_ids.count, lessons);
        for (size_t k = 0; k < lessons; k++)
            assert_string_equal(node->lesson_ids.items[k], want->lessons[k]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_why_guide__node_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_why_guide__one_problem, setup, teardown),
        cmocka_unit_test_setup_teardown(test_why_guide__nine_root_causes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_why_guide__nodes_match_figure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_why_guide__countermeasures_attached, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_why_guide__lesson_ids_attached, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
