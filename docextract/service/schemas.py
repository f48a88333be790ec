"""The API's request and response bodies (and so its OpenAPI document)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from docextract.model import FormRecord
from docextract.review.fields import MAX_TEXT_CHARS
from docextract.store.jobs import DocumentStatus, JobStatus


def multipart_body(part: str, description: str, many: bool) -> dict[str, Any]:
    """The OpenAPI request body of an upload route, whose parts the route reads itself (`multipart.py`)."""
    binary = {"type": "string", "contentMediaType": "application/octet-stream"}
    schema = {"type": "array", "items": binary} if many else binary
    body = {"type": "object", "properties": {part: schema | {"description": description}}, "required": [part]}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": body}}}}


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class CorrectionOut(BaseModel):
    field: str = Field(description="Field path, e.g. funding.total.executed or indicators[3].score")
    extracted: Any = Field(description="The value as extracted")
    corrected: Any = Field(description="The value the reviewer gave")
    reviewer: str | None
    comment: str | None
    created_at: str


class StoredForm(FormRecord):
    """A form record as stored: reviewers' corrections applied and re-checked."""

    form_id: str = Field(description="<sha256 of the document>-<1-based form index>; GET /v1/forms/{form_id}")
    reviewed_at: str | None = Field(None, description="When a reviewer marked the form checked (UTC)")
    corrections: list[CorrectionOut] = Field(default_factory=list, description="Oldest first")


class ExtractResponse(BaseModel):
    forms: list[StoredForm]


class JobProgress(BaseModel):
    documents: int
    queued: int
    running: int
    done: int
    failed: int


class JobDocumentOut(BaseModel):
    name: str = Field(description="The uploaded file's name (a label)")
    sha256: str
    bytes: int
    pages: int
    status: DocumentStatus
    error: str | None = Field(None, description="Why the document could not be read (status failed)")
    forms: list[StoredForm] = Field(default_factory=list, description="Once done")


class JobOut(BaseModel):
    id: str
    status: JobStatus
    created_at: str
    finished_at: str | None
    progress: JobProgress
    documents: list[JobDocumentOut]


class CorrectionIn(BaseModel):
    field: str = Field(max_length=100, description="Field path of an editable (contract) field")
    value: Annotated[str, Field(max_length=MAX_TEXT_CHARS)] | float | None = Field(
        description="As printed on the form: numbers may keep separators and %")


class CorrectionRequest(BaseModel):
    corrections: list[CorrectionIn] = Field(min_length=1, max_length=500)
    reviewer: str | None = Field(None, max_length=100)
    comment: str | None = Field(None, max_length=2000)


class ReviewRequest(BaseModel):
    reviewer: str | None = Field(None, max_length=100)
