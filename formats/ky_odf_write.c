/* SPDX-License-Identifier: MIT */
/*
 * OpenDocument package writing on libzip, and the XML escapers for ODF text.
 * The archive is built in a libzip memory source and then written in one go,
 * so that the only file touched is the one the caller names.
 */
#include "formats/ky_odf_write.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "kyokun/i18n.h"

/* ------------------------------------------------------------------------ */
/* Escapers                                                                   */
/* ------------------------------------------------------------------------ */

/* True for characters that the escapers drop: C0 and C1 controls other than
 * TAB, LF and CR (handled before this check), DEL, and U+FFFE/U+FFFF. */
static bool is_dropped_char(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF;
}

/* Append one character that is neither white space nor dropped, as an
 * entity reference when XML requires or the escapers promise one. */
static int append_char(ky_buf *out, uint32_t cp)
{
    switch (cp) {
    case '&': return ky_buf_puts(out, "&amp;");
    case '<': return ky_buf_puts(out, "&lt;");
    case '>': return ky_buf_puts(out, "&gt;");
    case '"': return ky_buf_puts(out, "&quot;");
    case '\'': return ky_buf_puts(out, "&apos;");
    default: {
        char bytes[4];
        size_t n = ky_utf8_encode(cp, bytes);
        return ky_buf_append(out, bytes, n);
    }
    }
}

/* Append `count` spaces as <text:s/>; `count` may be 0. */
static int append_space_element(ky_buf *out, size_t count)
{
    if (count == 0)
        return 0;
    if (count == 1)
        return ky_buf_puts(out, "<text:s/>");
    return ky_buf_printf(out, "<text:s text:c=\"%zu\"/>", count);
}

/*
 * Decode the next character at s[*pos], advancing *pos. A CRLF pair is
 * returned as one LF. Invalid UTF-8 yields U+FFFD and sets *invalid.
 */
static uint32_t next_char(const unsigned char *s, size_t len, size_t *pos, bool *invalid)
{
    uint32_t cp;
    size_t n = ky_utf8_decode(s + *pos, len - *pos, &cp);

    /* ky_utf8_decode() returns U+FFFD after one byte for an invalid sequence;
     * a real U+FFFD in the text takes three bytes. */
    *invalid = (n == 1 && cp == 0xFFFD);
    *pos += n;
    if (cp == '\r' && *pos < len && s[*pos] == '\n') {
        *pos += 1;
        cp = '\n';
    }
    return cp;
}

int ky_odf_append_text(ky_buf *out, const char *text, size_t len, size_t *cleaned)
{
    if (!text)
        return 0;

    const unsigned char *s = (const unsigned char *)text;
    size_t pos = 0;
    size_t pending_spaces = 0;  /* Spaces read but not yet written. */
    bool after_char = false;    /* The last thing written was a printing character. */
    int rc = 0;

    while (pos < len && rc == 0) {
        bool invalid;
        uint32_t cp = next_char(s, len, &pos, &invalid);

        if (invalid && cleaned)
            (*cleaned)++;

        if (cp == ' ') {
            pending_spaces++;
            continue;
        }
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            /* Spaces before a tab or line break would end a line: keep them all. */
            rc = append_space_element(out, pending_spaces);
            if (rc == 0)
                rc = ky_buf_puts(out, cp == '\t' ? "<text:tab/>" : "<text:line-break/>");
            pending_spaces = 0;
            after_char = false;
            continue;
        }
        if (is_dropped_char(cp)) {
            if (cleaned)
                (*cleaned)++;
            continue;
        }

        /* A single space between two characters survives white-space
         * collapsing as it is; the rest of a run needs <text:s/>. */
        if (pending_spaces > 0 && after_char) {
            rc = ky_buf_putc(out, ' ');
            pending_spaces--;
        }
        if (rc == 0)
            rc = append_space_element(out, pending_spaces);
        pending_spaces = 0;
        if (rc == 0)
            rc = append_char(out, cp);
        after_char = true;
    }

    /* Trailing spaces would be removed at the end of the paragraph. */
    if (rc == 0)
        rc = append_space_element(out, pending_spaces);
    return rc;
}

