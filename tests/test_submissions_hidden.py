"""Nothing unpublished is public, tested as a property (issue 19): a citizen dataset submitted for review
(or returned, or superseded) never reaches a viewer's map, table, download or gap figure.

The rule (gapmonitor/schema/release.sql: macro `is_public`, views `public_dataset`, `public_area`,
`released_observation`): only citizen datasets whose status is 'published' are public. Each example
builds the hand-made world of tests/test_suppression.py (official data, three public citizen datasets
with generated estimates) twice: once as it is, once with a submission besides, whose id, title,
producer, a new subnational area and every value are distinctive (9000 + 10k + 0.777: no other value,
year or count comes near). It is of the highest tier and marked endorsed, so that, were it counted, it
would count under every quality bar. Then every query in queries/ runs, with the parameters the pages
pass (tests/test_suppression.py's covering of every pair of values, the submission's id among the
datasets asked about, as a viewer and as a contributor of another organisation), on both databases:
- no result holds the submission's id, title, producer, area or values;
- every result, and every derived table the gap rules read, is the same with and without it: so the
  gap statuses and coverage figures are those of the database without the submission.
Publishing it (status 'published', the derived tables rebuilt, as submissions.decide does) makes every
result the same as a database where it was published from the start, and it shows.
"""

import re

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gapmonitor import db, derived
from tests.test_suppression import DIMS, PARAMETER_VALUES, PARENT, SERIES, YEARS, World, _nullable, _pairwise, worlds
from tests.test_suppression import build as build_public

SUBMISSION = "submitted-zq7x"
TITLE = "Unpublished survey of Quillback hamlets"
PRODUCER = "Quillback Network"
HAMLET = ("AAA-9", "9", "Quillback Hamlet")  # a subnational area only the submission names
SUBMITTER = ("zed", "Zed", "Quillback Network")
DERIVED = {"cell_year": "all", "cell": "all", "expected_group": "all", "indicator_in_scope": "all",
           "expected_in_scope": "all"}
# Who asks: a viewer, and a contributor of another organisation (the submitter's own organisation and the
# office see the submission on the Submissions page, by design: tests/test_submissions.py).
ASKING = {"role": ["viewer", "contributor"], "organisation": ["Another Network"], "username": ["chidi"]}


def submission_value(k: int) -> tuple[float, float, float]:
    value = 9000 + 10 * k + 0.777
    return value, value - 0.5, value + 0.5


@st.composite
def submissions(draw) -> list[tuple]:
    """The submission's estimates: (series, area, dims, year, sample size, value, lower, upper)."""
    areas = sorted(PARENT) + [HAMLET[0]]
    keys = draw(st.lists(
        st.tuples(st.sampled_from(sorted(SERIES)), st.sampled_from(areas), st.sampled_from(DIMS),
                  st.integers(*YEARS), st.one_of(st.none(), st.integers(0, 80))),
        min_size=1, max_size=12, unique_by=lambda t: t[:4]))
    return [(*key, *submission_value(k)) for k, key in enumerate(keys)]


