"""Hard scans (150-200 dpi, 1-3 degree skew, heavy noise and JPEG, faded toner, a grey seal over the
table): what the reader and the mapper do about them, first on drawn examples and recognizer outputs
(no OCR), then on three real hard pages with real OCR (about 5 CPU-seconds)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from docextract.evaluation import compare_records
from docextract.grid import estimate_skew, ink_mask, rotate, rotation
from docextract.mapping import map_table
from docextract.model import Cell, CellTable, Row
from docextract.ocr.engine import Reading, Recognized
from docextract.ocr.fixes import snap_label, strip_specks
from docextract.ocr.marks import settle_marks
from docextract.output import record_json
from docextract.pipeline import records_from_table
from docextract.sources.pdf import read_pdf
from docextract.stamp import find_seals, remove_seals, suppress_red
from docextract.values import is_debris, read_number, read_yuan, tidy_measure
from tests.cell_facts import SAMPLES, gold_form

# ---------------------------------------------------------------- deskew


def test_a_shadow_along_the_page_edge_does_not_set_the_skew():
    """A scanner's shadow is one long dark edge, level with the paper, often the strongest line on the
    page; the table's many rulings agree on their own angle."""
    page = np.full((1100, 850), 235, np.uint8)
    for y in range(150, 900, 50):
        cv2.line(page, (80, y), (770, y), 90, 2)
    for x in (80, 300, 520, 770):
        cv2.line(page, (x, 150), (x, 850), 90, 2)
    page = rotate(page, rotation(page.shape, -2.6))
    page[1060:, :] = 40  # the shadow, not turned with the page
    assert abs(estimate_skew(ink_mask(page, 100), 100) - 2.6) < 0.1


# ---------------------------------------------------------------- grey seal


def sealed_digits() -> tuple[np.ndarray, np.ndarray]:
    """A '1' and a '0' in print, with a grey seal's ring multiplied over the '1' (ink on ink)."""
    paper = np.full((400, 400), 232, np.float32)
    print_ = paper.copy()
    cv2.line(print_, (300, 180), (300, 222), 90, 3)  # the '1', where the ring runs nearly upright
    cv2.circle(print_, (330, 201), 12, 90, 3)  # a '0' beside it, clear of the ring
    ring = np.zeros_like(paper)
    cv2.circle(ring, (160, 200), 140, 1.0, 6)
    scan = print_ * (1 - 0.45 * ring)
    scan = cv2.GaussianBlur(scan, (0, 0), 1.0)
    return np.clip(scan, 0, 255).astype(np.uint8), ring > 0


def test_a_grey_seal_ring_is_divided_out_and_the_digit_it_crosses_stays():
    gray, ring = sealed_digits()
    seals = find_seals(gray, ink_mask(gray, 200), 200)
    assert len(seals) == 1
    seal = seals[0]
    assert abs(seal.x - 160) < 3 and abs(seal.y - 200) < 3 and abs(seal.radius - 140) < 3
    clean = remove_seals(gray, seals)
    away = ring.copy()
    away[170:232, 290:312] = False  # ring pixels off the digit
    assert clean[away].mean() > 215  # the ring is gone: paper again
    assert clean[185:218, 299:302].mean() < 170  # the '1' under it is still print
    assert abs(int(clean[201, 330 + 12]) - int(gray[201, 330 + 12])) <= 2  # print away from the ring untouched


