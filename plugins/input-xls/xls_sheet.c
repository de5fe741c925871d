/* SPDX-License-Identifier: MIT */
/*
 * One worksheet substream: its cell records become typed cells, which are
 * buffered, sorted by row and column, and delivered to the sink row by row,
 * followed by the merged ranges.
 *
 * Cell records usually come in row order, but the format does not promise
 * it, so one sheet's cells are buffered before any row is delivered. Each
 * buffered cell comes from at least 6 bytes of records (one MULRK entry).
 * Text is copied only from LABEL, RSTRING and STRING records, because
 * shared strings are referenced by index. So the memory for one sheet is
 * bounded by a small multiple of the sheet's record bytes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_date.h"
#include "kyokun/i18n.h"
#include "xls.h"

/* Other records that may stand between a FORMULA record and its STRING record. */
#define XLS_SHRFMLA 0x04BC
#define XLS_ARRAY 0x0221
#define XLS_TABLE 0x0236

/* Where a buffered cell's text is. */
enum { TEXT_NONE = 0, TEXT_SHEET = 1, TEXT_SHARED = 2, TEXT_STATIC = 3 };

/* A buffered cell. */
typedef struct sheet_cell {
    uint32_t row;
    uint16_t col;
    uint8_t type;        /* ky_cell_type */
    uint8_t date_kind;   /* ky_date_kind */
    uint8_t flags;       /* KY_CELL_FORMULA, KY_CELL_NO_CACHED */
    uint8_t text_source; /* TEXT_* */
    uint32_t sequence;   /* record order, so that a later record for the same cell wins */
    double number;
    size_t text;         /* offset in the sheet text, shared string index, or error code */
    size_t len;
} sheet_cell;

