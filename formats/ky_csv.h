/* SPDX-License-Identifier: MIT */
/*
 * CSV codec: encoding and separator detection, a streaming RFC 4180 reader
 * that hands one record at a time to a callback, and writer helpers (field
 * quoting, record ends, UTF-8 to CP932 conversion) for dump and stats outputs.
 */
#ifndef KYOKUN_FORMATS_CSV_H
#define KYOKUN_FORMATS_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/ky_text.h"
#include "kyokun/common.h"
#include "kyokun/diag.h"

/** Default maximum length of one field in bytes of UTF-8 (32 MiB). */
#define KY_CSV_MAX_FIELD_BYTES ((size_t)32 << 20)
/** Default maximum length of one record in bytes of UTF-8 (128 MiB). */
#define KY_CSV_MAX_RECORD_BYTES ((size_t)128 << 20)
/** Default maximum number of fields in one record. */
#define KY_CSV_MAX_FIELDS ((size_t)1 << 20)

/** Text encodings the reader can decode. */
typedef enum ky_csv_encoding {
    KY_CSV_UTF8 = 0,    /**< UTF-8 (a leading BOM is stripped). */
    KY_CSV_UTF16LE = 1, /**< UTF-16, little-endian. */
    KY_CSV_UTF16BE = 2, /**< UTF-16, big-endian. */
    KY_CSV_CP932 = 3,   /**< Windows code page 932 (Shift_JIS with the NEC and IBM extensions). */
    KY_CSV_EUCJP = 4    /**< EUC-JP. */
} ky_csv_encoding;

/**
 * @brief Parse an encoding label, ignoring case.
 *
 * UTF-8: "utf-8", "utf8", "utf-8-bom", "utf-8-sig".
 * UTF-16: "utf-16le", "utf-16be", and "utf-16", whose byte order comes from
 * the BOM, else from the NUL positions, else little-endian.
 * CP932: "cp932", "ms932", "windows-31j", "shift_jis", "shift-jis", "sjis",
 * "x-sjis", all decoded with the CP932 table.
 * EUC-JP: "euc-jp", "eucjp", "euc_jp".
 *
 * @param name Label.
 * @param data Input bytes, used only to settle the byte order of "utf-16"; may be NULL.
 * @param size Bytes in `data`.
 * @param out Receives the encoding.
 * @return 0, or KY_EINVAL for an unknown label.
 */
KY_EXPORT int ky_csv_encoding_parse(const char *name, const unsigned char *data, size_t size,
                                    ky_csv_encoding *out);

/** @brief Return the display name of an encoding ("UTF-8", "CP932", ...); static string. */
KY_EXPORT const char *ky_csv_encoding_name(ky_csv_encoding encoding);

/**
 * @brief Detect the encoding of a whole input. A UTF-8 BOM (EF BB BF) or a
 *        UTF-16 BOM (FF FE, FE FF) decides. Without a BOM, input whose first
 *        4 KiB have a NUL in every other byte (and none in the others) is
 *        UTF-16 of that byte order. Otherwise every byte is checked as strict
 *        UTF-8 (no overlong forms, no surrogates), and the first invalid
 *        sequence selects CP932. Windows-1252 is never guessed.
 * @param data Input bytes.
 * @param size Bytes in `data`.
 * @param bom_len Receives the BOM length to skip (0, 2 or 3); may be NULL.
 * @param invalid_offset Receives the offset of the first byte that is not
 *        valid UTF-8 when CP932 was chosen, else `size`; may be NULL.
 * @return The detected encoding.
 */
KY_EXPORT ky_csv_encoding ky_csv_detect_encoding(const unsigned char *data, size_t size,
                                                 size_t *bom_len, size_t *invalid_offset);

/** Result of separator detection. */
typedef struct ky_csv_separator_guess {
    char separator;    /**< ',', '\t' or ';'. */
    size_t records;    /**< Non-blank records examined. */
    size_t consistent; /**< Records that have the most common field count. */
    size_t fields;     /**< That field count (1 when no candidate splits the records). */
} ky_csv_separator_guess;

/**
 * @brief Choose the separator among comma, tab and semicolon: the one whose
 *        field count is the same over the most of the first 100 records,
 *        counting separators outside quotes only. A candidate must split the
 *        records into at least two fields. Ties go to tab when `prefer_tab`,
 *        else to comma, tab, semicolon in that order.
 * @param text UTF-8 (or any ASCII-compatible) text; need not be NUL-terminated.
 * @param len Bytes in `text`.
 * @param complete False when `text` is a prefix of the input, so that its
 *        last, possibly cut, record is ignored.
 * @param prefer_tab True for a ".tsv" file.
 * @param out Receives the guess.
 */
