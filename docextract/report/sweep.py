"""The degradation sweep's report: `sweep.json`, `sweep.md` with one curve per axis (PNG files beside
it) and a self-contained `sweep.html`."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from docextract.evaluation.sweep import SweepPoint, knee
from docextract.report import html, markdown, plots
from docextract.report.tables import Table, pct


def _axes(points: list[SweepPoint]) -> dict[str, list[SweepPoint]]:
    axes: dict[str, list[SweepPoint]] = {}
    for point in points:
        axes.setdefault(point.axis, []).append(point)
    return axes


def knees(points: list[SweepPoint], threshold: float) -> dict[str, float | None]:
    return {axis: knee(points, axis, threshold) for axis in _axes(points)}


def _tables(points: list[SweepPoint], threshold: float) -> list[Table]:
    knee_rows = [[axis, "none in the grid" if value is None else f"{value:g}"]
                 for axis, value in knees(points, threshold).items()]
    point_rows = [[p.axis, f"{p.value:g}", pct(p.result.accuracy), pct(p.result.row_recall),
                   pct(p.result.row_precision), pct(p.result.char_accuracy),
                   f"{p.result.found_forms}/{p.result.gold_forms}", p.result.status_count("verified"),
                   p.result.silent_errors, p.result.false_alarms, f"{p.seconds / p.pages:.2f}" if p.pages else "—"]
                  for p in points]
    silent_rows = [[f"{p.axis}={p.value:g}", o.form, ", ".join(o.wrong_numbers)]
                   for p in points for o in p.result.outcomes if o.silent_error]
    return [
        Table(f"knees: first value with field accuracy below {threshold:.0%}", ["axis", "knee"], knee_rows),
        Table("points", ["axis", "value", "field acc.", "row recall", "row precision", "char acc.", "forms found",
                         "verified", "silent errors", "false alarms", "s/page"], point_rows),
        Table("silent errors: verified forms holding a wrong number", ["point", "form", "wrong numbers"],
              silent_rows),
    ]


def write_sweep_report(points: list[SweepPoint], out_dir: Path, threshold: float, about: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    curves = {
        f"sweep_{axis}.png": plots.degradation_curve(
            axis, [p.value for p in series], [p.result.accuracy for p in series],
            [p.result.silent_errors for p in series], threshold)
        for axis, series in _axes(points).items()
    }
    for name, png in curves.items():
        (out_dir / name).write_bytes(png)
    summary = out_dir / "sweep.json"
    data = {"about": about, "knee_accuracy": threshold, "knees": knees(points, threshold),
            "points": [p.figures() for p in points]}
    summary.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tables = _tables(points, threshold)
    md = out_dir / "sweep.md"
    md.write_text("\n".join(["# Degradation sweep", "", about, "", *map(markdown.render_table, tables),
                             *(f"![{name}]({name})\n" for name in curves)]), encoding="utf-8")
    page = out_dir / "sweep.html"
    images = "".join(html.img(png, name) for name, png in curves.items())
    page.write_text(html.page("degradation sweep", [f"<h1>Degradation sweep</h1><p>{escape(about)}</p>",
                                                    html.render_table(tables[0]), f"<div>{images}</div>",
                                                    *map(html.render_table, tables[1:])]), encoding="utf-8")
    return [summary, md, page, *(out_dir / name for name in curves)]
