"""A record as rows of the normalized tables (`SCHEMA.md`), each row a dict keyed by column name."""

from __future__ import annotations

import json
from collections.abc import Iterator

from docextract.model import FormRecord, Measure
from docextract.model import FUNDING_COLUMNS, FUNDING_ROWS
from docextract.output import record_json


def _measure(prefix: str, measure: Measure | None) -> dict:
    return {f"{prefix}_op": measure and measure.op, f"{prefix}_value": measure and measure.value,
            f"{prefix}_unit": measure and measure.unit}


def form_row(record: FormRecord) -> dict:
    first_page, last_page = record.pages or (None, None)
    return {
        "id": record.id, "year": record.year, "project_name": record.project_name,
        "department": record.department, "implementing_unit": record.implementing_unit,
        "funding_unit": record.funding_unit, "goal_expected": record.goal_expected,
        "goal_actual": record.goal_actual, "total_weight": record.total_weight,
        "total_score": record.total_score, "grade": record.grade, "notes": record.notes,
        "source_kind": record.source_kind, "first_page": first_page, "last_page": last_page,
        "status": record.status, "record": json.dumps(record_json(record), ensure_ascii=False),
    }


def funding_rows(record: FormRecord) -> Iterator[dict]:
    for name in FUNDING_ROWS:
        row = getattr(record.funding, name)
        yield {"row": name, **{column: getattr(row, column) for column in FUNDING_COLUMNS}}


def indicator_rows(record: FormRecord) -> Iterator[dict]:
    for index, ind in enumerate(record.indicators):
        yield {
            "indicator_index": index, "level1": ind.level1, "level2": ind.level2, "name": ind.name,
            "target": ind.target, "actual": ind.actual, "weight": ind.weight, "score": ind.score,
            "deviation": ind.deviation, **_measure("target", ind.target_parsed),
            **_measure("actual", ind.actual_parsed),
            "level1_canonical": ind.level1_match and ind.level1_match.canonical,
            "level2_canonical": ind.level2_match and ind.level2_match.canonical,
            "name_canonical": ind.name_match and ind.name_match.canonical,
        }


def finding_rows(record: FormRecord) -> Iterator[dict]:
    for index, finding in enumerate(record.findings):
        yield {"finding_index": index, "check_name": finding.check, "severity": finding.severity,
               "message": finding.message, "cells": json.dumps(finding.cells, ensure_ascii=False)}


def provenance_rows(record: FormRecord) -> Iterator[dict]:
    for field, prov in record.provenance.items():
        x0, y0, x1, y1 = prov.bbox or (None, None, None, None)
        yield {"field": field, "page": prov.page, "line": prov.line, "x0": x0, "y0": y0, "x1": x1, "y1": y1,
               "confidence": prov.confidence, "cell": prov.cell}


CHILD_ROWS = {"funding": funding_rows, "indicators": indicator_rows, "findings": finding_rows,
              "provenance": provenance_rows}
