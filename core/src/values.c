/* SPDX-License-Identifier: MIT */
/*
 * Value conversions for the mapping. Text is read after folding full-width
 * ASCII (U+FF01-U+FF5E) to ASCII, because Japanese sheets mix both widths in
 * numbers, units and codes. The text kept in records stays as written.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_date.h"
#include "formats/ky_text.h"
#include "kyokun/i18n.h"
#include "mapping_file.h"
#include "values.h"

/* ------------------------------------------------------------------------ */
/* Code points and folding                                                  */
/* ------------------------------------------------------------------------ */

static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0x3000 || cp == 0xA0;
}

size_t ky_value__next(const char *text, size_t len, uint32_t *cp)
{
    size_t n = ky_utf8_decode((const unsigned char *)text, len, cp);
    if (*cp >= 0xFF01 && *cp <= 0xFF5E)
        *cp -= 0xFEE0;
    else if (*cp == 0x3000)
        *cp = ' ';
    return n;
}

char *ky_value__fold_width(const char *text, size_t len)
{
    ky_buf out = {0};
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = ky_value__next(text + i, len - i, &cp);
        char bytes[4];
        if (ky_buf_append(&out, bytes, ky_utf8_encode(cp, bytes)) != 0) {
            ky_buf_free(&out);
            return NULL;
        }
        i += n;
    }
    return ky_buf_take(&out);
}

/* Find the bytes of `text` without leading and trailing white space. */
static void trim_span(const char *text, size_t len, size_t *start, size_t *end)
{
    size_t i = 0;
    size_t first = len;
    size_t last = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = ky_utf8_decode((const unsigned char *)text + i, len - i, &cp);
        if (!is_space(cp)) {
            if (first == len)
                first = i;
            last = i + n;
        }
        i += n;
    }
    *start = first == len ? len : first;
    *end = first == len ? len : last;
}

char *ky_value__trim(const char *text, size_t len)
{
    size_t start;
    size_t end;
    trim_span(text, len, &start, &end);
    return ky_strndup(text + start, end - start);
}

/* Fold width, trim and lower-case ASCII: the form that value parsers read. */
static char *parse_form(const ky_cell *cell)
{
    if (!cell || cell->type != KY_CELL_TEXT || !cell->text)
        return NULL;
    char *folded = ky_value__fold_width(cell->text, cell->len);
    if (!folded)
        return NULL;
    char *trimmed = ky_value__trim(folded, strlen(folded));
    free(folded);
    if (!trimmed)
        return NULL;
    for (char *p = trimmed; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return trimmed;
}

/* ------------------------------------------------------------------------ */
/* Cells                                                                    */
/* ------------------------------------------------------------------------ */

char *ky_value__cell_text(const ky_cell *cell)
{
    if (!cell)
        return NULL;
    /* Whole numbers are written out in full: ky_format_number() picks the
       shortest round-trip form, which can be "1.2e+03" for 1200. */
    if (cell->type == KY_CELL_NUMBER && cell->number == floor(cell->number) &&
        fabs(cell->number) < 1e15) {
        char digits[32];
        snprintf(digits, sizeof digits, "%.0f", cell->number);
        return ky_strdup(digits);
    }
    ky_buf out = {0};
    if (ky_cell_append_text(cell, &out) != 0) {
        ky_buf_free(&out);
        return NULL;
    }
    return ky_buf_take(&out);
}

bool ky_value__is_blank(const ky_cell *cell)
{
    if (!cell || cell->type == KY_CELL_EMPTY)
        return true;
    if (cell->type != KY_CELL_TEXT)
        return false;
    size_t start;
    size_t end;
    trim_span(cell->text ? cell->text : "", cell->text ? cell->len : 0, &start, &end);
    return start == end;
}

int ky_value__level(const ky_cell *cell, const struct ky_level_table *levels)
{
    if (!cell)
        return 0;
    if (cell->type == KY_CELL_NUMBER) {
        double n = cell->number;
        return (n == 1 || n == 2 || n == 3) ? (int)n : 0;
    }
    char *text = parse_form(cell);
    if (!text)
        return 0;
    int custom = ky_level_table__find(levels, text);
    if (custom > 0) {
        free(text);
        return custom;
    }

    static const struct {
        const char *text;
        int level;
    } names[] = {
        {"1", 1}, {"2", 2}, {"3", 3},
        {"低", 1}, {"中", 2}, {"高", 3},
        {"小", 1}, {"大", 3},
        {"×", 1}, {"✕", 1}, {"△", 2}, {"○", 3}, {"◯", 3},
        {"l", 1}, {"m", 2}, {"h", 3},
        {"low", 1}, {"medium", 2}, {"mid", 2}, {"high", 3},
    };
    int level = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(text, names[i].text) == 0) {
            level = names[i].level;
            break;
        }
    }
    free(text);
    return level;
}

