"""Gold records: hand-verified JSON arrays of form records, one file per document."""

from __future__ import annotations

import json
import re
from pathlib import Path

_GOLD_KEY = re.compile(r"(\d{3})")


def gold_key(name: str) -> str | None:
    """The document key of a file name or form id: its first 3-digit group (000_….txt, dev-000.scan.pdf)."""
    m = _GOLD_KEY.search(name)
    return m.group(1) if m else None


def gold_for(input_path: str | Path, gold_dir: str | Path) -> Path | None:
    """The gold file of an input: `<gold_dir>/<key>.json` for the first 3-digit group of its name."""
    key = gold_key(Path(input_path).name)
    if key is None:
        return None
    candidate = Path(gold_dir) / f"{key}.json"
    return candidate if candidate.exists() else None


def load_gold(path: str | Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))
