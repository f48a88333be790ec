"""Record field paths ("funding.total.executed", "indicators[3].score", "total_score"): read one value,
or a copy of the record with one value replaced (copy-on-write, so a search can try thousands)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from docextract.checks.precision import numbers_of

__all__ = ["get_value", "numbers_of", "steps", "with_value"]

_STEP = re.compile(r"([a-z_0-9]+)(?:\[(\d+)\])?")


@lru_cache(maxsize=4096)  # a repair search replaces the same few paths hundreds of times
def steps(path: str) -> tuple[tuple[str, int | None], ...]:
    """'indicators[3].score' -> (('indicators', 3), ('score', None)); ValueError for a malformed path."""
    parts = [_STEP.fullmatch(part) for part in path.split(".")]
    if not path or any(match is None for match in parts):
        raise ValueError(f"not a record field path: {path!r}")
    return tuple((m.group(1), None if m.group(2) is None else int(m.group(2))) for m in parts)


def get_value(record: BaseModel, path: str) -> Any:
    value: Any = record
    for name, index in steps(path):
        value = getattr(value, name)
        if index is not None:
            value = value[index]
    return value


def with_value(model: BaseModel, path: str, value: Any) -> Any:
    """A copy of `model` with `path` set to `value`; only the objects on the path are copied."""
    return _replace(model, steps(path), value)


def _replace(model: Any, path: tuple[tuple[str, int | None], ...], value: Any) -> Any:
    (name, index), rest = path[0], path[1:]
    if name not in type(model).model_fields:
        raise ValueError(f"{type(model).__name__} has no field {name!r}")
    current = getattr(model, name)
    if index is None:
        new = _replace(current, rest, value) if rest else value
    else:
        items = list(current)
        items[index] = _replace(items[index], rest, value) if rest else value
        new = items
    return model.model_copy(update={name: new})

