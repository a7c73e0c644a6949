"""Confidentiality, tested as a property: no suppressed citizen value ever leaves the database.

The rule (gapmonitor/schema/, macros `suppressed` and `reliability`, view `released_observation`):
a citizen observation (dataset.kind = 'citizen') behind fewer respondents or records than the setting
min_sample_size, or behind an unknown number (sample_size null), is suppressed, and so is the smallest
other cell of a set of siblings that would otherwise hold it alone (complementary suppression, table
`withheld`, gapmonitor/suppression.sql; modelled independently in World.withheld). Its row stays visible,
marked reliability = 'suppressed', but its value, lower_bound, upper_bound and sample_size are null,
and it does not count in the gap rules (observation_group, cell_year, gap_cells). Between
min_sample_size and reliable_sample_size it is released, marked 'low reliability'.

Every place a value can leave the database, and so every place this file checks:

* every named query in queries/*.sql. Pages hold no SQL (tests/test_layout.py checks that) and get
  all their data through gapmonitor.db.query, so maps, their tooltips, tables, charts and CSV
  downloads (built from the same frames) can show only what these queries return. Today:
  - maps: coverage_by_area, gap_status_by_area, subnational_areas (boundaries and counts),
    dataset_coverage_by_area, countries;
  - tables, charts and downloads of values: observations, dataset_estimates, official_vs_citizen;
  - gap statuses and coverage figures: coverage_by_goal_and_group, coverage_by_indicator_and_group,
    status_by_indicator_and_group, goal_summary, gaps_filled_by_citizen_data;
  - datasets and their descriptions: data_sources, citizen_datasets, citizen_dataset,
    citizen_datasets_for_area;
  - reference and settings: indicators_for_goal, population_groups, year_range, settings.
  The queries are discovered with db.QUERY_DIR.glob('*.sql'), so a query added later is covered
  without touching this file; one that takes a parameter this file has no values for fails the test
  until values are added to PARAMETER_VALUES.
* the view released_observation and the derived table cell_year, which the queries read (checked
  directly as well, against an oracle computed here in Python).

Raw citizen records are never stored: gapmonitor/formats/records.py turns them into estimates (one per area,
group and period, with its sample size) in a temporary DuckDB view and passes only the estimates on
to the importer, so the observation table is the only place a citizen value lives.

Every generated citizen observation gets a distinctive value (5000 + 10k + 0.123, bounds value +- 0.5)
that no official value, year, count or percentage can come near, so a suppressed value is recognised
wherever it turns up: in a numeric column (also rounded to one decimal) or inside text. A column
whose name says sample size must hold no number below the threshold in a citizen row. Each query runs
with its broadest parameters (every nullable filter null, the full window, scope 'all', the lowest
bar) and then with enough combinations that every value of every parameter meets every value of
every other (a pairwise covering: the full product would take seconds per example).
"""

import itertools
import math
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gapmonitor import db, derived, importer
from gapmonitor.formats import records
from gapmonitor.formats.records import RecordSpec
from tests.actors import OPERATOR

YEARS = (2015, 2024)
QUERIES = sorted(p.stem for p in db.QUERY_DIR.glob("*.sql"))

# The hand-made reference: two goals, two indicators, three series, three countries, two subnational
# areas, four groups (plus one dimension value that maps to no group), one official dataset and three
# citizen datasets of tiers 3 (endorsed), 2 (demo data, under review) and 1.
CITIZEN = {  # dataset -> (tier, endorsed, is_demo)
    "hi": (3, True, False),
    "mid": (2, False, True),
    "lo": (1, False, False),
}
SERIES = {"S1": "1.1.1", "S2": "1.1.1", "S5": "5.2.1"}
PARENT = {"AAA": "AAA", "BBB": "BBB", "CCC": "CCC", "AAA-1": "AAA", "BBB-1": "BBB"}
MAPPING = {("Sex", "FEMALE"): "women", ("Location", "RURAL"): "rural", ("Disability", "YES"): "disability"}
DIMS = ["", "Sex=FEMALE", "Location=RURAL", "Location=RURAL|Sex=FEMALE", "Disability=YES", "Sex=MALE",
        "Location=URBAN", "Location=URBAN|Sex=FEMALE", "Location=RURAL|Sex=MALE"]  # siblings: complementary suppression
# Official observations: (series, area, dims, year, value, sample_size). Official data is released as
# published, whatever its sample size.
OFFICIAL = [
    ("S1", "AAA", "Sex=FEMALE", 2018, 12.5, None),
    ("S5", "BBB", "", 2020, 33.25, None),
    ("S1", "AAA-1", "Location=RURAL", 2021, 41.75, None),
    ("S5", "CCC", "Sex=FEMALE", 2016, 7.5, 3),
    ("S2", "CCC", "Location=RURAL|Sex=FEMALE", 2023, 64.0, None),
]

