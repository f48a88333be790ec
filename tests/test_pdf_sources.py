"""PDFs and images -> cell table: born-digital pages from their rulings and characters; scanned pages,
images and mixed PDFs through the grid (with a text-free OCR stand-in where only structure matters)."""

from __future__ import annotations

import io

import numpy as np
import pymupdf
import pytest
from PIL import Image

from docextract.ocr import OcrUnavailableError, create_engine
from docextract.sources.errors import UnreadableDocumentError
from docextract.settings import ExtractOptions
from docextract.sources.pdf import read_image, read_pdf
from docextract.values import try_number
from fixtures.scan import PRESETS, render_scan
from tests.cell_facts import SAMPLES, NoText, gold_form, gold_numbers, page_rows, table_structure

DIGITAL = SAMPLES / "dev-001.digital.pdf"
SCAN = SAMPLES / "dev-001.scan.pdf"


@pytest.fixture(scope="module")
def digital():
    return read_pdf(DIGITAL)


def test_every_gold_value_of_the_form_is_a_cell_text(digital):
    form = gold_form("001-01")
    cells = [c for row in page_rows(digital, 1) for c in row.cells]
    numbers = {try_number(c.text) for c in cells} - {None}
    assert [v for v in gold_numbers(form) if v not in numbers] == []
    texts = {c.text.replace("\n", "") for c in cells}
    printed = [ind[k] for ind in form["indicators"] for k in ("level1", "level2", "name", "target", "actual")]
    printed += [form["project_name"], form["department"], form["implementing_unit"], form["goal_expected"]]
    assert [t for t in printed if t not in texts] == []


def test_merged_cells_appear_once_with_their_spans(digital):
    rows = page_rows(digital, 1)
    assert [r.texts() for r in rows[:2]] == [["财政项目支出绩效自评表"], ["（2024年度）"]]

    def cell(text):
        return next(c for r in rows for c in r.cells if c.text.replace("\n", "") == text)

    assert (cell("项目资金(万元)").rowspan, cell("项目资金(万元)").colspan) == (5, 2)
    assert cell("年度总体目标").rowspan == 2
    assert cell("产出指标").rowspan == 3
    assert cell("总分").colspan == 10
    for row in rows:
        cols = [(c.col, c.col_end) for c in row.cells]
        assert cols == sorted(cols) and all(a[1] <= b[0] for a, b in zip(cols, cols[1:]))
    assert max(c.col_end for r in rows for c in r.cells) == 15  # the union of the page's vertical rulings


def test_rows_carry_pages_breaks_ids_and_boxes(digital):
    assert (digital.kind, digital.pages) == ("digital", 4)
    assert [r.page for r in digital.rows] == sorted(r.page for r in digital.rows)
    firsts = {r.page: i for i, r in reversed(list(enumerate(digital.rows)))}
    assert [i for i, r in enumerate(digital.rows) if r.page_break_before] == [firsts[p] for p in (2, 3, 4)]
    for r_index, row in enumerate(page_rows(digital, 2)):
        for cell in row.cells:
            assert cell.id == f"p2r{r_index}c{cell.col}" == cell.prov.cell
            x0, y0, x1, y1 = cell.prov.bbox
            assert 0 <= x0 < x1 <= 595.3 and 0 <= y0 < y1 <= 841.9
            assert cell.prov.confidence is None
            for line in cell.lines:  # each printed line inside its cell
                assert x0 - 1 <= line.bbox[0] and line.bbox[2] <= x1 + 1


def test_a_continued_form_keeps_its_rows_in_order(digital):
    """001-03 runs over pages 3 and 4: page 4 starts without a title, its first row flagged."""
    page4 = page_rows(digital, 4)
    assert page4[0].page_break_before and "财政项目支出绩效自评表" not in page4[0].texts()
    assert page4[-1].texts() == ["评分等级", "优"]


def test_a_mixed_pdf_is_read_page_by_page(tmp_path):
    mixed = pymupdf.open()
    mixed.insert_pdf(pymupdf.open(DIGITAL), from_page=0, to_page=0)
    mixed.insert_pdf(pymupdf.open(SCAN), from_page=0, to_page=0)
    mixed.save(tmp_path / "mixed.pdf")
    table = read_pdf(tmp_path / "mixed.pdf", ocr=NoText())
    assert table.kind == "scan"
    assert page_rows(table, 1)[0].texts() == ["财政项目支出绩效自评表"]  # the text layer, no OCR
    assert table_structure(table, 2) == table_structure(table, 1)


