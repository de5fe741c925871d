/* SPDX-License-Identifier: MIT */
/*
 * `kyokun inspect`: for each input and each sheet, what the mapping made of
 * it: the recognised table kind, header rows, column mapping and row counts,
 * where mapped plus skipped rows add up to all rows.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/inspect_tables.h"
#include "kyokun/i18n.h"
#include "kyokun/mapping.h"
#include "kyokun/mapping_file.h"

/* Name and visibility of each sheet, collected by a read that skips all rows. */
typedef struct sheet_list {
    char **names;
    ky_visibility *visibility;
    size_t count;
} sheet_list;

static void print_help(FILE *out)
{
    fputs(KY_("Usage: kyokun inspect [OPTIONS] INPUT...\n"
              "\n"
              "Show what kyokun reads from each INPUT: for every sheet its visibility, the\n"
              "kind of table recognised and how sure the recognition is, the header row(s),\n"
              "which field each column was mapped to (unmapped columns are kept as extra\n"
              "values), and the row counts: all rows = mapped rows + skipped rows, with\n"
              "the reason for each skip. When no table was recognised it says why.\n"
              "\n"
              "Options:\n"
              "  -f, --from FORMAT   read with this input plugin instead of detecting the format\n"
              "      --encoding ENC  CSV input encoding: utf-8, utf-16 (byte order from the\n"
              "                      BOM), utf-16le, utf-16be, cp932 (also shift_jis, sjis,\n"
              "                      ms932) or euc-jp, in any letter case (default: detected\n"
              "                      from the content)\n"
              "      --threshold N   risk value (A x B, 1-25) from which a risk needs a\n"
              "                      response (default: 5)\n"
              "  -m, --mapping FILE  apply the column choices of this mapping file (CSV)\n"
              "      --write-mapping FILE  write the mapping chosen for INPUT (one input) as\n"
              "                      a CSV file to edit in Excel and give to -m\n"
              "      --levels FILE   CSV of extra words read as levels A and B (word,level)\n"
              "      --hours-per-day N  working hours in a person-day, for efforts in 時間\n"
              "                      (default: 8)\n"
              "      --days-per-month N  working days in a person-month, for efforts in 人日\n"
              "                      (default: 20)\n"
              "      --format FORMAT  print the tables as text (default) or csv: one record\n"
              "                      per table with its rows and row counts, for scripts\n"
              "      --plugin-dir DIR  load plugins from DIR before the other plugin folders\n"
              "  -q, --quiet         print errors only\n"
              "  -v, --verbose       also print what kyokun decided; twice for debug detail\n"
              "                      (the text also lists status-table events, why-why trees\n"
              "                      and the main causes not in cause.csv)\n"
              "  -h, --help          print this help and exit\n"),
          out);
    cli_print_classification_help(out, true, true);
}

/* ------------------------------------------------------------------------ */
/* Sheet list                                                                */
/* ------------------------------------------------------------------------ */

static int list_sheet_begin(void *payload, const ky_sheet_info *sheet)
{
    sheet_list *list = payload;
    char **names = realloc(list->names, (list->count + 1) * sizeof *names);
    if (!names)
        return KY_ENOMEM;
    list->names = names;
    ky_visibility *visibility = realloc(list->visibility,
                                        (list->count + 1) * sizeof *visibility);
    if (!visibility)
        return KY_ENOMEM;
    list->visibility = visibility;
    if (!(list->names[list->count] = ky_strdup(sheet->name ? sheet->name : "")))
        return KY_ENOMEM;
    list->visibility[list->count] = sheet->visibility;
    list->count++;
    return KY_SINK_SKIP_SHEET;
}

static int list_row(void *payload, uint32_t row, const ky_cell *cells, size_t count)
{
    (void)payload;
    (void)row;
    (void)cells;
    (void)count;
    return KY_SINK_OK;
}

static int list_merge(void *payload, const ky_range *range)
{
    (void)payload;
    (void)range;
    return KY_SINK_OK;
}

static int list_sheet_end(void *payload)
{
    (void)payload;
    return KY_SINK_OK;
}

static const ky_sink list_sink = {
    .version = KY_SINK_VERSION,
    .sheet_begin = list_sheet_begin,
    .row = list_row,
    .merge = list_merge,
    .sheet_end = list_sheet_end,
};

static void sheet_list_free(sheet_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->names[i]);
    free(list->names);
    free(list->visibility);
    memset(list, 0, sizeof *list);
}

