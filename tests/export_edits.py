"""Edits of a seed form's text export, one family each, as hypothesis strategies: hypothesis picks the form,
the place and the change. Every edit says which contract fields it changes and to what; layout edits
(spaces in a label, markup, pipes, line ends, blank lines) change none."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from hypothesis import strategies as st

from docextract.values import try_number
from seed_forms import (
    FIXTURES, ROW_TEXT_FIELDS, TEXT_FIELDS, SeedForm, cell_span, replace_span, text_span,
)

FUNDING_NUMBERS = ("initial_budget", "annual_budget", "executed", "weight", "execution_rate", "score")
CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z0-9]")
TAGS = ("p", "span", "td", "div", "font", "b", "strong")
ATTRIBUTES = (' style="text-align: center;"', ' class="c1"', " align=center", " data-row='3'", ' colspan="2"',
              ' style="font-family: 宋体; font-size: 10.5pt"')


@dataclass(frozen=True)
class Edit:
    form: SeedForm
    lines: list[str]
    what: str  # for the failure message
    texts: dict[str, str] = field(default_factory=dict)  # field path -> the text now printed
    numbers: dict[str, float] = field(default_factory=dict)  # field path -> the number now printed

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def __repr__(self) -> str:
        return f"Edit({self.form.id}, {self.what})"


def _labels() -> list[str]:
    data = json.loads((FIXTURES.parent / "docextract" / "data" / "form_labels.json").read_text(encoding="utf-8"))
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for name, item in value.items():
                if name != "source":
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return sorted(s for s in found if len(s) >= 2)


LABELS = _labels()


def text_paths(form: SeedForm) -> list[str]:
    paths = [f for f in TEXT_FIELDS if form.gold[f]]
    for i in range(form.gold["indicators"]):
        paths += [f"indicators[{i}].{f}" for f in ROW_TEXT_FIELDS if form.gold[f"indicators[{i}].{f}"]]
    return paths


def number_paths(form: SeedForm) -> list[str]:
    paths = [f"funding.{row}.{col}" for row in ("total", "appropriation", "carryover", "other")
             for col in FUNDING_NUMBERS] + ["total_weight", "total_score"]
    paths += [f"indicators[{i}].{f}" for i in range(form.gold["indicators"]) for f in ("weight", "score")]
    return [p for p in paths if form.gold[p] is not None]


def _kind(path: str) -> str:
    return path.rpartition(".")[2] if path.startswith("indicators") else path


def text_pools(forms: tuple[SeedForm, ...]) -> dict[str, list[str]]:
    """Every value the gold prints for each kind of text field: the plausible replacements."""
    pools: dict[str, set[str]] = {}
    for form in forms:
        for path in text_paths(form):
            value = form.gold[path]
            if "\t" not in value and "\n" not in value:
                pools.setdefault(_kind(path), set()).add(value)
    return {kind: sorted(values) for kind, values in pools.items()}


def _own_cell(form: SeedForm, path: str) -> bool:
    """The field's cell supplies no other field (a goal cell split in two, a category filled down)."""
    cell = form.record.provenance[path].cell
    return sum(prov.cell == cell for prov in form.record.provenance.values()) == 1


def _form(draw, forms: tuple[SeedForm, ...], tab_rows_only: bool = False) -> SeedForm:
    """A layout first, then one of its forms: the one-cell-per-line seed has 3 forms of the 47."""
    layouts = sorted({f.layout for f in forms} - ({"lines"} if tab_rows_only else set()))
    layout = draw(st.sampled_from(layouts))
    return draw(st.sampled_from([f for f in forms if f.layout == layout]))


# ---------------------------------------------------------------- edits that change a field


