#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Re-read the risk register that `kyokun convert` writes, with openpyxl.

Converts samples/guide-case.ja.xlsx to an .xlsx risk register with Japanese
labels and checks it against the input read by openpyxl, not against
kyokun's own reading: the sheet names and header labels, each risk's A and B, the formula text and
cached value of C (= A x B), and the cached decision (C >= the threshold
cell that the defined name 閾値 points at), and the risk map's COUNTIFS
formulas and cached counts against counts of (A, B) in the input. The
workbook is loaded twice, once for formulas and once for cached values.
LibreOffice then recalculates a copy whose cached values were overwritten,
and must arrive at the same map counts and C values. Exits non-zero on any
mismatch, and when openpyxl, LibreOffice or the kyokun binary is missing.
"""
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

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

SHEETS = ['リスク管理表', 'リスクマップ', '教訓一覧', '障害一覧']
MAP_SHEET = 'リスクマップ'
SCALE = 3
A_RANGE = "'リスク管理表'!$E$4:$E$1048576"
B_RANGE = "'リスク管理表'!$F$4:$F$1048576"
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


def expected_map_counts(input_risks):
    """Return ({(A, B): count}, total) from the input's risks whose A and B are both numbers."""
    counts = collections.Counter()
    for _, a, b, _ in input_risks:
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            counts[(int(a), int(b))] += 1
    return counts, sum(counts.values())


def find_map_cells(sheet):
    """Return ({(A, B): (row, column)}, (row, column) of the total) from the map's level headers.

    The B levels 1..SCALE run across one row and the A levels SCALE..1 down the
    column left of the first count, so the cells are found by their headers
    rather than by a fixed position.
    """
    for row in sheet.iter_rows(min_row=1, max_row=30):
        values = [cell.value for cell in row]
        for start in range(len(values) - SCALE + 1):
            if values[start:start + SCALE] == list(range(1, SCALE + 1)) and start > 0:
                level_row = row[0].row
                first_col = start + 1
                cells = {}
                for i in range(SCALE):
                    r = level_row + 1 + i
                    a = sheet.cell(r, first_col - 1).value
                    for b in range(1, SCALE + 1):
                        cells[(a, b)] = (r, first_col + b - 1)
                return cells, (level_row + 1 + SCALE, first_col)
    return None, None


def check_map(formulas, values, input_risks, label):
    """Check the map's formulas (when `formulas` is given) and counts against the input."""
    if MAP_SHEET not in values.sheetnames:
        check(False, '%s: no sheet %s' % (label, MAP_SHEET))
        return
    sheet_v = values[MAP_SHEET]
    cells, total_cell = find_map_cells(sheet_v)
    check(cells is not None, '%s: no row of B levels 1..%d in %s' % (label, SCALE, MAP_SHEET))
    if cells is None:
        return
    check(sorted(cells) == [(a, b) for a in range(1, SCALE + 1) for b in range(1, SCALE + 1)],
          '%s: map cells %r, expected A and B from 1 to %d' % (label, sorted(cells), SCALE))
    a_levels = [a for (a, b) in cells if b == 1]
    check(a_levels == list(range(SCALE, 0, -1)), '%s: A runs %r down the side, expected high to low'
          % (label, a_levels))

    expected, total = expected_map_counts(input_risks)
    for (a, b), (r, c) in sorted(cells.items()):
        count = sheet_v.cell(r, c).value
        check(count == expected[(a, b)], '%s: map A=%s B=%s shows %r, the input has %d'
              % (label, a, b, count, expected[(a, b)]))
        if formulas is not None:
            formula = formulas[MAP_SHEET].cell(r, c).value
            want = '=COUNTIFS(%s,%d,%s,%d)' % (A_RANGE, a, B_RANGE, b)
            check(formula == want, '%s: map A=%s B=%s formula %r, expected %r'
                  % (label, a, b, formula, want))
    total_shown = sheet_v.cell(*total_cell).value
    check(total_shown == total, '%s: map total %r, the input has %d risks with A and B'
          % (label, total_shown, total))
    check(total > 0, '%s: the input has no risk with numeric A and B' % label)


# Makes LibreOffice recalculate every formula when it loads an xlsx file.
# Its default for files it did not write is to keep their cached values.
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

# A cached value no correct count or C equals, so only recalculation removes it.
STALE = 99


def overwrite_cached_values(source, target):
    """Copy the xlsx `source` to `target` with every cached formula result set to STALE."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, 'w',
                                                          zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith('xl/worksheets/sheet'):
                data = re.sub(rb'(</f>)<v>[^<]*</v>', rb'\1<v>%d</v>' % STALE, data)
            out.writestr(info, data)


def check_libreoffice(register, tmp, input_risks):
    """Recalculate the register in LibreOffice and check the map counts and C values."""
    soffice = shutil.which('soffice') or shutil.which('libreoffice')
    check(soffice is not None, 'LibreOffice (soffice) is not installed')
    if soffice is None:
        return
    profile = os.path.join(tmp, 'lo')
    os.makedirs(os.path.join(profile, 'user'))
    with open(os.path.join(profile, 'user', 'registrymodifications.xcu'), 'w') as f:
        f.write(RECALC_ALWAYS)
    stale = os.path.join(tmp, 'stale', 'register.xlsx')
    os.makedirs(os.path.dirname(stale))
    overwrite_cached_values(register, stale)

    outdir = os.path.join(tmp, 'recalculated')
    proc = subprocess.run([soffice, '--headless', '-env:UserInstallation=file://' + profile,
                           '--convert-to', 'xlsx', '--outdir', outdir, stale],
                          capture_output=True, text=True, timeout=240)
    resaved = os.path.join(outdir, 'register.xlsx')
    check(proc.returncode == 0 and os.path.exists(resaved),
          'LibreOffice could not convert the register: %s %s' % (proc.stdout, proc.stderr))
    if not os.path.exists(resaved):
        return

    values = openpyxl.load_workbook(resaved, data_only=True)
    check_map(None, values, input_risks, 'LibreOffice')

    sheet = values['リスク管理表']
    header, _ = find_header(sheet, ['No.', 'リスク内容'])
    rows = [r for r in range(header + 1, sheet.max_row + 1) if sheet.cell(r, 3).value is not None]
    check(len(rows) == len(input_risks), 'LibreOffice: %d risks, the input has %d'
          % (len(rows), len(input_risks)))
    for r, (content, a_in, b_in, _) in zip(rows, input_risks):
        c = sheet.cell(r, 7).value
        check(c == a_in * b_in, 'LibreOffice: row %d (%s) has C = %r, A x B is %r'
              % (r, content, c, a_in * b_in))


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
        check_map(openpyxl.load_workbook(outputs[0]),
                  openpyxl.load_workbook(outputs[0], data_only=True), input_risks, 'kyokun')
        check_libreoffice(outputs[0], tmp, input_risks)
        with open(outputs[0], 'rb') as first, open(outputs[1], 'rb') as second:
            check(first.read() == second.read(), 'two conversions gave different bytes')
    finish()


if __name__ == '__main__':
    main()
