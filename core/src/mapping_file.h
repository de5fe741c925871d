/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the level table and the mapping file: the lookups
 * that values.c and the column mapping use. The files are loaded and freed
 * through the public kyokun/mapping_file.h.
 */
#ifndef KYOKUN_MAPPING_FILE_INTERNAL_H
#define KYOKUN_MAPPING_FILE_INTERNAL_H

#include "headers.h"
#include "kyokun/mapping_file.h"
#include "mapping.h"

/**
 * Return the level that `table` gives a word, or 0 when the table is NULL or
 * lacks the word. `word` must be folded, trimmed and lower-cased as
 * ky_value__level() reads cells.
 */
int ky_level_table__find(const ky_level_table *table, const char *word);

/**
 * Return the kind that the mapping file sets for a table, or KY_TABLE_UNKNOWN
 * when no row of the file names the table or none gives a kind.
 */
ky_table_kind ky_mapping_file__kind(const ky_mapping_file *mapping, const char *file,
                                    const char *sheet, uint32_t table);

/** Return the row of the mapping file's first row for a table, or 0 when no row names it. */
uint32_t ky_mapping_file__first_row(const ky_mapping_file *mapping, const char *file,
                                    const char *sheet, uint32_t table);

/** Return the path the mapping file was loaded from, or NULL for a NULL mapping. */
const char *ky_mapping_file__path(const ky_mapping_file *mapping);

/**
 * Apply the mapping file's rows for the table of `map` to map->fields: a row
 * with a field maps its column to it (and takes the field from any column
 * that detection gave it to), a row with an empty field leaves its column
 * unmapped. `qualities` is updated to match, and `chosen` is set for each
 * column a row names (both have map->col_count entries). Returns 0, or
 * KY_EPARSE with an error naming the mapping file's row when a row names a
 * header or column that the table does not have, or a field that its kind
 * does not have.
 */
int ky_mapping_file__apply(ky_map_sheet *map, ky_table_kind kind, ky_header_quality *qualities,
                           bool *chosen);

/**
 * Warn about each table that the mapping file names for `file` (by its file
 * pattern) but that the sheet reports from `first_report` on do not contain.
 */
void ky_mapping_file__check_unused(ky_ctx *ctx, const ky_mapping_file *mapping,
                                   const ky_book *book, size_t first_report, const char *file);

#endif
