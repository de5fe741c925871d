/* SPDX-License-Identifier: MIT */
/*
 * The sheets of the risk register workbook: the risk register (リスク管理表)
 * with live formulas for the risk value C and the decision, the lesson list
 * (教訓一覧) and the incident list (障害一覧).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyokun/i18n.h"
#include "register.h"

/* ---------------------------------------------------------------------------
 * Layouts
 */

/* Rows of the risk sheet above the records (0-based). */
enum {
    RISK_TITLE_ROW = 0,
    RISK_THRESHOLD_ROW = 1,
    RISK_HEADER_ROW = 2
};

/* Columns of the risk sheet. The formulas refer to RISK_A, RISK_B and RISK_C. */
enum {
    RISK_NO,
    RISK_CATEGORY,
    RISK_CONTENT,
    RISK_IMPACT,
    RISK_A,
    RISK_B,
    RISK_C,
    RISK_DECISION,
    RISK_RESPONSE,
    RISK_LESSON,
    RISK_SOURCE,
    RISK_NOTE,
    RISK_COLUMNS
};

_Static_assert(RISK_HEADER_ROW + 1 == REG_RISK_FIRST_ROW && RISK_A == REG_RISK_COL_A
                   && RISK_B == REG_RISK_COL_B,
               "the risk map counts A and B where the risk sheet writes them");

static const reg_column risk_columns[RISK_COLUMNS] = {
    [RISK_NO] = {"No.", "No.", 6},
    [RISK_CATEGORY] = {"カテゴリー", "Category", 14},
    [RISK_CONTENT] = {"リスク内容", "Risk", 40},
    [RISK_IMPACT] = {"影響内容", "Impact", 36},
    [RISK_A] = {"A 影響度", "A Impact level", 9},
    [RISK_B] = {"B 発生度", "B Likelihood", 9},
    [RISK_C] = {"C リスク値", "C Risk value", 9},
    [RISK_DECISION] = {"判定", "Decision", 10},
    [RISK_RESPONSE] = {"想定対応方法", "Planned response", 40},
    [RISK_LESSON] = {"教訓ID", "Lesson ID", 10},
    [RISK_SOURCE] = {"出典", "Source", 28},
    [RISK_NOTE] = {"備考", "Note", 30},
};

enum {
    LESSON_ID,
    LESSON_TITLE,
    LESSON_PROBLEM,
    LESSON_DIRECT,
    LESSON_ROOT,
    LESSON_RECURRENCE,
    LESSON_PREVENTIVE,
    LESSON_EFFECT,
    LESSON_BODY,
    LESSON_PURPOSE,
    LESSON_IMPORTANCE,
    LESSON_LIFECYCLE,
    LESSON_SERVICE,
    LESSON_KEYWORDS,
    LESSON_SOURCE,
    LESSON_NOTE,
    LESSON_COLUMNS
};

static const reg_column lesson_columns[LESSON_COLUMNS] = {
    [LESSON_ID] = {"教訓ID", "Lesson ID", 8},
    [LESSON_TITLE] = {"教訓概要", "Title", 30},
    /* Wide enough that a problem of about 500 Japanese characters fits Excel's maximum row
     * height of 409 points. */
    [LESSON_PROBLEM] = {"問題", "Problem", 44},
    [LESSON_DIRECT] = {"直接原因", "Direct causes", 30},
    [LESSON_ROOT] = {"根本原因", "Root causes", 30},
    [LESSON_RECURRENCE] = {"再発防止策", "Recurrence prevention", 30},
    [LESSON_PREVENTIVE] = {"未然防止策", "Preventive measures", 30},
    [LESSON_EFFECT] = {"効果", "Effect", 24},
    [LESSON_BODY] = {"教訓", "Lesson", 36},
    [LESSON_PURPOSE] = {"活用する目的", "Purpose of use", 18},
    [LESSON_IMPORTANCE] = {"システムの重要度", "System importance", 14},
    [LESSON_LIFECYCLE] = {"ライフサイクル\nプロセス", "Life-cycle process", 14},
    [LESSON_SERVICE] = {"運用・サービス\nプロセス", "Operation and service process", 16},
    [LESSON_KEYWORDS] = {"キーワード", "Keywords", 18},
    [LESSON_SOURCE] = {"出典", "Source", 24},
    [LESSON_NOTE] = {"備考", "Note", 24},
};

