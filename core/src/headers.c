/* SPDX-License-Identifier: MIT */
/*
 * The header dictionary and the rules that match a header cell to a field.
 * Names are stored already normalised (lower-case ASCII, no spaces or
 * separators), so an exact lookup is a string comparison. A unit test checks
 * that every name is its own normalisation.
 *
 * ky_header__find() tries these rules in order and stops at the first hit:
 *
 *  1. Exact (full score): the normalised header, with bracketed notes
 *     dropped, is a synonym.
 *  2. Exact after removing what is not the name. That is a one-letter label
 *     ("C: Risk score" is the risk value C), the lines after the first line
 *     break ("Risk\nas the customer sees it"), the leading keys of a dotted
 *     name ("value.title" is "title"), or a leading word that names the
 *     record itself ("case_title", "issue subject").
 *  3. Partial (lower score): an English header of at most five words, where
 *     one word or a run of words is a synonym of two or more letters
 *     ("closure_reason" contains "reason"), or a Japanese header of at
 *     most 12 characters that contains a Japanese synonym of two or more
 *     characters ("事案概要" contains "概要"). Snake case, dots and camel
 *     case separate words. When several synonyms match, the longest wins.
 *  4. Date-like (lower score, incident lists only): a header that contains
 *     日 or the word "date" or "dt" ("公表日", "open_dt") is the occurrence
 *     date, provided the column's values are dates. The caller checks the
 *     values.
 *
 * A partial or date-like match never names the occurrence date when the
 * header names a bookkeeping or planned date (作成, 更新, created_at,
 * due_date, target_dt, ...), because those dates say nothing about when an
 * incident happened.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_text.h"
#include "headers.h"
#include "values.h"

/* ------------------------------------------------------------------------ */
/* Dictionary                                                               */
/* ------------------------------------------------------------------------ */

#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})

