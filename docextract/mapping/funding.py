"""The 项目资金 block -> Funding and the funding unit (万元 / 元)."""

from __future__ import annotations

import re

from docextract import labels
from docextract.labels import key
from docextract.mapping.align import align_row
from docextract.mapping.cells import number_of
from docextract.mapping.columns import header_schema, roles_in_order
from docextract.mapping.fit import amount_fit
from docextract.mapping.ledger import Ledger
from docextract.model import Cell, Funding, FundingRow, Row
from docextract.values import read_yuan

AMOUNTS = tuple(FundingRow.model_fields)
_PERCENT_AS_DIGITS = re.compile(r"^(\d{1,3}\.\d{2})\d{1,2}$")  # '99.23%' read '99.231', '100.00%' read '100.0096'
YUAN_COLUMNS = ("initial_budget", "annual_budget", "executed")  # amounts, in the form's unit
_UNIT_CELL = re.compile(r"^[(（](万元|元)[)）]$")  # the unit printed in a cell of its own


def read_funding(header: Row | None, rows: list[Row], ledger: Ledger) -> tuple[Funding, str | None]:
    funding = Funding()
    if header is None:
        return funding, None
    schema, named = header_schema(header, "funding_header")
    ledger.use(*named)
    unit = _unit(header, rows, ledger)
    # rates printed in percent: the header says so ('执行率(%)'), or a rate cell carries its '%'
    percent = any("%" in c.text for row in [header, *rows] for c in row.cells)
    for row, found in zip(rows, _row_labels(rows)):
        if found is None:
            continue
        name, label = found
        ledger.use(label)
        target: FundingRow = getattr(funding, name)
        cells = [c for c in row.nonblank() if c is not label and not _UNIT_CELL.match(key(c.text))]
        aligned = align_row(cells, schema, amount_fit)
        for column, placed in aligned.cells_of(cells).items():
            if column not in AMOUNTS or getattr(target, column) is not None:
                continue
            setattr(target, column, ledger.number(f"funding.{name}.{column}",
                                                  _as_read(placed[0], column, unit, percent)))
    return funding, unit


def _row_labels(rows: list[Row]) -> list[tuple[str, Cell] | None]:
    """Each row's funding line (total, appropriation…) and the cell that names it. A label cell merged
    down over several rows and naming several lines ("年度资金总额 / 其中：当年财政拨款", the ruling
    between them too faint to see) names its rows in order."""
    found: list[tuple[str, Cell] | None] = []
    for row in rows:
        label = next((c for c in row.nonblank() if labels.role_of(key(c.text), "funding_rows")), None)
        found.append((labels.role_of(key(label.text), "funding_rows"), label) if label else None)
    for i, row in enumerate(rows):
        for cell in row.nonblank():
            names = roles_in_order(key(cell.text), "funding_rows") if cell.rowspan > 1 else []
            if len(names) < 2 or (found[i] is not None and found[i][1] is not cell):
                continue
            for j, name in enumerate(names[:cell.rowspan]):
                if i + j < len(rows) and (found[i + j] is None or found[i + j][1] is cell):
                    found[i + j] = (name, cell)
    return found


def _as_read(cell: Cell, column: str, unit: str | None, percent: bool) -> Cell:
    """An amount in 元 read with its thousands commas taken for points ('928.050') gets its commas back:
    元 never carry three decimals. A rate of a column printed in percent with two decimals, read with a
    digit or two more ('99.231', '100.0096'), had its '%' read as digits."""
    if column == "execution_rate" and percent:
        m = _PERCENT_AS_DIGITS.match(cell.text.strip())
        return cell.model_copy(update={"text": m.group(1)}) if m else cell
    if unit != "元" or column not in YUAN_COLUMNS or number_of(cell.text) == read_yuan(cell.text):
        return cell
    value = read_yuan(cell.text)
    return cell if value is None else cell.model_copy(update={"text": f"{value:.2f}"})


def _unit(header: Row, rows: list[Row], ledger: Ledger) -> str | None:
    """The unit printed with the 项目资金 label ("项目资金 (万元)", or its rest below a page break, "资金
    (万元)"), or in a bracket cell of its own."""
    for row in [header, *rows]:
        for cell in row.nonblank():
            k = key(cell.text)
            if labels.role_of(k, "funding_header") == "funding" or "(" in k and k.endswith(")"):
                unit = next((u for u in labels.funding_units() if u in k), None)
                if unit:
                    ledger.note("funding_unit", cell)
                    return unit
    return None