REFERENCE = """
    insert into goal (goal, short_title, title, colour, theme) values
        (1, 'No Poverty', 'End poverty', '#E5243B', 'People'),
        (5, 'Gender Equality', 'Achieve gender equality', '#FF3A21', 'People');
    insert into indicator (code, goal, target, title, tier, custodian, sort_key) values
        ('1.1.1', 1, '1.1', 'Poverty headcount', 'Tier I', 'World Bank', '001.001.001'),
        ('5.2.1', 5, '5.2', 'Violence against women', 'Tier II', 'UN Women', '005.002.001');
    insert into series (code, indicator, description, unit, higher_is_better) values
        ('S1', '1.1.1', 'Series one', 'PERCENT', false),
        ('S2', '1.1.1', 'Series two', 'PERCENT', false),
        ('S5', '5.2.1', 'Series five', 'PERCENT', false);
    insert into area (code, local_code, name, kind) values
        ('AAA', 'AAA', 'Aland', 'country'), ('BBB', 'BBB', 'Bland', 'country'), ('CCC', 'CCC', 'Cland', 'country');
    insert into area (code, local_code, name, kind, parent) values
        ('AAA-1', '1', 'North Aland', 'subnational', 'AAA'), ('BBB-1', '1', 'East Bland', 'subnational', 'BBB');
    insert into population_group (group_id, label, sort, definition) values
        ('total', 'Total', 0, 'headline'), ('women', 'Women', 1, 'f'), ('rural', 'Rural', 2, 'r'),
        ('disability', 'Disability', 3, 'd'), ('poorest', 'Poorest', 4, 'p'), ('migrants', 'Migrants', 5, 'm'),
        ('indigenous', 'Indigenous', 6, 'i');
    insert into group_mapping (dimension, dim_value, group_id) values
        ('Sex', 'FEMALE', 'women'), ('Location', 'RURAL', 'rural'), ('Disability', 'YES', 'disability');
    insert into expected_group (indicator, group_id) values
        ('1.1.1', 'women'), ('1.1.1', 'rural'), ('5.2.1', 'women');
    insert into dataset (dataset_id, kind, title, source, is_demo) values
        ('off', 'official', 'Official', 'NSO', false),
        ('hi', 'citizen', 'High tier', 'CSO one', false),
        ('mid', 'citizen', 'Medium tier', 'CSO two', true),
        ('lo', 'citizen', 'Low tier', 'CSO three', false);
    -- criteria all 2 -> tier 3; all 1 (score 7) -> tier 2; all 0 -> tier 1
    insert into citizen_dataset (dataset_id, producer, producer_type, method, nso_review, participation_level,
        relevance, methodology, accuracy, timeliness, coherence, ethics, confidentiality) values
        ('hi', 'P1', 'CSO', 'survey', 'endorsed', 5, 2, 2, 2, 2, 2, 2, 2),
        ('mid', 'P2', 'CSO', 'survey', 'under review', 3, 1, 1, 1, 1, 1, 1, 1),
        ('lo', 'P3', 'CSO', 'reports', 'not reviewed', 2, 0, 0, 0, 0, 0, 0, 0);
"""

# Values of each query parameter that cover the reference above; None is added where the query
# treats null as "all" (it casts the parameter: $group_id::varchar is null, only_goal := $goal::integer).
# first_year/last_year come in pairs, from World.windows.
PARAMETER_VALUES = {
    "goal": [1, 5],
    "indicator": ["1.1.1", "5.2.1"],
    "group_id": ["total", "women", "rural", "disability"],
    "area": ["AAA", "BBB", "CCC"],
    "country": ["AAA", "BBB", "CCC"],
    "scope": ["all", "user"],  # 'mid' is demo data: in 'all', not in 'user'

    "min_tier": [1, 2, 3],
    "endorsed_only": [False, True],
    "dataset": ["off", "hi", "mid", "lo"],
    # the audit log's filters (it holds no observation values; these only make it run)
    "action": ["import"],
    "actor": ["gapmonitor"],
    "first_day": [date(2020, 1, 1)],
    "last_day": [date(2030, 12, 31)],
    # who asks (the queries of submissions): the office sees every dataset's estimates, as released
    "role": ["viewer", "contributor", "steward"],
    "organisation": ["CSO one"],
    "username": ["someone"],
}


@dataclass(frozen=True)
class Obs:
    dataset: str
    series: str
    area: str
    dims: str
    year: int
    value: float
    lower: float | None
    upper: float | None
    sample_size: int | None

    @property
    def key(self) -> tuple:
        return (self.dataset, self.series, self.area, self.dims, self.year)

    @property
    def kind(self) -> str:
        return "citizen" if self.dataset in CITIZEN else "official"

    def suppressed(self, min_n: int) -> bool:
        return self.kind == "citizen" and (self.sample_size is None or self.sample_size < min_n)

    def reliability(self, min_n: int, reliable_n: int) -> str | None:
        if self.kind != "citizen":
            return None
        if self.suppressed(min_n):
            return "suppressed"
        return "low reliability" if self.sample_size < reliable_n else "reliable"

    def groups(self) -> set[str]:
        if self.dims == "":
            return {"total"}
        return {MAPPING[tuple(p.split("=", 1))] for p in self.dims.split("|") if tuple(p.split("=", 1)) in MAPPING}


