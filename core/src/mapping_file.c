/* SPDX-License-Identifier: MIT */
/*
 * The level table and the mapping file: CSV files that users edit in Excel
 * to add level words and to choose which column of which table becomes which
 * field. Loading checks every record and names the file, row and column of
 * the first problem, so a mistyped file fails before any input is read.
 *
 * A mapping file applies to every input whose base name matches a row's file
 * pattern ("*" or empty for all), because converting many files of the same
 * layout is the common case. Its rows are grouped by file pattern, sheet and
 * table. A header identifies a column. The column letter only settles which
 * of several columns with the same header is meant, or names a column
 * without a header.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/ky_csv.h"
#include "formats/ky_file.h"
#include "formats/ky_text.h"
#include "kyokun/i18n.h"
#include "mapping_file.h"
#include "values.h"

/* ------------------------------------------------------------------------ */
/* Reading a CSV file whole                                                 */
/* ------------------------------------------------------------------------ */

/* Return true when the first bytes look like a binary file rather than text. */
static bool looks_binary(const unsigned char *data, size_t size)
{
    bool utf16_bom = size >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) ||
                                   (data[0] == 0xFE && data[1] == 0xFF));
    if (utf16_bom)
        return false;
    size_t limit = size < 4096 ? size : 4096;
    return memchr(data, '\0', limit) != NULL;
}

/*
 * Read a whole file of at most KY_MAPPING_FILE_MAX_BYTES into memory. `what`
 * names the kind of file in messages ("mapping file", "level table").
 */
static int read_whole(ky_ctx *ctx, const char *path, const char *what, unsigned char **data,
                      size_t *size)
{
    ky_loc loc = {.file = path};
    *data = NULL;
    *size = 0;
    FILE *in = fopen(path, "rb");
    if (!in)
        return ky_error_set(ctx, KY_EIO, &loc, KY_("cannot open the %s: %s"), what,
                            strerror(errno));
    struct stat st;
    if (fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(in);
        return ky_error_set(ctx, KY_EIO, &loc, KY_("the %s is not a regular file"), what);
    }
    if ((unsigned long long)st.st_size > KY_MAPPING_FILE_MAX_BYTES) {
        fclose(in);
        return ky_error_set(ctx, KY_ELIMIT, &loc,
                            KY_("the %s is too big: %lld bytes, but at most %zu are accepted. "
                                "Check that the right file was given"),
                            what, (long long)st.st_size, KY_MAPPING_FILE_MAX_BYTES);
    }
    *data = malloc((size_t)st.st_size + 1);
    if (!*data) {
        fclose(in);
        return ky_error_set(ctx, KY_ENOMEM, &loc, KY_("out of memory"));
    }
    *size = fread(*data, 1, (size_t)st.st_size, in);
    bool failed = ferror(in);
    fclose(in);
    if (failed) {
        free(*data);
        *data = NULL;
        return ky_error_set(ctx, KY_EIO, &loc, KY_("cannot read the %s: %s"), what,
                            strerror(errno));
    }
    if (looks_binary(*data, *size)) {
        free(*data);
        *data = NULL;
        return ky_error_set(ctx, KY_EPARSE, &loc,
                            KY_("the %s is not a CSV text file (it contains NUL bytes, like an "
                                "xlsx or other binary file). Save it from Excel as CSV UTF-8"),
                            what);
    }
    return 0;
}

/* Copy a field trimmed, with line breaks and tabs turned into spaces. */
static char *field_text(const ky_csv_field *field)
{
    char *text = ky_value__trim(field->text, field->len);
    if (!text)
        return NULL;
    for (char *p = text; *p; p++) {
        if (*p == '\r' || *p == '\n' || *p == '\t')
            *p = ' ';
    }
    return text;
}

static bool record_is_blank(const ky_csv_record *record)
{
    for (size_t i = 0; i < record->count; i++) {
        size_t start = 0;
        while (start < record->fields[i].len &&
               (record->fields[i].text[start] == ' ' || record->fields[i].text[start] == '\t'))
            start++;
        if (start < record->fields[i].len)
            return false;
    }
    return true;
}

/* Read a CSV file and hand each record to `fn`, with the reader's diagnostics named after `path`. */
static int read_csv_file(ky_ctx *ctx, const char *path, const char *what, ky_csv_record_fn fn,
                         void *payload)
{
    unsigned char *data;
    size_t size;
    int status = read_whole(ctx, path, what, &data, &size);
    if (status != 0)
        return status;
    ky_csv_read_options options = {.path = path};
    status = ky_csv_read(ctx, data, size, &options, NULL, fn, payload);
    free(data);
    return status;
}

