"""Cached readings of cell texts: the same labels and numbers recur in every form."""

from __future__ import annotations

from functools import lru_cache

from docextract.values import is_dash, read_number


@lru_cache(maxsize=65536)
def number_of(text: str) -> float | None:
    """The number a number cell holds, read leniently where the reading is unambiguous (OCR's '15,00',
    a lone dash-like mark on a line of its own beside the number)."""
    return read_number(text)


@lru_cache(maxsize=65536)
def blank_number(text: str) -> bool:
    """A number cell printed with a dash (or read as one): no number, and nothing out of place."""
    return is_dash(text)
