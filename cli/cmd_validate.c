/* SPDX-License-Identifier: MIT */
/*
 * `kyokun validate`: read each input into its own book, as `inspect` and
 * `convert` do, check its lessons and risks with ky_validate_book() and print
 * the findings on standard output, as text lines or as CSV. The warnings and
 * errors of reading are findings too, under their diagnostic codes, so that
 * the output and the summary of the counts on standard error list every problem once.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/anonymize.h"
#include "cli/commands.h"
#include "formats/ky_csv.h"
#include "kyokun/i18n.h"
#include "kyokun/mapping.h"
#include "kyokun/validate.h"

/* Rule id of the error that stopped reading an input (a broken file, a missing one). */
#define RULE_READ_FAILED "input.read-failed"
/* Rule id of the warning that an input has no lessons or risks to check. */
#define RULE_NO_RECORDS "input.no-records"
/* Rule id of a reading diagnostic that has no code of its own. */
#define RULE_UNNAMED_DIAGNOSTIC "input.diagnostic"

/*
 * Reading diagnostics that report the same problem as a rule of
 * ky_validate_book() on the same record. The command keeps the rule's
 * finding, which has the rule's severity, the record's ID and a fix, and
 * drops the diagnostic.
 */
static const struct {
    const char *diag_code;
    const char *rule;
} duplicate_codes[] = {
    {"mapping.duplicate-id", "lesson.id-duplicate"},
    {"mapping.risk-value-mismatch", "risk.c-mismatch"},
};

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
              "and how to fix it. The warnings and errors of reading an INPUT (an invalid\n"
              "cell, an unreadable file) come first, with their diagnostic code as the rule\n"
              "id. input.read-failed marks an input that could not be read, and\n"
              "input.no-records one without lessons or risks. A summary of the counts of\n"
              "all of them goes to standard error. Lesson IDs must be unique within each\n"
              "INPUT.\n"
              "\n"
              "Options:\n"
              "      --strict        fail on warnings too\n"
              "      --format FORMAT  print the findings as text (default) or csv\n"
              "      --anonymize FILE  also report the names listed in FILE (CSV: name,\n"
              "                      kind, optional placeholder) as privacy.listed-name;\n"
              "                      e-mail addresses, phone numbers, IP addresses and names\n"
              "                      followed by 様, さん, 氏 or 殿 are always reported\n"
              "      --title-max N   maximum length in characters of a title that is not\n"
              "                      mostly ASCII letters, such as a Japanese one (default: 40)\n"
              "      --title-max-words N  maximum length in words of a title whose letters\n"
              "                      are mostly ASCII, such as an English one (default: 12)\n"
              "      --scale N       levels of A and B: 3 (1-3, the guide's scale) or 5\n"
              "                      (1-5); a level outside it is a reading\n"
              "                      warning (default: 3)\n"
              "  -m, --mapping FILE  apply the column choices of this mapping file (CSV)\n"
              "      --levels FILE   CSV of extra words read as levels A and B (word,level)\n"
              "      --hours-per-day N  working hours in a person-day, for efforts in 時間\n"
              "                      (default: 8)\n"
              "      --days-per-month N  working days in a person-month, for efforts in 人日\n"
              "                      (default: 20)\n"
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
    cli_print_classification_help(out, false, false);
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

/* Append "LOCATION: warning: [RULE] MESSAGE (fix: FIX)" and a newline,
 * without the part in brackets when the finding has no fix. */
static int append_text(ky_buf *out, const ky_finding *finding)
{
    int status = append_location(out, finding);
    status |= ky_buf_printf(out, "%s: [%s] %s", severity_word(finding->severity), finding->rule,
                            finding->message);
    if (finding->fix && finding->fix[0]) {
        status |= ky_buf_puts(out, " (");
        status |= ky_buf_printf(out, KY_("fix: %s"), finding->fix);
        status |= ky_buf_putc(out, ')');
    }
    return status | ky_buf_putc(out, '\n');
}

static int append_csv_text(ky_buf *out, const char *text)
{
    return ky_csv_append_text_field(out, text ? text : "", text ? strlen(text) : 0, ',');
}

/* The CSV columns; the severity column is not translated, so scripts can filter on it.
 * The column (letter) comes last, because it was added after scripts read the others. */
