/* SPDX-License-Identifier: MIT */
/*
 * The character encoding of an HTML page and its conversion to UTF-8.
 *
 * The plugin decodes the page itself and gives libxml2 UTF-8 with
 * HTML_PARSE_IGNORE_ENC. libxml2 2.9 passes the declared name to iconv, and
 * glibc's "SHIFT_JIS" lacks the NEC and IBM extensions of Windows code page
 * 932 (circled digits such as U+2460, and kanji such as U+9AD9), which
 * Japanese pages use. Bytes that the converter rejects become U+FFFD here,
 * so one bad byte does not end the read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/ky_csv.h"
#include "html.h"
#include "kyokun/i18n.h"

/* U+FFFD REPLACEMENT CHARACTER in UTF-8. */
static const char REPLACEMENT[3] = {'\xEF', '\xBF', '\xBD'};

/* Return true when `text` starts with the ASCII `prefix`, ignoring case. */
static bool starts_with_ci(const unsigned char *text, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && strncasecmp((const char *)text, prefix, n) == 0;
}

static bool is_html_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Return the offset of `needle` (ASCII, lower case) in `text`, ignoring case, or `len`. */
static size_t find_ci(const unsigned char *text, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp((const char *)text + i, needle, n) == 0)
            return i;
    return len;
}

/*
 * Copy the charset named in a Content-Type value ("text/html; charset=x")
 * into `label`. Returns false when there is none.
 */
static bool charset_from_content(const unsigned char *value, size_t len, char *label,
                                 size_t label_size)
{
    size_t at = find_ci(value, len, "charset");
    if (at == len)
        return false;
    size_t i = at + strlen("charset");
    while (i < len && is_html_space(value[i]))
        i++;
    if (i == len || value[i] != '=')
        return false;
    i++;
    while (i < len && (is_html_space(value[i]) || value[i] == '"' || value[i] == '\''))
        i++;
    size_t n = 0;
    while (i < len && !is_html_space(value[i]) && value[i] != ';' && value[i] != '"'
           && value[i] != '\'' && n + 1 < label_size)
        label[n++] = (char)value[i++];
    label[n] = '\0';
    return n > 0;
}

/*
 * Find the charset of the first <meta> element that declares one, as
 * <meta charset="x"> or <meta http-equiv="Content-Type" content="...;
 * charset=x">, skipping comments. Returns false when none is in `head`.
 */
static bool find_meta_charset(const unsigned char *head, size_t len, char *label,
                              size_t label_size)
{
    size_t i = 0;
    while (i < len) {
        if (head[i] != '<') {
            i++;
            continue;
        }
        if (starts_with_ci(head + i, len - i, "<!--")) {
            size_t end = find_ci(head + i + 4, len - i - 4, "-->");
            i += 4 + end + 3;
            continue;
        }
        if (!starts_with_ci(head + i, len - i, "<meta") || i + 5 >= len
            || !(is_html_space(head[i + 5]) || head[i + 5] == '/')) {
            i++;
            continue;
        }

        /* Attributes of the <meta> tag, up to its '>'. */
        bool content_type = false, found = false;
        char content_label[48] = "";
        i += 5;
        while (i < len && head[i] != '>') {
            while (i < len && (is_html_space(head[i]) || head[i] == '/'))
                i++;
            size_t name = i;
            while (i < len && !is_html_space(head[i]) && head[i] != '=' && head[i] != '>'
                   && head[i] != '/')
                i++;
            size_t name_len = i - name;
            const unsigned char *value = NULL;
            size_t value_len = 0;
            while (i < len && is_html_space(head[i]))
                i++;
            if (i < len && head[i] == '=') {
                i++;
                while (i < len && is_html_space(head[i]))
                    i++;
                if (i < len && (head[i] == '"' || head[i] == '\'')) {
                    unsigned char quote = head[i++];
                    value = head + i;
                    while (i < len && head[i] != quote)
                        i++;
                    value_len = (size_t)(head + i - value);
                    if (i < len)
                        i++;
                } else {
                    value = head + i;
                    while (i < len && !is_html_space(head[i]) && head[i] != '>')
                        i++;
                    value_len = (size_t)(head + i - value);
                }
            }
            if (name_len == 0) {
                if (i < len && head[i] != '>')
                    i++;
                continue;
            }
            if (!value)
                continue;
            if (name_len == 7 && strncasecmp((const char *)head + name, "charset", 7) == 0) {
                size_t n = value_len < label_size - 1 ? value_len : label_size - 1;
                memcpy(label, value, n);
                label[n] = '\0';
                found = n > 0;
            } else if (name_len == 10
                       && strncasecmp((const char *)head + name, "http-equiv", 10) == 0) {
                content_type = value_len == 12
                               && strncasecmp((const char *)value, "content-type", 12) == 0;
            } else if (name_len == 7
                       && strncasecmp((const char *)head + name, "content", 7) == 0) {
                charset_from_content(value, value_len, content_label, sizeof content_label);
            }
        }
        if (found)
            return true;
        if (content_type && content_label[0]) {
            snprintf(label, label_size, "%s", content_label);
            return true;
        }
    }
    return false;
}

