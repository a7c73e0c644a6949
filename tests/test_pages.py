"""Every page runs under AppTest without an exception and shows what it should."""

import csv
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gapmonitor.goals import GOALS
from gapmonitor.ui import DEMO_NOTICE
from tests.actors import OPERATOR, STEWARD, account

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
RENDER_SECONDS: dict[int, float] = {}


def demo_indicators(goal: int) -> set[str]:
    """Indicators of a goal in the demo series catalogue, read straight from the CSV."""
    with (ROOT / "data/demo/series.csv").open(encoding="utf-8") as f:
        return {r["indicator"] for r in csv.DictReader(f) if r["indicator"].split(".")[0] == str(goal)}


def run(at: AppTest) -> AppTest:
    at.run(timeout=TIMEOUT)
    assert not at.exception, [e.message for e in at.exception]
    return at


def shows_demo_notice(at: AppTest) -> bool:
    return any(DEMO_NOTICE in w.value for w in at.warning)


def test_app_opens_on_the_overview(demo_db):
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT))
    assert [t.value for t in at.title] == ["SDG Gap Monitor"]
    assert shows_demo_notice(at)


@pytest.mark.parametrize("number", [g.number for g in GOALS])
def test_goal_page(demo_db, number):
    goal = GOALS[number - 1]
    at = AppTest.from_string(f"from pages.goal import render\nrender({number})", default_timeout=TIMEOUT)
    start = time.perf_counter()
    run(at)
    RENDER_SECONDS[number] = time.perf_counter() - start
    assert any(f"Goal {number} · {goal.short_title}" in m.value for m in at.markdown)
    assert any(goal.title in m.value for m in at.markdown)
    assert shows_demo_notice(at)
    indicator_box = at.selectbox(key=f"g{number}_indicator")
    listed = {label.split(" ", 1)[0] for label in indicator_box.options}
    assert listed == demo_indicators(number)
    assert len(listed) >= 3


def test_goal_page_group_choice_changes_the_map(demo_db):
    at = run(AppTest.from_string("from pages.goal import render\nrender(5)", default_timeout=TIMEOUT))
    at.selectbox(key="g5_indicator").set_value("5.2.1")
    run(at)
    group_key = "g5_group_5.2.1"
    groups = at.selectbox(key=group_key).options
    assert "Women and girls" in groups and "Persons with disabilities" in groups
    at.selectbox(key=group_key).set_value("women")
    before = run(at).caption
    at.selectbox(key=group_key).set_value("disability")
    after = run(at).caption
    assert [c.value for c in before] != [c.value for c in after]
    assert at.query_params["group"] == "disability" and at.query_params["indicator"] == "5.2.1"


def test_goal_page_draws_a_map_once_per_data_shown(demo_db, monkeypatch):
    """Figures are kept per data (ui.figure): a rerun showing the same data draws nothing again; another
    group draws its own map, and coming back to the first one reuses it."""
    import streamlit as st

    from gapmonitor import maps

    drawn = []
    original = maps.status_map

    def status_map(areas):
        drawn.append(len(areas))
        return original(areas)

    monkeypatch.setattr(maps, "status_map", status_map)
    st.cache_resource.clear()
    at = AppTest.from_string("from pages.goal import render\nrender(5)", default_timeout=TIMEOUT)
    at.query_params.update({"indicator": "5.2.1", "group": "women"})
    run(at)
    assert len(drawn) == 1
    run(at)
    assert len(drawn) == 1
    at.selectbox(key="g5_group_5.2.1").set_value("disability")
    run(at)
    assert len(drawn) == 2
    at.selectbox(key="g5_group_5.2.1").set_value("women")
    run(at)
    assert len(drawn) == 2
    (women,) = [c for c in at.get("plotly_chart") if c.key == "g5_map_5.2.1_women_Gap status"]
    assert women.proto.spec  # the kept figure is the one shown


def test_goal_page_restores_the_view_from_the_url(demo_db):
    at = AppTest.from_string("from pages.goal import render\nrender(5)", default_timeout=TIMEOUT)
    at.query_params.update({"indicator": "5.2.1", "group": "disability", "window": "3", "bar": "High"})
    run(at)
    assert at.selectbox(key="g5_indicator").value == "5.2.1"
    assert at.selectbox(key="g5_group_5.2.1").value == "disability"
    assert at.slider(key="window").value == 3
    assert at.radio(key="bar").value == "High"


