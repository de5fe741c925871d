/* SPDX-License-Identifier: MIT */
/*
 * Statistics of a book: counts per key of one axis (main cause, purpose,
 * system type, ...), sorted for a Pareto chart, with share, cumulative share,
 * ABC class and the damage and effort summed per key. The stats CSV, the
 * register's 原因別集計 sheet and the report's Pareto chart all read these
 * tables, so the three agree.
 */
#ifndef KYOKUN_STATS_H
#define KYOKUN_STATS_H

#include <stddef.h>

#include "kyokun/book.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An axis that records are counted along. */
typedef enum ky_stats_axis {
    KY_STATS_MAIN_CAUSE = 0,  /**< Incidents by 主な原因. */
    KY_STATS_PURPOSE = 1,     /**< Lessons by 活用する目的 (a lesson counts once per purpose). */
    KY_STATS_SYSTEM_TYPE = 2, /**< Lessons by 情報処理システムの重要度. */
    KY_STATS_LIFECYCLE = 3,   /**< Lessons by ソフトウェアライフサイクルプロセス. */
    KY_STATS_SERVICE = 4,     /**< Lessons by 運用・サービスプロセス. */
    KY_STATS_KEYWORD = 5,     /**< Lessons by キーワード (a lesson counts once per keyword). */
    KY_STATS_RISK_LEVEL = 6,  /**< Risks by risk value C. */
    KY_STATS_AXIS_COUNT = 7
} ky_stats_axis;

/** Cut-offs of the ABC classes, in percent of the cumulative share. */
typedef struct ky_abc_cutoffs {
    double a; /**< A while the cumulative share before the key is below this (default 80). */
    double b; /**< B while below this (default 95); C after. */
} ky_abc_cutoffs;

#define KY_ABC_A_DEFAULT 80.0
#define KY_ABC_B_DEFAULT 95.0

/** One key of an axis. */
typedef struct ky_stats_row {
    char *key;               /**< The value as written, trimmed of spaces; NULL for the records
                                  with no value on the axis, which outputs label themselves. */
    size_t count;            /**< Records with this key. */
    double share;            /**< count / total, 0-1. */
    double cumulative_share; /**< Shares of this and every earlier row, 0-1. */
    char abc_class;          /**< 'A', 'B' or 'C'; rows tied on count share the class of the
                                  first of them, so the order of a tie never changes a class. */
    double damage_yen;       /**< Sum over the key's records, NAN when none had an amount. */
    double effort_pm;        /**< Sum in person-months, NAN when none had one. */
} ky_stats_row;

/** The rows of one axis, most frequent first; ties in key order (byte order of UTF-8). */
typedef struct ky_stats_table {
    ky_stats_axis axis;
    ky_stats_row *rows;
    size_t count;            /**< Number of rows. */
    size_t total;            /**< Sum of the rows' counts (the denominator of share). */
} ky_stats_table;

/** @brief Return default cut-offs (80 and 95). */
KY_EXPORT ky_abc_cutoffs ky_abc_cutoffs_default(void);

/**
 * @brief Count the book's records along `axis`.
 * @param cutoffs ABC cut-offs, or NULL for the defaults.
 * @param out Receives the table; free it with ky_stats_table_free().
 * @return 0, or KY_ENOMEM.
 */
KY_EXPORT int ky_stats_compute(const ky_book *book, ky_stats_axis axis,
                               const ky_abc_cutoffs *cutoffs, ky_stats_table *out);

/** @brief Free the rows of a table. NULL and an empty table are allowed. */
KY_EXPORT void ky_stats_table_free(ky_stats_table *table);

/** @brief Return the stable name of an axis: "main_cause", "purpose", "system_type", ... */
KY_EXPORT const char *ky_stats_axis_name(ky_stats_axis axis);

#ifdef __cplusplus
}
#endif

#endif
