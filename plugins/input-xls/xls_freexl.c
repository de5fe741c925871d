/* SPDX-License-Identifier: MIT */
/*
 * The FreeXL side of the xls reader, which runs only in the child process:
 * it opens a workbook with FreeXL, checks it, and streams each worksheet to
 * the sink in workbook order.
 *
 * FreeXL parses the whole workbook into memory when it opens it, with a cell
 * grid for every sheet, so memory grows with the sheets' dimensions. The
 * bounds checked before the full open keep each grid within its BIFF limits.
 */
#include <freexl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyokun/i18n.h"
#include "xls.h"

/* BIFF5 CODEPAGE value for Windows-1252 written by Excel 2.1-3.0 era files. */
#define XLS_CODEPAGE_1252_OLD 0x8001u

/* Describe a FreeXL error code; the caller translates the text with KY_(). */
static const char *freexl_error_text(int code)
{
    switch (code) {
    case FREEXL_FILE_NOT_FOUND:
        return KY_N_("the file does not exist or cannot be read");
    case FREEXL_INSUFFICIENT_MEMORY:
        return KY_N_("out of memory");
    case FREEXL_INVALID_CFBF_HEADER:
    case FREEXL_CFBF_INVALID_SIGNATURE:
        return KY_N_("neither an OLE2 compound file nor a BIFF stream");
    case FREEXL_CFBF_READ_ERROR:
    case FREEXL_CFBF_SEEK_ERROR:
        return KY_N_("the file is truncated");
    case FREEXL_CFBF_INVALID_SECTOR_SIZE:
    case FREEXL_CFBF_EMPTY_FAT_CHAIN:
    case FREEXL_CFBF_ILLEGAL_FAT_ENTRY:
    case FREEXL_INVALID_MINI_STREAM:
    case FREEXL_CFBF_ILLEGAL_MINI_FAT_ENTRY:
        return KY_N_("the OLE2 container is damaged");
    case FREEXL_BIFF_INVALID_BOF:
        return KY_N_("a BIFF record is invalid");
    case FREEXL_BIFF_INVALID_SST:
    case FREEXL_BIFF_ILLEGAL_SST_INDEX:
        return KY_N_("the shared string table is damaged");
    case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
        return KY_N_("the OLE2 file has no Workbook stream (it may be an encrypted .xlsx, "
               "another Office document, or a damaged .xls)");
    case FREEXL_ILLEGAL_RK_VALUE:
        return KY_N_("a number record is invalid");
    case FREEXL_CRAFTED_FILE:
        return KY_N_("the file is severely damaged or crafted");
    default:
        return KY_N_("unknown FreeXL error");
    }
}

/* Record why FreeXL could not open the file and return the matching status. */
static int open_failed(ky_ctx *ctx, const char *path, int code)
{
    ky_loc loc = {.file = path};

    if (code == FREEXL_INSUFFICIENT_MEMORY)
        return ky_error_set(ctx, KY_ENOMEM, &loc, KY_("out of memory while opening %s"), path);
    if (code == FREEXL_FILE_NOT_FOUND)
        return ky_error_set(ctx, KY_EIO, &loc, KY_("cannot open %s: %s"), path,
                            KY_(freexl_error_text(code)));
    if (code == FREEXL_INVALID_CHARACTER || code == FREEXL_UNSUPPORTED_CHARSET)
        return ky_error_set(ctx, KY_EUNSUPPORTED, &loc,
                            KY_("%s: text cannot be converted from the code page named by the "
                                "workbook's CODEPAGE record; the record may be wrong (Japanese "
                                "text saved under code page 1252): re-save the file as .xlsx"),
                            path);
    return ky_error_set(ctx, KY_EPARSE, &loc,
                        KY_("%s is not a readable .xls workbook: %s (FreeXL error %d)"), path,
                        KY_(freexl_error_text(code)), code);
}

/*
 * Return true when an OLE2 file contains a directory entry named
 * "EncryptedPackage" (UTF-16LE), the stream in which Office keeps an
 * encrypted .xlsx, .docx or .pptx package.
 */
