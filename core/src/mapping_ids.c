/* SPDX-License-Identifier: MIT */
/*
 * Checking the ids of the records that one file added to a book: incident
 * ids, risk numbers and lesson ids. An id that a record from an earlier file
 * already uses is reported once per id, naming both records' origins, up to
 * COLLISIONS_LISTED ids per kind and earlier file, and one more message
 * counts the rest, because monthly files that each number from 1 collide on
 * almost every id. An id repeated within one sheet is reported at each
 * repeat. Records are never
 * dropped or merged, because the same id in two files may name two different
 * incidents. Different sheets of one file may reuse ids (one sheet a year,
 * each numbered from 1), so they are not compared with each other.
 */
#include <stdlib.h>
#include <string.h>

#include "kyokun/i18n.h"
#include "mapping.h"

/* Collisions listed one by one per kind of id and earlier file. One more message counts the
   rest. */
#define COLLISIONS_LISTED 10

/* One record with an id. */
typedef struct id_entry {
    const char *id;
    const ky_origin *origin;
    size_t index; /**< Position in the book's array, so earlier files come first. */
} id_entry;

/* Collisions of this file's ids with the ids of one earlier file. */
typedef struct collision_count {
    const char *file; /**< The earlier file. */
    size_t count;
} collision_count;

/* The records of one kind, read through their id field. */
typedef struct id_kind {
    const char *noun;  /**< Translated name of the id for messages ("incident id"). */
    const char *field; /**< Mapped field of the id column ("id" or "no"). */
    id_entry *entries;  /**< Sorted by id, then by index. */
    id_entry *in_order; /**< The same entries in book order. */
    size_t count;
    size_t before;     /**< Records that were in the book before this file. */
    collision_count *collisions; /**< Per earlier file, in order of first collision. */
    size_t collision_files;
} id_kind;

static int compare_entries(const void *a, const void *b)
{
    const id_entry *x = a;
    const id_entry *y = b;
    int order = strcmp(x->id, y->id);
    if (order != 0)
        return order;
    return (x->index > y->index) - (x->index < y->index);
}

static bool same_sheet(const ky_origin *a, const ky_origin *b)
{
    return strcmp(a->file ? a->file : "", b->file ? b->file : "") == 0 &&
           strcmp(a->sheet ? a->sheet : "", b->sheet ? b->sheet : "") == 0;
}

/* Locate a record's id cell for a warning. The column stays 0 when the report lacks it. */
static ky_loc id_loc(const ky_book *book, const id_kind *kind, const ky_origin *origin)
{
    ky_loc loc = {.file = origin->file, .sheet = origin->sheet, .row = origin->row};
    for (size_t s = 0; s < book->sheet_count; s++) {
        const ky_sheet_report *report = &book->sheets[s];
        if (report->sheet != origin->sheet)
            continue;
        for (size_t c = 0; c < report->column_count; c++) {
            const char *field = report->columns[c].field;
            if (field && strcmp(field, kind->field) == 0)
                loc.col = report->columns[c].col + 1;
        }
    }
    return loc;
}

