/* SPDX-License-Identifier: MIT */
/*
 * Units and level scales that header cells name. A damage or effort column
 * whose header gives a unit reads its plain numbers in that unit. The unit
 * is a note in brackets ("工数(h)", "影響額［千円］", "（単位：千円）"), the text
 * after 単位 outside brackets, or, failing those, a unit word in the header
 * itself ("対応時間", "estimated_hours"). A header of impact A or likelihood
 * B that names its levels ("（高：３～低：１）", "(1-5)", "5段階") is compared
 * with the scale in use, because 3 is the top of the guide's scale but the
 * middle of --scale 5.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_text.h"
#include "headers.h"
#include "kyokun/i18n.h"
#include "mapping.h"
#include "values.h"

/* UTF-8 of the brackets that are not ASCII after folding: 【】 and 〔〕. */
static const char *const wide_open[] = {"\xE3\x80\x90", "\xE3\x80\x94"};
static const char *const wide_close[] = {"\xE3\x80\x91", "\xE3\x80\x95"};

/* The word that introduces a unit: 単位 ("unit"). */
static const char unit_word[] = "単位";

/* Return the length of the bracket at `p`, or 0. */
static size_t bracket_at(const char *p, const char *const *wide, char ascii_round,
                         char ascii_square)
{
    if (*p == ascii_round || *p == ascii_square)
        return 1;
    for (size_t i = 0; i < 2; i++) {
        if (strncmp(p, wide[i], strlen(wide[i])) == 0)
            return strlen(wide[i]);
    }
    return 0;
}

static size_t open_at(const char *p)
{
    return bracket_at(p, wide_open, '(', '[');
}

static size_t close_at(const char *p)
{
    return bracket_at(p, wide_close, ')', ']');
}

/* Copy a header cell's text with full-width ASCII folded, or NULL. */
static char *folded_text(const ky_cell *cell)
{
    if (!cell || cell->type != KY_CELL_TEXT || ky_value__is_blank(cell))
        return NULL;
    return ky_value__fold_width(cell->text, cell->len);
}

