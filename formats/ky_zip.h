/* SPDX-License-Identifier: MIT */
/*
 * Read access to zip packages (xlsx, ods) through libzip: entry lookup that
 * tolerates backslash separators, and entry streams whose inflated size is
 * capped per entry and in total, whatever the headers claim.
 */
#ifndef KYOKUN_FORMATS_ZIP_H
#define KYOKUN_FORMATS_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyokun/common.h"
#include "kyokun/diag.h"
#include "kyokun/plugin.h"

/** Inflated bytes allowed in one entry when ky_read_options leaves it 0. */
#define KY_ZIP_DEFAULT_MAX_ENTRY ((uint64_t)1 << 30)
/** Inflated bytes allowed over all entries when ky_read_options leaves it 0. */
#define KY_ZIP_DEFAULT_MAX_TOTAL ((uint64_t)4 << 30)

/** An open zip package. */
typedef struct ky_zip ky_zip;

/** One entry opened for sequential reading. */
typedef struct ky_zip_stream ky_zip_stream;

/**
 * @brief Return true when `head` starts with the OLE2 compound file
 *        signature D0 CF 11 E0 A1 B1 1A E1 (legacy .xls, or an xlsx that
 *        Excel encrypted with a password).
 */
KY_EXPORT bool ky_zip_is_ole2(const unsigned char *head, size_t len);

/**
 * @brief Open a zip package from `source->data` when set, else from `source->path`.
 * @param ctx Context that receives errors, now and from later stream reads.
 * @param source Input; `source->path` names it in messages. Borrowed: the
 *        path and data must outlive the returned package.
 * @param options Size limits (0 or NULL selects the KY_ZIP_DEFAULT_* limits).
 * @param out Receives the package; close it with ky_zip_close().
 * @return 0; KY_EUNSUPPORTED for an OLE2 file (a password-protected workbook);
 *         KY_EPARSE for a truncated file or one that is not a zip; KY_EIO when
 *         the file cannot be read; KY_ENOMEM. The error is set on `ctx`.
 */
KY_EXPORT int ky_zip_open(ky_ctx *ctx, const ky_source *source, const ky_read_options *options,
                          ky_zip **out);

/** @brief Close a package. NULL is allowed. Streams must be closed first. */
KY_EXPORT void ky_zip_close(ky_zip *zip);

/** @brief Return the path that names the package in messages (borrowed). */
KY_EXPORT const char *ky_zip_path(const ky_zip *zip);

/** @brief Return the context given to ky_zip_open(). */
KY_EXPORT ky_ctx *ky_zip_ctx(const ky_zip *zip);

/**
 * @brief Find an entry by name. The match ignores ASCII case (part names in
 *        Open Packaging are case-insensitive), a leading '/', and treats '\'
 *        in stored names as '/', so "xl/workbook.xml" finds "xl\workbook.xml".
 * @return The entry index, or -1 when there is no such entry.
 */
KY_EXPORT int64_t ky_zip_find(const ky_zip *zip, const char *name);

/** @brief Number of entries in the package. */
KY_EXPORT size_t ky_zip_count(const ky_zip *zip);

/**
 * @brief Return the name of entry `index` with '\' turned into '/' (borrowed,
 *        valid while the package is open), or NULL when out of range.
 */
KY_EXPORT const char *ky_zip_name(const ky_zip *zip, size_t index);

/**
 * @brief Open an entry for reading.
 * @return 0; KY_ELIMIT when the header already claims more than the limits
 *         allow; KY_EUNSUPPORTED for an encrypted entry; KY_EPARSE when the
 *         entry cannot be decompressed; KY_ENOMEM. The error is set on the context.
 */
KY_EXPORT int ky_zip_stream_open(ky_zip *zip, int64_t index, ky_zip_stream **out);

/**
 * @brief Read up to `len` inflated bytes.
 * @return The number of bytes read, 0 at the end of the entry, or a negative
 *         status (KY_ELIMIT when the entry or the package inflates past its
 *         limit, KY_EPARSE for corrupt data) with the error set on the context.
 *         Once negative, every later call returns the same status.
 */
KY_EXPORT int64_t ky_zip_stream_read(ky_zip_stream *stream, void *buf, size_t len);

/**
 * @brief Read callback in the shape libxml2's xmlReaderForIO() expects
 *        (`context` is a ky_zip_stream): bytes read, 0 at the end, -1 on error.
 */
KY_EXPORT int ky_zip_stream_io_read(void *context, char *buffer, int len);

/** @brief Return 0, or the negative status of the first failed read. */
KY_EXPORT int ky_zip_stream_status(const ky_zip_stream *stream);

/** @brief Return the entry name the stream reads (borrowed). */
KY_EXPORT const char *ky_zip_stream_name(const ky_zip_stream *stream);

/** @brief Close a stream. NULL is allowed. */
KY_EXPORT void ky_zip_stream_close(ky_zip_stream *stream);

#endif