/* ------------------------------------------------------------------------ */
/* Level table                                                              */
/* ------------------------------------------------------------------------ */

typedef struct level_entry {
    char *word; /**< Folded, trimmed and lower-cased, as ky_value__level() compares. */
    int level;
    uint32_t row;
} level_entry;

struct ky_level_table {
    level_entry *entries;
    size_t count;
};

typedef struct level_reader {
    ky_ctx *ctx;
    const char *path;
    ky_level_table *table;
} level_reader;

/* Fold width, trim and lower-case ASCII, as ky_value__level() reads a cell. */
static char *level_word(const char *text, size_t len)
{
    ky_cell cell = {.type = KY_CELL_TEXT, .text = text, .len = len};
    char *folded = ky_value__fold_width(cell.text, cell.len);
    if (!folded)
        return NULL;
    char *word = ky_value__trim(folded, strlen(folded));
    free(folded);
    for (char *p = word; p && *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    }
    return word;
}

/* Parse a level: a whole number from 1 to KY_LEVEL_MAX, full-width digits allowed. */
static int parse_level(const char *text, size_t len)
{
    char *word = level_word(text, len);
    if (!word)
        return -1;
    int level = 0;
    if (word[0] >= '1' && word[0] <= '0' + KY_LEVEL_MAX && word[1] == '\0')
        level = word[0] - '0';
    free(word);
    return level;
}

static int level_record(void *payload, const ky_csv_record *record)
{
    level_reader *reader = payload;
    uint32_t row = (uint32_t)record->index + 1;
    ky_loc loc = {.file = reader->path, .row = row};
    if (record_is_blank(record))
        return 0;
    if (record->count != 2)
        return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                            KY_("expected 2 fields (word, level) but found %zu. Write one word "
                                "and its level per row, such as 極大,3"),
                            record->count);
    int level = parse_level(record->fields[1].text, record->fields[1].len);
    if (level < 0)
        return ky_error_set(reader->ctx, KY_ENOMEM, &loc, KY_("out of memory"));
    char *word = level_word(record->fields[0].text, record->fields[0].len);
    if (!word)
        return ky_error_set(reader->ctx, KY_ENOMEM, &loc, KY_("out of memory"));
    bool header = row == 1 && level == 0;
    if (header) {
        free(word);
        return 0;
    }
    loc.col = level == 0 ? 2 : 1;
    if (level == 0 || !word[0]) {
        free(word);
        if (level == 0)
            return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                                KY_("invalid level \"%s\": expected a whole number from 1 to %d"),
                                record->fields[1].text, KY_LEVEL_MAX);
        return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                            KY_("the word is empty: write the text that cells contain, such as 極大"));
    }
    ky_level_table *table = reader->table;
    for (size_t i = 0; i < table->count; i++) {
        if (strcmp(table->entries[i].word, word) == 0 && table->entries[i].level != level) {
            unsigned first = table->entries[i].row;
            int first_level = table->entries[i].level;
            free(word);
            return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                                KY_("the word \"%s\" is given level %d here but level %d in row "
                                    "%u. Keep one of the two rows"),
                                record->fields[0].text, level, first_level, first);
        }
    }
    level_entry *grown = realloc(table->entries, (table->count + 1) * sizeof *grown);
    if (!grown) {
        free(word);
        return ky_error_set(reader->ctx, KY_ENOMEM, &loc, KY_("out of memory"));
    }
    table->entries = grown;
    table->entries[table->count++] = (level_entry){word, level, row};
    return 0;
}

int ky_level_table_load(ky_ctx *ctx, const char *path, ky_level_table **out)
{
    *out = NULL;
    ky_level_table *table = calloc(1, sizeof *table);
    if (!table) {
        ky_loc loc = {.file = path};
        return ky_error_set(ctx, KY_ENOMEM, &loc, KY_("out of memory"));
    }
    level_reader reader = {ctx, path, table};
    int status = read_csv_file(ctx, path, KY_("level table"), level_record, &reader);
    if (status == 0 && table->count == 0) {
        ky_loc loc = {.file = path};
        status = ky_error_set(ctx, KY_EPARSE, &loc,
                              KY_("the level table has no rows: write one word and its level "
                                  "per row, such as 極大,3"));
    }
    if (status != 0) {
        ky_level_table_free(table);
        return status;
    }
    *out = table;
    return 0;
}

