"""Which printed lines of a one-cell-per-line export belong to one wrapped cell.

A wrapped cell prints its lines one under the other, each as wide as its column but the last, and its
later lines alone on their line. Several cells of a row can only be told apart by those widths: the
grouping wins whose wrapped lines are full for their column (widths learnt from the rows of the same
table that allow one grouping only) and that does not end a cell at a full line the next line could
continue; one giving the target and the actual the same text (a common case) wins over all; of equally
likely ones, the one whose cells read as words (a wrap cuts no word). Narrow wraps (a column holding
three characters a line) are weighed with the usual ones, never preferred by order alone. The text
printed after a row's numbers is its 偏差原因, or the ends of its wrapped cells (a continuation row), read
with the same costs, where an end that closes a value's bracket or brackets its unit goes to that value.
Two goals printed one after the other may each end after both texts: a repeated goal tells where.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from itertools import combinations
from typing import Protocol, TypeVar

from rapidfuzz import fuzz

from docextract.labels import key
from docextract.reading.lexicon import segment

MAX_GROUPED_PIECES = 24  # more pieces before the numbers make no row: every wrap-like line end joins
WRAP_TOLERANCE = 2  # display columns a wrapped line ending in punctuation may exceed the line before it
MIN_WRAPPED_WIDTH = 8  # narrower full lines exist only in category columns
NOT_FULL = 100  # cost of a wrapped line narrower than its column
CUT_AT_FULL = 50  # cost of ending a cell at a full-width line when the next line could continue it
SAME_TEXT = 1000  # bonus of a grouping giving the target and the actual the same text
# costs on the scale of the groupings' (NOT_FULL …)
TAIL = 10  # of reading a group after the row's numbers as the end of a wrapped cell
WIDER_TAIL = 100  # of a cell's end wider than the cell's lines before it (than its column)
SAME_AFTER = 200  # bonus of ends that make the target and the actual read alike (cost if they part them)
BRACKET = 100  # bonus of an end that closes its cell's bracket or brackets its number's unit; cost of a misfit
FULL_SCORE_DEVIATION = 50  # of a 偏差原因 where no points were lost: the form asks for one where they were
TAIL_ROLES = ("name", "target", "actual")
SHORT_LINE = 0.75  # a paragraph's last line is shorter than this share of the widest line
PARAGRAPH_EVIDENCE = 0.3  # least evidence for a paragraph end: a line closing a sentence
REPEAT_START = 6  # characters the two goals begin with alike when the form repeats the goal as done
REPEAT = 0.95  # least likeness of two goals read as one repeated, once their ends are given back
REPEAT_GAIN = 0.05  # likeness that giving the ends back must gain over reading them in order
MAX_END_LINES = 48  # lines of the two goals' ends printed after both (narrow wraps: two characters a line)
_MEASURE_START = ("≥", "≤", "<", ">", "=")
_LINE_END_PUNCTUATION = "，。、；：！？”’）)》,.;:!?"
_SENTENCE_END = "。！？；.!?;”"
_UNIT = re.compile(r"^[(（][^()（）]{1,4}[)）]$")


class Printed(Protocol):
    """A cell's text as printed: lines joined by newlines, plus where it sits on its lines."""

    text: str
    first: bool  # opens its line
    last: bool  # ends its line

    @property
    def key(self) -> str: ...

    @property
    def indented(self) -> bool: ...


Grouping = list[list[Printed]]
T = TypeVar("T")


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def line_widths(piece: Printed) -> list[int]:
    return [display_width(line) for line in piece.text.split("\n")]


def open_parens(text: str) -> int:
    return text.count("(") + text.count("（") - text.count(")") - text.count("）")


def measure_like(piece: Printed) -> bool:
    return piece.key.startswith(_MEASURE_START)


def wraps_into(a: Printed, b: Printed, least: int = MIN_WRAPPED_WIDTH) -> bool:
    """Whether b may continue a in one cell: b is alone on the next line, a is wide enough to have
    wrapped (`least` display columns) and b no wider (but for punctuation hanging at its end), and b
    neither opens a measure ("≥85.00(%)") nor is a second number after a measure or a number."""
    if not (a.last and b.first and b.last) or measure_like(b):
        return False
    if b.key[:1].isdigit() and (measure_like(a) or a.key[:1].isdigit()):
        return False
    a_width, b_width = line_widths(a)[-1], line_widths(b)[0]
    overhang = WRAP_TOLERANCE if b.text.split("\n", 1)[0][-1:] in _LINE_END_PUNCTUATION else 0
    return a_width >= least and a_width >= b_width - overhang


