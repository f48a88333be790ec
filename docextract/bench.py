"""`docextract bench`: throughput printed with its figures (targets are stated, never asserted)."""

from __future__ import annotations

import resource
import time
from pathlib import Path

from rich.console import Console

from docextract.pipeline import records_from_table
from docextract.sources import read_document

console = Console()
FORMS_PER_SECOND_TARGET = 500


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_bench(text_exports: list[Path], repeat: int) -> None:
    forms = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        for path in text_exports:
            forms += len(records_from_table(read_document(path)))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    console.print(f"text exports: {forms} forms in {wall:.2f} s wall ({cpu:.2f} CPU-s): "
                  f"{forms / wall:.0f} forms/s (target ≥ {FORMS_PER_SECOND_TARGET}) for parse + map + check")
    console.print(f"peak RSS: {peak_rss_mb():.0f} MB")
