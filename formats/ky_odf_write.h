/* SPDX-License-Identifier: MIT */
/*
 * Writing OpenDocument packages: a zip file whose first entry is an
 * uncompressed `mimetype`, followed by the XML parts and a manifest that
 * lists them, with fixed entry times so that equal input gives equal bytes.
 * Also the escapers that turn UTF-8 text into XML 1.0 character data.
 */
#ifndef KYOKUN_FORMATS_ODF_WRITE_H
#define KYOKUN_FORMATS_ODF_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "formats/ky_text.h"
#include "kyokun/common.h"
#include "kyokun/diag.h"

/** ODF version written into every part and the manifest. */
#define KY_ODF_VERSION "1.3"

/** Media type of an OpenDocument text document (.odt). */
#define KY_ODF_MEDIA_TYPE_TEXT "application/vnd.oasis.opendocument.text"

/** A package being built: parts are kept in memory until it is written. */
typedef struct ky_odf_package ky_odf_package;

/**
 * @brief Create an empty package.
 * @param out Receives the package, which the caller frees with ky_odf_package_free().
 * @param media_type Content of the `mimetype` entry and media type of the
 *        manifest's "/" entry, e.g. KY_ODF_MEDIA_TYPE_TEXT. It is copied.
 * @param timestamp Modification time of every entry in Unix seconds.
 *        Zip entries hold a date and time without a time zone, to two
 *        seconds, from 1980 to 2107; the UTC time is written, clamped to
 *        that range, so the bytes do not depend on the machine's zone.
 * @return 0, KY_EINVAL when `media_type` is empty, or KY_ENOMEM.
 *
 * @code
 * ky_odf_package *pkg;
 * if (ky_odf_package_new(&pkg, KY_ODF_MEDIA_TYPE_TEXT, options->timestamp) == 0
 *     && ky_odf_package_add(pkg, "content.xml", "text/xml", xml, xml_len) == 0)
 *     rc = ky_odf_package_write_file(pkg, ctx, path);
 * ky_odf_package_free(pkg);
 * @endcode
 */
KY_EXPORT int ky_odf_package_new(ky_odf_package **out, const char *media_type,
                                 int64_t timestamp);

/**
 * @brief Add a part. The bytes are copied; parts are written in the order
 *        they were added, after `mimetype` and before the manifest.
 * @param pkg Package.
 * @param name Path inside the package, e.g. "content.xml" or "Pictures/pareto.svg".
 * @param media_type Media type listed in the manifest, e.g. "text/xml".
 * @param data Part content.
 * @param len Bytes in `data`.
 * @return 0; KY_EEXISTS when a part of that name was already added;
 *         KY_EINVAL for an empty or reserved name ("mimetype",
 *         "META-INF/manifest.xml"), a name starting with '/' or holding
 *         "..", or an empty media type; KY_ENOMEM.
 */
KY_EXPORT int ky_odf_package_add(ky_odf_package *pkg, const char *name, const char *media_type,
                                 const void *data, size_t len);

/**
 * @brief Build the zip archive in memory: `mimetype` first, stored, with no
 *        extra field and no data descriptor; the other parts deflated; then
 *        META-INF/manifest.xml listing "/" and every part.
 * @param pkg Package.
 * @param ctx Receives the error message on failure; NULL is allowed.
 * @param out Receives the archive bytes, which the caller frees with free().
 * @param out_len Receives the archive size.
 * @return 0, KY_ENOMEM, or KY_ERROR when libzip fails (the message names the libzip error).
 */
KY_EXPORT int ky_odf_package_build(const ky_odf_package *pkg, ky_ctx *ctx, unsigned char **out,
                                   size_t *out_len);

/**
 * @brief Build the archive (see ky_odf_package_build()) and write it to
 *        `path`, replacing the file's content.
 * @return 0, KY_ENOMEM, KY_ERROR (libzip), or KY_EIO when the file cannot
 *         be written; the error on `ctx` names the path.
 */
KY_EXPORT int ky_odf_package_write_file(const ky_odf_package *pkg, ky_ctx *ctx, const char *path);

/** @brief Free a package and its parts. NULL is allowed. */
KY_EXPORT void ky_odf_package_free(ky_odf_package *pkg);

/**
 * @brief Append UTF-8 text as the content of an ODF paragraph or heading
 *        (text:p, text:h, text:span), keeping what ODF's white-space
 *        collapsing would otherwise lose.
 *
 * - `&`, `<`, `>`, `"` and `'` become entity references.
 * - A space stays a space only between two other characters; every other
 *   space (runs, at the start or end, next to a tab or line break) goes into
 *   `<text:s/>` or `<text:s text:c="N"/>`.
 * - TAB becomes `<text:tab/>`; LF, CR and CRLF each become one `<text:line-break/>`.
 * - Other control characters (U+0000-U+001F, U+007F-U+009F) and the
 *   non-characters U+FFFE and U+FFFF are removed, because XML 1.0 cannot
 *   hold most of them and none of them prints.
 * - Each invalid UTF-8 sequence becomes U+FFFD.
 *
 * @param out Buffer to append to.
 * @param text Text, or NULL for none.
 * @param len Bytes in `text`; NUL bytes inside are removed like other control characters.
 * @param cleaned When non-NULL, incremented by the number of characters
 *        removed or replaced, so the caller can warn once per field.
 * @return 0 or KY_ENOMEM.
 */
KY_EXPORT int ky_odf_append_text(ky_buf *out, const char *text, size_t len, size_t *cleaned);

/**
 * @brief Append UTF-8 text as XML character data for places that hold plain
 *        text only: attribute values and elements such as dc:title.
 *        Escapes `&`, `<`, `>`, `"` and `'`; writes TAB, LF and CR as
 *        `&#9;`, `&#10;` and `&#13;` so that attribute normalisation keeps
 *        them; removes and replaces characters as ky_odf_append_text() does.
 * @return 0 or KY_ENOMEM.
 */
KY_EXPORT int ky_xml_append_escaped(ky_buf *out, const char *text, size_t len, size_t *cleaned);

#endif
