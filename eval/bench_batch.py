"""Batch throughput, printed: scanned pages/s with 1 and 2 local workers and with Ray on this machine, and
the manifest's overhead per document (hashing + the one-transaction store in the parent process).

    .venv/bin/python eval/bench_batch.py [--scans ../shared/samples/dev-001.scan.pdf ...] [--ray/--no-ray]

The scans are split into one file per form (by their `*.manifest.json`), as an archive holds them. Each
figure is wall time of a whole `run_batch` into a fresh folder: worker start-up and exports included;
Ray's own start-up is not (a cluster is usually up already) and is printed on its own.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

import fitz
from rich.console import Console

from docextract.batch import BatchOptions, run_batch
from docextract.batch.plan import fingerprint
from docextract.model import DocumentResult, FormRecord
from docextract.store import open_store, save_document

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_SCANS = [SHARED / "samples" / "dev-001.scan.pdf", SHARED / "samples" / "dev-002.scan.pdf"]
GOLD = Path(__file__).resolve().parents[1] / "fixtures" / "gold" / "002.json"
QUIET = Console(file=io.StringIO())
console = Console()


def split_by_form(scan: Path, folder: Path) -> None:
    """One PDF per form, named like the form's id (the record id takes the file's first 3 characters)."""
    manifest = json.loads(scan.with_name(scan.name.replace(".scan.pdf", ".manifest.json")).read_text())
    with fitz.open(scan) as pdf:
        for form in manifest["outputs"][0]["forms"]:
            first, last = form["pages"]
            part = fitz.open()
            part.insert_pdf(pdf, from_page=first - 1, to_page=last - 1)
            part.save(folder / f"{form['id']}.scan.pdf")
            part.close()


def pages_per_second(archive: Path, options: BatchOptions) -> tuple[float, int, float, float]:
    """Pages/s, pages, wall seconds, and the CPU seconds the local pool's workers spent (0 for Ray, whose
    workers are not this process's children): CPU per page holds even on a machine others load too."""
    with tempfile.TemporaryDirectory() as outdir:
        cpu_before = _children_cpu()
        started = time.perf_counter()
        summary = run_batch([str(archive)], Path(outdir), options, QUIET)
        seconds = time.perf_counter() - started
        cpu = _children_cpu() - cpu_before
        conn = open_store(outdir, create=False)
        pages = conn.execute("SELECT total(pages) FROM documents").fetchone()[0]
        conn.close()
    if summary.totals.failed:
        console.print(f"[yellow]{summary.totals.failed} documents failed: {summary.totals.failures[:3]}")
    return pages / seconds, int(pages), seconds, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def manifest_overhead(documents: int = 300) -> tuple[float, float, float]:
    """Milliseconds per document: sha256 of a 1 MB file; storing a 10-form result; planning's manifest read."""
    records = [FormRecord.model_validate(item) for item in json.loads(GOLD.read_text(encoding="utf-8"))]
    result = DocumentResult(source="x", kind="scan", forms=records, pages=10, seconds=1.0)
    with tempfile.TemporaryDirectory() as folder:
        blob = Path(folder, "blob.pdf")
        blob.write_bytes(bytes(range(256)) * 4096)
        hashing = statistics.median(_timed(lambda: fingerprint(blob)) for _ in range(50))
        conn = open_store(folder)
        store = statistics.median(
            _timed(lambda i=i: save_document(conn, f"{i:064x}", 1, [f"doc{i}.pdf"], result)) for i in range(documents))
        read = _timed(lambda: dict(conn.execute("SELECT sha256, status FROM manifest"))) / documents
        conn.close()
    return hashing * 1000, store * 1000, read * 1000


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scans", type=Path, nargs="+", default=DEFAULT_SCANS)
    parser.add_argument("--ray", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder)
        for scan in args.scans:
            split_by_form(scan, archive)
        console.print(f"archive: {len(list(archive.iterdir()))} scanned PDFs (one form each) from "
                      f"{', '.join(s.name for s in args.scans)}; load average before: "
                      f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (figures are wall time)")
        for workers in (1, 2):
            rate, pages, seconds, cpu = pages_per_second(archive, BatchOptions(workers=workers))
            console.print(f"local pool, {workers} worker{'s' * (workers > 1)}: {rate:.2f} scanned pages/s "
                          f"({pages} pages in {seconds:.1f} s; workers' CPU {cpu / pages:.2f} s per page)")
        if args.ray:
            import ray

            started = time.perf_counter()
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
            console.print(f"ray start-up (local instance, 2 CPUs): {time.perf_counter() - started:.1f} s")
            rate, pages, seconds, _ = pages_per_second(archive, BatchOptions(executor="ray", workers=2))
            ray.shutdown()
            console.print(f"ray, 2 CPUs on this machine: {rate:.2f} scanned pages/s ({pages} pages in {seconds:.1f} s)")

    hashing, store, read = manifest_overhead()
    console.print(f"manifest overhead per document: {hashing:.2f} ms hashing 1 MB + {store:.2f} ms storing a "
                  f"10-form result in one transaction + {read:.4f} ms reading the manifest to plan")


if __name__ == "__main__":
    main()
