"""The 总分 row: Σ indicator 分值/得分 + budget 分值/得分 = 总分, and 0 ≤ 得分 ≤ 分值 on every row."""

from __future__ import annotations

from collections.abc import Iterator

from docextract.checks.numbers import amount, close, dec, total
from docextract.checks.rules import Rules
from docextract.model import Finding, FormRecord


def check_weight_total(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    yield from _column_total(record, rules, "weight", "分值", "total_weight", "weight_total")


def check_score_total(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    yield from _column_total(record, rules, "score", "得分", "total_score", "score_total")


def _column_total(record: FormRecord, rules: Rules, column: str, label: str, total_field: str,
                  check: str) -> Iterator[Finding]:
    printed = getattr(record, total_field)
    if printed is None:
        return
    rows = [getattr(indicator, column) for indicator in record.indicators]
    budget = getattr(record.funding.total, column)
    computed = total(rows) + total([budget])
    if close(computed, dec(printed), rules):
        return
    blanks = [f"indicators[{i}].{column}" for i, value in enumerate(rows) if value is None]
    blank_note = f" ({', '.join(blanks)} blank, counted as 0)" if blanks else ""
    yield rules.finding(check, (
        f"Σ indicator {label} {amount(total(rows))} + budget {label} {amount(budget)} = {amount(computed)} "
        f"but 总分 {label} prints {amount(printed)} (off by {amount(dec(printed) - computed)}){blank_note}"
    ), [total_field, f"funding.total.{column}", *(f"indicators[{i}].{column}" for i in range(len(rows)))])


def check_score_range(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    rows = [(f"indicators[{i}]", ind.weight, ind.score) for i, ind in enumerate(record.indicators)]
    rows.append(("funding.total", record.funding.total.weight, record.funding.total.score))
    for path, weight, score in rows:
        if score is None:
            continue
        if score < 0 or (weight is not None and dec(score) - dec(weight) > dec(rules.sum_tolerance)):
            yield rules.finding("score_range", (
                f"得分 {amount(score)} is outside 0 … 分值 {amount(weight)}"
            ), [f"{path}.score", f"{path}.weight"])


def check_category_points(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    """A category label printed with its points ('产出指标(70分)'): Σ 分值 of its rows should be them. A
    warning: real forms contradict themselves here, and the points are no value of the record."""
    for label, points in record.category_points.items():
        rows = [i for i, ind in enumerate(record.indicators) if label in (ind.level1, ind.level2)]
        weights = [record.indicators[i].weight for i in rows]
        if not rows or any(w is None for w in weights) or close(total(weights), dec(points), rules):
            continue
        yield rules.finding("category_points", (
            f"{label} prints {amount(points)} points but its rows' 分值 add up to {amount(total(weights))}"
        ), [f"indicators[{i}].weight" for i in rows])
