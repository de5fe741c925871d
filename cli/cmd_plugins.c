/* SPDX-License-Identifier: MIT */
/*
 * `kyokun plugins`: the plugins found in the search order, with their kind,
 * extensions, description and folder, then each rejected module and why.
 */
#include <string.h>

#include "cli/commands.h"
#include "kyokun/i18n.h"

static void print_help(FILE *out)
{
    fputs(KY_("Usage: kyokun plugins [OPTIONS]\n"
              "\n"
              "List the plugins kyokun found: name, kind (input or output), file\n"
              "extensions, description and the file it was loaded from. Then list each\n"
              "module that was rejected and why. Plugins are searched in --plugin-dir,\n"
              "the folders of KYOKUN_PLUGIN_PATH (separated by colons), lib/kyokun/plugins\n"
              "beside the kyokun binary's folder, and the installed plugin folder; the\n"
              "first plugin of a name wins.\n"
              "\n"
              "Options:\n"
              "      --plugin-dir DIR  load plugins from DIR before the other plugin folders\n"
              "  -q, --quiet         print errors only\n"
              "  -v, --verbose       also print what kyokun decided; twice for debug detail\n"
              "  -h, --help          print this help and exit\n"),
          out);
}

/* Print one plugin as an indented block. */
static void print_plugin(FILE *out, const ky_plugin *plugin, const char *from)
{
    fprintf(out, "%s\n", plugin->name);
    fprintf(out, "  %s %s\n", KY_("kind:"),
            plugin->kind == KY_PLUGIN_INPUT ? KY_("input") : KY_("output"));

    fprintf(out, "  %s ", KY_("extensions:"));
    const char *const *extension = plugin->extensions;
    if (!extension || !*extension)
        fputs(KY_("(none)"), out);
    for (bool first = true; extension && *extension; extension++, first = false)
        fprintf(out, "%s.%s", first ? "" : ", ", *extension);
    fputc('\n', out);

    fprintf(out, "  %s %s\n", KY_("description:"), cli_plugin_description(plugin));
    fprintf(out, "  %s %s\n", KY_("loaded from:"), from ? from : "");
}

int cli_cmd_plugins(int argc, char **argv, const cli_options *globals)
{
    cli_options options = *globals;
    options.formats = NULL;
    options.format_count = 0;
    int status = cli_options_parse(&options, argc, argv, CLI_ALLOW_COMMON, false, "plugins",
                                   stderr);
    if (status != CLI_EXIT_OK)
        goto done;
    if (options.help) {
        print_help(stdout);
        goto done;
    }
    if (options.operand_count > 0) {
        cli_usage_error(stderr, "plugins", KY_("unexpected argument '%s'"),
                        options.operands[0]);
        status = CLI_EXIT_USAGE;
        goto done;
    }

    cli_session session;
    status = cli_session_open(&session, &options);
    if (status != CLI_EXIT_OK)
        goto done;

    size_t count = ky_registry_count(session.reg);
    if (count == 0)
        printf("%s\n", KY_("No plugins were found."));
    for (size_t i = 0; i < count; i++) {
        const char *from = NULL;
        const ky_plugin *plugin = ky_registry_get(session.reg, i, &from);
        if (i > 0)
            putchar('\n');
        print_plugin(stdout, plugin, from);
    }

    size_t rejected = ky_registry_rejected_count(session.reg);
    if (rejected > 0)
        printf("\n%s\n", KY_("Rejected modules:"));
    for (size_t i = 0; i < rejected; i++) {
        const char *path = NULL;
        const char *reason = NULL;
        ky_registry_rejected(session.reg, i, &path, &reason);
        printf("%s\n  %s\n", path ? path : "", reason ? reason : "");
    }

    /* With no input or output plugin no other command can work. */
    if (count == 0)
        status = CLI_EXIT_FAILURE;
    cli_session_close(&session);

done:
    cli_options_free(&options);
    return status;
}
