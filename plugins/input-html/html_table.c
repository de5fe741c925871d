/* SPDX-License-Identifier: MIT */
/*
 * HTML tables to sheets, streamed from the SAX callbacks of libxml2's HTML
 * push parser without building a document tree.
 *
 * Each top-level <table> is one sheet, named "Table N" or after the
 * worksheet names that Excel writes into a conditional comment
 * (<x:ExcelWorksheet><x:Name>). <tr> elements are rows, <td> and <th> are
 * cells, and colspan and rowspan give merged ranges. A cell starts at the
 * first column that no rowspan of an earlier row covers, as in a browser.
 * A table nested in a cell is not a sheet: its text joins the outer cell's.
 * NOTE: so a page that wraps its data table in a layout table yields one
 * sheet whose cell contains all the data as text.
 *
 * Cell text is collapsed as a browser shows it: runs of white space become
 * one space, <br> is a line break, and the text is trimmed. A no-break space
 * (U+00A0, "&nbsp;") becomes an ordinary space that is kept, not collapsed,
 * because web exports fill empty cells with it and spreadsheet users mean a
 * space. Cells are text as shown, except the values that Excel's "Web page"
 * export marks with x:num, x:bool and x:err attributes.
 *
 * libxml2 2.9's HTML parser closes elements that the markup leaves open and
 * calls endElement for every startElement, so the element depth shows where
 * each table, row and cell ends.
 */
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/ky_date.h"
#include "html.h"
#include "kyokun/i18n.h"

/* libxml2's options: no network access, and no messages of its own. The page is
 * already UTF-8 (html_decode.c), so a <meta> charset must not switch the decoder. */
#define HTML_OPTIONS \
    (HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC)

/* Maximum bytes of an x:num, x:bool or x:err value kept; ky_parse_number()
 * rejects longer numbers anyway. */
#define HTML_MAX_VALUE_ATTR 416
/* Maximum bytes of a worksheet name taken from Excel's comment. */
#define HTML_MAX_NAME_BYTES 256

/* Excel's attributes of one cell, captured at its start tag. */
typedef struct cell_attrs {
    bool number;        /* x:num */
    bool boolean;       /* x:bool */
    bool error;         /* x:err */
    bool formula;       /* x:fmla */
    char value[HTML_MAX_VALUE_ATTR]; /* the x:num, x:bool or x:err value, "" when none */
    bool value_too_long;
} cell_attrs;

/* One delivered cell of the current row; its text is at `text` in the row arena. */
typedef struct row_cell {
    ky_cell cell;
    size_t text;
} row_cell;

struct html_reader {
    ky_ctx *ctx;
    const char *path;
    const ky_sink *sink;
    void *payload;
    htmlParserCtxtPtr parser;
    htmlSAXHandler sax;
    int status;            /* the first error, or 0 */
    bool stopped;          /* the sink returned KY_SINK_STOP */
    uint32_t depth;        /* elements open */
    bool skipping;         /* inside <script> or <style> */
    uint32_t skip_depth;

    /* The top-level table being read. */
    bool in_table;
    uint32_t table_depth;
    uint32_t table_count;
    uint32_t nested;       /* tables open inside it */
    bool skip_sheet;       /* the sink skips this sheet */
    char sheet_name[HTML_MAX_NAME_BYTES + 16];
    uint32_t next_row;     /* index of the next row */
    uint32_t *covered;     /* covered[c]: first row that no earlier rowspan covers in column c */
    size_t covered_len;
    ky_range *merges;
    size_t merge_count;
    size_t merge_cap;

    /* The row being read. */
    bool in_row;
    uint32_t row_depth;
    uint32_t row;
    uint32_t next_col;     /* the column after the last cell placed */
    row_cell *cells;
    size_t cell_count;
    size_t cell_cap;
    ky_cell *delivered;    /* `cells` in the form the sink takes */
    ky_buf row_text;

