/* SPDX-License-Identifier: MIT */
/*
 * Mapping the tables that hold one record a row: incident lists (障害一覧),
 * risk tables (リスク管理表) and lesson tables (教訓), where a lesson may also
 * continue over the rows below its first.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_text.h"
#include "kyokun/i18n.h"
#include "mapping.h"
#include "values.h"

/* ------------------------------------------------------------------------ */
/* Cell access by field                                                     */
/* ------------------------------------------------------------------------ */

/* Columns of the fields a mapper reads, looked up once per sheet. */
typedef struct field_columns {
    const char *const *names;
    int cols[16];
    size_t count;
    bool own_cells; /**< Ignore merged ranges: a lesson's merged cells are not repeated per row. */
} field_columns;

static void find_columns(const ky_map_sheet *map, field_columns *columns)
{
    for (size_t i = 0; i < columns->count; i++)
        columns->cols[i] = ky_mapping__column(map, columns->names[i]);
}

static const ky_cell *field_cell(const ky_map_sheet *map, const field_columns *columns,
                                 size_t field, uint32_t row)
{
    int col = columns->cols[field];
    if (col < 0)
        return NULL;
    if (columns->own_cells) {
        const ky_cell *cell = ky_grid__cell(map->grid, row, (uint32_t)col);
        return ky_value__is_blank(cell) ? NULL : cell;
    }
    return ky_mapping__value(map, row, (uint32_t)col);
}

/* Store a field's text (trimmed) in *out, leaving *out NULL for a blank cell. */
static int take_text(const ky_map_sheet *map, const field_columns *columns, size_t field,
                     uint32_t row, char **out)
{
    const ky_cell *cell = field_cell(map, columns, field, row);
    if (!cell)
        return 0;
    char *text = ky_value__cell_text(cell);
    if (!text)
        return KY_ENOMEM;
    *out = ky_value__trim(text, strlen(text));
    free(text);
    return *out ? 0 : KY_ENOMEM;
}

/*
 * Store an id field's text as take_text() does, with full-width ASCII and the
 * ideographic space folded to ASCII. Ids are compared across sheets and files
 * and with the lesson ids cited in why-why analyses, and the register writes
 * an id of digits as a number, so "１" and "Ｇ７" must read as "1" and "G7".
 */
static int take_id(const ky_map_sheet *map, const field_columns *columns, size_t field,
                   uint32_t row, char **out)
{
    char *text = NULL;
    int status = take_text(map, columns, field, row, &text);
    if (status != 0 || !text)
        return status;
    *out = ky_value__fold_width(text, strlen(text));
    free(text);
    return *out ? 0 : KY_ENOMEM;
}

static bool any_value(const ky_map_sheet *map, const field_columns *columns, const size_t *fields,
                      size_t count, uint32_t row)
{
    for (size_t i = 0; i < count; i++) {
        if (field_cell(map, columns, fields[i], row))
            return true;
    }
    return false;
}

/* Column header for messages, or the column letter when it has none. */
static const char *column_label(const ky_map_sheet *map, int col, char letters[8])
{
    if (col >= 0 && (uint32_t)col < map->col_count && map->labels[col])
        return map->labels[col];
    return ky_col_name(col < 0 ? 0 : (uint32_t)col, letters);
}

/* ------------------------------------------------------------------------ */
/* Incident list                                                            */
/* ------------------------------------------------------------------------ */

enum {
    INC_ID, INC_SUMMARY, INC_OCCURRED, INC_SYSTEM, INC_CAUSE, INC_IMPACT, INC_DAMAGE, INC_EFFORT,
    INC_FIELDS
};

static const char *const incident_fields[INC_FIELDS] = {
    "id", "summary", "occurred", "system", "main_cause", "external_impact", "damage", "effort",
};

