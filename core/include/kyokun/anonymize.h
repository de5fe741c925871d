/* SPDX-License-Identifier: MIT */
/*
 * Anonymisation of a lesson book before it is shared. The proper nouns of a
 * names list are replaced with placeholders in the style of the IPA/SEC guide
 * (A社, 製品A, 担当者A). So are the e-mail addresses, phone numbers, IP
 * addresses and names followed by an honorific (様, さん, 氏, 殿) that kyokun
 * detects.
 *
 * A ky_anonymizer owns its names list and the map from each real name to its
 * placeholder; ky_anonymizer_free() frees both. Strings it returns are
 * borrowed from it unless a function states otherwise.
 */
#ifndef KYOKUN_ANONYMIZE_H
#define KYOKUN_ANONYMIZE_H

#include <stdbool.h>

#include "kyokun/book.h"
#include "kyokun/common.h"
#include "kyokun/diag.h"
#include "kyokun/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Kind of a name, which selects its placeholder series. */
typedef enum ky_name_kind {
    KY_NAME_COMPANY = 0, /**< A社, B社 ... / Company A, Company B ... */
    KY_NAME_PRODUCT = 1, /**< 製品A / Product A */
    KY_NAME_PERSON = 2,  /**< 担当者A / Person A; also the names found before 様, さん, 氏, 殿. */
    KY_NAME_OTHER = 3,   /**< 名称A / Name A */
    KY_NAME_EMAIL = 4,   /**< メールアドレスA / Email address A (detected only). */
    KY_NAME_PHONE = 5,   /**< 電話番号A / Phone number A (detected only). */
    KY_NAME_IP = 6,      /**< IPアドレスA / IP address A (detected only). */
    KY_NAME_KIND_COUNT = 7
} ky_name_kind;

/** @brief Return the stable English name of a kind: "company", "product", "person",
 *         "other", "email", "phone" or "ip-address". */
KY_EXPORT const char *ky_name_kind_name(ky_name_kind kind);

/** Options of ky_anonymizer_new(); set the defaults with ky_anonymize_options_init(). */
typedef struct ky_anonymize_options {
    ky_lang lang; /**< Language of the placeholders (A社 or Company A). */
    bool detect;  /**< Detect e-mail addresses, phone numbers, IP addresses and names
                       followed by an honorific, in addition to the names list. */
} ky_anonymize_options;

/** @brief Set the defaults: Japanese placeholders, no detection (names list only). */
KY_EXPORT void ky_anonymize_options_init(ky_anonymize_options *options);

/** One name found in a text by ky_anonymizer_scan(). Offsets are in bytes. */
typedef struct ky_name_match {
    ky_name_kind kind;
    size_t start;      /**< First byte of the text to replace. */
    size_t end;        /**< Byte after it; an honorific or a 社 after the name is included. */
    size_t name_start; /**< First byte of the name itself, without the honorific. */
    size_t name_end;   /**< Byte after the name itself. */
    bool listed;       /**< The name is in the names list (false: detected). */
} ky_name_match;

/** Names list, detection settings and the map of replaced names. */
typedef struct ky_anonymizer ky_anonymizer;

/**
 * @brief Create an anonymizer with an empty names list.
 * @param ctx Context for the error.
 * @param options Options, or NULL for the defaults.
 * @param out Receives the anonymizer; the caller frees it with ky_anonymizer_free().
 * @return 0, or KY_ENOMEM with the error set on `ctx`.
 */
KY_EXPORT int ky_anonymizer_new(ky_ctx *ctx, const ky_anonymize_options *options,
                                ky_anonymizer **out);

/** @brief Free an anonymizer, its names list and its map. NULL is allowed. */
KY_EXPORT void ky_anonymizer_free(ky_anonymizer *anonymizer);

/**
 * @brief Add one name to the list.
 *
 * Names are matched with full-width and half-width forms folded together
 * (ＡＢＣ and ABC, ｱｸﾒ and アクメ) and ASCII letters in any case. A name that
 * starts or ends with an ASCII letter or digit matches only where no ASCII
 * letter or digit continues it, so "Acme" does not match inside "Acmeville".
 *
 * @param ctx Context for the error.
 * @param anonymizer Anonymizer; call this before the first ky_anonymize_book().
 * @param name The name as it is written (UTF-8); copied.
 * @param kind KY_NAME_COMPANY, KY_NAME_PRODUCT, KY_NAME_PERSON or KY_NAME_OTHER.
 * @param placeholder The placeholder to use, or NULL to take the next free one
 *        of the kind's series when the name is first found; copied. Names
 *        with the same placeholder are replaced by it alike.
 * @return 0; KY_EINVAL for an empty name, a detected-only kind, or a name that
 *         is already listed with another kind or placeholder; KY_ENOMEM.
 */
