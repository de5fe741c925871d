/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the lesson-report output plugin: the XML builder
 * shared by the part writers, the document labels in Japanese and English,
 * the analysis pages, and the functions that build each part of the .odt
 * package.
 */
#ifndef KY_OUTPUT_REPORT_H
#define KY_OUTPUT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "formats/ky_text.h"
#include "kyokun/plugin.h"

/** Namespace declarations used by content.xml and styles.xml. */
#define REPORT_ODF_NAMESPACES                                                  \
    " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""       \
    " xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\""         \
    " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""           \
    " xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\""         \
    " xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\"" \
    " xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\""        \
    " xmlns:xlink=\"http://www.w3.org/1999/xlink\""                                \
    " xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\""

/** Width of the text area: A4 (21 cm) less 2 cm margins left and right. */
#define REPORT_TEXT_WIDTH_CM 17.0

/**
 * An XML document being built. After the first failed append every later
 * call does nothing, so a part is built with plain calls and `rc` checked once.
 */
typedef struct report_xml {
    ky_buf buf;
    int rc;          /**< 0, or KY_ENOMEM after a failed append. */
    size_t cleaned;  /**< Characters removed or replaced in user text so far. */
} report_xml;

/** Append markup as it is. */
void report_put(report_xml *xml, const char *markup);

/** Append printf-formatted markup; the arguments must not be user text. */
void report_putf(report_xml *xml, const char *fmt, ...) KY_PRINTF(2, 3);

/** Append user text as paragraph content (spaces, tabs and line breaks kept); NULL appends nothing. */
void report_text(report_xml *xml, const char *text);

/**
 * Append user text as report_text() does, cut to `max_chars` characters
 * with "…" as the last one when it is longer; NULL appends nothing.
 */
void report_text_shortened(report_xml *xml, const char *text, size_t max_chars);

/** Append user text as plain character data (attribute values, meta.xml); NULL appends nothing. */
void report_plain(report_xml *xml, const char *text);

/** Return true when `text` has a character other than ASCII white space. */
bool report_has_text(const char *text);

/** Append the office:font-face-decls element that styles.xml and content.xml share. */
void report_font_face_decls(report_xml *xml);

/** Document labels in one language. */
typedef struct report_labels {
    const char *language;        /**< fo:language of the default style. */
    const char *country;         /**< fo:country of the default style. */
    const char *dc_language;     /**< dc:language in meta.xml (RFC 5646 tag). */
    const char *default_title;   /**< Title when the book has none. */
    const char *subtitle;        /**< Second line of the title page. */
    const char *created;         /**< Label before the creation date. */
    const char *generated_by;    /**< Label before "kyokun VERSION". */
    const char *lesson_count;    /**< Label before the number of lessons. */
    const char *no_lessons;      /**< Sentence shown when the book has no lessons. */
    const char *problem;         /**< 問題 */
    const char *cause;           /**< 原因 */
    const char *direct_cause;    /**< 直接原因 */
    const char *root_cause;      /**< 根本原因 */
    const char *countermeasures; /**< 対策 */
    const char *recurrence;      /**< 再発防止策 */
    const char *preventive;      /**< 未然防止策 */
    const char *effect;          /**< 効果 */
    const char *lesson;          /**< 教訓 */
    const char *classification;  /**< Heading above the classification table. */
    const char *item_number;     /**< 項番: first column of the classification table. */
    const char *category;        /**< 分類カテゴリ */
    const char *result;          /**< 分類結果 */
    const char *purpose;         /**< 活用する目的 */
    const char *importance;      /**< 情報処理システムの重要度 */
    const char *lifecycle;       /**< ソフトウェアライフサイクルプロセス */
    const char *service;         /**< 運用・サービスプロセス */
    const char *keywords;        /**< キーワード */
    const char *list_separator;  /**< Between the values of a list in one table cell. */
    const char *bullet;          /**< Bullet character of the direct causes' list. */
    const char *label_separator; /**< Between a label and its value on the title page. */
    const char *empty;           /**< Shown for an empty section or value. */
    const char *contents;        /**< Title of the table of contents. */
    const char *status_table;    /**< 障害状況表: heading of the incident status page. */
    const char *time;            /**< 日時: first column of the incident status table. */
    const char *why_analysis;    /**< なぜなぜ分析: heading of the why-why page. */
    const char *why_level;       /**< Column header before a level number: "なぜ" + "1". */
    const char *measures_column; /**< 対策（教訓ID）: last column of the why-why table. */
    const char *lesson_id;       /**< 教訓ID: label before the lesson ids of countermeasures. */
    const char *root_cause_mark; /**< Suffix of a root cause's text in the why-why table. */
    const char *organization;    /**< Label before the organisation on the title page. */
    const char *inferred_mark;   /**< Suffix of a classification value that kyokun inferred. */
    const char *evidence;        /**< Label before the evidence of an inferred value. */
    const char *id_generated;    /**< Note under a lesson title whose id kyokun made. */
    const char *index;           /**< Heading of the index of lessons. */
    const char *pareto;          /**< Heading of the Pareto chart page. */
    const char *pareto_caption;  /**< Caption below the chart. */
    const char *pareto_axis_x;   /**< Title of the chart's category axis (main causes). */
    const char *pareto_axis_y;   /**< Title of the chart's left axis (incidents). */
    const char *pareto_axis_cumulative; /**< Title of the chart's right axis (cumulative %). */
    const char *no_main_cause;   /**< Category of incidents without a main cause. */
    const char *cause_column;    /**< Column header of the table below the chart. */
    const char *count_column;    /**< Column header: number of incidents. */
    const char *share_column;    /**< Column header: cumulative share. */
} report_labels;