/*
 * Map an encoding label to an iconv name, or to "" for UTF-8. Where the
 * WHATWG Encoding Standard differs from iconv, it is followed: a page that
 * declares UTF-16 without a byte order mark is UTF-8, and ISO-8859-1 and
 * US-ASCII are Windows-1252. Returns false for a label that iconv cannot convert.
 */
static bool iconv_name_for_label(const char *label, char *name, size_t name_size)
{
    static const char *const cp932_labels[] = {"ms_kanji", "csshiftjis", "windows-932", NULL};
    static const char *const eucjp_labels[] = {"x-euc-jp", "cseucpkdfmtjapanese", NULL};
    static const char *const cp1252_labels[] = {"iso-8859-1", "iso8859-1", "latin1", "l1",
                                                "us-ascii", "ascii", "windows-1252", "cp1252",
                                                NULL};
    ky_csv_encoding encoding;

    if (ky_csv_encoding_parse(label, NULL, 0, &encoding) == 0) {
        const char *names[] = {[KY_CSV_UTF8] = "", [KY_CSV_UTF16LE] = "",
                               [KY_CSV_UTF16BE] = "", [KY_CSV_CP932] = "CP932",
                               [KY_CSV_EUCJP] = "EUC-JP"};
        snprintf(name, name_size, "%s", names[encoding]);
        return true;
    }
    for (size_t i = 0; cp932_labels[i]; i++)
        if (strcasecmp(label, cp932_labels[i]) == 0) {
            snprintf(name, name_size, "CP932");
            return true;
        }
    for (size_t i = 0; eucjp_labels[i]; i++)
        if (strcasecmp(label, eucjp_labels[i]) == 0) {
            snprintf(name, name_size, "EUC-JP");
            return true;
        }
    for (size_t i = 0; cp1252_labels[i]; i++)
        if (strcasecmp(label, cp1252_labels[i]) == 0) {
            snprintf(name, name_size, "CP1252");
            return true;
        }

    /* Any other label goes to iconv as it is, when it looks like an encoding name. */
    size_t len = strlen(label);
    if (len == 0 || len >= name_size)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = label[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '-' || c == '_' || c == '.' || c == ':'))
            return false;
    }
    iconv_t cd = iconv_open("UTF-8", label);
    if (cd == (iconv_t)-1)
        return false;
    iconv_close(cd);
    snprintf(name, name_size, "%s", label);
    return true;
}

/* Guess the encoding of a page that declares none: UTF-16 by its NUL bytes, else UTF-8 or CP932. */
static void guess_encoding(const unsigned char *head, size_t len, bool complete, char *name,
                           size_t name_size)
{
    size_t invalid_offset = len;
    ky_csv_encoding encoding = ky_csv_detect_encoding(head, len, NULL, &invalid_offset);
    switch (encoding) {
    case KY_CSV_UTF16LE:
        snprintf(name, name_size, "UTF-16LE");
        break;
    case KY_CSV_UTF16BE:
        snprintf(name, name_size, "UTF-16BE");
        break;
    case KY_CSV_CP932:
        /* A multi-byte character cut at the end of the head is not evidence against UTF-8. */
        if (!complete && invalid_offset + 4 > len)
            name[0] = '\0';
        else
            snprintf(name, name_size, "CP932");
        break;
    default:
        name[0] = '\0';
        break;
    }
}

