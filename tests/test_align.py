"""The column alignment (mapping/align.py) on gold rows damaged as exports damage them: a lost or an extra
empty cell anywhere in the row, a blanked cell, a row printed at another offset — the roles come back."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docextract.mapping.align import Column, Schema, align_row, split_spanning
from docextract.mapping.fit import fit
from docextract.model import Cell, Provenance, TextLine
from docextract.values import clean_text

ROLES = ("level1", "level2", "name", "target", "actual", "weight", "score", "deviation")
SCHEMA = Schema(tuple(Column(role, (n, n + 1)) for n, role in enumerate(ROLES)))


def _text(value) -> str:
    if value is None:
        return ""
    return f"{value:.2f}" if isinstance(value, float) else str(value)


@pytest.fixture(scope="module")
def gold_rows(gold_dir) -> list[list[str]]:
    rows = []
    for path in sorted(gold_dir.glob("*.json")):
        for record in json.loads(path.read_text(encoding="utf-8")):
            previous = (None, None)
            for ind in record["indicators"]:
                # categories printed on the first row of their run only, as merged cells are exported
                levels = [v if v != p else None for v, p in zip((ind["level1"], ind["level2"]), previous)]
                previous = (ind["level1"], ind["level2"])
                rows.append([_text(v) for v in (*levels, *(ind[r] for r in ROLES[2:]))])
    return rows


def _cells(texts: list[str]) -> list[Cell]:
    return [Cell(id=f"c{n}", col=n, text=t, prov=Provenance()) for n, t in enumerate(texts)]


def _roles(texts: list[str], expected: list[str | None]) -> tuple[dict, dict]:
    cells = [c for c in _cells(texts) if c.text.strip()]
    got = align_row(cells, SCHEMA, fit).roles
    want = {c.id: role for c, role in zip(_cells(texts), expected) if c.text.strip()}
    return got, want


def test_gold_rows_as_printed_keep_their_columns(gold_rows):
    wrong = [row for row in gold_rows if (lambda g, w: g != w)(*_roles(row, list(ROLES)))]
    assert not wrong, wrong[:3]


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_lost_or_extra_empty_cell_or_a_blanked_cell_costs_no_role(gold_rows, data):
    row = data.draw(st.sampled_from(gold_rows))
    texts, roles = list(row), list(ROLES)
    damage = data.draw(st.sampled_from(["lose_empty", "extra_empty", "blank", "offset"]))
    if damage == "lose_empty":
        empties = [n for n, t in enumerate(texts) if not t]
        if empties:
            n = data.draw(st.sampled_from(empties))
            del texts[n], roles[n]
    elif damage == "extra_empty":
        n = data.draw(st.integers(0, len(texts)))
        texts.insert(n, "")
        roles.insert(n, None)
    elif damage == "blank":
        n = data.draw(st.integers(0, len(texts) - 1))
        texts[n] = ""
    else:
        shift = data.draw(st.sampled_from([-2, -1, 1, 2]))
        texts, roles = (([""] * shift + texts, [None] * shift + roles) if shift > 0 else
                        (texts[-shift:], roles[-shift:]) if all(not t for t in texts[:-shift]) else (texts, roles))
    got, want = _roles(texts, roles)
    assert got == want, (damage, [(clean_text(t), r) for t, r in zip(texts, roles)], got)


def test_a_cell_over_three_columns_of_a_narrower_page_is_cut_into_the_texts_it_prints():
    """A continuation page draws its columns narrower and loses the rulings between 三级指标, 年度指标值
    and 实际完成值: the wrapped name keeps both its lines, the target printed where the header page had
    the name column still becomes the target (the cell as met in a generated PDF)."""
    xs = (64, 124, 178, 271, 340, 398, 446, 485, 537)
    schema = Schema(tuple(Column(role, (n, n + 1), (xs[n], xs[n + 1])) for n, role in enumerate(ROLES)))
    lines = [TextLine(text="系统使用人员满", spans=((166, 232),)),
             TextLine(text="满意 达成指标", spans=((258, 277), (312, 350))),
             TextLine(text="意", spans=((166, 175),))]
    merged = Cell(id="m", col=2, text="系统使用人员满\n满意 达成指标\n意", lines=lines,
                  prov=Provenance(bbox=(163, 70, 368, 109)))
    row = [Cell(id="w", col=3, text="10", prov=Provenance(bbox=(368, 70, 428, 109))),
           Cell(id="s", col=4, text="10", prov=Provenance(bbox=(428, 70, 478, 109)))]
    cells = split_spanning([merged, *row], schema)
    roles = align_row(cells, schema, fit).roles
    assert [(c.text, roles[c.id]) for c in cells] == [
        ("系统使用人员满\n意", "name"), ("满意", "target"), ("达成指标", "actual"), ("10", "weight"), ("10", "score")]
