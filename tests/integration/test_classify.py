#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The classification step through the command line.

The guide's case is rewritten by openpyxl without its classification
columns, converted, and the risk register is read back with openpyxl: lesson
G7 must get the guide's classification from the suggestion rules.
`inspect --explain`, `--dictionary` (replace and extend), `--id-prefix` and
the unknown-value finding of `validate` are checked on small CSV inputs
written here.
"""
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
SAMPLE = os.path.join(SOURCE, 'samples', 'guide-case.ja.xlsx')
CLASSIFICATION_HEADERS = ('活用する目的', '情報処理システムの重要度',
                          'ソフトウェアライフサイクルプロセス', '運用・サービスプロセス', 'キーワード')
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
    check(proc.returncode == expect, 'kyokun %s exited %d, expected %d; stderr:\n%s'
          % (' '.join(args), proc.returncode, expect, proc.stderr))
    return proc


def strip_classification(target):
    """Write the guide's case without the classification columns of its lesson sheet."""
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb['教訓']
    headers = [c.value for c in ws[1]]
    columns = [i + 1 for i, h in enumerate(headers) if h in CLASSIFICATION_HEADERS]
    check(len(columns) == 5, 'the sample has %d classification columns, expected 5' % len(columns))
    for column in sorted(columns, reverse=True):
        ws.delete_cols(column)
    wb.save(target)


def register_lessons(path):
    """Return {lesson id: {header: value}} of the register's lesson list."""
    wb = openpyxl.load_workbook(path)
    ws = wb['教訓一覧']
    rows = list(ws.iter_rows(values_only=True))
    headers = [str(h).replace('\n', '') for h in rows[0]]
    return {row[0]: dict(zip(headers, row)) for row in rows[1:] if row[0]}


def write_csv(path, rows):
    with open(path, 'w', encoding='utf-8', newline='') as f:
        csv.writer(f).writerows(rows)


def test_guide_g7(work):
    """G7 without classification columns gets the guide's own classification of it."""
    stripped = os.path.join(work, 'guide-noclass.xlsx')
    strip_classification(stripped)
    out = os.path.join(work, 'out') + '/'
    run('convert', '--lang', 'ja', '-t', 'risk-register', '-o', out, stripped)
    lessons = register_lessons(os.path.join(out, 'guide-noclass.risk-register.xlsx'))
    g7 = lessons.get('G7')
    check(g7 is not None, 'the register has no lesson G7')
    if not g7:
        return
    expected = {'活用する目的': '組織・体制の整備', 'システムの重要度': '企業基幹システム',
                'ライフサイクルプロセス': '運用', '運用・サービスプロセス': 'サービス提供'}
    for header, value in expected.items():
        cell = str(g7.get(header) or '')
        # The register marks a suggested value after the label, e.g. "運用（推定）".
        check(cell.startswith(value) and not cell.startswith(value + '・'),
              'G7 %s is %r, expected %s' % (header, cell, value))
    keywords = str(g7.get('キーワード') or '')
    for keyword in ('仮想化', '共同利用', 'パッチの適用', 'システム再起動'):
        check(keyword in keywords, 'G7 keywords %r lack %s' % (keywords, keyword))

    # --explain names the source and the matched words of every axis.
    proc = run('inspect', '--explain', 'G7', stripped, lang='ja_JP.UTF-8')
    block = proc.stdout[proc.stdout.find('G7 '):]
    check(block.count('出どころ: 提案') == 5, '--explain G7 does not show 5 suggested axes:\n'
          + block)
    check('体制' in block and 'パッチ' in block, '--explain G7 lacks the matched words:\n' + block)
    # --explain prints the lesson alone: no sheet list before it, and no warnings.
    check(proc.stdout.startswith('G7 '), '--explain G7 prints more than the lesson:\n'
          + proc.stdout[:400])
    check('シート' not in proc.stdout.split('\n', 1)[0] and '列:' not in proc.stdout,
          '--explain G7 lists the sheets:\n' + proc.stdout[:400])
    check('警告' not in proc.stderr, '--explain G7 prints warnings without -v:\n' + proc.stderr)


