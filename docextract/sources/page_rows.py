"""One page's table grid and text lines -> rows of the shared cell table (the same for vector and scanned
pages): text above the table first, one row per grid row, then text below it."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import fmean

from docextract.grid import Box, Grid
from docextract.model import Cell, Provenance, Row, TextLine
from docextract.values import is_dash, is_number


BLOCK_GAP = 1.5  # of a line's height: a wider gap between two lines of a cell parts two texts
NUMBER_GAP = 0.5  # a number never wraps: one this far below the line above it begins a text of its own


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
        for cells in _table_rows(text):
            add_row(cells)
    for line in below:
        add_row([(0, width, 1, [line], line.bbox)], outside=True)
    return rows


def _lost_rulings(cells: list[list[TextLine]]) -> list[float]:
    """Heights inside one grid row where the page lost a ruling between two rows of the table. A number
    never wraps, and one cell never holds two: where two or more of the row's cells each print a number
    right below a gap between their lines, or one cell prints several numbers, a row of the table begins
    in such a gap: at a height no line of the row's cells crosses where there is one (texts sit centred
    in their rows, so a wrapped text of the row above may reach into the gap), else in its middle (a
    merged label centred over both rows crosses it)."""
    gaps = []  # (top, bottom, whether the cell prints several numbers)
    for lines in cells:
        stacked = sum(is_number(line.text) for line in lines) >= 2
        gaps += [(above.bbox[3], below.bbox[1], stacked) for above, below in zip(lines, lines[1:])
                 if above.bbox and below.bbox and (is_number(below.text) or is_dash(below.text))]
    gaps.sort()
    groups: list[list[tuple[float, float, bool]]] = []
    for gap in gaps:  # the gaps of several cells at one height: they overlap
        if groups and gap[0] < min(g[1] for g in groups[-1]):
            groups[-1].append(gap)
        else:
            groups.append([gap])
    extents = sorted((line.bbox[1], line.bbox[3]) for lines in cells for line in lines if line.bbox)
    cuts = []
    for group in groups:
        if len(group) < 2 and not group[0][2]:
            continue
        lo, hi = max(g[0] for g in group), min(g[1] for g in group)
        free = _free(lo, hi, extents)
        if free:
            lo, hi = max(free, key=lambda f: f[1] - f[0])
        cuts.append((lo + hi) / 2)
    return cuts


def _free(lo: float, hi: float, extents: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The parts of lo..hi no extent covers."""
    out, at = [], lo
    for top, bottom in extents:
        if bottom <= at or top >= hi:
            continue
        if top > at:
            out.append((at, top))
        at = max(at, bottom)
    if at < hi:
        out.append((at, hi))
    return out


def _table_rows(text: PageText) -> list[list[tuple[int, int, int, list[TextLine], Box | None]]]:
    """The table's rows, each as (col, colspan, rowspan, lines, box) cells: one per grid row, or more where
    the page lost a ruling across the row (`_lost_rulings`); a merged cell holding the texts of several
    merged cells whose rulings were lost is parted into them (`_label_runs`)."""
    grid = text.grid
    starts: dict[int, list[int]] = {}
    for i, cell in enumerate(grid.cells):
        starts.setdefault(cell.row, []).append(i)
    rows: list[tuple[int, float | None, float | None]] = []  # (grid row, top, bottom) in PDF points
    for r in range(grid.rows):
        single = [i for i in starts.get(r, []) if grid.cells[i].rowspan == 1 and text.cell_boxes[i]]
        top = text.cell_boxes[single[0]][1] if single else None
        bottom = text.cell_boxes[single[0]][3] if single else None
        edges = [top, *_lost_rulings(_row_lines(text, r, top, bottom)), bottom]
        rows += [(r, a, b) for a, b in zip(edges, edges[1:])]
    first_of = {}
    for n, (r, _, _) in enumerate(rows):
        first_of.setdefault(r, n)
    table: list[list] = [[] for _ in rows]
    for i, cell in enumerate(grid.cells):
        lines, box = text.cell_lines[i], text.cell_boxes[i]
        start = first_of[cell.row]
        end = first_of.get(cell.row + cell.rowspan, len(rows))
        crossed = any(line.bbox and line.bbox[1] < rows[n][1] < line.bbox[3]
                      for line in lines for n in range(start + 1, end))
        if cell.rowspan == 1 and end - start > 1 and not crossed:  # cut with its row: each part takes its lines
            for n in range(start, end):
                _, top, bottom = rows[n]
                part = [line for line in lines if top <= _middle(line) < bottom]
                table[n].append((cell.col, cell.colspan, 1, part, box and (box[0], top, box[2], bottom)))
            continue
        for first, span, part in _label_runs(lines, box, [top for _, top, _ in rows[start:end]]):
            table[start + first].append((cell.col, cell.colspan, span, part, box if span == end - start else
                                         box and (box[0], rows[start + first][1], box[2], box[3])))
    return [sorted(cells, key=lambda c: c[0]) for cells in table]


def _row_lines(text: PageText, r: int, top: float | None, bottom: float | None) -> list[list[TextLine]]:
    """Per cell over grid row r, its lines printed in that row; of a cell merged over several rows only its
    numbers (where the ruling below a row was lost, such a cell holds the numbers of several; a label's
    lines are centred over all its rows and tell none apart)."""
    if top is None or bottom is None:
        return []
    return [[line for line in lines if top <= _middle(line) < bottom and
             (cell.rowspan == 1 or is_number(line.text) or is_dash(line.text))]
            for cell, lines in zip(text.grid.cells, text.cell_lines) if cell.row <= r < cell.row + cell.rowspan]


def _label_runs(lines: list[TextLine], box: Box | None,
                tops: list[float | None]) -> list[tuple[int, int, list[TextLine]]]:
    """A cell over len(tops) rows as (first row, rows, lines) parts. Where the page lost the rulings between
    merged cells of one column, one cell holds several texts, each centred in the rows it labels: the
    texts are told apart by the gaps between them (a narrower one before a number), and each one's rows are those around its centre."""
    whole = [(0, len(tops), lines)]
    if len(tops) < 2 or box is None or None in tops or not all(line.bbox for line in lines):
        return whole
    blocks: list[list[TextLine]] = []
    for line in sorted(lines, key=_middle):
        gap, height = line.bbox[1] - blocks[-1][-1].bbox[3] if blocks else 0.0, line.bbox[3] - line.bbox[1]
        if blocks and gap <= (NUMBER_GAP if is_number(line.text) else BLOCK_GAP) * height:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    if not blocks:
        return whole
    firsts, edge = [0], box[1]
    for block in blocks:  # a text centred in its rows: they end as far below its centre as they begin above
        edge = 2 * (block[0].bbox[1] + block[-1].bbox[3]) / 2 - edge
        first = min(range(1, len(tops) + 1), key=lambda n: abs((tops[n] if n < len(tops) else box[3]) - edge))
        if first <= firsts[-1] or first == len(tops):  # no rows left below this text
            break
        firsts.append(first)
        edge = tops[first]
    if len(firsts) < len(blocks) or len(firsts) == 1:
        return whole
    texts = blocks + [[]] * (len(firsts) - len(blocks))  # rows below the last text: a cell of their own, empty
    return [(first, end - first, text) for first, end, text in zip(firsts, [*firsts[1:], len(tops)], texts)]


def _middle(line: TextLine) -> float:
    return (line.bbox[1] + line.bbox[3]) / 2 if line.bbox else 0.0
