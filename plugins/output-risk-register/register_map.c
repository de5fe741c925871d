/* SPDX-License-Identifier: MIT */
/*
 * The risk map (リスクマップ) of the risk register workbook: a heat map with
 * A 影響度 down the side from high to low and B 発生度 across from low to high.
 * Each cell counts the risks of the register with that A and B by a COUNTIFS
 * formula, so edits on the register update the map. This file also composes
 * the register's note for a threshold that no A x B can equal.
 */
#include <stdio.h>
#include <string.h>

#include "kyokun/i18n.h"
#include "register.h"

/* ---------------------------------------------------------------------------
 * Products of the scale
 */

/* Return true when some A x B with A and B in 1..scale equals `value`. */
static bool is_product(int scale, int value)
{
    for (int a = 1; a <= scale; a++) {
        if (value % a == 0 && value / a >= 1 && value / a <= scale)
            return true;
    }
    return false;
}

/*
 * Append the products from `threshold` up as a list, "6 または 9" / "6 or 9",
 * and store the first in *smallest. Returns how many, or KY_ENOMEM.
 */
static int append_products_from(const reg_writer *w, int threshold, ky_buf *out, int *smallest)
{
    int found[REG_MAX_SCALE * REG_MAX_SCALE];
    int count = 0;
    int largest = ky_risk_value_max(w->scale);
    for (int value = threshold < 1 ? 1 : threshold; value <= largest; value++) {
        if (is_product(w->scale, value))
            found[count++] = value;
    }

    for (int i = 0; i < count; i++) {
        const char *separator = "";
        if (i > 0)
            separator = i == count - 1 ? w->labels->list_last_separator
                                       : w->labels->list_separator;
        if (ky_buf_printf(out, "%s%d", separator, found[i]) < 0)
            return KY_ENOMEM;
    }
    *smallest = count > 0 ? found[0] : 0;
    return count;
}

/* The note's printf formats come from the label tables, and register.h documents their arguments. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/*
 * NOTE: the note is composed at write time, so it keeps naming the old
 * threshold when a user edits the threshold cell in Excel.
 */
int reg_compose_threshold_note(const reg_writer *w, ky_buf *out)
{
    int threshold = w->book->threshold;
    ky_buf_clear(out);
    if (ky_buf_append(out, "", 0) < 0)
        return KY_ENOMEM;
    if (is_product(w->scale, threshold))
        return 0;

    ky_buf products = {0};
    int smallest = 0;
    int count = append_products_from(w, threshold, &products, &smallest);
    int rc;
    if (count < 0)
        rc = count;
    else if (count == 0)
        rc = ky_buf_printf(out, w->labels->threshold_unreachable, threshold,
                           ky_risk_value_max(w->scale));
    else
        rc = ky_buf_printf(out, w->labels->threshold_unmatched, threshold, smallest,
                           products.data);
    ky_buf_free(&products);
    return rc < 0 ? KY_ENOMEM : 0;
}

#pragma GCC diagnostic pop

/* ---------------------------------------------------------------------------
 * Layout and colours
 */

/* Rows of the map sheet (0-based). The counts start at MAP_FIRST_ROW. */
enum {
    MAP_TITLE_ROW = 0,
    MAP_HELP_ROW = 1,
    MAP_THRESHOLD_ROW = 2,
    MAP_AXIS_ROW = 4,  /**< Title of the B axis. */
    MAP_LEVEL_ROW = 5, /**< B levels, low to high. */
    MAP_FIRST_ROW = 6  /**< A = scale; the rows below go down to A = 1. */
};

/* Columns of the map sheet. */
enum {
    MAP_AXIS_COL = 0,  /**< Title of the A axis, merged down the map rows. */
    MAP_LEVEL_COL = 1, /**< A levels, high to low. */
    MAP_FIRST_COL = 2  /**< B = 1; the columns to the right go up to B = scale. */
};

