/* SPDX-License-Identifier: MIT */
/*
 * Diagnostic printing: one line per diagnostic on stderr,
 * "kyokun: FILE: SHEET!B12: warning: MESSAGE", built in memory first so that
 * a line is written with one call.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/report.h"
#include "formats/ky_text.h"
#include "kyokun/i18n.h"

/* Return the translated severity word. */
static const char *severity_word(ky_severity severity)
{
    switch (severity) {
    case KY_SEV_DEBUG: return KY_("debug");
    case KY_SEV_INFO: return KY_("info");
    case KY_SEV_WARNING: return KY_("warning");
    case KY_SEV_ERROR: break;
    }
    return KY_("error");
}

/* Return true when a sheet name needs quotes in a reference, as Excel writes 'My sheet'!A1. */
static bool sheet_needs_quotes(const char *sheet)
{
    if (!sheet[0])
        return true;
    for (const unsigned char *p = (const unsigned char *)sheet; *p; p++) {
        bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')
                  || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p >= 0x80;
        if (!plain)
            return true;
    }
    return false;
}

/* Append a sheet name, quoted with inner quotes doubled when it needs quotes. */
static void append_sheet(ky_buf *out, const char *sheet)
{
    if (!sheet_needs_quotes(sheet)) {
        ky_buf_puts(out, sheet);
        return;
    }
    ky_buf_putc(out, '\'');
    for (const char *p = sheet; *p; p++) {
        if (*p == '\'')
            ky_buf_putc(out, '\'');
        ky_buf_putc(out, *p);
    }
    ky_buf_putc(out, '\'');
}

/*
 * Append the location followed by ": " for each part that is known:
 * "FILE: SHEET!B12: " for a cell, "FILE: SHEET, row 12: " for a row,
 * "FILE: row 12, column B: " for a CSV cell.
 */
static void append_location(ky_buf *out, const ky_loc *loc)
{
    char col[8];
    if (loc->file && loc->file[0]) {
        ky_buf_puts(out, loc->file);
        ky_buf_puts(out, ": ");
    }
    if (loc->col)
        ky_col_name(loc->col - 1, col);

    bool sheet = loc->sheet && loc->sheet[0];
    if (sheet) {
        append_sheet(out, loc->sheet);
        if (loc->row && loc->col)
            ky_buf_printf(out, "!%s%u", col, (unsigned)loc->row);
        else if (loc->row)
            ky_buf_printf(out, KY_(", row %u"), (unsigned)loc->row);
        else if (loc->col)
            ky_buf_printf(out, KY_(", column %s"), col);
        ky_buf_puts(out, ": ");
    } else if (loc->row && loc->col) {
        ky_buf_printf(out, KY_("row %u, column %s"), (unsigned)loc->row, col);
        ky_buf_puts(out, ": ");
    } else if (loc->row) {
        ky_buf_printf(out, KY_("row %u"), (unsigned)loc->row);
        ky_buf_puts(out, ": ");
    } else if (loc->col) {
        ky_buf_printf(out, KY_("column %s"), col);
        ky_buf_puts(out, ": ");
    }
}

/* Copy `text` (len bytes) into the report's first_error when that is empty,
 * cut before a UTF-8 character that does not fit. */
static void keep_first_error(const cli_report *report, const char *text, size_t len)
{
    if (!report->first_error || report->first_error_size == 0 || report->first_error[0])
        return;
    if (len >= report->first_error_size) {
        len = report->first_error_size - 1;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(report->first_error, text, len);
    report->first_error[len] = '\0';
}

/* Print one line; falls back to the bare message when memory runs out. */
static void print_line(const cli_report *report, ky_severity severity, const ky_loc *loc,
                       const char *message)
{
    static const char prefix[] = "kyokun: ";
    ky_buf line = {0};
    ky_buf_puts(&line, prefix);
    if (loc)
        append_location(&line, loc);
    ky_buf_puts(&line, severity_word(severity));
    ky_buf_puts(&line, ": ");
    ky_buf_puts(&line, message);
    if (ky_buf_putc(&line, '\n') == 0) {
        fputs(line.data, report->stream);
        if (severity == KY_SEV_ERROR)
            keep_first_error(report, line.data + strlen(prefix),
                             line.len - strlen(prefix) - 1);
    } else {
        fprintf(report->stream, "kyokun: %s\n", message);
    }
    ky_buf_free(&line);
}

void cli_report_diag(const ky_diag *diag, void *payload)
{
    const cli_report *report = payload;
    if (diag->severity < report->min_severity)
        return;
    print_line(report, diag->severity, &diag->loc, diag->message);
}

void cli_report_message(const cli_report *report, ky_severity severity, const ky_loc *loc,
                        const char *fmt, ...)
{
    if (severity < report->min_severity)
        return;
    ky_buf message = {0};
    va_list args;
    va_start(args, fmt);
    char small[512];
    int n = vsnprintf(small, sizeof small, fmt, args);
    va_end(args);
    if (n >= 0 && (size_t)n >= sizeof small) {
        /* Long messages (sheet lists, paths) are formatted again into a buffer of their size. */
        char *large = malloc((size_t)n + 1);
        if (large) {
            va_start(args, fmt);
            vsnprintf(large, (size_t)n + 1, fmt, args);
            va_end(args);
            ky_buf_puts(&message, large);
            free(large);
        }
    }
    print_line(report, severity, loc, message.data ? message.data : small);
    ky_buf_free(&message);
}

void cli_report_error(const cli_report *report, ky_ctx *ctx, int status, const char *file)
{
    const ky_error *error = ky_error_last(ctx);
    if (error && error->message && error->message[0]) {
        ky_loc loc = error->loc;
        if (!loc.file)
            loc.file = file;
        print_line(report, KY_SEV_ERROR, &loc, error->message);
    } else {
        ky_loc loc = {.file = file};
        print_line(report, KY_SEV_ERROR, &loc, cli_status_text(status));
    }
    ky_error_clear(ctx);
}

const char *cli_status_text(int status)
{
    /* ky_strerror() returns English text, and the catalogue contains those strings too. */
    return KY_(ky_strerror(status));
}

const char *cli_plugin_description(const ky_plugin *plugin)
{
    if (!plugin->description || !plugin->description[0])
        return "";
    return KY_(plugin->description);
}
