/* SPDX-License-Identifier: MIT */
/*
 * Detection of Shift_JIS text that was decoded as CP1252. Excel 5.0/95
 * workbooks store 8-bit text in the code page named by their CODEPAGE record,
 * so a Japanese file whose record names 1252 turns 日本 (93 FA 96 7B) into “ú–{.
 */
#include "formats/ky_text.h"
#include "xls.h"

/* Unicode code points of CP1252 bytes 0x80-0x9F; 0 where the byte is undefined. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

/* Map a code point back to its CP1252 byte; returns -1 when CP1252 has none. */
static int cp1252_byte(uint32_t cp)
{
    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
        return (int)cp;
    for (int i = 0; i < 32; i++)
        if (cp1252_high[i] != 0 && cp1252_high[i] == cp)
            return 0x80 + i;
    return -1;
}

static bool cp932_lead(int b)
{
    return (b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC);
}

static bool cp932_trail(int b)
{
    return (b >= 0x40 && b <= 0x7E) || (b >= 0x80 && b <= 0xFC);
}

bool ky_xls__looks_like_cp932(const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0;
    int pending_lead = -1;
    unsigned low_lead_pairs = 0;

    while (i < len) {
        uint32_t cp;
        i += ky_utf8_decode(p + i, len - i, &cp);
        int b = cp1252_byte(cp);
        if (b < 0)
            return false;

        if (pending_lead >= 0) {
            if (!cp932_trail(b))
                return false;
            if (pending_lead <= 0x9F)
                low_lead_pairs++;
            pending_lead = -1;
        } else if (cp932_lead(b)) {
            pending_lead = b;
        } else if (b >= 0x80 && !(b >= 0xA1 && b <= 0xDF)) {
            /* 0x80, 0xA0 and 0xFD-0xFF are not CP932 characters; 0xA1-0xDF are half-width kana. */
            return false;
        }
    }
    return pending_lead < 0 && low_lead_pairs >= 2;
}
