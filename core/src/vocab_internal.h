/* SPDX-License-Identifier: MIT */
/* The loaded dictionary, shared by the loader (vocab.c) and the lookup (vocab_lookup.c). */
#ifndef KYOKUN_VOCAB_INTERNAL_H
#define KYOKUN_VOCAB_INTERNAL_H

#include "kyokun/vocab.h"

/** Maximum number of values that ky_dict_closest() returns. */
#define KY_DICT_CLOSEST_MAX 8

/** One vocabulary: its values and, per value, the lookup keys of its code, labels and aliases. */
typedef struct ky_vocab {
    ky_term *terms;
    ky_strlist *keys;   /**< Filled once every file is loaded; same length as `terms`. */
    size_t count;
} ky_vocab;

struct ky_dict {
    ky_vocab vocabs[KY_VOCAB_COUNT];
    ky_rule *rules;
    size_t rule_count;
    ky_strlist paths;   /**< Paths of the files read; ky_term.file and ky_rule.file point here. */
};

/** @brief Return the value one of whose keys is `key` exactly, or NULL. */
const ky_term *ky_dict__find_key(const ky_dict *dict, ky_vocab_id vocab, const char *key);

#endif
