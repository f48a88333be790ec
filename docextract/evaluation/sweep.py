"""Accuracy against scan degradation: gold records drawn as a born-digital PDF by the fixture generator,
scanned at a grid of degradations (one parameter at a time, from a clean base), extracted and scored."""

from __future__ import annotations

import importlib
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from docextract.evaluation.compare import EvalResult, compare_records
from docextract.evaluation.run import process_cpu_seconds
from docextract.model import FormRecord
from docextract.settings import ExtractOptions

# values in order of increasing damage
AXES: dict[str, tuple[float, ...]] = {
    "dpi": (300, 200, 150, 120, 100),
    "skew": (0, 1, 2, 3, 4),  # max |rotation|, degrees
    "blur": (0, 0.8, 1.5, 2.0, 2.5),  # Gaussian sigma, pixels
    "noise": (0, 8, 16, 24, 32),  # Gaussian sigma, grey levels
    "jpeg": (92, 60, 35, 20, 10),  # JPEG quality
}
BASE = {"dpi": 200, "skew": 0, "blur": 0, "noise": 0, "jpeg": 92}  # each axis varies alone from here
KNEE_ACCURACY = 0.98


class SweepError(RuntimeError):
    """The sweep cannot run here (no fixture generator, bad axis)."""


def fixture_generator() -> Any:
    """`fixtures.generate` of the source tree: the generator ships with the repository, not the wheel."""
    root = Path(__file__).resolve().parents[2]
    if (root / "fixtures" / "generate.py").exists() and str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        return importlib.import_module("fixtures.generate")
    except ImportError as exc:
        raise SweepError(f"the sweep needs the fixture generator of a source checkout ({exc})") from None


def base_degradation() -> Any:
    """A clean 200-dpi scan: no skew, blur or noise, JPEG quality 92, no fade, no stamp."""
    return fixture_generator().Degradation(**BASE)


@dataclass
class SweepPoint:
    axis: str
    value: float
    result: EvalResult
    pages: int
    seconds: float
    cpu_seconds: float

    def figures(self) -> dict[str, Any]:
        s = self.result.summary()
        keep = ("field_accuracy", "row_recall", "row_precision", "text_char_accuracy", "forms", "forms_found",
                "verified", "silent_errors", "false_alarms")
        return {"axis": self.axis, "value": self.value, **{k: s[k] for k in keep}, "pages": self.pages,
                "seconds_per_page": round(self.seconds / self.pages, 3) if self.pages else None,
                "cpu_seconds_per_page": round(self.cpu_seconds / self.pages, 3) if self.pages else None,
                "silent_error_numbers": {o.form: o.wrong_numbers for o in self.result.outcomes if o.silent_error}}


def parse_axis(text: str) -> tuple[str, tuple[float, ...]]:
    """'dpi=300,150,100' -> ('dpi', (300.0, 150.0, 100.0))."""
    name, _, values = text.partition("=")
    if name not in AXES or not values:
        raise SweepError(f"axis {text!r}: expected NAME=V1,V2,… with NAME one of {', '.join(AXES)}")
    try:
        return name, tuple(float(v) for v in values.split(","))
    except ValueError:
        raise SweepError(f"axis {text!r}: values must be numbers") from None


def _degradation(base: Any, axis: str, value: float, seed: int) -> Any:
    typed = int(value) if axis in ("dpi", "jpeg") else value
    return replace(base, **{axis: typed, "seed": seed})


def run_sweep(gold: list[dict], axes: dict[str, tuple[float, ...]], options: ExtractOptions, seeds: int = 1,
              style: str = "ledger", on_point: Callable[[SweepPoint], None] | None = None) -> list[SweepPoint]:
    """Score every (axis, value) over `seeds` scans each; equal degradations are extracted once."""
    from docextract.output import record_json
    from docextract.pipeline import process_document

    generate = fixture_generator()
    base = base_degradation()
    records = [FormRecord.model_validate(g) for g in gold]
    done: dict[Any, tuple[EvalResult, int, float, float]] = {}
    points = []
    with tempfile.TemporaryDirectory(prefix="docextract-sweep-") as tmp:
        digital = Path(tmp) / "sweep.digital.pdf"
        generate.render_digital(records, digital, style=generate.STYLES[style])
        for axis, values in axes.items():
            for value in values:
                result, pages, seconds, cpu = EvalResult(), 0, 0.0, 0.0
                for seed in range(seeds):
                    degradation = _degradation(base, axis, value, seed)
                    if degradation not in done:
                        scan = Path(tmp) / "sweep.scan.pdf"
                        generate.render_scan(digital, scan, degradation)
                        wall, started = time.perf_counter(), process_cpu_seconds()
                        extracted = process_document(scan, options)
                        done[degradation] = (
                            compare_records(gold, [record_json(r) for r in extracted.forms], label=scan.name),
                            extracted.pages or 0, time.perf_counter() - wall, process_cpu_seconds() - started,
                        )
                    scored, n, s, c = done[degradation]
                    result.merge(scored)
                    pages, seconds, cpu = pages + n, seconds + s, cpu + c
                point = SweepPoint(axis, value, result, pages, seconds, cpu)
                if on_point:
                    on_point(point)
                points.append(point)
    return points


def knee(points: list[SweepPoint], axis: str, threshold: float = KNEE_ACCURACY) -> float | None:
    """The first value along `axis` (in sweep order: more damage) whose field accuracy is below threshold."""
    return next((p.value for p in points if p.axis == axis and p.result.accuracy < threshold), None)