int ky_value__table_level(const ky_cell *cell, const struct ky_level_table *levels)
{
    if (!levels)
        return 0;
    char *text = parse_form(cell);
    if (!text)
        return 0;
    int level = ky_level_table__find(levels, text);
    free(text);
    return level;
}

bool ky_value__integer(const ky_cell *cell, int *out)
{
    if (!cell)
        return false;
    if (cell->type == KY_CELL_NUMBER) {
        double n = cell->number;
        if (n != floor(n) || n < -1e9 || n > 1e9)
            return false;
        *out = (int)n;
        return true;
    }
    char *text = parse_form(cell);
    if (!text)
        return false;
    char *end = NULL;
    long n = strtol(text, &end, 10);
    bool ok = end != text && *end == '\0' && isdigit((unsigned char)text[0]) && n <= 1000000000L;
    free(text);
    if (ok)
        *out = (int)n;
    return ok;
}

ky_decision ky_value__decision(const ky_cell *cell)
{
    char *text = parse_form(cell);
    if (!text)
        return KY_DECISION_UNKNOWN;

    static const struct {
        const char *text;
        ky_decision decision;
    } names[] = {
        {"対応要", KY_DECISION_RESPOND}, {"要対応", KY_DECISION_RESPOND},
        {"要", KY_DECISION_RESPOND}, {"対応必要", KY_DECISION_RESPOND},
        {"○", KY_DECISION_RESPOND}, {"yes", KY_DECISION_RESPOND},
        {"respond", KY_DECISION_RESPOND}, {"y", KY_DECISION_RESPOND},
        {"対応不要", KY_DECISION_ACCEPT}, {"不要", KY_DECISION_ACCEPT},
        {"×", KY_DECISION_ACCEPT}, {"no", KY_DECISION_ACCEPT},
        {"accept", KY_DECISION_ACCEPT}, {"n", KY_DECISION_ACCEPT},
    };
    ky_decision decision = KY_DECISION_UNKNOWN;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(text, names[i].text) == 0) {
            decision = names[i].decision;
            break;
        }
    }
    free(text);
    return decision;
}

/* ------------------------------------------------------------------------ */
/* Amounts, efforts and dates written as text                               */
/* ------------------------------------------------------------------------ */

/*
 * Return the length of a minus sign written as U+2212 (MINUS SIGN) or U+30FC
 * (KATAKANA-HIRAGANA PROLONGED SOUND MARK) directly before a digit, or 0.
 * A Japanese IME in kana mode types U+30FC for the minus key. A lone U+30FC,
 * which sheets use for "none", is not followed by a digit and so is no sign.
 */
static size_t wide_minus_length(const char *p)
{
    static const char *const signs[] = {"\xE2\x88\x92", "\xE3\x83\xBC"};
    for (size_t i = 0; i < sizeof signs / sizeof signs[0]; i++) {
        size_t len = strlen(signs[i]);
        if (strncmp(p, signs[i], len) == 0 && isdigit((unsigned char)p[len]))
            return len;
    }
    return 0;
}

/* Return true when exactly three digits follow, as after a thousands separator. */
static bool is_thousands_group(const char *p)
{
    return isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
           isdigit((unsigned char)p[2]) && !isdigit((unsigned char)p[3]);
}

/*
 * Read a decimal number with optional sign and "," thousands separators, from
 * text whose full-width ASCII is already folded. A comma counts as a
 * separator only before a group of three digits, so "1,2,3" is no number.
 * The sign may also be U+2212 or U+30FC (see wide_minus_length()).
 */
static bool read_number(const char **cursor, double *out)
{
    const char *p = *cursor;
    char digits[64];
    size_t n = 0;
    size_t minus = wide_minus_length(p);
    if (minus > 0) {
        digits[n++] = '-';
        p += minus;
    } else if (*p == '-' || *p == '+') {
        digits[n++] = *p++;
    }
    bool any = false;
    while (n < sizeof digits - 1) {
        if (isdigit((unsigned char)*p)) {
            digits[n++] = *p++;
            any = true;
        } else if (*p == ',' && any && is_thousands_group(p + 1)) {
            p++;
        } else if (*p == '.' && isdigit((unsigned char)p[1])) {
            digits[n++] = *p++;
        } else {
            break;
        }
    }
    if (!any)
        return false;
    digits[n] = '\0';
    *out = strtod(digits, NULL);
    *cursor = p;
    return true;
}