def test_dictionary_extends_and_replaces(work):
    """An unknown purpose is reported with the closest values until an extra file adds it."""
    lessons = os.path.join(work, 'lessons.csv')
    write_csv(lessons, [['教訓ID', '教訓概要', '問題', '活用する目的'],
                        ['T1', '監視の閾値を見直すこと', '監視が発報しなかった', '体制づくり']])
    proc = run('inspect', lessons)
    check('"体制づくり"' in proc.stderr and '(PU1)' in proc.stderr,
          'no unknown-value warning with PU1 for 体制づくり:\n' + proc.stderr)

    extra = os.path.join(work, 'dict-extra')
    os.mkdir(extra)
    write_csv(os.path.join(extra, 'purpose.extra.csv'),
              [['code', 'parent', 'ja', 'en', 'aliases'], ['PU1', '', '', '', '体制づくり']])
    # Without --explain, so that the warning would be printed if the alias were not used.
    proc = run('inspect', '--dictionary', extra, lessons)
    check('体制づくり"' not in proc.stderr, 'the extra alias is not used:\n' + proc.stderr)
    proc = run('inspect', '--dictionary', extra, '--explain', 'T1', lessons)
    check('purpose of use: organisation and structure' in proc.stdout,
          'T1 is not mapped to PU1:\n' + proc.stdout)
    proc = run('inspect', '--explain', 'X99', lessons, expect=1)
    check('no lesson has the id "X99"; the lesson ids are: T1\n' in proc.stderr,
          'a missing --explain id does not list the ids:\n' + proc.stderr)
    check('-v' not in proc.stderr, 'the message still points to inspect -v:\n' + proc.stderr)
    # --explain prints text only, so --format csv with it is a usage error, not ignored.
    proc = run('inspect', '--format', 'csv', '--explain', 'T1', lessons, expect=2)
    check('cannot be combined with --format csv' in proc.stderr,
          '--format csv --explain is not rejected with a reason:\n' + proc.stderr)
    check(proc.stdout == '', '--format csv --explain printed output:\n' + proc.stdout)

    # With more than 20 lessons the first 20 ids are listed and the rest counted.
    many = os.path.join(work, 'many-lessons.csv')
    write_csv(many, [['教訓ID', '教訓概要', '問題']]
              + [['L%02d' % n, '監視の閾値を見直すこと', '監視が発報しなかった'] for n in range(1, 24)])
    proc = run('inspect', '--explain', 'X99', many, expect=1)
    listed = ', '.join('L%02d' % n for n in range(1, 21))
    check('the lesson ids are: %s and 3 more\n' % listed in proc.stderr,
          'the ids of 23 lessons are not listed as 20 and 3 more:\n' + proc.stderr)

    bad = os.path.join(work, 'dict-bad')
    os.mkdir(bad)
    write_csv(os.path.join(bad, 'purpose.csv'),
              [['code', 'ja', 'en'], ['PU1', '組織', 'org'], ['P U2', '運用', 'ops']])
    proc = run('inspect', '--dictionary', bad, lessons, expect=2)
    check(os.path.join(bad, 'purpose.csv') + ': row 3, column A: error' in proc.stderr,
          'the dictionary error does not name file, row and column:\n' + proc.stderr)
    run('inspect', '--dictionary', os.path.join(work, 'missing'), lessons, expect=2)


def test_ids_and_prefixes(work):
    """Lessons without ids get KAN/GIJ ids by kind; a bad prefix list is a usage error."""
    lessons = os.path.join(work, 'noid.csv')
    write_csv(lessons, [
        ['教訓概要', '問題', '根本原因', '再発防止策'],
        ['契約で役割分担と責任分界を定めよ', '障害時の役割分担が不明だった',
         '体制と組織の役割分担を決めていなかった', '体制を見直し、役割分担を決める'],
        ['監視の閾値を見直すこと', '監視が発報しなかった', '監視設定の誤り', '監視項目を見直す'],
    ])
    out = os.path.join(work, 'ids') + '/'
    run('convert', '--lang', 'ja', '--id-prefix', 'G=KAN,T=GIJ', '-t', 'risk-register',
        '-o', out, lessons)
    ids = sorted(register_lessons(os.path.join(out, 'noid.risk-register.xlsx')))
    check(ids == ['GIJ1', 'KAN1'], 'generated ids are %s, expected GIJ1 and KAN1' % ids)
    run('convert', '--id-prefix', 'G=漢字', '-o', out, lessons, expect=2)


def test_validate_reports_unknown_value(work):
    """validate lists an unknown classification value as a finding with its cell."""
    lessons = os.path.join(work, 'unknown.csv')
    write_csv(lessons, [['教訓ID', '教訓概要', '問題', '直接原因', '根本原因', '再発防止策',
                         '未然防止策', 'ソフトウェアライフサイクルプロセス'],
                        ['T1', '監視すること', '監視漏れ', '設定漏れ', '手順がなかった',
                         '手順を作る', '点検する', '運営']])
    proc = run('validate', '--format', 'csv', lessons, expect=0)
    findings = list(csv.reader(io.StringIO(proc.stdout)))
    unknown = [row for row in findings if 'classify.unknown-value' in row]
    check(len(unknown) == 1, 'validate found %d unknown values, expected 1:\n%s'
          % (len(unknown), proc.stdout))
    if unknown:
        check('(LC-OPS)' in ','.join(unknown[0]),
              'the finding does not name the closest value: %s' % unknown[0])


def main():
    with tempfile.TemporaryDirectory() as work:
        test_guide_g7(work)
        test_dictionary_extends_and_replaces(work)
        test_ids_and_prefixes(work)
        test_validate_reports_unknown_value(work)
    if FAILURES:
        sys.exit('%d checks failed' % len(FAILURES))
    print('classification checks passed')


if __name__ == '__main__':
    main()
