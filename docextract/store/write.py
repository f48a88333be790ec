"""Storing one document's outcome: its row, forms, their child rows and its manifest entry, in ONE transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone

from docextract.model import DocumentResult
from docextract.store.rows import CHILD_ROWS, form_row


@contextmanager
def transaction(conn: sqlite3.Connection):
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _insert(conn: sqlite3.Connection, table: str, row: dict) -> None:
    columns = ", ".join(row)
    conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))


def save_document(conn: sqlite3.Connection, sha256: str, size: int, sources: Sequence[str],
                  result: DocumentResult) -> None:
    """Store `result` as the outcome for the content `sha256`, found at `sources` (the first names it).

    Saving the same content again (a retried failure) replaces its forms and counts one more attempt.
    """
    error = result.error.reason if result.error else None
    warnings = json.dumps(result.warnings, ensure_ascii=False) if result.warnings else None
    with transaction(conn):
        conn.execute("DELETE FROM forms WHERE sha256 = ?", (sha256,))  # cascades to the child tables
        conn.execute(
            "INSERT INTO documents (sha256, source, bytes, kind, pages, forms, error, warnings)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (sha256) DO UPDATE SET source = excluded.source, bytes = excluded.bytes,"
            " kind = excluded.kind, pages = excluded.pages, forms = excluded.forms, error = excluded.error,"
            " warnings = excluded.warnings",
            (sha256, sources[0], size, result.kind, result.pages, len(result.forms), error, warnings))
        conn.executemany("INSERT OR IGNORE INTO sources (source, sha256) VALUES (?, ?)",
                         [(source, sha256) for source in sources])
        for form_index, record in enumerate(result.forms, start=1):
            key = {"sha256": sha256, "form_index": form_index}
            _insert(conn, "forms", key | form_row(record))
            for table, rows in CHILD_ROWS.items():
                for row in rows(record):
                    _insert(conn, table, key | row)
        conn.execute(
            "INSERT INTO manifest (sha256, status, attempts, seconds, finished_at) VALUES (?, ?, 1, ?, ?)"
            " ON CONFLICT (sha256) DO UPDATE SET status = excluded.status, attempts = attempts + 1,"
            " seconds = excluded.seconds, finished_at = excluded.finished_at",
            (sha256, "failed" if error else "done", result.seconds,
             datetime.now(timezone.utc).isoformat(timespec="seconds")))


def add_sources(conn: sqlite3.Connection, pairs: Iterable[tuple[str, str]]) -> None:
    """Record further places (source, sha256) where already stored content was found."""
    with transaction(conn):
        conn.executemany("INSERT OR IGNORE INTO sources (source, sha256) VALUES (?, ?)", list(pairs))
