"""Every error the service answers is JSON: `{"error": <code>, "reason": <one sentence>}`."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

log = logging.getLogger("docextract.service")


class ErrorBody(BaseModel):
    error: str  # a stable code: unauthorized, too_large, too_many_pages, unsupported_media_type, …
    reason: str  # what went wrong, for a person


class ApiError(Exception):
    def __init__(self, status: int, error: str, reason: str, headers: dict[str, str] | None = None):
        super().__init__(reason)
        self.status, self.error, self.reason, self.headers = status, error, reason, headers


class BodyTooLargeError(Exception):
    """Raised while the request body is read, once it is over the limit (see `limits.py`)."""

    def __init__(self, limit: int):
        super().__init__(f"the request is over the limit of {limit:,} bytes")


def error_response(status: int, error: str, reason: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error, "reason": reason}, status_code=status, headers=headers)


def too_large(exc: BodyTooLargeError) -> JSONResponse:
    return error_response(413, "too_large", str(exc))


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
               413: "too_large", 415: "unsupported_media_type"}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.error, exc.reason, exc.headers)

    @app.exception_handler(BodyTooLargeError)
    async def body_too_large(_: Request, exc: BodyTooLargeError) -> JSONResponse:
        return too_large(exc)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        if isinstance(exc.__cause__, BodyTooLargeError):  # FastAPI wraps errors of reading a form as a 400
            return too_large(exc.__cause__)
        reason = exc.detail if isinstance(exc.detail, str) else "the request was refused"
        return error_response(exc.status_code, _HTTP_CODES.get(exc.status_code, "http_error"), reason,
                              getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
        return error_response(422, "invalid_request", problems or "the request does not fit the API")

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error_response(500, "internal", f"internal error ({type(exc).__name__})")
