"""Check-driven numeric repair: when the form's arithmetic fails, look for the one misread that explains it.

Every number an error finding of the arithmetic cites (findings on where texts landed are no number's)
is given each alternative one misread away (misreads.py); an alternative survives when the whole scorer then passes. Only a unique survivor is applied, as a Repair
with the old and the new value. None, or several, leave the record as read (several are named in an info
finding), unless the recognizer offered one of them as a runner-up reading of its cell
(`TextLine.doubts`). When no single edit clears the checks, one pair of such runner-ups (two misread
numbers) may. A document that printed a wrong number consistently — a rate that agrees with it, two rows that
agree — has no single edit that satisfies every check, so it stays flagged and unrepaired.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from docextract.checks import NUMBER_CHECKS as CHECKS
from docextract.checks import Rules, check_record, default_rules
from docextract.model import Cell, Finding, FormRecord, Repair
from docextract.mapping.cells import number_of
from docextract.reading.candidates import cell_doubts, readings
from docextract.repair.misreads import Edit, decimals, normalized, undo_misreads
from docextract.repair.paths import get_value, numbers_of, with_value
from docextract.values import try_number

AMBIGUOUS = "repair_ambiguous"
DOUBTED = 0.9  # recognizer confidence below which a reading is in doubt
SURE = 0.99  # ... and at or above which it is trusted
OFFERED_COST = math.log(50)  # a runner-up reading this much less likely than the text as read is none


@dataclass(frozen=True)
class Survivor:
    path: str
    old: float
    printed: str
    edit: Edit
    confidence: float | None
    warnings: int  # warning findings left once the edit is made
    offered: bool = False  # the recognizer read the cell so too, as a runner-up

    def describe(self) -> str:
        return f"{self.path} {self.printed} -> {self.edit.text} ({self.edit})"


def repair_record(record: FormRecord, cells: Mapping[str, Cell] | None = None,
                  rules: Rules | None = None) -> FormRecord:
    """The record with its one explainable misread undone and re-checked, or the record unchanged.
    `cells` (by id) give the printed text of each number; without them the value's shortest form is used."""
    rules = rules or default_rules()
    errors_by_check = {check: [f for f in check(record, rules) if f.severity == "error"] for check in CHECKS}
    errors = [f for found in errors_by_check.values() for f in found]
    suspects = _suspects(record, errors)
    if not suspects:
        return record
    failing = [check for check, found in errors_by_check.items() if found]
    survivors = []
    offers: dict[str, dict[float, Edit]] = {}
    for path in suspects:
        old = get_value(record, path)
        printed = _printed(record, path, old, cells or {})
        prov = record.provenance.get(path)
        offered = offers[path] = _offered(record, path, old, cells or {}, rules.decimals)
        edits = undo_misreads(printed, rules.decimals)
        edits += [e for value, e in offered.items() if all(value != known.value for known in edits)]
        for edit in edits:
            candidate = with_value(record, path, edit.value)
            # the checks that failed first (most candidates fail them again), stopping at the first error
            if any(f.severity == "error" for check in (*failing, *CHECKS) for f in check(candidate, rules)):
                continue
            warnings = sum(f.severity == "warning" for check in CHECKS for f in check(candidate, rules))
            survivors.append(Survivor(path, old, normalized(printed), edit, prov and prov.confidence, warnings,
                                      edit.value in offered))
    if not survivors:
        pair = _offered_pair(record, offers, failing, rules)
        if pair is None:
            return record
        first, second = pair
        return _apply(_apply(record, first, errors, rules), second, errors, rules, "the only pair of them that")
    chosen = _choose(survivors)
    if chosen is None:
        return _ambiguous(record, survivors)
    if len(survivors) > 1 and chosen.offered:
        return _apply(record, chosen, errors, rules, f"the recognizer's runner-up among {len(survivors)} misreads that")
    return _apply(record, chosen, errors, rules)


def _offered_pair(record: FormRecord, offers: dict[str, dict[float, Edit]], failing: list,
                  rules: Rules) -> tuple[Survivor, Survivor] | None:
    """Two numbers misread on one form, when no single edit clears the checks: the one pair of the
    recognizer's runner-up readings (never other edits) of two cited cells that makes every check pass."""
    found = []
    paths = [p for p in offers if offers[p]]
    for i, first in enumerate(paths):
        for second in paths[i + 1:]:
            for a in offers[first].values():
                for b in offers[second].values():
                    candidate = with_value(with_value(record, first, a.value), second, b.value)
                    if any(f.severity == "error" for check in (*failing, *CHECKS) for f in check(candidate, rules)):
                        continue
                    found.append(tuple(_offered_survivor(record, path, e) for path, e in ((first, a), (second, b))))
                    if len(found) > 1:
                        return None
    return found[0] if found else None


