"""The files a batch reads: INPUTs are files, folders (searched recursively) or glob patterns.

Folders contribute the files whose extension names a kind docextract reads; a file named explicitly, or
matched by a pattern, is taken whatever its name (its kind is judged by content when it is read).
What a search meets and cannot read as a file (a symbolic link loop or a FIFO named like a document, a
linked folder, a folder it may not list, a folder named like a document) is kept, with the reason, for
the batch to report.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from docextract.model import shown_path

COLLECTED_SUFFIXES = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".txt"})
_GLOB_MAGIC = re.compile(r"[*?[]")


class InputNotFoundError(ValueError):
    """An INPUT that is no readable file or folder and matches no file."""


@dataclass(frozen=True)
class InputFile:
    path: Path
    source: str  # relative to the INPUT it was found under: a folder or a pattern's fixed part; else its name


@dataclass(frozen=True)
class SkippedEntry:
    """Something an INPUT reached that is not read: why, named like a file (`source`)."""

    path: Path
    source: str
    reason: str


@dataclass(frozen=True)
class Collected:
    files: list[InputFile]  # ordered by source
    skipped: list[SkippedEntry]  # ordered by source


def collect_inputs(inputs: Iterable[str]) -> Collected:
    """Every file the INPUTs name, once each (by real path), ordered by source; and what they reached
    but cannot read.

    A file that several INPUTs reach (a folder and its subfolder) takes the first of its sources in sort
    order, so that the order of the INPUTs changes nothing."""
    files: dict[Path, InputFile] = {}
    skipped: dict[str, SkippedEntry] = {}
    for given in inputs:
        found = list(_expand(given))
        if not found:
            raise InputNotFoundError(f"{shown_path(given)}: {_nothing_in(Path(given))}")
        for entry in found:
            if isinstance(entry, SkippedEntry):
                key = os.path.abspath(entry.path)  # not resolved: a loop has no real path
                if key not in skipped or entry.source < skipped[key].source:
                    skipped[key] = entry
                continue
            key = entry.path.resolve()
            if key not in files or entry.source < files[key].source:
                files[key] = entry
    return Collected(sorted(files.values(), key=lambda f: (f.source, str(f.path))),
                     sorted(skipped.values(), key=lambda s: (s.source, str(s.path))))


def _nothing_in(path: Path) -> str:
    """Why an INPUT gave nothing at all."""
    if path.is_dir():
        return "a folder holding no PDF, image or text export"
    if os.path.lexists(path):
        return not_a_file(path) or "unreadable"
    return "no such file or folder, and no file matches it"


def _expand(given: str) -> Iterator[InputFile | SkippedEntry]:
    path = Path(given)
    if path.is_dir():
        yield from _folder(path, path)
    elif path.is_file():
        yield InputFile(path, path.name)
    elif _GLOB_MAGIC.search(given) and not os.path.lexists(given):
        base = _fixed_part(path)
        for match in map(Path, sorted(glob.glob(given, recursive=True))):
            source = match.relative_to(base).as_posix()
            if match.is_dir():
                yield from _folder(match, base)
            elif reason := not_a_file(match):
                yield SkippedEntry(match, source, reason)
            else:
                yield InputFile(match, source)


def _folder(folder: Path, base: Path) -> Iterator[InputFile | SkippedEntry]:
    unlisted: list[OSError] = []
    named_like_documents: list[Path] = []
    taken: list[Path] = []
    for parent, subfolders, names in os.walk(folder, onerror=unlisted.append):  # links to folders not followed
        subfolders.sort()
        for name in subfolders:
            path = Path(parent, name)
            if path.is_symlink():
                yield SkippedEntry(path, path.relative_to(base).as_posix(), _linked_folder(path))
            elif path.suffix.lower() in COLLECTED_SUFFIXES:
                named_like_documents.append(path)
        for name in sorted(names):
            path = Path(parent, name)
            if path.suffix.lower() not in COLLECTED_SUFFIXES:
                continue
            source = path.relative_to(base).as_posix()
            if reason := not_a_file(path):
                yield SkippedEntry(path, source, reason)
            else:
                taken.append(path)
                yield InputFile(path, source)
    for error in unlisted:
        path = Path(error.filename)
        yield SkippedEntry(path, path.relative_to(base).as_posix(),
                           f"a folder that cannot be listed ({error.strerror or error})")
    for path in named_like_documents:
        if not any(file.is_relative_to(path) for file in taken):
            yield SkippedEntry(path, path.relative_to(base).as_posix(), "a folder named like a document, holding none")


def not_a_file(path: Path) -> str | None:
    """Why `path` is not a regular file to read; None when it is one (or a symbolic link to one)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        if exc.errno == errno.ENOENT and path.is_symlink():
            return f"a symbolic link to nothing ({os.readlink(path)})"
        return exc.strerror or str(exc)
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return f"not a regular file but {kind}"


def _linked_folder(path: Path) -> str:
    if path.parent.resolve().is_relative_to(path.resolve()):
        return "a symbolic link loop (to a folder above it), not followed"
    return "a symbolic link to a folder, not followed (name the folder as an INPUT to read it)"


def _fixed_part(pattern: Path) -> Path:
    """The folder a glob pattern starts from: its parts before the first wildcard."""
    fixed = []
    for part in pattern.parts:
        if _GLOB_MAGIC.search(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")
