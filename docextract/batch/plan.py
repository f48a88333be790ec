"""What a batch has to do: the collected files grouped by content (sha256), less what the database holds.

Content, not the name, identifies a document: a renamed or copied file is read once, and a file whose
content changed is a new document.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import fitz

from docextract.batch.collect import InputFile
from docextract.sources.sniff import sniff


@dataclass(frozen=True)
class Job:
    """One document to extract."""

    sha256: str
    path: Path  # where it is read from
    sources: tuple[str, ...]  # every place this run found the content, sorted; the first names the document
    size: int  # bytes
    pages: int  # estimated, to measure progress in pages


@dataclass
class Plan:
    jobs: list[Job]  # biggest first, so that no long document starts last and holds up the end
    done: int = 0  # documents already stored
    failed: int = 0  # documents already stored as failures and not retried
    duplicates: int = 0  # files whose content another file also brings
    known_sources: list[tuple[str, str]] = field(default_factory=list)  # (source, sha256) of stored content
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (source, reason): not even hashable


def plan_jobs(files: list[InputFile], stored: dict[str, str], retry_failed: bool) -> Plan:
    """`stored`: the manifest, sha256 -> 'done' | 'failed'."""
    plan = Plan(jobs=[])
    by_content: dict[str, list[InputFile]] = defaultdict(list)
    sizes: dict[str, int] = {}
    for file in files:
        try:
            sha256, size = fingerprint(file.path)
        except OSError as exc:
            plan.unreadable.append((file.source, exc.strerror or str(exc)))
            continue
        by_content[sha256].append(file)
        sizes[sha256] = size
    for sha256, found in by_content.items():
        plan.duplicates += len(found) - 1
        status = stored.get(sha256)
        if status == "done" or status == "failed" and not retry_failed:
            plan.done += status == "done"
            plan.failed += status == "failed"
            plan.known_sources += [(file.source, sha256) for file in found]
            continue
        first = found[0]  # `files` is sorted by source
        plan.jobs.append(Job(sha256, first.path, tuple(file.source for file in found), sizes[sha256],
                             estimate_pages(first.path)))
    plan.jobs.sort(key=lambda job: (-job.pages, -job.size, job.sources[0]))
    return plan


def fingerprint(path: Path) -> tuple[str, int]:
    """The file's sha256 (hex) and size in bytes."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest(), os.fstat(f.fileno()).st_size


def estimate_pages(path: Path) -> int:
    """A PDF's page count; 1 for an image or a text export, and for anything unreadable (found out later)."""
    try:
        if sniff(path) != "pdf":
            return 1
        with fitz.open(path) as pdf:
            return max(pdf.page_count, 1)
    except Exception:  # whatever is wrong with the file, its worker reports it
        return 1
