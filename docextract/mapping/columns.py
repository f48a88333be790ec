"""Column roles of a table section, read from its header labels' column ranges.

A role owns the grid columns from its header cell up to the next role's header cell, so a value cell
counts wherever it sits under its label, whatever the grid's number of columns or a cell's span.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docextract import labels
from docextract.labels import key
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

    @classmethod
    def by_order(cls, cells: list[Cell], roles: list[str]) -> Columns | None:
        """Roles given to a row's cells (blank ones included) in order, aligned on the right: merged
        cells covering the row from above are missing on the left. For a page gridded on its own."""
        if not cells or len(cells) > len(roles):
            return None
        named = roles[-len(cells):]
        ends = [c.col for c in cells[1:]] + [OPEN_END]
        return cls(tuple((role, cell.col, end) for role, cell, end in zip(named, cells, ends)))

    @property
    def roles(self) -> list[str]:
        return [role for role, _, _ in self.spans]

    def complete_roles(self, group: str) -> list[str]:
        """The roles in the form's order, with those the header lost (a label misread) put back where
        they belong: every role of the group up to the header's last one, the heading roles ("绩效指标",
        "项目资金") aside. A column the form does not print after its last one stays absent."""
        canonical = [role for role in labels.roles_in(group) if role not in HEADING_ROLES]
        present = [canonical.index(role) for role in self.roles if role in canonical]
        if not present:
            return self.roles
        return canonical[:max(present) + 1]

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
