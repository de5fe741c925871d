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
It also checks the drop-down lists of A and B, the conditional formats of
the register and the map, the document properties, the 原因別集計 table
against counts of 主な原因 in the input's 障害一覧, and the Pareto chart's
parts (series ranges, the line on a secondary axis from 0 to 100 %).
LibreOffice then recalculates a copy whose cached values were overwritten,
and must arrive at the same map counts and C values. The same checks run on
a 5-level register (--scale 5) converted from a CSV file written here.
Exits non-zero on any mismatch, and when openpyxl, LibreOffice or the kyokun
binary is missing.
"""
import collections
import csv
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
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

SHEETS = ['リスク管理表', 'リスクマップ', '教訓一覧', '障害一覧', '原因別集計']
MAP_SHEET = 'リスクマップ'
CAUSE_SHEET = '原因別集計'
CAUSE_HEADERS = ['主な原因', '件数', '構成比', '累積構成比', 'ABC区分', '障害の影響額 (円)',
                 '対応工数 (人月)']
BLANK_CAUSE = '(未記入)'
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


def check_register(path, input_risks, sheets, threshold_expected):
    """Check the output workbook at `path` against the risks read from the input."""
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)

    check(formulas.sheetnames == sheets,
          'sheet names %r, expected %r' % (formulas.sheetnames, sheets))
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
    check(threshold == threshold_expected, 'threshold cell holds %r, expected %r'
          % (threshold, threshold_expected))

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

        decision_formula = sheet_f.cell(r, 8).value
        expected = '=IF(ISNUMBER(G{0}),IF(G{0}>={1},"{2}","{3}"),"")'.format(
            r, THRESHOLD_NAME, RESPOND, ACCEPT)
        check(decision_formula == expected, '%s: decision formula %r, expected %r'
              % (where, decision_formula, expected))
        decision = sheet_v.cell(r, 8).value
        if isinstance(c, (int, float)) and isinstance(threshold, (int, float)):
            expected_decision = RESPOND if c >= threshold else ACCEPT
            check(decision == expected_decision,
                  '%s: decision %r with C = %r and threshold %r' % (where, decision, c,
                                                                    threshold))
        check(decision == decision_in,
              '%s: decision %r, the input sheet says %r' % (where, decision, decision_in))
    if rows:
        check_register_rules(sheet_f, rows[0], rows[-1], scale_of(threshold_expected))


def scale_of(threshold):
    """Return the scale a test run uses: the default threshold 12 belongs to --scale 5."""
    return 5 if threshold == 12 else 3


def check_register_rules(sheet, first, last, scale):
    """Check the A and B drop-downs and the conditional format of the register rows."""
    validations = sheet.data_validations.dataValidation
    check(len(validations) == 1, 'register has %d data validations, expected 1'
          % len(validations))
    levels = '"%s"' % ','.join(str(level) for level in range(scale, 0, -1))
    for validation in validations:
        check(validation.type == 'list' and validation.formula1 == levels,
              'drop-down %s %r, expected a list %s' % (validation.type, validation.formula1,
                                                        levels))
        check(str(validation.sqref) == 'E%d:F%d' % (first, last),
              'drop-down covers %s, expected E%d:F%d' % (validation.sqref, first, last))

    rules = [(str(rng.sqref), rule.type, rule.formula)
             for rng in sheet.conditional_formatting for rule in rng.rules]
    expected = [('A%d:L%d' % (first, last), 'expression',
                 ['AND(ISNUMBER($G{0}),$G{0}>={1})'.format(first, THRESHOLD_NAME)])]
    check(rules == expected, 'register conditional formats %r, expected %r' % (rules, expected))


def expected_map_counts(input_risks):
    """Return ({(A, B): count}, total) from the input's risks whose A and B are both numbers."""
    counts = collections.Counter()
    for _, a, b, _ in input_risks:
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            counts[(int(a), int(b))] += 1
    return counts, sum(counts.values())