static const ky_header_field fields[] = {
    /* 障害一覧: incident list */
    {KY_TABLE_INCIDENTS, "id", false, NAMES("id", "no", "#", "番号", "障害番号", "管理番号", "障害id", "incidentid")},
    {KY_TABLE_INCIDENTS, "summary", true, NAMES("障害の概要", "障害概要", "障害内容", "事象", "事案", "件名", "概要", "タイトル", "summary", "description", "title", "subject", "incident")},
    {KY_TABLE_INCIDENTS, "occurred", true, NAMES("発生日時", "発生日", "発生日付", "発生時刻", "日時", "date", "occurred", "occurredat", "starttime")},
    {KY_TABLE_INCIDENTS, "system", true, NAMES("システム名", "システム", "対象システム", "system", "systemname")},
    {KY_TABLE_INCIDENTS, "main_cause", true, NAMES("主な原因", "原因区分", "原因分類", "原因", "cause", "maincause", "causecategory", "rootcausecategory", "reason", "category")},
    {KY_TABLE_INCIDENTS, "external_impact", false, NAMES("対外影響", "対外影響など", "影響範囲", "impact", "customerimpact", "externalimpact")},
    {KY_TABLE_INCIDENTS, "damage", false, NAMES("障害の影響額", "影響額", "損害額", "被害額", "cost", "damage", "loss")},
    {KY_TABLE_INCIDENTS, "effort", false, NAMES("対応工数", "工数", "effort", "personhours", "personmonths", "estimatedhours", "spenthours", "hours")},

    /* リスク管理表: risk table */
    {KY_TABLE_RISKS, "no", false, NAMES("no", "#", "番号", "id", "リスクid", "riskid")},
    {KY_TABLE_RISKS, "category", true, NAMES("カテゴリー", "カテゴリ", "分類", "category")},
    {KY_TABLE_RISKS, "content", true, NAMES("リスク内容", "リスク", "risk", "riskdescription", "description")},
    {KY_TABLE_RISKS, "impact", false, NAMES("影響内容", "影響", "effect", "effectonbusiness", "businessimpact", "impactdescription")},
    {KY_TABLE_RISKS, "a", true, NAMES("a影響度", "影響度", "a", "aimpact", "impact", "severity", "consequence")},
    {KY_TABLE_RISKS, "b", true, NAMES("b発生度", "発生度", "発生可能性", "b", "blikelihood", "likelihood", "probability")},
    {KY_TABLE_RISKS, "c", false, NAMES("cリスク値", "リスク値", "c", "criskvalue", "riskvalue", "riskscore", "rating")},
    {KY_TABLE_RISKS, "decision", false, NAMES("判定", "発生判定基準", "発生判定", "判定基準", "対応要否", "decision")},
    {KY_TABLE_RISKS, "response", false, NAMES("想定対応方法", "対応策", "対応方法", "response", "mitigation", "treatment")},
    {KY_TABLE_RISKS, "lesson_id", false, NAMES("教訓id", "lessonid")},

    /* 教訓: lesson table */
    /* "Lesson" is the body, like 教訓, so that a sheet with both "Title" and "Lesson" maps both. */
    {KY_TABLE_LESSONS, "id", true, NAMES("教訓id", "id", "no", "lessonid")},
    {KY_TABLE_LESSONS, "title", true, NAMES("教訓概要", "タイトル", "教訓タイトル", "title", "summary", "lessontitle")},
    {KY_TABLE_LESSONS, "problem", true, NAMES("問題", "problem")},
    {KY_TABLE_LESSONS, "direct_causes", false, NAMES("直接原因", "directcause", "directcauses", "proximatecause")},
    {KY_TABLE_LESSONS, "root_causes", false, NAMES("根本原因", "真因", "rootcause", "rootcauses")},
    {KY_TABLE_LESSONS, "recurrence", false, NAMES("再発防止策", "恒久対策", "correctiveaction", "recurrenceprevention")},
    {KY_TABLE_LESSONS, "preventive", false, NAMES("未然防止策", "予防策", "preventiveaction", "preventivemeasure")},
    {KY_TABLE_LESSONS, "effect", false, NAMES("効果", "effect")},
    {KY_TABLE_LESSONS, "lesson", true, NAMES("教訓", "教訓内容", "lesson", "lessonlearned", "lessonslearned", "lessontext")},
    {KY_TABLE_LESSONS, "purposes", false, NAMES("活用する目的", "目的", "purpose", "purposes", "purposeofuse")},
    {KY_TABLE_LESSONS, "importance", false, NAMES("重要度", "システムの重要度", "情報処理システムの重要度", "importance", "systemimportance")},
    {KY_TABLE_LESSONS, "lifecycle", false, NAMES("ライフサイクル", "ライフサイクルプロセス", "ソフトウェアライフサイクル", "ソフトウェアライフサイクルプロセス", "lifecycle", "lifecycleprocess", "softwarelifecycle", "softwarelifecycleprocess", "slcp")},
    {KY_TABLE_LESSONS, "service", false, NAMES("サービスプロセス", "運用サービスプロセス", "serviceprocess", "operationandserviceprocess")},
    {KY_TABLE_LESSONS, "keywords", false, NAMES("キーワード", "keywords", "keyword")},

    /* なぜなぜ分析: why-why analysis (the なぜN columns are read by ky_header__why_level()) */
    {KY_TABLE_WHY, "problem", true, NAMES("問題", "problem")},
    {KY_TABLE_WHY, "countermeasures", true, NAMES("対策", "countermeasure", "countermeasures")},

    /* 障害状況表: incident status table (the other columns are actors) */
    {KY_TABLE_STATUS, "time", true, NAMES("日時", "時刻", "時間", "日付", "time", "date", "datetime")},
};

static const char *const why_fields[KY_WHY_MAX_LEVEL] = {
    "why1",  "why2",  "why3",  "why4",  "why5",  "why6",  "why7",
    "why8",  "why9",  "why10", "why11", "why12", "why13", "why14",
    "why15", "why16", "why17", "why18", "why19", "why20",
};

/* ------------------------------------------------------------------------ */
/* Normalisation                                                            */
/* ------------------------------------------------------------------------ */

static bool is_open_bracket(uint32_t cp)
{
    return cp == '(' || cp == '[' || cp == 0x3010 || cp == 0x3014;
}

static bool is_close_bracket(uint32_t cp)
{
    return cp == ')' || cp == ']' || cp == 0x3011 || cp == 0x3015;
}

static bool is_dropped(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == ':' || cp == '.' ||
           cp == '_' || cp == '-' || cp == '/' || cp == 0x30FB || cp == 0xFF65 ||
           cp == 0x3001 || cp == 0x3002 || cp == 0x2028;
}

static char *normalise(const char *text, size_t len, bool keep_notes)
{
    ky_buf out = {0};
    int depth = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += ky_value__next(text + i, len - i, &cp);
        if (is_open_bracket(cp)) {
            depth++;
            continue;
        }
        if (is_close_bracket(cp)) {
            if (depth > 0)
                depth--;
            continue;
        }
        if ((depth > 0 && !keep_notes) || is_dropped(cp))
            continue;
        if (cp >= 'A' && cp <= 'Z')
            cp += 'a' - 'A';
        char bytes[4];
        if (ky_buf_append(&out, bytes, ky_utf8_encode(cp, bytes)) != 0) {
            ky_buf_free(&out);
            return NULL;
        }
    }
    return ky_buf_take(&out);
}

