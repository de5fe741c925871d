#!/usr/bin/env bash
# Batch conversion: a folder with good, broken and nested files converted
# with -j 1 and -j 2 to the same bytes, per-file errors, the summary CSV
# checked against `kyokun inspect`, the progress line only on a terminal,
# --merge keeping records whose ids collide, and a worker killed by a
# signal. Stops at the first failed check.
set -euo pipefail

: "${KYOKUN:?KYOKUN must name the kyokun binary to test}"
: "${KY_SOURCE_DIR:?KY_SOURCE_DIR must name the source tree}"
: "${KY_PYTHON:=/usr/bin/python3}"

unset LC_ALL LC_MESSAGES LANGUAGE
export LANG=C.UTF-8
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1700000000}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Run a command, keeping its exit status in $status and its output in
# $tmp/out and $tmp/err.
run() {
    set +e
    "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
    set -e
}

expect() {
    local want=$1
    shift
    run "$@"
    if [ "$status" -ne "$want" ]; then
        fail "'$*' exited with $status, expected $want; stderr: $(head -c 3000 "$tmp/err")"
    fi
}

contains() {
    grep -qF -- "$2" "$1" || fail "$3: '$2' not found in: $(head -c 3000 "$1")"
}

# --- the input folder -------------------------------------------------------

in="$tmp/in"
mkdir -p "$in/2023" "$in/2024/q1" "$in/.cache" "$in/bad"
cp "$KY_SOURCE_DIR/samples/incidents.cp932.csv" "$in/2023/incidents.csv"
cp "$KY_SOURCE_DIR/samples/incidents.cp932.csv" "$in/2024/incidents.csv"
cp "$KY_SOURCE_DIR/samples/guide-case.ja.xlsx" "$in/2024/q1/guide.xlsx"
"$KY_PYTHON" - "$in/2024/q1/small.csv" <<'PY'
import sys
rows = ["No.,発生日時,システム名,障害の概要,主な原因",
        "101,2024/4/1 9:00,会計システム,夜間バッチが停止した,ソフトウェアの誤り",
        "102,2024/4/2 10:30,会計システム,帳票の出力が遅延した,運用方法・手順等の誤り",
        "103,2024/4/3 11:00,人事システム,ログインできなかった,ハードウェア故障・性能低下等"]
open(sys.argv[1], "w", encoding="utf-8", newline="").write("\r\n".join(rows) + "\r\n")
PY
# A zip cut short, binary junk and an empty file: each must fail on its own.
head -c 3000 "$KY_SOURCE_DIR/samples/guide-case.ja.xlsx" > "$in/bad/corrupt.xlsx"
"$KY_PYTHON" -c 'import random, sys; random.seed(7); sys.stdout.buffer.write(bytes(random.randrange(256) for _ in range(4096)))' > "$in/bad/junk.xlsx"
: > "$in/bad/empty.csv"
# Files that the walk must skip: hidden, an earlier output, no input extension.
cp "$in/2023/incidents.csv" "$in/.cache/hidden.csv"
cp "$in/2023/incidents.csv" "$in/.hidden.csv"
cp "$in/2023/incidents.csv" "$in/2023/old.stats.csv"
echo "notes" > "$in/2023/notes.md"

good_inputs=("$in/2023/incidents.csv" "$in/2024/incidents.csv" "$in/2024/q1/guide.xlsx"
             "$in/2024/q1/small.csv")
bad_inputs=("$in/bad/corrupt.xlsx" "$in/bad/empty.csv" "$in/bad/junk.xlsx")

# --- -j 1 and -j 2 give the same outputs -------------------------------------

expect 1 "$KYOKUN" convert -j 1 -o "$tmp/out1/" "$in"
cp "$tmp/err" "$tmp/err1"
expect 1 "$KYOKUN" convert -j 2 -o "$tmp/out2/" "$in"
cp "$tmp/err" "$tmp/err2"

(cd "$tmp/out1" && find . -type f | sort) > "$tmp/files1"
(cd "$tmp/out2" && find . -type f | sort) > "$tmp/files2"
diff "$tmp/files1" "$tmp/files2" || fail "-j 1 and -j 2 wrote different files"
while read -r file; do
    cmp "$tmp/out1/$file" "$tmp/out2/$file" || fail "$file differs between -j 1 and -j 2"
