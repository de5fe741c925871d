/* SPDX-License-Identifier: MIT */
/*
 * Text of BIFF records: cursors over a record and its CONTINUE records,
 * BIFF8 Unicode strings (UTF-16 or "compressed" 8-bit units) and BIFF5 8-bit
 * text in the workbook's code page, all turned into UTF-8.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "kyokun/i18n.h"
#include "xls.h"

/* CODEPAGE value that Excel 2.x-3.0 wrote for Windows-1252; Excel 95 files may still carry it. */
#define XLS_CODEPAGE_1252_OLD 0x8001u
/* CODEPAGE value for Mac Roman. */
#define XLS_CODEPAGE_MAC_OLD 0x8000u

void ky_xls__cursor_init(xls_cursor *cursor, const xls_segment *segments, size_t count)
{
    cursor->segments = segments;
    cursor->count = count;
    cursor->index = 0;
    cursor->offset = 0;
}

/* Copy (or, with a NULL `out`, skip) `n` bytes, moving to later segments as needed. */
static bool cursor_take(xls_cursor *cursor, unsigned char *out, size_t n)
{
    while (n > 0) {
        if (cursor->index >= cursor->count)
            return false;
        const xls_segment *segment = &cursor->segments[cursor->index];
        size_t avail = segment->len - cursor->offset;
        if (avail == 0) {
            cursor->index++;
            cursor->offset = 0;
            continue;
        }
        size_t step = n < avail ? n : avail;
        if (out) {
            memcpy(out, segment->data + cursor->offset, step);
            out += step;
        }
        cursor->offset += step;
        n -= step;
    }
    return true;
}

bool ky_xls__cursor_read(xls_cursor *cursor, void *out, size_t n)
{
    return cursor_take(cursor, out, n);
}

bool ky_xls__cursor_skip(xls_cursor *cursor, size_t n)
{
    return cursor_take(cursor, NULL, n);
}

/* Append one code point as UTF-8. */
static int put_code_point(ky_buf *out, uint32_t cp)
{
    char utf8[4];
    size_t n = ky_utf8_encode(cp, utf8);
    return ky_buf_append(out, utf8, n);
}

bool ky_xls__read_chars(xls_reader *reader, xls_cursor *cursor, size_t count, bool wide,
                        ky_buf *out)
{
    (void)reader;
    uint32_t high_surrogate = 0;

    while (count > 0) {
        if (cursor->index >= cursor->count)
            return false;
        const xls_segment *segment = &cursor->segments[cursor->index];
        if (cursor->offset >= segment->len) {
            /* The characters go on in the next CONTINUE record, which starts
               with its own option byte: bit 0 set means 16-bit units. */
            cursor->index++;
            cursor->offset = 0;
            if (cursor->index >= cursor->count || cursor->segments[cursor->index].len == 0)
                return false;
            wide = cursor->segments[cursor->index].data[0] & 0x01;
            cursor->offset = 1;
            continue;
        }

        const unsigned char *p = segment->data + cursor->offset;
        size_t avail = segment->len - cursor->offset;
        size_t units = wide ? avail / 2 : avail;
        if (units == 0)
            return false; /* one byte left of a 16-bit unit */
        if (units > count)
            units = count;

        for (size_t i = 0; i < units; i++) {
            uint32_t unit = wide ? (uint32_t)p[2 * i] | (uint32_t)p[2 * i + 1] << 8 : p[i];
            int rc = 0;
            if (unit >= 0xD800 && unit <= 0xDBFF) {
                if (high_surrogate)
                    rc = put_code_point(out, 0xFFFD);
                high_surrogate = unit;
            } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
                rc = put_code_point(out, high_surrogate ? 0x10000 + ((high_surrogate - 0xD800) << 10)
                                                              + (unit - 0xDC00)
                                                        : 0xFFFD);
                high_surrogate = 0;
            } else {
                if (high_surrogate)
                    rc = put_code_point(out, 0xFFFD);
                high_surrogate = 0;
                if (rc == 0)
                    rc = put_code_point(out, unit);
            }
            if (rc != 0)
                return false;
        }
        cursor->offset += wide ? 2 * units : units;
        count -= units;
    }
    if (high_surrogate && put_code_point(out, 0xFFFD) != 0)
        return false;
    return true;
}

bool ky_xls__read_unicode(xls_reader *reader, xls_cursor *cursor, bool short_count, ky_buf *out)
{
    unsigned char head[2];
    size_t count;
    if (short_count) {
        if (!ky_xls__cursor_read(cursor, head, 1))
            return false;
        count = head[0];
    } else {
        if (!ky_xls__cursor_read(cursor, head, 2))
            return false;
        count = (size_t)head[0] | (size_t)head[1] << 8;
    }
    unsigned char options;
    if (!ky_xls__cursor_read(cursor, &options, 1))
        return false;

    /* Option bits: 0x01 16-bit units, 0x04 Far East phonetic data, 0x08 rich-text runs. */
    size_t runs = 0, phonetic = 0;
    unsigned char field[4];
    if (options & 0x08) {
        if (!ky_xls__cursor_read(cursor, field, 2))
            return false;
        runs = (size_t)field[0] | (size_t)field[1] << 8;
    }
    if (options & 0x04) {
        if (!ky_xls__cursor_read(cursor, field, 4))
            return false;
        phonetic = (size_t)field[0] | (size_t)field[1] << 8 | (size_t)field[2] << 16
                   | (size_t)field[3] << 24;
    }
    if (!ky_xls__read_chars(reader, cursor, count, options & 0x01, out))
        return false;
    /* Each rich-text run is 4 bytes (character index and font index). */
    return ky_xls__cursor_skip(cursor, 4 * runs) && ky_xls__cursor_skip(cursor, phonetic);
}

