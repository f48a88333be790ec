"""Reviewed forms as gold records for `docextract eval`: one `NNN.json` per document (a JSON array of its forms'
contract fields, in document order), keyed as `eval` keys inputs: by the first 3-digit group of the name.

A gold file must hold every form of its document, as the document prints it, so a document is written only
when every one of its forms was marked reviewed (unless `include_unreviewed`); reviewers' corrections are in
the values, and listed in `notes` with what was extracted.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from docextract.evaluation.gold import gold_key
from docextract.model import FormRecord
from docextract.output import record_json
from docextract.store.corrections import Correction, form_corrections, review_marks
from docextract.store.forms import document_forms

CONTRACT_FIELDS = ("id", "year", "project_name", "department", "implementing_unit", "funding_unit", "funding",
                   "goal_expected", "goal_actual", "indicators", "total_weight", "total_score", "grade", "notes")
INDICATOR_CONTRACT = ("level1", "level2", "name", "target", "actual", "weight", "score", "deviation")


@dataclass
class GoldExport:
    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (document source, why)


def export_gold(conn: sqlite3.Connection, folder: Path, include_unreviewed: bool = False) -> GoldExport:
    report = GoldExport()
    reviewed = review_marks(conn)
    taken: dict[str, str] = {}  # gold key -> the source written under it
    for sha256, source in conn.execute("SELECT sha256, source FROM documents WHERE forms > 0 ORDER BY source"):
        forms = document_forms(conn, sha256)
        key = gold_key(Path(source).name)
        unreviewed = sum((sha256, index) not in reviewed for index, _ in forms)
        if key is None:
            report.skipped.append((source, "no 3-digit group in its name to name a gold file by"))
        elif unreviewed and not include_unreviewed:
            report.skipped.append((source, f"{unreviewed} of {len(forms)} forms not marked reviewed"))
        elif key in taken:
            report.skipped.append((source, f"{key}.json already holds {taken[key]}"))
        else:
            taken[key] = source
            records = [gold_record(record, form_corrections(conn, sha256, index)) for index, record in forms]
            path = folder / f"{key}.json"
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            report.written.append(path)
    return report


def gold_record(record: FormRecord, corrections: list[Correction]) -> dict:
    """The record's contract fields in the schema's order; `notes` adds each corrected field's story."""
    data = record_json(record)
    gold = {name: data[name] for name in CONTRACT_FIELDS}
    gold["indicators"] = [{name: row[name] for name in INDICATOR_CONTRACT} for row in data["indicators"]]
    latest = {c.field: c for c in corrections}
    notes = [f"review: {path} extracted {c.extracted!r}, corrected to {c.corrected!r}"
             + (f" ({c.comment})" if c.comment else "") for path, c in latest.items() if c.extracted != c.corrected]
    gold["notes"] = "; ".join(filter(None, [record.notes, *notes])) or None
    return gold
