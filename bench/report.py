#!/usr/bin/env python3
"""Write docs/benchmarks.md from one run-peers.sh summary that includes kyokun.

usage: report.py --summary S.tsv --raw R.tsv --command CMD --peers-script PATH
                 --started TIME --load "START END" --kyokun BIN

Called by bench/run.sh; prints Markdown on standard output.
"""
import argparse
import csv
import os
import platform
import subprocess
from collections import defaultdict

FORMATS = [("xlsx", "xlsx (shared strings)"), ("ods", "ODS (saved by LibreOffice)"),
           ("csv", "CSV, UTF-8"), ("cp932", "CSV, CP932")]
# The floor each format's kyokun time is compared with.
FLOOR = {"xlsx": "floor:xmllint-sheet+sst", "ods": "floor:xmllint-content",
         "csv": "floor:cat", "cp932": "floor:iconv"}
GOAL_ROWS = 100000


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def read_summary(path):
    cells = defaultdict(dict)  # (format, rows) -> peer -> row
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            cells[(row["format"], int(row["rows"]))][row["peer"]] = row
    return cells


def read_loads(path):
    loads = []
    if path and os.path.exists(path):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                value = number(row.get("load1"))
                if value is not None:
                    loads.append(value)
    return loads


def command_output(args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=False).stdout
    except OSError:
        return ""


def machine():
    model, cores = "unknown", str(os.cpu_count())
    for line in command_output(["lscpu"]).splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Model name":
            model = value.strip()
    memory = "unknown"
    with open("/proc/meminfo", encoding="ascii") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                memory = "%.1f GiB" % (int(line.split()[1]) / 1048576)
    debian = "unknown"
    if os.path.exists("/etc/debian_version"):
        with open("/etc/debian_version", encoding="ascii") as f:
            debian = f.read().strip()
    return model, cores, memory, debian


def seconds(row):
    return number(row["median_s"]) if row else None


def spread(row):
    if row is None:
        return "-"
    median = row["median_s"]
    if not row["min_s"]:
        return "%s (%s)" % (median, row["check"])
    return "%s (%s-%s)" % (median, row["min_s"], row["max_s"])


def fastest_peer(peers):
    """Return (name, row) of the fastest peer that is neither a floor nor kyokun."""
    best = None
    for name, row in peers.items():
        if name == "kyokun" or name.startswith("floor:") or seconds(row) is None:
            continue
        if best is None or seconds(row) < seconds(best[1]):
            best = (name, row)
    return best


def ratio(a, b):
    return "%.2f" % (a / b) if a is not None and b else "-"


def format_table(cells, fmt):
    sizes = sorted(rows for (f, rows) in cells if f == fmt)
    if not sizes:
        return []
    lines = [
        "| rows | kyokun median s (min-max) | kyokun peak RSS MiB | output check | fastest peer, median s"
        " | fastest peer / kyokun | %s median s | kyokun / floor |" % FLOOR[fmt],
        "|---:|---:|---:|---|---|---:|---:|---:|",
    ]
    for rows in sizes:
        peers = cells[(fmt, rows)]
        ours = peers.get("kyokun")
        best = fastest_peer(peers)
        floor = peers.get(FLOOR[fmt])
        lines.append("| %d | %s | %s | %s | %s | %s | %s | %s |" % (
            rows, spread(ours), ours["rss_mib"] if ours else "-", ours["check"] if ours else "-",
            "%s, %s" % (best[0], best[1]["median_s"]) if best else "-",
            ratio(seconds(best[1]) if best else None, seconds(ours)),
            floor["median_s"] if floor else "-", ratio(seconds(ours), seconds(floor))))
    return lines