enum {
    INCIDENT_ID,
    INCIDENT_SUMMARY,
    INCIDENT_OCCURRED,
    INCIDENT_SYSTEM,
    INCIDENT_CAUSE,
    INCIDENT_IMPACT,
    INCIDENT_DAMAGE,
    INCIDENT_EFFORT,
    INCIDENT_SOURCE,
    INCIDENT_NOTE,
    INCIDENT_COLUMNS
};

static const reg_column incident_columns[INCIDENT_COLUMNS] = {
    [INCIDENT_ID] = {"ID", "ID", 8},
    [INCIDENT_SUMMARY] = {"障害の概要", "Summary", 40},
    /* "yyyy/mm/dd hh:mm" takes 16 characters; a narrower column shows "###". */
    [INCIDENT_OCCURRED] = {"発生日時", "Occurred", 17},
    [INCIDENT_SYSTEM] = {"システム", "System", 16},
    [INCIDENT_CAUSE] = {"主な原因", "Main cause", 18},
    [INCIDENT_IMPACT] = {"対外影響", "External impact", 30},
    [INCIDENT_DAMAGE] = {"障害の影響額 (円)", "Damage (yen)", 14},
    [INCIDENT_EFFORT] = {"対応工数 (人月)", "Effort (person-months)", 12},
    [INCIDENT_SOURCE] = {"出典", "Source", 24},
    [INCIDENT_NOTE] = {"備考", "Note", 24},
};

/* Largest serial day Excel displays as a date (9999-12-31). */
#define REG_MAX_DATE_SERIAL 2958465.0

/* ---------------------------------------------------------------------------
 * Shared sheet setup
 */

/* Reject a table whose records do not fit below its header in one sheet. */
static int check_rows(reg_writer *w, const char *sheet, lxw_row_t header_row, size_t records)
{
    if (records <= REG_MAX_ROWS - header_row - 1)
        return 0;

    ky_loc loc = {.file = w->target, .sheet = sheet};
    return ky_error_set(w->ctx, KY_ELIMIT, &loc,
                        KY_("%zu records do not fit in one sheet, because Excel allows at most %u rows. "
                            "Split the input into several files."),
                        records, REG_MAX_ROWS);
}

int reg_setup_table(reg_writer *w, lxw_worksheet *ws, lxw_row_t header_row,
                    const reg_column *columns, lxw_col_t count, size_t records)
{
    int rc = 0;
    w->columns = columns;
    w->row_lines = 0;
    for (lxw_col_t col = 0; col < count && rc == 0; col++) {
        const char *label = reg_column_label(w, &columns[col]);
        size_t lines = reg_text_lines(label, columns[col].width);
        if (lines > w->row_lines)
            w->row_lines = lines;

        rc = reg_check(w, worksheet_set_column(ws, col, col, columns[col].width, NULL),
                       "set column width");
        if (rc == 0)
            rc = reg_check(w, worksheet_write_string(ws, header_row, col, label, w->header),
                           "write header");
    }
    if (rc == 0)
        rc = reg_finish_row(w, ws, header_row);
    if (rc < 0)
        return rc;

    worksheet_freeze_panes(ws, header_row + 1, 0);
    rc = reg_check(w,
                   worksheet_autofilter(ws, header_row, 0, header_row + (lxw_row_t)records,
                                        count - 1),
                   "set autofilter");
    if (rc < 0)
        return rc;

    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, REG_PAPER_A4);
    worksheet_fit_to_pages(ws, 1, 0);
    rc = reg_check(w, worksheet_repeat_rows(ws, header_row, header_row), "repeat header row");
    if (rc == 0)
        rc = reg_check(w, worksheet_set_footer(ws, "&C&P / &N"), "set footer");
    return rc;
}

