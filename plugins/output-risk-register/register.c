/* SPDX-License-Identifier: MIT */
/*
 * The risk-register output plugin: writes a ky_book as an .xlsx workbook with
 * libxlsxwriter. This file contains the descriptor, the document labels, the
 * cell formats and the write entry point. The table sheets are in
 * register_sheets.c and the risk map in register_map.c.
 */
#include <string.h>
#include <time.h>

#include "kyokun/i18n.h"
#include "register.h"

/* ---------------------------------------------------------------------------
 * Labels
 */

static const reg_labels labels_ja = {
    .risk_sheet = "リスク管理表",
    .map_sheet = "リスクマップ",
    .lesson_sheet = "教訓一覧",
    .incident_sheet = "障害一覧",
    .threshold_name = "閾値",
    .threshold_label = "閾値",
    .threshold_help = "C リスク値が閾値以上なら対応要",
    .respond = "対応要",
    .accept = "対応不要",
    .subject = "リスク管理表・リスクマップ・教訓一覧・障害一覧",
    .row_prefix = "",
    .row_suffix = "行目",
    .truncated = "…(以下省略)",
    .note_c_typed = "入力の C リスク値",
    .note_decision = "入力の判定",
    .threshold_unmatched = "閾値 %d に一致する A×B はありません。C が %d 以上（%s）のリスクが対応要です",
    .threshold_unreachable = "閾値 %d に一致する A×B はありません。A×B は最大 %d なので、対応要のリスクはありません",
    .list_separator = "、",
    .list_last_separator = " または ",
    .map_help = "数字は A 影響度と B 発生度の組み合わせごとのリスク数です。リスク管理表の A・B 列から数式で数えるため、表を編集すると更新されます。",
    .map_impact_axis = "A 影響度",
    .map_likelihood_axis = "B 発生度",
    .map_total = "合計",
    .level_names = {"低", "中", "高"},
    .legend_respond = "対応要",
    .legend_watch = "要注意",
    .legend_accept = "対応不要",
    .legend_respond_rule = "C = A×B が閾値以上",
    .legend_watch_rule = "閾値未満だが、A か B が 1 段階上がると閾値以上",
    .legend_accept_rule = "A か B が 1 段階上がっても閾値未満",
};

static const reg_labels labels_en = {
    .risk_sheet = "Risk register",
    .map_sheet = "Risk map",
    .lesson_sheet = "Lessons",
    .incident_sheet = "Incidents",
    .threshold_name = "Threshold",
    .threshold_label = "Threshold",
    .threshold_help = "Respond when the risk value C is at least the threshold",
    .respond = "Respond",
    .accept = "Accept",
    .subject = "Risk register, risk map, lessons and incidents",
    .row_prefix = "row ",
    .row_suffix = "",
    .truncated = "...(truncated)",
    .note_c_typed = "C in the input",
    .note_decision = "Decision in the input",
    .threshold_unmatched = "No A×B equals the threshold %d. Risks with C of %d or more (%s) need a response",
    .threshold_unreachable = "No A×B equals the threshold %d. A×B is at most %d, so no risk needs a response",
    .list_separator = ", ",
    .list_last_separator = " or ",
    .map_help = "Each number counts the risks with that A impact level and B likelihood. Formulas count them in the A and B columns of the risk register, so edits there update the map.",
    .map_impact_axis = "A Impact level",
    .map_likelihood_axis = "B Likelihood",
    .map_total = "Total",
    .level_names = {"Low", "Medium", "High"},
    .legend_respond = "Respond",
    .legend_watch = "Watch",
    .legend_accept = "Accept",
    .legend_respond_rule = "C = A×B is at least the threshold",
    .legend_watch_rule = "Below the threshold, but one level more of A or B reaches it",
    .legend_accept_rule = "Below the threshold even with one level more of A or B",
};

const char *reg_column_label(const reg_writer *w, const reg_column *column)
{
    return w->options->lang == KY_LANG_EN ? column->en : column->ja;
}

