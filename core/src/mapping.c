/* SPDX-License-Identifier: MIT */
/*
 * Mapping a file's sheets into the book: finding each sheet's header row,
 * recognising the kind of table, describing its columns and accounting for
 * every row. The records themselves are built by the table mappers in
 * mapping_lists.c, mapping_why.c and mapping_status.c.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_text.h"
#include "headers.h"
#include "kyokun/i18n.h"
#include "mapping.h"
#include "values.h"

/* ------------------------------------------------------------------------ */
/* Shared helpers                                                           */
/* ------------------------------------------------------------------------ */

ky_loc ky_mapping__loc(const ky_map_sheet *map, uint32_t row, uint32_t col)
{
    ky_loc loc = {
        .file = map->report->file,
        .sheet = map->report->sheet,
        .row = row + 1,
        .col = col == UINT32_MAX ? 0 : col + 1,
    };
    return loc;
}

/*
 * Return the value of a data cell. A cell covered by a merged range that
 * starts in an earlier data row takes the range's value, because a merged
 * category or date spanning several rows belongs to each of them.
 */
const ky_cell *ky_mapping__value(const ky_map_sheet *map, uint32_t row, uint32_t col)
{
    const ky_cell *cell = ky_grid__cell(map->grid, row, col);
    if (cell)
        return ky_value__is_blank(cell) ? NULL : cell;
    const ky_range *range = ky_grid__merge_at(map->grid, row, col);
    if (!range || range->first_row >= row || range->first_row < map->data_row)
        return NULL;
    cell = ky_grid__cell(map->grid, range->first_row, range->first_col);
    return ky_value__is_blank(cell) ? NULL : cell;
}

int ky_mapping__column(const ky_map_sheet *map, const char *field)
{
    for (uint32_t c = 0; c < map->col_count; c++) {
        if (map->fields[c] && strcmp(map->fields[c], field) == 0)
            return (int)c;
    }
    return -1;
}

int ky_mapping__reserve(void **items, size_t count, size_t more, size_t size)
{
    if (more == 0)
        return 0;
    if (count > SIZE_MAX / size - more)
        return KY_ENOMEM;
    void *grown = realloc(*items, (count + more) * size);
    if (!grown)
        return KY_ENOMEM;
    *items = grown;
    return 0;
}

int ky_mapping__extras(const ky_map_sheet *map, uint32_t row, ky_extras *extras)
{
    uint32_t width = row < map->grid->row_count ? map->grid->rows[row].count : 0;
    if (width < map->col_count)
        width = map->col_count;
    for (uint32_t c = 0; c < width; c++) {
        if (c < map->col_count && map->fields[c])
            continue;
        const ky_cell *cell = ky_mapping__value(map, row, c);
        if (!cell)
            continue;

        ky_extra *items = realloc(extras->items, (extras->count + 1) * sizeof *items);
        if (!items)
            return KY_ENOMEM;
        extras->items = items;
        ky_extra *extra = &items[extras->count++];
        char letters[8];
        /* A column with no header is named by its letter so its values stay findable. */
        const char *label = c < map->col_count && map->labels[c] ? map->labels[c]
                                                                 : ky_col_name(c, letters);
        extra->header = ky_strdup(label);
        extra->value = ky_value__cell_text(cell);
        if (!extra->header || !extra->value)
            return KY_ENOMEM;
    }
    return 0;
}

/* Return the key of a header cell with notes dropped, or NULL for a blank or non-text cell. */
static char *cell_key(const ky_cell *cell, bool keep_notes)
{
    if (!cell || cell->type != KY_CELL_TEXT || ky_value__is_blank(cell))
        return NULL;
    return ky_header__key(cell->text, cell->len, keep_notes);
}

/* Return true when the cell names a known field or a why-why level. */
static bool cell_is_header_name(const ky_cell *cell)
{
    char *key = cell_key(cell, false);
    char *full = cell_key(cell, true);
    bool known = (key && ky_header__known(key)) || ky_header__why_level(full) > 0;
    free(key);
    free(full);
    return known;
}

