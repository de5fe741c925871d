/* SPDX-License-Identifier: MIT */
/*
 * content.xml of the lesson report: a title page, a table of contents, one
 * page per lesson in the layout of the IPA/SEC guide's lesson example (a
 * boxed "[ID] title", problem, cause, countermeasures, effect, lesson,
 * classification table), then the analysis pages (report_analysis.c).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "formats/ky_odf_write.h"
#include "kyokun/i18n.h"
#include "report.h"

/* Column widths of the classification table in cm; they add up to REPORT_TEXT_WIDTH_CM. */
#define CLASS_COL_NUMBER_CM 1.4
#define CLASS_COL_CATEGORY_CM 7.0
#define CLASS_COL_RESULT_CM 8.6

/* Bookmarks in the headings of the back pages; lessons get "Lesson<n>". */
#define PARETO_BOOKMARK "ParetoChart"
#define STATUS_BOOKMARK "IncidentStatus"
#define WHY_BOOKMARK "WhyWhyAnalysis"
#define INDEX_BOOKMARK "LessonIndex"

/* Characters of an inferred value's evidence shown below the value. */
#define EVIDENCE_MAX_CHARS 60

/* True when at least one item of the list has text. */
static bool list_has_text(const ky_strlist *list)
{
    for (size_t i = 0; i < list->count; i++) {
        if (report_has_text(list->items[i]))
            return true;
    }
    return false;
}

/* Write the table, column and cell styles of the classification table and
 * the analysis tables. The cells repeat the borders of the named cell styles
 * in styles.xml, because LibreOffice Writer (7.4, checked by PDF export)
 * takes cell borders from automatic styles only. */
static void put_automatic_styles(report_xml *xml, const report_analysis *analysis,
                                 const report_pareto *pareto)
{
    report_put(xml, "<office:automatic-styles>\n");
    /* The classification table is short, so it never breaks between rows. When
     * it does not fit below the lesson, it moves whole to the next page, and
     * the 分類 heading moves with it because headings keep with the next paragraph. */
    report_putf(xml,
        "<style:style style:name=\"Classification\" style:family=\"table\">"
        "<style:table-properties style:width=\"%.1fcm\" table:align=\"margins\""
        " fo:margin-top=\"0.1cm\" fo:margin-bottom=\"0cm\""
        " style:may-break-between-rows=\"false\"/></style:style>\n",
        REPORT_TEXT_WIDTH_CM);

    const struct {
        const char *name;
        double width_cm;
    } columns[] = {
        {"Classification.A", CLASS_COL_NUMBER_CM},
        {"Classification.B", CLASS_COL_CATEGORY_CM},
        {"Classification.C", CLASS_COL_RESULT_CM},
    };
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
        /* rel-column-width is in an arbitrary unit; tenths of millimetres keep it exact. */
        report_putf(xml,
            "<style:style style:name=\"%s\" style:family=\"table-column\">"
            "<style:table-column-properties style:column-width=\"%.1fcm\""
            " style:rel-column-width=\"%d*\"/></style:style>\n",
            columns[i].name, columns[i].width_cm, (int)(columns[i].width_cm * 100.0 + 0.5));
    }

    report_put(xml,
        "<style:style style:name=\"Classification.HeaderCell\" style:family=\"table-cell\""
        " style:parent-style-name=\"Table_20_Heading_20_Cell\">"
        "<style:table-cell-properties fo:background-color=\"#e8e8e8\" fo:padding=\"0.1cm\""
        " fo:border=\"0.5pt solid #000000\"/></style:style>\n"
        "<style:style style:name=\"Classification.Cell\" style:family=\"table-cell\""
        " style:parent-style-name=\"Table_20_Cell\">"
        "<style:table-cell-properties fo:padding=\"0.1cm\" fo:border=\"0.5pt solid #000000\"/>"
        "</style:style>\n");
    report_put_analysis_styles(xml, analysis);
    if (report_pareto_has_chart(pareto))
        report_put_pareto_styles(xml);
    report_put(xml, "</office:automatic-styles>\n");
}

