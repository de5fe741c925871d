/* SPDX-License-Identifier: MIT */
/*
 * Zip package access over libzip with inflate limits counted on the bytes
 * actually produced, so a header that under-states an entry's size cannot
 * get past them.
 */
#include "formats/ky_zip.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "formats/ky_text.h"
#include "kyokun/i18n.h"

/* Maximum number of entries indexed. Real packages have a few hundred. */
#define MAX_ENTRIES ((zip_int64_t)1 << 20)

static const unsigned char OLE2_SIGNATURE[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

typedef struct name_slot {
    char *key;          /* lower-case, '/' separated, no leading '/' */
    zip_uint64_t index;
} name_slot;

struct ky_zip {
    ky_ctx *ctx;
    const char *path;
    zip_t *archive;
    name_slot *by_key;  /* sorted by key for lookup */
    char **names;       /* names by entry index, '\' turned into '/' */
    size_t count;
    uint64_t max_entry;
    uint64_t max_total;
    uint64_t total;     /* inflated bytes read from all entries so far */
};

struct ky_zip_stream {
    ky_zip *zip;
    zip_file_t *file;
    const char *name;
    uint64_t inflated;
    int status;
};

bool ky_zip_is_ole2(const unsigned char *head, size_t len)
{
    return head && len >= sizeof OLE2_SIGNATURE
           && memcmp(head, OLE2_SIGNATURE, sizeof OLE2_SIGNATURE) == 0;
}

/* Build the lookup key of a name: ASCII lower case, '/' separators, no leading '/'. */
static char *make_key(const char *name)
{
    while (*name == '/' || *name == '\\')
        name++;
    char *key = ky_strdup(name);
    if (!key)
        return NULL;
    for (char *p = key; *p; p++) {
        if (*p == '\\')
            *p = '/';
        else if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    }
    return key;
}

/* qsort/bsearch order of name slots: by key, then by entry index. */
static int compare_slots(const void *a, const void *b)
{
    const name_slot *x = a, *y = b;
    int order = strcmp(x->key, y->key);
    if (order != 0)
        return order;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Report that the OLE2 file at hand is most likely an encrypted workbook. */
static int report_ole2(ky_ctx *ctx, const ky_loc *loc)
{
    return ky_error_set(ctx, KY_EUNSUPPORTED, loc,
                        KY_("password-protected (encrypted) workbook, not supported: "
                            "save it without a password"));
}

/* Check the first bytes of a file on disk for the OLE2 signature. */
static int check_ole2_file(ky_ctx *ctx, const ky_loc *loc)
{
    FILE *file = fopen(loc->file, "rb");
    if (!file)
        return ky_error_set(ctx, KY_EIO, loc, KY_("cannot open the file: %s"), strerror(errno));
    unsigned char head[8];
    size_t n = fread(head, 1, sizeof head, file);
    fclose(file);
    if (ky_zip_is_ole2(head, n))
        return report_ole2(ctx, loc);
    return 0;
}

/*
 * Describe a libzip error in translated words, because libzip's own text is
 * English only. Returns NULL for the codes not described here, so that the
 * caller falls back to zip_error_strerror(). Descriptions that include the
 * system error are formatted into `buffer`.
 */
static const char *describe_zip_error(zip_error_t *error, char *buffer, size_t size)
{
    int system = zip_error_code_system(error);
    switch (zip_error_code_zip(error)) {
    case ZIP_ER_NOZIP:
        return KY_("not a zip file (it may be truncated or not a workbook)");
    case ZIP_ER_INCONS:
        return KY_("the zip structure is inconsistent (the file is damaged or truncated)");
    case ZIP_ER_EOF:
        return KY_("the file ends too early (it may be truncated)");
    case ZIP_ER_CRC:
        return KY_("the CRC check failed (the file is damaged)");
    case ZIP_ER_ZLIB:
    case ZIP_ER_COMPRESSED_DATA:
        return KY_("the compressed data is invalid (the file is damaged)");
    case ZIP_ER_COMPNOTSUPP:
        return KY_("the zip compression method is not supported");
    case ZIP_ER_ENCRNOTSUPP:
        return KY_("the zip encryption method is not supported");
    case ZIP_ER_MEMORY:
        return KY_("out of memory while opening the file");
    case ZIP_ER_NOENT:
        return KY_("file not found");
    case ZIP_ER_OPEN:
        if (system == 0)
            return NULL;
        snprintf(buffer, size, KY_("cannot open the file: %s"), strerror(system));
        return buffer;
    case ZIP_ER_READ:
        if (system == 0)
            return NULL;
        snprintf(buffer, size, KY_("cannot read the file: %s"), strerror(system));
        return buffer;
    case ZIP_ER_SEEK:
        if (system == 0)
            return NULL;
        snprintf(buffer, size, KY_("cannot seek in the file: %s"), strerror(system));
        return buffer;
    default:
        return NULL;
    }
}

/* Turn a libzip open error into a kyokun status and message. */
static int report_open_error(ky_ctx *ctx, const ky_loc *loc, zip_error_t *error)
{
    char buffer[256];
    const char *reason = describe_zip_error(error, buffer, sizeof buffer);
    switch (zip_error_code_zip(error)) {
    case ZIP_ER_MEMORY:
        return ky_error_set(ctx, KY_ENOMEM, loc, "%s", reason);
    case ZIP_ER_OPEN:
    case ZIP_ER_NOENT:
    case ZIP_ER_READ:
    case ZIP_ER_SEEK:
        if (reason)
            return ky_error_set(ctx, KY_EIO, loc, "%s", reason);
        return ky_error_set(ctx, KY_EIO, loc, KY_("cannot read the file: %s"),
                            zip_error_strerror(error));
    default:
        if (reason)
            return ky_error_set(ctx, KY_EPARSE, loc, "%s", reason);
        return ky_error_set(ctx, KY_EPARSE, loc, KY_("invalid zip package: %s"),
                            zip_error_strerror(error));
    }
}

/* Index the entry names of an open archive for ky_zip_find(). */
static int index_names(ky_zip *zip, const ky_loc *loc)
{
    zip_int64_t count = zip_get_num_entries(zip->archive, 0);
    if (count < 0)
        count = 0;
    if (count > MAX_ENTRIES)
        return ky_error_set(zip->ctx, KY_ELIMIT, loc,
                            KY_("the zip package has %lld entries, more than the limit of %lld"),
                            (long long)count, (long long)MAX_ENTRIES);
    if (count == 0)
        return 0;

    zip->names = calloc((size_t)count, sizeof *zip->names);
    zip->by_key = calloc((size_t)count, sizeof *zip->by_key);
    if (!zip->names || !zip->by_key)
        return ky_error_set(zip->ctx, KY_ENOMEM, loc, "%s",
                            KY_("out of memory while opening the file"));
    for (zip_int64_t i = 0; i < count; i++) {
        const char *name = zip_get_name(zip->archive, (zip_uint64_t)i, 0);
        if (!name)
            name = "";
        zip->names[i] = ky_strdup(name);
        zip->by_key[i].key = make_key(name);
        zip->by_key[i].index = (zip_uint64_t)i;
        zip->count = (size_t)i + 1;
        if (!zip->names[i] || !zip->by_key[i].key)
            return ky_error_set(zip->ctx, KY_ENOMEM, loc, "%s",
                                KY_("out of memory while opening the file"));
        for (char *p = zip->names[i]; *p; p++)
            if (*p == '\\')
                *p = '/';
    }
    qsort(zip->by_key, zip->count, sizeof *zip->by_key, compare_slots);
    return 0;
}

int ky_zip_open(ky_ctx *ctx, const ky_source *source, const ky_read_options *options,
                ky_zip **out)
{
    *out = NULL;
    const char *path = source->path ? source->path : "(memory)";
    ky_loc loc = {.file = path};
    int status = 0;
    zip_error_t error;
    zip_error_init(&error);

    /* An encrypted workbook is an OLE2 file, not a damaged zip, so report it as such. */
    if (source->data) {
        if (ky_zip_is_ole2(source->data, source->size))
            return report_ole2(ctx, &loc);
    } else if ((status = check_ole2_file(ctx, &loc)) != 0) {
        return status;
    }

    ky_zip *zip = calloc(1, sizeof *zip);
    if (!zip)
        return ky_error_set(ctx, KY_ENOMEM, &loc, "%s",
                            KY_("out of memory while opening the file"));
    zip->ctx = ctx;
    zip->path = path;
    zip->max_entry = options && options->max_entry_size ? options->max_entry_size
                                                         : KY_ZIP_DEFAULT_MAX_ENTRY;
    zip->max_total = options && options->max_total_size ? options->max_total_size
                                                         : KY_ZIP_DEFAULT_MAX_TOTAL;

    if (source->data) {
        /* libzip rejects a NULL buffer, so an empty input gets a dummy one. */
        static const unsigned char empty[1];
        const void *bytes = source->size ? (const void *)source->data : (const void *)empty;
        zip_source_t *memory = zip_source_buffer_create(bytes, source->size, 0, &error);
        if (!memory) {
            status = report_open_error(ctx, &loc, &error);
            goto cleanup;
        }
        zip->archive = zip_open_from_source(memory, ZIP_RDONLY, &error);
        if (!zip->archive) {
            zip_source_free(memory);
            status = report_open_error(ctx, &loc, &error);
            goto cleanup;
        }
    } else {
        int code = 0;
        zip->archive = zip_open(path, ZIP_RDONLY, &code);
        if (!zip->archive) {
            zip_error_set(&error, code, errno);
            status = report_open_error(ctx, &loc, &error);
            goto cleanup;
        }
    }

    status = index_names(zip, &loc);

cleanup:
    zip_error_fini(&error);
    if (status != 0) {
        ky_zip_close(zip);
        return status;
    }
    *out = zip;
    return 0;
}

void ky_zip_close(ky_zip *zip)
{
    if (!zip)
        return;
    if (zip->archive)
        zip_discard(zip->archive);
    for (size_t i = 0; i < zip->count; i++) {
        free(zip->names[i]);
        free(zip->by_key[i].key);
    }
    free(zip->names);
    free(zip->by_key);
    free(zip);
}

const char *ky_zip_path(const ky_zip *zip)
{
    return zip->path;
}

ky_ctx *ky_zip_ctx(const ky_zip *zip)
{
    return zip->ctx;
}

int64_t ky_zip_find(const ky_zip *zip, const char *name)
{
    if (!zip || !name || zip->count == 0)
        return -1;
    char *key = make_key(name);
    if (!key)
        return -1;

    /* Lower bound of the key, so that of duplicate names the first entry wins. */
    size_t low = 0, high = zip->count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (strcmp(zip->by_key[mid].key, key) < 0)
            low = mid + 1;
        else
            high = mid;
    }
    int64_t found = -1;
    if (low < zip->count && strcmp(zip->by_key[low].key, key) == 0)
        found = (int64_t)zip->by_key[low].index;
    free(key);
    return found;
}

size_t ky_zip_count(const ky_zip *zip)
{
    return zip ? zip->count : 0;
}

const char *ky_zip_name(const ky_zip *zip, size_t index)
{
    return zip && index < zip->count ? zip->names[index] : NULL;
}

int ky_zip_stream_open(ky_zip *zip, int64_t index, ky_zip_stream **out)
{
    *out = NULL;
    ky_loc loc = {.file = zip->path};
    if (index < 0 || (size_t)index >= zip->count)
        return ky_error_set(zip->ctx, KY_ENOTFOUND, &loc, KY_("zip entry %lld not found"),
                            (long long)index);
    const char *name = zip->names[index];

    /* A header that already claims too much is rejected before inflating. */
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(zip->archive, (zip_uint64_t)index, 0, &stat) == 0
        && (stat.valid & ZIP_STAT_SIZE) && stat.size > zip->max_entry)
        return ky_error_set(zip->ctx, KY_ELIMIT, &loc,
                            KY_("package part %s inflates to %llu bytes, more than the "
                                "limit of %llu bytes per part"),
                            name, (unsigned long long)stat.size,
                            (unsigned long long)zip->max_entry);

    zip_file_t *file = zip_fopen_index(zip->archive, (zip_uint64_t)index, 0);
    if (!file) {
        zip_error_t *error = zip_get_error(zip->archive);
        int code = zip_error_code_zip(error);
        if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP)
            return ky_error_set(zip->ctx, KY_EUNSUPPORTED, &loc,
                                KY_("package part %s is encrypted, which is not supported: "
                                    "save the file without a password"),
                                name);
        if (code == ZIP_ER_MEMORY)
            return ky_error_set(zip->ctx, KY_ENOMEM, &loc, "%s",
                                KY_("out of memory while opening the file"));
        char buffer[256];
        const char *reason = describe_zip_error(error, buffer, sizeof buffer);
        return ky_error_set(zip->ctx, KY_EPARSE, &loc, KY_("cannot read package part %s: %s"),
                            name, reason ? reason : zip_error_strerror(error));
    }

    ky_zip_stream *stream = calloc(1, sizeof *stream);
    if (!stream) {
        zip_fclose(file);
        return ky_error_set(zip->ctx, KY_ENOMEM, &loc, "%s",
                            KY_("out of memory while opening the file"));
    }
    stream->zip = zip;
    stream->file = file;
    stream->name = name;
    *out = stream;
    return 0;
}

