/* SPDX-License-Identifier: MIT */
/*
 * Command-line parsing with getopt_long over one option table. Each command
 * passes the set of options it accepts. Values are checked here, so every
 * command rejects a bad --threshold or --lang the same way.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/options.h"
#include "formats/ky_csv.h"
#include "kyokun/classify.h"
#include "kyokun/i18n.h"

/* getopt_long returns the short letter, or this base plus the table index for long-only options. */
#define LONG_ONLY_BASE 256

typedef struct option_spec {
    const char *long_name;
    int short_name; /* 0 when the option has no one-letter form */
    int has_arg;
} option_spec;

static const option_spec option_specs[CLI_OPT_COUNT] = {
    [CLI_OPT_HELP] = {"help", 'h', no_argument},
    [CLI_OPT_VERSION] = {"version", 'V', no_argument},
    [CLI_OPT_QUIET] = {"quiet", 'q', no_argument},
    [CLI_OPT_VERBOSE] = {"verbose", 'v', no_argument},
    [CLI_OPT_PLUGIN_DIR] = {"plugin-dir", 0, required_argument},
    [CLI_OPT_OUTPUT] = {"output", 'o', required_argument},
    [CLI_OPT_TO] = {"to", 't', required_argument},
    [CLI_OPT_FROM] = {"from", 'f', required_argument},
    [CLI_OPT_ENCODING] = {"encoding", 0, required_argument},
    [CLI_OPT_MAPPING] = {"mapping", 'm', required_argument},
    [CLI_OPT_THRESHOLD] = {"threshold", 0, required_argument},
    [CLI_OPT_SCALE] = {"scale", 0, required_argument},
    [CLI_OPT_LANG] = {"lang", 0, required_argument},
    [CLI_OPT_JOBS] = {"jobs", 'j', required_argument},
    [CLI_OPT_MERGE] = {"merge", 0, no_argument},
    [CLI_OPT_FORCE] = {"force", 0, no_argument},
    [CLI_OPT_SHEET] = {"sheet", 0, required_argument},
    [CLI_OPT_STRICT] = {"strict", 0, no_argument},
    [CLI_OPT_FORMAT] = {"format", 0, required_argument},
    [CLI_OPT_TITLE_MAX] = {"title-max", 0, required_argument},
    [CLI_OPT_TITLE_MAX_WORDS] = {"title-max-words", 0, required_argument},
    [CLI_OPT_OUTPUT_ENCODING] = {"output-encoding", 0, required_argument},
    [CLI_OPT_ABC] = {"abc", 0, required_argument},
    [CLI_OPT_EXCEL_SAFE] = {"excel-safe", 0, no_argument},
    [CLI_OPT_NO_EXCEL_SAFE] = {"no-excel-safe", 0, no_argument},
    [CLI_OPT_ORGANIZATION] = {"organization", 0, required_argument},
    [CLI_OPT_REFERENCE_ODT] = {"reference-odt", 0, required_argument},
    [CLI_OPT_WRITE_MAPPING] = {"write-mapping", 0, required_argument},
    [CLI_OPT_LEVELS] = {"levels", 0, required_argument},
    [CLI_OPT_HOURS_PER_DAY] = {"hours-per-day", 0, required_argument},
    [CLI_OPT_DAYS_PER_MONTH] = {"days-per-month", 0, required_argument},
    [CLI_OPT_DICTIONARY] = {"dictionary", 0, required_argument},
    [CLI_OPT_ID_PREFIX] = {"id-prefix", 0, required_argument},
    [CLI_OPT_ANONYMIZE] = {"anonymize", 0, required_argument},
    [CLI_OPT_ANONYMIZE_MAP] = {"anonymize-map", 0, required_argument},
    [CLI_OPT_EXPLAIN] = {"explain", 0, required_argument},
};

void cli_options_init(cli_options *options)
{
    memset(options, 0, sizeof *options);
    options->threshold = CLI_THRESHOLD_DEFAULT;
    options->scale = 3;
    options->jobs = 0; /* until -j: the number of online cores */
    options->lang = cli_locale_lang();
    options->excel_safe = -1;
}

void cli_options_free(cli_options *options)
{
    for (size_t i = 0; i < options->format_count; i++)
        free(options->formats[i]);
    free(options->formats);
    options->formats = NULL;
    options->format_count = 0;
}

