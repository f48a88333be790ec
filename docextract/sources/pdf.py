"""PDFs (born-digital, scanned, or mixed page by page) and images (PNG, JPEG, TIFF incl. multi-page)
-> one cell table. Each page goes the vector way when it has a meaningful text layer and draws a
table, the scan way otherwise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pymupdf
from PIL import Image

from docextract import labels
from docextract.model import CellTable, Row
from docextract.ocr import OcrEngine, create_engine
from docextract.settings import ExtractOptions
from docextract.sources.errors import UnreadableDocumentError
from docextract.sources.page_rows import PageText, page_rows
from docextract.sources.scan import PageImage, read_scan_page
from docextract.sources.vector import read_vector_page, vector_rulings

# MuPDF prints its complaints about damaged files on stdout, into --json output; the reader reports instead
pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)

BLANK_PAGE = "blank page (no table, no text)"
MIN_TEXT_CHARS = 10  # fewer printable characters is no text layer (a stray page number, an OCR remnant)


def read_pdf(path: str | Path, options: ExtractOptions | None = None, *, dpi: int | None = None,
             ocr: OcrEngine | None = None) -> CellTable:
    """`dpi` (default `options.dpi`) renders scanned pages; `ocr` replaces the engine `options` name."""
    options = options or ExtractOptions()
    with _open(path) as doc:
        return _read(doc, str(path), options, dpi or options.dpi, ocr)


def read_image(path: str | Path, options: ExtractOptions | None = None, *, dpi: int | None = None,
               ocr: OcrEngine | None = None) -> CellTable:
    """Each image (each frame of a multi-page TIFF) is a scanned page, read at its own resolution unless
    `dpi` is given."""
    options = options or ExtractOptions()
    _refuse_oversized(path, options.max_pixels)
    with _open(path) as image:
        try:
            doc = pymupdf.open("pdf", image.convert_to_pdf())
        except (RuntimeError, ValueError) as exc:
            raise UnreadableDocumentError("unreadable image: MuPDF cannot convert it") from exc
    with doc:
        return _read(doc, str(path), options, dpi, ocr)


def _refuse_oversized(path: str | Path, max_pixels: int) -> None:
    """Every frame's size from the image header, checked before anything is decoded."""
    try:
        with Image.open(path) as image:
            sizes = []
            for frame in range(getattr(image, "n_frames", 1)):
                image.seek(frame)
                sizes.append(image.size)
    except Image.DecompressionBombError as exc:  # PIL's own guard tripped before ours
        raise UnreadableDocumentError(f"image too large: more than {2 * Image.MAX_IMAGE_PIXELS:,} pixels, "
                                      "refused before decoding") from exc
    except (OSError, SyntaxError, ValueError):
        return  # not an image PIL can parse: PyMuPDF judges it
    for frame, (width, height) in enumerate(sizes, start=1):
        if width * height > max_pixels:
            raise UnreadableDocumentError(f"image too large: {width}x{height} pixels (frame {frame}), "
                                          f"more than the {max_pixels} pixel limit")


def _open(path: str | Path) -> pymupdf.Document:
    try:
        doc = pymupdf.open(path)
    except (pymupdf.FileDataError, pymupdf.EmptyFileError, RuntimeError, ValueError) as exc:
        # MuPDF's message repeats the path; the caller already names the file
        raise UnreadableDocumentError("corrupt or truncated file: MuPDF cannot open it") from exc
    if doc.needs_pass:
        doc.close()
        raise UnreadableDocumentError("encrypted PDF: a password is required")
    if doc.page_count == 0:
        doc.close()
        raise UnreadableDocumentError("the document has no pages")
    return doc


