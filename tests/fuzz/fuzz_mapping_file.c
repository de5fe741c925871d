/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the files that steer the mapping. Both loaders take
 * a path, so the input is written to a private temporary file and loaded as
 * a mapping file (ky_mapping_file_load) and then as a level table
 * (ky_level_table_load).
 */
#include <stdlib.h>

#include "fuzz_file.h"
#include "kyokun/mapping_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort unless a loader kept its contract: a result on success, an error and no result on failure. */
static void check_status(const ky_ctx *ctx, int status, const void *result)
{
    if (status == 0 && !result)
        abort();
    if (status < 0 && (result || !ky_error_last(ctx)))
        abort();
    if (status > 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file_write("mapping.csv", data, size);
    ky_ctx *ctx = ky_ctx_new();
    if (!ctx)
        return 0;

    ky_mapping_file *mapping = NULL;
    int status = ky_mapping_file_load(ctx, path, &mapping);
    check_status(ctx, status, mapping);
    ky_mapping_file_free(mapping);
    ky_error_clear(ctx);

    ky_level_table *levels = NULL;
    status = ky_level_table_load(ctx, path, &levels);
    check_status(ctx, status, levels);
    ky_level_table_free(levels);

    ky_ctx_free(ctx);
    return 0;
}
