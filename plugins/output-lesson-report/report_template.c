/* SPDX-License-Identifier: MIT */
/*
 * styles.xml from a reference document (--reference-odt): the user's ODF text
 * document or template supplies styles.xml, so its fonts, page layout,
 * headers and footers and its definitions of the report's named styles apply.
 * Each named style, list style and default style of the built-in styles.xml
 * that the template lacks is copied into it, with the built-in font
 * declarations, so that every style content.xml names exists.
 *
 * The file comes from the user and is read as untrusted. The zip reader caps
 * the inflated sizes, and libxml2 loads nothing from the network and expands
 * no entities. A document type declaration is rejected, because ODF has none
 * and the written styles.xml would pass its entities on to the office suite.
 *
 * NOTE: pictures that the template's styles refer to (a background image,
 * a logo in the header) are not copied, so they show as missing.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "formats/ky_zip.h"
#include "kyokun/i18n.h"
#include "report.h"

#define OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define STYLE_NS "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

/* Maximum inflated size of the template's styles.xml, and of all the
 * entries read from it (mimetype and styles.xml; other parts are not read).
 * NOTE: estimates with a wide margin, not measured on a set of real templates. */
#define TEMPLATE_MAX_STYLES ((uint64_t)16 << 20)
#define TEMPLATE_MAX_TOTAL ((uint64_t)64 << 20)

/* Media types of the documents whose styles suit a text report. */
static const char *const text_media_types[] = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.text-template",
};

/* Set the error for an unusable template: what is wrong and what to pass instead. */
static int template_error(ky_ctx *ctx, int code, const char *path, const char *reason)
{
    ky_loc loc = {.file = path};
    return ky_error_set(ctx, code, &loc,
                        KY_("the reference document %s cannot be used for the report's styles: "
                            "%s. Pass an ODF text document or template (.odt, .ott) saved by "
                            "LibreOffice or another office suite"),
                        path, reason);
}

/* Set the template error with the zip reader's message as the reason: why
 * the file could not be read (missing, not a zip, over a size cap). */
static int wrap_reader_error(ky_ctx *ctx, int code, const char *path)
{
    const ky_error *error = ky_error_last(ctx);
    ky_buf reason = {0};
    /* Copy the message first: setting the new error replaces it. */
    int rc = ky_buf_puts(&reason, error && error->message[0] ? error->message
                                                             : KY_(ky_strerror(code)));
    rc = rc == 0 ? template_error(ctx, code, path, reason.data) : rc;
    ky_buf_free(&reason);
    return rc;
}

/* Read a whole entry into `out` (NUL-terminated). Returns 0, KY_ENOTFOUND
 * when there is no such entry, or the reader's status with the error set. */
static int read_entry(ky_zip *zip, const char *name, ky_buf *out)
{
    int64_t index = ky_zip_find(zip, name);
    if (index < 0)
        return KY_ENOTFOUND;

    ky_zip_stream *stream = NULL;
    int rc = ky_zip_stream_open(zip, index, &stream);
    char chunk[16384];
    while (rc == 0) {
        int64_t n = ky_zip_stream_read(stream, chunk, sizeof chunk);
        if (n <= 0) {
            rc = (int)n;
            break;
        }
        rc = ky_buf_append(out, chunk, (size_t)n);
    }
    ky_zip_stream_close(stream);
    if (rc == 0)
        rc = ky_buf_putc(out, '\0');
    if (rc == 0)
        out->len--;
    return rc;
}

/* Check the mimetype entry, when there is one: a text document or template. */
static int check_media_type(ky_ctx *ctx, ky_zip *zip, const char *path)
{
    ky_buf media_type = {0};
    int rc = read_entry(zip, "mimetype", &media_type);
    if (rc == KY_ENOTFOUND) {
        /* Some writers leave mimetype out; styles.xml decides then. */
        ky_buf_free(&media_type);
        return 0;
    }
    if (rc != 0) {
        ky_buf_free(&media_type);
        return rc == KY_ENOMEM ? rc : wrap_reader_error(ctx, rc, path);
    }

    bool text = false;
    for (size_t i = 0; i < sizeof text_media_types / sizeof text_media_types[0]; i++)
        text = text || strcmp(media_type.data, text_media_types[i]) == 0;
    if (!text) {
        ky_buf reason = {0};
        rc = ky_buf_printf(&reason, KY_("its media type is \"%.100s\", not an ODF text document"),
                           media_type.data);
        rc = rc == 0 ? template_error(ctx, KY_EUNSUPPORTED, path, reason.data) : rc;
        ky_buf_free(&reason);
    }
    ky_buf_free(&media_type);
    return rc;
}

