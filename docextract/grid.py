"""Ruling lines -> cell grid with merged cells; for page images also ink, deskew and line masks.

Vector pages hand over the segments they draw, image pages the segments their line masks show; both then
meet in `build_grid`. Positions are in the caller's unit (PDF points or pixels).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class Segment:
    """An axis-parallel ruling: `pos` is the y of a horizontal one, the x of a vertical one."""

    pos: float
    start: float
    end: float


@dataclass(frozen=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: Box


@dataclass(frozen=True)
class Grid:
    xs: tuple[float, ...]  # sorted vertical ruling positions: column c spans xs[c]..xs[c+1]
    ys: tuple[float, ...]  # sorted horizontal ruling positions
    cells: tuple[GridCell, ...]  # sorted by (row, col)

    @property
    def bbox(self) -> Box:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    @property
    def columns(self) -> int:
        return len(self.xs) - 1

    @property
    def rows(self) -> int:
        return len(self.ys) - 1


# ---------------------------------------------------------------- rulings -> cells


@dataclass
class _Ruling:
    pos: float
    spans: list[tuple[float, float]]  # drawn pieces along the ruling, sorted

    def cover(self, lo: float, hi: float, slack: float) -> float:
        """Share of lo..hi this ruling draws (spans widened by `slack` at both ends)."""
        if hi <= lo:
            return 1.0
        drawn = sum(max(0.0, min(hi, b + slack) - max(lo, a - slack)) for a, b in self.spans)
        return min(1.0, drawn / (hi - lo))


def build_grid(horizontal: list[Segment], vertical: list[Segment], *, snap: float,
               min_cover: float = 0.7) -> Grid | None:
    """The table drawn by these rulings, or None when they draw no cell.

    `snap`: positions closer than this are one ruling, and gaps shorter than twice this inside a ruling
    are closed. A cell is merged across a grid line where that line is drawn over less than `min_cover`
    of the cell's side. Rulings that do not meet two perpendicular rulings (text strokes, stamp arcs,
    underlines, scan edges) are not part of the table.
    """
    hs, vs = _table_rulings(_merge(horizontal, snap), _merge(vertical, snap), snap)
    if len(hs) < 2 or len(vs) < 2:
        return None
    ys = tuple(h.pos for h in hs)
    xs = tuple(v.pos for v in vs)
    rows, cols = len(ys) - 1, len(xs) - 1

    def v_cover(c: int, r: int) -> float:  # the ruling at xs[c] over row r
        return vs[c].cover(ys[r], ys[r + 1], snap)

    def h_cover(r: int, c: int) -> float:  # the ruling at ys[r] over column c
        return hs[r].cover(xs[c], xs[c + 1], snap)

    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and v_cover(c + 1, r) < min_cover:
                parent[find(r * cols + c)] = find(r * cols + c + 1)
            if r + 1 < rows and h_cover(r + 1, c) < min_cover:
                parent[find(r * cols + c)] = find((r + 1) * cols + c)

    groups: dict[int, list[tuple[int, int]]] = {}
    for i in range(rows * cols):
        groups.setdefault(find(i), []).append(divmod(i, cols))

    def outside(r: int, c: int) -> bool:  # on the grid's edge where the table draws no border
        return ((r == 0 and h_cover(0, c) < min_cover) or (r == rows - 1 and h_cover(rows, c) < min_cover)
                or (c == 0 and v_cover(0, r) < min_cover) or (c == cols - 1 and v_cover(cols, r) < min_cover))

    cells: list[GridCell] = []
    for members in groups.values():
        if any(outside(r, c) for r, c in members):  # a notch of the bounding box the table leaves empty
            continue
        for r0, c0, r1, c1 in _rectangles(members):
            cells.append(GridCell(r0, c0, r1 - r0, c1 - c0, (xs[c0], ys[r0], xs[c1], ys[r1])))
    if not cells:
        return None
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return Grid(xs, ys, tuple(cells))


def _merge(segments: list[Segment], snap: float) -> list[_Ruling]:
    """Cluster segments by position; join each cluster's spans across gaps shorter than 2·snap."""
    rulings: list[_Ruling] = []
    for cluster in _clusters(sorted(segments, key=lambda s: s.pos), snap):
        weight = sum(s.end - s.start for s in cluster) or 1.0
        pos = sum(s.pos * (s.end - s.start) for s in cluster) / weight
        spans: list[tuple[float, float]] = []
        for s in sorted(cluster, key=lambda s: s.start):
            if spans and s.start - spans[-1][1] <= 2 * snap:
                spans[-1] = (spans[-1][0], max(spans[-1][1], s.end))
            else:
                spans.append((s.start, s.end))
        rulings.append(_Ruling(pos, spans))
    return rulings


def _clusters(segments: list[Segment], snap: float) -> list[list[Segment]]:
    clusters: list[list[Segment]] = []
    for s in segments:
        if clusters and s.pos - clusters[-1][-1].pos <= snap:
            clusters[-1].append(s)
        else:
            clusters.append([s])
    return clusters


