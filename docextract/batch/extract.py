"""What a batch worker runs for one document, wherever it runs: a local worker process or a Ray task.

Imported by workers only: the parent process that plans and stores never loads the pipeline."""

from __future__ import annotations

import tempfile
from pathlib import Path

from docextract.model import DocumentResult
from docextract.pipeline import process_document
from docextract.settings import ExtractOptions

# Workers, not threads, share the cores: one OCR thread each (the scan reader sizes OpenCV's pool to match)
WORKER_OPTIONS = ExtractOptions(threads=1)


def extract(path: str | Path) -> DocumentResult:
    return process_document(path, WORKER_OPTIONS)


def extract_bytes(name: str, content: bytes) -> DocumentResult:
    """Extract a document shipped as bytes to a machine that may not see the driver's files."""
    with tempfile.TemporaryDirectory(prefix="docextract-") as folder:
        path = Path(folder, name)  # the file's own name: record ids are made from it
        path.write_bytes(content)
        return extract(path)
