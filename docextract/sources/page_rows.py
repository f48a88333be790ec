"""One page's table grid and text lines -> rows of the shared cell table (the same for vector and scanned
pages): text above the table first, one row per grid row, then text below it."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import fmean

from docextract.grid import Box, Grid
from docextract.model import Cell, Provenance, Row, TextLine


@dataclass
class PageText:
    page: int  # 1-based
    grid: Grid | None
    cell_boxes: list[Box] = field(default_factory=list)  # grid.cells' boxes in PDF points
    cell_lines: list[list[TextLine]] = field(default_factory=list)  # per grid cell, top to bottom
    loose_lines: list[TextLine] = field(default_factory=list)  # outside the table, top to bottom


def page_rows(text: PageText, source: str) -> list[Row]:
    top = min(box[1] for box in text.cell_boxes) if text.cell_boxes else float("inf")
    above = [line for line in text.loose_lines if _middle(line) < top]
    below = [line for line in text.loose_lines if line not in above]
    width = text.grid.columns if text.grid else 1

    rows: list[Row] = []

    def add_row(cells: list[tuple[int, int, int, list[TextLine], Box | None]], outside: bool = False) -> None:
        r = len(rows)
        built = []
        for col, colspan, rowspan, lines, box in cells:
            cell_id = f"p{text.page}r{r}c{col}"
            confidences = [line.confidence for line in lines if line.confidence is not None]
            prov = Provenance(source=source, page=text.page, bbox=box, cell=cell_id,
                              confidence=round(fmean(confidences), 4) if confidences else None)
            built.append(Cell(id=cell_id, col=col, colspan=colspan, rowspan=rowspan,
                              text="\n".join(line.text for line in lines), prov=prov, lines=lines))
        rows.append(Row(cells=built, page=text.page, page_break_before=r == 0 and text.page > 1, outside=outside))

    for line in above:
        add_row([(0, width, 1, [line], line.bbox)], outside=True)
    if text.grid is not None:
        starts: dict[int, list[int]] = {}
        for i, cell in enumerate(text.grid.cells):
            starts.setdefault(cell.row, []).append(i)
        for r in range(text.grid.rows):
            add_row([(text.grid.cells[i].col, text.grid.cells[i].colspan, text.grid.cells[i].rowspan,
                      text.cell_lines[i], text.cell_boxes[i]) for i in starts.get(r, [])])
    for line in below:
        add_row([(0, width, 1, [line], line.bbox)], outside=True)
    return rows


def _middle(line: TextLine) -> float:
    return (line.bbox[1] + line.bbox[3]) / 2 if line.bbox else 0.0
