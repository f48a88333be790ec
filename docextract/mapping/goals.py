"""The 年度总体目标 block -> goal_expected / goal_actual.

Texts sit under the 预期目标 and 实际完成情况 header columns. OCR exports also repeat a goal text under
the 年度总体目标 label column or shift both texts one column left; a lone 目标 there is the residue of
the merged label.
"""

from __future__ import annotations

from docextract import labels
from docextract.labels import key
from docextract.mapping.align import Schema
from docextract.mapping.columns import header_schema
from docextract.mapping.ledger import Ledger
from docextract.model import Cell, Row
from docextract.values import clean_text


def read_goals(header: Row | None, rows: list[Row], ledger: Ledger) -> tuple[str | None, str | None]:
    if header is None:
        return None, None
    schema, named = header_schema(header, "goal_header")
    ledger.use(*named)
    inline = _inline_goals(header, ledger)
    if inline is not None:  # 年度目标 | text | 实际完成情况 | text: the goals printed in the header row
        return inline
    goal_label = labels.spellings("goal_header", "goal")[0]
    left: list[Cell] = []
    expected: list[Cell] = []
    actual: list[Cell] = []
    for row in rows:
        under: dict[str, list[Cell]] = {"goal": [], "expected": [], "actual": []}
        for cell in row.nonblank():
            k = key(cell.text)
            if k in goal_label or labels.role_of(k, "goal_header"):
                ledger.use(cell)  # the label again, or a piece of it
                continue
            under[_under(cell, schema)].append(cell)
        texts = under["goal"] + under["expected"]
        if not under["actual"] and len(texts) >= 2:
            # shifted left: the first text is the expected goal, the next one the actual
            under = {"goal": [], "expected": texts[:1], "actual": texts[1:2]}
        left += under["goal"]
        expected += under["expected"]
        actual += under["actual"]
    if not expected:
        expected, left = left, []
    goal_expected = ledger.text("goal_expected", expected)
    goal_actual = ledger.text("goal_actual", actual)
    chosen = {goal_expected, goal_actual}
    ledger.use(*(c for c in left if clean_text(c.text) in chosen))  # a copy of a goal text
    return goal_expected, goal_actual


def _inline_goals(header: Row, ledger: Ledger) -> tuple[str | None, str | None] | None:
    """Goals printed beside their labels in one row: the text cells after a label, up to the next one."""
    values: dict[str, list[Cell]] = {}
    role = None
    for cell in header.nonblank():
        found = labels.role_of(key(cell.text), "goal_header")
        if found is not None:
            role = found
        elif role in ("expected", "actual"):
            values.setdefault(role, []).append(cell)
    if not values:
        return None
    expected, actual = values.get("expected", []), values.get("actual", [])
    return ledger.text("goal_expected", expected), ledger.text("goal_actual", actual)


def _under(cell: Cell, schema: Schema) -> str:
    """The goal column a text sits under: 预期目标, 实际完成情况, or the 年度总体目标 label's column."""
    return next((column.role for k, column in enumerate(schema.columns) if schema.offset(cell, k) == 0), "goal")
