"""Versioned prompt templates: prompts/<name>.v<N>.md, sections "## system|user|assistant" in order.

The version is the file's stem ("repair.v1"; a template file of one's own can be named by its path); it is
recorded in every record the LLM touched and keys the response cache, so a changed prompt never reuses
answers given to the old one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
_SECTION = re.compile(r"^## (system|user|assistant)\s*$", re.MULTILINE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


class PromptError(ValueError):
    """A template that is missing or malformed."""


@dataclass(frozen=True)
class Prompt:
    version: str
    messages: tuple[tuple[str, str], ...]  # (role, text); the last is the user message with $placeholders

    def render(self, **values: str) -> list[dict[str, str]]:
        try:
            return [{"role": role, "content": Template(text).substitute(values)} for role, text in self.messages]
        except (KeyError, ValueError) as exc:
            raise PromptError(f"prompt {self.version}: placeholder {exc} not filled") from None


@cache
def load_prompt(version: str, folder: Path = PROMPTS) -> Prompt:
    """A template of `folder` by version ("repair.v1"), or a template file of one's own ("my/record.md")."""
    path = Path(version) if version.endswith(".md") else folder / f"{version}.md"
    try:
        text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PromptError(f"prompt {version}: {exc}") from None
    parts = _SECTION.split(text)
    messages = tuple((role, body.strip()) for role, body in zip(parts[1::2], parts[2::2], strict=True))
    if not messages or messages[-1][0] != "user":
        raise PromptError(f"prompt {version}: {path} must end with a '## user' section")
    return Prompt(path.stem, messages)
