"""Reviewers' corrections and review marks.

Each correction is a row (field, the extracted value, the corrected value, who, why, when); the extracted
record is kept whole in `form_originals` the first time a form is corrected. What a correction means (which
fields, the re-check, the stored form replaced) is `docextract.review.correct`'s: this module only stores.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from docextract.model import FormRecord
from docextract.output import record_json
from docextract.store.forms import load_form
from docextract.store.write import transaction


class FormNotFoundError(LookupError):
    """No stored form has this key."""


@dataclass(frozen=True)
class Correction:
    field: str
    extracted: Any
    corrected: Any
    reviewer: str | None
    comment: str | None
    created_at: str  # UTC, ISO 8601

    def reason(self) -> str:
        """Why the value changed, for the record's `repairs` entry."""
        who = f"by {self.reviewer}, " if self.reviewer else ""
        return f"{who}{self.created_at[:10]}" + (f": {self.comment}" if self.comment else "")


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def original_record(conn: sqlite3.Connection, sha256: str, form_index: int) -> FormRecord:
    """The form's record as extracted: saved aside the first time this is asked (before a first correction),
    read back from there afterwards. FormNotFoundError when there is no such form."""
    row = conn.execute("SELECT record FROM form_originals WHERE sha256 = ? AND form_index = ?",
                       (sha256, form_index)).fetchone()
    if row:
        return FormRecord.model_validate_json(row[0])
    record = load_form(conn, sha256, form_index)
    if record is None:
        raise FormNotFoundError(f"no form {form_index} in document {sha256}")
    conn.execute("INSERT INTO form_originals (sha256, form_index, record) VALUES (?, ?, ?)",
                 (sha256, form_index, json.dumps(record_json(record), ensure_ascii=False)))
    return record


def add_corrections(conn: sqlite3.Connection, sha256: str, form_index: int, changes: Iterable[tuple[str, Any, Any]],
                    reviewer: str | None, comment: str | None) -> None:
    """Store (field path, extracted value, corrected value) rows; the caller holds the transaction."""
    now = utc_now()
    conn.executemany("INSERT INTO corrections (sha256, form_index, field, extracted, corrected, reviewer, comment,"
                     " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     [(sha256, form_index, path, json.dumps(extracted, ensure_ascii=False),
                       json.dumps(corrected, ensure_ascii=False), reviewer, comment, now)
                      for path, extracted, corrected in changes])


def form_corrections(conn: sqlite3.Connection, sha256: str, form_index: int) -> list[Correction]:
    """Every correction of the form, oldest first."""
    rows = conn.execute("SELECT field, extracted, corrected, reviewer, comment, created_at FROM corrections"
                        " WHERE sha256 = ? AND form_index = ? ORDER BY id", (sha256, form_index))
    return [Correction(field, json.loads(extracted), json.loads(corrected), reviewer, comment, created_at)
            for field, extracted, corrected, reviewer, comment, created_at in rows]


def mark_reviewed(conn: sqlite3.Connection, sha256: str, form_index: int, reviewer: str | None = None) -> str:
    """Record that a person checked the form against its document; returns the time stored."""
    if load_form(conn, sha256, form_index) is None:
        raise FormNotFoundError(f"no form {form_index} in document {sha256}")
    reviewed_at = utc_now()
    with transaction(conn):
        conn.execute("INSERT INTO reviews (sha256, form_index, reviewer, reviewed_at) VALUES (?, ?, ?, ?)"
                     " ON CONFLICT (sha256, form_index) DO UPDATE SET reviewer = excluded.reviewer,"
                     " reviewed_at = excluded.reviewed_at", (sha256, form_index, reviewer, reviewed_at))
    return reviewed_at


def reviewed_at(conn: sqlite3.Connection, sha256: str, form_index: int) -> str | None:
    row = conn.execute("SELECT reviewed_at FROM reviews WHERE sha256 = ? AND form_index = ?",
                       (sha256, form_index)).fetchone()
    return row[0] if row else None


def review_marks(conn: sqlite3.Connection) -> dict[tuple[str, int], str]:
    """(sha256, form_index) -> reviewed_at of every reviewed form."""
    return {(sha256, index): at for sha256, index, at in conn.execute(
        "SELECT sha256, form_index, reviewed_at FROM reviews")}


def corrected_forms(conn: sqlite3.Connection) -> set[tuple[str, int]]:
    return set(conn.execute("SELECT DISTINCT sha256, form_index FROM corrections"))


_REVIEW_EXPORTS = {  # table -> (its columns exported, its own order within a form)
    "corrections": ("t.field, t.extracted, t.corrected, t.reviewer, t.comment, t.created_at", "t.id"),
    "reviews": ("t.reviewer, t.reviewed_at", ""),
}
_JSON_COLUMNS = {"extracted", "corrected"}


def review_tables(conn: sqlite3.Connection) -> dict[str, tuple[list[str], list[tuple]]]:
    """The corrections and review marks for the exports, by document source then form: table -> (columns,
    rows), only the tables that hold rows (a batch nobody reviewed exports what it always did)."""
    tables = {}
    for table, (columns, then) in _REVIEW_EXPORTS.items():
        order = ", ".join(filter(None, ["d.source", "t.sha256", "t.form_index", then]))
        cursor = conn.execute(f"SELECT d.source, t.sha256, t.form_index, f.id, {columns} FROM {table} t"
                              f" JOIN documents d USING (sha256) LEFT JOIN forms f ON f.sha256 = t.sha256"
                              f" AND f.form_index = t.form_index ORDER BY {order}")
        names = [column[0] for column in cursor.description]
        rows = [tuple(json.loads(v) if name in _JSON_COLUMNS else v for name, v in zip(names, row)) for row in cursor]
        if rows:
            tables[table] = (names, rows)
    return tables
