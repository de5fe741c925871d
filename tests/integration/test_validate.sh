#!/usr/bin/env bash
# `kyokun validate` end to end. The guide's sample has warnings but no
# errors, and --strict turns the warnings into a failure. The --format csv
# output parses with Python's csv module. A generated workbook with one
# flawed lesson or risk per rule reports exactly the expected rule ids.
# Reading warnings and errors are findings that the summary counts, and a
# problem that both the mapping and a rule report is listed once.
set -euo pipefail

: "${KYOKUN:?KYOKUN must name the kyokun binary to test}"
: "${KY_SOURCE_DIR:?KY_SOURCE_DIR must name the source tree}"

# English messages; the python3 first on PATH may lack openpyxl.
unset LC_ALL LC_MESSAGES LANGUAGE
export LANG=C.UTF-8
python=/usr/bin/python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Run a command, keeping its exit status in $status and its output in $tmp/out and $tmp/err.
run() {
    set +e
    "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
    set -e
}

# expect STATUS COMMAND...: run it and fail unless it exits with STATUS.
expect() {
    local want=$1
    shift
    run "$@"
    if [ "$status" -ne "$want" ]; then
        fail "'$*' exited with $status, expected $want; stdout: $(head -c 2000 "$tmp/out"); stderr: $(head -c 2000 "$tmp/err")"
    fi
}

# Fail unless the file $1 contains the fixed string $2.
contains() {
    grep -qF -- "$2" "$1" || fail "$3: '$2' not found in: $(head -c 2000 "$1")"
}

sample=$KY_SOURCE_DIR/samples/guide-case.ja.xlsx

# --- the guide's sample -----------------------------------------------------

# G7 has no preventive measures because the guide lists only recurrence-prevention
# measures for it, and T16's title is longer than 40 characters: warnings, not errors.
expect 0 "$KYOKUN" validate "$sample"
if grep -q ': error: ' "$tmp/out"; then
    fail "the sample has error findings: $(cat "$tmp/out")"
fi
contains "$tmp/out" "[lesson.measures-incomplete]" "G7's missing preventive measures"
contains "$tmp/out" "warning: " "sample findings are warnings"
contains "$tmp/out" "(fix: " "each finding has a fix"
contains "$tmp/err" "0 errors" "summary"
contains "$tmp/err" "in 5 lessons, 9 risks" "summary counts"

expect 1 "$KYOKUN" validate --strict "$sample"

# A longer title limit removes the title warning and leaves G7's.
expect 0 "$KYOKUN" validate --title-max 50 "$sample"
if grep -qF "[lesson.title-too-long]" "$tmp/out"; then
    fail "--title-max 50 still reports long titles: $(cat "$tmp/out")"
fi

# English titles are limited in words: 4 of the 5 titles of the English
# sample have more than 12 words, and none of them is measured in characters.
en_sample=$KY_SOURCE_DIR/samples/guide-case.en.xlsx
expect 0 "$KYOKUN" validate "$en_sample"
title_warnings=$(grep -cF "[lesson.title-too-long]" "$tmp/out" || true)
[ "$title_warnings" -eq 4 ] || fail "expected 4 long English titles, got $title_warnings: $(cat "$tmp/out")"
contains "$tmp/out" "the title has 15 words, more than the maximum of 12" "English title in words"
if grep -qF "characters, more than" "$tmp/out"; then
    fail "an English title was measured in characters: $(cat "$tmp/out")"
fi
expect 0 "$KYOKUN" validate --title-max-words 20 "$en_sample"
if grep -qF "[lesson.title-too-long]" "$tmp/out"; then
    fail "--title-max-words 20 still reports long titles: $(cat "$tmp/out")"
fi

# --- help --------------------------------------------------------------------

expect 0 "$KYOKUN" validate --help
contains "$tmp/out" "--title-max-words N" "--title-max-words in the help"
contains "$tmp/out" "(default: 12)" "default word limit in the help"
expect 0 "$KYOKUN" --help
contains "$tmp/out" "check lessons and risks against the guide's rules" "command summary"

