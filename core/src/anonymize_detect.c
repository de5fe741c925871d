/* SPDX-License-Identifier: MIT */
/*
 * Folding text for name matching, and the detectors of `--anonymize auto`:
 * e-mail addresses, Japanese and +81 phone numbers, IPv4 and IPv6 addresses,
 * and names followed by 様, さん, 氏 or 殿. The detectors are pattern rules,
 * not a dictionary of names, so they miss some names and flag a few words.
 * Each rule below states what it accepts.
 */
#include <stdlib.h>
#include <string.h>

#include "anonymize_detect.h"
#include "formats/ky_text.h"
#include "values.h"

/* ------------------------------------------------------------------------ */
/* Folding                                                                   */
/* ------------------------------------------------------------------------ */

/* Full-width forms of the half-width katakana block U+FF61-U+FF9D. */
static const uint16_t halfwidth_kana[] = {
    0x3002, 0x300C, 0x300D, 0x3001, 0x30FB, 0x30F2, 0x30A1, 0x30A3, 0x30A5, 0x30A7,
    0x30A9, 0x30E3, 0x30E5, 0x30E7, 0x30C3, 0x30FC, 0x30A2, 0x30A4, 0x30A6, 0x30A8,
    0x30AA, 0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB,
    0x30BD, 0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8, 0x30CA, 0x30CB, 0x30CC, 0x30CD,
    0x30CE, 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB, 0x30DE, 0x30DF, 0x30E0, 0x30E1,
    0x30E2, 0x30E4, 0x30E6, 0x30E8, 0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED, 0x30EF,
    0x30F3,
};

#define HALFWIDTH_VOICED 0xFF9E
#define HALFWIDTH_SEMI_VOICED 0xFF9F

/* Return the katakana with a voiced mark (カ to ガ), or 0 when it has none. */
static uint32_t voiced(uint32_t cp)
{
    bool ka_to_chi = cp >= 0x30AB && cp <= 0x30C1 && (cp - 0x30AB) % 2 == 0;
    bool tsu_te_to = cp == 0x30C4 || cp == 0x30C6 || cp == 0x30C8;
    bool ha_row = cp >= 0x30CF && cp <= 0x30DB && (cp - 0x30CF) % 3 == 0;
    if (ka_to_chi || tsu_te_to || ha_row)
        return cp + 1;
    if (cp == 0x30A6)
        return 0x30F4; /* ヴ */
    return 0;
}

/* Return the katakana with a semi-voiced mark (ハ to パ), or 0 when it has none. */
static uint32_t semi_voiced(uint32_t cp)
{
    bool ha_row = cp >= 0x30CF && cp <= 0x30DB && (cp - 0x30CF) % 3 == 0;
    return ha_row ? cp + 2 : 0;
}

void ky_anonymize__folded_free(ky_folded_text *folded)
{
    free(folded->cps);
    free(folded->offsets);
    memset(folded, 0, sizeof *folded);
}

int ky_anonymize__fold(const char *text, size_t len, ky_folded_text *out)
{
    memset(out, 0, sizeof *out);
    out->cps = malloc((len + 1) * sizeof *out->cps);
    out->offsets = malloc((len + 1) * sizeof *out->offsets);
    if (!out->cps || !out->offsets) {
        ky_anonymize__folded_free(out);
        return KY_ENOMEM;
    }
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = ky_value__next(text + i, len - i, &cp);
        if (cp >= 0xFF61 && cp <= 0xFF9D)
            cp = halfwidth_kana[cp - 0xFF61];

        /* A half-width voiced mark joins the kana before it into one code point. */
        if ((cp == HALFWIDTH_VOICED || cp == HALFWIDTH_SEMI_VOICED) && out->count > 0) {
            uint32_t *last = &out->cps[out->count - 1];
            uint32_t joined = cp == HALFWIDTH_VOICED ? voiced(*last) : semi_voiced(*last);
            if (joined) {
                *last = joined;
                i += n;
                continue;
            }
        }
        out->cps[out->count] = cp;
        out->offsets[out->count++] = i;
        i += n;
    }
    out->offsets[out->count] = len;
    return 0;
}

int ky_anonymize__push(ky_match_list *list, const ky_name_match *match)
{
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 8;
        ky_name_match *items = realloc(list->items, capacity * sizeof *items);
        if (!items)
            return KY_ENOMEM;
        list->items = items;
        list->capacity = capacity;
    }
    list->items[list->count++] = *match;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Character classes                                                         */
