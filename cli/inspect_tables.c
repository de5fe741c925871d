/* SPDX-License-Identifier: MIT */
/*
 * `kyokun inspect`: the CSV row accounting, the records of status tables
 * and why-why analyses, and the main causes not in cause.csv (see
 * inspect_tables.h).
 */
#include <stdlib.h>
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

/* ------------------------------------------------------------------------ */
/* Unknown main causes                                                      */
/* ------------------------------------------------------------------------ */

/* Maximum distinct unknown causes printed. One more line counts the rest. */
#define UNKNOWN_CAUSES_MAX 100

/* One distinct main cause: its text, incidents that give it, first incident. */
typedef struct cause_count {
    const char *text;
    size_t count;
    size_t first;
} cause_count;

/* Order by text, then by position, so that equal texts are adjacent. */
static int compare_text(const void *a, const void *b)
{
    const cause_count *x = a;
    const cause_count *y = b;
    int order = strcmp(x->text, y->text);
    if (order != 0)
        return order;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Order by count, most first, then by the first incident that gives the cause. */
static int compare_count(const void *a, const void *b)
{
    const cause_count *x = a;
    const cause_count *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Merge adjacent equal texts of a sorted array, and return the number of distinct texts. */
static size_t merge_equal(cause_count *causes, size_t count)
{
    size_t distinct = 0;
    for (size_t i = 0; i < count; i++) {
        if (distinct > 0 && strcmp(causes[distinct - 1].text, causes[i].text) == 0) {
            causes[distinct - 1].count++;
            continue;
        }
        causes[distinct++] = causes[i];
    }
    return distinct;
}

/*
 * Collect the distinct main causes that cause.csv does not name, of the
 * incidents read from `file` (all incidents when NULL), most frequent first.
 * Returns the array (the caller frees it) and sets *distinct, or returns
 * NULL when out of memory.
 */
static cause_count *collect_unknown(const ky_book *book, const ky_dict *dict, const char *file,
                                    size_t *distinct)
{
    cause_count *causes = calloc(book->incident_count ? book->incident_count : 1,
                                 sizeof *causes);
    if (!causes)
        return NULL;
    size_t count = 0;
    for (size_t i = 0; i < book->incident_count; i++) {
        const ky_incident *incident = &book->incidents[i];
        const char *cause = incident->main_cause;
        if (file && strcmp(incident->origin.file ? incident->origin.file : "", file) != 0)
            continue;
        if (cause && cause[0] && !ky_dict_find(dict, KY_VOCAB_CAUSE, cause))
            causes[count++] = (cause_count){.text = cause, .count = 1, .first = i};
    }
    qsort(causes, count, sizeof *causes, compare_text);
    *distinct = merge_equal(causes, count);
    qsort(causes, *distinct, sizeof *causes, compare_count);
    return causes;
}

bool cli_count_unknown_causes(const ky_book *book, const ky_dict *dict, const char *file,
                              size_t *distinct, size_t *incidents)
{
    cause_count *causes = collect_unknown(book, dict, file, distinct);
    if (!causes)
        return false;
    *incidents = 0;
    for (size_t i = 0; i < *distinct; i++)
        *incidents += causes[i].count;
    free(causes);
    return true;
}

bool cli_inspect_print_unknown_causes(FILE *out, const ky_book *book, const ky_dict *dict)
{
    size_t distinct = 0;
    cause_count *causes = collect_unknown(book, dict, NULL, &distinct);
    if (!causes)
        return false;

    if (distinct > 0) {
        fputs("  ", out);
        fprintf(out, KY_("main causes not in cause.csv, kept as written (%zu):"), distinct);
        fputc('\n', out);
    }
    for (size_t i = 0; i < distinct && i < UNKNOWN_CAUSES_MAX; i++) {
        fputs("    ", out);
        print_one_line(out, causes[i].text);
        fputs(" (", out);
        fprintf(out, dngettext(KY_TEXT_DOMAIN, "%zu incident", "%zu incidents",
                               (unsigned long)causes[i].count),
                causes[i].count);
        fputs(")\n", out);
    }
    if (distinct > UNKNOWN_CAUSES_MAX) {
        fputs("    ", out);
        fprintf(out, KY_("(%zu more causes not listed)"), distinct - UNKNOWN_CAUSES_MAX);
        fputc('\n', out);
    }
    free(causes);
    return true;
}
