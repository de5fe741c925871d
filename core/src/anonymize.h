/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of anonymisation, shared by anonymize.c (the
 * anonymizer, scanning and the map file), anonymize_names.c (the names
 * list) and anonymize_book.c (placeholders in a book).
 */
#ifndef KYOKUN_ANONYMIZE_INTERNAL_H
#define KYOKUN_ANONYMIZE_INTERNAL_H

#include <sys/types.h>

#include "anonymize_detect.h"
#include "formats/ky_text.h"
#include "kyokun/anonymize.h"

/** One name of the names list. */
typedef struct ky_listed_name {
    char *name;         /**< As written in the list. */
    char *key;          /**< The folded, lower-case form (UTF-8) that identifies it. */
    uint32_t *folded;   /**< The same as code points, for matching. */
    size_t folded_len;
    ky_name_kind kind;
    char *placeholder;  /**< The list's placeholder, or NULL for the next of the series. */
    bool absorbs_sha;   /**< A 社 after the name is replaced with it (A社, not A社社). */
} ky_listed_name;

/** One row of the map file: a real name and its placeholder in one book. */
typedef struct ky_map_row {
    char *book;           /**< The book's title before anonymisation, or NULL. */
    ky_name_kind kind;
    char *name;
    char *placeholder;
    size_t occurrences;
} ky_map_row;

struct ky_anonymizer {
    ky_anonymize_options options;
    ky_listed_name *names;
    size_t name_count;
    size_t name_capacity;
    size_t *by_first;       /**< Indices into `names` by first code point, longest first. */
    char *spool;            /**< Folder of the books' map rows, one file per book, or NULL. */
    pid_t spool_owner;      /**< The process that created `spool` and removes it. */
};

/** @brief Free the names list. */
KY_EXPORT void ky_anonymize__names_free(ky_anonymizer *anonymizer);

/**
 * @brief Append the listed names found in a folded text, in text order;
 *        offsets are code point indices. A person's honorific and a 社 after
 *        a company (see ky_listed_name.absorbs_sha) extend the match.
 * @return 0 or KY_ENOMEM.
 */
KY_EXPORT int ky_anonymize__match_names(const ky_anonymizer *anonymizer,
                                        const ky_folded_text *text, ky_match_list *out);

/** @brief Return the listed name of a match (m->listed), found again by its key. */
KY_EXPORT const ky_listed_name *ky_anonymize__listed_at(const ky_anonymizer *anonymizer,
                                                        const ky_folded_text *text,
                                                        const ky_name_match *m);

/** @brief Scan a folded text as ky_anonymizer_scan() does; offsets stay code point indices. */
KY_EXPORT int ky_anonymize__scan_folded(const ky_anonymizer *anonymizer,
                                        const ky_folded_text *folded, ky_match_list *out);

/** @brief Return true when a 社 after a company name goes into `placeholder` (NULL: the series). */
KY_EXPORT bool ky_anonymize__absorbs_company_suffix(const ky_anonymizer *anonymizer,
                                                    const char *placeholder);

/** @brief Write placeholder number `number` of a kind's series ("B社" for 1) into `out`. */
KY_EXPORT int ky_anonymize__placeholder(const ky_anonymizer *anonymizer, ky_name_kind kind,
                                        size_t number, ky_buf *out);

/** @brief Return the text before the letters of a kind's placeholders ("製品"). */
KY_EXPORT const char *ky_anonymize__style_prefix(const ky_anonymizer *anonymizer,
                                                 ky_name_kind kind);

/** @brief Return the text after the letters of a kind's placeholders ("社"). */
KY_EXPORT const char *ky_anonymize__style_suffix(const ky_anonymizer *anonymizer,
                                                 ky_name_kind kind);

/**
 * @brief Write a book's map rows to a new file in the anonymizer's spool
 *        folder; nothing when it has none.
 * @return 0, or KY_EIO or KY_ENOMEM with the error set on `ctx`.
 */
KY_EXPORT int ky_anonymize__spool_rows(ky_ctx *ctx, const ky_anonymizer *anonymizer,
                                       const ky_map_row *rows, size_t count);

#endif
