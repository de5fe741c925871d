/* SPDX-License-Identifier: MIT */
/* Status code descriptions, the version string and column names. */
#include "kyokun/common.h"
#include "kyokun/i18n.h"
#include "kyokun/table.h"

const char *ky_strerror(int code)
{
    switch (code) {
    case KY_OK: return KY_N_("success");
    case KY_ERROR: return KY_N_("failed");
    case KY_ENOMEM: return KY_N_("out of memory");
    case KY_EIO: return KY_N_("input/output error");
    case KY_EPARSE: return KY_N_("invalid file content");
    case KY_EUNSUPPORTED: return KY_N_("not supported");
    case KY_ENOTFOUND: return KY_N_("not found");
    case KY_ELIMIT: return KY_N_("size limit exceeded");
    case KY_EUSER: return KY_N_("stopped by a callback");
    case KY_EEXISTS: return KY_N_("already exists");
    case KY_EINVAL: return KY_N_("invalid argument");
    case KY_EABI: return KY_N_("plugin ABI version mismatch");
    default: return KY_N_("unknown status");
    }
}

const char *ky_version(void)
{
    return KY_VERSION_STRING;
}

char *ky_col_name(uint32_t col, char buf[8])
{
    char reversed[8];
    int n = 0;
    uint64_t value = (uint64_t)col + 1;
    while (value > 0 && n < 7) {
        value--;
        reversed[n++] = (char)('A' + value % 26);
        value /= 26;
    }
    for (int i = 0; i < n; i++)
        buf[i] = reversed[n - 1 - i];
    buf[n] = '\0';
    return buf;
}
