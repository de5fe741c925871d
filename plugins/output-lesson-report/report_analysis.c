/* SPDX-License-Identifier: MIT */
/*
 * The analysis pages of the lesson report, after the lessons, as in the
 * worked case of the IPA/SEC guide on making lessons from IT system failures:
 *
 * - the incident status table (障害状況表): the time down the first column,
 *   the actors across under two header rows (company above department), and
 *   each event in the cell of its time and actor;
 * - the why-why analysis (なぜなぜ分析): one table per problem with columns
 *   問題, なぜ1 ... なぜN and 対策（教訓ID）, one row per branch, where each
 *   cause's cell spans the rows of the branches below it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyokun/i18n.h"
#include "report.h"

/* Column widths in cm. The other columns share the rest of REPORT_TEXT_WIDTH_CM. */
#define STATUS_TIME_COL_CM 1.8
#define WHY_MEASURE_COL_CM 4.0

/* Column of an actor whose column the sheet report does not give. */
#define NO_COLUMN SIZE_MAX

/* An actor of an incident status table: one column. */
typedef struct status_actor {
    const char *group; /* Upper header row, or NULL when the actor spans both rows. */
    const char *name;  /* Lower header row. A NULL name shows as an empty header. */
    size_t column;     /* The sheet column, or NO_COLUMN. */
    size_t first;      /* Position of the actor's first event in the table. */
} status_actor;

/* The events of one source sheet laid out as one incident status table. */
typedef struct status_table {
    const char *file;
    const char *sheet;
    size_t *events;        /* Book indices of the events, by origin row. */
    size_t event_count;
    status_actor *actors;  /* In column order. */
    size_t actor_count;
    size_t *times;         /* Positions in `events` of the first event of each time label. */
    size_t time_count;
} status_table;

struct report_analysis {
    const ky_book *book;
    status_table *tables;
    size_t table_count;

    /* The why-why trees. Node indices are those of book->why_nodes, and the
     * links hold index + 1, with 0 for none. */
    size_t *columns;       /* Table column of each node: 0 for 問題, n for なぜn. */
    size_t *leaves;        /* Branches under each node, 1 for a leaf: the rows its cell spans. */
    size_t *first_child;
    size_t *next_sibling;
    size_t max_column;     /* N of the last なぜN column. */
};

