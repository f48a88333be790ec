"""The files a batch reads: INPUTs are files, folders (searched recursively) or glob patterns.

Folders contribute the files whose extension names a kind docextract reads; a file named explicitly, or
matched by a pattern, is taken whatever its name (its kind is judged by content when it is read).
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

COLLECTED_SUFFIXES = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".txt"})
_GLOB_MAGIC = re.compile(r"[*?[]")


class InputNotFoundError(ValueError):
    """An INPUT that is no file or folder and matches no file."""


@dataclass(frozen=True)
class InputFile:
    path: Path
    source: str  # relative to the INPUT it was found under: a folder or a pattern's fixed part; else its name


def collect_inputs(inputs: Iterable[str]) -> list[InputFile]:
    """Every file the INPUTs name, once each (by real path), ordered by source.

    A file that several INPUTs reach (a folder and its subfolder) takes the first of its sources in sort
    order, so that the order of the INPUTs changes nothing."""
    files: dict[Path, InputFile] = {}
    for given in inputs:
        found = list(_expand(given))
        if not found:
            raise InputNotFoundError(f"{given}: no such file or folder, and no file matches it")
        for file in found:
            key = file.path.resolve()
            if key not in files or file.source < files[key].source:
                files[key] = file
    return sorted(files.values(), key=lambda f: (f.source, str(f.path)))


def _expand(given: str) -> Iterator[InputFile]:
    path = Path(given)
    if path.is_dir():
        yield from _folder(path, path)
    elif path.is_file():
        yield InputFile(path, path.name)
    elif _GLOB_MAGIC.search(given):
        base = _fixed_part(path)
        for match in map(Path, sorted(glob.glob(given, recursive=True))):
            if match.is_dir():
                yield from _folder(match, base)
            elif match.is_file():
                yield InputFile(match, match.relative_to(base).as_posix())


def _folder(folder: Path, base: Path) -> Iterator[InputFile]:
    for parent, subfolders, names in os.walk(folder):  # symlinked folders are not followed: no loops
        subfolders.sort()
        for name in sorted(names):
            path = Path(parent, name)
            if path.suffix.lower() in COLLECTED_SUFFIXES and path.is_file():
                yield InputFile(path, path.relative_to(base).as_posix())


def _fixed_part(pattern: Path) -> Path:
    """The folder a glob pattern starts from: its parts before the first wildcard."""
    fixed = []
    for part in pattern.parts:
        if _GLOB_MAGIC.search(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")
