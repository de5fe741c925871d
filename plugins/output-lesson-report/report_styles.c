/* SPDX-License-Identifier: MIT */
/*
 * styles.xml, meta.xml and settings.xml of the lesson report. Every style
 * that content.xml uses for text is a named style here, so that users can
 * restyle the document in their office suite.
 */
#include <stdio.h>

#include "formats/ky_odf_write.h"
#include "report.h"

/* Document defaults: Japanese fonts for every script, Japanese as the Asian
 * language so that kanji take Japanese glyph shapes, and strict line breaking
 * (no small kana or closing punctuation at the start of a line). */
static void put_default_style(report_xml *xml, const report_labels *labels)
{
    report_putf(xml,
        "<style:default-style style:family=\"paragraph\">"
        "<style:paragraph-properties style:line-break=\"strict\" style:writing-mode=\"lr-tb\"/>"
        "<style:text-properties style:font-name=\"Noto Serif CJK JP\" fo:font-size=\"10.5pt\""
        " fo:language=\"%s\" fo:country=\"%s\""
        " style:font-name-asian=\"Noto Serif CJK JP\" style:font-size-asian=\"10.5pt\""
        " style:language-asian=\"ja\" style:country-asian=\"JP\""
        " style:font-name-complex=\"Noto Serif CJK JP\" style:font-size-complex=\"10.5pt\"/>"
        "</style:default-style>\n",
        labels->language, labels->country);
}

/* Paragraph styles: body, headings, the boxed lesson title, title page,
 * table of contents, lists, tables, footer. */
