/* SPDX-License-Identifier: MIT */
/*
 * Checking a book's lessons and risks against the rules for writing a lesson
 * in the IPA/SEC guide 「教訓の作り方」: an ID, a short title in the positive
 * form, problem and cause kept apart, direct and root causes, both kinds of
 * countermeasures, a root cause deeper than "human error", and C = A x B.
 */
#ifndef KYOKUN_VALIDATE_H
#define KYOKUN_VALIDATE_H

#include <stdbool.h>

#include "kyokun/book.h"
#include "kyokun/common.h"
#include "kyokun/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default maximum length of a lesson title, in characters (Unicode code points). */
#define KY_VALIDATE_TITLE_MAX_DEFAULT 40

/** Default maximum length of a title made mostly of ASCII letters, in words. */
#define KY_VALIDATE_TITLE_MAX_WORDS_DEFAULT 12

/** A rule that ky_validate_book() checks. */
typedef struct ky_validate_rule {
    const char *id;       /**< Stable ASCII id such as "lesson.id-missing". */
    ky_severity severity; /**< KY_SEV_ERROR or KY_SEV_WARNING, the same for every finding. */
    const char *fix;      /**< One-line fix in English; translate it with KY_() (domain "kyokun"). */
} ky_validate_rule;

/** Options of ky_validate_book(); set the defaults with ky_validate_options_init(). */
typedef struct ky_validate_options {
    /** Maximum length in characters of a title that is not mostly ASCII letters
        (Japanese titles); 0 turns the check off for those titles. */
    size_t title_max;
    /** Maximum length in words of a title whose letters are mostly ASCII
        (English titles); 0 turns the check off for those titles. */
    size_t title_max_words;
    /** Names list and detection settings of the privacy rules, borrowed for
        the call; NULL detects e-mail addresses, phone numbers, IP addresses and
        names followed by an honorific, with no names list. */
    const struct ky_anonymizer *anonymizer;
} ky_validate_options;

/** One rule broken by one lesson or risk. Every string is owned by the ky_findings. */
typedef struct ky_finding {
    const char *rule;     /**< Rule id, a static string from the rule table. */
    ky_severity severity; /**< KY_SEV_ERROR or KY_SEV_WARNING. */
    char *file;           /**< Input path from the record's origin, or NULL. */
    char *sheet;          /**< Sheet name from the record's origin, or NULL. */
    uint32_t row;         /**< 1-based row of the record, or 0 when unknown. */
    uint32_t col;         /**< 1-based column of the field, or 0 for the whole record. */
    char *record_id;      /**< Lesson ID or risk No. as written, or NULL when it has none. */
    char *message;        /**< What is wrong, translated, without location or newline. */
    char *fix;            /**< How to fix it in one line, translated. */
} ky_finding;

/** The findings of one ky_validate_book() call, in book order: lessons, risks, then the privacy rules. */
typedef struct ky_findings {
    ky_finding *items;
    size_t count;
    size_t errors;   /**< Findings with severity KY_SEV_ERROR. */
    size_t warnings; /**< Findings with severity KY_SEV_WARNING. */
} ky_findings;

/**
 * @brief Set the defaults: titles of at most KY_VALIDATE_TITLE_MAX_DEFAULT
 *        characters, or KY_VALIDATE_TITLE_MAX_WORDS_DEFAULT words for English titles.
 */
KY_EXPORT void ky_validate_options_init(ky_validate_options *options);

/**
 * @brief Return the table of rules, in the order they are checked.
 * @param count Receives the number of rules.
 * @return A static array that the caller must not free.
 */
KY_EXPORT const ky_validate_rule *ky_validate_rules(size_t *count);

/**
 * @brief Check every lesson and risk of a book and collect the broken rules.
 *
 * Lesson rules: "lesson.id-missing", "lesson.id-duplicate" (IDs are compared
 * within the book, without surrounding white space), "lesson.title-missing",
 * "lesson.title-too-long", "lesson.title-negative", "lesson.problem-equals-cause",
 * "lesson.direct-cause-missing", "lesson.root-cause-missing",
 * "lesson.measures-incomplete" and "lesson.root-cause-blames-person".
 * Risk rule: "risk.c-mismatch". Privacy rules, on every text of every
 * record and on the sheet names and column headers: "privacy.email",
 * "privacy.phone", "privacy.ip-address", "privacy.person-name" (detected as
 * ky_anonymizer_scan() does) and "privacy.listed-name" (a name of the
 * options' names list). ky_validate_rules() lists each with its severity.
 * A title counts as English when more than half of its letters are ASCII
 * letters. Its length is then counted in words (runs of non-space
 * characters with at least one letter or digit), else in characters.
 * The mapping also warns about a typed C that differs from A x B
 * ("mapping.risk-value-mismatch") and about a lesson ID repeated in one
 * sheet ("mapping.duplicate-id"). These rules check books built without
 * the mapping too, so a caller that shows both should drop one of them.
 * The column of a finding comes from the book's sheet reports. It is 0 when
 * the book has no report for the record's sheet or the field was not mapped.
 *
 * @param ctx Context for the error.
 * @param book Book to check; it is not changed, and the findings do not point into it.
 * @param options Options, or NULL for the defaults.
 * @param out Receives the findings, an empty list when every rule holds. The
 *        caller frees them with ky_findings_free(). Set to NULL on failure.
 * @return 0, or KY_ENOMEM with the error set on `ctx`.
 */
KY_EXPORT int ky_validate_book(ky_ctx *ctx, const ky_book *book,
                               const ky_validate_options *options, ky_findings **out);

/** @brief Free findings and every string they own. NULL is allowed. */
KY_EXPORT void ky_findings_free(ky_findings *findings);

#ifdef __cplusplus
}
#endif

#endif
