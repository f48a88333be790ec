"""How a recognizer or parser misreads a printed number, undone one edit at a time.

Each candidate is the printed text with one misread reversed: a digit from its confusion group
(0/6/8/9, 1/7, 3/8, 5/6), a dropped digit put back, an inserted digit taken out, a lost decimal point
put back, an extra one taken out, or a thousands comma that was read as a point."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from docextract.values import nfkc, try_number

CONFUSION_GROUPS = ("0689", "17", "38", "56")
DIGITS = "0123456789"
_NOISE = re.compile(r"[\s%]")


def confusable(digit: str) -> str:
    return "".join(sorted({d for group in CONFUSION_GROUPS if digit in group for d in group} - {digit}))


@dataclass(frozen=True)
class Edit:
    text: str  # the printed text with the misread undone
    value: float
    what: str  # the misread, in words

    def __str__(self) -> str:
        return self.what


def normalized(printed: str) -> str:
    """'99.59 %' -> '99.59': the characters a misread can touch."""
    return _NOISE.sub("", nfkc(printed))


def decimals(text: str) -> int:
    return len(text.rpartition(".")[2]) if "." in text else 0


def undo_misreads(printed: str, max_decimals: int) -> list[Edit]:
    """Every number one misread away from `printed` and printed with at most `max_decimals`, each once
    (the first edit that yields it)."""
    text = normalized(printed)
    old = try_number(text)
    if old is None:
        return []
    found: dict[float, Edit] = {}
    for candidate, what in _one_edit(text):
        value = try_number(candidate)
        if value is not None and value != old and value not in found and decimals(candidate) <= max_decimals:
            found[value] = Edit(candidate, value, what)
    return list(found.values())


def _one_edit(text: str) -> Iterator[tuple[str, str]]:
    for i, char in enumerate(text):
        head, tail = text[:i], text[i + 1:]
        if char.isdigit():
            for digit in confusable(char):
                yield head + digit + tail, f"{digit} read as {char} at character {i + 1}"
            yield head + tail, f"extra digit {char} at character {i + 1}"
        elif char == ".":
            yield head + tail, "extra decimal point"
            yield head + "," + tail, "thousands comma read as a decimal point"
    for i in range(len(text) + 1):
        for digit in DIGITS:
            yield text[:i] + digit + text[i:], f"dropped digit {digit} at character {i + 1}"
    if "." not in text:
        for i in range(1, len(text)):
            if text[i - 1].isdigit() and text[i].isdigit():
                yield text[:i] + "." + text[i:], f"lost decimal point after character {i}"