/* ------------------------------------------------------------------------ */

static bool is_digit(uint32_t cp)
{
    return cp >= '0' && cp <= '9';
}

static bool is_ascii_letter(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

bool ky_anonymize__is_ascii_alnum(uint32_t cp)
{
    return is_digit(cp) || is_ascii_letter(cp);
}

static bool is_hex(uint32_t cp)
{
    return is_digit(cp) || (cp >= 'a' && cp <= 'f') || (cp >= 'A' && cp <= 'F');
}

/* Hyphens and dashes written between the digits of a phone number, the
 * katakana prolonged sound mark included because IMEs often produce it. */
static bool is_hyphen(uint32_t cp)
{
    return cp == '-' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0x30FC;
}

/* CJK ideographs, and 々 (the repetition mark in 佐々木). */
static bool is_kanji(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F) || cp == 0x3005;
}

/* Katakana, the prolonged sound mark and the middle dot of foreign full names. */
static bool is_katakana(uint32_t cp)
{
    return (cp >= 0x30A1 && cp <= 0x30FA) || cp == 0x30FC || cp == 0x30FB;
}

/* Return true when the code points from `index` spell `word` (UTF-8). */
static bool spells(const ky_folded_text *text, size_t index, const char *word)
{
    size_t len = strlen(word);
    size_t j = 0;
    size_t i = index;
    while (j < len) {
        uint32_t cp;
        j += ky_utf8_decode((const unsigned char *)word + j, len - j, &cp);
        if (i >= text->count || text->cps[i] != cp)
            return false;
        i++;
    }
    return true;
}

/* Return the code points of `word` (UTF-8). */
static size_t word_length(const char *word)
{
    size_t count = 0;
    for (const unsigned char *p = (const unsigned char *)word; *p; p++)
        count += (*p & 0xC0) != 0x80;
    return count;
}

static uint32_t at(const ky_folded_text *text, size_t index)
{
    return index < text->count ? text->cps[index] : 0;
}

static uint32_t before(const ky_folded_text *text, size_t index)
{
    return index > 0 ? text->cps[index - 1] : 0;
}

static uint32_t lower(uint32_t cp)
{
    return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
}

/* ------------------------------------------------------------------------ */
/* E-mail addresses                                                          */
/* ------------------------------------------------------------------------ */

static bool is_local_char(uint32_t cp)
{
    return ky_anonymize__is_ascii_alnum(cp) || cp == '.' || cp == '_' || cp == '%' || cp == '+'
        || cp == '-';
}

static bool is_domain_char(uint32_t cp)
{
    return ky_anonymize__is_ascii_alnum(cp) || cp == '-' || cp == '.';
}

/*
 * An address is LOCAL@DOMAIN: LOCAL of letters, digits and . _ % + -, not
 * starting with a dot; DOMAIN of at least two labels joined by dots, the
 * last of two or more letters. "user@localhost" and "@mention" are not addresses.
 */
