"""The seed exports cut into their forms, each with its gold record, and edits of a form's text that say
which contract fields they change: the material of the mutation tests of the text exports.

Each form is its own small export (the lines from its title to the next form's title); read alone, every one
of the 47 reads as its gold. An edit knows where a field is printed from the provenance of that reading.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from docextract.labels import is_title, key
from docextract.model import FORM_FIELDS, FUNDING_COLUMNS, FUNDING_ROWS, INDICATOR_FIELDS, Cell, FormRecord
from docextract.pipeline import records_from_table
from docextract.settings import ExtractOptions
from docextract.sources.text_export import read_text_export

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LAYOUTS = {"000": "tab", "001": "lines", "002": "tagged"}  # tab-separated; one cell per line; tabs + HTML + pipes
TEXT_FIELDS = ("project_name", "department", "implementing_unit", "goal_expected", "goal_actual")
ROW_TEXT_FIELDS = ("name", "target", "actual", "deviation")
NO_REPAIR = ExtractOptions(repair=False)  # what the mapper read and the checks said, nothing put back


def contract(record: FormRecord | dict) -> dict[str, object]:
    """The contract fields by path ('funding.total.executed', 'indicators[2].name'); notes and id left out."""
    data = record if isinstance(record, dict) else record.model_dump(mode="json")
    out: dict[str, object] = {f: data.get(f) for f in FORM_FIELDS if f != "notes"}
    out |= {f"funding.{row}.{col}": data["funding"][row][col] for row in FUNDING_ROWS for col in FUNDING_COLUMNS}
    out["indicators"] = len(data["indicators"])
    for i, indicator in enumerate(data["indicators"]):
        out |= {f"indicators[{i}].{f}": indicator[f] for f in INDICATOR_FIELDS}
    return out


@dataclass(frozen=True)
class SeedForm:
    id: str  # the gold id, "000-01"
    layout: str
    lines: tuple[str, ...]  # the form's lines as exported, its title line first
    gold: dict[str, object]  # contract(gold record)
    record: FormRecord  # the form read alone
    cells: dict[str, Cell] = field(repr=False)  # the cells of that reading, by id

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def __repr__(self) -> str:
        return f"SeedForm({self.id}, {self.layout})"


def split_forms(text: str) -> list[list[str]]:
    lines = text.split("\n")
    starts = [n for n, line in enumerate(lines) if is_title(key(line))]
    return [lines[a:b] for a, b in zip(starts, starts[1:] + [len(lines)])]


def read_forms(text: str, folder: Path, stem: str = "000") -> list[FormRecord]:
    path = folder / f"{stem}_form.txt"
    path.write_text(text, encoding="utf-8")
    return records_from_table(read_text_export(path), NO_REPAIR)


def seed_forms(folder: Path) -> tuple[SeedForm, ...]:
    forms = []
    for seed in sorted((FIXTURES / "seeds").glob("*.txt")):
        stem = seed.name[:3]
        gold = json.loads((FIXTURES / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
        for lines, expected in zip(split_forms(seed.read_text(encoding="utf-8")), gold, strict=True):
            path = folder / f"{stem}_form.txt"
            path.write_text("\n".join(lines), encoding="utf-8")
            table = read_text_export(path)
            [record] = records_from_table(table, NO_REPAIR)
            forms.append(SeedForm(expected["id"], LAYOUTS[stem], tuple(lines),
                                  contract(FormRecord.model_validate(expected)), record,
                                  {c.id: c for row in table.rows for c in row.cells}))
    return tuple(forms)


# ---------------------------------------------------------------- where a field is printed


@dataclass(frozen=True)
class Span:
    line: int  # 0-based index into SeedForm.lines
    start: int
    end: int


def cell_span(form: SeedForm, path: str) -> Span | None:
    """Where the one-line cell a field was read from is printed: a tab row's field by its column; on a line
    of space-separated cells, the k-th printing of the text where the line's k-th cell of that text is it.
    None when the cell spans lines or its printing is ambiguous."""
    prov = form.record.provenance.get(path)
    cell = form.cells.get(prov.cell) if prov else None
    if cell is None or "\n" in cell.text or cell.prov.line is None:
        return None
    n = cell.prov.line - 1
    line = form.lines[n]
    if "\t" in line:
        start = sum(len(part) + 1 for part in line.split("\t")[:cell.col])
        part = line.split("\t")[cell.col]
        if part.strip() != cell.text:
            return None
        start += len(part) - len(part.lstrip())
        return Span(n, start, start + len(cell.text))
    same = sorted((c for c in form.cells.values() if c.prov.line == cell.prov.line and c.text == cell.text),
                  key=lambda c: c.col)
    found = [m.start() for m in re.finditer(rf"(?<!\S){re.escape(cell.text)}(?!\S)", line)]
    if len(found) != len(same):
        return None
    start = found[same.index(cell)]
    return Span(n, start, start + len(cell.text))


def text_span(form: SeedForm, text: str) -> tuple[int, list[int]] | None:
    """The one printing of a text in the form, whitespace and line breaks allowed between its characters:
    (offset in SeedForm.text, offset of each non-space character of `text`). None unless printed once."""
    chars = [ch for ch in text if not ch.isspace()]
    pattern = re.compile(r"\s*".join(re.escape(ch) for ch in chars))
    found = list(pattern.finditer(form.text))
    if len(found) != 1:
        return None
    match = found[0]
    offsets = [match.start() + i for i, ch in enumerate(match.group()) if not ch.isspace()]
    return match.start(), offsets


def replace_span(lines: tuple[str, ...], span: Span, text: str) -> list[str]:
    return replace_spans(lines, {span: text})


def replace_spans(lines: tuple[str, ...], texts: dict[Span, str]) -> list[str]:
    out = list(lines)
    for span in sorted(texts, key=lambda s: (s.line, s.start), reverse=True):  # right to left: offsets hold
        out[span.line] = out[span.line][:span.start] + texts[span] + out[span.line][span.end:]
    return out
