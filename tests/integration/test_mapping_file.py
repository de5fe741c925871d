#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Round-trip a mapping file through inspect, Python's csv module and convert.

Writes the mapping of samples/guide-case.ja.xlsx with `kyokun inspect
--write-mapping` and checks its bytes (BOM, header row, the risk table's
rows). Then edits one field with the csv module, as a user would in Excel,
converts with -m and reads the risk register with openpyxl. The edited
column's values, as openpyxl reads them from the input, must have moved to
the new field's column. A column left unmapped must appear in the register's note
column as "header: value". The same mapping file must apply to two copies
of the input converted as a folder, and bad mapping files must fail with the
file, row and column named. Finally, for every real file in the shared
corpus, applying the mapping that inspect wrote for it must leave inspect's
output unchanged. Exits non-zero on any mismatch.
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile

SYSTEM_PYTHON = '/usr/bin/python3'
try:
    import openpyxl
except ImportError:
    if (os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON)
            and os.path.exists(SYSTEM_PYTHON)):
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)
    sys.exit('FAIL: openpyxl is not installed (Debian package python3-openpyxl)')

KYOKUN = os.environ['KYOKUN']
SAMPLE = os.path.join(os.environ['KY_SOURCE_DIR'], 'samples', 'guide-case.ja.xlsx')
RISK_SHEET = 'リスク管理表'
COLUMNS = ['file', 'sheet', 'table', 'kind', 'column', 'header', 'field', 'confidence']

# The risk table of the sample as its header row 2 reads, with the fields
# that detection must choose.
EXPECTED_RISK_ROWS = [
    ('A', 'No.', 'no'),
    ('B', 'カテゴリー', 'category'),
    ('C', 'リスク内容', 'content'),
    ('D', '影響内容', 'impact'),
    ('E', 'A:影響度 （高：３～低：１）', 'a'),
    ('F', 'B:発生度 （高：３～低：１）', 'b'),
    ('G', 'C:リスク値 （A×B）', 'c'),
    ('H', '判定 （発生判定基準：５以上）', 'decision'),
    ('I', '想定対応方法', 'response'),
]

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def run(*args, expect=0):
    result = subprocess.run([KYOKUN, *args], capture_output=True, text=True,
                            env=dict(os.environ, LANG='C.UTF-8', LC_ALL='C.UTF-8'))
    if result.returncode != expect:
        sys.exit(f'FAIL: kyokun {" ".join(args)} exited with {result.returncode}, '
                 f'expected {expect}\nstderr: {result.stderr}')
    return result


def read_mapping(path):
    with open(path, encoding='utf-8-sig', newline='') as f:
        return list(csv.reader(f))


def write_mapping(path, rows):
    with open(path, 'w', encoding='utf-8-sig', newline='') as f:
        csv.writer(f).writerows(rows)


def set_field(rows, sheet, header, field):
    """Set the field of one row of `rows`, as a user edits one cell."""
    matches = [row for row in rows[1:] if row[1] == sheet and row[5] == header]
    if len(matches) != 1:
        sys.exit(f'FAIL: expected one mapping row for {sheet} / {header}, found {len(matches)}')
    matches[0][6] = field


def input_risks():
    """Return (No., 影響内容, 想定対応方法) per risk row of the sample, as openpyxl reads it."""
    sheet = openpyxl.load_workbook(SAMPLE, data_only=True)[RISK_SHEET]
    risks = []
    for row in sheet.iter_rows(min_row=3, values_only=True):
        if row[0] is None and row[2] is None:
            continue
        text = lambda value: None if value is None else str(value).strip()
        risks.append((text(row[0]), text(row[3]), text(row[8])))
    return risks


def register_rows(path):
    """Return the risk register's rows as dicts keyed by the English header labels."""
    sheet = openpyxl.load_workbook(path)['Risk register']
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(i for i, row in enumerate(rows) if row and row[0] == 'No.')
    header = rows[header_index]
    result = []
    for row in rows[header_index + 1:]:
        if all(value is None for value in row):
            continue
        result.append(dict(zip(header, row)))
    return result


