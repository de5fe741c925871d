/* SPDX-License-Identifier: MIT */
/*
 * The Pareto chart of the lesson report: incidents per main cause as an SVG
 * image, with one bar per cause, most frequent first, and the cumulative
 * share as a line on a 0-100 % axis at the right. content.xml shows it in a
 * draw:image, with a table of the numbers below it. The counts come from
 * ky_stats_compute(), so the chart agrees with the stats CSV and the register.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_odf_write.h"
#include "kyokun/stats.h"
#include "report.h"

/* The drawing, in SVG user units; the image is shown 17 cm wide, so one unit is 0.25 mm. */
#define SVG_WIDTH 680
#define SVG_HEIGHT 440
#define PLOT_LEFT 70.0
#define PLOT_RIGHT 610.0
#define PLOT_TOP 30.0
#define PLOT_BOTTOM 290.0
#define IMAGE_WIDTH_CM 17.0
#define IMAGE_HEIGHT_CM 11.0

/* Width of one line of a cause shown under its bar, in columns: a CJK or
 * other wide character takes two, any other one. A longer cause wraps onto a
 * second line. A cause longer than two lines ends in "…", and the table below
 * the chart has its whole text. At this size and slant both lines of the
 * first bar stay inside the drawing (checked with LibreOffice 7.4's PDF
 * export of the Japanese and English samples). */
#define CAUSE_LABEL_LINE_COLUMNS 24
#define CAUSE_LABEL_FONT_SIZE "9"
/* Distance from one line of a cause to the next, in SVG user units. */
#define CAUSE_LABEL_LINE_HEIGHT 12.0

/* Column widths of the table below the chart in cm; they add up to REPORT_TEXT_WIDTH_CM. */
#define TABLE_COL_CAUSE_CM 11.0
#define TABLE_COL_COUNT_CM 2.5
#define TABLE_COL_SHARE_CM 3.5

/* Font families of the chart's text: Japanese-capable first, then generic. */
#define SVG_FONT_FAMILY "&apos;Noto Sans CJK JP&apos;, &apos;IPAexGothic&apos;, sans-serif"

struct report_pareto {
    ky_stats_table table;
    ky_buf svg;
};

/* Append a coordinate with one decimal, without printf's locale-dependent decimal point. */
static void put_number(ky_buf *svg, double value, int *rc)
{
    if (*rc != 0)
        return;
    long tenths = lround(value * 10.0);
    const char *sign = tenths < 0 ? "-" : "";
    long magnitude = labs(tenths);
    *rc = ky_buf_printf(svg, "%s%ld.%ld", sign, magnitude / 10, magnitude % 10);
}

static void put_markup(ky_buf *svg, const char *markup, int *rc)
{
    if (*rc == 0)
        *rc = ky_buf_puts(svg, markup);
}

/* Return the columns a character takes: 2 from U+1100 (Hangul, CJK, full-width forms), else 1.
 * A rough rule, enough to keep the slanted labels below the chart apart. */
static size_t columns_of(uint32_t cp)
{
    return cp >= 0x1100 ? 2 : 1;
}

/* Append user text as SVG character data, cut with "…" to `max_columns` columns. */
static void put_svg_text(ky_buf *svg, const char *text, size_t max_columns, int *rc)
{
    if (*rc != 0)
        return;
    size_t len = strlen(text);
    size_t pos = 0;
    size_t columns = 0;
    size_t kept_len = 0;
    while (pos < len) {
        uint32_t cp;
        pos += ky_utf8_decode((const unsigned char *)text + pos, len - pos, &cp);
        columns += columns_of(cp);
        /* Leave room for the two columns of "…". */
        if (columns + 2 <= max_columns)
            kept_len = pos;
    }
    bool shortened = columns > max_columns;
    *rc = ky_xml_append_escaped(svg, text, shortened ? kept_len : len, NULL);
    if (shortened)
        put_markup(svg, "…", rc);
}

/* Return true when a line may break after this character: a space or a
 * separator that Japanese and English cause names use between their parts. */
static bool is_break_after(uint32_t cp)
{
    return cp == ' ' || cp == '/' || cp == '-' || cp == 0x30FB /* ・ */ || cp == 0x3001 /* 、 */
        || cp == 0xFF0F /* ／ */;
}

/*
 * Return the bytes of `text` that go on the first line of a label whose
 * lines are `max_columns` wide. That is all of it when it fits. Otherwise it
 * ends at the last break opportunity that fits, when that is past half the
 * line, or else after as many characters as fit.
 */
