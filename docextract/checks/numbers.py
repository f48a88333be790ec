"""Exact decimal arithmetic for printed 2-decimal values, and how numbers are written in messages."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache

from docextract.checks.rules import Rules

_ROUNDING = {"half_up": ROUND_HALF_UP, "truncate": ROUND_DOWN, "ceiling": ROUND_CEILING}
MODE_WORDS = {"half_up": "rounded", "truncate": "truncated", "ceiling": "rounded up"}
HUNDRED = Decimal(100)


@lru_cache(maxsize=65536)
def dec(value: float) -> Decimal:
    """The decimal the document printed: repr is the shortest round-tripping string (8.8, not 8.8000000000000007)."""
    return Decimal(repr(value))


@lru_cache(maxsize=65536)
def decimals_of(value: float) -> int:
    """Digits after the point in the value's shortest form: 8.8 -> 1, 8.875 -> 3."""
    return max(0, -dec(value).as_tuple().exponent)


def printings(exact: Decimal, rules: Rules) -> dict[str, Decimal]:
    """How the pack's rounding modes would print `exact`: mode -> printed value."""
    quantum = Decimal(1).scaleb(-rules.decimals)
    return {mode: exact.quantize(quantum, rounding=_ROUNDING[mode]) for mode in rules.rounding_modes}


def matching_modes(printed: float, exact: Decimal, rules: Rules) -> list[str]:
    return [mode for mode, value in printings(exact, rules).items() if value == dec(printed)]


def total(values: list[float | None]) -> Decimal:
    """Sum of printed values; a blank counts as 0 (the identity then fails unless the blank really was 0)."""
    return sum((dec(value) for value in values if value is not None), Decimal(0))


def close(a: Decimal, b: Decimal, rules: Rules) -> bool:
    return abs(a - b) <= dec(rules.sum_tolerance)


def amount(value: float | Decimal | None) -> str:
    return "blank" if value is None else f"{value:,.2f}"


def percent(value: float | Decimal, places: int = 2) -> str:
    return f"{value:.{places}f} %"


def alternatives(exact: Decimal, rules: Rules) -> str:
    """'97.77 (truncated) or 97.78 (rounded, rounded up)'."""
    by_value: dict[Decimal, list[str]] = {}
    for mode, value in printings(exact, rules).items():
        by_value.setdefault(value, []).append(MODE_WORDS[mode])
    return " or ".join(f"{value} ({', '.join(words)})" for value, words in by_value.items())