/* Warn about an era date before its era began or after it ended, naming the era's bound. */
static void warn_outside_era(const ky_map_sheet *map, const ky_loc *loc, const ky_cell *cell,
                             ky_date_error error, const char *text, const char *label)
{
    ky_era_bounds era;
    if (!ky_value__era_bounds(cell, &era))
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.invalid-date", loc,
                     KY_("impossible date \"%s\" in column \"%s\": the date lies outside its "
                         "Japanese era. Correct the cell. Until then the text is kept and the "
                         "date stays unknown"),
                     text, label);
    else if (error == KY_DATE_BEFORE_ERA || era.last_year == 0)
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.invalid-date", loc,
                     KY_("impossible date \"%s\" in column \"%s\": %s began on %04d-%02d-%02d "
                         "(%s元年%d月%d日), so the date lies before it. Correct the cell. Until "
                         "then the text is kept and the date stays unknown"),
                     text, label, era.name, era.first_year, era.first_month, era.first_day,
                     era.name, era.first_month, era.first_day);
    else
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.invalid-date", loc,
                     KY_("impossible date \"%s\" in column \"%s\": %s ended on %04d-%02d-%02d "
                         "(%s%d年%d月%d日), so the date lies after it. Correct the cell. Until "
                         "then the text is kept and the date stays unknown"),
                     text, label, era.name, era.last_year, era.last_month, era.last_day,
                     era.name, era.last_era_year, era.last_month, era.last_day);
}

/* Convert the occurrence date of an incident, warning about a date that cannot be read. */
static void convert_occurred(const ky_map_sheet *map, const field_columns *columns, uint32_t row,
                             ky_incident *incident)
{
    const ky_cell *cell = field_cell(map, columns, INC_OCCURRED, row);
    if (!cell)
        return;

    char letters[8];
    ky_date_error error;
    incident->occurred = ky_value__read_date(cell, &error);
    ky_loc loc = ky_mapping__loc(map, row, (uint32_t)columns->cols[INC_OCCURRED]);
    const char *label = column_label(map, columns->cols[INC_OCCURRED], letters);
    if (error == KY_DATE_BEFORE_ERA || error == KY_DATE_AFTER_ERA)
        warn_outside_era(map, &loc, cell, error, incident->occurred_text, label);
    else if (error == KY_DATE_NO_SUCH_MONTH)
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.invalid-date", &loc,
                     KY_("impossible date \"%s\" in column \"%s\": no such month, because "
                         "months run from 1 to 12. Correct the cell. Until then the text is "
                         "kept and the date stays unknown"),
                     incident->occurred_text, label);
    else if (error == KY_DATE_NO_SUCH_DAY)
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.invalid-date", &loc,
                     KY_("impossible date \"%s\" in column \"%s\": that month has no such "
                         "day. Correct the cell. Until then the text is kept and the date "
                         "stays unknown"),
                     incident->occurred_text, label);
    else if (error != KY_DATE_OK)
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.invalid-date", &loc,
                     KY_("unreadable date \"%s\" in column \"%s\": expected a date cell or "
                         "text such as 2024/4/1, 2024-04-01, 2024年4月1日 or 令和6年4月1日. "
                         "The text is kept"),
                     incident->occurred_text, label);
}

/* Convert the damage of an incident, warning about an unreadable or negative amount. */
static void convert_damage(const ky_map_sheet *map, const field_columns *columns, uint32_t row,
                           ky_incident *incident)
{
    int col = columns->cols[INC_DAMAGE];
    const ky_cell *cell = field_cell(map, columns, INC_DAMAGE, row);
    if (!cell)
        return;

    char letters[8];
    incident->damage_yen = ky_value__yen(cell, map->scales[col]);
    ky_loc loc = ky_mapping__loc(map, row, (uint32_t)col);
    if (isnan(incident->damage_yen))
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.invalid-amount", &loc,
                     KY_("unreadable amount \"%s\" in column \"%s\": expected yen as a "
                         "number, or text such as 1,200,000円, 120万円 or 1.5億円. The text is kept"),
                     incident->damage_text, column_label(map, col, letters));
    else if (incident->damage_yen < 0)
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.negative-amount", &loc,
                     KY_("negative amount \"%s\" in column \"%s\": damage is expected to be "
                         "zero yen or more. The value is kept, so check the cell"),
                     incident->damage_text, column_label(map, col, letters));
}

/* Convert the effort of an incident, warning about an unreadable or negative effort. */
static void convert_effort(const ky_map_sheet *map, const field_columns *columns, uint32_t row,
                           ky_incident *incident)
{
    int col = columns->cols[INC_EFFORT];
    const ky_cell *cell = field_cell(map, columns, INC_EFFORT, row);
    if (!cell)
        return;

    char letters[8];
    incident->effort_pm = ky_value__effort(cell, map->scales[col], map->options->hours_per_day,
                                           map->options->days_per_month);
    ky_loc loc = ky_mapping__loc(map, row, (uint32_t)col);
    if (isnan(incident->effort_pm))
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.invalid-effort", &loc,
                     KY_("unreadable effort \"%s\" in column \"%s\": expected person-months "
                         "as a number, or text such as 3人月, 10人日 or 40時間. The text is kept"),
                     incident->effort_text, column_label(map, col, letters));
    else if (incident->effort_pm < 0)
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.negative-effort", &loc,
                     KY_("negative amount \"%s\" in column \"%s\": effort is expected to be "
                         "zero person-months or more. The value is kept, so check the cell"),
                     incident->effort_text, column_label(map, col, letters));
}

