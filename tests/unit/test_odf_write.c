/* SPDX-License-Identifier: MIT */
/*
 * Tests of the ODF writer in formats/ky_odf_write.c: the text and attribute
 * escapers, and the zip layout of a package (mimetype first and stored, no
 * extra fields, no data descriptors, fixed times, manifest entries).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <zip.h>

#include "formats/ky_odf_write.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                    */
/* ------------------------------------------------------------------------ */

/* Escape `text` (given length, so it may hold NUL) as paragraph content. */
static char *odf_text(const char *text, size_t len, size_t *cleaned)
{
    ky_buf buf = {0};
    assert_int_equal(ky_odf_append_text(&buf, text, len, cleaned), 0);
    return ky_buf_take(&buf);
}

static void assert_odf_text(const char *text, const char *expected)
{
    size_t cleaned = 0;
    char *got = odf_text(text, strlen(text), &cleaned);
    assert_string_equal(got, expected);
    assert_int_equal(cleaned, 0);
    free(got);
}

static char *xml_plain(const char *text, size_t len, size_t *cleaned)
{
    ky_buf buf = {0};
    assert_int_equal(ky_xml_append_escaped(&buf, text, len, cleaned), 0);
    return ky_buf_take(&buf);
}

static uint16_t read_u16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t read_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* The fields of a zip local file header that the ODF rules constrain. */
typedef struct local_header {
    uint16_t flags;
    uint16_t method;
    uint16_t dos_time;
    uint16_t dos_date;
    uint32_t compressed_size;
    uint32_t size;
    uint16_t name_len;
    uint16_t extra_len;
    const char *name;       /* Not NUL-terminated. */
    const unsigned char *data;
} local_header;

/* Parse the local header at `offset`; returns the offset of the next one. */
static size_t parse_local_header(const unsigned char *zip, size_t zip_len, size_t offset,
                                 local_header *out)
{
    assert_true(offset + 30 <= zip_len);
    const unsigned char *p = zip + offset;
    assert_int_equal(read_u32(p), 0x04034b50u);
    out->flags = read_u16(p + 6);
    out->method = read_u16(p + 8);
    out->dos_time = read_u16(p + 10);
    out->dos_date = read_u16(p + 12);
    out->compressed_size = read_u32(p + 18);
    out->size = read_u32(p + 22);
    out->name_len = read_u16(p + 26);
    out->extra_len = read_u16(p + 28);
    out->name = (const char *)p + 30;
    out->data = p + 30 + out->name_len + out->extra_len;
    size_t next = offset + 30 + out->name_len + out->extra_len + out->compressed_size;
    assert_true(next <= zip_len);
    return next;
}

static bool name_is(const local_header *header, const char *name)
{
    return header->name_len == strlen(name) && memcmp(header->name, name, header->name_len) == 0;
}

/* Build a package with two parts at `timestamp`. */
static unsigned char *build_sample(int64_t timestamp, size_t *len)
{
    ky_odf_package *pkg;
    const char content[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<x>障害</x>\n";
    const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    unsigned char *zip;

    assert_int_equal(ky_odf_package_new(&pkg, KY_ODF_MEDIA_TYPE_TEXT, timestamp), 0);
    assert_int_equal(ky_odf_package_add(pkg, "content.xml", "text/xml", content, sizeof content - 1), 0);
    assert_int_equal(ky_odf_package_add(pkg, "Pictures/pareto.svg", "image/svg+xml", svg, sizeof svg - 1), 0);
    assert_int_equal(ky_odf_package_build(pkg, NULL, &zip, len), 0);
    ky_odf_package_free(pkg);
    return zip;
}

/* Read one entry of an in-memory zip through libzip; NUL-terminated. */
static char *read_entry(const unsigned char *zip, size_t zip_len, const char *name)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *source = zip_source_buffer_create(zip, zip_len, 0, &error);
    assert_non_null(source);
    zip_t *za = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
    assert_non_null(za);

    zip_stat_t st;
    assert_int_equal(zip_stat(za, name, 0, &st), 0);
    char *text = calloc(1, (size_t)st.size + 1);
    assert_non_null(text);
    zip_file_t *file = zip_fopen(za, name, 0);
    assert_non_null(file);
    assert_int_equal(zip_fread(file, text, st.size), (zip_int64_t)st.size);
    zip_fclose(file);
    zip_close(za);
    zip_error_fini(&error);
    return text;
}

