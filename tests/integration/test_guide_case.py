#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end check of the main job on the guide's worked case.

Converts samples/guide-case.ja.xlsx (and the CP932 incident CSV) into the
three outputs and checks them against values read from the inputs by
openpyxl and Python's csv module, never against kyokun's own reading:
the statistics count every incident once per main cause, LibreOffice opens
the risk register and shows A x B in column C, and the same input gives the
same bytes twice.
"""
import collections
import csv
import glob
import io
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import openpyxl
except ImportError:
    sys.exit('FAIL: python3-openpyxl is not installed (apt-get install python3-openpyxl)')

KYOKUN = os.environ['KYOKUN']
SOURCE = os.environ['KY_SOURCE_DIR']
SAMPLE = os.path.join(SOURCE, 'samples', 'guide-case.ja.xlsx')
SAMPLE_CSV = os.path.join(SOURCE, 'samples', 'incidents.cp932.csv')
FAILURES = []


def check(condition, message):
    """Record a failed check without stopping, so one run shows every problem."""
    if not condition:
        FAILURES.append(message)
        print('FAIL:', message, file=sys.stderr)


def run(*args, expect=0):
    """Run kyokun and return the completed process; record an unexpected exit status."""
    proc = subprocess.run([KYOKUN, *args], capture_output=True, text=True,
                          env=dict(os.environ, LC_ALL='C.UTF-8', LANG='C.UTF-8'))
    check(proc.returncode == expect, 'kyokun %s exited %d, expected %d; stderr:\n%s'
          % (' '.join(args), proc.returncode, expect, proc.stderr))
    return proc


def header_row(sheet, names):
    """Return (row number, {header text: column index}) of the first row holding all `names`."""
    for row in sheet.iter_rows(min_row=1, max_row=30):
        texts = {str(c.value).split('\n')[0].strip(): c.column - 1
                 for c in row if c.value is not None}
        found = {}
        for name in names:
            for text, col in texts.items():
                if name in text:
                    found[name] = col
        if len(found) == len(names):
            return row[0].row, found
    return None, None


def incident_causes_from_xlsx(path):
    """Count incidents per main cause in the 障害一覧 sheet, read with openpyxl."""
    book = openpyxl.load_workbook(path, data_only=True)
    sheet = book['障害一覧']
    row_number, columns = header_row(sheet, ['障害の概要', '主な原因'])
    check(row_number is not None, '障害一覧 has no header with 障害の概要 and 主な原因')
    counts = collections.Counter()
    for row in sheet.iter_rows(min_row=row_number + 1, values_only=True):
        summary = row[columns['障害の概要']]
        if summary is None or str(summary).strip() == '':
            continue
        cause = row[columns['主な原因']]
        counts[str(cause).strip() if cause is not None else ''] += 1
    return counts


def incident_causes_from_csv(path):
    """Count incidents per main cause in the CP932 CSV sample."""
    with open(path, encoding='cp932', newline='') as f:
        rows = list(csv.reader(f))
    header = rows[0]
    col = [i for i, h in enumerate(header) if '主な原因' in h][0]
    return collections.Counter(r[col].strip() for r in rows[1:] if any(x.strip() for x in r))


def stats_counts(path):
    """Read the stats CSV and return {cause: (count, share, cumulative, class)} of axis main_cause."""
    with open(path, encoding='utf-8-sig', newline='') as f:
        rows = list(csv.DictReader(f))
    result = {}
    for row in rows:
        if row['axis'] == 'main_cause':
            result[row['key']] = (int(row['count']), float(row['share']),
                                  float(row['cumulative_share']), row['abc_class'])
    return result


def check_stats(stats_path, expected_counts, label):
    stats = stats_counts(stats_path)
    total = sum(expected_counts.values())
    check(total >= 30, '%s: the sample should have at least 30 incidents, has %d' % (label, total))
    check(sum(c for c, _, _, _ in stats.values()) == total,
          '%s: stats counts add up to %d, the incident list has %d'
          % (label, sum(c for c, _, _, _ in stats.values()), total))
    for cause, count in expected_counts.items():
        key = cause if cause else None
        got = stats.get(key) if key else None
        if key is None:
            got = next((v for k, v in stats.items() if k.startswith('(')), None)
        check(got is not None and got[0] == count,
              '%s: cause %r has %s in stats, %d in the input' % (label, cause, got, count))
        if got:
            check(abs(got[1] - count / total) < 0.00051,
                  '%s: share of %r is %s, expected %.4f' % (label, cause, got[1], count / total))
    ordered = sorted(stats.values(), key=lambda v: -v[2])
    check(abs(max(v[2] for v in stats.values()) - 1.0) < 0.0001,
          '%s: the last cumulative share is not 1' % label)
    check(ordered[-1][3] in ('A', 'B', 'C'), '%s: ABC class missing' % label)


def check_register_in_libreoffice(register, workdir):
    """Convert the register's risk sheet to CSV with LibreOffice and check C = A x B."""
    soffice = shutil.which('soffice') or shutil.which('libreoffice')
    check(soffice is not None, 'LibreOffice (soffice) is not installed')
    if soffice is None:
        return
    profile = 'file://' + os.path.join(workdir, 'lo-profile')
    outdir = os.path.join(workdir, 'lo')
    proc = subprocess.run([soffice, '--headless', '-env:UserInstallation=' + profile,
                           '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1',
                           '--outdir', outdir, register], capture_output=True, text=True,
                          timeout=240)
    produced = glob.glob(os.path.join(outdir, '*.csv'))
    check(proc.returncode == 0 and produced, 'LibreOffice could not open the register: %s %s'
          % (proc.stdout, proc.stderr))
    if not produced:
        return
    with open(produced[0], encoding='utf-8', newline='') as f:
        rows = list(csv.reader(f))
    head = None
    for index, row in enumerate(rows):
        if any('影響度' in cell for cell in row) and any('リスク値' in cell for cell in row):
            head = index
            break
    check(head is not None, 'LibreOffice shows no header with 影響度 and リスク値 in the register')
    if head is None:
        return
    a_col = next(i for i, c in enumerate(rows[head]) if '影響度' in c)
    b_col = next(i for i, c in enumerate(rows[head]) if '発生度' in c)
    c_col = next(i for i, c in enumerate(rows[head]) if 'リスク値' in c)
    checked = 0
    for row in rows[head + 1:]:
        if len(row) <= c_col or not row[a_col].strip().isdigit() or not row[b_col].strip().isdigit():
            continue
        expected = int(row[a_col]) * int(row[b_col])
        check(row[c_col].strip() == str(expected),
              'LibreOffice shows C=%r for A=%s B=%s' % (row[c_col], row[a_col], row[b_col]))
        checked += 1
    check(checked >= 3, 'LibreOffice showed only %d risk rows with numeric A and B' % checked)


