/* SPDX-License-Identifier: MIT */
/*
 * Tests for the risk-register output plugin. The workbook parts are read back
 * with libzip and checked for the formulas with their cached values, the
 * threshold name and its note, and the risk map's counts. Further tests cover
 * the document properties, safe text and reproducible bytes.
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
#include <zip.h>

#include "formats/ky_text.h"
#include "kyokun/registry.h"

#define MAX_CODES 16

typedef struct fixture {
    ky_registry *registry;
    const ky_plugin *plugin;
    ky_ctx *ctx;
    char dir[64];
    char path[128];
    char path2[128];
    char codes[MAX_CODES][64]; /* Codes of the warnings emitted, in order. */
    uint32_t rows[MAX_CODES];  /* Input row of each warning. */
    size_t code_count;
} fixture;

static void collect_code(const ky_diag *diag, void *payload)
{
    fixture *f = payload;
    if (f->code_count < MAX_CODES) {
        f->rows[f->code_count] = diag->loc.row;
        snprintf(f->codes[f->code_count++], sizeof f->codes[0], "%s", diag->code);
    }
}

/* Return the input row of the first warning with `code`, or 0 when there is none. */
static uint32_t row_of_code(const fixture *f, const char *code)
{
    for (size_t i = 0; i < f->code_count; i++) {
        if (strcmp(f->codes[i], code) == 0)
            return f->rows[i];
    }
    return 0;
}

static bool has_code(const fixture *f, const char *code)
{
    for (size_t i = 0; i < f->code_count; i++) {
        if (strcmp(f->codes[i], code) == 0)
            return true;
    }
    return false;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);

    const char *plugin_dir = getenv("KYOKUN_PLUGIN_PATH");
    assert_non_null(plugin_dir);
    char module[4096];
    snprintf(module, sizeof module, "%s/output-risk-register.so", plugin_dir);
    f->registry = ky_registry_new();
    assert_non_null(f->registry);
    assert_int_equal(ky_registry_load_file(f->registry, module), 0);
    f->plugin = ky_registry_find(f->registry, KY_PLUGIN_OUTPUT, "risk-register");
    assert_non_null(f->plugin);

    f->ctx = ky_ctx_new();
    assert_non_null(f->ctx);
    ky_ctx_set_handler(f->ctx, collect_code, KY_SEV_WARNING, f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ky-register-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/register.xlsx", f->dir);
    snprintf(f->path2, sizeof f->path2, "%s/register2.xlsx", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    unlink(f->path);
    unlink(f->path2);
    rmdir(f->dir);
    ky_ctx_free(f->ctx);
    ky_registry_free(f->registry);
    free(f);
    return 0;
}

/* ---------------------------------------------------------------------------
 * Building books
 */

/* Add a risk with levels a and b (0 = unknown) and the texts as written. */
static ky_risk *add_risk(ky_book *book, const char *no, int a, int b, const char *a_text,
                         const char *c_text, int c_typed)
{
    book->risks = realloc(book->risks, (book->risk_count + 1) * sizeof *book->risks);
    assert_non_null(book->risks);
    ky_risk *risk = &book->risks[book->risk_count++];
    memset(risk, 0, sizeof *risk);
    risk->no = strdup(no);
    risk->category = strdup("運用");
    risk->content = strdup("パッチ適用後にシステムが再起動しない");
    risk->a = a;
    risk->b = b;
    risk->c = a * b;
    risk->a_text = a_text ? strdup(a_text) : NULL;
    risk->c_text = c_text ? strdup(c_text) : NULL;
    risk->c_typed = c_typed;
    risk->needs_response = risk->c >= book->threshold;
    risk->origin.file = "guide.xlsx";
    risk->origin.sheet = "リスク管理表";
    risk->origin.row = (uint32_t)book->risk_count + 3;
    return risk;
}

/* A book with the three risks the formula checks use, at rows 4, 5 and 6. */
static ky_book *risk_book(void)
{
    ky_book *book = ky_book_new();
    assert_non_null(book);
    book->title = strdup("guide-case");
    add_risk(book, "1", 3, 2, "3", NULL, 0);
    add_risk(book, "2", 3, 1, "3", "3", 3);
    add_risk(book, "3", 0, 2, "高", NULL, 0);
    return book;
}

static void add_strings(ky_strlist *list, const char *first, const char *second)
{
    list->items = calloc(2, sizeof *list->items);
    assert_non_null(list->items);
    list->items[0] = strdup(first);
    list->items[1] = strdup(second);
    list->count = 2;
}

static void add_lesson(ky_book *book)
{
    book->lessons = calloc(1, sizeof *book->lessons);
    assert_non_null(book->lessons);
    book->lesson_count = 1;
    ky_lesson *lesson = &book->lessons[0];
    lesson->id = strdup("G7");
    lesson->title = strdup("サービスの継続を考慮したクラウド利用を検討すべし");
    add_strings(&lesson->root_causes, "根本原因1", "根本原因2");
    add_strings(&lesson->classification.keywords, "仮想化", "共同利用");
    lesson->classification.importance = strdup("Type II");
}

static void add_incidents(ky_book *book)
{
    book->incidents = calloc(2, sizeof *book->incidents);
    assert_non_null(book->incidents);
    book->incident_count = 2;
    ky_incident *first = &book->incidents[0];
    first->id = strdup("INC-1");
    first->occurred = 45383; /* 2024-04-01 */
    first->damage_yen = 12000000;
    first->effort_pm = 1.5;
    ky_incident *second = &book->incidents[1];
    second->id = strdup("INC-2");
    second->occurred = NAN;
    second->occurred_text = strdup("4月上旬");
    second->damage_yen = NAN;
    second->damage_text = strdup("不明");
    second->effort_pm = NAN;
}

/* ---------------------------------------------------------------------------
 * Writing and reading back
 */

static void write_book(fixture *f, const ky_book *book, ky_lang lang, const char *path)
{
    ky_write_options options = {
        .version = KY_WRITE_OPTIONS_VERSION,
        .lang = lang,
        .timestamp = 1700000000, /* 2023-11-14T22:13:20Z */
        .target = path,
    };
    int rc = f->plugin->write(f->ctx, book, &options, path);
    if (rc != 0)
        fail_msg("write failed: %s", ky_error_last(f->ctx)->message);
}

/* Return the content of a zip entry (caller frees), or NULL when the entry is absent. */
static char *read_entry(const char *path, const char *name)
{
    int error = 0;
    zip_t *archive = zip_open(path, ZIP_RDONLY, &error);
    assert_non_null(archive);

    zip_stat_t stat;
    char *data = NULL;
    if (zip_stat(archive, name, 0, &stat) == 0) {
        zip_file_t *file = zip_fopen(archive, name, 0);
        assert_non_null(file);
        data = calloc(1, stat.size + 1);
        assert_non_null(data);
        assert_int_equal(zip_fread(file, data, stat.size), (zip_int64_t)stat.size);
        zip_fclose(file);
    }
    zip_close(archive);
    return data;
}

/* Return a copy of the <c> element of cell `ref` in a sheet part (caller frees). */
static char *cell_xml(const char *sheet, const char *ref)
{
    char open[32];
    snprintf(open, sizeof open, "<c r=\"%s\"", ref);
    const char *start = strstr(sheet, open);
    if (!start)
        fail_msg("cell %s not found", ref);
    const char *tag_end = strchr(start, '>');
    assert_non_null(tag_end);
    if (tag_end[-1] == '/')
        return strndup(start, (size_t)(tag_end + 1 - start));
    const char *end = strstr(tag_end, "</c>");
    assert_non_null(end);
    return strndup(start, (size_t)(end + 4 - start));
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        fail_msg("\"%s\" not found in \"%.400s\"", needle, haystack);
}

static size_t count_of(const char *haystack, const char *needle)
{
    size_t count = 0;
    for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
        count++;
    return count;
}

/* Read a whole file, which the caller frees. *size receives its length. */
static char *read_file(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    ky_buf content = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, file)) > 0)
        assert_int_equal(ky_buf_append(&content, chunk, n), 0);
    fclose(file);
    *size = content.len;
    return ky_buf_take(&content);
}

