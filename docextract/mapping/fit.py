"""How well a cell's text fits a column role: the content half of the column alignment.

A text is read once into its `Shape` (a number, a dash, a measure such as '≥100.00(家)', an official
category or a piece of one, a short phrase, free text); each role prices the shapes it expects low and
the others high. The prices are in the alignment's unit (see `align.py`): about 1 for a doubtful fit,
4 and more for a text that cannot be of the role.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from docextract.labels import categories, key, points_of
from docextract.mapping.categories import MAX_LABEL_LENGTH, category_like, read_category, stacked
from docextract.mapping.cells import blank_number, number_of
from docextract.values import parse_measure, try_number

SHORT = 4  # characters: a qualitative target or actual ('高', '达成指标', '有效保障') is short
PHRASE = 8  # characters: ... and rarely longer than this, while a 三级指标 name often is


@dataclass(frozen=True)
class Shape:
    number: bool  # a plain number ('15.00', '2,936.70')
    percent: bool  # a number with '%'
    dash: bool  # printed blank ('-', '—', '/')
    measure: bool  # an operator, a unit or a percent with a number ('≥100.00(家)', '99%', '=100%')
    level1: float | None  # content cost as a level-1 category (None: not a category at all)
    level2: float | None
    number_line: bool  # one of its lines is a number, the others debris ('二4' above '15.00')
    length: int
    digits: bool


@lru_cache(maxsize=65536)
def shape(text: str) -> Shape:
    """The shape of a cell's text; a number as a recognizer reads one ('15,00', '10.0Q', a speck on a
    line of its own beside it) counts as a number."""
    k = key(text)
    number = number_of(text) is not None and not k.endswith("%")
    measured = parse_measure(k) if k else None
    unit = measured.unit if measured else None
    worded = bool(unit) and any(ch.isalnum() or ch in "%‰" for ch in unit)  # a unit, not a stray mark
    measure = bool(measured and measured.value is not None and (measured.op or worded or "%" in k))
    return Shape(number=number, percent=k.endswith("%") and try_number(k) is not None, dash=blank_number(text),
                 measure=measure, level1=_category_cost(k, 1), level2=_category_cost(k, 2),
                 number_line=any(_numberish(line) for line in text.splitlines()), length=len(k),
                 digits=any(ch.isdigit() for ch in k))


def _numberish(line: str) -> bool:
    """A number, or digits with one stray mark a recognizer added ('3>', '1O.00')."""
    k = key(line)
    return number_of(line) is not None or (sum(ch.isdigit() for ch in k) >= 1 and
                                           sum(not (ch.isdigit() or ch in ".,") for ch in k) <= 1 and len(k) >= 2)


def _category_cost(k: str, level: int) -> float | None:
    """0 for an official label of this level, a little more for the beginning or the end of one (cut by a
    page break or a wrap) or for labels stacked in one cell, more for an OCR-damaged label; None for a
    text that is no category."""
    cats = categories()
    own, other = (cats.level1, cats.level2) if level == 1 else (cats.level2, cats.level1)
    k = points_of(k)[0]
    if k in own:
        return 0.0
    if k in other:
        return 2.5
    if not k or any(ch.isdigit() for ch in k):
        return None
    if stacked(k, level):
        return 0.3
    if len(k) >= 2 and k in cats.prefixes:
        completions = cats.completions(k)
        return 0.5 if any(t in own for t in completions) else 1.5
    if category_like(k):  # the rest of a label cut by a page break ('指标', '效益指标')
        return 0.8
    found = read_category(k, level)
    if found is not None and found.term:
        return 1.0 if found.term in own else 2.0
    return None


@lru_cache(maxsize=65536)
def fit(text: str, roles: tuple[str, ...]) -> tuple[float, ...]:
    """The content cost of a cell's text under each of the roles."""
    return tuple(role_cost(text, role) for role in roles)


def role_cost(text: str, role: str) -> float:
    s = shape(text)
    if role in ("level1", "level2"):
        cost = s.level1 if role == "level1" else s.level2
        if cost is not None:
            return cost
        if s.number or s.measure or s.digits:
            return 6.0
        # a short text in a category's place may be a label the recognizer damaged beyond matching
        return 2.0 if s.length <= MAX_LABEL_LENGTH else 4.0
    category = min(c for c in (s.level1, s.level2, 9.0) if c is not None)
    if role in ("weight", "score"):
        if s.number:
            return 0.0
        if s.dash:
            return 0.3
        if s.number_line:
            return 1.5
        return 2.5 if s.percent else 6.0
    if role in ("target", "actual"):
        if s.measure or s.percent:
            return 0.0
        if s.number:
            return 0.8
        if s.dash:
            return 1.0
        if category == 0.0:
            return 3.0
        if s.length <= SHORT:
            return 0.3
        return 0.6 if s.length <= PHRASE else min(2.0, 0.6 + s.length / 40)
    if role == "name":
        if s.number:
            return 3.5
        if s.dash:
            return 3.0
        if s.measure:
            return 2.5
        if category == 0.0:
            return 2.0
        if category < 1.0:  # the beginning of a label: '服务对象满意度' names the 满意度 indicator
            return 0.6
        return 0.3 if s.length > 2 else 0.8
    if role == "deviation":
        if s.dash:
            return 0.3
        if s.number or s.percent:
            return 2.0
        if s.measure:
            return 1.5
        return 3.0 if category == 0.0 else 0.2
    return 4.0


@lru_cache(maxsize=16384)
def amount_fit(text: str, roles: tuple[str, ...]) -> tuple[float, ...]:
    """A cell of a funding row: every column holds a number or a dash (执行率 may carry '%')."""
    return tuple(_amount_cost(shape(text), role) for role in roles)


def _amount_cost(s: Shape, role: str) -> float:
    if s.number or s.dash or (s.percent and role == "execution_rate"):
        return 0.0
    if s.percent:
        return 1.0
    return 1.5 if s.number_line else 6.0
