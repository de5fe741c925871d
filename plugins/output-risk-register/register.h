/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the risk-register output plugin: the writer state
 * shared by the sheet writers, the document labels in Japanese and English,
 * and the helpers that make user text safe for a cell.
 */
#ifndef KY_OUTPUT_REGISTER_H
#define KY_OUTPUT_REGISTER_H

#include <xlsxwriter.h>

#include "formats/ky_text.h"
#include "kyokun/plugin.h"
#include "plugins/output-risk-register/register_names.h"

/** Excel's maximum number of characters (UTF-16 code units) in one cell. */
#define REG_CELL_MAX_UNITS 32767

/** Excel's maximum number of rows in a sheet. */
#define REG_MAX_ROWS 1048576u

/**
 * Points per line of wrapped text in a row. Lines of Japanese text at the
 * default size were about 17 points apart in PDFs from LibreOffice 7.4 (an
 * estimate from rendered pages), more than Excel's default row of 15 points.
 */
#define REG_LINE_HEIGHT 18.0

/** Paper size code of A4 in libxlsxwriter. */
#define REG_PAPER_A4 9

/** Levels of A and B when the book has no scale: 1 to 3, as in the IPA/SEC guide. */
#define REG_DEFAULT_SCALE 3

/** Largest scale the plugin supports (levels 1 to 5, so A x B up to 25). */
#define REG_MAX_SCALE 5

/* Position of the records on the risk sheet (0-based), which the risk map's formulas count. */
#define REG_RISK_FIRST_ROW 3 /**< Row of the first record, below the title, threshold and header. */
#define REG_RISK_COL_A 4     /**< Column of A 影響度 (E). */
#define REG_RISK_COL_B 5     /**< Column of B 発生度 (F). */

/** A column of a table sheet: its header label in both languages and its width. */
typedef struct reg_column {
    const char *ja;
    const char *en;
    double width; /**< In Excel character units; a Japanese character takes about 2. */
} reg_column;

/** Document labels that are not column headers. */
typedef struct reg_labels {
    const char *risk_sheet;
    const char *map_sheet;
    const char *lesson_sheet;
    const char *incident_sheet;
    const char *cause_sheet;      /**< The Pareto table of incidents per main cause. */
    const char *threshold_name;   /**< Defined name of the threshold cell, used in formulas. */
    const char *threshold_label;  /**< Shown beside the threshold cell. */
    const char *threshold_help;   /**< Explains the decision rule next to the threshold. */
    const char *respond;          /**< Decision when C >= threshold. */
    const char *accept;           /**< Decision when C < threshold. */
    const char *subject;
    const char *generated_by;     /**< printf format of the document comment, (version). */
    const char *row_prefix;       /**< Before a source row number ("row " in "row 12"). */
    const char *row_suffix;       /**< After a source row number ("行目" in "12行目"). */
    const char *truncated;        /**< Marker appended to text cut at the cell limit. */
    const char *note_c_typed;     /**< Names the C value the input sheet held, in the note column. */
    const char *note_decision;    /**< Names the input sheet's own decision text, in the note column. */

    /* Note on the risk sheet when no A x B equals the threshold; printf formats. */
    const char *threshold_unmatched;   /**< (threshold, smallest C above it, list of those C). */
    const char *threshold_unreachable; /**< (threshold, largest A x B), when all products are below. */
    const char *list_separator;        /**< Between items of a list of numbers. */
    const char *list_last_separator;   /**< Before the last item ("6 or 9"). */

    /* The risk map sheet. */
    const char *map_help;             /**< Says what the numbers in the map count. */
    const char *map_impact_axis;      /**< Title of the vertical axis (A). */
    const char *map_likelihood_axis;  /**< Title of the horizontal axis (B). */
    const char *map_total;            /**< Label of the total cell. */
    const char *level_names[3];       /**< Names of levels 1, 2 and 3 on a 3-level scale. */
    const char *level_names5[5];      /**< Names of levels 1 to 5 on a 5-level scale. */
    const char *legend_respond;       /**< Legend of the red cells. */
    const char *legend_watch;         /**< Legend of the amber cells. */
    const char *legend_accept;        /**< Legend of the green cells. */
    const char *legend_respond_rule;
    const char *legend_watch_rule;
    const char *legend_accept_rule;

    /* Classification values that kyokun filled in, on the lesson sheet. */
    const char *mark_derived;         /**< Appended to a value computed by a rule. */
    const char *mark_suggested;       /**< Appended to a value suggested from the text. */
    const char *note_id_generated;    /**< Note line of a lesson whose id kyokun made. */

    /* The cause sheet. */
    const char *cause_title;
    const char *cause_help;           /**< Says what is counted and how the classes are cut. */
    const char *cause_blank;          /**< Key of the incidents without a main cause. */
    const char *cause_total;          /**< Label of the total row. */
    const char *cause_chart_title;
    const char *cause_count_series;   /**< Name of the column series. */
    const char *cause_share_series;   /**< Name of the cumulative line series. */
} reg_labels;

