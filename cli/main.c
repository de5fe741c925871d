/* SPDX-License-Identifier: MIT */
/*
 * The kyokun command: message catalogue set-up, global options (--help,
 * --version and the options every command shares) and dispatch through the
 * command table.
 */
#include <errno.h>
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "cli/commands.h"
#include "formats/ky_file.h"
#include "kyokun/i18n.h"

#ifndef KY_INSTALL_LOCALE_DIR
#define KY_INSTALL_LOCALE_DIR "/usr/local/share/locale"
#endif

/** One command: its name, entry point and one-line summary (translated when printed). */
typedef struct cli_command {
    const char *name;
    cli_command_fn fn;
    const char *summary;
} cli_command;

static const cli_command commands[] = {
    {"convert", cli_cmd_convert,
     KY_N_("convert incident spreadsheets into a risk register, lesson report and statistics")},
    {"inspect", cli_cmd_inspect,
     KY_N_("show the sheets, recognised tables, header rows, column mapping and row counts")},
    {"dump", cli_cmd_dump, KY_N_("print one sheet's cells as CSV, as the reader sees them")},
    {"validate", cli_cmd_validate, KY_N_("check lessons and risks against the guide's rules")},
    {"plugins", cli_cmd_plugins, KY_N_("list the plugins found and the modules rejected")},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

/* Bind the message catalogue: <exe>/../share/locale when it exists (build
 * tree and relocated installs), else the installed locale folder. */
static void init_messages(void)
{
    setlocale(LC_ALL, "");
    /* Numbers in outputs and dumps must not use the locale's decimal comma. */
    setlocale(LC_NUMERIC, "C");

    static char relative[PATH_MAX];
    const char *dir = KY_INSTALL_LOCALE_DIR;
    if (ky_file_exe_relative_dir("../share/locale", relative, sizeof relative))
        dir = relative;
    bindtextdomain(KY_TEXT_DOMAIN, dir);
    bind_textdomain_codeset(KY_TEXT_DOMAIN, "UTF-8");
    textdomain(KY_TEXT_DOMAIN);
}

/* Print the help. Its list of input formats includes the plugins in `plugin_dir` (--plugin-dir). */
static void print_help(FILE *out, const char *plugin_dir)
{
    fputs(KY_("Usage: kyokun [OPTIONS] COMMAND [ARGUMENTS]...\n"
              "\n"
              "Turn incident spreadsheets into structured lessons: a risk register (.xlsx),\n"
              "a lesson report (.odt) and statistics (.csv).\n"
              "\n"),
          out);
    cli_print_input_formats(out, plugin_dir);
    fputs(KY_("\n"
              "Commands:\n"),
          out);
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, KY_(commands[i].summary));
    fputs(KY_("\n"
              "Options:\n"
              "  -h, --help          print this help and exit\n"
              "  -V, --version       print the versions of kyokun and its libraries and exit\n"
              "      --plugin-dir DIR  load plugins from DIR before the other plugin folders\n"
              "  -q, --quiet         print errors only\n"
              "  -v, --verbose       also print what kyokun decided; twice for debug detail\n"
              "\n"
              "Run 'kyokun COMMAND --help' for the options of a command.\n"
              "\n"
              "Exit status: 0 on success, 1 when an input failed or is invalid or an output\n"
              "could not be written, 2 on a usage error.\n"),
          out);
}

/* Print the versions of kyokun and the libraries it runs with. */
static void print_version(FILE *out)
{
    fprintf(out, "kyokun %s\n", KY_VERSION_STRING);
    fprintf(out, "libkyokun %s\n", ky_version());

    /* libxml2 reports its version as a number such as "20914" for 2.9.14. */
    int xml = atoi(xmlParserVersion);
    fprintf(out, "libxml2 %d.%d.%d\n", xml / 10000, xml / 100 % 100, xml % 100);
    fprintf(out, "libzip %s\n", zip_libzip_version());
    fprintf(out, "libxlsxwriter %s\n", lxw_version());
}

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    init_messages();

    cli_options globals;
    cli_options_init(&globals);
    uint64_t allowed = CLI_ALLOW_COMMON | CLI_ALLOW(CLI_OPT_VERSION);
    int status = cli_options_parse(&globals, argc, argv, allowed, true, NULL, stderr);
    if (status != CLI_EXIT_OK)
        goto done;

    if (globals.version) {
        print_version(stdout);
        goto done;
    }
    if (globals.operand_count == 0) {
        if (globals.help) {
            print_help(stdout, globals.plugin_dir);
        } else {
            cli_usage_error(stderr, NULL, "%s", KY_("a command is needed"));
            status = CLI_EXIT_USAGE;
        }
        goto done;
    }

    /* "kyokun help [COMMAND]" is the same as "kyokun [COMMAND] --help". */
    char **command_argv = globals.operands;
    int command_argc = globals.operand_count;
    char help_flag[] = "--help";
    char *help_argv[3];
    if (strcmp(command_argv[0], "help") == 0) {
        if (command_argc < 2) {
            print_help(stdout, globals.plugin_dir);
            goto done;
        }
        help_argv[0] = command_argv[1];
        help_argv[1] = help_flag;
        help_argv[2] = NULL;
        command_argv = help_argv;
        command_argc = 2;
    }

    const cli_command *command = find_command(command_argv[0]);
    if (!command) {
        cli_usage_error(stderr, NULL, KY_("unknown command '%s'"), command_argv[0]);
        status = CLI_EXIT_USAGE;
        goto done;
    }
    if (globals.help) {
        help_argv[0] = command_argv[0];
        help_argv[1] = help_flag;
        help_argv[2] = NULL;
        command_argv = help_argv;
        command_argc = 2;
    }
    status = command->fn(command_argc, command_argv, &globals);

done:
    cli_options_free(&globals);
    /* A command that failed on stdout has reported it already. */
    if ((fflush(stdout) != 0 || ferror(stdout)) && status == CLI_EXIT_OK) {
        fprintf(stderr, "kyokun: %s: ", KY_("error"));
        fprintf(stderr, KY_("writing to standard output failed: %s"), strerror(errno));
        fputc('\n', stderr);
        status = CLI_EXIT_FAILURE;
    }
    return status;
}
