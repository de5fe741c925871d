/* SPDX-License-Identifier: MIT */
/*
 * Anonymisation: the anonymizer, scanning a text with the names list and
 * the detectors, and the map file. Each anonymised book writes its map rows
 * to its own file in a spool folder, so books may be anonymised in several
 * threads or forked processes at once. ky_anonymizer_write_map() then
 * collects the rows of every book into the map.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anonymize.h"
#include "formats/ky_csv.h"
#include "formats/ky_file.h"
#include "formats/ky_text.h"
#include "kyokun/anonymize.h"
#include "kyokun/i18n.h"

/* ------------------------------------------------------------------------ */
/* Kinds and placeholders                                                    */
/* ------------------------------------------------------------------------ */

/* The text before and after the letters of a placeholder, per language. */
typedef struct placeholder_style {
    const char *prefix;
    const char *suffix;
} placeholder_style;

static const placeholder_style styles[2][KY_NAME_KIND_COUNT] = {
    [KY_LANG_JA] = {
        [KY_NAME_COMPANY] = {"", "社"},
        [KY_NAME_PRODUCT] = {"製品", ""},
        [KY_NAME_PERSON] = {"担当者", ""},
        [KY_NAME_OTHER] = {"名称", ""},
        [KY_NAME_EMAIL] = {"メールアドレス", ""},
        [KY_NAME_PHONE] = {"電話番号", ""},
        [KY_NAME_IP] = {"IPアドレス", ""},
    },
    [KY_LANG_EN] = {
        [KY_NAME_COMPANY] = {"Company ", ""},
        [KY_NAME_PRODUCT] = {"Product ", ""},
        [KY_NAME_PERSON] = {"Person ", ""},
        [KY_NAME_OTHER] = {"Name ", ""},
        [KY_NAME_EMAIL] = {"Email address ", ""},
        [KY_NAME_PHONE] = {"Phone number ", ""},
        [KY_NAME_IP] = {"IP address ", ""},
    },
};

static const char *const kind_names[KY_NAME_KIND_COUNT] = {
    "company", "product", "person", "other", "email", "phone", "ip-address",
};

const char *ky_name_kind_name(ky_name_kind kind)
{
    return (unsigned)kind < KY_NAME_KIND_COUNT ? kind_names[kind] : "unknown";
}

static const placeholder_style *style_of(const ky_anonymizer *anonymizer, ky_name_kind kind)
{
    ky_lang lang = anonymizer->options.lang == KY_LANG_EN ? KY_LANG_EN : KY_LANG_JA;
    return &styles[lang][kind];
}

/* Append the letters of placeholder number `n` (0 is A, 25 Z, 26 AA), as
 * spreadsheet columns are named. */
static int append_letters(ky_buf *out, size_t n)
{
    char letters[16];
    size_t len = 0;
    n++;
    while (n > 0 && len < sizeof letters) {
        n--;
        letters[len++] = (char)('A' + n % 26);
        n /= 26;
    }
    for (size_t i = 0; i < len / 2; i++) {
        char c = letters[i];
        letters[i] = letters[len - 1 - i];
        letters[len - 1 - i] = c;
    }
    return ky_buf_append(out, letters, len);
}

void ky_anonymize_options_init(ky_anonymize_options *options)
{
    memset(options, 0, sizeof *options);
    options->lang = KY_LANG_JA;
}

/* ------------------------------------------------------------------------ */
/* The anonymizer                                                            */
/* ------------------------------------------------------------------------ */

int ky_anonymizer_new(ky_ctx *ctx, const ky_anonymize_options *options, ky_anonymizer **out)
{
    *out = NULL;
    ky_anonymizer *anonymizer = calloc(1, sizeof *anonymizer);
    if (!anonymizer)
        return ky_error_set(ctx, KY_ENOMEM, NULL, "%s", KY_("out of memory"));
    if (options)
        anonymizer->options = *options;
    else
        ky_anonymize_options_init(&anonymizer->options);
    *out = anonymizer;
    return 0;
}

