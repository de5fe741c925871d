/* SPDX-License-Identifier: MIT */
/*
 * Files that users edit to steer the mapping: the level table (words such as
 * 高 or ○ read as risk levels) and the mapping file (which column of which
 * table becomes which field). Both are CSV, UTF-8 (with or without BOM) or
 * CP932, as Excel saves them. Each loaded file is owned by the caller, who
 * frees it with its _free function; the mapping options only borrow it.
 */
#ifndef KYOKUN_MAPPING_FILE_H
#define KYOKUN_MAPPING_FILE_H

#include "kyokun/book.h"
#include "kyokun/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest level table or mapping file accepted, in bytes. */
#define KY_MAPPING_FILE_MAX_BYTES ((size_t)4 << 20)

/** Highest level a level table may give: the 5 x 5 scale's top. */
#define KY_LEVEL_MAX 5

/** Words read as levels of impact (A) and likelihood (B), added to the built-in ones. */
typedef struct ky_level_table ky_level_table;

/**
 * @brief Load a level table: CSV records "word,level", level a whole number
 *        from 1 to KY_LEVEL_MAX, with an optional header row "word,level".
 *        Words are matched after folding full-width ASCII, trimming and
 *        lower-casing ASCII, and win over the built-in words.
 * @param out Receives the table (free it with ky_level_table_free()).
 * @return 0, or KY_EIO, KY_ELIMIT (file too big), KY_EPARSE (not CSV, a bad
 *         record; the message names the file, row and column) or KY_ENOMEM.
 */
KY_EXPORT int ky_level_table_load(ky_ctx *ctx, const char *path, ky_level_table **out);

/** @brief Free a level table. NULL is allowed. */
KY_EXPORT void ky_level_table_free(ky_level_table *table);

/** The column choices read from a mapping file. */
typedef struct ky_mapping_file ky_mapping_file;

/**
 * @brief Load a mapping file: CSV with the header row
 *        "file,sheet,table,kind,column,header,field,confidence", as
 *        ky_mapping_file_write() writes it. The columns may come in any
 *        order, and file, kind, column and confidence may be left out.
 * @param out Receives the mapping (free it with ky_mapping_file_free()).
 * @return 0, or KY_EIO, KY_ELIMIT (file too big), KY_EPARSE (not CSV, an
 *         unknown column or field, a repeated field; the message names the
 *         file, row and column) or KY_ENOMEM.
 */
KY_EXPORT int ky_mapping_file_load(ky_ctx *ctx, const char *path, ky_mapping_file **out);

/** @brief Free a mapping file. NULL is allowed. */
KY_EXPORT void ky_mapping_file_free(ky_mapping_file *mapping);

/**
 * @brief Write the mapping of every table in `book` as a mapping file: UTF-8
 *        with a BOM (so that Excel reads the Japanese), CRLF record ends and
 *        one record per column with a header. The file column is "*", so the
 *        mapping applies to every input with the same sheets and headers.
 *        The file is written beside `path` and renamed over it.
 * @return 0, or KY_EIO or KY_ENOMEM with the error set on `ctx`.
 */
KY_EXPORT int ky_mapping_file_write(ky_ctx *ctx, const ky_book *book, const char *path);

#ifdef __cplusplus
}
#endif

#endif