/* Write a paragraph with a label, a separator and a value, all from kyokun. */
static void put_info_line(report_xml *xml, const report_labels *labels, const char *label,
                          const char *value)
{
    report_put(xml, "<text:p text:style-name=\"Title_20_Info\">");
    report_text(xml, label);
    /* Plain escaping keeps the separator's space a space: text follows it. */
    report_plain(xml, labels->label_separator);
    report_text(xml, value);
    report_put(xml, "</text:p>\n");
}

/* Write the title page: title, subtitle, organisation, date, generator and
 * lesson count. The organisation's cleaned characters go to
 * *organization_cleaned, not to xml->cleaned, so each gets its own warning. */
static void put_title_page(report_xml *xml, const ky_book *book, const report_labels *labels,
                           const ky_write_options *options, size_t *organization_cleaned)
{
    char date[16];
    char count[32];
    char generator[64];

    report_format_date(options->timestamp, date);
    snprintf(count, sizeof count, "%zu", book->lesson_count);
    snprintf(generator, sizeof generator, "kyokun %s", ky_version());

    report_put(xml, "<text:p text:style-name=\"Title\">");
    report_text(xml, report_has_text(book->title) ? book->title : labels->default_title);
    report_put(xml, "</text:p>\n<text:p text:style-name=\"Subtitle\">");
    report_text(xml, labels->subtitle);
    report_put(xml, "</text:p>\n");

    *organization_cleaned = 0;
    if (report_has_text(options->organization)) {
        size_t cleaned_before = xml->cleaned;
        put_info_line(xml, labels, labels->organization, options->organization);
        *organization_cleaned = xml->cleaned - cleaned_before;
        xml->cleaned = cleaned_before;
    }
    put_info_line(xml, labels, labels->created, date);
    put_info_line(xml, labels, labels->generated_by, generator);
    put_info_line(xml, labels, labels->lesson_count, count);

    if (book->lesson_count == 0) {
        report_put(xml, "<text:p text:style-name=\"Title_20_Info\">");
        report_text(xml, labels->no_lessons);
        report_put(xml, "</text:p>\n");
    }
}

/* Write a section heading (level 2) or sub-section heading (level 3). */
static void put_heading(report_xml *xml, int level, const char *label)
{
    report_putf(xml, "<text:h text:style-name=\"Heading_20_%d\" text:outline-level=\"%d\">",
                level, level);
    report_text(xml, label);
    report_put(xml, "</text:h>\n");
}

/* Write a body paragraph, or the dash when the text is empty. */
static void put_body(report_xml *xml, const char *text, const report_labels *labels)
{
    report_put(xml, "<text:p text:style-name=\"Text_20_body\">");
    report_text(xml, report_has_text(text) ? text : labels->empty);
    report_put(xml, "</text:p>\n");
}

/* Write the items that have text as a list in `list_style`, or the dash
 * when none has text (an empty text:list would show nothing). The lead-in
 * items, which introduce the bulleted lines of the source cell, are body
 * paragraphs above the list. */
static void put_list(report_xml *xml, const ky_strlist *list, const char *list_style,
                     const report_labels *labels)
{
    if (!list_has_text(list)) {
        put_body(xml, NULL, labels);
        return;
    }

    size_t lead_in = list->lead_in < list->count ? list->lead_in : list->count;
    for (size_t i = 0; i < lead_in; i++) {
        if (report_has_text(list->items[i]))
            put_body(xml, list->items[i], labels);
    }
    bool any_item = false;
    for (size_t i = lead_in; i < list->count; i++)
        any_item = any_item || report_has_text(list->items[i]);
    if (!any_item)
        return;

    report_putf(xml, "<text:list text:style-name=\"%s\">\n", list_style);
    for (size_t i = lead_in; i < list->count; i++) {
        if (!report_has_text(list->items[i]))
            continue;
        report_put(xml, "<text:list-item><text:p text:style-name=\"List_20_Paragraph\">");
        report_text(xml, list->items[i]);
        report_put(xml, "</text:p></text:list-item>\n");
    }
    report_put(xml, "</text:list>\n");
}

