/* SPDX-License-Identifier: MIT */
/*
 * Mapping a file's sheets into the book: finding each sheet's header row,
 * recognising the kind of table, describing its columns and accounting for
 * every row. The records themselves are built by the table mappers in
 * mapping_lists.c, mapping_why.c and mapping_status.c.
 */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_text.h"
#include "headers.h"
#include "kyokun/i18n.h"
#include "mapping.h"
#include "mapping_file.h"
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

bool ky_mapping__is_totals(const ky_grid_sheet *sheet, uint32_t row)
{
    static const char *const words[] = {"合計", "小計", "総計", "計", "累計", "total",
                                        "subtotal", "grandtotal", "sum"};
    const ky_cell *first = NULL;
    for (uint32_t c = 0; row < sheet->row_count && c < sheet->rows[row].count && !first; c++) {
        const ky_cell *cell = ky_grid__cell(sheet, row, c);
        first = ky_value__is_blank(cell) ? NULL : cell;
    }
    /* Only the brackets go, so "合計（件）" reads as 合計件 and "計" stays apart from "設計". */
    char *key = ky_mapping__cell_key(first, true);
    bool totals = false;
    for (size_t i = 0; key && i < sizeof words / sizeof words[0] && !totals; i++)
        totals = strcmp(key, words[i]) == 0;
    /* A unit after the word ("合計件数", "合計金額") still makes a totals label. */
    if (key && !totals && strlen(key) <= 12)
        totals = strncmp(key, "合計", strlen("合計")) == 0 ||
                 strncmp(key, "小計", strlen("小計")) == 0 || strncmp(key, "総計", strlen("総計")) == 0;
    free(key);
    return totals;
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
    if (row >= map->data_row && ky_mapping__is_totals(map->grid, row))
        return KY_ROW_TOTAL;

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
        char *key = ky_mapping__cell_key(cell, false);
        repeated = key && c < map->col_count && map->keys[c] && strcmp(key, map->keys[c]) == 0;
        free(key);
    }
    return repeated ? KY_ROW_HEADER : KY_ROW_DATA;
}

/* ------------------------------------------------------------------------ */
/* One sheet                                                                */
/* ------------------------------------------------------------------------ */

/*
 * Give the header a confidence of 0-100: the share of the header cells'
 * possible points that the mapped columns earned (2 for a column named
 * exactly, 1 for one named partly), capped at 60 when two fields or fewer
 * were mapped, plus 10 for a sheet name that agrees.
 */
