"""Options that travel from the CLI (or a batch worker) down to the sources."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractOptions:
    dpi: int = 200  # render dpi of scanned pages
    ocr_engine: str = "rapidocr"  # or "paddleocr" (optional extra, local model dirs)
    ocr_model_dir: str | None = None  # paddleocr: folder holding the det/rec models
    threads: int = 1  # OCR threads; 1 per worker in batches
    max_pixels: int = 60_000_000  # larger page images are refused rather than decoded
