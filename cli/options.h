/* SPDX-License-Identifier: MIT */
/*
 * Command-line options of the kyokun command: one option table shared by all
 * commands, each command allowing a subset, and the parsed values in one
 * struct. Parsing prints usage errors to the stream it is given.
 */
#ifndef KYOKUN_CLI_OPTIONS_H
#define KYOKUN_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "kyokun/diag.h"
#include "kyokun/plugin.h"

/** Exit statuses of the kyokun command. */
enum {
    CLI_EXIT_OK = 0,      /**< Every input was read and every output written. */
    CLI_EXIT_FAILURE = 1, /**< An input failed or is invalid, or an output could not be written. */
    CLI_EXIT_USAGE = 2    /**< Invalid command line. */
};

/** Default risk value from which a risk needs a response, on the guide's 3-level scale. */
#define CLI_THRESHOLD_DEFAULT 5
/**
 * Default threshold on the 5-level scale. On 3 x 3, the guide's 5 marks C of
 * 6 or 9, which is 3 of 9 cells. On 5 x 5, 12 marks 8 of 25 cells, those
 * with both levels at least the middle one and one of them above it.
 */
#define CLI_THRESHOLD_DEFAULT_SCALE5 12
/** Risk values are A x B with A and B in 1-3, but the guide allows wider scales up to 5 x 5. */
#define CLI_THRESHOLD_MAX 25
/** Largest --title-max; a title is meant to be short, so a larger limit is surely a typo. */
#define CLI_TITLE_MAX_LIMIT 1000
/** Largest --title-max-words, for the same reason. */
#define CLI_TITLE_MAX_WORDS_LIMIT 200

/** Options, as bits of a command's allowed set. */
typedef enum cli_option {
    CLI_OPT_HELP,
    CLI_OPT_VERSION,
    CLI_OPT_QUIET,
    CLI_OPT_VERBOSE,
    CLI_OPT_PLUGIN_DIR,
    CLI_OPT_OUTPUT,
    CLI_OPT_TO,
    CLI_OPT_FROM,
    CLI_OPT_ENCODING,
    CLI_OPT_MAPPING,
    CLI_OPT_THRESHOLD,
    CLI_OPT_SCALE,
    CLI_OPT_LANG,
    CLI_OPT_JOBS,
    CLI_OPT_MERGE,
    CLI_OPT_FORCE,
    CLI_OPT_SHEET,
    CLI_OPT_STRICT,
    CLI_OPT_FORMAT,
    CLI_OPT_TITLE_MAX,
    CLI_OPT_TITLE_MAX_WORDS,
    CLI_OPT_OUTPUT_ENCODING,
    CLI_OPT_ABC,
    CLI_OPT_EXCEL_SAFE,
    CLI_OPT_NO_EXCEL_SAFE,
    CLI_OPT_ORGANIZATION,
    CLI_OPT_REFERENCE_ODT,
    CLI_OPT_WRITE_MAPPING,
    CLI_OPT_LEVELS,
    CLI_OPT_HOURS_PER_DAY,
    CLI_OPT_DAYS_PER_MONTH,
    CLI_OPT_DICTIONARY,
    CLI_OPT_ID_PREFIX,
    CLI_OPT_EXPLAIN,
    CLI_OPT_ANONYMIZE,
    CLI_OPT_ANONYMIZE_MAP,
    CLI_OPT_COUNT
} cli_option;

_Static_assert(CLI_OPT_COUNT <= 64, "CLI_ALLOW() sets one bit of a uint64_t per option");

#define CLI_ALLOW(option) ((uint64_t)1 << (option))

/** Options that every command accepts. */
#define CLI_ALLOW_COMMON \
    (CLI_ALLOW(CLI_OPT_HELP) | CLI_ALLOW(CLI_OPT_QUIET) | CLI_ALLOW(CLI_OPT_VERBOSE) \
     | CLI_ALLOW(CLI_OPT_PLUGIN_DIR))

/** Output format of `validate` findings (--format). */
typedef enum cli_findings_format {
    CLI_FINDINGS_TEXT = 0, /**< One line per finding, like a diagnostic. */
    CLI_FINDINGS_CSV = 1   /**< CSV with a header row. */
} cli_findings_format;

