/* SPDX-License-Identifier: MIT */
/*
 * Date conversions: Excel serial days (1900 and 1904 systems), civil dates
 * and ISO 8601 text.
 */
#ifndef KYOKUN_FORMATS_DATE_H
#define KYOKUN_FORMATS_DATE_H

#include <stdbool.h>

#include "kyokun/common.h"
#include "kyokun/table.h"

/** Days between the 1904 epoch and the 1900 epoch (add to a 1904 serial). */
#define KY_DATE_1904_OFFSET 1462

/**
 * @brief Convert a civil date to a serial day in the 1900 system (day 0 is
 *        1899-12-30, so 1900-03-01 is 61, as in Excel past its 1900-02-29 bug).
 */
KY_EXPORT double ky_date_to_serial(int year, int month, int day);

/**
 * @brief Split a serial day into a civil date. Fractions are ignored.
 * @return false when the serial is out of range (before year 1 or after 9999).
 */
KY_EXPORT bool ky_serial_to_date(double serial, int *year, int *month, int *day);

/** @brief Return true when y-m-d is a real calendar date (proleptic Gregorian). */
KY_EXPORT bool ky_date_valid(int year, int month, int day);

/**
 * @brief Format a date cell value as ISO 8601 text: "2024-04-01" for
 *        KY_DATE_DATE, "2024-04-01T09:30:00" for KY_DATE_DATETIME, "09:30:00"
 *        for KY_DATE_TIME. Seconds keep up to six fraction digits, without
 *        trailing zeros ("10:10:10.123456"). The value is rounded to the
 *        nearest microsecond first.
 * @param out Buffer of at least 40 bytes.
 * @return out, or NULL when the serial is out of range.
 */
KY_EXPORT char *ky_format_date(double serial, ky_date_kind kind, char out[40]);

/**
 * @brief Parse ISO 8601 text ("2024-04-01", "2024-04-01T10:10:10",
 *        "10:10:10.5", with optional "Z" or offset ignored).
 * @return true and the serial and kind on success.
 */
KY_EXPORT bool ky_parse_iso_date(const char *text, size_t len, double *serial,
                                 ky_date_kind *kind);

#endif