static void skip_spaces(const char **cursor)
{
    while (**cursor == ' ' || **cursor == '\t')
        (*cursor)++;
}

/* Consume `word` at the cursor when it is there. */
static bool accept(const char **cursor, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(*cursor, word, n) != 0)
        return false;
    *cursor += n;
    return true;
}

/* Read yen from folded, lower-cased text, or return NAN when it is something else. */
static double parse_yen(const char *text, double scale)
{
    const char *p = text;
    if (!accept(&p, "¥") && !accept(&p, "￥"))
        accept(&p, "\\");
    skip_spaces(&p);

    static const struct {
        const char *unit;
        double yen;
    } units[] = {{"百万", 1e6}, {"億", 1e8}, {"万", 1e4}, {"千", 1e3}};
    double total = 0;
    bool any_unit = false;
    for (;;) {
        double n;
        if (!read_number(&p, &n))
            return NAN;
        skip_spaces(&p);
        bool matched = false;
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
            if (accept(&p, units[i].unit)) {
                total += n * units[i].yen;
                matched = any_unit = true;
                break;
            }
        }
        if (!matched) {
            total += n;
            break;
        }
        skip_spaces(&p);
        if (!isdigit((unsigned char)*p))
            break;
    }
    bool has_yen = accept(&p, "円") || accept(&p, "yen") || accept(&p, "jpy");
    skip_spaces(&p);
    if (*p != '\0')
        return NAN;
    return (any_unit || has_yen) ? total : total * scale;
}

double ky_value__yen(const ky_cell *cell, double scale)
{
    if (scale <= 0)
        scale = 1;
    if (!cell)
        return NAN;
    if (cell->type == KY_CELL_NUMBER)
        return cell->number * scale;
    char *text = parse_form(cell);
    if (!text)
        return NAN;
    double yen = parse_yen(text, scale);
    free(text);
    return yen;
}

/*
 * Round an effort converted from another unit to 6 decimal places, so that
 * 12時間 reads as 0.075 person-months rather than the 0.07500000000000001
 * that binary floating point gives. A millionth of a person-month is under
 * a second of work at 8 hours a day and 20 days a month. Efforts of 1e9
 * person-months or more are returned as they are, because their product
 * with 1e6 would pass 2^53, where doubles stop holding every integer.
 */
static double round_effort(double months)
{
    if (!(fabs(months) < 1e9))
        return months;
    return round(months * 1e6) / 1e6;
}

/* Sizes of the effort units, in the order of their labels. */
enum { UNIT_HOUR, UNIT_DAY, UNIT_MONTH };

bool ky_value__effort_unit(const char *word, ky_unit_place place, double hours_per_day,
                           double days_per_month, ky_unit *out)
{
    static const struct {
        const char *word;
        int size;
        bool header_only; /* 16時 is a time of day and 3月 a month when written in a cell. */
    } units[] = {
        {"h", UNIT_HOUR, false}, {"hr", UNIT_HOUR, false}, {"hrs", UNIT_HOUR, false},
        {"hour", UNIT_HOUR, false}, {"hours", UNIT_HOUR, false},
        {"person-hour", UNIT_HOUR, false}, {"person-hours", UNIT_HOUR, false},
        {"man-hour", UNIT_HOUR, false}, {"man-hours", UNIT_HOUR, false},
        {"時", UNIT_HOUR, true}, {"時間", UNIT_HOUR, false}, {"人時", UNIT_HOUR, false},
        {"d", UNIT_DAY, false}, {"day", UNIT_DAY, false}, {"days", UNIT_DAY, false},
        {"md", UNIT_DAY, false}, {"person-day", UNIT_DAY, false},
        {"person-days", UNIT_DAY, false}, {"man-day", UNIT_DAY, false},
        {"man-days", UNIT_DAY, false}, {"日", UNIT_DAY, false}, {"人日", UNIT_DAY, false},
        {"mm", UNIT_MONTH, false}, {"pm", UNIT_MONTH, false}, {"month", UNIT_MONTH, false},
        {"months", UNIT_MONTH, false}, {"person-month", UNIT_MONTH, false},
        {"person-months", UNIT_MONTH, false}, {"man-month", UNIT_MONTH, false},
        {"man-months", UNIT_MONTH, false}, {"人月", UNIT_MONTH, false},
        {"月", UNIT_MONTH, true}, {"ヶ月", UNIT_MONTH, false}, {"か月", UNIT_MONTH, false},
        {"カ月", UNIT_MONTH, false}, {"ケ月", UNIT_MONTH, false},
    };
    double day = 1 / days_per_month;
    const ky_unit sizes[] = {
        [UNIT_HOUR] = {day / hours_per_day, KY_N_("hours")},
        [UNIT_DAY] = {day, KY_N_("days")},
        [UNIT_MONTH] = {1, KY_N_("person-months")},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(word, units[i].word) != 0)
            continue;
        if (units[i].header_only && place != KY_UNIT_IN_HEADER)
            return false;
        *out = sizes[units[i].size];
        return true;
    }
    return false;
}