static void put_paragraph_styles(report_xml *xml)
{
    report_put(xml,
        "<style:style style:name=\"Standard\" style:family=\"paragraph\" style:class=\"text\"/>\n"

        "<style:style style:name=\"Text_20_body\" style:display-name=\"Text body\""
        " style:family=\"paragraph\" style:parent-style-name=\"Standard\" style:class=\"text\">"
        "<style:paragraph-properties fo:margin-top=\"0cm\" fo:margin-bottom=\"0.1cm\""
        " fo:line-height=\"125%\" fo:text-align=\"start\"/></style:style>\n"

        "<style:style style:name=\"Heading\" style:family=\"paragraph\""
        " style:parent-style-name=\"Standard\" style:next-style-name=\"Text_20_body\" style:class=\"text\">"
        "<style:paragraph-properties fo:margin-top=\"0.3cm\" fo:margin-bottom=\"0.15cm\""
        " fo:keep-with-next=\"always\"/>"
        "<style:text-properties style:font-name=\"Noto Sans CJK JP\" fo:font-weight=\"bold\""
        " style:font-name-asian=\"Noto Sans CJK JP\" style:font-weight-asian=\"bold\""
        " style:font-name-complex=\"Noto Sans CJK JP\" style:font-weight-complex=\"bold\"/>"
        "</style:style>\n"

        "<style:style style:name=\"Heading_20_1\" style:display-name=\"Heading 1\""
        " style:family=\"paragraph\" style:parent-style-name=\"Heading\""
        " style:next-style-name=\"Text_20_body\" style:default-outline-level=\"1\" style:class=\"text\">"
        "<style:text-properties fo:font-size=\"16pt\" style:font-size-asian=\"16pt\""
        " style:font-size-complex=\"16pt\"/></style:style>\n"

        "<style:style style:name=\"Heading_20_2\" style:display-name=\"Heading 2\""
        " style:family=\"paragraph\" style:parent-style-name=\"Heading\""
        " style:next-style-name=\"Text_20_body\" style:default-outline-level=\"2\" style:class=\"text\">"
        "<style:paragraph-properties fo:margin-top=\"0.25cm\" fo:margin-bottom=\"0.1cm\""
        " fo:padding-bottom=\"0.03cm\" fo:border-bottom=\"0.5pt solid #808080\" fo:border-top=\"none\""
        " fo:border-left=\"none\" fo:border-right=\"none\"/>"
        "<style:text-properties fo:font-size=\"12pt\" style:font-size-asian=\"12pt\""
        " style:font-size-complex=\"12pt\"/></style:style>\n"

        "<style:style style:name=\"Heading_20_3\" style:display-name=\"Heading 3\""
        " style:family=\"paragraph\" style:parent-style-name=\"Heading\""
        " style:next-style-name=\"Text_20_body\" style:default-outline-level=\"3\" style:class=\"text\">"
        "<style:paragraph-properties fo:margin-left=\"0.3cm\" fo:margin-top=\"0.1cm\""
        " fo:margin-bottom=\"0.03cm\"/>"
        "<style:text-properties fo:font-size=\"10.5pt\" style:font-size-asian=\"10.5pt\""
        " style:font-size-complex=\"10.5pt\"/></style:style>\n"

        /* The guide puts "[ID] title" in a box at the top of each lesson's page. */
        "<style:style style:name=\"Lesson_20_Title\" style:display-name=\"Lesson Title\""
        " style:family=\"paragraph\" style:parent-style-name=\"Heading_20_1\""
        " style:next-style-name=\"Heading_20_2\" style:default-outline-level=\"1\" style:class=\"text\">"
        "<style:paragraph-properties fo:break-before=\"page\" fo:margin-top=\"0cm\""
        " fo:margin-bottom=\"0.2cm\" fo:padding=\"0.2cm\" fo:border=\"1pt solid #000000\"/>"
        "<style:text-properties fo:font-size=\"14pt\" style:font-size-asian=\"14pt\""
        " style:font-size-complex=\"14pt\"/></style:style>\n"

        /* The analysis pages start a new page with a plain level 1 heading. */
        "<style:style style:name=\"Analysis_20_Title\" style:display-name=\"Analysis Title\""
        " style:family=\"paragraph\" style:parent-style-name=\"Heading_20_1\""
        " style:next-style-name=\"Text_20_body\" style:default-outline-level=\"1\" style:class=\"text\">"
        "<style:paragraph-properties fo:break-before=\"page\" fo:margin-top=\"0cm\""
        " fo:margin-bottom=\"0.3cm\"/></style:style>\n"

        "<style:style style:name=\"Title\" style:family=\"paragraph\""
        " style:parent-style-name=\"Heading\" style:next-style-name=\"Subtitle\" style:class=\"chapter\">"
        "<style:paragraph-properties fo:margin-top=\"7cm\" fo:margin-bottom=\"0.5cm\""
        " fo:text-align=\"center\"/>"
        "<style:text-properties fo:font-size=\"24pt\" style:font-size-asian=\"24pt\""
        " style:font-size-complex=\"24pt\"/></style:style>\n"

        "<style:style style:name=\"Subtitle\" style:family=\"paragraph\""
        " style:parent-style-name=\"Heading\" style:next-style-name=\"Text_20_body\" style:class=\"chapter\">"
        "<style:paragraph-properties fo:margin-top=\"0cm\" fo:margin-bottom=\"3cm\""
        " fo:text-align=\"center\"/>"
        "<style:text-properties fo:font-size=\"15pt\" style:font-size-asian=\"15pt\""
        " style:font-size-complex=\"15pt\" fo:font-weight=\"normal\""
        " style:font-weight-asian=\"normal\" style:font-weight-complex=\"normal\"/></style:style>\n"

        "<style:style style:name=\"Title_20_Info\" style:display-name=\"Title Info\""
        " style:family=\"paragraph\" style:parent-style-name=\"Standard\" style:class=\"chapter\">"
        "<style:paragraph-properties fo:margin-bottom=\"0.2cm\" fo:text-align=\"center\"/>"
        "<style:text-properties fo:font-size=\"11pt\" style:font-size-asian=\"11pt\""
        " style:font-size-complex=\"11pt\"/></style:style>\n"

        /* The table of contents has a page of its own after the title page. */
        "<style:style style:name=\"Contents_20_Heading\" style:display-name=\"Contents Heading\""
        " style:family=\"paragraph\" style:parent-style-name=\"Heading\" style:class=\"index\">"
        "<style:paragraph-properties fo:break-before=\"page\" fo:margin-top=\"0cm\""
        " fo:margin-bottom=\"0.5cm\"/>"
        "<style:text-properties fo:font-size=\"16pt\" style:font-size-asian=\"16pt\""
        " style:font-size-complex=\"16pt\"/></style:style>\n"

        "<style:style style:name=\"Contents_20_1\" style:display-name=\"Contents 1\""
        " style:family=\"paragraph\" style:parent-style-name=\"Standard\" style:class=\"index\">"
        "<style:paragraph-properties fo:margin-left=\"0cm\" fo:margin-bottom=\"0.2cm\">"
        "<style:tab-stops><style:tab-stop style:position=\"17cm\" style:type=\"right\""
        " style:leader-style=\"dotted\" style:leader-text=\".\"/></style:tab-stops>"
        "</style:paragraph-properties></style:style>\n"

        /* The entries link to their headings without looking like web links. */
        "<style:style style:name=\"Contents_20_Link\" style:display-name=\"Contents Link\""
        " style:family=\"text\"><style:text-properties fo:color=\"#000000\""
        " style:text-underline-style=\"none\"/></style:style>\n"

        "<style:style style:name=\"Contents_20_2\" style:display-name=\"Contents 2\""
        " style:family=\"paragraph\" style:parent-style-name=\"Standard\" style:class=\"index\">"
        "<style:paragraph-properties fo:margin-left=\"0.5cm\" fo:margin-bottom=\"0.1cm\">"
        "<style:tab-stops><style:tab-stop style:position=\"16.5cm\" style:type=\"right\""
        " style:leader-style=\"dotted\" style:leader-text=\".\"/></style:tab-stops>"
        "</style:paragraph-properties></style:style>\n"

        "<style:style style:name=\"List_20_Paragraph\" style:display-name=\"List Paragraph\""
        " style:family=\"paragraph\" style:parent-style-name=\"Text_20_body\" style:class=\"list\">"
        "<style:paragraph-properties fo:margin-bottom=\"0.03cm\"/></style:style>\n"

        "<style:style style:name=\"Table_20_Contents\" style:display-name=\"Table Contents\""
        " style:family=\"paragraph\" style:parent-style-name=\"Standard\" style:class=\"extra\">"
        "<style:paragraph-properties fo:line-height=\"115%\"/></style:style>\n"

        "<style:style style:name=\"Table_20_Heading\" style:display-name=\"Table Heading\""
        " style:family=\"paragraph\" style:parent-style-name=\"Table_20_Contents\" style:class=\"extra\">"
        "<style:paragraph-properties fo:text-align=\"center\"/>"
        "<style:text-properties style:font-name=\"Noto Sans CJK JP\" fo:font-weight=\"bold\""
        " style:font-name-asian=\"Noto Sans CJK JP\" style:font-weight-asian=\"bold\""
        " style:font-name-complex=\"Noto Sans CJK JP\" style:font-weight-complex=\"bold\"/>"
        "</style:style>\n"

        /* The analysis tables have many columns, so their text is smaller. */
        "<style:style style:name=\"Table_20_Contents_20_Small\" style:display-name=\"Table Contents Small\""
        " style:family=\"paragraph\" style:parent-style-name=\"Table_20_Contents\" style:class=\"extra\">"
        "<style:paragraph-properties fo:line-height=\"120%\" fo:margin-bottom=\"0.1cm\"/>"
        "<style:text-properties fo:font-size=\"8pt\" style:font-size-asian=\"8pt\""
        " style:font-size-complex=\"8pt\"/></style:style>\n"

        "<style:style style:name=\"Table_20_Heading_20_Small\" style:display-name=\"Table Heading Small\""
        " style:family=\"paragraph\" style:parent-style-name=\"Table_20_Heading\" style:class=\"extra\">"
        "<style:text-properties fo:font-size=\"8pt\" style:font-size-asian=\"8pt\""
        " style:font-size-complex=\"8pt\"/></style:style>\n"

        "<style:style style:name=\"Table_20_Root_20_Cause\" style:display-name=\"Table Root Cause\""
        " style:family=\"paragraph\" style:parent-style-name=\"Table_20_Contents_20_Small\" style:class=\"extra\">"
        "<style:text-properties fo:font-weight=\"bold\" style:font-weight-asian=\"bold\""
        " style:font-weight-complex=\"bold\"/></style:style>\n"

        /* The index after the analysis pages: a value, then its lessons. */
        "<style:style style:name=\"Index_20_Heading\" style:display-name=\"Index Heading\""
        " style:family=\"paragraph\" style:parent-style-name=\"Heading\" style:class=\"index\">"
        "<style:paragraph-properties fo:margin-top=\"0.25cm\" fo:margin-bottom=\"0.1cm\"/>"
        "<style:text-properties fo:font-size=\"11pt\" style:font-size-asian=\"11pt\""
        " style:font-size-complex=\"11pt\"/></style:style>\n"

        "<style:style style:name=\"Index_20_1\" style:display-name=\"Index 1\""
        " style:family=\"paragraph\" style:parent-style-name=\"Standard\" style:class=\"index\">"
        "<style:paragraph-properties fo:margin-left=\"0.3cm\" fo:margin-top=\"0.1cm\""
        " fo:keep-with-next=\"always\"/>"
        "<style:text-properties fo:font-weight=\"bold\" style:font-weight-asian=\"bold\""
        " style:font-weight-complex=\"bold\"/></style:style>\n"

        "<style:style style:name=\"Index_20_2\" style:display-name=\"Index 2\""
        " style:family=\"paragraph\" style:parent-style-name=\"Standard\" style:class=\"index\">"
        "<style:paragraph-properties fo:margin-left=\"1cm\">"
        "<style:tab-stops><style:tab-stop style:position=\"16cm\" style:type=\"right\""
        " style:leader-style=\"dotted\" style:leader-text=\".\"/></style:tab-stops>"
        "</style:paragraph-properties></style:style>\n"

        /* The Pareto chart's paragraph and the caption below it. */
        "<style:style style:name=\"Figure\" style:family=\"paragraph\""
        " style:parent-style-name=\"Standard\" style:class=\"extra\">"
        "<style:paragraph-properties fo:text-align=\"center\" fo:margin-top=\"0.2cm\"/>"
        "</style:style>\n"

        "<style:style style:name=\"Caption\" style:family=\"paragraph\""
        " style:parent-style-name=\"Standard\" style:class=\"extra\">"
        "<style:paragraph-properties fo:text-align=\"center\" fo:margin-top=\"0.1cm\""
        " fo:margin-bottom=\"0.3cm\"/>"
        "<style:text-properties fo:font-size=\"9pt\" style:font-size-asian=\"9pt\""
        " style:font-size-complex=\"9pt\"/></style:style>\n"

        /* The mark of values that kyokun inferred rather than read. */
        "<style:style style:name=\"Inferred_20_Value\" style:display-name=\"Inferred Value\""
        " style:family=\"text\"><style:text-properties fo:color=\"#555555\""
        " fo:font-style=\"italic\" style:font-style-asian=\"normal\"/></style:style>\n"

        "<style:style style:name=\"Footer\" style:family=\"paragraph\""
        " style:parent-style-name=\"Standard\" style:class=\"extra\">"
        "<style:paragraph-properties fo:text-align=\"center\"/>"
        "<style:text-properties fo:font-size=\"9pt\" style:font-size-asian=\"9pt\""
        " style:font-size-complex=\"9pt\"/></style:style>\n");
}