#define MAP_AXIS_WIDTH 6.0
#define MAP_LEVEL_WIDTH 12.0
#define MAP_CELL_WIDTH 16.0
#define MAP_CELL_HEIGHT 48.0 /* Points, so that a cell of a 3-level map is about square. */

/*
 * How a cell of the map is coloured. A cell whose A x B reaches the threshold
 * needs a response (red). A cell below it is "watch" (amber) when one level
 * more of A or of B, within the scale, would reach the threshold, and
 * "accept" (green) otherwise. With threshold 5 on a 3-level scale, A x B of 6
 * and 9 are red, 3 (A=3 B=1 or A=1 B=3) and 4 are amber, and 1 and 2 green.
 */
typedef enum map_tone {
    TONE_RESPOND,
    TONE_WATCH,
    TONE_ACCEPT,
    TONE_COUNT
} map_tone;

static const lxw_color_t tone_colors[TONE_COUNT] = {
    [TONE_RESPOND] = 0xF4A7A3,
    [TONE_WATCH] = 0xFFE08A,
    [TONE_ACCEPT] = 0xB7DDA0,
};

static int min_int(int x, int y)
{
    return x < y ? x : y;
}

/* Return the tone of the cell with impact `a` and likelihood `b`. */
static map_tone tone_of(int a, int b, int scale, int threshold)
{
    if (a * b >= threshold)
        return TONE_RESPOND;
    if (min_int(a + 1, scale) * b >= threshold || a * min_int(b + 1, scale) >= threshold)
        return TONE_WATCH;
    return TONE_ACCEPT;
}

/* Formats of the map sheet, created once per write. */
typedef struct map_formats {
    lxw_format *cells[TONE_COUNT];     /**< Count cells, filled with the tone at write time. */
    lxw_format *rules[TONE_COUNT];     /**< Fills of the conditional formats. */
    lxw_format *swatches[TONE_COUNT];  /**< Legend cells. */
    lxw_format *levels[REG_MAX_SCALE]; /**< Level 1.. headers, the level name in the number format. */
    lxw_format *axis;                  /**< Axis title across the top. */
    lxw_format *axis_side;             /**< Axis title down the side, rotated. */
    lxw_format *total;                 /**< The total cell. */
    lxw_format *legend;                /**< Rule text beside a legend cell. */
} map_formats;

/* Add a bordered, centred format. */
static lxw_format *add_centred_format(lxw_workbook *workbook)
{
    lxw_format *format = workbook_add_format(workbook);
    if (format) {
        format_set_border(format, LXW_BORDER_THIN);
        format_set_align(format, LXW_ALIGN_CENTER);
        format_set_align(format, LXW_ALIGN_VERTICAL_CENTER);
    }
    return format;
}

