/* SPDX-License-Identifier: MIT */
/*
 * The xlsx input plugin: its descriptor, the content probe, and the read
 * that walks the workbook's sheets in order and streams each to the sink.
 */
#include <string.h>

#include "kyokun/i18n.h"
#include "xlsx.h"

static const char *const extensions[] = {"xlsx", "xlsm", NULL};

/* Return true when a name ends with `suffix`, ignoring ASCII case and treating '\' as '/'. */
static bool name_ends_with(const char *name, const char *suffix)
{
    size_t len = strlen(name), n = strlen(suffix);
    if (len < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[len - n + i];
        if (c == '\\')
            c = '/';
        else if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != suffix[i])
            return false;
    }
    return true;
}

/* Return true when the bytes contain `needle`. */
static bool contains(const unsigned char *bytes, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (bytes[i] == (unsigned char)needle[0] && memcmp(bytes + i, needle, n) == 0)
            return true;
    return false;
}

/* Return true when the extension is one this plugin claims. */
static bool our_extension(const char *extension)
{
    return extension && (strcmp(extension, "xlsx") == 0 || strcmp(extension, "xlsm") == 0);
}

/* Score a file: a zip with [Content_Types].xml and a workbook part is ours. */
static int probe_file(const ky_probe_info *info)
{
    static const unsigned char zip_magic[4] = {'P', 'K', 3, 4};
    bool is_zip = info->head_len >= 4 && memcmp(info->head, zip_magic, 4) == 0;

    if (!is_zip) {
        /* An encrypted xlsx is an OLE2 file. Claim it so that read can report why it fails. */
        if (ky_zip_is_ole2(info->head, info->head_len) && our_extension(info->extension))
            return 40;
        return 0;
    }

    bool content_types = false, workbook = false;
    if (info->zip_names) {
        for (size_t i = 0; i < info->zip_count; i++) {
            const char *name = info->zip_names[i];
            if (!name)
                continue;
            if (name_ends_with(name, "[content_types].xml"))
                content_types = true;
            if (name_ends_with(name, "workbook.xml"))
                workbook = true;
        }
    } else {
        /* No entry list: the local headers at the start name the first entries. */
        content_types = contains(info->head, info->head_len, "[Content_Types].xml");
        workbook = contains(info->head, info->head_len, "workbook.xml");
    }
    if (content_types && workbook)
        return 95;
    if (workbook)
        return 70;
    if (our_extension(info->extension))
        return 30;
    return 0;
}

/* Call sheet_begin; returns 0, KY_SINK_SKIP_SHEET, KY_SINK_STOP or a negative status. */
static int begin_sheet(xlsx_reader *reader, const xlsx_sheet_ref *sheet, uint32_t index)
{
    ky_sheet_info info = {.name = sheet->name, .index = index, .visibility = sheet->visibility};
    int rc = reader->sink->sheet_begin ? reader->sink->sheet_begin(reader->payload, &info) : 0;
    if (rc < 0 && !ky_error_last(reader->ctx)) {
        ky_loc loc = {.file = reader->path, .sheet = sheet->name};
        ky_error_set(reader->ctx, rc, &loc, KY_("reading was stopped by the receiver"));
    }
    return rc;
}

/* Stream one sheet's content, or report why it has none. */
static int read_sheet_content(xlsx_reader *reader, const xlsx_sheet_ref *sheet)
{
    ky_loc loc = {.file = reader->path, .sheet = sheet->name};
    if (!sheet->part) {
        ky_diag_emit(reader->ctx, KY_SEV_WARNING, "xlsx.sheet-without-part", &loc,
                     KY_("sheet \"%s\" has no relationship to a worksheet part; it is read as "
                         "empty"),
                     sheet->name);
        return 0;
    }
    if (!sheet->has_cells) {
        ky_diag_emit(reader->ctx, KY_SEV_INFO, "xlsx.chartsheet", &loc,
                     KY_("sheet \"%s\" is a chart sheet (or another sheet without cells); "
                         "skipped"),
                     sheet->name);
        return 0;
    }
    if (ky_zip_find(reader->zip, sheet->part) < 0) {
        ky_diag_emit(reader->ctx, KY_SEV_WARNING, "xlsx.missing-part", &loc,
                     KY_("the worksheet part %s of sheet \"%s\" is missing; the sheet is read "
                         "as empty"),
                     sheet->part, sheet->name);
        return 0;
    }
    return ky_xlsx__sheet_read(reader, sheet);
}

/* Read the whole workbook into the sink. */
static int read_workbook(ky_ctx *ctx, const ky_source *source, const ky_read_options *options,
                         const ky_sink *sink, void *payload)
{
    xlsx_reader reader = {
        .ctx = ctx,
        .path = source->path ? source->path : "(memory)",
        .sink = sink,
        .payload = payload,
    };
    int status = ky_zip_open(ctx, source, options, &reader.zip);
    if (status != 0)
        return status;

    /* Workbook structure first, then the optional tables that cells refer to. */
    if ((status = ky_xlsx__book_load(reader.zip, &reader.book)) != 0)
        goto cleanup;
    if (reader.book.shared_strings_part
        && (status = ky_xlsx__strings_load(reader.zip, reader.book.shared_strings_part,
                                           &reader.strings)) != 0)
        goto cleanup;
    if (reader.book.styles_part
        && (status = ky_xlsx__styles_load(reader.zip, reader.book.styles_part, &reader.styles))
               != 0)
        goto cleanup;

    /* Every sheet gets sheet_begin and sheet_end, so indexes match the workbook. */
    for (size_t i = 0; i < reader.book.sheet_count; i++) {
        const xlsx_sheet_ref *sheet = &reader.book.sheets[i];
        int rc = begin_sheet(&reader, sheet, (uint32_t)i);
        if (rc < 0) {
            status = rc;
            goto cleanup;
        }
        if (rc == KY_SINK_STOP)
            goto cleanup;
        if (rc != KY_SINK_SKIP_SHEET) {
            rc = read_sheet_content(&reader, sheet);
            if (rc < 0) {
                status = rc;
                goto cleanup;
            }
            if (rc == KY_SINK_STOP)
                goto cleanup;
        }

        rc = sink->sheet_end ? sink->sheet_end(payload) : 0;
        if (rc < 0) {
            ky_loc loc = {.file = reader.path, .sheet = sheet->name};
            if (!ky_error_last(ctx))
                ky_error_set(ctx, rc, &loc, KY_("reading was stopped by the receiver"));
            status = rc;
            goto cleanup;
        }
        if (rc == KY_SINK_STOP)
            goto cleanup;
    }

cleanup:
    ky_xlsx__styles_free(&reader.styles);
    ky_xlsx__strings_free(&reader.strings);
    ky_xlsx__book_free(&reader.book);
    ky_zip_close(reader.zip);
    return status;
}

static const ky_plugin descriptor = {
    .abi_version = KY_PLUGIN_ABI_VERSION,
    .kind = KY_PLUGIN_INPUT,
    .name = "xlsx",
    .description = "Excel workbooks (.xlsx, .xlsm; Transitional and Strict Open XML)",
    .extensions = extensions,
    .probe = probe_file,
    .read = read_workbook,
};

KY_PLUGIN_DEFINE(descriptor)
