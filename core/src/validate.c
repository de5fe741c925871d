/* SPDX-License-Identifier: MIT */
/*
 * The lesson rules of `kyokun validate`. Each rule looks at one lesson or
 * risk and adds at most a few findings. Text is compared as UTF-8 without
 * surrounding white space (ASCII white space, U+00A0 and the ideographic
 * space U+3000), and lengths are counted in code points.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book_fields.h"
#include "formats/ky_text.h"
#include "kyokun/anonymize.h"
#include "kyokun/i18n.h"
#include "kyokun/validate.h"

/*
 * Endings that put a Japanese title in the negative form, which states what
 * not to do. The guide asks for titles in the positive form, ending in forms such as
 * すべし or する. Checked after trailing white space and 。！!．. are removed.
 * The specific endings come first, so that the message quotes them. Any
 * other title ending in ない (〜してはならない, 〜してはいけない, 〜できない)
 * is negative too, unless it ends in an obligation listed below. An adjective
 * ending such as 少ない is flagged as well, which is a known false positive.
 */
static const char *const negative_endings[] = {
    "怠らない", "忘れない", "させない", "しない", "するな", "ないこと",
    "ません", "べからず", "禁止", "ない",
};

/*
 * Obligations, which state what to do although they end in ない or ません:
 * 確認しなければならない is positive, while the prohibition 〜してはならない is
 * not listed and stays negative. Each also matches with こと after it.
 * 欠かせない ("indispensable") is listed because it praises what it names.
 */
static const char *const obligation_endings[] = {
    "なければならない", "なくてはならない", "ねばならない", "なければいけない",
    "なくてはいけない", "なければなりません", "なくてはなりません", "なければいけません",
    "なくてはいけません", "欠かせない",
};

/*
 * Words that start an English title in the negative form, compared without
 * case. The word must end there: "Avoidance" does not match "Avoid".
 */
static const char *const negative_openings[] = {
    "don't", "don\u2019t", "do not", "never", "avoid",
};

/*
 * Phrases that blame a person instead of naming a cause behind the mistake.
 * A root cause of at most BLAME_MAX_CHARS characters made only of these
 * phrases, white space and punctuation is "not deep enough": the why-why
 * analysis stopped at the person. Each phrase may follow a person noun and
 * の (作業者の不注意, 担当者のミス), and two phrases may be joined by による
 * (不注意による操作ミス). English phrases are compared without case.
 */
static const char *const blame_phrases[] = {
    "人為ミス", "人為的ミス", "人的ミス", "ヒューマンエラー", "確認不足", "確認漏れ",
    "操作ミス", "作業ミス", "うっかりミス", "ケアレスミス", "不注意", "注意不足", "ミス",
    "human error", "human mistake", "operator error", "operator mistake", "carelessness",
    "careless mistake",
};

/* The people a blame phrase names before の: 作業者の, 担当者の, オペレーターの. */
static const char *const blamed_persons[] = {
    "作業者", "作業員", "担当者", "運用担当者", "オペレーター", "オペレータ", "操作者",
};

/* A longer root cause names more than who made the mistake, so it is not flagged. */
#define BLAME_MAX_CHARS 20

/*
 * The one item that marks a list of measures as deliberately empty: "not
 * applicable". Compared without surrounding white space and case, with
 * full-width ASCII (Ｎ／Ａ, －) folded to ASCII.
 */
static const char *const not_applicable_markers[] = {
    "該当なし", "なし", "n/a", "-",
};

/* Rule indices, in the order of the rule table below. */
enum {
    RULE_ID_MISSING,
    RULE_ID_DUPLICATE,
    RULE_TITLE_MISSING,
    RULE_TITLE_TOO_LONG,
    RULE_TITLE_NEGATIVE,
    RULE_PROBLEM_EQUALS_CAUSE,
    RULE_DIRECT_CAUSE_MISSING,
    RULE_ROOT_CAUSE_MISSING,
    RULE_MEASURES_INCOMPLETE,
    RULE_ROOT_CAUSE_BLAMES_PERSON,
    RULE_RISK_C_MISMATCH,
    RULE_PRIVACY_EMAIL,
    RULE_PRIVACY_PHONE,
    RULE_PRIVACY_IP,
    RULE_PRIVACY_PERSON,
    RULE_PRIVACY_LISTED,
    RULE_COUNT
};

