/* SPDX-License-Identifier: MIT */
/*
 * Tests of the lesson-report output plugin, loaded as a module from
 * $KYOKUN_PLUGIN_PATH. They check the zip layout of the .odt it writes, the
 * manifest, and the text of content.xml for the guide's lesson G7. They also
 * cover escaping of user text, labels in both languages, the document with no
 * lessons, the table of contents, the why-why and incident status tables with
 * their spanned cells, the page-break properties of the tables, and that two
 * writes give the same bytes.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "formats/ky_text.h"
#include "kyokun/plugin.h"

/* 2023-11-14T22:13:20Z, the SOURCE_DATE_EPOCH that ctest sets. */
#define TEST_TIMESTAMP 1700000000

/* The lesson text of the white-space hard case, and what content.xml must hold for it. */
#define WHITESPACE_TEXT "原因:  DNS\t設定ミス\n対策: 監視追加"
#define WHITESPACE_XML "原因: <text:s/>DNS<text:tab/>設定ミス<text:line-break/>対策: 監視追加"

typedef struct fixture {
    void *module;
    const ky_plugin *plugin;
    ky_ctx *ctx;
    char dir[64];
    char path[128];
} fixture;

/* ------------------------------------------------------------------------ */
/* Building books                                                             */
/* ------------------------------------------------------------------------ */

static char *copy_text(const char *text)
{
    char *copy = strdup(text);
    assert_non_null(copy);
    return copy;
}

/* Fill a string list from a NULL-terminated array. */
static void set_list(ky_strlist *list, const char *const *items)
{
    size_t count = 0;
    while (items[count])
        count++;
    list->items = calloc(count, sizeof *list->items);
    assert_non_null(list->items);
    for (size_t i = 0; i < count; i++)
        list->items[i] = copy_text(items[i]);
    list->count = count;
}

/* Lesson G7 of the guide's worked case, with two fields changed to carry the
 * hard cases: white space in the problem and control characters in a cause. */
static void fill_lesson_g7(ky_lesson *lesson)
{
    lesson->id = copy_text("G7");
    lesson->title = copy_text("クラウド事業者と利用者が連携した統制がとれたトラブル対応体制を整備すべし");
    lesson->problem = copy_text(WHITESPACE_TEXT);
    set_list(&lesson->direct_causes, (const char *const[]){
        "C社製負荷分散装置の sodプロセスのメモリ資源が時間とともに増加するという既知の不具合であった。",
        "\x1b[31mpingが通ったことから\x01、B社はシステムの運用に問題ないと誤認した。\x0b",
        NULL});
    set_list(&lesson->root_causes, (const char *const[]){
        "運用時のトラブル管理体制が決まっていなかった。",
        "A社は B社と役割分担 & サービスレベル <SLA> が不明確な運用委託契約のままサービスを開始していた。",
        "B社に C社製負荷分散装置の専門家が不在で、障害やパッチの情報をタイムリーに入手していなかった。",
        NULL});
    set_list(&lesson->recurrence, (const char *const[]){
        "トラブル対応の体制の強化",
        "適切な契約でサービスのレベルの定義を行い、責任分界点を明確にする。",
        "ベンダは関係する各サードパーティ業者とトラブル対応体制を確立し、障害時の連携を適確に行う。",
        NULL});
    set_list(&lesson->preventive, (const char *const[]){"クラウド移行前に障害時の連絡体制を訓練する。", NULL});
    lesson->effect = copy_text("クラウドサービスにおいても役割や責任が明確となり、障害発生時のエスカレーションや対応を迅速に行うことができる。");
    lesson->lesson = copy_text("ユーザはクラウド型システムの障害発生に備えて、クラウド事業者と連携した統制がとれたトラブル対応体制の整備が必要である。");
    set_list(&lesson->classification.purposes, (const char *const[]){"組織・体制の整備", NULL});
    lesson->classification.importance = copy_text("企業基幹システム");
    lesson->classification.lifecycle = copy_text("運用");
    lesson->classification.service = copy_text("サービス提供");
    set_list(&lesson->classification.keywords, (const char *const[]){
        "仮想化", "共同利用", "トラブル管理", "パッチの適用", "システム再起動", NULL});
    lesson->origin.file = "guide-case.ja.xlsx";
    lesson->origin.sheet = "教訓";
    lesson->origin.row = 2;
}

/* A book with `count` lessons: G7 first, then lessons that have only an id. */
static ky_book *make_book(size_t count)
{
    ky_book *book = ky_book_new();
    assert_non_null(book);
    book->title = copy_text("guide-case.ja.xlsx");
    if (count == 0)
        return book;

    book->lessons = calloc(count, sizeof *book->lessons);
    assert_non_null(book->lessons);
    book->lesson_count = count;
    fill_lesson_g7(&book->lessons[0]);
    for (size_t i = 1; i < count; i++) {
        char id[32];
        snprintf(id, sizeof id, "T%zu", 15 + i);
        book->lessons[i].id = copy_text(id);
    }
    return book;
}

/* A why-why tree: a problem with two direct causes; the first has two root
 * causes below it, the second is a root cause itself. Each root cause has a
 * countermeasure, and the first cites two lessons. */
static void add_why_tree(ky_book *book)
{
    static const struct {
        uint32_t parent;
        uint32_t level;
        ky_why_kind kind;
        const char *text;
        const char *measure;
    } nodes[] = {
        {0, 0, KY_WHY_PROBLEM, "オンラインサービスが停止した", NULL},
        {1, 1, KY_WHY_DIRECT, "負荷分散装置に障害が発生した", NULL},
        {2, 2, KY_WHY_ROOT, "パッチを適用していなかった", "技術情報の確認サイクルを見直す"},
        {2, 2, KY_WHY_ROOT, "定期的に再起動していなかった", "定期的に再起動する"},
        {1, 1, KY_WHY_ROOT, "復旧に時間を要した", "障害時の体制を合意する"},
    };
    size_t count = sizeof nodes / sizeof nodes[0];
    book->why_nodes = calloc(count, sizeof *book->why_nodes);
    assert_non_null(book->why_nodes);
    for (size_t i = 0; i < count; i++) {
        ky_why_node *node = &book->why_nodes[i];
        node->parent = nodes[i].parent;
        node->level = nodes[i].level;
        node->kind = nodes[i].kind;
        node->text = copy_text(nodes[i].text);
        if (nodes[i].measure)
            set_list(&node->countermeasures, (const char *const[]){nodes[i].measure, NULL});
        node->origin = (ky_origin){"guide-case.ja.xlsx", "なぜなぜ分析", (uint32_t)i + 2};
    }
    set_list(&book->why_nodes[2].lesson_ids, (const char *const[]){"T16", "G7", NULL});
    book->why_count = count;
}

/* Incident status events: company A with two departments, two actors with
 * no group, and two events that share a cell. They are listed in an order
 * that differs from the sheet's columns, which the sheet report gives. */
static void add_events(ky_book *book)
{
    static const struct {
        const char *time;
        const char *group;
        const char *actor;
        const char *text;
        uint32_t row;
    } events[] = {
        {"朝４時", NULL, "B社", "メモリ不足エラーが発生した", 4},
        {"朝８時", "A社", "業務窓口", "登録の申請に対応できなかった", 5},
        {"朝８時", "A社", "情シス部門", "バックアップシステムに切り替えた", 5},
        {"朝８時", "A社", "業務窓口", "顧客に帰って頂く対応となった", 6},
        {"朝８時", NULL, "顧客", "窓口で待たされた", 6},
        {"１６時", NULL, "B社", "障害箇所が判明した", 7},
    };
    size_t count = sizeof events / sizeof events[0];
    book->events = calloc(count, sizeof *book->events);
    assert_non_null(book->events);
    for (size_t i = 0; i < count; i++) {
        ky_event *event = &book->events[i];
        event->time_text = copy_text(events[i].time);
        event->actor_group = events[i].group ? copy_text(events[i].group) : NULL;
        event->actor = copy_text(events[i].actor);
        event->text = copy_text(events[i].text);
        event->origin = (ky_origin){"guide-case.ja.xlsx", "障害状況表", events[i].row};
    }
    book->event_count = count;

    /* The sheet's columns: A 日時, B 顧客, C and D company A, E B社. */
    static const char *const headers[] = {"日時", "顧客", "A社 / 業務窓口", "A社 / 情シス部門", "B社"};
    size_t columns = sizeof headers / sizeof headers[0];
    book->sheets = calloc(1, sizeof *book->sheets);
    assert_non_null(book->sheets);
    ky_sheet_report *report = &book->sheets[0];
    report->file = copy_text("guide-case.ja.xlsx");
    report->sheet = copy_text("障害状況表");
    report->kind = KY_TABLE_STATUS;
    report->columns = calloc(columns, sizeof *report->columns);
    assert_non_null(report->columns);
    for (size_t c = 0; c < columns; c++) {
        report->columns[c].col = (uint32_t)c;
        report->columns[c].header = copy_text(headers[c]);
        report->columns[c].field = c == 0 ? "time" : "event";
    }
    report->column_count = columns;
    book->sheet_count = 1;
}