static bool starts_with_note_mark(const ky_cell *cell)
{
    if (!cell || cell->type != KY_CELL_TEXT)
        return false;
    char *text = ky_value__trim(cell->text, cell->len);
    if (!text)
        return false;
    static const char *const marks[] = {"※", "*", "＊", "注", "備考", "(注", "（注", "Note", "NOTE", "note"};
    bool mark = false;
    for (size_t i = 0; i < sizeof marks / sizeof marks[0] && !mark; i++)
        mark = strncmp(text, marks[i], strlen(marks[i])) == 0;
    free(text);
    return mark;
}

ky_row_class ky_mapping__classify(const ky_map_sheet *map, uint32_t row)
{
    const ky_grid_row *slot = &map->grid->rows[row];
    uint32_t filled = 0;
    uint32_t only = 0;
    for (uint32_t c = 0; c < slot->count; c++) {
        if (!ky_value__is_blank(ky_grid__cell(map->grid, row, c))) {
            filled++;
            only = c;
        }
    }
    if (filled == 0)
        return KY_ROW_BLANK;

    if (filled == 1) {
        const ky_cell *cell = ky_grid__cell(map->grid, row, only);
        bool unmapped = only >= map->col_count || !map->fields[only];
        if (starts_with_note_mark(cell) || (row > map->last_wide_row && unmapped))
            return KY_ROW_NOTE;
        return KY_ROW_DATA;
    }

    /* A row repeating the header (a table printed page by page) is a header row. */
    bool repeated = true;
    for (uint32_t c = 0; c < slot->count && repeated; c++) {
        const ky_cell *cell = ky_grid__cell(map->grid, row, c);
        if (ky_value__is_blank(cell))
            continue;
        char *key = cell_key(cell, false);
        repeated = key && c < map->col_count && map->keys[c] && strcmp(key, map->keys[c]) == 0;
        free(key);
    }
    return repeated ? KY_ROW_HEADER : KY_ROW_DATA;
}

/* ------------------------------------------------------------------------ */
/* Finding the header                                                       */
/* ------------------------------------------------------------------------ */

static uint32_t row_width(const ky_grid_sheet *sheet, uint32_t row)
{
    return row < sheet->row_count ? sheet->rows[row].count : 0;
}

static uint32_t header_score(const ky_grid_sheet *sheet, uint32_t row)
{
    uint32_t score = 0;
    for (uint32_t c = 0; c < row_width(sheet, row); c++)
        score += cell_is_header_name(ky_grid__cell(sheet, row, c));
    return score;
}

/* Return true when `row` names fields in columns where `base` is blank. */
static bool completes_header(const ky_grid_sheet *sheet, uint32_t row, uint32_t base)
{
    for (uint32_t c = 0; c < row_width(sheet, row); c++) {
        if (cell_is_header_name(ky_grid__cell(sheet, row, c)) &&
            ky_value__is_blank(ky_grid__cell(sheet, base, c)))
            return true;
    }
    return false;
}

/*
 * Find an incident status table's header: a row whose first cell names the
 * time (日時) and that names at least two more columns (the actors).
 * Return the row, or UINT32_MAX.
 */
static uint32_t find_status_header(const ky_grid_sheet *sheet, uint32_t limit)
{
    for (uint32_t r = 0; r < limit; r++) {
        char *key = cell_key(ky_grid__cell(sheet, r, 0), false);
        bool time = key && ky_header__match(key, KY_TABLE_STATUS);
        free(key);
        if (!time)
            continue;
        uint32_t actors = 0;
        for (uint32_t c = 1; c < row_width(sheet, r); c++)
            actors += !ky_value__is_blank(ky_grid__cell(sheet, r, c));
        if (actors >= 2)
            return r;
    }
    return UINT32_MAX;
}

