"""Archive batches: inputs collected, duplicates read once, bad files as error rows, resumable, the same
results from any worker count or executor, exports that read back with the database's numbers."""

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import fitz
import openpyxl
import pytest
from rich.console import Console

from batch_corpus import SAMPLE_PDF, build_corpus, stored_results
from fixtures.badinputs import build_bad_inputs
from docextract.batch import BatchOptions, run_batch
from docextract.batch.collect import InputNotFoundError, collect_inputs
from docextract.batch.executors.local_pool import _Worker, run_in_pool
from docextract.batch.plan import plan_jobs
from docextract.model import DocumentResult
from docextract.pipeline import process_document
from docextract.store import StoreError, batch_lock, open_store, save_document
from docextract.store.schema import DATABASE_NAME, SCHEMA_VERSION, UPGRADES, _upgrade

QUIET = Console(file=io.StringIO())

pytestmark = pytest.mark.slow  # worker processes, subprocesses, Ray


def run(inputs, outdir, **options):
    return run_batch([str(i) for i in inputs], outdir, BatchOptions(**options), QUIET)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build_corpus(tmp_path_factory.mktemp("archive"))


@pytest.fixture(scope="module")
def expected(corpus):
    """What the pipeline makes of each distinct document, read directly: the batch must store just that."""
    return {name: process_document(corpus.root / name) for name in corpus.files if name not in corpus.duplicates}


@pytest.fixture(scope="module")
def two_workers(corpus, tmp_path_factory):
    outdir = tmp_path_factory.mktemp("two-workers")
    return outdir, run([corpus.root], outdir, workers=2)


# ---------------------------------------------------------------- collecting and planning


def test_folders_are_searched_by_extension_and_named_files_taken_as_given(corpus, tmp_path):
    odd = tmp_path / "scan.bin"
    odd.write_bytes(b"x")
    files = collect_inputs([str(corpus.root), str(odd)]).files
    sources = [f.source for f in files]
    assert sources == sorted(corpus.files + ["scan.bin"])
    assert "seeds/notes.json" not in sources


def test_a_file_reached_by_several_inputs_is_collected_once_whatever_their_order(corpus):
    inputs = [str(corpus.root), str(corpus.root / "seeds"), f"{corpus.root}/*/*.txt"]
    collected = collect_inputs(inputs)
    assert collect_inputs(inputs[::-1]) == collected
    assert len(collected.files) == len(corpus.files) and collected.skipped == []
    assert "000_d6fb5927a796c3d2.txt" in [f.source for f in collected.files]  # the seeds/ INPUT names it shortest


def test_a_glob_names_files_relative_to_its_fixed_part(corpus):
    files = collect_inputs([f"{corpus.root}/*/*.pdf"]).files
    assert [f.source for f in files] == sorted(name for name in corpus.files if name.endswith(".pdf"))


def test_an_input_that_matches_nothing_is_refused(tmp_path):
    with pytest.raises(InputNotFoundError, match="no-such-folder"):
        collect_inputs([str(tmp_path / "no-such-folder")])


def awkward_archive(root, seed):
    """A folder holding one seed and every entry a folder search meets but cannot read as a file."""
    root.mkdir()
    (root / "000_seed.txt").write_bytes(seed.read_bytes())
    (root / "notes.json").write_text("{}")  # not a kind docextract reads: ignored without a word
    (root / "loop.pdf").symlink_to("loop.pdf")
    (root / "gone.pdf").symlink_to("nowhere.pdf")
    os.mkfifo(root / "pipe.txt")
    (root / "report.pdf").mkdir()
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to("..")
    (root.parent / "elsewhere").mkdir(exist_ok=True)
    (root / "linked").symlink_to("../elsewhere")
    return root


SKIP_REASONS = {
    "gone.pdf": "a symbolic link to nothing (nowhere.pdf)",
    "linked": "a symbolic link to a folder, not followed (name the folder as an INPUT to read it)",
    "loop.pdf": "a symbolic link loop",
    "pipe.txt": "not a regular file but a FIFO",
    "report.pdf": "a folder named like a document, holding none",
    "sub/up": "a symbolic link loop (to a folder above it), not followed",
}


def test_what_a_folder_search_cannot_read_is_kept_with_the_reason(tmp_path, seed_paths):
    root = awkward_archive(tmp_path / "archive", seed_paths[0])
    collected = collect_inputs([str(root)])
    assert [f.source for f in collected.files] == ["000_seed.txt"]
    assert {entry.source: entry.reason for entry in collected.skipped} == SKIP_REASONS
    # a pattern reaches the same entries; a folder named like a document that holds one is searched
    (root / "report.pdf" / "001_inner.txt").write_bytes(seed_paths[1].read_bytes())
    collected = collect_inputs([f"{root}/*.*"])
    assert [f.source for f in collected.files] == ["000_seed.txt", "notes.json", "report.pdf/001_inner.txt"]
    assert {entry.source: entry.reason for entry in collected.skipped} == {
        name: SKIP_REASONS[name] for name in ("gone.pdf", "loop.pdf", "pipe.txt")}


