"""LLM answers on disk, one JSON file per request key (prompt version + model + mode + input hash).

Only well-formed answers are stored; a failure is asked again next run. Writes go through a temporary
file and a rename, so concurrent workers never read half a file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


class AnswerCache:
    def __init__(self, folder: str | Path | None) -> None:
        self.folder = Path(folder) if folder else None

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        if self.folder is None:
            return None
        try:
            return json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):  # absent, or unreadable: ask again
            return None

    def put(self, key: str, answer: dict[str, Any]) -> None:
        if self.folder is None:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                             suffix=".tmp") as handle:
                json.dump(answer, handle, ensure_ascii=False)
            os.replace(handle.name, path)
        except OSError:  # a read-only or full disk costs a cache entry, not the form
            return
