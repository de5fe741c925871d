/* SPDX-License-Identifier: MIT */
/*
 * Reading the styles.xml of a reference document (an ODF text document or
 * template that the user supplies, e.g. with --reference-odt), with every
 * check that can reject the document: a zip package, a text media type,
 * a styles.xml within the size caps that parses, has no document type
 * declaration and has an office:document-styles root. The CLI runs it
 * before any input is read, and the lesson-report plugin runs it again
 * when it merges the styles.
 *
 * The file is read as untrusted: the zip reader caps the inflated sizes,
 * and libxml2 loads nothing from the network and expands no entities.
 */
#ifndef KYOKUN_FORMATS_ODF_TEMPLATE_H
#define KYOKUN_FORMATS_ODF_TEMPLATE_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "formats/ky_text.h"
#include "kyokun/common.h"
#include "kyokun/diag.h"

/**
 * @brief Read and check the styles.xml of the reference document at `path`.
 * @param ctx Receives the error, whose message names the file and the problem.
 * @param out Receives the parsed styles.xml, which the caller frees with
 *        xmlFreeDoc(); NULL to only check the document.
 * @return 0 or KY_ENOMEM, or one of these with the error set:
 *         - KY_EIO: the file cannot be read;
 *         - KY_EPARSE: not a zip, no styles.xml, malformed XML, or not a styles part;
 *         - KY_EUNSUPPORTED: not a text document, or a document type declaration;
 *         - KY_ELIMIT: an entry inflates past its size cap.
 */
KY_EXPORT int ky_odf_template_read_styles(ky_ctx *ctx, const char *path, xmlDocPtr *out);

/**
 * @brief Parse a styles.xml part with no network access and no entity
 *        expansion, without printing anything.
 * @param xml The part's bytes.
 * @param encoding_error Set to true when libxml2 reported that the bytes
 *        do not decode in the encoding the part declares.
 * @return The document, which the caller frees with xmlFreeDoc(), or NULL
 *         when it does not parse. xmlGetLastError() then returns the reason.
 */
KY_EXPORT xmlDocPtr ky_odf_parse_styles(const ky_buf *xml, bool *encoding_error);

#endif
