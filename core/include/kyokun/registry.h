/* SPDX-License-Identifier: MIT */
/*
 * Plugin registry: loading modules in the documented search order, choosing
 * an input plugin by probing content, and running output plugins so that the
 * target is replaced atomically.
 */
#ifndef KYOKUN_REGISTRY_H
#define KYOKUN_REGISTRY_H

#include "kyokun/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A set of plugins. Not thread-safe: load plugins at start-up, then only read. */
typedef struct ky_registry ky_registry;

/** @brief Create an empty registry; free it with ky_registry_free(). NULL when out of memory. */
KY_EXPORT ky_registry *ky_registry_new(void);

/** @brief Free a registry and unload its modules. NULL is allowed. */
KY_EXPORT void ky_registry_free(ky_registry *reg);

/**
 * @brief Add a descriptor directly (built-in or test plugins).
 * @param reg Registry.
 * @param plugin Descriptor; must outlive the registry.
 * @param from Where it came from, shown by `kyokun plugins` (copied).
 * @return 0, KY_EABI for a wrong ABI version, KY_EEXISTS when the name is taken,
 *         KY_EINVAL for an incomplete descriptor. Rejections are also recorded
 *         (see ky_registry_rejected()).
 */
KY_EXPORT int ky_registry_add(ky_registry *reg, const ky_plugin *plugin, const char *from);

/**
 * @brief Load one module file.
 * @return 0 or a negative status; a rejected module is recorded with its reason.
 */
KY_EXPORT int ky_registry_load_file(ky_registry *reg, const char *path);

/**
 * @brief Load every "*.so" module in a folder, in name order.
 * @return The number of plugins added, or a negative status when the folder cannot be read.
 */
KY_EXPORT int ky_registry_load_dir(ky_registry *reg, const char *dir);

/**
 * @brief Load plugins in the search order: `plugin_dir` (when non-NULL), each
 *        folder of $KYOKUN_PLUGIN_PATH (colon-separated), the folder
 *        lib/kyokun/plugins beside the running binary's parent folder (build
 *        tree and relocated installs), and the installed plugin folder. The
 *        first plugin of a name wins; later ones are recorded as rejected.
 * @return The number of plugins loaded.
 */
KY_EXPORT int ky_registry_load_default(ky_registry *reg, const char *plugin_dir);

/** @brief Number of plugins in the registry. */
KY_EXPORT size_t ky_registry_count(const ky_registry *reg);

/**
 * @brief Return plugin `index` (registration order) and where it came from.
 * @param from Receives the module path or "built-in" (borrowed); may be NULL.
 */
KY_EXPORT const ky_plugin *ky_registry_get(const ky_registry *reg, size_t index,
                                           const char **from);

/** @brief Number of rejected candidates. */
KY_EXPORT size_t ky_registry_rejected_count(const ky_registry *reg);

/**
 * @brief Return rejected candidate `index`: its path and the reason (both borrowed,
 *        the reason translated through gettext).
 */
KY_EXPORT void ky_registry_rejected(const ky_registry *reg, size_t index, const char **path,
                                    const char **reason);

/** @brief Find a plugin by kind and name; NULL when absent. */
KY_EXPORT const ky_plugin *ky_registry_find(const ky_registry *reg, ky_plugin_kind kind,
                                            const char *name);

/**
 * @brief Find the output plugin whose extension list contains the extension of `path`.
 * @return The first match in registration order, or NULL.
 */
KY_EXPORT const ky_plugin *ky_registry_find_output_for(const ky_registry *reg, const char *path);

/**
 * @brief Choose the input plugin for a file by probing its content.
 * @param out Receives the plugin with the highest score above 0.
 * @param score Receives its score; may be NULL.
 * @return 0, KY_EIO when the file cannot be read (error set on ctx), or
 *         KY_ENOTFOUND when no plugin claims it (error set on ctx).
 */
KY_EXPORT int ky_registry_probe(const ky_registry *reg, ky_ctx *ctx, const ky_source *source,
                                const ky_plugin **out, int *score);

/**
 * @brief Read a file into a sink with the plugin named `format`, or the one
 *        that probing picks when `format` is NULL.
 */
KY_EXPORT int ky_registry_read(const ky_registry *reg, ky_ctx *ctx, const ky_source *source,
                               const char *format, const ky_read_options *options,
                               const ky_sink *sink, void *payload);

/**
 * @brief Run an output plugin atomically: create a temporary file beside
 *        `target`, call the plugin's write, then fsync and rename it over
 *        `target`; on any failure the temporary file is removed and `target`
 *        is left as it was.
 */
KY_EXPORT int ky_registry_write(ky_ctx *ctx, const ky_plugin *plugin, const ky_book *book,
                                const ky_write_options *options, const char *target);

/** @brief Initialise read options with defaults (zip limits included). */
KY_EXPORT void ky_read_options_init(ky_read_options *options);

/** @brief Initialise write options with defaults (Japanese labels, SOURCE_DATE_EPOCH or now,
 *         UTF-8, excel_safe -1 so that each plugin applies its default). */
KY_EXPORT void ky_write_options_init(ky_write_options *options);

/**
 * @brief Read the SOURCE_DATE_EPOCH environment variable.
 * @param timestamp Receives its value in Unix seconds when it is valid.
 * @return 1 when it is a non-negative decimal integer that fits int64_t;
 *         0 when it is unset or empty; -1 when it is set to anything else,
 *         which ky_write_options_init() ignores in favour of the current time.
 */
KY_EXPORT int ky_source_date_epoch(int64_t *timestamp);

#ifdef __cplusplus
}
#endif

#endif