def _suspects(record: FormRecord, errors: list[Finding]) -> list[str]:
    """The printed numbers the error findings cite; none when some error cites no printed number (a blank
    field, a missing row), since no single edit of a number can clear it."""
    printed = {path for path, value in numbers_of(record) if value is not None}
    cited = [[path for path in f.cells if path in printed] for f in errors]
    if not errors or not all(cited):
        return []
    return sorted({path for paths in cited for path in paths})


def _offered_survivor(record: FormRecord, path: str, edit: Edit) -> Survivor:
    prov = record.provenance.get(path)
    old = get_value(record, path)
    return Survivor(path, old, _printed(record, path, old, {}), edit, prov and prov.confidence, 0, True)


def _offered(record: FormRecord, path: str, value: float, cells: Mapping[str, Cell],
             max_decimals: int) -> dict[float, Edit]:
    """The other numbers the recognizer read in the field's cell (its runner-up readings), as edits."""
    prov = record.provenance.get(path)
    cell = cells.get(prov.cell) if prov is not None and prov.cell else None
    if cell is None or number_of(cell.text) != value:
        return {}
    found: dict[float, Edit] = {}
    for reading in readings(cell.text, cell_doubts(cell))[1:]:
        number = number_of(reading.text)
        if (reading.cost > OFFERED_COST or number is None or number == value or number in found
                or decimals(normalized(reading.text)) > max_decimals):
            continue
        found[number] = Edit(normalized(reading.text), number,
                             f"the recognizer's runner-up reading {reading.text!r} (cost {reading.cost:.2f})")
    return found


def _printed(record: FormRecord, path: str, value: float, cells: Mapping[str, Cell]) -> str:
    prov = record.provenance.get(path)
    cell = cells.get(prov.cell) if prov is not None and prov.cell else None
    if cell is not None and try_number(cell.text) == value:
        return cell.text
    return str(int(value)) if value.is_integer() else repr(value)


def _choose(survivors: list[Survivor]) -> Survivor | None:
    """The unique survivor. Among several, the ones leaving the fewest warnings (a lost point with no
    偏差原因 is a warning the true reading does not leave); among those, the one reading the recognizer
    offered as a runner-up, else the reading the recognizer doubted when it trusted all the others."""
    if not survivors:
        return None
    fewest = min(s.warnings for s in survivors)
    best = [s for s in survivors if s.warnings == fewest]
    if len(best) == 1:
        return best[0]
    offered = [s for s in best if s.offered]
    if len(offered) == 1:
        return offered[0]
    doubted = [s for s in best if s.confidence is not None and s.confidence < DOUBTED]
    trusted = [s for s in best if s.confidence is not None and s.confidence >= SURE]
    if len(doubted) == 1 and len(doubted) + len(trusted) == len(best):
        return doubted[0]
    return None


def _apply(record: FormRecord, chosen: Survivor, errors: list[Finding], rules: Rules,
           only: str = "the only single misread that") -> FormRecord:
    cleared = ", ".join(sorted({f.check for f in errors}))
    doubt = "" if chosen.confidence is None else f", read with confidence {chosen.confidence:.2f}"
    reason = f"{chosen.edit}: {chosen.printed} -> {chosen.edit.text}{doubt}; {only} clears {cleared}"
    repaired = with_value(record, chosen.path, chosen.edit.value)
    repairs = [*record.repairs, Repair(field=chosen.path, old=chosen.old, new=chosen.edit.value, reason=reason)]
    return check_record(repaired.model_copy(update={"repairs": repairs}), rules)


def _ambiguous(record: FormRecord, survivors: list[Survivor]) -> FormRecord:
    finding = Finding(check=AMBIGUOUS, severity="info", message=(
        f"{len(survivors)} different single misreads would make every check pass, so none is applied: "
        + "; ".join(s.describe() for s in survivors[:5]) + ("; …" if len(survivors) > 5 else "")
    ), cells=sorted({s.path for s in survivors}))
    return record.model_copy(update={"findings": [*record.findings, finding]})
