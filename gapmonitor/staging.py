"""An import's rows kept in a DuckDB file of their own, from the read to the write: a million rows of an
export go from the file into DuckDB once and never become Python or Arrow values (they were most of an
import's memory). The reader writes the table `incoming`, the preview adds `resolution` (how each row
resolved against the database), and the writer inserts from both. The file is deleted with its Staged
object (or when the process ends)."""

import os
import shutil
import tempfile
import uuid
import weakref
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from gapmonitor.sql import identifier

# One staging instance works in this much memory, and spills to its file beyond it.
MEMORY_LIMIT = "256MiB"
PREFIX = "gapmonitor-import-"  # then the process id: a folder whose process is gone is removed


def _sweep() -> None:
    """Remove the staging folders of processes that have ended (killed, so their own clean-up never ran)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*-*"):
        pid = folder.name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        pass
    return True


class Staged:
    """The DuckDB file that holds one import's rows. Opened by one DuckDB instance at a time: DuckDB
    refuses a file that another instance in the process has attached, so each use attaches it and
    detaches it again (the writer's connection lets it go when it closes)."""

    def __init__(self):
        _sweep()
        folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
        self.path = folder / "rows.duckdb"
        self.alias = f"staged_{uuid.uuid4().hex[:16]}"  # one name per import: sessions share the app's instance
        weakref.finalize(self, shutil.rmtree, folder, True)

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own to the file (the reader's): memory bounded, the rest spilled to disk."""
        return duckdb.connect(str(self.path), config={"memory_limit": MEMORY_LIMIT,
                                                      "preserve_insertion_order": True})

    def frame(self, query: str) -> pd.DataFrame:
        """A query over the file, read whole into a frame on a connection of its own (tests, small files)."""
        with self.connect() as con:
            return con.execute(query).df()

    def attach(self, con: duckdb.DuckDBPyConnection, read_only: bool = True) -> str:
        """Attach the file to con's instance; returns the name its tables are read under."""
        con.execute(f"attach $path as {identifier(self.alias)}" + (" (read_only)" if read_only else ""),
                    {"path": str(self.path)})
        return self.alias

    @contextmanager
    def attached(self, con: duckdb.DuckDBPyConnection, read_only: bool = True):
        """The file attached to con's instance while the block runs (the preview's)."""
        alias = self.attach(con, read_only)
        try:
            yield alias
            if not read_only:  # what was written goes into the file now: replaying a log at the next attach
                con.execute(f"checkpoint {identifier(alias)}")  # takes seconds and gigabytes for a million rows
        finally:
            con.execute(f"detach {identifier(alias)}")
