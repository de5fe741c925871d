/* SPDX-License-Identifier: MIT */
/*
 * The plugin registry: loading modules in the search order, probing inputs by
 * content, dispatching reads, and running output plugins atomically.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "formats/ky_file.h"
#include "formats/ky_text.h"
#include "kyokun/i18n.h"
#include "kyokun/registry.h"

#ifndef KY_INSTALL_PLUGIN_DIR
#define KY_INSTALL_PLUGIN_DIR "/usr/local/lib/kyokun/plugins"
#endif

/* Zip entry names handed to probes, at most. */
#define PROBE_ZIP_NAMES_MAX 256

typedef struct plugin_entry {
    const ky_plugin *plugin;
    char *from;
    void *handle; /* dlopen handle, NULL for descriptors added directly */
} plugin_entry;

typedef struct rejected_entry {
    char *path;
    char *reason;
} rejected_entry;

struct ky_registry {
    plugin_entry *plugins;
    size_t count;
    size_t cap;
    rejected_entry *rejected;
    size_t rejected_count;
    size_t rejected_cap;
    char **searched; /* real paths of folders already scanned */
    size_t searched_count;
};

/* ------------------------------------------------------------------------ */
/* Registration                                                              */
/* ------------------------------------------------------------------------ */

ky_registry *ky_registry_new(void)
{
    return calloc(1, sizeof(ky_registry));
}

void ky_registry_free(ky_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->count; i++) {
        free(reg->plugins[i].from);
        if (reg->plugins[i].handle)
            dlclose(reg->plugins[i].handle);
    }
    for (size_t i = 0; i < reg->rejected_count; i++) {
        free(reg->rejected[i].path);
        free(reg->rejected[i].reason);
    }
    for (size_t i = 0; i < reg->searched_count; i++)
        free(reg->searched[i]);
    free(reg->plugins);
    free(reg->rejected);
    free(reg->searched);
    free(reg);
}

/* Record a rejected candidate with a printf-formatted reason. */
KY_PRINTF(3, 4)
static void reject(ky_registry *reg, const char *path, const char *fmt, ...)
{
    if (reg->rejected_count == reg->rejected_cap) {
        size_t cap = reg->rejected_cap ? reg->rejected_cap * 2 : 4;
        rejected_entry *grown = realloc(reg->rejected, cap * sizeof *grown);
        if (!grown)
            return;
        reg->rejected = grown;
        reg->rejected_cap = cap;
    }
    ky_buf reason = {0};
    va_list args;
    va_start(args, fmt);
    char text[512];
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    ky_buf_puts(&reason, text);
    rejected_entry *entry = &reg->rejected[reg->rejected_count];
    entry->path = ky_strdup(path ? path : "");
    entry->reason = ky_buf_take(&reason);
    if (!entry->path || !entry->reason) {
        free(entry->path);
        free(entry->reason);
        return;
    }
    reg->rejected_count++;
}

/* Check a descriptor and append it; `handle` is owned by the entry on success. */
static int add_plugin(ky_registry *reg, const ky_plugin *plugin, const char *from, void *handle)
{
    if (!plugin)
        return KY_EINVAL;
    if (plugin->abi_version != KY_PLUGIN_ABI_VERSION) {
        reject(reg, from,
               KY_("built for plugin ABI version %d, but this kyokun uses version %d: "
                   "rebuild the plugin against this kyokun"),
               plugin->abi_version, KY_PLUGIN_ABI_VERSION);
        return KY_EABI;
    }
    bool input = plugin->kind == KY_PLUGIN_INPUT;
    bool output = plugin->kind == KY_PLUGIN_OUTPUT;
    if (!plugin->name || !plugin->name[0] || !(input || output)
        || (input && (!plugin->probe || !plugin->read)) || (output && !plugin->write)) {
        reject(reg, from,
               KY_("incomplete descriptor: a name, a kind and its functions are required"));
        return KY_EINVAL;
    }
    for (size_t i = 0; i < reg->count; i++) {
        const ky_plugin *known = reg->plugins[i].plugin;
        if (known->kind == plugin->kind && strcmp(known->name, plugin->name) == 0) {
            reject(reg, from, KY_("a plugin named \"%s\" was already loaded from %s"), plugin->name,
                   reg->plugins[i].from);
            return KY_EEXISTS;
        }
    }
    if (reg->count == reg->cap) {
        size_t cap = reg->cap ? reg->cap * 2 : 8;
        plugin_entry *grown = realloc(reg->plugins, cap * sizeof *grown);
        if (!grown)
            return KY_ENOMEM;
        reg->plugins = grown;
        reg->cap = cap;
    }
    char *from_copy = ky_strdup(from ? from : "built-in");
    if (!from_copy)
        return KY_ENOMEM;
    reg->plugins[reg->count].plugin = plugin;
    reg->plugins[reg->count].from = from_copy;
    reg->plugins[reg->count].handle = handle;
    reg->count++;
    return 0;
}

