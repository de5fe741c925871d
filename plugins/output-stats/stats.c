/* SPDX-License-Identifier: MIT */
/*
 * The stats output plugin: counts per key of every axis as one tidy CSV
 * table with CRLF record ends, for Pareto charts and ABC analysis. The
 * counting is ky_stats_compute() (kyokun/stats.h); this file writes it.
 *
 *   axis,key,count,share,cumulative_share,abc_class,damage_yen,effort_person_months
 *
 * - axis is, in this order: main_cause (incidents), purpose, system_type,
 *   lifecycle_process, service_process, keyword (lessons; a lesson counts once
 *   per purpose and per keyword) and risk_level (risks, keyed by C). An axis
 *   whose records are absent has no rows.
 * - Keys are the values with white space (ASCII and U+3000) trimmed at both
 *   ends. A record with no value gets the key "(未記入)", or "(blank)" with
 *   English labels. Counts of an axis add up to its records (or values).
 * - Rows are sorted by count, largest first; ties by key in byte order, with
 *   the blank key after the others.
 * - share and cumulative_share are decimals from 0 to 1 (not percentages)
 *   with 4 decimal places. cumulative_share is computed from the cumulative
 *   count, so the last row is exactly 1.0000.
 * - abc_class uses the cut-offs 80 % and 95 % (ky_write_options.abc_a and
 *   abc_b change them), applied to the cumulative share before the row: A
 *   while it is below 0.80, B while it is below 0.95, else C. So the cause that takes the cumulative share to or past
 *   0.80 is still A, the first cause is always A, and a cause never lands in
 *   C only because a large cause before it crossed both cut-offs at once.
 * - Causes with equal counts form a tie group and all get the class of the
 *   group's first row, decided by the cumulative share before the group.
 *   So the byte order of the keys within a group, which changes when the
 *   same causes are written in another language, never changes a class.
 * - damage_yen and effort_person_months are the sums of the known values of
 *   the group, in plain decimal notation; empty when no value is known (always
 *   for lesson and risk axes, whose records hold no amounts).
 * - Keys that start like a formula (=, +, -, @, TAB, CR and the full-width
 *   forms of the first four) get a leading "'" so that spreadsheet programs
 *   show them as text. ky_write_options.excel_safe = 0 turns this off.
 *   Numbers are never changed.
 * - ky_write_options.output_encoding selects the bytes: "utf-8" (the
 *   default), "utf-8-bom" (EF BB BF first, so that Excel reads it as UTF-8)
 *   or "cp932" (for Excel on Japanese Windows). A character that CP932
 *   cannot represent fails the write with KY_EUNSUPPORTED.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/ky_csv.h"
#include "kyokun/i18n.h"
#include "kyokun/plugin.h"
#include "kyokun/stats.h"

/* Header of the table. Column names are not translated, so that scripts can rely on them. */
#define STATS_HEADER \
    "axis,key,count,share,cumulative_share,abc_class,damage_yen,effort_person_months"

/* Byte encodings of the output file. */
typedef enum stats_encoding {
    STATS_UTF8 = 0,
    STATS_UTF8_BOM = 1,
    STATS_CP932 = 2
} stats_encoding;

/* Output settings resolved from ky_write_options. */
typedef struct stats_settings {
    stats_encoding encoding;
    bool excel_safe;
    const char *blank_key;
    ky_abc_cutoffs cutoffs;
} stats_settings;

/*
 * Append a sum in plain decimal notation with at most 6 decimal places, so
 * that 0.1 + 0.2 reads "0.3" and large amounts never use an exponent.
 */
static int append_sum(ky_buf *out, double value)
{
    char text[512];
    snprintf(text, sizeof text, "%.6f", value + 0.0);

    size_t len = strlen(text);
    while (len > 0 && text[len - 1] == '0')
        len--;
    if (len > 0 && text[len - 1] == '.')
        len--;
    if (len == 2 && memcmp(text, "-0", 2) == 0)
        return ky_buf_putc(out, '0');
    return ky_buf_append(out, text, len);
}