int ky_mapping__incidents(ky_map_sheet *map, ky_row_class *classes)
{
    field_columns columns = {.names = incident_fields, .count = INC_FIELDS};
    find_columns(map, &columns);
    static const size_t keys[] = {INC_SUMMARY, INC_OCCURRED, INC_SYSTEM, INC_CAUSE};
    ky_book *book = map->book;

    int status = ky_mapping__reserve((void **)&book->incidents, book->incident_count,
                                     map->grid->row_count - map->data_row, sizeof *book->incidents);
    for (uint32_t r = map->data_row; r < map->grid->row_count && status == 0; r++) {
        if (classes[r] != KY_ROW_DATA)
            continue;
        if (!any_value(map, &columns, keys, sizeof keys / sizeof keys[0], r)) {
            classes[r] = KY_ROW_UNREADABLE;
            continue;
        }
        classes[r] = KY_ROW_MAPPED;

        ky_incident *incident = &book->incidents[book->incident_count++];
        memset(incident, 0, sizeof *incident);
        incident->occurred = incident->damage_yen = incident->effort_pm = NAN;
        incident->origin = (ky_origin){map->report->file, map->report->sheet, r + 1};

        char **targets[INC_FIELDS] = {
            &incident->id, &incident->summary, &incident->occurred_text, &incident->system,
            &incident->main_cause, &incident->external_impact, &incident->damage_text,
            &incident->effort_text,
        };
        for (size_t f = 0; f < INC_FIELDS && status == 0; f++)
            status = f == INC_ID ? take_id(map, &columns, f, r, targets[f])
                                 : take_text(map, &columns, f, r, targets[f]);
        if (status == 0) {
            convert_occurred(map, &columns, r, incident);
            convert_damage(map, &columns, r, incident);
            convert_effort(map, &columns, r, incident);
        }
        if (status == 0)
            status = ky_mapping__extras(map, r, &incident->extras);
    }
    return status;
}

/* ------------------------------------------------------------------------ */
/* Risk table                                                               */
/* ------------------------------------------------------------------------ */

enum {
    RISK_NO, RISK_CATEGORY, RISK_CONTENT, RISK_IMPACT, RISK_A, RISK_B, RISK_C, RISK_DECISION,
    RISK_RESPONSE, RISK_LESSON, RISK_FIELDS
};

static const char *const risk_fields[RISK_FIELDS] = {
    "no", "category", "content", "impact", "a", "b", "c", "decision", "response", "lesson_id",
};

/*
 * Read level A or B. An unreadable value is kept as text, warned about and
 * read as 0. On a 5-level scale the built-in words are not read, because
 * words such as 高 name the top of a 3-level scale.
 */
static int read_level(const ky_map_sheet *map, const field_columns *columns, size_t field,
                      uint32_t row, const char *text)
{
    const ky_cell *cell = field_cell(map, columns, field, row);
    if (!cell)
        return 0;
    int level = 0;
    if (map->scale == 5) {
        if (!ky_value__integer(cell, &level) || level < 1 || level > 5)
            level = 0;
        if (level == 0)
            level = ky_value__table_level(cell, map->options->levels);
    } else {
        level = ky_value__level(cell, map->options->levels);
        /* A level table's 4 and 5 belong to the 5-level scale. */
        if (level > 3)
            level = 0;
    }
    if (level == 0) {
        char letters[8];
        int col = columns->cols[field];
        ky_loc loc = ky_mapping__loc(map, row, (uint32_t)col);
        if (map->scale == 5)
            ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.invalid-level", &loc,
                         KY_("invalid level \"%s\" in column \"%s\": expected a number from 1 "
                             "to 5 on the 5-level scale. Correct the cell. Until then the text "
                             "is kept and the risk value C stays unknown"),
                         text, column_label(map, col, letters));
        else
            ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.invalid-level", &loc,
                         KY_("invalid level \"%s\" in column \"%s\": expected 1-3 or 高/中/低 "
                             "(大/中/小, ○/△/× and H/M/L are read too, and --levels FILE adds "
                             "words). Correct the cell. Until then the text is kept and the "
                             "risk value C stays unknown"),
                         text, column_label(map, col, letters));
    }
    return level;
}

