#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Re-read the risk register that `kyokun convert` writes, with openpyxl.

Converts samples/guide-case.ja.xlsx to an .xlsx risk register with Japanese
labels and checks it against the input read by openpyxl, not against
kyokun's own reading: the sheet names and header labels, each risk's A and B, the formula text and
cached value of C (= A x B), and the cached decision (C >= the threshold
cell that the defined name 閾値 points at). The workbook is loaded twice,
once for formulas and once for cached values. Exits non-zero on any
mismatch, and when openpyxl or the kyokun binary is missing.
"""
import os
import subprocess
import sys
import tempfile

# Debian's python3-openpyxl is installed for /usr/bin/python3; a python3
# earlier on PATH (pyenv, a venv) may lack it, so retry with the system one.
SYSTEM_PYTHON = '/usr/bin/python3'
try:
    import openpyxl
except ImportError:
    if (os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON)
            and os.path.exists(SYSTEM_PYTHON) and not os.environ.get('KY_TEST_REEXEC')):
        os.environ['KY_TEST_REEXEC'] = '1'
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON, *sys.argv])
    sys.exit('FAIL: python3-openpyxl is not installed (apt-get install python3-openpyxl)')

KYOKUN = os.environ['KYOKUN']
SOURCE = os.environ['KY_SOURCE_DIR']
SAMPLE = os.path.join(SOURCE, 'samples', 'guide-case.ja.xlsx')

SHEETS = ['リスク管理表', '教訓一覧', '障害一覧']
HEADERS = ['No.', 'カテゴリー', 'リスク内容', '影響内容', 'A 影響度', 'B 発生度', 'C リスク値',
           '判定', '想定対応方法', '教訓ID', '出典', '備考']
THRESHOLD_NAME = '閾値'
RESPOND = '対応要'
ACCEPT = '対応不要'

FAILURES = []


def check(condition, message):
    """Record a failed check without stopping, so one run shows every problem."""
    if not condition:
        FAILURES.append(message)
        print('FAIL:', message, file=sys.stderr)


def finish():
    """Exit 1 when any check failed."""
    if FAILURES:
        sys.exit('%d check(s) failed' % len(FAILURES))
    print('ok')
    sys.exit(0)


def find_header(sheet, required):
    """Return (row number, {first header line: column index}) of the first row naming all `required`."""
    for row in sheet.iter_rows(min_row=1, max_row=30):
        texts = {}
        for cell in row:
            if isinstance(cell.value, str):
                texts[cell.value.split('\n')[0].strip()] = cell.column - 1
        columns = {}
        for name in required:
            for text, col in texts.items():
                if text.startswith(name):
                    columns[name] = col
                    break
        if len(columns) == len(required):
            return row[0].row, columns
    return None, None


def read_input_risks(path):
    """Return [(risk content, A, B, decision)] from the input's リスク管理表, in row order."""
    sheet = openpyxl.load_workbook(path, data_only=True)['リスク管理表']
    header, columns = find_header(sheet, ['リスク内容', 'A', 'B', '判定'])
    if header is None:
        sys.exit('FAIL: no header row with リスク内容, A, B and 判定 in %s' % path)
    risks = []
    for row in sheet.iter_rows(min_row=header + 1, values_only=True):
        content = row[columns['リスク内容']]
        if content is None:
            continue
        risks.append((content, row[columns['A']], row[columns['B']], row[columns['判定']]))
    return risks


def threshold_of(workbook):
    """Return the value of the cell the threshold name points at."""
    defined = workbook.defined_names.get(THRESHOLD_NAME)
    check(defined is not None, 'no defined name %s in the output' % THRESHOLD_NAME)
    if defined is None:
        return None
    destinations = list(defined.destinations)
    check(len(destinations) == 1, '%s points at %r, expected one cell' % (THRESHOLD_NAME,
                                                                         destinations))
    sheet_name, coordinate = destinations[0]
    return workbook[sheet_name][coordinate.replace('$', '')].value


