"""The fixture generator: born-digital text layer, image-only scans, determinism, bad-input corpus."""

from __future__ import annotations

import io
import struct
from dataclasses import replace
from pathlib import Path

import fitz
import numpy as np
import pytest
from PIL import Image

from docextract.model import FormRecord
from fixtures.badinputs import HUGE_SIDE, build_bad_inputs
from fixtures.digital import FONT, measure, paginate, wrap
from fixtures.form_grid import build_grid
from fixtures.generate import PRESETS, STYLES, Degradation, load_records, render_digital, render_images, render_scan
from fixtures.style import LEDGER, format_number

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_GOLD = ROOT / "fixtures" / "samples" / "sample.gold.json"
REPO_GOLD = ROOT / "fixtures" / "gold"  # copies of shared/gold
FAST_SCAN = Degradation(dpi=72, skew=2.0, noise=6, blur=0.6, jpeg=70, fade=0.2, stamp=True, seed=5)


def squash(text: str) -> str:
    return "".join(text.split())


def form_text(doc: fitz.Document, pages: tuple[int, int]) -> str:
    return squash("".join(doc[number - 1].get_text() for number in range(pages[0], pages[1] + 1)))


@pytest.fixture(scope="module")
def records() -> list[FormRecord]:
    return load_records(SAMPLE_GOLD)


@pytest.fixture(scope="module")
def long_record(records) -> FormRecord:
    """001-03 with its indicators repeated: always more than one page."""
    record = records[2]
    return record.model_copy(update={"id": "long", "indicators": record.indicators * 3})


