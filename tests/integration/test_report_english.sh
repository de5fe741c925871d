#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The English guide case (samples/guide-case.en.xlsx) converted with
# --lang en renders like the Japanese one, with English labels. LibreOffice's
# PDF must have, in order, the title page, the contents, each lesson's
# sections and classification table, the Pareto chart with its axis titles,
# the analysis pages and the index. It must have none of the Japanese labels.
#
# Environment (ctest sets all of them): KYOKUN, KY_SOURCE_DIR.
# Needs the Debian packages poppler-utils and libreoffice-writer, and
# python3-openpyxl through /usr/bin/python3 to read the lesson titles.
set -euo pipefail

fail() {
    echo "test_report_english: $*" >&2
    exit 1
}

: "${KYOKUN:?KYOKUN must name the built kyokun binary; run this test through ctest}"
: "${KY_SOURCE_DIR:?KY_SOURCE_DIR must name the project root; run this test through ctest}"
sample="$KY_SOURCE_DIR/samples/guide-case.en.xlsx"
python=/usr/bin/python3
for tool in soffice pdftotext timeout; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (Debian packages: libreoffice-writer, poppler-utils)"
done
[ -f "$sample" ] || fail "the sample $sample does not exist"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000

"$KYOKUN" convert --lang en --organization "Quality Group" "$sample" -t lesson-report \
    -o "$tmp/report.odt" || fail "kyokun convert --lang en failed on $sample"
timeout 180 soffice -env:UserInstallation="file://$tmp/lo" --headless --convert-to pdf \
    --outdir "$tmp" "$tmp/report.odt" >"$tmp/soffice.log" 2>&1 \
    || { cat "$tmp/soffice.log" >&2; fail "LibreOffice could not convert the report to PDF"; }
[ -s "$tmp/report.pdf" ] || fail "LibreOffice wrote no PDF"

# -raw keeps the order in which LibreOffice drew the text, so on the chart's
# page the chart's text comes before the page heading. White space is removed
# because pdftotext breaks long lines.
text="$(pdftotext -raw "$tmp/report.pdf" - | tr -d ' \t\r\n\f')"

# Assert that the labels occur in this order, each after the previous one.
expect_in_order() {
    local rest="$text" label
    for label in "$@"; do
        case "$rest" in
            *"$label"*) rest="${rest#*"$label"}" ;;
            *) fail "the PDF text has no '$label' after the previous label" ;;
        esac
    done
}

first_title="$("$python" - "$sample" <<'PYTHON'
import sys
import openpyxl

sheet = openpyxl.load_workbook(sys.argv[1])["Lessons"]
row = [cell.value for cell in sheet[2]]
print("[%s]%s" % (row[0], row[1]))
PYTHON
)" || fail "reading the first lesson's id and title from $sample failed"
first_title="$(tr -d ' \t\r' <<<"$first_title")"

expect_in_order "guide-case.en" "LessonsfromITsystemfailures" "Organisation:QualityGroup" \
    "Created:2023-11-14" "Generatedby:kyokun" "Lessons:5" \
    "Contents" "$first_title" "Incidentsbymaincause" "Incidentstatustable" "Why-whyanalysis" "Index" \
    "$first_title" Problem Cause Directcause Rootcause Countermeasures Recurrenceprevention \
    Preventivemeasures Effect Lesson Classification No. Category Result Purposeofuse \
    Informationsystemimportance Softwarelife-cycleprocess Operationandserviceprocess Keywords \
    "Incidents" "Cumulativeshare(%)" "Maincause" "Incidentsbymaincause" \
    "Figure:incidentsbymaincause(Paretochart)" \
    "Incidentstatustable" "Time" "Why-whyanalysis" "Why1" "(rootcause)" \
    "Index" "Purposeofuse" "Keywords"

for label in 問題 原因 直接原因 根本原因 対策 再発防止策 未然防止策 効果 教訓 分類 項番 \
        分類カテゴリ 分類結果 活用する目的 キーワード 目次 作成日 障害状況表 なぜなぜ分析 \
        索引 障害件数 累積比率 主な原因 推定; do
    case "$text" in
        *"$label"*) fail "the English PDF has the Japanese label '$label'" ;;
    esac
done

echo "test_report_english: English labels in order, no Japanese labels"
