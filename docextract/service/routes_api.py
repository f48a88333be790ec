"""The HTTP API, /v1: extract while the client waits, jobs for the workers, stored forms and their review."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Security
from fastapi.security import HTTPBearer

from docextract.review.correct import correct_form
from docextract.review.fields import FieldError
from docextract.service.documents import (document_error, manifest_entry, save_result, stored_form, stored_forms)
from docextract.service.errors import ApiError, ErrorBody
from docextract.service.multipart import ReceivedFile, discard, receive_files
from docextract.service.schemas import (CorrectionRequest, ExtractResponse, JobDocumentOut, JobOut, JobProgress,
                                        ReviewRequest, StoredForm, multipart_body)
from docextract.service.settings import ServiceSettings
from docextract.service.uploads import keep_upload
from docextract.store import add_sources, open_store
from docextract.store.corrections import FormNotFoundError, mark_reviewed
from docextract.store.forms import parse_form_id
from docextract.store.jobs import QueuedDocument, create_job, load_job

# Documents the scheme for OpenAPI; the key itself is checked before any route runs (`auth.ApiKeyMiddleware`).
bearer = HTTPBearer(auto_error=False, description="The server's DOCEXTRACT_API_KEY")
router = APIRouter(prefix="/v1", dependencies=[Security(bearer)])


def _errors(*statuses: int) -> dict[int | str, dict]:
    return {status: {"model": ErrorBody} for status in (400, 401, 413, 429, *statuses)}


def settings_of(request: Request) -> ServiceSettings:
    return request.app.state.settings


def database(request: Request) -> closing[sqlite3.Connection]:
    """A connection for one request, opened and closed in the thread that runs the route: sqlite3 connections
    stay in their thread, and FastAPI may enter a dependency in another thread than the route's."""
    return closing(open_store(settings_of(request).data))


Settings = Annotated[ServiceSettings, Depends(settings_of)]
Received = list[ReceivedFile]


def _received(part: str, most: Callable[[ServiceSettings], int]) -> Callable[[Request], AsyncIterator[Received]]:
    """A dependency: the request's `part` parts, at most `most(settings)` of them, read before the route runs;
    once it has run, the retention sweep is told that files were added (after the job that needs them)."""
    async def received(request: Request) -> AsyncIterator[Received]:
        settings = settings_of(request)
        files = await receive_files(request, part, most(settings), settings.max_upload_bytes, settings.uploads)
        try:
            yield files
        finally:
            discard(files)  # those the route did not keep
            request.app.state.retention.notify()
    return received


@router.post("/extract", response_model=ExtractResponse, responses=_errors(415, 422),
             summary="Extract the forms of one small document and answer with them",
             openapi_extra=multipart_body("file", "A PDF, an image or a text export", many=False))
def extract(request: Request, settings: Settings,
            received: Annotated[Received, Depends(_received("file", lambda _: 1))]) -> ExtractResponse:
    """One `file` part (a second is refused): the document is read while the client waits, so it may have at
    most the server's `max_extract_pages` pages; larger documents go to POST /v1/jobs. Content read before (same
    bytes) is answered from the store, with any reviewers' corrections. A document that cannot be read is a 422
    naming the reason."""
    upload = keep_upload(received[0], settings.max_extract_pages)
    with database(request) as conn:
        if manifest_entry(conn, upload.sha256) == "done":
            add_sources(conn, [(upload.name, upload.sha256)])
        else:
            result = request.app.state.extract_pool.extract(upload.path)
            save_result(conn, upload.sha256, upload.size, upload.name, result)
            if result.error:
                raise ApiError(422, "unreadable_document", f"{upload.name}: {result.error.reason}")
        return ExtractResponse(forms=stored_forms(conn, upload.sha256))


@router.post("/jobs", status_code=202, response_model=JobOut, responses=_errors(415, 422),
             summary="Queue documents for the workers",
             openapi_extra=multipart_body("files", "PDFs, images or text exports", many=True))
