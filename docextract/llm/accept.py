"""The accept rule: what the LLM proposes enters the record only when the document and the scorer agree.

A row patch is usable when every value parses under the contract's value rules and is printed in the
cells it cites: a number must be what a cited cell (or one of its lines) reads, a text must be part of
the cited cells' text and not one of the form's own labels. Usable patches are then tried on the record —
all together first, then each alone — and kept only when the record still validates, no source cell ends
up supplying two numbers (a budget cell cannot also be the 执行数), and the scorer's error count goes
strictly down. The LLM never decides. Whole-record answers: record_accept.py, on the same parts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from docextract import labels
from docextract.checks import Rules, check_record
from docextract.llm.request import short
from docextract.llm.response import RepairAnswer, RowPatch, field_path
from docextract.model import Cell, FormRecord
from docextract.repair.paths import get_value, numbers_of, with_value
from docextract.taxonomy import align_record
from docextract.values import clean_text, compact, nfkc, parse_measure, parse_number, try_number

_YEAR = re.compile(r"(19|20)\d\d")
_MEASURED = {"target": "target_parsed", "actual": "actual_parsed"}


class Unusable(ValueError):
    """A proposed value that the document does not support."""


@dataclass(frozen=True)
class Change:
    path: str
    old: Any
    new: Any
    cells: tuple[str, ...]
    reason: str


@dataclass
class Verdict:
    record: FormRecord  # the draft, or the draft with the accepted changes, re-checked
    accepted: list[Change] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # one line per refused patch, value or row
    added: list[int] = field(default_factory=list)  # indicator rows the LLM added (whole-record answers)

    @property
    def reason(self) -> str:
        return "; ".join(self.rejected)


def _number_in(value: float, cells: list[Cell]) -> bool:
    lines = [line for cell in cells for line in [cell.text, *cell.text.splitlines()]]
    return any(try_number(line) == value for line in lines)


def parse_value(path: str, printed: str, cells: list[Cell], numeric: bool) -> Any:
    """The contract value of `printed` for `path`, checked against the cells that are said to print it."""
    name = path.rsplit(".", 1)[-1]
    if numeric:
        try:
            value = parse_number(printed)
        except ValueError:
            raise Unusable(f"{path} = {printed!r} is not a number") from None
        if value is None:
            raise Unusable(f"{path}: a blank is not a value")
        if not _number_in(value, cells):
            raise Unusable(f"{path} = {printed!r} is not printed in {', '.join(c.id for c in cells)}")
        return value
    if name == "year":
        year = _YEAR.search(nfkc(printed))
        if year is None or year.group() not in compact("".join(c.text for c in cells)):
            raise Unusable(f"year {printed!r} is not printed in {', '.join(c.id for c in cells)}")
        return int(year.group())
    text = clean_text(printed)
    if text is None:
        raise Unusable(f"{path}: a blank is not a value")
    if labels.is_form_label(labels.key(text)):
        raise Unusable(f"{path} = {short(text, 30)!r} is a label the form prints, not a value")
    if compact(text) not in compact(clean_text("\n".join(c.text for c in cells))):
        raise Unusable(f"{path} = {short(text, 30)!r} is not the text of {', '.join(c.id for c in cells)}")
    return text


def changes_of(draft: FormRecord, patch: RowPatch, cells: Mapping[str, Cell]) -> list[Change]:
    numeric = {path for path, _ in numbers_of(draft)}
    changes = []
    for proposed in patch.values:
        path = field_path(patch.row, proposed.field)
        unknown = [cell for cell in proposed.cells if cell not in cells]
        if unknown:
            raise Unusable(f"{path}: cells {', '.join(unknown)} are not the form's")
        cited = [cells[cell] for cell in proposed.cells]
        new = parse_value(path, proposed.value, cited, path in numeric)
        old = get_value(draft, path)
        if new != old:
            changes.append(Change(path, old, new, tuple(proposed.cells), patch.reason))
    return changes


def apply(record: FormRecord, changes: list[Change], cells: Mapping[str, Cell]) -> FormRecord:
    """The record with the changes' values (parsed targets and actuals along) and their provenance."""
    provenance = dict(record.provenance)
    for change in changes:
        record = with_value(record, change.path, change.new)
        row, _, name = change.path.rpartition(".")
        if name in _MEASURED:
            record = with_value(record, f"{row}.{_MEASURED[name]}", parse_measure(change.new))
        if change.new is None:  # a misplaced value taken away
            provenance.pop(change.path, None)
        else:
            first = cells[change.cells[0]]
            provenance[change.path] = first.prov.of_cell(first.id)
    return record.model_copy(update={"provenance": provenance})


def settle(record: FormRecord, changed: set[str], rules: Rules) -> FormRecord:
    """The changed record validated, its cells each supplying one number, aligned and re-checked."""
    try:
        record = FormRecord.model_validate(record.model_dump())
    except ValidationError as exc:
        raise Unusable(f"the changed record does not validate: {exc.errors()[0]['msg']}") from None
    _one_number_per_cell(record, changed)
    return check_record(align_record(record), rules)


def _one_number_per_cell(record: FormRecord, changed: set[str]) -> None:
    supplied: dict[str, list[str]] = {}
    for path, value in numbers_of(record):
        prov = record.provenance.get(path)
        if value is not None and prov is not None and prov.cell:
            supplied.setdefault(prov.cell, []).append(path)
    for cell, paths in supplied.items():
        if len(paths) > 1 and changed & set(paths):
            raise Unusable(f"cell {cell} would supply {' and '.join(paths)}")


def judge(draft: FormRecord, answer: RepairAnswer, cells: Mapping[str, Cell], rules: Rules) -> Verdict:
    verdict = Verdict(draft)
    usable: list[list[Change]] = []
    for patch in answer.patches:
        try:
            changes = changes_of(draft, patch, cells)
        except Unusable as exc:
            verdict.rejected.append(str(exc))
            continue
        if changes:
            usable.append(changes)
    if not usable:
        return verdict
    if not _try(verdict, [c for changes in usable for c in changes], cells, rules) and len(usable) > 1:
        for changes in usable:  # together they fail: each row patch on its own merits
            _try(verdict, changes, cells, rules)
    return verdict


def _try(verdict: Verdict, changes: list[Change], cells: Mapping[str, Cell], rules: Rules) -> bool:
    before = len(verdict.record.errors())
    paths = ", ".join(c.path for c in changes)
    try:
        candidate = settle(apply(verdict.record, changes, cells), {c.path for c in changes}, rules)
    except Unusable as exc:
        verdict.rejected.append(f"{paths}: {exc}")
        return False
    after = len(candidate.errors())
    if after >= before:
        verdict.rejected.append(f"{paths}: errors {before} -> {after}, not fewer")
        return False
    verdict.record = candidate
    verdict.accepted += changes
    return True
