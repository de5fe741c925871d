#!/usr/bin/env bash
# Measure batch conversion: `kyokun convert -o OUT/ FOLDER` over many small
# inputs (half xlsx, half UTF-8 CSV) with -j 1 and -j 2, as files per second
# and peak memory, and print a Markdown table.
#
#   bench/batch.sh                  # 1000 files of 20 rows, 3 runs per job count
#   FILES=200 RUNS=1 bench/batch.sh
#
# Environment:
#   FILES      input files to generate (default 1000; half xlsx, half CSV)
#   ROWS       incident rows per file (default 20)
#   RUNS       timed runs per job count; the median is reported (default 3)
#   JOBS       job counts to measure (default "1 2")
#   KYOKUN     kyokun binary to measure; when unset, a Release build is made
#              in BUILD_DIR (default build-bench-batch in the repository root)
#   BENCH_DIR  inputs and results (default /tmp/kyokun-bench-batch), outside the repository
#   OUT_PARENTS  folders under which the outputs are written, one measurement
#              each (default: "$BENCH_DIR /dev/shm"). Each output is fsynced, so
#              on a disk that others are writing to the wall time follows the
#              disk; on tmpfs it shows the CPU cost.
#   KY_SHARED_BENCH  folder of xlsxw_incidents.c and vocab.txt
#              (default: ../shared/bench from the repository root)
# Needs: cc, pkg-config, libxlsxwriter-dev, GNU time (/usr/bin/time), python3.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${KY_SHARED_BENCH:-$REPO/../shared/bench}"
BENCH_DIR="${BENCH_DIR:-/tmp/kyokun-bench-batch}"
BUILD_DIR="${BUILD_DIR:-$REPO/build-bench-batch}"
FILES="${FILES:-1000}"
ROWS="${ROWS:-20}"
RUNS="${RUNS:-3}"
JOBS="${JOBS:-1 2}"
OUT_PARENTS="${OUT_PARENTS:-$BENCH_DIR /dev/shm}"

if [ ! -f "$SHARED/xlsxw_incidents.c" ]; then
    echo "xlsxw_incidents.c not found in $SHARED. Set KY_SHARED_BENCH to its folder." >&2
    exit 1
fi
if [ ! -x /usr/bin/time ]; then
    echo "GNU time (/usr/bin/time) is missing: install the 'time' package." >&2
    exit 1
fi

if [ -z "${KYOKUN:-}" ]; then
    cmake -S "$REPO" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DKYOKUN_BUILD_TESTS=OFF >/dev/null
    cmake --build "$BUILD_DIR" -j 2 >/dev/null
    KYOKUN="$BUILD_DIR/bin/kyokun"
fi

# --- inputs -----------------------------------------------------------------

# Same --rows, --seed and vocabulary give the same files, so a rerun reuses them.
DATA="$BENCH_DIR/data-$FILES-$ROWS"
if [ ! -f "$DATA/.complete" ]; then
    rm -rf "$DATA"
    mkdir -p "$DATA/xlsx" "$DATA/csv" "$BENCH_DIR/bin"
    cc -O2 -Wall -o "$BENCH_DIR/bin/xlsxw_incidents" "$SHARED/xlsxw_incidents.c" \
        $(pkg-config --cflags --libs xlsxwriter)
    half=$(( FILES / 2 ))
    for i in $(seq 1 "$FILES"); do
        name=$(printf 'incidents-%05d' "$i")
        if [ "$i" -le "$half" ]; then
            "$BENCH_DIR/bin/xlsxw_incidents" --rows "$ROWS" --seed "$i" \
                --vocab "$SHARED/vocab.txt" --xlsx "$DATA/xlsx/$name.xlsx" >/dev/null
        else
            "$BENCH_DIR/bin/xlsxw_incidents" --rows "$ROWS" --seed "$i" \
                --vocab "$SHARED/vocab.txt" --csv "$DATA/csv/$name.csv" >/dev/null
        fi
    done
    touch "$DATA/.complete"