/* ------------------------------------------------------------------------ */
/* Escapers                                                                   */
/* ------------------------------------------------------------------------ */

static void test_odf_text__markup_escaped(void **state)
{
    (void)state;
    assert_odf_text("A & B <C> \"d\" 'e'", "A &amp; B &lt;C&gt; &quot;d&quot; &apos;e&apos;");
}

static void test_odf_text__single_space_kept(void **state)
{
    (void)state;
    assert_odf_text("a b", "a b");
    assert_odf_text("障害 対応", "障害 対応");
}

static void test_odf_text__space_runs(void **state)
{
    (void)state;
    assert_odf_text("a  b", "a <text:s/>b");
    assert_odf_text("a    b", "a <text:s text:c=\"3\"/>b");
}

static void test_odf_text__leading_and_trailing_spaces(void **state)
{
    (void)state;
    assert_odf_text(" a", "<text:s/>a");
    assert_odf_text("   a", "<text:s text:c=\"3\"/>a");
    assert_odf_text("a ", "a<text:s/>");
    assert_odf_text("  ", "<text:s text:c=\"2\"/>");
}

static void test_odf_text__tab_and_line_breaks(void **state)
{
    (void)state;
    assert_odf_text("a\tb", "a<text:tab/>b");
    assert_odf_text("a\nb", "a<text:line-break/>b");
    assert_odf_text("a\r\nb", "a<text:line-break/>b");
    assert_odf_text("a\rb", "a<text:line-break/>b");
    assert_odf_text("a\n\nb", "a<text:line-break/><text:line-break/>b");
    /* Spaces next to a tab or line break would be collapsed away. */
    assert_odf_text("a \tb", "a<text:s/><text:tab/>b");
    assert_odf_text("a\n b", "a<text:line-break/><text:s/>b");
}

/* The lesson text of the white-space hard case: double space, tab, newline. */
static void test_odf_text__lesson_whitespace(void **state)
{
    (void)state;
    assert_odf_text("原因:  DNS\t設定ミス\n対策: 監視追加",
                    "原因: <text:s/>DNS<text:tab/>設定ミス<text:line-break/>対策: 監視追加");
}

static void test_odf_text__control_characters_removed(void **state)
{
    (void)state;
    /* A pasted terminal log: ESC, U+0001, U+000B, then NUL, DEL and NEL (U+0085). */
    const char text[] = "\x1b[31mERROR\x01 x\x0b" "y\0z\x7f" "\xc2\x85" "end";
    size_t cleaned = 0;
    char *got = odf_text(text, sizeof text - 1, &cleaned);
    assert_string_equal(got, "[31mERROR xyzend");
    assert_int_equal(cleaned, 6);
    free(got);
}

static void test_odf_text__noncharacters_removed(void **state)
{
    (void)state;
    size_t cleaned = 0;
    char *got = odf_text("a\xef\xbf\xbe" "b\xef\xbf\xbf" "c", 9, &cleaned);
    assert_string_equal(got, "abc");
    assert_int_equal(cleaned, 2);
    free(got);
}

