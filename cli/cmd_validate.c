/* SPDX-License-Identifier: MIT */
/*
 * `kyokun validate`: read each input into its own book, as `inspect` and
 * `convert` do, check its lessons and risks with ky_validate_book() and print
 * the findings on standard output, as text lines or as CSV. A summary of the
 * counts goes to standard error.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "formats/ky_csv.h"
#include "kyokun/i18n.h"
#include "kyokun/mapping.h"
#include "kyokun/validate.h"

/* Counts over all inputs, for the summary line and the exit status. */
typedef struct validate_totals {
    size_t errors;
    size_t warnings;
    size_t lessons;
    size_t risks;
    bool read_failed;
} validate_totals;

static const char *severity_word(ky_severity severity)
{
    return severity == KY_SEV_ERROR ? KY_("error") : KY_("warning");
}

static void print_help(FILE *out)
{
    fputs(KY_("Usage: kyokun validate [OPTIONS] INPUT...\n"
              "\n"
              "Check the lessons and risks in each INPUT against the guide's rules for\n"
              "writing a lesson, and print one line per broken rule on standard output:\n"
              "where it is, whether it is an error or a warning, the rule id, what is wrong\n"
              "and how to fix it. A summary of the counts goes to standard error. Lesson IDs\n"
              "must be unique within each INPUT.\n"
              "\n"
              "Options:\n"
              "      --strict        fail on warnings too\n"
              "      --format FORMAT  print the findings as text (default) or csv\n"
              "      --title-max N   maximum title length in characters (default: 40)\n"
              "  -f, --from FORMAT   read with this input plugin instead of detecting the format\n"
              "      --encoding ENC  CSV input encoding: utf-8, utf-16 (byte order from the\n"
              "                      BOM), utf-16le, utf-16be, cp932 (also shift_jis, sjis,\n"
              "                      ms932) or euc-jp, in any letter case (default: detected\n"
              "                      from the content)\n"
              "      --plugin-dir DIR  load plugins from DIR before the other plugin folders\n"
              "  -q, --quiet         print errors only\n"
              "  -v, --verbose       also print what kyokun decided; twice for debug detail\n"
              "  -h, --help          print this help and exit\n"
              "\n"
              "Rules:\n"),
          out);
    size_t count = 0;
    const ky_validate_rule *rules = ky_validate_rules(&count);
    for (size_t i = 0; i < count; i++)
        fprintf(out, "  %-33s %s\n", rules[i].id, severity_word(rules[i].severity));
    fputs(KY_("\n"
              "Exit status: 0 when no rule is broken (warnings allowed without --strict),\n"
              "1 when a finding fails the run or an input could not be read, 2 on a usage\n"
              "error.\n"),
          out);
}

/* ------------------------------------------------------------------------ */
/* Printing findings                                                         */
/* ------------------------------------------------------------------------ */

/* Return true when a sheet name needs quotes in a reference, as Excel writes 'My sheet'!A1. */
static bool sheet_needs_quotes(const char *sheet)
{
    if (!sheet[0])
        return true;
    for (const unsigned char *p = (const unsigned char *)sheet; *p; p++) {
        bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')
                  || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p >= 0x80;
        if (!plain)
            return true;
    }
    return false;
}

/* The append functions below return 0 or KY_ENOMEM. They combine the
 * results of several appends with |=, which keeps any negative status non-zero. */

static int append_sheet(ky_buf *out, const char *sheet)
{
    if (!sheet_needs_quotes(sheet))
        return ky_buf_puts(out, sheet);
    int status = ky_buf_putc(out, '\'');
    for (const char *p = sheet; *p; p++) {
        if (*p == '\'')
            status |= ky_buf_putc(out, '\'');
        status |= ky_buf_putc(out, *p);
    }
    return status | ky_buf_putc(out, '\'');
}

/* Append "FILE: SHEET!C12: " for a field, "FILE: SHEET, row 12: " for a whole
 * record, the same location forms that diagnostics use. */
