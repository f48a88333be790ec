"""Value rules of the record contract: numbers, targets/actuals, and text with layout debris removed."""

from __future__ import annotations

import re
import unicodedata

from docextract.model import Measure

BLANKS = {"", "-", "—", "－", "–", "--", "——", "/", "／"}

_TAG = re.compile(r"<[^>]*>")
_PIPE = re.compile(r"(^\s*\|\s*)|(\s*\|\s*$)|(\s+\|\s+)")
_SPACE = re.compile(r"\s+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def strip_debris(text: str) -> str:
    """HTML tags and markdown pipes are layout, never content."""
    text = _TAG.sub(" ", text)
    text = _PIPE.sub(" ", text)
    return text


def clean_text(text: str | None) -> str | None:
    """Contract text: debris and OCR/wrap whitespace removed; a space survives only between two
    ASCII letters/digits ("Windows Server"). Blank or dash-only cells become None."""
    if text is None:
        return None
    text = strip_debris(text).strip()
    text = text.strip("\"'“”‘’").strip() if _stray_quotes(text) else text
    if text in BLANKS:
        return None
    parts = _SPACE.split(text)
    out = parts[0]
    for part in parts[1:]:
        if out and part and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(part[0]):
            out += " "
        out += part
    return out or None


def _stray_quotes(text: str) -> bool:
    """A quote at an end with no partner inside is debris; a quoted phrase ("“一网通办”积分") is content."""
    if not text:
        return False
    opening, closing = "\"'“‘", "\"'”’"
    starts = text[0] in opening and not any(c in text[1:] for c in closing + '"')
    ends = text[-1] in closing and not any(c in text[:-1] for c in opening + '"')
    return starts or ends or (len(text) >= 2 and text[0] == text[-1] == '"' and text.count('"') == 2)


def parse_number(text: str | None) -> float | None:
    """'2,936.70' -> 2936.7, '97.77%' -> 97.77, '-5' -> -5.0; blanks and dashes -> None.
    Raises ValueError for text that is neither blank nor a number."""
    if text is None:
        return None
    s = nfkc(strip_debris(text)).strip()
    s = _SPACE.sub("", s).rstrip("%").strip()
    if s in BLANKS:
        return None
    s = s.replace("，", ",")
    if not _NUMBER.match(s) or not any(ch.isdigit() for ch in s):
        raise ValueError(f"not a number: {text!r}")
    return float(s.replace(",", ""))


def try_number(text: str | None) -> float | None:
    try:
        return parse_number(text)
    except ValueError:
        return None


def is_number(text: str | None) -> bool:
    if text is None:
        return False
    try:
        return parse_number(text) is not None
    except ValueError:
        return False


_OPS = {"≥": "≥", ">=": "≥", "≧": "≥", "≤": "≤", "<=": "≤", "≦": "≤", ">": ">", "<": "<", "=": "=", "＝": "="}
_MEASURE = re.compile(
    r"^(?P<op>≥|≤|>=|<=|≧|≦|>|<|=)?\s*(?P<num>[+-]?\d[\d,]*(?:\.\d+)?)\s*(?P<unit>.*)$"
)


def parse_measure(text: str | None) -> Measure | None:
    """'≥100.00(家)' -> op ≥, 100.0, unit 家; '>=85%' -> ≥, 85, %; qualitative text keeps only text."""
    if text is None:
        return None
    s = nfkc(text).strip()
    m = _MEASURE.match(s)
    if not m:
        return Measure(text=text)
    unit = m.group("unit").strip().strip("()（）").strip() or None
    try:
        value = float(m.group("num").replace(",", ""))
    except ValueError:
        return Measure(text=text)
    op = _OPS.get(m.group("op")) if m.group("op") else None
    return Measure(text=text, op=op, value=value, unit=unit)


def compact(text: str | None) -> str:
    """Comparison key: NFKC with all whitespace removed."""
    return _SPACE.sub("", nfkc(text or ""))
