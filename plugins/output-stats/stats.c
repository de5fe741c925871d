/* SPDX-License-Identifier: MIT */
/*
 * The stats output plugin: incident counts per main cause (主な原因) as one
 * tidy UTF-8 CSV table with CRLF record ends, for Pareto charts and ABC
 * analysis.
 *
 *   axis,key,count,share,cumulative_share,abc_class,damage_yen,effort_person_months
 *
 * - axis is "main_cause". Keys are the causes with white space (ASCII and
 *   U+3000) trimmed at both ends. An empty cause gets the key "(未記入)", or
 *   "(blank)" with English labels. Counts add up to the number of incidents.
 * - Rows are sorted by count, largest first; ties by key in byte order, with
 *   the blank key after the others.
 * - share and cumulative_share are decimals from 0 to 1 (not percentages)
 *   with 4 decimal places. cumulative_share is computed from the cumulative
 *   count, so the last row is exactly 1.0000.
 * - abc_class uses the cut-offs 80 % and 95 %, applied to the cumulative
 *   share before the row: A while it is below 0.80, B while it is below
 *   0.95, else C. So the cause that takes the cumulative share to or past
 *   0.80 is still A, the first cause is always A, and a cause never lands in
 *   C only because a large cause before it crossed both cut-offs at once.
 * - Causes with equal counts form a tie group and all get the class of the
 *   group's first row, decided by the cumulative share before the group.
 *   So the byte order of the keys within a group, which changes when the
 *   same causes are written in another language, never changes a class.
 * - damage_yen and effort_person_months are the sums of the known values of
 *   the group, in plain decimal notation; empty when no value is known.
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

/* Cut-offs of the ABC classes, in percent of all incidents. */
#define STATS_CLASS_A_PERCENT 80
#define STATS_CLASS_B_PERCENT 95

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
} stats_settings;

/* The main cause of one incident, trimmed, pointing into the book. */
typedef struct stats_key {
    const char *text;
    size_t len; /**< 0 for a blank cause. */
} stats_key;

/* One row of the table: the incidents that share a main cause. */
typedef struct stats_group {
    stats_key key;
    size_t count;
    double damage;
    double effort;
    bool damage_known;
    bool effort_known;
} stats_group;

/* Return true when the bytes at `s` (of `len`) start with the ideographic space U+3000. */
static bool starts_with_ideographic_space(const char *s, size_t len)
{
    return len >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0;
}

static bool is_ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trim ASCII white space and U+3000 from both ends of a cause. */
static stats_key trim_key(const char *text)
{
    stats_key key = {.text = text ? text : "", .len = text ? strlen(text) : 0};

    for (;;) {
        if (key.len > 0 && is_ascii_space(key.text[0])) {
            key.text++;
            key.len--;
        } else if (starts_with_ideographic_space(key.text, key.len)) {
            key.text += 3;
            key.len -= 3;
        } else {
            break;
        }
    }
    for (;;) {
        if (key.len > 0 && is_ascii_space(key.text[key.len - 1])) {
            key.len--;
        } else if (key.len >= 3 && memcmp(key.text + key.len - 3, "\xE3\x80\x80", 3) == 0) {
            key.len -= 3;
        } else {
            break;
        }
    }
    return key;
}

/* Compare two keys in byte order, the blank key last. */
static int compare_keys(const stats_key *a, const stats_key *b)
{
    if ((a->len == 0) != (b->len == 0))
        return a->len == 0 ? 1 : -1;

    size_t n = a->len < b->len ? a->len : b->len;
    int order = memcmp(a->text, b->text, n);
    if (order != 0)
        return order;
    return (a->len > b->len) - (a->len < b->len);
}

static int compare_key_items(const void *a, const void *b)
{
    return compare_keys(a, b);
}

/* Order groups by count, largest first, then by key. */
static int compare_groups(const void *a, const void *b)
{
    const stats_group *ga = a;
    const stats_group *gb = b;
    if (ga->count != gb->count)
        return ga->count < gb->count ? 1 : -1;
    return compare_keys(&ga->key, &gb->key);
}

/*
 * Group the incidents by trimmed main cause. On success *groups_out receives
 * *count_out groups sorted for output, and the caller frees it.
 */
