"""The record fields a reviewer may correct, named by the record's field paths (`year`, `funding.total.executed`,
`indicators[3].score`: `docextract.repair.paths`, as findings, provenance and repairs name them), and how a
typed-in value becomes a field value.

Only the contract fields of `form-schema.md` are editable: the additions (parsed targets, taxonomy
matches, findings, status) are derived from them again after a correction.
"""

from __future__ import annotations

from typing import Any, Literal

from docextract.model import FUNDING_COLUMNS, FUNDING_ROWS, INDICATOR_FIELDS, FormRecord
from docextract.repair.paths import steps
from docextract.values import parse_number

FieldKind = Literal["text", "number", "year"]

HEADER_FIELDS = ("year", "project_name", "department", "implementing_unit", "funding_unit")
GOAL_FIELDS = ("goal_expected", "goal_actual")
TOTAL_FIELDS = ("total_weight", "total_score", "grade")
NUMBER_FIELDS = frozenset({"total_weight", "total_score", "weight", "score", *FUNDING_COLUMNS})
MAX_TEXT_CHARS = 5000  # a corrected text; the longest cell of the gold records has 636 characters


class FieldError(ValueError):
    """A field path that names no editable field of the record, or a value that does not fit the field."""


def editable_paths(record: FormRecord) -> list[str]:
    """Every editable field of the record, in the order the form prints them."""
    funding = [f"funding.{row}.{column}" for row in FUNDING_ROWS for column in FUNDING_COLUMNS]
    indicators = [f"indicators[{i}].{part}" for i in range(len(record.indicators)) for part in INDICATOR_FIELDS]
    return [*HEADER_FIELDS, *funding, *GOAL_FIELDS, *indicators, *TOTAL_FIELDS]


def field_kind(path: str) -> FieldKind:
    leaf = path.rsplit(".", 1)[-1]
    return "year" if leaf == "year" else "number" if leaf in NUMBER_FIELDS else "text"


def check_editable(record: FormRecord, path: str) -> None:
    """FieldError unless `path` names an editable field of `record`."""
    if path in editable_paths(record):
        return
    try:
        (name, index), *rest = steps(path)
    except ValueError:
        raise FieldError(f"{path!r} is not a field path") from None
    if name == "indicators" and index is not None and index >= len(record.indicators):
        raise FieldError(f"{path}: the form has {len(record.indicators)} indicator rows")
    raise FieldError(f"{path!r} is not an editable field")


def coerce(record: FormRecord, path: str, value: Any) -> float | int | str | None:
    """A reviewer's value for the editable field at `path`: numbers as printed ("1,500,000.00", "97.77%") become
    numbers, blanks and dashes become null, text is kept as typed less surrounding spaces."""
    check_editable(record, path)
    kind = field_kind(path)
    if isinstance(value, bool) or not isinstance(value, str | int | float | None):
        raise FieldError(f"{path}: expected text, a number or null")
    if isinstance(value, str) and len(value := value.strip()) > MAX_TEXT_CHARS:
        raise FieldError(f"{path}: {len(value):,} characters, more than the limit of {MAX_TEXT_CHARS:,}")
    if kind == "text":
        text = None if value is None else str(value).strip()
        return text or None
    try:
        number = parse_number(value) if isinstance(value, str) or value is None else float(value)
    except ValueError:
        raise FieldError(f"{path}: {value!r} is not a number") from None
    if number is None or kind == "number":
        return number
    if not number.is_integer() or not 1900 <= number <= 2200:
        raise FieldError(f"{path}: {value!r} is not a year")
    return int(number)
