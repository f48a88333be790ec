"""Choosing among the recognizer's readings of a cell: by the grammar of its column and the shapes of
the column's other cells (a target), and by the lexicon (free text).

Thresholds are costs: -log of a reading's probability relative to the text as read (from the
recognizer's per-character probabilities). A grammar may reject the text as read and take a reading
up to GRAMMAR_MARGIN less likely; a column's shapes or the lexicon may only break a near-tie, never
overrule a reading the recognizer was clear about."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from docextract.model import Doubt
from docextract.reading.candidates import Reading, readings
from docextract.reading.grammar import measure_shape
from docextract.reading.lexicon import in_word, segment

GRAMMAR_MARGIN = math.log(50)  # an ungrammatical reading gives way to a grammatical one this much less likely
PRIOR_MARGIN = math.log(20)  # the column's shapes may prefer a reading at most this much less likely
LEXICON_MARGIN = math.log(20)  # the lexicon may prefer a character at most this much less likely
WINDOW = 8  # characters each side of a doubtful character that the lexicon judges
DOCUMENT_WORD = 3  # a pair of characters printed this often in the document is one of its words
MAX_GROUP = 3  # neighbouring doubts settled together
MIN_GAIN = math.log(20)  # the lexicon's preference: the words must read this much likelier
STOP_MARKS = "。.·*°"  # what a blurred full stop is read as, when it is read at all
MIN_STOP = 0.05  # the recognizer's probability of some such mark after a paragraph's last character


@dataclass(frozen=True)
class Choice:
    text: str
    considered: list[tuple[str, float]]
    reason: str


def choose_measure(text: str, doubts: list[Doubt], column: Counter,
                   value: Callable[[str], str | None] = lambda t: t) -> Choice | None:
    """Another reading of a target or actual cell, when the text as read is no measure or phrase and a
    reading is, or when the column's other cells print a shape the reading shares and the text as read
    lacks and the recognizer's probabilities are close; else None. `column`: shape -> count in the
    form's other target and actual cells; `value`: the field's value of a cell text."""
    options = [r for r in readings(text, doubts) if r.cost <= GRAMMAR_MARGIN]
    shaped = [(r, measure_shape(value(r.text))) for r in options]
    read_shape = measure_shape(value(text))
    total = sum(column.values())

    def prior(shape: str | None) -> float:
        return math.log((column[shape] + 1) / (total + 1 + len(column)))

    grammatical = [(r, s) for r, s in shaped if s is not None]
    if not grammatical:
        return None
    if read_shape is None:
        best, shape = max(grammatical, key=lambda rs: prior(rs[1]) - rs[0].cost)
        reason = f"'{text}' is no measure or phrase; '{best.text}' ({shape}) is the likeliest reading that is"
    else:
        best, shape = max(((r, s) for r, s in grammatical if r.cost <= PRIOR_MARGIN),
                          key=lambda rs: prior(rs[1]) - rs[0].cost)
        if best.text == text or shape == read_shape:
            return None
        reason = (f"the column's other cells print '{shape}' {column[shape]} times, '{read_shape}' "
                  f"{column[read_shape]} times, and the recognizer's probabilities are close")
    if best.text == text:
        return None
    return Choice(best.text, _considered(options, best), reason)


def choose_words(text: str, doubts: list[Doubt], document: Counter | None = None) -> Choice | None:
    """The text with the Chinese characters the recognizer hesitated over settled by the lexicon:
    runner-ups replace them when the recognizer saw them nearly alike and the runner-ups make words
    where the characters read make none. Doubts next to each other are settled together ('框组' ->
    '枢纽': neither change alone makes a word). `document`: how often each pair of Chinese characters
    is printed in the whole document; a character read in a pair printed there again and again is the
    document's own word (a name: '数据局'), whatever the dictionary says."""
    chars, changed, considered = list(text), [], []
    eligible = [d for d in doubts if len(d.options[0][0]) == 1 and _cjk(d.options[0][0])
                and d.at < len(chars) and chars[d.at] == d.options[0][0]]
    for group in _neighbours(eligible):
        lo, hi = max(0, group[0].at - WINDOW), min(len(chars), group[-1].at + WINDOW + 1)
        window = "".join(chars[lo:hi])
        if all(in_word(window, d.at - lo) or _printed_often(chars, d.at, document) for d in group):
            continue  # the characters read make words there: a reading, not a non-word to settle
        local = [Doubt(at=d.at - lo, options=tuple((o, p) for o, p in d.options if len(o) == 1 and _cjk(o)))
                 for d in group]
        base = segment(window)[0]
        best, best_score = None, 0.0
        for reading in readings(window, [d for d in local if len(d.options) > 1])[1:]:
            if reading.cost > LEXICON_MARGIN:
                continue
            gain = segment(reading.text)[0] - base
            considered.append((reading.text, reading.cost))
            if gain >= MIN_GAIN and gain - reading.cost > best_score:
                best, best_score = reading, gain - reading.cost
        if best is not None:
            for at, read, instead in best.changes:
                changed.append(f"{read}→{instead}")
                chars[lo + at] = instead
    if not changed:
        return None
    return Choice("".join(chars), considered,
                  f"{', '.join(changed)}: the recognizer saw them nearly alike; only the second makes words")