# --- CSV output ---------------------------------------------------------------

expect 0 "$KYOKUN" validate --format csv "$sample"
"$python" - "$tmp/out" <<'EOF' || fail "validate --format csv output is not the expected CSV"
import csv
import sys

with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
header = ["rule", "severity", "file", "sheet", "row", "record_id", "message", "fix", "column"]
if rows[0] != header:
    sys.exit(f"header {rows[0]!r}, expected {header!r}")
records = rows[1:]
if not records:
    sys.exit("no findings in the CSV")
for record in records:
    if len(record) != len(header):
        sys.exit(f"record with {len(record)} fields: {record!r}")
    if record[1] != "warning":
        sys.exit(f"severity {record[1]!r} in {record!r}")
    if not record[4].isdigit() or not record[6] or not record[7]:
        sys.exit(f"row, message or fix missing in {record!r}")
if not any(r[0] == "lesson.measures-incomplete" and r[5] == "G7" for r in records):
    sys.exit("no lesson.measures-incomplete finding for G7")
EOF

# --- usage errors -------------------------------------------------------------

expect 2 "$KYOKUN" validate
expect 2 "$KYOKUN" validate --format xml "$sample"
contains "$tmp/err" "xml" "invalid --format"
expect 2 "$KYOKUN" validate --title-max 0 "$sample"
expect 2 "$KYOKUN" validate --title-max-words 0 "$sample"
expect 2 "$KYOKUN" validate --title-max-words 201 "$sample"

# --- reading problems are findings --------------------------------------------

# A missing input is an error finding, counted in the summary.
expect 1 "$KYOKUN" validate "$tmp/missing.xlsx"
contains "$tmp/out" "error: [input.read-failed]" "missing input as a finding"
contains "$tmp/err" "1 error, 0 warnings in 0 lessons, 0 risks" "summary of a missing input"

# An unclosed quote stops the reading: one error, in text and CSV.
expect 1 "$KYOKUN" validate "$KY_SOURCE_DIR/samples/bad/broken-quote.csv"
contains "$tmp/out" "row 3, column D: error: [input.read-failed]" "unclosed quote as a finding"
contains "$tmp/err" "1 error, 0 warnings" "summary counts the unclosed quote"
expect 1 "$KYOKUN" validate --format csv "$KY_SOURCE_DIR/samples/bad/broken-quote.csv"
contains "$tmp/out" "input.read-failed,error," "unclosed quote in the CSV"

# Invalid levels are mapping warnings. The typed C that differs from A x B is
# reported once, by risk.c-mismatch, and not again as mapping.risk-value-mismatch.
bad_values=$KY_SOURCE_DIR/samples/bad/risk-bad-values.xlsx
expect 1 "$KYOKUN" validate "$bad_values"
contains "$tmp/out" 'E4: warning: [mapping.invalid-level] invalid level "高い"' "invalid level"
contains "$tmp/out" "G6: error: [risk.c-mismatch]" "C mismatch"
if grep -qF "mapping.risk-value-mismatch" "$tmp/out" "$tmp/err"; then
    fail "the C mismatch is reported twice: $(cat "$tmp/out" "$tmp/err")"
fi
if grep -q "^kyokun: .*warning" "$tmp/err"; then
    fail "reading warnings still go to standard error: $(cat "$tmp/err")"
fi
contains "$tmp/err" "1 error, 2 warnings in 0 lessons, 5 risks" "summary counts reading warnings"
expect 1 "$KYOKUN" validate --format csv "$bad_values"
"$python" - "$tmp/out" <<'EOF' || fail "reading warnings missing from the CSV"
import csv
import sys

with open(sys.argv[1], newline="", encoding="utf-8") as f:
    records = list(csv.DictReader(f))
found = sorted((r["rule"], r["severity"], r["row"]) for r in records)
expected = [
    ("mapping.invalid-level", "warning", "4"),
    ("mapping.invalid-level", "warning", "5"),
    ("risk.c-mismatch", "error", "6"),
]
if found != expected:
    sys.exit(f"findings {found!r}, expected {expected!r}")