void cli_usage_error(FILE *err, const char *command, const char *fmt, ...)
{
    va_list args;
    fputs("kyokun: ", err);
    va_start(args, fmt);
    vfprintf(err, fmt, args);
    va_end(args);
    fputc('\n', err);
    if (command)
        fprintf(err, KY_("Try 'kyokun %s --help' for more information."), command);
    else
        fputs(KY_("Try 'kyokun --help' for more information."), err);
    fputc('\n', err);
}

/* ------------------------------------------------------------------------ */
/* Values                                                                    */
/* ------------------------------------------------------------------------ */

/* Parse a whole decimal integer with no sign, spaces or trailing text. */
static bool parse_positive_int(const char *text, long *out)
{
    if (!text || text[0] < '0' || text[0] > '9')
        return false;
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || value > INT_MAX)
        return false;
    *out = value;
    return true;
}

bool cli_parse_threshold(const char *text, int *out)
{
    long value;
    if (!parse_positive_int(text, &value) || value < 1 || value > CLI_THRESHOLD_MAX)
        return false;
    *out = (int)value;
    return true;
}

bool cli_parse_scale(const char *text, int *out)
{
    if (strcmp(text, "3") != 0 && strcmp(text, "5") != 0)
        return false;
    *out = text[0] - '0';
    return true;
}

bool cli_parse_title_max(const char *text, int *out)
{
    long value;
    if (!parse_positive_int(text, &value) || value < 1 || value > CLI_TITLE_MAX_LIMIT)
        return false;
    *out = (int)value;
    return true;
}

bool cli_parse_title_max_words(const char *text, int *out)
{
    long value;
    if (!parse_positive_int(text, &value) || value < 1 || value > CLI_TITLE_MAX_WORDS_LIMIT)
        return false;
    *out = (int)value;
    return true;
}

bool cli_parse_jobs(const char *text, int *out)
{
    long value;
    if (!parse_positive_int(text, &value) || value < 1)
        return false;
    *out = (int)value;
    return true;
}

bool cli_parse_output_encoding(const char *text, const char **out)
{
    static const char *const names[] = {"utf-8", "utf-8-bom", "cp932"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(text, names[i]) == 0) {
            *out = names[i];
            return true;
        }
    }
    /* The CP932 aliases of --encoding (shift_jis, sjis, ms932, ...) name the same output. */
    ky_csv_encoding encoding;
    if (ky_csv_encoding_parse(text, NULL, 0, &encoding) == 0 && encoding == KY_CSV_CP932) {
        *out = "cp932";
        return true;
    }
    return false;
}

bool cli_parse_input_encoding(const char *text)
{
    ky_csv_encoding encoding;
    return ky_csv_encoding_parse(text, NULL, 0, &encoding) == 0;
}

/* Parse a percentage in (0, 100] at `text`, stopping at `end_char`; *next gets the end. */
static bool parse_percent(const char *text, char end_char, double *out, const char **next)
{
    char *end = NULL;
    if (!(*text >= '0' && *text <= '9'))
        return false;
    errno = 0;
    double value = strtod(text, &end);
    if (errno != 0 || end == text || *end != end_char || !(value > 0 && value <= 100))
        return false;
    *out = value;
    *next = end;
    return true;
}

bool cli_parse_abc(const char *text, double *a, double *b)
{
    const char *next = NULL;
    double first;
    double second;
    if (!parse_percent(text, ',', &first, &next) || !parse_percent(next + 1, '\0', &second, &next))
        return false;
    if (first > second)
        return false;
    *a = first;
    *b = second;
    return true;
}

bool cli_parse_work_time(const char *text, double max, double *out)
{
    if (!text || !(*text >= '0' && *text <= '9'))
        return false;
    char *end = NULL;
    errno = 0;
    double value = strtod(text, &end);
    if (errno != 0 || *end != '\0' || !(value > 0 && value <= max))
        return false;
    *out = value;
    return true;
}

bool cli_parse_lang(const char *text, ky_lang *out)
{
    if (strcasecmp(text, "ja") == 0) {
        *out = KY_LANG_JA;
        return true;
    }
    if (strcasecmp(text, "en") == 0) {
        *out = KY_LANG_EN;
        return true;
    }
    return false;
}

