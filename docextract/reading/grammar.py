"""What a 年度指标值 / 实际完成值 cell can hold: a measure (an operator, a number, then a percent sign,
a unit, or a unit in brackets) or a short qualitative phrase; and the shape of each, for comparing a
reading with the column's other cells."""

from __future__ import annotations

import re

from docextract.values import nfkc

_OP = r"(?:>=|<=|≥|≤|>|<|=)"
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNIT = r"%|\((?:%|[\u4e00-\u9fff]{1,4}|[A-Za-z]{1,4})\)|[\u4e00-\u9fff]{1,4}|[A-Za-z]{1,3}"
_MEASURE = re.compile(rf"^(?P<op>{_OP})?(?P<num>{_NUMBER})(?P<unit>{_UNIT})?$")
# a phrase: Chinese words, maybe after an operator ('<=概算批复'), with the marks that join words
# inside; it never opens or closes with a stray mark, a digit or a Latin letter
_INSIDE = r"[\u4e00-\u9fff\d“”（）()、，,/\-.%]"
_PHRASE = re.compile(rf"^{_OP}?[\u4e00-\u9fff“（(](?:{_INSIDE}*[\u4e00-\u9fff”）)%])?$")


def measure_shape(text: str | None) -> str | None:
    """The shape of a target or actual value by what follows its number ('number %', 'number (unit)',
    'number alone'; the operator aside: targets have one, actuals rarely), or 'phrase'; None when the
    text is neither a measure nor a phrase (a stray mark at its edge, a digit after a percent sign)."""
    if not text:
        return None
    s = nfkc(text).replace(" ", "")
    m = _MEASURE.match(s)
    if m:
        unit = m.group("unit") or ""
        return "number " + (unit if unit in ("%", "(%)") else "(unit)" if unit.startswith("(") else
                            "unit" if unit else "alone")
    return "phrase" if _PHRASE.match(s) and any("\u4e00" <= ch <= "\u9fff" for ch in s) else None
