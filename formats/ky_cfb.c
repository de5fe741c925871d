/* SPDX-License-Identifier: MIT */
/*
 * OLE2 compound file reader; see ky_cfb.h. Layouts follow [MS-CFB]
 * (Microsoft, "Compound File Binary File Format"): a 512-byte header, then
 * sectors of 512 bytes (version 3) or 4096 bytes (version 4). Sector n starts
 * at byte (n + 1) * sector size. The FAT maps each sector to the next one of
 * its chain. The DIFAT lists the FAT's own sectors: 109 entries in the
 * header, then a chain of DIFAT sectors. Streams under 4096 bytes live in
 * 64-byte mini sectors inside the mini stream, chained by the mini FAT.
 */
#include "formats/ky_cfb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ky_text.h"
#include "kyokun/i18n.h"

#define CFB_HEADER_SIZE 512u
#define CFB_ENTRY_SIZE 128u
#define CFB_MINI_SECTOR_SIZE 64u
/* Streams smaller than this live in the mini stream ([MS-CFB] fixes it at 4096). */
#define CFB_MINI_CUTOFF 4096u
#define CFB_HEADER_DIFAT_COUNT 109u

/* Special sector numbers. */
#define CFB_MAX_REGULAR 0xFFFFFFFAu
#define CFB_END_OF_CHAIN 0xFFFFFFFEu
#define CFB_NO_STREAM 0xFFFFFFFFu

/* Directory entry types. */
#define CFB_TYPE_STORAGE 1
#define CFB_TYPE_STREAM 2
#define CFB_TYPE_ROOT 5

struct ky_cfb {
    ky_ctx *ctx;
    const char *path;          /* names the input in messages */
    const unsigned char *data; /* the whole file */
    size_t size;
    unsigned char *owned;      /* `data` when it was read from `path` */
    uint64_t max_stream;
    unsigned major_version;
    size_t sector_size;
    uint32_t sector_count;     /* sectors after the header, a partial last one included */
    uint32_t *fat;
    uint32_t fat_len;
    uint32_t *mini_fat;
    uint32_t mini_fat_len;
    unsigned char *dir;        /* directory entries, CFB_ENTRY_SIZE bytes each */
    uint32_t entry_count;
    unsigned char *root_child; /* per entry: 1 when the entry is directly under the root */
    unsigned char *mini_stream;
    size_t mini_stream_size;
    bool mini_stream_loaded;
};

static uint32_t get16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const unsigned char *p)
{
    return get16(p) | get16(p + 2) << 16;
}

