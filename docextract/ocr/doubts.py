"""The recognizer's hesitations kept with the text it settled on, for a later stage to choose among.

A recognized chunk says, per character, what else the recognizer saw there (runner-up characters, or
nothing) and where it nearly read a character it then dropped. Those become `Doubt`s at places of the
chunk's final text (after the OCR stage's own fixes), so that a stage that knows what the cell must hold
(a percentage, a word of the form) can pick another reading without guessing: only readings the
recognizer gave some probability are ever offered."""

from __future__ import annotations

from difflib import SequenceMatcher

from docextract.model import Doubt
from docextract.ocr.engine import Recognized

MIN_OPTION = 0.02  # an alternative less likely than this is no reading the recognizer offers
MAX_OPTIONS = 4  # options kept per place, the reading first


def raw_doubts(rec: Recognized) -> list[Doubt]:
    """The doubts of `rec` at places of `rec.text` (as the recognizer decoded it), left to right."""
    if len(rec.chars) != len(rec.text):
        return []
    found: list[Doubt] = []
    skipped: dict[int, list[tuple[str, float]]] = {}
    for place, ch, p in rec.skipped:
        if p >= MIN_OPTION:
            skipped.setdefault(place, []).append((ch, p))
    for i, reading in enumerate(rec.chars):
        if i in skipped:
            found.append(_inserted(i, skipped.pop(i)))
        options = [(alt, p) for alt, p in reading.alternatives if p >= MIN_OPTION]
        if reading.blank >= MIN_OPTION:
            options.append(("", reading.blank))
        if options:
            options.sort(key=lambda o: -o[1])
            found.append(Doubt(at=i, options=((reading.char, reading.confidence), *options[:MAX_OPTIONS - 1])))
    found.extend(_inserted(place, options) for place, options in sorted(skipped.items()))
    return found


def _inserted(place: int, options: list[tuple[str, float]]) -> Doubt:
    options = sorted(options, key=lambda o: -o[1])[:MAX_OPTIONS - 1]
    nothing = max(0.0, 1.0 - sum(p for _, p in options))
    return Doubt(at=place, options=(("", round(nothing, 5)), *options))


def carry_doubts(raw: str, doubts: list[Doubt], final: str, offset: int = 0) -> list[Doubt]:
    """The doubts of `raw` moved onto `final`, the same text after fixes that changed some of it
    ('1.155,600.00' regrouped, a speck stripped): a doubt stays where its character was kept as it
    was, and is dropped where a fix rewrote it. `offset`: where `final` starts in the line's text."""
    if not doubts:
        return []
    if raw == final:
        return [d if not offset else Doubt(at=d.at + offset, options=d.options) for d in doubts]
    moved: dict[int, int] = {}
    for a, b, size in SequenceMatcher(None, raw, final, autojunk=False).get_matching_blocks():
        for k in range(size):
            moved[a + k] = b + k
        moved.setdefault(a + size, b + size)  # a place just after kept text (an insertion) moves along
    out = []
    for d in doubts:
        read = d.options[0][0]
        if d.at in moved and final[moved[d.at]:moved[d.at] + len(read)] == read:
            out.append(Doubt(at=moved[d.at] + offset, options=d.options))
    return out


def merge_readings(first: Recognized, doubts: list[Doubt], second: Recognized) -> list[Doubt]:
    """The doubts of a chunk read twice (once more from a sharper crop), at places of the first
    reading's text, which is kept: where the second reading has another character at a place of the
    first, that character becomes an option there, with the second reading's probability of it."""
    if len(second.chars) != len(second.text) or len(first.chars) != len(first.text):
        return doubts
    by_place = {(d.at, d.options[0][0] == ""): list(d.options) for d in doubts}
    matcher = SequenceMatcher(None, first.text, second.text, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag != "replace" or a1 - a0 != b1 - b0:
            continue
        for k in range(a1 - a0):
            place, ch, p = a0 + k, second.text[b0 + k], second.chars[b0 + k].confidence
            options = by_place.setdefault((place, False), [(first.text[place], first.chars[place].confidence)])
            known = [o[0] for o in options]
            if ch in known:
                j = known.index(ch)
                options[j] = (ch, max(options[j][1], p))
            else:
                options.append((ch, p))
    merged = []
    for (place, inserted), options in sorted(by_place.items(), key=lambda kv: (kv[0][0], not kv[0][1])):
        head, rest = options[0], sorted(options[1:], key=lambda o: -o[1])
        merged.append(Doubt(at=place, options=(head, *rest[:MAX_OPTIONS - 1])))
    return merged