/* Remove the spool folder and its files. */
static void remove_spool(const char *spool)
{
    DIR *dir = opendir(spool);
    if (dir) {
        ky_buf path = {0};
        for (struct dirent *entry = readdir(dir); entry; entry = readdir(dir)) {
            if (entry->d_name[0] == '.')
                continue;
            ky_buf_clear(&path);
            if (ky_buf_printf(&path, "%s/%s", spool, entry->d_name) == 0)
                unlink(path.data);
        }
        ky_buf_free(&path);
        closedir(dir);
    }
    rmdir(spool);
}

void ky_anonymizer_free(ky_anonymizer *anonymizer)
{
    if (!anonymizer)
        return;
    ky_anonymize__names_free(anonymizer);
    /* A forked worker leaves the spool to the process that made it. */
    if (anonymizer->spool && anonymizer->spool_owner == getpid())
        remove_spool(anonymizer->spool);
    free(anonymizer->spool);
    free(anonymizer);
}

int ky_anonymizer_keep_map(ky_ctx *ctx, ky_anonymizer *anonymizer)
{
    if (anonymizer->spool)
        return 0;
    const char *tmp = getenv("TMPDIR");
    ky_buf path = {0};
    if (ky_buf_printf(&path, "%s/kyokun-map-XXXXXX", tmp && tmp[0] ? tmp : "/tmp") != 0)
        return ky_error_set(ctx, KY_ENOMEM, NULL, "%s", KY_("out of memory"));
    /* mkdtemp creates the folder with mode 0700, so only this user reads the real names. */
    if (!mkdtemp(path.data)) {
        ky_loc loc = {.file = path.data};
        int status = ky_error_set(ctx, KY_EIO, &loc,
                                  KY_("cannot create a temporary folder for the name map: %s"),
                                  strerror(errno));
        ky_buf_free(&path);
        return status;
    }
    anonymizer->spool = ky_buf_take(&path);
    anonymizer->spool_owner = getpid();
    return 0;
}

bool ky_anonymize__absorbs_company_suffix(const ky_anonymizer *anonymizer, const char *placeholder)
{
    static const char sha[] = "社";
    if (!placeholder)
        return strcmp(style_of(anonymizer, KY_NAME_COMPANY)->suffix, sha) == 0;
    size_t len = strlen(placeholder);
    return len >= strlen(sha) && strcmp(placeholder + len - strlen(sha), sha) == 0;
}

/* ------------------------------------------------------------------------ */
/* Scanning a text                                                           */
/* ------------------------------------------------------------------------ */

/* Append the detections that overlap no listed match, keeping text order. */
static int merge_detections(ky_match_list *listed, const ky_match_list *detected)
{
    size_t listed_count = listed->count;
    size_t next_listed = 0;
    for (size_t d = 0; d < detected->count; d++) {
        const ky_name_match *m = &detected->items[d];
        while (next_listed < listed_count && listed->items[next_listed].end <= m->start)
            next_listed++;
        bool overlaps = next_listed < listed_count && listed->items[next_listed].start < m->end;
        if (!overlaps && ky_anonymize__push(listed, m) != 0)
            return KY_ENOMEM;
    }
    return 0;
}

