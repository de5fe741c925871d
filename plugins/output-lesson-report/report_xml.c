/* SPDX-License-Identifier: MIT */
/* The XML builder, the font declarations and the date formats shared by the part writers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "formats/ky_odf_write.h"
#include "report.h"

bool report_has_text(const char *text)
{
    if (!text)
        return false;
    for (const char *p = text; *p; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            return true;
    }
    return false;
}

void report_put(report_xml *xml, const char *markup)
{
    if (xml->rc == 0)
        xml->rc = ky_buf_puts(&xml->buf, markup);
}

void report_putf(report_xml *xml, const char *fmt, ...)
{
    if (xml->rc != 0)
        return;

    char line[512];
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(line, sizeof line, fmt, args);
    va_end(args);

    /* Callers format short markup only; a longer line is a programming error
     * that must not turn into a truncated, invalid part. */
    if (n < 0 || (size_t)n >= sizeof line) {
        xml->rc = KY_ERROR;
        return;
    }
    xml->rc = ky_buf_append(&xml->buf, line, (size_t)n);
}

void report_text(report_xml *xml, const char *text)
{
    if (xml->rc == 0 && text)
        xml->rc = ky_odf_append_text(&xml->buf, text, strlen(text), &xml->cleaned);
}

void report_text_shortened(report_xml *xml, const char *text, size_t max_chars)
{
    if (xml->rc != 0 || !text || max_chars == 0)
        return;

    /* Find the byte length of the first max_chars - 1 characters, and
     * whether the text goes on past max_chars. */
    size_t len = strlen(text);
    size_t kept_len = 0;
    size_t chars = 0;
    size_t pos = 0;
    while (pos < len) {
        uint32_t cp;
        pos += ky_utf8_decode((const unsigned char *)text + pos, len - pos, &cp);
        chars++;
        if (chars == max_chars - 1)
            kept_len = pos;
    }
    if (chars <= max_chars) {
        report_text(xml, text);
        return;
    }
    xml->rc = ky_odf_append_text(&xml->buf, text, kept_len, &xml->cleaned);
    report_put(xml, "…");
}

void report_plain(report_xml *xml, const char *text)
{
    if (xml->rc == 0 && text)
        xml->rc = ky_xml_append_escaped(&xml->buf, text, strlen(text), &xml->cleaned);
}

/*
 * Declare the Japanese fonts. Each face names its IPAex counterpart as a
 * second local font in svg:font-face-src, the place ODF gives for alternative
 * sources of a face.
 * NOTE: LibreOffice 7.4 ignores these alternative names (a PDF export with the
 * first name missing used its own fallback font), so IPAex is only a hint there.
 */
void report_font_face_decls(report_xml *xml)
{
    report_put(xml,
        "<office:font-face-decls>"
        "<style:font-face style:name=\"Noto Serif CJK JP\" svg:font-family=\"&apos;Noto Serif CJK JP&apos;\""
        " style:font-family-generic=\"roman\" style:font-pitch=\"variable\">"
        "<svg:font-face-src><svg:font-face-name svg:name=\"Noto Serif CJK JP\"/>"
        "<svg:font-face-name svg:name=\"IPAexMincho\"/></svg:font-face-src>"
        "</style:font-face>"
        "<style:font-face style:name=\"Noto Sans CJK JP\" svg:font-family=\"&apos;Noto Sans CJK JP&apos;\""
        " style:font-family-generic=\"swiss\" style:font-pitch=\"variable\">"
        "<svg:font-face-src><svg:font-face-name svg:name=\"Noto Sans CJK JP\"/>"
        "<svg:font-face-name svg:name=\"IPAexGothic\"/></svg:font-face-src>"
        "</style:font-face>"
        "</office:font-face-decls>\n");
}

/* Split a Unix time into UTC fields, clamped to the years 1 to 9999 that
 * xsd:date and xsd:dateTime write with four digits. */
static void split_time(int64_t timestamp, struct tm *tm)
{
    const int64_t first = -62135596800;  /* 0001-01-01T00:00:00Z */
    const int64_t last = 253402300799;   /* 9999-12-31T23:59:59Z */
    int64_t clamped = timestamp;
    if (clamped < first)
        clamped = first;
    if (clamped > last)
        clamped = last;

    time_t seconds = (time_t)clamped;
    gmtime_r(&seconds, tm);
}

/* The `% 100u` and `% 10000u` below change no value after split_time(); they
 * only show the compiler that each field fits its width. */
void report_format_date(int64_t timestamp, char out[16])
{
    struct tm tm;
    split_time(timestamp, &tm);
    snprintf(out, 16, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

void report_format_datetime(int64_t timestamp, char out[32])
{
    struct tm tm;
    split_time(timestamp, &tm);
    snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
             (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
}