/* ---------------------------------------------------------------------------
 * Tests
 */

static void test_register__risk_formulas_cached(void **state)
{
    fixture *f = *state;
    ky_book *book = risk_book();
    write_book(f, book, KY_LANG_JA, f->path);
    char *sheet = read_entry(f->path, "xl/worksheets/sheet1.xml");
    assert_non_null(sheet);

    char *c = cell_xml(sheet, "G4");
    assert_contains(c, "<f>IF(AND(ISNUMBER(E4),ISNUMBER(F4)),E4*F4,\"\")</f><v>6</v>");
    free(c);
    c = cell_xml(sheet, "H4");
    assert_contains(c, "<f>IF(ISNUMBER(G4),IF(G4&gt;=閾値,\"対応要\",\"対応不要\"),\"\")</f>"
                       "<v>対応要</v>");
    free(c);

    c = cell_xml(sheet, "G5");
    assert_contains(c, "<f>IF(AND(ISNUMBER(E5),ISNUMBER(F5)),E5*F5,\"\")</f><v>3</v>");
    free(c);
    c = cell_xml(sheet, "H5");
    assert_contains(c, "<v>対応不要</v>");
    free(c);

    /* A kept as text ("高"), so C and the decision are empty. */
    c = cell_xml(sheet, "E6");
    assert_contains(c, "t=\"s\"");
    free(c);
    c = cell_xml(sheet, "G6");
    assert_contains(c, "E6*F6,\"\")</f><v></v>");
    free(c);
    c = cell_xml(sheet, "H6");
    assert_contains(c, "<v></v>");
    free(c);

    /* A and B are numbers. */
    c = cell_xml(sheet, "E4");
    assert_contains(c, "<v>3</v>");
    assert_null(strstr(c, "t=\"s\""));
    free(c);

    /* The threshold cell the name points at. */
    c = cell_xml(sheet, "G2");
    assert_contains(c, "<v>5</v>");
    free(c);

    assert_contains(sheet, "<autoFilter ref=\"A3:L6\"/>");
    assert_contains(sheet, "state=\"frozen\"");
    assert_contains(sheet, "orientation=\"landscape\"");
    assert_contains(sheet, "paperSize=\"9\"");
    assert_contains(sheet, "<formula>AND(ISNUMBER($G4),$G4&gt;=閾値)</formula>");

    char *workbook = read_entry(f->path, "xl/workbook.xml");
    assert_non_null(workbook);
    assert_contains(workbook, "<definedName name=\"閾値\">'リスク管理表'!$G$2</definedName>");
    assert_contains(workbook, "<sheet name=\"リスク管理表\"");
    assert_contains(workbook, "<sheet name=\"教訓一覧\"");
    assert_contains(workbook, "'リスク管理表'!$3:$3"); /* header repeated on each page */

    free(workbook);
    free(sheet);
    ky_book_free(book);
}

static void test_register__threshold_from_book(void **state)
{
    fixture *f = *state;
    ky_book *book = risk_book();
    book->threshold = 9;
    write_book(f, book, KY_LANG_JA, f->path);
    char *sheet = read_entry(f->path, "xl/worksheets/sheet1.xml");
    assert_non_null(sheet);

    char *c = cell_xml(sheet, "G2");
    assert_contains(c, "<v>9</v>");
    free(c);
    c = cell_xml(sheet, "H4"); /* C = 6 < 9 */
    assert_contains(c, "<v>対応不要</v>");
    free(c);

    free(sheet);
    ky_book_free(book);
}

