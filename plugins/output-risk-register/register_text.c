/* SPDX-License-Identifier: MIT */
/*
 * Making user text safe for an xlsx cell (valid UTF-8, no control characters
 * XML 1.0 cannot carry, at most 32,767 UTF-16 code units), and writing it as
 * a literal string.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "kyokun/i18n.h"
#include "register.h"

/* Fill `out` with the output cell a warning is about, e.g. "リスク管理表!C5". */
static const char *describe_cell(const reg_cell_ref *ref, char out[128])
{
    if (!ref->sheet_name) {
        snprintf(out, 128, "%s", KY_("document properties"));
        return out;
    }

    char column[8];
    ky_col_name(ref->col, column);
    snprintf(out, 128, "%s!%s%u", ref->sheet_name, column, (unsigned)ref->row + 1);
    return out;
}

/* Emit one warning about a cell, located at the input record it came from. */
static void warn_cell(reg_writer *w, const reg_cell_ref *ref, const char *code,
                      const char *message)
{
    ky_loc loc = {.file = w->target};
    if (ref->origin && ref->origin->file) {
        loc.file = ref->origin->file;
        loc.sheet = ref->origin->sheet;
        loc.row = ref->origin->row;
    }

    char cell[128];
    ky_diag_emit(w->ctx, KY_SEV_WARNING, code, &loc, "%s: %s", describe_cell(ref, cell), message);
}

/* Return the UTF-16 code units a code point takes. */
static size_t utf16_units(uint32_t cp)
{
    return cp >= 0x10000 ? 2 : 1;
}

/* Return the UTF-16 code units of a valid UTF-8 string. */
static size_t utf16_length(const char *text)
{
    size_t units = 0;
    size_t len = strlen(text);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += ky_utf8_decode((const unsigned char *)text + i, len - i, &cp);
        units += utf16_units(cp);
    }
    return units;
}

/* Return the byte length of the longest prefix of `text` within `max_units` UTF-16 code units. */
static size_t prefix_within(const char *text, size_t len, size_t max_units)
{
    size_t units = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = ky_utf8_decode((const unsigned char *)text + i, len - i, &cp);
        if (units + utf16_units(cp) > max_units)
            break;
        units += utf16_units(cp);
        i += n;
    }
    return i;
}

int reg_clean_text(reg_writer *w, const char *text, const reg_cell_ref *ref, ky_buf *out)
{
    ky_buf_clear(out);
    if (ky_buf_append(out, "", 0) < 0)
        return KY_ENOMEM;
    if (!text)
        return 0;

    const unsigned char *bytes = (const unsigned char *)text;
    size_t len = strlen(text);
    size_t units = 0;
    bool invalid = false;
    bool controls = false;

    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = ky_utf8_decode(bytes + i, len - i, &cp);
        if (cp == 0xFFFD && n == 1)
            invalid = true;

        /* Excel's line break inside a cell is LF, so CR LF and lone CR become LF. */
        if (cp == '\r') {
            cp = '\n';
            if (i + 1 < len && bytes[i + 1] == '\n')
                n = 2;
        }
        i += n;

        /* XML 1.0 cannot carry these, even escaped. */
        if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0xFFFE || cp == 0xFFFF) {
            controls = true;
            continue;
        }

        char encoded[4];
        size_t m = ky_utf8_encode(cp, encoded);
        if (ky_buf_append(out, encoded, m) < 0)
            return KY_ENOMEM;
        units += utf16_units(cp);
    }

    /* Cut at a character boundary so that the text and the marker fit the limit. */
    bool truncated = units > REG_CELL_MAX_UNITS;
    if (truncated) {
        const char *marker = w->labels->truncated;
        out->len = prefix_within(out->data, out->len, REG_CELL_MAX_UNITS - utf16_length(marker));
        out->data[out->len] = '\0';
        if (ky_buf_puts(out, marker) < 0)
            return KY_ENOMEM;
    }

    if (invalid)
        warn_cell(w, ref, "risk-register.invalid-utf8",
                  KY_("invalid UTF-8 in the text was replaced with U+FFFD"));
    if (controls)
        warn_cell(w, ref, "risk-register.control-characters",
                  KY_("control characters were removed from the text"));
    if (truncated)
        warn_cell(w, ref, "risk-register.truncated",
                  KY_("text longer than 32,767 characters, the maximum of an Excel cell, "
                      "was truncated"));
    return 0;
}