void ky_level_table_free(ky_level_table *table)
{
    if (!table)
        return;
    for (size_t i = 0; i < table->count; i++)
        free(table->entries[i].word);
    free(table->entries);
    free(table);
}

int ky_level_table__find(const ky_level_table *table, const char *word)
{
    for (size_t i = 0; table && i < table->count; i++) {
        if (strcmp(table->entries[i].word, word) == 0)
            return table->entries[i].level;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Mapping file: loading                                                    */
/* ------------------------------------------------------------------------ */

/* Columns of a mapping file, in the order ky_mapping_file_write() writes them. */
enum { COL_FILE, COL_SHEET, COL_TABLE, COL_KIND, COL_COLUMN, COL_HEADER, COL_FIELD,
       COL_CONFIDENCE, COL_COUNT };

static const char *const column_names[COL_COUNT] = {
    "file", "sheet", "table", "kind", "column", "header", "field", "confidence",
};

/* Largest table index accepted. A sheet rarely contains more than a few tables. */
#define TABLE_INDEX_MAX 10000u

/** One row of a mapping file. */
typedef struct mapping_entry {
    uint32_t row;        /**< 1-based row in the mapping file, as Excel shows it. */
    char *file;          /**< Base name or pattern; "" matches every input. */
    char *sheet;
    uint32_t table;      /**< 1-based table on the sheet. */
    ky_table_kind kind;  /**< KY_TABLE_UNKNOWN when the row gives none. */
    uint32_t col;        /**< 0-based column, UINT32_MAX when the row gives no letter. */
    char *header;        /**< Header on one line; "" for a column without one. */
    const char *field;   /**< Static field name, or NULL to leave the column unmapped. */
} mapping_entry;

struct ky_mapping_file {
    char *path;
    mapping_entry *entries;
    size_t count;
};

typedef struct mapping_reader {
    ky_ctx *ctx;
    ky_mapping_file *mapping;
    int positions[COL_COUNT]; /**< Field index of each column in a record, -1 when absent. */
    bool header_read;
} mapping_reader;

static void entry_free(mapping_entry *entry)
{
    free(entry->file);
    free(entry->sheet);
    free(entry->header);
}

/* Read the header row: the position of each column in a record. */
static int read_column_names(mapping_reader *reader, const ky_csv_record *record)
{
    ky_loc loc = {.file = reader->mapping->path, .row = (uint32_t)record->index + 1};
    for (size_t c = 0; c < COL_COUNT; c++)
        reader->positions[c] = -1;
    for (size_t i = 0; i < record->count; i++) {
        char *name = level_word(record->fields[i].text, record->fields[i].len);
        if (!name)
            return ky_error_set(reader->ctx, KY_ENOMEM, &loc, KY_("out of memory"));
        size_t c = 0;
        while (c < COL_COUNT && strcmp(name, column_names[c]) != 0)
            c++;
        bool blank = name[0] == '\0';
        free(name);
        if (blank)
            continue;
        loc.col = (uint32_t)i + 1;
        if (c == COL_COUNT)
            return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                                KY_("unknown column \"%s\" in the header row of the mapping "
                                    "file: expected file, sheet, table, kind, column, header, "
                                    "field and confidence, as `kyokun inspect --write-mapping` "
                                    "writes them"),
                                record->fields[i].text);
        if (reader->positions[c] >= 0)
            return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                                KY_("the column \"%s\" appears twice in the header row of the "
                                    "mapping file"),
                                column_names[c]);
        reader->positions[c] = (int)i;
    }
    static const int required[] = {COL_SHEET, COL_HEADER, COL_FIELD};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (reader->positions[required[i]] < 0) {
            loc.col = 0;
            return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                                KY_("the header row of the mapping file has no \"%s\" column: "
                                    "it needs at least sheet, header and field. Write the file "
                                    "with `kyokun inspect --write-mapping` and edit that"),
                                column_names[required[i]]);
        }
    }
    return 0;
}

/* Return a record's field for a column, trimmed on one line ("" when the column is absent). */
static char *column_value(const mapping_reader *reader, const ky_csv_record *record, int column)
{
    int i = reader->positions[column];
    if (i < 0 || (size_t)i >= record->count)
        return ky_strdup("");
    return field_text(&record->fields[i]);
}

