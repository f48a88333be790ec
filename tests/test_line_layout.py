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


HEADER = """
一级
指标
二级
指标
三级指标 年度指标值 实际完成值 分值 得分
偏差原因分析及改进
措施
"""


def test_labels_wrapped_over_lines_open_their_rows():
    """Narrow columns wrap every label: 项目资金 and its unit over three lines, the funding heads, a row
    label; an info label alone on its line takes the next line, which holds the next label and value."""
    rows = rows_of("""
主管部门
上海市宝山区数据局 实施单位 上海市宝山区大数据中心
项目 资
金（万
元）
年初预
算数
全年预 算数
全年执
行数
分值 执行率 得分
年度资
金总额
0.00 37.50 37.50 10.00 100.00% 10.00
""")
    info, heads, total = rows
    assert info == {0: "主管部门", 1: "上海市宝山区数据局", 2: "实施单位", 3: "上海市宝山区大数据中心"}
    assert heads == {0: "项目 资金（万元）", 2: "年初预算数", 3: "全年预算数", 4: "全年执行数", 5: "分值", 6: "执行率",
                     7: "得分"}
    assert total == {1: "年度资金总额", 2: "0.00", 3: "37.50", 4: "37.50", 5: "10.00", 6: "100.00%", 7: "10.00"}


def test_goals_printed_each_after_its_own_label_make_one_row():
    rows = rows_of("""
年度目标
实现医保服务的数字化转型。
实际完成情况
已实现医保服务的数字化转型。
""")
    assert rows == [{0: "年度目标", 1: "实现医保服务的数字化转型。", 2: "实际完成情况", 3: "已实现医保服务的数字化转型。"}]


def test_the_ends_of_both_goals_printed_after_them_on_one_line_go_back_to_each():
    rows = rows_of("""
年度
总体
目标
预期目标 实际完成情况
为宝山区大数据中心网络安全提供服务支撑
为宝山区大数据中心网络安全提供服务
工作。 支撑工作。
""")
    assert (rows[-1][1], rows[-1][4]) == ("为宝山区大数据中心网络安全提供服务支撑工作。", "为宝山区大数据中心网络安全提供服务支撑工作。")


def test_a_repeated_goal_gets_back_the_ends_printed_after_both_texts():
    """The form repeats its goal as done; each text cut, its end printed after both, over lines of its own."""
    rows = rows_of("""
年度
总体
目标
预期目标 实际完成情况
打造信息化智能化
打造信息化智能化社
社区
。
区。
""")
    assert (rows[-1][1], rows[-1][4]) == ("打造信息化智能化社区。", "打造信息化智能化社区。")


def test_cells_of_narrow_columns_wrap_after_a_few_characters():
    rows = rows_of(HEADER + """
成本
指标
经济
成本
指标
提高资金利用率 提高
达成指
标
2.00 2.00
""")
    assert rows[1] == {0: "成本指标", 1: "经济成本指标", 2: "提高资金利用率", 3: "提高", 4: "达成指标", 5: "2.00",
                       6: "2.00"}


def test_text_after_the_numbers_ends_the_wrapped_cells_where_no_points_were_lost():
    """A continuation row after the numbers ('时间内完成' / '内完成': the ends of the target and the actual)
    where the row has full marks; a row that lost points keeps the text after its numbers as its 偏差原因."""
    rows = rows_of(HEADER + """
产出
指标
时效
指标
项目成本及时性
在规定
的
在规定
的时间
5.00 5.00
时间内
完成
内完成
质量
指标
系统可维护性 可维护 部分达成 10.00 8.00
需进一步提升
""")
    full, lost = rows[1], rows[2]
    assert (full[2], full[3], full[4], full.get(7)) == ("项目成本及时性", "在规定的时间内完成", "在规定的时间内完成", None)
    assert (lost[2], lost[6], lost[7]) == ("系统可维护性", "8.00", "需进一步提升")


def test_ends_printed_after_the_numbers_complete_a_category_and_close_brackets():
    """Ends of a row's cells printed after all its cells: the rest of a category cut short ('生态' / '环境'
    / '成' … '本指' / '标') completes it, a bracket's end goes to the value that left it open ('=1.00(' …
    '个)') and a bracketed unit to the value ending in a number ('≥365.00' … '(天)'), not to the name."""
    rows = rows_of(HEADER + """
成本
指标
生态
环境
成
实现动态化管理 实现 达成指标 5.00 5.00
本指
标
产出
指标
数量
指标
搭建监管服 =1.00( 1.00(个) 15.00 15.00
务平台 个)
系统安全运行 ≥365.00 365.00( 15.00 15.00
(天) 天)
""")
    cut, brackets, unit = rows[1], rows[2], rows[3]
    assert (cut[1], cut[2], cut.get(7)) == ("生态环境成本指标", "实现动态化管理", None)
    assert (brackets[2], brackets[3], brackets[4], brackets.get(7)) == ("搭建监管服务平台", "=1.00(个)", "1.00(个)", None)
    assert (unit[2], unit[3], unit[4], unit[5], unit[6]) == ("系统安全运行", "≥365.00(天)", "365.00(天)", "15.00", "15.00")


