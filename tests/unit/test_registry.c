/* SPDX-License-Identifier: MIT */
/* Tests for the plugin registry: loading, rejection, probing and atomic writes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kyokun/registry.h"

static const char *const test_extensions[] = {"tst", NULL};

static int probe_low(const ky_probe_info *info)
{
    return info->head_len > 0 ? 20 : 0;
}

static int probe_magic(const ky_probe_info *info)
{
    return info->head_len >= 4 && memcmp(info->head, "TST1", 4) == 0 ? 90 : 0;
}

static int read_nothing(ky_ctx *ctx, const ky_source *source, const ky_read_options *options,
                        const ky_sink *sink, void *payload)
{
    (void)ctx; (void)source; (void)options; (void)sink; (void)payload;
    return 0;
}

/* Writes "new" to the path, or fails without writing when the book's title is "fail". */
static int write_marker(ky_ctx *ctx, const ky_book *book, const ky_write_options *options,
                        const char *path)
{
    (void)options;
    FILE *f = fopen(path, "w");
    if (!f)
        return KY_EIO;
    fputs("new", f);
    fclose(f);
    if (book->title && strcmp(book->title, "fail") == 0)
        return ky_error_set(ctx, KY_EIO, NULL, "failing on purpose");
    return 0;
}

static const ky_plugin low_plugin = {
    .abi_version = KY_PLUGIN_ABI_VERSION, .kind = KY_PLUGIN_INPUT, .name = "low",
    .description = "scores 20 on anything", .extensions = test_extensions,
    .probe = probe_low, .read = read_nothing,
};

static const ky_plugin magic_plugin = {
    .abi_version = KY_PLUGIN_ABI_VERSION, .kind = KY_PLUGIN_INPUT, .name = "magic",
    .description = "scores 90 on TST1", .probe = probe_magic, .read = read_nothing,
};

static const ky_plugin marker_plugin = {
    .abi_version = KY_PLUGIN_ABI_VERSION, .kind = KY_PLUGIN_OUTPUT, .name = "marker",
    .description = "writes a marker", .extensions = test_extensions, .write = write_marker,
};

static void test_registry_wrong_abi__rejected_with_both_versions(void **state)
{
    (void)state;
    const char *dir = getenv("KY_WRONG_ABI_DIR");
    assert_non_null(dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/ky-test-wrong-abi.so", dir);

    ky_registry *reg = ky_registry_new();
    assert_int_equal(ky_registry_load_file(reg, path), KY_EABI);
    assert_int_equal(ky_registry_count(reg), 0);
    assert_int_equal(ky_registry_rejected_count(reg), 1);

    const char *rejected_path, *reason;
    ky_registry_rejected(reg, 0, &rejected_path, &reason);
    assert_string_equal(rejected_path, path);
    char expected_theirs[64], expected_ours[64];
    snprintf(expected_theirs, sizeof expected_theirs, "version %d", KY_PLUGIN_ABI_VERSION + 41);
    snprintf(expected_ours, sizeof expected_ours, "version %d", KY_PLUGIN_ABI_VERSION);
    assert_non_null(strstr(reason, expected_theirs));
    assert_non_null(strstr(reason, expected_ours));
    ky_registry_free(reg);
}

static void test_registry_duplicate__first_wins(void **state)
{
    (void)state;
    ky_registry *reg = ky_registry_new();
    assert_int_equal(ky_registry_add(reg, &low_plugin, "first"), 0);
    assert_int_equal(ky_registry_add(reg, &low_plugin, "second"), KY_EEXISTS);
    assert_int_equal(ky_registry_count(reg), 1);
    const char *from;
    ky_registry_get(reg, 0, &from);
    assert_string_equal(from, "first");
    const char *path, *reason;
    ky_registry_rejected(reg, 0, &path, &reason);
    assert_string_equal(path, "second");
    assert_non_null(strstr(reason, "already loaded from first"));
    ky_registry_free(reg);
}

static void test_registry_incomplete__rejected(void **state)
{
    (void)state;
    ky_plugin broken = low_plugin;
    broken.probe = NULL;
    ky_registry *reg = ky_registry_new();
    assert_int_equal(ky_registry_add(reg, &broken, "broken"), KY_EINVAL);
    assert_int_equal(ky_registry_count(reg), 0);
    ky_registry_free(reg);
}

static void test_registry_probe__content_beats_extension(void **state)
{
    (void)state;
    ky_registry *reg = ky_registry_new();
    ky_registry_add(reg, &low_plugin, NULL);
    ky_registry_add(reg, &magic_plugin, NULL);
    ky_ctx *ctx = ky_ctx_new();

    static const unsigned char magic[] = "TST1 rest";
    ky_source source = {.path = "input.tst", .data = magic, .size = sizeof magic - 1};
    const ky_plugin *chosen = NULL;
    int score = 0;
    assert_int_equal(ky_registry_probe(reg, ctx, &source, &chosen, &score), 0);
    assert_string_equal(chosen->name, "magic");
    assert_int_equal(score, 90);

    static const unsigned char plain[] = "plain text";
    source.data = plain;
    source.size = sizeof plain - 1;
    assert_int_equal(ky_registry_probe(reg, ctx, &source, &chosen, &score), 0);
    assert_string_equal(chosen->name, "low");

    source.size = 0;
    assert_int_equal(ky_registry_probe(reg, ctx, &source, &chosen, &score), KY_ENOTFOUND);
    assert_non_null(ky_error_last(ctx));
    ky_ctx_free(ctx);
    ky_registry_free(reg);
}

static void test_registry_load_default__finds_built_plugins(void **state)
{
    (void)state;
    ky_registry *reg = ky_registry_new();
    int loaded = ky_registry_load_default(reg, NULL);
    assert_true(loaded >= 2);
    assert_non_null(ky_registry_find(reg, KY_PLUGIN_INPUT, "csv"));
    assert_non_null(ky_registry_find(reg, KY_PLUGIN_INPUT, "xlsx"));
    ky_registry_free(reg);
}

/* Read a whole small file into `out`. */
static void read_small(const char *path, char *out, size_t size)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, size - 1, f);
    out[n] = '\0';
    fclose(f);
}

