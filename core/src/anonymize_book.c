/* SPDX-License-Identifier: MIT */
/*
 * Replacing names in a whole book: the placeholders the book already
 * contains are set aside first, then every string is scanned and each
 * distinct name gets its placeholder at its first appearance.
 */
#include <stdlib.h>
#include <string.h>

#include "anonymize.h"
#include "book_fields.h"
#include "kyokun/i18n.h"

/* ------------------------------------------------------------------------ */
/* A string-keyed hash table                                                 */
/* ------------------------------------------------------------------------ */

/* A table that owns its keys and maps each to an index, with open addressing and linear probing. */
typedef struct key_table {
    char **keys;
    size_t *values;
    size_t capacity; /* a power of two, or 0 */
    size_t count;
} key_table;

static size_t hash_key(const char *key)
{
    size_t hash = 14695981039346656037u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        hash = (hash ^ *p) * 1099511628211u;
    return hash;
}

static void table_free(key_table *table)
{
    for (size_t i = 0; i < table->capacity; i++)
        free(table->keys[i]);
    free(table->keys);
    free(table->values);
    memset(table, 0, sizeof *table);
}

/* Return the slot of `key`: where it is, or the empty slot where it would go. */
static size_t table_slot(const key_table *table, const char *key)
{
    size_t mask = table->capacity - 1;
    size_t slot = hash_key(key) & mask;
    while (table->keys[slot] && strcmp(table->keys[slot], key) != 0)
        slot = (slot + 1) & mask;
    return slot;
}

static bool table_get(const key_table *table, const char *key, size_t *value)
{
    if (table->capacity == 0)
        return false;
    size_t slot = table_slot(table, key);
    if (!table->keys[slot])
        return false;
    if (value)
        *value = table->values[slot];
    return true;
}

static int table_grow(key_table *table)
{
    key_table grown = {.capacity = table->capacity ? table->capacity * 2 : 64};
    grown.keys = calloc(grown.capacity, sizeof *grown.keys);
    grown.values = calloc(grown.capacity, sizeof *grown.values);
    if (!grown.keys || !grown.values) {
        free(grown.keys);
        free(grown.values);
        return KY_ENOMEM;
    }
    for (size_t i = 0; i < table->capacity; i++) {
        if (!table->keys[i])
            continue;
        size_t slot = table_slot(&grown, table->keys[i]);
        grown.keys[slot] = table->keys[i];
        grown.values[slot] = table->values[i];
        grown.count++;
    }
    free(table->keys);
    free(table->values);
    *table = grown;
    return 0;
}

