"""Rows rebuilt from one-cell-per-line exports (docextract.sources.line_layout), on small hand-written
tables: each test prints a header variant and checks the cells land in the header's columns."""

from __future__ import annotations

from docextract.sources.line_layout import Line, rebuild_rows


def rows_of(text: str) -> list[dict[int, str]]:
    lines = [Line(t, n, 1, False) for n, t in enumerate(text.strip().split("\n"), start=1) if t.strip()]
    # a wrapped cell's lines joined (as the mapping reads them)
    return [{c.col: c.text.replace("\n", "") for c in row.cells} for row in rebuild_rows(lines, "test.txt")]


def test_rows_follow_a_header_that_prints_the_weight_first():
    rows = rows_of("""
一级
指标
二级
指标
三级指标 分值 年度指标值 实际完成值 得分
偏差原因分析及改进
措施
产出
指标
数量
指标
协同联动业务要求 15 100 98 14 全年使用
质量
指标
整体服务能力 15 提升 达成指标 15
""")
    header, first, second = rows
    assert header[3] == "分值" and header[6] == "得分"
    assert first == {0: "产出指标", 1: "数量指标", 2: "协同联动业务要求", 3: "15", 4: "100", 5: "98", 6: "14",
                     7: "全年使用"}
    assert second == {1: "质量指标", 2: "整体服务能力", 3: "15", 4: "提升", 5: "达成指标", 6: "15"}


def test_rows_without_a_weight_column_take_one_number():
    rows = rows_of("""
一级
指标
二级
指标
三级指标 年度指标值 实际完成值 得分
偏差原因分析及改进
措施
成本
指标
经济
成本
指标
控制货运堆场总量 控制 达成指标 2.00
集卡车辆吨位 ≥12.00(吨) 12.00(吨) 15.00
总分 100.00
""")
    header, first, second, total = rows
    assert header == {0: "一级指标", 1: "二级指标", 2: "三级指标", 3: "年度指标值", 4: "实际完成值", 5: "得分",
                      6: "偏差原因分析及改进措施"}
    assert first == {0: "成本指标", 1: "经济成本指标", 2: "控制货运堆场总量", 3: "控制", 4: "达成指标", 5: "2.00"}
    assert second == {2: "集卡车辆吨位", 3: "≥12.00(吨)", 4: "12.00(吨)", 5: "15.00"}
    assert total == {0: "总分", 5: "100.00"}


def test_a_number_with_its_unit_printed_under_it_is_a_value_not_the_score():
    rows = rows_of("""
一级
指标
二级
指标
三级指标 年度指标值 实际完成值 得分
偏差原因分析及改进
措施
产出
指标
数量
指标
新增数据条数 ≥10000
10369.00
(条)
15.00
""")
    assert rows[1] == {0: "产出指标", 1: "数量指标", 2: "新增数据条数", 3: "≥10000", 4: "10369.00(条)", 5: "15.00"}
