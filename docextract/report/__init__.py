"""Evaluation reports: `summary.json` (stable keys, for trend lines), `report.md` with its plots as PNG
files, and a self-contained `report.html` with plots and page crops of wrong values."""

from __future__ import annotations

import json
from pathlib import Path

from docextract.evaluation import by_tag
from docextract.evaluation.summary import Evaluation
from docextract.report import html, markdown, plots


def _plots(evaluation: Evaluation) -> dict[str, tuple[str, bytes]]:
    """title -> (file name, PNG)."""
    result = evaluation.overall
    figures = {"accuracy per field": ("field_accuracy.png", plots.field_accuracy(result.per_field()))}
    for level in ("level1", "level2"):
        png = plots.category_confusion(result.categories, level)
        if png:
            figures[f"category confusion: {level}"] = (f"confusion_{level}.png", png)
    return figures


def write_report(evaluation: Evaluation, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = _plots(evaluation)
    for name, png in figures.values():
        (out_dir / name).write_bytes(png)
    tagged = by_tag.per_tag(evaluation)  # generated corpora: per damage kind and template variant
    summary = out_dir / "summary.json"
    figures_json = {**evaluation.summary(), **({"per_tag": tagged} if tagged else {})}
    summary.write_text(json.dumps(figures_json, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    md = out_dir / "report.md"
    md.write_text(markdown.render(evaluation, {title: name for title, (name, _) in figures.items()})
                  + by_tag.markdown(tagged), encoding="utf-8")
    page = out_dir / "report.html"
    page.write_text(html.render(evaluation, {title: png for title, (_, png) in figures.items()}), encoding="utf-8")
    return [summary, md, page, *(out_dir / name for name, _ in figures.values())]
