/* SPDX-License-Identifier: MIT */
/*
 * The document level of content.xml (or of a flat .fods document): the
 * automatic table styles that hide tables, and the walk to each table:table
 * in workbook order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyokun/i18n.h"
#include "ods.h"

/* Remember a table style that hides its tables. */
static int add_hidden_style(ods_reader *reader, const char *name)
{
    if (reader->hidden_count == reader->hidden_cap) {
        size_t cap = reader->hidden_cap ? reader->hidden_cap * 2 : 8;
        char **styles = realloc(reader->hidden_styles, cap * sizeof *styles);
        if (!styles)
            return ky_xml_error_nomem(reader->xml);
        reader->hidden_styles = styles;
        reader->hidden_cap = cap;
    }
    char *copy = ky_strdup(name);
    if (!copy)
        return ky_xml_error_nomem(reader->xml);
    reader->hidden_styles[reader->hidden_count++] = copy;
    return 0;
}

/* Return true when table style `name` has table:display="false". */
static bool style_hides_table(const ods_reader *reader, const char *name)
{
    for (size_t i = 0; i < reader->hidden_count; i++)
        if (strcmp(reader->hidden_styles[i], name) == 0)
            return true;
    return false;
}

/* Read the style:style at hand and remember it when it is a table style that hides its table. */
static int read_style(ods_reader *reader, ky_buf *name, ky_buf *value)
{
    ky_xml *xml = reader->xml;
    int found = ky_xml_attr(xml, ODS_NS_STYLE, "family", value);
    if (found < 0)
        return ky_xml_error_nomem(xml);
    if (!found || strcmp(value->data, "table") != 0 || ky_xml_is_empty(xml))
        return ky_xml_skip(xml);
    if ((found = ky_xml_attr(xml, ODS_NS_STYLE, "name", name)) < 0)
        return ky_xml_error_nomem(xml);
    if (!found)
        return ky_xml_skip(xml);

    bool hidden = false;
    int depth = ky_xml_depth(xml);
    int rc;
    while ((rc = ky_xml_read(xml)) > 0) {
        ky_xml_node_kind kind = ky_xml_node(xml);
        if (kind == KY_XML_END && ky_xml_depth(xml) == depth)
            break;
        if (kind != KY_XML_START)
            continue;
        if (ky_xml_is(xml, ODS_NS_STYLE, "table-properties")) {
            if ((found = ky_xml_attr(xml, ODS_NS_TABLE, "display", value)) < 0)
                return ky_xml_error_nomem(xml);
            hidden = hidden || (found && strcmp(value->data, "false") == 0);
        }
        int status = ky_xml_skip(xml);
        if (status != 0)
            return status;
    }
    if (rc < 0)
        return rc;
    return hidden ? add_hidden_style(reader, name->data) : 0;
}

/* Read office:automatic-styles (the start tag at hand) for table styles. */
static int read_automatic_styles(ods_reader *reader)
{
    ky_xml *xml = reader->xml;
    if (ky_xml_is_empty(xml))
        return 0;
    ky_buf name = {0}, value = {0};
    int depth = ky_xml_depth(xml);
    int status = 0;
    int rc;
    while ((rc = ky_xml_read(xml)) > 0) {
        ky_xml_node_kind kind = ky_xml_node(xml);
        if (kind == KY_XML_END && ky_xml_depth(xml) == depth)
            break;
        if (kind != KY_XML_START)
            continue;
        status = ky_xml_is(xml, ODS_NS_STYLE, "style") ? read_style(reader, &name, &value)
                                                       : ky_xml_skip(xml);
        if (status != 0)
            break;
    }
    ky_buf_free(&name);
    ky_buf_free(&value);
    if (status != 0)
        return status;
    return rc < 0 ? rc : 0;
}

/* Read the table:table at hand: its name and visibility, then its rows. */
static int read_table(ods_reader *reader)
{
    ky_xml *xml = reader->xml;
    ky_buf name = {0}, style = {0};
    int status = 0;
    int found = ky_xml_attr(xml, ODS_NS_TABLE, "name", &name);
    if (found == 0)
        found = ky_buf_printf(&name, "Sheet%u", (unsigned)reader->sheet_count + 1) < 0 ? -1 : 1;
    if (found < 0 || ky_xml_attr(xml, ODS_NS_TABLE, "style-name", &style) < 0) {
        status = ky_xml_error_nomem(xml);
        goto cleanup;
    }

    ky_visibility visibility = KY_SHEET_VISIBLE;
    if (style.data && style_hides_table(reader, style.data))
        visibility = KY_SHEET_HIDDEN;
    status = ky_ods__read_table(reader, name.data, visibility);

cleanup:
    ky_buf_free(&name);
    ky_buf_free(&style);
    return status;
}

int ky_ods__read_document(ods_reader *reader)
{
    ky_xml *xml = reader->xml;
    int rc;
    while ((rc = ky_xml_read(xml)) > 0) {
        if (ky_xml_node(xml) != KY_XML_START)
            continue;

        /* The root must be an ODF document, else the input is some other XML. */
        if (ky_xml_depth(xml) == 0 && !ky_xml_is(xml, ODS_NS_OFFICE, "document-content")
            && !ky_xml_is(xml, ODS_NS_OFFICE, "document")) {
            ky_loc loc = {.file = reader->path};
            return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                                KY_("the root element <%s> is not an OpenDocument "
                                    "document (office:document-content or office:document)"),
                                ky_xml_local_name(xml));
        }

        int status = 0;
        if (ky_xml_is(xml, ODS_NS_OFFICE, "document-content")
            || ky_xml_is(xml, ODS_NS_OFFICE, "document") || ky_xml_is(xml, ODS_NS_OFFICE, "body")
            || ky_xml_is(xml, ODS_NS_OFFICE, "spreadsheet"))
            continue; /* containers of the tables: read on into them */
        if (ky_xml_is(xml, ODS_NS_OFFICE, "automatic-styles"))
            status = read_automatic_styles(reader);
        else if (ky_xml_is(xml, ODS_NS_TABLE, "table"))
            status = read_table(reader);
        else
            /* Metadata, settings, fonts, named ranges, validations: not needed for values. */
            status = ky_xml_skip(xml);
        if (status == KY_SINK_STOP)
            return 0;
        if (status != 0)
            return status;
    }
    return rc < 0 ? rc : 0;
}

void ky_ods__reader_free(ods_reader *reader)
{
    for (size_t i = 0; i < reader->hidden_count; i++)
        free(reader->hidden_styles[i]);
    free(reader->hidden_styles);
    reader->hidden_styles = NULL;
    reader->hidden_count = reader->hidden_cap = 0;
}