static size_t first_line_length(const char *text, size_t max_columns)
{
    size_t len = strlen(text);
    size_t pos = 0;
    size_t columns = 0;
    size_t fitting = 0;
    size_t break_at = 0;
    while (pos < len) {
        uint32_t cp;
        pos += ky_utf8_decode((const unsigned char *)text + pos, len - pos, &cp);
        columns += columns_of(cp);
        if (columns > max_columns)
            return break_at > 0 ? break_at : fitting;
        fitting = pos;
        if (is_break_after(cp) && columns * 2 >= max_columns)
            break_at = pos;
    }
    return len;
}

/* Append a cause label under its bar: one line, or two when it is longer
 * than CAUSE_LABEL_LINE_COLUMNS, each a tspan anchored at the same x. */
static void put_cause_label(ky_buf *svg, const char *cause, double x, int *rc)
{
    size_t first = first_line_length(cause, CAUSE_LABEL_LINE_COLUMNS);
    if (cause[first] == '\0') {
        put_svg_text(svg, cause, CAUSE_LABEL_LINE_COLUMNS, rc);
        return;
    }

    size_t line_len = first;
    while (line_len > 0 && cause[line_len - 1] == ' ')
        line_len--;
    char *line = ky_strndup(cause, line_len);
    if (!line) {
        *rc = KY_ENOMEM;
        return;
    }
    const char *rest = cause + first;
    while (*rest == ' ')
        rest++;
    put_markup(svg, "<tspan x=\"", rc);
    put_number(svg, x, rc);
    put_markup(svg, "\">", rc);
    put_svg_text(svg, line, CAUSE_LABEL_LINE_COLUMNS, rc);
    put_markup(svg, "</tspan><tspan x=\"", rc);
    put_number(svg, x, rc);
    put_markup(svg, "\" dy=\"", rc);
    put_number(svg, CAUSE_LABEL_LINE_HEIGHT, rc);
    put_markup(svg, "\">", rc);
    put_svg_text(svg, rest, CAUSE_LABEL_LINE_COLUMNS, rc);
    put_markup(svg, "</tspan>", rc);
    free(line);
}

/* Return the top of the count axis: the largest count rounded up to a
 * multiple of the tick step, and the step (1, 2, 5, 10, 20, 50, ...) that
 * gives at most 10 ticks. */
static size_t axis_maximum(size_t largest, size_t *step)
{
    size_t base = 1;
    for (;;) {
        static const size_t factors[] = {1, 2, 5};
        for (size_t i = 0; i < 3; i++) {
            size_t candidate = base * factors[i];
            if (largest <= candidate * 10) {
                *step = candidate;
                size_t top = (largest + candidate - 1) / candidate * candidate;
                return top > 0 ? top : candidate;
            }
        }
        base *= 10;
    }
}

/* Append a text element at (x, y); `anchor` is start, middle or end, `rotate` degrees.
 * Text is black and has no outline, whatever the group around it draws with. */
static void put_text_start(ky_buf *svg, double x, double y, const char *anchor, int rotate,
                           int *rc)
{
    put_markup(svg, "<text fill=\"#000000\" stroke=\"none\" x=\"", rc);
    put_number(svg, x, rc);
    put_markup(svg, "\" y=\"", rc);
    put_number(svg, y, rc);
    if (*rc == 0)
        *rc = ky_buf_printf(svg, "\" text-anchor=\"%s\"", anchor);
    if (rotate != 0 && *rc == 0) {
        *rc = ky_buf_printf(svg, " transform=\"rotate(%d ", rotate);
        put_number(svg, x, rc);
        put_markup(svg, " ", rc);
        put_number(svg, y, rc);
        put_markup(svg, ")\"", rc);
    }
    put_markup(svg, ">", rc);
}

/* Append a line from (x1, y1) to (x2, y2) in the class `cls`. */
static void put_line(ky_buf *svg, const char *cls, double x1, double y1, double x2, double y2,
                     int *rc)
{
    if (*rc == 0)
        *rc = ky_buf_printf(svg, "<line class=\"%s\" x1=\"", cls);
    put_number(svg, x1, rc);
    put_markup(svg, "\" y1=\"", rc);
    put_number(svg, y1, rc);
    put_markup(svg, "\" x2=\"", rc);
    put_number(svg, x2, rc);
    put_markup(svg, "\" y2=\"", rc);
    put_number(svg, y2, rc);
    put_markup(svg, "\"/>\n", rc);
}

