/* SPDX-License-Identifier: MIT */
/*
 * Streaming XML over zip package parts (or a whole XML file), node by node
 * like libxml2's xmlTextReader, on libxml2's SAX2 push parser. The parser is
 * set up so that a part can neither load files or URLs nor expand entities:
 * no network, no DTD loading, no entity substitution, and any DOCTYPE rejected.
 */
#ifndef KYOKUN_FORMATS_XML_H
#define KYOKUN_FORMATS_XML_H

#include <stdbool.h>

#include "formats/ky_text.h"
#include "formats/ky_zip.h"
#include "kyokun/common.h"

/** SpreadsheetML main namespace, Transitional (ECMA-376). */
#define KY_NS_SML "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
/** SpreadsheetML main namespace, Strict (ISO/IEC 29500 Strict). */
#define KY_NS_SML_STRICT "http://purl.oclc.org/ooxml/spreadsheetml/main"
/** Namespace of r:id attributes, Transitional. */
#define KY_NS_OFFICE_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
/** Namespace of r:id attributes, Strict. */
#define KY_NS_OFFICE_REL_STRICT "http://purl.oclc.org/ooxml/officeDocument/relationships"
/** Namespace of .rels parts (the same in Transitional and Strict). */
#define KY_NS_PACKAGE_REL "http://schemas.openxmlformats.org/package/2006/relationships"

/** Node kinds returned by ky_xml_node(). */
typedef enum ky_xml_node_kind {
    KY_XML_OTHER = 0, /**< Comment, processing instruction, declaration. */
    KY_XML_START = 1, /**< Start tag, or an empty element `<a/>` (see ky_xml_is_empty()). */
    KY_XML_END = 2,   /**< End tag. */
    KY_XML_TEXT = 3   /**< Text, CDATA or whitespace. */
} ky_xml_node_kind;

/** A reader over one package part. */
typedef struct ky_xml ky_xml;

/**
 * @brief Open package part `name` of `zip` for streaming.
 * @param out Receives the reader; free it with ky_xml_close().
 * @return 0; KY_ENOTFOUND when the part is missing; any status of
 *         ky_zip_stream_open(). The error is set on the package's context.
 */
KY_EXPORT int ky_xml_open(ky_zip *zip, const char *name, ky_xml **out);

/**
 * @brief Open a whole XML document for streaming (a flat OpenDocument file):
 *        `source->data` when set, else the file at `source->path`, with the
 *        same safety settings as package parts.
 * @param ctx Context that receives errors, now and from later reads.
 * @param source Input; `source->path` names it in messages. Borrowed: the
 *        path and data must outlive the reader.
 * @param max_size Bytes read at most; reading past them fails with KY_ELIMIT.
 * @param out Receives the reader; free it with ky_xml_close().
 * @return 0; KY_EIO when the file cannot be opened; KY_ENOMEM. The error is set on `ctx`.
 */
KY_EXPORT int ky_xml_open_source(ky_ctx *ctx, const ky_source *source, uint64_t max_size,
                                 ky_xml **out);

/** @brief Close a reader and its stream. NULL is allowed. */
KY_EXPORT void ky_xml_close(ky_xml *xml);

/**
 * @brief Advance to the next node.
 * @return 1 when positioned on a node, 0 at the end of the part, or a negative
 *         status with the error set. The status is KY_EPARSE for malformed XML
 *         or a DOCTYPE, else the stream's (KY_ELIMIT past a size limit).
 */
KY_EXPORT int ky_xml_read(ky_xml *xml);

/** @brief Return the kind of the current node. */
KY_EXPORT ky_xml_node_kind ky_xml_node(const ky_xml *xml);

/** @brief Return the depth of the current node (the root element is 0). */
KY_EXPORT int ky_xml_depth(const ky_xml *xml);

/**
 * @brief Return the text of the current text node (borrowed until the next
 *        read), "" for other nodes.
 */
KY_EXPORT const char *ky_xml_value(const ky_xml *xml);

/** @brief Return true when the current start tag is an empty element `<a/>`. */
KY_EXPORT bool ky_xml_is_empty(const ky_xml *xml);

/** @brief Return the local name of the current node (borrowed), "" when none. */
KY_EXPORT const char *ky_xml_local_name(const ky_xml *xml);

/** @brief Return the namespace URI of the current node (borrowed), "" when none. */
KY_EXPORT const char *ky_xml_namespace(const ky_xml *xml);

/**
 * @brief Return true when the current node is a start or end tag with this
 *        namespace URI (NULL for no namespace) and local name. Prefixes do not
 *        matter, so `x:row` matches when `x` is bound to the URI.
 */
KY_EXPORT bool ky_xml_is(const ky_xml *xml, const char *ns_uri, const char *local);

/**
 * @brief Return true when the current node is a SpreadsheetML element with
 *        this local name, in the Transitional or the Strict namespace.
 */
KY_EXPORT bool ky_xml_is_sml(const ky_xml *xml, const char *local);

/**
 * @brief Step through the attributes of the current start tag.
 *        Call until it returns false; it then moves back to the element.
 * @param ns_uri Receives the attribute's namespace URI, "" when none (borrowed,
 *        valid while the reader is open; equal URIs are the same pointer).
 * @param local Receives the local name (borrowed).
 * @param value Receives the value (borrowed until the next call).
 */
KY_EXPORT bool ky_xml_next_attr(ky_xml *xml, const char **ns_uri, const char **local,
                                const char **value);

/**
 * @brief Copy an attribute of the current start tag into `out` (cleared first).
 * @param ns_uri Namespace URI, or NULL for an attribute with no prefix.
 * @return 1 when present, 0 when absent, KY_ENOMEM.
 */
KY_EXPORT int ky_xml_attr(ky_xml *xml, const char *ns_uri, const char *local, ky_buf *out);

/**
 * @brief Append the text inside the current element (all descendants) to
 *        `out` and move to its end tag. Does nothing for an empty element.
 * @return 0 or a negative status as ky_xml_read() returns.
 */
KY_EXPORT int ky_xml_read_text(ky_xml *xml, ky_buf *out);

/**
 * @brief Move to the end tag of the current element, skipping its content.
 * @return 0 or a negative status as ky_xml_read() returns.
 */
KY_EXPORT int ky_xml_skip(ky_xml *xml);

/** @brief Record an out-of-memory error naming the package and return KY_ENOMEM. */
KY_EXPORT int ky_xml_error_nomem(ky_xml *xml);

/** @brief Return the name of the part being read, or the path of a whole document (borrowed). */
KY_EXPORT const char *ky_xml_part(const ky_xml *xml);

/** @brief Return the line of the current node, for messages (0 when unknown). */
KY_EXPORT int ky_xml_line(const ky_xml *xml);

#endif
