"""Database access: the database file, its first build, and named queries from queries/*.sql."""

import fcntl
import os
import re
import shutil
import threading
import weakref
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from gapmonitor import derived, reference
from gapmonitor.sql import identifier

ROOT = Path(__file__).resolve().parents[1]
QUERY_DIR = ROOT / "queries"
# The schema by concern, in the order it is created: base tables, then what is made from them.
SCHEMA_DIR = Path(__file__).with_name("schema")
SCHEMA = tuple(SCHEMA_DIR / f"{name}.sql" for name in ("tables", "helpers", "release", "gap_rules"))
# Numbered migrations: migrations/000N_<what>.sql takes the base tables (schema/tables.sql) from version
# N-1 to N; everything else is made again from the other schema files. Adding a version is adding a file.
MIGRATION_DIR = Path(__file__).with_name("migrations")
MIGRATION_NAME = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")


def migrations(folder: Path | None = None) -> dict[int, Path]:
    """The migration files, by the schema version each one produces."""
    found = {}
    for file in sorted(Path(folder or MIGRATION_DIR).iterdir()):
        if match := MIGRATION_NAME.fullmatch(file.name):
            found[int(match[1])] = file
    return found


SCHEMA_VERSION = str(max(migrations()))


def database_path() -> Path:
    """Where the app's database lives: $GAPMONITOR_DB, or data/gapmonitor.duckdb (git ignores it)."""
    return Path(os.environ.get("GAPMONITOR_DB", ROOT / "data" / "gapmonitor.duckdb"))


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table, view and macro of the current schema version in an empty database."""
    for part in SCHEMA:
        con.execute(part.read_text(encoding="utf-8"))
    con.execute("insert into meta values ('schema_version', ?)", [SCHEMA_VERSION])
    con.execute("insert into setting values ('min_sample_size', 10), ('reliable_sample_size', 30)")


def ensure_database(path: Path | None = None) -> Path:
    """Build the database with the demo data if it does not exist yet, or bring an older one up to
    date (migrated if it holds users' data, rebuilt if only demo data); return its path.

    Either is done in a temporary file renamed into place, so a crash or an error never leaves half a
    database and a running app never sees one.
    """
    path = Path(path or database_path())
    if path.exists() and _version(path) == SCHEMA_VERSION:  # every call but the first: no lock
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock(path):  # one build or migration at a time (GUIDE: one process serves every session)
        if not (path.exists() and _bring_up_to_date(path)):  # again: another may have done it meanwhile
            _build(path)
    return path


@contextmanager
def writing(path: Path | None = None, indicators: list[str] | None = None):
    """A read-write connection to a copy of the database, in one transaction. On success the copy
    replaces the database in one rename, so readers see all of the change or none of it; on any
    error the copy is deleted and the database is left exactly as it was. Writers take turns.
    A writer that changes only observations of some indicators names them (`indicators`), and only
    their derived rows are rebuilt; by default all are."""
    path = ensure_database(path)
    with _lock(path):
        for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a writer that was killed
            stale.unlink(missing_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        shutil.copyfile(path, tmp)
        try:
            con = duckdb.connect(str(tmp))
            try:
                con.execute("begin transaction")
                yield con
                derived.refresh(con, indicators)  # derived tables change with the data, in the same transaction
                con.execute("commit")
                con.execute("checkpoint")
            finally:
                con.close()
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)


class MigrationError(RuntimeError):
    """A migration failed; the database file was left as it was."""


@contextmanager
def _lock(path: Path):
    """The database's lock file, held exclusively: writers, builds and migrations take turns."""
    with open(path.with_name(f".{path.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _version(path: Path) -> str | None:
    """The schema version written in the database at path (None if it has none)."""
    with duckdb.connect(str(path), read_only=True) as con:
        version = con.execute("select value from meta where key = 'schema_version'").fetchall()
    return version[0][0] if version else None


def _build(path: Path) -> None:
    """Build a new database with the reference and demo data at path (replacing any file there)."""
    from gapmonitor import demo  # only needed the first time

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            create_schema(con)
            reference.load(con)
            demo.load(con)
            derived.refresh(con)
            con.execute("checkpoint")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _bring_up_to_date(path: Path) -> bool:
    """Migrate the database at path to this schema version if it holds users' data (call with the
    lock held); False if it is of another version and holds only demo data, to be rebuilt."""
    version = _version(path)
    if version == SCHEMA_VERSION:
        return True
    with duckdb.connect(str(path), read_only=True) as con:
        if not con.execute("select count(*) from dataset where not is_demo").fetchall()[0][0]:
            return False
    if not (version or "").isdigit() or int(version) > int(SCHEMA_VERSION):
        raise MigrationError(f"{path} has schema version {version}, this app knows versions up to "
                             f"{SCHEMA_VERSION}; it holds imported data, so it is not replaced")
    _migrate(path, int(version))
    return True


def _migrate(path: Path, version: int) -> None:
    """Run the migrations after `version` on the base tables of a copy of the database, in one
    transaction; then make every macro, view and derived table again from the schema files and
    rebuild the derived rows. The copy replaces the database in one rename; on any error it is
    deleted, the database is left as it was and the error names the migration that failed."""
    steps = migrations()
    wanted = range(version + 1, int(SCHEMA_VERSION) + 1)
    if missing := [n for n in wanted if n not in steps]:
        raise MigrationError(f"no migration to schema version {missing[0]} in {MIGRATION_DIR}")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.migrate.tmp")
    shutil.copyfile(path, tmp)
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute("begin transaction")
            _drop_views_and_macros(con)  # not data; and a migration can then drop a table they read
            for n in wanted:
                try:
                    for statement in duckdb.extract_statements(steps[n].read_text(encoding="utf-8")):
                        con.execute(statement)
                except duckdb.Error as error:
                    raise MigrationError(f"migration {steps[n].name} failed on {path}: {error}") from error
            try:
                _drop_derived_tables(con)  # after the migrations: one may read a table it then drops
                for part in SCHEMA[1:]:  # all but the base tables: macros, views, derived tables
                    con.execute(part.read_text(encoding="utf-8"))
                con.execute("insert or replace into meta values ('schema_version', ?)", [SCHEMA_VERSION])
                reference.refresh(con)  # the shipped groups and mappings of this version
                derived.refresh(con)
            except duckdb.Error as error:
                raise MigrationError(f"{path} migrated, but making its views, macros and derived tables "
                                     f"of version {SCHEMA_VERSION} failed: {error}") from error
            con.execute("commit")
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@cache
def base_tables() -> frozenset[str]:
    """The names of the base tables: those schema/tables.sql creates (users' data, kept by migrations)."""
    with duckdb.connect() as con:
        con.execute(SCHEMA[0].read_text(encoding="utf-8"))
        return frozenset(t for t, in con.execute("select table_name from duckdb_tables()").fetchall())


def _drop_views_and_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every view and macro of the database (the schema files make them again)."""
    for name, in con.execute("select distinct view_name from duckdb_views() "
                             "where not internal and database_name = current_database()").fetchall():
        con.execute(f"drop view {identifier(name)}")
    for name, kind in con.execute("select distinct function_name, function_type from duckdb_functions() "
                                  "where not internal and database_name = current_database() "
                                  "and function_type in ('macro', 'table_macro')").fetchall():
        if kind == "table_macro":
            con.execute(f"drop macro table {identifier(name)}")
        else:
            con.execute(f"drop macro {identifier(name)}")


def _drop_derived_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every table but the base ones (the schema files make them again, derived.refresh fills them)."""
    for name, in con.execute("select distinct table_name from duckdb_tables() "
                             "where not internal and database_name = current_database()").fetchall():
        if name not in base_tables():
            con.execute(f"drop table {identifier(name)}")


def connect(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the app's database (built on first use). Read-only so that many
    processes can open it at once; use one connection per process and a cursor per thread (cursor()).

    The file is attached to a fresh in-memory instance rather than opened directly: DuckDB shares
    one instance per file path within a process, so after an import swaps a new file in, a direct
    open would be handed the old file's instance while any old cursor lives."""
    path = ensure_database(path)
    con = duckdb.connect()
    con.execute("attach $path as gapmonitor (read_only)", {"path": str(path)})
    con.execute("use gapmonitor")
    return con


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of a connection, in the app's database when it is attached (cursors start in the
    instance's own catalog)."""
    cur = con.cursor()
    if cur.execute("select count(*) from duckdb_databases() where database_name = 'gapmonitor'").fetchall()[0][0]:
        cur.execute("use gapmonitor")
    return cur


@cache
def sql(name: str) -> str:
    """The text of queries/<name>.sql; the name must be a plain identifier (no paths)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ValueError(f"not a query name: {name!r}")
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


@cache
def parameters(name: str) -> frozenset[str]:
    """The named parameters ($goal...) that queries/<name>.sql uses."""
    return frozenset(re.findall(r"\$([a-z_]+)", sql(name)))


_thread_cursors = threading.local()


def _thread_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """This thread's cursor on con, made once per thread: making one costs as much as a small query."""
    mine = getattr(_thread_cursors, "by_connection", None)
    if mine is None:
        mine = _thread_cursors.by_connection = weakref.WeakKeyDictionary()
    if con not in mine:
        mine[con] = cursor(con)
    return mine[con]


def query(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run queries/<name>.sql with named parameters ($goal...) bound by DuckDB, on this thread's cursor.
    Parameters the query does not use are left out (pages pass their common rules to every query);
    one it uses but is not given is an error."""
    used = parameters(name)
    missing = used - params.keys()
    if missing:
        raise TypeError(f"query {name} needs parameter(s): {', '.join(sorted(missing))}")
    return _thread_cursor(con).execute(sql(name), {k: v for k, v in params.items() if k in used}).df()
