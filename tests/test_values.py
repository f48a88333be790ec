"""Value rules of the record contract."""

import pytest

from docextract.values import clean_text, parse_measure, parse_number


@pytest.mark.parametrize("printed, value", [
    ("2,936.70", 2936.7), ("97.77%", 97.77), ("1,500,000", 1500000.0), ("-5", -5.0), ("0", 0.0),
    ("10369.00", 10369.0), (" 8.80 ", 8.8), ("1000.00%", 1000.0), ("", None), ("-", None), ("—", None),
    ("－", None), (None, None),
])
def test_numbers(printed, value):
    assert parse_number(printed) == value


@pytest.mark.parametrize("printed", ["abc", "1.2.3", "≥5", "12a"])
def test_non_numbers_are_refused(printed):
    with pytest.raises(ValueError):
        parse_number(printed)


@pytest.mark.parametrize("printed, op, value, unit", [
    ("≥100.00(家)", "≥", 100.0, "家"), (">=85%", "≥", 85.0, "%"), ("=100%", "=", 100.0, "%"),
    ("≤1.00(次)", "≤", 1.0, "次"), ("<=1小时", "≤", 1.0, "小时"), ("10369.00(条)", None, 10369.0, "条"),
    (">99.90(%)", ">", 99.9, "%"), ("降低成本", None, None, None),
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
    ("“一网通办”积分场景应用", "“一网通办”积分场景应用"),
    ('"系统平稳运行', "系统平稳运行"),
    ("—", None), ("  ", None),
])
def test_text(printed, text):
    assert clean_text(printed) == text
