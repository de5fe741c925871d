/* SPDX-License-Identifier: MIT */
/* The shared part of the readers' fuzz targets; see fuzz_reader.h. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_reader.h"
#include "kyokun/registry.h"

/* Where the reader is in the sink protocol. */
typedef struct contract_state {
    bool in_sheet;
    int64_t sheet_index;
    int64_t last_row;
    size_t checksum; /* sum of text bytes, so that every byte is read */
} contract_state;

static int check_sheet_begin(void *payload, const ky_sheet_info *sheet)
{
    contract_state *state = payload;
    if (state->in_sheet || !sheet->name || (int64_t)sheet->index <= state->sheet_index)
        abort();
    if (sheet->visibility > KY_SHEET_VERY_HIDDEN)
        abort();
    state->in_sheet = true;
    state->sheet_index = sheet->index;
    state->last_row = -1;
    return KY_SINK_OK;
}

static int check_row(void *payload, uint32_t row, const ky_cell *cells, size_t count)
{
    contract_state *state = payload;
    if (!state->in_sheet || (int64_t)row <= state->last_row || count == 0)
        abort();
    state->last_row = row;
    for (size_t i = 0; i < count; i++) {
        const ky_cell *cell = &cells[i];
        if (cell->type > KY_CELL_ERROR || (i > 0 && cell->col <= cells[i - 1].col))
            abort();
        if (cell->type == KY_CELL_EMPTY && !(cell->flags & KY_CELL_NO_CACHED))
            abort();
        bool has_text = cell->type == KY_CELL_TEXT || cell->type == KY_CELL_ERROR;
        if (has_text && (!cell->text || cell->text[cell->len] != '\0'))
            abort();
        for (size_t j = 0; has_text && j < cell->len; j++)
            state->checksum += (unsigned char)cell->text[j];
    }
    return KY_SINK_OK;
}

static int check_merge(void *payload, const ky_range *range)
{
    contract_state *state = payload;
    if (!state->in_sheet || range->first_row > range->last_row
        || range->first_col > range->last_col)
        abort();
    return KY_SINK_OK;
}

static int check_sheet_end(void *payload)
{
    contract_state *state = payload;
    if (!state->in_sheet)
        abort();
    state->in_sheet = false;
    return KY_SINK_OK;
}

void fuzz_read(const fuzz_input *input, const uint8_t *data, size_t size)
{
    static const ky_sink sink = {
        .version = KY_SINK_VERSION,
        .sheet_begin = check_sheet_begin,
        .row = check_row,
        .merge = check_merge,
        .sheet_end = check_sheet_end,
    };
    const ky_plugin *plugin = ky_plugin_entry();

    /* A probe never fails: any input gets a score from 0 to 100. */
    ky_probe_info info = {
        .path = input->path,
        .extension = input->extension,
        .head = data,
        .head_len = size < KY_PROBE_HEAD_MAX ? size : KY_PROBE_HEAD_MAX,
        .file_size = size,
    };
    int score = plugin->probe(&info);
    if (score < 0 || score > 100)
        abort();

    ky_ctx *ctx = ky_ctx_new();
    if (!ctx)
        return;
    ky_read_options options;
    ky_read_options_init(&options);
    options.encoding = input->encoding;
    options.max_entry_size = input->max_entry_size;
    options.max_total_size = input->max_total_size;
    ky_source source = {.path = input->path, .data = size ? data : (const uint8_t *)"",
                        .size = size};
    contract_state state = {.sheet_index = -1, .last_row = -1};
    int status = plugin->read(ctx, &source, &options, &sink, &state);

    /* A successful read ends every sheet it began; a failed one names a cause. */
    if (status == 0 && state.in_sheet)
        abort();
    if (status < 0 && !ky_error_last(ctx))
        abort();
    ky_ctx_free(ctx);
}