/* Write the text of one cell: the list's items joined, or the dash. */
static void put_cell_list(report_xml *xml, const ky_strlist *list, const report_labels *labels)
{
    if (!list_has_text(list)) {
        report_text(xml, labels->empty);
        return;
    }

    bool first = true;
    for (size_t i = 0; i < list->count; i++) {
        if (!report_has_text(list->items[i]))
            continue;
        if (!first)
            report_plain(xml, labels->list_separator);
        report_text(xml, list->items[i]);
        first = false;
    }
}

/* Write one table cell holding one paragraph of text from kyokun or the book. */
static void put_cell(report_xml *xml, bool header, const char *text)
{
    report_put(xml, header
        ? "<table:table-cell table:style-name=\"Classification.HeaderCell\" office:value-type=\"string\">"
          "<text:p text:style-name=\"Table_20_Heading\">"
        : "<table:table-cell table:style-name=\"Classification.Cell\" office:value-type=\"string\">"
          "<text:p text:style-name=\"Table_20_Contents\">");
    report_text(xml, text);
    report_put(xml, "</text:p></table:table-cell>");
}

/* True when kyokun inferred the value of an axis rather than reading it. */
static bool is_inferred(const ky_provenance *provenance)
{
    return provenance->source == KY_VALUE_DERIVED || provenance->source == KY_VALUE_SUGGESTED;
}

/* Close the value's paragraph of a result cell: the inferred mark after the
 * value, and the evidence in a small paragraph below it. */
static void put_provenance(report_xml *xml, const ky_provenance *provenance,
                           const report_labels *labels)
{
    if (is_inferred(provenance)) {
        report_put(xml, "<text:span text:style-name=\"Inferred_20_Value\">");
        report_plain(xml, labels->inferred_mark);
        report_put(xml, "</text:span>");
    }
    report_put(xml, "</text:p>");
    if (is_inferred(provenance) && report_has_text(provenance->evidence)) {
        report_put(xml, "<text:p text:style-name=\"Table_20_Contents_20_Small\">");
        report_text(xml, labels->evidence);
        report_plain(xml, labels->label_separator);
        report_text_shortened(xml, provenance->evidence, EVIDENCE_MAX_CHARS);
        report_put(xml, "</text:p>");
    }
}

/* Write one row of the classification table: number, category, and a result
 * cell that `values` fills when non-NULL, else `value`. */
static void put_class_row(report_xml *xml, const char *number, const char *category,
                          const char *value, const ky_strlist *values,
                          const ky_provenance *provenance, const report_labels *labels)
{
    report_put(xml, "<table:table-row>");
    put_cell(xml, false, number);
    put_cell(xml, false, category);
    report_put(xml, "<table:table-cell table:style-name=\"Classification.Cell\" office:value-type=\"string\">"
                    "<text:p text:style-name=\"Table_20_Contents\">");
    if (values)
        put_cell_list(xml, values, labels);
    else
        report_text(xml, report_has_text(value) ? value : labels->empty);
    put_provenance(xml, provenance, labels);
    report_put(xml, "</table:table-cell></table:table-row>\n");
}

/*
 * Write the classification table of the guide's figure 3.6-1: item number,
 * category and result for the five axes. The item numbers are the guide's
 * section numbers 3.1 to 3.5, which describe each axis.
 */
