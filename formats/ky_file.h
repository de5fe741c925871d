/* SPDX-License-Identifier: MIT */
/*
 * Writing a whole file atomically: the bytes go to a temporary file in the
 * target's folder, which is synced and renamed over the target, so a reader
 * sees the old file or the new one and never half of one.
 */
#ifndef KYOKUN_FORMATS_FILE_H
#define KYOKUN_FORMATS_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "kyokun/common.h"

/**
 * @brief Replace the file at `path` with `len` bytes of `data`, atomically.
 * @param private_mode true keeps the file readable by its owner only (0600),
 *        for files with personal data; false gives it the mode a new file
 *        gets under the umask.
 * @return 0, or -1 with errno set; the temporary file is then removed.
 */
KY_EXPORT int ky_file_write_atomic(const char *path, const void *data, size_t len,
                                   bool private_mode);

/**
 * @brief Form "<folder of the running binary>/<relative>" in `out`, so that
 *        the build tree and a relocated install find their plugins, message
 *        catalogue and dictionaries the same way.
 * @param relative A path such as "../share/locale".
 * @return true when the path fits in `size` bytes and names an existing folder.
 */
KY_EXPORT bool ky_file_exe_relative_dir(const char *relative, char *out, size_t size);

#endif
