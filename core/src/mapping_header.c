/* SPDX-License-Identifier: MIT */
/*
 * Finding a sheet's header rows, recognising the kind of table from the
 * fields they name, and mapping each column to a field. The rules that
 * match one header cell to a field are in headers.c.
 *
 * A kind needs its required fields: an incident list a summary and a date
 * or a cause, a risk table A and B or a risk value C, a lesson table a
 * title and a problem, cause, countermeasure or lesson text, and a why-why
 * analysis two なぜ columns or one with 対策. Among the kinds whose required
 * fields are named, the one with the highest score wins: 2 for each field
 * named exactly, 1 for each named partly, and 2 more when the sheet name
 * agrees.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_text.h"
#include "headers.h"
#include "kyokun/i18n.h"
#include "mapping.h"
#include "mapping_file.h"
#include "values.h"

/* Number of values checked to decide that a column with a date-like name contains dates. */
#define DATE_SAMPLE 20

char *ky_mapping__cell_key(const ky_cell *cell, bool keep_notes)
{
    if (!cell || cell->type != KY_CELL_TEXT || ky_value__is_blank(cell))
        return NULL;
    return ky_header__key(cell->text, cell->len, keep_notes);
}

/*
 * Return how closely a cell names a field of any kind or a why-why level. A
 * cell that reads as a date is a value, so "2024年4月1日" is not a date-like
 * header.
 */
static ky_header_quality cell_quality(const ky_cell *cell)
{
    if (!cell || cell->type != KY_CELL_TEXT || ky_value__is_blank(cell))
        return KY_HEADER_NONE;
    char *full = ky_mapping__cell_key(cell, true);
    int level = ky_header__why_level(full);
    free(full);
    if (level > 0)
        return KY_HEADER_EXACT;

    ky_header_quality best = KY_HEADER_NONE;
    for (int kind = KY_TABLE_INCIDENTS; kind <= KY_TABLE_STATUS; kind++) {
        ky_header_hit hit = ky_header__find(cell->text, cell->len, (ky_table_kind)kind);
        if (hit.quality > best)
            best = hit.quality;
    }
    if (best == KY_HEADER_PARTIAL && !isnan(ky_value__date(cell)))
        return KY_HEADER_NONE;
    return best;
}

/* ------------------------------------------------------------------------ */
/* Finding the header                                                       */
/* ------------------------------------------------------------------------ */

static uint32_t row_width(const ky_grid_sheet *sheet, uint32_t row)
{
    return row < sheet->row_count ? sheet->rows[row].count : 0;
}

/* How much a row looks like a header. */
typedef struct row_score {
    uint32_t cells;   /**< Non-blank cells. */
    uint32_t named;   /**< Cells naming a field, exactly or partly. */
    uint32_t exact;   /**< Cells naming a field exactly. */
    uint32_t quality; /**< Sum of the cells' ky_header_quality. */
} row_score;

static row_score header_score(const ky_grid_sheet *sheet, uint32_t row)
{
    row_score score = {0};
    for (uint32_t c = 0; c < row_width(sheet, row); c++) {
        const ky_cell *cell = ky_grid__cell(sheet, row, c);
        ky_header_quality quality = cell_quality(cell);
        score.cells += !ky_value__is_blank(cell);
        score.named += quality > KY_HEADER_NONE;
        score.exact += quality == KY_HEADER_EXACT;
        score.quality += quality;
    }
    return score;
}

/* Return true when `row` names fields in columns where `base` is blank. */
static bool completes_header(const ky_grid_sheet *sheet, uint32_t row, uint32_t base)
{
    for (uint32_t c = 0; c < row_width(sheet, row); c++) {
        if (cell_quality(ky_grid__cell(sheet, row, c)) > KY_HEADER_NONE &&
            ky_value__is_blank(ky_grid__cell(sheet, base, c)))
            return true;
    }
    return false;
}

/*
 * Find an incident status table's header: a row whose first cell names the
 * time (日時) and that names at least two more columns (the actors).
 * Return the row, or UINT32_MAX.
 */
static uint32_t find_status_header(const ky_grid_sheet *sheet, uint32_t limit)
{
    for (uint32_t r = 0; r < limit; r++) {
        char *key = ky_mapping__cell_key(ky_grid__cell(sheet, r, 0), false);
        bool time = key && ky_header__match(key, KY_TABLE_STATUS);
        free(key);
        if (!time)
            continue;
        uint32_t actors = 0;
        for (uint32_t c = 1; c < row_width(sheet, r); c++)
            actors += !ky_value__is_blank(ky_grid__cell(sheet, r, c));
        if (actors >= 2)
            return r;
    }
    return UINT32_MAX;
}

