"""Text exports -> CellTable -> records: the three seed layouts, page breaks, encodings, what is not a form,
and the seed forms edited one at a time (tests/export_edits.py)."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docextract.mapping import map_table
from docextract.model import CellTable, FormRecord, Row
from docextract.sources.errors import NotAFormError
from docextract.sources.text_export import read_text_export
from docextract.sources.wrapping import display_width
from export_edits import (
    blank_line_between_tab_rows, changed_character, changed_digit, line_ends, markup, replaced_cell, spaced_label,
    stray_pipe, text_pools,
)
from seed_forms import contract, read_forms, split_forms

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
TAB, LINES, TAGGED = (next(SEEDS.glob(f"{stem}_*.txt")) for stem in ("000", "001", "002"))


@pytest.fixture(scope="module")
def tables() -> dict[Path, CellTable]:
    return {path: read_text_export(path) for path in (TAB, LINES, TAGGED)}


def row_at(table: CellTable, line: int) -> Row:
    return next(row for row in table.rows if row.line == line)


def texts(row: Row) -> dict[int, str]:
    return {cell.col: cell.text for cell in row.cells if cell.text}


def test_every_row_keeps_its_place_in_the_file(tables):
    for path, table in tables.items():
        assert table.kind == "text" and table.source == str(path)
        ids = [cell.id for row in table.rows for cell in row.cells]
        assert len(ids) == len(set(ids))
        lines = [row.line for row in table.rows]
        assert lines == sorted(lines)
        for row in table.rows:
            assert [c.col for c in row.cells] == sorted(c.col for c in row.cells)
            for cell in row.cells:
                assert cell.prov.source == str(path) and cell.prov.page == row.page
                assert cell.id == f"L{cell.prov.line}c{cell.col}"


def test_tab_rows_keep_tab_columns(tables):
    assert texts(row_at(tables[TAB], 8)) == {0: "主管部门", 2: "上海市宝山区数据局", 4: "实施单位", 6: "上海市宝山区大数据中心"}
    assert texts(row_at(tables[TAB], 146)) == {1: "效益指标"}  # a page-break fragment stays a row of its own


def test_blank_line_inside_a_table_is_a_page_break(tables):
    tab = tables[TAB]
    assert row_at(tab, 146).page_break_before and row_at(tab, 146).page == row_at(tab, 144).page + 1
    assert not row_at(tab, 144).page_break_before
    assert row_at(tables[TAGGED], 52).page_break_before
    assert not row_at(tables[TAGGED], 53).page_break_before
    # a new form's title opens a page; the first one does not
    titles = [row for row in tab.rows if "财政项目支出绩效自评表" in row.cells[0].text]
    assert len(titles) == 34 and not titles[0].page_break_before and all(t.page_break_before for t in titles[1:])


def test_one_cell_per_line_rows_are_rebuilt(tables):
    lines = tables[LINES]
    assert texts(row_at(lines, 8)) == {0: "主管部门", 1: "上海市嘉定区数据局（汇总）", 2: "实施单位", 3: "上海市嘉定区大数据中心"}
    assert texts(row_at(lines, 18)) == {1: "其中：当年财政\n拨款", 2: "0.00", 3: "308.00", 4: "306.75", 5: "-",
                                        6: "99.59", 7: "-"}
    assert texts(row_at(lines, 66)) == {0: "成本\n指标", 1: "经济\n成本\n指标", 2: "成本总额", 3: "≤441.55(万\n元)",
                                        4: "397.35(万\n元)", 5: "10.00", 6: "10.00"}
    late = texts(row_at(lines, 439))
    assert (late[2], late[3], late[4], late[5], late[6]) == ("系统上线及时性", "八月前", "部分达成指\n标并具有一\n定效果", "2.00", "1.50")
    assert late[7].startswith("受机构改革影响") and late[7].endswith("全部上线。")


def test_two_goal_texts_printed_one_after_the_other_are_split(tables):
    goal = texts(row_at(tables[LINES], 35))
    assert goal[1].endswith("改革不断深化”。") and goal[4].startswith("对应制定区级")


def test_a_category_cut_by_a_page_break_leaves_a_fragment_row(tables):
    lines = tables[LINES]
    assert texts(row_at(lines, 419))[1] == "质量"
    fragment = row_at(lines, 423)
    assert texts(fragment) == {1: "指标"} and fragment.page_break_before


def test_wrapped_deviation_continues_across_a_page_break(tables):
    deviation = texts(row_at(tables[LINES], 271))[7]
    assert deviation.startswith("主要受系统性能影") and deviation.endswith("面达标。")


def test_tagged_rows(tables):
    tagged = tables[TAGGED]
    assert "财政项目支出绩效自评表" in texts(row_at(tagged, 102))[0]
    total = row_at(tagged, 189)
    assert [c.text for c in total.cells] == ["总分", "100", "99.81"]  # "总分" then "| 100 | 99.81 |"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_other_encodings_and_line_ends_read_the_same(tmp_path, tables, encoding):
    copy = tmp_path / LINES.name
    copy.write_bytes(LINES.read_text(encoding="utf-8").replace("\n", "\r\n").encode(encoding))
    again = read_text_export(copy)
    assert [texts(r) for r in again.rows] == [texts(r) for r in tables[LINES].rows]


@pytest.mark.parametrize("content, reason", [
    (b"", "no 财政项目支出绩效自评表 in this text"),
    (b"   \n\n\t\n", "no 财政项目支出绩效自评表 in this text"),
    ("项目支出情况说明\n本年度无绩效自评。\n".encode(), "no 财政项目支出绩效自评表 in this text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not decodable text (tried utf-8 and gb18030)"),
    ("财政项目支出绩效自评表".encode("utf-16"), "not decodable text (tried utf-8 and gb18030)"),
    ("财政项目支出绩效自评表\x00\x01".encode(), "binary content, not a text export"),
])
def test_text_without_a_form_is_refused_with_its_reason(tmp_path, content, reason):
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(NotAFormError) as refused:
        read_text_export(path)
    assert str(refused.value) == reason


# ---------------------------------------------------------------------------- one form at a time, edited

NO_FORM = "no 财政项目支出绩效自评表 in this text"
REFUSALS = (NO_FORM, "not decodable text", "binary content")
EDITS = {  # family -> strategy of edits over the seed forms
    "replaced cell": lambda forms: replaced_cell(forms, text_pools(forms)),
    "changed character": changed_character,
    "changed digit": changed_digit,
    "spaced label": spaced_label,
    "markup": markup,
    "stray pipe": stray_pipe,
    "line ends": line_ends,
    "blank line between tab rows": blank_line_between_tab_rows,
}
EDIT_RUNS = settings(max_examples=60, deadline=None, derandomize=True, database=None)


def test_each_seed_form_read_alone_is_its_gold(seed_forms):
    """The ground the edits stand on: cut out of its export, every form reads as its gold, field for field."""
    assert Counter(form.layout for form in seed_forms) == {"tab": 34, "lines": 3, "tagged": 10}
    assert [form.id for form in seed_forms if contract(form.record) != form.gold] == []


@pytest.mark.parametrize("family", list(EDITS))
@EDIT_RUNS
@given(data=st.data())
def test_an_edit_changes_only_the_fields_it_touched(seed_forms, forms_folder, family, data):
    """Every field the edit did not touch is still the gold; a text it changed comes back as the new text; a
    number it changed comes back as printed, or the form is flagged (never verified with another number).
    Layout edits change nothing, not even the form's status or findings."""
    edit = data.draw(EDITS[family](seed_forms))
    [record] = read_forms(edit.text, forms_folder, edit.form.id[:3])
    got = contract(record)
    expected = edit.form.gold | edit.texts
    for path, printed in edit.numbers.items():
        assert got[path] == printed or record.status == "flagged", f"verified with {path} = {got[path]}"
        expected[path] = got[path]
    wrong = {p: (expected.get(p), got.get(p)) for p in got.keys() | expected.keys() if got.get(p) != expected.get(p)}
    assert wrong == {}, f"{edit}: (expected, read) {wrong}"
    if not edit.texts and not edit.numbers:
        assert [(f.check, f.cells) for f in record.findings] == [
            (f.check, f.cells) for f in edit.form.record.findings]


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(picks=st.lists(st.integers(0, 46), min_size=1, max_size=5))
def test_forms_of_any_layout_read_the_same_in_any_order_and_company(seed_forms, forms_folder, picks):
    """Forms cut from the three exports and put together in any order, repeated or not, as one file (tab
    rows, one-cell-per-line rows and markup mixed): each comes back as its gold, in the file's order."""
    forms = [seed_forms[i] for i in picks]
    text = "\n".join(form.text.rstrip("\n") + "\n" for form in forms)
    records = read_forms(text, forms_folder)
    assert [contract(r) for r in records] == [form.gold for form in forms]


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(seed=st.sampled_from([TAB, LINES, TAGGED]), cut=st.floats(0, 1))
def test_a_truncated_export_keeps_every_form_printed_before_the_cut(forms_folder, seed, cut):
    """Cut at any character: every form whose last line was printed whole comes back as its gold; the form
    cut short may come back in part or not at all; a file cut before its first form is refused as no form."""
    text = seed.read_text(encoding="utf-8")
    at = int(len(text) * cut)
    gold = json.loads((SEEDS.parent / "gold" / f"{seed.name[:3]}.json").read_text(encoding="utf-8"))
    ends, offset = [], 0
    for lines in split_forms(text):  # where each form's printed text ends
        body = "\n".join(lines)
        ends.append(text.index(body, offset) + len(body.rstrip()))
        offset = ends[-1]
    whole = sum(end <= at for end in ends)
    path = forms_folder / seed.name
    path.write_text(text[:at], encoding="utf-8")
    try:
        records = map_table(read_text_export(path))
    except NotAFormError as exc:
        assert str(exc) == NO_FORM and whole == 0
        return
    assert len(records) in (whole, whole + 1)
    assert [contract(r) for r in records[:whole]] == [contract(FormRecord.model_validate(g)) for g in gold[:whole]]


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(data=st.binary(max_size=2000))
def test_random_bytes_are_refused_with_their_reason(forms_folder, data):
    path = forms_folder / "000_fuzz.txt"
    path.write_bytes(data)
    with pytest.raises(NotAFormError) as refused:
        read_text_export(path)
    assert str(refused.value).startswith(REFUSALS)


