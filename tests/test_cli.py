"""The command line as a user runs it: real files in, records or one-line errors out."""

import csv
import json
import os
import re
import subprocess
import sys

import pytest

CONTRACT_FIELDS = {
    "year", "project_name", "department", "implementing_unit", "funding_unit", "funding", "goal_expected",
    "goal_actual", "indicators", "total_weight", "total_score", "grade", "notes",
}
INDICATOR_FIELDS = {"level1", "level2", "name", "target", "actual", "weight", "score", "deviation"}

pytestmark = pytest.mark.slow  # subprocesses


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "240"}  # a wide terminal, so table cells are not wrapped
    return subprocess.run([sys.executable, "-m", "docextract.cli", *args], capture_output=True, text=True,
                          timeout=600, env=env)


def test_extract_seeds_writes_one_record_per_form(seed_paths):
    done = run_cli("extract", *map(str, seed_paths), "--json")
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert len(records) == 47
    for record in records:
        assert CONTRACT_FIELDS <= record.keys()
        assert set(record["funding"]) == {"total", "appropriation", "carryover", "other"}
        assert all(INDICATOR_FIELDS <= row.keys() for row in record["indicators"])
        assert record["status"] in {"verified", "flagged"}


def test_bad_file_is_named_and_the_others_still_processed(tmp_path, seed_paths):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    done = run_cli("extract", str(broken), str(seed_paths[1]), "--jsonl")
    assert done.returncode == 1
    error_lines = [line for line in done.stderr.splitlines() if "broken.pdf" in line]
    assert len(error_lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stdout.splitlines()) == 3  # the seed's three forms


def test_table_output_names_project_and_status(seed_paths):
    done = run_cli("extract", str(seed_paths[1]))
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if "001-0" in line]  # the seed's three forms, all verified
    assert len(rows) == 3 and "其他专项工作经费" in rows[0]
    assert all("verified" in row and "flagged" not in row for row in rows)


def test_csv_has_one_row_per_form(seed_paths, tmp_path):
    out = tmp_path / "forms.csv"
    done = run_cli("extract", str(seed_paths[2]), "--csv", "-o", str(out))
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 10
    assert {row["funding_unit"] for row in rows} == {"元"}


def test_eval_meets_the_accuracy_bar_on_the_seeds(gold_dir, seed_paths):
    done = run_cli("eval", str(gold_dir), *map(str, seed_paths), "--min-accuracy", "0.995")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "field accuracy" in done.stdout


def test_bench_prints_a_figure_per_input_kind(seed_paths):
    samples = "fixtures/samples"
    done = run_cli("bench", "--text", str(seed_paths[2]), "--digital", f"{samples}/sample.digital.pdf",
                   "--scanned", f"{samples}/dev-002-hard-p2.scan.pdf", "--repeat", "2")
    assert done.returncode == 0, done.stderr
    rows = {line.split("│")[1].strip(): line for line in done.stdout.splitlines() if line.count("│") >= 4}
    figures = {name: row.split("│")[3] for name, row in rows.items()}
    assert re.search(r"\b\d+ forms/s median pass", figures["1 text exports × 2"])
    assert re.search(r"\b\d+\.\d pages/s median pass", figures["1 born-digital PDFs × 2"])
    assert re.search(r"\b\d+\.\d\d CPU-s/page", figures["1 scanned PDFs at 200 dpi"])
    assert re.search(r"\b\d+ MB", figures["whole run"])


def test_bench_names_an_input_it_cannot_extract(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("not a form\n", encoding="utf-8")
    done = run_cli("bench", "--text", str(note), "--repeat", "1")
    assert done.returncode != 0
    assert "note.txt" in done.stderr and "no 财政项目支出绩效自评表" in done.stderr