static void test_register__document_properties(void **state)
{
    fixture *f = *state;
    ky_book *book = risk_book();
    write_book(f, book, KY_LANG_JA, f->path);
    char *core = read_entry(f->path, "docProps/core.xml");
    assert_non_null(core);

    assert_contains(core, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2023-11-14T22:13:20Z"
                          "</dcterms:created>");
    assert_contains(core, "<dc:creator>kyokun</dc:creator>");
    assert_contains(core, "<dc:title>guide-case</dc:title>");

    free(core);
    ky_book_free(book);
}

static void test_register__same_bytes_twice(void **state)
{
    fixture *f = *state;
    ky_book *book = risk_book();
    add_lesson(book);
    add_incidents(book);
    write_book(f, book, KY_LANG_JA, f->path);
    write_book(f, book, KY_LANG_JA, f->path2);

    size_t size1, size2;
    char *first = read_file(f->path, &size1);
    char *second = read_file(f->path2, &size2);
    assert_true(size1 > 0);
    assert_int_equal(size1, size2);
    assert_memory_equal(first, second, size1);

    free(first);
    free(second);
    ky_book_free(book);
}

static void test_register__text_never_formula(void **state)
{
    fixture *f = *state;
    static const char *const texts[] = {
        "====区切り====", "=HYPERLINK(\"http://example.invalid\",\"詳細\")", "+81-3-1234-5678",
        "-", "@SUM(1,1)", "\t=1+1",
    };
    ky_book *book = ky_book_new();
    assert_non_null(book);
    for (size_t i = 0; i < 6; i++) {
        ky_risk *risk = add_risk(book, "1", 1, 1, "1", NULL, 0);
        free(risk->content);
        risk->content = strdup(texts[i]);
    }
    write_book(f, book, KY_LANG_JA, f->path);
    char *sheet = read_entry(f->path, "xl/worksheets/sheet1.xml");
    char *strings = read_entry(f->path, "xl/sharedStrings.xml");
    assert_non_null(sheet);
    assert_non_null(strings);

    /* Only C and the decision of each row are formulas. */
    assert_int_equal(count_of(sheet, "<f>"), 2 * 6);
    assert_contains(strings, "<t>====区切り====</t>");
    assert_contains(strings, "<t>=HYPERLINK(\"http://example.invalid\",\"詳細\")</t>");
    assert_contains(strings, "<t>+81-3-1234-5678</t>");
    assert_contains(strings, "<t>-</t>");
    assert_contains(strings, "<t>@SUM(1,1)</t>");
    assert_contains(strings, "<t xml:space=\"preserve\">\t=1+1</t>");

    free(sheet);
    free(strings);
    ky_book_free(book);
}

static void test_register__unsafe_text_cleaned(void **state)
{
    fixture *f = *state;
    ky_book *book = ky_book_new();
    assert_non_null(book);
    ky_risk *controls = add_risk(book, "1", 1, 1, "1", NULL, 0);
    free(controls->content);
    controls->content = strdup("log\x1b[0m\x01 end\x0b");
    ky_risk *invalid = add_risk(book, "2", 1, 1, "1", NULL, 0);
    free(invalid->content);
    invalid->content = strdup("\x8F\xE1\x8A\x51");
    ky_risk *escapes = add_risk(book, "3", 1, 1, "1", NULL, 0);
    free(escapes->content);
    escapes->content = strdup("_x000D_ foo_x12345.txt\r\nnext");

    /* 40,000 characters of 3 bytes each; the cell keeps 32,760 and the 7-character marker. */
    ky_risk *long_text = add_risk(book, "4", 1, 1, "1", NULL, 0);
    free(long_text->content);
    ky_buf text = {0};
    for (size_t i = 0; i < 40000; i++)
        assert_int_equal(ky_buf_puts(&text, "あ"), 0);
    long_text->content = ky_buf_take(&text);

    write_book(f, book, KY_LANG_JA, f->path);
    char *strings = read_entry(f->path, "xl/sharedStrings.xml");
    assert_non_null(strings);

    assert_contains(strings, "<t>log[0m end</t>");
    assert_contains(strings, "<t>\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDQ</t>");
    assert_contains(strings, "_x005F_x000D_ foo_x12345.txt\nnext</t>");

    ky_buf expected = {0};
    assert_int_equal(ky_buf_puts(&expected, "<t>"), 0);
    for (size_t i = 0; i < 32760; i++)
        assert_int_equal(ky_buf_puts(&expected, "あ"), 0);
    assert_int_equal(ky_buf_puts(&expected, "…(以下省略)</t>"), 0);
    assert_contains(strings, expected.data);
    ky_buf_free(&expected);

    assert_true(has_code(f, "risk-register.control-characters"));
    assert_true(has_code(f, "risk-register.invalid-utf8"));
    assert_true(has_code(f, "risk-register.truncated"));
    assert_int_equal(ky_ctx_count(f->ctx, KY_SEV_WARNING), 3);

    /* Each warning names the input row of its record (add_risk puts risk N at row N + 3). */
    assert_int_equal(row_of_code(f, "risk-register.control-characters"), 4);
    assert_int_equal(row_of_code(f, "risk-register.invalid-utf8"), 5);
    assert_int_equal(row_of_code(f, "risk-register.truncated"), 7);

    free(strings);
    ky_book_free(book);
}

static void test_register__typed_c_in_note(void **state)
{
    fixture *f = *state;
    ky_book *book = ky_book_new();
    assert_non_null(book);
    add_risk(book, "1", 3, 1, "3", "4", 4);
    write_book(f, book, KY_LANG_JA, f->path);
    char *sheet = read_entry(f->path, "xl/worksheets/sheet1.xml");
    char *strings = read_entry(f->path, "xl/sharedStrings.xml");

    char *c = cell_xml(sheet, "G4");
    assert_contains(c, "<v>3</v>");
    free(c);
    c = cell_xml(sheet, "L4");
    assert_contains(c, "t=\"s\"");
    free(c);
    assert_contains(strings, "<t>入力の C リスク値: 4 (A×B = 3)</t>");
    assert_contains(strings, "<t>guide.xlsx / リスク管理表 / 4行目</t>");

    free(sheet);
    free(strings);
    ky_book_free(book);
}