/* Copy text with ASCII lower-cased, keeping every byte offset. */
static char *lower_copy(const char *text)
{
    char *copy = ky_strdup(text);
    for (char *p = copy; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return copy;
}

/*
 * Find the next note of folded header text from *pos: the text inside a pair
 * of brackets (nested brackets stay part of it), or the text after 単位
 * outside brackets up to the next bracket. Returns false when no note is
 * left. An unclosed bracket's note runs to the end of the text.
 */
static bool next_note(const char *text, size_t *pos, size_t *start, size_t *end)
{
    const char *p = text + *pos;
    while (*p) {
        size_t open = open_at(p);
        if (open > 0) {
            const char *inside = p + open;
            int depth = 1;
            const char *q = inside;
            while (*q && depth > 0) {
                size_t len = open_at(q);
                if (len > 0) {
                    depth++;
                } else if ((len = close_at(q)) > 0) {
                    depth--;
                } else {
                    len = 1;
                }
                if (depth > 0)
                    q += len;
                else
                    *pos = (size_t)(q + len - text);
            }
            if (depth > 0)
                *pos = (size_t)(q - text);
            *start = (size_t)(inside - text);
            *end = (size_t)(q - text);
            return true;
        }
        if (strncmp(p, unit_word, strlen(unit_word)) == 0) {
            const char *q = p;
            while (*q && open_at(q) == 0)
                q++;
            *start = (size_t)(p - text);
            *end = (size_t)(q - text);
            *pos = *end;
            return true;
        }
        p++;
    }
    *pos = (size_t)(p - text);
    return false;
}

/* Skip white space and colons (folded from "：" too) at the start of `word`. */
static char *skip_separators(char *word)
{
    while (*word == ' ' || *word == '\t' || *word == ':' || *word == '\n' || *word == '\r')
        word++;
    return word;
}

/* Cut white space at the end of `word`. */
static void trim_end(char *word)
{
    size_t len = strlen(word);
    while (len > 0 && (word[len - 1] == ' ' || word[len - 1] == '\t' || word[len - 1] == '\n' ||
                       word[len - 1] == '\r'))
        word[--len] = '\0';
}

/* Look up one word, without 単位 before or after it ("単位:千円", "千円単位"), as a unit of `field`. */
static bool word_unit(const ky_map_options *options, const char *field, char *word, ky_unit *out)
{
    if (strncmp(word, unit_word, strlen(unit_word)) == 0)
        word = skip_separators(word + strlen(unit_word));
    trim_end(word);
    size_t len = strlen(word);
    if (len > strlen(unit_word) && strcmp(word + len - strlen(unit_word), unit_word) == 0)
        word[len - strlen(unit_word)] = '\0';
    trim_end(word);
    if (!word[0])
        return false;
    if (strcmp(field, "damage") == 0)
        return ky_value__amount_unit(word, out);
    double hours = options->hours_per_day > 0 ? options->hours_per_day : KY_HOURS_PER_DAY;
    double days = options->days_per_month > 0 ? options->days_per_month : KY_DAYS_PER_MONTH;
    return ky_value__effort_unit(word, KY_UNIT_IN_HEADER, hours, days, out);
}

/* Return the length of the separator at `p` between the words of a note (, 、 / ; ・ or white space), or 0. */
static size_t separator_at(const char *p)
{
    if (*p == ',' || *p == '/' || *p == ';' || *p == ' ' || *p == '\t' || *p == '\n')
        return 1;
    static const char *const wide[] = {"\xE3\x80\x81", "\xE3\x83\xBB"}; /* 、 and ・ */
    for (size_t i = 0; i < 2; i++) {
        if (strncmp(p, wide[i], 3) == 0)
            return 3;
    }
    return 0;
}

/*
 * Read the unit a note names: the whole note ("thousand yen", "単位：千円"),
 * else its first word that is a unit ("税込、千円"). The note is changed.
 */
static bool note_unit(const ky_map_options *options, const char *field, char *note, ky_unit *out)
{
    char *whole = ky_strdup(note);
    bool found = whole && word_unit(options, field, whole, out);
    free(whole);
    if (found)
        return true;
    char *word = note;
    for (char *p = note;; p++) {
        size_t separator = *p ? separator_at(p) : 1;
        if (separator == 0)
            continue;
        bool last = *p == '\0';
        *p = '\0';
        if (word_unit(options, field, word, out))
            return true;
        if (last)
            return false;
        p += separator - 1;
        word = p + 1;
    }
}

/*
 * The result of reading one column's header for a unit: the unit, and the
 * first note that named no unit (NULL when every note named one). The
 * caller frees `unknown`.
 */
typedef struct column_unit {
    ky_unit unit;
    bool found;
    char *unknown;
} column_unit;

/*
 * Read the notes of one header cell into `result`. Units are looked up in
 * lower case, and an unknown note is kept in its case as written. Returns 0
 * or KY_ENOMEM.
 */
static int read_notes(const ky_map_options *options, const char *field, const ky_cell *cell,
                      column_unit *result)
{
    if (!cell || cell->type != KY_CELL_TEXT || ky_value__is_blank(cell))
        return 0;
    char *written = folded_text(cell);
    char *text = written ? lower_copy(written) : NULL;
    size_t pos = 0;
    size_t start;
    size_t end;
    int status = text ? 0 : KY_ENOMEM;
    while (status == 0 && !result->found && next_note(text, &pos, &start, &end)) {
        char *note = ky_strndup(text + start, end - start);
        if (!note) {
            status = KY_ENOMEM;
            break;
        }
        char *trimmed = skip_separators(note);
        trim_end(trimmed);
        size_t offset = (size_t)(trimmed - note);
        size_t length = strlen(trimmed);
        if (length > 0 && strcmp(trimmed, unit_word) != 0) {
            if (note_unit(options, field, trimmed, &result->unit)) {
                result->found = true;
            } else if (!result->unknown) {
                result->unknown = ky_strndup(written + start + offset, length);
                status = result->unknown ? 0 : KY_ENOMEM;
            }
        }
        free(note);
    }
    free(text);
    free(written);
    return status;
}

/*
 * Find a unit word in the header's name itself, as headers without notes
 * write it: 百万円, 億円, 万円, 千円 for damage; 人日 or days, and 時間, 人時
 * or hours for effort ("対応工数人日", "estimated_hours").
 */
static bool name_unit(const ky_map_options *options, const char *field, const ky_cell *cell,
                      ky_unit *out)
{
    char *full = ky_mapping__cell_key(cell, true);
    if (!full)
        return false;
    static const char *const amounts[] = {"百万円", "億円", "万円", "千円"};
    static const char *const efforts[] = {"人日", "days", "時間", "人時", "hours"};
    bool damage = strcmp(field, "damage") == 0;
    const char *const *words = damage ? amounts : efforts;
    size_t count = damage ? sizeof amounts / sizeof amounts[0] : sizeof efforts / sizeof efforts[0];
    bool found = false;
    for (size_t i = 0; i < count && !found; i++) {
        if (strstr(full, words[i])) {
            char *word = ky_strdup(words[i]);
            found = word && word_unit(options, field, word, out);
            free(word);
        }
    }
    free(full);
    return found;
}

/* Warn that a note in a column's header names no unit, so the column's default unit applies. */
static void warn_unknown_unit(const ky_map_sheet *map, uint32_t row, uint32_t col,
                              const char *note)
{
    char letters[8];
    ky_col_name(col, letters);
    ky_loc loc = ky_mapping__loc(map, row, col);
    const char *header = map->labels[col] ? map->labels[col] : "";
    if (strcmp(map->fields[col], "damage") == 0)
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.unknown-unit", &loc,
                     KY_("column %s \"%s\": the note \"%s\" names no unit that kyokun reads, "
                         "so numbers without a unit in this column are read as yen. To read "
                         "them in another unit, write one of these in the header: 円, 千円, k, "
                         "万円, 百万円, M or 億円"),
                     letters, header, note);
    else
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.unknown-unit", &loc,
                     KY_("column %s \"%s\": the note \"%s\" names no unit that kyokun reads, "
                         "so numbers without a unit in this column are read as person-months. "
                         "To read them in another unit, write one of these in the header: h, "
                         "時間, 人時, 日, 人日, md, 人月 or mm"),
                     letters, header, note);
}