/* ---------------------------------------------------------------------------
 * Errors
 */

/* Map a libxlsxwriter error to the closest ky_status. */
static int status_of(lxw_error error)
{
    switch (error) {
    case LXW_ERROR_MEMORY_MALLOC_FAILED:
        return KY_ENOMEM;
    case LXW_ERROR_CREATING_XLSX_FILE:
    case LXW_ERROR_CREATING_TMPFILE:
    case LXW_ERROR_READING_TMPFILE:
    case LXW_ERROR_ZIP_FILE_OPERATION:
    case LXW_ERROR_ZIP_PARAMETER_ERROR:
    case LXW_ERROR_ZIP_BAD_ZIP_FILE:
    case LXW_ERROR_ZIP_INTERNAL_ERROR:
    case LXW_ERROR_ZIP_FILE_ADD:
    case LXW_ERROR_ZIP_CLOSE:
        return KY_EIO;
    case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED:
    case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE:
    case LXW_ERROR_WORKSHEET_MAX_NUMBER_URLS_EXCEEDED:
        return KY_ELIMIT;
    default:
        return KY_ERROR;
    }
}

int reg_check(reg_writer *w, lxw_error error, const char *step)
{
    if (error == LXW_NO_ERROR)
        return 0;

    ky_loc loc = {.file = w->target};
    return ky_error_set(w->ctx, status_of(error), &loc,
                        KY_("writing the risk register failed at step \"%s\": %s"), step,
                        lxw_strerror(error));
}

/* Record an allocation failure of libxlsxwriter that returned NULL. */
static int fail_alloc(reg_writer *w, const char *step)
{
    ky_loc loc = {.file = w->target};
    return ky_error_set(w->ctx, KY_ENOMEM, &loc,
                        KY_("writing the risk register failed at step \"%s\": out of memory"),
                        step);
}

/* ---------------------------------------------------------------------------
 * Formats
 */

/* Add a format with the look shared by table cells: thin border, top-aligned. */
static lxw_format *add_cell_format(lxw_workbook *workbook)
{
    lxw_format *format = workbook_add_format(workbook);
    if (format) {
        format_set_border(format, LXW_BORDER_THIN);
        format_set_align(format, LXW_ALIGN_VERTICAL_TOP);
    }
    return format;
}

/* Create every cell format the sheets use. */
static int add_formats(reg_writer *w)
{
    lxw_workbook *wb = w->workbook;

    w->title = workbook_add_format(wb);
    w->header = add_cell_format(wb);
    w->text = add_cell_format(wb);
    w->number = add_cell_format(wb);
    w->date = add_cell_format(wb);
    w->datetime = add_cell_format(wb);
    w->yen = add_cell_format(wb);
    w->effort = add_cell_format(wb);
    w->threshold = add_cell_format(wb);
    w->label = workbook_add_format(wb);
    w->respond = workbook_add_format(wb);
    w->note = workbook_add_format(wb);
    if (!w->title || !w->header || !w->text || !w->number || !w->date || !w->datetime
        || !w->yen || !w->effort || !w->threshold || !w->label || !w->respond || !w->note)
        return fail_alloc(w, "add formats");

    format_set_bold(w->title);
    format_set_font_size(w->title, 14);

    format_set_bold(w->header);
    format_set_bg_color(w->header, 0xDDEBF7);
    format_set_text_wrap(w->header);
    format_set_align(w->header, LXW_ALIGN_CENTER);
    format_set_align(w->header, LXW_ALIGN_VERTICAL_CENTER);

    format_set_text_wrap(w->text);

    format_set_align(w->number, LXW_ALIGN_CENTER);

    format_set_num_format(w->date, "yyyy/mm/dd");
    format_set_num_format(w->datetime, "yyyy/mm/dd hh:mm");
    format_set_num_format(w->yen, "#,##0");
    format_set_num_format(w->effort, "#,##0.0#");

    format_set_bold(w->threshold);
    format_set_align(w->threshold, LXW_ALIGN_CENTER);
    format_set_bg_color(w->threshold, 0xFFF2CC);

    format_set_bold(w->label);
    format_set_align(w->label, LXW_ALIGN_RIGHT);

    format_set_bg_color(w->respond, 0xFCE4D6);
    format_set_font_color(w->respond, 0x9C0006);

    format_set_text_wrap(w->note);
    format_set_align(w->note, LXW_ALIGN_VERTICAL_TOP);
    return 0;
}

