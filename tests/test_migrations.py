"""Numbered migrations: each one from a database of the version before it, a stored database of
version 6 with an import to the current version, and failures that leave the file as it was."""

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from gapmonitor import db
from gapmonitor.sql import identifier

FIXTURES = Path(__file__).with_name("fixtures")
STORED_V6 = FIXTURES / "schema6_demo_and_import.duckdb.gz"
IMPORTED = "import-1824bd1c25fcc4fe"  # unsdg_1.4.2_t142.csv, imported with the code of schema 6


def stored_v6(folder: Path) -> Path:
    """The stored database of schema version 6 (demo data, one import, thresholds 12 and 40), unpacked."""
    path = folder / "gapmonitor.duckdb"
    with gzip.open(STORED_V6) as packed, open(path, "wb") as out:
        shutil.copyfileobj(packed, out)
    return path


def base_ddl(con) -> dict[str, str]:
    """Each base table's definition as DuckDB writes it back."""
    return dict(con.execute("select table_name, sql from duckdb_tables() where list_contains(?, table_name)",
                            [sorted(db.base_tables())]).fetchall())


def ddl_of(script: str) -> dict[str, str]:
    with duckdb.connect() as con:
        con.execute(script)
        return base_ddl(con)


def tables_of_version(version: int) -> str:
    """The base tables of a schema version: stored from git history, the current one from schema/tables.sql."""
    if version == int(db.SCHEMA_VERSION):
        return db.SCHEMA[0].read_text(encoding="utf-8")
    return (FIXTURES / f"tables_v{version}.sql").read_text(encoding="utf-8")


def derived_objects(con) -> set[tuple[str, str]]:
    views = con.execute("select 'view', view_name from duckdb_views() where not internal").fetchall()
    macros = con.execute("select 'macro', function_name from duckdb_functions() where not internal "
                         "and function_type in ('macro', 'table_macro')").fetchall()
    tables = con.execute("select 'table', table_name from duckdb_tables()").fetchall()
    return {*views, *macros, *(t for t in tables if t[1] not in db.base_tables())}


def leftovers(folder: Path) -> list[str]:
    """Files a build or migration left beside the database (the lock file is meant to stay)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name.endswith(".wal"))


def test_the_schema_version_is_the_last_migration_and_none_is_missing():
    numbers = sorted(db.migrations())
    assert numbers == list(range(2, numbers[-1] + 1))
    assert db.SCHEMA_VERSION == str(numbers[-1]) == "10"


# A few rows a user could have at any version since 1: column lists that every version has.
USERS_ROWS = """
insert into setting values ('min_sample_size', 15);
insert into dataset (dataset_id, kind, title, source, is_demo) values
    ('mine', 'official', 'Household survey', 'Statistics office', false),
    ('theirs', 'citizen', 'Water points', 'Community monitors', false);
insert into citizen_dataset (dataset_id, producer, producer_type, method, nso_review, participation_level,
    relevance, methodology, accuracy, timeliness, coherence, ethics, confidentiality) values
    ('theirs', 'Water NGO', 'ngo', 'survey', 'endorsed', 3, 2, 2, 1, 1, 1, 1, 2);
insert into group_mapping (dimension, dim_value, group_id) values ('Quantile', 'Bottom 40%', 'poorest'), ('Sex', 'FEMALE', 'women');
insert into observation (dataset_id, series, area, dims, year, time_detail, value, sample_size) values
    ('mine', 'S1', 'AAA', '', 2019, '2019', 1.5, null),
    ('mine', 'S1', 'AAA', 'Quantile=Bottom 40%|Sex=FEMALE', 2019, '2019', 2.5, null),
    ('theirs', 'S1', 'AAA', 'Sex=FEMALE', 2020, '2020', 40.0, 120);