/* Create the map's formats; return false when libxlsxwriter is out of memory. */
static bool add_map_formats(reg_writer *w, map_formats *formats)
{
    lxw_workbook *wb = w->workbook;

    for (int tone = 0; tone < TONE_COUNT; tone++) {
        formats->cells[tone] = add_centred_format(wb);
        formats->rules[tone] = workbook_add_format(wb);
        formats->swatches[tone] = add_centred_format(wb);
        if (!formats->cells[tone] || !formats->rules[tone] || !formats->swatches[tone])
            return false;
        format_set_bg_color(formats->cells[tone], tone_colors[tone]);
        format_set_bold(formats->cells[tone]);
        format_set_font_size(formats->cells[tone], 16);
        format_set_bg_color(formats->rules[tone], tone_colors[tone]);
        format_set_bg_color(formats->swatches[tone], tone_colors[tone]);
        format_set_bold(formats->swatches[tone]);
    }

    /* The level headers are numbers, so that the conditional formats can multiply them. */
    for (int level = 1; level <= w->scale; level++) {
        lxw_format *format = add_centred_format(wb);
        if (!format)
            return false;
        format_set_bold(format);
        format_set_bg_color(format, 0xDDEBF7);
        const char *level_name = w->scale == REG_MAX_SCALE ? w->labels->level_names5[level - 1]
                                                           : w->labels->level_names[level - 1];
        char number_format[64];
        snprintf(number_format, sizeof number_format, "0\" %s\"", level_name);
        format_set_num_format(format, number_format);
        formats->levels[level - 1] = format;
    }

    formats->axis = add_centred_format(wb);
    formats->axis_side = add_centred_format(wb);
    formats->total = add_centred_format(wb);
    formats->legend = workbook_add_format(wb);
    if (!formats->axis || !formats->axis_side || !formats->total || !formats->legend)
        return false;
    format_set_text_wrap(formats->legend);
    format_set_align(formats->legend, LXW_ALIGN_VERTICAL_CENTER);
    format_set_bold(formats->axis);
    format_set_bg_color(formats->axis, 0xDDEBF7);
    format_set_bold(formats->axis_side);
    format_set_bg_color(formats->axis_side, 0xDDEBF7);
    /* 270 stacks Japanese characters top to bottom; Latin text reads better turned. */
    format_set_rotation(formats->axis_side, w->options->lang == KY_LANG_EN ? 90 : 270);
    format_set_bold(formats->total);
    format_set_font_size(formats->total, 12);
    return true;
}

/* ---------------------------------------------------------------------------
 * Cells
 */

/* Bytes of a range reference: the quoted sheet name and "!$XXX$1048576:$XXX$1048576". */
#define REG_RANGE_SIZE (2 * REG_SHEET_NAME_SIZE + 64)

/* Write "'sheet'!$E$4:$E$1048576", the records of one register column, into `out`. */
static void register_range(const reg_writer *w, lxw_col_t col, char *out, size_t size)
{
    char letters[8];
    char quoted[2 * REG_SHEET_NAME_SIZE];
    ky_col_name(col, letters);
    /* A legal name takes at most 93 bytes and 188 quoted, so `quoted` is large enough. */
    reg_quote_sheet_name(w->risk_sheet_name, quoted, sizeof quoted);
    snprintf(out, size, "%s!$%s$%u:$%s$%u", quoted, letters, (unsigned)REG_RISK_FIRST_ROW + 1,
             letters, REG_MAX_ROWS);
}

/* Write the count of risks with impact `a` and likelihood `b`, as a formula with the count cached. */
static int write_count(reg_writer *w, lxw_worksheet *ws, const map_formats *formats, int a,
                       int b)
{
    char a_range[REG_RANGE_SIZE], b_range[REG_RANGE_SIZE], formula[2 * REG_RANGE_SIZE + 64];
    register_range(w, REG_RISK_COL_A, a_range, sizeof a_range);
    register_range(w, REG_RISK_COL_B, b_range, sizeof b_range);
    snprintf(formula, sizeof formula, "=COUNTIFS(%s,%d,%s,%d)", a_range, a, b_range, b);

    int count = 0;
    for (size_t i = 0; i < w->book->risk_count; i++) {
        if (w->book->risks[i].a == a && w->book->risks[i].b == b)
            count++;
    }

    lxw_row_t row = MAP_FIRST_ROW + (lxw_row_t)(w->scale - a);
    lxw_col_t col = MAP_FIRST_COL + (lxw_col_t)(b - 1);
    lxw_format *format = formats->cells[tone_of(a, b, w->scale, w->book->threshold)];
    return reg_check(w, worksheet_write_formula_num(ws, row, col, formula, format, count),
                     "write risk map count");
}

/*
 * Write the total: risks whose A and B are both numbers above 0. It exceeds
 * the sum of the map when the register contains an A or B outside the scale.
 */
