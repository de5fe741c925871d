/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for anonymisation. The input is loaded as a names list
 * (a CSV file, through a private temporary file) and then scanned as text
 * with detection on, as --anonymize auto does. So both the names list and
 * the hand-written detectors of e-mail addresses, phone numbers, IP
 * addresses and names before an honorific read it.
 */
#include <stdlib.h>

#include "fuzz_file.h"
#include "kyokun/anonymize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort unless the matches keep the contract of ky_anonymizer_scan(). */
static void check_matches(const ky_name_match *matches, size_t count, size_t len)
{
    if ((count == 0) != (matches == NULL))
        abort();
    size_t previous_end = 0;
    for (size_t i = 0; i < count; i++) {
        const ky_name_match *match = &matches[i];
        if (match->kind >= KY_NAME_KIND_COUNT)
            abort();
        if (match->start < previous_end || match->start >= match->end || match->end > len)
            abort();
        if (match->name_start < match->start || match->name_start >= match->name_end
            || match->name_end > match->end)
            abort();
        previous_end = match->end;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file_write("names.csv", data, size);
    ky_ctx *ctx = ky_ctx_new();
    if (!ctx)
        return 0;

    ky_anonymize_options options;
    ky_anonymize_options_init(&options);
    options.detect = true;
    ky_anonymizer *anonymizer = NULL;
    if (ky_anonymizer_new(ctx, &options, &anonymizer) != 0) {
        ky_ctx_free(ctx);
        return 0;
    }

    /* A failed load keeps the names of the rows before the bad one, and the scan uses them. */
    int status = ky_anonymizer_load_names(ctx, anonymizer, path);
    if (status > 0 || (status < 0 && !ky_error_last(ctx)))
        abort();

    ky_name_match *matches = NULL;
    size_t count = 0;
    if (ky_anonymizer_scan(anonymizer, (const char *)data, size, &matches, &count) == 0)
        check_matches(matches, count, size);
    free(matches);
    ky_anonymizer_free(anonymizer);
    ky_ctx_free(ctx);
    return 0;
}
