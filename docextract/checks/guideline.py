"""The guideline's weight split (总分, budget 分值, level-1 groups): a template choice, hence a warning."""

from __future__ import annotations

from collections.abc import Iterator

from docextract.checks.numbers import amount, close, dec, total
from docextract.checks.rules import Rules
from docextract.model import Finding, FormRecord, Indicator
from docextract.taxonomy import align_category


def _level1(indicator: Indicator) -> str | None:
    match = indicator.level1_match or align_category(indicator.level1, 1)
    return match.canonical


def check_weight_split(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    split = rules.weight_split
    if record.total_weight is not None and not close(dec(record.total_weight), dec(split.total), rules):
        yield rules.finding("weight_split", (
            f"总分 分值 is {amount(record.total_weight)}; the guideline sets {amount(split.total)}"
        ), ["total_weight"])
    budget = record.funding.total.weight
    if budget is not None and not close(dec(budget), dec(split.budget), rules):
        yield rules.finding("weight_split", (
            f"budget 分值 is {amount(budget)}; the guideline sets {amount(split.budget)}"
        ), ["funding.total.weight"])
    if not record.indicators:
        return
    level1 = [_level1(indicator) for indicator in record.indicators]
    for group in split.level1_groups:
        rows = [i for i, label in enumerate(level1) if label in group.categories]
        weight = total([record.indicators[i].weight for i in rows])
        if not close(weight, dec(group.weight), rules):
            yield rules.finding("weight_split", (
                f"{' + '.join(group.categories)} 分值 add up to {amount(weight)}; "
                f"the guideline sets {amount(group.weight)}"
            ), [f"indicators[{i}].weight" for i in rows])
