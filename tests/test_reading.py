"""Fields read again from the recognizer's doubts once the mapper knows their column: the k-best
readings of a cell, the measure grammar with the column's shapes, the lexicon for free text, the full
stop of a paragraph, check-driven repair from runner-up numbers; then on a real hard page with real OCR."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from docextract.checks import check_record
from docextract.mapping.forms import split_forms
from docextract.model import Cell, CellTable, Doubt, TextLine
from docextract.ocr.doubts import carry_doubts, merge_readings, raw_doubts
from docextract.ocr.engine import Reading as CharReading
from docextract.ocr.engine import Recognized
from docextract.pipeline import records_from_table
from docextract.reading.candidates import cell_doubts, readings
from docextract.mapping.cells import number_of
from docextract.reading.choose import choose_measure, choose_points, choose_quotes, choose_stop, choose_words
from docextract.reading.grammar import measure_shape
from docextract.reading.lexicon import in_word, segment
from docextract.sources import read_document
from docextract.sources.pdf import read_pdf

ROOT = Path(__file__).resolve().parents[1]
PERCENT = Counter({"number %": 6, "phrase": 4})


def doubt(at: int, *options: tuple[str, float]) -> Doubt:
    return Doubt(at=at, options=options)


# ---------------------------------------------------------------- the recognizer's doubts


def recognized(text: str, doubts: dict[int, tuple[tuple[str, float], ...]], blank: dict[int, float] = {},
               skipped: tuple = ()) -> Recognized:
    chars = tuple(CharReading(ch, doubts[i][0][1] if i in doubts else 0.999,
                              doubts[i][1:] if i in doubts else (), blank.get(i, 0.0)) for i, ch in enumerate(text))
    return Recognized(text, 0.9, chars, skipped)


def test_runner_ups_blanks_and_nearly_read_marks_become_doubts():
    rec = recognized("995", {2: (("5", 0.6), ("%", 0.3), ("3", 0.01))}, blank={0: 0.2},
                     skipped=((3, "。", 0.1),))
    assert raw_doubts(rec) == [doubt(0, ("9", 0.999), ("", 0.2)),
                               doubt(2, ("5", 0.6), ("%", 0.3)),  # 0.01 is no reading offered
                               doubt(3, ("", 0.9), ("。", 0.1))]


def test_doubts_follow_the_text_through_the_ocr_fixes_and_are_dropped_where_a_fix_rewrote_it():
    found = [doubt(0, (".", 0.6), ("", 0.4)), doubt(3, ("0", 0.7), ("8", 0.3))]
    assert carry_doubts(".5.00", found, "5.00") == [doubt(2, ("0", 0.7), ("8", 0.3))]
    moved = carry_doubts("5.00", [doubt(2, ("0", 0.7), ("8", 0.3))], "5.00", offset=6)
    assert moved == [doubt(8, ("0", 0.7), ("8", 0.3))]


def test_a_second_reading_adds_its_characters_as_options_and_keeps_the_first_text():
    first = recognized("清意度", {0: (("清", 0.5), ("河", 0.2))})
    second = recognized("满意度", {0: (("满", 0.7),)})
    merged = merge_readings(first, raw_doubts(first), second)
    assert merged == [doubt(0, ("清", 0.5), ("满", 0.7), ("河", 0.2))]


def test_readings_come_most_likely_first_and_the_text_as_read_leads():
    found = readings("达或指标", [doubt(0, ("达", 0.42), ("法", 0.13)), doubt(1, ("或", 0.94), ("成", 0.48))])
    assert [r.text for r in found[:3]] == ["达或指标", "达成指标", "法或指标"]
    assert found[1].changes == ((1, "或", "成"),) and 0 < found[1].cost < found[2].cost


def test_a_cells_doubts_are_placed_in_its_joined_lines():
    second = TextLine(text="清意", doubts=(doubt(0, ("清", 0.5), ("满", 0.4)),))
    cell = Cell(id="c", col=0, text="服务\n清意", lines=[TextLine(text="服务"), second])
    assert cell_doubts(cell) == [doubt(3, ("清", 0.5), ("满", 0.4))]


# ---------------------------------------------------------------- grammar of targets and actuals


@pytest.mark.parametrize("text, shape", [
    (">=85%", "number %"), ("99.00(%)", "number (%)"), ("≥100.00(家)", "number (unit)"), ("365天", "number unit"),
    ("85", "number alone"), ("达成指标", "phrase"), ("<=概算批复", "phrase"),
    ("达成指标7", None), (">≤85%1", None), ("≥(0.00(2)", None), ("达成指标,", None),
])
def test_measure_shapes(text, shape):
    assert measure_shape(text) == shape


def test_a_percent_read_as_a_digit_is_read_again_where_the_column_prints_percentages():
    choice = choose_measure(">=855", [doubt(4, ("5", 0.82), ("%", 0.14))], PERCENT)
    assert choice is not None and choice.text == ">=85%"
    assert (">=855", 0.0) in choice.considered and "number %" in choice.reason


def test_a_bare_number_stays_where_the_column_prints_bare_numbers():
    assert choose_measure(">=855", [doubt(4, ("5", 0.82), ("%", 0.14))], Counter({"number alone": 6})) is None


def test_no_reading_is_invented_that_the_recognizer_gave_no_mass():
    assert choose_measure(">=855", [doubt(4, ("5", 0.82), ("3", 0.14))], PERCENT) is None


def test_an_ungrammatical_reading_gives_way_to_a_grammatical_one():
    choice = choose_measure("88.00()", [doubt(6, ("", 0.78), ("%", 0.22))], PERCENT)
    assert choice is not None and choice.text == "88.00(%)"


def test_a_score_read_above_its_weight_takes_the_reading_that_keeps_it_within():
    """'4.01' under a weight of '4.00': the recognizer nearly dropped the '1' (real doubts of a hard scan)."""
    score = ("4.01", [doubt(3, ("1", 0.67), ("7", 0.22), ("", 0.05), ("5", 0.03))])
    which, choice = choose_points(score, ("4.00", []), number_of)
    assert (which, choice.text) == (0, "4.0")
    # a weight read short ('1.00' for 10.00) is the cell read again when only its reading fits
    which, choice = choose_points(("10.00", []), ("1.00", [doubt(1, ("", 0.7), ("0", 0.25))]), number_of)
    assert (which, choice.text) == (1, "10.00")


def test_a_score_above_its_weight_stays_when_no_reading_or_two_alike_would_fit():
    assert choose_points(("5.10", [doubt(2, ("1", 0.93), ("4", 0.05))]), ("5.00", []), number_of) is None
    both = choose_points(("3.01", [doubt(3, ("1", 0.6), ("0", 0.3))]),
                         ("3.00", [doubt(0, ("3", 0.6), ("5", 0.3))]), number_of)
    assert both is None  # which of the two cells was misread, the recognizer cannot tell
    assert choose_points(("3.00", []), ("5.00", []), number_of) is None


# ---------------------------------------------------------------- lexicon


def test_the_lexicon_knows_words_and_the_forms_own_vocabulary():
    assert in_word("满意度", 0) and not in_word("清意度", 0)
    assert segment("达成指标")[1] == ["达成指标"]  # a phrase of the form, one word
    assert segment("可持续影\n响指标")[1] == ["可持续影响指标"]  # a cell's line break is inside a word


def test_a_near_tie_is_broken_by_the_lexicon():
    choice = choose_words("清意度", [doubt(0, ("清", 0.48), ("满", 0.47))])
    assert choice is not None and choice.text == "满意度" and "清→满" in choice.reason


def test_a_clear_reading_is_never_overruled_and_a_word_is_never_replaced():
    assert choose_words("清意度", [doubt(0, ("清", 0.97), ("满", 0.03))]) is None  # the document's own typo
    assert choose_words("外网区域", [doubt(1, ("网", 0.5), ("间", 0.45))]) is None  # 外网 is a word


def test_a_name_the_document_prints_again_and_again_is_kept_whatever_the_dictionary_says():
    nearly = [doubt(8, ("局", 0.84), ("网", 0.155))]
    # 数据网 is a dictionary word, 数据局 none
    assert choose_words("上海市宝山区数据局", nearly).text == "上海市宝山区数据网"
    printed = Counter({"据局": 12})
    assert choose_words("上海市宝山区数据局", nearly, printed) is None


def test_quotes_are_set_to_open_and_close_in_turn_where_the_recognizer_hesitated():
    choice = choose_quotes("宝山区“一网通办“政务", [doubt(8, ("“", 0.52), ("”", 0.38))])
    assert choice is not None and choice.text == "宝山区“一网通办”政务"
    assert choose_quotes("宝山区“一网通办“政务", []) is None  # no other reading offered
    assert choose_quotes('宝山区"一网通办"政务', []) is None  # straight quotes: nothing to settle


def test_a_paragraph_gets_back_the_full_stop_the_recognizer_nearly_read():
    nearly = [doubt(10, ("", 0.67), ("·", 0.33))]
    choice = choose_stop("打造信息化智能化社区", nearly, closed=2, open_=0)
    assert choice is not None and choice.text == "打造信息化智能化社区。"
    assert choose_stop("打造信息化智能化社区", nearly, closed=0, open_=2) is None
    assert choose_stop("打造信息化智能化社区", [], closed=2, open_=0) is None


# ---------------------------------------------------------------- fields of a record, and repair


@pytest.fixture(scope="module")
def seed_form() -> CellTable:
    table = read_document(sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))[0])
    return table.model_copy(update={"rows": split_forms(table.rows)[0]})


def misread(table: CellTable, cell_id: str, text: str, *doubts: Doubt) -> CellTable:
    """The table with one cell read as `text`, the recognizer having hesitated as `doubts` say."""
    rows = [row.model_copy(update={"cells": [
        c.model_copy(update={"text": text, "lines": [TextLine(text=text, doubts=doubts)]}) if c.id == cell_id else c
        for c in row.cells]}) for row in table.rows]
    return table.model_copy(update={"rows": rows})


@pytest.fixture(scope="module")
def percent_form() -> CellTable:
    """The first form of the seeds whose targets print a bare percent sign ('>=85%')."""
    for path in sorted((ROOT / "fixtures" / "seeds").glob("*.txt")):
        table = read_document(path)
        for rows in split_forms(table.rows):
            form = table.model_copy(update={"rows": rows})
            if any(i.target and i.target.endswith("%") for i in records_from_table(form)[0].indicators):
                return form
    raise AssertionError("no seed form prints a target like '>=85%'")


def test_a_target_is_read_again_and_its_provenance_says_why(percent_form):
    [record] = records_from_table(percent_form)
    n, target = next((n, i.target) for n, i in enumerate(record.indicators) if i.target and i.target.endswith("%"))
    cell_id = record.provenance[f"indicators[{n}].target"].cell
    broken = misread(percent_form, cell_id, target[:-1] + "5", doubt(len(target) - 1, ("5", 0.55), ("%", 0.4)))
    [reread] = records_from_table(broken)
    assert reread.indicators[n].target == target and reread.indicators[n].target_parsed.unit == "%"
    trace = reread.provenance[f"indicators[{n}].target"].reading
    assert trace is not None and trace.read == target[:-1] + "5" and trace.chosen == target


def test_the_recognizers_runner_up_decides_between_explanations(seed_form):
    """0.00 -> 8.00 in 上年结转资金 年初预算数 has two single-edit explanations (test_repair); the
    recognizer's runner-up '0' at that character picks one."""
    [record] = records_from_table(seed_form)
    cell_id = record.provenance["funding.carryover.initial_budget"].cell
    [repaired] = records_from_table(misread(seed_form, cell_id, "8.00", doubt(0, ("8", 0.6), ("0", 0.35))))
    assert repaired.funding.carryover.initial_budget == record.funding.carryover.initial_budget
    assert repaired.status == "verified" and "runner-up" in repaired.repairs[0].reason
    [kept] = records_from_table(misread(seed_form, cell_id, "8.00"))
    assert kept.repairs == [] and kept.status == "flagged"


