/* SPDX-License-Identifier: MIT */
/* Serial days, civil dates and ISO 8601 text. */
#include "formats/ky_date.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long days_from_civil(long y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Inverse of days_from_civil. */
static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

/* 1899-12-30 as days from 1970-01-01. */
#define SERIAL_EPOCH_DAYS (-25569L)

double ky_date_to_serial(int year, int month, int day)
{
    return (double)(days_from_civil(year, month, day) - SERIAL_EPOCH_DAYS);
}

bool ky_serial_to_date(double serial, int *year, int *month, int *day)
{
    if (!(serial > -693593.0 && serial < 2958466.0))
        return false;
    long days = (long)floor(serial) + SERIAL_EPOCH_DAYS;
    civil_from_days(days, year, month, day);
    return true;
}

bool ky_date_valid(int year, int month, int day)
{
    static const int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
        return false;
    int length = lengths[month - 1];
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && leap)
        length = 29;
    return day <= length;
}

/* Append ":ss" with up to six fraction digits, trailing zeros removed. */
static void format_seconds(char *out, size_t size, long seconds, long micros)
{
    if (micros == 0) {
        snprintf(out, size, "%02ld", seconds);
        return;
    }
    char fraction[8];
    snprintf(fraction, sizeof fraction, "%06ld", micros);
    size_t n = strlen(fraction);
    while (n > 0 && fraction[n - 1] == '0')
        fraction[--n] = '\0';
    snprintf(out, size, "%02ld.%s", seconds, fraction);
}

char *ky_format_date(double serial, ky_date_kind kind, char out[40])
{
    if (!(serial > -693593.0 && serial < 2958466.0))
        return NULL;
    /* Whole days and the fraction are split first so that the day count does
     * not eat the precision of the time. A serial near 45000 still carries an
     * error of about 1 microsecond, so values within 2 microseconds of a whole
     * millisecond (the resolution spreadsheets store) snap to it. */
    long long per_day = 86400000000LL;
    double whole_days = floor(serial);
    long long days = (long long)whole_days;
    long long rest = (long long)floor((serial - whole_days) * 86400e6 + 0.5);
    long long nearest_ms = (rest + 500) / 1000 * 1000;
    if (llabs(rest - nearest_ms) <= 2)
        rest = nearest_ms;
    if (rest >= per_day) {
        rest -= per_day;
        days += 1;
    }
    long hours = (long)(rest / 3600000000LL);
    long minutes = (long)(rest / 60000000LL % 60);
    long seconds = (long)(rest / 1000000LL % 60);
    long micros = (long)(rest % 1000000LL);
    char sec[16];
    format_seconds(sec, sizeof sec, seconds, micros);

    char text[96];
    if (kind == KY_DATE_TIME) {
        snprintf(text, sizeof text, "%02ld:%02ld:%s", hours + (long)days * 24, minutes, sec);
    } else {
        int y, m, d;
        civil_from_days((long)days + SERIAL_EPOCH_DAYS, &y, &m, &d);
        if (kind == KY_DATE_DATE)
            snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
        else
            snprintf(text, sizeof text, "%04d-%02d-%02dT%02ld:%02ld:%s", y, m, d, hours, minutes,
                     sec);
    }
    if (strlen(text) >= 40)
        return NULL;
    strcpy(out, text);
    return out;
}

/* Read exactly `n` digits at *p; advance on success. */
static bool read_digits(const char **p, const char *end, int n, int *value)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (*p + i >= end || (*p)[i] < '0' || (*p)[i] > '9')
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *value = v;
    return true;
}

/* Parse "hh:mm[:ss[.fff]]" into a fraction of a day. */
static bool parse_time(const char **p, const char *end, double *fraction)
{
    int h, mi, s = 0;
    if (!read_digits(p, end, 2, &h) || *p >= end || **p != ':')
        return false;
    (*p)++;
    if (!read_digits(p, end, 2, &mi))
        return false;
    double frac_seconds = 0;
    if (*p < end && **p == ':') {
        (*p)++;
        if (!read_digits(p, end, 2, &s))
            return false;
        if (*p < end && (**p == '.' || **p == ',')) {
            (*p)++;
            double scale = 0.1;
            while (*p < end && **p >= '0' && **p <= '9') {
                frac_seconds += (**p - '0') * scale;
                scale /= 10;
                (*p)++;
            }
        }
    }
    if (h > 24 || mi > 59 || s > 60)
        return false;
    *fraction = (h * 3600.0 + mi * 60.0 + s + frac_seconds) / 86400.0;
    return true;
}

bool ky_parse_iso_date(const char *text, size_t len, double *serial, ky_date_kind *kind)
{
    const char *p = text, *end = text + len;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;

    /* A time alone: "10:10:10". */
    if (end - p >= 5 && p[2] == ':') {
        double fraction;
        if (!parse_time(&p, end, &fraction) || p != end)
            return false;
        *serial = fraction;
        *kind = KY_DATE_TIME;
        return true;
    }

    int y, m, d;
    if (!read_digits(&p, end, 4, &y) || p >= end || *p++ != '-' || !read_digits(&p, end, 2, &m)
        || p >= end || *p++ != '-' || !read_digits(&p, end, 2, &d))
        return false;
    if (!ky_date_valid(y, m, d))
        return false;
    double value = ky_date_to_serial(y, m, d);
    if (p == end) {
        *serial = value;
        *kind = KY_DATE_DATE;
        return true;
    }
    if (*p != 'T' && *p != ' ')
        return false;
    p++;
    double fraction;
    if (!parse_time(&p, end, &fraction))
        return false;
    /* A zone designator is accepted and ignored: spreadsheets hold local times. */
    if (p < end && (*p == 'Z' || *p == '+' || *p == '-'))
        p = end;
    if (p != end)
        return false;
    *serial = value + fraction;
    *kind = KY_DATE_DATETIME;
    return true;
}
