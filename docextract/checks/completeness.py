"""Cells the form requires, no printed label where a value belongs, and a 偏差原因 exactly where points
were lost."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from docextract import labels
from docextract.checks.numbers import amount, dec
from docextract.checks.rules import Rules
from docextract.model import Finding, FormRecord

_EACH_INDICATOR = "indicators[]."


def _blank_paths(record: FormRecord, path: str) -> Iterator[str]:
    """The concrete paths of a rules-pack path whose value is blank; 'indicators[].x' covers every row."""
    if path.startswith(_EACH_INDICATOR):
        field = path.removeprefix(_EACH_INDICATOR)
        for i, indicator in enumerate(record.indicators):
            if _blank(getattr(indicator, field)):
                yield f"indicators[{i}].{field}"
        return
    value: Any = record
    for part in path.split("."):
        value = getattr(value, part)
    if _blank(value):
        yield path


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def check_required(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    for severity, paths in rules.required_fields.items():
        for path in paths:
            for blank in _blank_paths(record, path):
                yield Finding(check="required_field", severity=severity, message=f"{blank} is blank", cells=[blank])


LABEL_GROUPS = ("info", "funding_header", "funding_rows", "goal_header", "indicator_header")


@cache
def _printed_labels() -> frozenset[str]:
    """Every label the form prints (header cells, row labels, 总分, 评分等级), as `labels.key`s."""
    found = {labels.key(s) for group in LABEL_GROUPS for spellings in labels.spellings(group).values()
             for s in spellings}
    found |= {labels.key(s) for name in ("total", "grade") for s in labels.spellings(name)}
    return frozenset(found | {labels.key(labels.title())})


def check_label_values(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    """Why an error: an indicator named '绩效指标' or '三级指标' is a header cell read into the row, so the row
    is not the one the form printed (its own name was lost or it is the header itself), whatever its numbers."""
    printed = _printed_labels()
    for i, indicator in enumerate(record.indicators):
        if indicator.name and labels.key(indicator.name) in printed:
            yield rules.finding("label_as_value", (
                f"indicators[{i}] is named {indicator.name!r}, a label the form prints, not an indicator's name"
            ), [f"indicators[{i}].name"])


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
