"""Receiving an uploaded file: size limit, content sniffing, page count, stored under its content hash.

The client's file name is a label only (record ids and `source` come from it); the file is kept as
`DATA/uploads/<sha256>`, so no name a client sends ever becomes part of a path.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from fastapi import UploadFile

from docextract.batch.plan import estimate_pages
from docextract.service.errors import ApiError
from docextract.sources.sniff import InputKind, sniff

CHUNK = 1024 * 1024
MAX_NAME_CHARS = 200
DEFAULT_NAME = "upload"


@dataclass(frozen=True)
class Upload:
    sha256: str
    name: str  # the client's file name, cleaned: a label
    size: int
    kind: InputKind
    pages: int
    path: Path


def display_name(filename: str | None) -> str:
    """The last component of the client's name, printable characters only."""
    last = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in last if ch.isprintable()).strip()[:MAX_NAME_CHARS]
    return name if name.strip(".") else DEFAULT_NAME


def receive_upload(file: UploadFile, folder: Path, max_bytes: int, max_pages: int) -> Upload:
    """Store the file; ApiError (nothing kept) when it is too large, empty, of no kind docextract reads, or
    has more pages than `max_pages`."""
    name = display_name(file.filename)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".partial-{uuid.uuid4().hex}"
    try:
        digest, size = _copy(file, partial, max_bytes, name)
        if size == 0:
            raise ApiError(422, "empty_file", f"{name}: the file is empty")
        kind = sniff(partial)
        if kind == "unknown":
            raise ApiError(415, "unsupported_media_type",
                           f"{name}: not a PDF, an image or a text export (judged by content, not by name)")
        pages = estimate_pages(partial)  # a PDF's page count; 1 for the other kinds
        if pages > max_pages:
            raise ApiError(413, "too_many_pages", f"{name}: {pages} pages, more than the limit of {max_pages}")
        path = folder / digest
        os.replace(partial, path)  # the same content under the same name: replacing it changes nothing
        return Upload(digest, name, size, kind, pages, path)
    finally:
        partial.unlink(missing_ok=True)


def _copy(file: UploadFile, target: Path, max_bytes: int, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(target, "wb") as out:
        while chunk := file.file.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise ApiError(413, "too_large", f"{name}: more than the upload limit of {max_bytes:,} bytes")
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest(), size