static void test_register__english_labels(void **state)
{
    fixture *f = *state;
    ky_book *book = risk_book();
    write_book(f, book, KY_LANG_EN, f->path);
    char *workbook = read_entry(f->path, "xl/workbook.xml");
    char *sheet = read_entry(f->path, "xl/worksheets/sheet1.xml");
    char *strings = read_entry(f->path, "xl/sharedStrings.xml");

    assert_contains(workbook, "<sheet name=\"Risk register\"");
    assert_contains(workbook, "<sheet name=\"Lessons\"");
    assert_contains(workbook, "<definedName name=\"Threshold\">'Risk register'!$G$2</definedName>");
    char *c = cell_xml(sheet, "H4");
    assert_contains(c, "IF(G4&gt;=Threshold,\"Respond\",\"Accept\")");
    assert_contains(c, "<v>Respond</v>");
    free(c);
    assert_contains(strings, "<t>C Risk value</t>");

    free(workbook);
    free(sheet);
    free(strings);
    ky_book_free(book);
}

static void test_register__lesson_and_incident_sheets(void **state)
{
    fixture *f = *state;
    ky_book *book = risk_book();
    add_lesson(book);
    add_incidents(book);
    write_book(f, book, KY_LANG_JA, f->path);
    char *workbook = read_entry(f->path, "xl/workbook.xml");
    char *incidents = read_entry(f->path, "xl/worksheets/sheet4.xml");
    char *strings = read_entry(f->path, "xl/sharedStrings.xml");
    assert_non_null(incidents);

    assert_contains(workbook, "<sheet name=\"障害一覧\"");
    assert_contains(strings, "<t>根本原因1\n根本原因2</t>");
    assert_contains(strings, "<t>仮想化\n共同利用</t>");

    char *c = cell_xml(incidents, "C2");
    assert_contains(c, "<v>45383</v>");
    free(c);
    c = cell_xml(incidents, "G2");
    assert_contains(c, "<v>12000000</v>");
    free(c);
    c = cell_xml(incidents, "C3");
    assert_contains(c, "t=\"s\"");
    free(c);
    assert_contains(strings, "<t>4月上旬</t>");
    assert_contains(strings, "<t>不明</t>");

    free(workbook);
    free(incidents);
    free(strings);
    ky_book_free(book);
}

/* Assert that a cell holds a number with the value text `value`, not a string. */
static void assert_number_cell(const char *sheet, const char *ref, const char *value)
{
    char *c = cell_xml(sheet, ref);
    char expected[64];
    snprintf(expected, sizeof expected, "<v>%s</v>", value);
    assert_contains(c, expected);
    if (strstr(c, "t=\"s\""))
        fail_msg("cell %s is a string: %s", ref, c);
    free(c);
}

static void assert_text_cell(const char *sheet, const char *ref)
{
    char *c = cell_xml(sheet, ref);
    assert_contains(c, "t=\"s\"");
    free(c);
}

/* Give the book `count` incidents with the given ids and no dates or amounts. */
static void set_incident_ids(ky_book *book, const char *const *ids, size_t count)
{
    book->incidents = calloc(count, sizeof *book->incidents);
    assert_non_null(book->incidents);
    book->incident_count = count;
    for (size_t i = 0; i < count; i++) {
        book->incidents[i].id = strdup(ids[i]);
        book->incidents[i].summary = strdup("オンライン停止");
        book->incidents[i].occurred = NAN;
        book->incidents[i].damage_yen = NAN;
        book->incidents[i].effort_pm = NAN;
    }
}

static void test_register__integer_ids_as_numbers(void **state)
{
    fixture *f = *state;
    ky_book *book = ky_book_new();
    assert_non_null(book);
    /* Rows 4 to 9 of the risk sheet. */
    add_risk(book, "1", 3, 2, "3", NULL, 0);
    add_risk(book, "007", 3, 2, "3", NULL, 0);
    add_risk(book, "123456789012345", 3, 2, "3", NULL, 0);
    add_risk(book, "1234567890123456", 3, 2, "3", NULL, 0);
    add_risk(book, "-1", 3, 2, "3", NULL, 0);
    add_risk(book, "R-2", 3, 2, "3", NULL, 0);
    /* Rows 2 to 7 of the incident sheet. */
    static const char *const incident_ids[] = {"1", "32", "007", "0", "+5", "INC-3"};
    set_incident_ids(book, incident_ids, 6);
    add_lesson(book);
    free(book->lessons[0].id);
    book->lessons[0].id = strdup("12");
    write_book(f, book, KY_LANG_JA, f->path);

    char *risks = read_entry(f->path, "xl/worksheets/sheet1.xml");
    char *lessons = read_entry(f->path, "xl/worksheets/sheet3.xml");
    char *incidents = read_entry(f->path, "xl/worksheets/sheet4.xml");
    char *strings = read_entry(f->path, "xl/sharedStrings.xml");
    assert_non_null(risks);
    assert_non_null(lessons);
    assert_non_null(incidents);

    assert_number_cell(risks, "A4", "1");
    assert_text_cell(risks, "A5");
    assert_number_cell(risks, "A6", "123456789012345");
    assert_text_cell(risks, "A7");
    assert_text_cell(risks, "A8");
    assert_text_cell(risks, "A9");

    assert_number_cell(incidents, "A2", "1");
    assert_number_cell(incidents, "A3", "32");
    assert_text_cell(incidents, "A4");
    assert_number_cell(incidents, "A5", "0");
    assert_text_cell(incidents, "A6");
    assert_text_cell(incidents, "A7");
    assert_contains(strings, "<t>007</t>");
    assert_contains(strings, "<t>+5</t>");
    assert_contains(strings, "<t>INC-3</t>");

    assert_number_cell(lessons, "A2", "12");

    free(risks);
    free(lessons);
    free(incidents);
    free(strings);
    ky_book_free(book);
}

