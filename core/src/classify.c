/* SPDX-License-Identifier: MIT */
/*
 * The classification step (see ky_book_classify() in kyokun/classify.h):
 * the incidents' main causes mapped to cause.csv, read values mapped to the
 * vocabularies, then the derived importance (classify_type.c), then
 * suggestions from the keyword rules, then the generated ids (classify_ids.c).
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "kyokun/i18n.h"
#include "values.h"

/* Maximum occurrences of one keyword counted in each part of a lesson's text. */
#define OCCURRENCES_MAX 3
/* Distinct unknown values reported per run; the rest are counted in the last message. */
#define UNKNOWN_REPORT_MAX 200

void ky_classify_options_init(ky_classify_options *options)
{
    memset(options, 0, sizeof *options);
    options->version = KY_CLASSIFY_OPTIONS_VERSION;
    options->lang = KY_LANG_JA;
    options->suggest = true;
    options->generate_ids = true;
    strcpy(options->prefix_governance, "G");
    strcpy(options->prefix_technical, "T");
}

/* Copy a prefix of 1 to KY_ID_PREFIX_MAX ASCII letters, digits, '-' or '_'. */
static bool copy_prefix(char *out, const char *text, size_t len)
{
    if (len == 0 || len > KY_ID_PREFIX_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (!isalnum(c) && c != '-' && c != '_')
            return false;
    }
    memcpy(out, text, len);
    out[len] = '\0';
    return true;
}

int ky_classify_parse_prefixes(ky_classify_options *options, const char *text)
{
    if (!text || !text[0])
        return KY_EINVAL;
    char governance[KY_ID_PREFIX_MAX + 1];
    char technical[KY_ID_PREFIX_MAX + 1];
    strcpy(governance, options->prefix_governance);
    strcpy(technical, options->prefix_technical);

    const char *item = text;
    while (item) {
        const char *comma = strchr(item, ',');
        size_t len = comma ? (size_t)(comma - item) : strlen(item);
        if (len < 3 || item[1] != '=')
            return KY_EINVAL;
        char kind = (char)toupper((unsigned char)item[0]);
        char *target = NULL;
        if (kind == 'G')
            target = governance;
        else if (kind == 'T')
            target = technical;
        if (!target || !copy_prefix(target, item + 2, len - 2))
            return KY_EINVAL;
        item = comma ? comma + 1 : NULL;
    }
    strcpy(options->prefix_governance, governance);
    strcpy(options->prefix_technical, technical);
    return 0;
}

int ky_type_for_damage(double yen)
{
    if (isnan(yen) || yen < 0)
        return 0;
    if (yen <= 10000000.0)
        return 1;
    if (yen <= 100000000.0)
        return 2;
    if (yen <= 1000000000.0)
        return 3;
    return 4;
}

const char *ky_value_source_name(ky_value_source source)
{
    switch (source) {
    case KY_VALUE_READ: return "read";
    case KY_VALUE_DERIVED: return "derived";
    case KY_VALUE_SUGGESTED: return "suggested";
    case KY_VALUE_ABSENT: break;
    }
    return "absent";
}

