"""One batch at a time per output folder: a second batch writing into the same folder would redo the
documents the first is doing. The lock is an `flock`, which the kernel releases when its holder dies, so a
killed batch leaves no stale lock behind."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from docextract.store.schema import StoreError

LOCK_NAME = "docextract.lock"


@contextmanager
def batch_lock(outdir: Path) -> Iterator[None]:
    outdir.mkdir(parents=True, exist_ok=True)
    with open(outdir / LOCK_NAME, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{outdir}: another batch is writing into this folder") from None
        yield
