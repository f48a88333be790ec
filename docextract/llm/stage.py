"""The LLM stage: which forms are sent, asking (or reading the cache), judging the answer, recording it.

`auto` sends a form only when its deterministic record has error findings or cells the mapper could not
place; `always` sends every form. The stage never raises: a form whose answer could not be had keeps its
deterministic values and is flagged with the reason (finding `llm_failed`)."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from pydantic import ValidationError

from docextract.checks import Rules, default_rules
from docextract.llm.accept import Verdict, judge
from docextract.llm.cache import AnswerCache
from docextract.llm.client import LLMFailure, ask
from docextract.llm.prompt import Prompt, load_prompt
from docextract.llm.request import build_request
from docextract.llm.response import RepairAnswer
from docextract.model import Cell, CellTable, Finding, FormRecord, LLMTrace, Repair
from docextract.settings import LLMPolicy, LLMSettings

FAILED = "llm_failed"


def needs_llm(record: FormRecord, policy: LLMPolicy) -> bool:
    return policy == "always" or (policy == "auto" and bool(record.errors() or record.unplaced))


def rows_of(record: FormRecord, cells: Mapping[str, Cell]) -> list[list[Cell]]:
    """The rows of the form the record was mapped from, as the mapper read them (`source_rows`)."""
    return [[cells[cell] for cell in row] for row in record.source_rows]


def refine_records(records: list[FormRecord], table: CellTable, settings: LLMSettings,
                   rules: Rules | None = None) -> list[FormRecord]:
    """The records, those the policy selects reviewed by the LLM; unchanged when no endpoint is set."""
    if not settings.active or not any(needs_llm(r, settings.policy) for r in records):
        return records
    rules = rules or default_rules()
    cells = {c.id: c for row in table.rows for c in row.cells}
    cache = AnswerCache(settings.cache_dir)

    def refine(record: FormRecord) -> FormRecord:
        if not needs_llm(record, settings.policy):
            return record
        return refine_record(record, rows_of(record, cells), cells, settings, cache, rules)

    with ThreadPoolExecutor(max(1, settings.concurrency)) as pool:
        return list(pool.map(refine, records))


def refine_record(record: FormRecord, rows: list[list[Cell]], cells: Mapping[str, Cell], settings: LLMSettings,
                  cache: AnswerCache, rules: Rules) -> FormRecord:
    calls = tokens = 0
    cache_hit = False
    try:
        prompt = load_prompt(settings.prompt)
        request = build_request(record, rows, prompt, settings)
        answer = _cached(cache, request.key, request.context)
        cache_hit = answer is not None
        if answer is None:
            asked = ask(settings, request)
            answer, calls, tokens = asked.answer, asked.calls, asked.tokens
            cache.put(request.key, answer.model_dump(mode="json"))
        verdict = judge(record, answer, cells, rules)
    except LLMFailure as exc:
        return _failed(record, settings, exc.kind, exc.detail, exc.calls, exc.tokens)
    except Exception as exc:  # a bug here must cost the LLM's help, never the deterministic record
        return _failed(record, settings, "error", f"{type(exc).__name__}: {exc}", calls, tokens)
    return _judged(verdict, prompt, settings, calls, tokens, cache_hit)


def _cached(cache: AnswerCache, key: str, context: dict) -> RepairAnswer | None:
    stored = cache.get(key)
    if stored is None:
        return None
    try:
        return RepairAnswer.model_validate(stored, context=context)
    except ValidationError:  # written by another version of the models: ask again
        return None


def _judged(verdict: Verdict, prompt: Prompt, settings: LLMSettings, calls: int, tokens: int,
            cache_hit: bool) -> FormRecord:
    record = verdict.record
    parts = [f"accepted {', '.join(c.path for c in verdict.accepted)}"] if verdict.accepted else []
    parts += [f"refused: {verdict.reason}"] if verdict.rejected else []
    reason = "; ".join(parts) or "no patch proposed"
    repairs = [*record.repairs, *(Repair(field=c.path, old=c.old, new=c.new, reason=(
        f"llm {prompt.version}: {c.reason or 'patch'} (cells {', '.join(c.cells)})")) for c in verdict.accepted)]
    trace = LLMTrace(prompt_version=prompt.version, model=settings.model, accepted=bool(verdict.accepted),
                     reason=reason, fields=[c.path for c in verdict.accepted], calls=calls, tokens=tokens,
                     cache_hit=cache_hit)
    return record.model_copy(update={"repairs": repairs, "llm": trace})


def _failed(record: FormRecord, settings: LLMSettings, kind: str, detail: str, calls: int,
            tokens: int) -> FormRecord:
    finding = Finding(check=FAILED, severity="error", message=(
        f"the LLM review could not be done ({kind}: {detail}); the record is the deterministic reading"))
    trace = LLMTrace(prompt_version=settings.prompt, model=settings.model, reason=f"{kind}: {detail}",
                     calls=calls, tokens=tokens, failure=kind)
    return record.model_copy(update={"findings": [*record.findings, finding], "status": "flagged", "llm": trace})