@pytest.mark.parametrize("name, reason", [
    ("loop.pdf", "a symbolic link loop"),
    ("pipe.txt", "not a regular file but a FIFO"),
    ("report.pdf", "a folder holding no PDF, image or text export"),
    ("gone.pdf", "a symbolic link to nothing (nowhere.pdf)"),
])
def test_an_input_that_is_no_readable_file_is_refused_with_the_reason(tmp_path, seed_paths, name, reason):
    root = awkward_archive(tmp_path / "archive", seed_paths[0])
    with pytest.raises(InputNotFoundError) as refused:
        collect_inputs([str(root / name)])
    assert str(refused.value) == f"{root / name}: {reason}"


def test_the_plan_reads_each_content_once_biggest_first(corpus):
    plan = plan_jobs(collect_inputs([str(corpus.root)]).files, {}, retry_failed=False)
    assert len(plan.jobs) == corpus.documents and plan.duplicates == len(corpus.duplicates)
    copies = {job.sources for job in plan.jobs if len(job.sources) > 1}
    assert copies == {tuple(sorted([copy, original])) for copy, original in corpus.duplicates.items()}
    pdfs, rest = plan.jobs[:2], plan.jobs[2:]  # the 4-page PDFs (one encrypted), then by size
    assert {(job.path.name, job.pages) for job in pdfs} == {(SAMPLE_PDF.name, 4), ("encrypted.pdf", 4)}
    assert [job.size for job in rest] == sorted((job.size for job in rest), reverse=True)


def test_the_plan_skips_stored_documents_and_retries_failures_on_request(corpus):
    files = collect_inputs([str(corpus.root)]).files
    every = plan_jobs(files, {}, retry_failed=False).jobs
    stored = {every[0].sha256: "done", every[1].sha256: "failed"}
    assert len(plan_jobs(files, stored, retry_failed=False).jobs) == corpus.documents - 2
    retried = plan_jobs(files, stored, retry_failed=True)
    assert len(retried.jobs) == corpus.documents - 1 and every[1] in retried.jobs


# ---------------------------------------------------------------- the local pool


def test_a_dead_worker_costs_only_its_document(corpus):
    job = plan_jobs(collect_inputs([str(corpus.root / "seeds")]).files, {}, retry_failed=False).jobs[0]
    worker = _Worker.start()
    try:
        worker.assign(job)
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join()
        result = worker.outcome(time_limit=None)
    finally:
        worker.close()
    assert result.error.reason == "the worker process died (killed by SIGKILL)"


def test_documents_over_the_time_limit_fail_and_the_pool_goes_on(corpus):
    jobs = plan_jobs(collect_inputs([str(corpus.root / "seeds")]).files, {}, retry_failed=False).jobs
    started = time.monotonic()
    # a fresh worker spends longer than 1 ms importing the pipeline: every document overruns
    results = list(run_in_pool(jobs, workers=2, time_limit=0.001))
    assert sorted(job.sha256 for job, _ in results) == sorted(job.sha256 for job in jobs)
    assert all("time limit of 0.001 s" in result.error.reason for _, result in results)
    assert time.monotonic() - started < 60


# ---------------------------------------------------------------- a whole batch


def test_the_batch_stores_what_the_pipeline_reads(corpus, expected, two_workers):
    outdir, summary = two_workers
    failed = {name for name, result in expected.items() if result.error}
    assert set(corpus.broken) <= failed
    assert sum(len(expected[f"seeds/{seed}"].forms) for seed in ("000_d6fb5927a796c3d2.txt",
               "001_c641418311814509.txt", "002_01ee96ef31214bdb.txt")) == 47
    forms = [form for result in expected.values() for form in result.forms]
    totals = summary.totals
    assert (totals.documents, totals.forms, totals.failed) == (corpus.documents, len(forms), len(failed))
    assert (totals.verified, totals.flagged) == (sum(f.status == "verified" for f in forms),
                                                 sum(f.status == "flagged" for f in forms))
    assert {source for source, _ in totals.failures} == failed
    assert all(reason for _, reason in totals.failures)

    lines = [json.loads(line) for line in (outdir / "forms.jsonl").read_text("utf-8").splitlines()]
    assert len(lines) == len(forms)
    named = {original: min(copy, original) for copy, original in corpus.duplicates.items()}  # first by source
    by_source = {named.get(name, name): [form.total_score for form in result.forms]
                 for name, result in expected.items()}
    assert {line["source"] for line in lines} == {name for name, scores in by_source.items() if scores}
    assert [line["total_score"] for line in lines] == [s for name in sorted(by_source) for s in by_source[name]]
    assert all(line["pages"] is None or len(line["pages"]) == 2 for line in lines)


