/* SPDX-License-Identifier: MIT */
/*
 * Batch conversion for `kyokun convert`: expanding folder operands into the
 * input files they contain, running one worker process per input with at
 * most N at a time, and the per-input summary (printed and written as CSV).
 *
 * Memory: a cli_batch_list owns its paths (free it with
 * cli_batch_list_free()); the results array of cli_batch_run() belongs to
 * the caller.
 */
#ifndef KYOKUN_CLI_BATCH_H
#define KYOKUN_CLI_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/commands.h"

/** File name of the summary CSV written into the output folder of a batch run. */
#define CLI_BATCH_SUMMARY_NAME "kyokun-summary.csv"

/** One input file of a run. */
typedef struct cli_batch_input {
    char *path;      /**< The file, as given or as found under a folder operand. */
    char *subfolder; /**< Folder of the file below its folder operand ("" for none), so
                          that outputs mirror the input tree. */
} cli_batch_input;

/** The input files of a run, in the order they are converted and reported. */
typedef struct cli_batch_list {
    cli_batch_input *items;
    size_t count;
    bool walked; /**< A folder operand was expanded. */
} cli_batch_list;

/** Counts of the records and messages that the conversion of one input produced. */
typedef struct cli_batch_counts {
    size_t sheets;
    size_t rows;     /**< Rows read: mapped + skipped. */
    size_t mapped;
    size_t skipped;
    size_t lessons;
    size_t risks;
    size_t need_response; /**< Risks at or above the threshold. */
    size_t incidents;
    size_t warnings;
    size_t errors;   /**< Errors reported for this input. */
} cli_batch_counts;

/** Size of cli_batch_result.message in bytes, with the terminating NUL. */
#define CLI_BATCH_MESSAGE_SIZE 1024

/** Outcome of one input. */
typedef struct cli_batch_result {
    cli_batch_counts counts;
    bool started;   /**< A worker ran; false when planning already rejected the input. */
    bool converted; /**< Read and every output written. */
    int signal;     /**< Signal that stopped the worker, 0 when it exited. */
    bool result_lost; /**< The worker exited without sending its counts. */
    int exit_status;  /**< Exit status of that worker. */
    /** First error line printed for this input, without "kyokun: " ("" for none). It is
     *  part of the struct so that a worker sends it back with the counts. */
    char message[CLI_BATCH_MESSAGE_SIZE];
} cli_batch_result;

/**
 * @brief Expand the operands into input files. A file operand is taken as it
 *        is. A folder operand is walked recursively in byte order of the
 *        names, and it contributes the files whose extension an input plugin
 *        lists (only the plugin `from` when given). The walk skips hidden
 *        names (starting with '.'), symbolic links to folders and the folder
 *        `output_folder`. It also skips files named like kyokun outputs:
 *        BASE.PLUGIN.EXT of an output plugin, and CLI_BATCH_SUMMARY_NAME.
 *        Skipped files are reported at -v.
 * @return CLI_EXIT_OK, or CLI_EXIT_FAILURE after reporting a folder that
 *         cannot be read or contains no input file. `out` then lists the
 *         inputs found in the other operands.
 */
int cli_batch_collect(const cli_session *session, const char *from, char *const *operands,
                      int operand_count, const char *output_folder, cli_batch_list *out);

/** @brief Free the paths of a list and reset it. */
void cli_batch_list_free(cli_batch_list *list);

/**
 * Convert input `index` inside a worker process and fill `result->counts`.
 * Returns true when the input was converted. Diagnostics go to stderr.
 */
typedef bool (*cli_batch_task_fn)(void *payload, size_t index, cli_batch_result *result);

/** Settings of cli_batch_run(). */
typedef struct cli_batch_settings {
    int jobs;                  /**< Workers running at the same time (at least 1). */
    bool progress;             /**< Redraw a progress line on stderr (a terminal). */
    const cli_report *report;  /**< Where crash messages are printed. */
    const cli_batch_list *inputs;
} cli_batch_settings;

/**
 * @brief Run `task` for each input whose `results[i].started` is true, each
 *        in a forked worker process, at most settings->jobs at a time.
 *        Whatever a worker writes to stderr is printed whole, input after
 *        input in list order, so that the output is the same for any job
 *        count. A worker stopped by a signal is reported as that input's
 *        failure, and the others go on. Its counts are then 0 except one
 *        error, because a worker sends its counts only when it finishes.
 *        The progress line counts every input, and those not started as done.
 * @return The number of inputs that were started and not converted.
 */
size_t cli_batch_run(const cli_batch_settings *settings, cli_batch_task_fn task, void *payload,
                     cli_batch_result *results);

/**
 * @brief Print the totals of a batch run: files converted and failed, rows,
 *        lessons, risks and errors.
 */
void cli_batch_print_totals(FILE *out, const cli_batch_result *results, size_t count);

/**
 * @brief Write the per-input summary as CSV (UTF-8 with a byte order mark and
 *        CRLF line ends, which Excel opens correctly) to `path`, through a
 *        temporary file that replaces `path` only when complete. The last
 *        column, message, contains the first error of the input without the
 *        "FILE: " that names the input itself.
 * @return 0, or -1 with errno set.
 */
int cli_batch_write_summary(const char *path, const cli_batch_list *inputs,
                            const cli_batch_result *results);

#endif
