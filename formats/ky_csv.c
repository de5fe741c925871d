/* SPDX-License-Identifier: MIT */
/*
 * CSV codec: encoding detection over the whole input, separator detection,
 * a streaming RFC 4180 parser fed with UTF-8 decoded in chunks, and writer
 * helpers (quoting, record ends, CP932 output through iconv).
 */
#include "formats/ky_csv.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kyokun/i18n.h"

/* Decoded bytes examined by separator detection. */
#define CSV_SAMPLE_BYTES ((size_t)64 << 10)
/* Records examined by separator detection. */
#define CSV_SAMPLE_RECORDS 100
/* Size of the UTF-8 chunks that iconv decodes into. */
#define CSV_DECODE_CHUNK ((size_t)64 << 10)
/* Invalid byte sequences reported one by one; later ones are only counted. */
#define CSV_INVALID_REPORTS 10
/* Leading bytes checked for the NUL pattern of UTF-16 without a BOM. */
#define CSV_UTF16_SNIFF_BYTES 4096

static const char replacement_char[] = "\xEF\xBF\xBD";

/* ------------------------------------------------------------------------
 * Encodings
 * ------------------------------------------------------------------------ */

/* Guess the byte order of BOM-less UTF-16 from where its NUL bytes fall:
 * mostly-ASCII text has a NUL in every other byte. Returns false when the
 * bytes do not look like UTF-16. */
static bool sniff_utf16(const unsigned char *data, size_t size, ky_csv_encoding *out)
{
    size_t n = size < CSV_UTF16_SNIFF_BYTES ? size : CSV_UTF16_SNIFF_BYTES;
    size_t even = 0, odd = 0;

    n &= ~(size_t)1;
    if (n < 4)
        return false;
    for (size_t i = 0; i < n; i += 2) {
        even += data[i] == 0;
        odd += data[i + 1] == 0;
    }
    /* At least a third of the code units must be ASCII-range ones. */
    if (even == 0 && odd * 3 >= n / 2) {
        *out = KY_CSV_UTF16LE;
        return true;
    }
    if (odd == 0 && even * 3 >= n / 2) {
        *out = KY_CSV_UTF16BE;
        return true;
    }
    return false;
}

int ky_csv_encoding_parse(const char *name, const unsigned char *data, size_t size,
                          ky_csv_encoding *out)
{
    static const char *const utf8_names[] = {"utf-8", "utf8", "utf-8-bom", "utf-8-sig", NULL};
    static const char *const cp932_names[] = {"cp932", "ms932", "windows-31j", "shift_jis",
                                              "shift-jis", "sjis", "x-sjis", NULL};
    static const char *const eucjp_names[] = {"euc-jp", "eucjp", "euc_jp", NULL};

    if (!name)
        return KY_EINVAL;
    for (size_t i = 0; utf8_names[i]; i++)
        if (strcasecmp(name, utf8_names[i]) == 0) {
            *out = KY_CSV_UTF8;
            return 0;
        }
    for (size_t i = 0; cp932_names[i]; i++)
        if (strcasecmp(name, cp932_names[i]) == 0) {
            *out = KY_CSV_CP932;
            return 0;
        }
    for (size_t i = 0; eucjp_names[i]; i++)
        if (strcasecmp(name, eucjp_names[i]) == 0) {
            *out = KY_CSV_EUCJP;
            return 0;
        }
    if (strcasecmp(name, "utf-16le") == 0 || strcasecmp(name, "utf16le") == 0) {
        *out = KY_CSV_UTF16LE;
        return 0;
    }
    if (strcasecmp(name, "utf-16be") == 0 || strcasecmp(name, "utf16be") == 0) {
        *out = KY_CSV_UTF16BE;
        return 0;
    }
    if (strcasecmp(name, "utf-16") == 0 || strcasecmp(name, "utf16") == 0) {
        /* The BOM decides; without one, the NUL pattern, and little-endian
         * (what Excel and Windows write) when even that is unclear. */
        *out = KY_CSV_UTF16LE;
        if (data && size >= 2 && data[0] == 0xFE && data[1] == 0xFF)
            *out = KY_CSV_UTF16BE;
        else if (data && !(size >= 2 && data[0] == 0xFF && data[1] == 0xFE))
            sniff_utf16(data, size, out);
        return 0;
    }
    return KY_EINVAL;
}

const char *ky_csv_encoding_name(ky_csv_encoding encoding)
{
    switch (encoding) {
    case KY_CSV_UTF8:
        return "UTF-8";
    case KY_CSV_UTF16LE:
        return "UTF-16LE";
    case KY_CSV_UTF16BE:
        return "UTF-16BE";
    case KY_CSV_CP932:
        return "CP932";
    case KY_CSV_EUCJP:
        return "EUC-JP";
    }
    return "?";
}

/* Return the glibc iconv name of an encoding. */
static const char *iconv_name(ky_csv_encoding encoding)
{
    switch (encoding) {
    case KY_CSV_UTF16LE:
        return "UTF-16LE";
    case KY_CSV_UTF16BE:
        return "UTF-16BE";
    case KY_CSV_CP932:
        return "CP932";
    case KY_CSV_EUCJP:
        return "EUC-JP";
    case KY_CSV_UTF8:
        break;
    }
    return "UTF-8";
}

