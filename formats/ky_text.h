/* SPDX-License-Identifier: MIT */
/*
 * Text helpers shared by readers, writers and the core: a growable byte
 * buffer, UTF-8 checks and number formatting.
 */
#ifndef KYOKUN_FORMATS_TEXT_H
#define KYOKUN_FORMATS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyokun/common.h"

/**
 * A growable byte buffer, always NUL-terminated once anything was added.
 * Zero-initialise it (`ky_buf b = {0};`) and free it with ky_buf_free().
 */
typedef struct ky_buf {
    char *data;
    size_t len;
    size_t cap;
} ky_buf;

/** @brief Append `n` bytes. @return 0 or KY_ENOMEM. */
KY_EXPORT int ky_buf_append(ky_buf *buf, const void *bytes, size_t n);
/** @brief Append a NUL-terminated string. @return 0 or KY_ENOMEM. */
KY_EXPORT int ky_buf_puts(ky_buf *buf, const char *text);
/** @brief Append one byte. @return 0 or KY_ENOMEM. */
KY_EXPORT int ky_buf_putc(ky_buf *buf, char c);
/** @brief Append printf-formatted text. @return 0 or KY_ENOMEM. */
KY_EXPORT int ky_buf_printf(ky_buf *buf, const char *fmt, ...) KY_PRINTF(2, 3);
/** @brief Empty the buffer, keeping its memory. */
KY_EXPORT void ky_buf_clear(ky_buf *buf);
/** @brief Free the memory and zero the buffer. */
KY_EXPORT void ky_buf_free(ky_buf *buf);
/** @brief Take the data (NUL-terminated, caller frees) and zero the buffer; "" when empty. */
KY_EXPORT char *ky_buf_take(ky_buf *buf);

/** @brief Return true when the bytes are valid UTF-8 (no overlongs, no surrogates). */
KY_EXPORT bool ky_utf8_valid(const char *text, size_t len);

/**
 * @brief Decode one UTF-8 code point.
 * @return Bytes consumed (1-4); on an invalid sequence returns 1 and sets *cp to 0xFFFD.
 */
KY_EXPORT size_t ky_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/** @brief Encode a code point; returns the bytes written to `out` (1-4). */
KY_EXPORT size_t ky_utf8_encode(uint32_t cp, char out[4]);

/**
 * @brief Format a double in the shortest form that reads back to the same
 *        value ("1", "1.5", "10.6320601851852", "1e+300"), in the C locale.
 * @param out Buffer of at least 32 bytes.
 * @return out.
 */
KY_EXPORT char *ky_format_number(double value, char out[32]);

/**
 * @brief Parse a number as spreadsheet files store it ("-1.5E-3", with
 *        surrounding white space allowed) whatever the C locale's decimal
 *        point is.
 * @return false for anything else, including hex, inf, nan and text over 400 bytes.
 */
KY_EXPORT bool ky_parse_number(const char *text, size_t len, double *out);

/** @brief strdup that returns NULL on allocation failure; NULL in, NULL out. */
KY_EXPORT char *ky_strdup(const char *text);

/** @brief Copy `n` bytes into a new NUL-terminated string; NULL on allocation failure. */
KY_EXPORT char *ky_strndup(const char *text, size_t n);



#include "kyokun/table.h"

/**
 * @brief Append a cell's value as text the way `kyokun dump` writes it:
 *        text and errors as they are, numbers in shortest round-trip form,
 *        dates as ISO 8601 (see ky_format_date()), booleans TRUE/FALSE, and
 *        nothing for an empty cell.
 * @return 0 or KY_ENOMEM.
 */
KY_EXPORT int ky_cell_append_text(const ky_cell *cell, ky_buf *out);
#endif