/* Record that libxml2's generic error channel got a message, instead of printing it. */
static void note_generic_error(void *context, const char *format, ...)
{
    (void)format;
    *(bool *)context = true;
}

/*
 * Parse a styles.xml part with no network access and no entity expansion.
 * libxml2 2.9 prints encoding errors on its generic error channel even with
 * XML_PARSE_NOERROR, so the channel is redirected while it parses, and
 * *encoding_error is set when it got such a message. The channel is
 * per-thread, and the caller's handler is restored afterwards.
 */
static xmlDocPtr parse_styles(const ky_buf *xml, bool *encoding_error)
{
    *encoding_error = false;
    if (xml->len > INT32_MAX)
        return NULL;

    xmlGenericErrorFunc saved = xmlGenericError;
    void *saved_context = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(encoding_error, note_generic_error);
    xmlDocPtr doc = xmlReadMemory(xml->data, (int)xml->len, "styles.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlSetGenericErrorFunc(saved_context, saved);
    return doc;
}

/* Return the first child element of `parent` with this namespace and local name, or NULL. */
static xmlNodePtr find_child(xmlNodePtr parent, const char *ns, const char *name)
{
    for (xmlNodePtr node = parent ? parent->children : NULL; node; node = node->next) {
        if (node->type == XML_ELEMENT_NODE && node->ns
            && strcmp((const char *)node->ns->href, ns) == 0
            && strcmp((const char *)node->name, name) == 0)
            return node;
    }
    return NULL;
}

/* Return true when the two elements have the same name and the same value of one attribute. */
static bool same_attribute(xmlNodePtr a, xmlNodePtr b, const char *ns, const char *attribute)
{
    xmlChar *x = xmlGetNsProp(a, (const xmlChar *)attribute, (const xmlChar *)ns);
    xmlChar *y = xmlGetNsProp(b, (const xmlChar *)attribute, (const xmlChar *)ns);
    bool same = (!x && !y) || (x && y && xmlStrEqual(x, y));
    xmlFree(x);
    xmlFree(y);
    return same;
}

/* Return true when `container` has an element that defines the same style as `style`:
 * the same element, and the same style:name or font name and style:family. */
static bool has_definition(xmlNodePtr container, xmlNodePtr style)
{
    for (xmlNodePtr node = container->children; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE || !xmlStrEqual(node->name, style->name)
            || !node->ns || !style->ns || !xmlStrEqual(node->ns->href, style->ns->href))
            continue;
        if (same_attribute(node, style, STYLE_NS, "name")
            && same_attribute(node, style, STYLE_NS, "family"))
            return true;
    }
    return false;
}

/* Return the child `name` of the template's root, created before `before` (or
 * at the end when NULL) when the template has none. */
static xmlNodePtr ensure_section(xmlNodePtr root, xmlNsPtr office, const char *name,
                                 const char *before)
{
    xmlNodePtr section = find_child(root, OFFICE_NS, name);
    if (section)
        return section;
    section = xmlNewDocNode(root->doc, office, (const xmlChar *)name, NULL);
    if (!section)
        return NULL;
    xmlNodePtr next = before ? find_child(root, OFFICE_NS, before) : NULL;
    return next ? xmlAddPrevSibling(next, section) : xmlAddChild(root, section);
}

/* Copy every element of `from` that `to` has no definition of. Returns 0 or KY_ENOMEM. */
static int copy_missing(xmlNodePtr from, xmlNodePtr to)
{
    for (xmlNodePtr node = from ? from->children : NULL; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE || has_definition(to, node))
            continue;
        xmlNodePtr copy = xmlDocCopyNode(node, to->doc, 1);
        if (!copy || !xmlAddChild(to, copy)) {
            xmlFreeNode(copy);
            return KY_ENOMEM;
        }
    }
    return 0;
}

/*
 * Complete the template with the built-in definitions it lacks: font
 * declarations and styles, and the page layout and master page when the
 * template has no master page at all.
 */
static int merge_builtin(xmlDocPtr template_doc, xmlDocPtr builtin_doc)
{
    xmlNodePtr root = xmlDocGetRootElement(template_doc);
    xmlNodePtr builtin = xmlDocGetRootElement(builtin_doc);
    xmlNsPtr office = root->ns;

    xmlNodePtr fonts = ensure_section(root, office, "font-face-decls", "styles");
    xmlNodePtr styles = ensure_section(root, office, "styles", "automatic-styles");
    if (!fonts || !styles)
        return KY_ENOMEM;
    int rc = copy_missing(find_child(builtin, OFFICE_NS, "font-face-decls"), fonts);
    if (rc == 0)
        rc = copy_missing(find_child(builtin, OFFICE_NS, "styles"), styles);

    xmlNodePtr masters = find_child(root, OFFICE_NS, "master-styles");
    if (rc == 0 && (!masters || !find_child(masters, STYLE_NS, "master-page"))) {
        xmlNodePtr automatic = ensure_section(root, office, "automatic-styles", "master-styles");
        masters = ensure_section(root, office, "master-styles", NULL);
        if (!automatic || !masters)
            return KY_ENOMEM;
        rc = copy_missing(find_child(builtin, OFFICE_NS, "automatic-styles"), automatic);
        if (rc == 0)
            rc = copy_missing(find_child(builtin, OFFICE_NS, "master-styles"), masters);
    }
    if (rc == 0)
        xmlReconciliateNs(template_doc, root);
    return rc;
}