fi
count=$(find "$DATA" -type f \( -name '*.xlsx' -o -name '*.csv' \) | wc -l)
bytes=$(du -sb "$DATA" | cut -f1)

# --- runs -------------------------------------------------------------------

RESULTS="$BENCH_DIR/results.tsv"
: > "$RESULTS"
for parent in $OUT_PARENTS; do
    [ -d "$parent" ] || continue
    out="$parent/kyokun-bench-batch-out"
    fs=$(df --output=fstype "$parent" | tail -n 1)
    for jobs in $JOBS; do
        for run in $(seq 1 "$RUNS"); do
            rm -rf "$out"
            timing="$BENCH_DIR/time.txt"
            status=0
            /usr/bin/time -v -o "$timing" "$KYOKUN" convert -q -j "$jobs" -o "$out/" "$DATA" \
                2>"$BENCH_DIR/stderr.txt" || status=$?
            if [ "$status" -ne 0 ]; then
                echo "kyokun convert -j $jobs failed with status $status:" >&2
                head -n 20 "$BENCH_DIR/stderr.txt" >&2
                exit 1
            fi
            wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$timing")
            rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$timing")
            cpu=$(sed -n 's/.*\(User\|System\) time (seconds): //p' "$timing" | paste -sd+ | bc)
            printf 'time\t%s\t%s\t%s\t%s\t%s\t%s\n' "$fs" "$jobs" "$run" "$wall" "$rss" "$cpu" >> "$RESULTS"
        done
        # One more run at -v splits the peak memory between the parent and the
        # largest worker (GNU time reports the larger of the two).
        rm -rf "$out"
        "$KYOKUN" convert -v -j "$jobs" -o "$out/" "$DATA" 2>"$BENCH_DIR/verbose.txt"
        sed -n 's/.*peak memory (resident set size): \([0-9]*\) KiB in this process, \([0-9]*\) KiB in the largest worker.*/\1\t\2/p' \
            "$BENCH_DIR/verbose.txt" | tail -n 1 | sed "s|^|memory\t$fs\t$jobs\t|" >> "$RESULTS"
    done
    rm -rf "$out"
done

# --- table ------------------------------------------------------------------

python3 - "$RESULTS" "$count" "$bytes" "$ROWS" "$RUNS" <<'PY'
import statistics, sys

path, count, size, rows, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]

def seconds(text):
    parts = [float(p) for p in text.split(":")]
    total = 0.0
    for part in parts:
        total = total * 60 + part
    return total

times, memory = {}, {}
for line in open(path, encoding="utf-8"):
    fields = line.rstrip("\n").split("\t")
    if fields[0] == "time":
        key = (fields[1], fields[2])
        times.setdefault(key, []).append((seconds(fields[4]), int(fields[5]), float(fields[6])))
    elif fields[0] == "memory":
        memory[(fields[1], fields[2])] = (int(fields[3]), int(fields[4]))

print(f"{count} input files ({size / 1e6:.1f} MB; half xlsx, half UTF-8 CSV; {rows} rows each), "
      f"three outputs per file; wall time is the median of {runs} runs (fastest-slowest).")
print()
print("| outputs on | -j | wall time (s) | files per second | CPU time (s) | peak RSS, GNU time (MiB) | parent (MiB) | largest worker (MiB) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for (fs, jobs) in times:
    walls = [w for w, _, _ in times[(fs, jobs)]]
    median = statistics.median(walls)
    peak = max(r for _, r, _ in times[(fs, jobs)])
    cpu = statistics.median(c for _, _, c in times[(fs, jobs)])
    parent, worker = memory.get((fs, jobs), (0, 0))
    print(f"| {fs} | {jobs} | {median:.2f} ({min(walls):.2f}-{max(walls):.2f}) | {count / median:.0f} "
          f"| {cpu:.2f} | {peak / 1024:.1f} | {parent / 1024:.1f} | {worker / 1024:.1f} |")
PY
