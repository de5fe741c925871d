/* SPDX-License-Identifier: MIT */
/*
 * The session every command starts with: a context that prints diagnostics
 * and a registry loaded in the search order (--plugin-dir, KYOKUN_PLUGIN_PATH,
 * beside the binary, the installed folder).
 */
#include <errno.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "kyokun/i18n.h"
#include "kyokun/mapping_file.h"
#include "kyokun/vocab.h"

int cli_session_open(cli_session *session, const cli_options *options)
{
    memset(session, 0, sizeof *session);
    session->report.stream = stderr;
    session->report.min_severity = cli_options_min_severity(options);

    /* A mistyped --plugin-dir would silently fall back to other folders. */
    if (options->plugin_dir) {
        struct stat st;
        if (stat(options->plugin_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            cli_usage_error(stderr, NULL, KY_("plugin folder not found: %s"),
                            options->plugin_dir);
            return CLI_EXIT_USAGE;
        }
    }

    session->ctx = ky_ctx_new();
    session->reg = ky_registry_new();
    if (!session->ctx || !session->reg) {
        fprintf(stderr, "kyokun: %s\n", KY_("out of memory"));
        cli_session_close(session);
        return CLI_EXIT_FAILURE;
    }
    ky_ctx_set_handler(session->ctx, cli_report_diag, session->report.min_severity,
                       &session->report);

    ky_registry_load_default(session->reg, options->plugin_dir);

    /* A rejected module does not stop a run; `kyokun plugins` lists them all. */
    for (size_t i = 0; i < ky_registry_rejected_count(session->reg); i++) {
        const char *path = NULL;
        const char *reason = NULL;
        ky_registry_rejected(session->reg, i, &path, &reason);
        ky_loc loc = {.file = path};
        cli_report_message(&session->report, KY_SEV_INFO, &loc, KY_("plugin rejected: %s"),
                           reason ? reason : "");
    }
    return CLI_EXIT_OK;
}

void cli_session_close(cli_session *session)
{
    ky_mapping_file_free(session->mapping);
    ky_dict_free(session->dict);
    session->dict = NULL;
    ky_level_table_free(session->levels);
    session->mapping = NULL;
    session->levels = NULL;
    ky_registry_free(session->reg);
    ky_ctx_free(session->ctx);
    session->reg = NULL;
    session->ctx = NULL;
}

void cli_session_plugin_names(const cli_session *session, ky_plugin_kind kind, ky_buf *out)
{
    bool first = true;
    for (size_t i = 0; i < ky_registry_count(session->reg); i++) {
        const ky_plugin *plugin = ky_registry_get(session->reg, i, NULL);
        if (plugin->kind != kind)
            continue;
        if (!first)
            ky_buf_puts(out, ", ");
        ky_buf_puts(out, plugin->name);
        first = false;
    }
}

/* qsort order of plugin names. */
static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void cli_input_format_names(const ky_registry *reg, ky_buf *out)
{
    size_t count = ky_registry_count(reg);
    const char **names = calloc(count ? count : 1, sizeof *names);
    if (!names)
        return;
    size_t input_count = 0;
    for (size_t i = 0; i < count; i++) {
        const ky_plugin *plugin = ky_registry_get(reg, i, NULL);
        if (plugin->kind == KY_PLUGIN_INPUT)
            names[input_count++] = plugin->name;
    }
    qsort(names, input_count, sizeof *names, compare_names);
    for (size_t i = 0; i < input_count; i++) {
        if (i > 0)
            ky_buf_puts(out, ", ");
        ky_buf_puts(out, names[i]);
    }
    free(names);
}

void cli_print_input_formats(FILE *out, const char *plugin_dir)
{
    ky_buf names = {0};
    ky_registry *reg = ky_registry_new();
    if (reg) {
        ky_registry_load_default(reg, plugin_dir);
        cli_input_format_names(reg, &names);
    }
    if (names.len > 0)
        fprintf(out, KY_("Input formats: %s (see `kyokun plugins`)"), names.data);
    else
        fputs(KY_("Input formats: none, because no input plugin was found (`kyokun plugins` "
                  "shows where kyokun looked)"),
              out);
    fputc('\n', out);
    ky_buf_free(&names);
    ky_registry_free(reg);
}

int cli_session_check_input(const cli_session *session, const char *name, const char *command)
{
    ky_buf names = {0};
    cli_session_plugin_names(session, KY_PLUGIN_INPUT, &names);
    int status = CLI_EXIT_OK;

    if (names.len == 0) {
        cli_report_message(&session->report, KY_SEV_ERROR, NULL,
                           KY_("no input plugins were found; run 'kyokun plugins' to see "
                               "where kyokun looked, or use --plugin-dir DIR"));
        status = CLI_EXIT_FAILURE;
    } else if (name && !ky_registry_find(session->reg, KY_PLUGIN_INPUT, name)) {
        cli_usage_error(stderr, command, KY_("unknown input format '%s'; available: %s"), name,
                        names.data);
        status = CLI_EXIT_USAGE;
    }
    ky_buf_free(&names);
    return status;
}

/* Return true when the plugin lists `extension` (compared without case). */
static bool plugin_has_extension(const ky_plugin *plugin, const char *extension)
{
    for (const char *const *e = plugin->extensions; e && *e; e++)
        if (strcasecmp(*e, extension) == 0)
            return true;
    return false;
}

int cli_session_choose_input(cli_session *session, const ky_source *source, const char *forced,
                             const char **out)
{
    /* An empty file gets its own message here, whichever plugin would read it. */
    ky_loc file_loc = {.file = source->path};
    struct stat st;
    bool exists = stat(source->path, &st) == 0;
    if (exists && S_ISREG(st.st_mode) && st.st_size == 0)
        return ky_error_set(session->ctx, KY_EPARSE, &file_loc, "%s", KY_("the file is empty"));

    if (forced) {
        *out = forced;
        return 0;
    }
    const ky_plugin *chosen = NULL;
    int score = 0;
    int status = ky_registry_probe(session->reg, session->ctx, source, &chosen, &score);
    if (status == KY_ENOTFOUND && exists) {
        /* The file exists, so no plugin claimed it. The message names the formats tried. */
        ky_buf names = {0};
        cli_input_format_names(session->reg, &names);
        status = ky_error_set(session->ctx, KY_ENOTFOUND, &file_loc,
                              KY_("no input plugin recognises this file's content; input "
                                  "formats: %s (see `kyokun plugins`)"),
                              names.len ? names.data : KY_("(none)"));
        ky_buf_free(&names);
    }
    if (status < 0)
        return status;
    *out = chosen->name;

    const char *slash = strrchr(source->path, '/');
    const char *name = slash ? slash + 1 : source->path;
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name || plugin_has_extension(chosen, dot + 1))
        return 0;
    for (size_t i = 0; i < ky_registry_count(session->reg); i++) {
        const ky_plugin *other = ky_registry_get(session->reg, i, NULL);
        if (other->kind == KY_PLUGIN_INPUT && plugin_has_extension(other, dot + 1)) {
            ky_loc loc = {.file = source->path};
            ky_diag_emit(session->ctx, KY_SEV_WARNING, "cli.extension-mismatch", &loc,
                         KY_("the name says %s but the content is not; reading it as %s "
                             "(use -f FORMAT to choose the reader)"),
                         other->name, chosen->name);
            break;
        }
    }
    return 0;
}