static void test_register__no_incident_sheet(void **state)
{
    fixture *f = *state;
    ky_book *book = risk_book();
    write_book(f, book, KY_LANG_JA, f->path);

    char *lessons = read_entry(f->path, "xl/worksheets/sheet3.xml");
    char *incidents = read_entry(f->path, "xl/worksheets/sheet4.xml");
    assert_non_null(lessons);
    assert_null(incidents);

    free(lessons);
    ky_book_free(book);
}

static void test_register__unwritable_path_error(void **state)
{
    fixture *f = *state;
    ky_book *book = risk_book();
    char path[160];
    snprintf(path, sizeof path, "%s/missing/register.xlsx", f->dir);
    ky_write_options options = {
        .version = KY_WRITE_OPTIONS_VERSION,
        .timestamp = 1700000000,
        .target = "out/register.xlsx",
    };

    int rc = f->plugin->write(f->ctx, book, &options, path);
    assert_true(rc < 0);
    const ky_error *error = ky_error_last(f->ctx);
    assert_non_null(error);
    assert_int_equal(error->code, rc);
    assert_string_equal(error->loc.file, "out/register.xlsx");

    ky_error_clear(f->ctx);
    ky_book_free(book);
}

/* ---------------------------------------------------------------------------
 * Risk map
 */

/* The records of a register column as the map's formulas name them. */
#define MAP_A_RANGE "'リスク管理表'!$E$4:$E$1048576"
#define MAP_B_RANGE "'リスク管理表'!$F$4:$F$1048576"

/* A book with risks in several cells of the map, two in A=3 B=2, and two with an unknown level. */
static ky_book *map_book(void)
{
    ky_book *book = risk_book(); /* (3,2), (3,1), (0,2) */
    add_risk(book, "4", 3, 2, "3", NULL, 0);
    add_risk(book, "5", 1, 3, "1", NULL, 0);
    add_risk(book, "6", 2, 2, "2", NULL, 0);
    add_risk(book, "7", 1, 1, "1", NULL, 0);
    add_risk(book, "8", 2, 0, "2", NULL, 0);
    return book;
}

/* Count the book's risks with impact `a` and likelihood `b`, as the map should. */
static int count_risks(const ky_book *book, int a, int b)
{
    int count = 0;
    for (size_t i = 0; i < book->risk_count; i++) {
        if (book->risks[i].a == a && book->risks[i].b == b)
            count++;
    }
    return count;
}

static void test_register__map_counts_cached(void **state)
{
    fixture *f = *state;
    ky_book *book = map_book();
    write_book(f, book, KY_LANG_JA, f->path);
    char *workbook = read_entry(f->path, "xl/workbook.xml");
    char *map = read_entry(f->path, "xl/worksheets/sheet2.xml");
    assert_non_null(workbook);
    assert_non_null(map);

    /* The map is the second sheet, after the register. */
    const char *register_sheet = strstr(workbook, "<sheet name=\"リスク管理表\"");
    const char *map_sheet = strstr(workbook, "<sheet name=\"リスクマップ\"");
    assert_non_null(register_sheet);
    assert_non_null(map_sheet);
    assert_true(register_sheet < map_sheet);
    assert_true(map_sheet < strstr(workbook, "<sheet name=\"教訓一覧\""));

    /* A = 3 in row 7 down to A = 1 in row 9; B = 1 in column C up to B = 3 in column E. */
    int sum = 0;
    for (int a = 3; a >= 1; a--) {
        for (int b = 1; b <= 3; b++) {
            char ref[8], expected[256];
            snprintf(ref, sizeof ref, "%c%d", 'C' + (b - 1), 7 + (3 - a));
            int count = count_risks(book, a, b);
            sum += count;
            snprintf(expected, sizeof expected,
                     "<f>COUNTIFS(" MAP_A_RANGE ",%d," MAP_B_RANGE ",%d)</f><v>%d</v>", a, b,
                     count);
            char *c = cell_xml(map, ref);
            assert_contains(c, expected);
            free(c);
        }
    }
    assert_int_equal(count_risks(book, 3, 2), 2);
    assert_int_equal(sum, 6);

    /* The total counts risks with both levels known: 6 of the 8. */
    char *c = cell_xml(map, "C10");
    assert_contains(c, "<f>COUNTIFS(" MAP_A_RANGE ",\"&gt;0\"," MAP_B_RANGE ",\"&gt;0\")</f>"
                       "<v>6</v>");
    free(c);

    /* Level headers are numbers, B across row 6 and A down column B. */
    assert_number_cell(map, "C6", "1");
    assert_number_cell(map, "E6", "3");
    assert_number_cell(map, "B7", "3");
    assert_number_cell(map, "B9", "1");

    /* The threshold the colours compare with, read through the name. */
    c = cell_xml(map, "C3");
    assert_contains(c, "<f>閾値</f><v>5</v>");
    free(c);

    assert_contains(map, "<conditionalFormatting sqref=\"C7:E9\">");
    assert_contains(map, "<formula>$B7*C$6&gt;=閾値</formula>");
    assert_contains(map, "<formula>AND($B7*C$6&lt;閾値,OR(MIN($B7+1,3)*C$6&gt;=閾値,"
                         "$B7*MIN(C$6+1,3)&gt;=閾値))</formula>");
    assert_contains(map, "<formula>AND(MIN($B7+1,3)*C$6&lt;閾値,$B7*MIN(C$6+1,3)&lt;閾値)"
                         "</formula>");
    assert_contains(map, "<mergeCell ref=\"A7:A9\"/>");
    assert_contains(map, "orientation=\"landscape\"");
    assert_contains(map, "<pageSetUpPr fitToPage=\"1\"/>");

    free(workbook);
    free(map);
    ky_book_free(book);
}

