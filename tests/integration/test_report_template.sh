#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `convert --reference-odt`: the lesson report takes styles.xml from a user's
# ODF template. A template made here (Python's zipfile) redefines Heading 2,
# leaves out the lesson title style and has a header on its page. The report
# must keep the template's Heading 2 and header and add the built-in lesson
# title style. It must stay valid ODF 1.3 (jing) and show the header when
# LibreOffice renders it. Unusable templates (not a zip, no styles.xml, malformed XML, a
# DTD, a spreadsheet, styles.xml past the size cap) must fail with a usage
# error before any input is read, with a message that names the file and the
# problem, and leave no report behind.
#
# Environment (ctest sets all of them): KYOKUN, KY_SOURCE_DIR, KY_SHARED.
# Needs the Debian packages jing, unzip, poppler-utils and libreoffice-writer.
set -euo pipefail

fail() {
    echo "test_report_template: $*" >&2
    exit 1
}

: "${KYOKUN:?KYOKUN must name the built kyokun binary; run this test through ctest}"
: "${KY_SOURCE_DIR:?KY_SOURCE_DIR must name the project root; run this test through ctest}"
shared="${KY_SHARED:-$KY_SOURCE_DIR/../shared}"
schemas="$shared/schemas/odf1.3"
sample="$KY_SOURCE_DIR/samples/guide-case.ja.xlsx"
python=/usr/bin/python3

[ -f "$schemas/OpenDocument-v1.3-schema.rng" ] || fail "the ODF 1.3 schemas are missing in $schemas"
for tool in jing unzip soffice pdftotext timeout; do
    command -v "$tool" >/dev/null || fail "$tool is not installed"
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# make_template FILE MEDIA_TYPE STYLES_FILE: an ODF package whose styles.xml
# is STYLES_FILE ("-" for none) and whose mimetype is MEDIA_TYPE.
make_template() {
    "$python" - "$@" <<'PYTHON'
import sys
import zipfile

path, media_type, styles = sys.argv[1:4]
with zipfile.ZipFile(path, "w") as package:
    package.writestr(zipfile.ZipInfo("mimetype"), media_type)
    package.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
                     '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
                     ' office:version="1.3"><office:body><office:text/></office:body>'
                     '</office:document-content>\n')
    if styles != "-":
        with open(styles, "rb") as part:
            package.writestr("styles.xml", part.read(), compress_type=zipfile.ZIP_DEFLATED)
PYTHON
}

cat >"$tmp/styles.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
    xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
    xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3">
 <office:font-face-decls>
  <style:font-face style:name="DejaVu Sans" svg:font-family="'DejaVu Sans'" style:font-family-generic="swiss"/>
 </office:font-face-decls>
 <office:styles>
  <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph">
   <style:text-properties fo:color="#1f6f3f" fo:font-size="13pt" style:font-name="DejaVu Sans"/>
  </style:style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="CompanyPage">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm" fo:margin-top="2cm" fo:margin-bottom="2cm"/>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="CompanyPage">
   <style:header><text:p>TEMPLATE-HEADER 社外秘</text:p></style:header>
  </style:master-page>
 </office:master-styles>
</office:document-styles>
XML
make_template "$tmp/company.ott" application/vnd.oasis.opendocument.text-template "$tmp/styles.xml"

report="$tmp/report.odt"
"$KYOKUN" convert --lang ja --reference-odt "$tmp/company.ott" "$sample" -o "$report" -t lesson-report \
    2>"$tmp/convert.log" || { cat "$tmp/convert.log" >&2; fail "convert with a valid template failed"; }

mkdir "$tmp/parts"
unzip -q "$report" -d "$tmp/parts"
styles="$tmp/parts/styles.xml"
for part in styles.xml content.xml; do
    output="$(jing -i "$schemas/OpenDocument-v1.3-schema.rng" "$tmp/parts/$part" 2>&1 | grep -v 'Unable to locate' || true)"
    [ -z "$output" ] || { echo "$output" >&2; fail "$part of the report is not valid ODF 1.3"; }
done

# The template's own definitions stay; what it lacks comes from the built-in styles.
"$python" - "$styles" <<'PYTHON' || fail "styles.xml does not combine the template and the built-in styles"
import sys
import xml.etree.ElementTree as ET

ns = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}
name = "{%s}name" % ns["style"]
root = ET.parse(sys.argv[1]).getroot()
styles = root.find("office:styles", ns)
headings = [s for s in styles.findall("style:style", ns) if s.get(name) == "Heading_20_2"]
assert len(headings) == 1, "Heading_20_2 is defined %d times" % len(headings)
color = headings[0].find("style:text-properties", ns).get("{%s}color" % ns["fo"])
assert color == "#1f6f3f", "Heading_20_2 is not the template's (colour %s)" % color
names = {s.get(name) for s in styles.findall("style:style", ns)}
for expected in ("Lesson_20_Title", "Text_20_body", "Table_20_Cell", "Inferred_20_Value", "Index_20_1"):
    assert expected in names, "the built-in style %s was not added" % expected
lists = {s.get(name) for s in styles.findall("text:list-style", ns)}
assert {"List_20_Bullet", "Numbering_20_123"} <= lists, "list styles missing: %s" % lists
fonts = {f.get(name) for f in root.find("office:font-face-decls", ns)}
assert {"DejaVu Sans", "Noto Serif CJK JP", "Noto Sans CJK JP"} <= fonts, "fonts: %s" % fonts
masters = root.find("office:master-styles", ns).findall("style:master-page", ns)
assert [m.get(name) for m in masters] == ["Standard"], "master pages: %s" % [m.get(name) for m in masters]
assert masters[0].get("{%s}page-layout-name" % ns["style"]) == "CompanyPage"
PYTHON

