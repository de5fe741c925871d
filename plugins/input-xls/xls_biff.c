/* SPDX-License-Identifier: MIT */
/*
 * BIFF records and the workbook globals substream: the BOF, CODEPAGE,
 * DATEMODE and FILEPASS records, the sheet list (BOUNDSHEET), the shared
 * string table (SST and its CONTINUE records), and the number formats
 * (FORMAT) that cell formats (XF) apply.
 */
#include <stdlib.h>
#include <string.h>

#include "kyokun/i18n.h"
#include "xls.h"

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

int ky_xls__bad_record(xls_reader *reader, const xls_record *record, const char *reason)
{
    ky_loc loc = {.file = reader->path};
    return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                        KY_("%s is not a readable .xls workbook: %s (BIFF record 0x%04X at "
                            "stream offset %lu)"),
                        reader->path, KY_(reason), record->id, (unsigned long)record->offset);
}

static int out_of_memory(xls_reader *reader)
{
    ky_loc loc = {.file = reader->path};
    return ky_error_set(reader->ctx, KY_ENOMEM, &loc, KY_("out of memory while opening %s"),
                        reader->path);
}

/* Make room for one more element in *array, doubling its capacity when full. */
static bool grow(void **array, size_t *capacity, size_t count, size_t size)
{
    if (count < *capacity)
        return true;
    size_t wanted = *capacity ? 2 * *capacity : 16;
    void *grown = realloc(*array, wanted * size);
    if (!grown)
        return false;
    *array = grown;
    *capacity = wanted;
    return true;
}

int ky_xls__next_record(xls_reader *reader, size_t *pos, xls_record *record)
{
    /* Writers pad the stream to its sector size, so a partial header is the end too. */
    if (*pos >= reader->stream_size || reader->stream_size - *pos < 4)
        return 0;
    const unsigned char *p = reader->stream + *pos;
    record->id = get16(p);
    record->len = get16(p + 2);
    record->offset = *pos;
    record->data = p + 4;
    if (record->len > XLS_MAX_RECORD)
        return ky_xls__bad_record(reader, record, KY_N_("a BIFF record is longer than 8224 bytes"));
    if (record->len > reader->stream_size - *pos - 4)
        return ky_xls__bad_record(reader, record, KY_N_("the file is truncated"));
    *pos += 4 + record->len;
    return 1;
}

