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

from gapmonitor import catalogue

ROOT = Path(__file__).resolve().parents[1]
QUERY_DIR = ROOT / "queries"
# The schema by concern, in the order it is created: base tables, then what is made from them.
SCHEMA_DIR = Path(__file__).with_name("schema")
SCHEMA = tuple(SCHEMA_DIR / f"{name}.sql" for name in ("tables", "helpers", "release", "gap_rules"))
SCHEMA_VERSION = "6"  # 2: suppression in place, reliability, endorsed tier; 3: cell (years as bits); 4: its tiers
# as columns; 5: observation without a primary key index; 6: bit_year
DERIVED_TABLES = ("meta", "cell_year", "cell", "withheld")  # rebuilt, never copied by a migration


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
    """Build the database with the demo data if it does not exist yet; return its path.

    It is built in a temporary file and renamed into place, so a crash never leaves half a database
    and a running app never sees one.
    """
    from gapmonitor import demo, reference  # only needed the first time

    path = Path(path or database_path())
    if path.exists() and _is_current(path):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    with duckdb.connect(str(tmp)) as con:
        create_schema(con)
        reference.load(con)
        demo.load(con)
        catalogue.refresh(con)
        con.execute("checkpoint")
    os.replace(tmp, path)
    return path


@contextmanager
def writing(path: Path | None = None, indicators: list[str] | None = None):
    """A read-write connection to a copy of the database, in one transaction. On success the copy
    replaces the database in one rename, so readers see all of the change or none of it; on any
    error the copy is deleted and the database is left exactly as it was. Writers take turns.
    A writer that changes only observations of some indicators names them (`indicators`), and only
    their derived rows are rebuilt; by default all are."""
    path = ensure_database(path)
    with open(path.with_name(f".{path.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a writer that was killed
            stale.unlink(missing_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        shutil.copyfile(path, tmp)
        try:
            con = duckdb.connect(str(tmp))
            try:
                con.execute("begin transaction")
                yield con
                catalogue.refresh(con, indicators)  # derived tables change with the data, in the same transaction
                con.execute("commit")
                con.execute("checkpoint")
            finally:
                con.close()
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)


def _is_current(path: Path) -> bool:
    """Whether the database at path has this schema version (after migrating one that holds users'
    data). One of an older version that holds only demo data is rebuilt (False)."""
    with duckdb.connect(str(path), read_only=True) as con:
        version = con.execute("select value from meta where key = 'schema_version'").fetchall()
        if version == [(SCHEMA_VERSION,)]:
            return True
        if not con.execute("select count(*) from dataset where not is_demo").fetchall()[0][0]:
            return False
    _migrate(path)
    return True


def _migrate(path: Path) -> None:
    """Bring a database that holds users' data to the current schema: every table's rows are copied
    by column name into a new database (new columns take their defaults, settings keep their values),
    derived tables are rebuilt, and the result replaces the old file in one rename."""
    with open(path.with_name(f".{path.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.migrate.tmp")
        tmp.unlink(missing_ok=True)
        try:
            with duckdb.connect(str(tmp)) as con:
                create_schema(con)
                con.execute(f"attach '{str(path).replace(chr(39), chr(39) * 2)}' as old (read_only)")
                old = {t for t, in con.execute("select table_name from duckdb_tables() where database_name = 'old'").fetchall()}
                new = [t for t, in con.execute("select table_name from duckdb_tables() "
                                               "where database_name = current_database()").fetchall()]
                for table in new:
                    if table in old and table not in DERIVED_TABLES:
                        verb = "insert or replace" if table == "setting" else "insert"
                        con.execute(f"{verb} into {table} by name select * from old.{table}")
                con.execute("detach old")
                catalogue.refresh(con)
                con.execute("checkpoint")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)


def connect(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the app's database (built on first use). Read-only so that many
    processes can open it at once; use one connection per process and a cursor per thread (cursor()).

    The file is attached to a fresh in-memory instance rather than opened directly: DuckDB shares
    one instance per file path within a process, so after an import swaps a new file in, a direct
    open would be handed the old file's instance while any old cursor lives."""
    path = ensure_database(path)
    con = duckdb.connect()
    con.execute(f"attach '{str(path).replace(chr(39), chr(39) * 2)}' as gapmonitor (read_only)")
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