/* Load the -m and --levels files into the session. Returns a CLI_EXIT_* status after
 * reporting the error: CLI_EXIT_USAGE for a file that cannot be opened or parsed. */
static int load_map_files(cli_session *session, const cli_options *options)
{
    int status = 0;
    if (options->mapping && !session->mapping)
        status = ky_mapping_file_load(session->ctx, options->mapping, &session->mapping);
    if (status == 0 && options->levels && !session->levels)
        status = ky_level_table_load(session->ctx, options->levels, &session->levels);
    if (status != 0) {
        const char *path = session->mapping || !options->mapping ? options->levels
                                                                 : options->mapping;
        cli_report_error(&session->report, session->ctx, status, path);
        return status == KY_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    session->map_files_loaded = true;
    return CLI_EXIT_OK;
}

/* Warn when the threshold is above every risk value that the scale allows. */
static void warn_unreachable_threshold(const cli_session *session, const cli_options *options)
{
    int largest = ky_risk_value_max(options->scale);
    if (options->threshold <= largest)
        return;
    cli_report_message(&session->report, KY_SEV_WARNING, NULL,
                       KY_("no risk can reach the threshold %d (--threshold): on the %d x %d "
                           "scale the risk value C = A x B is at most %d, so no risk is marked "
                           "as needing a response. Give a threshold from 1 to %d"),
                       options->threshold, options->scale, options->scale, largest, largest);
}

int cli_session_map_options(cli_session *session, const cli_options *options,
                            ky_map_options *out)
{
    ky_map_options_init(out);
    out->threshold = options->threshold;
    out->scale = options->scale;
    if (options->hours_per_day > 0)
        out->hours_per_day = options->hours_per_day;
    if (options->days_per_month > 0)
        out->days_per_month = options->days_per_month;
    if (!session->map_files_loaded) {
        int status = load_map_files(session, options);
        if (status != CLI_EXIT_OK)
            return status;
        warn_unreachable_threshold(session, options);
    }
    out->mapping = session->mapping;
    out->levels = session->levels;
    return CLI_EXIT_OK;
}