"""


def contents(con, columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """The rows of each base table, in the columns given (those the table had before a migration)."""
    return {t: sorted(con.execute(f"select {', '.join(map(identifier, cs))} from {identifier(t)}").fetchall(), key=repr)
            for t, cs in columns.items()}


@pytest.mark.parametrize("version", sorted(db.migrations()))
def test_each_migration_takes_the_base_tables_of_the_version_before_to_its_own(version):
    con = duckdb.connect()
    con.execute(tables_of_version(version - 1))
    con.execute(USERS_ROWS)
    columns = {t: [c for c, in con.execute("select column_name from duckdb_columns() where table_name = ? "
                                           "order by column_index", [t]).fetchall()] for t in db.base_tables()}
    columns = {t: cs for t, cs in columns.items() if cs}  # the tables the version before had
    expected = contents(con, columns)
    if version == 2:  # the reliability threshold arrives with its default; the office's own is kept
        expected["setting"] = sorted([("min_sample_size", 15), ("reliable_sample_size", 30)], key=repr)
    if version == 7:  # a '%' a value held is encoded; group_mapping holds values, not keys
        expected["observation"] = sorted(
            [r if r[3] != "Quantile=Bottom 40%|Sex=FEMALE" else (*r[:3], "Quantile=Bottom 40%25|Sex=FEMALE", *r[4:])
             for r in expected["observation"]], key=repr)

    for statement in duckdb.extract_statements(db.migrations()[version].read_text(encoding="utf-8")):
        con.execute(statement)

    assert base_ddl(con) == ddl_of(tables_of_version(version))
    assert contents(con, columns) == expected
    if version == 8:  # the mappings a database held are kept, as rows of files, and say so
        assert con.execute("select distinct source, reason from group_mapping").fetchall() == [
            ("file", "kept from schema version 7")]


def test_after_migration_2_a_new_citizen_dataset_starts_unassessed():
    con = duckdb.connect()
    con.execute(tables_of_version(1))
    for statement in duckdb.extract_statements(db.migrations()[2].read_text(encoding="utf-8")):
        con.execute(statement)
    con.execute("insert into citizen_dataset (dataset_id, producer, producer_type, method) "
                "values ('new', 'p', 'ngo', 'survey')")
    assert con.execute("select nso_review, participation_level, relevance + methodology + accuracy + timeliness "
                       "+ coherence + ethics + confidentiality, assessed_at from citizen_dataset").fetchall() == [
        ("not reviewed", 1, 0, None)]


def test_after_migration_5_observation_has_no_key_index():
    con = duckdb.connect()
    con.execute(tables_of_version(4))
    con.execute(USERS_ROWS)
    assert con.execute("select count(*) from duckdb_constraints() where table_name = 'observation' "
                       "and constraint_type = 'PRIMARY KEY'").fetchall() == [(1,)]
    for statement in duckdb.extract_statements(db.migrations()[5].read_text(encoding="utf-8")):
        con.execute(statement)
    assert con.execute("select count(*) from duckdb_constraints() where table_name = 'observation' "
                       "and constraint_type = 'PRIMARY KEY'").fetchall() == [(0,)]
    assert con.execute("select count(*) from duckdb_indexes() where table_name = 'observation'").fetchall() == [(0,)]


def test_a_stored_schema_6_database_with_an_import_is_migrated(tmp_path):
    path = stored_v6(tmp_path)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select value from meta where key = 'schema_version'").fetchall() == [("6",)]
        datasets = con.execute("select * from dataset order by dataset_id").fetchall()
        per_dataset = dict(con.execute("select dataset_id, count(*) from observation group by all").fetchall())
        citizen = con.execute("select * from citizen_dataset order by dataset_id").fetchall()
        mapping = con.execute("select dimension, dim_value, group_id from group_mapping").fetchall()
    assert per_dataset[IMPORTED] == 130  # the file's 130 rows, all imported (tests/fixtures/README.md)

    db.ensure_database(path)

    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select value from meta where key = 'schema_version'").fetchall() == [(db.SCHEMA_VERSION,)]
        assert con.execute("select * from dataset order by dataset_id").fetchall() == datasets
        assert dict(con.execute("select dataset_id, count(*) from observation group by all").fetchall()) == per_dataset
        # each dataset kept as it was, and about people: the suppression it had before version 9
        new = "subject, status, submitted_by, lineage, version, consent_basis"  # versions 9 and 10
        assert con.execute(f"select * exclude ({new}) from citizen_dataset order by dataset_id").fetchall() == citizen
        assert {s for s, in con.execute("select subject from citizen_dataset").fetchall()} == {"people"}
        # put in by editors before submissions existed: published, first versions, submitted by no one
        assert set(con.execute("select status, submitted_by, lineage, version from citizen_dataset").fetchall()) == {
            ("published", None, None, 1)}
        # every mapping it held is still there (kept as a file's rows); the shipped ones of this version join them
        after = set(con.execute("select dimension, dim_value, group_id from group_mapping").fetchall())
        assert set(mapping) <= after
        assert ("AGE", "Y15T17", "children") in after and ("AGE", "Y15T17", "youth") in after
        assert con.execute("select group_id from series_group where series = 'SI_COV_DISAB'").fetchall() == [
            ("disability",)]
        assert dict(con.execute("select key, value from setting").fetchall()) == {
            "min_sample_size": 12, "reliable_sample_size": 40}  # the office's thresholds, not the defaults
        assert base_ddl(con) == ddl_of(db.SCHEMA[0].read_text(encoding="utf-8"))
        fresh = duckdb.connect()
        db.create_schema(fresh)
        assert derived_objects(con) == derived_objects(fresh)  # nothing of version 6 left, nothing missing
        # the views made again read the migrated rows, and the gap evidence was rebuilt
        assert con.execute("select count(*) from released_observation where dataset_id = ?",
                           [IMPORTED]).fetchall() == [(130,)]
        assert con.execute("select count(*) from cell_year where is_demo").fetchall()[0][0] > 0
    assert leftovers(tmp_path) == []
    con = db.connect(path)
    sources = db.query(con, "data_sources").set_index("dataset_id")
    assert sources.loc[IMPORTED, "observations"] == 130
    assert not sources.loc[IMPORTED, "is_demo"]
    assert len(sources) == len(datasets)
    con.close()


def test_a_stored_schema_1_database_is_migrated_through_every_version(tmp_path):
    path = tmp_path / "gapmonitor.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(tables_of_version(1))
        con.execute("insert into meta values ('schema_version', '1')")
        con.execute("""
            insert into goal values (1, 'No Poverty', 'End poverty', '#E5243B', 'People');
            insert into indicator values ('1.1.1', 1, '1.1', 'Poverty', 'Tier I', 'World Bank', '001.001.001');
            insert into series values ('S1', '1.1.1', 'Series one', 'PERCENT', false);
            insert into area (code, local_code, name, kind) values ('AAA', 'AAA', 'Aland', 'country');
            insert into population_group values ('total', 'Total', 0, 'headline'), ('women', 'Women', 1, 'f'),
                ('poorest', 'Poorest', 2, 'p');
        """)
        con.execute(USERS_ROWS)

    db.ensure_database(path)

    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select value from meta where key = 'schema_version'").fetchall() == [(db.SCHEMA_VERSION,)]
        assert base_ddl(con) == ddl_of(db.SCHEMA[0].read_text(encoding="utf-8"))
        assert dict(con.execute("select key, value from setting").fetchall()) == {
            "min_sample_size": 15, "reliable_sample_size": 30}
        assert con.execute("select dataset_id, dims, value from observation order by value").fetchall() == [
            ("mine", "", 1.5), ("mine", "Quantile=Bottom 40%25|Sex=FEMALE", 2.5), ("theirs", "Sex=FEMALE", 40.0)]
        assert con.execute("select nso_review, confidentiality, assessed_at from citizen_dataset").fetchall() == [
            ("endorsed", 2, None)]
        # the women's row of the citizen dataset reaches the gap evidence
        assert con.execute("select count(*) from cell_year where group_id = 'women' and area = 'AAA'"
                           ).fetchall()[0][0] > 0
    con = db.connect(path)
    assert dict(db.query(con, "data_sources")[["dataset_id", "observations"]].values) == {"mine": 2, "theirs": 1}
    con.close()


def broken_migrations(tmp_path: Path, monkeypatch, broken: str | None = None, leave_out: int | None = None) -> None:
    """Point the app at a copy of the migrations with 0007 replaced by `broken`, or one left out."""
    folder = tmp_path / "migrations"
    shutil.copytree(db.MIGRATION_DIR, folder)
    if broken is not None:
        db.migrations(folder)[7].write_text(broken, encoding="utf-8")
    if leave_out is not None:
        db.migrations(folder)[leave_out].unlink()
    monkeypatch.setattr(db, "MIGRATION_DIR", folder)


def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    folder = tmp_path / "db"
    folder.mkdir()
    path = stored_v6(folder)
    before = path.read_bytes()
    # its first statement works: the transaction must take it back too
    broken = "update observation set dims = 'x';\nselect no_such_column from observation;\n"
    broken_migrations(tmp_path, monkeypatch, broken)
    with pytest.raises(db.MigrationError, match="0007_dimension_keys.sql"):
        db.ensure_database(path)
    assert path.read_bytes() == before
    assert leftovers(folder) == []


def test_a_missing_migration_is_an_error_that_changes_nothing(tmp_path, monkeypatch):
    folder = tmp_path / "db"
    folder.mkdir()
    path = stored_v6(folder)
    before = path.read_bytes()
    broken_migrations(tmp_path, monkeypatch, leave_out=7)
    monkeypatch.setattr(db, "SCHEMA_VERSION", "7")  # the app still expects 7, its file is gone
    with pytest.raises(db.MigrationError, match="schema version 7"):
        db.ensure_database(path)
    assert path.read_bytes() == before
    assert leftovers(folder) == []


def test_a_database_of_a_newer_version_with_users_data_is_refused_not_replaced(tmp_path):
    folder = tmp_path / "db"
    folder.mkdir()
    path = stored_v6(folder)
    with duckdb.connect(str(path)) as con:
        con.execute("update meta set value = '99' where key = 'schema_version'")
    before = path.read_bytes()
    with pytest.raises(db.MigrationError, match="99"):
        db.ensure_database(path)
    assert path.read_bytes() == before


def test_a_failing_first_build_leaves_no_temporary_file(tmp_path, monkeypatch):
    from gapmonitor import demo

    def boom(con):
        raise RuntimeError("the demo data cannot be made")

    monkeypatch.setattr(demo, "load", boom)
    with pytest.raises(RuntimeError, match="demo data"):
        db.ensure_database(tmp_path / "gapmonitor.duckdb")
    assert not (tmp_path / "gapmonitor.duckdb").exists()
    assert leftovers(tmp_path) == []


def test_a_failure_after_the_migrations_also_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    from gapmonitor import derived

    def boom(con, indicators=None):
        raise RuntimeError("the gap evidence cannot be rebuilt")

    folder = tmp_path / "db"
    folder.mkdir()
    path = stored_v6(folder)
    before = path.read_bytes()
    monkeypatch.setattr(derived, "refresh", boom)
    with pytest.raises(RuntimeError, match="gap evidence"):
        db.ensure_database(path)
    assert path.read_bytes() == before
    assert leftovers(folder) == []


def test_sessions_that_open_an_old_database_at_once_migrate_it_once(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    path = stored_v6(tmp_path)
    runs = []
    migrate = db._migrate
    monkeypatch.setattr(db, "_migrate", lambda *args: runs.append(args) or migrate(*args))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: db.ensure_database(path), range(4)))
    assert results == [path] * 4
    assert runs == [(path, 6)]  # the others waited for the lock, then found it up to date
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select value from meta where key = 'schema_version'").fetchall() == [(db.SCHEMA_VERSION,)]
        assert con.execute("select count(*) from observation where dataset_id = ?", [IMPORTED]).fetchall() == [(130,)]
    assert leftovers(tmp_path) == []