/* Compare a C typed in the sheet with the computed C, warning when they differ. */
static void check_typed_c(const ky_map_sheet *map, const field_columns *columns, uint32_t row,
                          ky_risk *risk)
{
    const ky_cell *cell = field_cell(map, columns, RISK_C, row);
    if (!cell)
        return;
    char letters[8];
    int col = columns->cols[RISK_C];
    ky_loc loc = ky_mapping__loc(map, row, (uint32_t)col);
    if (!ky_value__integer(cell, &risk->c_typed)) {
        risk->c_typed = 0;
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.invalid-risk-value", &loc,
                     KY_("invalid risk value \"%s\" in column \"%s\": expected a whole number "
                         "A x B. The text is kept and C is computed from A and B"),
                     risk->c_text, column_label(map, col, letters));
        return;
    }
    if (risk->c > 0 && risk->c_typed != risk->c) {
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.risk-value-mismatch", &loc,
                     KY_("risk value C in column \"%s\" is %d, but A x B = %d x %d = %d. "
                         "Correct C or the levels. The computed value %d is used"),
                     column_label(map, col, letters), risk->c_typed, risk->a, risk->b, risk->c,
                     risk->c);
    }
}

/*
 * Compare a decision typed in the sheet with the one computed from C,
 * warning when they differ. Text that is not a known decision (the guide's
 * own sample has a number there) and rows without a computed C are left alone.
 */
static void check_typed_decision(const ky_map_sheet *map, const field_columns *columns,
                                 uint32_t row, const ky_risk *risk)
{
    if (risk->c == 0)
        return;
    ky_decision typed = ky_value__decision(field_cell(map, columns, RISK_DECISION, row));
    if (typed == KY_DECISION_UNKNOWN)
        return;
    bool respond = typed == KY_DECISION_RESPOND;
    if (respond == risk->needs_response)
        return;

    char letters[8];
    int col = columns->cols[RISK_DECISION];
    ky_loc loc = ky_mapping__loc(map, row, (uint32_t)col);
    /* The computed decision uses the guide's labels, like the register's 判定 column. */
    const char *computed = risk->needs_response ? "対応要" : "対応不要";
    ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.risk-decision-mismatch", &loc,
                 KY_("decision \"%s\" in column \"%s\" contradicts the risk value C = %d with "
                     "threshold %d (needs a response from %d): the computed decision %s is used"),
                 risk->decision_text, column_label(map, col, letters), risk->c, map->threshold,
                 map->threshold, computed);
}

/* Compute C = A x B and the response, and check the C and decision typed in the sheet. */
static void score_risk(const ky_map_sheet *map, const field_columns *columns, uint32_t row,
                       ky_risk *risk)
{
    risk->a = read_level(map, columns, RISK_A, row, risk->a_text);
    risk->b = read_level(map, columns, RISK_B, row, risk->b_text);
    risk->c = risk->a * risk->b;
    risk->needs_response = risk->c > 0 && risk->c >= map->threshold;

    check_typed_c(map, columns, row, risk);
    check_typed_decision(map, columns, row, risk);
}

int ky_mapping__risks(ky_map_sheet *map, ky_row_class *classes)
{
    field_columns columns = {.names = risk_fields, .count = RISK_FIELDS};
    find_columns(map, &columns);
    static const size_t keys[] = {RISK_CATEGORY, RISK_CONTENT, RISK_A, RISK_B};
    ky_book *book = map->book;

    int status = ky_mapping__reserve((void **)&book->risks, book->risk_count,
                                     map->grid->row_count - map->data_row, sizeof *book->risks);
    for (uint32_t r = map->data_row; r < map->grid->row_count && status == 0; r++) {
        if (classes[r] != KY_ROW_DATA)
            continue;
        if (!any_value(map, &columns, keys, sizeof keys / sizeof keys[0], r)) {
            classes[r] = KY_ROW_UNREADABLE;
            continue;
        }
        classes[r] = KY_ROW_MAPPED;

        ky_risk *risk = &book->risks[book->risk_count++];
        memset(risk, 0, sizeof *risk);
        risk->origin = (ky_origin){map->report->file, map->report->sheet, r + 1};

        char **targets[RISK_FIELDS] = {
            &risk->no, &risk->category, &risk->content, &risk->impact, &risk->a_text,
            &risk->b_text, &risk->c_text, &risk->decision_text, &risk->response, &risk->lesson_id,
        };
        for (size_t f = 0; f < RISK_FIELDS && status == 0; f++)
            status = f == RISK_NO ? take_id(map, &columns, f, r, targets[f])
                                  : take_text(map, &columns, f, r, targets[f]);
        if (status == 0)
            score_risk(map, &columns, r, risk);
        if (status == 0)
            status = ky_mapping__extras(map, r, &risk->extras);
    }
    return status;
}

