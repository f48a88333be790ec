"""Named evaluation datasets (`eval/datasets.json`): which inputs go with which gold records."""

from __future__ import annotations

import glob
import json
from dataclasses import dataclass
from pathlib import Path

from docextract.evaluation.gold import gold_for

DEFAULT_DATASETS = Path("eval/datasets.json")


class DatasetError(ValueError):
    """A dataset that is not defined, or whose inputs or gold records are not there."""


@dataclass(frozen=True)
class DocumentCase:
    """One input document and the gold file holding its forms."""

    input: Path
    gold: Path


def cases_for_inputs(inputs: list[Path], gold: Path) -> tuple[list[DocumentCase], list[Path]]:
    """(cases, inputs without gold). `gold` is a folder of NNN.json, matched by the first 3-digit group
    of each input's name, or one gold file for every input."""
    cases, unmatched = [], []
    for path in inputs:
        gold_file = gold if gold.is_file() else gold_for(path, gold)
        if gold_file is None:
            unmatched.append(path)
        else:
            cases.append(DocumentCase(path, gold_file))
    return cases, unmatched


def load_dataset(name: str, datasets_file: Path = DEFAULT_DATASETS) -> list[DocumentCase]:
    """The cases of dataset `name`. Paths in the file are relative to its `root` (relative to the file)."""
    if not datasets_file.exists():
        raise DatasetError(f"{datasets_file} not found (run from the repository root or pass --datasets)")
    spec = json.loads(datasets_file.read_text(encoding="utf-8"))
    if name not in spec["datasets"]:
        raise DatasetError(f"no dataset {name!r} in {datasets_file}; defined: {', '.join(spec['datasets'])}")
    root = (datasets_file.parent / spec.get("root", ".")).resolve()
    cases: list[DocumentCase] = []
    for part in spec["datasets"][name]["parts"]:
        gold = root / part["gold"]
        if not gold.exists():
            raise DatasetError(f"dataset {name}: gold {gold} not found")
        for pattern in part["inputs"]:
            inputs = sorted(Path(p) for p in glob.glob(str(root / pattern)))
            if not inputs:
                raise DatasetError(f"dataset {name}: no input matches {root / pattern}")
            matched, unmatched = cases_for_inputs(inputs, gold)
            if unmatched:
                raise DatasetError(f"dataset {name}: no gold in {gold} for {', '.join(map(str, unmatched))}")
            cases += matched
    return cases

