"""gapmonitor.once.Kept: a result is computed once per key even when many sessions ask at the same moment, a
failed computation is not kept, and only the last `size` keys are kept."""

import threading
import time

import pytest

from gapmonitor.once import Kept, frozen


def test_sessions_asking_at_once_compute_once():
    kept, calls, started = Kept(8), [], threading.Barrier(8)

    def compute():
        calls.append(1)
        time.sleep(0.2)  # long enough for every other thread to ask while it runs
        return object()

    got = []

    def ask():
        started.wait()
        got.append(kept.get("key", compute))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len(got) == 8 and all(g is got[0] for g in got)


def test_a_failure_is_not_kept_and_the_next_ask_computes_again():
    kept = Kept(8)

    def fails():
        raise ValueError("database gone")

    with pytest.raises(ValueError):
        kept.get("key", fails)
    assert kept.get("key", lambda: 42) == 42


def test_only_the_last_keys_asked_for_are_kept():
    kept, calls = Kept(2), []

    def compute(key):
        calls.append(key)
        return key

    for key in ("a", "b", "a", "c", "a", "b"):  # "a" was asked last before "c" came: "b" goes, "a" stays
        kept.get(key, lambda key=key: compute(key))
    assert calls == ["a", "b", "c", "b"]


def test_parameters_become_keys():
    assert frozen({"b": [1, 2], "a": {3, 1}}) == (("a", (1, 3)), ("b", (1, 2)))
    assert hash(frozen(["x", ["y"]])) == hash(("x", ("y",)))