done < "$tmp/files1"
sed "s#$tmp/out1/#$tmp/out2/#g" "$tmp/err1" | diff - "$tmp/err2" \
    || fail "the messages of -j 1 and -j 2 differ"

# Outputs mirror the input folders, so the two incidents.csv do not collide.
for base in 2023/incidents 2024/incidents 2024/q1/guide 2024/q1/small; do
    for kind in risk-register.xlsx lesson-report.odt stats.csv; do
        [ -s "$tmp/out1/$base.$kind" ] || fail "no output $base.$kind: $(cat "$tmp/files1")"
    done
done
if grep -qE 'bad/|hidden|old\.|notes' "$tmp/files1"; then
    fail "outputs written for broken or skipped files: $(cat "$tmp/files1")"
fi
[ "$(grep -c . "$tmp/files1")" -eq 13 ] \
    || fail "expected 12 outputs and the summary: $(cat "$tmp/files1")"

contains "$tmp/err1" "$in/bad/corrupt.xlsx: error: " "the corrupt zip is reported"
contains "$tmp/err1" "$in/bad/junk.xlsx: error: " "the binary junk is reported"
contains "$tmp/err1" "$in/bad/empty.csv: error: the file is empty" "the empty file is reported"
contains "$tmp/err1" "kyokun: 7 files: 4 converted, 3 failed;" "the totals line"
if grep -qE 'hidden|old\.stats|notes\.md' "$tmp/err1"; then
    fail "a skipped file was converted: $(cat "$tmp/err1")"
fi
# Without -v the skipped files are not listed; with it each one is.
expect 0 "$KYOKUN" convert -v -j 2 -t stats -o "$tmp/out-v/" "$in/2023"
contains "$tmp/err" "$in/2023/old.stats.csv: info: skipped: named like a kyokun output" "-v names skipped outputs"
contains "$tmp/err" "$in/2023/notes.md: info: skipped: no input plugin lists this extension" "-v names other files"

# --- inputs that share a base name -------------------------------------------

# A workbook beside its CSV export, and a broken pair: each input's outputs are
# named after its whole file name, so none blocks the other, with any -j.
pair="$tmp/pair"
mkdir -p "$pair"
cp "$KY_SOURCE_DIR/samples/guide-case.ja.xlsx" "$pair/foo.xlsx"
cp "$in/2024/q1/small.csv" "$pair/foo.csv"
head -c 3000 "$KY_SOURCE_DIR/samples/guide-case.ja.xlsx" > "$pair/junk.xlsx"
: > "$pair/junk.csv"
expect 1 "$KYOKUN" convert -v -j 1 -o "$tmp/pair1/" "$pair"
cp "$tmp/err" "$tmp/pair-err1"
contains "$tmp/err" "info: $pair/foo.csv and $pair/foo.xlsx have the same base name and output folder" \
    "-v says why outputs are named after the whole file name"
[ "$(grep -c "have the same base name" "$tmp/err")" -eq 1 ] \
    || fail "the whole-name note is not printed once: $(cat "$tmp/err")"
if grep -q "would overwrite" "$tmp/err"; then
    fail "inputs sharing a base name in a folder still block each other: $(cat "$tmp/err")"
fi
expect 1 "$KYOKUN" convert -j 2 -o "$tmp/pair2/" "$pair"
(cd "$tmp/pair1" && find . -type f | sort) > "$tmp/pair-files1"
(cd "$tmp/pair2" && find . -type f | sort) > "$tmp/pair-files2"
printf '%s\n' ./foo.csv.lesson-report.odt ./foo.csv.risk-register.xlsx ./foo.csv.stats.csv \
    ./foo.xlsx.lesson-report.odt ./foo.xlsx.risk-register.xlsx ./foo.xlsx.stats.csv \
    ./kyokun-summary.csv | diff - "$tmp/pair-files1" || fail "outputs of the pair are not named after the whole file names"
diff "$tmp/pair-files1" "$tmp/pair-files2" || fail "-j 1 and -j 2 wrote different files for the pair"
while read -r file; do
    cmp "$tmp/pair1/$file" "$tmp/pair2/$file" || fail "$file of the pair differs between -j 1 and -j 2"