/* Return a copy of the part of `content` from `start` to the end of its table. */
static char *table_markup(const char *content, const char *start)
{
    const char *begin = strstr(content, start);
    if (!begin)
        fail_msg("\"%s\" not found", start);
    const char *end = strstr(begin, "</table:table>");
    assert_non_null(end);
    char *table = strndup(begin, (size_t)(end - begin));
    assert_non_null(table);
    return table;
}

/* ------------------------------------------------------------------------ */
/* Running the plugin and reading its output                                  */
/* ------------------------------------------------------------------------ */

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);

    const char *plugin_dir = getenv("KYOKUN_PLUGIN_PATH");
    if (!plugin_dir || !*plugin_dir)
        fail_msg("KYOKUN_PLUGIN_PATH is not set; run this test through ctest");
    char module_path[1024];
    snprintf(module_path, sizeof module_path, "%s/output-lesson-report.so", plugin_dir);
    f->module = dlopen(module_path, RTLD_NOW | RTLD_LOCAL);
    if (!f->module)
        fail_msg("Loading %s failed: %s", module_path, dlerror());

    ky_plugin_entry_fn entry = (ky_plugin_entry_fn)dlsym(f->module, KY_PLUGIN_ENTRY_SYMBOL);
    assert_non_null(entry);
    f->plugin = entry();
    assert_non_null(f->plugin);

    f->ctx = ky_ctx_new();
    assert_non_null(f->ctx);

    snprintf(f->dir, sizeof f->dir, "/tmp/ky-report-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/report.odt", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    unlink(f->path);
    rmdir(f->dir);
    ky_ctx_free(f->ctx);
    dlclose(f->module);
    free(f);
    return 0;
}

/* The options the core gives the plugin, with labels in `lang`. */
static ky_write_options test_options(const fixture *f, ky_lang lang)
{
    return (ky_write_options){
        .version = KY_WRITE_OPTIONS_VERSION,
        .lang = lang,
        .timestamp = TEST_TIMESTAMP,
        .target = f->path,
    };
}

/* Write `book` with `options` as the core does (into an existing file) and read the bytes back. */
static unsigned char *write_book_with(fixture *f, const ky_book *book,
                                      const ky_write_options *options, size_t *len)
{
    FILE *placeholder = fopen(f->path, "wb");
    assert_non_null(placeholder);
    fclose(placeholder);

    int rc = f->plugin->write(f->ctx, book, options, f->path);
    if (rc != 0)
        fail_msg("write failed (%d): %s", rc, ky_error_last(f->ctx)->message);

    FILE *file = fopen(f->path, "rb");
    assert_non_null(file);
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    assert_true(size > 0);
    rewind(file);
    unsigned char *data = malloc((size_t)size);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, file), (size_t)size);
    fclose(file);
    *len = (size_t)size;
    return data;
}

/* Write `book` with labels in `lang` and read the bytes back. */
static unsigned char *write_book(fixture *f, const ky_book *book, ky_lang lang, size_t *len)
{
    ky_write_options options = test_options(f, lang);
    return write_book_with(f, book, &options, len);
}

/* Read one entry of an in-memory zip; NUL-terminated. */
static char *read_entry(const unsigned char *zip, size_t zip_len, const char *name)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *source = zip_source_buffer_create(zip, zip_len, 0, &error);
    assert_non_null(source);
    zip_t *za = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
    assert_non_null(za);

    zip_stat_t st;
    if (zip_stat(za, name, 0, &st) != 0)
        fail_msg("entry %s not found", name);
    char *text = calloc(1, (size_t)st.size + 1);
    assert_non_null(text);
    zip_file_t *file = zip_fopen(za, name, 0);
    assert_non_null(file);
    assert_int_equal(zip_fread(file, text, st.size), (zip_int64_t)st.size);
    zip_fclose(file);
    zip_close(za);
    zip_error_fini(&error);
    return text;
}

/* Write `book` and return its content.xml. */
static char *write_content(fixture *f, const ky_book *book, ky_lang lang)
{
    size_t len;
    unsigned char *zip = write_book(f, book, lang, &len);
    char *content = read_entry(zip, len, "content.xml");
    free(zip);
    return content;
}

static uint16_t read_u16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t read_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Assert that each string of `items` occurs in `text` after the previous one. */
static void assert_in_order(const char *text, const char *const *items)
{
    const char *at = text;
    for (size_t i = 0; items[i]; i++) {
        const char *found = strstr(at, items[i]);
        if (!found)
            fail_msg("\"%s\" not found after the previous item", items[i]);
        at = found + strlen(items[i]);
    }
}

static size_t count_occurrences(const char *text, const char *needle)
{
    size_t count = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        count++;
    return count;
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                      */
/* ------------------------------------------------------------------------ */

static void test_report__descriptor(void **state)
{
    fixture *f = *state;
    assert_int_equal(f->plugin->abi_version, KY_PLUGIN_ABI_VERSION);
    assert_int_equal(f->plugin->kind, KY_PLUGIN_OUTPUT);
    assert_string_equal(f->plugin->name, "lesson-report");
    assert_non_null(f->plugin->extensions);
    assert_string_equal(f->plugin->extensions[0], "odt");
    assert_null(f->plugin->extensions[1]);
    assert_non_null(f->plugin->write);
}

/* The first local header: "mimetype", stored, no extra field, no data descriptor, real sizes. */
static void test_report__mimetype_entry(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    size_t len;
    unsigned char *zip = write_book(f, book, KY_LANG_JA, &len);
    const char media_type[] = "application/vnd.oasis.opendocument.text";

    assert_true(len > 30 + 8 + sizeof media_type);
    assert_int_equal(read_u32(zip), 0x04034b50u);
    assert_int_equal(read_u16(zip + 6) & 0x0008, 0);      /* general purpose bit 3 */
    assert_int_equal(read_u16(zip + 8), 0);               /* method: stored */
    assert_int_equal(read_u32(zip + 18), sizeof media_type - 1); /* compressed size */
    assert_int_equal(read_u32(zip + 22), sizeof media_type - 1); /* uncompressed size */
    assert_int_equal(read_u16(zip + 26), 8);              /* name length */
    assert_int_equal(read_u16(zip + 28), 0);              /* extra field length */
    assert_memory_equal(zip + 30, "mimetype", 8);
    assert_memory_equal(zip + 38, media_type, sizeof media_type - 1);

    free(zip);
    ky_book_free(book);
}

/* Every local header: no data descriptor, no extra field; the expected parts in order. */
static void test_report__zip_entries(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    size_t len;
    unsigned char *zip = write_book(f, book, KY_LANG_JA, &len);
    const char *names[] = {"mimetype", "content.xml", "styles.xml", "meta.xml", "settings.xml",
                           "META-INF/manifest.xml"};

    size_t offset = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const unsigned char *p = zip + offset;
        assert_true(offset + 30 <= len);
        assert_int_equal(read_u32(p), 0x04034b50u);
        assert_int_equal(read_u16(p + 6) & 0x0008, 0);
        assert_int_equal(read_u16(p + 8), i == 0 ? 0 : 8);
        assert_int_equal(read_u16(p + 28), 0);
        uint16_t name_len = read_u16(p + 26);
        assert_int_equal(name_len, strlen(names[i]));
        assert_memory_equal(p + 30, names[i], name_len);
        offset += 30 + name_len + read_u32(p + 18);
    }
    assert_int_equal(read_u32(zip + offset), 0x02014b50u);

    free(zip);
    ky_book_free(book);
}

