/* SPDX-License-Identifier: MIT */
/*
 * Loading the CSV dictionaries: the built-in folder, then a user's folder
 * whose NAME.csv replaces a built-in file and whose NAME.extra.csv extends
 * it. Files are read whole, within KY_DICT_MAX_FILE_BYTES, line length
 * and row limits, and every error names the file, row and column.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify.h"
#include "formats/ky_csv.h"
#include "formats/ky_file.h"
#include "kyokun/i18n.h"
#include "values.h"
#include "vocab_internal.h"

#ifndef KY_INSTALL_DICT_DIR
#define KY_INSTALL_DICT_DIR "/usr/local/share/kyokun/dict"
#endif

/* Maximum length of a code, in bytes. */
#define CODE_MAX 32
/* Maximum rule weight, so that one rule cannot drown all the others. */
#define WEIGHT_MAX 100.0

static const char *const vocab_files[KY_VOCAB_COUNT] = {
    [KY_VOCAB_PURPOSE] = "purpose",
    [KY_VOCAB_IMPORTANCE] = "importance",
    [KY_VOCAB_LIFECYCLE] = "lifecycle",
    [KY_VOCAB_SERVICE] = "service",
    [KY_VOCAB_KEYWORDS] = "keywords",
    [KY_VOCAB_COUNTERMEASURE] = "countermeasure",
    [KY_VOCAB_CAUSE] = "cause",
    [KY_VOCAB_HUMAN_LIFE] = "human-life",
    [KY_VOCAB_SOCIAL_EFFECT] = "social-effect",
};

#define RULES_FILE "rules"

const char *ky_vocab_file(ky_vocab_id vocab)
{
    return (unsigned)vocab < KY_VOCAB_COUNT ? vocab_files[vocab] : "";
}

const char *ky_dict_default_dir(void)
{
    /* NOTE: computed on every call into one static buffer, so call it before starting threads. */
    static char relative[PATH_MAX];
    if (ky_file_exe_relative_dir("../share/kyokun/dict", relative, sizeof relative))
        return relative;
    return KY_INSTALL_DICT_DIR;
}

/* ------------------------------------------------------------------------ */
/* Freeing                                                                  */
/* ------------------------------------------------------------------------ */