/* Append one table row. */
static int append_row(ky_buf *out, ky_stats_axis axis, const ky_stats_row *row,
                      const stats_settings *settings)
{
    const char *key = row->key ? row->key : settings->blank_key;

    int rc = ky_buf_printf(out, "%s,", ky_stats_axis_name(axis));
    if (rc == 0 && settings->excel_safe)
        rc = ky_csv_append_text_field(out, key, strlen(key), ',');
    else if (rc == 0)
        rc = ky_csv_append_field(out, key, strlen(key), ',');
    if (rc == 0)
        rc = ky_buf_printf(out, ",%zu,%.4f,%.4f,%c,", row->count, row->share,
                           row->cumulative_share, row->abc_class);
    if (rc == 0 && isfinite(row->damage_yen))
        rc = append_sum(out, row->damage_yen);
    if (rc == 0)
        rc = ky_buf_putc(out, ',');
    if (rc == 0 && isfinite(row->effort_pm))
        rc = append_sum(out, row->effort_pm);
    if (rc == 0)
        rc = ky_csv_end_record(out, KY_CSV_CRLF);
    return rc;
}

/* Append the rows of one axis, recording where each record ends. */
static int append_axis(const ky_book *book, ky_stats_axis axis, const stats_settings *settings,
                       ky_buf *out, size_t **record_ends, size_t *record_count)
{
    ky_stats_table table;
    int rc = ky_stats_compute(book, axis, &settings->cutoffs, &table);
    if (rc < 0)
        return rc;
    size_t *ends = realloc(*record_ends, (*record_count + table.count) * sizeof *ends);
    if (!ends && table.count > 0) {
        ky_stats_table_free(&table);
        return KY_ENOMEM;
    }
    if (ends)
        *record_ends = ends;
    for (size_t i = 0; i < table.count && rc == 0; i++) {
        rc = append_row(out, axis, &table.rows[i], settings);
        (*record_ends)[(*record_count)++] = out->len;
    }
    ky_stats_table_free(&table);
    return rc;
}

/*
 * Build the whole CSV text in UTF-8 in `out`. On success *record_ends_out
 * receives the end offset of each of the *record_count_out records (the
 * header first), so that a conversion error can name its row, and the
 * caller frees it.
 */
static int build_table(const ky_book *book, const stats_settings *settings, ky_buf *out,
                       size_t **record_ends_out, size_t *record_count_out)
{
    size_t *record_ends = malloc(sizeof *record_ends);
    size_t record_count = 0;
    if (!record_ends)
        return KY_ENOMEM;

    int rc = ky_buf_puts(out, STATS_HEADER);
    if (rc == 0)
        rc = ky_csv_end_record(out, KY_CSV_CRLF);
    record_ends[record_count++] = out->len;
    for (int axis = 0; axis < KY_STATS_AXIS_COUNT && rc == 0; axis++)
        rc = append_axis(book, (ky_stats_axis)axis, settings, out, &record_ends, &record_count);
    if (rc < 0) {
        free(record_ends);
        return rc;
    }
    *record_ends_out = record_ends;
    *record_count_out = record_count;
    return 0;
}

/*
 * Resolve the encoding and the formula guard from `options`. Returns 0, or
 * KY_EINVAL after ky_error_set() for an unknown encoding.
 */
static int resolve_settings(ky_ctx *ctx, const ky_write_options *options, const char *target,
                            stats_settings *settings)
{
    /* Version 1 options end before output_encoding and excel_safe. */
    bool has_encoding_fields = options->version >= 2;
    const char *name = has_encoding_fields ? options->output_encoding : NULL;
    int excel_safe = has_encoding_fields ? options->excel_safe : -1;

    settings->blank_key = options->lang == KY_LANG_EN ? "(blank)" : "(未記入)";
    settings->cutoffs = ky_abc_cutoffs_default();
    if (options->version >= 3 && options->abc_a > 0)
        settings->cutoffs.a = options->abc_a;
    if (options->version >= 3 && options->abc_b > 0)
        settings->cutoffs.b = options->abc_b;
    if (!name || strcasecmp(name, "utf-8") == 0) {
        settings->encoding = STATS_UTF8;
    } else if (strcasecmp(name, "utf-8-bom") == 0) {
        settings->encoding = STATS_UTF8_BOM;
    } else if (strcasecmp(name, "cp932") == 0) {
        settings->encoding = STATS_CP932;
    } else {
        ky_loc loc = {.file = target};
        return ky_error_set(ctx, KY_EINVAL, &loc,
                            KY_("invalid output encoding '%s': expected utf-8, utf-8-bom or "
                                "cp932"),
                            name);
    }

    /* The default (-1) is on for every encoding: utf-8-bom and cp932 exist for
     * Excel, and plain utf-8 had the guard before the option was added. */
    settings->excel_safe = excel_safe != 0;
    return 0;
}

/*
 * Convert the UTF-8 table `text` to CP932 in `out`, one record at a time so
 * that an error can name the row. Rows are numbered as Excel numbers them:
 * the header is row 1, and a key with a line break is still one row.
 * Returns 0 or a negative ky_status after ky_error_set().
 */
