"""Every bad input becomes one clear error naming the file and the reason; nothing crashes or stops a batch."""

import pytest

from docextract.pipeline import process_document
from fixtures.badinputs import build_bad_inputs


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory):
    return build_bad_inputs(tmp_path_factory.mktemp("bad"))


READ_BY_CONTENT = {"pdf-named.txt"}  # a real form PDF behind a wrong extension: sniffed and read as a PDF


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