/* Consume the longest entry of `words` at the cursor, or return -1. */
static int accept_longest(const char **cursor, const char *const *words, size_t count)
{
    int best = -1;
    size_t best_len = 0;
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(words[i]);
        if (len > best_len && strncmp(*cursor, words[i], len) == 0) {
            best = (int)i;
            best_len = len;
        }
    }
    *cursor += best_len;
    return best;
}

bool ky_value__amount_unit(const char *word, ky_unit *out)
{
    static const char *const multipliers[] = {"千", "k", "thousand", "万", "百万", "m",
                                              "million", "億"};
    static const ky_unit sizes[] = {
        {1e3, KY_N_("x 1,000 yen")}, {1e3, KY_N_("x 1,000 yen")},
        {1e3, KY_N_("x 1,000 yen")}, {1e4, KY_N_("x 10,000 yen")},
        {1e6, KY_N_("x 1,000,000 yen")}, {1e6, KY_N_("x 1,000,000 yen")},
        {1e6, KY_N_("x 1,000,000 yen")}, {1e8, KY_N_("x 100,000,000 yen")},
    };
    static const char *const currencies[] = {"円", "yen", "jpy", "¥", "￥"};

    const char *p = word;
    int multiplier = accept_longest(&p, multipliers, sizeof multipliers / sizeof multipliers[0]);
    skip_spaces(&p);
    int currency = accept_longest(&p, currencies, sizeof currencies / sizeof currencies[0]);
    if (*p != '\0' || (multiplier < 0 && currency < 0))
        return false;
    *out = multiplier >= 0 ? sizes[multiplier] : (ky_unit){1, KY_N_("yen")};
    return true;
}

/* Read person-months from folded, lower-cased text, or return NAN when it is something else. */
static double parse_effort(const char *text, double scale, double hours_per_day,
                           double days_per_month)
{
    const char *p = text;
    double n;
    if (!read_number(&p, &n))
        return NAN;
    skip_spaces(&p);
    double factor = scale;
    ky_unit unit;
    if (*p != '\0') {
        if (!ky_value__effort_unit(p, KY_UNIT_IN_CELL, hours_per_day, days_per_month, &unit))
            return NAN;
        factor = unit.factor;
    }
    return factor == 1 ? n : round_effort(n * factor);
}

double ky_value__effort(const ky_cell *cell, double scale, double hours_per_day,
                        double days_per_month)
{
    if (scale <= 0)
        scale = 1;
    if (!(hours_per_day > 0))
        hours_per_day = KY_HOURS_PER_DAY;
    if (!(days_per_month > 0))
        days_per_month = KY_DAYS_PER_MONTH;
    if (!cell)
        return NAN;
    if (cell->type == KY_CELL_NUMBER)
        return scale == 1 ? cell->number : round_effort(cell->number * scale);
    char *text = parse_form(cell);
    if (!text)
        return NAN;
    double months = parse_effort(text, scale, hours_per_day, days_per_month);
    free(text);
    return months;
}

double ky_value__person_months(const ky_cell *cell, double scale)
{
    return ky_value__effort(cell, scale, KY_HOURS_PER_DAY, KY_DAYS_PER_MONTH);
}

/* Read an unsigned number of 1 to `max_digits` digits. */
static bool read_int(const char **cursor, int max_digits, int *out)
{
    const char *p = *cursor;
    int value = 0;
    int digits = 0;
    while (isdigit((unsigned char)*p) && digits < max_digits) {
        value = value * 10 + (*p++ - '0');
        digits++;
    }
    if (digits == 0 || isdigit((unsigned char)*p))
        return false;
    *cursor = p;
    *out = value;
    return true;
}

