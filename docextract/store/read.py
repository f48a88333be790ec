"""Reading the batch database: the manifest, the result tables in their stable order, and totals."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from docextract.store.schema import RESULT_TABLES


def manifest_status(conn: sqlite3.Connection) -> dict[str, str]:
    """sha256 -> 'done' | 'failed' for every stored document."""
    return dict(conn.execute("SELECT sha256, status FROM manifest"))


def table_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def table_rows(conn: sqlite3.Connection, table: str, select: list[str], joins: str = "") -> list[tuple]:
    """`select` (expressions over `t`, the table, and `d`, its document) for every row of a result table,
    ordered by document source, then the table's own key."""
    order = ", ".join(filter(None, ["d.source", "t.sha256", RESULT_TABLES[table]]))
    return conn.execute(f"SELECT {', '.join(select)} FROM {table} t JOIN documents d USING (sha256) {joins}"
                        f" ORDER BY {order}").fetchall()


@dataclass(frozen=True)
class Totals:
    documents: int
    forms: int
    verified: int
    flagged: int
    failed: int
    failures: list[tuple[str, str]]  # (source, reason), by source


def totals(conn: sqlite3.Connection) -> Totals:
    documents, failed = conn.execute("SELECT count(*), count(error) FROM documents").fetchone()
    forms, verified, flagged = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE status = 'verified'), count(*) FILTER (WHERE status = 'flagged')"
        " FROM forms").fetchone()
    failures = conn.execute("SELECT source, error FROM documents WHERE error IS NOT NULL ORDER BY source").fetchall()
    return Totals(documents, forms, verified, flagged, failed, failures)