/* The axes: the count axis at the left with its ticks, the 0-100 % axis at the right. */
static void put_axes(ky_buf *svg, size_t top, size_t step, const report_labels *labels, int *rc)
{
    double height = PLOT_BOTTOM - PLOT_TOP;
    put_line(svg, "axis", PLOT_LEFT, PLOT_BOTTOM, PLOT_RIGHT, PLOT_BOTTOM, rc);
    put_line(svg, "axis", PLOT_LEFT, PLOT_TOP, PLOT_LEFT, PLOT_BOTTOM, rc);
    put_line(svg, "axis", PLOT_RIGHT, PLOT_TOP, PLOT_RIGHT, PLOT_BOTTOM, rc);

    for (size_t value = 0; value <= top; value += step) {
        double y = PLOT_BOTTOM - height * (double)value / (double)top;
        put_line(svg, "tick", PLOT_LEFT - 4, y, PLOT_LEFT, y, rc);
        put_text_start(svg, PLOT_LEFT - 7, y + 4, "end", 0, rc);
        if (*rc == 0)
            *rc = ky_buf_printf(svg, "%zu</text>\n", value);
    }
    for (int percent = 0; percent <= 100; percent += 20) {
        double y = PLOT_BOTTOM - height * percent / 100.0;
        put_line(svg, "tick", PLOT_RIGHT, y, PLOT_RIGHT + 4, y, rc);
        put_text_start(svg, PLOT_RIGHT + 7, y + 4, "start", 0, rc);
        if (*rc == 0)
            *rc = ky_buf_printf(svg, "%d</text>\n", percent);
    }

    double middle = (PLOT_TOP + PLOT_BOTTOM) / 2;
    put_text_start(svg, 20, middle, "middle", -90, rc);
    put_svg_text(svg, labels->pareto_axis_y, SIZE_MAX, rc);
    put_markup(svg, "</text>\n", rc);
    put_text_start(svg, SVG_WIDTH - 14, middle, "middle", 90, rc);
    put_svg_text(svg, labels->pareto_axis_cumulative, SIZE_MAX, rc);
    put_markup(svg, "</text>\n", rc);
    put_text_start(svg, (PLOT_LEFT + PLOT_RIGHT) / 2, SVG_HEIGHT - 8, "middle", 0, rc);
    put_svg_text(svg, labels->pareto_axis_x, SIZE_MAX, rc);
    put_markup(svg, "</text>\n", rc);
}

/* The bars, each with its count above it and its cause below the axis, slanted. */
static void put_bars(ky_buf *svg, const ky_stats_table *table, size_t top,
                     const report_labels *labels, int *rc)
{
    double slot = (PLOT_RIGHT - PLOT_LEFT) / (double)table->count;
    double width = slot * 0.7;
    double height = PLOT_BOTTOM - PLOT_TOP;

    for (size_t i = 0; i < table->count; i++) {
        const ky_stats_row *row = &table->rows[i];
        const char *cause = row->key ? row->key : labels->no_main_cause;
        double bar = height * (double)row->count / (double)top;
        double x = PLOT_LEFT + slot * (double)i + (slot - width) / 2;

        put_markup(svg, "<rect class=\"bar\" x=\"", rc);
        put_number(svg, x, rc);
        put_markup(svg, "\" y=\"", rc);
        put_number(svg, PLOT_BOTTOM - bar, rc);
        put_markup(svg, "\" width=\"", rc);
        put_number(svg, width, rc);
        put_markup(svg, "\" height=\"", rc);
        put_number(svg, bar, rc);
        put_markup(svg, "\"><title>", rc);
        put_svg_text(svg, cause, SIZE_MAX, rc);
        if (*rc == 0)
            *rc = ky_buf_printf(svg, ": %zu</title></rect>\n", row->count);

        put_text_start(svg, x + width / 2, PLOT_BOTTOM - bar - 4, "middle", 0, rc);
        if (*rc == 0)
            *rc = ky_buf_printf(svg, "%zu</text>\n", row->count);
        put_markup(svg, "<g font-size=\"" CAUSE_LABEL_FONT_SIZE "\">", rc);
        put_text_start(svg, x + width / 2 + 4, PLOT_BOTTOM + 12, "end", -40, rc);
        put_cause_label(svg, cause, x + width / 2 + 4, rc);
        put_markup(svg, "</text></g>\n", rc);
    }
}

/* The cumulative share: a line through the top right corner of each bar's
 * slot, starting at 0 at the left axis, with a dot at each point. */
