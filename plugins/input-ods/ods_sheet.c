/* SPDX-License-Identifier: MIT */
/*
 * One table:table streamed node by node with ky_xml: each table:table-row becomes
 * sink calls as soon as its end tag is read, so memory follows the widest
 * row, not the number of rows. Repeat counts are never expanded for empty
 * rows and cells, so a trailing repeat of a million rows costs nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_date.h"
#include "kyokun/i18n.h"
#include "ods.h"

/* Cell-level warnings delivered per sheet; the rest are counted in one summary. */
#define MAX_CELL_WARNINGS 20

/* Spaces that <text:s text:c="N"/> may add to one row, so a small file cannot claim gigabytes. */
#define MAX_GENERATED_SPACES ((size_t)16 << 20)

/* Merged ranges delivered per sheet; a repeated row with spans could otherwise make millions. */
#define MAX_MERGES ((uint64_t)1 << 20)

/* Repeat counts above this are treated as this; it already exceeds every sheet limit. */
#define MAX_REPEAT ((uint64_t)1 << 32)

/* Marker in text_offsets for a cell that has no text. */
#define NO_TEXT SIZE_MAX

/* Row or column of a warning that is about no particular row or column. */
#define NO_POSITION UINT64_MAX

/* A merged range that starts in the row at hand; rows are filled in when the row is delivered. */
typedef struct row_merge {
    uint32_t first_col;
    uint32_t last_col;
    uint32_t rows_spanned;
} row_merge;

typedef struct sheet_state {
    ods_reader *reader;
    ky_xml *xml;
    const char *name;
    uint64_t row; /* 0-based row of the next table:table-row */

    /* The row at hand: its cells, their text, and the merged ranges that start in it. */
    ky_cell *cells;
    size_t *text_offsets; /* offset of each cell's text in row_text, or NO_TEXT */
    size_t count;
    size_t cap;
    ky_buf row_text;
    row_merge *merges;
    size_t merge_count;
    size_t merge_cap;
    size_t generated_spaces;

    /* The cell at hand. */
    ky_buf text;          /* text of its paragraphs */
    ky_buf string_value;  /* office:string-value */
    ky_buf number_value;  /* office:value */
    ky_buf date_value;    /* office:date-value or office:time-value */
    ky_buf boolean_value; /* office:boolean-value */
    ky_buf formula;       /* table:formula */
    ky_buf scratch;       /* attribute values read on the way */
    bool skip_space;      /* the last character added was collapsible white space */

    /* Namespace URIs of attributes seen so far and what they are (see attr_namespace()). */
    struct {
        const char *uri;
        int kind;
    } namespaces[8];
    size_t namespace_count;

    uint64_t merges_sent;
    size_t warnings;
    bool warned_rows;
    bool warned_cols;
    bool warned_spaces;
    bool warned_merges;
} sheet_state;

/*
 * Emit a warning about a cell or row (0-based; NO_POSITION or a position past
 * the sheet's end gives 0, "not applicable"), up to MAX_CELL_WARNINGS per sheet.
 */
static void KY_PRINTF(5, 6) warn_at(sheet_state *state, const char *code, uint64_t row,
                                    uint64_t col, const char *fmt, ...)
{
    state->warnings++;
    if (state->warnings > MAX_CELL_WARNINGS)
        return;
    ky_loc loc = {
        .file = state->reader->path,
        .sheet = state->name,
        .row = row < ODS_MAX_ROWS ? (uint32_t)row + 1 : 0,
        .col = col < ODS_MAX_COLS ? (uint32_t)col + 1 : 0,
    };
    va_list args;
    va_start(args, fmt);
    ky_diag_emitv(state->reader->ctx, KY_SEV_WARNING, code, &loc, fmt, args);
    va_end(args);
}

/* Handle a sink callback's return value: 0 to go on, KY_SINK_STOP, or a negative status. */
static int sink_result(sheet_state *state, int rc)
{
    if (rc >= 0)
        return rc == KY_SINK_STOP ? KY_SINK_STOP : 0;
    if (!ky_error_last(state->reader->ctx)) {
        ky_loc loc = {.file = state->reader->path, .sheet = state->name};
        ky_error_set(state->reader->ctx, rc, &loc, KY_("reading was stopped by the receiver"));
    }
    return rc;
}