static void put_classification(report_xml *xml, const ky_classification *classification,
                               const report_labels *labels, size_t lesson_number)
{
    put_heading(xml, 2, labels->classification);

    /* Table names must be unique in a document; LibreOffice renames duplicates. */
    report_putf(xml, "<table:table table:name=\"Classification%zu\" table:style-name=\"Classification\">\n",
                lesson_number);
    report_put(xml,
        "<table:table-column table:style-name=\"Classification.A\"/>"
        "<table:table-column table:style-name=\"Classification.B\"/>"
        "<table:table-column table:style-name=\"Classification.C\"/>\n"
        "<table:table-header-rows><table:table-row>");
    put_cell(xml, true, labels->item_number);
    put_cell(xml, true, labels->category);
    put_cell(xml, true, labels->result);
    report_put(xml, "</table:table-row></table:table-header-rows>\n");

    const ky_provenance *provenance = classification->provenance;
    put_class_row(xml, "3.1", labels->purpose, NULL, &classification->purposes,
                  &provenance[KY_AXIS_PURPOSE], labels);
    put_class_row(xml, "3.2", labels->importance, classification->importance, NULL,
                  &provenance[KY_AXIS_IMPORTANCE], labels);
    put_class_row(xml, "3.3", labels->lifecycle, classification->lifecycle, NULL,
                  &provenance[KY_AXIS_LIFECYCLE], labels);
    put_class_row(xml, "3.4", labels->service, classification->service, NULL,
                  &provenance[KY_AXIS_SERVICE], labels);
    put_class_row(xml, "3.5", labels->keywords, NULL, &classification->keywords,
                  &provenance[KY_AXIS_KEYWORDS], labels);

    report_put(xml, "</table:table>\n");
}

/* Write "[ID] title", the text of a lesson's heading and its contents entry. */
void report_put_lesson_title(report_xml *xml, const ky_lesson *lesson, const report_labels *labels)
{
    if (report_has_text(lesson->id)) {
        report_put(xml, "[");
        report_text(xml, lesson->id);
        report_put(xml, "] ");
    }
    report_text(xml, report_has_text(lesson->title) ? lesson->title : labels->empty);
}

/* Write one lesson; its boxed title paragraph style starts a new page. */
static void put_lesson(report_xml *xml, const ky_lesson *lesson, const report_labels *labels,
                       size_t lesson_number)
{
    report_putf(xml, "<text:h text:style-name=\"Lesson_20_Title\" text:outline-level=\"1\">"
                     "<text:bookmark text:name=\"Lesson%zu\"/>", lesson_number);
    report_put_lesson_title(xml, lesson, labels);
    report_put(xml, "</text:h>\n");
    if (lesson->id_generated) {
        report_put(xml, "<text:p text:style-name=\"Text_20_body\">"
                        "<text:span text:style-name=\"Inferred_20_Value\">");
        report_text(xml, labels->id_generated);
        report_put(xml, "</text:span></text:p>\n");
    }

    put_heading(xml, 2, labels->problem);
    put_body(xml, lesson->problem, labels);

    put_heading(xml, 2, labels->cause);
    put_heading(xml, 3, labels->direct_cause);
    put_list(xml, &lesson->direct_causes, "List_20_Bullet", labels);
    put_heading(xml, 3, labels->root_cause);
    put_list(xml, &lesson->root_causes, "Numbering_20_123", labels);

    put_heading(xml, 2, labels->countermeasures);
    put_heading(xml, 3, labels->recurrence);
    put_list(xml, &lesson->recurrence, "Numbering_20_123", labels);
    put_heading(xml, 3, labels->preventive);
    put_list(xml, &lesson->preventive, "Numbering_20_123", labels);

    put_heading(xml, 2, labels->effect);
    put_body(xml, lesson->effect, labels);

    put_heading(xml, 2, labels->lesson);
    put_body(xml, lesson->lesson, labels);

    put_classification(xml, &lesson->classification, labels, lesson_number);
}

/* Write one entry of the table of contents: a link to the bookmark, a tab
 * and a field that shows the bookmark's page number. */