def _table_rulings(hs: list[_Ruling], vs: list[_Ruling], snap: float) -> tuple[list[_Ruling], list[_Ruling]]:
    """The rulings of the table: drawn pieces that each meet at least two perpendicular pieces (pruned
    repeatedly), then the connected group of them spanning the largest area. Pieces, not whole rulings,
    are judged, so a character stroke in line with a table ruling does not join the table."""
    pieces = [("h", r, span) for r, ruling in enumerate(hs) for span in ruling.spans]
    pieces += [("v", r, span) for r, ruling in enumerate(vs) for span in ruling.spans]
    position = {"h": [h.pos for h in hs], "v": [v.pos for v in vs]}

    def meets(p: tuple, q: tuple) -> bool:  # a horizontal and a vertical piece that cross or touch
        (_, hr, (ha, hb)), (_, vr, (va, vb)) = p, q
        return ha - snap <= position["v"][vr] <= hb + snap and va - snap <= position["h"][hr] <= vb + snap

    horizontal = [i for i, p in enumerate(pieces) if p[0] == "h"]
    vertical = [i for i, p in enumerate(pieces) if p[0] == "v"]
    neighbours: dict[int, set[int]] = {i: set() for i in range(len(pieces))}
    for i in horizontal:
        for j in vertical:
            if meets(pieces[i], pieces[j]):
                neighbours[i].add(j)
                neighbours[j].add(i)
    alive = set(neighbours)
    while weak := {i for i in alive if len(neighbours[i] & alive) < 2}:
        alive -= weak

    best: set[int] = set()
    best_area = 0.0
    unseen = set(alive)
    while unseen:
        group, stack = set(), [unseen.pop()]
        while stack:
            i = stack.pop()
            group.add(i)
            stack.extend(n for n in neighbours[i] & unseen)
            unseen -= neighbours[i]
        ys = [position["h"][pieces[i][1]] for i in group if pieces[i][0] == "h"]
        xs = [position["v"][pieces[i][1]] for i in group if pieces[i][0] == "v"]
        area = (max(ys) - min(ys)) * (max(xs) - min(xs)) if ys and xs else 0.0
        if area > best_area:
            best, best_area = group, area

    def kept(kind: str, rulings: list[_Ruling]) -> list[_Ruling]:
        spans: dict[int, list[tuple[float, float]]] = {}
        for i in sorted(best, key=lambda i: pieces[i][2]):
            if pieces[i][0] == kind:
                spans.setdefault(pieces[i][1], []).append(pieces[i][2])
        return [_Ruling(rulings[r].pos, spans[r]) for r in sorted(spans)]

    return kept("h", hs), kept("v", vs)


def _rectangles(members: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """(r0, c0, r1, c1) of a merged group; a non-rectangular group (a ruling lost in the scan) falls
    back to its runs per row, so cells never overlap."""
    r0, r1 = min(r for r, _ in members), max(r for r, _ in members) + 1
    c0, c1 = min(c for _, c in members), max(c for _, c in members) + 1
    if len(members) == (r1 - r0) * (c1 - c0):
        return [(r0, c0, r1, c1)]
    runs: list[tuple[int, int, int, int]] = []
    for r, c in sorted(members):
        if runs and runs[-1][0] == r and runs[-1][3] == c:
            runs[-1] = (r, runs[-1][1], r + 1, c + 1)
        else:
            runs.append((r, c, r + 1, c + 1))
    return runs


# ---------------------------------------------------------------- page images -> rulings


def ink_mask(gray: np.ndarray, dpi: float, contrast: int = 12) -> np.ndarray:
    """Print as 255 on 0: pixels `contrast` grey levels darker than their surroundings. A local threshold
    copes with faded toner and uneven paper; a slight blur first (a median would erase one-pixel
    rulings) keeps scanner noise from becoming ink."""
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    block = _odd(dpi * 0.25)  # ~6 mm: wider than a stroke, narrower than paper shading
    return cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, contrast)