int html_decoder_open(html_decoder *decoder, ky_ctx *ctx, const char *path, const char *forced,
                      const unsigned char *head, size_t head_len, bool complete,
                      size_t *bom_len)
{
    ky_loc loc = {.file = path};
    char name[sizeof decoder->encoding] = "";
    char label[48];

    memset(decoder, 0, sizeof *decoder);
    decoder->cd = (iconv_t)-1;
    *bom_len = 0;

    if (head_len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) {
        *bom_len = 3;
    } else if (head_len >= 2 && head[0] == 0xFF && head[1] == 0xFE) {
        *bom_len = 2;
        snprintf(name, sizeof name, "UTF-16LE");
    } else if (head_len >= 2 && head[0] == 0xFE && head[1] == 0xFF) {
        *bom_len = 2;
        snprintf(name, sizeof name, "UTF-16BE");
    } else if (forced) {
        ky_csv_encoding encoding;
        if (ky_csv_encoding_parse(forced, head, head_len, &encoding) != 0)
            return ky_error_set(ctx, KY_EINVAL, &loc,
                                KY_("unknown encoding \"%s\"; use utf-8, utf-16, utf-16le, "
                                    "utf-16be, cp932 or euc-jp"),
                                forced);
        const char *names[] = {[KY_CSV_UTF8] = "", [KY_CSV_UTF16LE] = "UTF-16LE",
                               [KY_CSV_UTF16BE] = "UTF-16BE", [KY_CSV_CP932] = "CP932",
                               [KY_CSV_EUCJP] = "EUC-JP"};
        snprintf(name, sizeof name, "%s", names[encoding]);
    } else if (find_meta_charset(head, head_len, label, sizeof label)) {
        if (!iconv_name_for_label(label, name, sizeof name)) {
            guess_encoding(head, head_len, complete, name, sizeof name);
            ky_diag_emit(ctx, KY_SEV_WARNING, "html.unknown-charset", &loc,
                         KY_("the page declares the unknown charset \"%s\"; reading it as %s"),
                         label, name[0] ? name : "UTF-8");
        }
    } else {
        guess_encoding(head, head_len, complete, name, sizeof name);
    }

    snprintf(decoder->encoding, sizeof decoder->encoding, "%s", name[0] ? name : "UTF-8");
    if (name[0]) {
        decoder->cd = iconv_open("UTF-8", name);
        if (decoder->cd == (iconv_t)-1)
            return ky_error_set(ctx, KY_EUNSUPPORTED, &loc,
                                KY_("cannot decode the page: the converter from %s to UTF-8 "
                                    "is not available (%s)"),
                                name, strerror(errno));
    }
    return 0;
}

/* Append UTF-8 text, replacing NUL bytes, which end C strings and libxml2's input. */
static int append_without_nul(html_decoder *decoder, const char *text, size_t len, ky_buf *out)
{
    const char *end = text + len;
    while (text < end) {
        const char *nul = memchr(text, '\0', (size_t)(end - text));
        size_t run = nul ? (size_t)(nul - text) : (size_t)(end - text);
        if (ky_buf_append(out, text, run) < 0)
            return KY_ENOMEM;
        if (!nul)
            break;
        if (ky_buf_append(out, REPLACEMENT, sizeof REPLACEMENT) < 0)
            return KY_ENOMEM;
        decoder->invalid++;
        text = nul + 1;
    }
    return 0;
}

/* Return the length of the UTF-8 sequence that `lead` starts, or 0 for a byte that starts none. */
static size_t utf8_sequence_length(unsigned char lead)
{
    if (lead >= 0xC2 && lead <= 0xDF)
        return 2;
    if (lead >= 0xE0 && lead <= 0xEF)
        return 3;
    if (lead >= 0xF0 && lead <= 0xF4)
        return 4;
    return 0;
}

