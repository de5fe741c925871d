/* SPDX-License-Identifier: MIT */
/*
 * One worksheet streamed node by node with ky_xml: each <row> becomes one sink
 * call as soon as its end tag is read, so memory follows the widest row,
 * not the number of rows. <mergeCell> ranges follow the rows.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_date.h"
#include "kyokun/i18n.h"
#include "xlsx.h"

/* Cell-level warnings delivered per sheet; the rest are counted in one summary. */
#define MAX_CELL_WARNINGS 20

/* Marker in text_offsets for a cell that has no text. */
#define NO_TEXT SIZE_MAX
/* Marker in text_offsets for a cell whose text pointer is already set (a shared string). */
#define TEXT_IN_PLACE (SIZE_MAX - 1)

typedef struct sheet_state {
    xlsx_reader *reader;
    const xlsx_sheet_ref *sheet;
    ky_xml *xml;
    ky_cell *cells;
    size_t *text_offsets; /* offset of each cell's text in row_text, or NO_TEXT */
    size_t count;
    size_t cap;
    ky_buf row_text;
    ky_buf value;    /* <v> or <is> text of the cell at hand */
    ky_buf scratch;  /* attribute values */
    uint32_t row;    /* 0-based row being read */
    int64_t last_row; /* last row started, -1 before the first */
    bool unsorted;
    size_t warnings;
} sheet_state;

/* Emit a warning about a cell or row, up to MAX_CELL_WARNINGS per sheet. */
static void KY_PRINTF(5, 6) warn_at(sheet_state *state, const char *code, uint32_t row,
                                    uint32_t col, const char *fmt, ...)
{
    state->warnings++;
    if (state->warnings > MAX_CELL_WARNINGS)
        return;
    ky_loc loc = {.file = state->reader->path, .sheet = state->sheet->name, .row = row, .col = col};
    va_list args;
    va_start(args, fmt);
    ky_diag_emitv(state->reader->ctx, KY_SEV_WARNING, code, &loc, fmt, args);
    va_end(args);
}

bool ky_xlsx__parse_ref(const char *ref, uint32_t *row, uint32_t *col, bool *has_row)
{
    const char *p = ref;
    if (*p == '$')
        p++;
    uint64_t column = 0;
    int letters = 0;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
        char c = (char)(*p >= 'a' ? *p - 'a' + 'A' : *p);
        column = column * 26 + (uint64_t)(c - 'A' + 1);
        if (++letters > 3)
            return false;
        p++;
    }
    if (letters == 0)
        return false;
    *col = (uint32_t)(column - 1);

    if (*p == '$')
        p++;
    *has_row = false;
    if (*p == '\0')
        return true;
    uint64_t number = 0;
    while (*p >= '0' && *p <= '9') {
        number = number * 10 + (uint64_t)(*p - '0');
        if (number > UINT32_MAX)
            return false;
        p++;
    }
    if (*p != '\0' || number == 0)
        return false;
    *row = (uint32_t)(number - 1);
    *has_row = true;
    return true;
}

/* Make room for one more cell in the row. */
static int reserve_cell(sheet_state *state)
{
    if (state->count < state->cap)
        return 0;
    size_t cap = state->cap ? state->cap * 2 : 64;
    ky_cell *cells = realloc(state->cells, cap * sizeof *cells);
    if (!cells)
        return ky_xml_error_nomem(state->xml);
    state->cells = cells;
    size_t *offsets = realloc(state->text_offsets, cap * sizeof *offsets);
    if (!offsets)
        return ky_xml_error_nomem(state->xml);
    state->text_offsets = offsets;
    state->cap = cap;
    return 0;
}

/* Add a cell to the row; `text` (may be NULL) is copied into the row's text buffer. */
static int add_cell(sheet_state *state, const ky_cell *cell, const char *text, size_t len)
{
    int status = reserve_cell(state);
    if (status != 0)
        return status;
    size_t offset = NO_TEXT;
    if (text) {
        offset = state->row_text.len;
        if (ky_buf_append(&state->row_text, text, len) < 0
            || ky_buf_putc(&state->row_text, '\0') < 0)
            return ky_xml_error_nomem(state->xml);
    }
    if (state->count > 0 && cell->col <= state->cells[state->count - 1].col)
        state->unsorted = true;
    state->cells[state->count] = *cell;
    state->text_offsets[state->count] = offset;
    state->count++;
    return 0;
}

