/* SPDX-License-Identifier: MIT */
/*
 * Value conversions for the mapping: cell text, risk levels, yen amounts,
 * person-months, dates written as text, list cells split into items and
 * lesson ids cited in countermeasures.
 */
#ifndef KYOKUN_VALUES_H
#define KYOKUN_VALUES_H

#include <stdbool.h>

#include "kyokun/book.h"
#include "kyokun/table.h"

/** Working days in a month and hours in a working day, for person-months. */
#define KY_DAYS_PER_MONTH 20.0
#define KY_HOURS_PER_DAY 8.0

/**
 * @brief Decode one code point with full-width ASCII (U+FF01-U+FF5E) folded to
 *        ASCII and the ideographic space U+3000 folded to a space.
 * @return Bytes consumed (at least 1 when len > 0).
 */
KY_EXPORT size_t ky_value__next(const char *text, size_t len, uint32_t *cp);

/**
 * @brief Copy text with full-width ASCII folded to ASCII and U+3000 to a space.
 * @return A new string the caller frees, or NULL when out of memory.
 */
KY_EXPORT char *ky_value__fold_width(const char *text, size_t len);

/** @brief Copy text without leading and trailing white space (ASCII and U+3000). */
KY_EXPORT char *ky_value__trim(const char *text, size_t len);

/**
 * @brief Format a cell as text: text as it is, numbers in shortest form,
 *        dates as ISO 8601, booleans as TRUE/FALSE.
 * @return A new string, NULL for a NULL cell or when out of memory.
 */
KY_EXPORT char *ky_value__cell_text(const ky_cell *cell);

/** @brief Return true for NULL, empty cells and text that is only white space. */
KY_EXPORT bool ky_value__is_blank(const ky_cell *cell);

struct ky_level_table;

/**
 * @brief Read a risk level (impact A or likelihood B). The words of `levels`
 *        come first, then the built-in ones: the numbers 1-3 as numbers or
 *        text (full-width digits too), and 高/中/低, 大/中/小, ○/△/× (◯ and
 *        ✕ too), H/M/L and high/medium/low mapped to 3/2/1.
 * @param levels Level table from ky_level_table_load(), or NULL.
 * @return The level, or 0 when the cell contains anything else.
 */
KY_EXPORT int ky_value__level(const ky_cell *cell, const struct ky_level_table *levels);

/** @brief Return the level that `levels` gives a text cell's word, or 0 (NULL table, no such word). */
KY_EXPORT int ky_value__table_level(const ky_cell *cell, const struct ky_level_table *levels);

/**
 * @brief Read a whole number from a number cell or from text of digits.
 * @return true and the number in `out` on success.
 */
KY_EXPORT bool ky_value__integer(const ky_cell *cell, int *out);

/** A risk decision (判定) as the sheet states it. */
typedef enum ky_decision {
    KY_DECISION_UNKNOWN = 0, /**< Blank, a number or text that is not a decision. */
    KY_DECISION_RESPOND,     /**< 対応要, 要対応, 要, 対応必要, ○, Yes, Respond or Y. */
    KY_DECISION_ACCEPT       /**< 対応不要, 不要, ×, No, Accept or N. */
} ky_decision;

/**
 * @brief Read a typed risk decision from a text cell, after folding width and
 *        ignoring the case of ASCII letters.
 * @return The decision, or KY_DECISION_UNKNOWN for any other cell.
 */
KY_EXPORT ky_decision ky_value__decision(const ky_cell *cell);

/**
 * @brief Read an amount of money in yen: a number, or text with thousands
 *        separators and the units 円, 千円, 万円, 百万円, 億円 ("1億2000万円" too).
 *        Full-width digits, signs, commas and points read as ASCII, and U+2212
 *        or U+30FC directly before a digit reads as a minus sign.
 * @param scale Yen per unit for a number without a unit, e.g. 1000 when the
 *        column header says (千円).
 * @return The amount, or NAN when the cell is not an amount.
 */
KY_EXPORT double ky_value__yen(const ky_cell *cell, double scale);

/**
 * @brief Read an effort in person-months: a number, or a number followed
 *        by a unit that ky_value__effort_unit() reads in a cell, such as
 *        人月, 人日 (`days_per_month` days a month) or 時間 (`hours_per_day`
 *        hours a day). Digits and signs are read as ky_value__yen() reads them.
 * @param scale Person-months per unit for a number without a unit.
 * @param hours_per_day Working hours in a day; 0 or less means KY_HOURS_PER_DAY.
 * @param days_per_month Working days in a month; 0 or less means KY_DAYS_PER_MONTH.
 * @return The effort, rounded to 6 decimal places when it was converted
 *         from another unit, or NAN when the cell is not an effort.
 */
KY_EXPORT double ky_value__effort(const ky_cell *cell, double scale, double hours_per_day,
                                  double days_per_month);

/** @brief Read an effort as ky_value__effort() does, with 8 hours a day and 20 days a month. */
KY_EXPORT double ky_value__person_months(const ky_cell *cell, double scale);

/** A unit of amounts or efforts. */
typedef struct ky_unit {
    double factor;     /**< Yen or person-months per unit. */
    const char *label; /**< Static English name for `inspect`, such as "hours", to translate
                            with KY_(). */
} ky_unit;