timeout 180 soffice -env:UserInstallation="file://$tmp/lo" --headless --convert-to pdf \
    --outdir "$tmp" "$report" >"$tmp/soffice.log" 2>&1 \
    || { cat "$tmp/soffice.log" >&2; fail "LibreOffice could not convert the report to PDF"; }
text="$(pdftotext "$tmp/report.pdf" - | tr -d ' \t\r\f')"
pages="$(grep -c 'TEMPLATE-HEADER社外秘' <<<"$text" || true)"
[ "$pages" -ge 10 ] || fail "the template's page header shows on $pages pages, expected every page"
grep -q 'クラウド事業者と利用者が連携した統制がとれたトラブル対応体制を整備すべし' <<<"$text" \
    || fail "the report rendered with the template lost lesson G7's title"

# --- Unusable templates ---
# expect_rejected NAME TEMPLATE PROBLEM: convert exits with status 2 before
# any input is read (no input summary is printed), names TEMPLATE and PROBLEM
# in its message, and writes no report. The CLI runs the report plugin's own
# checks up front, so every unusable template is a usage error.
expect_rejected() {
    local name="$1" template="$2" problem="$3" want=2 out="$tmp/rejected-$1.odt" status=0
    LC_ALL=C.UTF-8 LANGUAGE= "$KYOKUN" convert --lang ja --reference-odt "$template" "$sample" \
        -o "$out" -t lesson-report 2>"$tmp/$name.log" || status=$?
    [ "$status" -eq "$want" ] || { cat "$tmp/$name.log" >&2; fail "$name: exit status $status, expected $want"; }
    ! grep -qF "$sample:" "$tmp/$name.log" \
        || { cat "$tmp/$name.log" >&2; fail "$name: the input was read before the template was checked"; }
    grep -qF "$template" "$tmp/$name.log" || { cat "$tmp/$name.log" >&2; fail "$name: the message does not name the template"; }
    grep -qF "$problem" "$tmp/$name.log" || { cat "$tmp/$name.log" >&2; fail "$name: the message does not say '$problem'"; }
    [ ! -e "$out" ] || fail "$name: a report was written although the template is unusable"
    ! ls -A "$tmp" | grep -q '^\.rejected' || fail "$name: a temporary file was left in the output folder"
}

printf 'not a zip file\n' >"$tmp/plain.odt"
expect_rejected not-zip "$tmp/plain.odt" "cannot be used for the report's styles: not a zip file"

make_template "$tmp/no-styles.odt" application/vnd.oasis.opendocument.text -
expect_rejected no-styles "$tmp/no-styles.odt" "cannot be used for the report's styles: it has no styles.xml"

printf '<?xml version="1.0"?>\n<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">\n<office:styles>\n' >"$tmp/broken.xml"
make_template "$tmp/broken.odt" application/vnd.oasis.opendocument.text "$tmp/broken.xml"
expect_rejected malformed "$tmp/broken.odt" "styles.xml is not well-formed XML (line"

cat >"$tmp/dtd.xml" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE office:document-styles [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"><office:styles/>&b;</office:document-styles>
XML
make_template "$tmp/dtd.odt" application/vnd.oasis.opendocument.text "$tmp/dtd.xml"
expect_rejected dtd "$tmp/dtd.odt" "document type declaration"

make_template "$tmp/sheet.ods" application/vnd.oasis.opendocument.spreadsheet "$tmp/styles.xml"
expect_rejected spreadsheet "$tmp/sheet.ods" 'its media type is "application/vnd.oasis.opendocument.spreadsheet"'

printf '<?xml version="1.0"?>\n<root xmlns="urn:example"/>\n' >"$tmp/other.xml"
make_template "$tmp/other.odt" application/vnd.oasis.opendocument.text "$tmp/other.xml"
expect_rejected wrong-root "$tmp/other.odt" "not an ODF styles part"

# 20 MiB of spaces deflate to about 20 KiB but pass the 16 MiB cap on styles.xml.
"$python" -c 'import sys; sys.stdout.write("<?xml version=\"1.0\"?>\n<x>" + " " * (20 << 20) + "</x>\n")' >"$tmp/huge.xml"
make_template "$tmp/huge.odt" application/vnd.oasis.opendocument.text "$tmp/huge.xml"
expect_rejected too-large "$tmp/huge.odt" "styles.xml inflates to 20971550 bytes, more than the limit of 16777216 bytes"

expect_rejected missing "$tmp/no-such-template.ott" "cannot read the reference document"

# A bad template is reported once, not once per input, and no input is converted.
sample_copy="$tmp/second-input.xlsx"
cp "$sample" "$sample_copy"
status=0
LC_ALL=C.UTF-8 LANGUAGE= "$KYOKUN" convert --reference-odt "$tmp/plain.odt" -o "$tmp/rejected-batch/" \
    "$sample" "$sample_copy" 2>"$tmp/batch.log" || status=$?
[ "$status" -eq 2 ] || { cat "$tmp/batch.log" >&2; fail "batch with a bad template: exit status $status, expected 2"; }
[ "$(grep -c "plain.odt" "$tmp/batch.log")" -eq 1 ] \
    || { cat "$tmp/batch.log" >&2; fail "the bad template is not reported exactly once"; }
[ ! -e "$tmp/rejected-batch" ] || [ -z "$(ls -A "$tmp/rejected-batch")" ] \
    || fail "outputs were written with a bad template: $(ls "$tmp/rejected-batch")"

echo "test_report_template: template styles kept and completed; unusable templates rejected"