def test_country_profile_from_the_url(demo_db):
    at = AppTest.from_file(str(ROOT / "pages/country.py"), default_timeout=TIMEOUT)
    at.query_params["area"] = "MWI"
    run(at)
    assert [t.value for t in at.title] == ["Malawi"]
    assert shows_demo_notice(at)
    # Malawi's district school monitors are demo citizen data with subnational units
    tables = [df.value for df in at.dataframe]
    assert any("District school monitoring by parents' committees" in set(t.get("title", [])) for t in tables)


def test_about_page_states_the_rules(demo_db):
    at = run(AppTest.from_file(str(ROOT / "pages/about.py"), default_timeout=TIMEOUT))
    text = " ".join(m.value for m in at.markdown)
    for phrase in ["expected", "period window", "quality bar", "fewer than **10**"]:
        assert phrase in text
    assert shows_demo_notice(at)


def test_overview_page(demo_db):
    at = run(AppTest.from_file(str(ROOT / "pages/overview.py"), default_timeout=TIMEOUT))
    assert any("fills" in m.value for m in at.markdown)
    filled = at.dataframe[0].value
    assert len(filled) >= 5  # several demo citizen datasets fill gaps at the default bar


def test_print_render_times():
    # reported in the closing note; timing is not asserted (machines are noisy)
    if RENDER_SECONDS:
        print("\ngoal page render (s): " + ", ".join(f"{k}: {v:.2f}" for k, v in sorted(RENDER_SECONDS.items())))


def test_data_page_shows_a_viewer_the_datasets_and_how_to_sign_in(demo_db):
    at = run(AppTest.from_file(str(ROOT / "pages/data.py"), default_timeout=TIMEOUT))
    assert any(i.value.startswith("To import data, sign in (sidebar).") for i in at.info)
    assert not at.header and not at.text_input and not at.button  # no import controls for viewers
    titles = set(at.dataframe[0].value.title)
    assert "Illustrative official statistics (demo)" in titles


def test_data_page_shows_a_steward_every_section(fresh, monkeypatch):
    # who may see which section, role by role: tests/test_roles.py
    monkeypatch.setenv("GAPMONITOR_DB", str(fresh))
    at = AppTest.from_file(str(ROOT / "pages/data.py"), default_timeout=TIMEOUT)
    at.session_state["actor"] = account(fresh, STEWARD)
    run(at)
    assert [h.value for h in at.header] == ["Import a file", "Turn citizen records into estimates",
                                           "Who counts: values and series that count for no group",
                                           "Confidentiality thresholds", "Remove a dataset"]


def test_citizen_dataset_page_shows_quality_coverage_and_comparison(demo_db):
    at = AppTest.from_file(str(ROOT / "pages/citizen.py"), default_timeout=TIMEOUT)
    at.query_params["dataset"] = "cgd-disability-scorecard"
    run(at)
    assert [h.value for h in at.header] == ["Community scorecard on disability-inclusive services"]
    assert shows_demo_notice(at)
    # data/demo/citizen_datasets.csv: criteria 2,2,2,2,1,2,2 = 13 of 14, participation 5, endorsed -> High
    assert [m.value for m in at.metric] == ["High", "13 of 14", "5 of 5", "Endorsed"]
    assert [s.value for s in at.subheader] == ["Quality and review", "Review history", "Gaps it fills",
                                               "Estimates as released", "Official and citizen values side by side",
                                               "Evidence for the room"]
    # imported by the office itself (the demo build): one event, its import, published at once
    assert at.dataframe[1].value.decision.tolist() == ["Imported and published by the office"]
    # the map as a table (ui.map_table): one row per area the coverage map draws, with the share in numbers
    as_table, coverage = at.dataframe[2].value, at.dataframe[3].value
    assert list(as_table.columns) == ["Area", "Code", "Its cells with no official data (%)", "Drawn as"]
    assert sorted(as_table.Area) == sorted(coverage.name) and set(as_table["Drawn as"]) <= {"shape", "dot"}
    estimates = at.dataframe[4].value
    assert set(estimates.reliability) <= {"reliable", "low reliability"}  # its samples are 40-900
    compared = at.dataframe[5].value
    assert (compared.official_within_interval == compared.official_value.between(compared.lower_bound,
                                                                                compared.upper_bound)).all()