def check_written_file(path):
    with open(path, 'rb') as f:
        data = f.read()
    check(data.startswith(b'\xef\xbb\xbf'), 'the mapping file does not start with a UTF-8 BOM')
    check(b'\r\n' in data and b'\n' not in data.replace(b'\r\n', b''),
          'the mapping file does not end its records with CRLF only')
    rows = read_mapping(path)
    check(rows[0] == COLUMNS, f'header row {rows[0]}, expected {COLUMNS}')
    risk_rows = [row for row in rows[1:] if row[1] == RISK_SHEET]
    got = [(row[4], row[5], row[6]) for row in risk_rows]
    check(got == EXPECTED_RISK_ROWS, f'risk rows {got}, expected {EXPECTED_RISK_ROWS}')
    for row in risk_rows:
        check(row[0] == '*' and row[2] == '1' and row[3] == 'risks',
              f'risk row {row}: expected file *, table 1, kind risks')
        check(row[7].isdigit() and 10 <= int(row[7]) <= 100, f'risk row {row}: confidence')
    return rows


def check_moved_field(register, risks):
    """Check that 想定対応方法 moved from Planned response to Lesson ID."""
    check(len(register) == len(risks), f'{len(register)} register rows, {len(risks)} input risks')
    for row, (number, impact, response) in zip(register, risks):
        check(str(row['No.']) == number, f'risk {number}: No. {row["No."]}')
        check(row['Planned response'] is None,
              f'risk {number}: Planned response is {row["Planned response"]!r}, expected empty')
        check(row['Lesson ID'] == response,
              f'risk {number}: Lesson ID {row["Lesson ID"]!r}, expected {response!r}')
        check(row['Impact'] == impact, f'risk {number}: Impact {row["Impact"]!r}')


def check_unmapped_column(register, risks):
    """Check that 影響内容, left unmapped, is kept in the note as an extra value."""
    for row, (number, impact, _) in zip(register, risks):
        check(row['Impact'] is None, f'risk {number}: Impact {row["Impact"]!r}, expected empty')
        note = row['Note'] or ''
        check(f'影響内容: {impact}' in note.split('\n'),
              f'risk {number}: note {note!r} lacks "影響内容: {impact}"')


def check_bad_files(work, rows):
    bad_field = [list(row) for row in rows]
    set_field(bad_field, RISK_SHEET, '影響内容', 'impakt')
    row_number = next(i for i, row in enumerate(bad_field) if row[6] == 'impakt') + 1
    path = os.path.join(work, 'bad-field.csv')
    write_mapping(path, bad_field)
    result = run('convert', '-m', path, '-o', os.path.join(work, 'bad-out') + '/', SAMPLE,
                 expect=2)
    check(f'bad-field.csv: row {row_number}, column G: error: unknown field "impakt"'
          in result.stderr, f'bad field: stderr {result.stderr!r}')

    bad_header = [list(row) for row in rows]
    for row in bad_header:
        if row[1] == RISK_SHEET and row[5] == '影響内容':
            row[5] = '影響の内容'
    path = os.path.join(work, 'bad-header.csv')
    write_mapping(path, bad_header)
    # The file parses, but its header is missing from the input: an error of that input.
    result = run('inspect', '-m', path, SAMPLE, expect=1)
    check(f'bad-header.csv: row {row_number}: error: no column has the header "影響の内容"'
          in result.stderr, f'bad header: stderr {result.stderr!r}')

    path = os.path.join(work, 'wrong-columns.csv')
    write_mapping(path, [['sheet', 'heading', 'field'], [RISK_SHEET, '影響内容', 'impact']])
    result = run('validate', '-m', path, SAMPLE, expect=2)
    check('wrong-columns.csv: row 1, column B: error: unknown column "heading"' in result.stderr,
          f'wrong columns: stderr {result.stderr!r}')

    result = run('convert', '-m', SAMPLE, '-o', os.path.join(work, 'bad-out') + '/', SAMPLE,
                 expect=2)
    check('is not a CSV text file' in result.stderr, f'xlsx as mapping: {result.stderr!r}')