static void put_cumulative_line(ky_buf *svg, const ky_stats_table *table, int *rc)
{
    double slot = (PLOT_RIGHT - PLOT_LEFT) / (double)table->count;
    double height = PLOT_BOTTOM - PLOT_TOP;

    put_markup(svg, "<polyline class=\"cumulative\" points=\"", rc);
    put_number(svg, PLOT_LEFT, rc);
    put_markup(svg, ",", rc);
    put_number(svg, PLOT_BOTTOM, rc);
    for (size_t i = 0; i < table->count; i++) {
        put_markup(svg, " ", rc);
        put_number(svg, PLOT_LEFT + slot * (double)(i + 1), rc);
        put_markup(svg, ",", rc);
        put_number(svg, PLOT_BOTTOM - height * table->rows[i].cumulative_share, rc);
    }
    put_markup(svg, "\"/>\n", rc);

    for (size_t i = 0; i < table->count; i++) {
        put_markup(svg, "<circle class=\"point\" r=\"3\" cx=\"", rc);
        put_number(svg, PLOT_LEFT + slot * (double)(i + 1), rc);
        put_markup(svg, "\" cy=\"", rc);
        put_number(svg, PLOT_BOTTOM - height * table->rows[i].cumulative_share, rc);
        put_markup(svg, "\"/>\n", rc);
    }
}

/* Build the SVG document. The presentation is in attributes, not in a style
 * sheet, so a viewer needs no CSS support; the classes only name the parts for tests. */
static int build_svg(ky_buf *svg, const ky_stats_table *table, const report_labels *labels)
{
    int rc = 0;
    size_t largest = table->count > 0 ? table->rows[0].count : 0;
    size_t step;
    size_t top = axis_maximum(largest, &step);

    if (ky_buf_printf(svg,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""
            " width=\"%dmm\" height=\"%dmm\" viewBox=\"0 0 %d %d\""
            " font-family=\"" SVG_FONT_FAMILY "\" font-size=\"11\" fill=\"#000000\">\n",
            (int)(IMAGE_WIDTH_CM * 10), (int)(IMAGE_HEIGHT_CM * 10), SVG_WIDTH, SVG_HEIGHT) != 0)
        return KY_ENOMEM;

    put_markup(svg, "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n", &rc);
    put_markup(svg, "<g fill=\"#5b7fa6\" stroke=\"#2f4f6f\" stroke-width=\"0.8\">\n", &rc);
    put_bars(svg, table, top, labels, &rc);
    put_markup(svg, "</g>\n<g stroke=\"#000000\" stroke-width=\"1\">\n", &rc);
    put_axes(svg, top, step, labels, &rc);
    put_markup(svg, "</g>\n<g stroke=\"#c0392b\" stroke-width=\"2\" fill=\"none\">\n", &rc);
    put_cumulative_line(svg, table, &rc);
    put_markup(svg, "</g>\n</svg>\n", &rc);
    return rc;
}

int report_pareto_new(const ky_book *book, const report_labels *labels, report_pareto **out)
{
    *out = NULL;
    report_pareto *pareto = calloc(1, sizeof *pareto);
    if (!pareto)
        return KY_ENOMEM;

    int rc = ky_stats_compute(book, KY_STATS_MAIN_CAUSE, NULL, &pareto->table);
    if (rc == 0 && pareto->table.count > 0)
        rc = build_svg(&pareto->svg, &pareto->table, labels);
    if (rc != 0) {
        report_pareto_free(pareto);
        return rc;
    }
    *out = pareto;
    return 0;
}

void report_pareto_free(report_pareto *pareto)
{
    if (!pareto)
        return;
    ky_stats_table_free(&pareto->table);
    ky_buf_free(&pareto->svg);
    free(pareto);
}

bool report_pareto_has_chart(const report_pareto *pareto)
{
    return pareto && pareto->table.count > 0;
}

const ky_buf *report_pareto_svg(const report_pareto *pareto)
{
    return &pareto->svg;
}

void report_put_pareto_styles(report_xml *xml)
{
    const struct {
        const char *name;
        double width_cm;
    } columns[] = {
        {"Pareto.A", TABLE_COL_CAUSE_CM},
        {"Pareto.B", TABLE_COL_COUNT_CM},
        {"Pareto.C", TABLE_COL_SHARE_CM},
    };
    report_putf(xml,
        "<style:style style:name=\"Pareto\" style:family=\"table\">"
        "<style:table-properties style:width=\"%.1fcm\" table:align=\"margins\""
        " fo:margin-top=\"0.2cm\"/></style:style>\n",
        REPORT_TEXT_WIDTH_CM);
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
        report_putf(xml,
            "<style:style style:name=\"%s\" style:family=\"table-column\">"
            "<style:table-column-properties style:column-width=\"%.1fcm\""
            " style:rel-column-width=\"%d*\"/></style:style>\n",
            columns[i].name, columns[i].width_cm, (int)(columns[i].width_cm * 100.0 + 0.5));
    }
    /* Counts and shares are right-aligned, so that their digits line up. */
    report_put(xml,
        "<style:style style:name=\"ParetoNumber\" style:family=\"paragraph\""
        " style:parent-style-name=\"Table_20_Contents\">"
        "<style:paragraph-properties fo:text-align=\"end\"/></style:style>\n");
    report_put(xml,
        "<style:style style:name=\"ParetoFrame\" style:family=\"graphic\">"
        "<style:graphic-properties style:vertical-pos=\"top\" style:vertical-rel=\"baseline\""
        " style:horizontal-pos=\"center\" style:horizontal-rel=\"paragraph\""
        " fo:border=\"none\" style:wrap=\"none\"/></style:style>\n");
}