def find_map_cells(sheet, scale):
    """Return ({(A, B): (row, column)}, (row, column) of the total) from the map's level headers.

    The B levels 1..scale run across one row and the A levels scale..1 down the
    column left of the first count, so the cells are found by their headers
    rather than by a fixed position.
    """
    for row in sheet.iter_rows(min_row=1, max_row=30):
        values = [cell.value for cell in row]
        for start in range(len(values) - scale + 1):
            if values[start:start + scale] == list(range(1, scale + 1)) and start > 0:
                level_row = row[0].row
                first_col = start + 1
                cells = {}
                for i in range(scale):
                    r = level_row + 1 + i
                    a = sheet.cell(r, first_col - 1).value
                    for b in range(1, scale + 1):
                        cells[(a, b)] = (r, first_col + b - 1)
                return cells, (level_row + 1 + scale, first_col)
    return None, None


def check_map(formulas, values, input_risks, label, scale):
    """Check the map's formulas and rules (when `formulas` is given) and counts against the input."""
    if MAP_SHEET not in values.sheetnames:
        check(False, '%s: no sheet %s' % (label, MAP_SHEET))
        return
    sheet_v = values[MAP_SHEET]
    cells, total_cell = find_map_cells(sheet_v, scale)
    check(cells is not None, '%s: no row of B levels 1..%d in %s' % (label, scale, MAP_SHEET))
    if cells is None:
        return
    check(sorted(cells) == [(a, b) for a in range(1, scale + 1) for b in range(1, scale + 1)],
          '%s: map cells %r, expected A and B from 1 to %d' % (label, sorted(cells), scale))
    a_levels = [a for (a, b) in cells if b == 1]
    check(a_levels == list(range(scale, 0, -1)), '%s: A runs %r down the side, expected high to low'
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
    if formulas is not None:
        total_formula = formulas[MAP_SHEET].cell(*total_cell).value
        want = '=COUNTIFS(%s,">0",%s,">0")' % (A_RANGE, B_RANGE)
        check(total_formula == want, '%s: map total formula %r, expected %r'
              % (label, total_formula, want))
        check_map_rules(formulas[MAP_SHEET], sheet_v, cells, scale, label)


def check_map_rules(sheet, sheet_v, cells, scale, label):
    """Check the map's threshold cell and its three colour rules over the count cells."""
    rows = sorted({r for r, _ in cells.values()})
    cols = sorted({c for _, c in cells.values()})
    first = '%s%d' % (openpyxl.utils.get_column_letter(cols[0]), rows[0])
    last = '%s%d' % (openpyxl.utils.get_column_letter(cols[-1]), rows[-1])
    a = '$%s%d' % (openpyxl.utils.get_column_letter(cols[0] - 1), rows[0])
    b = '%s$%d' % (openpyxl.utils.get_column_letter(cols[0]), rows[0] - 1)
    a_up = 'MIN(%s+1,%d)' % (a, scale)
    b_up = 'MIN(%s+1,%d)' % (b, scale)
    name = THRESHOLD_NAME
    expected = [
        ('%s:%s' % (first, last), 'expression', ['%s*%s>=%s' % (a, b, name)]),
        ('%s:%s' % (first, last), 'expression',
         ['AND(%s*%s<%s,OR(%s*%s>=%s,%s*%s>=%s))' % (a, b, name, a_up, b, name, a, b_up, name)]),
        ('%s:%s' % (first, last), 'expression',
         ['AND(%s*%s<%s,%s*%s<%s)' % (a_up, b, name, a, b_up, name)]),
    ]
    rules = [(str(rng.sqref), rule.type, rule.formula)
             for rng in sheet.conditional_formatting for rule in rng.rules]
    check(rules == expected, '%s: map conditional formats %r, expected %r'
          % (label, rules, expected))

    threshold_cells = [cell for row in sheet.iter_rows(max_row=rows[0] - 1) for cell in row
                       if cell.value == '=' + name]
    check(len(threshold_cells) == 1, '%s: map has %d cells "=%s", expected 1'
          % (label, len(threshold_cells), name))
    threshold = threshold_of(sheet_v.parent)
    for cell in threshold_cells:
        cached = sheet_v[cell.coordinate].value
        check(cached == threshold, '%s: map threshold cell %s caches %r, the named cell has %r'
              % (label, cell.coordinate, cached, threshold))


def check_properties(path, title):
    """Check the title, subject, creator, generator comment and the SOURCE_DATE_EPOCH creation time."""
    properties = openpyxl.load_workbook(path).properties
    check(properties.title == title, 'document title %r, expected %r' % (properties.title, title))
    check(properties.subject == 'リスク管理表・リスクマップ・教訓一覧・障害一覧・原因別集計',
          'document subject %r' % properties.subject)
    check(properties.creator == 'kyokun', 'document creator %r' % properties.creator)
    check(re.fullmatch(r'kyokun \S+ で作成', properties.description or '') is not None,
          'document description %r does not name the generator' % properties.description)
    created = properties.created.replace(tzinfo=None) if properties.created else None
    expected = datetime.datetime.utcfromtimestamp(int(os.environ['SOURCE_DATE_EPOCH']))
    check(created == expected, 'document created %r, expected %r from SOURCE_DATE_EPOCH'
          % (created, expected))
    with zipfile.ZipFile(path) as archive:
        custom = archive.read('docProps/custom.xml').decode('utf-8')
    check('name="Generator"' in custom and '<vt:lpwstr>kyokun ' in custom,
          'docProps/custom.xml has no Generator property: %s' % custom)


def read_input_incidents(path):
    """Return [(main cause or None, damage, effort)] from the input's 障害一覧."""
    sheet = openpyxl.load_workbook(path, data_only=True)['障害一覧']
    header, columns = find_header(sheet, ['主な原因', '障害の影響額', '対応工数'])
    if header is None:
        sys.exit('FAIL: no header row with 主な原因 in %s' % path)
    incidents = []
    for row in sheet.iter_rows(min_row=header + 1, values_only=True):
        if all(value is None for value in row):
            continue
        cause = row[columns['主な原因']]
        cause = cause.strip() if isinstance(cause, str) and cause.strip() else None
        incidents.append((cause, row[columns['障害の影響額']], row[columns['対応工数']]))
    return incidents


def expected_causes(incidents):
    """Return [(label, count, share, cumulative, class, damage, effort)] most frequent first.

    Ties are in UTF-8 byte order with the blank cause last. A key is class A
    while the cumulative share before it is below 80 %, B while below 95 %,
    else C, and keys tied on count take the class of the first of them.
    """
    groups = collections.OrderedDict()
    for cause, damage, effort in incidents:
        group = groups.setdefault(cause, [0, 0.0, 0.0])
        group[0] += 1
        group[1] += damage if isinstance(damage, (int, float)) else 0
        group[2] += effort if isinstance(effort, (int, float)) else 0
    order = sorted(groups, key=lambda key: (-groups[key][0], key is None,
                                            (key or '').encode('utf-8')))
    total = len(incidents)
    rows = []
    before = 0
    previous = None
    for key in order:
        count, damage, effort = groups[key]
        if previous is not None and previous[1] == count:
            abc = previous[4]
        elif before * 100 < 80 * total:
            abc = 'A'
        elif before * 100 < 95 * total:
            abc = 'B'
        else:
            abc = 'C'
        before += count
        previous = (key, count, count / total, before / total, abc, damage, effort)
        rows.append((key if key is not None else BLANK_CAUSE,) + previous[1:])
    return rows


def check_causes(path, incidents):
    """Check the 原因別集計 table against counts of 主な原因 in the input."""
    values = openpyxl.load_workbook(path, data_only=True)
    if CAUSE_SHEET not in values.sheetnames:
        check(False, 'no sheet %s' % CAUSE_SHEET)
        return None
    sheet = values[CAUSE_SHEET]
    header, _ = find_header(sheet, CAUSE_HEADERS[:2])
    check(header is not None, 'no header row in %s' % CAUSE_SHEET)
    if header is None:
        return None
    labels = [cell.value for cell in sheet[header]][:len(CAUSE_HEADERS)]
    check(labels == CAUSE_HEADERS, '%s headers %r, expected %r' % (CAUSE_SHEET, labels,
                                                                   CAUSE_HEADERS))

    expected = expected_causes(incidents)
    check(len(expected) > 1, 'the input has fewer than two main causes')
    for i, row in enumerate(expected):
        r = header + 1 + i
        shown = [sheet.cell(r, c).value for c in range(1, 8)]
        where = '%s row %d' % (CAUSE_SHEET, r)
        check(shown[0] == row[0], '%s: cause %r, expected %r' % (where, shown[0], row[0]))
        check(shown[1] == row[1], '%s: count %r, expected %r' % (where, shown[1], row[1]))
        for col, name in ((2, 'share'), (3, 'cumulative share'), (5, 'damage'), (6, 'effort')):
            check(isinstance(shown[col], (int, float)) and abs(shown[col] - row[col]) < 1e-9,
                  '%s: %s %r, expected %r' % (where, name, shown[col], row[col]))
        check(shown[4] == row[4], '%s: class %r, expected %r' % (where, shown[4], row[4]))
    total_row = header + 1 + len(expected)
    check(sheet.cell(total_row, 2).value == len(incidents), '%s total %r, expected %d'
          % (CAUSE_SHEET, sheet.cell(total_row, 2).value, len(incidents)))
    return header + 1, header + len(expected)


C_NS = {'c': 'http://schemas.openxmlformats.org/drawingml/2006/chart'}


def check_chart(path, first, last):
    """Check the Pareto chart's parts: columns of counts, the cumulative line on a 0-100 % axis."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        check('xl/charts/chart1.xml' in names, 'no chart in the register')
        if 'xl/charts/chart1.xml' not in names:
            return
        workbook = archive.read('xl/workbook.xml').decode('utf-8')
        sheet_index = workbook.count('<sheet ', 0, workbook.find('name="%s"' % CAUSE_SHEET))
        rels = archive.read('xl/worksheets/_rels/sheet%d.xml.rels' % sheet_index).decode('utf-8')
        check('../drawings/drawing1.xml' in rels, '%s does not hold the drawing: %s'
              % (CAUSE_SHEET, rels))
        drawing_rels = archive.read('xl/drawings/_rels/drawing1.xml.rels').decode('utf-8')
        check('../charts/chart1.xml' in drawing_rels, 'the drawing does not hold the chart')
        chart = ElementTree.fromstring(archive.read('xl/charts/chart1.xml'))

    quoted = "'%s'" % CAUSE_SHEET
    categories = '%s!$A$%d:$A$%d' % (quoted, first, last)
    plot = chart.find('c:chart/c:plotArea', C_NS)
    bars = plot.findall('c:barChart/c:ser', C_NS)
    check(len(bars) == 1, 'the chart has %d column series, expected 1' % len(bars))
    for ser in bars:
        check(ser.findtext('c:cat/c:strRef/c:f', namespaces=C_NS) == categories,
              'column categories %r, expected %r'
              % (ser.findtext('c:cat/c:strRef/c:f', namespaces=C_NS), categories))
        want = '%s!$B$%d:$B$%d' % (quoted, first, last)
        check(ser.findtext('c:val/c:numRef/c:f', namespaces=C_NS) == want,
              'column values %r, expected %r'
              % (ser.findtext('c:val/c:numRef/c:f', namespaces=C_NS), want))
    check(plot.find('c:barChart/c:barDir', C_NS).get('val') == 'col', 'the bars are not columns')

    lines = plot.findall('c:lineChart/c:ser', C_NS)
    check(len(lines) == 1, 'the chart has %d line series, expected 1' % len(lines))
    for ser in lines:
        want = '%s!$D$%d:$D$%d' % (quoted, first, last)
        check(ser.findtext('c:val/c:numRef/c:f', namespaces=C_NS) == want,
              'line values %r, expected %r'
              % (ser.findtext('c:val/c:numRef/c:f', namespaces=C_NS), want))
        check(ser.findtext('c:cat/c:strRef/c:f', namespaces=C_NS) == categories,
              'line categories differ from the columns')
    line_axes = [ax.get('val') for ax in plot.findall('c:lineChart/c:axId', C_NS)]
    bar_axes = [ax.get('val') for ax in plot.findall('c:barChart/c:axId', C_NS)]
    check(len(line_axes) == 2 and not set(line_axes) & set(bar_axes),
          'the line does not have axes of its own: %r and %r' % (line_axes, bar_axes))
    value_axes = [ax for ax in plot.findall('c:valAx', C_NS)
                  if ax.find('c:axId', C_NS).get('val') in line_axes]
    check(len(value_axes) == 1, 'no value axis of the line')
    for axis in value_axes:
        check(axis.find('c:axPos', C_NS).get('val') == 'r', 'the line axis is not on the right')
        check(axis.find('c:scaling/c:min', C_NS).get('val') == '0'
              and axis.find('c:scaling/c:max', C_NS).get('val') == '1',
              'the line axis is not fixed at 0-100 %')
        check(axis.find('c:crosses', C_NS).get('val') == 'max', 'the line axis does not cross '
              'at the maximum, so it is not a secondary axis')


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


def check_libreoffice(register, tmp, input_risks, scale, label):
    """Recalculate the register in LibreOffice and check the map counts and C values."""
    soffice = shutil.which('soffice') or shutil.which('libreoffice')
    check(soffice is not None, 'LibreOffice (soffice) is not installed')
    if soffice is None:
        return
    profile = os.path.join(tmp, 'lo')
    if not os.path.isdir(profile):
        os.makedirs(os.path.join(profile, 'user'))
        with open(os.path.join(profile, 'user', 'registrymodifications.xcu'), 'w') as f:
            f.write(RECALC_ALWAYS)
    stale = os.path.join(tmp, 'stale-' + label, 'register.xlsx')
    os.makedirs(os.path.dirname(stale))
    overwrite_cached_values(register, stale)

    outdir = os.path.join(tmp, 'recalculated-' + label)
    proc = subprocess.run([soffice, '--headless', '-env:UserInstallation=file://' + profile,
                           '--convert-to', 'xlsx', '--outdir', outdir, stale],
                          capture_output=True, text=True, timeout=240)
    resaved = os.path.join(outdir, 'register.xlsx')
    check(proc.returncode == 0 and os.path.exists(resaved),
          'LibreOffice could not convert the register: %s %s' % (proc.stdout, proc.stderr))
    if not os.path.exists(resaved):
        return

    values = openpyxl.load_workbook(resaved, data_only=True)
    check_map(None, values, input_risks, 'LibreOffice ' + label, scale)

    sheet = values['リスク管理表']
    header, _ = find_header(sheet, ['No.', 'リスク内容'])
    rows = [r for r in range(header + 1, sheet.max_row + 1) if sheet.cell(r, 3).value is not None]
    check(len(rows) == len(input_risks), 'LibreOffice %s: %d risks, the input has %d'
          % (label, len(rows), len(input_risks)))
    for r, (content, a_in, b_in, decision_in) in zip(rows, input_risks):
        c = sheet.cell(r, 7).value
        check(c == a_in * b_in, 'LibreOffice %s: row %d (%s) has C = %r, A x B is %r'
              % (label, r, content, c, a_in * b_in))
        decision = sheet.cell(r, 8).value
        check(decision == decision_in, 'LibreOffice %s: row %d (%s) has decision %r, the input '
              'says %r' % (label, r, content, decision, decision_in))


def convert(args, output):
    """Run kyokun convert with Japanese labels into `output`; stop the test when it fails."""
    # Labels default to the locale's language, so ask for Japanese ones.
    proc = subprocess.run([KYOKUN, 'convert', *args, '--lang', 'ja', '-o', output],
                          capture_output=True, text=True,
                          env=dict(os.environ, LC_ALL='C.UTF-8', LANG='C.UTF-8'))
    check(proc.returncode == 0, 'kyokun convert %r exited %d; stderr:\n%s'
          % (args, proc.returncode, proc.stderr))
    if proc.returncode != 0 or not os.path.exists(output):
        finish()
    return proc


# A 5-level register: every level 1-5 appears, and the decisions use the
# default threshold 12 of the 5-level scale (C of 12 or more needs a response).
SCALE5_RISKS = [
    ('夜間バッチの遅延', 5, 5, '対応要'),
    ('修正情報の入手遅れ', 4, 3, '対応要'),
    ('ディスク容量不足', 3, 4, '対応要'),
    ('担当者の不在', 2, 2, '対応不要'),
    ('データ移行漏れ', 1, 5, '対応不要'),
    ('要件の誤り', 5, 2, '対応不要'),
    ('帳票の誤り', 5, 2, '対応不要'),
]


def write_scale5_input(path):
    """Write SCALE5_RISKS as a CSV risk register with C and the decision typed in."""
    with open(path, 'w', newline='', encoding='utf-8') as f:
        writer = csv.writer(f)
        writer.writerow(['No.', 'カテゴリー', 'リスク内容', '影響内容', 'A 影響度', 'B 発生度',
                         'C リスク値', '判定', '想定対応方法'])
        for i, (content, a, b, decision) in enumerate(SCALE5_RISKS, 1):
            writer.writerow([i, '運用', content, '業務の停止', a, b, a * b, decision, '対策を決める'])


def check_scale5(tmp):
    """Convert a 5-level CSV register with --scale 5 and check it like the guide case."""
    source = os.path.join(tmp, 'scale5.csv')
    write_scale5_input(source)
    output = os.path.join(tmp, 'scale5.xlsx')
    proc = convert([source, '--scale', '5', '-t', 'risk-register'], output)
    check('warning:' not in proc.stderr, 'levels 4 and 5 were not read on the 5-level scale:\n%s'
          % proc.stderr)

    check_register(output, SCALE5_RISKS, SHEETS[:3], 12)
    check_map(openpyxl.load_workbook(output), openpyxl.load_workbook(output, data_only=True),
              SCALE5_RISKS, 'kyokun --scale 5', 5)
    check_libreoffice(output, tmp, SCALE5_RISKS, 5, 'scale5')


def main():
    if not os.access(KYOKUN, os.X_OK):
        sys.exit('FAIL: kyokun binary not found at %s (build the cli target)' % KYOKUN)
    if not os.path.exists(SAMPLE):
        sys.exit('FAIL: sample input missing: %s' % SAMPLE)
    os.environ.setdefault('SOURCE_DATE_EPOCH', '1700000000')

    input_risks = read_input_risks(SAMPLE)
    check(len(input_risks) > 0, 'no risks read from %s' % SAMPLE)
    incidents = read_input_incidents(SAMPLE)

    with tempfile.TemporaryDirectory(prefix='ky-register-') as tmp:
        outputs = [os.path.join(tmp, 'register.xlsx'), os.path.join(tmp, 'register2.xlsx')]
        for output in outputs:
            convert([SAMPLE], output)

        check_register(outputs[0], input_risks, SHEETS, 5)
        check_map(openpyxl.load_workbook(outputs[0]),
                  openpyxl.load_workbook(outputs[0], data_only=True), input_risks, 'kyokun', 3)
        check_properties(outputs[0], 'guide-case.ja')
        rows = check_causes(outputs[0], incidents)
        if rows:
            check_chart(outputs[0], *rows)
        check_libreoffice(outputs[0], tmp, input_risks, 3, 'guide')
        with open(outputs[0], 'rb') as first, open(outputs[1], 'rb') as second:
            check(first.read() == second.read(), 'two conversions gave different bytes')
        check_scale5(tmp)
    finish()


if __name__ == '__main__':
    main()
