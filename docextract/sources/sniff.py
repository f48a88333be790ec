"""What a file is, judged by its first bytes rather than its extension."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

InputKind = Literal["pdf", "image", "text", "unknown"]

_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"II*\x00",  # TIFF little-endian
    b"MM\x00*",  # TIFF big-endian
    b"BM",  # BMP
)


def sniff(path: str | Path) -> InputKind:
    with open(path, "rb") as f:
        head = f.read(4096)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_IMAGE_MAGIC) or head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head and b"\x00" not in head:
        return "text"
    return "unknown"
