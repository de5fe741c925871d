/* SPDX-License-Identifier: MIT */
/*
 * The workbook part: where it is (_rels/.rels), its sheets in order with
 * their names and visibility, the 1904 date flag, and the parts its
 * relationships point to, in Transitional and Strict packages alike.
 */
#include <stdlib.h>
#include <string.h>

#include "kyokun/i18n.h"
#include "xlsx.h"

/* One relationship of a .rels part. */
typedef struct relationship {
    char *id;
    char *type;   /* last segment of the Type URI: "worksheet", "styles", ... */
    char *target; /* resolved part name; NULL for external targets */
} relationship;

typedef struct relationship_list {
    relationship *items;
    size_t count;
    size_t cap;
} relationship_list;

bool ky_xlsx__is(const ky_xml *xml, const char *local)
{
    return ky_xml_is_sml(xml, local) || ky_xml_is(xml, NULL, local);
}

/* Free a relationship list. */
static void relationships_free(relationship_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].id);
        free(list->items[i].type);
        free(list->items[i].target);
    }
    free(list->items);
    memset(list, 0, sizeof *list);
}

/* Return the value of a hexadecimal digit, or -1. */
static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Resolve a relationship target against the part that contains it: absolute
 * targets ("/xl/worksheets/sheet1.xml") start at the package root, relative
 * ones at the source part's folder; "." and ".." segments, '\' separators
 * and %XX escapes are handled. Returns a new string or NULL when out of memory.
 */
static char *resolve_target(const char *source_part, const char *target)
{
    ky_buf joined = {0};
    int status = 0;
    if (target[0] != '/' && target[0] != '\\') {
        const char *slash = strrchr(source_part, '/');
        if (slash)
            status = ky_buf_append(&joined, source_part, (size_t)(slash - source_part) + 1);
    }
    for (const char *p = target; status == 0 && *p && *p != '#'; p++) {
        if (*p == '%' && hex_value(p[1]) >= 0 && hex_value(p[2]) >= 0) {
            status = ky_buf_putc(&joined, (char)(hex_value(p[1]) * 16 + hex_value(p[2])));
            p += 2;
        } else {
            status = ky_buf_putc(&joined, *p == '\\' ? '/' : *p);
        }
    }
    if (status != 0 || ky_buf_putc(&joined, '\0') != 0) {
        ky_buf_free(&joined);
        return NULL;
    }

    /* Rebuild the path segment by segment, dropping "." and applying "..". */
    char *out = malloc(joined.len + 1);
    if (!out) {
        ky_buf_free(&joined);
        return NULL;
    }
    size_t len = 0;
    char *segment = joined.data;
    while (segment) {
        char *next = strchr(segment, '/');
        if (next)
            *next++ = '\0';
        if (strcmp(segment, "..") == 0) {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--;
            while (len > 0 && out[len - 1] != '/')
                len--;
        } else if (segment[0] != '\0' && strcmp(segment, ".") != 0) {
            size_t n = strlen(segment);
            memcpy(out + len, segment, n);
            len += n;
            out[len++] = '/';
        }
        segment = next;
    }
    if (len > 0)
        len--; /* the trailing '/' */
    out[len] = '\0';
    ky_buf_free(&joined);
    return out;
}

/* Return the name of the .rels part of `part` ("xl/workbook.xml" -> "xl/_rels/workbook.xml.rels"). */
static char *rels_part_name(const char *part)
{
    ky_buf name = {0};
    const char *slash = strrchr(part, '/');
    const char *base = slash ? slash + 1 : part;
    int status = ky_buf_append(&name, part, (size_t)(base - part));
    if (status == 0)
        status = ky_buf_printf(&name, "_rels/%s.rels", base);
    if (status != 0) {
        ky_buf_free(&name);
        return NULL;
    }
    return ky_buf_take(&name);
}

/* Report an allocation failure while reading package structure. */
static int out_of_memory(ky_zip *zip)
{
    ky_loc loc = {.file = ky_zip_path(zip)};
    return ky_error_set(ky_zip_ctx(zip), KY_ENOMEM, &loc, "%s",
                        KY_("out of memory while reading the file"));
}

