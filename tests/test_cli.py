"""The command line as a user runs it: real files in, records or one-line errors out."""

import csv
import json
import os
import re
import subprocess
import sys

import pytest
from rich.cells import cell_len

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


def test_a_newline_in_a_file_name_stays_inside_one_quoted_line(tmp_path, seed_paths):
    seed = tmp_path / "see\nd.txt"
    seed.write_bytes(seed_paths[1].read_bytes())
    broken = tmp_path / "bro\nken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    done = run_cli("extract", str(seed), str(broken))
    assert done.returncode == 1
    shown = str(tmp_path) + "/bro\\nken.pdf"
    assert done.stderr.splitlines() == [f'error "{shown}": corrupt or truncated file: MuPDF cannot open it']
    rows = [line for line in done.stdout.splitlines() if "see" in line or "bro" in line]
    assert len(rows) == 4 and all(line.count('"') == 2 for line in rows), done.stdout  # 3 forms, 1 error
    assert sum('/see\\nd.txt"' in line for line in rows) == 3  # the folder may be elided, not the name


@pytest.mark.parametrize("args, option", [
    (["extract", "--dpi", "0"], "--dpi"),
    (["extract", "--dpi", "-5"], "--dpi"),
    (["extract", "--dpi", "5000"], "--dpi"),
    (["extract", "--threads", "0"], "--threads"),
    (["extract", "--llm-timeout", "0"], "--llm-timeout"),
    (["extract", "--llm-retries", "-1"], "--llm-retries"),
    (["batch", "-o", "out", "--workers", "0"], "--workers"),
    (["batch", "-o", "out", "--time-limit", "-1"], "--time-limit"),
    (["bench", "--repeat", "0"], "--repeat"),
    (["bench", "--threads", "-2"], "--threads"),
    (["serve", "--port", "0"], "--port"),
    (["serve", "--port", "70000"], "--port"),
    (["serve", "--time-limit", "0"], "--time-limit"),
    (["serve", "--max-pages", "0"], "--max-pages"),
    (["review", "out", "--dpi", "10"], "--dpi"),
    (["eval", "gold", "--min-accuracy", "1.5"], "--min-accuracy"),
    (["eval", "gold", "--mismatches", "-1"], "--mismatches"),
    (["eval", "gold", "--dpi", "0"], "--dpi"),
    (["eval", "gate", "--threads", "0"], "--threads"),
    (["eval", "sweep", "--knee", "2"], "--knee"),
    (["eval", "sweep", "--forms", "0"], "--forms"),
])
def test_a_numeric_option_out_of_range_is_a_usage_error(args, option, seed_paths):
    command, *options = args
    files = [str(seed_paths[1])] if command in ("extract", "batch") else []
    done = run_cli(command, *files, *options)
    assert done.returncode == 2, done.stdout + done.stderr
    messages = [line for line in done.stderr.splitlines() if "Invalid value" in line]
    assert len(messages) == 1 and f"'{option}'" in messages[0], done.stderr
    assert "Traceback" not in done.stderr and "OpenCV" not in done.stderr and done.stdout == ""


def test_the_lowest_dpi_allowed_still_finds_the_form_of_a_scan(fixtures_dir):
    done = run_cli("extract", str(fixtures_dir / "samples" / "dev-002-hard-p2.scan.pdf"), "--dpi", "50", "--jsonl")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1


def test_two_output_formats_are_refused_before_any_work(tmp_path, seed_paths):
    out = tmp_path / "out.json"
    done = run_cli("extract", str(seed_paths[1]), "--json", "--csv", "-o", str(out))
    assert done.returncode == 2
    assert "--json / --jsonl / --csv" in done.stderr and "give one of them" in done.stderr
    assert not out.exists() and done.stdout == ""


def test_a_piped_table_at_80_columns_gives_each_path_one_line(tmp_path, seed_paths):
    folder = tmp_path / "an-archive-of-the-finance-bureau" / "2023" / "performance-self-evaluations"
    folder.mkdir(parents=True)
    seed = folder / seed_paths[2].name
    seed.write_bytes(seed_paths[2].read_bytes())
    done = subprocess.run([sys.executable, "-m", "docextract", "extract", str(seed)], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    rows = [line for line in lines if re.search(r"\b002-\d\d\b", line)]
    assert len(rows) == 10  # seed 002 holds ten forms, a line each starting with its path
    assert all(line.split()[0] == seed.name for line in rows), done.stdout
    assert sum(seed.name in line for line in lines) == 10  # no path runs over into another line