/* Add a cell whose text lives in the shared strings table, which outlives the row, uncopied. */
static int add_shared_cell(sheet_state *state, const ky_cell *cell)
{
    int status = reserve_cell(state);
    if (status != 0)
        return status;
    if (state->count > 0 && cell->col <= state->cells[state->count - 1].col)
        state->unsorted = true;
    state->cells[state->count] = *cell;
    state->text_offsets[state->count] = TEXT_IN_PLACE;
    state->count++;
    return 0;
}

/* A cell's column and its position in the row as read, for sorting. */
typedef struct cell_order {
    uint32_t col;
    size_t position;
} cell_order;

/* Order by column, then by position, so that the sort is stable. */
static int compare_order(const void *a, const void *b)
{
    const cell_order *x = a, *y = b;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->position < y->position ? -1 : x->position > y->position;
}

/* Put the cells of an out-of-order row in column order; of duplicates the last one wins. */
static int sort_row(sheet_state *state)
{
    cell_order *order = malloc(state->count * sizeof *order);
    ky_cell *cells = malloc(state->cap * sizeof *cells);
    size_t *offsets = malloc(state->cap * sizeof *offsets);
    if (!order || !cells || !offsets) {
        free(order);
        free(cells);
        free(offsets);
        return ky_xml_error_nomem(state->xml);
    }
    for (size_t i = 0; i < state->count; i++) {
        order[i].col = state->cells[i].col;
        order[i].position = i;
    }
    qsort(order, state->count, sizeof *order, compare_order);

    size_t kept = 0;
    for (size_t i = 0; i < state->count; i++) {
        size_t from = order[i].position;
        if (kept > 0 && cells[kept - 1].col == order[i].col) {
            warn_at(state, "xlsx.duplicate-cell", state->row + 1, order[i].col + 1, "%s",
                    KY_("the cell appears more than once in the row; the last one is kept"));
            kept--;
        }
        cells[kept] = state->cells[from];
        offsets[kept] = state->text_offsets[from];
        kept++;
    }
    free(order);
    free(state->cells);
    free(state->text_offsets);
    state->cells = cells;
    state->text_offsets = offsets;
    state->count = kept;
    state->unsorted = false;
    return 0;
}

/* Handle a sink callback's return value: 0 to go on, KY_SINK_STOP, or a negative status. */
static int sink_result(sheet_state *state, int rc)
{
    if (rc >= 0)
        return rc == KY_SINK_STOP ? KY_SINK_STOP : 0;
    if (!ky_error_last(state->reader->ctx)) {
        ky_loc loc = {.file = state->reader->path, .sheet = state->sheet->name};
        ky_error_set(state->reader->ctx, rc, &loc, KY_("reading was stopped by the receiver"));
    }
    return rc;
}

/* Deliver the row collected so far. */
static int flush_row(sheet_state *state)
{
    if (state->count == 0)
        return 0;
    if (state->unsorted) {
        int status = sort_row(state);
        if (status != 0)
            return status;
    }
    for (size_t i = 0; i < state->count; i++) {
        size_t offset = state->text_offsets[i];
        if (offset != TEXT_IN_PLACE)
            state->cells[i].text = offset == NO_TEXT ? NULL : state->row_text.data + offset;
    }
    const ky_sink *sink = state->reader->sink;
    int rc = sink->row ? sink->row(state->reader->payload, state->row, state->cells, state->count)
                       : 0;
    state->count = 0;
    ky_buf_clear(&state->row_text);
    return sink_result(state, rc);
}

/* Build a number cell, or a date cell when the cell format shows a date or time. */
static void number_cell(sheet_state *state, ky_cell *cell, double value, uint64_t style)
{
    cell->type = KY_CELL_NUMBER;
    cell->number = value;
    switch (ky_xlsx__style_kind(&state->reader->styles, style)) {
    case KY_NUMFMT_DATE:
        cell->type = KY_CELL_DATE;
        cell->date_kind = KY_DATE_DATE;
        break;
    case KY_NUMFMT_DATETIME:
        cell->type = KY_CELL_DATE;
        cell->date_kind = KY_DATE_DATETIME;
        break;
    case KY_NUMFMT_TIME:
        /* A time of day has no date part, so the date system does not shift it. */
        cell->type = KY_CELL_DATE;
        cell->date_kind = KY_DATE_TIME;
        return;
    default:
        /* Plain numbers and durations ([h]:mm:ss) stay numbers. */
        return;
    }
    if (state->reader->book.date1904)
        cell->number += KY_DATE_1904_OFFSET;
}

/* Attributes of a <c> element that decide how its value reads. */
typedef struct cell_attrs {
    char ref[32];
    char type[16];
    uint64_t style;
} cell_attrs;

