/* SPDX-License-Identifier: MIT */
/*
 * A walk over every string of a lesson book, for code that must see or
 * change all of them (anonymisation, and the privacy rules of validate).
 * A string field added to book.h must be added to book_fields.c as well.
 */
#ifndef KYOKUN_BOOK_FIELDS_H
#define KYOKUN_BOOK_FIELDS_H

#include <stdbool.h>

#include "kyokun/book.h"

/** One string of a book as the walk hands it to the callback; valid during the call. */
typedef struct ky_book_text {
    char **text;              /**< The string, which the callback may replace; *text may be NULL. */
    const ky_origin *origin;  /**< The record's origin; NULL for sheet reports and the title. */
    const char *field;        /**< The mapped field's name ("summary", "why2"), or NULL. */
    const char *extra_header; /**< For an extra value, its column header; else NULL. */
    const char *record_id;    /**< The record's ID or No. as written, or NULL. */
    bool repeated;            /**< Header text repeated on every record (extra headers,
                                   event actors), which the sheet reports contain once. */
} ky_book_text;

/** Callback of the walks; a negative return value stops the walk and is returned. */
typedef int (*ky_book_text_fn)(const ky_book_text *text, void *payload);

/**
 * @brief Hand every string of every record to `fn`, in the book's order:
 *        incidents, events, why-why nodes, risks, then lessons. Within a
 *        record the fields come in book.h order, except that an incident's
 *        main_cause_text follows its main_cause, then its extras (header,
 *        then value).
 * @return 0, or the first negative value `fn` returned.
 */
KY_EXPORT int ky_book__visit_records(ky_book *book, ky_book_text_fn fn, void *payload);

/**
 * @brief Hand the strings of the sheet reports (file, sheet name, column
 *        headers, reason) and then the book's title to `fn`. Record origins
 *        point to the reports' file and sheet strings, so a callback that
 *        replaces those must repoint the origins.
 * @return 0, or the first negative value `fn` returned.
 */
KY_EXPORT int ky_book__visit_sheets(ky_book *book, ky_book_text_fn fn, void *payload);

#endif