@dataclass(frozen=True)
class World:
    citizen: tuple[Obs, ...]
    min_n: int
    reliable_n: int
    windows: tuple[tuple[int, int], ...] = (YEARS,)

    @property
    def official(self) -> list[Obs]:
        return [Obs("off", s, a, d, y, v, None, None, n) for s, a, d, y, v, n in OFFICIAL]

    @property
    def withheld(self) -> set[tuple]:
        """Keys of the citizen observations withheld: too few respondents (primary), then, pass after
        pass, in every set of siblings (same dataset, series, area and year; dimension keys differing in
        one dimension's value) holding exactly one withheld cell, the smallest other one (complementary)."""
        held = {o.key for o in self.citizen if o.suppressed(self.min_n)}
        sets: dict[tuple, list[Obs]] = {}
        for o in self.citizen:
            parts = o.dims.split("|") if o.dims else []
            for i, part in enumerate(parts):
                pattern = "|".join(parts[:i] + [part.split("=")[0] + "=*"] + parts[i + 1:])
                sets.setdefault((o.dataset, o.series, o.area, o.year, pattern), []).append(o)
        while True:  # each pass decides from the cells withheld before it, as one SQL statement does
            added = {min((o for o in members if o.key not in held), key=lambda o: (o.sample_size, o.dims)).key
                     for members in sets.values()
                     if len(members) >= 2 and sum(o.key in held for o in members) == 1}
            if not added:
                return held
            held |= added

    @property
    def suppressed(self) -> list[Obs]:
        held = self.withheld
        return [o for o in self.citizen if o.key in held]


def citizen_value(k: int) -> tuple[float, float, float]:
    value = 5000 + 10 * k + 0.123
    return value, value - 0.5, value + 0.5


@st.composite
def worlds(draw) -> World:
    min_n = draw(st.integers(1, 50))
    reliable_n = draw(st.integers(min_n, 60))
    # sample sizes anywhere in 0..60 or unknown, with the boundaries made likely
    sizes = st.one_of(st.none(), st.integers(0, 60),
                      st.sampled_from([max(min_n - 1, 0), min_n, max(reliable_n - 1, 0), reliable_n]))
    keys = draw(st.lists(
        st.tuples(st.sampled_from(sorted(CITIZEN)), st.sampled_from(sorted(SERIES)), st.sampled_from(sorted(PARENT)),
                  st.sampled_from(DIMS), st.integers(*YEARS), sizes),
        min_size=1, max_size=20, unique_by=lambda t: t[:5]))
    citizen = []
    for k, (dataset, series, area, dims, year, n) in enumerate(keys):
        value, lower, upper = citizen_value(k)
        citizen.append(Obs(dataset, series, area, dims, year, value, lower, upper, n))
    first = draw(st.integers(*YEARS))
    last = draw(st.integers(first, YEARS[1]))
    return World(tuple(citizen), min_n, reliable_n, (YEARS, (first, last)))


def build(world: World) -> duckdb.DuckDBPyConnection:
    """An in-memory database with the reference, the world's observations and thresholds, refreshed."""
    con = duckdb.connect()
    db.create_schema(con)
    con.execute(REFERENCE)
    con.executemany(
        "insert into observation (dataset_id, series, area, dims, year, time_detail, value, lower_bound, "
        "upper_bound, sample_size) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[o.dataset, o.series, o.area, o.dims, o.year, str(o.year), o.value, o.lower, o.upper, o.sample_size]
         for o in world.official + list(world.citizen)])
    con.execute("update setting set value = ? where key = 'min_sample_size'", [world.min_n])
    con.execute("update setting set value = ? where key = 'reliable_sample_size'", [world.reliable_n])
    derived.refresh(con)
    return con


# ---- the checkers -------------------------------------------------------------------------------

def _nullable(name: str, parameter: str) -> bool:
    """Whether the query treats a null parameter as "all" (it casts it, as a null filter needs)."""
    return re.search(rf"\${parameter}::", db.sql(name)) is not None