def main():
    with tempfile.TemporaryDirectory() as workdir:
        out1 = os.path.join(workdir, 'first')
        out2 = os.path.join(workdir, 'second')
        run('convert', '--lang', 'ja', '-o', out1 + '/', SAMPLE)
        run('convert', '--lang', 'ja', '-o', out2 + '/', SAMPLE)

        base = 'guide-case.ja'
        outputs = ['%s.risk-register.xlsx' % base, '%s.lesson-report.odt' % base,
                   '%s.stats.csv' % base]
        for name in outputs:
            first, second = os.path.join(out1, name), os.path.join(out2, name)
            check(os.path.isfile(first), 'convert did not write %s' % name)
            if os.path.isfile(first) and os.path.isfile(second):
                with open(first, 'rb') as f1, open(second, 'rb') as f2:
                    check(f1.read() == f2.read(), '%s differs between two runs' % name)
        leftovers = [n for n in os.listdir(out1) if n.startswith('.')]
        check(not leftovers, 'temporary files left behind: %s' % leftovers)

        stats = os.path.join(out1, '%s.stats.csv' % base)
        if os.path.isfile(stats):
            check_stats(stats, incident_causes_from_xlsx(SAMPLE), 'xlsx sample')

        # The same incident list as a CP932 CSV gives the same statistics.
        out3 = os.path.join(workdir, 'csv')
        run('convert', '--lang', 'ja', '-t', 'stats', '-o', out3 + '/', SAMPLE_CSV)
        csv_stats = os.path.join(out3, 'incidents.cp932.stats.csv')
        check(os.path.isfile(csv_stats), 'convert of the CP932 CSV wrote no stats')
        if os.path.isfile(csv_stats):
            check_stats(csv_stats, incident_causes_from_csv(SAMPLE_CSV), 'CP932 CSV sample')

        register = os.path.join(out1, '%s.risk-register.xlsx' % base)
        if os.path.isfile(register):
            check_register_in_libreoffice(register, workdir)

        # inspect explains what it recognised, with counts that add up.
        proc = run('inspect', SAMPLE)
        for sheet in ('障害状況表', 'なぜなぜ分析', 'リスク管理表', '教訓', '障害一覧'):
            check(sheet in proc.stdout, 'inspect does not mention sheet %s' % sheet)

    if FAILURES:
        print('%d check(s) failed' % len(FAILURES), file=sys.stderr)
        sys.exit(1)
    print('guide case: all checks passed')


if __name__ == '__main__':
    main()