static uint32_t column_position(const mapping_reader *reader, int column)
{
    return reader->positions[column] < 0 ? 0 : (uint32_t)reader->positions[column] + 1;
}

/* Parse column letters "A" ... "XFD" (either case) into a 0-based column. */
static bool parse_column_letters(const char *text, uint32_t *out)
{
    uint32_t value = 0;
    size_t len = strlen(text);
    if (len == 0 || len > 3)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            return false;
        value = value * 26 + (uint32_t)(c - 'A' + 1);
    }
    if (value > 16384)
        return false;
    *out = value - 1;
    return true;
}

static bool parse_kind(const char *text, ky_table_kind *out)
{
    for (int kind = KY_TABLE_INCIDENTS; kind <= KY_TABLE_STATUS; kind++) {
        if (strcmp(text, ky_table_kind_name((ky_table_kind)kind)) == 0) {
            *out = (ky_table_kind)kind;
            return true;
        }
    }
    return false;
}

/* Append the field names of `kind` (all kinds for KY_TABLE_UNKNOWN), separated by ", ". */
static int append_field_names(ky_buf *out, ky_table_kind kind)
{
    size_t count;
    const ky_header_field *fields = ky_header__fields(&count);
    int status = 0;
    for (size_t i = 0; i < count && status == 0; i++) {
        if (kind != KY_TABLE_UNKNOWN && fields[i].kind != kind)
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = (kind == KY_TABLE_UNKNOWN || fields[j].kind == kind) &&
                   strcmp(fields[j].name, fields[i].name) == 0;
        if (!seen)
            status = ky_buf_printf(out, "%s%s", out->len ? ", " : "", fields[i].name);
    }
    if (status == 0 && (kind == KY_TABLE_UNKNOWN || kind == KY_TABLE_WHY))
        status = ky_buf_printf(out, "%swhy1 ... why%d", out->len ? ", " : "", KY_WHY_MAX_LEVEL);
    if (status == 0 && (kind == KY_TABLE_UNKNOWN || kind == KY_TABLE_STATUS))
        status = ky_buf_printf(out, "%s%s", out->len ? ", " : "", "event");
    return status;
}

/* Report a field that `kind` does not have, listing the ones it has. */
static int unknown_field(ky_ctx *ctx, const ky_loc *loc, const char *field, ky_table_kind kind)
{
    ky_buf names = {0};
    if (append_field_names(&names, kind) != 0) {
        ky_buf_free(&names);
        return ky_error_set(ctx, KY_ENOMEM, loc, KY_("out of memory"));
    }
    int status;
    if (kind == KY_TABLE_UNKNOWN)
        status = ky_error_set(ctx, KY_EPARSE, loc,
                              KY_("unknown field \"%s\": expected one of %s, or nothing to "
                                  "leave the column unmapped"),
                              field, names.data);
    else
        status = ky_error_set(ctx, KY_EPARSE, loc,
                              KY_("unknown field \"%s\" for a table of kind %s: expected one of %s, or "
                                  "nothing to leave the column unmapped"),
                              field, ky_table_kind_name(kind), names.data);
    ky_buf_free(&names);
    return status;
}

/* Read table, kind, column and field of a row into `entry`. */
static int read_entry_values(mapping_reader *reader, mapping_entry *entry,
                             char *values[COL_COUNT])
{
    ky_ctx *ctx = reader->ctx;
    ky_loc loc = {.file = reader->mapping->path, .row = entry->row};

    entry->table = 1;
    if (values[COL_TABLE][0]) {
        char *end = NULL;
        unsigned long table = strtoul(values[COL_TABLE], &end, 10);
        loc.col = column_position(reader, COL_TABLE);
        if (values[COL_TABLE][0] < '0' || values[COL_TABLE][0] > '9' || *end != '\0' ||
            table < 1 || table > TABLE_INDEX_MAX)
            return ky_error_set(ctx, KY_EPARSE, &loc,
                                KY_("invalid table \"%s\": expected the table's number on its "
                                    "sheet, from 1 to %u"),
                                values[COL_TABLE], TABLE_INDEX_MAX);
        entry->table = (uint32_t)table;
    }
    if (values[COL_KIND][0] && !parse_kind(values[COL_KIND], &entry->kind)) {
        loc.col = column_position(reader, COL_KIND);
        return ky_error_set(ctx, KY_EPARSE, &loc,
                            KY_("invalid kind \"%s\": expected incidents, risks, lessons, "
                                "why-why or status"),
                            values[COL_KIND]);
    }
    entry->col = UINT32_MAX;
    if (values[COL_COLUMN][0] && !parse_column_letters(values[COL_COLUMN], &entry->col)) {
        loc.col = column_position(reader, COL_COLUMN);
        return ky_error_set(ctx, KY_EPARSE, &loc,
                            KY_("invalid column \"%s\": expected column letters from A to XFD"),
                            values[COL_COLUMN]);
    }
    if (!values[COL_HEADER][0] && entry->col == UINT32_MAX) {
        loc.col = column_position(reader, COL_HEADER);
        return ky_error_set(ctx, KY_EPARSE, &loc,
                            KY_("the row names no column: give the column's header, or its "
                                "letter for a column without a header"));
    }
    if (values[COL_FIELD][0]) {
        entry->field = ky_header__field_name(values[COL_FIELD], entry->kind);
        loc.col = column_position(reader, COL_FIELD);
        if (!entry->field)
            return unknown_field(ctx, &loc, values[COL_FIELD], entry->kind);
    }
    return 0;
}