static int confidence(const ky_map_sheet *map, int points)
{
    size_t named = map->report->column_count;
    size_t mapped = 0;
    for (size_t i = 0; i < named; i++)
        mapped += map->report->columns[i].field != NULL;
    int value = named ? (int)(100 * (size_t)points / (2 * named)) : 0;
    if (mapped <= 2 && value > 60)
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
    for (uint32_t r = map->first_row; r < map->grid->row_count; r++) {
        switch (classes[r]) {
        case KY_ROW_MAPPED: report->rows_mapped++; break;
        case KY_ROW_BLANK: report->skipped.blank++; break;
        case KY_ROW_TITLE: report->skipped.title++; break;
        case KY_ROW_HEADER: report->skipped.header++; break;
        case KY_ROW_NOTE: report->skipped.note++; break;
        case KY_ROW_TOTAL:
            report->skipped.note++;
            report->totals++;
            break;
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

/* Class every row outside the header blank or unreadable. */
static void skip_rows(const ky_map_sheet *map, ky_row_class *classes)
{
    for (uint32_t r = 0; r < map->grid->row_count; r++) {
        if (map->report->header_row > 0 && r + 1 >= map->report->header_row &&
            r + 1 < map->report->header_row + map->report->header_rows) {
            classes[r] = KY_ROW_HEADER;
            continue;
        }
        bool blank = true;
        for (uint32_t c = 0; c < map->grid->rows[r].count && blank; c++)
            blank = ky_value__is_blank(ky_grid__cell(map->grid, r, c));
        classes[r] = blank ? KY_ROW_BLANK : KY_ROW_UNREADABLE;
    }
}

/* Set the report's reason, or leave it NULL when out of memory. */
static void set_reason(ky_sheet_report *report, const char *format, ...) KY_PRINTF(2, 3);

static void set_reason(ky_sheet_report *report, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    va_list again;
    va_copy(again, args);
    int len = vsnprintf(NULL, 0, format, args);
    va_end(args);
    report->reason = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (report->reason)
        vsnprintf(report->reason, (size_t)len + 1, format, again);
    va_end(again);
}

/*
 * Report a sheet whose header was not found: every non-blank row is
 * unreadable. The reason names the row that came closest, so that the user
 * knows which cells to rename.
 */
static void skip_sheet(ky_map_sheet *map, ky_row_class *classes, const ky_header_search *found)
{
    skip_rows(map, classes);
    /* Every row of the table is skipped, blank ones included, as the counts show. */
    size_t skipped = map->report->rows_total;
    ky_loc loc = ky_mapping__loc(map, 0, UINT32_MAX);
    loc.row = 0;
    if (map->grid->row_count == 0) {
        map->report->reason = ky_strdup(KY_("the sheet is empty"));
        ky_diag_emit(map->ctx, KY_SEV_INFO, "mapping.empty-sheet", &loc,
                     KY_("the sheet is empty"));
        return;
    }
    if (found->closest_row == UINT32_MAX)
        set_reason(map->report,
                   KY_("no header row recognised: no cell in the first %d rows matches a known "
                       "header name"),
                   KY_HEADER_SEARCH_ROWS);
    else
        set_reason(map->report,
                   KY_("no header row recognised: row %u comes closest, with %u of its %u cells "
                       "matching known header names"),
                   (unsigned)found->closest_row + 1, (unsigned)found->closest_named,
                   (unsigned)found->closest_cells);
    ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.no-header", &loc,
                 dngettext(KY_TEXT_DOMAIN,
                           "no header row recognised in the first %d rows, so %zu row was "
                           "skipped. Name the columns with known headers such as 障害の概要, "
                           "リスク内容 or 教訓ID, and check the result with `kyokun inspect`",
                           "no header row recognised in the first %d rows, so %zu rows were "
                           "skipped. Name the columns with known headers such as 障害の概要, "
                           "リスク内容 or 教訓ID, and check the result with `kyokun inspect`",
                           (unsigned long)skipped),
                 KY_HEADER_SEARCH_ROWS, skipped);
}

/*
 * Report a sheet whose header names fields, but not the ones any kind of
 * table needs: the header rows are counted as such and every other
 * non-blank row is unreadable.
 */
static void skip_unknown_table(ky_map_sheet *map, ky_row_class *classes, uint32_t upper,
                               uint32_t lower)
{
    ky_sheet_report *report = map->report;
    report->header_row = upper + 1;
    report->header_rows = lower - upper + 1;
    skip_rows(map, classes);
    size_t skipped = report->rows_total;
    for (uint32_t r = 0; r < upper; r++) {
        if (classes[r] == KY_ROW_UNREADABLE)
            classes[r] = KY_ROW_TITLE;
    }
    set_reason(report,
               KY_("no table recognised: the header in row %u names no kind's required fields. "
                   "An incident list needs a summary and a date or a cause, a risk table needs "
                   "A and B or a risk value C, and a lesson table needs a title and a problem, "
                   "cause, countermeasure or lesson text"),
               (unsigned)report->header_row);
    ky_loc loc = ky_mapping__loc(map, upper, UINT32_MAX);
    loc.col = 0;
    ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.no-table", &loc,
                 dngettext(KY_TEXT_DOMAIN,
                           "no table recognised below the header in row %u, so %zu row was "
                           "skipped. Rename the columns so that the sheet has the required "
                           "fields of one kind (for an incident list: 障害の概要 and 発生日時 or "
                           "主な原因), and check the result with `kyokun inspect`",
                           "no table recognised below the header in row %u, so %zu rows were "
                           "skipped. Rename the columns so that the sheet has the required "
                           "fields of one kind (for an incident list: 障害の概要 and 発生日時 or "
                           "主な原因), and check the result with `kyokun inspect`",
                           (unsigned long)skipped),
                 (unsigned)report->header_row, skipped);
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

/*
 * Find the header of the table in rows [first, end) of `sheet`: the search
 * looks at the first rows of the table as if they were the top of a sheet.
 * Rows in `found` are the sheet's.
 */
static int locate_table_header(const ky_grid_sheet *sheet, uint32_t first, uint32_t end,
                               ky_header_search *found)
{
    ky_grid_sheet slice;
    int status = ky_grid__slice(sheet, first, end, &slice);
    if (status != 0)
        return status;
    ky_mapping__locate_header(&slice, found);
    ky_grid__view_free(&slice, false);
    if (found->upper != UINT32_MAX) {
        found->upper += first;
        found->lower += first;
    }
    if (found->closest_row != UINT32_MAX)
        found->closest_row += first;
    return 0;
}

/*
 * Map one table: `map->grid` shows the table's rows at their own row
 * numbers (the rows above map->first_row empty), and its header is `found`.
 */
static int map_table(ky_map_sheet *map, const ky_header_search *found)
{
    const ky_grid_sheet *sheet = map->grid;
    ky_sheet_report *report = map->report;
    report->rows_total = sheet->row_count - map->first_row;
    report->first_row = map->first_row + 1;
    report->last_row = sheet->row_count;

    ky_row_class *classes = calloc(sheet->row_count ? sheet->row_count : 1, sizeof *classes);
    if (!classes)
        return KY_ENOMEM;

    uint32_t upper = found->upper;
    uint32_t lower = found->lower;

    int status = 0;
    int points = 0;
    if (upper != UINT32_MAX) {
        map->header_row = upper;
        map->data_row = lower + 1;
        status = ky_mapping__describe_columns(map, upper, lower, found->kind, &points);
    }

    if (status == 0 && upper == UINT32_MAX) {
        skip_sheet(map, classes, found);
    } else if (status == 0 && report->kind == KY_TABLE_UNKNOWN) {
        skip_unknown_table(map, classes, upper, lower);
    } else if (status == 0) {
        report->header_row = upper + 1;
        report->header_rows = lower - upper + 1;
        report->confidence = confidence(map, points);
        map->last_wide_row = find_last_wide_row(map);
        for (uint32_t r = 0; r < map->header_row; r++)
            classes[r] = ky_mapping__classify(map, r) == KY_ROW_BLANK ? KY_ROW_BLANK : KY_ROW_TITLE;
        for (uint32_t r = upper; r <= lower; r++)
            classes[r] = KY_ROW_HEADER;
        status = map_rows(map, classes, upper, lower);
        if (status == 0)
            ky_mapping__report_unreadable(map, classes);
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

/* Append an empty report for table `table` of a sheet. Its strings stay put, so records may point at them. */
static ky_sheet_report *add_report(ky_book *book, const char *file, const char *sheet,
                                   uint32_t table)
{
    ky_sheet_report *reports = realloc(book->sheets, (book->sheet_count + 1) * sizeof *reports);
    if (!reports)
        return NULL;
    book->sheets = reports;
    ky_sheet_report *report = &reports[book->sheet_count++];
    memset(report, 0, sizeof *report);
    report->file = ky_strdup(file ? file : "");
    report->sheet = ky_strdup(sheet);
    report->table = table;
    return report->file && report->sheet ? report : NULL;
}

/*
 * Warn when a hidden sheet gave records: Excel users often hide old or
 * draft sheets, and their rows would otherwise go into the statistics
 * unnoticed. `tables` is the number of reports that the sheet added last.
 */
static void warn_hidden_sheet(const ky_map_sheet *sheet_map, const char *file, size_t tables)
{
    const ky_grid_sheet *sheet = sheet_map->grid;
    if (sheet->visibility == KY_SHEET_VISIBLE)
        return;
    const ky_book *book = sheet_map->book;
    size_t mapped = 0;
    for (size_t i = book->sheet_count - tables; i < book->sheet_count; i++)
        mapped += book->sheets[i].rows_mapped;
    if (mapped == 0)
        return;

    ky_loc loc = {.file = file, .sheet = sheet->name};
    if (sheet->visibility == KY_SHEET_VERY_HIDDEN)
        ky_diag_emit(sheet_map->ctx, KY_SEV_WARNING, "mapping.hidden-sheet", &loc,
                     dngettext(KY_TEXT_DOMAIN,
                               "sheet %s is very hidden in the workbook (only a macro or the "
                               "VBA editor shows it), but its %zu row was read like those of "
                               "the visible sheets. Delete the sheet if its rows do not belong "
                               "in the outputs",
                               "sheet %s is very hidden in the workbook (only a macro or the "
                               "VBA editor shows it), but its %zu rows were read like those of "
                               "the visible sheets. Delete the sheet if its rows do not belong "
                               "in the outputs",
                               (unsigned long)mapped),
                     sheet->name, mapped);
    else
        ky_diag_emit(sheet_map->ctx, KY_SEV_WARNING, "mapping.hidden-sheet", &loc,
                     dngettext(KY_TEXT_DOMAIN,
                               "sheet %s is hidden in the workbook, but its %zu row was read "
                               "like those of the visible sheets. Delete the sheet if its rows "
                               "do not belong in the outputs",
                               "sheet %s is hidden in the workbook, but its %zu rows were read "
                               "like those of the visible sheets. Delete the sheet if its rows "
                               "do not belong in the outputs",
                               (unsigned long)mapped),
                     sheet->name, mapped);
}

/* Add a report for each table of a sheet and map the tables one by one. */
static int map_sheet(const ky_map_sheet *sheet_map, const char *file)
{
    const ky_grid_sheet *sheet = sheet_map->grid;
    ky_table_span *spans = NULL;
    size_t count = 0;
    int status = ky_mapping__split_tables(sheet, &spans, &count);

    for (size_t t = 0; t < count && status == 0; t++) {
        ky_map_sheet map = *sheet_map;
        map.first_row = spans[t].first;
        map.report = add_report(map.book, file, sheet->name, (uint32_t)t + 1);
        if (!map.report) {
            status = KY_ENOMEM;
            break;
        }

        ky_header_search found;
        status = locate_table_header(sheet, spans[t].first, spans[t].end, &found);
        ky_grid_sheet view;
        if (status == 0)
            status = ky_grid__mask(sheet, spans[t].first, spans[t].end, &view);
        if (status != 0)
            break;
        map.grid = &view;
        status = map_table(&map, &found);
        ky_mapping__free_columns(&map);
        ky_grid__view_free(&view, true);
    }
    free(spans);
    if (status == 0)
        warn_hidden_sheet(sheet_map, file, count);
    return status;
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
    book->scale = options->scale == 5 ? 5 : 3;
    int status = set_title(book, file);
    ky_record_counts before = {book->incident_count, book->risk_count, book->lesson_count};
    size_t first_report = book->sheet_count;

    for (size_t i = 0; i < grid->sheet_count && status == 0; i++) {
        ky_map_sheet map = {
            .ctx = ctx,
            .book = book,
            .grid = &grid->sheets[i],
            .options = options,
            .threshold = options->threshold,
            .scale = book->scale,
        };
        status = map_sheet(&map, file);
    }
    if (status == 0)
        status = ky_mapping__check_ids(ctx, book, &before);
    if (status == 0)
        ky_mapping_file__check_unused(ctx, options->mapping, book, first_report, file);
    return status;
}

void ky_map_options_init(ky_map_options *options)
{
    memset(options, 0, sizeof *options);
    options->version = KY_MAP_OPTIONS_VERSION;
    options->threshold = 5;
    options->scale = 3;
    options->hours_per_day = KY_HOURS_PER_DAY;
    options->days_per_month = KY_DAYS_PER_MONTH;
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
