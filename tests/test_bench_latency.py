"""The interaction-latency benchmark (bench/latency.py) at a tiny scale, in Debian's chromium: every
interaction of every app (the app, the floor, the typical dashboard) is measured, each change really
changes the drawing, the detector is not fooled by a change that draws nothing new, and nothing leaves
the machine. No timing is asserted."""

import pytest

from bench import generate
from bench import latency

SCALE = 0.002
REPEAT = 2


@pytest.fixture(scope="module")
def result(tmp_path_factory, browser):
    path = tmp_path_factory.mktemp("latency") / "bench.duckdb"
    generate.build(path, SCALE, verbose=False)
    return latency.measure(path, REPEAT, browser=browser, settle_ms=120, self_check=True, log=lambda *_: None)


def test_nothing_leaves_the_machine_and_no_page_fails(result):
    assert result["blocked"] == []
    assert all(errors == [] for errors in result["page_errors"].values()), result["page_errors"]


def test_every_interaction_of_every_app_is_measured(result):
    assert set(result["interactions"]) == {name for name, *_ in latency.INTERACTIONS}
    for name, by_app in result["interactions"].items():
        assert set(by_app) == set(latency.APPS)
        for app, r in by_app.items():
            where = f"{name} / {app}"
            assert r["errors"] == [], where
            assert r["exceptions"] == [], where
            assert r["n"] == REPEAT and all(t > 0 for t in r["times"]), where
            assert r["median_ms"] <= r["p95_ms"] == max(r["times"]), where  # nearest rank of 2 values: the larger
    start, other = result["plan"]["start"], result["plan"]["other"]
    assert all(start[k] != other[k] for k in start)  # every interaction alternates two different values


def test_each_change_draws_different_data(result):
    for name, by_app in result["interactions"].items():
        for app, r in by_app.items():
            first, other = r["signatures"]
            assert first and other and first != other, f"{name} / {app}"
        # the floor draws the app's own maps from the app's queries: the same countries in the same colours
        # (a heatmap's picture depends on its width in each page, so only the maps compare)
        if name != "country":
            assert by_app["floor"]["signatures"] == by_app["ours"]["signatures"], name


def test_the_detector_is_not_fooled(result):
    """On each page of each app: the value already shown chosen again (nothing new drawn) leaves the
    detector waiting for the other value's drawing until it times out, and it refuses to wait for the
    drawing already shown (which would measure nothing)."""
    checked = [(name, app, r["self_check"]) for name, by_app in result["interactions"].items()
               for app, r in by_app.items() if "self_check" in r]
    assert {(n, a) for n, a, _ in checked} == {(n, a) for n in ("population group", "country") for a in latency.APPS}
    for name, app, check in checked:
        assert check["same value again"].startswith("timeout"), (name, app, check)
        assert check["still drawn"], (name, app)
        assert check["armed for what is drawn"] == "already drawn", (name, app)
