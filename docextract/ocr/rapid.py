"""rapidocr 3.10 with the PP-OCRv6 recognizer shipped inside its wheel, recognizer only: the page grid
already says where the text lines are, so neither the detector nor the orientation classifier runs."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from docextract.ocr.engine import Recognized

# One line per onnxruntime call: a batch pads every line to its widest, and the recognizer's cost grows
# faster than linearly with width (measured: batch 1 and 4 equal, 16 twice as slow).
BATCH = 1
# rapidocr pads each line to at least 320x48 by default; most cells hold a short number, so only pad
# to the line's own width (same text, 40% less CPU on a form page).
MIN_SHAPE = [3, 48, 48]


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self, threads: int = 1) -> None:
        from rapidocr import RapidOCR

        self._ocr = RapidOCR(params={
            "Global.use_det": False,
            "Global.use_cls": False,
            "Global.log_level": "warning",
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "Rec.rec_batch_num": BATCH,
            "Rec.rec_img_shape": MIN_SHAPE,
        })

    def recognize_lines(self, images: Sequence[np.ndarray]) -> list[Recognized]:
        if not images:
            return []
        bgr = [cv2.cvtColor(im, cv2.COLOR_GRAY2BGR) if im.ndim == 2 else im for im in images]
        result = self._ocr.recognize_txt(bgr)
        return [Recognized(text, float(score)) for text, score in zip(result.txts, result.scores)]
