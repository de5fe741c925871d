#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the legacy-style sample inputs under samples/legacy/.

Each file copies a layout that real incident records use, with invented
content: an Excel 方眼紙 (grid paper) sheet with merged cells and two tables,
a ticket-system CSV export in CP932 with full-width digits and era dates, a
register with a title block, subtotal and total rows and notes, a why-why
analysis six levels deep with merged cells, and an incident status table
with two header rows. tests/legacy-expected.csv lists the tables that each
file holds and the records each table has, counted from the data below.

Run from anywhere:  /usr/bin/python3 samples/legacy/make-legacy.py
Needs openpyxl (Debian: python3-openpyxl). The output is byte-identical
across runs with the same openpyxl and zlib, as with samples/make-samples.py,
whose workbook helpers this script reuses.
"""

import csv
import importlib.util
import io
import pathlib

LEGACY_DIR = pathlib.Path(__file__).resolve().parent
SAMPLES_DIR = LEGACY_DIR.parent

# make-samples.py has a hyphen in its name, so it is loaded by path.
_spec = importlib.util.spec_from_file_location("make_samples", SAMPLES_DIR / "make-samples.py")
samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(samples)

from openpyxl.styles import Alignment  # noqa: E402  (after the openpyxl check above)


def put(ws, row, col, value, span=1, wrap=False):
    """Write a value at (row, col), merged across `span` columns as 方眼紙 sheets do."""
    cell = ws.cell(row=row, column=col, value=value)
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if span > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)
    return cell


# ---------------------------------------------------------------------------
# 方眼紙: an incident list and a risk table on one grid-paper sheet
# ---------------------------------------------------------------------------

# Logical columns of the incident list: (header, grid columns it spans).
HOUGAN_INCIDENT_COLUMNS = [("No.", 2), ("発生日時", 4), ("システム名", 4), ("障害の概要", 10),
                           ("主な原因", 4), ("障害の影響額\n（千円）", 4)]
HOUGAN_INCIDENTS = [
    (1, "2023/4/3 9:10", "会計システム", "月次締め処理が異常終了した", "プログラムミス", 120),
    (2, "2023/6/20 14:05", "人事システム", "給与計算の結果が一部誤っていた", "設計ミス", 850),
    (3, "2023/9/1 8:30", "販売管理", "受注画面が応答しなくなった", "ハードウェア", 300),
    (4, "2023/11/15 22:40", "会計システム", "夜間バッチが時間内に終わらなかった", "運用ミス", 45),
]
HOUGAN_RISK_COLUMNS = [("No.", 2), ("カテゴリー", 4), ("リスク内容", 10),
                       ("Ａ：影響度\n（高：３～低：１）", 4), ("Ｂ：発生度\n（高：３～低：１）", 4),
                       ("想定対応方法", 8)]
HOUGAN_RISKS = [
    (1, "運用", "夜間バッチの遅延で朝の業務開始が遅れる", "高", "中", "監視の強化"),
    (2, "ハードウェア", "保守切れ機器の故障", 3, 1, "更改計画の前倒し"),
    (3, "開発", "改修時の影響範囲の見落とし", "中", "高", "レビュー観点の追加"),
]


def write_grid_table(ws, row, columns, records):
    """Write a header and records with merged cells; return the next free row."""
    col = 1
    for header, span in columns:
        put(ws, row, col, header, span, wrap=True)
        col += span
    for record in records:
        row += 1
        col = 1
        for value, (_, span) in zip(record, columns):
            put(ws, row, col, value, span)
            col += span
    return row + 1


def build_hougan():
    wb = samples.new_workbook("方眼紙 障害管理")
    ws = wb.create_sheet("障害管理")
    for index in range(1, 40):
        ws.column_dimensions[samples.get_column_letter(index)].width = 2.6
    put(ws, 1, 1, "令和５年度　システム障害管理表", 28)
    put(ws, 2, 20, "作成：情報システム部", 8)
    row = write_grid_table(ws, 4, HOUGAN_INCIDENT_COLUMNS, HOUGAN_INCIDENTS)
    put(ws, row, 1, "合　計", 24)
    put(ws, row, 25, sum(r[5] for r in HOUGAN_INCIDENTS), 4)
    put(ws, row + 1, 1, "※影響額は概算（千円）", 20)
    put(ws, row + 4, 1, "■ リスク管理表", 20)
    write_grid_table(ws, row + 5, HOUGAN_RISK_COLUMNS, HOUGAN_RISKS)
    return wb


# ---------------------------------------------------------------------------
# Ticket-system export: CP932 CSV with full-width digits and era dates
# ---------------------------------------------------------------------------

TICKET_HEADER = ["チケット番号", "件名", "発生日", "システム名", "原因分類", "対応工数（時間）",
                 "影響額", "ステータス"]
TICKETS = [
    ["ＩＮＣ－０００１", "ログイン画面でエラーが表示される", "令和6年4月1日", "会員サイト",
     "プログラムミス", "１２", "５０，０００円", "完了"],
    ["ＩＮＣ－０００２", "帳票の出力が遅い", "R6.4.15", "帳票システム", "性能不足", "３．５",
     "0", "完了"],
    ["ＩＮＣ－０００３", "夜間ジョブの二重起動", "２０２４/５/７", "ジョブ管理", "運用ミス", "8",
     "１２万円", "対応中"],
    ["ＩＮＣ－０００４", "旧システムでの文字化け", "H31.4.30", "旧基幹", "設計ミス", "２０",
     "1,200円", "完了"],
    ["ＩＮＣ－０００５", "メール送信の遅延", "令和元年5月20日", "メール基盤", "外部要因", "２",
     "", "完了"],
    ["ＩＮＣ－０００６", "バックアップの失敗", "2024年6月3日", "ファイルサーバ", "ハードウェア",
     "１６", "３千円", "完了"],
]


def ticket_csv_bytes():
    """Return the tickets as a ticket system exports them: CP932, CRLF, every field quoted."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(TICKET_HEADER)
    writer.writerows(TICKETS)
    return out.getvalue().encode("cp932")