/* Return the length of the BOM of `encoding` at the start of the data, or 0. */
static size_t bom_length(ky_csv_encoding encoding, const unsigned char *data, size_t size)
{
    if (encoding == KY_CSV_UTF8 && size >= 3 && data[0] == 0xEF && data[1] == 0xBB &&
        data[2] == 0xBF)
        return 3;
    if (encoding == KY_CSV_UTF16LE && size >= 2 && data[0] == 0xFF && data[1] == 0xFE)
        return 2;
    if (encoding == KY_CSV_UTF16BE && size >= 2 && data[0] == 0xFE && data[1] == 0xFF)
        return 2;
    return 0;
}

/*
 * Return the length of the valid multi-byte UTF-8 sequence at s (len bytes
 * left), or 0 when it is invalid. The rules are ky_utf8_decode()'s: no
 * overlong forms, no surrogates, nothing above U+10FFFF, no cut sequence.
 */
static size_t utf8_sequence_length(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c >= 0xC2 && c <= 0xDF)
        return len >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (len < 3 || (s[2] & 0xC0) != 0x80)
            return 0;
        unsigned char low = c == 0xE0 ? 0xA0 : 0x80, high = c == 0xED ? 0x9F : 0xBF;
        return s[1] >= low && s[1] <= high ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (len < 4 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        unsigned char low = c == 0xF0 ? 0x90 : 0x80, high = c == 0xF4 ? 0x8F : 0xBF;
        return s[1] >= low && s[1] <= high ? 4 : 0;
    }
    return 0;
}

/*
 * Scan data[i, size) for valid UTF-8, starting sequences before `stop` only.
 * Return the offset of the first invalid sequence when it starts before
 * `stop`, else the end of the last sequence read (from `stop` to stop + 3).
 * ASCII is checked eight bytes at a time.
 */
static size_t utf8_valid_until(const unsigned char *data, size_t i, size_t stop, size_t size)
{
    while (i < stop) {
        if (data[i] < 0x80) {
            while (i + 8 <= stop) {
                uint64_t word;
                memcpy(&word, data + i, sizeof word);
                if (word & UINT64_C(0x8080808080808080))
                    break;
                i += 8;
            }
            while (i < stop && data[i] < 0x80)
                i++;
            continue;
        }
        size_t n = utf8_sequence_length(data + i, size - i);
        if (n == 0)
            return i;
        i += n;
    }
    return i;
}

/* Return the offset of the first invalid UTF-8 sequence, or `size` when all bytes are valid. */
static size_t utf8_invalid_offset(const unsigned char *data, size_t size)
{
    return utf8_valid_until(data, 0, size, size);
}

/* Pages of a file mapping that a read has finished with (ky_csv_read_options.release_mapping). */
typedef struct page_release {
    bool enabled;
    uintptr_t page_size;
    uintptr_t done; /* page-aligned address up to which pages were given back */
} page_release;

/* Start a pass over the mapping at `data`: nothing before it is given back again. */
static void release_restart(page_release *release, const unsigned char *data)
{
    if (release->enabled)
        release->done = (uintptr_t)data & ~(release->page_size - 1);
}

/* Give back the whole pages of the mapping below `end`. */
static void release_pages(page_release *release, const unsigned char *end)
{
    if (!release || !release->enabled)
        return;
    uintptr_t limit = (uintptr_t)end & ~(release->page_size - 1);
    if (limit <= release->done)
        return;
    /* Only a hint: should it fail, the pages simply stay resident. */
    madvise((void *)release->done, limit - release->done, MADV_DONTNEED);
    release->done = limit;
}

/* Return the offset of the first invalid UTF-8 sequence, releasing pages as the scan goes. */
static size_t utf8_invalid_offset_releasing(const unsigned char *data, size_t size,
                                            page_release *release)
{
    size_t i = 0;
    while (i < size) {
        size_t stop = size - i > CSV_DECODE_CHUNK * 16 ? i + CSV_DECODE_CHUNK * 16 : size;
        i = utf8_valid_until(data, i, stop, size);
        if (i < stop)
            return i;
        release_pages(release, data + i);
    }
    return size;
}

/* ky_csv_detect_encoding() that gives back the pages of a file mapping as it checks them. */
static ky_csv_encoding detect_encoding(const unsigned char *data, size_t size, size_t *bom_len,
                                       size_t *invalid_offset, page_release *release)
{
    ky_csv_encoding encoding = KY_CSV_UTF8;
    size_t bom = 0;
    size_t invalid = size;

    if (!data)
        size = 0;
    if ((bom = bom_length(KY_CSV_UTF8, data, size)) > 0)
        encoding = KY_CSV_UTF8;
    else if ((bom = bom_length(KY_CSV_UTF16LE, data, size)) > 0)
        encoding = KY_CSV_UTF16LE;
    else if ((bom = bom_length(KY_CSV_UTF16BE, data, size)) > 0)
        encoding = KY_CSV_UTF16BE;
    else if (!sniff_utf16(data, size, &encoding)) {
        invalid = release ? utf8_invalid_offset_releasing(data, size, release)
                          : utf8_invalid_offset(data, size);
        encoding = invalid < size ? KY_CSV_CP932 : KY_CSV_UTF8;
    }

    if (bom_len)
        *bom_len = bom;
    if (invalid_offset)
        *invalid_offset = invalid;
    return encoding;
}

ky_csv_encoding ky_csv_detect_encoding(const unsigned char *data, size_t size, size_t *bom_len,
                                       size_t *invalid_offset)
{
    return detect_encoding(data, size, bom_len, invalid_offset, NULL);
}

/* ------------------------------------------------------------------------
 * Separator detection
 * ------------------------------------------------------------------------ */