/* Named cell styles with borders, for suites that apply them; content.xml's
 * automatic cell styles name them as parents. */
static void put_cell_styles(report_xml *xml)
{
    report_put(xml,
        "<style:style style:name=\"Table_20_Cell\" style:display-name=\"Table Cell\""
        " style:family=\"table-cell\">"
        "<style:table-cell-properties fo:padding=\"0.1cm\" fo:border=\"0.5pt solid #000000\"/>"
        "</style:style>\n"
        "<style:style style:name=\"Table_20_Heading_20_Cell\" style:display-name=\"Table Heading Cell\""
        " style:family=\"table-cell\" style:parent-style-name=\"Table_20_Cell\">"
        "<style:table-cell-properties fo:background-color=\"#e8e8e8\"/>"
        "</style:style>\n");
}

/* Append the level-1 label layout shared by both list styles: the label
 * hangs 0.6 cm left of the text, which starts 1 cm from the margin. */
#define LIST_LEVEL_PROPERTIES                                                          \
    "<style:list-level-properties text:list-level-position-and-space-mode=\"label-alignment\">" \
    "<style:list-level-label-alignment text:label-followed-by=\"listtab\""                  \
    " text:list-tab-stop-position=\"1cm\" fo:text-indent=\"-0.6cm\" fo:margin-left=\"1cm\"/>" \
    "</style:list-level-properties>"

