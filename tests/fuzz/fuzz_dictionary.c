/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the dictionary loader, ky_dict_load(). The built-in
 * folder is the source tree's core/dict, and a user's folder contains one
 * file whose content is the input after its first byte.
 *
 * The first byte picks that file's name, so that every vocabulary's loader,
 * rules.csv and the extra files are reached. Modulo 21, byte 2*i names the
 * i-th base name (the vocabularies in ky_vocab_id order, then rules) with
 * ".csv", and byte 2*i+1 the same base name with ".extra.csv". Byte 20
 * names purposes.csv, which no vocabulary reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_file.h"
#include "kyokun/vocab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Base names of the dictionary files: the vocabularies, then the rules. */
#define BASE_NAME_COUNT (KY_VOCAB_COUNT + 1)

/* Number of file names the first byte chooses from: NAME.csv and NAME.extra.csv
 * of every base name, then one name with a typo. */
#define FILE_NAME_COUNT (2 * BASE_NAME_COUNT + 1)

/* Write the file name that `selector` picks into `name`. */
static void pick_file_name(uint8_t selector, char *name, size_t size)
{
    unsigned choice = selector % FILE_NAME_COUNT;
    if (choice == 2 * BASE_NAME_COUNT) {
        snprintf(name, size, "purposes.csv");
        return;
    }
    unsigned base = choice / 2;
    const char *base_name = base < KY_VOCAB_COUNT ? ky_vocab_file((ky_vocab_id)base) : "rules";
    snprintf(name, size, "%s%s", base_name, choice % 2 ? ".extra.csv" : ".csv");
}

#define LETTERS_AND_DIGITS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* Abort unless the dictionary returns every listed value by its code. */
static void check_dict(const ky_dict *dict)
{
    for (int v = 0; v < KY_VOCAB_COUNT; v++) {
        size_t count = ky_dict_term_count(dict, (ky_vocab_id)v);
        for (size_t i = 0; i < count; i++) {
            const ky_term *term = ky_dict_term(dict, (ky_vocab_id)v, i);
            if (!term || !term->code || !term->ja || !term->en)
                abort();
            if (ky_dict_code(dict, (ky_vocab_id)v, term->code) == NULL)
                abort();
            /* The lookup ignores separators, so a code such as "-" names nothing. */
            const ky_term *found = ky_dict_find(dict, (ky_vocab_id)v, term->code);
            if (!found && strpbrk(term->code, LETTERS_AND_DIGITS))
                abort();
        }
        if (ky_dict_term(dict, (ky_vocab_id)v, count) != NULL)
            abort();
    }
    size_t rules = ky_dict_rule_count(dict);
    for (size_t i = 0; i < rules; i++) {
        const ky_rule *rule = ky_dict_rule(dict, i);
        if (!rule || !rule->code)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char previous[64];
    char name[64];
    pick_file_name(size > 0 ? data[0] : 0, name, sizeof name);
    if (size > 0) {
        data++;
        size--;
    }

    /* The folder keeps one file, so the file of the last input goes when its name differs. */
    if (previous[0] && strcmp(previous, name) != 0)
        fuzz_file_remove(previous);
    fuzz_file_write(name, data, size);
    memcpy(previous, name, sizeof previous);

    ky_ctx *ctx = ky_ctx_new();
    if (!ctx)
        return 0;
    ky_dict *dict = NULL;
    int status = ky_dict_load(ctx, KY_FUZZ_DICT_DIR, fuzz_folder(), &dict);
    if (status == 0 && !dict)
        abort();
    if (status < 0 && (dict || !ky_error_last(ctx)))
        abort();
    if (dict)
        check_dict(dict);
    ky_dict_free(dict);
    ky_ctx_free(ctx);
    return 0;
}
