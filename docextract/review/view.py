"""What the review pages show, read from the store: the list of forms, and one form with each editable field's
value, the findings that point at it, where it was read, and its correction if a reviewer made one.

The same data serves the live page (`docextract serve`) and the static copy (`docextract review OUTDIR`);
`Links` says where each points.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docextract.model import Finding, FormRecord, Provenance
from docextract.model import FUNDING_COLUMNS, FUNDING_ROWS
from docextract.repair.paths import get_value
from docextract.review.fields import (GOAL_FIELDS, HEADER_FIELDS, INDICATOR_FIELDS, TOTAL_FIELDS, editable_paths,
                                     field_kind)
from docextract.review.labels import FUNDING_COLUMN_LABELS, FUNDING_ROW_LABELS, INDICATOR_COLUMN_LABELS, field_label
from docextract.review.pages import is_paged, page_sizes, text_lines
from docextract.store.corrections import corrected_forms, form_corrections, review_marks, reviewed_at
from docextract.store.forms import form_id, load_document, load_form

SEVERITY_RANK = {"error": 2, "warning": 1}  # info findings are listed but mark no field
TEXT_CONTEXT_LINES = 2


@dataclass(frozen=True)
class Links:
    """Where a page points: the server's routes, or the files of a static copy (relative paths)."""

    index: str
    assets: str  # the folder of review.js and review.css, with a trailing slash
    form: Callable[[str], str]  # form id -> its page
    page_image: Callable[[str, int], str]  # sha256, page -> its image


@dataclass(frozen=True)
class FormSummary:
    form_id: str
    source: str
    record_id: str | None
    project_name: str | None
    year: int | None
    status: str | None
    failed_checks: list[str]
    reviewed: bool
    corrected: bool


def form_summaries(conn: sqlite3.Connection) -> list[FormSummary]:
    """Every stored form, by document source and form order."""
    reviewed, corrected = review_marks(conn), corrected_forms(conn)
    rows = conn.execute(
        "SELECT f.sha256, f.form_index, d.source, f.id, f.project_name, f.year, f.status,"
        " (SELECT group_concat(DISTINCT x.check_name) FROM findings x WHERE x.sha256 = f.sha256"
        "  AND x.form_index = f.form_index AND x.severity = 'error')"
        " FROM forms f JOIN documents d USING (sha256) ORDER BY d.source, f.sha256, f.form_index")
    return [FormSummary(form_id(sha256, index), source, record_id, project, year, status,
                        sorted(checks.split(",")) if checks else [], (sha256, index) in reviewed,
                        (sha256, index) in corrected)
            for sha256, index, source, record_id, project, year, status, checks in rows]


def form_view(conn: sqlite3.Connection, sha256: str, form_index: int, source_file: Path | None,
              links: Links) -> dict[str, Any] | None:
    """The form page's data (JSON for review.js); None when there is no such form."""
    record = load_form(conn, sha256, form_index)
    document = load_document(conn, sha256)
    if record is None or document is None:
        return None
    corrections = {c.field: c for c in form_corrections(conn, sha256, form_index)}  # the latest of each field
    fields = {}
    for path in editable_paths(record):
        mark, messages = _marks(record.findings, path)
        correction = corrections.get(path)
        fields[path] = {
            "label": field_label(path), "kind": field_kind(path), "value": get_value(record, path),
            "mark": mark, "messages": messages, "prov": _provenance(record.provenance, path),
            "correction": correction and {"extracted": correction.extracted, "reviewer": correction.reviewer,
                                          "comment": correction.comment, "created_at": correction.created_at},
        }
    return {
        "form_id": form_id(sha256, form_index), "record_id": record.id, "source": document.source,
        "kind": record.source_kind, "status": record.status, "project_name": record.project_name,
        "reviewed_at": reviewed_at(conn, sha256, form_index), "index": links.index,
        "findings": [{"check": f.check, "severity": f.severity, "message": f.message,
                      "cells": [{"path": c, "label": field_label(c)} for c in f.cells]} for f in record.findings],
        "sections": _sections(record), "fields": fields,
        **_source_view(record, sha256, source_file, links),
    }


def _covers(cell: str, path: str) -> bool:
    """A finding naming `cell` concerns `path` (itself, or a field under it: `funding.total`, `indicators[3]`)."""
    return path == cell or path.startswith((cell + ".", cell + "["))


def _marks(findings: list[Finding], path: str) -> tuple[str | None, list[str]]:
    concerning = [f for f in findings if f.severity in SEVERITY_RANK and any(_covers(c, path) for c in f.cells)]
    worst = max(concerning, key=lambda f: SEVERITY_RANK[f.severity], default=None)
    return (worst and worst.severity), [f.message for f in concerning]


def _provenance(provenance: dict[str, Provenance], path: str) -> dict[str, Any] | None:
    """Where the field was read: its own entry, or that of the row it belongs to."""
    while path:
        if (prov := provenance.get(path)) is not None:
            return {"page": prov.page, "line": prov.line, "bbox": prov.bbox, "confidence": prov.confidence}
        path = path.rpartition(".")[0] if "." in path else path.rpartition("[")[0]
    return None


def _sections(record: FormRecord) -> list[dict[str, Any]]:
    """The form's layout: field lists and grids of field paths, in the printed order."""
    return [
        {"title": "项目", "fields": list(HEADER_FIELDS)},
        {"title": "项目资金", "columns": list(FUNDING_COLUMN_LABELS.values()),
         "rows": [{"label": FUNDING_ROW_LABELS[row], "fields": [f"funding.{row}.{c}" for c in FUNDING_COLUMNS]}
                  for row in FUNDING_ROWS]},
        {"title": "年度总体目标", "fields": list(GOAL_FIELDS)},
        {"title": "绩效指标", "columns": list(INDICATOR_COLUMN_LABELS.values()),
         "rows": [{"label": str(i + 1), "fields": [f"indicators[{i}].{part}" for part in INDICATOR_FIELDS]}
                  for i in range(len(record.indicators))]},
        {"title": "总分", "fields": list(TOTAL_FIELDS)},
    ]


def _source_view(record: FormRecord, sha256: str, source_file: Path | None, links: Links) -> dict[str, Any]:
    """Page images (with their size in points, for the boxes) or, for a text export, the form's lines."""
    if source_file is None:
        return {"pages": [], "lines": [], "source_missing": True}
    if is_paged(source_file):
        printed = {p.page for p in record.provenance.values() if p.page}
        first, last = record.pages or (min(printed, default=1), max(printed, default=1))
        sizes = page_sizes(source_file, range(first, last + 1))
        pages = [{"page": size.page, "width": size.width, "height": size.height,
                  "image": links.page_image(sha256, size.page)} for size in sizes]
        return {"pages": pages, "lines": [], "source_missing": False}
    read = [p.line for p in record.provenance.values() if p.line]
    if not read:
        return {"pages": [], "lines": [], "source_missing": False}
    lines = text_lines(source_file, max(1, min(read) - TEXT_CONTEXT_LINES), max(read) + TEXT_CONTEXT_LINES)
    return {"pages": [], "lines": [{"line": n, "text": text} for n, text in lines], "source_missing": False}
