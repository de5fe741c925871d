/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the xls reader. An input whose first byte is 'S'
 * feeds the rest to the parent-side decoder of the FreeXL child's record
 * stream, in pieces whose sizes come from the input. Any other input is
 * probed, then read as an in-memory workbook into a sink that keeps nothing.
 * That read forks the FreeXL child, whose coverage libFuzzer does not see,
 * so the decoder mode is where the fuzzer finds new paths. FreeXL opens only
 * paths, so the plugin writes each workbook to a temporary file under
 * $TMPDIR (set it to a tmpfs folder to keep the disk out of the loop).
 */
#include <stddef.h>
#include <stdint.h>

#include "kyokun/plugin.h"
#include "kyokun/registry.h"
#include "plugins/input-xls/xls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Defined by the plugin sources linked into this target (KY_PLUGIN_DEFINE). */
const ky_plugin *ky_plugin_entry(void);

/* Accept every sheet. */
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

/* Accept the end of a sheet. */
static int accept_end(void *payload)
{
    (void)payload;
    return KY_SINK_OK;
}

/*
 * Decode a record stream. Each piece's size is one input byte (1-256), then
 * that many stream bytes, so that records split at fuzzer-chosen offsets.
 */
static void decode_stream(const uint8_t *data, size_t size, const ky_sink *sink)
{
    ky_ctx *ctx = ky_ctx_new();
    if (!ctx)
        return;
    size_t checksum = 0;
    xls_decoder decoder;
    ky_xls__decoder_init(&decoder, ctx, "fuzz.xls", sink, &checksum);
    int rc = 0;
    while (rc == 0 && size > 0) {
        size_t piece = (size_t)data[0] + 1;
        data++;
        size--;
        if (piece > size)
            piece = size;
        rc = ky_xls__decoder_feed(&decoder, data, piece);
        data += piece;
        size -= piece;
    }
    if (rc == 0)
        ky_xls__decoder_finish(&decoder);
    ky_xls__decoder_free(&decoder);
    ky_ctx_free(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ky_sink sink = {
        .version = KY_SINK_VERSION,
        .sheet_begin = accept_sheet,
        .row = accept_row,
        .sheet_end = accept_end,
    };
    if (size > 0 && data[0] == 'S') {
        decode_stream(data + 1, size - 1, &sink);
        return 0;
    }

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
    ky_source source = {.path = "fuzz.xls", .data = data, .size = size};
    size_t checksum = 0;
    plugin->read(ctx, &source, &options, &sink, &checksum);
    ky_ctx_free(ctx);
    return 0;
}