/* True when both are NULL or both hold the same text. */
static bool same_text(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* ------------------------------------------------------------------------ */
/* Working out the incident status tables                                    */
/* ------------------------------------------------------------------------ */

/* Return index + 1 of the table for the events of file/sheet, or 0. */
static size_t find_table(const report_analysis *analysis, const ky_origin *origin)
{
    for (size_t t = 0; t < analysis->table_count; t++) {
        const status_table *table = &analysis->tables[t];
        if (same_text(table->file, origin->file) && same_text(table->sheet, origin->sheet))
            return t + 1;
    }
    return 0;
}

/* Sort a table's event indices by origin row, keeping the book's order
 * (left to right) within a row. The mapping adds a sheet's events row by
 * row, so the insertion sort usually finds them in order. */
static void sort_by_row(const ky_book *book, size_t *events, size_t count)
{
    for (size_t i = 1; i < count; i++) {
        size_t moving = events[i];
        uint32_t row = book->events[moving].origin.row;
        size_t k = i;
        while (k > 0 && book->events[events[k - 1]].origin.row > row) {
            events[k] = events[k - 1];
            k--;
        }
        events[k] = moving;
    }
}

/* Order actors by sheet column; actors without one follow in order of first event. */
static int compare_actors(const void *a, const void *b)
{
    const status_actor *left = a;
    const status_actor *right = b;
    if (left->column != right->column)
        return left->column < right->column ? -1 : 1;
    return left->first < right->first ? -1 : (left->first > right->first);
}

/*
 * Return the sheet column of an actor, read from the sheet report's column
 * headers: the actor alone, or "group / actor" as the mapping joins two
 * header rows. ky_event does not record its column, and the order of first
 * events would put an actor who acts late to the right of the others.
 */
static size_t actor_column(const ky_book *book, const status_table *table, const status_actor *actor)
{
    for (size_t s = 0; s < book->sheet_count; s++) {
        const ky_sheet_report *report = &book->sheets[s];
        if (report->kind != KY_TABLE_STATUS || !same_text(report->file, table->file)
            || !same_text(report->sheet, table->sheet))
            continue;
        for (size_t c = 0; c < report->column_count; c++) {
            const ky_column_map *column = &report->columns[c];
            if (!column->header || !column->field || strcmp(column->field, "event") != 0
                || !actor->name)
                continue;
            const char *header = column->header;
            if (actor->group) {
                size_t group_len = strlen(actor->group);
                if (strncmp(header, actor->group, group_len) != 0
                    || strncmp(header + group_len, " / ", 3) != 0)
                    continue;
                header += group_len + 3;
            }
            if (strcmp(header, actor->name) == 0)
                return column->col;
        }
    }
    return NO_COLUMN;
}

/* Fill a table's actors and time labels from its sorted events. */
static int lay_out_table(const ky_book *book, status_table *table)
{
    table->actors = calloc(table->event_count, sizeof *table->actors);
    table->times = calloc(table->event_count, sizeof *table->times);
    if (!table->actors || !table->times)
        return KY_ENOMEM;

    for (size_t i = 0; i < table->event_count; i++) {
        const ky_event *event = &book->events[table->events[i]];

        bool known = false;
        for (size_t a = 0; a < table->actor_count && !known; a++)
            known = same_text(table->actors[a].group, event->actor_group)
                    && same_text(table->actors[a].name, event->actor);
        if (!known)
            table->actors[table->actor_count++] = (status_actor){
                .group = event->actor_group, .name = event->actor, .first = i};

        known = false;
        for (size_t t = 0; t < table->time_count && !known; t++)
            known = same_text(book->events[table->events[table->times[t]]].time_text,
                              event->time_text);
        if (!known)
            table->times[table->time_count++] = i;
    }

    /* NOTE: an actor whose header text differs from the events' (a book not
       built by the mapping) keeps the order of its first event, after the
       actors whose column is known. */
    for (size_t a = 0; a < table->actor_count; a++)
        table->actors[a].column = actor_column(book, table, &table->actors[a]);
    qsort(table->actors, table->actor_count, sizeof *table->actors, compare_actors);
    return 0;
}

/* Split the book's events into one table per source sheet, in order of first event. */
static int build_status_tables(report_analysis *analysis)
{
    const ky_book *book = analysis->book;
    if (book->event_count == 0)
        return 0;

    analysis->tables = calloc(book->event_count, sizeof *analysis->tables);
    if (!analysis->tables)
        return KY_ENOMEM;

    for (size_t i = 0; i < book->event_count; i++) {
        const ky_origin *origin = &book->events[i].origin;
        size_t found = find_table(analysis, origin);
        status_table *table;
        if (found) {
            table = &analysis->tables[found - 1];
        } else {
            table = &analysis->tables[analysis->table_count++];
            table->file = origin->file;
            table->sheet = origin->sheet;
            table->events = calloc(book->event_count, sizeof *table->events);
            if (!table->events)
                return KY_ENOMEM;
        }
        table->events[table->event_count++] = i;
    }

    for (size_t t = 0; t < analysis->table_count; t++) {
        status_table *table = &analysis->tables[t];
        sort_by_row(book, table->events, table->event_count);
        int rc = lay_out_table(book, table);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Working out the why-why trees                                              */
/* ------------------------------------------------------------------------ */

/* Return index + 1 of a node's parent, or 0 for the top of a tree. The
 * mapping adds a parent before its children, so a parent listed after its
 * child is ignored, and a malformed book cannot make a cycle. */
static size_t parent_of(const ky_book *book, size_t node)
{
    uint32_t parent = book->why_nodes[node].parent;
    return parent >= 1 && parent <= node ? parent : 0;
}

static int build_why_layout(report_analysis *analysis)
{
    const ky_book *book = analysis->book;
    size_t count = book->why_count;
    if (count == 0)
        return 0;

    analysis->columns = calloc(count, sizeof *analysis->columns);
    analysis->leaves = calloc(count, sizeof *analysis->leaves);
    analysis->first_child = calloc(count, sizeof *analysis->first_child);
    analysis->next_sibling = calloc(count, sizeof *analysis->next_sibling);
    if (!analysis->columns || !analysis->leaves || !analysis->first_child
        || !analysis->next_sibling)
        return KY_ENOMEM;

    /* A node sits in the column of its level, but always right of its parent. */
    for (size_t i = 0; i < count; i++) {
        size_t column = book->why_nodes[i].level;
        size_t parent = parent_of(book, i);
        if (parent && column <= analysis->columns[parent - 1])
            column = analysis->columns[parent - 1] + 1;
        analysis->columns[i] = column;
        if (column > analysis->max_column)
            analysis->max_column = column;
    }

    /* Children come after their parent, so walking backwards links them in
     * index order and has counted a node's leaves before reaching it. */
    for (size_t i = count; i-- > 0;) {
        if (analysis->leaves[i] == 0)
            analysis->leaves[i] = 1;
        size_t parent = parent_of(book, i);
        if (parent) {
            analysis->next_sibling[i] = analysis->first_child[parent - 1];
            analysis->first_child[parent - 1] = i + 1;
            analysis->leaves[parent - 1] += analysis->leaves[i];
        }
    }
    return 0;
}

int report_analysis_new(const ky_book *book, report_analysis **out)
{
    *out = NULL;
    report_analysis *analysis = calloc(1, sizeof *analysis);
    if (!analysis)
        return KY_ENOMEM;
    analysis->book = book;

    int rc = build_status_tables(analysis);
    if (rc == 0)
        rc = build_why_layout(analysis);
    if (rc != 0) {
        report_analysis_free(analysis);
        return rc;
    }
    *out = analysis;
    return 0;
}

void report_analysis_free(report_analysis *analysis)
{
    if (!analysis)
        return;
    for (size_t t = 0; t < analysis->table_count; t++) {
        free(analysis->tables[t].events);
        free(analysis->tables[t].actors);
        free(analysis->tables[t].times);
    }
    free(analysis->tables);
    free(analysis->columns);
    free(analysis->leaves);
    free(analysis->first_child);
    free(analysis->next_sibling);
    free(analysis);
}

bool report_analysis_has_status(const report_analysis *analysis)
{
    return analysis->table_count > 0;
}

bool report_analysis_has_why(const report_analysis *analysis)
{
    return analysis->book->why_count > 0;
}

/* ------------------------------------------------------------------------ */
/* Styles                                                                     */
/* ------------------------------------------------------------------------ */

/* Write a column style; rel-column-width counts tenths of millimetres. */
static void put_column_style(report_xml *xml, const char *name, double width_cm)
{
    report_putf(xml,
        "<style:style style:name=\"%s\" style:family=\"table-column\">"
        "<style:table-column-properties style:column-width=\"%.2fcm\""
        " style:rel-column-width=\"%d*\"/></style:style>\n",
        name, width_cm, (int)(width_cm * 100.0 + 0.5));
}

/* True when an earlier table has as many actors as table `t`, so its column style exists. */
static bool actor_style_written(const report_analysis *analysis, size_t t)
{
    for (size_t k = 0; k < t; k++) {
        if (analysis->tables[k].actor_count == analysis->tables[t].actor_count)
            return true;
    }
    return false;
}

/* The cells repeat the borders of the named cell styles, as the
 * classification table's do, because LibreOffice Writer takes cell borders
 * from automatic styles only. */
void report_put_analysis_styles(report_xml *xml, const report_analysis *analysis)
{
    if (!report_analysis_has_status(analysis) && !report_analysis_has_why(analysis))
        return;

    report_putf(xml,
        "<style:style style:name=\"Analysis\" style:family=\"table\">"
        "<style:table-properties style:width=\"%.1fcm\" table:align=\"margins\""
        " fo:margin-top=\"0.2cm\" fo:margin-bottom=\"0.4cm\"/></style:style>\n",
        REPORT_TEXT_WIDTH_CM);
    report_put(xml,
        "<style:style style:name=\"Analysis.HeaderCell\" style:family=\"table-cell\""
        " style:parent-style-name=\"Table_20_Heading_20_Cell\">"
        "<style:table-cell-properties style:vertical-align=\"middle\" fo:background-color=\"#e8e8e8\""
        " fo:padding=\"0.08cm\" fo:border=\"0.5pt solid #000000\"/></style:style>\n"
        /* An actor without a group fills both header rows of a status table
         * with two cells, the upper without a bottom border and the lower
         * without a top border, so that they look like one cell. */
        "<style:style style:name=\"Analysis.HeaderCellUpper\" style:family=\"table-cell\""
        " style:parent-style-name=\"Table_20_Heading_20_Cell\">"
        "<style:table-cell-properties style:vertical-align=\"middle\" fo:background-color=\"#e8e8e8\""
        " fo:padding=\"0.08cm\" fo:border-top=\"0.5pt solid #000000\" fo:border-bottom=\"none\""
        " fo:border-left=\"0.5pt solid #000000\" fo:border-right=\"0.5pt solid #000000\"/></style:style>\n"
        "<style:style style:name=\"Analysis.HeaderCellLower\" style:family=\"table-cell\""
        " style:parent-style-name=\"Table_20_Heading_20_Cell\">"
        "<style:table-cell-properties fo:background-color=\"#e8e8e8\" fo:padding=\"0.08cm\""
        " fo:border-top=\"none\" fo:border-bottom=\"0.5pt solid #000000\""
        " fo:border-left=\"0.5pt solid #000000\" fo:border-right=\"0.5pt solid #000000\"/></style:style>\n"
        "<style:style style:name=\"Analysis.Cell\" style:family=\"table-cell\""
        " style:parent-style-name=\"Table_20_Cell\">"
        "<style:table-cell-properties fo:padding=\"0.08cm\" fo:border=\"0.5pt solid #000000\"/>"
        "</style:style>\n"
        "<style:style style:name=\"Analysis.RootCell\" style:family=\"table-cell\""
        " style:parent-style-name=\"Table_20_Cell\">"
        "<style:table-cell-properties fo:background-color=\"#fbe5d6\" fo:padding=\"0.08cm\""
        " fo:border=\"0.5pt solid #000000\"/></style:style>\n");

    if (report_analysis_has_status(analysis)) {
        /* The rows take the height of their text: neither style sets a row
         * height, so a header cell's text wraps instead of being clipped. A
         * row stays on one page unless it is taller than a page, where
         * LibreOffice splits it anyway. */
        report_put(xml,
            "<style:style style:name=\"Status.HeaderRow\" style:family=\"table-row\">"
            "<style:table-row-properties style:use-optimal-row-height=\"true\""
            " fo:keep-together=\"always\"/></style:style>\n"
            "<style:style style:name=\"Status.Row\" style:family=\"table-row\">"
            "<style:table-row-properties style:use-optimal-row-height=\"true\""
            " fo:keep-together=\"always\"/></style:style>\n");
        put_column_style(xml, "Status.Time", STATUS_TIME_COL_CM);
        for (size_t t = 0; t < analysis->table_count; t++) {
            if (actor_style_written(analysis, t))
                continue;
            char name[48];
            size_t actors = analysis->tables[t].actor_count;
            snprintf(name, sizeof name, "Status.Actor%zu", actors);
            put_column_style(xml, name, (REPORT_TEXT_WIDTH_CM - STATUS_TIME_COL_CM) / (double)actors);
        }
    }

    if (report_analysis_has_why(analysis)) {
        /* 問題 and the N なぜ columns share what the countermeasures leave. */
        double node_width = (REPORT_TEXT_WIDTH_CM - WHY_MEASURE_COL_CM)
                            / (double)(analysis->max_column + 1);
        put_column_style(xml, "Why.Node", node_width);
        put_column_style(xml, "Why.Measures", WHY_MEASURE_COL_CM);
    }
}

/* ------------------------------------------------------------------------ */
/* Cells and headings                                                         */
/* ------------------------------------------------------------------------ */

/* Write the heading of an analysis page, which starts a new page, with the
 * bookmark that the table of contents refers to. */
static void put_page_heading(report_xml *xml, const char *bookmark, const char *label)
{
    report_putf(xml, "<text:h text:style-name=\"Analysis_20_Title\" text:outline-level=\"1\">"
                     "<text:bookmark text:name=\"%s\"/>", bookmark);
    report_text(xml, label);
    report_put(xml, "</text:h>\n");
}

/* Write a header cell in `style`; `columns` over 1 makes it span. */
static void put_header_cell(report_xml *xml, const char *style, const char *text, size_t columns)
{
    report_putf(xml, "<table:table-cell table:style-name=\"%s\" office:value-type=\"string\"", style);
    if (columns > 1)
        report_putf(xml, " table:number-columns-spanned=\"%zu\"", columns);
    report_put(xml, "><text:p text:style-name=\"Table_20_Heading_20_Small\">");
    report_text(xml, text);
    report_put(xml, "</text:p></table:table-cell>");
}

static void put_covered_cells(report_xml *xml, size_t count)
{
    for (size_t i = 0; i < count; i++)
        report_put(xml, "<table:covered-table-cell/>");
}

/* Write a paragraph of small table text. */
static void put_small_paragraph(report_xml *xml, const char *text)
{
    report_put(xml, "<text:p text:style-name=\"Table_20_Contents_20_Small\">");
    report_text(xml, text);
    report_put(xml, "</text:p>");
}

/* ------------------------------------------------------------------------ */
/* The incident status page                                                   */
/* ------------------------------------------------------------------------ */

/*
 * Write the header rows: the time and the actors, with each group of actors
 * spanning its actors in an upper row when any actor has a group. The time
 * and an actor without a group then take an upper cell with the text and an
 * empty lower cell instead of one cell spanning both rows, because
 * LibreOffice (7.4, checked by PDF export) clips a cell spanning rows where
 * it repeats the header rows on the next page.
 */
static void put_status_header(report_xml *xml, const status_table *table, const report_labels *labels)
{
    bool grouped = false;
    for (size_t a = 0; a < table->actor_count; a++)
        grouped = grouped || table->actors[a].group;
    const char *single_style = grouped ? "Analysis.HeaderCellUpper" : "Analysis.HeaderCell";

    report_put(xml, "<table:table-header-rows><table:table-row table:style-name=\"Status.HeaderRow\">");
    put_header_cell(xml, single_style, labels->time, 1);
    for (size_t a = 0; a < table->actor_count;) {
        const status_actor *actor = &table->actors[a];
        if (!actor->group) {
            put_header_cell(xml, single_style, actor->name ? actor->name : "", 1);
            a++;
            continue;
        }
        size_t run = 1;
        while (a + run < table->actor_count && same_text(table->actors[a + run].group, actor->group))
            run++;
        put_header_cell(xml, "Analysis.HeaderCell", actor->group, run);
        put_covered_cells(xml, run - 1);
        a += run;
    }
    report_put(xml, "</table:table-row>\n");

    if (grouped) {
        const char *lower_empty = "<table:table-cell table:style-name=\"Analysis.HeaderCellLower\"/>";
        report_put(xml, "<table:table-row table:style-name=\"Status.HeaderRow\">");
        report_put(xml, lower_empty);
        for (size_t a = 0; a < table->actor_count; a++) {
            const status_actor *actor = &table->actors[a];
            if (actor->group)
                put_header_cell(xml, "Analysis.HeaderCell", actor->name ? actor->name : "", 1);
            else
                report_put(xml, lower_empty);
        }
        report_put(xml, "</table:table-row>\n");
    }
    report_put(xml, "</table:table-header-rows>\n");
}

/* Write the row of one time label: the label, then for each actor the
 * events of that time as one paragraph each. */
static void put_status_row(report_xml *xml, const ky_book *book, const status_table *table,
                           const char *time)
{
    report_put(xml, "<table:table-row table:style-name=\"Status.Row\">"
                    "<table:table-cell table:style-name=\"Analysis.HeaderCell\""
                    " office:value-type=\"string\"><text:p text:style-name=\"Table_20_Heading_20_Small\">");
    report_text(xml, time);
    report_put(xml, "</text:p></table:table-cell>");

    for (size_t a = 0; a < table->actor_count; a++) {
        const status_actor *actor = &table->actors[a];
        bool any = false;
        report_put(xml, "<table:table-cell table:style-name=\"Analysis.Cell\" office:value-type=\"string\">");
        for (size_t i = 0; i < table->event_count; i++) {
            const ky_event *event = &book->events[table->events[i]];
            if (!same_text(event->time_text, time) || !same_text(event->actor_group, actor->group)
                || !same_text(event->actor, actor->name))
                continue;
            put_small_paragraph(xml, event->text);
            any = true;
        }
        if (!any)
            report_put(xml, "<text:p text:style-name=\"Table_20_Contents_20_Small\"/>");
        report_put(xml, "</table:table-cell>");
    }
    report_put(xml, "</table:table-row>\n");
}

static void warn_status_cleaned(ky_ctx *ctx, const status_table *table, size_t count)
{
    if (count == 0)
        return;
    ky_loc loc = {.file = table->file, .sheet = table->sheet};
    ky_diag_emit(ctx, KY_SEV_WARNING, "report.text-cleaned", &loc,
                 KY_("The incident status table had %zu control characters or invalid UTF-8 "
                     "sequences; they were removed or replaced with U+FFFD."),
                 count);
}

static void put_status_page(ky_ctx *ctx, report_xml *xml, const report_analysis *analysis,
                            const report_labels *labels, const char *bookmark)
{
    const ky_book *book = analysis->book;
    put_page_heading(xml, bookmark, labels->status_table);

    for (size_t t = 0; t < analysis->table_count && xml->rc == 0; t++) {
        const status_table *table = &analysis->tables[t];
        size_t cleaned_before = xml->cleaned;

        /* Several source sheets give several tables; each is headed by its sheet. */
        if (analysis->table_count > 1) {
            report_put(xml, "<text:h text:style-name=\"Heading_20_2\" text:outline-level=\"2\">");
            report_text(xml, table->sheet ? table->sheet : table->file);
            report_put(xml, "</text:h>\n");
        }

        report_putf(xml, "<table:table table:name=\"IncidentStatus%zu\" table:style-name=\"Analysis\">\n"
                         "<table:table-column table:style-name=\"Status.Time\"/>"
                         "<table:table-column table:style-name=\"Status.Actor%zu\""
                         " table:number-columns-repeated=\"%zu\"/>\n",
                    t + 1, table->actor_count, table->actor_count);
        put_status_header(xml, table, labels);
        for (size_t k = 0; k < table->time_count; k++) {
            const char *time = book->events[table->events[table->times[k]]].time_text;
            put_status_row(xml, book, table, time);
        }
        report_put(xml, "</table:table>\n");

        warn_status_cleaned(ctx, table, xml->cleaned - cleaned_before);
    }
}

/* ------------------------------------------------------------------------ */
/* The why-why page                                                           */
/* ------------------------------------------------------------------------ */

/* Write the paragraph "教訓ID：G7、T16" when the node cites lessons. */
static void put_lesson_ids(report_xml *xml, const ky_strlist *ids, const report_labels *labels)
{
    if (ids->count == 0)
        return;
    report_put(xml, "<text:p text:style-name=\"Table_20_Contents_20_Small\">");
    report_text(xml, labels->lesson_id);
    report_plain(xml, labels->label_separator);
    for (size_t i = 0; i < ids->count; i++) {
        if (i > 0)
            report_plain(xml, labels->list_separator);
        report_text(xml, ids->items[i]);
    }
    report_put(xml, "</text:p>");
}

/* Write a node's countermeasures, one paragraph each, then its lesson ids.
 * `prefixed` puts "対策：" before each, for a cause whose own cell contains them. */
static void put_measures(report_xml *xml, const ky_why_node *node, const report_labels *labels,
                         bool prefixed)
{
    for (size_t i = 0; i < node->countermeasures.count; i++) {
        report_put(xml, "<text:p text:style-name=\"Table_20_Contents_20_Small\">");
        if (prefixed) {
            report_text(xml, labels->countermeasures);
            report_plain(xml, labels->label_separator);
        }
        report_text(xml, node->countermeasures.items[i]);
        report_put(xml, "</text:p>");
    }
    put_lesson_ids(xml, &node->lesson_ids, labels);
}

/* Write the cell of a node, spanning the rows of its branches. A root cause
 * is shaded, bold and marked; a cause with branches below it keeps its own
 * countermeasures in its cell, because the last column belongs to the leaves. */
static void put_node_cell(report_xml *xml, const report_analysis *analysis, size_t node,
                          const report_labels *labels)
{
    const ky_why_node *why = &analysis->book->why_nodes[node];
    bool root = why->kind == KY_WHY_ROOT;

    report_putf(xml, "<table:table-cell table:style-name=\"%s\" office:value-type=\"string\"",
                root ? "Analysis.RootCell" : "Analysis.Cell");
    if (analysis->leaves[node] > 1)
        report_putf(xml, " table:number-rows-spanned=\"%zu\"", analysis->leaves[node]);
    report_putf(xml, "><text:p text:style-name=\"%s\">",
                root ? "Table_20_Root_20_Cause" : "Table_20_Contents_20_Small");
    report_text(xml, report_has_text(why->text) ? why->text : labels->empty);
    if (root)
        report_text(xml, labels->root_cause_mark);
    report_put(xml, "</text:p>");
    if (analysis->first_child[node])
        put_measures(xml, why, labels, true);
    report_put(xml, "</table:table-cell>");
}

/* Write the row of one branch, from the top of its tree to `leaf`. Each node
 * writes its cell in the row of its first branch and is covered below it;
 * a column without a node on this branch gets an empty cell. */
static void put_why_row(report_xml *xml, const report_analysis *analysis, size_t leaf,
                        size_t *path, bool *written, const report_labels *labels)
{
    const ky_book *book = analysis->book;
    size_t columns = analysis->max_column + 1;
    for (size_t c = 0; c < columns; c++)
        path[c] = 0;
    for (size_t node = leaf + 1; node; node = parent_of(book, node - 1))
        path[analysis->columns[node - 1]] = node;

    report_put(xml, "<table:table-row>");
    for (size_t c = 0; c < columns; c++) {
        if (!path[c]) {
            report_put(xml, "<table:table-cell table:style-name=\"Analysis.Cell\"/>");
            continue;
        }
        size_t node = path[c] - 1;
        if (written[node]) {
            put_covered_cells(xml, 1);
            continue;
        }
        put_node_cell(xml, analysis, node, labels);
        written[node] = true;
    }

    report_put(xml, "<table:table-cell table:style-name=\"Analysis.Cell\" office:value-type=\"string\">");
    const ky_why_node *why = &book->why_nodes[leaf];
    if (why->countermeasures.count == 0 && why->lesson_ids.count == 0)
        report_put(xml, "<text:p text:style-name=\"Table_20_Contents_20_Small\"/>");
    else
        put_measures(xml, why, labels, false);
    report_put(xml, "</table:table-cell></table:table-row>\n");
}

/* Write the header row: 問題, なぜ1 ... なぜN, 対策（教訓ID）. */
static void put_why_header(report_xml *xml, const report_analysis *analysis,
                           const report_labels *labels)
{
    report_put(xml, "<table:table-header-rows><table:table-row>");
    put_header_cell(xml, "Analysis.HeaderCell", labels->problem, 1);
    for (size_t level = 1; level <= analysis->max_column; level++) {
        char header[64];
        snprintf(header, sizeof header, "%s%zu", labels->why_level, level);
        put_header_cell(xml, "Analysis.HeaderCell", header, 1);
    }
    put_header_cell(xml, "Analysis.HeaderCell", labels->measures_column, 1);
    report_put(xml, "</table:table-row></table:table-header-rows>\n");
}

/* Write the table of the tree under `top`, one row per branch in depth-first order. */
static void put_why_tree(report_xml *xml, const report_analysis *analysis, size_t top,
                         size_t tree_number, size_t *stack, size_t *path, bool *written,
                         const report_labels *labels)
{
    report_putf(xml, "<table:table table:name=\"WhyWhy%zu\" table:style-name=\"Analysis\">\n"
                     "<table:table-column table:style-name=\"Why.Node\""
                     " table:number-columns-repeated=\"%zu\"/>"
                     "<table:table-column table:style-name=\"Why.Measures\"/>\n",
                tree_number, analysis->max_column + 1);
    put_why_header(xml, analysis, labels);

    /* Children are pushed last first, so they come off the stack in index order. */
    size_t depth = 0;
    stack[depth++] = top;
    while (depth > 0) {
        size_t node = stack[--depth];
        if (!analysis->first_child[node]) {
            put_why_row(xml, analysis, node, path, written, labels);
            continue;
        }
        size_t first = depth;
        for (size_t child = analysis->first_child[node]; child; child = analysis->next_sibling[child - 1])
            stack[depth++] = child - 1;
        for (size_t lo = first, hi = depth - 1; lo < hi; lo++, hi--) {
            size_t swap = stack[lo];
            stack[lo] = stack[hi];
            stack[hi] = swap;
        }
    }
    report_put(xml, "</table:table>\n");
}

static void warn_why_cleaned(ky_ctx *ctx, const ky_why_node *top, size_t count)
{
    if (count == 0)
        return;
    ky_loc loc = {.file = top->origin.file, .sheet = top->origin.sheet, .row = top->origin.row};
    ky_diag_emit(ctx, KY_SEV_WARNING, "report.text-cleaned", &loc,
                 KY_("The why-why analysis had %zu control characters or invalid UTF-8 "
                     "sequences; they were removed or replaced with U+FFFD."),
                 count);
}

static void put_why_page(ky_ctx *ctx, report_xml *xml, const report_analysis *analysis,
                         const report_labels *labels, const char *bookmark)
{
    const ky_book *book = analysis->book;
    size_t count = book->why_count;
    size_t *stack = calloc(count, sizeof *stack);
    size_t *path = calloc(analysis->max_column + 1, sizeof *path);
    bool *written = calloc(count, sizeof *written);
    if (!stack || !path || !written) {
        xml->rc = KY_ENOMEM;
    } else {
        put_page_heading(xml, bookmark, labels->why_analysis);
        size_t tree_number = 0;
        for (size_t i = 0; i < count && xml->rc == 0; i++) {
            if (parent_of(book, i))
                continue;
            size_t cleaned_before = xml->cleaned;
            put_why_tree(xml, analysis, i, ++tree_number, stack, path, written, labels);
            warn_why_cleaned(ctx, &book->why_nodes[i], xml->cleaned - cleaned_before);
        }
    }
    free(stack);
    free(path);
    free(written);
}

void report_put_analysis_pages(ky_ctx *ctx, report_xml *xml, const report_analysis *analysis,
                               const report_labels *labels, const char *status_bookmark,
                               const char *why_bookmark)
{
    if (report_analysis_has_status(analysis))
        put_status_page(ctx, xml, analysis, labels, status_bookmark);
    if (report_analysis_has_why(analysis))
        put_why_page(ctx, xml, analysis, labels, why_bookmark);
}
