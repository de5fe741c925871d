/* SPDX-License-Identifier: MIT */
/* Tests for number, date and cell text formatting shared by dump and the outputs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "formats/ky_date.h"
#include "formats/ky_text.h"

static void test_format_number__shortest_round_trip(void **state)
{
    (void)state;
    char out[32];
    assert_string_equal(ky_format_number(1, out), "1");
    assert_string_equal(ky_format_number(1.5, out), "1.5");
    assert_string_equal(ky_format_number(0.1, out), "0.1");
    assert_string_equal(ky_format_number(-5, out), "-5");
    assert_string_equal(ky_format_number(10.6320601851852, out), "10.6320601851852");
    assert_string_equal(ky_format_number(0.30000000000000004, out), "0.30000000000000004");
    assert_string_equal(ky_format_number(1e300, out), "1e+300");
    assert_string_equal(ky_format_number(123456789012, out), "123456789012");
    assert_string_equal(ky_format_number(1200, out), "1200");
    assert_string_equal(ky_format_number(100, out), "100");
    assert_string_equal(ky_format_number(1000000, out), "1000000");
    assert_string_equal(ky_format_number(-12000000, out), "-12000000");
    assert_string_equal(ky_format_number(1e15, out), "1000000000000000");
    assert_string_equal(ky_format_number(1e16, out), "1e+16");
    assert_string_equal(ky_format_number(0.0001, out), "0.0001");
    assert_string_equal(ky_format_number(0.00001, out), "1e-05");
}

static void test_parse_number__forms(void **state)
{
    (void)state;
    double value = 0;
    assert_true(ky_parse_number(" -1.5E-3 ", 9, &value));
    assert_true(value == -1.5e-3);
    assert_true(ky_parse_number("42", 2, &value));
    assert_true(value == 42);
    assert_true(ky_parse_number(".5", 2, &value));
    assert_true(value == 0.5);
    assert_false(ky_parse_number("0x10", 4, &value));
    assert_false(ky_parse_number("inf", 3, &value));
    assert_false(ky_parse_number("nan", 3, &value));
    assert_false(ky_parse_number("1e", 2, &value));
    assert_false(ky_parse_number("1,5", 3, &value));
    assert_false(ky_parse_number("", 0, &value));
    assert_false(ky_parse_number("1e999", 5, &value));
}

static void test_date_serial__known_days(void **state)
{
    (void)state;
    assert_true(ky_date_to_serial(2024, 4, 1) == 45383);
    assert_true(ky_date_to_serial(1900, 3, 1) == 61);
    assert_true(ky_date_to_serial(2016, 10, 20) == 42663);
    int y, m, d;
    assert_true(ky_serial_to_date(45383.75, &y, &m, &d));
    assert_int_equal(y, 2024);
    assert_int_equal(m, 4);
    assert_int_equal(d, 1);
    /* A 1904-system serial plus the offset gives the same day. */
    assert_true(ky_serial_to_date(42735 + KY_DATE_1904_OFFSET, &y, &m, &d));
    assert_int_equal(y, 2021);
    assert_int_equal(m, 1);
    assert_int_equal(d, 1);
}

static void test_date_valid__leap_years(void **state)
{
    (void)state;
    assert_true(ky_date_valid(2020, 2, 29));
    assert_false(ky_date_valid(2021, 2, 29));
    assert_false(ky_date_valid(1900, 2, 29));
    assert_true(ky_date_valid(2000, 2, 29));
    assert_false(ky_date_valid(2024, 2, 30));
    assert_false(ky_date_valid(2024, 13, 1));
}

static void test_format_date__kinds(void **state)
{
    (void)state;
    char out[40];
    assert_string_equal(ky_format_date(45383, KY_DATE_DATE, out), "2024-04-01");
    assert_string_equal(ky_format_date(45383 + 9.5 / 24, KY_DATE_DATETIME, out),
                        "2024-04-01T09:30:00");
    assert_string_equal(ky_format_date(9.5 / 24, KY_DATE_TIME, out), "09:30:00");
    double with_micros = (10 * 3600 + 10 * 60 + 10.123456) / 86400.0;
    assert_string_equal(ky_format_date(with_micros, KY_DATE_TIME, out), "10:10:10.123456");
    assert_null(ky_format_date(1e9, KY_DATE_DATE, out));
}

static void test_parse_iso_date__forms(void **state)
{
    (void)state;
    double serial;
    ky_date_kind kind;
    assert_true(ky_parse_iso_date("2021-01-01", 10, &serial, &kind));
    assert_int_equal(kind, KY_DATE_DATE);
    assert_true(serial == 44197);
    assert_true(ky_parse_iso_date("2021-01-01T10:10:10", 19, &serial, &kind));
    assert_int_equal(kind, KY_DATE_DATETIME);
    char out[40];
    assert_string_equal(ky_format_date(serial, kind, out), "2021-01-01T10:10:10");
    assert_true(ky_parse_iso_date("10:10:10", 8, &serial, &kind));
    assert_int_equal(kind, KY_DATE_TIME);
    assert_false(ky_parse_iso_date("2021-02-30", 10, &serial, &kind));
    assert_false(ky_parse_iso_date("yesterday", 9, &serial, &kind));
}

static void test_cell_text__each_type(void **state)
{
    (void)state;
    ky_buf out = {0};
    ky_cell cell = {.type = KY_CELL_BOOL, .number = 0};
    ky_cell_append_text(&cell, &out);
    assert_string_equal(out.data, "FALSE");
    ky_buf_clear(&out);
    cell = (ky_cell){.type = KY_CELL_ERROR, .text = "#N/A", .len = 4};
    ky_cell_append_text(&cell, &out);
    assert_string_equal(out.data, "#N/A");
    ky_buf_clear(&out);
    cell = (ky_cell){.type = KY_CELL_DATE, .date_kind = KY_DATE_DATE, .number = 42663};
    ky_cell_append_text(&cell, &out);
    assert_string_equal(out.data, "2016-10-20");
    ky_buf_free(&out);
}

static void test_utf8__validation(void **state)
{
    (void)state;
    assert_true(ky_utf8_valid("障害", strlen("障害")));
    assert_false(ky_utf8_valid("\x8f\xe1\x8a\x51", 4));
    assert_false(ky_utf8_valid("\xed\xa0\x80", 3));
    assert_false(ky_utf8_valid("\xc0\xaf", 2));
    char out[4];
    assert_int_equal(ky_utf8_encode(0x9AD9, out), 3);
    assert_memory_equal(out, "\xe9\xab\x99", 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_number__shortest_round_trip),
        cmocka_unit_test(test_parse_number__forms),
        cmocka_unit_test(test_date_serial__known_days),
        cmocka_unit_test(test_date_valid__leap_years),
        cmocka_unit_test(test_format_date__kinds),
        cmocka_unit_test(test_parse_iso_date__forms),
        cmocka_unit_test(test_cell_text__each_type),
        cmocka_unit_test(test_utf8__validation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
