/* SPDX-License-Identifier: MIT */
/*
 * The index at the end of the lesson report. For each classification axis
 * (purpose, importance, life-cycle process, service process, keywords) it
 * lists the values and, under each value, the lessons that have it, each
 * with a link to the lesson and its page number. Values are in byte order of
 * their UTF-8 text, with ASCII letters compared without case, so "cloud"
 * sorts between "Backup" and "DNS".
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report.h"

/* One value of one axis in one lesson. */
typedef struct index_entry {
    const char *value;
    size_t lesson;
} index_entry;

/* Entries of one axis, gathered from every lesson. */
typedef struct index_axis {
    index_entry *entries;
    size_t count;
} index_axis;

/* Append an entry when the value has text; the array has room for every value of the axis. */
static void add_entry(index_axis *axis, const char *value, size_t lesson)
{
    if (report_has_text(value))
        axis->entries[axis->count++] = (index_entry){value, lesson};
}

/* Count the values of `axis` over all lessons: the size the entry array needs. */
static size_t count_values(const ky_book *book, ky_axis axis)
{
    size_t total = 0;
    for (size_t i = 0; i < book->lesson_count; i++) {
        const ky_classification *c = &book->lessons[i].classification;
        if (axis == KY_AXIS_PURPOSE)
            total += c->purposes.count;
        else if (axis == KY_AXIS_KEYWORDS)
            total += c->keywords.count;
        else
            total++;
    }
    return total;
}

/* Gather the entries of one axis. */
static void gather_axis(const ky_book *book, ky_axis axis, index_axis *out)
{
    for (size_t i = 0; i < book->lesson_count; i++) {
        const ky_classification *c = &book->lessons[i].classification;
        const ky_strlist *list = axis == KY_AXIS_PURPOSE    ? &c->purposes
                                 : axis == KY_AXIS_KEYWORDS ? &c->keywords
                                                            : NULL;
        if (list) {
            for (size_t k = 0; k < list->count; k++)
                add_entry(out, list->items[k], i);
        } else {
            add_entry(out, axis == KY_AXIS_IMPORTANCE  ? c->importance
                           : axis == KY_AXIS_LIFECYCLE ? c->lifecycle
                                                       : c->service,
                      i);
        }
    }
}

/* Order by value, then by lesson position, so equal values end up together.
 * Values that differ only in ASCII case are ordered by bytes, so they stay apart. */
static int compare_entries(const void *a, const void *b)
{
    const index_entry *x = a;
    const index_entry *y = b;
    int order = strcasecmp(x->value, y->value);
    if (order == 0)
        order = strcmp(x->value, y->value);
    if (order != 0)
        return order;
    return (x->lesson > y->lesson) - (x->lesson < y->lesson);
}

/* Return the label of an axis. */
static const char *axis_label(const report_labels *labels, ky_axis axis)
{
    switch (axis) {
    case KY_AXIS_PURPOSE: return labels->purpose;
    case KY_AXIS_IMPORTANCE: return labels->importance;
    case KY_AXIS_LIFECYCLE: return labels->lifecycle;
    case KY_AXIS_SERVICE: return labels->service;
    default: return labels->keywords;
    }
}

/* Write one lesson line of the index: a link to its title, a tab and its page. */
static void put_lesson_line(report_xml *xml, const ky_book *book, size_t lesson,
                            const report_labels *labels)
{
    report_putf(xml, "<text:p text:style-name=\"Index_20_2\">"
                     "<text:a xlink:type=\"simple\" xlink:href=\"#Lesson%zu\""
                     " text:style-name=\"Contents_20_Link\""
                     " text:visited-style-name=\"Contents_20_Link\">", lesson + 1);
    report_put_lesson_title(xml, &book->lessons[lesson], labels);
    report_putf(xml, "</text:a><text:tab/><text:bookmark-ref text:reference-format=\"page\""
                     " text:ref-name=\"Lesson%zu\">1</text:bookmark-ref></text:p>\n", lesson + 1);
}

/* Write the sorted entries of one axis: each value once, its lessons below it. */
static void put_axis(report_xml *xml, const ky_book *book, const index_axis *axis,
                     const char *label, const report_labels *labels)
{
    report_put(xml, "<text:p text:style-name=\"Index_20_Heading\">");
    report_text(xml, label);
    report_put(xml, "</text:p>\n");

    for (size_t k = 0; k < axis->count; k++) {
        const index_entry *entry = &axis->entries[k];
        bool new_value = k == 0 || strcmp(entry->value, axis->entries[k - 1].value) != 0;
        if (new_value) {
            report_put(xml, "<text:p text:style-name=\"Index_20_1\">");
            report_text(xml, entry->value);
            report_put(xml, "</text:p>\n");
        } else if (entry->lesson == axis->entries[k - 1].lesson) {
            continue; /* A lesson that lists the same keyword twice shows once. */
        }
        put_lesson_line(xml, book, entry->lesson, labels);
    }
}

/* True when one item of the list has text. */
static bool any_text(const ky_strlist *list)
{
    for (size_t k = 0; k < list->count; k++) {
        if (report_has_text(list->items[k]))
            return true;
    }
    return false;
}

bool report_index_has_entries(const ky_book *book)
{
    for (size_t i = 0; i < book->lesson_count; i++) {
        const ky_classification *c = &book->lessons[i].classification;
        if (any_text(&c->purposes) || any_text(&c->keywords) || report_has_text(c->importance)
            || report_has_text(c->lifecycle) || report_has_text(c->service))
            return true;
    }
    return false;
}

void report_put_index(report_xml *xml, const ky_book *book, const report_labels *labels,
                      const char *bookmark)
{
    report_putf(xml, "<text:h text:style-name=\"Analysis_20_Title\" text:outline-level=\"1\">"
                     "<text:bookmark text:name=\"%s\"/>", bookmark);
    report_text(xml, labels->index);
    report_put(xml, "</text:h>\n");

    for (int axis = 0; axis < KY_AXIS_COUNT && xml->rc == 0; axis++) {
        size_t total = count_values(book, (ky_axis)axis);
        index_axis gathered = {calloc(total ? total : 1, sizeof(index_entry)), 0};
        if (!gathered.entries) {
            xml->rc = KY_ENOMEM;
            return;
        }
        gather_axis(book, (ky_axis)axis, &gathered);
        qsort(gathered.entries, gathered.count, sizeof *gathered.entries, compare_entries);
        if (gathered.count > 0)
            put_axis(xml, book, &gathered, axis_label(labels, (ky_axis)axis), labels);
        free(gathered.entries);
    }
}
