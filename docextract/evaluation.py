"""Field accuracy of predicted records against gold records.

Texts are compared after NFKC with whitespace removed, numbers within 0.005. Forms of one document are
aligned in order by similarity (so a missed or split form costs only itself), and indicator rows of one
form are aligned in order by name (so one missing row costs only its own fields).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from docextract.values import compact

NUMBER_TOLERANCE = 0.005
HEADER_FIELDS = ("year", "project_name", "department", "implementing_unit", "funding_unit",
                 "goal_expected", "goal_actual", "total_weight", "total_score", "grade")
FUNDING_ROWS = ("total", "appropriation", "carryover", "other")
FUNDING_COLUMNS = ("initial_budget", "annual_budget", "executed", "weight", "execution_rate", "score")
INDICATOR_FIELDS = ("level1", "level2", "name", "target", "actual", "weight", "score", "deviation")


MISSING = object()  # a field of a form or row that was not found at all: never correct


def values_equal(gold: Any, pred: Any) -> bool:
    if pred is MISSING:
        return False
    if gold is None or pred is None:
        return gold is None and (pred is None or pred == "")
    if isinstance(gold, (int, float)) and not isinstance(gold, bool):
        try:
            return abs(float(gold) - float(pred)) <= NUMBER_TOLERANCE
        except (TypeError, ValueError):
            return False
    return compact(str(gold)) == compact(str(pred))


@dataclass
class Mismatch:
    form: str
    field: str
    gold: Any
    pred: Any


@dataclass
class EvalResult:
    correct: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    form_correct: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    form_total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    gold_rows: int = 0
    found_rows: int = 0
    extra_rows: int = 0
    gold_forms: int = 0
    found_forms: int = 0
    extra_forms: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

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

    def per_field(self) -> dict[str, float]:
        return {k: self.correct[k] / self.total[k] for k in sorted(self.total)}

    def per_form(self) -> dict[str, float]:
        return {k: self.form_correct[k] / self.form_total[k] for k in self.form_total}

    def score(self, form: str, key: str, gold: Any, pred: Any) -> None:
        ok = values_equal(gold, pred)
        self.total[key] += 1
        self.form_total[form] += 1
        if ok:
            self.correct[key] += 1
            self.form_correct[form] += 1
        else:
            self.mismatches.append(Mismatch(form, key, gold, None if pred is MISSING else pred))

    def merge(self, other: EvalResult) -> None:
        for name in ("correct", "total", "form_correct", "form_total"):
            mine = getattr(self, name)
            for k, v in getattr(other, name).items():
                mine[k] += v
        for name in ("gold_rows", "found_rows", "extra_rows", "gold_forms", "found_forms", "extra_forms"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.mismatches.extend(other.mismatches)

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
            "per_field": {k: round(v, 6) for k, v in self.per_field().items()},
        }


def _align(gold: list, pred: list, similarity) -> list[tuple[int | None, int | None]]:
    """Order-preserving alignment maximizing total similarity (Needleman-Wunsch, zero gap cost)."""
    n, m = len(gold), len(pred)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            s = similarity(gold[i], pred[j])
            best[i][j] = max(best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + s if s > 0 else 0.0)
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        s = similarity(gold[i], pred[j])
        if s > 0 and best[i][j] == best[i + 1][j + 1] + s:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            pairs.append((i, None))
            i += 1
        else:
            pairs.append((None, j))
            j += 1
    pairs += [(k, None) for k in range(i, n)] + [(None, k) for k in range(j, m)]
    return pairs


def _text_similarity(a: Any, b: Any) -> float:
    a, b = compact(a), compact(b)
    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b) / 100.0


def _row_similarity(gold: dict, pred: dict) -> float:
    s = _text_similarity(gold.get("name"), pred.get("name"))
    return s if s >= 0.5 else 0.0


def _form_similarity(gold: dict, pred: dict) -> float:
    s = _text_similarity(gold.get("project_name"), pred.get("project_name"))
    same_total = values_equal(gold.get("total_score"), pred.get("total_score"))
    return s + (0.5 if same_total else 0.0) + 0.01  # any two forms may pair; names decide between them


def _get(record: dict | None, key: str) -> Any:
    return MISSING if record is None else record.get(key)


def compare_form(gold: dict, pred: dict | None, result: EvalResult, form_id: str) -> None:
    for key in HEADER_FIELDS:
        result.score(form_id, key, gold.get(key), _get(pred, key))
    gold_funding = gold.get("funding") or {}
    pred_funding = None if pred is None else (pred.get("funding") or {})
    for row in FUNDING_ROWS:
        for col in FUNDING_COLUMNS:
            g = (gold_funding.get(row) or {}).get(col)
            p = MISSING if pred_funding is None else (pred_funding.get(row) or {}).get(col)
            result.score(form_id, f"funding.{row}.{col}", g, p)
    gold_rows = gold.get("indicators") or []
    pred_rows = [] if pred is None else (pred.get("indicators") or [])
    result.gold_rows += len(gold_rows)
    for gi, pj in _align(gold_rows, pred_rows, _row_similarity):
        if gi is None:
            result.extra_rows += 1
            continue
        if pj is not None:
            result.found_rows += 1
        prow = pred_rows[pj] if pj is not None else None
        for key in INDICATOR_FIELDS:
            result.score(form_id, f"indicators.{key}", gold_rows[gi].get(key), _get(prow, key))


def compare_records(gold: list[dict], pred: list[dict], label: str = "") -> EvalResult:
    """Align the forms of one document and score every contract field."""
    result = EvalResult()
    result.gold_forms += len(gold)
    for gi, pj in _align(gold, pred, _form_similarity):
        if gi is None:
            result.extra_forms += 1
            continue
        form_id = gold[gi].get("id") or f"{label}#{gi + 1}"
        if pj is not None:
            result.found_forms += 1
        compare_form(gold[gi], pred[pj] if pj is not None else None, result, form_id)
    return result


_GOLD_KEY = re.compile(r"(\d{3})")


def gold_for(input_path: str | Path, gold_dir: str | Path) -> Path | None:
    """The gold file of an input: the first 3-digit group of its name (000_….txt, dev-000.scan.pdf)."""
    m = _GOLD_KEY.search(Path(input_path).name)
    if not m:
        return None
    candidate = Path(gold_dir) / f"{m.group(1)}.json"
    return candidate if candidate.exists() else None


def load_gold(path: str | Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))
