"""Rulings -> cells (merged cells, strays, skew) on drawn examples, then real scans with real OCR (4 pages):
the grid of a scanned page is the digital page's grid, and the gold values are in its cells."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from docextract.grid import Segment, build_grid, estimate_skew, image_rulings, ink_mask, rotate, rotation
from docextract.sources.pdf import read_pdf
from tests.cell_facts import SAMPLES, gold_form, gold_numbers, page_rows, share_found, table_structure


def h(y, x0, x1):
    return Segment(y, x0, x1)


def v(x, y0, y1):
    return Segment(x, y0, y1)


def spans(grid):
    return [(c.row, c.col, c.rowspan, c.colspan) for c in grid.cells]


def test_a_missing_inner_ruling_merges_cells():
    # 3x3 grid on 0..30; the vertical at x=10 is not drawn in the top row, the horizontal at y=20
    # not under the right column
    horizontal = [h(0, 0, 30), h(10, 0, 30), h(20, 0, 20), h(30, 0, 30)]
    vertical = [v(0, 0, 30), v(10, 10, 30), v(20, 0, 30), v(30, 0, 30)]
    grid = build_grid(horizontal, vertical, snap=1)
    assert (grid.xs, grid.ys) == ((0, 10, 20, 30), (0, 10, 20, 30))
    assert spans(grid) == [(0, 0, 1, 2), (0, 2, 1, 1), (1, 0, 1, 1), (1, 1, 1, 1), (1, 2, 2, 1),
                           (2, 0, 1, 1), (2, 1, 1, 1)]


def test_jitter_snaps_and_strays_stay_out():
    horizontal = [h(0, 0, 30), h(0.4, 0, 12), h(10, 0, 30), h(20.3, 0, 30),
                  h(15, 3, 8),  # a character stroke inside a cell
                  h(-20, 5, 25)]  # an underline above the table
    vertical = [v(0, 0, 20), v(10.2, 0, 20), v(30, 0, 20),
                v(20, 12, 18),  # a stroke touching nothing
                v(5, -25, -15)]
    grid = build_grid(horizontal, vertical, snap=1)
    assert len(grid.xs) == 3 and len(grid.ys) == 3
    assert spans(grid) == [(0, 0, 1, 1), (0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 1, 1)]


def test_no_table_no_grid():
    assert build_grid([h(0, 0, 10)], [v(0, 0, 10)], snap=1) is None


def drawn_table(angle: float) -> np.ndarray:
    page = np.full((1100, 850), 235, np.uint8)
    for y in range(150, 900, 60):
        cv2.line(page, (80, y), (770, y), 40, 2)
    for x in (80, 250, 420, 600, 770):
        cv2.line(page, (x, 150), (x, 870), 40, 2)
    cv2.putText(page, "2936.70", (280, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 40, 2)
    return rotate(page, rotation(page.shape, angle))


@pytest.mark.parametrize("angle", [-2.7, -0.8, 1.4, 3.0])
def test_skew_is_measured_to_a_hundredth_of_its_size(angle):
    page = drawn_table(angle)
    found = estimate_skew(ink_mask(page, 100), 100)
    assert abs(found + angle) < 0.05


def test_a_deskewed_drawing_gives_back_its_grid():
    page = drawn_table(2.0)
    level = rotate(page, rotation(page.shape, estimate_skew(ink_mask(page, 100), 100)))
    grid = build_grid(*image_rulings(level, 100), snap=3)
    assert (grid.columns, grid.rows, len(grid.cells)) == (4, 12, 48)


# ---------------------------------------------------------------- real scans, real OCR


@pytest.fixture(scope="module")
def digital():
    return read_pdf(SAMPLES / "dev-001.digital.pdf")


def one_page(path, page, tmp_path):
    import pymupdf

    out = pymupdf.open()
    out.insert_pdf(pymupdf.open(path), from_page=page - 1, to_page=page - 1)
    target = tmp_path / f"{path.stem}-p{page}.pdf"
    out.save(target)
    return target


@pytest.mark.slow  # OCR
def test_scan_has_the_digital_grid_and_its_values(digital, tmp_path):
    scan = read_pdf(one_page(SAMPLES / "dev-001.scan.pdf", 1, tmp_path))
    assert scan.kind == "scan"
    assert table_structure(scan, 1) == table_structure(digital, 1)
    rows = page_rows(scan, 1)
    assert rows[0].texts() == ["财政项目支出绩效自评表"]
    assert share_found(gold_numbers(gold_form("001-01")), rows) >= 0.95
    confidences = [c.prov.confidence for r in rows for c in r.cells if c.text]
    assert confidences and all(0.5 <= c <= 1 for c in confidences)
    assert all(line.confidence is not None and line.bbox for r in rows for c in r.cells for line in c.lines)


@pytest.mark.slow  # OCR
def test_hard_scan_keeps_the_cell_structure_and_values(digital, tmp_path):
    """150-200 dpi, ~2° skew, blur, noise, faded toner; its own column widths, the same cells."""
    hard = read_pdf(one_page(SAMPLES / "dev-001-hard.scan.pdf", 1, tmp_path))
    cells = [c for row in table_structure(hard, 1) for c in row]
    truth = [c for row in table_structure(digital, 1) for c in row]
    assert len(cells) == len(truth)
    assert sorted(rs for _, _, rs in cells) == sorted(rs for _, _, rs in truth)
    assert share_found(gold_numbers(gold_form("001-01")), page_rows(hard, 1)) >= 0.95


@pytest.mark.slow  # OCR
def test_hard_scan_with_a_seal_beside_the_values(tmp_path):
    hard = read_pdf(SAMPLES / "dev-002-hard-p2.scan.pdf")
    assert share_found(gold_numbers(gold_form("002-02")), hard.rows) >= 0.95


@pytest.mark.slow  # OCR
def test_a_seal_across_the_table_adds_no_ruling():
    """dev-000-hard page 1: the seal's ring crosses three indicator rows; below the indicator header
    no cell may start or end off the header's column boundaries."""
    table = read_pdf(SAMPLES / "dev-000-hard-p1.scan.pdf")
    rows = [row for row in page_rows(table, 1) if len(row.cells) > 1]
    header = next(i for i, row in enumerate(rows) if "三级指标" in row.texts())
    bounds = {c for cell in rows[header].cells for c in (cell.col, cell.col_end)}
    assert len(bounds) == 9
    for row in rows[header + 1:]:
        assert {c for cell in row.cells for c in (cell.col, cell.col_end)} <= bounds, row.texts()


def test_a_grey_seal_is_found_by_its_ring_and_print_is_not():
    import pymupdf

    from docextract.sources.pdf import render
    from docextract.stamp import seal_rings

    def rings(path):
        page = pymupdf.open(path)[0]
        return seal_rings(render(page, 200, 10 ** 8).pixels, 200)

    [(x, y, inner, outer)] = rings(SAMPLES / "dev-000-hard-p1.scan.pdf")
    assert 140 < inner < outer < 200  # a ~40 mm seal at 200 dpi
    assert rings(SAMPLES / "dev-001.scan.pdf") == []
