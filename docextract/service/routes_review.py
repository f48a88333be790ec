"""The review page, live: the forms list, a form beside its page images, sign-in. Corrections go through the
API (/v1/forms/{form_id}/corrections), which the page calls with the sign-in cookie."""

from __future__ import annotations

import os
import re
import uuid
from contextlib import suppress
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from docextract.review.pages import render_page
from docextract.review.render import form_page, index_page, login_page
from docextract.review.view import Links, form_summaries, form_view
from docextract.service.auth import SESSION_COOKIE, client_address, same_secret, session_token
from docextract.service.errors import ApiError
from docextract.service.multipart import PARTIAL_PREFIX
from docextract.service.routes_api import database, settings_of
from docextract.store.forms import parse_form_id

router = APIRouter(prefix="/review", include_in_schema=False)

# The pages load only this server's script, style sheet and images, and may not be framed by another site.
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; object-src 'none';"
                " base-uri 'none'; form-action 'self'; frame-ancestors 'none'", "X-Content-Type-Options": "nosniff"}
IMAGE_HEADERS = {"Cache-Control": "private, max-age=86400"}
LINKS = Links(index="/review/", assets="/review/assets/", form=lambda form_id: f"/review/forms/{form_id}",
              page_image=lambda sha256, page: f"/review/pages/{sha256}/{page}.png")


def _page(html: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)


@router.get("/")
def index(request: Request) -> HTMLResponse:
    with database(request) as conn:
        return _page(index_page(form_summaries(conn), LINKS, "live"))


@router.get("/forms/{form_id}")
def form(request: Request, form_id: str) -> HTMLResponse:
    return _page(form_page(_view(request, form_id), LINKS, "live"))


@router.get("/data/forms/{form_id}")
def form_data(request: Request, form_id: str) -> dict[str, Any]:
    """The form page's data again, after a correction."""
    return _view(request, form_id)


@router.get("/pages/{sha256}/{page}.png")
def page_image(request: Request, sha256: str, page: int) -> Response:
    """A page of a stored document, rendered once and kept beside the database."""
    settings = settings_of(request)
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ApiError(404, "not_found", f"no document {sha256!r}")
    cached = settings.page_images / f"{sha256}-{page}-{settings.review_dpi}.png"
    with suppress(FileNotFoundError):  # not rendered yet, or deleted by the retention sweep
        return Response(cached.read_bytes(), media_type="image/png", headers=IMAGE_HEADERS)
    with database(request) as conn:
        source = request.app.state.source_files.find(conn, sha256)
    try:
        image = render_page(source, page, settings.review_dpi, settings.review_max_pixels) if source else None
    except (IndexError, FileNotFoundError):  # no such page; the upload deleted meanwhile
        image = None
    if image is None:
        raise ApiError(404, "not_found", f"no page {page} of document {sha256!r}")
    cached.parent.mkdir(exist_ok=True)
    partial = cached.with_name(f"{PARTIAL_PREFIX}{uuid.uuid4().hex}")
    partial.write_bytes(image)
    os.replace(partial, cached)  # a concurrent request, or the retention sweep, never sees half an image
    request.app.state.retention.notify()
    return Response(image, media_type="image/png", headers=IMAGE_HEADERS)


@router.get("/login")
def login_form(next: str = "/review/") -> HTMLResponse:
    return _page(login_page(_local(next), failed=False))


@router.post("/login", response_model=None)
def login(request: Request, key: Annotated[str, Form()], next: Annotated[str, Form()] = "/review/") -> Response:
    api_key = settings_of(request).api_key
    lockout, client = request.app.state.auth_lockout, client_address(request.scope)
    if not same_secret(key, api_key):
        lockout.failed(client)
        return _page(login_page(_local(next), failed=True), status=401)
    lockout.succeeded(client)
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, session_token(api_key), httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


def _local(url: str) -> str:
    """Only this server's review pages and API docs are followed after sign-in (no open redirect)."""
    return url if url.startswith(("/review/", "/docs")) and "//" not in url and "\\" not in url else "/review/"


def _view(request: Request, form_id: str) -> dict[str, Any]:
    key = parse_form_id(form_id)
    with database(request) as conn:
        source = request.app.state.source_files.find(conn, key[0]) if key else None
        view = form_view(conn, *key, source, LINKS) if key else None
    if view is None:
        raise ApiError(404, "not_found", f"no form {form_id!r}")
    return view | {"api": f"/v1/forms/{form_id}", "data_url": f"/review/data/forms/{form_id}"}
