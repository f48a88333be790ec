"""Archive batches: collect inputs, plan against the manifest, extract on a local pool or Ray, store, export."""

from docextract.batch.report import print_summary
from docextract.batch.runner import BatchOptions, BatchSummary, run_batch

__all__ = ["BatchOptions", "BatchSummary", "print_summary", "run_batch"]
