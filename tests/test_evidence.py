"""What a view says (gapmonitor/evidence.py): the page's defaults and words, figures counted again from the
database or the shipped reference files, the link that restores the view, and what is missing or empty."""

import ast
import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from gapmonitor import db, derived, evidence, maps
from gapmonitor.evidence import View
from gapmonitor.statuses import STATUSES

ROOT = Path(__file__).resolve().parents[1]
RULES = dict(first_year=2021, last_year=2025, min_tier=2, scope="all", endorsed_only=False)  # the demo's defaults


@pytest.fixture(scope="module")
def con(demo_db):
    connection = db.connect(demo_db)
    yield connection
    connection.close()


def literal(path: Path, name: str):
    """The value of a top-level assignment in a page file (read, not run: a page runs Streamlit)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError(name)


def test_the_pages_and_the_evidence_share_defaults_and_words():
    from gapmonitor import ui

    assert ui.DEMO_NOTICE is evidence.DEMO_NOTICE
    assert evidence.DEFAULT_WINDOW == ui.DEFAULT_WINDOW
    assert evidence.SCOPES == ui.SCOPES
    assert evidence.GOAL_VIEWS == literal(ROOT / "pages/goal.py", "VIEWS")
    assert evidence.SUB_VIEWS == literal(ROOT / "pages/country.py", "SUB_VIEWS")


def test_a_goal_view_resolves_like_the_page(con):
    found = evidence.of(View("goal-5", {"indicator": "5.2.1", "group": "women"}), con)
    assert found.missing is None and found.empty is None
    with (ROOT / "data/reference/goals.csv").open(encoding="utf-8") as f:
        colour = next(r["colour"] for r in csv.DictReader(f) if r["goal"] == "5")
    assert found.colour == colour  # the official goal colour
    assert found.title == "Goal 5 · Gender Equality: 5.2.1 for Women and girls"
    for words in ("5.2.1", "Proportion of ever-partnered women and girls", "Women and girls", "2021–2025",
                  "quality bar Medium"):
        assert words in found.subtitle
    assert [p.name for p in found.pictures] == ["Map", "Coverage matrix", "Values over time"]
    # the map is the page's status map: one trace per status, named in the registry's words
    assert [t.name for t in found.figure.data if t.type == "choropleth"] == [s.label for s in STATUSES]
    assert found.demo == evidence.DEMO_NOTICE
    # the defaults the page would have used, written into the link
    assert {k: found.view.params[k] for k in ("window", "end", "bar", "endorsed", "view")} == {
        "window": "5", "end": "2025", "bar": "Medium", "endorsed": "no", "view": "Gap status"}


def test_a_goal_view_counts_what_the_database_holds(con, demo):
    found = evidence.of(View("goal-5", {"indicator": "5.2.1", "group": "women"}), con)
    figures = dict(found.key_figures)
    with (ROOT / "data/reference/indicators.csv").open(encoding="utf-8") as f:
        framework = sum(1 for r in csv.DictReader(f) if r["goal"] == "5")
    listed = db.query(con, "indicators_for_goal", goal=5, scope="all")
    assert figures["Indicators in this database"] == f"{int(listed.in_database.sum())} of {framework}"
    # the statuses of the countries, counted straight from the query the map draws
    statuses = db.query(con, "gap_status_by_area", indicator="5.2.1", group_id="women", **RULES).status
    for status in STATUSES:
        n = int((statuses == status.code).sum())
        if n:
            assert figures[status.label] == f"{n} countr{'y' if n == 1 else 'ies'}"
        else:
            assert status.label not in figures  # the page lists only the statuses present
    # citizen estimates of 5.2.1 in the period, and their datasets, from the tables themselves: their one series
    # measures women by definition (data/reference/series_groups.csv), so every one of them counts for women
    estimates, datasets, series = demo.execute("""
        select count(*), count(distinct o.dataset_id), list(distinct o.series) from observation as o
        join series as s on s.code = o.series join dataset as d on d.dataset_id = o.dataset_id
        where s.indicator = '5.2.1' and d.kind = 'citizen' and o.year between 2021 and 2025
    """).fetchone()
    with (ROOT / "data/reference/series_groups.csv").open(encoding="utf-8") as f:
        assert {r["group_id"] for r in csv.DictReader(f) if r["series"] in series} == {"women"}
    assert estimates > 0
    said = " ".join(found.citizen)
    assert f"{estimates} citizen estimates of 5.2.1 for Women and girls in 2021–2025" in said
    assert said.count("quality tier") == datasets


def test_the_link_restores_the_view(con, monkeypatch):
    monkeypatch.setenv(evidence.BASE_URL_SETTING, "https://monitor.example.org/sdg/")
    found = evidence.of(View("goal-5", {"indicator": "5.2.1", "group": "rural", "view": "Values"}), con)
    assert found.link.startswith("https://monitor.example.org/sdg/goal-5?")
    again = evidence.of(View.parse(found.link), con)
    assert again.view == found.view
    assert (again.title, again.subtitle, again.key_figures) == (found.title, found.subtitle, found.key_figures)


def test_a_value_view_with_no_values_is_empty_and_says_so(con):
    values = db.query(con, "latest_values_by_area", indicator="5.2.1", group_id="rural", country=None, **RULES)
    assert values.empty  # the demo has no value of 5.2.1 for rural people: the premise of this test
    found = evidence.of(View("goal-5", {"indicator": "5.2.1", "group": "rural", "view": "Values"}), con)
    assert found.empty.startswith("No values of 5.2.1 for Rural population in 2021–2025")
    assert "Map" not in [p.name for p in found.pictures]
    assert found.key_figures and found.link and found.method  # the rest of the view is still there


def test_a_value_view_shows_the_series_with_most_values(con):
    found = evidence.of(View("goal-5", {"indicator": "5.5.1", "group": "women", "view": "Values"}), con)
    values = db.query(con, "latest_values_by_area", indicator="5.5.1", group_id="women", country=None, **RULES)
    counts = values[[f"{k}_value" for k in maps.VALUE_KINDS]].notna().sum(axis=1).groupby(values.series).sum()
    assert found.view.params["series"] == counts.idxmax()
    shown = values[values.series == counts.idxmax()]
    figures = dict(found.key_figures)
    kind = found.view.params["values"]
    assert figures["Countries with a value"] == f"{int(shown[kind + '_value'].notna().sum())} of {len(shown)}"


@pytest.mark.parametrize("view, words", [
    (View("goal-5", {"indicator": "5.9.9"}), "Indicator 5.9.9 is not in this database"),
    (View("goal-5", {"indicator": "5.2.1", "group": "martians"}), "Group 'martians' is not in this database"),
    (View("goal-18", {}), "There is no page goal-18"),
    (View("country", {"area": "ATL"}), "Area ATL is not a country in this database"),
    (View("citizen", {"dataset": "removed-survey"}), "Citizen dataset 'removed-survey' is not in this database"),
])
def test_what_the_database_does_not_hold_is_named(con, view, words):
    found = evidence.of(view, con)
    assert found.missing.startswith(words)
    assert found.pictures == () and found.notice == found.missing


def test_a_country_profile_counts_its_cells(con, demo):
    found = evidence.of(View("country", {"area": "KEN", "goal": "6"}), con)
    matrix = db.query(con, "status_by_indicator_and_group", area="KEN", **RULES)
    cells = matrix[matrix.in_database]
    figures = dict(found.key_figures)
    for status in STATUSES:  # all five, as the page's metrics
        assert figures[status.label] == str(int((cells.status == status.code).sum()))
    assert found.pictures[0].name == "Indicators × groups"
    assert found.pictures[0].legend == tuple((s.label, s.colour) for s in STATUSES)
    covering = demo.execute("""
        select count(distinct o.dataset_id) from observation as o join area as a on a.code = o.area
        join dataset as d on d.dataset_id = o.dataset_id where d.kind = 'citizen' and coalesce(a.parent, a.code) = 'KEN'
    """).fetchone()[0]
    assert f"{covering} citizen datasets cover Kenya" in " ".join(found.citizen)


def test_a_country_profile_of_all_goals_sums_up_by_goal(con):
    found = evidence.of(View("country", {"area": "KEN"}), con)
    assert [p.name for p in found.pictures] == ["Coverage by goal and group", "Indicators × groups"]
    matrix = db.query(con, "status_by_indicator_and_group", area="KEN", **RULES)
    cells = matrix[matrix.in_database & (matrix.goal == 6) & (matrix.group_id == "women")]
    share = 100 * cells.status.isin(["official", "official_and_citizen", "citizen_fills_gap"]).mean()
    heat = found.pictures[0].figure.data[0]
    row = list(heat.y).index("Goal 6: Clean Water and Sanitation")
    column = list(heat.x).index("Women and girls")
    assert heat.z[row][column] == pytest.approx(share)


def test_a_citizen_dataset_says_how_far_to_trust_it(con, demo):
    found = evidence.of(View("citizen", {"dataset": "cgd-kenya-county-water"}), con)
    figures = dict(found.key_figures)
    suppressed, total = demo.execute("""select count(*) filter (where reliability = 'suppressed'), count(*)
        from released_observation where dataset_id = 'cgd-kenya-county-water'""").fetchone()
    assert figures["Estimates"] == str(total) and figures["Suppressed"] == str(suppressed)
    level, review = demo.execute("""select participation_level, nso_review from citizen_dataset
        where dataset_id = 'cgd-kenya-county-water'""").fetchone()
    assert figures["Participation"] == f"{level} of 5"
    assert figures["Statistical office review"] == review.capitalize()
    assert f"participation {level} of 5" in " ".join(found.citizen)
    assert [p.name for p in found.pictures] == ["Map"]
    assert [s.title for s in found.sources if s.kind == "citizen"] == ["County household water and sanitation survey"]


def test_no_demo_label_without_demo_data(demo_db, tmp_path):
    path = tmp_path / "own.duckdb"
    shutil.copyfile(demo_db, path)
    with duckdb.connect(str(path)) as rw:  # the same data, imported as the user's own
        rw.execute("update dataset set is_demo = false")
        derived.refresh(rw)
    connection = db.connect(path)
    try:
        found = evidence.of(View("goal-5", {"indicator": "5.2.1", "group": "women"}), connection)
        assert found.demo is None and found.missing is None
        cited = evidence.of(View("citizen", {"dataset": "cgd-kenya-county-water"}), connection)
        assert cited.demo is None
    finally:
        connection.close()