static void test_report__manifest(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    size_t len;
    unsigned char *zip = write_book(f, book, KY_LANG_JA, &len);
    char *manifest = read_entry(zip, len, "META-INF/manifest.xml");

    assert_non_null(strstr(manifest, "manifest:version=\"1.3\">"));
    assert_non_null(strstr(manifest, "manifest:full-path=\"/\" manifest:version=\"1.3\" manifest:media-type=\"application/vnd.oasis.opendocument.text\""));
    const char *parts[] = {"content.xml", "styles.xml", "meta.xml", "settings.xml"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        char entry[128];
        snprintf(entry, sizeof entry, "manifest:full-path=\"%s\" manifest:media-type=\"text/xml\"", parts[i]);
        assert_non_null(strstr(manifest, entry));
    }
    assert_int_equal(count_occurrences(manifest, "<manifest:file-entry "), 5);

    free(manifest);
    free(zip);
    ky_book_free(book);
}

static void test_report__g7_sections_in_order(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    char *content = write_content(f, book, KY_LANG_JA);

    assert_in_order(content, (const char *const[]){
        ">guide-case.ja.xlsx</text:p>",
        "作成日：2023-11-14",
        "[G7] クラウド事業者と利用者が連携した統制がとれたトラブル対応体制を整備すべし</text:h>",
        ">問題</text:h>", WHITESPACE_XML,
        ">原因</text:h>", ">直接原因</text:h>", "C社製負荷分散装置の sodプロセス",
        ">根本原因</text:h>", "運用時のトラブル管理体制が決まっていなかった。",
        ">対策</text:h>", ">再発防止策</text:h>", "トラブル対応の体制の強化",
        ">未然防止策</text:h>", "クラウド移行前に障害時の連絡体制を訓練する。",
        ">効果</text:h>", "エスカレーションや対応を迅速に行うことができる。",
        ">教訓</text:h>", "ユーザはクラウド型システムの障害発生に備えて",
        ">分類</text:h>", ">項番<", ">分類カテゴリ<", ">分類結果<",
        ">活用する目的<", ">組織・体制の整備<",
        ">情報処理システムの重要度<", ">企業基幹システム<",
        ">ソフトウェアライフサイクルプロセス<", ">運用<",
        ">運用・サービスプロセス<", ">サービス提供<",
        ">キーワード<", ">仮想化、共同利用、トラブル管理、パッチの適用、システム再起動<",
        NULL});

    free(content);
    ky_book_free(book);
}

/* A lead-in of the direct causes is a body paragraph above the bulleted list. */
static void test_report__list_lead_in_paragraph(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    book->lessons[0].direct_causes.lead_in = 1;
    char *content = write_content(f, book, KY_LANG_JA);

    assert_in_order(content, (const char *const[]){
        ">直接原因</text:h>\n"
        "<text:p text:style-name=\"Text_20_body\">C社製負荷分散装置の sodプロセス",
        "</text:p>\n<text:list text:style-name=\"List_20_Bullet\">\n"
        "<text:list-item><text:p text:style-name=\"List_20_Paragraph\">[31mpingが通ったことから",
        "</text:list>\n<text:h text:style-name=\"Heading_20_3\" text:outline-level=\"3\">根本原因</text:h>",
        NULL});
    /* The root causes have no lead-in: their first item is a list item. */
    assert_non_null(strstr(content, "<text:list text:style-name=\"Numbering_20_123\">\n"
                                    "<text:list-item><text:p text:style-name=\"List_20_Paragraph\">"
                                    "運用時のトラブル管理体制が決まっていなかった。"));

    free(content);
    ky_book_free(book);
}

static void test_report__text_escaped(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    char *content = write_content(f, book, KY_LANG_JA);

    assert_non_null(strstr(content, WHITESPACE_XML));
    assert_non_null(strstr(content, "役割分担 &amp; サービスレベル &lt;SLA&gt; が"));
    assert_non_null(strstr(content, ">[31mpingが通ったことから、B社はシステムの運用に問題ないと誤認した。</text:p>"));

    /* No control character is left anywhere; the part's own line ends are LF. */
    for (const unsigned char *p = (const unsigned char *)content; *p; p++) {
        if (*p < 0x20 && *p != '\n')
            fail_msg("control character 0x%02x at offset %td", *p, (const char *)p - content);
    }
    /* One warning for the lesson whose text lost characters. */
    assert_int_equal(ky_ctx_count(f->ctx, KY_SEV_WARNING), 1);

    free(content);
    ky_book_free(book);
}

static void test_report__english_labels(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    size_t len;
    unsigned char *zip = write_book(f, book, KY_LANG_EN, &len);
    char *content = read_entry(zip, len, "content.xml");
    char *styles = read_entry(zip, len, "styles.xml");

    assert_in_order(content, (const char *const[]){
        "Created: 2023-11-14",
        ">Problem</text:h>", ">Cause</text:h>", ">Direct cause</text:h>", ">Root cause</text:h>",
        ">Countermeasures</text:h>", ">Recurrence prevention</text:h>",
        ">Preventive measures</text:h>", ">Effect</text:h>", ">Lesson</text:h>",
        ">Classification</text:h>", ">Purpose of use<", ">Keywords<",
        ">仮想化, 共同利用, トラブル管理, パッチの適用, システム再起動<",
        NULL});
    assert_null(strstr(content, ">問題</text:h>"));
    assert_non_null(strstr(styles, "fo:language=\"en\" fo:country=\"US\""));
    assert_non_null(strstr(styles, "style:language-asian=\"ja\" style:country-asian=\"JP\""));

    free(styles);
    free(content);
    free(zip);
    ky_book_free(book);
}

static void test_report__styles_declare_japanese_fonts(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    size_t len;
    unsigned char *zip = write_book(f, book, KY_LANG_JA, &len);
    char *styles = read_entry(zip, len, "styles.xml");

    assert_non_null(strstr(styles, "office:version=\"1.3\""));
    assert_non_null(strstr(styles, "<style:font-face style:name=\"Noto Sans CJK JP\""));
    assert_non_null(strstr(styles, "<style:font-face style:name=\"Noto Serif CJK JP\""));
    assert_non_null(strstr(styles, "svg:name=\"IPAexGothic\""));
    assert_non_null(strstr(styles, "svg:name=\"IPAexMincho\""));
    assert_non_null(strstr(styles, "style:font-name-asian=\"Noto Serif CJK JP\""));
    assert_non_null(strstr(styles, "fo:language=\"ja\" fo:country=\"JP\""));
    assert_non_null(strstr(styles, "style:language-asian=\"ja\" style:country-asian=\"JP\""));
    assert_non_null(strstr(styles, "fo:page-width=\"21cm\" fo:page-height=\"29.7cm\""));
    assert_non_null(strstr(styles, "<text:page-number"));
    assert_non_null(strstr(styles, "style:name=\"Lesson_20_Title\""));
    assert_non_null(strstr(styles, "fo:break-before=\"page\""));

    free(styles);
    free(zip);
    ky_book_free(book);
}

static void test_report__meta(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    size_t len;
    unsigned char *zip = write_book(f, book, KY_LANG_JA, &len);
    char *meta = read_entry(zip, len, "meta.xml");
    char generator[64];
    snprintf(generator, sizeof generator, "<meta:generator>kyokun/%s</meta:generator>", ky_version());

    assert_non_null(strstr(meta, "office:version=\"1.3\""));
    assert_non_null(strstr(meta, generator));
    assert_non_null(strstr(meta, "<dc:title>guide-case.ja.xlsx</dc:title>"));
    assert_non_null(strstr(meta, "<meta:creation-date>2023-11-14T22:13:20Z</meta:creation-date>"));

    free(meta);
    free(zip);
    ky_book_free(book);
}

