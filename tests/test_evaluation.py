"""The evaluation harness on gold-vs-gold and synthetic predictions: every figure moves as defined."""

import copy
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docextract.cli import app
from docextract.evaluation import compare_records, gold_for, load_gold, values_equal
from docextract.evaluation.datasets import DatasetError, DocumentCase, load_dataset
from docextract.evaluation.gate import gate_failures, read_baseline, write_baseline
from docextract.evaluation.predictions import PredictionIndex, read_predictions
from docextract.evaluation.run import predicted_run, run_cases
from docextract.evaluation.summary import Evaluation
from docextract.model import FormRecord
from docextract.report import write_report
from docextract.taxonomy import align_record

SUMMARY_KEYS = {"field_accuracy", "row_recall", "row_precision", "silent_errors", "false_alarms", "forms",
                "seconds_per_page", "text_char_accuracy", "taxonomy_accuracy", "per_field", "per_kind", "per_form"}


def predicted(gold: list[dict], status: str = "verified", source: str | None = None) -> list[dict]:
    """Gold forms as the pipeline would write them: aligned to the taxonomy, with a status."""
    records = []
    for form in gold:
        record = align_record(FormRecord.model_validate(form)).model_dump(mode="json")
        record.update(status=status, source=source, source_kind="text")
        records.append(record)
    return records


@pytest.fixture(scope="module")
def gold(gold_dir) -> list[dict]:
    return load_gold(gold_dir / "002.json")  # 10 forms; 002-05 prints an execution rate of 1000 %


def test_gold_against_itself_is_perfect(gold):
    result = compare_records(gold, predicted(gold))
    assert result.accuracy == result.row_recall == result.row_precision == 1.0
    assert result.char_accuracy == result.taxonomy_accuracy == 1.0
    assert result.silent_errors == result.false_alarms == 0
    assert result.found_forms == result.gold_forms == 10


def test_a_wrong_number_on_a_verified_form_is_a_silent_error(gold):
    pred = predicted(gold)
    pred[0]["indicators"][1]["score"] += 1
    pred[1]["funding"]["total"]["executed"] = 0.5
    pred[1]["status"] = "flagged"  # caught: not silent
    result = compare_records(gold, pred)
    assert result.silent_errors == 1
    assert [o.wrong_numbers for o in result.outcomes[:2]] == [["indicators[1].score"], ["funding.total.executed"]]
    assert result.false_alarms == 0


def test_a_wrong_year_is_a_number_too(gold):
    pred = predicted(gold)
    pred[3]["year"] = 2021
    assert compare_records(gold, pred).silent_errors == 1


def test_wrong_text_is_no_silent_error_but_costs_characters(gold):
    pred = predicted(gold)
    pred[2]["goal_expected"] = gold[2]["goal_expected"][:-4]
    result = compare_records(gold, pred)
    assert result.silent_errors == 0
    assert result.accuracy < 1.0
    assert 0.9 < result.per_text_field()["goal_expected"] < 1.0


def test_flagged_form_with_every_number_right_is_a_false_alarm(gold):
    pred = predicted(gold)
    pred[0]["status"] = "flagged"
    pred[4]["status"] = "flagged"  # 002-05: the document itself fails the checks
    result = compare_records(gold, pred)
    assert result.false_alarms == 2
    assert [o.gold_fails_checks for o in result.outcomes if o.false_alarm] == [False, True]
    assert result.summary()["false_alarms_justified"] == 1


def test_dropped_row_costs_recall_and_is_a_silent_error_when_verified(gold):
    pred = predicted(gold)
    del pred[0]["indicators"][2]
    result = compare_records(gold, pred)
    assert result.row_recall == pytest.approx((result.gold_rows - 1) / result.gold_rows)
    assert result.row_precision == 1.0
    assert result.silent_errors == 1
    assert result.outcomes[0].wrong_numbers == ["indicators[2].weight (missed)", "indicators[2].score (missed)"]


def test_extra_row_with_numbers_costs_precision_and_is_a_silent_error(gold):
    pred = predicted(gold)
    pred[0]["indicators"].append({"name": "凭空多出的指标", "weight": 5.0, "score": 5.0})
    result = compare_records(gold, pred)
    assert result.extra_rows == 1 and result.row_precision < 1.0
    assert result.silent_errors == 1


def test_missed_form_and_extra_verified_form(gold):
    pred = predicted(gold)
    extra = copy.deepcopy(pred[0])
    extra.update(project_name="不存在的项目", total_score=1.0)
    result = compare_records(gold, [*pred[1:], extra])
    assert result.found_forms == 9 and result.extra_forms == 1
    assert result.silent_errors == 1  # the extra verified form; the missed one has no status
    assert result.accuracy < 1.0


