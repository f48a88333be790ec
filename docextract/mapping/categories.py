"""Printed category cells -> official category labels, and categories cut by a page break.

Exact labels and their cut-off beginnings are recognized by vocabulary; OCR-damaged labels in a
category column are aligned by the taxonomy's fuzzy matcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from docextract import labels, taxonomy

MAX_LABEL_LENGTH = 12
SHORT_FORM = 4  # characters before 指标 from which a label may be printed without it


@dataclass(frozen=True)
class CategoryText:
    term: str | None = None  # the official label the text spells (OCR spaces and damage removed)
    prefix: str | None = None  # the text only opens a label: the rest follows after a page break

    def levels(self) -> set[int]:
        """The levels the label (or every label the prefix opens) can sit at."""
        cats = labels.categories()
        terms = [self.term] if self.term else cats.completions(self.prefix or "")
        return {level for t in terms for level, group in ((1, cats.level1), (2, cats.level2)) if t in group}


@lru_cache(maxsize=4096)
def exact_category(k: str) -> CategoryText | None:
    """A label or a label's beginning, spelled exactly (whitespace already removed; points printed
    after it, '产出指标(70分)', left out)."""
    k = labels.points_of(k)[0]
    cats = labels.categories()
    if k in cats.terms:
        return CategoryText(term=k)
    if len(k) >= 2 and k in cats.prefixes:
        return CategoryText(prefix=k)
    return None


@lru_cache(maxsize=4096)
def category_like(k: str) -> bool:
    """A label, its beginning, the rest of a label cut by a page break ("指标", "效益指标"), or labels
    stacked in one cell."""
    return exact_category(k) is not None or k in labels.categories().suffixes or any(
        stacked(k, level) for level in (1, 2))


@lru_cache(maxsize=4096)
def read_category(k: str, level: int) -> CategoryText | None:
    """The category a cell of a category column holds; OCR-damaged labels fall back to fuzzy alignment."""
    k = labels.points_of(k)[0]
    found = exact_category(k)
    if found is not None or not k or len(k) > MAX_LABEL_LENGTH:
        return found
    for lvl in (level, 3 - level):
        canonical = taxonomy.align_category(k, lvl).canonical
        if canonical:
            return CategoryText(term=canonical)
    return None


def joined(prefix: str, rest: str) -> str | None:
    """The label a category cut by a page break spells once its rest is appended."""
    k = prefix + rest
    return k if k in labels.categories().terms else None


def short_form(text: str) -> bool:
    """A label printed without its 指标 ('社会效益', '服务对象满意度'): kept as printed, not completed. Only
    long labels are printed so; a short beginning ('社会', '成本') is a label cut off."""
    return len(text) >= SHORT_FORM and text + taxonomy.suffix() in labels.categories().terms


def complete(prefix: str, level1: str | None) -> str | None:
    """The only label a cut-off category can be, given the level-1 category it sits under."""
    cats = labels.categories()
    options = [t for t in cats.completions(prefix) if level1 is None or level1 in cats.parents.get(t, ())]
    return options[0] if len(options) == 1 else None


@lru_cache(maxsize=4096)
def stacked(k: str, level: int) -> tuple[str, ...] | None:
    """Two or more whole labels of one level printed one after another ("经济成本指标数量指标质量指标"): a
    category column whose rulings between rows were lost (a blurred scan). The one way to read the text so,
    else None."""
    cats = labels.categories()
    terms = cats.level1 if level == 1 else cats.level2
    ways = _splits(k, terms)
    return ways[0] if len(ways) == 1 and len(ways[0]) >= 2 else None


def _splits(k: str, terms: frozenset[str]) -> list[tuple[str, ...]]:
    """Every reading of `k` as whole labels in a row (at most two: enough to tell one from several)."""
    if not k:
        return [()]
    found: list[tuple[str, ...]] = []
    for term in terms:
        if k.startswith(term):
            found += [(term, *rest) for rest in _splits(k[len(term):], terms)]
            if len(found) > 1:
                break
    return found[:2]