/* Return the header text of a column in a header row, following a merge across columns. */
static const ky_cell *header_cell(const ky_grid_sheet *sheet, uint32_t row, uint32_t col)
{
    const ky_cell *cell = ky_grid__cell(sheet, row, col);
    if (!ky_value__is_blank(cell))
        return cell;
    const ky_range *range = ky_grid__merge_at(sheet, row, col);
    if (range && range->first_row == row && range->first_col < col)
        return ky_grid__cell(sheet, row, range->first_col);
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Recognising the kind and describing the columns                         */
/* ------------------------------------------------------------------------ */

/* Field a column names for `kind`, from its lower header cell first. */
static const char *column_field(const char *lower_key, const char *lower_full,
                                const char *upper_key, const char *upper_full, ky_table_kind kind)
{
    if (kind == KY_TABLE_WHY) {
        int level = ky_header__why_level(lower_full);
        if (!level)
            level = ky_header__why_level(upper_full);
        if (level)
            return ky_header__why_field(level);
    }
    const ky_header_field *field = ky_header__match(lower_key, kind);
    if (!field)
        field = ky_header__match(upper_key, kind);
    return field ? field->name : NULL;
}

/* Unit for plain numbers in a damage or effort column, read from the header's note. */
static double column_scale(const char *field, const char *full)
{
    if (!field || !full)
        return 1;
    if (strcmp(field, "damage") == 0) {
        if (strstr(full, "百万円"))
            return 1e6;
        if (strstr(full, "億円"))
            return 1e8;
        if (strstr(full, "万円"))
            return 1e4;
        if (strstr(full, "千円"))
            return 1e3;
    } else if (strcmp(field, "effort") == 0) {
        if (strstr(full, "人日"))
            return 1 / KY_DAYS_PER_MONTH;
        if (strstr(full, "時間") || strstr(full, "人時"))
            return 1 / (KY_DAYS_PER_MONTH * KY_HOURS_PER_DAY);
    }
    return 1;
}

/* Header keys of one column: lower and upper cells, with and without notes. */
typedef struct column_keys {
    char *lower_key;
    char *lower_full;
    char *upper_key;
    char *upper_full;
} column_keys;

static void column_keys_free(column_keys *keys, uint32_t count)
{
    for (uint32_t c = 0; c < count; c++) {
        free(keys[c].lower_key);
        free(keys[c].lower_full);
        free(keys[c].upper_key);
        free(keys[c].upper_full);
    }
    free(keys);
}

/* Count the distinct fields of `kind` the columns name. */
static int kind_score(const column_keys *keys, uint32_t count, ky_table_kind kind)
{
    const char *seen[64];
    int score = 0;
    for (uint32_t c = 0; c < count; c++) {
        const char *field = column_field(keys[c].lower_key, keys[c].lower_full,
                                         keys[c].upper_key, keys[c].upper_full, kind);
        if (!field)
            continue;
        bool duplicate = false;
        for (int i = 0; i < score && !duplicate; i++)
            duplicate = strcmp(seen[i], field) == 0;
        if (!duplicate && score < 64)
            seen[score++] = field;
    }
    return score;
}

/*
 * Pick the kind whose fields the header names most. The sheet name's hint
 * adds one. A why-why analysis needs two なぜ columns, or one with 対策.
 */
static ky_table_kind recognise_kind(const column_keys *keys, uint32_t count, ky_table_kind hint,
                                    int *best_score)
{
    static const ky_table_kind order[] = {KY_TABLE_WHY, KY_TABLE_LESSONS, KY_TABLE_RISKS,
                                          KY_TABLE_INCIDENTS};
    int levels = 0;
    bool countermeasures = false;
    for (uint32_t c = 0; c < count; c++) {
        const char *field = column_field(keys[c].lower_key, keys[c].lower_full,
                                         keys[c].upper_key, keys[c].upper_full, KY_TABLE_WHY);
        if (field && strncmp(field, "why", 3) == 0)
            levels++;
        else if (field && strcmp(field, "countermeasures") == 0)
            countermeasures = true;
    }

    ky_table_kind best = KY_TABLE_UNKNOWN;
    *best_score = 0;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (order[i] == KY_TABLE_WHY && !(levels >= 2 || (levels >= 1 && countermeasures)))
            continue;
        int score = kind_score(keys, count, order[i]) + (hint == order[i]);
        if (score > *best_score) {
            *best_score = score;
            best = order[i];
        }
    }
    return *best_score >= 2 ? best : KY_TABLE_UNKNOWN;
}

