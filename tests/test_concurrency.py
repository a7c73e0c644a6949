"""Issue 16, items 1 and 2: many sessions at first start, and writers at the same time. Processes
are real (subprocess, multiprocessing), each with a bounded time; expected outcomes come from what
each file holds (one new region, M49 62, in both files below)."""

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from gapmonitor import db, importer
from tests.actors import OPERATOR

ROOT = Path(__file__).resolve().parents[1]
HEADER = "Goal,Target,Indicator,SeriesCode,SeriesDescription,GeoAreaCode,GeoAreaName,TimePeriod,Value,Time_Detail," \
         "Source,FootNote,Nature,Units,Sex\n"
# one value for South-central Asia (M49 62), a region the demo database does not hold: each file adds it
ROW = "1,1.1,1.1.1,SI_POV_DAY1,Proportion below international poverty line,62,South-central Asia,2019,{value},2019," \
      "World Bank,,C,PERCENT,FEMALE\n"


def leftovers(folder: Path) -> list[str]:
    """Temporary copies and write-ahead logs beside the database (the lock file and .previous are meant to stay)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".wal")) or ".tmp." in p.name)


def one(path: Path, sql: str, params=None):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()[0][0]


def version(path: Path) -> str:
    return one(path, "select value from meta where key = 'schema_version'")


@pytest.fixture
def files(tmp_path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(HEADER + ROW.format(value=10.5), encoding="utf-8")
    b.write_text(HEADER + ROW.format(value=11.5), encoding="utf-8")
    return a, b


def _start(path: str, barrier, errors) -> None:
    """One server process: three sessions (threads) open the app's database at the same moment."""
    def session():
        try:
            barrier.wait(timeout=30)
            with db.connect(Path(path)) as con:
                con.execute("select count(*) from observation").fetchall()
        except Exception as error:  # noqa: BLE001 - the test reports whatever a session met
            errors.put(f"{type(error).__name__}: {error}")
    threads = [threading.Thread(target=session) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_sessions_of_several_processes_at_first_start_build_one_database(tmp_path):
    path = tmp_path / "gapmonitor.duckdb"
    ctx = multiprocessing.get_context("spawn")
    barrier, errors = ctx.Barrier(9), ctx.Queue()
    processes = [ctx.Process(target=_start, args=(str(path), barrier, errors)) for _ in range(3)]
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=60)
    assert [p.exitcode for p in processes] == [0, 0, 0]
    met = []
    while not errors.empty():
        met.append(errors.get())
    assert met == []
    assert version(path) == db.SCHEMA_VERSION and leftovers(tmp_path) == []
    assert one(path, "select count(*) from dataset where is_demo") > 0


def test_a_build_killed_midway_leaves_nothing_behind_and_the_next_start_builds(tmp_path):
    path = tmp_path / "gapmonitor.duckdb"
    script = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from gapmonitor import db; db.ensure_database({str(path)!r})"
    build = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]:  # the build's copy is there
            assert time.monotonic() < deadline and build.poll() is None, "the build ended before it could be killed"
            time.sleep(0.01)
        time.sleep(0.2)  # well into the build: schema and some data written
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=10)
    assert not path.exists() and leftovers(tmp_path)  # it died with its copy half made
    db.ensure_database(path)
    assert version(path) == db.SCHEMA_VERSION
    assert leftovers(tmp_path) == []  # the next holder of the lock cleared them, .wal included


def test_an_import_previewed_before_another_adds_the_same_new_area_still_lands(fresh, files):
    a, b = files
    with db.connect(fresh) as con:  # both previewed on the database as it is: each would add M49 62
        first, second = importer.load(con, a), importer.load(con, b)
    assert len(first.new_areas) == len(second.new_areas) == 1
    one_id = importer.apply(first, by=OPERATOR, title="a", source="s", path=fresh)
    two_id = importer.apply(second, by=OPERATOR, title="b", source="s", path=fresh)  # it was: Duplicate key "code: M49-062"
    assert one_id != two_id and second.already is None
    assert one(fresh, "select count(*) from area where code = 'M49-062'") == 1
    assert one(fresh, "select added_by from area where code = 'M49-062'") == one_id  # the first to write it
    assert one(fresh, "select count(*) from observation where area = 'M49-062'") == 2


def test_the_same_file_previewed_twice_is_imported_once_and_the_second_says_already(fresh, files):
    a, _ = files
    with db.connect(fresh) as con:
        first, second = importer.load(con, a), importer.load(con, a)
    assert first.already is None and second.already is None
    dataset = importer.apply(first, by=OPERATOR, title="a", source="s", path=fresh)
    assert importer.apply(second, by=OPERATOR, title="a", source="s", path=fresh) == dataset  # it was a key error
    assert second.already == dataset
    assert one(fresh, "select count(*) from dataset where checksum = ?", [first.checksum]) == 1


def test_an_area_removed_after_the_preview_refuses_the_import_with_a_message(fresh, files):
    a, b = files
    with db.connect(fresh) as con:
        first = importer.load(con, a)
    added = importer.apply(first, by=OPERATOR, title="a", source="s", path=fresh)
    with db.connect(fresh) as con:
        second = importer.load(con, b)  # M49 62 is known now: no new area
    assert second.new_areas.empty
    importer.remove(added, fresh, by=OPERATOR)  # and the area goes with the import that added it
    before = fresh.read_bytes()
    with pytest.raises(importer.ImportRefused) as refused:
        importer.apply(second, by=OPERATOR, title="b", source="s", path=fresh)
    problem, = refused.value.problems
    assert "removed from the database after this file was checked" in problem.message
    assert (problem.column, problem.value) == ("GeoAreaCode", "M49-062")
    assert fresh.read_bytes() == before


def _cli(path: Path, file: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "gapmonitor", "--db", str(path), "import", str(file), "--source", "s"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_command_line_imports_at_once_both_land(fresh, files):
    a, b = files
    runs = [_cli(fresh, a), _cli(fresh, b)]
    done = [r.communicate(timeout=60) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], done
    assert all("Traceback" not in err for _, err in done)
    assert one(fresh, "select count(*) from dataset where not is_demo") == 2
    assert one(fresh, "select count(*) from area where code = 'M49-062'") == 1


def test_the_same_file_imported_twice_at_once_is_imported_once(fresh, files):
    a, _ = files
    runs = [_cli(fresh, a), _cli(fresh, a)]
    done = [r.communicate(timeout=60) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], done
    last = sorted(out.strip().splitlines()[-1] for out, _ in done)
    assert last[0].startswith("already imported as import-") and last[0].endswith(": nothing to do")
    assert last[1].startswith("imported as import-")
    assert one(fresh, "select count(*) from dataset where not is_demo") == 1
