"""The rules pack: grade bands, tolerances, expected weight split and severities, loaded from JSON so
another jurisdiction or year swaps the file, not the code."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from docextract.model import Finding, Severity

RoundingMode = Literal["half_up", "truncate", "ceiling"]

DEFAULT_PACK = Path(__file__).resolve().parent.parent / "data" / "rules.json"


class GradeBand(BaseModel):
    grade: str
    min_score: float


class WeightGroup(BaseModel):
    categories: list[str]  # canonical level-1 labels whose 分值 add up to `weight`
    weight: float


class WeightSplit(BaseModel):
    total: float
    budget: float
    level1_groups: list[WeightGroup]


class YearRange(BaseModel):
    min: int
    max: int


class Rules(BaseModel):
    name: str
    decimals: int  # printed precision of rates and the budget score
    rounding_modes: list[RoundingMode]  # ways a printed rate or budget score may round the exact value
    sum_tolerance: float
    execution_rate_cap: float  # the budget score stops growing at this rate (%)
    grade_bands: list[GradeBand]
    weight_split: WeightSplit
    year_range: YearRange  # the years a form of this pack may report on (inclusive)
    alignment_max_cost: float  # a row's alignment cost from which a cell is taken to sit in the wrong column
    amount_scale_min_digits: int  # significant digits from which 年初/全年预算数 a power of ten apart is a misread
    severity: dict[str, Severity]  # check id -> severity of its findings
    required_fields: dict[Severity, list[str]]  # field paths; "indicators[]." applies to every row

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PACK) -> Rules:
        return cls.model_validate_json(Path(path).read_text(encoding="utf-8"))

    def finding(self, check: str, message: str, cells: list[str]) -> Finding:
        return Finding(check=check, severity=self.severity[check], message=message, cells=cells)

    def grade_for(self, score: float) -> str:
        bands = sorted(self.grade_bands, key=lambda band: -band.min_score)
        return next((band.grade for band in bands if score >= band.min_score), bands[-1].grade)


@cache
def default_rules() -> Rules:
    return Rules.load()