/* Every lesson gets a page of its own, a table with styled columns, and a
 * dash for each empty section. */
static void test_report__empty_sections_show_dash(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(2);
    char *content = write_content(f, book, KY_LANG_JA);

    assert_int_equal(count_occurrences(content, "text:style-name=\"Lesson_20_Title\""), 2);
    assert_int_equal(count_occurrences(content, "<table:table "), 2);
    assert_int_equal(count_occurrences(content, "<table:table-column table:style-name=\"Classification."), 6);
    assert_int_equal(count_occurrences(content, "<table:table-column/>"), 0);

    /* Lesson T16 has only its id: no title, seven empty sections and five empty axes. */
    const char *t16 = strstr(content, "[T16] ―</text:h>");
    assert_non_null(t16);
    assert_int_equal(count_occurrences(t16, "<text:p text:style-name=\"Text_20_body\">―</text:p>"), 7);
    assert_int_equal(count_occurrences(t16, ">―</text:p></table:table-cell>"), 5);
    assert_null(strstr(t16, "<text:list "));

    free(content);
    ky_book_free(book);
}

/* The contents page comes after the title page and lists every lesson, linked to its heading. */
static void test_report__contents_lists_lessons(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(3);
    char *content = write_content(f, book, KY_LANG_JA);

    assert_int_equal(count_occurrences(content, "<text:table-of-content "), 1);
    assert_non_null(strstr(content, "<text:table-of-content-source text:outline-level=\"1\""));
    /* Three lessons and the index, which lists G7's classification. */
    assert_int_equal(count_occurrences(content, "<text:p text:style-name=\"Contents_20_1\">"), 4);
    assert_in_order(content, (const char *const[]){
        "教訓の数：3",
        "<text:table-of-content ",
        "<text:p text:style-name=\"Contents_20_Heading\">目次</text:p>",
        "xlink:href=\"#Lesson1\"", "[G7] クラウド事業者と利用者が連携した統制がとれたトラブル対応体制を整備すべし</text:a>",
        "text:ref-name=\"Lesson1\"",
        "xlink:href=\"#Lesson2\"", "[T16] ―</text:a>",
        "xlink:href=\"#Lesson3\"", "[T17] ―</text:a>",
        "xlink:href=\"#LessonIndex\"", "索引</text:a>",
        "</text:table-of-content>",
        "<text:bookmark text:name=\"Lesson1\"/>[G7] ",
        "<text:bookmark text:name=\"Lesson2\"/>[T16] ",
        "<text:bookmark text:name=\"Lesson3\"/>[T17] ",
        NULL});

    free(content);
    ky_book_free(book);
}

/* A book with neither why-why nodes nor events has no analysis pages or
 * entries; the index is the only page with a back-page heading. */
static void test_report__no_analysis_pages(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    char *content = write_content(f, book, KY_LANG_JA);

    assert_int_equal(count_occurrences(content, "Analysis_20_Title"), 1);
    assert_non_null(strstr(content, "<text:bookmark text:name=\"LessonIndex\"/>索引</text:h>"));
    assert_null(strstr(content, "なぜなぜ分析"));
    assert_null(strstr(content, "障害状況表"));
    assert_null(strstr(content, "table:style-name=\"Analysis"));
    assert_int_equal(count_occurrences(content, "<table:table "), 1);

    free(content);
    ky_book_free(book);
}

/* Each node's cell spans the rows of its branches; covered cells fill the rows below. */
static void test_report__why_tree_spans(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    add_why_tree(book);
    char *content = write_content(f, book, KY_LANG_JA);
    char *table = table_markup(content, "<table:table table:name=\"WhyWhy1\"");

    /* 問題, なぜ1 and なぜ2 share one repeated column style; the last column has its own. */
    assert_non_null(strstr(table, "<table:table-column table:style-name=\"Why.Node\" table:number-columns-repeated=\"3\"/>"
                                  "<table:table-column table:style-name=\"Why.Measures\"/>"));
    assert_non_null(strstr(content, "<style:style style:name=\"Why.Node\" style:family=\"table-column\">"
                                    "<style:table-column-properties style:column-width=\"4.33cm\""));
    assert_in_order(table, (const char *const[]){">問題<", ">なぜ1<", ">なぜ2<", ">対策（教訓ID）<", NULL});
    assert_null(strstr(table, ">なぜ3<"));

    /* Three rows: the problem spans all three, the first direct cause two. */
    assert_int_equal(count_occurrences(table, "table:number-rows-spanned="), 2);
    assert_in_order(table, (const char *const[]){
        "<table:table-row><table:table-cell table:style-name=\"Analysis.Cell\" office:value-type=\"string\""
        " table:number-rows-spanned=\"3\"><text:p text:style-name=\"Table_20_Contents_20_Small\">オンラインサービスが停止した</text:p>",
        "<table:table-cell table:style-name=\"Analysis.Cell\" office:value-type=\"string\""
        " table:number-rows-spanned=\"2\"><text:p text:style-name=\"Table_20_Contents_20_Small\">負荷分散装置に障害が発生した</text:p>",
        ">パッチを適用していなかった（根本原因）</text:p>",
        "</table:table-row>\n<table:table-row><table:covered-table-cell/><table:covered-table-cell/>"
        "<table:table-cell table:style-name=\"Analysis.RootCell\"",
        ">定期的に再起動していなかった（根本原因）</text:p>",
        "</table:table-row>\n<table:table-row><table:covered-table-cell/>"
        "<table:table-cell table:style-name=\"Analysis.RootCell\" office:value-type=\"string\">",
        ">復旧に時間を要した（根本原因）</text:p></table:table-cell>"
        "<table:table-cell table:style-name=\"Analysis.Cell\"/>",
        "</table:table-row>",
        NULL});
    assert_int_equal(count_occurrences(table, "<table:table-row>"), 4);
    assert_int_equal(count_occurrences(table, "<table:covered-table-cell/>"), 3);

    /* Root causes: shaded, bold and marked; the other nodes are not. */
    assert_int_equal(count_occurrences(table, "table:style-name=\"Analysis.RootCell\""), 3);
    assert_int_equal(count_occurrences(table, "<text:p text:style-name=\"Table_20_Root_20_Cause\">"), 3);
    assert_int_equal(count_occurrences(table, "（根本原因）"), 3);
    assert_null(strstr(table, "障害が発生した（根本原因）"));

    /* The last column: each root cause's countermeasure, then the lessons it cites. */
    assert_in_order(table, (const char *const[]){
        ">パッチを適用していなかった（根本原因）</text:p></table:table-cell>"
        "<table:table-cell table:style-name=\"Analysis.Cell\" office:value-type=\"string\">"
        "<text:p text:style-name=\"Table_20_Contents_20_Small\">技術情報の確認サイクルを見直す</text:p>"
        "<text:p text:style-name=\"Table_20_Contents_20_Small\">教訓ID：T16、G7</text:p></table:table-cell>",
        ">定期的に再起動する</text:p></table:table-cell>",
        ">障害時の体制を合意する</text:p></table:table-cell>",
        NULL});
    assert_int_equal(count_occurrences(table, "教訓ID："), 1);

    /* The page has its heading and a contents entry. */
    assert_in_order(content, (const char *const[]){
        "xlink:href=\"#WhyWhyAnalysis\"", ">なぜなぜ分析</text:a>",
        "<text:h text:style-name=\"Analysis_20_Title\" text:outline-level=\"1\">"
        "<text:bookmark text:name=\"WhyWhyAnalysis\"/>なぜなぜ分析</text:h>",
        "<table:table table:name=\"WhyWhy1\"",
        NULL});
    assert_null(strstr(content, "障害状況表"));

    free(table);
    free(content);
    ky_book_free(book);
}

