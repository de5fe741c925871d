#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Units in column headers, level scales in A and B headers, and thresholds.

Each incident list has one row whose effort or damage is the number 16 under
a header that gives a unit ("工数(h)", "影響額（百万）"). The statistics CSV
that `convert` writes is read with the csv module: 16 hours is 0.1
person-months at 8 hours a day and 20 days a month, 16 in a (万) column is
160,000 yen. `inspect` must name the unit next to the field, and a note that
names no unit gets one warning. A risk table whose headers name the 3-level
scale is converted with --scale 5 (one warning per table), and --threshold 20
on the 3 x 3 scale warns once per run.
"""
import csv
import os
import subprocess
import sys
import tempfile

KYOKUN = os.environ['KYOKUN']
FAILURES = []

EFFORT_HEADERS = [
    ('工数(h)', '0.1'), ('工数[h]', '0.1'), ('工数(H)', '0.1'), ('工数(hr)', '0.1'),
    ('工数(時)', '0.1'), ('工数（時間）', '0.1'), ('工数(人時)', '0.1'), ('工数(hours)', '0.1'),
    ('工数［ｈ］', '0.1'), ('工数（単位：時間）', '0.1'),
    ('工数（日）', '0.8'), ('工数(md)', '0.8'), ('工数(MD)', '0.8'), ('工数(d)', '0.8'),
    ('工数(人日)', '0.8'), ('工数 単位:人日', '0.8'),
    ('工数(人月)', '16'), ('工数(月)', '16'), ('工数(mm)', '16'), ('工数(MM)', '16'),
]
DAMAGE_HEADERS = [
    ('影響額(万)', '160000'), ('影響額（百万）', '16000000'), ('影響額(千)', '16000'),
    ('影響額(k円)', '16000'), ('影響額(K)', '16000'), ('影響額(k)', '16000'),
    ('影響額(万円)', '160000'), ('影響額(百万円)', '16000000'), ('影響額(M)', '16000000'),
    ('影響額(億)', '1600000000'), ('影響額(億円)', '1600000000'), ('影響額(円)', '16'),
    ('影響額(千円)', '16000'), ('影響額[千円]', '16000'), ('影響額（単位：千円）', '16000'),
]


def warnings_of(proc):
    """Return the warning lines of a run's standard error."""
    return [line for line in proc.stderr.splitlines() if ': warning: ' in line]


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


def write_csv(path, rows):
    with open(path, 'w', encoding='utf-8', newline='') as f:
        csv.writer(f).writerows(rows)


def write_incident(path, header):
    """Write an incident list of one row whose column `header` contains 16."""
    write_csv(path, [['No.', '発生日', '障害の概要', '主な原因', header],
                     ['1', '2024/1/5', '停止した', 'バグ', '16']])


def main_cause_row(path):
    """Return the one main_cause row of a statistics CSV as a dict."""
    with open(path, encoding='utf-8', newline='') as f:
        rows = [row for row in csv.DictReader(f) if row['axis'] == 'main_cause']
    check(len(rows) == 1, '%s has %d main_cause rows' % (path, len(rows)))
    return rows[0] if rows else {}


def test_units(work):
    """Every common unit in a header scales the plain numbers of its column."""
    cases = ([(h, v, 'effort_person_months') for h, v in EFFORT_HEADERS]
             + [(h, v, 'damage_yen') for h, v in DAMAGE_HEADERS])
    for i, (header, expected, column) in enumerate(cases):
        source = os.path.join(work, 'u%d.csv' % i)
        target = os.path.join(work, 'u%d.stats.csv' % i)
        write_incident(source, header)
        proc = run('convert', '-t', 'stats', '-o', target, source)
        check(not warnings_of(proc), 'header %s gave a warning:\n%s' % (header, proc.stderr))
        value = main_cause_row(target).get(column)
        check(value == expected, 'header %s: %s is %r, expected %r'
              % (header, column, value, expected))


def test_inspect_names_unit(work):
    """inspect prints the unit it chose after the field."""
    for header, unit in [('工数(h)', 'effort (hours)'), ('影響額(万)', 'damage (x 10,000 yen)'),
                         ('工数', 'effort (person-months)'), ('影響額', 'damage (yen)')]:
        source = os.path.join(work, 'inspect.csv')
        write_incident(source, header)
        proc = run('inspect', source)
        line = 'E: %s -> %s' % (header, unit)
        check(line in proc.stdout, 'inspect does not print %r:\n%s' % (line, proc.stdout))