/** State of one write: the workbook, its formats and where messages point. */
typedef struct reg_writer {
    ky_ctx *ctx;
    const ky_book *book;
    const ky_write_options *options;
    const reg_labels *labels;
    int scale;                /**< A and B run from 1 to `scale` (at most REG_MAX_SCALE). */
    const char *target;       /**< The final output path, for messages. */
    lxw_workbook *workbook;

    lxw_format *title;
    lxw_format *header;
    lxw_format *text;         /**< Wrapped, top-aligned, bordered. */
    lxw_format *number;       /**< Centred integer, bordered. */
    lxw_format *date;
    lxw_format *datetime;
    lxw_format *yen;
    lxw_format *effort;
    lxw_format *threshold;    /**< The threshold value cell. */
    lxw_format *label;        /**< Bold label beside the threshold. */
    lxw_format *respond;      /**< Conditional format of rows that need a response. */
    lxw_format *note;         /**< Wrapped, top-aligned text without a border. */
    lxw_format *generated_id; /**< Lesson id that kyokun made: grey italic text. */
    lxw_format *percent;      /**< Bordered percentage with one decimal. */

    const reg_column *columns; /**< Columns of the sheet being written, for row heights. */
    size_t row_lines;         /**< Estimated text lines of the tallest cell in the current row. */

    ky_buf scratch;           /**< Cleaned text of the cell being written. */
    ky_buf compose;           /**< Text assembled from several fields. */
    ky_buf escaped;           /**< `scratch` with literal "_xHHHH_" sequences escaped. */

    reg_sheet_names sheet_names; /**< Names of the sheets added so far. */
    const char *risk_sheet_name; /**< Name of the risk sheet as written, which formulas refer to. */

    /* The Pareto chart's cumulative line on a secondary axis, which
     * libxlsxwriter 1.1.4 cannot combine with the columns, so reg_patch_chart()
     * adds it to the saved file. Both are empty when the workbook has no chart. */
    ky_buf chart_line;        /**< A <c:lineChart> element for the chart's plot area. */
    ky_buf chart_axes;        /**< The secondary <c:catAx> and <c:valAx> of the line. */
} reg_writer;

/** Location of an output cell and of the input record behind it, for warnings. */
typedef struct reg_cell_ref {
    lxw_worksheet *sheet;
    const char *sheet_name;
    lxw_row_t row;
    lxw_col_t col;
    const ky_origin *origin;  /**< The input record, or NULL. */
} reg_cell_ref;

/* register.c */

/** Return the label of a column in the output language. */
const char *reg_column_label(const reg_writer *w, const reg_column *column);

/**
 * Record a libxlsxwriter failure on the context, naming the output file and
 * the step that failed. Returns 0 when `error` is LXW_NO_ERROR, else a
 * negative ky_status.
 */
int reg_check(reg_writer *w, lxw_error error, const char *step);

/**
 * Add a sheet named after `requested`, made legal and unique by
 * reg_sheet_names_add(). *name receives the name as written, which the
 * writer owns.
 * @return 0 or a negative ky_status with the error set.
 */
int reg_add_sheet(reg_writer *w, const char *requested, lxw_worksheet **sheet, const char **name);

/* register_text.c */

/**
 * Copy `text` into `out` in a form Excel accepts. Invalid UTF-8 becomes
 * U+FFFD, and CR LF and lone CR become LF. Control characters other than TAB
 * and LF are removed. Text over REG_CELL_MAX_UNITS UTF-16 code units is cut
 * at a character boundary and ends with the `truncated` marker. Each kind of
 * change is reported once per cell as a warning at `ref`.
 * @return 0 or KY_ENOMEM.
 */