/* List styles: bullets for direct causes, numbers for root causes and measures. */
static void put_list_styles(report_xml *xml, const report_labels *labels)
{
    report_putf(xml,
        "<text:list-style style:name=\"List_20_Bullet\" style:display-name=\"List Bullet\">"
        "<text:list-level-style-bullet text:level=\"1\" text:bullet-char=\"%s\">", labels->bullet);
    report_put(xml,
        LIST_LEVEL_PROPERTIES
        "</text:list-level-style-bullet></text:list-style>\n"
        "<text:list-style style:name=\"Numbering_20_123\" style:display-name=\"Numbering 123\">"
        "<text:list-level-style-number text:level=\"1\" style:num-suffix=\".\" style:num-format=\"1\">"
        LIST_LEVEL_PROPERTIES
        "</text:list-level-style-number></text:list-style>\n");
}

/* Page layout (A4 portrait, 2 cm side margins) and the master page whose
 * footer shows "page / pages". */
static void put_page_styles(report_xml *xml)
{
    report_put(xml,
        "<office:automatic-styles>\n"
        "<style:page-layout style:name=\"A4Portrait\">"
        "<style:page-layout-properties fo:page-width=\"21cm\" fo:page-height=\"29.7cm\""
        " style:print-orientation=\"portrait\" style:num-format=\"1\""
        " fo:margin-top=\"1.5cm\" fo:margin-bottom=\"1.2cm\" fo:margin-left=\"2cm\""
        " fo:margin-right=\"2cm\" style:writing-mode=\"lr-tb\"/>"
        "<style:footer-style><style:header-footer-properties fo:min-height=\"0.5cm\""
        " fo:margin-top=\"0.3cm\"/></style:footer-style>"
        "</style:page-layout>\n"
        "</office:automatic-styles>\n"
        "<office:master-styles>\n"
        "<style:master-page style:name=\"Standard\" style:page-layout-name=\"A4Portrait\">"
        "<style:footer><text:p text:style-name=\"Footer\">"
        "<text:page-number text:select-page=\"current\">1</text:page-number>"
        "<text:s/>/<text:s/><text:page-count>1</text:page-count>"
        "</text:p></style:footer>"
        "</style:master-page>\n"
        "</office:master-styles>\n");
}