static void test_register__map_empty_book(void **state)
{
    fixture *f = *state;
    ky_book *book = ky_book_new();
    assert_non_null(book);
    write_book(f, book, KY_LANG_JA, f->path);
    char *map = read_entry(f->path, "xl/worksheets/sheet2.xml");
    assert_non_null(map);

    char *c = cell_xml(map, "D8");
    assert_contains(c, "<f>COUNTIFS(" MAP_A_RANGE ",2," MAP_B_RANGE ",2)</f><v>0</v>");
    free(c);
    c = cell_xml(map, "C10");
    assert_contains(c, "<v>0</v>");
    free(c);

    free(map);
    ky_book_free(book);
}

static void test_register__map_english_labels(void **state)
{
    fixture *f = *state;
    ky_book *book = map_book();
    write_book(f, book, KY_LANG_EN, f->path);
    char *workbook = read_entry(f->path, "xl/workbook.xml");
    char *map = read_entry(f->path, "xl/worksheets/sheet2.xml");
    char *strings = read_entry(f->path, "xl/sharedStrings.xml");

    assert_contains(workbook, "<sheet name=\"Risk map\"");
    char *c = cell_xml(map, "D7");
    assert_contains(c, "<f>COUNTIFS('Risk register'!$E$4:$E$1048576,3,"
                       "'Risk register'!$F$4:$F$1048576,2)</f><v>2</v>");
    free(c);
    assert_contains(map, "<formula>$B7*C$6&gt;=Threshold</formula>");
    assert_contains(strings, "<t>A Impact level</t>");
    assert_contains(strings, "<t>B Likelihood</t>");

    free(workbook);
    free(map);
    free(strings);
    ky_book_free(book);
}

/* The note text on the register for threshold 5 on the 3-level scale. */
#define NOTE_5_JA "閾値 5 に一致する A×B はありません。C が 6 以上（6 または 9）のリスクが対応要です"
#define NOTE_5_EN "No A×B equals the threshold 5. Risks with C of 6 or more (6 or 9) need a response"

static void test_register__threshold_note_unmatched(void **state)
{
    fixture *f = *state;
    ky_book *book = risk_book(); /* threshold 5 */
    write_book(f, book, KY_LANG_JA, f->path);
    char *sheet = read_entry(f->path, "xl/worksheets/sheet1.xml");
    char *strings = read_entry(f->path, "xl/sharedStrings.xml");

    assert_contains(strings, "<t>" NOTE_5_JA "</t>");
    assert_int_equal(count_of(strings, "に一致する A×B はありません"), 1);
    assert_text_cell(sheet, "J2");
    assert_contains(sheet, "<mergeCell ref=\"J2:L2\"/>");

    free(sheet);
    free(strings);

    write_book(f, book, KY_LANG_EN, f->path);
    strings = read_entry(f->path, "xl/sharedStrings.xml");
    assert_contains(strings, "<t>" NOTE_5_EN "</t>");

    free(strings);
    ky_book_free(book);
}

static void test_register__threshold_note_matched(void **state)
{
    fixture *f = *state;
    static const int matched[] = {1, 2, 3, 4, 6, 9};
    ky_book *book = risk_book();
    for (size_t i = 0; i < sizeof matched / sizeof matched[0]; i++) {
        book->threshold = matched[i];
        write_book(f, book, KY_LANG_JA, f->path);
        char *sheet = read_entry(f->path, "xl/worksheets/sheet1.xml");
        char *strings = read_entry(f->path, "xl/sharedStrings.xml");

        if (strstr(strings, "に一致する A×B はありません"))
            fail_msg("threshold %d equals an A×B but the register has a note", matched[i]);
        assert_null(strstr(sheet, "<c r=\"J2\""));

        free(sheet);
        free(strings);
    }
    ky_book_free(book);
}

static void test_register__threshold_note_other_gaps(void **state)
{
    fixture *f = *state;
    ky_book *book = risk_book();

    book->threshold = 7;
    write_book(f, book, KY_LANG_JA, f->path);
    char *strings = read_entry(f->path, "xl/sharedStrings.xml");
    assert_contains(strings, "<t>閾値 7 に一致する A×B はありません。C が 9 以上（9）のリスクが対応要です</t>");
    free(strings);

    /* Above the largest product, 9: no risk can need a response. */
    book->threshold = 12;
    write_book(f, book, KY_LANG_EN, f->path);
    strings = read_entry(f->path, "xl/sharedStrings.xml");
    assert_contains(strings, "<t>No A×B equals the threshold 12. A×B is at most 9, so no risk needs "
                             "a response</t>");
    free(strings);

    ky_book_free(book);
}

/* ---------------------------------------------------------------------------
 * Scales, provenance, causes and properties
 */

/* A book on the 5-level scale with risks at (5,5), (4,3), (3,4), (2,2) and one with A unknown. */
static ky_book *scale5_book(int threshold)
{
    ky_book *book = ky_book_new();
    assert_non_null(book);
    book->scale = 5;
    book->threshold = threshold;
    add_risk(book, "1", 5, 5, "5", NULL, 0);
    add_risk(book, "2", 4, 3, "4", NULL, 0);
    add_risk(book, "3", 3, 4, "3", NULL, 0);
    add_risk(book, "4", 2, 2, "2", NULL, 0);
    add_risk(book, "5", 0, 4, "極大", NULL, 0);
    return book;
}