int reg_clean_text(reg_writer *w, const char *text, const reg_cell_ref *ref, ky_buf *out);

/**
 * Write user text as a literal string (never as a formula, whatever its first
 * character), cleaned by reg_clean_text(). NULL or empty text writes a blank
 * cell with `format`.
 * @return 0 or a negative ky_status with the error set.
 */
int reg_write_text(reg_writer *w, const reg_cell_ref *ref, const char *text, lxw_format *format);

/**
 * Estimate how many lines wrapped text takes in a column `width` characters
 * wide, counting East Asian wide characters as two. The estimate ignores
 * fonts and word breaks, so it may be off by a line either way.
 */
size_t reg_text_lines(const char *text, double width);

/**
 * Set the height of `row` to fit the tallest cell written since the last
 * call, and start counting for the next row. Rows of one line keep the
 * default height. LibreOffice 7.4 does not fit the height of rows that
 * have none on loading an xlsx file, so it would show one line of wrapped text.
 * @return 0 or a negative ky_status with the error set.
 */
int reg_finish_row(reg_writer *w, lxw_worksheet *sheet, lxw_row_t row);

/** Append the items of a list to `out`, one a line. @return 0 or KY_ENOMEM. */
int reg_join_lines(ky_buf *out, const ky_strlist *list);

/** Append "header: value" lines for the extra columns of a record. @return 0 or KY_ENOMEM. */
int reg_append_extras(ky_buf *out, const ky_extras *extras);

/** Append a line break when `out` is not empty. @return 0 or KY_ENOMEM. */
int reg_new_line(ky_buf *out);

/**
 * Write where a record came from ("file / sheet / row N") into a cell.
 * @return 0 or a negative ky_status with the error set.
 */
int reg_write_origin(reg_writer *w, const reg_cell_ref *ref, const ky_origin *origin);

/* register_sheets.c */

/** Write the risk register sheet with its threshold cell and defined name. */
int reg_write_risk_sheet(reg_writer *w);

/** Write the lesson list sheet. */
int reg_write_lesson_sheet(reg_writer *w);

/** Write the incident list sheet; call it only when the book has incidents. */
int reg_write_incident_sheet(reg_writer *w);

/**
 * Write a header row and set up the sheet around it: column widths, frozen
 * header, autofilter over the records, and A4 landscape printing one page
 * wide with the header repeated and page numbers in the footer.
 * @return 0 or a negative ky_status with the error set.
 */
int reg_setup_table(reg_writer *w, lxw_worksheet *ws, lxw_row_t header_row,
                    const reg_column *columns, lxw_col_t count, size_t records);

/* register_causes.c */

/**
 * Write the cause sheet: incidents counted per main cause, most frequent
 * first, with share, cumulative share, ABC class and a Pareto chart. Call it
 * only when the book has incidents.
 */
int reg_write_cause_sheet(reg_writer *w);

/* register_chart.c */

/**
 * Compose in w->chart_line and w->chart_axes the cumulative-share line of
 * the Pareto chart on a secondary axis fixed at 0-100 %. `categories` and
 * `values` are range references such as "'sheet'!$A$4:$A$9", and `shares`
 * the `count` cached cumulative shares (0-1).
 * @return 0 or KY_ENOMEM.
 */
int reg_compose_chart_line(reg_writer *w, const char *name, const char *categories,
                           const char *values, const double *shares, size_t count);

/**
 * Add the line composed by reg_compose_chart_line() to the chart of the
 * saved workbook at `path`, rewriting that one zip entry. Does nothing when
 * nothing was composed.
 * @return 0 or a negative ky_status with the error set.
 */
int reg_patch_chart(reg_writer *w, const char *path);

/* register_map.c */

/**
 * Compose in `out` the note for a threshold that no A x B of the scale
 * equals (5 on a 3-level scale, where A x B is 1, 2, 3, 4, 6 or 9). `out` is
 * left empty when some A x B equals the threshold.
 * @return 0 or KY_ENOMEM.
 */
int reg_compose_threshold_note(const reg_writer *w, ky_buf *out);

/** Write the risk map sheet: risks counted by A and B, coloured by A x B against the threshold. */
int reg_write_map_sheet(reg_writer *w);

#endif