def goal_rows(cells):
    def get(fmt, peer, rows=GOAL_ROWS):
        return seconds(cells.get((fmt, rows), {}).get(peer))

    lines = ["| goal (%d rows) | measured | met |" % GOAL_ROWS, "|---|---:|---|"]

    def add(text, value, ok):
        if ok is None:
            met = "-"
        else:
            met = "yes" if ok else "no"
        lines.append("| %s | %s | %s |" % (text, value, met))

    for fmt in ("xlsx", "ods"):
        best = fastest_peer(cells.get((fmt, GOAL_ROWS), {}))
        ours = get(fmt, "kyokun")
        value = seconds(best[1]) / ours if best and ours else None
        add("%s: fastest peer (%s) / kyokun >= 4" % (fmt, best[0] if best else "none"),
            "%.2f" % value if value else "-", value >= 4 if value else None)
    ours, floor = get("xlsx", "kyokun"), get("xlsx", FLOOR["xlsx"])
    value = ours / floor if ours and floor else None
    add("xlsx: kyokun / %s <= 1.3" % FLOOR["xlsx"], "%.2f" % value if value else "-",
        value <= 1.3 if value else None)
    ours, pycsv = get("csv", "kyokun"), get("csv", "pycsv")
    value = pycsv / ours if ours and pycsv else None
    add("UTF-8 CSV: pycsv / kyokun >= 3", "%.2f" % value if value else "-",
        value >= 3 if value else None)
    cp932, iconv, utf8 = get("cp932", "kyokun"), get("cp932", "floor:iconv"), get("csv", "kyokun")
    value = cp932 / (iconv + utf8) if cp932 and iconv and utf8 else None
    add("CP932 CSV: kyokun / (floor:iconv + kyokun on the UTF-8 CSV) <= 1.5",
        "%.2f" % value if value else "-", value <= 1.5 if value else None)

    for fmt, _ in FORMATS:
        sizes = sorted(rows for (f, rows) in cells if f == fmt and "kyokun" in cells[(f, rows)])
        rss = [number(cells[(fmt, rows)]["kyokun"]["rss_mib"]) for rows in sizes]
        rss = [value for value in rss if value is not None]
        if len(rss) < 2:
            continue
        largest = max(rss)
        growth = rss[-1] / rss[0] - 1
        add("%s: peak RSS < 64 MiB, and %d rows within 20 %% of %d rows" % (fmt, sizes[-1], sizes[0]),
            "%.0f MiB max, %+.0f %%" % (largest, growth * 100), largest < 64 and abs(growth) <= 0.2)
    return lines


def main():
    parser = argparse.ArgumentParser()
    for name in ("summary", "raw", "command", "peers-script", "started", "load", "kyokun"):
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()

    cells = read_summary(args.summary)
    loads = read_loads(args.raw)
    model, cores, memory, debian = machine()
    version = command_output([args.kyokun, "--version"]).strip().splitlines()
    out = [
        "# Benchmarks: `kyokun dump` against other converters",
        "",
        "Written by `bench/run.sh` (see bench/README.md). Rerun it to refresh this page.",
        "Each figure is the median wall time of the runs that `run-peers.sh` made of each",
        "command, with the fastest and slowest run in brackets. The times include process",
        "start-up, and the page cache is warm. Peak RSS is GNU time's maximum resident set size.",
        "",
        "## Machine and run",
        "",
        "- CPU: %s, %s cores (%s)" % (model, cores, platform.machine()),
        "- Memory: %s; Debian %s; kernel %s" % (memory, debian, platform.release()),
        "- Started: %s; kyokun: %s" % (args.started, version[0] if version else "unknown"),
        "- Command: `%s` (runs `%s` with kyokun added as a peer)" % (
            args.command.strip(), os.path.basename(args.peers_script)),
        "- 1-minute load average: %s at the start, %s at the end%s" % (
            args.load.split()[0], args.load.split()[1],
            ", %.2f-%.2f over the runs" % (min(loads), max(loads)) if loads else ""),
        "",
        "The machine is shared, so other work may have run at the same time. Compare the",
        "ratios, which come from runs made in the same sitting, rather than absolute times",
        "from different pages.",
        "",
        "## Goals",
        "",
    ]
    out += goal_rows(cells)
    out += ["", "The CP932 goal compares the CP932 file with what converting it to UTF-8 with",
            "iconv and then reading the UTF-8 CSV would cost."]
    if " -p " in args.command + " ":
        out += ["\"Fastest peer\" means the fastest of the peers named with `-p`; the others were",
                "not run in this sitting."]
    out += ["", "The xlsx reader needs the whole shared-strings table, because cells refer to",
            "its entries in any order. A table over 2 MiB moves to mapped temporary files",
            "whose pages are released every 1024 lookups, so the heap stays flat and the",
            "peak RSS grows only with the pages one stretch of lookups touches.",
            "[benchmarks-memory.md](benchmarks-memory.md) has the profiles behind this.",
            "[benchmarks-batch.md](benchmarks-batch.md) has the figures of `bench/batch.sh`",
            "(many small files with -j).", ""]
    for fmt, title in FORMATS:
        table = format_table(cells, fmt)
        if table:
            out += ["## %s" % title, ""] + table + [""]
    out += ["## All commands", "",
            "| file | rows | command | median s | min-max s | peak RSS MiB | output check |",
            "|---|---:|---|---:|---:|---:|---|"]
    for (fmt, rows), peers in sorted(cells.items(), key=lambda item: ([f for f, _ in FORMATS].index(item[0][0]), item[0][1])):
        for name, row in peers.items():
            span = "%s-%s" % (row["min_s"], row["max_s"]) if row["min_s"] else ""
            out.append("| %s | %d | %s | %s | %s | %s | %s |" % (
                row["file"], rows, name, row["median_s"], span, row["rss_mib"], row["check"]))
    print("\n".join(out))


if __name__ == "__main__":
    main()
