/* SPDX-License-Identifier: MIT */
/*
 * Number format classification: built-in ids by table, format codes by a
 * small tokenizer that keeps only the date and time codes.
 */
#include "formats/ky_numfmt.h"

#include <stdbool.h>
#include <string.h>

/* Date and time codes kept from one section, at most (longer codes are cut). */
#define MAX_TOKENS 64

ky_numfmt_kind ky_numfmt_builtin_kind(unsigned id)
{
    /*
     * Excel writes these ids without their codes. 14-17 are dates, 18-21
     * times, 22 a date and time, 45 mm:ss, 46 [h]:mm:ss and 47 mmss.0.
     * Japanese Excel adds 27-31, 34-36 and 50-58 (era and 年月日 dates) and
     * 32-33 (時分 times).
     */
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36)
        || (id >= 50 && id <= 58))
        return KY_NUMFMT_DATE;
    if ((id >= 18 && id <= 21) || id == 32 || id == 33 || id == 45 || id == 47)
        return KY_NUMFMT_TIME;
    if (id == 22)
        return KY_NUMFMT_DATETIME;
    if (id == 46)
        return KY_NUMFMT_DURATION;
    return KY_NUMFMT_NUMBER;
}

/* ASCII lower case of one byte. */
static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Return true when the text at p (n bytes left) starts with word, ignoring ASCII case. */
static bool starts_with_word(const char *p, size_t n, const char *word)
{
    size_t len = strlen(word);
    if (n < len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (lower(p[i]) != word[i])
            return false;
    return true;
}

/* Return true when a bracketed tag such as "h", "hh", "mm" or "ss" is an elapsed-time code. */
static bool is_elapsed_tag(const char *tag, size_t len)
{
    if (len == 0)
        return false;
    char first = lower(tag[0]);
    if (first != 'h' && first != 'm' && first != 's')
        return false;
    for (size_t i = 1; i < len; i++)
        if (lower(tag[i]) != first)
            return false;
    return true;
}

ky_numfmt_kind ky_numfmt_code_kind(const char *code, size_t len)
{
    /* Token letters: y m d h s for those codes, e for an era year (g, e, b),
     * w for a weekday name (aaa), p for AM/PM or A/P. */
    char tokens[MAX_TOKENS];
    size_t count = 0;
    bool elapsed = false;

    const char *p = code, *end = code + len;
    while (p < end && *p != ';') {
        char c = lower(*p);
        size_t left = (size_t)(end - p);

        /* Literal text, escaped characters, padding and fill characters. */
        if (c == '"') {
            p++;
            while (p < end && *p != '"')
                p++;
            if (p < end)
                p++;
            continue;
        }
        if (c == '\\' || c == '_' || c == '*') {
            p += left >= 2 ? 2 : 1;
            continue;
        }

        /* Colours, locale tags, conditions, or an elapsed-time code. */
        if (c == '[') {
            const char *close = memchr(p, ']', left);
            if (!close)
                break;
            if (is_elapsed_tag(p + 1, (size_t)(close - p - 1)))
                elapsed = true;
            p = close + 1;
            continue;
        }

        if (starts_with_word(p, left, "general")) {
            p += 7;
            continue;
        }
        if (starts_with_word(p, left, "am/pm")) {
            if (count < MAX_TOKENS)
                tokens[count++] = 'p';
            p += 5;
            continue;
        }
        if (starts_with_word(p, left, "a/p")) {
            if (count < MAX_TOKENS)
                tokens[count++] = 'p';
            p += 3;
            continue;
        }

        /* Scientific notation: E+ or E- after digits is an exponent, not an era. */
        if (c == 'e' && left >= 2 && (p[1] == '+' || p[1] == '-')) {
            p += 2;
            continue;
        }

        char token = 0;
        switch (c) {
        case 'y':
        case 'm':
        case 'd':
        case 'h':
        case 's':
            token = c;
            break;
        case 'g':
        case 'e':
        case 'b':
            token = 'e';
            break;
        case 'a':
            token = 'w';
            break;
        default:
            break;
        }
        p++;
        if (!token)
            continue;

        /* A run of the same letter ("yyyy", "mm") is one code. */
        while (p < end && lower(*p) == c)
            p++;
        if (count < MAX_TOKENS)
            tokens[count++] = token;
    }

    if (elapsed)
        return KY_NUMFMT_DURATION;

    /* m is minutes right after hours or right before seconds, else a month. */
    bool has_date = false, has_time = false;
    for (size_t i = 0; i < count; i++) {
        switch (tokens[i]) {
        case 'm': {
            bool after_hours = i > 0 && tokens[i - 1] == 'h';
            bool before_seconds = i + 1 < count && tokens[i + 1] == 's';
            if (after_hours || before_seconds)
                has_time = true;
            else
                has_date = true;
            break;
        }
        case 'h':
        case 's':
        case 'p':
            has_time = true;
            break;
        default:
            has_date = true;
            break;
        }
    }

    if (has_date && has_time)
        return KY_NUMFMT_DATETIME;
    if (has_date)
        return KY_NUMFMT_DATE;
    if (has_time)
        return KY_NUMFMT_TIME;
    return KY_NUMFMT_NUMBER;
}
