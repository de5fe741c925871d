#!/usr/bin/env bash
# Anonymisation end to end. A workbook full of company, product and person
# names, e-mail addresses, phone numbers and an IP address is converted with
# --anonymize and a names list. Then no byte of any output (every part of the
# xlsx and odt, and the CSV) contains a real name. The register and the
# report contain the expected placeholders (read with openpyxl and from
# content.xml), and the map file lists each name once with mode 0600. A
# batch run in two worker processes gives one map with both books. validate
# reports the same detections without changing the input.
set -euo pipefail

: "${KYOKUN:?KYOKUN must name the kyokun binary to test}"
: "${KY_SOURCE_DIR:?KY_SOURCE_DIR must name the source tree}"

unset LC_ALL LC_MESSAGES LANGUAGE
export LANG=C.UTF-8
python=${KY_PYTHON:-/usr/bin/python3}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

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
        fail "'$*' exited with $status, expected $want; stdout: $(head -c 2000 "$tmp/out"); stderr: $(head -c 2000 "$tmp/err")"
    fi
}

contains() {
    grep -qF -- "$2" "$1" || fail "$3: '$2' not found in: $(head -c 2000 "$1")"
}

# --- the input -----------------------------------------------------------------

"$python" - "$tmp/names-book.xlsx" <<'EOF'
import sys

import openpyxl

wb = openpyxl.Workbook()
incidents = wb.active
incidents.title = "アクメ電機_障害一覧"
incidents.append(["発生日時", "障害の概要", "システム名", "主な原因", "障害の影響額", "対応工数",
                  "報告者", "連絡先", "田中さんメモ"])
incidents.append(["2024-04-01 10:30", "アクメ電機の負荷分散装置が停止し、田中さんが再起動した",
                  "ベータ基幹システム", "運用方法・手順等の誤り", 1200000, 0.5, "鈴木 一郎",
                  "suzuki@acme-denki.example.co.jp", "Widget Pro v2.1.0.3 を適用"])
incidents.append(["2024-05-10 09:00", "ガンマ商事から問い合わせ。連絡先 03-1234-5678",
                  "ベータ基幹システム", "ソフトウェアの誤り", 300000, 1, "佐藤様",
                  "090-1234-5678", "サーバ 192.168.10.25 を再起動"])

risks = wb.create_sheet("リスク管理表")
risks.append(["No.", "カテゴリー", "リスク内容", "影響内容", "A:影響度", "B:発生度", "C:リスク値",
              "想定対応方法"])
risks.append([1, "運用", "アクメ電機の保守契約切れ", "ガンマ商事のサービス停止", 3, 2, 6,
              "田中さんが週次で契約を確認する"])

lessons = wb.create_sheet("教訓")
lessons.append(["教訓ID", "教訓概要", "問題", "直接原因", "根本原因", "再発防止策", "未然防止策"])
lessons.append(["G1", "委託先との役割分担を契約で明確にすべし",
                "ガンマ商事のオンラインサービスが丸一日停止した",
                "アクメ電機の負荷分散装置が既知の不具合で停止した",
                "アクメ電機との役割分担が不明確だった",
                "鈴木 一郎が手順書を整備する",
                "Widget Pro の修正情報を２週間ごとに確認する"])
wb.save(sys.argv[1])
EOF

cat >"$tmp/names.csv" <<'EOF'
name,kind,placeholder
アクメ電機,company,
ガンマ商事,会社,
ベータ基幹システム,product,
Widget Pro,product,
鈴木 一郎,person,
EOF

# Every real name, address and number of the input, as bytes to look for.
real_names=(アクメ ガンマ商事 ベータ基幹 "Widget Pro" 鈴木 一郎 田中 佐藤 suzuki acme-denki
            03-1234-5678 090-1234-5678 192.168.10.25)

# Fail when any file under $1 contains a real name.
no_real_name_in() {
    local found
    for name in "${real_names[@]}"; do
        if found=$(grep -rlF -- "$name" "$1"); then
            fail "'$name' is still in: $found"
        fi
    done
}

# --- convert -----------------------------------------------------------------------

expect 0 "$KYOKUN" convert --lang ja --anonymize "$tmp/names.csv" --anonymize auto \
    --anonymize-map "$tmp/map.csv" -o "$tmp/conv/" "$tmp/names-book.xlsx"
for output in names-book.risk-register.xlsx names-book.lesson-report.odt names-book.stats.csv; do
    [ -s "$tmp/conv/$output" ] || fail "$output was not written"
