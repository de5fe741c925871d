/* SPDX-License-Identifier: MIT */
/*
 * The ODS input plugin: its descriptor, the content probe, and the read that
 * opens content.xml of an OpenDocument package (or a flat .fods document)
 * and streams its tables to the sink.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_zip.h"
#include "kyokun/i18n.h"
#include "ods.h"

static const char *const extensions[] = {"ods", "fods", NULL};

/* Media type that the mimetype entry of a spreadsheet package starts with. */
static const char SPREADSHEET_TYPE[] = "application/vnd.oasis.opendocument.spreadsheet";

/* The mimetype entry's data starts at offset 38 when it is the first entry, as ODF requires. */
#define MIMETYPE_DATA_OFFSET 38

/* Bytes of the mimetype entry read at most; real ones are under 80. */
#define MAX_MIMETYPE 256

/* Return true when the bytes contain `needle`. */
static bool contains(const unsigned char *bytes, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (bytes[i] == (unsigned char)needle[0] && memcmp(bytes + i, needle, n) == 0)
            return true;
    return false;
}

/* Return true when the bytes start with an XML declaration, after an optional UTF-8 BOM. */
static bool starts_with_xml_declaration(const unsigned char *head, size_t len)
{
    if (len >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) {
        head += 3;
        len -= 3;
    }
    return len >= 5 && memcmp(head, "<?xml", 5) == 0;
}

/* Score a file: an ODF package whose mimetype entry names a spreadsheet, or a flat ODS document. */
static int probe_file(const ky_probe_info *info)
{
    static const unsigned char zip_magic[4] = {'P', 'K', 3, 4};
    const unsigned char *head = info->head;
    size_t len = info->head_len;

    if (len >= 4 && memcmp(head, zip_magic, 4) == 0) {
        bool mimetype_first = info->zip_names && info->zip_count > 0 && info->zip_names[0]
                                      ? strcmp(info->zip_names[0], "mimetype") == 0
                                      : len >= 38 && memcmp(head + 30, "mimetype", 8) == 0;
        size_t type_len = sizeof SPREADSHEET_TYPE - 1;
        if (mimetype_first && len >= MIMETYPE_DATA_OFFSET + type_len
            && memcmp(head + MIMETYPE_DATA_OFFSET, SPREADSHEET_TYPE, type_len) == 0)
            return 95;

        /* No usable mimetype entry: content.xml without an xl/ folder still looks like ODF. */
        bool content = false, xl = false;
        for (size_t i = 0; info->zip_names && i < info->zip_count; i++) {
            const char *name = info->zip_names[i];
            if (!name)
                continue;
            content = content || strcmp(name, "content.xml") == 0;
            xl = xl || strncmp(name, "xl/", 3) == 0;
        }
        return content && !xl ? 60 : 0;
    }

    if (starts_with_xml_declaration(head, len) && contains(head, len, "office:document")
        && contains(head, len, "opendocument.spreadsheet"))
        return 90;
    return 0;
}

/*
 * Check the package's mimetype entry when it has one, so that a text
 * document or a presentation is named as such instead of read as empty.
 */
static int check_media_type(ky_ctx *ctx, ky_zip *zip, const char *path)
{
    int64_t index = ky_zip_find(zip, "mimetype");
    if (index < 0)
        return 0;
    ky_zip_stream *stream = NULL;
    int status = ky_zip_stream_open(zip, index, &stream);
    if (status != 0)
        return status;
    char type[MAX_MIMETYPE + 1];
    size_t len = 0;
    int64_t n;
    while (len < MAX_MIMETYPE && (n = ky_zip_stream_read(stream, type + len, MAX_MIMETYPE - len)) > 0)
        len += (size_t)n;
    status = ky_zip_stream_status(stream);
    ky_zip_stream_close(stream);
    if (status != 0)
        return status;
    type[len] = '\0';

    size_t type_len = sizeof SPREADSHEET_TYPE - 1;
    if (strncmp(type, SPREADSHEET_TYPE, type_len) == 0)
        return 0;
    ky_loc loc = {.file = path};
    return ky_error_set(ctx, KY_EUNSUPPORTED, &loc,
                        KY_("the package is of type \"%s\", not an OpenDocument spreadsheet"),
                        type);
}

/*
 * Report a package whose content.xml is encrypted (an ODS saved with a
 * password): META-INF/manifest.xml then gives content.xml encryption data.
 */
