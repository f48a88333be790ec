"""What a report shows, as plain tables; the Markdown and HTML writers only render them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from docextract.evaluation.compare import FormOutcome, Mismatch
from docextract.evaluation.fields import TEXT_FIELDS
from docextract.evaluation.run import DocumentRun
from docextract.evaluation.summary import Evaluation

MAX_ROWS = 60  # of long lists (forms with errors, error examples)


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""
    omitted: int = 0  # rows left out past MAX_ROWS


@dataclass
class ErrorExample:
    run: DocumentRun
    mismatch: Mismatch
    outcome: FormOutcome | None = field(default=None)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def num(value: float | int | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    return str(value) if isinstance(value, int) else f"{value:.{digits}f}"


def value_text(value: Any, limit: int = 80) -> str:
    if value is None:
        return "∅"
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _capped(title: str, columns: list[str], rows: list[list[Any]], note: str = "") -> Table:
    return Table(title, columns, rows[:MAX_ROWS], note, max(0, len(rows) - MAX_ROWS))


def headline(evaluation: Evaluation) -> Table:
    s = evaluation.summary()
    rows = [
        ["field accuracy", pct(s["field_accuracy"]), f"{s['fields']} fields"],
        ["indicator-row recall", pct(s["row_recall"]), f"{s['gold_rows']} gold rows"],
        ["indicator-row precision", pct(s["row_precision"]), f"{s['extra_rows']} extra rows"],
        ["text character accuracy", pct(s["text_char_accuracy"]), "1 − normalized Levenshtein, free-text fields"],
        ["taxonomy-alignment accuracy", pct(s["taxonomy_accuracy"]),
         ", ".join(f"{k} {pct(v)}" for k, v in s["per_taxonomy_level"].items())],
        ["forms", str(s["forms"]), f"{s['forms_found']} found, {s['extra_forms']} extra"],
        ["verified / flagged", f"{s['verified']} / {s['flagged']}", ""],
        ["silent errors", str(s["silent_errors"]), "verified forms holding a number that differs from gold"],
        ["verified, any field wrong", str(s["verified_wrong"]),
         "verified forms holding any field (a text too) that differs from gold"],
        ["false alarms", str(s["false_alarms"]),
         f"flagged forms whose numbers all match gold; {s['false_alarms_justified']} on documents that "
         "themselves fail the checks"],
        ["documents (failed)", f"{s['documents']} ({s['failed_documents']})", ""],
        ["pages", str(s["pages"]), ""],
        ["seconds / page", num(s["seconds_per_page"], 3), f"CPU-seconds / page {num(s['cpu_seconds_per_page'], 3)}"],
        ["LLM calls / tokens", f"{s['llm_calls']} / {s['llm_tokens']}", ""],
    ]
    return Table(f"{evaluation.name}: headline figures", ["figure", "value", "detail"], rows)


def per_kind(evaluation: Evaluation) -> Table:
    rows = []
    for kind, runs in evaluation.by_kind.items():
        k = evaluation.kind_summary(runs)
        rows.append([kind, k["documents"], k["forms"], pct(k["field_accuracy"]), pct(k["row_recall"]),
                     pct(k["row_precision"]), pct(k["text_char_accuracy"]), pct(k["taxonomy_accuracy"]),
                     k["silent_errors"], k["false_alarms"], k["pages"], num(k["seconds_per_page"], 3),
                     num(k["cpu_seconds_per_page"], 3)])
    return Table("per input kind", ["kind", "documents", "forms", "field acc.", "row recall", "row precision",
                                    "char acc.", "taxonomy acc.", "silent errors", "false alarms", "pages",
                                    "s/page", "CPU-s/page"], rows)


def per_field(evaluation: Evaluation) -> Table:
    result = evaluation.overall
    text = result.per_text_field()
    rows = [[key, pct(acc), result.total[key] - result.correct[key], result.total[key],
             pct(text[key]) if key in TEXT_FIELDS and key in text else ""]
            for key, acc in sorted(result.per_field().items(), key=lambda kv: (kv[1], kv[0]))]
    return Table("per field (worst first)", ["field", "accuracy", "wrong", "scored", "char acc."], rows)


def _outcomes(evaluation: Evaluation) -> Iterator[tuple[DocumentRun, FormOutcome]]:
    for run in evaluation.runs:
        for outcome in run.result.outcomes:
            yield run, outcome


def silent_errors(evaluation: Evaluation) -> Table:
    rows = [[o.form, run.case.input.name, value_text(o.project, 30), ", ".join(o.wrong_numbers[:6])
             + (f" … (+{len(o.wrong_numbers) - 6})" if len(o.wrong_numbers) > 6 else "")]
            for run, o in _outcomes(evaluation) if o.silent_error]
    return _capped("silent errors: verified, yet a number differs from gold", ["form", "document", "project",
                   "wrong numbers"], rows)


def false_alarms(evaluation: Evaluation) -> Table:
    rows = [[o.form, run.case.input.name, "yes" if o.gold_fails_checks else "no",
             value_text("; ".join(o.findings), 160)]
            for run, o in _outcomes(evaluation) if o.false_alarm]
    return _capped("false alarms: flagged, yet every number matches gold",
                   ["form", "document", "document fails the checks itself", "error findings"], rows)


def _verdict(o: FormOutcome) -> str:
    if not o.in_gold:
        return "extra form"
    if not o.found:
        return "missed"
    if o.silent_error:
        return "SILENT ERROR"
    if o.false_alarm:
        return "false alarm"
    return "numbers ok" if o.numbers_match else "numbers wrong, flagged"


def forms(evaluation: Evaluation) -> Table:
    scored = [(run, o, run.result.per_form().get(o.form)) for run, o in _outcomes(evaluation)]
    scored.sort(key=lambda item: (item[2] if item[2] is not None else -1.0, item[1].form))
    rows = [[o.form, run.case.input.name, run.kind or "failed", o.status or "—", pct(accuracy),
             len(o.wrong_numbers), _verdict(o)]
            for run, o, accuracy in scored if accuracy != 1.0 or not o.numbers_match or o.status != "verified"]
    note = "forms with every field right, numbers matching and verified are left out"
    return _capped("forms (worst first)", ["form", "document", "kind", "status", "field acc.", "wrong numbers",
                                           "verdict"], rows, note)


def error_examples(evaluation: Evaluation, limit: int = MAX_ROWS) -> list[ErrorExample]:
    """Wrong values to look at: numbers on verified forms first, then other numbers, then text."""
    outcome_of = {(id(run), o.form): o for run, o in _outcomes(evaluation)}
    examples = [ErrorExample(run, m, outcome_of.get((id(run), m.form)))
                for run in evaluation.runs for m in run.result.mismatches]

    def priority(example: ErrorExample) -> tuple[int, int]:
        verified = example.outcome is not None and example.outcome.status == "verified"
        return (0 if example.mismatch.is_number and verified else 1 if example.mismatch.is_number else 2,
                0 if example.mismatch.pred is not None else 1)

    return sorted(examples, key=priority)[:limit]


def location(example: ErrorExample) -> str:
    prov = example.mismatch.prov or {}
    if prov.get("inferred"):
        return f"p. {prov['page']}, nothing read: where its row and column cross"
    if prov.get("page"):
        return f"p. {prov['page']}"
    if prov.get("line"):
        return f"line {prov['line']}"
    return ""