def test_a_red_seal_inscription_goes_and_the_print_under_it_stays():
    """Seal ink multiplies what it covers by its colour: its inscription over paper must read as paper
    (the brightest channel alone leaves it a visible grey), black print under it as print."""
    paper = np.full((200, 300), 235, np.float32)
    print_ = paper.copy()
    cv2.line(print_, (150, 40), (150, 160), 60, 4)  # a stroke of print the seal covers
    cv2.line(print_, (260, 40), (260, 160), 60, 4)  # one clear of it
    letters = np.zeros(paper.shape, np.uint8)  # OpenCV 5 draws text on 8-bit images only
    cv2.putText(letters, "SEAL", (20, 120), cv2.FONT_HERSHEY_SIMPLEX, 2.5, 255, 9)  # the inscription
    ink = (letters > 0) * np.float32(0.7)
    colour = np.array([205, 32, 40], np.float32) / 255
    scan = print_[..., None] * (1 - ink[..., None] * (1 - colour))
    scan += np.random.default_rng(0).normal(0, 2, scan.shape)
    gray = suppress_red(np.clip(scan, 0, 255).astype(np.uint8))
    seal = (ink > 0.5) & (print_ > 200)
    assert seal.sum() > 2000 and gray[seal].mean() > 229  # the inscription is paper again
    assert gray[(ink > 0.5) & (print_ < 100)].mean() < 75  # print under the seal stays print
    assert abs(gray[40:160, 259:262].mean() - 60) < 3  # print away from the seal untouched


# ---------------------------------------------------------------- what the recognizer returns


@pytest.mark.parametrize("read, value", [
    ("15,00", 15.0), ("5:00", 5.0), ("365..00", 365.0), ("0.00 .", 0.0), ("0.", 0.0), ("一\n15.00", 15.0),
    ("A\n10.00", 10.0), (".5.00", 5.0), (".15", 15.0), ("'5,00", 5.0), ("10.0Q", 10.0), ("Q.00%", 0.0),
    ("10.00-", 10.0), ("2,936.70", 2936.7), ("1,234", 1234.0),
])
def test_a_number_cell_is_read_through_unambiguous_misreads(read, value):
    assert read_number(read) == value


@pytest.mark.parametrize("read", ["12a", "3>", "V 10 A 10", "10.0U", "1O.00", "一", "—"])
def test_a_number_cell_that_could_be_several_numbers_is_no_number(read):
    assert read_number(read) is None


def test_yuan_have_no_third_decimal():
    assert read_yuan("928.050") == 928050.0 and read_yuan("1,500.000") == 1500000.0
    assert read_yuan(".928.050") == 928050.0
    assert read_yuan("12.50") == 12.5 and read_yuan("0") == 0.0


@pytest.mark.parametrize("read, printed", [
    ("365,00(天)", "365.00(天)"), ("1,00(个)", "1.00(个)"), ("365..00(天)", "365.00(天)"),
    ("≈100.00(%)", "=100.00(%)"), ("≥90.00(5)", "≥90.00(%)"), (".0", "0"), ("0.", "0"),
    ("≥100.00(家)", "≥100.00(家)"), ("达成指标", "达成指标"), ("1,234", "1,234"), ("12:30", "12:30"),
])
def test_measures_get_their_printed_separators_back(read, printed):
    assert tidy_measure(read) == printed


@pytest.mark.parametrize("text, debris", [
    ("A 4", True), ("☆", True), ("上A", True), ("λ A 4", True), ("二", True), ("二一", True),
    ("无", False), ("略", False), ("无。", False), ("—", False), ("0.00", False), ("需进一步提升办事集约化程度", False), ("统一", False),
])
def test_a_reason_cell_of_stray_strokes_is_no_reason(text, debris):
    assert is_debris(text) is debris


@pytest.mark.parametrize("read, label", [
    ("年度资金总制", "年度资金总额"), ("实际完或情况", "实际完成情况"), ("项日资金\n(万元)", "项目资金(万元)"),
    ("其中：当年\n财政技款", "其中当年财政拨款"), ("财政项目支出绩效白评表", "财政项目支出绩效自评表"),
    ("-级\n指标", "一级指标"), ("执行军(%)", "执行率(%)"),
])
def test_a_misread_form_label_gets_its_printed_spelling(read, label):
    assert snap_label(read) == label