static int check_encryption(ky_ctx *ctx, ky_zip *zip, const char *path)
{
    if (ky_zip_find(zip, "META-INF/manifest.xml") < 0)
        return 0;
    static const char manifest_ns[] = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0";
    ky_xml *xml = NULL;
    int status = ky_xml_open(zip, "META-INF/manifest.xml", &xml);
    if (status != 0)
        return status;

    ky_buf entry = {0};
    bool encrypted = false;
    int rc;
    while (!encrypted && (rc = ky_xml_read(xml)) > 0) {
        if (ky_xml_node(xml) != KY_XML_START)
            continue;
        if (ky_xml_is(xml, manifest_ns, "file-entry")) {
            if (ky_xml_attr(xml, manifest_ns, "full-path", &entry) < 0) {
                rc = ky_xml_error_nomem(xml);
                break;
            }
        } else if (ky_xml_is(xml, manifest_ns, "encryption-data")) {
            encrypted = entry.data && strcmp(entry.data, "content.xml") == 0;
        }
    }
    ky_buf_free(&entry);
    ky_xml_close(xml);
    if (encrypted) {
        ky_loc loc = {.file = path};
        return ky_error_set(ctx, KY_EUNSUPPORTED, &loc,
                            KY_("password-protected (encrypted) spreadsheet, not supported: "
                                "save it without a password"));
    }
    return rc < 0 ? rc : 0;
}

/* Read up to `size` first bytes of the input; returns how many, or -1 when it cannot be read. */
static long read_head(const ky_source *source, unsigned char *head, size_t size)
{
    if (source->data) {
        size_t n = source->size < size ? source->size : size;
        memcpy(head, source->data, n);
        return (long)n;
    }
    FILE *file = source->path ? fopen(source->path, "rb") : NULL;
    if (!file) {
        if (!source->path)
            errno = ENOENT;
        return -1;
    }
    size_t n = fread(head, 1, size, file);
    fclose(file);
    return (long)n;
}

/* Open the XML to read: content.xml of a package, or the whole flat document. */
static int open_content(ods_reader *reader, const ky_source *source,
                        const ky_read_options *options, ky_zip **zip)
{
    unsigned char head[8];
    long n = read_head(source, head, sizeof head);
    if (n < 0) {
        ky_loc loc = {.file = reader->path};
        return ky_error_set(reader->ctx, KY_EIO, &loc, KY_("cannot open the file: %s"),
                            strerror(errno));
    }

    /* Flat ODS is one XML document. Anything else goes to the zip reader, which reports OLE2 files. */
    bool xml_text = n > 0 && (head[0] == '<' || head[0] == 0xEF || head[0] == ' '
                              || head[0] == '\t' || head[0] == '\r' || head[0] == '\n');
    if (xml_text) {
        uint64_t max_size = options && options->max_entry_size ? options->max_entry_size
                                                               : KY_ZIP_DEFAULT_MAX_ENTRY;
        return ky_xml_open_source(reader->ctx, source, max_size, &reader->xml);
    }

    int status = ky_zip_open(reader->ctx, source, options, zip);
    if (status == 0)
        status = check_media_type(reader->ctx, *zip, reader->path);
    if (status == 0)
        status = check_encryption(reader->ctx, *zip, reader->path);
    if (status == 0)
        status = ky_xml_open(*zip, "content.xml", &reader->xml);
    return status;
}

/* Read the whole spreadsheet into the sink. */
static int read_spreadsheet(ky_ctx *ctx, const ky_source *source, const ky_read_options *options,
                            const ky_sink *sink, void *payload)
{
    ods_reader reader = {
        .ctx = ctx,
        .path = source->path ? source->path : "(memory)",
        .sink = sink,
        .payload = payload,
    };
    ky_zip *zip = NULL;
    int status = open_content(&reader, source, options, &zip);
    if (status == 0)
        status = ky_ods__read_document(&reader);

    ky_xml_close(reader.xml);
    ky_ods__reader_free(&reader);
    ky_zip_close(zip);
    return status;
}

static const ky_plugin descriptor = {
    .abi_version = KY_PLUGIN_ABI_VERSION,
    .kind = KY_PLUGIN_INPUT,
    .name = "ods",
    .description = "OpenDocument spreadsheets (.ods, flat .fods)",
    .extensions = extensions,
    .probe = probe_file,
    .read = read_spreadsheet,
};

KY_PLUGIN_DEFINE(descriptor)
