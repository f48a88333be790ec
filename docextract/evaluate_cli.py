"""`docextract eval`: accuracy against gold records, the baseline gate, the degradation sweep.

    docextract eval GOLD INPUT... [--pred FILE] [--report DIR]    the default command (`eval run`)
    docextract eval --dataset NAME [--report DIR]                  a dataset of eval/datasets.json
    docextract eval gate [--dataset ci] [--update]                 fail below the committed baseline
    docextract eval sweep [--forms N] [--axis dpi=300,150]         accuracy against scan degradation

Heavy modules (pipeline, OCR, matplotlib) are imported inside the commands: `docextract --help` stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import click
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from docextract.cli_options import Dpi, Threads
from docextract.evaluation.datasets import DEFAULT_DATASETS, DatasetError, DocumentCase
from docextract.evaluation.gate import DEFAULT_BASELINE
from docextract.model import shown_path
from docextract.settings import ExtractOptions

if TYPE_CHECKING:
    from docextract.evaluation.run import DocumentRun
    from docextract.evaluation.summary import Evaluation
    from docextract.report.tables import Table as ReportTable

console = Console()
err = Console(stderr=True)


class DefaultToRun(TyperGroup):
    """`docextract eval GOLD INPUT...`: arguments that do not start with a subcommand go to `run`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["run", *args]
        return super().parse_args(ctx, args)


eval_app = typer.Typer(cls=DefaultToRun, no_args_is_help=True,
                       help="Accuracy against hand-verified gold records; baseline gate; degradation sweep.")

Datasets = Annotated[Path, typer.Option(help="Dataset definitions (paths relative to its `root`).")]
ReportDir = Annotated[Path | None, typer.Option(help="Write summary.json, report.md and report.html here.")]


def _progress(run: DocumentRun) -> None:
    if run.error:
        err.print(f"[red]error[/red] {escape(run.error)}", highlight=False, soft_wrap=True)
    timing = f"  {run.seconds:.1f} s" if run.seconds is not None else ""
    compared = sum(run.result.total.values())
    accuracy = f"field accuracy {run.result.accuracy:.2%}" if compared else "no gold field to compare"
    err.print(f"{shown_path(run.case.input.name)}: {len(run.records)} forms, {run.pages or '?'} pages{timing}, "
              f"{accuracy}", highlight=False, markup=False, soft_wrap=True)


def _cases(gold: Path | None, inputs: list[Path], dataset: str | None, datasets: Path,
           predicted: list[dict] | None) -> list[DocumentCase]:
    from docextract.evaluation.datasets import cases_for_inputs, load_dataset
    from docextract.evaluation.predictions import PredictionIndex

    if dataset:
        if gold or inputs:
            raise typer.BadParameter("give either GOLD INPUT... or --dataset, not both")
        try:
            return load_dataset(dataset, datasets)
        except DatasetError as exc:
            raise typer.BadParameter(str(exc), param_hint="--dataset") from None
    if gold is None or not gold.exists():
        raise typer.BadParameter(f"gold {gold} not found" if gold else "GOLD is required (or --dataset)")
    if not inputs and predicted is None:
        raise typer.BadParameter("INPUT... is required, unless --pred gives the records")
    documents = inputs or [Path(name) for name in PredictionIndex(predicted or []).documents()]
    cases, unmatched = cases_for_inputs(documents, gold)
    for path in unmatched:
        err.print(f"[yellow]skip[/yellow] {escape(shown_path(str(path)))}: no gold record in "
                  f"{escape(shown_path(str(gold)))}", highlight=False, soft_wrap=True)
    return cases


KIND_COLUMNS = ("kind", "forms", "field acc.", "row recall", "row precision", "silent errors", "false alarms",
                "s/page")  # of the report's per-kind table: what fits a terminal


def _rich(table: ReportTable, columns: Sequence[str] | None = None) -> Table:
    """A report table for the terminal, with only `columns` (default: all)."""
    picked = [table.columns.index(c) for c in columns] if columns else range(len(table.columns))
    shown = Table(title=table.title, caption=f"… and {table.omitted} more" if table.omitted else None)
    for i in picked:
        shown.add_column(table.columns[i], overflow="fold")
    for row in table.rows:
        shown.add_row(*(str(row[i]) for i in picked))
    return shown


