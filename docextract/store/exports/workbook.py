"""`docextract.xlsx`: the sheets of `sheets.py` for Excel: frozen, filterable headers, cells that findings
point at filled (errors red, warnings yellow), text always stored as text (a target like `=100%` must not
turn into a formula)."""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path

import xlsxwriter

from docextract.store.exports.files import written_in_place
from docextract.store.exports.sheets import Sheet, workbook_sheets

FILE_NAME = "docextract.xlsx"
MAX_DATA_ROWS = 1_048_575  # Excel's row limit, less the header; longer sheets continue on "name (2)", …
MAX_WIDTH = 50
FILLS = {
    "error": {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
    "warning": {"bg_color": "#FFEB9C", "font_color": "#9C5700"},
}


def write_workbook(conn: sqlite3.Connection, outdir: Path) -> list[Path]:
    target = outdir / FILE_NAME
    with written_in_place(target) as partial:
        workbook = xlsxwriter.Workbook(str(partial), {
            "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
            "strings_to_urls": False,
        })
        header = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "bottom": 1})
        fills = {severity: workbook.add_format(spec) for severity, spec in FILLS.items()}
        for sheet in workbook_sheets(conn):
            for part, start in enumerate(range(0, max(len(sheet.rows), 1), MAX_DATA_ROWS)):
                name = sheet.name if part == 0 else f"{sheet.name} ({part + 1})"
                _write_sheet(workbook.add_worksheet(name), sheet, slice(start, start + MAX_DATA_ROWS), header, fills)
        workbook.close()
    return [target]


def _write_sheet(worksheet, sheet: Sheet, rows: slice, header, fills: dict) -> None:
    data, marks = sheet.rows[rows], sheet.marks[rows]
    for column, name in enumerate(sheet.columns):
        widest = max((_display_width(row[column]) for row in data[:2000]), default=0)
        worksheet.set_column(column, column, min(max(widest, _display_width(name)) + 2, MAX_WIDTH))
    worksheet.freeze_panes(1, 0)
    worksheet.autofilter(0, 0, max(len(data), 1), len(sheet.columns) - 1)
    worksheet.write_row(0, 0, sheet.columns, header)
    for index, (row, row_marks) in enumerate(zip(data, marks), start=1):
        for column, value in enumerate(row):
            mark = row_marks.get(column)
            worksheet.write(index, column, value, fills[mark] if mark else None)


def _display_width(value) -> int:
    """Characters as Excel shows them: CJK characters are two columns wide."""
    if value is None:
        return 0
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))