/*
 * Errors are the parts of the guide's lesson layout that are missing or
 * contradict each other. Warnings are style rules and text heuristics:
 * - The 40-character and 12-word title limits are kyokun's reading of "short",
 *   not the guide's.
 * - The negative-form and blame checks match words, so they can be wrong.
 * - Missing measures are a warning because the guide's own lesson G7 lists
 *   recurrence-prevention measures (再発防止策) only, with no preventive ones.
 * - Privacy findings are warnings, because a lesson kept inside the company
 *   may name people. The guide requires proper nouns to be anonymised only
 *   before a lesson is shared.
 */
static const ky_validate_rule rules[RULE_COUNT] = {
    [RULE_ID_MISSING] = {"lesson.id-missing", KY_SEV_ERROR,
                         KY_N_("give the lesson an ID for reference, such as G7 or T16")},
    [RULE_ID_DUPLICATE] = {"lesson.id-duplicate", KY_SEV_ERROR,
                           KY_N_("give each lesson its own ID")},
    [RULE_TITLE_MISSING] = {"lesson.title-missing", KY_SEV_ERROR,
                            KY_N_("write a short title that says what to do")},
    [RULE_TITLE_TOO_LONG] = {"lesson.title-too-long", KY_SEV_WARNING,
                             KY_N_("shorten the title and move the details to the lesson text")},
    [RULE_TITLE_NEGATIVE] = {"lesson.title-negative", KY_SEV_WARNING,
                             KY_N_("rewrite the title in the positive form, saying what to do")},
    [RULE_PROBLEM_EQUALS_CAUSE] = {"lesson.problem-equals-cause", KY_SEV_ERROR,
                                   KY_N_("describe what happened as the problem and why it "
                                         "happened as the cause")},
    [RULE_DIRECT_CAUSE_MISSING] = {"lesson.direct-cause-missing", KY_SEV_ERROR,
                                   KY_N_("add the direct cause: the first-order cause of the "
                                         "failure")},
    [RULE_ROOT_CAUSE_MISSING] = {"lesson.root-cause-missing", KY_SEV_ERROR,
                                 KY_N_("add the root causes behind the direct cause, found by "
                                       "why-why analysis")},
    [RULE_MEASURES_INCOMPLETE] = {"lesson.measures-incomplete", KY_SEV_WARNING,
                                  KY_N_("add the measures, or write N/A (該当なし) as the only "
                                        "item when there are none")},
    [RULE_ROOT_CAUSE_BLAMES_PERSON] = {"lesson.root-cause-blames-person", KY_SEV_WARNING,
                                       KY_N_("ask why the mistake was possible and name the "
                                             "process or structure behind it")},
    [RULE_RISK_C_MISMATCH] = {"risk.c-mismatch", KY_SEV_ERROR,
                              KY_N_("correct C to A x B, or correct A or B")},
    [RULE_PRIVACY_EMAIL] = {"privacy.email", KY_SEV_WARNING,
                            KY_N_("remove the address, or convert with --anonymize auto before "
                                  "sharing the outputs")},
    [RULE_PRIVACY_PHONE] = {"privacy.phone", KY_SEV_WARNING,
                            KY_N_("remove the number, or convert with --anonymize auto before "
                                  "sharing the outputs")},
    [RULE_PRIVACY_IP] = {"privacy.ip-address", KY_SEV_WARNING,
                         KY_N_("remove the address, or convert with --anonymize auto before "
                               "sharing the outputs")},
    [RULE_PRIVACY_PERSON] = {"privacy.person-name", KY_SEV_WARNING,
                             KY_N_("write a role such as 担当者A instead, or convert with "
                                   "--anonymize auto before sharing the outputs")},
    [RULE_PRIVACY_LISTED] = {"privacy.listed-name", KY_SEV_WARNING,
                             KY_N_("convert with --anonymize and the names list before sharing "
                                   "the outputs")},
};

#define COUNT_OF(array) (sizeof(array) / sizeof((array)[0]))

void ky_validate_options_init(ky_validate_options *options)
{
    memset(options, 0, sizeof *options);
    options->title_max = KY_VALIDATE_TITLE_MAX_DEFAULT;
    options->title_max_words = KY_VALIDATE_TITLE_MAX_WORDS_DEFAULT;
}

const ky_validate_rule *ky_validate_rules(size_t *count)
{
    *count = RULE_COUNT;
    return rules;
}

/* ------------------------------------------------------------------------ */
/* Text helpers                                                              */
/* ------------------------------------------------------------------------ */

/* A span of bytes inside a string. */
typedef struct span {
    const char *text;
    size_t len;
} span;