const ky_cell *ky_mapping__header_cell(const ky_grid_sheet *sheet, uint32_t row, uint32_t col)
{
    const ky_cell *cell = ky_grid__cell(sheet, row, col);
    if (!ky_value__is_blank(cell))
        return cell;
    const ky_range *range = ky_grid__merge_at(sheet, row, col);
    if (range && range->first_row == row && range->first_col < col)
        return ky_grid__cell(sheet, row, range->first_col);
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Recognising the kind and mapping the columns                            */
/* ------------------------------------------------------------------------ */

/* Header cells of one column: the lower header row's and the upper one's (NULL for a one-row header). */
typedef struct column_header {
    const ky_cell *lower;
    const ky_cell *upper;
    char *lower_full; /**< Lower cell normalised with its notes kept, for units and why-why levels. */
    char *upper_full;
} column_header;

static void column_headers_free(column_header *headers, uint32_t count)
{
    for (uint32_t c = 0; c < count; c++) {
        free(headers[c].lower_full);
        free(headers[c].upper_full);
    }
    free(headers);
}

static ky_header_hit cell_hit(const ky_cell *cell, ky_table_kind kind)
{
    ky_header_hit none = {0};
    if (!cell || cell->type != KY_CELL_TEXT || ky_value__is_blank(cell))
        return none;
    return ky_header__find(cell->text, cell->len, kind);
}

/* Return true when most of the first DATE_SAMPLE values below the header read as dates. */
static bool column_has_dates(const ky_grid_sheet *sheet, uint32_t col, uint32_t data_row)
{
    uint32_t values = 0;
    uint32_t dates = 0;
    for (uint32_t r = data_row; r < sheet->row_count && values < DATE_SAMPLE; r++) {
        const ky_cell *cell = ky_grid__cell(sheet, r, col);
        if (ky_value__is_blank(cell))
            continue;
        values++;
        /* A date that does not exist (平成32年) is still written as a date. */
        ky_date_error error;
        ky_value__read_date(cell, &error);
        dates += error != KY_DATE_UNREADABLE;
    }
    return values > 0 && dates * 5 >= values * 4;
}

/* The field a column names and how closely. */
typedef struct column_match {
    const char *field;
    ky_header_quality quality;
} column_match;

/*
 * Return the field a column names for `kind` and how closely, from its lower
 * header cell first. A column named only date-like must hold dates.
 */
static column_match column_hit(const ky_grid_sheet *sheet, const column_header *header,
                               uint32_t col, uint32_t data_row, ky_table_kind kind)
{
    column_match match = {0};
    if (kind == KY_TABLE_WHY) {
        int level = ky_header__why_level(header->lower_full);
        if (!level)
            level = ky_header__why_level(header->upper_full);
        if (level) {
            match.field = ky_header__why_field(level);
            match.quality = KY_HEADER_EXACT;
            return match;
        }
    }
    ky_header_hit hit = cell_hit(header->lower, kind);
    if (!hit.field)
        hit = cell_hit(header->upper, kind);
    if (!hit.field || (hit.needs_dates && !column_has_dates(sheet, col, data_row)))
        return match;
    match.field = hit.field->name;
    match.quality = hit.quality;
    return match;
}

/*
 * Map the columns to the fields of `kind`: exact names first, then partial
 * ones, and among equals the leftmost column, so that each field takes one
 * column. Fill `fields` and `qualities` (count entries each) and return the
 * summed quality.
 */
static int assign_fields(const ky_grid_sheet *sheet, const column_header *headers, uint32_t count,
                         uint32_t data_row, ky_table_kind kind, const char **fields,
                         ky_header_quality *qualities)
{
    int total = 0;
    for (uint32_t c = 0; c < count; c++) {
        fields[c] = NULL;
        qualities[c] = KY_HEADER_NONE;
    }
    for (int pass = KY_HEADER_EXACT; pass >= KY_HEADER_PARTIAL; pass--) {
        for (uint32_t c = 0; c < count; c++) {
            if (fields[c])
                continue;
            column_match match = column_hit(sheet, &headers[c], c, data_row, kind);
            const char *name = match.field;
            if (!name || (int)match.quality != pass)
                continue;
            bool taken = false;
            for (uint32_t other = 0; other < count && !taken; other++)
                taken = fields[other] && strcmp(fields[other], name) == 0;
            if (taken)
                continue;
            fields[c] = name;
            qualities[c] = match.quality;
            total += (int)match.quality;
        }
    }
    return total;
}

static bool has_field(const char *const *fields, uint32_t count, const char *name)
{
    for (uint32_t c = 0; c < count; c++) {
        if (fields[c] && strcmp(fields[c], name) == 0)
            return true;
    }
    return false;
}

/* Return true when the mapped fields include the ones `kind` needs (see the file comment). */
static bool has_required(const char *const *fields, uint32_t count, ky_table_kind kind)
{
    switch (kind) {
    case KY_TABLE_INCIDENTS:
        return has_field(fields, count, "summary") &&
               (has_field(fields, count, "occurred") || has_field(fields, count, "main_cause"));
    case KY_TABLE_RISKS:
        return (has_field(fields, count, "a") && has_field(fields, count, "b")) ||
               has_field(fields, count, "c");
    case KY_TABLE_LESSONS: {
        static const char *const contents[] = {"problem", "direct_causes", "root_causes",
                                               "recurrence", "preventive", "lesson"};
        bool content = false;
        for (size_t i = 0; i < sizeof contents / sizeof contents[0] && !content; i++)
            content = has_field(fields, count, contents[i]);
        return has_field(fields, count, "title") && content;
    }
    case KY_TABLE_WHY: {
        int levels = 0;
        for (uint32_t c = 0; c < count; c++)
            levels += fields[c] && strncmp(fields[c], "why", 3) == 0;
        return levels >= 2 || (levels >= 1 && has_field(fields, count, "countermeasures"));
    }
    default:
        return false;
    }
}

/* Pick the kind with its required fields and the highest score, or KY_TABLE_UNKNOWN. */
static ky_table_kind recognise_kind(const ky_grid_sheet *sheet, const column_header *headers,
                                    uint32_t count, uint32_t data_row, const char **fields,
                                    ky_header_quality *qualities)
{
    /* Ties go to the kind listed first. */
    static const ky_table_kind order[] = {KY_TABLE_WHY, KY_TABLE_LESSONS, KY_TABLE_RISKS,
                                          KY_TABLE_INCIDENTS};
    ky_table_kind hint = ky_header__sheet_hint(sheet->name);
    ky_table_kind best = KY_TABLE_UNKNOWN;
    int best_score = 0;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        int score = assign_fields(sheet, headers, count, data_row, order[i], fields, qualities);
        if (!has_required(fields, count, order[i]))
            continue;
        score += hint == order[i] ? KY_HEADER_EXACT : 0;
        if (score > best_score) {
            best_score = score;
            best = order[i];
        }
    }
    return best;
}

