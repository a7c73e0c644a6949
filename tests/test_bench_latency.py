"""The interaction-latency benchmark (bench/latency.py) at a tiny scale, in Debian's chromium: every
interaction of every app (the app, the floor, the typical dashboard) is measured, each change really
changes the drawing, the detector is not fooled by a change that draws nothing new, and nothing leaves
the machine. No timing is asserted."""

import json
import shutil

import pytest

from bench import generate
from bench import latency

SCALE = 0.002
REPEAT = 2


@pytest.fixture(scope="module")
def latency_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("latency") / "bench.duckdb"
    generate.build(path, SCALE, verbose=False)
    return path


def test_every_interaction_of_every_app_is_measured(latency_db, browser):
    result = latency.measure(latency_db, REPEAT, browser=browser, settle_ms=150, log=lambda *_: None)
    assert result["blocked"] == []
    assert set(result["interactions"]) == {name for name, *_ in latency.INTERACTIONS}
    for name, by_app in result["interactions"].items():
        assert set(by_app) == set(latency.APPS)
        for app, r in by_app.items():
            where = f"{name} / {app}"
            assert r["errors"] == [], where
            assert r.get("exceptions") == [], where
            assert r["n"] == REPEAT and all(t > 0 for t in r["times"]), where
            first, other = r["signatures"]
            assert first and other and first != other, where  # the two values draw different data
            assert r["median_ms"] <= r["p95_ms"], where
        # the floor draws the app's own maps from the app's queries: the same countries in the same colours
        # (the heatmap's picture depends on its width in each page, so only the maps compare)
        if name != "country":
            assert by_app["floor"]["signatures"] == by_app["ours"]["signatures"], name
    assert all(errors == [] for errors in result["page_errors"].values()), result["page_errors"]
    start, other = result["plan"]["start"], result["plan"]["other"]
    assert all(start[k] != other[k] for k in start)


def test_a_change_that_draws_nothing_new_is_no_end(latency_db, browser, tmp_path):
    """Choosing the value already shown (the same data drawn again, or nothing drawn) must time out, and
    choosing the other value must end at its drawing."""
    db_copy = tmp_path / "bench.duckdb"
    shutil.copyfile(latency_db, db_copy)
    plan = latency.plan(db_copy)
    states = tmp_path / "states.json"
    states.write_text(json.dumps(latency.states(plan)), encoding="utf-8")
    texts = plan["text"]["group"]
    with latency.serving("floor", db_copy, states, tmp_path) as url:
        tab = latency.Tab(browser, url + latency.start_url("floor", "goal", plan["start"]), [], settle_ms=150)
        try:
            shown = tab.settle("map")
            other = latency.change(tab, "map", "select", "Population group", texts[1], None)["settled"]
            back = latency.change(tab, "map", "select", "Population group", texts[0], None)["settled"]
            assert back == shown != other
            # armed for the other drawing, the same group chosen again: no end, a timeout
            same = latency.change(tab, "map", "select", "Population group", texts[0], other, timeout_ms=3000)
            assert "ms" not in same and same["error"].startswith("timeout"), same
            assert same["settled"] == shown
            # armed for the drawing already shown: refused, never measured as instant
            refused = latency.change(tab, "map", "select", "Population group", texts[0], shown)
            assert refused == {"error": "already drawn"}
            # the other group: measured
            timed = latency.change(tab, "map", "select", "Population group", texts[1], other)
            assert timed.get("ms", 0) > 0 and timed["settled"] == other, timed
        finally:
            tab.close()
