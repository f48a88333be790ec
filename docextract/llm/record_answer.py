"""What the LLM answers to a whole-record request: every contract field of the form, each value with the
ids of the cells it was read from. The models are built from the contract's field names (model.py), in
the order the form prints them; a value the form does not print is null or left out. Validation proves
only that the answer is well-formed and cites the form's cells; record_accept.py decides what enters."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, create_model, field_validator

from docextract import model
from docextract.llm.response import known_cells

# a value is printed in one cell, or a few when a page break or a wrap cut it; the bound also stops a small
# model's grammar-constrained answer from listing cell ids until max_tokens
MAX_CELLS = 6

class Cited(BaseModel):
    value: str = Field(description="the value exactly as printed in the cited cells")
    cells: list[str] = Field(min_length=1, max_length=MAX_CELLS, description="ids of the cells printing the value")

    @field_validator("cells")
    @classmethod
    def cells_exist(cls, cells: list[str], info: ValidationInfo) -> list[str]:
        return known_cells(cells, info)


def _values(names: tuple[str, ...]) -> dict[str, Any]:
    return {name: (Cited | None, None) for name in names}


FundingRowAnswer = create_model("FundingRowAnswer", **_values(model.FUNDING_COLUMNS))
FundingAnswer = create_model("FundingAnswer", **{
    row: (FundingRowAnswer, Field(default_factory=FundingRowAnswer)) for row in model.FUNDING_ROWS})
IndicatorAnswer = create_model("IndicatorAnswer", **_values(model.INDICATOR_FIELDS))


def _record_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in model.FORM_FIELDS:  # funding after its unit, the indicator rows after the goals
        fields[name] = (Cited | None, None)
        if name == "funding_unit":
            fields["funding"] = (FundingAnswer, Field(default_factory=FundingAnswer))
        if name == "goal_actual":
            fields["indicators"] = (list[IndicatorAnswer], Field(default_factory=list))
    return fields


RecordAnswer = create_model("RecordAnswer", __doc__="The form as a record; every value cites its cells.",
                            **_record_fields())