/* Two header rows: company A spans its departments, actors without a company fill both rows. */
static void test_report__status_table_headers(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    add_events(book);
    char *content = write_content(f, book, KY_LANG_JA);
    char *table = table_markup(content, "<table:table table:name=\"IncidentStatus1\"");

    assert_non_null(strstr(table, "<table:table-column table:style-name=\"Status.Time\"/>"
                                  "<table:table-column table:style-name=\"Status.Actor4\""
                                  " table:number-columns-repeated=\"4\"/>"));
    assert_non_null(strstr(content, "<style:style style:name=\"Status.Actor4\" style:family=\"table-column\">"
                                    "<style:table-column-properties style:column-width=\"3.80cm\""));

    /* The actors come in the sheet's column order, not in the order of their first events.
     * 日時, 顧客 and B社 take an upper cell with the text over an empty lower cell. */
    const char *upper_cell = "<table:table-cell table:style-name=\"Analysis.HeaderCellUpper\" office:value-type=\"string\"";
    const char *header_cell = "<table:table-cell table:style-name=\"Analysis.HeaderCell\" office:value-type=\"string\"";
    const char *header_text = "><text:p text:style-name=\"Table_20_Heading_20_Small\">";
    char upper[1024];
    snprintf(upper, sizeof upper,
             "<table:table-header-rows><table:table-row table:style-name=\"Status.HeaderRow\">"
             "%s%s日時</text:p></table:table-cell>"
             "%s%s顧客</text:p></table:table-cell>"
             "%s table:number-columns-spanned=\"2\"%sA社</text:p></table:table-cell>"
             "<table:covered-table-cell/>"
             "%s%sB社</text:p></table:table-cell>"
             "</table:table-row>\n",
             upper_cell, header_text, upper_cell, header_text, header_cell, header_text,
             upper_cell, header_text);
    assert_non_null(strstr(table, upper));

    const char *lower_empty = "<table:table-cell table:style-name=\"Analysis.HeaderCellLower\"/>";
    char lower[1024];
    snprintf(lower, sizeof lower,
             "<table:table-row table:style-name=\"Status.HeaderRow\">%s%s"
             "%s%s業務窓口</text:p></table:table-cell>"
             "%s%s情シス部門</text:p></table:table-cell>"
             "%s</table:table-row>\n</table:table-header-rows>",
             lower_empty, lower_empty, header_cell, header_text, header_cell, header_text,
             lower_empty);
    assert_non_null(strstr(table, lower));

    /* One row per time label, in row order; two events of one cell are two paragraphs. */
    assert_int_equal(count_occurrences(table, "<table:table-row table:style-name=\"Status.HeaderRow\">"), 2);
    assert_int_equal(count_occurrences(table, "<table:table-row table:style-name=\"Status.Row\">"), 3);
    assert_in_order(table, (const char *const[]){
        "</table:table-header-rows>",
        ">朝４時</text:p>", ">メモリ不足エラーが発生した</text:p>",
        ">朝８時</text:p>", ">窓口で待たされた</text:p>",
        ">登録の申請に対応できなかった</text:p><text:p text:style-name=\"Table_20_Contents_20_Small\">"
        "顧客に帰って頂く対応となった</text:p></table:table-cell>",
        ">バックアップシステムに切り替えた</text:p>",
        ">１６時</text:p>", ">障害箇所が判明した</text:p>",
        NULL});
    assert_non_null(strstr(content, ">障害状況表</text:a>"));
    assert_non_null(strstr(content, "<text:bookmark text:name=\"IncidentStatus\"/>障害状況表</text:h>"));
    assert_null(strstr(content, "なぜなぜ分析"));

    free(table);
    free(content);
    ky_book_free(book);
}

/* Header cells wrap: no row has a fixed height and no header cell spans rows,
 * so the repeated header rows on a continued page show all their text. */
static void test_report__status_rows_wrap(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    add_events(book);
    char *content = write_content(f, book, KY_LANG_JA);
    char *table = table_markup(content, "<table:table table:name=\"IncidentStatus1\"");

    assert_non_null(strstr(content, "<style:style style:name=\"Status.HeaderRow\" style:family=\"table-row\">"
                                    "<style:table-row-properties style:use-optimal-row-height=\"true\""
                                    " fo:keep-together=\"always\"/></style:style>"));
    assert_non_null(strstr(content, "<style:style style:name=\"Status.Row\" style:family=\"table-row\">"
                                    "<style:table-row-properties style:use-optimal-row-height=\"true\""
                                    " fo:keep-together=\"always\"/></style:style>"));
    assert_null(strstr(content, "style:row-height="));
    assert_null(strstr(content, "style:min-row-height="));
    assert_null(strstr(table, "table:number-rows-spanned="));
    assert_int_equal(count_occurrences(table, "<table:table-row>"), 0);

    free(table);
    free(content);
    ky_book_free(book);
}

/* Events of one cell follow their origin rows, whatever their order in the book. */
static void test_report__status_events_row_order(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    add_events(book);
    /* Events 1 and 3 share the cell 朝８時 / A社 業務窓口 (rows 5 and 6); swap them in the book. */
    ky_event swap = book->events[1];
    book->events[1] = book->events[3];
    book->events[3] = swap;
    char *content = write_content(f, book, KY_LANG_JA);
    char *table = table_markup(content, "<table:table table:name=\"IncidentStatus1\"");

    assert_non_null(strstr(table,
        ">登録の申請に対応できなかった</text:p><text:p text:style-name=\"Table_20_Contents_20_Small\">"
        "顧客に帰って頂く対応となった</text:p></table:table-cell>"));
    assert_null(strstr(table, ">顧客に帰って頂く対応となった</text:p><text:p"));

    free(table);
    free(content);
    ky_book_free(book);
}

/* The classification table never breaks between rows, and its heading keeps with it. */
static void test_report__classification_kept_together(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    size_t len;
    unsigned char *zip = write_book(f, book, KY_LANG_JA, &len);
    char *content = read_entry(zip, len, "content.xml");
    char *styles = read_entry(zip, len, "styles.xml");

    assert_non_null(strstr(content, "<style:style style:name=\"Classification\" style:family=\"table\">"
                                    "<style:table-properties style:width=\"17.0cm\" table:align=\"margins\""
                                    " fo:margin-top=\"0.1cm\" fo:margin-bottom=\"0cm\""
                                    " style:may-break-between-rows=\"false\"/></style:style>"));
    /* The heading right before the table is a level 2 heading ... */
    assert_non_null(strstr(content, "<text:h text:style-name=\"Heading_20_2\" text:outline-level=\"2\">分類</text:h>\n"
                                    "<table:table table:name=\"Classification1\" table:style-name=\"Classification\">"));
    /* ... whose style inherits keep-with-next from Heading. */
    assert_non_null(strstr(styles, "<style:style style:name=\"Heading_20_2\" style:display-name=\"Heading 2\""
                                   " style:family=\"paragraph\" style:parent-style-name=\"Heading\""));
    const char *heading = strstr(styles, "<style:style style:name=\"Heading\" ");
    assert_non_null(heading);
    const char *heading_end = strstr(heading, "</style:style>");
    assert_non_null(heading_end);
    const char *keep = strstr(heading, "fo:keep-with-next=\"always\"");
    assert_non_null(keep);
    assert_true(keep < heading_end);
    /* The lesson body is 10.5 pt, the document default. */
    assert_non_null(strstr(styles, "<style:text-properties style:font-name=\"Noto Serif CJK JP\" fo:font-size=\"10.5pt\""));

    free(styles);
    free(content);
    free(zip);
    ky_book_free(book);
}

static void test_report__no_lessons(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(0);
    size_t len;
    unsigned char *zip = write_book(f, book, KY_LANG_JA, &len);
    char *content = read_entry(zip, len, "content.xml");

    assert_non_null(strstr(content, "この文書には教訓がありません。"));
    assert_non_null(strstr(content, "教訓の数：0"));
    assert_null(strstr(content, "<table:table "));
    assert_null(strstr(content, "Lesson_20_Title\""));
    /* Nothing to list, so no contents page. */
    assert_null(strstr(content, "<text:table-of-content"));
    assert_null(strstr(content, "目次"));
    assert_non_null(strstr(content, "</office:text>"));

    free(content);
    free(zip);
    ky_book_free(book);
}

