/* SPDX-License-Identifier: MIT */
/*
 * Typed cell values as ODF stores them in attributes: xsd:double numbers,
 * ISO 8601 durations of time cells, and the error names that formula cells
 * show in place of a value.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ods.h"

/* Largest duration accepted, in days: ky_format_date() prints serials below 2,958,466. */
#define MAX_DURATION_DAYS 2958465.0

bool ky_ods__parse_number(const char *text, double *out)
{
    return ky_parse_number(text, strlen(text), out);
}

/* Read a run of digits as an integer of at most 12 digits; advance on success. */
static bool read_integer(const char **p, uint64_t *value)
{
    uint64_t v = 0;
    int digits = 0;
    while (**p >= '0' && **p <= '9') {
        if (++digits > 12)
            return false;
        v = v * 10 + (uint64_t)(**p - '0');
        (*p)++;
    }
    *value = v;
    return digits > 0;
}

/* Read one duration component such as "26H" or "12.13S": digits, an optional fraction, a unit. */
static bool read_component(const char **p, uint64_t *whole, double *fraction, char *unit)
{
    if (!read_integer(p, whole))
        return false;
    *fraction = 0;
    if (**p == '.' || **p == ',') {
        (*p)++;
        double scale = 0.1;
        while (**p >= '0' && **p <= '9') {
            *fraction += (**p - '0') * scale;
            scale /= 10;
            (*p)++;
        }
    }
    *unit = **p;
    if (*unit == '\0')
        return false;
    (*p)++;
    return true;
}

bool ky_ods__parse_duration(const char *text, double *days)
{
    const char *p = text;
    bool negative = *p == '-';
    if (negative)
        p++;
    if (*p++ != 'P')
        return false;

    /* Years and months have no fixed length, so only days and the time part are taken. */
    uint64_t day_count = 0, hours = 0, minutes = 0, seconds = 0;
    double fraction = 0;
    bool any = false;
    if (*p >= '0' && *p <= '9') {
        char unit;
        if (!read_component(&p, &day_count, &fraction, &unit) || unit != 'D' || fraction != 0)
            return false;
        any = true;
    }
    if (*p == 'T') {
        p++;
        /* H, M and S come in this order, each at most once, and only seconds take a fraction. */
        const char *units = "HMS";
        while (*p != '\0') {
            uint64_t whole;
            double part;
            char unit;
            if (!read_component(&p, &whole, &part, &unit))
                return false;
            const char *at = strchr(units, unit);
            if (!at || (part != 0 && unit != 'S'))
                return false;
            if (unit == 'H')
                hours = whole;
            else if (unit == 'M')
                minutes = whole;
            else {
                seconds = whole;
                fraction = part;
            }
            units = at + 1;
            any = true;
        }
        if (units[0] == 'H')
            return false; /* "PT" with nothing after it */
    }
    if (!any || *p != '\0')
        return false;

    /* Whole seconds are summed as integers so that large hour counts keep their fraction. */
    double total_seconds = (double)(day_count * 86400 + hours * 3600 + minutes * 60 + seconds)
                           + fraction;
    double value = total_seconds / 86400.0;
    if (value > MAX_DURATION_DAYS)
        return false;
    *days = negative ? -value : value;
    return true;
}

/* An error name and the spellings that localised spreadsheets show for it. */
typedef struct error_spelling {
    const char *english;
    const char *localised[5];
} error_spelling;

/*
 * The seven standard errors in English, German, French, Spanish and Italian,
 * as Excel and LibreOffice display them. Japanese versions show the English names.
 */
static const error_spelling ERRORS[] = {
    {"#NULL!", {"#NULL!", "#NUL!", "#¡NULO!", "#NULLO!", NULL}},
    {"#DIV/0!", {"#DIV/0!", "#¡DIV/0!", NULL}},
    {"#VALUE!", {"#WERT!", "#VALEUR!", "#¡VALOR!", "#VALORE!", NULL}},
    {"#REF!", {"#BEZUG!", "#¡REF!", "#RIF!", NULL}},
    {"#NAME?", {"#NOM?", "#¿NOMBRE?", "#NOME?", NULL}},
    {"#NUM!", {"#ZAHL!", "#NOMBRE!", "#¡NUM!", NULL}},
    {"#N/A", {"#NV", "#N/D", NULL}},
};

const char *ky_ods__error_name(const char *text)
{
    for (size_t i = 0; i < sizeof ERRORS / sizeof ERRORS[0]; i++) {
        if (strcmp(text, ERRORS[i].english) == 0)
            return ERRORS[i].english;
        for (size_t j = 0; ERRORS[i].localised[j]; j++)
            if (strcmp(text, ERRORS[i].localised[j]) == 0)
                return ERRORS[i].english;
    }

    /* LibreOffice shows errors without a standard name as "Err:" and a number. */
    if (strncmp(text, "Err:", 4) == 0 && text[4] != '\0') {
        const char *p = text + 4;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == '\0')
            return text;
    }
    return NULL;
}
