"""Alignment of printed indicator labels to the official taxonomy and to the 三级指标 name library.

Printed values are never rewritten: alignment only adds an `Alignment` (canonical label + rapidfuzz score)
next to them. Importing this module reads nothing; the data files load on first use and every lookup is
cached, so the mapper can probe any cell text cheaply.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process

from docextract.model import Alignment, FormRecord
from docextract.values import nfkc

Level = Literal[1, 2]

_DATA = Path(__file__).parent / "data"

_NOT_LABEL_CHAR = re.compile(r"[\W_]")  # whitespace, punctuation, brackets: OCR debris in a label


@cache
def _data(name: str) -> dict:
    return json.loads((_DATA / name).read_text(encoding="utf-8"))


@cache
def _variants() -> dict[int, str]:
    return str.maketrans(_data("taxonomy.json")["traditional_to_simplified"])


def _key(text: str) -> str:
    """Comparison key: NFKC, simplified forms of the taxonomy's characters, no spaces or punctuation."""
    return _NOT_LABEL_CHAR.sub("", nfkc(text).translate(_variants()))


def suffix() -> str:
    """What every category label ends with (指标)."""
    return _data("taxonomy.json")["suffix"]


def level1_labels() -> list[str]:
    return list(_data("taxonomy.json")["level2_by_level1"])


def level2_labels(parent: str | None = None) -> list[str]:
    """Level-2 labels under `parent` (a canonical level-1 label), or all of them."""
    tree = _data("taxonomy.json")["level2_by_level1"]
    return list(tree[parent]) if parent in tree else [label for labels in tree.values() for label in labels]


@cache
def _category_choices(level: Level) -> tuple[list[str], list[str | None]]:
    """(keys, canonicals). Each label is matched whole and without its 指标 suffix, so a fragment such
    as '社会 效益' scores like the full label. The form's own header labels compete with canonical None:
    '绩效指标' is one character away from 效益指标 but is the heading of the indicator block."""
    config = _data("taxonomy.json")
    keys: list[str] = []
    canonicals: list[str | None] = []
    for label in level1_labels() if level == 1 else level2_labels():
        for key in dict.fromkeys((_key(label), _key(label.removesuffix(config["suffix"])))):
            keys.append(key)
            canonicals.append(label)
    for label in config["form_labels_not_categories"]:
        keys.append(_key(label))
        canonicals.append(None)
    return keys, canonicals


@lru_cache(maxsize=8192)  # Alignment is frozen: one per distinct label, shared
def align_category(text: str | None, level: Level, parent: str | None = None) -> Alignment:
    """Official level-1 / level-2 label for a printed category cell; canonical None below the cutoff or
    when two labels match about equally well (level-2 '效益指标' fits 经济/社会/生态效益指标 alike).
    `parent` (printed or canonical level-1 label) only breaks such ties in favour of its children: a
    printed level-2 label is aligned as printed even when it sits under another level-1 label."""
    children: tuple[str, ...] = ()
    if level == 2 and parent:
        parent_label, _ = _align_category(_key(parent), 1, ())
        children = tuple(level2_labels(parent_label)) if parent_label else ()
    canonical, score = _align_category(_key(text or ""), level, children)
    return Alignment(canonical=canonical, score=score)


@lru_cache(maxsize=8192)
def _align_category(key: str, level: Level, preferred: tuple[str, ...]) -> tuple[str | None, float]:
    if not key:
        return None, 0.0
    config = _data("taxonomy.json")
    cutoff, margin = config["category_score_cutoff"], config["ambiguity_margin"]
    keys, canonicals = _category_choices(level)
    best: dict[str | None, float] = {}
    for _, score, index in process.extract(key, keys, scorer=fuzz.ratio, limit=None):
        label = canonicals[index]
        best[label] = max(score, best.get(label, 0.0))
    top = max(best.values())
    contenders = [label for label, score in best.items() if score > top - margin]
    if len(contenders) > 1 and preferred:
        contenders = [label for label in contenders if label in preferred] or contenders
    if len(contenders) == 1 and contenders[0] is not None and top >= cutoff:
        return contenders[0], round(top, 2)
    # rejected: report how close the nearest official label came
    return None, round(max((score for label, score in best.items() if label is not None), default=0.0), 2)


@cache
def _name_library() -> tuple[dict[str, str], list[str]]:
    names = _data("indicator_names.json")["names"]
    by_key = {_key(name): name for name in names}
    return by_key, list(by_key)


@lru_cache(maxsize=8192)
def _suggest_name(key: str) -> tuple[str | None, float]:
    by_key, keys = _name_library()
    if key in by_key:
        return by_key[key], 100.0
    cutoff = _data("taxonomy.json")["name_score_cutoff"]
    match = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff) if key else None
    return (by_key[match[0]], round(match[1], 2)) if match else (None, 0.0)


@lru_cache(maxsize=8192)
def suggest_indicator_name(name: str | None) -> Alignment:
    """Closest 三级指标 name of the library (a suggestion: the printed name is never overwritten)."""
    canonical, score = _suggest_name(_key(name or ""))
    return Alignment(canonical=canonical, score=score)


def align_record(record: FormRecord) -> FormRecord:
    """A copy of the record whose indicators carry level1_match, level2_match and name_match."""
    indicators = []
    for indicator in record.indicators:
        level1 = align_category(indicator.level1, 1)
        level2 = align_category(indicator.level2, 2, indicator.level1)
        indicators.append(indicator.model_copy(update={
            "level1_match": level1, "level2_match": level2, "name_match": suggest_indicator_name(indicator.name),
        }))
    return record.model_copy(update={"indicators": indicators})