@pytest.mark.parametrize("read", [
    "时效指标",  # a category, one character from the heading 绩效指标
    "达成指标", "服务对象满意", "视频便用量", "年度资金总额", "实现", "上海市宝山区数据局", "级指标", "执行",
])
def test_values_categories_and_labels_as_printed_are_left_alone(read):
    assert snap_label(read) is None


def test_a_label_is_not_one_its_row_already_prints():
    assert snap_label("级\n指标", frozenset({"二级指标", "三级指标"})) == "一级指标"


def test_specks_beside_chinese_text_go():
    assert [strip_specks(t) for t in (".实现", "-达成指标", "形成闭环管理.", "·系统稳定", "365.00(天)", "“一网通办”",
                                      "系统经费.。", "1.0。")] == [
        "实现", "达成指标", "形成闭环管理", "系统稳定", "365.00(天)", "“一网通办”", "系统经费。", "1.0。"]


def reading(text: str, alternatives: dict[int, tuple[tuple[str, float], ...]]) -> Recognized:
    chars = tuple(Reading(ch, 0.99 if i not in alternatives else 0.6, alternatives.get(i, ()))
                  for i, ch in enumerate(text))
    return Recognized(text, 0.95, chars)


def test_a_middle_dot_becomes_the_mark_the_recognizer_saw_next():
    blank = np.zeros((30, 400), np.uint8)
    enumeration = reading("项目的进度·任务和推广", {5: (("、", 0.33), ("blank", 0.26))})
    stop = reading("互通互联·提高审计能力", {4: (("。", 0.29), ("，", 0.01))})
    assert settle_marks(enumeration, blank, 25) == "项目的进度、任务和推广"
    assert settle_marks(stop, blank, 25) == "互通互联。提高审计能力"
    assert settle_marks(reading("版本1·2", {}), blank, 25) == "版本1·2"  # not between Chinese characters


def test_a_sentence_keeps_the_full_stop_the_recognizer_nearly_read():
    blank = np.zeros((30, 400), np.uint8)
    sentence = Recognized("提供应用系统运维服务", 0.99, skipped=((10, "。", 0.39),))
    name = Recognized("集中管理", 0.99, skipped=((4, "。", 0.39),))  # too short to be a sentence
    assert settle_marks(sentence, blank, 25) == "提供应用系统运维服务。"
    assert settle_marks(name, blank, 25) == "集中管理"


# ---------------------------------------------------------------- the mapper on OCR'd rows


def test_stray_strokes_in_a_reason_cell_and_misread_measures_in_an_indicator_row():
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    rows = [["财政项目支出绩效自评表"], ["项目名称", "项目"], header,
            ["产出指标", "数量指标", "运行天数", "≥365.00(天)", "365,00(天)", "15,00", "15.00", "A 4"],
            ["产出指标", "质量指标", "系统稳定", "稳定", "达成指标", "一\n10.00", "10.00", "略"]]
    table = CellTable(source="999.pdf", kind="scan", rows=[
        Row(cells=[Cell(id=f"r{r}c{c}", col=c, text=t) for c, t in enumerate(texts)], page=1)
        for r, texts in enumerate(rows)])
    (record,) = map_table(table)
    first, second = record.indicators
    assert (first.actual, first.weight, first.score, first.deviation) == ("365.00(天)", 15.0, 15.0, None)
    assert (second.weight, second.deviation) == (10.0, "略")