/* ---------------------------------------------------------------------------
 * Cell helpers
 */

/* Maximum digits of an id written as a number, because Excel keeps 15 significant digits. */
#define REG_ID_MAX_DIGITS 15

/*
 * Return true when `text` is a canonical decimal integer: ASCII digits only,
 * no sign, no leading zero and at most REG_ID_MAX_DIGITS digits.
 */
static bool is_canonical_integer(const char *text)
{
    size_t len = text ? strlen(text) : 0;
    if (len == 0 || len > REG_ID_MAX_DIGITS || (text[0] == '0' && len > 1))
        return false;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
    }
    return true;
}

/*
 * Write an id (incident id, risk No. or lesson id) as a number when it is a
 * canonical integer, so that Excel sorts it as one and shows no "number
 * stored as text" mark. Other ids, "007" among them, stay text in
 * `text_format`.
 */
static int write_id(reg_writer *w, const reg_cell_ref *ref, const char *text,
                    lxw_format *text_format)
{
    if (is_canonical_integer(text))
        return reg_check(w, worksheet_write_number(ref->sheet, ref->row, ref->col,
                                                   strtod(text, NULL), w->number),
                         "write number");
    return reg_write_text(w, ref, text, text_format);
}

/* Write an A or B level: the number when known, else the text as written. */
static int write_level(reg_writer *w, const reg_cell_ref *ref, int level, const char *text)
{
    if (level != 0)
        return reg_check(w, worksheet_write_number(ref->sheet, ref->row, ref->col, level,
                                                   w->number),
                         "write number");
    return reg_write_text(w, ref, text, w->number);
}

/* Write an amount as a number when known, else the text as written. */
static int write_amount(reg_writer *w, const reg_cell_ref *ref, double value, const char *text,
                        lxw_format *format)
{
    if (isfinite(value))
        return reg_check(w, worksheet_write_number(ref->sheet, ref->row, ref->col, value, format),
                         "write number");
    return reg_write_text(w, ref, text, w->text);
}

/* Write a date as a formatted serial day when Excel can show it, else the text as written. */
static int write_date(reg_writer *w, const reg_cell_ref *ref, double serial, const char *text)
{
    if (isfinite(serial) && serial >= 1.0 && serial <= REG_MAX_DATE_SERIAL) {
        lxw_format *format = serial == floor(serial) ? w->date : w->datetime;
        return reg_check(w, worksheet_write_number(ref->sheet, ref->row, ref->col, serial, format),
                         "write date");
    }
    return reg_write_text(w, ref, text, w->text);
}

/* ---------------------------------------------------------------------------
 * Risk register
 */

/*
 * Write the note of a threshold that no A x B equals, merged over the last
 * columns of the threshold row, and make the row tall enough for it.
 */
static int write_threshold_note(reg_writer *w, lxw_worksheet *ws)
{
    if (reg_compose_threshold_note(w, &w->compose) < 0)
        return reg_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "write threshold note");
    if (w->compose.len == 0)
        return 0;

    double width = 0;
    for (lxw_col_t col = RISK_LESSON; col <= RISK_NOTE; col++)
        width += risk_columns[col].width;
    size_t lines = reg_text_lines(w->compose.data, width);

    int rc = reg_check(w, worksheet_merge_range(ws, RISK_THRESHOLD_ROW, RISK_LESSON,
                                                RISK_THRESHOLD_ROW, RISK_NOTE, w->compose.data,
                                                w->note),
                       "write threshold note");
    double height = REG_LINE_HEIGHT * (double)lines;
    if (rc == 0 && lines > 1)
        rc = reg_check(w, worksheet_set_row(ws, RISK_THRESHOLD_ROW, height, NULL),
                       "set row height");
    return rc;
}