EOF

# Two cells of one row keep their columns apart in the CSV, as in the text.
"$python" - "$tmp/two-cells.xlsx" <<'EOF'
import sys

import openpyxl

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "リスク管理表"
ws.append(["No.", "カテゴリー", "リスク内容", "影響内容", "A:影響度", "B:発生度", "C:リスク値"])
ws.append([1, "運用", "負荷分散装置の障害", "サービス停止", 3, 2, 6])
ws.append([2, "運用", "パッチの適用漏れ", "既知の不具合による停止", "すごく", "すごく", None])
wb.save(sys.argv[1])
EOF
expect 0 "$KYOKUN" validate "$tmp/two-cells.xlsx"
cp "$tmp/out" "$tmp/two-cells.txt"
expect 0 "$KYOKUN" validate --format csv "$tmp/two-cells.xlsx"
"$python" - "$tmp/out" "$tmp/two-cells.txt" <<'EOF' || fail "the CSV findings lose the column of their cell"
import csv
import sys

with open(sys.argv[1], newline="", encoding="utf-8") as f:
    records = list(csv.DictReader(f))
text = open(sys.argv[2], encoding="utf-8").read()
levels = sorted((r["row"], r["column"]) for r in records if r["rule"] == "mapping.invalid-level")
if levels != [("3", "E"), ("3", "F")]:
    sys.exit(f"invalid levels at {levels!r}, expected row 3, columns E and F")
for record in records:
    if record["column"] and f"{record['sheet']}!{record['column']}{record['row']}: " not in text:
        sys.exit(f"{record['column']}{record['row']} of {record['rule']} is not in the text output")
rows = [tuple(r.values()) for r in records]
if len(set(rows)) != len(rows):
    sys.exit(f"identical CSV records: {rows!r}")
EOF

# --quiet keeps the reading warnings, because they are findings, but drops the summary.
expect 1 "$KYOKUN" validate --quiet "$bad_values"
contains "$tmp/out" "[mapping.invalid-level]" "reading warnings with --quiet"
[ ! -s "$tmp/err" ] || fail "--quiet printed to standard error: $(cat "$tmp/err")"

# An input with no table gives two warnings: the mapping's and validate's own.
expect 0 "$KYOKUN" validate "$KY_SOURCE_DIR/samples/bad/no-header.xlsx"
contains "$tmp/out" "warning: [mapping.no-header]" "no header row"
contains "$tmp/out" "warning: [input.no-records]" "nothing checked"
contains "$tmp/err" "0 errors, 2 warnings" "summary of an input with no table"
expect 1 "$KYOKUN" validate --strict "$KY_SOURCE_DIR/samples/bad/no-header.xlsx"
# An incident list has no lessons or risks, but the privacy rules still check its
# text, so the warning states that they were the only ones checked.
expect 0 "$KYOKUN" validate "$KY_SOURCE_DIR/samples/anonymize/incidents-with-names.csv"
contains "$tmp/out" "no lessons or risks found, so only the privacy rules were checked" \
    "no-records warning of an incident list"
contains "$tmp/out" "warning: [privacy.person-name]" "privacy warnings of an incident list"

# --- one flawed record per rule ----------------------------------------------

"$python" - "$tmp/flawed.xlsx" <<'EOF'
import sys

import openpyxl

