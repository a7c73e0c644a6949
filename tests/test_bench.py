"""The benchmark (bench/) as a smoke test at a tiny scale: it runs end to end, the generator is
deterministic, and the pandas baseline computes the same results as the query layer (which is what
makes the benchmark's ratios honest). No timing is asserted."""

import itertools

import pytest

from bench import baseline, generate
from bench import run as bench
from gapmonitor import db

SCALE = 0.002  # 10,000 official and 1,000 citizen observations


@pytest.fixture(scope="module")
def bench_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "bench.duckdb"
    info = generate.build(path, SCALE, verbose=False)
    return path, info


def test_generator_is_deterministic(bench_db, tmp_path):
    path, info = bench_db
    again = generate.build(tmp_path / "again.duckdb", SCALE, verbose=False)
    other = generate.build(tmp_path / "other.duckdb", SCALE, seed=generate.SEED + 1, verbose=False)
    assert again["digest"] == info["digest"]
    assert other["digest"] != info["digest"]
    assert generate.stored_info(path)["digest"] == info["digest"]


def test_generator_builds_the_asked_scale_in_the_apps_schema(bench_db):
    path, info = bench_db
    official, citizen = generate.rows_for(SCALE)
    assert (info["counts"]["official"], info["counts"]["citizen"]) == (official, citizen)
    assert 0 < info["counts"]["released_citizen"] < citizen  # some estimates have too few respondents
    with db.connect(path) as con:
        assert con.execute("select count(*) from dataset where is_demo").fetchall() == [(0,)]
        assert con.execute("select count(*) from series where code like 'BENCH_%' "
                           "and description = 'Synthetic benchmark series'").fetchall() == [(700,)]
        # every observation points somewhere (the schema has no foreign keys)
        assert con.execute("""
            select count(*) from observation as o
            where o.series not in (select code from series) or o.area not in (select code from area)
                or o.dataset_id not in (select dataset_id from dataset)
        """).fetchall() == [(0,)]
        # one observation per dataset, series, area, dimensions and period (the schema has no index on it)
        assert con.execute("select count(*) - count(distinct (dataset_id, series, area, dims, time_detail)) "
                           "from observation").fetchall() == [(0,)]
        tiers = {t for t, in con.execute("select distinct tier_rank from citizen_quality").fetchall()}
        assert tiers == {1, 2, 3}
        assert con.execute("select count(*) from cell_year").fetchall()[0][0] > 0


def _cases(con):
    """Parameter sets for the four queries: several windows and quality bars, goals, countries (one
    with citizen data on subnational units), and maps of cells with official and citizen data,
    with high-tier citizen data only, with low-tier citizen data only (in some years: the 25-year window
    sees them), and the goal page's default."""
    p = bench.choose_parameters(con)
    goals = [p["goal"], 5, 16]
    areas = [p["area"]] + [a for a, in con.execute("""
        select distinct a.parent from observation as o join area as a on a.code = o.area
        where a.kind = 'subnational' order by 1 limit 1
    """).fetchall()]
    maps = [(p["indicator"], p["group_id"])] + [tuple(m) for condition in (
        "bool_or(has_official) and max(citizen_tier) >= 1", "not bool_or(has_official) and max(citizen_tier) = 3",
        "not bool_or(has_official) and max(citizen_tier) = 1",
    ) for m in con.execute(f"""
        select indicator, group_id from cell_year
        group by indicator, area, group_id having {condition} order by indicator, area, group_id limit 1
    """).fetchall()]
    assert len(maps) == 4
    for (window, bar), goal, area in zip(itertools.product([5, 25], [1, 2, 3]), itertools.cycle(goals),
                                         itertools.cycle(areas)):
        rules = {"first_year": 2026 - window, "last_year": 2025, "min_tier": bar, "scope": "all", "endorsed_only": False}
        yield "coverage_by_indicator_and_group", {"goal": goal, **rules}
        yield "coverage_by_goal_and_group", rules
        yield "status_by_indicator_and_group", {"area": area, **rules}
        for indicator, group_id in maps:
            yield "gap_status_by_area", {"indicator": indicator, "group_id": group_id, **rules}