def estimate_skew(ink: np.ndarray, dpi: float, max_degrees: float = 5.0) -> float:
    """The rotation (degrees, as `rotation` takes it) that levels the page's long horizontal lines.

    A coarse Hough transform over near-horizontal angles finds the strongest lines of a 100-dpi copy;
    the angle most of the distinct lines agree on is the table's (a scan's shadow edge along the page
    is one long line, often the strongest, at its own angle); a least-squares fit through each agreeing
    line's pixels then refines the angle well below the Hough step."""
    scale = 100 / dpi
    small = cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = ((small > 64) * 255).astype(np.uint8)
    # drop most text: at 100 dpi a character stroke is shorter than 15 px, a skewed ruling's run longer
    small = cv2.morphologyEx(small, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 1)))
    width = small.shape[1]
    limit = math.radians(max_degrees)
    found = cv2.HoughLines(small, 1, np.pi / 1800, threshold=width // 4,
                           min_theta=np.pi / 2 - limit, max_theta=np.pi / 2 + limit)
    if found is None or len(found) == 0:  # OpenCV 4 answers None, 5 an empty array
        return 0.0
    # one entry per line (the Hough transform reports each at several neighbouring angles), strongest
    # first: a line is known by the height where it crosses the middle of the page
    distinct: list[tuple[float, float, float]] = []  # (height at mid-page, rho, theta)
    for rho, theta in found.reshape(-1, 2)[:200]:
        mid = (rho - width / 2 * math.cos(theta)) / math.sin(theta)
        if all(abs(mid - m) > 4 for m, _, _ in distinct):
            distinct.append((mid, rho, theta))
            if len(distinct) == 16:
                break
    tolerance = math.radians(0.25)
    thetas = [theta for _, _, theta in distinct]
    consensus = max(thetas, key=lambda t: sum(abs(u - t) <= tolerance for u in thetas))
    ys, xs = np.nonzero(small)
    angles = []
    for _, rho, theta in distinct:
        if abs(theta - consensus) > tolerance:
            continue
        near = np.abs(xs * math.cos(theta) + ys * math.sin(theta) - rho) <= 4
        if near.sum() < width // 4:
            continue
        slope, intercept = np.polyfit(xs[near], ys[near], 1)
        # once more around the fitted line: the Hough line's own error must not clip the ruling unevenly
        near = np.abs(ys - (slope * xs + intercept)) <= 3
        slope = np.polyfit(xs[near], ys[near], 1)[0]
        angles.append(math.degrees(math.atan(slope)))
    return float(np.median(angles)) if angles else 0.0


def rotation(shape: tuple[int, int], degrees: float) -> np.ndarray:
    """The 2x3 affine that turns an image of `shape` by `degrees` counter-clockwise about its centre."""
    h, w = shape[:2]
    return cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)


def rotate(gray: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Corners the turn uncovers are filled with the paper's colour (replicating the edge would smear
    scanner shadows into streaks)."""
    h, w = gray.shape[:2]
    paper = int(np.median(gray[::8, ::8]))
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=paper)


def image_rulings(gray: np.ndarray, dpi: float) -> tuple[list[Segment], list[Segment]]:
    """Horizontal and vertical ruling segments of a deskewed page.

    An opening with a long thin kernel keeps only runs longer than any character stroke (a table row
    is taller than 15 pt, a column wider than 14 pt); a closing then bridges breaks in faded rulings.
    Rulings are looked for at a low contrast, so that faded ones are found too; a piece found only
    there but made of clearly dark ink is a row of characters fused by the low threshold, not a ruling."""
    unit = dpi / 72  # pixels per point
    strong, faint = ink_mask(gray, dpi), ink_mask(gray, dpi, contrast=6)
    h_len, v_len, gap = _odd(13 * unit), _odd(11 * unit), _odd(6 * unit)
    max_width = 3 * unit  # a blurred 1.5-pt ruling stays thinner than 3 pt
    found = []
    for horizontal, length in ((True, h_len), (False, v_len)):
        shape = (length, 1) if horizontal else (1, length)
        bridge = (gap, 1) if horizontal else (1, gap)
        lines = [_line_mask(ink, shape, bridge) for ink in (strong, faint)]
        found.append(_segments(lines[1], strong, lines[0], horizontal=horizontal, max_width=max_width))
    return found[0], found[1]


def _line_mask(ink: np.ndarray, shape: tuple[int, int], bridge: tuple[int, int]) -> np.ndarray:
    opened = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, shape))
    return cv2.morphologyEx(opened, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, bridge))


def _segments(mask: np.ndarray, strong_ink: np.ndarray, strong_lines: np.ndarray, *, horizontal: bool,
              max_width: float) -> list[Segment]:
    """One segment per connected piece of the (low-contrast) line mask.

    A piece mostly absent from the strong line mask yet mostly strong ink is fused characters: dropped.
    A piece wider across than a ruling is kept only for the straight band holding most of its ink: a
    ruling touched by a stamp's ring keeps the ruling, while a ring's arc or a scan's shadow edge on
    its own has no such band and is dropped."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    band = max(1, int(max_width))
    segments = []
    for i, (x, y, w, h, area) in enumerate(stats[1:count], start=1):
        piece = labels[y:y + h, x:x + w] == i
        window = (slice(y, y + h), slice(x, x + w))
        if strong_lines[window][piece].mean() < 0.5 * 255 and strong_ink[window][piece].mean() >= 0.5 * 255:
            continue
        across = h if horizontal else w
        if across <= max_width:
            pos, start, end = (y + h / 2, x, x + w) if horizontal else (x + w / 2, y, y + h)
        else:
            if not horizontal:
                piece = piece.T  # axis 0 runs across the ruling, axis 1 along it
            profile = piece.sum(axis=1)  # ink per line across the ruling
            sums = np.convolve(profile, np.ones(band, dtype=int), mode="valid")
            first = int(np.argmax(sums))
            if sums[first] < 0.7 * area:
                continue
            along = np.flatnonzero(piece[first:first + band].any(axis=0))
            offset_across, offset_along = (y, x) if horizontal else (x, y)
            pos = offset_across + first + band / 2
            start, end = offset_along + along[0], offset_along + along[-1] + 1
        segments.append(Segment(float(pos), float(start), float(end)))
    return segments


def _odd(value: float) -> int:
    return max(3, int(value) // 2 * 2 + 1)