/* Copy `value` into `out`, cut to size - 1 bytes as snprintf would. */
static void copy_truncated(char *out, size_t size, const char *value)
{
    size_t len = strnlen(value, size - 1);
    memcpy(out, value, len);
    out[len] = '\0';
}

/* Read the attributes of the <c> at hand. */
static void read_cell_attrs(sheet_state *state, cell_attrs *attrs)
{
    const char *ns, *local, *value;
    memset(attrs, 0, sizeof *attrs);
    while (ky_xml_next_attr(state->xml, &ns, &local, &value)) {
        if (ns[0] != '\0')
            continue;
        if (local[0] == '\0' || local[1] != '\0')
            continue;
        if (local[0] == 'r')
            copy_truncated(attrs->ref, sizeof attrs->ref, value);
        else if (local[0] == 't')
            copy_truncated(attrs->type, sizeof attrs->type, value);
        else if (local[0] == 's')
            attrs->style = strtoull(value, NULL, 10);
    }
}

/* Turn the collected parts of a cell into a ky_cell and add it to the row. */
static int finish_cell(sheet_state *state, const cell_attrs *attrs, uint32_t col, bool has_value,
                       bool has_inline, bool has_formula)
{
    ky_cell cell = {.col = col, .flags = has_formula ? KY_CELL_FORMULA : 0};
    const char *text = state->value.data ? state->value.data : "";
    size_t len = state->value.len;
    const char *type = attrs->type[0] ? attrs->type : "n";

    /* Text cells keep "" as a value; other types need a non-blank <v>. */
    bool text_type = strcmp(type, "str") == 0 || strcmp(type, "inlineStr") == 0;
    bool present = text_type ? (has_value || has_inline) : (has_value && len > 0);
    if (!present) {
        if (!has_formula)
            return 0;
        warn_at(state, "xlsx.formula-no-value", state->row + 1, col + 1, "%s",
                KY_("formula with no cached result (kyokun does not calculate formulas; "
                    "recalculate and save the file in Excel or LibreOffice)"));
        cell.type = KY_CELL_EMPTY;
        cell.flags |= KY_CELL_NO_CACHED;
        return add_cell(state, &cell, NULL, 0);
    }

    if (strcmp(type, "s") == 0) {
        double index;
        const char *shared;
        size_t shared_len;
        if (!ky_parse_number(text, len, &index) || index < 0 || index != floor(index)
            || !ky_xlsx__strings_get(&state->reader->strings, (uint64_t)index, &shared,
                                     &shared_len)) {
            warn_at(state, "xlsx.bad-shared-string", state->row + 1, col + 1,
                    KY_("shared string index \"%s\" is not in the table of %zu strings; "
                        "the cell is left empty"),
                    text, state->reader->strings.count);
            return 0;
        }
        cell.type = KY_CELL_TEXT;
        cell.len = shared_len;
        cell.text = shared;
        return add_shared_cell(state, &cell);
    }

    if (text_type) {
        /* <is> text is already decoded; a str <v> still carries _xHHHH_ escapes. */
        if (has_inline) {
            cell.type = KY_CELL_TEXT;
            cell.len = len;
            return add_cell(state, &cell, text, len);
        }
        ky_buf_clear(&state->scratch);
        if (ky_xlsx__decode_escapes(text, len, &state->scratch) < 0)
            return ky_xml_error_nomem(state->xml);
        cell.type = KY_CELL_TEXT;
        cell.len = state->scratch.len;
        return add_cell(state, &cell, state->scratch.data ? state->scratch.data : "",
                        state->scratch.len);
    }

    if (strcmp(type, "n") == 0) {
        double number;
        if (ky_parse_number(text, len, &number)) {
            number_cell(state, &cell, number, attrs->style);
            return add_cell(state, &cell, NULL, 0);
        }
        warn_at(state, "xlsx.bad-number", state->row + 1, col + 1,
                KY_("\"%s\" is not a number; kept as text"), text);
    } else if (strcmp(type, "b") == 0) {
        bool is_true = strcmp(text, "1") == 0 || strcmp(text, "true") == 0;
        bool is_false = strcmp(text, "0") == 0 || strcmp(text, "false") == 0;
        if (is_true || is_false) {
            cell.type = KY_CELL_BOOL;
            cell.number = is_true ? 1 : 0;
            return add_cell(state, &cell, NULL, 0);
        }
        warn_at(state, "xlsx.bad-boolean", state->row + 1, col + 1,
                KY_("\"%s\" is not a boolean (0 or 1); kept as text"), text);
    } else if (strcmp(type, "e") == 0) {
        cell.type = KY_CELL_ERROR;
        cell.len = len;
        return add_cell(state, &cell, text, len);
    } else if (strcmp(type, "d") == 0) {
        double serial;
        ky_date_kind kind;
        if (ky_parse_iso_date(text, len, &serial, &kind)) {
            cell.type = KY_CELL_DATE;
            cell.date_kind = kind;
            cell.number = serial;
            return add_cell(state, &cell, NULL, 0);
        }
        warn_at(state, "xlsx.bad-date", state->row + 1, col + 1,
                KY_("\"%s\" is not an ISO 8601 date; kept as text"), text);
    } else {
        warn_at(state, "xlsx.unknown-cell-type", state->row + 1, col + 1,
                KY_("unknown cell type \"%s\"; the value is kept as text"), type);
    }

    /* Whatever could not be converted is kept as it was written. */
    cell.type = KY_CELL_TEXT;
    cell.len = len;
    return add_cell(state, &cell, text, len);
}

