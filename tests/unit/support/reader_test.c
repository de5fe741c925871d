/* SPDX-License-Identifier: MIT */
/* Helpers shared by the input plugin tests; see reader_test.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "reader_test.h"

static int record_sheet_begin(void *payload, const ky_sheet_info *sheet)
{
    recorder *rec = payload;
    assert_true(rec->sheet_count < RECORDER_MAX_SHEETS);
    rec->sheet_names[rec->sheet_count] = ky_strdup(sheet->name);
    rec->visibility[rec->sheet_count] = sheet->visibility;
    rec->sheet_index[rec->sheet_count] = sheet->index;
    rec->sheet_count++;
    rec->rows_in_sheet = 0;
    return (int)sheet->index == rec->skip_sheet ? KY_SINK_SKIP_SHEET : KY_SINK_OK;
}

static int record_row(void *payload, uint32_t row, const ky_cell *cells, size_t count)
{
    recorder *rec = payload;
    if (rec->rows_in_sheet > 0 && row <= rec->last_row)
        rec->row_order_ok = false;
    rec->last_row = row;
    if (rec->rows_seen < RECORDER_MAX_ROWS)
        rec->rows[rec->rows_seen] = row;
    rec->rows_seen++;
    rec->rows_in_sheet++;
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && cells[i].col <= cells[i - 1].col)
            rec->col_order_ok = false;
        if (cells[i].type == KY_CELL_EMPTY && !(cells[i].flags & KY_CELL_NO_CACHED))
            rec->empty_cell_seen = true;
        /* Large sheets (the size limit tests) only need counting past the first cells. */
        rec->cells_delivered++;
        if (rec->cell_count == RECORDER_MAX_CELLS)
            continue;
        recorded_cell *cell = &rec->cells[rec->cell_count++];
        cell->sheet = (uint32_t)rec->sheet_count - 1;
        cell->row = row;
        cell->col = cells[i].col;
        cell->type = cells[i].type;
        cell->date_kind = cells[i].date_kind;
        cell->flags = cells[i].flags;
        cell->number = cells[i].number;
        ky_buf text = {0};
        assert_int_equal(ky_cell_append_text(&cells[i], &text), 0);
        cell->text = ky_buf_take(&text);
    }
    if (rec->stop_after_rows && rec->rows_seen >= rec->stop_after_rows)
        return KY_SINK_STOP;
    return KY_SINK_OK;
}

static int record_merge(void *payload, const ky_range *range)
{
    recorder *rec = payload;
    assert_true(rec->merge_count < RECORDER_MAX_MERGES);
    rec->merges[rec->merge_count++] = *range;
    return KY_SINK_OK;
}

static int record_sheet_end(void *payload)
{
    recorder *rec = payload;
    rec->sheet_ends++;
    return KY_SINK_OK;
}

const ky_sink RECORDING_SINK = {
    .version = KY_SINK_VERSION,
    .sheet_begin = record_sheet_begin,
    .row = record_row,
    .merge = record_merge,
    .sheet_end = record_sheet_end,
};

void record_diag(const ky_diag *diag, void *payload)
{
    recorder *rec = payload;
    ky_buf_printf(&rec->diags, "%s %u %u %s\n", diag->code, diag->loc.row, diag->loc.col,
                  diag->message);
}

void recorder_init(recorder *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->row_order_ok = true;
    rec->col_order_ok = true;
    rec->skip_sheet = -1;
}

void recorder_free(recorder *rec)
{
    for (size_t i = 0; i < rec->cell_count; i++)
        free(rec->cells[i].text);
    for (size_t i = 0; i < rec->sheet_count; i++)
        free(rec->sheet_names[i]);
    ky_buf_free(&rec->diags);
}

const recorded_cell *find_cell(const recorder *rec, uint32_t sheet, const char *ref)
{
    uint32_t col = 0, row = 0;
    const char *p = ref;
    for (; *p >= 'A' && *p <= 'Z'; p++)
        col = col * 26 + (uint32_t)(*p - 'A' + 1);
    row = (uint32_t)strtoul(p, NULL, 10);
    for (size_t i = 0; i < rec->cell_count; i++)
        if (rec->cells[i].sheet == sheet && rec->cells[i].row == row - 1
            && rec->cells[i].col == col - 1)
            return &rec->cells[i];
    return NULL;
}

void check_cell(const recorder *rec, uint32_t sheet, const char *ref, ky_cell_type type,
                const char *text)
{
    const recorded_cell *cell = find_cell(rec, sheet, ref);
    if (!cell)
        fail_msg("cell %s of sheet %u was not delivered", ref, sheet);
    assert_int_equal(cell->type, type);
    assert_string_equal(cell->text, text);
}

void check_merge(const recorder *rec, uint32_t first_row, uint32_t first_col, uint32_t last_row,
                 uint32_t last_col)
{
    for (size_t i = 0; i < rec->merge_count; i++) {
        const ky_range *range = &rec->merges[i];
        if (range->first_row == first_row && range->first_col == first_col
            && range->last_row == last_row && range->last_col == last_col)
            return;
    }
    fail_msg("merged range (%u,%u)-(%u,%u) was not delivered", first_row, first_col, last_row,
             last_col);
}

package build_zip(const zip_part *parts, size_t count)
{
    char path[] = "/tmp/ky-test-zip-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);

    int error = 0;
    zip_t *archive = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &error);
    assert_non_null(archive);
    for (size_t i = 0; i < count; i++) {
        if (!parts[i].content)
            continue;
        zip_source_t *source = zip_source_buffer(archive, parts[i].content,
                                                 strlen(parts[i].content), 0);
        assert_non_null(source);
        zip_int64_t index = zip_file_add(archive, parts[i].name, source, ZIP_FL_ENC_UTF_8);
        assert_true(index >= 0);
        if (parts[i].stored)
            assert_int_equal(
                zip_set_file_compression(archive, (zip_uint64_t)index, ZIP_CM_STORE, 0), 0);
    }
    assert_int_equal(zip_close(archive), 0);

    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    package result = {.data = malloc((size_t)size + 1), .size = (size_t)size};
    assert_non_null(result.data);
    assert_int_equal(fread(result.data, 1, (size_t)size, file), (size_t)size);
    fclose(file);
    unlink(path);
    return result;
}

const ky_plugin *load_input_plugin(ky_registry **reg, const char *name)
{
    const char *dir = getenv("KYOKUN_PLUGIN_PATH");
    if (!dir) {
        fprintf(stderr, "KYOKUN_PLUGIN_PATH is not set (run the test through ctest)\n");
        return NULL;
    }
    *reg = ky_registry_new();
    if (!*reg || ky_registry_load_dir(*reg, dir) < 0) {
        fprintf(stderr, "cannot load the plugins in %s\n", dir);
        return NULL;
    }
    const ky_plugin *plugin = ky_registry_find(*reg, KY_PLUGIN_INPUT, name);
    if (!plugin)
        fprintf(stderr, "no %s plugin in %s\n", name, dir);
    return plugin;
}