/* Add one <Relationship> element (the current node) to the list. */
static int add_relationship(ky_zip *zip, ky_xml *xml, const char *source_part,
                            relationship_list *list)
{
    ky_buf id = {0}, type = {0}, target = {0}, mode = {0};
    int status = 0;
    if (ky_xml_attr(xml, NULL, "Id", &id) < 0 || ky_xml_attr(xml, NULL, "Type", &type) < 0
        || ky_xml_attr(xml, NULL, "Target", &target) < 0
        || ky_xml_attr(xml, NULL, "TargetMode", &mode) < 0) {
        status = out_of_memory(zip);
        goto cleanup;
    }
    if (!id.data || !type.data || !target.data)
        goto cleanup;

    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        relationship *items = realloc(list->items, cap * sizeof *items);
        if (!items) {
            status = out_of_memory(zip);
            goto cleanup;
        }
        list->items = items;
        list->cap = cap;
    }

    /* Transitional and Strict types differ only before the last '/'. */
    const char *type_name = strrchr(type.data, '/');
    type_name = type_name ? type_name + 1 : type.data;
    relationship *item = &list->items[list->count];
    item->id = ky_strdup(id.data);
    item->type = ky_strdup(type_name);
    item->target = NULL;
    bool external = mode.data && strcmp(mode.data, "External") == 0;
    if (!external)
        item->target = resolve_target(source_part, target.data);
    list->count++;
    if (!item->id || !item->type || (!external && !item->target))
        status = out_of_memory(zip);

cleanup:
    ky_buf_free(&id);
    ky_buf_free(&type);
    ky_buf_free(&target);
    ky_buf_free(&mode);
    return status;
}

/* Read the relationships of `source_part`; a missing .rels part gives an empty list. */
static int load_relationships(ky_zip *zip, const char *source_part, relationship_list *list)
{
    char *rels = rels_part_name(source_part);
    if (!rels)
        return out_of_memory(zip);
    ky_xml *xml = NULL;
    int status = 0;
    if (ky_zip_find(zip, rels) < 0)
        goto cleanup;
    if ((status = ky_xml_open(zip, rels, &xml)) != 0)
        goto cleanup;

    int rc;
    while ((rc = ky_xml_read(xml)) > 0) {
        if (ky_xml_node(xml) == KY_XML_START
            && strcmp(ky_xml_local_name(xml), "Relationship") == 0
            && (status = add_relationship(zip, xml, source_part, list)) != 0)
            goto cleanup;
    }
    status = rc < 0 ? rc : 0;

cleanup:
    ky_xml_close(xml);
    free(rels);
    return status;
}

/* Return the first relationship of a type, or NULL. */
static const relationship *find_by_type(const relationship_list *list, const char *type)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->items[i].type, type) == 0 && list->items[i].target)
            return &list->items[i];
    return NULL;
}

/* Return the relationship with an id, or NULL. */
static const relationship *find_by_id(const relationship_list *list, const char *id)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->items[i].id, id) == 0)
            return &list->items[i];
    return NULL;
}

/* Return true when an entry name ends with "workbook.xml", ignoring ASCII case. */
static bool ends_with_workbook(const char *name)
{
    static const char suffix[] = "workbook.xml";
    size_t len = strlen(name), n = sizeof suffix - 1;
    if (len < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[len - n + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != suffix[i])
            return false;
    }
    return true;
}

/* Find the workbook part: the package's officeDocument relationship, else the usual names. */
static int find_workbook_part(ky_zip *zip, xlsx_book *book)
{
    relationship_list root = {0};
    int status = load_relationships(zip, "", &root);
    if (status != 0)
        goto cleanup;

    const relationship *office = find_by_type(&root, "officeDocument");
    const char *part = NULL;
    if (office && ky_zip_find(zip, office->target) >= 0)
        part = office->target;
    else if (ky_zip_find(zip, "xl/workbook.xml") >= 0)
        part = "xl/workbook.xml";
    else
        for (size_t i = 0; i < ky_zip_count(zip) && !part; i++)
            if (ends_with_workbook(ky_zip_name(zip, i)))
                part = ky_zip_name(zip, i);

    if (!part) {
        ky_loc loc = {.file = ky_zip_path(zip)};
        status = ky_error_set(ky_zip_ctx(zip), KY_EPARSE, &loc,
                              KY_("no workbook part found (xl/workbook.xml); the file is "
                                  "a zip but not an xlsx workbook"));
        goto cleanup;
    }
    /* ky_zip_find() ignores case and '\', so keep the name as stored. */
    const char *stored = ky_zip_name(zip, (size_t)ky_zip_find(zip, part));
    book->workbook_part = ky_strdup(stored);
    if (!book->workbook_part)
        status = out_of_memory(zip);

cleanup:
    relationships_free(&root);
    return status;
}

/* Return true for an XML boolean that means true ("1" or "true"). */
static bool xml_true(const char *value)
{
    return strcmp(value, "1") == 0 || strcmp(value, "true") == 0;
}