ky_lang cli_locale_lang(void)
{
    /* POSIX precedence: the first non-empty of these decides LC_MESSAGES. */
    static const char *const variables[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof variables / sizeof variables[0]; i++) {
        const char *value = getenv(variables[i]);
        if (value && value[0])
            return strncmp(value, "ja", 2) == 0 ? KY_LANG_JA : KY_LANG_EN;
    }
    return KY_LANG_EN;
}

ky_severity cli_options_min_severity(const cli_options *options)
{
    if (options->quiet)
        return KY_SEV_ERROR;
    if (options->verbose >= 2)
        return KY_SEV_DEBUG;
    if (options->verbose == 1)
        return KY_SEV_INFO;
    return KY_SEV_WARNING;
}

/* Append the comma-separated names of one -t value. Returns 0, KY_EINVAL for
 * an empty name, or KY_ENOMEM. */
static int add_formats(cli_options *options, const char *list)
{
    const char *start = list;
    for (;;) {
        const char *comma = strchr(start, ',');
        size_t len = comma ? (size_t)(comma - start) : strlen(start);
        if (len == 0)
            return KY_EINVAL;
        char **grown = realloc(options->formats, (options->format_count + 1) * sizeof *grown);
        if (!grown)
            return KY_ENOMEM;
        options->formats = grown;
        char *name = malloc(len + 1);
        if (!name)
            return KY_ENOMEM;
        memcpy(name, start, len);
        name[len] = '\0';
        options->formats[options->format_count++] = name;
        if (!comma)
            return 0;
        start = comma + 1;
    }
}

/* ------------------------------------------------------------------------ */
/* Parsing                                                                   */
/* ------------------------------------------------------------------------ */

/* Map a getopt_long return value back to the table index, or -1. */
static int option_index_of(int value, uint64_t allowed)
{
    if (value >= LONG_ONLY_BASE && value < LONG_ONLY_BASE + CLI_OPT_COUNT)
        return value - LONG_ONLY_BASE;
    for (int i = 0; i < CLI_OPT_COUNT; i++)
        if ((allowed & CLI_ALLOW(i)) && option_specs[i].short_name == value)
            return i;
    return -1;
}

