/* SPDX-License-Identifier: MIT */
/*
 * Mapping: reading a file's sheets into a ky_book. For each sheet the core
 * finds the header row, recognises the kind of table from its headers and the
 * sheet name, maps the columns to model fields, converts values and computes
 * the risk value C = A x B. Every row is mapped or counted as skipped.
 */
#ifndef KYOKUN_MAPPING_H
#define KYOKUN_MAPPING_H

#include "kyokun/book.h"
#include "kyokun/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ky_level_table;
struct ky_mapping_file;

/** Options of the mapping step. */
typedef struct ky_map_options {
    int version;     /**< KY_MAP_OPTIONS_VERSION. */
    int threshold;   /**< Risk value needing a response; default 5. */
    int scale;       /**< Levels of A and B: 3 (1-3, the default) or 5 (1-5). */
    double hours_per_day;  /**< Working hours in a person-day, for 時間; default 8. */
    double days_per_month; /**< Working days in a person-month, for 人日; default 20. */
    const struct ky_level_table *levels;  /**< Extra level words (borrowed), or NULL. */
    const struct ky_mapping_file *mapping; /**< Column choices (borrowed), or NULL to detect all. */
} ky_map_options;

#define KY_MAP_OPTIONS_VERSION 3

/** @brief Initialise mapping options with defaults. */
KY_EXPORT void ky_map_options_init(ky_map_options *options);

/**
 * @brief Read one file and add what its sheets hold to `book`.
 * @param ctx Context for diagnostics (file, sheet, row and column named).
 * @param reg Registry that reads the file.
 * @param book Book to extend; a sheet report is added for every sheet.
 * @param source The input.
 * @param format Input plugin name, or NULL to probe.
 * @param read_options Reader options, or NULL for defaults.
 * @param map_options Mapping options, or NULL for defaults.
 * @return 0 when the file was read (even if some rows were skipped), or a
 *         negative status when it could not be read at all.
 */
KY_EXPORT int ky_book_add_file(ky_ctx *ctx, const ky_registry *reg, ky_book *book,
                               const ky_source *source, const char *format,
                               const ky_read_options *read_options,
                               const ky_map_options *map_options);

#ifdef __cplusplus
}
#endif

#endif
