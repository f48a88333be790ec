"""The `docextract` command. Thin: parses options, calls the pipeline, writes results."""

from __future__ import annotations

import sys
from contextlib import closing
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from docextract import output
from docextract.cli_options import Dpi, Threads, positive
from docextract.model import shown_path
from docextract.settings import ExtractOptions

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Verified structured records from 财政项目支出绩效自评表 (PDFs, scans, text exports).")
err = Console(stderr=True)


def _options(dpi: int, threads: int) -> ExtractOptions:
    return ExtractOptions(dpi=dpi, threads=threads)


class LLMChoice(str, Enum):
    off = "off"
    auto = "auto"
    always = "always"


class LLMModeChoice(str, Enum):
    json_schema = "json_schema"
    tools = "tools"
    json = "json"


LLM = "LLM (OpenAI-compatible endpoint)"


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="PDFs, images or text exports.")],
    as_json: Annotated[bool, typer.Option("--json", help="Write a JSON array of records.")] = False,
    as_jsonl: Annotated[bool, typer.Option("--jsonl", help="Write one JSON record per line.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Write one CSV row per form.")] = False,
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Output file (default: stdout).")] = None,
    dpi: Dpi = 200,
    threads: Threads = 1,
    llm: Annotated[LLMChoice | None, typer.Option(
        help="auto: only forms with failed checks or unplaced cells; always; off. Default: auto "
             "(it needs an endpoint: --llm-base-url, the config file or DOCEXTRACT_LLM_BASE_URL / OPENAI_BASE_URL).",
        rich_help_panel=LLM)] = None,
    llm_config: Annotated[Path | None, typer.Option(
        help="TOML file with an \\[llm] table (default: $DOCEXTRACT_LLM_CONFIG).", rich_help_panel=LLM)] = None,
    llm_base_url: Annotated[str | None, typer.Option(help="Endpoint, e.g. http://127.0.0.1:8080/v1.",
                                                     rich_help_panel=LLM)] = None,
    llm_api_key: Annotated[str | None, typer.Option(
        help="API key; prefer DOCEXTRACT_LLM_API_KEY, which stays out of the process list.",
        rich_help_panel=LLM)] = None,
    llm_model: Annotated[str | None, typer.Option(help="Model name.", rich_help_panel=LLM)] = None,
    llm_mode: Annotated[LLMModeChoice | None, typer.Option(help="instructor mode.", rich_help_panel=LLM)] = None,
    llm_timeout: Annotated[float | None, typer.Option(callback=positive, help="Seconds per request.",
                                                      rich_help_panel=LLM)] = None,
    llm_retries: Annotated[int | None, typer.Option(
        min=0, help="Retries after a failed request or an invalid answer.", rich_help_panel=LLM)] = None,
    llm_concurrency: Annotated[int | None, typer.Option(min=1, help="Forms in flight at once.",
                                                        rich_help_panel=LLM)] = None,
    llm_cache_dir: Annotated[str | None, typer.Option(help="Answer cache (default: ~/.cache/docextract/llm).",
                                                      rich_help_panel=LLM)] = None,
    no_llm_cache: Annotated[bool, typer.Option("--no-llm-cache", help="Always ask; store nothing.",
                                               rich_help_panel=LLM)] = False,
) -> None:
    """Extract every form of every FILE. A bad file is reported and skipped; the exit code is then 1."""
    import dataclasses

    from docextract.pipeline import process_document
    from docextract.settings import SettingsError, load_llm_settings

    if as_json + as_jsonl + as_csv > 1:
        raise typer.BadParameter("give one of them (run again for another format)",
                                 param_hint="--json / --jsonl / --csv")
    flags = {"policy": llm and llm.value, "base_url": llm_base_url, "api_key": llm_api_key, "model": llm_model,
             "mode": llm_mode and llm_mode.value, "timeout": llm_timeout, "retries": llm_retries,
             "concurrency": llm_concurrency, "cache_dir": llm_cache_dir}
    try:
        llm_settings = load_llm_settings(flags, llm_config)
    except SettingsError as exc:
        raise typer.BadParameter(str(exc), param_hint="--llm-config / DOCEXTRACT_LLM_*") from None
    if no_llm_cache:
        llm_settings = dataclasses.replace(llm_settings, cache_dir=None)
    if llm_settings.active:
        _require_llm_extra()
    options = dataclasses.replace(_options(dpi, threads), llm=llm_settings)
    results = []
    for path in files:
        result = process_document(path, options)
        if result.error:
            err.print(f"[red]error[/red] {escape(str(result.error))}", markup=True, highlight=False, soft_wrap=True)
        for warning in result.warnings:
            err.print(f"[yellow]warning[/yellow] {escape(shown_path(result.source))}: {escape(warning)}",
                      markup=True, highlight=False, soft_wrap=True)
        results.append(result)
    records = [r for result in results for r in result.forms]
    if llm_settings.active:
        from docextract.llm import LLMRunSummary

        err.print(str(LLMRunSummary.of(records)), highlight=False, soft_wrap=True)
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


