#!/usr/bin/env bash
# Build kyokun in Release mode, time `kyokun dump` side by side with the peer
# converters of the shared benchmark kit, and write docs/benchmarks.md.
#
#   bench/run.sh [run-peers.sh options]
#   bench/run.sh -n 5 -s "100000"              # 5 runs, 100k rows only
#   bench/run.sh -p "floor:xmllint-sheet+sst soffice pycsv"   # fewer peers
#
# Environment:
#   KY_SHARED_BENCH  folder of run-peers.sh (default: ../shared/bench from the repo root)
#   BENCH_DIR        data and raw results (default /tmp/kyokun-bench, as run-peers.sh)
#   BUILD_DIR        build folder (default build-bench in the repo root)
#   DOC              Markdown page to write (default docs/benchmarks.md)
# Raw per-run TSVs stay under $BENCH_DIR/results, outside the repository.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${KY_SHARED_BENCH:-$REPO/../shared/bench}"
BUILD_DIR="${BUILD_DIR:-$REPO/build-bench}"
DOC="${DOC:-$REPO/docs/benchmarks.md}"
export BENCH_DIR="${BENCH_DIR:-/tmp/kyokun-bench}"

if [ ! -x "$SHARED/run-peers.sh" ] && [ ! -f "$SHARED/run-peers.sh" ]; then
    echo "run-peers.sh not found in $SHARED. Set KY_SHARED_BENCH to its folder." >&2
    exit 1
fi

cmake -S "$REPO" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DKYOKUN_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" >/dev/null
KYOKUN="$BUILD_DIR/bin/kyokun"

# run-peers.sh runs the command through `sh -c "exec COMMAND"` with {in} and
# {out} quoted, so the redirection sends dump's standard output to {out}.
EXTRA="kyokun|xlsx,ods,csv,cp932|$KYOKUN dump {in} > {out}"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT

START_UTC="$(date -u '+%Y-%m-%d %H:%M UTC')"
read -r LOAD_START _ < /proc/loadavg
bash "$SHARED/run-peers.sh" "$@" -x "$EXTRA" 2>&1 | tee "$LOG"
read -r LOAD_END _ < /proc/loadavg

SUMMARY="$(sed -n 's/^summary: *//p' "$LOG" | tail -n 1)"
RAW="$(sed -n 's/^raw runs: *//p' "$LOG" | tail -n 1)"
if [ -z "$SUMMARY" ] || [ ! -f "$SUMMARY" ]; then
    echo "run-peers.sh wrote no summary. See its output above." >&2
    exit 1
fi

COMMAND="bench/run.sh$(printf ' %q' "$@")"
python3 "$REPO/bench/report.py" --summary "$SUMMARY" --raw "$RAW" --command "$COMMAND" \
    --peers-script "$SHARED/run-peers.sh" --started "$START_UTC" \
    --load "$LOAD_START $LOAD_END" --kyokun "$KYOKUN" > "$DOC"
echo "wrote $DOC (summary: $SUMMARY)" >&2
