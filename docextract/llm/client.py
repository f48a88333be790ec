"""The endpoint: any OpenAI-compatible chat API, through instructor, and the ways asking it can fail.

openai retries transport failures (connection, timeout, 5xx) `retries` times; instructor asks again
`retries` times after an answer that fails its model's validation. Whatever still fails becomes one
LLMFailure with a kind the run summary counts."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import instructor
import openai
from instructor.core import Hooks, IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, ValidationError

from docextract.llm.request import FormRequest
from docextract.settings import LLMSettings

MODES = {"json_schema": instructor.Mode.JSON_SCHEMA, "tools": instructor.Mode.TOOLS, "json": instructor.Mode.JSON}

# instructor logs every failed attempt at ERROR, which Python prints to stderr when the application set up
# no logging; the record and the run summary already say it
logging.getLogger("instructor").addHandler(logging.NullHandler())


class LLMFailure(Exception):
    """No usable answer. `kind`: unreachable, timeout, server_error, refused, invalid_answer, error."""

    def __init__(self, kind: str, detail: str, calls: int, tokens: int) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail, self.calls, self.tokens = kind, detail, calls, tokens


@dataclass
class Usage:
    """Requests sent over HTTP (transport retries included) and tokens billed, for one form."""

    calls: int = 0
    tokens: int = 0
    hooks: Hooks = field(default_factory=Hooks)

    def __post_init__(self) -> None:
        self.hooks.on("completion:response", self._response)

    def count_request(self, _request: Any) -> None:
        self.calls += 1

    def _response(self, response: Any) -> None:
        usage = getattr(response, "usage", None)
        self.tokens += getattr(usage, "total_tokens", 0) or 0


@dataclass(frozen=True)
class Answer:
    answer: BaseModel  # of the request's answer_model
    calls: int
    tokens: int


def _client(settings: LLMSettings, usage: Usage) -> instructor.Instructor:
    http = openai.DefaultHttpxClient(event_hooks={"request": [usage.count_request]})
    raw = openai.OpenAI(base_url=settings.base_url, api_key=settings.api_key or "unused",
                        timeout=settings.timeout, max_retries=settings.retries, http_client=http)
    return instructor.from_openai(raw, mode=MODES[settings.mode])


def ask(settings: LLMSettings, request: FormRequest) -> Answer:
    usage = Usage()
    try:
        answer = _client(settings, usage).create(
            response_model=request.answer_model, messages=request.messages, model=settings.model,
            max_retries=settings.retries, context=request.context, hooks=usage.hooks,
            max_tokens=request.max_tokens, temperature=settings.temperature,
            extra_body=settings.extra_body or None,
        )
    except Exception as exc:  # every provider error type ends here, classified
        kind, detail = classify(exc, settings, request.max_tokens)
        raise LLMFailure(kind, detail, usage.calls, usage.tokens) from exc
    return Answer(answer, usage.calls, usage.tokens)


def classify(exc: BaseException, settings: LLMSettings, max_tokens: int) -> tuple[str, str]:
    cause = exc.__cause__ if isinstance(exc, InstructorRetryException) and exc.__cause__ else exc
    if isinstance(cause, openai.APITimeoutError):
        return "timeout", f"no answer within {settings.timeout:g} s"
    if isinstance(cause, openai.APIConnectionError):
        return "unreachable", f"cannot connect to {settings.base_url}"
    if isinstance(cause, openai.APIStatusError):
        kind = "server_error" if cause.status_code >= 500 else "refused"
        return kind, f"HTTP {cause.status_code} from {settings.base_url}"
    if isinstance(cause, IncompleteOutputException):
        return "invalid_answer", f"answer cut off at max_tokens={max_tokens}"
    if isinstance(cause, (ValidationError, json.JSONDecodeError, ValueError, openai.APIResponseValidationError)):
        attempts = getattr(exc, "n_attempts", 1)
        return "invalid_answer", f"answer not valid after {attempts} attempt(s): {_first_error(cause)}"
    return "error", f"{type(cause).__name__}: {str(cause)[:200]}"


def _first_error(exc: BaseException) -> str:
    if isinstance(exc, ValidationError) and exc.errors():
        error = exc.errors()[0]
        return f"{'.'.join(map(str, error['loc'])) or 'answer'}: {error['msg']}"[:200]
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
