"""Every bad input becomes one clear error naming the file and the reason; nothing crashes or stops a batch."""

import fitz
import pytest

from docextract.pipeline import process_document
from fixtures.badinputs import A4, build_bad_inputs, formless_page_image, with_page_inserted


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory):
    return build_bad_inputs(tmp_path_factory.mktemp("bad"))


READ_BY_CONTENT = {"pdf-named.txt"}  # a real form PDF behind a wrong extension: sniffed and read as a PDF

pytestmark = pytest.mark.slow  # OCR of noise and seal pages, image inputs


def test_a_wrong_extension_is_read_by_content(bad_inputs):
    bad = next(b for b in bad_inputs if b.path.name in READ_BY_CONTENT)
    result = process_document(bad.path)
    assert result.error is None and result.kind == "digital"
    assert len(result.forms) == 2


def test_every_bad_input_yields_a_clear_error(bad_inputs):
    for bad in bad_inputs:
        if bad.path.name in READ_BY_CONTENT:
            continue
        result = process_document(bad.path)
        assert result.error is not None, f"{bad.path.name}: expected an error ({bad.expected})"
        assert not result.forms
        message = str(result.error)
        assert bad.path.name in message
        assert "internal error" not in message, message
        assert "\n" not in message


@pytest.mark.parametrize("name, words", [
    ("encrypted.pdf", ("encrypt", "password")),
    ("huge.png", ("pixels", "large")),
    ("empty.pdf", ("empty",)),
    ("binary.txt", ("binary", "not a PDF")),
])
def test_reasons_say_what_is_wrong(bad_inputs, name, words):
    bad = next(b for b in bad_inputs if b.path.name == name)
    reason = process_document(bad.path).error.reason.lower()
    assert any(w.lower() in reason for w in words), reason


def test_a_bad_input_does_not_cost_the_good_one(bad_inputs, fixtures_dir):
    good = fixtures_dir / "samples" / "sample.digital.pdf"
    results = [process_document(p) for p in [bad_inputs[0].path, good, bad_inputs[1].path]]
    assert results[0].error and results[2].error
    assert len(results[1].forms) == 3


# ---------------------------------------------------------------- pages that hold no form


@pytest.fixture(scope="module")
def sample_forms(fixtures_dir):
    result = process_document(fixtures_dir / "samples" / "sample.digital.pdf")
    assert result.error is None and len(result.forms) == 3
    return result.forms


def _contract(record):
    return record.model_dump(include={"year", "project_name", "funding", "indicators", "total_weight",
                                      "total_score", "grade"})


BLANK = "blank page (no table, no text)"


@pytest.mark.parametrize("kind, at, reason", [("blank", 4, BLANK), ("blank", 0, BLANK), ("noise", 3, BLANK),
                                              ("seal", 1, BLANK)])
def test_a_formless_page_costs_only_itself(tmp_path, fixtures_dir, sample_forms, kind, at, reason):
    """A blank, noisy or seal-only page anywhere (page 4 continues form 001-03 of page 3) loses no form:
    every form comes out as from the pristine file, and one line names the page (a red seal removed
    leaves a blank page)."""
    pdf = with_page_inserted(fixtures_dir / "samples" / "sample.digital.pdf", tmp_path / f"{kind}.pdf", kind, at)
    result = process_document(pdf)
    assert result.error is None, result.error
    assert [_contract(r) for r in result.forms] == [_contract(r) for r in sample_forms]
    assert [r.status for r in result.forms] == [r.status for r in sample_forms]
    assert result.warnings == [f"page {at + 1} skipped: {reason}"]


@pytest.mark.parametrize("kind", ["white", "noise", "seal"])
def test_a_formless_image_alone_is_no_form(tmp_path, kind):
    path = tmp_path / f"{kind}.png"
    path.write_bytes(formless_page_image(kind))
    reason = process_document(path).error.reason
    assert reason.startswith("no 财政项目支出绩效自评表 found"), reason
    assert "internal error" not in reason


def test_many_blank_pages_are_one_line(tmp_path):
    doc = fitz.open()
    for _ in range(300):
        doc.new_page(width=A4[0], height=A4[1])
    doc.save(tmp_path / "blank300.pdf")
    result = process_document(tmp_path / "blank300.pdf")
    assert result.error.reason == f"no 财政项目支出绩效自评表 found; pages 1-300 skipped: {BLANK}"