/* Set the unit of one damage or effort column. Returns 0 or KY_ENOMEM. */
static int read_column_unit(ky_map_sheet *map, uint32_t upper, uint32_t lower, uint32_t col)
{
    const char *field = map->fields[col];
    const ky_cell *cells[2] = {ky_grid__cell(map->grid, lower, col),
                               upper < lower ? ky_mapping__header_cell(map->grid, upper, col)
                                             : NULL};
    column_unit result = {.unit = {1, NULL}};
    int status = 0;
    for (size_t i = 0; i < 2 && status == 0 && !result.found; i++)
        status = read_notes(map->options, field, cells[i], &result);
    for (size_t i = 0; i < 2 && status == 0 && !result.found; i++)
        result.found = name_unit(map->options, field, cells[i], &result.unit);

    if (status == 0 && !result.found && result.unknown)
        warn_unknown_unit(map, lower, col, result.unknown);
    if (!result.found)
        result.unit = strcmp(field, "damage") == 0 ? (ky_unit){1, KY_N_("yen")}
                                                   : (ky_unit){1, KY_N_("person-months")};
    map->scales[col] = result.unit.factor;
    map->units[col] = result.unit.label;
    free(result.unknown);
    return status;
}

/* ------------------------------------------------------------------------ */
/* Level scales                                                             */
/* ------------------------------------------------------------------------ */