/*
 * Parse a repeat or span count (table:number-rows-repeated and the like).
 * Missing gives 1; an invalid value gives 1 and a warning.
 */
static uint64_t parse_count(sheet_state *state, const char *attribute, const char *value)
{
    uint64_t count = 0;
    const char *p = value;
    while (*p >= '0' && *p <= '9') {
        count = count * 10 + (uint64_t)(*p - '0');
        if (count > MAX_REPEAT)
            count = MAX_REPEAT;
        p++;
    }
    if (p == value || *p != '\0' || count == 0) {
        warn_at(state, "ods.bad-count", state->row, NO_POSITION,
                KY_("invalid %s \"%s\" in row %llu; 1 is used"), attribute, value,
                (unsigned long long)state->row + 1);
        return 1;
    }
    return count;
}

/* ------------------------------------------------------------------------ */
/* Cell text                                                                  */
/* ------------------------------------------------------------------------ */

/* Return true when the node at hand is an element of `ns` named `local`. */
static bool is(const sheet_state *state, const char *ns, const char *local)
{
    return ky_xml_is(state->xml, ns, local);
}

/*
 * Append paragraph text with the white-space rule of ODF 1.2 part 1, 6.1.2.
 * Space, tab, CR and LF each read as one space. A white-space character after
 * another is dropped, and so is white space at the start of a paragraph.
 * Real runs of spaces, tabs and breaks are stored as text:s, text:tab and
 * text:line-break. A trailing space is kept, as LibreOffice keeps it.
 */
static int append_text(sheet_state *state, const char *text)
{
    for (const char *p = text; *p;) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            if (!state->skip_space && ky_buf_putc(&state->text, ' ') < 0)
                return ky_xml_error_nomem(state->xml);
            state->skip_space = true;
            p++;
            continue;
        }
        size_t run = strcspn(p, " \t\n\r");
        if (ky_buf_append(&state->text, p, run) < 0)
            return ky_xml_error_nomem(state->xml);
        state->skip_space = false;
        p += run;
    }
    return 0;
}

/* Append the spaces of the text:s at hand (text:c of them, default 1). */
static int append_spaces(sheet_state *state, uint64_t col)
{
    uint64_t count = 1;
    int found = ky_xml_attr(state->xml, ODS_NS_TEXT, "c", &state->scratch);
    if (found < 0)
        return ky_xml_error_nomem(state->xml);
    if (found) {
        char *end = NULL;
        unsigned long long value = strtoull(state->scratch.data, &end, 10);
        bool digits = state->scratch.data[0] >= '0' && state->scratch.data[0] <= '9';
        if (digits && *end == '\0' && value > 0)
            count = value;
    }

    if (count > MAX_GENERATED_SPACES - state->generated_spaces) {
        if (!state->warned_spaces) {
            warn_at(state, "ods.too-many-spaces", state->row, col,
                    KY_("text:s elements add more than %zu spaces to the row; the rest are "
                        "left out"),
                    MAX_GENERATED_SPACES);
        }
        state->warned_spaces = true;
        count = MAX_GENERATED_SPACES - state->generated_spaces;
    }
    state->generated_spaces += (size_t)count;
    static const char spaces[64] = "                                                                ";
    while (count > 0) {
        size_t n = count < sizeof spaces ? (size_t)count : sizeof spaces;
        if (ky_buf_append(&state->text, spaces, n) < 0)
            return ky_xml_error_nomem(state->xml);
        count -= n;
    }
    state->skip_space = false;
    return 0;
}

/* Return true for paragraph children whose text is not part of the cell value. */
static bool is_hidden_inline(const sheet_state *state)
{
    return is(state, ODS_NS_OFFICE, "annotation") || is(state, ODS_NS_TEXT, "note")
           || is(state, ODS_NS_TEXT, "ruby-text")
           || strcmp(ky_xml_namespace(state->xml), ODS_NS_DRAW) == 0;
}

