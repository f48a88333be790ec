"""The 项目资金 block -> Funding and the funding unit (万元 / 元)."""

from __future__ import annotations

from docextract import labels
from docextract.labels import key
from docextract.mapping.columns import Columns
from docextract.mapping.ledger import Ledger
from docextract.model import Funding, FundingRow, Row

AMOUNTS = tuple(FundingRow.model_fields)


def read_funding(header: Row | None, rows: list[Row], ledger: Ledger) -> tuple[Funding, str | None]:
    funding = Funding()
    if header is None:
        return funding, None
    columns, named = Columns.from_header(header, "funding_header")
    ledger.use(*named)
    unit = _unit(header, rows, ledger)
    for row in rows:
        label = next((c for c in row.nonblank() if labels.role_of(key(c.text), "funding_rows")), None)
        if label is None:
            continue
        name = labels.role_of(key(label.text), "funding_rows")
        ledger.use(label)
        target: FundingRow = getattr(funding, name)
        for cell in row.cells:
            column = columns.role_of_cell(cell)
            if cell is label or column not in AMOUNTS or getattr(target, column) is not None:
                continue
            setattr(target, column, ledger.number(f"funding.{name}.{column}", cell))
    return funding, unit


def _unit(header: Row, rows: list[Row], ledger: Ledger) -> str | None:
    """The unit printed with the 项目资金 label ("项目资金 (万元)"), or in a bracket cell of its own."""
    for row in [header, *rows]:
        for cell in row.nonblank():
            k = key(cell.text)
            if labels.role_of(k, "funding_header") == "funding" or k.startswith("("):
                unit = next((u for u in labels.funding_units() if u in k), None)
                if unit:
                    ledger.note("funding_unit", cell)
                    return unit
    return None
