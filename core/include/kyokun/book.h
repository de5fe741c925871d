/* SPDX-License-Identifier: MIT */
/*
 * The lesson model: one ky_book contains the incidents, timeline events,
 * why-why nodes, risks and lessons read from a set of inputs, following the
 * IPA/SEC guide on making lessons from IT system failures.
 *
 * The structs are transparent so that output plugins can read them directly;
 * only the core creates and changes them. Every string and array is owned by
 * the book and freed by ky_book_free(). Strings are UTF-8; a field that was not
 * in the input is NULL (strings), 0 (counts, levels) or NAN (amounts).
 */
#ifndef KYOKUN_BOOK_H
#define KYOKUN_BOOK_H

#include <stdbool.h>

#include "kyokun/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Origin of a record in its input; `row` is 1-based. */
typedef struct ky_origin {
    const char *file;
    const char *sheet;
    uint32_t row;
} ky_origin;

/** A list of strings. */
typedef struct ky_strlist {
    char **items;
    size_t count;
    size_t lead_in;  /**< Leading items that introduce the list rather than belong to it: the
                          lines without a bullet above the bulleted lines of a cell. */
} ky_strlist;

/** A value from a column that no field was mapped to: kept, never dropped. */
typedef struct ky_extra {
    char *header; /**< The column's header text. */
    char *value;  /**< The cell as text. */
} ky_extra;

/** Extra values of one record. */
typedef struct ky_extras {
    ky_extra *items;
    size_t count;
} ky_extras;

/** A row of an incident list (障害一覧). */
typedef struct ky_incident {
    char *id;
    char *summary;          /**< 障害の概要 */
    char *occurred_text;    /**< 発生日時 as written. */
    double occurred;        /**< Serial day (1900 system), NAN when unreadable or absent. */
    char *system;           /**< システム名 */
    char *main_cause;       /**< 主な原因: after ky_book_classify(), the cause.csv label when the
                                 text names a known cause, else the text as written, trimmed. */
    char *external_impact;  /**< 対外影響 */
    char *damage_text;      /**< 障害の影響額 as written. */
    double damage_yen;      /**< NAN when absent or unreadable. */
    char *effort_text;      /**< 対応工数 as written. */
    double effort_pm;       /**< Person-months, NAN when absent or unreadable. */
    ky_extras extras;
    ky_origin origin;
    char *main_cause_text;  /**< 主な原因 as written, NULL when not changed */
} ky_incident;

/** One cell of an incident status table (障害状況表). */
typedef struct ky_event {
    char *time_text;   /**< The time as written in the first column ("朝４時"). */
    char *actor_group; /**< Upper header row (company), or NULL. */
    char *actor;       /**< Lower header row (department), or the only one. */
    char *text;
    ky_origin origin;
    int day;           /**< Day after the table's first day: set by 翌 (1) or 前日 (-1) for the rows
                            from there on, or by the dates of date-time cells; 0 for a time not read. */
    int minutes;       /**< Minutes after midnight of `day` (0-1439), -1 when no time could be read. */
} ky_event;

/** Kind of a why-why node. */
typedef enum ky_why_kind {
    KY_WHY_PROBLEM = 0,      /**< 問題 */
    KY_WHY_DIRECT = 1,       /**< 直接原因 (なぜ1) */
    KY_WHY_CAUSE = 2,        /**< An intermediate cause. */
    KY_WHY_ROOT = 3          /**< 根本原因: the last cause on its branch. */
} ky_why_kind;

/** A node of a why-why tree (なぜなぜ分析). */
typedef struct ky_why_node {
    uint32_t parent;         /**< Index + 1 of the parent node, 0 for a problem. */
    uint32_t level;          /**< 0 for the problem, 1 for なぜ1, ... */
    ky_why_kind kind;
    char *text;
    ky_strlist countermeasures; /**< 対策 attached to this node. */
    ky_strlist lesson_ids;      /**< Lesson ids cited in the countermeasures, e.g. "T16". */
    ky_origin origin;
} ky_why_node;

