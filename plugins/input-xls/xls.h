/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the xls reader, shared by its source files: the read
 * state, the sheet streamer and the code page check.
 */
#ifndef KYOKUN_XLS_H
#define KYOKUN_XLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyokun/plugin.h"

/** Rows and columns of a BIFF8 sheet (Excel 97-2003). */
#define XLS_MAX_ROWS_BIFF8 65536u
/** Rows of a BIFF2-BIFF5 sheet (Excel 2.x-95). */
#define XLS_MAX_ROWS_BIFF5 16384u
/** Columns of every BIFF version (IV). */
#define XLS_MAX_COLS 256u

/** State of one read call. */
typedef struct xls_reader {
    ky_ctx *ctx;
    const char *path;     /**< Names the input in messages. */
    const void *handle;   /**< FreeXL handle of the full open. */
    unsigned biff_version; /**< FREEXL_BIFF_VER_2 ... FREEXL_BIFF_VER_8. */
    unsigned codepage;    /**< CODEPAGE record value as FreeXL reports it. */
    const ky_sink *sink;
    void *payload;
    ky_cell *cells;       /**< One row of cells, XLS_MAX_COLS entries. */
    bool check_mojibake;  /**< 8-bit text decoded as CP1252: look for Shift_JIS bytes. */
    bool mojibake_reported;
} xls_reader;

/**
 * Stream the rows of the active worksheet (already selected on the handle)
 * to the sink.
 * @return 0, KY_SINK_STOP when the sink asked to stop, or a negative status.
 */
int ky_xls__sheet_rows(xls_reader *reader, const char *sheet_name, uint32_t rows,
                       uint32_t cols);

/**
 * Return true when text that was decoded from CP1252 reads as Shift_JIS
 * (CP932) once encoded back to its original bytes. Every byte above 0x7F must
 * belong to a valid CP932 character, and at least two double-byte characters
 * must start with a lead byte in 0x81-0x9F, which CP1252 maps to punctuation.
 */
bool ky_xls__looks_like_cp932(const char *text, size_t len);

#endif