def test_a_categorys_points_printed_after_the_start_of_the_deviation_go_back_to_it():
    """'产出指标（50分）' cut in its points, or printed whole with its points apart: the ends of the row's
    cells come on a line of their own after the start of the 偏差原因, the category's first."""
    rows = rows_of(HEADER + """
产出
指标
（50
数量
指标
服装套数 =69套 0 10.00 0.00 财政年初未
分） 安排资金
产出
指标
时效
指标
采购完成及时性 按计划时间 0 10.00 0.00 财政年初未
（50
分）
内完成 安排资金
""")
    assert [row[0] for row in rows[1:]] == ["产出指标（50分）"] * 2
    assert rows[1][7] == "财政年初未安排资金"


def test_the_end_of_a_row_printed_before_the_next_rows_category_stays_with_its_row():
    """A form without a 偏差原因 column: the end of a name ('成果') printed after its row's numbers, then
    the next row's category printed short over lines of its own ('生态' / '环境' / '成本')."""
    rows = rows_of("""
一级
指标
二级
指标
三级指标 年度指标值 实际完成值 分值 得分
成本
指标
社会
成本
保护企业创新 控制 达成指标 3.00 3.00
成果
生态
环境
成本
提高食品安全 节能 达成指标 5.00 5.00
""")
    assert (rows[1][2], rows[2][1], rows[2][2]) == ("保护企业创新成果", "生态环境成本", "提高食品安全")


def test_a_category_printed_with_its_points_over_lines_is_no_text_of_the_row_above():
    rows = rows_of(HEADER + """
效益
指标
可持续影响指标
落实长效管理 落实 达成指标 5.00 5.00
满意
度指
标(10
分)
服务对象满意度指标
办公人员满意度 >=85% >=85% 10.00 10.00
""")
    assert (rows[1][2], rows[1][4], rows[1].get(7)) == ("落实长效管理", "达成指标", None)
    assert rows[2][0] == "满意度指标(10分)" and rows[2][1] == "服务对象满意度指标"


def test_a_row_read_only_through_narrow_wraps_under_the_row_above_is_unsure():
    """Without categories of its own, a row's first lines may be the ends of the row above; grouped only by
    lines too narrow for usual columns, the source says it could not tell (a finding flags the form)."""
    lines = [Line(t, n, 1, False) for n, t in enumerate((HEADER + """
产出
指标
数量
指标
物业管理人员配备 =2人 2人 10.00 10.00
服务外包
建立健
全
建立健
全
15.00 15.00
""").strip().split("\n"), start=1) if t.strip()]
    rows = rebuild_rows(lines, "test.txt")
    assert rows[1].unsure is None and rows[2].unsure and "narrower" in rows[2].unsure


def test_a_blank_first_funding_column_is_told_by_the_rate_and_kept_for_the_rows_below():
    """年初预算数 left blank prints nothing: the total row's percent rate sits under 执行率, so its amounts
    move one column right, and so do the other rows' (which print dashes, no rate)."""
    rows = rows_of("""
项目资金
（元）
年初预算数 全年预算数 全年执行数 分值 执行率 得分
年度资金总额 152,500.00 109,516.83 10.00 71.82% 7.18
其中：当年财政
拨款
152,500.00 109,516.83 — — —
上年结转资金 0.00 — — — —
""")
    _, total, appropriation, carryover = rows
    assert total == {1: "年度资金总额", 3: "152,500.00", 4: "109,516.83", 5: "10.00", 6: "71.82%", 7: "7.18"}
    assert appropriation == {1: "其中：当年财政拨款", 3: "152,500.00", 4: "109,516.83", 5: "—", 6: "—", 7: "—"}
    assert carryover == {1: "上年结转资金", 3: "0.00", 4: "—", 5: "—", 6: "—", 7: "—"}


def test_a_rate_printed_without_its_percent_sign_is_told_by_the_quotient():
    rows = rows_of("""
项目资金
（万元）
年初预算数 全年预算数 全年执行数 分值 执行率(%) 得分
年度资金总额 109.20 98.28 10 90.00 9
其他资金 0.00 0.00 － 0.00 －
""")
    assert rows[1] == {1: "年度资金总额", 3: "109.20", 4: "98.28", 5: "10", 6: "90.00", 7: "9"}
    assert rows[2] == {1: "其他资金", 3: "0.00", 4: "0.00", 5: "－", 6: "0.00", 7: "－"}


