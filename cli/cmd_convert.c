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

#include "cli/commands.h"
#include "formats/ky_text.h"
#include "kyokun/i18n.h"
#include "kyokun/mapping.h"

/* Outputs written for each input when no -t is given. */
static const char *const default_formats[] = {"risk-register", "lesson-report", "stats"};

/* One output file of a book. */
typedef struct output_target {
    const ky_plugin *plugin;
    char *path;
} output_target;

/* An output file written in this run, and the input it was written for. */
typedef struct written_output {
    char *path;
    const char *input; /* an operand, which outlives the run */
} written_output;

/* What the whole run shares. */
typedef struct convert_run {
    cli_session *session;
    const cli_options *options;
    const ky_plugin **formats; /* output plugins to run, in order */
    size_t format_count;
    bool folder_mode;          /* write BASE.NAME.EXT per book into `folder` */
    const char *folder;        /* NULL for the current folder */
    written_output *written;   /* outputs of this run, to catch inputs sharing a base name */
    size_t written_count;
} convert_run;

/* Counts of a book before an input is added, to report what that input added. */
typedef struct book_counts {
    size_t sheets;
    size_t incidents;
    size_t risks;
    size_t lessons;
    size_t warnings;
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
    cli_print_input_formats(out, plugin_dir);
    fputs(KY_("\n"
              "Output:\n"
              "  -o, --output PATH   a file, whose extension selects the format unless -t is\n"
              "                      given; or a folder (a path ending in '/', an existing\n"
              "                      folder, or any path when there are several inputs) that\n"
              "                      receives BASE.risk-register.xlsx, BASE.lesson-report.odt\n"
              "                      and BASE.stats.csv for each input, BASE being the input's\n"
              "                      file name without its extension (default: the current\n"
              "                      folder)\n"
              "  -t, --to FORMAT     write only this output plugin: risk-register,\n"
              "                      lesson-report or stats; repeat the option or separate\n"
              "                      names with commas to write several\n"
              "      --force         overwrite output files that exist; without it an\n"
              "                      existing file is left as it is and the input fails\n"
              "      --merge         read all inputs into one book and write one set of\n"
              "                      outputs, named after the first input\n"
              "      --lang LANG     language of the labels in the outputs: ja or en\n"
              "                      (default: taken from the locale, not from the input:\n"
              "                      ja when the first of LC_ALL, LC_MESSAGES and LANG\n"
              "                      that is set starts with \"ja\", else en)\n"
              "      --threshold N   risk value (A x B, 1-25) from which a risk needs a\n"
              "                      response (default: 5)\n"
              "      --output-encoding ENC  encoding of CSV outputs (stats): utf-8,\n"
              "                      utf-8-bom (UTF-8 that Excel recognises) or cp932 (for\n"
              "                      Excel on Japanese Windows; a character CP932 cannot\n"
              "                      represent is an error) (default: utf-8)\n"
              "      --excel-safe    in CSV outputs (stats), put ' before text that starts\n"
              "                      with =, +, -, @ (half- or full-width), TAB or CR, so\n"
              "                      that Excel does not run it as a formula; numbers are\n"
              "                      not changed (default: on)\n"
              "      --no-excel-safe write such text unchanged\n"
              "\n"
              "Input:\n"
              "  -f, --from FORMAT   read with this input plugin instead of detecting the format\n"
              "      --encoding ENC  CSV input encoding: utf-8, utf-16 (byte order from the\n"
              "                      BOM), utf-16le, utf-16be, cp932 (also shift_jis, sjis,\n"
              "                      ms932) or euc-jp, in any letter case (default: detected\n"
              "                      from the content)\n"
              "  -m, --mapping FILE  column mapping file (not supported yet)\n"
              "  -j, --jobs N        number of inputs to convert in parallel (accepted, but\n"
              "                      inputs are converted one at a time for now)\n"
              "\n"
              "General:\n"
              "      --plugin-dir DIR  load plugins from DIR before the other plugin folders\n"
              "  -q, --quiet         print errors only\n"
              "  -v, --verbose       also print what kyokun decided; twice for debug detail\n"
              "  -h, --help          print this help and exit\n"
              "\n"
              "Exit status: 0 when every input was converted, 1 when an input could not be\n"
              "read, contained no recognised table, or an output could not be written, 2 on\n"
              "a usage error.\n"),
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

/* Return the input that an output of this run was written for, or NULL when none was. */
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
                        || book_count > 1;
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
 * input with --merge). Returns false, after printing why, when one of them
 * cannot be written. */
static bool plan_targets(convert_run *run, const char *input, const char *base,
                         output_target *targets)
{
    const cli_report *report = &run->session->report;
    bool ok = true;
    const char *earlier_input = NULL;

    for (size_t i = 0; i < run->format_count; i++) {
        targets[i].plugin = run->formats[i];
        targets[i].path = run->folder_mode
                        ? folder_output_path(run->folder, base, run->formats[i])
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

    /* Inputs such as a.xls and a.ods share the base name of their outputs. */
    if (earlier_input)
        cli_report_message(report, KY_SEV_ERROR, NULL,
                           KY_("%s was not converted: its outputs would overwrite those of %s. "
                               "Give each input its own -o folder, or rename one of them"),
                           input, earlier_input);
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
    };
}

/* Print "FILE: N sheets, R rows: M mapped, S skipped; L lessons, K risks (X need a
 * response), I incidents; W warnings" for what one input added to the book. */
static void print_summary(const convert_run *run, const char *path, const ky_book *book,
                          const book_counts *before)
{
    size_t rows = 0, mapped = 0, skipped = 0;
    for (size_t i = before->sheets; i < book->sheet_count; i++) {
        const ky_sheet_report *sheet = &book->sheets[i];
        rows += sheet->rows_total;
        mapped += sheet->rows_mapped;
        skipped += sheet->skipped.blank + sheet->skipped.title + sheet->skipped.header
                 + sheet->skipped.note + sheet->skipped.unreadable;
    }
    size_t need_response = 0;
    for (size_t i = before->risks; i < book->risk_count; i++)
        need_response += book->risks[i].needs_response ? 1 : 0;
    book_counts after = count_book(book, run->session->ctx);

    /* Each count is formatted with its own plural form before the line is put together. */
    size_t sheets = after.sheets - before->sheets;
    size_t lessons = after.lessons - before->lessons;
    size_t risks = after.risks - before->risks;
    size_t incidents = after.incidents - before->incidents;
    size_t warnings = after.warnings - before->warnings;
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
static bool check_has_records(const convert_run *run, const ky_book *book, char **inputs,
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

/* Write every target of a book. Returns false when one failed. */
static bool write_outputs(convert_run *run, const ky_book *book, const char *input,
                          const output_target *targets)
{
    cli_session *session = run->session;
    bool ok = true;
    for (size_t i = 0; i < run->format_count; i++) {
        ky_write_options write_options;
        ky_write_options_init(&write_options);
        write_options.lang = run->options->lang;
        write_options.output_encoding = run->options->output_encoding;
        write_options.excel_safe = run->options->excel_safe;
        int status = ky_registry_write(session->ctx, targets[i].plugin, book, &write_options,
                                       targets[i].path);
        if (status < 0) {
            cli_report_error(&session->report, session->ctx, status, targets[i].path);
            ok = false;
            continue;
        }
        remember_written(run, targets[i].path, input);
        if (!run->options->quiet) {
            fprintf(session->report.stream, KY_("wrote %s"), targets[i].path);
            fputc('\n', session->report.stream);
        }
    }
    return ok;
}

/* Convert the inputs of one book: all inputs with --merge, else one. Returns true on success. */
static bool convert_book(convert_run *run, char **inputs, int input_count)
{
    cli_session *session = run->session;
    const cli_options *options = run->options;
    bool ok = true;
    int inputs_read = 0;
    ky_book *book = NULL;

    char *base = base_name(inputs[0]);
    output_target *targets = calloc(run->format_count, sizeof *targets);
    if (!base || !targets) {
        cli_report_message(&session->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
        ok = false;
        goto cleanup;
    }

    /* Check the targets before reading, so that a refused overwrite costs nothing. */
    if (!plan_targets(run, inputs[0], base, targets)) {
        ok = false;
        goto cleanup;
    }

    book = ky_book_new();
    if (!book || !(book->title = ky_strdup(base))) {
        cli_report_message(&session->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
        ok = false;
        goto cleanup;
    }
    book->threshold = options->threshold;

    ky_read_options read_options;
    ky_read_options_init(&read_options);
    read_options.encoding = options->encoding;
    ky_map_options map_options;
    ky_map_options_init(&map_options);
    map_options.threshold = options->threshold;

    /* Read each input. One that fails is reported, and the others go on. */
    for (int i = 0; i < input_count; i++) {
        ky_source source = {.path = inputs[i]};
        book_counts before = count_book(book, session->ctx);
        const char *format = NULL;
        int status = cli_session_choose_input(session, &source, options->from, &format);
        if (status == 0)
            status = ky_book_add_file(session->ctx, session->reg, book, &source, format,
                                      &read_options, &map_options);
        if (status < 0) {
            cli_report_error(&session->report, session->ctx, status, inputs[i]);
            ok = false;
            continue;
        }
        inputs_read++;
        if (!options->quiet)
            print_summary(run, inputs[i], book, &before);
    }
    if (inputs_read == 0)
        goto cleanup;

    if (!check_has_records(run, book, inputs, input_count)) {
        ok = false;
        goto cleanup;
    }
    if (!write_outputs(run, book, inputs[0], targets))
        ok = false;

cleanup:
    for (size_t i = 0; targets && i < run->format_count; i++)
        free(targets[i].path);
    free(targets);
    free(base);
    ky_book_free(book);
    return ok;
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
    if (options->mapping) {
        cli_usage_error(stderr, "convert", KY_("mapping files (-m %s) are not supported yet"),
                        options->mapping);
        return CLI_EXIT_USAGE;
    }
    if (options->output && !options->output[0]) {
        cli_usage_error(stderr, "convert", "%s", KY_("the output path (-o) is empty"));
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

int cli_cmd_convert(int argc, char **argv, const cli_options *globals)
{
    cli_options options = *globals;
    options.formats = NULL;
    options.format_count = 0;
    unsigned allowed = CLI_ALLOW_COMMON | CLI_ALLOW(CLI_OPT_OUTPUT) | CLI_ALLOW(CLI_OPT_TO)
                     | CLI_ALLOW(CLI_OPT_FROM) | CLI_ALLOW(CLI_OPT_ENCODING)
                     | CLI_ALLOW(CLI_OPT_MAPPING) | CLI_ALLOW(CLI_OPT_THRESHOLD)
                     | CLI_ALLOW(CLI_OPT_LANG) | CLI_ALLOW(CLI_OPT_JOBS)
                     | CLI_ALLOW(CLI_OPT_MERGE) | CLI_ALLOW(CLI_OPT_FORCE)
                     | CLI_ALLOW(CLI_OPT_OUTPUT_ENCODING) | CLI_ALLOW(CLI_OPT_EXCEL_SAFE)
                     | CLI_ALLOW(CLI_OPT_NO_EXCEL_SAFE);
    int status = cli_options_parse(&options, argc, argv, allowed, false, "convert", stderr);
    if (status != CLI_EXIT_OK)
        goto done;
    if (options.help) {
        print_help(stdout, options.plugin_dir);
        goto done;
    }
    status = check_options(&options);
    if (status != CLI_EXIT_OK)
        goto done;

    cli_session session;
    status = cli_session_open(&session, &options);
    if (status != CLI_EXIT_OK)
        goto done;

    convert_run run = {.session = &session, .options = &options};
    size_t book_count = options.merge ? 1 : (size_t)options.operand_count;
    status = cli_session_check_input(&session, options.from, "convert");
    if (status == CLI_EXIT_OK)
        status = plan_outputs(&run, book_count);

    if (status == CLI_EXIT_OK) {
        /* TODO: run -j inputs in parallel with one context per thread. For now they run in turn. */
        if (options.jobs > 1)
            cli_report_message(&session.report, KY_SEV_INFO, NULL, "%s",
                               KY_("-j is accepted but inputs are converted one at a time"));
        if (options.merge) {
            if (!convert_book(&run, options.operands, options.operand_count))
                status = CLI_EXIT_FAILURE;
        } else {
            for (int i = 0; i < options.operand_count; i++)
                if (!convert_book(&run, &options.operands[i], 1))
                    status = CLI_EXIT_FAILURE;
        }
    }

    for (size_t i = 0; i < run.written_count; i++)
        free(run.written[i].path);
    free(run.written);
    free(run.formats);
    cli_session_close(&session);

done:
    cli_options_free(&options);
    return status;
}
