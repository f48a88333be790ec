"""Column roles of a table section, read from its header labels' column ranges.

A role owns the grid columns from its header cell up to the next role's header cell, so a value cell
counts wherever it sits under its label, whatever the grid's number of columns or a cell's span.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docextract import labels
from docextract.labels import key
from docextract.mapping.align import Column, Schema
from docextract.model import Cell, Row

OPEN_END = 10_000
HEADING_ROLES = ("section", "funding", "goal")  # labels of a whole block, not of a column of values


@dataclass(frozen=True)
class Columns:
    spans: tuple[tuple[str, int, int], ...]  # (role, first col, end col), left to right
    _memo: dict[tuple[int, int], str | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_header(cls, row: Row, group: str) -> tuple[Columns, list[Cell]]:
        """The roles of a header row and the header cells that named them."""
        starts: dict[str, int] = {}
        named = []
        for cell in row.nonblank():
            merged = roles_in_order(key(cell.text), group) if cell.colspan > 1 else []
            if len(merged) > 1:  # two headings in one cell: the ruling between them too faint to see
                for n, role in enumerate(merged[:cell.colspan]):
                    starts.setdefault(role, cell.col + n * cell.colspan // len(merged))
                named.append(cell)
                continue
            role = labels.role_of(key(cell.text), group)
            if role is not None and role not in starts:
                starts[role] = cell.col
                named.append(cell)
        ordered = sorted(starts.items(), key=lambda rc: rc[1])
        spans = tuple((role, col, ordered[n + 1][1] if n + 1 < len(ordered) else OPEN_END)
                      for n, (role, col) in enumerate(ordered))
        return cls(spans), named

    @property
    def roles(self) -> list[str]:
        return [role for role, _, _ in self.spans]

    def role_at(self, col: int, col_end: int) -> str | None:
        """The role whose columns the cell [col, col_end) overlaps most; None left of every role."""
        if (col, col_end) not in self._memo:
            self._memo[col, col_end] = self._overlapping(col, col_end)
        return self._memo[col, col_end]

    def _overlapping(self, col: int, col_end: int) -> str | None:
        best, best_overlap = None, 0
        for role, start, end in self.spans:
            overlap = min(end, col_end) - max(start, col)
            if overlap > best_overlap:
                best, best_overlap = role, overlap
        return best

    def role_of_cell(self, cell: Cell, shift: int = 0) -> str | None:
        return self.role_at(cell.col + shift, cell.col_end + shift)


def header_schema(row: Row, group: str) -> tuple[Schema, list[Cell]]:
    """The column schema a header row prints: its roles in printed order (those its labels lost put back
    where the form's grammar has them, headings of whole blocks left out), each with its header cell's
    grid columns and x-range in page points; and the header cells that named them."""
    places: dict[str, tuple[int, float | None]] = {}  # role -> (first col, left x)
    ends: list[tuple[int, float | None]] = []
    named = []
    for cell in row.nonblank():
        box = cell.prov.bbox
        merged = roles_in_order(key(cell.text), group) if cell.colspan > 1 else []
        roles = merged[:cell.colspan] if len(merged) > 1 else [labels.role_of(key(cell.text), group)]
        if roles == [None]:
            continue
        named.append(cell)
        for n, role in enumerate(roles):  # two headings in one cell: the ruling between them too faint to see
            if role not in places:
                col = cell.col + n * cell.colspan // len(roles)
                x = box[0] + n * (box[2] - box[0]) / len(roles) if box else None
                places[role] = (col, x)
        ends.append((cell.col_end, box[2] if box else None))
    ordered = sorted(((r, p) for r, p in places.items() if r not in HEADING_ROLES), key=lambda rp: rp[1][0])
    if not ordered:
        return Schema(()), named
    last_end = max(ends, key=lambda end: end[0])
    columns = []
    for n, (role, (col, x)) in enumerate(ordered):
        end_col, end_x = ordered[n + 1][1] if n + 1 < len(ordered) else last_end
        xs = (x, end_x) if x is not None and end_x is not None else None
        columns.append(Column(role, (col, max(col + 1, end_col)), xs))
    schema = Schema(tuple(columns))
    complete = tuple(_completed(schema.roles, group))
    return (schema.with_roles(complete) if complete != schema.roles else schema), named


def _completed(roles: tuple[str, ...], group: str) -> list[str]:
    """The printed roles with those a misread label lost put back: the standard roles before the first
    printed one, and those between two printed roles that keep their standard order."""
    canonical = [role for role in labels.roles_in(group) if role not in HEADING_ROLES]
    first = canonical.index(roles[0]) if roles and roles[0] in canonical else 0
    out: list[str] = [r for r in canonical[:first] if r not in roles]
    for role in roles:
        if out and role in canonical and out[-1] in canonical:
            a, b = canonical.index(out[-1]), canonical.index(role)
            out += [r for r in canonical[a + 1:b] if r not in roles]
        out.append(role)
    return out


def roles_in_order(k: str, group: str) -> list[str]:
    """The roles of a label group whose spellings a text holds whole, in the order it prints them
    ("年初预算数全年预算数": initial_budget, annual_budget); a spelling inside a longer one found
    ("财政拨款" in "当年财政拨款") counts once."""
    found: list[tuple[int, int, str]] = []  # (start, end, role)
    for role, spellings in labels.spellings(group).items():
        for spelling in sorted(spellings, key=len, reverse=True):
            at = k.find(spelling)
            if at >= 0:
                found.append((at, at + len(spelling), role))
                break
    found.sort(key=lambda f: (f[0], -f[1]))
    kept: list[tuple[int, int, str]] = []
    for start, end, role in found:
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, role))
    return [role for _, _, role in kept]