/*
 * Write the title, and the threshold cell with its label, a defined name that
 * the decision formulas use, a line explaining the rule, and the note of a
 * threshold that no A x B equals.
 */
static int write_threshold(reg_writer *w, lxw_worksheet *ws, const char *sheet_name)
{
    const reg_labels *labels = w->labels;

    int rc = reg_check(w, worksheet_write_string(ws, RISK_TITLE_ROW, 0, labels->risk_sheet,
                                                 w->title),
                       "write title");
    if (rc == 0)
        rc = reg_check(w, worksheet_write_string(ws, RISK_THRESHOLD_ROW, RISK_B,
                                                 labels->threshold_label, w->label),
                       "write threshold label");
    if (rc == 0)
        rc = reg_check(w, worksheet_write_number(ws, RISK_THRESHOLD_ROW, RISK_C,
                                                 w->book->threshold, w->threshold),
                       "write threshold");
    /* Merged over two columns, so that the note beside it does not cut it off. */
    if (rc == 0)
        rc = reg_check(w, worksheet_merge_range(ws, RISK_THRESHOLD_ROW, RISK_DECISION,
                                                RISK_THRESHOLD_ROW, RISK_RESPONSE,
                                                labels->threshold_help, w->note),
                       "write threshold help");
    if (rc == 0)
        rc = write_threshold_note(w, ws);
    if (rc < 0)
        return rc;

    char column[8];
    char quoted[2 * REG_SHEET_NAME_SIZE];
    char formula[2 * REG_SHEET_NAME_SIZE + 32];
    ky_col_name(RISK_C, column);
    if (!reg_quote_sheet_name(sheet_name, quoted, sizeof quoted))
        return reg_check(w, LXW_ERROR_PARAMETER_VALIDATION, "define threshold name");
    snprintf(formula, sizeof formula, "=%s!$%s$%u", quoted, column,
             (unsigned)RISK_THRESHOLD_ROW + 1);
    return reg_check(w, workbook_define_name(w->workbook, labels->threshold_name, formula),
                     "define threshold name");
}

/*
 * Compose the note of a risk in w->compose: the C and the decision the input
 * sheet contained, and the values of unmapped columns, one a line.
 */
static int compose_risk_note(reg_writer *w, const ky_risk *risk)
{
    ky_buf *note = &w->compose;
    int known = risk->a * risk->b;
    int rc = 0;

    ky_buf_clear(note);
    if (risk->c_text && risk->c_text[0] && (known == 0 || risk->c_typed != known)) {
        rc = ky_buf_printf(note, "%s: %s", w->labels->note_c_typed, risk->c_text);
        if (rc == 0 && known != 0)
            rc = ky_buf_printf(note, " (A×B = %d)", known);
    }
    if (rc == 0 && risk->decision_text && risk->decision_text[0]) {
        rc = reg_new_line(note);
        if (rc == 0)
            rc = ky_buf_printf(note, "%s: %s", w->labels->note_decision, risk->decision_text);
    }
    if (rc == 0)
        rc = reg_append_extras(note, &risk->extras);
    return rc;
}

