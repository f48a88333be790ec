"""Image pages: deskew, the table grid from its ruling lines, then every non-empty cell's text lines cut
out by their ink and recognized in one batch per page (no full-page text detection)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import fmean, median

import cv2
import numpy as np

from docextract.grid import Box, Grid, build_grid, estimate_skew, image_rulings, ink_mask, rotate, rotation
from docextract.model import Doubt, TextLine
from docextract.ocr import OcrEngine, Recognized
from docextract.ocr.doubts import carry_doubts, merge_readings, raw_doubts
from docextract.ocr.fixes import fix_recognized, labels_in, lone_speck, snap_label, strip_specks
from docextract.ocr.lines import clean_ink, row_chunks, split_tall, text_rows
from docextract.ocr.marks import settle_marks
from docextract.sources.page_rows import PageText
from docextract.stamp import Seal, find_seals, remove_seals, suppress_red

MIN_CONFIDENCE = 0.5  # below this a recognized chunk in a cell is noise (a stamp arc, a speck cluster)
MIN_CONFIDENCE_ZERO = 0.3  # a lone '0': the recognizer splits its belief between 0, O and o
MIN_CONFIDENCE_OUTSIDE = 0.8  # outside the table only titles and notes are expected: be stricter
MIN_CONFIDENCE_SEAL = 0.8  # the seal's star and inscription make chunks of their own: be stricter there
MIN_CONFIDENCE_SEAL_WORDS = 0.6  # ... except for a number with decimals or Chinese words read there
SPECK_HEIGHT = 0.6  # of the text line height: digits stand ~0.75 high, a character 1
FLAT = 2.0  # a chunk this many times wider than high is a dash, however low
REREAD_CONFIDENCE = 0.9  # a chunk under a seal, or taller than a line, read less surely is read again
TALL = 1.25  # of the text line height: a one-line chunk taller than this has strokes joined to it
BAND = 0.9  # of the text line height: the band a chunk is read again from
SHARPEN = 0.8  # a chunk with a character read less surely than this is read again from a sharper crop
MAX_SHARPENED = 60  # ... at most this many per page (the recognizer's time stays bounded)
SHARP_HEIGHT = 48  # pixels of a text line in the sharper crop: the recognizer's input height
_NUMBER_TEXT = re.compile(r"^[≥≤<>=]{0,2}\d{1,3}(?:,\d{3})*(?:\.\d{1,2})?(?:%|\([^()]{1,4}\))?$")
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
class _Read:
    text: str  # as the OCR stage settled it
    confidence: float
    doubts: list[Doubt]  # at places of `text`


@dataclass(frozen=True)
class _Chunk:
    region: int  # index into the page's regions: the grid's cells first, then the bands outside
    row: int  # text row within the region
    box: Box  # page pixels


def read_scan_page(image: PageImage, page_no: int, engine: OcrEngine) -> PageText:
    _use_threads(getattr(engine, "threads", None))
    unit = image.dpi / 72
    gray, ink, to_points = _level(image)
    grid = build_grid(*image_rulings(gray, image.dpi), snap=2 * unit)  # a seal's ring never makes a ruling
    cells = len(grid.cells) if grid else 0
    regions = (_cell_interiors(grid, unit) if grid else []) + _outside(grid, gray.shape, unit)

    seals = find_seals(gray, ink, image.dpi)
    if seals:  # a ring's arcs would make chunks of their own, read as '1', 'L', 'J', and hide the print they cross
        gray = remove_seals(gray, seals)
        ink = ink_mask(gray, image.dpi)
    chunks, line_height = _text_chunks(ink, regions, unit)
    recognized = engine.recognize_lines([_crop(gray, c.box, regions[c.region], line_height) for c in chunks])
    _reread(chunks, recognized, gray, ink, regions, line_height, seals, engine)
    doubts = [raw_doubts(rec) for rec in recognized]
    _reread_sharper(chunks, recognized, doubts, gray, regions, line_height, engine)
    windows = [_window(c.box, regions[c.region], line_height) for c in chunks]
    read = []
    for rec, found, (x0, y0, x1, y1) in zip(recognized, doubts, windows):
        text = strip_specks(fix_recognized(settle_marks(rec, ink[y0:y1, x0:x1], line_height).strip()))
        read.append(_Read(text, rec.confidence, carry_doubts(rec.text, found, text)))
    lines = _text_lines(chunks, read, cells, to_points, seals)
    _snap_labels(lines, grid, cells)

    loose = [line for k in range(cells, len(regions)) for line in lines.get(k, [])]
    if grid is None:
        return PageText(page_no, None, loose_lines=loose)
    return PageText(page_no, grid, cell_boxes=[_box_points(cell.bbox, to_points) for cell in grid.cells],
                    cell_lines=[lines.get(i, []) for i in range(cells)], loose_lines=loose)


def _use_threads(threads: int | None) -> None:
    """OpenCV's own thread pool sized like the recognizer's: by default it starts a thread per core in
    every process, and batch workers, each one thread, then fight over the cores (measured: a 2-worker
    pool on 2 cores 2.2x slower)."""
    if threads and cv2.getNumThreads() != threads:
        cv2.setNumThreads(threads)


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
                if _speck(bx1 - bx0, by1 - by0, line_height):
                    continue
                chunks.append(_Chunk(k, r, (x0 + bx0, y0 + by0, x0 + bx1, y0 + by1)))
    return chunks, line_height


def _reread(chunks: list[_Chunk], recognized: list[Recognized], gray: np.ndarray, ink: np.ndarray,
            regions: list[Region], line_height: float, seals: list[Seal], engine: OcrEngine) -> None:
    """Chunks read badly are read once more from the one text line's height of their ink that holds
    the most of it: a seal's inscription or a speck joined to a number from above or below makes the
    chunk tall, and the recognizer reads the strokes as characters ('T0.0u' for 10.00). The second
    reading replaces the first when it is well formed (a number with its decimals, Chinese text) and
    the recognizer is surer of it."""
    todo = []
    for i, (chunk, rec) in enumerate(zip(chunks, recognized)):
        x0, y0, x1, y1 = chunk.box
        sealed = any(seal.overlaps(chunk.box) for seal in seals)
        doubtful = rec.confidence < REREAD_CONFIDENCE or not _well_formed(rec.text.strip())
        if (sealed or y1 - y0 > TALL * line_height) and doubtful and y1 - y0 > BAND * line_height:
            todo.append((i, _densest_band(ink, chunk.box, line_height)))
    if not todo:
        return
    again = engine.recognize_lines([_crop(gray, band, regions[chunks[i].region], line_height) for i, band in todo])
    for (i, band), rec in zip(todo, again):
        if _well_formed(rec.text.strip()) and rec.confidence > recognized[i].confidence:
            recognized[i] = rec
            chunks[i] = _Chunk(chunks[i].region, chunks[i].row, band)


def _reread_sharper(chunks: list[_Chunk], recognized: list[Recognized], doubts: list[list[Doubt]],
                    gray: np.ndarray, regions: list[Region], line_height: float, engine: OcrEngine) -> None:
    """Chunks the recognizer hesitated over are read once more from a sharper crop (upscaled, then
    binarized against its local background): what that reading sees differently joins the chunk's
    doubts as options, for a later stage that knows what the cell must hold to choose from."""
    todo = [i for i, rec in enumerate(recognized)
            if rec.text.strip() and any(r.confidence < SHARPEN for r in rec.chars)][:MAX_SHARPENED]
    if not todo:
        return
    crops = [_sharpened(_crop(gray, chunks[i].box, regions[chunks[i].region], line_height), line_height) for i in todo]
    for i, rec in zip(todo, engine.recognize_lines(crops)):
        doubts[i] = merge_readings(recognized[i], doubts[i], rec)


def _sharpened(crop: np.ndarray, line_height: float) -> np.ndarray:
    """The crop scaled to a text line of SHARP_HEIGHT pixels and binarized against its local background
    (faded toner and a grey JPEG halo become black on white)."""
    scale = max(1.0, SHARP_HEIGHT / max(1.0, line_height))
    big = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    block = int(line_height * scale) | 1
    return cv2.adaptiveThreshold(big, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 15)


def _densest_band(ink: np.ndarray, box: Box, line_height: float) -> Box:
    """The part of the box one text line high that holds the most ink."""
    x0, y0, x1, y1 = box
    height = max(1, round(BAND * line_height))
    profile = (ink[y0:y1, x0:x1] > 0).sum(axis=1)
    start = int(np.argmax(np.convolve(profile, np.ones(height), mode="valid")))
    return x0, y0 + start, x1, y0 + start + height


def _well_formed(text: str) -> bool:
    """A number as the form prints one (with decimals, a percent sign, an operator or a unit in brackets)
    or Chinese text: what a stray stroke read as a character rarely is."""
    return bool(_NUMBER_TEXT.match(text)) or (len(text) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in text))


def _chinese(text: str) -> bool:
    """Text of two Chinese characters or more."""
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 2


def _speck(width: float, height: float, line_height: float) -> bool:
    """Ink lower than a digit that is no dash ('一', '-', '—' are flat): scanner dirt, a seal's stroke."""
    return height < SPECK_HEIGHT * line_height and width < FLAT * height


