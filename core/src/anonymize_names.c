/* SPDX-License-Identifier: MIT */
/*
 * The names list of anonymisation: adding names, reading them from a CSV
 * file, and finding them in a text, longest first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "anonymize.h"
#include "formats/ky_csv.h"
#include "kyokun/i18n.h"
#include "values.h"

/* Largest names list read, so that a wrong file (a whole workbook) fails fast. */
#define NAMES_FILE_MAX ((size_t)64 << 20)

static uint32_t lower(uint32_t cp)
{
    return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
}

void ky_anonymize__names_free(ky_anonymizer *anonymizer)
{
    for (size_t i = 0; i < anonymizer->name_count; i++) {
        ky_listed_name *name = &anonymizer->names[i];
        free(name->name);
        free(name->key);
        free(name->folded);
        free(name->placeholder);
    }
    free(anonymizer->names);
    free(anonymizer->by_first);
    anonymizer->names = NULL;
    anonymizer->by_first = NULL;
    anonymizer->name_count = anonymizer->name_capacity = 0;
}

/* Order of the index: by first code point, then longest first, then by code points. */
static int compare_folded(const uint32_t *a, size_t a_len, const uint32_t *b, size_t b_len)
{
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    if (a_len != b_len)
        return a_len > b_len ? -1 : 1;
    for (size_t i = 1; i < a_len; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* Return the position of `folded` in the index: where it is, or where it would go. */
static size_t index_position(const ky_anonymizer *anonymizer, const uint32_t *folded, size_t len,
                             bool *found)
{
    size_t low = 0;
    size_t high = anonymizer->name_count;
    *found = false;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        const ky_listed_name *name = &anonymizer->names[anonymizer->by_first[mid]];
        int order = compare_folded(name->folded, name->folded_len, folded, len);
        if (order == 0) {
            *found = true;
            return mid;
        }
        if (order < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

/* Fold a name for matching: width folded, ASCII lower case, no surrounding spaces. */
static int fold_name(const char *name, uint32_t **folded, size_t *len, char **key)
{
    ky_folded_text text;
    if (ky_anonymize__fold(name, strlen(name), &text) != 0)
        return KY_ENOMEM;
    size_t start = 0;
    size_t end = text.count;
    while (start < end && (text.cps[start] == ' ' || text.cps[start] == '\t'))
        start++;
    while (end > start && (text.cps[end - 1] == ' ' || text.cps[end - 1] == '\t'))
        end--;

    ky_buf utf8 = {0};
    int status = 0;
    *len = end - start;
    *folded = malloc((*len + 1) * sizeof **folded);
    if (!*folded)
        status = KY_ENOMEM;
    for (size_t i = start; status == 0 && i < end; i++) {
        uint32_t cp = lower(text.cps[i]);
        (*folded)[i - start] = cp;
        char bytes[4];
        status = ky_buf_append(&utf8, bytes, ky_utf8_encode(cp, bytes));
    }
    ky_anonymize__folded_free(&text);
    if (status != 0 || *len == 0) {
        free(*folded);
        *folded = NULL;
        ky_buf_free(&utf8);
        return status;
    }
    *key = ky_buf_take(&utf8);
    return *key ? 0 : KY_ENOMEM;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int add_to_index(ky_anonymizer *anonymizer, ky_listed_name *entry, size_t position)
{
    if (anonymizer->name_count == anonymizer->name_capacity) {
        size_t capacity = anonymizer->name_capacity ? anonymizer->name_capacity * 2 : 16;
        ky_listed_name *names = realloc(anonymizer->names, capacity * sizeof *names);
        if (!names)
            return KY_ENOMEM;
        anonymizer->names = names;
        size_t *by_first = realloc(anonymizer->by_first, capacity * sizeof *by_first);
        if (!by_first)
            return KY_ENOMEM;
        anonymizer->by_first = by_first;
        anonymizer->name_capacity = capacity;
    }
    size_t index = anonymizer->name_count++;
    anonymizer->names[index] = *entry;
    memmove(&anonymizer->by_first[position + 1], &anonymizer->by_first[position],
            (index - position) * sizeof *anonymizer->by_first);
    anonymizer->by_first[position] = index;
    return 0;
}

int ky_anonymizer_add_name(ky_ctx *ctx, ky_anonymizer *anonymizer, const char *name,
                           ky_name_kind kind, const char *placeholder)
{
    if (kind > KY_NAME_OTHER)
        return ky_error_set(ctx, KY_EINVAL, NULL,
                            KY_("a listed name must be a company, product, person or other, "
                                "not %s"),
                            ky_name_kind_name(kind));
    if (placeholder && !placeholder[0])
        placeholder = NULL;

    ky_listed_name entry = {.kind = kind};
    if (fold_name(name ? name : "", &entry.folded, &entry.folded_len, &entry.key) != 0)
        return ky_error_set(ctx, KY_ENOMEM, NULL, "%s", KY_("out of memory"));
    if (entry.folded_len == 0)
        return ky_error_set(ctx, KY_EINVAL, NULL, "%s", KY_("the name is empty"));

    bool found;
    size_t position = index_position(anonymizer, entry.folded, entry.folded_len, &found);
    if (found) {
        const ky_listed_name *other = &anonymizer->names[anonymizer->by_first[position]];
        bool same = other->kind == kind && same_text(other->placeholder, placeholder);
        free(entry.folded);
        free(entry.key);
        if (same)
            return 0;
        return ky_error_set(ctx, KY_EINVAL, NULL,
                            KY_("'%s' is listed twice, with different kinds or placeholders; "
                                "keep one of the rows"),
                            name);
    }

    entry.name = ky_strdup(name);
    entry.placeholder = ky_strdup(placeholder);
    entry.absorbs_sha = kind == KY_NAME_COMPANY
                     && ky_anonymize__absorbs_company_suffix(anonymizer, placeholder);
    if (!entry.name || (placeholder && !entry.placeholder)
        || add_to_index(anonymizer, &entry, position) != 0) {
        free(entry.name);
        free(entry.placeholder);
        free(entry.folded);
        free(entry.key);
        return ky_error_set(ctx, KY_ENOMEM, NULL, "%s", KY_("out of memory"));
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Matching                                                                  */
/* ------------------------------------------------------------------------ */

/* Return true when the listed name matches the text at `i`, with its boundaries. */
static bool matches_at(const ky_folded_text *text, size_t i, const ky_listed_name *name)
{
    if (name->folded_len > text->count - i)
        return false;
    for (size_t k = 0; k < name->folded_len; k++)
        if (lower(text->cps[i + k]) != name->folded[k])
            return false;
    /* A name that starts or ends with a letter or digit must not continue a word. */
    if (ky_anonymize__is_ascii_alnum(name->folded[0]) && i > 0
        && ky_anonymize__is_ascii_alnum(text->cps[i - 1]))
        return false;
    size_t end = i + name->folded_len;
    if (ky_anonymize__is_ascii_alnum(name->folded[name->folded_len - 1]) && end < text->count
        && ky_anonymize__is_ascii_alnum(text->cps[end]))
        return false;
    return true;
}

/* Return the longest listed name at `i`, or NULL. */
static const ky_listed_name *name_at(const ky_anonymizer *anonymizer, const ky_folded_text *text,
                                     size_t i)
{
    uint32_t first = lower(text->cps[i]);
    size_t low = 0;
    size_t high = anonymizer->name_count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (anonymizer->names[anonymizer->by_first[mid]].folded[0] < first)
            low = mid + 1;
        else
            high = mid;
    }
    for (size_t p = low; p < anonymizer->name_count; p++) {
        const ky_listed_name *name = &anonymizer->names[anonymizer->by_first[p]];
        if (name->folded[0] != first)
            break;
        if (matches_at(text, i, name))
            return name;
    }
    return NULL;
}

int ky_anonymize__match_names(const ky_anonymizer *anonymizer, const ky_folded_text *text,
                              ky_match_list *out)
{
    static const uint32_t sha = 0x793E; /* 社 */
    for (size_t i = 0; anonymizer->name_count > 0 && i < text->count; i++) {
        const ky_listed_name *name = name_at(anonymizer, text, i);
        if (!name)
            continue;
        ky_name_match match = {
            .kind = name->kind,
            .start = i,
            .name_start = i,
            .name_end = i + name->folded_len,
            .end = i + name->folded_len,
            .listed = true,
        };
        if (name->absorbs_sha && match.end < text->count && text->cps[match.end] == sha)
            match.end++;
        else if (name->kind == KY_NAME_PERSON)
            match.end += ky_anonymize__honorific_at(text, match.end);
        if (ky_anonymize__push(out, &match) != 0)
            return KY_ENOMEM;
        i = match.end - 1;
    }
    return 0;
}

const ky_listed_name *ky_anonymize__listed_at(const ky_anonymizer *anonymizer,
                                              const ky_folded_text *text, const ky_name_match *m)
{
    size_t len = m->name_end - m->name_start;
    uint32_t *folded = malloc((len + 1) * sizeof *folded);
    if (!folded)
        return NULL;
    for (size_t k = 0; k < len; k++)
        folded[k] = lower(text->cps[m->name_start + k]);
    bool found = false;
    size_t position = len ? index_position(anonymizer, folded, len, &found) : 0;
    free(folded);
    return found ? &anonymizer->names[anonymizer->by_first[position]] : NULL;
}

/* ------------------------------------------------------------------------ */
/* Reading the list                                                          */
/* ------------------------------------------------------------------------ */

static const struct {
    const char *word;
    ky_name_kind kind;
} kind_words[] = {
    {"company", KY_NAME_COMPANY}, {"会社", KY_NAME_COMPANY}, {"企業", KY_NAME_COMPANY},
    {"product", KY_NAME_PRODUCT}, {"製品", KY_NAME_PRODUCT},
    {"person", KY_NAME_PERSON},   {"人物", KY_NAME_PERSON},  {"担当者", KY_NAME_PERSON},
    {"個人", KY_NAME_PERSON},     {"other", KY_NAME_OTHER},  {"その他", KY_NAME_OTHER},
};

/* Header words of the first column. */
static const char *const name_headers[] = {"name", "名称", "名前"};

/* The state of reading one names file. */
typedef struct names_reader {
    ky_ctx *ctx;
    ky_anonymizer *anonymizer;
    const char *path;
} names_reader;

/* Return a field trimmed, as written (caller frees), or NULL when out of memory. */
static char *field_as_written(const ky_csv_record *record, size_t column)
{
    if (column >= record->count)
        return ky_strdup("");
    return ky_value__trim(record->fields[column].text, record->fields[column].len);
}

/* Return a field folded to ASCII width and trimmed (caller frees), or NULL when out of memory. */
static char *field_text(const ky_csv_record *record, size_t column)
{
    if (column >= record->count)
        return ky_strdup("");
    char *folded = ky_value__fold_width(record->fields[column].text, record->fields[column].len);
    if (!folded)
        return NULL;
    char *trimmed = ky_value__trim(folded, strlen(folded));
    free(folded);
    return trimmed;
}

static bool parse_kind(const char *text, ky_name_kind *out)
{
    for (size_t i = 0; i < sizeof kind_words / sizeof kind_words[0]; i++) {
        if (strcasecmp(text, kind_words[i].word) == 0) {
            *out = kind_words[i].kind;
            return true;
        }
    }
    return false;
}

static bool is_header(const char *first)
{
    for (size_t i = 0; i < sizeof name_headers / sizeof name_headers[0]; i++)
        if (strcasecmp(first, name_headers[i]) == 0)
            return true;
    return false;
}

/* Add one row of the names file; the error names the file, row and column. */
static int read_name_row(names_reader *reader, const ky_csv_record *record, char *name,
                         char *kind_text)
{
    ky_loc loc = {.file = reader->path, .row = (uint32_t)(record->index + 1), .col = 1};
    if (!name[0])
        return ky_error_set(reader->ctx, KY_EPARSE, &loc, "%s",
                            KY_("the name is empty: write the name in column A, or delete "
                                "the row"));
    ky_name_kind kind;
    loc.col = 2;
    if (!parse_kind(kind_text, &kind))
        return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                            KY_("invalid kind \"%s\": expected company, product, person or "
                                "other (会社, 製品, 人物, その他)"),
                            kind_text);
    char *placeholder = field_text(record, 2);
    if (!placeholder)
        return ky_error_set(reader->ctx, KY_ENOMEM, NULL, "%s", KY_("out of memory"));
    int status = ky_anonymizer_add_name(reader->ctx, reader->anonymizer, name, kind,
                                        placeholder);
    free(placeholder);
    if (status == KY_EINVAL) {
        /* Set the error again with the row. The message is copied first,
         * because setting the error replaces the string it points to. */
        const ky_error *error = ky_error_last(reader->ctx);
        char *message = ky_strdup(error && error->message ? error->message : "");
        loc.col = 1;
        status = message ? ky_error_set(reader->ctx, KY_EPARSE, &loc, "%s", message)
                         : ky_error_set(reader->ctx, KY_ENOMEM, NULL, "%s", KY_("out of memory"));
        free(message);
    }
    return status;
}

static int on_name_record(void *payload, const ky_csv_record *record)
{
    names_reader *reader = payload;
    char *name = field_as_written(record, 0);
    char *kind = field_text(record, 1);
    int status = 0;
    if (!name || !kind)
        status = ky_error_set(reader->ctx, KY_ENOMEM, NULL, "%s", KY_("out of memory"));
    bool blank = status == 0 && !name[0] && !kind[0] && (record->count < 3 || !record->fields[2].len);
    bool header = status == 0 && record->index == 0 && is_header(name);
    if (status == 0 && !blank && !header)
        status = read_name_row(reader, record, name, kind);
    free(name);
    free(kind);
    return status;
}

/* Read a whole file into `out`. Returns 0 or a negative status with the error set. */
static int read_file(ky_ctx *ctx, const char *path, ky_buf *out)
{
    ky_loc loc = {.file = path};
    FILE *file = fopen(path, "rb");
    if (!file)
        return ky_error_set(ctx, errno == ENOENT ? KY_ENOTFOUND : KY_EIO, &loc,
                            KY_("cannot read the names list: %s"), strerror(errno));
    char chunk[65536];
    size_t n;
    int status = 0;
    while (status == 0 && (n = fread(chunk, 1, sizeof chunk, file)) > 0) {
        if (out->len + n > NAMES_FILE_MAX)
            status = ky_error_set(ctx, KY_ELIMIT, &loc,
                                  KY_("the names list is larger than %zu MiB; is it the "
                                      "right file?"),
                                  NAMES_FILE_MAX >> 20);
        else if (ky_buf_append(out, chunk, n) != 0)
            status = ky_error_set(ctx, KY_ENOMEM, &loc, "%s", KY_("out of memory"));
    }
    if (status == 0 && ferror(file))
        status = ky_error_set(ctx, KY_EIO, &loc, KY_("cannot read the names list: %s"),
                              strerror(errno));
    fclose(file);
    return status;
}

int ky_anonymizer_load_names(ky_ctx *ctx, ky_anonymizer *anonymizer, const char *path)
{
    ky_buf data = {0};
    int status = read_file(ctx, path, &data);
    if (status == 0) {
        names_reader reader = {.ctx = ctx, .anonymizer = anonymizer, .path = path};
        ky_csv_read_options options = {.path = path};
        status = ky_csv_read(ctx, (const unsigned char *)data.data, data.len, &options, NULL,
                             on_name_record, &reader);
    }
    ky_buf_free(&data);
    return status;
}