/* Count the fields of each record of `text` split on `sep` (quote-aware), and
 * return how many non-blank records share the most common count in *consistent
 * and that count in *fields. Returns the number of non-blank records. */
static size_t count_consistency(const char *text, size_t len, bool complete, char sep,
                                size_t *consistent, size_t *fields)
{
    size_t counts[CSV_SAMPLE_RECORDS];
    size_t records = 0;
    size_t i = 0;

    while (i < len && records < CSV_SAMPLE_RECORDS) {
        size_t field_count = 1;
        size_t record_start = i;
        bool at_field_start = true;
        bool in_quotes = false;
        bool ended = false;

        while (i < len) {
            char c = text[i++];
            if (in_quotes) {
                if (c == '"') {
                    if (i < len && text[i] == '"')
                        i++;
                    else
                        in_quotes = false;
                }
                continue;
            }
            if (c == '"' && at_field_start) {
                in_quotes = true;
                at_field_start = false;
            } else if (c == sep) {
                field_count++;
                at_field_start = true;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i < len && text[i] == '\n')
                    i++;
                ended = true;
                break;
            } else {
                at_field_start = false;
            }
        }

        /* A record cut off by the end of a prefix gives no reliable count. */
        if (!ended && !complete)
            break;
        /* A blank line is not evidence for any separator. */
        bool blank = field_count == 1 && (i - record_start) <= 2 &&
                     (i == record_start || text[record_start] == '\r' ||
                      text[record_start] == '\n');
        if (!blank)
            counts[records++] = field_count;
    }

    /* The most common field count; on a tie the larger count. */
    size_t best_count = 1, best_freq = 0;
    for (size_t a = 0; a < records; a++) {
        size_t freq = 0;
        for (size_t b = 0; b < records; b++)
            freq += counts[b] == counts[a];
        if (freq > best_freq || (freq == best_freq && counts[a] > best_count)) {
            best_freq = freq;
            best_count = counts[a];
        }
    }
    *consistent = best_freq;
    *fields = best_count;
    return records;
}

void ky_csv_guess_separator(const char *text, size_t len, bool complete, bool prefer_tab,
                            ky_csv_separator_guess *out)
{
    const char candidates[3] = {',', '\t', ';'};
    ky_csv_separator_guess guesses[3];
    size_t best = prefer_tab ? 1 : 0;
    bool found = false;

    if (!text)
        len = 0;
    for (size_t k = 0; k < 3; k++) {
        guesses[k].separator = candidates[k];
        guesses[k].records = count_consistency(text, len, complete, candidates[k],
                                               &guesses[k].consistent, &guesses[k].fields);
    }

    /* Candidates are in tie-break order, so only a strictly better one wins,
     * except that tab beats an equal comma for a ".tsv" file. */
    for (size_t k = 0; k < 3; k++) {
        if (guesses[k].fields < 2)
            continue;
        bool better = !found || guesses[k].consistent > guesses[best].consistent ||
                      (guesses[k].consistent == guesses[best].consistent && prefer_tab &&
                       candidates[k] == '\t');
        if (better) {
            best = k;
            found = true;
        }
    }
    *out = guesses[best];
    if (!found)
        out->fields = 1;
}

/* Return the length of an Excel "sep=X" first line including its line end,
 * and the separator in *sep, or 0 when the text does not start with one. */
static size_t sep_line_length(const char *text, size_t len, char *sep)
{
    if (len < 5 || strncasecmp(text, "sep=", 4) != 0)
        return 0;
    unsigned char c = (unsigned char)text[4];
    if (c >= 0x80 || c == '"' || c == '\r' || c == '\n' || c == '\0')
        return 0;
    size_t n = 5;
    if (n < len && text[n] == '\r')
        n++;
    if (n < len && text[n] == '\n')
        n++;
    if (n == 5 && n < len)
        return 0;
    *sep = (char)c;
    return n;
}

/* Return a display name for a separator (translated), or NULL for another character. */
static const char *separator_name(char sep)
{
    switch (sep) {
    case ',':
        return KY_("comma");
    case '\t':
        return KY_("tab");
    case ';':
        return KY_("semicolon");
    default:
        return NULL;
    }
}

/* ------------------------------------------------------------------------
 * Parser: a byte-level state machine over UTF-8 text
 * ------------------------------------------------------------------------ */

typedef enum parse_state {
    CSV_FIELD_START, /* at the start of a field */
    CSV_UNQUOTED,    /* inside a field that did not start with a quote */
    CSV_QUOTED,      /* inside a quoted field */
    CSV_QUOTE_SEEN   /* a quote inside a quoted field: closing or the first of a pair */
} parse_state;

typedef struct csv_parser {
    ky_ctx *ctx;
    const char *path;
    char sep;
    size_t max_field_bytes;
    size_t max_record_bytes;
    size_t max_fields;
    ky_csv_record_fn fn;
    void *payload;

    /* stop_unquoted[b] / stop_quoted[b]: byte b ends a run of plain text. */
    bool stop_unquoted[256];
    bool stop_quoted[256];

    parse_state state;
    bool after_cr;      /* the last byte was a CR, so an LF completes a CRLF */
    bool record_open;   /* bytes of the current record were consumed */
    size_t skip;        /* decoded bytes still to drop (an Excel "sep=" line) */
    ky_buf record;      /* the fields of the current record, each followed by NUL */
    size_t *starts;     /* start offset of each completed field in `record` */
    size_t count;
    size_t starts_cap;
    size_t field_start; /* offset of the current field in `record` */
    ky_csv_field *fields;
    size_t fields_cap;
    uint64_t index;       /* 0-based index of the current record */
    uint64_t line;        /* 1-based physical line being read */
    uint64_t record_line; /* line where the current record started */
    uint64_t quote_line;  /* line where the open quoted field started */
} csv_parser;