def _text_lines(chunks: list[_Chunk], read: list[_Read], cells: int,
                to_points: np.ndarray, seals: list[Seal] = ()) -> dict[int, list[TextLine]]:
    """Region -> its text lines, top to bottom; the chunks of one row joined by a space."""
    rows: dict[int, dict[int, list[tuple[Box, str, float, list[Doubt]]]]] = {}
    for chunk, rec in zip(chunks, read):
        text = rec.text
        if chunk.region >= cells:
            threshold = MIN_CONFIDENCE_OUTSIDE
        elif any(seal.overlaps(chunk.box) for seal in seals):
            # the seal's strokes read as lone letters, digits and symbols, rarely as decimals or words
            threshold = MIN_CONFIDENCE_SEAL_WORDS if _well_formed(text) and ("." in text or _chinese(text)) \
                else MIN_CONFIDENCE_SEAL
        else:
            threshold = MIN_CONFIDENCE_ZERO if text == "0" else MIN_CONFIDENCE
        if text and rec.confidence >= threshold:
            rows.setdefault(chunk.region, {}).setdefault(chunk.row, []).append(
                (chunk.box, text, rec.confidence, rec.doubts))
    for by_row in rows.values():
        if any(_chinese(p[1]) for parts in by_row.values() for p in parts):
            for r in [r for r, parts in by_row.items() if len(parts) == 1 and lone_speck(parts[0][1])]:
                del by_row[r]
    lines: dict[int, list[TextLine]] = {}
    for k, by_row in rows.items():
        for _, parts in sorted(by_row.items()):
            box = (min(p[0][0] for p in parts), min(p[0][1] for p in parts),
                   max(p[0][2] for p in parts), max(p[0][3] for p in parts))
            doubts, offset = [], 0
            for part in parts:
                doubts += [Doubt(at=d.at + offset, options=d.options) for d in part[3]]
                offset += len(part[1]) + 1
            spaced = any(" " in p[1] for p in parts)  # a chunk read with a space: its parts have no place
            spans = () if spaced else tuple(_box_points(p[0], to_points)[0::2] for p in parts)
            lines.setdefault(k, []).append(TextLine(text=" ".join(p[1] for p in parts),
                                                    bbox=_box_points(box, to_points),
                                                    confidence=round(fmean(p[2] for p in parts), 4),
                                                    doubts=tuple(doubts), spans=spans))
    return lines