done

# Unpack the zip outputs so that every part is searched, compressed or not.
mkdir -p "$tmp/parts/register" "$tmp/parts/report"
unzip -q "$tmp/conv/names-book.risk-register.xlsx" -d "$tmp/parts/register"
unzip -q "$tmp/conv/names-book.lesson-report.odt" -d "$tmp/parts/report"
cp "$tmp/conv/names-book.stats.csv" "$tmp/parts/"
no_real_name_in "$tmp/parts"
no_real_name_in "$tmp/conv"

# The placeholders are given in the order names first appear: the incidents first.
"$python" - "$tmp/conv/names-book.risk-register.xlsx" <<'EOF' || fail "register placeholders"
import sys

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
values = {str(cell.value) for ws in wb for row in ws.iter_rows() for cell in row
          if cell.value is not None}
expected = [
    "A社の負荷分散装置が停止し、担当者Aが再起動した",
    "B社から問い合わせ。連絡先 電話番号A",
    "A社の保守契約切れ",
    "B社のサービス停止",
    "担当者Aが週次で契約を確認する",
]
missing = [text for text in expected if text not in values]
if missing:
    sys.exit(f"not in the register: {missing!r}")
# The extra values are written in one note cell per record.
joined = "\n".join(values)
for text in ["担当者B", "メールアドレスA", "担当者C", "電話番号B", "IPアドレスA", "製品A", "製品B v2.1.0.3"]:
    if text not in joined:
        sys.exit(f"{text!r} not in the register")
EOF

contains "$tmp/parts/report/content.xml" "B社のオンラインサービスが丸一日停止した" "report problem"
contains "$tmp/parts/report/content.xml" "A社との役割分担が不明確だった" "report root cause"
contains "$tmp/parts/report/content.xml" "担当者Bが手順書を整備する" "report measure"

# The map: one row per name, in the order of first appearance, readable by the owner only.
[ "$(stat -c %a "$tmp/map.csv")" = 600 ] || fail "the map's mode is $(stat -c %a "$tmp/map.csv"), expected 600"
"$python" - "$tmp/map.csv" <<'EOF' || fail "map rows"
import csv
import sys

with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
if rows[0] != ["book", "kind", "name", "placeholder", "occurrences"]:
    sys.exit(f"header {rows[0]!r}")
found = [(r[1], r[2], r[3]) for r in rows[1:]]
expected = [
    ("company", "アクメ電機", "A社"),
    ("person", "田中", "担当者A"),
    ("product", "ベータ基幹システム", "製品A"),
    ("person", "鈴木 一郎", "担当者B"),
    ("email", "suzuki@acme-denki.example.co.jp", "メールアドレスA"),
    ("product", "Widget Pro", "製品B"),
    ("company", "ガンマ商事", "B社"),
    ("phone", "03-1234-5678", "電話番号A"),
    ("person", "佐藤", "担当者C"),
    ("phone", "090-1234-5678", "電話番号B"),
    ("ip-address", "192.168.10.25", "IPアドレスA"),
]
if found != expected:
    sys.exit(f"map rows {found!r}, expected {expected!r}")
if any(r[0] != "names-book" for r in rows[1:]):
    sys.exit(f"book column: {[r[0] for r in rows[1:]]!r}")
EOF
if grep -rqF "placeholder,occurrences" "$tmp/parts"; then
    fail "the map is in an output"
fi

# English placeholders with --lang en.
expect 0 "$KYOKUN" convert --lang en --anonymize "$tmp/names.csv" -t stats -t risk-register \
    -o "$tmp/en/" "$tmp/names-book.xlsx"
"$python" - "$tmp/en/names-book.risk-register.xlsx" <<'EOF' || fail "English placeholders"
import sys

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
values = {str(cell.value) for ws in wb for row in ws.iter_rows() for cell in row
          if cell.value is not None}
if "Company Aの保守契約切れ" not in values:
    sys.exit("'Company Aの保守契約切れ' not in the English register")
EOF

# --- batch runs in worker processes ----------------------------------------------

cp "$tmp/names-book.xlsx" "$tmp/first.xlsx"
cp "$tmp/names-book.xlsx" "$tmp/second.xlsx"
expect 0 "$KYOKUN" convert -j 2 --lang ja --anonymize auto --anonymize-map "$tmp/batch-map.csv" \
    -t stats -o "$tmp/batch/" "$tmp/first.xlsx" "$tmp/second.xlsx"
"$python" - "$tmp/batch-map.csv" <<'EOF' || fail "batch map"
import csv
import sys

