"""Request size limits, enforced before a body is read: a declared Content-Length over the limit is refused
at once, and a body without one (chunked) is counted as it arrives and cut off once it passes the limit.
Each file part of an upload is also held to the per-file limit as it arrives (`multipart.py`)."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docextract.service.auth import PUBLIC_PATHS
from docextract.service.errors import BodyTooLargeError, too_large
from docextract.service.settings import ServiceSettings

FRAMING_BYTES = 64 * 1024  # a file's multipart headers and boundaries, generously


def request_limits(settings: ServiceSettings) -> tuple[int, dict[str, int]]:
    """The most bytes of a request body: for any route (a JSON body), and for those that take other bodies (a
    job's files, one file to extract; the routes that need no key, almost nothing)."""
    one_file = settings.max_upload_bytes + FRAMING_BYTES
    return settings.max_json_bytes, {**dict.fromkeys(PUBLIC_PATHS, FRAMING_BYTES), "/v1/extract": one_file,
                                     "/v1/jobs": settings.max_files * one_file}


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int, by_path: Mapping[str, int]):
        """`max_bytes` for every path but those of `by_path` (path -> its own limit)."""
        self.app = app
        self.max_bytes = max_bytes
        self.by_path = dict(by_path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.by_path.get(scope["path"], self.max_bytes)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await too_large(BodyTooLargeError(limit))(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLargeError(limit)  # the error handlers answer 413
            return message

        await self.app(scope, counted, send)