/* Allocate the per-column arrays of `map` for `count` columns. */
static int alloc_columns(ky_map_sheet *map, uint32_t count)
{
    map->col_count = count;
    map->fields = calloc(count ? count : 1, sizeof *map->fields);
    map->labels = calloc(count ? count : 1, sizeof *map->labels);
    map->keys = calloc(count ? count : 1, sizeof *map->keys);
    map->scales = calloc(count ? count : 1, sizeof *map->scales);
    map->units = calloc(count ? count : 1, sizeof *map->units);
    if (!map->fields || !map->labels || !map->keys || !map->scales || !map->units)
        return KY_ENOMEM;
    for (uint32_t c = 0; c < count; c++)
        map->scales[c] = 1;
    return 0;
}

void ky_mapping__free_columns(ky_map_sheet *map)
{
    for (uint32_t c = 0; c < map->col_count; c++) {
        free(map->labels[c]);
        free(map->keys[c]);
    }
    free(map->fields);
    free(map->labels);
    free(map->keys);
    free(map->scales);
    free(map->units);
}

/* Join the header cells of a column as written ("原因 / なぜ1"), or NULL when both are blank. */
static char *join_header(const ky_cell *upper, const ky_cell *lower)
{
    char *up = upper ? ky_value__cell_text(upper) : NULL;
    char *low = lower ? ky_value__cell_text(lower) : NULL;
    if (up && low) {
        ky_buf joined = {0};
        int status = ky_buf_printf(&joined, "%s / %s", up, low);
        free(up);
        free(low);
        if (status != 0) {
            ky_buf_free(&joined);
            return NULL;
        }
        return ky_buf_take(&joined);
    }
    return up ? up : low;
}

/* Copy a header onto one line, for messages. */
static char *one_line(const char *text)
{
    if (!text)
        return NULL;
    char *line = ky_strdup(text);
    if (!line)
        return NULL;
    for (char *p = line; *p; p++) {
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    }
    return line;
}