/* Write the formulas for C and the decision with their cached results. */
static int write_risk_formulas(reg_writer *w, lxw_worksheet *ws, lxw_row_t row,
                               const ky_risk *risk)
{
    const reg_labels *labels = w->labels;
    char a[8], b[8], c[8];
    ky_col_name(RISK_A, a);
    ky_col_name(RISK_B, b);
    ky_col_name(RISK_C, c);
    unsigned excel_row = (unsigned)row + 1;

    /* C = A x B while both are numbers, so a cell edited in Excel updates C. */
    char formula[256];
    snprintf(formula, sizeof formula, "=IF(AND(ISNUMBER(%s%u),ISNUMBER(%s%u)),%s%u*%s%u,\"\")", a,
             excel_row, b, excel_row, a, excel_row, b, excel_row);
    bool known = risk->a != 0 && risk->b != 0;
    int value = risk->a * risk->b;
    lxw_error error = known ? worksheet_write_formula_num(ws, row, RISK_C, formula, w->number, value)
                            : worksheet_write_formula_str(ws, row, RISK_C, formula, w->number, "");
    int rc = reg_check(w, error, "write risk value formula");
    if (rc < 0)
        return rc;

    /* The decision compares C with the named threshold cell. */
    snprintf(formula, sizeof formula, "=IF(ISNUMBER(%s%u),IF(%s%u>=%s,\"%s\",\"%s\"),\"\")", c,
             excel_row, c, excel_row, labels->threshold_name, labels->respond, labels->accept);
    const char *decision = "";
    if (known)
        decision = value >= w->book->threshold ? labels->respond : labels->accept;
    return reg_check(w, worksheet_write_formula_str(ws, row, RISK_DECISION, formula, w->number,
                                                    decision),
                     "write decision formula");
}

/* Write one risk into `row`. */
static int write_risk_row(reg_writer *w, lxw_worksheet *ws, const char *sheet_name,
                          lxw_row_t row, const ky_risk *risk)
{
    reg_cell_ref ref = {.sheet = ws, .sheet_name = sheet_name, .row = row,
                        .origin = &risk->origin};
    int rc;

    ref.col = RISK_NO;
    rc = write_id(w, &ref, risk->no, w->number);
    if (rc == 0) {
        ref.col = RISK_CATEGORY;
        rc = reg_write_text(w, &ref, risk->category, w->text);
    }
    if (rc == 0) {
        ref.col = RISK_CONTENT;
        rc = reg_write_text(w, &ref, risk->content, w->text);
    }
    if (rc == 0) {
        ref.col = RISK_IMPACT;
        rc = reg_write_text(w, &ref, risk->impact, w->text);
    }
    if (rc == 0) {
        ref.col = RISK_A;
        rc = write_level(w, &ref, risk->a, risk->a_text);
    }
    if (rc == 0) {
        ref.col = RISK_B;
        rc = write_level(w, &ref, risk->b, risk->b_text);
    }
    if (rc == 0)
        rc = write_risk_formulas(w, ws, row, risk);
    if (rc == 0) {
        ref.col = RISK_RESPONSE;
        rc = reg_write_text(w, &ref, risk->response, w->text);
    }
    if (rc == 0) {
        ref.col = RISK_LESSON;
        rc = reg_write_text(w, &ref, risk->lesson_id, w->text);
    }
    if (rc == 0) {
        ref.col = RISK_SOURCE;
        rc = reg_write_origin(w, &ref, &risk->origin);
    }
    if (rc == 0) {
        ref.col = RISK_NOTE;
        if (compose_risk_note(w, risk) < 0)
            return reg_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "write note");
        rc = reg_write_text(w, &ref, w->compose.data, w->text);
    }
    if (rc == 0)
        rc = reg_finish_row(w, ws, row);
    return rc;
}

/*
 * Add drop-downs of the levels, highest first (3, 2, 1), to the A and B
 * columns (a warning, not a block, so text kept from the input stays
 * allowed) and highlight the rows whose C reaches the threshold.
 */
static int add_risk_rules(reg_writer *w, lxw_worksheet *ws, lxw_row_t first, lxw_row_t last)
{
    static char *const level_texts[REG_MAX_SCALE] = {"1", "2", "3", "4", "5"};
    char *levels[REG_MAX_SCALE + 1] = {NULL};
    for (int i = 0; i < w->scale; i++)
        levels[i] = level_texts[w->scale - 1 - i];

    lxw_data_validation validation = {
        .validate = LXW_VALIDATION_TYPE_LIST,
        .value_list = levels,
        .error_type = LXW_VALIDATION_ERROR_TYPE_WARNING,
    };
    int rc = reg_check(w, worksheet_data_validation_range(ws, first, RISK_A, last, RISK_B,
                                                          &validation),
                       "add drop-down");
    if (rc < 0)
        return rc;

    char c[8];
    char formula[128];
    ky_col_name(RISK_C, c);
    snprintf(formula, sizeof formula, "=AND(ISNUMBER($%s%u),$%s%u>=%s)", c, (unsigned)first + 1, c,
             (unsigned)first + 1, w->labels->threshold_name);
    lxw_conditional_format highlight = {
        .type = LXW_CONDITIONAL_TYPE_FORMULA,
        .value_string = formula,
        .format = w->respond,
    };
    return reg_check(w, worksheet_conditional_format_range(ws, first, 0, last, RISK_COLUMNS - 1,
                                                           &highlight),
                     "add conditional format");
}

