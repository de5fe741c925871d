/* SPDX-License-Identifier: MIT */
/* Writing a whole file atomically through a temporary file and rename. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/ky_file.h"
#include "formats/ky_text.h"

/* Write all `len` bytes to `fd`, retrying after signals. Returns false with errno set. */
static bool write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return false;
        }
        data += n;
        len -= (size_t)n;
    }
    return true;
}

bool ky_file_exe_relative_dir(const char *relative, char *out, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return false;
    *slash = '\0';
    int len = snprintf(out, size, "%s/%s", exe, relative);
    struct stat st;
    return len > 0 && (size_t)len < size && stat(out, &st) == 0 && S_ISDIR(st.st_mode);
}

int ky_file_write_atomic(const char *path, const void *data, size_t len, bool private_mode)
{
    /* The temporary file sits in the target's folder so that rename is atomic. */
    const char *slash = strrchr(path, '/');
    ky_buf tmp = {0};
    int status = slash ? ky_buf_printf(&tmp, "%.*s/.%s.XXXXXX", (int)(slash - path), path,
                                       slash + 1)
                       : ky_buf_printf(&tmp, ".%s.XXXXXX", path);
    if (status != 0) {
        ky_buf_free(&tmp);
        errno = ENOMEM;
        return -1;
    }
    int fd = mkstemp(tmp.data);
    if (fd < 0) {
        int saved = errno;
        ky_buf_free(&tmp);
        errno = saved;
        return -1;
    }

    /* mkstemp creates mode 0600, which a private file keeps. */
    mode_t mask = umask(0);
    umask(mask);
    bool ok = write_all(fd, data, len) && (private_mode || fchmod(fd, 0666 & ~mask) == 0)
              && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (ok && rename(tmp.data, path) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok)
        unlink(tmp.data);
    ky_buf_free(&tmp);
    errno = saved;
    return ok ? 0 : -1;
}
