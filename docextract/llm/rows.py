"""Indicator rows put in a new order (rows added among them): every field path that names a row by its
index — provenance keys, repairs, the cells of findings — follows its row."""

from __future__ import annotations

import re
from collections.abc import Mapping

from docextract.model import FormRecord, Indicator

_ROW = re.compile(r"^indicators\[(\d+)\]")


def _moved(path: str, new_index: Mapping[int, int]) -> str:
    match = _ROW.match(path)
    if match is None or int(match.group(1)) not in new_index:
        return path
    return f"indicators[{new_index[int(match.group(1))]}]{path[match.end():]}"


def with_rows(record: FormRecord, rows: list[Indicator], new_index: Mapping[int, int]) -> FormRecord:
    """The record with `rows` as its indicators, where the draft's row i is now row new_index[i]."""
    return record.model_copy(update={
        "indicators": rows,
        "provenance": {_moved(path, new_index): prov for path, prov in record.provenance.items()},
        "repairs": [r.model_copy(update={"field": _moved(r.field, new_index)}) for r in record.repairs],
        "findings": [f.model_copy(update={"cells": [_moved(c, new_index) for c in f.cells]}) for f in record.findings],
    })
