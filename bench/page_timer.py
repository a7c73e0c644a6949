"""The time a page script takes in the server, timed inside the script. AppTest runs the script in a
thread of its own and adds its own work around every run (it scans the installed packages for components,
about 0.2-0.4 s here), which is not the page's: row g compares the pages' own times."""

import time
from contextlib import contextmanager

TIMES: list[float] = []


@contextmanager
def timed():
    start = time.perf_counter()
    try:
        yield
    finally:
        TIMES.append(time.perf_counter() - start)


def last() -> float:
    return TIMES[-1]
