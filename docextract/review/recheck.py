"""A form as the reviewers left it: the extracted record with their corrections, derived again and re-checked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from docextract.checks import check_record
from docextract.model import FormRecord, Repair
from docextract.repair.paths import get_value, with_value
from docextract.taxonomy import align_record
from docextract.values import parse_measure

REVIEW_REASON = "corrected in review"  # the reason of the `repairs` entries this module writes


def corrected_record(original: FormRecord, corrections: Mapping[str, Any], reasons: Mapping[str, str]) -> FormRecord:
    """`original` (the extracted record) with `corrections` (field path -> value) applied, its parsed targets
    and taxonomy alignment derived again and its checks run again. Each field that now differs from the
    extraction gets a `repairs` entry (old = extracted, new = corrected, reason from `reasons`), so the
    record itself says which values a person supplied."""
    record = original
    repairs = [repair for repair in original.repairs if not repair.reason.startswith(REVIEW_REASON)]
    for path, value in corrections.items():
        extracted = get_value(original, path)
        record = with_value(record, path, value)
        if value != extracted:
            repairs.append(Repair(field=path, old=extracted, new=value,
                                  reason=f"{REVIEW_REASON}{': ' + reasons[path] if reasons.get(path) else ''}"))
    indicators = [indicator.model_copy(update={"target_parsed": parse_measure(indicator.target),
                                               "actual_parsed": parse_measure(indicator.actual)})
                  for indicator in record.indicators]
    record = align_record(record.model_copy(update={"indicators": indicators, "repairs": repairs}))
    return check_record(record)