/* Allocate the per-column arrays of `map` for `count` columns. */
static int alloc_columns(ky_map_sheet *map, uint32_t count)
{
    map->col_count = count;
    map->fields = calloc(count ? count : 1, sizeof *map->fields);
    map->labels = calloc(count ? count : 1, sizeof *map->labels);
    map->keys = calloc(count ? count : 1, sizeof *map->keys);
    map->scales = calloc(count ? count : 1, sizeof *map->scales);
    if (!map->fields || !map->labels || !map->keys || !map->scales)
        return KY_ENOMEM;
    for (uint32_t c = 0; c < count; c++)
        map->scales[c] = 1;
    return 0;
}

static void free_columns(ky_map_sheet *map)
{
    for (uint32_t c = 0; c < map->col_count; c++) {
        free(map->labels[c]);
        free(map->keys[c]);
    }
    free(map->fields);
    free(map->labels);
    free(map->keys);
    free(map->scales);
}

/* Join the header cells of a column as written ("原因 / なぜ1"), or NULL when both are blank. */
static char *join_header(const ky_cell *upper, const ky_cell *lower)
{
    char *up = upper ? ky_value__cell_text(upper) : NULL;
    char *low = lower ? ky_value__cell_text(lower) : NULL;
    if (up && low) {
        ky_buf joined = {0};
        int status = ky_buf_printf(&joined, "%s / %s", up, low);
        free(up);
        free(low);
        if (status != 0) {
            ky_buf_free(&joined);
            return NULL;
        }
        return ky_buf_take(&joined);
    }
    return up ? up : low;
}

/* Copy a header onto one line, for messages. */
static char *one_line(const char *text)
{
    if (!text)
        return NULL;
    char *line = ky_strdup(text);
    if (!line)
        return NULL;
    for (char *p = line; *p; p++) {
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    }
    return line;
}

/*
 * Read the header rows into the column arrays and the report. `upper` and
 * `lower` are the first and last header rows (equal for a one-row header).
 */
static int describe_columns(ky_map_sheet *map, uint32_t upper, uint32_t lower, ky_table_kind kind,
                            int *score)
{
    const ky_grid_sheet *sheet = map->grid;
    uint32_t width = 0;
    for (uint32_t r = upper; r <= lower; r++) {
        if (row_width(sheet, r) > width)
            width = row_width(sheet, r);
    }

    column_keys *keys = calloc(width ? width : 1, sizeof *keys);
    if (!keys)
        return KY_ENOMEM;
    int status = alloc_columns(map, width);
    for (uint32_t c = 0; c < width && status == 0; c++) {
        const ky_cell *low = ky_grid__cell(sheet, lower, c);
        const ky_cell *up = upper < lower ? header_cell(sheet, upper, c) : NULL;
        keys[c].lower_key = cell_key(low, false);
        keys[c].lower_full = cell_key(low, true);
        keys[c].upper_key = cell_key(up, false);
        keys[c].upper_full = cell_key(up, true);
        map->keys[c] = ky_strdup(keys[c].lower_key ? keys[c].lower_key : keys[c].upper_key);
        char *joined = join_header(up, ky_value__is_blank(low) ? NULL : low);
        map->labels[c] = one_line(joined);
        if (joined && !map->labels[c])
            status = KY_ENOMEM;
        map->report->column_count += joined != NULL;
        free(joined);
    }

    if (status == 0 && kind == KY_TABLE_UNKNOWN)
        kind = recognise_kind(keys, width, ky_header__sheet_hint(sheet->name), score);
    map->report->kind = kind;

    /* Map each column to a field. A field named twice keeps its first column. */
    for (uint32_t c = 0; c < width && status == 0 && kind != KY_TABLE_UNKNOWN; c++) {
        const char *field;
        if (kind == KY_TABLE_STATUS)
            field = c == 0 ? "time" : (map->labels[c] ? "event" : NULL);
        else
            field = column_field(keys[c].lower_key, keys[c].lower_full, keys[c].upper_key,
                                 keys[c].upper_full, kind);
        if (field && kind != KY_TABLE_STATUS && ky_mapping__column(map, field) >= 0)
            field = NULL;
        map->fields[c] = field;
        map->scales[c] = column_scale(field, keys[c].lower_full ? keys[c].lower_full
                                                                : keys[c].upper_full);
    }

    /* List every column with a header in the report, mapped or not. */
    if (status == 0 && map->report->column_count > 0) {
        map->report->columns = calloc(map->report->column_count, sizeof *map->report->columns);
        if (!map->report->columns)
            status = KY_ENOMEM;
    }
    size_t n = 0;
    for (uint32_t c = 0; c < width && status == 0; c++) {
        if (!map->labels[c])
            continue;
        ky_column_map *column = &map->report->columns[n++];
        column->col = c;
        column->field = map->fields[c];
        const ky_cell *low = ky_grid__cell(sheet, lower, c);
        column->header = join_header(upper < lower ? header_cell(sheet, upper, c) : NULL,
                                     ky_value__is_blank(low) ? NULL : low);
        if (!column->header)
            status = KY_ENOMEM;
    }
    map->report->column_count = n;
    column_keys_free(keys, width);
    return status;
}