done < "$tmp/pair-files1"
# Each register contains the records of its own input: 3 incidents from the CSV, 5 lessons from the workbook.
"$KY_PYTHON" - "$tmp/pair1" <<'PY'
import sys
import openpyxl

folder = sys.argv[1]
failures = []
csv_book = openpyxl.load_workbook(f"{folder}/foo.csv.risk-register.xlsx")
incidents = csv_book["Incidents"] if "Incidents" in csv_book.sheetnames else csv_book["障害一覧"]
if incidents.max_row - 1 != 3:
    failures.append(f"foo.csv.risk-register.xlsx has {incidents.max_row - 1} incidents, expected 3")
xlsx_book = openpyxl.load_workbook(f"{folder}/foo.xlsx.risk-register.xlsx")
lessons = xlsx_book["Lessons"] if "Lessons" in xlsx_book.sheetnames else xlsx_book["教訓一覧"]
ids = [row[0] for row in lessons.iter_rows(min_row=2, values_only=True) if row[0]]
if len(ids) != 5:
    failures.append(f"foo.xlsx.risk-register.xlsx lists lessons {ids}, expected 5")
for failure in failures:
    print("FAIL:", failure, file=sys.stderr)
sys.exit(1 if failures else 0)
PY

# Two operands with the same file name from different folders still collide in one -o folder.
mkdir -p "$tmp/twin-a" "$tmp/twin-b"
cp "$in/2024/q1/small.csv" "$tmp/twin-a/foo.csv"
cp "$in/2024/q1/small.csv" "$tmp/twin-b/foo.csv"
expect 1 "$KYOKUN" convert -j 2 -t stats -o "$tmp/twins/" "$tmp/twin-a/foo.csv" "$tmp/twin-b/foo.csv" "$pair/foo.xlsx"
contains "$tmp/err" "error: $tmp/twin-b/foo.csv was not converted: its outputs would overwrite those of $tmp/twin-a/foo.csv" \
    "the same file name from two folders"
contains "$tmp/err" "kyokun: 3 files: 2 converted, 1 failed;" "the totals count the input that was not started"
[ -s "$tmp/twins/foo.csv.stats.csv" ] && [ -s "$tmp/twins/foo.xlsx.stats.csv" ] \
    || fail "the inputs that do not collide were not converted: $(ls "$tmp/twins")"

# The message column of the summary repeats the first error line of each input.
"$KY_PYTHON" - "$tmp/pair1/kyokun-summary.csv" "$tmp/pair-err1" "$tmp/twins/kyokun-summary.csv" "$tmp/err" <<'PY'
import csv, sys

failures = []
for summary_path, err_path in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    rows = list(csv.DictReader(open(summary_path, encoding="utf-8-sig", newline="")))
    header = list(rows[0].keys()) if rows else []
    if header[-1:] != ["message"] or header[:2] != ["file", "status"]:
        failures.append(f"{summary_path}: header {header}")
    lines = open(err_path, encoding="utf-8").read().splitlines()
    for row in rows:
        path = row["file"]
        if row["status"] == "converted":
            if row["message"]:
                failures.append(f"{path}: converted with message {row['message']!r}")
            continue
        # The terminal line is "kyokun: PATH: error: ..." or, for a planning error, "kyokun: error: PATH ...".
        errors = [line for line in lines
                  if line.startswith(f"kyokun: {path}: error: ")
                  or line.startswith(f"kyokun: error: {path} ")]
        if not errors:
            failures.append(f"{path}: no error line on the terminal")
            continue
        expected = errors[0].removeprefix("kyokun: ").removeprefix(f"{path}: ")
        if row["message"] != expected:
            failures.append(f"{path}: message {row['message']!r}, terminal {expected!r}")
for failure in failures:
    print("FAIL:", failure, file=sys.stderr)
sys.exit(1 if failures else 0)
PY
grep -q "twin-b/foo.csv,not started," "$tmp/twins/kyokun-summary.csv" \
    || fail "the colliding input is not listed as not started: $(cat "$tmp/twins/kyokun-summary.csv")"

