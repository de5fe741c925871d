/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the vocabularies and the classification step: text
 * folding shared by the dictionary lookup and the keyword rules, and the
 * steps that classify.c calls in turn (classify_type.c, classify_ids.c).
 */
#ifndef KYOKUN_CLASSIFY_INTERNAL_H
#define KYOKUN_CLASSIFY_INTERNAL_H

#include <stdbool.h>

#include "formats/ky_text.h"
#include "kyokun/classify.h"
#include "kyokun/vocab.h"

/**
 * @brief Copy text with full-width ASCII, U+3000, half-width katakana and
 *        Roman numeral signs (Ⅰ-Ⅻ, ⅰ-ⅻ) folded to their usual forms and ASCII
 *        letters lower-cased. Everything else is kept, so a keyword found in
 *        the folded text is found in the original.
 * @return A new string the caller frees, or NULL when out of memory.
 */
KY_EXPORT char *ky_vocab__fold(const char *text, size_t len);

/**
 * @brief Return the lookup key of a value: the folded text without white
 *        space and separators, and without bracketed notes unless `keep_notes`.
 * @return A new string the caller frees, or NULL when out of memory.
 */
KY_EXPORT char *ky_vocab__key(const char *text, bool keep_notes);

/** @brief Return the edit distance between two UTF-8 strings, counted in code points. */
KY_EXPORT size_t ky_vocab__distance(const char *a, const char *b);

/** State of one ky_book_classify() run. */
typedef struct ky_classify_run {
    ky_ctx *ctx;
    ky_book *book;
    const ky_dict *dict;
    const ky_classify_options *options;
    ky_strlist reported; /**< "vocab:key" of the unknown values already reported. */
    size_t unreported;   /**< Distinct unknown values not reported, over the limit. */
} ky_classify_run;

/**
 * @brief Warn about a value that no value of `vocab` names, once per
 *        vocabulary and folded text, with the closest known values.
 * @param what Translated name of what the value is ("system importance").
 * @return 0 or KY_ENOMEM.
 */
int ky_classify__report_unknown(ky_classify_run *run, ky_vocab_id vocab, const char *text,
                                const ky_loc *loc, const char *what);

/**
 * @brief Derive the importance of lessons that have none from the damage
 *        amount, effect on human life, social effect and system class in the
 *        lesson's extra columns and in the incidents that name the lesson
 *        (classify_type.c).
 * @return 0 or KY_ENOMEM.
 */
int ky_classify__importance(ky_classify_run *run);

/**
 * @brief Give each lesson without an id a generated one, as described in
 *        ky_book_classify() (classify_ids.c).
 * @return 0 or KY_ENOMEM.
 */
int ky_classify__ids(ky_classify_run *run);

/** @brief Replace an axis's evidence with a copy of `text`. @return 0 or KY_ENOMEM. */
int ky_classify__set_evidence(ky_classification *classification, ky_axis axis, const char *text);

#endif
