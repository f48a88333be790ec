"""Predictions read from a file (`--pred`): the records of `docextract extract --json/--jsonl` or any
system writing the same contract, matched to documents by their `source` file name or `id` prefix."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from docextract.evaluation.gold import gold_key


def read_predictions(path: Path) -> list[dict]:
    """A JSON array of records, or one record per line (JSON lines)."""
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class PredictionIndex:
    """Predicted records grouped by document: by source file name, else by the key of source or id."""

    def __init__(self, records: list[dict]):
        self.by_name: dict[str, list[dict]] = defaultdict(list)
        self.by_key: dict[str, list[dict]] = defaultdict(list)
        for record in records:
            source = record.get("source")
            if source:
                self.by_name[Path(source).name].append(record)
            key = gold_key(Path(source).name) if source else None
            key = key or gold_key(str(record.get("id") or ""))
            if key:
                self.by_key[key].append(record)

    def for_input(self, input_path: Path, gold_path: Path) -> list[dict]:
        """The records of one document: those naming it as source, else those of its gold's key."""
        if input_path.name in self.by_name:
            return self.by_name[input_path.name]
        key = gold_key(gold_path.name)
        return self.by_key.get(key, []) if key else []

    def documents(self) -> list[str]:
        """Document names (source file names, or bare keys for records without source)."""
        keyed_by_name = {gold_key(name) for name in self.by_name}
        return [*self.by_name, *(key for key in self.by_key if key not in keyed_by_name)]