static void put_contents_entry_start(report_xml *xml, const char *bookmark)
{
    report_putf(xml, "<text:p text:style-name=\"Contents_20_1\">"
                     "<text:a xlink:type=\"simple\" xlink:href=\"#%s\""
                     " text:style-name=\"Contents_20_Link\""
                     " text:visited-style-name=\"Contents_20_Link\">", bookmark);
}

static void put_contents_entry_end(report_xml *xml, const char *bookmark)
{
    /* LibreOffice works out the page when it lays the document out (checked
     * with 7.4's PDF export); "1" is what a reader without layout shows. */
    report_putf(xml, "</text:a><text:tab/><text:bookmark-ref text:reference-format=\"page\""
                     " text:ref-name=\"%s\">1</text:bookmark-ref></text:p>\n", bookmark);
}

/* Write the contents entry of a back page, which links to `bookmark`. */
static void put_contents_page_entry(report_xml *xml, const char *bookmark, const char *label)
{
    put_contents_entry_start(xml, bookmark);
    report_text(xml, label);
    put_contents_entry_end(xml, bookmark);
}

/*
 * Write the table of contents: the lessons, the chart, the analysis pages
 * and the index, which are the outline level 1 headings. The index body is written here, so the
 * entries show before an office suite regenerates it; the source and the
 * entry templates are what it regenerates from. The source takes outline
 * level 1 only, because every lesson has six level 2 section headings.
 */
static void put_contents(report_xml *xml, const ky_book *book, const report_analysis *analysis,
                         const report_pareto *pareto, const report_labels *labels)
{
    report_put(xml, "<text:table-of-content text:name=\"Contents\" text:protected=\"true\">\n"
                    "<text:table-of-content-source text:outline-level=\"1\""
                    " text:use-index-marks=\"false\">\n"
                    "<text:index-title-template text:style-name=\"Contents_20_Heading\">");
    report_text(xml, labels->contents);
    report_put(xml, "</text:index-title-template>\n");
    for (int level = 1; level <= 2; level++) {
        report_putf(xml,
            "<text:table-of-content-entry-template text:outline-level=\"%d\""
            " text:style-name=\"Contents_20_%d\">"
            "<text:index-entry-link-start/><text:index-entry-text/>"
            "<text:index-entry-tab-stop style:type=\"right\" style:leader-char=\".\"/>"
            "<text:index-entry-page-number/><text:index-entry-link-end/>"
            "</text:table-of-content-entry-template>\n",
            level, level);
    }
    report_put(xml, "</text:table-of-content-source>\n<text:index-body>\n"
                    "<text:index-title text:name=\"ContentsTitle\">"
                    "<text:p text:style-name=\"Contents_20_Heading\">");
    report_text(xml, labels->contents);
    report_put(xml, "</text:p></text:index-title>\n");

    for (size_t i = 0; i < book->lesson_count; i++) {
        char bookmark[48];
        snprintf(bookmark, sizeof bookmark, "Lesson%zu", i + 1);
        put_contents_entry_start(xml, bookmark);
        report_put_lesson_title(xml, &book->lessons[i], labels);
        put_contents_entry_end(xml, bookmark);
    }
    if (report_pareto_has_chart(pareto))
        put_contents_page_entry(xml, PARETO_BOOKMARK, labels->pareto);
    if (report_analysis_has_status(analysis))
        put_contents_page_entry(xml, STATUS_BOOKMARK, labels->status_table);
    if (report_analysis_has_why(analysis))
        put_contents_page_entry(xml, WHY_BOOKMARK, labels->why_analysis);
    if (report_index_has_entries(book))
        put_contents_page_entry(xml, INDEX_BOOKMARK, labels->index);
    report_put(xml, "</text:index-body>\n</text:table-of-content>\n");
}

/* True when the table of contents would list something: a book with neither
 * lessons, incidents nor analysis pages gets no contents page, which would be empty. */
