/* SPDX-License-Identifier: MIT */
/* Creating and freeing the lesson book. */
#include <math.h>
#include <stdlib.h>

#include "kyokun/book.h"

ky_book *ky_book_new(void)
{
    ky_book *book = calloc(1, sizeof *book);
    if (book) {
        book->threshold = 5;
        book->scale = 3;
    }
    return book;
}

int ky_risk_value_max(int scale)
{
    return scale * scale;
}

/* Free the items of a string list and the list's array. */
static void strlist_free(ky_strlist *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
}

static void extras_free(ky_extras *extras)
{
    for (size_t i = 0; i < extras->count; i++) {
        free(extras->items[i].header);
        free(extras->items[i].value);
    }
    free(extras->items);
}

/* Origins point into the sheet reports' strings, so they are not freed here. */
static void incident_free(ky_incident *incident)
{
    free(incident->id);
    free(incident->summary);
    free(incident->occurred_text);
    free(incident->system);
    free(incident->main_cause);
    free(incident->external_impact);
    free(incident->damage_text);
    free(incident->effort_text);
    extras_free(&incident->extras);
    free(incident->main_cause_text);
}

static void risk_free(ky_risk *risk)
{
    free(risk->no);
    free(risk->category);
    free(risk->content);
    free(risk->impact);
    free(risk->a_text);
    free(risk->b_text);
    free(risk->c_text);
    free(risk->decision_text);
    free(risk->response);
    free(risk->lesson_id);
    extras_free(&risk->extras);
}

static void lesson_free(ky_lesson *lesson)
{
    free(lesson->id);
    free(lesson->title);
    free(lesson->problem);
    strlist_free(&lesson->direct_causes);
    strlist_free(&lesson->root_causes);
    strlist_free(&lesson->recurrence);
    strlist_free(&lesson->preventive);
    free(lesson->effect);
    free(lesson->lesson);
    strlist_free(&lesson->classification.purposes);
    free(lesson->classification.importance);
    free(lesson->classification.lifecycle);
    free(lesson->classification.service);
    strlist_free(&lesson->classification.keywords);
    for (size_t i = 0; i < KY_AXIS_COUNT; i++)
        free(lesson->classification.provenance[i].evidence);
    extras_free(&lesson->extras);
}

static void sheet_report_free(ky_sheet_report *report)
{
    free(report->file);
    free(report->sheet);
    for (size_t i = 0; i < report->column_count; i++)
        free(report->columns[i].header);
    free(report->columns);
    free(report->reason);
}

void ky_book_free(ky_book *book)
{
    if (!book)
        return;
    for (size_t i = 0; i < book->incident_count; i++)
        incident_free(&book->incidents[i]);
    for (size_t i = 0; i < book->event_count; i++) {
        free(book->events[i].time_text);
        free(book->events[i].actor_group);
        free(book->events[i].actor);
        free(book->events[i].text);
    }
    for (size_t i = 0; i < book->why_count; i++) {
        free(book->why_nodes[i].text);
        strlist_free(&book->why_nodes[i].countermeasures);
        strlist_free(&book->why_nodes[i].lesson_ids);
    }
    for (size_t i = 0; i < book->risk_count; i++)
        risk_free(&book->risks[i]);
    for (size_t i = 0; i < book->lesson_count; i++)
        lesson_free(&book->lessons[i]);
    for (size_t i = 0; i < book->sheet_count; i++)
        sheet_report_free(&book->sheets[i]);
    free(book->incidents);
    free(book->events);
    free(book->why_nodes);
    free(book->risks);
    free(book->lessons);
    free(book->sheets);
    free(book->title);
    free(book);
}

const char *ky_table_kind_name(ky_table_kind kind)
{
    switch (kind) {
    case KY_TABLE_INCIDENTS: return "incidents";
    case KY_TABLE_RISKS: return "risks";
    case KY_TABLE_LESSONS: return "lessons";
    case KY_TABLE_WHY: return "why-why";
    case KY_TABLE_STATUS: return "status";
    default: return "unknown";
    }
}