    /* The cell being read. */
    bool in_cell;
    uint32_t cell_depth;
    uint32_t col;
    uint32_t colspan;
    uint32_t rowspan;
    cell_attrs attrs;
    ky_buf text;
    bool pending_space;    /* white space seen since the last character kept */

    /* Worksheet names from Excel's comment, for the tables in order. */
    char **names;
    size_t name_count;
};

/* ------------------------------------------------------------------------ */
/* Errors and the sink                                                        */
/* ------------------------------------------------------------------------ */

/* Record the first error and stop the parser. */
static void fail(html_reader *reader, int status)
{
    if (reader->status == 0)
        reader->status = status;
    xmlStopParser(reader->parser);
}

static void fail_nomem(html_reader *reader)
{
    ky_loc loc = {.file = reader->path};
    fail(reader, ky_error_set(reader->ctx, KY_ENOMEM, &loc, "%s",
                              KY_("out of memory while reading the file")));
}

/* Return true when callbacks have nothing more to do. */
static bool done(const html_reader *reader)
{
    return reader->status != 0 || reader->stopped;
}

/* Act on a sink's return value: go on, stop, or abort with its status. Returns false unless going on. */
static bool sink_result(html_reader *reader, int rc, uint32_t row)
{
    if (rc == KY_SINK_STOP) {
        reader->stopped = true;
        xmlStopParser(reader->parser);
        return false;
    }
    if (rc < 0) {
        if (!ky_error_last(reader->ctx)) {
            ky_loc loc = {.file = reader->path, .sheet = reader->sheet_name, .row = row};
            ky_error_set(reader->ctx, rc, &loc, KY_("reading aborted by the sink (status %d)"),
                         rc);
        }
        fail(reader, rc);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* Cell text                                                                  */
/* ------------------------------------------------------------------------ */

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Append bytes to the cell text within HTML_MAX_CELL_BYTES. Returns false after an error. */
static bool append_text(html_reader *reader, const char *bytes, size_t n)
{
    if (n > HTML_MAX_CELL_BYTES - reader->text.len) {
        ky_loc loc = {.file = reader->path, .sheet = reader->sheet_name,
                      .row = reader->row + 1, .col = reader->col + 1};
        fail(reader, ky_error_set(reader->ctx, KY_ELIMIT, &loc,
                                  KY_("the cell's text is longer than %zu MiB, the maximum"),
                                  HTML_MAX_CELL_BYTES >> 20));
        return false;
    }
    if (ky_buf_append(&reader->text, bytes, n) < 0) {
        fail_nomem(reader);
        return false;
    }
    return true;
}

/* Write out the space that collapsed white space stands for, unless the text is empty or ends a line. */
static bool flush_space(html_reader *reader)
{
    if (!reader->pending_space)
        return true;
    reader->pending_space = false;
    const ky_buf *text = &reader->text;
    if (text->len == 0 || text->data[text->len - 1] == '\n')
        return true;
    return append_text(reader, " ", 1);
}

/* Append character data, collapsing white space and turning U+00A0 into a kept space. */
static void add_text(html_reader *reader, const unsigned char *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (is_space(text[i])) {
            reader->pending_space = true;
            i++;
            continue;
        }
        if (!flush_space(reader))
            return;
        if (text[i] == 0xC2 && i + 1 < len && text[i + 1] == 0xA0) {
            if (!append_text(reader, " ", 1))
                return;
            i += 2;
            continue;
        }
        size_t run = i + 1;
        while (run < len && !is_space(text[run]) && text[run] != 0xC2)
            run++;
        if (!append_text(reader, (const char *)text + i, run - i))
            return;
        i = run;
    }
}

/* Trim spaces and line breaks at both ends of the cell text; return its start. */
static const char *trim_text(ky_buf *text, size_t *len)
{
    const char *start = text->data ? text->data : "";
    size_t n = text->len;
    while (n > 0 && (start[0] == ' ' || start[0] == '\n')) {
        start++;
        n--;
    }
    while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\n'))
        n--;
    *len = n;
    return start;
}

/* ------------------------------------------------------------------------ */
/* Cell values                                                                */
/* ------------------------------------------------------------------------ */

/* Return the value of attribute `name` in a SAX1 attribute list, or NULL. *present is set when it exists. */
static const char *find_attr(const xmlChar **atts, const char *name, bool *present)
{
    *present = false;
    for (size_t i = 0; atts && atts[i]; i += 2) {
        if (strcasecmp((const char *)atts[i], name) == 0) {
            *present = true;
            return (const char *)atts[i + 1];
        }
    }
    return NULL;
}

/* Parse a colspan or rowspan value: leading digits, clamped to 1..HTML_MAX_SPAN; 1 when absent or invalid. */
static uint32_t parse_span(const char *value)
{
    if (!value)
        return 1;
    while (is_space((unsigned char)*value))
        value++;
    uint32_t span = 0;
    for (; *value >= '0' && *value <= '9'; value++) {
        span = span * 10 + (uint32_t)(*value - '0');
        if (span > HTML_MAX_SPAN) {
            span = HTML_MAX_SPAN;
            break;
        }
    }
    return span == 0 ? 1 : span;
}

/* Copy the value of an Excel attribute that was given one. */
static void keep_value(cell_attrs *attrs, const char *value)
{
    if (!value)
        return;
    size_t len = strlen(value);
    if (len >= sizeof attrs->value) {
        attrs->value_too_long = true;
        return;
    }
    memcpy(attrs->value, value, len + 1);
}

static void read_cell_attrs(const xmlChar **atts, cell_attrs *attrs)
{
    bool present;
    const char *value;

    memset(attrs, 0, sizeof *attrs);
    value = find_attr(atts, "x:err", &present);
    if (present && value && value[0]) {
        attrs->error = true;
        keep_value(attrs, value);
    } else if ((value = find_attr(atts, "x:bool", &present)), present) {
        attrs->boolean = true;
        keep_value(attrs, value);
    } else if ((value = find_attr(atts, "x:num", &present)), present) {
        attrs->number = true;
        keep_value(attrs, value);
    }
    find_attr(atts, "x:fmla", &attrs->formula);
}

/*
 * Return true when the shown text of a cell whose x:num value is a serial
 * looks like a date or a time ("2024/4/1", "2024-04-01", "2024年4月1日",
 * "10:30"), and set the kind. Excel writes dates as x:num="45383" with the
 * formatted date as the text.
 */
static bool looks_like_date(const char *text, size_t len, ky_date_kind *kind)
{
    if (len == 0 || text[0] < '0' || text[0] > '9')
        return false;
    bool date = false, time = false;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '/' || (text[i] == '-' && i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9'))
            date = true;
        else if (text[i] == ':')
            time = true;
    }
    date = date || strstr(text, "\xE5\xB9\xB4") != NULL; /* U+5E74 年 */
    if (!date && !time)
        return false;
    if (date && time)
        *kind = KY_DATE_DATETIME;
    else if (date)
        *kind = KY_DATE_DATE;
    else
        *kind = KY_DATE_TIME;
    return true;
}

/* Fill `cell` from the trimmed text and Excel's attributes. Returns false for an empty cell. */
static bool cell_value(const cell_attrs *attrs, const char *text, size_t len, ky_cell *cell)
{
    cell->type = KY_CELL_TEXT;
    cell->text = text;
    cell->len = len;
    cell->flags = attrs->formula ? KY_CELL_FORMULA : 0;

    if (attrs->error && !attrs->value_too_long) {
        cell->type = KY_CELL_ERROR;
        cell->text = attrs->value;
        cell->len = strlen(attrs->value);
        return true;
    }
    if (attrs->boolean) {
        const char *value = attrs->value[0] ? attrs->value : text;
        if (strcasecmp(value, "TRUE") == 0 || strcasecmp(value, "FALSE") == 0) {
            cell->type = KY_CELL_BOOL;
            cell->number = strcasecmp(value, "TRUE") == 0;
            cell->text = NULL;
            cell->len = 0;
            return true;
        }
    }
    if (attrs->number && !attrs->value_too_long) {
        double number;
        bool from_attr = attrs->value[0] != '\0';
        bool parsed = from_attr ? ky_parse_number(attrs->value, strlen(attrs->value), &number)
                                : ky_parse_number(text, len, &number);
        if (parsed) {
            ky_date_kind kind;
            cell->type = KY_CELL_NUMBER;
            /* Serials from 0 (a time of day) up to 9999-12-31. */
            if (from_attr && number >= 0 && number < 2958466 && looks_like_date(text, len, &kind)) {
                cell->type = KY_CELL_DATE;
                cell->date_kind = kind;
            }
            cell->number = number;
            cell->text = NULL;
            cell->len = 0;
            return true;
        }
    }
    return len > 0;
}

/* ------------------------------------------------------------------------ */
/* Rows and cells                                                             */
/* ------------------------------------------------------------------------ */

/* Make covered[] long enough for columns below `cols`. */
static bool grow_covered(html_reader *reader, size_t cols)
{
    if (cols <= reader->covered_len)
        return true;
    size_t len = reader->covered_len ? reader->covered_len : 64;
    while (len < cols)
        len *= 2;
    if (len > HTML_MAX_COLS)
        len = HTML_MAX_COLS;
    uint32_t *covered = realloc(reader->covered, len * sizeof *covered);
    if (!covered) {
        fail_nomem(reader);
        return false;
    }
    memset(covered + reader->covered_len, 0, (len - reader->covered_len) * sizeof *covered);
    reader->covered = covered;
    reader->covered_len = len;
    return true;
}

static void start_row(html_reader *reader, uint32_t depth)
{
    if (reader->next_row >= HTML_MAX_ROWS) {
        ky_loc loc = {.file = reader->path, .sheet = reader->sheet_name};
        fail(reader, ky_error_set(reader->ctx, KY_ELIMIT, &loc,
                                  KY_("the table has more than %u rows, the maximum of a sheet"),
                                  HTML_MAX_ROWS));
        return;
    }
    reader->in_row = true;
    reader->row_depth = depth;
    reader->row = reader->next_row;
    reader->next_col = 0;
    reader->cell_count = 0;
    ky_buf_clear(&reader->row_text);
}

/* Deliver the row's cells and move on to the next row. */
static void end_row(html_reader *reader)
{
    reader->in_row = false;
    reader->next_row = reader->row + 1;
    if (reader->cell_count == 0 || reader->skip_sheet)
        return;
    for (size_t i = 0; i < reader->cell_count; i++) {
        reader->delivered[i] = reader->cells[i].cell;
        if (reader->delivered[i].text)
            reader->delivered[i].text = reader->row_text.data + reader->cells[i].text;
    }
    int rc = reader->sink->row(reader->payload, reader->row, reader->delivered,
                               reader->cell_count);
    sink_result(reader, rc, reader->row + 1);
}

/* Place a cell: skip columns covered by earlier rowspans, then mark what its spans cover. */
static void start_cell(html_reader *reader, uint32_t depth, const xmlChar **atts)
{
    bool present;
    uint32_t col = reader->next_col;

    while (col < reader->covered_len && reader->covered[col] > reader->row)
        col++;
    if (col >= HTML_MAX_COLS) {
        ky_loc loc = {.file = reader->path, .sheet = reader->sheet_name,
                      .row = reader->row + 1, .col = HTML_MAX_COLS};
        fail(reader, ky_error_set(reader->ctx, KY_ELIMIT, &loc,
                                  KY_("the row has more than %u columns, the maximum of a sheet"),
                                  HTML_MAX_COLS));
        return;
    }

    uint32_t colspan = parse_span(find_attr(atts, "colspan", &present));
    uint32_t rowspan = parse_span(find_attr(atts, "rowspan", &present));
    if (colspan > HTML_MAX_COLS - col)
        colspan = HTML_MAX_COLS - col;
    if (rowspan > HTML_MAX_ROWS - reader->row)
        rowspan = HTML_MAX_ROWS - reader->row;
    if (!grow_covered(reader, (size_t)col + colspan))
        return;
    /* A colspan stops at a column that an earlier rowspan covers, so merged ranges never overlap. */
    for (uint32_t k = 1; k < colspan; k++)
        if (reader->covered[col + k] > reader->row) {
            colspan = k;
            break;
        }
    for (uint32_t k = 0; k < colspan; k++)
        reader->covered[col + k] = reader->row + rowspan;

    reader->in_cell = true;
    reader->cell_depth = depth;
    reader->col = col;
    reader->colspan = colspan;
    reader->rowspan = rowspan;
    reader->next_col = col + colspan;
    reader->pending_space = false;
    ky_buf_clear(&reader->text);
    read_cell_attrs(atts, &reader->attrs);
}

static void add_merge(html_reader *reader)
{
    if (reader->merge_count == reader->merge_cap) {
        size_t cap = reader->merge_cap ? reader->merge_cap * 2 : 16;
        ky_range *merges = realloc(reader->merges, cap * sizeof *merges);
        if (!merges) {
            fail_nomem(reader);
            return;
        }
        reader->merges = merges;
        reader->merge_cap = cap;
    }
    reader->merges[reader->merge_count++] = (ky_range){
        .first_row = reader->row,
        .first_col = reader->col,
        .last_row = reader->row + reader->rowspan - 1,
        .last_col = reader->col + reader->colspan - 1,
    };
}

/* Turn the cell's text and attributes into a cell of the row, and record its merged range. */
static void end_cell(html_reader *reader)
{
    reader->in_cell = false;
    reader->nested = 0;
    if (reader->skip_sheet)
        return;
    if (reader->colspan > 1 || reader->rowspan > 1)
        add_merge(reader);

    size_t len;
    const char *text = trim_text(&reader->text, &len);
    ky_cell cell = {.col = reader->col};
    if (!cell_value(&reader->attrs, text, len, &cell))
        return;

    if (reader->cell_count == reader->cell_cap) {
        size_t cap = reader->cell_cap ? reader->cell_cap * 2 : 64;
        row_cell *cells = realloc(reader->cells, cap * sizeof *cells);
        ky_cell *delivered = cells ? realloc(reader->delivered, cap * sizeof *delivered) : NULL;
        if (cells)
            reader->cells = cells;
        if (!cells || !delivered) {
            fail_nomem(reader);
            return;
        }
        reader->delivered = delivered;
        reader->cell_cap = cap;
    }
    /* Text and error values move into the row arena, which may move before the row is
     * delivered, so end_row() sets their addresses. */
    row_cell *added = &reader->cells[reader->cell_count];
    added->cell = cell;
    added->text = reader->row_text.len;
    if (cell.text) {
        if (ky_buf_append(&reader->row_text, cell.text, cell.len) < 0
            || ky_buf_putc(&reader->row_text, '\0') < 0) {
            fail_nomem(reader);
            return;
        }
    }
    reader->cell_count++;
}

/* ------------------------------------------------------------------------ */
/* Tables                                                                     */
/* ------------------------------------------------------------------------ */

static void start_table(html_reader *reader, uint32_t depth)
{
    if (reader->table_count == HTML_MAX_TABLES) {
        ky_loc loc = {.file = reader->path};
        fail(reader, ky_error_set(reader->ctx, KY_ELIMIT, &loc,
                                  KY_("the page has more than %u tables, the maximum"),
                                  HTML_MAX_TABLES));
        return;
    }
    uint32_t index = reader->table_count++;
    if (index < reader->name_count)
        snprintf(reader->sheet_name, sizeof reader->sheet_name, "%s", reader->names[index]);
    else
        snprintf(reader->sheet_name, sizeof reader->sheet_name, "Table %u", index + 1);

    reader->in_table = true;
    reader->table_depth = depth;
    reader->nested = 0;
    reader->next_row = 0;
    reader->merge_count = 0;
    if (reader->covered_len > 0)
        memset(reader->covered, 0, reader->covered_len * sizeof *reader->covered);

    ky_sheet_info sheet = {.name = reader->sheet_name, .index = index,
                           .visibility = KY_SHEET_VISIBLE};
    int rc = reader->sink->sheet_begin(reader->payload, &sheet);
    reader->skip_sheet = rc == KY_SINK_SKIP_SHEET;
    if (!reader->skip_sheet)
        sink_result(reader, rc, 0);
}

/* Deliver the table's merged ranges, clipped to its rows, and end the sheet. */
static void end_table(html_reader *reader)
{
    reader->in_table = false;
    uint32_t last_row = reader->next_row > 0 ? reader->next_row - 1 : 0;
    for (size_t i = 0; !reader->skip_sheet && i < reader->merge_count; i++) {
        ky_range range = reader->merges[i];
        if (range.last_row > last_row)
            range.last_row = range.first_row > last_row ? range.first_row : last_row;
        if (range.last_row == range.first_row && range.last_col == range.first_col)
            continue;
        if (reader->sink->merge) {
            int rc = reader->sink->merge(reader->payload, &range);
            if (!sink_result(reader, rc, range.first_row + 1))
                return;
        }
    }
    int rc = reader->sink->sheet_end(reader->payload);
    sink_result(reader, rc, 0);
}

/* ------------------------------------------------------------------------ */
/* Excel's worksheet names                                                    */
/* ------------------------------------------------------------------------ */

/* Copy a name, decoding the five predefined XML entities. */
static char *decode_name(const char *text, size_t len)
{
    static const struct {
        const char *entity;
        char c;
    } entities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'},
                    {"&apos;", '\''}};
    char *name = malloc(len + 1);
    if (!name)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        bool replaced = false;
        for (size_t k = 0; text[i] == '&' && k < sizeof entities / sizeof entities[0]; k++) {
            size_t elen = strlen(entities[k].entity);
            if (len - i >= elen && memcmp(text + i, entities[k].entity, elen) == 0) {
                name[n++] = entities[k].c;
                i += elen;
                replaced = true;
                break;
            }
        }
        if (!replaced)
            name[n++] = text[i++];
    }
    name[n] = '\0';
    return name;
}

