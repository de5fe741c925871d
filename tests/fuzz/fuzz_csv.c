/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the CSV reader. The first byte picks a forced
 * encoding (or detection), so that every decoder path is reached; the rest
 * is read as an in-memory file through the contract-checking sink of
 * fuzz_reader.c.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const encodings[] = {NULL, NULL, NULL, NULL, "utf-8",
                                            "utf-16", "utf-16be", "cp932", "euc-jp"};
    fuzz_input input = {
        .path = "fuzz.csv",
        .extension = "csv",
        .max_entry_size = 64u << 20,
        .max_total_size = 64u << 20,
    };
    if (size > 0) {
        input.encoding = encodings[data[0] % (sizeof encodings / sizeof encodings[0])];
        data++;
        size--;
    }
    fuzz_read(&input, data, size);
    return 0;
}
