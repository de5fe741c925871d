/* SPDX-License-Identifier: MIT */
/*
 * The xls input plugin: its descriptor, the content probe, and the read,
 * which runs FreeXL in a child process (xls_process.c) so that a memory
 * error in FreeXL on a crafted file cannot crash or corrupt kyokun.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/ky_zip.h"
#include "kyokun/i18n.h"
#include "xls.h"

/* Probe scores. */
#define PROBE_OLE2 80         /* an OLE2 compound file, the container of BIFF5 and BIFF8 */
#define PROBE_OLE2_AS_XLSX 20 /* the same under an .xlsx name: below the xlsx plugin's 40 */
#define PROBE_BIFF_STREAM 50  /* a bare BIFF2-BIFF4 worksheet stream */

static const char *const extensions[] = {"xls", NULL};

/* Return true when the head is a BOF record of a BIFF2, BIFF3 or BIFF4 worksheet stream. */
static bool is_biff_worksheet_stream(const unsigned char *head, size_t len)
{
    if (len < 8 || head[0] != 0x09 || (head[1] != 0x00 && head[1] != 0x02 && head[1] != 0x04))
        return false;
    unsigned record_len = head[2] | (unsigned)head[3] << 8;
    unsigned substream = head[6] | (unsigned)head[7] << 8;
    /* BIFF2 BOF records hold 4 bytes, BIFF3 and BIFF4 ones 6; 0x0010 marks a worksheet. */
    return record_len >= 4 && record_len <= 16 && substream == 0x0010;
}

/* Score a file: an OLE2 compound file is ours unless it is named as an encrypted xlsx. */
static int probe_file(const ky_probe_info *info)
{
    if (ky_zip_is_ole2(info->head, info->head_len)) {
        const char *ext = info->extension ? info->extension : "";
        if (strcmp(ext, "xlsx") == 0 || strcmp(ext, "xlsm") == 0)
            return PROBE_OLE2_AS_XLSX;
        return PROBE_OLE2;
    }
    if (is_biff_worksheet_stream(info->head, info->head_len))
        return PROBE_BIFF_STREAM;
    return 0;
}

/*
 * Write in-memory input to a temporary file, because FreeXL opens only
 * paths. The file is unlinked at once and the child opens it through
 * /proc/self/fd, so that no copy is left behind even when a process dies.
 * Where /proc is not mounted, the named file is kept until the read ends.
 * On success *input names the file to open, *unlink_path is the file the
 * caller unlinks (or NULL), and the caller frees *unlink_path and closes *fd_out.
 */
static int write_temp_copy(ky_ctx *ctx, const ky_source *source, const char *path,
                           xls_input *input, char **unlink_path, int *fd_out)
{
    const char *dir = getenv("TMPDIR");
    ky_loc loc = {.file = path};
    size_t dir_len = strlen(dir && *dir ? dir : "/tmp");
    char *name = malloc(dir_len + sizeof "/kyokun-xls-XXXXXX");
    if (!name)
        return ky_error_set(ctx, KY_ENOMEM, &loc, KY_("out of memory while opening %s"), path);
    memcpy(name, dir && *dir ? dir : "/tmp", dir_len);
    memcpy(name + dir_len, "/kyokun-xls-XXXXXX", sizeof "/kyokun-xls-XXXXXX");

    int fd = mkstemp(name);
    if (fd < 0) {
        int rc = ky_error_set(ctx, KY_EIO, &loc,
                              KY_("cannot create a temporary copy of %s: %s"), path,
                              strerror(errno));
        free(name);
        return rc;
    }
    size_t done = 0;
    while (done < source->size) {
        ssize_t n = write(fd, source->data + done, source->size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int rc = ky_error_set(ctx, KY_EIO, &loc,
                                  KY_("cannot create a temporary copy of %s: %s"), path,
                                  n < 0 ? strerror(errno) : "short write");
            close(fd);
            unlink(name);
            free(name);
            return rc;
        }
        done += (size_t)n;
    }

    char proc_path[sizeof "/proc/self/fd/" + 24];
    snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", fd);
    if (access(proc_path, R_OK) == 0) {
        unlink(name);
        free(name);
        input->path = NULL;
        input->fd = fd;
        *unlink_path = NULL;
    } else {
        input->path = name;
        input->fd = -1;
        *unlink_path = name;
    }
    *fd_out = fd;
    return 0;
}

/* Read the whole workbook into the sink through a FreeXL child process. */
static int read_workbook(ky_ctx *ctx, const ky_source *source, const ky_read_options *options,
                         const ky_sink *sink, void *payload)
{
    const char *display = source->path ? source->path : "(memory)";
    xls_input input = {.path = source->path, .fd = -1};
    char *temp_name = NULL;
    int temp_fd = -1;
    int status;

    (void)options;
    /* FreeXL reads only from a path: in-memory input goes through a temporary file. */
    if (source->data) {
        status = write_temp_copy(ctx, source, display, &input, &temp_name, &temp_fd);
        if (status != 0)
            return status;
    }
    if (!input.path && input.fd < 0)
        return ky_error_set(ctx, KY_EINVAL, NULL, KY_("no input path or data was given"));

    status = ky_xls__read_isolated(ctx, &input, display, sink, payload);

    if (temp_name)
        unlink(temp_name);
    free(temp_name);
    if (temp_fd >= 0)
        close(temp_fd);
    return status;
}

static const ky_plugin descriptor = {
    .abi_version = KY_PLUGIN_ABI_VERSION,
    .kind = KY_PLUGIN_INPUT,
    .name = "xls",
    .description = "Excel 97-2003 and older workbooks (.xls, BIFF2-BIFF8)",
    .extensions = extensions,
    .probe = probe_file,
    .read = read_workbook,
};

KY_PLUGIN_DEFINE(descriptor)
