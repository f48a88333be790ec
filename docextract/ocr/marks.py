"""Small punctuation a recognizer cannot see on a faint scan, told by its shape on the page.

Blurred to a few pixels, the full stop 。 and the enumeration comma 、 both come out of the recognizer as
a middle dot '·' (a mark no form prints between Chinese words), and a 。 at the end of a cell is often
dropped. On the ink they still differ: 。 is a ring, as wide as high, its pixels spread evenly; 、 is a
short stroke falling from top left to bottom right; ， is a dot with a tail, taller than wide."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from docextract.ocr.engine import Recognized

PUNCTUATION = "，、。·；：,.;:！？!?"
MAX_MARK = 0.5  # of the line height: a mark is smaller than this both ways
MIN_MARK_AREA = 0.03  # of the line height squared: smaller is a speck
ROUND = 1.6  # pixel spread along the mark's long axis over its short axis below this: a ring (。)
STOP_SIZE = (0.2, 0.45)  # of the line height: a full stop's width and height
TRAILING_GAP = 0.6  # of the line height: at most this far after the last character sits its full stop
SENTENCE = 8  # characters of a line that can end a sentence (not a label, a name or a value)
RUNNER_UP = 0.002  # a mark the recognizer saw with this likelihood where it read '·'
NEARLY_READ = 0.1  # a mark the recognizer nearly read after the last character


@dataclass(frozen=True)
class _Mark:
    x0: int
    x1: int
    shape: str | None  # '。', '、', '，' or None when the shape does not tell
    stop_sized: bool  # a full stop's size


def settle_marks(rec: Recognized, ink: np.ndarray, line_height: float) -> str:
    """The text of `rec`, recognized from a crop whose ink (255 on 0) is `ink`, with its small
    punctuation settled: each '·' between Chinese characters becomes the mark the recognizer saw next
    (its runner-up readings) or, failing that, the mark its shape shows; a full stop the recognizer
    nearly read after the last character of a sentence-long line is put back."""
    text = rec.text.strip()
    if not text or ("·" not in text and not _cjk(text[-1])) or text != rec.text:
        return text
    if len(text) > SENTENCE and text[-1] in ".·" and _cjk(text[-2]) and sum(map(_cjk, text)) >= SENTENCE:
        return text[:-1] + "。"  # a sentence ends with 。: its blurred ring is read as a dot
    chars = list(text)
    shapes: dict[int, str | None] | None = None
    for i, ch in enumerate(text):
        if ch != "·" or not (_cjk_at(text, i - 1) and _cjk_at(text, i + 1)):
            continue
        seen = _runner_up(rec, i)
        if seen is None:
            if shapes is None:
                shapes = _shapes_at_places(text, ink, line_height)
            seen = shapes.get(i)
        if seen:
            chars[i] = seen
    if len(text) >= SENTENCE and sum(map(_cjk, text)) >= SENTENCE - 1 and _stop_after(rec, text, ink, line_height):
        chars.append("。")
    return "".join(chars)


def _runner_up(rec: Recognized, i: int) -> str | None:
    if len(rec.chars) != len(rec.text):
        return None
    return next((alt for alt, p in rec.chars[i].alternatives if alt in "。、，" and p >= RUNNER_UP), None)


def _stop_after(rec: Recognized, text: str, ink: np.ndarray, line_height: float) -> bool:
    """A full stop after the last character: nearly read by the recognizer, or seen as a mark for which
    the recognizer nearly read some dot."""
    near = {ch: p for place, ch, p in rec.skipped if place == len(text)}
    if near.get("。", 0.0) >= NEARLY_READ:
        return True
    if max((near.get(ch, 0.0) for ch in "·.,，、"), default=0.0) < NEARLY_READ:
        return False
    glyphs, marks = _components(ink, line_height)
    if not glyphs:
        return False
    end = max(x1 for _, x1 in glyphs)
    after = [m for m in marks if m.x0 >= end - 1]
    return (len(after) == 1 and after[0].stop_sized and after[0].shape == "。"
            and after[0].x0 - end <= TRAILING_GAP * line_height)


def _shapes_at_places(text: str, ink: np.ndarray, line_height: float) -> dict[int, str | None]:
    """For each punctuation mark of the text, the shape of the mark on the ink, when the marks on the
    ink pair one to one with the text's punctuation."""
    glyphs, marks = _components(ink, line_height)
    places = [i for i, ch in enumerate(text) if ch in PUNCTUATION]
    if not glyphs or len(marks) != len(places):
        return {}
    return {i: m.shape for i, m in zip(places, marks)}


def _components(ink: np.ndarray, line_height: float) -> tuple[list[tuple[int, int]], list[_Mark]]:
    """The x-extents of the characters, and the marks of the line (not in its upper part, where quotes
    sit), left to right."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats((ink > 0).astype(np.uint8), connectivity=8)
    big = {i for i in range(1, count) if max(stats[i][2], stats[i][3]) > MAX_MARK * line_height}
    if not big:
        return [], []
    top = min(stats[i][1] for i in big)
    bottom = max(stats[i][1] + stats[i][3] for i in big)
    high = top + 0.3 * (bottom - top)  # quotes sit above this; a font may centre 。 and 、 or set them low
    glyphs = sorted((int(stats[i][0]), int(stats[i][0] + stats[i][2])) for i in big)
    marks = []
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i])
        if i in big or area < MIN_MARK_AREA * line_height ** 2 or y + h / 2 < high or y + h > bottom + 2:
            continue
        if any(gx0 < x and x + w < gx1 for gx0, gx1 in glyphs):
            continue  # a stroke inside a character's box: part of it
        stop_sized = STOP_SIZE[0] * line_height <= min(w, h) and max(w, h) <= STOP_SIZE[1] * line_height
        marks.append(_Mark(x, x + w, _shape(labels[y:y + h, x:x + w] == i, w, h), stop_sized))
    return glyphs, sorted(marks, key=lambda m: m.x0)


def _shape(pixels: np.ndarray, w: int, h: int) -> str | None:
    ys, xs = np.nonzero(pixels)
    if xs.size < 4:
        return None
    cov = np.cov(np.vstack([xs, ys]).astype(float))
    low, high = np.linalg.eigvalsh(cov)
    spread = high / max(low, 1e-3)
    if spread < ROUND and 0.7 * h <= w <= 1.4 * h:
        return "。"
    if cov[0, 1] > 0 and w >= 0.6 * h:
        return "、"
    if h > 1.3 * w:
        return "，"
    return None


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _cjk_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and (_cjk(text[i]) or text[i] in "“”（）()")
