/* SPDX-License-Identifier: MIT */
/*
 * The cumulative-share line of the Pareto chart. libxlsxwriter 1.1.4 has no
 * combined charts and no secondary axes, so the plugin writes the column
 * chart with libxlsxwriter and then adds a <c:lineChart> on a secondary
 * value axis to xl/charts/chart1.xml of the saved file with libzip. The
 * elements follow the DrawingML chart schema of ECMA-376 part 1 (CT_LineChart,
 * CT_LineSer, CT_CatAx, CT_ValAx), in the order that schema requires.
 */
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "formats/ky_odf_write.h"
#include "kyokun/i18n.h"
#include "register.h"

/* The only chart of the workbook, as libxlsxwriter names it. */
#define CHART_ENTRY "xl/charts/chart1.xml"

/* Axis ids of the line. libxlsxwriter numbers its axes 5xxx0001 and up, so these do not clash. */
#define LINE_CAT_AXIS_ID "70010001"
#define LINE_VAL_AXIS_ID "70010002"

/* Append the <c:ser> of the line: name, colour, markers, categories and cached values. */
static int append_line_series(ky_buf *out, const char *name, const char *categories,
                              const char *values, const double *shares, size_t count)
{
    int rc = ky_buf_puts(out, "<c:ser><c:idx val=\"1\"/><c:order val=\"1\"/><c:tx><c:v>");
    if (rc == 0)
        rc = ky_xml_append_escaped(out, name, strlen(name), NULL);
    if (rc == 0)
        rc = ky_buf_puts(out, "</c:v></c:tx>"
                              "<c:spPr><a:ln w=\"28575\"><a:solidFill><a:srgbClr val=\"C00000\"/>"
                              "</a:solidFill></a:ln></c:spPr>"
                              "<c:marker><c:symbol val=\"circle\"/><c:size val=\"6\"/>"
                              "<c:spPr><a:solidFill><a:srgbClr val=\"C00000\"/></a:solidFill>"
                              "</c:spPr></c:marker><c:cat><c:strRef><c:f>");
    if (rc == 0)
        rc = ky_xml_append_escaped(out, categories, strlen(categories), NULL);
    if (rc == 0)
        rc = ky_buf_puts(out, "</c:f></c:strRef></c:cat><c:val><c:numRef><c:f>");
    if (rc == 0)
        rc = ky_xml_append_escaped(out, values, strlen(values), NULL);
    if (rc == 0)
        rc = ky_buf_printf(out, "</c:f><c:numCache><c:formatCode>0.0%%</c:formatCode>"
                                "<c:ptCount val=\"%zu\"/>", count);
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = ky_buf_printf(out, "<c:pt idx=\"%zu\"><c:v>%.17g</c:v></c:pt>", i, shares[i]);
    if (rc == 0)
        rc = ky_buf_puts(out, "</c:numCache></c:numRef></c:val><c:smooth val=\"0\"/></c:ser>");
    return rc < 0 ? KY_ENOMEM : 0;
}

int reg_compose_chart_line(reg_writer *w, const char *name, const char *categories,
                           const char *values, const double *shares, size_t count)
{
    ky_buf *line = &w->chart_line;
    ky_buf_clear(line);
    int rc = ky_buf_puts(line, "<c:lineChart><c:grouping val=\"standard\"/>"
                               "<c:varyColors val=\"0\"/>");
    if (rc == 0)
        rc = append_line_series(line, name, categories, values, shares, count);
    if (rc == 0)
        rc = ky_buf_puts(line, "<c:marker val=\"1\"/><c:axId val=\"" LINE_CAT_AXIS_ID "\"/>"
                               "<c:axId val=\"" LINE_VAL_AXIS_ID "\"/></c:lineChart>");
    if (rc < 0)
        return KY_ENOMEM;

    /* The line's category axis is hidden: the columns' axis labels the causes.
     * Its value axis is on the right, crosses at the maximum and runs 0-100 %. */
    ky_buf_clear(&w->chart_axes);
    rc = ky_buf_puts(&w->chart_axes,
                     "<c:catAx><c:axId val=\"" LINE_CAT_AXIS_ID "\"/>"
                     "<c:scaling><c:orientation val=\"minMax\"/></c:scaling>"
                     "<c:delete val=\"1\"/><c:axPos val=\"b\"/><c:majorTickMark val=\"out\"/>"
                     "<c:minorTickMark val=\"none\"/><c:tickLblPos val=\"nextTo\"/>"
                     "<c:crossAx val=\"" LINE_VAL_AXIS_ID "\"/><c:crosses val=\"autoZero\"/>"
                     "<c:auto val=\"1\"/><c:lblAlgn val=\"ctr\"/><c:lblOffset val=\"100\"/>"
                     "<c:noMultiLvlLbl val=\"0\"/></c:catAx>"
                     "<c:valAx><c:axId val=\"" LINE_VAL_AXIS_ID "\"/>"
                     "<c:scaling><c:orientation val=\"minMax\"/><c:max val=\"1\"/>"
                     "<c:min val=\"0\"/></c:scaling><c:delete val=\"0\"/><c:axPos val=\"r\"/>"
                     "<c:numFmt formatCode=\"0%\" sourceLinked=\"0\"/>"
                     "<c:majorTickMark val=\"out\"/><c:minorTickMark val=\"none\"/>"
                     "<c:tickLblPos val=\"nextTo\"/><c:crossAx val=\"" LINE_CAT_AXIS_ID "\"/>"
                     "<c:crosses val=\"max\"/><c:crossBetween val=\"between\"/>"
                     "<c:majorUnit val=\"0.2\"/></c:valAx>");
    return rc < 0 ? KY_ENOMEM : 0;
}

