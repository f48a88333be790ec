"""A row's cells -> column roles, by one global alignment over the row: the one place where a cell's
column is decided, for every source.

The column schema is data (`Schema`): the roles a form's table prints, in the order it prints them, each
with the place its header cell gives it (grid columns; an x-range in page points on PDF and scan pages).
`align_row` takes a row's text cells in reading order and assigns each to a role, or to none, by dynamic
programming over (cell, role). A cell costs how badly its content fits the role (`fit`: category
vocabulary, target/actual grammar, plain numbers, free text) plus how far it sits from the role's place;
a role no cell takes costs its skip price (none by default); a cell may continue the role of the cell
before it (a value split over two cells). Empty cells are gaps, never aligned: a lost or an extra empty
cell costs nothing. The cost of the best alignment says how well the row reads; a costly row is a
finding, not a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from docextract.model import Cell

UNPLACED = 4.0  # a cell that fits no role
CONTINUED = 1.2  # a cell that continues the role of the cell before it, beyond its own fit
SHIFT = 0.6  # per column the row's offset from the header changes between two neighbouring cells
OFFSET = 0.3  # per column the row's first cell sits away from its role's place
MAX_SHIFT = 3.0  # columns: a cell farther from its role's place costs as much as this
X_WEIGHT = 0.5  # an offset measured by x (page points) counts this much of one by grid column
SPANNED = 0.6  # of a column's width a cell must cover to run over it
CONTINUABLE = frozenset({"name", "target", "actual", "deviation"})


@dataclass(frozen=True)
class Column:
    role: str
    cols: tuple[int, int] | None = None  # grid columns [start, end) of the role's header cell(s)
    xs: tuple[float, float] | None = None  # x-range in page points, where the source has boxes


@dataclass(frozen=True)
class Schema:
    columns: tuple[Column, ...]  # left to right as printed
    _places: dict = field(default_factory=dict, compare=False, repr=False)  # a cell's place -> its offsets

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(c.role for c in self.columns)

    def offsets(self, cell: Cell) -> tuple[float | None, ...]:
        """The cell's offset from each role's place (`offset`), kept per place: rows repeat the places."""
        box = cell.prov.bbox
        place = (cell.col, cell.colspan, box and box[0], box and box[2])
        if place not in self._places:
            self._places[place] = tuple(self.offset(cell, k) for k in range(len(self.columns)))
        return self._places[place]

    def offset(self, cell: Cell, k: int) -> float | None:
        """How far the cell sits from role k's place, signed, in columns: 0 inside it. By x in page points
        where the cell and the schema have them (pages of one form keep their columns' places within a
        column width), else by grid column; None where the role has no place."""
        column = self.columns[k]
        if column.xs is not None and cell.prov.bbox is not None:
            x0, _, x1, _ = cell.prov.bbox
            lo, hi = column.xs
            centre = (x0 + x1) / 2
            if lo <= centre < hi:
                return 0.0
            # pages of one form may draw their columns a little wider or narrower: half weight
            return X_WEIGHT * ((centre - hi) / (hi - lo) + 0.5 if centre >= hi else (centre - lo) / (hi - lo) - 0.5)
        if column.cols is not None:
            start, end = column.cols
            if cell.col < end and cell.col_end > start:
                return 0.0
            return float(cell.col - end + 1) if cell.col >= end else float(cell.col_end - 1 - start)
        return None

    def with_roles(self, roles: tuple[str, ...]) -> Schema:
        """The schema for these roles, in this order: known places kept, the others without a place."""
        known = {c.role: c for c in self.columns}
        return Schema(tuple(known.get(role, Column(role)) for role in roles))


@dataclass(frozen=True)
class Aligned:
    roles: dict[str, str | None]  # cell id -> role (None: unplaced)
    cost: float

    def cells_of(self, cells: list[Cell]) -> dict[str, list[Cell]]:
        """role -> its cells in reading order."""
        out: dict[str, list[Cell]] = {}
        for cell in cells:
            role = self.roles.get(cell.id)
            if role is not None:
                out.setdefault(role, []).append(cell)
        return out


def align_row(cells: list[Cell], schema: Schema, fit: Callable[[str, tuple[str, ...]], tuple[float, ...]]) -> Aligned:
    """The cheapest assignment of the text cells (in reading order) to the schema's roles, in order.

    `fit(text, roles)` is the content cost of a cell's text under each role. A cell's place is its offset
    from its role's header column; what costs is a change of that offset from one placed cell to the
    next (a lost or an extra empty cell moves every later cell alike: one change), and the first placed
    cell's offset, a little."""
    roles = schema.roles
    fits = tuple(fit(c.text, roles) for c in cells)
    offsets = tuple(schema.offsets(c) for c in cells)
    placed, total = _best(fits, offsets, tuple(r in CONTINUABLE for r in roles))
    assigned: dict[str, str | None] = {c.id: None for c in cells}
    for i, j in placed:
        assigned[cells[i].id] = roles[j]
    return Aligned(assigned, total)


