"""The one summary a batch prints at its end."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from docextract.batch.runner import BatchSummary
from docextract.model import shown_path

LISTED = 20  # failures, and skipped entries, listed before "… and N more"


def print_summary(summary: BatchSummary, console: Console) -> None:
    plan, totals = summary.plan, summary.totals
    console.print(
        f"[bold]{totals.documents}[/bold] documents, [bold]{totals.forms}[/bold] forms: "
        f"[green]{totals.verified} verified[/green], [yellow]{totals.flagged} flagged[/yellow], "
        f"[red]{totals.failed} failed[/red]")
    earlier = f"{plan.done} already done"
    if plan.failed:
        earlier += f", {plan.failed} failed before (--retry-failed redoes them)"
    console.print(f"this run: {len(plan.jobs)} extracted, {earlier}, {plan.duplicates} duplicate files",
                  highlight=False)
    _listed(console, "[red]failed[/red]", [*totals.failures, *plan.unreadable],
            "(documents sheet, csv/documents.csv)")
    _listed(console, "[yellow]skipped[/yellow]", [(entry.source, entry.reason) for entry in summary.skipped],
            "(printed on stderr as found)")
    if summary.warned:
        console.print(f"{summary.warned} documents read with warnings, such as skipped pages "
                      "(csv/documents.csv, column warnings)", highlight=False)
    exports = dict.fromkeys(path.relative_to(summary.outdir).parts[0] for path in summary.exports)
    console.print(f"wrote {', '.join(exports)} in {escape(shown_path(str(summary.outdir)))}", highlight=False)


def _listed(console: Console, label: str, entries: list[tuple[str, str]], more: str) -> None:
    for source, reason in entries[:LISTED]:
        console.print(f"{label} {escape(shown_path(source))}: {escape(reason)}", highlight=False)
    if len(entries) > LISTED:
        console.print(f"… and {len(entries) - LISTED} more {more}", highlight=False)