static void strlist_clear(ky_strlist *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

/* The dictionary allocated every string of a term; the const is for readers. */
static void term_free(ky_term *term)
{
    free((char *)term->code);
    free((char *)term->parent);
    free((char *)term->ja);
    free((char *)term->en);
    free((char *)term->kind);
    strlist_clear(&term->aliases);
}

static void vocab_clear(ky_vocab *vocab)
{
    for (size_t i = 0; i < vocab->count; i++) {
        term_free(&vocab->terms[i]);
        if (vocab->keys)
            strlist_clear(&vocab->keys[i]);
    }
    free(vocab->terms);
    free(vocab->keys);
    memset(vocab, 0, sizeof *vocab);
}

void ky_dict_free(ky_dict *dict)
{
    if (!dict)
        return;
    for (size_t v = 0; v < KY_VOCAB_COUNT; v++)
        vocab_clear(&dict->vocabs[v]);
    for (size_t i = 0; i < dict->rule_count; i++) {
        free((char *)dict->rules[i].code);
        strlist_clear(&dict->rules[i].keywords);
    }
    free(dict->rules);
    strlist_clear(&dict->paths);
    free(dict);
}

/* ------------------------------------------------------------------------ */
/* Reading one file                                                         */
/* ------------------------------------------------------------------------ */

/* Columns a dictionary file may have. */
enum {
    COL_CODE, COL_PARENT, COL_JA, COL_EN, COL_KIND, COL_ALIASES, COL_NOTE,
    COL_AXIS, COL_KEYWORDS, COL_WEIGHT, COL_COUNT
};

static const char *const column_names[COL_COUNT] = {
    "code", "parent", "ja", "en", "kind", "aliases", "note", "axis", "keywords", "weight",
};

/* State of reading one file. Column positions are 0-based, -1 when absent. */
typedef struct load_state {
    ky_ctx *ctx;
    ky_dict *dict;
    const char *path;   /**< Owned by dict->paths. */
    int vocab;          /**< A ky_vocab_id, or -1 for the rules. */
    bool extra;         /**< A NAME.extra.csv file. */
    int columns[COL_COUNT];
    bool header_seen;
    size_t rows;
    int status;
} load_state;

static int load_error(load_state *state, int code, uint32_t row, uint32_t col, const char *fmt,
                      ...) KY_PRINTF(5, 6);

/* Set the error on the context, naming file, row and column, and return `code`. */
static int load_error(load_state *state, int code, uint32_t row, uint32_t col, const char *fmt,
                      ...)
{
    char text[1024];
    va_list args;
    va_start(args, fmt);
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    ky_loc loc = {.file = state->path, .row = row, .col = col};
    return ky_error_set(state->ctx, code, &loc, "%s", text);
}

/* Return a field trimmed of white space, or NULL when absent or blank. */
static char *field_text(const ky_csv_record *record, int column)
{
    if (column < 0 || (size_t)column >= record->count)
        return NULL;
    const ky_csv_field *field = &record->fields[column];
    char *text = ky_value__trim(field->text, field->len);
    if (text && !text[0]) {
        free(text);
        return NULL;
    }
    return text;
}

/* Append the items of a "|"-separated cell, trimmed, skipping empty ones. */
static int split_bars(const char *text, ky_strlist *out)
{
    const char *start = text;
    while (start) {
        const char *bar = strchr(start, '|');
        size_t len = bar ? (size_t)(bar - start) : strlen(start);
        char *item = ky_value__trim(start, len);
        if (!item)
            return KY_ENOMEM;
        if (item[0]) {
            int status = ky_value__list_push(out, item, strlen(item));
            free(item);
            if (status != 0)
                return status;
        } else {
            free(item);
        }
        start = bar ? bar + 1 : NULL;
    }
    return 0;
}

static int read_header(load_state *state, const ky_csv_record *record)
{
    for (size_t i = 0; i < COL_COUNT; i++)
        state->columns[i] = -1;
    for (size_t f = 0; f < record->count; f++) {
        char *name = ky_value__trim(record->fields[f].text, record->fields[f].len);
        if (!name)
            return KY_ENOMEM;
        int found = -1;
        for (int c = 0; c < COL_COUNT; c++)
            if (strcasecmp(name, column_names[c]) == 0)
                found = c;
        bool rules = state->vocab < 0;
        bool allowed = found == COL_NOTE
                    || (rules ? found >= COL_AXIS || found == COL_CODE
                              : found >= 0 && found < COL_AXIS);
        if (!allowed && name[0]) {
            int status = load_error(
                state, KY_EPARSE, (uint32_t)record->line, (uint32_t)f + 1,
                rules ? KY_("unknown column \"%s\": expected axis, code, keywords, weight or note")
                      : KY_("unknown column \"%s\": expected code, parent, ja, en, aliases, kind "
                            "or note"),
                name);
            free(name);
            return status;
        }
        free(name);
        if (found >= 0)
            state->columns[found] = (int)f;
    }
    static const int vocab_required[] = {COL_CODE, COL_JA, COL_EN};
    static const int rules_required[] = {COL_AXIS, COL_CODE, COL_KEYWORDS};
    const int *required = state->vocab < 0 ? rules_required : vocab_required;
    for (size_t i = 0; i < 3; i++) {
        if (state->columns[required[i]] < 0)
            return load_error(state, KY_EPARSE, (uint32_t)record->line, 0,
                              KY_("the header row has no column \"%s\"; the first row must "
                                  "name the columns"),
                              column_names[required[i]]);
    }
    state->header_seen = true;
    return 0;
}

/* Return true when a code is 1 to CODE_MAX ASCII letters, digits, '-' or '_'. */
static bool valid_code(const char *code)
{
    size_t len = strlen(code);
    if (len == 0 || len > CODE_MAX)
        return false;
    for (const char *p = code; *p; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
              || c == '-' || c == '_'))
            return false;
    }
    return true;
}