static size_t decode(const char *text, size_t len, uint32_t *cp)
{
    return ky_utf8_decode((const unsigned char *)text, len, cp);
}

static bool is_space(uint32_t cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xA0 || cp == 0x3000;
}

/* Punctuation: ASCII, general punctuation (dashes, quotes, ellipsis), CJK
 * symbols (、。「」), the katakana middle dot and full-width punctuation. */
static bool is_punctuation(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '!' && cp <= '/') || (cp >= ':' && cp <= '@') || (cp >= '[' && cp <= '`')
            || (cp >= '{' && cp <= '~');
    return (cp >= 0x2010 && cp <= 0x2027) || (cp >= 0x3001 && cp <= 0x303F) || cp == 0x30FB
        || (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20)
        || (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65);
}

/* Return `text` without leading and trailing white space; an empty span for NULL. */
static span trim(const char *text)
{
    span result = {"", 0};
    if (!text)
        return result;
    size_t len = strlen(text);
    size_t start = len;
    size_t end = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = decode(text + i, len - i, &cp);
        if (!is_space(cp)) {
            if (start == len)
                start = i;
            end = i + n;
        }
        i += n;
    }
    if (start < end) {
        result.text = text + start;
        result.len = end - start;
    }
    return result;
}

static bool has_text(const char *text)
{
    return trim(text).len > 0;
}

static size_t count_chars(span s)
{
    size_t count = 0;
    for (size_t i = 0; i < s.len; count++) {
        uint32_t cp;
        i += decode(s.text + i, s.len - i, &cp);
    }
    return count;
}

static bool span_equal(span a, span b)
{
    return a.len == b.len && memcmp(a.text, b.text, a.len) == 0;
}

static uint32_t fold_case_and_width(uint32_t cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        cp -= 0xFF01 - 0x21;
    if (cp >= 'A' && cp <= 'Z')
        cp += 'a' - 'A';
    return cp;
}

/* Return true when `s` equals `word` (lower case), ignoring ASCII case and
 * character width. */
static bool equal_folded(span s, const char *word)
{
    size_t word_len = strlen(word);
    size_t i = 0;
    size_t j = 0;
    while (i < s.len && j < word_len) {
        uint32_t a, b;
        i += decode(s.text + i, s.len - i, &a);
        j += decode(word + j, word_len - j, &b);
        if (fold_case_and_width(a) != b)
            return false;
    }
    return i == s.len && j == word_len;
}

/* Return the bytes of `phrase` matched at the start of `text` ignoring ASCII
 * case, or 0 when it does not match. */
static size_t match_phrase(const char *text, size_t len, const char *phrase)
{
    size_t phrase_len = strlen(phrase);
    if (phrase_len > len)
        return 0;
    for (size_t i = 0; i < phrase_len; i++) {
        unsigned char a = (unsigned char)text[i];
        unsigned char b = (unsigned char)phrase[i];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a + ('a' - 'A'));
        if (a != b)
            return 0;
    }
    return phrase_len;
}

/* Return the number of items that are not blank. */
static size_t count_items(const ky_strlist *list)
{
    size_t count = 0;
    for (size_t i = 0; i < list->count; i++)
        if (has_text(list->items[i]))
            count++;
    return count;
}

static bool is_marker(span item)
{
    for (size_t m = 0; m < COUNT_OF(not_applicable_markers); m++)
        if (equal_folded(item, not_applicable_markers[m]))
            return true;
    return false;
}

/* Return true when the list has an item that is neither blank nor a not-applicable marker. */
static bool has_measure(const ky_strlist *list)
{
    for (size_t i = 0; i < list->count; i++) {
        span item = trim(list->items[i]);
        if (item.len > 0 && !is_marker(item))
            return true;
    }
    return false;
}