FORM_WORDS = ["主管部门", "实施单位", "项目资金", "（万元）", "年度资金总额", "年初预算数", "一级指标", "二级指标",
              "三级指标", "年度指标值", "实际完成值", "分值", "得分", "总分", "评分等级", "产出指标", "数量指标",
              "≥100.00(家)", "达成指标", "15.00", "2,936.70", "-", "|", "<p>", "</p>", "财政项目", "绩效自评"]


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(words=st.lists(st.sampled_from(FORM_WORDS), max_size=80),
       gaps=st.lists(st.sampled_from(["\t", " ", "\n", "\n\n", ""]), min_size=80, max_size=80))
def test_form_words_without_a_title_or_project_are_no_form(forms_folder, words, gaps):
    """Labels, values and markup of a form in any order, but neither its title nor 项目名称: no form."""
    path = forms_folder / "000_words.txt"
    path.write_text("".join(word + gap for word, gap in zip(words, gaps)), encoding="utf-8")
    with pytest.raises(NotAFormError, match=NO_FORM):
        read_text_export(path)


# ---------------------------------------------------------------------------- other wrap widths

def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if line and display_width(line + ch) > width:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line] if line else lines or [""]


def _number(value: float | None, money: bool = False) -> str:
    return "-" if value is None else f"{value:,.2f}" if money else f"{value:.2f}"