int ky_xls__gather_continues(xls_reader *reader, const xls_record *first, size_t *pos,
                             xls_segment **segments, size_t *count)
{
    size_t cap = 8, n = 0;
    xls_segment *list = malloc(cap * sizeof *list);
    if (!list)
        return out_of_memory(reader);
    list[n++] = (xls_segment){first->data, first->len};

    for (;;) {
        size_t next = *pos;
        xls_record record;
        int rc = ky_xls__next_record(reader, &next, &record);
        if (rc < 0) {
            free(list);
            return rc;
        }
        if (rc == 0 || record.id != XLS_CONTINUE)
            break;
        if (n == cap) {
            xls_segment *grown = realloc(list, 2 * cap * sizeof *list);
            if (!grown) {
                free(list);
                return out_of_memory(reader);
            }
            list = grown;
            cap *= 2;
        }
        list[n++] = (xls_segment){record.data, record.len};
        *pos = next;
    }
    *segments = list;
    *count = n;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Shared strings                                                             */
/* ------------------------------------------------------------------------ */

/*
 * Read the SST record and its CONTINUE records. The declared string count
 * is only trusted up to what the data can hold: every string takes at least
 * 3 bytes (count and option byte). When the data ends early, the strings read
 * so far are kept and later indexes count as out of range.
 */
static int read_sst(xls_reader *reader, const xls_record *record, size_t *pos)
{
    xls_segment *segments;
    size_t count;
    int rc = ky_xls__gather_continues(reader, record, pos, &segments, &count);
    if (rc != 0)
        return rc;

    size_t total = 0;
    for (size_t i = 0; i < count; i++)
        total += segments[i].len;
    xls_cursor cursor;
    ky_xls__cursor_init(&cursor, segments, count);
    unsigned char head[8];
    if (reader->sst_offsets || !ky_xls__cursor_read(&cursor, head, sizeof head)) {
        free(segments);
        return ky_xls__bad_record(reader, record, KY_N_("the shared string table is damaged"));
    }
    uint32_t declared = get32(head + 4);
    size_t max_strings = (total - sizeof head) / 3;
    size_t wanted = declared < max_strings ? declared : max_strings;

    reader->sst_offsets = malloc((wanted + 1) * sizeof *reader->sst_offsets);
    if (!reader->sst_offsets) {
        free(segments);
        return out_of_memory(reader);
    }
    reader->sst_offsets[0] = 0;
    for (size_t i = 0; i < wanted; i++) {
        size_t start = reader->sst_text.len;
        if (!ky_xls__read_unicode(reader, &cursor, false, &reader->sst_text)) {
            reader->sst_text.len = start;
            break;
        }
        if (ky_buf_putc(&reader->sst_text, '\0') != 0) {
            free(segments);
            return out_of_memory(reader);
        }
        reader->sst_offsets[++reader->sst_count] = reader->sst_text.len;
    }
    free(segments);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Sheets and formats                                                         */
/* ------------------------------------------------------------------------ */

/* Add the sheet of a BOUNDSHEET record to the sheet list. */
static int read_boundsheet(xls_reader *reader, const xls_record *record)
{
    if (record->len < 7)
        return ky_xls__bad_record(reader, record, KY_N_("a BIFF record is invalid"));
    if (!grow((void **)&reader->sheets, &reader->sheet_capacity, reader->sheet_count,
              sizeof *reader->sheets))
        return out_of_memory(reader);

    xls_sheet *sheet = &reader->sheets[reader->sheet_count];
    memset(sheet, 0, sizeof *sheet);
    sheet->offset = get32(record->data);
    unsigned state = record->data[4] & 0x03;
    sheet->visibility = state == 1 ? KY_SHEET_HIDDEN
                        : state == 2 ? KY_SHEET_VERY_HIDDEN
                                     : KY_SHEET_VISIBLE;
    /* Sheet type 0 is a worksheet (or dialog sheet); 1 macro, 2 chart, 6 VBA module. */
    sheet->has_cells = record->data[5] == 0;

    ky_buf name = {0};
    bool ok;
    if (reader->biff == 8) {
        xls_segment segment = {record->data + 6, record->len - 6};
        xls_cursor cursor;
        ky_xls__cursor_init(&cursor, &segment, 1);
        ok = ky_xls__read_unicode(reader, &cursor, true, &name);
    } else {
        size_t len = record->data[6];
        ok = len <= record->len - 7
             && ky_xls__decode_8bit(reader, record->data + 7, len, &name) == 0;
    }
    if (!ok) {
        ky_buf_free(&name);
        return ky_xls__bad_record(reader, record, KY_N_("a BIFF record is invalid"));
    }
    sheet->name = ky_buf_take(&name);
    if (!sheet->name)
        return out_of_memory(reader);
    reader->sheet_count++;
    return 0;
}

/* Classify the code of a FORMAT record and keep it under its format id. */
static int read_format(xls_reader *reader, const xls_record *record)
{
    if (record->len < 3)
        return ky_xls__bad_record(reader, record, KY_N_("a BIFF record is invalid"));
    ky_buf code = {0};
    bool ok;
    if (reader->biff == 8) {
        xls_segment segment = {record->data + 2, record->len - 2};
        xls_cursor cursor;
        ky_xls__cursor_init(&cursor, &segment, 1);
        ok = ky_xls__read_unicode(reader, &cursor, false, &code);
    } else {
        size_t len = record->data[2];
        ok = len <= record->len - 3
             && ky_xls__decode_8bit(reader, record->data + 3, len, &code) == 0;
    }
    if (!ok) {
        ky_buf_free(&code);
        return ky_xls__bad_record(reader, record, KY_N_("a BIFF record is invalid"));
    }

    if (!reader->format_kinds) {
        reader->format_kinds = malloc(65536);
        if (!reader->format_kinds) {
            ky_buf_free(&code);
            return out_of_memory(reader);
        }
        memset(reader->format_kinds, XLS_FORMAT_UNDEFINED, 65536);
    }
    /* A later FORMAT record for the same id replaces the earlier one. */
    reader->format_kinds[get16(record->data)] =
        (unsigned char)ky_numfmt_code_kind(code.data ? code.data : "", code.len);
    ky_buf_free(&code);
    return 0;
}

/* Keep the number format id of an XF record; XF records are numbered in file order. */
static int read_xf(xls_reader *reader, const xls_record *record)
{
    if (record->len < 4)
        return ky_xls__bad_record(reader, record, KY_N_("a BIFF record is invalid"));
    if (!grow((void **)&reader->xf_format_ids, &reader->xf_capacity, reader->xf_count,
              sizeof *reader->xf_format_ids))
        return out_of_memory(reader);
    reader->xf_format_ids[reader->xf_count++] = (uint16_t)get16(record->data + 2);
    return 0;
}

/* Return the kind of format `id`: the file's own FORMAT record first, then the built-ins. */
static ky_numfmt_kind format_kind(const xls_reader *reader, unsigned id)
{
    if (reader->format_kinds && reader->format_kinds[id] != XLS_FORMAT_UNDEFINED)
        return (ky_numfmt_kind)reader->format_kinds[id];
    return ky_numfmt_builtin_kind(id);
}

/* Resolve every XF record's format id to a kind once the globals are read. */
static int resolve_xf_kinds(xls_reader *reader)
{
    if (reader->xf_count == 0)
        return 0;
    reader->xf_kinds = malloc(reader->xf_count);
    if (!reader->xf_kinds)
        return out_of_memory(reader);
    for (size_t i = 0; i < reader->xf_count; i++)
        reader->xf_kinds[i] = (unsigned char)format_kind(reader, reader->xf_format_ids[i]);
    return 0;
}

ky_numfmt_kind ky_xls__xf_kind(const xls_reader *reader, unsigned xf)
{
    return xf < reader->xf_count ? (ky_numfmt_kind)reader->xf_kinds[xf] : KY_NUMFMT_NUMBER;
}

/* ------------------------------------------------------------------------ */
/* Globals                                                                    */
/* ------------------------------------------------------------------------ */

/* Check the first BOF record and set the BIFF version. */
static int read_first_bof(xls_reader *reader, size_t *pos)
{
    xls_record record;
    int rc = ky_xls__next_record(reader, pos, &record);
    if (rc < 0)
        return rc;
    ky_loc loc = {.file = reader->path};
    if (rc > 0 && (record.id == XLS_BOF_BIFF2 || record.id == XLS_BOF_BIFF3
                   || record.id == XLS_BOF_BIFF4))
        return ky_error_set(reader->ctx, KY_EUNSUPPORTED, &loc,
                            KY_("%s: Excel 2.x-4.0 files (BIFF2-BIFF4) are not supported; "
                                "open and save the file as .xlsx"),
                            reader->path);
    if (rc == 0 || record.id != XLS_BOF || record.len < 4)
        return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                            KY_("%s is not a readable .xls workbook: %s"), reader->path,
                            KY_("the workbook stream does not start with a BOF record"));

    unsigned version = get16(record.data);
    if (version == 0x0600)
        reader->biff = 8;
    else if (version == 0x0500)
        reader->biff = 5;
    else
        /* Other writers leave the field 0: a BIFF8 BOF record has 16 bytes, a BIFF5 one 8. */
        reader->biff = record.len >= 16 ? 8 : 5;
    if (get16(record.data + 2) != XLS_SUBSTREAM_GLOBALS)
        return ky_xls__bad_record(reader, &record,
                                  KY_N_("the workbook stream does not start with the workbook "
                                        "globals"));
    return 0;
}

/*
 * First pass over the globals: the records that decide how the rest reads
 * (encryption, code page, date system). Excel writes them before the sheet
 * list and the formats, but other writers need not.
 */
static int read_settings(xls_reader *reader, size_t start)
{
    size_t pos = start;
    xls_record record;
    int rc;
    while ((rc = ky_xls__next_record(reader, &pos, &record)) > 0) {
        if (record.id == XLS_EOF)
            break;
        if (record.id == XLS_FILEPASS) {
            ky_loc loc = {.file = reader->path};
            return ky_error_set(reader->ctx, KY_EUNSUPPORTED, &loc,
                                KY_("%s: password-protected (encrypted) workbook, not "
                                    "supported: save it without a password"),
                                reader->path);
        }
        if (record.id == XLS_CODEPAGE && record.len >= 2)
            reader->codepage = get16(record.data);
        if (record.id == XLS_DATEMODE && record.len >= 2)
            reader->date1904 = get16(record.data) == 1;
    }
    return rc < 0 ? rc : 0;
}

int ky_xls__read_globals(xls_reader *reader)
{
    size_t pos = 0;
    int rc = read_first_bof(reader, &pos);
    if (rc != 0)
        return rc;
    reader->codepage = 1252;
    rc = read_settings(reader, pos);
    if (rc != 0)
        return rc;
    ky_xls__open_codepage(reader);

    xls_record record;
    while ((rc = ky_xls__next_record(reader, &pos, &record)) > 0) {
        if (record.id == XLS_EOF)
            break;
        switch (record.id) {
        case XLS_BOUNDSHEET:
            rc = read_boundsheet(reader, &record);
            break;
        case XLS_FORMAT:
            rc = read_format(reader, &record);
            break;
        case XLS_XF:
            rc = read_xf(reader, &record);
            break;
        case XLS_SST:
            rc = read_sst(reader, &record, &pos);
            break;
        default:
            rc = 0;
            break;
        }
        if (rc != 0)
            return rc;
    }
    if (rc < 0)
        return rc;
    return resolve_xf_kinds(reader);
}

void ky_xls__reader_free(xls_reader *reader)
{
    ky_buf_free(&reader->sst_text);
    free(reader->sst_offsets);
    free(reader->format_kinds);
    free(reader->xf_kinds);
    free(reader->xf_format_ids);
    for (size_t i = 0; i < reader->sheet_count; i++)
        free(reader->sheets[i].name);
    free(reader->sheets);
    if (reader->converter != (iconv_t)-1)
        iconv_close(reader->converter);
    ky_buf_free(&reader->scratch);
}
