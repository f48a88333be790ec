"""What the reviewer sees of the source: PDF and image pages rendered with PyMuPDF (cell boxes are drawn over
them by the page, in PDF points, so any dpi fits), or the lines of a text export."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pymupdf

from docextract.sources.sniff import sniff

MAX_TEXT_LINES = 600


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


def render_page(path: Path, page: int, dpi: int) -> bytes:
    """The page as PNG; IndexError for a page the document does not have."""
    with _open(path) as doc:
        if not 1 <= page <= doc.page_count:
            raise IndexError(f"no page {page}")
        return doc[page - 1].get_pixmap(dpi=dpi).tobytes("png")


def is_paged(path: Path) -> bool:
    return sniff(path) in ("pdf", "image")


def text_lines(path: Path, first: int, last: int) -> list[tuple[int, str]]:
    """Lines `first`..`last` (1-based) of a text export, at most MAX_TEXT_LINES of them."""
    last = min(last, first + MAX_TEXT_LINES - 1)
    with open(path, encoding="utf-8", errors="replace") as f:
        return [(n, line.rstrip("\r\n")) for n, line in enumerate(islice(f, first - 1, last), start=first)]
