/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the ODS reader. Each input is read as an in-memory
 * package, or as a flat .fods document when it starts like XML, into a sink
 * that keeps nothing. Small size limits make deflate bombs end quickly.
 */
#include <stddef.h>
#include <stdint.h>

#include "kyokun/plugin.h"
#include "kyokun/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Defined by the plugin sources linked into this target (KY_PLUGIN_DEFINE). */
const ky_plugin *ky_plugin_entry(void);

/* Accept every sheet, row and merge. */
static int accept_sheet(void *payload, const ky_sheet_info *sheet)
{
    (void)payload;
    (void)sheet;
    return KY_SINK_OK;
}

/* Touch every cell's text so that bad pointers show up under AddressSanitizer. */
static int accept_row(void *payload, uint32_t row, const ky_cell *cells, size_t count)
{
    size_t *checksum = payload;
    (void)row;
    for (size_t i = 0; i < count; i++)
        for (size_t j = 0; cells[i].text && j < cells[i].len; j++)
            *checksum += (unsigned char)cells[i].text[j];
    return KY_SINK_OK;
}

/* Accept a merged range. */
static int accept_merge(void *payload, const ky_range *range)
{
    (void)payload;
    (void)range;
    return KY_SINK_OK;
}

/* Accept the end of a sheet. */
static int accept_end(void *payload)
{
    (void)payload;
    return KY_SINK_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ky_sink sink = {
        .version = KY_SINK_VERSION,
        .sheet_begin = accept_sheet,
        .row = accept_row,
        .merge = accept_merge,
        .sheet_end = accept_end,
    };
    ky_ctx *ctx = ky_ctx_new();
    if (!ctx)
        return 0;
    ky_read_options options;
    ky_read_options_init(&options);
    options.max_entry_size = 4u << 20;
    options.max_total_size = 16u << 20;

    ky_source source = {.path = "fuzz.ods", .data = data, .size = size};
    size_t checksum = 0;
    ky_plugin_entry()->read(ctx, &source, &options, &sink, &checksum);
    ky_ctx_free(ctx);
    return 0;
}
