"""The access log never holds a query string: a client may put a key there (the server refuses it, but the log
would keep it). Each request line keeps its method, path and status; its query is shown as `?…`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

ACCESS_LOGGER = "uvicorn.access"
HIDDEN_QUERY = "?…"
_TARGET = 2  # uvicorn's access record: (client, method, path with query, http version, status)


class HideQueries(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > _TARGET and isinstance(args[_TARGET], str) and "?" in args[_TARGET]:
            target = args[_TARGET].partition("?")[0] + HIDDEN_QUERY
            record.args = (*args[:_TARGET], target, *args[_TARGET + 1:])
        return True


@contextmanager
def queries_hidden() -> Iterator[None]:
    """While the server runs (uvicorn sets up its loggers before the app starts)."""
    log_filter = HideQueries()
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addFilter(log_filter)
    try:
        yield
    finally:
        logger.removeFilter(log_filter)