def print_evaluation(evaluation: Evaluation, show_mismatches: int = 0) -> None:
    from docextract.report import tables

    console.print(_rich(tables.headline(evaluation)))
    console.print(_rich(tables.per_kind(evaluation), KIND_COLUMNS))
    for table in (tables.silent_errors(evaluation), tables.false_alarms(evaluation)):
        if table.rows:
            console.print(_rich(table))
    fields = tables.per_field(evaluation)
    fields.title, fields.rows = "fields with errors", [row for row in fields.rows if row[2]]
    if fields.rows:
        console.print(_rich(fields))
    for m in evaluation.overall.mismatches[:show_mismatches]:
        console.print(f"{m.form} {m.path or m.field}: gold={m.gold!r} pred={m.pred!r}", highlight=False, markup=False)


def _write_report(evaluation: Evaluation, report: Path) -> None:
    from docextract.report import write_report

    written = write_report(evaluation, report)
    console.print("wrote " + ", ".join(str(p) for p in written[:3]), highlight=False)


def _with_llm(evaluation: Evaluation, cases: list[DocumentCase], options: ExtractOptions) -> Evaluation:
    """With an LLM endpoint configured, the cases again with the LLM: that run, carrying both figures."""
    from docextract.evaluation.with_llm import configured_llm, evaluate_with_llm
    from docextract.settings import SettingsError

    try:
        llm = configured_llm()
    except SettingsError as exc:
        raise typer.BadParameter(str(exc), param_hint="DOCEXTRACT_LLM_*") from None
    if llm is None:
        return evaluation
    err.print(f"again with the LLM ({llm.model} at {llm.base_url}):", highlight=False)
    with_llm = evaluate_with_llm(evaluation, cases, options, llm, _progress)
    console.print(_rich(with_llm.llm.table()))
    return with_llm


