"""Cell table -> form records, whatever the source: column roles come from the header labels' column
ranges and the cells' content, never from fixed positions."""

from __future__ import annotations

from docextract.mapping.forms import split_forms
from docextract.mapping.rules import map_form
from docextract.model import CellTable, FormRecord, record_id

__all__ = ["map_table"]


def map_table(table: CellTable) -> list[FormRecord]:
    return [map_form(rows, record_id(table.source, n), table.source, table.kind)
            for n, rows in enumerate(split_forms(table.rows), start=1)]
