"""Text exports of forms (OCR or parser output) -> CellTable.

Two layouts occur, often mixed in one file: tab-separated rows (cells may carry HTML tags and markdown
pipes) and one cell per line with wrapped text, whose rows `line_layout` rebuilds from the form's grammar.
Inside a table a blank-line run longer than the file's usual spacing marks a page break; a new form's
title after a blank line opens a new page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from docextract import labels
from docextract.model import CellTable, Row
from docextract.sources.errors import NotAFormError
from docextract.sources.line_layout import Line, rebuild_rows
from docextract.values import compact, strip_debris

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
MAX_CONTROL_SHARE = 0.01  # more control characters than this: binary content decoded by chance
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


@dataclass
class _Entry:
    line: Line
    tabbed: bool


def read_text_export(path: str | Path) -> CellTable:
    path = Path(path)
    text = decode(path.read_bytes())
    if not holds_form(text):
        raise NotAFormError(f"no {labels.title()} in this text")
    entries = _entries(text)
    rows: list[Row] = []
    rebuilt: list[Row] = []  # a tab row's cell ids are unique by its line; rebuilt rows may share a line
    for tabbed, run in groupby(entries, key=lambda entry: entry.tabbed):
        lines = [entry.line for entry in run]
        if tabbed:
            rows += [_tab_row(line, str(path)) for line in lines]
        else:
            block = rebuild_rows(lines, str(path))
            rows += block
            rebuilt += block
    _unique_ids(rebuilt)
    pages = max((row.page or 1 for row in rows), default=None)
    return CellTable(source=str(path), kind="text", rows=rows, pages=pages)


def decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
                text = data[:exc.start].decode(encoding)  # a file cut inside its last character
                break
            continue
    else:
        raise NotAFormError("not decodable text (tried utf-8 and gb18030)")
    text = text.lstrip("\ufeff")
    if "\x00" in text or len(_CONTROL.findall(text)) > MAX_CONTROL_SHARE * max(len(text), 1):
        raise NotAFormError("binary content, not a text export")
    return text


def holds_form(text: str) -> bool:
    if labels.title() in text:  # printed whole, as usual: no need to normalize the whole file
        return True
    k = compact(strip_debris(text))  # not `labels.key`: its cache is for cell texts, not whole files
    return labels.is_title(k) or (labels.spellings("info", "project_name")[0] in k and any(
        s in k for role in ("level1", "name") for s in labels.spellings("indicator_header", role)))


def _entries(text: str) -> list[_Entry]:
    raw: list[tuple[int, str, int]] = []  # (line number, text, blank lines before)
    gap = 0
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if not line.strip():
            gap += 1
            continue
        raw.append((number, line, gap))
        gap = 0
    tabbed = ["\t" in line for _, line, _ in raw]
    # a gap between two tab rows is a page break if longer than usual there; elsewhere likewise
    between_tabs = [n > 0 and tabbed[n] and tabbed[n - 1] for n in range(len(raw))]
    between_lines = [n > 0 and not tabbed[n] and not tabbed[n - 1] for n in range(len(raw))]
    tab_limit = _usual_gap([g for (_, _, g), inside in zip(raw, between_tabs) if inside], 0) + 1
    line_limit = _usual_gap([g for (_, _, g), inside in zip(raw, between_lines) if inside], 1) + 1
    entries = []
    page = 1
    for n, (number, line, gap) in enumerate(raw):
        limit = tab_limit if between_tabs[n] else line_limit
        new_page = n > 0 and (gap >= limit or (gap > 0 and labels.is_title(labels.key(line))))
        page += new_page
        entries.append(_Entry(Line(line, number, page, new_page), tabbed[n]))
    return entries


def _usual_gap(gaps: list[int], default: int) -> int:
    if not gaps:
        return default
    counts = Counter(gaps)
    return min(counts, key=lambda g: (-counts[g], g))


def _tab_row(line: Line, source: str) -> Row:
    texts = [text.strip() for text in line.text.split("\t")]
    # a cell holding only layout debris (a stray pipe, an empty tag) is an empty cell
    cells = [line.cell(source, col, text) for col, text in enumerate(texts) if text and strip_debris(text).strip()]
    return Row(cells=cells, page=line.page, line=line.number, page_break_before=line.page_break)


def _unique_ids(rows: list[Row]) -> None:
    seen: set[str] = set()
    for row in rows:
        for cell in row.cells:
            base, n = cell.id, 1
            while cell.id in seen:
                n += 1
                cell.id = f"{base}.{n}"
            if n > 1:
                cell.prov = cell.prov.of_cell(cell.id)
            seen.add(cell.id)
