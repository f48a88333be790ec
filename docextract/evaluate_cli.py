"""`docextract eval`: extract inputs, compare with their gold records, print the figures."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

from docextract.evaluation import EvalResult, compare_records, gold_for, load_gold
from docextract.output import record_json
from docextract.pipeline import process_document
from docextract.settings import ExtractOptions

console = Console()


def evaluate_inputs(gold_dir: Path, inputs: list[Path], options: ExtractOptions) -> dict[str, EvalResult]:
    """EvalResult per input kind (text / digital / scan) plus "all"."""
    by_kind: dict[str, EvalResult] = defaultdict(EvalResult)
    for path in inputs:
        gold_path = gold_for(path, gold_dir)
        if gold_path is None:
            console.print(f"[yellow]skip[/yellow] {path}: no gold record in {gold_dir}")
            continue
        result = process_document(path, options)
        if result.error:
            console.print(f"[red]error[/red] {result.error}")
        pred = [record_json(r) for r in result.forms]
        scored = compare_records(load_gold(gold_path), pred, label=path.name)
        for kind in (result.kind or "error", "all"):
            by_kind[kind].merge(scored)
    return by_kind


def print_result(by_kind: dict[str, EvalResult], show_mismatches: int = 0) -> None:
    overall = by_kind["all"]
    fields = Table(title="field accuracy")
    fields.add_column("field")
    fields.add_column("accuracy", justify="right")
    fields.add_column("wrong", justify="right")
    for key, accuracy in overall.per_field().items():
        fields.add_row(key, f"{accuracy:.2%}", str(overall.total[key] - overall.correct[key]))
    console.print(fields)
    kinds = Table(title="per input kind")
    for column in ("kind", "forms", "found", "fields", "accuracy", "row recall", "row precision", "extra rows"):
        kinds.add_column(column)
    for kind, r in sorted(by_kind.items()):
        kinds.add_row(kind, str(r.gold_forms), str(r.found_forms), str(sum(r.total.values())), f"{r.accuracy:.4%}",
                      f"{r.row_recall:.2%}", f"{r.row_precision:.2%}", str(r.extra_rows))
    console.print(kinds)
    for m in overall.mismatches[:show_mismatches]:
        console.print(f"{m.form} {m.field}: gold={m.gold!r} pred={m.pred!r}", highlight=False, markup=False)


def run_eval(gold_dir: Path, inputs: list[Path], options: ExtractOptions, show_mismatches: int = 0) -> float:
    by_kind = evaluate_inputs(gold_dir, inputs, options)
    print_result(by_kind, show_mismatches)
    return by_kind["all"].accuracy
