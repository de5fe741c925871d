#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run inspect and convert over samples/legacy and the shared corpus.

For samples/legacy, the tables that `inspect --format csv` reports must be
the ones listed in tests/legacy-expected.csv, and the tables of each sheet
must share out exactly the rows that openpyxl (or Python's csv module)
reads from that sheet. For every file of the shared corpus that an input
plugin reads, inspect must succeed or fail with a message naming the file,
never crash, and every table's mapped plus skipped rows must equal its rows.
convert writes every output format for each file into a temporary folder,
with the same rules. A file that no input plugin reads is skipped with a
message. Runs in about 30 seconds on a 2-core machine.
"""
import collections
import csv
import io
import os
import subprocess
import sys
import tempfile

try:
    import openpyxl
except ImportError:
    sys.exit('FAIL: python3-openpyxl is not installed (apt-get install python3-openpyxl)')

KYOKUN = os.environ['KYOKUN']
SOURCE = os.environ['KY_SOURCE_DIR']
SHARED = os.environ.get('KY_SHARED', os.path.join(SOURCE, '..', 'shared'))
LEGACY = os.path.join(SOURCE, 'samples', 'legacy')
EXPECTED = os.path.join(SOURCE, 'tests', 'legacy-expected.csv')
CORPUS = os.path.join(SHARED, 'corpus')
SANITIZER_MARKS = ('AddressSanitizer', 'LeakSanitizer', 'runtime error:')
FAILURES = []


def check(condition, message):
    """Record a failed check without stopping, so one run shows every problem."""
    if not condition:
        FAILURES.append(message)
        print('FAIL:', message, file=sys.stderr)


def run(args):
    """Run kyokun with a C locale and return the completed process."""
    return subprocess.run([KYOKUN, *args], capture_output=True, text=True,
                          env=dict(os.environ, LC_ALL='C.UTF-8', LANG='C.UTF-8'))


def check_no_crash(proc, path, command):
    """Check that kyokun ended by itself and that no sanitizer reported anything."""
    check(proc.returncode >= 0 and proc.returncode < 128,
          '%s %s: crashed with exit status %d; stderr:\n%s'
          % (command, path, proc.returncode, proc.stderr[-2000:]))
    for mark in SANITIZER_MARKS:
        check(mark not in proc.stderr, '%s %s: sanitizer report:\n%s'
              % (command, path, proc.stderr[-4000:]))


def check_failure_named(proc, path, command):
    """Check that a failed run printed an error naming the file."""
    if proc.returncode == 0:
        return
    name = os.path.basename(path)
    check(name in proc.stderr, '%s %s: failed (exit %d) without naming the file; stderr:\n%s'
          % (command, path, proc.returncode, proc.stderr[-2000:]))


def readable_extensions():
    """Return the file extensions that the loaded input plugins read, from `kyokun plugins`."""
    proc = run(['plugins'])
    check(proc.returncode == 0, 'kyokun plugins failed: %s' % proc.stderr)
    extensions = set()
    kind = None
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith('kind:'):
            kind = line.split(':', 1)[1].strip()
        elif line.startswith('extensions:') and kind == 'input':
            extensions.update(e.strip().lower() for e in line.split(':', 1)[1].split(','))
    return extensions


def inspect_tables(path):
    """Run `inspect --format csv` and return (process, list of table records as dicts)."""
    proc = run(['inspect', '--format', 'csv', path])
    check_no_crash(proc, path, 'inspect')
    check_failure_named(proc, path, 'inspect')
    if proc.returncode != 0:
        return proc, []
    tables = list(csv.DictReader(io.StringIO(proc.stdout)))
    for table in tables:
        where = '%s, sheet %s, table %s' % (path, table['sheet'], table['table'])
        total = int(table['rows_total'])
        mapped = int(table['rows_mapped'])
        skipped = int(table['rows_skipped'])
        parts = sum(int(table[k]) for k in ('blank', 'title', 'header', 'note', 'unreadable'))
        check(mapped + skipped == total, '%s: %d mapped + %d skipped != %d rows'
              % (where, mapped, skipped, total))
        check(parts == skipped, '%s: skip reasons add up to %d, not %d' % (where, parts, skipped))
        check(int(table['totals']) <= int(table['note']),
              '%s: more totals rows than skipped notes' % where)
    return proc, tables


def check_sheets_share_rows(path, tables):
    """Check that the tables of each sheet cover rows 1 to the sheet's last row, each row once."""
    by_sheet = collections.defaultdict(list)
    for table in tables:
        by_sheet[table['sheet']].append(table)
    for sheet, parts in by_sheet.items():
        parts.sort(key=lambda t: int(t['table']))
        expected_first = 1
        for table in parts:
            first, last = int(table['first_row']), int(table['last_row'])
            if int(table['rows_total']) == 0:
                continue
            check(first == expected_first, '%s, sheet %s, table %s starts at row %d, not %d'
                  % (path, sheet, table['table'], first, expected_first))
            check(last - first + 1 == int(table['rows_total']),
                  '%s, sheet %s, table %s: rows %d-%d but %s rows counted'
                  % (path, sheet, table['table'], first, last, table['rows_total']))
            expected_first = last + 1


def convert_all(path, out_dir):
    """Convert one file into every output format; return the process."""
    proc = run(['convert', '--force', '-q', '-o', out_dir + os.sep, path])
    check_no_crash(proc, path, 'convert')
    check_failure_named(proc, path, 'convert')
    return proc


# ---------------------------------------------------------------------------
# samples/legacy
# ---------------------------------------------------------------------------

def sheet_rows_openpyxl(path):
    """Return {sheet name: last row holding a value} as openpyxl reads the workbook."""
    workbook = openpyxl.load_workbook(path, read_only=False)
    rows = {}
    for sheet in workbook.worksheets:
        last = 0
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None and cell.value != '':
                    last = max(last, cell.row)
        rows[sheet.title] = last
    return rows


def sheet_rows_csv(path):
    """Return {sheet name: records} of a CP932 CSV file, the sheet being named after the file."""
    with open(path, encoding='cp932', newline='') as handle:
        records = list(csv.reader(handle))
    name = os.path.basename(path)
    return {name[:name.rindex('.')]: len(records)}


def load_expected():
    with open(EXPECTED, encoding='utf-8') as handle:
        lines = [line for line in handle if not line.startswith('#')]
    expected = collections.defaultdict(list)
    for record in csv.DictReader(lines):
        expected[record['file']].append(record)
    return expected


def check_legacy(out_dir):
    expected = load_expected()
    files = sorted(f for f in os.listdir(LEGACY) if f.endswith(('.xlsx', '.csv')))
    check(len(files) >= 5, 'samples/legacy has %d inputs, expected at least 5' % len(files))
    check(sorted(expected) == files, 'tests/legacy-expected.csv lists %s but samples/legacy has %s'
          % (sorted(expected), files))
    for name in files:
        path = os.path.join(LEGACY, name)
        proc, tables = inspect_tables(path)
        check(proc.returncode == 0, 'inspect %s exited %d: %s' % (name, proc.returncode, proc.stderr))
        check_sheets_share_rows(path, tables)
        found = [(t['sheet'], t['table'], t['kind'], t['rows_total'], t['rows_mapped'],
                  t['totals']) for t in tables]
        listed = [(e['sheet'], e['table'], e['kind'], e['rows_total'], e['rows_mapped'],
                   e['totals']) for e in expected.get(name, [])]
        check(found == listed, '%s: tables %s, expected %s' % (name, found, listed))

        rows = sheet_rows_csv(path) if name.endswith('.csv') else sheet_rows_openpyxl(path)
        counted = collections.Counter()
        for table in tables:
            counted[table['sheet']] += int(table['rows_total'])
        for sheet, last in rows.items():
            check(counted[sheet] == last, '%s, sheet %s: the tables count %d rows, the reader %d'
                  % (name, sheet, counted[sheet], last))

        proc = convert_all(path, out_dir)
        check(proc.returncode == 0, 'convert %s exited %d: %s' % (name, proc.returncode, proc.stderr))
    check_register_without_totals(out_dir)


def check_register_without_totals(out_dir):
    """Check that no 合計 or 小計 row of register-totals.xlsx became an incident in the register."""
    path = os.path.join(out_dir, 'register-totals.risk-register.xlsx')
    check(os.path.exists(path), 'convert wrote no %s' % path)
    if not os.path.exists(path):
        return
    workbook = openpyxl.load_workbook(path)
    summaries = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            summaries.extend(str(v) for v in row if isinstance(v, str))
    for label in ('合計', '小計（上期）', '小計（下期）'):
        check(label not in summaries, 'the register of register-totals.xlsx contains "%s"' % label)
    for summary in ('受付システムの停止', '外部APIの仕様変更'):
        check(summary in summaries, 'the register of register-totals.xlsx lacks "%s"' % summary)


def check_inspect_text():
    """Check the text report of a sheet with two tables and the -v listings of events and trees."""
    proc = run(['inspect', os.path.join(LEGACY, 'hougan-two-tables.xlsx')])
    check(proc.returncode == 0, 'inspect hougan-two-tables.xlsx exited %d' % proc.returncode)
    for line in ('table 1 of 2, rows 1-12', 'table 2 of 2, rows 13-17', 'header: row 14',
                 'totals rows: 1'):
        check(line in proc.stdout, 'inspect hougan-two-tables.xlsx does not print "%s":\n%s'
              % (line, proc.stdout))

    proc = run(['inspect', '-v', os.path.join(LEGACY, 'status-two-headers.xlsx')])
    for line in ('row 4: 朝４時 = 04:00, A社 / 情シス部門: 監視で異常を検知',
                 'row 6: ８：３０ = 08:30, A社 / 情シス部門: 利用者へ第一報',
                 'row 8: 翌 AM1:30 = 01:30 (day +1), B社 / 保守: 部品を交換し復旧',
                 'row 9: その他 = (time not read), A社 / 業務窓口: お詫びを掲示'):
        check(line in proc.stdout, 'inspect -v status-two-headers.xlsx does not print "%s":\n%s'
              % (line, proc.stdout))

    proc = run(['inspect', '-v', os.path.join(LEGACY, 'why-six-levels.xlsx')])
    for line in ('                  root cause: 通知先が退職者のままだった',
                 '                    countermeasure: 通知先の変更手順を作る',
                 '              root cause: 監視の対象が決められていなかった',
                 '              lesson: G9'):
        check(line in proc.stdout.splitlines(), 'inspect -v why-six-levels.xlsx lacks the line '
              '"%s":\n%s' % (line, proc.stdout))


# ---------------------------------------------------------------------------
# Shared corpus
# ---------------------------------------------------------------------------

def check_corpus(out_dir):
    if not os.path.isdir(CORPUS):
        print('SKIP: no corpus at %s' % CORPUS)
        return
    extensions = readable_extensions()
    inspected = 0
    for folder, _, names in sorted(os.walk(CORPUS)):
        for name in sorted(names):
            path = os.path.join(folder, name)
            extension = os.path.splitext(name)[1].lower()
            if extension not in extensions:
                print('skipped %s: no input plugin reads %s files'
                      % (os.path.relpath(path, CORPUS), extension or 'extension-less'))
                continue
            inspected += 1
            proc, tables = inspect_tables(path)
            if proc.returncode == 0:
                check_sheets_share_rows(path, tables)
            kinds = sorted({t['kind'] for t in tables})
            print('%s: inspect exit %d, tables: %s'
                  % (os.path.relpath(path, CORPUS), proc.returncode, ', '.join(kinds) or 'none'))
            convert_all(path, os.path.join(out_dir, 'corpus'))
    check(inspected > 0, 'no corpus file was read: is an input plugin missing?')


def main():
    with tempfile.TemporaryDirectory() as out_dir:
        check_legacy(out_dir)
        check_inspect_text()
        check_corpus(out_dir)
    if FAILURES:
        print('%d check(s) failed' % len(FAILURES), file=sys.stderr)
        return 1
    print('ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
