/* SPDX-License-Identifier: MIT */
/*
 * The classification step as the commands run it: loading the dictionaries
 * (--dictionary), classifying a complete book (--id-prefix, --lang) and
 * printing why a lesson got its values (`kyokun inspect --explain ID`).
 */
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "kyokun/classify.h"
#include "kyokun/i18n.h"
#include "kyokun/vocab.h"

int cli_session_load_dictionary(cli_session *session, const cli_options *options)
{
    if (session->dict)
        return CLI_EXIT_OK;
    if (options->dictionary) {
        struct stat st;
        if (stat(options->dictionary, &st) != 0 || !S_ISDIR(st.st_mode)) {
            cli_usage_error(stderr, NULL, KY_("dictionary folder not found: %s"),
                            options->dictionary);
            return CLI_EXIT_USAGE;
        }
    }
    int status = ky_dict_load(session->ctx, NULL, options->dictionary, &session->dict);
    if (status < 0) {
        cli_report_error(&session->report, session->ctx, status, NULL);
        return status == KY_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

bool cli_classify_book(cli_session *session, ky_book *book, const cli_options *options,
                       bool generate_ids)
{
    ky_classify_options classify_options;
    ky_classify_options_init(&classify_options);
    classify_options.lang = options->lang;
    classify_options.generate_ids = generate_ids;
    /* cli_options_parse() already rejected an invalid list, so the result is not checked. */
    if (options->id_prefix)
        ky_classify_parse_prefixes(&classify_options, options->id_prefix);
    int status = ky_book_classify(session->ctx, book, session->dict, &classify_options);
    if (status < 0) {
        cli_report_error(&session->report, session->ctx, status, NULL);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* --explain                                                                */
/* ------------------------------------------------------------------------ */

static const char *axis_name(ky_axis axis)
{
    switch (axis) {
    case KY_AXIS_PURPOSE: return KY_("purpose of use");
    case KY_AXIS_IMPORTANCE: return KY_("system importance");
    case KY_AXIS_LIFECYCLE: return KY_("life-cycle process");
    case KY_AXIS_SERVICE: return KY_("service process");
    case KY_AXIS_KEYWORDS: return KY_("keywords");
    case KY_AXIS_COUNT: break;
    }
    return "";
}

static const char *source_name(ky_value_source source)
{
    switch (source) {
    case KY_VALUE_READ: return KY_("read from the sheet");
    case KY_VALUE_DERIVED: return KY_("derived");
    case KY_VALUE_SUGGESTED: return KY_("suggested");
    case KY_VALUE_ABSENT: break;
    }
    return KY_("none");
}

/* Print an axis's values: a list joined with " / ", or the one text. */
static void print_value(FILE *out, const ky_classification *classification, ky_axis axis)
{
    const ky_strlist *list = axis == KY_AXIS_PURPOSE ? &classification->purposes
                           : axis == KY_AXIS_KEYWORDS ? &classification->keywords
                                                      : NULL;
    const char *text = axis == KY_AXIS_IMPORTANCE ? classification->importance
                     : axis == KY_AXIS_LIFECYCLE ? classification->lifecycle
                     : axis == KY_AXIS_SERVICE ? classification->service
                                               : NULL;
    if (list) {
        for (size_t i = 0; i < list->count; i++)
            fprintf(out, "%s%s", i ? " / " : "", list->items[i]);
        if (list->count == 0)
            fputs(KY_("(none)"), out);
    } else {
        fputs(text ? text : KY_("(none)"), out);
    }
}

bool cli_print_explanation(FILE *out, const ky_book *book, const char *id)
{
    const ky_lesson *lesson = NULL;
    for (size_t i = 0; i < book->lesson_count && !lesson; i++)
        if (book->lessons[i].id && strcmp(book->lessons[i].id, id) == 0)
            lesson = &book->lessons[i];
    if (!lesson)
        return false;

    fprintf(out, "%s %s\n", lesson->id, lesson->title ? lesson->title : "");
    fputs("  ", out);
    fprintf(out, KY_("from %s, sheet %s, row %u"), lesson->origin.file ? lesson->origin.file : "",
            lesson->origin.sheet ? lesson->origin.sheet : "", (unsigned)lesson->origin.row);
    fputc('\n', out);
    if (lesson->id_generated) {
        fputs("  ", out);
        fputs(KY_("id: generated, because the input has none"), out);
        fputc('\n', out);
    }
    const ky_classification *classification = &lesson->classification;
    for (int axis = 0; axis < KY_AXIS_COUNT; axis++) {
        const ky_provenance *provenance = &classification->provenance[axis];
        fprintf(out, "  %s: ", axis_name((ky_axis)axis));
        print_value(out, classification, (ky_axis)axis);
        fputc('\n', out);
        fputs("    ", out);
        fprintf(out, KY_("source: %s"), source_name(provenance->source));
        fputc('\n', out);
        if (provenance->evidence) {
            fputs("    ", out);
            fprintf(out, KY_("why: %s"), provenance->evidence);
            fputc('\n', out);
        }
    }
    return true;
}

void cli_print_classification_help(FILE *out, bool with_ids, bool with_explain)
{
    fputs(KY_("\n"
              "Classification:\n"
              "      --dictionary DIR  also read the classification dictionaries in DIR: a\n"
              "                      file NAME.csv there replaces the built-in one, and\n"
              "                      NAME.extra.csv adds values, aliases or rules to it\n"),
          out);
    if (with_ids)
        fputs(KY_("      --id-prefix LIST  prefixes of generated lesson ids, as KIND=PREFIX\n"
                  "                      pairs separated by commas, KIND being G (governance\n"
                  "                      and management) or T (technical) (default: G=G,T=T)\n"),
              out);
    if (with_explain)
        fputs(KY_("      --explain ID    print only, for lesson ID, each classification\n"
                  "                      axis: its value, whether it was read, derived or\n"
                  "                      suggested, and why; of the messages only errors\n"
                  "                      are printed unless -v is given (text only, not\n"
                  "                      with --format csv)\n"),
              out);
}
