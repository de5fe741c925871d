/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the ODS reader, shared by its source files: the
 * OpenDocument namespaces, the state of one read, the table streamer and the
 * cell value helpers.
 */
#ifndef KYOKUN_ODS_H
#define KYOKUN_ODS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/ky_text.h"
#include "formats/ky_xml.h"
#include "kyokun/plugin.h"

#define ODS_NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define ODS_NS_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define ODS_NS_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define ODS_NS_STYLE "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define ODS_NS_DRAW "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
/** LibreOffice's extension namespace; its calcext:value-type marks error results. */
#define ODS_NS_CALCEXT "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"

/** Rows of a sheet (LibreOffice and Excel both stop at 1,048,576). */
#define ODS_MAX_ROWS 1048576u
/** Columns of a sheet (XFD, 16,384). */
#define ODS_MAX_COLS 16384u

/** State of one read call. */
typedef struct ods_reader {
    ky_ctx *ctx;
    const char *path;
    ky_xml *xml;
    const ky_sink *sink;
    void *payload;
    char **hidden_styles; /**< Table styles with table:display="false". */
    size_t hidden_count;
    size_t hidden_cap;
    uint32_t sheet_count; /**< Sheets delivered so far. */
} ods_reader;

/**
 * Walk an open content.xml (or flat .fods document) and stream every
 * table:table to the sink. office:automatic-styles is read on the way, which
 * ODF places before the body, so that hidden tables are known in time.
 * @return 0 (also when the sink asked to stop) or a negative status.
 */
int ky_ods__read_document(ods_reader *reader);

/** Free what ky_ods__read_document() collected. */
void ky_ods__reader_free(ods_reader *reader);

/**
 * Stream the table:table start tag at hand: sheet_begin, rows, merges and
 * sheet_end. Honours KY_SINK_SKIP_SHEET.
 * @return 0, KY_SINK_STOP when the sink asked to stop, or a negative status.
 */
int ky_ods__read_table(ods_reader *reader, const char *name, ky_visibility visibility);

/**
 * Parse an xsd:double as ODF writes it ("-1.5E-3"), whatever the C locale's
 * decimal point is. Rejects hex, inf and nan.
 */
bool ky_ods__parse_number(const char *text, double *out);

/**
 * Parse an ISO 8601 duration of office:time-value ("PT26H33M12.13S",
 * "P1DT2H", "-PT1H") into days.
 */
bool ky_ods__parse_duration(const char *text, double *days);

/**
 * Return the English spelling of a spreadsheet error as a cell shows it
 * ("#DIV/0!", German "#WERT!" gives "#VALUE!"), or NULL when `text` is no
 * known error name. LibreOffice's "Err:502" codes are returned unchanged.
 */
const char *ky_ods__error_name(const char *text);

#endif