static void test_register__scale5_map_and_lists(void **state)
{
    fixture *f = *state;
    ky_book *book = scale5_book(12);
    write_book(f, book, KY_LANG_JA, f->path);
    char *sheet = read_entry(f->path, "xl/worksheets/sheet1.xml");
    char *map = read_entry(f->path, "xl/worksheets/sheet2.xml");
    assert_non_null(sheet);
    assert_non_null(map);

    /* Drop-downs offer 5 down to 1. */
    assert_contains(sheet, "<formula1>\"5,4,3,2,1\"</formula1>");

    /* 25 counts and the total. A = 5 is in row 7 down to A = 1 in row 11, B = 1..5 in C..G. */
    assert_int_equal(count_of(map, "<f>COUNTIFS("), 26);
    char *c = cell_xml(map, "G7");
    assert_contains(c, "<f>COUNTIFS(" MAP_A_RANGE ",5," MAP_B_RANGE ",5)</f><v>1</v>");
    free(c);
    c = cell_xml(map, "E8");
    assert_contains(c, ",4," MAP_B_RANGE ",3)</f><v>1</v>");
    free(c);
    c = cell_xml(map, "D10");
    assert_contains(c, ",2," MAP_B_RANGE ",2)</f><v>1</v>");
    free(c);
    c = cell_xml(map, "C12"); /* total: 4 risks with both levels */
    assert_contains(c, "<v>4</v>");
    free(c);
    assert_number_cell(map, "G6", "5");
    assert_number_cell(map, "B7", "5");
    assert_number_cell(map, "B11", "1");

    /* The colours follow the 5-level scale and compare with the threshold. */
    assert_contains(map, "<conditionalFormatting sqref=\"C7:G11\">");
    assert_contains(map, "MIN($B7+1,5)*C$6");
    assert_contains(map, "<mergeCell ref=\"A7:A11\"/>");

    /* 12 = 3 x 4 is a product, so there is no note. The threshold cell contains 12. */
    char *strings = read_entry(f->path, "xl/sharedStrings.xml");
    assert_null(strstr(strings, "に一致する A×B はありません"));
    c = cell_xml(sheet, "G2");
    assert_contains(c, "<v>12</v>");
    free(c);

    free(strings);
    free(sheet);
    free(map);
    ky_book_free(book);
}

static void test_register__scale5_threshold_note(void **state)
{
    fixture *f = *state;
    ky_book *book = scale5_book(7);
    write_book(f, book, KY_LANG_JA, f->path);
    char *strings = read_entry(f->path, "xl/sharedStrings.xml");
    assert_contains(strings, "<t>閾値 7 に一致する A×B はありません。C が 8 以上"
                             "（8、9、10、12、15、16、20 または 25）のリスクが対応要です</t>");
    assert_int_equal(count_of(strings, "に一致する A×B はありません"), 1);
    free(strings);

    book->threshold = 26;
    write_book(f, book, KY_LANG_EN, f->path);
    strings = read_entry(f->path, "xl/sharedStrings.xml");
    assert_contains(strings, "<t>No A×B equals the threshold 26. A×B is at most 25, so no risk "
                             "needs a response</t>");
    free(strings);
    ky_book_free(book);
}

/* Set the provenance of one axis of a lesson. */
static void set_provenance(ky_lesson *lesson, ky_axis axis, ky_value_source source,
                           const char *evidence)
{
    lesson->classification.provenance[axis].source = source;
    lesson->classification.provenance[axis].evidence = evidence ? strdup(evidence) : NULL;
}

static void test_register__provenance_marked(void **state)
{
    fixture *f = *state;
    ky_book *book = risk_book();
    add_lesson(book);
    ky_lesson *lesson = &book->lessons[0];
    lesson->id_generated = true;
    set_provenance(lesson, KY_AXIS_IMPORTANCE, KY_VALUE_DERIVED, "影響額 1,200万円 → Type II");
    set_provenance(lesson, KY_AXIS_KEYWORDS, KY_VALUE_SUGGESTED, "「仮想化」「共同利用」");
    set_provenance(lesson, KY_AXIS_PURPOSE, KY_VALUE_READ, NULL);

    write_book(f, book, KY_LANG_JA, f->path);
    char *lessons = read_entry(f->path, "xl/worksheets/sheet3.xml");
    char *strings = read_entry(f->path, "xl/sharedStrings.xml");
    char *styles = read_entry(f->path, "xl/styles.xml");
    assert_non_null(lessons);

    /* Each derived or suggested value carries its mark; values read as written do not. */
    assert_contains(strings, "<t>Type II（算出）</t>");
    assert_contains(strings, "<t>仮想化（推定）\n共同利用（推定）</t>");
    assert_null(strstr(strings, "<t>Type II</t>"));

    /* The note gives the evidence per axis and states that kyokun made the id. */
    assert_contains(strings, "<t>教訓IDは入力になかったため、kyokun が付けました\n"
                             "システムの重要度（算出）: 影響額 1,200万円 → Type II\n"
                             "キーワード（推定）: 「仮想化」「共同利用」</t>");

    /* The generated id has its own format (grey italics), unlike the text beside it. */
    char *id_cell = cell_xml(lessons, "A2");
    char *title_cell = cell_xml(lessons, "B2");
    int id_style = -1, title_style = -1;
    assert_non_null(strstr(id_cell, " s=\""));
    assert_non_null(strstr(title_cell, " s=\""));
    sscanf(strstr(id_cell, " s=\"") + 4, "%d", &id_style);
    sscanf(strstr(title_cell, " s=\"") + 4, "%d", &title_style);
    assert_true(id_style > 0);
    assert_int_not_equal(id_style, title_style);
    assert_contains(styles, "<i/>");
    free(id_cell);
    free(title_cell);

    write_book(f, book, KY_LANG_EN, f->path);
    free(strings);
    strings = read_entry(f->path, "xl/sharedStrings.xml");
    assert_contains(strings, "<t>Type II (derived)</t>");
    assert_contains(strings, "<t>仮想化 (suggested)\n共同利用 (suggested)</t>");
    assert_contains(strings, "System importance (derived): ");

    free(lessons);
    free(strings);
    free(styles);
    ky_book_free(book);
}

