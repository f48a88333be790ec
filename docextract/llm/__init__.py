"""The LLM stage, after repair, for what the rules could not settle: a form goes to an OpenAI-compatible
endpoint (openai + instructor) for row-level patches of its draft record, or — when its rows could not be
placed or required fields stay blank — with its whole cell table for a whole record. Every value cites
source cells, and the document and the scorer decide what is accepted (accept.py, record_accept.py).

    stage.py           which forms and how, cache or ask, judge, record the trace
    request.py         a form for patches: the cells with the draft in place; prompt.py the templates (prompts/)
    record_request.py  a form for a whole record: every cell with its id, page and box
    response.py        the patch answer's models; record_answer.py the whole record's, validated against the form
    client.py          the endpoint (instructor modes, retries, timeouts) and its failure kinds
    accept.py          the accept rule; record_accept.py for whole records; rows.py rows added in order
    cache.py           answers on disk; summary.py the run's figures
"""

from docextract.llm.client import LLMFailure
from docextract.llm.stage import refine_records, request_kind
from docextract.llm.summary import LLMRunSummary

__all__ = ["LLMFailure", "LLMRunSummary", "refine_records", "request_kind"]