/* Validate UTF-8, replacing each invalid sequence with U+FFFD. */
static int decode_utf8(html_decoder *decoder, const unsigned char *input, size_t len, bool last,
                       ky_buf *out)
{
    size_t i = 0;
    while (i < len) {
        /* Runs of ASCII other than NUL are copied as they are. */
        size_t run = i;
        while (run < len && input[run] < 0x80 && input[run] != 0)
            run++;
        if (run > i) {
            if (ky_buf_append(out, input + i, run - i) < 0)
                return KY_ENOMEM;
            i = run;
            continue;
        }

        size_t need = utf8_sequence_length(input[i]);
        if (!last && need > len - i) {
            /* Keep a sequence cut by the chunk end, when its bytes so far are valid. */
            bool prefix = true;
            for (size_t k = i + 1; k < len; k++)
                prefix = prefix && (input[k] & 0xC0) == 0x80;
            if (prefix) {
                memcpy(decoder->pending, input + i, len - i);
                decoder->pending_len = len - i;
                return 0;
            }
        }
        uint32_t cp;
        size_t used = ky_utf8_decode(input + i, len - i, &cp);
        bool genuine = cp != 0xFFFD || (used == 3 && memcmp(input + i, REPLACEMENT, 3) == 0);
        if (cp == 0 || !genuine) {
            decoder->invalid++;
            if (ky_buf_append(out, REPLACEMENT, sizeof REPLACEMENT) < 0)
                return KY_ENOMEM;
        } else if (ky_buf_append(out, input + i, used) < 0) {
            return KY_ENOMEM;
        }
        i += used;
    }
    return 0;
}

/* Convert through iconv, replacing each byte it rejects with U+FFFD. */
static int decode_iconv(html_decoder *decoder, const unsigned char *input, size_t len, bool last,
                        ky_buf *out)
{
    char buffer[16384];
    char *in = (char *)input;
    size_t in_left = len;

    for (;;) {
        char *dst = buffer;
        size_t dst_left = sizeof buffer;
        if (in_left == 0) {
            if (!last)
                return 0;
            /* Let a stateful decoder (ISO-2022-JP) write what it still holds. */
            iconv(decoder->cd, NULL, NULL, &dst, &dst_left);
            return append_without_nul(decoder, buffer, (size_t)(dst - buffer), out);
        }
        size_t result = iconv(decoder->cd, &in, &in_left, &dst, &dst_left);
        int error = result == (size_t)-1 ? errno : 0;
        if (append_without_nul(decoder, buffer, (size_t)(dst - buffer), out) < 0)
            return KY_ENOMEM;
        if (result != (size_t)-1 || error == E2BIG)
            continue;
        if (error == EINVAL && !last && in_left < sizeof decoder->pending) {
            memcpy(decoder->pending, in, in_left);
            decoder->pending_len = in_left;
            return 0;
        }
        /* EILSEQ, or a sequence cut by the end of the page: replace one byte and go on. */
        decoder->invalid++;
        if (ky_buf_append(out, REPLACEMENT, sizeof REPLACEMENT) < 0)
            return KY_ENOMEM;
        in++;
        in_left--;
    }
}

int html_decode(html_decoder *decoder, const unsigned char *input, size_t len, bool last,
                ky_buf *out)
{
    unsigned char *joined = NULL;

    /* A sequence kept from the last chunk is decoded with the bytes that complete it. */
    if (decoder->pending_len > 0) {
        joined = malloc(decoder->pending_len + len);
        if (!joined)
            return KY_ENOMEM;
        memcpy(joined, decoder->pending, decoder->pending_len);
        if (len > 0)
            memcpy(joined + decoder->pending_len, input, len);
        len += decoder->pending_len;
        input = joined;
        decoder->pending_len = 0;
    }
    int status = decoder->cd == (iconv_t)-1 ? decode_utf8(decoder, input, len, last, out)
                                            : decode_iconv(decoder, input, len, last, out);
    free(joined);
    return status;
}

void html_decoder_close(html_decoder *decoder)
{
    if (decoder->cd != (iconv_t)-1)
        iconv_close(decoder->cd);
    decoder->cd = (iconv_t)-1;
}