@eval_app.command("run")
def run(
    gold: Annotated[Path | None, typer.Argument(
        help="Gold: folder of NNN.json (matched by the first 3-digit group of input names) or one file.")] = None,
    inputs: Annotated[list[Path] | None, typer.Argument(
        help="Inputs to extract; with --pred, to pick from the predictions (default: all of them).")] = None,
    dataset: Annotated[str | None, typer.Option(help="A dataset of --datasets instead of GOLD INPUT...")] = None,
    pred: Annotated[Path | None, typer.Option(
        "--pred", help="Score these records (JSON array or JSON lines) instead of extracting.")] = None,
    report: ReportDir = None,
    mismatches: Annotated[int, typer.Option(min=0, help="Print up to this many wrong fields.")] = 0,
    min_accuracy: Annotated[float | None, typer.Option(
        min=0, max=1, help="Exit 1 when field accuracy is below this (0..1).")] = None,
    datasets: Datasets = DEFAULT_DATASETS,
    dpi: Dpi = 200,
    threads: Threads = 1,
) -> None:
    """Extract INPUTS (or read --pred) and score them against the gold records (the default command).

    Field accuracy per field, form and input kind; row recall and precision; character and taxonomy
    accuracy; silent errors and false alarms; seconds per page. Exit 1 when no field could be compared
    (no INPUT has a gold record)."""
    from docextract.evaluation.predictions import PredictionIndex, read_predictions
    from docextract.evaluation.run import extract_run, predicted_run, run_cases
    from docextract.evaluation.summary import Evaluation

    predicted = read_predictions(pred) if pred else None
    cases = _cases(gold, inputs or [], dataset, datasets, predicted)
    if predicted is not None:
        index = PredictionIndex(predicted)
        runs = run_cases(cases, lambda case: predicted_run(case, index), _progress)
    else:
        options = ExtractOptions(dpi=dpi, threads=threads)
        runs = run_cases(cases, lambda case: extract_run(case, options), _progress)
    evaluation = Evaluation(dataset or (gold.name if gold else "eval"), runs)
    if not evaluation.fields_compared:
        err.print(f"[red]error[/red] {escape(evaluation.nothing_compared())}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    if predicted is None:
        evaluation = _with_llm(evaluation, cases, options)
    print_evaluation(evaluation, mismatches)
    if report:
        _write_report(evaluation, report)
    accuracy = evaluation.overall.accuracy
    if min_accuracy is not None and accuracy < min_accuracy:
        err.print(f"field accuracy {accuracy:.4%} is below {min_accuracy:.4%}")
        raise typer.Exit(1)


@eval_app.command("gate")
def gate(
    dataset: Annotated[str, typer.Option(help="The dataset to gate on.")] = "ci",
    baseline: Annotated[Path, typer.Option(help="Committed figures per dataset.")] = DEFAULT_BASELINE,
    update: Annotated[bool, typer.Option("--update", help="Write the figures of this run as the baseline.")] = False,
    report: ReportDir = None,
    datasets: Datasets = DEFAULT_DATASETS,
    dpi: Dpi = 200,
    threads: Threads = 1,
) -> None:
    """Exit 1 when DATASET's accuracy falls below the baseline or its silent errors rise above it.

    Gated: field accuracy, row recall, row precision (may not fall), silent errors (may not rise)."""
    from docextract.evaluation.gate import improvements, run_gate, write_baseline
    from docextract.report import tables

    try:
        outcome = run_gate(dataset, datasets, baseline, ExtractOptions(dpi=dpi, threads=threads), _progress)
    except DatasetError as exc:
        raise typer.BadParameter(str(exc), param_hint="--dataset") from None
    if not outcome.evaluation.fields_compared:  # no figure to show, report or lock in
        err.print(f"[red]gate failed[/red] {escape(outcome.evaluation.nothing_compared())}", highlight=False,
                  soft_wrap=True)
        raise typer.Exit(1)
    console.print(_rich(tables.headline(outcome.evaluation)))
    if report:
        _write_report(outcome.evaluation, report)
    if update:
        write_baseline(baseline, dataset, outcome.summary)
        console.print(f"baseline of {dataset} written to {baseline}", highlight=False)
        return
    if outcome.passed:
        better = improvements(outcome.summary, outcome.baseline or {})
        hint = f"; better than the baseline: {'; '.join(better)} — lock in with --update" if better else ""
        console.print(f"[green]gate passed[/green] ({dataset} against {baseline}){hint}")
        return
    for failure in outcome.failures:
        err.print(f"[red]gate failed[/red] {escape(failure)}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@eval_app.command("sweep")
def sweep(
    gold: Annotated[Path, typer.Option(help="Gold records to draw and scan.")] = Path("fixtures/gold/001.json"),
    forms: Annotated[int, typer.Option(min=1, help="Use the first N forms of --gold.")] = 2,
    seeds: Annotated[int, typer.Option(min=1, help="Scans per point, each with its own random damage.")] = 1,
    axis: Annotated[list[str] | None, typer.Option(
        help="NAME=V1,V2,… by increasing damage (dpi, skew, blur, noise, jpeg); repeat. Default: all five.")] = None,
    style: Annotated[str, typer.Option(help="Fixture style: ledger, plain or wide.")] = "ledger",
    knee: Annotated[float, typer.Option(
        min=0, max=1, help="Field accuracy below which a point is past the knee.")] = 0.98,
    report: Annotated[Path, typer.Option(help="Write sweep.json, sweep.md and sweep.html here.")] = Path(
        "eval/reports/sweep"),
    threads: Threads = 1,
) -> None:
    """Plot accuracy and silent errors against scan dpi, skew, blur, noise and JPEG quality.

    Gold forms are drawn by the fixture generator and scanned at a grid of degradations (one parameter
    at a time from a clean 200-dpi scan), then extracted and scored."""
    from docextract.evaluation.gold import load_gold
    from docextract.evaluation.sweep import AXES, BASE, SweepError, SweepPoint, parse_axis, run_sweep
    from docextract.report.sweep import knees, write_sweep_report

    try:
        axes = dict(parse_axis(a) for a in axis) if axis else AXES
    except SweepError as exc:
        raise typer.BadParameter(str(exc), param_hint="--axis") from None
    records = load_gold(gold)[:forms]

    def progress(point: SweepPoint) -> None:
        r = point.result
        err.print(f"{point.axis}={point.value:g}: field accuracy {r.accuracy:.2%}, {r.found_forms}/{r.gold_forms} "
                  f"forms, silent errors {r.silent_errors}, {point.seconds:.1f} s", highlight=False)

    try:
        points = run_sweep(records, axes, ExtractOptions(threads=threads), seeds=seeds, style=style, on_point=progress)
    except SweepError as exc:
        err.print(f"[red]error[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
    about = (f"{len(records)} forms of {gold} ({style} style), {seeds} scan(s) per point; base: "
             + ", ".join(f"{k} {v}" for k, v in BASE.items()) + "; each axis varies alone.")
    write_sweep_report(points, report, knee, about)
    for name, value in knees(points, knee).items():
        console.print(f"knee {name}: {'none in the grid' if value is None else f'{value:g}'}", highlight=False)
    console.print(f"wrote {report}/sweep.md, sweep.html, sweep.json", highlight=False)
