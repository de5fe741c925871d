/* SPDX-License-Identifier: MIT */
/*
 * `kyokun convert`: read each input into a lesson book (or all inputs into
 * one with --merge) and write the risk register, lesson report and
 * statistics. One failed input does not stop the others, and outputs replace
 * existing files only with --force.
 */
#include <errno.h>
#include <libintl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/anonymize.h"
#include "cli/batch.h"
#include "cli/commands.h"
#include "cli/inspect_tables.h"
#include "formats/ky_text.h"
#include "formats/ky_odf_template.h"
#include "kyokun/i18n.h"
#include "kyokun/mapping.h"

/* Outputs written for each input when no -t is given. */
static const char *const default_formats[] = {"risk-register", "lesson-report", "stats"};

/* One output file of a book. */
typedef struct output_target {
    const ky_plugin *plugin;
    char *path;
} output_target;

/* An output file planned in this run, and the input it is planned for. */
typedef struct written_output {
    char *path;
    const char *input; /* an operand, which outlives the run */
} written_output;

/* The planned outputs of one book: the folder they go to and one target per output plugin. */
typedef struct book_plan {
    char *folder;           /* NULL for the current folder, or with -o FILE */
    output_target *targets; /* format_count entries */
    bool ready;             /* every target may be written */
} book_plan;

/* What the whole run shares. */
typedef struct convert_run {
    cli_session *session;
    const cli_options *options;
    const ky_plugin **formats; /* output plugins to run, in order */
    size_t format_count;
    bool folder_mode;          /* write BASE.NAME.EXT per book into `folder` */
    const char *folder;        /* NULL for the current folder */
    written_output *written;   /* outputs planned in this run, to catch inputs sharing a base name */
    size_t written_count;
    bool walked;               /* a folder operand was expanded, so outputs go to a folder */
    cli_batch_list inputs;     /* the input files, folder operands expanded */
    book_plan *plans;          /* one per book: per input, or one with --merge */
    cli_batch_result *results; /* one per input */
    ky_anonymizer *anonymizer; /* --anonymize, or NULL */
} convert_run;

/* Counts of a book before an input is added, to report what that input added. */
typedef struct book_counts {
    size_t sheets;
    size_t incidents;
    size_t risks;
    size_t lessons;
    size_t warnings;
    size_t errors;
} book_counts;

static void print_help(FILE *out, const char *plugin_dir)
{
    fputs(KY_("Usage: kyokun convert [OPTIONS] INPUT...\n"
              "\n"
              "Read each INPUT (an incident spreadsheet in one of the input formats below)\n"
              "into a lesson book and write a risk register (.xlsx), a lesson report (.odt)\n"
              "and statistics (.csv) for it. Each written path is printed to standard error,\n"
              "with a summary of each input: sheets, rows mapped and skipped, lessons, risks\n"
              "and incidents. An input in which no table is recognised gets no outputs.\n"
              "\n"),
          out);
    fputs(KY_("An INPUT that is a folder is searched recursively for files whose extension\n"
              "an input format lists; hidden files and files named like kyokun outputs are\n"
              "skipped, and the outputs go to subfolders of the output folder that mirror\n"
              "the input folders. With several inputs or a folder, a progress line is shown\n"
              "when standard error is a terminal, totals are printed at the end, and\n"
              "kyokun-summary.csv (UTF-8 with a byte order mark) in the output folder lists\n"
              "for each input its status, sheets, rows, mapped and skipped rows, lessons,\n"
              "risks, incidents, warnings and errors (not with --merge).\n"
              "\n"),
          out);
    cli_print_input_formats(out, plugin_dir);
    cli_print_classification_help(out, true, false);
    fputs(KY_("\n"
              "Output:\n"
              "  -o, --output PATH   a file, whose extension selects the format unless -t is\n"
              "                      given; or a folder (a path ending in '/', an existing\n"
              "                      folder, or any path when there are several inputs) that\n"
              "                      receives BASE.risk-register.xlsx, BASE.lesson-report.odt\n"
              "                      and BASE.stats.csv for each input, BASE being the input's\n"
              "                      file name without its extension, or the whole file name\n"
              "                      when inputs for one folder share it, as foo.xlsx and\n"
              "                      foo.csv do (default: the current folder)\n"
              "  -t, --to FORMAT     write only this output plugin: risk-register,\n"
              "                      lesson-report or stats; repeat the option or separate\n"
              "                      names with commas to write several\n"
              "      --force         overwrite output files that exist; without it an\n"
              "                      existing file is left as it is and the input fails\n"
              "      --merge         read all inputs into one book and write one set of\n"
              "                      outputs, named after the first input; ids used in two\n"
              "                      inputs are reported, 10 per pair of files and then a\n"
              "                      count of the others, and both records are kept\n"
              "      --lang LANG     language of the labels in the outputs: ja or en\n"
              "                      (default: taken from the locale, not from the input:\n"
              "                      ja when the first of LC_ALL, LC_MESSAGES and LANG\n"
              "                      that is set starts with \"ja\", else en)\n"
              "      --threshold N   risk value (A x B, 1-25) from which a risk needs a\n"
              "                      response (default: 5 with --scale 3, 12 with --scale 5)\n"
              "      --scale N       levels of A and B: 3 (1-3, the guide's scale) or 5\n"
              "                      (1-5) (default: 3)\n"
              "      --output-encoding ENC  encoding of CSV outputs (stats): utf-8,\n"
              "                      utf-8-bom (UTF-8 that Excel recognises) or cp932 (for\n"
              "                      Excel on Japanese Windows, also named shift_jis, sjis\n"
              "                      or ms932; a character CP932 cannot represent is an\n"
              "                      error), in any letter case (default: utf-8)\n"
              "      --abc A,B       ABC cut-offs of the statistics in percent of the\n"
              "                      cumulative share (default: 80,95)\n"
              "      --excel-safe    in CSV outputs (stats), put ' before text that starts\n"
              "                      with =, +, -, @ (half- or full-width), TAB or CR, so\n"
              "                      that Excel does not run it as a formula; numbers are\n"
              "                      not changed (default: on)\n"
              "      --no-excel-safe write such text unchanged\n"
              "      --organization TEXT  organisation named on the lesson report's title\n"
              "                      page (default: none)\n"
              "      --reference-odt FILE  take the lesson report's styles (styles.xml) from\n"
              "                      this ODF text document (.odt or .ott), so that its\n"
              "                      fonts, headings and page layout apply (default: the\n"
              "                      built-in styles)\n"
              "\n"
              "Input:\n"
              "  -f, --from FORMAT   read with this input plugin instead of detecting the format\n"
              "      --encoding ENC  CSV input encoding: utf-8, utf-16 (byte order from the\n"
              "                      BOM), utf-16le, utf-16be, cp932 (also shift_jis, sjis,\n"
              "                      ms932) or euc-jp, in any letter case (default: detected\n"
              "                      from the content)\n"
              "  -m, --mapping FILE  apply the column choices of this mapping file (CSV,\n"
              "                      written by `kyokun inspect --write-mapping`)\n"
              "      --levels FILE   CSV of extra words read as levels A and B (word,level)\n"
              "      --hours-per-day N  working hours in a person-day, for efforts in 時間\n"
              "                      (default: 8)\n"
              "      --days-per-month N  working days in a person-month, for efforts in 人日\n"
              "                      (default: 20)\n"
              "  -j, --jobs N        number of inputs to convert at the same time, each in\n"
              "                      its own process (default: the number of online CPU\n"
              "                      cores); no effect with --merge\n"
              "\n"
              "Anonymisation:\n"
              "      --anonymize FILE  replace the names listed in FILE (CSV: name, kind, and\n"
              "                      an optional placeholder; kind is company, product,\n"
              "                      person or other) with placeholders such as A社, 製品A\n"
              "                      and 担当者A (Company A, Product A, Person A with --lang\n"
              "                      en) in every field and output\n"
              "      --anonymize auto  replace e-mail addresses, phone numbers, IP addresses\n"
              "                      and names followed by 様, さん, 氏 or 殿 as well; give\n"
              "                      --anonymize twice to use a names list too\n"
              "      --anonymize-map FILE  write each real name and its placeholder to FILE\n"
              "                      (CSV, readable by you only); the outputs never contain it\n"
              "\n"
              "General:\n"
              "      --plugin-dir DIR  load plugins from DIR before the other plugin folders\n"
              "  -q, --quiet         print errors only\n"
              "  -v, --verbose       also print what kyokun decided; twice for debug detail\n"
              "  -h, --help          print this help and exit\n"
              "\n"
              "Exit status: 0 when every input was converted, 1 when an input could not be\n"
              "read, contained no recognised table, or an output could not be written, 2 on\n"
              "a usage error, including a file of an option (-m, --levels, --dictionary,\n"
              "--anonymize, --reference-odt) that cannot be opened or parsed.\n"),
          out);
}

