/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the lesson report's reference document reader
 * (--reference-odt), report_build_template_styles(). That reader takes a
 * path, so the document goes to a private temporary file.
 *
 * The first byte picks the form of the rest of the input. After an even
 * byte it is a whole .odt file. After an odd byte it is a styles.xml, which
 * the target packs into an .odt with the ODF writer, so that mutations
 * reach the merge of styles instead of failing the zip checks. A successful
 * merge must give a well-formed styles.xml without a document type
 * declaration, and no message may reach libxml2's generic error channel,
 * whose default handler prints to stderr.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "formats/ky_odf_write.h"
#include "fuzz_file.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort on a message that the code under test let through to libxml2's generic error channel. */
static void abort_on_generic_error(void *context, const char *format, ...)
{
    (void)context;
    fprintf(stderr, "libxml2 reported on its generic error channel: %s\n", format);
    abort();
}

/* Write the styles.xml `data` as the only part of an .odt and return its path. */
static const char *write_packed_styles(ky_ctx *ctx, const uint8_t *data, size_t size)
{
    ky_odf_package *pkg = NULL;
    int rc = ky_odf_package_new(&pkg, KY_ODF_MEDIA_TYPE_TEXT, 0);
    if (rc == 0)
        rc = ky_odf_package_add(pkg, "styles.xml", "text/xml", data, size);
    unsigned char *archive = NULL;
    size_t archive_len = 0;
    if (rc == 0)
        rc = ky_odf_package_build(pkg, ctx, &archive, &archive_len);
    ky_odf_package_free(pkg);
    if (rc != 0)
        abort();
    const char *path = fuzz_file_write("template.odt", archive, archive_len);
    free(archive);
    return path;
}

/* Abort unless `styles` is well-formed XML with a root element and no DTD. */
static void check_output(const ky_buf *styles)
{
    xmlDocPtr doc = xmlReadMemory(styles->data, (int)styles->len, "styles.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !xmlDocGetRootElement(doc) || doc->intSubset || doc->extSubset)
        abort();
    xmlFreeDoc(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ky_buf builtin;
    if (!builtin.data) {
        xmlSetGenericErrorFunc(NULL, abort_on_generic_error);
        if (report_build_styles(report_labels_for(KY_LANG_JA), &builtin) != 0)
            abort();
    }

    ky_ctx *ctx = ky_ctx_new();
    if (!ctx)
        return 0;
    bool packed = size > 0 && data[0] % 2 == 1;
    if (size > 0) {
        data++;
        size--;
    }
    const char *path = packed ? write_packed_styles(ctx, data, size)
                              : fuzz_file_write("template.odt", data, size);

    ky_buf styles = {0};
    int status = report_build_template_styles(ctx, path, &builtin, &styles);
    if (status == 0)
        check_output(&styles);
    else if (status > 0 || (status != KY_ENOMEM && !ky_error_last(ctx)))
        abort();
    ky_buf_free(&styles);
    ky_ctx_free(ctx);
    return 0;
}
