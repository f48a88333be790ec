"""Writing records: JSON array, JSON lines, CSV (one row per form), and the terminal table."""

from __future__ import annotations

import csv
import io
import json

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from docextract.model import FUNDING_COLUMNS, FUNDING_ROWS, DocumentResult, FormRecord, shown_path


def record_json(record: FormRecord) -> dict:
    return record.model_dump(mode="json")


def to_json(records: list[FormRecord]) -> str:
    return json.dumps([record_json(r) for r in records], ensure_ascii=False, indent=1) + "\n"


def to_jsonl(records: list[FormRecord]) -> str:
    return "".join(json.dumps(record_json(r), ensure_ascii=False) + "\n" for r in records)


def _csv_row(r: FormRecord) -> dict:
    row = {
        "id": r.id, "source": r.source,
        "pages": f"{r.pages[0]}-{r.pages[1]}" if r.pages else None,
        "year": r.year, "project_name": r.project_name, "department": r.department,
        "implementing_unit": r.implementing_unit, "funding_unit": r.funding_unit,
    }
    for name in FUNDING_ROWS:
        funding_row = getattr(r.funding, name)
        for col in FUNDING_COLUMNS:
            row[f"funding.{name}.{col}"] = getattr(funding_row, col)
    row.update({
        "goal_expected": r.goal_expected, "goal_actual": r.goal_actual, "indicators": len(r.indicators),
        "total_weight": r.total_weight, "total_score": r.total_score, "grade": r.grade, "status": r.status,
        "errors": "; ".join(f.check for f in r.errors()),
    })
    return row


def to_csv(records: list[FormRecord]) -> str:
    buffer = io.StringIO()
    rows = [_csv_row(r) for r in records]
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()


def summary_table(results: list[DocumentResult]) -> Table:
    """A row per form, in one line as far as the terminal allows: project names and failed checks wrap,
    and the document's path is elided to fit (`ElidedPath`)."""
    table = Table(title="docextract", box=box.SIMPLE_HEAD, show_edge=False, collapse_padding=True)
    for column in ("document", "form", "pages", "project", "year", "score", "status", "failed checks"):
        table.add_column(column, no_wrap=column not in ("project", "failed checks"), overflow="fold")
    for result in results:
        document = ElidedPath(shown_path(result.source))
        if result.error:
            table.add_row(document, "", "", Text(result.error.reason, style="red"), "", "", "[red]error[/red]", "")
            continue
        for r in result.forms:
            status = "[green]verified[/green]" if r.status == "verified" else "[yellow]flagged[/yellow]"
            pages = f"{r.pages[0]}–{r.pages[1]}" if r.pages else ""
            failed = ", ".join(sorted({f.check for f in r.errors()}))
            score = "" if r.total_score is None else f"{r.total_score:g}"
            table.add_row(document, r.id or "", pages, Text(r.project_name or ""), str(r.year or ""), score,
                          status, failed)
    return table


ELLIPSIS = "…"


class ElidedPath:
    """A file path as one line of a table cell: when the column is too narrow, the middle of its folder
    gives way first, then the middle of its name (the name's start and extension stay)."""

    def __init__(self, path: str):
        self.path = path
        self.name = path.rpartition("/")[2]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        # the name (up to 24 cells) at least, a quarter of the terminal at most: the other columns can wrap.
        # (The console's width, not the options': a table measures its cells again in their final widths.)
        least = min(cell_len(self.name), 24, options.max_width)
        return Measurement(least, min(cell_len(self.path), max(least, console.width // 4), options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(elide_path(self.path, options.max_width), no_wrap=True, overflow="ellipsis")


def elide_path(path: str, width: int) -> str:
    """`path` in at most `width` terminal cells: the folder's middle elided, then the name's."""
    if cell_len(path) <= width:
        return path
    folder, _, name = path.rpartition("/")
    room = width - cell_len(name) - 2  # "…/"
    if folder and room >= 2:
        return _middle_out(folder, room + 1) + "/" + name
    return _middle_out(name, width)


def _middle_out(text: str, width: int) -> str:
    """`text` in `width` cells, its middle replaced by an ellipsis (more of the end kept than the start)."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    keep = width - 1
    head = _cells_from_start(text, keep // 2)
    tail = _cells_from_end(text, keep - cell_len(head))
    return head + ELLIPSIS + tail


def _cells_from_start(text: str, width: int) -> str:
    taken, used = [], 0
    for ch in text:
        if used + cell_len(ch) > width:
            break
        taken.append(ch)
        used += cell_len(ch)
    return "".join(taken)


def _cells_from_end(text: str, width: int) -> str:
    return _cells_from_start(text[::-1], width)[::-1]