static uint64_t get64(const unsigned char *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* Set a KY_EPARSE error naming why the container cannot be read. */
static int damaged(ky_cfb *cfb, const char *reason)
{
    ky_loc loc = {.file = cfb->path};
    return ky_error_set(cfb->ctx, KY_EPARSE, &loc,
                        KY_("%s is not a readable OLE2 compound file: %s"), cfb->path,
                        KY_(reason));
}

static int out_of_memory(ky_cfb *cfb)
{
    ky_loc loc = {.file = cfb->path};
    return ky_error_set(cfb->ctx, KY_ENOMEM, &loc, KY_("out of memory while opening %s"),
                        cfb->path);
}

/*
 * Return the bytes of regular sector `sector` and, in *avail, how many of
 * its bytes the file contains (fewer than a sector only for a truncated last
 * sector). The caller has checked sector < sector_count.
 */
static const unsigned char *sector_bytes(const ky_cfb *cfb, uint32_t sector, size_t *avail)
{
    size_t offset = ((size_t)sector + 1) * cfb->sector_size;
    size_t left = cfb->size - offset;
    *avail = left < cfb->sector_size ? left : cfb->sector_size;
    return cfb->data + offset;
}

/*
 * Walk a sector chain in `table` from `start` and copy up to `want` bytes
 * of its sectors into `out` (`want` SIZE_MAX: the whole chain, capped at the
 * stream limit). `bound` is the number of valid sector numbers; every index
 * is checked against it and against the table, and a visited bitmap stops
 * loops. `read_sector` gives the bytes of one sector.
 */
typedef const unsigned char *(*sector_reader)(const ky_cfb *cfb, uint32_t sector, size_t *avail);

static int read_chain(ky_cfb *cfb, const uint32_t *table, uint32_t table_len, uint32_t bound,
                      size_t unit, sector_reader read_sector, uint32_t start, size_t want,
                      ky_buf *out)
{
    if (want == 0)
        return 0;
    unsigned char *visited = calloc((size_t)bound / 8 + 1, 1);
    if (!visited)
        return out_of_memory(cfb);

    int rc = 0;
    uint32_t sector = start;
    size_t done = 0;
    while (done < want) {
        if (sector == CFB_END_OF_CHAIN) {
            if (want != SIZE_MAX)
                rc = damaged(cfb, KY_N_("a stream is shorter than its directory entry states"));
            break;
        }
        if (sector >= bound || sector >= table_len) {
            rc = damaged(cfb, KY_N_("a sector index is out of range"));
            break;
        }
        if (visited[sector / 8] & (1u << (sector % 8))) {
            rc = damaged(cfb, KY_N_("a sector chain loops"));
            break;
        }
        visited[sector / 8] |= (unsigned char)(1u << (sector % 8));

        size_t avail;
        const unsigned char *bytes = read_sector(cfb, sector, &avail);
        size_t need = want - done < unit ? want - done : unit;
        if (want == SIZE_MAX && done + unit > cfb->max_stream) {
            rc = damaged(cfb, KY_N_("the directory is damaged"));
            break;
        }
        if (avail < need) {
            rc = damaged(cfb, KY_N_("the file is truncated"));
            break;
        }
        if (ky_buf_append(out, bytes, need) != 0) {
            rc = out_of_memory(cfb);
            break;
        }
        done += need;
        sector = table[sector];
    }
    free(visited);
    return rc;
}

/* Read `want` bytes (SIZE_MAX: the whole chain) of a chain of regular sectors. */
static int read_regular(ky_cfb *cfb, uint32_t start, size_t want, ky_buf *out)
{
    return read_chain(cfb, cfb->fat, cfb->fat_len, cfb->sector_count, cfb->sector_size,
                      sector_bytes, start, want, out);
}

/* Return the bytes of mini sector `sector` inside the loaded mini stream. */
static const unsigned char *mini_sector_bytes(const ky_cfb *cfb, uint32_t sector, size_t *avail)
{
    size_t offset = (size_t)sector * CFB_MINI_SECTOR_SIZE;
    size_t left = cfb->mini_stream_size - offset;
    *avail = left < CFB_MINI_SECTOR_SIZE ? left : CFB_MINI_SECTOR_SIZE;
    return cfb->mini_stream + offset;
}

/* Check the header and set the sector geometry. */
static int read_header(ky_cfb *cfb)
{
    static const unsigned char signature[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    const unsigned char *h = cfb->data;

    if (cfb->size < CFB_HEADER_SIZE)
        return damaged(cfb, KY_N_("the file is truncated"));
    if (memcmp(h, signature, sizeof signature) != 0 || get16(h + 28) != 0xFFFE)
        return damaged(cfb, KY_N_("the header is invalid"));
    unsigned shift = get16(h + 30);
    if (shift != 9 && shift != 12)
        return damaged(cfb, KY_N_("the sector size is neither 512 nor 4096 bytes"));
    if (get16(h + 32) != 6)
        return damaged(cfb, KY_N_("the header is invalid"));

    cfb->major_version = get16(h + 26);
    cfb->sector_size = (size_t)1 << shift;
    if (cfb->size <= cfb->sector_size)
        return damaged(cfb, KY_N_("the file is truncated"));
    uint64_t sectors = (cfb->size - cfb->sector_size + cfb->sector_size - 1) / cfb->sector_size;
    /* Sector numbers above CFB_MAX_REGULAR are markers, so no file has more sectors. */
    if (sectors > CFB_MAX_REGULAR)
        return damaged(cfb, KY_N_("the header is invalid"));
    cfb->sector_count = (uint32_t)sectors;
    return 0;
}

/* Collect the FAT's sector numbers from the header and the DIFAT chain, then load the FAT. */
static int read_fat(ky_cfb *cfb)
{
    const unsigned char *h = cfb->data;
    uint32_t fat_sectors = get32(h + 44);
    uint32_t difat_start = get32(h + 68);
    uint32_t per_sector = (uint32_t)(cfb->sector_size / 4);

    /* A FAT cannot have more sectors than the file, nor more entries than sector numbers. */
    if (fat_sectors == 0 || fat_sectors > cfb->sector_count
        || (uint64_t)fat_sectors * per_sector > CFB_MAX_REGULAR)
        return damaged(cfb, KY_N_("the header is invalid"));
    uint32_t *list = malloc((size_t)fat_sectors * sizeof *list);
    if (!list)
        return out_of_memory(cfb);

    uint32_t count = 0;
    for (uint32_t i = 0; i < CFB_HEADER_DIFAT_COUNT && count < fat_sectors; i++)
        list[count++] = get32(h + 76 + 4 * i);

    /* DIFAT sectors: per_sector - 1 entries, then the next DIFAT sector. */
    uint32_t difat = difat_start;
    uint32_t steps = 0;
    int rc = 0;
    while (count < fat_sectors) {
        if (difat >= cfb->sector_count) {
            rc = damaged(cfb, KY_N_("a sector index is out of range"));
            goto done;
        }
        if (++steps > cfb->sector_count) {
            rc = damaged(cfb, KY_N_("a sector chain loops"));
            goto done;
        }
        size_t avail;
        const unsigned char *bytes = sector_bytes(cfb, difat, &avail);
        if (avail < cfb->sector_size) {
            rc = damaged(cfb, KY_N_("the file is truncated"));
            goto done;
        }
        for (uint32_t i = 0; i + 1 < per_sector && count < fat_sectors; i++)
            list[count++] = get32(bytes + 4 * i);
        difat = get32(bytes + 4 * (per_sector - 1));
    }

    cfb->fat_len = fat_sectors * per_sector;
    cfb->fat = malloc((size_t)cfb->fat_len * sizeof *cfb->fat);
    if (!cfb->fat) {
        rc = out_of_memory(cfb);
        goto done;
    }
    for (uint32_t i = 0; i < fat_sectors; i++) {
        if (list[i] >= cfb->sector_count) {
            rc = damaged(cfb, KY_N_("a sector index is out of range"));
            goto done;
        }
        size_t avail;
        const unsigned char *bytes = sector_bytes(cfb, list[i], &avail);
        for (uint32_t j = 0; j < per_sector; j++)
            cfb->fat[(size_t)i * per_sector + j] =
                4 * (size_t)j + 4 <= avail ? get32(bytes + 4 * j) : CFB_NO_STREAM;
    }

done:
    free(list);
    return rc;
}

/* Load the directory and the mini FAT. */
static int read_directory(ky_cfb *cfb)
{
    const unsigned char *h = cfb->data;
    ky_buf dir = {0};
    int rc = read_regular(cfb, get32(h + 48), SIZE_MAX, &dir);
    if (rc != 0) {
        ky_buf_free(&dir);
        return rc;
    }
    cfb->entry_count = (uint32_t)(dir.len / CFB_ENTRY_SIZE);
    cfb->dir = (unsigned char *)dir.data;
    if (cfb->entry_count == 0 || cfb->dir[66] != CFB_TYPE_ROOT)
        return damaged(cfb, KY_N_("the directory is damaged"));

    uint32_t mini_fat_start = get32(h + 60);
    if (get32(h + 64) == 0 || mini_fat_start == CFB_END_OF_CHAIN)
        return 0;
    ky_buf mini_fat = {0};
    rc = read_regular(cfb, mini_fat_start, SIZE_MAX, &mini_fat);
    if (rc != 0) {
        ky_buf_free(&mini_fat);
        return rc;
    }
    cfb->mini_fat_len = (uint32_t)(mini_fat.len / 4);
    cfb->mini_fat = malloc(((size_t)cfb->mini_fat_len + 1) * sizeof *cfb->mini_fat);
    if (!cfb->mini_fat) {
        ky_buf_free(&mini_fat);
        return out_of_memory(cfb);
    }
    for (uint32_t i = 0; i < cfb->mini_fat_len; i++)
        cfb->mini_fat[i] = get32((const unsigned char *)mini_fat.data + 4 * (size_t)i);
    ky_buf_free(&mini_fat);
    return 0;
}

/*
 * Mark the entries directly under the root: the root's child and everything
 * reachable from it through left and right siblings (a red-black tree).
 * Broken links are ignored and a visited mark stops cycles.
 */
static int mark_root_children(ky_cfb *cfb)
{
    cfb->root_child = calloc(cfb->entry_count, 1);
    uint32_t *stack = malloc((size_t)cfb->entry_count * sizeof *stack);
    if (!cfb->root_child || !stack) {
        free(stack);
        return out_of_memory(cfb);
    }
    size_t depth = 0;
    uint32_t first = get32(cfb->dir + 76);
    if (first < cfb->entry_count)
        stack[depth++] = first;
    while (depth > 0) {
        uint32_t entry = stack[--depth];
        if (cfb->root_child[entry] || entry == 0)
            continue;
        cfb->root_child[entry] = 1;
        const unsigned char *e = cfb->dir + (size_t)entry * CFB_ENTRY_SIZE;
        uint32_t left = get32(e + 68), right = get32(e + 72);
        /* Only a corrupt tree links one entry from several parents; the depth cap
           keeps the stack in bounds there and may drop such extra links. */
        if (left < cfb->entry_count && !cfb->root_child[left] && depth < cfb->entry_count)
            stack[depth++] = left;
        if (right < cfb->entry_count && !cfb->root_child[right] && depth < cfb->entry_count)
            stack[depth++] = right;
    }
    free(stack);
    return 0;
}

/* Read a file on disk into memory, capped at `limit` bytes. */
static int read_file(ky_cfb *cfb, uint64_t limit)
{
    ky_loc loc = {.file = cfb->path};
    FILE *file = fopen(cfb->path, "rb");
    if (!file)
        return ky_error_set(cfb->ctx, KY_EIO, &loc, KY_("cannot open %s: %s"), cfb->path,
                            strerror(errno));
    ky_buf bytes = {0};
    unsigned char chunk[65536];
    int rc = 0;
    for (;;) {
        size_t n = fread(chunk, 1, sizeof chunk, file);
        if (n == 0)
            break;
        if (bytes.len + n > limit) {
            rc = ky_error_set(cfb->ctx, KY_ELIMIT, &loc,
                              KY_("%s is larger than the limit of %llu bytes"), cfb->path,
                              (unsigned long long)limit);
            break;
        }
        if (ky_buf_append(&bytes, chunk, n) != 0) {
            rc = out_of_memory(cfb);
            break;
        }
    }
    if (rc == 0 && ferror(file))
        rc = ky_error_set(cfb->ctx, KY_EIO, &loc, KY_("cannot read the file: %s"),
                          strerror(errno));
    fclose(file);
    if (rc != 0) {
        ky_buf_free(&bytes);
        return rc;
    }
    cfb->owned = (unsigned char *)bytes.data;
    cfb->data = cfb->owned;
    cfb->size = bytes.len;
    return 0;
}

int ky_cfb_open(ky_ctx *ctx, const ky_source *source, const ky_read_options *options,
                ky_cfb **out)
{
    *out = NULL;
    ky_cfb *cfb = calloc(1, sizeof *cfb);
    if (!cfb) {
        ky_loc loc = {.file = source->path};
        return ky_error_set(ctx, KY_ENOMEM, &loc, KY_("out of memory while opening %s"),
                            source->path ? source->path : "");
    }
    cfb->ctx = ctx;
    cfb->path = source->path ? source->path : "(memory)";
    cfb->max_stream = options && options->max_entry_size ? options->max_entry_size
                                                          : KY_CFB_DEFAULT_MAX_STREAM;
    if (cfb->max_stream > SIZE_MAX / 2)
        cfb->max_stream = SIZE_MAX / 2;

    int rc = 0;
    if (source->data) {
        cfb->data = source->data;
        cfb->size = source->size;
    } else {
        uint64_t limit = options && options->max_total_size ? options->max_total_size
                                                            : (uint64_t)4 << 30;
        rc = read_file(cfb, limit);
    }
    if (rc == 0)
        rc = read_header(cfb);
    if (rc == 0)
        rc = read_fat(cfb);
    if (rc == 0)
        rc = read_directory(cfb);
    if (rc == 0)
        rc = mark_root_children(cfb);
    if (rc != 0) {
        ky_cfb_close(cfb);
        return rc;
    }
    *out = cfb;
    return 0;
}

void ky_cfb_close(ky_cfb *cfb)
{
    if (!cfb)
        return;
    free(cfb->owned);
    free(cfb->fat);
    free(cfb->mini_fat);
    free(cfb->dir);
    free(cfb->root_child);
    free(cfb->mini_stream);
    free(cfb);
}

/* Return true when entry `entry` is a stream named `name`, ignoring ASCII case. */
static bool entry_is_named(const ky_cfb *cfb, uint32_t entry, const char *name)
{
    const unsigned char *e = cfb->dir + (size_t)entry * CFB_ENTRY_SIZE;
    if (e[66] != CFB_TYPE_STREAM)
        return false;
    uint32_t name_bytes = get16(e + 64);
    if (name_bytes < 2 || name_bytes > 64)
        return false;
    size_t units = name_bytes / 2 - 1;
    if (strlen(name) != units)
        return false;
    for (size_t i = 0; i < units; i++) {
        uint32_t unit = get16(e + 2 * i);
        unsigned char c = (unsigned char)name[i];
        if (unit >= 0x80)
            return false;
        unsigned char u = (unsigned char)unit;
        if ((u >= 'A' && u <= 'Z' ? u + 32 : u) != (c >= 'A' && c <= 'Z' ? c + 32 : c))
            return false;
    }
    return true;
}

int32_t ky_cfb_find(const ky_cfb *cfb, const char *name)
{
    if (!cfb || cfb->entry_count > INT32_MAX)
        return -1;
    for (uint32_t i = 1; i < cfb->entry_count; i++)
        if (cfb->root_child[i] && entry_is_named(cfb, i, name))
            return (int32_t)i;
    /* NOTE: a writer that left the directory tree broken still has its streams
       found by a flat scan, even ones inside a sub-storage. */
    for (uint32_t i = 1; i < cfb->entry_count; i++)
        if (entry_is_named(cfb, i, name))
            return (int32_t)i;
    return -1;
}

bool ky_cfb_is_encrypted_package(const ky_cfb *cfb)
{
    return ky_cfb_find(cfb, "EncryptedPackage") >= 0 || ky_cfb_find(cfb, "EncryptionInfo") >= 0;
}

/* Return a stream's size: version 3 files keep only the low 32 bits meaningful. */
static uint64_t entry_size(const ky_cfb *cfb, const unsigned char *e)
{
    uint64_t size = get64(e + 120);
    return cfb->major_version == 3 ? (size & 0xFFFFFFFFu) : size;
}

/* Load the mini stream, the root entry's regular-sector stream, once. */
static int load_mini_stream(ky_cfb *cfb)
{
    if (cfb->mini_stream_loaded)
        return 0;
    uint64_t size = entry_size(cfb, cfb->dir);
    if (size > (uint64_t)cfb->sector_count * cfb->sector_size || size > cfb->max_stream)
        return damaged(cfb, KY_N_("a stream is shorter than its directory entry states"));
    ky_buf bytes = {0};
    int rc = read_regular(cfb, get32(cfb->dir + 116), (size_t)size, &bytes);
    if (rc != 0) {
        ky_buf_free(&bytes);
        return rc;
    }
    cfb->mini_stream = (unsigned char *)bytes.data;
    cfb->mini_stream_size = bytes.len;
    cfb->mini_stream_loaded = true;
    return 0;
}

/* Convert an entry's UTF-16 name to UTF-8 for messages. */
static void entry_name(const ky_cfb *cfb, uint32_t entry, char *out, size_t cap)
{
    const unsigned char *e = cfb->dir + (size_t)entry * CFB_ENTRY_SIZE;
    uint32_t name_bytes = get16(e + 64);
    size_t units = name_bytes >= 2 && name_bytes <= 64 ? name_bytes / 2 - 1 : 0;
    size_t len = 0;
    for (size_t i = 0; i < units; i++) {
        char utf8[4];
        uint32_t unit = get16(e + 2 * i);
        size_t n = ky_utf8_encode(unit >= 0xD800 && unit <= 0xDFFF ? 0xFFFD : unit, utf8);
        if (len + n >= cap)
            break;
        memcpy(out + len, utf8, n);
        len += n;
    }
    out[len] = '\0';
}

int ky_cfb_read(ky_cfb *cfb, int32_t entry, unsigned char **data, size_t *size)
{
    *data = NULL;
    *size = 0;
    if (entry <= 0 || (uint32_t)entry >= cfb->entry_count)
        return damaged(cfb, KY_N_("the directory is damaged"));
    const unsigned char *e = cfb->dir + (size_t)entry * CFB_ENTRY_SIZE;
    uint64_t length = entry_size(cfb, e);
    uint32_t start = get32(e + 116);

    if (length > cfb->max_stream) {
        char name[200];
        entry_name(cfb, (uint32_t)entry, name, sizeof name);
        ky_loc loc = {.file = cfb->path};
        return ky_error_set(cfb->ctx, KY_ELIMIT, &loc,
                            KY_("%s: the OLE2 stream \"%s\" has %llu bytes, more than the "
                                "limit of %llu bytes"),
                            cfb->path, name, (unsigned long long)length,
                            (unsigned long long)cfb->max_stream);
    }
    if (length == 0)
        return 0;

    ky_buf bytes = {0};
    int rc;
    if (length < CFB_MINI_CUTOFF) {
        rc = load_mini_stream(cfb);
        if (rc == 0) {
            uint32_t mini_sectors =
                (uint32_t)((cfb->mini_stream_size + CFB_MINI_SECTOR_SIZE - 1) / CFB_MINI_SECTOR_SIZE);
            rc = read_chain(cfb, cfb->mini_fat, cfb->mini_fat_len, mini_sectors,
                            CFB_MINI_SECTOR_SIZE, mini_sector_bytes, start, (size_t)length,
                            &bytes);
        }
    } else if (length > (uint64_t)cfb->sector_count * cfb->sector_size) {
        rc = damaged(cfb, KY_N_("the file is truncated"));
    } else {
        rc = read_regular(cfb, start, (size_t)length, &bytes);
    }
    if (rc != 0) {
        ky_buf_free(&bytes);
        return rc;
    }
    *data = (unsigned char *)bytes.data;
    *size = bytes.len;
    return 0;
}
