"""Cells the form requires, and a 偏差原因 exactly where points were lost."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docextract.checks.numbers import amount, dec
from docextract.checks.rules import Rules
from docextract.model import Finding, FormRecord

_EACH_INDICATOR = "indicators[]."


def _values(record: FormRecord, path: str) -> Iterator[tuple[str, Any]]:
    """(concrete path, value) for a rules-pack path; 'indicators[].x' expands to every indicator row."""
    if path.startswith(_EACH_INDICATOR):
        field = path.removeprefix(_EACH_INDICATOR)
        for i, indicator in enumerate(record.indicators):
            yield f"indicators[{i}].{field}", getattr(indicator, field)
        return
    value: Any = record
    for part in path.split("."):
        value = getattr(value, part)
    yield path, value


def check_required(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    for severity, paths in rules.required_fields.items():
        for path in paths:
            for concrete, value in _values(record, path):
                if value is None or value == "" or value == []:
                    yield Finding(check="required_field", severity=severity,
                                  message=f"{concrete} is blank", cells=[concrete])


def check_deviation(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    for i, indicator in enumerate(record.indicators):
        if indicator.weight is None or indicator.score is None:
            continue
        lost = dec(indicator.weight) - dec(indicator.score) > dec(rules.sum_tolerance)
        name = indicator.name or f"indicators[{i}]"
        scored = f"{name} scored {amount(indicator.score)} of {amount(indicator.weight)}"
        cells = [f"indicators[{i}].deviation", f"indicators[{i}].score"]
        if lost and not indicator.deviation:
            yield rules.finding("deviation_missing", f"{scored} without a 偏差原因分析及改进措施", cells)
        elif not lost and indicator.deviation:  # the reason may say the target was missed (002-03)
            yield rules.finding("deviation_on_full_score", (
                f"{scored}, full marks, yet its 偏差原因 reads {indicator.deviation!r}"
            ), cells)
