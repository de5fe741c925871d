/* SPDX-License-Identifier: MIT */
/*
 * The styles part, reduced to what reading values needs: for each cell
 * format (<cellXfs><xf>), whether its number format shows a date, a time or
 * a duration.
 */
#include <stdlib.h>
#include <string.h>

#include "kyokun/i18n.h"
#include "xlsx.h"

/* Cell formats kept at most; Excel allows 64,000. */
#define MAX_XFS ((size_t)1 << 20)

/* A number format the file defines (<numFmt>). */
typedef struct custom_format {
    unsigned long id;
    ky_numfmt_kind kind;
} custom_format;

typedef struct style_parse {
    custom_format *formats;
    size_t format_count;
    size_t format_cap;
    unsigned long *xf_format_ids; /* numFmtId of each cellXfs entry */
    size_t xf_count;
    size_t xf_cap;
} style_parse;

/* Grow an array of `size`-byte items to hold one more; false when out of memory. */
static bool reserve_one(void **items, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return true;
    size_t next = *cap ? *cap * 2 : 64;
    void *grown = realloc(*items, next * size);
    if (!grown)
        return false;
    *items = grown;
    *cap = next;
    return true;
}

/* Record the <numFmt> element at hand. */
static int add_format(ky_xml *xml, style_parse *parse, ky_buf *value)
{
    int found = ky_xml_attr(xml, NULL, "numFmtId", value);
    if (found < 0)
        return ky_xml_error_nomem(xml);
    if (!found)
        return 0;
    unsigned long id = strtoul(value->data, NULL, 10);

    found = ky_xml_attr(xml, NULL, "formatCode", value);
    if (found < 0)
        return ky_xml_error_nomem(xml);
    if (!found)
        return 0;
    if (!reserve_one((void **)&parse->formats, &parse->format_cap, parse->format_count,
                     sizeof *parse->formats))
        return ky_xml_error_nomem(xml);
    parse->formats[parse->format_count].id = id;
    parse->formats[parse->format_count].kind = ky_numfmt_code_kind(value->data, value->len);
    parse->format_count++;
    return 0;
}

/* Record the <xf> element at hand, inside <cellXfs>. */
static int add_xf(ky_xml *xml, style_parse *parse, ky_buf *value)
{
    if (parse->xf_count >= MAX_XFS)
        return 0;
    int found = ky_xml_attr(xml, NULL, "numFmtId", value);
    if (found < 0)
        return ky_xml_error_nomem(xml);
    if (!reserve_one((void **)&parse->xf_format_ids, &parse->xf_cap, parse->xf_count,
                     sizeof *parse->xf_format_ids))
        return ky_xml_error_nomem(xml);
    parse->xf_format_ids[parse->xf_count++] = found ? strtoul(value->data, NULL, 10) : 0;
    return 0;
}

/* Return the kind of format `id`: the file's own definition first, then the built-ins. */
static ky_numfmt_kind format_kind(const style_parse *parse, unsigned long id)
{
    for (size_t i = parse->format_count; i > 0; i--)
        if (parse->formats[i - 1].id == id)
            return parse->formats[i - 1].kind;
    return id <= 0xFFFFu ? ky_numfmt_builtin_kind((unsigned)id) : KY_NUMFMT_NUMBER;
}

int ky_xlsx__styles_load(ky_zip *zip, const char *part, xlsx_styles *styles)
{
    memset(styles, 0, sizeof *styles);
    style_parse parse = {0};
    ky_buf value = {0};
    ky_xml *xml = NULL;
    int status = ky_xml_open(zip, part, &xml);
    if (status != 0)
        goto cleanup;

    /* <xf> also appears in <cellStyleXfs>; only those of <cellXfs> are cell formats. */
    int cell_xfs_depth = -1;
    int rc;
    while ((rc = ky_xml_read(xml)) > 0) {
        ky_xml_node_kind kind = ky_xml_node(xml);
        if (kind == KY_XML_END && ky_xml_depth(xml) == cell_xfs_depth) {
            cell_xfs_depth = -1;
            continue;
        }
        if (kind != KY_XML_START)
            continue;
        if (ky_xlsx__is(xml, "numFmt"))
            status = add_format(xml, &parse, &value);
        else if (ky_xlsx__is(xml, "cellXfs") && !ky_xml_is_empty(xml))
            cell_xfs_depth = ky_xml_depth(xml);
        else if (ky_xlsx__is(xml, "xf") && cell_xfs_depth >= 0
                 && ky_xml_depth(xml) == cell_xfs_depth + 1)
            status = add_xf(xml, &parse, &value);
        if (status != 0)
            goto cleanup;
    }
    if (rc < 0) {
        status = rc;
        goto cleanup;
    }

    /* Resolve each cell format once, so cells cost one array lookup. */
    if (parse.xf_count > 0) {
        styles->kinds = malloc(parse.xf_count);
        if (!styles->kinds) {
            status = ky_xml_error_nomem(xml);
            goto cleanup;
        }
        for (size_t i = 0; i < parse.xf_count; i++)
            styles->kinds[i] = (unsigned char)format_kind(&parse, parse.xf_format_ids[i]);
        styles->count = parse.xf_count;
    }

cleanup:
    ky_xml_close(xml);
    ky_buf_free(&value);
    free(parse.formats);
    free(parse.xf_format_ids);
    return status;
}

ky_numfmt_kind ky_xlsx__style_kind(const xlsx_styles *styles, uint64_t xf)
{
    return xf < styles->count ? (ky_numfmt_kind)styles->kinds[xf] : KY_NUMFMT_NUMBER;
}

void ky_xlsx__styles_free(xlsx_styles *styles)
{
    free(styles->kinds);
    memset(styles, 0, sizeof *styles);
}
