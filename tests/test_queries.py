"""Every query file runs against the demo database and says what one row of its result is."""

import re

import pytest

from gapmonitor import db

QUERIES = sorted(p.stem for p in db.QUERY_DIR.glob("*.sql"))
SAMPLE = {"goal": 5, "first_year": 2021, "last_year": 2025, "min_tier": 2, "indicator": "5.2.1",
          "group_id": "women", "area": "KEN", "country": "KEN", "scope": "all",
          "endorsed_only": False, "dataset": "cgd-disability-scorecard",
          "action": None, "actor": None, "first_day": None, "last_day": None,  # the audit log's filters: all
          "role": "steward", "organisation": "National Statistical Office", "username": "grace"}  # who asks

# Where a query's sample differs: the world's values (no country), not the subnational ones (their own test)
OVERRIDES = {"latest_values_by_area": {"country": None}}


def params_of(name: str) -> dict:
    return {p: OVERRIDES.get(name, {}).get(p, SAMPLE[p]) for p in db.parameters(name)}


def test_there_are_queries():
    assert len(QUERIES) >= 10


@pytest.mark.parametrize("name", QUERIES)
def test_first_line_says_what_a_row_is(name):
    assert re.match(r"-- one row\b", db.sql(name)), f"{name}.sql must start with '-- one row ...'"


@pytest.mark.parametrize("name", QUERIES)
def test_query_runs_and_returns_rows(demo, name):
    result = db.query(demo, name, **params_of(name))
    assert len(result) > 0, f"{name} returned no rows on the demo data"


@pytest.mark.parametrize("name", QUERIES)
def test_values_are_bound_not_pasted(name):
    # parameters are DuckDB named parameters; no Python formatting placeholders in query files
    text = db.sql(name)
    assert "{" not in text and "%s" not in text


def test_unknown_or_path_like_query_names_are_refused():
    for bad in ["../schema", "x; drop table area", "Countries"]:
        with pytest.raises(ValueError):
            db.sql(bad)


def test_null_filters_mean_all(demo):
    # coverage_by_area with no goal covers all goals: more cells per country than with one goal
    rules = {"first_year": 2021, "last_year": 2025, "min_tier": 2, "scope": "all", "endorsed_only": False}
    everything = db.query(demo, "coverage_by_area", goal=None, **rules)
    one_goal = db.query(demo, "coverage_by_area", goal=5, **rules)
    assert everything.cells.sum() > one_goal.cells.sum()
    expected = demo.execute("""
        select count(*) from expected_group e join indicator i on i.code = e.indicator where i.goal = 5
    """).fetchone()[0]
    # every country has one cell per (indicator, expected group) of goal 5
    assert set(one_goal.cells) == {expected}


def test_observations_filter_by_group_country_and_years(demo):
    rows = db.query(demo, "observations", indicator="5.2.1", group_id="women", country="KEN",
                    first_year=2021, last_year=2025, scope="all")
    assert set(rows.group_id) <= {"women"} and set(rows.country) <= {"KEN"}
    assert rows.year.between(2021, 2025).all()
    direct = demo.execute("""
        select count(*) from observation o join series s on s.code = o.series join area a on a.code = o.area
        join dataset d using (dataset_id)
        where s.indicator = '5.2.1' and coalesce(a.parent, a.code) = 'KEN'
            -- women by a dimension value, or by the series' own definition (5.2.1's: women and girls)
            and (o.dims like '%Sex=FEMALE%' or o.series in (select series from series_group where group_id = 'women'))
            and o.year between 2021 and 2025 and (d.kind = 'official' or o.sample_size >= 10)
    """).fetchone()[0]
    assert len(rows) == direct


def test_a_missing_parameter_is_an_error_and_extra_ones_are_left_out(demo):
    with pytest.raises(TypeError, match="first_year"):
        db.query(demo, "coverage_by_area", goal=5, last_year=2025, min_tier=2, scope="all", endorsed_only=False)
    rows = db.query(demo, "countries", goal=5)  # countries takes no parameter
    assert len(rows) > 200


def test_data_sources_counts_each_datasets_rows_and_lists_one_without_any(fresh):
    with db.writing(fresh) as con:  # a dataset with no observations yet (as a boundaries import is)
        con.execute("insert into dataset (dataset_id, kind, title, source, is_demo) "
                    "values ('empty', 'reference', 'Nothing yet', 'test', false)")
    with db.connect(fresh) as con:
        sources = db.query(con, "data_sources").set_index("dataset_id")
        rows = dict(con.execute("select dataset_id, count(*) from observation group by dataset_id").fetchall())
    assert sources.index.is_unique and len(sources) == len(rows) + 1
    assert sources.observations.drop("empty").to_dict() == rows
    assert sources.observations["empty"] == 0
    assert sources.index[0] == "empty"  # users' datasets come before the demo data
