"""How much a stretch of Chinese text reads like words: the best segmentation's log-probability under
jieba's bundled word-frequency dictionary (read from the installed package, nothing downloaded), with
the form's own vocabulary (its printed labels, the official categories, the 三级指标 library and the
phrases every form answers with) added as frequent words."""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources

from docextract import labels
from docextract.taxonomy import level1_labels, level2_labels

MAX_WORD = 8  # characters of the longest word looked up (the dictionary's longer ones are never found)
FORM_WORD = 0.001  # share of all word occurrences given to each word of the form's vocabulary


@cache
def _words() -> tuple[dict[str, float], float, float]:
    """Word -> count, the log of all counts, and the log-probability of a character no word covers.
    Logs are taken on look-up: a process looks up a few thousand of the 349,000 words."""
    parts = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8").split()
    counts: dict[str, float] = dict(zip(parts[0::3], map(int, parts[1::3])))  # word, count, part of speech
    total = sum(counts.values())
    for word in form_vocabulary():
        counts[word] = max(counts.get(word, 0), FORM_WORD * total)
    return counts, math.log(total), math.log(0.5 / total)


@cache
def form_vocabulary() -> frozenset[str]:
    """The form's own words: printed labels, the official categories, the indicator-name library and
    the data file's answer phrases (达成指标, 满意度…): those of two to MAX_WORD Chinese characters."""
    data = json.loads(resources.files("docextract").joinpath("data/form_vocabulary.json").read_text("utf-8"))
    names = json.loads(resources.files("docextract").joinpath("data/indicator_names.json").read_text("utf-8"))
    found = {labels.title(), *data["phrases"], *names["names"], *level1_labels(), *level2_labels()}
    for group in ("info", "funding_header", "funding_rows", "goal_header", "indicator_header"):
        for spellings in labels.spellings(group).values():
            found.update(spellings)
    return frozenset(w for w in found if 2 <= len(w) <= MAX_WORD and all(_cjk(ch) for ch in w))


def segment(text: str) -> tuple[float, list[str]]:
    """The best segmentation of `text` into dictionary words and its log-probability. Characters that
    are no Chinese character are left out (punctuation and digits are not judged here), and so are line
    breaks: a cell wraps its text inside words."""
    text = "".join(ch for ch in text if _cjk(ch))
    counts, log_total, unknown = _words()
    best: list[tuple[float, int]] = [(0.0, 0)] + [(-math.inf, 0)] * len(text)
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - MAX_WORD), end):
            piece = text[start:end]
            count = counts.get(piece)
            p = math.log(count) - log_total if count else unknown if len(piece) == 1 else None
            if p is not None and best[start][0] + p > best[end][0]:
                best[end] = (best[start][0] + p, start)
    words, end = [], len(text)
    while end > 0:
        start = best[end][1]
        words.append(text[start:end])
        end = start
    return best[-1][0], words[::-1]


def in_word(text: str, place: int) -> bool:
    """Whether the character at `place` of `text` is part of some dictionary word of two characters or
    more there (line breaks aside): then it reads as a word, however rare."""
    if not _cjk(text[place]):
        return False
    counts = _words()[0]
    flat = "".join(ch for ch in text if _cjk(ch))
    index = sum(_cjk(ch) for ch in text[:place])
    return any(flat[start:end] in counts for start in range(max(0, index - MAX_WORD + 1), index + 1)
               for end in range(max(index + 1, start + 2), min(len(flat), start + MAX_WORD) + 1))


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
