"""Fields read again from the recognizer's evidence, once the mapper has said what each cell holds.

The OCR stage keeps, with each text line, where the recognizer hesitated and what else it saw
(`TextLine.doubts`). Here, knowing a field's column, a cell's other readings are weighed: a target or
actual by the measure grammar and the shapes of the form's other targets and actuals, free text by the
lexicon. A field changes only when its value is its one cell's text as read; the reading considered and
the reason are kept in the field's provenance (`Provenance.reading`)."""

from __future__ import annotations

import re
from collections import Counter

from docextract.mapping.cells import number_of
from docextract.model import Cell, CellTable, FormRecord, ReadingChoice
from docextract.reading.candidates import cell_doubts
from docextract.reading.choose import (Choice, choose_measure, choose_points, choose_quotes, choose_stop,
                                       choose_words)
from docextract.reading.grammar import measure_shape
from docextract.repair.paths import get_value, with_value
from docextract.values import clean_text, parse_measure, tidy_measure

_MEASURED = re.compile(r"^indicators\[(\d+)\]\.(target|actual)$")
_WORDED = re.compile(r"^(indicators\[\d+\]\.(name|deviation|level1|level2)|project_name|department|"
                     r"implementing_unit|goal_expected|goal_actual)$")

_PARAGRAPH = re.compile(r"^(goal_expected|goal_actual|indicators\[\d+\]\.deviation)$")
MIN_PARAGRAPH = 8  # characters of a goal or reason that is a sentence, not a word ('无')


def reread_fields(records: list[FormRecord], table: CellTable) -> list[FormRecord]:
    cells = {c.id: c for row in table.rows for c in row.cells if any(line.doubts for line in c.lines)}
    if not cells:
        return records
    pairs = Counter(flat[i:i + 2] for row in table.rows for c in row.cells
                    for flat in [re.sub(r"\s+", "", c.text)] for i in range(len(flat) - 1))
    every = {c.id: c for row in table.rows for c in row.cells}
    return [_reread_points(_reread(record, cells, pairs), every) for record in records]


def _reread(record: FormRecord, cells: dict[str, Cell], pairs: Counter) -> FormRecord:
    shapes = Counter(measure_shape(v) for i in record.indicators for v in (i.target, i.actual) if v)
    paragraphs = [v for v in (record.goal_expected, record.goal_actual, *(i.deviation for i in record.indicators))
                  if v and len(v) >= MIN_PARAGRAPH]
    for path, prov in list(record.provenance.items()):
        cell = cells.get(prov.cell or "")
        value = get_value(record, path) if cell is not None else None
        if value is None:
            continue
        measured = _MEASURED.match(path)
        if measured and _measure_value(cell.text) == value:
            others = shapes - Counter([measure_shape(value)])
            choice = choose_measure(cell.text, cell_doubts(cell), others, _measure_value)
            if choice is None and measure_shape(value) == "phrase":
                choice = choose_words(cell.text, cell_doubts(cell), pairs)
            if choice is not None:
                record = _apply(record, path, _measure_value(choice.text), cell, choice)
                record = with_value(record, f"{path}_parsed", parse_measure(get_value(record, path)))
        elif _WORDED.match(path) and clean_text(cell.text) == value:
            choice = _reread_text(cell, paragraphs if _PARAGRAPH.match(path) else None, value, pairs)
            if choice is not None:
                record = _apply(record, path, clean_text(choice.text), cell, choice)
    return record


def _reread_points(record: FormRecord, cells: dict[str, Cell]) -> FormRecord:
    """Each indicator's 得分 and 分值 read again together where the score came out above the weight
    (`cells`: every cell of the table, by id)."""
    for n, indicator in enumerate(record.indicators):
        if indicator.score is None or indicator.weight is None or indicator.score <= indicator.weight:
            continue
        paths = [f"indicators[{n}].score", f"indicators[{n}].weight"]
        found = [_number_cell(record, path, cells) for path in paths]
        if None in found:
            continue
        picked = choose_points(*((c.text, cell_doubts(c)) for c in found), number=number_of)
        if picked is not None:
            which, choice = picked
            record = _apply(record, paths[which], number_of(choice.text), found[which], choice)
    return record


def _number_cell(record: FormRecord, path: str, cells: dict[str, Cell]) -> Cell | None:
    """The cell a number field was read from, when its value is that cell's number as read."""
    prov = record.provenance.get(path)
    cell = cells.get(prov.cell or "") if prov is not None else None
    return cell if cell is not None and number_of(cell.text) == get_value(record, path) else None


def _reread_text(cell: Cell, paragraphs: list[str] | None, value: str, pairs: Counter) -> Choice | None:
    """Free text settled by the lexicon (`pairs`: the document's character pairs); a paragraph
    (`paragraphs`: the form's, this one among them) also gets its full stop back."""
    doubts = cell_doubts(cell)
    quoted = choose_quotes(cell.text, doubts)
    worded = choose_words(quoted.text if quoted else cell.text, doubts, pairs)
    choice = _both(quoted, worded)
    if paragraphs is None:
        return choice
    others = [p for p in paragraphs if p is not value]
    closed = sum(p.endswith("。") for p in others)
    stop = choose_stop((choice.text if choice else cell.text).rstrip(), doubts, closed, len(others) - closed)
    return _both(choice, stop)


def _both(first: Choice | None, then: Choice | None) -> Choice | None:
    """Two choices made one after the other as one."""
    if first is None or then is None:
        return then or first
    return Choice(then.text, first.considered + then.considered, f"{first.reason}; {then.reason}")


def _apply(record: FormRecord, path: str, value: str | None, cell: Cell, choice: Choice) -> FormRecord:
    if value is None or value == get_value(record, path):
        return record
    trace = ReadingChoice(read=cell.text, chosen=choice.text, considered=choice.considered, reason=choice.reason)
    provenance = {**record.provenance, path: record.provenance[path].model_copy(update={"reading": trace})}
    return with_value(record, path, value).model_copy(update={"provenance": provenance})


def _measure_value(text: str) -> str | None:
    """A target or actual as the mapper reads it from its cell's text."""
    return tidy_measure(clean_text(text))