static bool has_encrypted_package(const char *file)
{
    static const char name[] = "EncryptedPackage";
    unsigned char pattern[2 * (sizeof name - 1)];
    for (size_t i = 0; i < sizeof name - 1; i++) {
        pattern[2 * i] = (unsigned char)name[i];
        pattern[2 * i + 1] = 0;
    }

    FILE *stream = fopen(file, "rb");
    if (!stream)
        return false;
    /* Chunks overlap by the pattern's length so that a name split between reads is found. */
    unsigned char buffer[65536];
    size_t overlap = 0;
    bool found = false;
    for (;;) {
        size_t n = fread(buffer + overlap, 1, sizeof buffer - overlap, stream);
        size_t len = overlap + n;
        for (size_t i = 0; !found && i + sizeof pattern <= len; i++)
            found = buffer[i] == 'E' && memcmp(buffer + i, pattern, sizeof pattern) == 0;
        if (found || n == 0)
            break;
        overlap = len < sizeof pattern ? len : sizeof pattern;
        memmove(buffer, buffer + len - overlap, overlap);
    }
    fclose(stream);
    return found;
}

/*
 * Check the workbook with FreeXL's metadata-only open, which reads no cells:
 * reject encrypted workbooks and sheets larger than their BIFF version
 * allows before the full open allocates their cell grids.
 */
static int check_workbook(ky_ctx *ctx, const char *file, const char *display)
{
    const void *handle = NULL;
    int status = 0;
    ky_loc loc = {.file = display};
    unsigned password = 0, version = 0, sheets = 0;
    int rc = freexl_open_info(file, &handle);
    if (rc == FREEXL_BIFF_WORKBOOK_NOT_FOUND && has_encrypted_package(file))
        password = FREEXL_BIFF_OBFUSCATED;
    else if (rc != FREEXL_OK) {
        status = open_failed(ctx, display, rc);
        goto cleanup;
    } else if (freexl_get_info(handle, FREEXL_BIFF_PASSWORD, &password) != FREEXL_OK) {
        password = FREEXL_BIFF_PLAIN;
    }
    if (password == FREEXL_BIFF_OBFUSCATED) {
        status = ky_error_set(ctx, KY_EUNSUPPORTED, &loc,
                              KY_("%s: password-protected (encrypted) workbook, not "
                                  "supported: save it without a password"),
                              display);
        goto cleanup;
    }
    freexl_get_info(handle, FREEXL_BIFF_VERSION, &version);
    freexl_get_info(handle, FREEXL_BIFF_SHEET_COUNT, &sheets);
    uint32_t max_rows = version == FREEXL_BIFF_VER_8 ? XLS_MAX_ROWS_BIFF8 : XLS_MAX_ROWS_BIFF5;

    for (unsigned i = 0; i < sheets && i <= 0xFFFFu; i++) {
        const char *name = NULL;
        unsigned rows = 0;
        unsigned short cols = 0;
        if (freexl_get_worksheet_name(handle, (unsigned short)i, &name) != FREEXL_OK)
            name = NULL;
        if (freexl_select_active_worksheet(handle, (unsigned short)i) != FREEXL_OK
            || freexl_worksheet_dimensions(handle, &rows, &cols) != FREEXL_OK)
            continue;
        if (rows > max_rows || cols > XLS_MAX_COLS) {
            loc.sheet = name;
            status = ky_error_set(ctx, KY_ELIMIT, &loc,
                                  KY_("sheet \"%s\" declares %u rows and %u columns, more than "
                                      "the %u rows and %u columns of its BIFF%u format; the "
                                      "file is damaged"),
                                  name ? name : "", rows, (unsigned)cols, max_rows,
                                  XLS_MAX_COLS, version);
            goto cleanup;
        }
    }

cleanup:
    freexl_close(handle);
    return status;
}