/* Read an optional time of day ("10:30", "10:30:15", "10時30分"), or return false when malformed. */
static bool parse_time_part(const char *p, double *fraction)
{
    int hour = 0;
    int minute = 0;
    int second = 0;
    *fraction = 0;
    if (*p == 't')
        p++;
    skip_spaces(&p);
    if (*p == '\0')
        return true;
    if (!read_int(&p, 2, &hour))
        return false;
    if (accept(&p, ":")) {
        if (!read_int(&p, 2, &minute))
            return false;
        if (accept(&p, ":") && !read_int(&p, 2, &second))
            return false;
    } else if (accept(&p, "時")) {
        if (read_int(&p, 2, &minute) && !accept(&p, "分"))
            return false;
    } else {
        return false;
    }
    skip_spaces(&p);
    if (*p != '\0' || hour > 23 || minute > 59 || second > 59)
        return false;
    *fraction = (hour * 3600 + minute * 60 + second) / 86400.0;
    return true;
}

/* Tell a month outside 1-12 from a day that the month does not have. */
static ky_date_error check_month_day(int year, int month, int day)
{
    if (month < 1 || month > 12)
        return KY_DATE_NO_SUCH_MONTH;
    return ky_date_valid(year, month, day) ? KY_DATE_OK : KY_DATE_NO_SUCH_DAY;
}

/* Read "2024/4/1", "2024-04-01", "2024.4.1" or "2024年4月1日", with an optional time. */
static double parse_date_text(const char *text, ky_date_error *error)
{
    const char *p = text;
    int year;
    int month;
    int day;
    *error = KY_DATE_UNREADABLE;
    if (!read_int(&p, 4, &year))
        return NAN;

    bool kanji = accept(&p, "年");
    char separator = kanji ? '\0' : *p;
    if (!kanji) {
        if (separator != '/' && separator != '-' && separator != '.')
            return NAN;
        p++;
    }
    if (!read_int(&p, 2, &month))
        return NAN;
    if (kanji ? !accept(&p, "月") : *p++ != separator)
        return NAN;
    if (!read_int(&p, 2, &day))
        return NAN;
    if (kanji && !accept(&p, "日"))
        return NAN;

    double fraction;
    if (!parse_time_part(p, &fraction))
        return NAN;
    *error = check_month_day(year, month, day);
    if (*error != KY_DATE_OK)
        return NAN;
    return ky_date_to_serial(year, month, day) + fraction;
}

/*
 * Japanese eras from 明治 on, with the first day of each. Year N of an era
 * is its first year + N - 1, and the year of the era change belongs to both
 * eras (平成31年4月30日 and 令和元年5月1日). 明治 is taken to start on
 * 1868-01-01: the era was proclaimed on 1868-10-23 and applied to the whole
 * year, and Japan kept the lunar calendar until 明治5年 anyway.
 */
static const struct era {
    const char *kanji;
    char letter; /**< Lower case, because parse_form() lower-cases text. */
    int year;
    int month;
    int day;
} eras[] = {
    {"明治", 'm', 1868, 1, 1},
    {"大正", 't', 1912, 7, 30},
    {"昭和", 's', 1926, 12, 25},
    {"平成", 'h', 1989, 1, 8},
    {"令和", 'r', 2019, 5, 1},
};

#define ERA_COUNT (sizeof eras / sizeof eras[0])

/*
 * Consume the era at the start of folded text, by name ("平成") or by
 * letter before a digit ("h29"), and return its index in `eras`, or
 * ERA_COUNT when the text starts with none.
 */
static size_t read_era(const char **cursor, bool *kanji)
{
    for (size_t i = 0; i < ERA_COUNT; i++) {
        if (accept(cursor, eras[i].kanji)) {
            *kanji = true;
            return i;
        }
        if (**cursor == eras[i].letter && isdigit((unsigned char)(*cursor)[1])) {
            *kanji = false;
            (*cursor)++;
            return i;
        }
    }
    return ERA_COUNT;
}

/*
 * Read an era date: "平成29年12月31日", "令和元年5月1日", "H29.1.16", "h29/1/16"
 * or "R6-4-1", with an optional time. A date before the era began is
 * KY_DATE_BEFORE_ERA and one on or after the next era began is
 * KY_DATE_AFTER_ERA, never moved into another era.
 */
