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
} cli_session;

/**
 * @brief Create the context, route its diagnostics to stderr at the verbosity
 *        of `options`, and load the plugins (--plugin-dir first).
 * @return CLI_EXIT_OK, CLI_EXIT_USAGE when --plugin-dir is not a folder, or
 *         CLI_EXIT_FAILURE when memory runs out; the error is printed.
 */
int cli_session_open(cli_session *session, const cli_options *options);

/** @brief Free the registry and the context. */
void cli_session_close(cli_session *session);

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

#endif
