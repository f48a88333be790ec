"""The deterministic scorer: every arithmetic identity of the form, with rules from a swappable pack.

`check_record` sets `findings` and `status` ("verified" when no finding is an error, else "flagged");
`check_document` adds what only the other forms of the same document can tell (run it last, on the
document's final records). Severities live in the rules pack (data/rules.json, `severity`).

Checks (id: default severity — what it holds):

- precision: error — every amount, rate, 分值 and 得分 has at most the pack's decimals
- short_decimals: error — a 执行率 printed with fewer decimals than the form's rates, 分值 and 得分, and not
  exactly 全年执行数/全年预算数 (a lost digit: '79.3' where '79.31' was printed); repair looks past it
- weight_total, score_total: error — Σ indicator 分值/得分 + budget 分值/得分 = 总分
- score_range: error — 0 ≤ 得分 ≤ 分值 on every row
- category_points: warning — a category label printed with points ('产出指标(70分)') equals Σ 分值 of its rows
- execution_rate: error — 执行率 = 全年执行数/全年预算数 on every funding row, 其中 rows included
- rate_rounding: info; rate_rounding_mixed: error — a rate not rounded half-up; rows rounding incompatibly
- budget_score: error — budget 得分 = min(执行率, cap) × 分值
- funding_subrows: error — the 其中 rows add up to 年度资金总额 in 年初预算数, 全年预算数 and 全年执行数
- over_budget: error — 全年执行数 ≤ 全年预算数 on every row (预算法 第十三条)
- subrow_score: error — only 年度资金总额 carries 分值/得分; a number on a 其中 row is a misread dash
- funding_blank: error — the block's grammar, which catches a 0.00 read as blank (a blank passes every sum):
  a row printing anything prints its 全年预算数, a printed 执行率 its 全年执行数, a funded 其中 row its
  全年执行数; 其中 rows in the same situation (with / without a budget) print the same cells, a funded row
  prints what an empty one does, the total prints what its 其中 rows do; a nonzero total has a breakdown
- amount_scale: error — 年初预算数 and 全年预算数 of a row do not share their digits a power of ten apart
  (145.08 against 145,080: a thousands comma read as a decimal point)
- year: error — within the pack's `year_range`, and not before an approval-number or 结转 year the project
  name cites ("宝财行签[2024]165号", "(2023年结转)"); year_cited: warning — before a plain "2022年" it cites
- year_document: error (`check_document`) — a form alone with its year while ≥ 2 other forms of the
  document agree on another
- grade: error — 评分等级 is the band of the 总分 得分
- score_scale: error — 总分 分值 is the guideline's 100, the scale the 评分等级 bands are written on
- weight_split: warning — the guideline's split of 分值 (budget 10; 产出+成本 50, 效益 30, 满意度 10)
- required_field: by the pack's `required_fields` — a blank identity anchor or year is an error
- label_as_value: error — an indicator named like a printed label ('绩效指标', '三级指标'): a header read
  into the row
- alignment: error — a row whose cells fit the table's columns badly (its alignment cost)
- placement: error — a category that is no category of its level; a target or actual that is a sentence
  beside a measure: text the form did not print in that column
- deviation_missing: warning; deviation_on_full_score: info — a 偏差原因 exactly where points were lost
"""

from __future__ import annotations

from collections.abc import Sequence

from docextract.checks.completeness import check_deviation, check_label_values, check_required
from docextract.checks.funding import (
    check_budget_score, check_execution_rate, check_mixed_rounding, check_over_budget, check_subrows,
)
from docextract.checks.grade import check_grade
from docextract.checks.guideline import check_score_scale, check_weight_split
from docextract.checks.placement import check_alignment, check_categories, check_values
from docextract.checks.layout import check_amount_scale, check_funding_blanks, check_subrow_score
from docextract.checks.precision import check_precision, check_short_decimals
from docextract.checks.rules import Rules, default_rules
from docextract.checks.totals import (
    check_category_points, check_score_range, check_score_total, check_weight_total,
)
from docextract.checks.year import check_document_years, check_year
from docextract.model import Finding, FormRecord

__all__ = ["CHECKS", "DOCUMENT_CHECKS", "NUMBER_CHECKS", "TEXT_CHECKS", "Rules", "check_document", "check_record",
           "default_rules"]

CHECKS = (
    check_precision, check_short_decimals, check_weight_total, check_score_total, check_score_range, check_category_points,
    check_execution_rate, check_mixed_rounding, check_budget_score, check_subrows, check_over_budget,
    check_subrow_score, check_funding_blanks, check_amount_scale, check_year,
    check_grade, check_score_scale, check_weight_split, check_required, check_label_values, check_deviation,
    check_alignment, check_categories, check_values,
)
# checks of where texts landed: no edit of a number clears their findings (repair looks past them)
TEXT_CHECKS = (check_alignment, check_categories, check_values)
# ... nor should one clear a lost digit: '79.30' read '79.3' has a unique "repair" to 79.31
NUMBER_CHECKS = tuple(check for check in CHECKS if check not in (*TEXT_CHECKS, check_short_decimals))
DOCUMENT_CHECKS = ("year_document",)  # set by check_document only; check_record keeps them


def _status(findings: list[Finding]) -> str:
    return "flagged" if any(finding.severity == "error" for finding in findings) else "verified"


def check_record(record: FormRecord, rules: Rules | None = None) -> FormRecord:
    """A copy of the record with this scorer's findings (replacing any from an earlier run; findings of
    other stages and of `check_document` are kept) and its status."""
    rules = rules or default_rules()
    own = (set(rules.severity) - set(DOCUMENT_CHECKS)) | {"required_field"}
    findings = [finding for finding in record.findings if finding.check not in own]
    for check in CHECKS:
        findings.extend(check(record, rules))
    return record.model_copy(update={"findings": findings, "status": _status(findings)})


def check_document(records: Sequence[FormRecord], rules: Rules | None = None) -> list[FormRecord]:
    """The records of one document, each checked (`check_record`) and then against the others: a copy of
    each with the document findings (replacing any from an earlier run) and its status."""
    rules = rules or default_rules()
    checked = [check_record(record, rules) for record in records]
    extra = check_document_years(checked, rules)
    out = []
    for record, findings in zip(checked, extra):
        kept = [finding for finding in record.findings if finding.check not in DOCUMENT_CHECKS] + findings
        out.append(record.model_copy(update={"findings": kept, "status": _status(kept)}))
    return out
