/* SPDX-License-Identifier: MIT */
/* The walk over every string of a lesson book. */
#include <stddef.h>

#include "book_fields.h"
#include "headers.h"

/* The state of one walk: the callback and the record being walked. */
typedef struct walk {
    ky_book_text_fn fn;
    void *payload;
    const ky_origin *origin;
    const char *record_id;
} walk;

static int visit(walk *w, char **text, const char *field)
{
    ky_book_text t = {.text = text, .origin = w->origin, .field = field,
                      .record_id = w->record_id};
    return w->fn(&t, w->payload);
}

static int visit_list(walk *w, ky_strlist *list, const char *field)
{
    for (size_t i = 0; i < list->count; i++) {
        int status = visit(w, &list->items[i], field);
        if (status < 0)
            return status;
    }
    return 0;
}

static int visit_extras(walk *w, ky_extras *extras)
{
    for (size_t i = 0; i < extras->count; i++) {
        ky_extra *extra = &extras->items[i];
        ky_book_text header = {.text = &extra->header, .origin = w->origin,
                               .record_id = w->record_id, .repeated = true};
        int status = w->fn(&header, w->payload);
        if (status < 0)
            return status;
        ky_book_text value = {.text = &extra->value, .origin = w->origin,
                              .extra_header = extra->header, .record_id = w->record_id};
        status = w->fn(&value, w->payload);
        if (status < 0)
            return status;
    }
    return 0;
}

/* Visit fields given as (pointer, field name) pairs, stopping at the first failure. */
typedef struct named_field {
    char **text;
    const char *field;
} named_field;

static int visit_fields(walk *w, const named_field *fields, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        int status = visit(w, fields[i].text, fields[i].field);
        if (status < 0)
            return status;
    }
    return 0;
}

#define COUNT_OF(array) (sizeof(array) / sizeof((array)[0]))

static int visit_incident(walk *w, ky_incident *incident)
{
    w->origin = &incident->origin;
    w->record_id = incident->id;
    named_field fields[] = {
        {&incident->id, "id"},
        {&incident->summary, "summary"},
        {&incident->occurred_text, "occurred"},
        {&incident->system, "system"},
        {&incident->main_cause, "main_cause"},
        {&incident->main_cause_text, "main_cause"},
        {&incident->external_impact, "external_impact"},
        {&incident->damage_text, "damage"},
        {&incident->effort_text, "effort"},
    };
    int status = visit_fields(w, fields, COUNT_OF(fields));
    return status < 0 ? status : visit_extras(w, &incident->extras);
}

static int visit_event(walk *w, ky_event *event)
{
    w->origin = &event->origin;
    w->record_id = NULL;
    int status = visit(w, &event->time_text, "time");
    ky_book_text group = {.text = &event->actor_group, .origin = w->origin, .repeated = true};
    ky_book_text actor = {.text = &event->actor, .origin = w->origin, .repeated = true};
    if (status == 0)
        status = w->fn(&group, w->payload);
    if (status == 0)
        status = w->fn(&actor, w->payload);
    return status < 0 ? status : visit(w, &event->text, "event");
}

static int visit_why(walk *w, ky_why_node *node)
{
    w->origin = &node->origin;
    w->record_id = NULL;
    const char *field = node->level == 0 ? "problem" : ky_header__why_field((int)node->level);
    int status = visit(w, &node->text, field);
    if (status == 0)
        status = visit_list(w, &node->countermeasures, "countermeasures");
    return status < 0 ? status : visit_list(w, &node->lesson_ids, "countermeasures");
}

static int visit_risk(walk *w, ky_risk *risk)
{
    w->origin = &risk->origin;
    w->record_id = risk->no;
    named_field fields[] = {
        {&risk->no, "no"},
        {&risk->category, "category"},
        {&risk->content, "content"},
        {&risk->impact, "impact"},
        {&risk->a_text, "a"},
        {&risk->b_text, "b"},
        {&risk->c_text, "c"},
        {&risk->decision_text, "decision"},
        {&risk->response, "response"},
        {&risk->lesson_id, "lesson_id"},
    };
    int status = visit_fields(w, fields, COUNT_OF(fields));
    return status < 0 ? status : visit_extras(w, &risk->extras);
}

static int visit_classification(walk *w, ky_classification *c)
{
    int status = visit_list(w, &c->purposes, "purposes");
    named_field fields[] = {
        {&c->importance, "importance"},
        {&c->lifecycle, "lifecycle"},
        {&c->service, "service"},
    };
    if (status == 0)
        status = visit_fields(w, fields, COUNT_OF(fields));
    if (status == 0)
        status = visit_list(w, &c->keywords, "keywords");
    for (size_t i = 0; status == 0 && i < KY_AXIS_COUNT; i++)
        status = visit(w, &c->provenance[i].evidence, NULL);
    return status;
}

static int visit_lesson(walk *w, ky_lesson *lesson)
{
    w->origin = &lesson->origin;
    w->record_id = lesson->id;
    named_field head[] = {
        {&lesson->id, "id"},
        {&lesson->title, "title"},
        {&lesson->problem, "problem"},
    };
    int status = visit_fields(w, head, COUNT_OF(head));
    if (status == 0)
        status = visit_list(w, &lesson->direct_causes, "direct_causes");
    if (status == 0)
        status = visit_list(w, &lesson->root_causes, "root_causes");
    if (status == 0)
        status = visit_list(w, &lesson->recurrence, "recurrence");
    if (status == 0)
        status = visit_list(w, &lesson->preventive, "preventive");
    named_field tail[] = {
        {&lesson->effect, "effect"},
        {&lesson->lesson, "lesson"},
    };
    if (status == 0)
        status = visit_fields(w, tail, COUNT_OF(tail));
    if (status == 0)
        status = visit_classification(w, &lesson->classification);
    return status < 0 ? status : visit_extras(w, &lesson->extras);
}

int ky_book__visit_records(ky_book *book, ky_book_text_fn fn, void *payload)
{
    walk w = {.fn = fn, .payload = payload};
    int status = 0;
    for (size_t i = 0; status == 0 && i < book->incident_count; i++)
        status = visit_incident(&w, &book->incidents[i]);
    for (size_t i = 0; status == 0 && i < book->event_count; i++)
        status = visit_event(&w, &book->events[i]);
    for (size_t i = 0; status == 0 && i < book->why_count; i++)
        status = visit_why(&w, &book->why_nodes[i]);
    for (size_t i = 0; status == 0 && i < book->risk_count; i++)
        status = visit_risk(&w, &book->risks[i]);
    for (size_t i = 0; status == 0 && i < book->lesson_count; i++)
        status = visit_lesson(&w, &book->lessons[i]);
    return status;
}

int ky_book__visit_sheets(ky_book *book, ky_book_text_fn fn, void *payload)
{
    walk w = {.fn = fn, .payload = payload};
    int status = 0;
    for (size_t i = 0; status == 0 && i < book->sheet_count; i++) {
        ky_sheet_report *report = &book->sheets[i];
        status = visit(&w, &report->file, NULL);
        if (status == 0)
            status = visit(&w, &report->sheet, NULL);
        for (size_t c = 0; status == 0 && c < report->column_count; c++)
            status = visit(&w, &report->columns[c].header, NULL);
        if (status == 0)
            status = visit(&w, &report->reason, NULL);
    }
    return status < 0 ? status : visit(&w, &book->title, NULL);
}