/* Return true when the list's only item is a not-applicable marker. */
static bool is_not_applicable(const ky_strlist *list)
{
    if (count_items(list) != 1)
        return false;
    for (size_t i = 0; i < list->count; i++) {
        span item = trim(list->items[i]);
        if (item.len > 0)
            return is_marker(item);
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* Findings                                                                  */
/* ------------------------------------------------------------------------ */

static void finding_free(ky_finding *finding)
{
    free(finding->file);
    free(finding->sheet);
    free(finding->record_id);
    free(finding->message);
    free(finding->fix);
}

void ky_findings_free(ky_findings *findings)
{
    if (!findings)
        return;
    for (size_t i = 0; i < findings->count; i++)
        finding_free(&findings->items[i]);
    free(findings->items);
    free(findings);
}

/* The state of one ky_validate_book() call. */
typedef struct validation {
    const ky_book *book;
    ky_validate_options options;
    ky_findings *findings;
    size_t capacity;
    bool out_of_memory; /* Set once an allocation failed; later findings are dropped. */
} validation;

/* Return the 1-based column mapped to `field` on the record's sheet, or 0. */
static uint32_t field_column(const ky_book *book, const ky_origin *origin, const char *field)
{
    for (size_t i = 0; i < book->sheet_count; i++) {
        const ky_sheet_report *sheet = &book->sheets[i];
        bool same_file = sheet->file && origin->file && strcmp(sheet->file, origin->file) == 0;
        bool same_sheet = (!sheet->sheet && !origin->sheet)
                       || (sheet->sheet && origin->sheet
                           && strcmp(sheet->sheet, origin->sheet) == 0);
        if (!same_file || !same_sheet)
            continue;
        for (size_t c = 0; c < sheet->column_count; c++)
            if (sheet->columns[c].field && strcmp(sheet->columns[c].field, field) == 0)
                return sheet->columns[c].col + 1;
    }
    return 0;
}

static char *copy_span(span s)
{
    return s.len ? ky_strndup(s.text, s.len) : NULL;
}

/* Add a finding of `rule` on the record at `origin`. `field` names the mapped
 * field the finding is about, or NULL for the whole record. */
static void add_finding(validation *v, int rule, const ky_origin *origin, const char *field,
                        const char *record_id, const char *fmt, ...) KY_PRINTF(6, 7);

static void add_finding(validation *v, int rule, const ky_origin *origin, const char *field,
                        const char *record_id, const char *fmt, ...)
{
    if (v->out_of_memory)
        return;
    ky_findings *findings = v->findings;
    if (findings->count == v->capacity) {
        size_t capacity = v->capacity ? v->capacity * 2 : 16;
        ky_finding *items = realloc(findings->items, capacity * sizeof *items);
        if (!items) {
            v->out_of_memory = true;
            return;
        }
        findings->items = items;
        v->capacity = capacity;
    }

    ky_buf message = {0};
    va_list args;
    va_start(args, fmt);
    char small[512];
    int n = vsnprintf(small, sizeof small, fmt, args);
    va_end(args);
    if (n >= 0 && (size_t)n < sizeof small) {
        ky_buf_puts(&message, small);
    } else if (n >= 0) {
        /* Messages that quote long cell text are formatted again at their size. */
        char *large = malloc((size_t)n + 1);
        if (large) {
            va_start(args, fmt);
            vsnprintf(large, (size_t)n + 1, fmt, args);
            va_end(args);
            ky_buf_puts(&message, large);
            free(large);
        }
    }

    ky_finding finding = {
        .rule = rules[rule].id,
        .severity = rules[rule].severity,
        .file = ky_strdup(origin->file),
        .sheet = ky_strdup(origin->sheet),
        .row = origin->row,
        .col = field ? field_column(v->book, origin, field) : 0,
        .record_id = copy_span(trim(record_id)),
        .message = message.data,
        .fix = ky_strdup(KY_(rules[rule].fix)),
    };
    bool complete = finding.message && finding.fix && (!origin->file || finding.file)
                 && (!origin->sheet || finding.sheet)
                 && (!has_text(record_id) || finding.record_id);
    if (!complete) {
        finding_free(&finding);
        v->out_of_memory = true;
        return;
    }
    findings->items[findings->count++] = finding;
    if (finding.severity == KY_SEV_ERROR)
        findings->errors++;
    else
        findings->warnings++;
}

/* ------------------------------------------------------------------------ */
/* Lesson rules                                                              */
/* ------------------------------------------------------------------------ */

/* Check that the lesson has an ID and that no lesson before it has the same one. */
static void check_id(validation *v, size_t index)
{
    const ky_lesson *lesson = &v->book->lessons[index];
    span id = trim(lesson->id);
    if (id.len == 0) {
        add_finding(v, RULE_ID_MISSING, &lesson->origin, "id", NULL, "%s",
                    KY_("the lesson has no ID"));
        return;
    }
    for (size_t i = 0; i < index; i++) {
        const ky_lesson *first = &v->book->lessons[i];
        if (!span_equal(id, trim(first->id)))
            continue;
        if (first->origin.sheet && first->origin.sheet[0])
            add_finding(v, RULE_ID_DUPLICATE, &lesson->origin, "id", lesson->id,
                        KY_("lesson ID '%.*s' is already used in sheet %s, row %u"),
                        (int)id.len, id.text, first->origin.sheet,
                        (unsigned)first->origin.row);
        else
            add_finding(v, RULE_ID_DUPLICATE, &lesson->origin, "id", lesson->id,
                        KY_("lesson ID '%.*s' is already used in row %u"), (int)id.len,
                        id.text, (unsigned)first->origin.row);
        return;
    }
}

/* Return true when the first `len` bytes of `text` end with `suffix`. */
static bool ends_with(const char *text, size_t len, const char *suffix)
{
    size_t suffix_len = strlen(suffix);
    return suffix_len <= len && memcmp(text + len - suffix_len, suffix, suffix_len) == 0;
}

/* Return true when the first `len` bytes of `title` end in an obligation, with or without こと. */
static bool ends_in_obligation(const char *title, size_t len)
{
    if (ends_with(title, len, "こと"))
        len -= strlen("こと");
    for (size_t i = 0; i < COUNT_OF(obligation_endings); i++)
        if (ends_with(title, len, obligation_endings[i]))
            return true;
    return false;
}

/* Return the negative ending of a Japanese title, or NULL. */
static const char *negative_ending(span title)
{
    /* Drop trailing punctuation that ends a sentence. */
    size_t end = 0;
    for (size_t i = 0; i < title.len;) {
        uint32_t cp;
        size_t n = decode(title.text + i, title.len - i, &cp);
        bool trailing = is_space(cp) || cp == 0x3002 /* 。 */ || cp == 0xFF01 /* ！ */
                     || cp == '!' || cp == '.' || cp == 0xFF0E /* ． */;
        if (!trailing)
            end = i + n;
        i += n;
    }
    if (ends_in_obligation(title.text, end))
        return NULL;
    for (size_t i = 0; i < COUNT_OF(negative_endings); i++)
        if (ends_with(title.text, end, negative_endings[i]))
            return negative_endings[i];
    return NULL;
}

/* Return the negative opening word of an English title, or NULL. */
static const char *negative_opening(span title)
{
    for (size_t i = 0; i < COUNT_OF(negative_openings); i++) {
        size_t n = match_phrase(title.text, title.len, negative_openings[i]);
        if (n == 0)
            continue;
        unsigned char next = n < title.len ? (unsigned char)title.text[n] : '\0';
        bool word_ends = !((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z'));
        if (word_ends)
            return negative_openings[i];
    }
    return NULL;
}

/* Return true when more than half of the letters of `s` are ASCII letters.
 * Digits, white space and punctuation are not letters. */
static bool is_mostly_ascii_letters(span s)
{
    size_t ascii = 0;
    size_t other = 0;
    for (size_t i = 0; i < s.len;) {
        uint32_t cp;
        i += decode(s.text + i, s.len - i, &cp);
        if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
            ascii++;
        else if (cp >= 0x80 && !is_space(cp) && !is_punctuation(cp)
                 && !(cp >= 0xFF10 && cp <= 0xFF19) /* full-width digits */)
            other++;
    }
    return ascii > other;
}

/* Count the words of `s`: runs of non-space characters that are not only
 * punctuation, so a lone dash between words is not a word. */
static size_t count_words(span s)
{
    size_t words = 0;
    bool in_word = false;
    bool counted = false;
    for (size_t i = 0; i < s.len;) {
        uint32_t cp;
        i += decode(s.text + i, s.len - i, &cp);
        if (is_space(cp)) {
            in_word = false;
            continue;
        }
        if (!in_word) {
            in_word = true;
            counted = false;
        }
        if (!counted && !is_punctuation(cp)) {
            words++;
            counted = true;
        }
    }
    return words;
}

/* Warn about a title longer than the maximum: in words for an English
 * title, in characters for others. */
static void check_title_length(validation *v, const ky_lesson *lesson, span title)
{
    if (is_mostly_ascii_letters(title)) {
        size_t words = count_words(title);
        if (v->options.title_max_words > 0 && words > v->options.title_max_words)
            add_finding(v, RULE_TITLE_TOO_LONG, &lesson->origin, "title", lesson->id,
                        KY_("the title has %zu words, more than the maximum of %zu"), words,
                        v->options.title_max_words);
        return;
    }
    size_t chars = count_chars(title);
    if (v->options.title_max > 0 && chars > v->options.title_max)
        add_finding(v, RULE_TITLE_TOO_LONG, &lesson->origin, "title", lesson->id,
                    KY_("the title has %zu characters, more than the maximum of %zu"), chars,
                    v->options.title_max);
}

static void check_title(validation *v, const ky_lesson *lesson)
{
    span title = trim(lesson->title);
    if (title.len == 0) {
        add_finding(v, RULE_TITLE_MISSING, &lesson->origin, "title", lesson->id, "%s",
                    KY_("the lesson has no title"));
        return;
    }

    check_title_length(v, lesson, title);

    const char *ending = negative_ending(title);
    const char *opening = ending ? NULL : negative_opening(title);
    if (ending)
        add_finding(v, RULE_TITLE_NEGATIVE, &lesson->origin, "title", lesson->id,
                    KY_("the title ends in the negative form '%s', so it says what not to do"),
                    ending);
    else if (opening)
        add_finding(v, RULE_TITLE_NEGATIVE, &lesson->origin, "title", lesson->id,
                    KY_("the title starts with '%.*s', so it says what not to do"),
                    (int)strlen(opening), title.text);
}

/* Return true when the problem's text equals one of the causes. */
static bool problem_in(span problem, const ky_strlist *causes)
{
    for (size_t i = 0; i < causes->count; i++)
        if (span_equal(problem, trim(causes->items[i])))
            return true;
    return false;
}

static void check_problem_and_causes(validation *v, const ky_lesson *lesson)
{
    span problem = trim(lesson->problem);
    if (problem.len > 0 && problem_in(problem, &lesson->direct_causes))
        add_finding(v, RULE_PROBLEM_EQUALS_CAUSE, &lesson->origin, "problem", lesson->id, "%s",
                    KY_("the problem and a direct cause are the same text"));
    else if (problem.len > 0 && problem_in(problem, &lesson->root_causes))
        add_finding(v, RULE_PROBLEM_EQUALS_CAUSE, &lesson->origin, "problem", lesson->id, "%s",
                    KY_("the problem and a root cause are the same text"));

    if (count_items(&lesson->direct_causes) == 0)
        add_finding(v, RULE_DIRECT_CAUSE_MISSING, &lesson->origin, "direct_causes", lesson->id,
                    "%s", KY_("the lesson has no direct cause"));
    if (count_items(&lesson->root_causes) == 0)
        add_finding(v, RULE_ROOT_CAUSE_MISSING, &lesson->origin, "root_causes", lesson->id,
                    "%s", KY_("the lesson has no root cause"));
}

/* A list with no measure is accepted when its single item is a "not applicable" marker. */
static void check_measures(validation *v, const ky_lesson *lesson)
{
    if (!has_measure(&lesson->recurrence) && !is_not_applicable(&lesson->recurrence))
        add_finding(v, RULE_MEASURES_INCOMPLETE, &lesson->origin, "recurrence", lesson->id,
                    "%s", KY_("the lesson has no recurrence-prevention measures"));
    if (!has_measure(&lesson->preventive) && !is_not_applicable(&lesson->preventive))
        add_finding(v, RULE_MEASURES_INCOMPLETE, &lesson->origin, "preventive", lesson->id,
                    "%s", KY_("the lesson has no preventive measures"));
}

/* Return the bytes of the blame phrase at the start of `text`, or 0. */
static size_t match_blame_phrase(const char *text, size_t len)
{
    for (size_t p = 0; p < COUNT_OF(blame_phrases); p++) {
        size_t matched = match_phrase(text, len, blame_phrases[p]);
        if (matched > 0)
            return matched;
    }
    return 0;
}

/* Return the bytes of a person noun and の at the start of `text`, or 0. */
static size_t match_blamed_person(const char *text, size_t len)
{
    static const char no[] = "の";
    for (size_t p = 0; p < COUNT_OF(blamed_persons); p++) {
        size_t matched = match_phrase(text, len, blamed_persons[p]);
        if (matched > 0 && match_phrase(text + matched, len - matched, no) > 0)
            return matched + strlen(no);
    }
    return 0;
}

/*
 * Return true when the text is only blame phrases, white space and
 * punctuation. A person noun with の must be followed by a phrase, and
 * による may only join two phrases.
 */
static bool only_blames_person(span text)
{
    if (text.len == 0 || count_chars(text) > BLAME_MAX_CHARS)
        return false;
    static const char joiner[] = "による";
    size_t phrases = 0;
    bool after_phrase = false; /* The last token was a phrase, so による may follow. */
    bool needs_phrase = false; /* A person noun or による is waiting for its phrase. */
    for (size_t i = 0; i < text.len;) {
        uint32_t cp;
        size_t n = decode(text.text + i, text.len - i, &cp);
        if (is_space(cp) || is_punctuation(cp)) {
            i += n;
            continue;
        }
        const char *rest = text.text + i;
        size_t rest_len = text.len - i;
        size_t matched = match_blame_phrase(rest, rest_len);
        if (matched > 0) {
            phrases++;
            after_phrase = true;
            needs_phrase = false;
        } else if (!needs_phrase && (matched = match_blamed_person(rest, rest_len)) > 0) {
            after_phrase = false;
            needs_phrase = true;
        } else if (after_phrase && (matched = match_phrase(rest, rest_len, joiner)) > 0) {
            after_phrase = false;
            needs_phrase = true;
        } else {
            return false;
        }
        i += matched;
    }
    return phrases > 0 && !needs_phrase;
}

static void check_root_cause_depth(validation *v, const ky_lesson *lesson)
{
    for (size_t i = 0; i < lesson->root_causes.count; i++) {
        span cause = trim(lesson->root_causes.items[i]);
        if (only_blames_person(cause))
            add_finding(v, RULE_ROOT_CAUSE_BLAMES_PERSON, &lesson->origin, "root_causes",
                        lesson->id,
                        KY_("the root cause '%.*s' only blames a person, so it is not deep "
                            "enough"),
                        (int)cause.len, cause.text);
    }
}

/* ------------------------------------------------------------------------ */
/* Risk rules                                                                */
/* ------------------------------------------------------------------------ */

static void check_risk_value(validation *v, const ky_risk *risk)
{
    /* c is 0 when A or B is unknown, and c_typed is 0 when the sheet has no readable C. */
    if (risk->c == 0 || risk->c_typed == 0 || risk->c == risk->c_typed)
        return;
    add_finding(v, RULE_RISK_C_MISMATCH, &risk->origin, "c", risk->no,
                KY_("the risk value C is %d, but A x B = %d x %d = %d"), risk->c_typed, risk->a,
                risk->b, risk->c);
}

/* ------------------------------------------------------------------------ */
/* Privacy rules                                                             */
/* ------------------------------------------------------------------------ */

/* The state of the privacy rules: the validation and the anonymizer that finds names. */
typedef struct privacy_check {
    validation *v;
    const ky_anonymizer *anonymizer;
} privacy_check;

/* Return the 1-based column of the extra value with `header` on the record's sheet, or 0. */
static uint32_t extra_column(const ky_book *book, const ky_origin *origin, const char *header)
{
    for (size_t i = 0; header && i < book->sheet_count; i++) {
        const ky_sheet_report *sheet = &book->sheets[i];
        bool same_file = sheet->file && origin->file && strcmp(sheet->file, origin->file) == 0;
        bool same_sheet = (!sheet->sheet && !origin->sheet)
                       || (sheet->sheet && origin->sheet
                           && strcmp(sheet->sheet, origin->sheet) == 0);
        if (!same_file || !same_sheet)
            continue;
        for (size_t c = 0; c < sheet->column_count; c++)
            if (!sheet->columns[c].field && sheet->columns[c].header
                && strcmp(sheet->columns[c].header, header) == 0)
                return sheet->columns[c].col + 1;
    }
    return 0;
}

static int privacy_rule(const ky_name_match *match)
{
    if (match->listed)
        return RULE_PRIVACY_LISTED;
    switch (match->kind) {
    case KY_NAME_EMAIL: return RULE_PRIVACY_EMAIL;
    case KY_NAME_PHONE: return RULE_PRIVACY_PHONE;
    case KY_NAME_IP: return RULE_PRIVACY_IP;
    default: return RULE_PRIVACY_PERSON;
    }
}

/* Add one finding per name found in `text`. `col` replaces the column of
 * `field` when it is not 0. Returns 0 or KY_ENOMEM. */
static int check_text(privacy_check *check, const char *text, const ky_origin *origin,
                      const char *field, uint32_t col, const char *record_id)
{
    if (!text || !text[0])
        return 0;
    ky_name_match *matches = NULL;
    size_t count = 0;
    if (ky_anonymizer_scan(check->anonymizer, text, strlen(text), &matches, &count) != 0)
        return KY_ENOMEM;
    validation *v = check->v;
    for (size_t i = 0; i < count; i++) {
        const ky_name_match *m = &matches[i];
        int rule = privacy_rule(m);
        int len = (int)(m->end - m->start);
        const char *found = text + m->start;
        size_t before = v->findings->count;
        if (rule == RULE_PRIVACY_EMAIL)
            add_finding(v, rule, origin, field, record_id,
                        KY_("the text contains the e-mail address '%.*s'"), len, found);
        else if (rule == RULE_PRIVACY_PHONE)
            add_finding(v, rule, origin, field, record_id,
                        KY_("the text contains the phone number '%.*s'"), len, found);
        else if (rule == RULE_PRIVACY_IP)
            add_finding(v, rule, origin, field, record_id,
                        KY_("the text contains the IP address '%.*s'"), len, found);
        else if (rule == RULE_PRIVACY_PERSON)
            add_finding(v, rule, origin, field, record_id,
                        KY_("the text contains '%.*s', a name followed by an honorific"), len,
                        found);
        else
            add_finding(v, rule, origin, field, record_id,
                        KY_("the text contains '%.*s' from the names list (%s)"), len, found,
                        ky_name_kind_name(m->kind));
        if (col && v->findings->count > before)
            v->findings->items[v->findings->count - 1].col = col;
    }
    free(matches);
    return 0;
}

static int check_record_text(const ky_book_text *field, void *payload)
{
    privacy_check *check = payload;
    /* Headers repeated on every record are checked once, in the sheet reports. */
    if (field->repeated)
        return 0;
    uint32_t col = field->extra_header
                 ? extra_column(check->v->book, field->origin, field->extra_header)
                 : 0;
    return check_text(check, *field->text, field->origin, field->field, col, field->record_id);
}

/* Check the sheet names and column headers, located at the header row. */
static int check_sheet_reports(privacy_check *check)
{
    const ky_book *book = check->v->book;
    int status = 0;
    for (size_t i = 0; status == 0 && i < book->sheet_count; i++) {
        const ky_sheet_report *sheet = &book->sheets[i];
        ky_origin origin = {sheet->file, sheet->sheet, 0};
        /* A sheet with several tables has one report per table, each with the sheet's name. */
        if (sheet->table <= 1)
            status = check_text(check, sheet->sheet, &origin, NULL, 0, NULL);
        origin.row = sheet->header_row;
        for (size_t c = 0; status == 0 && c < sheet->column_count; c++)
            status = check_text(check, sheet->columns[c].header, &origin, NULL,
                                sheet->columns[c].col + 1, NULL);
    }
    return status;
}

/* Run the privacy rules on every text of the book. Returns 0 or KY_ENOMEM. */
static int check_privacy(validation *v, const ky_anonymizer *anonymizer)
{
    ky_anonymizer *detector = NULL;
    if (!anonymizer) {
        ky_anonymize_options options;
        ky_anonymize_options_init(&options);
        options.detect = true;
        ky_ctx *ctx = ky_ctx_new();
        int status = ctx ? ky_anonymizer_new(ctx, &options, &detector) : KY_ENOMEM;
        ky_ctx_free(ctx);
        if (status != 0)
            return KY_ENOMEM;
        anonymizer = detector;
    }
    privacy_check check = {.v = v, .anonymizer = anonymizer};
    /* The walk can change strings, but check_record_text only reads them. */
    int status = ky_book__visit_records((ky_book *)v->book, check_record_text, &check);
    if (status == 0)
        status = check_sheet_reports(&check);
    ky_anonymizer_free(detector);
    return status;
}

/* ------------------------------------------------------------------------ */
/* Entry point                                                               */
/* ------------------------------------------------------------------------ */

int ky_validate_book(ky_ctx *ctx, const ky_book *book, const ky_validate_options *options,
                     ky_findings **out)
{
    *out = NULL;
    validation v = {.book = book};
    if (options)
        v.options = *options;
    else
        ky_validate_options_init(&v.options);
    v.findings = calloc(1, sizeof *v.findings);
    if (!v.findings)
        return ky_error_set(ctx, KY_ENOMEM, NULL, "%s", KY_("out of memory"));

    for (size_t i = 0; i < book->lesson_count; i++) {
        const ky_lesson *lesson = &book->lessons[i];
        check_id(&v, i);
        check_title(&v, lesson);
        check_problem_and_causes(&v, lesson);
        check_measures(&v, lesson);
        check_root_cause_depth(&v, lesson);
    }
    for (size_t i = 0; i < book->risk_count; i++)
        check_risk_value(&v, &book->risks[i]);
    if (check_privacy(&v, v.options.anonymizer) != 0)
        v.out_of_memory = true;

    if (v.out_of_memory) {
        ky_findings_free(v.findings);
        return ky_error_set(ctx, KY_ENOMEM, NULL, "%s", KY_("out of memory"));
    }
    *out = v.findings;
    return 0;
}