/* ---------------------------------------------------------------------------
 * Document properties
 */

/*
 * Set title, subject, author and creation time. The creation time comes from
 * the options, so the same book and options give the same bytes.
 */
static int set_properties(reg_writer *w)
{
    const char *title = w->book->title && w->book->title[0] ? w->book->title
                                                              : w->labels->risk_sheet;
    reg_cell_ref ref = {.sheet_name = "docProps"};
    int rc = reg_clean_text(w, title, &ref, &w->compose);
    if (rc < 0)
        return fail_alloc(w, "set document properties");

    lxw_doc_properties properties = {
        .title = w->compose.data,
        .subject = (char *)w->labels->subject,
        .author = "kyokun",
        /* NOTE: libxlsxwriter takes 0 to mean "now", so a timestamp of exactly
         * 0 (1970-01-01) gives a file that differs from run to run. */
        .created = (time_t)w->options->timestamp,
    };
    return reg_check(w, workbook_set_properties(w->workbook, &properties),
                     "set document properties");
}

/* ---------------------------------------------------------------------------
 * Entry point
 */

/* Write the whole workbook. On failure the caller frees it without saving. */
static int write_book(reg_writer *w)
{
    int rc = add_formats(w);
    if (rc < 0)
        return rc;

    rc = set_properties(w);
    if (rc < 0)
        return rc;

    rc = reg_write_risk_sheet(w);
    if (rc < 0)
        return rc;

    rc = reg_write_map_sheet(w);
    if (rc < 0)
        return rc;

    rc = reg_write_lesson_sheet(w);
    if (rc < 0)
        return rc;

    if (w->book->incident_count > 0)
        rc = reg_write_incident_sheet(w);
    return rc;
}

static int register_write(ky_ctx *ctx, const ky_book *book, const ky_write_options *options,
                          const char *path)
{
    reg_writer w = {
        .ctx = ctx,
        .book = book,
        .options = options,
        .labels = options->lang == KY_LANG_EN ? &labels_en : &labels_ja,
        /* TODO: ky_book has no scale field yet, so every book gets 1-3 levels.
         * A `--scale 3|5` option would set this from the book. */
        .scale = REG_DEFAULT_SCALE,
        .target = options->target ? options->target : path,
    };

    /* libxlsxwriter creates the file only in workbook_close(). */
    w.workbook = workbook_new(path);
    if (!w.workbook)
        return fail_alloc(&w, "create workbook");

    int rc = write_book(&w);
    ky_buf_free(&w.scratch);
    ky_buf_free(&w.compose);
    ky_buf_free(&w.escaped);
    if (rc < 0) {
        lxw_workbook_free(w.workbook);
        return rc;
    }

    /* workbook_close() writes the file and frees the workbook, also on failure. */
    return reg_check(&w, workbook_close(w.workbook), "save workbook");
}

static const char *const register_extensions[] = {"xlsx", NULL};

static const ky_plugin register_plugin = {
    .abi_version = KY_PLUGIN_ABI_VERSION,
    .kind = KY_PLUGIN_OUTPUT,
    .name = "risk-register",
    .description = KY_N_("Excel risk register (.xlsx) with live risk formulas, a risk map, lessons and incidents"),
    .extensions = register_extensions,
    .write = register_write,
};

KY_PLUGIN_DEFINE(register_plugin)