def test_headings_and_row_labels_merged_by_a_ruling_too_faint_to_see_keep_their_columns_and_rows():
    """dev-000-hard page 34: the ruling between 年初预算数 and 全年预算数 and the one under 年度资金总额
    are too faint for the grid, so two headings share a cell and two row labels share another."""
    spec = [
        [("财政项目支出绩效自评表", 0, 15, 1)],
        [("项目名称", 0, 3, 1), ("项目", 3, 12, 1)],
        [("项目资金\n(万元)", 0, 2, 5), ("", 2, 2, 1), ("年初预算数全年预算数", 4, 3, 1), ("全年执行数", 7, 2, 1),
         ("分值", 9, 3, 1), ("执行率", 12, 2, 1), ("得分", 14, 1, 1)],
        [("年度资金总额\n其中:当年\n财政拨款", 2, 2, 2), ("0.00", 4, 1, 1), ("23.53", 5, 2, 1), ("23.53", 7, 2, 1),
         ("10.00", 9, 3, 1), ("100.00%", 12, 2, 1), ("10.00", 14, 1, 1)],
        [("0.00", 4, 1, 1), ("23.50", 5, 2, 1), ("23.53", 7, 2, 1), ("", 9, 3, 1), ("100.00%", 12, 2, 1),
         ("", 14, 1, 1)],
        [("上年结转资金", 2, 2, 1), ("0.00", 4, 1, 1), ("0.00", 5, 2, 1), ("0.00", 7, 2, 1), ("", 9, 3, 1),
         ("0.00%", 12, 2, 1), ("", 14, 1, 1)],
    ]
    table = CellTable(source="999.pdf", kind="scan", rows=[
        Row(cells=[Cell(id=f"r{r}c{c}", col=c, colspan=w, rowspan=h, text=t) for t, c, w, h in cells], page=1)
        for r, cells in enumerate(spec)])
    (record,) = map_table(table)
    total, appropriation, carryover = record.funding.total, record.funding.appropriation, record.funding.carryover
    assert (total.initial_budget, total.annual_budget, total.executed, total.weight) == (0.0, 23.53, 23.53, 10.0)
    assert (appropriation.initial_budget, appropriation.annual_budget, appropriation.executed) == (0.0, 23.5, 23.53)
    assert (carryover.annual_budget, carryover.execution_rate) == (0.0, 0.0)


# ---------------------------------------------------------------- real hard pages, real OCR


def score(path, form_id):
    table = read_pdf(path)
    records = [record_json(r) for r in records_from_table(table)]
    result = compare_records([gold_form(form_id)], records)
    return result, records


@pytest.mark.slow  # OCR
def test_a_page_whose_scanner_shadow_set_the_skew_is_read():
    """dev-000-hard page 25: a 3 degree skew and a shadow along the bottom edge that the deskew took for
    the page's level once, leaving no ruling straight enough to find: the form was lost."""
    result, _ = score(SAMPLES / "dev-000-hard-p25.scan.pdf", "000-16")
    assert result.found_forms == 1 and result.row_recall == 1.0
    assert result.accuracy >= 0.95 and result.silent_errors == 0, result.mismatches[:10]


@pytest.mark.slow  # OCR
def test_numbers_under_the_grey_seal_are_read():
    """dev-000-hard page 1: the seal's ring runs through the '1' of several 15.00 and 10.00."""
    table = read_pdf(SAMPLES / "dev-000-hard-p1.scan.pdf")
    records = records_from_table(table)
    gold = gold_form("000-01")["indicators"]
    found = {(i.name, i.weight, i.score) for r in records for i in r.indicators}
    on_page = [(g["name"], g["weight"], g["score"]) for g in gold if (g["name"], g["weight"], g["score"]) in found]
    assert len(on_page) >= 9, found  # page 1 prints ten of the form's eleven rows


@pytest.mark.slow  # OCR
def test_a_faint_page_with_misread_labels_keeps_its_sections():
    """dev-000-hard page 38: faint small print; '执行军()', '年度资金总制', '明目名称', '-级指标' are
    the form's labels read with a character wrong, and the funding block and columns hang on them."""
    result, records = score(SAMPLES / "dev-000-hard-p38.scan.pdf", "000-26")
    (record,) = records
    assert record["funding"]["total"]["annual_budget"] == 40.7
    assert record["funding"]["appropriation"]["execution_rate"] == 100.0
    assert record["project_name"] == "视频平台升级与市平台对接项目"
    assert result.accuracy >= 0.8 and result.silent_errors == 0, result.mismatches[:10]