/* A book with events but no lessons keeps its contents page, which lists the status page. */
static void test_report__no_lessons_with_status(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(0);
    add_events(book);
    char *content = write_content(f, book, KY_LANG_JA);

    assert_int_equal(count_occurrences(content, "<text:table-of-content "), 1);
    assert_int_equal(count_occurrences(content, "<text:p text:style-name=\"Contents_20_1\">"), 1);
    assert_in_order(content, (const char *const[]){
        "<text:p text:style-name=\"Contents_20_Heading\">目次</text:p>",
        "xlink:href=\"#IncidentStatus\"", ">障害状況表</text:a>",
        "</text:table-of-content>",
        "<text:bookmark text:name=\"IncidentStatus\"/>障害状況表</text:h>",
        NULL});

    free(content);
    ky_book_free(book);
}

static void test_report__output_deterministic(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(3);
    size_t first_len, second_len;
    unsigned char *first = write_book(f, book, KY_LANG_JA, &first_len);
    unsigned char *second = write_book(f, book, KY_LANG_JA, &second_len);

    assert_int_equal(first_len, second_len);
    assert_memory_equal(first, second, first_len);

    free(first);
    free(second);
    ky_book_free(book);
}

static void test_report__wrong_options_version(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(0);
    ky_write_options options = {.version = KY_WRITE_OPTIONS_VERSION + 1};

    assert_int_equal(f->plugin->write(f->ctx, book, &options, f->path), KY_EINVAL);
    assert_non_null(ky_error_last(f->ctx));
    ky_book_free(book);
}

/* Write an ODF text package with a mimetype entry and `styles` as its styles.xml. */
static void write_template(const char *path, const char *styles, size_t len)
{
    static const char media_type[] = "application/vnd.oasis.opendocument.text";
    int error = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &error);
    assert_non_null(za);
    zip_source_t *source = zip_source_buffer(za, media_type, sizeof media_type - 1, 0);
    assert_non_null(source);
    assert_true(zip_file_add(za, "mimetype", source, ZIP_FL_OVERWRITE) >= 0);
    source = zip_source_buffer(za, styles, len, 0);
    assert_non_null(source);
    assert_true(zip_file_add(za, "styles.xml", source, ZIP_FL_OVERWRITE) >= 0);
    assert_int_equal(zip_close(za), 0);
}

/* A template whose styles.xml does not decode in its declared encoding fails
 * with a message that names this problem, and libxml2 prints nothing to stderr
 * (found by fuzz_template: libxml2 2.9 printed "encoding error" and "I/O
 * error" lines). */
static void test_report__template_bad_encoding_quiet(void **state)
{
    fixture *f = *state;
    static const char styles[] =
        "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n"
        "<office:document-styles xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\">"
        "<office:styles/>\x82\xff\x82</office:document-styles>";
    char template_path[160];
    char stderr_path[160];
    snprintf(template_path, sizeof template_path, "%s/template.odt", f->dir);
    snprintf(stderr_path, sizeof stderr_path, "%s/stderr.txt", f->dir);
    write_template(template_path, styles, sizeof styles - 1);
    ky_book *book = make_book(1);
    ky_write_options options = test_options(f, KY_LANG_JA);
    options.reference_odt = template_path;

    /* Send stderr to a file while the plugin writes. */
    fflush(stderr);
    int saved_stderr = dup(STDERR_FILENO);
    int captured = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved_stderr >= 0);
    assert_true(captured >= 0);
    assert_true(dup2(captured, STDERR_FILENO) >= 0);
    int rc = f->plugin->write(f->ctx, book, &options, f->path);
    fflush(stderr);
    assert_true(dup2(saved_stderr, STDERR_FILENO) >= 0);
    close(saved_stderr);
    close(captured);

    assert_int_equal(rc, KY_EPARSE);
    const ky_error *error = ky_error_last(f->ctx);
    assert_non_null(error);
    assert_non_null(strstr(error->message, template_path));
    assert_non_null(strstr(error->message,
                           "styles.xml cannot be decoded in the encoding it declares"));
    struct stat st;
    assert_int_equal(stat(stderr_path, &st), 0);
    assert_int_equal(st.st_size, 0);

    unlink(template_path);
    unlink(stderr_path);
    ky_book_free(book);
}

/* The title page names the organisation between the subtitle and the date; without one it has no such line. */
static void test_report__title_page_organization(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    ky_write_options options = test_options(f, KY_LANG_JA);
    options.organization = "情報システム部 品質管理グループ & <QA>";
    size_t len;
    unsigned char *zip = write_book_with(f, book, &options, &len);
    char *content = read_entry(zip, len, "content.xml");
    char generator[64];
    snprintf(generator, sizeof generator, "作成ツール：kyokun %s", ky_version());

    assert_in_order(content, (const char *const[]){
        "<text:p text:style-name=\"Title\">guide-case.ja.xlsx</text:p>",
        "<text:p text:style-name=\"Subtitle\">ITシステム障害の教訓</text:p>",
        "組織：情報システム部 品質管理グループ &amp; &lt;QA&gt;</text:p>",
        "作成日：2023-11-14</text:p>",
        generator,
        "教訓の数：1</text:p>",
        "<text:table-of-content ",
        NULL});
    free(content);
    free(zip);

    content = write_content(f, book, KY_LANG_EN);
    assert_null(strstr(content, "Organization"));
    assert_non_null(strstr(content, "Created: 2023-11-14"));
    free(content);

    /* The English label is spelt like the rest of the English text ("organisation"). */
    options = test_options(f, KY_LANG_EN);
    options.organization = "IT Quality Group";
    zip = write_book_with(f, book, &options, &len);
    content = read_entry(zip, len, "content.xml");
    assert_non_null(strstr(content, "Organisation: IT Quality Group</text:p>"));
    assert_null(strstr(content, "Organization"));
    free(content);
    free(zip);
    ky_book_free(book);
}

/* Collect the messages of the warnings the plugin emits, one per line. */
static void record_warning(const ky_diag *diag, void *payload)
{
    ky_buf *messages = payload;
    if (diag->severity == KY_SEV_WARNING) {
        assert_int_equal(ky_buf_puts(messages, diag->message), 0);
        assert_int_equal(ky_buf_putc(messages, '\n'), 0);
    }
}

/* Control characters in the organisation are removed and warned about once, as the organisation's. */
static void test_report__organization_cleaned(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(0);
    ky_buf warnings = {0};
    ky_ctx_set_handler(f->ctx, record_warning, KY_SEV_WARNING, &warnings);
    ky_write_options options = test_options(f, KY_LANG_JA);
    options.organization = "品質\x01管理\x7f";
    size_t len;
    unsigned char *zip = write_book_with(f, book, &options, &len);
    char *content = read_entry(zip, len, "content.xml");

    assert_non_null(strstr(content, "組織：品質管理</text:p>"));
    assert_non_null(warnings.data);
    assert_string_equal(warnings.data, "The organization name had 2 control characters or invalid "
                                       "UTF-8 sequences; they were removed or replaced with U+FFFD.\n");

    free(content);
    free(zip);
    ky_buf_free(&warnings);
    ky_book_free(book);
}

/* Set the classification of a lesson that has only an id. */
static void classify(ky_lesson *lesson, const char *const *purposes, const char *importance,
                     const char *const *keywords)
{
    set_list(&lesson->classification.purposes, purposes);
    lesson->classification.importance = copy_text(importance);
    set_list(&lesson->classification.keywords, keywords);
}