def _snap_labels(lines: dict[int, list[TextLine]], grid: Grid | None, cells: int) -> None:
    """A label of the form read with a character or two wrong gets its printed spelling: a cell's lines
    are judged together (a label wraps in its cell), lines outside the table one by one (the title).
    A cell is not taken for a label its row already prints."""
    in_row: dict[int, set[str]] = {}
    texts = {k: "".join(line.text for line in region) for k, region in lines.items() if k < cells}
    if grid is not None:
        for k, text in texts.items():
            in_row.setdefault(grid.cells[k].row, set()).update(labels_in(text))
    for k, region in lines.items():
        if k >= cells:
            lines[k] = [_snapped([line]) or line for line in region]
            continue
        taken = frozenset(in_row.get(grid.cells[k].row, set()) - labels_in(texts[k])) if grid else frozenset()
        joined = _snapped(region, taken)
        if joined is not None:
            lines[k] = [joined]


def _snapped(lines: list[TextLine], taken: frozenset[str] = frozenset()) -> TextLine | None:
    label = snap_label("".join(line.text for line in lines), taken) if lines else None
    if label is None:
        return None
    boxes = [line.bbox for line in lines if line.bbox]
    box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
           max(b[3] for b in boxes)) if boxes else None
    confidences = [line.confidence for line in lines if line.confidence is not None]
    return TextLine(text=label, bbox=box, confidence=round(fmean(confidences), 4) if confidences else None)


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


def _window(box: Box, region: Region, line_height: float) -> Region:
    """The chunk with a margin, never beyond its cell."""
    dx, dy = round(0.3 * line_height), round(0.25 * line_height)
    x0, y0 = max(box[0] - dx, region[0]), max(box[1] - dy, region[1])
    x1, y1 = min(box[2] + dx, region[2]), min(box[3] + dy, region[3])
    return x0, y0, x1, y1


def _crop(gray: np.ndarray, box: Box, region: Region, line_height: float) -> np.ndarray:
    x0, y0, x1, y1 = _window(box, region, line_height)
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
