/* SPDX-License-Identifier: MIT */
/*
 * styles.xml from a reference document (--reference-odt): the user's ODF text
 * document or template supplies styles.xml, so its fonts, page layout,
 * headers and footers and its definitions of the report's named styles apply.
 * Each named style, list style and default style of the built-in styles.xml
 * that the template lacks is copied into it, with the built-in font
 * declarations, so that every style content.xml names exists.
 *
 * ky_odf_template_read_styles() reads and checks the template, which comes
 * from the user and is read as untrusted.
 *
 * NOTE: pictures that the template's styles refer to (a background image,
 * a logo in the header) are not copied, so they show as missing.
 */
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "formats/ky_odf_template.h"
#include "report.h"

#define OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define STYLE_NS "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

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

int report_build_template_styles(ky_ctx *ctx, const char *path, const ky_buf *builtin,
                                 ky_buf *out)
{
    xmlDocPtr template_doc = NULL;
    int rc = ky_odf_template_read_styles(ctx, path, &template_doc);
    bool encoding_error = false;
    xmlDocPtr builtin_doc = rc == 0 ? ky_odf_parse_styles(builtin, &encoding_error) : NULL;
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
