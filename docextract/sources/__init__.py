"""Every input kind becomes one `CellTable`: text exports, PDFs (vector or scanned pages), images."""

from __future__ import annotations

from pathlib import Path

from docextract.model import CellTable
from docextract.sources.errors import UnreadableDocumentError, UnsupportedInputError
from docextract.sources.sniff import sniff
from docextract.settings import ExtractOptions


def read_document(path: str | Path, options: ExtractOptions | None = None) -> CellTable:
    options = options or ExtractOptions()
    path = Path(path)
    if not path.is_file():
        raise UnreadableDocumentError("no such file" if not path.exists() else "not a regular file")
    if path.stat().st_size == 0:
        raise UnreadableDocumentError("empty file (0 bytes)")
    kind = sniff(path)
    if kind == "pdf":
        from docextract.sources.pdf import read_pdf

        return read_pdf(path, options)
    if kind == "image":
        from docextract.sources.pdf import read_image

        return read_image(path, options)
    if kind == "text":
        from docextract.sources.text_export import read_text_export

        return read_text_export(path)
    raise UnsupportedInputError("not a PDF, an image or a text export (binary content)")
