"""The one summary a batch prints at its end."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from docextract.batch.runner import BatchSummary

LISTED_FAILURES = 20


def print_summary(summary: BatchSummary, console: Console) -> None:
    plan, totals = summary.plan, summary.totals
    console.print(
        f"[bold]{totals.documents}[/bold] documents, [bold]{totals.forms}[/bold] forms: "
        f"[green]{totals.verified} verified[/green], [yellow]{totals.flagged} flagged[/yellow], "
        f"[red]{totals.failed} failed[/red]")
    skipped = f"{plan.done} already done"
    if plan.failed:
        skipped += f", {plan.failed} failed before (--retry-failed redoes them)"
    console.print(f"this run: {len(plan.jobs)} extracted, {skipped}, {plan.duplicates} duplicate files",
                  highlight=False)
    failures = [*totals.failures, *plan.unreadable]
    for source, reason in failures[:LISTED_FAILURES]:
        console.print(f"[red]failed[/red] {escape(source)}: {escape(reason)}", highlight=False)
    if len(failures) > LISTED_FAILURES:
        console.print(f"… and {len(failures) - LISTED_FAILURES} more (documents sheet, csv/documents.csv)")
    exports = dict.fromkeys(path.relative_to(summary.outdir).parts[0] for path in summary.exports)
    console.print(f"wrote {', '.join(exports)} in {summary.outdir}", highlight=False)
