"""The Ray executor: one Ray task per document, on a cluster (`address`) or on a Ray instance started here.

Tasks receive the file's bytes rather than its path, so any machine of the cluster can read any document;
results come back to this process (the driver), which alone writes the database. Every machine needs
docextract installed (`pip install docextract[ray]`). Requires the optional extra `ray`.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Iterator, Sequence

from docextract.batch.executors import failure, overran
from docextract.batch.plan import Job
from docextract.model import DocumentResult

POLL_SECONDS = 1.0  # how often running tasks are checked against the time limit


def run_on_ray(jobs: Sequence[Job], workers: int | None, time_limit: float | None,
               address: str | None) -> Iterator[tuple[Job, DocumentResult]]:
    """Yield (job, result) as documents finish, with at most `workers` tasks in flight (default: one per
    CPU of the cluster). Connects to Ray unless this process already did; disconnects when closed."""
    import ray
    from ray.exceptions import RayError

    connect_here = not ray.is_initialized()
    if connect_here:
        address = address or os.environ.get("RAY_ADDRESS")
        options = {"address": address} if address else {"num_cpus": workers, "include_dashboard": False}
        ray.init(**options, log_to_driver=False, logging_level=logging.WARNING)
    try:
        task = ray.remote(num_cpus=1, max_retries=0)(_extract_task)
        in_flight = workers or max(int(ray.cluster_resources().get("CPU", 1)), 1)
        queue = deque(jobs)
        running: dict = {}  # ObjectRef -> (job, started)
        while queue or running:
            while queue and len(running) < in_flight:
                job = queue.popleft()
                try:
                    content = job.path.read_bytes()
                except OSError as exc:
                    yield job, failure(job, f"cannot read the file ({exc.strerror or exc})")
                    continue
                running[task.remote(job.path.name, content)] = (job, time.monotonic())
            if not running:
                continue
            finished, _ = ray.wait(list(running), num_returns=1, timeout=POLL_SECONDS if time_limit else None)
            for ref in finished:
                job, _ = running.pop(ref)
                try:
                    result = ray.get(ref)
                except RayError as exc:  # the task's worker died or the task was lost
                    result = failure(job, f"the Ray task failed ({type(exc).__name__})")
                yield job, result
            for ref, (job, started) in list(running.items()):
                if time_limit is not None and time.monotonic() - started > time_limit:
                    ray.cancel(ref, force=True)
                    del running[ref]
                    yield job, overran(job, time_limit)
    finally:
        if connect_here:
            ray.shutdown()


def _extract_task(name: str, content: bytes) -> DocumentResult:
    from docextract.batch.extract import extract_bytes

    return extract_bytes(name, content)
