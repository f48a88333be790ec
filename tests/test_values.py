"""Value rules of the record contract, and targets with comparison operators kept whole from every source."""

import json

import pytest

from docextract.pipeline import process_document
from docextract.values import clean_text, parse_measure, parse_number, strip_debris
from fixtures.generate import load_records, render_digital
from seed_forms import FIXTURES, cell_span, contract, read_forms, replace_spans


@pytest.mark.parametrize("printed, value", [
    ("2,936.70", 2936.7), ("97.77%", 97.77), ("1,500,000", 1500000.0), ("-5", -5.0), ("0", 0.0),
    ("10369.00", 10369.0), (" 8.80 ", 8.8), ("1000.00%", 1000.0), ("", None), ("-", None), ("—", None),
    ("－", None), (None, None), ("<td>15.00</td>", 15.0), ("| 100 |", 100.0),
])
def test_numbers(printed, value):
    assert parse_number(printed) == value


@pytest.mark.parametrize("printed", ["abc", "1.2.3", "≥5", "12a", "<5", "<5>"])
def test_non_numbers_are_refused(printed):
    with pytest.raises(ValueError):
        parse_number(printed)


@pytest.mark.parametrize("printed, op, value, unit", [
    ("≥100.00(家)", "≥", 100.0, "家"), (">=85%", "≥", 85.0, "%"), ("=100%", "=", 100.0, "%"),
    ("≤1.00(次)", "≤", 1.0, "次"), ("<=1小时", "≤", 1.0, "小时"), ("10369.00(条)", None, 10369.0, "条"),
    (">99.90(%)", ">", 99.9, "%"), ("降低成本", None, None, None), ("＜5%", "<", 5.0, "%"), ("≧90%", "≥", 90.0, "%"),
])
def test_measures(printed, op, value, unit):
    measure = parse_measure(printed)
    assert (measure.text, measure.op, measure.value, measure.unit) == (printed, op, value, unit)


@pytest.mark.parametrize("printed, text", [
    ("边界及终端安全合规管 理完成率", "边界及终端安全合规管理完成率"),
    ("可持 续影 响指 标", "可持续影响指标"),
    ("Windows Server 2019", "Windows Server 2019"),
    ("延期 3 个月", "延期3个月"),
    ('<p style="text-align: center;">财政项目支出绩效自评表</p>', "财政项目支出绩效自评表"),
    ("| 100 |", "100"),
    ("| | 100 | 99.81 |", "100 99.81"),  # a stray pipe beside a table's pipes
    ("|| 总分 ||", "总分"),
    ("“一网通办”积分场景应用", "“一网通办”积分场景应用"),
    ('"系统平稳运行', "系统平稳运行"),
    ("—", None), ("  ", None), ("<td></td>", None), ("|", None),
])
def test_text(printed, text):
    assert clean_text(printed) == text


# ---------------------------------------------------------------- markup is stripped, content between < and > is not

# what targets print (as they come, and as the contract keeps them)
OPERATOR_TARGETS = [
    "<5%", "<=5%", "＜5%", "≤5%", "≦1次", ">2小时", ">=95%", "≥95%", "＞3次", "≧90%", "=100%", "＝1个", "≠0",
    "<5%，响应>2小时", "投诉率<5%，响应>2小时", "0<误差<5%", "<1小时且>0.5小时", "≥90%且<100%", "<30分钟",
]
# the same in the markup of an HTML-emitting export: (printed, what the contract keeps)
TAGGED_TARGETS = [
    ("<td><=5%</td>", "<=5%"), ('<p class="x">≥90%</p>', "≥90%"), ("<span style='color:red'><5%</span>", "<5%"),
    ("<b>>2小时</b>", ">2小时"), ('<TD ALIGN="center"><5%，响应>2小时</TD>', "<5%，响应>2小时"),
    ("<p>&lt;5%</p>", "<5%"), ("&gt;=95%", ">=95%"), ("&ge;90%&nbsp;", "≥90%"), ("<br/><=1次<br />", "<=1次"),
    ("<font face=宋体 size=2>=100%</font>", "=100%"),
]