/*
 * Collect the <x:Name> of each <x:ExcelWorksheet> in a comment, in order.
 * Excel's "Web page" export writes them in a conditional comment
 * (<!--[if gte mso 9]><xml>...) in the head, before any table.
 */
static void collect_names(html_reader *reader, const char *comment)
{
    static const char worksheet[] = "<x:ExcelWorksheet>";
    static const char open[] = "<x:Name>";
    static const char close[] = "</x:Name>";
    const char *p = comment;

    while ((p = strstr(p, worksheet)) != NULL && reader->name_count < HTML_MAX_TABLES) {
        p += sizeof worksheet - 1;
        const char *end = strstr(p, "</x:ExcelWorksheet>");
        const char *start = strstr(p, open);
        if (!start || (end && start > end))
            continue;
        start += sizeof open - 1;
        const char *stop = strstr(start, close);
        if (!stop)
            return;
        size_t len = (size_t)(stop - start);
        p = stop;
        if (len == 0 || len > HTML_MAX_NAME_BYTES)
            continue;
        char **names = realloc(reader->names, (reader->name_count + 1) * sizeof *names);
        if (!names) {
            fail_nomem(reader);
            return;
        }
        reader->names = names;
        char *name = decode_name(start, len);
        if (!name) {
            fail_nomem(reader);
            return;
        }
        reader->names[reader->name_count++] = name;
    }
}

