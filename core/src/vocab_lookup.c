/* SPDX-License-Identifier: MIT */
/*
 * Looking values up in a loaded dictionary. Text is folded so that width,
 * half-width katakana, Roman numeral signs and letter case do not matter.
 * A value is found by its code, a label or an alias, and a text that names
 * none gets the closest values by edit distance.
 */
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "headers.h"
#include "values.h"
#include "vocab_internal.h"

/* ------------------------------------------------------------------------ */
/* Folding                                                                  */
/* ------------------------------------------------------------------------ */

/* Full-width forms of the half-width katakana U+FF61-U+FF9D, in order. */
static const uint16_t halfwidth_kana[] = {
    0x3002, 0x300C, 0x300D, 0x3001, 0x30FB, 0x30F2,                 /* ｡｢｣､･ｦ */
    0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9,                         /* ｧｨｩｪｫ */
    0x30E3, 0x30E5, 0x30E7, 0x30C3, 0x30FC,                         /* ｬｭｮｯｰ */
    0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA,                         /* ｱｲｳｴｵ */
    0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3,                         /* ｶｷｸｹｺ */
    0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD,                         /* ｻｼｽｾｿ */
    0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8,                         /* ﾀﾁﾂﾃﾄ */
    0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE,                         /* ﾅﾆﾇﾈﾉ */
    0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB,                         /* ﾊﾋﾌﾍﾎ */
    0x30DE, 0x30DF, 0x30E0, 0x30E1, 0x30E2,                         /* ﾏﾐﾑﾒﾓ */
    0x30E4, 0x30E6, 0x30E8,                                         /* ﾔﾕﾖ */
    0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED,                         /* ﾗﾘﾙﾚﾛ */
    0x30EF, 0x30F3,                                                 /* ﾜﾝ */
};

#define HALFWIDTH_VOICED 0xFF9E      /* ﾞ */
#define HALFWIDTH_SEMI_VOICED 0xFF9F /* ﾟ */

static bool is_ha_row(uint32_t cp)
{
    return cp == 0x30CF || cp == 0x30D2 || cp == 0x30D5 || cp == 0x30D8 || cp == 0x30DB;
}

/* Return the katakana `base` with a (semi-)voiced mark, or 0 when it takes none. */
static uint32_t add_voiced_mark(uint32_t base, bool semi)
{
    if (semi)
        return is_ha_row(base) ? base + 2 : 0;
    if (base == 0x30A6)
        return 0x30F4; /* ウ -> ヴ */
    /* カ to チ alternate with their voiced forms; ツ, テ and ト are offset by ッ. */
    if (base >= 0x30AB && base <= 0x30C1 && (base - 0x30AB) % 2 == 0)
        return base + 1;
    if (base == 0x30C4 || base == 0x30C6 || base == 0x30C8 || is_ha_row(base))
        return base + 1;
    return 0;
}

/* Lower-case ASCII spelling of the Roman numeral signs U+2160-U+216B and U+2170-U+217B. */
static const char *roman_numeral(uint32_t cp)
{
    static const char *const numerals[] = {"i", "ii", "iii", "iv", "v", "vi",
                                           "vii", "viii", "ix", "x", "xi", "xii"};
    if (cp >= 0x2160 && cp <= 0x216B)
        return numerals[cp - 0x2160];
    if (cp >= 0x2170 && cp <= 0x217B)
        return numerals[cp - 0x2170];
    return NULL;
}

char *ky_vocab__fold(const char *text, size_t len)
{
    ky_buf out = {0};
    int status = ky_buf_puts(&out, "");
    uint32_t last = 0;       /* Last code point written. */
    size_t last_at = 0;      /* Its offset in `out`. */
    size_t i = 0;
    while (i < len && status == 0) {
        uint32_t cp;
        i += ky_value__next(text + i, len - i, &cp);
        if (cp == HALFWIDTH_VOICED || cp == HALFWIDTH_SEMI_VOICED) {
            uint32_t voiced = add_voiced_mark(last, cp == HALFWIDTH_SEMI_VOICED);
            if (voiced) {
                out.len = last_at; /* Rewrite the base character with its mark. */
                cp = voiced;
            } else {
                cp = cp == HALFWIDTH_VOICED ? 0x309B : 0x309C;
            }
        } else if (cp >= 0xFF61 && cp <= 0xFF9D) {
            cp = halfwidth_kana[cp - 0xFF61];
        }
        const char *roman = roman_numeral(cp);
        last_at = out.len;
        last = cp;
        if (roman) {
            status = ky_buf_puts(&out, roman);
            continue;
        }
        if (cp >= 'A' && cp <= 'Z')
            cp += 'a' - 'A';
        char bytes[4];
        status = ky_buf_append(&out, bytes, ky_utf8_encode(cp, bytes));
    }
    if (status != 0) {
        ky_buf_free(&out);
        return NULL;
    }
    return ky_buf_take(&out);
}

char *ky_vocab__key(const char *text, bool keep_notes)
{
    char *folded = ky_vocab__fold(text, strlen(text));
    if (!folded)
        return NULL;
    char *key = ky_header__key(folded, strlen(folded), keep_notes);
    free(folded);
    return key;
}

/* Maximum length compared by edit distance, in code points; the rest is ignored. */
#define DISTANCE_MAX_POINTS 128

/* Decode up to DISTANCE_MAX_POINTS code points; returns how many. */
static size_t decode_points(const char *text, uint32_t *points)
{
    size_t count = 0;
    size_t len = strlen(text);
    size_t i = 0;
    while (i < len && count < DISTANCE_MAX_POINTS)
        i += ky_utf8_decode((const unsigned char *)text + i, len - i, &points[count++]);
    return count;
}

