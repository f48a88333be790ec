"""Every amount, rate, 分值 and 得分 of the form is printed with at most the pack's decimals: a third
decimal is a misread (an inserted digit), even where no identity would notice it."""

from __future__ import annotations

from collections.abc import Iterator

from docextract.checks.funding import ROWS
from docextract.checks.numbers import decimals_of
from docextract.checks.rules import Rules
from docextract.model import Finding, FormRecord, FundingRow


def numbers_of(record: FormRecord) -> Iterator[tuple[str, float | None]]:
    """Every number of the form the checks vouch for: its field path and value."""
    yield "total_weight", record.total_weight
    yield "total_score", record.total_score
    for name in ROWS:
        row = getattr(record.funding, name)
        for field in FundingRow.model_fields:
            yield f"funding.{name}.{field}", getattr(row, field)
    for i, indicator in enumerate(record.indicators):
        yield f"indicators[{i}].weight", indicator.weight
        yield f"indicators[{i}].score", indicator.score


def check_precision(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    for path, value in numbers_of(record):
        if value is not None and decimals_of(value) > rules.decimals:
            yield rules.finding("precision", (
                f"{path} = {value!r} has more than the {rules.decimals} decimals the form prints"
            ), [path])
