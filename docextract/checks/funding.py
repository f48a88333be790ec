"""The 项目资金 block: 执行率 = 全年执行数/全年预算数 on every row, the budget 得分, the 其中 sub-rows
adding up to 年度资金总额, and spending within the budget."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from docextract.checks.numbers import (
    HUNDRED, MODE_WORDS, alternatives, amount, close, dec, matching_modes, percent, total,
)
from docextract.checks.rules import Rules
from docextract.model import Finding, FormRecord, FundingRow

ROWS = {"total": "年度资金总额", "appropriation": "当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}
SUB_ROWS = ("appropriation", "carryover", "other")
AMOUNTS = {"initial_budget": "年初预算数", "annual_budget": "全年预算数", "executed": "全年执行数"}


def _rows(record: FormRecord) -> Iterator[tuple[str, FundingRow]]:
    for name in ROWS:
        yield name, getattr(record.funding, name)


def exact_rate(row: FundingRow) -> Decimal | None:
    """全年执行数/全年预算数 in %, None when either is blank or the budget is 0."""
    if row.executed is None or not row.annual_budget:
        return None
    return dec(row.executed) / dec(row.annual_budget) * HUNDRED


def check_execution_rate(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    for name, row in _rows(record):
        if row.execution_rate is None or row.executed is None or row.annual_budget is None:
            continue
        cells = [f"funding.{name}.execution_rate", f"funding.{name}.executed", f"funding.{name}.annual_budget"]
        exact = exact_rate(row)
        if exact is None:  # a zero budget: only a zero rate is consistent
            if row.execution_rate != 0 or row.executed != 0:
                yield rules.finding("execution_rate", (
                    f"{ROWS[name]} 执行率 printed {percent(row.execution_rate)} with 全年执行数 "
                    f"{amount(row.executed)} against a 全年预算数 of 0"
                ), cells)
            continue
        modes = matching_modes(row.execution_rate, exact, rules)
        quotient = f"{amount(row.executed)}/{amount(row.annual_budget)} = {percent(exact, 4)}"
        if not modes:
            yield rules.finding("execution_rate", (
                f"{ROWS[name]} 执行率 printed {percent(row.execution_rate)} but 全年执行数/全年预算数 = "
                f"{quotient}, which prints as {alternatives(exact, rules)}"
            ), cells)
        elif "half_up" not in modes:
            yield rules.finding("rate_rounding", (
                f"{ROWS[name]} 执行率 printed {percent(row.execution_rate)} is {quotient} "
                f"{' or '.join(MODE_WORDS[mode] for mode in modes)}, not rounded half-up"
            ), cells)


def check_mixed_rounding(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    """A form's rates come from one calculation, so they round one way: 97.77 % (truncated) on one row next
    to 97.78 % (rounded) on another for the same 8.80/9.00 means one of them was misread."""
    modes: dict[str, set[str]] = {}
    for name, row in _rows(record):
        exact = exact_rate(row)
        if row.execution_rate is None or exact is None:
            continue
        matching = set(matching_modes(row.execution_rate, exact, rules))
        if matching and len(matching) < len(rules.rounding_modes):  # rows every mode prints alike say nothing
            modes[name] = matching
    if len(modes) > 1 and not set.intersection(*modes.values()):
        rows = "; ".join(
            f"{ROWS[name]} {percent(getattr(record.funding, name).execution_rate)} "
            f"({', '.join(MODE_WORDS[mode] for mode in sorted(found))})" for name, found in modes.items()
        )
        yield rules.finding("rate_rounding_mixed", f"执行率 rows round in incompatible ways: {rows}",
                            [f"funding.{name}.execution_rate" for name in modes])


def check_budget_score(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    """得分 = min(执行率, cap) × 分值; forms compute it from the printed rate or from the amounts, so both count."""
    row = record.funding.total
    if row.score is None or row.weight is None:
        return
    rates = {basis: rate for basis, rate in (
        ("printed rate", None if row.execution_rate is None else dec(row.execution_rate)),
        ("amounts", exact_rate(row)),
    ) if rate is not None}
    cap = dec(rules.execution_rate_cap)
    expected = {basis: min(rate, cap) * dec(row.weight) / HUNDRED for basis, rate in rates.items()}
    if not expected or any(matching_modes(row.score, value, rules) for value in expected.values()):
        return
    derivations = "; ".join(
        f"from the {basis}: min({percent(rates[basis], 4)}, {percent(cap)}) × {amount(row.weight)} = {value:.4f}, "
        f"which prints as {alternatives(value, rules)}" for basis, value in expected.items()
    )
    yield rules.finding("budget_score", f"budget 得分 printed {amount(row.score)} but {derivations}", [
        "funding.total.score", "funding.total.weight", "funding.total.execution_rate",
        "funding.total.executed", "funding.total.annual_budget",
    ])


def check_subrows(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    for column, label in AMOUNTS.items():
        printed = getattr(record.funding.total, column)
        parts = [getattr(getattr(record.funding, name), column) for name in SUB_ROWS]
        if printed is None or all(part is None for part in parts):
            continue
        computed = total(parts)
        if close(computed, dec(printed), rules):
            continue
        terms = " + ".join(f"{ROWS[name]} {amount(part)}" for name, part in zip(SUB_ROWS, parts))
        yield rules.finding("funding_subrows", (
            f"{label}: {terms} = {amount(computed)} but {ROWS['total']} prints {amount(printed)}"
        ), [f"funding.{name}.{column}" for name in ROWS])


def check_over_budget(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    """Why an error: 全年预算数 is the year's adjusted budget and 预算法 第十三条 allows no spending beyond
    it, so an overrun means the form or its reading is wrong (often a slipped digit: exactly 10×)."""
    for name, row in _rows(record):
        if row.executed is None or row.annual_budget is None:
            continue
        if dec(row.executed) - dec(row.annual_budget) <= dec(rules.sum_tolerance):
            continue
        rate = exact_rate(row)
        share = f" ({percent(rate)} of it{_slipped_digit_hint(rate)})" if rate is not None else ""
        yield rules.finding("over_budget", (
            f"{ROWS[name]} 全年执行数 {amount(row.executed)} exceeds 全年预算数 {amount(row.annual_budget)}{share}: "
            f"spending beyond the adjusted annual budget is not allowed (预算法 第十三条)"
        ), [f"funding.{name}.executed", f"funding.{name}.annual_budget"])


def _slipped_digit_hint(rate: Decimal) -> str:
    ratio = rate / HUNDRED
    return f", exactly {ratio:.0f}×: a slipped digit or decimal point?" if ratio in (10, 100, 1000) else ""
