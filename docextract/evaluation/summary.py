"""An evaluation (scored runs of one dataset) as figures: overall, per input kind, per form.

`summary()` is what `summary.json` holds; its keys are stable, for trend lines and the baseline gate."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from docextract.evaluation.compare import EvalResult
from docextract.evaluation.run import DocumentRun

if TYPE_CHECKING:
    from docextract.evaluation.with_llm import LLMComparison

KIND_FIGURES = ("field_accuracy", "row_recall", "row_precision", "text_char_accuracy", "taxonomy_accuracy",
                "forms", "silent_errors", "verified_wrong", "false_alarms")


def _merged(runs: list[DocumentRun]) -> EvalResult:
    merged = EvalResult()
    for run in runs:
        merged.merge(run.result)
    return merged


def _timing(runs: list[DocumentRun]) -> dict[str, Any]:
    timed = [run for run in runs if run.seconds is not None]
    pages = sum(run.pages or 1 for run in timed)  # a failed document counts one page
    seconds = sum(run.seconds for run in timed)
    cpu = sum(run.cpu_seconds or 0.0 for run in timed)
    return {
        "pages": pages if timed else None,
        "seconds": round(seconds, 3) if timed else None,
        "cpu_seconds": round(cpu, 3) if timed else None,
        "seconds_per_page": round(seconds / pages, 4) if pages else None,
        "cpu_seconds_per_page": round(cpu / pages, 4) if pages else None,
    }


@dataclass
class Evaluation:
    name: str
    runs: list[DocumentRun]
    llm: LLMComparison | None = None  # with an LLM endpoint configured: this run against one without it

    @cached_property
    def overall(self) -> EvalResult:
        return _merged(self.runs)

    @cached_property
    def by_kind(self) -> dict[str, list[DocumentRun]]:
        kinds: dict[str, list[DocumentRun]] = defaultdict(list)
        for run in self.runs:
            kinds[run.kind or "failed"].append(run)
        return dict(sorted(kinds.items()))

    @property
    def fields_compared(self) -> int:
        return sum(self.overall.total.values())

    def nothing_compared(self) -> str:
        """Why no field was compared. An evaluation of nothing is a failure, not 100 % of 0 fields."""
        if not self.runs:
            return f"{self.name}: 0 fields compared: no input has a gold record"
        return f"{self.name}: 0 fields compared: its gold records hold no form ({len(self.runs)} documents)"

    @property
    def failed(self) -> list[DocumentRun]:
        return [run for run in self.runs if run.error]

    def kind_summary(self, runs: list[DocumentRun]) -> dict[str, Any]:
        figures = _merged(runs).summary()
        return {**{k: figures[k] for k in KIND_FIGURES}, "documents": len(runs), **_timing(runs)}

    def summary(self) -> dict[str, Any]:
        overall = self.overall.summary()
        per_field = overall.pop("per_field")
        return {
            "dataset": self.name,
            "documents": len(self.runs),
            "failed_documents": len(self.failed),
            **overall,
            **_timing(self.runs),
            "per_kind": {kind: self.kind_summary(runs) for kind, runs in self.by_kind.items()},
            "per_field": per_field,
            "per_form": {run.case.input.name: {form: round(acc, 6) for form, acc in run.result.per_form().items()}
                         for run in self.runs},
            **({"llm_comparison": self.llm.summary()} if self.llm else {}),
        }