@pytest.mark.parametrize("printed, kept", [*((t, t) for t in OPERATOR_TARGETS), *TAGGED_TARGETS])
def test_a_target_keeps_what_lies_between_its_operators(printed, kept):
    assert clean_text(printed) == kept
    assert clean_text(f"<td>{printed}</td>") == kept == clean_text(f'<p style="text-align: center;">{printed}</p>')


@pytest.mark.parametrize("markup", [
    "<p>", "</p>", "<P>", "<br>", "<br/>", "<br />", '<td colspan="2">', "<td colspan=2 rowspan='3'>", "</td >",
    '<span style="font-family: 宋体; color: #000">', "<o:p>", "</o:p>", "<tbody>", '<font size="2" face="宋体">',
    '<div data-a="x>y">',  # a '>' inside a quoted attribute value is still the tag's
])
def test_markup_tags_are_layout(markup):
    assert strip_debris(f"甲{markup}乙").replace(" ", "") == "甲乙"


@pytest.mark.parametrize("text", ["<5<10>", "<p", "<p5>", "<pa>", "< p>", "<甲>", "<=5>", "a<b", "x>y<z"])
def test_what_only_looks_like_a_tag_is_content(text):
    assert strip_debris(text) == text


def _targets_set(forms, layout: str, patterns: list[tuple[str, str]]):
    """Forms of one layout whose target cells (then actual cells: the one-cell-per-line seed has few targets
    on one line) print the patterns in turn, each form as one edited export: (form, its edited lines,
    field path -> what the contract keeps)."""
    left, edited = list(patterns), []
    for form in (f for f in forms if f.layout == layout):
        paths = [f"indicators[{i}].{f}" for f in ("target", "actual") for i in range(form.gold["indicators"])]
        spans = {p: cell_span(form, p) for p in paths if cell_span(form, p)}
        take = dict(zip(spans, left))
        if take:
            left = left[len(take):]
            lines = replace_spans(form.lines, {spans[p]: printed for p, (printed, _) in take.items()})
            edited.append((form, lines, {p: kept for p, (_, kept) in take.items()}))
        if not left:
            return edited
    raise AssertionError(f"{layout}: too few target cells for {len(patterns)} patterns")


@pytest.mark.parametrize("layout", ["tab", "lines", "tagged"])
def test_operator_targets_come_back_whole_from_each_export_layout(seed_forms, forms_folder, layout):
    """Targets of real seed forms printed with every operator pattern, bare and in markup: each comes back
    as printed, and every other field is still the gold."""
    patterns = [(t, t) for t in OPERATOR_TARGETS] + TAGGED_TARGETS
    for form, lines, kept in _targets_set(seed_forms, layout, patterns):
        [record] = read_forms("\n".join(lines), forms_folder, form.id[:3])
        assert contract(record) == form.gold | kept, form.id
        assert record.status == form.record.status


def test_operator_targets_come_back_whole_from_born_digital_pdfs(tmp_path):
    """Gold forms of one document drawn as a born-digital PDF with their targets set to every pattern."""
    gold = load_records(FIXTURES / "gold" / "000.json")[:3]
    targets = iter(OPERATOR_TARGETS * 2)
    drawn = [record.model_copy(update={"indicators": [row.model_copy(update={"target": next(targets)})
                                                       for row in record.indicators]}) for record in gold]
    assert set(OPERATOR_TARGETS) <= {row.target for record in drawn for row in record.indicators}
    render_digital(drawn, tmp_path / "000-operators.digital.pdf")
    result = process_document(tmp_path / "000-operators.digital.pdf")
    assert result.error is None, result.error
    assert [contract(r) for r in result.forms] == [contract(json.loads(r.model_dump_json())) for r in drawn]
    assert [r.status for r in result.forms] == ["verified"] * 3