/* Warn that the mapping file names a table whose kind is unknown, so its rows cannot apply. */
static void warn_kind_missing(const ky_map_sheet *map)
{
    const ky_mapping_file *mapping = map->options->mapping;
    uint32_t row = ky_mapping_file__first_row(mapping, map->report->file, map->report->sheet,
                                              map->report->table);
    if (row == 0)
        return;
    ky_loc loc = {.file = ky_mapping_file__path(mapping), .row = row};
    ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.file-no-kind", &loc,
                 KY_("table %u of sheet \"%s\" of %s has no recognised kind and the mapping "
                     "file gives none, so its rows for the table are not used. Fill in the "
                     "kind column (incidents, risks, lessons, why-why or status)"),
                 (unsigned)map->report->table, map->report->sheet, map->report->file);
}

/*
 * Warn once per table about the columns with a header that no field was
 * mapped to: their values are kept as extra values of each record, and a
 * mapping file can map them. A column that the mapping file leaves unmapped
 * (`chosen`) was the user's decision and is not warned about. Returns 0 or
 * KY_ENOMEM.
 */
static int warn_unmapped(const ky_map_sheet *map, uint32_t header_row, const bool *chosen)
{
    ky_buf names = {0};
    size_t count = 0;
    int status = 0;
    for (uint32_t c = 0; c < map->col_count && status == 0; c++) {
        if (map->fields[c] || !map->labels[c] || chosen[c])
            continue;
        char letters[8];
        status = ky_buf_printf(&names, "%s%s \"%s\"", count ? ", " : "", ky_col_name(c, letters),
                               map->labels[c]);
        count++;
    }
    if (status == 0 && count > 0) {
        ky_loc loc = ky_mapping__loc(map, header_row, UINT32_MAX);
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.unmapped-columns", &loc,
                     dngettext(KY_TEXT_DOMAIN,
                               "%zu column is not mapped to a field, so its values are kept "
                               "as extra values of each record: %s. To map it, write the "
                               "mapping with `kyokun inspect --write-mapping FILE`, fill in "
                               "the field and give the file with -m",
                               "%zu columns are not mapped to a field, so their values are "
                               "kept as extra values of each record: %s. To map them, write "
                               "the mapping with `kyokun inspect --write-mapping FILE`, fill "
                               "in the fields and give the file with -m",
                               (unsigned long)count),
                     count, names.data);
    }
    ky_buf_free(&names);
    return status;
}

/*
 * Read the header rows into the column arrays and the report, recognise the
 * kind unless `kind` is already known, and map the columns. `upper` and
 * `lower` are the first and last header rows (equal for a one-row header).
 */