static int append_csv_header(ky_buf *out)
{
    int status = ky_buf_puts(out, "rule,severity,file,sheet,row,record_id,message,fix,column");
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
    status |= ky_buf_putc(out, ',');
    if (finding->col) {
        char col[8];
        ky_col_name(finding->col - 1, col);
        status |= ky_buf_puts(out, col);
    }
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
/* Reading diagnostics as findings                                           */
/* ------------------------------------------------------------------------ */

/*
 * The findings of reading one input. Unlike the library's ky_findings, each
 * rule string is a copy owned here, because a diagnostic's code is valid
 * only during the handler call.
 */
typedef struct read_findings {
    ky_finding *items;
    size_t count;
    size_t capacity;
    bool out_of_memory;  /* Set once an allocation failed; later findings are dropped. */
    cli_report *report;  /* Prints the info and debug diagnostics, which are not findings. */
    const char *path;    /* The input, for diagnostics that name no file. */
} read_findings;

static void read_findings_free(read_findings *list)
{
    for (size_t i = 0; i < list->count; i++) {
        ky_finding *finding = &list->items[i];
        free((char *)finding->rule);
        free(finding->file);
        free(finding->sheet);
        free(finding->record_id);
        free(finding->message);
        free(finding->fix);
    }
    free(list->items);
    memset(list, 0, sizeof *list);
}

/* Add a finding without a record ID or fix at `loc`. A NULL file there means the input. */
static void add_read_finding(read_findings *list, const char *rule, ky_severity severity,
                             const ky_loc *loc, const char *message)
{
    if (list->out_of_memory)
        return;
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 8;
        ky_finding *items = realloc(list->items, capacity * sizeof *items);
        if (!items) {
            list->out_of_memory = true;
            return;
        }
        list->items = items;
        list->capacity = capacity;
    }
    const char *file = loc->file ? loc->file : list->path;
    ky_finding finding = {
        .rule = ky_strdup(rule),
        .severity = severity,
        .file = ky_strdup(file),
        .sheet = ky_strdup(loc->sheet),
        .row = loc->row,
        .col = loc->col,
        .message = ky_strdup(message),
    };
    bool complete = finding.rule && finding.file && (!loc->sheet || finding.sheet)
                 && finding.message;
    list->items[list->count++] = finding;
    if (!complete)
        list->out_of_memory = true;
}

/* A ky_diag_fn that keeps warnings and errors as findings and prints the rest. */
static void collect_diag(const ky_diag *diag, void *payload)
{
    read_findings *list = payload;
    if (diag->severity < KY_SEV_WARNING) {
        cli_report_diag(diag, list->report);
        return;
    }
    const char *rule = diag->code && diag->code[0] ? diag->code : RULE_UNNAMED_DIAGNOSTIC;
    add_read_finding(list, rule, diag->severity, &diag->loc, diag->message);
}

/* Return true when both strings are NULL or empty, or both are equal. */
static bool same_text(const char *a, const char *b)
{
    if (!a || !a[0] || !b || !b[0])
        return (!a || !a[0]) && (!b || !b[0]);
    return strcmp(a, b) == 0;
}

