"""Cached readings of cell texts: the same labels and numbers recur in every form."""

from __future__ import annotations

from functools import lru_cache

from docextract.values import try_number


@lru_cache(maxsize=65536)
def number_of(text: str) -> float | None:
    return try_number(text)
