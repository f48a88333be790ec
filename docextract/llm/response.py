"""What the LLM must answer: row-level patches, each value citing the source cells that print it.

The models validate against the form they were asked about (instructor passes `context`): a row or
column that does not exist, or a cell id that is not one of the form's, fails validation and instructor
asks again with the error. Validating here proves only that an answer is well-formed; whether it is
*accepted* is decided by accept.py. No length bounds in the schema: llama.cpp turns them into grammar
rules that slow sampling by orders of magnitude; max_tokens bounds the answer instead.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from docextract import model
from docextract.model import FORM_FIELDS, INDICATOR_FIELDS

FUNDING_FIELDS = model.FUNDING_COLUMNS
FUNDING_ROWS = tuple(f"funding.{row}" for row in model.FUNDING_ROWS)  # the row paths a patch names
_INDICATOR_ROW = re.compile(r"indicators\[(\d+)\]")


def row_fields(row: str, indicators: int | None) -> tuple[str, ...]:
    """The columns a row may patch; ValueError for a row the form does not have (any indicators[N] when
    the number of indicator rows is not known)."""
    if row == "form":
        return FORM_FIELDS
    if row in FUNDING_ROWS:
        return FUNDING_FIELDS
    match = _INDICATOR_ROW.fullmatch(row)
    if match and (indicators is None or int(match.group(1)) < indicators):
        return INDICATOR_FIELDS
    last = "indicators[N]" if indicators is None else f"indicators[0] … indicators[{indicators - 1}]"
    raise ValueError(f"row {row!r} is not one of: form, {', '.join(FUNDING_ROWS)}, {last}")


def field_path(row: str, field: str) -> str:
    return field if row == "form" else f"{row}.{field}"


def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context or {}


def known_cells(cells: list[str], info: ValidationInfo) -> list[str]:
    """`cells`, when every id is one of the form's (the validation context's "cells")."""
    known = _context(info).get("cells")
    unknown = [cell for cell in cells if known is not None and cell not in known]
    if unknown:
        raise ValueError(f"unknown cell ids {unknown}: cite ids from the cell table, e.g. {next(iter(known), '')}")
    return cells


class CellValue(BaseModel):
    field: str = Field(description="the column to set, e.g. executed, score, name (see the row's columns)")
    value: str = Field(description="the value exactly as printed in the cited cells")
    cells: list[str] = Field(min_length=1, description="ids of the source cells printing the value")

    @field_validator("cells")
    @classmethod
    def cells_exist(cls, cells: list[str], info: ValidationInfo) -> list[str]:
        return known_cells(cells, info)


class RowPatch(BaseModel):
    row: str = Field(description='"form", "funding.total", "funding.appropriation", "funding.carryover", '
                                 '"funding.other" or "indicators[N]"')
    values: list[CellValue] = Field(min_length=1)
    reason: str = Field(default="", description="which failed check this fixes, and how")

    @model_validator(mode="after")
    def columns_exist(self, info: ValidationInfo) -> RowPatch:
        allowed = row_fields(self.row, _context(info).get("indicators"))
        wrong = [value.field for value in self.values if value.field not in allowed]
        if wrong:
            raise ValueError(f"{self.row} has no column {wrong}; its columns are {', '.join(allowed)}")
        return self


class RepairAnswer(BaseModel):
    """Patches for the draft record; an empty list when the cells support no change."""

    patches: list[RowPatch] = Field(default_factory=list)