int reg_write_risk_sheet(reg_writer *w)
{
    const ky_book *book = w->book;
    const char *name = w->labels->risk_sheet;
    lxw_worksheet *ws = NULL;

    int rc = check_rows(w, name, RISK_HEADER_ROW, book->risk_count);
    if (rc == 0)
        rc = reg_add_sheet(w, name, &ws, &name);
    if (rc == 0) {
        w->risk_sheet_name = name;
        rc = write_threshold(w, ws, name);
    }
    if (rc == 0)
        rc = reg_setup_table(w, ws, RISK_HEADER_ROW, risk_columns, RISK_COLUMNS, book->risk_count);

    lxw_row_t first = RISK_HEADER_ROW + 1;
    for (size_t i = 0; i < book->risk_count && rc == 0; i++)
        rc = write_risk_row(w, ws, name, first + (lxw_row_t)i, &book->risks[i]);

    if (rc == 0 && book->risk_count > 0)
        rc = add_risk_rules(w, ws, first, first + (lxw_row_t)book->risk_count - 1);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Lessons
 */

/* Write a list field, one item a line. */
static int write_list(reg_writer *w, const reg_cell_ref *ref, const ky_strlist *list)
{
    ky_buf_clear(&w->compose);
    if (reg_join_lines(&w->compose, list) < 0)
        return reg_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "write list");
    return reg_write_text(w, ref, w->compose.data, w->text);
}

/* Column of each classification axis on the lesson sheet. */
static const lxw_col_t axis_columns[KY_AXIS_COUNT] = {
    [KY_AXIS_PURPOSE] = LESSON_PURPOSE,
    [KY_AXIS_IMPORTANCE] = LESSON_IMPORTANCE,
    [KY_AXIS_LIFECYCLE] = LESSON_LIFECYCLE,
    [KY_AXIS_SERVICE] = LESSON_SERVICE,
    [KY_AXIS_KEYWORDS] = LESSON_KEYWORDS,
};

/* Return the mark of a classification value that kyokun filled in, or NULL for one read as written. */
static const char *provenance_mark(const reg_writer *w, const ky_provenance *provenance)
{
    if (provenance->source == KY_VALUE_DERIVED)
        return w->labels->mark_derived;
    if (provenance->source == KY_VALUE_SUGGESTED)
        return w->labels->mark_suggested;
    return NULL;
}

/* Append `text` and the mark, if any, to `out`. Empty text appends nothing. */
static int append_marked(ky_buf *out, const char *text, const char *mark)
{
    if (!text || !text[0])
        return 0;
    if (reg_new_line(out) < 0 || ky_buf_puts(out, text) < 0)
        return KY_ENOMEM;
    return mark ? ky_buf_puts(out, mark) : 0;
}

/*
 * Write one classification axis of a lesson: the single value `text`, or
 * the items of `list` one a line. Each value that kyokun derived or
 * suggested ends with its mark, so that a filter on the column can find it.
 */
static int write_classification(reg_writer *w, const reg_cell_ref *ref, const char *text,
                                const ky_strlist *list, const ky_provenance *provenance)
{
    const char *mark = provenance_mark(w, provenance);
    ky_buf_clear(&w->compose);
    int rc = append_marked(&w->compose, text, mark);
    for (size_t i = 0; list && i < list->count && rc == 0; i++)
        rc = append_marked(&w->compose, list->items[i], mark);
    if (rc == 0)
        rc = ky_buf_append(&w->compose, "", 0);
    if (rc < 0)
        return reg_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "write classification");
    return reg_write_text(w, ref, w->compose.data, w->text);
}