/* ------------------------------------------------------------------------ */
/* SAX callbacks                                                              */
/* ------------------------------------------------------------------------ */

static bool is_element(const xmlChar *name, const char *expected)
{
    return name && strcmp((const char *)name, expected) == 0;
}

/* Return true for elements whose edges separate words in the text of a cell. */
static bool separates_words(const xmlChar *name)
{
    static const char *const names[] = {"table", "tr", "td", "th", "p", "div", "li", "ul",
                                        "ol", "h1", "h2", "h3", "h4", "h5", "h6", "caption",
                                        NULL};
    for (size_t i = 0; names[i]; i++)
        if (is_element(name, names[i]))
            return true;
    return false;
}

static void on_start_element(void *payload, const xmlChar *name, const xmlChar **atts)
{
    html_reader *reader = payload;
    uint32_t depth = reader->depth++;
    if (done(reader) || reader->skipping)
        return;

    if (is_element(name, "script") || is_element(name, "style")) {
        reader->skipping = true;
        reader->skip_depth = depth;
        return;
    }
    if (reader->in_cell && separates_words(name))
        reader->pending_space = true;

    if (is_element(name, "table")) {
        if (reader->in_table)
            reader->nested++;
        else
            start_table(reader, depth);
        return;
    }
    if (!reader->in_table || reader->nested > 0) {
        if (reader->in_cell && is_element(name, "br") && !reader->skip_sheet) {
            reader->pending_space = false;
            append_text(reader, "\n", 1);
        }
        return;
    }

    if (is_element(name, "tr")) {
        if (reader->in_cell)
            end_cell(reader);
        if (reader->in_row)
            end_row(reader);
        if (!done(reader))
            start_row(reader, depth);
    } else if (is_element(name, "td") || is_element(name, "th")) {
        if (reader->in_cell)
            end_cell(reader);
        /* A cell outside any <tr> starts a row of its own, as browsers do. */
        if (!reader->in_row && !done(reader))
            start_row(reader, depth);
        if (!done(reader))
            start_cell(reader, depth, atts);
    } else if (is_element(name, "br") && reader->in_cell && !reader->skip_sheet) {
        reader->pending_space = false;
        append_text(reader, "\n", 1);
    }
}