KY_EXPORT void ky_csv_guess_separator(const char *text, size_t len, bool complete,
                                      bool prefer_tab, ky_csv_separator_guess *out);

/** One field of a record, borrowed for the duration of the callback. */
typedef struct ky_csv_field {
    const char *text; /**< UTF-8, NUL-terminated. */
    size_t len;       /**< Bytes in `text`. */
} ky_csv_field;

/** One record as delivered to a ky_csv_record_fn. */
typedef struct ky_csv_record {
    uint64_t index;             /**< 0-based record number; an Excel "sep=" line is not counted. */
    uint64_t line;              /**< 1-based physical line where the record starts. */
    const ky_csv_field *fields; /**< At least one field; a blank line is one empty field. */
    size_t count;               /**< Number of fields. */
} ky_csv_record;

/** Value a ky_csv_record_fn returns to end the read early with success. */
#define KY_CSV_STOP 1

/**
 * Receiver of records. Return 0 to go on, KY_CSV_STOP to stop reading (the
 * read then returns 0), or a negative ky_status to abort the read with it.
 */
typedef int (*ky_csv_record_fn)(void *payload, const ky_csv_record *record);

/** Options of ky_csv_read(); zero-initialise and set what you need. */
typedef struct ky_csv_read_options {
    const char *path;        /**< Names the input in diagnostics; may be NULL. */
    const char *encoding;    /**< Forced encoding label (ky_csv_encoding_parse()), NULL = detect. */
    char separator;          /**< Forced separator, 0 = detect. A "sep=" line is skipped anyway. */
    bool prefer_tab;         /**< Separator detection prefers tab on a tie (".tsv" files). */
    size_t max_field_bytes;  /**< 0 = KY_CSV_MAX_FIELD_BYTES. */
    size_t max_record_bytes; /**< 0 = KY_CSV_MAX_RECORD_BYTES. */
    size_t max_fields;       /**< 0 = KY_CSV_MAX_FIELDS. */
    /**
     * `data` is a read-only file mapping (mmap), so ky_csv_read() may give
     * its pages back with madvise(MADV_DONTNEED) once it has read them. The
     * kernel reads them from the file again if they are touched, and resident
     * memory does not grow with the file. Leave it false for any other memory.
     */
    bool release_mapping;
} ky_csv_read_options;

/** Encoding and separator decisions of ky_csv_read(), and record counts. */
typedef struct ky_csv_info {
    ky_csv_encoding encoding; /**< Encoding used. */
    bool encoding_detected;   /**< False when it was forced. */
    bool bom;                 /**< The input started with a byte order mark. */
    char separator;           /**< Separator used. */
    bool sep_line;            /**< The input started with an Excel "sep=X" line. */
    uint64_t records;         /**< Records delivered. */
    size_t invalid_bytes;     /**< Invalid byte sequences replaced with U+FFFD. */
} ky_csv_info;

/**
 * @brief Read CSV text and deliver it one record at a time.
 *
 * Decodes the input to UTF-8 in chunks, so memory use is bounded by the
 * current record and not by the file size. Quoted fields may contain separators, doubled
 * quotes and line breaks, which are kept exactly as written (CRLF, LF or
 * CR). Records end with CRLF, LF or a lone CR, or at the end of the input.
 * A quote inside an unquoted field is kept as a character.
 *
 * Diagnostics on `ctx`: an info "csv.encoding" and "csv.separator" naming
 * what was detected or forced, and a warning "csv.invalid-byte" with the
 * row and column of the field for each byte (each 2-byte unit in UTF-16)
 * that is invalid in the encoding. Each such byte or unit becomes one
 * U+FFFD. After 10 such warnings the rest are counted in one summary warning.
 *
 * @param ctx Context for diagnostics and the error.
 * @param data Input bytes (e.g. a file mapping); may be NULL when `size` is 0.
 * @param size Bytes in `data`.
 * @param options Options, or NULL for the defaults.
 * @param info_out Receives what was detected; may be NULL.
 * @param fn Called once per record, in order.
 * @param payload Passed unchanged to `fn`.
 * @return 0; KY_EPARSE for a quote that never closes (the message names the
 *         line and record where it opened); KY_ELIMIT for a field, record or
 *         field count over its limit; KY_EINVAL for an unknown encoding;
 *         KY_ENOMEM; or the negative status `fn` returned.
 *
 * @code
 * ky_csv_read_options options = {.path = "incidents.csv"};
 * int rc = ky_csv_read(ctx, data, size, &options, NULL, on_record, &state);
 * @endcode
 */