/* Return a 1-based row for a ky_loc, saturating at UINT32_MAX. */
static uint32_t loc_number(uint64_t zero_based)
{
    return zero_based >= UINT32_MAX ? UINT32_MAX : (uint32_t)(zero_based + 1);
}

/* Fill the location of the current field of the parser. */
static ky_loc parser_loc(const csv_parser *p)
{
    ky_loc loc = {.file = p->path, .row = loc_number(p->index), .col = loc_number(p->count)};
    return loc;
}

/* Append text to the current field, enforcing the field and record limits. */
static int field_append(csv_parser *p, const char *text, size_t len)
{
    size_t field_len = p->record.len - p->field_start;

    if (len > p->max_field_bytes - field_len) {
        ky_loc loc = parser_loc(p);
        return ky_error_set(p->ctx, KY_ELIMIT, &loc,
                            KY_("field exceeds the maximum of %zu bytes (record starting on line "
                                "%llu); check for a missing closing quote"),
                            p->max_field_bytes, (unsigned long long)p->record_line);
    }
    if (p->record.len > p->max_record_bytes || len > p->max_record_bytes - p->record.len) {
        ky_loc loc = parser_loc(p);
        return ky_error_set(p->ctx, KY_ELIMIT, &loc,
                            KY_("record exceeds the maximum of %zu bytes (record starting on line "
                                "%llu); check for a missing closing quote"),
                            p->max_record_bytes, (unsigned long long)p->record_line);
    }
    if (ky_buf_append(&p->record, text, len) != 0)
        return ky_error_set(p->ctx, KY_ENOMEM, NULL, KY_("out of memory"));
    return 0;
}

/* Close the current field: terminate it with NUL and remember its start. */
static int field_end(csv_parser *p)
{
    if (p->count >= p->max_fields) {
        ky_loc loc = parser_loc(p);
        return ky_error_set(p->ctx, KY_ELIMIT, &loc,
                            KY_("record exceeds the maximum of %zu fields (record starting on line "
                                "%llu); check the separator"),
                            p->max_fields, (unsigned long long)p->record_line);
    }
    if (p->count == p->starts_cap) {
        size_t cap = p->starts_cap ? p->starts_cap * 2 : 64;
        size_t *starts = realloc(p->starts, cap * sizeof *starts);
        if (!starts)
            return ky_error_set(p->ctx, KY_ENOMEM, NULL, KY_("out of memory"));
        p->starts = starts;
        p->starts_cap = cap;
    }
    if (ky_buf_putc(&p->record, '\0') != 0)
        return ky_error_set(p->ctx, KY_ENOMEM, NULL, KY_("out of memory"));
    p->starts[p->count++] = p->field_start;
    p->field_start = p->record.len;
    p->state = CSV_FIELD_START;
    return 0;
}

/* Close the current record and deliver it. Returns 0, KY_CSV_STOP or a
 * negative status. */
static int record_end(csv_parser *p)
{
    int rc = field_end(p);
    if (rc != 0)
        return rc;

    if (p->count > p->fields_cap) {
        ky_csv_field *fields = realloc(p->fields, p->starts_cap * sizeof *fields);
        if (!fields)
            return ky_error_set(p->ctx, KY_ENOMEM, NULL, KY_("out of memory"));
        p->fields = fields;
        p->fields_cap = p->starts_cap;
    }
    for (size_t k = 0; k < p->count; k++) {
        size_t end = k + 1 < p->count ? p->starts[k + 1] : p->record.len;
        p->fields[k].text = p->record.data + p->starts[k];
        p->fields[k].len = end - p->starts[k] - 1;
    }

    ky_csv_record record = {
        .index = p->index,
        .line = p->record_line,
        .fields = p->fields,
        .count = p->count,
    };
    rc = p->fn(p->payload, &record);

    ky_buf_clear(&p->record);
    p->count = 0;
    p->field_start = 0;
    p->record_open = false;
    p->index++;
    if (rc < 0)
        return rc;
    return rc == KY_CSV_STOP ? KY_CSV_STOP : 0;
}

/* Handle a CR or LF outside quotes: count the line and end the record. */
static int line_break(csv_parser *p, char c)
{
    p->line++;
    p->after_cr = c == '\r';
    return record_end(p);
}