def test_unknown_unit_warned(work):
    """A note that names no unit gets one warning naming the column and the default unit."""
    for header, default in [('工数(pt)', 'person-months'), ('影響額(USD)', 'yen')]:
        source = os.path.join(work, 'unknown.csv')
        target = os.path.join(work, 'unknown.stats.csv')
        write_incident(source, header)
        proc = run('convert', '--force', '-t', 'stats', '-o', target, source)
        warnings = warnings_of(proc)
        check(len(warnings) == 1, 'header %s gave %d warnings:\n%s'
              % (header, len(warnings), proc.stderr))
        expected = 'unknown!E1: warning: column E "%s": the note' % header
        check(warnings and expected in warnings[0],
              'the warning does not name the cell and column: %r' % warnings)
        check(warnings and ('are read as %s.' % default) in warnings[0],
              'the warning does not say the values are read as %s: %r' % (default, warnings))
        column = 'effort_person_months' if default == 'person-months' else 'damage_yen'
        value = main_cause_row(target).get(column)
        check(value == '16', 'header %s: %s is %r, expected 16' % (header, column, value))


def write_risks(path, a_header, b_header):
    write_csv(path, [['No.', 'リスク内容', a_header, b_header],
                     ['1', 'サービス停止', '3', '2'],
                     ['2', '応答遅延', '2', '1']])


def test_scale_named_in_header(work):
    """--scale 5 on headers that name the 3-level scale warns once per table."""
    three = '(高：３～低：１)'
    first = os.path.join(work, 'risks-a.csv')
    second = os.path.join(work, 'risks-b.csv')
    write_risks(first, 'A:影響度 ' + three, 'B:発生度 ' + three)
    write_risks(second, 'A:影響度 ' + three, 'B:発生度 ' + three)
    out = os.path.join(work, 'scale5') + '/'
    proc = run('convert', '--scale', '5', '-t', 'stats', '-o', out, first, second)
    lines = [line for line in warnings_of(proc) if 'names a 3-level scale' in line]
    check(len(lines) == 2, 'expected one scale warning per table, got:\n' + proc.stderr)
    # The sheet name contains "-", so the cell reference quotes it.
    check(lines and "'risks-a'!C1: warning: column C \"A:影響度 (高：３～低：１)\"" in lines[0],
          'the warning does not name the first table\'s A column: %r' % lines)
    check(lines and 'Drop --scale 5' in lines[0], 'the warning does not say what to do: %r'
          % lines)

    proc = run('convert', '-t', 'stats', '-o', os.path.join(work, 'scale3') + '/', first)
    check(not warnings_of(proc), 'the matching 3-level scale gave a warning:\n' + proc.stderr)

    five = os.path.join(work, 'risks-five.csv')
    write_risks(five, '影響度(1-5)', '発生度(1-5)')
    proc = run('convert', '-t', 'stats', '-o', os.path.join(work, 'five') + '/', five)
    check('names a 5-level scale' in proc.stderr and 'Give --scale 5' in proc.stderr,
          'a 5-level header on the 3-level scale gave no advice:\n' + proc.stderr)


def test_unreachable_threshold(work):
    """--threshold 20 on the 3 x 3 scale warns once per run, and the run succeeds."""
    first = os.path.join(work, 'risks-a.csv')
    second = os.path.join(work, 'risks-b.csv')
    write_risks(first, '影響度', '発生度')
    write_risks(second, '影響度', '発生度')
    out = os.path.join(work, 'threshold') + '/'
    proc = run('convert', '--threshold', '20', '-t', 'stats', '-o', out, first, second)
    lines = [line for line in warnings_of(proc) if 'threshold 20' in line]
    check(len(lines) == 1, 'expected one threshold warning per run, got:\n' + proc.stderr)
    check(lines and 'is at most 9' in lines[0],
          'the warning does not give the largest C: %r' % lines)
    check(os.path.exists(os.path.join(out, 'risks-a.stats.csv')),
          'the run with an unreachable threshold wrote no statistics')

    for args in (['--threshold', '9'], ['--scale', '5', '--threshold', '20']):
        proc = run('convert', '--force', *args, '-t', 'stats', '-o', out, first)
        check(not warnings_of(proc), 'a reachable threshold %r gave a warning:\n%s'
              % (args, proc.stderr))


def main():
    with tempfile.TemporaryDirectory() as work:
        test_units(work)
        test_inspect_names_unit(work)
        test_unknown_unit_warned(work)
        test_scale_named_in_header(work)
        test_unreachable_threshold(work)
    if FAILURES:
        print('%d check(s) failed' % len(FAILURES), file=sys.stderr)
        return 1
    print('header units, scales and thresholds: all checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
