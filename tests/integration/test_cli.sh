#!/usr/bin/env bash
# The kyokun command end to end: exit statuses, the plugin list, dump's CSV
# on generated and corpus inputs, convert with a broken input and with
# existing outputs, and Japanese messages. Stops at the first failed check.
set -euo pipefail

: "${KYOKUN:?KYOKUN must name the kyokun binary to test}"
: "${KY_SHARED:?KY_SHARED must name the shared folder with the corpus}"
: "${KY_SOURCE_DIR:?KY_SOURCE_DIR must name the source tree}"

# English messages unless a check sets another locale.
unset LC_ALL LC_MESSAGES LANGUAGE
export LANG=C.UTF-8

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Run a command, keeping its exit status in $status and its output in
# $tmp/out and $tmp/err (files, so that trailing newlines are kept).
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
        fail "'$*' exited with $status, expected $want; stderr: $(head -c 2000 "$tmp/err")"
    fi
}

# Fail unless the file $1 contains the fixed string $2.
contains() {
    grep -qF -- "$2" "$1" || fail "$3: '$2' not found in: $(head -c 2000 "$1")"
}

# --- version, help and usage errors -----------------------------------------

expect 0 "$KYOKUN" --version
contains "$tmp/out" "kyokun " "--version"
contains "$tmp/out" "libxml2 " "--version"

expect 0 "$KYOKUN" --help
contains "$tmp/out" "convert" "--help lists the commands"
for command in convert inspect dump validate plugins; do
    expect 0 "$KYOKUN" "$command" --help
    contains "$tmp/out" "kyokun $command" "$command --help"
done

# The help lists the input formats of the plugins found at run time, sorted,
# as `kyokun plugins` lists them.
expect 0 "$KYOKUN" plugins
input_formats=$(awk '$0 == "  kind: input" {print previous} {previous = $0}' "$tmp/out" \
    | LC_ALL=C sort | paste -sd, - | sed 's/,/, /g')
case ", $input_formats, " in
    *", csv, "*", xlsx, "*) ;;
    *) fail "plugins lists no csv and xlsx input plugins: '$input_formats'" ;;
esac
formats_line="Input formats: $input_formats (see \`kyokun plugins\`)"
expect 0 "$KYOKUN" --help
contains "$tmp/out" "$formats_line" "--help lists the input formats"
if grep -qF "CSV, xlsx" "$tmp/out"; then
    fail "--help names a fixed list of formats: $(cat "$tmp/out")"
fi
expect 0 "$KYOKUN" convert --help
contains "$tmp/out" "$formats_line" "convert --help lists the input formats"
if grep -qF "CSV or xlsx" "$tmp/out"; then
    fail "convert --help names a fixed list of formats: $(cat "$tmp/out")"
fi
# --encoding lists the names that the CSV reader accepts.
for name in utf-8 utf-16 utf-16le utf-16be cp932 shift_jis sjis ms932 euc-jp; do
    contains "$tmp/out" "$name" "convert --help lists the encoding $name"
done
contains "$tmp/out" "(default: taken from the locale, not from the input:" \
    "convert --help says how the default --lang is chosen"
contains "$tmp/out" 'that is set starts with "ja", else en)' \
    "convert --help says how the default --lang is chosen"

expect 2 "$KYOKUN" --no-such-option
contains "$tmp/err" "--no-such-option" "unknown option"
expect 2 "$KYOKUN" no-such-command
contains "$tmp/err" "no-such-command" "unknown command"
expect 2 "$KYOKUN"
expect 2 "$KYOKUN" convert --threshold 26 in.csv
contains "$tmp/err" "26" "threshold out of range"
expect 2 "$KYOKUN" convert --threshold abc in.csv
expect 2 "$KYOKUN" convert --lang fr in.csv
# A file named by an option that cannot be opened is a usage error, found before any input.
expect 2 "$KYOKUN" convert -m mapping.csv in.csv
contains "$tmp/err" "cannot open the mapping file" "-m"
expect 2 "$KYOKUN" convert --levels levels.csv in.csv
contains "$tmp/err" "levels.csv: error: cannot open the level table" "--levels"
expect 2 "$KYOKUN" inspect -m mapping.csv in.csv
expect 2 "$KYOKUN" validate --levels levels.csv in.csv
expect 2 "$KYOKUN" dump
expect 2 "$KYOKUN" dump --sheet
expect 1 "$KYOKUN" validate in.xlsx
contains "$tmp/out" "in.xlsx" "validate of a missing input"

