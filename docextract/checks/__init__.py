"""The deterministic scorer: every arithmetic identity of the form, with rules from a swappable pack.

`check_record` sets `findings` and `status` ("verified" when no finding is an error, else "flagged").
"""

from __future__ import annotations

from docextract.checks.completeness import check_deviation, check_required
from docextract.checks.funding import (
    check_budget_score, check_execution_rate, check_mixed_rounding, check_over_budget, check_subrows,
)
from docextract.checks.grade import check_grade
from docextract.checks.guideline import check_weight_split
from docextract.checks.precision import check_precision
from docextract.checks.rules import Rules, default_rules
from docextract.checks.totals import check_score_range, check_score_total, check_weight_total
from docextract.model import FormRecord

__all__ = ["CHECKS", "Rules", "check_record", "default_rules"]

CHECKS = (
    check_precision, check_weight_total, check_score_total, check_score_range,
    check_execution_rate, check_mixed_rounding, check_budget_score, check_subrows, check_over_budget,
    check_grade, check_weight_split, check_required, check_deviation,
)


def check_record(record: FormRecord, rules: Rules | None = None) -> FormRecord:
    """A copy of the record with this scorer's findings (replacing any from an earlier run; findings of
    other stages are kept) and its status."""
    rules = rules or default_rules()
    own = set(rules.severity) | {"required_field"}
    findings = [finding for finding in record.findings if finding.check not in own]
    for check in CHECKS:
        findings.extend(check(record, rules))
    status = "flagged" if any(finding.severity == "error" for finding in findings) else "verified"
    return record.model_copy(update={"findings": findings, "status": status})
