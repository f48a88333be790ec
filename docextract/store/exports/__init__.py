"""Exports of the batch database for analysts: `forms.jsonl`, one CSV per table, one XLSX workbook.

Rows come out in the database's stable order (document source, then form and row), so an export does not
depend on how many workers ran or in which order documents finished.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

from docextract.store.exports.csv_tables import write_csv_tables
from docextract.store.exports.jsonl import write_jsonl
from docextract.store.exports.workbook import write_workbook

_WRITERS: dict[str, Callable[[sqlite3.Connection, Path], list[Path]]] = {
    "jsonl": write_jsonl, "csv": write_csv_tables, "xlsx": write_workbook,
}
FORMATS = tuple(_WRITERS)


def write_exports(conn: sqlite3.Connection, outdir: Path, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write the chosen exports into `outdir`; return the files written."""
    return [path for fmt in formats for path in _WRITERS[fmt](conn, outdir)]
