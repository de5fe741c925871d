/* SPDX-License-Identifier: MIT */
/* Growable buffers, UTF-8 helpers and shortest round-trip number formatting. */
#include "formats/ky_text.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grow the buffer so that `extra` more bytes and a NUL fit. */
static int buf_reserve(ky_buf *buf, size_t extra)
{
    if (extra > SIZE_MAX - buf->len - 1)
        return KY_ENOMEM;
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap)
        return 0;
    size_t cap = buf->cap ? buf->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *data = realloc(buf->data, cap);
    if (!data)
        return KY_ENOMEM;
    buf->data = data;
    buf->cap = cap;
    return 0;
}

int ky_buf_append(ky_buf *buf, const void *bytes, size_t n)
{
    /* Growing is the rare case. A buffer with no memory yet also takes the buf_reserve() path. */
    if (n >= buf->cap - buf->len && buf_reserve(buf, n) != 0)
        return KY_ENOMEM;
    if (n)
        memcpy(buf->data + buf->len, bytes, n);
    buf->len += n;
    buf->data[buf->len] = '\0';
    return 0;
}

int ky_buf_puts(ky_buf *buf, const char *text)
{
    return ky_buf_append(buf, text, strlen(text));
}

int ky_buf_putc(ky_buf *buf, char c)
{
    if (buf->cap - buf->len < 2 && buf_reserve(buf, 1) != 0)
        return KY_ENOMEM;
    buf->data[buf->len++] = c;
    buf->data[buf->len] = '\0';
    return 0;
}

int ky_buf_printf(ky_buf *buf, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    va_list copy;
    va_copy(copy, args);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0 || buf_reserve(buf, (size_t)n) != 0) {
        va_end(args);
        return KY_ENOMEM;
    }
    vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, args);
    va_end(args);
    buf->len += (size_t)n;
    return 0;
}

void ky_buf_clear(ky_buf *buf)
{
    buf->len = 0;
    if (buf->data)
        buf->data[0] = '\0';
}

void ky_buf_free(ky_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

char *ky_buf_take(ky_buf *buf)
{
    char *data = buf->data;
    if (!data)
        data = calloc(1, 1);
    buf->data = NULL;
    buf->len = buf->cap = 0;
    return data;
}

size_t ky_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (len == 0) {
        *cp = 0xFFFD;
        return 0;
    }
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t value, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2; value = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3; value = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4; value = c & 0x07; min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (len < n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        value = (value << 6) | (s[i] & 0x3F);
    }
    if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = value;
    return n;
}

bool ky_utf8_valid(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = ky_utf8_decode(s + i, len - i, &cp);
        if (cp == 0xFFFD && !(n == 3 && s[i] == 0xEF && s[i + 1] == 0xBF && s[i + 2] == 0xBD))
            return false;
        i += n;
    }
    return true;
}

size_t ky_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

char *ky_format_number(double value, char out[32])
{
    if (value != value) {
        strcpy(out, "NaN");
        return out;
    }
    if (value == 0) {
        strcpy(out, "0");
        return out;
    }
    /* Whole numbers below 10^15 print as their digits, which is what %g gives them. */
    if (fabs(value) < 1e15 && value == floor(value)) {
        long long whole = (long long)value;
        unsigned long long magnitude = whole < 0 ? 0ULL - (unsigned long long)whole
                                                 : (unsigned long long)whole;
        char digits[24];
        size_t n = 0;
        do {
            digits[n++] = (char)('0' + magnitude % 10);
            magnitude /= 10;
        } while (magnitude > 0);
        size_t pos = 0;
        if (whole < 0)
            out[pos++] = '-';
        while (n > 0)
            out[pos++] = digits[--n];
        out[pos] = '\0';
        return out;
    }

    /*
     * Values with one or two decimals (12.5, 0.25) are common. When k / 10 or
     * k / 100 rounds to the value, those digits read back. No form with fewer
     * digits does, because the value is no whole number and the scale 10 is
     * tried before 100. %g would print them the same way, with no exponent.
     */
    if (fabs(value) < 1e13) {
        for (int scale = 10, decimals = 1; scale <= 100; scale *= 10, decimals++) {
            long long scaled = llround(value * scale);
            if ((double)scaled / scale != value || scaled % 10 == 0)
                continue;
            unsigned long long magnitude = scaled < 0 ? 0ULL - (unsigned long long)scaled
                                                      : (unsigned long long)scaled;
            char digits[24];
            size_t n = 0;
            while (magnitude > 0 || n <= (size_t)decimals) {
                digits[n++] = (char)('0' + magnitude % 10);
                magnitude /= 10;
            }
            size_t pos = 0;
            if (scaled < 0)
                out[pos++] = '-';
            while (n > (size_t)decimals)
                out[pos++] = digits[--n];
            out[pos++] = '.';
            while (n > 0)
                out[pos++] = digits[--n];
            out[pos] = '\0';
            return out;
        }
    }

    /*
     * The first precision that reads back exactly gives the shortest digits.
     * A double keeps any decimal of at most 15 significant digits (DBL_DIG).
     * So when the shortest form has p <= 15 digits, %.15g prints those same
     * digits and drops the zeros after them. The notation is that of %.{p}g
     * too, because a value with a fraction has more digits than its exponent.
     * Only when %.15g does not read back are 16 and 17 tried. Subnormal
     * numbers have fewer significant bits, so they try every precision.
     */
    int precision = 15;
    int first = 1;
    if (fabs(value) >= DBL_MIN) {
        snprintf(out, 32, "%.*g", precision, value);
        first = strtod(out, NULL) == value ? 0 : 16;
    }
    if (first > 0) {
        for (precision = first; precision <= 17; precision++) {
            snprintf(out, 32, "%.*g", precision, value);
            if (strtod(out, NULL) == value)
                break;
        }
    }

    /* %g switches to an exponent once the exponent reaches the precision
     * (1200 at precision 2 is "1.2e+03"). Like Python's repr, write plain
     * digits for exponents from -4 to 15 and keep the exponent elsewhere. */
    if (strchr(out, 'e')) {
        int exponent = (int)floor(log10(fabs(value)));
        if (exponent >= -4 && exponent < 16) {
            int decimals = precision - 1 - exponent;
            snprintf(out, 32, "%.*f", decimals > 0 ? decimals : 0, value);
        }
    }
    return out;
}

