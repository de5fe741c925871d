/* SPDX-License-Identifier: MIT */
/*
 * Counting a book's records along one axis for Pareto tables.
 *
 * Each record contributes one item per value on the axis (a lesson with two
 * keywords counts under both) or one item with no key. Items are sorted by
 * key so that equal keys are adjacent, merged into rows, and the rows sorted
 * by count, largest first, ties in byte order with the keyless row last.
 *
 * ABC classes apply the cut-offs to the cumulative share before a row: A while
 * it is below the A cut-off, B while below the B cut-off, else C. So the row
 * that takes the cumulative share past 80 % is still A and the first row is
 * always A. Rows tied on count share the class of the first of them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_text.h"
#include "kyokun/stats.h"

/* One value of one record, pointing into the book. */
typedef struct stats_item {
    const char *text;
    size_t len;          /* 0 for no value. */
    size_t count;
    double damage;
    double effort;
    bool damage_known;
    bool effort_known;
} stats_item;

/* Items collected for one axis, grown as records are added. */
typedef struct stats_items {
    stats_item *items;
    size_t count;
    size_t capacity;
} stats_items;

static bool is_ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool ends_with_ideographic_space(const char *s, size_t len)
{
    return len >= 3 && memcmp(s + len - 3, "\xE3\x80\x80", 3) == 0;
}

/* Trim ASCII white space and U+3000 from both ends of `text` into *start and *len. */
static void trim(const char *text, const char **start, size_t *len)
{
    const char *s = text ? text : "";
    size_t n = strlen(s);
    for (;;) {
        if (n > 0 && is_ascii_space(s[0])) {
            s++;
            n--;
        } else if (n >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0) {
            s += 3;
            n -= 3;
        } else {
            break;
        }
    }
    while (n > 0 && (is_ascii_space(s[n - 1]) || ends_with_ideographic_space(s, n)))
        n -= is_ascii_space(s[n - 1]) ? 1 : 3;
    *start = s;
    *len = n;
}

static int add_item(stats_items *list, const char *text, double damage, double effort)
{
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 64;
        stats_item *items = realloc(list->items, capacity * sizeof *items);
        if (!items)
            return KY_ENOMEM;
        list->items = items;
        list->capacity = capacity;
    }
    stats_item *item = &list->items[list->count++];
    trim(text, &item->text, &item->len);
    item->count = 1;
    item->damage_known = isfinite(damage);
    item->damage = item->damage_known ? damage : 0;
    item->effort_known = isfinite(effort);
    item->effort = item->effort_known ? effort : 0;
    return 0;
}