static bool email_at(const ky_folded_text *text, size_t at_sign, size_t *start, size_t *end)
{
    size_t s = at_sign;
    while (s > 0 && is_local_char(text->cps[s - 1]))
        s--;
    while (s < at_sign && text->cps[s] == '.')
        s++;
    if (s == at_sign)
        return false;

    size_t e = at_sign + 1;
    while (e < text->count && is_domain_char(text->cps[e]))
        e++;
    while (e > at_sign + 1 && (text->cps[e - 1] == '.' || text->cps[e - 1] == '-'))
        e--;

    /* The last label: two or more letters after the last dot. */
    size_t dot = e;
    while (dot > at_sign + 1 && text->cps[dot - 1] != '.')
        dot--;
    if (dot <= at_sign + 2 || e - dot < 2)
        return false;
    for (size_t i = dot; i < e; i++)
        if (!is_ascii_letter(text->cps[i]))
            return false;
    *start = s;
    *end = e;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Phone numbers                                                             */
/* ------------------------------------------------------------------------ */

/* The digits of a phone number and where its groups start. */
typedef struct phone_digits {
    char digits[16];
    size_t count;
    size_t groups;
    size_t last_group; /* digits in the last group */
    size_t end;        /* code point after the last digit */
} phone_digits;

/*
 * Read digits from `index`, in groups separated by a hyphen, a space or
 * brackets ("03(1234)5678"). Stops at anything else, or at more than 15 digits.
 */
static void read_phone_digits(const ky_folded_text *text, size_t index, phone_digits *out)
{
    memset(out, 0, sizeof *out);
    size_t separators = 0;
    for (size_t i = index; i < text->count; i++) {
        uint32_t cp = text->cps[i];
        if (is_digit(cp)) {
            if (out->count == sizeof out->digits - 1)
                return;
            if (separators > 0 || out->groups == 0) {
                out->groups++;
                out->last_group = 0;
            }
            out->digits[out->count++] = (char)cp;
            out->last_group++;
            out->end = i + 1;
            separators = 0;
        } else if ((is_hyphen(cp) || cp == ' ' || cp == '(' || cp == ')') && separators < 2
                   && out->count > 0) {
            separators++;
        } else {
            return;
        }
    }
}

/*
 * Domestic numbers: 10 digits starting with 0 and a non-zero digit
 * (03-1234-5678, 0120-123-456), or 11 digits starting with 050, 060, 070,
 * 080, 090 or 0800. Written as one run of digits or in three groups whose
 * last has 3 or 4 digits.
 */
static bool is_domestic_phone(const phone_digits *p)
{
    const char *d = p->digits;
    bool ten = p->count == 10 && d[0] == '0' && d[1] != '0';
    bool eleven = p->count == 11 && d[0] == '0' && d[2] == '0'
               && ((d[1] >= '5' && d[1] <= '9') || strncmp(d, "0800", 4) == 0);
    bool grouped = p->groups == 1 || (p->groups == 3 && p->last_group >= 3);
    return (ten || eleven) && grouped;
}

/*
 * International form: +81, then the national number without its leading 0
 * (9 or 10 digits: +81 3-1234-5678, +81-90-1234-5678), or with it in
 * brackets (+81 (0)3-1234-5678).
 */
static bool is_international_phone(const phone_digits *p)
{
    if (strncmp(p->digits, "81", 2) != 0)
        return false;
    const char *national = p->digits + 2;
    size_t count = p->count - 2;
    if (national[0] == '0') {
        national++;
        count--;
    }
    return (count == 9 || count == 10) && national[0] != '0' && p->groups >= 2;
}

/* Return true when the character before a number lets it start there: not
 * a digit, letter or a character that joins numbers (. , / - + _). */
static bool number_may_start_after(uint32_t cp)
{
    return !(ky_anonymize__is_ascii_alnum(cp) || cp == '.' || cp == ',' || cp == '/'
             || is_hyphen(cp) || cp == '+' || cp == '_');
}

/* Return true when a number may end before `index`: no digit or letter
 * follows, nor a dot or hyphen with a digit after it. */
static bool number_may_end_at(const ky_folded_text *text, size_t index)
{
    uint32_t next = at(text, index);
    if (ky_anonymize__is_ascii_alnum(next))
        return false;
    if ((next == '.' || is_hyphen(next)) && is_digit(at(text, index + 1)))
        return false;
    return true;
}

static bool phone_at(const ky_folded_text *text, size_t index, size_t *end)
{
    uint32_t cp = text->cps[index];
    if (!number_may_start_after(before(text, index)))
        return false;
    bool international = cp == '+';
    bool bracket = cp == '(' && at(text, index + 1) == '0';
    if (!international && !bracket && cp != '0')
        return false;

    /* The digits start after + or (, else at the 0. */
    phone_digits p;
    read_phone_digits(text, international || bracket ? index + 1 : index, &p);
    if (p.count == 0 || !number_may_end_at(text, p.end))
        return false;
    /* A run of digits before a kanji is a count or an amount (0120000000円). */
    if (p.groups == 1 && is_kanji(at(text, p.end)))
        return false;
    if (international ? !is_international_phone(&p) : !is_domestic_phone(&p))
        return false;
    *end = p.end;
    return true;
}

/* ------------------------------------------------------------------------ */
/* IP addresses                                                              */
/* ------------------------------------------------------------------------ */

/* Words after which a dotted number is a version: v1.2.3.4, Ver. 10.0.0.1. */
static const char *const version_words[] = {"v", "ver", "version", "rev", "revision", "build",
                                            "バージョン", "版"};

static bool follows_version_word(const ky_folded_text *text, size_t index)
{
    size_t i = index;
    while (i > 0 && (text->cps[i - 1] == ' ' || text->cps[i - 1] == '.'))
        i--;
    for (size_t w = 0; w < sizeof version_words / sizeof version_words[0]; w++) {
        const char *word = version_words[w];
        size_t n = word_length(word);
        if (n > i)
            continue;
        bool same = true;
        size_t len = strlen(word);
        size_t byte = 0;
        for (size_t k = 0; k < n && same; k++) {
            uint32_t cp;
            byte += ky_utf8_decode((const unsigned char *)word + byte, len - byte, &cp);
            same = lower(text->cps[i - n + k]) == cp;
        }
        if (same && (i - n == 0 || !is_ascii_letter(text->cps[i - n - 1])))
            return true;
    }
    return false;
}

/* Read a decimal octet 0-255 of 1-3 digits; returns the digits read or 0. */
static size_t read_octet(const ky_folded_text *text, size_t index)
{
    unsigned value = 0;
    size_t n = 0;
    while (n < 4 && is_digit(at(text, index + n))) {
        value = value * 10 + (at(text, index + n) - '0');
        n++;
    }
    return n >= 1 && n <= 3 && value <= 255 ? n : 0;
}

/* Extend `end` over a "/N" prefix length of 1-3 digits. */
static size_t prefix_length_end(const ky_folded_text *text, size_t end)
{
    if (at(text, end) != '/' || !is_digit(at(text, end + 1)))
        return end;
    size_t i = end + 1;
    while (i < end + 4 && is_digit(at(text, i)))
        i++;
    return is_digit(at(text, i)) ? end : i;
}

/*
 * Four octets 0-255 joined by dots, the first not 0, not part of a longer
 * dotted number and not after a version word. An optional /N prefix length
 * is included.
 */
static bool ipv4_at(const ky_folded_text *text, size_t index, size_t *end)
{
    if (!number_may_start_after(before(text, index)) || text->cps[index] == '0')
        return false;
    size_t i = index;
    for (int octet = 0; octet < 4; octet++) {
        if (octet > 0) {
            if (at(text, i) != '.')
                return false;
            i++;
        }
        size_t n = read_octet(text, i);
        if (n == 0)
            return false;
        i += n;
    }
    if (!number_may_end_at(text, i) || follows_version_word(text, index))
        return false;
    *end = prefix_length_end(text, i);
    return true;
}

/*
 * IPv6: groups of 1-4 hex digits joined by colons, either 8 groups or
 * fewer with one "::", with at least three hex digits in all unless it is
 * "::1". A time such as 10:30:00 has no "::" and too few groups.
 */
static bool ipv6_at(const ky_folded_text *text, size_t index, size_t *end)
{
    uint32_t prev = before(text, index);
    if (ky_anonymize__is_ascii_alnum(prev) || prev == ':' || prev == '.')
        return false;
    size_t i = index;
    size_t groups = 0;
    size_t digits = 0;
    bool compressed = false;
    size_t last_end = index;
    while (i < text->count) {
        size_t n = 0;
        while (n < 5 && is_hex(at(text, i + n)))
            n++;
        if (n > 4)
            return false;
        if (n > 0) {
            groups++;
            digits += n;
            i += n;
            last_end = i;
        }
        if (at(text, i) != ':')
            break;
        if (at(text, i + 1) == ':') {
            if (compressed)
                return false;
            compressed = true;
            i += 2;
            last_end = i;
        } else if (n > 0 && is_hex(at(text, i + 1))) {
            i++;
        } else {
            break;
        }
    }
    bool loopback = compressed && groups == 1 && digits == 1 && at(text, last_end - 1) == '1';
    bool shape = compressed ? groups <= 7 : groups == 8;
    if (!shape || (digits < 3 && !loopback))
        return false;
    if (ky_anonymize__is_ascii_alnum(at(text, last_end)) || at(text, last_end) == ':')
        return false;
    *end = prefix_length_end(text, last_end);
    return true;
}

/* ------------------------------------------------------------------------ */
/* Names followed by an honorific                                            */
/* ------------------------------------------------------------------------ */

/* NOTE: a name followed by a job title (山田部長, 鈴木課長) is not detected,
 * because the same rule would take 営業 in 営業部長 for a name. */
static const char *const honorifics[] = {"さん", "様", "氏", "殿"};

/* Kanji words before an honorific that are not names, as the whole word:
 * お客様, 皆様, 同様, 仕様, 多様, 模様, 同氏, 彼氏, 貴殿, 御殿, 神様 ... */
static const char *const whole_words[] = {
    "客", "皆", "各", "同", "仕", "多", "異", "一", "模", "態", "両", "貴", "奥", "神",
    "王", "殿", "御", "宮", "父", "母", "兄", "姉", "弟", "妹", "娘", "孫", "嫁", "姫",
    "仏", "彼", "諸", "故", "旦那", "得意", "息子", "子供", "相手",
};

/* Endings of kanji words before an honorific that name a role or an
 * organisation, not a person: 担当者様, 会員様, 顧客様, 御社様, 先方様. */
static const char *const role_endings[] = {
    "者", "員", "客", "社", "部", "課", "局", "室", "店", "係", "族", "位", "主", "先",
    "会", "庁", "省", "府", "県", "本人", "個人", "法人", "友人", "主人", "他人", "大人",
    "知人", "住人", "先方", "貴方", "奥方", "当方", "双方", "相方",
};

/* Katakana words before an honorific that name a role: ユーザー様, ベンダーさん. */
static const char *const katakana_roles[] = {
    "ユーザ", "ユーザー", "エンドユーザー", "ベンダ", "ベンダー", "クライアント", "カスタマ",
    "カスタマー", "オーナ", "オーナー", "メンバ", "メンバー", "ゲスト", "パートナ", "パートナー",
    "オペレータ", "オペレーター", "スタッフ", "サポート", "マネージャ", "マネージャー", "リーダ",
    "リーダー", "エンジニア", "ドクター", "ママ", "パパ", "ホスト", "サーバ", "サーバー",
    "システム", "センター", "チーム",
};

#define MAX_KANJI_NAME 10
#define MAX_KATAKANA_NAME 12
#define MAX_LATIN_WORDS 3

size_t ky_anonymize__honorific_at(const ky_folded_text *text, size_t index)
{
    for (size_t h = 0; h < sizeof honorifics / sizeof honorifics[0]; h++) {
        if (!spells(text, index, honorifics[h]))
            continue;
        size_t n = word_length(honorifics[h]);
        uint32_t next = at(text, index + n);
        /* 様宛 and 様方 address a letter to a person; 様式, 氏名, 殿堂 are words. */
        bool word_follows = is_kanji(next) && !(h == 1 && (next == 0x5B9B || next == 0x65B9));
        if (h > 0 && word_follows)
            return 0;
        return n;
    }
    return 0;
}

/* Return true when the code points [start, end) are `word`. */
static bool equals_word(const ky_folded_text *text, size_t start, size_t end, const char *word)
{
    return word_length(word) == end - start && spells(text, start, word);
}

/* Return true when the code points [start, end) end with `word`. */
static bool ends_with_word(const ky_folded_text *text, size_t start, size_t end, const char *word)
{
    size_t n = word_length(word);
    return n <= end - start && spells(text, end - n, word);
}

static bool is_kanji_non_name(const ky_folded_text *text, size_t start, size_t end)
{
    for (size_t i = 0; i < sizeof whole_words / sizeof whole_words[0]; i++)
        if (equals_word(text, start, end, whole_words[i]))
            return true;
    for (size_t i = 0; i < sizeof role_endings / sizeof role_endings[0]; i++)
        if (ends_with_word(text, start, end, role_endings[i]))
            return true;
    return false;
}

static bool is_katakana_role(const ky_folded_text *text, size_t start, size_t end)
{
    for (size_t i = 0; i < sizeof katakana_roles / sizeof katakana_roles[0]; i++)
        if (ends_with_word(text, start, end, katakana_roles[i]))
            return true;
    return false;
}

/*
 * A kanji name ends at `end`: a run of kanji (ノ and ヶ allowed between
 * two kanji, as in 一ノ瀬 and 八ヶ岳), optionally a family name, a space
 * and a given name (山田 太郎). Returns its start, or `end` when there is none.
 */
static size_t kanji_name_start(const ky_folded_text *text, size_t end)
{
    size_t s = end;
    while (s > 0 && end - s < MAX_KANJI_NAME) {
        uint32_t cp = text->cps[s - 1];
        bool joiner = (cp == 0x30CE || cp == 0x30F6) && s >= 2 && is_kanji(text->cps[s - 2])
                   && s < end;
        if (!is_kanji(cp) && !joiner)
            break;
        s--;
    }
    if (s == end || (s > 0 && is_kanji(text->cps[s - 1])))
        return end;
    if (is_kanji_non_name(text, s, end))
        return end;

    /* A family name before a space. */
    if (s >= 2 && text->cps[s - 1] == ' ' && is_kanji(text->cps[s - 2])) {
        size_t family = s - 1;
        while (family > 0 && is_kanji(text->cps[family - 1]) && s - 1 - family < 4)
            family--;
        if (family == 0 || !is_kanji(text->cps[family - 1]))
            s = family;
    }
    return s;
}

static size_t katakana_name_start(const ky_folded_text *text, size_t end)
{
    size_t s = end;
    while (s > 0 && is_katakana(text->cps[s - 1]) && end - s <= MAX_KATAKANA_NAME)
        s--;
    if (end - s < 2 || end - s > MAX_KATAKANA_NAME || is_katakana_role(text, s, end))
        return end;
    return s;
}

/* Latin names: up to three words of ASCII letters separated by single
 * spaces, each capitalised, the last with a lower-case letter (Smith,
 * John Smith); SE and PM are roles, not names. */
static size_t latin_name_start(const ky_folded_text *text, size_t end)
{
    size_t s = end;
    size_t words = 0;
    while (words < MAX_LATIN_WORDS) {
        size_t w = s;
        bool has_lower = false;
        while (w > 0 && is_ascii_letter(text->cps[w - 1])) {
            has_lower = has_lower || (text->cps[w - 1] >= 'a' && text->cps[w - 1] <= 'z');
            w--;
        }
        bool capitalised = w < s && text->cps[w] >= 'A' && text->cps[w] <= 'Z';
        if (!capitalised || (words == 0 && !has_lower) || ky_anonymize__is_ascii_alnum(before(text, w)))
            break;
        s = w;
        words++;
        if (s < 2 || text->cps[s - 1] != ' ' || !is_ascii_letter(text->cps[s - 2]))
            break;
        s--;
    }
    if (words == 0)
        return end;
    return text->cps[s] == ' ' ? s + 1 : s;
}

/* Find a name that ends before the honorific at `index`; false when none does. */
static bool name_before(const ky_folded_text *text, size_t index, size_t *start, size_t *end)
{
    size_t e = index;
    if (e > 0 && text->cps[e - 1] == ' ')
        e--;
    if (e == 0)
        return false;
    uint32_t last = text->cps[e - 1];
    size_t s = e;
    if (is_kanji(last))
        s = kanji_name_start(text, e);
    else if (is_katakana(last))
        s = katakana_name_start(text, e);
    else if (is_ascii_letter(last))
        s = latin_name_start(text, e);
    if (s == e)
        return false;
    *start = s;
    *end = e;
    return true;
}

/* ------------------------------------------------------------------------ */
/* All detectors                                                             */
/* ------------------------------------------------------------------------ */

/* Try each detector at `i`; on a match fill `match` and return true. */
static bool detect_at(const ky_folded_text *text, size_t i, ky_name_match *match)
{
    uint32_t cp = text->cps[i];
    size_t start = i;
    size_t end = i;
    memset(match, 0, sizeof *match);

    if (cp == '@' && email_at(text, i, &start, &end))
        match->kind = KY_NAME_EMAIL;
    else if ((cp == '+' || cp == '(' || cp == '0') && phone_at(text, i, &end))
        match->kind = KY_NAME_PHONE;
    else if (is_digit(cp) && ipv4_at(text, i, &end))
        match->kind = KY_NAME_IP;
    else if ((is_hex(cp) || cp == ':') && ipv6_at(text, i, &end))
        match->kind = KY_NAME_IP;
    else {
        size_t honorific = ky_anonymize__honorific_at(text, i);
        if (honorific == 0 || !name_before(text, i, &start, &end))
            return false;
        match->kind = KY_NAME_PERSON;
        match->start = start;
        match->name_start = start;
        match->name_end = end;
        match->end = i + honorific;
        return true;
    }
    match->start = match->name_start = start;
    match->end = match->name_end = end;
    return true;
}

int ky_anonymize__detect(const ky_folded_text *text, ky_match_list *out)
{
    size_t first = out->count;
    for (size_t i = 0; i < text->count; i++) {
        ky_name_match match;
        if (!detect_at(text, i, &match))
            continue;

        /* An e-mail address and a name start before the character that
         * reveals them, so drop the earlier matches they cover. */
        while (out->count > first && out->items[out->count - 1].end > match.start)
            out->count--;
        int status = ky_anonymize__push(out, &match);
        if (status != 0)
            return status;
        i = match.end - 1;
    }
    return 0;
}
