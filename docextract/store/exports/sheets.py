"""What the workbook shows: one sheet per view, and which cells the check findings point at.

Findings name the cells they concern by field path (`funding.total.score`, `indicators[3].weight`,
`total_score`); the forms sheet's columns are named by the same paths, so a path marks the column it
equals, or every column under it (`funding.total` marks all of `funding.total.*`).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from docextract.model import FUNDING_COLUMNS, FUNDING_ROWS, INDICATOR_FIELDS
from docextract.store.corrections import review_tables
from docextract.store.read import table_rows

SEVERITY_RANK = {"error": 2, "warning": 1}  # info findings mark nothing
INDICATOR_PATH = re.compile(r"indicators\[(\d+)\](?:\.(\w+))?$")

FormKey = tuple[str, int]  # (sha256, form_index)
Marks = dict[int, str]  # column index -> severity of the worst finding pointing at that cell


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: list[str]
    rows: list[tuple]
    marks: list[Marks]  # one per row


def workbook_sheets(conn: sqlite3.Connection) -> list[Sheet]:
    findings = _findings_by_form(conn)
    sheets = [_forms(conn, findings), _indicators(conn, findings), _findings(conn), _documents(conn)]
    if corrections := review_tables(conn).get("corrections"):  # once reviewers corrected values
        columns, rows = corrections
        sheets.append(Sheet("corrections", columns, rows, [{} for _ in rows]))
    return sheets


def _findings_by_form(conn: sqlite3.Connection) -> dict[FormKey, list[tuple[str, str]]]:
    """(sha256, form_index) -> [(field path, severity)] of the findings that mark cells."""
    paths = defaultdict(list)
    for sha256, form_index, severity, cells in conn.execute(
            "SELECT sha256, form_index, severity, cells FROM findings"):
        if severity in SEVERITY_RANK:
            paths[sha256, form_index] += [(path, severity) for path in json.loads(cells)]
    return paths


def _mark(marks: Marks, column: int, severity: str) -> None:
    if SEVERITY_RANK[severity] > SEVERITY_RANK.get(marks.get(column, ""), 0):
        marks[column] = severity


def _under(column: str, path: str) -> bool:
    return column == path or column.startswith(path + ".")


FORM_FIELDS = ["id", "year", "project_name", "department", "implementing_unit", "funding_unit"]
FUNDING_FIELDS = [f"funding.{row}.{column}" for row in FUNDING_ROWS for column in FUNDING_COLUMNS]
TAIL_FIELDS = ["goal_expected", "goal_actual", "indicators", "total_weight", "total_score", "grade", "status",
               "notes"]


def _forms(conn: sqlite3.Connection, findings: dict[FormKey, list[tuple[str, str]]]) -> Sheet:
    columns = ["source", "form", *FORM_FIELDS, *FUNDING_FIELDS, *TAIL_FIELDS]
    joins = " ".join(f"LEFT JOIN funding f_{row} ON f_{row}.sha256 = t.sha256"
                     f" AND f_{row}.form_index = t.form_index AND f_{row}.row = '{row}'" for row in FUNDING_ROWS)
    indicator_count = ("(SELECT count(*) FROM indicators i"
                       " WHERE i.sha256 = t.sha256 AND i.form_index = t.form_index)")
    select = ["t.sha256", "d.source", "t.form_index", *(f"t.{field}" for field in FORM_FIELDS),
              *(f"f_{row}.{column}" for row in FUNDING_ROWS for column in FUNDING_COLUMNS),
              *(indicator_count if field == "indicators" else f"t.{field}" for field in TAIL_FIELDS)]
    rows, marks = [], []
    status = columns.index("status")
    for sha256, *row in table_rows(conn, "forms", select, joins):
        row_marks: Marks = {}
        for path, severity in findings.get((sha256, row[1]), []):
            for index, column in enumerate(columns):
                if _under(column, path):
                    _mark(row_marks, index, severity)
        if row[status] == "flagged":
            _mark(row_marks, status, "error")
        rows.append(tuple(row))
        marks.append(row_marks)
    return Sheet("forms", columns, rows, marks)


def _indicators(conn: sqlite3.Connection, findings: dict[FormKey, list[tuple[str, str]]]) -> Sheet:
    columns = ["source", "form", "id", "indicator", *INDICATOR_FIELDS]
    joins = "JOIN forms f ON f.sha256 = t.sha256 AND f.form_index = t.form_index"
    select = ["t.sha256", "d.source", "t.form_index", "f.id", "t.indicator_index",
              *(f"t.{field}" for field in INDICATOR_FIELDS)]
    by_indicator: dict[tuple[str, int, int], list[tuple[str | None, str]]] = defaultdict(list)
    for (sha256, form_index), paths in findings.items():
        for path, severity in paths:
            if match := INDICATOR_PATH.match(path):
                by_indicator[sha256, form_index, int(match[1])].append((match[2], severity))
    rows, marks = [], []
    first_field = columns.index(INDICATOR_FIELDS[0])
    for sha256, *row in table_rows(conn, "indicators", select, joins):
        row_marks: Marks = {}
        for field, severity in by_indicator.get((sha256, row[1], row[3]), []):
            for index in range(first_field, len(columns)):
                if field is None or columns[index] == field:
                    _mark(row_marks, index, severity)
        rows.append(tuple(row))
        marks.append(row_marks)
    return Sheet("indicators", columns, rows, marks)


def _findings(conn: sqlite3.Connection) -> Sheet:
    columns = ["source", "form", "id", "check", "severity", "message", "cells"]
    joins = "JOIN forms f ON f.sha256 = t.sha256 AND f.form_index = t.form_index"
    select = ["d.source", "t.form_index", "f.id", "t.check_name", "t.severity", "t.message", "t.cells"]
    rows = [(*row[:-1], "; ".join(json.loads(row[-1]))) for row in table_rows(conn, "findings", select, joins)]
    severity = columns.index("severity")
    marks = [{severity: row[severity]} if row[severity] in SEVERITY_RANK else {} for row in rows]
    return Sheet("findings", columns, rows, marks)


def _documents(conn: sqlite3.Connection) -> Sheet:
    columns = ["source", "sha256", "kind", "pages", "forms", "error"]
    rows = table_rows(conn, "documents", [f"t.{column}" for column in columns])
    error = columns.index("error")
    return Sheet("documents", columns, rows, [{error: "error"} if row[error] else {} for row in rows])
