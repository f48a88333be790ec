"""The contract's fields as the evaluation scores them, and when a predicted value counts as right."""

from __future__ import annotations

from typing import Any

from rapidfuzz.distance import Levenshtein

from docextract.model import FUNDING_COLUMNS, FUNDING_ROWS
from docextract.values import compact

NUMBER_TOLERANCE = 0.005

# the numbers the checks vouch for: one of these wrong on a verified form is a silent error
NUMBER_FIELDS = frozenset({
    "year", "total_weight", "total_score", "indicators.weight", "indicators.score",
    *(f"funding.{row}.{col}" for row in FUNDING_ROWS for col in FUNDING_COLUMNS),
})
# free text, also scored by characters: long goals and reasons are rarely exact on hard scans
TEXT_FIELDS = frozenset({
    "project_name", "department", "implementing_unit", "goal_expected", "goal_actual",
    "indicators.level1", "indicators.level2", "indicators.name", "indicators.target", "indicators.actual",
    "indicators.deviation",
})
TAXONOMY_LEVELS = ("level1", "level2")

MISSING = object()  # a field of a form or row that was not found at all: never correct


def values_equal(gold: Any, pred: Any) -> bool:
    """Texts equal after NFKC without whitespace; numbers within NUMBER_TOLERANCE; blank equals None."""
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


def char_accuracy(gold: Any, pred: Any) -> float:
    """1 − normalized Levenshtein distance of the compared texts; a missing value scores 0."""
    if pred is MISSING:
        return 0.0
    return Levenshtein.normalized_similarity(compact(_text(gold)), compact(_text(pred)))


def _text(value: Any) -> str:
    return "" if value is None else str(value)
