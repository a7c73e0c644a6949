"""Database access: the database file, its first build, and named queries from queries/*.sql."""

import fcntl
import os
import re
import shutil
import threading
import uuid
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from gapmonitor import audit as audit_log
from gapmonitor import derived, reference
from gapmonitor.i18n import N_, _
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
    database and a running app never sees one. One process builds while the others wait on the lock.
    A damaged file (check()) raises DamagedDatabase, unless it held only demo data: then it is rebuilt.
    """
    path = Path(path or database_path())
    if ready(path):  # every call but the first of each file version: no lock
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock(path):  # one build or migration at a time, across processes and sessions (threads)
        if not path.exists():  # again: another may have built it meanwhile
            _build(path)
        elif (state := inspect(path)).damage:
            if not demo_only(path, state):
                raise DamagedDatabase(path, state.damage)
            _set_aside(path)
            _build(path)
        elif not _bring_up_to_date(path):
            _build(path)
    return path


@contextmanager
def writing(path: Path | None = None, indicators: list[str] | None = None, audit: "audit_log.Entry | None" = None):
    """A read-write connection to a copy of the database, in one transaction. On success the copy
    replaces the database in one rename, so readers see all of the change or none of it, and the
    version it replaces is kept as <db>.previous (restore() brings it back); on any error the copy is
    deleted and the database is left exactly as it was. Writers take turns: whatever the body reads
    is the database as the last writer left it.
    A writer that changes only observations of some indicators names them (`indicators`), and only
    their derived rows are rebuilt; by default all are (a write that changes no data: `indicators=[]`).
    `audit` is the write's row of the audit log, appended in the same transaction."""
    path = ensure_database(path)
    with _lock(path):
        if damage := inspect(path).damage:  # damaged since it was checked: do not copy damage forward
            raise DamagedDatabase(path, damage)
        tmp = _temporary(path, "write")
        shutil.copyfile(path, tmp)
        try:
            con = duckdb.connect(str(tmp))
            try:
                con.execute("begin transaction")
                yield con
                if audit is not None:
                    audit_log.record(con, audit)
                derived.refresh(con, indicators)  # derived tables change with the data, in the same transaction
                con.execute("commit")
                con.execute("checkpoint")
            finally:
                con.close()
            _replace(tmp, path)
        finally:
            _discard(tmp)


def previous_path(path: Path) -> Path:
    """Where the version before the last write is kept."""
    return path.with_name(f"{path.name}.previous")


def damaged_path(path: Path) -> Path:
    """Where a damaged file is set aside when a good version or a new build takes its place."""
    return path.with_name(f"{path.name}.damaged")


class DamagedDatabase(RuntimeError):
    """The database file cannot be read whole. `what` says why in plain words (no server path), for
    pages, in the session's language; str() adds the path, for the command line (in English)."""

    def __init__(self, path: Path, what: str):
        self.path, self.damage = Path(path), what  # the damage as inspect() found it (English)
        super().__init__(f"the database {path} is damaged: {what}")

    @property
    def what(self) -> str:
        return damage_words(self.damage)


# What inspect() finds, in English: inspect() keeps its finding for every session of the process, so a
# page shows it in its own language with damage_words().
EMPTY = N_("the file is empty (0 bytes)")
NOT_DUCKDB = N_("it is not a database file (its first bytes are not those of a DuckDB database)")
CUT_SHORT = N_("it is cut short: its end is missing")
OVERWRITTEN = N_("part of it was overwritten: a block of data fails its checksum")
UNREADABLE = N_("it cannot be read ({error})")  # DuckDB's error, server paths taken out


def damage_words(damage: str) -> str:
    """What inspect() found (English), in the session's language."""
    prefix, suffix = UNREADABLE.split("{error}")
    if damage.startswith(prefix) and damage.endswith(suffix):
        return _(UNREADABLE, error=damage[len(prefix):len(damage) - len(suffix)])
    return _(damage)


@dataclass(frozen=True)
class State:
    """What inspect() found: the damage (None if none), the schema version, and whether the file
    holds only demo data (None when that cannot be read)."""

    damage: str | None
    version: str | None = None
    demo_only: bool | None = None
    datasets: int | None = None


_inspected: dict[tuple, State] = {}  # per file version (path, inode, mtime, size): reruns cost a stat


def inspect(path: Path) -> State:
    """Open the file read-only and read every column of every table: DuckDB checks each block it reads
    against its checksum, so damage anywhere in the data is found here, not on some later page. Fast
    (tens of ms on the demo database) and done once per file version."""
    path = Path(path)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    if key not in _inspected:
        _inspected.clear() if len(_inspected) > 64 else None
        _inspected[key] = _inspect(path, stat.st_size)
    return _inspected[key]


def _inspect(path: Path, size: int) -> State:
    if size == 0:
        return State(EMPTY)
    con = duckdb.connect()  # attached to a fresh instance: never a cached instance of an older file
    try:
        try:
            con.execute("attach $path as inspected (read_only)", {"path": str(path)})
        except duckdb.Error as error:
            return State(_plain(error))
        con.execute("use inspected")
        version = demo_only = datasets = None
        try:
            version = con.execute("select max(value) from meta where key = 'schema_version'").fetchall()[0][0]
            datasets, imported = con.execute("select count(*), count(*) filter (where not is_demo) from dataset"
                                             ).fetchall()[0]
            demo_only = imported == 0 and not _decisions(con)
        except duckdb.Error:
            pass  # the damage is found and named below
        try:
            for table, in con.execute("select table_name from duckdb_tables() "
                                      "where database_name = 'inspected' order by all").fetchall():
                con.execute(f"select sum(hash(columns(*))) from {identifier(table)}").fetchall()
        except duckdb.Error as error:
            return State(_plain(error), version, demo_only, datasets)
        return State(None, version, demo_only, datasets)
    finally:
        con.close()


