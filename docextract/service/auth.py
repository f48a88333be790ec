"""API-key authentication, one check in front of every route but /healthz.

Programs send `Authorization: Bearer <key>`. A browser on the review page cannot, so the review's login form
trades the key for a cookie holding an HMAC of it (the key itself never sits in the browser). The cookie is
`SameSite=Strict` and counts only for reads and JSON requests, which another site cannot make a browser send
without a CORS preflight this server never grants: a cookie alone cannot post a job or a correction from
elsewhere. Keys and tokens are compared in constant time, and a client sending wrong keys is locked out
(`lockout.py`; a wrong cookie is not counted: an HMAC cannot be guessed, and a stale one is a browser's, not a
guesser's).
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote

from starlette.datastructures import Headers
from starlette.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from docextract.service.errors import error_response
from docextract.service.lockout import AuthLockout

HEALTH_PATH = "/healthz"
PUBLIC_PATHS = frozenset({HEALTH_PATH, "/review/login"})
SESSION_COOKIE = "docextract_review"
SAFE_METHODS = frozenset({"GET", "HEAD"})


def session_token(api_key: str) -> str:
    return hmac.new(api_key.encode(), b"docextract review session", hashlib.sha256).hexdigest()


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def bearer_key(headers: Headers) -> str | None:
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" and credentials.strip() else None


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def locked_out(retry_after: int) -> JSONResponse:
    return error_response(429, "locked_out", f"too many wrong keys from this address: try again in {retry_after} s",
                          {"Retry-After": str(retry_after)})


def session_cookie(headers: Headers) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE:
            return value
    return None


class ApiKeyMiddleware:
    def __init__(self, app: ASGIApp, api_key: str, lockout: AuthLockout):
        self.app = app
        self.api_key = api_key
        self.token = session_token(api_key)
        self.lockout = lockout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == HEALTH_PATH:
            await self.app(scope, receive, send)
            return
        client = client_address(scope)
        if retry_after := self.lockout.retry_after(client):
            await locked_out(retry_after)(scope, receive, send)
            return
        if scope["path"] in PUBLIC_PATHS or self._allowed(scope, client):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if scope["method"] in SAFE_METHODS and "text/html" in headers.get("accept", ""):
            target = scope["path"] + (f"?{scope['query_string'].decode('latin-1')}" if scope["query_string"] else "")
            response = RedirectResponse(f"/review/login?next={quote(target)}", status_code=303)
        else:
            reason = ("send the API key as 'Authorization: Bearer <key>'" if bearer_key(headers) is None
                      else "the API key is not valid")
            response = error_response(401, "unauthorized", reason, {"WWW-Authenticate": "Bearer"})
        await response(scope, receive, send)

    def _allowed(self, scope: Scope, client: str) -> bool:
        headers = Headers(scope=scope)
        if (key := bearer_key(headers)) is not None:
            right = same_secret(key, self.api_key)
            (self.lockout.succeeded if right else self.lockout.failed)(client)
            return right
        token = session_cookie(headers)
        if token is None or not same_secret(token, self.token):
            return False
        return scope["method"] in SAFE_METHODS or headers.get("content-type", "").startswith("application/json")
