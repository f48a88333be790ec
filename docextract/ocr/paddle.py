"""paddleocr 3 (optional extra `docextract[paddle]`) as a recognizer, from a local model folder only."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from docextract.ocr.engine import OcrUnavailableError, Recognized

_HOW = ("give --ocr-model-dir a folder holding a PaddleOCR text-recognition model "
        "(inference.yml with inference.json/.pdmodel and .pdiparams), e.g. PP-OCRv5_server_rec; "
        "docextract never downloads models")


class PaddleOcrEngine:
    name = "paddleocr"

    def __init__(self, model_dir: str | os.PathLike | None, threads: int = 1) -> None:
        self.threads = threads
        rec_dir = _recognition_model(model_dir)
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")  # no hub look-ups
        try:
            from paddleocr import TextRecognition
        except ImportError as exc:
            raise OcrUnavailableError(f"paddleocr is not installed (pip install 'docextract[paddle]'): {exc}") from exc
        self._model = TextRecognition(model_name=_model_name(rec_dir), model_dir=str(rec_dir),
                                      device="cpu", cpu_threads=threads)

    def recognize_lines(self, images: Sequence[np.ndarray]) -> list[Recognized]:
        if not images:
            return []
        results = self._model.predict(input=list(images), batch_size=16)
        return [Recognized(str(r["rec_text"]), float(r["rec_score"])) for r in results]


def _recognition_model(model_dir: str | os.PathLike | None) -> Path:
    """The folder itself, or the one folder under it, that holds a recognition model."""
    if model_dir is None:
        raise OcrUnavailableError(f"paddleocr needs a local model folder: {_HOW}")
    root = Path(model_dir)
    if not root.is_dir():
        raise OcrUnavailableError(f"paddleocr model folder {root} does not exist: {_HOW}")
    candidates = [p.parent for p in sorted(root.glob("**/inference.yml")) if "rec" in _model_name(p.parent).lower()]
    if not candidates:
        raise OcrUnavailableError(f"no text-recognition model under {root}: {_HOW}")
    return candidates[0]


def _model_name(folder: Path) -> str:
    """`Global.model_name` of the folder's inference.yml (read without a YAML dependency)."""
    for line in (folder / "inference.yml").read_text(encoding="utf-8").splitlines():
        key, _, value = line.strip().partition(":")
        if key == "model_name" and value.strip():
            return value.strip().strip("'\"")
    return folder.name