@pytest.fixture(scope="module")
def digital_pdf(records, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("digital") / "sample.digital.pdf"
    render_digital(records, path)
    return path


@pytest.mark.parametrize("style", sorted(STYLES))
def test_digital_text_layer_holds_the_rendered_values(records, style, tmp_path):
    pdf = tmp_path / "forms.pdf"
    manifest = render_digital(records, pdf, style=STYLES[style])
    doc = fitz.open(pdf)
    assert doc.page_count == manifest.page_count
    assert [form.id for form in manifest.forms] == [record.id for record in records]
    for record, form in zip(records, manifest.forms):
        assert squash(doc[form.pages[0] - 1].get_text()).startswith("财政项目支出绩效自评表")
        text = form_text(doc, form.pages)
        for value in (record.project_name, record.department, record.goal_expected, record.goal_actual):
            assert squash(value) in text
        for indicator in record.indicators:
            assert squash(indicator.name) in text and squash(indicator.target) in text
        total = record.funding.total
        for printed in (STYLES[style].money(total.annual_budget), STYLES[style].money(total.executed),
                        STYLES[style].rate(total.execution_rate), STYLES[style].score(record.total_score)):
            assert printed in text


def test_each_form_starts_on_a_new_page(records, long_record, tmp_path):
    manifest = render_digital([records[0], long_record, records[1]], tmp_path / "x.pdf")
    pages = [form.pages for form in manifest.forms]
    assert pages[0] == (1, 1) and pages[1][0] == 2 and pages[1][1] > 2 and pages[2] == (pages[1][1] + 1,) * 2


def test_long_form_breaks_inside_a_merged_category_cell(long_record):
    layout = measure(build_grid(long_record, LEDGER), LEDGER)
    slices = paginate(layout, table_top=100)
    assert len(slices) > 1
    breaks = [piece.rows.start for piece in slices[1:]]
    cut = [c for c in layout.grid.cells if c.col == 0 and any(c.row < b < c.row + c.rowspan for b in breaks)]
    assert cut, "a level-1 category cell spans the page break"
    assert all(piece.header_top is not None for piece in slices[1:]), "ledger repeats the indicator header"


def test_wrapping_keeps_width_words_and_punctuation_rules():
    width, size = 40.0, 8.0
    lines = wrap("受机构改革影响，延期3个月。Windows Server 升级（二期）", width, size)
    assert "".join(lines).replace(" ", "") == "受机构改革影响，延期3个月。WindowsServer升级（二期）"
    assert all(FONT.text_length(line, size) <= width for line in lines)
    assert "Windows" in lines and any(line.startswith("Server") for line in lines)
    assert not any(line[0] in "，。）" or line[-1] == "（" for line in lines)
    assert wrap("", width, size) == [] and wrap("   ", width, size) == []


def test_number_formats_print_the_exact_value():
    assert format_number(2936.7, 2, True) == "2,936.70"
    assert format_number(1830000.0, 2, False) == "1830000.00"
    assert format_number(10.0, 0, False) == "10"
    assert format_number(9.5, 0, False) == "9.5"
    assert format_number(0.125, 2, False) == "0.125"


def test_digital_render_is_deterministic(records, digital_pdf, tmp_path):
    again = tmp_path / "again.pdf"
    render_digital(records, again)
    assert again.read_bytes() == digital_pdf.read_bytes()


def test_committed_sample_matches_the_generator(records, digital_pdf):
    committed = ROOT / "fixtures" / "samples" / "sample.digital.pdf"
    assert committed.stat().st_size < 200_000
    pages = [page.get_text() for page in fitz.open(committed)]
    assert pages == [page.get_text() for page in fitz.open(digital_pdf)], "regenerate: see fixtures/README.md"


@pytest.mark.slow  # scans rendered
def test_scan_is_image_only_with_the_same_pages(digital_pdf, tmp_path):
    scan = tmp_path / "x.scan.pdf"
    applied = render_scan(digital_pdf, scan, FAST_SCAN)
    source, doc = fitz.open(digital_pdf), fitz.open(scan)
    assert doc.page_count == source.page_count == len(applied)
    for page, original in zip(doc, source):
        assert page.get_text().strip() == ""
        assert len(page.get_images()) == 1
        assert page.rect == original.rect
        width = doc.extract_image(page.get_images()[0][0])["width"]
        assert abs(width - original.rect.width * FAST_SCAN.dpi / 72) <= 1
    assert all(abs(noise.angle) <= FAST_SCAN.skew and noise.stamp_box for noise in applied)


@pytest.mark.slow  # scans rendered
def test_scan_is_deterministic_per_seed(digital_pdf, tmp_path):
    first, second, other = tmp_path / "1.pdf", tmp_path / "2.pdf", tmp_path / "3.pdf"
    render_scan(digital_pdf, first, FAST_SCAN)
    render_scan(digital_pdf, second, FAST_SCAN)
    render_scan(digital_pdf, other, replace(FAST_SCAN, seed=FAST_SCAN.seed + 1))
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()


@pytest.mark.slow  # scans rendered
def test_images_are_the_scanned_pages(digital_pdf, tmp_path):
    scan = tmp_path / "x.scan.pdf"
    render_scan(digital_pdf, scan, FAST_SCAN)
    doc = fitz.open(scan)
    jpgs = render_images(digital_pdf, tmp_path / "jpg", FAST_SCAN, fmt="jpg")
    assert [path.read_bytes() for path in jpgs] == [doc.extract_image(p.get_images()[0][0])["image"] for p in doc]
    lossless = replace(FAST_SCAN, jpeg=None)
    pngs = render_images(digital_pdf, tmp_path / "png", lossless, fmt="png")
    tiffs = render_images(digital_pdf, tmp_path / "tiff", lossless, fmt="tiff")
    assert len(pngs) == len(tiffs) == doc.page_count
    for png, tiff in zip(pngs, tiffs):
        assert np.array_equal(np.asarray(Image.open(png)), np.asarray(Image.open(tiff)))


@pytest.mark.slow  # scans rendered
def test_stamp_is_red_and_optional(digital_pdf, tmp_path):
    def red_pixels(degradation: Degradation) -> int:
        path = render_images(digital_pdf, tmp_path / str(degradation.stamp), degradation, fmt="png")[0]
        rgb = np.asarray(Image.open(path).convert("RGB")).astype(int)
        return int(((rgb[..., 0] - rgb[..., 1]) > 60).sum())

    assert red_pixels(replace(FAST_SCAN, jpeg=None)) > 500
    assert red_pixels(replace(FAST_SCAN, jpeg=None, stamp=False)) == 0


@pytest.mark.slow  # scans rendered
def test_hard_preset_is_greyscale(digital_pdf, tmp_path):
    path = render_images(digital_pdf, tmp_path, replace(PRESETS["hard"], dpi=72), fmt="png")[0]
    assert Image.open(path).mode == "L"


@pytest.mark.slow  # a 20000-pixel image, PDFs of every kind
def test_bad_input_corpus_builds_every_case(tmp_path):
    cases = {path.name: (path, expected) for path, expected in build_bad_inputs(tmp_path)}
    assert set(cases) == {
        "corrupt.pdf", "truncated.pdf", "encrypted.pdf", "zero-pages.pdf", "photo.jpg", "huge.png",
        "png-named.pdf", "pdf-named.txt", "empty.pdf", "binary.txt", "not-a-form.txt",
    }
    assert all(path.exists() and expected for path, expected in cases.values())
    assert cases["empty.pdf"][0].stat().st_size == 0
    assert cases["corrupt.pdf"][0].read_bytes().startswith(b"%PDF")
    assert fitz.open(cases["encrypted.pdf"][0]).needs_pass
    assert fitz.open(cases["zero-pages.pdf"][0]).page_count == 0
    assert cases["png-named.pdf"][0].read_bytes().startswith(b"\x89PNG")
    assert cases["pdf-named.txt"][0].read_bytes().startswith(b"%PDF")
    with pytest.raises(UnicodeDecodeError):
        cases["binary.txt"][0].read_bytes().decode("utf-8")
    assert "财政项目支出绩效自评表" not in cases["not-a-form.txt"][0].read_text(encoding="utf-8")
    huge = cases["huge.png"][0]
    assert huge.stat().st_size < 1_000_000
    assert struct.unpack(">II", huge.read_bytes()[16:24]) == (HUGE_SIDE, HUGE_SIDE)
    with pytest.raises(Image.DecompressionBombError):
        Image.open(huge)
    with pytest.raises(fitz.FileDataError):
        fitz.open(cases["corrupt.pdf"][0])
    with Image.open(io.BytesIO(cases["photo.jpg"][0].read_bytes())) as photo:
        assert photo.format == "JPEG"


@pytest.mark.slow  # 47 forms in each style
@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_gold_record_renders(style, tmp_path):
    records = [record for path in sorted(REPO_GOLD.glob("*.json")) for record in load_records(path)]
    manifest = render_digital(records, tmp_path / "all.pdf", style=STYLES[style])
    doc = fitz.open(tmp_path / "all.pdf")
    assert len(manifest.forms) == len(records)
    for record, form in zip(records, manifest.forms):
        assert squash(record.project_name) in form_text(doc, form.pages)