CORPUS_EXTENSIONS = ('.csv', '.tsv', '.xlsx', '.xls', '.ods')


def check_corpus_round_trip(work):
    """A mapping file written for each real file and applied to it changes nothing `inspect` shows."""
    corpus = os.path.join(os.environ['KY_SHARED'], 'corpus')
    files = sorted(os.path.join(folder, name) for folder, _, names in os.walk(corpus)
                   for name in names if name.endswith(CORPUS_EXTENSIONS))
    check(len(files) >= 50, f'{len(files)} corpus files found in {corpus}, expected 50 or more')
    mapping = os.path.join(work, 'corpus-map.csv')
    for path in files:
        if os.path.exists(mapping):
            os.unlink(mapping)
        written = subprocess.run([KYOKUN, 'inspect', path, '--write-mapping', mapping],
                                 capture_output=True, text=True)
        if written.returncode != 0:
            continue  # a file that cannot be read has no mapping to write
        applied = subprocess.run([KYOKUN, 'inspect', '-m', mapping, path], capture_output=True,
                                 text=True)
        check(applied.returncode == 0, f'{path}: inspect -m exited with {applied.returncode}: '
                                       f'{applied.stderr!r}')
        check(applied.stdout == written.stdout,
              f'{path}: inspect -m with the written mapping prints something else')


def main():
    work = tempfile.mkdtemp(prefix='ky-mapping-file-')
    try:
        written = os.path.join(work, 'map.csv')
        run('inspect', SAMPLE, '--write-mapping', written)
        rows = check_written_file(written)
        risks = input_risks()
        check(len(risks) == 9, f'{len(risks)} risks in the input, expected 9')

        # Edit one field: 想定対応方法 becomes the lesson id.
        moved = [list(row) for row in rows]
        set_field(moved, RISK_SHEET, '想定対応方法', 'lesson_id')
        moved_path = os.path.join(work, 'moved.csv')
        write_mapping(moved_path, moved)
        out = os.path.join(work, 'out') + '/'
        run('convert', '-m', moved_path, '-t', 'risk-register', '--lang', 'en', '-o', out, SAMPLE)
        check_moved_field(register_rows(out + 'guide-case.ja.risk-register.xlsx'), risks)

        # Leave 影響内容 unmapped: its values become extra values of each risk.
        unmapped = [list(row) for row in rows]
        set_field(unmapped, RISK_SHEET, '影響内容', '')
        unmapped_path = os.path.join(work, 'unmapped.csv')
        write_mapping(unmapped_path, unmapped)
        out = os.path.join(work, 'out-unmapped') + '/'
        run('convert', '-m', unmapped_path, '-t', 'risk-register', '--lang', 'en', '-o', out,
            SAMPLE)
        check_unmapped_column(register_rows(out + 'guide-case.ja.risk-register.xlsx'), risks)

        # One mapping file for a folder of inputs with the same layout.
        folder = os.path.join(work, 'inputs')
        os.mkdir(folder)
        for name in ('a.xlsx', 'b.xlsx'):
            shutil.copyfile(SAMPLE, os.path.join(folder, name))
        out = os.path.join(work, 'out-batch') + '/'
        run('convert', '-m', moved_path, '-t', 'risk-register', '--lang', 'en', '-j', '2',
            '-o', out, folder)
        for name in ('a', 'b'):
            check_moved_field(register_rows(f'{out}{name}.risk-register.xlsx'), risks)

        check_bad_files(work, rows)
        check_corpus_round_trip(work)
    finally:
        shutil.rmtree(work)

    if failures:
        for failure in failures:
            print('FAIL:', failure, file=sys.stderr)
        sys.exit(1)
    print('ok: the mapping file round-trips through inspect, csv, convert and openpyxl')


if __name__ == '__main__':
    main()
