/* SPDX-License-Identifier: MIT */
/*
 * Splitting a sheet into tables. A legacy sheet often contains several
 * tables one below the other: a title, a header, the records, a totals row and
 * notes, blank rows, then the next title and header. A new table starts at
 * a row that names at least two fields exactly and does not repeat the
 * header above (a table printed page by page repeats its header). Title
 * rows have one value. Those directly above such a header belong to the new
 * table when a blank row separates them from the table above. The blank rows
 * between two tables belong to the table above.
 *
 * NOTE: tables side by side, separated by blank columns, are not split; the
 * columns of the right-hand table are mapped with the left-hand one's rows.
 */
#include <stdlib.h>
#include <string.h>

#include "headers.h"
#include "mapping.h"
#include "values.h"

/* Header cells longer than this are sentences, not column names, and are not looked up. */
#define HEADER_MAX_BYTES 96

static uint32_t row_width(const ky_grid_sheet *sheet, uint32_t row)
{
    return row < sheet->row_count ? sheet->rows[row].count : 0;
}

/* Return the number of non-blank cells in a row. */
static uint32_t filled_cells(const ky_grid_sheet *sheet, uint32_t row)
{
    uint32_t filled = 0;
    for (uint32_t c = 0; c < row_width(sheet, row); c++)
        filled += !ky_value__is_blank(ky_grid__cell(sheet, row, c));
    return filled;
}

/* Return true when a text cell names a field of some kind, or a why-why level, exactly. */
static bool names_field_exactly(const ky_cell *cell)
{
    if (!cell || cell->type != KY_CELL_TEXT || ky_value__is_blank(cell))
        return false;
    char *full = ky_mapping__cell_key(cell, true);
    int level = full ? ky_header__why_level(full) : 0;
    free(full);
    if (level > 0)
        return true;
    for (int kind = KY_TABLE_INCIDENTS; kind <= KY_TABLE_STATUS; kind++) {
        if (ky_header__find(cell->text, cell->len, (ky_table_kind)kind).quality == KY_HEADER_EXACT)
            return true;
    }
    return false;
}

/*
 * Return true when a text cell, once normalised, is a field name of some
 * kind. This is the cheap test for rows right below a record.
 */
static bool is_field_name(const ky_cell *cell)
{
    if (!cell || cell->type != KY_CELL_TEXT || ky_value__is_blank(cell))
        return false;
    char *key = ky_mapping__cell_key(cell, false);
    bool known = key && ky_header__known(key);
    free(key);
    return known;
}

/* How much a row looks like a header. */
typedef struct header_look {
    uint32_t cells;  /**< Non-blank cells, 0 when one of them is not short text. */
    uint32_t named;  /**< Cells naming a field exactly. */
    bool status;     /**< The first cell names a status table's time and two cells or more follow. */
} header_look;

/*
 * Look at a row's cells: a header has only short text cells, most of them
 * naming fields. With `thorough`, a cell names a field after the reductions
 * of ky_header__find() too ("A:影響度" for 影響度); otherwise only as written.
 */
static header_look look_at_row(const ky_grid_sheet *sheet, uint32_t row, bool thorough)
{
    header_look look = {0};
    for (uint32_t c = 0; c < row_width(sheet, row); c++) {
        const ky_cell *cell = ky_grid__cell(sheet, row, c);
        if (ky_value__is_blank(cell))
            continue;
        if (cell->type != KY_CELL_TEXT || cell->len > HEADER_MAX_BYTES)
            return (header_look){0};
        look.cells++;
    }
    /* Counted only now, because most data rows fail the cheap test above. */
    for (uint32_t c = 0; c < row_width(sheet, row) && look.cells > 0; c++) {
        const ky_cell *cell = ky_grid__cell(sheet, row, c);
        look.named += thorough ? names_field_exactly(cell) : is_field_name(cell);
    }

    char *key = ky_mapping__cell_key(ky_grid__cell(sheet, row, 0), false);
    look.status = key && ky_header__match(key, KY_TABLE_STATUS) && look.cells >= 3;
    free(key);
    return look;
}