def test_baseline_gives_the_query_layers_results(bench_db):
    path, _ = bench_db
    frames = baseline.Baseline(path)
    statuses = set()
    with db.connect(path) as con:
        cases = list(_cases(con))
        for name, params in cases:
            ours = db.query(con, name, **params)
            theirs = baseline.run(frames, name, **params)
            assert len(ours), (name, params)
            assert bench.same_result(ours, theirs), (name, params, ours.head(), theirs.head())
            if "status" in ours:
                statuses |= set(ours.status)
    assert len(cases) == 6 * 7
    assert statuses == {"official", "official_and_citizen", "citizen_fills_gap", "citizen_below_bar", "no_data",
                        "not_in_database"}  # the cases cover every status, and an indicator not in the data shown


def test_same_result_notices_a_difference(bench_db):
    path, _ = bench_db
    frames = baseline.Baseline(path)
    rules = {"first_year": 2001, "last_year": 2025, "min_tier": 1, "scope": "all", "endorsed_only": False}
    with db.connect(path) as con:
        ours = db.query(con, "coverage_by_goal_and_group", **rules)
    theirs = baseline.run(frames, "coverage_by_goal_and_group", **rules)
    assert bench.same_result(ours, theirs)
    changed = theirs.copy()
    changed.loc[0, "official_cells"] += 1
    assert not bench.same_result(ours, changed)
    assert not bench.same_result(ours, theirs.iloc[1:])


def test_benchmark_runs_end_to_end(bench_db, tmp_path):
    path, info = bench_db
    output = tmp_path / "results.md"
    result = bench.main(["--scale", str(SCALE), "--repeat", "1", "--import-repeat", "1", "--db", str(path),
                         "--output", str(output), "--latency-repeat", "0"])  # row j: tests/test_bench_latency.py
    assert result["info"]["digest"] == info["digest"]  # the database was reused, not rebuilt
    measures = [r["measure"] for r in result["rows"]]
    for letter in "abcdefgh":
        assert any(m.startswith(f"{letter}. ") for m in measures), letter
    queries = [r for r in result["rows"] if r["measure"][:3] in ("a. ", "b. ", "c. ", "d. ")]
    assert len(queries) == 4
    for r in queries:
        assert "same result as baseline: yes" in r["note"], r
        rows = r["note"].split(" rows;")[0]
        # each query's floor reads back the very rows it returned
        assert any(f["measure"].startswith(f"   {r['measure'][0]} · floor: read back its {rows} rows") for f in result["rows"]), r
    runs = result["import_runs"]
    assert runs["app"][0]["rows_added"] == runs["baseline"][0]["rows_added"] == result["import_rows"]
    assert runs["load_only"][0]["rows_loaded"] == result["import_rows"]
    assert runs["load_only"][0]["rows_added"] == 0  # the floor writes no observation
    assert runs["app"][0]["rejected"] == 0
    text = output.read_text()
    assert "| measure |" in text and "h. world map" in text


def test_the_pages_floor_sends_what_the_page_sent(bench_db, monkeypatch):
    """Row g's floor (bench/bare_page.py) draws the goal page's widgets again and sends its other elements
    as recorded, computing nothing: run as a page, it shows the same widgets, maps, charts and table."""
    from streamlit.testing.v1 import AppTest

    from bench import bare_page

    path, _ = bench_db
    monkeypatch.setenv("GAPMONITOR_DB", str(path))
    page = AppTest.from_string("from pages.goal import render\nrender(3)", default_timeout=120)
    page.run()
    assert not page.exception
    floor = AppTest.from_string(bare_page.script(bare_page.recorded(page)), default_timeout=120)
    floor.run()
    assert not floor.exception, [e.message for e in floor.exception]

    def sent(at):
        return {"widgets": sorted(w.label for kind in ("selectbox", "radio", "slider", "checkbox")
                                  for w in getattr(at, kind)),
                "charts": sorted(c.proto.spec for c in at.get("plotly_chart")),
                "tables": [t.value.to_csv() for t in at.dataframe],  # text: NaN equals NaN
                "metrics": [m.value for m in at.metric], "markdown": [m.value for m in at.markdown]}

    assert sent(floor) == sent(page)
    assert len(sent(page)["charts"]) == 3 and sent(page)["tables"] and sent(page)["widgets"]
    widgets_only = AppTest.from_string(bare_page.script(bare_page.widgets_only(bare_page.recorded(page))),
                                       default_timeout=120)
    widgets_only.run()
    assert sent(widgets_only)["widgets"] == sent(page)["widgets"] and not sent(widgets_only)["charts"]