/* Return the first entry of `entries` (sorted) that does not order before (id, index). */
static size_t lower_bound(const id_entry *entries, size_t count, const char *id, size_t index)
{
    size_t low = 0;
    size_t high = count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        int order = strcmp(entries[middle].id, id);
        if (order < 0 || (order == 0 && entries[middle].index < index))
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

/* Count a collision with an earlier file, and return the count so far with that file. */
static size_t count_collision(id_kind *kind, const char *file)
{
    const char *name = file ? file : "";
    for (size_t i = kind->collision_files; i-- > 0;) {
        if (strcmp(kind->collisions[i].file, name) == 0)
            return ++kind->collisions[i].count;
    }
    kind->collisions[kind->collision_files++] = (collision_count){name, 1};
    return 1;
}

/* Report, per earlier file, how many collisions were not listed one by one. */
static void report_unlisted(ky_ctx *ctx, const id_kind *kind, const char *file)
{
    ky_loc loc = {.file = file};
    for (size_t i = 0; i < kind->collision_files; i++) {
        const collision_count *pair = &kind->collisions[i];
        if (pair->count <= COLLISIONS_LISTED)
            continue;
        size_t unlisted = pair->count - COLLISIONS_LISTED;
        ky_diag_emit(ctx, KY_SEV_WARNING, "mapping.id-collisions-unlisted", &loc,
                     dngettext(KY_TEXT_DOMAIN,
                               "%zu more %s collision with %s is not listed (%zu in all). "
                               "Both records of each collision are kept",
                               "%zu more %s collisions with %s are not listed (%zu in all). "
                               "Both records of each collision are kept",
                               (unsigned long)unlisted),
                     unlisted, kind->noun, pair->file, pair->count);
    }
}

/*
 * Warn about one record of this file when its id is taken. `run` points at
 * the first entry with the same id, and `self` at the record's own entry.
 */
static void check_entry(ky_ctx *ctx, const ky_book *book, id_kind *kind,
                        const id_entry *run, const id_entry *self)
{
    const ky_origin *origin = self->origin;
    ky_loc loc = id_loc(book, kind, origin);

    /* Entries of one id are sorted by index, so those of earlier files come
       first, and only the first record of this file reports the collision. */
    const id_entry *first_new = run + lower_bound(run, (size_t)(self - run), self->id,
                                                  kind->before);
    if (run->index < kind->before && first_new == self &&
        count_collision(kind, run->origin->file) <= COLLISIONS_LISTED) {
        const ky_origin *first = run->origin;
        ky_diag_emit(ctx, KY_SEV_WARNING, "mapping.id-collision", &loc,
                     KY_("%s \"%s\" is used in two files: %s, sheet \"%s\", row %u and %s, "
                         "sheet \"%s\", row %u. Both records are kept apart. If they are "
                         "the same record, leave out one of the files. Otherwise give one "
                         "of them another id"),
                     kind->noun, self->id, first->file, first->sheet, (unsigned)first->row,
                     origin->file, origin->sheet, (unsigned)origin->row);
    }

    for (const id_entry *earlier = first_new; earlier < self; earlier++) {
        if (!same_sheet(earlier->origin, origin))
            continue;
        ky_diag_emit(ctx, KY_SEV_WARNING, "mapping.duplicate-id", &loc,
                     KY_("%s \"%s\" in row %u repeats the one in row %u of the same sheet. "
                         "Both records are kept. Give each record its own id"),
                     kind->noun, self->id, (unsigned)origin->row,
                     (unsigned)earlier->origin->row);
        break;
    }
}

/* Sort the entries of one kind and check the records of this file in book
   order, so that the warnings follow the rows. */
static void check_kind(ky_ctx *ctx, const ky_book *book, id_kind *kind)
{
    memcpy(kind->entries, kind->in_order, kind->count * sizeof *kind->entries);
    qsort(kind->entries, kind->count, sizeof *kind->entries, compare_entries);

    const char *file = NULL;
    for (size_t i = 0; i < kind->count; i++) {
        const id_entry *record = &kind->in_order[i];
        if (record->index < kind->before)
            continue;
        const char *id = record->id;
        const id_entry *run = kind->entries + lower_bound(kind->entries, kind->count, id, 0);
        const id_entry *self =
            kind->entries + lower_bound(kind->entries, kind->count, id, record->index);
        check_entry(ctx, book, kind, run, self);
        file = record->origin->file;
    }
    report_unlisted(ctx, kind, file);
}

/* Append a record to the entries when it has an id. */
static void add_entry(id_kind *kind, const char *id, const ky_origin *origin, size_t index)
{
    if (!id || !id[0])
        return;
    kind->in_order[kind->count++] = (id_entry){id, origin, index};
}

int ky_mapping__check_ids(ky_ctx *ctx, const ky_book *book, const ky_record_counts *before)
{
    size_t largest = book->incident_count;
    if (book->risk_count > largest)
        largest = book->risk_count;
    if (book->lesson_count > largest)
        largest = book->lesson_count;
    if (largest == 0)
        return 0;
    id_entry *entries = malloc(largest * sizeof *entries);
    id_entry *in_order = malloc(largest * sizeof *in_order);
    /* Records come from the sheets of their files, so there are at most as many earlier
       files as reports, plus one for records without a file. */
    collision_count *collisions = malloc((book->sheet_count + 1) * sizeof *collisions);
    if (!entries || !in_order || !collisions) {
        free(entries);
        free(in_order);
        free(collisions);
        return KY_ENOMEM;
    }

    id_kind incidents = {KY_("incident id"), "id", entries, in_order, 0, before->incidents,
                         collisions, 0};
    for (size_t i = 0; i < book->incident_count; i++)
        add_entry(&incidents, book->incidents[i].id, &book->incidents[i].origin, i);
    if (book->incident_count > before->incidents)
        check_kind(ctx, book, &incidents);

    id_kind risks = {KY_("risk No."), "no", entries, in_order, 0, before->risks, collisions, 0};
    for (size_t i = 0; i < book->risk_count; i++)
        add_entry(&risks, book->risks[i].no, &book->risks[i].origin, i);
    if (book->risk_count > before->risks)
        check_kind(ctx, book, &risks);

    id_kind lessons = {KY_("lesson id"), "id", entries, in_order, 0, before->lessons,
                       collisions, 0};
    for (size_t i = 0; i < book->lesson_count; i++)
        add_entry(&lessons, book->lessons[i].id, &book->lessons[i].origin, i);
    if (book->lesson_count > before->lessons)
        check_kind(ctx, book, &lessons);

    free(entries);
    free(in_order);
    free(collisions);
    return 0;
}