def test_taxonomy_accuracy_reads_the_canonical_match(gold):
    pred = predicted(gold)
    pred[0]["indicators"][0]["level1_match"]["canonical"] = "效益指标"
    pred[0]["indicators"][1]["level2_match"] = None
    result = compare_records(gold, pred)
    assert result.accuracy == 1.0  # the printed categories are still right
    rows = result.gold_rows
    assert result.per_taxonomy_level() == {"level1": (rows - 1) / rows, "level2": (rows - 1) / rows}


def test_category_confusion_counts_printed_labels(gold):
    pred = predicted(gold)
    pred[0]["indicators"][0]["level1"] = "效益 指标"
    confusion = compare_records(gold, pred).categories
    assert confusion[("level1", gold[0]["indicators"][0]["level1"], "效益指标")] == 1


def test_llm_usage_is_read_from_the_records(gold):
    pred = predicted(gold)
    pred[0]["llm"] = {"calls": 2, "tokens": 900, "cache_hit": False}
    pred[1]["llm"] = {"calls": 1, "tokens": 100}
    result = compare_records(gold, pred)
    assert (result.llm_calls, result.llm_tokens) == (3, 1000)


def test_value_rules():
    assert values_equal(2936.7, "2936.70")
    assert values_equal(None, "")
    assert not values_equal(1.0, 1.01)
    assert values_equal("可持续影响指标", "可持续 影响指标")


def test_gold_for_matches_the_first_three_digits(gold_dir):
    assert gold_for("dev-002-hard.scan.pdf", gold_dir).name == "002.json"
    assert gold_for("sample.digital.pdf", gold_dir) is None


def test_predictions_are_matched_by_source_or_id(tmp_path, gold_dir, gold):
    records = predicted(gold, source="/x/002_export.txt") + predicted(load_gold(gold_dir / "001.json"))
    for record in records[10:]:
        record["source"] = None
    jsonl = tmp_path / "pred.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    as_array = tmp_path / "pred.json"
    as_array.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    assert read_predictions(jsonl) == read_predictions(as_array) == records
    index = PredictionIndex(records)
    assert len(index.for_input(Path("002_export.txt"), gold_dir / "002.json")) == 10
    assert len(index.for_input(Path("dev-001.scan.pdf"), gold_dir / "001.json")) == 3


def test_datasets_resolve_relative_to_their_root(tmp_path, fixtures_dir):
    spec = {"root": str(fixtures_dir), "datasets": {
        "mixed": {"parts": [{"inputs": ["seeds/00[12]_*.txt"], "gold": "gold"},
                            {"inputs": ["samples/sample.*.pdf"], "gold": "samples/sample.gold.json"}]},
        "missing": {"parts": [{"inputs": ["nowhere/*.pdf"], "gold": "gold"}]},
    }}
    path = tmp_path / "datasets.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    cases = load_dataset("mixed", path)
    assert [(c.input.name[:3], c.gold.name) for c in cases] == [
        ("001", "001.json"), ("002", "002.json"), ("sam", "sample.gold.json")]
    with pytest.raises(DatasetError, match="no input matches"):
        load_dataset("missing", path)
    with pytest.raises(DatasetError, match="no dataset"):
        load_dataset("nope", path)


def test_committed_datasets_are_well_formed():
    root = Path(__file__).resolve().parent.parent
    assert len(load_dataset("ci", root / "eval" / "datasets.json")) == 4


def _sample_evaluation(fixtures_dir: Path) -> Evaluation:
    gold_path = fixtures_dir / "samples" / "sample.gold.json"
    pdf = fixtures_dir / "samples" / "sample.digital.pdf"
    pred = predicted(load_gold(gold_path), source=str(pdf))
    pred[0]["indicators"][1]["score"] = 0.5
    pred[0]["provenance"] = {"indicators[1].score": {"page": 1, "bbox": [400.0, 300.0, 460.0, 320.0]}}
    index = PredictionIndex(pred)
    return Evaluation("sample", run_cases([DocumentCase(pdf, gold_path)], lambda c: predicted_run(c, index)))


