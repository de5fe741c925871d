/* SPDX-License-Identifier: MIT */
/*
 * Header names: the dictionary of column names seen in real incident, risk
 * and lesson sheets, and the normalisation that makes "Ａ：影響度\n（高：３～低：１）"
 * match "A 影響度".
 */
#ifndef KYOKUN_HEADERS_H
#define KYOKUN_HEADERS_H

#include <stdbool.h>

#include "kyokun/book.h"

/** Deepest why-why level read as its own column (なぜ1 ... なぜ20); deeper columns stay unmapped. */
#define KY_WHY_MAX_LEVEL 20

/** One field of a table kind and the header names that map to it. */
typedef struct ky_header_field {
    ky_table_kind kind;
    const char *name;              /**< Field name stored in ky_column_map.field. */
    bool key;                      /**< A value in this field makes a row a record. */
    const char *const *synonyms;   /**< Normalised names (see ky_header__key()), NULL-terminated. */
} ky_header_field;

/**
 * @brief Normalise a header cell for matching: full-width ASCII folded to
 *        ASCII, ASCII lower-cased, white space, line breaks and the separators
 *        : . ・ _ - / 、 。 removed.
 * @param keep_notes When false, bracketed notes such as "(高：３～低：１)" or
 *        "（A×B）" are dropped; when true only the brackets are.
 * @return A new string the caller frees, or NULL when out of memory.
 */
KY_EXPORT char *ky_header__key(const char *text, size_t len, bool keep_notes);

/** @brief Return the field of `kind` that a normalised header names exactly, or NULL. */
KY_EXPORT const ky_header_field *ky_header__match(const char *key, ky_table_kind kind);

/** @brief Return true when a normalised header names a field of any kind exactly. */
KY_EXPORT bool ky_header__known(const char *key);

/** How closely a header names a field. */
typedef enum ky_header_quality {
    KY_HEADER_NONE = 0,
    KY_HEADER_PARTIAL = 1, /**< A word or part of the header is a synonym. */
    KY_HEADER_EXACT = 2    /**< The header, or its main part, is a synonym. */
} ky_header_quality;

/** The field a header cell names for one kind of table. */
typedef struct ky_header_hit {
    const ky_header_field *field; /**< NULL when the header names no field of the kind. */
    ky_header_quality quality;
    bool needs_dates; /**< Only a date-like name matched, so the column's values must be dates. */
} ky_header_hit;

/**
 * @brief Find the field of `kind` that a header cell's text names. The rules
 *        are described at the top of headers.c: exact names first, then the
 *        name without a letter label, line-break note or record prefix, then
 *        words and parts of the name.
 */
KY_EXPORT ky_header_hit ky_header__find(const char *text, size_t len, ky_table_kind kind);

/**
 * @brief Return the why-why level a header names ("なぜ1", "原因(なぜ２)", "why 3"),
 *        1 to KY_WHY_MAX_LEVEL, or 0.
 * @param full Header normalised with its notes kept.
 */
KY_EXPORT int ky_header__why_level(const char *full);

/** @brief Return the static field name of a why-why level ("why1" ...), or NULL when out of range. */
KY_EXPORT const char *ky_header__why_field(int level);

/** @brief Return the kind a sheet name suggests ("リスク管理表" -> risks), or KY_TABLE_UNKNOWN. */
KY_EXPORT ky_table_kind ky_header__sheet_hint(const char *sheet_name);

/**
 * @brief Return the static field name that `name` spells for `kind` (any kind
 *        when KY_TABLE_UNKNOWN). That is a dictionary field, a why-why level
 *        ("why1" up to KY_WHY_MAX_LEVEL) or a status table's "time" or
 *        "event". Return NULL when `kind` has no such field.
 */
KY_EXPORT const char *ky_header__field_name(const char *name, ky_table_kind kind);

/** @brief Return the whole dictionary and its length (for tests and `inspect`). */
KY_EXPORT const ky_header_field *ky_header__fields(size_t *count);

#endif