static void on_end_element(void *payload, const xmlChar *name)
{
    html_reader *reader = payload;
    uint32_t depth = reader->depth > 0 ? --reader->depth : 0;
    if (done(reader))
        return;
    if (reader->skipping) {
        if (depth <= reader->skip_depth)
            reader->skipping = false;
        return;
    }
    if (reader->in_cell && separates_words(name))
        reader->pending_space = true;
    if (is_element(name, "table") && reader->nested > 0) {
        reader->nested--;
        return;
    }

    /* Close what this end tag closes, innermost first. */
    if (reader->in_cell && depth <= reader->cell_depth)
        end_cell(reader);
    if (!done(reader) && reader->in_row && depth <= reader->row_depth)
        end_row(reader);
    if (!done(reader) && reader->in_table && depth <= reader->table_depth) {
        if (reader->in_cell)
            end_cell(reader);
        if (!done(reader) && reader->in_row)
            end_row(reader);
        if (!done(reader))
            end_table(reader);
    }
}

static void on_characters(void *payload, const xmlChar *text, int len)
{
    html_reader *reader = payload;
    if (done(reader) || reader->skipping || !reader->in_cell || reader->skip_sheet || len <= 0)
        return;
    add_text(reader, text, (size_t)len);
}

/* Script and style content, which libxml2 delivers as CDATA blocks: not shown, so not read. */
static void on_script_text(void *payload, const xmlChar *text, int len)
{
}