int ky_mapping__describe_columns(ky_map_sheet *map, uint32_t upper, uint32_t lower,
                                 ky_table_kind kind, int *points)
{
    const ky_grid_sheet *sheet = map->grid;
    uint32_t width = 0;
    for (uint32_t r = upper; r <= lower; r++) {
        if (row_width(sheet, r) > width)
            width = row_width(sheet, r);
    }
    *points = 0;

    column_header *headers = calloc(width ? width : 1, sizeof *headers);
    ky_header_quality *qualities = calloc(width ? width : 1, sizeof *qualities);
    bool *chosen = calloc(width ? width : 1, sizeof *chosen);
    int status = headers && qualities && chosen ? alloc_columns(map, width) : KY_ENOMEM;
    for (uint32_t c = 0; c < width && status == 0; c++) {
        const ky_cell *low = ky_grid__cell(sheet, lower, c);
        const ky_cell *up = upper < lower ? ky_mapping__header_cell(sheet, upper, c) : NULL;
        headers[c].lower = ky_value__is_blank(low) ? NULL : low;
        headers[c].upper = ky_value__is_blank(up) ? NULL : up;
        headers[c].lower_full = ky_mapping__cell_key(low, true);
        headers[c].upper_full = ky_mapping__cell_key(up, true);
        char *lower_key = ky_mapping__cell_key(low, false);
        char *upper_key = ky_mapping__cell_key(up, false);
        map->keys[c] = lower_key ? lower_key : upper_key;
        if (lower_key)
            free(upper_key);
        char *joined = join_header(up, headers[c].lower);
        map->labels[c] = one_line(joined);
        if (joined && !map->labels[c])
            status = KY_ENOMEM;
        map->report->column_count += joined != NULL;
        free(joined);
    }

    ky_table_kind kind_set = ky_mapping_file__kind(map->options->mapping, map->report->file,
                                                   map->report->sheet, map->report->table);
    if (kind_set != KY_TABLE_UNKNOWN)
        kind = kind_set;
    if (status == 0 && kind == KY_TABLE_UNKNOWN)
        kind = recognise_kind(sheet, headers, width, lower + 1, map->fields, qualities);
    map->report->kind = kind;

    /* Map each column to a field. */
    if (status == 0 && kind == KY_TABLE_STATUS) {
        for (uint32_t c = 0; c < width; c++) {
            map->fields[c] = c == 0 ? "time" : (map->labels[c] ? "event" : NULL);
            qualities[c] = map->fields[c] ? KY_HEADER_EXACT : KY_HEADER_NONE;
        }
    } else if (status == 0 && kind != KY_TABLE_UNKNOWN) {
        assign_fields(sheet, headers, width, lower + 1, kind, map->fields, qualities);
    } else {
        for (uint32_t c = 0; c < width; c++) {
            map->fields[c] = NULL;
            if (qualities)
                qualities[c] = KY_HEADER_NONE;
        }
    }
    if (status == 0 && kind != KY_TABLE_UNKNOWN)
        status = ky_mapping_file__apply(map, kind, qualities, chosen);
    else if (status == 0)
        warn_kind_missing(map);
    for (uint32_t c = 0; c < width && status == 0; c++)
        *points += (int)qualities[c];
    if (status == 0)
        status = ky_mapping__read_units(map, upper, lower);

    /* List every column with a header in the report, mapped or not. */
    if (status == 0 && map->report->column_count > 0) {
        map->report->columns = calloc(map->report->column_count, sizeof *map->report->columns);
        if (!map->report->columns)
            status = KY_ENOMEM;
    }
    size_t n = 0;
    for (uint32_t c = 0; c < width && status == 0; c++) {
        if (!map->labels[c])
            continue;
        ky_column_map *column = &map->report->columns[n++];
        column->col = c;
        column->field = map->fields[c];
        column->unit = map->units[c];
        column->header = join_header(headers[c].upper, headers[c].lower);
        if (!column->header)
            status = KY_ENOMEM;
    }
    map->report->column_count = n;
    if (status == 0 && kind != KY_TABLE_UNKNOWN)
        status = warn_unmapped(map, upper, chosen);
    if (headers)
        column_headers_free(headers, width);
    free(qualities);
    free(chosen);
    return status;
}

/* ------------------------------------------------------------------------ */
/* Locating the header                                                      */
/* ------------------------------------------------------------------------ */

void ky_mapping__locate_header(const ky_grid_sheet *sheet, ky_header_search *found)
{
    uint32_t limit = sheet->row_count < KY_HEADER_SEARCH_ROWS ? sheet->row_count
                                                              : KY_HEADER_SEARCH_ROWS;
    /* The best row has the highest summed quality; ties go to the upper row. */
    uint32_t best = UINT32_MAX;
    row_score best_score = {0};
    uint32_t most_exact = 0;
    for (uint32_t r = 0; r < limit; r++) {
        row_score score = header_score(sheet, r);
        if (score.quality > best_score.quality) {
            best_score = score;
            best = r;
        }
        if (score.exact > most_exact)
            most_exact = score.exact;
    }

    memset(found, 0, sizeof *found);
    found->upper = found->lower = UINT32_MAX;
    found->kind = KY_TABLE_UNKNOWN;
    found->closest_row = best;
    found->closest_named = best_score.named;
    found->closest_cells = best_score.cells;

    /* A status table's actors are not field names, so it wins unless the
       sheet name says otherwise or another row names two fields exactly. */
    uint32_t status_row = find_status_header(sheet, limit);
    bool status_named = ky_header__sheet_hint(sheet->name) == KY_TABLE_STATUS;
    if (status_row != UINT32_MAX && (status_named || most_exact < 2)) {
        /* The actors' header may take two rows (company, department), or
           more under a time cell merged down over them. */
        uint32_t lower = status_row;
        const ky_range *range = ky_grid__merge_at(sheet, status_row, 0);
        if (range && range->first_row == status_row && range->last_row > status_row)
            lower = range->last_row < status_row + 2 ? range->last_row : status_row + 2;
        else if (status_row + 1 < sheet->row_count &&
                 ky_value__is_blank(ky_grid__cell(sheet, status_row + 1, 0)) &&
                 row_width(sheet, status_row + 1) > 1)
            lower = status_row + 1;
        found->upper = status_row;
        found->lower = lower;
        found->kind = KY_TABLE_STATUS;
        return;
    }
    if (best_score.named < 2)
        return;

    found->upper = found->lower = best;
    if (best > 0 && completes_header(sheet, best - 1, best))
        found->upper = best - 1;
    else if (best + 1 < sheet->row_count && completes_header(sheet, best + 1, best))
        found->lower = best + 1;
}