/* Read the <c> element at hand; `next_col` is the column a cell without r= takes. */
static int read_cell(sheet_state *state, uint32_t *next_col, bool first_in_row, bool row_has_r)
{
    cell_attrs attrs;
    read_cell_attrs(state, &attrs);

    /* Position: from r= when present and valid, else the column after the previous cell. */
    uint32_t col = *next_col, ref_row = 0;
    bool has_row = false;
    if (attrs.ref[0]) {
        if (!ky_xlsx__parse_ref(attrs.ref, &ref_row, &col, &has_row)) {
            col = *next_col;
            warn_at(state, "xlsx.bad-cell-ref", state->row + 1, 0,
                    KY_("invalid cell reference \"%s\" in row %lu; the cell is placed in the "
                        "next column"),
                    attrs.ref, (unsigned long)state->row + 1);
        } else if (has_row && !row_has_r && first_in_row && ref_row > state->row
                   && ref_row <= XLSX_MAX_ROW) {
            /* A <row> without r= takes the row its first cell names. */
            state->row = ref_row;
            state->last_row = ref_row;
        }
    }
    if (col > XLSX_MAX_COL) {
        warn_at(state, "xlsx.column-out-of-range", state->row + 1, 0,
                KY_("cell \"%s\" in row %lu is beyond the last column XFD; skipped"),
                attrs.ref[0] ? attrs.ref : "?", (unsigned long)state->row + 1);
        return ky_xml_skip(state->xml);
    }
    *next_col = col + 1;

    ky_buf_clear(&state->value);
    bool has_value = false, has_inline = false, has_formula = false;
    if (!ky_xml_is_empty(state->xml)) {
        int depth = ky_xml_depth(state->xml);
        int rc;
        while ((rc = ky_xml_read(state->xml)) > 0) {
            ky_xml_node_kind kind = ky_xml_node(state->xml);
            if (kind == KY_XML_END && ky_xml_depth(state->xml) == depth)
                break;
            if (kind != KY_XML_START)
                continue;
            int status = 0;
            if (ky_xlsx__is(state->xml, "v")) {
                has_value = true;
                ky_buf_clear(&state->value);
                status = ky_xml_read_text(state->xml, &state->value);
            } else if (ky_xlsx__is(state->xml, "is")) {
                has_inline = true;
                ky_buf_clear(&state->value);
                status = ky_xlsx__read_string_item(state->xml, &state->value);
            } else {
                has_formula = has_formula || ky_xlsx__is(state->xml, "f");
                status = ky_xml_skip(state->xml);
            }
            if (status != 0)
                return status;
        }
        if (rc < 0)
            return rc;
    }
    if (has_inline)
        has_value = false;
    return finish_cell(state, &attrs, col, has_value, has_inline, has_formula);
}

