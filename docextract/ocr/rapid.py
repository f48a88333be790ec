"""rapidocr 3.10 with the PP-OCRv6 recognizer shipped inside its wheel, recognizer only: the page grid
already says where the text lines are, so neither the detector nor the orientation classifier runs.

The recognizer's per-step character probabilities are decoded here (greedy CTC, as rapidocr does), so
that each character comes with its runner-up readings: later stages choose among what the recognizer
saw ('·' where it hesitated with '、') instead of guessing."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from docextract.ocr.engine import Reading, Recognized

# One line per onnxruntime call: a batch pads every line to its widest, and the recognizer's cost grows
# faster than linearly with width (measured: batch 1 and 4 equal, 16 twice as slow).
BATCH = 1
# rapidocr pads each line to at least 320x48 by default; most cells hold a short number, so only pad
# to the line's own width (same text, 40% less CPU on a form page).
MIN_SHAPE = [3, 48, 48]
ALTERNATIVES = 3  # runner-up readings kept per character
SURE = 0.995  # a character read this surely has no runner-up worth keeping
SKIPPED = 0.05  # a character this likely at a step decoded as blank is reported as nearly read


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self, threads: int = 1) -> None:
        from rapidocr import RapidOCR

        self.threads = threads
        self._ocr = RapidOCR(params={
            "Global.use_det": False,
            "Global.use_cls": False,
            "Global.log_level": "warning",
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "Rec.rec_batch_num": BATCH,
            "Rec.rec_img_shape": MIN_SHAPE,
        })
        self._rec = None

    def recognize_lines(self, images: Sequence[np.ndarray]) -> list[Recognized]:
        if not images:
            return []
        rec = self._recognizer()
        if rec is None:  # a rapidocr without the recognizer's internals: its own decoding, text only
            bgr = [_bgr(im) for im in images]
            result = self._ocr.recognize_txt(bgr)
            return [Recognized(text, float(score)) for text, score in zip(result.txts, result.scores)]
        _, height, width = rec.rec_image_shape
        out = []
        for image in images:
            bgr = _bgr(image)
            h, w = bgr.shape[:2]
            if h == 0 or w == 0:
                out.append(Recognized("", 0.0))
                continue
            norm = rec.resize_norm_img(bgr, max(width / height, w / h))
            probs = rec.session(norm[np.newaxis].astype(np.float32))[0]
            out.append(_decode(probs, rec.postprocess_op.character))
        return out

    def _recognizer(self):
        if self._rec is None:
            try:
                self._rec = self._ocr._load_rec_model()
                self._rec.resize_norm_img, self._rec.session, self._rec.postprocess_op.character  # noqa: B018
            except AttributeError:
                self._rec = False
        return self._rec or None


def _bgr(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image


def _decode(probs: np.ndarray, characters: list[str]) -> Recognized:
    """Greedy CTC decoding of one line's (steps, classes) probabilities, as rapidocr decodes it (index 0
    is the blank; a repeated index is one character), keeping runner-ups and near-misses."""
    best = probs.argmax(axis=1)
    chars: list[Reading] = []
    skipped: list[tuple[int, str, float]] = []
    previous = -1
    for step, index in enumerate(best):
        if index == 0:
            row = probs[step]
            if row[0] > 1 - SKIPPED:  # nothing else can reach SKIPPED
                previous = index
                continue
            runner = int(np.argmax(row[1:])) + 1
            if row[runner] >= SKIPPED:
                skipped.append((len(chars), characters[runner], round(float(row[runner]), 5)))
        elif index != previous:
            row = probs[step]
            alternatives: tuple[tuple[str, float], ...] = ()
            if row[index] < SURE:
                top = np.argpartition(row, -(ALTERNATIVES + 2))[-(ALTERNATIVES + 2):]
                order = top[np.argsort(row[top])[::-1]]
                alternatives = tuple((characters[i], round(float(row[i]), 5)) for i in order if i not in (index, 0))
            chars.append(Reading(characters[index], round(float(row[index]), 5), alternatives[:ALTERNATIVES],
                                 round(float(row[0]), 5)))
        previous = index
    text = "".join(c.char for c in chars)
    confidence = float(np.mean([c.confidence for c in chars]).round(5)) if chars else 0.0
    return Recognized(text, confidence, tuple(chars), tuple(skipped))
