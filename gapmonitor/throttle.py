"""A growing wait after failed tries (of the editor password), per client: 1 s after the first, then
2, 4, 8... up to a cap. A try during the wait is refused before anything is checked. Kept in memory for
the process: the app behind a proxy with sticky sessions sends each client to one process."""

import threading
import time
from dataclasses import dataclass

FIRST_WAIT = 1.0  # seconds after the first failure
MAX_WAIT = 300.0  # the longest wait (5 minutes): a password guesser gets about 12 tries an hour
FORGET_AFTER = 24 * 3600  # a client that has not failed for a day starts again from nothing


@dataclass
class Record:
    failures: int = 0
    last: float = 0.0  # when the last failure was
    until: float = 0.0  # no try before this time


class Throttle:
    def __init__(self, first: float = FIRST_WAIT, cap: float = MAX_WAIT, forget_after: float = FORGET_AFTER):
        self.first, self.cap, self.forget_after = first, cap, forget_after
        self._records: dict[str, Record] = {}
        self._lock = threading.Lock()  # sessions run on their own threads

    def delay(self, failures: int) -> float:
        """The wait after this many failures in a row."""
        return 0.0 if failures < 1 else min(self.first * 2 ** (failures - 1), self.cap)

    def wait(self, keys: list[str], now: float | None = None) -> float:
        """Seconds left before any of these clients may try again (0: now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return max([r.until - now for k in keys if (r := self._records.get(k))] + [0.0])

    def failed(self, keys: list[str], now: float | None = None) -> tuple[int, float]:
        """Count a failure against each key; returns the failures in a row (the most of the keys) and the wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._forget(now)
            failures = 0
            for key in keys:
                record = self._records.setdefault(key, Record())
                record.failures += 1
                failures = max(failures, record.failures)
            wait = self.delay(failures)
            for key in keys:
                self._records[key].last, self._records[key].until = now, now + wait
            return failures, wait

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._records.pop(key, None)

    def _forget(self, now: float) -> None:
        """Drop clients that have not failed for a long time (memory stays bounded by recent failures)."""
        for key in [k for k, r in self._records.items() if now - r.last > self.forget_after]:
            del self._records[key]
