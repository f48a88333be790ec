"""The report as one self-contained HTML page: tables, plots and page crops embedded as base64 PNG."""

from __future__ import annotations

import base64
from html import escape

from docextract.evaluation.summary import Evaluation
from docextract.report import tables
from docextract.report.crops import PageCropper
from docextract.report.definitions import DEFINITIONS
from docextract.report.tables import Table

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1200px; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.wrong { color: #b00; }
img.crop { max-width: 420px; max-height: 160px; border: 1px solid #999; }
.note { color: #666; font-style: italic; }
"""


def img(png: bytes, alt: str, css: str = "") -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="{css}" alt="{escape(alt)}" src="data:image/png;base64,{data}">'


def render_table(table: Table) -> str:
    parts = [f"<h2>{escape(table.title)}</h2>"]
    if table.note:
        parts.append(f'<p class="note">{escape(table.note)}</p>')
    if not table.rows:
        return "\n".join([*parts, "<p>none</p>"])
    parts.append("<table><tr>" + "".join(f"<th>{escape(c)}</th>" for c in table.columns) + "</tr>")
    parts += ["<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in table.rows]
    parts.append("</table>")
    if table.omitted:
        parts.append(f"<p>… and {table.omitted} more</p>")
    return "\n".join(parts)


def _examples(evaluation: Evaluation) -> str:
    rows = []
    with PageCropper() as cropper:
        for example in tables.error_examples(evaluation):
            m = example.mismatch
            crop = cropper.crop(example.run.case.input, m.prov)
            where = (img(crop, m.field, "crop") + "<br>" if crop else "") + escape(tables.location(example))
            rows.append(
                f"<tr><td>{escape(m.form)}<br>{escape(example.run.case.input.name)}</td>"
                f"<td>{escape(m.path or m.field)}</td><td>{escape(tables.value_text(m.gold, 200))}</td>"
                f'<td class="wrong">{escape(tables.value_text(m.pred, 200))}</td><td>{where}</td></tr>'
            )
    if not rows:
        return "<h2>error examples</h2><p>none</p>"
    header = "".join(f"<th>{c}</th>" for c in ("form", "field", "gold", "predicted", "where it was read"))
    return ("<h2>error examples</h2><p class=\"note\">wrong numbers on verified forms first; the crop is the "
            "record's provenance box on its page</p>"
            f"<table><tr>{header}</tr>{''.join(rows)}</table>")


def render(evaluation: Evaluation, plots: dict[str, bytes]) -> str:
    """`plots`: title -> PNG bytes."""
    body = [f"<h1>Evaluation: {escape(evaluation.name)}</h1>"]
    body += [render_table(t) for t in (tables.headline(evaluation), tables.per_kind(evaluation),
                                       tables.silent_errors(evaluation), tables.false_alarms(evaluation))]
    body += [f"<h2>{escape(title)}</h2>{img(png, title)}" for title, png in plots.items()]
    body.append(_examples(evaluation))
    body += [render_table(t) for t in (tables.forms(evaluation), tables.per_field(evaluation))]
    body.append("<h2>definitions</h2><dl>" + "".join(
        f"<dt><b>{escape(term)}</b></dt><dd>{escape(text)}</dd>" for term, text in DEFINITIONS) + "</dl>")
    return page(f"evaluation: {evaluation.name}", body)


def page(title: str, body: list[str]) -> str:
    body_html = "\n".join(body)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>docextract {escape(title)}</title><style>{STYLE}</style></head>"
            f"<body>\n{body_html}\n</body></html>\n")
