/* SPDX-License-Identifier: MIT */
/*
 * Legal and unique sheet names for the risk register workbook.
 */
#include <stdio.h>
#include <string.h>

#include "formats/ky_text.h"
#include "plugins/output-risk-register/register_names.h"

/* Return true for the characters Excel rejects in a sheet name. */
static bool is_forbidden(uint32_t cp)
{
    return cp == '[' || cp == ']' || cp == ':' || cp == '*' || cp == '?' || cp == '/'
           || cp == '\\';
}

/* Return true for characters that are removed: C0 and C1 controls, DEL and the XML non-characters. */
static bool is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0xFFFE || cp == 0xFFFF;
}

/*
 * Copy `requested` into `out` with forbidden characters replaced and controls
 * removed, at most `max_units` UTF-16 code units, and without apostrophes at
 * either end.
 */
static void clean_name(const char *requested, size_t max_units, char out[REG_SHEET_NAME_SIZE])
{
    const unsigned char *bytes = (const unsigned char *)(requested ? requested : "");
    size_t len = strlen((const char *)bytes);
    size_t used = 0;
    size_t units = 0;
    bool leading = true;

    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += ky_utf8_decode(bytes + i, len - i, &cp);
        if (is_control(cp) || (leading && cp == '\''))
            continue;
        leading = false;
        if (is_forbidden(cp))
            cp = '_';

        size_t cp_units = cp >= 0x10000 ? 2 : 1;
        if (units + cp_units > max_units)
            break;
        char encoded[4];
        size_t n = ky_utf8_encode(cp, encoded);
        memcpy(out + used, encoded, n);
        used += n;
        units += cp_units;
    }
    while (used > 0 && out[used - 1] == '\'')
        used--;
    out[used] = '\0';
}

/* Return true when the two names are equal, ignoring the case of ASCII letters. */
static bool same_name(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + ('a' - 'A')) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + ('a' - 'A')) : *b;
        if (x != y)
            return false;
        if (x == '\0')
            return true;
    }
}

static bool is_taken(const reg_sheet_names *names, const char *name)
{
    for (size_t i = 0; i < names->count; i++) {
        if (same_name(names->names[i], name))
            return true;
    }
    return false;
}

const char *reg_sheet_names_add(reg_sheet_names *names, const char *requested)
{
    if (names->count >= REG_MAX_SHEETS)
        return NULL;

    char *out = names->names[names->count];
    clean_name(requested, REG_SHEET_NAME_MAX_UNITS, out);
    if (out[0] == '\0')
        snprintf(out, REG_SHEET_NAME_SIZE, "Sheet");
    if (same_name(out, "History"))
        clean_name("History_", REG_SHEET_NAME_MAX_UNITS, out);

    /* Shorten the base so that the base and the suffix fit 31 code units. */
    char base[REG_SHEET_NAME_SIZE];
    memcpy(base, out, strlen(out) + 1);
    for (unsigned number = 2; is_taken(names, out); number++) {
        char suffix[16];
        int suffix_len = snprintf(suffix, sizeof suffix, " (%u)", number);
        clean_name(base, REG_SHEET_NAME_MAX_UNITS - (size_t)suffix_len, out);
        /* 31 code units take at most 93 bytes, so the suffix fits the buffer. */
        memcpy(out + strlen(out), suffix, (size_t)suffix_len + 1);
    }
    names->count++;
    return out;
}

bool reg_quote_sheet_name(const char *name, char *out, size_t size)
{
    size_t used = 0;
    if (size < 3)
        return false;
    out[used++] = '\'';
    for (const char *p = name; *p; p++) {
        size_t need = *p == '\'' ? 2 : 1;
        if (used + need + 2 > size)
            return false;
        out[used++] = *p;
        if (*p == '\'')
            out[used++] = '\'';
    }
    out[used++] = '\'';
    out[used] = '\0';
    return true;
}
