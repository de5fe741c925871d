#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Converts the guide's worked case into a lesson report (.odt) and checks the
# zip layout of its mimetype entry. Then validates every XML part against the
# OpenDocument 1.3 RELAX NG schemas with jing, renders the report to PDF with
# LibreOffice, and checks the PDF's text and fonts: the lessons, the table of
# contents, and the analysis pages with a root cause and an event of the sample.
# Also checks every zip entry's header, the manifest's list of parts and
# media types, and meta.xml's title, generator and date. A second conversion
# must give the same bytes. The Pareto chart must have one bar per main cause
# of the sample, in proportion to the counts openpyxl reads, and show in the PDF.
#
# Environment (ctest sets all of them): KYOKUN (the built kyokun binary),
# KY_SOURCE_DIR (project root), KY_SHARED (folder holding schemas/odf1.3).
# Needs the Debian packages jing, unzip, poppler-utils, libreoffice-writer and
# python3-openpyxl (used through /usr/bin/python3, because the python3 first
# on PATH may lack openpyxl).
set -euo pipefail

fail() {
    echo "test_report_odt: $*" >&2
    exit 1
}

: "${KYOKUN:?KYOKUN must name the built kyokun binary; run this test through ctest}"
: "${KY_SOURCE_DIR:?KY_SOURCE_DIR must name the project root; run this test through ctest}"
shared="${KY_SHARED:-$KY_SOURCE_DIR/../shared}"
schemas="$shared/schemas/odf1.3"
sample="$KY_SOURCE_DIR/samples/guide-case.ja.xlsx"

# A missing tool or schema is a failure, not a skip: CI must not pass silently.
[ -f "$schemas/OpenDocument-v1.3-schema.rng" ] && [ -f "$schemas/OpenDocument-v1.3-manifest-schema.rng" ] \
    || fail "the ODF 1.3 schemas are missing in $schemas; set KY_SHARED to the shared folder"
for tool in jing unzip zipinfo soffice pdftotext pdffonts timeout xmllint cmp; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (Debian packages: jing, unzip, libreoffice-writer, poppler-utils)"
done
[ -x "$KYOKUN" ] || fail "the kyokun binary $KYOKUN does not exist; build the project first"
[ -f "$sample" ] || fail "the sample $sample does not exist"
sample_python=/usr/bin/python3
"$sample_python" -c 'import openpyxl' 2>/dev/null \
    || fail "$sample_python cannot import openpyxl (Debian package: python3-openpyxl)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
report="$tmp/report.odt"

# A fixed creation time, so the date in meta.xml is known and two runs can be compared.
export SOURCE_DATE_EPOCH=1700000000
"$KYOKUN" convert --lang ja "$sample" -o "$report" || fail "kyokun convert failed on $sample"
[ -s "$report" ] || fail "kyokun convert wrote no $report"
"$KYOKUN" convert --lang ja "$sample" -o "$tmp/again.odt" || fail "the second kyokun convert failed"
cmp -s "$report" "$tmp/again.odt" || fail "two conversions of $sample gave different bytes"

# --- The mimetype entry: first, stored, no extra field, no data descriptor ---
# awk reads all of zipinfo's output; head would end it early with SIGPIPE under pipefail.
first_entry="$(zipinfo -1 "$report" | awk 'NR == 1')"
[ "$first_entry" = "mimetype" ] || fail "the first zip entry is '$first_entry', expected 'mimetype'"
mimetype_info="$(zipinfo -v "$report" mimetype)"
grep -q 'compression method: *none (stored)' <<<"$mimetype_info" || fail "mimetype is compressed"
grep -q 'length of extra field: *0 bytes' <<<"$mimetype_info" || fail "mimetype has an extra field in the central directory"
grep -q 'extended local header: *no' <<<"$mimetype_info" || fail "mimetype has a data descriptor (general purpose bit 3)"
local_extra="$(od -An -tu2 -j28 -N2 "$report" | tr -d ' ')"
[ "$local_extra" = "0" ] || fail "mimetype's local header has an extra field of $local_extra bytes"
[ "$(unzip -p "$report" mimetype)" = "application/vnd.oasis.opendocument.text" ] \
    || fail "mimetype does not hold application/vnd.oasis.opendocument.text"

# --- Every entry, the manifest and meta.xml ---
# zipfile reads the local headers itself, independently of zipinfo.
version="$("$KYOKUN" --version | awk 'NR == 1 { print $NF }')"
"$sample_python" - "$report" "$version" <<'PYTHON' || fail "the package's entries, manifest or meta.xml are wrong"
import struct
import sys
import xml.etree.ElementTree as ET
import zipfile

path, version = sys.argv[1:3]
with open(path, "rb") as raw:
    data = raw.read()
