"""`csv/<table>.csv`: every result table as it is in the database, in UTF-8 with a BOM so Excel reads the
Chinese text right. The full record JSON stays out of `forms.csv` (it is `forms.jsonl`)."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

from docextract.store.corrections import review_tables
from docextract.store.exports.files import written_in_place
from docextract.store.read import table_columns, table_rows
from docextract.store.schema import RESULT_TABLES

FOLDER = "csv"
LEFT_OUT = {"record"}


def write_csv_tables(conn: sqlite3.Connection, outdir: Path) -> list[Path]:
    written = []
    for table in RESULT_TABLES:
        columns = [c for c in table_columns(conn, table) if c not in LEFT_OUT]
        written.append(_write(outdir / FOLDER / f"{table}.csv", columns,
                              table_rows(conn, table, [f"t.{c}" for c in columns])))
    for table, (columns, rows) in review_tables(conn).items():  # reviewers' corrections and marks, if any
        written.append(_write(outdir / FOLDER / f"{table}.csv", columns, rows))
    return written


def _write(target: Path, columns: list[str], rows: list[tuple]) -> Path:
    with written_in_place(target) as partial, partial.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows(rows)
    return target