def check_register(path, input_risks):
    """Check the output workbook at `path` against the risks read from the input."""
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)

    check(formulas.sheetnames == SHEETS,
          'sheet names %r, expected %r' % (formulas.sheetnames, SHEETS))
    if 'リスク管理表' not in formulas.sheetnames:
        return
    sheet_f = formulas['リスク管理表']
    sheet_v = values['リスク管理表']

    header, _ = find_header(sheet_v, ['No.', 'リスク内容'])
    check(header is not None, 'no header row in the output risk register')
    if header is None:
        return
    labels = [cell.value for cell in sheet_v[header]][:len(HEADERS)]
    check(labels == HEADERS, 'header labels %r, expected %r' % (labels, HEADERS))

    threshold = threshold_of(values)
    check(isinstance(threshold, (int, float)), 'threshold cell holds %r' % (threshold,))

    rows = [r for r in range(header + 1, sheet_v.max_row + 1)
            if sheet_v.cell(r, 3).value is not None]
    check(len(rows) == len(input_risks),
          '%d risks in the output, %d in the input' % (len(rows), len(input_risks)))

    for r, (content, a_in, b_in, decision_in) in zip(rows, input_risks):
        where = 'row %d (%s)' % (r, content)
        a = sheet_v.cell(r, 5).value
        b = sheet_v.cell(r, 6).value
        check(sheet_v.cell(r, 3).value == content,
              '%s: risk content %r, expected %r' % (where, sheet_v.cell(r, 3).value, content))
        check(a == a_in, '%s: A is %r, the input has %r' % (where, a, a_in))
        check(b == b_in, '%s: B is %r, the input has %r' % (where, b, b_in))

        formula = sheet_f.cell(r, 7).value
        expected = '=IF(AND(ISNUMBER(E{0}),ISNUMBER(F{0})),E{0}*F{0},"")'.format(r)
        check(formula == expected, '%s: C formula %r, expected %r' % (where, formula, expected))
        c = sheet_v.cell(r, 7).value
        check(c == a_in * b_in, '%s: cached C is %r, A x B is %r' % (where, c, a_in * b_in))

        decision_formula = sheet_f.cell(r, 8).value or ''
        check(decision_formula.startswith('=') and THRESHOLD_NAME in decision_formula,
              '%s: decision formula %r does not use %s' % (where, decision_formula,
                                                           THRESHOLD_NAME))
        decision = sheet_v.cell(r, 8).value
        if isinstance(c, (int, float)) and isinstance(threshold, (int, float)):
            expected_decision = RESPOND if c >= threshold else ACCEPT
            check(decision == expected_decision,
                  '%s: decision %r with C = %r and threshold %r' % (where, decision, c,
                                                                    threshold))
        check(decision == decision_in,
              '%s: decision %r, the input sheet says %r' % (where, decision, decision_in))


def main():
    if not os.access(KYOKUN, os.X_OK):
        sys.exit('FAIL: kyokun binary not found at %s (build the cli target)' % KYOKUN)
    if not os.path.exists(SAMPLE):
        sys.exit('FAIL: sample input missing: %s' % SAMPLE)

    input_risks = read_input_risks(SAMPLE)
    check(len(input_risks) > 0, 'no risks read from %s' % SAMPLE)

    with tempfile.TemporaryDirectory(prefix='ky-register-') as tmp:
        outputs = [os.path.join(tmp, 'register.xlsx'), os.path.join(tmp, 'register2.xlsx')]
        for output in outputs:
            # Labels default to the locale's language, so ask for Japanese ones.
            proc = subprocess.run([KYOKUN, 'convert', SAMPLE, '--lang', 'ja', '-o', output],
                                  capture_output=True, text=True,
                                  env=dict(os.environ, LC_ALL='C.UTF-8', LANG='C.UTF-8'))
            check(proc.returncode == 0, 'kyokun convert exited %d; stderr:\n%s'
                  % (proc.returncode, proc.stderr))
            if proc.returncode != 0 or not os.path.exists(output):
                finish()

        check_register(outputs[0], input_risks)
        with open(outputs[0], 'rb') as first, open(outputs[1], 'rb') as second:
            check(first.read() == second.read(), 'two conversions gave different bytes')
    finish()


if __name__ == '__main__':
    main()