@pytest.mark.slow  # scanned pages rendered and gridded
def test_png_and_multipage_tiff_are_scanned_pages(tmp_path, digital):
    scan = pymupdf.open(SCAN)
    pixmap = pymupdf.Pixmap(scan, scan[0].get_images()[0][0])
    page = Image.open(io.BytesIO(pixmap.tobytes("png")))
    page.save(tmp_path / "page.png", dpi=(200, 200))
    page.save(tmp_path / "pages.tiff", save_all=True, append_images=[page], dpi=(200, 200))

    png = read_image(tmp_path / "page.png", ocr=NoText())
    assert (png.kind, png.pages) == ("scan", 1)
    assert table_structure(png, 1) == table_structure(digital, 1)
    x0, y0, x1, y1 = png.rows[0].cells[0].prov.bbox  # points of a 200-dpi A4 page
    assert x1 <= 596 and y1 <= 842

    tiff = read_image(tmp_path / "pages.tiff", ocr=NoText())
    assert tiff.pages == 2
    assert table_structure(tiff, 2) == table_structure(tiff, 1) == table_structure(digital, 1)
    assert page_rows(tiff, 2)[0].page_break_before


@pytest.mark.slow  # scanned pages rendered and gridded
def test_a_red_seal_over_the_table_leaves_the_grid_alone(tmp_path):
    """The generator's typical scan: colour, 1.5° skew, noise, blur, a red seal across the table."""
    one_page = pymupdf.open()
    one_page.insert_pdf(pymupdf.open(SAMPLES / "sample.digital.pdf"), from_page=0, to_page=0)
    one_page.save(tmp_path / "page.pdf")
    render_scan(tmp_path / "page.pdf", tmp_path / "page.scan.pdf", PRESETS["typical"])
    truth = read_pdf(tmp_path / "page.pdf")
    scanned = read_pdf(tmp_path / "page.scan.pdf", ocr=NoText())
    assert table_structure(scanned, 1) == table_structure(truth, 1)


