#!/usr/bin/env bash
# Check that po/ja.po translates every message marked with KY_() or KY_N_()
# in the sources, so that no user-facing message stays English under a
# Japanese locale.
set -euo pipefail
cd "$KY_SOURCE_DIR"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mapfile -t sources < <(find core formats plugins cli -name '*.[ch]' | sort)
# dngettext's singular and plural forms are messages too (the summary counts).
xgettext --from-code=UTF-8 -k -kKY_ -kKY_N_ -kdngettext:2,3 -o "$work/kyokun.pot" "${sources[@]}"
msgfmt --check -o /dev/null po/ja.po
msgmerge -q --no-fuzzy-matching -o "$work/ja.po" po/ja.po "$work/kyokun.pot"
# The merged catalogue carries xgettext's c-format flags, so this also checks
# that each translation has the same printf conversions as its message.
msgfmt --check -o /dev/null "$work/ja.po"

untranslated=$(msgattrib --untranslated --no-obsolete "$work/ja.po" | grep -c '^msgid' || true)
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$work/ja.po" | grep -c '^msgid' || true)
# msgattrib prints the header entry too when anything else is printed.
if [ "$untranslated" -gt 1 ] || [ "$fuzzy" -gt 1 ]; then
    echo "FAIL: po/ja.po lacks Japanese for these messages:" >&2
    msgattrib --untranslated --no-obsolete "$work/ja.po" | grep -A3 '^#:' >&2 || true
    msgattrib --only-fuzzy --no-obsolete "$work/ja.po" | grep -A3 '^#:' >&2 || true
    exit 1
fi
total=$(grep -c '^msgid' "$work/kyokun.pot")
echo "po/ja.po translates all $((total - 1)) messages"