/*
 * Compose the note of a lesson in w->compose: a line for a generated id, a
 * line per derived or suggested classification value with its evidence, and
 * the values of unmapped columns.
 */
static int compose_lesson_note(reg_writer *w, const ky_lesson *lesson)
{
    const ky_classification *cls = &lesson->classification;
    ky_buf *note = &w->compose;
    int rc = 0;

    ky_buf_clear(note);
    if (lesson->id_generated)
        rc = ky_buf_puts(note, w->labels->note_id_generated);
    for (int axis = 0; axis < KY_AXIS_COUNT && rc == 0; axis++) {
        const char *mark = provenance_mark(w, &cls->provenance[axis]);
        if (!mark)
            continue;
        const char *evidence = cls->provenance[axis].evidence;
        rc = reg_new_line(note);
        if (rc == 0)
            rc = ky_buf_printf(note, "%s%s", reg_column_label(w, &lesson_columns[axis_columns[axis]]),
                               mark);
        if (rc == 0 && evidence && evidence[0])
            rc = ky_buf_printf(note, ": %s", evidence);
    }
    if (rc == 0)
        rc = reg_append_extras(note, &lesson->extras);
    if (rc == 0)
        rc = ky_buf_append(note, "", 0);
    return rc;
}

/* Write one lesson into `row`. */
static int write_lesson_row(reg_writer *w, lxw_worksheet *ws, const char *sheet_name,
                            lxw_row_t row, const ky_lesson *lesson)
{
    const ky_classification *cls = &lesson->classification;
    reg_cell_ref ref = {.sheet = ws, .sheet_name = sheet_name, .row = row,
                        .origin = &lesson->origin};
    const char *texts[LESSON_COLUMNS] = {
        [LESSON_ID] = lesson->id,
        [LESSON_TITLE] = lesson->title,
        [LESSON_PROBLEM] = lesson->problem,
        [LESSON_EFFECT] = lesson->effect,
        [LESSON_BODY] = lesson->lesson,
    };
    const ky_strlist *lists[LESSON_COLUMNS] = {
        [LESSON_DIRECT] = &lesson->direct_causes,
        [LESSON_ROOT] = &lesson->root_causes,
        [LESSON_RECURRENCE] = &lesson->recurrence,
        [LESSON_PREVENTIVE] = &lesson->preventive,
    };

    int rc = 0;
    for (lxw_col_t col = 0; col < LESSON_PURPOSE && rc == 0; col++) {
        ref.col = col;
        if (lists[col])
            rc = write_list(w, &ref, lists[col]);
        else if (col == LESSON_ID)
            rc = write_id(w, &ref, texts[col], lesson->id_generated ? w->generated_id : w->text);
        else
            rc = reg_write_text(w, &ref, texts[col], w->text);
    }

    const char *axis_texts[KY_AXIS_COUNT] = {
        [KY_AXIS_IMPORTANCE] = cls->importance,
        [KY_AXIS_LIFECYCLE] = cls->lifecycle,
        [KY_AXIS_SERVICE] = cls->service,
    };
    const ky_strlist *axis_lists[KY_AXIS_COUNT] = {
        [KY_AXIS_PURPOSE] = &cls->purposes,
        [KY_AXIS_KEYWORDS] = &cls->keywords,
    };
    for (int axis = 0; axis < KY_AXIS_COUNT && rc == 0; axis++) {
        ref.col = axis_columns[axis];
        rc = write_classification(w, &ref, axis_texts[axis], axis_lists[axis],
                                  &cls->provenance[axis]);
    }
    if (rc == 0) {
        ref.col = LESSON_SOURCE;
        rc = reg_write_origin(w, &ref, &lesson->origin);
    }
    if (rc == 0) {
        ref.col = LESSON_NOTE;
        if (compose_lesson_note(w, lesson) < 0)
            return reg_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "write note");
        rc = reg_write_text(w, &ref, w->compose.data, w->text);
    }
    if (rc == 0)
        rc = reg_finish_row(w, ws, row);
    return rc;
}