def groupings(pieces: Sequence[Printed], want: int) -> list[Grouping]:
    """Every way to group the pieces, in order, into `want` cells joined only where `wraps_into`, then
    those that join narrow lines too (a form whose value columns hold three characters a line)."""
    n = len(pieces)
    if n <= want:
        return [[[p] for p in pieces]]
    if n > MAX_GROUPED_PIECES:
        return []
    joinable = {k for k in range(1, n) if wraps_into(pieces[k - 1], pieces[k], least=1)}
    out = []
    for cuts in combinations(range(1, n), want - 1):
        if all(k in joinable for k in range(1, n) if k not in cuts):
            bounds = (0, *cuts, n)
            out.append([list(pieces[a:b]) for a, b in zip(bounds, bounds[1:])])
    return sorted(out, key=narrow_wraps)  # stable: the usual wraps first, in enumeration order


def narrow_wraps(grouping: Grouping) -> bool:
    """Whether a grouping joins lines too narrow to have wrapped in a column of usual width."""
    return any(not wraps_into(a, b) for group in grouping for a, b in zip(group, group[1:]))


def joined_wraps(pieces: Sequence[Printed]) -> Grouping:
    """The pieces with every wrap-like line end joined (when no grouping into the wanted cells exists)."""
    groups: Grouping = []
    for n, piece in enumerate(pieces):
        if n and wraps_into(pieces[n - 1], piece):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return groups


def column_widths(options: list[list[Grouping]], columns: int) -> list[int]:
    """The widest line seen in each column among rows that can be grouped one way only."""
    widths = [0] * columns
    for row in options:
        if len(row) == 1:
            for n, group in enumerate(row[0][:columns]):
                widths[n] = max([widths[n]] + [w for piece in group for w in line_widths(piece)])
    return widths


def choose(options: list[Grouping], widths: list[int]) -> Grouping:
    """The most likely of the groupings of one row, given the column widths of its table."""
    costs = [grouping_cost(grouping, widths) for grouping in options]
    return least_costly(list(zip(costs, options, options)))


def least_costly(scored: list[tuple[float, Grouping, T]]) -> T:
    """The payload of the least costly (cost, cells, payload); of equally costly ones, the one whose
    cells read most like words (a wrap cuts no word in two: "达成指标", not "达成指" / "标")."""
    least = min(cost for cost, _, _ in scored)
    tied = [(cells, payload) for cost, cells, payload in scored if cost == least]
    if len(tied) == 1:
        return tied[0][1]
    return max(tied, key=lambda option: sum(segment(_text(group))[0] for group in option[0]))[1]


def grouping_cost(grouping: Grouping, widths: list[int]) -> int:
    """How unlikely a grouping of one row is: wrapped lines not full for their column, full lines cut off
    from their continuation; the target and the actual reading alike make it likely."""
    def full(piece: Printed, n: int) -> bool:
        return n < len(widths) and line_widths(piece)[-1] >= max(widths[n] - WRAP_TOLERANCE, MIN_WRAPPED_WIDTH)

    total = 0
    for n, group in enumerate(grouping):
        total += NOT_FULL * sum(not full(wrapped, n) for wrapped in group[:-1])
        if n + 1 < len(grouping) and full(group[-1], n) and wraps_into(group[-1], grouping[n + 1][0]):
            total += CUT_AT_FULL  # a full line that could go on, cut off from its continuation
    if len(grouping) > 1 and key(_text(grouping[-1])) == key(_text(grouping[-2])):
        total -= SAME_TEXT
    return total


def read_after(cells: dict[str, list[Printed]], after: Sequence[Printed], has_deviation: bool,
               full_score: bool | None) -> tuple[dict[str, list[Printed]], float]:
    """A row's cells with the text printed after its numbers: the 偏差原因 (the cell that follows them), the
    ends of its wrapped cells (a continuation row: each wrapped cell's end, in column order), or the
    偏差原因 and then ends. A cell's end is no wider than the cell's widest line; ends that make the target
    and the actual read alike win; a 偏差原因 on a row that lost no points costs a little. Also the cost."""
    out = {role: list(pieces) for role, pieces in cells.items()}
    if not after:
        return out, 0.0
    roles = [role for role in TAIL_ROLES if out.get(role)]
    prior = float(FULL_SCORE_DEVIATION) if full_score else 0.0
    # the plain reading, however its lines wrap: all of it the 偏差原因
    best = (prior, list(after), []) if has_deviation else None
    for k in range(1, min(len(after), len(roles) + 1) + 1):
        for grouping in groupings(after, k):
            if len(grouping) != k:
                continue
            for deviation in ([grouping[0]], []) if has_deviation else ([],):
                tails = grouping[len(deviation):]
                for chosen in combinations(roles, len(tails)) if tails else ():
                    placed = list(zip(chosen, tails))
                    cost = _after_cost(out, placed) + (prior if deviation else 0.0)
                    if best is None or cost < best[0]:
                        best = (cost, deviation[0] if deviation else [], placed)
    if best is None:  # no column for a 偏差原因 and no reading as ends: the end of the row's last cell
        best = (0.0, [], [(roles[-1], list(after))] if roles else [])
    cost, deviation, placed = best
    for role, tail in placed:
        out[role] = out[role] + tail
    if deviation:
        out["deviation"] = deviation
    return out, cost