/* Handle a start tag inside a paragraph. */
static int read_inline(sheet_state *state, uint64_t col)
{
    int status = 0;
    if (is(state, ODS_NS_TEXT, "s")) {
        status = append_spaces(state, col);
    } else if (is(state, ODS_NS_TEXT, "tab")) {
        status = ky_buf_putc(&state->text, '\t') < 0 ? ky_xml_error_nomem(state->xml) : 0;
        state->skip_space = false;
    } else if (is(state, ODS_NS_TEXT, "line-break")) {
        status = ky_buf_putc(&state->text, '\n') < 0 ? ky_xml_error_nomem(state->xml) : 0;
        state->skip_space = false;
    } else if (is_hidden_inline(state)) {
        return ky_xml_skip(state->xml);
    } else {
        /* text:span, text:a, fields and the like: their text is read as it comes. */
        return 0;
    }
    if (status != 0)
        return status;
    return ky_xml_skip(state->xml);
}

/*
 * Read the content of the cell start tag at hand into state->text: the text
 * of its paragraphs (text:p, text:h, also inside lists), joined with "\n".
 * Annotations, drawings and nested tables are left out.
 * @return 0 or a negative status; *paragraphs receives the paragraph count.
 */
static int read_cell_content(sheet_state *state, uint64_t col, size_t *paragraphs)
{
    ky_buf_clear(&state->text);
    *paragraphs = 0;
    if (ky_xml_is_empty(state->xml))
        return 0;

    int cell_depth = ky_xml_depth(state->xml);
    int paragraph_depth = -1;
    int rc;
    while ((rc = ky_xml_read(state->xml)) > 0) {
        ky_xml_node_kind kind = ky_xml_node(state->xml);
        int depth = ky_xml_depth(state->xml);
        if (kind == KY_XML_END) {
            if (depth == cell_depth)
                return 0;
            if (depth == paragraph_depth)
                paragraph_depth = -1;
            continue;
        }
        if (kind == KY_XML_TEXT) {
            int status = paragraph_depth >= 0 ? append_text(state, ky_xml_value(state->xml)) : 0;
            if (status != 0)
                return status;
            continue;
        }
        if (kind != KY_XML_START)
            continue;

        int status = 0;
        if (paragraph_depth >= 0) {
            status = read_inline(state, col);
        } else if (is(state, ODS_NS_TEXT, "p") || is(state, ODS_NS_TEXT, "h")) {
            if ((*paragraphs)++ > 0 && ky_buf_putc(&state->text, '\n') < 0)
                return ky_xml_error_nomem(state->xml);
            state->skip_space = true;
            if (!ky_xml_is_empty(state->xml))
                paragraph_depth = depth;
        } else if (is(state, ODS_NS_TEXT, "list") || is(state, ODS_NS_TEXT, "list-item")
                   || is(state, ODS_NS_TEXT, "list-header") || is(state, ODS_NS_TEXT, "section")) {
            /* Containers of paragraphs: read on into them. */
        } else {
            /* Annotations, drawings, nested tables, list labels. */
            status = ky_xml_skip(state->xml);
        }
        if (status != 0)
            return status;
    }
    return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------------------ */
/* Cell values                                                                */
/* ------------------------------------------------------------------------ */

/* Attributes of a table:table-cell that decide its value and extent. */
typedef struct cell_attrs {
    uint64_t repeat;
    uint64_t cols_spanned;
    uint64_t rows_spanned;
    char value_type[16];   /* office:value-type, "" when absent */
    char calc_type[16];    /* calcext:value-type, "" when absent */
    bool has_number;
    bool has_date;
    bool has_time;
    bool has_boolean;
    bool has_string;
    bool has_formula;
} cell_attrs;

/* Copy a short attribute value; an over-long one becomes "?", which matches no known type. */
static void copy_short(char *out, size_t size, const char *value)
{
    size_t len = strnlen(value, size);
    if (len >= size) {
        value = "?";
        len = 1;
    }
    memcpy(out, value, len);
    out[len] = '\0';
}

/* Namespaces of the cell attributes that read_cell_attrs() looks at. */
enum { NS_OTHER, NS_TABLE, NS_OFFICE, NS_CALCEXT };

/*
 * Classify the namespace URI of an attribute. ky_xml_next_attr() hands out
 * one pointer per URI for as long as the reader is open, so a URI seen before
 * is found by its pointer, without comparing the text.
 */
static int attr_namespace(sheet_state *state, const char *ns)
{
    for (size_t i = 0; i < state->namespace_count; i++)
        if (state->namespaces[i].uri == ns)
            return state->namespaces[i].kind;
    int kind = strcmp(ns, ODS_NS_TABLE) == 0      ? NS_TABLE
               : strcmp(ns, ODS_NS_OFFICE) == 0   ? NS_OFFICE
               : strcmp(ns, ODS_NS_CALCEXT) == 0  ? NS_CALCEXT
                                                  : NS_OTHER;
    size_t max = sizeof state->namespaces / sizeof state->namespaces[0];
    if (state->namespace_count < max) {
        state->namespaces[state->namespace_count].uri = ns;
        state->namespaces[state->namespace_count].kind = kind;
        state->namespace_count++;
    }
    return kind;
}

/* Read the attributes of the cell start tag at hand. */
static int read_cell_attrs(sheet_state *state, cell_attrs *attrs)
{
    memset(attrs, 0, sizeof *attrs);
    attrs->repeat = attrs->cols_spanned = attrs->rows_spanned = 1;
    const char *ns, *local, *value;
    int status = 0;
    while (ky_xml_next_attr(state->xml, &ns, &local, &value)) {
        int kind = attr_namespace(state, ns);
        if (kind == NS_TABLE) {
            if (strcmp(local, "number-columns-repeated") == 0)
                attrs->repeat = parse_count(state, "table:number-columns-repeated", value);
            else if (strcmp(local, "number-columns-spanned") == 0)
                attrs->cols_spanned = parse_count(state, "table:number-columns-spanned", value);
            else if (strcmp(local, "number-rows-spanned") == 0)
                attrs->rows_spanned = parse_count(state, "table:number-rows-spanned", value);
            else if (strcmp(local, "formula") == 0) {
                attrs->has_formula = true;
                status |= ky_buf_puts(&state->formula, value);
            }
        } else if (kind == NS_OFFICE) {
            if (strcmp(local, "value-type") == 0) {
                copy_short(attrs->value_type, sizeof attrs->value_type, value);
            } else if (strcmp(local, "value") == 0) {
                attrs->has_number = true;
                status |= ky_buf_puts(&state->number_value, value);
            } else if (strcmp(local, "date-value") == 0) {
                /* A date value wins over a time value in the same cell. */
                attrs->has_date = true;
                attrs->has_time = false;
                ky_buf_clear(&state->date_value);
                status |= ky_buf_puts(&state->date_value, value);
            } else if (strcmp(local, "time-value") == 0 && !attrs->has_date) {
                attrs->has_time = true;
                status |= ky_buf_puts(&state->date_value, value);
            } else if (strcmp(local, "boolean-value") == 0) {
                attrs->has_boolean = true;
                status |= ky_buf_puts(&state->boolean_value, value);
            } else if (strcmp(local, "string-value") == 0) {
                attrs->has_string = true;
                status |= ky_buf_puts(&state->string_value, value);
            }
        } else if (kind == NS_CALCEXT && strcmp(local, "value-type") == 0) {
            copy_short(attrs->calc_type, sizeof attrs->calc_type, value);
        }
    }
    return status < 0 ? ky_xml_error_nomem(state->xml) : 0;
}

/* Return the text of a buffer, "" when nothing was added. */
static const char *buf_text(const ky_buf *buf)
{
    return buf->data ? buf->data : "";
}

/* Return true for the value types that carry office:value. */
static bool is_number_type(const char *type)
{
    return strcmp(type, "float") == 0 || strcmp(type, "percentage") == 0
           || strcmp(type, "currency") == 0;
}

/*
 * Return the error a formula cell shows, or NULL when it shows a value.
 * LibreOffice marks errors with calcext:value-type="error". Files without
 * that attribute (Excel 2013 writes none) store an error as a float 0 or a
 * string with the error name as the displayed text, so that text decides.
 */
static const char *formula_error(sheet_state *state, const cell_attrs *attrs)
{
    const char *displayed = buf_text(&state->text);
    bool marked = strcmp(attrs->calc_type, "error") == 0;
    if (!marked) {
        if (!attrs->has_formula || attrs->calc_type[0] != '\0')
            return NULL;
        double number = 0;
        bool zero_number = is_number_type(attrs->value_type)
                           && (!attrs->has_number
                               || (ky_ods__parse_number(buf_text(&state->number_value), &number)
                                   && number == 0));
        bool plain = zero_number || strcmp(attrs->value_type, "string") == 0
                     || attrs->value_type[0] == '\0';
        if (!plain || !ky_ods__error_name(displayed))
            return NULL;
    }

    /* A formula that is only an error literal ("of:=#VALUE!") names it in English. */
    const char *formula = buf_text(&state->formula);
    const char *equals = strchr(formula, '=');
    if (equals) {
        const char *literal = ky_ods__error_name(equals + 1);
        if (literal && literal[0] == '#')
            return literal;
    }
    const char *name = ky_ods__error_name(displayed);
    return name ? name : displayed;
}

/* The value of the cell at hand as it goes to the sink. */
typedef struct cell_value {
    ky_cell cell;
    const char *text;
    size_t len;
    bool present;
} cell_value;

/* Set `out` to a text value. */
static void text_value(cell_value *out, ky_cell_type type, const char *text)
{
    out->cell.type = type;
    out->text = text;
    out->len = strlen(text);
    out->present = true;
}

/* Work out the value of the cell at hand from its attributes and text. */
static void cell_value_of(sheet_state *state, const cell_attrs *attrs, uint64_t col,
                          size_t paragraphs, cell_value *out)
{
    memset(out, 0, sizeof *out);
    out->cell.flags = attrs->has_formula ? KY_CELL_FORMULA : 0;
    const char *type = attrs->value_type;
    const char *displayed = buf_text(&state->text);

    const char *error = formula_error(state, attrs);
    if (error) {
        text_value(out, KY_CELL_ERROR, error);
        return;
    }

    if (is_number_type(type)) {
        double number;
        if (attrs->has_number && ky_ods__parse_number(buf_text(&state->number_value), &number)) {
            out->cell.type = KY_CELL_NUMBER;
            out->cell.number = number;
            out->present = true;
            return;
        }
        warn_at(state, "ods.bad-number", state->row, col,
                KY_("office:value \"%s\" is not a number; the displayed text is kept"),
                buf_text(&state->number_value));
    } else if (strcmp(type, "date") == 0) {
        double serial;
        ky_date_kind kind;
        const char *value = buf_text(&state->date_value);
        if (attrs->has_date && ky_parse_iso_date(value, strlen(value), &serial, &kind)) {
            /* Some writers add T00:00:00 to plain dates; a midnight time reads as a date. */
            if (kind == KY_DATE_DATETIME && serial == (double)(long long)serial)
                kind = KY_DATE_DATE;
            out->cell.type = KY_CELL_DATE;
            out->cell.date_kind = kind;
            out->cell.number = serial;
            out->present = true;
            return;
        }
        warn_at(state, "ods.bad-date", state->row, col,
                KY_("office:date-value \"%s\" is not an ISO 8601 date; the displayed text "
                    "is kept"),
                value);
    } else if (strcmp(type, "time") == 0) {
        double days;
        const char *value = buf_text(&state->date_value);
        if (attrs->has_time && ky_ods__parse_duration(value, &days)) {
            /*
             * Durations of 24 hours and more stay times, which ky_format_date()
             * prints as "26:33:12". A negative duration has no clock form, so it
             * stays a number of days.
             */
            out->cell.type = days >= 0 ? KY_CELL_DATE : KY_CELL_NUMBER;
            out->cell.date_kind = KY_DATE_TIME;
            out->cell.number = days;
            out->present = true;
            return;
        }
        warn_at(state, "ods.bad-time", state->row, col,
                KY_("office:time-value \"%s\" is not an ISO 8601 duration such as "
                    "PT10H30M00S; the displayed text is kept"),
                value);
    } else if (strcmp(type, "boolean") == 0) {
        const char *value = buf_text(&state->boolean_value);
        bool is_true = strcmp(value, "true") == 0 || strcmp(value, "1") == 0;
        bool is_false = strcmp(value, "false") == 0 || strcmp(value, "0") == 0;
        if (is_true || is_false) {
            out->cell.type = KY_CELL_BOOL;
            out->cell.number = is_true ? 1 : 0;
            out->present = true;
            return;
        }
        warn_at(state, "ods.bad-boolean", state->row, col,
                KY_("office:boolean-value \"%s\" is not true or false; the displayed text "
                    "is kept"),
                value);
    } else if (strcmp(type, "string") == 0) {
        const char *text = attrs->has_string ? buf_text(&state->string_value) : displayed;
        /* An empty string is a value only as a formula's result. */
        if (text[0] != '\0' || attrs->has_formula)
            text_value(out, KY_CELL_TEXT, text);
        return;
    } else if (type[0] != '\0') {
        warn_at(state, "ods.unknown-value-type", state->row, col,
                KY_("unknown office:value-type \"%s\"; the displayed text is kept"), type);
    }

    /* No usable typed value: the displayed text, if any, is the value. */
    if (displayed[0] != '\0' || paragraphs > 0) {
        if (displayed[0] != '\0' || attrs->has_formula)
            text_value(out, KY_CELL_TEXT, displayed);
        return;
    }
    if (attrs->has_formula) {
        warn_at(state, "ods.formula-no-value", state->row, col, "%s",
                KY_("formula with no cached result (kyokun does not calculate formulas; "
                    "recalculate and save the file in LibreOffice)"));
        out->cell.type = KY_CELL_EMPTY;
        out->cell.flags |= KY_CELL_NO_CACHED;
        out->present = true;
    }
}

/* ------------------------------------------------------------------------ */
/* Rows                                                                       */
/* ------------------------------------------------------------------------ */

/* Add `value` to the row at columns first .. first + repeat - 1 (within the sheet). */
static int add_cells(sheet_state *state, const cell_value *value, uint64_t first, uint64_t repeat)
{
    uint64_t end = first + repeat;
    if (end > ODS_MAX_COLS) {
        if (!state->warned_cols) {
            warn_at(state, "ods.column-out-of-range", state->row, NO_POSITION,
                    KY_("row %llu has values beyond the last column XFD (16,384); they are "
                        "left out"),
                    (unsigned long long)state->row + 1);
        }
        state->warned_cols = true;
        end = ODS_MAX_COLS;
    }
    if (first >= end)
        return 0;

    /* Repeated cells share one copy of their text. */
    size_t offset = NO_TEXT;
    if (value->text) {
        offset = state->row_text.len;
        if (ky_buf_append(&state->row_text, value->text, value->len) < 0
            || ky_buf_putc(&state->row_text, '\0') < 0)
            return ky_xml_error_nomem(state->xml);
    }

    size_t need = state->count + (size_t)(end - first);
    if (need > state->cap) {
        size_t cap = state->cap ? state->cap : 64;
        while (cap < need)
            cap *= 2;
        ky_cell *cells = realloc(state->cells, cap * sizeof *cells);
        if (!cells)
            return ky_xml_error_nomem(state->xml);
        state->cells = cells;
        size_t *offsets = realloc(state->text_offsets, cap * sizeof *offsets);
        if (!offsets)
            return ky_xml_error_nomem(state->xml);
        state->text_offsets = offsets;
        state->cap = cap;
    }
    for (uint64_t col = first; col < end; col++) {
        ky_cell cell = value->cell;
        cell.col = (uint32_t)col;
        cell.len = value->len;
        state->cells[state->count] = cell;
        state->text_offsets[state->count] = offset;
        state->count++;
    }
    return 0;
}

/* Record the merged ranges of a spanned cell at columns first .. first + repeat - 1. */
static int add_merges(sheet_state *state, const cell_attrs *attrs, uint64_t first)
{
    if (attrs->cols_spanned < 2 && attrs->rows_spanned < 2)
        return 0;
    uint64_t end = first + attrs->repeat;
    if (end > ODS_MAX_COLS)
        end = ODS_MAX_COLS;
    for (uint64_t col = first; col < end; col++) {
        if (state->merge_count == state->merge_cap) {
            size_t cap = state->merge_cap ? state->merge_cap * 2 : 16;
            row_merge *merges = realloc(state->merges, cap * sizeof *merges);
            if (!merges)
                return ky_xml_error_nomem(state->xml);
            state->merges = merges;
            state->merge_cap = cap;
        }
        uint64_t last_col = col + attrs->cols_spanned - 1;
        row_merge *merge = &state->merges[state->merge_count++];
        merge->first_col = (uint32_t)col;
        merge->last_col = (uint32_t)(last_col < ODS_MAX_COLS ? last_col : ODS_MAX_COLS - 1);
        merge->rows_spanned = (uint32_t)(attrs->rows_spanned < ODS_MAX_ROWS ? attrs->rows_spanned
                                                                            : ODS_MAX_ROWS);
    }
    return 0;
}

/* Read the table:table-cell or table:covered-table-cell at hand, which starts at *col. */
static int read_cell(sheet_state *state, uint64_t *col, bool covered)
{
    ky_buf_clear(&state->string_value);
    ky_buf_clear(&state->number_value);
    ky_buf_clear(&state->date_value);
    ky_buf_clear(&state->boolean_value);
    ky_buf_clear(&state->formula);
    cell_attrs attrs;
    int status = read_cell_attrs(state, &attrs);
    if (status != 0)
        return status;

    uint64_t first = *col;
    *col = first + attrs.repeat < MAX_REPEAT ? first + attrs.repeat : MAX_REPEAT;

    size_t paragraphs = 0;
    if ((status = read_cell_content(state, first, &paragraphs)) != 0)
        return status;

    /* Empty cells only move the column on, however many they are. */
    if (first < ODS_MAX_COLS) {
        cell_value value;
        cell_value_of(state, &attrs, first, paragraphs, &value);
        if (value.present && (status = add_cells(state, &value, first, attrs.repeat)) != 0)
            return status;
    }
    /* A covered cell lies under another cell's span and starts no range of its own. */
    if (!covered && first < ODS_MAX_COLS)
        status = add_merges(state, &attrs, first);
    return status;
}

/* Deliver the merged ranges that start in row `row`. */
static int deliver_merges(sheet_state *state, uint64_t row)
{
    const ky_sink *sink = state->reader->sink;
    for (size_t i = 0; i < state->merge_count; i++) {
        if (state->merges_sent >= MAX_MERGES) {
            if (!state->warned_merges)
                warn_at(state, "ods.too-many-merges", row, NO_POSITION,
                        KY_("the sheet has more than %llu merged ranges; the rest are ignored"),
                        (unsigned long long)MAX_MERGES);
            state->warned_merges = true;
            return 0;
        }
        const row_merge *merge = &state->merges[i];
        uint64_t last_row = row + merge->rows_spanned - 1;
        ky_range range = {
            .first_row = (uint32_t)row,
            .first_col = merge->first_col,
            .last_row = (uint32_t)(last_row < ODS_MAX_ROWS ? last_row : ODS_MAX_ROWS - 1),
            .last_col = merge->last_col,
        };
        if (range.first_row == range.last_row && range.first_col == range.last_col)
            continue;
        state->merges_sent++;
        int rc = sink_result(state, sink->merge ? sink->merge(state->reader->payload, &range) : 0);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Deliver the row at hand `repeat` times from state->row on. */
static int deliver_row(sheet_state *state, uint64_t repeat)
{
    for (size_t i = 0; i < state->count; i++) {
        size_t offset = state->text_offsets[i];
        state->cells[i].text = offset == NO_TEXT ? NULL : state->row_text.data + offset;
    }

    /*
     * A repeated row with values is that many rows with the same values.
     * NOTE: a few hundred bytes can repeat 16,384 filled cells over 1,048,576
     * rows, so delivery time is bounded only by the sheet limits.
     */
    const ky_sink *sink = state->reader->sink;
    for (uint64_t i = 0; i < repeat; i++) {
        uint64_t row = state->row + i;
        if (row >= ODS_MAX_ROWS) {
            if (!state->warned_rows)
                warn_at(state, "ods.row-out-of-range", NO_POSITION, NO_POSITION,
                        KY_("values beyond the last row 1,048,576 are left out"));
            state->warned_rows = true;
            return 0;
        }
        if (state->count > 0) {
            int rc = sink->row ? sink->row(state->reader->payload, (uint32_t)row, state->cells,
                                           state->count)
                               : 0;
            if ((rc = sink_result(state, rc)) != 0)
                return rc;
        }
        int rc = deliver_merges(state, row);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Read the table:table-row at hand and deliver it. */
static int read_row(sheet_state *state)
{
    uint64_t repeat = 1;
    int found = ky_xml_attr(state->xml, ODS_NS_TABLE, "number-rows-repeated", &state->scratch);
    if (found < 0)
        return ky_xml_error_nomem(state->xml);
    if (found)
        repeat = parse_count(state, "table:number-rows-repeated", state->scratch.data);

    state->count = 0;
    state->merge_count = 0;
    state->generated_spaces = 0;
    ky_buf_clear(&state->row_text);

    int status = 0;
    if (!ky_xml_is_empty(state->xml)) {
        int depth = ky_xml_depth(state->xml);
        uint64_t col = 0;
        int rc;
        while ((rc = ky_xml_read(state->xml)) > 0) {
            ky_xml_node_kind kind = ky_xml_node(state->xml);
            if (kind == KY_XML_END && ky_xml_depth(state->xml) == depth)
                break;
            if (kind != KY_XML_START)
                continue;
            if (is(state, ODS_NS_TABLE, "table-cell"))
                status = read_cell(state, &col, false);
            else if (is(state, ODS_NS_TABLE, "covered-table-cell"))
                status = read_cell(state, &col, true);
            else
                status = ky_xml_skip(state->xml);
            if (status != 0)
                return status;
        }
        if (rc < 0)
            return rc;
    }

    /* Rows without values or merges only move the row number on. */
    if (state->count > 0 || state->merge_count > 0)
        status = deliver_row(state, repeat);
    state->row = state->row + repeat < MAX_REPEAT ? state->row + repeat : MAX_REPEAT;
    return status;
}

/* Stream the rows of the table at hand (its start tag is current). */
static int read_rows(sheet_state *state)
{
    if (ky_xml_is_empty(state->xml))
        return 0;
    int depth = ky_xml_depth(state->xml);
    int rc;
    while ((rc = ky_xml_read(state->xml)) > 0) {
        ky_xml_node_kind kind = ky_xml_node(state->xml);
        if (kind == KY_XML_END && ky_xml_depth(state->xml) == depth)
            return 0;
        if (kind != KY_XML_START)
            continue;

        int status = 0;
        if (is(state, ODS_NS_TABLE, "table-row"))
            status = read_row(state);
        else if (is(state, ODS_NS_TABLE, "table-header-rows")
                 || is(state, ODS_NS_TABLE, "table-rows")
                 || is(state, ODS_NS_TABLE, "table-row-group"))
            continue; /* groups of rows: read on into them */
        else
            /* Columns, shapes, forms, named ranges: nothing to read there. */
            status = ky_xml_skip(state->xml);
        if (status != 0)
            return status;
    }
    return rc < 0 ? rc : 0;
}

int ky_ods__read_table(ods_reader *reader, const char *name, ky_visibility visibility)
{
    sheet_state state = {.reader = reader, .xml = reader->xml, .name = name};
    const ky_sink *sink = reader->sink;
    ky_loc loc = {.file = reader->path, .sheet = name};

    ky_sheet_info info = {.name = name, .index = reader->sheet_count++, .visibility = visibility};
    int rc = sink->sheet_begin ? sink->sheet_begin(reader->payload, &info) : 0;
    int status;
    if (rc < 0) {
        if (!ky_error_last(reader->ctx))
            ky_error_set(reader->ctx, rc, &loc, KY_("reading was stopped by the receiver"));
        return rc;
    }
    if (rc == KY_SINK_STOP)
        return KY_SINK_STOP;
    if (rc == KY_SINK_SKIP_SHEET)
        status = ky_xml_skip(reader->xml);
    else
        status = read_rows(&state);

    if (state.warnings > MAX_CELL_WARNINGS)
        ky_diag_emit(reader->ctx, KY_SEV_WARNING, "ods.more-warnings", &loc,
                     KY_("%zu more warnings about cells of this sheet were not displayed"),
                     state.warnings - MAX_CELL_WARNINGS);
    free(state.cells);
    free(state.text_offsets);
    free(state.merges);
    ky_buf_free(&state.row_text);
    ky_buf_free(&state.text);
    ky_buf_free(&state.string_value);
    ky_buf_free(&state.number_value);
    ky_buf_free(&state.date_value);
    ky_buf_free(&state.boolean_value);
    ky_buf_free(&state.formula);
    ky_buf_free(&state.scratch);
    if (status != 0)
        return status;

    rc = sink->sheet_end ? sink->sheet_end(reader->payload) : 0;
    if (rc < 0) {
        if (!ky_error_last(reader->ctx))
            ky_error_set(reader->ctx, rc, &loc, KY_("reading was stopped by the receiver"));
        return rc;
    }
    return rc == KY_SINK_STOP ? KY_SINK_STOP : 0;
}