/* Count the entries of a folder other than . and .. */
static int count_entries(const char *dir)
{
    char command[4200];
    snprintf(command, sizeof command, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(command, "r");
    assert_non_null(p);
    int n = -1;
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

static void test_registry_write__atomic_replace(void **state)
{
    (void)state;
    char dir[] = "/tmp/ky-registry-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char target[4096];
    snprintf(target, sizeof target, "%s/out.tst", dir);
    FILE *f = fopen(target, "w");
    fputs("old", f);
    fclose(f);

    umask(022);
    ky_ctx *ctx = ky_ctx_new();
    ky_book *book = ky_book_new();
    char content[16];

    /* A failing write leaves the old file and no temporary file. */
    book->title = strdup("fail");
    assert_int_not_equal(ky_registry_write(ctx, &marker_plugin, book, NULL, target), 0);
    read_small(target, content, sizeof content);
    assert_string_equal(content, "old");
    assert_int_equal(count_entries(dir), 1);

    /* A successful write replaces it. */
    free(book->title);
    book->title = strdup("ok");
    ky_error_clear(ctx);
    assert_int_equal(ky_registry_write(ctx, &marker_plugin, book, NULL, target), 0);
    read_small(target, content, sizeof content);
    assert_string_equal(content, "new");
    assert_int_equal(count_entries(dir), 1);

    struct stat st;
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);

    unlink(target);
    rmdir(dir);
    ky_book_free(book);
    ky_ctx_free(ctx);
}

static void test_registry_write_options__source_date_epoch(void **state)
{
    (void)state;
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    ky_write_options options;
    ky_write_options_init(&options);
    assert_int_equal(options.timestamp, 1700000000);
    setenv("SOURCE_DATE_EPOCH", "not-a-number", 1);
    ky_write_options_init(&options);
    assert_int_not_equal(options.timestamp, 0);
    unsetenv("SOURCE_DATE_EPOCH");
}

/* ky_source_date_epoch() separates a valid value (1) from an unset one (0) and
 * from one that ky_write_options_init() ignores (-1), so the CLI can warn. */
static void test_registry_source_date_epoch__classified(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        int expected;
        int64_t timestamp;
    } cases[] = {
        {"1700000000", 1, 1700000000}, {"0", 1, 0}, {"", 0, -7},
        {"abc", -1, -7}, {"-1", -1, -7}, {"+5", -1, -7}, {" 12", -1, -7},
        {"12s", -1, -7}, {"99999999999999999999", -1, -7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setenv("SOURCE_DATE_EPOCH", cases[i].value, 1);
        int64_t timestamp = -7;
        int status = ky_source_date_epoch(&timestamp);
        if (status != cases[i].expected)
            fail_msg("SOURCE_DATE_EPOCH=\"%s\": status %d, expected %d", cases[i].value, status,
                     cases[i].expected);
        assert_int_equal(timestamp, cases[i].timestamp);
    }
    unsetenv("SOURCE_DATE_EPOCH");
    int64_t timestamp = -7;
    assert_int_equal(ky_source_date_epoch(&timestamp), 0);
    assert_int_equal(timestamp, -7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_wrong_abi__rejected_with_both_versions),
        cmocka_unit_test(test_registry_duplicate__first_wins),
        cmocka_unit_test(test_registry_incomplete__rejected),
        cmocka_unit_test(test_registry_probe__content_beats_extension),
        cmocka_unit_test(test_registry_load_default__finds_built_plugins),
        cmocka_unit_test(test_registry_write__atomic_replace),
        cmocka_unit_test(test_registry_write_options__source_date_epoch),
        cmocka_unit_test(test_registry_source_date_epoch__classified),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
