"""An upload request's files, read straight from the request stream: each file part is written into the uploads
folder as it arrives (hashed on the way), and the request is refused as soon as a part passes the per-file limit
or one part more than allowed begins. A refused request so costs at most one part's limit of bytes, read and
stored; FastAPI's own form parsing would spool every part to a temporary folder before a route could refuse any.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

from docextract.service.errors import ApiError

PARTIAL_PREFIX = ".partial-"  # an upload being received, or left by a server that died meanwhile
MAX_NAME_CHARS = 200
DEFAULT_NAME = "upload"


def display_name(filename: str | None) -> str:
    """The last component of the client's file name, printable characters only: a label, never a path."""
    last = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in last if ch.isprintable()).strip()[:MAX_NAME_CHARS]
    return name if name.strip(".") else DEFAULT_NAME


@dataclass
class ReceivedFile:
    name: str  # the client's file name, cleaned (`display_name`)
    path: Path  # uploads/.partial-…: the caller judges it and keeps or deletes it
    size: int = 0
    digest: Any = field(default_factory=hashlib.sha256)

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()


class _Parts:
    """The parser's callbacks: headers gathered per part, file data written as it comes."""

    def __init__(self, field_name: str, max_files: int, max_bytes: int, folder: Path):
        self.field_name, self.max_files, self.max_bytes, self.folder = field_name, max_files, max_bytes, folder
        self.files: list[ReceivedFile] = []
        self.complete = False
        self._out: BinaryIO | None = None
        self._header, self._value, self._disposition = b"", b"", b""

    def on_part_begin(self) -> None:
        self._disposition = b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        if self._header.lower() == b"content-disposition":
            self._disposition = self._value
        self._header, self._value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if name != self.field_name:
            raise ApiError(422, "invalid_request", f"a part named {name!r}: this route takes only "
                                                   f"'{self.field_name}' parts")
        if len(self.files) == self.max_files:
            raise ApiError(413, "too_many_files", f"more than {self.max_files} '{self.field_name}' "
                                                  f"part{'s' if self.max_files > 1 else ''} in one request")
        filename = options[b"filename"].decode("utf-8", "replace") if b"filename" in options else None
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f"{PARTIAL_PREFIX}{uuid.uuid4().hex}"
        self.files.append(ReceivedFile(display_name(filename), partial))
        self._out = open(self.files[-1].path, "wb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        received = self.files[-1]
        received.size += end - start
        if received.size > self.max_bytes:
            raise ApiError(413, "too_large", f"{received.name}: more than the upload limit of "
                                             f"{self.max_bytes:,} bytes")
        chunk = data[start:end]
        received.digest.update(chunk)
        self._out.write(chunk)

    def on_part_end(self) -> None:
        self.close()

    def on_end(self) -> None:
        self.complete = True

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


async def receive_files(request: Request, field_name: str, max_files: int, max_bytes: int,
                        folder: Path) -> list[ReceivedFile]:
    """The request's `field_name` parts, each stored under `folder` as a partial file; ApiError (and nothing left
    on disk) for a body that is not multipart, holds another part, too many parts, a part over `max_bytes`, or
    ends early. Errors of reading the body itself (its size limit) pass through, also leaving nothing."""
    content_type, options = parse_options_header(request.headers.get("content-type"))
    if content_type != b"multipart/form-data" or not options.get(b"boundary"):
        raise ApiError(415, "unsupported_media_type", "send the files as multipart/form-data")
    parts = _Parts(field_name, max_files, max_bytes, folder)
    parser = MultipartParser(options[b"boundary"], {name: getattr(parts, name) for name in (
        "on_part_begin", "on_header_field", "on_header_value", "on_header_end", "on_headers_finished",
        "on_part_data", "on_part_end", "on_end")})
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        if not parts.complete:
            raise ApiError(400, "bad_request", "the multipart body ended before its closing boundary")
        if not parts.files:
            raise ApiError(422, "invalid_request", f"no '{field_name}' part: send the file as a '{field_name}' part")
    except BaseException as exc:
        parts.close()
        discard(parts.files)
        if isinstance(exc, MultipartParseError):
            raise ApiError(400, "bad_request", f"not a well-formed multipart body ({exc})") from None
        raise
    return parts.files


def discard(files: list[ReceivedFile]) -> None:
    for received in files:
        received.path.unlink(missing_ok=True)
