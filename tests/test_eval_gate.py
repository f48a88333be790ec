"""The CI gate: main passes its committed baseline, and a broken mapper fails it.

The broken mappers are injected here (monkeypatched into the pipeline), never committed."""

from collections.abc import Callable
from pathlib import Path

import pytest

import docextract.pipeline
from docextract.evaluation.gate import GateResult, run_gate
from docextract.model import FormRecord

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "eval" / "datasets.json"
BASELINE = ROOT / "eval" / "baseline.json"


def gate() -> GateResult:
    return run_gate("ci", DATASETS, BASELINE)


def break_mapper(monkeypatch: pytest.MonkeyPatch, damage: Callable[[FormRecord], FormRecord]) -> None:
    real = docextract.pipeline.map_table
    monkeypatch.setattr(docextract.pipeline, "map_table", lambda table: [damage(r) for r in real(table)])


def swap_weight_and_score(record: FormRecord) -> FormRecord:
    rows = [row.model_copy(update={"weight": row.score, "score": row.weight}) for row in record.indicators]
    return record.model_copy(update={"indicators": rows})


def drop_last_row(record: FormRecord) -> FormRecord:
    return record.model_copy(update={"indicators": record.indicators[:-1]})


def misread_year(record: FormRecord) -> FormRecord:
    """The OCR-like slip no arithmetic check can see: 2024 read as 2021."""
    return record.model_copy(update={"year": record.year - 3 if record.year else None})


def test_main_passes_the_committed_baseline():
    outcome = gate()
    assert outcome.passed, outcome.failures
    assert outcome.summary["forms"] == 50  # 47 text-export forms + the sample's 3


def test_gate_fails_when_the_mapper_swaps_weight_and_score(monkeypatch):
    break_mapper(monkeypatch, swap_weight_and_score)
    outcome = gate()
    assert not outcome.passed
    assert any(f.startswith("field_accuracy fell") for f in outcome.failures)


def test_gate_fails_when_the_mapper_drops_a_row(monkeypatch):
    break_mapper(monkeypatch, drop_last_row)
    outcome = gate()
    assert any(f.startswith("row_recall fell") for f in outcome.failures)


def test_gate_fails_on_silent_errors(monkeypatch):
    break_mapper(monkeypatch, misread_year)
    outcome = gate()
    assert any(f.startswith("silent_errors rose") for f in outcome.failures), outcome.failures
    assert outcome.summary["silent_errors"] >= 40  # every verified form now holds a wrong number

