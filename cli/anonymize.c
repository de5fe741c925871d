/* SPDX-License-Identifier: MIT */
/* The anonymizer of the --anonymize options. */
#include "cli/anonymize.h"
#include "kyokun/i18n.h"

int cli_anonymize_check(const cli_options *options, const char *command)
{
    if (options->anonymize_map && !options->anonymize_names && !options->anonymize_auto) {
        cli_usage_error(stderr, command, "%s",
                        KY_("--anonymize-map needs --anonymize FILE or --anonymize auto"));
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

int cli_anonymize_open(cli_session *session, const cli_options *options, bool always_detect,
                       ky_anonymizer **out)
{
    *out = NULL;
    bool detect = always_detect || options->anonymize_auto;
    if (!detect && !options->anonymize_names)
        return CLI_EXIT_OK;

    ky_anonymize_options anonymize_options;
    ky_anonymize_options_init(&anonymize_options);
    anonymize_options.lang = options->lang;
    anonymize_options.detect = detect;
    ky_anonymizer *anonymizer = NULL;
    int status = ky_anonymizer_new(session->ctx, &anonymize_options, &anonymizer);
    if (status == 0 && options->anonymize_names)
        status = ky_anonymizer_load_names(session->ctx, anonymizer, options->anonymize_names);
    if (status == 0 && options->anonymize_map)
        status = ky_anonymizer_keep_map(session->ctx, anonymizer);
    if (status < 0) {
        cli_report_error(&session->report, session->ctx, status, options->anonymize_names);
        ky_anonymizer_free(anonymizer);
        return CLI_EXIT_FAILURE;
    }
    *out = anonymizer;
    return CLI_EXIT_OK;
}