# ---------------------------------------------------------------------------
# Register with a title block, subtotals, a total and notes
# ---------------------------------------------------------------------------

REGISTER_HEADER = ["No.", "発生日", "障害の概要", "主な原因", "対外影響", "対応工数\n（人日）",
                   "障害の影響額\n（万円）"]
REGISTER_GROUPS = [
    ("上期", [
        (1, "2022/4/12", "受付システムの停止", "ハードウェア", "あり", 2, 30),
        (2, "2022/7/8", "集計値の誤り", "プログラムミス", "なし", 5, 0),
        (3, "2022/9/30", "証明書の期限切れ", "運用ミス", "あり", 1, 12),
    ]),
    ("下期", [
        (4, "2022/10/4", "ディスク容量不足", "運用ミス", "なし", 0.5, 0),
        (5, "2023/2/14", "外部APIの仕様変更", "外部要因", "あり", 3, 8),
    ]),
]


def build_register():
    wb = samples.new_workbook("障害管理台帳")
    ws = wb.create_sheet("台帳")
    ws.append(["障害管理台帳（2022年度）"])
    ws.append(["部署", "情報システム部", None, "作成日", "2023/4/10"])
    ws.append([])
    ws.append(REGISTER_HEADER)
    for label, records in REGISTER_GROUPS:
        for record in records:
            ws.append(list(record))
        ws.append([f"小計（{label}）", None, None, None, None, sum(r[5] for r in records),
                   sum(r[6] for r in records)])
    every = [r for _, records in REGISTER_GROUPS for r in records]
    ws.append(["合計", None, None, None, None, sum(r[5] for r in every),
               sum(r[6] for r in every)])
    ws.append([])
    ws.append(["※対外影響は顧客への影響の有無"])
    ws.append(["※工数は概算"])
    return wb


# ---------------------------------------------------------------------------
# Why-why analysis, six levels deep, merged cells
# ---------------------------------------------------------------------------

WHY_HEADER = ["問題", "なぜ１", "なぜ２", "なぜ３", "なぜ４", "なぜ５", "なぜ６", "対策（教訓ID）"]
# Rows as written: None is a cell merged with the one above (same node).
WHY_ROWS = [
    ["給与振込データの送信が遅れた", "送信ジョブが異常終了した", "ディスクが満杯だった",
     "ログが削除されていなかった", "削除ジョブが止まっていた", "停止の通知が届かなかった",
     "通知先が退職者のままだった", "通知先を定期的に棚卸しする（G7）"],
    [None, None, None, None, None, None, None, "通知先の変更手順を作る"],
    [None, None, None, "容量の監視をしていなかった", "監視の対象が決められていなかった",
     None, None, "監視対象の一覧を作る（T16）"],
    [None, "再送の判断が遅れた", "再送手順がなかった", "過去に再送した例がなかった", None, None,
     None, "再送手順を作り訓練する(G9)"],
]


def build_why():
    wb = samples.new_workbook("なぜなぜ分析")
    ws = wb.create_sheet("なぜなぜ分析")
    ws.append(["なぜなぜ分析（給与振込の遅延）"])
    ws.append(WHY_HEADER)
    first = 3
    for offset, row in enumerate(WHY_ROWS):
        for col, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=first + offset, column=col, value=value)
    # Merge each blank cell with the node above it, as the sheet's author did.
    for col in range(1, len(WHY_HEADER)):
        offset = 0
        while offset < len(WHY_ROWS):
            end = offset
            while end + 1 < len(WHY_ROWS) and WHY_ROWS[end + 1][col - 1] is None \
                    and all(WHY_ROWS[end + 1][c] is None for c in range(col - 1)):
                end += 1
            if end > offset and WHY_ROWS[offset][col - 1] is not None:
                ws.merge_cells(start_row=first + offset, start_column=col,
                               end_row=first + end, end_column=col)
            offset = end + 1
    return wb


# ---------------------------------------------------------------------------
# Incident status table with two header rows
# ---------------------------------------------------------------------------

STATUS_EVENTS = [
    ("朝４時", {2: "監視で異常を検知", 4: "待機系に切替"}),
    ("８：３０", {1: "窓口で受付できない", 3: "原因調査を開始"}),
    (None, {2: "利用者へ第一報"}),
    ("16:00", {3: "原因を特定", 4: "部品を手配"}),
    ("翌 AM1:30", {4: "部品を交換し復旧"}),
    ("その他", {1: "お詫びを掲示"}),
]


def build_status():
    wb = samples.new_workbook("障害状況表")
    ws = wb.create_sheet("障害状況表")
    ws.append(["障害状況表：受付システムの停止"])
    ws.append(["日時", "A社", None, None, "B社"])
    ws.append([None, "業務窓口", "情シス部門", "運用部門", "保守"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:D2")
    for time, cells in STATUS_EVENTS:
        ws.append([time] + [cells.get(col) for col in range(1, 5)])
    return wb


def main():
    samples.save_workbook(build_hougan(), LEGACY_DIR / "hougan-two-tables.xlsx")
    (LEGACY_DIR / "ticket-export.cp932.csv").write_bytes(ticket_csv_bytes())
    samples.save_workbook(build_register(), LEGACY_DIR / "register-totals.xlsx")
    samples.save_workbook(build_why(), LEGACY_DIR / "why-six-levels.xlsx")
    samples.save_workbook(build_status(), LEGACY_DIR / "status-two-headers.xlsx")


if __name__ == "__main__":
    main()