/* Highest level that a header may name; more is read as something other than a scale. */
#define NAMED_LEVELS_MAX 10

/*
 * Return the number of levels a header names, or 0: N in "N段階" ("N
 * levels"), else the highest of two or more numbers of which the lowest is
 * 1 ("（高：３～低：１）", "(1-5)", "1:低 2:中 3:高").
 */
static int named_levels(const ky_cell *cell)
{
    char *text = folded_text(cell);
    if (!text)
        return 0;
    static const char steps[] = "段階";
    int count = 0;
    int lowest = 0;
    int highest = 0;
    int levels = 0;
    for (const char *p = text; *p && levels == 0;) {
        if (!isdigit((unsigned char)*p)) {
            p++;
            continue;
        }
        int value = 0;
        while (isdigit((unsigned char)*p) && value <= NAMED_LEVELS_MAX)
            value = value * 10 + (*p++ - '0');
        while (isdigit((unsigned char)*p))
            p++;
        if (strncmp(p, steps, strlen(steps)) == 0)
            levels = value;
        lowest = count == 0 || value < lowest ? value : lowest;
        highest = value > highest ? value : highest;
        count++;
    }
    free(text);
    if (levels == 0 && count >= 2 && lowest == 1)
        levels = highest;
    return levels >= 2 && levels <= NAMED_LEVELS_MAX ? levels : 0;
}

/* Warn that the levels a header of A or B names differ from the scale in use. */
static void warn_scale(const ky_map_sheet *map, uint32_t row, uint32_t col, int levels)
{
    char letters[8];
    ky_col_name(col, letters);
    ky_loc loc = ky_mapping__loc(map, row, col);
    const char *header = map->labels[col] ? map->labels[col] : "";
    if (levels == 3 && map->scale == 5)
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.scale-mismatch", &loc,
                     KY_("column %s \"%s\" names a 3-level scale, but --scale 5 reads levels "
                         "1 to 5, so 3 is read as the middle level and not the highest. Drop "
                         "--scale 5 to read this table on the 3-level scale"),
                     letters, header);
    else if (levels == 5 && map->scale == 3)
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.scale-mismatch", &loc,
                     KY_("column %s \"%s\" names a 5-level scale, but the 3-level scale is in "
                         "use, so levels 4 and 5 are invalid. Give --scale 5 to read levels 1 "
                         "to 5"),
                     letters, header);
    else
        ky_diag_emit(map->ctx, KY_SEV_WARNING, "mapping.scale-mismatch", &loc,
                     KY_("column %s \"%s\" names a %d-level scale, but the %d-level scale is "
                         "in use. kyokun reads levels 1 to 3, or 1 to 5 with --scale 5. "
                         "Convert the levels to one of these scales"),
                     letters, header, levels, map->scale);
}

/* Warn, once for the table, when a header of A or B names another scale than the one in use. */
static void check_scale(const ky_map_sheet *map, uint32_t upper, uint32_t lower)
{
    for (uint32_t c = 0; c < map->col_count; c++) {
        const char *field = map->fields[c];
        if (!field || (strcmp(field, "a") != 0 && strcmp(field, "b") != 0))
            continue;
        int levels = named_levels(ky_grid__cell(map->grid, lower, c));
        if (levels == 0 && upper < lower)
            levels = named_levels(ky_mapping__header_cell(map->grid, upper, c));
        if (levels != 0 && levels != map->scale) {
            warn_scale(map, lower, c, levels);
            return;
        }
    }
}

int ky_mapping__read_units(ky_map_sheet *map, uint32_t upper, uint32_t lower)
{
    int status = 0;
    for (uint32_t c = 0; c < map->col_count && status == 0; c++) {
        const char *field = map->fields[c];
        if (field && (strcmp(field, "damage") == 0 || strcmp(field, "effort") == 0))
            status = read_column_unit(map, upper, lower, c);
    }
    if (status == 0 && map->report->kind == KY_TABLE_RISKS)
        check_scale(map, upper, lower);
    return status;
}