/** Return the labels for a language; unknown values give Japanese. */
const report_labels *report_labels_for(ky_lang lang);

/**
 * The analysis pages' tables, worked out from the book before content.xml is
 * written, because their column styles go into the automatic styles ahead of
 * the body. Opaque; see report_analysis.c.
 */
typedef struct report_analysis report_analysis;

/** Work out the tables of the analysis pages. Returns 0 or KY_ENOMEM. */
int report_analysis_new(const ky_book *book, report_analysis **out);

/** Free the analysis tables. NULL is allowed. */
void report_analysis_free(report_analysis *analysis);

/** Package path of the Pareto chart image. */
#define REPORT_PARETO_PART "Pictures/pareto.svg"

/** The Pareto chart of incidents per main cause: its counts and its SVG image. Opaque. */
typedef struct report_pareto report_pareto;

/**
 * Count the book's incidents per main cause and draw the chart, with the
 * chart's labels in `labels`' language. A book without incidents gets a
 * pareto with no chart. Returns 0 or KY_ENOMEM.
 */
int report_pareto_new(const ky_book *book, const report_labels *labels, report_pareto **out);

/** Free the chart. NULL is allowed. */
void report_pareto_free(report_pareto *pareto);

/** Return true when there is a chart: the book has incidents. */
bool report_pareto_has_chart(const report_pareto *pareto);

/** Return the SVG document of the chart (owned by `pareto`). */
const ky_buf *report_pareto_svg(const report_pareto *pareto);

/** Append the table, column and frame styles of the chart page (automatic styles). */
void report_put_pareto_styles(report_xml *xml);

/**
 * Append the chart page: a heading with `bookmark`, the image that
 * REPORT_PARETO_PART holds, its caption, and a table of the numbers.
 */
void report_put_pareto_page(report_xml *xml, const report_pareto *pareto,
                            const report_labels *labels, const char *bookmark);

/** Return true when the book has events for the incident status page. */
bool report_analysis_has_status(const report_analysis *analysis);

/** Return true when the book has why-why nodes for the why-why page. */
bool report_analysis_has_why(const report_analysis *analysis);

/** Append the table, column and cell styles of the analysis tables (automatic styles). */
void report_put_analysis_styles(report_xml *xml, const report_analysis *analysis);

/**
 * Append the incident status page, then the why-why page; a page whose table
 * has no rows is left out. `status_bookmark` and `why_bookmark` name the
 * bookmarks in their headings, which the table of contents refers to.
 * Warnings about cleaned text go to `ctx`, one per table.
 */
void report_put_analysis_pages(ky_ctx *ctx, report_xml *xml, const report_analysis *analysis,
                               const report_labels *labels, const char *status_bookmark,
                               const char *why_bookmark);

/** Append "[ID] title" of a lesson, the text of its heading and of its entries in the contents and index. */
void report_put_lesson_title(report_xml *xml, const ky_lesson *lesson, const report_labels *labels);

/** Return true when a lesson has a classification value, so that the index lists something. */
bool report_index_has_entries(const ky_book *book);

/**
 * Append the index page: for each classification axis its values, and under
 * each value the lessons that have it with their page numbers. `bookmark`
 * names the bookmark in the page heading.
 */
void report_put_index(report_xml *xml, const ky_book *book, const report_labels *labels,
                      const char *bookmark);

/**
 * Build content.xml: a title page (with options->organization and the date
 * of options->timestamp), a table of contents, one page per lesson, the
 * Pareto chart page when `pareto` has a chart, the analysis pages, then the
 * index. The table of contents is left out when there are neither lessons,
 * a chart nor analysis pages to list. Warnings about cleaned text (control
 * characters, invalid UTF-8) go to `ctx`, one per lesson.
 * Returns 0 and the part in `out`, KY_ENOMEM, or KY_ERROR when a line of
 * report_putf() markup exceeds its buffer (a bug in the plugin).
 */
int report_build_content(ky_ctx *ctx, const ky_book *book, const report_labels *labels,
                         const ky_write_options *options, const report_pareto *pareto,
                         ky_buf *out);

/** Build styles.xml: fonts, named styles, the A4 page layout and its footer. */
int report_build_styles(const report_labels *labels, ky_buf *out);

/**
 * Build styles.xml from the reference document at `path`: its styles.xml,
 * completed with the definitions in `builtin` (the built-in styles.xml) that
 * it lacks. Returns 0; KY_ENOMEM; or, with the error set on `ctx` naming the
 * file and the problem, KY_EPARSE, KY_EUNSUPPORTED, KY_ELIMIT or KY_EIO.
 */
int report_build_template_styles(ky_ctx *ctx, const char *path, const ky_buf *builtin,
                                 ky_buf *out);

/** Build meta.xml: title, generator, language and creation date. */
int report_build_meta(const ky_book *book, const report_labels *labels, int64_t timestamp,
                      ky_buf *out);

/** Build settings.xml: the layout settings LibreOffice reads. */
int report_build_settings(ky_buf *out);

/** Format a Unix time as "YYYY-MM-DD" (UTC). */
void report_format_date(int64_t timestamp, char out[16]);

/** Format a Unix time as "YYYY-MM-DDTHH:MM:SSZ" (UTC). */
void report_format_datetime(int64_t timestamp, char out[32]);

#endif
