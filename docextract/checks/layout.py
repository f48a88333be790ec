"""The form's grammar of the 项目资金 block: which cells a row prints at all, whatever the numbers.

Identities cannot see a cell that was misread as blank where the document printed 0.00 (a blank counts as 0,
so every sum still holds), nor a dash read as a digit in a cell no identity uses. The form's own layout can:

- only 年度资金总额 carries 分值 and 得分; the 其中 rows print '-' or nothing there (`subrow_score`);
- a row that prints anything prints its 全年预算数, a printed 执行率 stands on a printed 全年执行数, a
  sub-row with a budget says how much of it was spent, and a nonzero total amount has a breakdown to add
  up (`funding_blank`);
- rows in the same situation print the same cells: the sub-rows without a budget alike, the sub-rows with
  one alike, and a cell a sub-row without a budget bothers to print (a 0.00 rate) is printed on the sub-rows
  with one and on 年度资金总额 (`funding_blank`). The 2023 template leaves 全年执行数 and 执行率 of its
  zero-budget sub-rows blank and the 2024 one prints 0.00 in every cell: both are consistent, a mixture
  within one form is a misread;
- 年初预算数 and 全年预算数 of a row never share their digits at a power-of-ten scale (`amount_scale`):
  145.08 against 145,080 is a thousands comma read as a decimal point (or a slipped digit), which no
  identity sees when both rows were misread alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from docextract.checks.funding import AMOUNTS, ROWS, SUB_ROWS
from docextract.checks.numbers import amount, dec
from docextract.checks.rules import Rules
from docextract.model import Finding, FormRecord, FundingRow

CELLS = {**AMOUNTS, "execution_rate": "执行率"}  # the columns every row may print, in column order
SCORED = {"weight": "分值", "score": "得分"}


def _row(record: FormRecord, name: str) -> FundingRow:
    return getattr(record.funding, name)


def _printed(row: FundingRow) -> set[str]:
    return {column for column in CELLS if getattr(row, column) is not None}


def _value(row: FundingRow, column: str) -> str:
    value = getattr(row, column)
    return "blank" if value is None else (f"{value:.2f} %" if column == "execution_rate" else amount(value))


def check_subrow_score(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    """Why an error: the sub-rows' 分值/得分 cells are blank by the form's design (the budget is scored once,
    on 年度资金总额), so a number there is a misread dash or stamp and the record is not what was printed."""
    for name in SUB_ROWS:
        row = _row(record, name)
        for column, label in SCORED.items():
            value = getattr(row, column)
            if value is not None:
                yield rules.finding("subrow_score", (
                    f"{ROWS[name]} {label} reads {amount(value)}, but only {ROWS['total']} carries 分值 and 得分 "
                    f"(the 其中 rows print '-' or nothing there): a misread dash or mark?"
                ), [f"funding.{name}.{column}"])


def check_funding_blanks(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    """Why an error: a blank counts as 0 in every identity, so a printed 0.00 read as blank (or a cell the
    reader lost) passes them all; where the form's own layout says the cell is printed, the blank is a
    misread. Each blank cell is reported once, citing only itself: no edit of a printed number fills it."""
    reported: set[str] = set()
    for path, message in _blank_cells(record, rules):
        if path not in reported:
            reported.add(path)
            yield rules.finding("funding_blank", message, [path])


def _blank_cells(record: FormRecord, rules: Rules) -> Iterator[tuple[str, str]]:
    total = record.funding.total
    subs = {name: _row(record, name) for name in SUB_ROWS}
    printed = {name: _printed(row) for name, row in subs.items()}

    for column, label in AMOUNTS.items():  # a nonzero total with no breakdown: the sum cannot be checked
        if getattr(total, column) and not any(column in cells for cells in printed.values()):
            yield f"funding.appropriation.{column}", (
                f"{ROWS['total']} {label} is {amount(getattr(total, column))} but no 其中 row "
                f"({'/'.join(ROWS[n] for n in SUB_ROWS)}) prints one: the breakdown that adds up to it was not read"
            )

    for name, row in subs.items():
        if printed[name] and row.annual_budget is None:
            shown = ", ".join(f"{CELLS[c]} {_value(row, c)}" for c in CELLS if c in printed[name])
            yield f"funding.{name}.annual_budget", (
                f"{ROWS[name]} 全年预算数 is blank although the row prints {shown}: a row that prints anything "
                f"prints its budget (0.00 read as blank?)"
            )
        if row.execution_rate is not None and row.executed is None:
            yield f"funding.{name}.executed", (
                f"{ROWS[name]} 执行率 {_value(row, 'execution_rate')} is printed but its 全年执行数 is blank"
            )
        if row.annual_budget and row.executed is None:
            yield f"funding.{name}.executed", (
                f"{ROWS[name]} has a 全年预算数 of {amount(row.annual_budget)} but a blank 全年执行数: a row with a "
                f"budget states what was spent of it, 0.00 when nothing was (0 read as blank?)"
            )

    # rows in the same situation print alike; a cell printed where it says least is printed where it says more
    unbudgeted = [n for n, row in subs.items() if row.annual_budget == 0 or not printed[n]]  # 0, or all blank
    budgeted = [n for n, row in subs.items() if row.annual_budget]
    for column, label in CELLS.items():
        for group, situation in ((unbudgeted, "without a budget"), (budgeted, "with a budget")):
            showing = [n for n in group if column in printed[n]]
            for name in group:
                if showing and column not in printed[name]:
                    yield f"funding.{name}.{column}", (
                        f"{ROWS[name]} {label} is blank while {ROWS[showing[0]]}, also a 其中 row {situation}, prints "
                        f"{_value(subs[showing[0]], column)}: one form prints such rows alike (0.00 read as blank?)"
                    )
        showing = [n for n in unbudgeted if column in printed[n]]
        for name in budgeted:
            if showing and column not in printed[name]:
                yield f"funding.{name}.{column}", (
                    f"{ROWS[name]} {label} is blank while {ROWS[showing[0]]}, a 其中 row without a budget, prints "
                    f"{_value(subs[showing[0]], column)}: a form that fills the cell for an empty row fills it for a "
                    f"funded one"
                )
        showing = [n for n in SUB_ROWS if column in printed[n]]
        required = f"funding.total.{column}" in rules.required_fields.get("error", [])  # reported there
        if showing and getattr(total, column) is None and not required:
            yield f"funding.total.{column}", (
                f"{ROWS['total']} {label} is blank while {ROWS[showing[0]]} prints "
                f"{_value(subs[showing[0]], column)}: the total row prints every cell its 其中 rows do"
            )


def check_amount_scale(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    """Why an error: a budget adjusted by exactly a power of ten, keeping every digit (14,508 -> 145,080),
    does not happen; a thousands comma read as a decimal point, a lost or an extra digit 0 does. Only
    amounts with enough significant digits count (100,000 against 1,000,000 may be a real change)."""
    for name in ROWS:
        row = _row(record, name)
        a, b = row.initial_budget, row.annual_budget
        if not a or not b or a == b:
            continue
        big, small = sorted((dec(a), dec(b)), reverse=True)
        ratio = big / small
        digits = len(small.normalize().as_tuple().digits)
        if digits < rules.amount_scale_min_digits or ratio != ratio.to_integral_value() or not _power_of_ten(ratio):
            continue
        yield rules.finding("amount_scale", (
            f"{ROWS[name]} 年初预算数 {amount(a)} and 全年预算数 {amount(b)} share their digits {ratio:.0f}× apart: "
            f"a thousands separator read as a decimal point, or a lost or extra digit?"
        ), [f"funding.{name}.initial_budget", f"funding.{name}.annual_budget"])


def _power_of_ten(ratio: Decimal) -> bool:
    n = int(ratio)
    while n > 1 and n % 10 == 0:
        n //= 10
    return n == 1 and ratio > 1