size_t ky_vocab__distance(const char *a, const char *b)
{
    uint32_t x[DISTANCE_MAX_POINTS];
    uint32_t y[DISTANCE_MAX_POINTS];
    size_t n = decode_points(a, x);
    size_t m = decode_points(b, y);
    size_t previous[DISTANCE_MAX_POINTS + 1];
    size_t current[DISTANCE_MAX_POINTS + 1];
    for (size_t j = 0; j <= m; j++)
        previous[j] = j;
    for (size_t i = 1; i <= n; i++) {
        current[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t replace = previous[j - 1] + (x[i - 1] != y[j - 1]);
            size_t remove = previous[j] + 1;
            size_t insert = current[j - 1] + 1;
            size_t best = replace < remove ? replace : remove;
            current[j] = best < insert ? best : insert;
        }
        memcpy(previous, current, (m + 1) * sizeof *previous);
    }
    return previous[m];
}

/* ------------------------------------------------------------------------ */
/* Lookup                                                                   */
/* ------------------------------------------------------------------------ */

const ky_term *ky_dict__find_key(const ky_dict *dict, ky_vocab_id vocab, const char *key)
{
    if (!key || !key[0])
        return NULL;
    const ky_vocab *v = &dict->vocabs[vocab];
    for (size_t t = 0; t < v->count; t++) {
        const ky_strlist *keys = &v->keys[t];
        for (size_t k = 0; k < keys->count; k++)
            if (strcmp(keys->items[k], key) == 0)
                return &v->terms[t];
    }
    return NULL;
}

/* Return `key` without one of the suffixes that the guide appends to a process name. */
static bool strip_suffix(char *key)
{
    static const char *const suffixes[] = {"での対策", "プロセス"};
    bool stripped = false;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t len = strlen(key);
        size_t n = strlen(suffixes[i]);
        if (len > n && strcmp(key + len - n, suffixes[i]) == 0) {
            key[len - n] = '\0';
            stripped = true;
        }
    }
    return stripped;
}

const ky_term *ky_dict_find(const ky_dict *dict, ky_vocab_id vocab, const char *text)
{
    if (!dict || !text || (unsigned)vocab >= KY_VOCAB_COUNT)
        return NULL;
    char *key = ky_vocab__key(text, true);
    const ky_term *term = ky_dict__find_key(dict, vocab, key);
    free(key);
    if (term)
        return term;

    key = ky_vocab__key(text, false);
    term = ky_dict__find_key(dict, vocab, key);
    if (!term && key && strip_suffix(key))
        term = ky_dict__find_key(dict, vocab, key);
    free(key);
    return term;
}

size_t ky_dict_closest(const ky_dict *dict, ky_vocab_id vocab, const char *text,
                       const ky_term **out, size_t max)
{
    if (!dict || !text || (unsigned)vocab >= KY_VOCAB_COUNT || max == 0)
        return 0;
    char *key = ky_vocab__key(text, true);
    if (!key)
        return 0;
    const ky_vocab *v = &dict->vocabs[vocab];
    size_t distances[KY_DICT_CLOSEST_MAX];
    size_t found = 0;
    if (max > KY_DICT_CLOSEST_MAX)
        max = KY_DICT_CLOSEST_MAX;

    for (size_t t = 0; t < v->count; t++) {
        size_t best = SIZE_MAX;
        for (size_t k = 0; k < v->keys[t].count; k++) {
            size_t d = ky_vocab__distance(key, v->keys[t].items[k]);
            if (d < best)
                best = d;
        }
        /* Insertion into the sorted list; an equal distance keeps file order. */
        size_t at = found;
        while (at > 0 && distances[at - 1] > best)
            at--;
        if (at >= max)
            continue;
        size_t last = found < max ? found : max - 1;
        for (size_t j = last; j > at; j--) {
            distances[j] = distances[j - 1];
            out[j] = out[j - 1];
        }
        distances[at] = best;
        out[at] = &v->terms[t];
        if (found < max)
            found++;
    }
    free(key);
    return found;
}

const ky_term *ky_dict_code(const ky_dict *dict, ky_vocab_id vocab, const char *code)
{
    if (!dict || !code || (unsigned)vocab >= KY_VOCAB_COUNT)
        return NULL;
    const ky_vocab *v = &dict->vocabs[vocab];
    for (size_t t = 0; t < v->count; t++)
        if (strcmp(v->terms[t].code, code) == 0)
            return &v->terms[t];
    return NULL;
}

size_t ky_dict_term_count(const ky_dict *dict, ky_vocab_id vocab)
{
    return dict && (unsigned)vocab < KY_VOCAB_COUNT ? dict->vocabs[vocab].count : 0;
}

const ky_term *ky_dict_term(const ky_dict *dict, ky_vocab_id vocab, size_t index)
{
    if (!dict || (unsigned)vocab >= KY_VOCAB_COUNT || index >= dict->vocabs[vocab].count)
        return NULL;
    return &dict->vocabs[vocab].terms[index];
}

size_t ky_dict_rule_count(const ky_dict *dict)
{
    return dict ? dict->rule_count : 0;
}

const ky_rule *ky_dict_rule(const ky_dict *dict, size_t index)
{
    return dict && index < dict->rule_count ? &dict->rules[index] : NULL;
}

const char *ky_term_label(const ky_term *term, ky_lang lang)
{
    return lang == KY_LANG_EN ? term->en : term->ja;
}