clean = {
    "id": "G1",
    "title": "構成機器の修正情報を２週間ごとに確認すべし",
    "problem": "負荷分散装置の障害でオンラインサービスが丸一日停止した。",
    "direct": "既知の不具合でメモリ資源が枯渇した。",
    "root": "修正情報の確認周期が３ヶ月に１回と粗かった。",
    "recurrence": "修正情報の確認周期を２週間に１回に変更する。",
    "preventive": "構成機器ごとに修正情報の入手元と担当者を決める。",
}
# Each lesson changes the clean one so that it breaks one rule.
flaws = [
    ("lesson.id-missing", {"id": None}),
    ("lesson.id-duplicate", {"id": "G1"}),
    ("lesson.title-missing", {"title": None}),
    ("lesson.title-too-long", {"title": "整" * 41}),
    ("lesson.title-negative", {"title": "再鑑を怠らない"}),
    ("lesson.problem-equals-cause", {"problem": "既知の不具合でメモリ資源が枯渇した。"}),
    ("lesson.direct-cause-missing", {"direct": None}),
    ("lesson.root-cause-missing", {"root": None}),
    ("lesson.measures-incomplete", {"preventive": None}),
    ("lesson.root-cause-blames-person", {"root": "作業者の不注意"}),
]
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "教訓"
ws.append(["教訓ID", "教訓概要", "問題", "直接原因", "根本原因", "再発防止策", "未然防止策"])
ws.append([clean[k] for k in clean])
for number, (rule, change) in enumerate(flaws, start=2):
    lesson = dict(clean, id=f"G{number}")
    lesson.update(change)
    ws.append([lesson[k] for k in clean])
# A lesson whose missing preventive measures are marked not applicable breaks no rule.
ws.append([dict(clean, id="G99")[k] for k in clean][:6] + ["該当なし"])

risks = wb.create_sheet("リスク管理表")
risks.append(["No.", "カテゴリー", "リスク内容", "影響内容", "A:影響度", "B:発生度", "C:リスク値",
              "想定対応方法"])
risks.append([1, "運用", "負荷分散装置の障害", "サービス停止", 3, 2, 6, "定期的に再起動する"])
risks.append([2, "運用", "パッチの適用漏れ", "既知の不具合による停止", 2, 3, 5, "確認周期を短くする"])
wb.save(sys.argv[1])
EOF

expect 1 "$KYOKUN" validate --format csv "$tmp/flawed.xlsx"
"$python" - "$tmp/out" <<'EOF' || fail "the flawed workbook did not give one finding per rule"
import csv
import sys

with open(sys.argv[1], newline="", encoding="utf-8") as f:
    records = list(csv.DictReader(f))
expected = {
    "lesson.id-missing": "",
    "lesson.id-duplicate": "G1",
    "lesson.title-missing": "G4",
    "lesson.title-too-long": "G5",
    "lesson.title-negative": "G6",
    "lesson.problem-equals-cause": "G7",
    "lesson.direct-cause-missing": "G8",
    "lesson.root-cause-missing": "G9",
    "lesson.measures-incomplete": "G10",
    "lesson.root-cause-blames-person": "G11",
    "risk.c-mismatch": "2",
}
found = {}
for record in records:
    if record["rule"] in found:
        sys.exit(f"rule {record['rule']} reported twice: {records!r}")
    found[record["rule"]] = record["record_id"]
if found != expected:
    sys.exit(f"rules and record ids {found!r}, expected {expected!r}")
EOF

# G3 repeats the ID of G1 in the same sheet, which the mapping reports as
# mapping.duplicate-id. The check above finds it only once, as lesson.id-duplicate.
# The text output of the same workbook names the flawed rows.
expect 1 "$KYOKUN" validate "$tmp/flawed.xlsx"
contains "$tmp/out" "[risk.c-mismatch]" "text output"
contains "$tmp/out" "error: [lesson.id-missing]" "text output severity"
contains "$tmp/err" "7 errors, 4 warnings in 12 lessons, 2 risks" "summary of the flawed workbook"
if grep -qF "mapping." "$tmp/out" "$tmp/err"; then
    fail "a mapping diagnostic repeats a rule's finding: $(cat "$tmp/out" "$tmp/err")"
fi

# --- Japanese summary ---------------------------------------------------------

if locale -a 2>/dev/null | grep -qiE '^ja_JP\.utf-?8$'; then
    LANG=ja_JP.UTF-8 expect 0 "$KYOKUN" validate "$sample"
    contains "$tmp/err" "教訓 5 件、リスク 9 件を検査しました: エラー 0 件、警告 2 件" \
        "Japanese summary"
fi

echo "validate: all checks passed"