@cache
def _pairwise(sizes: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Combinations of value indices, one per axis, that together hold every pair of values of every
    two axes (each value of each axis, and each value together with each value of any other), the
    first being all zeros. A greedy covering: far fewer than the full product, which would make every
    example take seconds."""
    axis_pairs = list(itertools.combinations_with_replacement(range(len(sizes)), 2))  # (a, a): each value
    uncovered = {(a, va, b, vb) for a, b in axis_pairs for va in range(sizes[a]) for vb in range(sizes[b])
                 if a != b or va == vb}
    chosen = [(0,) * len(sizes)]
    candidates = list(itertools.product(*(range(n) for n in sizes)))
    while True:
        uncovered -= {(a, chosen[-1][a], b, chosen[-1][b]) for a, b in axis_pairs}
        if not uncovered:
            return chosen
        chosen.append(max(candidates, key=lambda c: sum((a, c[a], b, c[b]) in uncovered for a, b in axis_pairs)))


def parameter_sets(name: str, world: World) -> list[dict]:
    """Combinations of values of the query's parameters that cover the world's data: the broadest one
    first (full window, every nullable filter null, scope 'all', lowest bar), then enough for every
    value of every parameter to be used together with every value of every other parameter."""
    used = db.parameters(name)
    axes = []
    if used & {"first_year", "last_year"}:
        axes.append([{"first_year": a, "last_year": b} for a, b in world.windows])
    for p in sorted(used - {"first_year", "last_year"}):
        if p not in PARAMETER_VALUES:
            raise KeyError(f"queries/{name}.sql uses ${p}: add the values that cover the test data to "
                           f"PARAMETER_VALUES in tests/test_suppression.py")
        values = ([None] if _nullable(name, p) else []) + PARAMETER_VALUES[p]
        axes.append([{p: v} for v in values])
    return [{k: v for axis, i in zip(axes, combination) for k, v in axis[i].items()}
            for combination in _pairwise(tuple(len(axis) for axis in axes))]


def _forms(x: float) -> set[str]:
    """How a number may be written in text."""
    return {repr(x), f"{x:.3f}", f"{x:.2f}", f"{x:.1f}", f"{x:,.3f}", f"{x:,.2f}", f"{x:,.1f}"}


def leaks_in_frame(label: str, frame: pd.DataFrame, world: World, official: bool = False) -> list[str]:
    """Where a query result shows a suppressed value or bound (as a number, also rounded, or inside
    text), or a sample size below the threshold in a citizen row. A row is a citizen row unless the
    frame's `kind` says otherwise or the whole frame is about official data (official: the query was
    asked about the official dataset), which is released as published, whatever its sample size."""
    secrets = np.array([x for o in world.suppressed for x in (o.value, o.lower, o.upper) if x is not None])
    written = {form: float(x) for x in secrets for form in _forms(float(x))}
    pattern = re.compile("|".join(re.escape(f) for f in sorted(written, key=len, reverse=True))) if written else None
    found = []
    for column in frame.columns:
        cells = frame[column]
        if len(secrets) and pd.api.types.is_numeric_dtype(cells) and not pd.api.types.is_bool_dtype(cells):
            numbers = cells.to_numpy(dtype=float, na_value=np.nan)
            hits = np.abs(numbers[:, None] - secrets[None, :]) < 0.06
            for row, secret in zip(*np.nonzero(hits)):
                found.append(f"{label}: column {column} row {row} = {numbers[row]!r} (suppressed {secrets[secret]!r})")
        elif pattern and not pd.api.types.is_bool_dtype(cells):
            for row, cell in enumerate(cells):
                if cell is None or (isinstance(cell, float) and math.isnan(cell)):
                    continue
                text = str(cell)
                for secret in sorted({written[m] for m in pattern.findall(text)}):
                    found.append(f"{label}: column {column} row {row} = {text!r} (suppressed {secret!r})")
        if "sample" in column.lower() and not official:
            citizen = frame["kind"] == "citizen" if "kind" in frame.columns else pd.Series(True, index=frame.index)
            sizes = pd.to_numeric(cells, errors="coerce")
            for row in np.nonzero((citizen & sizes.notna() & (sizes < world.min_n)).to_numpy())[0]:
                found.append(f"{label}: column {column} row {row} = {sizes.iloc[row]} below the threshold "
                             f"{world.min_n} in a citizen row")
    return found


def query_leaks(con: duckdb.DuckDBPyConnection, world: World) -> list[str]:
    """Run every query in queries/ with every parameter combination; report every leak."""
    found = []
    for name in sorted(p.stem for p in db.QUERY_DIR.glob("*.sql")):
        for params in parameter_sets(name, world):
            found += leaks_in_frame(f"{name}({params})", db.query(con, name, **params), world,
                                    official=params.get("dataset") is not None and params["dataset"] not in CITIZEN)
    return found


def released_errors(con: duckdb.DuckDBPyConnection, world: World) -> list[str]:
    """Where released_observation differs from the rule, row by row."""
    rows = {(d, s, a, dims, y): rest for d, s, a, dims, y, *rest in con.execute("""
        select dataset_id, series, area, dims, year, kind, value, lower_bound, upper_bound, sample_size, reliability
        from released_observation""").fetchall()}
    found = []
    held = world.withheld
    for o in world.official + list(world.citizen):
        key = o.key
        if key not in rows:
            found.append(f"released_observation: row {key} missing (a suppressed row stays visible)")
            continue
        kind, value, lower, upper, n, reliability = rows.pop(key)
        if key in held:
            expected = [kind, None, None, None, None, "suppressed"]
        else:
            expected = [o.kind, o.value, o.lower, o.upper, o.sample_size, o.reliability(world.min_n, world.reliable_n)]
        if [kind, value, lower, upper, n, reliability] != expected:
            found.append(f"released_observation: {key} (n={o.sample_size}, threshold {world.min_n}/"
                         f"{world.reliable_n}) is {[kind, value, lower, upper, n, reliability]}, expected {expected}")
    found += [f"released_observation: unexpected row {key}" for key in rows]
    return found


def cell_year_errors(con: duckdb.DuckDBPyConnection, world: World) -> list[str]:
    """Where cell_year's citizen evidence differs from the released citizen observations (a cell whose
    only citizen evidence is suppressed must have citizen_tier 0 or no row)."""
    expected: dict[tuple, list[int]] = {}
    held = world.withheld
    for o in world.citizen:
        if o.key in held:
            continue
        tier, endorsed, is_demo = CITIZEN[o.dataset]
        for group in o.groups():
            best = expected.setdefault((SERIES[o.series], PARENT[o.area], group, o.year, is_demo), [0, 0])
            best[0] = max(best[0], tier)
            best[1] = max(best[1], tier if endorsed else 0)
    found = []
    actual = {}
    for indicator, area, group, year, is_demo, tier, endorsed_tier in con.execute(
            "select indicator, area, group_id, year, is_demo, citizen_tier, endorsed_tier from cell_year").fetchall():
        key = (indicator, area, group, year, is_demo)
        actual[key] = [tier, endorsed_tier]
        if [tier, endorsed_tier] != expected.get(key, [0, 0]):
            found.append(f"cell_year: {key} has citizen/endorsed tier {[tier, endorsed_tier]}, "
                         f"released citizen data gives {expected.get(key, [0, 0])}")
    found += [f"cell_year: {key} missing, released citizen data gives tiers {tiers}"
              for key, tiers in expected.items() if key not in actual]
    return found


def all_leaks(con: duckdb.DuckDBPyConnection, world: World) -> list[str]:
    return released_errors(con, world) + cell_year_errors(con, world) + query_leaks(con, world)


# ---- the tests ----------------------------------------------------------------------------------

@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_no_suppressed_value_leaves_the_database(world):
    con = build(world)
    try:
        leaks = all_leaks(con, world)
        assert not leaks, f"{len(leaks)} leak(s), first ones:\n" + "\n".join(leaks[:20])
    finally:
        con.close()


def test_every_query_is_run():
    world = World((), 10, 30)
    for name in QUERIES:
        assert list(parameter_sets(name, world)), name
    assert len(QUERIES) >= 10


def test_hand_worked_thresholds():
    """Threshold 10, reliable from 30: n=9, n=0 and unknown n suppressed; 10 and 29 released as low
    reliability; 30 reliable; official rows released as published (sample size unknown or tiny)."""
    def obs(area, dims, n, k):
        return Obs("hi", "S1", area, dims, 2022, *citizen_value(k), n)
    n9, n10, n29, n30, unknown, n0 = (obs("AAA", "Sex=FEMALE", 9, 0), obs("BBB", "Sex=FEMALE", 10, 1),
                                      obs("BBB", "", 29, 2), obs("CCC", "Location=RURAL", 30, 3),
                                      obs("CCC", "Sex=FEMALE", None, 4), obs("BBB-1", "Location=RURAL", 0, 5))
    world = World((n9, n10, n29, n30, unknown, n0), 10, 30)
    con = build(world)
    rows = {(area, dims, series): rest for area, dims, series, *rest in con.execute("""
        select area, dims, series, value, lower_bound, upper_bound, sample_size, reliability
        from released_observation where dataset_id = 'off'""").fetchall()}
    assert rows["AAA", "Sex=FEMALE", "S1"] == [12.5, None, None, None, None]          # official, n unknown
    assert rows["CCC", "Sex=FEMALE", "S5"] == [7.5, None, None, 3, None]              # official, n=3
    for o, reliability in [(n10, "low reliability"), (n29, "low reliability"), (n30, "reliable")]:
        assert con.execute("select value, lower_bound, upper_bound, sample_size, reliability from released_observation "
                           "where dataset_id = 'hi' and area = ? and dims = ?", [o.area, o.dims]).fetchone() \
            == (o.value, o.lower, o.upper, o.sample_size, reliability)
    for o in (n9, unknown, n0):
        assert con.execute("select value, lower_bound, upper_bound, sample_size, reliability from released_observation "
                           "where dataset_id = 'hi' and area = ? and dims = ?", [o.area, o.dims]).fetchone() \
            == (None, None, None, None, "suppressed")
    # gap rules over 2020-2024 for indicator 1.1.1
    status = dict(((a, g), s) for a, g, s in con.execute(
        "select area, group_id, status from gap_cells(2020, 2024, 1, 'all') where indicator = '1.1.1'").fetchall())
    assert status["AAA", "women"] == "no_data"      # official 2018 is outside the window; n=9 suppressed
    assert status["BBB", "women"] == "citizen_fills_gap"
    assert status["CCC", "rural"] == "official_and_citizen"  # official S2 2023 + n=30
    assert status["BBB", "rural"] == "no_data"       # only n=0 (subnational BBB-1) evidence
    assert status["CCC", "women"] == "official"      # official S2 2023; the citizen value with unknown n is out
    assert con.execute("select count(*) from cell_year where area = 'AAA' and group_id = 'women' "
                       "and citizen_tier > 0").fetchone()[0] == 0
    shown = db.query(con, "observations", indicator="1.1.1", group_id=None, country=None, first_year=2015,
                     last_year=2024, scope="all")
    row = shown[(shown.kind == "citizen") & (shown.area == "AAA") & (shown.dims == "Sex=FEMALE")]
    assert row.reliability.tolist() == ["suppressed"] and row[["value", "lower_bound", "upper_bound",
                                                               "sample_size"]].isna().all(axis=None)
    assert all_leaks(con, world) == []
    con.close()


LEAKY_VIEWS = {
    # the brief's example: everything released and called reliable
    "released as is": """create or replace view released_observation as
        select o.*, d.kind, d.is_demo, 'reliable' as reliability from observation o join dataset d using (dataset_id)""",
    # the value withheld but the sample size shown
    "sample size shown": """create or replace view released_observation as
        with marked as (select o.*, d.kind, d.is_demo, reliability(d.kind, o.sample_size, 'people') as reliability
                        from observation as o join dataset as d using (dataset_id))
        select * replace (case when reliability = 'suppressed' then null else value end as value,
                          case when reliability = 'suppressed' then null else lower_bound end as lower_bound,
                          case when reliability = 'suppressed' then null else upper_bound end as upper_bound)
        from marked""",
}


@pytest.mark.parametrize("leak", sorted(LEAKY_VIEWS))
def test_the_checker_finds_a_leak(leak):
    n5 = Obs("hi", "S1", "AAA", "Sex=FEMALE", 2022, *citizen_value(0), 5)
    unknown = Obs("lo", "S5", "BBB-1", "", 2020, *citizen_value(1), None)
    ok = Obs("hi", "S1", "BBB", "Location=RURAL", 2022, *citizen_value(2), 40)
    world = World((n5, unknown, ok), 10, 30)
    con = build(world)
    assert released_errors(con, world) + cell_year_errors(con, world) == []  # query_leaks: the property test
    con.execute(LEAKY_VIEWS[leak])
    derived.refresh(con)
    leaks = query_leaks(con, world)
    assert any(line.startswith("observations(") for line in leaks), leaks
    assert released_errors(con, world)
    if leak == "released as is":
        assert cell_year_errors(con, world)  # suppressed rows now count in the gap rules
        assert any("5010.123" in line for line in leaks)
    else:
        assert any("sample_size" in line and "below the threshold" in line for line in leaks), leaks
    con.close()


def test_the_checker_reads_text_and_rounded_numbers():
    world = World((Obs("hi", "S1", "AAA", "", 2022, *citizen_value(3), 2),), 10, 30)
    frame = pd.DataFrame({"label": ["a", "mean 5030.12 (n=2)", "x"], "rounded": [1.0, 2.0, 5030.1],
                          "kind": ["citizen", "official", "citizen"], "sample_size": [2, 3, 50]})
    leaks = leaks_in_frame("made up", frame, world)
    assert any("label row 1" in line for line in leaks)
    assert any("rounded row 2" in line for line in leaks)
    assert any("sample_size row 0" in line for line in leaks)
    assert not any("sample_size row 1" in line for line in leaks)  # an official row
    assert len(leaks) == 3


def test_one_small_cell_of_a_two_by_two_table_withholds_all_four():
    """Location x sex with its margins released: a1b1 has 5 respondents (primary). Its row then holds
    one withheld cell, so the other cell of the row goes (50); so does the other cell of its column
    (20); the second row and column then each hold one, so the last cell goes too (60). Any released
    cell would give the small one back from the margins."""
    cells = {"Location=RURAL|Sex=FEMALE": 5, "Location=RURAL|Sex=MALE": 50, "Location=URBAN|Sex=FEMALE": 20,
             "Location=URBAN|Sex=MALE": 60, "Location=RURAL": 55, "Location=URBAN": 80, "Sex=FEMALE": 25,
             "Sex=MALE": 110, "": 135}
    world = World(tuple(Obs("hi", "S1", "AAA", d, 2024, 7000.123 + i, None, None, n) for i, (d, n) in
                        enumerate(cells.items())), 10, 30)
    con = build(world)
    try:
        withheld = dict(con.execute("select dims, reason from withheld").fetchall())
        assert withheld == {"Location=RURAL|Sex=FEMALE": "primary", "Location=RURAL|Sex=MALE": "secondary",
                            "Location=URBAN|Sex=FEMALE": "secondary", "Location=URBAN|Sex=MALE": "secondary"}
        assert {o.dims for o in world.suppressed} == set(withheld)  # the test's own model agrees
        assert not all_leaks(con, world)
    finally:
        con.close()


# ---- what the records are about: people or households (suppressed) or places and things (never) ------

def two_by_two(n_small: int) -> World:
    """Location x sex of dataset 'hi' in AAA, 2024, with its margins; one cell of n_small respondents."""
    cells = {"Location=RURAL|Sex=FEMALE": n_small, "Location=RURAL|Sex=MALE": 50, "Location=URBAN|Sex=FEMALE": 20,
             "Location=URBAN|Sex=MALE": 60, "Location=RURAL": 50 + n_small, "Location=URBAN": 80,
             "Sex=FEMALE": 20 + n_small, "Sex=MALE": 110, "": 130 + n_small}
    return World(tuple(Obs("hi", "S1", "AAA", d, 2024, 7000.123 + i, None, None, n) for i, (d, n) in
                       enumerate(cells.items())), 10, 30)


def released_by_dims(con) -> dict[str, tuple]:
    return {dims: rest for dims, *rest in con.execute(
        "select dims, value, sample_size, reliability from released_observation where dataset_id = 'hi'").fetchall()}


def test_places_are_released_and_flagged_where_people_are_suppressed():
    """The same rows twice. About people (the default): the cell of 3 is withheld (primary) and, as in
    test_one_small_cell_of_a_two_by_two_table_withholds_all_four, the three other inner cells with it
    (complementary). About places: nothing is withheld, neither primary nor complementary; the cell of
    3 and the one of 20 are released marked 'low reliability' (below 30), the others 'reliable'."""
    world = two_by_two(3)
    con = build(world)
    try:
        assert con.execute("select subject from citizen_dataset where dataset_id = 'hi'").fetchall() == [("people",)]
        people = released_by_dims(con)
        inner = [d for d in people if d.count("|") == 1]
        assert all(people[d] == [None, None, "suppressed"] for d in inner)
        assert dict(con.execute("select dims, reason from withheld").fetchall())["Location=RURAL|Sex=FEMALE"] == "primary"

        con.execute("update citizen_dataset set subject = 'places' where dataset_id = 'hi'")
        derived.refresh(con)
        assert con.execute("select count(*) from withheld").fetchall() == [(0,)]
        places = released_by_dims(con)
        for o in world.citizen:
            assert places[o.dims] == [o.value, o.sample_size, "low reliability" if o.sample_size < 30 else "reliable"]
        assert places["Location=RURAL|Sex=FEMALE"] == [7000.123, 3, "low reliability"]
        # every query now shows the cell of 3, as it shows any released value
        shown = db.query(con, "dataset_estimates", dataset="hi")
        assert shown[shown.dims == "Location=RURAL|Sex=FEMALE"][["value", "sample_size"]].values.tolist() == [[7000.123, 3]]
    finally:
        con.close()


def test_a_citizen_dataset_without_a_description_is_treated_as_about_people():
    """No citizen_dataset row (subject unknown): the rule errs on the side of people."""
    world = two_by_two(3)
    con = build(world)
    try:
        con.execute("delete from citizen_dataset where dataset_id = 'hi'")
        derived.refresh(con)
        assert released_by_dims(con)["Location=RURAL|Sex=FEMALE"] == [None, None, "suppressed"]
    finally:
        con.close()


TEMPLATES = db.ROOT / "data" / "templates"
DESCRIBED = ["--source", "test", "--producer", "p", "--producer-type", "t", "--method", "m"]


def subject_and_small_row(path) -> tuple:
    """The subject stored for the one imported dataset, and the template's row of 8 respondents
    (Blantyre, persons with disabilities) as released."""
    with duckdb.connect(str(path), read_only=True) as c:
        return c.execute("""
            select c.subject, o.value, o.sample_size, o.reliability
            from released_observation as o join citizen_dataset as c using (dataset_id)
            join dataset as d using (dataset_id)
            where not d.is_demo and o.area = 'MW-BL'""").fetchall()


def test_the_subject_is_stored_from_the_command_line_option(fresh):
    from gapmonitor.__main__ import main

    assert main(["--db", str(fresh), "import", str(TEMPLATES / "citizen_data_template.csv"), "--kind", "citizen",
                 "--subject", "places", *DESCRIBED]) == 0
    assert subject_and_small_row(fresh) == [("places", 35.0, 8, "low reliability")]  # 8 < 10: shown, flagged


def test_the_subject_defaults_to_people_and_the_template_sheet_can_give_it(fresh):
    from gapmonitor.__main__ import main

    # the XLSX's sheet 'dataset' says people: the same row of 8 is suppressed
    assert main(["--db", str(fresh), "import", str(TEMPLATES / "citizen_data_template.xlsx"), "--source", "test"]) == 0
    assert subject_and_small_row(fresh) == [("people", None, None, "suppressed")]


def test_a_wrong_subject_is_refused(fresh, tmp_path, capsys):
    from gapmonitor.__main__ import main
    from gapmonitor.formats import citizen

    with pytest.raises(SystemExit) as stopped:  # the command line offers people and places only
        main(["--db", str(fresh), "import", str(TEMPLATES / "citizen_data_template.csv"), "--kind", "citizen",
              "--subject", "beaches", *DESCRIBED])
    assert stopped.value.code == 2 and "invalid choice: 'beaches'" in capsys.readouterr().err
    with db.connect(fresh) as c:
        preview = importer.preview(c, citizen.read(TEMPLATES / "citizen_data_template.csv"), "a checksum")
    with pytest.raises(ValueError, match="'people'.*or 'places'.*not 'beaches'"):
        importer.apply(preview, by=OPERATOR, title="t", source="s", path=fresh,
                       description={"producer": "p", "producer_type": "t", "method": "m", "subject": "beaches"})
    with duckdb.connect(str(fresh), read_only=True) as c:  # nothing written
        assert c.execute("select count(*) from dataset where not is_demo").fetchall() == [(0,)]
    # in the template's sheet 'dataset': an error naming the sheet, its row, the field and the value
    book = openpyxl.load_workbook(TEMPLATES / "citizen_data_template.xlsx")
    sheet = book["dataset"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "subject")
    sheet.cell(row, 2).value = "beaches"
    book.save(tmp_path / "beaches.xlsx")
    problems = [p for p in citizen.read(tmp_path / "beaches.xlsx").problems if p.column == "subject"]
    assert [(p.severity, p.value) for p in problems] == [("error", "beaches")]
    assert f"sheet 'dataset', row {row}" in problems[0].message


def test_the_subject_of_a_records_spec_is_stored(fresh, tmp_path):
    """Litter counted on three beaches of Zomba, read by a spec about places: its estimate (n 3) is
    released and flagged; the same records read as about people give a suppressed one."""
    path = tmp_path / "beaches.csv"
    path.write_text("district,items\nZomba,12\nZomba,0\nZomba,30\n", encoding="utf-8")
    stored = {}
    for subject in ("places", "people"):  # each reading is its own dataset (the spec is part of its checksum)
        spec = RecordSpec(indicator="6.1.1", description="Litter items per 100 m of beach", measure="items",
                          unit="NUMBER", country="MWI", area_column="district", period="2024", subject=subject)
        with db.connect(fresh) as c:
            result = importer.preview(c, records.read(c, path, spec), records.checksum(path, spec))
        dataset = importer.apply(result, by=OPERATOR, title=f"Beach litter ({subject})", source="s", path=fresh,
                                 description={"producer": "p", "producer_type": "t", "method": "m"})
        with duckdb.connect(str(fresh), read_only=True) as c:
            stored[subject] = c.execute("""
                select c.subject, o.value, o.sample_size, o.reliability
                from released_observation as o join citizen_dataset as c using (dataset_id)
                where o.dataset_id = ?""", [dataset]).fetchall()
    # (12 + 0 + 30) / 3 = 14 items
    assert stored == {"places": [("places", 14.0, 3, "low reliability")], "people": [("people", None, None, "suppressed")]}


def test_the_demo_water_point_monitors_are_about_places(demo):
    """data/demo/citizen_datasets.csv: the indigenous water-point monitoring counts water points (4 to
    1200 per cell): its small cells are shown, flagged; a survey of people keeps its small cells hidden."""
    subjects = dict(demo.execute("select dataset_id, subject from citizen_dataset").fetchall())
    assert subjects["cgd-indigenous-water"] == "places" and subjects["cgd-birth-registration"] == "people"
    small, flagged, suppressed = demo.execute("""
        select count(*) filter (where sample_size < 10), count(*) filter (where sample_size < 10
            and reliability = 'low reliability' and value is not null), count(*) filter (where reliability = 'suppressed')
        from released_observation where dataset_id = 'cgd-indigenous-water'""").fetchone()
    assert small > 0 and flagged == small and suppressed == 0
    assert demo.execute("""select count(*) from released_observation
                           where dataset_id = 'cgd-birth-registration' and reliability = 'suppressed'""").fetchone()[0] > 0