/* ------------------------------------------------------------------------ */
/* One sheet                                                                */
/* ------------------------------------------------------------------------ */

/* Give the header a confidence of 0-100: the share of header cells that were
   mapped, capped at 60 when only two fields matched, plus 10 for a sheet name
   that agrees. */
static int confidence(const ky_map_sheet *map, int score)
{
    size_t named = map->report->column_count;
    size_t mapped = 0;
    for (size_t i = 0; i < named; i++)
        mapped += map->report->columns[i].field != NULL;
    int value = named ? (int)(100 * mapped / named) : 0;
    if (score <= 2 && value > 60)
        value = 60;
    if (ky_header__sheet_hint(map->grid->name) == map->report->kind)
        value += 10;
    if (value > 100)
        value = 100;
    return value < 10 ? 10 : value;
}

static uint32_t find_last_wide_row(const ky_map_sheet *map)
{
    uint32_t last = map->data_row;
    for (uint32_t r = map->data_row; r < map->grid->row_count; r++) {
        uint32_t filled = 0;
        for (uint32_t c = 0; c < map->grid->rows[r].count && filled < 2; c++)
            filled += !ky_value__is_blank(ky_grid__cell(map->grid, r, c));
        if (filled >= 2)
            last = r;
    }
    return last;
}

/* Add the counts of each row's class to the report and check that they add up. */
static int tally(ky_map_sheet *map, const ky_row_class *classes)
{
    ky_sheet_report *report = map->report;
    for (uint32_t r = 0; r < map->grid->row_count; r++) {
        switch (classes[r]) {
        case KY_ROW_MAPPED: report->rows_mapped++; break;
        case KY_ROW_BLANK: report->skipped.blank++; break;
        case KY_ROW_TITLE: report->skipped.title++; break;
        case KY_ROW_HEADER: report->skipped.header++; break;
        case KY_ROW_NOTE: report->skipped.note++; break;
        default: report->skipped.unreadable++; break;
        }
    }
    size_t sum = report->rows_mapped + report->skipped.blank + report->skipped.title +
                 report->skipped.header + report->skipped.note + report->skipped.unreadable;
    assert(sum == report->rows_total);
    if (sum != report->rows_total) {
        ky_loc loc = ky_mapping__loc(map, 0, UINT32_MAX);
        loc.row = 0;
        return ky_error_set(map->ctx, KY_ERROR, &loc,
                            KY_("internal error: %zu rows were counted but the sheet has %zu"),
                            sum, report->rows_total);
    }
    return 0;
}