static void on_comment(void *payload, const xmlChar *text)
{
    html_reader *reader = payload;
    if (done(reader) || reader->table_count > 0 || reader->name_count > 0 || !text)
        return;
    collect_names(reader, (const char *)text);
}

/* Parse errors are not fatal in HTML; the parser recovers as browsers do. */
static void on_parse_error(void *payload, xmlErrorPtr error)
{
}

/* ------------------------------------------------------------------------ */
/* The reader                                                                 */
/* ------------------------------------------------------------------------ */

html_reader *html_reader_new(ky_ctx *ctx, const char *path, const ky_sink *sink, void *payload)
{
    html_reader *reader = calloc(1, sizeof *reader);
    if (!reader)
        return NULL;
    reader->ctx = ctx;
    reader->path = path;
    reader->sink = sink;
    reader->payload = payload;

    xmlInitParser();
    /* SAX2 magic so that structured errors reach on_parse_error; the HTML
     * parser still calls the SAX1 startElement and endElement. */
    reader->sax.initialized = XML_SAX2_MAGIC;
    reader->sax.startElement = on_start_element;
    reader->sax.endElement = on_end_element;
    reader->sax.characters = on_characters;
    reader->sax.ignorableWhitespace = on_characters;
    reader->sax.cdataBlock = on_script_text;
    reader->sax.comment = on_comment;
    reader->sax.serror = on_parse_error;

    reader->parser = htmlCreatePushParserCtxt(&reader->sax, reader, NULL, 0, path,
                                              XML_CHAR_ENCODING_UTF8);
    if (!reader->parser) {
        free(reader);
        return NULL;
    }
    htmlCtxtUseOptions(reader->parser, HTML_OPTIONS);
    return reader;
}

