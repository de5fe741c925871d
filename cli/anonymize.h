/* SPDX-License-Identifier: MIT */
/*
 * The anonymizer that --anonymize and --anonymize-map ask for, shared by
 * `convert` and `validate`. The caller owns the anonymizer and frees it with
 * ky_anonymizer_free().
 */
#ifndef KYOKUN_CLI_ANONYMIZE_H
#define KYOKUN_CLI_ANONYMIZE_H

#include "cli/commands.h"
#include "kyokun/anonymize.h"

/**
 * @brief Check --anonymize-map against --anonymize (the map needs a names
 *        list or auto), and that the map's folder exists and is writable, so
 *        that no input is converted before the map turns out unwritable.
 *        Prints the usage error.
 * @return CLI_EXIT_OK or CLI_EXIT_USAGE.
 */
int cli_anonymize_check(const cli_options *options, const char *command);

/**
 * @brief Create the anonymizer of the options: the names list of
 *        --anonymize FILE, detection with --anonymize auto or when
 *        `always_detect` (validate), placeholders in the --lang language,
 *        and a kept map with --anonymize-map.
 * @param out Receives the anonymizer, or NULL when none is needed.
 * @return CLI_EXIT_OK, CLI_EXIT_USAGE after printing why the names list
 *         could not be opened or parsed, or CLI_EXIT_FAILURE when memory runs out.
 */
int cli_anonymize_open(cli_session *session, const cli_options *options, bool always_detect,
                       ky_anonymizer **out);

#endif
