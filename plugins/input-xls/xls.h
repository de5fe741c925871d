/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the xls reader, shared by its source files: the read
 * state, BIFF record access, string decoding, the workbook globals and the
 * worksheet reader. Record layouts follow [MS-XLS] (Microsoft, "Excel Binary
 * File Format (.xls) Structure") for BIFF8, and the Excel 5.0/95 layouts it
 * notes for BIFF5/BIFF7.
 */
#ifndef KYOKUN_XLS_H
#define KYOKUN_XLS_H

#include <iconv.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/ky_numfmt.h"
#include "formats/ky_text.h"
#include "kyokun/plugin.h"

/** Rows and columns of a BIFF8 sheet (Excel 97-2003). */
#define XLS_MAX_ROWS_BIFF8 65536u
/** Rows of a BIFF5/BIFF7 sheet (Excel 5.0/95). */
#define XLS_MAX_ROWS_BIFF5 16384u
/** Columns of every BIFF version (IV). */
#define XLS_MAX_COLS 256u
/** Largest record body Excel writes (BIFF8); longer data continues in CONTINUE records. */
#define XLS_MAX_RECORD 8224u

/* Record types. */
enum {
    XLS_FORMULA = 0x0006,
    XLS_EOF = 0x000A,
    XLS_DATEMODE = 0x0022,
    XLS_FILEPASS = 0x002F,
    XLS_CONTINUE = 0x003C,
    XLS_CODEPAGE = 0x0042,
    XLS_BOUNDSHEET = 0x0085,
    XLS_MULRK = 0x00BD,
    XLS_RSTRING = 0x00D6,
    XLS_XF = 0x00E0,
    XLS_MERGEDCELLS = 0x00E5,
    XLS_SST = 0x00FC,
    XLS_LABELSST = 0x00FD,
    XLS_DIMENSIONS = 0x0200,
    XLS_NUMBER = 0x0203,
    XLS_LABEL = 0x0204,
    XLS_BOOLERR = 0x0205,
    XLS_STRING = 0x0207,
    XLS_RK = 0x027E,
    XLS_FORMAT = 0x041E,
    XLS_BOF = 0x0809,
    /* BOF records of BIFF2, BIFF3 and BIFF4, which kyokun does not read. */
    XLS_BOF_BIFF2 = 0x0009,
    XLS_BOF_BIFF3 = 0x0209,
    XLS_BOF_BIFF4 = 0x0409
};

/* Substream types of a BOF record. */
enum {
    XLS_SUBSTREAM_GLOBALS = 0x0005,
    XLS_SUBSTREAM_WORKSHEET = 0x0010,
    XLS_SUBSTREAM_CHART = 0x0020,
    XLS_SUBSTREAM_MACRO = 0x0040
};

/** One record: its type and body, which lies inside the workbook stream. */
typedef struct xls_record {
    unsigned id;
    const unsigned char *data;
    size_t len;
    size_t offset; /**< Stream offset of the record header, for messages. */
} xls_record;

/** One piece of data that a record continues: the record's body or a CONTINUE body. */
typedef struct xls_segment {
    const unsigned char *data;
    size_t len;
} xls_segment;

/**
 * A read position in a record and its CONTINUE records. Byte reads cross
 * from one segment to the next; character reads re-read the option byte
 * that starts each continuing segment (see ky_xls__read_chars()).
 */
typedef struct xls_cursor {
    const xls_segment *segments;
    size_t count;
    size_t index;
    size_t offset;
} xls_cursor;

/** A sheet listed by a BOUNDSHEET record. */
typedef struct xls_sheet {
    char *name;               /**< UTF-8. */
    uint32_t offset;          /**< Stream offset of the sheet's BOF record. */
    ky_visibility visibility;
    bool has_cells;           /**< A worksheet, not a chart, macro or VBA module sheet. */
} xls_sheet;

/** Entry of xls_reader.format_kinds for an id that no FORMAT record defines. */
#define XLS_FORMAT_UNDEFINED 0xFFu

/** State of one read call. */
typedef struct xls_reader {
    ky_ctx *ctx;
    const char *path;             /**< Names the input in messages. */
    const unsigned char *stream;  /**< The Workbook (BIFF8) or Book (BIFF5) stream. */
    size_t stream_size;
    unsigned biff;                /**< 5 (also BIFF7) or 8. */
    unsigned codepage;            /**< CODEPAGE record value; 1252 when there is none. */
    const char *forced_encoding;  /**< iconv name from --encoding that overrides the CODEPAGE
                                       record for 8-bit text, or NULL. */
    bool date1904;                /**< DATEMODE: serials count from 1904-01-01. */
    const ky_sink *sink;
    void *payload;

    ky_buf sst_text;              /**< Shared strings, each NUL-terminated. */
    size_t *sst_offsets;          /**< sst_count + 1 offsets into sst_text. */
    uint32_t sst_count;

    unsigned char *format_kinds;  /**< Per format id (65536): ky_numfmt_kind of its FORMAT
                                       record, or XLS_FORMAT_UNDEFINED. */
    unsigned char *xf_kinds;      /**< ky_numfmt_kind per XF record, in record order. */
    uint16_t *xf_format_ids;
    size_t xf_count;
    size_t xf_capacity;

    xls_sheet *sheets;
    size_t sheet_count;
    size_t sheet_capacity;
    size_t sheet_bytes_read;      /**< Stream bytes walked by all sheet reads so far. */

    iconv_t converter;            /**< 8-bit code page to UTF-8 (BIFF5), or (iconv_t)-1. */
    bool check_mojibake;          /**< 8-bit text decoded as CP1252: look for Shift_JIS bytes. */
    bool mojibake_reported;
    bool bad_text_reported;
    ky_buf scratch;               /**< Text of the record being decoded. */
} xls_reader;

/* ------------------------------------------------------------------------ */
/* Records (xls_biff.c)                                                       */
/* ------------------------------------------------------------------------ */

/**
 * Read the record at *pos and advance *pos past it.
 * @return 1 with *record set, 0 at the end of the stream, or KY_EPARSE (error
 *         set) when the record is longer than XLS_MAX_RECORD or runs past the end.
 */
int ky_xls__next_record(xls_reader *reader, size_t *pos, xls_record *record);

/**
 * Collect the body of `first` and of the CONTINUE records that follow it at
 * *pos into a new array of segments (the caller frees it), and advance *pos
 * past them.
 * @return 0 or a negative status with the error set.
 */
int ky_xls__gather_continues(xls_reader *reader, const xls_record *first, size_t *pos,
                             xls_segment **segments, size_t *count);

/** Set a KY_EPARSE error for an invalid record. `reason` is marked with KY_N_(). */
int ky_xls__bad_record(xls_reader *reader, const xls_record *record, const char *reason);

/** Read the workbook globals (the first substream) into the reader. */
int ky_xls__read_globals(xls_reader *reader);

/** Return the kind of number format that XF record `xf` applies. */
ky_numfmt_kind ky_xls__xf_kind(const xls_reader *reader, unsigned xf);

/** Free what the reader owns. */
void ky_xls__reader_free(xls_reader *reader);

/* ------------------------------------------------------------------------ */
/* Cursors and text (xls_text.c)                                              */
/* ------------------------------------------------------------------------ */

void ky_xls__cursor_init(xls_cursor *cursor, const xls_segment *segments, size_t count);

/** Copy `n` bytes, crossing segments. @return false when the data ends first. */
bool ky_xls__cursor_read(xls_cursor *cursor, void *out, size_t n);

/** Skip `n` bytes, crossing segments. @return false when the data ends first. */
bool ky_xls__cursor_skip(xls_cursor *cursor, size_t n);

/**
 * Read `count` characters of a BIFF8 string and append them to `out` as
 * UTF-8. `wide` is the string's first option bit: 16-bit units when set,
 * else "compressed" 8-bit units (the low bytes of UTF-16, so Latin-1). When
 * the characters continue in the next segment, its first byte is a new
 * option byte. @return false when the data ends first.
 */
bool ky_xls__read_chars(xls_reader *reader, xls_cursor *cursor, size_t count, bool wide,
                        ky_buf *out);

/**
 * Read a BIFF8 XLUnicodeString (16-bit count, option byte, characters, then
 * rich-text runs and Far East phonetic data, which are skipped) or, with
 * `short_count`, a ShortXLUnicodeString (8-bit count), appending UTF-8 to `out`.
 * @return false when the data ends first.
 */
bool ky_xls__read_unicode(xls_reader *reader, xls_cursor *cursor, bool short_count, ky_buf *out);

/** Convert 8-bit text in the workbook's code page to UTF-8 and append it to `out`. */
int ky_xls__decode_8bit(xls_reader *reader, const unsigned char *bytes, size_t len, ky_buf *out);

/** Set up the 8-bit converter from the CODEPAGE record (BIFF5 only). */
void ky_xls__open_codepage(xls_reader *reader);

/**
 * Return true when text that was decoded from CP1252 reads as Shift_JIS
 * (CP932) once encoded back to its original bytes. Every byte above 0x7F must
 * belong to a valid CP932 character, and at least two double-byte characters
 * must start with a lead byte in 0x81-0x9F, which CP1252 maps to punctuation.
 */
bool ky_xls__looks_like_cp932(const char *text, size_t len);

/* ------------------------------------------------------------------------ */
/* Worksheets (xls_sheet.c)                                                   */
/* ------------------------------------------------------------------------ */

/**
 * Stream sheet `index` to the sink: sheet_begin, its rows and merged ranges
 * unless the sink skips it, and sheet_end.
 * @return 0, KY_SINK_STOP when the sink asked to stop, or a negative status.
 */
int ky_xls__read_sheet(xls_reader *reader, size_t index);

#endif