/* Record a failure to patch the chart, naming the output file and libzip's message. */
static int fail_patch(reg_writer *w, int status, const char *detail)
{
    ky_loc loc = {.file = w->target};
    return ky_error_set(w->ctx, status, &loc,
                        KY_("writing the risk register failed at step \"%s\": %s"),
                        "add chart line", detail);
}

/*
 * Read the whole entry `index` into a NUL-terminated buffer (caller frees),
 * or return NULL. *mtime receives the entry's time.
 */
static char *read_entry(zip_t *archive, zip_uint64_t index, size_t *len, time_t *mtime)
{
    zip_stat_t stat;
    if (zip_stat_index(archive, index, 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE)
        || !(stat.valid & ZIP_STAT_MTIME))
        return NULL;
    *mtime = stat.mtime;
    char *data = malloc(stat.size + 1);
    zip_file_t *file = data ? zip_fopen_index(archive, index, 0) : NULL;
    if (!file) {
        free(data);
        return NULL;
    }
    zip_int64_t read = zip_fread(file, data, stat.size);
    zip_fclose(file);
    if (read < 0 || (zip_uint64_t)read != stat.size) {
        free(data);
        return NULL;
    }
    data[stat.size] = '\0';
    *len = stat.size;
    return data;
}

/*
 * Return a copy of the chart XML with the line after </c:barChart> and its
 * axes before </c:plotArea>, or NULL when either tag is missing or memory
 * runs out.
 */
static char *insert_line(const reg_writer *w, const char *xml, size_t len, size_t *out_len)
{
    static const char bar_end[] = "</c:barChart>";
    static const char plot_end[] = "</c:plotArea>";
    const char *bar = strstr(xml, bar_end);
    const char *plot = bar ? strstr(bar, plot_end) : NULL;
    if (!plot)
        return NULL;

    size_t bar_at = (size_t)(bar - xml) + sizeof bar_end - 1;
    size_t plot_at = (size_t)(plot - xml);
    ky_buf out = {0};
    if (ky_buf_append(&out, xml, bar_at) < 0
        || ky_buf_append(&out, w->chart_line.data, w->chart_line.len) < 0
        || ky_buf_append(&out, xml + bar_at, plot_at - bar_at) < 0
        || ky_buf_append(&out, w->chart_axes.data, w->chart_axes.len) < 0
        || ky_buf_append(&out, xml + plot_at, len - plot_at) < 0) {
        ky_buf_free(&out);
        return NULL;
    }
    *out_len = out.len;
    return out.data;
}

int reg_patch_chart(reg_writer *w, const char *path)
{
    if (w->chart_line.len == 0)
        return 0;

    int error = 0;
    zip_t *archive = zip_open(path, 0, &error);
    if (!archive) {
        zip_error_t zip_error;
        zip_error_init_with_code(&zip_error, error);
        int rc = fail_patch(w, KY_EIO, zip_error_strerror(&zip_error));
        zip_error_fini(&zip_error);
        return rc;
    }

    zip_int64_t index = zip_name_locate(archive, CHART_ENTRY, 0);
    size_t len = 0;
    size_t patched_len = 0;
    time_t mtime = 0;
    char *xml = index >= 0 ? read_entry(archive, (zip_uint64_t)index, &len, &mtime) : NULL;
    char *patched = xml ? insert_line(w, xml, len, &patched_len) : NULL;
    free(xml);
    if (!patched) {
        zip_discard(archive);
        return fail_patch(w, KY_ERROR, KY_("the chart part xl/charts/chart1.xml is missing or "
                                           "has no column chart"));
    }

    /* The source frees `patched` when the archive is closed or discarded. */
    zip_source_t *source = zip_source_buffer(archive, patched, patched_len, 1);
    if (!source) {
        free(patched);
        zip_discard(archive);
        return fail_patch(w, KY_ENOMEM, "out of memory");
    }
    if (zip_file_replace(archive, (zip_uint64_t)index, source, 0) != 0) {
        int rc = fail_patch(w, KY_EIO, zip_strerror(archive));
        zip_source_free(source);
        zip_discard(archive);
        return rc;
    }
    /* The entry keeps libxlsxwriter's fixed time, so the bytes do not depend on the clock. */
    if (zip_file_set_mtime(archive, (zip_uint64_t)index, mtime, 0) != 0
        || zip_set_file_compression(archive, (zip_uint64_t)index, ZIP_CM_DEFLATE, 6) != 0) {
        int rc = fail_patch(w, KY_EIO, zip_strerror(archive));
        zip_discard(archive);
        return rc;
    }
    if (zip_close(archive) != 0) {
        int rc = fail_patch(w, KY_EIO, zip_strerror(archive));
        zip_discard(archive);
        return rc;
    }
    return 0;
}