@st.composite
def replaced_cell(draw, forms: tuple[SeedForm, ...], pools: dict[str, list[str]]) -> Edit:
    """A tab row's text cell printing another value its field prints elsewhere in the gold."""
    form = _form(draw, forms, tab_rows_only=True)
    paths = [p for p in text_paths(form) if cell_span(form, p) and _own_cell(form, p)]
    path = draw(st.sampled_from(paths))
    new = draw(st.sampled_from([v for v in pools[_kind(path)] if v != form.gold[path]]))
    return Edit(form, replace_span(form.lines, cell_span(form, path), new), f"{path} -> {new!r}", texts={path: new})


@st.composite
def changed_character(draw, forms: tuple[SeedForm, ...]) -> Edit:
    """One Chinese character of a text field (a name, a target, a deviation reason, a goal…) another one,
    wherever the layout wrapped the text."""
    form = _form(draw, forms)
    paths = [p for p in text_paths(form) if CJK.search(form.gold[p]) and text_span(form, form.gold[p])]
    path = draw(st.sampled_from(paths))
    old = form.gold[path]
    _, offsets = text_span(form, old)
    visible = [ch for ch in old if not ch.isspace()]
    k = draw(st.sampled_from([i for i, ch in enumerate(visible) if CJK.match(ch)]))
    char = draw(st.sampled_from([ch for ch in "甲乙丙丁戊" if ch != visible[k]]))
    at = offsets[k]
    text = form.text[:at] + char + form.text[at + 1:]
    index = [i for i, ch in enumerate(old) if not ch.isspace()][k]
    new = old[:index] + char + old[index + 1:]
    return Edit(form, text.split("\n"), f"{path} -> {new!r}", texts={path: new})


@st.composite
def changed_digit(draw, forms: tuple[SeedForm, ...]) -> Edit:
    """One digit of a printed number another digit."""
    form = _form(draw, forms)
    path = draw(st.sampled_from([p for p in number_paths(form) if cell_span(form, p)]))
    span = cell_span(form, path)
    printed = form.lines[span.line][span.start:span.end]
    i = draw(st.sampled_from([i for i, ch in enumerate(printed) if ch.isdigit()]))
    new = printed[:i] + draw(st.sampled_from([d for d in "0123456789" if d != printed[i]])) + printed[i + 1:]
    value = try_number(new)
    assert value is not None and value != form.gold[path], (printed, new)
    return Edit(form, replace_span(form.lines, span, new), f"{path}: {printed!r} -> {new!r}", numbers={path: value})


# ---------------------------------------------------------------- layout edits: nothing changes


@st.composite
def spaced_label(draw, forms: tuple[SeedForm, ...]) -> Edit:
    """Spaces inside a form label printed in a tab row's cell ('项目 名称', '年度资金 总额', '三级  指标').
    (Not yet on lines of space-separated cells: the one-cell-per-line reader splits '预期 目标'.)"""
    form = _form(draw, forms, tab_rows_only=True)
    places = [(n, m.start(), len(label)) for n, line in enumerate(form.lines) if "\t" in line for label in LABELS
              for m in re.finditer(re.escape(label), line)]
    n, start, length = draw(st.sampled_from(places))
    at = start + draw(st.integers(1, length - 1))
    spaces = draw(st.sampled_from([" ", "  ", "\u3000"]))
    lines = list(form.lines)
    lines[n] = lines[n][:at] + spaces + lines[n][at:]
    return Edit(form, lines, f"line {n + 1}: {lines[n]!r}")


def _tab_cells(form: SeedForm) -> list[tuple[int, int]]:
    return [(n, col) for n, line in enumerate(form.lines) if "\t" in line
            for col, part in enumerate(line.split("\t")) if part.strip()]


def _edit_tab_cell(form: SeedForm, n: int, col: int, change) -> list[str]:
    lines = list(form.lines)
    parts = lines[n].split("\t")
    parts[col] = change(parts[col].strip())
    lines[n] = "\t".join(parts)
    return lines


