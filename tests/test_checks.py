"""The deterministic scorer over the hand-verified gold, on hand-made faults, and under mutation."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest

from docextract.checks import Rules, check_document, check_record, default_rules
from docextract.checks.numbers import dec, printings
from docextract.checks.year import cited_years
from docextract.model import Finding, FormRecord

MUTATIONS = 2000
CATCH_FLOOR = 0.995  # achieved: 100 % of this sample; 99.998 % of all 127,124 single corruptions
# (the escapes: a 年度资金总额 执行率 moved to its other rounding neighbour); blanks and dashes read as
# digits are enumerated exhaustively below (test_every_blanked_number_is_caught, …_dash_read_as_a_digit…)


@pytest.fixture(scope="module")
def gold(gold_dir: Path) -> list[FormRecord]:
    return [FormRecord.model_validate(r) for path in sorted(gold_dir.glob("*.json"))
            for r in json.loads(path.read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def checked(gold) -> dict[str, FormRecord]:
    return {record.id: check_record(record) for record in gold}


def _ids(checked: dict[str, FormRecord], check: str, severity: str | None = None) -> set[str]:
    return {rid for rid, r in checked.items()
            if any(f.check == check and (severity is None or f.severity == severity) for f in r.findings)}


# ---------------------------------------------------------------- gold


def test_gold_findings_per_check(checked):
    """Over the 47 hand-verified forms each check reports exactly this, at its pack severity; the others
    report nothing. (002's 2023 template leaves 实施单位, goals or 执行率 cells blank: info only.)"""
    counts = Counter((f.check, f.severity) for r in checked.values() for f in r.findings)
    assert counts == {("rate_rounding", "info"): 9, ("over_budget", "error"): 2,
                      ("deviation_on_full_score", "info"): 1, ("required_field", "info"): 13}
    assert all(default_rules().severity[check] == severity for check, severity in counts if check != "required_field")
    assert _ids(checked, "required_field") == {f"002-{n:02d}" for n in range(1, 11)}
    assert Counter(r.status for r in checked.values()) == {"verified": 46, "flagged": 1}


def test_only_the_documented_anomaly_is_flagged(checked):
    """002-05 executes 10× its budget (notes: DOCUMENT ANOMALY); every other form's arithmetic holds."""
    assert {rid for rid, r in checked.items() if r.status == "flagged"} == {"002-05"}
    assert {f.cells[0] for f in checked["002-05"].errors()} == {
        "funding.total.executed", "funding.appropriation.executed"}
    assert all(f.check == "over_budget" for f in checked["002-05"].errors())


def test_rates_the_annotators_remarked_on_are_reported(checked, gold):
    """Notes name every printed 执行率 that differs from the half-up rounding of the amounts (truncated in
    the 2024 forms, rounded up in the 2023 ones) and the 1000 % overrun; the scorer reports exactly those."""
    remarked = {r.id for r in gold if r.notes and re.search(r"execution[ _]rate", r.notes)}
    assert remarked == _ids(checked, "rate_rounding", "info") | _ids(checked, "over_budget", "error")
    assert _ids(checked, "rate_rounding") == {"000-01", "000-29", "001-03", "002-03", "002-06", "002-08"}


def test_blank_cells_of_the_gold_are_info(checked):
    blanks = {(rid, f.cells[0]) for rid, r in checked.items() for f in r.findings if f.check == "required_field"}
    assert ("002-01", "implementing_unit") in blanks and ("002-09", "goal_expected") in blanks
    assert {f.severity for r in checked.values() for f in r.findings if f.check == "required_field"} == {"info"}
    assert not _ids(checked, "weight_split") and not _ids(checked, "deviation_missing")


def test_full_marks_with_a_deviation_reason_is_noted(checked):
    """002-03 notes: 工作人员配备数量 scores 10/10 yet its deviation says the target was not met."""
    assert _ids(checked, "deviation_on_full_score", "info") == {"002-03"}


# ---------------------------------------------------------------- hand-made faults


@pytest.fixture()
def clean(gold) -> FormRecord:
    return next(r for r in gold if r.id == "000-01").model_copy(deep=True)


def _errors(record: FormRecord) -> set[str]:
    return {f.check for f in check_record(record).errors()}


def test_clean_record_verifies(clean):
    assert check_record(clean).status == "verified"


def test_grade_must_match_the_band(clean):
    clean.grade = "良"
    assert _errors(clean) == {"grade"}
    clean.grade = "优秀"
    assert _errors(clean) == set()


def test_sub_rows_must_add_up(clean):
    clean.funding.carryover.initial_budget = 3.0
    finding = next(f for f in check_record(clean).findings if f.check == "funding_subrows")
    assert "年初预算数" in finding.message and "funding.total.initial_budget" in finding.cells


def test_rate_against_a_zero_budget_must_be_zero(clean):
    clean.funding.other.execution_rate = 5.0
    assert _errors(clean) == {"execution_rate"}


def test_budget_score_is_capped_at_full_marks(clean):
    clean.funding.total.score = 11.0
    clean.total_score = 101.0
    assert "budget_score" in _errors(clean) and "score_range" in _errors(clean)


def test_blank_indicator_score_counts_as_zero(clean):
    clean.indicators[0].score = None
    assert {(f.check, f.cells[0]) for f in check_record(clean).errors()} == {
        ("score_total", "total_score"), ("required_field", "indicators[0].score")}


def test_a_record_whose_totals_are_blank_is_not_verified():
    """Nothing to add up is nothing verified."""
    empty = check_record(FormRecord())
    assert empty.status == "flagged"
    assert {f.cells[0] for f in empty.errors()} >= {"total_score", "total_weight", "indicators"}


def test_a_category_under_another_level1_is_a_misplaced_cell(clean):
    row = next(i for i in clean.indicators if i.level1 == "产出指标")
    row.level2 = "经济效益"  # the short form of a 效益指标 category, read into an 产出指标 row
    assert _errors(clean) == {"placement"}


def test_lost_points_need_a_deviation_reason(clean):
    clean.indicators[0].score -= 1
    clean.total_score -= 1
    assert [f.check for f in check_record(clean).findings if f.severity == "warning"] == ["deviation_missing"]


def test_weight_split_is_a_warning(clean):
    for field in ("weight", "score"):  # 5 points move from 产出 to 效益 (35 + 成本 10 vs 35): every sum holds
        setattr(clean.indicators[4], field, getattr(clean.indicators[4], field) - 5)
        setattr(clean.indicators[6], field, getattr(clean.indicators[6], field) + 5)
    checked = check_record(clean)
    assert checked.status == "verified" and "weight_split" in {f.check for f in checked.findings}


def test_foreign_findings_survive_and_reruns_do_not_duplicate(clean):
    clean.findings = [Finding(check="mapper_unplaced", severity="warning", message="stray cell")]
    twice = check_record(check_record(clean))
    assert [f.check for f in twice.findings].count("mapper_unplaced") == 1
    assert len(twice.findings) == len(check_record(clean).findings)


def test_rules_pack_is_swappable(clean):
    strict = default_rules().model_copy(update={"rounding_modes": ["half_up"]})
    assert {f.check for f in check_record(clean, strict).errors()} == {"execution_rate"}
    assert Rules.load().grade_for(89.99) == "良"


# ---------------------------------------------------------------- the form's grammar: holes scans found
# Each case is a silent error the evaluation found on a scan (verified, a number differing from gold),
# rebuilt on the gold record of that form.


def _form(gold: list[FormRecord], rid: str) -> FormRecord:
    return next(r for r in gold if r.id == rid).model_copy(deep=True)


def _error_cells(record: FormRecord) -> set[tuple[str, str]]:
    return {(f.check, cell) for f in check_record(record).errors() for cell in f.cells}


def test_a_number_on_a_subrow_score_cell_is_a_misread_dash(gold):
    """002-02 (hard scan): the '-' in 其他资金 分值 read as 4; JPEG-10: 当年财政拨款 分值/得分 read as 1."""
    record = _form(gold, "002-02")
    record.funding.other.weight = 4.0
    assert _error_cells(record) == {("subrow_score", "funding.other.weight")}
    record = _form(gold, "000-01")
    record.funding.appropriation.weight = record.funding.appropriation.score = 1.0
    assert _error_cells(record) == {
        ("subrow_score", "funding.appropriation.weight"), ("subrow_score", "funding.appropriation.score")}


@pytest.mark.parametrize(("rid", "path"), [
    ("000-13", "funding.other.annual_budget"),  # dev scan: a row printing 0.00s but no budget
    ("000-21", "funding.other.execution_rate"),  # dev scan: 其他资金 0.00 % lost, 上年结转资金 prints it
    ("000-14", "funding.other.execution_rate"),  # hard scan
    ("000-08", "funding.carryover.execution_rate"),  # hard scan
    ("000-12", "funding.other.executed"),  # hard scan: a printed rate without its 执行数
    ("002-04", "funding.other.annual_budget"),  # hard scan, 2023 template: 年初 0.00 printed, 全年 blank
    ("002-10", "funding.appropriation.executed"),  # hard scan: a funded sub-row with a blank 执行数
    ("001-02", "funding.appropriation.execution_rate"),  # the funded row lacks what the empty rows print
    ("001-02", "funding.total.initial_budget"),  # the total prints what its sub-rows print
    ("002-03", "funding.appropriation.initial_budget"),  # 2023: empty sub-rows print alike
    ("002-09", "funding.appropriation.executed"),  # 2023: nothing spent of 396,000 is printed 0, not blank
])
def test_a_printed_zero_read_as_blank_is_caught(gold, rid, path):
    """A blank counts as 0 in every identity, so only the form's layout shows the 0.00 that was lost."""
    record = _form(gold, rid)
    assert getattr(*_owner(record, path)) is not None
    setattr(*_owner(record, path), None)
    assert _error_cells(record) == {("funding_blank", path)}


def test_the_2023_template_leaves_empty_rows_blank_alike(gold):
    """2023 forms print no 执行数/执行率 on sub-rows without a budget, nor 执行率 on any sub-row: consistent,
    so verified. A 0 in one such row but not in its twin is a stray mark or a misread (JPEG-10 read a '0'
    rate into an empty 上年结转资金 cell), so it is caught, and so is a rate on one sub-row only."""
    record = _form(gold, "002-01")
    assert (record.funding.carryover.executed, record.funding.appropriation.execution_rate) == (None, None)
    assert check_record(record).status == "verified"
    record.funding.carryover.executed = 0.0
    assert _error_cells(record) == {("funding_blank", "funding.other.executed")}
    record = _form(gold, "002-01")
    record.funding.carryover.execution_rate = 0.0
    assert {check for check, _ in _error_cells(record)} == {"funding_blank"}


def test_a_breakdown_that_was_not_read_is_caught(gold):
    record = _form(gold, "002-01")
    for name in ("appropriation", "carryover", "other"):
        setattr(record.funding, name, type(record.funding.total)())
    assert {check for check, _ in _error_cells(record)} == {"funding_blank"}


def test_a_thousands_comma_read_as_a_point_is_caught(gold):
    """002-10 (hard scan): '145,080' read as 145.08 in both 年初预算数 cells: the sub-row sum still holds and
    the rate (0 executed) says nothing, but 年初 and 全年预算数 share their digits 1000× apart."""
    record = _form(gold, "002-10")
    record.funding.total.initial_budget = record.funding.appropriation.initial_budget = 145.08
    assert _error_cells(record) == {
        ("amount_scale", f"funding.{row}.{column}") for row in ("total", "appropriation")
        for column in ("initial_budget", "annual_budget")}


def test_a_round_budget_change_is_not_a_misread(clean):
    for row in (clean.funding.total, clean.funding.appropriation):
        row.initial_budget = 0.9  # 0.90 -> 9.00: one significant digit, a real adjustment is conceivable
    assert check_record(clean).status == "verified"


def test_sub_rows_are_held_to_every_identity(gold):
    """Rate against amounts, spending within the budget and the sums hold on each 其中 row, not only the total."""
    record = _form(gold, "000-01")
    record.funding.appropriation.execution_rate = 97.00
    assert {c for c in _error_cells(record)} >= {("execution_rate", "funding.appropriation.execution_rate")}
    record = _form(gold, "002-03")
    record.funding.other.executed = record.funding.total.executed = 1155600.01
    record.funding.total.execution_rate = 100.0
    assert "over_budget" in {check for check, _ in _error_cells(record)}
    record = _form(gold, "002-03")
    record.funding.other.initial_budget = 1155000.0
    assert _errors(record) == {"funding_subrows"}


@pytest.mark.parametrize(("rid", "year", "errors"), [
    ("000-01", 2074, {"year"}),  # outside the pack's range
    ("000-01", 2824, {"year"}),
    ("000-03", 2021, {"year"}),  # '(2023年结转项目)' cannot be evaluated in 2021
    ("000-07", 2023, {"year"}),  # '宝财行签【2024】239号' is not spent in 2023
    ("000-07", 2027, set()),  # a later form year is normal: the names cite the past
    ("002-09", 2021, set()),  # '2022年分平台…' cites a plain year: a warning only (an event's year?)
    ("000-01", None, {"required_field"}),  # the year files the record: blank is an error
])
def test_the_year_is_plausible_and_agrees_with_the_name(gold, rid, year, errors):
    record = _form(gold, rid)
    record.year = year
    assert _errors(record) == errors
    if rid == "002-09":
        assert [f.check for f in check_record(record).findings if f.severity == "warning"] == ["year_cited"]


def test_a_row_whose_name_went_into_the_row_above_is_flagged(gold):
    """A blurred scan lost the ruling between two rows in the name and category columns: the text went into
    the row above and each row kept its numbers, so every sum holds. A blank 三级指标 or 二级指标 is an error."""
    record = _form(gold, "001-01")
    record.indicators[1].name = f"{record.indicators[1].name}{record.indicators[2].name}"
    record.indicators[2].name = record.indicators[2].level2 = None
    assert _errors(record) == {"required_field"}
    assert {f.cells[0] for f in check_record(record).errors()} == {"indicators[2].name", "indicators[2].level2"}


def test_years_a_name_cites():
    assert cited_years("宝山区电子政务云服务租赁项目（宝财行签[2024]165号）") == ([2024], [])
    assert cited_years("信息化建设(2023年结转项目)") == ([2023], [])
    assert cited_years("2022年城运中心信息化建设项目（宝财行签【2024】239号）") == ([2024], [2022])
    assert cited_years("2023-2025年三年行动计划") == ([], [2023])  # a span cites its start
    assert cited_years("BX21-D-2212345热线大数据智能分析系统项目(资金审批表23002)") == ([], [])
    assert cited_years("宝山社区通4.0项目") == ([], [])


def test_a_form_alone_with_its_year_in_a_document_is_flagged(gold):
    records = [_form(gold, rid) for rid in ("000-01", "000-02", "000-03")]
    records[2].year = 2027
    checked = check_document(records)
    assert [r.status for r in checked] == ["verified", "verified", "flagged"]
    assert [f.check for f in checked[2].errors()] == ["year_document"]
    assert check_record(checked[2]).status == "flagged"  # a re-check keeps the document's finding
    assert [r.status for r in check_document(checked[1:])] == ["verified", "verified"]  # 1 vs 1: no majority
    records[2].year = 2024
    assert [r.status for r in check_document(check_document(records))] == ["verified"] * 3


def test_the_form_is_scored_out_of_100(gold):
    """A 'typical' scan of 002-03 read the row 工作费完成率 with 分值 100; the repair then made 总分 分值 180
    so that the 分值 add up. The grade bands are points out of 100, so 180 is a misread, not a scale."""
    record = _form(gold, "002-03")
    record.indicators[2].weight, record.total_weight = 100.0, 180.0
    assert _errors(record) == {"score_scale"}


def test_a_header_read_as_an_indicator_name_is_caught(gold):
    """The same scan named the 002-07 row 热线工单受理及时率… '绩效指标' (the section label): not the printed row."""
    record = _form(gold, "002-07")
    record.indicators[3].name = "绩效指标"
    assert _error_cells(record) == {("label_as_value", "indicators[3].name")}
    record.indicators[3].name = "三级 指标"
    assert _errors(record) == {"label_as_value"}


def test_every_blanked_number_is_caught(clean_gold):
    """Every printed number of every clean gold form read as blank (a lost cell, 0.00 taken for empty)."""
    escapes = []
    for record in clean_gold:
        for path in [*numeric_paths(record), "year"]:
            mutant = record.model_copy(deep=True)
            setattr(*_owner(mutant, path), None)
            if check_record(mutant).status != "flagged":
                escapes.append((record.id, path))
    assert escapes == []


def test_every_dash_read_as_a_digit_is_caught(clean_gold):
    """Every blank 分值/得分 of a 其中 row read as any digit (a '-' or a speck under JPEG or noise)."""
    escapes = []
    for record in clean_gold:
        for row in ("appropriation", "carryover", "other"):
            for field in ("weight", "score"):
                for digit in range(10):
                    mutant = record.model_copy(deep=True)
                    setattr(getattr(mutant.funding, row), field, float(digit))
                    if check_record(mutant).status != "flagged":
                        escapes.append((record.id, row, field, digit))
    assert escapes == []


# ---------------------------------------------------------------- mutation

ROW_FIELDS = ("initial_budget", "annual_budget", "executed", "weight", "execution_rate", "score")


def numeric_paths(record: FormRecord) -> list[str]:
    paths = [p for p in ("total_weight", "total_score") if getattr(record, p) is not None]
    for row in ("total", "appropriation", "carryover", "other"):
        paths += [f"funding.{row}.{f}" for f in ROW_FIELDS if getattr(getattr(record.funding, row), f) is not None]
    for i, indicator in enumerate(record.indicators):
        paths += [f"indicators[{i}].{f}" for f in ("weight", "score") if getattr(indicator, f) is not None]
    return paths


def _owner(record: FormRecord, path: str) -> tuple[object, str]:
    *parents, field = path.split(".")
    owner: object = record
    for part in parents:
        name, _, index = part.partition("[")
        owner = getattr(owner, name)
        if index:
            owner = owner[int(index.rstrip("]"))]
    return owner, field


def corruptions(printed: str) -> dict[str, list[str]]:
    """Every single OCR-like corruption of a printed number, by kind."""
    digits = [i for i, ch in enumerate(printed) if ch.isdigit()]
    bare, point = printed.replace(".", ""), printed.index(".")
    return {
        "change_digit": [printed[:i] + d + printed[i + 1:] for i in digits for d in "0123456789" if d != printed[i]],
        "drop_point": [bare],
        "move_point": [bare[:j] + "." + bare[j:] for j in range(len(bare) + 1) if j != point],
        "insert_digit": [printed[:i] + d + printed[i:] for i in range(len(printed) + 1) for d in "0123456789"],
        "delete_digit": [printed[:i] + printed[i + 1:] for i in digits],
    }


def mutate(record: FormRecord, path: str, text: str) -> dict | None:
    """The checked mutant, or None when the corruption leaves the value unchanged ('10.00' -> '10.0')."""
    original, value = getattr(*_owner(record, path)), float(text)
    if value == original:
        return None
    mutant = record.model_copy(deep=True)
    setattr(*_owner(mutant, path), value)
    return {"id": record.id, "path": path, "old": original, "new": value,
            "caught": check_record(mutant).status == "flagged"}


def run_mutations(records: list[FormRecord], n: int, seed: int) -> list[dict]:
    """n random corruptions: a (record, numeric field) pair, then a kind, then one corruption of that kind."""
    rng = random.Random(seed)
    targets = [(record, path) for record in records for path in numeric_paths(record)]
    results = []
    while len(results) < n:
        record, path = rng.choice(targets)
        options = corruptions(f"{getattr(*_owner(record, path)):.2f}")
        kind = rng.choice(list(options))
        if result := mutate(record, path, rng.choice(options[kind])):
            results.append(result | {"kind": kind})
    return results


def _field_class(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)


def _report(title: str, results: list[dict]) -> list[dict]:
    escapes = [r for r in results if not r["caught"]]
    caught = len(results) - len(escapes)
    print(f"\n{title}: {len(results)} mutants, caught as error: {caught} ({caught / len(results):.3%})")
    tried = Counter(_field_class(r["path"]) for r in results)
    for field, n in sorted(Counter(_field_class(r["path"]) for r in escapes).items()):
        print(f"  escaped {field}: {n}/{tried[field]}")
    for r in escapes:
        print(f"    {r['id']} {r['path']}: {r['old']} -> {r['new']}")
    return escapes


@pytest.fixture(scope="module")
def clean_gold(gold, checked) -> list[FormRecord]:
    return [r for r in gold if checked[r.id].status == "verified"]


def test_random_corruptions_are_caught(clean_gold):
    results = run_mutations(clean_gold, MUTATIONS, seed=20240601)
    print("\n  by kind (kind, caught):", dict(Counter((r["kind"], r["caught"]) for r in results)))
    escapes = _report(f"random corruptions of {len(clean_gold)} clean gold records", results)
    assert len(results) >= 1000
    assert 1 - len(escapes) / len(results) >= CATCH_FLOOR
    assert all(r["path"].endswith("execution_rate") for r in escapes)


@pytest.mark.slow  # every corruption of every rate (7 CPU-s)
def test_every_corruption_of_a_rate_is_caught_unless_within_rounding(clean_gold):
    """The weakest fields, exhaustively. A rate may honestly print either neighbour of the exact quotient
    (truncated / rounded / rounded up), so moving it to the other neighbour is invisible on a form with a
    single printed rate; where a sub-row prints the same rate, mixing rounding directions is caught."""
    results = []
    for record in clean_gold:
        for path in (p for p in numeric_paths(record) if p.endswith("execution_rate")):
            texts = corruptions(f"{getattr(*_owner(record, path)):.2f}").values()
            values = sorted({float(text) for kind in texts for text in kind})  # '79.30' and '79.3' are one mutant
            results += filter(None, (mutate(record, path, repr(value)) for value in values))
    escapes = _report("every corruption of every printed 执行率", results)
    for r in escapes:
        funding = next(g for g in clean_gold if g.id == r["id"]).funding
        assert r["path"] == "funding.total.execution_rate"
        assert all(row.execution_rate is None for row in (funding.appropriation, funding.carryover, funding.other))
        exact = dec(funding.total.executed) / dec(funding.total.annual_budget) * 100
        assert dec(r["new"]) in printings(exact, default_rules()).values()


def _printed_with(record: FormRecord, decimals: int) -> FormRecord:
    """The record as if each of its rates, 分值 and 得分 had been printed with `decimals` decimals."""
    paths = [f"funding.{row}.{field}" for row in ("total", "appropriation", "carryover", "other")
             for field in ("execution_rate", "weight", "score")]
    paths += [f"indicators[{i}].{field}" for i in range(len(record.indicators)) for field in ("weight", "score")]
    return record.model_copy(update={"printed_decimals": dict.fromkeys(paths, decimals)})


def test_a_rate_printed_short_of_the_forms_decimals_lost_a_digit(gold):
    """'79.31' read '79.3' (a lost last digit) still passes for 916,392.88/1,155,600.00 = 79.3002 %; only
    the form's precision tells. A rate that is the quotient exactly (100 of all spent, 0 of nothing) is
    printed short on purpose, as is a form printing one decimal throughout; and no repair guesses the lost
    digit ('79.30' read '79.3' has a unique "repair" to 79.31)."""
    from docextract.repair import repair_record

    record = _printed_with(next(r for r in gold if r.funding.total.execution_rate not in (0, 100)), 2)
    total = record.funding.total
    short = round(total.execution_rate, 1)
    assert short != total.execution_rate  # the gold rate has a second decimal to lose
    record.funding.total = total.model_copy(update={"execution_rate": short})
    record.printed_decimals["funding.total.execution_rate"] = 1
    checked = check_record(record)
    assert "short_decimals" in _errors(record)
    assert repair_record(checked).funding.total.execution_rate == short
    assert "short_decimals" not in _errors(_printed_with(record, 1))  # a form printing one decimal throughout
    exact = _printed_with(next(r for r in gold if r.funding.total.execution_rate == 100), 2)
    exact.printed_decimals["funding.total.execution_rate"] = 1
    assert "short_decimals" not in _errors(exact)