static void test_odf_text__invalid_utf8_replaced(void **state)
{
    (void)state;
    const struct {
        const char *bytes;
        const char *expected;
        size_t cleaned;
    } cases[] = {
        {"a\xff" "b", "a\xef\xbf\xbd" "b", 1},                               /* never valid */
        {"\x8f\xe1\x8a\x51", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdQ", 3},    /* CP932 bytes of 障害 */
        {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd", 2},                         /* overlong '/' */
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3},         /* surrogate */
        {"\xe3\x81", "\xef\xbf\xbd\xef\xbf\xbd", 2},                         /* truncated あ */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t cleaned = 0;
        char *got = odf_text(cases[i].bytes, strlen(cases[i].bytes), &cleaned);
        assert_string_equal(got, cases[i].expected);
        assert_int_equal(cleaned, cases[i].cleaned);
        free(got);
    }
}

/* A U+FFFD that is in the text already is valid UTF-8 and not counted. */
static void test_odf_text__real_replacement_char_kept(void **state)
{
    (void)state;
    assert_odf_text("x\xef\xbf\xbdy", "x\xef\xbf\xbdy");
}

static void test_odf_text__null_appends_nothing(void **state)
{
    (void)state;
    ky_buf buf = {0};
    assert_int_equal(ky_odf_append_text(&buf, NULL, 0, NULL), 0);
    assert_int_equal(buf.len, 0);
    ky_buf_free(&buf);
}

static void test_xml_escaped__whitespace_references(void **state)
{
    (void)state;
    size_t cleaned = 0;
    const char text[] = "a\tb\nc\r\nd\re  f\x1b&<>\"'";
    char *got = xml_plain(text, sizeof text - 1, &cleaned);
    assert_string_equal(got, "a&#9;b&#10;c&#13;&#10;d&#13;e  f&amp;&lt;&gt;&quot;&apos;");
    assert_int_equal(cleaned, 1);
    free(got);
}

/* ------------------------------------------------------------------------ */
/* Package                                                                    */
/* ------------------------------------------------------------------------ */

static void test_odf_package__rejects_bad_names(void **state)
{
    (void)state;
    ky_odf_package *pkg;
    assert_int_equal(ky_odf_package_new(&pkg, KY_ODF_MEDIA_TYPE_TEXT, 0), 0);

    assert_int_equal(ky_odf_package_add(pkg, "mimetype", "text/plain", "x", 1), KY_EINVAL);
    assert_int_equal(ky_odf_package_add(pkg, "META-INF/manifest.xml", "text/xml", "x", 1), KY_EINVAL);
    assert_int_equal(ky_odf_package_add(pkg, "", "text/xml", "x", 1), KY_EINVAL);
    assert_int_equal(ky_odf_package_add(pkg, "/content.xml", "text/xml", "x", 1), KY_EINVAL);
    assert_int_equal(ky_odf_package_add(pkg, "Pictures/../x.xml", "text/xml", "x", 1), KY_EINVAL);
    assert_int_equal(ky_odf_package_add(pkg, "content.xml", "", "x", 1), KY_EINVAL);

    assert_int_equal(ky_odf_package_add(pkg, "content.xml", "text/xml", "x", 1), 0);
    assert_int_equal(ky_odf_package_add(pkg, "content.xml", "text/xml", "y", 1), KY_EEXISTS);
    ky_odf_package_free(pkg);

    assert_int_equal(ky_odf_package_new(&pkg, "", 0), KY_EINVAL);
    assert_null(pkg);
}

static void test_odf_package__mimetype_first_and_stored(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip = build_sample(1700000000, &len);

    local_header header;
    parse_local_header(zip, len, 0, &header);
    assert_true(name_is(&header, "mimetype"));
    assert_int_equal(header.method, 0);
    assert_int_equal(header.extra_len, 0);
    assert_int_equal(header.flags & 0x0008, 0);
    assert_int_equal(header.size, strlen(KY_ODF_MEDIA_TYPE_TEXT));
    assert_int_equal(header.compressed_size, header.size);
    assert_memory_equal(header.data, KY_ODF_MEDIA_TYPE_TEXT, header.size);

    /* The media type starts at byte 38, where magic-number readers look for it. */
    assert_memory_equal(zip + 38, KY_ODF_MEDIA_TYPE_TEXT, strlen(KY_ODF_MEDIA_TYPE_TEXT));
    free(zip);
}

static void test_odf_package__entries_layout(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip = build_sample(1700000000, &len);
    const char *expected[] = {"mimetype", "content.xml", "Pictures/pareto.svg", "META-INF/manifest.xml"};

    size_t offset = 0;
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        local_header header;
        offset = parse_local_header(zip, len, offset, &header);
        assert_true(name_is(&header, expected[i]));
        assert_int_equal(header.flags & 0x0008, 0);
        assert_int_equal(header.extra_len, 0);
        assert_int_equal(header.method, i == 0 ? 0 : 8);
        /* 2023-11-14 22:13:20 UTC in MS-DOS format. */
        assert_int_equal(header.dos_date, ((2023 - 1980) << 9) | (11 << 5) | 14);
        assert_int_equal(header.dos_time, (22 << 11) | (13 << 5) | (20 / 2));
    }
    /* The central directory follows the last entry. */
    assert_int_equal(read_u32(zip + offset), 0x02014b50u);
    free(zip);
}

