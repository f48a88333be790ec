"""Predicted records against gold records, field by field, and form by form.

Texts are compared after NFKC with whitespace removed, numbers within 0.005. Forms of one document are
aligned in order by similarity (so a missed or split form costs only itself), and indicator rows of one
form are aligned in order by name (so one missing row costs only its own fields).

Besides exact field accuracy a comparison keeps the character accuracy of free text, the taxonomy
alignment of each row against the gold categories, the category confusion, and for each form whether
every number matches gold: with the form's status that makes silent errors and false alarms.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from docextract.checks import check_record
from docextract.evaluation.align import align, form_similarity, row_similarity
from docextract.evaluation.fields import (
    MISSING, NUMBER_FIELDS, TAXONOMY_LEVELS, TEXT_FIELDS, char_accuracy, values_equal,
)
from docextract.evaluation.locate import locate
from docextract.model import FORM_FIELDS, FUNDING_COLUMNS, FUNDING_ROWS, INDICATOR_FIELDS, FormRecord
from docextract.taxonomy import align_record
from docextract.values import compact

ROW_MISSED = "(row missed)"  # the predicted category of a gold row that was not found


@dataclass
class Mismatch:
    form: str
    field: str  # field key, e.g. "indicators.score"
    gold: Any
    pred: Any  # None when the form or row was not found
    path: str | None = None  # the predicted record's field path, e.g. "indicators[3].score"
    prov: dict | None = None  # the predicted record's provenance of `path`: page, bbox, line…

    @property
    def is_number(self) -> bool:
        return self.field in NUMBER_FIELDS


@dataclass
class FormOutcome:
    """One form of the output judged as a whole: a gold form (found or missed) or an extra predicted one."""

    form: str
    project: str | None
    status: str | None  # the prediction's "verified" / "flagged"; None when missed or not checked
    wrong_numbers: list[str] = field(default_factory=list)  # field paths whose number differs from gold
    wrong_fields: int = 0  # fields of any kind (texts too) that differ from gold
    findings: list[str] = field(default_factory=list)  # the prediction's error findings, "check: message"
    in_gold: bool = True
    found: bool = True
    gold_fails_checks: bool = False  # the printed document is itself inconsistent (judged on false alarms)

    @property
    def numbers_match(self) -> bool:
        return self.in_gold and self.found and not self.wrong_numbers

    @property
    def silent_error(self) -> bool:
        """Verified, yet some number differs from gold: the checks vouched for a wrong number."""
        return self.status == "verified" and not self.numbers_match

    @property
    def verified_wrong(self) -> bool:
        """Verified, yet some field (a text too: a category in the wrong column) differs from gold."""
        return self.status == "verified" and (not self.numbers_match or self.wrong_fields > 0)

    @property
    def false_alarm(self) -> bool:
        """Flagged, yet every number matches gold."""
        return self.status == "flagged" and self.numbers_match


def _counter() -> defaultdict[str, int]:
    return defaultdict(int)


@dataclass
class EvalResult:
    correct: dict[str, int] = field(default_factory=_counter)
    total: dict[str, int] = field(default_factory=_counter)
    form_correct: dict[str, int] = field(default_factory=_counter)
    form_total: dict[str, int] = field(default_factory=_counter)
    text_score: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # Σ char accuracy
    text_total: dict[str, int] = field(default_factory=_counter)
    taxonomy_correct: dict[str, int] = field(default_factory=_counter)
    taxonomy_total: dict[str, int] = field(default_factory=_counter)
    categories: Counter = field(default_factory=Counter)  # (level, gold label, predicted label) -> rows
    gold_rows: int = 0
    found_rows: int = 0
    extra_rows: int = 0
    gold_forms: int = 0
    found_forms: int = 0
    extra_forms: int = 0
    llm_calls: int = 0
    llm_tokens: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    outcomes: list[FormOutcome] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        total = sum(self.total.values())
        return sum(self.correct.values()) / total if total else 1.0

    @property
    def row_recall(self) -> float:
        return self.found_rows / self.gold_rows if self.gold_rows else 1.0

    @property
    def row_precision(self) -> float:
        predicted = self.found_rows + self.extra_rows
        return self.found_rows / predicted if predicted else 1.0

    @property
    def char_accuracy(self) -> float:
        total = sum(self.text_total.values())
        return sum(self.text_score.values()) / total if total else 1.0

    @property
    def taxonomy_accuracy(self) -> float:
        total = sum(self.taxonomy_total.values())
        return sum(self.taxonomy_correct.values()) / total if total else 1.0

    @property
    def silent_errors(self) -> int:
        return sum(o.silent_error for o in self.outcomes)

    @property
    def verified_wrong(self) -> int:
        return sum(o.verified_wrong for o in self.outcomes)

    @property
    def false_alarms(self) -> int:
        return sum(o.false_alarm for o in self.outcomes)

    def status_count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    def per_field(self) -> dict[str, float]:
        return {k: self.correct[k] / self.total[k] for k in sorted(self.total)}

    def per_text_field(self) -> dict[str, float]:
        return {k: self.text_score[k] / self.text_total[k] for k in sorted(self.text_total)}

    def per_taxonomy_level(self) -> dict[str, float]:
        return {k: self.taxonomy_correct[k] / self.taxonomy_total[k] for k in sorted(self.taxonomy_total)}

    def per_form(self) -> dict[str, float]:
        return {k: self.form_correct[k] / self.form_total[k] for k in self.form_total}

    def score(self, form: str, key: str, gold: Any, pred: Any, path: str | None = None,
              prov: dict | None = None) -> bool:
        ok = values_equal(gold, pred)
        self.total[key] += 1
        self.form_total[form] += 1
        if ok:
            self.correct[key] += 1
            self.form_correct[form] += 1
        else:
            self.mismatches.append(Mismatch(form, key, gold, None if pred is MISSING else pred, path, prov))
        if key in TEXT_FIELDS:
            self.text_total[key] += 1
            self.text_score[key] += char_accuracy(gold, pred)
        return ok

    def merge(self, other: EvalResult) -> None:
        for f in dataclasses.fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, (dict, Counter)):
                for k, v in theirs.items():
                    mine[k] += v
            elif isinstance(mine, list):
                mine.extend(theirs)
            else:
                setattr(self, f.name, mine + theirs)

    def summary(self) -> dict[str, Any]:
        return {
            "field_accuracy": round(self.accuracy, 6),
            "fields": sum(self.total.values()),
            "row_recall": round(self.row_recall, 6),
            "row_precision": round(self.row_precision, 6),
            "gold_rows": self.gold_rows,
            "extra_rows": self.extra_rows,
            "forms": self.gold_forms,
            "forms_found": self.found_forms,
            "extra_forms": self.extra_forms,
            "text_char_accuracy": round(self.char_accuracy, 6),
            "taxonomy_accuracy": round(self.taxonomy_accuracy, 6),
            "verified": self.status_count("verified"),
            "flagged": self.status_count("flagged"),
            "silent_errors": self.silent_errors,
            "verified_wrong": self.verified_wrong,
            "false_alarms": self.false_alarms,
            "false_alarms_justified": sum(o.false_alarm and o.gold_fails_checks for o in self.outcomes),
            "llm_calls": self.llm_calls,
            "llm_tokens": self.llm_tokens,
            "per_field": {k: round(v, 6) for k, v in self.per_field().items()},
            "per_text_field": {k: round(v, 6) for k, v in self.per_text_field().items()},
            "per_taxonomy_level": {k: round(v, 6) for k, v in self.per_taxonomy_level().items()},
        }


def _get(record: dict | None, key: str) -> Any:
    return MISSING if record is None else record.get(key)


def _canonical(row: dict | None, level: str) -> Any:
    if row is None:
        return MISSING
    match = row.get(f"{level}_match")
    return match.get("canonical") if isinstance(match, dict) else None


class _FormScorer:
    """Scores the fields of one gold form against its predicted form (None when missed)."""

    def __init__(self, result: EvalResult, form_id: str, pred: dict | None):
        self.result, self.form_id, self.pred = result, form_id, pred
        self.provenance = (pred or {}).get("provenance") or {}
        self.wrong_numbers: list[str] = []
        self.wrong_fields = 0

    def score(self, key: str, gold: Any, pred: Any, path: str) -> None:
        """`path`: the field in the predicted record; for a missed row, in the gold record."""
        found = pred is not MISSING
        ok = self.result.score(self.form_id, key, gold, pred, path if found else None,
                               locate(path, self.provenance) if found else None)
        self.wrong_fields += not ok
        # a missed row with no number in gold holds no wrong number
        if not ok and key in NUMBER_FIELDS and (found or gold is not None):
            self.wrong_numbers.append(path if found else f"{path} (missed)")

    def header_and_funding(self, gold: dict) -> None:
        for key in FORM_FIELDS:
            self.score(key, gold.get(key), _get(self.pred, key), key)
        gold_funding = gold.get("funding") or {}
        pred_funding = None if self.pred is None else (self.pred.get("funding") or {})
        for row in FUNDING_ROWS:
            for col in FUNDING_COLUMNS:
                g = (gold_funding.get(row) or {}).get(col)
                p = MISSING if pred_funding is None else (pred_funding.get(row) or {}).get(col)
                self.score(f"funding.{row}.{col}", g, p, f"funding.{row}.{col}")

    def indicators(self, gold_rows: list[dict]) -> None:
        result = self.result
        pred_rows = [] if self.pred is None else (self.pred.get("indicators") or [])
        result.gold_rows += len(gold_rows)
        for gi, pj in align(gold_rows, pred_rows, row_similarity):
            if gi is None:
                result.extra_rows += 1
                if any(pred_rows[pj].get(k) is not None for k in ("weight", "score")):
                    self.wrong_numbers.append(f"indicators[{pj}]")  # a row gold does not have
                continue
            grow, prow = gold_rows[gi], (pred_rows[pj] if pj is not None else None)
            result.found_rows += prow is not None
            path = f"indicators[{gi if prow is None else pj}]"
            for key in INDICATOR_FIELDS:
                self.score(f"indicators.{key}", grow.get(key), _get(prow, key), f"{path}.{key}")
            for level in TAXONOMY_LEVELS:
                result.taxonomy_total[level] += 1
                result.taxonomy_correct[level] += values_equal(grow.get(level), _canonical(prow, level))
                predicted = ROW_MISSED if prow is None else compact(prow.get(level)) or "(blank)"
                result.categories[(level, compact(grow.get(level)) or "(blank)", predicted)] += 1


def _error_findings(record: dict) -> list[str]:
    return [f"{f.get('check')}: {f.get('message')}" for f in record.get("findings") or []
            if f.get("severity") == "error"]


def _llm_usage(record: dict) -> tuple[int, int]:
    """LLM calls and tokens of the record's LLM trace (`llm: {calls, tokens, …}`, absent without LLM)."""
    trace = record.get("llm") or {}
    return int(trace.get("calls") or 0), int(trace.get("tokens") or 0)