def _require_llm_extra() -> None:
    from importlib.util import find_spec

    if find_spec("instructor") is None or find_spec("openai") is None:
        err.print("[red]error[/red] an LLM endpoint is configured but openai/instructor are not installed: "
                  "pip install 'docextract[llm]', or run with --llm off", highlight=False)
        raise typer.Exit(2)


# `docextract eval GOLD INPUT...`, `eval gate`, `eval sweep`: a sub-app whose commands import lazily
from docextract.evaluate_cli import eval_app  # noqa: E402

app.add_typer(eval_app, name="eval")


@app.command()
def bench(
    text: Annotated[list[Path] | None, typer.Option(help="Text exports (default: fixtures/seeds/*.txt).")] = None,
    digital: Annotated[list[Path] | None, typer.Option(help="Born-digital PDFs (default: the bundled dev-001).")] = None,
    scanned: Annotated[list[Path] | None, typer.Option(help="Scanned PDFs (default: the bundled dev-001 scan).")] = None,
    repeat: Annotated[int, typer.Option(min=1, help="Passes over the text exports and born-digital PDFs.")] = 20,
    threads: Threads = 1,
) -> None:
    """Print throughput and memory figures: forms/s (text), pages/s (born-digital), CPU-s/page (scans), peak RSS."""
    from docextract.bench import run_bench

    samples = Path("fixtures/samples")
    run_bench(text or sorted(Path("fixtures/seeds").glob("*.txt")),
              digital or [samples / "dev-001.digital.pdf"], scanned or [samples / "dev-001.scan.pdf"],
              repeat, threads)