/* Return true when `finding` is a diagnostic that a rule's finding in `rule_findings` repeats. */
static bool is_duplicate(const ky_finding *finding, const ky_findings *rule_findings)
{
    for (size_t d = 0; d < sizeof duplicate_codes / sizeof duplicate_codes[0]; d++) {
        if (strcmp(finding->rule, duplicate_codes[d].diag_code) != 0)
            continue;
        for (size_t i = 0; i < rule_findings->count; i++) {
            const ky_finding *other = &rule_findings->items[i];
            if (strcmp(other->rule, duplicate_codes[d].rule) == 0 && other->row == finding->row
                && same_text(other->file, finding->file) && same_text(other->sheet, finding->sheet))
                return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* Validating one input                                                      */
/* ------------------------------------------------------------------------ */

/*
 * Read one input into a book. Returns NULL when it could not be read: the
 * error is then a finding in `read`, or printed when memory ran out.
 */
static ky_book *read_book(cli_session *session, const char *path, const cli_options *options,
                          read_findings *read)
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
    if (cli_session_map_options(session, options, &map_options) != CLI_EXIT_OK) {
        ky_book_free(book);
        return NULL;
    }
    book->threshold = options->threshold;
    book->scale = options->scale;

    const char *format = NULL;
    int status = cli_session_choose_input(session, &source, options->from, &format);
    if (status == 0)
        status = ky_book_add_file(session->ctx, session->reg, book, &source, format,
                                  &read_options, &map_options);
    if (status < 0) {
        const ky_error *error = ky_error_last(session->ctx);
        ky_loc loc = {.file = path};
        const char *message = cli_status_text(status);
        if (error && error->message && error->message[0]) {
            message = error->message;
            loc = error->loc;
        }
        add_read_finding(read, RULE_READ_FAILED, KY_SEV_ERROR, &loc, message);
        ky_error_clear(session->ctx);
        ky_book_free(book);
        return NULL;
    }
    /* Ids are checked as written, so none are generated. */
    if (!cli_classify_book(session, book, options, false)) {
        ky_book_free(book);
        return NULL;
    }
    return book;
}

/* Check the book's lessons and risks; NULL after printing the error. */
static ky_findings *check_book(cli_session *session, const ky_book *book, const char *path,
                               const cli_options *options, const ky_anonymizer *anonymizer)
{
    ky_validate_options validate_options;
    ky_validate_options_init(&validate_options);
    validate_options.anonymizer = anonymizer;
    if (options->title_max > 0)
        validate_options.title_max = (size_t)options->title_max;
    if (options->title_max_words > 0)
        validate_options.title_max_words = (size_t)options->title_max_words;
    ky_findings *findings = NULL;
    int status = ky_validate_book(session->ctx, book, &validate_options, &findings);
    if (status < 0) {
        cli_report_error(&session->report, session->ctx, status, path);
        return NULL;
    }
    return findings;
}

static int append_finding(ky_buf *out, const ky_finding *finding, const cli_options *options)
{
    if (options->findings_format == CLI_FINDINGS_CSV)
        return append_csv(out, finding);
    return append_text(out, finding);
}

static void count_finding(validate_totals *totals, const ky_finding *finding)
{
    if (finding->severity == KY_SEV_ERROR)
        totals->errors++;
    else
        totals->warnings++;
}

/*
 * Print and count the reading findings, except those that a rule's finding
 * repeats, then the rule findings. `rule_findings` may be NULL.
 */
static bool print_findings(cli_session *session, const read_findings *read,
                           const ky_findings *rule_findings, const cli_options *options,
                           validate_totals *totals)
{
    ky_buf out = {0};
    int status = 0;
    for (size_t i = 0; i < read->count; i++) {
        const ky_finding *finding = &read->items[i];
        if (rule_findings && is_duplicate(finding, rule_findings))
            continue;
        status |= append_finding(&out, finding, options);
        count_finding(totals, finding);
    }
    for (size_t i = 0; rule_findings && i < rule_findings->count; i++) {
        status |= append_finding(&out, &rule_findings->items[i], options);
        count_finding(totals, &rule_findings->items[i]);
    }
    bool written = write_buffer(session, &out, status == 0);
    ky_buf_free(&out);
    return written;
}

/*
 * Validate one input and print its findings. Returns false when it could
 * not be read or checked, or memory ran out.
 */
static bool validate_file(cli_session *session, const char *path, const cli_options *options,
                          const ky_anonymizer *anonymizer, validate_totals *totals)
{
    /* Warnings and errors are delivered even with --quiet, because they are findings. */
    read_findings read = {.report = &session->report, .path = path};
    ky_severity collect_from = session->report.min_severity < KY_SEV_WARNING
                                 ? session->report.min_severity
                                 : KY_SEV_WARNING;
    ky_ctx_set_handler(session->ctx, collect_diag, collect_from, &read);
    ky_book *book = read_book(session, path, options, &read);
    ky_ctx_set_handler(session->ctx, cli_report_diag, session->report.min_severity,
                       &session->report);

    ky_findings *findings = NULL;
    bool checked = false;
    if (book) {
        if (book->lesson_count == 0 && book->risk_count == 0) {
            ky_loc loc = {.file = path};
            add_read_finding(&read, RULE_NO_RECORDS, KY_SEV_WARNING, &loc,
                             KY_("no lessons or risks found, so only the privacy rules were "
                                 "checked ('kyokun inspect' shows how the input was read)"));
        }
        findings = check_book(session, book, path, options, anonymizer);
        checked = findings != NULL;
        totals->lessons += book->lesson_count;
        totals->risks += book->risk_count;
    }

    bool ok = false;
    if (read.out_of_memory)
        cli_report_message(&session->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
    else
        ok = print_findings(session, &read, findings, options, totals) && checked;

    ky_findings_free(findings);
    ky_book_free(book);
    read_findings_free(&read);
    return ok;
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
    uint64_t allowed = CLI_ALLOW_COMMON | CLI_ALLOW(CLI_OPT_FROM) | CLI_ALLOW(CLI_OPT_ENCODING)
                     | CLI_ALLOW(CLI_OPT_STRICT) | CLI_ALLOW(CLI_OPT_FORMAT)
                     | CLI_ALLOW(CLI_OPT_TITLE_MAX) | CLI_ALLOW(CLI_OPT_TITLE_MAX_WORDS)
                     | CLI_ALLOW(CLI_OPT_SCALE) | CLI_ALLOW(CLI_OPT_MAPPING)
                     | CLI_ALLOW(CLI_OPT_LEVELS) | CLI_ALLOW(CLI_OPT_HOURS_PER_DAY)
                     | CLI_ALLOW(CLI_OPT_DAYS_PER_MONTH) | CLI_ALLOW(CLI_OPT_DICTIONARY)
                     | CLI_ALLOW(CLI_OPT_ANONYMIZE);
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
    if (status == CLI_EXIT_OK)
        status = cli_session_load_dictionary(&session, &options);
    /* Load the -m and --levels files once, so that an error in them is printed once. */
    ky_map_options map_options;
    if (status == CLI_EXIT_OK)
        status = cli_session_map_options(&session, &options, &map_options);
    /* The privacy rules always detect; --anonymize FILE adds the names list. */
    ky_anonymizer *anonymizer = NULL;
    if (status == CLI_EXIT_OK)
        status = cli_anonymize_open(&session, &options, true, &anonymizer);
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
        if (!validate_file(&session, options.operands[i], &options, anonymizer, &totals))
            totals.read_failed = true;
    }
    fflush(stdout);
    if (!options.quiet)
        print_summary(&totals);
    ky_anonymizer_free(anonymizer);
    cli_session_close(&session);

    bool failed = status != CLI_EXIT_OK || totals.read_failed || totals.errors > 0
               || (options.strict && totals.warnings > 0);
    status = failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;

done:
    cli_options_free(&options);
    return status;
}
