/* SPDX-License-Identifier: MIT */
/*
 * Parts of `kyokun inspect` output that describe tables and their records:
 * the table line of a sheet with several tables, the CSV form of the row
 * accounting (--format csv), and the events, why-why trees and unknown main
 * causes under -v.
 */
#ifndef KYOKUN_CLI_INSPECT_TABLES_H
#define KYOKUN_CLI_INSPECT_TABLES_H

#include <stdbool.h>
#include <stdio.h>

#include "kyokun/book.h"
#include "kyokun/vocab.h"

/** @brief Return the number of tables of the sheet that `report` belongs to (reports of a sheet are adjacent). */
size_t cli_inspect_tables_on_sheet(const ky_book *book, size_t report);

/** @brief Print the CSV header line of `inspect --format csv`. */
void cli_inspect_print_csv_header(FILE *out);

/**
 * @brief Print one CSV record per table of the book: file, sheet, table,
 *        rows, kind, confidence, header rows and every row count.
 */
void cli_inspect_print_csv(FILE *out, const ky_book *book);

/**
 * @brief Print the records of a status table (its events with the time read)
 *        or of a why-why analysis (its tree), indented. Other kinds print nothing.
 */
void cli_inspect_print_records(FILE *out, const ky_book *book, const ky_sheet_report *report);

/**
 * @brief Print the distinct main causes of a classified book that cause.csv
 *        does not name, most frequent first, each with its number of
 *        incidents. Prints nothing when there are none.
 * @return false when out of memory.
 */
bool cli_inspect_print_unknown_causes(FILE *out, const ky_book *book, const ky_dict *dict);

/**
 * @brief Count the main causes of a classified book that cause.csv does not
 *        name, among the incidents read from `file` (all when NULL): the
 *        distinct causes and the incidents that give them.
 * @return false when out of memory.
 */
bool cli_count_unknown_causes(const ky_book *book, const ky_dict *dict, const char *file,
                              size_t *distinct, size_t *incidents);

#endif
