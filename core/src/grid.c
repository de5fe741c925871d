/* SPDX-License-Identifier: MIT */
/*
 * The grid sink: copies the sheets a reader streams into memory, rows stored
 * sparsely (one dense cell array per row that has values), so that the
 * mapping can search for header rows and follow merged ranges.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/ky_text.h"
#include "grid.h"
#include "kyokun/i18n.h"

/* ------------------------------------------------------------------------ */
/* Private helpers                                                          */
/* ------------------------------------------------------------------------ */

static void row_free(ky_grid_row *row)
{
    for (uint32_t i = 0; i < row->count; i++)
        free((char *)row->cells[i].text);
    free(row->cells);
    row->cells = NULL;
    row->count = 0;
}

static void sheet_free(ky_grid_sheet *sheet)
{
    free(sheet->name);
    for (uint32_t r = 0; r < sheet->row_count; r++)
        row_free(&sheet->rows[r]);
    free(sheet->rows);
    free(sheet->merges);
    free(sheet->merge_reach);
}

static ky_grid_sheet *current_sheet(ky_grid *grid)
{
    if (!grid->open || grid->sheet_count == 0)
        return NULL;
    return &grid->sheets[grid->sheet_count - 1];
}

/* Record an error for a call the sink cannot accept and return `code`. */
static int reject(ky_grid *grid, int code, uint32_t row, uint32_t col, const char *message)
{
    ky_grid_sheet *sheet = current_sheet(grid);
    ky_loc loc = {.file = grid->file, .sheet = sheet ? sheet->name : NULL, .row = row, .col = col};
    return ky_error_set(grid->ctx, code, &loc, "%s", message);
}

/* Make room for row index `row` in the sheet's row array. */
static int reserve_rows(ky_grid *grid, ky_grid_sheet *sheet, uint32_t row)
{
    if (row < grid->row_cap)
        return 0;
    uint32_t cap = grid->row_cap ? grid->row_cap : 64;
    while (cap <= row)
        cap = cap > KY_GRID_MAX_ROWS / 2 ? KY_GRID_MAX_ROWS : cap * 2;
    ky_grid_row *rows = realloc(sheet->rows, (size_t)cap * sizeof *rows);
    if (!rows)
        return KY_ENOMEM;
    memset(rows + grid->row_cap, 0, (size_t)(cap - grid->row_cap) * sizeof *rows);
    sheet->rows = rows;
    grid->row_cap = cap;
    return 0;
}

/* Copy one cell into a row slot, duplicating its text. */
static int copy_cell(ky_cell *slot, const ky_cell *cell)
{
    char *text = NULL;
    if (cell->type == KY_CELL_TEXT || cell->type == KY_CELL_ERROR) {
        text = cell->text ? ky_strndup(cell->text, cell->len) : ky_strdup("");
        if (!text)
            return KY_ENOMEM;
    }
    free((char *)slot->text);
    *slot = *cell;
    slot->text = text;
    slot->len = cell->text ? cell->len : 0;
    return 0;
}