/*
 * Return true when a row looks like the header of a table: at least two of
 * its cells name fields exactly, or it starts a status table. After a record
 * it needs three names that are most of its cells, because a record may use
 * a field name or two as values.
 */
static bool looks_like_header(const ky_grid_sheet *sheet, uint32_t row, bool after_break)
{
    /* Rows below a break are few, so only they get the thorough test. */
    header_look look = look_at_row(sheet, row, after_break);
    if (after_break)
        return look.named >= 2 || look.status;
    return look.named >= 3 && look.named * 2 > look.cells;
}

/* Return true when every non-blank cell of `row` has the header text of its column in rows upper..lower. */
static bool repeats_header(const ky_grid_sheet *sheet, uint32_t row, uint32_t upper, uint32_t lower)
{
    bool same = true;
    for (uint32_t c = 0; c < row_width(sheet, row) && same; c++) {
        const ky_cell *cell = ky_grid__cell(sheet, row, c);
        if (ky_value__is_blank(cell))
            continue;
        char *key = ky_mapping__cell_key(cell, false);
        same = false;
        for (uint32_t h = upper; h <= lower && !same && key; h++) {
            char *header = ky_mapping__cell_key(ky_grid__cell(sheet, h, c), false);
            same = header && strcmp(header, key) == 0;
            free(header);
        }
        free(key);
    }
    return same;
}

/* Return true when the row above `row` is blank, contains one value (a title or note) or is a totals row. */
static bool after_break(const ky_grid_sheet *sheet, uint32_t row)
{
    if (row == 0)
        return true;
    uint32_t above = filled_cells(sheet, row - 1);
    return above <= 1 || ky_mapping__is_totals(sheet, row - 1);
}

/* Return the first row of a table whose header is `header`: the title rows above it, after a blank row. */
static uint32_t first_title_row(const ky_grid_sheet *sheet, uint32_t header, uint32_t floor)
{
    uint32_t first = header;
    while (first > floor && filled_cells(sheet, first - 1) == 1)
        first--;
    if (first > floor && filled_cells(sheet, first - 1) == 0)
        return first;
    return header;
}

static int push_span(ky_table_span **spans, size_t *count, uint32_t first, uint32_t end)
{
    int status = ky_mapping__reserve((void **)spans, *count, 1, sizeof **spans);
    if (status != 0)
        return status;
    (*spans)[(*count)++] = (ky_table_span){first, end};
    return 0;
}

int ky_mapping__split_tables(const ky_grid_sheet *sheet, ky_table_span **spans, size_t *count)
{
    *spans = NULL;
    *count = 0;

    /* The first header is the one the single-table search finds, so that a
       sheet with one table is read as before. */
    ky_header_search found;
    ky_mapping__locate_header(sheet, &found);
    if (found.upper == UINT32_MAX)
        return push_span(spans, count, 0, sheet->row_count);

    uint32_t start = 0;
    uint32_t upper = found.upper;
    uint32_t lower = found.lower;
    /* The search prefers the best header of its first rows, which may be a
       second table's; a header-like row above it starts the first table. */
    for (uint32_t r = 0; r < found.upper; r++) {
        if (looks_like_header(sheet, r, after_break(sheet, r))) {
            upper = lower = r;
            break;
        }
    }
    /* The row below a header may be its second header row, so no table starts there. */
    int status = 0;
    for (uint32_t r = lower + 2; r < sheet->row_count && status == 0; r++) {
        if (!looks_like_header(sheet, r, after_break(sheet, r)) ||
            repeats_header(sheet, r, upper, lower))
            continue;
        uint32_t first = first_title_row(sheet, r, lower + 1);
        status = push_span(spans, count, start, first);
        start = first;
        /* A repeat of the new header, or of the row below it, is no new table. */
        upper = r;
        lower = r + 1 < sheet->row_count ? r + 1 : r;
        r++;
    }
    if (status == 0)
        status = push_span(spans, count, start, sheet->row_count);
    if (status != 0) {
        free(*spans);
        *spans = NULL;
        *count = 0;
    }
    return status;
}
