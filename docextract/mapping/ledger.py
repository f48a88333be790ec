"""Which source cell each record field was read from, and which cells were used at all."""

from __future__ import annotations

import re

from docextract.mapping.cells import number_of
from docextract.model import Cell, Provenance
from docextract.values import clean_text


_DIGITS = re.compile(r"\d[\d,]*(?:\.(\d+))?")


def printed_decimals(text: str) -> int:
    """The decimals a number cell prints ('79.3%' 1, '2,936.70' 2, '100' 0)."""
    m = _DIGITS.search(text)
    return len(m.group(1) or "") if m else 0


def source_id(cell_id: str) -> str:
    """The id of the source cell a part cut from it (`align.split_spanning`, '<id>#<k>') came from."""
    return cell_id.split("#", 1)[0]


class Ledger:
    def __init__(self) -> None:
        self.provenance: dict[str, Provenance] = {}
        self.used: set[str] = set()
        self.decimals: dict[str, int] = {}  # field path -> decimals its number was printed with

    def use(self, *cells: Cell) -> None:
        for cell in cells:
            self.used.add(source_id(cell.id))

    def note(self, path: str, cell: Cell) -> None:
        self.provenance[path] = cell.prov.of_cell(source_id(cell.id))

    def text(self, path: str, cells: list[Cell]) -> str | None:
        """The cells' text joined as one value (a cell split over grid columns or rows)."""
        value = clean_text("\n".join(c.text for c in cells)) if cells else None
        if value is not None:
            self.note(path, cells[0])
            self.use(*cells)
        return value

    def number(self, path: str, cell: Cell | None) -> float | None:
        value = number_of(cell.text) if cell is not None else None
        if cell is not None and (value is not None or clean_text(cell.text) is None):
            self.use(cell)
        if value is not None:
            self.note(path, cell)
            self.decimals[path] = printed_decimals(cell.text)
        return value