static bool same_group(const mapping_entry *a, const mapping_entry *b)
{
    return strcmp(a->file, b->file) == 0 && strcmp(a->sheet, b->sheet) == 0 &&
           a->table == b->table;
}

/* Reject a row that repeats a column or a field of an earlier row of its table. */
static int check_repeats(mapping_reader *reader, const mapping_entry *entry)
{
    ky_loc loc = {.file = reader->mapping->path, .row = entry->row};
    const ky_mapping_file *mapping = reader->mapping;
    for (size_t i = 0; i < mapping->count; i++) {
        const mapping_entry *other = &mapping->entries[i];
        if (!same_group(other, entry))
            continue;
        if (other->kind != KY_TABLE_UNKNOWN && entry->kind != KY_TABLE_UNKNOWN &&
            other->kind != entry->kind) {
            loc.col = column_position(reader, COL_KIND);
            return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                                KY_("the kind %s differs from the kind %s in row %u for the same "
                                    "table: a table has one kind"),
                                ky_table_kind_name(entry->kind), ky_table_kind_name(other->kind),
                                (unsigned)other->row);
        }
        if (strcmp(other->header, entry->header) == 0 && other->col == entry->col) {
            loc.col = column_position(reader, COL_HEADER);
            return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                                KY_("the column \"%s\" is already mapped in row %u for the same "
                                    "table. Keep one of the two rows"),
                                entry->header, (unsigned)other->row);
        }
        /* Each "event" column of a status table is an actor, so only that field repeats. */
        bool repeatable = entry->field && strcmp(entry->field, "event") == 0;
        if (entry->field && other->field && !repeatable && strcmp(other->field, entry->field) == 0) {
            loc.col = column_position(reader, COL_FIELD);
            return ky_error_set(reader->ctx, KY_EPARSE, &loc,
                                KY_("the field %s is already given to column \"%s\" in row %u "
                                    "for the same table: a field takes one column. Clear the "
                                    "field in one of the two rows"),
                                entry->field, other->header, (unsigned)other->row);
        }
    }
    return 0;
}

static int mapping_record(void *payload, const ky_csv_record *record)
{
    mapping_reader *reader = payload;
    if (!reader->header_read) {
        if (record_is_blank(record))
            return 0;
        reader->header_read = true;
        return read_column_names(reader, record);
    }
    if (record_is_blank(record))
        return 0;

    mapping_entry entry = {.row = (uint32_t)record->index + 1};
    ky_loc loc = {.file = reader->mapping->path, .row = entry.row};
    char *values[COL_COUNT] = {0};
    int status = 0;
    for (int c = 0; c < COL_COUNT && status == 0; c++) {
        values[c] = column_value(reader, record, c);
        if (!values[c])
            status = ky_error_set(reader->ctx, KY_ENOMEM, &loc, KY_("out of memory"));
    }
    if (status == 0 && !values[COL_SHEET][0]) {
        loc.col = column_position(reader, COL_SHEET);
        status = ky_error_set(reader->ctx, KY_EPARSE, &loc,
                              KY_("the sheet is empty: give the name of the sheet that contains "
                                  "the table"));
    }
    if (status == 0)
        status = read_entry_values(reader, &entry, values);
    if (status == 0) {
        entry.file = strcmp(values[COL_FILE], "*") == 0 ? ky_strdup("") : values[COL_FILE];
        if (entry.file != values[COL_FILE])
            free(values[COL_FILE]);
        entry.sheet = values[COL_SHEET];
        entry.header = values[COL_HEADER];
        values[COL_FILE] = values[COL_SHEET] = values[COL_HEADER] = NULL;
        if (!entry.file)
            status = ky_error_set(reader->ctx, KY_ENOMEM, &loc, KY_("out of memory"));
    }
    for (int c = 0; c < COL_COUNT; c++)
        free(values[c]);
    if (status == 0)
        status = check_repeats(reader, &entry);

    ky_mapping_file *mapping = reader->mapping;
    mapping_entry *grown = status == 0
                               ? realloc(mapping->entries, (mapping->count + 1) * sizeof *grown)
                               : NULL;
    if (status == 0 && !grown)
        status = ky_error_set(reader->ctx, KY_ENOMEM, &loc, KY_("out of memory"));
    if (status != 0) {
        entry_free(&entry);
        return status;
    }
    mapping->entries = grown;
    mapping->entries[mapping->count++] = entry;
    return 0;
}

