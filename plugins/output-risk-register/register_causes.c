/* SPDX-License-Identifier: MIT */
/*
 * The cause sheet (原因別集計) of the risk register workbook. It lists the
 * incidents counted per main cause by ky_stats_compute(), most frequent
 * first, with share, cumulative share, ABC class, damage and effort. Its
 * Pareto chart has columns for the counts and a cumulative-share line on a
 * secondary axis.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "kyokun/i18n.h"
#include "kyokun/stats.h"
#include "register.h"

/* Rows of the cause sheet above the records (0-based). */
enum {
    CAUSE_TITLE_ROW = 0,
    CAUSE_HELP_ROW = 1,
    CAUSE_HEADER_ROW = 2
};

enum {
    CAUSE_KEY,
    CAUSE_COUNT,
    CAUSE_SHARE,
    CAUSE_CUMULATIVE,
    CAUSE_CLASS,
    CAUSE_DAMAGE,
    CAUSE_EFFORT,
    CAUSE_COLUMNS
};

static const reg_column cause_columns[CAUSE_COLUMNS] = {
    [CAUSE_KEY] = {"主な原因", "Main cause", 28},
    [CAUSE_COUNT] = {"件数", "Incidents", 9},
    [CAUSE_SHARE] = {"構成比", "Share", 9},
    [CAUSE_CUMULATIVE] = {"累積構成比", "Cumulative share", 11},
    [CAUSE_CLASS] = {"ABC区分", "ABC class", 8},
    [CAUSE_DAMAGE] = {"障害の影響額 (円)", "Damage (yen)", 14},
    [CAUSE_EFFORT] = {"対応工数 (人月)", "Effort (person-months)", 12},
};

/* The chart sits right of the table, one column apart, from the header row down. */
#define CAUSE_CHART_COL (CAUSE_COLUMNS + 1)
#define CAUSE_CHART_X_SCALE 1.5 /* 720 pixels wide, so that long cause names fit below the columns. */
#define CAUSE_CHART_Y_SCALE 2.0 /* 576 pixels high, for the plot above the slanted cause names. */


/* Return the ABC cut-offs of the write options, or the defaults for those not given. */
static ky_abc_cutoffs cutoffs_of(const ky_write_options *options)
{
    ky_abc_cutoffs cutoffs = ky_abc_cutoffs_default();
    if (options->version >= 3 && options->abc_a > 0 && options->abc_b > 0) {
        cutoffs.a = options->abc_a;
        cutoffs.b = options->abc_b;
    }
    return cutoffs;
}

/* Write the title and the help line, which names the cut-offs. */
static int write_cause_heading(reg_writer *w, lxw_worksheet *ws, const ky_abc_cutoffs *cutoffs)
{
    const reg_labels *labels = w->labels;
    double width = 0;
    for (int col = 0; col < CAUSE_COLUMNS; col++)
        width += cause_columns[col].width;

    ky_buf_clear(&w->compose);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    int rc = ky_buf_printf(&w->compose, labels->cause_help, cutoffs->a, cutoffs->b);
#pragma GCC diagnostic pop
    if (rc < 0)
        return reg_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "write cause help");
    size_t lines = reg_text_lines(w->compose.data, width);

    rc = reg_check(w, worksheet_write_string(ws, CAUSE_TITLE_ROW, 0, labels->cause_title,
                                             w->title),
                   "write title");
    if (rc == 0)
        rc = reg_check(w, worksheet_merge_range(ws, CAUSE_HELP_ROW, 0, CAUSE_HELP_ROW,
                                                CAUSE_COLUMNS - 1, w->compose.data, w->note),
                       "write cause help");
    if (rc == 0 && lines > 1)
        rc = reg_check(w, worksheet_set_row(ws, CAUSE_HELP_ROW, REG_LINE_HEIGHT * (double)lines,
                                            NULL),
                       "set row height");
    return rc;
}

/* Write a sum as a number, or a blank cell when no record of the key had one. */
static int write_sum(reg_writer *w, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                     double value, lxw_format *format)
{
    lxw_error error = isfinite(value) ? worksheet_write_number(ws, row, col, value, format)
                                      : worksheet_write_blank(ws, row, col, format);
    return reg_check(w, error, "write number");
}

/* Write one key of the table into `row`. */
static int write_cause_row(reg_writer *w, lxw_worksheet *ws, const char *sheet_name,
                           lxw_row_t row, const ky_stats_row *stats)
{
    reg_cell_ref ref = {.sheet = ws, .sheet_name = sheet_name, .row = row, .col = CAUSE_KEY};
    char abc[2] = {stats->abc_class, '\0'};

    int rc = reg_write_text(w, &ref, stats->key ? stats->key : w->labels->cause_blank, w->text);
    if (rc == 0)
        rc = reg_check(w, worksheet_write_number(ws, row, CAUSE_COUNT, (double)stats->count,
                                                 w->number),
                       "write number");
    if (rc == 0)
        rc = reg_check(w, worksheet_write_number(ws, row, CAUSE_SHARE, stats->share, w->percent),
                       "write number");
    if (rc == 0)
        rc = reg_check(w, worksheet_write_number(ws, row, CAUSE_CUMULATIVE,
                                                 stats->cumulative_share, w->percent),
                       "write number");
    if (rc == 0)
        rc = reg_check(w, worksheet_write_string(ws, row, CAUSE_CLASS, abc, w->number),
                       "write text");
    if (rc == 0)
        rc = write_sum(w, ws, row, CAUSE_DAMAGE, stats->damage_yen, w->yen);
    if (rc == 0)
        rc = write_sum(w, ws, row, CAUSE_EFFORT, stats->effort_pm, w->effort);
    if (rc == 0)
        rc = reg_finish_row(w, ws, row);
    return rc;
}

