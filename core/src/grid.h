/* SPDX-License-Identifier: MIT */
/*
 * The grid: a ky_sink that keeps one file's sheets in memory (rows of typed
 * cells and merged ranges) so that the mapping can look at any cell.
 */
#ifndef KYOKUN_GRID_H
#define KYOKUN_GRID_H

#include <stdbool.h>

#include "kyokun/diag.h"
#include "kyokun/table.h"

/** Largest sheet the grid accepts: the xlsx limits. */
#define KY_GRID_MAX_ROWS 1048576u
#define KY_GRID_MAX_COLS 16384u

/** One row: a dense array of cells from column 0 to the row's last column. */
typedef struct ky_grid_row {
    ky_cell *cells;  /**< `count` cells; text is owned, KY_CELL_EMPTY marks a gap. */
    uint32_t count;
} ky_grid_row;

/** One sheet as delivered by the reader. */
typedef struct ky_grid_sheet {
    char *name;
    uint32_t index;
    ky_visibility visibility;
    ky_grid_row *rows;      /**< Indexed by 0-based row; `row_count` entries. */
    uint32_t row_count;     /**< Last row holding a value, plus one. */
    uint32_t col_count;     /**< Widest row's cell count. */
    ky_range *merges;       /**< Sorted by first_row once the sheet ended. */
    uint32_t *merge_reach;  /**< merge_reach[i]: largest last_row of merges[0..i]. */
    size_t merge_count;
} ky_grid_sheet;

/** A file's sheets, in workbook order. */
typedef struct ky_grid {
    ky_grid_sheet *sheets;
    size_t sheet_count;
    ky_ctx *ctx;          /**< Receives errors; may be NULL. */
    const char *file;     /**< Names the input in errors (borrowed). */
    size_t merge_cap;     /**< Capacity of the current sheet's merge array. */
    uint32_t row_cap;     /**< Capacity of the current sheet's row array. */
    int open;             /**< 1 between sheet_begin and sheet_end. */
} ky_grid;

/**
 * @brief Initialise an empty grid.
 * @param grid Grid to initialise.
 * @param ctx Context for errors (row or column limit, calls out of order), or NULL.
 * @param file Input path named in errors (borrowed, must outlive the grid), or NULL.
 */
KY_EXPORT void ky_grid__init(ky_grid *grid, ky_ctx *ctx, const char *file);

/** @brief Free the sheets, rows and merged ranges of the grid. The grid can be initialised again. */
KY_EXPORT void ky_grid__free(ky_grid *grid);

/**
 * @brief Return the sink that fills a grid. Pass the ky_grid as payload.
 *        Row numbers given to the sink are 0-based, like columns and ranges.
 *        A row or column past KY_GRID_MAX_ROWS or KY_GRID_MAX_COLS ends the
 *        read with KY_ELIMIT, and a row or merge before sheet_begin with KY_EINVAL.
 */
KY_EXPORT const ky_sink *ky_grid__sink(void);

/**
 * @brief Return the cell at a 0-based row and column, or NULL when it is empty
 *        or outside the sheet. The pointer is valid while the grid lives.
 */
KY_EXPORT const ky_cell *ky_grid__cell(const ky_grid_sheet *sheet, uint32_t row, uint32_t col);

/**
 * @brief Return the merged range that contains a cell, or NULL when the cell
 *        is in none. Valid once the sheet's sheet_end was called.
 */
KY_EXPORT const ky_range *ky_grid__merge_at(const ky_grid_sheet *sheet, uint32_t row,
                                            uint32_t col);

/**
 * @brief Make `view` show rows [first, end) of `sheet` as rows 0 to
 *        end - first, for searching a header inside one table of a sheet.
 *        The view borrows the sheet's name and rows and owns copies of the
 *        merged ranges that lie wholly inside those rows, moved up by `first`.
 * @return 0, or KY_ENOMEM. Free the view with ky_grid__view_free().
 */
KY_EXPORT int ky_grid__slice(const ky_grid_sheet *sheet, uint32_t first, uint32_t end,
                             ky_grid_sheet *view);

/**
 * @brief Make `view` show the rows [first, end) of `sheet` at their own row
 *        numbers, every row above `first` empty and none below `end`, so that
 *        one table of a sheet can be mapped with its real row numbers. The view
 *        borrows the sheet's name, cells and merged ranges and owns its row array.
 * @return 0, or KY_ENOMEM. Free the view with ky_grid__view_free().
 */
KY_EXPORT int ky_grid__mask(const ky_grid_sheet *sheet, uint32_t first, uint32_t end,
                            ky_grid_sheet *view);

/** @brief Free what ky_grid__slice() or ky_grid__mask() allocated; the sheet is untouched. */
KY_EXPORT void ky_grid__view_free(ky_grid_sheet *view, bool masked);

#endif