def test_two_misread_numbers_are_repaired_from_the_recognizers_runner_ups(seed_form):
    [record] = records_from_table(seed_form)
    n = next(n for n, i in enumerate(record.indicators) if i.weight and i.weight == i.score and i.weight >= 10)
    printed = f"{record.indicators[n].weight:.2f}"
    wrong = "3" + printed[1:] if printed[0] != "3" else "8" + printed[1:]
    table = seed_form
    for role in ("weight", "score"):
        table = misread(table, record.provenance[f"indicators[{n}].{role}"].cell, wrong,
                        doubt(0, (wrong[0], 0.6), (printed[0], 0.3)))
    [repaired] = records_from_table(table)
    assert (repaired.indicators[n].weight, repaired.indicators[n].score) == (record.indicators[n].weight,) * 2
    assert repaired.status == "verified" and len(repaired.repairs) == 2
    assert check_record(repaired).status == "verified"


# ---------------------------------------------------------------- real OCR


@pytest.fixture(scope="module")
def hard_page() -> CellTable:
    return read_pdf(ROOT / "fixtures" / "samples" / "dev-002-hard-p2.scan.pdf")


@pytest.mark.slow
def test_real_ocr_keeps_doubts_at_the_characters_they_are_about(hard_page):
    lines = [line for row in hard_page.rows for c in row.cells for line in c.lines if line.doubts]
    assert len(lines) >= 10
    for line in lines:
        for d in line.doubts:
            read = d.options[0][0]
            assert line.text[d.at:d.at + len(read)] == read and len(d.options) >= 2


@pytest.mark.slow
def test_real_ocr_percent_targets_read_by_the_grammar(hard_page):
    records = records_from_table(hard_page)
    targets = [i.target for r in records for i in r.indicators if i.target]
    assert ">=85%" in targets and not any(t.startswith(">=85") and t != ">=85%" for t in targets)
    assert any(p.reading is not None for r in records for p in r.provenance.values())