def post_job(request: Request, settings: Settings,
             files: Annotated[Received, Depends(_received("files", lambda s: s.max_files))]) -> JobOut:
    """Every file is checked (size, kind by content, page count) before the job is queued: one refused file
    refuses the job, and a file over the size limit, or one more than `max_files`, refuses it as soon as it
    arrives. The job survives a server restart; poll GET /v1/jobs/{job_id}."""
    uploads = [keep_upload(received, settings.max_pages) for received in files]
    with database(request) as conn:
        job_id = create_job(conn, [QueuedDocument(u.sha256, u.name, u.size, u.pages) for u in uploads])
        request.app.state.job_worker.notify()
        return _job_out(conn, job_id)


@router.get("/jobs/{job_id}", response_model=JobOut, responses=_errors(404), summary="A job's status and results")
def get_job(request: Request, job_id: str) -> JobOut:
    with database(request) as conn:
        return _job_out(conn, job_id)


@router.get("/forms/{form_id}", response_model=StoredForm, responses=_errors(404), summary="A stored form")
def get_form(request: Request, form_id: str) -> StoredForm:
    sha256, form_index = _form_key(form_id)
    with database(request) as conn:
        form = stored_form(conn, sha256, form_index)
    if form is None:
        raise _no_form(form_id)
    return form


@router.post("/forms/{form_id}/corrections", response_model=StoredForm, responses=_errors(404, 422),
             summary="Correct values of a form; the form is checked again")
def post_corrections(request: Request, form_id: str, body: CorrectionRequest) -> StoredForm:
    """Each correction names a field path (`funding.total.executed`, `indicators[2].target`, `year`…) and the
    value as the document prints it. The extracted value is kept; the form's findings and status are computed
    again from the corrected values."""
    sha256, form_index = _form_key(form_id)
    changes = {c.field: c.value for c in body.corrections}
    with database(request) as conn:
        try:
            correct_form(conn, sha256, form_index, changes, body.reviewer, body.comment)
        except FormNotFoundError:
            raise _no_form(form_id) from None
        except FieldError as exc:
            raise ApiError(422, "invalid_correction", str(exc)) from None
        return stored_form(conn, sha256, form_index)


@router.post("/forms/{form_id}/review", response_model=StoredForm, responses=_errors(404),
             summary="Mark a form reviewed: its values match the document")
def post_review(request: Request, form_id: str, body: ReviewRequest) -> StoredForm:
    sha256, form_index = _form_key(form_id)
    with database(request) as conn:
        try:
            mark_reviewed(conn, sha256, form_index, body.reviewer)
        except FormNotFoundError:
            raise _no_form(form_id) from None
        return stored_form(conn, sha256, form_index)


def _no_form(form_id: str) -> ApiError:
    return ApiError(404, "not_found", f"no form {form_id!r}")


def _form_key(form_id: str) -> tuple[str, int]:
    key = parse_form_id(form_id)
    if key is None:
        raise _no_form(form_id)
    return key


def _job_out(conn: sqlite3.Connection, job_id: str) -> JobOut:
    job = load_job(conn, job_id)
    if job is None:
        raise ApiError(404, "not_found", f"no job {job_id!r}")
    documents = [JobDocumentOut(
        name=d.document.name, sha256=d.document.sha256, bytes=d.document.size, pages=d.document.pages,
        status=d.status, error=document_error(conn, d.document.sha256) if d.status == "failed" else None,
        forms=stored_forms(conn, d.document.sha256) if d.status == "done" else [],
    ) for d in job.documents]
    counts = {status: job.count(status) for status in ("queued", "running", "done", "failed")}
    progress = JobProgress(documents=len(job.documents), **counts)
    return JobOut(id=job.id, status=job.status, created_at=job.created_at, finished_at=job.finished_at,
                  progress=progress, documents=documents)
