/* SPDX-License-Identifier: MIT */
/* A plugin module that claims a future ABI version; the loader must reject it. */
#include "kyokun/plugin.h"

static const char *const extensions[] = {"wrongabi", NULL};

static int probe(const ky_probe_info *info)
{
    (void)info;
    return 100;
}

static const ky_plugin descriptor = {
    .abi_version = KY_PLUGIN_ABI_VERSION + 41,
    .kind = KY_PLUGIN_INPUT,
    .name = "wrong-abi",
    .description = "Test module built for another ABI version",
    .extensions = extensions,
    .probe = probe,
};

KY_PLUGIN_DEFINE(descriptor)