/* Report a sheet whose header was not found: every non-blank row is unreadable. */
static void skip_sheet(ky_map_sheet *map, ky_row_class *classes)
{
    size_t skipped = 0;
    for (uint32_t r = 0; r < map->grid->row_count; r++) {
        bool blank = true;
        for (uint32_t c = 0; c < map->grid->rows[r].count && blank; c++)
            blank = ky_value__is_blank(ky_grid__cell(map->grid, r, c));
        classes[r] = blank ? KY_ROW_BLANK : KY_ROW_UNREADABLE;
        skipped += !blank;
    }
    ky_loc loc = ky_mapping__loc(map, 0, UINT32_MAX);
    loc.row = 0;
    if (map->grid->row_count == 0) {
        map->report->reason = ky_strdup(KY_("the sheet is empty"));
        ky_diag_emit(map->ctx, KY_SEV_INFO, "mapping.empty-sheet", &loc,
                     KY_("the sheet is empty"));
        return;
    }
    map->report->reason = ky_strdup(KY_("no header row recognised"));
    ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.no-header", &loc,
                 KY_("no header row recognised in the first %d rows, so %zu rows were skipped. "
                     "Name the columns with known headers such as 障害の概要, リスク内容 or "
                     "教訓ID, and check the result with `kyokun inspect`"),
                 KY_HEADER_SEARCH_ROWS, skipped);
}

/* Run the mapper of the recognised kind over the rows below the header. */
static int map_rows(ky_map_sheet *map, ky_row_class *classes, uint32_t upper, uint32_t lower)
{
    for (uint32_t r = map->data_row; r < map->grid->row_count; r++)
        classes[r] = ky_mapping__classify(map, r);

    switch (map->report->kind) {
    case KY_TABLE_INCIDENTS: return ky_mapping__incidents(map, classes);
    case KY_TABLE_RISKS: return ky_mapping__risks(map, classes);
    case KY_TABLE_LESSONS: return ky_mapping__lessons(map, classes);
    case KY_TABLE_WHY: return ky_mapping__why(map, classes);
    case KY_TABLE_STATUS: return ky_mapping__status(map, classes, upper, lower);
    default: return 0;
    }
}

/* Find the header rows and the kind. *upper is UINT32_MAX when none was found. */
static void locate_header(const ky_grid_sheet *sheet, uint32_t *upper, uint32_t *lower,
                          ky_table_kind *kind)
{
    uint32_t limit = sheet->row_count < KY_HEADER_SEARCH_ROWS ? sheet->row_count
                                                              : KY_HEADER_SEARCH_ROWS;
    uint32_t best = UINT32_MAX;
    uint32_t best_score = 0;
    for (uint32_t r = 0; r < limit; r++) {
        uint32_t score = header_score(sheet, r);
        if (score > best_score) {
            best_score = score;
            best = r;
        }
    }

    *upper = *lower = UINT32_MAX;
    *kind = KY_TABLE_UNKNOWN;
    uint32_t status_row = find_status_header(sheet, limit);
    bool status_named = ky_header__sheet_hint(sheet->name) == KY_TABLE_STATUS;
    if (status_row != UINT32_MAX && (status_named || best_score < 2)) {
        /* The actors' header may take two rows (company, department), or
           more under a time cell merged down over them. */
        *upper = *lower = status_row;
        const ky_range *range = ky_grid__merge_at(sheet, status_row, 0);
        if (range && range->first_row == status_row && range->last_row > status_row)
            *lower = range->last_row < status_row + 2 ? range->last_row : status_row + 2;
        else if (status_row + 1 < sheet->row_count &&
                 ky_value__is_blank(ky_grid__cell(sheet, status_row + 1, 0)) &&
                 row_width(sheet, status_row + 1) > 1)
            *lower = status_row + 1;
        *kind = KY_TABLE_STATUS;
        return;
    }
    if (best_score < 2)
        return;

    *upper = *lower = best;
    if (best > 0 && completes_header(sheet, best - 1, best))
        *upper = best - 1;
    else if (best + 1 < sheet->row_count && completes_header(sheet, best + 1, best))
        *lower = best + 1;
}

