"""The rows of one form -> FormRecord: every section read by its labels, every value with its cell."""

from __future__ import annotations

import re

from docextract import labels
from docextract.labels import key
from docextract.mapping.cells import number_of
from docextract.mapping.align import Schema, align_row
from docextract.mapping.columns import header_schema
from docextract.mapping.fit import amount_fit
from docextract.mapping.funding import read_funding
from docextract.mapping.goals import read_goals
from docextract.mapping.indicators import IndicatorReader
from docextract.mapping.ledger import Ledger
from docextract.mapping.sections import sort_rows
from docextract.model import Cell, FormRecord, Row, SourceKind
from docextract.values import clean_text

LABEL_PUNCTUATION = ":：;；"


def map_form(rows: list[Row], form_id: str, source: str, kind: SourceKind) -> FormRecord:
    ledger = Ledger()
    s = sort_rows(rows)
    record = FormRecord(id=form_id, source=source, source_kind=kind)
    record.year = _year(s.heading + s.info, ledger)
    _info(s.info, record, ledger)
    record.funding, record.funding_unit = read_funding(s.funding_header, s.funding, ledger)
    record.goal_expected, record.goal_actual = read_goals(s.goal_header, s.goals, ledger)
    schema = Schema(())
    if s.indicator_header is not None:
        schema, named = header_schema(s.indicator_header, "indicator_header")
        ledger.use(*named)
        reader = IndicatorReader(schema, ledger)
        record.indicators = reader.read(s.indicators)
        record.category_points = reader.points
        schema = reader.schema  # the columns of the last page the table was on
    record.total_weight, record.total_score = _total(s.total, schema, ledger)
    record.grade = _labelled_value(s.grade, "grade", ledger)
    record.provenance = ledger.provenance
    record.printed_decimals = ledger.decimals
    record.unplaced = [c.id for row in rows for c in row.nonblank() if c.id not in ledger.used]
    record.source_rows = [[c.id for c in row.cells] for row in rows]
    pages = [row.page for row in rows if row.page is not None]
    record.pages = (min(pages), max(pages)) if pages else None
    return record


def _year(rows: list[Row], ledger: Ledger) -> int | None:
    for row in rows:
        for cell in row.nonblank():
            k = key(cell.text)
            year = labels.year_of(k)
            if labels.is_title(k):
                ledger.use(cell)
            if year is not None:
                ledger.use(cell)
                ledger.note("year", cell)
                return year
    return None


def _info(rows: list[Row], record: FormRecord, ledger: Ledger) -> None:
    """项目名称 / 主管部门 / 实施单位: the cells after a label in its row, up to the next label, are its value."""
    values: dict[str, list[Cell]] = {}
    for row in rows:
        role = None
        for cell in row.nonblank():
            label = labels.leading_role(key(cell.text), "info")
            if label is None:
                if role is not None:
                    values[role].append(cell)
                continue
            role = label
            ledger.use(cell)
            rest = _after_label(cell, labels.spellings("info", label))
            values[role] = [cell.model_copy(update={"text": rest})] if rest else []
    for field in ("project_name", "department", "implementing_unit"):
        setattr(record, field, ledger.text(field, values.get(field, [])))


def _after_label(cell: Cell, spellings: list[str]) -> str | None:
    """Text printed in the label's own cell after the label ("评分等级：优")."""
    text = clean_text(cell.text) or ""
    for spelling in spellings:
        if text.startswith(spelling):
            return text[len(spelling):].lstrip(LABEL_PUNCTUATION).strip() or None
    return None


def _total(row: Row | None, schema: Schema, ledger: Ledger) -> tuple[float | None, float | None]:
    """总分 row: its numbers aligned to the 分值 and 得分 columns the indicator table prints (a form
    without a 分值 column totals 得分 only; a single number goes where it sits)."""
    if row is None:
        return None, None
    ledger.use(row.nonblank()[0])
    numbers = [c for c in row.nonblank() if number_of(c.text) is not None]
    roles = tuple(r for r in schema.roles if r in ("weight", "score")) or ("weight", "score")
    placed = align_row(numbers, schema.with_roles(roles), amount_fit).cells_of(numbers)
    weight, score = (placed.get(role, [None])[0] for role in ("weight", "score"))
    return ledger.number("total_weight", weight), ledger.number("total_score", score)


def _labelled_value(row: Row | None, name: str, ledger: Ledger) -> str | None:
    """The value after a single label (评分等级 优), in the label's cell or the next one; of tick boxes
    (☑优□良□中□差) the option ticked."""
    if row is None:
        return None
    label, *rest = row.nonblank()
    ledger.use(label)
    own = _after_label(label, labels.spellings(name))
    if own:
        ledger.note(name, label)
        return ticked(own)
    value = ledger.text(name, rest[:1])
    return ticked(value) if value else value


def ticked(text: str) -> str | None:
    """The option a row of tick boxes marks ('☑优□良□中□差' -> '优'); other text as it is. Boxes without
    a tick, or with more than one, mark nothing."""
    ticks, boxes = labels.marks()
    if not any(ch in ticks + boxes for ch in text):
        return text
    options = re.findall(f"([{re.escape(ticks + boxes)}])([^{re.escape(ticks + boxes)}]+)", text)
    chosen = [option.strip() for mark, option in options if mark in ticks]
    return chosen[0] if len(chosen) == 1 else None
