/* SPDX-License-Identifier: MIT */
/* The private folder and files of the path-based fuzz targets; see fuzz_file.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_file.h"

static char folder[PATH_MAX];
static char file_path[PATH_MAX];

/* Remove the folder and the files in it. It never has subfolders. */
static void remove_folder(void)
{
    DIR *dir = opendir(folder);
    if (dir) {
        struct dirent *entry;
        while ((entry = readdir(dir)) != NULL) {
            if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
                fuzz_file_remove(entry->d_name);
        }
        closedir(dir);
    }
    rmdir(folder);
}

const char *fuzz_folder(void)
{
    if (folder[0])
        return folder;

    struct stat st;
    const char *parent = getenv("TMPDIR");
    if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
        parent = "/dev/shm";
    else if (!parent || !parent[0])
        parent = "/tmp";
    int n = snprintf(folder, sizeof folder, "%s/kyokun-fuzz-XXXXXX", parent);
    if (n < 0 || (size_t)n >= sizeof folder || !mkdtemp(folder)) {
        perror("fuzz_folder: mkdtemp");
        abort();
    }
    atexit(remove_folder);
    return folder;
}

const char *fuzz_file_write(const char *name, const uint8_t *data, size_t size)
{
    int n = snprintf(file_path, sizeof file_path, "%s/%s", fuzz_folder(), name);
    if (n < 0 || (size_t)n >= sizeof file_path)
        abort();

    int fd = open(file_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        perror("fuzz_file_write: open");
        abort();
    }
    while (size > 0) {
        ssize_t written = write(fd, data, size);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0) {
            perror("fuzz_file_write: write");
            abort();
        }
        data += written;
        size -= (size_t)written;
    }
    if (close(fd) != 0) {
        perror("fuzz_file_write: close");
        abort();
    }
    return file_path;
}

void fuzz_file_remove(const char *name)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", fuzz_folder(), name);
    if (n >= 0 && (size_t)n < sizeof path)
        unlink(path);
}
