"""Document -> verified records. Orchestration only: each stage takes and returns the shared model."""

from __future__ import annotations

import time
from pathlib import Path

from docextract.checks import check_record
from docextract.mapping import map_table
from docextract.model import DocumentError, DocumentResult, FormRecord
from docextract.settings import ExtractOptions
from docextract.sources import read_document
from docextract.sources.errors import NotAFormError, SourceError
from docextract.taxonomy import align_record


def records_from_table(table) -> list[FormRecord]:
    records = map_table(table)
    if not records:
        raise NotAFormError("no 财政项目支出绩效自评表 found")
    return [check_record(align_record(r)) for r in records]


def process_document(path: str | Path, options: ExtractOptions | None = None) -> DocumentResult:
    """Never raises for a bad document: the failure becomes `result.error`, naming the reason."""
    source = str(path)
    started = time.perf_counter()
    try:
        table = read_document(path, options)
        forms = records_from_table(table)
        return DocumentResult(source=source, kind=table.kind, forms=forms, pages=table.pages,
                              seconds=time.perf_counter() - started)
    except SourceError as exc:
        reason = str(exc)
    except MemoryError:
        reason = "out of memory while reading"
    except Exception as exc:  # a bug or a library failure must not stop a batch
        reason = f"internal error ({type(exc).__name__}: {exc})"
    return DocumentResult(source=source, error=DocumentError(source=source, reason=reason),
                          seconds=time.perf_counter() - started)
