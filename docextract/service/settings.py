"""What a server is started with: its data folder, its API key and its limits."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from docextract.review.pages import MAX_PIXELS

API_KEY_VARIABLE = "DOCEXTRACT_API_KEY"
MIN_KEY_LENGTH = 16


class ServiceConfigError(ValueError):
    """A server that must not start as configured (no API key, a key too short to resist guessing)."""


@dataclass(frozen=True, repr=False)
class ServiceSettings:
    data: Path  # the database (shared with `docextract batch -o DATA`), uploads/, the review's page images
    api_key: str
    max_upload_bytes: int = 20 * 1024 * 1024  # one file
    max_files: int = 50  # one job
    max_pages: int = 200  # one document of a job
    max_extract_pages: int = 10  # one document of POST /v1/extract, which answers while the client waits
    extract_workers: int = 2  # processes serving POST /v1/extract
    job_workers: int = 2  # processes working through the job queue
    time_limit: float | None = 600.0  # seconds per job document; an overrun fails it
    inputs: tuple[Path, ...] = field(default_factory=tuple)  # where a batch's source files are, for page images
    review_dpi: int = 100
    review_max_pixels: int = MAX_PIXELS  # a page image larger at review_dpi is rendered at a lower dpi
    max_json_bytes: int = 1024 * 1024  # a JSON request body (corrections, review marks)
    max_auth_failures: int = 10  # so many wrong keys from a client within `auth_lockout` seconds lock it out
    auth_lockout: float = 300.0  # seconds, for both (`lockout.py`)
    keep_days: float = 30.0  # uploads and page images older than this are deleted; 0: no age limit
    keep_bytes: int = 10 * 1024 ** 3  # beyond this total, the oldest are deleted first; 0: no size limit

    @property
    def uploads(self) -> Path:
        return self.data / "uploads"

    @property
    def page_images(self) -> Path:
        """The review's page images, rendered once: `<sha256>-<page>-<dpi>.png`."""
        return self.data / "review-pages"

    def __repr__(self) -> str:
        return f"ServiceSettings(data={self.data!s}, api_key='***', max_upload_bytes={self.max_upload_bytes})"


def api_key_from_env(env: dict[str, str] | None = None) -> str:
    key = (os.environ if env is None else env).get(API_KEY_VARIABLE, "")
    if not key:
        raise ServiceConfigError(f"set {API_KEY_VARIABLE}: every route but /healthz needs the key")
    if len(key) < MIN_KEY_LENGTH:
        raise ServiceConfigError(f"{API_KEY_VARIABLE} is shorter than {MIN_KEY_LENGTH} characters")
    return key