/* Consume decoded UTF-8 text. Returns 0, KY_CSV_STOP or a negative status. */
static int parser_feed(void *target, const char *text, size_t len)
{
    csv_parser *p = target;
    size_t i = 0;
    int rc = 0;

    if (p->skip > 0) {
        i = len < p->skip ? len : p->skip;
        p->skip -= i;
    }

    while (i < len) {
        char c = text[i];

        /* The LF of a CRLF: already counted as a line break. */
        if (p->after_cr) {
            p->after_cr = false;
            if (c == '\n') {
                i++;
                if (p->state == CSV_QUOTED && (rc = field_append(p, "\n", 1)) != 0)
                    return rc;
                continue;
            }
        }
        if (!p->record_open) {
            p->record_open = true;
            p->record_line = p->line;
        }

        switch (p->state) {
        case CSV_QUOTED: {
            size_t start = i;
            while (i < len && !p->stop_quoted[(unsigned char)text[i]])
                i++;
            if (i > start) {
                if ((rc = field_append(p, text + start, i - start)) != 0)
                    return rc;
                continue;
            }
            i++;
            if (c == '"') {
                p->state = CSV_QUOTE_SEEN;
                continue;
            }
            /* A line break inside quotes is kept as written. */
            if ((rc = field_append(p, &c, 1)) != 0)
                return rc;
            p->line++;
            p->after_cr = c == '\r';
            continue;
        }

        case CSV_QUOTE_SEEN:
            if (c == '"') {
                i++;
                p->state = CSV_QUOTED;
                if ((rc = field_append(p, "\"", 1)) != 0)
                    return rc;
                continue;
            }
            /* Text after the closing quote is kept and read as unquoted. */
            p->state = CSV_UNQUOTED;
            continue;

        case CSV_FIELD_START:
            if (c == '"') {
                i++;
                p->state = CSV_QUOTED;
                p->quote_line = p->line;
                continue;
            }
            /* fall through */
        case CSV_UNQUOTED: {
            size_t start = i;
            while (i < len && !p->stop_unquoted[(unsigned char)text[i]])
                i++;
            if (i > start) {
                p->state = CSV_UNQUOTED;
                if ((rc = field_append(p, text + start, i - start)) != 0)
                    return rc;
                continue;
            }
            i++;
            if (c == p->sep)
                rc = field_end(p);
            else
                rc = line_break(p, c);
            if (rc != 0)
                return rc;
            continue;
        }
        }
    }
    return 0;
}

/* Deliver the last record at the end of the input, or fail on an open quote. */
static int parser_finish(csv_parser *p)
{
    if (p->state == CSV_QUOTED) {
        ky_loc loc = parser_loc(p);
        return ky_error_set(p->ctx, KY_EPARSE, &loc,
                            KY_("the quoted field that starts on line %llu (record %llu, "
                                "field %zu) is never closed; add the missing \" or check "
                                "the separator and encoding"),
                            (unsigned long long)p->quote_line,
                            (unsigned long long)p->index + 1, p->count + 1);
    }
    if (p->record_open) {
        int rc = record_end(p);
        return rc < 0 ? rc : 0;
    }
    return 0;
}

/* Free the parser's buffers. */
static void parser_free(csv_parser *p)
{
    ky_buf_free(&p->record);
    free(p->starts);
    free(p->fields);
}

/* ------------------------------------------------------------------------
 * Decoding to UTF-8
 * ------------------------------------------------------------------------ */

/* Receiver of decoded text: returns 0, KY_CSV_STOP or a negative status. */
typedef int (*text_consumer_fn)(void *target, const char *text, size_t len);

typedef struct csv_decoder {
    ky_ctx *ctx;
    const char *path;
    ky_csv_encoding encoding;
    const unsigned char *data; /* input after the BOM */
    size_t size;
    size_t base;               /* offset of `data` in the whole input (the BOM length) */
    text_consumer_fn consume;
    void *target;
    csv_parser *parser;        /* locates invalid bytes; NULL while sampling (no warnings) */
    size_t invalid_count;
    bool known_valid;          /* the input was checked and is all valid UTF-8 */
    page_release *release;     /* NULL, or the pages of a file mapping to give back */
} csv_decoder;

/* Count an invalid byte sequence at `offset` of `data`, warn about it with
 * the row and column of the field it falls in, and pass U+FFFD on. */
static int replace_invalid(csv_decoder *dec, size_t offset)
{
    dec->invalid_count++;
    if (dec->parser && dec->invalid_count <= CSV_INVALID_REPORTS) {
        ky_loc loc = parser_loc(dec->parser);
        ky_diag_emit(dec->ctx, KY_SEV_WARNING, "csv.invalid-byte", &loc,
                     KY_("byte 0x%02X at offset %zu is not valid %s; it was replaced "
                         "with U+FFFD"),
                     dec->data[offset], dec->base + offset, ky_csv_encoding_name(dec->encoding));
    }
    return dec->consume(dec->target, replacement_char, 3);
}

/* Decode UTF-8 input: pass valid runs through unchanged, at most about
 * CSV_DECODE_CHUNK bytes at a time, and replace each invalid byte with U+FFFD. */
static int decode_utf8(csv_decoder *dec)
{
    const unsigned char *data = dec->data;
    size_t size = dec->size;
    size_t run = 0, i = 0;
    int rc;

    while (i < size) {
        size_t stop = size - i > CSV_DECODE_CHUNK ? i + CSV_DECODE_CHUNK : size;
        size_t end = dec->known_valid ? stop : utf8_valid_until(data, i, stop, size);
        if (end < stop) {
            if ((rc = dec->consume(dec->target, (const char *)data + run, end - run)) != 0)
                return rc;
            if ((rc = replace_invalid(dec, end)) != 0)
                return rc;
            run = i = end + 1;
            continue;
        }
        i = end;
        if (i < size) {
            if ((rc = dec->consume(dec->target, (const char *)data + run, i - run)) != 0)
                return rc;
            run = i;
            release_pages(dec->release, data + run);
        }
    }
    return dec->consume(dec->target, (const char *)data + run, size - run);
}

