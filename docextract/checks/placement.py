"""Text in the right column: the checks vouch for numbers, these for where the texts landed.

A row whose cells fit their columns badly (its alignment cost, `mapping/align.py`) or whose source could not
tell its cells apart (`Row.unsure`), a category that is no category of its level (a name or a level-2 label
read as 一级指标) or none of its 一级指标's, a target and an actual of which one is a measure and the other a
sentence (a name or a reason slid into the value columns): each is a text the form did not print in that
place, whatever the sums say.
"""

from __future__ import annotations

from collections.abc import Iterator

from docextract import labels, taxonomy
from docextract.checks.rules import Rules
from docextract.mapping.categories import short_form
from docextract.model import Finding, FormRecord, Measure
from docextract.values import compact

SENTENCE = 12  # characters: a target or actual longer than this, without a number, is a sentence


def check_alignment(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    for i, indicator in enumerate(record.indicators):
        cost = indicator.alignment_cost
        fields = [f"indicators[{i}].{field}" for field in ("name", "target", "actual", "weight", "score")]
        if cost is not None and cost >= rules.alignment_max_cost:
            yield rules.finding("alignment", (
                f"indicators[{i}]'s cells fit the table's columns badly (cost {cost:g}): a cell may sit in "
                "the wrong column"
            ), fields)
        if indicator.source_doubt:
            yield rules.finding("alignment", f"indicators[{i}]: {indicator.source_doubt}", fields)


def check_categories(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    for i, indicator in enumerate(record.indicators):
        for level in (1, 2):
            text = getattr(indicator, f"level{level}")
            if text is not None and not _category_of(compact(text), level):
                yield rules.finding("placement", (
                    f"indicators[{i}].level{level} reads {text!r}, no {'一' if level == 1 else '二'}级指标 of the "
                    "form's taxonomy: a cell of another column read as a category?"
                ), [f"indicators[{i}].level{level}"])
        parent, child = (taxonomy.align_category(indicator.level1, 1).canonical,
                         taxonomy.align_category(indicator.level2, 2).canonical)
        if parent and child and child not in taxonomy.level2_labels(parent):
            yield rules.finding("placement", (
                f"indicators[{i}] reads {child} under {parent}, where the taxonomy has no such 二级指标: a "
                "category cell of another row?"
            ), [f"indicators[{i}].level1", f"indicators[{i}].level2"])


def check_values(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    for i, indicator in enumerate(record.indicators):
        target, actual = indicator.target_parsed, indicator.actual_parsed
        for field, own, other in (("target", target, actual), ("actual", actual, target)):
            if _sentence(own) and _measured(other):
                yield rules.finding("placement", (
                    f"indicators[{i}].{field} reads {own.text!r} beside the measure {other.text!r}: a name or "
                    "a reason read into the value columns?"
                ), [f"indicators[{i}].target", f"indicators[{i}].actual"])


def _category_of(k: str, level: int) -> bool:
    """An official label of the level (printed with its points, short, or damaged within the taxonomy's
    fuzzy reach), or a label that names its own category (…指标)."""
    k = labels.points_of(k)[0]
    cats = labels.categories()
    if k in (cats.level1 if level == 1 else cats.level2) or short_form(k):
        return True
    if k in cats.terms:  # a label of the other level
        return False
    return taxonomy.align_category(k, level).canonical is not None or k.endswith(taxonomy.suffix())


def _sentence(measure: Measure | None) -> bool:
    return measure is not None and measure.value is None and len(compact(measure.text)) > SENTENCE \
        and not any(ch.isdigit() for ch in measure.text)


def _measured(measure: Measure | None) -> bool:
    return measure is not None and measure.value is not None
