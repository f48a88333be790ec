"""`csv/<table>.csv`: every result table as it is in the database, in UTF-8 with a BOM so Excel reads the
Chinese text right. The full record JSON stays out of `forms.csv` (it is `forms.jsonl`)."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

from docextract.store.exports.files import written_in_place
from docextract.store.read import table_columns, table_rows
from docextract.store.schema import RESULT_TABLES

FOLDER = "csv"
LEFT_OUT = {"record"}


def write_csv_tables(conn: sqlite3.Connection, outdir: Path) -> list[Path]:
    written = []
    for table in RESULT_TABLES:
        columns = [c for c in table_columns(conn, table) if c not in LEFT_OUT]
        target = outdir / FOLDER / f"{table}.csv"
        with written_in_place(target) as partial, partial.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            writer.writerows(table_rows(conn, table, [f"t.{c}" for c in columns]))
        written.append(target)
    return written