/* ------------------------------------------------------------------------ */
/* Paths                                                                     */
/* ------------------------------------------------------------------------ */

/* Return the file name of `path` without its folder and last extension (caller frees). */
static char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    const char *dot = strrchr(name, '.');
    size_t len = dot && dot != name ? (size_t)(dot - name) : strlen(name);
    return ky_strndup(name, len);
}

/* Return the file name of `path` without its folder (caller frees). */
static char *file_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return ky_strdup(slash ? slash + 1 : path);
}

static bool is_folder(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Create a folder and its missing parents, like `mkdir -p`. Sets errno on failure. */
static bool make_folders(const char *path)
{
    char *copy = ky_strdup(path);
    if (!copy) {
        errno = ENOMEM;
        return false;
    }
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
            free(copy);
            return false;
        }
        *p = '/';
    }
    bool made = mkdir(copy, 0777) == 0 || errno == EEXIST;
    free(copy);
    if (made && !is_folder(path)) {
        errno = ENOTDIR;
        return false;
    }
    return made;
}

/* Return "FOLDER/BASE.NAME.EXT" for an output plugin (caller frees), or NULL when out of memory. */
static char *folder_output_path(const char *folder, const char *base, const ky_plugin *plugin)
{
    const char *extension = plugin->extensions && plugin->extensions[0] ? plugin->extensions[0]
                                                                         : "out";
    ky_buf path = {0};
    int status = 0;
    if (folder) {
        size_t len = strlen(folder);
        status = ky_buf_puts(&path, folder);
        if (status == 0 && len > 0 && folder[len - 1] != '/')
            status = ky_buf_putc(&path, '/');
    }
    if (status == 0)
        status = ky_buf_printf(&path, "%s.%s.%s", base, plugin->name, extension);
    if (status != 0) {
        ky_buf_free(&path);
        return NULL;
    }
    return ky_buf_take(&path);
}

/* Return the input that an output of this run is planned for, or NULL when none is. */
static const char *written_for(const convert_run *run, const char *path)
{
    for (size_t i = 0; i < run->written_count; i++)
        if (strcmp(run->written[i].path, path) == 0)
            return run->written[i].input;
    return NULL;
}

static void remember_written(convert_run *run, const char *path, const char *input)
{
    written_output *grown = realloc(run->written, (run->written_count + 1) * sizeof *grown);
    if (!grown)
        return;
    run->written = grown;
    char *copy = ky_strdup(path);
    if (!copy)
        return;
    run->written[run->written_count++] = (written_output){copy, input};
}

/* ------------------------------------------------------------------------ */
/* Choosing the outputs                                                      */
/* ------------------------------------------------------------------------ */

/* Append an output plugin to the run unless it is there already. */
static bool add_format(convert_run *run, const ky_plugin *plugin)
{
    for (size_t i = 0; i < run->format_count; i++)
        if (run->formats[i] == plugin)
            return true;
    const ky_plugin **grown = realloc(run->formats, (run->format_count + 1) * sizeof *grown);
    if (!grown)
        return false;
    run->formats = grown;
    run->formats[run->format_count++] = plugin;
    return true;
}

