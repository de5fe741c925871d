/* SPDX-License-Identifier: MIT */
/*
 * Classification of spreadsheet number formats (OOXML numFmt ids and format
 * codes): is a number shown as a date, a date and time, a time of day, or an
 * elapsed duration?
 */
#ifndef KYOKUN_FORMATS_NUMFMT_H
#define KYOKUN_FORMATS_NUMFMT_H

#include <stddef.h>

#include "kyokun/common.h"

/** Kind of value a number format displays. */
typedef enum ky_numfmt_kind {
    KY_NUMFMT_NUMBER = 0,   /**< A plain number, text or anything that is not a date. */
    KY_NUMFMT_DATE = 1,     /**< A calendar date ("yyyy/m/d", "ggge年m月d日"). */
    KY_NUMFMT_DATETIME = 2, /**< A date with a time of day ("m/d/yy h:mm"). */
    KY_NUMFMT_TIME = 3,     /**< A time of day ("h:mm AM/PM", "mm:ss"). */
    KY_NUMFMT_DURATION = 4  /**< Elapsed time that may pass 24 h ("[h]:mm:ss"). */
} ky_numfmt_kind;

/**
 * @brief Classify a built-in number format id, one that a file may use
 *        without defining its code: 14-22 and 45-47 in every locale, and the
 *        Japanese-locale ids 27-36 and 50-58 (era and 年月日 dates, 時分 times).
 * @return KY_NUMFMT_NUMBER for every other id.
 */
KY_EXPORT ky_numfmt_kind ky_numfmt_builtin_kind(unsigned id);

/**
 * @brief Classify a format code such as `yyyy\-mm\-dd`, `[$-411]ggge"年"m"月"d"日";@`
 *        or `[h]:mm:ss`. Only the first section (before ';') counts. Quoted
 *        text, backslash escapes, `_x` and `*x` pairs are ignored, and so are
 *        colours, locale tags and conditions in brackets. `[h]`, `[mm]` and
 *        `[ss]` mark a duration. `m` is minutes right after `h` or right
 *        before `s`, and a month otherwise.
 * @param code The code in UTF-8; need not be NUL-terminated.
 * @param len Its length in bytes.
 */
KY_EXPORT ky_numfmt_kind ky_numfmt_code_kind(const char *code, size_t len);

#endif
