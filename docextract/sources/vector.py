"""Born-digital pages: the table from the ruling lines the page draws, each cell's text from the characters
whose centres fall inside it (one text extraction per page, never `Table.extract()`)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import pymupdf

from docextract.grid import Box, Grid, Segment, build_grid
from docextract.model import TextLine
from docextract.sources.page_rows import PageText
from docextract.values import is_number

SNAP = 1.0  # pt: drawing jitter is below this; distinct rulings in real forms are >= 1.4 pt apart
THIN = 2.5  # pt: a filled rectangle thinner than this is drawn as a ruling
RUN_GAP = 0.15  # × font size: a wider gap between two characters of a span ends a run of text
_TEXT_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_MEDIABOX_CLIP


@dataclass(frozen=True)
class _Char:
    c: str
    bbox: Box
    size: float
    run: int  # characters drawn on in one go: a span's, with no gap or space between them

    @property
    def cx(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2


def vector_rulings(page: pymupdf.Page) -> tuple[list[Segment], list[Segment]]:
    """Horizontal and vertical segments the page strokes (lines, rectangle edges) or fills thinly."""
    horizontal: list[Segment] = []
    vertical: list[Segment] = []

    def add_line(x0: float, y0: float, x1: float, y1: float) -> None:
        if abs(y1 - y0) <= SNAP / 2:
            horizontal.append(Segment((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x1 - x0) <= SNAP / 2:
            vertical.append(Segment((x0 + x1) / 2, min(y0, y1), max(y0, y1)))

    def add_rect(r: pymupdf.Rect, stroked: bool, filled: bool) -> None:
        if stroked:
            add_line(r.x0, r.y0, r.x1, r.y0)
            add_line(r.x0, r.y1, r.x1, r.y1)
            add_line(r.x0, r.y0, r.x0, r.y1)
            add_line(r.x1, r.y0, r.x1, r.y1)
        elif filled and r.height < THIN <= r.width:
            horizontal.append(Segment((r.y0 + r.y1) / 2, r.x0, r.x1))
        elif filled and r.width < THIN <= r.height:
            vertical.append(Segment((r.x0 + r.x1) / 2, r.y0, r.y1))

    for drawing in page.get_drawings():
        stroked = "s" in drawing["type"] and not _white(drawing.get("color"))
        filled = "f" in drawing["type"] and not _white(drawing.get("fill"))
        for item in drawing["items"]:
            if item[0] == "l" and stroked:
                add_line(item[1].x, item[1].y, item[2].x, item[2].y)
            elif item[0] == "re":
                add_rect(item[1], stroked, filled)
            elif item[0] == "qu" and item[1].is_rectangular:
                add_rect(item[1].rect, stroked, filled)
    return horizontal, vertical


def lost_row_rulings(horizontal: list[Segment], vertical: list[Segment]) -> list[Segment]:
    """Horizontal rulings the page lost between two rows of different columns, told by the column rulings
    that end there: where two or more vertical rulings end at one height on no horizontal ruling, a row
    border runs there, from the nearest column ruling passing that height on the left of them to the
    nearest on the right (the row beyond it may merge those columns)."""
    columns = _joined(vertical)
    ends: list[tuple[float, float]] = []  # (y, x) of an end no horizontal ruling meets
    for x, spans in columns:
        for y in {end for span in spans for end in span}:
            if not any(abs(h.pos - y) <= SNAP and h.start - SNAP <= x <= h.end + SNAP for h in horizontal):
                ends.append((y, x))
    lost = []
    for group in _clusters(sorted(ends)):
        y = sum(e[0] for e in group) / len(group)
        xs = sorted({round(e[1], 1) for e in group})
        if len(xs) < 2:
            continue
        passing = [x for x, spans in columns if any(a + SNAP < y < b - SNAP for a, b in spans)]
        left = max((x for x in passing if x < xs[0]), default=xs[0])
        right = min((x for x in passing if x > xs[-1]), default=xs[-1])
        lost.append(Segment(y, left, right))
    return lost


def _joined(vertical: list[Segment]) -> list[tuple[float, list[tuple[float, float]]]]:
    """Vertical segments as (x, drawn spans) per ruling, pieces that meet joined."""
    columns: list[tuple[float, list[tuple[float, float]]]] = []
    for group in _clusters(sorted((s.pos, s.start, s.end) for s in vertical)):
        spans: list[tuple[float, float]] = []
        for _, start, end in sorted(group, key=lambda s: s[1]):
            if spans and start <= spans[-1][1] + SNAP:
                spans[-1] = (spans[-1][0], max(spans[-1][1], end))
            else:
                spans.append((start, end))
        columns.append((group[0][0], spans))
    return columns


def _clusters(items: list[tuple]) -> list[list[tuple]]:
    """Sorted tuples grouped where the first values lie within SNAP of the previous one."""
    groups: list[list[tuple]] = []
    for item in items:
        if groups and item[0] - groups[-1][-1][0] <= SNAP:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def read_vector_page(page: pymupdf.Page, page_no: int) -> PageText:
    horizontal, vertical = vector_rulings(page)
    horizontal += lost_row_rulings(horizontal, vertical)
    chars = _chars(page)
    text = _page_text(page_no, build_grid(horizontal, vertical, snap=SNAP), chars)
    stacked = stacked_row_rulings(text)
    if stacked:
        text = _page_text(page_no, build_grid(horizontal + stacked, vertical, snap=SNAP), chars)
    return text


def _page_text(page_no: int, grid: Grid | None, chars: list[_Char]) -> PageText:
    if grid is None:
        return PageText(page_no, None, loose_lines=_lines(chars))
    owner = _owners(grid)
    per_cell: list[list[_Char]] = [[] for _ in grid.cells]
    loose: list[_Char] = []
    run_cell: dict[int, int | None] = {}
    for ch in chars:
        r, c = bisect_right(grid.ys, ch.cy) - 1, bisect_right(grid.xs, ch.cx) - 1
        # text drawn on across a ruling (a long name overflowing its cell) stays where its run began
        i = run_cell.setdefault(ch.run, owner.get((r, c)))
        if i is None:
            i = owner.get((r, c))
        (loose if i is None else per_cell[i]).append(ch)
    return PageText(page_no, grid, cell_boxes=[cell.bbox for cell in grid.cells],
                    cell_lines=[_lines(cs) for cs in per_cell], loose_lines=_lines(loose))


def stacked_row_rulings(text: PageText) -> list[Segment]:
    """Row borders the page lost where a cell prints a bare number under another line: a number never
    wraps, so it begins a row of its own (a header row and the rows under it, or several rows, drawn as
    one). The border runs through the widest height between the two lines that no line of the other
    cells over that grid row crosses, across the row's single-row cells and the cell itself (a label
    merged over several rows keeps them)."""
    grid = text.grid
    if grid is None:
        return []
    out: list[Segment] = []
    for cell, lines in zip(grid.cells, text.cell_lines):
        for above, below in zip(lines, lines[1:]):
            if not (is_number(below.text) and above.bbox and below.bbox):
                continue
            r = min(max(bisect_right(grid.ys, (above.bbox[3] + below.bbox[1]) / 2) - 1, cell.row),
                    cell.row + cell.rowspan - 1)
            over = [(c, ls) for c, ls in zip(grid.cells, text.cell_lines) if c.row <= r < c.row + c.rowspan]
            free = _free_height(above.bbox[3], below.bbox[1], [line.bbox for _, ls in over for line in ls if line.bbox])
            if free is None:
                continue
            # a row border drawn beside the cell (its neighbours' rows) is the one it lost
            y = next((y for y in grid.ys if free[0] <= y <= free[1]), (free[0] + free[1]) / 2)
            if any(abs(y - s.pos) <= SNAP for s in out):
                continue
            cut = [c.bbox for c, _ in over if c.rowspan == 1 or c is cell]
            out.append(Segment(y, min(b[0] for b in cut), max(b[2] for b in cut)))
    return out


def _free_height(top: float, bottom: float, boxes: list[Box]) -> tuple[float, float] | None:
    """The widest height in (top, bottom) that no box covers, or None."""
    covered = sorted((max(b[1], top), min(b[3], bottom)) for b in boxes if b[1] < bottom and b[3] > top)
    found, at = None, top
    for y0, y1 in [*covered, (bottom, bottom)]:
        if y0 > at and (found is None or y0 - at > found[1] - found[0]):
            found = (at, y0)
        at = max(at, y1)
    return found


def _owners(grid: Grid) -> dict[tuple[int, int], int]:
    """(row, col) of every elementary grid cell -> index of the (possibly merged) cell covering it."""
    return {(r, c): i for i, cell in enumerate(grid.cells)
            for r in range(cell.row, cell.row + cell.rowspan) for c in range(cell.col, cell.col + cell.colspan)}


def _chars(page: pymupdf.Page) -> list[_Char]:
    chars, run = [], 0
    for block in page.get_text("rawdict", flags=_TEXT_FLAGS)["blocks"]:
        for line in block.get("lines", ()):
            if line["dir"][0] < 0.99:  # rotated text is no table content here
                continue
            for span in line["spans"]:
                prev = None
                for ch in span["chars"]:
                    box = tuple(ch["bbox"])
                    if prev is None or not _drawn_on(prev, ch["c"], box, span["size"]):
                        run += 1
                    prev = _Char(ch["c"], box, span["size"], run)
                    chars.append(prev)
    return chars


def _drawn_on(prev: _Char, c: str, box: Box, size: float) -> bool:
    """Whether a character continues the run of the one before it in its span: no space, no gap."""
    return not (c.isspace() or prev.c.isspace()) and box[0] - prev.bbox[2] <= RUN_GAP * size


def _lines(chars: list[_Char]) -> list[TextLine]:
    """Characters -> visual lines, top to bottom; a space where a gap inside a line is wide and the
    document did not print one."""
    rows: list[list[_Char]] = []
    for ch in sorted(chars, key=lambda ch: ch.cy):
        if rows and abs(ch.cy - rows[-1][-1].cy) <= 0.5 * max(ch.size, rows[-1][-1].size):
            rows[-1].append(ch)
        else:
            rows.append([ch])
    lines = []
    for row in rows:
        row.sort(key=lambda ch: ch.bbox[0])
        text = ""
        spans: list[list[float]] = []
        for prev, ch in zip([None, *row], row):
            if prev is not None and ch.bbox[0] - prev.bbox[2] > 0.3 * ch.size and not text.endswith(" "):
                text += " "
            if ch.c.isspace():
                text += "" if text.endswith(" ") else ch.c
                continue
            if not spans or text.endswith(" ") or not text:
                spans.append([ch.bbox[0], ch.bbox[2]])
            spans[-1][1] = ch.bbox[2]
            text += ch.c
        text = " ".join(text.split())
        if text:
            box = (min(ch.bbox[0] for ch in row), min(ch.bbox[1] for ch in row),
                   max(ch.bbox[2] for ch in row), max(ch.bbox[3] for ch in row))
            parts = tuple((round(a, 2), round(b, 2)) for a, b in spans)
            lines.append(TextLine(text=text, bbox=tuple(round(v, 2) for v in box),
                                  spans=parts if len(parts) == len(text.split(" ")) else ()))
    return lines


def _white(color: tuple | None) -> bool:
    return color is None or all(v > 0.95 for v in color)
