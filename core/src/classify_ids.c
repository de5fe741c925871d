/* SPDX-License-Identifier: MIT */
/*
 * Generated lesson ids. A lesson without an id gets the governance prefix
 * when one of its purposes has kind G in purpose.csv (organisation,
 * procurement and training in the built-in file), else the technical
 * prefix. The number is one more than the highest number used with that
 * prefix. Used
 * numbers come from every lesson id and every lesson id cited by why-why
 * nodes and risks, so a generated id never names an existing lesson. Ids
 * depend only on the book's content and order, so the same input always
 * gives the same ids.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "kyokun/i18n.h"

/* Highest number used after each prefix; the two prefixes may be equal. */
typedef struct id_counters {
    const char *prefix[2];
    unsigned long highest[2];
} id_counters;

/* Raise the counter of a prefix when `id` is that prefix and a number. */
static void count_id(id_counters *counters, const char *id)
{
    for (int k = 0; id && k < 2; k++) {
        size_t len = strlen(counters->prefix[k]);
        const char *digits = id + len;
        if (strncmp(id, counters->prefix[k], len) != 0 || *digits < '0' || *digits > '9')
            continue;
        char *end = NULL;
        errno = 0;
        unsigned long number = strtoul(digits, &end, 10);
        if (*end != '\0')
            continue;
        /* NOTE: an id whose number overflows is counted as ULONG_MAX, so the next one wraps. */
        if (errno == ERANGE)
            number = ULONG_MAX;
        if (number > counters->highest[k])
            counters->highest[k] = number;
    }
}

static void count_book_ids(id_counters *counters, const ky_book *book)
{
    for (size_t i = 0; i < book->lesson_count; i++)
        count_id(counters, book->lessons[i].id);
    for (size_t i = 0; i < book->why_count; i++)
        for (size_t j = 0; j < book->why_nodes[i].lesson_ids.count; j++)
            count_id(counters, book->why_nodes[i].lesson_ids.items[j]);
    for (size_t i = 0; i < book->risk_count; i++)
        count_id(counters, book->risks[i].lesson_id);
}

/* Return true when one of the lesson's purposes has kind G in the purpose vocabulary. */
static bool is_governance(const ky_dict *dict, const ky_lesson *lesson)
{
    const ky_strlist *purposes = &lesson->classification.purposes;
    for (size_t i = 0; i < purposes->count; i++) {
        const ky_term *term = ky_dict_find(dict, KY_VOCAB_PURPOSE, purposes->items[i]);
        if (term && term->kind && (term->kind[0] == 'G' || term->kind[0] == 'g'))
            return true;
    }
    return false;
}

int ky_classify__ids(ky_classify_run *run)
{
    ky_book *book = run->book;
    id_counters counters = {
        .prefix = {run->options->prefix_governance, run->options->prefix_technical},
    };
    count_book_ids(&counters, book);
    bool same_prefix = strcmp(counters.prefix[0], counters.prefix[1]) == 0;

    for (size_t i = 0; i < book->lesson_count; i++) {
        ky_lesson *lesson = &book->lessons[i];
        if (lesson->id && lesson->id[0])
            continue;
        int k = is_governance(run->dict, lesson) ? 0 : 1;
        unsigned long number = ++counters.highest[k];
        if (same_prefix)
            counters.highest[1 - k] = number;
        char id[KY_ID_PREFIX_MAX + 24];
        snprintf(id, sizeof id, "%s%lu", counters.prefix[k], number);
        char *copy = ky_strdup(id);
        if (!copy)
            return KY_ENOMEM;
        free(lesson->id);
        lesson->id = copy;
        lesson->id_generated = true;

        ky_loc loc = {.file = lesson->origin.file, .sheet = lesson->origin.sheet,
                      .row = lesson->origin.row};
        ky_diag_emit(run->ctx, KY_SEV_INFO, "classify.id-generated", &loc,
                     k == 0 ? KY_("the lesson has no id, so it gets %s (a governance and "
                                  "management lesson, from its purpose)")
                            : KY_("the lesson has no id, so it gets %s (a technical lesson)"),
                     id);
    }
    return 0;
}
