"""Shared by the PDF-source and grid tests: gold values, what the cells hold, a text-free OCR stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from docextract.model import CellTable, Row
from docextract.ocr import Recognized
from docextract.values import try_number

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLES = FIXTURES / "samples"


def gold_form(form_id: str) -> dict:
    forms = json.loads((FIXTURES / "gold" / f"{form_id[:3]}.json").read_text(encoding="utf-8"))
    return next(f for f in forms if f["id"] == form_id)


def gold_numbers(form: dict) -> list[float]:
    """Every number of the funding block, the indicator rows and the totals."""
    numbers = [v for row in form["funding"].values() for v in row.values() if v is not None]
    numbers += [v for ind in form["indicators"] for v in (ind["weight"], ind["score"]) if v is not None]
    return numbers + [v for v in (form["total_weight"], form["total_score"]) if v is not None]


def cell_numbers(rows: Iterable[Row]) -> set[float]:
    """The numbers the cells print, one per cell line ('99.59%' -> 99.59)."""
    found = set()
    for row in rows:
        for cell in row.cells:
            for line in cell.text.split("\n"):
                value = try_number(line.replace("%", ""))
                if value is not None:
                    found.add(round(value, 4))
    return found


def share_found(numbers: Sequence[float], rows: Iterable[Row]) -> float:
    found = cell_numbers(rows)
    return sum(round(v, 4) in found for v in numbers) / len(numbers)


def page_rows(table: CellTable, page: int) -> list[Row]:
    return [row for row in table.rows if row.page == page]


def structure(rows: Iterable[Row]) -> list[list[tuple[int, int, int]]]:
    """(col, colspan, rowspan) of every cell, row by row: the grid without its text."""
    return [[(c.col, c.colspan, c.rowspan) for c in row.cells] for row in rows]


def table_structure(table: CellTable, page: int) -> list[list[tuple[int, int, int]]]:
    """The structure of the table's own rows (text above and below it left out)."""
    return [s for s, row in zip(structure(page_rows(table, page)), page_rows(table, page)) if not _loose(row)]


def _loose(row: Row) -> bool:
    cell = row.cells[0] if len(row.cells) == 1 else None
    return bool(cell and cell.lines and cell.prov.bbox == cell.lines[0].bbox)


class NoText:
    """An OCR engine that reads nothing: for tests of the grid alone, at no recognition cost."""

    name = "none"

    def recognize_lines(self, images: Sequence[np.ndarray]) -> list[Recognized]:
        return [Recognized("", 0.0) for _ in images]
