/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the xlsx reader, shared by its source files: the
 * workbook's sheet list, the shared strings table, the style table and the
 * worksheet streamer.
 */
#ifndef KYOKUN_XLSX_H
#define KYOKUN_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "formats/ky_numfmt.h"
#include "formats/ky_text.h"
#include "formats/ky_xml.h"
#include "formats/ky_zip.h"
#include "kyokun/plugin.h"

/** Largest 0-based column of a worksheet (XFD). */
#define XLSX_MAX_COL 16383u
/** Largest 0-based row of a worksheet (1048576 as users count). */
#define XLSX_MAX_ROW 1048575u

/** One sheet as workbook.xml lists it. */
typedef struct xlsx_sheet_ref {
    char *name;
    char *part;               /**< Resolved part name; NULL when no relationship names one. */
    ky_visibility visibility;
    bool has_cells;           /**< False for chartsheets, dialogsheets and macrosheets. */
} xlsx_sheet_ref;

/** Workbook structure read from workbook.xml and its relationships. */
typedef struct xlsx_book {
    char *workbook_part;
    bool date1904;
    xlsx_sheet_ref *sheets;
    size_t sheet_count;
    size_t sheet_cap;
    char *shared_strings_part; /**< NULL when the package has none. */
    char *styles_part;         /**< NULL when the package has none. */
} xlsx_book;

/**
 * The shared strings table: all strings NUL-terminated in one arena. A table
 * larger than the spill size moves to two unlinked temporary files (text and
 * offsets) that are mapped once loaded, so that the heap does not grow with
 * the workbook; lookups release the mapped pages from time to time.
 */
typedef struct xlsx_strings {
    ky_buf arena;
    size_t *offsets;     /**< Start of string i in the arena; count + 1 entries once loaded. */
    size_t count;
    size_t cap;
    size_t spill_at;     /**< Arena size in bytes from which the table moves to files. */
    FILE *text_file;     /**< Spilled text while loading, NULL otherwise. */
    FILE *offset_file;   /**< Spilled offsets (uint64_t each) while loading, NULL otherwise. */
    uint64_t text_len;   /**< Bytes written to text_file. */
    const char *text_map;        /**< Mapped text once a spilled table is loaded. */
    size_t text_map_len;
    const uint64_t *offset_map;  /**< Mapped offsets, count + 1 entries. */
    size_t offset_map_len;       /**< In bytes. */
    bool spilled;        /**< The table was moved to files: the descriptors below are open. */
    int text_fd;         /**< Descriptors of the mapped files, for mapping them again (-1 if dup failed). */
    int offset_fd;
    size_t lookups;      /**< Lookups since the mapped pages were last released. */
} xlsx_strings;

/** The number format kind of each cell format (cellXfs index). */
typedef struct xlsx_styles {
    unsigned char *kinds; /**< ky_numfmt_kind values. */
    size_t count;
} xlsx_styles;

/** State of one read call. */
typedef struct xlsx_reader {
    ky_ctx *ctx;
    ky_zip *zip;
    const char *path;
    xlsx_book book;
    xlsx_strings strings;
    xlsx_styles styles;
    const ky_sink *sink;
    void *payload;
} xlsx_reader;

/** Return true when the current node is a SpreadsheetML element `local` (or one with no namespace). */
bool ky_xlsx__is(const ky_xml *xml, const char *local);

/** Read workbook.xml and the relationships that locate its parts. */
int ky_xlsx__book_load(ky_zip *zip, xlsx_book *book);
/** Free what ky_xlsx__book_load() allocated. */
void ky_xlsx__book_free(xlsx_book *book);

/**
 * Append the visible text of a string item (`<si>` or `<is>`, the current
 * start tag) to `out`: its direct `<t>` and the `<t>` of its direct `<r>`
 * runs, with _xHHHH_ escapes decoded. Phonetic runs (`<rPh>`) are dropped.
 */
int ky_xlsx__read_string_item(ky_xml *xml, ky_buf *out);
/** Append `text` to `out` with _xHHHH_ escapes decoded (_x005F_ is an underscore). */
int ky_xlsx__decode_escapes(const char *text, size_t len, ky_buf *out);
/** Load the shared strings part. */
int ky_xlsx__strings_load(ky_zip *zip, const char *part, xlsx_strings *strings);
/** Look up shared string `index`; false when out of range. */
bool ky_xlsx__strings_get(xlsx_strings *strings, uint64_t index, const char **text,
                          size_t *len);
/** Free the shared strings table. */
void ky_xlsx__strings_free(xlsx_strings *strings);

/** Load the cell formats of the styles part. */
int ky_xlsx__styles_load(ky_zip *zip, const char *part, xlsx_styles *styles);
/** Return the number format kind of cell format `xf` (KY_NUMFMT_NUMBER when unknown). */
ky_numfmt_kind ky_xlsx__style_kind(const xlsx_styles *styles, uint64_t xf);
/** Free the style table. */
void ky_xlsx__styles_free(xlsx_styles *styles);

/**
 * Stream one worksheet's rows and merged ranges to the sink.
 * @return 0, KY_SINK_STOP when the sink asked to stop, or a negative status.
 */
int ky_xlsx__sheet_read(xlsx_reader *reader, const xlsx_sheet_ref *sheet);

/**
 * Parse an A1 reference ("B3", "$B$3") into 0-based row and column.
 * A reference without digits ("B") gives only the column, and *has_row is false.
 * Callers check the bounds (XLSX_MAX_ROW, XLSX_MAX_COL) themselves.
 * @return false when it is not a reference (1-3 letters, then digits) or a
 *         number does not fit in 32 bits.
 */
bool ky_xlsx__parse_ref(const char *ref, uint32_t *row, uint32_t *col, bool *has_row);

#endif