package = zipfile.ZipFile(path)
names = package.namelist()
for info in package.infolist():
    assert not info.flag_bits & 0x08, "%s has a data descriptor" % info.filename
    local = data[info.header_offset:info.header_offset + 30]
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    assert extra_len == 0, "%s has a local extra field of %d bytes" % (info.filename, extra_len)
    assert info.extra == b"", "%s has a central extra field" % info.filename

manifest_ns = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
manifest = ET.fromstring(package.read("META-INF/manifest.xml"))
listed = {entry.get("{%s}full-path" % manifest_ns): entry.get("{%s}media-type" % manifest_ns)
          for entry in manifest}
parts = [name for name in names if name not in ("mimetype", "META-INF/manifest.xml")]
expected = {name: "image/svg+xml" if name.endswith(".svg") else "text/xml" for name in parts}
expected["/"] = "application/vnd.oasis.opendocument.text"
assert listed == expected, "manifest lists %s, expected %s" % (listed, expected)
assert "Pictures/pareto.svg" in parts, "the Pareto chart is not in the package"

meta_ns = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
           "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
           "dc": "http://purl.org/dc/elements/1.1/"}
meta = ET.fromstring(package.read("meta.xml")).find("office:meta", meta_ns)
assert meta.findtext("dc:title", namespaces=meta_ns) == "guide-case.ja"
assert meta.findtext("meta:generator", namespaces=meta_ns) == "kyokun/" + version
assert meta.findtext("meta:creation-date", namespaces=meta_ns) == "2023-11-14T22:13:20Z"
assert meta.findtext("dc:language", namespaces=meta_ns) == "ja-JP"
PYTHON

# --- Schema validation of every part ---
# Validate `file` against `schema`; jing's output goes to stderr on failure.
# -i turns off jing's ID-type checks, which the ODF schema's DTD-compatibility
# annotations fail inside jing itself, whatever the document. Debian's jing
# wrapper prints "Unable to locate ..." for optional jars it does not need.
validate() {
    local schema="$1" file="$2" output status=0
    output="$(jing -i "$schema" "$file" 2>&1)" || status=$?
    output="$(grep -v 'Unable to locate' <<<"$output" || true)"
    if [ "$status" -ne 0 ] || [ -n "$output" ]; then
        echo "$output" >&2
        fail "${file#"$parts/"} is not valid against $(basename "$schema")"
    fi
}

parts="$tmp/parts"
mkdir "$parts"
unzip -q "$report" -d "$parts"
for part in content.xml styles.xml meta.xml settings.xml; do
    [ -f "$parts/$part" ] || fail "$part is missing from the report"
    validate "$schemas/OpenDocument-v1.3-schema.rng" "$parts/$part"
done
[ -f "$parts/META-INF/manifest.xml" ] || fail "META-INF/manifest.xml is missing from the report"
xmllint --noout "$parts/Pictures/pareto.svg" || fail "the Pareto chart is not well-formed XML"
validate "$schemas/OpenDocument-v1.3-manifest-schema.rng" "$parts/META-INF/manifest.xml"

# --- Rendering with LibreOffice ---
timeout 180 soffice -env:UserInstallation="file://$tmp/lo" --headless --convert-to pdf \
    --outdir "$tmp" "$report" >"$tmp/soffice.log" 2>&1 \
    || { cat "$tmp/soffice.log" >&2; fail "LibreOffice could not convert the report to PDF"; }
[ -s "$tmp/report.pdf" ] || { cat "$tmp/soffice.log" >&2; fail "LibreOffice wrote no PDF"; }

# pdftotext breaks long lines and puts spaces between Latin and Japanese
# text, so white space is removed before matching.
text="$(pdftotext "$tmp/report.pdf" - | tr -d ' \t\r\n\f')"
rest="$text"
for expected in "[G7]" "クラウド事業者と利用者が連携した統制がとれたトラブル対応体制を整備すべし" \
        問題 原因 直接原因 根本原因 対策 再発防止策 未然防止策 効果 教訓; do
    case "$rest" in
        *"$expected"*) rest="${rest#*"$expected"}" ;;
        *) fail "the PDF text has no '$expected' after the previous label" ;;
    esac
done

# The contents page lists the lessons and the analysis pages before the
# first lesson; the analysis pages follow the lessons.
case "$text" in
    *目次*"[G7]"*"[T17]"*障害状況表*なぜなぜ分析*"[G7]"*) ;;
    *) fail "the PDF has no contents page listing the lessons and the analysis pages" ;;
esac
# Table cells break their text into short lines, which the default reading
# order interleaves across a row; -raw keeps the order in which LibreOffice
# drew them, cell by cell.
raw_text="$(pdftotext -raw "$tmp/report.pdf" - | tr -d ' \t\r\n\f')"
after_contents="${raw_text#*なぜなぜ分析}"
case "$after_contents" in
    *障害状況表*なぜなぜ分析*) ;;
    *) fail "the PDF text has no 障害状況表 and なぜなぜ分析 page headings after the lessons" ;;
esac
status_page="${after_contents#*障害状況表}"
why_page="${status_page#*なぜなぜ分析}"
status_page="${status_page%%なぜなぜ分析*}"

