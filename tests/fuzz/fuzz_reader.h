/* SPDX-License-Identifier: MIT */
/*
 * The part of every reader's fuzz target that is the same: probe the input,
 * read it from memory, and abort when the reader breaks the sink contract in
 * kyokun/table.h, so that libFuzzer records the input as a crash.
 */
#ifndef KYOKUN_FUZZ_READER_H
#define KYOKUN_FUZZ_READER_H

#include <stddef.h>
#include <stdint.h>

#include "kyokun/plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Defined by the plugin sources linked into each target (KY_PLUGIN_DEFINE). */
const ky_plugin *ky_plugin_entry(void);

/** What one fuzz input is read as. */
typedef struct fuzz_input {
    const char *path;       /* names the input, e.g. "fuzz.xlsx" */
    const char *extension;  /* given to the probe, without the dot */
    const char *encoding;   /* forced encoding, or NULL */
    uint64_t max_entry_size;/* zip and stream limits, small so that bombs end quickly */
    uint64_t max_total_size;
} fuzz_input;

/**
 * Probe and read `data` with this target's plugin through a sink that checks
 * the contract: sheets begin and end in pairs with increasing indexes, rows
 * increase within a sheet and are not empty, cells increase by column, have
 * a known type, hold NUL-terminated text of `len` bytes, and are empty only
 * as a formula without a cached result; merged ranges are well formed.
 */
void fuzz_read(const fuzz_input *input, const uint8_t *data, size_t size);

#endif