/** A row of a risk table (リスク管理表). */
typedef struct ky_risk {
    char *no;
    char *category;     /**< カテゴリー */
    char *content;      /**< リスク内容 */
    char *impact;       /**< 影響内容 */
    char *a_text;       /**< A 影響度 as written. */
    char *b_text;       /**< B 発生度 as written. */
    char *c_text;       /**< C リスク値 as written, or NULL when the sheet had none. */
    int a;              /**< Impact 1-3, 0 when absent or unreadable. */
    int b;              /**< Likelihood 1-3, 0 when absent or unreadable. */
    int c;              /**< A x B, 0 when A or B is unknown. */
    int c_typed;        /**< The C the sheet holds, 0 when none or unreadable. */
    bool needs_response;/**< c >= the book's threshold. */
    char *decision_text;/**< 判定 / 発生判定 as written. */
    char *response;     /**< 想定対応方法 */
    char *lesson_id;
    ky_extras extras;
    ky_origin origin;
} ky_risk;

/** The five classification axes of a lesson, in the guide's order (figure 3.6-1). */
typedef enum ky_axis {
    KY_AXIS_PURPOSE = 0,    /**< 活用する目的 */
    KY_AXIS_IMPORTANCE = 1, /**< 情報処理システムの重要度 */
    KY_AXIS_LIFECYCLE = 2,  /**< ソフトウェアライフサイクルプロセス */
    KY_AXIS_SERVICE = 3,    /**< 運用・サービスプロセス */
    KY_AXIS_KEYWORDS = 4,   /**< キーワード */
    KY_AXIS_COUNT = 5
} ky_axis;

/** Origin of a classification value. */
typedef enum ky_value_source {
    KY_VALUE_ABSENT = 0,    /**< No value. */
    KY_VALUE_READ = 1,      /**< Read from the input as written. */
    KY_VALUE_DERIVED = 2,   /**< Computed from other columns by a stated rule (Type from damage). */
    KY_VALUE_SUGGESTED = 3  /**< Suggested by keyword rules from the lesson's text. */
} ky_value_source;

/** Provenance of one axis of a classification. */
typedef struct ky_provenance {
    ky_value_source source;
    char *evidence;         /**< The code a read value was recognised as, the rule or the
                                 matched words; NULL when there is none. */
} ky_provenance;

/** The five classification axes of a lesson (guide chapter 3). */
typedef struct ky_classification {
    ky_strlist purposes;   /**< 活用する目的, several allowed. */
    char *importance;      /**< 情報処理システムの重要度 (Type I-IV or a class label). */
    char *lifecycle;       /**< ソフトウェアライフサイクルプロセス */
    char *service;         /**< 運用・サービスプロセス */
    ky_strlist keywords;   /**< キーワード */
    ky_provenance provenance[KY_AXIS_COUNT]; /**< Indexed by ky_axis. */
} ky_classification;

/** A lesson (教訓) in the guide's layout. */
typedef struct ky_lesson {
    char *id;              /**< 教訓ID, e.g. "G7". */
    char *title;           /**< 教訓概要 */
    char *problem;         /**< 問題 */
    ky_strlist direct_causes; /**< 直接原因 */
    ky_strlist root_causes;   /**< 根本原因 */
    ky_strlist recurrence;    /**< 再発防止策 */
    ky_strlist preventive;    /**< 未然防止策 */
    char *effect;          /**< 効果 */
    char *lesson;          /**< 教訓 (the body text) */
    ky_classification classification;
    bool id_generated;     /**< The input had no id; kyokun made one. */
    ky_extras extras;
    ky_origin origin;
} ky_lesson;