/* Resolve -t names, or the default outputs, into plugins. Returns a CLI_EXIT_* status. */
static int resolve_formats(convert_run *run)
{
    const cli_options *options = run->options;
    const ky_registry *reg = run->session->reg;
    ky_buf available = {0};
    cli_session_plugin_names(run->session, KY_PLUGIN_OUTPUT, &available);
    int status = CLI_EXIT_OK;

    for (size_t i = 0; status == CLI_EXIT_OK && i < options->format_count; i++) {
        const ky_plugin *plugin = ky_registry_find(reg, KY_PLUGIN_OUTPUT, options->formats[i]);
        if (!plugin) {
            cli_usage_error(stderr, "convert", KY_("unknown output format '%s'; available: %s"),
                            options->formats[i],
                            available.len ? available.data : KY_("(none)"));
            status = CLI_EXIT_USAGE;
        } else if (!add_format(run, plugin)) {
            cli_report_message(&run->session->report, KY_SEV_ERROR, NULL, "%s",
                               KY_("out of memory"));
            status = CLI_EXIT_FAILURE;
        }
    }

    /* The defaults only matter in folder mode, because a file target's
     * extension picks its plugin. */
    size_t default_count = sizeof default_formats / sizeof default_formats[0];
    for (size_t i = 0; status == CLI_EXIT_OK && options->format_count == 0 && run->folder_mode
                       && i < default_count; i++) {
        const ky_plugin *plugin = ky_registry_find(reg, KY_PLUGIN_OUTPUT, default_formats[i]);
        if (!plugin) {
            cli_report_message(&run->session->report, KY_SEV_ERROR, NULL,
                               KY_("output plugin '%s' not found; run 'kyokun plugins' to see "
                                   "where kyokun looked, or use --plugin-dir DIR"),
                               default_formats[i]);
            status = CLI_EXIT_FAILURE;
        } else if (!add_format(run, plugin)) {
            status = CLI_EXIT_FAILURE;
        }
    }
    ky_buf_free(&available);
    return status;
}

/*
 * Decide between one output file (-o FILE) and a folder receiving every
 * output of each book, then resolve the plugins. Returns a CLI_EXIT_* status.
 */