/* Give the incidents of a book these main causes (NULL for none), creating the incidents. */
static void set_causes(ky_book *book, const char *const *causes, size_t count)
{
    book->incidents = calloc(count, sizeof *book->incidents);
    assert_non_null(book->incidents);
    book->incident_count = count;
    for (size_t i = 0; i < count; i++) {
        ky_incident *incident = &book->incidents[i];
        char id[32];
        snprintf(id, sizeof id, "INC-%zu", i + 1);
        incident->id = strdup(id);
        incident->main_cause = causes[i] ? strdup(causes[i]) : NULL;
        incident->occurred = NAN;
        incident->damage_yen = (double)(i + 1) * 1000;
        incident->effort_pm = NAN;
    }
}

static void test_register__cause_sheet_and_chart(void **state)
{
    fixture *f = *state;
    static const char *const causes[] = {
        "ソフトウェアの誤り", NULL, "移行時の誤り", "ソフトウェアの誤り", "ソフトウェアの誤り",
    };
    ky_book *book = risk_book();
    set_causes(book, causes, 5);
    write_book(f, book, KY_LANG_JA, f->path);
    char *workbook = read_entry(f->path, "xl/workbook.xml");
    char *sheet = read_entry(f->path, "xl/worksheets/sheet5.xml");
    char *strings = read_entry(f->path, "xl/sharedStrings.xml");
    char *chart = read_entry(f->path, "xl/charts/chart1.xml");
    assert_non_null(sheet);
    assert_non_null(chart);

    assert_contains(workbook, "<sheet name=\"原因別集計\"");

    /* Rows 4-6: the most frequent cause first, ties in byte order, the blank key last. */
    char *c = cell_xml(sheet, "B4");
    assert_contains(c, "<v>3</v>");
    free(c);
    c = cell_xml(sheet, "C4");
    assert_contains(c, "<v>0.6</v>");
    free(c);
    c = cell_xml(sheet, "D5");
    assert_contains(c, "<v>0.8</v>");
    free(c);
    c = cell_xml(sheet, "F4"); /* damage 1000 + 4000 + 5000 */
    assert_contains(c, "<v>10000</v>");
    free(c);
    c = cell_xml(sheet, "B7"); /* total */
    assert_contains(c, "<v>5</v>");
    free(c);
    assert_contains(strings, "<t>ソフトウェアの誤り</t>");
    assert_contains(strings, "<t>(未記入)</t>");
    assert_contains(strings, "未満なら A");
    assert_contains(strings, "最初の原因と同じ区分");

    /* Columns for the counts, and a line on a secondary axis fixed at 0-100 %. */
    assert_contains(chart, "<c:barChart><c:barDir val=\"col\"/>");
    assert_contains(chart, "<c:f>'原因別集計'!$A$4:$A$6</c:f>");
    assert_contains(chart, "<c:f>'原因別集計'!$B$4:$B$6</c:f>");
    assert_contains(chart, "<c:lineChart>");
    assert_contains(chart, "<c:f>&apos;原因別集計&apos;!$D$4:$D$6</c:f>");
    assert_contains(chart, "<c:pt idx=\"2\"><c:v>1</c:v></c:pt>");
    assert_contains(chart, "<c:axPos val=\"r\"/>");
    assert_contains(chart, "<c:max val=\"1\"/><c:min val=\"0\"/>");
    assert_contains(chart, "<c:crosses val=\"max\"/>");
    const char *line = strstr(chart, "<c:lineChart>");
    const char *plot_end = strstr(chart, "</c:plotArea>");
    assert_true(strstr(chart, "</c:barChart>") < line);
    assert_true(line < plot_end);
    free(workbook);
    free(strings);
    free(chart);

    /* English labels name the sheet, the blank key and the series. */
    write_book(f, book, KY_LANG_EN, f->path);
    workbook = read_entry(f->path, "xl/workbook.xml");
    strings = read_entry(f->path, "xl/sharedStrings.xml");
    chart = read_entry(f->path, "xl/charts/chart1.xml");
    assert_contains(workbook, "<sheet name=\"Causes\"");
    assert_contains(strings, "<t>(blank)</t>");
    assert_contains(strings, "<t>Main cause</t>");
    assert_contains(chart, "<c:v>Cumulative share</c:v>");
    assert_contains(chart, "<c:f>&apos;Causes&apos;!$D$4:$D$6</c:f>");

    free(workbook);
    free(sheet);
    free(strings);
    free(chart);
    ky_book_free(book);
}

static void test_register__generator_properties(void **state)
{
    fixture *f = *state;
    ky_book *book = risk_book();
    write_book(f, book, KY_LANG_EN, f->path);
    char *core = read_entry(f->path, "docProps/core.xml");
    char *custom = read_entry(f->path, "docProps/custom.xml");
    assert_non_null(core);
    assert_non_null(custom);

    char expected[128];
    snprintf(expected, sizeof expected, "<dc:description>Generated by kyokun %s</dc:description>",
             ky_version());
    assert_contains(core, expected);
    assert_contains(core, "<dc:subject>Risk register, risk map, lessons, incidents and causes"
                          "</dc:subject>");
    snprintf(expected, sizeof expected, "<vt:lpwstr>kyokun %s</vt:lpwstr>", ky_version());
    assert_contains(custom, "name=\"Generator\"");
    assert_contains(custom, expected);

    free(core);
    free(custom);
    ky_book_free(book);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_register__risk_formulas_cached, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__threshold_from_book, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__document_properties, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__same_bytes_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__text_never_formula, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__unsafe_text_cleaned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__typed_c_in_note, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__english_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__lesson_and_incident_sheets, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_register__integer_ids_as_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__no_incident_sheet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__unwritable_path_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__map_counts_cached, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__map_empty_book, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__map_english_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__threshold_note_unmatched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__threshold_note_matched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__threshold_note_other_gaps, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_register__scale5_map_and_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__scale5_threshold_note, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__provenance_marked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__cause_sheet_and_chart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register__generator_properties, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