/* Call sheet_begin; returns 0, KY_SINK_SKIP_SHEET, KY_SINK_STOP or a negative status. */
static int begin_sheet(xls_reader *reader, const char *name, uint32_t index)
{
    /* NOTE: FreeXL does not report sheet visibility, so hidden sheets arrive as visible. */
    ky_sheet_info info = {.name = name, .index = index, .visibility = KY_SHEET_VISIBLE};
    int rc = reader->sink->sheet_begin ? reader->sink->sheet_begin(reader->payload, &info) : 0;
    if (rc < 0 && !ky_error_last(reader->ctx)) {
        ky_loc loc = {.file = reader->path, .sheet = name};
        ky_error_set(reader->ctx, rc, &loc, KY_("reading was stopped by the receiver"));
    }
    return rc;
}

/* Select sheet `index`, announce it and stream its rows. */
static int read_sheet(xls_reader *reader, unsigned index)
{
    const char *name = NULL;
    unsigned rows = 0;
    unsigned short cols = 0;
    ky_loc loc = {.file = reader->path};

    if (freexl_get_worksheet_name(reader->handle, (unsigned short)index, &name) != FREEXL_OK
        || !name)
        name = "";
    loc.sheet = name;
    int rc = freexl_select_active_worksheet(reader->handle, (unsigned short)index);
    if (rc == FREEXL_OK)
        rc = freexl_worksheet_dimensions(reader->handle, &rows, &cols);
    if (rc != FREEXL_OK)
        return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                            KY_("cannot select sheet \"%s\" of %s (FreeXL error %d)"), name,
                            reader->path, rc);

    rc = begin_sheet(reader, name, index);
    if (rc < 0 || rc == KY_SINK_STOP)
        return rc;
    if (rc != KY_SINK_SKIP_SHEET) {
        rc = ky_xls__sheet_rows(reader, name, rows, cols > XLS_MAX_COLS ? XLS_MAX_COLS : cols);
        if (rc < 0 || rc == KY_SINK_STOP)
            return rc;
    }

    rc = reader->sink->sheet_end ? reader->sink->sheet_end(reader->payload) : 0;
    if (rc < 0 && !ky_error_last(reader->ctx))
        ky_error_set(reader->ctx, rc, &loc, KY_("reading was stopped by the receiver"));
    return rc;
}


int ky_xls__read_freexl(ky_ctx *ctx, const char *file, const char *display, const ky_sink *sink,
                        void *payload)
{
    xls_reader reader = {
        .ctx = ctx,
        .path = display,
        .sink = sink,
        .payload = payload,
    };
    int status = 0;

    if ((status = check_workbook(ctx, file, reader.path)) != 0)
        goto cleanup;
    int rc = freexl_open(file, &reader.handle);
    if (rc != FREEXL_OK) {
        status = open_failed(ctx, reader.path, rc);
        goto cleanup;
    }
    reader.cells = calloc(XLS_MAX_COLS, sizeof *reader.cells);
    if (!reader.cells) {
        ky_loc loc = {.file = reader.path};
        status = ky_error_set(ctx, KY_ENOMEM, &loc, KY_("out of memory while opening %s"),
                              reader.path);
        goto cleanup;
    }

    /* BIFF8 text is UTF-16; older versions store 8-bit text in the CODEPAGE record's code page. */
    unsigned sheets = 0;
    freexl_get_info(reader.handle, FREEXL_BIFF_VERSION, &reader.biff_version);
    freexl_get_info(reader.handle, FREEXL_BIFF_CODEPAGE, &reader.codepage);
    freexl_get_info(reader.handle, FREEXL_BIFF_SHEET_COUNT, &sheets);
    reader.check_mojibake = reader.biff_version < FREEXL_BIFF_VER_8
                            && (reader.codepage == FREEXL_BIFF_CP1252
                                || reader.codepage == XLS_CODEPAGE_1252_OLD);

    for (unsigned i = 0; i < sheets && i <= 0xFFFFu; i++) {
        rc = read_sheet(&reader, i);
        if (rc < 0) {
            status = rc;
            goto cleanup;
        }
        if (rc == KY_SINK_STOP)
            goto cleanup;
    }

cleanup:
    if (reader.handle)
        freexl_close(reader.handle);
    free(reader.cells);
    return status;
}
