/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the xls reader: each input is read as an in-memory
 * workbook through the contract-checking sink of fuzz_reader.c. The OLE2
 * container reader (formats/ky_cfb.c, in libkyokun) and the BIFF reader both
 * run in this process, so libFuzzer measures their coverage.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Small streams, so that a length field cannot make one input take seconds. */
    static const fuzz_input input = {
        .path = "fuzz.xls",
        .extension = "xls",
        .max_entry_size = 64u << 20,
        .max_total_size = 256u << 20,
    };
    fuzz_read(&input, data, size);
    return 0;
}