/* Decode UTF-16 or a Japanese multi-byte encoding through iconv, in chunks. */
static int decode_iconv(csv_decoder *dec)
{
    size_t unit = dec->encoding == KY_CSV_UTF16LE || dec->encoding == KY_CSV_UTF16BE ? 2 : 1;
    char *chunk = NULL;
    iconv_t cd = iconv_open("UTF-8", iconv_name(dec->encoding));
    int rc = 0;

    if (cd == (iconv_t)-1)
        return ky_error_set(dec->ctx, KY_EUNSUPPORTED, NULL,
                            KY_("decoding %s is not supported by the C library "
                                "(iconv_open failed)"),
                            ky_csv_encoding_name(dec->encoding));
    chunk = malloc(CSV_DECODE_CHUNK);
    if (!chunk) {
        rc = ky_error_set(dec->ctx, KY_ENOMEM, NULL, KY_("out of memory"));
        goto cleanup;
    }

    char *in = (char *)dec->data;
    size_t in_left = dec->size;
    while (in_left > 0) {
        char *out = chunk;
        size_t out_left = CSV_DECODE_CHUNK;
        size_t result = iconv(cd, &in, &in_left, &out, &out_left);
        int error = errno;

        /* Hand over what was decoded before looking at why iconv stopped, so
         * that the parser is at the row and column of an invalid byte. */
        if (out > chunk && (rc = dec->consume(dec->target, chunk, (size_t)(out - chunk))) != 0)
            goto cleanup;
        release_pages(dec->release, (const unsigned char *)in);
        if (result != (size_t)-1 || error == E2BIG)
            continue;
        if (error != EILSEQ && error != EINVAL) {
            rc = ky_error_set(dec->ctx, KY_ERROR, NULL, KY_("decoding %s failed: %s"),
                              ky_csv_encoding_name(dec->encoding), strerror(error));
            goto cleanup;
        }

        /* An invalid or incomplete sequence: replace one code unit and go on. */
        size_t offset = dec->size - in_left;
        size_t skip = unit < in_left ? unit : in_left;
        if ((rc = replace_invalid(dec, offset)) != 0)
            goto cleanup;
        in += skip;
        in_left -= skip;
        iconv(cd, NULL, NULL, NULL, NULL);
    }

cleanup:
    free(chunk);
    iconv_close(cd);
    return rc;
}

/* Decode the whole input into the decoder's consumer. */
static int decode_all(csv_decoder *dec)
{
    return dec->encoding == KY_CSV_UTF8 ? decode_utf8(dec) : decode_iconv(dec);
}

/* The prefix of the decoded text that separator detection looks at. */
typedef struct csv_sample {
    ky_buf text;
    bool truncated;
} csv_sample;

/* Collect decoded text until the sample is full. */
static int sample_consume(void *target, const char *text, size_t len)
{
    csv_sample *sample = target;
    size_t room = CSV_SAMPLE_BYTES - sample->text.len;

    if (len > room) {
        len = room;
        sample->truncated = true;
    }
    if (ky_buf_append(&sample->text, text, len) != 0)
        return KY_ENOMEM;
    return sample->truncated ? KY_CSV_STOP : 0;
}

/* ------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------ */

/* Report the encoding decision as an info diagnostic. */
static void report_encoding(ky_ctx *ctx, const ky_loc *loc, const ky_csv_info *info,
                            size_t invalid_offset, size_t size)
{
    const char *name = ky_csv_encoding_name(info->encoding);

    if (!info->encoding_detected)
        ky_diag_emit(ctx, KY_SEV_INFO, "csv.encoding", loc,
                     KY_("reading as %s, the requested encoding"), name);
    else if (info->bom)
        ky_diag_emit(ctx, KY_SEV_INFO, "csv.encoding", loc,
                     KY_("encoding %s detected from the byte order mark"), name);
    else if (info->encoding == KY_CSV_CP932)
        ky_diag_emit(ctx, KY_SEV_INFO, "csv.encoding", loc,
                     KY_("encoding CP932 detected: the byte at offset %zu is not valid UTF-8"),
                     invalid_offset);
    else if (info->encoding != KY_CSV_UTF8)
        ky_diag_emit(ctx, KY_SEV_INFO, "csv.encoding", loc,
                     KY_("encoding %s detected from the pattern of NUL bytes (no byte order mark)"),
                     name);
    else
        ky_diag_emit(ctx, KY_SEV_INFO, "csv.encoding", loc,
                     KY_("encoding UTF-8 detected: all %zu bytes are valid UTF-8"), size);
}

/* Where the separator came from. */
typedef enum separator_source {
    SEPARATOR_REQUESTED,
    SEPARATOR_SEP_LINE,
    SEPARATOR_DETECTED
} separator_source;

/* Report the separator decision as an info diagnostic. */
static void report_separator(ky_ctx *ctx, const ky_loc *loc, char sep, separator_source source,
                             const ky_csv_separator_guess *guess)
{
    const char *name = separator_name(sep);
    char other[4] = {'\'', sep, '\'', '\0'};

    if (!name)
        name = other;
    if (source == SEPARATOR_REQUESTED)
        ky_diag_emit(ctx, KY_SEV_INFO, "csv.separator", loc,
                     KY_("separator: %s, as requested"), name);
    else if (source == SEPARATOR_SEP_LINE)
        ky_diag_emit(ctx, KY_SEV_INFO, "csv.separator", loc,
                     KY_("separator: %s, from the \"sep=\" first line"), name);
    else if (guess->fields < 2)
        ky_diag_emit(ctx, KY_SEV_INFO, "csv.separator", loc,
                     KY_("separator: %s by default; no separator splits the first records"),
                     name);
    else
        ky_diag_emit(ctx, KY_SEV_INFO, "csv.separator", loc,
                     KY_("separator: %s detected; %zu of the first %zu records have %zu "
                         "fields"),
                     name, guess->consistent, guess->records, guess->fields);
}