int ky_registry_add(ky_registry *reg, const ky_plugin *plugin, const char *from)
{
    return add_plugin(reg, plugin, from ? from : "built-in", NULL);
}

int ky_registry_load_file(ky_registry *reg, const char *path)
{
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        reject(reg, path, KY_("cannot be loaded: %s"), why ? why : KY_("unknown error"));
        return KY_EIO;
    }
    ky_plugin_entry_fn entry;
    void *symbol = dlsym(handle, KY_PLUGIN_ENTRY_SYMBOL);
    memcpy(&entry, &symbol, sizeof entry);
    if (!symbol) {
        reject(reg, path, KY_("has no %s function"), KY_PLUGIN_ENTRY_SYMBOL);
        dlclose(handle);
        return KY_EINVAL;
    }
    int status = add_plugin(reg, entry(), path, handle);
    if (status != 0)
        dlclose(handle);
    return status;
}

/* Return true when `name` ends in ".so". */
static bool is_module_name(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".so") == 0 && name[0] != '.';
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Remember a folder by its real path; return false when it was scanned before. */
static bool mark_searched(ky_registry *reg, const char *dir)
{
    char *real = realpath(dir, NULL);
    if (!real)
        return true;
    for (size_t i = 0; i < reg->searched_count; i++) {
        if (strcmp(reg->searched[i], real) == 0) {
            free(real);
            return false;
        }
    }
    char **grown = realloc(reg->searched, (reg->searched_count + 1) * sizeof *grown);
    if (!grown) {
        free(real);
        return true;
    }
    reg->searched = grown;
    reg->searched[reg->searched_count++] = real;
    return true;
}

int ky_registry_load_dir(ky_registry *reg, const char *dir)
{
    DIR *folder = opendir(dir);
    if (!folder)
        return KY_ENOTFOUND;

    char **names = NULL;
    size_t count = 0, cap = 0;
    int status = 0;
    struct dirent *item;
    while ((item = readdir(folder)) != NULL) {
        if (!is_module_name(item->d_name))
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(names, cap * sizeof *grown);
            if (!grown) {
                status = KY_ENOMEM;
                break;
            }
            names = grown;
        }
        if (!(names[count] = ky_strdup(item->d_name))) {
            status = KY_ENOMEM;
            break;
        }
        count++;
    }
    closedir(folder);

    int added = 0;
    if (status == 0 && count > 0) {
        qsort(names, count, sizeof *names, compare_names);
        ky_buf path = {0};
        for (size_t i = 0; i < count; i++) {
            ky_buf_clear(&path);
            if (ky_buf_printf(&path, "%s/%s", dir, names[i]) != 0) {
                status = KY_ENOMEM;
                break;
            }
            if (ky_registry_load_file(reg, path.data) == 0)
                added++;
        }
        ky_buf_free(&path);
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    return status != 0 ? status : added;
}

/* Scan one folder of the search order unless it was scanned already. */
static int load_search_dir(ky_registry *reg, const char *dir)
{
    if (!dir || !dir[0] || !mark_searched(reg, dir))
        return 0;
    int added = ky_registry_load_dir(reg, dir);
    return added > 0 ? added : 0;
}

