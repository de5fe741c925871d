/* SPDX-License-Identifier: MIT */
/*
 * The commands of the kyokun command line and the session they share: a
 * context whose diagnostics go to stderr and a registry with the plugins
 * loaded in the documented search order.
 */
#ifndef KYOKUN_CLI_COMMANDS_H
#define KYOKUN_CLI_COMMANDS_H

#include "cli/options.h"
#include "cli/report.h"
#include "formats/ky_text.h"
#include "kyokun/mapping.h"
#include "kyokun/registry.h"

/**
 * A command's entry point, main-like: argv[0] is the command name and
 * `globals` contains the options given before it. Returns a CLI_EXIT_* status.
 */
typedef int (*cli_command_fn)(int argc, char **argv, const cli_options *globals);

int cli_cmd_convert(int argc, char **argv, const cli_options *globals);
int cli_cmd_inspect(int argc, char **argv, const cli_options *globals);
int cli_cmd_dump(int argc, char **argv, const cli_options *globals);
int cli_cmd_validate(int argc, char **argv, const cli_options *globals);
int cli_cmd_plugins(int argc, char **argv, const cli_options *globals);

/** The context and plugin registry of one command run. */
typedef struct cli_session {
    ky_ctx *ctx;
    ky_registry *reg;
    cli_report report;
    struct ky_mapping_file *mapping; /**< -m file, loaded by cli_session_map_options(). */
    struct ky_level_table *levels;   /**< --levels file, loaded by cli_session_map_options(). */
    bool map_files_loaded;           /**< Both files were loaded (or were not given). */
    struct ky_dict *dict;            /**< Dictionaries, loaded by cli_session_load_dictionary(). */
} cli_session;

/**
 * @brief Create the context, route its diagnostics to stderr at the verbosity
 *        of `options`, and load the plugins (--plugin-dir first).
 * @return CLI_EXIT_OK, CLI_EXIT_USAGE when --plugin-dir is not a folder, or
 *         CLI_EXIT_FAILURE when memory runs out; the error is printed.
 */
int cli_session_open(cli_session *session, const cli_options *options);

/** @brief Free the registry, the context and the mapping and level files. */
void cli_session_close(cli_session *session);

/**
 * @brief Fill `out` with the mapping options of the command line: threshold,
 *        scale, --hours-per-day, --days-per-month, and the -m and --levels
 *        files, which are loaded on the first call and kept by the session.
 *        The first call also warns when the threshold is above the largest
 *        risk value of the scale. Call it once before any parallel work.
 * @return CLI_EXIT_OK, CLI_EXIT_USAGE after printing why a file could not
 *         be opened or parsed (the message names the file, row and column),
 *         or CLI_EXIT_FAILURE when memory runs out.
 */
int cli_session_map_options(cli_session *session, const cli_options *options,
                            ky_map_options *out);

/**
 * @brief Check that at least one input plugin is loaded and that `name`, when
 *        given, names one; print what is available otherwise.
 * @return CLI_EXIT_OK, CLI_EXIT_USAGE for an unknown name, CLI_EXIT_FAILURE when none is loaded.
 */
int cli_session_check_input(const cli_session *session, const char *name, const char *command);

/**
 * @brief Choose the input plugin for a file: `forced` when given (-f), else
 *        the one whose probe scores the content highest. An empty file is an
 *        error either way. Warns when another input plugin claims the file's
 *        extension, because the name then disagrees with the content.
 * @param out Receives the plugin's name (borrowed from the registry).
 * @return 0, or a negative ky_status with the error set on the context.
 */
int cli_session_choose_input(cli_session *session, const ky_source *source, const char *forced,
                             const char **out);

/** @brief Append the names of the input plugins of `reg`, sorted and separated by ", ". */
void cli_input_format_names(const ky_registry *reg, ky_buf *out);

/**
 * @brief Print the line "Input formats: csv, xlsx (see `kyokun plugins`)" for
 *        help texts, with the input plugins found in the plugin search order
 *        (`plugin_dir` first, NULL for none).
 */
void cli_print_input_formats(FILE *out, const char *plugin_dir);

/** @brief Append the names of the plugins of a kind, separated by ", ". */
void cli_session_plugin_names(const cli_session *session, ky_plugin_kind kind, ky_buf *out);

/**
 * @brief Load the built-in dictionaries and those of --dictionary into the
 *        session (classification.c). Call it once before any parallel work.
 * @return CLI_EXIT_OK, CLI_EXIT_USAGE when the --dictionary folder does not
 *         exist or a file in it cannot be opened or parsed (the message names
 *         the file, row and column), or CLI_EXIT_FAILURE when memory runs out.
 */
int cli_session_load_dictionary(cli_session *session, const cli_options *options);

/**
 * @brief Classify a complete book with the session's dictionaries: map the
 *        classification cells, derive the importance, suggest missing axes
 *        and, when `generate_ids`, give lessons without an id one
 *        (--id-prefix). Labels follow --lang or the locale.
 * @return true, or false after printing the error.
 */
bool cli_classify_book(cli_session *session, ky_book *book, const cli_options *options,
                       bool generate_ids);

/**
 * @brief Print for lesson `id` of the book each axis: its value, its source
 *        (read, derived, suggested) and why (`kyokun inspect --explain`).
 * @return true, or false when the book has no lesson with that id.
 */
bool cli_print_explanation(FILE *out, const ky_book *book, const char *id);

/**
 * @brief Print the "Classification:" part of a command's help: --dictionary,
 *        and --id-prefix and --explain when the command accepts them.
 */
void cli_print_classification_help(FILE *out, bool with_ids, bool with_explain);

#endif