/* Read the code of a row; sets *code (caller frees) or returns an error. */
static int read_code(load_state *state, const ky_csv_record *record, char **code)
{
    uint32_t row = (uint32_t)record->line;
    uint32_t col = (uint32_t)state->columns[COL_CODE] + 1;
    *code = field_text(record, state->columns[COL_CODE]);
    if (!*code)
        return load_error(state, KY_EPARSE, row, col, "%s",
                          KY_("the code is missing: give each row a code such as PU1"));
    if (!valid_code(*code)) {
        int status = load_error(state, KY_EPARSE, row, col,
                                KY_("invalid code \"%s\": use 1 to %d ASCII letters, digits, - "
                                    "or _"),
                                *code, CODE_MAX);
        free(*code);
        *code = NULL;
        return status;
    }
    return 0;
}

/* Fill the optional columns of a term from a row: labels only where given. */
static int fill_term(load_state *state, const ky_csv_record *record, ky_term *term)
{
    static const int text_columns[] = {COL_PARENT, COL_JA, COL_EN, COL_KIND};
    const char **targets[] = {&term->parent, &term->ja, &term->en, &term->kind};
    for (size_t i = 0; i < sizeof text_columns / sizeof text_columns[0]; i++) {
        char *text = field_text(record, state->columns[text_columns[i]]);
        if (!text)
            continue;
        free((char *)*targets[i]);
        *targets[i] = text;
    }
    char *aliases = field_text(record, state->columns[COL_ALIASES]);
    int status = aliases ? split_bars(aliases, &term->aliases) : 0;
    free(aliases);
    return status;
}

/* Add one row of a vocabulary file. */
static int read_term(load_state *state, const ky_csv_record *record)
{
    char *code = NULL;
    int status = read_code(state, record, &code);
    if (status != 0)
        return status;

    ky_vocab *vocab = &state->dict->vocabs[state->vocab];
    ky_term *term = (ky_term *)ky_dict_code(state->dict, (ky_vocab_id)state->vocab, code);
    if (term && !state->extra) {
        status = load_error(state, KY_EPARSE, (uint32_t)record->line,
                            (uint32_t)state->columns[COL_CODE] + 1,
                            KY_("code \"%s\" is already defined in row %u; give each value its "
                                "own code"),
                            code, (unsigned)term->row);
        free(code);
        return status;
    }
    if (term) {
        /* An extra file adds the aliases of an existing value and replaces the labels it gives. */
        free(code);
        return fill_term(state, record, term);
    }

    ky_term *grown = realloc(vocab->terms, (vocab->count + 1) * sizeof *grown);
    if (!grown) {
        free(code);
        return KY_ENOMEM;
    }
    vocab->terms = grown;
    term = &vocab->terms[vocab->count++];
    memset(term, 0, sizeof *term);
    term->code = code;
    term->file = state->path;
    term->row = (uint32_t)record->line;
    status = fill_term(state, record, term);
    if (status == 0 && (!term->ja || !term->en))
        status = load_error(state, KY_EPARSE, term->row,
                            (uint32_t)state->columns[term->ja ? COL_EN : COL_JA] + 1,
                            KY_("value \"%s\" has no %s label: give both the Japanese (ja) and "
                                "the English (en) label"),
                            term->code, term->ja ? "en" : "ja");
    return status;
}

/* Parse an axis name of rules.csv: a vocabulary file name or its code prefix. */
static bool parse_axis(const char *text, ky_axis *axis)
{
    static const struct {
        const char *name;
        const char *prefix;
        ky_axis axis;
    } axes[] = {
        {"purpose", "PU", KY_AXIS_PURPOSE},
        {"importance", "SP", KY_AXIS_IMPORTANCE},
        {"lifecycle", "LC", KY_AXIS_LIFECYCLE},
        {"service", "SM", KY_AXIS_SERVICE},
    };
    for (size_t i = 0; i < sizeof axes / sizeof axes[0]; i++) {
        if (strcasecmp(text, axes[i].name) == 0 || strcasecmp(text, axes[i].prefix) == 0) {
            *axis = axes[i].axis;
            return true;
        }
    }
    return false;
}