/* Return true when `s` starts with "_x", 4 hex digits and "_", which Excel reads as one character. */
static bool starts_with_char_escape(const char *s, size_t len)
{
    if (len < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_')
        return false;
    for (size_t i = 2; i < 6; i++) {
        if (!isxdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

/*
 * Copy `text` to `out`, escaping the underscore of every "_xHHHH_" as
 * "_x005F_" so that Excel shows such text literally. libxlsxwriter 1.1.4
 * writes the sequence unchanged, and Excel would decode "_x000D_" to CR.
 */
static int escape_char_escapes(const ky_buf *text, ky_buf *out)
{
    ky_buf_clear(out);
    if (ky_buf_append(out, "", 0) < 0)
        return KY_ENOMEM;

    size_t run = 0;
    for (size_t i = 0; i < text->len; i++) {
        if (!starts_with_char_escape(text->data + i, text->len - i))
            continue;
        if (ky_buf_append(out, text->data + run, i - run) < 0
            || ky_buf_puts(out, "_x005F") < 0)
            return KY_ENOMEM;
        run = i;
    }
    return ky_buf_append(out, text->data + run, text->len - run);
}

/* Return true for code points that East Asian fonts draw two columns wide. */
static bool is_wide(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF)
           || (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF)
           || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60)
           || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t reg_text_lines(const char *text, double width)
{
    size_t per_line = width > 2 ? (size_t)width - 1 : 1;
    size_t len = text ? strlen(text) : 0;
    size_t lines = 0;
    size_t columns = 0;

    for (size_t i = 0; i <= len;) {
        if (i == len || text[i] == '\n') {
            lines += columns == 0 ? 1 : (columns + per_line - 1) / per_line;
            columns = 0;
            i++;
            continue;
        }
        uint32_t cp;
        i += ky_utf8_decode((const unsigned char *)text + i, len - i, &cp);
        columns += is_wide(cp) ? 2 : 1;
    }
    return lines;
}

int reg_finish_row(reg_writer *w, lxw_worksheet *sheet, lxw_row_t row)
{
    /* Excel's maximum row height is 409 points. */
    size_t lines = w->row_lines;
    w->row_lines = 0;
    if (lines <= 1)
        return 0;

    double height = REG_LINE_HEIGHT * (double)lines;
    if (height > 409.0)
        height = 409.0;
    return reg_check(w, worksheet_set_row(sheet, row, height, NULL), "set row height");
}

int reg_write_text(reg_writer *w, const reg_cell_ref *ref, const char *text, lxw_format *format)
{
    if (reg_clean_text(w, text, ref, &w->scratch) < 0
        || escape_char_escapes(&w->scratch, &w->escaped) < 0)
        return reg_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "write text");

    if (w->columns) {
        size_t lines = reg_text_lines(w->scratch.data, w->columns[ref->col].width);
        if (lines > w->row_lines)
            w->row_lines = lines;
    }

    lxw_error error;
    if (w->escaped.len == 0)
        error = worksheet_write_blank(ref->sheet, ref->row, ref->col, format);
    else
        error = worksheet_write_string(ref->sheet, ref->row, ref->col, w->escaped.data, format);
    return reg_check(w, error, "write text");
}

int reg_new_line(ky_buf *out)
{
    return out->len > 0 ? ky_buf_putc(out, '\n') : 0;
}

int reg_join_lines(ky_buf *out, const ky_strlist *list)
{
    for (size_t i = 0; i < list->count; i++) {
        if (!list->items[i] || !list->items[i][0])
            continue;
        if (reg_new_line(out) < 0 || ky_buf_puts(out, list->items[i]) < 0)
            return KY_ENOMEM;
    }
    return 0;
}

int reg_append_extras(ky_buf *out, const ky_extras *extras)
{
    for (size_t i = 0; i < extras->count; i++) {
        const ky_extra *extra = &extras->items[i];
        if (!extra->value || !extra->value[0])
            continue;
        if (reg_new_line(out) < 0)
            return KY_ENOMEM;
        if (ky_buf_printf(out, "%s: %s", extra->header ? extra->header : "", extra->value) < 0)
            return KY_ENOMEM;
    }
    return 0;
}

int reg_write_origin(reg_writer *w, const reg_cell_ref *ref, const ky_origin *origin)
{
    ky_buf_clear(&w->compose);
    int rc = 0;
    if (origin->file && origin->file[0])
        rc = ky_buf_puts(&w->compose, origin->file);
    if (rc == 0 && origin->sheet && origin->sheet[0]) {
        if (w->compose.len > 0)
            rc = ky_buf_puts(&w->compose, " / ");
        if (rc == 0)
            rc = ky_buf_puts(&w->compose, origin->sheet);
    }
    if (rc == 0 && origin->row > 0) {
        if (w->compose.len > 0)
            rc = ky_buf_puts(&w->compose, " / ");
        if (rc == 0)
            rc = ky_buf_printf(&w->compose, "%s%u%s", w->labels->row_prefix,
                               (unsigned)origin->row, w->labels->row_suffix);
    }
    if (rc < 0)
        return reg_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "write source");

    return reg_write_text(w, ref, w->compose.data, w->text);
}
