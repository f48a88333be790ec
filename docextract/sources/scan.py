"""Image pages: deskew, the table grid from its ruling lines, then every non-empty cell's text lines cut
out by their ink and recognized in one batch per page (no full-page text detection)."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean, median

import cv2
import numpy as np

from docextract.grid import Box, Grid, build_grid, estimate_skew, image_rulings, ink_mask, rotate, rotation
from docextract.model import TextLine
from docextract.ocr import OcrEngine, Recognized
from docextract.ocr.fixes import fix_recognized
from docextract.ocr.lines import clean_ink, row_chunks, split_tall, text_rows
from docextract.sources.page_rows import PageText
from docextract.stamp import erase_rings, seal_rings, suppress_red

MIN_CONFIDENCE = 0.5  # below this a recognized chunk in a cell is noise (a stamp arc, a speck cluster)
MIN_CONFIDENCE_ZERO = 0.3  # a lone '0': the recognizer splits its belief between 0, O and o
MIN_CONFIDENCE_OUTSIDE = 0.8  # outside the table only titles and notes are expected: be stricter
# shares of the page width / height along its edges where scans show shadows, never text (a title may
# sit close to the top, so less there)
EDGE_X, EDGE_Y = 0.04, 0.01
MIN_SKEW = 0.02  # degrees; less is not worth resampling the page for

Region = tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels


@dataclass(frozen=True)
class PageImage:
    pixels: np.ndarray  # gray (h, w) or RGB (h, w, 3)
    dpi: float
    to_points: np.ndarray  # 2x3 affine: pixel (x, y) -> PDF points of the page


@dataclass(frozen=True)
class _Chunk:
    region: int  # index into the page's regions: the grid's cells first, then the bands outside
    row: int  # text row within the region
    box: Box  # page pixels


def read_scan_page(image: PageImage, page_no: int, engine: OcrEngine) -> PageText:
    unit = image.dpi / 72
    gray, ink, to_points = _level(image)
    grid = build_grid(*image_rulings(gray, image.dpi), snap=2 * unit)  # a seal's ring never makes a ruling
    cells = len(grid.cells) if grid else 0
    regions = (_cell_interiors(grid, unit) if grid else []) + _outside(grid, gray.shape, unit)

    rings = seal_rings(gray, image.dpi)
    if rings:  # a ring's arcs would make chunks of their own, read as '1', 'L', 'J'; crops keep all print
        ink = ink_mask(erase_rings(gray, rings), image.dpi)
    chunks, line_height = _text_chunks(ink, regions, unit)
    recognized = engine.recognize_lines([_crop(gray, c.box, regions[c.region], line_height) for c in chunks])
    lines = _text_lines(chunks, recognized, cells, to_points)

    loose = [line for k in range(cells, len(regions)) for line in lines.get(k, [])]
    if grid is None:
        return PageText(page_no, None, loose_lines=loose)
    return PageText(page_no, grid, cell_boxes=[_box_points(cell.bbox, to_points) for cell in grid.cells],
                    cell_lines=[lines.get(i, []) for i in range(cells)], loose_lines=loose)


def _level(image: PageImage) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The page without a red seal, deskewed; its ink; the affine from its pixels to PDF points."""
    gray = suppress_red(image.pixels)
    ink = ink_mask(gray, image.dpi)
    angle = estimate_skew(ink, image.dpi)
    if abs(angle) < MIN_SKEW:
        return gray, ink, image.to_points
    turn = rotation(gray.shape, angle)
    gray = rotate(gray, turn)
    return gray, ink_mask(gray, image.dpi), _compose(image.to_points, cv2.invertAffineTransform(turn))


