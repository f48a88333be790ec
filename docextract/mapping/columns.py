"""Column roles of a table section, read from its header labels' column ranges.

A role owns the grid columns from its header cell up to the next role's header cell, so a value cell
counts wherever it sits under its label, whatever the grid's number of columns or a cell's span.
"""

from __future__ import annotations


from docextract import labels
from docextract.labels import key
from docextract.mapping.align import Column, Schema
from docextract.model import Cell, Row

HEADING_ROLES = ("section", "funding", "goal")  # labels of a whole block, not of a column of values
LEADING_ROLES = ("level1", "level2")  # the categories a table opens with: merged cells, their labels easily lost


def header_schema(row: Row, group: str) -> tuple[Schema, list[Cell]]:
    """The column schema a header row prints: its roles in printed order, each with its header cell's
    grid columns and x-range in page points (headings of whole blocks left out); and the header cells
    that named them. A label the recognizer spoiled leaves a cell no role reads: the role the form's
    grammar has between its neighbours takes that cell's place. A role with no cell at all is one the
    template does not print (no 分值 column) — except the categories the table opens with."""
    places: dict[str, tuple[int, float | None]] = {}  # role -> (first col, left x)
    ends: list[tuple[int, float | None]] = []
    named, unread = [], []
    for cell in row.nonblank():
        box = cell.prov.bbox
        merged = roles_in_order(key(cell.text), group) if cell.colspan > 1 else []
        roles = merged[:cell.colspan] if len(merged) > 1 else [labels.role_of(key(cell.text), group)]
        ends.append((cell.col_end, box[2] if box else None))
        if roles == [None]:
            unread.append(cell)
            continue
        named.append(cell)
        for n, role in enumerate(roles):  # two headings in one cell: the ruling between them too faint to see
            if role not in places:
                col = cell.col + n * cell.colspan // len(roles)
                x = box[0] + n * (box[2] - box[0]) / len(roles) if box else None
                places[role] = (col, x)
    places.update(_lost_labels(places, unread, group))
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
    canonical = [role for role in labels.roles_in(group) if role not in HEADING_ROLES]
    first = canonical.index(schema.roles[0]) if schema.roles[0] in canonical else 0
    leading = tuple(r for r in canonical[:first] if r not in places and r in LEADING_ROLES)
    return (schema.with_roles(leading + schema.roles) if leading else schema), named


def _lost_labels(places: dict[str, tuple[int, float | None]], unread: list[Cell],
                 group: str) -> dict[str, tuple[int, float | None]]:
    """Roles whose label was spoiled: between two printed roles in the grammar's order, the roles missing
    there take the unreadable header cells printed between them, in order."""
    canonical = [role for role in labels.roles_in(group) if role not in HEADING_ROLES]
    printed = sorted((p[0], role) for role, p in places.items() if role in canonical)
    found: dict[str, tuple[int, float | None]] = {}
    for (a_col, a), (b_col, b) in zip(printed, printed[1:]):
        i, j = canonical.index(a), canonical.index(b)
        missing = [r for r in canonical[i + 1:j] if r not in places]
        cells = [c for c in unread if a_col < c.col < b_col]
        for role, cell in zip(missing, cells):
            found[role] = (cell.col, cell.prov.bbox[0] if cell.prov.bbox else None)
    return found


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
