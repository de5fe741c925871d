/* SPDX-License-Identifier: MIT */
/*
 * Printing diagnostics and errors to stderr as
 * "kyokun: FILE: SHEET!B12: warning: MESSAGE", with the location parts that
 * are known and the severity word translated.
 */
#ifndef KYOKUN_CLI_REPORT_H
#define KYOKUN_CLI_REPORT_H

#include <stdio.h>

#include "kyokun/diag.h"
#include "kyokun/registry.h"

/** Output stream and verbosity of diagnostics. */
typedef struct cli_report {
    FILE *stream;             /**< Usually stderr. */
    ky_severity min_severity; /**< Diagnostics below this are not printed. */
    /** When not NULL and still empty, receives the first error line printed, without
     *  "kyokun: " and the line end, cut at a character boundary to fit first_error_size. */
    char *first_error;
    size_t first_error_size;
} cli_report;

/** @brief A ky_diag_fn; `payload` is a cli_report. */
void cli_report_diag(const ky_diag *diag, void *payload);

/**
 * @brief Print a message of the CLI itself in the diagnostic format, when
 *        `severity` reaches the report's minimum. `fmt` is already translated.
 */
void cli_report_message(const cli_report *report, ky_severity severity, const ky_loc *loc,
                        const char *fmt, ...) KY_PRINTF(4, 5);

/**
 * @brief Print the error that made a call fail: ky_error_last() when one is
 *        set (then cleared), else the description of `status` located at `file`.
 *        Errors are printed at every verbosity.
 */
void cli_report_error(const cli_report *report, ky_ctx *ctx, int status, const char *file);

/** @brief Return the translated description of a ky_status code. */
const char *cli_status_text(int status);

/** @brief Return a plugin's description, translated. */
const char *cli_plugin_description(const ky_plugin *plugin);

#endif
