"""The report as Markdown: the tables, the plots as PNG files beside it."""

from __future__ import annotations

from docextract.evaluation.summary import Evaluation
from docextract.report import tables
from docextract.report.definitions import DEFINITIONS
from docextract.report.tables import Table


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_table(table: Table) -> str:
    lines = [f"## {table.title}", ""]
    if table.note:
        lines += [f"_{table.note}_", ""]
    if not table.rows:
        return "\n".join([*lines, "none", ""])
    lines.append("| " + " | ".join(table.columns) + " |")
    lines.append("|" + "|".join(" --- " for _ in table.columns) + "|")
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in table.rows]
    if table.omitted:
        lines.append(f"\n… and {table.omitted} more")
    return "\n".join([*lines, ""])


def render(evaluation: Evaluation, plots: dict[str, str]) -> str:
    """`plots`: title -> PNG file name relative to the report."""
    head, *rest = [tables.headline(evaluation), tables.per_kind(evaluation), tables.silent_errors(evaluation),
                   tables.false_alarms(evaluation), tables.forms(evaluation), tables.per_field(evaluation)]
    parts = [f"# Evaluation: {evaluation.name}", "", "The HTML report beside this file shows the error examples "
             "with page crops.", "", render_table(head)]
    parts += [render_table(evaluation.llm.table())] if evaluation.llm else []
    parts += [render_table(table) for table in rest]
    parts += [f"## {title}\n\n![{title}]({name})\n" for title, name in plots.items()]
    parts += ["## definitions", "", *(f"- **{term}**: {text}" for term, text in DEFINITIONS), ""]
    return "\n".join(parts)