/* ------------------------------------------------------------------------ */
/* Lesson table                                                             */
/* ------------------------------------------------------------------------ */

enum {
    LES_ID, LES_TITLE, LES_PROBLEM, LES_DIRECT, LES_ROOT, LES_RECURRENCE, LES_PREVENTIVE,
    LES_EFFECT, LES_LESSON, LES_PURPOSES, LES_IMPORTANCE, LES_LIFECYCLE, LES_SERVICE,
    LES_KEYWORDS, LES_FIELDS
};

static const char *const lesson_fields[LES_FIELDS] = {
    "id", "title", "problem", "direct_causes", "root_causes", "recurrence", "preventive",
    "effect", "lesson", "purposes", "importance", "lifecycle", "service", "keywords",
};

/* The list of a list field, or NULL for a text field. */
static ky_strlist *lesson_list(ky_lesson *lesson, size_t field)
{
    switch (field) {
    case LES_DIRECT: return &lesson->direct_causes;
    case LES_ROOT: return &lesson->root_causes;
    case LES_RECURRENCE: return &lesson->recurrence;
    case LES_PREVENTIVE: return &lesson->preventive;
    case LES_PURPOSES: return &lesson->classification.purposes;
    case LES_KEYWORDS: return &lesson->classification.keywords;
    default: return NULL;
    }
}

static char **lesson_text(ky_lesson *lesson, size_t field)
{
    switch (field) {
    case LES_ID: return &lesson->id;
    case LES_TITLE: return &lesson->title;
    case LES_PROBLEM: return &lesson->problem;
    case LES_EFFECT: return &lesson->effect;
    case LES_LESSON: return &lesson->lesson;
    case LES_IMPORTANCE: return &lesson->classification.importance;
    case LES_LIFECYCLE: return &lesson->classification.lifecycle;
    case LES_SERVICE: return &lesson->classification.service;
    default: return NULL;
    }
}

/* Add a row's values to a lesson: list cells become items, text cells are
   set or, on a continuation row, appended on a new line. */
static int fill_lesson(const ky_map_sheet *map, const field_columns *columns, uint32_t row,
                       ky_lesson *lesson)
{
    for (size_t f = 0; f < LES_FIELDS; f++) {
        char *text = NULL;
        int status = f == LES_ID ? take_id(map, columns, f, row, &text)
                                 : take_text(map, columns, f, row, &text);
        if (status != 0)
            return status;
        if (!text)
            continue;
        ky_strlist *list = lesson_list(lesson, f);
        if (list) {
            status = ky_value__split_list(text, f == LES_PURPOSES || f == LES_KEYWORDS, list);
            free(text);
        } else {
            char **target = lesson_text(lesson, f);
            if (!*target) {
                *target = text;
            } else {
                ky_buf joined = {0};
                status = ky_buf_printf(&joined, "%s\n%s", *target, text);
                free(text);
                if (status == 0) {
                    free(*target);
                    *target = ky_buf_take(&joined);
                }
                ky_buf_free(&joined);
            }
        }
        if (status != 0)
            return status;
    }
    /* Whatever the sheet gave for an axis was read, not inferred. */
    static const size_t axis_fields[KY_AXIS_COUNT] = {
        [KY_AXIS_PURPOSE] = LES_PURPOSES, [KY_AXIS_IMPORTANCE] = LES_IMPORTANCE,
        [KY_AXIS_LIFECYCLE] = LES_LIFECYCLE, [KY_AXIS_SERVICE] = LES_SERVICE,
        [KY_AXIS_KEYWORDS] = LES_KEYWORDS,
    };
    for (size_t axis = 0; axis < KY_AXIS_COUNT; axis++) {
        size_t f = axis_fields[axis];
        ky_strlist *list = lesson_list(lesson, f);
        bool present = list ? list->count > 0 : *lesson_text(lesson, f) != NULL;
        if (present)
            lesson->classification.provenance[axis].source = KY_VALUE_READ;
    }
    return 0;
}