def test_every_kind_of_bad_input_becomes_a_row_and_the_batch_goes_on(tmp_path):
    bad = build_bad_inputs(tmp_path / "bad")  # corrupt, truncated, encrypted, zero pages, huge image, …
    summary = run([tmp_path / "bad"], tmp_path / "out", workers=2)
    with closing(open_store(tmp_path / "out", create=False)) as conn:
        rows = {source: (forms, error) for source, forms, error in conn.execute(
            "SELECT source, forms, error FROM documents")}
    assert sorted(rows) == sorted(item.path.name for item in bad)
    assert all(error for forms, error in rows.values() if not forms)  # no form: a reason
    assert rows["huge.png"][1] and rows["encrypted.pdf"][1] and rows["corrupt.pdf"][1]
    assert summary.totals.failed == sum(forms == 0 for forms, _ in rows.values())


def test_a_documents_warnings_are_stored_with_it(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    with fitz.open(SAMPLE_PDF) as pdf:
        pdf.new_page()  # a blank fifth page: skipped, and said so
        pdf.save(archive / "blank-end.pdf")
    said = io.StringIO()
    summary = run_batch([str(archive)], tmp_path / "out", BatchOptions(workers=1), Console(file=said, width=200))
    assert summary.warned == 1 and summary.totals.forms == 3
    assert "warning blank-end.pdf: page 5 skipped: blank page (no table, no text)" in said.getvalue()
    with closing(open_store(tmp_path / "out", create=False)) as conn:
        stored = conn.execute("SELECT warnings FROM documents").fetchone()[0]
    assert json.loads(stored) == ["page 5 skipped: blank page (no table, no text)"]
    with (tmp_path / "out" / "csv" / "documents.csv").open(encoding="utf-8-sig", newline="") as f:
        assert [json.loads(row["warnings"]) for row in csv.DictReader(f)] == [json.loads(stored)]


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_database_gains_the_warnings_column_and_keeps_its_rows(tmp_path, version):
    conn = sqlite3.connect(tmp_path / DATABASE_NAME)
    conn.executescript("".join(UPGRADES[v] for v in range(1, version + 1)) + f"PRAGMA user_version = {version};")
    conn.execute("INSERT INTO documents (sha256, source, bytes, forms) VALUES ('a', 'a.txt', 1, 0)")
    conn.commit()
    conn.close()
    with closing(open_store(tmp_path, create=False)) as reopened:
        assert reopened.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        assert reopened.execute("SELECT source, warnings FROM documents").fetchall() == [("a.txt", None)]
        save_document(reopened, "b", 2, ["b.txt"], DocumentResult(source="b.txt", warnings=["page 2 skipped: x"]))
        stored = reopened.execute("SELECT warnings FROM documents WHERE sha256 = 'b'").fetchone()[0]
        assert json.loads(stored) == ["page 2 skipped: x"]
    with closing(open_store(tmp_path, create=False)) as again:  # opened at version 3: nothing to do
        assert again.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
        _upgrade(again, version)  # as a process that read the old version just before another upgraded it
        assert again.execute("PRAGMA user_version").fetchone()[0] == 3
        assert again.execute("SELECT count(*) FROM documents").fetchone()[0] == 2


def test_duplicates_are_read_once_and_every_place_is_recorded(corpus, two_workers):
    outdir, summary = two_workers
    assert summary.plan.duplicates == len(corpus.duplicates)
    conn = open_store(outdir, create=False)
    places = dict(conn.execute("SELECT s.source, d.source FROM sources s JOIN documents d USING (sha256)"))
    conn.close()
    assert len(places) == len(corpus.files)
    for copy, original in corpus.duplicates.items():
        assert places[copy] == places[original] == min(copy, original)  # the document takes the first name


def test_the_workbook_reads_back_with_the_database_numbers(two_workers):
    outdir, summary = two_workers
    book = openpyxl.load_workbook(outdir / "docextract.xlsx", read_only=True)
    sheets = {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    conn = open_store(outdir, create=False)
    forms = conn.execute("SELECT count(*), count(*) FILTER (WHERE status = 'flagged'), total(total_score)"
                         " FROM forms").fetchone()
    indicators = conn.execute("SELECT count(*), total(weight), total(score) FROM indicators").fetchone()
    executed = conn.execute("SELECT total(executed) FROM funding WHERE row = 'total'").fetchone()[0]
    findings = conn.execute("SELECT count(*) FROM findings").fetchone()[0]
    conn.close()

    header, *rows = sheets["forms"]
    column = {name: [row[header.index(name)] for row in rows] for name in header}
    assert (len(rows), column["status"].count("flagged")) == forms[:2]
    assert sum(v or 0 for v in column["total_score"]) == pytest.approx(forms[2])
    assert sum(v or 0 for v in column["funding.total.executed"]) == pytest.approx(executed)
    header, *rows = sheets["indicators"]
    assert len(rows) == indicators[0]
    assert sum(row[header.index("weight")] or 0 for row in rows) == pytest.approx(indicators[1])
    assert sum(row[header.index("score")] or 0 for row in rows) == pytest.approx(indicators[2])
    assert len(sheets["findings"]) - 1 == findings
    header, *rows = sheets["documents"]
    assert len(rows) == summary.totals.documents
    assert sum(row[header.index("error")] is not None for row in rows) == summary.totals.failed


def test_a_rerun_skips_finished_documents_and_retry_redoes_only_failures(corpus, tmp_path):
    first = run([corpus.root], tmp_path, workers=2)
    again = run([corpus.root], tmp_path, workers=2)
    assert again.plan.jobs == [] and (again.plan.done, again.plan.failed) == (
        corpus.documents - first.totals.failed, first.totals.failed)
    retried = run([corpus.root], tmp_path, workers=2, retry_failed=True)
    assert len(retried.plan.jobs) == first.totals.failed
    conn = open_store(tmp_path, create=False)
    attempts = dict(conn.execute("SELECT status, group_concat(DISTINCT attempts) FROM manifest GROUP BY status"))
    conn.close()
    assert attempts == {"done": "1", "failed": "2"}
    assert retried.totals == first.totals


def test_a_second_batch_into_a_busy_folder_is_refused(corpus, tmp_path):
    with batch_lock(tmp_path), pytest.raises(StoreError, match="another batch is writing"):
        run([corpus.root / "seeds"], tmp_path)
    assert run([corpus.root / "seeds"], tmp_path).totals.forms == 47  # released with its holder


def test_worker_count_and_order_do_not_change_the_results(corpus, two_workers, tmp_path):
    outdir, _ = two_workers
    # one worker, and the files named twice: by a pattern and by their folder
    run([f"{corpus.root}/*", corpus.root], tmp_path, workers=1)
    assert stored_results(tmp_path) == stored_results(outdir)
    for export in ["forms.jsonl", *(f"csv/{p.name}" for p in (outdir / "csv").iterdir())]:
        assert (tmp_path / export).read_bytes() == (outdir / export).read_bytes(), export


@pytest.fixture(scope="module")
def local_ray():
    import ray
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def test_ray_stores_the_same_results_as_the_local_pool(local_ray, corpus, two_workers, tmp_path):
    outdir, _ = two_workers
    summary = run([corpus.root], tmp_path, executor="ray", workers=2)
    assert summary.totals == two_workers[1].totals
    assert stored_results(tmp_path) == stored_results(outdir)
    assert (tmp_path / "forms.jsonl").read_bytes() == (outdir / "forms.jsonl").read_bytes()


# ---------------------------------------------------------------- the commands


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docextract.cli", *args], capture_output=True, text=True,
                          timeout=600)


def test_the_commands_summarize_and_re_export(corpus, tmp_path):
    seeds = corpus.root / "seeds"
    done = cli("batch", str(seeds), f"{corpus.root}/broken/*.txt", "-o", str(tmp_path), "--workers", "2")
    assert done.returncode == 1, done.stderr  # some documents failed
    assert "Traceback" not in done.stderr
    assert "6 documents, 47 forms" in done.stdout
    assert "failed empty.txt: empty file (0 bytes)" in done.stdout  # named relative to the pattern's folder

    (tmp_path / "forms.jsonl").unlink()
    done = cli("export", str(tmp_path), "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    assert len((tmp_path / "forms.jsonl").read_text("utf-8").splitlines()) == 47

    done = cli("export", str(tmp_path / "nowhere"))
    assert done.returncode == 1 and "no batch database" in done.stderr
    done = cli("batch", str(tmp_path / "nowhere"), "-o", str(tmp_path))
    assert done.returncode == 2 and "no such file or folder" in done.stderr


def test_the_batch_command_names_what_it_skipped_and_quotes_odd_names(tmp_path, seed_paths):
    root = awkward_archive(tmp_path / "archive", seed_paths[0])
    (root / "bad\nname.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    done = cli("batch", str(root), "-o", str(tmp_path / "out"), "--workers", "1")
    assert done.returncode == 1, done.stderr  # a failed document, and skipped entries
    assert "Traceback" not in done.stderr
    for source, reason in SKIP_REASONS.items():
        line = f"skipped {source}: {reason}"
        assert line in done.stderr.splitlines() and line in done.stdout.splitlines()
    assert "1 failed" in done.stdout
    failed = [line for line in done.stdout.splitlines() if line.startswith("failed ")]
    assert failed == ['failed "bad\\nname.pdf": corrupt or truncated file: MuPDF cannot open it'], done.stdout