def gold_fails_checks(gold: dict) -> bool:
    """Whether the checks flag the gold record itself: then the printed document is inconsistent."""
    record = FormRecord.model_validate({k: v for k, v in gold.items() if k in FormRecord.model_fields})
    return check_record(align_record(record)).status == "flagged"


def compare_form(gold: dict, pred: dict | None, result: EvalResult, form_id: str) -> FormOutcome:
    scorer = _FormScorer(result, form_id, pred)
    scorer.header_and_funding(gold)
    scorer.indicators(gold.get("indicators") or [])
    outcome = FormOutcome(
        form=form_id, project=gold.get("project_name"), status=None if pred is None else pred.get("status"),
        wrong_numbers=scorer.wrong_numbers, wrong_fields=scorer.wrong_fields,
        findings=[] if pred is None else _error_findings(pred),
        found=pred is not None,
    )
    if outcome.false_alarm:
        outcome.gold_fails_checks = gold_fails_checks(gold)
    result.outcomes.append(outcome)
    return outcome


def compare_records(gold: list[dict], pred: list[dict], label: str = "") -> EvalResult:
    """Align the forms of one document and score every contract field."""
    result = EvalResult()
    result.gold_forms += len(gold)
    for record in pred:
        calls, tokens = _llm_usage(record)
        result.llm_calls += calls
        result.llm_tokens += tokens
    for gi, pj in align(gold, pred, form_similarity):
        if gi is None:
            result.extra_forms += 1
            extra = pred[pj]
            result.outcomes.append(FormOutcome(
                form=f"{label}: extra form {pj + 1}", project=extra.get("project_name"),
                status=extra.get("status"), findings=_error_findings(extra), in_gold=False,
            ))
            continue
        form_id = gold[gi].get("id") or f"{label}#{gi + 1}"
        if pj is not None:
            result.found_forms += 1
        compare_form(gold[gi], pred[pj] if pj is not None else None, result, form_id)
    return result