static int append_location(ky_buf *out, const ky_finding *finding)
{
    int status = 0;
    if (finding->file && finding->file[0]) {
        status |= ky_buf_puts(out, finding->file);
        status |= ky_buf_puts(out, ": ");
    }
    char col[8] = "";
    if (finding->col)
        ky_col_name(finding->col - 1, col);

    if (finding->sheet && finding->sheet[0]) {
        status |= append_sheet(out, finding->sheet);
        if (finding->row && finding->col)
            status |= ky_buf_printf(out, "!%s%u", col, (unsigned)finding->row);
        else if (finding->row)
            status |= ky_buf_printf(out, KY_(", row %u"), (unsigned)finding->row);
        status |= ky_buf_puts(out, ": ");
    } else if (finding->row && finding->col) {
        status |= ky_buf_printf(out, KY_("row %u, column %s"), (unsigned)finding->row, col);
        status |= ky_buf_puts(out, ": ");
    } else if (finding->row) {
        status |= ky_buf_printf(out, KY_("row %u"), (unsigned)finding->row);
        status |= ky_buf_puts(out, ": ");
    }
    return status;
}

/* Append "LOCATION: warning: [RULE] MESSAGE (fix: FIX)" and a newline. */
static int append_text(ky_buf *out, const ky_finding *finding)
{
    int status = append_location(out, finding);
    status |= ky_buf_printf(out, "%s: [%s] %s (", severity_word(finding->severity),
                            finding->rule, finding->message);
    status |= ky_buf_printf(out, KY_("fix: %s"), finding->fix);
    return status | ky_buf_puts(out, ")\n");
}

static int append_csv_text(ky_buf *out, const char *text)
{
    return ky_csv_append_text_field(out, text ? text : "", text ? strlen(text) : 0, ',');
}

/* The CSV columns; the severity column is not translated, so scripts can filter on it. */
static int append_csv_header(ky_buf *out)
{
    int status = ky_buf_puts(out, "rule,severity,file,sheet,row,record_id,message,fix");
    return status | ky_csv_end_record(out, KY_CSV_CRLF);
}

static int append_csv(ky_buf *out, const ky_finding *finding)
{
    int status = append_csv_text(out, finding->rule);
    status |= ky_buf_putc(out, ',');
    status |= ky_buf_puts(out, finding->severity == KY_SEV_ERROR ? "error" : "warning");
    status |= ky_buf_putc(out, ',');
    status |= append_csv_text(out, finding->file);
    status |= ky_buf_putc(out, ',');
    status |= append_csv_text(out, finding->sheet);
    status |= ky_buf_putc(out, ',');
    if (finding->row)
        status |= ky_buf_printf(out, "%u", (unsigned)finding->row);
    status |= ky_buf_putc(out, ',');
    status |= append_csv_text(out, finding->record_id);
    status |= ky_buf_putc(out, ',');
    status |= append_csv_text(out, finding->message);
    status |= ky_buf_putc(out, ',');
    status |= append_csv_text(out, finding->fix);
    return status | ky_csv_end_record(out, KY_CSV_CRLF);
}