char *ky_header__key(const char *text, size_t len, bool keep_notes)
{
    char *key = normalise(text, len, keep_notes);
    /* A header that is all note, such as "(備考)", is matched by its note. */
    if (key && key[0] == '\0' && !keep_notes) {
        free(key);
        key = normalise(text, len, true);
    }
    return key;
}

/* ------------------------------------------------------------------------ */
/* Lookup                                                                   */
/* ------------------------------------------------------------------------ */

const ky_header_field *ky_header__match(const char *key, ky_table_kind kind)
{
    if (!key || !key[0])
        return NULL;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (fields[i].kind != kind)
            continue;
        for (const char *const *name = fields[i].synonyms; *name; name++) {
            if (strcmp(*name, key) == 0)
                return &fields[i];
        }
    }
    return NULL;
}

bool ky_header__known(const char *key)
{
    for (int kind = KY_TABLE_INCIDENTS; kind <= KY_TABLE_STATUS; kind++) {
        if (ky_header__match(key, (ky_table_kind)kind))
            return true;
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* Matching a header cell: exact, reduced, partial and date-like names      */
/* ------------------------------------------------------------------------ */

#define MAX_WORDS 8
#define MAX_WORD_LEN 32
/* Longer headers are sentences or data, not names, so only exact rules apply to them. */
#define MAX_PARTIAL_WORDS 5
#define MAX_PARTIAL_CHARS 12

/* ASCII words of a header with bracketed notes dropped, lower-cased. */
typedef struct header_words {
    char items[MAX_WORDS][MAX_WORD_LEN];
    size_t count;
    bool overflow; /**< More words than MAX_WORDS, or a word longer than MAX_WORD_LEN. */
} header_words;

/* Split at every character that is not an ASCII letter or digit, and where a lower-case letter meets an upper-case one. */
static void split_words(const char *text, size_t len, header_words *words)
{
    memset(words, 0, sizeof *words);
    size_t used = 0;
    int depth = 0;
    uint32_t previous = 0;
    size_t i = 0;
    while (i <= len) {
        uint32_t cp = 0;
        if (i < len)
            i += ky_value__next(text + i, len - i, &cp);
        else
            i++;
        if (is_open_bracket(cp))
            depth++;
        else if (is_close_bracket(cp) && depth > 0)
            depth--;
        bool alnum = depth == 0 && cp < 0x80 && (isalnum((int)cp) != 0);
        bool camel = alnum && isupper((int)cp) && previous < 0x80 && islower((int)previous);
        if ((!alnum || camel) && used > 0) {
            if (words->count < MAX_WORDS)
                words->count++;
            else
                words->overflow = true;
            used = 0;
        }
        if (alnum) {
            if (words->count == MAX_WORDS) {
                words->overflow = true;
            } else if (used + 1 < MAX_WORD_LEN) {
                words->items[words->count][used++] = (char)tolower((int)cp);
                words->items[words->count][used] = '\0';
            } else {
                words->overflow = true;
            }
        }
        previous = depth == 0 ? cp : 0;
    }
}

static bool has_word(const header_words *words, const char *word)
{
    for (size_t i = 0; i < words->count; i++) {
        if (strcmp(words->items[i], word) == 0)
            return true;
    }
    return false;
}

static size_t count_chars(const char *text)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        chars += (*p & 0xC0) != 0x80;
    return chars;
}

static bool is_ascii(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p >= 0x80)
            return false;
    }
    return true;
}

/* Return true when the header names a date that is not when an incident happened. */
static bool names_other_date(const char *key, const header_words *words)
{
    static const char *const parts[] = {"作成", "更新", "削除", "登録", "修正", "期限", "期日",
                                        "予定", "完了", "終了", "復旧", "日数", "曜日"};
    static const char *const english[] = {"created", "updated", "modified", "deleted", "due",
                                          "target", "closed", "resolved", "end"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (strstr(key, parts[i]))
            return true;
    }
    for (size_t i = 0; i < sizeof english / sizeof english[0]; i++) {
        if (has_word(words, english[i]))
            return true;
    }
    return false;
}

/* Look up a key made from part of the header, then free the key. */
static const ky_header_field *match_owned(char *key, ky_table_kind kind)
{
    const ky_header_field *field = ky_header__match(key, kind);
    free(key);
    return field;
}

/*
 * Apply rule 2 of the file comment: find the field named by the header
 * without its letter label, the lines after its first line break, the keys
 * before the last one of a dotted name, or a leading record word.
 */
