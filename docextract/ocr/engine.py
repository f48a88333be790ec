"""The engine interface: recognize cropped single-line images, in one batch per page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Reading:
    """One character of a recognized line: what was read, how sure the recognizer was, and what else
    it saw at that place (most likely first, the blank left out)."""

    char: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...] = ()
    blank: float = 0.0  # how likely the recognizer saw nothing there


@dataclass(frozen=True)
class Recognized:
    text: str
    confidence: float  # 0..1
    # per character of `text`, where the engine tells (rapidocr); empty otherwise
    chars: tuple[Reading, ...] = ()
    # characters the recognizer nearly read where it settled on nothing: (place in text, char, confidence)
    skipped: tuple[tuple[int, str, float], ...] = ()


class OcrUnavailableError(RuntimeError):
    """The engine cannot run here: a package or a local model folder is missing (nothing is downloaded)."""


class OcrEngine(Protocol):
    name: str
    # threads the engine computes with; the scan reader sizes OpenCV's pool alike (optional attribute)
    threads: int

    def recognize_lines(self, images: Sequence[np.ndarray]) -> list[Recognized]:
        """One result per image, in order; each image holds one line of text (BGR or gray)."""
        ...


def create_engine(name: str = "rapidocr", *, threads: int = 1, model_dir: str | None = None) -> OcrEngine:
    """One engine per (name, threads, model_dir) and process: loading models costs more than a page."""
    return _engine(name, threads, model_dir)


@lru_cache(maxsize=4)
def _engine(name: str, threads: int, model_dir: str | None) -> OcrEngine:
    if name == "rapidocr":
        from docextract.ocr.rapid import RapidOcrEngine

        return RapidOcrEngine(threads=threads)
    if name == "paddleocr":
        from docextract.ocr.paddle import PaddleOcrEngine

        return PaddleOcrEngine(model_dir, threads=threads)
    raise OcrUnavailableError(f"unknown OCR engine {name!r}: use 'rapidocr' or 'paddleocr'")
