"""`docextract eval` with an LLM endpoint configured ($DOCEXTRACT_LLM_*, its config file, OPENAI_BASE_URL):
the same inputs extracted twice, without the LLM and with it, both scored. The report is the run with the
LLM; its summary.json (`llm_comparison`) and report.md carry the figures of both runs side by side."""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib.util import find_spec
from typing import Any

from docextract.evaluation.datasets import DocumentCase
from docextract.evaluation.run import DocumentRun, extract_run, run_cases
from docextract.evaluation.summary import Evaluation
from docextract.settings import ExtractOptions, LLMSettings, SettingsError, load_llm_settings

FIGURES = ("field_accuracy", "row_recall", "row_precision", "silent_errors", "false_alarms", "verified",
           "flagged", "llm_calls", "llm_tokens")
PERCENT = ("field_accuracy", "row_recall", "row_precision")


def configured_llm() -> LLMSettings | None:
    """The endpoint the environment names, or None; SettingsError for one that cannot be used."""
    settings = load_llm_settings()
    if not settings.active:
        return None
    if find_spec("instructor") is None or find_spec("openai") is None:
        raise SettingsError("an LLM endpoint is configured but openai/instructor are not installed: "
                            "pip install 'docextract[llm]', or set DOCEXTRACT_LLM_POLICY=off")
    return settings


def _traces(runs: list[DocumentRun]) -> list[dict]:
    return [record["llm"] for run in runs for record in run.records if record.get("llm")]


@dataclass
class LLMComparison:
    settings: LLMSettings
    without: Evaluation
    with_llm: Evaluation

    def summary(self) -> dict[str, Any]:
        without, with_llm = self.without.overall.summary(), self.with_llm.overall.summary()
        traces = _traces(self.with_llm.runs)
        return {
            "model": self.settings.model,
            "prompts": sorted({trace["prompt_version"] for trace in traces}),
            "forms_reviewed": len(traces),
            "forms_changed": sum(bool(trace["accepted"]) for trace in traces),
            "forms_failed": sum(bool(trace["failure"]) for trace in traces),
            "without": {name: without[name] for name in FIGURES},
            "with": {name: with_llm[name] for name in FIGURES},
        }

    def table(self):  # -> docextract.report.tables.Table (imported here: report builds on evaluation)
        from docextract.report.tables import Table, pct

        s = self.summary()
        rows = [[name.replace("_", " "), *((pct(run[name]) if name in PERCENT else str(run[name]))
                                          for run in (s["without"], s["with"]))] for name in FIGURES]
        note = (f"model {s['model']}, prompts {', '.join(s['prompts']) or 'none used'}: {s['forms_reviewed']} "
                f"forms reviewed, {s['forms_changed']} changed, {s['forms_failed']} failed")
        return Table("with and without the LLM", ["figure", "without LLM", "with LLM"], rows, note)


def evaluate_with_llm(without: Evaluation, cases: list[DocumentCase], options: ExtractOptions, llm: LLMSettings,
                      on_done=None) -> Evaluation:
    """The cases extracted again with the LLM stage: that evaluation, carrying the comparison."""
    options = replace(options, llm=llm)
    runs = run_cases(cases, lambda case: extract_run(case, options), on_done)
    with_llm = Evaluation(without.name, runs)
    with_llm.llm = LLMComparison(llm, without, with_llm)
    return with_llm
