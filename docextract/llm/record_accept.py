"""The accept rule for a whole record: the same parts as for patches (accept.py), value by value.

Every value of the answer is judged alone: it must be printed in the cells it cites, under the contract's
value rules, and not be one of the form's labels. Each answer row is the draft's row whose own cells
(name to deviation; category cells are merged cells that many rows share) it cites most, or else a row
the draft lacks, which is added where its cells stand in the form when it prints its name. The usable
values then enter together — or, when together they raise the error count, group by group (the form's
fields, each funding row, each indicator row) — and stay only where no cell supplies two numbers and the
scorer's error count does not rise. A blank in the answer never blanks a value and no row is dropped;
but a draft text read from a cell that an accepted value cites for another row goes (it was misplaced)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from docextract.checks import Rules
from docextract.llm.accept import Change, Unusable, Verdict, apply, parse_value, settle
from docextract.llm.rows import with_rows
from docextract.model import FORM_FIELDS, FUNDING_COLUMNS, FUNDING_ROWS, INDICATOR_FIELDS, Cell, FormRecord, Indicator
from docextract.repair.paths import get_value
from docextract.values import parse_measure

OWN_CELLS = ("name", "target", "actual", "weight", "score", "deviation")  # an indicator row's own cells
NUMERIC = frozenset(FUNDING_COLUMNS) | {"total_weight", "total_score"}  # by field name (weight, score …)
DISPLACEABLE = frozenset(name for name in (*FORM_FIELDS, *INDICATOR_FIELDS)
                         if name not in NUMERIC and name not in ("year", "level1", "level2"))


@dataclass(frozen=True)
class Group:
    """Usable values that enter the record together or not at all."""

    label: str
    values: tuple[tuple[str, Any, tuple[str, ...]], ...]  # (path, or an indicator column; value; cells)
    row: int | None = None  # the draft's indicator row it changes
    added_at: int | None = None  # an added indicator row: the index in source_rows of its first own cell


def judge_record(draft: FormRecord, answer: BaseModel, cells: Mapping[str, Cell], rules: Rules) -> Verdict:
    verdict = Verdict(draft)
    groups = [*_form_groups(draft, answer, cells, verdict.rejected),
              *_row_groups(draft, answer, cells, verdict.rejected)]
    if not groups:
        return verdict
    before = len(draft.errors())
    if not _try(verdict, draft, groups, "the answer", cells, rules, before) and len(groups) > 1:
        kept: list[Group] = []
        for group in groups:  # together they fail: each group on its own merits, on top of those kept
            if _try(verdict, draft, [*kept, group], group.label, cells, rules, len(verdict.record.errors())):
                kept.append(group)
    return verdict


def _usable(path: str, cited: Any, cells: Mapping[str, Cell], numeric: bool,
            rejected: list[str]) -> tuple[Any, tuple[str, ...]] | None:
    if cited is None:
        return None
    try:
        return parse_value(path, cited.value, [cells[c] for c in cited.cells], numeric), tuple(cited.cells)
    except Unusable as exc:
        rejected.append(str(exc))
        return None


def _form_groups(draft: FormRecord, answer: BaseModel, cells: Mapping[str, Cell],
                 rejected: list[str]) -> list[Group]:
    parts = [("form", [(name, getattr(answer, name)) for name in FORM_FIELDS])]
    parts += [(f"funding.{row}", [(f"funding.{row}.{column}", getattr(getattr(answer.funding, row), column))
                                  for column in FUNDING_COLUMNS]) for row in FUNDING_ROWS]
    groups = []
    for label, proposed in parts:
        values = []
        for path, cited in proposed:
            usable = _usable(path, cited, cells, path.rsplit(".", 1)[-1] in NUMERIC, rejected)
            if usable is not None and usable[0] != get_value(draft, path):
                values.append((path, *usable))
        if values:
            groups.append(Group(label, tuple(values)))
    return groups


def _own_cells(draft: FormRecord, i: int) -> set[str]:
    return {cell for _, cell in _own_places(draft, i)}


def _own_places(draft: FormRecord, i: int) -> set[tuple[str, str]]:
    """(column, cell) of the row's own cells: a row is the one whose cells an answer cites for the same
    columns (a cell misread into another column of a draft row, its 偏差原因, says nothing of the row)."""
    provenance = ((column, draft.provenance.get(f"indicators[{i}].{column}")) for column in OWN_CELLS)
    return {(column, prov.cell) for column, prov in provenance if prov is not None and prov.cell}


def _row_groups(draft: FormRecord, answer: BaseModel, cells: Mapping[str, Cell],
                rejected: list[str]) -> list[Group]:
    own = [_own_places(draft, i) for i in range(len(draft.indicators))]
    source_row = {cell: r for r, ids in enumerate(draft.source_rows) for cell in ids}
    matched: set[int] = set()
    groups = []
    for j, row in enumerate(answer.indicators):
        cited = {(column, cell) for column in OWN_CELLS if getattr(row, column) for cell in getattr(row, column).cells}
        overlap, i = max(((len(cited & cells_of), i) for i, cells_of in enumerate(own)), default=(0, None))
        if overlap and i in matched:
            rejected.append(f"answer row {j + 1} cites the cells of indicators[{i}] again")
            continue
        label = f"indicators[{i}]" if overlap else f"answer row {j + 1}"
        values = []
        for column in INDICATOR_FIELDS:
            usable = _usable(f"{label}.{column}", getattr(row, column), cells, column in NUMERIC, rejected)
            if usable is not None and (not overlap or usable[0] != getattr(draft.indicators[i], column)):
                values.append((column, *usable))
        if overlap:
            matched.add(i)
            if values:
                groups.append(Group(label, tuple(values), row=i))
        elif any(column == "name" for column, _, _ in values):
            first = min((source_row.get(cell, len(source_row)) for column, _, cited_cells in values
                         if column in OWN_CELLS for cell in cited_cells))
            groups.append(Group(f"added {label}", tuple(values), added_at=first))
        elif values:
            rejected.append(f"{label}: an added row must print its name (三级指标)")
    return groups


def _try(verdict: Verdict, draft: FormRecord, groups: list[Group], label: str, cells: Mapping[str, Cell],
         rules: Rules, before: int) -> bool:
    try:
        candidate, changes, added = _built(draft, groups, cells)
        candidate = settle(candidate, {c.path for c in changes}, rules)
    except Unusable as exc:
        verdict.rejected.append(f"{label}: {exc}")
        return False
    after = len(candidate.errors())
    if after > before:
        verdict.rejected.append(f"{label}: errors {before} -> {after}, more")
        return False
    verdict.record, verdict.accepted, verdict.added = candidate, changes, added
    return True


def _position(draft: FormRecord, source_row: Mapping[str, int]) -> list[int]:
    """Each draft indicator row's place in the form: the source row of its first own cell (or of the row
    before it, when it has none)."""
    places, last = [], -1
    for i in range(len(draft.indicators)):
        rows = [source_row[cell] for cell in _own_cells(draft, i) if cell in source_row]
        last = min(rows) if rows else last
        places.append(last)
    return places


def _built(draft: FormRecord, groups: list[Group], cells: Mapping[str, Cell]) -> tuple[
        FormRecord, list[Change], list[int]]:
    """The draft with the groups' values: rows added in document order, every path renumbered."""
    source_row = {cell: r for r, ids in enumerate(draft.source_rows) for cell in ids}
    # sorted by (place, added?, order): a row added at the place of a draft row goes after it
    rows = [((place, 0, i), indicator) for i, (place, indicator) in
            enumerate(zip(_position(draft, source_row), draft.indicators, strict=True))]
    added = [g for g in groups if g.added_at is not None]
    rows += [((g.added_at, 1, k), _new_row(g)) for k, g in enumerate(added)]
    rows.sort(key=lambda row: row[0])
    new_index = {i: new for new, ((_, is_added, i), _) in enumerate(rows) if not is_added}
    added_index = {k: new for new, ((_, is_added, k), _) in enumerate(rows) if is_added}
    record = with_rows(draft, [indicator for _, indicator in rows], new_index)
    changes = []
    for group in groups:
        if group.row is not None:
            prefix = f"indicators[{new_index[group.row]}]."
        elif group.added_at is not None:
            prefix = f"indicators[{added_index[next(k for k, g in enumerate(added) if g is group)]}]."
        else:
            prefix = ""
        for path, value, cited in group.values:
            full = prefix + path
            old = None if group.added_at is not None else get_value(record, full)
            changes.append(Change(full, old, value, cited, f"whole record, {group.label}"))
    changes += _displaced(record, changes)
    built = apply(record, changes, cells)
    answered = {int(c.path[len("indicators["):c.path.index("]")]) for c in changes if c.path.startswith("indicators[")}
    built.indicators = [ind.model_copy(update={"alignment_cost": None}) if k in answered else ind
                        for k, ind in enumerate(built.indicators)]  # what the answer read: no alignment's cost
    return built, changes, sorted(added_index.values())


def _row(path: str) -> str:
    return path.rpartition(".")[0] or "form"


def _displaced(record: FormRecord, changes: list[Change]) -> list[Change]:
    """Blanks for the draft's texts read from a cell that the answer reads into another row: a row merged
    into the one above (a lost ruling) left its text there. Category cells are shared by rows: kept."""
    cited = {cell: change.path for change in changes for cell in change.cells}
    changed = {change.path for change in changes}
    blanks = []
    for path, prov in record.provenance.items():
        other = cited.get(prov.cell) if prov.cell else None
        if (other is not None and path.rsplit(".", 1)[-1] in DISPLACEABLE and path not in changed
                and _row(other) != _row(path)):
            blanks.append(Change(path, get_value(record, path), None, (prov.cell,),
                                 f"whole record: cell {prov.cell} is {other}"))
    return blanks


def _new_row(group: Group) -> Indicator:
    values = {column: value for column, value, _ in group.values}
    return Indicator(**values, target_parsed=parse_measure(values.get("target")),
                     actual_parsed=parse_measure(values.get("actual")))
