#!/usr/bin/env bash
# The manual pages docs/kyokun.1 and docs/kyokun.ja.1 render without groff
# warnings, and document every command and every long option that
# `kyokun --help` and `kyokun COMMAND --help` list. A new option without
# documentation fails this test.
set -euo pipefail

: "${KYOKUN:?KYOKUN must name the kyokun binary to test}"
: "${KY_SOURCE_DIR:?KY_SOURCE_DIR must name the source tree}"

# English help: the option names are the same in every language.
unset LC_ALL LC_MESSAGES LANGUAGE
export LANG=C.UTF-8

english_page="$KY_SOURCE_DIR/docs/kyokun.1"
japanese_page="$KY_SOURCE_DIR/docs/kyokun.ja.1"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

for page in "$english_page" "$japanese_page"; do
    [ -f "$page" ] || fail "$page not found"
done

if ! command -v groff >/dev/null 2>&1; then
    fail "groff is not installed (Debian package groff-base)"
fi

# Format a page for a terminal and fail on any warning (-ww), such as an
# unknown macro or a line that cannot be broken. The Japanese page goes
# through preconv (-k), because groff alone reads its UTF-8 bytes as Latin-1.
# The English page must pass without it, so it stays ASCII.
check_render() {
    local page=$1
    shift
    local command=(groff "$@" -man -ww -z -Tutf8 "$page")
    local status=0
    "${command[@]}" 2>"$tmp/groff.err" || status=$?
    if [ "$status" -ne 0 ]; then
        fail "${command[*]} exited with status $status: $(cat "$tmp/groff.err")"
    fi
    if [ -s "$tmp/groff.err" ]; then
        fail "${command[*]} printed warnings:
$(cat "$tmp/groff.err")"
    fi
}

check_render "$english_page"
check_render "$japanese_page" -k

# The pages with the escapes of hyphens removed, so that "\-\-plugin\-dir"
# reads as "--plugin-dir".
sed 's/\\-/-/g' "$english_page" >"$tmp/kyokun.1.txt"
sed 's/\\-/-/g' "$japanese_page" >"$tmp/kyokun.ja.1.txt"

"$KYOKUN" --help >"$tmp/help.txt" || fail "kyokun --help exited with status $?"
commands=$(sed -n '/^Commands:$/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' "$tmp/help.txt")
[ -n "$commands" ] || fail "kyokun --help lists no commands under 'Commands:'"

# Each command has its own subsection, .SS "kyokun COMMAND ...", in both pages.
for command in $commands; do
    for page in kyokun.1 kyokun.ja.1; do
        if ! grep -q "^\.SS \"kyokun ${command}[ \"]" "$tmp/$page.txt"; then
            fail "docs/$page has no '.SS \"kyokun $command ...\"' subsection for the command '$command' of kyokun --help"
        fi
    done
done

# Each long option of the general help and of every command's help appears in
# both pages, followed by a character that cannot continue an option name, so
# that --title-max is not found inside --title-max-words.
checked=0
for command in "" $commands; do
    label="kyokun${command:+ $command} --help"
    # shellcheck disable=SC2086 # an empty $command must give no argument
    "$KYOKUN" $command --help >"$tmp/help.txt" || fail "$label exited with status $?"
    options=$(grep -o -- '--[a-z][a-z-]*' "$tmp/help.txt" | sort -u)
    [ -n "$options" ] || fail "$label lists no long options"
    for option in $options; do
        for page in kyokun.1 kyokun.ja.1; do
            if ! grep -qE -- "${option}([^a-z-]|$)" "$tmp/$page.txt"; then
                fail "$label lists $option, but docs/$page does not mention it (write it as ${option//-/\\-} in roff)"
            fi
        done
        checked=$((checked + 1))
    done
done

command_count=$(wc -w <<<"$commands")
echo "ok: both pages render without warnings and document $command_count commands and $checked long options (counted once per help text)"
