"""One run's LLM figures, added up from the records' `llm` traces: the CLI's summary line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from docextract.model import FormRecord


@dataclass
class LLMRunSummary:
    forms: int = 0  # forms the LLM stage looked at
    calls: int = 0
    tokens: int = 0
    cache_hits: int = 0
    accepted: int = 0  # forms with at least one accepted patch; the others reviewed are unchanged or failed
    failures: Counter = field(default_factory=Counter)  # failure kind -> forms

    @classmethod
    def of(cls, records: Iterable[FormRecord]) -> LLMRunSummary:
        summary = cls()
        for trace in (r.llm for r in records if r.llm is not None):
            summary.forms += 1
            summary.calls += trace.calls
            summary.tokens += trace.tokens
            summary.cache_hits += trace.cache_hit
            summary.accepted += trace.accepted
            if trace.failure:
                summary.failures[trace.failure] += 1
        return summary

    @property
    def unchanged(self) -> int:
        return self.forms - self.accepted - sum(self.failures.values())

    def __str__(self) -> str:
        failed = sum(self.failures.values())
        kinds = f" ({', '.join(f'{kind} {n}' for kind, n in sorted(self.failures.items()))})" if failed else ""
        return (f"llm: {self.forms} forms reviewed, {self.calls} calls, {self.tokens:,} tokens, "
                f"{self.cache_hits} cache hits; {self.accepted} accepted, {self.unchanged} unchanged, "
                f"{failed} failed{kinds}")