/* Store one option's value; false after printing a usage error. */
static bool apply_option(cli_options *options, int index, const char *value, const char *command,
                         FILE *err)
{
    switch ((cli_option)index) {
    case CLI_OPT_HELP: options->help = true; break;
    case CLI_OPT_VERSION: options->version = true; break;
    case CLI_OPT_QUIET: options->quiet = true; break;
    case CLI_OPT_VERBOSE: options->verbose++; break;
    case CLI_OPT_PLUGIN_DIR: options->plugin_dir = value; break;
    case CLI_OPT_OUTPUT: options->output = value; break;
    case CLI_OPT_FROM: options->from = value; break;
    case CLI_OPT_ENCODING:
        if (!cli_parse_input_encoding(value)) {
            cli_usage_error(err, command,
                            KY_("invalid encoding '%s': expected utf-8, utf-16 (byte order from "
                                "the BOM), utf-16le, utf-16be, cp932 (also shift_jis, sjis, "
                                "ms932, windows-31j) or euc-jp, in any letter case"),
                            value);
            return false;
        }
        options->encoding = value;
        break;
    case CLI_OPT_MAPPING: options->mapping = value; break;
    case CLI_OPT_DICTIONARY: options->dictionary = value; break;
    case CLI_OPT_EXPLAIN: options->explain = value; break;
    case CLI_OPT_ID_PREFIX: {
        ky_classify_options scratch;
        ky_classify_options_init(&scratch);
        if (ky_classify_parse_prefixes(&scratch, value) != 0) {
            cli_usage_error(err, command,
                            KY_("invalid id prefixes '%s': expected KIND=PREFIX pairs separated "
                                "by commas, where KIND is G (governance) or T (technical) and "
                                "PREFIX is 1 to %d ASCII letters, digits, - or _, such as "
                                "G=KAN,T=GIJ"),
                            value, KY_ID_PREFIX_MAX);
            return false;
        }
        options->id_prefix = value;
        break;
    }
    case CLI_OPT_MERGE: options->merge = true; break;
    case CLI_OPT_FORCE: options->force = true; break;
    case CLI_OPT_SHEET: options->sheet = value; break;
    case CLI_OPT_STRICT: options->strict = true; break;
    case CLI_OPT_EXCEL_SAFE: options->excel_safe = 1; break;
    case CLI_OPT_NO_EXCEL_SAFE: options->excel_safe = 0; break;
    case CLI_OPT_ORGANIZATION: options->organization = value; break;
    case CLI_OPT_REFERENCE_ODT: options->reference_odt = value; break;
    case CLI_OPT_WRITE_MAPPING: options->write_mapping = value; break;
    case CLI_OPT_LEVELS: options->levels = value; break;
    case CLI_OPT_HOURS_PER_DAY:
        if (!cli_parse_work_time(value, CLI_HOURS_PER_DAY_MAX, &options->hours_per_day)) {
            cli_usage_error(err, command,
                            KY_("invalid hours per day '%s': expected a number greater than 0 "
                                "and at most 24, such as 8 or 7.5"),
                            value);
            return false;
        }
        break;
    case CLI_OPT_DAYS_PER_MONTH:
        if (!cli_parse_work_time(value, CLI_DAYS_PER_MONTH_MAX, &options->days_per_month)) {
            cli_usage_error(err, command,
                            KY_("invalid days per month '%s': expected a number greater than 0 "
                                "and at most 31, such as 20 or 21.5"),
                            value);
            return false;
        }
        break;
    case CLI_OPT_ABC:
        if (!cli_parse_abc(value, &options->abc_a, &options->abc_b)) {
            cli_usage_error(err, command,
                            KY_("invalid ABC cut-offs '%s': expected two percentages A,B with "
                                "0 < A <= B <= 100, for example 80,95"),
                            value);
            return false;
        }
        break;
    case CLI_OPT_ANONYMIZE_MAP: options->anonymize_map = value; break;
    case CLI_OPT_ANONYMIZE:
        /* "auto" and one names list may both be given; ./auto names a file called auto. */
        if (strcmp(value, "auto") == 0) {
            options->anonymize_auto = true;
        } else if (!value[0] || options->anonymize_names) {
            cli_usage_error(err, command,
                            KY_("invalid --anonymize '%s': expected auto or one names list "
                                "(a CSV file)"),
                            value);
            return false;
        } else {
            options->anonymize_names = value;
        }
        break;
    case CLI_OPT_OUTPUT_ENCODING:
        if (!cli_parse_output_encoding(value, &options->output_encoding)) {
            cli_usage_error(err, command,
                            KY_("invalid output encoding '%s': expected utf-8, utf-8-bom or "
                                "cp932 (also shift_jis, sjis, ms932), in any letter case"),
                            value);
            return false;
        }
        break;
    case CLI_OPT_FORMAT:
        if (strcasecmp(value, "text") == 0) {
            options->findings_format = CLI_FINDINGS_TEXT;
        } else if (strcasecmp(value, "csv") == 0) {
            options->findings_format = CLI_FINDINGS_CSV;
        } else {
            cli_usage_error(err, command, KY_("invalid format '%s': expected text or csv"),
                            value);
            return false;
        }
        break;
    case CLI_OPT_TITLE_MAX:
        if (!cli_parse_title_max(value, &options->title_max)) {
            cli_usage_error(err, command,
                            KY_("invalid title length '%s': expected an integer from 1 to %d"),
                            value, CLI_TITLE_MAX_LIMIT);
            return false;
        }
        break;
    case CLI_OPT_TITLE_MAX_WORDS:
        if (!cli_parse_title_max_words(value, &options->title_max_words)) {
            cli_usage_error(err, command,
                            KY_("invalid title word count '%s': expected an integer from 1 to "
                                "%d"),
                            value, CLI_TITLE_MAX_WORDS_LIMIT);
            return false;
        }
        break;
    case CLI_OPT_TO: {
        int status = add_formats(options, value);
        if (status == KY_ENOMEM) {
            cli_usage_error(err, command, "%s", KY_("out of memory"));
            return false;
        }
        if (status != 0) {
            cli_usage_error(err, command,
                            KY_("invalid format list '%s': expected names separated by commas"),
                            value);
            return false;
        }
        break;
    }
    case CLI_OPT_THRESHOLD:
        if (!cli_parse_threshold(value, &options->threshold)) {
            cli_usage_error(err, command,
                            KY_("invalid threshold '%s': expected an integer from 1 to %d"), value,
                            CLI_THRESHOLD_MAX);
            return false;
        }
        options->threshold_set = true;
        break;
    case CLI_OPT_SCALE:
        if (!cli_parse_scale(value, &options->scale)) {
            cli_usage_error(err, command, KY_("invalid scale '%s': expected 3 or 5"), value);
            return false;
        }
        /* A threshold given anywhere on the command line wins over the scale's default. */
        if (!options->threshold_set)
            options->threshold = options->scale == 5 ? CLI_THRESHOLD_DEFAULT_SCALE5
                                                     : CLI_THRESHOLD_DEFAULT;
        break;
    case CLI_OPT_LANG:
        if (!cli_parse_lang(value, &options->lang)) {
            cli_usage_error(err, command, KY_("invalid language '%s': expected ja or en"), value);
            return false;
        }
        options->lang_set = true;
        break;
    case CLI_OPT_JOBS:
        if (!cli_parse_jobs(value, &options->jobs)) {
            cli_usage_error(err, command,
                            KY_("invalid job count '%s': expected a positive integer"), value);
            return false;
        }
        break;
    case CLI_OPT_COUNT:
        break;
    }
    return true;
}

