/* SPDX-License-Identifier: MIT */
/*
 * `kyokun validate`: checking lessons against the guide's rules. The rules
 * are not implemented yet, so the command prints that and exits with status 2.
 */
#include "cli/commands.h"
#include "kyokun/i18n.h"

int cli_cmd_validate(int argc, char **argv, const cli_options *globals)
{
    cli_options options = *globals;
    options.formats = NULL;
    options.format_count = 0;
    int status = cli_options_parse(&options, argc, argv, CLI_ALLOW_COMMON, false, "validate",
                                   stderr);
    if (status == CLI_EXIT_OK && options.help) {
        fputs(KY_("Usage: kyokun validate [OPTIONS] INPUT...\n"
                  "\n"
                  "Check the lessons in each INPUT against the guide's rules.\n"
                  "This command is not implemented yet.\n"
                  "\n"
                  "Options:\n"
                  "  -h, --help          print this help and exit\n"),
              stdout);
    } else if (status == CLI_EXIT_OK) {
        fprintf(stderr, "kyokun: %s\n",
                KY_("'validate' is not implemented yet; 'kyokun inspect' shows how the "
                    "inputs were read"));
        status = CLI_EXIT_USAGE;
    }
    cli_options_free(&options);
    return status;
}
