"""What the reviewer sees of the source: PDF and image pages rendered with PyMuPDF (cell boxes are drawn over
them by the page, in PDF points, so any dpi fits), or the lines of a text export."""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pymupdf

from docextract.sources.sniff import sniff

MAX_TEXT_LINES = 600
MAX_PIXELS = 16_000_000  # of a page image: 16 Mpx at 3 bytes a pixel is 48 MB while it is encoded


@dataclass(frozen=True)
class PageSize:
    page: int  # 1-based
    width: float  # PDF points
    height: float


def _open(path: Path) -> pymupdf.Document:
    """Images become one-page-per-frame PDFs, as the image reader converts them (same coordinates)."""
    if sniff(path) == "image":
        with pymupdf.open(path) as image:
            return pymupdf.open("pdf", image.convert_to_pdf())
    return pymupdf.open(path)


def page_sizes(path: Path, pages: range) -> list[PageSize]:
    with _open(path) as doc:
        return [PageSize(n, doc[n - 1].rect.width, doc[n - 1].rect.height) for n in pages if 1 <= n <= doc.page_count]


def render_page(path: Path, page: int, dpi: int, max_pixels: int = MAX_PIXELS) -> bytes:
    """The page as PNG, at `dpi` or at the lower resolution that keeps it within `max_pixels` (a page may be
    metres wide); IndexError for a page the document does not have."""
    with _open(path) as doc:
        if not 1 <= page <= doc.page_count:
            raise IndexError(f"no page {page}")
        rect = doc[page - 1].rect
        fit = math.sqrt(max_pixels / max(rect.width * rect.height, 1e-6)) * 0.999  # MuPDF rounds the sides up
        zoom = min(dpi / 72, fit)
        return doc[page - 1].get_pixmap(matrix=pymupdf.Matrix(zoom, zoom)).tobytes("png")


def is_paged(path: Path) -> bool:
    return sniff(path) in ("pdf", "image")


def text_lines(path: Path, first: int, last: int) -> list[tuple[int, str]]:
    """Lines `first`..`last` (1-based) of a text export, at most MAX_TEXT_LINES of them."""
    last = min(last, first + MAX_TEXT_LINES - 1)
    with open(path, encoding="utf-8", errors="replace") as f:
        return [(n, line.rstrip("\r\n")) for n, line in enumerate(islice(f, first - 1, last), start=first)]
