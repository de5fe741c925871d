/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of anonymisation: text folded for matching, and the
 * detectors of e-mail addresses, phone numbers, IP addresses and names
 * followed by an honorific. Each function below that allocates names the
 * function that frees the memory.
 */
#ifndef KYOKUN_ANONYMIZE_DETECT_H
#define KYOKUN_ANONYMIZE_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyokun/anonymize.h"

/**
 * Text as code points with full-width ASCII folded to ASCII, U+3000 to a
 * space and half-width katakana to full-width (ｶﾞ to ガ), and the byte
 * offset in the original text where each folded code point starts.
 */
typedef struct ky_folded_text {
    uint32_t *cps;
    size_t *offsets; /**< count + 1 entries; the last is the text's length. */
    size_t count;
} ky_folded_text;

/** @brief Fold `len` bytes of UTF-8. @return 0 or KY_ENOMEM; free with ky_anonymize__folded_free(). */
KY_EXPORT int ky_anonymize__fold(const char *text, size_t len, ky_folded_text *out);

/** @brief Free the arrays of a folded text and zero it. */
KY_EXPORT void ky_anonymize__folded_free(ky_folded_text *folded);

/** A growable list of matches whose offsets are code point indices into a ky_folded_text. */
typedef struct ky_match_list {
    ky_name_match *items;
    size_t count;
    size_t capacity;
} ky_match_list;

/** @brief Append a match. @return 0 or KY_ENOMEM. */
KY_EXPORT int ky_anonymize__push(ky_match_list *list, const ky_name_match *match);

/**
 * @brief Return the code points after `index` that belong to a person's name
 *        ending there: an honorific (様, さん, 氏, 殿) that follows it
 *        directly, or 0. 様, 氏 and 殿 followed by another kanji start a
 *        word (様式, 氏名, 殿堂) and are not honorifics.
 */
KY_EXPORT size_t ky_anonymize__honorific_at(const ky_folded_text *text, size_t index);

/**
 * @brief Append the e-mail addresses, phone numbers, IP addresses and names
 *        followed by an honorific found in `text`, in text order, not overlapping.
 * @return 0 or KY_ENOMEM.
 */
KY_EXPORT int ky_anonymize__detect(const ky_folded_text *text, ky_match_list *out);

/** @brief Return true for an ASCII letter or digit. */
KY_EXPORT bool ky_anonymize__is_ascii_alnum(uint32_t cp);

#endif