def _printed_often(chars: list[str], at: int, document: Counter | None) -> bool:
    pairs = ["".join(chars[i:i + 2]) for i in (at - 1, at) if i >= 0 and i + 2 <= len(chars)]
    return document is not None and any(document[p] >= DOCUMENT_WORD for p in pairs if all(map(_cjk, p)))


def _neighbours(doubts: list[Doubt]) -> list[list[Doubt]]:
    """Doubts in runs of places at most one character apart."""
    groups: list[list[Doubt]] = []
    for d in sorted(doubts, key=lambda d: d.at):
        if groups and d.at - groups[-1][-1].at <= 2 and len(groups[-1]) < MAX_GROUP:
            groups[-1].append(d)
        else:
            groups.append([d])
    return groups


def choose_quotes(text: str, doubts: list[Doubt]) -> Choice | None:
    """Curly double quotes that do not alternate open, close ('“一网通办“'), set right by the likeliest
    reading that makes them alternate, changing only quote marks the recognizer hesitated over."""
    if _quotes_alternate(text):
        return None
    at_quotes = [Doubt(at=d.at, options=tuple(o for o in d.options if o[0] in "“”"))
                 for d in doubts if d.options[0][0] in "“”"]
    for reading in readings(text, at_quotes)[1:]:
        if reading.cost <= GRAMMAR_MARGIN and _quotes_alternate(reading.text):
            return Choice(reading.text, [(text, 0.0), (reading.text, reading.cost)],
                          "quotes open and close in turn; the recognizer saw this one either way")
    return None


def _quotes_alternate(text: str) -> bool:
    marks = [ch for ch in text if ch in "“”"]  # straight quotes have no direction to check
    return all(m == ("“" if i % 2 == 0 else "”") for i, m in enumerate(marks)) and len(marks) % 2 == 0


def choose_stop(text: str, doubts: list[Doubt], closed: int, open_: int) -> Choice | None:
    """A paragraph (a goal, a reason) whose full stop the recognizer nearly read after its last
    character, put back when the form's other paragraphs mostly close with one: `closed` of them end
    with '。', `open_` end without."""
    if not text or not _cjk(text[-1]) or closed <= open_:
        return None
    end = [d for d in doubts if d.at == len(text) and d.options[0][0] == ""]
    seen = sum(p for d in end for o, p in d.options[1:] if o in STOP_MARKS)
    if seen < MIN_STOP:
        return None
    return Choice(text + "。", [(text, 0.0), (text + "。", round(-math.log(seen), 3))],
                  f"the recognizer nearly read a mark after the last character (p={seen:.2f}) and "
                  f"{closed} of the form's other {closed + open_} paragraphs end with '。'")


def choose_points(score: tuple[str, list[Doubt]], weight: tuple[str, list[Doubt]],
                  number: Callable[[str], float | None]) -> tuple[int, Choice] | None:
    """An indicator's 得分 read above its 分值 (a score never exceeds its weight): the likeliest reading
    of one of the two cells (0: the score's, 1: the weight's) that puts the score within the weight,
    when the recognizer offered it; None when it offered none, or two equally likely."""
    read = [number(score[0]), number(weight[0])]
    if None in read or read[0] <= read[1]:
        return None
    found = []
    for which, (text, doubts) in enumerate((score, weight)):
        for reading in readings(text, doubts)[1:]:
            value = number(reading.text)
            if reading.cost > GRAMMAR_MARGIN or value is None:
                continue
            pair = [*read]
            pair[which] = value
            if pair[0] <= pair[1]:
                found.append((reading.cost, which, reading))
                break  # the likeliest of this cell's readings that fits
    found.sort(key=lambda f: f[0])
    if not found or (len(found) > 1 and found[1][0] - found[0][0] < math.log(2)):
        return None
    cost, which, best = found[0]
    field = ("得分", "分值")[which]
    return which, Choice(best.text, [(score[0], 0.0), (weight[0], 0.0), (best.text, cost)],
                         f"得分 {score[0]} read above 分值 {weight[0]}; the {field} read '{best.text}' is the "
                         f"recognizer's likeliest reading that keeps the score within the weight")


def _considered(options: list[Reading], chosen: Reading) -> list[tuple[str, float]]:
    kept = [(r.text, r.cost) for r in options[:8]]
    if all(t != chosen.text for t, _ in kept):
        kept.append((chosen.text, chosen.cost))
    return kept


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