static int encode_cp932(ky_ctx *ctx, const char *target, const ky_buf *text,
                        const size_t *record_ends, size_t record_count, ky_buf *out)
{
    ky_loc loc = {.file = target};
    ky_cp932_encoder *encoder = NULL;
    int rc = ky_cp932_encoder_new(&encoder, NULL);
    if (rc < 0)
        return ky_error_set(ctx, rc, &loc, KY_("the CP932 converter is not available: %s"),
                            ky_strerror(rc));

    size_t start = 0;
    for (size_t i = 0; i < record_count && rc == 0; i++) {
        uint32_t bad_cp = 0;
        rc = ky_cp932_encode(encoder, text->data + start, record_ends[i] - start, out, &bad_cp);
        if (rc == KY_EUNSUPPORTED) {
            char character[8] = {0};
            ky_utf8_encode(bad_cp, character);
            rc = ky_error_set(ctx, KY_EUNSUPPORTED, &loc,
                              KY_("row %zu contains the character U+%04X \"%s\", which CP932 "
                                  "cannot represent. Use --output-encoding utf-8-bom to keep "
                                  "every character."),
                              i + 1, (unsigned)bad_cp, character);
        } else if (rc < 0) {
            rc = ky_error_set(ctx, rc, &loc, KY_("converting row %zu to CP932 failed: %s"),
                              i + 1, ky_strerror(rc));
        }
        start = record_ends[i];
    }
    ky_cp932_encoder_free(encoder);
    return rc;
}

/* Write `len` bytes to `path`, replacing the file. */
static int write_file(ky_ctx *ctx, const char *path, const char *target, const char *data,
                      size_t len)
{
    ky_loc loc = {.file = target};
    FILE *file = fopen(path, "wb");
    if (!file)
        return ky_error_set(ctx, KY_EIO, &loc,
                            KY_("cannot open the output file: %s. "
                                "Check that its folder exists and is writable."),
                            strerror(errno));

    size_t written = len ? fwrite(data, 1, len, file) : 0;
    int write_errno = errno;
    if (written != len) {
        fclose(file);
        return ky_error_set(ctx, KY_EIO, &loc, KY_("writing the output file failed: %s"),
                            strerror(write_errno));
    }
    if (fclose(file) != 0)
        return ky_error_set(ctx, KY_EIO, &loc, KY_("writing the output file failed: %s"),
                            strerror(errno));
    return 0;
}

static int stats_write(ky_ctx *ctx, const ky_book *book, const ky_write_options *options,
                       const char *path)
{
    const char *target = options->target ? options->target : path;
    stats_settings settings = {0};
    int rc = resolve_settings(ctx, options, target, &settings);
    if (rc < 0)
        return rc;

    ky_buf text = {0};
    ky_buf encoded = {0};
    size_t *record_ends = NULL;
    size_t record_count = 0;
    rc = build_table(book, &settings, &text, &record_ends, &record_count);
    if (rc < 0) {
        ky_loc loc = {.file = target};
        rc = ky_error_set(ctx, rc, &loc, KY_("building the statistics table failed: %s"),
                          ky_strerror(rc));
        goto done;
    }

    const ky_buf *content = &text;
    if (settings.encoding == STATS_UTF8_BOM) {
        rc = ky_buf_append(&encoded, "\xEF\xBB\xBF", 3);
        if (rc == 0)
            rc = ky_buf_append(&encoded, text.data, text.len);
        if (rc < 0) {
            ky_loc loc = {.file = target};
            rc = ky_error_set(ctx, rc, &loc, KY_("building the statistics table failed: %s"),
                              ky_strerror(rc));
            goto done;
        }
        content = &encoded;
    } else if (settings.encoding == STATS_CP932) {
        rc = encode_cp932(ctx, target, &text, record_ends, record_count, &encoded);
        if (rc < 0)
            goto done;
        content = &encoded;
    }
    rc = write_file(ctx, path, target, content->data, content->len);

done:
    free(record_ends);
    ky_buf_free(&encoded);
    ky_buf_free(&text);
    return rc;
}

static const char *const stats_extensions[] = {"csv", NULL};

static const ky_plugin stats_plugin = {
    .abi_version = KY_PLUGIN_ABI_VERSION,
    .kind = KY_PLUGIN_OUTPUT,
    .name = "stats",
    .description = KY_N_("Counts per main cause, classification and risk value with shares and ABC classes (.csv)"),
    .extensions = stats_extensions,
    .write = stats_write,
};

KY_PLUGIN_DEFINE(stats_plugin)
