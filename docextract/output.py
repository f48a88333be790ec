"""Writing records: JSON array, JSON lines, CSV (one row per form), and the terminal table."""

from __future__ import annotations

import csv
import io
import json

from rich.table import Table

from docextract.model import FUNDING_COLUMNS, FUNDING_ROWS, DocumentResult, FormRecord


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
    table = Table(title="docextract", show_lines=False)
    for column in ("document", "form", "pages", "project", "year", "total score", "status", "failed checks"):
        table.add_column(column, overflow="fold")
    for result in results:
        if result.error:
            table.add_row(result.source, "", "", f"[red]{result.error.reason}[/red]", "", "", "[red]error[/red]", "")
            continue
        for r in result.forms:
            status = "[green]verified[/green]" if r.status == "verified" else "[yellow]flagged[/yellow]"
            pages = f"{r.pages[0]}–{r.pages[1]}" if r.pages else ""
            failed = ", ".join(sorted({f.check for f in r.errors()}))
            score = "" if r.total_score is None else f"{r.total_score:g}"
            table.add_row(result.source, r.id or "", pages, r.project_name or "", str(r.year or ""), score,
                          status, failed)
    return table