@st.composite
def markup(draw, forms: tuple[SeedForm, ...]) -> Edit:
    """HTML around a tab row's cell (with attributes), a <br> inside one, or attributes added to a tag."""
    form = _form(draw, forms)
    attributes = "".join(draw(st.lists(st.sampled_from(ATTRIBUTES), max_size=2)))
    tag = draw(st.sampled_from(TAGS))
    tagged = [(n, m.end() - 1) for n, line in enumerate(form.lines) for m in re.finditer(r"<p\b[^>]*>", line)]
    ways = ["wrap"] + (["br"] if _tab_cells(form) else []) + (["attributes"] if tagged else [])
    way = draw(st.sampled_from(ways))
    if way == "attributes":
        n, at = draw(st.sampled_from(tagged))
        lines = list(form.lines)
        lines[n] = lines[n][:at] + (attributes or ' class="x"') + lines[n][at:]
    elif way == "br":
        # a break between two Latin letters or digits reads as a space ('Windows<br>Server'): not there
        cuts = [(n, c, i) for n, c in _tab_cells(form) for text in [form.lines[n].split("\t")[c].strip()]
                if "<" not in text for i in range(1, len(text)) if not (_LATIN.match(text[i - 1]) and _LATIN.match(text[i]))]
        n, col, cut = draw(st.sampled_from(cuts))
        br = draw(st.sampled_from(["<br>", "<br/>", "<BR />"]))
        lines = _edit_tab_cell(form, n, col, lambda text: text[:cut] + br + text[cut:])
    elif form.layout == "lines":  # a whole line: its cells are its space-separated parts
        n = draw(st.sampled_from([n for n, line in enumerate(form.lines) if line.strip()]))
        lines = list(form.lines)
        lines[n] = f"<{tag}{attributes}>{lines[n].strip()}</{tag}>"
    else:
        n, col = draw(st.sampled_from(_tab_cells(form)))
        lines = _edit_tab_cell(form, n, col, lambda text: f"<{tag}{attributes}>{text}</{tag}>")
    return Edit(form, lines, f"{way}, line {n + 1}: {lines[n]!r}")


@st.composite
def stray_pipe(draw, forms: tuple[SeedForm, ...]) -> Edit:
    """A markdown pipe before or after a cell of a tab row or a line of space-separated cells. (Not yet as
    the only text of an empty tab cell: '|' before a row's first tab is read as a blank category.)"""
    form = _form(draw, forms)
    before = draw(st.booleans())
    pipe = draw(st.sampled_from(["|", "| "] if before else ["|", " |"]))

    def add(text: str) -> str:
        return pipe + text if before else text + pipe

    untabbed = [n for n, line in enumerate(form.lines) if line.strip() and "\t" not in line]
    if form.layout != "lines" and draw(st.booleans()) or not untabbed:
        n, col = draw(st.sampled_from(_tab_cells(form)))
        lines = _edit_tab_cell(form, n, col, add)
    else:
        n = draw(st.sampled_from(untabbed))
        lines = list(form.lines)
        lines[n] = add(lines[n].strip())
    return Edit(form, lines, f"line {n + 1}: {lines[n]!r}")


@st.composite
def line_ends(draw, forms: tuple[SeedForm, ...]) -> Edit:
    """CRLF (or CR) line ends throughout."""
    form = _form(draw, forms)
    end = draw(st.sampled_from(["\r\n", "\r"]))
    return Edit(form, [line + end[:-1] for line in form.lines] if end == "\r\n" else [form.text.replace("\n", "\r")],
                f"line ends {end!r}")


@st.composite
def blank_line_between_tab_rows(draw, forms: tuple[SeedForm, ...]) -> Edit:
    """A blank line (empty, or only tabs or spaces) between two rows of a tab table."""
    form = _form(draw, forms, tab_rows_only=True)
    n = draw(st.sampled_from([n for n in range(1, len(form.lines))
                              if "\t" in form.lines[n - 1] and "\t" in form.lines[n]]))
    blank = draw(st.sampled_from(["", "\t\t\t\t", "   "]))
    return Edit(form, [*form.lines[:n], blank, *form.lines[n:]], f"blank line before line {n + 1}")
