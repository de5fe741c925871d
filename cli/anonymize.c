/* SPDX-License-Identifier: MIT */
/* The anonymizer of the --anonymize options. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/anonymize.h"
#include "kyokun/i18n.h"

/* Check that the --anonymize-map path is not a folder, and that its folder
 * exists and is writable. */
static int check_map_folder(const char *path, const char *command)
{
    struct stat target;
    if (stat(path, &target) == 0 && S_ISDIR(target.st_mode)) {
        cli_usage_error(stderr, command,
                        KY_("cannot write the name map %s (--anonymize-map): it is a folder. "
                            "Give the path of a file, such as a new .csv file in that folder"),
                        path);
        return CLI_EXIT_USAGE;
    }
    const char *slash = strrchr(path, '/');
    char *folder = slash ? ky_strndup(path, slash == path ? 1 : (size_t)(slash - path))
                         : ky_strdup(".");
    if (!folder) {
        cli_usage_error(stderr, command, "%s", KY_("out of memory"));
        return CLI_EXIT_FAILURE;
    }
    struct stat st;
    int status = CLI_EXIT_OK;
    if (stat(folder, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_usage_error(stderr, command,
                        KY_("cannot write the name map %s (--anonymize-map): the folder %s "
                            "does not exist"),
                        path, folder);
        status = CLI_EXIT_USAGE;
    } else if (access(folder, W_OK) != 0) {
        cli_usage_error(stderr, command,
                        KY_("cannot write the name map %s (--anonymize-map): the folder %s "
                            "is not writable (%s)"),
                        path, folder, strerror(errno));
        status = CLI_EXIT_USAGE;
    }
    free(folder);
    return status;
}

int cli_anonymize_check(const cli_options *options, const char *command)
{
    if (options->anonymize_map && !options->anonymize_names && !options->anonymize_auto) {
        cli_usage_error(stderr, command, "%s",
                        KY_("--anonymize-map needs --anonymize FILE or --anonymize auto"));
        return CLI_EXIT_USAGE;
    }
    if (options->anonymize_map)
        return check_map_folder(options->anonymize_map, command);
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
        /* A names list that cannot be opened or parsed is a mistake on the command line. */
        return status == KY_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    *out = anonymizer;
    return CLI_EXIT_OK;
}
