/* SPDX-License-Identifier: MIT */
/*
 * String items (<si> in the shared strings part, <is> in inline-string
 * cells), the _xHHHH_ escapes Excel uses for characters XML cannot carry,
 * and the shared strings table kept in one arena, or in mapped temporary
 * files once it is large.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kyokun/i18n.h"
#include "xlsx.h"

/* Room reserved up front for the table, at most, whatever uniqueCount claims. */
#define MAX_PRESIZE ((size_t)1 << 16)

/*
 * Arena size from which the table moves to temporary files. Below it the
 * table stays in the heap, which is faster. Above it the heap would grow
 * with the workbook. KYOKUN_XLSX_SPILL_BYTES overrides it (tests use 0 to spill
 * every table).
 */
#define SPILL_AT_DEFAULT ((size_t)2 << 20)

/*
 * Lookups between two releases of the mapped pages. Cells refer to strings
 * anywhere in the table and the kernel may map a whole large folio (up to
 * 2 MiB) on one fault, so a long interval maps most of the file again. On
 * the 300,000-row benchmark workbook, 1024 kept peak RSS at 21 MiB for about
 * 0.5 s more system time than keeping the table in the heap (53 MiB).
 */
#define RELEASE_EVERY 1024

/* Return the value of a hexadecimal digit, or -1. */
static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Read "_xHHHH_" at p (n bytes left) into *unit; false when p does not start one. */
static bool read_escape(const char *p, size_t n, uint32_t *unit)
{
    if (n < 7 || p[0] != '_' || p[1] != 'x' || p[6] != '_')
        return false;
    uint32_t value = 0;
    for (int i = 2; i < 6; i++) {
        int digit = hex_digit(p[i]);
        if (digit < 0)
            return false;
        value = value * 16 + (uint32_t)digit;
    }
    *unit = value;
    return true;
}

int ky_xlsx__decode_escapes(const char *text, size_t len, ky_buf *out)
{
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *underscore = memchr(p, '_', (size_t)(end - p));
        if (!underscore)
            return ky_buf_append(out, p, (size_t)(end - p));
        if (ky_buf_append(out, p, (size_t)(underscore - p)) < 0)
            return KY_ENOMEM;
        p = underscore;

        uint32_t unit;
        if (!read_escape(p, (size_t)(end - p), &unit) || unit == 0) {
            /* Not an escape (or U+0000, which a C string cannot hold): keep it as text. */
            if (ky_buf_putc(out, '_') < 0)
                return KY_ENOMEM;
            p++;
            continue;
        }
        p += 7;

        /* UTF-16 surrogate pairs arrive as two escapes. */
        uint32_t low;
        if (unit >= 0xD800 && unit <= 0xDBFF && read_escape(p, (size_t)(end - p), &low)
            && low >= 0xDC00 && low <= 0xDFFF) {
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            p += 7;
        } else if (unit >= 0xD800 && unit <= 0xDFFF) {
            unit = 0xFFFD;
        }
        char bytes[4];
        if (ky_buf_append(out, bytes, ky_utf8_encode(unit, bytes)) < 0)
            return KY_ENOMEM;
    }
    return 0;
}

/* Read the <t> element at hand and append its decoded text. */
static int append_t(ky_xml *xml, ky_buf *scratch, ky_buf *out)
{
    ky_buf_clear(scratch);
    int status = ky_xml_read_text(xml, scratch);
    if (status != 0)
        return status;
    if (scratch->len > 0 && ky_xlsx__decode_escapes(scratch->data, scratch->len, out) < 0)
        return ky_xml_error_nomem(xml);
    return 0;
}

int ky_xlsx__read_string_item(ky_xml *xml, ky_buf *out)
{
    if (ky_xml_is_empty(xml))
        return 0;
    int depth = ky_xml_depth(xml);
    bool in_run = false;
    ky_buf scratch = {0};
    int rc;
    int status = 0;

    while ((rc = ky_xml_read(xml)) > 0) {
        ky_xml_node_kind kind = ky_xml_node(xml);
        int level = ky_xml_depth(xml) - depth;
        if (kind == KY_XML_END) {
            if (level == 0)
                break;
            if (level == 1 && ky_xlsx__is(xml, "r"))
                in_run = false;
            continue;
        }
        if (kind != KY_XML_START)
            continue;

        /* Visible text: <t> of the item, and <t> of each direct run. */
        if ((level == 1 || (level == 2 && in_run)) && ky_xlsx__is(xml, "t")) {
            if ((status = append_t(xml, &scratch, out)) != 0)
                goto cleanup;
        } else if (level == 1 && ky_xlsx__is(xml, "r") && !ky_xml_is_empty(xml)) {
            in_run = true;
        } else if ((status = ky_xml_skip(xml)) != 0) {
            /* Phonetic runs (<rPh>), run properties and anything else are not text. */
            goto cleanup;
        }
    }
    if (rc < 0)
        status = rc;

cleanup:
    ky_buf_free(&scratch);
    return status;
}