int ky_classify__set_evidence(ky_classification *classification, ky_axis axis, const char *text)
{
    char *copy = NULL;
    if (text && !(copy = ky_strdup(text)))
        return KY_ENOMEM;
    free(classification->provenance[axis].evidence);
    classification->provenance[axis].evidence = copy;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Read values                                                              */
/* ------------------------------------------------------------------------ */

static const ky_vocab_id axis_vocabs[KY_AXIS_COUNT] = {
    [KY_AXIS_PURPOSE] = KY_VOCAB_PURPOSE,
    [KY_AXIS_IMPORTANCE] = KY_VOCAB_IMPORTANCE,
    [KY_AXIS_LIFECYCLE] = KY_VOCAB_LIFECYCLE,
    [KY_AXIS_SERVICE] = KY_VOCAB_SERVICE,
    [KY_AXIS_KEYWORDS] = KY_VOCAB_KEYWORDS,
};

/* Field names of the axes in the sheet reports, to find a value's column. */
static const char *const axis_fields[KY_AXIS_COUNT] = {
    [KY_AXIS_PURPOSE] = "purposes",
    [KY_AXIS_IMPORTANCE] = "importance",
    [KY_AXIS_LIFECYCLE] = "lifecycle",
    [KY_AXIS_SERVICE] = "service",
    [KY_AXIS_KEYWORDS] = "keywords",
};

/* Return the translated name of an axis as the guide writes it. */
static const char *axis_label(ky_axis axis)
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

/* Locate a lesson's cell of a field: its origin row and the field's column in its sheet. */
static ky_loc field_loc(const ky_book *book, const ky_origin *origin, const char *field)
{
    ky_loc loc = {.file = origin->file, .sheet = origin->sheet, .row = origin->row};
    for (size_t s = 0; field && s < book->sheet_count; s++) {
        const ky_sheet_report *report = &book->sheets[s];
        if (report->kind != KY_TABLE_LESSONS || report->sheet != origin->sheet)
            continue;
        for (size_t c = 0; c < report->column_count; c++) {
            if (report->columns[c].field && strcmp(report->columns[c].field, field) == 0)
                loc.col = report->columns[c].col + 1;
        }
    }
    return loc;
}

int ky_classify__report_unknown(ky_classify_run *run, ky_vocab_id vocab, const char *text,
                          const ky_loc *loc, const char *what)
{
    char *key = ky_vocab__key(text, true);
    ky_buf id = {0};
    int status = key ? ky_buf_printf(&id, "%d:%s", (int)vocab, key) : KY_ENOMEM;
    free(key);
    for (size_t i = 0; status == 0 && i < run->reported.count; i++) {
        if (strcmp(run->reported.items[i], id.data) == 0) {
            ky_buf_free(&id);
            return 0;
        }
    }
    if (status == 0 && run->reported.count >= UNKNOWN_REPORT_MAX) {
        run->unreported++;
        ky_buf_free(&id);
        return 0;
    }
    if (status == 0)
        status = ky_value__list_push(&run->reported, id.data, id.len);
    ky_buf_free(&id);

    const ky_term *closest[3];
    size_t count = ky_dict_closest(run->dict, vocab, text, closest, 3);
    ky_buf names = {0};
    for (size_t i = 0; status == 0 && i < count; i++)
        status = ky_buf_printf(&names, "%s%s (%s)", i ? ", " : "",
                               ky_term_label(closest[i], run->options->lang), closest[i]->code);
    if (status == 0)
        ky_diag_emit(run->ctx, KY_SEV_WARNING, "classify.unknown-value", loc,
                     KY_("unknown %s \"%s\": closest known values are %s. Write a code, a label "
                         "or an alias of %s.csv, or add an alias with --dictionary DIR"),
                     what, text, count ? names.data : KY_("(none)"), ky_vocab_file(vocab));
    ky_buf_free(&names);
    return status;
}

/*
 * Map one read value to its vocabulary. A known value is replaced by its
 * label, and its code is appended to `codes`. An unknown one is kept and
 * reported, except a keyword, because keywords are free text.
 */
static int map_value(ky_classify_run *run, const ky_lesson *lesson, ky_axis axis, char **value,
                     ky_buf *codes)
{
    ky_vocab_id vocab = axis_vocabs[axis];
    const ky_term *term = ky_dict_find(run->dict, vocab, *value);
    if (!term) {
        if (axis == KY_AXIS_KEYWORDS)
            return 0;
        ky_loc loc = field_loc(run->book, &lesson->origin, axis_fields[axis]);
        int status = ky_classify__report_unknown(run, vocab, *value, &loc, axis_label(axis));
        if (status == 0)
            status = ky_buf_printf(codes, KY_("%s\"%s\" not in %s.csv"), codes->len ? "; " : "",
                                   *value, ky_vocab_file(vocab));
        return status;
    }
    const char *label = ky_term_label(term, run->options->lang);
    int status;
    if (strcmp(label, *value) == 0)
        status = ky_buf_printf(codes, "%s%s", codes->len ? "; " : "", term->code);
    else
        status = ky_buf_printf(codes, KY_("%s%s, written \"%s\""), codes->len ? "; " : "",
                               term->code, *value);
    char *copy = status == 0 ? ky_strdup(label) : NULL;
    if (!copy)
        return KY_ENOMEM;
    free(*value);
    *value = copy;
    return 0;
}

/* Remove the later copies of an item that appears twice, as two spellings of one value do. */
static void drop_duplicates(ky_strlist *list)
{
    size_t unique = 0;
    for (size_t i = 0; i < list->count; i++) {
        bool seen = false;
        for (size_t j = 0; j < unique && !seen; j++)
            seen = strcmp(list->items[j], list->items[i]) == 0;
        if (seen)
            free(list->items[i]);
        else
            list->items[unique++] = list->items[i];
    }
    list->count = unique;
}

static ky_strlist *axis_list(ky_classification *classification, ky_axis axis)
{
    if (axis == KY_AXIS_PURPOSE)
        return &classification->purposes;
    if (axis == KY_AXIS_KEYWORDS)
        return &classification->keywords;
    return NULL;
}

static char **axis_text(ky_classification *classification, ky_axis axis)
{
    switch (axis) {
    case KY_AXIS_IMPORTANCE: return &classification->importance;
    case KY_AXIS_LIFECYCLE: return &classification->lifecycle;
    case KY_AXIS_SERVICE: return &classification->service;
    default: return NULL;
    }
}

/* Map the values that the sheet gave for one axis of a lesson. */
static int map_read_axis(ky_classify_run *run, ky_lesson *lesson, ky_axis axis)
{
    ky_classification *classification = &lesson->classification;
    if (classification->provenance[axis].source != KY_VALUE_READ)
        return 0;
    ky_buf codes = {0};
    int status = 0;
    ky_strlist *list = axis_list(classification, axis);
    if (list) {
        for (size_t i = 0; status == 0 && i < list->count; i++)
            status = map_value(run, lesson, axis, &list->items[i], &codes);
        if (status == 0)
            drop_duplicates(list);
    } else if (*axis_text(classification, axis)) {
        status = map_value(run, lesson, axis, axis_text(classification, axis), &codes);
    }
    if (status == 0)
        status = ky_classify__set_evidence(classification, axis, codes.len ? codes.data : NULL);
    ky_buf_free(&codes);
    return status;
}

/* ------------------------------------------------------------------------ */
/* Suggestions                                                              */
/* ------------------------------------------------------------------------ */

/*
 * A lesson's text, folded for matching, in two parts. The guide classifies
 * a lesson by the process in which its countermeasure is carried out, so
 * words in the countermeasure part (title, measures, effect, lesson) count
 * twice, and words in the account of the failure (problem, causes) once.
 */
typedef struct lesson_text {
    char *measures;
    char *account;
} lesson_text;

/* Join text fields and list items, one per line, and fold the result. */
static char *fold_fields(const char *const *fields, size_t field_count,
                         const ky_strlist *const *lists, size_t list_count)
{
    ky_buf text = {0};
    int status = ky_buf_puts(&text, "");
    for (size_t i = 0; i < field_count; i++)
        if (fields[i])
            status |= ky_buf_printf(&text, "%s\n", fields[i]);
    for (size_t i = 0; i < list_count; i++)
        for (size_t j = 0; j < lists[i]->count; j++)
            status |= ky_buf_printf(&text, "%s\n", lists[i]->items[j]);
    char *folded = status == 0 ? ky_vocab__fold(text.data, text.len) : NULL;
    ky_buf_free(&text);
    return folded;
}

static int lesson_text_init(lesson_text *text, const ky_lesson *lesson)
{
    const char *measure_fields[] = {lesson->title, lesson->effect, lesson->lesson};
    const ky_strlist *measure_lists[] = {&lesson->recurrence, &lesson->preventive};
    const char *account_fields[] = {lesson->problem};
    const ky_strlist *account_lists[] = {&lesson->direct_causes, &lesson->root_causes};
    text->measures = fold_fields(measure_fields, 3, measure_lists, 2);
    text->account = fold_fields(account_fields, 1, account_lists, 2);
    return text->measures && text->account ? 0 : KY_ENOMEM;
}

static void lesson_text_free(lesson_text *text)
{
    free(text->measures);
    free(text->account);
}

/*
 * Count the occurrences of a keyword in folded text, up to `max`. A keyword
 * that starts with an ASCII letter or digit matches only at the start of a
 * word, so "sla" does not match "translation" but "outsourc" matches
 * "outsourcing".
 */
static size_t count_occurrences(const char *text, const char *keyword, size_t max)
{
    size_t len = strlen(keyword);
    if (len == 0)
        return 0;
    bool word_start = isalnum((unsigned char)keyword[0]);
    size_t count = 0;
    const char *p = text;
    while (count < max && (p = strstr(p, keyword)) != NULL) {
        if (!word_start || p == text || !isalnum((unsigned char)p[-1])) {
            count++;
            p += len;
        } else {
            p++;
        }
    }
    return count;
}

/* Score of one value of an axis, and the words that matched it. */
typedef struct candidate {
    const char *code;
    double score;
    ky_buf matched; /**< "体制 ×3, 連携 ×1" */
} candidate;

/* Add the score of one rule to its value's candidate. */
static int score_rule(const ky_rule *rule, const lesson_text *text, candidate *candidates,
                      size_t *count)
{
    size_t c = 0;
    while (c < *count && strcmp(candidates[c].code, rule->code) != 0)
        c++;
    if (c == *count) {
        candidates[c] = (candidate){.code = rule->code};
        (*count)++;
    }
    for (size_t k = 0; k < rule->keywords.count; k++) {
        char *keyword = ky_vocab__fold(rule->keywords.items[k], strlen(rule->keywords.items[k]));
        if (!keyword)
            return KY_ENOMEM;
        size_t in_measures = count_occurrences(text->measures, keyword, OCCURRENCES_MAX);
        size_t in_account = count_occurrences(text->account, keyword, OCCURRENCES_MAX);
        free(keyword);
        if (in_measures + in_account == 0)
            continue;
        candidates[c].score += rule->weight * (double)(2 * in_measures + in_account);
        int status = ky_buf_printf(&candidates[c].matched, "%s%s ×%zu",
                                   candidates[c].matched.len ? ", " : "",
                                   rule->keywords.items[k], in_measures + in_account);
        if (status != 0)
            return status;
    }
    return 0;
}

/* Write the evidence of a suggestion: the winner's matched words and the runner-up. */
static int suggestion_evidence(const ky_classify_run *run, ky_vocab_id vocab, const candidate *best,
                               const candidate *next, ky_buf *out)
{
    int status = ky_buf_printf(out,
                               KY_("rules matched %s: score %g, counting words of the title, "
                                   "measures, effect and lesson twice"),
                               best->matched.data, best->score);
    if (status == 0 && next) {
        const ky_term *term = ky_dict_code(run->dict, vocab, next->code);
        status = ky_buf_printf(out, KY_("; next best %s (%s) with %g"),
                               term ? ky_term_label(term, run->options->lang) : next->code,
                               next->code, next->score);
    }
    return status;
}

/* Store a suggested value in an axis of a lesson. */
static int set_suggestion(ky_classification *classification, ky_axis axis, const char *label,
                          const char *evidence)
{
    int status;
    ky_strlist *list = axis_list(classification, axis);
    if (list) {
        status = ky_value__list_push(list, label, strlen(label));
    } else {
        char *copy = ky_strdup(label);
        status = copy ? 0 : KY_ENOMEM;
        if (copy) {
            free(*axis_text(classification, axis));
            *axis_text(classification, axis) = copy;
        }
    }
    if (status == 0)
        status = ky_classify__set_evidence(classification, axis, evidence);
    if (status == 0)
        classification->provenance[axis].source = KY_VALUE_SUGGESTED;
    return status;
}

/* Suggest the best-scoring value of one axis, when any rule matched. */
static int suggest_axis(ky_classify_run *run, ky_lesson *lesson, ky_axis axis,
                        const lesson_text *text)
{
    size_t rule_count = ky_dict_rule_count(run->dict);
    candidate *candidates = calloc(rule_count ? rule_count : 1, sizeof *candidates);
    if (!candidates)
        return KY_ENOMEM;
    size_t count = 0;
    int status = 0;
    for (size_t r = 0; status == 0 && r < rule_count; r++) {
        const ky_rule *rule = ky_dict_rule(run->dict, r);
        if (rule->axis == axis)
            status = score_rule(rule, text, candidates, &count);
    }

    /* The highest score wins; a tie goes to the value whose rule comes first. */
    const candidate *best = NULL;
    const candidate *next = NULL;
    for (size_t c = 0; c < count; c++) {
        if (candidates[c].score <= 0)
            continue;
        if (!best || candidates[c].score > best->score) {
            next = best;
            best = &candidates[c];
        } else if (!next || candidates[c].score > next->score) {
            next = &candidates[c];
        }
    }
    ky_vocab_id vocab = axis_vocabs[axis];
    const ky_term *term = best ? ky_dict_code(run->dict, vocab, best->code) : NULL;
    if (status == 0 && term) {
        ky_buf evidence = {0};
        status = suggestion_evidence(run, vocab, best, next, &evidence);
        if (status == 0)
            status = set_suggestion(&lesson->classification, axis,
                                    ky_term_label(term, run->options->lang), evidence.data);
        ky_buf_free(&evidence);
    }
    for (size_t c = 0; c < count; c++)
        ky_buf_free(&candidates[c].matched);
    free(candidates);
    return status;
}

/* Return the first spelling of a term (labels, then aliases) found in the text, or NULL. */
static const char *find_term(const ky_term *term, const lesson_text *text, int *status)
{
    const char *spellings[] = {term->ja, term->en};
    for (size_t i = 0; i < 2 + term->aliases.count; i++) {
        const char *spelling = i < 2 ? spellings[i] : term->aliases.items[i - 2];
        char *folded = ky_vocab__fold(spelling, strlen(spelling));
        if (!folded) {
            *status = KY_ENOMEM;
            return NULL;
        }
        bool found = count_occurrences(text->measures, folded, 1) > 0
                  || count_occurrences(text->account, folded, 1) > 0;
        free(folded);
        if (found)
            return spelling;
    }
    return NULL;
}

/* Suggest keywords: the terms of the keyword list found in the text, in list order. */
static int suggest_keywords(ky_classify_run *run, ky_lesson *lesson, const lesson_text *text)
{
    ky_classification *classification = &lesson->classification;
    ky_buf found = {0};
    int status = 0;
    size_t total = ky_dict_term_count(run->dict, KY_VOCAB_KEYWORDS);
    size_t skipped = 0;
    for (size_t t = 0; status == 0 && t < total; t++) {
        const ky_term *term = ky_dict_term(run->dict, KY_VOCAB_KEYWORDS, t);
        const char *spelling = find_term(term, text, &status);
        if (!spelling)
            continue;
        if (classification->keywords.count >= KY_CLASSIFY_MAX_KEYWORDS) {
            skipped++;
            continue;
        }
        const char *label = ky_term_label(term, run->options->lang);
        status = ky_value__list_push(&classification->keywords, label, strlen(label));
        if (status == 0)
            status = ky_buf_printf(&found, "%s%s", found.len ? ", " : "", spelling);
    }
    if (status == 0 && found.len && skipped)
        status = ky_buf_printf(&found, KY_(" (%zu more terms found, over the limit of %d)"),
                               skipped, KY_CLASSIFY_MAX_KEYWORDS);
    if (status == 0 && found.len) {
        ky_buf evidence = {0};
        status = ky_buf_printf(&evidence, KY_("terms found in the text: %s"), found.data);
        if (status == 0)
            status = ky_classify__set_evidence(classification, KY_AXIS_KEYWORDS, evidence.data);
        if (status == 0)
            classification->provenance[KY_AXIS_KEYWORDS].source = KY_VALUE_SUGGESTED;
        ky_buf_free(&evidence);
    }
    ky_buf_free(&found);
    return status;
}

static bool axis_absent(ky_classification *classification, ky_axis axis)
{
    ky_strlist *list = axis_list(classification, axis);
    return list ? list->count == 0 : *axis_text(classification, axis) == NULL;
}

static int suggest_lesson(ky_classify_run *run, ky_lesson *lesson)
{
    lesson_text text;
    int status = lesson_text_init(&text, lesson);
    for (int axis = 0; status == 0 && axis < KY_AXIS_COUNT; axis++) {
        if (!axis_absent(&lesson->classification, (ky_axis)axis))
            continue;
        status = axis == KY_AXIS_KEYWORDS ? suggest_keywords(run, lesson, &text)
                                          : suggest_axis(run, lesson, (ky_axis)axis, &text);
    }
    lesson_text_free(&text);
    return status;
}

/* ------------------------------------------------------------------------ */
/* Main causes of incidents                                                 */
/* ------------------------------------------------------------------------ */

/*
 * Replace an incident's main cause by its cause.csv label, so that the
 * statistics count spellings of one cause (バグ, ｿﾌﾄｳｪｱの誤り) together, and
 * keep the text as written in main_cause_text. An unknown cause is only
 * trimmed and not reported, because many registers write causes as free text.
 */
static int map_main_cause(ky_classify_run *run, ky_incident *incident)
{
    if (!incident->main_cause)
        return 0;
    char *trimmed = ky_value__trim(incident->main_cause, strlen(incident->main_cause));
    if (!trimmed)
        return KY_ENOMEM;
    const ky_term *term = trimmed[0] ? ky_dict_find(run->dict, KY_VOCAB_CAUSE, trimmed) : NULL;
    if (!term) {
        free(incident->main_cause);
        incident->main_cause = trimmed;
        return 0;
    }
    free(trimmed);

    const char *label = ky_term_label(term, run->options->lang);
    if (strcmp(label, incident->main_cause) == 0)
        return 0;
    char *copy = ky_strdup(label);
    if (!copy)
        return KY_ENOMEM;
    /* A second run keeps the text of the first as the one written. */
    if (incident->main_cause_text)
        free(incident->main_cause);
    else
        incident->main_cause_text = incident->main_cause;
    incident->main_cause = copy;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The step                                                                 */
/* ------------------------------------------------------------------------ */

static int classify_records(ky_classify_run *run)
{
    ky_book *book = run->book;
    int status = 0;
    for (size_t i = 0; status == 0 && i < book->incident_count; i++)
        status = map_main_cause(run, &book->incidents[i]);
    for (size_t i = 0; status == 0 && i < book->lesson_count; i++)
        for (int axis = 0; status == 0 && axis < KY_AXIS_COUNT; axis++)
            status = map_read_axis(run, &book->lessons[i], (ky_axis)axis);
    if (status == 0)
        status = ky_classify__importance(run);
    for (size_t i = 0; status == 0 && run->options->suggest && i < book->lesson_count; i++)
        status = suggest_lesson(run, &book->lessons[i]);
    if (status == 0 && run->options->generate_ids)
        status = ky_classify__ids(run);
    return status;
}

int ky_book_classify(ky_ctx *ctx, ky_book *book, const ky_dict *dict,
                     const ky_classify_options *options)
{
    ky_classify_options defaults;
    if (!options) {
        ky_classify_options_init(&defaults);
        options = &defaults;
    }
    ky_classify_run run = {.ctx = ctx, .book = book, .dict = dict, .options = options};
    int status = classify_records(&run);
    if (status == 0 && run.unreported > 0)
        ky_diag_emit(ctx, KY_SEV_WARNING, "classify.unknown-value", NULL,
                     KY_("%zu more unknown classification values were not reported"),
                     run.unreported);
    for (size_t i = 0; i < run.reported.count; i++)
        free(run.reported.items[i]);
    free(run.reported.items);
    if (status == KY_ENOMEM)
        ky_error_set(ctx, KY_ENOMEM, NULL, "%s", KY_("out of memory"));
    return status;
}