static void test_odf_package__manifest_lists_parts(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip = build_sample(0, &len);
    char *manifest = read_entry(zip, len, "META-INF/manifest.xml");

    assert_non_null(strstr(manifest, "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\">"));
    assert_non_null(strstr(manifest, "<manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.3\" manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"));
    assert_non_null(strstr(manifest, "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"));
    assert_non_null(strstr(manifest, "<manifest:file-entry manifest:full-path=\"Pictures/pareto.svg\" manifest:media-type=\"image/svg+xml\"/>"));

    /* Exactly one "/" entry, and neither mimetype nor the manifest listed. */
    const char *root = strstr(manifest, "full-path=\"/\"");
    assert_null(strstr(root + 1, "full-path=\"/\""));
    assert_null(strstr(manifest, "full-path=\"mimetype\""));
    assert_null(strstr(manifest, "full-path=\"META-INF/manifest.xml\""));

    char *content = read_entry(zip, len, "content.xml");
    assert_string_equal(content, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<x>障害</x>\n");
    free(content);
    free(manifest);
    free(zip);
}

static void test_odf_package__bytes_independent_of_time_zone(void **state)
{
    (void)state;
    size_t len_utc, len_tokyo;

    setenv("TZ", "UTC", 1);
    tzset();
    unsigned char *utc = build_sample(1700000000, &len_utc);
    setenv("TZ", "Asia/Tokyo", 1);
    tzset();
    unsigned char *tokyo = build_sample(1700000000, &len_tokyo);
    unsetenv("TZ");
    tzset();

    assert_int_equal(len_utc, len_tokyo);
    assert_memory_equal(utc, tokyo, len_utc);
    free(utc);
    free(tokyo);
}

static void test_odf_package__time_clamped_to_1980(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip = build_sample(0, &len);
    local_header header;
    parse_local_header(zip, len, 0, &header);
    assert_int_equal(header.dos_date, (0 << 9) | (1 << 5) | 1);
    assert_int_equal(header.dos_time, 0);
    free(zip);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_odf_text__markup_escaped),
        cmocka_unit_test(test_odf_text__single_space_kept),
        cmocka_unit_test(test_odf_text__space_runs),
        cmocka_unit_test(test_odf_text__leading_and_trailing_spaces),
        cmocka_unit_test(test_odf_text__tab_and_line_breaks),
        cmocka_unit_test(test_odf_text__lesson_whitespace),
        cmocka_unit_test(test_odf_text__control_characters_removed),
        cmocka_unit_test(test_odf_text__noncharacters_removed),
        cmocka_unit_test(test_odf_text__invalid_utf8_replaced),
        cmocka_unit_test(test_odf_text__real_replacement_char_kept),
        cmocka_unit_test(test_odf_text__null_appends_nothing),
        cmocka_unit_test(test_xml_escaped__whitespace_references),
        cmocka_unit_test(test_odf_package__rejects_bad_names),
        cmocka_unit_test(test_odf_package__mimetype_first_and_stored),
        cmocka_unit_test(test_odf_package__entries_layout),
        cmocka_unit_test(test_odf_package__manifest_lists_parts),
        cmocka_unit_test(test_odf_package__bytes_independent_of_time_zone),
        cmocka_unit_test(test_odf_package__time_clamped_to_1980),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