/* Read the <row> element at hand and deliver it. */
static int read_row(sheet_state *state)
{
    int found = ky_xml_attr(state->xml, NULL, "r", &state->scratch);
    if (found < 0)
        return ky_xml_error_nomem(state->xml);

    /* Rows without r= follow the previous row. */
    uint64_t row = (uint64_t)(state->last_row + 1);
    if (found) {
        char *end = NULL;
        unsigned long long number = strtoull(state->scratch.data, &end, 10);
        if (end == state->scratch.data || *end != '\0' || number == 0) {
            warn_at(state, "xlsx.bad-row", 0, 0,
                    KY_("invalid row number \"%s\"; the row is read as row %llu"),
                    state->scratch.data, (unsigned long long)row + 1);
            found = 0;
        } else {
            row = number - 1;
        }
    }
    if (row > XLSX_MAX_ROW) {
        warn_at(state, "xlsx.row-out-of-range", 0, 0,
                KY_("row %llu is beyond the last row 1048576; skipped"),
                (unsigned long long)row + 1);
        return ky_xml_skip(state->xml);
    }
    if ((int64_t)row <= state->last_row) {
        uint64_t moved = (uint64_t)(state->last_row + 1);
        if (moved > XLSX_MAX_ROW)
            return ky_xml_skip(state->xml);
        warn_at(state, "xlsx.row-out-of-order", (uint32_t)row + 1, 0,
                KY_("row %llu comes after row %llu; it is read as row %llu"),
                (unsigned long long)row + 1, (unsigned long long)state->last_row + 1,
                (unsigned long long)moved + 1);
        row = moved;
    }
    state->row = (uint32_t)row;
    state->last_row = (int64_t)row;
    if (ky_xml_is_empty(state->xml))
        return 0;

    int depth = ky_xml_depth(state->xml);
    uint32_t next_col = 0;
    bool first = true;
    int rc;
    while ((rc = ky_xml_read(state->xml)) > 0) {
        ky_xml_node_kind kind = ky_xml_node(state->xml);
        if (kind == KY_XML_END && ky_xml_depth(state->xml) == depth)
            break;
        if (kind != KY_XML_START)
            continue;
        int status = ky_xlsx__is(state->xml, "c")
                         ? read_cell(state, &next_col, first, found != 0)
                         : ky_xml_skip(state->xml);
        first = false;
        if (status != 0)
            return status;
    }
    if (rc < 0)
        return rc;
    return flush_row(state);
}

/* Read the <mergeCell> at hand and deliver its range. */
static int read_merge(sheet_state *state)
{
    int found = ky_xml_attr(state->xml, NULL, "ref", &state->scratch);
    if (found < 0)
        return ky_xml_error_nomem(state->xml);
    if (!found)
        return 0;

    ky_range range;
    bool has_first_row = false, has_last_row = false;
    char *colon = strchr(state->scratch.data, ':');
    if (colon)
        *colon = '\0';
    const char *last = colon ? colon + 1 : state->scratch.data;
    bool valid = ky_xlsx__parse_ref(state->scratch.data, &range.first_row, &range.first_col,
                                    &has_first_row)
                 && ky_xlsx__parse_ref(last, &range.last_row, &range.last_col, &has_last_row)
                 && has_first_row && has_last_row && range.first_row <= range.last_row
                 && range.first_col <= range.last_col && range.last_row <= XLSX_MAX_ROW
                 && range.last_col <= XLSX_MAX_COL;
    if (!valid) {
        if (colon)
            *colon = ':';
        warn_at(state, "xlsx.bad-merge", 0, 0, KY_("invalid merged range \"%s\"; ignored"),
                state->scratch.data);
        return 0;
    }
    const ky_sink *sink = state->reader->sink;
    return sink_result(state, sink->merge ? sink->merge(state->reader->payload, &range) : 0);
}

int ky_xlsx__sheet_read(xlsx_reader *reader, const xlsx_sheet_ref *sheet)
{
    sheet_state state = {.reader = reader, .sheet = sheet, .last_row = -1};
    int status = ky_xml_open(reader->zip, sheet->part, &state.xml);
    if (status != 0)
        goto cleanup;

    int rc;
    while ((rc = ky_xml_read(state.xml)) > 0) {
        if (ky_xml_node(state.xml) != KY_XML_START)
            continue;
        int depth = ky_xml_depth(state.xml);
        if (depth == 2 && ky_xlsx__is(state.xml, "row"))
            status = read_row(&state);
        else if (depth == 2 && ky_xlsx__is(state.xml, "mergeCell"))
            status = read_merge(&state);
        else if (depth == 1 && !ky_xlsx__is(state.xml, "sheetData")
                 && !ky_xlsx__is(state.xml, "mergeCells"))
            /* Columns, views, print setup, extensions: nothing to read there. */
            status = ky_xml_skip(state.xml);
        if (status != 0)
            goto cleanup;
    }
    status = rc < 0 ? rc : 0;

cleanup:
    if (state.warnings > MAX_CELL_WARNINGS) {
        ky_loc loc = {.file = reader->path, .sheet = sheet->name};
        ky_diag_emit(reader->ctx, KY_SEV_WARNING, "xlsx.more-warnings", &loc,
                     KY_("%zu more warnings about cells of this sheet were not shown"),
                     state.warnings - MAX_CELL_WARNINGS);
    }
    ky_xml_close(state.xml);
    free(state.cells);
    free(state.text_offsets);
    ky_buf_free(&state.row_text);
    ky_buf_free(&state.value);
    ky_buf_free(&state.scratch);
    return status;
}
