"""`kill -9` a batch at several moments, run it again each time: the database and exports end up identical
to those of one uninterrupted run, with nothing lost and no document stored twice."""

import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from batch_corpus import build_corpus, stored_results
from docextract.store import DATABASE_NAME

POLL_SECONDS = 0.005

pytestmark = pytest.mark.slow  # subprocesses


def start_batch(root: Path, outdir: Path, workers: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "docextract.cli", "batch", str(root), "-o", str(outdir),
                             "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def committed(outdir: Path) -> int:
    """Documents stored so far, read as an outside reader would (-1 before the database exists)."""
    path = outdir / DATABASE_NAME
    if not path.exists():
        return -1
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return conn.execute("SELECT count(*) FROM manifest").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def kill_after(process: subprocess.Popen, outdir: Path, documents: int) -> bool:
    """SIGKILL the batch once `documents` are stored; False if it ended first."""
    deadline = time.monotonic() + 300
    while committed(outdir) < documents and process.poll() is None and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    if process.poll() is not None:
        return False
    process.send_signal(signal.SIGKILL)
    process.wait()
    return True


def test_killed_batches_resume_to_the_uninterrupted_result(tmp_path):
    corpus = build_corpus(tmp_path / "archive")
    reference, resumed = tmp_path / "uninterrupted", tmp_path / "resumed"
    assert start_batch(corpus.root, reference, workers=2).wait() == 1  # the broken files failed

    seen = []  # (killed while running, documents stored)
    for more in [0, 1, corpus.documents // 2, corpus.documents]:  # documents the run may store before its kill
        target = min(max(committed(resumed), 0) + more, corpus.documents)
        killed = kill_after(start_batch(corpus.root, resumed, workers=1), resumed, target)
        seen.append((killed, committed(resumed)))
    assert all(killed for killed, _ in seen[:-1]), seen  # the early kills interrupted running batches
    assert 0 < seen[1][1] < corpus.documents, seen
    assert start_batch(corpus.root, resumed, workers=1).wait() == 1

    assert stored_results(resumed) == stored_results(reference)
    with closing(sqlite3.connect(resumed / DATABASE_NAME)) as conn:
        assert conn.execute("SELECT max(attempts), count(*) FROM manifest").fetchone() == (1, corpus.documents)
    exports = ["forms.jsonl", *(f"csv/{path.name}" for path in (reference / "csv").iterdir())]
    for export in exports:
        assert (resumed / export).read_bytes() == (reference / export).read_bytes(), export
    assert not list(resumed.rglob("*.partial"))