static int compare_ranges(const void *a, const void *b)
{
    const ky_range *x = a;
    const ky_range *y = b;
    if (x->first_row != y->first_row)
        return x->first_row < y->first_row ? -1 : 1;
    if (x->first_col != y->first_col)
        return x->first_col < y->first_col ? -1 : 1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Sink callbacks                                                           */
/* ------------------------------------------------------------------------ */

static int grid_sheet_begin(void *payload, const ky_sheet_info *info)
{
    ky_grid *grid = payload;
    ky_grid_sheet *sheets = realloc(grid->sheets, (grid->sheet_count + 1) * sizeof *sheets);
    if (!sheets)
        return KY_ENOMEM;
    grid->sheets = sheets;

    ky_grid_sheet *sheet = &sheets[grid->sheet_count];
    memset(sheet, 0, sizeof *sheet);
    sheet->name = ky_strdup(info->name ? info->name : "");
    if (!sheet->name)
        return KY_ENOMEM;
    sheet->index = info->index;
    sheet->visibility = info->visibility;
    grid->sheet_count++;
    grid->row_cap = 0;
    grid->merge_cap = 0;
    grid->open = 1;
    return KY_SINK_OK;
}

static int grid_row(void *payload, uint32_t row, const ky_cell *cells, size_t count)
{
    ky_grid *grid = payload;
    ky_grid_sheet *sheet = current_sheet(grid);
    if (!sheet)
        return reject(grid, KY_EINVAL, 0, 0, KY_("a reader delivered a row outside a sheet"));
    if (row >= KY_GRID_MAX_ROWS)
        return reject(grid, KY_ELIMIT, row + 1, 0,
                      KY_("the sheet has more than 1,048,576 rows, the largest sheet kyokun reads"));

    /* Empty cells (formulas without a cached value) are not stored. */
    uint32_t width = 0;
    for (size_t i = 0; i < count; i++) {
        if (cells[i].col >= KY_GRID_MAX_COLS)
            return reject(grid, KY_ELIMIT, row + 1, 0,
                          KY_("the sheet has more than 16,384 columns, the largest sheet kyokun reads"));
        if (cells[i].type != KY_CELL_EMPTY && cells[i].col + 1 > width)
            width = cells[i].col + 1;
    }
    if (width == 0)
        return KY_SINK_OK;

    int status = reserve_rows(grid, sheet, row);
    if (status != 0)
        return status;

    /* A row delivered twice is merged into the first delivery. */
    ky_grid_row *slot = &sheet->rows[row];
    if (width > slot->count) {
        ky_cell *grown = realloc(slot->cells, (size_t)width * sizeof *grown);
        if (!grown)
            return KY_ENOMEM;
        memset(grown + slot->count, 0, (size_t)(width - slot->count) * sizeof *grown);
        slot->cells = grown;
        slot->count = width;
    }
    for (size_t i = 0; i < count; i++) {
        if (cells[i].type == KY_CELL_EMPTY)
            continue;
        status = copy_cell(&slot->cells[cells[i].col], &cells[i]);
        if (status != 0)
            return status;
    }

    if (row + 1 > sheet->row_count)
        sheet->row_count = row + 1;
    if (width > sheet->col_count)
        sheet->col_count = width;
    return KY_SINK_OK;
}

static int grid_merge(void *payload, const ky_range *range)
{
    ky_grid *grid = payload;
    ky_grid_sheet *sheet = current_sheet(grid);
    if (!sheet)
        return reject(grid, KY_EINVAL, 0, 0,
                      KY_("a reader delivered a merged range outside a sheet"));
    if (range->last_row >= KY_GRID_MAX_ROWS || range->last_col >= KY_GRID_MAX_COLS)
        return reject(grid, KY_ELIMIT, 0, 0,
                      KY_("a merged range reaches past 1,048,576 rows or 16,384 columns"));
    if (range->first_row > range->last_row || range->first_col > range->last_col)
        return KY_SINK_OK; /* An inverted range covers no cell. */

    if (sheet->merge_count == grid->merge_cap) {
        size_t cap = grid->merge_cap ? grid->merge_cap * 2 : 16;
        ky_range *merges = realloc(sheet->merges, cap * sizeof *merges);
        if (!merges)
            return KY_ENOMEM;
        sheet->merges = merges;
        grid->merge_cap = cap;
    }
    sheet->merges[sheet->merge_count++] = *range;
    return KY_SINK_OK;
}

/* Sort the merges and record how far down each prefix reaches, for ky_grid__merge_at(). */
static int grid_sheet_end(void *payload)
{
    ky_grid *grid = payload;
    ky_grid_sheet *sheet = current_sheet(grid);
    if (!sheet)
        return reject(grid, KY_EINVAL, 0, 0, KY_("a reader ended a sheet it did not begin"));
    grid->open = 0;
    if (sheet->merge_count == 0)
        return KY_SINK_OK;

    qsort(sheet->merges, sheet->merge_count, sizeof *sheet->merges, compare_ranges);
    sheet->merge_reach = malloc(sheet->merge_count * sizeof *sheet->merge_reach);
    if (!sheet->merge_reach)
        return KY_ENOMEM;
    uint32_t reach = 0;
    for (size_t i = 0; i < sheet->merge_count; i++) {
        if (sheet->merges[i].last_row > reach)
            reach = sheet->merges[i].last_row;
        sheet->merge_reach[i] = reach;
    }
    return KY_SINK_OK;
}

/* ------------------------------------------------------------------------ */
/* Public functions                                                         */
/* ------------------------------------------------------------------------ */

void ky_grid__init(ky_grid *grid, ky_ctx *ctx, const char *file)
{
    memset(grid, 0, sizeof *grid);
    grid->ctx = ctx;
    grid->file = file;
}

void ky_grid__free(ky_grid *grid)
{
    for (size_t i = 0; i < grid->sheet_count; i++)
        sheet_free(&grid->sheets[i]);
    free(grid->sheets);
    grid->sheets = NULL;
    grid->sheet_count = 0;
    grid->open = 0;
}

const ky_sink *ky_grid__sink(void)
{
    static const ky_sink sink = {
        .version = KY_SINK_VERSION,
        .sheet_begin = grid_sheet_begin,
        .row = grid_row,
        .merge = grid_merge,
        .sheet_end = grid_sheet_end,
    };
    return &sink;
}

const ky_cell *ky_grid__cell(const ky_grid_sheet *sheet, uint32_t row, uint32_t col)
{
    if (row >= sheet->row_count)
        return NULL;
    const ky_grid_row *slot = &sheet->rows[row];
    if (col >= slot->count || slot->cells[col].type == KY_CELL_EMPTY)
        return NULL;
    return &slot->cells[col];
}

const ky_range *ky_grid__merge_at(const ky_grid_sheet *sheet, uint32_t row, uint32_t col)
{
    if (sheet->merge_count == 0 || !sheet->merge_reach)
        return NULL;

    /* Find the last merge starting at or above `row`, then walk back while
       an earlier merge can still reach down to it. */
    size_t low = 0;
    size_t high = sheet->merge_count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (sheet->merges[mid].first_row <= row)
            low = mid + 1;
        else
            high = mid;
    }
    for (size_t i = low; i-- > 0;) {
        if (sheet->merge_reach[i] < row)
            break;
        const ky_range *range = &sheet->merges[i];
        if (range->last_row >= row && range->first_col <= col && range->last_col >= col)
            return range;
    }
    return NULL;
}

