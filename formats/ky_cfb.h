/* SPDX-License-Identifier: MIT */
/*
 * Reader of OLE2 compound files ([MS-CFB]), the container of legacy .xls
 * workbooks and of password-encrypted .xlsx packages. It parses the header,
 * the FAT and DIFAT, the mini FAT and mini stream and the directory, and
 * returns the streams stored directly under the root storage as bytes.
 * Every file is treated as hostile: sector indexes are bounds-checked, chain
 * loops are detected, and stream sizes are capped.
 */
#ifndef KYOKUN_FORMATS_CFB_H
#define KYOKUN_FORMATS_CFB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyokun/common.h"
#include "kyokun/diag.h"
#include "kyokun/plugin.h"

/** Bytes allowed in one stream when ky_read_options leaves max_entry_size 0. */
#define KY_CFB_DEFAULT_MAX_STREAM ((uint64_t)1 << 30)

/** An open compound file. */
typedef struct ky_cfb ky_cfb;

/**
 * @brief Open a compound file from `source->data` when set, else from
 *        `source->path`, which is read into memory whole.
 * @param ctx Context that receives errors, now and from ky_cfb_read().
 * @param source Input; `source->path` names it in messages. In-memory data
 *        is borrowed and must outlive the returned file.
 * @param options `max_entry_size` caps each stream (0 or NULL selects
 *        KY_CFB_DEFAULT_MAX_STREAM).
 * @param out Receives the file; close it with ky_cfb_close().
 * @return 0; KY_EPARSE when the file is not a compound file or is damaged
 *         (bad header, sector index out of range, looping chain, truncated);
 *         KY_EIO when it cannot be read; KY_ENOMEM. The error is set on `ctx`.
 */
KY_EXPORT int ky_cfb_open(ky_ctx *ctx, const ky_source *source, const ky_read_options *options,
                          ky_cfb **out);

/** @brief Close a compound file. NULL is allowed. */
KY_EXPORT void ky_cfb_close(ky_cfb *cfb);

/**
 * @brief Find a stream stored directly under the root storage by name. The
 *        match ignores ASCII case, as compound file names compare.
 * @param name ASCII name such as "Workbook".
 * @return The directory entry index, or -1 when there is no such stream.
 */
KY_EXPORT int32_t ky_cfb_find(const ky_cfb *cfb, const char *name);

/**
 * @brief Return true when the file contains an "EncryptionInfo" or
 *        "EncryptedPackage" stream: an Office Open XML package (.xlsx)
 *        that Office encrypted with a password.
 */
KY_EXPORT bool ky_cfb_is_encrypted_package(const ky_cfb *cfb);

/**
 * @brief Read a whole stream into memory.
 * @param entry An index from ky_cfb_find().
 * @param data Receives the bytes (the caller frees them; NULL for an empty stream).
 * @param size Receives the stream size in bytes.
 * @return 0; KY_ELIMIT when the stream is larger than the limit; KY_EPARSE
 *         when its sector chain is damaged or shorter than its size; KY_ENOMEM.
 *         The error is set on the context given to ky_cfb_open().
 */
KY_EXPORT int ky_cfb_read(ky_cfb *cfb, int32_t entry, unsigned char **data, size_t *size);

#endif