/* Write the total row below the keys: the incident count and a share of 100 %. */
static int write_cause_total(reg_writer *w, lxw_worksheet *ws, lxw_row_t row, size_t total)
{
    int rc = reg_check(w, worksheet_write_string(ws, row, CAUSE_KEY, w->labels->cause_total,
                                                 w->header),
                       "write total");
    if (rc == 0)
        rc = reg_check(w, worksheet_write_number(ws, row, CAUSE_COUNT, (double)total, w->number),
                       "write total");
    if (rc == 0)
        rc = reg_check(w, worksheet_write_number(ws, row, CAUSE_SHARE, total > 0 ? 1.0 : 0.0,
                                                 w->percent),
                       "write total");
    return rc;
}

/* Write "'sheet'!$A$4:$A$9", the cells of one column over the table's rows, into `out`. */
static void column_range(const char *sheet_name, lxw_col_t col, lxw_row_t first, lxw_row_t last,
                         char *out, size_t size)
{
    char quoted[2 * REG_SHEET_NAME_SIZE];
    char letters[8];
    reg_quote_sheet_name(sheet_name, quoted, sizeof quoted);
    ky_col_name(col, letters);
    snprintf(out, size, "%s!$%s$%u:$%s$%u", quoted, letters, (unsigned)first + 1, letters,
             (unsigned)last + 1);
}

/*
 * Insert the Pareto chart: the counts as columns here, and the cumulative
 * share as a line on a secondary axis, which reg_patch_chart() adds after
 * the workbook is saved.
 */
static int insert_chart(reg_writer *w, lxw_worksheet *ws, const char *sheet_name,
                        const ky_stats_table *table)
{
    const reg_labels *labels = w->labels;
    lxw_row_t first = CAUSE_HEADER_ROW + 1;
    lxw_row_t last = first + (lxw_row_t)table->count - 1;

    lxw_chart *chart = workbook_add_chart(w->workbook, LXW_CHART_COLUMN);
    lxw_chart_series *series = chart ? chart_add_series(chart, NULL, NULL) : NULL;
    if (!series)
        return reg_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "add chart");

    /* libxlsxwriter quotes the sheet name itself in these ranges. */
    chart_series_set_categories(series, sheet_name, first, CAUSE_KEY, last, CAUSE_KEY);
    chart_series_set_values(series, sheet_name, first, CAUSE_COUNT, last, CAUSE_COUNT);
    chart_series_set_name(series, labels->cause_count_series);
    chart_title_set_name(chart, labels->cause_chart_title);
    chart_axis_set_min(chart->y_axis, 0);
    chart_set_series_gap(chart, 30);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);

    char categories[2 * REG_SHEET_NAME_SIZE + 32];
    char values[2 * REG_SHEET_NAME_SIZE + 32];
    column_range(sheet_name, CAUSE_KEY, first, last, categories, sizeof categories);
    column_range(sheet_name, CAUSE_CUMULATIVE, first, last, values, sizeof values);
    double *shares = calloc(table->count, sizeof *shares);
    if (!shares)
        return reg_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "add chart");
    for (size_t i = 0; i < table->count; i++)
        shares[i] = table->rows[i].cumulative_share;
    int rc = reg_compose_chart_line(w, labels->cause_share_series, categories, values, shares,
                                    table->count);
    free(shares);
    if (rc < 0)
        return reg_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "add chart");

    lxw_chart_options options = {
        .x_offset = 8,
        .x_scale = CAUSE_CHART_X_SCALE,
        .y_scale = CAUSE_CHART_Y_SCALE,
        .description = (char *)labels->cause_chart_title,
    };
    return reg_check(w, worksheet_insert_chart_opt(ws, CAUSE_HEADER_ROW, CAUSE_CHART_COL, chart,
                                                   &options),
                     "insert chart");
}

/* Write the table and the chart from the computed statistics. */
static int write_cause_table(reg_writer *w, lxw_worksheet *ws, const char *name,
                             const ky_stats_table *table, const ky_abc_cutoffs *cutoffs)
{
    int rc = write_cause_heading(w, ws, cutoffs);
    if (rc == 0)
        rc = reg_setup_table(w, ws, CAUSE_HEADER_ROW, cause_columns, CAUSE_COLUMNS,
                             table->count);
    lxw_row_t first = CAUSE_HEADER_ROW + 1;
    for (size_t i = 0; i < table->count && rc == 0; i++)
        rc = write_cause_row(w, ws, name, first + (lxw_row_t)i, &table->rows[i]);
    if (rc == 0)
        rc = write_cause_total(w, ws, first + (lxw_row_t)table->count, table->total);
    if (rc == 0 && table->count > 0)
        rc = insert_chart(w, ws, name, table);
    return rc;
}

int reg_write_cause_sheet(reg_writer *w)
{
    ky_abc_cutoffs cutoffs = cutoffs_of(w->options);
    ky_stats_table table = {0};
    if (ky_stats_compute(w->book, KY_STATS_MAIN_CAUSE, &cutoffs, &table) < 0)
        return reg_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "count causes");

    lxw_worksheet *ws = NULL;
    const char *name = NULL;
    int rc = reg_add_sheet(w, w->labels->cause_sheet, &ws, &name);
    if (rc == 0)
        rc = write_cause_table(w, ws, name, &table, &cutoffs);
    ky_stats_table_free(&table);
    return rc;
}