def test_small_demo_estimates_show_as_suppressed_on_the_citizen_page(demo_db):
    at = AppTest.from_file(str(ROOT / "pages/citizen.py"), default_timeout=TIMEOUT)
    at.query_params["dataset"] = "cgd-birth-registration"  # samples drawn from 5 to 600
    run(at)
    estimates = at.dataframe[4].value  # after the map's table
    suppressed = estimates[estimates.reliability == "suppressed"]
    assert len(suppressed) > 0 and suppressed.value.isna().all() and suppressed.sample_size.isna().all()
    assert (estimates[estimates.reliability == "reliable"].sample_size >= 30).all()


def test_a_stewards_assessment_changes_the_tier(fresh, monkeypatch):
    # the assessment form is on the Submissions page, beside the decisions
    monkeypatch.setenv("GAPMONITOR_DB", str(fresh))
    steward = account(fresh, STEWARD)
    at = AppTest.from_file(str(ROOT / "pages/submissions.py"), default_timeout=TIMEOUT)
    at.query_params["dataset"] = "cgd-disability-scorecard"
    at.session_state["actor"] = steward
    run(at)
    at.radio(key="assess_cgd-disability-scorecard_confidentiality").set_value(1)  # high needs it fully met
    [b for b in at.button if b.label == "Save the assessment"][0].click()
    run(at)
    assert at.success[0].value.startswith("Assessment saved")
    at = AppTest.from_file(str(ROOT / "pages/citizen.py"), default_timeout=TIMEOUT)
    at.query_params["dataset"] = "cgd-disability-scorecard"
    at.session_state["actor"] = steward
    run(at)
    assert [m.value for m in at.metric][:2] == ["Medium", "12 of 14"]
    # who assessed it is the steward signed in, not a name typed in
    assert f"Assessed by {STEWARD.display_name}" in " ".join(c.value for c in at.caption)


# ---- maps of values and subnational maps (issue 14, items 7 and 8) ----

def map_of(at: AppTest):
    """The Plotly figure of the (one) map the page drew, read back from what the browser gets."""
    import plotly.io

    figures = [plotly.io.from_json(c.proto.spec) for c in at.get("plotly_chart")]
    (figure,) = [f for f in figures if {t.type for t in f.data} & {"choropleth", "scattergeo"}]
    return figure


@pytest.fixture(scope="module")
def county_db(tmp_path_factory):
    """The demo with Kenya's county boundaries and county values imported (tests/value_maps_data.py)."""
    from tests import value_maps_data

    folder = tmp_path_factory.mktemp("county-maps")
    return value_maps_data.build(folder / "gapmonitor.duckdb", folder / "files")


def test_country_page_maps_counties_by_their_own_status(county_db, monkeypatch):
    from tests import value_maps_data as data
    from gapmonitor.statuses import STATUSES

    monkeypatch.setenv("GAPMONITOR_DB", str(county_db))
    at = AppTest.from_file(str(ROOT / "pages/country.py"), default_timeout=TIMEOUT)
    at.query_params.update({"area": "KEN", "data": "Both", "end": str(data.LAST), "window": "5",
                            "sub_indicator": data.INDICATOR, "sub_group": data.GROUP})
    run(at)
    drawn = {code: t.name for t in map_of(at).data for code in t.locations}
    label = {s.code: s.label for s in STATUSES}
    assert drawn == {c: label[s] for c, s in data.expected_county_statuses(county_db).items()}
    assert any("counts its own data only" in c.value for c in at.caption)

    at.radio(key="profile_sub_view").set_value("Values")
    run(at)
    assert at.selectbox(key=f"profile_sub_{data.INDICATOR}_{data.GROUP}_series").options == [
        f"{data.COUNTRY}.{data.INDICATOR} (unit not given): Indicator {data.INDICATOR}",
        f"{data.SERIES} (%): Proportion of population using safely managed drinking water services, by urban/rural (%)"]
    assert at.query_params["series"] == data.SERIES  # the default: the series with the most values
    assert at.radio(key=f"profile_sub_{data.INDICATOR}_{data.GROUP}_values").value == "citizen"
    (shown,) = [t for t in map_of(at).data if t.name == "Citizen values"]
    assert sorted(shown.locations) == sorted(c for c, s in data.expected_county_statuses(county_db).items()
                                                   if s in ("citizen_fills_gap", "official_and_citizen"))


