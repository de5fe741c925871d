/* SPDX-License-Identifier: MIT */
/*
 * The record stream between the FreeXL child process and the parent (the
 * format is described in xls.h). The encoder runs in the child and turns
 * sink calls and diagnostics into records. The decoder runs in the parent,
 * trusts nothing in the stream, and calls the real sink.
 *
 * This file uses only libkyokun, so that the unit tests can include it and
 * feed the decoder byte buffers directly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kyokun/i18n.h"
#include "xls.h"

/* The encoder writes to the pipe once this many bytes are buffered. */
#define ENCODER_FLUSH_SIZE (64u * 1024u)

/* Bytes of an encoded string of up to `max` bytes: length, bytes, NUL. */
#define STRING_SIZE(max) (4u + (max) + 1u)
/* Bytes of one encoded cell with the longest text. */
#define CELL_SIZE (4u + 1u + 1u + 4u + 8u + STRING_SIZE(XLS_STREAM_MAX_TEXT))

/* ------------------------------------------------------------------------ */
/* Encoder (child process)                                                  */
/* ------------------------------------------------------------------------ */

void ky_xls__encoder_init(xls_encoder *encoder, ky_ctx *ctx, int fd)
{
    memset(encoder, 0, sizeof *encoder);
    encoder->ctx = ctx;
    encoder->fd = fd;
}

void ky_xls__encoder_free(xls_encoder *encoder)
{
    ky_buf_free(&encoder->out);
}

static void put_bytes(xls_encoder *encoder, const void *bytes, size_t len)
{
    if (!encoder->failed && len > 0 && ky_buf_append(&encoder->out, bytes, len) != 0)
        encoder->failed = true;
}

static void put_u8(xls_encoder *encoder, unsigned value)
{
    unsigned char byte = (unsigned char)value;
    put_bytes(encoder, &byte, 1);
}

static void put_u32(xls_encoder *encoder, uint32_t value)
{
    unsigned char bytes[4];
    for (int i = 0; i < 4; i++)
        bytes[i] = (unsigned char)(value >> (8 * i));
    put_bytes(encoder, bytes, 4);
}

static void put_u64(xls_encoder *encoder, uint64_t value)
{
    put_u32(encoder, (uint32_t)value);
    put_u32(encoder, (uint32_t)(value >> 32));
}

/* Put a string, or the NULL marker when `text` is NULL. The caller checks the length. */
static void put_string(xls_encoder *encoder, const char *text, size_t len)
{
    if (!text) {
        put_u32(encoder, XLS_STREAM_NO_STRING);
        return;
    }
    put_u32(encoder, (uint32_t)len);
    put_bytes(encoder, text, len);
    put_u8(encoder, 0);
}

/* Shorten a message to at most `max` bytes without splitting a UTF-8 character. */
static size_t clip_message(const char *text, size_t max)
{
    size_t len = strlen(text);
    if (len <= max)
        return len;
    len = max;
    while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
        len--;
    return len;
}

/* Start a record: reserve its header, whose length finish_record() fills in. */
static size_t start_record(xls_encoder *encoder, unsigned type)
{
    size_t start = encoder->out.len;
    put_u8(encoder, type);
    put_u32(encoder, 0);
    return start;
}

/* Fill in the payload length of the record that starts at `start`, then flush when due. */
static int finish_record(xls_encoder *encoder, size_t start)
{
    if (encoder->failed)
        return KY_EIO;
    size_t len = encoder->out.len - start - XLS_STREAM_HEADER_SIZE;
    unsigned char *header = (unsigned char *)encoder->out.data + start;
    for (int i = 0; i < 4; i++)
        header[1 + i] = (unsigned char)(len >> (8 * i));
    if (encoder->fd >= 0 && encoder->out.len >= ENCODER_FLUSH_SIZE)
        return ky_xls__encoder_flush(encoder);
    return 0;
}

