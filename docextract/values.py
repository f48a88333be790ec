"""Value rules of the record contract: numbers, targets/actuals, and text with layout debris removed."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from docextract.model import Measure

BLANKS = {"", "-", "—", "－", "–", "--", "——", "/", "／"}

# Markup of HTML-emitting exports: known tag names only, opening, closing or self-closing, with attributes.
# Anything else between '<' and '>' is content: targets print '<5%，响应>2小时', '<=5%'.
_TAG_NAMES = ("a abbr b big blockquote body br caption center code col colgroup dd del div dl dt em font h1 h2 h3 "
              "h4 h5 h6 head hr html i img ins li mark nobr o:p ol p pre s small span strike strong sub sup table "
              "tbody td tfoot th thead tr tt u ul").split()
_ATTRIBUTE = r"""\s+[A-Za-z_:][-\w:.]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_TAG = re.compile(rf"</?(?:{'|'.join(map(re.escape, _TAG_NAMES))})(?:{_ATTRIBUTE})*\s*/?>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")  # &nbsp; &lt; &#8805;
# markdown table pipes: a run of them at either end of the text, or standing alone between spaces
_PIPE = re.compile(r"^\s*(?:\|\s*)+|(?:\s*\|)+\s*$|\s+\|(?:\s*\|)*\s+")
_SPACE = re.compile(r"\s+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def strip_debris(text: str) -> str:
    """HTML tags and markdown pipes are layout, never content; HTML entities are the characters they name."""
    if "&" in text:  # most cells hold none of these: skip the patterns
        text = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "|" in text:
        text = _PIPE.sub(" ", text)
    return text


@lru_cache(maxsize=16384)  # the same labels and values recur in every form; a paragraph at most each
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


@lru_cache(maxsize=65536)
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


@lru_cache(maxsize=65536)  # Measure is frozen: one per distinct text, shared
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


# ---------------------------------------------------------------- numbers as a recognizer reads them

# dashes and strokes a recognizer returns for a printed "—" (a blank amount), "一" above all
DASHES = BLANKS | {"一", "ー", "_", "~", "～", "·", ".", "。"}
_LEVEL_STROKES = set("一二三ー－—–-_~～")  # what a recognizer reads a dash or a rule line as
_DECIMAL_COMMA = re.compile(r"^([+-]?\d+)[,:;](\d{1,2})$")  # '15,00', '5:00': never a thousands comma
# a speck before a number that has its own decimal point ('.5.00', "'5,00"): a number never opens so
_LEADING_SPECK = re.compile(r"^['‘’`.,·]+(?=\d+[.,:]\d)")
_SPECK_DOT = re.compile(r"^[.·]\d+$")  # a number never opens with its point
_TRAILING_SPECK = re.compile(r"(?<=\.\d\d)[-_~'’`]+$")  # '10.00-'
# a round letter where the printed decimals need a digit ('10.0Q', 'Q.00'): only 0 is that round
_ROUND_DIGIT = re.compile(r"(?<=\d\.\d)[OoQD](?=$|%)|^[OoQD](?=\.\d\d)")
_TRAILING_DOT = re.compile(r"^(\d[\d,]*(?:\.\d+)?)[.,]$")  # '0.00.', '0.' (a speck after the last digit)


def is_dash(text: str | None) -> bool:
    """A cell a recognizer read as a dash or a stroke: the form printed no number there."""
    return text is not None and _SPACE.sub("", nfkc(text)) in DASHES


def read_number(text: str | None) -> float | None:
    """A number cell as a recognizer reads it: `try_number`, else the one line of the cell that is a
    number once unambiguous misreads of its separators are undone ('15,00' and '5:00' are 15.00 and
    5.00: a thousands comma has three digits after it; '365..00' is 365.00), the other lines being
    lone marks (a dash, a speck read as a letter). Anything else is no number: None."""
    if text is not None and _SPECK_DOT.match(text.strip()):
        return try_number(text.strip()[1:])  # '.15': a form prints 0.15, so the dot is a speck
    value = try_number(text)
    if value is not None or text is None:
        return value
    found: list[float] = []
    for line in text.splitlines():
        s = _SPACE.sub("", nfkc(line)).rstrip("%")
        if not s:
            continue
        value = try_number(_undo_separator_misreads(s))
        if value is not None:
            found.append(value)
        elif not (len(s) <= 2 and not any(ch.isdigit() for ch in s)):
            return None  # text, or digits that are no number: not for guessing
    return found[0] if len(found) == 1 else None


def _undo_separator_misreads(s: str) -> str:
    s = _LEADING_SPECK.sub("", s)
    s = _TRAILING_SPECK.sub("", s)
    s = _ROUND_DIGIT.sub("0", s)
    s = re.sub(r"(?<=\d)\.{2,}(?=\d)", ".", s)
    s = _DECIMAL_COMMA.sub(r"\1.\2", s)
    return _TRAILING_DOT.sub(r"\1", s)


_YUAN_GROUPS = re.compile(r"^[.,]?(\d{1,3}(?:[.,]\d{3})+)[.,]?$")  # '928.050', '1,500.000', '.928.050'


@lru_cache(maxsize=65536)
def read_yuan(text: str | None) -> float | None:
    """An amount in 元 as a recognizer reads it. 元 are printed with at most two decimals (a 分 is
    0.01 元), so digits grouped in threes behind points are thousands groups whose commas blur made
    points ('928.050' is 928,050; '1,500.000' is 1,500,000); otherwise as `read_number`."""
    if text is not None:
        m = _YUAN_GROUPS.match(_SPACE.sub("", nfkc(text)))
        if m and "." in m.group(1):
            return float(re.sub(r"[.,]", "", m.group(1)))
    return read_number(text)


_MEASURE_TEXT = re.compile(r"^(?P<op>[≥≤<>=≈]{0,2})(?P<num>[\d.,]*\d[\d.,]*)(?P<rest>.*)$")


@lru_cache(maxsize=65536)
def tidy_measure(text: str | None) -> str | None:
    """A target or actual value that is a measure ('≥100.00(家)', '85%'), with what a recognizer does
    to such text undone where the printed form is beyond doubt: a decimal point read as ','
    ('365,00(天)': a thousands comma has three digits after it) or doubled ('365..00'), a speck before
    or after the number ('.0', '0.'), '=' read as '≈' (no form prints '≈'), '%' in the unit bracket
    read as a digit ('≥90.00(5)': a unit is never a digit). Other text is returned as it is."""
    if text is None:
        return None
    s = text.strip()
    m = _MEASURE_TEXT.match(s)
    if not m or "\n" in s:
        return text
    op, num, rest = m.group("op"), m.group("num"), m.group("rest")
    op = op.replace("≈", "=")
    num = re.sub(r"\.{2,}", ".", num)
    num = re.sub(r"(?<=\d),(?=\d{1,2}$)", ".", num)
    if not op and re.fullmatch(r"\.\d+", num) and not rest:
        num = num[1:]
    num = re.sub(r"(?<=\d)\.$", "", num) if not rest else num
    if re.fullmatch(r"\d+\.\d{2}", num):
        rest = re.sub(r"^\(\d\)$", "(%)", rest)
    return op + num + rest


def is_debris(text: str | None) -> bool:
    """Free text (a 偏差原因 reason) that is no text: a few stray letters, digits or symbols, at most
    one Chinese character among them ('A 4', '☆', '上A': a seal's strokes or specks read as
    characters). A lone Chinese character is an answer ('无', '略'), and so is a number or a dash; but
    characters of level strokes alone ('二', '二一': a dash or a rule in faded ink) are no words."""
    if text is None:
        return False
    s = _SPACE.sub("", nfkc(text))
    if not s or s in BLANKS or is_number(s) or len(s) > 3:
        return False
    if all(ch in _LEVEL_STROKES for ch in s):
        return True
    chinese = sum("\u4e00" <= ch <= "\u9fff" for ch in s)
    stray = any(not ("\u4e00" <= ch <= "\u9fff") and not unicodedata.category(ch).startswith("P") for ch in s)
    return chinese <= 1 and stray