/** Parsed command line. Strings point into argv, except `formats`. */
typedef struct cli_options {
    bool help;
    bool version;
    bool quiet;
    int verbose;               /**< Number of -v. */
    const char *plugin_dir;
    const char *output;        /**< -o */
    char **formats;            /**< -t values split at commas, freed by cli_options_free(). */
    size_t format_count;
    const char *from;          /**< -f */
    const char *encoding;
    const char *mapping;       /**< -m */
    int threshold;
    bool threshold_set;        /**< --threshold was given; otherwise it follows --scale. */
    int scale;                 /**< --scale: highest level of A and B, 3 (default) or 5. */
    ky_lang lang;
    bool lang_set;             /**< --lang was given; otherwise `lang` comes from the locale. */
    int jobs;                  /**< -j; 0 until given. */
    bool merge;
    bool force;
    const char *sheet;
    bool strict;               /**< --strict: warnings fail the run too. */
    cli_findings_format findings_format; /**< --format */
    int title_max;             /**< --title-max, in characters; 0 until given. */
    int title_max_words;       /**< --title-max-words, in words; 0 until given. */
    const char *output_encoding; /**< --output-encoding, lower case; NULL until given. */
    double abc_a;              /**< --abc: cut-off of class A in percent; 0 until given. */
    double abc_b;              /**< --abc: cut-off of class B in percent; 0 until given. */
    int excel_safe;            /**< --excel-safe 1, --no-excel-safe 0, -1 until given. */
    const char *organization;  /**< --organization, for the report's title page; NULL until given. */
    const char *reference_odt; /**< --reference-odt, the report's style template; NULL until given. */
    const char *write_mapping; /**< --write-mapping, the mapping file inspect writes; NULL until given. */
    const char *levels;        /**< --levels, the level table; NULL until given. */
    double hours_per_day;      /**< --hours-per-day; 0 until given (the mapping's default, 8). */
    double days_per_month;     /**< --days-per-month; 0 until given (the mapping's default, 20). */
    const char *dictionary;    /**< --dictionary, a folder of CSV dictionaries; NULL until given. */
    const char *id_prefix;     /**< --id-prefix, such as "G=KAN,T=GIJ" (checked); NULL until given. */
    const char *explain;       /**< --explain, the lesson id inspect explains; NULL until given. */
    const char *anonymize_names; /**< --anonymize FILE, the names list; NULL until given. */
    bool anonymize_auto;       /**< --anonymize auto: detect addresses, numbers and names. */
    const char *anonymize_map; /**< --anonymize-map, where the name map goes; NULL until given. */
    char **operands;           /**< Arguments that are not options (points into argv). */
    int operand_count;
} cli_options;

/**
 * @brief Set the defaults: scale 3 with threshold 5, jobs unset, labels in the locale's
 *        language, the output plugins' default encoding and formula guard.
 */
void cli_options_init(cli_options *options);

/** @brief Free what parsing allocated. Call cli_options_init() before parsing into it again. */
void cli_options_free(cli_options *options);

/**
 * @brief Parse argv[1..argc-1] into `options`, which keeps values already set
 *        (so that options given before the command name carry over).
 * @param allowed Bits CLI_ALLOW(...) of the options this command accepts.
 * @param stop_at_operand Stop at the first operand (the global options before
 *        a command); otherwise options and operands may be mixed.
 * @param command Command name for messages, or NULL for the global options.
 * @param err Stream for usage errors.
 * @return CLI_EXIT_OK, or CLI_EXIT_USAGE after printing what is wrong.
 */
int cli_options_parse(cli_options *options, int argc, char **argv, uint64_t allowed,
                      bool stop_at_operand, const char *command, FILE *err);

/**
 * @brief Print a usage error: "kyokun: MESSAGE" and a line pointing to --help.
 * @param command Command name, or NULL for the global help.
 */
void cli_usage_error(FILE *err, const char *command, const char *fmt, ...) KY_PRINTF(3, 4);

/** @brief Parse a threshold: an integer from 1 to CLI_THRESHOLD_MAX. */
bool cli_parse_threshold(const char *text, int *out);

/** @brief Parse a scale: "3" or "5", the highest level of A and B. */
bool cli_parse_scale(const char *text, int *out);

/** @brief Parse a maximum title length: an integer from 1 to CLI_TITLE_MAX_LIMIT. */
bool cli_parse_title_max(const char *text, int *out);

/** @brief Parse a maximum title length in words: an integer from 1 to CLI_TITLE_MAX_WORDS_LIMIT. */
bool cli_parse_title_max_words(const char *text, int *out);

/** @brief Parse a job count: a positive integer. */
bool cli_parse_jobs(const char *text, int *out);

/**
 * @brief Parse a CSV output encoding: "utf-8", "utf-8-bom" or "cp932", or
 *        an alias of cp932 that --encoding accepts ("shift_jis", "sjis",
 *        "ms932", ...), all case-insensitive. *out receives the lower-case
 *        name, "cp932" for every alias.
 */
bool cli_parse_output_encoding(const char *text, const char **out);

/** @brief Return true when `text` names an input encoding that ky_csv_encoding_parse() accepts. */
bool cli_parse_input_encoding(const char *text);

/**
 * @brief Parse ABC cut-offs "A,B" in percent, for example "80,95":
 *        0 < A <= B <= 100, decimals allowed.
 */
bool cli_parse_abc(const char *text, double *a, double *b);

/** @brief Parse "ja" or "en" (case-insensitive). */
bool cli_parse_lang(const char *text, ky_lang *out);

/**
 * @brief Parse a working time for --hours-per-day or --days-per-month: a
 *        decimal number greater than 0 and at most `max` (7.5 is allowed).
 */
bool cli_parse_work_time(const char *text, double max, double *out);

/** Largest --hours-per-day and --days-per-month: a day's hours and a month's days. */
#define CLI_HOURS_PER_DAY_MAX 24.0
#define CLI_DAYS_PER_MONTH_MAX 31.0

/**
 * @brief Return the label language of the user's locale: Japanese when the
 *        first set variable of LC_ALL, LC_MESSAGES and LANG starts with "ja",
 *        else English.
 */
ky_lang cli_locale_lang(void);

/** @brief Return the minimum severity shown for -q / -v: error, warning, info or debug. */
ky_severity cli_options_min_severity(const cli_options *options);

#endif
