"""The guideline's weight split (budget 分值, level-1 groups): a template choice, hence a warning; and its
总分 of 100, the scale the grade bands are written on, hence an error."""

from __future__ import annotations

from collections.abc import Iterator

from docextract.checks.numbers import amount, close, dec, total
from docextract.checks.rules import Rules
from docextract.model import Finding, FormRecord, Indicator
from docextract.taxonomy import align_category


def _level1(indicator: Indicator) -> str | None:
    match = indicator.level1_match or align_category(indicator.level1, 1)
    return match.canonical


def check_score_scale(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    """Why an error, when the split is a warning: the pack's 评分等级 bands (优 ≥ 90 …) are points out of the
    guideline's 总分, so a form scored out of anything else cannot be graded by them; a 总分 分值 of 180 is a
    misread (or a misread made to fit a misread row), not a scale."""
    total_weight, scale = record.total_weight, rules.weight_split.total
    if total_weight is not None and not close(dec(total_weight), dec(scale), rules):
        yield rules.finding("score_scale", (
            f"总分 分值 is {amount(total_weight)}, but the form scores out of {amount(scale)} (the scale of its "
            f"评分等级 bands)"
        ), ["total_weight"])


def check_weight_split(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    split = rules.weight_split
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
