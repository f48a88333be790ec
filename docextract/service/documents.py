"""Uploaded documents in the store: results named after the upload, stored as a batch stores them, read
back as the API shows forms (with their corrections)."""

from __future__ import annotations

import sqlite3

from docextract.batch.runner import named
from docextract.model import DocumentResult, FormRecord, record_id
from docextract.output import record_json
from docextract.service.schemas import CorrectionOut, StoredForm
from docextract.store import save_document
from docextract.store.corrections import form_corrections, reviewed_at
from docextract.store.forms import document_forms, form_id, load_form


def labelled(result: DocumentResult, name: str) -> DocumentResult:
    """The result as if read from a file called `name` rather than from `uploads/<sha256>`: its `source`
    and its record ids, as for any file."""
    result = named(result, name)
    forms = [form.model_copy(update={"id": record_id(name, n)}) for n, form in enumerate(result.forms, start=1)]
    return result.model_copy(update={"forms": forms})


def save_result(conn: sqlite3.Connection, sha256: str, size: int, name: str, result: DocumentResult) -> None:
    save_document(conn, sha256, size, [name], labelled(result, name))


def manifest_entry(conn: sqlite3.Connection, sha256: str) -> str | None:
    """'done', 'failed', or None when the content was never extracted."""
    row = conn.execute("SELECT status FROM manifest WHERE sha256 = ?", (sha256,)).fetchone()
    return row[0] if row else None


def document_error(conn: sqlite3.Connection, sha256: str) -> str | None:
    row = conn.execute("SELECT error FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
    return row[0] if row else None


def stored_form(conn: sqlite3.Connection, sha256: str, form_index: int) -> StoredForm | None:
    record = load_form(conn, sha256, form_index)
    return None if record is None else _api_form(conn, sha256, form_index, record)


def stored_forms(conn: sqlite3.Connection, sha256: str) -> list[StoredForm]:
    return [_api_form(conn, sha256, index, record) for index, record in document_forms(conn, sha256)]


def _api_form(conn: sqlite3.Connection, sha256: str, form_index: int, record: FormRecord) -> StoredForm:
    corrections = [CorrectionOut(**vars(c)) for c in form_corrections(conn, sha256, form_index)]
    return StoredForm(**record_json(record), form_id=form_id(sha256, form_index),
                      reviewed_at=reviewed_at(conn, sha256, form_index), corrections=corrections)