/** Kind of table recognised on a sheet. */
typedef enum ky_table_kind {
    KY_TABLE_UNKNOWN = 0,
    KY_TABLE_INCIDENTS = 1, /**< 障害一覧 */
    KY_TABLE_RISKS = 2,     /**< リスク管理表 */
    KY_TABLE_LESSONS = 3,   /**< 教訓 */
    KY_TABLE_WHY = 4,       /**< なぜなぜ分析 */
    KY_TABLE_STATUS = 5     /**< 障害状況表 */
} ky_table_kind;

/** Mapping of one column to a model field. */
typedef struct ky_column_map {
    uint32_t col;       /**< 0-based column. */
    char *header;       /**< Header text as written (rows joined with " / "). */
    const char *field;  /**< Field name such as "summary", or NULL when unmapped (static string). */
    const char *unit;   /**< Unit of plain numbers in a damage or effort column, as a static English
                             label ("hours", "x 1,000 yen") that the "kyokun" gettext domain
                             translates; NULL for other columns. */
} ky_column_map;

/** Counts of skipped rows, one counter per reason. */
typedef struct ky_skip_counts {
    size_t blank;       /**< Rows with no value at all. */
    size_t title;       /**< Rows above the header (titles, notes). */
    size_t header;      /**< The header row(s) themselves. */
    size_t note;        /**< Rows below the table that fill only one cell. */
    size_t unreadable;  /**< Rows with no value in any key field. */
} ky_skip_counts;

/** Mapping result of one table of a sheet, which `inspect` prints. */
typedef struct ky_sheet_report {
    char *file;
    char *sheet;
    uint32_t table;        /**< 1-based index of the table on its sheet (a sheet may hold several). */
    ky_table_kind kind;
    int confidence;        /**< 0-100. */
    uint32_t header_row;   /**< 1-based first header row, 0 when no header was found. */
    uint32_t header_rows;  /**< Number of header rows: 1 or 2, up to 3 for a status table. */
    size_t rows_total;     /**< Rows from first_row to last_row; the tables of a sheet share its rows out. */
    size_t rows_mapped;    /**< Rows that became records. */
    ky_skip_counts skipped;
    ky_column_map *columns;
    size_t column_count;
    char *reason;          /**< Why the sheet was not mapped, or NULL. */
    uint32_t first_row;    /**< 1-based first row of the table's part of the sheet (titles included). */
    uint32_t last_row;     /**< 1-based last row of that part; 0 for an empty sheet. */
    size_t totals;         /**< Totals rows (合計, 小計) among the skipped notes. */
} ky_sheet_report;

/**
 * The lesson book. Arrays are owned by the book; counts give their lengths.
 */
typedef struct ky_book {
    ky_incident *incidents; size_t incident_count;
    ky_event *events;       size_t event_count;
    ky_why_node *why_nodes; size_t why_count;
    ky_risk *risks;         size_t risk_count;
    ky_lesson *lessons;     size_t lesson_count;
    ky_sheet_report *sheets; size_t sheet_count;
    int threshold;          /**< Risk value that needs a response (default 5). */
    int scale;              /**< Levels of A and B: 3 (the guide's, default) or 5. */
    char *title;            /**< Document title, e.g. the first input's base name. */
} ky_book;

/**
 * @brief Create an empty book with the default threshold.
 * @return A book that the caller frees with ky_book_free(), or NULL when out of memory.
 */
KY_EXPORT ky_book *ky_book_new(void);

/** @brief Free a book and everything it owns. NULL is allowed. */
KY_EXPORT void ky_book_free(ky_book *book);

/** @brief Return the stable English name of a table kind ("incidents", "risks", ...). */
KY_EXPORT const char *ky_table_kind_name(ky_table_kind kind);

/**
 * @brief Return the largest risk value C = A x B on a scale of `scale`
 *        levels: 9 on the guide's 3 x 3 scale, 25 on 5 x 5. A threshold
 *        above it marks no risk as needing a response.
 */
KY_EXPORT int ky_risk_value_max(int scale);

#ifdef __cplusplus
}
#endif

#endif