int ky_xls__encoder_flush(xls_encoder *encoder)
{
    size_t done = 0;

    while (!encoder->failed && encoder->fd >= 0 && done < encoder->out.len) {
        ssize_t n = write(encoder->fd, encoder->out.data + done, encoder->out.len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            encoder->failed = true;
        else
            done += (size_t)n;
    }
    if (encoder->fd >= 0)
        ky_buf_clear(&encoder->out);
    return encoder->failed ? KY_EIO : 0;
}

static int encode_sheet_begin(void *payload, const ky_sheet_info *sheet)
{
    xls_encoder *encoder = payload;
    const char *name = sheet->name ? sheet->name : "";
    size_t name_len = strlen(name);
    if (name_len > XLS_STREAM_MAX_NAME)
        return ky_error_set(encoder->ctx, KY_ELIMIT, NULL,
                            KY_("the xls reader found a sheet name of %zu bytes, more than the "
                                "%u bytes it passes on; the file is damaged or crafted"),
                            name_len, XLS_STREAM_MAX_NAME);

    size_t start = start_record(encoder, XLS_RECORD_SHEET_BEGIN);
    put_u32(encoder, sheet->index);
    put_u8(encoder, (unsigned)sheet->visibility);
    put_string(encoder, name, name_len);
    return finish_record(encoder, start);
}

static int encode_row(void *payload, uint32_t row, const ky_cell *cells, size_t count)
{
    xls_encoder *encoder = payload;
    if (count > XLS_MAX_COLS)
        return ky_error_set(encoder->ctx, KY_ELIMIT, NULL,
                            KY_("the xls reader found a row with %zu cells, more than the %u "
                                "columns of a BIFF sheet"),
                            count, XLS_MAX_COLS);
    for (size_t i = 0; i < count; i++)
        if (cells[i].text && cells[i].len > XLS_STREAM_MAX_TEXT)
            return ky_error_set(encoder->ctx, KY_ELIMIT, NULL,
                                KY_("the xls reader found a cell text of %zu bytes, more than "
                                    "the %u bytes it passes on; the file is damaged or crafted"),
                                cells[i].len, XLS_STREAM_MAX_TEXT);

    size_t start = start_record(encoder, XLS_RECORD_ROW);
    put_u32(encoder, row);
    put_u32(encoder, (uint32_t)count);
    for (size_t i = 0; i < count; i++) {
        uint64_t bits;
        memcpy(&bits, &cells[i].number, sizeof bits);
        put_u32(encoder, cells[i].col);
        put_u8(encoder, (unsigned)cells[i].type);
        put_u8(encoder, (unsigned)cells[i].date_kind);
        put_u32(encoder, cells[i].flags);
        put_u64(encoder, bits);
        put_string(encoder, cells[i].text, cells[i].len);
    }
    return finish_record(encoder, start);
}

static int encode_merge(void *payload, const ky_range *range)
{
    xls_encoder *encoder = payload;
    size_t start = start_record(encoder, XLS_RECORD_MERGE);
    put_u32(encoder, range->first_row);
    put_u32(encoder, range->first_col);
    put_u32(encoder, range->last_row);
    put_u32(encoder, range->last_col);
    return finish_record(encoder, start);
}

static int encode_sheet_end(void *payload)
{
    xls_encoder *encoder = payload;
    return finish_record(encoder, start_record(encoder, XLS_RECORD_SHEET_END));
}

const ky_sink ky_xls__encoder_sink = {
    .version = KY_SINK_VERSION,
    .sheet_begin = encode_sheet_begin,
    .row = encode_row,
    .merge = encode_merge,
    .sheet_end = encode_sheet_end,
};

/* Put a location's sheet, row and column; a sheet name the stream cannot carry is left out. */
static void put_location(xls_encoder *encoder, const ky_loc *loc)
{
    const char *sheet = loc ? loc->sheet : NULL;
    size_t sheet_len = sheet ? strlen(sheet) : 0;
    if (sheet_len > XLS_STREAM_MAX_NAME)
        sheet = NULL;
    put_string(encoder, sheet, sheet_len);
    put_u32(encoder, loc ? loc->row : 0);
    put_u32(encoder, loc ? loc->col : 0);
}

void ky_xls__encode_diag(const ky_diag *diag, void *payload)
{
    xls_encoder *encoder = payload;
    const char *code = diag->code ? diag->code : "";
    size_t code_len = strlen(code);
    if (code_len > XLS_STREAM_MAX_CODE)
        code_len = XLS_STREAM_MAX_CODE;
    const char *message = diag->message ? diag->message : "";

    size_t start = start_record(encoder, XLS_RECORD_DIAG);
    put_u8(encoder, (unsigned)diag->severity);
    put_string(encoder, code, code_len);
    put_location(encoder, &diag->loc);
    put_string(encoder, message, clip_message(message, XLS_STREAM_MAX_MESSAGE));
    finish_record(encoder, start);
}

void ky_xls__encode_final(xls_encoder *encoder, int status, const ky_error *error)
{
    size_t start = start_record(encoder, XLS_RECORD_FINAL);
    put_u32(encoder, (uint32_t)status);
    if (status < 0) {
        const char *message = error && error->message[0] ? error->message
                                                          : ky_strerror(status);
        put_location(encoder, error ? &error->loc : NULL);
        put_string(encoder, message, clip_message(message, XLS_STREAM_MAX_MESSAGE));
    } else {
        put_location(encoder, NULL);
        put_string(encoder, NULL, 0);
    }
    finish_record(encoder, start);
}

/* ------------------------------------------------------------------------ */
/* Decoder (parent process)                                                 */
/* ------------------------------------------------------------------------ */

/* Reader of one record's payload; `ok` turns false at the first field that does not fit. */
typedef struct field_reader {
    const unsigned char *p;
    size_t left;
    bool ok;
} field_reader;

/* A decoded string: NULL when the record carried the NULL marker. */
typedef struct decoded_string {
    const char *text;
    size_t len;
} decoded_string;

static uint32_t get_u8(field_reader *in)
{
    if (!in->ok || in->left < 1) {
        in->ok = false;
        return 0;
    }
    in->left--;
    return *in->p++;
}

static uint32_t get_u32(field_reader *in)
{
    if (!in->ok || in->left < 4) {
        in->ok = false;
        return 0;
    }
    uint32_t value = in->p[0] | (uint32_t)in->p[1] << 8 | (uint32_t)in->p[2] << 16
                     | (uint32_t)in->p[3] << 24;
    in->p += 4;
    in->left -= 4;
    return value;
}

static uint64_t get_u64(field_reader *in)
{
    uint64_t low = get_u32(in);
    return low | (uint64_t)get_u32(in) << 32;
}

/*
 * Read a string of at most `max` bytes that ends in a NUL byte and contains
 * no other. The text points into the record, which stays alive while the
 * record is processed.
 */
static decoded_string get_string(field_reader *in, size_t max, bool allow_null)
{
    decoded_string out = {NULL, 0};
    uint32_t len = get_u32(in);
    if (!in->ok)
        return out;
    if (len == XLS_STREAM_NO_STRING) {
        in->ok = allow_null;
        return out;
    }
    if (len > max || in->left < (size_t)len + 1 || in->p[len] != 0
        || memchr(in->p, 0, len) != NULL) {
        in->ok = false;
        return out;
    }
    out.text = (const char *)in->p;
    out.len = len;
    in->p += (size_t)len + 1;
    in->left -= (size_t)len + 1;
    return out;
}

void ky_xls__decoder_init(xls_decoder *decoder, ky_ctx *ctx, const char *path,
                          const ky_sink *sink, void *payload)
{
    memset(decoder, 0, sizeof *decoder);
    decoder->ctx = ctx;
    decoder->path = path;
    decoder->sink = sink;
    decoder->payload = payload;
}

void ky_xls__decoder_free(xls_decoder *decoder)
{
    free(decoder->frame);
    free(decoder->cells);
    free(decoder->sheet_name);
    decoder->frame = NULL;
    decoder->cells = NULL;
    decoder->sheet_name = NULL;
}

/* Record that the stream is malformed at the current record; returns KY_EPARSE. */
static int malformed(xls_decoder *decoder, const char *reason)
{
    ky_loc loc = {.file = decoder->path, .sheet = decoder->in_sheet ? decoder->sheet_name : NULL};
    return ky_error_set(decoder->ctx, KY_EPARSE, &loc,
                        KY_("%s: the xls reader process sent an invalid record stream at byte "
                            "%llu: %s"),
                        decoder->path, (unsigned long long)decoder->frame_offset, reason);
}

/* Pass on a sink's reply: a negative one becomes the read's error unless the sink set one. */
static int sink_reply(xls_decoder *decoder, int rc, uint32_t row)
{
    if (rc < 0 && !ky_error_last(decoder->ctx)) {
        ky_loc loc = {.file = decoder->path, .sheet = decoder->sheet_name, .row = row};
        ky_error_set(decoder->ctx, rc, &loc, KY_("reading was stopped by the receiver"));
    }
    return rc;
}

/* Largest payload of each record type. */
static size_t max_payload(unsigned type)
{
    switch (type) {
    case XLS_RECORD_SHEET_BEGIN:
        return 4u + 1u + STRING_SIZE(XLS_STREAM_MAX_NAME);
    case XLS_RECORD_ROW:
        return 8u + (size_t)XLS_MAX_COLS * CELL_SIZE;
    case XLS_RECORD_MERGE:
        return 16u;
    case XLS_RECORD_SHEET_END:
        return 0u;
    case XLS_RECORD_DIAG:
        return 1u + STRING_SIZE(XLS_STREAM_MAX_CODE) + STRING_SIZE(XLS_STREAM_MAX_NAME) + 8u
               + STRING_SIZE(XLS_STREAM_MAX_MESSAGE);
    case XLS_RECORD_FINAL:
        return 4u + STRING_SIZE(XLS_STREAM_MAX_NAME) + 8u + STRING_SIZE(XLS_STREAM_MAX_MESSAGE);
    default:
        return 0u;
    }
}

static int decode_sheet_begin(xls_decoder *decoder, field_reader *in)
{
    uint32_t index = get_u32(in);
    uint32_t visibility = get_u8(in);
    decoded_string name = get_string(in, XLS_STREAM_MAX_NAME, false);
    if (!in->ok || in->left != 0)
        return malformed(decoder, KY_("a record has the wrong length"));
    if (decoder->in_sheet)
        return malformed(decoder, KY_("a sheet begins before the previous one ended"));
    if (index != decoder->sheet_count || index > 0xFFFFu)
        return malformed(decoder, KY_("a sheet index is out of order"));
    if (visibility > KY_SHEET_VERY_HIDDEN || !ky_utf8_valid(name.text, name.len))
        return malformed(decoder, KY_("a sheet header is invalid"));

    char *copy = ky_strndup(name.text, name.len);
    if (!copy) {
        ky_loc loc = {.file = decoder->path};
        return ky_error_set(decoder->ctx, KY_ENOMEM, &loc, KY_("out of memory while opening %s"),
                            decoder->path);
    }
    free(decoder->sheet_name);
    decoder->sheet_name = copy;
    decoder->sheet_count++;
    decoder->in_sheet = true;
    decoder->skipping = false;
    decoder->have_row = false;

    ky_sheet_info info = {.name = copy, .index = index, .visibility = (ky_visibility)visibility};
    int rc = decoder->sink->sheet_begin ? decoder->sink->sheet_begin(decoder->payload, &info) : 0;
    if (rc == KY_SINK_SKIP_SHEET) {
        decoder->skipping = true;
        return 0;
    }
    if (rc < 0 || rc == KY_SINK_STOP)
        return sink_reply(decoder, rc, 0);
    return 0;
}

/* Check one decoded cell against the ky_cell contract. */
static bool cell_valid(const ky_cell *cell)
{
    if (cell->type > KY_CELL_ERROR || cell->date_kind > KY_DATE_TIME)
        return false;
    if ((cell->flags & ~(uint32_t)(KY_CELL_FORMULA | KY_CELL_NO_CACHED)) != 0)
        return false;
    if (cell->type == KY_CELL_EMPTY && !(cell->flags & KY_CELL_NO_CACHED))
        return false;
    bool wants_text = cell->type == KY_CELL_TEXT || cell->type == KY_CELL_ERROR;
    if (wants_text != (cell->text != NULL))
        return false;
    return !cell->text || ky_utf8_valid(cell->text, cell->len);
}

static int decode_row(xls_decoder *decoder, field_reader *in)
{
    uint32_t row = get_u32(in);
    uint32_t count = get_u32(in);
    if (!in->ok)
        return malformed(decoder, KY_("a record has the wrong length"));
    if (!decoder->in_sheet)
        return malformed(decoder, KY_("a row arrives outside a sheet"));
    if (row >= XLS_MAX_ROWS_BIFF8 || (decoder->have_row && row <= decoder->last_row))
        return malformed(decoder, KY_("a row index is out of range or out of order"));
    if (count == 0 || count > XLS_MAX_COLS)
        return malformed(decoder, KY_("a row has no cells or more than 256"));
    if (!decoder->cells && !(decoder->cells = calloc(XLS_MAX_COLS, sizeof *decoder->cells))) {
        ky_loc loc = {.file = decoder->path};
        return ky_error_set(decoder->ctx, KY_ENOMEM, &loc, KY_("out of memory while opening %s"),
                            decoder->path);
    }

    for (uint32_t i = 0; i < count; i++) {
        ky_cell *cell = &decoder->cells[i];
        cell->col = get_u32(in);
        cell->type = (ky_cell_type)get_u8(in);
        cell->date_kind = (ky_date_kind)get_u8(in);
        cell->flags = get_u32(in);
        uint64_t bits = get_u64(in);
        memcpy(&cell->number, &bits, sizeof cell->number);
        decoded_string text = get_string(in, XLS_STREAM_MAX_TEXT, true);
        cell->text = text.text;
        cell->len = text.len;
        if (!in->ok)
            return malformed(decoder, KY_("a record has the wrong length"));
        if (cell->col >= XLS_MAX_COLS || (i > 0 && cell->col <= decoder->cells[i - 1].col))
            return malformed(decoder, KY_("a column index is out of range or out of order"));
        if (!cell_valid(cell))
            return malformed(decoder, KY_("a cell is invalid"));
    }
    if (in->left != 0)
        return malformed(decoder, KY_("a record has the wrong length"));
    decoder->have_row = true;
    decoder->last_row = row;

    if (decoder->skipping || !decoder->sink->row)
        return 0;
    int rc = decoder->sink->row(decoder->payload, row, decoder->cells, count);
    if (rc < 0 || rc == KY_SINK_STOP)
        return sink_reply(decoder, rc, row + 1);
    return 0;
}

static int decode_merge(xls_decoder *decoder, field_reader *in)
{
    ky_range range;
    range.first_row = get_u32(in);
    range.first_col = get_u32(in);
    range.last_row = get_u32(in);
    range.last_col = get_u32(in);
    if (!in->ok || in->left != 0)
        return malformed(decoder, KY_("a record has the wrong length"));
    if (!decoder->in_sheet)
        return malformed(decoder, KY_("a merged range arrives outside a sheet"));
    if (range.first_row > range.last_row || range.last_row >= XLS_MAX_ROWS_BIFF8
        || range.first_col > range.last_col || range.last_col >= XLS_MAX_COLS)
        return malformed(decoder, KY_("a merged range is invalid"));

    if (decoder->skipping || !decoder->sink->merge)
        return 0;
    int rc = decoder->sink->merge(decoder->payload, &range);
    if (rc < 0 || rc == KY_SINK_STOP)
        return sink_reply(decoder, rc, 0);
    return 0;
}

static int decode_sheet_end(xls_decoder *decoder)
{
    if (!decoder->in_sheet)
        return malformed(decoder, KY_("a sheet ends that did not begin"));
    decoder->in_sheet = false;
    int rc = decoder->sink->sheet_end ? decoder->sink->sheet_end(decoder->payload) : 0;
    if (rc < 0 || rc == KY_SINK_STOP)
        return sink_reply(decoder, rc, 0);
    return 0;
}

/* Return true when a diagnostic code has the form "xls.invalid-date". */
static bool code_valid(const decoded_string *code)
{
    if (code->len == 0)
        return false;
    for (size_t i = 0; i < code->len; i++) {
        char c = code->text[i];
        bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                       || c == '_';
        if (!allowed)
            return false;
    }
    return true;
}

static int decode_diag(xls_decoder *decoder, field_reader *in)
{
    uint32_t severity = get_u8(in);
    decoded_string code = get_string(in, XLS_STREAM_MAX_CODE, false);
    decoded_string sheet = get_string(in, XLS_STREAM_MAX_NAME, true);
    uint32_t row = get_u32(in);
    uint32_t col = get_u32(in);
    decoded_string message = get_string(in, XLS_STREAM_MAX_MESSAGE, false);
    if (!in->ok || in->left != 0)
        return malformed(decoder, KY_("a record has the wrong length"));
    if (severity > KY_SEV_ERROR || !code_valid(&code)
        || (sheet.text && !ky_utf8_valid(sheet.text, sheet.len)))
        return malformed(decoder, KY_("a diagnostic is invalid"));

    ky_loc loc = {.file = decoder->path, .sheet = sheet.text, .row = row, .col = col};
    ky_diag_emit(decoder->ctx, (ky_severity)severity, code.text, &loc, "%s", message.text);
    return 0;
}

static int decode_final(xls_decoder *decoder, field_reader *in)
{
    int32_t status = (int32_t)get_u32(in);
    decoded_string sheet = get_string(in, XLS_STREAM_MAX_NAME, true);
    uint32_t row = get_u32(in);
    uint32_t col = get_u32(in);
    decoded_string message = get_string(in, XLS_STREAM_MAX_MESSAGE, true);
    if (!in->ok || in->left != 0)
        return malformed(decoder, KY_("a record has the wrong length"));
    if (status > 0 || status < KY_EABI || (status < 0) != (message.text != NULL)
        || (sheet.text && !ky_utf8_valid(sheet.text, sheet.len)))
        return malformed(decoder, KY_("the final status is invalid"));
    /* A successful read ends every sheet it began. */
    if (status == 0 && decoder->in_sheet)
        return malformed(decoder, KY_("the stream ends inside a sheet"));

    decoder->final_seen = true;
    decoder->final_status = status;
    if (status < 0) {
        ky_loc loc = {.file = decoder->path, .sheet = sheet.text, .row = row, .col = col};
        ky_error_set(decoder->ctx, status, &loc, "%s", message.text);
    }
    return 0;
}

/* Check the header of the next record and make room for its payload. */
static int start_frame(xls_decoder *decoder)
{
    unsigned type = decoder->header[0];
    size_t size = decoder->header[1] | (size_t)decoder->header[2] << 8
                  | (size_t)decoder->header[3] << 16 | (size_t)decoder->header[4] << 24;
    if (type < XLS_RECORD_SHEET_BEGIN || type > XLS_RECORD_FINAL)
        return malformed(decoder, KY_("a record has an unknown type"));
    if (size > max_payload(type))
        return malformed(decoder, KY_("a record is longer than the limit of its type"));

    if (size > decoder->frame_capacity) {
        unsigned char *frame = realloc(decoder->frame, size);
        if (!frame) {
            ky_loc loc = {.file = decoder->path};
            return ky_error_set(decoder->ctx, KY_ENOMEM, &loc,
                                KY_("out of memory while opening %s"), decoder->path);
        }
        decoder->frame = frame;
        decoder->frame_capacity = size;
    }
    decoder->frame_size = size;
    decoder->frame_len = 0;
    return 0;
}

static int process_frame(xls_decoder *decoder)
{
    field_reader in = {.p = decoder->frame, .left = decoder->frame_size, .ok = true};

    switch (decoder->header[0]) {
    case XLS_RECORD_SHEET_BEGIN:
        return decode_sheet_begin(decoder, &in);
    case XLS_RECORD_ROW:
        return decode_row(decoder, &in);
    case XLS_RECORD_MERGE:
        return decode_merge(decoder, &in);
    case XLS_RECORD_SHEET_END:
        return decode_sheet_end(decoder);
    case XLS_RECORD_DIAG:
        return decode_diag(decoder, &in);
    default:
        return decode_final(decoder, &in);
    }
}

int ky_xls__decoder_feed(xls_decoder *decoder, const unsigned char *bytes, size_t len)
{
    while (len > 0) {
        if (decoder->final_seen) {
            decoder->frame_offset = decoder->offset;
            return malformed(decoder, KY_("bytes follow the final status"));
        }

        if (decoder->header_len < XLS_STREAM_HEADER_SIZE) {
            if (decoder->header_len == 0)
                decoder->frame_offset = decoder->offset;
            size_t take = XLS_STREAM_HEADER_SIZE - decoder->header_len;
            if (take > len)
                take = len;
            memcpy(decoder->header + decoder->header_len, bytes, take);
            decoder->header_len += take;
            decoder->offset += take;
            bytes += take;
            len -= take;
            if (decoder->header_len < XLS_STREAM_HEADER_SIZE)
                break;
            int rc = start_frame(decoder);
            if (rc != 0)
                return rc;
        }

        size_t take = decoder->frame_size - decoder->frame_len;
        if (take > len)
            take = len;
        if (take > 0)
            memcpy(decoder->frame + decoder->frame_len, bytes, take);
        decoder->frame_len += take;
        decoder->offset += take;
        bytes += take;
        len -= take;
        if (decoder->frame_len < decoder->frame_size)
            break;

        /* A whole record, possibly of zero bytes, has arrived. */
        decoder->header_len = 0;
        int rc = process_frame(decoder);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int ky_xls__decoder_finish(xls_decoder *decoder)
{
    if (decoder->header_len > 0)
        return malformed(decoder, KY_("the stream ends inside a record"));
    if (!decoder->final_seen) {
        decoder->frame_offset = decoder->offset;
        return malformed(decoder, KY_("the stream ends without a final status"));
    }
    return decoder->final_status;
}