# One root cause and one event of the sample must show on those pages: the
# deepest cause of the why-why sheet's first branch (row 2, the last column
# holds countermeasures) and the first event below the status sheet's two
# header rows.
sample_texts="$("$sample_python" - "$sample" <<'PYTHON'
import sys
import openpyxl

book = openpyxl.load_workbook(sys.argv[1])
branch = [cell.value for cell in book["なぜなぜ分析"][2]][:-1]
print(str([value for value in branch if value][-1]).replace("\n", ""))
status = book["障害状況表"]
print(next(str(cell.value).replace("\n", "") for row in status.iter_rows(min_row=4)
           for cell in row[1:] if cell.value))
PYTHON
)" || fail "reading the root cause and the event from $sample failed"
root_cause="$(sed -n 1p <<<"$sample_texts" | tr -d ' \t\r')"
event="$(sed -n 2p <<<"$sample_texts" | tr -d ' \t\r')"
[ -n "$root_cause" ] && [ -n "$event" ] || fail "no root cause or event found in $sample"
case "$why_page" in
    *"$root_cause（根本原因）"*) ;;
    *) fail "the why-why page has no root cause '$root_cause' marked （根本原因）" ;;
esac
case "$status_page" in
    *"$event"*) ;;
    *) fail "the incident status page has no event '$event'" ;;
esac

# --- The Pareto chart: one bar per main cause of the sample's incident list,
# most frequent first, with heights in proportion to the counts and the
# whole cause under each bar ---
"$sample_python" - "$sample" "$parts/Pictures/pareto.svg" <<'PYTHON' || fail "the Pareto chart's bars do not match the sample's main causes"
import collections
import sys
import xml.etree.ElementTree as ET

import openpyxl

sheet = openpyxl.load_workbook(sys.argv[1])["障害一覧"]
header = [cell.value for cell in sheet[1]]
column = header.index("主な原因")
counts = collections.Counter(str(row[column]).strip() for row in sheet.iter_rows(min_row=2, values_only=True)
                             if row[column] is not None and str(row[column]).strip())

svg = "{http://www.w3.org/2000/svg}"
bars = [rect for rect in ET.parse(sys.argv[2]).getroot().iter(svg + "rect") if rect.get("class") == "bar"]
drawn = [(rect.find(svg + "title").text.rsplit(": ", 1)[0], float(rect.get("height"))) for rect in bars]
assert sorted(cause for cause, _ in drawn) == sorted(counts), "bars %s, causes %s" % (drawn, dict(counts))
heights = [height for _, height in drawn]
assert heights == sorted(heights, reverse=True), "bars are not most frequent first: %s" % heights
unit = heights[0] / counts[drawn[0][0]]
for cause, height in drawn:
    assert abs(height - unit * counts[cause]) < 0.15, "%s: height %s for %d incidents" % (cause, height, counts[cause])
# Each cause is written in full under its bar, on one or two lines, never cut with "…".
root = ET.parse(sys.argv[2]).getroot()
labels = ["".join(text.itertext()) for group in root.iter(svg + "g") if group.get("font-size") == "9"
          for text in group.iter(svg + "text")]
assert labels == [cause for cause, _ in drawn], "labels under the bars %s, causes %s" % (labels, drawn)
PYTHON
# LibreOffice draws the chart's text before the page heading.
case "$after_contents" in
    *障害件数*累積比率（%）*主な原因*主な原因別の障害件数*図主な原因別の障害件数（パレート図）*障害状況表*) ;;
    *) fail "the PDF has no Pareto chart page with its axis titles before the incident status page" ;;
esac

# --- G7's direct causes: the two lead-in sentences are a paragraph, and the
# three bulleted lines of the sample's cell are the list items ---
g7_direct="$(pdftotext -raw "$tmp/report.pdf" - | sed -n '/^直接原因$/,/^根本原因$/p' | sed -n '1,/^根本原因$/p' | tr -d ' \t\r\f')"
case "$(sed -n 2p <<<"$g7_direct")" in
    直接の原因は*) ;;
    *) fail "G7's direct causes do not start with the lead-in paragraph: $(sed -n 2p <<<"$g7_direct")" ;;
esac
[ "$(grep -c '^・' <<<"$g7_direct")" -eq 3 ] || fail "G7's direct causes do not have 3 bullets: $g7_direct"
lead_in="${g7_direct%%・*}"
case "$lead_in" in
    *以下のとおりである。*) ;;
    *) fail "the first bullet of G7's direct causes comes before the end of the lead-in" ;;
esac

fonts="$(pdffonts "$tmp/report.pdf")"
grep -Eqi 'CJK ?JP|IPAex' <<<"$fonts" || { echo "$fonts" >&2; fail "the PDF uses no Japanese (CJK JP) font"; }

echo "test_report_odt: report valid, rendered, text and fonts as expected"
