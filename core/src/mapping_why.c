/* SPDX-License-Identifier: MIT */
/*
 * Mapping a why-why analysis (なぜなぜ分析) laid out as columns 問題, なぜ1 ...
 * なぜN, 対策 into a tree of ky_why_node. A blank or merged cell means "same
 * as the row above", so each row adds the nodes it names below the branch
 * it inherits, and its 対策 attaches to the deepest node of that branch.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/ky_text.h"
#include "headers.h"
#include "mapping.h"
#include "values.h"

#define NO_NODE UINT32_MAX

/* Add the countermeasure in `text` to a node, with the lesson ids it cites. */
static int add_countermeasure(ky_why_node *node, const char *text)
{
    ky_strlist ids = {0};
    char *rest = NULL;
    int status = ky_value__take_lesson_ids(text, &rest, &ids);
    if (status == 0 && rest && rest[0])
        status = ky_value__list_push(&node->countermeasures, rest, strlen(rest));

    /* Cite each lesson once per node, though several countermeasures may name it. */
    for (size_t i = 0; i < ids.count && status == 0; i++) {
        bool seen = false;
        for (size_t k = 0; k < node->lesson_ids.count && !seen; k++)
            seen = strcmp(node->lesson_ids.items[k], ids.items[i]) == 0;
        if (!seen)
            status = ky_value__list_push(&node->lesson_ids, ids.items[i], strlen(ids.items[i]));
    }
    for (size_t i = 0; i < ids.count; i++)
        free(ids.items[i]);
    free(ids.items);
    free(rest);
    return status;
}

static ky_why_node *new_node(ky_map_sheet *map, uint32_t row, uint32_t level, uint32_t parent,
                             const ky_cell *cell, int *status)
{
    ky_book *book = map->book;
    ky_why_node *node = &book->why_nodes[book->why_count++];
    memset(node, 0, sizeof *node);
    node->level = level;
    node->parent = parent == NO_NODE ? 0 : parent + 1;
    node->kind = level == 0 ? KY_WHY_PROBLEM : KY_WHY_CAUSE;
    node->origin = (ky_origin){map->report->file, map->report->sheet, row + 1};
    char *text = ky_value__cell_text(cell);
    node->text = text ? ky_value__trim(text, strlen(text)) : NULL;
    free(text);
    if (!node->text)
        *status = KY_ENOMEM;
    return node;
}

/*
 * Name each cause by its place in the tree: a cause with no cause below it
 * is a root cause (the last on its branch), otherwise なぜ1 is the direct
 * cause and deeper ones are intermediate causes.
 */
static int finish_kinds(ky_book *book, size_t first)
{
    size_t count = book->why_count - first;
    bool *has_child = calloc(count ? count : 1, sizeof *has_child);
    if (!has_child)
        return KY_ENOMEM;
    for (size_t i = first; i < book->why_count; i++) {
        uint32_t parent = book->why_nodes[i].parent;
        if (parent > first)
            has_child[parent - 1 - first] = true;
    }
    for (size_t i = first; i < book->why_count; i++) {
        ky_why_node *node = &book->why_nodes[i];
        if (node->level == 0)
            node->kind = KY_WHY_PROBLEM;
        else if (!has_child[i - first])
            node->kind = KY_WHY_ROOT;
        else
            node->kind = node->level == 1 ? KY_WHY_DIRECT : KY_WHY_CAUSE;
    }
    free(has_child);
    return 0;
}

int ky_mapping__why(ky_map_sheet *map, ky_row_class *classes)
{
    /* level_cols[0] is 問題, level_cols[n] is なぜn. */
    int level_cols[KY_WHY_MAX_LEVEL + 1];
    uint32_t path[KY_WHY_MAX_LEVEL + 1];
    level_cols[0] = ky_mapping__column(map, "problem");
    for (int level = 1; level <= KY_WHY_MAX_LEVEL; level++)
        level_cols[level] = ky_mapping__column(map, ky_header__why_field(level));
    for (int level = 0; level <= KY_WHY_MAX_LEVEL; level++)
        path[level] = NO_NODE;
    int measure_col = ky_mapping__column(map, "countermeasures");

    /* Each row adds at most one node per level column. */
    size_t levels = 0;
    for (int level = 0; level <= KY_WHY_MAX_LEVEL; level++)
        levels += level_cols[level] >= 0;

    ky_book *book = map->book;
    size_t first = book->why_count;
    size_t rows = map->grid->row_count - map->data_row;
    int status = ky_mapping__reserve((void **)&book->why_nodes, book->why_count, rows * levels,
                                     sizeof *book->why_nodes);

    for (uint32_t r = map->data_row; r < map->grid->row_count && status == 0; r++) {
        if (classes[r] != KY_ROW_DATA)
            continue;

        /* Walk the levels: a blank cell keeps the node above until this row
           names a node, after which a blank ends the branch. */
        bool named = false;
        uint32_t deepest = NO_NODE;
        for (int level = 0; level <= KY_WHY_MAX_LEVEL && status == 0; level++) {
            if (level_cols[level] < 0)
                continue;
            const ky_cell *cell = ky_grid__cell(map->grid, r, (uint32_t)level_cols[level]);
            if (ky_value__is_blank(cell)) {
                if (named)
                    path[level] = NO_NODE;
                else if (path[level] != NO_NODE)
                    deepest = path[level];
                continue;
            }
            uint32_t parent = NO_NODE;
            for (int above = level - 1; above >= 0 && parent == NO_NODE; above--)
                parent = path[above];
            new_node(map, r, (uint32_t)level, parent, cell, &status);
            path[level] = deepest = (uint32_t)(book->why_count - 1);
            for (int below = level + 1; below <= KY_WHY_MAX_LEVEL; below++)
                path[below] = NO_NODE;
            named = true;
        }

        const ky_cell *measure = measure_col < 0 ? NULL
                                                 : ky_grid__cell(map->grid, r, (uint32_t)measure_col);
        bool has_measure = !ky_value__is_blank(measure) && deepest != NO_NODE;
        if (has_measure && status == 0) {
            char *text = ky_value__cell_text(measure);
            status = text ? add_countermeasure(&book->why_nodes[deepest], text) : KY_ENOMEM;
            free(text);
        }
        classes[r] = (named || has_measure) ? KY_ROW_MAPPED : KY_ROW_UNREADABLE;
    }

    /* NOTE: values of columns outside the tree (dates, owners) are listed as
       unmapped in the report but not kept, because ky_why_node has no extras. */
    if (status == 0)
        status = finish_kinds(book, first);
    return status;
}
