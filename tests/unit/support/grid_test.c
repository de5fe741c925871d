/* SPDX-License-Identifier: MIT */
/* Helpers shared by the mapping tests (see grid_test.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "support/grid_test.h"

void capture(const ky_diag *diag, void *payload)
{
    captured *seen = payload;
    if (seen->count == CAPTURE_MAX)
        return;
    size_t i = seen->count++;
    snprintf(seen->codes[i], sizeof seen->codes[i], "%s", diag->code);
    snprintf(seen->messages[i], sizeof seen->messages[i], "%s", diag->message);
    snprintf(seen->files[i], sizeof seen->files[i], "%s", diag->loc.file ? diag->loc.file : "");
    snprintf(seen->sheets[i], sizeof seen->sheets[i], "%s",
             diag->loc.sheet ? diag->loc.sheet : "");
    seen->rows[i] = diag->loc.row;
    seen->cols[i] = diag->loc.col;
}

int captured_find(const captured *seen, const char *code)
{
    for (size_t i = 0; i < seen->count; i++) {
        if (strcmp(seen->codes[i], code) == 0)
            return (int)i;
    }
    return -1;
}

size_t captured_count(const captured *seen, const char *code)
{
    size_t count = 0;
    for (size_t i = 0; i < seen->count; i++)
        count += strcmp(seen->codes[i], code) == 0;
    return count;
}

void grid_begin_visibility(ky_grid *grid, const char *name, ky_visibility visibility)
{
    ky_sheet_info info = {.name = name, .index = (uint32_t)grid->sheet_count,
                          .visibility = visibility};
    assert_int_equal(ky_grid__sink()->sheet_begin(grid, &info), KY_SINK_OK);
}

void grid_begin(ky_grid *grid, const char *name)
{
    grid_begin_visibility(grid, name, KY_SHEET_VISIBLE);
}

void grid_row(ky_grid *grid, uint32_t row, const ky_cell *cells, size_t count)
{
    assert_int_equal(ky_grid__sink()->row(grid, row, cells, count), KY_SINK_OK);
}

void grid_merge(ky_grid *grid, uint32_t r1, uint32_t c1, uint32_t r2, uint32_t c2)
{
    ky_range range = {r1, c1, r2, c2};
    assert_int_equal(ky_grid__sink()->merge(grid, &range), KY_SINK_OK);
}

void grid_end(ky_grid *grid)
{
    assert_int_equal(ky_grid__sink()->sheet_end(grid), KY_SINK_OK);
}
