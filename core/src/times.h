/* SPDX-License-Identifier: MIT */
/*
 * Times of day as incident status tables write them in their first column:
 * "16:00", "朝４時", "翌 AM1:30", "午後3時半", "25:10", or a time cell.
 */
#ifndef KYOKUN_TIMES_H
#define KYOKUN_TIMES_H

#include <stdbool.h>

#include "kyokun/table.h"

/** A time of day read from a status table, with the day it belongs to. */
typedef struct ky_clock {
    int day;        /**< 1 after 翌 or for hours 24-29, -1 after 前日, else 0. */
    bool day_given; /**< The text named the day (翌, 前日, 当日) or an hour past 23. */
    int minutes;    /**< Minutes after midnight of `day`, 0-1439, or -1 when no time was read. */
    bool dated;     /**< A date came with the time: `day` is its serial day (1900 system), not an offset. */
} ky_clock;

/**
 * @brief Read the time at the start of a text. Full-width digits and signs
 *        are read as ASCII. The accepted forms:
 *        - the number: H:MM (seconds ignored), H時, H時M分 or H時半;
 *        - before it, 午前/AM/朝/早朝 for hours 0-12;
 *        - 午後/PM/夕方/夜/晩, which make 1-11 into 13-23 (夜12時 is midnight of
 *          the next day), 昼, which makes 1-5 into 13-17, and 深夜/未明, which
 *          make 6-11 into 18-23 and 12 into 0;
 *        - AM or PM after the number;
 *        - 翌/翌日/前日/当日/同日 before all of it, or a date and a space
 *          ("2024/4/1 16:00", which sets `dated`).
 *        Text after the time ("9:00～10:00", "16:00 復旧") is ignored, and
 *        "正午" is 12:00.
 * @return true when a time was read; otherwise `clock->minutes` is -1, and
 *         `clock->day` still contains a day the text named ("翌日 未定").
 */
KY_EXPORT bool ky_time__read_text(const char *text, size_t len, ky_clock *clock);

/**
 * @brief Read the time of a cell. Text is read as ky_time__read_text() reads
 *        it. A time cell of 24 hours or more moves to the next days, and a
 *        date-time cell sets `dated`. A number from 0 to 1 is Excel's fraction of a day.
 */
KY_EXPORT bool ky_time__read_cell(const ky_cell *cell, ky_clock *clock);

#endif
