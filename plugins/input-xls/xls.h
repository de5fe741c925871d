/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the xls reader, shared by its source files: the read
 * state, the sheet streamer, the code page check, the child process that runs
 * FreeXL and the record stream it sends to the parent.
 */
#ifndef KYOKUN_XLS_H
#define KYOKUN_XLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/ky_text.h"
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

/**
 * Open `file` with FreeXL, check it and stream every worksheet to `sink`.
 * Runs only in the child process, because FreeXL 1.0.6 has memory errors on
 * crafted files. `display` names the input in messages.
 * @return 0 or a negative status with the error set on `ctx`.
 */
int ky_xls__read_freexl(ky_ctx *ctx, const char *file, const char *display, const ky_sink *sink,
                        void *payload);

/** The file the child process opens. */
typedef struct xls_input {
    const char *path; /**< Path to open when `fd` is negative. */
    int fd;           /**< When not negative, the child opens /proc/self/fd/<fd>. */
} xls_input;

/**
 * Read a workbook with FreeXL in a forked child process and deliver the
 * child's record stream to `sink`. A crash, a CPU time overrun or a broken
 * stream of the child becomes an error on `ctx`; it never reaches this
 * process. The child is always reaped before this returns.
 * @return 0 (also when the sink returned KY_SINK_STOP) or a negative status.
 */
int ky_xls__read_isolated(ky_ctx *ctx, const xls_input *input, const char *display,
                          const ky_sink *sink, void *payload);

/*
 * The record stream from the child to the parent. Each record is a 5-byte
 * header (type, then the payload length as a little-endian uint32) and its
 * payload. Integers are little-endian; a number is the uint64 bit pattern of
 * an IEEE double. A string is a uint32 byte length, the bytes and a NUL byte;
 * the length XLS_STREAM_NO_STRING stands for a NULL pointer and has no bytes.
 *
 *   SHEET_BEGIN  u32 index, u8 visibility, string name
 *   ROW          u32 row, u32 cell count, then per cell: u32 col, u8 type,
 *                u8 date kind, u32 flags, u64 number, string text (or NULL)
 *   MERGE        u32 first row, first col, last row, last col
 *   SHEET_END    (empty)
 *   DIAG         u8 severity, string code, string sheet (or NULL),
 *                u32 row, u32 col, string message
 *   FINAL        i32 status, string sheet (or NULL), u32 row, u32 col,
 *                string message (or NULL when the status is 0)
 *
 * FINAL is always the last record. The parent checks every length against
 * the limits below and every index, type and order against the ky_sink
 * contract, so a broken child cannot make it read out of bounds.
 */
enum {
    XLS_RECORD_SHEET_BEGIN = 1,
    XLS_RECORD_ROW = 2,
    XLS_RECORD_MERGE = 3,
    XLS_RECORD_SHEET_END = 4,
    XLS_RECORD_DIAG = 5,
    XLS_RECORD_FINAL = 6
};

#define XLS_STREAM_HEADER_SIZE 5u
#define XLS_STREAM_NO_STRING 0xFFFFFFFFu
/** Bytes of one cell text: a BIFF string has at most 65535 characters of up to 3 UTF-8 bytes. */
#define XLS_STREAM_MAX_TEXT (256u * 1024u)
/** Bytes of a sheet name: BIFF sheet names have at most 255 characters. */
#define XLS_STREAM_MAX_NAME 4096u
/** Bytes of a diagnostic code such as "xls.invalid-date". */
#define XLS_STREAM_MAX_CODE 64u
/** Bytes of a message. The child truncates longer ones at a UTF-8 character boundary. */
#define XLS_STREAM_MAX_MESSAGE (16u * 1024u)

/** Writer of the record stream in the child process. */
typedef struct xls_encoder {
    ky_ctx *ctx; /**< Receives the errors of the encoding sink. */
    int fd;      /**< Pipe to the parent, or -1 to keep every record in `out` (tests). */
    ky_buf out;  /**< Records not yet written to `fd`. */
    bool failed; /**< A write to `fd` failed or memory ran out; later records are dropped. */
} xls_encoder;

/** Sink that encodes each call as a record, with an xls_encoder as its payload. */
extern const ky_sink ky_xls__encoder_sink;

void ky_xls__encoder_init(xls_encoder *encoder, ky_ctx *ctx, int fd);
void ky_xls__encoder_free(xls_encoder *encoder);

/** Diagnostic handler (ky_diag_fn) that encodes each diagnostic, with an xls_encoder as its payload. */
void ky_xls__encode_diag(const ky_diag *diag, void *payload);

/** Encode the FINAL record: `status` and, when it is negative, `error` (which may be NULL). */
void ky_xls__encode_final(xls_encoder *encoder, int status, const ky_error *error);

/** Write the buffered records to the pipe. @return 0, or KY_EIO when the encoder failed. */
int ky_xls__encoder_flush(xls_encoder *encoder);

/** Reader of the record stream in the parent process. */
typedef struct xls_decoder {
    ky_ctx *ctx;
    const char *path; /**< Names the input in messages. */
    const ky_sink *sink;
    void *payload;

    unsigned char header[XLS_STREAM_HEADER_SIZE];
    size_t header_len;
    unsigned char *frame;  /**< Payload of the current record. */
    size_t frame_len;      /**< Payload bytes received so far. */
    size_t frame_size;     /**< Payload bytes announced by the header. */
    size_t frame_capacity;
    uint64_t offset;       /**< Stream bytes consumed so far. */
    uint64_t frame_offset; /**< Stream offset of the current record's header. */

    ky_cell *cells;        /**< One row, XLS_MAX_COLS entries. */
    char *sheet_name;      /**< Copy of the open sheet's name, for messages. */
    uint32_t sheet_count;  /**< SHEET_BEGIN records seen. */
    bool in_sheet;
    bool skipping;         /**< The sink returned KY_SINK_SKIP_SHEET for the open sheet. */
    bool have_row;
    uint32_t last_row;
    bool final_seen;
    int final_status;
} xls_decoder;

void ky_xls__decoder_init(xls_decoder *decoder, ky_ctx *ctx, const char *path,
                          const ky_sink *sink, void *payload);
void ky_xls__decoder_free(xls_decoder *decoder);

/**
 * Decode the next bytes of the stream and call the sink for each complete
 * record. Records may be split anywhere between calls.
 * @return 0 to go on, KY_SINK_STOP when the sink asked to stop, or a
 *         negative status with the error set: a malformed record, a sink
 *         error, or bytes after the FINAL record.
 */
int ky_xls__decoder_feed(xls_decoder *decoder, const unsigned char *bytes, size_t len);

/**
 * Check the end of the stream.
 * @return The status of the FINAL record (its error is already set on the
 *         context), or KY_EPARSE when the stream ends inside a record or
 *         without a FINAL record.
 */
int ky_xls__decoder_finish(xls_decoder *decoder);

#endif
