"""Rows that wrap the row above: a cell too long for its column continues on a line of its own below.

A row is the wrap of the row above when each of its text cells sits under a text cell of that row that is
neither a number (numbers never wrap; a unit printed under one is its unit: '365.00' / '(天)') nor a whole
label (a label ends where its cell does; a category's points may follow it: '成本指标' + '(10分)'). Its
texts join the cells above; the row goes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from docextract import labels
from docextract.labels import key
from docextract.mapping.cells import blank_number, number_of
from docextract.mapping.ledger import Ledger
from docextract.model import Cell, Row


_UNIT = re.compile(r"^[(（][^()（）\d]{1,6}[)）]$")  # '(天)', '（万元）'


def join_wraps(rows: list[Row], ledger: Ledger) -> list[Row]:
    out: list[Row] = []
    for row in rows:
        above = out[-1] if out else None
        joins = _wrap_of(row.nonblank(), above.nonblank()) if above is not None and row.nonblank() else None
        if joins is None:
            out.append(row)
            continue
        ledger.use(*joins.values())
        cells = [_joined(cell, joins[cell.id]) if cell.id in joins else cell for cell in above.cells]
        out[-1] = above.model_copy(update={"cells": cells})
    return out


def _wrap_of(cells: list[Cell], above: list[Cell]) -> dict[str, Cell] | None:
    """Above cell id -> the cell continuing it, when every cell continues one; else None."""
    joins: dict[str, Cell] = {}
    for cell in cells:
        over = [a for a in above if _overlaps(a, cell)]
        if len(over) != 1 or over[0].id in joins:
            return None
        top, tail = key(over[0].text), key(cell.text)
        if number_of(cell.text) is not None or blank_number(over[0].text):
            return None
        if number_of(over[0].text) is not None and not _UNIT.match(tail):
            return None
        if labels.is_form_label(top) or (_category(top) and not _category(top + tail)):
            return None
        joins[over[0].id] = cell
    return joins


def _overlaps(a: Cell, b: Cell) -> bool:
    box_a, box_b = a.prov.bbox, b.prov.bbox
    if box_a is not None and box_b is not None:
        return min(box_a[2], box_b[2]) > max(box_a[0], box_b[0])
    return a.col < b.col_end and b.col < a.col_end


@lru_cache(maxsize=16384)
def _category(k: str) -> bool:
    return labels.points_of(k)[0] in labels.categories().terms


def _joined(top: Cell, tail: Cell) -> Cell:
    box_a, box_b = top.prov.bbox, tail.prov.bbox
    box = (min(box_a[0], box_b[0]), min(box_a[1], box_b[1]), max(box_a[2], box_b[2]), max(box_a[3], box_b[3])) \
        if box_a is not None and box_b is not None else box_a
    return top.model_copy(update={"text": f"{top.text}\n{tail.text}", "lines": [*top.lines, *tail.lines],
                                  "prov": top.prov.model_copy(update={"bbox": box})})
