/* SPDX-License-Identifier: MIT */
/*
 * The xls input plugin: its descriptor, the content probe, and the read,
 * which takes the workbook stream out of the OLE2 container (ky_cfb.h) and
 * parses its BIFF5 or BIFF8 records in process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_cfb.h"
#include "formats/ky_zip.h"
#include "kyokun/i18n.h"
#include "xls.h"

/* Probe scores. */
#define PROBE_OLE2 80         /* an OLE2 compound file, the container of BIFF5 and BIFF8 */
#define PROBE_OLE2_AS_XLSX 20 /* the same under an .xlsx name: below the xlsx plugin's 40 */
#define PROBE_BIFF_STREAM 50  /* a bare BIFF2-BIFF4 stream, claimed to say it is unsupported */

static const char *const extensions[] = {"xls", NULL};

/*
 * Return true when the head is a BOF record of a BIFF2, BIFF3 or BIFF4
 * worksheet stream, or of a BIFF4 workbook (BIFF4W), the files Excel 2.x-4.0
 * saved without an OLE2 container.
 */
static bool is_old_biff_stream(const unsigned char *head, size_t len)
{
    if (len < 8 || head[0] != 0x09 || (head[1] != 0x00 && head[1] != 0x02 && head[1] != 0x04))
        return false;
    unsigned record_len = head[2] | (unsigned)head[3] << 8;
    unsigned substream = head[6] | (unsigned)head[7] << 8;
    /* BIFF2 BOF records hold 4 bytes, BIFF3 and BIFF4 ones 6; 0x0010 marks a worksheet. */
    if (record_len < 4 || record_len > 16)
        return false;
    return substream == 0x0010 || (head[1] == 0x04 && substream == 0x0100);
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
    if (is_old_biff_stream(info->head, info->head_len))
        return PROBE_BIFF_STREAM;
    return 0;
}

/* Read the first bytes of the input into `head`; returns how many, or a negative status. */
static long read_head(ky_ctx *ctx, const ky_source *source, const char *display,
                      unsigned char *head, size_t cap)
{
    if (source->data) {
        size_t n = source->size < cap ? source->size : cap;
        memcpy(head, source->data, n);
        return (long)n;
    }
    ky_loc loc = {.file = display};
    FILE *file = fopen(source->path, "rb");
    if (!file)
        return ky_error_set(ctx, KY_EIO, &loc, KY_("cannot open %s: %s"), display,
                            strerror(errno));
    size_t n = fread(head, 1, cap, file);
    fclose(file);
    return (long)n;
}

/* Set an error for a file that has no readable BIFF5 or BIFF8 workbook. */
static int not_a_workbook(ky_ctx *ctx, const char *display, const char *reason)
{
    ky_loc loc = {.file = display};
    return ky_error_set(ctx, KY_EPARSE, &loc, KY_("%s is not a readable .xls workbook: %s"),
                        display, KY_(reason));
}

/* Take the workbook stream out of the compound file: "Workbook" (BIFF8), else "Book" (BIFF5). */
static int load_workbook_stream(ky_ctx *ctx, const ky_source *source,
                                const ky_read_options *options, const char *display,
                                unsigned char **stream, size_t *size)
{
    ky_source named = *source;
    named.path = display;
    ky_cfb *cfb;
    int rc = ky_cfb_open(ctx, &named, options, &cfb);
    if (rc != 0)
        return rc;

    ky_loc loc = {.file = display};
    int32_t entry = ky_cfb_find(cfb, "Workbook");
    if (entry < 0)
        entry = ky_cfb_find(cfb, "Book");
    if (ky_cfb_is_encrypted_package(cfb))
        rc = ky_error_set(ctx, KY_EUNSUPPORTED, &loc,
                          KY_("%s: password-protected (encrypted) workbook, not supported: "
                              "save it without a password"),
                          display);
    else if (entry < 0)
        rc = not_a_workbook(ctx, display,
                            KY_N_("the OLE2 file has no Workbook stream (it may be an "
                                  "encrypted .xlsx, another Office document, or a damaged .xls)"));
    else
        rc = ky_cfb_read(cfb, entry, stream, size);
    ky_cfb_close(cfb);
    return rc;
}

/* Read the whole workbook into the sink. */
static int read_workbook(ky_ctx *ctx, const ky_source *source, const ky_read_options *options,
                         const ky_sink *sink, void *payload)
{
    const char *display = source->path ? source->path : "(memory)";
    if (!source->path && !source->data)
        return ky_error_set(ctx, KY_EINVAL, NULL, KY_("no input path or data was given"));

    unsigned char head[8];
    long head_len = read_head(ctx, source, display, head, sizeof head);
    if (head_len < 0)
        return (int)head_len;
    if (!ky_zip_is_ole2(head, (size_t)head_len)) {
        if (is_old_biff_stream(head, (size_t)head_len)) {
            ky_loc loc = {.file = display};
            return ky_error_set(ctx, KY_EUNSUPPORTED, &loc,
                                KY_("%s: Excel 2.x-4.0 files (BIFF2-BIFF4) are not supported; "
                                    "open and save the file as .xlsx"),
                                display);
        }
        return not_a_workbook(ctx, display,
                              KY_N_("neither an OLE2 compound file nor a BIFF stream"));
    }

    unsigned char *stream = NULL;
    size_t size = 0;
    int status = load_workbook_stream(ctx, source, options, display, &stream, &size);
    if (status != 0)
        return status;

    xls_reader reader = {
        .ctx = ctx,
        .path = display,
        .stream = stream,
        .stream_size = size,
        .forced_encoding = options->encoding,
        .sink = sink,
        .payload = payload,
        .converter = (iconv_t)-1,
    };
    status = ky_xls__read_globals(&reader);
    for (size_t i = 0; status == 0 && i < reader.sheet_count; i++) {
        int rc = ky_xls__read_sheet(&reader, i);
        if (rc < 0)
            status = rc;
        else if (rc == KY_SINK_STOP)
            break;
    }
    ky_xls__reader_free(&reader);
    free(stream);
    return status;
}

static const ky_plugin descriptor = {
    .abi_version = KY_PLUGIN_ABI_VERSION,
    .kind = KY_PLUGIN_INPUT,
    .name = "xls",
    .description = "Excel 97-2003 and 5.0/95 workbooks (.xls, BIFF5-BIFF8)",
    .extensions = extensions,
    .probe = probe_file,
    .read = read_workbook,
};

KY_PLUGIN_DEFINE(descriptor)
