"""Guessing the key is bounded per client address: `max_failures` wrong keys (a bearer key, a session cookie or
the review's sign-in) within `lockout` seconds lock the client out for `lockout` seconds, during which every
request it makes but /healthz is refused (429) without its key being looked at, so a guess during the lock-out
learns nothing. A right key clears the client's count.

The counts live in this process (a server is one process): they start empty when it starts, and at most
`max_clients` addresses are followed (the oldest are forgotten first). The address is the connection's, or
what a reverse proxy on this machine forwards (uvicorn trusts X-Forwarded-For from 127.0.0.1 only).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_CLIENTS = 10_000


@dataclass
class _Client:
    failures: deque[float] = field(default_factory=deque)  # times of the recent wrong keys
    locked_until: float = 0.0


class AuthLockout:
    def __init__(self, max_failures: int, lockout: float, max_clients: int = MAX_CLIENTS,
                 clock: Callable[[], float] = time.monotonic):
        self.max_failures, self.lockout, self.max_clients, self._clock = max_failures, lockout, max_clients, clock
        self._clients: OrderedDict[str, _Client] = OrderedDict()
        self._lock = threading.Lock()  # the key check runs on the event loop, the sign-in in a worker thread

    def retry_after(self, client: str) -> int:
        """Whole seconds until `client` may try again; 0 when it is not locked out."""
        with self._lock:
            entry = self._clients.get(client)
            left = entry.locked_until - self._clock() if entry else 0.0
        return math.ceil(left) if left > 0 else 0

    def failed(self, client: str) -> None:
        """A wrong key from `client`."""
        now = self._clock()
        with self._lock:
            entry = self._clients.pop(client, None) or _Client()
            self._clients[client] = entry  # the most recently failed last: the first forgotten are the oldest
            while entry.failures and entry.failures[0] <= now - self.lockout:
                entry.failures.popleft()
            entry.failures.append(now)
            if len(entry.failures) >= self.max_failures:
                entry.failures.clear()
                entry.locked_until = now + self.lockout
            while len(self._clients) > self.max_clients:
                self._clients.popitem(last=False)

    def succeeded(self, client: str) -> None:
        with self._lock:
            entry = self._clients.get(client)
            if entry is not None and entry.locked_until <= self._clock():
                del self._clients[client]
