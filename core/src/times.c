/* SPDX-License-Identifier: MIT */
/*
 * Reading the times of an incident status table (see times.h for the forms).
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "times.h"
#include "values.h"

/* Part of the day named before or after the hour; it decides how the hour reads. */
typedef enum period {
    PERIOD_NONE = 0,
    PERIOD_AM,       /* 午前, AM: 12 is midnight. */
    PERIOD_MORNING,  /* 朝, 早朝: the hour as written. */
    PERIOD_NOON,     /* 昼: 1-5 are afternoon hours. */
    PERIOD_PM,       /* 午後, PM: 1-11 are 13-23. */
    PERIOD_EVENING,  /* 夕方, 夜, 晩: like PM, and 12 is midnight of the next day. */
    PERIOD_NIGHT     /* 深夜, 未明: 6-11 are 18-23, 12 is 0. */
} period;

/* Advance *p past `word` when the text continues with it. */
static bool take(const char **p, const char *word)
{
    size_t len = strlen(word);
    if (strncmp(*p, word, len) != 0)
        return false;
    *p += len;
    return true;
}

static void skip_spaces(const char **p)
{
    while (**p == ' ' || **p == '\t')
        (*p)++;
}

/* Read the day words at *p into `clock`. */
static void read_day(const char **p, ky_clock *clock)
{
    skip_spaces(p);
    if (take(p, "翌日") || take(p, "翌")) {
        clock->day = 1;
        clock->day_given = true;
    } else if (take(p, "前日")) {
        clock->day = -1;
        clock->day_given = true;
    } else if (take(p, "当日") || take(p, "同日")) {
        clock->day = 0;
        clock->day_given = true;
    }
    skip_spaces(p);
}

static period read_period(const char **p)
{
    skip_spaces(p);
    static const struct {
        const char *word;
        period value;
    } words[] = {
        {"午前", PERIOD_AM},     {"AM", PERIOD_AM},        {"am", PERIOD_AM},
        {"A.M.", PERIOD_AM},     {"a.m.", PERIOD_AM},      {"早朝", PERIOD_MORNING},
        {"朝", PERIOD_MORNING},  {"午後", PERIOD_PM},      {"PM", PERIOD_PM},
        {"pm", PERIOD_PM},       {"P.M.", PERIOD_PM},      {"p.m.", PERIOD_PM},
        {"夕方", PERIOD_EVENING}, {"夕刻", PERIOD_EVENING}, {"夜間", PERIOD_EVENING},
        {"夜", PERIOD_EVENING},  {"晩", PERIOD_EVENING},   {"深夜", PERIOD_NIGHT},
        {"未明", PERIOD_NIGHT},  {"昼", PERIOD_NOON},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (take(p, words[i].word)) {
            skip_spaces(p);
            return words[i].value;
        }
    }
    return PERIOD_NONE;
}

/* Read one or two digits; return -1 when there is none. */
static int read_number(const char **p)
{
    if (!isdigit((unsigned char)**p))
        return -1;
    int value = *(*p)++ - '0';
    if (isdigit((unsigned char)**p))
        value = value * 10 + (*(*p)++ - '0');
    return isdigit((unsigned char)**p) ? -1 : value;
}

/* Read "H:MM", "H時", "H時M分" or "H時半" into hour and minute; return false when none is there. */
static bool read_hour_minute(const char **p, int *hour, int *minute)
{
    *hour = read_number(p);
    if (*hour < 0)
        return false;
    *minute = 0;
    if (take(p, ":")) {
        *minute = read_number(p);
        if (*minute < 0)
            return false;
        if (take(p, ":") && read_number(p) < 0)
            return false;
    } else if (take(p, "時")) {
        /* "24時間" is a duration, not a time of day. */
        if (strncmp(*p, "間", strlen("間")) == 0)
            return false;
        if (take(p, "半")) {
            *minute = 30;
        } else {
            const char *start = *p;
            int value = read_number(p);
            if (value >= 0 && take(p, "分"))
                *minute = value;
            else
                *p = start;
        }
    } else {
        return false;
    }
    return *minute < 60;
}