int ky_xml_append_escaped(ky_buf *out, const char *text, size_t len, size_t *cleaned)
{
    if (!text)
        return 0;

    const unsigned char *s = (const unsigned char *)text;
    size_t pos = 0;
    int rc = 0;

    while (pos < len && rc == 0) {
        size_t start = pos;
        bool invalid;
        uint32_t cp = next_char(s, len, &pos, &invalid);

        if (invalid && cleaned)
            (*cleaned)++;

        if (cp == '\t') {
            rc = ky_buf_puts(out, "&#9;");
        } else if (cp == '\n') {
            /* Keep a CRLF pair as it was written. */
            bool crlf = (pos - start == 2);
            rc = ky_buf_puts(out, crlf ? "&#13;&#10;" : "&#10;");
        } else if (cp == '\r') {
            rc = ky_buf_puts(out, "&#13;");
        } else if (is_dropped_char(cp)) {
            if (cleaned)
                (*cleaned)++;
        } else {
            rc = append_char(out, cp);
        }
    }
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Package                                                                    */
/* ------------------------------------------------------------------------ */

/* Entry names that the package writes itself. */
#define MIMETYPE_NAME "mimetype"
#define MANIFEST_NAME "META-INF/manifest.xml"

/* Unix permission bits stored for every entry (a regular file, rw-r--r--). */
#define ENTRY_UNIX_MODE 0100644u

typedef struct odf_part {
    char *name;
    char *media_type;
    unsigned char *data;
    size_t len;
} odf_part;

struct ky_odf_package {
    char *media_type;
    int64_t timestamp;
    odf_part *parts;
    size_t count;
    size_t capacity;
};

int ky_odf_package_new(ky_odf_package **out, const char *media_type, int64_t timestamp)
{
    *out = NULL;
    if (!media_type || !*media_type)
        return KY_EINVAL;

    ky_odf_package *pkg = calloc(1, sizeof *pkg);
    if (!pkg)
        return KY_ENOMEM;
    pkg->media_type = ky_strdup(media_type);
    if (!pkg->media_type) {
        free(pkg);
        return KY_ENOMEM;
    }
    pkg->timestamp = timestamp;
    *out = pkg;
    return 0;
}

void ky_odf_package_free(ky_odf_package *pkg)
{
    if (!pkg)
        return;
    for (size_t i = 0; i < pkg->count; i++) {
        free(pkg->parts[i].name);
        free(pkg->parts[i].media_type);
        free(pkg->parts[i].data);
    }
    free(pkg->parts);
    free(pkg->media_type);
    free(pkg);
}

/* True when `name` can be a part name: relative, no "..", not reserved. */
static bool part_name_valid(const char *name)
{
    if (!name || !*name || name[0] == '/' || strstr(name, "..") != NULL)
        return false;
    return strcmp(name, MIMETYPE_NAME) != 0 && strcmp(name, MANIFEST_NAME) != 0;
}

int ky_odf_package_add(ky_odf_package *pkg, const char *name, const char *media_type,
                       const void *data, size_t len)
{
    if (!part_name_valid(name) || !media_type || !*media_type)
        return KY_EINVAL;
    for (size_t i = 0; i < pkg->count; i++) {
        if (strcmp(pkg->parts[i].name, name) == 0)
            return KY_EEXISTS;
    }

    if (pkg->count == pkg->capacity) {
        size_t capacity = pkg->capacity ? pkg->capacity * 2 : 8;
        odf_part *parts = realloc(pkg->parts, capacity * sizeof *parts);
        if (!parts)
            return KY_ENOMEM;
        pkg->parts = parts;
        pkg->capacity = capacity;
    }

    odf_part part = {
        .name = ky_strdup(name),
        .media_type = ky_strdup(media_type),
        .data = malloc(len ? len : 1),
        .len = len,
    };
    if (!part.name || !part.media_type || !part.data) {
        free(part.name);
        free(part.media_type);
        free(part.data);
        return KY_ENOMEM;
    }
    if (len)
        memcpy(part.data, data, len);
    pkg->parts[pkg->count++] = part;
    return 0;
}

/* Write the manifest: the package itself as "/" and one entry per part. */
static int build_manifest(const ky_odf_package *pkg, ky_buf *out)
{
    int rc = ky_buf_puts(out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\""
        " manifest:version=\"" KY_ODF_VERSION "\">\n"
        " <manifest:file-entry manifest:full-path=\"/\" manifest:version=\"" KY_ODF_VERSION "\""
        " manifest:media-type=\"");
    if (rc == 0)
        rc = ky_xml_append_escaped(out, pkg->media_type, strlen(pkg->media_type), NULL);
    if (rc == 0)
        rc = ky_buf_puts(out, "\"/>\n");

    for (size_t i = 0; i < pkg->count && rc == 0; i++) {
        const odf_part *part = &pkg->parts[i];
        rc = ky_buf_puts(out, " <manifest:file-entry manifest:full-path=\"");
        if (rc == 0)
            rc = ky_xml_append_escaped(out, part->name, strlen(part->name), NULL);
        if (rc == 0)
            rc = ky_buf_puts(out, "\" manifest:media-type=\"");
        if (rc == 0)
            rc = ky_xml_append_escaped(out, part->media_type, strlen(part->media_type), NULL);
        if (rc == 0)
            rc = ky_buf_puts(out, "\"/>\n");
    }
    if (rc == 0)
        rc = ky_buf_puts(out, "</manifest:manifest>\n");
    return rc;
}

/* Convert Unix seconds to an MS-DOS date and time in UTC, clamped to the
 * range the format can hold (1980-01-01 to 2107-12-31). */
static void unix_to_dos_time(int64_t timestamp, uint16_t *dos_time, uint16_t *dos_date)
{
    /* 1980-01-01T00:00:00Z and 2107-12-31T23:59:58Z. */
    const int64_t first = 315532800;
    const int64_t last = 4354819198;
    int64_t clamped = timestamp;
    if (clamped < first)
        clamped = first;
    if (clamped > last)
        clamped = last;

    time_t seconds = (time_t)clamped;
    struct tm tm;

    gmtime_r(&seconds, &tm);
    *dos_time = (uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
    *dos_date = (uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
}

/* Add one entry with fixed time and attributes. `data` must stay valid until
 * zip_close(). Returns 0 or -1 with the error on `za`. */
static int add_entry(zip_t *za, const char *name, const void *data, size_t len,
                     zip_int32_t method, uint16_t dos_time, uint16_t dos_date)
{
    zip_source_t *source = zip_source_buffer(za, data, len, 0);
    if (!source)
        return -1;

    /* The names are ASCII, so libzip sets neither the UTF-8 flag nor a
     * Unicode path extra field. */
    zip_int64_t index = zip_file_add(za, name, source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
        zip_source_free(source);
        return -1;
    }

    zip_uint64_t i = (zip_uint64_t)index;
    if (zip_set_file_compression(za, i, method, 0) < 0
        || zip_file_set_dostime(za, i, dos_time, dos_date, 0) < 0
        || zip_file_set_external_attributes(za, i, 0, ZIP_OPSYS_UNIX, ENTRY_UNIX_MODE << 16) < 0
        || zip_file_extra_field_delete(za, i, ZIP_EXTRA_FIELD_ALL,
                                       ZIP_FL_LOCAL | ZIP_FL_CENTRAL) < 0)
        return -1;
    return 0;
}

/* Copy the whole content of a closed libzip memory source. */
static int read_source(zip_source_t *source, unsigned char **out, size_t *out_len)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_source_stat(source, &st) < 0 || !(st.valid & ZIP_STAT_SIZE))
        return KY_ERROR;
    if (zip_source_open(source) < 0)
        return KY_ERROR;

    unsigned char *data = malloc(st.size ? (size_t)st.size : 1);
    if (!data) {
        zip_source_close(source);
        return KY_ENOMEM;
    }
    zip_int64_t n = zip_source_read(source, data, st.size);
    zip_source_close(source);
    if (n < 0 || (zip_uint64_t)n != st.size) {
        free(data);
        return KY_ERROR;
    }
    *out = data;
    *out_len = (size_t)st.size;
    return 0;
}

int ky_odf_package_build(const ky_odf_package *pkg, ky_ctx *ctx, unsigned char **out,
                         size_t *out_len)
{
    *out = NULL;
    *out_len = 0;

    ky_buf manifest = {0};
    int rc = build_manifest(pkg, &manifest);
    if (rc != 0)
        return ky_error_set(ctx, rc, NULL, "%s", KY_("Out of memory while writing the ODF manifest."));

    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *archive = zip_source_buffer_create(NULL, 0, 0, &error);
    zip_t *za = NULL;
    if (archive)
        za = zip_open_from_source(archive, ZIP_TRUNCATE, &error);
    if (!za) {
        rc = ky_error_set(ctx, KY_ERROR, NULL, KY_("Creating the zip archive failed: %s"),
                          zip_error_strerror(&error));
        goto cleanup;
    }

    /* The archive owns the source now; keep it alive after zip_close() so
     * that the bytes can be read back. */
    zip_source_keep(archive);

    uint16_t dos_time, dos_date;
    unix_to_dos_time(pkg->timestamp, &dos_time, &dos_date);

    /* ODF requires `mimetype` first and uncompressed, so that tools can read
     * the media type at a fixed offset (byte 38) of the file. */
    bool added = add_entry(za, MIMETYPE_NAME, pkg->media_type, strlen(pkg->media_type),
                           ZIP_CM_STORE, dos_time, dos_date) == 0;
    for (size_t i = 0; i < pkg->count && added; i++) {
        added = add_entry(za, pkg->parts[i].name, pkg->parts[i].data, pkg->parts[i].len,
                          ZIP_CM_DEFLATE, dos_time, dos_date) == 0;
    }
    if (added)
        added = add_entry(za, MANIFEST_NAME, manifest.data, manifest.len, ZIP_CM_DEFLATE,
                          dos_time, dos_date) == 0;
    if (!added || zip_close(za) < 0) {
        rc = ky_error_set(ctx, KY_ERROR, NULL, KY_("Creating the zip archive failed: %s"),
                          zip_strerror(za));
        zip_discard(za);
        goto cleanup;
    }

    rc = read_source(archive, out, out_len);
    if (rc == KY_ENOMEM)
        rc = ky_error_set(ctx, rc, NULL, "%s", KY_("Out of memory while writing the zip archive."));
    else if (rc != 0)
        rc = ky_error_set(ctx, rc, NULL, KY_("Reading the zip archive back from memory failed: %s"),
                          zip_error_strerror(zip_source_error(archive)));

cleanup:
    zip_source_free(archive);
    zip_error_fini(&error);
    ky_buf_free(&manifest);
    return rc;
}

int ky_odf_package_write_file(const ky_odf_package *pkg, ky_ctx *ctx, const char *path)
{
    unsigned char *data;
    size_t len;
    int rc = ky_odf_package_build(pkg, ctx, &data, &len);
    if (rc != 0)
        return rc;

    ky_loc loc = {.file = path};
    FILE *file = fopen(path, "wb");
    if (!file) {
        rc = ky_error_set(ctx, KY_EIO, &loc, KY_("Opening %s for writing failed: %s"), path,
                          strerror(errno));
        free(data);
        return rc;
    }

    bool ok = fwrite(data, 1, len, file) == len && fflush(file) == 0 && fsync(fileno(file)) == 0;
    int saved_errno = errno;
    if (fclose(file) != 0 && ok) {
        ok = false;
        saved_errno = errno;
    }
    free(data);
    if (!ok)
        return ky_error_set(ctx, KY_EIO, &loc, KY_("Writing %s failed: %s"), path,
                            strerror(saved_errno));
    return 0;
}