def test_unreadable_files_say_why(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    with pytest.raises(UnreadableDocumentError):
        read_pdf(tmp_path / "broken.pdf")
    locked = pymupdf.open(DIGITAL).tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    (tmp_path / "locked.pdf").write_bytes(locked)
    with pytest.raises(UnreadableDocumentError, match="password"):
        read_pdf(tmp_path / "locked.pdf")
    Image.fromarray(np.full((3000, 3000), 255, np.uint8)).save(tmp_path / "big.png")
    with pytest.raises(UnreadableDocumentError, match="pixels"):
        read_image(tmp_path / "big.png", ExtractOptions(max_pixels=1_000_000), ocr=NoText())


def test_paddleocr_needs_local_models_and_says_so(tmp_path):
    with pytest.raises(OcrUnavailableError, match="never downloads"):
        create_engine("paddleocr")
    with pytest.raises(OcrUnavailableError, match="no text-recognition model"):
        create_engine("paddleocr", model_dir=str(tmp_path))
    with pytest.raises(OcrUnavailableError, match="unknown OCR engine"):
        create_engine("tesseract")


def _lost_border_page() -> pymupdf.Page:
    """An indicator row above a 总分-like row that merges its first three columns, the ruling between the
    two rows not drawn: the first row's column rulings end in mid-table."""
    doc = pymupdf.open()
    page = doc.new_page(width=300, height=200)
    xs, top, middle, bottom = [10, 60, 110, 160, 210, 260], 10, 50, 70
    page.draw_rect(pymupdf.Rect(xs[0], top, xs[-1], bottom))
    for x in xs[1:-1]:
        page.draw_line((x, top), (x, middle))
    for x in xs[3:-1]:
        page.draw_line((x, middle), (x, bottom))
    for x, text in zip(xs, ("A", "B", "C", "10", "10")):
        page.insert_text((x + 5, 34), text, fontsize=10)
    for x, text in ((15, "Total"), (165, "100"), (215, "100")):
        page.insert_text((x, 64), text, fontsize=10)
    return page


def test_a_row_border_lost_where_the_columns_change_is_told_by_the_rulings_ending_there():
    from docextract.sources.page_rows import page_rows as rows_of
    from docextract.sources.vector import read_vector_page

    rows = rows_of(read_vector_page(_lost_border_page(), 1), "t.pdf")
    assert [[(c.col, c.colspan, c.text) for c in r.cells if c.text] for r in rows] == [
        [(0, 1, "A"), (1, 1, "B"), (2, 1, "C"), (3, 1, "10"), (4, 1, "10")],
        [(0, 3, "Total"), (3, 1, "100"), (4, 1, "100")]]


def test_rulings_ending_on_a_drawn_border_or_alone_imply_no_lost_border():
    from docextract.grid import Segment
    from docextract.sources.vector import lost_row_rulings

    horizontal = [Segment(10, 10, 260), Segment(50, 10, 260), Segment(70, 10, 260)]
    vertical = [Segment(x, 10, 50) for x in (60, 110)] + [Segment(10, 10, 70), Segment(260, 10, 70)]
    assert lost_row_rulings(horizontal, vertical) == []
    lone = [Segment(60, 10, 30), Segment(10, 10, 70), Segment(260, 10, 70)]  # one ruling stops short
    assert lost_row_rulings(horizontal[::2], lone) == []
    two = [Segment(x, 10, 50) for x in (60, 110)] + [Segment(10, 10, 70), Segment(160, 10, 70)]
    assert lost_row_rulings(horizontal[::2], two) == [Segment(50, 10, 160)]


def test_rows_drawn_as_one_are_parted_where_a_number_sits_under_another_line():
    """A header row and two indicator rows drawn without rulings between them (the column rulings run
    through): each bare number begins a row, so the rows come back; a unit under a number and a wrapped
    name stay in their cell."""
    from docextract.sources.page_rows import page_rows as rows_of
    from docextract.sources.vector import read_vector_page

    doc = pymupdf.open()
    page = doc.new_page(width=300, height=200)
    xs, top, bottom = [10, 90, 170, 220, 260], 10, 100
    page.draw_rect(pymupdf.Rect(xs[0], top, xs[-1], bottom))
    for x in xs[1:-1]:
        page.draw_line((x, top), (x, bottom))
    for y, texts in ((24, ("Name", "Target", "Score")), (44, ("Alpha", "365.00", "15.00")),
                     (56, ("", "(days)", "")), (74, ("Beta long", "", "")), (86, ("name", "Good", "10.00"))):
        for x, text in zip(xs[:3:], texts[:2]):
            page.insert_text((x + 4, y), text, fontsize=9)
        page.insert_text((xs[3] + 4, y), texts[2], fontsize=9)
    rows = rows_of(read_vector_page(page, 1), "t.pdf")
    assert [[c.text for c in r.cells if c.text] for r in rows] == [
        ["Name", "Target", "Score"], ["Alpha", "365.00\n(days)", "15.00"], ["Beta long\nname", "Good", "10.00"]]


def test_one_cell_holding_several_numbers_parts_its_grid_row_on_scans_too():
    """The shared row builder (vector and scanned pages): one column's cell printing a number under
    another number begins a row at each, through heights no line of the row crosses; one number under a
    label in one cell alone is no evidence (a header cell may print its unit or a note that way)."""
    from docextract.model import TextLine
    from docextract.sources.page_rows import _lost_rulings

    def line(text, top):
        return TextLine(text=text, bbox=(0, top, 20, top + 8))

    scores = [line("得分", 10), line("2.00", 30), line("3.00", 50)]
    names = [line("三级指标", 10), line("提高资金利用率", 30), line("统筹规划", 46)]
    assert _lost_rulings([names, scores]) == [24.0, 42.0]
    assert _lost_rulings([names, [line("得分", 10), line("2.00", 30)]]) == []


def test_text_drawn_on_across_a_ruling_stays_in_the_cell_it_began_in():
    """A long name overflowing its cell runs over the next column's ruling: the characters drawn on in
    one go belong to the cell their run began in; the next cell's own text, drawn after a gap, stays."""
    from docextract.sources.page_rows import page_rows as rows_of
    from docextract.sources.vector import read_vector_page

    doc = pymupdf.open()
    page = doc.new_page(width=300, height=100)
    xs, top, bottom = [10, 60, 130, 180], 10, 40
    page.draw_rect(pymupdf.Rect(xs[0], top, xs[-1], bottom))
    for x in xs[1:-1]:
        page.draw_line((x, top), (x, bottom))
    for x, text in ((14, "Overflowingname"), (112, "12"), (150, "9")):
        page.insert_text((x, 30), text, fontsize=10)
    rows = rows_of(read_vector_page(page, 1), "t.pdf")
    assert [[c.text for c in r.cells if c.text] for r in rows] == [["Overflowingname", "12", "9"]]
