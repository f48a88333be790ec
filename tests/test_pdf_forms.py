"""PDFs end to end: one record per form with the manifest's page range, and the accuracy bar per input kind."""

import json

import pytest

from docextract.evaluation import compare_records, load_gold
from docextract.output import record_json
from docextract.pipeline import process_document

# (pdf, manifest, gold, accuracy bar). The bars hold for whole dev sets (eval/reports/); the hard
# scans' 96 % is met by the set (97.8 %), while this one document, with a seal over its densest page,
# measures 95.0 %: its bar sits just below that so a regression shows
CASES = [
    ("dev-001.digital.pdf", "dev-001.manifest.json", "gold/001.json", 0.995),
    ("dev-001.scan.pdf", "dev-001.manifest.json", "gold/001.json", 0.985),
    ("dev-001-hard.scan.pdf", "dev-001-hard.manifest.json", "gold/001.json", 0.945),
    ("sample.digital.pdf", "sample.manifest.json", "samples/sample.gold.json", 0.995),
]

pytestmark = pytest.mark.slow  # OCR


@pytest.mark.parametrize("pdf, manifest, gold, bar", CASES, ids=[case[0] for case in CASES])
def test_forms_and_pages_match_the_manifest_and_accuracy_holds(fixtures_dir, pdf, manifest, gold, bar):
    samples = fixtures_dir / "samples"
    result = process_document(samples / pdf)
    assert result.error is None, result.error
    expected = json.loads((samples / manifest).read_text(encoding="utf-8"))["outputs"][0]["forms"]
    assert [list(form.pages) for form in result.forms] == [form["pages"] for form in expected]
    scored = compare_records(load_gold(fixtures_dir / gold), [record_json(r) for r in result.forms])
    assert scored.row_recall == 1.0 and scored.extra_rows == 0
    assert scored.accuracy >= bar, [(m.form, m.field, m.gold, m.pred) for m in scored.mismatches]
