"""One form as the LLM sees it for a whole record: every cell of the form, row by row, with its id, its
box (x0,y0,x1,y1 in PDF points, for PDF and scanned pages) and its whole text, a line "page N" where a
page starts; then the checks the rule-based reading failed. No draft: the rules could not place this form,
so the LLM reads it afresh. Texts are not cut: a goal copied from a cut cell would be a cut goal."""

from __future__ import annotations

from docextract.llm.prompt import Prompt
from docextract.llm.record_answer import RecordAnswer
from docextract.llm.request import FormRequest, failed_checks, form_request
from docextract.model import Cell, FormRecord
from docextract.settings import LLMSettings
from docextract.values import strip_debris


def build_record_request(record: FormRecord, rows: list[list[Cell]], prompt: Prompt,
                         settings: LLMSettings) -> FormRequest:
    messages = prompt.render(cells=positioned_table(rows), findings=failed_checks(record))
    context = {"cells": {c.id for row in rows for c in row}}
    return form_request(messages, RecordAnswer, context, settings.record_max_tokens, prompt, settings)


def _cell(cell: Cell) -> str:
    box = f" {','.join(f'{v:.0f}' for v in cell.prov.bbox)}" if cell.prov.bbox else ""
    return f"[{cell.id}{box}] {' '.join(strip_debris(cell.text).split())}"


def positioned_table(rows: list[list[Cell]]) -> str:
    lines, page = [], None
    for row in rows:
        cells = [c for c in row if c.text.strip()]
        if not cells:
            continue
        if cells[0].prov.page is not None and cells[0].prov.page != page:
            page = cells[0].prov.page
            lines.append(f"page {page}")
        lines.append(" | ".join(_cell(c) for c in cells))
    return "\n".join(lines)
