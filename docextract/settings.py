"""Options that travel from the CLI (or a batch worker) down to the sources and the repair stages."""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal, get_args

LLMPolicy = Literal["off", "auto", "always"]
LLMMode = Literal["json_schema", "tools", "json"]

ENV_PREFIX = "DOCEXTRACT_LLM_"
# findings that send a form's whole cell table for a whole record instead of asking for patches: rows the
# mapper's alignment could not place, and blank required fields
RECORD_CHECKS = frozenset({"alignment", "placement", "required_field"})


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return str(Path(base) / "docextract" / "llm")


@dataclass(frozen=True, repr=False)
class LLMSettings:
    """An OpenAI-compatible endpoint and how the LLM stage uses it. Without `base_url` it is never called:
    extraction stays offline unless an endpoint is named."""

    policy: LLMPolicy = "auto"  # auto: only forms with error findings, unplaced cells or a record_checks finding
    base_url: str | None = None
    api_key: str | None = None
    model: str = "default"  # llama.cpp and most local servers ignore the name
    mode: LLMMode = "json_schema"  # instructor mode
    timeout: float = 60.0  # seconds per request
    retries: int = 1  # transport retries and re-asks after an answer that fails validation
    concurrency: int = 2  # forms in flight at once
    max_tokens: int = 1024  # of a patch answer
    temperature: float = 0.0
    prompt: str = "repair.v1"  # template in prompts/ of the patch request
    record_prompt: str = "record.v1"  # template of the whole-record request
    record_checks: frozenset[str] = RECORD_CHECKS  # an error or warning of these checks: whole-record request
    record_max_tokens: int = 4096  # of a whole-record answer
    cache_dir: str | None = field(default_factory=default_cache_dir)  # None: no response cache
    extra_body: dict[str, Any] = field(default_factory=dict, hash=False)  # e.g. {"cache_prompt": false}

    @property
    def active(self) -> bool:
        return self.policy != "off" and bool(self.base_url)

    def __repr__(self) -> str:
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        shown["api_key"] = None if self.api_key is None else "***"
        return f"LLMSettings({', '.join(f'{name}={value!r}' for name, value in shown.items())})"


def _choice(kind: Any):
    def cast(raw: Any) -> str:
        if raw not in get_args(kind):
            raise ValueError(f"expected one of {', '.join(get_args(kind))}")
        return raw
    return cast


def _names(raw: Any) -> frozenset[str]:
    """A set of names: a TOML list, or a comma-separated string (a variable); empty for none."""
    names = raw.split(",") if isinstance(raw, str) else list(raw)
    if not all(isinstance(name, str) for name in names):
        raise ValueError("expected names")
    return frozenset(name.strip() for name in names if name.strip())


_CASTS = {"timeout": float, "temperature": float, "retries": int, "concurrency": int, "max_tokens": int,
          "record_max_tokens": int, "record_checks": _names, "policy": _choice(LLMPolicy), "mode": _choice(LLMMode),
          "extra_body": lambda raw: json.loads(raw) if isinstance(raw, str) else dict(raw)}


class SettingsError(ValueError):
    """A config file or variable that cannot be used, with the name of the offending key."""


def _typed(values: Mapping[str, Any], origin: str) -> dict[str, Any]:
    known = {f.name for f in fields(LLMSettings)}
    typed = {}
    for name, raw in values.items():
        if name not in known:
            raise SettingsError(f"{origin}: unknown LLM setting {name!r}")
        try:
            typed[name] = _CASTS.get(name, str)(raw) if raw is not None else None
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"{origin}: {name} = {raw!r} is not usable ({exc})") from None
    return typed


def _from_file(path: Path) -> dict[str, Any]:
    """A TOML file whose [llm] table holds the settings (the whole file if it has no such table)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from None
    return _typed(data.get("llm", data), str(path))


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    names = {f.name for f in fields(LLMSettings)}
    values = {name: env[ENV_PREFIX + name.upper()] for name in names if env.get(ENV_PREFIX + name.upper())}
    return _typed(values, "environment")


def load_llm_settings(flags: Mapping[str, Any] | None = None, config: Path | None = None,
                      env: Mapping[str, str] | None = None) -> LLMSettings:
    """Flags over DOCEXTRACT_LLM_* variables over the config file over OPENAI_BASE_URL / OPENAI_API_KEY.
    The config file is `config`, else $DOCEXTRACT_LLM_CONFIG. Flags set to None are not given."""
    env = os.environ if env is None else env
    values: dict[str, Any] = _typed({name: env[var] for name, var in (
        ("base_url", "OPENAI_BASE_URL"), ("api_key", "OPENAI_API_KEY")) if env.get(var)}, "environment")
    config = config or (Path(env[ENV_PREFIX + "CONFIG"]) if env.get(ENV_PREFIX + "CONFIG") else None)
    if config is not None:
        values |= _from_file(config)
    values |= _from_env(env)
    values |= _typed({k: v for k, v in (flags or {}).items() if v is not None}, "command line")
    return replace(LLMSettings(), **values)


@dataclass(frozen=True)
class ExtractOptions:
    dpi: int = 200  # render dpi of scanned pages
    ocr_engine: str = "rapidocr"  # or "paddleocr" (optional extra, local model dirs)
    ocr_model_dir: str | None = None  # paddleocr: folder holding the det/rec models
    threads: int = 1  # OCR threads; 1 per worker in batches
    max_pixels: int = 60_000_000  # larger page images are refused rather than decoded
    reread: bool = True  # fields read again from the recognizer's doubts by their column (docextract.reading)
    repair: bool = True  # check-driven numeric repair of OCR-style misreads (docextract.repair)
    llm: LLMSettings = field(default_factory=LLMSettings)
