"""Where a value was read, for the report's page crops: the record's provenance of a field path, or, for a
value that was not read at all (a blank where gold has a number), the box where its row and its column
cross on the page."""

from __future__ import annotations

import re

_CELL = re.compile(r"^(?P<row>funding\.\w+|indicators\[\d+\])\.(?P<col>\w+)$")


def _family(row: str) -> str:
    return row.split("[")[0].split(".")[0]  # "funding" or "indicators"


def locate(path: str | None, provenance: dict[str, dict]) -> dict | None:
    """`provenance[path]`, else a box inferred from the same row's and the same column's cells on one
    page (marked `inferred`); None when neither is known."""
    if path is None:
        return None
    if provenance.get(path):
        return provenance[path]
    m = _CELL.match(path)
    if not m:
        return None
    row, col = m.group("row"), m.group("col")
    for key, across in provenance.items():
        k = _CELL.match(key)
        if not k or k.group("row") != row or not across.get("bbox"):
            continue
        for other, down in provenance.items():
            o = _CELL.match(other)
            if (o and o.group("col") == col and _family(o.group("row")) == _family(row) and down.get("bbox")
                    and down.get("page") == across.get("page")):
                x0, _, x1, _ = down["bbox"]
                _, y0, _, y1 = across["bbox"]
                return {"page": across["page"], "bbox": [x0, y0, x1, y1], "inferred": True}
    return None
