/* SPDX-License-Identifier: MIT */
/*
 * Vocabularies: the values of the classification axes and the smaller lists
 * a lesson needs, each with a stable ASCII code and Japanese and English
 * labels, loaded from CSV dictionaries that users can replace or extend.
 *
 * A dictionary folder contains one file per vocabulary (purpose.csv,
 * importance.csv, ...; see ky_vocab_file()) and the suggestion rules
 * (rules.csv). ky_dict_load() reads the built-in folder, then a user's
 * folder: there NAME.csv replaces the built-in NAME.csv, and NAME.extra.csv
 * adds rows to it (a row whose code exists adds its aliases to that value).
 *
 * Vocabulary files are UTF-8 with a header row naming the columns code, ja
 * and en (required), parent, aliases (separated by |), kind and note, in
 * any order. rules.csv has the columns axis, code, keywords (separated by |)
 * and weight, and optionally note.
 *
 * A ky_dict owns every string it returns; they stay valid until
 * ky_dict_free(). A loaded dictionary is only read, so threads may share it.
 */
#ifndef KYOKUN_VOCAB_H
#define KYOKUN_VOCAB_H

#include "kyokun/book.h"
#include "kyokun/diag.h"
#include "kyokun/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Vocabularies of a dictionary folder. */
typedef enum ky_vocab_id {
    KY_VOCAB_PURPOSE = 0,        /**< purpose.csv: 活用する目的 (PU1-PU7). */
    KY_VOCAB_IMPORTANCE = 1,     /**< importance.csv: Type I-IV and the system classes. */
    KY_VOCAB_LIFECYCLE = 2,      /**< lifecycle.csv: Common Frame processes (LC-*). */
    KY_VOCAB_SERVICE = 3,        /**< service.csv: ISO/IEC 20000-1:2011 processes (SM-*). */
    KY_VOCAB_KEYWORDS = 4,       /**< keywords.csv: the term list of axis 5. */
    KY_VOCAB_COUNTERMEASURE = 5, /**< countermeasure.csv: recurrence, preventive, interim. */
    KY_VOCAB_CAUSE = 6,          /**< cause.csv: main causes of incidents (CA1-CA15). */
    KY_VOCAB_HUMAN_LIFE = 7,     /**< human-life.csv: effect on human life; parent is the Type. */
    KY_VOCAB_SOCIAL_EFFECT = 8,  /**< social-effect.csv: social effect; parent is the Type. */
    KY_VOCAB_COUNT = 9
} ky_vocab_id;

/** One value of a vocabulary. */
typedef struct ky_term {
    const char *code;      /**< Stable ASCII code such as "PU1". */
    const char *parent;    /**< Code of the parent value, or NULL. */
    const char *ja;        /**< Japanese label. */
    const char *en;        /**< English label. */
    const char *kind;      /**< The kind column ("G" or "T" in purpose.csv), or NULL. */
    ky_strlist aliases;    /**< Other spellings that input cells use. */
    const char *file;      /**< Path of the file that defined the value. */
    uint32_t row;          /**< 1-based row of that file. */
} ky_term;

/** One suggestion rule: keywords that, found in a lesson's text, point to a value. */
typedef struct ky_rule {
    ky_axis axis;          /**< KY_AXIS_PURPOSE, _IMPORTANCE, _LIFECYCLE or _SERVICE. */
    const char *code;      /**< Code of the value suggested, in the axis's vocabulary. */
    ky_strlist keywords;   /**< As written in the file. */
    double weight;         /**< Points per occurrence of a keyword (default 1). */
    const char *file;
    uint32_t row;
} ky_rule;

/** Loaded vocabularies and rules. */
typedef struct ky_dict ky_dict;

/** Largest dictionary file read, in bytes. */
#define KY_DICT_MAX_FILE_BYTES ((size_t)1 << 20)
/** Largest line (record) of a dictionary file, in bytes. */
#define KY_DICT_MAX_LINE_BYTES ((size_t)8192)
/** Most rows of one dictionary file, header excluded. */
#define KY_DICT_MAX_ROWS 5000

/** @brief Return the base name of a vocabulary's file without ".csv" ("purpose"). */
KY_EXPORT const char *ky_vocab_file(ky_vocab_id vocab);

/**
 * @brief Return the built-in dictionary folder: share/kyokun/dict beside the
 *        running binary's folder when it exists (build tree, relocated
 *        install), else the installed folder. The string is static.
 */
KY_EXPORT const char *ky_dict_default_dir(void);

/**
 * @brief Load the dictionaries.
 * @param ctx Context for the error, which names the file, row and column.
 * @param builtin_dir The built-in folder, or NULL for ky_dict_default_dir().
 * @param user_dir A user's folder (--dictionary), or NULL. Its NAME.csv
 *        replaces the built-in file and NAME.extra.csv extends it.
 * @param out Receives a dictionary that the caller frees with ky_dict_free().
 * @return 0; KY_ENOTFOUND when a folder or a needed file is missing;
 *         KY_EPARSE for invalid content; KY_ELIMIT for a file over the
 *         limits above; KY_EIO; KY_ENOMEM.
 */
KY_EXPORT int ky_dict_load(ky_ctx *ctx, const char *builtin_dir, const char *user_dir,
                           ky_dict **out);

/** @brief Free a dictionary. NULL is allowed. */
KY_EXPORT void ky_dict_free(ky_dict *dict);

/** @brief Return the number of values of a vocabulary. */
KY_EXPORT size_t ky_dict_term_count(const ky_dict *dict, ky_vocab_id vocab);

/** @brief Return a value by position (file order), or NULL when out of range. */
KY_EXPORT const ky_term *ky_dict_term(const ky_dict *dict, ky_vocab_id vocab, size_t index);

/** @brief Return the value with this exact code, or NULL. */
KY_EXPORT const ky_term *ky_dict_code(const ky_dict *dict, ky_vocab_id vocab, const char *code);

/**
 * @brief Find the value a cell names: its code, either label or an alias,
 *        compared after folding full-width and half-width forms, Roman
 *        numeral signs (Ⅱ is II) and letter case, and ignoring white space
 *        and the separators : . ・ _ - / 、 。. When the whole text names
 *        nothing, the text without bracketed notes is tried, then without a
 *        trailing "での対策" or "プロセス" ("運用プロセスでの対策" is 運用).
 * @return The value, or NULL when none matches.
 */
KY_EXPORT const ky_term *ky_dict_find(const ky_dict *dict, ky_vocab_id vocab, const char *text);

/**
 * @brief List the values closest to a text that names none: the smallest
 *        edit distance, counted in code points over the folded forms, between
 *        the text and the value's code, labels and aliases. Ties keep file order.
 * @param out Receives up to `max` values, nearest first.
 * @return The number of values stored.
 */
KY_EXPORT size_t ky_dict_closest(const ky_dict *dict, ky_vocab_id vocab, const char *text,
                                 const ky_term **out, size_t max);

/** @brief Return the number of suggestion rules. */
KY_EXPORT size_t ky_dict_rule_count(const ky_dict *dict);

/** @brief Return a suggestion rule by position (file order), or NULL when out of range. */
KY_EXPORT const ky_rule *ky_dict_rule(const ky_dict *dict, size_t index);

/** @brief Return the label of a value in a language. */
KY_EXPORT const char *ky_term_label(const ky_term *term, ky_lang lang);

#ifdef __cplusplus
}
#endif

#endif
