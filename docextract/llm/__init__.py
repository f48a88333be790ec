"""LLM-assisted mapping: the forms the rules could not settle go to an OpenAI-compatible endpoint
(openai + instructor) with their cell table, draft record and failed checks; the answer is row-level
patches citing source cells, and the scorer decides whether any of it is accepted (accept.py).

    stage.py     which forms, cache or ask, judge, record the trace
    request.py   the form as the LLM sees it; prompt.py the versioned template (prompts/)
    response.py  the answer's models, validated against the form
    client.py    the endpoint (instructor modes, retries, timeouts) and its failure kinds
    accept.py    the accept rule; cache.py answers on disk; summary.py the run's figures
"""

from docextract.llm.client import LLMFailure
from docextract.llm.stage import needs_llm, refine_records
from docextract.llm.summary import LLMRunSummary

__all__ = ["LLMFailure", "LLMRunSummary", "needs_llm", "refine_records"]