/* Return the translated visibility of a sheet, or NULL when the list does not have it. */
static const char *sheet_visibility(const sheet_list *list, const char *name)
{
    for (size_t i = 0; name && i < list->count; i++) {
        if (strcmp(list->names[i], name) != 0)
            continue;
        switch (list->visibility[i]) {
        case KY_SHEET_VISIBLE: return KY_("visible");
        case KY_SHEET_HIDDEN: return KY_("hidden");
        case KY_SHEET_VERY_HIDDEN: return KY_("very hidden");
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Printing                                                                  */
/* ------------------------------------------------------------------------ */

/* Return the translated label of a table kind. */
static const char *table_kind_label(ky_table_kind kind)
{
    switch (kind) {
    case KY_TABLE_INCIDENTS: return KY_("incident list");
    case KY_TABLE_RISKS: return KY_("risk table");
    case KY_TABLE_LESSONS: return KY_("lessons");
    case KY_TABLE_WHY: return KY_("why-why analysis");
    case KY_TABLE_STATUS: return KY_("incident status table");
    case KY_TABLE_UNKNOWN: break;
    }
    return KY_("unknown");
}

/*
 * Print text on one line, because headers often wrap inside a cell: a line
 * break (CR, LF or CRLF) or a tab becomes one space. The report keeps the
 * text as written.
 */
static void print_one_line(FILE *out, const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '\r' && p[1] == '\n')
            continue;
        fputc(*p == '\r' || *p == '\n' || *p == '\t' ? ' ' : *p, out);
    }
}

static void print_columns(FILE *out, const ky_sheet_report *sheet)
{
    if (sheet->column_count == 0)
        return;
    fprintf(out, "    %s\n", KY_("columns:"));
    for (size_t i = 0; i < sheet->column_count; i++) {
        const ky_column_map *column = &sheet->columns[i];
        char letters[8];
        ky_col_name(column->col, letters);
        /* Without a recognised table no row is read, so nothing is kept as an extra value. */
        const char *field = column->field ? column->field
                          : sheet->kind == KY_TABLE_UNKNOWN ? KY_("(unmapped)")
                                                             : KY_("(unmapped, kept as extra)");
        fprintf(out, "      %s: ", letters);
        if (column->header && column->header[0])
            print_one_line(out, column->header);
        else
            fputs(KY_("(no header text)"), out);
        fprintf(out, " -> %s", field);
        if (column->unit)
            fprintf(out, " (%s)", KY_(column->unit));
        fputc('\n', out);
    }
}

/* Print the row counts and warn when mapped and skipped rows do not add up to all rows. */
static void print_counts(FILE *out, const cli_session *session, const ky_sheet_report *sheet)
{
    const ky_skip_counts *skipped = &sheet->skipped;
    size_t skipped_total = skipped->blank + skipped->title + skipped->header + skipped->note
                         + skipped->unreadable;
    fprintf(out, "    ");
    fprintf(out,
            KY_("rows: %zu = %zu mapped + %zu skipped (blank %zu, title %zu, header %zu, "
                "note %zu, unreadable %zu)"),
            sheet->rows_total, sheet->rows_mapped, skipped_total, skipped->blank, skipped->title,
            skipped->header, skipped->note, skipped->unreadable);
    fputc('\n', out);
    if (sheet->totals > 0) {
        fputs("    ", out);
        fprintf(out, KY_("totals rows: %zu (合計, 小計: counted as notes, not records)"),
                sheet->totals);
        fputc('\n', out);
    }

    if (sheet->rows_mapped + skipped_total != sheet->rows_total) {
        ky_loc loc = {.file = sheet->file, .sheet = sheet->sheet};
        cli_report_message(&session->report, KY_SEV_WARNING, &loc,
                           KY_("%zu rows, but %zu mapped and %zu skipped: the counts do not "
                               "add up"),
                           sheet->rows_total, sheet->rows_mapped, skipped_total);
    }
}

/*
 * Print table `index` of the book's reports; the sheet's line comes before
 * its first table. With `records`, also print its events or why-why tree.
 */
static void print_sheet(FILE *out, const cli_session *session, const ky_book *book, size_t index,
                        const sheet_list *list, bool records)
{
    const ky_sheet_report *sheet = &book->sheets[index];
    size_t tables = cli_inspect_tables_on_sheet(book, index);
    const char *name = sheet->sheet ? sheet->sheet : "";
    const char *visibility = sheet_visibility(list, sheet->sheet);
    if (sheet->table <= 1) {
        fputs("  ", out);
        if (visibility)
            fprintf(out, KY_("sheet %s (%s)"), name, visibility);
        else
            fprintf(out, KY_("sheet %s"), name);
        fputc('\n', out);
    }

    fputs("    ", out);
    if (tables > 1) {
        fprintf(out, KY_("table %u of %zu, rows %u-%u"), (unsigned)sheet->table, tables,
                (unsigned)sheet->first_row, (unsigned)sheet->last_row);
        fputs("\n    ", out);
    }
    if (sheet->kind == KY_TABLE_UNKNOWN)
        fputs(KY_("table: none recognised"), out);
    else
        fprintf(out, KY_("table: %s (%s), confidence %d%%"), table_kind_label(sheet->kind),
                ky_table_kind_name(sheet->kind), sheet->confidence);
    fputc('\n', out);

    fputs("    ", out);
    if (sheet->header_row == 0)
        fputs(KY_("header: not found"), out);
    else if (sheet->header_rows > 1)
        fprintf(out, KY_("header: rows %u-%u"), (unsigned)sheet->header_row,
                (unsigned)(sheet->header_row + sheet->header_rows - 1));
    else
        fprintf(out, KY_("header: row %u"), (unsigned)sheet->header_row);
    fputc('\n', out);

    print_columns(out, sheet);
    print_counts(out, session, sheet);
    if (records)
        cli_inspect_print_records(out, book, sheet);
    if (sheet->reason && sheet->reason[0]) {
        fputs("    ", out);
        fprintf(out, KY_("reason: %s"), sheet->reason);
        fputc('\n', out);
    }
}

/* Lesson ids listed when an --explain id is not found; more are counted. */
#define EXPLAIN_IDS_LISTED 20

/* Report that no lesson of the book has the --explain id, listing the ids it has. */
static void report_unknown_lesson(const cli_session *session, const ky_book *book,
                                  const char *path, const char *id)
{
    ky_loc loc = {.file = path};
    size_t with_id = 0;
    ky_buf ids = {0};
    for (size_t i = 0; i < book->lesson_count; i++) {
        const char *lesson_id = book->lessons[i].id;
        if (!lesson_id || !lesson_id[0])
            continue;
        if (with_id < EXPLAIN_IDS_LISTED)
            ky_buf_printf(&ids, "%s%s", with_id ? ", " : "", lesson_id);
        with_id++;
    }
    if (with_id == 0)
        cli_report_message(&session->report, KY_SEV_ERROR, &loc,
                           KY_("no lesson has the id \"%s\", because no lesson with an id was "
                               "read from this file"),
                           id);
    else if (with_id <= EXPLAIN_IDS_LISTED)
        cli_report_message(&session->report, KY_SEV_ERROR, &loc,
                           KY_("no lesson has the id \"%s\"; the lesson ids are: %s"), id,
                           ids.data ? ids.data : "");
    else
        cli_report_message(&session->report, KY_SEV_ERROR, &loc,
                           KY_("no lesson has the id \"%s\"; the lesson ids are: %s and %zu "
                               "more"),
                           id, ids.data ? ids.data : "", with_id - EXPLAIN_IDS_LISTED);
    ky_buf_free(&ids);
}

/* Read one input and print its sheets; return the exit status for it. */
static int inspect_file(cli_session *session, const char *path, const cli_options *options)
{
    ky_book *book = ky_book_new();
    if (!book) {
        cli_report_message(&session->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
        return CLI_EXIT_FAILURE;
    }
    ky_source source = {.path = path};
    ky_read_options read_options;
    ky_read_options_init(&read_options);
    read_options.encoding = options->encoding;
    ky_map_options map_options;
    if (cli_session_map_options(session, options, &map_options) != CLI_EXIT_OK) {
        ky_book_free(book);
        return CLI_EXIT_FAILURE;
    }
    book->threshold = options->threshold;

    const char *format = NULL;
    int status = cli_session_choose_input(session, &source, options->from, &format);
    if (status == 0)
        status = ky_book_add_file(session->ctx, session->reg, book, &source, format,
                                  &read_options, &map_options);
    if (status < 0) {
        cli_report_error(&session->report, session->ctx, status, path);
        ky_book_free(book);
        return CLI_EXIT_FAILURE;
    }
    if (!cli_classify_book(session, book, options, true)) {
        ky_book_free(book);
        return CLI_EXIT_FAILURE;
    }

    /* Visibility is not part of the sheet reports, so a second read lists it
     * (cheap: every sheet is skipped). Without it, sheets print without one. */
    sheet_list list = {0};
    if (ky_registry_read(session->reg, session->ctx, &source, format, &read_options, &list_sink,
                         &list) < 0)
        ky_error_clear(session->ctx);

    if (options->explain) {
        /* --explain prints the lesson alone, not the sheets around it. */
    } else if (options->findings_format == CLI_FINDINGS_CSV) {
        cli_inspect_print_csv(stdout, book);
    } else {
        printf("%s\n", path);
        if (book->sheet_count == 0)
            printf("  %s\n", KY_("no sheets"));
        for (size_t i = 0; i < book->sheet_count; i++)
            print_sheet(stdout, session, book, i, &list, options->verbose > 0);
        if (options->verbose > 0 &&
            !cli_inspect_print_unknown_causes(stdout, book, session->dict))
            cli_report_message(&session->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
    }

    sheet_list_free(&list);
    int exit_status = CLI_EXIT_OK;
    if (options->explain && !cli_print_explanation(stdout, book, options->explain)) {
        report_unknown_lesson(session, book, path, options->explain);
        exit_status = CLI_EXIT_FAILURE;
    }
    if (options->write_mapping) {
        status = ky_mapping_file_write(session->ctx, book, options->write_mapping);
        if (status < 0) {
            cli_report_error(&session->report, session->ctx, status, options->write_mapping);
            exit_status = CLI_EXIT_FAILURE;
        } else {
            ky_loc loc = {.file = options->write_mapping};
            cli_report_message(&session->report, KY_SEV_INFO, &loc, "%s",
                               KY_("mapping file written: edit its field column and give it "
                                   "to convert with -m"));
        }
    }
    ky_book_free(book);
    return exit_status;
}

int cli_cmd_inspect(int argc, char **argv, const cli_options *globals)
{
    cli_options options = *globals;
    options.formats = NULL;
    options.format_count = 0;
    uint64_t allowed = CLI_ALLOW_COMMON | CLI_ALLOW(CLI_OPT_FROM) | CLI_ALLOW(CLI_OPT_ENCODING)
                     | CLI_ALLOW(CLI_OPT_THRESHOLD) | CLI_ALLOW(CLI_OPT_MAPPING)
                     | CLI_ALLOW(CLI_OPT_WRITE_MAPPING) | CLI_ALLOW(CLI_OPT_LEVELS)
                     | CLI_ALLOW(CLI_OPT_HOURS_PER_DAY) | CLI_ALLOW(CLI_OPT_DAYS_PER_MONTH)
                     | CLI_ALLOW(CLI_OPT_FORMAT) | CLI_ALLOW(CLI_OPT_DICTIONARY)
                     | CLI_ALLOW(CLI_OPT_ID_PREFIX) | CLI_ALLOW(CLI_OPT_EXPLAIN);
    int status = cli_options_parse(&options, argc, argv, allowed, false, "inspect", stderr);
    if (status != CLI_EXIT_OK)
        goto done;
    if (options.help) {
        print_help(stdout);
        goto done;
    }
    if (options.operand_count == 0) {
        cli_usage_error(stderr, "inspect", "%s", KY_("an input file is needed"));
        status = CLI_EXIT_USAGE;
        goto done;
    }
    if (options.write_mapping && options.operand_count > 1) {
        cli_usage_error(stderr, "inspect", "%s",
                        KY_("--write-mapping takes one input, because the mapping file it "
                            "writes applies to every input with the same sheets and headers"));
        status = CLI_EXIT_USAGE;
        goto done;
    }
    if (options.explain && options.findings_format == CLI_FINDINGS_CSV) {
        cli_usage_error(stderr, "inspect", "%s",
                        KY_("--explain prints one lesson as text and cannot be combined with "
                            "--format csv; leave out one of them"));
        status = CLI_EXIT_USAGE;
        goto done;
    }

    /* With --explain only errors are printed beside the explanation, unless -v is given. */
    if (options.explain && options.verbose == 0)
        options.quiet = true;

    cli_session session;
    status = cli_session_open(&session, &options);
    if (status != CLI_EXIT_OK)
        goto done;
    status = cli_session_check_input(&session, options.from, "inspect");
    if (status == CLI_EXIT_OK)
        status = cli_session_load_dictionary(&session, &options);
    /* Load the -m and --levels files once, so that an error in them is printed once. */
    ky_map_options map_options;
    if (status == CLI_EXIT_OK)
        status = cli_session_map_options(&session, &options, &map_options);
    bool inputs_ok = status == CLI_EXIT_OK;
    bool sheets_as_csv = options.findings_format == CLI_FINDINGS_CSV && !options.explain;
    if (inputs_ok && sheets_as_csv)
        cli_inspect_print_csv_header(stdout);
    for (int i = 0; inputs_ok && i < options.operand_count; i++) {
        if (i > 0 && !sheets_as_csv)
            putchar('\n');
        /* Flush, so that stderr diagnostics appear after the text of the files before. */
        fflush(stdout);
        if (inspect_file(&session, options.operands[i], &options) != CLI_EXIT_OK)
            status = CLI_EXIT_FAILURE;
    }
    cli_session_close(&session);

done:
    cli_options_free(&options);
    return status;
}