/* Check the parsed template: no DTD, and an office:document-styles root. */
static int check_styles_doc(ky_ctx *ctx, xmlDocPtr doc, bool encoding_error, const char *path)
{
    if (!doc && encoding_error)
        return template_error(ctx, KY_EPARSE, path,
                              KY_("styles.xml cannot be decoded in the encoding it declares"));
    if (!doc) {
        const xmlError *error = xmlGetLastError();
        char detail[200] = "";
        if (error && error->message)
            snprintf(detail, sizeof detail, "%s", error->message);
        /* libxml2's messages end with a line break. */
        size_t n = strlen(detail);
        while (n > 0 && (detail[n - 1] == '\n' || detail[n - 1] == ' '))
            detail[--n] = '\0';

        ky_buf reason = {0};
        int rc = ky_buf_printf(&reason, KY_("styles.xml is not well-formed XML (line %d: %s)"),
                               error ? error->line : 0, detail);
        rc = rc == 0 ? template_error(ctx, KY_EPARSE, path, reason.data) : rc;
        ky_buf_free(&reason);
        return rc;
    }
    if (doc->intSubset || doc->extSubset)
        return template_error(ctx, KY_EUNSUPPORTED, path,
                              KY_("styles.xml has a document type declaration, which ODF "
                                  "documents do not have"));
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || !root->ns || strcmp((const char *)root->ns->href, OFFICE_NS) != 0
        || strcmp((const char *)root->name, "document-styles") != 0)
        return template_error(ctx, KY_EPARSE, path,
                              KY_("styles.xml is not an ODF styles part (its root element is "
                                  "not office:document-styles)"));
    return 0;
}

/* Open the template and read its styles.xml into `styles`. */
static int read_template_styles(ky_ctx *ctx, const char *path, ky_buf *styles)
{
    ky_source source = {.path = path};
    ky_read_options limits = {
        .version = KY_READ_OPTIONS_VERSION,
        .max_entry_size = TEMPLATE_MAX_STYLES,
        .max_total_size = TEMPLATE_MAX_TOTAL,
    };
    ky_zip *zip = NULL;
    int rc = ky_zip_open(ctx, &source, &limits, &zip);
    if (rc == 0)
        rc = check_media_type(ctx, zip, path);
    if (rc == 0) {
        rc = read_entry(zip, "styles.xml", styles);
        if (rc == KY_ENOTFOUND)
            rc = template_error(ctx, KY_EPARSE, path, KY_("it has no styles.xml"));
        else if (rc != 0 && rc != KY_ENOMEM)
            rc = wrap_reader_error(ctx, rc, path);
    } else if (rc != KY_ENOMEM && !zip) {
        rc = wrap_reader_error(ctx, rc, path);
    }
    ky_zip_close(zip);
    return rc;
}

int report_build_template_styles(ky_ctx *ctx, const char *path, const ky_buf *builtin,
                                 ky_buf *out)
{
    ky_buf styles = {0};
    int rc = read_template_styles(ctx, path, &styles);
    if (rc != 0) {
        ky_buf_free(&styles);
        return rc;
    }

    bool encoding_error = false;
    xmlDocPtr template_doc = parse_styles(&styles, &encoding_error);
    ky_buf_free(&styles);
    rc = check_styles_doc(ctx, template_doc, encoding_error, path);
    xmlDocPtr builtin_doc = rc == 0 ? parse_styles(builtin, &encoding_error) : NULL;
    if (rc == 0 && !builtin_doc)
        rc = KY_ENOMEM; /* The built-in part is well-formed, so only memory can fail. */
    if (rc == 0)
        rc = merge_builtin(template_doc, builtin_doc);

    xmlChar *text = NULL;
    int len = 0;
    if (rc == 0) {
        xmlDocDumpMemoryEnc(template_doc, &text, &len, "UTF-8");
        *out = (ky_buf){0};
        rc = text ? ky_buf_append(out, text, (size_t)len) : KY_ENOMEM;
    }
    xmlFree(text);
    xmlFreeDoc(builtin_doc);
    xmlFreeDoc(template_doc);
    return rc;
}
