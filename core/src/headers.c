/* SPDX-License-Identifier: MIT */
/*
 * The header dictionary. Names are stored already normalised (lower-case
 * ASCII, no spaces or separators), so a lookup is a string comparison. A
 * unit test checks that every name is its own normalisation.
 */
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
    {KY_TABLE_INCIDENTS, "summary", true, NAMES("障害の概要", "障害概要", "障害内容", "事象", "件名", "概要", "summary", "description", "title", "incident")},
    {KY_TABLE_INCIDENTS, "occurred", true, NAMES("発生日時", "発生日", "発生日付", "発生時刻", "日時", "date", "occurred", "occurredat", "starttime")},
    {KY_TABLE_INCIDENTS, "system", true, NAMES("システム名", "システム", "対象システム", "system", "systemname")},
    {KY_TABLE_INCIDENTS, "main_cause", true, NAMES("主な原因", "原因区分", "原因分類", "原因", "cause", "maincause", "causecategory", "rootcausecategory")},
    {KY_TABLE_INCIDENTS, "external_impact", false, NAMES("対外影響", "対外影響など", "影響範囲", "impact", "customerimpact", "externalimpact")},
    {KY_TABLE_INCIDENTS, "damage", false, NAMES("障害の影響額", "影響額", "損害額", "被害額", "cost", "damage", "loss")},
    {KY_TABLE_INCIDENTS, "effort", false, NAMES("対応工数", "工数", "effort", "personhours", "personmonths")},

    /* リスク管理表: risk table */
    {KY_TABLE_RISKS, "no", false, NAMES("no", "#", "番号", "id", "リスクid", "riskid")},
    {KY_TABLE_RISKS, "category", true, NAMES("カテゴリー", "カテゴリ", "分類", "category")},
    {KY_TABLE_RISKS, "content", true, NAMES("リスク内容", "リスク", "risk", "riskdescription", "description")},
    {KY_TABLE_RISKS, "impact", false, NAMES("影響内容", "影響", "effect", "impactdescription")},
    {KY_TABLE_RISKS, "a", true, NAMES("a影響度", "影響度", "a", "aimpact", "impact", "severity", "consequence")},
    {KY_TABLE_RISKS, "b", true, NAMES("b発生度", "発生度", "発生可能性", "b", "blikelihood", "likelihood", "probability")},
    {KY_TABLE_RISKS, "c", false, NAMES("cリスク値", "リスク値", "c", "criskvalue", "riskvalue", "riskscore", "rating")},
    {KY_TABLE_RISKS, "decision", false, NAMES("判定", "発生判定基準", "発生判定", "判定基準", "対応要否", "decision")},
    {KY_TABLE_RISKS, "response", false, NAMES("想定対応方法", "対応策", "対応方法", "response", "mitigation", "treatment")},
    {KY_TABLE_RISKS, "lesson_id", false, NAMES("教訓id", "lessonid")},

    /* 教訓: lesson table */
    {KY_TABLE_LESSONS, "id", true, NAMES("教訓id", "id", "no", "lessonid")},
    {KY_TABLE_LESSONS, "title", true, NAMES("教訓概要", "タイトル", "教訓タイトル", "lesson", "title", "summary", "lessontitle")},
    {KY_TABLE_LESSONS, "problem", true, NAMES("問題", "problem")},
    {KY_TABLE_LESSONS, "direct_causes", false, NAMES("直接原因", "directcause", "directcauses", "proximatecause")},
    {KY_TABLE_LESSONS, "root_causes", false, NAMES("根本原因", "真因", "rootcause", "rootcauses")},
    {KY_TABLE_LESSONS, "recurrence", false, NAMES("再発防止策", "恒久対策", "correctiveaction", "recurrenceprevention")},
    {KY_TABLE_LESSONS, "preventive", false, NAMES("未然防止策", "予防策", "preventiveaction", "preventivemeasure")},
    {KY_TABLE_LESSONS, "effect", false, NAMES("効果", "effect")},
    {KY_TABLE_LESSONS, "lesson", true, NAMES("教訓", "教訓内容", "lessonlearned", "lessonslearned", "lessontext")},
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
    "why1", "why2", "why3", "why4", "why5", "why6", "why7", "why8", "why9",
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
