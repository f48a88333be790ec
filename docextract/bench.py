"""`docextract bench`: throughput printed with its figures (targets are stated, never asserted)."""

from __future__ import annotations

import resource
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from docextract.pipeline import process_document
from docextract.settings import ExtractOptions

console = Console()

FORMS_PER_SECOND_TARGET = 500  # text exports, parse + map + check
DIGITAL_PAGES_PER_SECOND_TARGET = 20
SCAN_CPU_SECONDS_PER_PAGE_TARGET = 2.5  # 200 dpi, 1 OCR thread
PEAK_RSS_MB_TARGET = 1536


@dataclass
class Timing:
    passes: list[float]  # wall seconds of each pass over the inputs
    cpu: float  # CPU seconds of all passes
    pages: int  # per pass
    forms: int  # per pass

    @property
    def wall(self) -> float:
        return sum(self.passes)

    @property
    def typical(self) -> float:
        """The median pass: a shared or throttled machine slows some passes, not the pipeline."""
        return statistics.median(self.passes)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_extraction(paths: list[Path], options: ExtractOptions, repeat: int = 1) -> Timing:
    passes = []
    cpu_started = time.process_time()
    for _ in range(repeat):
        pages = forms = 0
        started = time.perf_counter()
        for path in paths:
            result = process_document(path, options)  # what `extract` and `batch` run per document
            if result.error:
                raise SystemExit(f"{path}: {result.error.reason}")
            forms += len(result.forms)
            pages += result.pages or 0
        passes.append(time.perf_counter() - started)
    return Timing(passes, time.process_time() - cpu_started, pages, forms)


def run_bench(text_exports: list[Path], digital: list[Path], scanned: list[Path], repeat: int, threads: int) -> None:
    options = ExtractOptions(threads=threads)
    table = Table(title=f"docextract bench ({threads} OCR thread{'s' if threads > 1 else ''})")
    for column in ("input", "measured", "figure", "target"):
        table.add_column(column)
    if text_exports:
        first = time_extraction(text_exports, options)  # loads the label files and taxonomy, fills the caches
        t = time_extraction(text_exports, options, repeat)
        table.add_row(f"{len(text_exports)} text exports × {repeat}", f"{t.forms * repeat} forms, {t.wall:.2f} s",
                      f"{t.forms / t.typical:.0f} forms/s median pass ({t.forms * repeat / t.wall:.0f} all passes, "
                      f"{t.forms * repeat / t.cpu:.0f} per CPU-s; {first.forms / first.wall:.0f} the first pass)",
                      f"≥ {FORMS_PER_SECOND_TARGET} forms/s")
    if digital:
        time_extraction(digital, options)  # warm-up, as above
        t = time_extraction(digital, options, repeat)
        table.add_row(f"{len(digital)} born-digital PDFs × {repeat}", f"{t.pages * repeat} pages, {t.wall:.2f} s",
                      f"{t.pages / t.typical:.1f} pages/s median pass ({t.pages * repeat / t.wall:.1f} all passes, "
                      f"{t.pages * repeat / t.cpu:.1f} per CPU-s)", f"≥ {DIGITAL_PAGES_PER_SECOND_TARGET} pages/s")
    if scanned:
        time_extraction(scanned[:1], options)  # warm-up: model load and first-call costs are not per page
        t = time_extraction(scanned, options)
        table.add_row(f"{len(scanned)} scanned PDFs at {options.dpi} dpi", f"{t.pages} pages, {t.wall:.1f} s",
                      f"{t.cpu / t.pages:.2f} CPU-s/page, {t.wall / t.pages:.2f} s/page",
                      f"≤ {SCAN_CPU_SECONDS_PER_PAGE_TARGET} CPU-s/page")
    table.add_row("whole run", "peak RSS", f"{peak_rss_mb():.0f} MB", f"≤ {PEAK_RSS_MB_TARGET} MB")
    console.print(table)
