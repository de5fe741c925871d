#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Messages that show where rows went, and values a user reported wrong.

Each check writes a small input (CSV with the csv module, xlsx with
openpyxl), runs kyokun and compares its messages and counts:

- a row skipped as unreadable gets a warning naming its row and columns,
  20 per table and then one line with the number of the others;
- a hidden or very hidden sheet that gives records gets a warning, and its
  rows are in the register (read back with openpyxl);
- 令和元年4月30日 is reported with the day 令和 began;
- the warning of a sheet without a header counts the rows `inspect` counts;
- 12時間 is 0.075 person-months in the register, as written in its XML;
- a mapping file's field that the table kind lacks is reported in plain words.
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


def check(condition, message):
    """Record a failed check without stopping, so one run shows every problem."""
    if not condition:
        FAILURES.append(message)
        print('FAIL:', message, file=sys.stderr)


def run(*args, expect=0, lang='C.UTF-8'):
    """Run kyokun under a locale and return the completed process."""
    proc = subprocess.run([KYOKUN, *args], capture_output=True, text=True,
                          env=dict(os.environ, LC_ALL=lang, LANG=lang))
    if expect is not None:
        check(proc.returncode == expect, 'kyokun %s exited %d, expected %d; stderr:\n%s'
              % (' '.join(args), proc.returncode, expect, proc.stderr))
    return proc


def has_japanese_locale():
    locales = subprocess.run(['locale', '-a'], capture_output=True, text=True).stdout
    return re.search(r'^ja_JP\.utf-?8$', locales, re.I | re.M) is not None


def write_csv(path, rows):
    with open(path, 'w', encoding='utf-8', newline='') as f:
        csv.writer(f).writerows(rows)


def warnings_with(stderr, code_words):
    """Return the warning lines of stderr that contain `code_words`."""
    return [line for line in stderr.splitlines() if 'warning:' in line and code_words in line]


def test_unreadable_rows(work):
    """Each unreadable row is named with its columns, up to 20 per table."""
    source = os.path.join(work, 'memo.csv')
    # A row with one value below the table's last row of two or more values is a
    # note, so the row with only 備考 is placed between two incidents.
    rows = [['障害の概要', '発生日', '主な原因', '備考'],
            ['バッチ遅延', '2024/4/1', 'バグ', ''],
            ['', '', '', '来週までに確認'],
            ['画面停止', '2024/4/2', '機器故障', '']]
    write_csv(source, rows)
    proc = run('inspect', source)
    named = warnings_with(proc.stderr, 'row skipped as unreadable')
    check(len(named) == 1, 'expected 1 unreadable-row warning, got:\n' + proc.stderr)
    if named:
        check('memo.csv: memo, row 3: warning:' in named[0], 'the warning does not name row 3 '
              'of sheet memo: ' + named[0])
        check('values in D "備考", but none in a key column (A "障害の概要", B "発生日", '
              'C "主な原因")' in named[0], 'the warning does not name the columns: ' + named[0])
        check('-m' in named[0], 'the warning does not say how to map the column: ' + named[0])
    check('unreadable 1)' in proc.stdout, 'inspect does not count 1 unreadable row:\n'
          + proc.stdout)

    many = os.path.join(work, 'many.csv')
    write_csv(many, rows[:2] + [['', '', '', 'メモ %d' % i, '追記'] for i in range(25)])
    proc = run('inspect', many)
    named = warnings_with(proc.stderr, 'row skipped as unreadable')
    check(len(named) == 20, 'expected 20 unreadable-row warnings, got %d' % len(named))
    rest = warnings_with(proc.stderr, 'more rows of the table')
    check(len(rest) == 1 and '5 more rows of the table in rows 1-27 were skipped as '
          'unreadable' in rest[0], 'no line counts the 5 other rows:\n' + proc.stderr)
    check('unreadable 25)' in proc.stdout, 'inspect does not count 25 unreadable rows:\n'
          + proc.stdout)


def write_hidden_workbook(path):
    """Write a workbook with a visible, a hidden, a very hidden and a hidden empty sheet."""
    book = openpyxl.Workbook()
    header = ['障害の概要', '発生日', '主な原因']
    sheets = [('今年', 'visible', [['画面停止', '2024/4/1', 'バグ']]),
              ('昨年', 'hidden', [['帳票誤り', '2023/4/1', 'バグ'], ['遅延', '2023/5/1', '機器故障']]),
              ('下書き', 'veryHidden', [['試験', '2023/6/1', '運用ミス']]),
              ('空', 'hidden', [])]
    book.remove(book.active)
    for name, state, rows in sheets:
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = state
    book.active = 0
    book.save(path)


def test_hidden_sheets(work):
    """A hidden sheet that gives records is named once, and its rows are still read."""
    source = os.path.join(work, 'hidden.xlsx')
    write_hidden_workbook(source)
    out = os.path.join(work, 'hidden') + '/'
    proc = run('convert', '--lang', 'ja', '-o', out, source)
    hidden = warnings_with(proc.stderr, 'hidden in the workbook')
    check(len(hidden) == 2, 'expected 2 hidden-sheet warnings, got:\n' + proc.stderr)
    check(any('sheet 昨年 is hidden in the workbook, but its 2 rows were read' in line
              for line in hidden), 'no warning names sheet 昨年 with 2 rows:\n' + proc.stderr)
    check(any('sheet 下書き is very hidden in the workbook' in line and 'its 1 row was read'
              in line for line in hidden), 'no warning names sheet 下書き:\n' + proc.stderr)
    check(not any('空' in line for line in hidden), 'the empty hidden sheet is warned about')

    register = openpyxl.load_workbook(os.path.join(out, 'hidden.risk-register.xlsx'))
    summaries = {row[1] for row in register['障害一覧'].iter_rows(values_only=True)}
    for summary in ('画面停止', '帳票誤り', '遅延', '試験'):
        check(summary in summaries, 'the register lacks incident %s' % summary)

    if has_japanese_locale():
        proc = run('inspect', source, lang='ja_JP.UTF-8')
        check('シート 昨年 はブックで非表示ですが、その 2 行を' in proc.stderr,
              'no Japanese hidden-sheet warning:\n' + proc.stderr)


