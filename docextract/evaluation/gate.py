"""The baseline gate: a change may not lower accuracy below, nor raise silent errors above, the committed
baseline (`eval/baseline.json`, figures per dataset)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docextract.evaluation.datasets import DEFAULT_DATASETS, load_dataset
from docextract.evaluation.run import DocumentRun, extract_run, run_cases
from docextract.evaluation.summary import Evaluation
from docextract.settings import ExtractOptions

DEFAULT_BASELINE = Path("eval/baseline.json")
GATED_ACCURACY = ("field_accuracy", "row_recall", "row_precision")
GATED_COUNTS = ("silent_errors",)
# the gold side of the dataset: when these change, the baseline belongs to another dataset
DATASET_SIZE = ("forms", "gold_rows", "fields")
RECORDED = (*GATED_ACCURACY, "text_char_accuracy", "taxonomy_accuracy", *GATED_COUNTS, "false_alarms",
            *DATASET_SIZE)
TOLERANCE = 1e-6  # summary figures are rounded to 6 places


def read_baseline(path: Path, dataset: str) -> dict[str, Any] | None:
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))["datasets"].get(dataset)


def write_baseline(path: Path, dataset: str, summary: dict[str, Any]) -> None:
    """Record `summary`'s gated figures as the baseline of `dataset`, keeping the other datasets'."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {
        "about": "Committed figures per dataset; `docextract eval gate` fails when accuracy falls below them "
                 "or silent errors rise above them. Update with `docextract eval gate --dataset NAME --update`.",
        "datasets": {},
    }
    data["datasets"][dataset] = {key: summary[key] for key in RECORDED}
    data["datasets"] = dict(sorted(data["datasets"].items()))
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def gate_failures(summary: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """Why `summary` does not pass `baseline`; empty when it passes."""
    failures = [
        f"dataset changed: {key} is {summary[key]}, the baseline has {baseline[key]}; update the baseline"
        for key in DATASET_SIZE if summary[key] != baseline[key]
    ]
    failures += [
        f"{key} fell to {summary[key]:.4%} from the baseline's {baseline[key]:.4%}"
        for key in GATED_ACCURACY if summary[key] < baseline[key] - TOLERANCE
    ]
    failures += [
        f"{key} rose to {summary[key]} from the baseline's {baseline[key]}"
        for key in GATED_COUNTS if summary[key] > baseline[key]
    ]
    return failures


def improvements(summary: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """Gated figures better than the baseline: worth locking in with --update."""
    better = [f"{key} {baseline[key]:.4%} -> {summary[key]:.4%}" for key in GATED_ACCURACY
              if summary[key] > baseline[key] + TOLERANCE]
    return better + [f"{key} {baseline[key]} -> {summary[key]}" for key in GATED_COUNTS
                     if summary[key] < baseline[key]]


@dataclass
class GateResult:
    evaluation: Evaluation
    summary: dict[str, Any]
    baseline: dict[str, Any] | None
    failures: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


def run_gate(dataset: str = "ci", datasets_file: Path = DEFAULT_DATASETS, baseline_file: Path = DEFAULT_BASELINE,
             options: ExtractOptions | None = None, on_done: Callable[[DocumentRun], None] | None = None) -> GateResult:
    """Extract and score `dataset` in this process, then hold its figures against the baseline."""
    options = options or ExtractOptions()
    runs = run_cases(load_dataset(dataset, datasets_file), lambda case: extract_run(case, options), on_done)
    evaluation = Evaluation(dataset, runs)
    summary = evaluation.summary()
    baseline = read_baseline(baseline_file, dataset)
    if not evaluation.fields_compared:
        failures = [evaluation.nothing_compared()]
    elif baseline:
        failures = gate_failures(summary, baseline)
    else:
        failures = [f"no baseline for {dataset} in {baseline_file}"]
    return GateResult(evaluation, summary, baseline, failures)
