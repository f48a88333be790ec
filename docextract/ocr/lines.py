"""Where the text lines of a cell are, from its ink alone (no detector model): connected components,
then the horizontal projection. Sizes are in pixels; `unit` is pixels per point."""

from __future__ import annotations

import cv2
import numpy as np

Box = tuple[int, int, int, int]  # x0, y0, x1, y1


def clean_ink(ink: np.ndarray, unit: float, min_extent: float | None = None) -> np.ndarray:
    """The ink of characters only: components smaller than `min_extent` px both ways (scanner specks;
    default 1.2 pt) and the remains of the cell's rulings along its edges are dropped. Empty when the
    cell holds no text."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = ink.shape
    keep = np.zeros(count, dtype=bool)
    min_extent = 1.2 * unit if min_extent is None else min_extent
    thin = 2.5 * unit
    for i in range(1, count):
        x, y, cw, ch, area = stats[i]
        if area < unit ** 2 or max(cw, ch) < min_extent:
            continue
        touches_side = x == 0 or y == 0 or x + cw == w or y + ch == h
        ruling_rest = touches_side and (ch <= thin and cw >= 0.5 * w or cw <= thin and ch >= 0.5 * h)
        keep[i] = not ruling_rest
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def text_rows(ink: np.ndarray) -> list[tuple[int, int]]:
    """(y0, y1) of each text row: runs of the horizontal projection; a thin run (the two strokes of
    '二', a lone dash beside a line) joins its nearest neighbour when close."""
    profile = (ink > 0).sum(axis=1)
    runs: list[list[int]] = []
    for y in np.flatnonzero(profile):
        if runs and y - runs[-1][1] <= 1:
            runs[-1][1] = y + 1
        else:
            runs.append([int(y), int(y) + 1])
    if len(runs) < 2:
        return [tuple(r) for r in runs]
    tallest = max(r[1] - r[0] for r in runs)
    merged = True
    while merged and len(runs) > 1:
        merged = False
        for i, (y0, y1) in enumerate(runs):
            if y1 - y0 >= 0.4 * tallest:
                continue
            gaps = [(runs[j][0] - y1 if j > i else y0 - runs[j][1], j) for j in (i - 1, i + 1) if 0 <= j < len(runs)]
            gap, j = min(gaps)
            if gap <= 0.5 * tallest:
                lo, hi = sorted((i, j))
                runs[lo:hi + 1] = [[runs[lo][0], runs[hi][1]]]
                merged = True
                break
    return [tuple(r) for r in runs]


def split_tall(rows: list[tuple[int, int]], ink: np.ndarray, line_height: float) -> list[tuple[int, int]]:
    """Rows taller than 1.6 text lines (lines that blur ran together) split at the emptiest pixel rows
    near where the line pitch puts the boundaries."""
    out: list[tuple[int, int]] = []
    profile = (ink > 0).sum(axis=1)
    for y0, y1 in rows:
        n = round((y1 - y0) / (line_height * 1.15))
        if (y1 - y0) < 1.6 * line_height or n < 2:
            out.append((y0, y1))
            continue
        cuts, pitch = [y0], (y1 - y0) / n
        for k in range(1, n):
            lo, hi = int(y0 + (k - 0.35) * pitch), int(y0 + (k + 0.35) * pitch)
            cut = lo + int(np.argmin(profile[lo:hi]))
            if profile[cut] <= 0.2 * np.median(profile[y0:y1]):  # a valley between lines, not a big font
                cuts.append(cut)
        cuts.append(y1)
        out.extend((a, b) for a, b in zip(cuts, cuts[1:]) if b > a)
    return out


def row_chunks(glyphs: np.ndarray, marks: np.ndarray, row: tuple[int, int], line_height: float) -> list[Box]:
    """The row's ink split where it is interrupted for more than three line heights (separate texts
    printed on one line), each chunk trimmed to its ink. Chunks are found from character-sized `glyphs`,
    then widened over the small `marks` (。，、”) that touch them, which the glyph mask lacks."""
    y0, y1 = row
    cols = np.flatnonzero((glyphs[y0:y1] > 0).any(axis=0))
    if cols.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(cols) > 3 * line_height)
    starts = [cols[0], *cols[breaks + 1]]
    ends = [*cols[breaks], cols[-1]]
    marked = np.flatnonzero((marks[y0:y1] > 0).any(axis=0))
    reach = 1.2 * line_height  # a full-width mark sits up to one character advance away
    boxes = []
    for x0, x1 in zip(starts, ends):
        for x in marked[marked > x1]:  # rightwards, mark by mark while they stay close
            if x - x1 > reach:
                break
            x1 = x
        for x in marked[marked < x0][::-1]:
            if x0 - x > reach:
                break
            x0 = x
        ys = np.flatnonzero((glyphs[y0:y1, x0:x1 + 1] > 0).any(axis=1))
        boxes.append((int(x0), y0 + int(ys[0]), int(x1) + 1, y0 + int(ys[-1]) + 1))
    return boxes
