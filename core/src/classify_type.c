/* SPDX-License-Identifier: MIT */
/*
 * Deriving the system importance, Type I-IV, from the four criteria of the
 * guide's system profile table: expected damage, effect on human life,
 * social effect and system class. The criteria come from a lesson's extra
 * columns and from the incidents whose extra column names the lesson's id.
 * The lesson gets the highest Type any criterion reaches, and a lesson whose
 * sheet gives an importance keeps it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "kyokun/i18n.h"
#include "values.h"

/* The criteria, in the order of the guide's table. */
typedef enum criterion {
    CRITERION_CLASS,
    CRITERION_HUMAN_LIFE,
    CRITERION_DAMAGE,
    CRITERION_SOCIAL,
    CRITERION_NONE
} criterion;

/* Header names of the criteria, as lookup keys (see ky_vocab__key()). */
static const char *const class_names[] = {"システムの区分", "システム区分", "システム分類",
                                          "systemclass", NULL};
static const char *const life_names[] = {"人命に影響を与える可能性", "人命への影響", "人命",
                                         "effectonhumanlife", "humanlife", NULL};
static const char *const damage_names[] = {"障害金額の予測", "障害金額", "障害の影響額", "影響額",
                                           "損害額", "被害額", "expecteddamage", "damage",
                                           "cost", "loss", NULL};
static const char *const social_names[] = {"社会的影響", "社会への影響", "socialeffect",
                                           "socialimpact", NULL};
/* Headers of an incident's column that names the lessons it led to. */
static const char *const lesson_id_names[] = {"教訓id", "教訓番号", "関連教訓", "lessonid",
                                              "lessonids", "relatedlesson", NULL};

static bool names_contain(const char *const *names, const char *key)
{
    for (const char *const *name = names; *name; name++)
        if (strcmp(*name, key) == 0)
            return true;
    return false;
}

/* Return the criterion a column header names, or CRITERION_NONE. */
static criterion header_criterion(const char *header)
{
    char *key = header ? ky_vocab__key(header, false) : NULL;
    criterion found = CRITERION_NONE;
    if (key) {
        static const char *const *const tables[] = {class_names, life_names, damage_names,
                                                    social_names};
        for (int c = 0; c < CRITERION_NONE && found == CRITERION_NONE; c++)
            if (names_contain(tables[c], key))
                found = (criterion)c;
    }
    free(key);
    return found;
}

static const char *criterion_label(criterion c)
{
    switch (c) {
    case CRITERION_CLASS: return KY_("system class");
    case CRITERION_HUMAN_LIFE: return KY_("effect on human life");
    case CRITERION_DAMAGE: return KY_("expected damage");
    case CRITERION_SOCIAL: return KY_("social effect");
    case CRITERION_NONE: break;
    }
    return "";
}

/* Return the Type (1-4) of an importance value: SP1-SP4, or a value whose parent is one. */
static int term_type(const ky_dict *dict, const ky_term *term)
{
    for (int depth = 0; term && depth < 4; depth++) {
        const char *code = term->code;
        if (strlen(code) == 3 && strncmp(code, "SP", 2) == 0 && code[2] >= '1' && code[2] <= '4')
            return code[2] - '0';
        term = term->parent ? ky_dict_code(dict, KY_VOCAB_IMPORTANCE, term->parent) : NULL;
    }
    return 0;
}

/* Return the importance value SP1-SP4 of a Type 1-4, or NULL. */
static const ky_term *type_term(const ky_dict *dict, int type)
{
    char code[4] = {'S', 'P', (char)('0' + type), '\0'};
    return type >= 1 && type <= 4 ? ky_dict_code(dict, KY_VOCAB_IMPORTANCE, code) : NULL;
}

/* Return the label of a Type in the output language ("TypeⅢ"), or "?" when the dictionary lacks it. */
static const char *type_label(const ky_classify_run *run, int type)
{
    const ky_term *term = type_term(run->dict, type);
    return term ? ky_term_label(term, run->options->lang) : "?";
}

/* The highest Type found so far for one lesson, and why. */
typedef struct derivation {
    int type;
    ky_buf reasons;
} derivation;

/* Read one criterion's cell and record the Type it reaches. `where` names the record. */
static int apply_criterion(ky_classify_run *run, derivation *result, criterion c,
                           const char *value, const char *where, const ky_loc *loc)
{
    int type = 0;
    if (c == CRITERION_DAMAGE) {
        ky_cell cell = {.type = KY_CELL_TEXT, .text = value, .len = strlen(value)};
        type = ky_type_for_damage(ky_value__yen(&cell, 1.0));
    } else {
        ky_vocab_id vocab = c == CRITERION_CLASS ? KY_VOCAB_IMPORTANCE
                          : c == CRITERION_HUMAN_LIFE ? KY_VOCAB_HUMAN_LIFE
                                                      : KY_VOCAB_SOCIAL_EFFECT;
        const ky_term *term = ky_dict_find(run->dict, vocab, value);
        if (c == CRITERION_CLASS)
            type = term_type(run->dict, term);
        else if (term && term->parent)
            type = term_type(run->dict, ky_dict_code(run->dict, KY_VOCAB_IMPORTANCE, term->parent));
        if (!term)
            return ky_classify__report_unknown(run, vocab, value, loc, criterion_label(c));
    }
    if (type == 0)
        return 0;
    if (type > result->type)
        result->type = type;
    return ky_buf_printf(&result->reasons, KY_("%s%s \"%s\" (%s) is %s"),
                         result->reasons.len ? "; " : "", criterion_label(c), value, where,
                         type_label(run, type));
}