int ky_csv_read(ky_ctx *ctx, const unsigned char *data, size_t size,
                const ky_csv_read_options *options, ky_csv_info *info_out,
                ky_csv_record_fn fn, void *payload)
{
    ky_csv_read_options defaults = {0};
    ky_csv_info info = {0};
    csv_parser parser;
    csv_sample sample = {0};
    size_t bom = 0, invalid_offset = 0;
    int rc = 0;

    memset(&parser, 0, sizeof parser);
    if (!options)
        options = &defaults;
    if (!data) {
        /* Adding even 0 to a null pointer is undefined, so read an empty string. */
        data = (const unsigned char *)"";
        size = 0;
    }
    ky_loc file_loc = {.file = options->path};
    page_release release = {.enabled = options->release_mapping && size > 0,
                            .page_size = (uintptr_t)sysconf(_SC_PAGESIZE)};
    release_restart(&release, data);

    /* Encoding: forced by the caller, or detected over the whole input. */
    if (options->encoding) {
        if (ky_csv_encoding_parse(options->encoding, data, size, &info.encoding) != 0)
            return ky_error_set(ctx, KY_EINVAL, &file_loc,
                                KY_("unknown encoding \"%s\"; use utf-8, utf-16, utf-16le, "
                                    "utf-16be, cp932 or euc-jp"),
                                options->encoding);
        bom = bom_length(info.encoding, data, size);
    } else {
        info.encoding = detect_encoding(data, size, &bom, &invalid_offset,
                                        release.enabled ? &release : NULL);
        info.encoding_detected = true;
    }
    info.bom = bom > 0;
    report_encoding(ctx, &file_loc, &info, invalid_offset, size);

    csv_decoder decoder = {
        .ctx = ctx,
        .path = options->path,
        .encoding = info.encoding,
        .data = data + bom,
        .size = size - bom,
        .base = bom,
        /* The detection above already checked every byte of a UTF-8 input without a BOM. */
        .known_valid = info.encoding_detected && info.encoding == KY_CSV_UTF8 && bom == 0
                       && invalid_offset == size,
    };

    /* Separator: the caller's, an Excel "sep=" line, or the most consistent
     * candidate over a decoded prefix. */
    decoder.consume = sample_consume;
    decoder.target = &sample;
    rc = decode_all(&decoder);
    if (rc < 0) {
        if (rc == KY_ENOMEM)
            rc = ky_error_set(ctx, KY_ENOMEM, NULL, KY_("out of memory"));
        goto cleanup;
    }
    const char *sample_text = sample.text.data ? sample.text.data : "";
    char sep_from_line = 0;
    size_t sep_line = sep_line_length(sample_text, sample.text.len, &sep_from_line);
    ky_csv_separator_guess guess = {0};
    if (options->separator) {
        info.separator = options->separator;
        report_separator(ctx, &file_loc, info.separator, SEPARATOR_REQUESTED, &guess);
    } else if (sep_line > 0) {
        info.separator = sep_from_line;
        report_separator(ctx, &file_loc, info.separator, SEPARATOR_SEP_LINE, &guess);
    } else {
        ky_csv_guess_separator(sample_text, sample.text.len, !sample.truncated,
                               options->prefer_tab, &guess);
        info.separator = guess.separator;
        report_separator(ctx, &file_loc, info.separator, SEPARATOR_DETECTED, &guess);
    }
    info.sep_line = sep_line > 0;

    /* Parse the whole input, decoded again from the start. */
    parser.ctx = ctx;
    parser.path = options->path;
    parser.sep = info.separator;
    parser.max_field_bytes = options->max_field_bytes ? options->max_field_bytes
                                                      : KY_CSV_MAX_FIELD_BYTES;
    parser.max_record_bytes = options->max_record_bytes ? options->max_record_bytes
                                                        : KY_CSV_MAX_RECORD_BYTES;
    parser.max_fields = options->max_fields ? options->max_fields : KY_CSV_MAX_FIELDS;
    parser.fn = fn;
    parser.payload = payload;
    parser.line = sep_line > 0 ? 2 : 1;
    parser.skip = sep_line;
    parser.state = CSV_FIELD_START;
    parser.stop_unquoted[(unsigned char)info.separator] = true;
    parser.stop_unquoted['\r'] = parser.stop_unquoted['\n'] = true;
    parser.stop_quoted['"'] = parser.stop_quoted['\r'] = parser.stop_quoted['\n'] = true;

    decoder.consume = parser_feed;
    decoder.target = &parser;
    decoder.parser = &parser;
    decoder.invalid_count = 0;
    decoder.release = release.enabled ? &release : NULL;
    release_restart(&release, data);
    rc = decode_all(&decoder);
    if (rc == 0)
        rc = parser_finish(&parser);
    if (rc == KY_CSV_STOP)
        rc = 0;

    info.invalid_bytes = decoder.invalid_count;
    info.records = parser.index;
    if (decoder.invalid_count > CSV_INVALID_REPORTS)
        ky_diag_emit(ctx, KY_SEV_WARNING, "csv.invalid-byte", &file_loc,
                     KY_("%zu invalid byte sequences in all were replaced with U+FFFD; only "
                         "the first %d are listed"),
                     decoder.invalid_count, CSV_INVALID_REPORTS);

cleanup:
    if (info_out)
        *info_out = info;
    ky_buf_free(&sample.text);
    parser_free(&parser);
    return rc;
}

/* ------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------ */

