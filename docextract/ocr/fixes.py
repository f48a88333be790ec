"""Recognizer confusions no printed text can mean, undone before the text leaves the OCR stage: numbers
regrouped, the form's own labels given their printed spelling, specks beside Chinese text dropped."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from rapidfuzz.distance import Levenshtein

from docextract import labels

# digits in groups of three, then decimals, with two or more separators: only the last one can be the
# decimal point, so blur that turned ',' into '.' (or back) is undone: '1.155,600.00' -> '1,155,600.00'
_GROUPED_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+[.,]\d{1,2}(?![\d.,])")


# a line that is one round glyph is the digit: a form prints no lone letter O, and the recognizer,
# without neighbours to judge by, reads a lone '0' as 'o' or 'O' about half the time
_LONE_ZERO = {"o", "O", "〇"}


def fix_recognized(text: str) -> str:
    if text in _LONE_ZERO:
        return "0"
    return _GROUPED_NUMBER.sub(_regroup, text)


def _regroup(match: re.Match[str]) -> str:
    *groups, decimals = re.split(r"[.,]", match.group())
    return ",".join(groups) + "." + decimals


# ---------------------------------------------------------------- the form's own labels

_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")
_LABEL_DEBRIS = re.compile(r"[\s()（）%:：;；,，.。、_·'\"“”‘’]+")
LABEL_SLACK = 2  # characters a label cell may carry besides the label and its bracket ("其中：")
SHORT_LABEL = 4  # labels shorter than this (执行率) are snapped to only from texts at least as long


@cache
def _form_labels() -> tuple[str, ...]:
    """Every printed label of the form (section and column headings, funding rows, title), longest
    first."""
    found: set[str] = {labels.title(), *labels.spellings("total"), *labels.spellings("grade")}
    for group in ("info", "funding_header", "funding_rows", "goal_header", "indicator_header"):
        for spellings in labels.spellings(group).values():
            found.update(spellings)
    return tuple(sorted((s for s in found if len(s) >= 3), key=lambda s: (-len(s), s)))


@cache
def _rivals() -> tuple[str, ...]:
    """Texts a damaged label must be closer to than to any of these: the indicator categories ('时效指标'
    is one character from the heading '绩效指标'), left to the taxonomy's aligner."""
    return tuple(t for t in labels.categories().terms if t not in _form_labels())


def labels_in(text: str) -> frozenset[str]:
    """The form labels a text holds as printed."""
    flat = re.sub(r"\s+", "", text)
    return frozenset(label for label in _form_labels() if label in flat)


def _allowed_edits(label: str) -> int:
    """Characters a label may be misread by: one, two for a long heading; the title one only, as the
    titles of other forms differ from it by two ('财政项目支出绩效评价表')."""
    return 1 if len(label) < 8 or label == labels.title() else 2


@lru_cache(maxsize=16384)
def snap_label(text: str, taken: frozenset[str] = frozenset()) -> str | None:
    """The form label a recognized label cell spells with a character or two misread ('年度资金总制',
    '实际完或情况', '执行军(%)', '项日资金(万元)'), with its bracket kept; else None. Only a cell that
    is the label, give or take a little decoration, is snapped: never a longer text that merely holds
    something like one, never a label printed as it is, never when two labels fit alike. `taken`:
    labels printed elsewhere in the row, which this cell is not ('级指标' beside 二级指标 and 三级指标
    is 一级指标)."""
    flat = re.sub(r"\s+", "", text)
    dashed = re.sub(r"[-—－]+(?=级)", "一", flat)  # '一级指标' is read '-级指标'
    if dashed != flat and any(label in dashed for label in _form_labels()):
        return dashed
    brackets = "".join(_BRACKETED.findall(dashed))
    core = _LABEL_DEBRIS.sub("", _BRACKETED.sub("", dashed))
    if not core or any(label in core for label in _form_labels() + _rivals()):
        return None
    best: list[tuple[str, int, int]] = []  # (label, window start, window end)
    best_rank = None
    for label in _form_labels() + _rivals():
        if label in taken:
            continue
        allowed = _allowed_edits(label)
        if len(core) > len(label) + allowed + (0 if len(label) == 3 else LABEL_SLACK):
            continue
        # a short label is never taken for a shorter text ('执行' is a word, not 执行率 less a character)
        shortest = len(label) - allowed if len(label) >= SHORT_LABEL else len(label)
        for width in range(max(1, shortest), min(len(core), len(label) + allowed) + 1):
            for start in range(len(core) - width + 1):
                rest = len(core) - width
                if rest > LABEL_SLACK or (len(label) == 3 and rest):
                    continue
                window = core[start:start + width]
                distance = Levenshtein.distance(window, label, score_cutoff=allowed)
                if distance > allowed or 3 * distance > len(label):
                    continue
                rank = (distance, rest)
                if best_rank is None or rank < best_rank:
                    best, best_rank = [(label, start, start + width)], rank
                elif rank == best_rank and all(b[0] != label for b in best):
                    best.append((label, start, start + width))
    if len(best) != 1 or best[0][0] not in _form_labels():
        return None
    label, start, end = best[0]
    return core[:start] + label + core[end:] + brackets


# ---------------------------------------------------------------- specks beside Chinese text

_LEADING_DEBRIS = re.compile(r"^[.·\-_~'‘’`,:;]+\s*(?=[\u4e00-\u9fff“（(])")
_TRAILING_DEBRIS = re.compile(r"(?<=[\u4e00-\u9fff”）)])\s*[.·\-_~'‘’`]+$")


_DOT_BEFORE_MARK = re.compile(r"(?<=[\u4e00-\u9fff”）)])[.·]+(?=[。，；：、])")


def strip_specks(text: str) -> str:
    """A speck read as an ASCII dot, hyphen or quote before or after Chinese text ('.实现', '-达成指标',
    '形成闭环管理.'): Chinese text is never opened with these, and closes with '。', not '.'; nor does
    a dot stand between Chinese text and its own punctuation ('经费.。')."""
    return _DOT_BEFORE_MARK.sub("", _TRAILING_DEBRIS.sub("", _LEADING_DEBRIS.sub("", text)))


def lone_speck(text: str) -> bool:
    """A line that is one Latin letter or one digit: beside lines of Chinese text in a cell, a speck."""
    t = text.strip()
    return len(t) == 1 and t.isascii() and t.isalnum()
