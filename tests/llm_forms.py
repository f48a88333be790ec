"""Forms for the LLM tests: one seed form alone, damaged the way real variants damage the rules' reading
(cells moved off their column, labels the grammar does not know), the settings that point the stage at a
test endpoint, and the whole-record answer a capable model gives: each value as the cell prints it, cited
by the cells the undamaged form's rules read it from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from llm_server import ScriptedEndpoint

from docextract.llm import refine_records
from docextract.mapping.forms import split_forms
from docextract.model import FORM_FIELDS, FUNDING_COLUMNS, FUNDING_ROWS, INDICATOR_FIELDS, Cell, CellTable, FormRecord
from docextract.repair.paths import get_value, numbers_of
from docextract.settings import LLMSettings
from docextract.values import compact

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "seeds"


def numbers(record: FormRecord) -> dict[str, float | None]:
    return dict(numbers_of(record))


def form_table(table: CellTable, index: int, change: Callable[[Cell], Cell] | None = None) -> CellTable:
    """Form `index` of the table alone, each cell passed through `change`."""
    rows = [row.model_copy(update={"cells": [change(c) if change else c for c in row.cells]})
            for row in split_forms(table.rows)[index]]
    return table.model_copy(update={"rows": rows})


def detached(table: CellTable, cell_id: str) -> CellTable:
    """The table with one cell taken out of its row into a row of its own just below: a ruling the scan
    lost, or an export that wrapped the cell onto a line of its own."""
    rows = []
    for row in table.rows:
        cell = next((c for c in row.cells if c.id == cell_id), None)
        if cell is None:
            rows.append(row)
            continue
        rows.append(row.model_copy(update={"cells": [c for c in row.cells if c.id != cell_id]}))
        rows.append(row.model_copy(update={"cells": [cell]}))
    return table.model_copy(update={"rows": rows})


def relabelled(texts: dict[str, str]) -> Callable[[Cell], Cell]:
    """Cells printing other words (cell id -> text): a template's labels the grammar does not know."""
    return lambda c: c.model_copy(update={"text": texts[c.id]}) if c.id in texts else c


def settings(endpoint: str, tmp_path: Path | None = None, **changes) -> LLMSettings:
    return replace(LLMSettings(base_url=endpoint, timeout=5, retries=1, cache_dir=str(tmp_path / "cache")
                               if tmp_path else None, extra_body={"cache_prompt": False}), **changes)


def refine_with(script: list, table: CellTable, records: list[FormRecord], tmp_path: Path | None = None,
                **changes) -> tuple[list[FormRecord], ScriptedEndpoint]:
    with ScriptedEndpoint(script) as endpoint:
        return refine_records(records, table, settings(endpoint.base_url, tmp_path, **changes)), endpoint


def _printed(record: FormRecord, path: str, table: CellTable) -> dict[str, Any] | None:
    value, prov = get_value(record, path), record.provenance.get(path)
    if value is None or prov is None or not prov.cell:
        return None
    cells = {c.id: c for row in table.rows for c in row.cells}
    ids = [prov.cell]
    if isinstance(value, float):
        return {"value": cells[prov.cell].text.strip(), "cells": ids}
    # a category cut by a page break goes on in the same column further down: cite those cells too
    column = cells[prov.cell].col
    below = [cell for ids_ in record.source_rows for cell in ids_ if cells[cell].col == column
             and cells[cell].text.strip()]
    following = iter(below[below.index(prov.cell) + 1:])
    while compact(str(value)) not in compact("".join(cells[i].text for i in ids)):
        ids.append(next(following))
    return {"value": str(value), "cells": ids}


def whole_answer(record: FormRecord, table: CellTable) -> dict[str, Any]:
    """The whole record a capable model gives for the form `record` was read from (table: the form's)."""
    answer: dict[str, Any] = {name: _printed(record, name, table) for name in FORM_FIELDS}
    answer["funding"] = {row: {column: _printed(record, f"funding.{row}.{column}", table)
                               for column in FUNDING_COLUMNS} for row in FUNDING_ROWS}
    answer["indicators"] = [{column: _printed(record, f"indicators[{i}].{column}", table)
                             for column in INDICATOR_FIELDS} for i in range(len(record.indicators))]
    return answer