KY_EXPORT int ky_anonymizer_add_name(ky_ctx *ctx, ky_anonymizer *anonymizer, const char *name,
                                     ky_name_kind kind, const char *placeholder);

/**
 * @brief Read a names list: a CSV file (UTF-8, UTF-16 or CP932, detected)
 *        whose columns are the name, its kind and an optional placeholder.
 *
 * The kind is company, product, person or other (also 会社, 企業, 製品,
 * 人物, 担当者, 個人, その他), in any letter case. A first row whose first
 * cell is "name" (or 名称, 名前) is a header and is skipped, and so are blank rows.
 *
 * @param ctx Context for the error, which names the file, row and column.
 * @param anonymizer Anonymizer to add the names to.
 * @param path CSV file.
 * @return 0, KY_ENOTFOUND or KY_EIO when the file cannot be read, KY_EPARSE
 *         for a row without a name, with an unknown kind or that conflicts
 *         with an earlier row, KY_ELIMIT for a file over 64 MiB, or KY_ENOMEM.
 */
KY_EXPORT int ky_anonymizer_load_names(ky_ctx *ctx, ky_anonymizer *anonymizer, const char *path);

/**
 * @brief Find the names of the list and, with `detect`, the detected names in a text.
 *
 * Listed names win over detections that overlap them, and of two listed
 * names starting at the same place the longer one wins. Dates (2024-03-15),
 * times (10:30:00), version numbers (v1.2.3.4) and amounts (1,234,567円) are
 * not detected as phone numbers or IP addresses.
 *
 * @param anonymizer Anonymizer whose list and settings are used.
 * @param text UTF-8 text.
 * @param len Bytes in `text`.
 * @param out Receives the matches in text order, which do not overlap; the
 *        caller frees the array with free(). NULL when there are none.
 * @param count Receives the number of matches.
 * @return 0 or KY_ENOMEM.
 */
KY_EXPORT int ky_anonymizer_scan(const ky_anonymizer *anonymizer, const char *text, size_t len,
                                 ky_name_match **out, size_t *count);

/**
 * @brief Replace every name found by ky_anonymizer_scan() in every string of
 *        a book with its placeholder.
 *
 * Every text of every record (incidents, events, why-why nodes, risks,
 * lessons, their classification and extra values and headers), the sheet
 * reports (file and sheet names, column headers) and the book's title are
 * changed. Each distinct name gets one placeholder for the whole book,
 * given in the order names first appear: records in the book's order
 * (incidents, events, why-why nodes, risks, lessons), then the sheet reports
 * and the title. A placeholder that the book already contains before
 * the replacement (such as A社 in the guide's own case) is not given to
 * another name. A person's honorific (さん) is replaced with the name, and
 * so is a 社 after a company name when the placeholder ends in 社.
 *
 * After ky_anonymizer_keep_map(), the book's rows of the map from names to
 * placeholders are written to a file of the anonymizer's spool folder.
 * Several threads, or processes forked after the names list is complete,
 * may call this function at once with one anonymizer, each with its own book
 * and context.
 *
 * @param ctx Context for the error.
 * @param anonymizer Anonymizer.
 * @param book Book to change.
 * @return 0, or KY_ENOMEM or KY_EIO (the map rows) with the error set on
 *         `ctx`. The book is then partly anonymised and must not be written.
 */
KY_EXPORT int ky_anonymize_book(ky_ctx *ctx, ky_anonymizer *anonymizer, ky_book *book);

/**
 * @brief Keep the map from real names to placeholders of the books
 *        anonymised from now on, for ky_anonymizer_write_map().
 *
 * The rows of each book go to a private temporary folder (mode 0700, in
 * TMPDIR or /tmp), which ky_anonymizer_free() removes in the process that
 * called this function. Call it before forking processes that anonymise books.
 *
 * @return 0, or KY_EIO or KY_ENOMEM with the error set on `ctx`.
 */
KY_EXPORT int ky_anonymizer_keep_map(ky_ctx *ctx, ky_anonymizer *anonymizer);

/**
 * @brief Write the map from real names to placeholders of every book
 *        anonymised since ky_anonymizer_keep_map(), as UTF-8 CSV with the
 *        header "book,kind,name,placeholder,occurrences".
 *
 * The books are sorted by title, and each book's rows keep the order in
 * which its placeholders were given. The file is written to a temporary
 * file beside `path` with mode 0600 and renamed into place, so a failed
 * write leaves no partial file.
 *
 * @return 0; KY_EINVAL when the map was not kept; KY_EIO or KY_ENOMEM with
 *         the error set on `ctx`.
 */
KY_EXPORT int ky_anonymizer_write_map(ky_ctx *ctx, ky_anonymizer *anonymizer, const char *path);

#ifdef __cplusplus
}
#endif

#endif
