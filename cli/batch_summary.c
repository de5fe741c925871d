/* SPDX-License-Identifier: MIT */
/*
 * The summary of a batch conversion: the totals printed at the end and the
 * per-input table written as CSV beside the outputs.
 */
#include <errno.h>
#include <fcntl.h>
#include <libintl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/batch.h"
#include "formats/ky_csv.h"
#include "formats/ky_file.h"
#include "kyokun/i18n.h"

void cli_batch_print_totals(FILE *out, const cli_batch_result *results, size_t count)
{
    size_t converted = 0, failed = 0;
    cli_batch_counts total = {0};
    for (size_t i = 0; i < count; i++) {
        const cli_batch_counts *c = &results[i].counts;
        if (results[i].converted)
            converted++;
        else
            failed++;
        total.rows += c->rows;
        total.mapped += c->mapped;
        total.skipped += c->skipped;
        total.lessons += c->lessons;
        total.risks += c->risks;
        total.errors += c->errors;
    }
    /* Each count is formatted with its own plural form before the line is put together. */
    char files_text[64], converted_text[64], failed_text[64], rows_text[64], mapped_text[64];
    char skipped_text[64], lessons_text[64], risks_text[64], errors_text[64];
    snprintf(files_text, sizeof files_text,
             dngettext(KY_TEXT_DOMAIN, "%zu file", "%zu files", (unsigned long)count), count);
    snprintf(converted_text, sizeof converted_text, KY_("%zu converted"), converted);
    snprintf(failed_text, sizeof failed_text, KY_("%zu failed"), failed);
    snprintf(rows_text, sizeof rows_text,
             dngettext(KY_TEXT_DOMAIN, "%zu row", "%zu rows", (unsigned long)total.rows),
             total.rows);
    snprintf(mapped_text, sizeof mapped_text, KY_("%zu mapped"), total.mapped);
    snprintf(skipped_text, sizeof skipped_text, KY_("%zu skipped"), total.skipped);
    snprintf(lessons_text, sizeof lessons_text,
             dngettext(KY_TEXT_DOMAIN, "%zu lesson", "%zu lessons", (unsigned long)total.lessons),
             total.lessons);
    snprintf(risks_text, sizeof risks_text,
             dngettext(KY_TEXT_DOMAIN, "%zu risk", "%zu risks", (unsigned long)total.risks),
             total.risks);
    snprintf(errors_text, sizeof errors_text,
             dngettext(KY_TEXT_DOMAIN, "%zu error", "%zu errors", (unsigned long)total.errors),
             total.errors);

    /* TRANSLATORS: the totals of a batch conversion. The arguments are, in
       order, the files, converted, failed, rows, mapped, skipped, lessons,
       risks and errors, each already formatted with its number. */
    fprintf(out, KY_("kyokun: %s: %s, %s; %s: %s, %s; %s, %s; %s"), files_text, converted_text,
            failed_text, rows_text, mapped_text, skipped_text, lessons_text, risks_text,
            errors_text);
    fputc('\n', out);
}

/* Return the error line `message` without the "PATH: " that names the input,
 * which the file column already shows. */
static const char *message_text(const char *message, const char *path)
{
    size_t len = strlen(path);
    if (strncmp(message, path, len) == 0 && strncmp(message + len, ": ", 2) == 0)
        return message + len + 2;
    return message;
}

/* Append the header and one record per input to `csv`. Returns 0 or KY_ENOMEM. */
static int format_summary(ky_buf *csv, const cli_batch_list *inputs,
                          const cli_batch_result *results)
{
    /* The byte order mark makes Excel read the file as UTF-8 instead of the ANSI code page. */
    int status = ky_buf_puts(csv, "\xEF\xBB\xBF"
                                  "file,status,sheets,rows,mapped,skipped,lessons,risks,"
                                  "need_response,incidents,warnings,errors,message");
    if (status == 0)
        status = ky_csv_end_record(csv, KY_CSV_CRLF);
    for (size_t i = 0; status == 0 && i < inputs->count; i++) {
        const cli_batch_result *result = &results[i];
        const cli_batch_counts *c = &result->counts;
        const char *path = inputs->items[i].path;
        const char *state = result->converted ? "converted"
                          : result->started   ? "failed"
                                              : "not started";
        status = ky_csv_append_text_field(csv, path, strlen(path), ',');
        if (status == 0)
            status = ky_buf_printf(csv, ",%s,%zu,%zu,%zu,%zu,%zu,%zu,%zu,%zu,%zu,%zu", state,
                                   c->sheets, c->rows, c->mapped, c->skipped, c->lessons,
                                   c->risks, c->need_response, c->incidents, c->warnings,
                                   c->errors);
        const char *message = message_text(result->message, path);
        if (status == 0)
            status = ky_buf_putc(csv, ',');
        if (status == 0)
            status = ky_csv_append_text_field(csv, message, strlen(message), ',');
        if (status == 0)
            status = ky_csv_end_record(csv, KY_CSV_CRLF);
    }
    return status;
}

int cli_batch_write_summary(const char *path, const cli_batch_list *inputs,
                            const cli_batch_result *results)
{
    ky_buf csv = {0};
    if (format_summary(&csv, inputs, results) != 0) {
        ky_buf_free(&csv);
        errno = ENOMEM;
        return -1;
    }
    int status = ky_file_write_atomic(path, csv.data, csv.len, false);
    ky_buf_free(&csv);
    return status;
}
