/* SPDX-License-Identifier: MIT */
/*
 * Messages about rows of a recognised table that were skipped as unreadable:
 * rows with values, but none in a column that makes a row a record. The
 * counts alone do not show which of a thousand rows was skipped, so each such
 * row gets a warning that names it and the columns it fills.
 */
#include <string.h>

#include "formats/ky_text.h"
#include "kyokun/i18n.h"
#include "mapping.h"
#include "values.h"

/* Unreadable rows reported one by one per table; the rest are counted in one message. */
#define UNREADABLE_REPORT_MAX 20
/* Columns named in one message; the rest are counted. */
#define COLUMNS_LISTED_MAX 8

/*
 * Fields whose value makes a row a record, as the mappers in mapping_lists.c
 * decide. A lesson row also starts a record with a problem or lesson text,
 * but the id and title are what a user fills to make one.
 */
static const char *const incident_keys[] = {"summary", "occurred", "system", "main_cause", NULL};
static const char *const risk_keys[] = {"category", "content", "a", "b", NULL};
static const char *const lesson_keys[] = {"id", "title", NULL};

/* Return true when a value in column `col` would make a row of the table a record. */
static bool is_key_column(const ky_map_sheet *map, uint32_t col)
{
    ky_table_kind kind = map->report->kind;
    /* The first column of a status table contains the times, and the others contain events. */
    if (kind == KY_TABLE_STATUS)
        return col > 0;
    const char *field = col < map->col_count ? map->fields[col] : NULL;
    if (!field)
        return false;
    if (kind == KY_TABLE_WHY)
        return strcmp(field, "problem") == 0 || strncmp(field, "why", 3) == 0;
    const char *const *keys = kind == KY_TABLE_INCIDENTS ? incident_keys
                            : kind == KY_TABLE_RISKS     ? risk_keys
                            : kind == KY_TABLE_LESSONS   ? lesson_keys
                                                         : NULL;
    for (size_t i = 0; keys && keys[i]; i++) {
        if (strcmp(field, keys[i]) == 0)
            return true;
    }
    return false;
}

/* Append a column as `E "備考"`, or only its letter when its header is blank. */
static int append_column(const ky_map_sheet *map, uint32_t col, ky_buf *out)
{
    char letters[8];
    ky_col_name(col, letters);
    const char *label = col < map->col_count ? map->labels[col] : NULL;
    const char *separator = out->len ? ", " : "";
    if (label)
        return ky_buf_printf(out, "%s%s \"%s\"", separator, letters, label);
    return ky_buf_printf(out, "%s%s", separator, letters);
}

/* Append the count of columns left out of a list, when there are any. */
static int append_more(size_t more, ky_buf *out)
{
    if (more == 0)
        return 0;
    return ky_buf_printf(out, dngettext(KY_TEXT_DOMAIN, " and %zu more column",
                                        " and %zu more columns", (unsigned long)more),
                         more);
}

/* List the columns that a row fills. */
static int list_filled_columns(const ky_map_sheet *map, uint32_t row, ky_buf *out)
{
    const ky_grid_row *slot = &map->grid->rows[row];
    size_t listed = 0;
    size_t more = 0;
    int status = 0;
    for (uint32_t c = 0; c < slot->count && status == 0; c++) {
        if (ky_value__is_blank(ky_grid__cell(map->grid, row, c)))
            continue;
        if (listed >= COLUMNS_LISTED_MAX) {
            more++;
            continue;
        }
        status = append_column(map, c, out);
        listed++;
    }
    return status == 0 ? append_more(more, out) : status;
}

/* List the table's key columns, leaving `out` empty when the table has none mapped. */
static int list_key_columns(const ky_map_sheet *map, ky_buf *out)
{
    size_t listed = 0;
    size_t more = 0;
    int status = 0;
    for (uint32_t c = 0; c < map->col_count && status == 0; c++) {
        if (!is_key_column(map, c))
            continue;
        if (listed >= COLUMNS_LISTED_MAX) {
            more++;
            continue;
        }
        status = append_column(map, c, out);
        listed++;
    }
    return status == 0 ? append_more(more, out) : status;
}

static void warn_unreadable_row(const ky_map_sheet *map, uint32_t row, const char *keys)
{
    ky_buf filled = {0};
    if (list_filled_columns(map, row, &filled) != 0 || ky_buf_puts(&filled, "") != 0) {
        ky_buf_free(&filled);
        return;
    }
    ky_loc loc = ky_mapping__loc(map, row, UINT32_MAX);
    if (keys[0])
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.unreadable-row", &loc,
                     KY_("row skipped as unreadable: it has values in %s, but none in a key "
                         "column (%s). Fill one of the key columns, or, when the values belong "
                         "to a field, write the mapping with `kyokun inspect --write-mapping "
                         "FILE`, fill in the field of their column and give the file with -m"),
                     filled.data, keys);
    else
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.unreadable-row", &loc,
                     KY_("row skipped as unreadable: it has values in %s, but the table has "
                         "no key column mapped. Write the mapping with `kyokun inspect "
                         "--write-mapping FILE`, fill in the fields of the columns and give "
                         "the file with -m"),
                     filled.data);
    ky_buf_free(&filled);
}

void ky_mapping__report_unreadable(const ky_map_sheet *map, const ky_row_class *classes)
{
    ky_buf keys = {0};
    if (list_key_columns(map, &keys) != 0 || ky_buf_puts(&keys, "") != 0) {
        ky_buf_free(&keys);
        return;
    }
    size_t reported = 0;
    size_t unreported = 0;
    for (uint32_t r = map->data_row; r < map->grid->row_count; r++) {
        if (classes[r] != KY_ROW_UNREADABLE)
            continue;
        if (reported < UNREADABLE_REPORT_MAX) {
            warn_unreadable_row(map, r, keys.data);
            reported++;
        } else {
            unreported++;
        }
    }
    ky_buf_free(&keys);
    if (unreported == 0)
        return;

    ky_loc loc = ky_mapping__loc(map, 0, UINT32_MAX);
    loc.row = 0;
    ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.unreadable-row", &loc,
                 dngettext(KY_TEXT_DOMAIN,
                           "%zu more row of the table in rows %u-%u was skipped as unreadable. "
                           "Only the first %d such rows of a table get a message of their own",
                           "%zu more rows of the table in rows %u-%u were skipped as unreadable. "
                           "Only the first %d such rows of a table get a message of their own",
                           (unsigned long)unreported),
                 unreported, (unsigned)map->report->first_row, (unsigned)map->report->last_row,
                 UNREADABLE_REPORT_MAX);
}
