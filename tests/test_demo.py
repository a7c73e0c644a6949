"""The built-in demo dataset: complete, deterministic, realistic in its gaps, and labelled as demo."""

import json
from pathlib import Path

import duckdb
from conftest import derived_rows

from gapmonitor import db

ROOT = Path(__file__).resolve().parents[1]


def one(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()[0][0]


def test_every_country_drawn_on_the_map_has_data(demo):
    topo = json.loads((ROOT / "static/world_110m.json").read_text(encoding="utf-8"))
    drawn = {g["id"] for g in topo["objects"]["countries"]["geometries"] if g.get("id")}
    with_data = {r[0] for r in demo.execute("select distinct area from observation").fetchall()}
    areas = {r[0] for r in demo.execute("select code from area").fetchall()}
    # every drawn shape that is an inhabited M49 area has observations (Antarctica and the French
    # Southern Territories have no resident population)
    assert (drawn & areas) - {"ATA", "ATF"} <= with_data
    assert len(drawn & with_data) >= 170


def test_small_island_states_have_data_and_a_point(demo):
    missing = demo.execute("""
        select a.code from area a where a.is_sids and a.kind = 'country'
            and (a.lat is null or not exists (select 1 from observation o where o.area = a.code))
    """).fetchall()
    assert missing == []


def test_at_least_three_indicators_per_goal_and_sixty_series(demo):
    per_goal = demo.execute("""
        select i.goal, count(distinct s.indicator) from series s join indicator i on i.code = s.indicator group by 1
    """).fetchall()
    assert len(per_goal) == 17 and min(n for _, n in per_goal) >= 3
    assert one(demo, "select count(*) from series") >= 60


def test_citizen_datasets(demo):
    assert one(demo, "select count(*) from citizen_dataset") >= 12
    assert one(demo, "select count(distinct nso_review) from citizen_dataset") == 3
    assert one(demo, "select count(distinct tier_rank) from citizen_quality") == 3
    producers = [r[0] for r in demo.execute("select producer from citizen_dataset").fetchall()]
    assert all(p.endswith("(fictional)") for p in producers)
    subnational = demo.execute("""
        select distinct a.parent from observation o join area a on a.code = o.area where a.kind = 'subnational'
    """).fetchall()
    assert len(subnational) >= 2


def test_every_demo_row_is_flagged_as_demo(demo):
    assert one(demo, "select count(*) from dataset where not is_demo") == 0
    assert one(demo, "select count(*) from released_observation where not is_demo") == 0


def test_one_observation_per_dataset_series_area_dimensions_and_period(demo):
    # the schema holds no index on this key (the importer checks its own rows): the demo data keeps it too
    assert one(demo, "select count(*) from observation") == one(
        demo, "select count(distinct (dataset_id, series, area, dims, time_detail)) from observation") > 0


def test_sex_disaggregation_is_common_and_disability_and_migrants_rare(demo):
    def share(dim):
        return one(demo, """
        select count(distinct series || area) filter (where dims like ?) * 1.0 / count(distinct series || area)
        from observation where dataset_id = 'demo-official'
    """, f"%{dim}=%")
    assert share("Sex") > 3 * share("Disability status")
    assert share("Sex") > 3 * share("Migratory status")


def test_least_developed_countries_have_sparser_and_older_data(demo):
    rows = dict(demo.execute("""
        select a.is_ldc, count(*) * 1.0 / count(distinct a.code) from observation o join area a on a.code = o.area
        where o.dataset_id = 'demo-official' group by 1
    """).fetchall())
    assert rows[True] < rows[False]
    latest = dict(demo.execute("""
        select a.is_ldc, avg(last) from (
            select area, series, max(year) as last from observation where dataset_id = 'demo-official' group by all
        ) o join area a on a.code = o.area group by 1
    """).fetchall())
    assert latest[True] < latest[False]


def test_values_lie_in_the_plausible_range_of_their_series(demo):
    import pandas as pd

    ranges = pd.read_csv(ROOT / "data/demo/series.csv")
    demo.register("ranges", ranges)
    outside = one(demo, """
        select count(*) from observation o join ranges r on r.series_code = o.series
        where o.value < r.value_min or o.value > r.value_max
    """)
    demo.unregister("ranges")
    assert outside == 0


def test_citizen_intervals_contain_their_values(demo):
    bad = one(demo, """
        select count(*) from observation o join dataset d using (dataset_id)
        where d.kind = 'citizen' and o.lower_bound is not null
            and not (o.lower_bound <= o.value and o.value <= o.upper_bound)
    """)
    assert bad == 0
    assert one(demo, "select count(*) from observation where sample_size < 10") > 0  # some to suppress


def test_the_build_is_deterministic(demo_db, tmp_path):
    again = db.ensure_database(tmp_path / "again.duckdb")
    digest = """
        select count(*), sum(hash(dataset_id, series, area, dims, year, value, sample_size)) from observation
    """
    with duckdb.connect(str(again), read_only=True) as a, duckdb.connect(str(demo_db), read_only=True) as b:
        assert a.execute(digest).fetchone() == b.execute(digest).fetchone()


def test_a_failed_build_leaves_no_database(tmp_path, monkeypatch):
    from gapmonitor import demo as demo_module

    def boom(con):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo_module, "load", boom)
    target = tmp_path / "broken.duckdb"
    try:
        db.ensure_database(target)
    except RuntimeError:
        pass
    assert not target.exists()