def build(world: World, submitted: list[tuple] | None, status: str = "submitted") -> duckdb.DuckDBPyConnection:
    """The public world, and (unless None) the submission with `status`; refreshed as every write is."""
    con = build_public(world)
    con.execute("update dataset set created_at = timestamp '2024-05-01 12:00:00'")  # the same in every build
    if submitted is not None:
        con.execute("insert into account (username, display_name, organisation, role, created_by) "
                    "values (?, ?, ?, 'contributor', 'test')", list(SUBMITTER))
        con.execute("insert into dataset (dataset_id, kind, title, source, is_demo, created_at) "
                    "values (?, 'citizen', ?, ?, false, timestamp '2024-05-01 12:00:00')", [SUBMISSION, TITLE, PRODUCER])
        con.execute("""
            insert into citizen_dataset (dataset_id, producer, producer_type, method, nso_review, participation_level,
                relevance, methodology, accuracy, timeliness, coherence, ethics, confidentiality, status, submitted_by)
            values (?, ?, 'CSO', 'survey', 'endorsed', 5, 2, 2, 2, 2, 2, 2, 2, ?, ?)""",
                    [SUBMISSION, PRODUCER, status, SUBMITTER[0]])
        con.execute("insert into review (dataset_id, decided_at, by_account, decision, reasons) "
                    "values (?, timestamp '2024-05-01 12:00:00', ?, 'submitted', ?)",
                    [SUBMISSION, SUBMITTER[0], TITLE])
        con.execute("insert into area (code, local_code, name, kind, parent, added_by) values (?, ?, ?, 'subnational', "
                    "'AAA', ?)", [*HAMLET, SUBMISSION])
        con.executemany(
            "insert into observation (dataset_id, series, area, dims, year, time_detail, value, lower_bound, "
            "upper_bound, sample_size) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[SUBMISSION, s, a, d, y, str(y), v, lo, hi, n] for s, a, d, y, n, v, lo, hi in submitted])
        derived.refresh(con)
    return con


def parameter_sets(name: str, world: World) -> list[dict]:
    """The parameters pages pass, covering every pair of values (as tests/test_suppression.py does), with
    the submission among the datasets asked about and the askers of ASKING."""
    values = {**PARAMETER_VALUES, "dataset": [*PARAMETER_VALUES["dataset"], SUBMISSION], **ASKING}
    used = db.parameters(name)
    axes = []
    if used & {"first_year", "last_year"}:
        axes.append([{"first_year": a, "last_year": b} for a, b in world.windows])
    for p in sorted(used - {"first_year", "last_year"}):
        if p not in values:
            raise KeyError(f"queries/{name}.sql uses ${p}: add the values that cover the test data to "
                           f"PARAMETER_VALUES in tests/test_suppression.py")
        axes.append([{p: v} for v in ([None] if _nullable(name, p) else []) + values[p]])
    return [{k: v for axis, i in zip(axes, combination) for k, v in axis[i].items()}
            for combination in _pairwise(tuple(len(axis) for axis in axes))]


def results(con: duckdb.DuckDBPyConnection, world: World) -> dict[str, pd.DataFrame]:
    """Every query's result for every parameter set, by a label naming both."""
    return {f"{name}({params})": db.query(con, name, **params)
            for name in sorted(p.stem for p in db.QUERY_DIR.glob("*.sql")) for params in parameter_sets(name, world)}


def traces(label: str, frame: pd.DataFrame, submitted: list[tuple]) -> list[str]:
    """Where a result shows the submission: its id, title, producer or area as text, or a value or bound
    (as a number, also rounded, or written in text)."""
    secrets = np.array([x for *_, v, lo, hi in submitted for x in (v, lo, hi)])
    words = [SUBMISSION, TITLE, PRODUCER, HAMLET[0], HAMLET[2]] + [f"{x:.1f}" for x in secrets]
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    found = []
    for column in frame.columns:
        cells = frame[column]
        if pd.api.types.is_numeric_dtype(cells) and not pd.api.types.is_bool_dtype(cells):
            numbers = cells.to_numpy(dtype=float, na_value=np.nan)
            for row, secret in zip(*np.nonzero(np.abs(numbers[:, None] - secrets[None, :]) < 0.06)):
                found.append(f"{label}: column {column} row {row} = {numbers[row]!r} (the submission's {secrets[secret]!r})")
        else:
            for row, cell in enumerate(cells):
                if cell is not None and not (isinstance(cell, float) and np.isnan(cell)) and pattern.search(str(cell)):
                    found.append(f"{label}: column {column} row {row} = {str(cell)!r}")
    return found


def in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows sorted by all their cells, and each list cell sorted: a query orders rows for reading, and
    rows it leaves tied (one observation's rows for two groups) may come in either order, as may the items
    of a list(distinct ...)."""
    frame = frame.apply(lambda column: column.map(
        lambda cell: sorted(cell) if isinstance(cell, (list, np.ndarray)) else cell) if column.dtype == object else column)
    keys = [tuple(map(str, row)) for row in frame.itertuples(index=False)]
    return frame.iloc[sorted(range(len(frame)), key=keys.__getitem__)].reset_index(drop=True)


def differences(label: str, a: pd.DataFrame, b: pd.DataFrame) -> list[str]:
    try:
        pd.testing.assert_frame_equal(in_order(a), in_order(b), check_dtype=False)
    except AssertionError as e:
        return [f"{label}: {str(e).splitlines()[0]} ({len(a)} rows, {len(b)} without the submission)"]
    return []


def derived_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    return {t: con.execute(f"select * from {t} order by {key}").fetchall() for t, key in DERIVED.items()}


@settings(max_examples=10, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), submissions())
def test_a_submission_leaves_every_public_result_as_it_was(world, submitted):
    without, withheld, from_start = build(world, None), build(world, submitted), build(world, submitted, "published")
    try:
        before = results(without, world)
        hidden = results(withheld, world)
        found = [line for label, frame in hidden.items() for line in traces(label, frame, submitted)]
        found += [line for label in before for line in differences(label, hidden[label], before[label])]
        found += [f"derived table {t} differs" for t, rows in derived_tables(withheld).items()
                  if rows != derived_tables(without)[t]]
        assert found == [], "\n".join(found[:40])

        # published, as submissions.decide does it: every result as if it had been published from the start
        withheld.execute("update citizen_dataset set status = 'published' where dataset_id = ?", [SUBMISSION])
        derived.refresh(withheld)
        published = results(withheld, world)
        expected = results(from_start, world)
        assert [line for label in expected for line in differences(label, published[label], expected[label])] == []
        assert derived_tables(withheld) == derived_tables(from_start)
        # and it shows: every estimate in released_observation, the dataset listed, the hamlet on its country's map
        assert withheld.execute("select count(*) from released_observation where dataset_id = ?",
                                [SUBMISSION]).fetchone()[0] == len(submitted)
        assert TITLE in set(db.query(withheld, "citizen_datasets", scope="all").title)
        assert HAMLET[2] in set(db.query(withheld, "subnational_areas", area="AAA", first_year=YEARS[0],
                                         last_year=YEARS[1], scope="all").name)
    finally:
        for con in (without, withheld, from_start):
            con.close()


def test_the_checker_finds_a_submission_that_leaks():
    """With the rule taken out (released_observation over every dataset), the same checks fail: the
    submission's values reach the observation tables and its evidence the gap rules."""
    world = World((), 10, 30)
    submitted = [("S1", "BBB", "Location=RURAL", 2022, 50, *submission_value(0))]  # a gap it would fill
    without, leaky = build(world, None), build(world, submitted)
    try:
        leaky.execute("create or replace view released_observation as select * from released_of(dataset)")
        derived.refresh(leaky)
        hidden = results(leaky, world)
        found = [line for label, frame in hidden.items() for line in traces(label, frame, submitted)]
        assert any(line.startswith("observations(") and "9000.777" in line for line in found), found[:5]
        assert derived_tables(leaky)["cell_year"] != derived_tables(without)["cell_year"]
        before = results(without, world)
        assert any(differences(label, hidden[label], before[label]) for label in before
                   if label.startswith("coverage_by_area("))
    finally:
        without.close()
        leaky.close()


@pytest.mark.parametrize("status", ["submitted", "returned", "superseded"])
def test_every_status_but_published_is_hidden(status):
    """A returned submission and a superseded version are kept from the public as a submission is."""
    world = World((), 10, 30)
    submitted = [("S5", "BBB", "", 2021, 40, *submission_value(1)), ("S1", HAMLET[0], "", 2021, 40, *submission_value(2))]
    without, hidden_one = build(world, None), build(world, submitted, status)
    try:
        before, hidden = results(without, world), results(hidden_one, world)
        assert [line for label, frame in hidden.items() for line in traces(label, frame, submitted)] == []
        assert [line for label in before for line in differences(label, hidden[label], before[label])] == []
    finally:
        without.close()
        hidden_one.close()