static int write_total(reg_writer *w, lxw_worksheet *ws, const map_formats *formats)
{
    char a_range[REG_RANGE_SIZE], b_range[REG_RANGE_SIZE], formula[2 * REG_RANGE_SIZE + 64];
    register_range(w, REG_RISK_COL_A, a_range, sizeof a_range);
    register_range(w, REG_RISK_COL_B, b_range, sizeof b_range);
    snprintf(formula, sizeof formula, "=COUNTIFS(%s,\">0\",%s,\">0\")", a_range, b_range);

    int count = 0;
    for (size_t i = 0; i < w->book->risk_count; i++) {
        if (w->book->risks[i].a > 0 && w->book->risks[i].b > 0)
            count++;
    }

    lxw_row_t row = MAP_FIRST_ROW + (lxw_row_t)w->scale;
    lxw_col_t last_col = MAP_FIRST_COL + (lxw_col_t)w->scale - 1;
    int rc = reg_check(w, worksheet_write_string(ws, row, MAP_LEVEL_COL, w->labels->map_total,
                                                 formats->total),
                       "write risk map total");
    /* libxlsxwriter writes a merged range as a string, so the formula replaces it afterwards. */
    if (rc == 0 && last_col > MAP_FIRST_COL)
        rc = reg_check(w, worksheet_merge_range(ws, row, MAP_FIRST_COL, row, last_col, "",
                                                formats->total),
                       "write risk map total");
    if (rc == 0)
        rc = reg_check(w, worksheet_write_formula_num(ws, row, MAP_FIRST_COL, formula,
                                                      formats->total, count),
                       "write risk map total");
    return rc;
}

/* Write the axis titles and the level headers around the map. */
static int write_axes(reg_writer *w, lxw_worksheet *ws, const map_formats *formats)
{
    lxw_col_t last_col = MAP_FIRST_COL + (lxw_col_t)w->scale - 1;
    lxw_row_t last_row = MAP_FIRST_ROW + (lxw_row_t)w->scale - 1;

    int rc = reg_check(w, worksheet_merge_range(ws, MAP_AXIS_ROW, MAP_FIRST_COL, MAP_AXIS_ROW,
                                                last_col, w->labels->map_likelihood_axis,
                                                formats->axis),
                       "write risk map axis");
    if (rc == 0)
        rc = reg_check(w, worksheet_merge_range(ws, MAP_FIRST_ROW, MAP_AXIS_COL, last_row,
                                                MAP_AXIS_COL, w->labels->map_impact_axis,
                                                formats->axis_side),
                       "write risk map axis");

    for (int level = 1; level <= w->scale && rc == 0; level++) {
        lxw_format *format = formats->levels[level - 1];
        rc = reg_check(w, worksheet_write_number(ws, MAP_LEVEL_ROW,
                                                 MAP_FIRST_COL + (lxw_col_t)(level - 1), level,
                                                 format),
                       "write risk map level");
        if (rc == 0)
            rc = reg_check(w, worksheet_write_number(ws, MAP_FIRST_ROW + (lxw_row_t)(w->scale - level),
                                                     MAP_LEVEL_COL, level, format),
                           "write risk map level");
    }
    return rc;
}

/*
 * Colour the map by conditional formats that multiply the level headers and
 * compare with the named threshold cell, so a changed threshold recolours
 * it. The three rules exclude one another and follow tone_of().
 */
