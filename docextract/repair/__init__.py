"""Repair after the checks: numeric misreads undone when exactly one explains every failed check.
The LLM stage (docextract.llm) builds on the same field paths and the same accept-only-if-better
rule."""

from docextract.repair.numeric import repair_record

__all__ = ["repair_record"]