# --- plugins ----------------------------------------------------------------

expect 0 "$KYOKUN" plugins
for name in csv xlsx risk-register lesson-report stats; do
    # The block of one plugin: its name line up to the next blank line.
    block=$(awk -v name="$name" '$0 == name {on = 1} on && $0 == "" {exit} on {print}' "$tmp/out")
    [ -n "$block" ] || fail "plugins does not list $name: $(cat "$tmp/out")"
    printf '%s\n' "$block" | grep -q "loaded from: .*/lib/kyokun/plugins/" \
        || fail "plugins does not name the folder $name was loaded from: $block"
done
contains "$tmp/out" "kind: input" "plugins kinds"
contains "$tmp/out" "kind: output" "plugins kinds"

# --- dump -------------------------------------------------------------------

# Quoted fields (comma, doubled quote, CRLF inside), CRLF record ends, a blank
# line and a row of empty fields, which must stay as empty records.
printf 'id,text,note\r\n1,"a, b","say ""hi"""\r\n\r\n,,\r\n2,"two\r\nlines",障害\r\n' \
    >"$tmp/quoted.csv"
printf 'id,text,note\n1,"a, b","say ""hi"""\n\n\n2,"two\r\nlines",障害\n' >"$tmp/quoted.expected"
expect 0 "$KYOKUN" dump "$tmp/quoted.csv"
cmp -s "$tmp/out" "$tmp/quoted.expected" \
    || fail "dump of quoted.csv: got $(od -c "$tmp/out" | head -20)"

# An HTML table saved as .xls (Excel's "Web page", web-system exports): the
# html reader takes it, with a rowspan shifting the next cell right.
printf '<html><body><table><tr><th>id</th><th>件名</th><th>対応</th></tr>\n<tr><td x:num>1</td><td rowspan=2>ディスク<br>満杯</td><td>増設</td></tr>\n<tr><td>2</td><td>a&amp;b</td></tr></table></body></html>\n' \
    >"$tmp/export.xls"
printf 'id,件名,対応\n1,"ディスク\n満杯",増設\n2,,a&b\n' >"$tmp/export.expected"
expect 0 "$KYOKUN" dump "$tmp/export.xls"
cmp -s "$tmp/out" "$tmp/export.expected" \
    || fail "dump of HTML named export.xls: got $(od -c "$tmp/out" | head -20)"

issues="$KY_SHARED/corpus/calamine/issues.xlsx"
printf '1,a\n2,b\n3,c\n' >"$tmp/issue2.expected"
expect 0 "$KYOKUN" dump --sheet issue2 "$issues"
cmp -s "$tmp/out" "$tmp/issue2.expected" || fail "dump --sheet issue2: got $(od -c "$tmp/out")"
# issue2 is the third sheet of the workbook.
expect 0 "$KYOKUN" dump "$issues" --sheet 3
cmp -s "$tmp/out" "$tmp/issue2.expected" || fail "dump --sheet 3: got $(od -c "$tmp/out")"

expect 1 "$KYOKUN" dump --sheet no-such-sheet "$issues"
contains "$tmp/err" "no-such-sheet" "missing sheet"
contains "$tmp/err" "issue2" "missing sheet lists the sheets"
expect 1 "$KYOKUN" dump --sheet 99 "$issues"
contains "$tmp/err" "issue2" "missing sheet number lists the sheets"

# A zip that is not a workbook, named .xlsx.
printf 'PK\003\004this is not a zip archive\n' >"$tmp/broken.xlsx"
expect 1 "$KYOKUN" dump "$tmp/broken.xlsx"
contains "$tmp/err" "broken.xlsx" "broken xlsx error names the file"