@lru_cache(maxsize=16384)  # rows of one shape (the same fits at the same places) recur in every form
def _best(fits: tuple[tuple[float, ...], ...], offsets: tuple[tuple[float | None, ...], ...],
          continuable: tuple[bool, ...]) -> tuple[tuple[tuple[int, int], ...], float]:
    """(cell, role) pairs of the cheapest alignment, and its cost."""
    n, m = len(fits), len(continuable)
    inf = float("inf")
    # best[i][j]: cells[:i+1] aligned, cell i placed at role j (the last placed so far)
    best = [[inf] * m for _ in range(n)]
    came: dict[tuple[int, int], tuple[int, int] | None] = {}
    for i in range(n):
        for j in range(m):
            here = offsets[i][j]
            value = UNPLACED * i + OFFSET * _size(here)
            previous = None
            for pi in range(max(0, i - 2), i):  # at most one cell left unplaced between two placed ones
                between = UNPLACED * (i - pi - 1)
                row, places = best[pi], offsets[pi]
                for pj in range(j + (pi == i - 1 and continuable[j])):
                    if row[pj] == inf:
                        continue
                    there = places[pj]
                    change = 0.0 if here is None or there is None else SHIFT * min(MAX_SHIFT, abs(here - there))
                    option = row[pj] + between + (CONTINUED if pj == j else 0.0) + change
                    if option < value:
                        value, previous = option, (pi, pj)
            best[i][j] = fits[i][j] + value
            came[i, j] = previous
    end = min(((best[i][j] + UNPLACED * (n - 1 - i), (i, j)) for i in range(n) for j in range(m)),
              default=(UNPLACED * n, None), key=lambda o: o[0])
    total, at = end
    placed = []
    while at is not None:
        placed.append(at)
        at = came[at]
    return tuple(placed), round(total, 3)


def _size(offset: float | None) -> float:
    return 0.0 if offset is None else min(MAX_SHIFT, abs(offset))


def gap_roles(cells: list[Cell], aligned: Aligned, schema: Schema) -> dict[str, str]:
    """Cell id -> role for the row's empty cells: the roles the alignment left between the text cells
    around each run of empty cells, given to the run's cells from the right (a run left of the first
    text cell misses the cells merged down from above on its left)."""
    roles = schema.roles
    index = {role: n for n, role in enumerate(roles)}
    out: dict[str, str] = {}
    run: list[Cell] = []
    before = -1
    for cell in [*cells, None]:
        role = aligned.roles.get(cell.id) if cell is not None else None
        if cell is not None and not cell.text.strip():
            run.append(cell)
            continue
        if cell is None or role is not None:
            after = index[role] if cell is not None else len(roles)
            free = roles[before + 1:after]
            for empty, free_role in zip(reversed(run), reversed(free)):
                out[empty.id] = free_role
            before = after if cell is not None else before
        run = []
    return out


def split_spanning(cells: list[Cell], schema: Schema) -> list[Cell]:
    """Cells whose text runs over several of the schema's columns (a ruling the page lost between them)
    cut into the text columns their lines print: the space-separated parts of the cell's lines, grouped
    where their x-ranges overlap (a wrapped text keeps its lines together, whatever widths this page
    gives its columns), each group one cell for the alignment to place. Cells within one column, and
    cells whose lines do not place their parts, stay as they are."""
    places = [c.xs for c in schema.columns if c.xs is not None]
    if len(places) < 2:
        return cells
    out: list[Cell] = []
    for cell in cells:
        box = cell.prov.bbox
        covered = [xs for xs in places
                   if box and min(box[2], xs[1]) - max(box[0], xs[0]) >= SPANNED * (xs[1] - xs[0])]
        if len(covered) < 2 or not cell.lines or not all(line.spans for line in cell.lines):
            out.append(cell)
            continue
        out.extend(_cut(cell))
    return out


def _cut(cell: Cell) -> list[Cell]:
    parts = sorted(((x0, x1, n, text) for n, line in enumerate(cell.lines)
                    for text, (x0, x1) in zip(line.text.split(" "), line.spans)), key=lambda p: p[0])
    columns: list[list[tuple[float, float, int, str]]] = []
    for part in parts:  # by left edge: a part overlapping the column so far joins it
        if columns and part[0] < max(p[1] for p in columns[-1]):
            columns[-1].append(part)
        else:
            columns.append([part])
    if len(columns) < 2:
        return [cell]
    _, y0, _, y1 = cell.prov.bbox
    pieces = []
    for k, found in enumerate(columns):
        lines: dict[int, list[str]] = {}
        for _, _, n, text in sorted(found, key=lambda p: (p[2], p[0])):
            lines.setdefault(n, []).append(text)
        box = (min(p[0] for p in found), y0, max(p[1] for p in found), y1)
        pieces.append(cell.model_copy(update={
            "id": f"{cell.id}#{k}", "text": "\n".join(" ".join(words) for words in lines.values()),
            "prov": cell.prov.model_copy(update={"bbox": box}), "lines": []}))
    return pieces