/* Return the spill size: SPILL_AT_DEFAULT, or KYOKUN_XLSX_SPILL_BYTES when set to a number. */
static size_t spill_size(void)
{
    const char *value = getenv("KYOKUN_XLSX_SPILL_BYTES");
    if (!value || *value < '0' || *value > '9')
        return SPILL_AT_DEFAULT;
    return (size_t)strtoull(value, NULL, 10);
}

static bool write_offset(FILE *file, uint64_t offset)
{
    return fwrite(&offset, sizeof offset, 1, file) == 1;
}

/*
 * Move the table loaded so far to two unlinked temporary files. When a file
 * cannot be created, return false and keep the table in the heap, which
 * costs memory but reads the same.
 */
static bool spill(xlsx_strings *strings)
{
    strings->text_file = tmpfile();
    strings->offset_file = strings->text_file ? tmpfile() : NULL;
    bool ok = strings->offset_file != NULL;
    if (ok && strings->arena.len > 0)
        ok = fwrite(strings->arena.data, 1, strings->arena.len, strings->text_file)
             == strings->arena.len;
    for (size_t i = 0; ok && i < strings->count; i++)
        ok = write_offset(strings->offset_file, strings->offsets[i]);
    if (!ok) {
        if (strings->text_file)
            fclose(strings->text_file);
        if (strings->offset_file)
            fclose(strings->offset_file);
        strings->text_file = NULL;
        strings->offset_file = NULL;
        strings->spill_at = SIZE_MAX;
        return false;
    }
    strings->text_len = strings->arena.len;
    ky_buf_free(&strings->arena);
    free(strings->offsets);
    strings->offsets = NULL;
    strings->cap = 0;
    return true;
}

/* Append one string to the spilled table. */
static int add_spilled(xlsx_strings *strings, const char *text, size_t len)
{
    if (!write_offset(strings->offset_file, strings->text_len)
        || (len > 0 && fwrite(text, 1, len, strings->text_file) != len)
        || fputc('\0', strings->text_file) == EOF)
        return KY_EIO;
    strings->text_len += len + 1;
    strings->count++;
    return 0;
}

/* Append one string to the table, NUL-terminated in the arena. */
static int add_string(xlsx_strings *strings, const char *text, size_t len)
{
    if (strings->text_file)
        return add_spilled(strings, text, len);
    if (strings->count + 1 >= strings->cap) {
        size_t cap = strings->cap ? strings->cap * 2 : 1024;
        size_t *offsets = realloc(strings->offsets, cap * sizeof *offsets);
        if (!offsets)
            return KY_ENOMEM;
        strings->offsets = offsets;
        strings->cap = cap;
    }
    strings->offsets[strings->count] = strings->arena.len;
    if (ky_buf_append(&strings->arena, text, len) < 0 || ky_buf_putc(&strings->arena, '\0') < 0)
        return KY_ENOMEM;
    strings->count++;
    strings->offsets[strings->count] = strings->arena.len;
    if (strings->arena.len >= strings->spill_at)
        spill(strings);
    return 0;
}

/* Map a flushed temporary file read-only at `at` (NULL: anywhere); NULL when that fails. */
static const void *map_file(int fd, size_t len, const void *at)
{
    if (len == 0 || fd < 0)
        return NULL;
    void *map = mmap((void *)at, len, PROT_READ, MAP_PRIVATE | (at ? MAP_FIXED : 0), fd, 0);
    return map == MAP_FAILED ? NULL : map;
}

/* Finish a spilled table: write the end offset and map both files, which are then closed. */
static int map_spilled(xlsx_strings *strings)
{
    int status = write_offset(strings->offset_file, strings->text_len) ? 0 : KY_EIO;
    if (fflush(strings->text_file) != 0 || fflush(strings->offset_file) != 0)
        status = KY_EIO;
    size_t offsets_len = (strings->count + 1) * sizeof(uint64_t);
    strings->spilled = true;
    strings->text_fd = dup(fileno(strings->text_file));
    strings->offset_fd = dup(fileno(strings->offset_file));
    if (status == 0) {
        strings->text_map = map_file(strings->text_fd, strings->text_len, NULL);
        strings->offset_map = map_file(strings->offset_fd, offsets_len, NULL);
        if (!strings->text_map || !strings->offset_map)
            status = KY_EIO;
    }
    strings->text_map_len = strings->text_map ? strings->text_len : 0;
    strings->offset_map_len = strings->offset_map ? offsets_len : 0;
    fclose(strings->text_file);
    fclose(strings->offset_file);
    strings->text_file = NULL;
    strings->offset_file = NULL;
    return status;
}