static bool has_contents_entries(const ky_book *book, const report_analysis *analysis,
                                 const report_pareto *pareto)
{
    return book->lesson_count > 0 || report_pareto_has_chart(pareto)
           || report_analysis_has_status(analysis) || report_analysis_has_why(analysis);
}

/* Report text that lost characters on the way into XML, once per source. */
static void warn_cleaned(ky_ctx *ctx, const ky_lesson *lesson, size_t count)
{
    if (count == 0)
        return;
    if (!lesson) {
        ky_diag_emit(ctx, KY_SEV_WARNING, "report.text-cleaned", NULL,
                     KY_("The document title had %zu control characters or invalid UTF-8 "
                         "sequences; they were removed or replaced with U+FFFD."),
                     count);
        return;
    }
    ky_loc loc = {
        .file = lesson->origin.file,
        .sheet = lesson->origin.sheet,
        .row = lesson->origin.row,
    };
    ky_diag_emit(ctx, KY_SEV_WARNING, "report.text-cleaned", &loc,
                 KY_("Lesson %s had %zu control characters or invalid UTF-8 sequences; "
                     "they were removed or replaced with U+FFFD."),
                 report_has_text(lesson->id) ? lesson->id : "?", count);
}

int report_build_content(ky_ctx *ctx, const ky_book *book, const report_labels *labels,
                         const ky_write_options *options, const report_pareto *pareto,
                         ky_buf *out)
{
    report_xml xml = {0};
    report_analysis *analysis = NULL;
    xml.rc = report_analysis_new(book, &analysis);

    report_put(&xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<office:document-content" REPORT_ODF_NAMESPACES
                     " office:version=\"" KY_ODF_VERSION "\">\n");
    report_font_face_decls(&xml);
    if (xml.rc == 0)
        put_automatic_styles(&xml, analysis, pareto);
    report_put(&xml, "<office:body>\n<office:text>\n");

    size_t organization_cleaned;
    put_title_page(&xml, book, labels, options, &organization_cleaned);
    warn_cleaned(ctx, NULL, xml.cleaned);
    if (organization_cleaned > 0)
        ky_diag_emit(ctx, KY_SEV_WARNING, "report.text-cleaned", NULL,
                     KY_("The organization name had %zu control characters or invalid UTF-8 "
                         "sequences; they were removed or replaced with U+FFFD."),
                     organization_cleaned);
    /* The entries repeat the lesson titles, whose cleaning put_lesson() reports. */
    size_t cleaned_before_contents = xml.cleaned;
    if (xml.rc == 0 && has_contents_entries(book, analysis, pareto))
        put_contents(&xml, book, analysis, pareto, labels);
    xml.cleaned = cleaned_before_contents;

    for (size_t i = 0; i < book->lesson_count && xml.rc == 0; i++) {
        size_t cleaned_before = xml.cleaned;
        put_lesson(&xml, &book->lessons[i], labels, i + 1);
        warn_cleaned(ctx, &book->lessons[i], xml.cleaned - cleaned_before);
    }
    if (xml.rc == 0 && report_pareto_has_chart(pareto))
        report_put_pareto_page(&xml, pareto, labels, PARETO_BOOKMARK);
    if (xml.rc == 0)
        report_put_analysis_pages(ctx, &xml, analysis, labels, STATUS_BOOKMARK, WHY_BOOKMARK);
    report_analysis_free(analysis);
    /* The index repeats the lesson titles and values, whose cleaning put_lesson() reported. */
    size_t cleaned_before_index = xml.cleaned;
    if (xml.rc == 0 && report_index_has_entries(book))
        report_put_index(&xml, book, labels, INDEX_BOOKMARK);
    xml.cleaned = cleaned_before_index;

    report_put(&xml, "</office:text>\n</office:body>\n</office:document-content>\n");

    if (xml.rc != 0) {
        ky_buf_free(&xml.buf);
        return xml.rc;
    }
    *out = xml.buf;
    return 0;
}