/* Read the weight of a rule: blank is 1, else a number above 0 and up to WEIGHT_MAX. */
static int read_weight(load_state *state, const ky_csv_record *record, double *weight)
{
    char *text = field_text(record, state->columns[COL_WEIGHT]);
    *weight = 1.0;
    if (!text)
        return 0;
    bool ok = ky_parse_number(text, strlen(text), weight) && *weight > 0 && *weight <= WEIGHT_MAX;
    int status = 0;
    if (!ok)
        status = load_error(state, KY_EPARSE, (uint32_t)record->line,
                            (uint32_t)state->columns[COL_WEIGHT] + 1,
                            KY_("invalid weight \"%s\": expected a number above 0 and up to %g"),
                            text, WEIGHT_MAX);
    free(text);
    return status;
}

/* Add one row of rules.csv. */
static int read_rule(load_state *state, const ky_csv_record *record)
{
    uint32_t row = (uint32_t)record->line;
    char *axis_text = field_text(record, state->columns[COL_AXIS]);
    ky_axis axis = KY_AXIS_PURPOSE;
    bool axis_ok = axis_text && parse_axis(axis_text, &axis);
    if (!axis_ok) {
        int status = load_error(state, KY_EPARSE, row, (uint32_t)state->columns[COL_AXIS] + 1,
                                KY_("invalid axis \"%s\": expected purpose, importance, "
                                    "lifecycle or service"),
                                axis_text ? axis_text : "");
        free(axis_text);
        return status;
    }
    free(axis_text);

    ky_rule rule = {.axis = axis, .file = state->path, .row = row};
    char *code = NULL;
    int status = read_code(state, record, &code);
    if (status == 0)
        status = read_weight(state, record, &rule.weight);
    char *keywords = status == 0 ? field_text(record, state->columns[COL_KEYWORDS]) : NULL;
    if (status == 0 && keywords)
        status = split_bars(keywords, &rule.keywords);
    free(keywords);
    if (status == 0 && rule.keywords.count == 0)
        status = load_error(state, KY_EPARSE, row, (uint32_t)state->columns[COL_KEYWORDS] + 1,
                            "%s", KY_("the keywords are missing: list words separated by |"));
    ky_rule *grown = status == 0 ? realloc(state->dict->rules,
                                           (state->dict->rule_count + 1) * sizeof *grown)
                                 : NULL;
    if (status == 0 && !grown)
        status = KY_ENOMEM;
    if (status != 0) {
        free(code);
        strlist_clear(&rule.keywords);
        return status;
    }
    rule.code = code;
    state->dict->rules = grown;
    state->dict->rules[state->dict->rule_count++] = rule;
    return 0;
}

static bool record_blank(const ky_csv_record *record)
{
    for (size_t i = 0; i < record->count; i++) {
        const ky_csv_field *field = &record->fields[i];
        for (size_t j = 0; j < field->len; j++)
            if (field->text[j] != ' ' && field->text[j] != '\t')
                return false;
    }
    return true;
}

static int on_record(void *payload, const ky_csv_record *record)
{
    load_state *state = payload;
    if (!state->header_seen)
        return read_header(state, record);
    if (record_blank(record))
        return 0;
    if (++state->rows > KY_DICT_MAX_ROWS)
        return load_error(state, KY_ELIMIT, (uint32_t)record->line, 0,
                          KY_("more than %d rows: a dictionary file may have at most %d rows"),
                          KY_DICT_MAX_ROWS, KY_DICT_MAX_ROWS);
    return state->vocab < 0 ? read_rule(state, record) : read_term(state, record);
}