int ky_mapping_file_load(ky_ctx *ctx, const char *path, ky_mapping_file **out)
{
    *out = NULL;
    ky_loc loc = {.file = path};
    ky_mapping_file *mapping = calloc(1, sizeof *mapping);
    if (!mapping || !(mapping->path = ky_strdup(path))) {
        free(mapping);
        return ky_error_set(ctx, KY_ENOMEM, &loc, KY_("out of memory"));
    }
    mapping_reader reader = {.ctx = ctx, .mapping = mapping};
    int status = read_csv_file(ctx, path, KY_("mapping file"), mapping_record, &reader);
    if (status == 0 && !reader.header_read)
        status = ky_error_set(ctx, KY_EPARSE, &loc,
                              KY_("the mapping file is empty: write one with `kyokun inspect "
                                  "INPUT --write-mapping FILE` and edit that"));
    if (status != 0) {
        ky_mapping_file_free(mapping);
        return status;
    }
    *out = mapping;
    return 0;
}

void ky_mapping_file_free(ky_mapping_file *mapping)
{
    if (!mapping)
        return;
    for (size_t i = 0; i < mapping->count; i++)
        entry_free(&mapping->entries[i]);
    free(mapping->entries);
    free(mapping->path);
    free(mapping);
}

/* ------------------------------------------------------------------------ */
/* Mapping file: applying                                                   */
/* ------------------------------------------------------------------------ */

/* Return true when a row's file pattern matches an input path or its base name. */
static bool file_matches(const char *pattern, const char *path)
{
    if (!pattern[0])
        return true;
    if (!path)
        return false;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    return strcmp(pattern, base) == 0 || strcmp(pattern, path) == 0 ||
           fnmatch(pattern, base, 0) == 0;
}

/* Return true when a row's sheet matches a sheet name exactly or as a pattern. */
static bool sheet_matches(const char *pattern, const char *sheet)
{
    if (!sheet)
        return false;
    return strcmp(pattern, sheet) == 0 || fnmatch(pattern, sheet, 0) == 0;
}

static bool entry_matches(const mapping_entry *entry, const char *file, const char *sheet,
                          uint32_t table)
{
    return entry->table == table && file_matches(entry->file, file) &&
           sheet_matches(entry->sheet, sheet);
}

ky_table_kind ky_mapping_file__kind(const ky_mapping_file *mapping, const char *file,
                                    const char *sheet, uint32_t table)
{
    for (size_t i = 0; mapping && i < mapping->count; i++) {
        const mapping_entry *entry = &mapping->entries[i];
        if (entry->kind != KY_TABLE_UNKNOWN && entry_matches(entry, file, sheet, table))
            return entry->kind;
    }
    return KY_TABLE_UNKNOWN;
}

uint32_t ky_mapping_file__first_row(const ky_mapping_file *mapping, const char *file,
                                    const char *sheet, uint32_t table)
{
    for (size_t i = 0; mapping && i < mapping->count; i++) {
        if (entry_matches(&mapping->entries[i], file, sheet, table))
            return mapping->entries[i].row;
    }
    return 0;
}

const char *ky_mapping_file__path(const ky_mapping_file *mapping)
{
    return mapping ? mapping->path : NULL;
}

/* Return true when a column's header on one line is `header`. */
static bool header_is(const ky_map_sheet *map, uint32_t col, const char *header)
{
    const char *label = map->labels[col] ? map->labels[col] : "";
    char *trimmed = ky_value__trim(label, strlen(label));
    bool same = trimmed && strcmp(trimmed, header) == 0;
    free(trimmed);
    return same;
}

