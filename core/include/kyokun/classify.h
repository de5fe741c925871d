/* SPDX-License-Identifier: MIT */
/*
 * Classification: the step that runs once a book contains all its inputs. It
 * maps classification cells and the main causes of incidents to the
 * vocabularies, derives Type I-IV from damage and effect columns, suggests
 * the axes a lesson lacks from keyword rules, and gives lessons without an
 * id a generated one.
 */
#ifndef KYOKUN_CLASSIFY_H
#define KYOKUN_CLASSIFY_H

#include <stdbool.h>

#include "kyokun/book.h"
#include "kyokun/diag.h"
#include "kyokun/plugin.h"
#include "kyokun/vocab.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most keywords suggested for one lesson, in the order of the term list. */
#define KY_CLASSIFY_MAX_KEYWORDS 10
/** Maximum length of an id prefix, in bytes. */
#define KY_ID_PREFIX_MAX 16

/** Options of the classification step. */
typedef struct ky_classify_options {
    int version;            /**< KY_CLASSIFY_OPTIONS_VERSION. */
    ky_lang lang;           /**< Language of the labels written into the book. */
    bool suggest;           /**< Suggest missing axes from the rules (default true). */
    bool generate_ids;      /**< Give lessons without an id one (default true). */
    char prefix_governance[KY_ID_PREFIX_MAX + 1]; /**< Prefix of governance lessons ("G"). */
    char prefix_technical[KY_ID_PREFIX_MAX + 1];  /**< Prefix of technical lessons ("T"). */
} ky_classify_options;

#define KY_CLASSIFY_OPTIONS_VERSION 1

/** @brief Initialise the options: Japanese labels, suggestions and ids on, prefixes G and T. */
KY_EXPORT void ky_classify_options_init(ky_classify_options *options);

/**
 * @brief Set the id prefixes from a list such as "G=KAN,T=GIJ": the kind (G
 *        for governance and management, T for technical), "=", and a prefix
 *        of 1 to KY_ID_PREFIX_MAX ASCII letters, digits, '-' or '_'. Kinds
 *        not listed keep their prefix.
 * @return 0, or KY_EINVAL for any other text (the options are then unchanged).
 */
KY_EXPORT int ky_classify_parse_prefixes(ky_classify_options *options, const char *text);

/**
 * @brief Return the Type (1-4) that a damage amount in yen reaches: up to
 *        10,000,000 is Type I, up to 100,000,000 Type II, up to
 *        1,000,000,000 Type III, and more is Type IV. The guide's table gives
 *        each edge to both neighbours (以下 and 以上), so the lower Type takes
 *        its upper bound.
 * @return 1-4, or 0 for NAN or a negative amount.
 */
KY_EXPORT int ky_type_for_damage(double yen);

/**
 * @brief Classify the lessons of a complete book, and map the main causes
 *        of its incidents to cause.csv.
 *
 * An incident's main cause is looked up in cause.csv as a read axis value
 * is (step 1 below). A recognised cause is replaced by its label in
 * options->lang and the text as written moves to main_cause_text, so that
 * the statistics count spellings of one cause together. An unknown cause
 * is kept as written, trimmed, and is not reported, because causes are
 * free text in many registers.
 *
 * For each lesson and axis, in this order of precedence:
 *  1. A value read from the sheet (KY_VALUE_READ) is looked up in its
 *     vocabulary. A recognised value is replaced by its label in
 *     options->lang, and the evidence records the code and, when it differs
 *     from the label, the text as written. An unknown value is kept as
 *     written and reported once per distinct text (warning
 *     "classify.unknown-value") with the closest known values. Keywords are
 *     free text: a known term is replaced by its label, others are kept.
 *  2. A missing importance is derived (KY_VALUE_DERIVED) from extra
 *     columns named 障害金額, 人命, 社会的影響, システムの区分 or their
 *     English names. They are read from the lesson and from the incidents
 *     whose extra column 教訓ID (lesson id) names the lesson. The lesson gets
 *     the highest Type any criterion reaches, see ky_type_for_damage().
 *  3. With options->suggest, a missing purpose, importance, life-cycle
 *     process or service process is suggested (KY_VALUE_SUGGESTED) by the
 *     rules: the value whose keywords score most. A keyword adds its
 *     weight for each occurrence, up to three, in the problem and causes,
 *     and twice its weight for each occurrence, up to three, in the title,
 *     measures, effect and lesson text, because the guide classifies a lesson
 *     by where its countermeasure is carried out. A tie goes to the value
 *     whose rule comes first. Missing keywords are the terms of the keyword
 *     list found in any of that text, at most KY_CLASSIFY_MAX_KEYWORDS. The
 *     evidence names the matched words and the score.
 *  4. With options->generate_ids, a lesson without an id gets one
 *     (id_generated): its prefix is the governance prefix when one of its
 *     purposes has kind G in purpose.csv, else the technical prefix, and its
 *     number is one more than the highest number used with that prefix in
 *     the book's lesson ids and cited lesson ids. The same input always gives
 *     the same ids.
 *
 * @param ctx Context for diagnostics and the error.
 * @param book Book to change.
 * @param dict Dictionary.
 * @param options Options, or NULL for the defaults.
 * @return 0, or KY_ENOMEM with the error set on `ctx`.
 */
KY_EXPORT int ky_book_classify(ky_ctx *ctx, ky_book *book, const ky_dict *dict,
                               const ky_classify_options *options);

/** @brief Return the stable English name of a value source ("read", "derived", ...). */
KY_EXPORT const char *ky_value_source_name(ky_value_source source);

#ifdef __cplusplus
}
#endif

#endif