# Plain text named .xlsx: content decides the reader, with a warning that the
# name disagrees.
printf 'just some text\n' >"$tmp/text.xlsx"
run "$KYOKUN" dump "$tmp/text.xlsx"
if [ "$status" -eq 0 ]; then
    contains "$tmp/err" "text.xlsx" "text named .xlsx warns"
else
    [ "$status" -eq 1 ] || fail "dump of text.xlsx exited with $status"
    contains "$tmp/err" "text.xlsx" "text named .xlsx error names the file"
fi

expect 1 "$KYOKUN" dump "$tmp/no-such-file.csv"
contains "$tmp/err" "no-such-file.csv" "missing input"

# A truncated workbook: the location names the file once, and the message is
# kyokun's own text instead of libzip's "Not a zip archive".
sample_size=$(wc -c <"$KY_SOURCE_DIR/samples/guide-case.ja.xlsx")
head -c $((sample_size / 2)) "$KY_SOURCE_DIR/samples/guide-case.ja.xlsx" >"$tmp/trunc.xlsx"
expect 1 "$KYOKUN" dump "$tmp/trunc.xlsx"
contains "$tmp/err" "trunc.xlsx: error: not a zip file (it may be truncated or not a workbook)" \
    "truncated xlsx"
[ "$(grep -o 'trunc\.xlsx' "$tmp/err" | wc -l)" -eq 1 ] \
    || fail "the error about trunc.xlsx names the file more than once: $(cat "$tmp/err")"

# Content that no input plugin claims: the error lists the input formats.
printf '\000\001\002\003\377\376\000\000binary' >"$tmp/binary.dat"
expect 1 "$KYOKUN" dump "$tmp/binary.dat"
contains "$tmp/err" \
    "binary.dat: error: no input plugin recognises this file's content; input formats: $input_formats (see \`kyokun plugins\`)" \
    "unrecognised content"

# An empty file is reported as such, whether probed or read with -f.
: >"$tmp/empty.csv"
expect 1 "$KYOKUN" dump "$tmp/empty.csv"
contains "$tmp/err" "empty.csv: error: the file is empty" "empty input"
if grep -qF "no input plugin" "$tmp/err"; then
    fail "an empty input is reported as unrecognised: $(cat "$tmp/err")"
fi
expect 1 "$KYOKUN" dump -f csv "$tmp/empty.csv"
contains "$tmp/err" "empty.csv: error: the file is empty" "empty input read with -f csv"

# --- inspect ----------------------------------------------------------------

expect 0 "$KYOKUN" inspect "$tmp/quoted.csv"
contains "$tmp/out" "quoted.csv" "inspect names the file"
contains "$tmp/out" "rows: " "inspect prints row counts"

# --- convert ----------------------------------------------------------------

good="$tmp/incidents.csv"
cp "$KY_SOURCE_DIR/samples/incidents.cp932.csv" "$good"
mkdir "$tmp/out1"
expect 1 "$KYOKUN" convert -o "$tmp/out1/" "$good" "$tmp/broken.xlsx"
contains "$tmp/err" "broken.xlsx" "convert names the broken input"
contains "$tmp/err" "incidents.csv: " "convert prints a summary of the good input"
for output in incidents.risk-register.xlsx incidents.lesson-report.odt incidents.stats.csv; do
    [ -s "$tmp/out1/$output" ] || fail "convert did not write $output for the good input"
    contains "$tmp/err" "wrote $tmp/out1/$output" "convert prints each written path"
done
if ls "$tmp/out1" | grep -q '^broken'; then
    fail "convert wrote outputs for the broken input: $(ls "$tmp/out1")"
fi
if grep -q 'broken\.xlsx.*broken\.xlsx' "$tmp/err"; then
    fail "an error about broken.xlsx names the file twice: $(cat "$tmp/err")"
fi

# Inputs in which no table is recognised (plain text named .xlsx, an empty
# CSV) get an error and no outputs, and the other inputs are still converted.
no_table="no table was recognised, so nothing was converted; \`kyokun inspect FILE\` shows what each sheet holds"
expect 1 "$KYOKUN" convert -o "$tmp/out-no-table/" "$tmp/text.xlsx" "$good" "$tmp/empty.csv"
contains "$tmp/err" "text.xlsx: error: $no_table" "text named .xlsx is not converted"
contains "$tmp/err" "empty.csv: error: the file is empty" "empty CSV is not converted"
contains "$tmp/err" "so 1 row was skipped." "one skipped row in the singular"
if grep -qF "1 rows" "$tmp/err"; then
    fail "a count of 1 takes a plural noun: $(cat "$tmp/err")"
