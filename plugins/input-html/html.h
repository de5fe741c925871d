/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the HTML input plugin. html_plugin.c probes files
 * and drives a read, html_decode.c picks the page's character encoding and
 * converts its bytes to UTF-8, and html_table.c runs libxml2's HTML push
 * parser and turns each top-level <table> into one sheet.
 */
#ifndef KYOKUN_PLUGIN_HTML_H
#define KYOKUN_PLUGIN_HTML_H

#include <iconv.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/ky_text.h"
#include "kyokun/plugin.h"

/* Maximum bytes of UTF-8 text in one cell (32 MiB, as for a CSV field). */
#define HTML_MAX_CELL_BYTES ((size_t)32 << 20)
/* Maximum number of top-level tables, so sheets, in one page. */
#define HTML_MAX_TABLES 10000u
/* colspan and rowspan are clamped to 1..HTML_MAX_SPAN. */
#define HTML_MAX_SPAN 1000u
/* Sheet bounds of Excel 2007 and later. */
#define HTML_MAX_ROWS 1048576u
#define HTML_MAX_COLS 16384u

/* ------------------------------------------------------------------------ */
/* Character encoding (html_decode.c)                                        */
/* ------------------------------------------------------------------------ */

/* Streaming conversion of the page's bytes to valid UTF-8 without NUL bytes. */
typedef struct html_decoder {
    iconv_t cd;                /* (iconv_t)-1 when the input is UTF-8 */
    char encoding[48];         /* iconv name of the input encoding, for messages */
    unsigned char pending[16]; /* an incomplete sequence at the end of the last chunk */
    size_t pending_len;
    size_t invalid;            /* byte sequences and NUL bytes replaced with U+FFFD */
} html_decoder;

/*
 * Choose the encoding from `head`, the first bytes of the page: a byte order
 * mark, else the encoding forced in `forced` (may be NULL), else a <meta>
 * charset, else UTF-8 when the head is valid UTF-8 and CP932 when it is not.
 * `complete` is true when `head` is the whole page. *bom_len receives the
 * bytes of the byte order mark to skip. Returns 0 or a negative status with
 * the error set on `ctx`.
 */
int html_decoder_open(html_decoder *decoder, ky_ctx *ctx, const char *path, const char *forced,
                      const unsigned char *head, size_t head_len, bool complete,
                      size_t *bom_len);

/*
 * Append the UTF-8 form of `len` input bytes to `out`. An incomplete sequence
 * at the end waits for the next call, unless `last` is true. Returns 0 or
 * KY_ENOMEM.
 */
int html_decode(html_decoder *decoder, const unsigned char *input, size_t len, bool last,
                ky_buf *out);

void html_decoder_close(html_decoder *decoder);

/* ------------------------------------------------------------------------ */
/* Tables to sheets (html_table.c)                                           */
/* ------------------------------------------------------------------------ */

typedef struct html_reader html_reader;

/* Create a reader that streams the tables of a UTF-8 page into `sink`; NULL when out of memory. */
html_reader *html_reader_new(ky_ctx *ctx, const char *path, const ky_sink *sink, void *payload);

/*
 * Parse the next `len` bytes of UTF-8 text (`last` for the end of the page).
 * Returns 0, 1 when the sink asked to stop, or a negative status with the
 * error set on the context.
 */
int html_reader_feed(html_reader *reader, const char *text, size_t len, bool last);

/*
 * End the read after the last feed: end an open sheet, and report a page
 * without any <table> element. Returns 0 or a negative status.
 */
int html_reader_finish(html_reader *reader);

void html_reader_free(html_reader *reader);

#endif