def _read(doc: pymupdf.Document, source: str, options: ExtractOptions, dpi: int | None,
          ocr: OcrEngine | None) -> CellTable:
    """Every page on its own: a page that cannot be read, or holds no part of a form (blank, noise, a
    seal alone), costs only itself and is named in the table's `skipped_pages`; the other pages' forms come out."""
    rows: list[Row] = []
    warnings = ["damaged or truncated PDF: MuPDF had to repair it"] if doc.is_repaired else []
    failures: list[UnreadableDocumentError] = []
    skipped: dict[int, str] = {}
    all_vector = True
    for index in range(doc.page_count):
        page_no = index + 1
        try:
            page = _load_page(doc, index)
            if _empty(page):  # nothing drawn at all: no need to render it
                skipped[page_no] = BLANK_PAGE
                continue
            vector = is_vector_page(page)
            if not vector:
                ocr = ocr or create_engine(options.ocr_engine, threads=options.threads,
                                           model_dir=options.ocr_model_dir)
            text = read_vector_page(page, page_no) if vector else \
                read_scan_page(render(page, dpi, options.max_pixels), page_no, ocr)
            formless = _formless(text)
            page_table = [] if formless else page_rows(text, source)
        except UnreadableDocumentError as exc:
            failures.append(exc)
            skipped[page_no] = str(exc)
            continue
        except MemoryError:
            raise
        except Exception as exc:  # a library failure on one page must not lose the others
            skipped[page_no] = " ".join(f"internal error ({type(exc).__name__}: {exc})".split())
            continue
        all_vector = all_vector and vector
        if formless:
            skipped[page_no] = formless
            continue
        rows.extend(page_table)
    if not rows and failures:
        raise failures[0]
    return CellTable(source=source, kind="digital" if all_vector else "scan", rows=rows,
                     pages=doc.page_count, warnings=warnings, skipped_pages=skipped)


def _empty(page: pymupdf.Page) -> bool:
    return not page.get_images() and not page.get_drawings() and not page.get_text("text").strip()


def _formless(text: PageText) -> str | None:
    """Why a page holds no part of a form, or None. A page with a ruled table may continue a form; a page
    without one is part of a form only if it prints one of the form's labels (its title, 项目名称, …)."""
    if text.grid is not None:
        return None
    if not text.loose_lines:
        return BLANK_PAGE
    if any(labels.is_form_label(labels.key(line.text)) for line in text.loose_lines):
        return None
    return "no table and no form label on it"


def _load_page(doc: pymupdf.Document, index: int) -> pymupdf.Page:
    try:
        page = doc.load_page(index)
        page.rect  # a page of a repaired (truncated) file may fail only when touched
        return page
    except (RuntimeError, SystemError, ValueError) as exc:
        damage = "damaged or truncated PDF" if doc.is_repaired else "unreadable PDF page"
        raise UnreadableDocumentError(f"{damage}: page {index + 1} cannot be read") from exc


def is_vector_page(page: pymupdf.Page) -> bool:
    """A meaningful text layer, drawn in a ruled table or with no picture to read instead (an invisible
    OCR layer over a scan is not trusted: the image is read)."""
    printable = sum(not ch.isspace() for ch in page.get_text("text"))
    if printable < MIN_TEXT_CHARS:
        return False
    horizontal, vertical = vector_rulings(page)
    return (len(horizontal) >= 2 and len(vertical) >= 2) or not page.get_images()


def render(page: pymupdf.Page, dpi: int | None, max_pixels: int) -> PageImage:
    """The page as pixels at `dpi` (None: the resolution of its largest image), gray unless an image on
    it is in colour (then RGB, so a red stamp can be told from print)."""
    images = page.get_image_info(xrefs=True)
    if dpi is None:
        dpi = max((72 * im["width"] / max(1e-6, im["bbox"][2] - im["bbox"][0]) for im in images), default=200)
    zoom = dpi / 72
    width, height = page.rect.width * zoom, page.rect.height * zoom
    if width * height > max_pixels:
        raise UnreadableDocumentError(f"page {page.number + 1} too large: {width:.0f}x{height:.0f} pixels at "
                                      f"{dpi:.0f} dpi, more than the {max_pixels} pixel limit")
    colour = any(im.get("colorspace", 1) >= 3 for im in images)
    matrix = page.rotation_matrix * pymupdf.Matrix(zoom, zoom)
    pix = page.get_pixmap(matrix=matrix, colorspace=pymupdf.csRGB if colour else pymupdf.csGRAY, alpha=False)
    pixels = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)
    pixels = pixels[:, :, 0].copy() if pix.n == 1 else pixels.copy()
    inverse = ~matrix
    to_points = np.array([[inverse.a, inverse.c, inverse.e], [inverse.b, inverse.d, inverse.f]])
    return PageImage(pixels=pixels, dpi=dpi, to_points=to_points)
