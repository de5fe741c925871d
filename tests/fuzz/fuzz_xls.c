/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the xls reader: each input is probed, then read as an
 * in-memory workbook into a sink that touches every value and keeps nothing.
 * The OLE2 container reader (formats/ky_cfb.c, in libkyokun) and the BIFF
 * reader both run in this process, so libFuzzer measures their coverage.
 */
#include <stddef.h>
#include <stdint.h>

#include "kyokun/plugin.h"
#include "kyokun/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Defined by the plugin sources linked into this target (KY_PLUGIN_DEFINE). */
const ky_plugin *ky_plugin_entry(void);

/* Accept every sheet, reading its name. */
static int accept_sheet(void *payload, const ky_sheet_info *sheet)
{
    size_t *checksum = payload;
    for (const char *p = sheet->name; p && *p; p++)
        *checksum += (unsigned char)*p;
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

static int accept_merge(void *payload, const ky_range *range)
{
    size_t *checksum = payload;
    *checksum += range->first_row + range->last_col;
    return KY_SINK_OK;
}

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
    const ky_plugin *plugin = ky_plugin_entry();
    ky_probe_info info = {.path = "fuzz.xls", .extension = "xls", .head = data,
                          .head_len = size < KY_PROBE_HEAD_MAX ? size : KY_PROBE_HEAD_MAX,
                          .file_size = size};
    plugin->probe(&info);

    ky_ctx *ctx = ky_ctx_new();
    if (!ctx)
        return 0;
    ky_read_options options;
    ky_read_options_init(&options);
    /* Keep each stream small so that a length field cannot make one input take seconds. */
    options.max_entry_size = 64u << 20;
    ky_source source = {.path = "fuzz.xls", .data = data, .size = size};
    size_t checksum = 0;
    plugin->read(ctx, &source, &options, &sink, &checksum);
    ky_ctx_free(ctx);
    return 0;
}
