"""Order-preserving alignment of gold and predicted sequences (forms of a document, rows of a form)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rapidfuzz import fuzz

from docextract.evaluation.fields import values_equal
from docextract.values import compact

Pair = tuple[int | None, int | None]


def align(gold: Sequence, pred: Sequence, similarity: Callable[[Any, Any], float]) -> list[Pair]:
    """Pairs (gold index, pred index) maximizing total similarity (Needleman-Wunsch, zero gap cost);
    a gold item without partner pairs with None, and so does an extra predicted item."""
    n, m = len(gold), len(pred)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            s = similarity(gold[i], pred[j])
            best[i][j] = max(best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + s if s > 0 else 0.0)
    pairs: list[Pair] = []
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


def text_similarity(a: Any, b: Any) -> float:
    a, b = compact(a), compact(b)
    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b) / 100.0


def row_similarity(gold: dict, pred: dict) -> float:
    s = text_similarity(gold.get("name"), pred.get("name"))
    return s if s >= 0.5 else 0.0


def form_similarity(gold: dict, pred: dict) -> float:
    s = text_similarity(gold.get("project_name"), pred.get("project_name"))
    same_total = values_equal(gold.get("total_score"), pred.get("total_score"))
    return s + (0.5 if same_total else 0.0) + 0.01  # any two forms may pair; names decide between them
