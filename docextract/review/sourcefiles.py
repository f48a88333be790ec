"""Finding a stored document's file, to show its pages: the service's upload (`uploads/<sha256>`), or a batch's
source found again under the folders the reviewer names (a batch stores sources relative to its INPUTs).

A candidate counts only if it lies inside one of those folders and its content has the document's sha256:
stored source names are never trusted as paths.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from docextract.batch.plan import fingerprint


class SourceFiles:
    def __init__(self, uploads: Path | None, inputs: Sequence[Path] = ()):
        self._uploads = uploads
        self._inputs = [Path(root).resolve() for root in inputs]
        self._found: dict[str, Path] = {}

    def find(self, conn: sqlite3.Connection, sha256: str) -> Path | None:
        """The file, or None; a file found before is looked for again once it is gone (a server's retention
        deletes old uploads), and one not found is looked for again each time (it may be uploaded since)."""
        found = self._found.get(sha256)
        if found is None or not found.is_file():
            found = self._search(conn, sha256)
            if found is not None:
                self._found[sha256] = found
        return found

    def _search(self, conn: sqlite3.Connection, sha256: str) -> Path | None:
        if self._uploads is not None and (upload := self._uploads / sha256).is_file():
            return upload
        sources = [source for (source,) in conn.execute("SELECT source FROM sources WHERE sha256 = ?", (sha256,))]
        for root in self._inputs:
            for source in sources:
                candidate = (root / source).resolve()
                if candidate.is_relative_to(root) and candidate.is_file() and _holds(candidate, sha256):
                    return candidate
        return None


def _holds(path: Path, sha256: str) -> bool:
    try:
        return fingerprint(path)[0] == sha256
    except OSError:
        return False
