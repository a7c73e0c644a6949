"""Results kept for every session of the server process, per key, each computed once even when sessions ask
for it at the same moment. The pages ask for the same query results tens of times a run: Streamlit's own
cache hashes its arguments at every call (about 0.4 ms a query result here), this looks a tuple up in a dict."""

import threading
from collections import OrderedDict


class Kept:
    """The `size` results last asked for, by hashable key."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict = {}  # key -> the Event set once the session computing it is done

    def get(self, key, compute):
        """The result kept for key, or compute() (once, while other sessions asking wait for it), kept."""
        while True:
            with self._lock:
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key]
                waiting = self._pending.get(key)
                if waiting is None:
                    self._pending[key] = threading.Event()
                    break
            waiting.wait()  # another session computes it; if it failed, the loop tries again
        try:
            value = compute()
            with self._lock:
                self._values[key] = value
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._pending.pop(key).set()

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def frozen(value):
    """A parameter as part of a key: lists and sets as tuples, dicts as sorted item tuples."""
    if isinstance(value, (list, tuple)):
        return tuple(frozen(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(frozen(v) for v in value))
    if isinstance(value, dict):
        return tuple(sorted((k, frozen(v)) for k, v in value.items()))
    return value