def _after_cost(cells: dict[str, list[Printed]], placed: list[tuple[str, list[Printed]]]) -> float:
    cost = float(TAIL * len(placed))
    for role, tail in placed:
        widest = max(w for piece in cells[role] for w in line_widths(piece))
        cost += WIDER_TAIL * (widest < line_widths(tail[0])[0])
        cost -= BRACKET * _bracket_fit(_text(cells[role]), _text(tail))
    if cells.get("target") and cells.get("actual"):
        ends = dict(placed)
        before = key(_text(cells["target"])) == key(_text(cells["actual"]))
        now = key(_text(cells["target"] + ends.get("target", []))) == key(_text(cells["actual"] + ends.get("actual", [])))
        cost += SAME_AFTER * (before and not now) - SAME_AFTER * (now and not before)
    return cost


def _bracket_fit(head: str, end: str) -> int:
    """1 where `end` closes the bracket `head` left open ("365.00(" / "天)") or is the bracketed unit
    of the number `head` ends with ("≥365.00" / "(天)"); -1 where it closes a bracket `head` never
    opened or brackets a unit after text; else 0."""
    closes = -open_parens(end)
    if closes > 0:
        return 1 if open_parens(head) >= closes else -1
    if _UNIT.match(end.strip()):
        return 1 if head.rstrip()[-1:].isdigit() else -1
    return 0


def _text(group: list[Printed]) -> str:
    return "".join(p.text for p in group)


def split_paragraphs(lines: Sequence[Printed]) -> tuple[list[Printed], list[Printed]]:
    """Two texts printed one after the other (预期目标, then 实际完成情况). The first ends where the two
    halves read alike (forms often repeat the goal), at a short line closing a sentence, or where the
    next line is indented; with no such place the lines are the first text alone."""
    if len(lines) < 2:
        return list(lines), []
    widest = max(line_widths(line)[0] for line in lines)
    best, best_score = None, PARAGRAPH_EVIDENCE
    for n in range(1, len(lines)):
        before, line = lines[n - 1], lines[n]
        head, tail = _keys(lines[:n]), _keys(lines[n:])
        score = fuzz.ratio(head, tail) / 100  # 0..1, and hints of a paragraph end:
        score += 0.5 * (line_widths(before)[-1] < SHORT_LINE * widest)
        score += 0.5 * line.indented + PARAGRAPH_EVIDENCE * (before.text.rstrip()[-1:] in _SENTENCE_END)
        if score > best_score:
            best, best_score = n, score
    if best is None:
        return (list(lines[:1]), list(lines[1:])) if len(lines) == 2 else (list(lines), [])
    return list(lines[:best]), list(lines[best:])


def goal_ends(expected: list[Printed], rest: list[Printed],
              two_ends: bool) -> tuple[list[Printed], list[Printed]]:
    """The two goals as split by `split_paragraphs` (`rest`: the lines after the first), read again where
    each goal may have been cut, its end printed after both texts. A form that repeats its goal as done
    tells by likeness: the second starts where a line starts like the first, and the ends go back where
    they make the two read alike. `two_ends`: the last two lines are two texts of one printed line, each
    closing a sentence where the goals differ."""
    if not expected or not rest:
        return expected, rest
    lines = expected + rest
    opening = lines[0].key[:REPEAT_START]
    if len(opening) == REPEAT_START:
        plain = fuzz.ratio(_keys(expected), _keys(rest)) / 100
        best, best_score = None, max(plain + REPEAT_GAIN, REPEAT)
        for a in (a for a in range(1, len(lines)) if lines[a].key.startswith(opening)):
            for b in range(max(a + 1, len(lines) - MAX_END_LINES), len(lines) + 1):
                for c in range(b, len(lines) + 1):
                    first, second = lines[:a] + lines[b:c], lines[a:b] + lines[c:]
                    score = fuzz.ratio(_keys(first), _keys(second)) / 100
                    if score > best_score:
                        best, best_score = (first, second), score
        if best is not None:
            return best
    if two_ends and len(rest) >= 2 and all(p.text[-1:] in _SENTENCE_END for p in rest[-2:]):
        return expected + rest[-2:-1], rest[:-2] + rest[-1:]
    return expected, rest


def _keys(pieces: Sequence[Printed]) -> str:
    return "".join(p.key for p in pieces)