KY_EXPORT int ky_csv_read(ky_ctx *ctx, const unsigned char *data, size_t size,
                          const ky_csv_read_options *options, ky_csv_info *info_out,
                          ky_csv_record_fn fn, void *payload);

/** Record end written by ky_csv_end_record(). */
typedef enum ky_csv_eol {
    KY_CSV_CRLF = 0, /**< "\r\n", as RFC 4180 and Excel write. */
    KY_CSV_LF = 1    /**< "\n". */
} ky_csv_eol;

/**
 * @brief Return true when a field must be quoted: it contains `sep`, a double
 *        quote, CR or LF, or starts or ends with a space or tab.
 */
KY_EXPORT bool ky_csv_field_needs_quotes(const char *text, size_t len, char sep);

/**
 * @brief Append one field, quoted as RFC 4180 requires (see
 *        ky_csv_field_needs_quotes(); quotes inside are doubled). The
 *        separator is not written: put `sep` between fields yourself.
 * @param out Buffer to append to.
 * @param text Field text (UTF-8); may be NULL when `len` is 0.
 * @param len Bytes in `text`.
 * @param sep Separator of the output, needed to decide the quoting.
 * @return 0 or KY_ENOMEM.
 */
KY_EXPORT int ky_csv_append_field(ky_buf *out, const char *text, size_t len, char sep);

/**
 * @brief Append a text field that spreadsheet programs will not evaluate as a
 *        formula: text starting with '=', '+', '-', '@', TAB, CR or the
 *        full-width forms U+FF1D, U+FF0B, U+FF0D, U+FF20 gets a leading "'"
 *        (as OWASP recommends for CSV injection), then the field is appended
 *        as ky_csv_append_field() does. Use it for text columns only, so that
 *        negative numbers stay numbers.
 * @return 0 or KY_ENOMEM.
 */
KY_EXPORT int ky_csv_append_text_field(ky_buf *out, const char *text, size_t len, char sep);

/** @brief Append a record end. @return 0 or KY_ENOMEM. */
KY_EXPORT int ky_csv_end_record(ky_buf *out, ky_csv_eol eol);

/** Converter from UTF-8 to CP932 for CSV output that Excel on Japanese Windows reads. */
typedef struct ky_cp932_encoder ky_cp932_encoder;

/**
 * @brief Create a UTF-8 to CP932 converter (glibc iconv "CP932").
 * @param out Receives the converter; free it with ky_cp932_encoder_free().
 * @param substitute CP932 bytes written in place of a character CP932 cannot
 *        represent (e.g. "?"), or NULL to make ky_cp932_encode() fail on such
 *        a character instead. The string is copied.
 * @return 0, KY_ENOMEM, or KY_EUNSUPPORTED when iconv lacks CP932.
 */
KY_EXPORT int ky_cp932_encoder_new(ky_cp932_encoder **out, const char *substitute);

/**
 * @brief Convert UTF-8 text to CP932 and append it to `out`.
 * @param enc Converter.
 * @param text UTF-8 text.
 * @param len Bytes in `text`.
 * @param out Buffer to append to.
 * @param bad_cp Receives the first code point CP932 cannot represent, or 0
 *        when there was none; may be NULL.
 * @return 0 when everything was converted or substituted; KY_EUNSUPPORTED
 *         when the converter has no substitute and a character cannot be
 *         represented (`out` then contains the text before it); KY_EINVAL when
 *         `text` is not valid UTF-8; KY_ENOMEM.
 */
KY_EXPORT int ky_cp932_encode(ky_cp932_encoder *enc, const char *text, size_t len, ky_buf *out,
                              uint32_t *bad_cp);

/** @brief Return how many characters were substituted so far. */
KY_EXPORT size_t ky_cp932_encoder_substituted(const ky_cp932_encoder *enc);

/** @brief Free a converter. NULL is allowed. */
KY_EXPORT void ky_cp932_encoder_free(ky_cp932_encoder *enc);

#endif