class ExecutorChoice(str, Enum):
    local = "local"
    ray = "ray"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    xlsx = "xlsx"


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(
        metavar="INPUT", help="Files, folders (searched recursively) or glob patterns of PDFs, images, text exports.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder: database, forms.jsonl, csv/, XLSX.")],
    workers: Annotated[int | None, typer.Option(
        min=1, help="Documents at once. Default: the usable cores (local), the cluster's CPUs (ray).")] = None,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Redo documents that failed before.")] = False,
    executor: Annotated[ExecutorChoice, typer.Option(help="Run on this machine or on a Ray cluster.")] = ExecutorChoice.local,
    ray_address: Annotated[str | None, typer.Option(help="Ray cluster to join (default: start Ray here).")] = None,
    time_limit: Annotated[float | None, typer.Option(
        callback=positive, help="Seconds per document before it counts as failed.")] = None,
) -> None:
    """Extract an archive into OUT: resumable (finished documents are skipped), one error row per bad file.

    What the INPUTs reach but cannot read as files (a symbolic link loop, a linked folder, a FIFO, a folder
    named like a document) is named on stderr and in the summary. The exit code is 1 when any document in
    OUT failed or anything was skipped."""
    from docextract.batch import BatchOptions, print_summary, run_batch
    from docextract.batch.collect import InputNotFoundError
    from docextract.store import StoreError

    options = BatchOptions(workers=workers, retry_failed=retry_failed, executor=executor.value,
                           ray_address=ray_address, time_limit=time_limit)
    try:
        summary = run_batch(inputs, out, options, err)
    except (InputNotFoundError, StoreError) as exc:
        err.print(f"[red]error[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    print_summary(summary, Console(soft_wrap=True))
    if summary.totals.failed or summary.plan.unreadable or summary.skipped:
        raise typer.Exit(1)


def _open_batch_store(outdir: Path):
    """The database of an existing batch folder, or a one-line error and exit 1."""
    from docextract.store import StoreError, open_store

    try:
        return open_store(outdir, create=False)
    except StoreError as exc:
        err.print(f"[red]error[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


@app.command("export")
def export(
    outdir: Annotated[Path, typer.Argument(help="A batch output folder.")],
    formats: Annotated[list[ExportFormat] | None, typer.Option(
        "--format", help="jsonl, csv or xlsx; repeat for several (default: all).")] = None,
) -> None:
    """Write the exports of a batch folder again from its database."""
    from docextract.store import FORMATS, write_exports

    conn = _open_batch_store(outdir)
    with closing(conn):
        written = write_exports(conn, outdir, [f.value for f in formats] if formats else FORMATS)
    Console(soft_wrap=True).print("wrote " + ", ".join(map(str, written)), highlight=False)



Inputs = Annotated[list[Path] | None, typer.Option(
    "--inputs", help="Folder a batch read (repeatable): its files are shown beside their forms.")]


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    data: Annotated[Path, typer.Option(help="Data folder: database (a batch output folder works), uploads.")] = Path(
        "docextract-data"),
    inputs: Inputs = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Processes for jobs, and as many for POST /v1/extract. "
                                                              "Default: the usable cores.")] = None,
    max_upload_mb: Annotated[float, typer.Option(min=0.001, help="Largest file accepted, in MB.")] = 20,
    max_pages: Annotated[int, typer.Option(min=1, help="Most pages of a job's document.")] = 200,
    max_extract_pages: Annotated[int, typer.Option(min=1, help="Most pages for POST /v1/extract.")] = 10,
    time_limit: Annotated[float, typer.Option(
        callback=positive, help="Seconds per job document before it fails.")] = 600,
    max_json_kb: Annotated[float, typer.Option(min=1, help="Largest JSON request body (corrections), in KB.")] = 1024,
    max_auth_failures: Annotated[int, typer.Option(min=1, help="Wrong keys (API key or review sign-in) from one "
                                                   "client address within --auth-lockout seconds that lock it out "
                                                   "for as long (429).")] = 10,
    auth_lockout: Annotated[float, typer.Option(min=1, help="Seconds of a lock-out.")] = 300,
    keep_days: Annotated[float, typer.Option(min=0, help="Uploads and page images older than this are deleted "
                                             "(0: no age limit).")] = 30,
    keep_mb: Annotated[float, typer.Option(min=0, help="Uploads and page images past this total are deleted, oldest "
                                           "first (0: no size limit).")] = 10240,
    review_max_mpx: Annotated[float, typer.Option(min=0.1, help="Largest review page image in megapixels; a larger "
                                                  "page is rendered at a lower dpi.")] = 16,
) -> None:
    """Serve the HTTP API (/docs) and the review page (/review/). The key is $DOCEXTRACT_API_KEY.

    Records stay; uploads and page images go (--keep-days, --keep-mb) unless a queued job needs them.

    Lock-outs are counted per client address, in this process."""
    import uvicorn

    from docextract.batch.executors.local_pool import default_workers
    from docextract.service import ServiceSettings, create_app
    from docextract.service.settings import ServiceConfigError, api_key_from_env

    try:
        api_key = api_key_from_env()
    except ServiceConfigError as exc:
        err.print(f"[red]error[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    cores = workers or default_workers()
    settings = ServiceSettings(data=data, api_key=api_key, max_upload_bytes=int(max_upload_mb * 1024 * 1024),
                               max_pages=max_pages, max_extract_pages=max_extract_pages, extract_workers=cores,
                               job_workers=cores, time_limit=time_limit, inputs=tuple(inputs or ()),
                               max_json_bytes=int(max_json_kb * 1024), max_auth_failures=max_auth_failures,
                               auth_lockout=auth_lockout, keep_days=keep_days, keep_bytes=int(keep_mb * 1024 * 1024),
                               review_max_pixels=int(review_max_mpx * 1_000_000))
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


@app.command()
def review(
    outdir: Annotated[Path, typer.Argument(help="A batch output folder (or a server's data folder).")],
    inputs: Inputs = None,
    apply: Annotated[Path | None, typer.Option(
        "--apply", help="Store the corrections downloaded from a static review page first.")] = None,
    export_gold: Annotated[Path | None, typer.Option(
        "--export-gold", help="Write reviewed documents as NNN.json gold files here, instead of the pages.")] = None,
    include_unreviewed: Annotated[bool, typer.Option(
        "--include-unreviewed", help="With --export-gold: also documents with forms not marked reviewed.")] = False,
    flagged_only: Annotated[bool, typer.Option("--flagged-only", help="Pages for flagged forms only.")] = False,
    dpi: Annotated[int, typer.Option(min=30, max=300, help="Resolution of the page images.")] = 100,
) -> None:
    """Write OUTDIR/review/: static pages to review the forms beside their pages (opening on the flagged ones)."""
    from docextract.review.apply import PendingFileError, apply_pending
    from docextract.review.gold import export_gold as write_gold
    from docextract.review.site import write_site
    from docextract.review.sourcefiles import SourceFiles

    out = Console(soft_wrap=True, highlight=False)
    conn = _open_batch_store(outdir)
    with closing(conn):
        if apply:
            try:
                stored, problems = apply_pending(conn, apply)
            except PendingFileError as exc:
                err.print(f"[red]error[/red] {exc}", highlight=False, soft_wrap=True)
                raise typer.Exit(1) from None
            out.print(f"stored {stored} review entries from {apply}")
            for problem in problems:
                err.print(f"[yellow]not stored[/yellow] {problem}", highlight=False, soft_wrap=True)
        if export_gold:
            report = write_gold(conn, export_gold, include_unreviewed)
            out.print(f"wrote {len(report.written)} gold files in {export_gold}")
            for source, why in report.skipped:
                out.print(f"[yellow]skipped[/yellow] {source}: {why}")
            return
        index = write_site(conn, outdir, SourceFiles(outdir / "uploads", inputs or ()), dpi, flagged_only)
        out.print(f"wrote {index}")


if __name__ == "__main__":
    app()