static double parse_era_date(const char *text, ky_date_error *error)
{
    const char *p = text;
    bool kanji = false;
    *error = KY_DATE_UNREADABLE;
    size_t era = read_era(&p, &kanji);
    if (era == ERA_COUNT)
        return NAN;
    skip_spaces(&p);

    int era_year;
    if (kanji && accept(&p, "元"))
        era_year = 1;
    else if (!read_int(&p, 2, &era_year))
        return NAN;

    int month;
    int day;
    char separator = '\0';
    if (kanji) {
        if (!accept(&p, "年"))
            return NAN;
    } else {
        separator = *p;
        if (separator != '.' && separator != '/' && separator != '-')
            return NAN;
        p++;
    }
    if (!read_int(&p, 2, &month))
        return NAN;
    if (kanji ? !accept(&p, "月") : *p++ != separator)
        return NAN;
    if (!read_int(&p, 2, &day))
        return NAN;
    if (kanji && !accept(&p, "日"))
        return NAN;
    double fraction;
    if (!parse_time_part(p, &fraction))
        return NAN;

    int year = eras[era].year + era_year - 1;
    if (era_year < 1) {
        *error = KY_DATE_BEFORE_ERA;
        return NAN;
    }
    *error = check_month_day(year, month, day);
    if (*error != KY_DATE_OK)
        return NAN;
    double serial = ky_date_to_serial(year, month, day);
    double first = ky_date_to_serial(eras[era].year, eras[era].month, eras[era].day);
    double next = era + 1 < ERA_COUNT
                      ? ky_date_to_serial(eras[era + 1].year, eras[era + 1].month, eras[era + 1].day)
                      : INFINITY;
    if (serial < first || serial >= next) {
        *error = serial < first ? KY_DATE_BEFORE_ERA : KY_DATE_AFTER_ERA;
        return NAN;
    }
    *error = KY_DATE_OK;
    return serial + fraction;
}

bool ky_value__era_bounds(const ky_cell *cell, ky_era_bounds *bounds)
{
    memset(bounds, 0, sizeof *bounds);
    char *text = parse_form(cell);
    if (!text)
        return false;
    const char *p = text;
    bool kanji = false;
    size_t era = read_era(&p, &kanji);
    free(text);
    if (era == ERA_COUNT)
        return false;

    bounds->name = eras[era].kanji;
    bounds->first_year = eras[era].year;
    bounds->first_month = eras[era].month;
    bounds->first_day = eras[era].day;
    if (era + 1 < ERA_COUNT) {
        const struct era *next = &eras[era + 1];
        double last = ky_date_to_serial(next->year, next->month, next->day) - 1;
        ky_serial_to_date(last, &bounds->last_year, &bounds->last_month, &bounds->last_day);
        bounds->last_era_year = bounds->last_year - eras[era].year + 1;
    }
    return true;
}

double ky_value__read_date(const ky_cell *cell, ky_date_error *error)
{
    ky_date_error ignored;
    if (!error)
        error = &ignored;
    *error = KY_DATE_UNREADABLE;
    if (!cell)
        return NAN;
    if (cell->type == KY_CELL_DATE) {
        *error = KY_DATE_OK;
        return cell->number;
    }
    if (cell->type == KY_CELL_NUMBER) {
        /* A plain number in a date column is a serial day if it can be one. */
        bool serial = cell->number >= 1 && cell->number < 2958466;
        *error = serial ? KY_DATE_OK : KY_DATE_UNREADABLE;
        return serial ? cell->number : NAN;
    }
    char *text = parse_form(cell);
    if (!text)
        return NAN;
    double serial = parse_date_text(text, error);
    if (*error == KY_DATE_UNREADABLE)
        serial = parse_era_date(text, error);
    if (*error == KY_DATE_UNREADABLE) {
        ky_date_kind kind;
        if (ky_parse_iso_date(text, strlen(text), &serial, &kind))
            *error = KY_DATE_OK;
        else
            serial = NAN;
    }
    free(text);
    return serial;
}

double ky_value__date(const ky_cell *cell)
{
    return ky_value__read_date(cell, NULL);
}

/* ------------------------------------------------------------------------ */
/* Lists                                                                    */
/* ------------------------------------------------------------------------ */

int ky_value__list_push(ky_strlist *list, const char *text, size_t len)
{
    char **items = realloc(list->items, (list->count + 1) * sizeof *items);
    if (!items)
        return KY_ENOMEM;
    list->items = items;
    items[list->count] = ky_strndup(text, len);
    if (!items[list->count])
        return KY_ENOMEM;
    list->count++;
    return 0;
}

static bool is_circled_number(uint32_t cp)
{
    return (cp >= 0x2460 && cp <= 0x2473) || (cp >= 0x2776 && cp <= 0x277F);
}

