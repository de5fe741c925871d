/* SPDX-License-Identifier: MIT */
/*
 * Sheet names of the risk register workbook: every name the plugin gives a
 * sheet goes through reg_sheet_names_add(), which makes it legal for Excel
 * and unique in the workbook. This part has no libxlsxwriter dependency, so
 * the unit tests compile it directly.
 */
#ifndef KY_OUTPUT_REGISTER_NAMES_H
#define KY_OUTPUT_REGISTER_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/** Excel's maximum length of a sheet name, in UTF-16 code units. */
#define REG_SHEET_NAME_MAX_UNITS 31

/** Bytes that hold a sheet name of at most 31 UTF-16 code units in UTF-8, with its NUL. */
#define REG_SHEET_NAME_SIZE 128

/** Maximum number of sheets one register workbook has. */
#define REG_MAX_SHEETS 8

/** The sheet names given so far in one workbook, in order. The struct owns the names. */
typedef struct reg_sheet_names {
    char names[REG_MAX_SHEETS][REG_SHEET_NAME_SIZE];
    size_t count;
} reg_sheet_names;

/**
 * Make `requested` a legal sheet name that differs from every name in `names`,
 * add it to `names` and return it. Invalid UTF-8 becomes U+FFFD, control
 * characters are removed, each of [ ] : * ? / \ becomes "_", apostrophes at
 * either end are removed, the name is cut to 31 UTF-16 code units at a
 * character boundary, and an empty name becomes "Sheet". Excel reserves
 * "History", so that name gets "_" appended. A name equal to an earlier one,
 * ignoring ASCII letter case as Excel does, gets " (2)", " (3)" and so on.
 * @return The name, owned by `names`, or NULL when `names` is full.
 */
const char *reg_sheet_names_add(reg_sheet_names *names, const char *requested);

/**
 * Write `name` as a sheet reference for a formula into `out`: in apostrophes,
 * with each apostrophe inside doubled ("O'Neil" becomes 'O''Neil').
 * @return false when `out` is too small.
 */
bool reg_quote_sheet_name(const char *name, char *out, size_t size);

#endif