def _text_chunks(ink: np.ndarray, regions: list[Region], unit: float) -> tuple[list[_Chunk], float]:
    """Every piece of text to recognize, and the page's text line height in pixels."""
    inks = [ink[y0:y1, x0:x1] for x0, y0, x1, y1 in regions]
    marks = [clean_ink(i, unit) for i in inks]
    heights = [y1 - y0 for m in marks for y0, y1 in text_rows(m) if 5 * unit <= y1 - y0 <= 20 * unit]
    line_height = median(heights) if heights else 9 * unit
    chunks = []
    for k, ((x0, y0, _, _), ink_k, marks_k) in enumerate(zip(regions, inks, marks)):
        # the layout comes from character-sized ink only: specks neither make rows nor widen them
        glyphs = clean_ink(ink_k, unit, min_extent=0.35 * line_height)
        for r, row in enumerate(split_tall(text_rows(glyphs), glyphs, line_height)):
            for bx0, by0, bx1, by1 in row_chunks(glyphs, marks_k, row, line_height):
                chunks.append(_Chunk(k, r, (x0 + bx0, y0 + by0, x0 + bx1, y0 + by1)))
    return chunks, line_height


def _text_lines(chunks: list[_Chunk], recognized: list[Recognized], cells: int,
                to_points: np.ndarray) -> dict[int, list[TextLine]]:
    """Region -> its text lines, top to bottom; the chunks of one row joined by a space."""
    rows: dict[int, dict[int, list[tuple[Box, str, float]]]] = {}
    for chunk, rec in zip(chunks, recognized):
        text = fix_recognized(rec.text.strip())
        if chunk.region >= cells:
            threshold = MIN_CONFIDENCE_OUTSIDE
        else:
            threshold = MIN_CONFIDENCE_ZERO if text == "0" else MIN_CONFIDENCE
        if text and rec.confidence >= threshold:
            rows.setdefault(chunk.region, {}).setdefault(chunk.row, []).append((chunk.box, text, rec.confidence))
    lines: dict[int, list[TextLine]] = {}
    for k, by_row in rows.items():
        for _, parts in sorted(by_row.items()):
            box = (min(p[0][0] for p in parts), min(p[0][1] for p in parts),
                   max(p[0][2] for p in parts), max(p[0][3] for p in parts))
            lines.setdefault(k, []).append(TextLine(text=" ".join(p[1] for p in parts),
                                                    bbox=_box_points(box, to_points),
                                                    confidence=round(fmean(p[2] for p in parts), 4)))
    return lines


def _cell_interiors(grid: Grid, unit: float) -> list[Region]:
    """Each cell's box less its rulings (about 1.5 pt each side at scan blur)."""
    margin = 1.5 * unit
    return [(int(x0 + margin), int(y0 + margin), max(int(x0 + margin) + 1, int(x1 - margin)),
             max(int(y0 + margin) + 1, int(y1 - margin))) for x0, y0, x1, y1 in (c.bbox for c in grid.cells)]


def _outside(grid: Grid | None, shape: tuple[int, ...], unit: float) -> list[Region]:
    """The bands above and below the table (the whole page when there is none), less the page edges."""
    h, w = shape[:2]
    left, right, top, bottom = int(EDGE_X * w), int((1 - EDGE_X) * w), int(EDGE_Y * h), int((1 - EDGE_Y) * h)
    if grid is None:
        return [(left, top, right, bottom)]
    _, table_top, _, table_bottom = grid.bbox
    margin = int(2 * unit)
    bands = [(left, top, right, int(table_top) - margin), (left, int(table_bottom) + margin, right, bottom)]
    return [b for b in bands if b[3] - b[1] > 4 * unit]


def _crop(gray: np.ndarray, box: Box, region: Region, line_height: float) -> np.ndarray:
    """The chunk with a margin, never beyond its cell."""
    dx, dy = round(0.3 * line_height), round(0.25 * line_height)
    x0, y0 = max(box[0] - dx, region[0]), max(box[1] - dy, region[1])
    x1, y1 = min(box[2] + dx, region[2]), min(box[3] + dy, region[3])
    return gray[y0:y1, x0:x1]


def _compose(outer: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """The 2x3 affine applying `inner` first, then `outer`."""
    full = np.vstack([outer, [0, 0, 1]]) @ np.vstack([inner, [0, 0, 1]])
    return full[:2]


def _box_points(box: Box, to_points: np.ndarray) -> tuple[float, float, float, float]:
    """A pixel box as the PDF-point box enclosing it (a deskewed box is a turned one on the page)."""
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=float) @ to_points.T
    lo, hi = corners.min(axis=0), corners.max(axis=0)
    return round(float(lo[0]), 2), round(float(lo[1]), 2), round(float(hi[0]), 2), round(float(hi[1]), 2)