/* Return the iconv name of a Windows code page, or NULL when none is known. */
static const char *iconv_name(unsigned codepage, char *buf, size_t cap)
{
    switch (codepage) {
    case 367:
        return "ASCII";
    case 1200:
        /* BIFF8 marks its UTF-16 text so; 8-bit text under it is taken as Windows-1252. */
    case 1252:
    case XLS_CODEPAGE_1252_OLD:
        return "CP1252";
    case 10000:
    case XLS_CODEPAGE_MAC_OLD:
        return "MACINTOSH";
    case 10001:
        return "SHIFT_JIS";
    case 1361:
        return "JOHAB";
    default:
        break;
    }
    /* The DOS (437-869) and Windows (874, 932-950, 1250-1258) code pages keep their number. */
    if ((codepage >= 437 && codepage <= 874) || (codepage >= 932 && codepage <= 950)
        || (codepage >= 1250 && codepage <= 1258)) {
        snprintf(buf, cap, "CP%u", codepage);
        return buf;
    }
    return NULL;
}

/* Map the --encoding names that mean CP932 to iconv's name; others pass through. */
static const char *forced_iconv_name(const char *encoding)
{
    static const char *const cp932_names[] = {"cp932", "shift_jis", "shift-jis", "sjis",
                                              "ms932", "windows-31j"};
    for (size_t i = 0; i < sizeof cp932_names / sizeof cp932_names[0]; i++)
        if (strcasecmp(encoding, cp932_names[i]) == 0)
            return "CP932";
    return encoding;
}

void ky_xls__open_codepage(xls_reader *reader)
{
    reader->converter = (iconv_t)-1;
    if (reader->biff == 8)
        return;

    /* Japanese Excel 95 files often carry a wrong CODEPAGE record, so the
     * user's --encoding wins over it. */
    if (reader->forced_encoding) {
        reader->converter = iconv_open("UTF-8", forced_iconv_name(reader->forced_encoding));
        if (reader->converter != (iconv_t)-1) {
            reader->check_mojibake = false;
            return;
        }
        ky_loc loc = {.file = reader->path};
        ky_diag_emit(reader->ctx, KY_SEV_WARNING, "xls.unknown-encoding", &loc,
                     KY_("the encoding \"%s\" given with --encoding is not known; the "
                         "workbook's CODEPAGE record is used instead"),
                     reader->forced_encoding);
    }

    char buf[16];
    const char *name = iconv_name(reader->codepage, buf, sizeof buf);
    if (name)
        reader->converter = iconv_open("UTF-8", name);
    if (reader->converter == (iconv_t)-1) {
        ky_loc loc = {.file = reader->path};
        ky_diag_emit(reader->ctx, KY_SEV_WARNING, "xls.unknown-codepage", &loc,
                     KY_("the workbook's CODEPAGE record names code page %u, which cannot be "
                         "converted; 8-bit text is decoded as Windows-1252"),
                     reader->codepage);
        reader->codepage = 1252;
        reader->converter = iconv_open("UTF-8", "CP1252");
    }
    reader->check_mojibake = reader->codepage == 1252 || reader->codepage == XLS_CODEPAGE_1252_OLD;
}

/* Warn once per file that some bytes were not valid in the code page. */
static void report_bad_text(xls_reader *reader)
{
    if (reader->bad_text_reported)
        return;
    reader->bad_text_reported = true;
    ky_loc loc = {.file = reader->path};
    ky_diag_emit(reader->ctx, KY_SEV_WARNING, "xls.invalid-text", &loc,
                 KY_("some text has bytes that are not valid in code page %u; they were "
                     "replaced with U+FFFD"),
                 reader->codepage);
}

int ky_xls__decode_8bit(xls_reader *reader, const unsigned char *bytes, size_t len, ky_buf *out)
{
    if (reader->converter == (iconv_t)-1) {
        /* No converter at all (iconv lacks CP1252): keep ASCII, replace the rest. */
        for (size_t i = 0; i < len; i++)
            if (put_code_point(out, bytes[i] < 0x80 ? bytes[i] : 0xFFFD) != 0)
                return KY_ENOMEM;
        return 0;
    }

    char *in = (char *)bytes;
    size_t in_left = len;
    char chunk[1024];
    iconv(reader->converter, NULL, NULL, NULL, NULL);
    while (in_left > 0) {
        char *dst = chunk;
        size_t dst_left = sizeof chunk;
        size_t rc = iconv(reader->converter, &in, &in_left, &dst, &dst_left);
        int saved = errno;
        if (ky_buf_append(out, chunk, sizeof chunk - dst_left) != 0)
            return KY_ENOMEM;
        if (rc != (size_t)-1 || saved == E2BIG)
            continue;
        /* EILSEQ or EINVAL (a lead byte at the end): replace one byte and go on. */
        report_bad_text(reader);
        if (put_code_point(out, 0xFFFD) != 0)
            return KY_ENOMEM;
        in++;
        in_left--;
        iconv(reader->converter, NULL, NULL, NULL, NULL);
    }
    return 0;
}