# The progress line counts the input that was not started, so it ends at 3/3.
cmd="$(printf '%q ' "$KYOKUN" convert --force -j 2 -t stats -o "$tmp/twins/" "$tmp/twin-a/foo.csv" "$tmp/twin-b/foo.csv" "$pair/foo.xlsx")"
script -qec "$cmd" /dev/null > "$tmp/tty-twins" 2>&1 || true
grep -q $'\r\033\\[Kkyokun: 3/3 files' "$tmp/tty-twins" \
    || fail "the progress line does not end at 3/3: $(cat -A "$tmp/tty-twins" | head -c 3000)"
if grep -q "/2 files" "$tmp/tty-twins"; then
    fail "the progress total leaves out the input that was not started: $(cat -A "$tmp/tty-twins" | head -c 3000)"
fi

# --- the summary CSV against `kyokun inspect` ---------------------------------

for file in "${good_inputs[@]}"; do
    expect 0 "$KYOKUN" inspect "$file"
    cp "$tmp/out" "$tmp/inspect-$(echo "$file" | tr '/' '_')"
done
"$KY_PYTHON" - "$tmp" "$tmp/out1/kyokun-summary.csv" "${good_inputs[@]}" -- "${bad_inputs[@]}" <<'PY'
import csv, re, sys

tmp, summary_path = sys.argv[1], sys.argv[2]
rest = sys.argv[3:]
good = rest[:rest.index("--")]
bad = rest[rest.index("--") + 1:]
failures = []

raw = open(summary_path, "rb").read()
if not raw.startswith(b"\xef\xbb\xbf"):
    failures.append("the summary does not start with a UTF-8 byte order mark")
if b"\r\n" not in raw or raw.replace(b"\r\n", b"").count(b"\n"):
    failures.append("the summary lines do not end in CRLF")
rows = list(csv.DictReader(open(summary_path, encoding="utf-8-sig", newline="")))
files = [row["file"] for row in rows]
if files != sorted(good + bad):
    failures.append(f"summary files {files} are not the inputs in byte order {sorted(good + bad)}")

by_file = {row["file"]: row for row in rows}
for path in good:
    row = by_file.get(path)
    if row is None:
        continue
    text = open(f"{tmp}/inspect-{path.replace('/', '_')}", encoding="utf-8").read()
    counts = [tuple(map(int, m)) for m in re.findall(r"rows: (\d+) = (\d+) mapped \+ (\d+) skipped", text)]
    if not counts:
        failures.append(f"inspect printed no row counts for {path}")
        continue
    expected = {"rows": sum(c[0] for c in counts), "mapped": sum(c[1] for c in counts),
                "skipped": sum(c[2] for c in counts)}
    for column, value in expected.items():
        if int(row[column]) != value:
            failures.append(f"{path}: {column} is {row[column]} in the summary, {value} in inspect")
    if int(row["mapped"]) + int(row["skipped"]) != int(row["rows"]):
        failures.append(f"{path}: mapped + skipped != rows")
    if row["status"] != "converted" or row["errors"] != "0":
        failures.append(f"{path}: status {row['status']}, errors {row['errors']}")
for path in bad:
    row = by_file.get(path)
    if row is None:
        continue
    if row["status"] != "failed" or int(row["errors"]) < 1:
        failures.append(f"{path}: status {row['status']}, errors {row['errors']}; expected failed")
guide = by_file.get(next(p for p in good if p.endswith("guide.xlsx")))
if guide and (guide["lessons"], guide["risks"]) != ("5", "9"):
    failures.append(f"guide.xlsx: {guide['lessons']} lessons and {guide['risks']} risks, expected 5 and 9")
small = by_file.get(next(p for p in good if p.endswith("small.csv")))
if small and (small["rows"], small["mapped"], small["incidents"]) != ("4", "3", "3"):
    failures.append(f"small.csv: rows {small['rows']}, mapped {small['mapped']}, incidents {small['incidents']}")
for failure in failures:
    print("FAIL:", failure, file=sys.stderr)
sys.exit(1 if failures else 0)
PY

# The summary is an output too: it is replaced only with --force.
expect 0 "$KYOKUN" convert -t stats -o "$tmp/out-sum/" "$in/2023" "$in/2024/q1/small.csv"
[ -s "$tmp/out-sum/kyokun-summary.csv" ] || fail "no summary for two inputs"
before=$(md5sum < "$tmp/out-sum/kyokun-summary.csv")
expect 1 "$KYOKUN" convert -t stats -o "$tmp/out-sum/" "$in/2023" "$in/2024/q1/small.csv"
contains "$tmp/err" "$tmp/out-sum/kyokun-summary.csv: error: the file exists; use --force to overwrite it" \
    "an existing summary is kept"
