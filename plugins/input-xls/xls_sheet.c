/* SPDX-License-Identifier: MIT */
/*
 * Streaming one worksheet from a FreeXL handle: each FreeXL cell value
 * becomes a typed ky_cell, and each row with a value goes to the sink.
 */
#include <freexl.h>
#include <string.h>

#include "formats/ky_date.h"
#include "kyokun/i18n.h"
#include "xls.h"

/* Warn once per file when 8-bit text decoded as CP1252 reads as Shift_JIS. */
static void check_codepage(xls_reader *reader, const ky_cell *cell, const ky_loc *loc)
{
    if (!reader->check_mojibake || reader->mojibake_reported)
        return;
    if (!ky_xls__looks_like_cp932(cell->text, cell->len))
        return;
    reader->mojibake_reported = true;
    ky_diag_emit(reader->ctx, KY_SEV_WARNING, "xls.codepage-mismatch", loc,
                 KY_("text was decoded as Windows-1252, as the workbook's CODEPAGE record "
                     "specifies, but reads as Japanese Shift_JIS (CP932) text: the record is "
                     "probably wrong, so re-save the file as .xlsx in Excel or LibreOffice "
                     "with the Japanese code page"));
}

/*
 * Convert FreeXL's date text ("YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or
 * "HH:MM:SS") into a date cell. FreeXL counts days the way Excel does, so
 * serial 60 comes back as the non-existent 1900-02-29; that one is kept as
 * the number 60 with a warning.
 */
static void convert_date(xls_reader *reader, const char *text, ky_cell *cell, const ky_loc *loc)
{
    double serial;
    ky_date_kind kind;
    size_t len = strlen(text);

    if (ky_parse_iso_date(text, len, &serial, &kind)) {
        cell->type = KY_CELL_DATE;
        cell->date_kind = kind;
        cell->number = serial;
        return;
    }
    if (strncmp(text, "1900-02-29", 10) == 0) {
        cell->type = KY_CELL_NUMBER;
        cell->number = 60;
        ky_diag_emit(reader->ctx, KY_SEV_WARNING, "xls.date-1900-02-29", loc,
                     KY_("the date serial 60 is Excel's non-existent 1900-02-29; it is kept "
                         "as the number 60"));
        return;
    }
    cell->type = KY_CELL_TEXT;
    cell->text = text;
    cell->len = len;
    ky_diag_emit(reader->ctx, KY_SEV_WARNING, "xls.invalid-date", loc,
                 KY_("the date \"%s\" could not be read; it is kept as text"), text);
}

/*
 * Fill `cell` from a FreeXL value.
 * @return true when the cell has a value.
 */
static bool convert_cell(xls_reader *reader, const FreeXL_CellValue *value, ky_cell *cell,
                         const ky_loc *loc)
{
    memset(cell, 0, sizeof *cell);
    cell->col = loc->col - 1;

    switch (value->type) {
    case FREEXL_CELL_INT:
        cell->type = KY_CELL_NUMBER;
        cell->number = value->value.int_value;
        return true;
    case FREEXL_CELL_DOUBLE:
        cell->type = KY_CELL_NUMBER;
        cell->number = value->value.double_value;
        return true;
    case FREEXL_CELL_TEXT:
    case FREEXL_CELL_SST_TEXT:
        if (!value->value.text_value || value->value.text_value[0] == '\0')
            return false;
        cell->type = KY_CELL_TEXT;
        cell->text = value->value.text_value;
        cell->len = strlen(cell->text);
        check_codepage(reader, cell, loc);
        return true;
    case FREEXL_CELL_DATE:
    case FREEXL_CELL_DATETIME:
    case FREEXL_CELL_TIME:
        if (!value->value.text_value)
            return false;
        convert_date(reader, value->value.text_value, cell, loc);
        return true;
    default:
        /* FREEXL_CELL_NULL: blank cells, and also formulas, booleans and errors,
           which FreeXL 1.0.6 does not decode. */
        return false;
    }
}

int ky_xls__sheet_rows(xls_reader *reader, const char *sheet_name, uint32_t rows,
                       uint32_t cols)
{
    for (uint32_t row = 0; row < rows; row++) {
        size_t count = 0;

        for (uint32_t col = 0; col < cols; col++) {
            ky_loc loc = {.file = reader->path, .sheet = sheet_name, .row = row + 1,
                          .col = col + 1};
            FreeXL_CellValue value;
            int rc = freexl_get_cell_value(reader->handle, row, (unsigned short)col, &value);
            if (rc != FREEXL_OK)
                return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                                    KY_("cannot read the cell of %s (FreeXL error %d)"),
                                    reader->path, rc);
            if (convert_cell(reader, &value, &reader->cells[count], &loc))
                count++;
        }
        if (count == 0)
            continue;

        int rc = reader->sink->row ? reader->sink->row(reader->payload, row, reader->cells, count)
                                   : 0;
        if (rc < 0) {
            if (!ky_error_last(reader->ctx)) {
                ky_loc loc = {.file = reader->path, .sheet = sheet_name, .row = row + 1};
                ky_error_set(reader->ctx, rc, &loc, KY_("reading was stopped by the receiver"));
            }
            return rc;
        }
        if (rc == KY_SINK_STOP)
            return KY_SINK_STOP;
    }
    return 0;
}