/* Return the first text field other than id and title that a row fills, or LES_FIELDS. */
static size_t first_text_field(const ky_map_sheet *map, const field_columns *columns,
                               uint32_t row)
{
    static const size_t text_fields[] = {LES_PROBLEM, LES_EFFECT, LES_LESSON, LES_IMPORTANCE,
                                         LES_LIFECYCLE, LES_SERVICE};
    for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
        if (field_cell(map, columns, text_fields[i], row))
            return text_fields[i];
    }
    return LES_FIELDS;
}

/* Warn that a row without id and title is read as a lesson of its own. */
static void warn_lesson_without_id(const ky_map_sheet *map, const field_columns *columns,
                                   uint32_t row, size_t field)
{
    char letters[8];
    ky_loc loc = ky_mapping__loc(map, row, UINT32_MAX);
    ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.lesson-without-id", &loc,
                 KY_("a lesson row without 教訓ID and 教訓概要 (lesson id and title) that "
                     "fills column \"%s\" is read as a lesson of its own. Only a row that "
                     "fills list columns alone, such as 直接原因 or 再発防止策, continues the "
                     "lesson above. Give the row an id and a title, or move its text into "
                     "the lesson above"),
                 column_label(map, columns->cols[field], letters));
}

/* Report that a row continues the lesson above it, naming that lesson by id or first row. */
static void note_continuation(const ky_map_sheet *map, uint32_t row, const ky_lesson *lesson)
{
    ky_loc loc = ky_mapping__loc(map, row, UINT32_MAX);
    if (lesson->id)
        ky_diag_emit(map->ctx, KY_SEV_INFO, "mapping.lesson-continued", &loc,
                     KY_("the row fills only list columns, so it continues lesson \"%s\" "
                         "(row %u) above it"),
                     lesson->id, (unsigned)lesson->origin.row);
    else
        ky_diag_emit(map->ctx, KY_SEV_INFO, "mapping.lesson-continued", &loc,
                     KY_("the row fills only list columns, so it continues the lesson of "
                         "row %u above it"),
                     (unsigned)lesson->origin.row);
}

/*
 * Map a lesson table. A row with an id or a title starts a lesson. A row
 * without them continues the lesson above when it fills only list columns
 * (causes, countermeasures, purposes, keywords), because a lesson's items
 * often run over several rows. A row that fills any other text column
 * (problem, effect, lesson, importance ...) starts a lesson of its own with
 * no id and title, since appending its text to the lesson above would
 * silently change that lesson.
 */
int ky_mapping__lessons(ky_map_sheet *map, ky_row_class *classes)
{
    field_columns columns = {.names = lesson_fields, .count = LES_FIELDS, .own_cells = true};
    find_columns(map, &columns);
    static const size_t starts[] = {LES_ID, LES_TITLE};
    ky_book *book = map->book;

    int status = ky_mapping__reserve((void **)&book->lessons, book->lesson_count,
                                     map->grid->row_count - map->data_row, sizeof *book->lessons);
    ky_lesson *current = NULL;
    for (uint32_t r = map->data_row; r < map->grid->row_count && status == 0; r++) {
        if (classes[r] != KY_ROW_DATA)
            continue;

        bool has_start = any_value(map, &columns, starts, 2, r);
        size_t text_field = has_start ? LES_FIELDS : first_text_field(map, &columns, r);
        bool starts_lesson = has_start || text_field != LES_FIELDS;
        if (!starts_lesson && !current) {
            classes[r] = KY_ROW_UNREADABLE;
            continue;
        }
        classes[r] = KY_ROW_MAPPED;
        if (starts_lesson) {
            current = &book->lessons[book->lesson_count++];
            memset(current, 0, sizeof *current);
            current->origin = (ky_origin){map->report->file, map->report->sheet, r + 1};
            if (!has_start)
                warn_lesson_without_id(map, &columns, r, text_field);
        } else {
            note_continuation(map, r, current);
        }
        status = fill_lesson(map, &columns, r, current);
        if (status == 0)
            status = ky_mapping__extras(map, r, &current->extras);
    }
    return status;
}
