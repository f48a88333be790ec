"""The rows of one form sorted into the form's sections by their labels."""

from __future__ import annotations

from dataclasses import dataclass, field

from docextract import labels
from docextract.model import Row

MIN_HEADER_LABELS = 3


@dataclass
class Sections:
    heading: list[Row] = field(default_factory=list)  # title and year
    info: list[Row] = field(default_factory=list)  # 项目名称, 主管部门 / 实施单位
    funding_header: Row | None = None
    funding: list[Row] = field(default_factory=list)
    goal_header: Row | None = None
    goals: list[Row] = field(default_factory=list)
    indicator_header: Row | None = None
    indicators: list[Row] = field(default_factory=list)
    total: Row | None = None
    grade: Row | None = None
    other: list[Row] = field(default_factory=list)


def _count_roles(keys: list[str], group: str) -> int:
    return len({labels.role_of(k, group) for k in keys} - {None})


def is_indicator_header(keys: list[str]) -> bool:
    return _count_roles(keys, "indicator_header") >= MIN_HEADER_LABELS


def sort_rows(rows: list[Row]) -> Sections:
    s = Sections()
    current: list[Row] = s.heading
    for row in rows:
        keys = labels.row_keys(row)
        if not keys:
            continue
        if any(labels.leading_role(k, "info") for k in keys):
            current = s.info
        elif s.funding_header is None and _count_roles(keys, "funding_header") >= MIN_HEADER_LABELS:
            s.funding_header, current = row, s.funding
            continue
        elif s.goal_header is None and {"expected", "actual"} & {labels.role_of(k, "goal_header") for k in keys}:
            s.goal_header, current = row, s.goals
            continue
        elif s.indicator_header is None and is_indicator_header(keys):
            s.indicator_header, current = row, s.indicators
            continue
        elif labels.is_label(keys[0], "total"):
            s.total, current = row, s.other
            continue
        elif labels.is_label(keys[0], "grade"):
            s.grade, current = row, s.other
            continue
        elif row.outside and current is not s.heading:  # a page number or a note beside the table
            s.other.append(row)
            continue
        current.append(row)
    return s