/*
 * Find the column that a row names: the column with its header, the one at
 * its letter when several have that header, or the letter alone for a row
 * without a header. Return UINT32_MAX when the table has no such column.
 */
static uint32_t find_column(const ky_map_sheet *map, const mapping_entry *entry)
{
    if (!entry->header[0])
        return entry->col < map->col_count && !map->labels[entry->col] ? entry->col : UINT32_MAX;
    uint32_t found = UINT32_MAX;
    for (uint32_t c = 0; c < map->col_count; c++) {
        if (!header_is(map, c, entry->header))
            continue;
        if (c == entry->col)
            return c;
        if (found == UINT32_MAX)
            found = c;
    }
    return found;
}

/* Report a row whose column the table does not have, listing the table's headers. */
static int missing_column(const ky_map_sheet *map, const mapping_entry *entry,
                          const char *mapping_path)
{
    ky_buf headers = {0};
    int status = 0;
    for (uint32_t c = 0; c < map->col_count && status == 0; c++) {
        if (map->labels[c])
            status = ky_buf_printf(&headers, "%s\"%s\"", headers.len ? ", " : "", map->labels[c]);
    }
    ky_loc loc = {.file = mapping_path, .row = entry->row};
    char letters[8];
    if (status != 0)
        status = ky_error_set(map->ctx, KY_ENOMEM, &loc, KY_("out of memory"));
    else if (entry->header[0])
        status = ky_error_set(map->ctx, KY_EPARSE, &loc,
                              KY_("no column has the header \"%s\" in table %u of sheet \"%s\" "
                                  "of %s (its headers: %s). Correct the header in the mapping "
                                  "file, or write a new one with `kyokun inspect --write-mapping`"),
                              entry->header, (unsigned)entry->table, map->report->sheet,
                              map->report->file, headers.len ? headers.data : "-");
    else
        status = ky_error_set(map->ctx, KY_EPARSE, &loc,
                              KY_("column %s of table %u of sheet \"%s\" of %s is not a column "
                                  "without a header. Give the column's header in the mapping "
                                  "file"),
                              ky_col_name(entry->col == UINT32_MAX ? 0 : entry->col, letters),
                              (unsigned)entry->table, map->report->sheet, map->report->file);
    ky_buf_free(&headers);
    return status;
}

/*
 * Map column `col` to `field` (NULL for none), taking the field from any
 * other column. A column whose field stays the same keeps the quality that
 * detection gave it, so that a mapping file that only repeats detection
 * leaves the confidence as it was.
 */
static void set_field(ky_map_sheet *map, ky_header_quality *qualities, uint32_t col,
                      const char *field)
{
    bool same = field ? map->fields[col] && strcmp(map->fields[col], field) == 0
                      : map->fields[col] == NULL;
    if (same)
        return;
    bool repeatable = field && strcmp(field, "event") == 0;
    for (uint32_t c = 0; field && !repeatable && c < map->col_count; c++) {
        if (c != col && map->fields[c] && strcmp(map->fields[c], field) == 0) {
            map->fields[c] = NULL;
            qualities[c] = KY_HEADER_NONE;
        }
    }
    map->fields[col] = field;
    qualities[col] = field ? KY_HEADER_EXACT : KY_HEADER_NONE;
}

int ky_mapping_file__apply(ky_map_sheet *map, ky_table_kind kind, ky_header_quality *qualities,
                           bool *chosen)
{
    const ky_mapping_file *mapping = map->options ? map->options->mapping : NULL;
    if (!mapping)
        return 0;
    const ky_sheet_report *report = map->report;
    for (size_t i = 0; i < mapping->count; i++) {
        const mapping_entry *entry = &mapping->entries[i];
        if (!entry_matches(entry, report->file, report->sheet, report->table))
            continue;
        uint32_t col = find_column(map, entry);
        if (col == UINT32_MAX)
            return missing_column(map, entry, mapping->path);
        if (entry->field && !ky_header__field_name(entry->field, kind)) {
            ky_loc loc = {.file = mapping->path, .row = entry->row};
            return unknown_field(map->ctx, &loc, entry->field, kind);
        }
        set_field(map, qualities, col, entry->field);
        chosen[col] = true;
    }
    return 0;
}