int64_t ky_zip_stream_read(ky_zip_stream *stream, void *buf, size_t len)
{
    if (stream->status != 0)
        return stream->status;
    ky_zip *zip = stream->zip;
    ky_loc loc = {.file = zip->path};

    zip_int64_t n = zip_fread(stream->file, buf, len);
    if (n < 0) {
        zip_error_t *error = zip_file_get_error(stream->file);
        char buffer[256];
        const char *reason = describe_zip_error(error, buffer, sizeof buffer);
        stream->status = ky_error_set(zip->ctx, KY_EPARSE, &loc,
                                      KY_("package part %s is corrupt: %s"), stream->name,
                                      reason ? reason : zip_error_strerror(error));
        return stream->status;
    }

    /* Count the bytes produced, not the size the header claims. */
    stream->inflated += (uint64_t)n;
    zip->total += (uint64_t)n;
    if (stream->inflated > zip->max_entry) {
        stream->status = ky_error_set(zip->ctx, KY_ELIMIT, &loc,
                                      KY_("package part %s inflates past the limit of %llu "
                                          "bytes per part; the file may be a zip bomb"),
                                      stream->name, (unsigned long long)zip->max_entry);
        return stream->status;
    }
    if (zip->total > zip->max_total) {
        stream->status = ky_error_set(zip->ctx, KY_ELIMIT, &loc,
                                      KY_("package parts inflate past the limit of %llu bytes "
                                          "in all; the file may be a zip bomb"),
                                      (unsigned long long)zip->max_total);
        return stream->status;
    }
    return n;
}

int ky_zip_stream_io_read(void *context, char *buffer, int len)
{
    if (len <= 0)
        return 0;
    int64_t n = ky_zip_stream_read(context, buffer, (size_t)len);
    return n < 0 ? -1 : (int)n;
}

int ky_zip_stream_status(const ky_zip_stream *stream)
{
    return stream->status;
}

const char *ky_zip_stream_name(const ky_zip_stream *stream)
{
    return stream->name;
}

void ky_zip_stream_close(ky_zip_stream *stream)
{
    if (!stream)
        return;
    zip_fclose(stream->file);
    free(stream);
}