int ky_registry_load_default(ky_registry *reg, const char *plugin_dir)
{
    int total = 0;

    /* 1. --plugin-dir */
    total += load_search_dir(reg, plugin_dir);

    /* 2. KYOKUN_PLUGIN_PATH, colon-separated */
    const char *env = getenv("KYOKUN_PLUGIN_PATH");
    if (env) {
        char *copy = ky_strdup(env);
        if (copy) {
            char *save = NULL;
            for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
                total += load_search_dir(reg, dir);
            free(copy);
        }
    }

    /* 3. lib/kyokun/plugins beside the running binary's folder */
    char beside[PATH_MAX];
    if (ky_file_exe_relative_dir("../lib/kyokun/plugins", beside, sizeof beside))
        total += load_search_dir(reg, beside);

    /* 4. the installed plugin folder */
    total += load_search_dir(reg, KY_INSTALL_PLUGIN_DIR);
    return total;
}

size_t ky_registry_count(const ky_registry *reg)
{
    return reg ? reg->count : 0;
}

const ky_plugin *ky_registry_get(const ky_registry *reg, size_t index, const char **from)
{
    if (!reg || index >= reg->count)
        return NULL;
    if (from)
        *from = reg->plugins[index].from;
    return reg->plugins[index].plugin;
}

size_t ky_registry_rejected_count(const ky_registry *reg)
{
    return reg ? reg->rejected_count : 0;
}

void ky_registry_rejected(const ky_registry *reg, size_t index, const char **path,
                          const char **reason)
{
    if (!reg || index >= reg->rejected_count) {
        if (path)
            *path = NULL;
        if (reason)
            *reason = NULL;
        return;
    }
    if (path)
        *path = reg->rejected[index].path;
    if (reason)
        *reason = reg->rejected[index].reason;
}

const ky_plugin *ky_registry_find(const ky_registry *reg, ky_plugin_kind kind, const char *name)
{
    for (size_t i = 0; reg && name && i < reg->count; i++) {
        const ky_plugin *plugin = reg->plugins[i].plugin;
        if (plugin->kind == kind && strcmp(plugin->name, name) == 0)
            return plugin;
    }
    return NULL;
}