with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
books = [r["book"] for r in rows]
if sorted(set(books)) != ["first", "second"] or books != sorted(books):
    sys.exit(f"books {books!r}")
first = [(r["name"], r["placeholder"]) for r in rows if r["book"] == "first"]
second = [(r["name"], r["placeholder"]) for r in rows if r["book"] == "second"]
if first != second or ("田中", "担当者A") not in first:
    sys.exit(f"per-book rows differ: {first!r} {second!r}")
EOF

# --- usage errors and a bad names list ------------------------------------------------

expect 2 "$KYOKUN" convert --anonymize-map "$tmp/m.csv" "$tmp/names-book.xlsx"
contains "$tmp/err" "--anonymize-map needs --anonymize" "map without --anonymize"
expect 2 "$KYOKUN" convert --anonymize "$tmp/names.csv" --anonymize "$tmp/other.csv" "$tmp/names-book.xlsx"
# A map whose folder does not exist is found before any output is written.
expect 2 "$KYOKUN" convert --anonymize auto --anonymize-map "$tmp/no-such-folder/map.csv" \
    -o "$tmp/no-map/" "$tmp/names-book.xlsx"
contains "$tmp/err" "cannot write the name map $tmp/no-such-folder/map.csv (--anonymize-map): the folder $tmp/no-such-folder does not exist" \
    "a missing map folder"
[ ! -e "$tmp/no-map" ] || fail "outputs written although the map cannot be: $(ls "$tmp/no-map")"
# A map path that is an existing folder is rejected before any input is read.
mkdir "$tmp/map-folder"
expect 2 "$KYOKUN" convert --anonymize auto --anonymize-map "$tmp/map-folder" \
    -o "$tmp/folder-map/" "$tmp/names-book.xlsx"
contains "$tmp/err" "cannot write the name map $tmp/map-folder (--anonymize-map): it is a folder" \
    "a map path that is a folder"
! grep -qF "names-book.xlsx:" "$tmp/err" || fail "the input was read although the map path is a folder"
[ ! -e "$tmp/folder-map" ] || fail "outputs written although the map path is a folder: $(ls "$tmp/folder-map")"
printf 'name,kind\nアクメ電機,gadget\n' >"$tmp/bad-names.csv"
expect 2 "$KYOKUN" convert --anonymize "$tmp/bad-names.csv" -o "$tmp/bad/" "$tmp/names-book.xlsx"
contains "$tmp/err" "bad-names.csv" "names list error names the file"
contains "$tmp/err" "row 2" "names list error names the row"
contains "$tmp/err" '"gadget"' "names list error quotes the kind"
[ ! -e "$tmp/bad" ] || [ -z "$(ls -A "$tmp/bad")" ] || fail "outputs written despite a bad names list"

# --- validate reports the detections ---------------------------------------------------

before=$(sha256sum "$tmp/names-book.xlsx")
expect 0 "$KYOKUN" validate --format csv "$tmp/names-book.xlsx"
[ "$(sha256sum "$tmp/names-book.xlsx")" = "$before" ] || fail "validate changed the input"
"$python" - "$tmp/out" <<'EOF' || fail "validate privacy findings"
import csv
import sys

with open(sys.argv[1], newline="", encoding="utf-8") as f:
    records = [r for r in csv.DictReader(f) if r["rule"].startswith("privacy.")]
found = sorted((r["rule"], r["row"]) for r in records)
expected = sorted([
    ("privacy.person-name", "2"),   # 田中さん in incident 1
    ("privacy.email", "2"),
    ("privacy.phone", "3"),         # 03-1234-5678
    ("privacy.person-name", "3"),   # 佐藤様
    ("privacy.phone", "3"),         # 090-1234-5678
    ("privacy.ip-address", "3"),
    ("privacy.person-name", "2"),   # 田中さん in the risk's response
    ("privacy.person-name", "1"),   # the header 田中さんメモ
])
if found != expected:
    sys.exit(f"privacy findings {found!r}, expected {expected!r}")
if any(r["severity"] != "warning" or not r["fix"] for r in records):
    sys.exit(f"severity or fix: {records!r}")
EOF
expect 0 "$KYOKUN" validate --anonymize "$tmp/names.csv" "$tmp/names-book.xlsx"
contains "$tmp/out" "[privacy.listed-name]" "listed names in validate"
contains "$tmp/out" "'ガンマ商事' from the names list (company)" "listed name message"

echo "anonymisation: all checks passed"
