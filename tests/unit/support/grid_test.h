/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the mapping tests: filling a ky_grid through its sink,
 * and a diagnostic handler that records what the mapping reported.
 */
#ifndef KYOKUN_TESTS_GRID_TEST_H
#define KYOKUN_TESTS_GRID_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "grid.h"
#include "kyokun/diag.h"

/** Diagnostics kept by capture(); later ones are dropped. */
#define CAPTURE_MAX 64

/** Diagnostics recorded by capture(), in the order they were reported. */
typedef struct captured {
    char codes[CAPTURE_MAX][48];
    char messages[CAPTURE_MAX][768];
    char files[CAPTURE_MAX][128];
    char sheets[CAPTURE_MAX][64];
    uint32_t rows[CAPTURE_MAX];
    uint32_t cols[CAPTURE_MAX];
    size_t count;
} captured;

/** Record a diagnostic; a ky_diag_fn whose payload is a captured. */
void capture(const ky_diag *diag, void *payload);

/** Return the index of the first diagnostic with `code`, or -1. */
int captured_find(const captured *seen, const char *code);

/** Return how many diagnostics have `code`. */
size_t captured_count(const captured *seen, const char *code);

/** Start a visible sheet named `name` in `grid`. */
void grid_begin(ky_grid *grid, const char *name);

/** Start a sheet named `name` with the given visibility in `grid`. */
void grid_begin_visibility(ky_grid *grid, const char *name, ky_visibility visibility);

/** Add one row of cells to the current sheet. */
void grid_row(ky_grid *grid, uint32_t row, const ky_cell *cells, size_t count);

/** Add a merged range to the current sheet. */
void grid_merge(ky_grid *grid, uint32_t r1, uint32_t c1, uint32_t r2, uint32_t c2);

/** End the current sheet. */
void grid_end(ky_grid *grid);

#endif
