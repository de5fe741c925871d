/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the xlsx reader: each input is read as an in-memory
 * file with small zip limits, so that deflate bombs end quickly, through the
 * contract-checking sink of fuzz_reader.c.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const fuzz_input input = {
        .path = "fuzz.xlsx",
        .extension = "xlsx",
        .max_entry_size = 4u << 20,
        .max_total_size = 16u << 20,
    };
    fuzz_read(&input, data, size);
    return 0;
}
