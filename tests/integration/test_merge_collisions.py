#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Id collisions of `convert --merge` over monthly files that each number from 1.

Three incident lists of 20, 20 and 15 rows share the ids 1-15 or 1-20. The
merged book keeps every record (the statistics CSV, read with the csv
module, counts 55 incidents), and standard error lists at most 10
collisions for each later file with the first, then one line that counts
the others. The outputs are named after the first input.
"""
import csv
import os
import subprocess
import sys
import tempfile

KYOKUN = os.environ['KYOKUN']
FAILURES = []


def check(condition, message):
    """Record a failed check without stopping, so one run shows every problem."""
    if not condition:
        FAILURES.append(message)
        print('FAIL:', message, file=sys.stderr)


def write_month(path, month, rows):
    with open(path, 'w', encoding='utf-8', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['No.', '発生日', '障害の概要', '主な原因'])
        for i in range(1, rows + 1):
            writer.writerow([i, '2024/%d/%d' % (month, i), '障害%d-%d' % (month, i), 'バグ'])


def main():
    with tempfile.TemporaryDirectory() as work:
        months = []
        for month, rows in ((1, 20), (2, 20), (3, 15)):
            path = os.path.join(work, '2024-%02d.csv' % month)
            write_month(path, month, rows)
            months.append(path)
        out = os.path.join(work, 'merged') + '/'
        proc = subprocess.run([KYOKUN, 'convert', '--merge', '-t', 'stats', '-o', out, *months],
                              capture_output=True, text=True,
                              env=dict(os.environ, LC_ALL='C.UTF-8', LANG='C.UTF-8'))
        check(proc.returncode == 0, 'convert --merge exited %d:\n%s'
              % (proc.returncode, proc.stderr))

        listed = [line for line in proc.stderr.splitlines() if 'is used in two files' in line]
        counted = [line for line in proc.stderr.splitlines() if 'are not listed' in line]
        check(len(listed) == 20, 'expected 10 listed collisions per later file, got %d:\n%s'
              % (len(listed), proc.stderr))
        first = months[0]
        expected = ['kyokun: %s: warning: 10 more incident id collisions with %s are not '
                    'listed (20 in all). Both records of each collision are kept'
                    % (months[1], first),
                    'kyokun: %s: warning: 5 more incident id collisions with %s are not '
                    'listed (15 in all). Both records of each collision are kept'
                    % (months[2], first)]
        check(counted == expected, 'the lines counting the others are %r, expected %r'
              % (counted, expected))
        ids = sorted(int(line.split('incident id "')[1].split('"')[0]) for line in listed)
        check(ids == sorted(list(range(1, 11)) * 2), 'the listed ids are %r' % ids)

        stats = os.path.join(out, '2024-01.stats.csv')
        check(os.path.exists(stats), 'the merged output is not named after the first input: %r'
              % (os.listdir(out) if os.path.isdir(out) else out))
        if os.path.exists(stats):
            with open(stats, encoding='utf-8', newline='') as f:
                counts = [int(row['count']) for row in csv.DictReader(f)
                          if row['axis'] == 'main_cause']
            check(counts == [55], 'the merged book counts %r incidents, expected [55]' % counts)
    if FAILURES:
        print('%d check(s) failed' % len(FAILURES), file=sys.stderr)
        return 1
    print('merge collisions: all checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