/* The index lists each axis's values in byte order, each with its lessons in book order. */
static void test_report__index_by_classification(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(3);
    classify(&book->lessons[1], (const char *const[]){"運用手順の整備", "組織・体制の整備", NULL},
             "企業基幹システム", (const char *const[]){"共同利用", "連絡体制", "共同利用", NULL});
    classify(&book->lessons[2], (const char *const[]){"運用手順の整備", NULL}, "社会インフラ",
             (const char *const[]){"DNS", "cloud", NULL});
    book->lessons[2].title = copy_text("設定変更は & 二人で確認する");
    char *content = write_content(f, book, KY_LANG_JA);

    const char *index = strstr(content, "<text:bookmark text:name=\"LessonIndex\"/>索引</text:h>");
    assert_non_null(index);
    /* Byte order of UTF-8 is code point order: ASCII first, without case
     * ("cloud" before "DNS"), and 組 (U+7D44) before 運 (U+904B). */
    assert_in_order(index, (const char *const[]){
        "<text:p text:style-name=\"Index_20_Heading\">活用する目的</text:p>",
        "<text:p text:style-name=\"Index_20_1\">組織・体制の整備</text:p>",
        "xlink:href=\"#Lesson1\"", "[G7] クラウド事業者",
        "text:ref-name=\"Lesson1\"",
        "xlink:href=\"#Lesson2\"", "[T16] ―</text:a>",
        "<text:p text:style-name=\"Index_20_1\">運用手順の整備</text:p>",
        "xlink:href=\"#Lesson2\"", "xlink:href=\"#Lesson3\"", "[T17] 設定変更は &amp; 二人で確認する</text:a>",
        "<text:p text:style-name=\"Index_20_Heading\">情報処理システムの重要度</text:p>",
        "<text:p text:style-name=\"Index_20_1\">企業基幹システム</text:p>",
        "xlink:href=\"#Lesson1\"", "xlink:href=\"#Lesson2\"",
        "<text:p text:style-name=\"Index_20_1\">社会インフラ</text:p>",
        "xlink:href=\"#Lesson3\"",
        "<text:p text:style-name=\"Index_20_Heading\">ソフトウェアライフサイクルプロセス</text:p>",
        "<text:p text:style-name=\"Index_20_1\">運用</text:p>",
        "<text:p text:style-name=\"Index_20_Heading\">運用・サービスプロセス</text:p>",
        "<text:p text:style-name=\"Index_20_1\">サービス提供</text:p>",
        "<text:p text:style-name=\"Index_20_Heading\">キーワード</text:p>",
        "<text:p text:style-name=\"Index_20_1\">cloud</text:p>",
        "<text:p text:style-name=\"Index_20_1\">DNS</text:p>",
        "xlink:href=\"#Lesson3\"",
        "<text:p text:style-name=\"Index_20_1\">共同利用</text:p>",
        "xlink:href=\"#Lesson1\"", "xlink:href=\"#Lesson2\"",
        "<text:p text:style-name=\"Index_20_1\">連絡体制</text:p>",
        "</office:text>",
        NULL});
    /* T16 lists 共同利用 twice but shows once under it. */
    const char *shared = strstr(index, ">共同利用</text:p>");
    const char *next_value = strstr(shared, ">連絡体制</text:p>");
    assert_non_null(next_value);
    size_t t16_links = 0;
    for (const char *p = strstr(shared, "#Lesson2\""); p && p < next_value; p = strstr(p + 1, "#Lesson2\""))
        t16_links++;
    assert_int_equal(t16_links, 1);

    free(content);
    ky_book_free(book);
}

/* A book whose lessons have no classification has no index page. */
static void test_report__no_index_without_values(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(0);
    book->lessons = calloc(1, sizeof *book->lessons);
    assert_non_null(book->lessons);
    book->lesson_count = 1;
    book->lessons[0].id = copy_text("T1");
    book->lessons[0].classification.service = copy_text("  ");
    set_list(&book->lessons[0].classification.keywords, (const char *const[]){"", NULL});
    char *content = write_content(f, book, KY_LANG_JA);

    assert_null(strstr(content, "LessonIndex"));
    assert_null(strstr(content, "Index_20_1"));

    free(content);
    ky_book_free(book);
}

/* Derived and suggested values carry the inferred mark and a short evidence; read values do not. */
static void test_report__inferred_values_marked(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    ky_classification *c = &book->lessons[0].classification;
    c->provenance[KY_AXIS_PURPOSE].source = KY_VALUE_READ;
    c->provenance[KY_AXIS_IMPORTANCE].source = KY_VALUE_DERIVED;
    c->provenance[KY_AXIS_IMPORTANCE].evidence = copy_text("影響額 1,200万円 ≥ 1,000万円 → Type III");
    c->provenance[KY_AXIS_KEYWORDS].source = KY_VALUE_SUGGESTED;
    /* 70 characters: the report shows the first 59 and "…". */
    c->provenance[KY_AXIS_KEYWORDS].evidence = copy_text(
        "0123456789012345678901234567890123456789012345678901234567890123456789");
    c->provenance[KY_AXIS_SERVICE].source = KY_VALUE_SUGGESTED; /* no evidence */
    char *content = write_content(f, book, KY_LANG_JA);
    char *table = table_markup(content, "<table:table table:name=\"Classification1\"");

    assert_int_equal(count_occurrences(table, "（推定）"), 3);
    assert_in_order(table, (const char *const[]){
        ">活用する目的<", ">組織・体制の整備</text:p>",
        ">情報処理システムの重要度<",
        ">企業基幹システム<text:span text:style-name=\"Inferred_20_Value\">（推定）</text:span></text:p>",
        "<text:p text:style-name=\"Table_20_Contents_20_Small\">根拠：影響額 1,200万円 ≥ 1,000万円 → Type III</text:p>",
        ">ソフトウェアライフサイクルプロセス<", ">運用</text:p>",
        ">運用・サービスプロセス<",
        ">サービス提供<text:span text:style-name=\"Inferred_20_Value\">（推定）</text:span></text:p></table:table-cell>",
        ">キーワード<",
        "システム再起動<text:span text:style-name=\"Inferred_20_Value\">（推定）</text:span></text:p>",
        "根拠：01234567890123456789012345678901234567890123456789012345678…</text:p>",
        NULL});
    free(table);
    free(content);

    content = write_content(f, book, KY_LANG_EN);
    table = table_markup(content, "<table:table table:name=\"Classification1\"");
    assert_int_equal(count_occurrences(table, " (inferred)</text:span>"), 3);
    assert_non_null(strstr(table, "Evidence: 影響額"));
    assert_null(strstr(table, "推定"));
    free(table);
    free(content);
    ky_book_free(book);
}

/* A lesson whose id kyokun made has a note about it under its title. */
static void test_report__generated_id_noted(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(2);
    book->lessons[1].id_generated = true;
    char *content = write_content(f, book, KY_LANG_JA);

    assert_int_equal(count_occurrences(content, "kyokun が付けました"), 1);
    assert_in_order(content, (const char *const[]){
        "<text:bookmark text:name=\"Lesson2\"/>[T16] ―</text:h>\n"
        "<text:p text:style-name=\"Text_20_body\"><text:span text:style-name=\"Inferred_20_Value\">"
        "教訓IDは入力になかったため、kyokun が付けました。",
        NULL});

    free(content);
    ky_book_free(book);
}

/* Incidents with main causes: 3 × 運用ミス, 2 × ソフトウェア障害, 1 × ハードウェア障害, 1 without. */
static void add_incidents(ky_book *book)
{
    static const char *const causes[] = {"ソフトウェア障害", "運用ミス", NULL, "運用ミス",
                                         "ハードウェア障害", "ソフトウェア障害", "運用ミス"};
    size_t count = sizeof causes / sizeof causes[0];
    book->incidents = calloc(count, sizeof *book->incidents);
    assert_non_null(book->incidents);
    for (size_t i = 0; i < count; i++) {
        ky_incident *incident = &book->incidents[i];
        char id[32];
        snprintf(id, sizeof id, "%zu", i + 1);
        incident->id = copy_text(id);
        incident->main_cause = causes[i] ? copy_text(causes[i]) : NULL;
        incident->occurred = NAN;
        incident->damage_yen = NAN;
        incident->effort_pm = NAN;
    }
    book->incident_count = count;
}

/* Find the next bar of the chart at or after `at`: its cause (from its
 * title), its height, and where the search goes on. NULL when none is left. */