/* State of one sheet read. */
typedef struct sheet_state {
    xls_reader *reader;
    const xls_sheet *sheet;
    uint32_t max_rows;
    sheet_cell *cells;
    size_t count;
    size_t capacity;
    ky_buf text;          /* LABEL, RSTRING and STRING text, each NUL-terminated */
    ky_range *merges;
    size_t merge_count;
    size_t merge_capacity;
    bool formula_pending; /* a FORMULA record announced a STRING record */
    sheet_cell pending;
} sheet_state;

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static double get_double(const unsigned char *p)
{
    uint64_t bits = (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

static int out_of_memory(sheet_state *state)
{
    ky_loc loc = {.file = state->reader->path, .sheet = state->sheet->name};
    return ky_error_set(state->reader->ctx, KY_ENOMEM, &loc, KY_("out of memory while opening %s"),
                        state->reader->path);
}

static void warn_cell(sheet_state *state, const char *code, uint32_t row, uint32_t col,
                      const char *message)
{
    ky_loc loc = {.file = state->reader->path, .sheet = state->sheet->name, .row = row + 1,
                  .col = col + 1};
    ky_diag_emit(state->reader->ctx, KY_SEV_WARNING, code, &loc, "%s", message);
}

/* Decode an RK number: a 30-bit integer or the top 30 bits of a double, maybe divided by 100. */
static double decode_rk(uint32_t rk)
{
    double value;
    if (rk & 0x02) {
        value = (double)((int32_t)rk >> 2);
    } else {
        uint64_t bits = (uint64_t)(rk & 0xFFFFFFFCu) << 32;
        memcpy(&value, &bits, sizeof value);
    }
    return rk & 0x01 ? value / 100 : value;
}

/* ------------------------------------------------------------------------ */
/* Buffering cells                                                            */
/* ------------------------------------------------------------------------ */

/* Check a cell position against the BIFF limits; rows and columns past them mean damage. */
static int check_position(sheet_state *state, uint32_t row, uint32_t col)
{
    if (row < state->max_rows && col < XLS_MAX_COLS)
        return 0;
    xls_reader *reader = state->reader;
    ky_loc loc = {.file = reader->path, .sheet = state->sheet->name, .row = row + 1,
                  .col = col + 1};
    return ky_error_set(reader->ctx, KY_ELIMIT, &loc,
                        KY_("sheet \"%s\" has a cell at row %u, column %u, outside the %u rows "
                            "and %u columns of the BIFF%u format; the file is damaged"),
                        state->sheet->name, row + 1, col + 1, state->max_rows, XLS_MAX_COLS,
                        reader->biff);
}

/* Append a cell; its position has been checked. */
static int push_cell(sheet_state *state, const sheet_cell *cell)
{
    if (state->count == state->capacity) {
        size_t capacity = state->capacity ? 2 * state->capacity : 256;
        sheet_cell *grown = realloc(state->cells, capacity * sizeof *grown);
        if (!grown)
            return out_of_memory(state);
        state->cells = grown;
        state->capacity = capacity;
    }
    state->cells[state->count] = *cell;
    state->cells[state->count].sequence = (uint32_t)state->count;
    state->count++;
    return 0;
}

/* Start a cell at a checked position. */
static int new_cell(sheet_state *state, uint32_t row, uint32_t col, sheet_cell *cell)
{
    memset(cell, 0, sizeof *cell);
    cell->row = row;
    cell->col = (uint16_t)col;
    return check_position(state, row, col);
}

/* Buffer a number, as a date when the cell's format shows a date or a time of day. */
static int add_number(sheet_state *state, uint32_t row, uint32_t col, unsigned xf, double value,
                      uint8_t flags)
{
    sheet_cell cell;
    int rc = new_cell(state, row, col, &cell);
    if (rc != 0)
        return rc;
    if (!isfinite(value)) {
        warn_cell(state, "xls.invalid-number", row, col,
                  KY_("the number is not finite (NaN or infinity); the cell is left empty"));
        return 0;
    }
    cell.type = KY_CELL_NUMBER;
    cell.number = value;
    cell.flags = flags;
    switch (ky_xls__xf_kind(state->reader, xf)) {
    case KY_NUMFMT_DATE:
        cell.type = KY_CELL_DATE;
        cell.date_kind = KY_DATE_DATE;
        break;
    case KY_NUMFMT_DATETIME:
        cell.type = KY_CELL_DATE;
        cell.date_kind = KY_DATE_DATETIME;
        break;
    case KY_NUMFMT_TIME:
        /* A time of day has no date part, so the date system does not shift it. */
        cell.type = KY_CELL_DATE;
        cell.date_kind = KY_DATE_TIME;
        return push_cell(state, &cell);
    default:
        /* Plain numbers and durations ([h]:mm:ss) stay numbers. */
        return push_cell(state, &cell);
    }
    if (state->reader->date1904)
        cell.number += KY_DATE_1904_OFFSET;
    return push_cell(state, &cell);
}

/* Warn once per file when 8-bit text decoded as CP1252 reads as Shift_JIS. */
static void check_codepage(sheet_state *state, const char *text, size_t len, uint32_t row,
                           uint32_t col)
{
    xls_reader *reader = state->reader;
    if (!reader->check_mojibake || reader->mojibake_reported
        || !ky_xls__looks_like_cp932(text, len))
        return;
    reader->mojibake_reported = true;
    warn_cell(state, "xls.codepage-mismatch", row, col,
              KY_("text was decoded as Windows-1252, as the workbook's CODEPAGE record "
                  "specifies, but reads as Japanese Shift_JIS (CP932) text: the record is "
                  "probably wrong: read it again with --encoding cp932"));
}

/* Buffer the UTF-8 text in reader->scratch. Empty text is dropped unless it is a formula's result. */
static int add_scratch_text(sheet_state *state, uint32_t row, uint32_t col, uint8_t flags)
{
    ky_buf *scratch = &state->reader->scratch;
    sheet_cell cell;
    int rc = new_cell(state, row, col, &cell);
    if (rc != 0)
        return rc;
    if (scratch->len == 0 && !(flags & KY_CELL_FORMULA))
        return 0;
    if (scratch->len > 0)
        check_codepage(state, scratch->data, scratch->len, row, col);

    cell.type = KY_CELL_TEXT;
    cell.flags = flags;
    cell.text_source = TEXT_SHEET;
    cell.text = state->text.len;
    cell.len = scratch->len;
    if (ky_buf_append(&state->text, scratch->data ? scratch->data : "", scratch->len) != 0
        || ky_buf_putc(&state->text, '\0') != 0)
        return out_of_memory(state);
    return push_cell(state, &cell);
}

/* Error codes of BOOLERR and FORMULA records, and their text. */
static const char *error_text(unsigned code)
{
    switch (code) {
    case 0x00:
        return "#NULL!";
    case 0x07:
        return "#DIV/0!";
    case 0x0F:
        return "#VALUE!";
    case 0x17:
        return "#REF!";
    case 0x1D:
        return "#NAME?";
    case 0x24:
        return "#NUM!";
    case 0x2A:
        return "#N/A";
    case 0x2B:
        return "#GETTING_DATA";
    default:
        /* NOTE: Excel writes no other codes; an invalid one is shown as #N/A. */
        return "#N/A";
    }
}

/* Buffer a boolean (`is_error` false) or an error value. */
static int add_bool_or_error(sheet_state *state, uint32_t row, uint32_t col, unsigned value,
                             bool is_error, uint8_t flags)
{
    sheet_cell cell;
    int rc = new_cell(state, row, col, &cell);
    if (rc != 0)
        return rc;
    cell.flags = flags;
    if (is_error) {
        cell.type = KY_CELL_ERROR;
        cell.text_source = TEXT_STATIC;
        cell.text = value;
    } else {
        cell.type = KY_CELL_BOOL;
        cell.number = value ? 1 : 0;
    }
    return push_cell(state, &cell);
}

/* Buffer a formula that has no usable cached value. */
static int add_no_cached(sheet_state *state, uint32_t row, uint32_t col)
{
    sheet_cell cell;
    int rc = new_cell(state, row, col, &cell);
    if (rc != 0)
        return rc;
    cell.type = KY_CELL_EMPTY;
    cell.flags = KY_CELL_FORMULA | KY_CELL_NO_CACHED;
    return push_cell(state, &cell);
}

/* ------------------------------------------------------------------------ */
/* Cell records                                                               */
/* ------------------------------------------------------------------------ */

static int read_labelsst(sheet_state *state, const xls_record *record)
{
    if (record->len < 10)
        return ky_xls__bad_record(state->reader, record, KY_N_("a BIFF record is invalid"));
    uint32_t row = get16(record->data), col = get16(record->data + 2);
    uint32_t index = get32(record->data + 6);
    sheet_cell cell;
    int rc = new_cell(state, row, col, &cell);
    if (rc != 0)
        return rc;

    const xls_reader *reader = state->reader;
    if (index >= reader->sst_count) {
        warn_cell(state, "xls.bad-shared-string", row, col,
                  KY_("the cell's shared string index is not in the shared string table; the "
                      "cell is left empty"));
        return 0;
    }
    size_t start = reader->sst_offsets[index];
    size_t len = reader->sst_offsets[index + 1] - start - 1;
    if (len == 0)
        return 0;
    cell.type = KY_CELL_TEXT;
    cell.text_source = TEXT_SHARED;
    cell.text = start;
    cell.len = len;
    return push_cell(state, &cell);
}

/*
 * Decode the string of a LABEL, RSTRING or STRING record into reader->scratch:
 * in BIFF8 an XLUnicodeString that may go on in CONTINUE records, in BIFF5 a
 * 16-bit length and 8-bit text in the code page.
 */
static int decode_record_string(sheet_state *state, const xls_record *record, size_t skip,
                                const xls_segment *segments, size_t count)
{
    xls_reader *reader = state->reader;
    ky_buf_clear(&reader->scratch);
    if (reader->biff == 8) {
        xls_cursor cursor;
        ky_xls__cursor_init(&cursor, segments, count);
        if (!ky_xls__cursor_skip(&cursor, skip)
            || !ky_xls__read_unicode(reader, &cursor, false, &reader->scratch))
            return ky_xls__bad_record(reader, record, KY_N_("a BIFF record is invalid"));
        return 0;
    }
    if (record->len < skip + 2)
        return ky_xls__bad_record(reader, record, KY_N_("a BIFF record is invalid"));
    size_t len = get16(record->data + skip);
    if (len > record->len - skip - 2)
        return ky_xls__bad_record(reader, record, KY_N_("a BIFF record is invalid"));
    if (ky_xls__decode_8bit(reader, record->data + skip + 2, len, &reader->scratch) != 0)
        return out_of_memory(state);
    return 0;
}

/* LABEL and RSTRING: row, column, XF, then the string (RSTRING's runs after it are ignored). */
static int read_label(sheet_state *state, const xls_record *record)
{
    if (record->len < 8)
        return ky_xls__bad_record(state->reader, record, KY_N_("a BIFF record is invalid"));
    uint32_t row = get16(record->data), col = get16(record->data + 2);
    int rc = check_position(state, row, col);
    if (rc != 0)
        return rc;
    xls_segment segment = {record->data, record->len};
    rc = decode_record_string(state, record, 6, &segment, 1);
    if (rc != 0)
        return rc;
    return add_scratch_text(state, row, col, 0);
}

static int read_number(sheet_state *state, const xls_record *record)
{
    if (record->len < 14)
        return ky_xls__bad_record(state->reader, record, KY_N_("a BIFF record is invalid"));
    return add_number(state, get16(record->data), get16(record->data + 2),
                      get16(record->data + 4), get_double(record->data + 6), 0);
}

static int read_rk(sheet_state *state, const xls_record *record)
{
    if (record->len < 10)
        return ky_xls__bad_record(state->reader, record, KY_N_("a BIFF record is invalid"));
    return add_number(state, get16(record->data), get16(record->data + 2),
                      get16(record->data + 4), decode_rk(get32(record->data + 6)), 0);
}

/* MULRK: row, first column, then an XF and an RK value per column, then the last column. */
static int read_mulrk(sheet_state *state, const xls_record *record)
{
    if (record->len < 12)
        return ky_xls__bad_record(state->reader, record, KY_N_("a BIFF record is invalid"));
    uint32_t row = get16(record->data), first = get16(record->data + 2);
    size_t entries = (record->len - 6) / 6;
    for (size_t i = 0; i < entries; i++) {
        const unsigned char *entry = record->data + 4 + 6 * i;
        int rc = add_number(state, row, first + (uint32_t)i, get16(entry),
                            decode_rk(get32(entry + 2)), 0);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* BOOLERR: row, column, XF, the value, then 1 when the value is an error code. */
static int read_boolerr(sheet_state *state, const xls_record *record)
{
    if (record->len < 8)
        return ky_xls__bad_record(state->reader, record, KY_N_("a BIFF record is invalid"));
    return add_bool_or_error(state, get16(record->data), get16(record->data + 2),
                             record->data[6], record->data[7] != 0, 0);
}

/*
 * FORMULA: row, column, XF, then the cached result in 8 bytes. Unless its
 * last two bytes are FF FF, the result is a double. Otherwise byte 0 gives
 * its type: 0 text (in the STRING record that follows), 1 boolean and 2 error
 * (the value in byte 2), 3 empty text.
 */
static int read_formula(sheet_state *state, const xls_record *record)
{
    if (record->len < 14)
        return ky_xls__bad_record(state->reader, record, KY_N_("a BIFF record is invalid"));
    uint32_t row = get16(record->data), col = get16(record->data + 2);
    unsigned xf = get16(record->data + 4);
    const unsigned char *result = record->data + 6;

    if (result[6] != 0xFF || result[7] != 0xFF)
        return add_number(state, row, col, xf, get_double(result), KY_CELL_FORMULA);
    switch (result[0]) {
    case 0: {
        int rc = new_cell(state, row, col, &state->pending);
        if (rc != 0)
            return rc;
        state->formula_pending = true;
        return 0;
    }
    case 1:
        return add_bool_or_error(state, row, col, result[2], false, KY_CELL_FORMULA);
    case 2:
        return add_bool_or_error(state, row, col, result[2], true, KY_CELL_FORMULA);
    case 3:
        ky_buf_clear(&state->reader->scratch);
        return add_scratch_text(state, row, col, KY_CELL_FORMULA);
    default:
        return add_no_cached(state, row, col);
    }
}

/* STRING: the text result of the FORMULA record before it. */
static int read_string(sheet_state *state, const xls_record *record, size_t *pos)
{
    xls_segment *segments;
    size_t count;
    int rc = ky_xls__gather_continues(state->reader, record, pos, &segments, &count);
    if (rc != 0)
        return rc;
    if (!state->formula_pending) {
        free(segments);
        return 0;
    }
    state->formula_pending = false;
    rc = decode_record_string(state, record, 0, segments, count);
    free(segments);
    if (rc != 0)
        return rc;
    return add_scratch_text(state, state->pending.row, state->pending.col, KY_CELL_FORMULA);
}

/* MERGEDCELLS: a count, then first row, last row, first column, last column per range. */
static int read_merged_cells(sheet_state *state, const xls_record *record)
{
    if (record->len < 2)
        return ky_xls__bad_record(state->reader, record, KY_N_("a BIFF record is invalid"));
    size_t count = get16(record->data);
    if (count > (record->len - 2) / 8)
        count = (record->len - 2) / 8;
    if (state->merge_capacity - state->merge_count < count) {
        size_t capacity = 2 * (state->merge_capacity + count);
        ky_range *grown = realloc(state->merges, capacity * sizeof *grown);
        if (!grown)
            return out_of_memory(state);
        state->merges = grown;
        state->merge_capacity = capacity;
    }
    for (size_t i = 0; i < count; i++) {
        const unsigned char *p = record->data + 2 + 8 * i;
        ky_range range = {.first_row = get16(p), .last_row = get16(p + 2),
                          .first_col = get16(p + 4), .last_col = get16(p + 6)};
        /* Ranges that are reversed or leave the sheet are dropped. */
        if (range.first_row > range.last_row || range.first_col > range.last_col
            || range.last_row >= state->max_rows || range.last_col >= XLS_MAX_COLS)
            continue;
        state->merges[state->merge_count++] = range;
    }
    return 0;
}

/* Reserve room for the cells that DIMENSIONS declares, within what the records can hold. */
static int reserve_from_dimensions(sheet_state *state, const xls_record *record, size_t pos)
{
    uint64_t rows, cols;
    if (state->reader->biff == 8 && record->len >= 12) {
        rows = (uint64_t)get32(record->data + 4) - get32(record->data);
        cols = (uint64_t)get16(record->data + 10) - get16(record->data + 8);
    } else if (record->len >= 8) {
        rows = (uint64_t)get16(record->data + 2) - get16(record->data);
        cols = (uint64_t)get16(record->data + 6) - get16(record->data + 4);
    } else {
        return 0;
    }
    /* Only a hint: a reversed range wraps around and is capped like any other. */
    uint64_t wanted = rows * (cols & 0xFFFF);
    uint64_t possible = (state->reader->stream_size - pos) / 6;
    if (wanted > possible)
        wanted = possible;
    if (wanted > 1u << 20)
        wanted = 1u << 20;
    if (wanted <= state->capacity)
        return 0;
    sheet_cell *grown = realloc(state->cells, (size_t)wanted * sizeof *grown);
    if (!grown)
        return 0;
    state->cells = grown;
    state->capacity = (size_t)wanted;
    return 0;
}

/* Buffer the cells and merged ranges of the sheet substream that starts at `start`. */
static int collect_cells(sheet_state *state, size_t start)
{
    xls_reader *reader = state->reader;
    size_t pos = start;
    xls_record record;
    int rc = ky_xls__next_record(reader, &pos, &record);
    if (rc < 0)
        return rc;
    if (rc == 0 || record.id != XLS_BOF || record.len < 4) {
        ky_loc loc = {.file = reader->path, .sheet = state->sheet->name};
        return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                            KY_("%s is not a readable .xls workbook: sheet \"%s\" has no BOF "
                                "record at stream offset %lu"),
                            reader->path, state->sheet->name, (unsigned long)start);
    }
    unsigned substream = get16(record.data + 2);
    if (substream == XLS_SUBSTREAM_CHART || substream == XLS_SUBSTREAM_MACRO)
        return 0;

    /* Charts embedded in the sheet are nested BOF ... EOF substreams. */
    unsigned depth = 0;
    while ((rc = ky_xls__next_record(reader, &pos, &record)) > 0) {
        /* Sheet substreams of a sound file do not overlap, so all sheet reads together
           walk at most the stream once. More means BOUNDSHEET offsets that share
           records, which could make reading take time quadratic in the file size. */
        if (reader->sheet_bytes_read + (pos - start) > reader->stream_size)
            return ky_xls__bad_record(reader, &record,
                                      KY_N_("the sheets' substreams overlap"));
        if (record.id == XLS_BOF) {
            depth++;
            continue;
        }
        if (record.id == XLS_EOF) {
            if (depth == 0)
                break;
            depth--;
            continue;
        }
        if (depth > 0)
            continue;
        if (state->formula_pending && record.id != XLS_STRING && record.id != XLS_SHRFMLA
            && record.id != XLS_ARRAY && record.id != XLS_TABLE && record.id != XLS_CONTINUE) {
            /* The STRING record that should hold the formula's text is missing. */
            state->formula_pending = false;
            rc = add_no_cached(state, state->pending.row, state->pending.col);
            if (rc != 0)
                return rc;
        }

        switch (record.id) {
        case XLS_LABELSST:
            rc = read_labelsst(state, &record);
            break;
        case XLS_LABEL:
        case XLS_RSTRING:
            rc = read_label(state, &record);
            break;
        case XLS_NUMBER:
            rc = read_number(state, &record);
            break;
        case XLS_RK:
            rc = read_rk(state, &record);
            break;
        case XLS_MULRK:
            rc = read_mulrk(state, &record);
            break;
        case XLS_BOOLERR:
            rc = read_boolerr(state, &record);
            break;
        case XLS_FORMULA:
            rc = read_formula(state, &record);
            break;
        case XLS_STRING:
            rc = read_string(state, &record, &pos);
            break;
        case XLS_MERGEDCELLS:
            rc = read_merged_cells(state, &record);
            break;
        case XLS_DIMENSIONS:
            rc = reserve_from_dimensions(state, &record, pos);
            break;
        default:
            /* BLANK and MULBLANK carry only formats; other records carry no values. */
            rc = 0;
            break;
        }
        if (rc != 0)
            return rc;
    }
    if (rc < 0)
        return rc;
    reader->sheet_bytes_read += pos - start;
    if (state->formula_pending) {
        state->formula_pending = false;
        return add_no_cached(state, state->pending.row, state->pending.col);
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Delivery                                                                   */
/* ------------------------------------------------------------------------ */

static int compare_cells(const void *a, const void *b)
{
    const sheet_cell *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->sequence < y->sequence ? -1 : x->sequence > y->sequence;
}

/* Turn a buffered cell into a ky_cell whose text points into the sheet or the shared strings. */
static void fill_cell(const sheet_state *state, const sheet_cell *in, ky_cell *out)
{
    memset(out, 0, sizeof *out);
    out->col = in->col;
    out->type = (ky_cell_type)in->type;
    out->date_kind = (ky_date_kind)in->date_kind;
    out->flags = in->flags;
    out->number = in->number;
    switch (in->text_source) {
    case TEXT_SHEET:
        out->text = state->text.data + in->text;
        out->len = in->len;
        break;
    case TEXT_SHARED:
        out->text = state->reader->sst_text.data + in->text;
        out->len = in->len;
        break;
    case TEXT_STATIC:
        out->text = error_text((unsigned)in->text);
        out->len = strlen(out->text);
        break;
    default:
        break;
    }
}

/* Report a negative sink status unless the sink already set an error. */
static int sink_failed(sheet_state *state, int rc, uint32_t row)
{
    if (!ky_error_last(state->reader->ctx)) {
        ky_loc loc = {.file = state->reader->path, .sheet = state->sheet->name, .row = row};
        ky_error_set(state->reader->ctx, rc, &loc, KY_("reading was stopped by the receiver"));
    }
    return rc;
}

/* Sort the buffered cells and deliver them row by row, then the merged ranges. */
static int deliver(sheet_state *state)
{
    const ky_sink *sink = state->reader->sink;
    void *payload = state->reader->payload;
    ky_cell row_cells[XLS_MAX_COLS];

    if (state->count > 1)
        qsort(state->cells, state->count, sizeof *state->cells, compare_cells);
    size_t i = 0;
    while (i < state->count) {
        uint32_t row = state->cells[i].row;
        size_t n = 0;
        for (; i < state->count && state->cells[i].row == row; i++) {
            /* Of several records for one cell, the last one wins. */
            if (i + 1 < state->count && state->cells[i + 1].row == row
                && state->cells[i + 1].col == state->cells[i].col)
                continue;
            fill_cell(state, &state->cells[i], &row_cells[n++]);
        }
        int rc = sink->row ? sink->row(payload, row, row_cells, n) : 0;
        if (rc < 0)
            return sink_failed(state, rc, row + 1);
        if (rc == KY_SINK_STOP)
            return KY_SINK_STOP;
    }

    for (size_t m = 0; m < state->merge_count; m++) {
        int rc = sink->merge ? sink->merge(payload, &state->merges[m]) : 0;
        if (rc < 0)
            return sink_failed(state, rc, state->merges[m].first_row + 1);
        if (rc == KY_SINK_STOP)
            return KY_SINK_STOP;
    }
    return 0;
}

/* Read and deliver the cells of a worksheet. */
static int read_cells(xls_reader *reader, const xls_sheet *sheet)
{
    sheet_state state = {
        .reader = reader,
        .sheet = sheet,
        .max_rows = reader->biff == 8 ? XLS_MAX_ROWS_BIFF8 : XLS_MAX_ROWS_BIFF5,
    };
    int rc = collect_cells(&state, sheet->offset);
    if (rc == 0)
        rc = deliver(&state);
    free(state.cells);
    free(state.merges);
    ky_buf_free(&state.text);
    return rc;
}

int ky_xls__read_sheet(xls_reader *reader, size_t index)
{
    const xls_sheet *sheet = &reader->sheets[index];
    const ky_sink *sink = reader->sink;
    ky_sheet_info info = {.name = sheet->name, .index = (uint32_t)index,
                          .visibility = sheet->visibility};
    ky_loc loc = {.file = reader->path, .sheet = sheet->name};

    int rc = sink->sheet_begin ? sink->sheet_begin(reader->payload, &info) : 0;
    if (rc < 0) {
        if (!ky_error_last(reader->ctx))
            ky_error_set(reader->ctx, rc, &loc, KY_("reading was stopped by the receiver"));
        return rc;
    }
    if (rc == KY_SINK_STOP)
        return KY_SINK_STOP;
    /* Chart, macro and VBA module sheets are announced but have no cells to read. */
    if (rc != KY_SINK_SKIP_SHEET && sheet->has_cells) {
        rc = read_cells(reader, sheet);
        if (rc < 0 || rc == KY_SINK_STOP)
            return rc;
    }

    rc = sink->sheet_end ? sink->sheet_end(reader->payload) : 0;
    if (rc < 0 && !ky_error_last(reader->ctx))
        ky_error_set(reader->ctx, rc, &loc, KY_("reading was stopped by the receiver"));
    return rc;
}