bool ky_csv_field_needs_quotes(const char *text, size_t len, char sep)
{
    if (len == 0)
        return false;
    if (text[0] == ' ' || text[0] == '\t' || text[len - 1] == ' ' || text[len - 1] == '\t')
        return true;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == sep || c == '"' || c == '\r' || c == '\n')
            return true;
    }
    return false;
}

int ky_csv_append_field(ky_buf *out, const char *text, size_t len, char sep)
{
    if (!ky_csv_field_needs_quotes(text, len, sep))
        return len ? ky_buf_append(out, text, len) : 0;

    if (ky_buf_putc(out, '"') != 0)
        return KY_ENOMEM;
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '"')
            continue;
        /* Write up to and including the quote, then the quote again. */
        if (ky_buf_append(out, text + run, i + 1 - run) != 0 || ky_buf_putc(out, '"') != 0)
            return KY_ENOMEM;
        run = i + 1;
    }
    if (ky_buf_append(out, text + run, len - run) != 0 || ky_buf_putc(out, '"') != 0)
        return KY_ENOMEM;
    return 0;
}

/* Return true when text starts with a character that makes a spreadsheet
 * program read the field as a formula. */
static bool starts_like_formula(const char *text, size_t len)
{
    static const char *const fullwidth[] = {
        "\xEF\xBC\x9D", /* U+FF1D FULLWIDTH EQUALS SIGN */
        "\xEF\xBC\x8B", /* U+FF0B FULLWIDTH PLUS SIGN */
        "\xEF\xBC\x8D", /* U+FF0D FULLWIDTH HYPHEN-MINUS */
        "\xEF\xBC\xA0", /* U+FF20 FULLWIDTH COMMERCIAL AT */
    };

    if (len == 0)
        return false;
    if (strchr("=+-@\t\r", text[0]) && text[0] != '\0')
        return true;
    for (size_t k = 0; k < sizeof fullwidth / sizeof fullwidth[0]; k++)
        if (len >= 3 && memcmp(text, fullwidth[k], 3) == 0)
            return true;
    return false;
}

int ky_csv_append_text_field(ky_buf *out, const char *text, size_t len, char sep)
{
    if (!starts_like_formula(text, len))
        return ky_csv_append_field(out, text, len, sep);

    ky_buf guarded = {0};
    int rc = KY_ENOMEM;
    if (ky_buf_putc(&guarded, '\'') != 0 || ky_buf_append(&guarded, text, len) != 0)
        goto cleanup;
    rc = ky_csv_append_field(out, guarded.data, guarded.len, sep);

cleanup:
    ky_buf_free(&guarded);
    return rc;
}

int ky_csv_end_record(ky_buf *out, ky_csv_eol eol)
{
    return eol == KY_CSV_LF ? ky_buf_putc(out, '\n') : ky_buf_append(out, "\r\n", 2);
}

/* ------------------------------------------------------------------------
 * CP932 output
 * ------------------------------------------------------------------------ */

struct ky_cp932_encoder {
    iconv_t cd;
    char *substitute;
    size_t substituted;
};

int ky_cp932_encoder_new(ky_cp932_encoder **out, const char *substitute)
{
    ky_cp932_encoder *enc = calloc(1, sizeof *enc);

    *out = NULL;
    if (!enc)
        return KY_ENOMEM;
    enc->cd = (iconv_t)-1;
    if (substitute && !(enc->substitute = ky_strdup(substitute))) {
        free(enc);
        return KY_ENOMEM;
    }
    enc->cd = iconv_open("CP932", "UTF-8");
    if (enc->cd == (iconv_t)-1) {
        ky_cp932_encoder_free(enc);
        return KY_EUNSUPPORTED;
    }
    *out = enc;
    return 0;
}

int ky_cp932_encode(ky_cp932_encoder *enc, const char *text, size_t len, ky_buf *out,
                    uint32_t *bad_cp)
{
    char chunk[4096];
    char *in = (char *)text;
    size_t in_left = len;

    if (bad_cp)
        *bad_cp = 0;
    while (in_left > 0) {
        char *dst = chunk;
        size_t out_left = sizeof chunk;
        size_t result = iconv(enc->cd, &in, &in_left, &dst, &out_left);
        int error = errno;

        if (dst > chunk && ky_buf_append(out, chunk, (size_t)(dst - chunk)) != 0)
            return KY_ENOMEM;
        if (result != (size_t)-1 || error == E2BIG)
            continue;
        iconv(enc->cd, NULL, NULL, NULL, NULL);

        /* Tell an unmappable character from invalid UTF-8. */
        uint32_t cp;
        size_t n = ky_utf8_decode((const unsigned char *)in, in_left, &cp);
        if (error != EILSEQ || (n == 1 && cp == 0xFFFD))
            return KY_EINVAL;
        if (bad_cp && *bad_cp == 0)
            *bad_cp = cp;
        if (!enc->substitute)
            return KY_EUNSUPPORTED;
        if (ky_buf_puts(out, enc->substitute) != 0)
            return KY_ENOMEM;
        enc->substituted++;
        in += n;
        in_left -= n;
    }
    return 0;
}

size_t ky_cp932_encoder_substituted(const ky_cp932_encoder *enc)
{
    return enc ? enc->substituted : 0;
}

void ky_cp932_encoder_free(ky_cp932_encoder *enc)
{
    if (!enc)
        return;
    if (enc->cd != (iconv_t)-1)
        iconv_close(enc->cd);
    free(enc->substitute);
    free(enc);
}