/* Add the <sheet> element at hand (or a chartsheet's) to the book. */
static int add_sheet(ky_zip *zip, ky_xml *xml, const relationship_list *rels, xlsx_book *book)
{
    ky_buf name = {0}, state = {0}, id = {0};
    int status = 0;
    int found_id = 0;
    if (ky_xml_attr(xml, NULL, "name", &name) < 0 || ky_xml_attr(xml, NULL, "state", &state) < 0
        || (found_id = ky_xml_attr(xml, KY_NS_OFFICE_REL, "id", &id)) < 0
        || (!found_id && (found_id = ky_xml_attr(xml, KY_NS_OFFICE_REL_STRICT, "id", &id)) < 0)) {
        status = out_of_memory(zip);
        goto cleanup;
    }

    if (book->sheet_count == book->sheet_cap) {
        size_t cap = book->sheet_cap ? book->sheet_cap * 2 : 8;
        xlsx_sheet_ref *sheets = realloc(book->sheets, cap * sizeof *sheets);
        if (!sheets) {
            status = out_of_memory(zip);
            goto cleanup;
        }
        book->sheets = sheets;
        book->sheet_cap = cap;
    }
    xlsx_sheet_ref *sheet = &book->sheets[book->sheet_count++];
    memset(sheet, 0, sizeof *sheet);
    sheet->name = ky_strdup(name.data ? name.data : "");
    if (!sheet->name) {
        status = out_of_memory(zip);
        goto cleanup;
    }
    if (state.data && strcmp(state.data, "hidden") == 0)
        sheet->visibility = KY_SHEET_HIDDEN;
    else if (state.data && strcmp(state.data, "veryHidden") == 0)
        sheet->visibility = KY_SHEET_VERY_HIDDEN;

    const relationship *rel = found_id ? find_by_id(rels, id.data) : NULL;
    if (rel && rel->target) {
        sheet->part = ky_strdup(rel->target);
        if (!sheet->part) {
            status = out_of_memory(zip);
            goto cleanup;
        }
        sheet->has_cells = strcmp(rel->type, "worksheet") == 0;
    }

cleanup:
    ky_buf_free(&name);
    ky_buf_free(&state);
    ky_buf_free(&id);
    return status;
}

int ky_xlsx__book_load(ky_zip *zip, xlsx_book *book)
{
    memset(book, 0, sizeof *book);
    relationship_list rels = {0};
    ky_xml *xml = NULL;
    ky_buf value = {0};

    int status = find_workbook_part(zip, book);
    if (status != 0)
        goto cleanup;
    if ((status = load_relationships(zip, book->workbook_part, &rels)) != 0)
        goto cleanup;

    /* Sheets in workbook order, and the date system. */
    if ((status = ky_xml_open(zip, book->workbook_part, &xml)) != 0)
        goto cleanup;
    int rc;
    while ((rc = ky_xml_read(xml)) > 0) {
        if (ky_xml_node(xml) != KY_XML_START)
            continue;
        if (ky_xlsx__is(xml, "sheet")) {
            if ((status = add_sheet(zip, xml, &rels, book)) != 0)
                goto cleanup;
        } else if (ky_xlsx__is(xml, "workbookPr")) {
            int found = ky_xml_attr(xml, NULL, "date1904", &value);
            if (found < 0) {
                status = out_of_memory(zip);
                goto cleanup;
            }
            book->date1904 = found && xml_true(value.data);
        }
    }
    if (rc < 0) {
        status = rc;
        goto cleanup;
    }
    if (book->sheet_count == 0) {
        ky_loc loc = {.file = ky_zip_path(zip)};
        status = ky_error_set(ky_zip_ctx(zip), KY_EPARSE, &loc,
                              KY_("the workbook part %s lists no sheets (is it a "
                                  "SpreadsheetML workbook?)"),
                              book->workbook_part);
        goto cleanup;
    }

    /* Shared strings and styles: by relationship, else by their usual names. */
    const relationship *strings = find_by_type(&rels, "sharedStrings");
    const char *strings_part = strings ? strings->target : "xl/sharedStrings.xml";
    if (ky_zip_find(zip, strings_part) >= 0 && !(book->shared_strings_part = ky_strdup(strings_part))) {
        status = out_of_memory(zip);
        goto cleanup;
    }
    const relationship *styles = find_by_type(&rels, "styles");
    const char *styles_part = styles ? styles->target : "xl/styles.xml";
    if (ky_zip_find(zip, styles_part) >= 0 && !(book->styles_part = ky_strdup(styles_part)))
        status = out_of_memory(zip);

cleanup:
    ky_xml_close(xml);
    relationships_free(&rels);
    ky_buf_free(&value);
    return status;
}

void ky_xlsx__book_free(xlsx_book *book)
{
    for (size_t i = 0; i < book->sheet_count; i++) {
        free(book->sheets[i].name);
        free(book->sheets[i].part);
    }
    free(book->sheets);
    free(book->workbook_part);
    free(book->shared_strings_part);
    free(book->styles_part);
    memset(book, 0, sizeof *book);
}
