"""A reviewer's corrections stored, and the stored form replaced by the extracted record with the latest
correction of each field, re-checked: exports, the API and the review page all show the reviewed values, and
nothing extracted is lost (`form_originals`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from docextract.model import FormRecord
from docextract.repair.paths import get_value
from docextract.review.fields import coerce
from docextract.review.recheck import corrected_record
from docextract.store.corrections import add_corrections, form_corrections, original_record
from docextract.store.forms import replace_form
from docextract.store.write import transaction


def correct_form(conn: sqlite3.Connection, sha256: str, form_index: int, changes: Mapping[str, Any],
                 reviewer: str | None = None, comment: str | None = None) -> FormRecord:
    """Store `changes` (field path -> value as typed) and return the form's corrected, re-checked record.

    Raises FormNotFoundError, or FieldError (before storing anything) for a path or a value that does not fit."""
    with transaction(conn):
        original = original_record(conn, sha256, form_index)
        values = {path: coerce(original, path, value) for path, value in changes.items()}
        add_corrections(conn, sha256, form_index, [(path, get_value(original, path), value)
                                                   for path, value in values.items()], reviewer, comment)
        latest = {c.field: c for c in form_corrections(conn, sha256, form_index)}  # later rows win
        record = corrected_record(original, {path: c.corrected for path, c in latest.items()},
                                  {path: c.reason() for path, c in latest.items()})
        replace_form(conn, sha256, form_index, record)
    return record
