"""Not loaded is not no data (issue 13, part 5): an indicator with no series in the data shown is *not in
this database* and has no expected cells; *no data* is a cell of an indicator that is in it.

Expected values are reasoned from the rule (indicator_in_scope, expected_pairs, gap_cells in
gapmonitor/schema/gap_rules.sql) and from the real file imported, read by eye:
../shared/realdata/un_sdg_global_db/unsdg_1.4.2_t142.csv holds indicator 1.4.2 only (series SP_LGL_LNDDOC,
SP_LGL_LNDSTR, SP_LGL_LNDSEC; Sex BOTHSEX or FEMALE; 34 countries; 2011-2018). Albania has 2018 values for
both sexes and for women; Belgium only 2011 values; Kenya none."""

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from conftest import REALDATA, ROOT
from gapmonitor import db, importer
from gapmonitor.goals import GOALS
from tests.actors import OPERATOR

FILE = REALDATA / "un_sdg_global_db" / "unsdg_1.4.2_t142.csv"
WINDOW = {"first_year": 2014, "last_year": 2018, "min_tier": 2, "endorsed_only": False}  # the file's last 5 years
TIMEOUT = 60
# 1.4.2's title ("Proportion of total adult population with secure tenure rights to land ... by sex and type
# of tenure") speaks of population, so every 2030 Agenda group is expected (expected_groups.sql); it does
# not speak of age ("adult" is not the word "age"), children, youth or older persons: 7 groups.
GROUPS_142 = {"total", "women", "rural", "poorest", "disability", "migrants", "indigenous"}


def countries(con) -> int:
    return con.execute("select count(*) from area where kind = 'country'").fetchall()[0][0]


@pytest.fixture
def imported(fresh):
    """The demo database with the one real file imported (user data: scope 'user')."""
    if not FILE.exists():
        pytest.skip(f"{FILE} is not there")
    with db.connect(fresh) as con:
        preview = importer.load(con, FILE)
    importer.apply(preview, by=OPERATOR, title="UN SDG 1.4.2", source="test", path=fresh)
    con = duckdb.connect(str(fresh), read_only=True)
    yield con
    con.close()


def test_demo_database_in_scope_user_has_nothing_in_it(demo):
    # the demo database holds no imported data: in scope 'user' no indicator is in it, so nothing is expected
    assert demo.execute("select count(*) from indicator_in_scope where scope = 'user'").fetchall() == [(0,)]
    assert demo.execute("select count(*) from gap_cells(2021, 2025, 2, 'user')").fetchall() == [(0,)]
    rules = {**WINDOW, "scope": "user"}
    for goal in GOALS:
        summary = db.query(demo, "goal_summary", goal=goal.number, **rules).iloc[0]
        assert summary.indicators_in_database == 0 and summary.cells == 0, goal.number
        assert summary.official_pct is None or summary.official_pct != summary.official_pct  # null, not 0%
    goals = db.query(demo, "goals_in_database", scope="user")
    assert len(goals) == 17 and not goals.in_database.any()
    assert db.query(demo, "coverage_by_goal_and_group", **rules).empty
    assert db.query(demo, "coverage_by_area", goal=None, **rules).empty
    kenya = db.query(demo, "status_by_indicator_and_group", area="KEN", **rules)
    assert len(kenya) > 0 and set(kenya.status) == {"not_in_database"} and not kenya.in_database.any()
    gaps = db.query(demo, "gap_status_by_area", indicator="5.2.1", group_id="women", **rules)
    assert len(gaps) == countries(demo) and set(gaps.status) == {"not_in_database"}


def test_demo_scope_counts_every_indicator_of_the_demo_catalogue(demo):
    # the demo data has observations of every series of its catalogue: every indicator with series is in it,
    # so its expected cells are all expected pairs times the countries, as before the rule
    for scope in ("demo", "all"):
        summary = db.query(demo, "goal_summary", goal=5, **WINDOW, scope=scope).iloc[0]
        pairs = demo.execute("select count(*) from expected_group e join indicator i on i.code = e.indicator "
                             "where i.goal = 5").fetchall()[0][0]
        assert summary.indicators_in_database == summary.indicators_with_series
        assert summary.cells == pairs * countries(demo)


def test_one_import_puts_only_its_indicator_in_the_database(imported):
    con = imported
    assert con.execute("select indicator from indicator_in_scope where scope = 'user'").fetchall() == [("1.4.2",)]
    groups = {g for g, in con.execute("select group_id from expected_group where indicator = '1.4.2'").fetchall()}
    assert groups == GROUPS_142
    cells = con.execute("select indicator, count(*) from gap_cells(2014, 2018, 2, 'user') group by all").fetchall()
    assert cells == [("1.4.2", 7 * countries(con))]  # 7 expected groups x every country, and no other indicator

    rules = {**WINDOW, "scope": "user"}
    summary = db.query(con, "goal_summary", goal=1, **rules).iloc[0]
    assert (summary.indicators_in_database, summary.cells) == (1, 7 * countries(con))
    assert summary.series_in_database == 3  # SP_LGL_LNDDOC, SP_LGL_LNDSTR, SP_LGL_LNDSEC
    goal2 = db.query(con, "goal_summary", goal=2, **rules).iloc[0]
    assert (goal2.indicators_in_database, goal2.cells) == (0, 0)

    listed = db.query(con, "indicators_for_goal", goal=1, scope="user")
    assert set(listed.indicator[listed.in_database]) == {"1.4.2"}
    assert len(listed[~listed.in_database]) == len(listed) - 1 >= 1  # Goal 1's other indicators: not in it

    goals = db.query(con, "goals_in_database", scope="user")
    assert list(goals.goal[goals.in_database]) == [1]
    heat = db.query(con, "coverage_by_goal_and_group", **rules)
    assert set(heat.goal) == {1} and set(heat.group_id) == GROUPS_142
    assert set(heat.cells) == {countries(con)}  # one indicator: one cell per country and group

    matrix = db.query(con, "coverage_by_indicator_and_group", goal=1, **rules)
    assert set(matrix.indicator[matrix.in_database]) == {"1.4.2"}
    others = matrix[~matrix.in_database]
    assert len(others) > 0 and (others.cells == 0).all() and others.with_citizen_pct.isna().all()


