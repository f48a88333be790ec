"""Stored forms one at a time: read a record back, replace one form's rows with a changed record."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from docextract.model import FormRecord
from docextract.store.rows import CHILD_ROWS, form_row

_FORM_ID = re.compile(r"^([0-9a-f]{64})-([1-9][0-9]{0,5})$")


def form_id(sha256: str, form_index: int) -> str:
    """A form's key in one string, as the API and the review pages name it: `<sha256>-<form_index>`."""
    return f"{sha256}-{form_index}"


def parse_form_id(text: str) -> tuple[str, int] | None:
    match = _FORM_ID.match(text)
    return (match[1], int(match[2])) if match else None


@dataclass(frozen=True)
class StoredDocument:
    sha256: str
    source: str
    kind: str | None
    pages: int | None
    error: str | None


def load_document(conn: sqlite3.Connection, sha256: str) -> StoredDocument | None:
    row = conn.execute("SELECT sha256, source, kind, pages, error FROM documents WHERE sha256 = ?",
                       (sha256,)).fetchone()
    return StoredDocument(*row) if row else None


def load_form(conn: sqlite3.Connection, sha256: str, form_index: int) -> FormRecord | None:
    row = conn.execute("SELECT record FROM forms WHERE sha256 = ? AND form_index = ?",
                       (sha256, form_index)).fetchone()
    return FormRecord.model_validate_json(row[0]) if row else None


def document_forms(conn: sqlite3.Connection, sha256: str) -> list[tuple[int, FormRecord]]:
    """(form_index, record) of every form of a document, in document order."""
    rows = conn.execute("SELECT form_index, record FROM forms WHERE sha256 = ? ORDER BY form_index", (sha256,))
    return [(index, FormRecord.model_validate_json(record)) for index, record in rows]


def replace_form(conn: sqlite3.Connection, sha256: str, form_index: int, record: FormRecord) -> None:
    """Replace the form's row and all its child rows; the caller holds the transaction."""
    key = {"sha256": sha256, "form_index": form_index}
    conn.execute("DELETE FROM forms WHERE sha256 = ? AND form_index = ?", (sha256, form_index))  # cascades
    _insert(conn, "forms", key | form_row(record))
    for table, rows in CHILD_ROWS.items():
        for row in rows(record):
            _insert(conn, table, key | row)


def _insert(conn: sqlite3.Connection, table: str, row: dict) -> None:
    conn.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
