"""Uploads and page images are not kept forever. A sweep deletes, in the data folder's `uploads/` and
`review-pages/`:

- what is older than `keep_days` (0: no age limit);
- then, while the two folders hold more than `keep_bytes` together (0: no size limit), the oldest first;
- an upload whose document could not be read, and a partial upload left by a server that died, once an hour old;

never the upload of a document that a job still has queued or running. An upload goes with its page images.
Stored records stay: a form whose upload is gone is still served, its review page without the page images.
A server sweeps when it starts, after uploads (at most every few seconds) and every few minutes.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path

from docextract.service.multipart import PARTIAL_PREFIX
from docextract.service.settings import ServiceSettings
from docextract.store import manifest_status, open_store
from docextract.store.jobs import unfinished_documents

log = logging.getLogger("docextract.service")

DEBRIS_SECONDS = 3600.0  # an unreadable document's upload, or a partial one, is kept this long
SWEEP_SECONDS = 300.0  # between sweeps when nothing wakes the sweeper
MIN_SWEEP_SECONDS = 5.0  # between two sweeps, however many uploads arrive


@dataclass(frozen=True)
class _File:
    path: Path
    owner: str | None  # the document's sha256 (its upload, a page image of it); None: a partial file
    mtime: float
    size: int


def sweep(conn: sqlite3.Connection, uploads: Path, page_images: Path, keep_days: float, keep_bytes: int,
          now: float | None = None) -> list[Path]:
    """Delete what the rules above say; returns the deleted files."""
    now = time.time() if now is None else now
    needed, failed = unfinished_documents(conn), {sha for sha, status in manifest_status(conn).items()
                                                   if status == "failed"}
    images = _listed(page_images)
    files = [*_listed(uploads), *images]
    images_of: dict[str, list[_File]] = {}
    for image in images:
        images_of.setdefault(image.owner, []).append(image)
    doomed: set[Path] = set()

    def delete(file: _File) -> int:
        """Mark `file` (an upload: with its page images) deleted; returns the bytes this frees."""
        group = [file, *images_of.get(file.owner, [])] if file.path.parent == uploads and file.owner else [file]
        fresh = [f for f in group if f.path not in doomed]
        doomed.update(f.path for f in fresh)
        return sum(f.size for f in fresh)

    for file in files:
        if file.owner in needed:
            continue
        debris = file.owner is None or (file.owner in failed and file.path.parent == uploads)
        if (debris and file.mtime < now - DEBRIS_SECONDS) or (keep_days and file.mtime < now - keep_days * 86400):
            delete(file)
    if keep_bytes:  # partial uploads are being received, or debris: not the oldest documents' to make room for
        kept = [f for f in files if f.owner is not None and f.path not in doomed]
        total = sum(f.size for f in kept)
        for file in sorted(kept, key=lambda f: f.mtime):
            if total <= keep_bytes:
                break
            if file.owner not in needed:
                total -= delete(file)
    for path in doomed:
        path.unlink(missing_ok=True)
    return sorted(doomed)


def _listed(folder: Path) -> list[_File]:
    listed = []
    with suppress(FileNotFoundError):
        for entry in folder.iterdir():
            try:
                stat = entry.stat()
            except FileNotFoundError:  # deleted meanwhile
                continue
            if not entry.is_file():
                continue
            owner = None if entry.name.startswith(PARTIAL_PREFIX) else entry.name[:64]
            listed.append(_File(entry, owner, stat.st_mtime, stat.st_size))
    return listed


class RetentionSweeper:
    """Sweeps in a thread of its own: at start (before the server answers), when woken, and every few minutes."""

    def __init__(self, settings: ServiceSettings):
        self._settings = settings
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="docextract-retention", daemon=True)

    def start(self) -> None:
        self._sweep()
        self._thread.start()

    def notify(self) -> None:
        """Files were added."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(SWEEP_SECONDS)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self._sweep()
            except Exception:  # a locked database, a folder gone: the next sweep tries again
                log.exception("retention sweep failed")
            self._stop.wait(MIN_SWEEP_SECONDS)

    def _sweep(self) -> None:
        settings = self._settings
        with closing(open_store(settings.data)) as conn:
            deleted = sweep(conn, settings.uploads, settings.page_images, settings.keep_days, settings.keep_bytes)
        if deleted:
            log.info("retention: deleted %d uploads and page images", len(deleted))