def test_a_country_with_data_shows_its_status_and_one_without_says_no_data(imported):
    rules = {**WINDOW, "scope": "user"}
    women = db.query(imported, "gap_status_by_area", indicator="1.4.2", group_id="women", **rules).set_index("area")
    assert women.status["ALB"] == "official"  # Albania: women's values in 2018
    assert women.status["BEL"] == "no_data"  # Belgium: only 2011, before the window
    assert women.status["KEN"] == "no_data"  # Kenya: not in the file
    other = db.query(imported, "gap_status_by_area", indicator="1.1.1", group_id="women", **rules)
    assert set(other.status) == {"not_in_database"}

    albania = db.query(imported, "status_by_indicator_and_group", area="ALB", **rules)
    mine = albania[albania.indicator == "1.4.2"].set_index("group_id").status
    # both sexes (total) and women have 2018 values; the file has no other group
    assert mine.to_dict() == {g: "official" if g in ("total", "women") else "no_data" for g in GROUPS_142}
    rest = albania[albania.indicator != "1.4.2"]
    assert len(rest) > 0 and set(rest.status) == {"not_in_database"} and not rest.in_database.any()
    kenya = db.query(imported, "status_by_indicator_and_group", area="KEN", **rules)
    assert set(kenya.status[kenya.indicator == "1.4.2"]) == {"no_data"}


def test_the_demo_scope_keeps_its_figures_after_an_import(demo, imported):
    for goal in (1, 2, 5):
        before = db.query(demo, "goal_summary", goal=goal, **WINDOW, scope="demo")
        after = db.query(imported, "goal_summary", goal=goal, **WINDOW, scope="demo")
        assert before.equals(after), goal


def test_a_partial_rebuild_of_indicator_in_scope_equals_a_full_one(imported, fresh):
    # the import rebuilt only 1.4.2's derived rows; a write of nothing rebuilds everything
    read = "select * from indicator_in_scope order by all"
    partial = imported.execute(read).fetchall()
    imported.close()
    with db.writing(fresh):
        pass
    with duckdb.connect(str(fresh), read_only=True) as con:
        assert con.execute(read).fetchall() == partial


def app(path, monkeypatch, script: str) -> AppTest:
    monkeypatch.setenv("GAPMONITOR_DB", str(path))
    at = AppTest.from_string(script, default_timeout=TIMEOUT) if "\n" in script else \
        AppTest.from_file(str(ROOT / script), default_timeout=TIMEOUT)
    at.query_params["data"] = "My data"
    at.run(timeout=TIMEOUT)
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_pages_say_not_in_this_database(imported, fresh, monkeypatch):
    imported.close()
    goal1 = app(fresh, monkeypatch, "from pages.goal import render\nrender(1)\n")
    box = goal1.selectbox(key="g1_indicator")
    assert box.value == "1.4.2"  # the first indicator in the database, not the first of the list
    marked = [o for o in box.options if o.endswith("not in this database")]
    assert len(marked) == len(box.options) - 1
    metrics = {m.label: m.value for m in goal1.metric}
    assert metrics["Indicators in this database"] == "1 of 13"  # Goal 1 has 13 indicators in the framework
    assert metrics["Series in this database"].startswith("3 of ")  # the file has 3 series

    goal2 = app(fresh, monkeypatch, "from pages.goal import render\nrender(2)\n")
    assert any("not in this database" in i.value for i in goal2.info)
    assert "—" in [m.value for m in goal2.metric]  # no coverage figure rather than 0%
    assert not goal2.get("plotly_chart")

    overview = app(fresh, monkeypatch, "pages/overview.py")
    assert any("1 of " in m.value and "not in this database" in m.value for m in overview.markdown)

    profile = app(fresh, monkeypatch, "pages/country.py")  # Kenya by default: not in the file
    metrics = {m.label: m.value for m in profile.metric}
    assert metrics["No data"] == "7" and metrics["Official data"] == "0"  # 1.4.2's seven groups, and only them


def test_about_states_the_rule(imported, fresh, monkeypatch):
    imported.close()
    about = app(fresh, monkeypatch, "pages/about.py")
    text = " ".join(m.value for m in about.markdown)
    assert "Not in this database is not no data" in text and "in any country, region or subnational area" in text
