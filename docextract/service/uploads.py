"""Judging a received file (`multipart.py`): not empty, of a kind docextract reads (by content), within the page
limit; then kept under its content hash.

The client's file name is a label only (record ids and `source` come from it); the file is kept as
`DATA/uploads/<sha256>`, so no name a client sends ever becomes part of a path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from docextract.batch.plan import estimate_pages
from docextract.service.errors import ApiError
from docextract.service.multipart import ReceivedFile
from docextract.sources.sniff import InputKind, sniff


@dataclass(frozen=True)
class Upload:
    sha256: str
    name: str  # the client's file name, cleaned: a label
    size: int
    kind: InputKind
    pages: int
    path: Path


def keep_upload(received: ReceivedFile, max_pages: int) -> Upload:
    """The received file kept as `uploads/<sha256>`; ApiError (and nothing kept) when it is empty, of no kind
    docextract reads, or has more pages than `max_pages`."""
    name = received.name
    try:
        if received.size == 0:
            raise ApiError(422, "empty_file", f"{name}: the file is empty")
        kind = sniff(received.path)
        if kind == "unknown":
            raise ApiError(415, "unsupported_media_type",
                           f"{name}: not a PDF, an image or a text export (judged by content, not by name)")
        pages = estimate_pages(received.path)  # a PDF's page count; 1 for the other kinds
        if pages > max_pages:
            raise ApiError(413, "too_many_pages", f"{name}: {pages} pages, more than the limit of {max_pages}")
        path = received.path.with_name(received.sha256)
        os.replace(received.path, path)  # the same content under the same name: replacing it changes nothing
        return Upload(received.sha256, name, received.size, kind, pages, path)
    finally:
        received.path.unlink(missing_ok=True)