def test_report_files_and_stable_summary_keys(tmp_path, fixtures_dir):
    written = write_report(_sample_evaluation(fixtures_dir), tmp_path)
    assert {p.name for p in written} >= {"summary.json", "report.md", "report.html", "field_accuracy.png",
                                         "confusion_level1.png"}
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary.keys() >= SUMMARY_KEYS
    assert summary["silent_errors"] == 1 and summary["forms"] == 3
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 4  # 3 plots + the crop of the wrong score
    assert "indicators[1].score" in html
    assert "silent errors" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_cli_scores_predictions_and_writes_the_report(tmp_path, gold_dir, gold):
    pred = predicted(gold, source="002_export.txt")
    pred[6]["total_score"] = 1.0
    path = tmp_path / "pred.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in pred), encoding="utf-8")
    done = CliRunner().invoke(app, ["eval", str(gold_dir), "--pred", str(path), "--report", str(tmp_path / "r"),
                                    "--min-accuracy", "0.9999"])
    assert done.exit_code == 1, done.output  # below --min-accuracy
    assert "silent errors" in done.output
    summary = json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))
    assert summary["silent_errors"] == 1 and summary["documents"] == 1


def test_cli_refuses_a_bad_sweep_axis():
    done = CliRunner().invoke(app, ["eval", "sweep", "--axis", "contrast=1,2"])
    assert done.exit_code == 2
    assert "dpi, skew, blur, noise, jpeg" in done.output


BASELINE = {"field_accuracy": 0.99, "row_recall": 0.98, "row_precision": 0.97, "text_char_accuracy": 0.99,
            "taxonomy_accuracy": 0.99, "silent_errors": 1, "false_alarms": 2, "forms": 50, "gold_rows": 500,
            "fields": 5000}


@pytest.mark.parametrize("change, failure", [
    ({}, None),
    ({"field_accuracy": 0.995, "silent_errors": 0, "false_alarms": 9}, None),  # better; false alarms not gated
    ({"field_accuracy": 0.9899}, "field_accuracy fell"),
    ({"row_recall": 0.97}, "row_recall fell"),
    ({"row_precision": 0.96}, "row_precision fell"),
    ({"silent_errors": 2}, "silent_errors rose"),
    ({"forms": 51}, "dataset changed"),
])
def test_gate_rules(change, failure):
    failures = gate_failures({**BASELINE, **change}, BASELINE)
    if failure is None:
        assert failures == []
    else:
        assert len(failures) == 1 and failure in failures[0]


def test_baseline_round_trip_keeps_other_datasets(tmp_path):
    path = tmp_path / "baseline.json"
    write_baseline(path, "a", {**BASELINE, "per_field": {}})
    write_baseline(path, "b", {**BASELINE, "forms": 3})
    assert read_baseline(path, "a") == BASELINE
    assert read_baseline(path, "b")["forms"] == 3
    assert read_baseline(path, "c") is None


@pytest.mark.slow  # OCR
def test_sweep_scans_drawn_forms_and_finds_the_knee(tmp_path, gold_dir):
    """Real OCR on two small scans: a clean one and one blurred past legibility."""
    done = CliRunner().invoke(app, ["eval", "sweep", "--gold", str(gold_dir / "001.json"), "--forms", "1",
                                    "--axis", "blur=0,3", "--report", str(tmp_path)])
    assert done.exit_code == 0, done.output
    sweep = json.loads((tmp_path / "sweep.json").read_text(encoding="utf-8"))
    clean, blurred = sweep["points"]
    assert clean["field_accuracy"] >= 0.98 > blurred["field_accuracy"]
    assert sweep["knees"] == {"blur": 3.0}
    assert (tmp_path / "sweep_blur.png").exists() and "knee" in (tmp_path / "sweep.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("options", [[], ["--min-accuracy", "0.5"]])
def test_inputs_without_gold_compare_nothing_and_fail(gold_dir, fixtures_dir, options):
    unmatched = fixtures_dir / "samples" / "sample.digital.pdf"  # no 3-digit key: no gold record in gold/
    done = CliRunner().invoke(app, ["eval", str(gold_dir), str(unmatched), *options])
    assert done.exit_code == 1, done.output
    assert "0 fields compared: no input has a gold record" in done.output
    assert "100.00" not in done.output


def test_a_gate_over_empty_gold_fails_and_writes_no_baseline(tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "900.json").write_text("[]", encoding="utf-8")  # a gold file holding no form
    (tmp_path / "900_note.txt").write_text("not a form\n", encoding="utf-8")
    datasets = tmp_path / "datasets.json"
    datasets.write_text(json.dumps({"root": ".", "datasets": {"empty": {"parts": [
        {"inputs": ["900_*.txt"], "gold": "gold"}]}}}), encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    done = CliRunner().invoke(app, ["eval", "gate", "--dataset", "empty", "--datasets", str(datasets),
                                    "--baseline", str(baseline), "--update"])
    assert done.exit_code == 1, done.output
    assert "gate failed empty: 0 fields compared: its gold records hold no form (1 documents)" in done.output
    assert not baseline.exists() and "100.00" not in done.output