def line_export(record: dict, rnd: random.Random) -> list[str]:
    """A gold record printed one cell per line like seed 001, with other column widths: each wrapped
    line on a line of its own, single-line cells of a row sometimes sharing a line, blank lines at random."""
    out: list[str] = []

    def emit(*lines: str) -> None:
        for line in lines:
            out.extend([line, ""] if rnd.random() < 0.7 else [line])

    def cells(wrapped: list[list[str]]) -> None:
        line = ""
        for lines in wrapped:
            if len(lines) == 1 and (not line or rnd.random() < 0.8):
                line = f"{line} {lines[0]}".strip()
            elif len(lines) == 1:
                emit(line)
                line = lines[0]
            else:
                if line and rnd.random() < 0.3:
                    emit(f"{line} {lines[0]}", *lines[1:])
                else:
                    emit(*([line] if line else []), *lines)
                line = ""
        emit(*([line] if line else []))

    emit("财政项目支出绩效自评表", f"（{record['year']}年度）", f"项目名称 {record['project_name']}",
         f"主管部门 {record['department'] or ''} 实施单位 {record['implementing_unit'] or ''}",
         "项目资金", f"（{record['funding_unit']}）", "年初预算数 全年预算数 全年执行数 分数 执行率(%) 得分")
    for name, label in (("total", "年度资金总额："), ("appropriation", "其中：当年财政拨款"), ("carryover", "上年结转资金"),
                        ("other", "其他资金")):
        row = record["funding"][name]
        values = [_number(row[c], c in ("initial_budget", "annual_budget", "executed")) for c in
                  ("initial_budget", "annual_budget", "executed", "weight", "execution_rate", "score")]
        *head, last = _wrap(label, rnd.choice([14, 30]))
        emit(*head, " ".join([last, *values]))
    emit("年度", "总体", "目标", "预期目标 实际完成情况")
    goal_width = rnd.choice([40, 48, 60])
    for goal in (record["goal_expected"], record["goal_actual"]):
        emit(*(_wrap(goal, goal_width) if goal else []))
    emit("一级", "指标", "二级", "指标", "三级指标 年度指标值 实际完成值 分值 得分", "偏差原因分析", "及改进措施")
    level, name, value, deviation = rnd.choice([4, 6]), rnd.choice([16, 24, 28]), rnd.choice([10, 12, 14]), 18
    previous = (None, None)
    for ind in record["indicators"]:
        wrapped = [] if ind["level1"] == previous[0] else [_wrap(ind["level1"], level)]
        if (ind["level1"], ind["level2"]) != previous:
            wrapped.append(_wrap(ind["level2"], level))
        previous = (ind["level1"], ind["level2"])
        wrapped += [_wrap(ind["name"], name), _wrap(ind["target"], value), _wrap(ind["actual"], value),
                    [_number(ind["weight"])], [_number(ind["score"])]]
        cells(wrapped + ([_wrap(ind["deviation"], deviation)] if ind["deviation"] else []))
    emit(f"总分 {_number(record['total_weight'])} {_number(record['total_score'])}")
    emit(*([f"评分等级 {record['grade']}"] if record["grade"] else []))
    return out + ["", "", ""]


@pytest.mark.parametrize("seed", range(3))
def test_one_cell_per_line_exports_at_other_widths_read_back(tmp_path, seed):
    from docextract.evaluation import EvalResult, compare_records

    result = EvalResult()
    for stem in ("000", "001", "002"):
        gold = json.loads((SEEDS.parent / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
        rnd = random.Random(seed)
        path = tmp_path / f"{stem}_lines.txt"
        path.write_text("\n".join(line for record in gold for line in line_export(record, rnd)), encoding="utf-8")
        result.merge(compare_records(gold, [r.model_dump(mode="json") for r in map_table(read_text_export(path))]))
    assert result.found_forms == 47 and result.row_recall == 1.0 and result.extra_rows == 0
    assert result.accuracy >= 0.995, result.mismatches[:5]
