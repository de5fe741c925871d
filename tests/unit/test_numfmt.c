/* SPDX-License-Identifier: MIT */
/*
 * Tests of number format classification: built-in ids (including the
 * Japanese-locale ones) and format codes with quoted text, escapes, locale
 * tags, era codes, AM/PM and elapsed-time brackets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "formats/ky_numfmt.h"

typedef struct code_case {
    const char *code;
    ky_numfmt_kind expected;
} code_case;

static void test_numfmt_builtin__ids(void **state)
{
    (void)state;
    static const struct {
        unsigned id;
        ky_numfmt_kind expected;
    } cases[] = {
        {0, KY_NUMFMT_NUMBER},    {1, KY_NUMFMT_NUMBER},    {9, KY_NUMFMT_NUMBER},
        {13, KY_NUMFMT_NUMBER},   {14, KY_NUMFMT_DATE},     {17, KY_NUMFMT_DATE},
        {18, KY_NUMFMT_TIME},     {21, KY_NUMFMT_TIME},     {22, KY_NUMFMT_DATETIME},
        {26, KY_NUMFMT_NUMBER},   {27, KY_NUMFMT_DATE},     {31, KY_NUMFMT_DATE},
        {32, KY_NUMFMT_TIME},     {33, KY_NUMFMT_TIME},     {34, KY_NUMFMT_DATE},
        {36, KY_NUMFMT_DATE},     {37, KY_NUMFMT_NUMBER},   {44, KY_NUMFMT_NUMBER},
        {45, KY_NUMFMT_TIME},     {46, KY_NUMFMT_DURATION}, {47, KY_NUMFMT_TIME},
        {49, KY_NUMFMT_NUMBER},   {50, KY_NUMFMT_DATE},     {55, KY_NUMFMT_DATE},
        {57, KY_NUMFMT_DATE},     {58, KY_NUMFMT_DATE},     {59, KY_NUMFMT_NUMBER},
        {164, KY_NUMFMT_NUMBER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ky_numfmt_kind kind = ky_numfmt_builtin_kind(cases[i].id);
        if (kind != cases[i].expected)
            fail_msg("id %u: expected kind %d, got %d", cases[i].id, cases[i].expected, kind);
    }
}

static void test_numfmt_code__table(void **state)
{
    (void)state;
    static const code_case cases[] = {
        /* Numbers, text and things that only look like dates. */
        {"General", KY_NUMFMT_NUMBER},
        {"0", KY_NUMFMT_NUMBER},
        {"#,##0.00", KY_NUMFMT_NUMBER},
        {"0.00%", KY_NUMFMT_NUMBER},
        {"0.00E+00", KY_NUMFMT_NUMBER},
        {"##0.0e-0", KY_NUMFMT_NUMBER},
        {"@", KY_NUMFMT_NUMBER},
        {"\"yyyy\"0", KY_NUMFMT_NUMBER},
        {"\\d\\a\\y 0", KY_NUMFMT_NUMBER},
        {"[Red]0.00;[Blue]-0.00", KY_NUMFMT_NUMBER},
        {"_(* #,##0_);_(* (#,##0);_(* \"-\"_);_(@_)", KY_NUMFMT_NUMBER},
        {"[$$-409]#,##0.00", KY_NUMFMT_NUMBER},
        {"[$¥-411]#,##0", KY_NUMFMT_NUMBER},
        {"0\"件\"", KY_NUMFMT_NUMBER},
        {"", KY_NUMFMT_NUMBER},
        /* Dates. */
        {"yyyy\\-mm\\-dd", KY_NUMFMT_DATE},
        {"yyyy/m/d", KY_NUMFMT_DATE},
        {"m/d/yy", KY_NUMFMT_DATE},
        {"d-mmm-yy", KY_NUMFMT_DATE},
        {"mmm-yy", KY_NUMFMT_DATE},
        {"mmmm", KY_NUMFMT_DATE},
        {"YYYY-MM-DD", KY_NUMFMT_DATE},
        {"[$-411]ggge\"年\"m\"月\"d\"日\"", KY_NUMFMT_DATE},
        {"[$-ja-JP]ggge\"年\"m\"月\"d\"日\";@", KY_NUMFMT_DATE},
        {"[$-411]ge.m.d", KY_NUMFMT_DATE},
        {"yyyy\"年\"m\"月\"d\"日\"", KY_NUMFMT_DATE},
        {"m\"月\"d\"日\"(aaa)", KY_NUMFMT_DATE},
        {"[$-F800]dddd, mmmm dd, yyyy", KY_NUMFMT_DATE},
        {"[DBNum1][$-411]ggge\"年\"m\"月\"d\"日\"", KY_NUMFMT_DATE},
        /* Date and time. */
        {"m/d/yy h:mm", KY_NUMFMT_DATETIME},
        {"yyyy-mm-dd hh:mm:ss", KY_NUMFMT_DATETIME},
        {"yyyy/m/d h:mm AM/PM", KY_NUMFMT_DATETIME},
        {"[$-409]m/d/yy h:mm AM/PM;@", KY_NUMFMT_DATETIME},
        /* Times of day. */
        {"h:mm", KY_NUMFMT_TIME},
        {"hh:mm:ss", KY_NUMFMT_TIME},
        {"h:mm AM/PM", KY_NUMFMT_TIME},
        {"h:mm:ss a/p", KY_NUMFMT_TIME},
        {"mm:ss", KY_NUMFMT_TIME},
        {"mm:ss.0", KY_NUMFMT_TIME},
        {"h\"時\"mm\"分\"ss\"秒\"", KY_NUMFMT_TIME},
        {"[$-F400]h:mm:ss\\ AM/PM", KY_NUMFMT_TIME},
        /* Elapsed durations. */
        {"[h]:mm:ss", KY_NUMFMT_DURATION},
        {"[hh]:mm:ss", KY_NUMFMT_DURATION},
        {"[mm]:ss", KY_NUMFMT_DURATION},
        {"[ss].00", KY_NUMFMT_DURATION},
        {"[Red][h]:mm", KY_NUMFMT_DURATION},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ky_numfmt_kind kind = ky_numfmt_code_kind(cases[i].code, strlen(cases[i].code));
        if (kind != cases[i].expected)
            fail_msg("code \"%s\": expected kind %d, got %d", cases[i].code, cases[i].expected,
                     kind);
    }
}

static void test_numfmt_code__first_section_only(void **state)
{
    (void)state;
    static const char code[] = "0.00;yyyy-mm-dd";
    assert_int_equal(ky_numfmt_code_kind(code, strlen(code)), KY_NUMFMT_NUMBER);
    /* The length bounds the code: "yyyy" past it is not seen. */
    static const char cut[] = "0yyyy";
    assert_int_equal(ky_numfmt_code_kind(cut, 1), KY_NUMFMT_NUMBER);
    /* An unclosed quote or bracket ends the code without reading past it. */
    static const char quote[] = "\"yyyy";
    assert_int_equal(ky_numfmt_code_kind(quote, strlen(quote)), KY_NUMFMT_NUMBER);
    static const char bracket[] = "[h";
    assert_int_equal(ky_numfmt_code_kind(bracket, strlen(bracket)), KY_NUMFMT_NUMBER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numfmt_builtin__ids),
        cmocka_unit_test(test_numfmt_code__table),
        cmocka_unit_test(test_numfmt_code__first_section_only),
    };
    return cmocka_run_group_tests_name("numfmt", tests, NULL, NULL);
}