static int plan_outputs(convert_run *run, size_t book_count)
{
    const cli_options *options = run->options;
    const char *output = options->output;

    if (!output) {
        run->folder_mode = true;
    } else {
        size_t len = strlen(output);
        run->folder_mode = (len > 0 && output[len - 1] == '/') || is_folder(output)
                        || book_count > 1 || run->walked;
        run->folder = output;
    }

    if (!run->folder_mode) {
        if (options->format_count > 1) {
            cli_usage_error(stderr, "convert", KY_("several output formats need a folder: "
                                                   "use -o FOLDER/"));
            return CLI_EXIT_USAGE;
        }
        if (options->format_count == 0) {
            const ky_plugin *plugin = ky_registry_find_output_for(run->session->reg, output);
            if (!plugin) {
                ky_buf available = {0};
                cli_session_plugin_names(run->session, KY_PLUGIN_OUTPUT, &available);
                cli_usage_error(stderr, "convert",
                                KY_("the extension of '%s' names no output format; use "
                                    "-t FORMAT (available: %s) or a folder ending in '/'"),
                                output, available.len ? available.data : KY_("(none)"));
                ky_buf_free(&available);
                return CLI_EXIT_USAGE;
            }
            return add_format(run, plugin) ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
        }
        return resolve_formats(run);
    }

    int status = resolve_formats(run);
    if (status != CLI_EXIT_OK)
        return status;
    if (run->folder && !make_folders(run->folder)) {
        ky_loc loc = {.file = run->folder};
        cli_report_message(&run->session->report, KY_SEV_ERROR, &loc,
                           KY_("cannot create the output folder: %s"), strerror(errno));
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

/* Fill the output paths of a book named `base`, read from `input` (the first
 * input with --merge), in `folder` (in folder mode). Returns false, after
 * printing why, when one of them cannot be written. Otherwise the paths are
 * remembered, so that a later input whose outputs would overwrite them fails. */
static bool plan_targets(convert_run *run, const char *input, const char *base,
                         const char *folder, output_target *targets)
{
    const cli_report *report = &run->session->report;
    bool ok = true;
    const char *earlier_input = NULL;

    for (size_t i = 0; i < run->format_count; i++) {
        targets[i].plugin = run->formats[i];
        targets[i].path = run->folder_mode
                        ? folder_output_path(folder, base, run->formats[i])
                        : ky_strdup(run->options->output);
        if (!targets[i].path) {
            cli_report_message(report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
            return false;
        }

        const char *path = targets[i].path;
        ky_loc loc = {.file = path};
        struct stat st;
        const char *writer = written_for(run, path);
        if (writer) {
            /* Reported once for the input below, not once per output. */
            if (!earlier_input)
                earlier_input = writer;
            ok = false;
        } else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            cli_report_message(report, KY_SEV_ERROR, &loc,
                               KY_("a folder has the name of this output file"));
            ok = false;
        } else if (stat(path, &st) == 0 && !run->options->force) {
            cli_report_message(report, KY_SEV_ERROR, &loc,
                               KY_("the file exists; use --force to overwrite it"));
            ok = false;
        }
    }

    /* Inputs with the same file name from two folders, given as operands, still
     * collide after outputs are named after the whole file name. */
    if (earlier_input)
        cli_report_message(report, KY_SEV_ERROR, NULL,
                           KY_("%s was not converted: its outputs would overwrite those of %s. "
                               "Convert one of them in a separate run with its own -o folder, "
                               "or rename one of them"),
                           input, earlier_input);
    for (size_t i = 0; ok && i < run->format_count; i++)
        remember_written(run, targets[i].path, input);
    return ok;
}

/* ------------------------------------------------------------------------ */
/* Reading and writing                                                       */
/* ------------------------------------------------------------------------ */

static book_counts count_book(const ky_book *book, const ky_ctx *ctx)
{
    return (book_counts){
        .sheets = book->sheet_count,
        .incidents = book->incident_count,
        .risks = book->risk_count,
        .lessons = book->lesson_count,
        .warnings = ky_ctx_count(ctx, KY_SEV_WARNING),
        .errors = ky_ctx_count(ctx, KY_SEV_ERROR),
    };
}

/* Add what one input added to the book since `before` to `counts`. */
static void count_added(const convert_run *run, const ky_book *book, const book_counts *before,
                        cli_batch_counts *counts)
{
    for (size_t i = before->sheets; i < book->sheet_count; i++) {
        const ky_sheet_report *sheet = &book->sheets[i];
        /* A sheet with several tables has one report per table; count the sheet once. */
        counts->sheets += sheet->table <= 1 ? 1 : 0;
        counts->rows += sheet->rows_total;
        counts->mapped += sheet->rows_mapped;
        counts->skipped += sheet->skipped.blank + sheet->skipped.title + sheet->skipped.header
                         + sheet->skipped.note + sheet->skipped.unreadable;
    }
    for (size_t i = before->risks; i < book->risk_count; i++)
        counts->need_response += book->risks[i].needs_response ? 1 : 0;
    book_counts after = count_book(book, run->session->ctx);
    counts->lessons += after.lessons - before->lessons;
    counts->risks += after.risks - before->risks;
    counts->incidents += after.incidents - before->incidents;
    counts->warnings += after.warnings - before->warnings;
    counts->errors += after.errors - before->errors;
}

/* Print "FILE: N sheets, R rows: M mapped, S skipped; L lessons, K risks (X need a
 * response), I incidents; W warnings" for what one input added to the book. */
static void print_summary(const convert_run *run, const char *path, const cli_batch_counts *counts)
{
    /* Each count is formatted with its own plural form before the line is put together. */
    size_t sheets = counts->sheets;
    size_t rows = counts->rows;
    size_t mapped = counts->mapped;
    size_t skipped = counts->skipped;
    size_t lessons = counts->lessons;
    size_t risks = counts->risks;
    size_t need_response = counts->need_response;
    size_t incidents = counts->incidents;
    size_t warnings = counts->warnings;
    char sheets_text[64], rows_text[64], mapped_text[64], skipped_text[64];
    char lessons_text[64], risks_text[64], response_text[96], incidents_text[64];
    char warnings_text[64];
    snprintf(sheets_text, sizeof sheets_text,
             dngettext(KY_TEXT_DOMAIN, "%zu sheet", "%zu sheets", (unsigned long)sheets), sheets);
    snprintf(rows_text, sizeof rows_text,
             dngettext(KY_TEXT_DOMAIN, "%zu row", "%zu rows", (unsigned long)rows), rows);
    snprintf(mapped_text, sizeof mapped_text, KY_("%zu mapped"), mapped);
    snprintf(skipped_text, sizeof skipped_text, KY_("%zu skipped"), skipped);
    snprintf(lessons_text, sizeof lessons_text,
             dngettext(KY_TEXT_DOMAIN, "%zu lesson", "%zu lessons", (unsigned long)lessons),
             lessons);
    snprintf(risks_text, sizeof risks_text,
             dngettext(KY_TEXT_DOMAIN, "%zu risk", "%zu risks", (unsigned long)risks), risks);
    snprintf(response_text, sizeof response_text,
             dngettext(KY_TEXT_DOMAIN, "%zu needs a response", "%zu need a response",
                       (unsigned long)need_response),
             need_response);
    snprintf(incidents_text, sizeof incidents_text,
             dngettext(KY_TEXT_DOMAIN, "%zu incident", "%zu incidents",
                       (unsigned long)incidents),
             incidents);
    snprintf(warnings_text, sizeof warnings_text,
             dngettext(KY_TEXT_DOMAIN, "%zu warning", "%zu warnings", (unsigned long)warnings),
             warnings);

    /* TRANSLATORS: the summary of one input. The arguments are, in order, the file,
       sheets, rows, mapped, skipped, lessons, risks, risks needing a response,
       incidents and warnings, each already formatted with its number. */
    fprintf(run->session->report.stream, KY_("%s: %s, %s: %s, %s; %s, %s (%s), %s; %s"), path,
            sheets_text, rows_text, mapped_text, skipped_text, lessons_text, risks_text,
            response_text, incidents_text, warnings_text);
    fputc('\n', run->session->report.stream);
}

/*
 * Report an error when nothing in the book became a record, because the
 * outputs would then be empty files. Returns true when the book has records.
 */
static bool check_has_records(const convert_run *run, const ky_book *book, char *const *inputs,
                              int input_count)
{
    if (book->incident_count + book->risk_count + book->lesson_count + book->why_count
            + book->event_count > 0)
        return true;
    ky_loc loc = {.file = input_count == 1 ? inputs[0] : NULL};
    if (input_count == 1)
        cli_report_message(&run->session->report, KY_SEV_ERROR, &loc, "%s",
                           KY_("no table was recognised, so nothing was converted; "
                               "`kyokun inspect FILE` shows what each sheet holds"));
    else
        cli_report_message(&run->session->report, KY_SEV_ERROR, &loc, "%s",
                           KY_("no table was recognised in any input, so nothing was "
                               "converted; `kyokun inspect FILE` shows what each sheet holds"));
    return false;
}

/* Write every target of a book. Returns the number of targets that failed. */
static size_t write_outputs(convert_run *run, const ky_book *book, const output_target *targets)
{
    cli_session *session = run->session;
    size_t failed = 0;
    for (size_t i = 0; i < run->format_count; i++) {
        ky_write_options write_options;
        ky_write_options_init(&write_options);
        write_options.lang = run->options->lang;
        write_options.output_encoding = run->options->output_encoding;
        write_options.abc_a = run->options->abc_a;
        write_options.abc_b = run->options->abc_b;
        write_options.excel_safe = run->options->excel_safe;
        write_options.organization = run->options->organization;
        write_options.reference_odt = run->options->reference_odt;
        int status = ky_registry_write(session->ctx, targets[i].plugin, book, &write_options,
                                       targets[i].path);
        if (status < 0) {
            cli_report_error(&session->report, session->ctx, status, targets[i].path);
            failed++;
            continue;
        }
        if (!run->options->quiet) {
            fprintf(session->report.stream, KY_("wrote %s"), targets[i].path);
            fputc('\n', session->report.stream);
        }
    }
    return failed;
}

/* Read one input into the book and count what it added. Returns false when it cannot be read. */
static bool read_input(convert_run *run, ky_book *book, const char *path,
                       const ky_read_options *read_options, const ky_map_options *map_options,
                       cli_batch_result *result)
{
    cli_session *session = run->session;
    ky_source source = {.path = path};
    book_counts before = count_book(book, session->ctx);
    const char *format = NULL;
    int status = cli_session_choose_input(session, &source, run->options->from, &format);
    if (status == 0)
        status = ky_book_add_file(session->ctx, session->reg, book, &source, format, read_options,
                                  map_options);
    if (status < 0) {
        cli_report_error(&session->report, session->ctx, status, path);
        result->counts.errors += 1 + ky_ctx_count(session->ctx, KY_SEV_ERROR) - before.errors;
        return false;
    }
    count_added(run, book, &before, &result->counts);
    if (!run->options->quiet)
        print_summary(run, path, &result->counts);
    return true;
}

/*
 * Report at -v, once for each input that was read, how many of its main
 * causes cause.csv does not name, and where to see and add them.
 */
static void report_unknown_causes(const convert_run *run, const ky_book *book,
                                  char *const *inputs, size_t input_count, const bool *read_ok)
{
    cli_session *session = run->session;
    if (session->report.min_severity > KY_SEV_INFO)
        return;
    for (size_t i = 0; i < input_count; i++) {
        size_t distinct = 0;
        size_t incidents = 0;
        if (!read_ok[i] ||
            !cli_count_unknown_causes(book, session->dict, inputs[i], &distinct, &incidents) ||
            distinct == 0)
            continue;
        ky_loc loc = {.file = inputs[i]};
        cli_report_message(&session->report, KY_SEV_INFO, &loc,
                           dngettext(KY_TEXT_DOMAIN,
                                     "%zu main cause is not in cause.csv and is kept as written "
                                     "(incidents with it: %zu). `kyokun inspect -v %s` lists it. "
                                     "To count it as a known cause, add it as an alias in a "
                                     "cause.extra.csv and give that file's folder with "
                                     "--dictionary DIR",
                                     "%zu main causes are not in cause.csv and are kept as "
                                     "written (incidents with them: %zu). `kyokun inspect -v %s` "
                                     "lists them. To count them as known causes, add them as "
                                     "aliases in a cause.extra.csv and give that file's folder "
                                     "with --dictionary DIR",
                                     (unsigned long)distinct),
                           distinct, incidents, inputs[i]);
    }
}

/*
 * Convert the inputs of one book, all inputs with --merge, else one, into the
 * outputs planned in `plan`, and fill one result per input. Errors that
 * concern the whole book are counted on the first input. Returns true on
 * success.
 */
static bool convert_book(convert_run *run, char *const *inputs, size_t input_count,
                         const book_plan *plan, cli_batch_result *results)
{
    cli_session *session = run->session;
    const cli_options *options = run->options;
    bool ok = true;
    size_t inputs_read = 0;

    ky_book *book = ky_book_new();
    char *base = base_name(inputs[0]);
    if (!book || !base || !(book->title = ky_strdup(base))) {
        cli_report_message(&session->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
        results[0].counts.errors++;
        ok = false;
        goto cleanup;
    }
    book->threshold = options->threshold;
    book->scale = options->scale;

    ky_read_options read_options;
    ky_read_options_init(&read_options);
    read_options.encoding = options->encoding;
    /* The mapping files were loaded before the inputs; a failure here is still reported. */
    ky_map_options map_options;
    if (cli_session_map_options(session, options, &map_options) != CLI_EXIT_OK) {
        results[0].counts.errors++;
        ok = false;
        goto cleanup;
    }

    /* Read each input. One that fails is reported, and the others go on. */
    bool *read_ok = calloc(input_count, sizeof *read_ok);
    for (size_t i = 0; read_ok && i < input_count; i++) {
        read_ok[i] = read_input(run, book, inputs[i], &read_options, &map_options, &results[i]);
        inputs_read += read_ok[i] ? 1 : 0;
    }
    if (!read_ok || inputs_read < input_count)
        ok = false;
    if (inputs_read == 0)
        goto done_reading;

    if (!check_has_records(run, book, inputs, (int)input_count)) {
        results[0].counts.errors++;
        ok = false;
        goto done_reading;
    }

    /*
     * The book is complete: every input is read and mapped, and nothing is
     * written yet. Steps that work on the whole book (classification,
     * anonymisation) go here, one call each, before the outputs.
     */
    if (!cli_classify_book(session, book, options, true)) {
        results[0].counts.errors++;
        ok = false;
        goto done_reading;
    }
    report_unknown_causes(run, book, inputs, input_count, read_ok);
    int anonymized = run->anonymizer ? ky_anonymize_book(session->ctx, run->anonymizer, book) : 0;
    if (anonymized < 0) {
        cli_report_error(&session->report, session->ctx, anonymized, inputs[0]);
        results[0].counts.errors++;
        ok = false;
        goto done_reading;
    }

    if (plan->folder && !make_folders(plan->folder)) {
        ky_loc loc = {.file = plan->folder};
        cli_report_message(&session->report, KY_SEV_ERROR, &loc,
                           KY_("cannot create the output folder: %s"), strerror(errno));
        results[0].counts.errors++;
        ok = false;
        goto done_reading;
    }
    size_t write_failures = write_outputs(run, book, plan->targets);
    results[0].counts.errors += write_failures;
    for (size_t i = 0; i < input_count; i++)
        results[i].converted = read_ok[i] && write_failures == 0;
    if (write_failures > 0)
        ok = false;

done_reading:
    free(read_ok);
cleanup:
    free(base);
    ky_book_free(book);
    return ok;
}

/* ------------------------------------------------------------------------ */
/* Planning and running the books                                            */
/* ------------------------------------------------------------------------ */

/* Return the output folder of an input below the run's folder (caller frees), or NULL
 * for the current folder. Sets *ok to false when out of memory. */
static char *book_folder(const convert_run *run, const char *subfolder, bool *ok)
{
    if (!subfolder[0])
        return run->folder ? ky_strdup(run->folder) : NULL;
    ky_buf folder = {0};
    int status = 0;
    if (run->folder) {
        size_t len = strlen(run->folder);
        status = ky_buf_puts(&folder, run->folder);
        if (status == 0 && len > 0 && run->folder[len - 1] != '/')
            status = ky_buf_putc(&folder, '/');
    }
    if (status == 0)
        status = ky_buf_puts(&folder, subfolder);
    if (status != 0) {
        *ok = false;
        ky_buf_free(&folder);
        return NULL;
    }
    return ky_buf_take(&folder);
}

/* Plan the outputs of book `index`, named after `input`: after its base name,
 * or after its whole file name when `whole_name`. Returns plan->ready. */
static bool plan_book(convert_run *run, size_t index, const cli_batch_input *input,
                      bool whole_name)
{
    book_plan *plan = &run->plans[index];
    bool ok = true;
    char *base = whole_name ? file_name(input->path) : base_name(input->path);
    plan->targets = calloc(run->format_count, sizeof *plan->targets);
    if (run->folder_mode)
        plan->folder = book_folder(run, input->subfolder, &ok);
    if (!base || !plan->targets || !ok) {
        cli_report_message(&run->session->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
        free(base);
        return false;
    }
    plan->ready = plan_targets(run, input->path, base, plan->folder, plan->targets);
    free(base);
    return plan->ready;
}

static void free_plans(convert_run *run, size_t count)
{
    for (size_t i = 0; run->plans && i < count; i++) {
        for (size_t k = 0; run->plans[i].targets && k < run->format_count; k++)
            free(run->plans[i].targets[k].path);
        free(run->plans[i].targets);
        free(run->plans[i].folder);
    }
    free(run->plans);
    run->plans = NULL;
}

/* The output folder and base name of one input, to find inputs whose outputs share names. */
typedef struct output_key {
    char *key; /* "FOLDER/BASE", FOLDER empty for the current folder */
    size_t index;
} output_key;

static int compare_keys(const void *a, const void *b)
{
    const output_key *x = a;
    const output_key *y = b;
    int order = strcmp(x->key, y->key);
    if (order != 0)
        return order;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Return "FOLDER/BASE" for input `index` (caller frees), or NULL when out of memory. */
static char *output_key_of(const convert_run *run, size_t index)
{
    const cli_batch_input *input = &run->inputs.items[index];
    bool ok = true;
    char *folder = book_folder(run, input->subfolder, &ok);
    char *base = base_name(input->path);
    ky_buf key = {0};
    if (ok && base && ky_buf_printf(&key, "%s/%s", folder ? folder : "", base) != 0)
        ok = false;
    free(folder);
    free(base);
    if (!ok || !base) {
        ky_buf_free(&key);
        return NULL;
    }
    return ky_buf_take(&key);
}

/* Mark the inputs of one group with the same "FOLDER/BASE" when their file names differ,
 * because only then do whole file names keep their outputs apart. */
static void mark_group(const convert_run *run, const output_key *group, size_t count,
                       size_t *shared)
{
    const cli_batch_input *items = run->inputs.items;
    for (size_t i = 0; i < count; i++) {
        const char *name = strrchr(items[group[i].index].path, '/');
        name = name ? name + 1 : items[group[i].index].path;
        for (size_t k = 0; k < count; k++) {
            const char *other = strrchr(items[group[k].index].path, '/');
            other = other ? other + 1 : items[group[k].index].path;
            if (strcmp(name, other) != 0) {
                shared[group[i].index] = group[k].index + 1;
                break;
            }
        }
    }
}

/*
 * Find the inputs whose base name another input planned for the same output
 * folder also has under another file name, such as foo.xlsx and its export
 * foo.csv: shared[i] is set to the index of one such other input plus 1, else
 * 0. Those inputs name their outputs after the whole file name. Inputs with
 * the same file name from two folders keep the base name and still collide.
 * Returns false when out of memory.
 */
static bool find_shared_bases(const convert_run *run, size_t *shared)
{
    size_t count = run->inputs.count;
    output_key *keys = calloc(count ? count : 1, sizeof *keys);
    bool ok = keys != NULL;
    for (size_t i = 0; ok && i < count; i++) {
        keys[i].index = i;
        ok = (keys[i].key = output_key_of(run, i)) != NULL;
    }
    if (ok) {
        qsort(keys, count, sizeof *keys, compare_keys);
        for (size_t start = 0, end; start < count; start = end) {
            for (end = start + 1; end < count && strcmp(keys[start].key, keys[end].key) == 0; end++)
                continue;
            mark_group(run, keys + start, end - start, shared);
        }
    }
    for (size_t i = 0; keys && i < count; i++)
        free(keys[i].key);
    free(keys);
    return ok;
}

/* Report at -v, once a run, that inputs sharing a base name get outputs named after the
 * whole file name, with the first such input as the example. */
static void report_whole_names(const convert_run *run, const size_t *shared)
{
    for (size_t i = 0; i < run->inputs.count; i++) {
        if (!shared[i])
            continue;
        const book_plan *plan = &run->plans[i];
        const char *example = run->format_count > 0 && plan->targets && plan->targets[0].path
                            ? plan->targets[0].path
                            : "";
        cli_report_message(&run->session->report, KY_SEV_INFO, NULL,
                           KY_("%s and %s have the same base name and output folder, so the "
                               "outputs of such inputs are named after the whole input file "
                               "name, such as %s"),
                           run->inputs.items[i].path, run->inputs.items[shared[i] - 1].path,
                           example);
        return;
    }
}

/* A cli_batch_task_fn: convert input `index` alone, in a worker process. */
static bool convert_task(void *payload, size_t index, cli_batch_result *result)
{
    convert_run *run = payload;
    /* This is the worker's copy of the session, so the parent's report is not changed. */
    run->session->report.first_error = result->message;
    run->session->report.first_error_size = sizeof result->message;
    return convert_book(run, &run->inputs.items[index].path, 1, &run->plans[index], result);
}

/* Return the path of the summary CSV in the run's output folder (caller frees), or NULL
 * after reporting why it cannot be written. */
static char *plan_summary(const convert_run *run)
{
    ky_buf path = {0};
    int status = 0;
    if (run->folder) {
        size_t len = strlen(run->folder);
        status = ky_buf_puts(&path, run->folder);
        if (status == 0 && len > 0 && run->folder[len - 1] != '/')
            status = ky_buf_putc(&path, '/');
    }
    if (status == 0)
        status = ky_buf_puts(&path, CLI_BATCH_SUMMARY_NAME);
    if (status != 0) {
        cli_report_message(&run->session->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
        ky_buf_free(&path);
        return NULL;
    }
    struct stat st;
    if (stat(path.data, &st) == 0 && !run->options->force) {
        ky_loc loc = {.file = path.data};
        cli_report_message(&run->session->report, KY_SEV_ERROR, &loc, "%s",
                           KY_("the file exists; use --force to overwrite it"));
        ky_buf_free(&path);
        return NULL;
    }
    return ky_buf_take(&path);
}

/* Write the summary CSV. Returns false, after reporting why, when it cannot be written. */
static bool write_summary(const convert_run *run, const char *path)
{
    const cli_report *report = &run->session->report;
    if (cli_batch_write_summary(path, &run->inputs, run->results) != 0) {
        ky_loc loc = {.file = path};
        cli_report_message(report, KY_SEV_ERROR, &loc, KY_("cannot write the summary: %s"),
                           strerror(errno));
        return false;
    }
    if (!run->options->quiet) {
        fprintf(report->stream, KY_("wrote %s"), path);
        fputc('\n', report->stream);
    }
    return true;
}

/* Convert each input into its own book, in worker processes. Returns a CLI_EXIT_* status. */
static int convert_each(convert_run *run, bool batch)
{
    const cli_options *options = run->options;
    size_t count = run->inputs.count;
    int status = CLI_EXIT_OK;

    /* Plan every input in list order before any worker starts, so that which
     * of two inputs with the same output names is converted does not depend on -j. */
    size_t *shared = calloc(count ? count : 1, sizeof *shared);
    if (!shared || !find_shared_bases(run, shared)) {
        cli_report_message(&run->session->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
        free(shared);
        return CLI_EXIT_FAILURE;
    }
    cli_report *report = &run->session->report;
    for (size_t i = 0; i < count; i++) {
        report->first_error = run->results[i].message;
        report->first_error_size = sizeof run->results[i].message;
        run->results[i].started = plan_book(run, i, &run->inputs.items[i], shared[i] != 0);
        if (!run->results[i].started) {
            run->results[i].counts.errors++;
            status = CLI_EXIT_FAILURE;
        }
    }
    report->first_error = NULL;
    report->first_error_size = 0;
    report_whole_names(run, shared);
    free(shared);
    char *summary_path = NULL;
    if (batch && !(summary_path = plan_summary(run)))
        status = CLI_EXIT_FAILURE;

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cli_batch_settings settings = {
        .jobs = options->jobs > 0 ? options->jobs : (cores > 0 ? (int)cores : 1),
        .progress = batch && !options->quiet && isatty(STDERR_FILENO),
        .report = &run->session->report,
        .inputs = &run->inputs,
    };
    if (cli_batch_run(&settings, convert_task, run, run->results) > 0)
        status = CLI_EXIT_FAILURE;

    if (batch && !options->quiet)
        cli_batch_print_totals(run->session->report.stream, run->results, count);
    if (summary_path && !write_summary(run, summary_path))
        status = CLI_EXIT_FAILURE;
    free(summary_path);
    return status;
}

/* Convert all inputs into one book, in this process. Returns a CLI_EXIT_* status. */
static int convert_merged(convert_run *run, bool batch)
{
    size_t count = run->inputs.count;
    char **paths = calloc(count, sizeof *paths);
    if (!paths) {
        cli_report_message(&run->session->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
        return CLI_EXIT_FAILURE;
    }
    for (size_t i = 0; i < count; i++)
        paths[i] = run->inputs.items[i].path;

    /* The one book goes straight into the output folder, whatever folder its first input is in. */
    cli_batch_input first = {.path = run->inputs.items[0].path, .subfolder = ""};
    int status = CLI_EXIT_OK;
    if (plan_book(run, 0, &first, false)) {
        for (size_t i = 0; i < count; i++)
            run->results[i].started = true;
        if (!convert_book(run, paths, count, &run->plans[0], run->results))
            status = CLI_EXIT_FAILURE;
    } else {
        status = CLI_EXIT_FAILURE;
    }
    if (batch && !run->options->quiet)
        cli_batch_print_totals(run->session->report.stream, run->results, count);
    free(paths);
    return status;
}

/* Expand the operands, plan the outputs and convert. Returns a CLI_EXIT_* status. */
static int run_convert(convert_run *run)
{
    const cli_options *options = run->options;
    int status = cli_batch_collect(run->session, options->from, options->operands,
                                   options->operand_count, options->output, &run->inputs);
    run->walked = run->inputs.walked;
    size_t count = run->inputs.count;
    if (count == 0)
        return CLI_EXIT_FAILURE;

    /* A batch is several files or a folder: it gets totals, and without --merge a summary CSV. */
    bool batch = count > 1 || run->walked;
    int planned = plan_outputs(run, options->merge ? 1 : count);
    if (planned != CLI_EXIT_OK)
        return planned;

    size_t book_count = options->merge ? 1 : count;
    run->plans = calloc(book_count, sizeof *run->plans);
    run->results = calloc(count, sizeof *run->results);
    if (!run->plans || !run->results) {
        cli_report_message(&run->session->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
        status = CLI_EXIT_FAILURE;
    } else {
        int converted = options->merge ? convert_merged(run, batch) : convert_each(run, batch);
        if (converted != CLI_EXIT_OK)
            status = converted;
    }
    free_plans(run, book_count);
    free(run->results);
    return status;
}

/* ------------------------------------------------------------------------ */
/* Command                                                                   */
/* ------------------------------------------------------------------------ */

/* Check the options that parsing cannot check alone. Returns a CLI_EXIT_* status. */
static int check_options(const cli_options *options)
{
    if (options->operand_count == 0) {
        cli_usage_error(stderr, "convert", "%s", KY_("an input file is needed"));
        return CLI_EXIT_USAGE;
    }
    if (options->output && !options->output[0]) {
        cli_usage_error(stderr, "convert", "%s", KY_("the output path (-o) is empty"));
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

/*
 * Check the --reference-odt file before any input is read, with the checks
 * the report plugin makes when it writes: a readable ODF text document or
 * template whose styles.xml parses. Returns CLI_EXIT_OK, CLI_EXIT_USAGE
 * after printing why, or CLI_EXIT_FAILURE when memory runs out.
 */
static int check_reference_odt(cli_session *session, const char *path)
{
    struct stat st;
    int found = stat(path, &st);
    if (found != 0 || !S_ISREG(st.st_mode)) {
        cli_usage_error(stderr, "convert",
                        KY_("cannot read the reference document %s (--reference-odt): %s"),
                        path, strerror(found != 0 ? errno : EISDIR));
        return CLI_EXIT_USAGE;
    }
    int checked = ky_odf_template_read_styles(session->ctx, path, NULL);
    if (checked == 0)
        return CLI_EXIT_OK;
    const ky_error *error = ky_error_last(session->ctx);
    cli_usage_error(stderr, "convert", "%s",
                    error && error->message[0] ? error->message : cli_status_text(checked));
    ky_error_clear(session->ctx);
    return checked == KY_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
}

/* Warn once when SOURCE_DATE_EPOCH is set but unusable, because every output
 * then carries the current time and repeated runs differ. */
static void warn_invalid_epoch(const cli_session *session)
{
    int64_t epoch = 0;
    if (ky_source_date_epoch(&epoch) >= 0)
        return;
    cli_report_message(&session->report, KY_SEV_WARNING, NULL,
                       KY_("SOURCE_DATE_EPOCH \"%s\" is not a number of seconds since "
                           "1970-01-01 UTC (a whole number, 0 or more), so it is ignored and "
                           "the outputs carry the current time"),
                       getenv("SOURCE_DATE_EPOCH"));
}

int cli_cmd_convert(int argc, char **argv, const cli_options *globals)
{
    cli_options options = *globals;
    options.formats = NULL;
    options.format_count = 0;
    uint64_t allowed = CLI_ALLOW_COMMON | CLI_ALLOW(CLI_OPT_OUTPUT) | CLI_ALLOW(CLI_OPT_TO)
                     | CLI_ALLOW(CLI_OPT_FROM) | CLI_ALLOW(CLI_OPT_ENCODING)
                     | CLI_ALLOW(CLI_OPT_MAPPING) | CLI_ALLOW(CLI_OPT_THRESHOLD)
                     | CLI_ALLOW(CLI_OPT_SCALE) | CLI_ALLOW(CLI_OPT_LANG) | CLI_ALLOW(CLI_OPT_JOBS)
                     | CLI_ALLOW(CLI_OPT_MERGE) | CLI_ALLOW(CLI_OPT_FORCE)
                     | CLI_ALLOW(CLI_OPT_OUTPUT_ENCODING) | CLI_ALLOW(CLI_OPT_ABC) | CLI_ALLOW(CLI_OPT_EXCEL_SAFE)
                     | CLI_ALLOW(CLI_OPT_NO_EXCEL_SAFE) | CLI_ALLOW(CLI_OPT_ORGANIZATION)
                     | CLI_ALLOW(CLI_OPT_REFERENCE_ODT) | CLI_ALLOW(CLI_OPT_LEVELS)
                     | CLI_ALLOW(CLI_OPT_HOURS_PER_DAY) | CLI_ALLOW(CLI_OPT_DAYS_PER_MONTH)
                     | CLI_ALLOW(CLI_OPT_DICTIONARY) | CLI_ALLOW(CLI_OPT_ID_PREFIX)
                     | CLI_ALLOW(CLI_OPT_ANONYMIZE) | CLI_ALLOW(CLI_OPT_ANONYMIZE_MAP);
    int status = cli_options_parse(&options, argc, argv, allowed, false, "convert", stderr);
    if (status != CLI_EXIT_OK)
        goto done;
    if (options.help) {
        print_help(stdout, options.plugin_dir);
        goto done;
    }
    status = check_options(&options);
    if (status == CLI_EXIT_OK)
        status = cli_anonymize_check(&options, "convert");
    if (status != CLI_EXIT_OK)
        goto done;

    cli_session session;
    status = cli_session_open(&session, &options);
    if (status != CLI_EXIT_OK)
        goto done;

    convert_run run = {.session = &session, .options = &options};
    status = cli_session_check_input(&session, options.from, "convert");
    if (status == CLI_EXIT_OK)
        warn_invalid_epoch(&session);
    if (status == CLI_EXIT_OK && options.reference_odt)
        status = check_reference_odt(&session, options.reference_odt);
    /* Load the -m and --levels files once, before any input is read. */
    ky_map_options map_options;
    if (status == CLI_EXIT_OK)
        status = cli_session_map_options(&session, &options, &map_options);
    if (status == CLI_EXIT_OK)
        status = cli_session_load_dictionary(&session, &options);
    if (status == CLI_EXIT_OK)
        status = cli_anonymize_open(&session, &options, false, &run.anonymizer);
    if (status == CLI_EXIT_OK)
        status = run_convert(&run);
    /* The map covers the inputs that were converted, also when others failed. */
    if (status != CLI_EXIT_USAGE && run.anonymizer && options.anonymize_map) {
        int written = ky_anonymizer_write_map(session.ctx, run.anonymizer, options.anonymize_map);
        if (written < 0) {
            cli_report_error(&session.report, session.ctx, written, options.anonymize_map);
            status = CLI_EXIT_FAILURE;
        }
    }
    ky_anonymizer_free(run.anonymizer);

    cli_batch_list_free(&run.inputs);
    for (size_t i = 0; i < run.written_count; i++)
        free(run.written[i].path);
    free(run.written);
    free(run.formats);
    cli_session_close(&session);

done:
    cli_options_free(&options);
    return status;
}