static const ky_header_field *match_reduced(const char *text, size_t len, const header_words *words,
                                            ky_table_kind kind)
{
    char *trimmed = ky_value__trim(text, len);
    char *folded = trimmed ? ky_value__fold_width(trimmed, strlen(trimmed)) : NULL;
    free(trimmed);
    if (!folded)
        return NULL;
    const ky_header_field *field = NULL;
    size_t n = strlen(folded);

    /* A one-letter label: "C: Risk score", "Ａ：影響度". */
    bool label = n > 2 && isalpha((unsigned char)folded[0]) && folded[1] == ':';
    if (label)
        field = match_owned(ky_header__key(folded + 2, n - 2, false), kind);

    /* The first line of a wrapped header, with or without its label. */
    const char *brk = strchr(folded, '\n');
    if (!field && brk && brk > folded) {
        size_t first = (size_t)(brk - folded);
        field = match_owned(ky_header__key(folded, first, false), kind);
        if (!field && label && first > 2)
            field = match_owned(ky_header__key(folded + 2, first - 2, false), kind);
    }

    /* A dotted key such as "value.title": ASCII segments joined by single dots. */
    const char *dot = strrchr(folded, '.');
    if (!field && dot && dot > folded && dot[1] != '\0' && words->count >= 2 && !words->overflow) {
        bool dotted = true;
        for (const char *p = folded; *p && dotted; p++)
            dotted = isalnum((unsigned char)*p) || *p == '_' || (*p == '.' && p[1] != '.');
        if (dotted)
            field = match_owned(ky_header__key(dot + 1, strlen(dot + 1), false), kind);
    }
    free(folded);

    /* A leading word naming the record: "case_title" is the case's title. */
    static const char *const records[] = {"case", "issue", "ticket", "incident", "record"};
    for (size_t i = 0; !field && words->count >= 2 && !words->overflow &&
                       i < sizeof records / sizeof records[0]; i++) {
        if (strcmp(words->items[0], records[i]) != 0)
            continue;
        char rest[MAX_WORDS * MAX_WORD_LEN] = "";
        for (size_t w = 1; w < words->count; w++)
            strcat(rest, words->items[w]);
        field = ky_header__match(rest, kind);
    }
    return field;
}

/*
 * Apply rule 3 of the file comment. Return the field whose synonym is the
 * longest word run of an English header or the longest part of a Japanese
 * one, or NULL.
 */
static const ky_header_field *match_partial(const char *key, const header_words *words,
                                            ky_table_kind kind)
{
    const ky_header_field *best = NULL;
    size_t best_len = 0;
    bool english = words->count > 0 && words->count <= MAX_PARTIAL_WORDS && !words->overflow;
    bool japanese = !is_ascii(key) && count_chars(key) <= MAX_PARTIAL_CHARS;

    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        if (fields[f].kind != kind)
            continue;
        for (const char *const *name = fields[f].synonyms; *name; name++) {
            size_t len = strlen(*name);
            if (len <= best_len)
                continue;
            bool hit = false;
            if (is_ascii(*name)) {
                /* Every run of consecutive words, joined as the dictionary stores names.
                   One-letter names (the risk levels "a", "b", "c") match only exactly. */
                for (size_t i = 0; english && len >= 2 && i < words->count && !hit; i++) {
                    char run[MAX_WORDS * MAX_WORD_LEN] = "";
                    for (size_t j = i; j < words->count && !hit; j++) {
                        strcat(run, words->items[j]);
                        hit = strcmp(run, *name) == 0;
                    }
                }
            } else {
                hit = japanese && count_chars(*name) >= 2 && strstr(key, *name) != NULL;
            }
            if (hit) {
                best = &fields[f];
                best_len = len;
            }
        }
    }
    return best;
}

static const ky_header_field *field_named(ky_table_kind kind, const char *name)
{
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        if (fields[f].kind == kind && strcmp(fields[f].name, name) == 0)
            return &fields[f];
    }
    return NULL;
}