/** Place of a unit in the sheet, which matters because a few words are units only in a header. */
typedef enum ky_unit_place {
    KY_UNIT_IN_CELL,  /**< After a number in a cell ("16時間"). */
    KY_UNIT_IN_HEADER /**< In a header's note ("工数(時)"), where 時 and 月 cannot be a time of
                           day or a month. */
} ky_unit_place;

/**
 * @brief Look up an effort unit. Hours are h, hr, 時, 時間, 人時 and hours,
 *        days are d, 日, 人日, md and days, and person-months are 人月, 月,
 *        mm, pm and months. The English words may also start with person- or
 *        man-.
 * @param word The whole unit, full-width folded and ASCII lower-cased.
 * @param place KY_UNIT_IN_HEADER also accepts 時 and 月.
 * @param hours_per_day Working hours in a day (above 0).
 * @param days_per_month Working days in a month (above 0).
 * @return true and the unit in `out` when `word` is an effort unit.
 */
KY_EXPORT bool ky_value__effort_unit(const char *word, ky_unit_place place, double hours_per_day,
                                     double days_per_month, ky_unit *out);

/**
 * @brief Look up the unit of an amount in a header: a multiplier (千, k,
 *        thousand, 万, 百万, m, million, 億), a currency (円, yen, jpy, ¥, ￥), or
 *        a multiplier followed by a currency ("k円", "百万円", "million yen").
 * @param word The whole unit, full-width folded and ASCII lower-cased.
 * @return true and the unit in `out` when `word` is an amount unit.
 */
KY_EXPORT bool ky_value__amount_unit(const char *word, ky_unit *out);

/** Reason a date could not be read. */
typedef enum ky_date_error {
    KY_DATE_OK = 0,
    KY_DATE_UNREADABLE,   /**< Not written as a date. */
    KY_DATE_NO_SUCH_MONTH,/**< Written as a date, but the month is not 1-12 (2024/13/1). */
    KY_DATE_NO_SUCH_DAY,  /**< Written as a date, but the day does not exist (2月30日). */
    KY_DATE_AFTER_ERA,    /**< A Japanese era date after the era ended (平成32年, 平成31年5月1日). */
    KY_DATE_BEFORE_ERA    /**< A Japanese era date before the era began (令和元年4月30日, 令和0年). */
} ky_date_error;

/**
 * @brief Read a date: a date cell, a serial number, or text such as
 *        "2024/4/1", "2024-04-01", "2024年4月1日", "2022-01-21 13:47:00", or a
 *        Japanese era date such as "平成29年12月31日", "令和元年5月1日" or
 *        "H29.1.16" (eras M, T, S, H and R), optionally followed by a time
 *        "10:30" or "10時30分".
 * @param error Receives why the date is unreadable, or KY_DATE_OK. May be NULL.
 * @return The serial day in the 1900 system, or NAN when unreadable.
 */
KY_EXPORT double ky_value__read_date(const ky_cell *cell, ky_date_error *error);

/** The first and last day of a Japanese era, for messages about a date outside it. */
typedef struct ky_era_bounds {
    const char *name;  /**< The era's name in kanji ("平成"), static. */
    int first_year;    /**< First day, Gregorian: year, month, day. */
    int first_month;
    int first_day;
    int last_era_year; /**< The era's own year of its last day (31 for 平成), 0 while it lasts. */
    int last_year;     /**< Last day, Gregorian, all 0 while the era lasts. */
    int last_month;
    int last_day;
} ky_era_bounds;

/**
 * @brief Find the era that an era date cell names, as ky_value__read_date()
 *        reads it ("令和元年4月30日", "H32.1.1"), and store its first and last day.
 * @return true, or false when the cell does not start with an era.
 */
KY_EXPORT bool ky_value__era_bounds(const ky_cell *cell, ky_era_bounds *bounds);

/** @brief Read a date as ky_value__read_date() does, without the reason for a failure. */
KY_EXPORT double ky_value__date(const ky_cell *cell);

/** @brief Append a copy of `len` bytes of text to a list. @return 0 or KY_ENOMEM. */
KY_EXPORT int ky_value__list_push(ky_strlist *list, const char *text, size_t len);

/**
 * @brief Split a list cell into items and append them to `out`. Items are
 *        separated by line breaks, or, when any line starts with a bullet
 *        (・, -, ●, ①, "1.", "(1)" ...), by the bulleted lines; an unbulleted
 *        line then continues the item above. Bullets are removed and items
 *        trimmed; empty items are dropped. The unbulleted lines above the
 *        first bulleted line become one item, a lead-in; when `out` was
 *        empty, out->lead_in is set to the number of items it made.
 * @param split_commas Also split items on 、 , ， ; ； (keywords, purposes).
 * @return 0 or KY_ENOMEM.
 */
KY_EXPORT int ky_value__split_list(const char *text, bool split_commas, ky_strlist *out);

/**
 * @brief Find lesson ids cited in brackets, such as "(T16)", "（G７）" or
 *        "(G7, T16)", append them to `ids` in ASCII ("G7") and return the text
 *        without the brackets that held them.
 * @param rest Receives the remaining text, trimmed (caller frees).
 * @return 0 or KY_ENOMEM.
 */
KY_EXPORT int ky_value__take_lesson_ids(const char *text, char **rest, ky_strlist *ids);

#endif