fi
for output in incidents.risk-register.xlsx incidents.lesson-report.odt incidents.stats.csv; do
    [ -s "$tmp/out-no-table/$output" ] || fail "convert did not write $output beside inputs with no table"
done
if ls "$tmp/out-no-table" | grep -qE '^(text|empty)\.'; then
    fail "convert wrote outputs for an input with no table: $(ls "$tmp/out-no-table")"
fi
expect 1 "$KYOKUN" convert -o "$tmp/text-only.csv" "$tmp/text.xlsx"
contains "$tmp/err" "text.xlsx: error: $no_table" "a single input with no table"
[ ! -e "$tmp/text-only.csv" ] || fail "convert -o FILE wrote an output for an input with no table"

# Existing outputs are kept unless --force is given.
before=$(md5sum "$tmp/out1/incidents.stats.csv")
expect 1 "$KYOKUN" convert -o "$tmp/out1" "$good"
contains "$tmp/err" "--force" "refusal names --force"
[ "$(md5sum "$tmp/out1/incidents.stats.csv")" = "$before" ] || fail "an existing output was changed"
expect 0 "$KYOKUN" convert --force -q -o "$tmp/out1" "$good"
[ ! -s "$tmp/err" ] || fail "-q printed: $(cat "$tmp/err")"

# One output file chosen by its extension, and by -t.
expect 0 "$KYOKUN" convert -o "$tmp/single.csv" "$good"
[ -s "$tmp/single.csv" ] || fail "convert -o single.csv wrote nothing"
expect 0 "$KYOKUN" convert -t stats --lang ja -o "$tmp/single.txt" "$good"
[ -s "$tmp/single.txt" ] || fail "convert -t stats -o single.txt wrote nothing"

# --output-encoding cp932 writes the same table as the UTF-8 default, in CP932.
# Both use --lang ja, so that the main causes are Japanese labels.
expect 0 "$KYOKUN" convert -t stats --lang ja --output-encoding cp932 -o "$tmp/single.cp932.csv" "$good"
/usr/bin/python3 - "$tmp/single.cp932.csv" "$tmp/single.txt" <<'PY' || fail "the cp932 statistics do not decode as CP932 to the UTF-8 table"
import sys
cp932 = open(sys.argv[1], "rb").read().decode("cp932")
utf8 = open(sys.argv[2], "rb").read().decode("utf-8")
sys.exit(0 if cp932 == utf8 and any(ord(c) > 0x7F for c in cp932) else 1)
PY
# The CP932 aliases that --encoding accepts name the same output encoding, in any letter case.
for alias in SJIS shift_jis Ms932; do
    expect 0 "$KYOKUN" convert -t stats --lang ja --output-encoding "$alias" -o "$tmp/single.$alias.csv" "$good"
    cmp "$tmp/single.cp932.csv" "$tmp/single.$alias.csv" \
        || fail "--output-encoding $alias wrote other bytes than cp932"
done
# An unknown --encoding is a usage error for every input format, before any input is read.
expect 2 "$KYOKUN" convert --encoding latin1 -o "$tmp/latin1-out/" "$KY_SOURCE_DIR/samples/guide-case.ja.xlsx"
contains "$tmp/err" "invalid encoding 'latin1': expected utf-8, utf-16" "--encoding lists the valid names"
[ ! -e "$tmp/latin1-out" ] || fail "convert --encoding latin1 wrote outputs: $(ls "$tmp/latin1-out")"
expect 2 "$KYOKUN" inspect --encoding latin1 "$good"
expect 2 "$KYOKUN" dump --encoding latin1 "$good"
expect 0 "$KYOKUN" inspect --encoding Shift_JIS "$good"
expect 2 "$KYOKUN" convert -t stats --output-encoding latin1 -o "$tmp/latin1.csv" "$good"
contains "$tmp/err" "utf-8, utf-8-bom or cp932" "--output-encoding lists the valid values"
[ ! -e "$tmp/latin1.csv" ] || fail "convert --output-encoding latin1 wrote a file"
# A sheet with two tables is one sheet in the summary line, with both tables' rows.
two_tables="$KY_SOURCE_DIR/samples/legacy/hougan-two-tables.xlsx"
expect 0 "$KYOKUN" convert -t stats -o "$tmp/two-tables.csv" "$two_tables"
contains "$tmp/err" "hougan-two-tables.xlsx: 1 sheet, 17 rows:" "a sheet of two tables counts once"