static int add_map_rules(reg_writer *w, lxw_worksheet *ws, const map_formats *formats)
{
    char level_col[8], first_col[8];
    ky_col_name(MAP_LEVEL_COL, level_col);
    ky_col_name(MAP_FIRST_COL, first_col);
    char a[16], b[16], a_up[48], b_up[48];
    snprintf(a, sizeof a, "$%s%u", level_col, (unsigned)MAP_FIRST_ROW + 1);
    snprintf(b, sizeof b, "%s$%u", first_col, (unsigned)MAP_LEVEL_ROW + 1);
    snprintf(a_up, sizeof a_up, "MIN(%s+1,%d)", a, w->scale);
    snprintf(b_up, sizeof b_up, "MIN(%s+1,%d)", b, w->scale);

    const char *name = w->labels->threshold_name;
    char formulas[TONE_COUNT][256];
    snprintf(formulas[TONE_RESPOND], sizeof formulas[0], "=%s*%s>=%s", a, b, name);
    snprintf(formulas[TONE_WATCH], sizeof formulas[0], "=AND(%s*%s<%s,OR(%s*%s>=%s,%s*%s>=%s))",
             a, b, name, a_up, b, name, a, b_up, name);
    snprintf(formulas[TONE_ACCEPT], sizeof formulas[0], "=AND(%s*%s<%s,%s*%s<%s)", a_up, b,
             name, a, b_up, name);

    lxw_row_t last_row = MAP_FIRST_ROW + (lxw_row_t)w->scale - 1;
    lxw_col_t last_col = MAP_FIRST_COL + (lxw_col_t)w->scale - 1;
    int rc = 0;
    for (int tone = 0; tone < TONE_COUNT && rc == 0; tone++) {
        lxw_conditional_format rule = {
            .type = LXW_CONDITIONAL_TYPE_FORMULA,
            .value_string = formulas[tone],
            .format = formats->rules[tone],
        };
        rc = reg_check(w, worksheet_conditional_format_range(ws, MAP_FIRST_ROW, MAP_FIRST_COL,
                                                             last_row, last_col, &rule),
                       "add risk map conditional format");
    }
    return rc;
}

/* Write one line of the legend: a cell in the tone's colour and its rule, merged to the map's right edge. */
static int write_legend_line(reg_writer *w, lxw_worksheet *ws, const map_formats *formats,
                             lxw_row_t row, map_tone tone, const char *label, const char *rule)
{
    lxw_col_t last_col = MAP_FIRST_COL + (lxw_col_t)w->scale - 1;
    double width = MAP_CELL_WIDTH * w->scale;
    size_t lines = reg_text_lines(rule, width);

    int rc = reg_check(w, worksheet_write_string(ws, row, MAP_LEVEL_COL, label,
                                                 formats->swatches[tone]),
                       "write risk map legend");
    if (rc == 0)
        rc = reg_check(w, worksheet_merge_range(ws, row, MAP_FIRST_COL, row, last_col, rule,
                                                formats->legend),
                       "write risk map legend");
    if (rc == 0 && lines > 1)
        rc = reg_check(w, worksheet_set_row(ws, row, REG_LINE_HEIGHT * (double)lines, NULL),
                       "set row height");
    return rc;
}

/* Write the title, the help line and the threshold, which the colours compare with. */
static int write_heading(reg_writer *w, lxw_worksheet *ws)
{
    const reg_labels *labels = w->labels;
    lxw_col_t last_col = MAP_FIRST_COL + (lxw_col_t)w->scale - 1;
    double width = MAP_AXIS_WIDTH + MAP_LEVEL_WIDTH + MAP_CELL_WIDTH * w->scale;
    size_t lines = reg_text_lines(labels->map_help, width);

    int rc = reg_check(w, worksheet_write_string(ws, MAP_TITLE_ROW, 0, labels->map_sheet,
                                                 w->title),
                       "write title");
    if (rc == 0)
        rc = reg_check(w, worksheet_merge_range(ws, MAP_HELP_ROW, 0, MAP_HELP_ROW, last_col,
                                                labels->map_help, w->note),
                       "write risk map help");
    if (rc == 0 && lines > 1)
        rc = reg_check(w, worksheet_set_row(ws, MAP_HELP_ROW, REG_LINE_HEIGHT * (double)lines,
                                            NULL),
                       "set row height");

    char formula[64];
    snprintf(formula, sizeof formula, "=%s", labels->threshold_name);
    if (rc == 0)
        rc = reg_check(w, worksheet_write_string(ws, MAP_THRESHOLD_ROW, MAP_LEVEL_COL,
                                                 labels->threshold_label, w->label),
                       "write threshold label");
    if (rc == 0)
        rc = reg_check(w, worksheet_write_formula_num(ws, MAP_THRESHOLD_ROW, MAP_FIRST_COL,
                                                      formula, w->threshold,
                                                      w->book->threshold),
                       "write threshold");
    if (rc == 0 && last_col > MAP_FIRST_COL)
        rc = reg_check(w, worksheet_merge_range(ws, MAP_THRESHOLD_ROW, MAP_FIRST_COL + 1,
                                                MAP_THRESHOLD_ROW, last_col,
                                                labels->threshold_help, w->note),
                       "write threshold help");
    return rc;
}

