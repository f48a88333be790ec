"""The review's HTML: Jinja templates (autoescaped) beside this module, shared by the server and static copies."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, select_autoescape

from docextract.review.view import FormSummary, Links

ASSETS = Path(__file__).parent / "static"  # review.js, review.css
Mode = Literal["live", "static"]  # live: corrections are saved through the API; static: collected for download

_templates = Environment(loader=PackageLoader("docextract.review", "templates"), autoescape=select_autoescape(),
                         trim_blocks=True, lstrip_blocks=True)


def index_page(forms: list[FormSummary], links: Links, mode: Mode) -> str:
    return _templates.get_template("index.html").render(
        forms=forms, links=links, mode=mode, flagged=sum(f.status == "flagged" for f in forms),
        reviewed=sum(f.reviewed for f in forms))


def form_page(view: dict[str, Any], links: Links, mode: Mode) -> str:
    return _templates.get_template("form.html").render(view=view, links=links, mode=mode)


def login_page(next_url: str, failed: bool) -> str:
    return _templates.get_template("login.html").render(next=next_url, failed=failed)