[ "$(md5sum < "$tmp/out-sum/kyokun-summary.csv")" = "$before" ] || fail "the summary changed without --force"
expect 0 "$KYOKUN" convert --force -t stats -o "$tmp/out-sum/" "$in/2024/q1/small.csv" "$in/2024/q1/guide.xlsx"
grep -q "guide.xlsx,converted," "$tmp/out-sum/kyokun-summary.csv" \
    || fail "--force did not replace the summary: $(cat "$tmp/out-sum/kyokun-summary.csv")"
[ "$(grep -c . "$tmp/out-sum/kyokun-summary.csv")" -eq 3 ] \
    || fail "the replaced summary has other rows: $(cat "$tmp/out-sum/kyokun-summary.csv")"
# One input file is no batch: no summary and no totals.
expect 0 "$KYOKUN" convert -t stats -o "$tmp/out-one/" "$in/2024/q1/small.csv"
[ ! -e "$tmp/out-one/kyokun-summary.csv" ] || fail "a summary was written for one input"
if grep -q "files:" "$tmp/err"; then
    fail "totals printed for one input: $(cat "$tmp/err")"
fi
# A folder with no input file is an error, and the other operands still run.
mkdir "$tmp/nothing"
echo "text" > "$tmp/nothing/readme.md"
expect 1 "$KYOKUN" convert -t stats -o "$tmp/out-nothing/" "$tmp/nothing" "$in/2024/q1/small.csv"
contains "$tmp/err" "$tmp/nothing: error: no input file was found in this folder" "an empty folder"
[ -s "$tmp/out-nothing/small.stats.csv" ] || fail "the input beside an empty folder was not converted"

# --- progress line ----------------------------------------------------------

# stderr is a file here, so there is no progress line.
if grep -q $'\r' "$tmp/err1" || grep -q "/7 files" "$tmp/err1"; then
    fail "a progress line was written to a file: $(cat -A "$tmp/err1" | head -c 2000)"
fi
# script(1) gives the command a terminal; the progress line is redrawn with CR.
cmd="$(printf '%q ' "$KYOKUN" convert -j 2 -o "$tmp/out-tty/" "$in")"
script -qec "$cmd" /dev/null > "$tmp/tty" 2>&1 || true
grep -q $'\r\033\\[Kkyokun: 7/7 files' "$tmp/tty" \
    || fail "no progress line on a terminal: $(cat -A "$tmp/tty" | head -c 3000)"
grep -q $'\r\033\\[Kkyokun: 0/7 files' "$tmp/tty" \
    || fail "the progress line does not start at 0: $(cat -A "$tmp/tty" | head -c 3000)"
# -q prints errors only, so no progress either.
script -qec "$cmd -q --force" /dev/null > "$tmp/tty-quiet" 2>&1 || true
if grep -q "files," "$tmp/tty-quiet"; then
    fail "-q showed a progress line: $(cat -A "$tmp/tty-quiet" | head -c 2000)"
fi

# --- --merge keeps records whose ids collide ----------------------------------

"$KY_PYTHON" - "$tmp/other.csv" <<'PY'
import sys
rows = ["No.,発生日時,システム名,障害の概要,主な原因",
        "1,2025/1/6 8:00,物流システム,出荷指示データの連携が停止した,ソフトウェアの誤り",
        "2,2025/1/7 9:00,物流システム,在庫数の表示が二重計上された,ソフトウェアの誤り"]
open(sys.argv[1], "w", encoding="utf-8", newline="").write("\r\n".join(rows) + "\r\n")
PY
expect 0 "$KYOKUN" convert --merge -t risk-register -o "$tmp/merged/" "$in/2023/incidents.csv" "$tmp/other.csv"
contains "$tmp/err" 'incident id "1" is used in two files' "the colliding id 1 is reported"
contains "$tmp/err" 'incident id "2" is used in two files' "the colliding id 2 is reported"
"$KY_PYTHON" - "$tmp/merged/incidents.risk-register.xlsx" "$in/2023/incidents.csv" <<'PY'
import csv, sys
import openpyxl

