"""Recognizer confusions no printed text can mean, undone before the text leaves the OCR stage."""

from __future__ import annotations

import re

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