/* Kinds of cell in the table below the chart. */
typedef enum pareto_cell { PARETO_HEADER, PARETO_TEXT, PARETO_NUMBER } pareto_cell;

/* Write one cell of the table below the chart. */
static void put_table_cell(report_xml *xml, pareto_cell kind, const char *text)
{
    if (kind == PARETO_HEADER)
        report_put(xml, "<table:table-cell table:style-name=\"Classification.HeaderCell\""
                        " office:value-type=\"string\"><text:p text:style-name=\"Table_20_Heading\">");
    else
        report_putf(xml, "<table:table-cell table:style-name=\"Classification.Cell\""
                         " office:value-type=\"string\"><text:p text:style-name=\"%s\">",
                    kind == PARETO_NUMBER ? "ParetoNumber" : "Table_20_Contents");
    report_text(xml, text);
    report_put(xml, "</text:p></table:table-cell>");
}

/* Write the table of the chart's numbers: cause, incidents and cumulative share. */
static void put_table(report_xml *xml, const ky_stats_table *table, const report_labels *labels)
{
    report_put(xml, "<table:table table:name=\"ParetoTable\" table:style-name=\"Pareto\">\n"
                    "<table:table-column table:style-name=\"Pareto.A\"/>"
                    "<table:table-column table:style-name=\"Pareto.B\"/>"
                    "<table:table-column table:style-name=\"Pareto.C\"/>\n"
                    "<table:table-header-rows><table:table-row>");
    put_table_cell(xml, PARETO_HEADER, labels->cause_column);
    put_table_cell(xml, PARETO_HEADER, labels->count_column);
    put_table_cell(xml, PARETO_HEADER, labels->share_column);
    report_put(xml, "</table:table-row></table:table-header-rows>\n");

    for (size_t i = 0; i < table->count; i++) {
        const ky_stats_row *row = &table->rows[i];
        char count[32];
        char share[32];
        long tenths = lround(row->cumulative_share * 1000.0);
        snprintf(count, sizeof count, "%zu", row->count);
        snprintf(share, sizeof share, "%ld.%ld %%", tenths / 10, tenths % 10);
        report_put(xml, "<table:table-row>");
        put_table_cell(xml, PARETO_TEXT, row->key ? row->key : labels->no_main_cause);
        put_table_cell(xml, PARETO_NUMBER, count);
        put_table_cell(xml, PARETO_NUMBER, share);
        report_put(xml, "</table:table-row>\n");
    }
    report_put(xml, "</table:table>\n");
}

void report_put_pareto_page(report_xml *xml, const report_pareto *pareto,
                            const report_labels *labels, const char *bookmark)
{
    report_putf(xml, "<text:h text:style-name=\"Analysis_20_Title\" text:outline-level=\"1\">"
                     "<text:bookmark text:name=\"%s\"/>", bookmark);
    report_text(xml, labels->pareto);
    report_put(xml, "</text:h>\n");

    report_putf(xml,
        "<text:p text:style-name=\"Figure\"><draw:frame draw:style-name=\"ParetoFrame\""
        " draw:name=\"ParetoChart\" text:anchor-type=\"as-char\" svg:width=\"%.1fcm\""
        " svg:height=\"%.1fcm\" draw:z-index=\"0\">"
        "<draw:image xlink:href=\"" REPORT_PARETO_PART "\" xlink:type=\"simple\""
        " xlink:show=\"embed\" xlink:actuate=\"onLoad\" draw:mime-type=\"image/svg+xml\"/>"
        "</draw:frame></text:p>\n",
        IMAGE_WIDTH_CM, IMAGE_HEIGHT_CM);
    report_put(xml, "<text:p text:style-name=\"Caption\">");
    report_text(xml, labels->pareto_caption);
    report_put(xml, "</text:p>\n");

    put_table(xml, &pareto->table, labels);
}