void ky_mapping_file__check_unused(ky_ctx *ctx, const ky_mapping_file *mapping,
                                   const ky_book *book, size_t first_report, const char *file)
{
    for (size_t i = 0; mapping && i < mapping->count; i++) {
        const mapping_entry *entry = &mapping->entries[i];
        bool group_seen = false;
        for (size_t j = 0; j < i && !group_seen; j++)
            group_seen = same_group(&mapping->entries[j], entry);
        if (group_seen || !file_matches(entry->file, file))
            continue;
        bool found = false;
        for (size_t r = first_report; r < book->sheet_count && !found; r++) {
            const ky_sheet_report *report = &book->sheets[r];
            found = report->header_row > 0 && report->table == entry->table &&
                    sheet_matches(entry->sheet, report->sheet);
        }
        if (found)
            continue;
        ky_loc loc = {.file = mapping->path, .row = entry->row};
        ky_diag_emit(ctx, KY_SEV_WARNING, "mapping.file-unused", &loc,
                     KY_("%s has no table %u with a header on a sheet \"%s\", so the mapping "
                         "file's rows for it are not used. Check the sheet name and table "
                         "number with `kyokun inspect`"),
                     file, (unsigned)entry->table, entry->sheet);
    }
}

/* ------------------------------------------------------------------------ */
/* Mapping file: writing                                                    */
/* ------------------------------------------------------------------------ */

/* Append one record of text fields (quoted as needed, never formula-guarded) and CRLF. */
static int append_record(ky_buf *out, const char *const *fields, size_t count)
{
    int status = 0;
    for (size_t i = 0; i < count && status == 0; i++) {
        if (i > 0)
            status = ky_buf_putc(out, ',');
        if (status == 0)
            status = ky_csv_append_field(out, fields[i], strlen(fields[i]), ',');
    }
    return status == 0 ? ky_csv_end_record(out, KY_CSV_CRLF) : status;
}

/* Append the records of one sheet report's columns. */
static int append_report(ky_buf *out, const ky_sheet_report *report)
{
    char table[16];
    char confidence[16];
    snprintf(table, sizeof table, "%u", (unsigned)report->table);
    snprintf(confidence, sizeof confidence, "%d", report->confidence);
    const char *kind = report->kind == KY_TABLE_UNKNOWN ? "" : ky_table_kind_name(report->kind);
    int status = 0;
    for (size_t i = 0; i < report->column_count && status == 0; i++) {
        const ky_column_map *column = &report->columns[i];
        char letters[8];
        ky_col_name(column->col, letters);
        char *header = column->header ? ky_value__trim(column->header, strlen(column->header))
                                      : ky_strdup("");
        if (!header)
            return KY_ENOMEM;
        for (char *p = header; *p; p++) {
            if (*p == '\r' || *p == '\n' || *p == '\t')
                *p = ' ';
        }
        const char *fields[COL_COUNT] = {
            [COL_FILE] = "*", [COL_SHEET] = report->sheet ? report->sheet : "",
            [COL_TABLE] = table, [COL_KIND] = kind, [COL_COLUMN] = letters,
            [COL_HEADER] = header, [COL_FIELD] = column->field ? column->field : "",
            [COL_CONFIDENCE] = confidence,
        };
        status = append_record(out, fields, COL_COUNT);
        free(header);
    }
    return status;
}

/* Write the mapping file atomically. */
static int write_atomically(ky_ctx *ctx, const char *path, const ky_buf *data)
{
    if (ky_file_write_atomic(path, data->data, data->len, false) == 0)
        return 0;
    ky_loc loc = {.file = path};
    return ky_error_set(ctx, KY_EIO, &loc, KY_("cannot write the mapping file: %s"),
                        strerror(errno));
}

int ky_mapping_file_write(ky_ctx *ctx, const ky_book *book, const char *path)
{
    ky_loc loc = {.file = path};
    ky_buf out = {0};
    /* The BOM makes Excel read the file as UTF-8 rather than in the system code page. */
    int status = ky_buf_puts(&out, "\xEF\xBB\xBF");
    if (status == 0)
        status = append_record(&out, column_names, COL_COUNT);
    for (size_t i = 0; i < book->sheet_count && status == 0; i++)
        status = append_report(&out, &book->sheets[i]);
    if (status != 0) {
        ky_buf_free(&out);
        return ky_error_set(ctx, KY_ENOMEM, &loc, KY_("out of memory"));
    }
    status = write_atomically(ctx, path, &out);
    ky_buf_free(&out);
    return status;
}
