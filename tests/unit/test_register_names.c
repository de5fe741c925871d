/* SPDX-License-Identifier: MIT */
/*
 * Tests for the sheet names of the risk-register plugin. Hostile requested
 * names become legal Excel sheet names: at most 31 UTF-16 code units, none
 * of []:*?/\, no apostrophe at either end and no control characters. Every
 * name in a workbook is unique, ignoring ASCII case.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "formats/ky_text.h"
#include "plugins/output-risk-register/register_names.c"

/* Return the length of a UTF-8 name in UTF-16 code units. */
static size_t units_of(const char *name)
{
    size_t units = 0;
    size_t len = strlen(name);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += ky_utf8_decode((const unsigned char *)name + i, len - i, &cp);
        units += cp >= 0x10000 ? 2 : 1;
    }
    return units;
}

/* Add `requested` to a fresh list and return a copy of the result in `out`. */
static void legal_name(const char *requested, char out[REG_SHEET_NAME_SIZE])
{
    reg_sheet_names names = {0};
    const char *name = reg_sheet_names_add(&names, requested);
    assert_non_null(name);
    memcpy(out, name, strlen(name) + 1);
}

static void test_names__forbidden_characters(void **state)
{
    (void)state;
    char name[REG_SHEET_NAME_SIZE];
    legal_name("a[b]c:d*e?f/g\\h", name);
    assert_string_equal(name, "a_b_c_d_e_f_g_h");
}

static void test_names__apostrophes_at_ends(void **state)
{
    (void)state;
    char name[REG_SHEET_NAME_SIZE];
    legal_name("''引用'', O'Neil''", name);
    assert_string_equal(name, "引用'', O'Neil");
    legal_name("'''", name);
    assert_string_equal(name, "Sheet");
}

static void test_names__control_characters(void **state)
{
    (void)state;
    char name[REG_SHEET_NAME_SIZE];
    legal_name("リスク\t管理\n表\x7f\x01", name);
    assert_string_equal(name, "リスク管理表");
    legal_name("\x01\x02", name);
    assert_string_equal(name, "Sheet");
}

static void test_names__length_in_characters(void **state)
{
    (void)state;
    char name[REG_SHEET_NAME_SIZE];

    /* 40 Japanese characters of 3 bytes: cut to 31 characters, not 31 bytes. */
    ky_buf requested = {0};
    for (int i = 0; i < 40; i++)
        assert_int_equal(ky_buf_puts(&requested, "表"), 0);
    legal_name(requested.data, name);
    assert_int_equal(units_of(name), 31);
    assert_int_equal(strlen(name), 31 * 3);
    ky_buf_free(&requested);

    /* U+1F600 takes two UTF-16 code units, so 15 of them fit and the 16th does not. */
    for (int i = 0; i < 16; i++)
        assert_int_equal(ky_buf_puts(&requested, "\xF0\x9F\x98\x80"), 0);
    legal_name(requested.data, name);
    assert_int_equal(units_of(name), 30);
    assert_int_equal(strlen(name), 15 * 4);
    ky_buf_free(&requested);

    /* A cut that leaves an apostrophe at the end removes it too. */
    legal_name("abcdefghijklmnopqrstuvwxyz1234'x", name);
    assert_string_equal(name, "abcdefghijklmnopqrstuvwxyz1234");
}

static void test_names__invalid_utf8(void **state)
{
    (void)state;
    char name[REG_SHEET_NAME_SIZE];
    legal_name("a\xFF" "b", name);
    assert_string_equal(name, "a\xEF\xBF\xBD" "b");
}

static void test_names__reserved_history(void **state)
{
    (void)state;
    char name[REG_SHEET_NAME_SIZE];
    legal_name("history", name);
    assert_string_equal(name, "History_");
}

static void test_names__unique_ignoring_case(void **state)
{
    (void)state;
    reg_sheet_names names = {0};
    assert_string_equal(reg_sheet_names_add(&names, "Risk"), "Risk");
    assert_string_equal(reg_sheet_names_add(&names, "RISK"), "RISK (2)");
    assert_string_equal(reg_sheet_names_add(&names, "risk"), "risk (3)");
    assert_string_equal(reg_sheet_names_add(&names, "Risk (2)"), "Risk (2) (2)");
    assert_int_equal(names.count, 4);
}

static void test_names__unique_at_max_length(void **state)
{
    (void)state;
    reg_sheet_names names = {0};
    const char *requested = "0123456789012345678901234567890123";
    assert_string_equal(reg_sheet_names_add(&names, requested), "0123456789012345678901234567890");
    const char *second = reg_sheet_names_add(&names, requested);
    assert_string_equal(second, "012345678901234567890123456 (2)");
    assert_int_equal(units_of(second), 31);
}

static void test_names__full_list(void **state)
{
    (void)state;
    reg_sheet_names names = {0};
    for (int i = 0; i < REG_MAX_SHEETS; i++)
        assert_non_null(reg_sheet_names_add(&names, "同じ名前"));
    assert_string_equal(names.names[REG_MAX_SHEETS - 1], "同じ名前 (8)");
    assert_null(reg_sheet_names_add(&names, "one more"));
}

static void test_names__quoted_reference(void **state)
{
    (void)state;
    char out[64];
    assert_true(reg_quote_sheet_name("O'Neil", out, sizeof out));
    assert_string_equal(out, "'O''Neil'");
    assert_true(reg_quote_sheet_name("リスク管理表", out, sizeof out));
    assert_string_equal(out, "'リスク管理表'");
    assert_false(reg_quote_sheet_name("abcdef", out, 8));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names__forbidden_characters),
        cmocka_unit_test(test_names__apostrophes_at_ends),
        cmocka_unit_test(test_names__control_characters),
        cmocka_unit_test(test_names__length_in_characters),
        cmocka_unit_test(test_names__invalid_utf8),
        cmocka_unit_test(test_names__reserved_history),
        cmocka_unit_test(test_names__unique_ignoring_case),
        cmocka_unit_test(test_names__unique_at_max_length),
        cmocka_unit_test(test_names__full_list),
        cmocka_unit_test(test_names__quoted_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
