/* SPDX-License-Identifier: MIT */
/*
 * The plugin contract: everything a plugin author needs. A plugin is a
 * loadable module that exports one function, ky_plugin_entry(), returning a
 * constant descriptor. Input plugins probe and stream files into a ky_sink;
 * output plugins write a ky_book to a path the core gives them.
 */
#ifndef KYOKUN_PLUGIN_H
#define KYOKUN_PLUGIN_H

#include <stdbool.h>

#include "kyokun/book.h"
#include "kyokun/common.h"
#include "kyokun/diag.h"
#include "kyokun/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * ABI version of this header. Raise it whenever ky_plugin, ky_sink,
 * ky_probe_info, ky_source, ky_read_options, ky_write_options or the model
 * structs in book.h change layout. The loader rejects any other value.
 */
#define KY_PLUGIN_ABI_VERSION 5

/** Name of the symbol every plugin module exports. */
#define KY_PLUGIN_ENTRY_SYMBOL "ky_plugin_entry"

/** Plugin kinds. */
typedef enum ky_plugin_kind {
    KY_PLUGIN_INPUT = 1,
    KY_PLUGIN_OUTPUT = 2
} ky_plugin_kind;

/** Maximum number of bytes of a file's start given to probes. */
#define KY_PROBE_HEAD_MAX 65536

/**
 * The part of a file that a probe receives, filled once by the core so that probes never
 * open files themselves. For a zip file, `zip_names` lists its entry names
 * (at most the first 256); it is NULL otherwise.
 */
typedef struct ky_probe_info {
    const char *path;
    const char *extension;            /**< Lower-case, without the dot; "" when none. */
    const unsigned char *head;        /**< The first `head_len` bytes. */
    size_t head_len;
    uint64_t file_size;
    const char *const *zip_names;
    size_t zip_count;
} ky_probe_info;

/**
 * An input: a path, optionally with the file's bytes already in memory
 * (tests and fuzz targets pass `data`; the CLI passes only `path`). When
 * `data` is non-NULL the reader must use it and not open `path`, which then
 * only names the input in messages.
 */
typedef struct ky_source {
    const char *path;
    const unsigned char *data;
    size_t size;
} ky_source;

/** Options for input plugins. */
typedef struct ky_read_options {
    int version;               /**< KY_READ_OPTIONS_VERSION. */
    const char *encoding;      /**< CSV: forced encoding ("utf-8", "cp932", "utf-16"), NULL = detect. */
    const char *sheet;         /**< When non-NULL, readers may skip other sheets (an optimisation;
                                    the sink still decides through KY_SINK_SKIP_SHEET). */
    uint64_t max_entry_size;   /**< Zip: maximum inflated bytes of one entry. */
    uint64_t max_total_size;   /**< Zip: maximum inflated bytes in all. */
} ky_read_options;

#define KY_READ_OPTIONS_VERSION 1

/** Document label language of outputs. */
typedef enum ky_lang {
    KY_LANG_JA = 0,
    KY_LANG_EN = 1
} ky_lang;

/** Options for output plugins. */
typedef struct ky_write_options {
    int version;            /**< KY_WRITE_OPTIONS_VERSION. */
    ky_lang lang;           /**< Labels in outputs. */
    int64_t timestamp;      /**< Creation time in Unix seconds (SOURCE_DATE_EPOCH when set). */
    const char *target;     /**< Final path the output is renamed to (for messages only). */
    /* Fields below were added in version 2. */
    const char *output_encoding; /**< CSV outputs: "utf-8", "utf-8-bom" or "cp932"; NULL = utf-8. */
    int excel_safe;         /**< CSV outputs: 1 = prefix formula-like text with "'", 0 = write it
                                 as it is, -1 = the plugin's default for the encoding. */
    /* Fields below were added in version 3. */
    const char *organization;  /**< Report outputs: organisation named on the title page; NULL = none. */
    const char *reference_odt; /**< Report outputs: path of an ODF text document whose styles.xml
                                    replaces the built-in styles; NULL = the built-in styles. */
    double abc_a;           /**< Statistics: cut-off of class A in percent; 0 = 80. */
    double abc_b;           /**< Statistics: cut-off of class B in percent; 0 = 95. */
} ky_write_options;

#define KY_WRITE_OPTIONS_VERSION 3

/**
 * A plugin descriptor. Plugins return a pointer to a static constant one;
 * the core never frees or changes it.
 */
typedef struct ky_plugin {
    int abi_version;                 /**< KY_PLUGIN_ABI_VERSION of the build. */
    ky_plugin_kind kind;
    const char *name;                /**< Short unique name: "csv", "xlsx", "risk-register". */
    const char *description;         /**< One line in English; the CLI translates it. */
    const char *const *extensions;   /**< NULL-terminated, lower-case, without dots. */

    /**
     * Input: score how likely the file is in this plugin's format, 0 (not at
     * all) to 100 (magic number and structure match). Content decides; the
     * extension may only break ties. Must not fail or print.
     */
    int (*probe)(const ky_probe_info *info);

    /**
     * Input: stream the file's sheets into `sink`. Return 0, or a negative
     * ky_status after ky_error_set() with the file, sheet, row and column.
     * Recoverable problems (one bad cell) are ky_diag_emit() warnings and
     * the read goes on.
     */
    int (*read)(ky_ctx *ctx, const ky_source *source, const ky_read_options *options,
                const ky_sink *sink, void *payload);

    /**
     * Output: write `book` to `path`, a temporary file beside the target that
     * the core created; the core renames it into place on success and removes
     * it on failure. The plugin may replace the file at `path` but must not
     * write anywhere else.
     */
    int (*write)(ky_ctx *ctx, const ky_book *book, const ky_write_options *options,
                 const char *path);
} ky_plugin;

/** Type of the entry function. */
typedef const ky_plugin *(*ky_plugin_entry_fn)(void);

/* The entry point each plugin module defines. */
#if defined(__GNUC__)
#define KY_PLUGIN_DEFINE(descriptor)                                              \
    __attribute__((visibility("default"))) const ky_plugin *ky_plugin_entry(void); \
    const ky_plugin *ky_plugin_entry(void) { return &(descriptor); }
#else
#define KY_PLUGIN_DEFINE(descriptor) \
    const ky_plugin *ky_plugin_entry(void) { return &(descriptor); }
#endif

#ifdef __cplusplus
}
#endif

#endif
