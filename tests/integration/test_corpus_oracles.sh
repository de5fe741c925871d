#!/usr/bin/env bash
# Run the shared corpus oracles (values that other projects' tests assert, or
# read from the files' XML) against `kyokun dump`, and fail on any failure
# not listed in oracle-known-failures.txt. A listed failure that now passes
# also fails the test, so the list only ever shrinks.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runner="$KY_SHARED/tools/run-corpus-oracles.sh"
if [ ! -x "$runner" ] && [ ! -f "$runner" ]; then
    echo "FAIL: oracle runner not found at $runner (the shared folder must sit beside the project)" >&2
    exit 1
fi

output=$(bash "$runner" "$KYOKUN" "$KY_SHARED/corpus")
summary=$(printf '%s\n' "$output" | tail -n 1)
echo "$summary"
if ! printf '%s\n' "$summary" | grep -Eq '^[0-9]+ passed, [0-9]+ failed$'; then
    echo "FAIL: unexpected runner output:" >&2
    printf '%s\n' "$output" >&2
    exit 1
fi
passed=${summary%% passed*}
if [ "$passed" -eq 0 ]; then
    echo "FAIL: no oracle row passed" >&2
    exit 1
fi

# A failing row's key is its text up to " (kind):".
failures=$(printf '%s\n' "$output" | grep -E '^[^ ].* \((peer|observed|error|count)\): ' \
    | sed -E 's/ \((peer|observed|error|count)\): .*//' | sed -E 's#^.*/corpus/##' | sort -u || true)
# grep exits 1 when the list holds only comments, which is not an error.
known=$( (grep -v '^#' "$here/oracle-known-failures.txt" || true) | sed '/^$/d' | sort -u)

unexpected=$(comm -23 <(printf '%s\n' "$failures" | sed '/^$/d') <(printf '%s\n' "$known"))
fixed=$(comm -13 <(printf '%s\n' "$failures" | sed '/^$/d') <(printf '%s\n' "$known"))
status=0
if [ -n "$unexpected" ]; then
    echo "FAIL: oracle rows that fail and are not known failures:" >&2
    printf '%s\n' "$output" | grep -F -f <(printf '%s\n' "$unexpected") >&2 || true
    status=1
fi
if [ -n "$fixed" ]; then
    echo "FAIL: these known failures pass now; remove them from oracle-known-failures.txt:" >&2
    printf '%s\n' "$fixed" | sed 's/^/  /' >&2
    status=1
fi
exit $status
