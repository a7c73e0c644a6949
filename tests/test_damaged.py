"""Issue 16, item 3: a damaged database file (cut short, overwritten in the middle, empty) is found when
it is opened, named in plain words on every page and at the command line, and the last good version
(kept by each write as <db>.previous) comes back with `python -m gapmonitor restore`."""

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from gapmonitor import db, importer
from tests.actors import OPERATOR

ROOT = Path(__file__).resolve().parents[1]
HEADER_BYTES = 3 * 4096  # a DuckDB file: its main header and two database headers, then the blocks
CSV = ("Goal,Target,Indicator,SeriesCode,SeriesDescription,GeoAreaCode,GeoAreaName,TimePeriod,Value,Time_Detail,"
       "Source,FootNote,Nature,Units,Sex\n"
       "1,1.1,1.1.1,SI_POV_DAY1,Proportion below international poverty line,4,Afghanistan,2019,10.5,2019,"
       "World Bank,,C,PERCENT,FEMALE\n")


def datasets(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select count(*) from dataset").fetchall()[0][0]


def cut_short(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


def overwrite_observations(path: Path) -> None:
    """16 bytes overwritten inside a block of the observation table (two different 8-byte words:
    DuckDB's block checksum combines 8-byte words, so one word written twice would cancel out)."""
    with duckdb.connect(str(path), read_only=True) as con:
        size = con.execute("select block_size from pragma_database_size()").fetchall()[0][0]
        block, offset = con.execute("select block_id, block_offset from pragma_storage_info('observation') "
                                    "where block_id >= 0 and column_name = 'value' limit 1").fetchall()[0]
    at = HEADER_BYTES + block * size + 8 + offset  # 8: the block's own checksum comes first
    with open(path, "r+b") as f:
        f.seek(at)
        f.write(bytes(range(1, 17)))


def empty(path: Path) -> None:
    path.write_bytes(b"")


DAMAGE = {cut_short: "cut short", overwrite_observations: "fails its checksum", empty: "empty (0 bytes)"}


@pytest.fixture
def imported(fresh, tmp_path) -> Path:
    """The demo database with one import: users' data, and the version before it kept as .previous."""
    file = tmp_path / "afg.csv"
    file.write_text(CSV, encoding="utf-8")
    before = fresh.read_bytes()
    with db.connect(fresh) as con:
        preview = importer.load(con, file)
    importer.apply(preview, by=OPERATOR, title="t", source="s", path=fresh)
    assert db.previous_path(fresh).read_bytes() == before  # the write kept what it replaced
    return fresh


@pytest.mark.parametrize("damage", DAMAGE, ids=[d.__name__ for d in DAMAGE])
def test_damage_is_found_when_the_file_is_opened(imported, damage):
    demo_and_one = datasets(imported)
    damage(imported)
    with pytest.raises(db.DamagedDatabase) as found:
        db.ensure_database(imported)
    assert DAMAGE[damage] in found.value.what and str(imported.parent) not in found.value.what
    with pytest.raises(db.DamagedDatabase):
        importer.remove("anything", imported, by=OPERATOR)  # no write copies the damage forward
    assert db.restore(imported).startswith("restored the version kept before the last write")
    assert db.ready(imported) and datasets(imported) == demo_and_one - 1  # the version before the import
    assert db.damaged_path(imported).exists()  # the damaged file is set aside, not deleted


@pytest.mark.parametrize("damage", DAMAGE, ids=[d.__name__ for d in DAMAGE])
def test_a_damaged_file_of_demo_data_only_is_rebuilt(fresh, damage):
    demo = datasets(fresh)
    damage(fresh)
    db.ensure_database(fresh)
    assert db.ready(fresh) and datasets(fresh) == demo


def test_check_and_restore_at_the_command_line(imported):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "gapmonitor", "--db", str(imported), *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)

    assert run("check").returncode == 0
    cut_short(imported)
    check = run("check")
    assert check.returncode == 1
    assert "is damaged: it is cut short" in check.stderr and "python -m gapmonitor restore" in check.stderr
    listing = run("datasets")  # any command: the plain message, not a traceback
    assert listing.returncode == 3 and "Traceback" not in listing.stderr and "cut short" in listing.stderr
    restore = run("restore")
    assert restore.returncode == 0 and "restored" in restore.stdout
    assert run("check").returncode == 0 and run("restore").stdout.strip() == "the database reads whole: nothing to restore"


def test_every_page_says_so_in_plain_words(imported, monkeypatch):
    monkeypatch.setenv("GAPMONITOR_DB", str(imported))
    overwrite_observations(imported)
    for page in ("app.py", "pages/overview.py", "pages/about.py", "pages/data.py"):
        at = AppTest.from_file(str(ROOT / page), default_timeout=60).run()
        assert not at.exception, page
        shown = " ".join(e.value for e in at.error)
        assert "The database cannot be read: part of it was overwritten" in shown, page
        assert "python -m gapmonitor restore" in shown and str(imported.parent) not in shown, page


def test_without_a_kept_version_restore_builds_the_demo_and_keeps_the_damaged_file(imported):
    db.previous_path(imported).unlink()
    empty(imported)
    said = db.restore(imported)
    assert said.startswith("no good earlier version was kept: built a new database with the demo data")
    assert db.ready(imported) and db.damaged_path(imported).exists()
