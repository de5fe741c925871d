/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the HTML table reader. The first byte picks a forced
 * encoding (or detection from the page), so that every decoder path is
 * reached; the rest is read as an in-memory file named .xls, as Excel's web
 * pages are, through the contract-checking sink of fuzz_reader.c.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const encodings[] = {NULL, NULL, NULL, "utf-8", "cp932", "euc-jp"};
    fuzz_input input = {
        .path = "fuzz.xls",
        .extension = "xls",
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