def test_a_demo_database_of_another_schema_version_is_rebuilt(tmp_path):
    path = db.ensure_database(tmp_path / "old.duckdb")
    with duckdb.connect(str(path)) as con:
        con.execute("update meta set value = '0' where key = 'schema_version'")
    db.ensure_database(path)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select value from meta where key = 'schema_version'").fetchall() == [(db.SCHEMA_VERSION,)]


def test_a_database_with_users_data_is_migrated_not_rebuilt(tmp_path):
    path = db.ensure_database(tmp_path / "mine.duckdb")
    with duckdb.connect(str(path)) as con:  # back to the shape of schema version 1, with a user's data
        con.execute("update meta set value = '1' where key = 'schema_version'")
        con.execute("update dataset set is_demo = false where dataset_id = 'demo-official'")
        con.execute("alter table cell_year drop column endorsed_tier")
        con.execute("delete from setting where key = 'reliable_sample_size'")
        con.execute("update setting set value = 15 where key = 'min_sample_size'")
        rows = con.execute("select count(*) from observation where dataset_id = 'demo-official'").fetchall()[0][0]
    db.ensure_database(path)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select value from meta where key = 'schema_version'").fetchall() == [(db.SCHEMA_VERSION,)]
        assert con.execute("select count(*) from observation where dataset_id = 'demo-official'").fetchall()[0][0] == rows
        assert not con.execute("select is_demo from dataset where dataset_id = 'demo-official'").fetchall()[0][0]
        assert dict(con.execute("select key, value from setting").fetchall()) == {
            "min_sample_size": 15, "reliable_sample_size": 30}  # the office's threshold kept, the new one added
        assert con.execute("select count(*) from cell_year where endorsed_tier > 0").fetchall()[0][0] > 0


def test_accounts_and_editors_mappings_are_users_data_that_a_new_version_keeps(tmp_path):
    # an office that imported nothing yet but made its accounts, or an editor's mapping: rebuilding such a
    # database as demo data at the next schema version would lose them
    from actors import STEWARD, account

    path = db.ensure_database(tmp_path / "accounts.duckdb")
    assert db.inspect(path).demo_only  # the demo build's own row of the audit log is not users' work
    account(path, STEWARD)
    assert not db.inspect(path).demo_only
    with duckdb.connect(str(path)) as con:  # a version 9 database: no audit log yet, an editor's mapping
        con.execute("update meta set value = '9' where key = 'schema_version'")
        con.execute("drop table audit_log")
        con.execute("insert into group_mapping (dimension, dim_value, group_id, source, mapped_by) "
                    "values ('Location', 'PERIURBAN', 'rural', 'editor', 'A. Editor')")
    assert not db.inspect(path).demo_only
    db.ensure_database(path)  # migrated (the audit log made again, empty), not rebuilt
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select mapped_by from group_mapping where dim_value = 'PERIURBAN'").fetchall() == [
            ("A. Editor",)]
        assert con.execute("select username from account").fetchall() == [(STEWARD.username,)]


def test_a_write_rebuilds_the_gap_evidence_in_the_same_transaction(demo_db, tmp_path):
    import shutil

    path = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, path)
    count = """select count(*) from gap_cells(2021, 2025, 2, 'all') where status = 'citizen_fills_gap'
               and area in ('GTM', 'BOL', 'PER', 'ECU', 'MEX') and group_id = 'indigenous'"""
    with duckdb.connect(str(path), read_only=True) as con:
        before = con.execute(count).fetchall()[0][0]
    assert before > 0  # the indigenous water monitors (high tier) fill gaps there
    with db.writing(path) as con:  # an assessment that drops the dataset to the low tier
        con.execute("update citizen_dataset set ethics = 0 where dataset_id = 'cgd-indigenous-water'")
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute(count).fetchall()[0][0] == 0
        below = count.replace("citizen_fills_gap", "citizen_below_bar")
        assert con.execute(below).fetchall()[0][0] == before


def test_a_write_that_names_its_indicators_rebuilds_them_as_a_full_refresh_would(fresh):
    # new official data for 5.2.1 (a group it had no data for, in a country and years it had none) and
    # a new citizen estimate for 1.1.1; only those two indicators are rebuilt
    with duckdb.connect(str(fresh), read_only=True) as con:
        s521, s111 = (con.execute("select min(code) from series where indicator = ?", [i]).fetchall()[0][0]
                      for i in ("5.2.1", "1.1.1"))
        citizen = con.execute("select min(dataset_id) from dataset where kind = 'citizen'").fetchall()[0][0]
        before = derived_rows(fresh)
    with db.writing(fresh, indicators=["5.2.1", "1.1.1"]) as con:
        con.execute("insert into dataset (dataset_id, kind, title, source, is_demo) "
                    "values ('t-off', 'official', 'Test', 'Test', false)")
        con.execute("insert into observation (dataset_id, series, area, dims, year, time_detail, value) values "
                    "('t-off', ?, 'ISL', 'Disability status=PD', 2024, '2024', 1.5), "
                    "('t-off', ?, 'ISL', '', 2023, '2023', 2.5)", [s521, s521])
        con.execute("insert into observation (dataset_id, series, area, dims, year, time_detail, value, sample_size) "
                    "values (?, ?, 'NPL', 'Location=RURAL', 2024, '2024-test', 40, 250)", [citizen, s111])
    incremental = derived_rows(fresh)
    assert incremental != before  # the write changed the evidence
    with db.writing(fresh):  # nothing written: a full rebuild of what is there
        pass
    assert derived_rows(fresh) == incremental