/* Longest number text accepted; longer digit runs are not numbers a spreadsheet wrote. */
#define NUMBER_TEXT_MAX 400

bool ky_parse_number(const char *text, size_t len, double *out)
{
    while (len > 0 && (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')) {
        text++;
        len--;
    }
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\n'
                       || text[len - 1] == '\r'))
        len--;
    if (len == 0 || len > NUMBER_TEXT_MAX)
        return false;

    /* Check the syntax first: strtod also takes hex, inf and nan. */
    size_t i = 0, digits = 0;
    if (text[i] == '+' || text[i] == '-')
        i++;
    for (; i < len && text[i] >= '0' && text[i] <= '9'; i++)
        digits++;
    if (i < len && text[i] == '.')
        for (i++; i < len && text[i] >= '0' && text[i] <= '9'; i++)
            digits++;
    if (digits == 0)
        return false;
    if (i < len && (text[i] == 'e' || text[i] == 'E')) {
        i++;
        if (i < len && (text[i] == '+' || text[i] == '-'))
            i++;
        size_t exponent_digits = 0;
        for (; i < len && text[i] >= '0' && text[i] <= '9'; i++)
            exponent_digits++;
        if (exponent_digits == 0)
            return false;
    }
    if (i != len)
        return false;

    /* Whole numbers of up to 15 digits are exact in a double, so strtod is not needed. */
    size_t sign = text[0] == '+' || text[0] == '-';
    if (digits <= 15 && len == sign + digits) {
        unsigned long long whole = 0;
        for (size_t k = sign; k < len; k++)
            whole = whole * 10 + (unsigned long long)(text[k] - '0');
        *out = text[0] == '-' ? -(double)whole : (double)whole;
        return true;
    }

    char copy[NUMBER_TEXT_MAX + 1];
    memcpy(copy, text, len);
    copy[len] = '\0';
    const char *point = localeconv()->decimal_point;
    if (point && point[0] && point[0] != '.' && point[1] == '\0') {
        char *dot = strchr(copy, '.');
        if (dot)
            *dot = point[0];
    }
    char *end = NULL;
    double value = strtod(copy, &end);
    if (!end || *end != '\0' || !isfinite(value))
        return false;
    *out = value;
    return true;
}

char *ky_strdup(const char *text)
{
    return text ? ky_strndup(text, strlen(text)) : NULL;
}

char *ky_strndup(const char *text, size_t n)
{
    char *copy = malloc(n + 1);
    if (!copy)
        return NULL;
    memcpy(copy, text, n);
    copy[n] = '\0';
    return copy;
}

#include "formats/ky_date.h"

int ky_cell_append_text(const ky_cell *cell, ky_buf *out)
{
    char number[40];
    switch (cell->type) {
    case KY_CELL_TEXT:
    case KY_CELL_ERROR:
        return cell->text ? ky_buf_append(out, cell->text, cell->len) : 0;
    case KY_CELL_NUMBER:
        return ky_buf_puts(out, ky_format_number(cell->number, number));
    case KY_CELL_BOOL:
        return ky_buf_puts(out, cell->number != 0 ? "TRUE" : "FALSE");
    case KY_CELL_DATE:
        if (ky_format_date(cell->number, cell->date_kind, number))
            return ky_buf_puts(out, number);
        /* Out of the calendar's range: keep the serial rather than lose it. */
        return ky_buf_puts(out, ky_format_number(cell->number, number));
    default:
        return 0;
    }
}
