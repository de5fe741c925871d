/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the mapping: the entry point that maps an in-memory
 * grid (tests use it without files or plugins) and the per-sheet state that
 * mapping.c shares with the files mapping one kind of table each.
 */
#ifndef KYOKUN_MAPPING_INTERNAL_H
#define KYOKUN_MAPPING_INTERNAL_H

#include "grid.h"
#include "kyokun/mapping.h"

/** Rows searched for a header, from the top of a sheet. */
#define KY_HEADER_SEARCH_ROWS 30

/**
 * @brief Add a report for every sheet of `grid` to `book` and map the sheets
 *        into records. Sets book->threshold and book->scale from the
 *        options, and book->title from the file's base name when it is
 *        NULL. Warns about ids that records of earlier files in the book
 *        already use, and about ids repeated within one sheet.
 * @param file Input path stored in the reports and named in diagnostics.
 * @param options Mapping options, or NULL for defaults.
 * @return 0, KY_ENOMEM, or KY_ERROR when a sheet's row counts do not add up
 *         (a bug, reported on ctx).
 */
KY_EXPORT int ky_mapping__add_grid(ky_ctx *ctx, ky_book *book, const ky_grid *grid,
                                   const char *file, const ky_map_options *options);

/** Row class: the reason a row was mapped or skipped. Each row of a sheet gets exactly one. */
typedef enum ky_row_class {
    KY_ROW_DATA = 0,     /**< A row for the table's mapper to read. */
    KY_ROW_MAPPED,       /**< Read into a record. */
    KY_ROW_BLANK,
    KY_ROW_TITLE,
    KY_ROW_HEADER,
    KY_ROW_NOTE,
    KY_ROW_UNREADABLE,
    KY_ROW_TOTAL         /**< A totals row (合計, 小計): counted as a skipped note and in `totals`. */
} ky_row_class;

/** State of the sheet being mapped. Rows and columns are 0-based. */
typedef struct ky_map_sheet {
    ky_ctx *ctx;
    ky_book *book;
    const ky_grid_sheet *grid;
    ky_sheet_report *report;
    const ky_map_options *options; /**< Never NULL: the caller's options or the defaults. */
    int threshold;
    int scale;               /**< Highest level of A and B: 3 or 5. */
    uint32_t first_row;      /**< First row of the table's part of the sheet (its titles). */
    uint32_t header_row;     /**< First header row. */
    uint32_t data_row;       /**< First row below the header. */
    uint32_t last_wide_row;  /**< Last row with two or more values (notes lie below it). */
    uint32_t col_count;      /**< Columns described by the arrays below. */
    const char **fields;     /**< Field per column, NULL when unmapped. */
    char **labels;           /**< Header per column on one line, NULL when the header is blank. */
    char **keys;             /**< Normalised lowest header cell per column, for repeated headers. */
    double *scales;          /**< Unit per column for plain numbers (千円 -> 1000). */
    const char **units;      /**< Static unit label of each damage or effort column ("hours"),
                                  else NULL. */
} ky_map_sheet;

/** Where a sheet's header is, and how close the best row came when there is none. Rows are 0-based. */
typedef struct ky_header_search {
    uint32_t upper;         /**< First header row, UINT32_MAX when none was found. */
    uint32_t lower;         /**< Last header row. */
    ky_table_kind kind;     /**< KY_TABLE_STATUS for a status table, else KY_TABLE_UNKNOWN. */
    uint32_t closest_row;   /**< Row that named the most fields, UINT32_MAX when no row named any. */
    uint32_t closest_named; /**< Cells of that row naming a field. */
    uint32_t closest_cells; /**< Non-blank cells of that row. */
} ky_header_search;

/** Records of each kind with an id, counted before a file is added to a book. */
typedef struct ky_record_counts {
    size_t incidents;
    size_t risks;
    size_t lessons;
} ky_record_counts;

/*
 * Warn about ids of the records added after `before` that records of earlier
 * files already use, and about ids repeated within one sheet (mapping_ids.c).
 * Returns 0 or KY_ENOMEM.
 */
int ky_mapping__check_ids(ky_ctx *ctx, const ky_book *book, const ky_record_counts *before);

/* Header search and column mapping (mapping_header.c). */
void ky_mapping__locate_header(const ky_grid_sheet *sheet, ky_header_search *found);
int ky_mapping__describe_columns(ky_map_sheet *map, uint32_t upper, uint32_t lower,
                                 ky_table_kind kind, int *points);
void ky_mapping__free_columns(ky_map_sheet *map);
/* Return the normalised text of a header cell, or NULL for a blank or non-text cell. */
char *ky_mapping__cell_key(const ky_cell *cell, bool keep_notes);
/* Return the header cell of a column in a header row, following a merge across columns. */
const ky_cell *ky_mapping__header_cell(const ky_grid_sheet *sheet, uint32_t row, uint32_t col);

/*
 * Set the unit of each damage and effort column from its header rows
 * `upper` to `lower` (scales and units), warning about a unit that is
 * unknown, and warn once when a header of A or B names a scale other than
 * map->scale (mapping_units.c). Returns 0 or KY_ENOMEM.
 */
int ky_mapping__read_units(ky_map_sheet *map, uint32_t upper, uint32_t lower);

/** Rows [first, end) of a sheet that belong to one table, 0-based. */
typedef struct ky_table_span {
    uint32_t first;
    uint32_t end;
} ky_table_span;

/*
 * Split a sheet into the row spans of its tables (mapping_tables.c). The
 * spans cover every row once, in order; a sheet without tables is one span.
 * Returns 0 or KY_ENOMEM; the caller frees *spans.
 */
int ky_mapping__split_tables(const ky_grid_sheet *sheet, ky_table_span **spans, size_t *count);

/* Return true when a row's first value marks it as a sum of the rows above (合計, 小計, Total). */
KY_EXPORT bool ky_mapping__is_totals(const ky_grid_sheet *sheet, uint32_t row);

/* Shared helpers (mapping.c). */
ky_loc ky_mapping__loc(const ky_map_sheet *map, uint32_t row, uint32_t col);
const ky_cell *ky_mapping__value(const ky_map_sheet *map, uint32_t row, uint32_t col);
ky_row_class ky_mapping__classify(const ky_map_sheet *map, uint32_t row);
int ky_mapping__column(const ky_map_sheet *map, const char *field);
int ky_mapping__reserve(void **items, size_t count, size_t more, size_t size);
int ky_mapping__extras(const ky_map_sheet *map, uint32_t row, ky_extras *extras);

/*
 * Table mappers: each walks the rows from data_row to the end, reads the
 * rows classified KY_ROW_DATA and stores one class per row in `classes`.
 */
int ky_mapping__incidents(ky_map_sheet *map, ky_row_class *classes);
int ky_mapping__risks(ky_map_sheet *map, ky_row_class *classes);
int ky_mapping__lessons(ky_map_sheet *map, ky_row_class *classes);
int ky_mapping__why(ky_map_sheet *map, ky_row_class *classes);
int ky_mapping__status(ky_map_sheet *map, ky_row_class *classes, uint32_t upper, uint32_t lower);

/*
 * Warn about each row below the header that the mapper classed unreadable,
 * naming the columns it fills and the key columns it lacks (mapping_skipped.c).
 * The first 20 such rows of a table get a message each, and one more message
 * counts the others. Out of memory only drops messages.
 */
void ky_mapping__report_unreadable(const ky_map_sheet *map, const ky_row_class *classes);

#endif