/* Read a whole file of at most KY_DICT_MAX_FILE_BYTES into `out`. */
static int read_bytes(ky_ctx *ctx, const char *path, ky_buf *out)
{
    ky_loc loc = {.file = path};
    FILE *file = fopen(path, "rb");
    if (!file)
        return ky_error_set(ctx, errno == ENOENT ? KY_ENOTFOUND : KY_EIO, &loc,
                            KY_("cannot open the dictionary file: %s"), strerror(errno));
    int status = 0;
    char chunk[8192];
    size_t n;
    while (status == 0 && (n = fread(chunk, 1, sizeof chunk, file)) > 0) {
        if (out->len + n > KY_DICT_MAX_FILE_BYTES)
            status = ky_error_set(ctx, KY_ELIMIT, &loc,
                                  KY_("the dictionary file is larger than %zu bytes; split it "
                                      "or remove rows"),
                                  KY_DICT_MAX_FILE_BYTES);
        else
            status = ky_buf_append(out, chunk, n);
    }
    if (status == 0 && ferror(file))
        status = ky_error_set(ctx, KY_EIO, &loc, KY_("cannot read the dictionary file: %s"),
                              strerror(errno));
    fclose(file);
    return status;
}

/* Pass the CSV reader's warnings and errors on to the caller's context, but not its notes
 * about the encoding and separator, which dictionary files fix. */
static void forward_diag(const ky_diag *diag, void *payload)
{
    ky_diag_emit(payload, diag->severity, diag->code, &diag->loc, "%s", diag->message);
}

/* Read the CSV text of a dictionary file with a context of its own, see forward_diag(). */
static int read_csv(ky_ctx *ctx, const ky_buf *bytes, load_state *state)
{
    ky_ctx *reader_ctx = ky_ctx_new();
    if (!reader_ctx)
        return KY_ENOMEM;
    ky_ctx_set_handler(reader_ctx, forward_diag, KY_SEV_WARNING, ctx);
    ky_csv_read_options options = {
        .path = state->path, .encoding = "utf-8", .separator = ',',
        .max_field_bytes = KY_DICT_MAX_LINE_BYTES, .max_record_bytes = KY_DICT_MAX_LINE_BYTES,
        .max_fields = COL_COUNT * 4,
    };
    int status = ky_csv_read(reader_ctx, (const unsigned char *)bytes->data, bytes->len, &options,
                             NULL, on_record, state);
    const ky_error *error = ky_error_last(reader_ctx);
    if (status != 0 && error && error->message && error->message[0])
        ky_error_set(ctx, error->code, &error->loc, "%s", error->message);
    ky_ctx_free(reader_ctx);
    return status;
}

/* Read one dictionary file into `dict`. `vocab` is a ky_vocab_id or -1 for the rules. */
static int load_file(ky_ctx *ctx, ky_dict *dict, const char *path, int vocab, bool extra)
{
    int status = ky_value__list_push(&dict->paths, path, strlen(path));
    if (status != 0)
        return status;
    load_state state = {.ctx = ctx, .dict = dict, .vocab = vocab, .extra = extra,
                        .path = dict->paths.items[dict->paths.count - 1]};
    ky_buf bytes = {0};
    status = read_bytes(ctx, path, &bytes);
    if (status == 0)
        status = read_csv(ctx, &bytes, &state);
    ky_buf_free(&bytes);
    if (status == 0 && !state.header_seen)
        status = load_error(&state, KY_EPARSE, 1, 0, "%s",
                            KY_("the dictionary file is empty: expected a header row that "
                                "names the columns"));
    return status;
}

/* ------------------------------------------------------------------------ */
/* Checks across files and lookup keys                                      */
/* ------------------------------------------------------------------------ */

/* The vocabulary whose codes a vocabulary's parent column names. */
static ky_vocab_id parent_vocab(ky_vocab_id vocab)
{
    if (vocab == KY_VOCAB_HUMAN_LIFE || vocab == KY_VOCAB_SOCIAL_EFFECT)
        return KY_VOCAB_IMPORTANCE;
    return vocab;
}

