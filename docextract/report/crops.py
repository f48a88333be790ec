"""Page crops of where a value was read: provenance page + bbox (PDF points) rendered with PyMuPDF."""

from __future__ import annotations

from pathlib import Path

import fitz

MARGIN = 6.0  # points around the cell, so the crop shows its ruling lines
DPI = 150


class PageCropper:
    """Opens each PDF once; `close()` (or `with`) releases them."""

    def __init__(self) -> None:
        self._docs: dict[Path, fitz.Document | None] = {}

    def __enter__(self) -> PageCropper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for doc in self._docs.values():
            if doc is not None:
                doc.close()
        self._docs.clear()

    def _open(self, path: Path) -> fitz.Document | None:
        if path not in self._docs:
            try:
                self._docs[path] = fitz.open(path) if path.suffix.lower() == ".pdf" else None
            except (fitz.FileDataError, OSError):
                self._docs[path] = None
        return self._docs[path]

    def crop(self, path: Path, prov: dict | None) -> bytes | None:
        """PNG of the provenance box on its page; None for text exports, images or no box."""
        if not prov or not prov.get("page") or not prov.get("bbox"):
            return None
        doc = self._open(path)
        if doc is None or not 1 <= prov["page"] <= doc.page_count:
            return None
        page = doc[prov["page"] - 1]
        rect = (fitz.Rect(prov["bbox"]) + (-MARGIN, -MARGIN, MARGIN, MARGIN)) & page.rect
        if rect.is_empty:
            return None
        return page.get_pixmap(clip=rect, dpi=DPI).tobytes("png")