def test_goal_page_value_view_offers_only_series_in_the_data_shown_and_the_headline_counts_them(
        fresh, tmp_path, monkeypatch):
    # issue 14, item 8: with only an imported one-indicator citizen dataset shown, the goal's headline is
    # "1 of <the goal's indicators in the framework>", not the demo catalogue's count
    from gapmonitor import db, importer
    from gapmonitor.statuses import TIERS
    from tests.value_maps_data import DESCRIPTION

    file = tmp_path / "water_points.csv"
    file.write_text("indicator,country,Sex,period,value,lower_bound,upper_bound,sample_size\n"
                    "6.1.1,MWI,,2023,41.5,38,45,400\n6.1.1,MWI,FEMALE,2023,39,34,44,210\n", encoding="utf-8")
    with db.connect(fresh) as con:
        preview = importer.load(con, file, "citizen")
        framework = con.execute("select count(*) from indicator where goal = 6").fetchone()[0]
    importer.apply(preview, by=OPERATOR, title="Water points", source="test", description=DESCRIPTION, path=fresh)
    monkeypatch.setenv("GAPMONITOR_DB", str(fresh))

    def goal_6(data: str, **params) -> AppTest:
        at = AppTest.from_string("from pages.goal import render\nrender(6)", default_timeout=TIMEOUT)
        at.query_params.update({"data": data, "indicator": "6.1.1", "group": "total", **params})
        return run(at)

    mine = goal_6("My data", view="Values", bar=TIERS[0].bar)  # an unassessed import is of the lowest tier
    metrics = {m.label: m.value for m in mine.metric}
    assert metrics["Indicators in this database"] == f"1 of {framework}"
    assert metrics["Citizen datasets"] == "1"
    # the imported series only (a series code made from the indicator), not the demo's SH_H2O_SAFE
    assert [o.split(" ", 1)[0] for o in mine.selectbox(key="g6_6.1.1_series").options] == ["CGD_6_1_1"]
    assert mine.radio(key="g6_6.1.1_values").value == "citizen"  # the series has citizen values only
    assert any(c.value.startswith("**1 of ") and "countries have a value" in c.value for c in mine.caption)
    (with_value,) = [t for t in map_of(mine).data if t.name == "Citizen values" and t.type == "choropleth"]
    # the total, not the women's value (customdata: area, name, value)
    assert list(with_value.locations) == ["MWI"] and [row[2] for row in with_value.customdata] == [41.5]

    # at the default bar the unassessed import is below it: the message says so and how to see it, not "no values"
    hidden = goal_6("My data", view="Values")
    message = [i.value for i in hidden.info if i.value.startswith("No values of 6.1.1")][0]  # the map's; evidence repeats it
    assert "**1 citizen value of datasets below the quality bar**" in message and f"choose *{TIERS[0].bar}*" in message

    demo = goal_6("Demo data")
    metrics = {m.label: m.value for m in demo.metric}
    assert metrics["Indicators in this database"] == f"{len(demo_indicators(6))} of {framework}"
    assert len(demo_indicators(6)) > 1


def test_country_page_lists_area_statuses_where_there_are_no_boundaries(demo, demo_db):
    # the demo has no district boundaries. Malawi's school monitors (criteria 2,1,1,2,1,1,1 in
    # data/demo/citizen_datasets.csv: score 9, Medium) are below the High bar wherever they have a released
    # estimate for women (10 or more respondents) in 2021-2025
    at = AppTest.from_file(str(ROOT / "pages/country.py"), default_timeout=TIMEOUT)
    at.query_params.update({"area": "MWI", "end": "2025", "window": "5", "bar": "High", "sub_indicator": "4.1.2",
                            "sub_group": "women"})
    run(at)
    assert not at.get("plotly_chart") or all("geo" not in c.proto.spec for c in at.get("plotly_chart"))
    listed = next(t.value for t in at.dataframe if "Status" in t.value.columns)
    districts = {n for n, in demo.execute("""
        select distinct a.name from observation o join area a on a.code = o.area
        where o.dataset_id = 'cgd-malawi-school-monitors' and o.dims = 'Sex=FEMALE' and o.year between 2021 and 2025
            and o.sample_size >= 10 and o.series in (select code from series where indicator = '4.1.2')""").fetchall()}
    below = listed[listed.Status == "Citizen data below the quality bar"]
    assert set(below.Area) == districts and len(districts) > 0
    assert list(listed.Area[:len(below)]) == list(below.Area)  # areas with data first
    assert set(listed.Status[len(below):]) == {"No data"}
    assert any("No boundaries for these areas yet" in c.value for c in at.caption)