int report_build_styles(const report_labels *labels, ky_buf *out)
{
    report_xml xml = {0};

    report_put(&xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<office:document-styles" REPORT_ODF_NAMESPACES
                     " office:version=\"" KY_ODF_VERSION "\">\n");
    report_font_face_decls(&xml);
    report_put(&xml, "<office:styles>\n");
    put_default_style(&xml, labels);
    put_paragraph_styles(&xml);
    put_cell_styles(&xml);
    put_list_styles(&xml, labels);
    report_put(&xml, "</office:styles>\n");
    put_page_styles(&xml);
    report_put(&xml, "</office:document-styles>\n");

    if (xml.rc != 0) {
        ky_buf_free(&xml.buf);
        return xml.rc;
    }
    *out = xml.buf;
    return 0;
}

int report_build_meta(const ky_book *book, const report_labels *labels, int64_t timestamp,
                      ky_buf *out)
{
    report_xml xml = {0};
    char created[32];
    report_format_datetime(timestamp, created);

    report_put(&xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<office:document-meta"
        " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
        " xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\""
        " xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
        " office:version=\"" KY_ODF_VERSION "\">\n"
        "<office:meta>\n<meta:generator>kyokun/");
    report_plain(&xml, ky_version());
    report_put(&xml, "</meta:generator>\n<dc:title>");
    report_plain(&xml, book->title && *book->title ? book->title : labels->default_title);
    report_putf(&xml,
        "</dc:title>\n<dc:language>%s</dc:language>\n"
        "<meta:creation-date>%s</meta:creation-date>\n<dc:date>%s</dc:date>\n"
        "</office:meta>\n</office:document-meta>\n",
        labels->dc_language, created, created);

    if (xml.rc != 0) {
        ky_buf_free(&xml.buf);
        return xml.rc;
    }
    *out = xml.buf;
    return 0;
}

int report_build_settings(ky_buf *out)
{
    /* Printer-independent layout makes line and page breaks the same on
     * every machine, whatever printer LibreOffice finds. */
    static const char settings[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<office:document-settings"
        " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
        " xmlns:config=\"urn:oasis:names:tc:opendocument:xmlns:config:1.0\""
        " office:version=\"" KY_ODF_VERSION "\">\n"
        "<office:settings>\n"
        "<config:config-item-set config:name=\"ooo:configuration-settings\">"
        "<config:config-item config:name=\"PrinterIndependentLayout\" config:type=\"string\">"
        "high-resolution</config:config-item>"
        "</config:config-item-set>\n"
        "</office:settings>\n"
        "</office:document-settings>\n";

    *out = (ky_buf){0};
    return ky_buf_append(out, settings, sizeof settings - 1);
}
