/* SPDX-License-Identifier: MIT */
/*
 * An input plugin built only for tests. It claims files whose content starts
 * with "KYOKUN-TEST-CRASH" and stops the process: with exit status 3 when
 * that line reads EXIT, else with the signal it names (SIGSEGV, else SIGKILL).
 * Tests use it to check how a batch conversion reports a worker that dies.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kyokun/plugin.h"

#define CRASH_MAGIC "KYOKUN-TEST-CRASH"

static const char *const extensions[] = {"crash", NULL};

static int probe(const ky_probe_info *info)
{
    size_t len = strlen(CRASH_MAGIC);
    return info->head_len >= len && memcmp(info->head, CRASH_MAGIC, len) == 0 ? 100 : 0;
}

static int read_file(ky_ctx *ctx, const ky_source *source, const ky_read_options *options,
                     const ky_sink *sink, void *payload)
{
    (void)ctx;
    (void)options;
    (void)sink;
    (void)payload;
    char line[64] = "";
    FILE *file = fopen(source->path, "rb");
    if (file) {
        if (!fgets(line, sizeof line, file))
            line[0] = '\0';
        fclose(file);
    }
    /* A half-written line shows that the parent keeps a worker's partial output. */
    fputs("crash plugin: stopping", stderr);
    if (strstr(line, "EXIT"))
        _exit(3);
    raise(strstr(line, "SIGSEGV") ? SIGSEGV : SIGKILL);
    return 0;
}

static const ky_plugin descriptor = {
    .abi_version = KY_PLUGIN_ABI_VERSION,
    .kind = KY_PLUGIN_INPUT,
    .name = "test-crash",
    .description = "Test plugin that stops the process while reading",
    .extensions = extensions,
    .probe = probe,
    .read = read_file,
};

KY_PLUGIN_DEFINE(descriptor)