static int group_incidents(const ky_book *book, stats_group **groups_out, size_t *count_out)
{
    size_t n = book->incident_count;
    *groups_out = NULL;
    *count_out = 0;
    if (n == 0)
        return 0;

    /* Sort a copy of the keys with their sums so that equal causes are adjacent. */
    stats_group *items = calloc(n, sizeof *items);
    if (!items)
        return KY_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const ky_incident *incident = &book->incidents[i];
        items[i].key = trim_key(incident->main_cause);
        items[i].count = 1;
        items[i].damage_known = isfinite(incident->damage_yen);
        items[i].damage = items[i].damage_known ? incident->damage_yen : 0;
        items[i].effort_known = isfinite(incident->effort_pm);
        items[i].effort = items[i].effort_known ? incident->effort_pm : 0;
    }
    qsort(items, n, sizeof *items, compare_key_items);

    /* Merge runs of equal keys in place. */
    size_t groups = 0;
    for (size_t i = 0; i < n; i++) {
        stats_group *last = groups > 0 ? &items[groups - 1] : NULL;
        if (last && compare_keys(&last->key, &items[i].key) == 0) {
            last->count++;
            last->damage += items[i].damage;
            last->effort += items[i].effort;
            last->damage_known = last->damage_known || items[i].damage_known;
            last->effort_known = last->effort_known || items[i].effort_known;
        } else {
            items[groups++] = items[i];
        }
    }

    qsort(items, groups, sizeof *items, compare_groups);
    *groups_out = items;
    *count_out = groups;
    return 0;
}

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

/* Return the ABC class of a group from the incidents counted before it. */
static char abc_class(size_t before, size_t total)
{
    /* Integer arithmetic, so that a share of exactly 0.80 is not rounded either way. */
    uint64_t scaled = (uint64_t)before * 100;
    if (scaled < (uint64_t)STATS_CLASS_A_PERCENT * total)
        return 'A';
    if (scaled < (uint64_t)STATS_CLASS_B_PERCENT * total)
        return 'B';
    return 'C';
}

/* Append one table row. `abc` is the class of the row's tie group. */
static int append_row(ky_buf *out, const stats_group *group, size_t before, size_t total,
                      char abc, const stats_settings *settings)
{
    const char *key = group->key.len ? group->key.text : settings->blank_key;
    size_t key_len = group->key.len ? group->key.len : strlen(settings->blank_key);
    size_t cumulative = before + group->count;

    int rc = ky_buf_puts(out, "main_cause,");
    if (rc == 0 && settings->excel_safe)
        rc = ky_csv_append_text_field(out, key, key_len, ',');
    else if (rc == 0)
        rc = ky_csv_append_field(out, key, key_len, ',');
    if (rc == 0)
        rc = ky_buf_printf(out, ",%zu,%.4f,%.4f,%c,", group->count,
                           (double)group->count / (double)total,
                           (double)cumulative / (double)total, abc);
    if (rc == 0 && group->damage_known)
        rc = append_sum(out, group->damage);
    if (rc == 0)
        rc = ky_buf_putc(out, ',');
    if (rc == 0 && group->effort_known)
        rc = append_sum(out, group->effort);
    if (rc == 0)
        rc = ky_csv_end_record(out, KY_CSV_CRLF);
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
    stats_group *groups;
    size_t count;

    *record_ends_out = NULL;
    *record_count_out = 0;
    int rc = group_incidents(book, &groups, &count);
    if (rc < 0)
        return rc;

    size_t *record_ends = malloc((count + 1) * sizeof *record_ends);
    if (!record_ends) {
        free(groups);
        return KY_ENOMEM;
    }

    rc = ky_buf_puts(out, STATS_HEADER);
    if (rc == 0)
        rc = ky_csv_end_record(out, KY_CSV_CRLF);
    record_ends[0] = out->len;

    /* Groups are sorted by count, so each tie group is a run of rows. */
    size_t total = book->incident_count;
    size_t before = 0;
    char abc = 'A';
    for (size_t i = 0; i < count && rc == 0; i++) {
        if (i == 0 || groups[i].count != groups[i - 1].count)
            abc = abc_class(before, total);
        rc = append_row(out, &groups[i], before, total, abc, settings);
        before += groups[i].count;
        record_ends[i + 1] = out->len;
    }
    free(groups);
    if (rc < 0) {
        free(record_ends);
        return rc;
    }
    *record_ends_out = record_ends;
    *record_count_out = count + 1;
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
    .description = KY_N_("Incident counts per main cause with shares and ABC classes (.csv)"),
    .extensions = stats_extensions,
    .write = stats_write,
};

KY_PLUGIN_DEFINE(stats_plugin)