static int compare_starts(const void *a, const void *b)
{
    const ky_name_match *x = a;
    const ky_name_match *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

int ky_anonymize__scan_folded(const ky_anonymizer *anonymizer, const ky_folded_text *folded,
                              ky_match_list *out)
{
    int status = ky_anonymize__match_names(anonymizer, folded, out);
    if (status == 0 && anonymizer->options.detect) {
        ky_match_list detected = {0};
        status = ky_anonymize__detect(folded, &detected);
        if (status == 0)
            status = merge_detections(out, &detected);
        free(detected.items);
        if (status == 0 && out->count > 1)
            qsort(out->items, out->count, sizeof *out->items, compare_starts);
    }
    return status;
}

int ky_anonymizer_scan(const ky_anonymizer *anonymizer, const char *text, size_t len,
                       ky_name_match **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    ky_folded_text folded;
    if (ky_anonymize__fold(text, len, &folded) != 0)
        return KY_ENOMEM;
    ky_match_list matches = {0};
    int status = ky_anonymize__scan_folded(anonymizer, &folded, &matches);

    /* Turn code point indices into byte offsets of the original text. */
    for (size_t i = 0; status == 0 && i < matches.count; i++) {
        ky_name_match *m = &matches.items[i];
        m->start = folded.offsets[m->start];
        m->end = folded.offsets[m->end];
        m->name_start = folded.offsets[m->name_start];
        m->name_end = folded.offsets[m->name_end];
    }
    ky_anonymize__folded_free(&folded);
    if (status != 0) {
        free(matches.items);
        return status;
    }
    *out = matches.items;
    *count = matches.count;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The map file                                                              */
/* ------------------------------------------------------------------------ */

/* Append map rows as CSV records (without the header). */
static int append_rows(ky_buf *out, const ky_map_row *rows, size_t count)
{
    int status = 0;
    for (size_t i = 0; status == 0 && i < count; i++) {
        const ky_map_row *row = &rows[i];
        const char *book = row->book ? row->book : "";
        status |= ky_csv_append_field(out, book, strlen(book), ',');
        status |= ky_buf_printf(out, ",%s,", ky_name_kind_name(row->kind));
        status |= ky_csv_append_field(out, row->name, strlen(row->name), ',');
        status |= ky_buf_putc(out, ',');
        status |= ky_csv_append_field(out, row->placeholder, strlen(row->placeholder), ',');
        status |= ky_buf_printf(out, ",%zu", row->occurrences);
        status |= ky_csv_end_record(out, KY_CSV_CRLF);
    }
    return status == 0 ? 0 : KY_ENOMEM;
}

/* Write all of `data` to `fd`. Returns false with errno set when it fails. */
static bool write_all(int fd, const ky_buf *data)
{
    size_t written = 0;
    while (written < data->len) {
        ssize_t n = write(fd, data->data + written, data->len - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        written += (size_t)n;
    }
    return true;
}

int ky_anonymize__spool_rows(ky_ctx *ctx, const ky_anonymizer *anonymizer,
                             const ky_map_row *rows, size_t count)
{
    if (!anonymizer->spool || count == 0)
        return 0;
    ky_buf csv = {0};
    ky_buf path = {0};
    int status = append_rows(&csv, rows, count);
    if (status == 0 && ky_buf_printf(&path, "%s/book-XXXXXX", anonymizer->spool) != 0)
        status = KY_ENOMEM;
    if (status != 0) {
        ky_buf_free(&csv);
        return ky_error_set(ctx, KY_ENOMEM, NULL, "%s", KY_("out of memory"));
    }
    int fd = mkstemp(path.data);
    bool ok = fd >= 0 && write_all(fd, &csv);
    if (fd >= 0)
        ok = close(fd) == 0 && ok;
    if (!ok) {
        ky_loc loc = {.file = path.data};
        status = ky_error_set(ctx, KY_EIO, &loc, KY_("cannot write the name map: %s"),
                              strerror(errno));
    }
    ky_buf_free(&csv);
    ky_buf_free(&path);
    return status;
}

/* Write the name map atomically. It contains the real names, so it stays private (0600). */
static int write_atomically(ky_ctx *ctx, const char *path, const ky_buf *data)
{
    if (ky_file_write_atomic(path, data->data, data->len, true) == 0)
        return 0;
    ky_loc loc = {.file = path};
    return ky_error_set(ctx, KY_EIO, &loc, KY_("cannot write the name map: %s"), strerror(errno));
}

/* The map rows of one book, as its spool file contains them. */
typedef struct spooled_book {
    char *csv;
} spooled_book;

static int compare_books(const void *a, const void *b)
{
    return strcmp(((const spooled_book *)a)->csv, ((const spooled_book *)b)->csv);
}

/* Read every spool file into `books`. Returns 0, or KY_EIO or KY_ENOMEM with the error set. */
static int read_spool(ky_ctx *ctx, const char *spool, spooled_book **books, size_t *count)
{
    ky_loc loc = {.file = spool};
    DIR *dir = opendir(spool);
    if (!dir)
        return ky_error_set(ctx, KY_EIO, &loc, KY_("cannot read the name map: %s"),
                            strerror(errno));
    int status = 0;
    size_t capacity = 0;
    ky_buf path = {0};
    for (struct dirent *entry = readdir(dir); status == 0 && entry; entry = readdir(dir)) {
        if (entry->d_name[0] == '.')
            continue;
        ky_buf_clear(&path);
        ky_buf csv = {0};
        FILE *file = NULL;
        if (ky_buf_printf(&path, "%s/%s", spool, entry->d_name) != 0)
            status = KY_ENOMEM;
        else if (!(file = fopen(path.data, "rb")))
            status = KY_EIO;
        char chunk[8192];
        size_t n;
        while (file && status == 0 && (n = fread(chunk, 1, sizeof chunk, file)) > 0)
            status = ky_buf_append(&csv, chunk, n);
        if (file)
            fclose(file);
        if (status == 0 && *count == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            spooled_book *grown = realloc(*books, capacity * sizeof *grown);
            status = grown ? 0 : KY_ENOMEM;
            if (grown)
                *books = grown;
        }
        if (status == 0 && csv.len > 0)
            (*books)[(*count)++] = (spooled_book){ky_buf_take(&csv)};
        ky_buf_free(&csv);
    }
    closedir(dir);
    ky_buf_free(&path);
    if (status == KY_EIO)
        return ky_error_set(ctx, KY_EIO, &loc, KY_("cannot read the name map: %s"),
                            strerror(errno));
    if (status != 0)
        return ky_error_set(ctx, KY_ENOMEM, NULL, "%s", KY_("out of memory"));
    return 0;
}

int ky_anonymizer_write_map(ky_ctx *ctx, ky_anonymizer *anonymizer, const char *path)
{
    if (!anonymizer->spool)
        return ky_error_set(ctx, KY_EINVAL, NULL, "%s",
                            KY_("the name map was not kept: call ky_anonymizer_keep_map() "
                                "before anonymising"));
    spooled_book *books = NULL;
    size_t count = 0;
    int status = read_spool(ctx, anonymizer->spool, &books, &count);

    /* Each book's rows start with its title, so sorting the files sorts the books. */
    ky_buf csv = {0};
    if (status == 0) {
        qsort(books, count, sizeof *books, compare_books);
        int appended = ky_buf_puts(&csv, "book,kind,name,placeholder,occurrences\r\n");
        for (size_t i = 0; i < count; i++)
            appended |= ky_buf_puts(&csv, books[i].csv);
        status = appended == 0 ? 0 : ky_error_set(ctx, KY_ENOMEM, NULL, "%s",
                                                  KY_("out of memory"));
    }
    if (status == 0)
        status = write_atomically(ctx, path, &csv);
    for (size_t i = 0; i < count; i++)
        free(books[i].csv);
    free(books);
    ky_buf_free(&csv);
    return status;
}

int ky_anonymize__placeholder(const ky_anonymizer *anonymizer, ky_name_kind kind, size_t number,
                              ky_buf *out)
{
    const placeholder_style *style = style_of(anonymizer, kind);
    ky_buf_clear(out);
    int status = ky_buf_puts(out, style->prefix);
    status |= append_letters(out, number);
    status |= ky_buf_puts(out, style->suffix);
    return status == 0 ? 0 : KY_ENOMEM;
}

const char *ky_anonymize__style_prefix(const ky_anonymizer *anonymizer, ky_name_kind kind)
{
    return style_of(anonymizer, kind)->prefix;
}

const char *ky_anonymize__style_suffix(const ky_anonymizer *anonymizer, ky_name_kind kind)
{
    return style_of(anonymizer, kind)->suffix;
}
