/* SPDX-License-Identifier: MIT */
/*
 * Expanding the operands of `kyokun convert` into input files: folders are
 * walked recursively in a fixed order, so that every run of the same tree
 * converts and reports the same files in the same order.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli/batch.h"
#include "kyokun/i18n.h"

/* What the walk of one folder operand needs. */
typedef struct walk_state {
    const cli_session *session;
    const ky_plugin *from;     /* the -f plugin, or NULL for every input plugin */
    struct stat output_folder; /* st_ino 0 when there is none */
    cli_batch_list *list;
    size_t found;              /* inputs found under the operand */
    bool unreadable;           /* a folder could not be read */
} walk_state;

static bool add_input(cli_batch_list *list, const char *path, const char *subfolder)
{
    cli_batch_input *grown = realloc(list->items, (list->count + 1) * sizeof *grown);
    if (!grown)
        return false;
    list->items = grown;
    cli_batch_input item = {ky_strdup(path), ky_strdup(subfolder)};
    if (!item.path || !item.subfolder) {
        free(item.path);
        free(item.subfolder);
        return false;
    }
    list->items[list->count++] = item;
    return true;
}

static bool lists_extension(const ky_plugin *plugin, const char *extension)
{
    for (const char *const *e = plugin->extensions; e && *e; e++)
        if (strcasecmp(*e, extension) == 0)
            return true;
    return false;
}

/* Return true when an input plugin (the -f one when given) lists the file's extension. */
static bool readable_name(const walk_state *state, const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name)
        return false;
    if (state->from)
        return lists_extension(state->from, dot + 1);
    const ky_registry *reg = state->session->reg;
    for (size_t i = 0; i < ky_registry_count(reg); i++) {
        const ky_plugin *plugin = ky_registry_get(reg, i, NULL);
        if (plugin->kind == KY_PLUGIN_INPUT && lists_extension(plugin, dot + 1))
            return true;
    }
    return false;
}

/* Return true for the names kyokun gives its outputs: BASE.PLUGIN.EXT and the summary. */
static bool output_name(const walk_state *state, const char *name)
{
    if (strcmp(name, CLI_BATCH_SUMMARY_NAME) == 0)
        return true;
    const ky_registry *reg = state->session->reg;
    size_t name_len = strlen(name);
    for (size_t i = 0; i < ky_registry_count(reg); i++) {
        const ky_plugin *plugin = ky_registry_get(reg, i, NULL);
        if (plugin->kind != KY_PLUGIN_OUTPUT)
            continue;
        for (const char *const *e = plugin->extensions; e && *e; e++) {
            char suffix[256];
            int len = snprintf(suffix, sizeof suffix, ".%s.%s", plugin->name, *e);
            if (len > 0 && (size_t)len < sizeof suffix && (size_t)len < name_len
                && strcasecmp(name + name_len - (size_t)len, suffix) == 0)
                return true;
        }
    }
    return false;
}

/* Order entries by the bytes of their names, not by the locale's collation. */
static int compare_names(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_hidden(const struct dirent *entry)
{
    return entry->d_name[0] != '.';
}

static void report_skip(const walk_state *state, const char *path, const char *reason)
{
    ky_loc loc = {.file = path};
    cli_report_message(&state->session->report, KY_SEV_INFO, &loc, "%s", reason);
}

static bool walk_folder(walk_state *state, const char *folder, const char *subfolder);

/* Add one entry of a folder, or walk it when it is a folder. Returns false when out of memory. */
static bool walk_entry(walk_state *state, const char *path, const char *subfolder, const char *name)
{
    struct stat link_st, st;
    if (lstat(path, &link_st) != 0 || stat(path, &st) != 0) {
        report_skip(state, path, KY_("skipped: the file cannot be read"));
        return true;
    }
    if (S_ISDIR(st.st_mode)) {
        if (S_ISLNK(link_st.st_mode)) {
            report_skip(state, path, KY_("skipped: a symbolic link to a folder"));
            return true;
        }
        if (st.st_ino == state->output_folder.st_ino && st.st_dev == state->output_folder.st_dev) {
            report_skip(state, path, KY_("skipped: the output folder"));
            return true;
        }
        ky_buf child_sub = {0};
        int status = subfolder[0] ? ky_buf_printf(&child_sub, "%s/%s", subfolder, name)
                                  : ky_buf_puts(&child_sub, name);
        bool ok = status == 0 && walk_folder(state, path, child_sub.data);
        ky_buf_free(&child_sub);
        return ok;
    }
    if (!S_ISREG(st.st_mode))
        return true;
    if (output_name(state, name)) {
        report_skip(state, path, KY_("skipped: named like a kyokun output"));
        return true;
    }
    if (!readable_name(state, name)) {
        report_skip(state, path, KY_("skipped: no input plugin lists this extension"));
        return true;
    }
    state->found++;
    return add_input(state->list, path, subfolder);
}

/* Walk `folder`, whose outputs go to `subfolder` below the output folder. */
static bool walk_folder(walk_state *state, const char *folder, const char *subfolder)
{
    struct dirent **entries = NULL;
    int count = scandir(folder, &entries, not_hidden, compare_names);
    if (count < 0) {
        ky_loc loc = {.file = folder};
        cli_report_message(&state->session->report, KY_SEV_ERROR, &loc,
                           KY_("cannot read the folder: %s"), strerror(errno));
        state->unreadable = true;
        return true;
    }
    bool ok = true;
    size_t folder_len = strlen(folder);
    bool slash = folder_len > 0 && folder[folder_len - 1] == '/';
    for (int i = 0; i < count; i++) {
        ky_buf path = {0};
        if (ok && ky_buf_printf(&path, "%s%s%s", folder, slash ? "" : "/", entries[i]->d_name) == 0)
            ok = walk_entry(state, path.data, subfolder, entries[i]->d_name);
        else
            ok = false;
        ky_buf_free(&path);
        free(entries[i]);
    }
    free(entries);
    return ok;
}

int cli_batch_collect(const cli_session *session, const char *from, char *const *operands,
                      int operand_count, const char *output_folder, cli_batch_list *out)
{
    walk_state state = {.session = session, .list = out};
    *out = (cli_batch_list){0};
    if (from)
        state.from = ky_registry_find(session->reg, KY_PLUGIN_INPUT, from);
    if (!output_folder || stat(output_folder, &state.output_folder) != 0)
        state.output_folder = (struct stat){0};

    int status = CLI_EXIT_OK;
    for (int i = 0; i < operand_count; i++) {
        struct stat st;
        if (stat(operands[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
            /* Not a folder: the reader reports a missing or unreadable file. */
            if (!add_input(out, operands[i], ""))
                goto no_memory;
            continue;
        }
        out->walked = true;
        state.found = 0;
        state.unreadable = false;
        if (!walk_folder(&state, operands[i], ""))
            goto no_memory;
        if (state.unreadable) {
            status = CLI_EXIT_FAILURE;
        } else if (state.found == 0) {
            ky_loc loc = {.file = operands[i]};
            cli_report_message(&session->report, KY_SEV_ERROR, &loc, "%s",
                               KY_("no input file was found in this folder; run with -v to "
                                   "see why each file was skipped"));
            status = CLI_EXIT_FAILURE;
        }
    }
    return status;

no_memory:
    cli_report_message(&session->report, KY_SEV_ERROR, NULL, "%s", KY_("out of memory"));
    return CLI_EXIT_FAILURE;
}

void cli_batch_list_free(cli_batch_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].path);
        free(list->items[i].subfolder);
    }
    free(list->items);
    *list = (cli_batch_list){0};
}