workbook = openpyxl.load_workbook(sys.argv[1])
sheet = workbook["Incidents"] if "Incidents" in workbook.sheetnames else workbook["障害一覧"]
rows = list(sheet.iter_rows(values_only=True))
header = list(rows[0])
id_col = header.index("ID") if "ID" in header else 0
summary_col = header.index("Summary") if "Summary" in header else 1
source = list(csv.reader(open(sys.argv[2], encoding="cp932", newline="")))
failures = []
for incident_id, ours in (("1", "出荷指示データの連携が停止した"), ("2", "在庫数の表示が二重計上された")):
    theirs = next(r[3] for r in source[1:] if r[0] == incident_id)
    summaries = [r[summary_col] for r in rows[1:] if str(r[id_col]) == incident_id]
    if sorted(summaries) != sorted([theirs, ours]):
        failures.append(f"id {incident_id}: summaries {summaries}, expected {theirs!r} and {ours!r}")
expected_count = len(source) - 1 + 2
if len(rows) - 1 != expected_count:
    failures.append(f"{len(rows) - 1} incidents in the register, expected {expected_count}")
for failure in failures:
    print("FAIL:", failure, file=sys.stderr)
sys.exit(1 if failures else 0)
PY
# --merge writes no summary CSV: its one book is described by the stats output.
[ ! -e "$tmp/merged/kyokun-summary.csv" ] || fail "--merge wrote a summary CSV"
# A merged folder gives one set of outputs in the output folder itself,
# named after the first file in byte order, and totals for all its files.
expect 0 "$KYOKUN" convert --merge -t stats -o "$tmp/merged-folder/" "$in/2024"
[ "$(cd "$tmp/merged-folder" && find . -type f)" = "./incidents.stats.csv" ] \
    || fail "--merge of a folder wrote: $(cd "$tmp/merged-folder" && find . -type f)"
contains "$tmp/err" "kyokun: 3 files: 3 converted, 0 failed;" "the totals of a merged folder"

# --- a worker killed by a signal ----------------------------------------------

if [ -n "${KY_CRASH_PLUGIN_DIR:-}" ] && [ -d "$KY_CRASH_PLUGIN_DIR" ]; then
    mkdir "$tmp/crash"
    cp "$in/2024/q1/small.csv" "$tmp/crash/a.csv"
    printf 'KYOKUN-TEST-CRASH SIGKILL\n' > "$tmp/crash/b.crash"
    printf 'KYOKUN-TEST-CRASH EXIT\n' > "$tmp/crash/b2.crash"
    cp "$in/2024/q1/small.csv" "$tmp/crash/c.csv"
    expect 1 "$KYOKUN" convert --plugin-dir "$KY_CRASH_PLUGIN_DIR" -j 2 -t stats \
        -o "$tmp/out-crash/" "$tmp/crash"
    contains "$tmp/err" "$tmp/crash/b.crash: error: the conversion stopped unexpectedly (signal 9)" \
        "the killed worker is reported"
    contains "$tmp/err" "$tmp/crash/b2.crash: error: the conversion stopped unexpectedly (exit status 3) before it reported its result" \
        "a worker that exits without its result is reported"
    contains "$tmp/err" "kyokun: 4 files: 2 converted, 2 failed;" "the totals count both stopped workers"
    # The worker's half-written line is ended before the next message.
    "$KY_PYTHON" -c 'import sys; sys.exit(sys.argv[2] not in open(sys.argv[1]).read())' \
        "$tmp/err" $'crash plugin: stopping\nkyokun: ' \
        || fail "the worker's half-written line was not ended: $(cat "$tmp/err")"
    [ -s "$tmp/out-crash/a.stats.csv" ] || fail "the input before the crash was not converted"
    [ -s "$tmp/out-crash/c.stats.csv" ] || fail "the input after the crash was not converted"
    grep -q "^$tmp/crash/b.crash,failed," "$tmp/out-crash/kyokun-summary.csv" \
        || fail "the summary does not list the crash as failed: $(cat "$tmp/out-crash/kyokun-summary.csv")"
else
    # The module is built with the tests; without it only the crash check is skipped.
    echo "SKIP: KY_CRASH_PLUGIN_DIR is not set, so the worker crash check did not run" >&2
fi

echo "batch conversion: all checks passed"