/* Write the buffer to standard output; false after printing the error when memory ran out. */
static bool write_buffer(const cli_session *session, ky_buf *out, bool complete)
{
    if (!complete) {
        cli_report_message(&session->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
        return false;
    }
    if (out->len)
        fwrite(out->data, 1, out->len, stdout);
    return true;
}

/* ------------------------------------------------------------------------ */
/* Validating one input                                                      */
/* ------------------------------------------------------------------------ */

/* Read one input into a book, or print the error and return NULL. */
static ky_book *read_book(cli_session *session, const char *path, const cli_options *options)
{
    ky_book *book = ky_book_new();
    if (!book) {
        cli_report_message(&session->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
        return NULL;
    }
    ky_source source = {.path = path};
    ky_read_options read_options;
    ky_read_options_init(&read_options);
    read_options.encoding = options->encoding;
    ky_map_options map_options;
    ky_map_options_init(&map_options);
    map_options.threshold = options->threshold;
    book->threshold = options->threshold;

    const char *format = NULL;
    int status = cli_session_choose_input(session, &source, options->from, &format);
    if (status == 0)
        status = ky_book_add_file(session->ctx, session->reg, book, &source, format,
                                  &read_options, &map_options);
    if (status < 0) {
        cli_report_error(&session->report, session->ctx, status, path);
        ky_book_free(book);
        return NULL;
    }
    return book;
}

/* Validate one input and print its findings. Returns false when it could not be read or checked. */
static bool validate_file(cli_session *session, const char *path, const cli_options *options,
                          validate_totals *totals)
{
    ky_book *book = read_book(session, path, options);
    if (!book)
        return false;
    if (book->lesson_count == 0 && book->risk_count == 0) {
        ky_loc loc = {.file = path};
        cli_report_message(&session->report, KY_SEV_WARNING, &loc, "%s",
                           KY_("no lessons or risks found, so nothing was checked ('kyokun "
                               "inspect' shows how the input was read)"));
    }

    ky_validate_options validate_options;
    ky_validate_options_init(&validate_options);
    if (options->title_max > 0)
        validate_options.title_max = (size_t)options->title_max;
    ky_findings *findings = NULL;
    int status = ky_validate_book(session->ctx, book, &validate_options, &findings);
    if (status < 0) {
        cli_report_error(&session->report, session->ctx, status, path);
        ky_book_free(book);
        return false;
    }

    ky_buf out = {0};
    int append_status = 0;
    for (size_t i = 0; i < findings->count; i++) {
        if (options->findings_format == CLI_FINDINGS_CSV)
            append_status |= append_csv(&out, &findings->items[i]);
        else
            append_status |= append_text(&out, &findings->items[i]);
    }
    bool written = write_buffer(session, &out, append_status == 0);
    ky_buf_free(&out);

    totals->errors += findings->errors;
    totals->warnings += findings->warnings;
    totals->lessons += book->lesson_count;
    totals->risks += book->risk_count;
    ky_findings_free(findings);
    ky_book_free(book);
    return written;
}

/* Print "N errors, M warnings in L lessons, K risks" to standard error. */
static void print_summary(const validate_totals *totals)
{
    char errors_text[64], warnings_text[64], lessons_text[64], risks_text[64];
    snprintf(errors_text, sizeof errors_text,
             dngettext(KY_TEXT_DOMAIN, "%zu error", "%zu errors", (unsigned long)totals->errors),
             totals->errors);
    snprintf(warnings_text, sizeof warnings_text,
             dngettext(KY_TEXT_DOMAIN, "%zu warning", "%zu warnings",
                       (unsigned long)totals->warnings),
             totals->warnings);
    snprintf(lessons_text, sizeof lessons_text,
             dngettext(KY_TEXT_DOMAIN, "%zu lesson", "%zu lessons",
                       (unsigned long)totals->lessons),
             totals->lessons);
    snprintf(risks_text, sizeof risks_text,
             dngettext(KY_TEXT_DOMAIN, "%zu risk", "%zu risks", (unsigned long)totals->risks),
             totals->risks);
    /* TRANSLATORS: the summary of validate. The arguments are, in order, the
       errors, warnings, lessons and risks, each already formatted with its number. */
    fprintf(stderr, KY_("%s, %s in %s, %s"), errors_text, warnings_text, lessons_text,
            risks_text);
    fputc('\n', stderr);
}

int cli_cmd_validate(int argc, char **argv, const cli_options *globals)
{
    cli_options options = *globals;
    options.formats = NULL;
    options.format_count = 0;
    unsigned allowed = CLI_ALLOW_COMMON | CLI_ALLOW(CLI_OPT_FROM) | CLI_ALLOW(CLI_OPT_ENCODING)
                     | CLI_ALLOW(CLI_OPT_STRICT) | CLI_ALLOW(CLI_OPT_FORMAT)
                     | CLI_ALLOW(CLI_OPT_TITLE_MAX);
    int status = cli_options_parse(&options, argc, argv, allowed, false, "validate", stderr);
    if (status != CLI_EXIT_OK)
        goto done;
    if (options.help) {
        print_help(stdout);
        goto done;
    }
    if (options.operand_count == 0) {
        cli_usage_error(stderr, "validate", "%s", KY_("an input file is needed"));
        status = CLI_EXIT_USAGE;
        goto done;
    }

    cli_session session;
    status = cli_session_open(&session, &options);
    if (status != CLI_EXIT_OK)
        goto done;
    status = cli_session_check_input(&session, options.from, "validate");
    if (status != CLI_EXIT_OK) {
        cli_session_close(&session);
        goto done;
    }

    if (options.findings_format == CLI_FINDINGS_CSV) {
        ky_buf header = {0};
        if (!write_buffer(&session, &header, append_csv_header(&header) == 0))
            status = CLI_EXIT_FAILURE;
        ky_buf_free(&header);
    }
    validate_totals totals = {0};
    for (int i = 0; i < options.operand_count; i++) {
        /* Flush, so that stderr diagnostics appear after the findings of the inputs before. */
        fflush(stdout);
        if (!validate_file(&session, options.operands[i], &options, &totals))
            totals.read_failed = true;
    }
    fflush(stdout);
    if (!options.quiet)
        print_summary(&totals);
    cli_session_close(&session);

    bool failed = status != CLI_EXIT_OK || totals.read_failed || totals.errors > 0
               || (options.strict && totals.warnings > 0);
    status = failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;

done:
    cli_options_free(&options);
    return status;
}