# --abc moves the ABC cut-offs; values outside 0 < A <= B <= 100 are usage errors.
expect 0 "$KYOKUN" convert -t stats --abc 1,2 -o "$tmp/abc.csv" "$good"
/usr/bin/python3 - "$tmp/abc.csv" "$tmp/single.txt" <<'PY' || fail "--abc 1,2 did not make every row after the first C"
import csv, sys
narrow = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")) if r["axis"] == "main_cause"]
default = [r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8")) if r["axis"] == "main_cause"]
assert len(narrow) == len(default) >= 2, (len(narrow), len(default))
assert narrow[0]["abc_class"] == "A"
ties = [r for r in narrow[1:] if r["count"] == narrow[0]["count"]]
rest = narrow[1 + len(ties):]
assert rest and all(r["abc_class"] == "C" for r in rest), rest
sys.exit(0)
PY
for bad in 95,80 0,50 80 80,101 x,y 80,95,99; do
    expect 2 "$KYOKUN" convert -t stats --abc "$bad" -o "$tmp/abc-bad.csv" "$good"
    contains "$tmp/err" "0 < A <= B <= 100" "--abc $bad names the valid range"
done
[ ! -e "$tmp/abc-bad.csv" ] || fail "convert with a bad --abc wrote a file"
expect 2 "$KYOKUN" convert -o "$tmp/single.unknown" "$good"
expect 2 "$KYOKUN" convert -t no-such-format -o "$tmp/out2/" "$good"

# Without -o the outputs go to the current folder; -t limits them.
mkdir "$tmp/cwd"
(cd "$tmp/cwd" && expect 0 "$KYOKUN" convert -t stats,risk-register "$good")
[ -s "$tmp/cwd/incidents.stats.csv" ] || fail "convert without -o did not write into the current folder"
[ -s "$tmp/cwd/incidents.risk-register.xlsx" ] || fail "convert -t risk-register wrote nothing"
[ ! -e "$tmp/cwd/incidents.lesson-report.odt" ] || fail "convert -t wrote a format not asked for"

# --merge: one set of outputs named after the first input.
cp "$good" "$tmp/second.csv"
expect 0 "$KYOKUN" convert --merge -t stats -o "$tmp/merged/" "$good" "$tmp/second.csv"
[ -s "$tmp/merged/incidents.stats.csv" ] || fail "convert --merge wrote nothing"
[ ! -e "$tmp/merged/second.stats.csv" ] || fail "convert --merge wrote one output per input"
# A merged book with no table from any input gets no outputs.
cp "$tmp/text.xlsx" "$tmp/text2.xlsx"
expect 1 "$KYOKUN" convert --merge -o "$tmp/merged-empty/" "$tmp/text.xlsx" "$tmp/text2.xlsx"
contains "$tmp/err" "error: no table was recognised in any input, so nothing was converted" \
    "convert --merge of inputs with no table"
[ -z "$(ls -A "$tmp/merged-empty")" ] \
    || fail "convert --merge wrote outputs with no table: $(ls "$tmp/merged-empty")"

# Two inputs whose outputs share a base name: the second is not converted,
# with one error naming both inputs instead of one error per output file.
mkdir "$tmp/dup1" "$tmp/dup2"
cp "$good" "$tmp/dup1/dup.csv"
cp "$good" "$tmp/dup2/dup.csv"
expect 1 "$KYOKUN" convert -o "$tmp/out-dup/" "$tmp/dup1/dup.csv" "$tmp/dup2/dup.csv"
contains "$tmp/err" \
    "error: $tmp/dup2/dup.csv was not converted: its outputs would overwrite those of $tmp/dup1/dup.csv. Convert one of them in a separate run with its own -o folder, or rename one of them" \
    "an input whose outputs would overwrite another's"
[ "$(grep -c 'was not converted' "$tmp/err")" -eq 1 ] \
    || fail "the skipped input is reported more than once: $(cat "$tmp/err")"
if grep -qF "dup2/dup.csv: " "$tmp/err"; then
    fail "the skipped input got a summary line: $(cat "$tmp/err")"
fi
contains "$tmp/err" "$tmp/dup1/dup.csv: " "the first input's summary"
[ -s "$tmp/out-dup/dup.stats.csv" ] || fail "the first of two inputs named dup.csv was not converted"

# --- Japanese messages ------------------------------------------------------

if locale -a 2>/dev/null | grep -qiE '^ja_JP\.utf-?8$'; then
    LANG=ja_JP.UTF-8 expect 2 "$KYOKUN" no-such-command
    contains "$tmp/err" "不明なコマンド" "Japanese message under ja_JP.UTF-8"
    LANG=ja_JP.UTF-8 expect 1 "$KYOKUN" dump "$tmp/trunc.xlsx"
    contains "$tmp/err" "zip ファイルではありません" "libzip error in Japanese under ja_JP.UTF-8"
    LANG=ja_JP.UTF-8 expect 0 "$KYOKUN" --help
    contains "$tmp/out" "入力形式: $input_formats" "input formats in Japanese under ja_JP.UTF-8"
elif [ -n "${CI:-}" ]; then
    fail "locale ja_JP.UTF-8 is not installed; bootstrap.sh generates it"
else
    echo "NOTICE: locale ja_JP.UTF-8 is not installed; the Japanese message check was skipped" >&2
fi

# --- SOURCE_DATE_EPOCH ------------------------------------------------------

# A value that is not a number of seconds is ignored with one warning per run,
# not one per input or output; a valid value gives no warning.
cp "$KY_SOURCE_DIR/samples/guide-case.ja.xlsx" "$tmp/epoch-second.xlsx"
SOURCE_DATE_EPOCH=abc expect 0 "$KYOKUN" convert -o "$tmp/epoch-bad/" \
    "$KY_SOURCE_DIR/samples/guide-case.ja.xlsx" "$tmp/epoch-second.xlsx"
contains "$tmp/err" 'warning: SOURCE_DATE_EPOCH "abc" is not a number of seconds' \
    "invalid SOURCE_DATE_EPOCH"
[ "$(grep -c SOURCE_DATE_EPOCH "$tmp/err")" -eq 1 ] \
    || fail "the SOURCE_DATE_EPOCH warning is not printed exactly once: $(cat "$tmp/err")"
SOURCE_DATE_EPOCH=1700000000 expect 0 "$KYOKUN" convert -o "$tmp/epoch-good/" \
    "$KY_SOURCE_DIR/samples/guide-case.ja.xlsx"
! grep -q SOURCE_DATE_EPOCH "$tmp/err" || fail "a valid SOURCE_DATE_EPOCH gave a warning: $(cat "$tmp/err")"

# --- Rejected plugin modules ------------------------------------------------

# A module built for another plugin ABI is listed as rejected, with its file
# and both ABI versions, and the other plugins still load.
abi=$(sed -n 's/^#define KY_PLUGIN_ABI_VERSION \([0-9][0-9]*\).*/\1/p' \
    "$KY_SOURCE_DIR/core/include/kyokun/plugin.h")
expect 0 "$KYOKUN" plugins --plugin-dir "$KY_WRONG_ABI_DIR"
contains "$tmp/out" "$KY_WRONG_ABI_DIR/ky-test-wrong-abi.so" "rejected module named by path"
contains "$tmp/out" "ABI version $((abi + 41))," "rejected module's ABI version"
contains "$tmp/out" "uses version $abi:" "this kyokun's ABI version"
contains "$tmp/out" "xlsx" "other plugins still listed next to a rejected module"

echo "test_cli: all checks passed"
