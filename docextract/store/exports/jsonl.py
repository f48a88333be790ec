"""`forms.jsonl`: one stored record per line, as the batch stored it (`source` relative to its INPUT)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from docextract.store.exports.files import written_in_place
from docextract.store.read import table_rows

FILE_NAME = "forms.jsonl"


def write_jsonl(conn: sqlite3.Connection, outdir: Path) -> list[Path]:
    target = outdir / FILE_NAME
    with written_in_place(target) as partial, partial.open("w", encoding="utf-8") as f:
        for (record,) in table_rows(conn, "forms", ["t.record"]):
            f.write(record + "\n")
    return [target]
