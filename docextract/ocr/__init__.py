"""Text recognition behind one interface: rapidocr (default, models ship in the wheel) or paddleocr
(optional, local model folders only)."""

from docextract.ocr.engine import OcrEngine, OcrUnavailableError, Recognized, create_engine

__all__ = ["OcrEngine", "OcrUnavailableError", "Recognized", "create_engine"]
