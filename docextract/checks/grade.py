"""评分等级 must be the band of the 总分 得分."""

from __future__ import annotations

from collections.abc import Iterator

from docextract.checks.numbers import amount
from docextract.checks.rules import Rules
from docextract.model import Finding, FormRecord
from docextract.values import compact


def check_grade(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    if record.grade is None or record.total_score is None:
        return
    expected = rules.grade_for(record.total_score)
    if not compact(record.grade).startswith(expected):  # '优' and '优秀' name the same band
        bands = ", ".join(f"{band.grade} ≥ {band.min_score:g}" for band in rules.grade_bands)
        yield rules.finding("grade", (
            f"评分等级 printed {record.grade} but 总分 得分 {amount(record.total_score)} falls in {expected} ({bands})"
        ), ["grade", "total_score"])