/* Print the usage error for a '?' or ':' from getopt_long. */
static void report_getopt_error(int result, char **argv, uint64_t allowed, const char *command,
                                FILE *err)
{
    /* The token getopt stopped at, without any "=value". */
    const char *token = argv[optind - 1];
    const char *equals = strchr(token, '=');
    int token_len = equals && strncmp(token, "--", 2) == 0 ? (int)(equals - token)
                                                            : (int)strlen(token);
    bool long_form = strncmp(token, "--", 2) == 0;

    if (result == ':') {
        int index = option_index_of(optopt, allowed);
        if (long_form || index < 0)
            cli_usage_error(err, command, KY_("option '%.*s' needs a value"), token_len, token);
        else
            cli_usage_error(err, command, KY_("option '-%c' needs a value"), optopt);
        return;
    }
    if (optopt != 0 && option_index_of(optopt, allowed) >= 0 && long_form) {
        cli_usage_error(err, command, KY_("option '%.*s' does not take a value"), token_len,
                        token);
        return;
    }
    if (optopt != 0 && optopt < LONG_ONLY_BASE && !long_form) {
        cli_usage_error(err, command, KY_("unknown option '-%c'"), optopt);
        return;
    }
    cli_usage_error(err, command, KY_("unknown option '%.*s'"), token_len, token);
}

int cli_options_parse(cli_options *options, int argc, char **argv, uint64_t allowed,
                      bool stop_at_operand, const char *command, FILE *err)
{
    struct option longs[CLI_OPT_COUNT + 1];
    char shorts[2 + 2 * CLI_OPT_COUNT + 1];
    size_t long_count = 0;
    size_t short_len = 0;

    /* Build the getopt tables from the options this command allows. A leading
     * ':' makes a missing value return ':'; '+' stops at the first operand. */
    if (stop_at_operand)
        shorts[short_len++] = '+';
    shorts[short_len++] = ':';
    for (int i = 0; i < CLI_OPT_COUNT; i++) {
        if (!(allowed & CLI_ALLOW(i)))
            continue;
        const option_spec *spec = &option_specs[i];
        int value = spec->short_name ? spec->short_name : LONG_ONLY_BASE + i;
        longs[long_count++] = (struct option){spec->long_name, spec->has_arg, NULL, value};
        if (spec->short_name) {
            shorts[short_len++] = (char)spec->short_name;
            if (spec->has_arg == required_argument)
                shorts[short_len++] = ':';
        }
    }
    longs[long_count] = (struct option){NULL, 0, NULL, 0};
    shorts[short_len] = '\0';

    /* optind = 0 makes glibc's getopt start over, so commands can parse in turn. */
    optind = 0;
    opterr = 0;
    int result;
    while ((result = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        if (result == '?' || result == ':') {
            report_getopt_error(result, argv, allowed, command, err);
            return CLI_EXIT_USAGE;
        }
        int index = option_index_of(result, allowed);
        if (index < 0 || !apply_option(options, index, optarg, command, err))
            return CLI_EXIT_USAGE;
    }
    options->operands = argv + optind;
    options->operand_count = argc - optind;
    return CLI_EXIT_OK;
}