ky_header_hit ky_header__find(const char *text, size_t len, ky_table_kind kind)
{
    ky_header_hit hit = {0};
    char *key = text ? ky_header__key(text, len, false) : NULL;
    if (!key || !key[0]) {
        free(key);
        return hit;
    }
    header_words words;
    split_words(text, len, &words);

    hit.field = ky_header__match(key, kind);
    if (!hit.field)
        hit.field = match_reduced(text, len, &words, kind);
    if (hit.field) {
        hit.quality = KY_HEADER_EXACT;
        free(key);
        return hit;
    }

    hit.field = match_partial(key, &words, kind);
    const ky_header_field *occurred = kind == KY_TABLE_INCIDENTS
                                          ? field_named(KY_TABLE_INCIDENTS, "occurred")
                                          : NULL;
    bool short_header = is_ascii(key) ? words.count <= MAX_PARTIAL_WORDS && !words.overflow
                                      : count_chars(key) <= MAX_PARTIAL_CHARS;
    bool date_like = short_header && (strstr(key, "日") || has_word(&words, "date") ||
                                      has_word(&words, "dt"));
    if (!hit.field && occurred && date_like)
        hit.field = occurred;
    if (hit.field && hit.field == occurred) {
        if (names_other_date(key, &words))
            hit.field = NULL;
        else
            hit.needs_dates = true;
    }
    hit.quality = hit.field ? KY_HEADER_PARTIAL : KY_HEADER_NONE;
    free(key);
    return hit;
}

/* Read the level after "なぜ" or "why" at `p`: one or two digits. */
static int level_after(const char *p)
{
    if (*p < '0' || *p > '9')
        return 0;
    int level = *p - '0';
    if (p[1] >= '0' && p[1] <= '9')
        level = level * 10 + (p[1] - '0');
    return (level >= 1 && level <= KY_WHY_MAX_LEVEL) ? level : 0;
}

int ky_header__why_level(const char *full)
{
    if (!full)
        return 0;
    static const char *const markers[] = {"なぜ", "why"};
    for (size_t m = 0; m < 2; m++) {
        const char *p = strstr(full, markers[m]);
        while (p) {
            int level = level_after(p + strlen(markers[m]));
            if (level)
                return level;
            p = strstr(p + 1, markers[m]);
        }
    }
    return 0;
}

const char *ky_header__why_field(int level)
{
    return (level >= 1 && level <= KY_WHY_MAX_LEVEL) ? why_fields[level - 1] : NULL;
}

ky_table_kind ky_header__sheet_hint(const char *sheet_name)
{
    if (!sheet_name)
        return KY_TABLE_UNKNOWN;
    char *name = ky_header__key(sheet_name, strlen(sheet_name), true);
    if (!name)
        return KY_TABLE_UNKNOWN;

    /* Ordered so that "incident status" is a status table, not an incident list. */
    static const struct {
        const char *part;
        ky_table_kind kind;
    } hints[] = {
        {"障害状況", KY_TABLE_STATUS}, {"状況表", KY_TABLE_STATUS},
        {"incidentstatus", KY_TABLE_STATUS}, {"timeline", KY_TABLE_STATUS},
        {"経緯", KY_TABLE_STATUS},
        {"なぜなぜ", KY_TABLE_WHY}, {"why", KY_TABLE_WHY},
        {"リスク", KY_TABLE_RISKS}, {"risk", KY_TABLE_RISKS},
        {"教訓", KY_TABLE_LESSONS}, {"lesson", KY_TABLE_LESSONS},
        {"障害一覧", KY_TABLE_INCIDENTS}, {"障害管理", KY_TABLE_INCIDENTS},
        {"インシデント", KY_TABLE_INCIDENTS}, {"incident", KY_TABLE_INCIDENTS},
    };
    ky_table_kind kind = KY_TABLE_UNKNOWN;
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
        if (strstr(name, hints[i].part)) {
            kind = hints[i].kind;
            break;
        }
    }
    free(name);
    return kind;
}

const ky_header_field *ky_header__fields(size_t *count)
{
    *count = sizeof fields / sizeof fields[0];
    return fields;
}

const char *ky_header__field_name(const char *name, ky_table_kind kind)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        bool kind_matches = kind == KY_TABLE_UNKNOWN || fields[i].kind == kind;
        if (kind_matches && strcmp(fields[i].name, name) == 0)
            return fields[i].name;
    }
    if (kind == KY_TABLE_UNKNOWN || kind == KY_TABLE_WHY) {
        for (int level = 0; level < KY_WHY_MAX_LEVEL; level++) {
            if (strcmp(why_fields[level], name) == 0)
                return why_fields[level];
        }
    }
    if (kind == KY_TABLE_UNKNOWN || kind == KY_TABLE_STATUS) {
        /* A status table's actor columns are all "event" (see ky_mapping__describe_columns()). */
        static const char *const status_fields[] = {"time", "event"};
        for (size_t i = 0; i < sizeof status_fields / sizeof status_fields[0]; i++) {
            if (strcmp(status_fields[i], name) == 0)
                return status_fields[i];
        }
    }
    return NULL;
}
