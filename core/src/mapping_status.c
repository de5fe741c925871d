/* SPDX-License-Identifier: MIT */
/*
 * Mapping an incident status table (障害状況表): the time down the first
 * column, the actors across the top, often in two header rows (company
 * above department), and each filled cell an event. The time is read into
 * minutes where it can be (times.h). The day that 翌 or 前日 names carries
 * down to the rows below until another row names a day.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_text.h"
#include "mapping.h"
#include "times.h"
#include "values.h"

/* Return the cell at a position, or the first cell of the merged range over it; NULL when blank. */
static const ky_cell *merged_cell(const ky_grid_sheet *sheet, uint32_t row, uint32_t col)
{
    const ky_cell *cell = ky_grid__cell(sheet, row, col);
    if (ky_value__is_blank(cell)) {
        const ky_range *range = ky_grid__merge_at(sheet, row, col);
        cell = range ? ky_grid__cell(sheet, range->first_row, range->first_col) : NULL;
    }
    return ky_value__is_blank(cell) ? NULL : cell;
}

/* Return a cell's text, trimmed, following a merged range to its first cell, or NULL when blank. */
static char *merged_text(const ky_grid_sheet *sheet, uint32_t row, uint32_t col, int *status)
{
    const ky_cell *cell = merged_cell(sheet, row, col);
    if (!cell)
        return NULL;
    char *text = ky_value__cell_text(cell);
    char *trimmed = text ? ky_value__trim(text, strlen(text)) : NULL;
    free(text);
    if (!trimmed)
        *status = KY_ENOMEM;
    return trimmed;
}

/* Actor of each column: the lower header row names it, the upper row its
   group, carried right across blank cells under a merged company name. */
typedef struct actor {
    char *group;
    char *name;
} actor;

static int read_actors(const ky_map_sheet *map, uint32_t upper, uint32_t lower, actor *actors,
                       uint32_t width)
{
    int status = 0;
    char *carried = NULL;
    for (uint32_t c = 1; c < width && status == 0; c++) {
        char *top = merged_text(map->grid, upper, c, &status);
        char *bottom = lower > upper ? merged_text(map->grid, lower, c, &status) : NULL;
        /* A vertical merge from the upper row shows the same name below: one actor. */
        if (top && bottom && strcmp(top, bottom) == 0) {
            free(bottom);
            bottom = NULL;
        }
        if (top) {
            free(carried);
            carried = ky_strdup(top);
            if (!carried)
                status = KY_ENOMEM;
        }
        if (bottom) {
            actors[c].name = bottom;
            actors[c].group = top ? top : ky_strdup(carried);
        } else {
            actors[c].name = top;
        }
    }
    free(carried);
    return status;
}

int ky_mapping__status(ky_map_sheet *map, ky_row_class *classes, uint32_t upper, uint32_t lower)
{
    const ky_grid_sheet *sheet = map->grid;
    ky_book *book = map->book;
    uint32_t width = sheet->col_count;
    actor *actors = calloc(width ? width : 1, sizeof *actors);
    if (!actors)
        return KY_ENOMEM;
    int status = read_actors(map, upper, lower, actors, width);

    /* Reserve one event for every filled cell right of the time column. */
    size_t cells = 0;
    for (uint32_t r = map->data_row; r < sheet->row_count; r++) {
        for (uint32_t c = 1; c < sheet->rows[r].count; c++)
            cells += !ky_value__is_blank(ky_grid__cell(sheet, r, c));
    }
    if (status == 0)
        status = ky_mapping__reserve((void **)&book->events, book->event_count, cells,
                                     sizeof *book->events);

    /* A blank time cell continues the time above it. */
    char *time = NULL;
    ky_clock clock = {.minutes = -1};
    int day = 0;
    int first_date = INT_MIN; /* Serial day of the first date-time cell, which is day 0. */
    for (uint32_t r = map->data_row; r < sheet->row_count && status == 0; r++) {
        char *own = merged_text(sheet, r, 0, &status);
        if (own) {
            free(time);
            time = own;
            ky_time__read_cell(merged_cell(sheet, r, 0), &clock);
            if (clock.dated) {
                first_date = first_date == INT_MIN ? clock.day : first_date;
                clock.day -= first_date;
                clock.day_given = true;
            }
            /* A row with no time ("その他") belongs to no day unless it names one. */
            if (clock.day_given)
                day = clock.day;
            else if (clock.minutes >= 0)
                clock.day += day;
        }
        if (classes[r] != KY_ROW_DATA)
            continue;

        bool any = false;
        for (uint32_t c = 1; c < sheet->rows[r].count && status == 0; c++) {
            const ky_cell *cell = ky_grid__cell(sheet, r, c);
            if (ky_value__is_blank(cell))
                continue;
            any = true;
            ky_event *event = &book->events[book->event_count++];
            memset(event, 0, sizeof *event);
            event->origin = (ky_origin){map->report->file, map->report->sheet, r + 1};
            char *text = ky_value__cell_text(cell);
            event->text = text ? ky_value__trim(text, strlen(text)) : NULL;
            free(text);
            event->time_text = time ? ky_strdup(time) : NULL;
            event->day = clock.day;
            event->minutes = clock.minutes;
            if (c < width) {
                event->actor = actors[c].name ? ky_strdup(actors[c].name) : NULL;
                event->actor_group = actors[c].group ? ky_strdup(actors[c].group) : NULL;
            }
            bool lost = !event->text || (time && !event->time_text) ||
                        (c < width && actors[c].name && !event->actor) ||
                        (c < width && actors[c].group && !event->actor_group);
            if (lost)
                status = KY_ENOMEM;
        }
        classes[r] = any ? KY_ROW_MAPPED : KY_ROW_UNREADABLE;
    }

    free(time);
    for (uint32_t c = 0; c < width; c++) {
        free(actors[c].group);
        free(actors[c].name);
    }
    free(actors);
    return status;
}