/* Drop a message of libxml2's generic error channel; see parse_quietly(). */
static void discard_generic_error(void *context, const char *format, ...)
{
}

/*
 * Run htmlParseChunk with libxml2's generic error channel silenced, because
 * libxml2 2.9 reports some errors there and its default handler prints them
 * to stderr. A plugin must not print. The caller's handler is restored.
 */
static void parse_quietly(html_reader *reader, const char *text, int len, bool last)
{
    xmlGenericErrorFunc saved = xmlGenericError;
    void *saved_context = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, discard_generic_error);
    htmlParseChunk(reader->parser, text, len, last);
    xmlSetGenericErrorFunc(saved_context, saved);
}

int html_reader_feed(html_reader *reader, const char *text, size_t len, bool last)
{
    /* htmlParseChunk takes an int length; the plugin's chunks are far smaller. */
    while (!done(reader) && len > 0) {
        int n = len > (1u << 20) ? 1 << 20 : (int)len;
        parse_quietly(reader, text, n, last && (size_t)n == len);
        text += n;
        len -= (size_t)n;
    }
    if (!done(reader) && last && len == 0)
        parse_quietly(reader, NULL, 0, true);
    if (reader->status != 0)
        return reader->status;
    return reader->stopped ? 1 : 0;
}

int html_reader_finish(html_reader *reader)
{
    if (reader->status != 0)
        return reader->status;
    if (reader->stopped)
        return 0;
    /* The parser closes open elements at the end, but a stopped parser may not have. */
    if (reader->in_table) {
        if (reader->in_cell)
            end_cell(reader);
        if (!done(reader) && reader->in_row)
            end_row(reader);
        if (!done(reader))
            end_table(reader);
        if (reader->status != 0)
            return reader->status;
    }
    if (reader->table_count == 0) {
        ky_loc loc = {.file = reader->path};
        return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                            KY_("the page contains no <table> element, so there is no sheet "
                                "to read"));
    }
    return 0;
}

void html_reader_free(html_reader *reader)
{
    if (!reader)
        return;
    if (reader->parser) {
        if (reader->parser->myDoc)
            xmlFreeDoc(reader->parser->myDoc);
        htmlFreeParserCtxt(reader->parser);
    }
    for (size_t i = 0; i < reader->name_count; i++)
        free(reader->names[i]);
    free(reader->names);
    free(reader->covered);
    free(reader->merges);
    free(reader->cells);
    free(reader->delivered);
    ky_buf_free(&reader->row_text);
    ky_buf_free(&reader->text);
    free(reader);
}
