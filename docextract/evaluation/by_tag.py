"""Figures per tag of a generated corpus: per damage kind, template variant and layout.

A generated document `<doc>.gold.json` has a sidecar `<doc>.tags.json` (`fixtures/corpus.py`): per form
its tags (`kind:lost_cell`, `variant:no_weight_column`, `layout:tabs`, …) and whether its printed
arithmetic verifies. A form counts for every tag it carries. Datasets without sidecars have no tags."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from docextract.evaluation.run import DocumentRun
from docextract.evaluation.summary import Evaluation

EXAMPLES = 3  # wrong fields kept per tag


def tags_file(gold: Path) -> Path | None:
    if not gold.name.endswith(".gold.json"):
        return None
    path = gold.with_name(gold.name.removesuffix(".gold.json") + ".tags.json")
    return path if path.exists() else None


class _Tally:
    def __init__(self) -> None:
        self.forms = self.found = self.exact = self.correct = self.total = 0
        self.silent = self.verified_wrong = self.false_alarms = self.verified = self.verifiable = self.verified_verifiable = 0
        self.examples: list[dict] = []

    def add(self, run: DocumentRun, form: str, verifies: bool) -> None:
        result = run.result
        outcome = next((o for o in result.outcomes if o.form == form), None)
        self.forms += 1
        self.found += bool(outcome and outcome.found)
        correct, total = result.form_correct.get(form, 0), result.form_total.get(form, 0)
        self.correct += correct
        self.total += total
        self.exact += bool(total) and correct == total
        self.silent += bool(outcome and outcome.silent_error)
        self.verified_wrong += bool(outcome and outcome.verified_wrong)
        self.false_alarms += bool(outcome and outcome.false_alarm)
        verified = bool(outcome and outcome.status == "verified")
        self.verified += verified
        self.verifiable += verifies
        self.verified_verifiable += verifies and verified
        if len(self.examples) < EXAMPLES:
            wrong = next((m for m in result.mismatches if m.form == form), None)
            if wrong is not None:
                self.examples.append({"document": run.case.input.name, "form": form, "field": wrong.path or wrong.field,
                                      "gold": wrong.gold, "pred": wrong.pred})

    def figures(self) -> dict[str, Any]:
        return {
            "forms": self.forms,
            "forms_found": self.found,
            "field_accuracy": round(self.correct / self.total, 6) if self.total else None,
            "exact_forms": round(self.exact / self.forms, 6) if self.forms else None,
            "silent_errors": self.silent,
            "verified_wrong": self.verified_wrong,
            "false_alarms": self.false_alarms,
            "verified": self.verified,
            "verifiable": self.verifiable,
            "verified_share": round(self.verified_verifiable / self.verifiable, 6) if self.verifiable else None,
            "examples": self.examples,
        }


def per_tag(evaluation: Evaluation) -> dict[str, dict[str, Any]]:
    """tag -> figures; empty when no document of the evaluation has tags."""
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    for run in evaluation.runs:
        path = tags_file(run.case.gold)
        if path is None:
            continue
        for form, info in json.loads(path.read_text(encoding="utf-8")).items():
            for tag in ["all", *info["tags"]]:
                tallies[tag].add(run, form, bool(info.get("verifies")))
    return {tag: tallies[tag].figures() for tag in sorted(tallies, key=lambda t: (t != "all", t))}


def markdown(tagged: dict[str, dict[str, Any]]) -> str:
    """The per-tag table and a few wrong fields per weak tag, for report.md."""
    if not tagged:
        return ""

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.2%}"

    lines = ["## per damage kind, template variant and layout", "",
             "_A form counts for every tag it carries. Verified share: of the forms whose printed arithmetic "
             "verifies (their expected record passes the checks)._", "",
             "| tag | forms | found | field acc. | exact forms | silent errors | verified, a field wrong | "
             "false alarms | verified share |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for tag, f in tagged.items():
        lines.append(f"| {tag} | {f['forms']} | {f['forms_found']} | {pct(f['field_accuracy'])} | "
                     f"{pct(f['exact_forms'])} | {f['silent_errors']} | {f['verified_wrong']} | {f['false_alarms']} | "
                     f"{pct(f['verified_share'])} |")
    lines += ["", "### wrong fields per tag (first examples)", ""]
    for tag, f in tagged.items():
        if tag != "all" and f["examples"] and (f["field_accuracy"] or 0) < 1:
            for e in f["examples"]:
                gold, pred = (str(v).replace("|", "\\|") for v in (e["gold"], e["pred"]))
                lines.append(f"- {tag}: {e['document']} {e['form']} `{e['field']}`: gold {gold} / got {pred}")
    return "\n".join([*lines, ""])