/* Add a copy of `key`, or change its value when it is there. */
static int table_put(key_table *table, const char *key, size_t value)
{
    if ((table->count + 1) * 4 > table->capacity * 3 && table_grow(table) != 0)
        return KY_ENOMEM;
    size_t slot = table_slot(table, key);
    if (!table->keys[slot]) {
        table->keys[slot] = ky_strdup(key);
        if (!table->keys[slot])
            return KY_ENOMEM;
        table->count++;
    }
    table->values[slot] = value;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The state of one book                                                     */
/* ------------------------------------------------------------------------ */

/* An origin string replaced in a sheet report, kept until the origins point to the new one. */
typedef struct replaced_string {
    char *old_text;
    const char *new_text;
} replaced_string;

typedef struct book_run {
    ky_anonymizer *anonymizer;
    key_table taken;    /* placeholders not to give out: in the book or in the list */
    key_table assigned; /* "KIND:KEY" -> index into rows */
    ky_map_row *rows;
    size_t row_count;
    size_t row_capacity;
    size_t next_number[KY_NAME_KIND_COUNT];
    ky_buf key;         /* scratch */
    ky_buf placeholder; /* scratch */
    replaced_string *replaced; /* while the sheet reports are changed, else NULL */
    size_t replaced_count;
} book_run;

static void run_free(book_run *run)
{
    table_free(&run->taken);
    table_free(&run->assigned);
    for (size_t i = 0; i < run->row_count; i++) {
        free(run->rows[i].book);
        free(run->rows[i].name);
        free(run->rows[i].placeholder);
    }
    free(run->rows);
    ky_buf_free(&run->key);
    ky_buf_free(&run->placeholder);
    for (size_t i = 0; i < run->replaced_count; i++)
        free(run->replaced[i].old_text);
    free(run->replaced);
}

/* ------------------------------------------------------------------------ */
/* Placeholders already in the book                                         */
/* ------------------------------------------------------------------------ */

static bool is_upper(uint32_t cp)
{
    return cp >= 'A' && cp <= 'Z';
}

static bool is_letter(uint32_t cp)
{
    return is_upper(cp) || (cp >= 'a' && cp <= 'z');
}

/* Return true when `word` (UTF-8) is spelled by the code points ending at `end`
 * (before = true) or starting at `start`. */
static bool spelled_at(const ky_folded_text *text, size_t index, const char *word, bool before)
{
    size_t len = strlen(word);
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        count += ((unsigned char)word[i] & 0xC0) != 0x80;
    size_t i = before ? index - count : index;
    if ((before && count > index) || (!before && count > text->count - index))
        return false;
    size_t byte = 0;
    while (byte < len) {
        uint32_t cp;
        byte += ky_utf8_decode((const unsigned char *)word + byte, len - byte, &cp);
        if (text->cps[i++] != cp)
            return false;
    }
    return true;
}

/* Set aside each placeholder of the kinds' series that the folded text
 * contains: 1-3 capital letters with the kind's prefix before and suffix after. */
static int reserve_in_text(book_run *run, const ky_folded_text *text)
{
    for (size_t a = 0; a < text->count; a++) {
        if (!is_upper(text->cps[a]) || (a > 0 && is_letter(text->cps[a - 1])))
            continue;
        size_t b = a;
        while (b < text->count && is_upper(text->cps[b]) && b - a < 4)
            b++;
        if (b - a > 3 || (b < text->count && is_letter(text->cps[b])))
            continue;
        for (int kind = 0; kind < KY_NAME_KIND_COUNT; kind++) {
            const char *prefix = ky_anonymize__style_prefix(run->anonymizer, kind);
            const char *suffix = ky_anonymize__style_suffix(run->anonymizer, kind);
            if (!spelled_at(text, a, prefix, true) || !spelled_at(text, b, suffix, false))
                continue;
            ky_buf_clear(&run->placeholder);
            int status = ky_buf_puts(&run->placeholder, prefix);
            for (size_t i = a; i < b; i++)
                status |= ky_buf_putc(&run->placeholder, (char)text->cps[i]);
            status |= ky_buf_puts(&run->placeholder, suffix);
            if (status != 0 || table_put(&run->taken, run->placeholder.data, 0) != 0)
                return KY_ENOMEM;
        }
        a = b - 1;
    }
    return 0;
}

static int reserve_field(const ky_book_text *field, void *payload)
{
    book_run *run = payload;
    const char *text = *field->text;
    if (!text || !text[0])
        return 0;
    ky_folded_text folded;
    if (ky_anonymize__fold(text, strlen(text), &folded) != 0)
        return KY_ENOMEM;
    int status = reserve_in_text(run, &folded);
    ky_anonymize__folded_free(&folded);
    return status;
}

static int reserve_listed_placeholders(book_run *run)
{
    const ky_anonymizer *anonymizer = run->anonymizer;
    for (size_t i = 0; i < anonymizer->name_count; i++) {
        const char *placeholder = anonymizer->names[i].placeholder;
        if (placeholder && table_put(&run->taken, placeholder, 0) != 0)
            return KY_ENOMEM;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Giving placeholders                                                       */
/* ------------------------------------------------------------------------ */

/* Write the key that identifies a detected name into run->key: e-mail and
 * IP addresses in lower case, phone numbers as their digits with +81 written
 * as 0, names without spaces. */
static int detected_key(book_run *run, const ky_folded_text *text, const ky_name_match *m)
{
    ky_buf *key = &run->key;
    ky_buf_clear(key);
    int status = ky_buf_printf(key, "%d:", (int)m->kind);
    if (m->kind == KY_NAME_PHONE) {
        char digits[32];
        size_t count = 0;
        for (size_t i = m->name_start; i < m->name_end && count < sizeof digits - 1; i++)
            if (text->cps[i] >= '0' && text->cps[i] <= '9')
                digits[count++] = (char)text->cps[i];
        digits[count] = '\0';
        const char *national = digits;
        if (text->cps[m->name_start] == '+') {
            /* +81 3-1234-5678 and +81 (0)3-1234-5678 are 03-1234-5678. */
            national += 2;
            if (*national == '0')
                national++;
            status |= ky_buf_putc(key, '0');
        }
        status |= ky_buf_puts(key, national);
        return status == 0 ? 0 : KY_ENOMEM;
    }
    for (size_t i = m->name_start; status == 0 && i < m->name_end; i++) {
        uint32_t cp = text->cps[i];
        if (cp == ' ')
            continue;
        if (cp >= 'A' && cp <= 'Z')
            cp += 'a' - 'A';
        char bytes[4];
        status = ky_buf_append(key, bytes, ky_utf8_encode(cp, bytes));
    }
    return status == 0 ? 0 : KY_ENOMEM;
}

/* Take the next free placeholder of a kind's series into run->placeholder. */
static int next_placeholder(book_run *run, ky_name_kind kind)
{
    for (;;) {
        size_t number = run->next_number[kind]++;
        if (ky_anonymize__placeholder(run->anonymizer, kind, number, &run->placeholder) != 0)
            return KY_ENOMEM;
        if (!table_get(&run->taken, run->placeholder.data, NULL))
            return table_put(&run->taken, run->placeholder.data, 0);
    }
}

static int add_row(book_run *run, const ky_map_row *row)
{
    if (run->row_count == run->row_capacity) {
        size_t capacity = run->row_capacity ? run->row_capacity * 2 : 16;
        ky_map_row *rows = realloc(run->rows, capacity * sizeof *rows);
        if (!rows)
            return KY_ENOMEM;
        run->rows = rows;
        run->row_capacity = capacity;
    }
    run->rows[run->row_count++] = *row;
    return 0;
}

/*
 * Return the map row of a match, creating it at the name's first
 * appearance with a new placeholder, or NULL when out of memory.
 * `original` is the text the match's offsets index through `text`.
 */
static ky_map_row *row_for(book_run *run, const ky_folded_text *text, const char *original,
                           const ky_name_match *m)
{
    const ky_listed_name *listed = m->listed
                                 ? ky_anonymize__listed_at(run->anonymizer, text, m)
                                 : NULL;
    int status;
    if (listed) {
        ky_buf_clear(&run->key);
        status = ky_buf_printf(&run->key, "%d:%s", (int)m->kind, listed->key);
    } else {
        status = detected_key(run, text, m);
    }
    if (status != 0)
        return NULL;
    size_t index;
    if (table_get(&run->assigned, run->key.data, &index))
        return &run->rows[index];

    if (listed && listed->placeholder) {
        ky_buf_clear(&run->placeholder);
        status = ky_buf_puts(&run->placeholder, listed->placeholder);
    } else {
        status = next_placeholder(run, m->kind);
    }
    size_t start = text->offsets[m->name_start];
    size_t end = text->offsets[m->name_end];
    ky_map_row row = {
        .kind = m->kind,
        .name = listed ? ky_strdup(listed->name) : ky_strndup(original + start, end - start),
        .placeholder = ky_strdup(run->placeholder.data),
    };
    if (status != 0 || !row.name || !row.placeholder
        || table_put(&run->assigned, run->key.data, run->row_count) != 0
        || add_row(run, &row) != 0) {
        free(row.name);
        free(row.placeholder);
        return NULL;
    }
    return &run->rows[run->row_count - 1];
}

/* Build the text with each match replaced; returns NULL when out of memory. */
static char *replace_matches(book_run *run, const char *original, const ky_folded_text *text,
                             const ky_match_list *matches)
{
    ky_buf out = {0};
    size_t copied = 0;
    for (size_t i = 0; i < matches->count; i++) {
        const ky_name_match *m = &matches->items[i];
        ky_map_row *row = row_for(run, text, original, m);
        size_t start = text->offsets[m->start];
        if (!row || ky_buf_append(&out, original + copied, start - copied) != 0
            || ky_buf_puts(&out, row->placeholder) != 0) {
            ky_buf_free(&out);
            return NULL;
        }
        row->occurrences++;
        copied = text->offsets[m->end];
    }
    if (ky_buf_puts(&out, original + copied) != 0) {
        ky_buf_free(&out);
        return NULL;
    }
    return ky_buf_take(&out);
}

/* Replace the names in one string. In a sheet report the old string is
 * kept, because record origins still point to it. */
static int anonymize_field(const ky_book_text *field, void *payload)
{
    book_run *run = payload;
    char *original = *field->text;
    if (!original || !original[0])
        return 0;
    ky_folded_text text;
    if (ky_anonymize__fold(original, strlen(original), &text) != 0)
        return KY_ENOMEM;
    ky_match_list matches = {0};
    int status = ky_anonymize__scan_folded(run->anonymizer, &text, &matches);
    char *replaced = NULL;
    if (status == 0 && matches.count > 0) {
        replaced = replace_matches(run, original, &text, &matches);
        status = replaced ? 0 : KY_ENOMEM;
    }
    if (replaced && run->replaced) {
        run->replaced[run->replaced_count++] = (replaced_string){original, replaced};
        *field->text = replaced;
    } else if (replaced) {
        free(original);
        *field->text = replaced;
    }
    free(matches.items);
    ky_anonymize__folded_free(&text);
    return status;
}

/* ------------------------------------------------------------------------ */
/* Sheet reports and origins                                                 */
/* ------------------------------------------------------------------------ */

static const char *new_origin_text(const book_run *run, const char *text)
{
    for (size_t i = 0; i < run->replaced_count; i++)
        if (run->replaced[i].old_text == text)
            return run->replaced[i].new_text;
    return text;
}

static void repoint_origin(const book_run *run, ky_origin *origin)
{
    origin->file = new_origin_text(run, origin->file);
    origin->sheet = new_origin_text(run, origin->sheet);
}

static void repoint_origins(const book_run *run, ky_book *book)
{
    for (size_t i = 0; i < book->incident_count; i++)
        repoint_origin(run, &book->incidents[i].origin);
    for (size_t i = 0; i < book->event_count; i++)
        repoint_origin(run, &book->events[i].origin);
    for (size_t i = 0; i < book->why_count; i++)
        repoint_origin(run, &book->why_nodes[i].origin);
    for (size_t i = 0; i < book->risk_count; i++)
        repoint_origin(run, &book->risks[i].origin);
    for (size_t i = 0; i < book->lesson_count; i++)
        repoint_origin(run, &book->lessons[i].origin);
}

/* Anonymise the sheet reports and the title, then point the origins to the new strings. */
static int anonymize_sheets(book_run *run, ky_book *book)
{
    size_t strings = 1;
    for (size_t i = 0; i < book->sheet_count; i++)
        strings += 3 + book->sheets[i].column_count;
    run->replaced = calloc(strings, sizeof *run->replaced);
    if (!run->replaced)
        return KY_ENOMEM;
    int status = ky_book__visit_sheets(book, anonymize_field, run);
    repoint_origins(run, book);
    return status;
}

/* ------------------------------------------------------------------------ */
/* Entry point                                                               */
/* ------------------------------------------------------------------------ */

int ky_anonymize_book(ky_ctx *ctx, ky_anonymizer *anonymizer, ky_book *book)
{
    book_run run = {.anonymizer = anonymizer};
    char *title = ky_strdup(book->title);
    int status = book->title && !title ? KY_ENOMEM : 0;

    if (status == 0)
        status = reserve_listed_placeholders(&run);
    if (status == 0)
        status = ky_book__visit_records(book, reserve_field, &run);
    if (status == 0)
        status = ky_book__visit_sheets(book, reserve_field, &run);
    if (status == 0)
        status = ky_book__visit_records(book, anonymize_field, &run);
    if (status == 0)
        status = anonymize_sheets(&run, book);

    for (size_t i = 0; status == 0 && i < run.row_count; i++) {
        run.rows[i].book = ky_strdup(title);
        if (title && !run.rows[i].book)
            status = KY_ENOMEM;
    }
    if (status != 0)
        status = ky_error_set(ctx, KY_ENOMEM, NULL, "%s", KY_("out of memory"));
    else
        status = ky_anonymize__spool_rows(ctx, anonymizer, run.rows, run.row_count);
    free(title);
    run_free(&run);
    return status;
}