int reg_write_lesson_sheet(reg_writer *w)
{
    const ky_book *book = w->book;
    const char *name = w->labels->lesson_sheet;
    lxw_worksheet *ws = NULL;

    int rc = check_rows(w, name, 0, book->lesson_count);
    if (rc == 0)
        rc = reg_add_sheet(w, name, &ws, &name);
    if (rc == 0)
        rc = reg_setup_table(w, ws, 0, lesson_columns, LESSON_COLUMNS, book->lesson_count);
    for (size_t i = 0; i < book->lesson_count && rc == 0; i++)
        rc = write_lesson_row(w, ws, name, 1 + (lxw_row_t)i, &book->lessons[i]);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Incidents
 */

/* Write one incident into `row`. */
static int write_incident_row(reg_writer *w, lxw_worksheet *ws, const char *sheet_name,
                              lxw_row_t row, const ky_incident *incident)
{
    reg_cell_ref ref = {.sheet = ws, .sheet_name = sheet_name, .row = row,
                        .origin = &incident->origin};
    int rc;

    ref.col = INCIDENT_ID;
    rc = write_id(w, &ref, incident->id, w->text);
    if (rc == 0) {
        ref.col = INCIDENT_SUMMARY;
        rc = reg_write_text(w, &ref, incident->summary, w->text);
    }
    if (rc == 0) {
        ref.col = INCIDENT_OCCURRED;
        rc = write_date(w, &ref, incident->occurred, incident->occurred_text);
    }
    if (rc == 0) {
        ref.col = INCIDENT_SYSTEM;
        rc = reg_write_text(w, &ref, incident->system, w->text);
    }
    if (rc == 0) {
        ref.col = INCIDENT_CAUSE;
        rc = reg_write_text(w, &ref, incident->main_cause, w->text);
    }
    if (rc == 0) {
        ref.col = INCIDENT_IMPACT;
        rc = reg_write_text(w, &ref, incident->external_impact, w->text);
    }
    if (rc == 0) {
        ref.col = INCIDENT_DAMAGE;
        rc = write_amount(w, &ref, incident->damage_yen, incident->damage_text, w->yen);
    }
    if (rc == 0) {
        ref.col = INCIDENT_EFFORT;
        rc = write_amount(w, &ref, incident->effort_pm, incident->effort_text, w->effort);
    }
    if (rc == 0) {
        ref.col = INCIDENT_SOURCE;
        rc = reg_write_origin(w, &ref, &incident->origin);
    }
    if (rc == 0) {
        ref.col = INCIDENT_NOTE;
        ky_buf_clear(&w->compose);
        if (reg_append_extras(&w->compose, &incident->extras) < 0)
            return reg_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "write note");
        rc = reg_write_text(w, &ref, w->compose.data, w->text);
    }
    if (rc == 0)
        rc = reg_finish_row(w, ws, row);
    return rc;
}

int reg_write_incident_sheet(reg_writer *w)
{
    const ky_book *book = w->book;
    const char *name = w->labels->incident_sheet;
    lxw_worksheet *ws = NULL;

    int rc = check_rows(w, name, 0, book->incident_count);
    if (rc == 0)
        rc = reg_add_sheet(w, name, &ws, &name);
    if (rc == 0)
        rc = reg_setup_table(w, ws, 0, incident_columns, INCIDENT_COLUMNS, book->incident_count);
    for (size_t i = 0; i < book->incident_count && rc == 0; i++)
        rc = write_incident_row(w, ws, name, 1 + (lxw_row_t)i, &book->incidents[i]);
    return rc;
}
