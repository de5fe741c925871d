#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Common spellings of main causes, the causes beyond the METI list, and the
count of unknown causes that `convert -v` gives.

The legacy samples write causes as registers do (プログラムミス, 設計ミス,
ハードウェア, 外部要因). Their statistics, read with the csv module, must
count each under its cause.csv label, and `inspect -v` must list no unknown
cause for them. An incident list with one row per alias checks where each
alias goes. `convert -v` must report once per input how many causes are
unknown, and where to see and add them.
"""
import csv
import os
import subprocess
import sys
import tempfile

KYOKUN = os.environ['KYOKUN']
SOURCE = os.environ['KY_SOURCE_DIR']
FAILURES = []

SOFTWARE = 'software defect'
HARDWARE = 'hardware failure or degradation'
CAPACITY = 'insufficient performance or capacity'
OPERATION = 'operation method or procedure error'

# Alias as a register writes it, and the English label it must count under.
ALIASES = [
    ('プログラムミス', SOFTWARE), ('プログラム誤り', SOFTWARE), ('設計ミス', SOFTWARE),
    ('設計誤り', SOFTWARE), ('ハードウェア', HARDWARE), ('ハード障害', HARDWARE),
    ('HW障害', HARDWARE), ('ＨＷ障害', HARDWARE), ('操作誤り', OPERATION),
    ('作業ミス', OPERATION), ('人為ミス', OPERATION), ('ヒューマンエラー', OPERATION),
    ('容量不足', CAPACITY), ('性能劣化', CAPACITY), ('外部要因', 'external cause'),
    ('外部サービス障害', 'outage of an external service'), ('災害', 'disaster'),
    ('サイバー攻撃', 'cyber attack'), ('不明', 'unknown cause'), ('その他', 'other'),
]


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


def stats_causes(path):
    """Return {key: count} of the main_cause rows of a statistics CSV."""
    with open(path, encoding='utf-8', newline='') as f:
        return {row['key']: int(row['count']) for row in csv.DictReader(f)
                if row['axis'] == 'main_cause'}


def write_incidents(path, causes):
    """Write an incident list with one incident per cause."""
    with open(path, 'w', encoding='utf-8', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['障害の概要', '発生日', '主な原因'])
        for i, cause in enumerate(causes):
            writer.writerow(['障害%d' % (i + 1), '2024/4/%d' % (i % 28 + 1), cause])


def test_samples_recognised(work):
    """The causes of the legacy samples are all in cause.csv."""
    expected = {
        'ticket-export.cp932.csv': {SOFTWARE: 2, HARDWARE: 1, 'external cause': 1,
                                    CAPACITY: 1, OPERATION: 1},
        'hougan-two-tables.xlsx': {SOFTWARE: 2, HARDWARE: 1, OPERATION: 1},
    }
    for name, counts in expected.items():
        source = os.path.join(SOURCE, 'samples', 'legacy', name)
        target = os.path.join(work, name + '.stats.csv')
        run('convert', '--lang', 'en', '-t', 'stats', '-o', target, source)
        found = stats_causes(target)
        check(found == counts, '%s: main causes %r, expected %r' % (name, found, counts))
        proc = run('inspect', '-v', source)
        check('main causes not in cause.csv' not in proc.stdout,
              '%s: inspect -v lists unknown causes:\n%s' % (name, proc.stdout))


def test_aliases(work):
    """Each alias counts under the label of its cause."""
    source = os.path.join(work, 'aliases.csv')
    write_incidents(source, [alias for alias, _ in ALIASES])
    target = os.path.join(work, 'aliases.stats.csv')
    run('convert', '--lang', 'en', '-t', 'stats', '-o', target, source)
    expected = {}
    for _, label in ALIASES:
        expected[label] = expected.get(label, 0) + 1
    found = stats_causes(target)
    check(found == expected, 'main causes %r, expected %r' % (found, expected))


def test_extension_codes_marked():
    """The codes after CA9 have both labels and a note that they extend the METI list."""
    with open(os.path.join(SOURCE, 'core', 'dict', 'cause.csv'), encoding='utf-8',
              newline='') as f:
        rows = {row['code']: row for row in csv.DictReader(f)}
    extensions = ['CA%d' % n for n in range(10, 16)]
    for code in extensions:
        row = rows.get(code)
        check(row is not None, 'cause.csv has no %s' % code)
        if row:
            check(row['ja'] and row['en'], '%s lacks a label: %r' % (code, row))
            check('METI' in row['note'], '%s has no note on the METI list: %r' % (code, row))
    check(sorted(rows) == sorted(['CA%d' % n for n in range(1, 10)] + extensions),
          'cause.csv codes are %r' % sorted(rows))


def test_convert_counts_unknown(work):
    """convert -v reports once per input how many causes are unknown."""
    unknown = os.path.join(work, 'unknown.csv')
    write_incidents(unknown, ['ネットワーク', 'ネットワーク', '回線業者の工事', 'バグ'])
    known = os.path.join(work, 'known.csv')
    write_incidents(known, ['バグ', '設計ミス'])
    out = os.path.join(work, 'verbose') + '/'
    proc = run('convert', '-v', '--merge', '-t', 'stats', '-o', out, unknown, known)
    lines = [line for line in proc.stderr.splitlines() if 'not in cause.csv' in line]
    check(len(lines) == 1, 'expected one line on unknown causes, got:\n' + proc.stderr)
    if lines:
        line = lines[0]
        check(('%s: info: 2 main causes are not in cause.csv' % unknown) in line,
              'the line does not count 2 causes of %s: %r' % (unknown, line))
        check('(incidents with them: 3)' in line, 'the line does not count 3 incidents: %r'
              % line)
        check(('`kyokun inspect -v %s`' % unknown) in line, 'no inspect -v hint: %r' % line)
        check('cause.extra.csv' in line and '--dictionary DIR' in line,
              'no --dictionary hint: %r' % line)

    proc = run('convert', '--force', '-t', 'stats', '-o', out, unknown)
    check('cause.csv' not in proc.stderr, 'the count is printed without -v:\n' + proc.stderr)


def main():
    with tempfile.TemporaryDirectory() as work:
        test_samples_recognised(work)
        test_aliases(work)
        test_extension_codes_marked()
        test_convert_counts_unknown(work)
    if FAILURES:
        print('%d check(s) failed' % len(FAILURES), file=sys.stderr)
        return 1
    print('cause aliases: all checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
