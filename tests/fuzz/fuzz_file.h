/* SPDX-License-Identifier: MIT */
/*
 * Files for the fuzz targets whose code under test reads a path rather than
 * memory. Each process gets one private folder, created on first use, and
 * every run rewrites a file in it with the input.
 */
#ifndef KYOKUN_FUZZ_FILE_H
#define KYOKUN_FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>

/**
 * Return the path of this process's private folder (mode 0700, in /dev/shm
 * when it exists, else in TMPDIR or /tmp), which is removed with its files
 * when the process exits normally. Aborts when the folder cannot be created.
 */
const char *fuzz_folder(void);

/**
 * Write `data` to the file `name` of the private folder, replacing its
 * content, and return the file's path (valid until the next call). Aborts
 * when the file cannot be written, because the code under test would then
 * read something other than the input that libFuzzer records.
 */
const char *fuzz_file_write(const char *name, const uint8_t *data, size_t size);

/** Remove the file `name` of the private folder; a missing file is not an error. */
void fuzz_file_remove(const char *name);

#endif