/* Set column widths, row heights, and printing on one A4 landscape page. */
static int setup_map_page(reg_writer *w, lxw_worksheet *ws)
{
    lxw_col_t last_col = MAP_FIRST_COL + (lxw_col_t)w->scale - 1;
    int rc = reg_check(w, worksheet_set_column(ws, MAP_AXIS_COL, MAP_AXIS_COL, MAP_AXIS_WIDTH,
                                               NULL),
                       "set column width");
    if (rc == 0)
        rc = reg_check(w, worksheet_set_column(ws, MAP_LEVEL_COL, MAP_LEVEL_COL,
                                               MAP_LEVEL_WIDTH, NULL),
                       "set column width");
    if (rc == 0)
        rc = reg_check(w, worksheet_set_column(ws, MAP_FIRST_COL, last_col, MAP_CELL_WIDTH, NULL),
                       "set column width");
    for (int i = 0; i < w->scale && rc == 0; i++)
        rc = reg_check(w, worksheet_set_row(ws, MAP_FIRST_ROW + (lxw_row_t)i, MAP_CELL_HEIGHT,
                                            NULL),
                       "set row height");
    if (rc < 0)
        return rc;

    worksheet_gridlines(ws, LXW_HIDE_ALL_GRIDLINES);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, REG_PAPER_A4);
    worksheet_fit_to_pages(ws, 1, 1);
    worksheet_center_horizontally(ws);
    return reg_check(w, worksheet_set_footer(ws, "&C&P / &N"), "set footer");
}

int reg_write_map_sheet(reg_writer *w)
{
    const reg_labels *labels = w->labels;
    map_formats formats = {0};
    if (!add_map_formats(w, &formats))
        return reg_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "add formats");

    lxw_worksheet *ws = NULL;
    const char *name = NULL;
    int rc = reg_add_sheet(w, labels->map_sheet, &ws, &name);
    if (rc == 0)
        rc = setup_map_page(w, ws);
    if (rc == 0)
        rc = write_heading(w, ws);
    if (rc == 0)
        rc = write_axes(w, ws, &formats);
    for (int a = w->scale; a >= 1 && rc == 0; a--) {
        for (int b = 1; b <= w->scale && rc == 0; b++)
            rc = write_count(w, ws, &formats, a, b);
    }
    if (rc == 0)
        rc = write_total(w, ws, &formats);
    if (rc == 0)
        rc = add_map_rules(w, ws, &formats);

    lxw_row_t legend = MAP_FIRST_ROW + (lxw_row_t)w->scale + 2;
    if (rc == 0)
        rc = write_legend_line(w, ws, &formats, legend, TONE_RESPOND, labels->legend_respond,
                               labels->legend_respond_rule);
    if (rc == 0)
        rc = write_legend_line(w, ws, &formats, legend + 1, TONE_WATCH, labels->legend_watch,
                               labels->legend_watch_rule);
    if (rc == 0)
        rc = write_legend_line(w, ws, &formats, legend + 2, TONE_ACCEPT, labels->legend_accept,
                               labels->legend_accept_rule);
    return rc;
}
