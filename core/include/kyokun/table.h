/* SPDX-License-Identifier: MIT */
/*
 * The table model that input plugins stream into the core: sheets, rows of
 * typed cells and merged ranges, pushed through a ky_sink.
 */
#ifndef KYOKUN_TABLE_H
#define KYOKUN_TABLE_H

#include "kyokun/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Type of a cell value. */
typedef enum ky_cell_type {
    KY_CELL_EMPTY = 0,  /**< No value (may still carry KY_CELL_FORMULA). */
    KY_CELL_TEXT = 1,   /**< UTF-8 text in `text`. */
    KY_CELL_NUMBER = 2, /**< IEEE double in `number`. */
    KY_CELL_BOOL = 3,   /**< `number` is 0 or 1. */
    KY_CELL_DATE = 4,   /**< Date and/or time; see ky_date_kind. */
    KY_CELL_ERROR = 5   /**< Error value such as "#N/A" in `text`. */
} ky_cell_type;

/** Meaningful part of a KY_CELL_DATE value. */
typedef enum ky_date_kind {
    KY_DATE_DATE = 0,     /**< A calendar date, no time of day. */
    KY_DATE_DATETIME = 1, /**< Date and time of day. */
    KY_DATE_TIME = 2      /**< A time of day (or a duration under 24 h) with no date. */
} ky_date_kind;

/** Cell flags. */
enum {
    KY_CELL_FORMULA = 1u << 0,   /**< The value is a formula's cached result. */
    KY_CELL_NO_CACHED = 1u << 1  /**< A formula with no cached result (value is empty). */
};

/**
 * One cell. For KY_CELL_DATE, `number` is the serial day count in the
 * 1900 date system (day 0 is 1899-12-30, the fraction is the time of day);
 * readers convert 1904-system serials and ISO text into it. Text is UTF-8 and
 * NUL-terminated; `len` is its length in bytes. All pointers are borrowed for
 * the duration of the sink call.
 */
typedef struct ky_cell {
    uint32_t col;           /**< 0-based column. */
    ky_cell_type type;
    ky_date_kind date_kind; /**< Meaningful for KY_CELL_DATE only. */
    uint32_t flags;         /**< KY_CELL_FORMULA, KY_CELL_NO_CACHED. */
    double number;          /**< NUMBER, BOOL (0 or 1) and DATE values. */
    const char *text;       /**< TEXT and ERROR values; NULL otherwise. */
    size_t len;             /**< Bytes in `text`. */
} ky_cell;

/** Sheet visibility as stored in the file. */
typedef enum ky_visibility {
    KY_SHEET_VISIBLE = 0,
    KY_SHEET_HIDDEN = 1,
    KY_SHEET_VERY_HIDDEN = 2
} ky_visibility;

/** Sheet header delivered before its rows. */
typedef struct ky_sheet_info {
    const char *name;         /**< Sheet name (a CSV file gives its base name). */
    uint32_t index;           /**< 0-based position in the workbook. */
    ky_visibility visibility;
} ky_sheet_info;

/** A rectangle of cells, 0-based and inclusive. */
typedef struct ky_range {
    uint32_t first_row;
    uint32_t first_col;
    uint32_t last_row;
    uint32_t last_col;
} ky_range;

/**
 * Values a sink callback returns. Anything negative is a ky_status and
 * aborts the read with that status.
 */
enum {
    KY_SINK_OK = 0,         /**< Go on. */
    KY_SINK_SKIP_SHEET = 1, /**< From sheet_begin: do not deliver this sheet's rows or merges
                                 (sheet_end is still called). */
    KY_SINK_STOP = 2        /**< Stop reading; the read returns KY_OK. */
};

/** Current sink ABI version, the first field of ky_sink. */
#define KY_SINK_VERSION 1

/**
 * Receiver of a streamed workbook. A reader calls, for each sheet in workbook
 * order: sheet_begin, then row for each row that has at least one non-empty
 * cell in increasing row order, merge for each merged range (in any order,
 * before sheet_end), then sheet_end. Cells within a row are in increasing
 * column order and never KY_CELL_EMPTY unless flagged KY_CELL_NO_CACHED.
 */
typedef struct ky_sink {
    int version; /**< KY_SINK_VERSION. */
    int (*sheet_begin)(void *payload, const ky_sheet_info *sheet);
    int (*row)(void *payload, uint32_t row, const ky_cell *cells, size_t count);
    int (*merge)(void *payload, const ky_range *range);
    int (*sheet_end)(void *payload);
} ky_sink;

/**
 * @brief Format a column index as letters (0 -> "A", 27 -> "AB").
 * @param col 0-based column.
 * @param buf Output buffer of at least 8 bytes.
 * @return buf.
 */
KY_EXPORT char *ky_col_name(uint32_t col, char buf[8]);

#ifdef __cplusplus
}
#endif

#endif