static bool is_digit_cp(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

/*
 * Return the bytes of a bullet at the start of `line` (with the spaces after
 * it), or 0 when the line has none. Numbers count as bullets only when a
 * mark follows them ("1.", "1)", "(1)") and no digit follows the mark, so
 * "3.5 時間" and "2024年" stay text.
 */
static size_t bullet_length(const char *line, size_t len)
{
    uint32_t cp;
    size_t i = ky_utf8_decode((const unsigned char *)line, len, &cp);
    bool bullet = false;

    static const uint32_t marks[] = {0x30FB, 0xFF65, 0x2022, 0x25CF, 0x25CB, 0x25A0, 0x25A1,
                                     0x25C6, 0x25C7, 0x2023, 0x2043, 0xFF0A, '*', 0xFF0D};
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++)
        bullet = bullet || cp == marks[k];
    if (is_circled_number(cp))
        bullet = true;

    uint32_t next = 0;
    if (i < len)
        ky_utf8_decode((const unsigned char *)line + i, len - i, &next);
    if (cp == '-' && !is_digit_cp(next))
        bullet = true;

    if (!bullet && (is_digit_cp(cp) || cp == '(' || cp == 0xFF08)) {
        bool open = !is_digit_cp(cp);
        size_t j = open ? i : 0;
        size_t digits = 0;
        while (j < len) {
            size_t n = ky_utf8_decode((const unsigned char *)line + j, len - j, &cp);
            if (!is_digit_cp(cp))
                break;
            j += n;
            digits++;
        }
        if (digits == 0 || digits > 2 || j >= len)
            return 0;
        j += ky_utf8_decode((const unsigned char *)line + j, len - j, &cp);
        bool closes = cp == ')' || cp == 0xFF09;
        if (open ? !closes : !(closes || cp == '.' || cp == 0xFF0E || cp == 0x3001))
            return 0;
        next = 0;
        if (j < len)
            ky_utf8_decode((const unsigned char *)line + j, len - j, &next);
        if (is_digit_cp(next))
            return 0;
        i = j;
        bullet = true;
    }
    if (!bullet)
        return 0;

    while (i < len) {
        size_t n = ky_utf8_decode((const unsigned char *)line + i, len - i, &cp);
        if (!is_space(cp))
            break;
        i += n;
    }
    return i;
}

/* Append one item, trimmed, or several when `split_commas` is set. */
static int push_item(ky_strlist *out, const char *text, size_t len, bool split_commas)
{
    size_t start = 0;
    size_t i = 0;
    while (i <= len) {
        uint32_t cp = 0;
        size_t n = 1;
        if (i < len)
            n = ky_utf8_decode((const unsigned char *)text + i, len - i, &cp);
        bool separator = i == len ||
                         (split_commas && (cp == 0x3001 || cp == ',' || cp == 0xFF0C ||
                                           cp == ';' || cp == 0xFF1B));
        if (separator) {
            size_t first;
            size_t last;
            trim_span(text + start, i - start, &first, &last);
            if (last > first) {
                int status = ky_value__list_push(out, text + start + first, last - first);
                if (status != 0)
                    return status;
            }
            start = i + n;
        }
        i += n;
    }
    return 0;
}

typedef struct line_span {
    size_t start;
    size_t end;
} line_span;

/* Split text into lines at line breaks and before circled numbers. */
static int split_lines(const char *text, size_t len, line_span **out, size_t *count)
{
    size_t cap = 8;
    line_span *lines = malloc(cap * sizeof *lines);
    if (!lines)
        return KY_ENOMEM;
    size_t n_lines = 0;
    size_t start = 0;
    size_t i = 0;
    while (i <= len) {
        uint32_t cp = 0;
        size_t n = 1;
        if (i < len)
            n = ky_utf8_decode((const unsigned char *)text + i, len - i, &cp);
        bool brk = i == len || cp == '\n' || cp == '\r' || cp == 0x2028;
        bool circled = i > start && is_circled_number(cp);
        if (brk || circled) {
            if (n_lines == cap) {
                cap *= 2;
                line_span *grown = realloc(lines, cap * sizeof *lines);
                if (!grown) {
                    free(lines);
                    return KY_ENOMEM;
                }
                lines = grown;
            }
            lines[n_lines].start = start;
            lines[n_lines].end = i;
            n_lines++;
            start = brk ? i + n : i;
        }
        i += n;
    }
    *out = lines;
    *count = n_lines;
    return 0;
}

