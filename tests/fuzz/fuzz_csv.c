/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the CSV reader: probes the input, then reads it from
 * memory through the input-csv plugin into a sink that checks what the sink
 * contract promises. The first byte picks a forced encoding, so that every
 * decoder path is reached.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kyokun/plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Defined by plugins/input-csv/csv.c, which this target is linked with. */
const ky_plugin *ky_plugin_entry(void);

/* Rows must arrive in increasing order with non-empty cells in column order. */
typedef struct fuzz_state {
    int64_t last_row;
} fuzz_state;

/* Accept the sheet. */
static int on_sheet_begin(void *payload, const ky_sheet_info *sheet)
{
    (void)payload;
    if (!sheet->name)
        abort();
    return KY_SINK_OK;
}

/* Check the row against the sink contract. */
static int on_row(void *payload, uint32_t row, const ky_cell *cells, size_t count)
{
    fuzz_state *state = payload;
    if ((int64_t)row <= state->last_row || count == 0)
        abort();
    state->last_row = row;
    for (size_t i = 0; i < count; i++) {
        if (cells[i].type != KY_CELL_TEXT || cells[i].len == 0)
            abort();
        if (cells[i].text[cells[i].len] != '\0')
            abort();
        if (i > 0 && cells[i].col <= cells[i - 1].col)
            abort();
    }
    return KY_SINK_OK;
}

/* CSV has no merged ranges. */
static int on_merge(void *payload, const ky_range *range)
{
    (void)payload;
    (void)range;
    abort();
}

/* Nothing to do at the sheet end. */
static int on_sheet_end(void *payload)
{
    (void)payload;
    return KY_SINK_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const encodings[] = {NULL, NULL, NULL, NULL, "utf-8",
                                            "utf-16", "utf-16be", "cp932", "euc-jp"};
    const ky_plugin *plugin = ky_plugin_entry();
    const ky_sink sink = {
        .version = KY_SINK_VERSION,
        .sheet_begin = on_sheet_begin,
        .row = on_row,
        .merge = on_merge,
        .sheet_end = on_sheet_end,
    };
    const char *encoding = NULL;

    if (size > 0) {
        encoding = encodings[data[0] % (sizeof encodings / sizeof encodings[0])];
        data++;
        size--;
    }

    ky_probe_info info = {
        .path = "fuzz.csv",
        .extension = "csv",
        .head = data,
        .head_len = size < KY_PROBE_HEAD_MAX ? size : KY_PROBE_HEAD_MAX,
        .file_size = size,
    };
    int score = plugin->probe(&info);
    if (score < 0 || score > 100)
        abort();

    ky_ctx *ctx = ky_ctx_new();
    if (!ctx)
        return 0;
    ky_source source = {
        .path = "fuzz.csv",
        .data = size ? data : (const uint8_t *)"",
        .size = size,
    };
    ky_read_options options = {.version = KY_READ_OPTIONS_VERSION, .encoding = encoding};
    fuzz_state state = {.last_row = -1};
    plugin->read(ctx, &source, &options, &sink, &state);
    ky_ctx_free(ctx);
    return 0;
}