/* Turn an hour read after `when` into an hour of the day, moving to the next day for 夜12時; -1 when impossible. */
static int day_hour(int hour, period when, int *day)
{
    if (hour > 23)
        return -1;
    switch (when) {
    case PERIOD_AM:
        return hour <= 12 ? hour % 12 : -1;
    case PERIOD_MORNING:
        return hour <= 12 ? hour : -1;
    case PERIOD_NOON:
        if (hour >= 1 && hour <= 5)
            return hour + 12;
        return hour;
    case PERIOD_PM:
        if (hour < 12)
            return hour + 12;
        return hour;
    case PERIOD_EVENING:
        if (hour == 12) {
            (*day)++;
            return 0;
        }
        if (hour < 12)
            return hour + 12;
        return hour;
    case PERIOD_NIGHT:
        if (hour == 12)
            return 0;
        if (hour >= 6 && hour < 12)
            return hour + 12;
        return hour;
    case PERIOD_NONE:
        break;
    }
    return hour;
}

/*
 * Read a date written before the time ("2024/4/1 16:00", "4月1日 朝8時") into
 * `clock` as a serial day and advance *p past it and the space after it.
 */
static void read_leading_date(const char **p, ky_clock *clock)
{
    const char *space = strchr(*p, ' ');
    if (!space || space == *p)
        return;
    ky_cell cell = {.type = KY_CELL_TEXT, .text = *p, .len = (size_t)(space - *p)};
    double serial = ky_value__date(&cell);
    if (isnan(serial) || serial < 1 || serial > INT_MAX)
        return;
    clock->day = (int)floor(serial);
    clock->dated = true;
    *p = space;
}

bool ky_time__read_text(const char *text, size_t len, ky_clock *clock)
{
    memset(clock, 0, sizeof *clock);
    clock->minutes = -1;
    char *folded = text ? ky_value__fold_width(text, len) : NULL;
    if (!folded)
        return false;

    const char *p = folded;
    read_leading_date(&p, clock);
    read_day(&p, clock);
    if (take(&p, "正午")) {
        clock->minutes = 12 * 60;
        free(folded);
        return true;
    }
    period when = read_period(&p);
    int hour = 0;
    int minute = 0;
    bool read = read_hour_minute(&p, &hour, &minute);
    if (read && when == PERIOD_NONE) {
        skip_spaces(&p);
        period after = read_period(&p);
        when = after == PERIOD_AM || after == PERIOD_PM ? after : PERIOD_NONE;
    }
    free(folded);
    if (!read)
        return false;

    /* Hours 24-29 are the small hours of the next day, as timetables write them. */
    if (when == PERIOD_NONE && hour >= 24 && hour <= 29) {
        hour -= 24;
        clock->day++;
        clock->day_given = true;
    }
    hour = day_hour(hour, when, &clock->day);
    if (hour < 0)
        return false;
    clock->minutes = hour * 60 + minute;
    return true;
}

bool ky_time__read_cell(const ky_cell *cell, ky_clock *clock)
{
    memset(clock, 0, sizeof *clock);
    clock->minutes = -1;
    if (!cell)
        return false;
    if (cell->type == KY_CELL_TEXT)
        return ky_time__read_text(cell->text, cell->len, clock);

    bool time_cell = cell->type == KY_CELL_DATE && cell->date_kind != KY_DATE_DATE;
    bool fraction = cell->type == KY_CELL_NUMBER && cell->number >= 0 && cell->number < 1;
    if (!time_cell && !fraction)
        return false;
    /* Round to the minute first, so that 23:59:59.9 does not become minute 1440. */
    double total = round(cell->number * 24 * 60);
    if (!isfinite(total) || total < 0 || total > (double)INT_MAX)
        return false;
    long long minutes = (long long)total;
    clock->day = (int)(minutes / (24 * 60));
    clock->minutes = (int)(minutes % (24 * 60));
    clock->dated = cell->date_kind == KY_DATE_DATETIME;
    clock->day_given = time_cell && clock->day > 0;
    return true;
}
