/* SPDX-License-Identifier: MIT */
/*
 * `kyokun inspect`: the CSV row accounting and the records of status tables
 * and why-why analyses (see inspect_tables.h).
 */
#include <string.h>

#include "cli/inspect_tables.h"
#include "formats/ky_csv.h"
#include "formats/ky_text.h"
#include "kyokun/i18n.h"

size_t cli_inspect_tables_on_sheet(const ky_book *book, size_t report)
{
    const ky_sheet_report *self = &book->sheets[report];
    size_t count = 0;
    for (size_t i = 0; i < book->sheet_count; i++) {
        const ky_sheet_report *other = &book->sheets[i];
        count += strcmp(other->file, self->file) == 0 && strcmp(other->sheet, self->sheet) == 0;
    }
    return count;
}

/* ------------------------------------------------------------------------ */
/* CSV                                                                      */
/* ------------------------------------------------------------------------ */

/* Column names are not translated, so that scripts can read them. */
void cli_inspect_print_csv_header(FILE *out)
{
    fputs("file,sheet,table,first_row,last_row,kind,confidence,header_row,header_rows,"
          "rows_total,rows_mapped,rows_skipped,blank,title,header,note,totals,unreadable,"
          "reason\r\n",
          out);
}

static void put_text(ky_buf *line, const char *text)
{
    ky_csv_append_text_field(line, text ? text : "", text ? strlen(text) : 0, ',');
    ky_buf_putc(line, ',');
}

void cli_inspect_print_csv(FILE *out, const ky_book *book)
{
    ky_buf line = {0};
    for (size_t i = 0; i < book->sheet_count; i++) {
        const ky_sheet_report *table = &book->sheets[i];
        const ky_skip_counts *skipped = &table->skipped;
        size_t skipped_total = skipped->blank + skipped->title + skipped->header +
                               skipped->note + skipped->unreadable;
        ky_buf_clear(&line);
        put_text(&line, table->file);
        put_text(&line, table->sheet);
        ky_buf_printf(&line, "%u,%u,%u,%s,%d,%u,%u,%zu,%zu,%zu,%zu,%zu,%zu,%zu,%zu,%zu,",
                      (unsigned)table->table, (unsigned)table->first_row,
                      (unsigned)table->last_row, ky_table_kind_name(table->kind),
                      table->confidence, (unsigned)table->header_row,
                      (unsigned)table->header_rows, table->rows_total, table->rows_mapped,
                      skipped_total, skipped->blank, skipped->title, skipped->header,
                      skipped->note, table->totals, skipped->unreadable);
        ky_csv_append_text_field(&line, table->reason ? table->reason : "",
                                 table->reason ? strlen(table->reason) : 0, ',');
        ky_csv_end_record(&line, KY_CSV_CRLF);
        if (line.data)
            fwrite(line.data, 1, line.len, out);
    }
    ky_buf_free(&line);
}

/* ------------------------------------------------------------------------ */
/* Records                                                                  */
/* ------------------------------------------------------------------------ */

/* Print text on one line: headers and events often wrap inside their cells. */
static void print_one_line(FILE *out, const char *text)
{
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == '\r' && p[1] == '\n')
            continue;
        fputc(*p == '\r' || *p == '\n' || *p == '\t' ? ' ' : *p, out);
    }
}

static void print_events(FILE *out, const ky_book *book, const ky_sheet_report *report)
{
    fprintf(out, "    %s\n", KY_("events:"));
    for (size_t i = 0; i < book->event_count; i++) {
        const ky_event *event = &book->events[i];
        if (event->origin.sheet != report->sheet)
            continue;
        fputs("      ", out);
        fprintf(out, KY_("row %u: "), (unsigned)event->origin.row);
        print_one_line(out, event->time_text);
        if (event->minutes >= 0)
            fprintf(out, " = %02d:%02d", event->minutes / 60, event->minutes % 60);
        else
            fprintf(out, " = %s", KY_("(time not read)"));
        if (event->day != 0)
            fprintf(out, KY_(" (day %+d)"), event->day);
        fputs(", ", out);
        if (event->actor_group) {
            print_one_line(out, event->actor_group);
            fputs(" / ", out);
        }
        print_one_line(out, event->actor);
        fputs(": ", out);
        print_one_line(out, event->text);
        fputc('\n', out);
    }
}

static const char *why_kind_label(ky_why_kind kind)
{
    switch (kind) {
    case KY_WHY_PROBLEM: return KY_("problem");
    case KY_WHY_DIRECT: return KY_("direct cause");
    case KY_WHY_CAUSE: return KY_("cause");
    case KY_WHY_ROOT: return KY_("root cause");
    }
    return "";
}

static void print_why_tree(FILE *out, const ky_book *book, const ky_sheet_report *report)
{
    fprintf(out, "    %s\n", KY_("why-why tree:"));
    for (size_t i = 0; i < book->why_count; i++) {
        const ky_why_node *node = &book->why_nodes[i];
        if (node->origin.sheet != report->sheet)
            continue;
        fprintf(out, "      %*s%s: ", (int)(2 * node->level), "", why_kind_label(node->kind));
        print_one_line(out, node->text);
        fputc('\n', out);
        for (size_t k = 0; k < node->countermeasures.count; k++) {
            fprintf(out, "      %*s%s ", (int)(2 * node->level + 2), "", KY_("countermeasure:"));
            print_one_line(out, node->countermeasures.items[k]);
            fputc('\n', out);
        }
        for (size_t k = 0; k < node->lesson_ids.count; k++)
            fprintf(out, "      %*s%s %s\n", (int)(2 * node->level + 2), "", KY_("lesson:"),
                    node->lesson_ids.items[k]);
    }
}

void cli_inspect_print_records(FILE *out, const ky_book *book, const ky_sheet_report *report)
{
    if (report->kind == KY_TABLE_STATUS)
        print_events(out, book, report);
    else if (report->kind == KY_TABLE_WHY)
        print_why_tree(out, book, report);
}