/*
 * Give back the mapped pages read so far by mapping the files again at the
 * same addresses, so that texts returned earlier in the same row stay
 * readable. Returns false when a mapping failed, after which lookups fail.
 */
static bool release_pages(xlsx_strings *strings)
{
    bool ok = map_file(strings->text_fd, strings->text_map_len, strings->text_map)
              && map_file(strings->offset_fd, strings->offset_map_len, strings->offset_map);
    if (!ok) {
        strings->text_map_len = 0;
        strings->offset_map_len = 0;
    }
    return ok;
}

int ky_xlsx__strings_load(ky_zip *zip, const char *part, xlsx_strings *strings)
{
    memset(strings, 0, sizeof *strings);
    strings->spill_at = spill_size();
    ky_loc loc = {.file = ky_zip_path(zip)};
    ky_xml *xml = NULL;
    ky_buf item = {0}, count = {0};
    int status = ky_xml_open(zip, part, &xml);
    if (status != 0)
        goto cleanup;

    int rc;
    while ((rc = ky_xml_read(xml)) > 0) {
        if (ky_xml_node(xml) != KY_XML_START)
            continue;

        /* Reserve room for the announced count, within reason. */
        if (ky_xlsx__is(xml, "sst") && ky_xml_attr(xml, NULL, "uniqueCount", &count) > 0) {
            size_t announced = (size_t)strtoull(count.data, NULL, 10);
            if (announced > MAX_PRESIZE)
                announced = MAX_PRESIZE;
            size_t *offsets = announced > strings->cap
                                  ? realloc(strings->offsets, (announced + 1) * sizeof *offsets)
                                  : strings->offsets;
            if (offsets && announced > strings->cap) {
                strings->offsets = offsets;
                strings->cap = announced + 1;
            }
            continue;
        }

        /* One entry per <si>, whatever it contains, so an empty <si> still takes an index. */
        if (ky_xlsx__is(xml, "si")) {
            ky_buf_clear(&item);
            if ((status = ky_xlsx__read_string_item(xml, &item)) != 0)
                goto cleanup;
            int added = add_string(strings, item.data ? item.data : "", item.len);
            if (added == KY_EIO) {
                status = ky_error_set(ky_zip_ctx(zip), KY_EIO, &loc, "%s",
                                      KY_("writing the shared strings to a temporary file "
                                          "failed; check the free space in /tmp"));
                goto cleanup;
            } else if (added < 0) {
                status = ky_error_set(ky_zip_ctx(zip), KY_ENOMEM, &loc, "%s",
                                      KY_("out of memory while reading the file"));
                goto cleanup;
            }
        }
    }
    if (rc < 0)
        status = rc;
    if (status == 0 && strings->text_file && map_spilled(strings) < 0)
        status = ky_error_set(ky_zip_ctx(zip), KY_EIO, &loc, "%s",
                              KY_("writing the shared strings to a temporary file "
                                  "failed; check the free space in /tmp"));

cleanup:
    ky_xml_close(xml);
    ky_buf_free(&item);
    ky_buf_free(&count);
    return status;
}

bool ky_xlsx__strings_get(xlsx_strings *strings, uint64_t index, const char **text,
                          size_t *len)
{
    if (index >= strings->count)
        return false;
    if (!strings->text_map) {
        size_t start = strings->offsets[index];
        *text = strings->arena.data + start;
        *len = strings->offsets[index + 1] - start - 1;
        return true;
    }

    if (++strings->lookups >= RELEASE_EVERY) {
        strings->lookups = 0;
        if (!release_pages(strings))
            return false;
    }
    if ((index + 1) * sizeof(uint64_t) >= strings->offset_map_len)
        return false;
    uint64_t start = strings->offset_map[index];
    uint64_t end = strings->offset_map[index + 1];
    if (end <= start || end > strings->text_map_len)
        return false;
    *text = strings->text_map + start;
    *len = (size_t)(end - start - 1);
    return true;
}

void ky_xlsx__strings_free(xlsx_strings *strings)
{
    ky_buf_free(&strings->arena);
    free(strings->offsets);
    if (strings->text_file)
        fclose(strings->text_file);
    if (strings->offset_file)
        fclose(strings->offset_file);
    if (strings->text_map && strings->text_map_len)
        munmap((void *)strings->text_map, strings->text_map_len);
    if (strings->offset_map && strings->offset_map_len)
        munmap((void *)strings->offset_map, strings->offset_map_len);
    if (strings->spilled && strings->text_fd >= 0)
        close(strings->text_fd);
    if (strings->spilled && strings->offset_fd >= 0)
        close(strings->offset_fd);
    memset(strings, 0, sizeof *strings);
}