def _decisions(con: duckdb.DuckDBPyConnection) -> int:
    """Users' work besides imports: any write the audit log holds but the demo build's own (accounts,
    stories, mappings, thresholds, assessments; version 10 on), and editors' mappings (version 8 on). A
    database with any of it is migrated, never rebuilt as demo data."""
    tables = {t for t, in con.execute("select table_name from duckdb_tables() where database_name = current_database()"
                                      ).fetchall()}
    found = 0
    if "audit_log" in tables:
        found += con.execute("select count(*) from audit_log where action <> 'build'").fetchall()[0][0]
    for table in ("group_mapping", "series_group"):
        if table in tables and con.execute("select count(*) from duckdb_columns() where table_name = ? "
                                           "and column_name = 'source' and database_name = current_database()",
                                           [table]).fetchall()[0][0]:
            found += con.execute(f"select count(*) from {identifier(table)} where source = 'editor'").fetchall()[0][0]
    return found


def demo_only(path: Path, state: State) -> bool:
    """Whether a damaged file held only demo data, so that it can simply be built again (it is set
    aside, not deleted): its dataset table says so, or, when that cannot be read, no write or migration
    ever kept a previous version of it."""
    if state.demo_only is not None:
        return state.demo_only
    return not previous_path(path).exists()


def _plain(error: duckdb.Error) -> str:
    """What is wrong with a file, in plain words, from DuckDB's error (which names server paths)."""
    text = str(error)
    if "not a valid DuckDB database file" in text:
        return NOT_DUCKDB
    if "Could not read enough bytes" in text or "No more data remaining" in text:
        return CUT_SHORT
    if "checksum" in text:
        return OVERWRITTEN
    return UNREADABLE.format(error=re.sub(r'"[^"]*/[^"]*"', "the file", text.splitlines()[0])[:200])


def ready(path: Path) -> bool:
    """Whether the database at path exists, is readable whole and of this schema version (cached per
    file version: cheap to ask on every rerun)."""
    if not path.exists():
        return False
    state = inspect(path)
    return state.damage is None and state.version == SCHEMA_VERSION


def restore(path: Path | None = None) -> str:
    """Bring back the last good version of a damaged database: <db>.previous if it reads whole; else,
    when the file held only demo data or nothing else is left, a new demo database. The damaged file
    is set aside as <db>.damaged, never deleted. Returns what was done, in plain words."""
    path = Path(path or database_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock(path):
        if path.exists() and not inspect(path).damage:
            return "the database reads whole: nothing to restore"
        previous = previous_path(path)
        good = previous.exists() and not inspect(previous).damage
        if path.exists():
            _set_aside(path)
        if good:
            os.replace(previous, path)  # the kept version becomes the database; it is checked again on open
            return f"restored the version kept before the last write; the damaged file is kept as {damaged_path(path).name}"
        _build(path)
    return ("no good earlier version was kept: built a new database with the demo data"
            + (f"; the damaged file is kept as {damaged_path(path).name}" if damaged_path(path).exists() else ""))


class MigrationError(RuntimeError):
    """A migration failed; the database file was left as it was."""


@contextmanager
def _lock(path: Path):
    """The database's lock file, held exclusively: writers, builds and migrations take turns (an OS
    lock: it is released when its holder dies). Whoever holds it first clears what a killed holder
    left: only a holder of the lock makes temporary files."""
    with open(path.with_name(f".{path.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in path.parent.glob(f".{path.name}.*.tmp*"):  # the copies and their .wal
            stale.unlink(missing_ok=True)
        yield


def _temporary(path: Path, purpose: str) -> Path:
    """A new temporary file name beside the database, unique to this build, write or migration."""
    return path.with_name(f".{path.name}.{purpose}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp")


def _discard(tmp: Path) -> None:
    """Remove a temporary database and its write-ahead log."""
    for file in (tmp, tmp.with_name(tmp.name + ".wal")):
        file.unlink(missing_ok=True)


def _replace(tmp: Path, path: Path) -> None:
    """Put the new version in place, keeping the one it replaces as <db>.previous: a hard link of the
    old file renamed over the older previous, then the new file renamed over the database, each
    rename atomic, so there is always a good database and, after the first write, a previous one."""
    keep = tmp.with_name(tmp.name + ".previous")
    try:
        os.link(path, keep)
    except OSError:  # a file system without hard links
        shutil.copyfile(path, keep)
    os.replace(keep, previous_path(path))
    os.replace(tmp, path)


def _set_aside(path: Path) -> None:
    """Move a damaged file out of the way (kept, for whoever wants to look at it)."""
    os.replace(path, damaged_path(path))
    path.with_name(path.name + ".wal").unlink(missing_ok=True)


def _build(path: Path) -> None:
    """Build a new database with the reference and demo data at path (replacing any file there)."""
    from gapmonitor import demo  # only needed the first time

    tmp = _temporary(path, "build")
    try:
        with duckdb.connect(str(tmp)) as con:
            create_schema(con)
            reference.load(con)
            demo.load(con)
            derived.refresh(con)
            con.execute("checkpoint")
        os.replace(tmp, path)
    finally:
        _discard(tmp)


def _bring_up_to_date(path: Path) -> bool:
    """Migrate the database at path to this schema version if it holds users' data (call with the
    lock held); False if it is of another version and holds only demo data, to be rebuilt."""
    state = inspect(path)
    version = state.version
    if version == SCHEMA_VERSION:
        return True
    if state.demo_only:
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
    tmp = _temporary(path, "migrate")
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
        _replace(tmp, path)
    finally:
        _discard(tmp)


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
