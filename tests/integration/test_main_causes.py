#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Main causes counted once per cause.csv value, through the command line.

An incident list that writes one cause four ways (バグ, ｿﾌﾄｳｪｱの誤り,
ソフトウェアの誤り, and 機器故障 for another cause) is converted. The
statistics CSV is read with the csv module, the register's 原因別集計 sheet
with openpyxl and the lesson report's Pareto table from its content.xml with
zipfile: each must count two causes. `inspect -v` must list the causes that
cause.csv does not name, once each, without a warning.
"""
import csv
import os
import re
import subprocess
import sys
import tempfile
import zipfile

try:
    import openpyxl
except ImportError:
    sys.exit('FAIL: python3-openpyxl is not installed (apt-get install python3-openpyxl)')

KYOKUN = os.environ['KYOKUN']
FAILURES = []
SOFTWARE_JA = 'ソフトウェアの誤り'
HARDWARE_JA = 'ハードウェア故障・性能低下等'


def check(condition, message):
    """Record a failed check without stopping, so one run shows every problem."""
    if not condition:
        FAILURES.append(message)
        print('FAIL:', message, file=sys.stderr)


def run(*args, expect=0):
    """Run kyokun under an English locale and return the completed process."""
    proc = subprocess.run([KYOKUN, *args], capture_output=True, text=True,
                          env=dict(os.environ, LC_ALL='C.UTF-8', LANG='C.UTF-8'))
    check(proc.returncode == expect, 'kyokun %s exited %d, expected %d; stderr:\n%s'
          % (' '.join(args), proc.returncode, expect, proc.stderr))
    return proc


def write_incidents(path, causes):
    """Write an incident list with one incident per cause."""
    with open(path, 'w', encoding='utf-8', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['障害の概要', '発生日', '主な原因'])
        for i, cause in enumerate(causes):
            writer.writerow(['障害%d' % (i + 1), '2024/4/%d' % (i + 1), cause])


def stats_causes(path):
    """Return [(key, count)] of the main_cause rows of a statistics CSV."""
    with open(path, encoding='utf-8', newline='') as f:
        return [(row['key'], int(row['count'])) for row in csv.DictReader(f)
                if row['axis'] == 'main_cause']


def register_causes(path):
    """Return [(cause, count)] of the 原因別集計 sheet, from its header row to 合計."""
    sheet = openpyxl.load_workbook(path)['原因別集計']
    rows = list(sheet.iter_rows(values_only=True))
    header = next((i for i, row in enumerate(rows) if row[0] == '主な原因'), None)
    check(header is not None, '原因別集計 has no header row starting with 主な原因')
    causes = []
    for row in rows[(header or 0) + 1:]:
        if row[0] in (None, '合計'):
            break
        causes.append((row[0], row[1]))
    return causes


def report_texts(path):
    """Return the text of every table cell of the lesson report's content.xml."""
    content = zipfile.ZipFile(path).read('content.xml').decode('utf-8')
    cells = re.findall(r'<table:table-cell[^>]*>(.*?)</table:table-cell>', content, re.S)
    return [re.sub(r'<[^>]+>', '', cell) for cell in cells]


def test_spellings_counted_once(work):
    """Four spellings of two causes give two rows in each output."""
    source = os.path.join(work, 'causes.csv')
    write_incidents(source, ['バグ', 'ｿﾌﾄｳｪｱの誤り', SOFTWARE_JA, '機器故障'])
    out = os.path.join(work, 'ja') + '/'
    run('convert', '--lang', 'ja', '-o', out, source)

    expected = [(SOFTWARE_JA, 3), (HARDWARE_JA, 1)]
    stats = stats_causes(os.path.join(out, 'causes.stats.csv'))
    check(stats == expected, 'stats main causes are %r, expected %r' % (stats, expected))
    register = register_causes(os.path.join(out, 'causes.risk-register.xlsx'))
    check(register == expected, '原因別集計 rows are %r, expected %r' % (register, expected))

    texts = report_texts(os.path.join(out, 'causes.lesson-report.odt'))
    for spelling in ('バグ', 'ｿﾌﾄｳｪｱの誤り', '機器故障'):
        check(spelling not in texts, 'the report has a table cell %r' % spelling)
    check(texts.count(SOFTWARE_JA) == 1, 'the report names %s in %d table cells, expected 1'
          % (SOFTWARE_JA, texts.count(SOFTWARE_JA)))

    out_en = os.path.join(work, 'en') + '/'
    run('convert', '--lang', 'en', '-t', 'stats', '-o', out_en, source)
    stats_en = stats_causes(os.path.join(out_en, 'causes.stats.csv'))
    expected_en = [('software defect', 3), ('hardware failure or degradation', 1)]
    check(stats_en == expected_en, 'English stats main causes are %r, expected %r'
          % (stats_en, expected_en))


def test_unknown_causes_listed(work):
    """Causes that cause.csv does not name are kept, and inspect -v lists them once."""
    source = os.path.join(work, 'unknown.csv')
    write_incidents(source, ['ネットワーク', ' ネットワーク ', 'バグ', '回線業者の工事', 'ネットワーク'])
    out = os.path.join(work, 'unknown') + '/'
    run('convert', '--lang', 'ja', '-t', 'stats', '-o', out, source)
    stats = stats_causes(os.path.join(out, 'unknown.stats.csv'))
    expected = [('ネットワーク', 3), (SOFTWARE_JA, 1), ('回線業者の工事', 1)]
    check(stats == expected, 'stats main causes are %r, expected %r' % (stats, expected))

    proc = run('inspect', '-v', source)
    lines = proc.stdout.splitlines()
    title = [i for i, line in enumerate(lines) if 'main causes not in cause.csv' in line]
    check(len(title) == 1, 'inspect -v prints %d lists of unknown causes:\n%s'
          % (len(title), proc.stdout))
    if title:
        listed = [line.strip() for line in lines[title[0] + 1:title[0] + 3]]
        check(listed == ['ネットワーク (3 incidents)', '回線業者の工事 (1 incident)'],
              'inspect -v lists %r' % listed)
        check('(2)' in lines[title[0]], 'the list title does not count 2 causes: %r'
              % lines[title[0]])
    check('バグ' not in proc.stdout, 'inspect -v lists the known cause バグ:\n' + proc.stdout)
    check('warning' not in proc.stderr, 'an unknown cause gave a warning:\n' + proc.stderr)

    quiet = run('inspect', source)
    check('main causes not in cause.csv' not in quiet.stdout,
          'inspect without -v lists the unknown causes:\n' + quiet.stdout)


def main():
    with tempfile.TemporaryDirectory() as work:
        test_spellings_counted_once(work)
        test_unknown_causes_listed(work)
    if FAILURES:
        print('%d check(s) failed' % len(FAILURES), file=sys.stderr)
        return 1
    print('main causes: all checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
