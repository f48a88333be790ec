"""`docextract review OUTDIR --apply FILE`: store what reviewers did on a static copy (the page's download:
`{"entries": [{form_id, corrections: [{field, value}], reviewer, comment} | {form_id, reviewed: true, reviewer}]}`),
in order, each entry as the live page would have (corrections re-check the form)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from docextract.review.correct import correct_form
from docextract.review.fields import FieldError
from docextract.store.corrections import FormNotFoundError, mark_reviewed
from docextract.store.forms import parse_form_id


class PendingCorrection(BaseModel):
    field: str
    value: str | float | None


class PendingEntry(BaseModel):
    form_id: str
    corrections: list[PendingCorrection] = Field(default_factory=list)
    reviewed: bool = False
    reviewer: str | None = None
    comment: str | None = None


class PendingFile(BaseModel):
    entries: list[PendingEntry]


class PendingFileError(ValueError):
    """A file that is not a review page's download."""


def apply_pending(conn: sqlite3.Connection, path: Path) -> tuple[int, list[str]]:
    """Store the file's entries; returns how many were stored and why the others were not."""
    try:
        pending = PendingFile.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as exc:
        raise PendingFileError(f"{path}: not a review corrections file ({exc.__class__.__name__})") from None
    stored, problems = 0, []
    for number, entry in enumerate(pending.entries, start=1):
        key = parse_form_id(entry.form_id)
        try:
            if key is None:
                raise FormNotFoundError(f"{entry.form_id!r} is not a form id")
            if entry.corrections:
                correct_form(conn, *key, {c.field: c.value for c in entry.corrections}, entry.reviewer, entry.comment)
            if entry.reviewed:
                mark_reviewed(conn, *key, entry.reviewer)
            stored += 1
        except (FormNotFoundError, FieldError) as exc:
            problems.append(f"entry {number}: {exc}")
    return stored, problems