def test_country_page_names_the_areas_with_data_it_cannot_draw(fresh, monkeypatch):
    # beach litter in three Kenyan counties (tests/records/beach_litter.csv), boundaries for five counties of
    # which only Mombasa is one of them (tests/boundaries/geoboundaries_ken_adm1.geojson): Kilifi and Kwale are
    # counted on the status map but have no shape, and the page says so
    import csv
    import json

    import duckdb

    from gapmonitor import importer
    from gapmonitor.statuses import TIERS

    beaches, counties = ROOT / "tests/records/beach_litter.csv", ROOT / "tests/boundaries/geoboundaries_ken_adm1.geojson"
    with duckdb.connect(str(fresh)) as con:
        shapes = importer.load(con, counties)
        litter = importer.load(con, beaches, "records", records=ROOT / "data/templates/records/beach_litter.yaml")
    importer.apply(shapes, by=OPERATOR, title="counties", source="test", path=fresh)
    importer.apply(litter, by=OPERATOR, title="beaches", source="test", path=fresh,
                   description={"producer": "p", "producer_type": "t", "method": "m"})
    with open(beaches, encoding="utf-8") as f:
        surveyed = {r["county"] for r in csv.DictReader(f)}
    drawn = {f["properties"]["shapeName"] for f in json.loads(counties.read_text(encoding="utf-8"))["features"]}
    monkeypatch.setenv("GAPMONITOR_DB", str(fresh))
    at = AppTest.from_file(str(ROOT / "pages/country.py"), default_timeout=TIMEOUT)
    at.query_params.update({"area": "KEN", "data": "My data", "end": "2023", "bar": TIERS[0].bar,
                            "sub_indicator": "14.1.1", "sub_group": "total"})
    run(at)
    missing = sorted(surveyed - drawn)
    assert missing == ["Kilifi", "Kwale"]
    assert any(c.value == f"2 areas with data but no boundary, so not on the map: {', '.join(missing)}."
               for c in at.caption), [c.value for c in at.caption]


def test_the_data_page_writes_the_preview_it_showed_and_reads_a_file_again_only_when_something_changed(
        fresh, tmp_path, monkeypatch):
    # The Import button reruns the page: the preview it showed is kept in the session (ui.import_preview),
    # not made again from the file; another file, other options or a new database version make a new one.
    from gapmonitor import importer
    from tests.value_maps_data import DESCRIPTION

    monkeypatch.setenv("GAPMONITOR_DB", str(fresh))
    reads = []
    load = importer.load
    monkeypatch.setattr(importer, "load", lambda *a, **k: reads.append(a[1]) or load(*a, **k))
    file = tmp_path / "water_points.csv"
    file.write_text("indicator,country,Sex,period,value,lower_bound,upper_bound,sample_size\n"
                    "6.1.1,MWI,,2023,41.5,38,45,400\n", encoding="utf-8")

    def page():
        import streamlit as st

        from gapmonitor import ui
        preview = ui.import_preview(st.session_state["file"], "citizen", "water_points.csv",
                                    country=st.session_state.get("country"))
        st.session_state.setdefault("seen", []).append(preview)

    at = AppTest.from_function(page, default_timeout=TIMEOUT)
    at.session_state["file"] = str(file)
    run(at)
    run(at)  # the Import button's rerun
    seen = at.session_state["seen"]
    assert len(reads) == 1 and seen[0] is seen[1] and seen[0].to_write == 1
    at.session_state["country"] = "MWI"  # another option: read again
    run(at)
    assert len(reads) == 2 and at.session_state["seen"][2] is not seen[0]
    importer.apply(seen[0], by=OPERATOR, title="Water points", source="test", description=DESCRIPTION, path=fresh)
    run(at)  # the database changed: what was previewed against it is stale
    assert len(reads) == 3 and at.session_state["seen"][3].already == seen[0].dataset_id