/* Add one item per value of a list, or one keyless item for an empty list. */
static int add_list(stats_items *list, const ky_strlist *values)
{
    if (values->count == 0)
        return add_item(list, NULL, NAN, NAN);
    for (size_t i = 0; i < values->count; i++) {
        int rc = add_item(list, values->items[i], NAN, NAN);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Return the single-valued text of a lesson on `axis`. */
static const char *lesson_text(const ky_lesson *lesson, ky_stats_axis axis)
{
    switch (axis) {
    case KY_STATS_SYSTEM_TYPE: return lesson->classification.importance;
    case KY_STATS_LIFECYCLE: return lesson->classification.lifecycle;
    case KY_STATS_SERVICE: return lesson->classification.service;
    default: return NULL;
    }
}

static int collect(const ky_book *book, ky_stats_axis axis, stats_items *list)
{
    int rc = 0;
    switch (axis) {
    case KY_STATS_MAIN_CAUSE:
        for (size_t i = 0; i < book->incident_count && rc == 0; i++) {
            const ky_incident *incident = &book->incidents[i];
            rc = add_item(list, incident->main_cause, incident->damage_yen, incident->effort_pm);
        }
        return rc;
    case KY_STATS_PURPOSE:
    case KY_STATS_KEYWORD:
        for (size_t i = 0; i < book->lesson_count && rc == 0; i++) {
            const ky_classification *cls = &book->lessons[i].classification;
            rc = add_list(list, axis == KY_STATS_PURPOSE ? &cls->purposes : &cls->keywords);
        }
        return rc;
    case KY_STATS_SYSTEM_TYPE:
    case KY_STATS_LIFECYCLE:
    case KY_STATS_SERVICE:
        for (size_t i = 0; i < book->lesson_count && rc == 0; i++)
            rc = add_item(list, lesson_text(&book->lessons[i], axis), NAN, NAN);
        return rc;
    case KY_STATS_RISK_LEVEL:
        for (size_t i = 0; i < book->risk_count && rc == 0; i++) {
            /* Keys are static strings, so the items can point at them like at the book. */
            static const char *const values[26] = {
                NULL, "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13",
                "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25",
            };
            int c = book->risks[i].c;
            rc = add_item(list, c > 0 && c <= 25 ? values[c] : NULL, NAN, NAN);
        }
        return rc;
    default:
        return 0;
    }
}

/* Compare keys in byte order, with the keyless item last. */
static int compare_keys(const stats_item *a, const stats_item *b)
{
    if ((a->len == 0) != (b->len == 0))
        return a->len == 0 ? 1 : -1;
    size_t n = a->len < b->len ? a->len : b->len;
    int order = memcmp(a->text, b->text, n);
    if (order != 0)
        return order;
    return (a->len > b->len) - (a->len < b->len);
}

static int compare_items(const void *a, const void *b)
{
    return compare_keys(a, b);
}

static int compare_rows(const void *a, const void *b)
{
    const stats_item *ia = a;
    const stats_item *ib = b;
    if (ia->count != ib->count)
        return ia->count < ib->count ? 1 : -1;
    return compare_keys(ia, ib);
}

/* Merge runs of equal keys in place and return the number of groups. */
static size_t merge_runs(stats_item *items, size_t n)
{
    size_t groups = 0;
    for (size_t i = 0; i < n; i++) {
        stats_item *last = groups > 0 ? &items[groups - 1] : NULL;
        if (last && compare_keys(last, &items[i]) == 0) {
            last->count++;
            last->damage += items[i].damage;
            last->effort += items[i].effort;
            last->damage_known = last->damage_known || items[i].damage_known;
            last->effort_known = last->effort_known || items[i].effort_known;
        } else {
            items[groups++] = items[i];
        }
    }
    return groups;
}

/*
 * Return the class of a row from the records counted before it. The comparison is done
 * in integers (cut-offs in hundredths of a percent), so that exactly 80 % of
 * the records is not rounded to either side.
 */
static char abc_class(size_t before, size_t total, const ky_abc_cutoffs *cutoffs)
{
    uint64_t scaled = (uint64_t)before * 10000u;
    if (scaled < (uint64_t)llround(cutoffs->a * 100.0) * total)
        return 'A';
    if (scaled < (uint64_t)llround(cutoffs->b * 100.0) * total)
        return 'B';
    return 'C';
}

ky_abc_cutoffs ky_abc_cutoffs_default(void)
{
    return (ky_abc_cutoffs){.a = KY_ABC_A_DEFAULT, .b = KY_ABC_B_DEFAULT};
}

int ky_stats_compute(const ky_book *book, ky_stats_axis axis, const ky_abc_cutoffs *cutoffs,
                     ky_stats_table *out)
{
    ky_abc_cutoffs defaults = ky_abc_cutoffs_default();
    if (!cutoffs)
        cutoffs = &defaults;
    memset(out, 0, sizeof *out);
    out->axis = axis;

    stats_items list = {0};
    int rc = collect(book, axis, &list);
    if (rc < 0 || list.count == 0) {
        free(list.items);
        return rc;
    }
    qsort(list.items, list.count, sizeof *list.items, compare_items);
    size_t groups = merge_runs(list.items, list.count);
    qsort(list.items, groups, sizeof *list.items, compare_rows);

    out->rows = calloc(groups, sizeof *out->rows);
    if (!out->rows) {
        free(list.items);
        return KY_ENOMEM;
    }
    out->count = groups;
    out->total = list.count;

    size_t before = 0;
    char abc = 'A';
    for (size_t i = 0; i < groups; i++) {
        const stats_item *item = &list.items[i];
        ky_stats_row *row = &out->rows[i];
        if (item->len > 0 && !(row->key = ky_strndup(item->text, item->len))) {
            free(list.items);
            ky_stats_table_free(out);
            return KY_ENOMEM;
        }
        if (i == 0 || item->count != list.items[i - 1].count)
            abc = abc_class(before, out->total, cutoffs);
        row->count = item->count;
        row->abc_class = abc;
        row->share = (double)item->count / (double)out->total;
        before += item->count;
        row->cumulative_share = (double)before / (double)out->total;
        row->damage_yen = item->damage_known ? item->damage : NAN;
        row->effort_pm = item->effort_known ? item->effort : NAN;
    }
    free(list.items);
    return 0;
}

void ky_stats_table_free(ky_stats_table *table)
{
    if (!table)
        return;
    for (size_t i = 0; i < table->count; i++)
        free(table->rows[i].key);
    free(table->rows);
    table->rows = NULL;
    table->count = 0;
    table->total = 0;
}

const char *ky_stats_axis_name(ky_stats_axis axis)
{
    static const char *const names[KY_STATS_AXIS_COUNT] = {
        "main_cause", "purpose", "system_type", "lifecycle_process", "service_process",
        "keyword", "risk_level",
    };
    return (unsigned)axis < KY_STATS_AXIS_COUNT ? names[axis] : "unknown";
}