static int check_parents(ky_ctx *ctx, const ky_dict *dict)
{
    for (int v = 0; v < KY_VOCAB_COUNT; v++) {
        const ky_vocab *vocab = &dict->vocabs[v];
        ky_vocab_id parents = parent_vocab((ky_vocab_id)v);
        for (size_t t = 0; t < vocab->count; t++) {
            const ky_term *term = &vocab->terms[t];
            if (!term->parent || ky_dict_code(dict, parents, term->parent))
                continue;
            ky_loc loc = {.file = term->file, .row = term->row};
            return ky_error_set(ctx, KY_EPARSE, &loc,
                                KY_("parent \"%s\" of value \"%s\" is not a code of %s.csv"),
                                term->parent, term->code, vocab_files[parents]);
        }
    }
    return 0;
}

/* The vocabulary of a classification axis that rules suggest values for. */
static ky_vocab_id axis_vocab(ky_axis axis)
{
    switch (axis) {
    case KY_AXIS_IMPORTANCE: return KY_VOCAB_IMPORTANCE;
    case KY_AXIS_LIFECYCLE: return KY_VOCAB_LIFECYCLE;
    case KY_AXIS_SERVICE: return KY_VOCAB_SERVICE;
    default: return KY_VOCAB_PURPOSE;
    }
}

static int check_rules(ky_ctx *ctx, const ky_dict *dict)
{
    for (size_t i = 0; i < dict->rule_count; i++) {
        const ky_rule *rule = &dict->rules[i];
        ky_vocab_id vocab = axis_vocab(rule->axis);
        if (ky_dict_code(dict, vocab, rule->code))
            continue;
        ky_loc loc = {.file = rule->file, .row = rule->row};
        return ky_error_set(ctx, KY_EPARSE, &loc,
                            KY_("code \"%s\" of the rule is not a code of %s.csv: add the "
                                "value there or remove the rule (a replaced %s.csv needs a "
                                "rules.csv for its own codes)"),
                            rule->code, vocab_files[vocab], vocab_files[vocab]);
    }
    return 0;
}

/* Add a key to term `t` unless it is empty; an equal key of another value is an error. */
static int add_key(ky_ctx *ctx, ky_dict *dict, ky_vocab_id v, size_t t, const char *text)
{
    char *key = ky_vocab__key(text, true);
    if (!key)
        return KY_ENOMEM;
    int status = 0;
    const ky_term *other = ky_dict__find_key(dict, v, key);
    const ky_term *term = &dict->vocabs[v].terms[t];
    if (other && other != term) {
        ky_loc loc = {.file = term->file, .row = term->row};
        status = ky_error_set(ctx, KY_EPARSE, &loc,
                              KY_("\"%s\" of value \"%s\" also names value \"%s\" (%s, row %u); "
                                  "a label or alias may name one value only"),
                              text, term->code, other->code, other->file, (unsigned)other->row);
    } else if (key[0] && !other) {
        status = ky_value__list_push(&dict->vocabs[v].keys[t], key, strlen(key));
    }
    free(key);
    return status;
}