/* Apply the criteria among a record's extra columns. */
static int apply_extras(ky_classify_run *run, derivation *result, const ky_extras *extras,
                        const char *where, const ky_origin *origin)
{
    int status = 0;
    for (size_t i = 0; status == 0 && i < extras->count; i++) {
        criterion c = header_criterion(extras->items[i].header);
        if (c == CRITERION_NONE || !extras->items[i].value || !extras->items[i].value[0])
            continue;
        ky_loc loc = {.file = origin->file, .sheet = origin->sheet, .row = origin->row};
        status = apply_criterion(run, result, c, extras->items[i].value, where, &loc);
    }
    return status;
}

/* Return true when an incident's lesson id column lists `id`. */
static bool incident_names_lesson(const ky_incident *incident, const char *id)
{
    for (size_t i = 0; i < incident->extras.count; i++) {
        const ky_extra *extra = &incident->extras.items[i];
        char *key = extra->header ? ky_vocab__key(extra->header, false) : NULL;
        bool is_id_column = key && names_contain(lesson_id_names, key);
        free(key);
        if (!is_id_column || !extra->value)
            continue;
        ky_strlist ids = {0};
        bool found = false;
        if (ky_value__split_list(extra->value, true, &ids) == 0)
            for (size_t j = 0; j < ids.count && !found; j++)
                found = strcmp(ids.items[j], id) == 0;
        for (size_t j = 0; j < ids.count; j++)
            free(ids.items[j]);
        free(ids.items);
        if (found)
            return true;
    }
    return false;
}

/* Apply the damage and extra columns of the incidents that name the lesson. */
static int apply_incidents(ky_classify_run *run, derivation *result, const ky_lesson *lesson)
{
    const ky_book *book = run->book;
    int status = 0;
    for (size_t i = 0; status == 0 && lesson->id && i < book->incident_count; i++) {
        const ky_incident *incident = &book->incidents[i];
        if (!incident_names_lesson(incident, lesson->id))
            continue;
        ky_buf where = {0};
        status = ky_buf_printf(&where, KY_("incident %s, row %u"),
                               incident->id ? incident->id : "-", (unsigned)incident->origin.row);
        if (status == 0 && !isnan(incident->damage_yen)) {
            int type = ky_type_for_damage(incident->damage_yen);
            if (type > result->type)
                result->type = type;
            if (type > 0)
                status = ky_buf_printf(&result->reasons, KY_("%s%s %.0f yen (%s) is %s"),
                                       result->reasons.len ? "; " : "",
                                       criterion_label(CRITERION_DAMAGE), incident->damage_yen,
                                       where.data, type_label(run, type));
        }
        if (status == 0)
            status = apply_extras(run, result, &incident->extras, where.data, &incident->origin);
        ky_buf_free(&where);
    }
    return status;
}

/* Derive one lesson's importance when its sheet gave none. */
static int derive_lesson(ky_classify_run *run, ky_lesson *lesson)
{
    ky_classification *classification = &lesson->classification;
    if (classification->importance)
        return 0;
    derivation result = {0};
    int status = apply_extras(run, &result, &lesson->extras, KY_("the lesson's columns"),
                              &lesson->origin);
    if (status == 0)
        status = apply_incidents(run, &result, lesson);

    const ky_term *term = type_term(run->dict, result.type);
    if (status == 0 && term) {
        ky_buf evidence = {0};
        status = ky_buf_printf(&evidence,
                               KY_("the highest Type any criterion reaches: %s. Damage up to "
                                   "10,000,000 yen is Type I, up to 100,000,000 Type II, up to "
                                   "1,000,000,000 Type III, more Type IV"),
                               result.reasons.data);
        char *label = status == 0 ? ky_strdup(ky_term_label(term, run->options->lang)) : NULL;
        if (status == 0 && !label)
            status = KY_ENOMEM;
        if (status == 0)
            status = ky_classify__set_evidence(classification, KY_AXIS_IMPORTANCE,
                                               evidence.data);
        if (status == 0) {
            classification->importance = label;
            classification->provenance[KY_AXIS_IMPORTANCE].source = KY_VALUE_DERIVED;
        } else {
            free(label);
        }
        ky_buf_free(&evidence);
    }
    ky_buf_free(&result.reasons);
    return status;
}

int ky_classify__importance(ky_classify_run *run)
{
    int status = 0;
    for (size_t i = 0; status == 0 && i < run->book->lesson_count; i++)
        status = derive_lesson(run, &run->book->lessons[i]);
    return status;
}
