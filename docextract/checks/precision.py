"""Every amount, rate, 分值 and 得分 of the form is printed with at most the pack's decimals: a third
decimal is a misread (an inserted digit), even where no identity would notice it. And a 执行率 printed
with fewer decimals than the form's other rates ('79.3' among '100.00' and '99.23') lost a digit the
identities may not notice (79.3 passes for 916,392.88/1,155,600.00 where 79.31 was printed)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from docextract.checks.funding import ROWS, exact_rate
from docextract.checks.numbers import dec, decimals_of
from docextract.checks.rules import Rules
from docextract.model import Finding, FormRecord, FundingRow


_SCALED = re.compile(r"^(funding\.\w+\.(execution_rate|weight|score)|indicators\[\d+\]\.(weight|score)|total_\w+)$")


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


def check_short_decimals(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    """The form prints its rates, 分值 and 得分 with one precision (the pack's decimals, or fewer)."""
    scale = [d for path, d in record.printed_decimals.items() if _SCALED.match(path)]
    most = max(scale, default=0)
    if sum(d == most for d in scale) < 2:
        return
    for name in ROWS:
        row: FundingRow = getattr(record.funding, name)
        path = f"funding.{name}.execution_rate"
        d = max(record.printed_decimals.get(path, most), decimals_of(row.execution_rate or 0))
        if row.execution_rate is not None and 0 < d < most and not _exact(row):  # '100' is printed so on purpose
            yield rules.finding("short_decimals", (
                f"{path} = {row.execution_rate!r} is printed with {d} decimal{'s' * (d > 1)} where the form "
                f"prints its rates, 分值 and 得分 with {most}: a digit may have been lost"), [path])


def _exact(row: FundingRow) -> bool:
    """A rate that is 全年执行数/全年预算数 exactly (0 of nothing spent, 100 of all of it) hides no lost
    digit: any digit more would break the execution_rate identity."""
    if not row.annual_budget:
        return row.execution_rate == 0 and not row.executed
    return exact_rate(row) == dec(row.execution_rate)


def check_precision(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    for path, value in numbers_of(record):
        if value is not None and decimals_of(value) > rules.decimals:
            yield rules.finding("precision", (
                f"{path} = {value!r} has more than the {rules.decimals} decimals the form prints"
            ), [path])