static int build_keys(ky_ctx *ctx, ky_dict *dict)
{
    for (int v = 0; v < KY_VOCAB_COUNT; v++) {
        ky_vocab *vocab = &dict->vocabs[v];
        vocab->keys = calloc(vocab->count ? vocab->count : 1, sizeof *vocab->keys);
        if (!vocab->keys)
            return KY_ENOMEM;
        for (size_t t = 0; t < vocab->count; t++) {
            const ky_term *term = &vocab->terms[t];
            int status = add_key(ctx, dict, (ky_vocab_id)v, t, term->code);
            if (status == 0)
                status = add_key(ctx, dict, (ky_vocab_id)v, t, term->ja);
            if (status == 0)
                status = add_key(ctx, dict, (ky_vocab_id)v, t, term->en);
            for (size_t a = 0; status == 0 && a < term->aliases.count; a++)
                status = add_key(ctx, dict, (ky_vocab_id)v, t, term->aliases.items[a]);
            if (status != 0)
                return status;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Folders                                                                  */
/* ------------------------------------------------------------------------ */

static bool is_folder(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Return true when `name` is NAME.csv or NAME.extra.csv of a known file. */
static bool known_file_name(const char *name)
{
    for (int v = -1; v < KY_VOCAB_COUNT; v++) {
        const char *base = v < 0 ? RULES_FILE : vocab_files[v];
        size_t len = strlen(base);
        if (strncmp(name, base, len) == 0
            && (strcmp(name + len, ".csv") == 0 || strcmp(name + len, ".extra.csv") == 0))
            return true;
    }
    return false;
}

/* Warn about CSV files of a user's folder that no vocabulary reads, since a typo loses them. */
static void warn_unknown_files(ky_ctx *ctx, const char *dir)
{
    DIR *folder = opendir(dir);
    if (!folder)
        return;
    struct dirent *entry;
    while ((entry = readdir(folder)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (len < 4 || strcasecmp(entry->d_name + len - 4, ".csv") != 0
            || known_file_name(entry->d_name))
            continue;
        ky_loc loc = {.file = dir};
        ky_diag_emit(ctx, KY_SEV_WARNING, "dictionary.unknown-file", &loc,
                     KY_("%s is not read: dictionary files are named NAME.csv or "
                         "NAME.extra.csv, where NAME is purpose, importance, lifecycle, "
                         "service, keywords, countermeasure, cause, human-life, social-effect "
                         "or rules"),
                     entry->d_name);
    }
    closedir(folder);
}

/* Load one vocabulary (or the rules, vocab -1) from the user's folder or the built-in one. */
static int load_named(ky_ctx *ctx, ky_dict *dict, const char *builtin_dir, const char *user_dir,
                      int vocab)
{
    const char *base = vocab < 0 ? RULES_FILE : vocab_files[vocab];
    ky_buf path = {0};
    int status = 0;
    if (user_dir && ky_buf_printf(&path, "%s/%s.csv", user_dir, base) == 0 && is_file(path.data))
        status = load_file(ctx, dict, path.data, vocab, false);
    else {
        ky_buf_clear(&path);
        status = ky_buf_printf(&path, "%s/%s.csv", builtin_dir, base);
        if (status == 0 && !is_file(path.data)) {
            ky_loc loc = {.file = path.data};
            status = ky_error_set(ctx, KY_ENOTFOUND, &loc, "%s",
                                  KY_("dictionary file not found; reinstall kyokun or give a "
                                      "folder that has it with --dictionary DIR"));
        } else if (status == 0) {
            status = load_file(ctx, dict, path.data, vocab, false);
        }
    }
    ky_buf_clear(&path);
    if (status == 0 && user_dir && ky_buf_printf(&path, "%s/%s.extra.csv", user_dir, base) == 0
        && is_file(path.data))
        status = load_file(ctx, dict, path.data, vocab, true);
    ky_buf_free(&path);
    return status;
}

int ky_dict_load(ky_ctx *ctx, const char *builtin_dir, const char *user_dir, ky_dict **out)
{
    *out = NULL;
    if (user_dir && !is_folder(user_dir)) {
        ky_loc loc = {.file = user_dir};
        return ky_error_set(ctx, KY_ENOTFOUND, &loc, "%s",
                            KY_("dictionary folder not found: give an existing folder to "
                                "--dictionary"));
    }
    if (!builtin_dir)
        builtin_dir = ky_dict_default_dir();

    ky_dict *dict = calloc(1, sizeof *dict);
    if (!dict)
        return ky_error_set(ctx, KY_ENOMEM, NULL, "%s", KY_("out of memory"));
    int status = 0;
    for (int v = 0; v < KY_VOCAB_COUNT && status == 0; v++)
        status = load_named(ctx, dict, builtin_dir, user_dir, v);
    if (status == 0)
        status = load_named(ctx, dict, builtin_dir, user_dir, -1);
    if (status == 0)
        status = check_parents(ctx, dict);
    if (status == 0)
        status = check_rules(ctx, dict);
    if (status == 0)
        status = build_keys(ctx, dict);
    if (status == KY_ENOMEM)
        ky_error_set(ctx, KY_ENOMEM, NULL, "%s", KY_("out of memory"));
    if (status != 0) {
        ky_dict_free(dict);
        return status;
    }
    if (user_dir)
        warn_unknown_files(ctx, user_dir);
    *out = dict;
    return 0;
}
