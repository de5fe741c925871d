/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the input plugin tests: a sink that records what a
 * reader delivers, assertions on the recorded cells, a zip builder for
 * crafted packages, and loading a plugin from $KYOKUN_PLUGIN_PATH.
 */
#ifndef KYOKUN_TEST_READER_TEST_H
#define KYOKUN_TEST_READER_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/ky_text.h"
#include "kyokun/registry.h"

/* Cells kept per read; later cells are only counted. */
#define RECORDER_MAX_CELLS 512
#define RECORDER_MAX_SHEETS 16
#define RECORDER_MAX_MERGES 16
#define RECORDER_MAX_ROWS 64

/** One delivered cell with its value formatted as `kyokun dump` writes it. */
typedef struct recorded_cell {
    uint32_t sheet; /* 0-based position among the delivered sheets */
    uint32_t row;
    uint32_t col;
    ky_cell_type type;
    ky_date_kind date_kind;
    uint32_t flags;
    double number;
    char *text;
} recorded_cell;

/** Everything a reader delivered in one read. */
typedef struct recorder {
    recorded_cell cells[RECORDER_MAX_CELLS];
    size_t cell_count;
    size_t cells_delivered;
    char *sheet_names[RECORDER_MAX_SHEETS];
    ky_visibility visibility[RECORDER_MAX_SHEETS];
    uint32_t sheet_index[RECORDER_MAX_SHEETS];
    size_t sheet_count;
    size_t sheet_ends;
    ky_range merges[RECORDER_MAX_MERGES];
    size_t merge_count;
    uint32_t rows[RECORDER_MAX_ROWS]; /* row numbers of the first rows delivered */
    size_t rows_seen;
    size_t rows_in_sheet;
    uint32_t last_row;
    bool row_order_ok;
    bool col_order_ok;
    bool empty_cell_seen;  /* an empty cell without KY_CELL_NO_CACHED */
    int skip_sheet;        /* sheet index for which sheet_begin returns SKIP, or -1 */
    size_t stop_after_rows;/* return STOP after this many rows, 0 for never */
    ky_buf diags;          /* "code row col message\n" per diagnostic */
} recorder;

/** The recording sink; its payload is a recorder. */
extern const ky_sink RECORDING_SINK;

void recorder_init(recorder *rec);
void recorder_free(recorder *rec);

/** Diagnostic handler that appends to rec->diags; its payload is a recorder. */
void record_diag(const ky_diag *diag, void *payload);

/** Return the recorded cell at an A1 reference of a sheet, or NULL. */
const recorded_cell *find_cell(const recorder *rec, uint32_t sheet, const char *ref);

/** Assert that a cell exists with this type and dump text. */
void check_cell(const recorder *rec, uint32_t sheet, const char *ref, ky_cell_type type,
                const char *text);

/** Assert that a merged range was delivered (0-based, inclusive). */
void check_merge(const recorder *rec, uint32_t first_row, uint32_t first_col, uint32_t last_row,
                 uint32_t last_col);

/** One part of a zip package to build. */
typedef struct zip_part {
    const char *name;
    const char *content;
    bool stored; /* STORED instead of deflated */
} zip_part;

/** Bytes of a package or document in memory; free `data`. */
typedef struct package {
    unsigned char *data;
    size_t size;
} package;

/** Zip the parts, in order, into memory; parts with NULL content are left out. */
package build_zip(const zip_part *parts, size_t count);

/**
 * Load every plugin in $KYOKUN_PLUGIN_PATH into a new registry and find the
 * input plugin `name`. Returns NULL (after printing why) when either fails.
 */
const ky_plugin *load_input_plugin(ky_registry **reg, const char *name);

#endif