def test_era_start_named(work):
    """A date just before 令和 began names that day, not the ends of 平成 and 昭和."""
    source = os.path.join(work, 'era.csv')
    write_csv(source, [['障害の概要', '発生日'], ['画面停止', '令和元年4月30日'],
                       ['帳票誤り', '平成31年5月1日']])
    proc = run('inspect', source)
    before = warnings_with(proc.stderr, '"令和元年4月30日"')
    check(len(before) == 1 and '令和 began on 2019-05-01 (令和元年5月1日), so the date lies '
          'before it' in before[0], 'the 令和元年4月30日 warning does not name the start of 令和:\n'
          + proc.stderr)
    check(not any('平成' in line for line in before), 'the 令和 warning mentions 平成: %r'
          % before)
    after = warnings_with(proc.stderr, '"平成31年5月1日"')
    check(len(after) == 1 and '平成 ended on 2019-04-30 (平成31年4月30日)' in after[0],
          'the 平成31年5月1日 warning does not name the end of 平成:\n' + proc.stderr)
    if has_japanese_locale():
        proc = run('inspect', source, lang='ja_JP.UTF-8')
        check('令和は 2019-05-01（令和元年5月1日）に始まった' in proc.stderr,
              'no Japanese warning with the start of 令和:\n' + proc.stderr)


def test_no_header_counts_agree(work):
    """The warning of a sheet without a header counts the rows that inspect shows skipped."""
    source = os.path.join(work, 'nohead.csv')
    with open(source, 'w', encoding='utf-8', newline='') as f:
        f.write('メモ\n\nあいう,えお\nかき,くけ\nさし\n')
    proc = run('inspect', source)
    counts = re.search(r'rows: (\d+) = (\d+) mapped \+ (\d+) skipped \(blank (\d+)', proc.stdout)
    check(counts is not None, 'inspect prints no row counts:\n' + proc.stdout)
    if counts:
        check(counts.groups() == ('5', '0', '5', '1'), 'inspect counts %r, expected 5 rows, '
              '5 skipped, 1 blank' % (counts.groups(),))
    check('so 5 rows were skipped.' in proc.stderr,
          'the no-header warning does not count the 5 skipped rows:\n' + proc.stderr)


def test_effort_rounded(work):
    """12時間 is written into the register as 0.075 person-months."""
    source = os.path.join(work, 'effort.csv')
    write_csv(source, [['障害の概要', '発生日', '対応工数'], ['画面停止', '2024/4/1', '12時間'],
                       ['帳票誤り', '2024/4/2', '3人日']])
    out = os.path.join(work, 'effort') + '/'
    run('convert', '--lang', 'ja', '-t', 'risk-register', '-o', out, source)
    path = os.path.join(out, 'effort.risk-register.xlsx')
    rows = list(openpyxl.load_workbook(path)['障害一覧'].iter_rows(values_only=True))
    header = next((row for row in rows if row and '障害の概要' in row), None)
    check(header is not None, '障害一覧 has no header row')
    if not header:
        return
    column = next(i for i, name in enumerate(header) if str(name).startswith('対応工数'))
    efforts = {row[1]: row[column] for row in rows if row[1] in ('画面停止', '帳票誤り')}
    check(efforts.get('画面停止') == 0.075, '12時間 is %r person-months, expected 0.075'
          % efforts.get('画面停止'))
    check(efforts.get('帳票誤り') == 0.15, '3人日 is %r person-months, expected 0.15'
          % efforts.get('帳票誤り'))
    # The number as the XML contains it, which Excel shows in a cell without a format.
    with zipfile.ZipFile(path) as package:
        xml = ''.join(package.read(name).decode('utf-8') for name in package.namelist()
                      if name.startswith('xl/worksheets/sheet'))
    check('<v>0.075</v>' in xml, 'no worksheet holds the value 0.075')
    check('0.07500000000000001' not in xml, 'a worksheet holds 0.07500000000000001')


def test_mapping_field_kind_named(work):
    """A field that the table's kind lacks is reported as 'for a table of kind incidents'."""
    source = os.path.join(work, 'incidents.csv')
    write_csv(source, [['障害の概要', '発生日', '主な原因'], ['画面停止', '2024/4/1', 'バグ']])
    mapping = os.path.join(work, 'mapping.csv')
    write_csv(mapping, [['file', 'sheet', 'table', 'kind', 'column', 'header', 'field',
                         'confidence'],
                        ['*', 'incidents', '1', 'incidents', 'C', '主な原因', 'impact', '']])
    proc = run('inspect', '-m', mapping, source, expect=None)
    check(proc.returncode != 0, 'inspect accepted a field that incidents lack')
    check('unknown field "impact" for a table of kind incidents: expected one of' in proc.stderr,
          'the mapping error does not name the kind plainly:\n' + proc.stderr)
    check('for a incidents table' not in proc.stderr, 'the old wording is back:\n' + proc.stderr)


def main():
    with tempfile.TemporaryDirectory() as work:
        test_unreadable_rows(work)
        test_hidden_sheets(work)
        test_era_start_named(work)
        test_no_header_counts_agree(work)
        test_effort_rounded(work)
        test_mapping_field_kind_named(work)
    if FAILURES:
        print('%d check(s) failed' % len(FAILURES), file=sys.stderr)
        return 1
    print('mapping notices: all checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