int ky_value__split_list(const char *text, bool split_commas, ky_strlist *out)
{
    if (!text)
        return 0;
    line_span *lines;
    size_t count;
    int status = split_lines(text, strlen(text), &lines, &count);
    if (status != 0)
        return status;

    bool bulleted = false;
    for (size_t k = 0; k < count && !bulleted; k++) {
        size_t first;
        size_t last;
        trim_span(text + lines[k].start, lines[k].end - lines[k].start, &first, &last);
        bulleted = bullet_length(text + lines[k].start + first, last - first) > 0;
    }

    /* Collect each item in `item`. In bulleted mode a line without a bullet
       continues the current item, and the lines without one above the first
       bulleted line are a lead-in, which out->lead_in counts when the list
       starts with it. */
    ky_buf item = {0};
    size_t count_before = out->count;
    bool in_lead_in = false;
    for (size_t k = 0; k < count && status == 0; k++) {
        size_t first;
        size_t last;
        trim_span(text + lines[k].start, lines[k].end - lines[k].start, &first, &last);
        const char *line = text + lines[k].start + first;
        size_t len = last - first;
        if (len == 0)
            continue;
        size_t bullet = bulleted ? bullet_length(line, len) : 0;
        bool starts_item = !bulleted || bullet > 0 || item.len == 0;
        if (starts_item && item.len > 0) {
            status = push_item(out, item.data, item.len, split_commas);
            if (in_lead_in && count_before == 0)
                out->lead_in = out->count;
            ky_buf_clear(&item);
        } else if (!starts_item && status == 0) {
            status = ky_buf_putc(&item, '\n');
        }
        if (starts_item)
            in_lead_in = bulleted && bullet == 0;
        if (status == 0)
            status = ky_buf_append(&item, line + bullet, len - bullet);
    }
    if (status == 0 && item.len > 0)
        status = push_item(out, item.data, item.len, split_commas);
    ky_buf_free(&item);
    free(lines);
    return status;
}

/* ------------------------------------------------------------------------ */
/* Lesson ids in countermeasures                                            */
/* ------------------------------------------------------------------------ */

/*
 * Read the ids in a bracket that opens just before `text`: letters then
 * digits, separated by commas, 、 or spaces, then a closing bracket. Return
 * the bytes up to and including the closing bracket, or 0 when the bracket
 * contains anything else.
 */
static size_t read_id_bracket(const char *text, size_t len, ky_strlist *ids, size_t *id_count)
{
    size_t i = 0;
    size_t found = 0;
    char id[32];
    uint32_t cp;
    for (;;) {
        while (i < len) {
            size_t n = ky_value__next(text + i, len - i, &cp);
            if (cp != ' ' && cp != ',' && cp != 0x3001 && cp != 0xFF0C)
                break;
            i += n;
        }
        if (i >= len)
            return 0;
        size_t n = ky_value__next(text + i, len - i, &cp);
        if (cp == ')' && found > 0) {
            *id_count = found;
            return i + n;
        }

        size_t letters = 0;
        size_t digits = 0;
        size_t used = 0;
        while (i < len) {
            n = ky_value__next(text + i, len - i, &cp);
            bool letter = (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
            bool digit = cp >= '0' && cp <= '9';
            if (letter && digits == 0 && letters < 3)
                letters++;
            else if (digit && letters > 0 && digits < 6)
                digits++;
            else
                break;
            id[used++] = letter ? (char)toupper((int)cp) : (char)cp;
            i += n;
        }
        if (letters == 0 || digits == 0)
            return 0;
        if (ky_value__list_push(ids, id, used) != 0)
            return 0;
        found++;
    }
}

int ky_value__take_lesson_ids(const char *text, char **rest, ky_strlist *ids)
{
    *rest = NULL;
    if (!text)
        return 0;
    size_t len = strlen(text);
    ky_buf kept = {0};
    size_t i = 0;
    int status = 0;
    while (i < len && status == 0) {
        uint32_t cp;
        size_t n = ky_value__next(text + i, len - i, &cp);
        if (cp == '(') {
            size_t before = ids->count;
            size_t found = 0;
            size_t used = read_id_bracket(text + i + n, len - i - n, ids, &found);
            if (used > 0) {
                i += n + used;
                continue;
            }
            /* Drop ids a failed bracket had already pushed. */
            while (ids->count > before)
                free(ids->items[--ids->count]);
        }
        status = ky_buf_append(&kept, text + i, n);
        i += n;
    }
    if (status == 0) {
        *rest = ky_value__trim(kept.data ? kept.data : "", kept.len);
        if (!*rest)
            status = KY_ENOMEM;
    }
    ky_buf_free(&kept);
    return status;
}
