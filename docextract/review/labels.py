"""What the review page calls each field: the form's own printed labels."""

from __future__ import annotations

import re

FIELD_LABELS = {
    "year": "年度", "project_name": "项目名称", "department": "主管部门", "implementing_unit": "实施单位",
    "funding_unit": "资金单位", "goal_expected": "预期目标", "goal_actual": "实际完成情况",
    "total_weight": "总分 · 分值", "total_score": "总分 · 得分", "grade": "评分等级",
}
FUNDING_ROW_LABELS = {"total": "年度资金总额", "appropriation": "其中：当年财政拨款", "carryover": "上年结转资金",
                      "other": "其他资金"}
FUNDING_COLUMN_LABELS = {"initial_budget": "年初预算数", "annual_budget": "全年预算数", "executed": "全年执行数",
                         "weight": "分值", "execution_rate": "执行率", "score": "得分"}
INDICATOR_COLUMN_LABELS = {"level1": "一级指标", "level2": "二级指标", "name": "三级指标", "target": "年度指标值",
                           "actual": "实际完成值", "weight": "分值", "score": "得分", "deviation": "偏差原因"}

_FUNDING = re.compile(r"^funding\.(\w+)(?:\.(\w+))?$")
_INDICATOR = re.compile(r"^indicators\[(\d+)\](?:\.(\w+))?$")


def field_label(path: str) -> str:
    """'funding.total.executed' -> '年度资金总额 · 全年执行数'; unknown paths are shown as they are."""
    if path in FIELD_LABELS:
        return FIELD_LABELS[path]
    if match := _FUNDING.match(path):
        row = FUNDING_ROW_LABELS.get(match[1], match[1])
        return f"{row} · {FUNDING_COLUMN_LABELS.get(match[2], match[2])}" if match[2] else row
    if match := _INDICATOR.match(path):
        row = f"指标 {int(match[1]) + 1}"
        return f"{row} · {INDICATOR_COLUMN_LABELS.get(match[2], match[2])}" if match[2] else row
    return path
