"""One form as the LLM sees it for patches: its cell table, each cell with its id and the draft field it
supplies (or * when the mapper left it unplaced), the draft's blank fields and the failed checks. Also
the validation context for the answer and the cache key of the whole request (both request kinds)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from docextract.llm.prompt import Prompt
from docextract.llm.response import (FORM_FIELDS, FUNDING_FIELDS, FUNDING_ROWS, INDICATOR_FIELDS, RepairAnswer,
                                     field_path)
from docextract.model import Cell, FormRecord
from docextract.repair.paths import get_value
from docextract.settings import LLMSettings
from docextract.values import strip_debris

CELL_CHARS = 60  # longer cells (goal texts) are cut: the LLM needs to find cells, not read essays
MAX_FIELDS_PER_CELL = 2  # a merged category cell supplies level1 of many rows: "+3" says how many more
MAX_CITED_FIELDS = 6


@dataclass(frozen=True)
class FormRequest:
    messages: list[dict[str, str]]
    answer_model: type[BaseModel]  # RepairAnswer, or RecordAnswer for a whole-record request
    context: dict[str, Any]  # for the answer's validation: the form's cell ids and indicator rows
    max_tokens: int
    key: str  # hash of everything that decides the answer: prompt version, model, mode, messages, schema


def form_request(messages: list[dict[str, str]], answer_model: type[BaseModel], context: dict[str, Any],
                 max_tokens: int, prompt: Prompt, settings: LLMSettings) -> FormRequest:
    identity = {"prompt": prompt.version, "model": settings.model, "mode": settings.mode,
                "temperature": settings.temperature, "messages": messages,
                "schema": answer_model.model_json_schema()}
    key = hashlib.sha256(json.dumps(identity, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return FormRequest(messages, answer_model, context, max_tokens, key)


def build_request(record: FormRecord, rows: list[list[Cell]], prompt: Prompt, settings: LLMSettings) -> FormRequest:
    messages = prompt.render(cells=cell_table(rows, record), blanks=blanks(record), findings=failed_checks(record))
    context = {"cells": {c.id for row in rows for c in row}, "indicators": len(record.indicators)}
    return form_request(messages, RepairAnswer, context, settings.max_tokens, prompt, settings)


def short(text: str, limit: int) -> str:
    """One line of at most `limit` characters, without layout debris."""
    text = " ".join(strip_debris(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _fields_by_cell(record: FormRecord) -> dict[str, list[str]]:
    placed: dict[str, list[str]] = {}
    for path, prov in record.provenance.items():
        if prov.cell:
            placed.setdefault(prov.cell, []).append(path)
    return placed


def _draft_row(path: str) -> str:
    """'indicators[3].score' -> 'indicators[3]', 'funding.total.executed' -> 'funding.total', else 'form'."""
    head, _, _ = path.rpartition(".")
    return head or "form"


def _cell(cell: Cell, placed: dict[str, list[str]], unplaced: set[str], row: str) -> str:
    """'[L10c4=executed] 8.80': the field of the line's draft row the cell supplies (a full path when it
    belongs to another row); '[L10c4]*': not placed."""
    paths = [path.removeprefix(f"{row}.") for path in placed.get(cell.id, [])]
    shown = "=" + ",".join(paths[:MAX_FIELDS_PER_CELL]) if paths else ""
    more = f"+{len(paths) - MAX_FIELDS_PER_CELL}" if len(paths) > MAX_FIELDS_PER_CELL else ""
    mark = "*" if cell.id in unplaced else ""
    return f"[{cell.id}{shown}{more}]{mark} {short(cell.text, CELL_CHARS)}"


def cell_table(rows: list[list[Cell]], record: FormRecord) -> str:
    """The form's cells line by line, each with the draft field it supplies: the draft record, in place.
    A line whose cells feed one draft row starts with that row ("funding.total: …")."""
    placed, unplaced = _fields_by_cell(record), set(record.unplaced)
    lines = []
    for row in rows:
        cells = [c for c in row if c.text.strip()]
        if not cells:
            continue
        owners = Counter(_draft_row(path) for c in cells for path in placed.get(c.id, [])[:1])
        owner = owners.most_common(1)[0][0] if owners else "form"
        prefix = f"{owner}: " if owner != "form" else ""
        lines.append(prefix + " | ".join(_cell(c, placed, unplaced, owner) for c in cells))
    return "\n".join(lines)


def blanks(record: FormRecord) -> str:
    """The draft's blank contract fields, but for 偏差原因 (blank wherever no point was lost)."""
    paths = [field_path(row, field) for row, fields in _rows(record) for field in fields if field != "deviation"]
    return ", ".join(path for path in paths if get_value(record, path) is None) or "none"


def _rows(record: FormRecord) -> list[tuple[str, tuple[str, ...]]]:
    return [("form", FORM_FIELDS), *((row, FUNDING_FIELDS) for row in FUNDING_ROWS),
            *((f"indicators[{i}]", INDICATOR_FIELDS) for i in range(len(record.indicators)))]


def failed_checks(record: FormRecord) -> str:
    errors = record.errors()
    if not errors:
        return "none; the cells marked * were not placed in the draft"
    return "\n".join(f"- {f.check}: {f.message} ({_fields(f.cells)})" for f in errors)


def _fields(paths: list[str]) -> str:
    return ", ".join(paths[:MAX_CITED_FIELDS]) + (", …" if len(paths) > MAX_CITED_FIELDS else "")
