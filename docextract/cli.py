"""The `docextract` command. Thin: parses options, calls the pipeline, writes results."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from docextract import output
from docextract.settings import ExtractOptions

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Verified structured records from 财政项目支出绩效自评表 (PDFs, scans, text exports).")
err = Console(stderr=True)

Dpi = Annotated[int, typer.Option(help="Render dpi for scanned pages.")]
Threads = Annotated[int, typer.Option(help="OCR threads.")]


def _options(dpi: int, threads: int) -> ExtractOptions:
    return ExtractOptions(dpi=dpi, threads=threads)


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="PDFs, images or text exports.")],
    as_json: Annotated[bool, typer.Option("--json", help="Write a JSON array of records.")] = False,
    as_jsonl: Annotated[bool, typer.Option("--jsonl", help="Write one JSON record per line.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Write one CSV row per form.")] = False,
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Output file (default: stdout).")] = None,
    dpi: Dpi = 200,
    threads: Threads = 1,
) -> None:
    """Extract every form of every FILE. A bad file is reported and skipped; the exit code is then 1."""
    from docextract.pipeline import process_document

    options = _options(dpi, threads)
    results = []
    for path in files:
        result = process_document(path, options)
        if result.error:
            err.print(f"[red]error[/red] {result.error}", markup=True, highlight=False)
        results.append(result)
    records = [r for result in results for r in result.forms]
    if as_json or as_jsonl or as_csv:
        text = output.to_json(records) if as_json else output.to_jsonl(records) if as_jsonl else output.to_csv(records)
        if out:
            out.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    else:
        console = Console(file=out.open("w", encoding="utf-8") if out else None)
        console.print(output.summary_table(results))
    if any(r.error for r in results):
        raise typer.Exit(1)


@app.command("eval")
def evaluate(
    gold_dir: Annotated[Path, typer.Argument(help="Folder of gold records: NNN.json per document.")],
    inputs: Annotated[list[Path], typer.Argument(help="Inputs; each is matched to NNN.json by the first 3 digits of its name.")],
    mismatches: Annotated[int, typer.Option(help="Print up to this many wrong fields.")] = 0,
    min_accuracy: Annotated[float | None, typer.Option(help="Exit 1 when field accuracy is below this (0..1).")] = None,
    dpi: Dpi = 200,
    threads: Threads = 1,
) -> None:
    """Extract INPUTS and print field accuracy against the gold records, per field and overall."""
    from docextract.evaluate_cli import run_eval

    accuracy = run_eval(gold_dir, inputs, _options(dpi, threads), show_mismatches=mismatches)
    if min_accuracy is not None and accuracy < min_accuracy:
        err.print(f"field accuracy {accuracy:.4%} is below {min_accuracy:.4%}")
        raise typer.Exit(1)


@app.command()
def bench(
    seeds: Annotated[list[Path] | None, typer.Argument(help="Text exports to time (default: fixtures/seeds).")] = None,
    repeat: Annotated[int, typer.Option(help="Passes over the inputs.")] = 20,
) -> None:
    """Print throughput figures: forms/s for parse + map + check on text exports."""
    from docextract.bench import run_bench

    run_bench(seeds or sorted(Path("fixtures/seeds").glob("*.txt")), repeat)


if __name__ == "__main__":
    app()