static int map_sheet(ky_map_sheet *map)
{
    const ky_grid_sheet *sheet = map->grid;
    ky_sheet_report *report = map->report;
    report->rows_total = sheet->row_count;

    ky_row_class *classes = calloc(sheet->row_count ? sheet->row_count : 1, sizeof *classes);
    if (!classes)
        return KY_ENOMEM;

    uint32_t upper;
    uint32_t lower;
    ky_table_kind kind;
    locate_header(sheet, &upper, &lower, &kind);

    int status = 0;
    int score = 0;
    if (upper != UINT32_MAX) {
        map->header_row = upper;
        map->data_row = lower + 1;
        status = describe_columns(map, upper, lower, kind, &score);
        if (kind == KY_TABLE_STATUS)
            score = 3;
    }

    if (status == 0 && report->kind == KY_TABLE_UNKNOWN) {
        skip_sheet(map, classes);
    } else if (status == 0) {
        report->header_row = upper + 1;
        report->header_rows = lower - upper + 1;
        report->confidence = confidence(map, score);
        map->last_wide_row = find_last_wide_row(map);
        for (uint32_t r = 0; r < map->header_row; r++)
            classes[r] = ky_mapping__classify(map, r) == KY_ROW_BLANK ? KY_ROW_BLANK : KY_ROW_TITLE;
        for (uint32_t r = upper; r <= lower; r++)
            classes[r] = KY_ROW_HEADER;
        status = map_rows(map, classes, upper, lower);
    }

    if (status == 0)
        status = tally(map, classes);
    free(classes);
    return status;
}

/* Set the book's title from the file's base name without its extension. */
static int set_title(ky_book *book, const char *file)
{
    if (book->title || !file)
        return 0;
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    const char *dot = strrchr(base, '.');
    size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    book->title = ky_strndup(base, len);
    return book->title ? 0 : KY_ENOMEM;
}

/* Append an empty report for a sheet. Its strings stay put, so records may point at them. */
static ky_sheet_report *add_report(ky_book *book, const char *file, const char *sheet)
{
    ky_sheet_report *reports = realloc(book->sheets, (book->sheet_count + 1) * sizeof *reports);
    if (!reports)
        return NULL;
    book->sheets = reports;
    ky_sheet_report *report = &reports[book->sheet_count++];
    memset(report, 0, sizeof *report);
    report->file = ky_strdup(file ? file : "");
    report->sheet = ky_strdup(sheet);
    return report->file && report->sheet ? report : NULL;
}

/* ------------------------------------------------------------------------ */
/* Public functions                                                         */
/* ------------------------------------------------------------------------ */

int ky_mapping__add_grid(ky_ctx *ctx, ky_book *book, const ky_grid *grid, const char *file,
                         const ky_map_options *options)
{
    ky_map_options defaults;
    if (!options) {
        ky_map_options_init(&defaults);
        options = &defaults;
    }
    book->threshold = options->threshold;
    int status = set_title(book, file);

    for (size_t i = 0; i < grid->sheet_count && status == 0; i++) {
        ky_map_sheet map = {
            .ctx = ctx,
            .book = book,
            .grid = &grid->sheets[i],
            .threshold = options->threshold,
        };
        map.report = add_report(book, file, grid->sheets[i].name);
        if (!map.report)
            return KY_ENOMEM;
        status = map_sheet(&map);
        free_columns(&map);
    }
    return status;
}

void ky_map_options_init(ky_map_options *options)
{
    memset(options, 0, sizeof *options);
    options->version = KY_MAP_OPTIONS_VERSION;
    options->threshold = 5;
}

int ky_book_add_file(ky_ctx *ctx, const ky_registry *reg, ky_book *book, const ky_source *source,
                     const char *format, const ky_read_options *read_options,
                     const ky_map_options *map_options)
{
    ky_loc loc = {.file = source ? source->path : NULL};
    if (!book || !source)
        return ky_error_set(ctx, KY_EINVAL, &loc, KY_("no book or no input was given"));
    if (map_options && map_options->version != KY_MAP_OPTIONS_VERSION)
        return ky_error_set(ctx, KY_EINVAL, &loc,
                            KY_("mapping options have version %d but this library expects %d"),
                            map_options->version, KY_MAP_OPTIONS_VERSION);

    ky_grid grid;
    ky_grid__init(&grid, ctx, source->path);
    int status = ky_registry_read(reg, ctx, source, format, read_options, ky_grid__sink(), &grid);
    if (status == 0)
        status = ky_mapping__add_grid(ctx, book, &grid, source->path, map_options);
    ky_grid__free(&grid);
    return status;
}