static const char *next_bar(const char *at, char *cause, size_t cause_size, double *height)
{
    const char *bar = strstr(at, "<rect class=\"bar\"");
    if (!bar)
        return NULL;
    const char *h = strstr(bar, " height=\"");
    assert_non_null(h);
    *height = strtod(h + 9, NULL);
    const char *title = strstr(bar, "<title>");
    assert_non_null(title);
    title += 7;
    const char *colon = strstr(title, ": ");
    assert_non_null(colon);
    size_t n = (size_t)(colon - title);
    assert_true(n < cause_size);
    memcpy(cause, title, n);
    cause[n] = '\0';
    return colon;
}

/* The chart is an SVG part that the manifest lists and a draw:image shows.
 * It has one bar per cause, most frequent first, with heights in proportion
 * to the counts, and a cumulative line. */
static void test_report__pareto_chart(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    add_incidents(book);
    size_t len;
    unsigned char *zip = write_book(f, book, KY_LANG_JA, &len);
    char *manifest = read_entry(zip, len, "META-INF/manifest.xml");
    char *content = read_entry(zip, len, "content.xml");
    char *svg = read_entry(zip, len, "Pictures/pareto.svg");

    assert_non_null(strstr(manifest, "<manifest:file-entry manifest:full-path=\"Pictures/pareto.svg\""
                                     " manifest:media-type=\"image/svg+xml\"/>"));
    assert_in_order(content, (const char *const[]){
        "xlink:href=\"#ParetoChart\"", "主な原因別の障害件数</text:a>",
        "<text:bookmark text:name=\"Lesson1\"/>",
        "<text:bookmark text:name=\"ParetoChart\"/>主な原因別の障害件数</text:h>",
        "<draw:frame ", "<draw:image xlink:href=\"Pictures/pareto.svg\"",
        "図　主な原因別の障害件数（パレート図）",
        ">運用ミス</text:p>", ">3</text:p>", ">42.9 %</text:p>",
        ">ソフトウェア障害</text:p>", ">2</text:p>", ">71.4 %</text:p>",
        ">ハードウェア障害</text:p>", ">1</text:p>", ">85.7 %</text:p>",
        ">（原因の記載なし）</text:p>", ">1</text:p>", ">100.0 %</text:p>",
        "<text:bookmark text:name=\"LessonIndex\"/>",
        NULL});

    static const struct {
        const char *cause;
        double count;
    } expected[] = {{"運用ミス", 3}, {"ソフトウェア障害", 2}, {"ハードウェア障害", 1},
                    {"（原因の記載なし）", 1}};
    const char *at = svg;
    double unit = 0;
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        char cause[128];
        double height;
        at = next_bar(at, cause, sizeof cause, &height);
        assert_non_null(at);
        assert_string_equal(cause, expected[i].cause);
        if (i == 0)
            unit = height / expected[i].count;
        assert_true(unit > 0);
        assert_float_equal(height, unit * expected[i].count, 0.15);
    }
    assert_null(next_bar(at, (char[128]){0}, 128, &(double){0}));
    assert_non_null(strstr(svg, "<polyline class=\"cumulative\""));
    assert_non_null(strstr(svg, "font-family=\"&apos;Noto Sans CJK JP&apos;"));
    assert_in_order(svg, (const char *const[]){">障害件数</text>", ">累積比率（%）</text>",
                                               ">主な原因</text>", NULL});

    free(svg);
    free(content);
    free(manifest);
    free(zip);
    ky_book_free(book);
}

/* A cause longer than one label line (24 columns) wraps onto a second line
 * under its bar. The break follows a separator when one is past half the
 * line. Only a cause longer than two lines is cut with "…". The table
 * right-aligns the counts and shares. */
static void test_report__pareto_long_causes(void **state)
{
    fixture *f = *state;
    static const char *const causes[] = {
        "情報システム障害発生時の対応の誤り・遅れ", "ハードウェア故障・性能低下等",
        "wrong or late response to the failure", "運用ミス",
        "とても長い原因の名前で二行にも収まらないほど長く続く説明文の例",
    };
    size_t count = sizeof causes / sizeof causes[0];
    ky_book *book = make_book(1);
    book->incidents = calloc(count, sizeof *book->incidents);
    assert_non_null(book->incidents);
    for (size_t i = 0; i < count; i++) {
        book->incidents[i].id = copy_text("1");
        book->incidents[i].main_cause = copy_text(causes[i]);
        book->incidents[i].occurred = NAN;
        book->incidents[i].damage_yen = NAN;
        book->incidents[i].effort_pm = NAN;
    }
    book->incident_count = count;
    size_t len;
    unsigned char *zip = write_book(f, book, KY_LANG_JA, &len);
    char *svg = read_entry(zip, len, "Pictures/pareto.svg");
    char *content = read_entry(zip, len, "content.xml");

    assert_non_null(strstr(svg, ">情報システム障害発生時の</tspan>"));
    assert_non_null(strstr(svg, " dy=\"12.0\">対応の誤り・遅れ</tspan>"));
    assert_non_null(strstr(svg, ">ハードウェア故障・</tspan>"));
    assert_non_null(strstr(svg, " dy=\"12.0\">性能低下等</tspan>"));
    assert_non_null(strstr(svg, ">wrong or late response</tspan>"));
    assert_non_null(strstr(svg, " dy=\"12.0\">to the failure</tspan>"));
    assert_non_null(strstr(svg, ">運用ミス</text>"));
    assert_non_null(strstr(svg, ">とても長い原因の名前で二</tspan>"));
    assert_non_null(strstr(svg, " dy=\"12.0\">行にも収まらないほど長…</tspan>"));
    assert_null(strstr(svg, "ハードウェア故障・性能…"));

    assert_non_null(strstr(content, "<style:style style:name=\"ParetoNumber\" style:family=\"paragraph\""
                                    " style:parent-style-name=\"Table_20_Contents\">"
                                    "<style:paragraph-properties fo:text-align=\"end\"/>"));
    assert_in_order(content, (const char *const[]){
        "<text:p text:style-name=\"Table_20_Contents\">運用ミス</text:p>",
        "<text:p text:style-name=\"ParetoNumber\">1</text:p>",
        "<text:p text:style-name=\"ParetoNumber\">100.0 %</text:p>",
        NULL});

    free(content);
    free(svg);
    free(zip);
    ky_book_free(book);
}

/* The chart's axis titles follow the document's language. */
static void test_report__pareto_english_labels(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    add_incidents(book);
    size_t len;
    unsigned char *zip = write_book(f, book, KY_LANG_EN, &len);
    char *svg = read_entry(zip, len, "Pictures/pareto.svg");

    assert_in_order(svg, (const char *const[]){"<title>(no main cause given): 1</title>",
                                               ">Incidents</text>", ">Cumulative share (%)</text>",
                                               ">Main cause</text>", NULL});
    assert_null(strstr(svg, "障害件数"));

    free(svg);
    free(zip);
    ky_book_free(book);
}

/* A book without incidents gets no chart page and no picture. */
static void test_report__no_pareto_without_incidents(void **state)
{
    fixture *f = *state;
    ky_book *book = make_book(1);
    size_t len;
    unsigned char *zip = write_book(f, book, KY_LANG_JA, &len);
    char *manifest = read_entry(zip, len, "META-INF/manifest.xml");
    char *content = read_entry(zip, len, "content.xml");

    assert_null(strstr(manifest, "Pictures/"));
    assert_null(strstr(content, "<draw:frame"));
    assert_null(strstr(content, "ParetoChart"));

    free(content);
    free(manifest);
    free(zip);
    ky_book_free(book);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_report__descriptor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__mimetype_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__zip_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__manifest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__g7_sections_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__text_escaped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__list_lead_in_paragraph, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__english_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__styles_declare_japanese_fonts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__meta, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__empty_sections_show_dash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__no_lessons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__contents_lists_lessons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__no_analysis_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__why_tree_spans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__status_table_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__status_rows_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__status_events_row_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__classification_kept_together, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__no_lessons_with_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__output_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__wrong_options_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__title_page_organization, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__organization_cleaned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__index_by_classification, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__no_index_without_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__inferred_values_marked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__generated_id_noted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__pareto_chart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__pareto_english_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__pareto_long_causes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__no_pareto_without_incidents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__template_bad_encoding_quiet, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
