/* SPDX-License-Identifier: MIT */
/*
 * The lesson-report output plugin: writes a book's lessons as an ODF 1.3 text
 * document (.odt), one lesson a page in the layout of the IPA/SEC guide on
 * making lessons from IT system failures, with a classification table each.
 */
#include <stdbool.h>

#include "formats/ky_odf_write.h"
#include "kyokun/i18n.h"
#include "report.h"

/* Add one built part to the package and free the buffer. */
static int add_part(ky_odf_package *pkg, const char *name, ky_buf *part)
{
    int rc = ky_odf_package_add(pkg, name, "text/xml", part->data, part->len);
    ky_buf_free(part);
    return rc;
}

/* Build styles.xml: the built-in styles, or the reference document's
 * completed with them. *error_set is true when a failure set its error on `ctx`. */
static int build_styles(ky_ctx *ctx, const report_labels *labels,
                        const ky_write_options *options, ky_buf *out, bool *error_set)
{
    *error_set = false;
    int rc = report_build_styles(labels, out);
    if (rc != 0 || !options->reference_odt)
        return rc;

    ky_buf builtin = *out;
    *out = (ky_buf){0};
    rc = report_build_template_styles(ctx, options->reference_odt, &builtin, out);
    ky_buf_free(&builtin);
    *error_set = rc != 0 && rc != KY_ENOMEM;
    return rc;
}

/* Build every part and write the package to `path`. */
static int report_write(ky_ctx *ctx, const ky_book *book, const ky_write_options *options,
                        const char *path)
{
    ky_write_options defaults = {.version = KY_WRITE_OPTIONS_VERSION, .lang = KY_LANG_JA};
    if (!options)
        options = &defaults;

    const char *target = options->target ? options->target : path;
    ky_loc loc = {.file = target};
    if (options->version != KY_WRITE_OPTIONS_VERSION)
        return ky_error_set(ctx, KY_EINVAL, &loc,
                            KY_("Write options version %d is not supported by the lesson-report "
                                "plugin (expected %d); rebuild the plugin with this kyokun."),
                            options->version, KY_WRITE_OPTIONS_VERSION);

    const report_labels *labels = report_labels_for(options->lang);
    ky_odf_package *pkg = NULL;
    report_pareto *pareto = NULL;
    ky_buf part = {0};
    bool error_set = false;

    int rc = ky_odf_package_new(&pkg, KY_ODF_MEDIA_TYPE_TEXT, options->timestamp);
    if (rc == 0)
        rc = report_pareto_new(book, labels, &pareto);
    if (rc == 0)
        rc = report_build_content(ctx, book, labels, options, pareto, &part);
    if (rc == 0)
        rc = add_part(pkg, "content.xml", &part);
    if (rc == 0 && report_pareto_has_chart(pareto)) {
        const ky_buf *svg = report_pareto_svg(pareto);
        rc = ky_odf_package_add(pkg, REPORT_PARETO_PART, "image/svg+xml", svg->data, svg->len);
    }
    report_pareto_free(pareto);
    if (rc == 0)
        rc = build_styles(ctx, labels, options, &part, &error_set);
    if (rc == 0)
        rc = add_part(pkg, "styles.xml", &part);
    if (rc == 0)
        rc = report_build_meta(book, labels, options->timestamp, &part);
    if (rc == 0)
        rc = add_part(pkg, "meta.xml", &part);
    if (rc == 0)
        rc = report_build_settings(&part);
    if (rc == 0)
        rc = add_part(pkg, "settings.xml", &part);

    if (rc != 0 && error_set) {
        /* The reference document was unusable; the error names it. */
        ky_buf_free(&part);
        ky_odf_package_free(pkg);
        return rc;
    }
    if (rc != 0) {
        /* The other part builders fail only for lack of memory or an
         * internal formatting limit; neither has set an error yet. */
        ky_buf_free(&part);
        ky_odf_package_free(pkg);
        return ky_error_set(ctx, rc, &loc, KY_("Building the lesson report for %s failed: %s"),
                            target, KY_(ky_strerror(rc)));
    }

    rc = ky_odf_package_write_file(pkg, ctx, path);
    ky_odf_package_free(pkg);
    return rc;
}

static const char *const extensions[] = {"odt", NULL};

static const ky_plugin descriptor = {
    .abi_version = KY_PLUGIN_ABI_VERSION,
    .kind = KY_PLUGIN_OUTPUT,
    .name = "lesson-report",
    .description = "Lesson report: one lesson a page in the IPA/SEC guide's layout (ODF text, .odt)",
    .extensions = extensions,
    .write = report_write,
};

KY_PLUGIN_DEFINE(descriptor)