/* Copy the lower-case extension of `path` (without the dot) into `out`. */
static void path_extension(const char *path, char *out, size_t size)
{
    out[0] = '\0';
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        return;
    size_t i = 0;
    for (const char *p = dot + 1; *p && i + 1 < size; p++)
        out[i++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    out[i] = '\0';
}

/* Return true when the plugin lists `ext` among its extensions. */
static bool has_extension(const ky_plugin *plugin, const char *ext)
{
    for (const char *const *e = plugin->extensions; e && *e; e++)
        if (strcmp(*e, ext) == 0)
            return true;
    return false;
}

const ky_plugin *ky_registry_find_output_for(const ky_registry *reg, const char *path)
{
    char ext[16];
    path_extension(path, ext, sizeof ext);
    if (!ext[0])
        return NULL;
    for (size_t i = 0; reg && i < reg->count; i++) {
        const ky_plugin *plugin = reg->plugins[i].plugin;
        if (plugin->kind == KY_PLUGIN_OUTPUT && has_extension(plugin, ext))
            return plugin;
    }
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Probing and reading                                                       */
/* ------------------------------------------------------------------------ */

/* What a probe is given, with the memory that backs it. */
typedef struct probe_data {
    ky_probe_info info;
    unsigned char *head_copy;
    char **names;
    size_t name_count;
    char extension[16];
} probe_data;

static void probe_data_free(probe_data *data)
{
    free(data->head_copy);
    for (size_t i = 0; i < data->name_count; i++)
        free(data->names[i]);
    free(data->names);
}

/* List up to PROBE_ZIP_NAMES_MAX entry names of a zip, when the input is one. */
static void list_zip_names(const ky_source *source, probe_data *data)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *zsource = source->data
        ? zip_source_buffer_create(source->data, source->size, 0, &error)
        : zip_source_file_create(source->path, 0, -1, &error);
    zip_error_fini(&error);
    if (!zsource)
        return;
    zip_error_init(&error);
    zip_t *archive = zip_open_from_source(zsource, ZIP_RDONLY, &error);
    zip_error_fini(&error);
    if (!archive) {
        zip_source_free(zsource);
        return;
    }
    zip_int64_t entries = zip_get_num_entries(archive, 0);
    size_t count = entries < 0 ? 0
                 : (size_t)(entries > PROBE_ZIP_NAMES_MAX ? PROBE_ZIP_NAMES_MAX : entries);
    data->names = calloc(count ? count : 1, sizeof *data->names);
    for (size_t i = 0; data->names && i < count; i++) {
        const char *name = zip_get_name(archive, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        if (name && (data->names[data->name_count] = ky_strdup(name)) != NULL)
            data->name_count++;
    }
    zip_close(archive);
    data->info.zip_names = (const char *const *)data->names;
    data->info.zip_count = data->name_count;
}

/* Fill the probe information for a source; on failure set the context error. */
static int probe_data_fill(ky_ctx *ctx, const ky_source *source, probe_data *data)
{
    memset(data, 0, sizeof *data);
    const char *path = source->path ? source->path : "";
    path_extension(path, data->extension, sizeof data->extension);
    data->info.path = path;
    data->info.extension = data->extension;
    ky_loc loc = {.file = path};

    if (source->data) {
        data->info.head = source->data;
        data->info.head_len = source->size < KY_PROBE_HEAD_MAX ? source->size : KY_PROBE_HEAD_MAX;
        data->info.file_size = source->size;
    } else {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return ky_error_set(ctx, errno == ENOENT ? KY_ENOTFOUND : KY_EIO, &loc,
                                KY_("cannot open the file: %s"), strerror(errno));
        struct stat st;
        if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
            close(fd);
            return ky_error_set(ctx, KY_EIO, &loc, KY_("not a regular file"));
        }
        data->info.file_size = (uint64_t)st.st_size;
        data->head_copy = malloc(KY_PROBE_HEAD_MAX);
        if (!data->head_copy) {
            close(fd);
            return ky_error_set(ctx, KY_ENOMEM, &loc, KY_("out of memory"));
        }
        size_t got = 0;
        while (got < KY_PROBE_HEAD_MAX) {
            ssize_t n = read(fd, data->head_copy + got, KY_PROBE_HEAD_MAX - got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        close(fd);
        data->info.head = data->head_copy;
        data->info.head_len = got;
    }

    if (data->info.head_len >= 4 && memcmp(data->info.head, "PK\x03\x04", 4) == 0)
        list_zip_names(source, data);
    return 0;
}

int ky_registry_probe(const ky_registry *reg, ky_ctx *ctx, const ky_source *source,
                      const ky_plugin **out, int *score)
{
    probe_data data;
    int status = probe_data_fill(ctx, source, &data);
    if (status != 0) {
        probe_data_free(&data);
        return status;
    }

    /* Highest score wins; ties go to the plugin whose extensions list the file's. */
    const ky_plugin *best = NULL;
    int best_score = 0;
    bool best_ext = false;
    for (size_t i = 0; reg && i < reg->count; i++) {
        const ky_plugin *plugin = reg->plugins[i].plugin;
        if (plugin->kind != KY_PLUGIN_INPUT)
            continue;
        int s = plugin->probe(&data.info);
        if (s < 0)
            s = 0;
        if (s > 100)
            s = 100;
        bool ext = has_extension(plugin, data.extension);
        if (s > best_score || (s > 0 && s == best_score && ext && !best_ext)) {
            best = plugin;
            best_score = s;
            best_ext = ext;
        }
    }
    probe_data_free(&data);

    if (!best) {
        ky_loc loc = {.file = source->path};
        return ky_error_set(ctx, KY_ENOTFOUND, &loc,
                            KY_("no input plugin recognises this file's content; "
                                "`kyokun plugins` lists the formats kyokun reads"));
    }
    *out = best;
    if (score)
        *score = best_score;
    return 0;
}

int ky_registry_read(const ky_registry *reg, ky_ctx *ctx, const ky_source *source,
                     const char *format, const ky_read_options *options, const ky_sink *sink,
                     void *payload)
{
    ky_loc loc = {.file = source->path};
    ky_read_options defaults;
    if (!options) {
        ky_read_options_init(&defaults);
        options = &defaults;
    }

    const ky_plugin *plugin = NULL;
    if (format) {
        plugin = ky_registry_find(reg, KY_PLUGIN_INPUT, format);
        if (!plugin)
            return ky_error_set(ctx, KY_ENOTFOUND, &loc,
                                KY_("unknown input format \"%s\" (see `kyokun plugins`)"), format);
    } else {
        int score = 0;
        int status = ky_registry_probe(reg, ctx, source, &plugin, &score);
        if (status != 0)
            return status;
        ky_diag_emit(ctx, KY_SEV_DEBUG, "registry.probe", &loc,
                     KY_("read with the %s plugin (probe score %d)"), plugin->name, score);
    }
    return plugin->read(ctx, source, options, sink, payload);
}

/* ------------------------------------------------------------------------ */
/* Atomic output                                                             */
/* ------------------------------------------------------------------------ */

/* fsync a file or folder by path; errors are returned, not reported. */
static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int status = fsync(fd);
    close(fd);
    return status;
}

int ky_registry_write(ky_ctx *ctx, const ky_plugin *plugin, const ky_book *book,
                      const ky_write_options *options, const char *target)
{
    ky_loc loc = {.file = target};
    if (!plugin || plugin->kind != KY_PLUGIN_OUTPUT)
        return ky_error_set(ctx, KY_EINVAL, &loc, KY_("not an output plugin"));

    ky_write_options defaults;
    if (!options) {
        ky_write_options_init(&defaults);
        options = &defaults;
    }
    ky_write_options local = *options;
    local.target = target;

    /* The temporary file sits in the target's folder so that rename is atomic. */
    const char *slash = strrchr(target, '/');
    ky_buf tmp = {0};
    int status;
    if (slash)
        status = ky_buf_printf(&tmp, "%.*s/.%s.XXXXXX", (int)(slash - target), target, slash + 1);
    else
        status = ky_buf_printf(&tmp, ".%s.XXXXXX", target);
    if (status != 0)
        return ky_error_set(ctx, KY_ENOMEM, &loc, KY_("out of memory"));

    int fd = mkstemp(tmp.data);
    if (fd < 0) {
        status = ky_error_set(ctx, KY_EIO, &loc, KY_("cannot create a file in the output folder: %s"),
                              strerror(errno));
        ky_buf_free(&tmp);
        return status;
    }
    close(fd);

    status = plugin->write(ctx, book, &local, tmp.data);
    if (status == 0) {
        /* mkstemp creates mode 0600; give the file the mode a new file would get. */
        mode_t mask = umask(0);
        umask(mask);
        chmod(tmp.data, 0666 & ~mask);
        if (sync_path(tmp.data, O_RDONLY) != 0 || rename(tmp.data, target) != 0) {
            status = ky_error_set(ctx, KY_EIO, &loc, KY_("cannot move the output into place: %s"),
                                  strerror(errno));
        } else {
            ky_buf dir = {0};
            if (ky_buf_printf(&dir, "%.*s", slash ? (int)(slash - target) : 1,
                              slash ? target : ".") == 0)
                sync_path(dir.data[0] ? dir.data : "/", O_RDONLY | O_DIRECTORY);
            ky_buf_free(&dir);
        }
    } else if (!ky_error_last(ctx)) {
        ky_error_set(ctx, status, &loc, KY_("the %s plugin failed: %s"), plugin->name,
                     ky_strerror(status));
    }
    if (status != 0)
        unlink(tmp.data);
    ky_buf_free(&tmp);
    return status;
}

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

void ky_read_options_init(ky_read_options *options)
{
    memset(options, 0, sizeof *options);
    options->version = KY_READ_OPTIONS_VERSION;
    /* The caps accept a sheet of several hundred MB of repeated rows, which real
     * exports produce, and stop a zip bomb once it inflates past them. */
    options->max_entry_size = (uint64_t)1 << 30;
    options->max_total_size = (uint64_t)4 << 30;
}

void ky_write_options_init(ky_write_options *options)
{
    memset(options, 0, sizeof *options);
    options->version = KY_WRITE_OPTIONS_VERSION;
    options->lang = KY_LANG_JA;
    options->excel_safe = -1;
    int64_t epoch = 0;
    options->timestamp = ky_source_date_epoch(&epoch) == 1 ? epoch : (int64_t)time(NULL);
}

int ky_source_date_epoch(int64_t *timestamp)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (!epoch || !*epoch)
        return 0;
    /* strtoll() would skip leading spaces and take a sign. */
    if (epoch[0] < '0' || epoch[0] > '9')
        return -1;
    char *end = NULL;
    errno = 0;
    long long value = strtoll(epoch, &end, 10);
    if (errno != 0 || !end || *end != '\0')
        return -1;
    *timestamp = (int64_t)value;
    return 1;
}