def test_identity_values_wrapped_over_lines_go_on_to_the_next_labelled_row():
    rows = rows_of("""
项目名称
区电子政务平台运维费(2022年结
转)
主管部门
上海市宝山区城市网格化综合管理
中心
实施单位 上海市宝山区城市运行管理中心
项目资金
（万元）
年初预算数 全年预算数 全年执行数 分值 执行率 得分
""")
    name, department, unit = rows[:3]
    assert name == {0: "项目名称", 1: "区电子政务平台运维费(2022年结转)"}
    assert department == {0: "主管部门", 1: "上海市宝山区城市网格化综合管理中心"}
    assert unit == {0: "实施单位", 1: "上海市宝山区城市运行管理中心"}


def test_a_funding_head_whose_unit_wrapped_onto_its_own_line_keeps_it():
    rows = rows_of("""
项目资金
（万元）
年初预算数 全年预算数 全年执行数 分值 执行率
(%)
得分
年度资金总额
0.00 2936.70 2914.19 10 99.23 9.92
""")
    header, total = rows
    assert header[6] == "执行率(%)" and header[7] == "得分"
    assert total == {1: "年度资金总额", 2: "0.00", 3: "2936.70", 4: "2914.19", 5: "10", 6: "99.23", 7: "9.92"}


def test_funding_heads_open_the_block_where_a_page_break_moved_or_cut_the_funding_label():
    """The merged 项目资金 cell cut by a page break prints all its text below the break, or its start
    above and its rest below: the heads still open the funding block, and the label's rest (with its
    unit) is a label, not the next row's text."""
    moved = rows_of("""
年初预算数 全年预算数 全年执行数 分值 执行率 得分
年度资金总额 0.00 48.62 48.62 10 100.00 10
项目资金（万元
）
其中：当年财政拨款 0.00 48.62 48.62 － 100.00 －
""")
    assert moved[0] == {2: "年初预算数", 3: "全年预算数", 4: "全年执行数", 5: "分值", 6: "执行率", 7: "得分"}
    assert moved[1][1] == "年度资金总额" and moved[1][7] == "10"
    assert moved[2] == {0: "项目资金（万元）"} and moved[3][1] == "其中：当年财政拨款"
    cut = rows_of("""
项目 年初预算数 全年预算数 全年执行数 分值 执行率 得分
年度资金总额 0.00 107.91 107.91 10.00 100.00% 10.00
资金
（万
元）
其中：当年财政拨款 0.00 107.91 107.91 - 100.00% -
""")
    assert cut[0][0] == "项目" and cut[0][7] == "得分"
    assert cut[2] == {0: "资金（万元）"} and cut[3][1] == "其中：当年财政拨款"
    blank_unit = rows_of("""
主管部门 上海市宝山区城市网格化综合管理中心 实施单位
项目 年初预算数 全年预算数 全年执行数 分值 执行率 得分
资金（元） 年度资金总额 928,050.00 928,050.00 928,050.00 10.00 100.00% 10.00
""")
    assert blank_unit[0] == {0: "主管部门", 1: "上海市宝山区城市网格化综合管理中心", 2: "实施单位"}
    assert blank_unit[1][0] == "项目" and blank_unit[2] == {0: "资金（元）"}
    assert blank_unit[3][1] == "年度资金总额" and blank_unit[3][7] == "10.00"
    unit_cut = rows_of("""
项目资金
（
年初预算数
全年预算数
全年执行数
分值 执行率 得分
年度资金总额 0.00 40.70 40.70 10.00 100.00% 10.00
""")
    assert unit_cut[0][0] == "项目资金（" and unit_cut[0][7] == "得分" and unit_cut[1][7] == "10.00"


def test_a_wrap_in_a_narrow_column_is_weighed_against_a_wide_one_and_cuts_no_word():
    """'特色服务' may go on with '满足' in a wide name column, or '达成指' with '标' in a value column whose
    lines hold three characters (as the row above shows): both groupings are weighed."""
    rows = rows_of("""
一级
指标
二级
指标
三级指标 年度指标值 实际完成值 分值 得分
产出
指标
数量
指标
日常巡检完成率
≥365.00
(天)
365.00
(天)
15 15
质量
指标
满足用户需求的
特色服务
满足
达成指
标
15 15
""")
    assert rows[2] == {1: "质量指标", 2: "满足用户需求的特色服务", 3: "满足", 4: "达成指标", 5: "15", 6: "15"}