/* Copy the sheet's header fields into a view that owns nothing yet. */
static void view_init(const ky_grid_sheet *sheet, ky_grid_sheet *view)
{
    memset(view, 0, sizeof *view);
    view->name = sheet->name;
    view->index = sheet->index;
    view->visibility = sheet->visibility;
}

/* Return the widest row among rows [first, end). */
static uint32_t widest_row(const ky_grid_sheet *sheet, uint32_t first, uint32_t end)
{
    uint32_t width = 0;
    for (uint32_t r = first; r < end && r < sheet->row_count; r++) {
        if (sheet->rows[r].count > width)
            width = sheet->rows[r].count;
    }
    return width;
}

int ky_grid__slice(const ky_grid_sheet *sheet, uint32_t first, uint32_t end, ky_grid_sheet *view)
{
    view_init(sheet, view);
    if (end > sheet->row_count)
        end = sheet->row_count;
    if (first >= end)
        return 0;
    view->rows = sheet->rows + first;
    view->row_count = end - first;
    view->col_count = widest_row(sheet, first, end);

    size_t inside = 0;
    for (size_t i = 0; i < sheet->merge_count; i++)
        inside += sheet->merges[i].first_row >= first && sheet->merges[i].last_row < end;
    if (inside == 0)
        return 0;
    view->merges = malloc(inside * sizeof *view->merges);
    view->merge_reach = malloc(inside * sizeof *view->merge_reach);
    if (!view->merges || !view->merge_reach) {
        ky_grid__view_free(view, false);
        return KY_ENOMEM;
    }

    /* Moving every range up by the same amount keeps them sorted. */
    uint32_t reach = 0;
    for (size_t i = 0; i < sheet->merge_count; i++) {
        ky_range range = sheet->merges[i];
        if (range.first_row < first || range.last_row >= end)
            continue;
        range.first_row -= first;
        range.last_row -= first;
        if (range.last_row > reach)
            reach = range.last_row;
        view->merges[view->merge_count] = range;
        view->merge_reach[view->merge_count++] = reach;
    }
    return 0;
}

int ky_grid__mask(const ky_grid_sheet *sheet, uint32_t first, uint32_t end, ky_grid_sheet *view)
{
    view_init(sheet, view);
    if (end > sheet->row_count)
        end = sheet->row_count;
    view->merges = sheet->merges;
    view->merge_reach = sheet->merge_reach;
    view->merge_count = sheet->merge_count;
    if (first >= end)
        return 0;
    view->rows = calloc(end, sizeof *view->rows);
    if (!view->rows)
        return KY_ENOMEM;
    memcpy(view->rows + first, sheet->rows + first, (size_t)(end - first) * sizeof *view->rows);
    view->row_count = end;
    view->col_count = widest_row(sheet, first, end);
    return 0;
}

void ky_grid__view_free(ky_grid_sheet *view, bool masked)
{
    if (masked) {
        free(view->rows);
    } else {
        free(view->merges);
        free(view->merge_reach);
    }
    memset(view, 0, sizeof *view);
}
