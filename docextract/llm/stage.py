"""The LLM stage: which forms are sent and how, asking (or reading the cache), judging the answer, recording it.

`auto` sends a form when its deterministic record has error findings or cells the mapper could not place;
`always` sends every form. A form with an error or warning of `record_checks` (rows the alignment could not
place, blank required fields) is sent whole — its full cell table, for a whole record; the others for
patches of the draft. The stage never raises: a form whose answer could not be had keeps its
deterministic values and is flagged with the reason (finding `llm_failed`)."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

from pydantic import ValidationError

from docextract.checks import Rules, default_rules
from docextract.llm.accept import Verdict, judge
from docextract.llm.cache import AnswerCache
from docextract.llm.client import LLMFailure, ask
from docextract.llm.prompt import load_prompt
from docextract.llm.record_accept import judge_record
from docextract.llm.record_request import build_record_request
from docextract.llm.request import FormRequest, build_request
from docextract.model import Cell, CellTable, Finding, FormRecord, LLMTrace, Repair
from docextract.settings import LLMSettings

FAILED = "llm_failed"
RequestKind = Literal["patch", "record"]


def request_kind(record: FormRecord, settings: LLMSettings) -> RequestKind | None:
    """How the form is sent: "record" (whole), "patch", or None (not at all)."""
    if settings.policy == "off":
        return None
    if any(f.check in settings.record_checks and f.severity != "info" for f in record.findings):
        return "record"
    if settings.policy == "always" or record.errors() or record.unplaced:
        return "patch"
    return None


def rows_of(record: FormRecord, cells: Mapping[str, Cell]) -> list[list[Cell]]:
    """The rows of the form the record was mapped from, as the mapper read them (`source_rows`)."""
    return [[cells[cell] for cell in row] for row in record.source_rows]


def refine_records(records: list[FormRecord], table: CellTable, settings: LLMSettings,
                   rules: Rules | None = None) -> list[FormRecord]:
    """The records, those the policy selects reviewed by the LLM; unchanged when no endpoint is set."""
    kinds = [request_kind(r, settings) if settings.active else None for r in records]
    if not any(kinds):
        return records
    rules = rules or default_rules()
    cells = {c.id: c for row in table.rows for c in row.cells}
    cache = AnswerCache(settings.cache_dir)

    def refine(record: FormRecord, kind: RequestKind | None) -> FormRecord:
        if kind is None:
            return record
        return refine_record(record, kind, rows_of(record, cells), cells, settings, cache, rules)

    with ThreadPoolExecutor(max(1, settings.concurrency)) as pool:
        return list(pool.map(refine, records, kinds))


def refine_record(record: FormRecord, kind: RequestKind, rows: list[list[Cell]], cells: Mapping[str, Cell],
                  settings: LLMSettings, cache: AnswerCache, rules: Rules) -> FormRecord:
    calls = tokens = 0
    cache_hit = False
    version = settings.record_prompt if kind == "record" else settings.prompt
    try:
        prompt = load_prompt(version)
        version = prompt.version
        build = build_record_request if kind == "record" else build_request
        request = build(record, rows, prompt, settings)
        answer = _cached(cache, request)
        cache_hit = answer is not None
        if answer is None:
            asked = ask(settings, request)
            answer, calls, tokens = asked.answer, asked.calls, asked.tokens
            cache.put(request.key, answer.model_dump(mode="json"))
        judged = judge_record if kind == "record" else judge
        verdict = judged(record, answer, cells, rules)
    except LLMFailure as exc:
        return _failed(record, version, settings, exc.kind, exc.detail, exc.calls, exc.tokens)
    except Exception as exc:  # a bug here must cost the LLM's help, never the deterministic record
        return _failed(record, version, settings, "error", f"{type(exc).__name__}: {exc}", calls, tokens)
    return _judged(verdict, version, settings, calls, tokens, cache_hit)


def _cached(cache: AnswerCache, request: FormRequest):
    stored = cache.get(request.key)
    if stored is None:
        return None
    try:
        return request.answer_model.model_validate(stored, context=request.context)
    except ValidationError:  # written by another version of the models: ask again
        return None


def _judged(verdict: Verdict, version: str, settings: LLMSettings, calls: int, tokens: int,
            cache_hit: bool) -> FormRecord:
    record = verdict.record
    added = [f"indicators[{i}]" for i in verdict.added]
    fields = added + [c.path for c in verdict.accepted if not c.path.startswith(tuple(f"{row}." for row in added))]
    parts = [f"accepted {', '.join(fields)}"] if fields else []
    parts += [f"refused: {verdict.reason}"] if verdict.rejected else []
    reason = "; ".join(parts) or "no change proposed"
    repairs = [*record.repairs, *(Repair(field=c.path, old=c.old, new=c.new, reason=(
        f"llm {version}: {c.reason or 'patch'} (cells {', '.join(c.cells)})")) for c in verdict.accepted)]
    trace = LLMTrace(prompt_version=version, model=settings.model, accepted=bool(verdict.accepted),
                     reason=reason, fields=fields, calls=calls, tokens=tokens, cache_hit=cache_hit)
    return record.model_copy(update={"repairs": repairs, "llm": trace})


def _failed(record: FormRecord, version: str, settings: LLMSettings, kind: str, detail: str, calls: int,
            tokens: int) -> FormRecord:
    finding = Finding(check=FAILED, severity="error", message=(
        f"the LLM review could not be done ({kind}: {detail}); the record is the deterministic reading"))
    trace = LLMTrace(prompt_version=version, model=settings.model, reason=f"{kind}: {detail}",
                     calls=calls, tokens=tokens, failure=kind)
    return record.model_copy(update={"findings": [*record.findings, finding], "status": "flagged", "llm": trace})
