"""The readings a recognizer offers for a cell: its text with some of the doubts of its lines settled
otherwise, most likely first, each with its log-probability relative to the text as read."""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

from docextract.model import Cell, Doubt

MAX_DOUBTS = 12  # the most doubtful places of a cell taken into account
MAX_READINGS = 64  # readings enumerated per cell
MAX_COST = math.log(1000)  # a reading this much less likely than the text as read is none


@dataclass(frozen=True)
class Reading:
    text: str
    cost: float  # -log(P(reading) / P(text as read)); 0 for the text as read
    changes: tuple[tuple[int, str, str], ...]  # (place in the cell's text, as read, instead)


def cell_doubts(cell: Cell) -> list[Doubt]:
    """The doubts of a cell's lines at places of the cell's text (its lines joined by newlines)."""
    found, offset = [], 0
    for line in cell.lines:
        found += [Doubt(at=d.at + offset, options=d.options) for d in line.doubts]
        offset += len(line.text) + 1
    return found


def readings(text: str, doubts: list[Doubt]) -> list[Reading]:
    """The k most likely readings of `text` given its doubts (each settled independently), the text
    as read first."""
    choices = []  # per doubt: (cost, option) sorted by cost, cost relative to the option read
    for d in doubts:
        read_p = max(d.options[0][1], 1e-6)
        opts = sorted(((math.log(read_p) - math.log(max(p, 1e-6)), o) for o, p in d.options[1:]), key=lambda c: c[0])
        opts = [c for c in opts if c[0] <= MAX_COST]
        if opts:
            choices.append((d, opts))
    choices.sort(key=lambda c: c[1][0][0])
    choices = choices[:MAX_DOUBTS]
    if not choices:
        return [Reading(text, 0.0, ())]
    # best-first over vectors of picks: 0 keeps the reading, k picks the k-th alternative
    start = (0,) * len(choices)
    heap, seen, out = [(0.0, start)], {start}, []
    while heap and len(out) < MAX_READINGS:
        cost, picks = heapq.heappop(heap)
        out.append(_apply(text, choices, picks, cost))
        for j, k in enumerate(picks):
            if k < len(choices[j][1]):
                nxt = picks[:j] + (k + 1,) + picks[j + 1:]
                if nxt not in seen:
                    seen.add(nxt)
                    new = cost - (choices[j][1][k - 1][0] if k else 0.0) + choices[j][1][k][0]
                    if new <= MAX_COST:
                        heapq.heappush(heap, (new, nxt))
    return out


def _apply(text: str, choices: list, picks: tuple[int, ...], cost: float) -> Reading:
    edits = [(choices[j][0], choices[j][1][k - 1][1]) for j, k in enumerate(picks) if k]
    # right to left; at one place the character before the insertion point before it
    edits.sort(key=lambda e: (e[0].at, e[0].options[0][0] != ""), reverse=True)
    changes = []
    for doubt, option in edits:
        read = doubt.options[0][0]
        text = text[:doubt.at] + option + text[doubt.at + len(read):]
        changes.append((doubt.at, read, option))
    return Reading(text, round(cost, 4), tuple(reversed(changes)))
