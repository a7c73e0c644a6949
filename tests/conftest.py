"""Shared fixtures: the demo database (built once per run) and a tiny hand-made database."""

import os
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REALDATA = ROOT.parent / "shared" / "realdata"

from gapmonitor import db, derived  # noqa: E402
from tests.browser import app_db, app_url, browser  # noqa: E402,F401  (one app and one chromium per session)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The built-in demo database, built the way the app builds it on first run."""
    path = tmp_path_factory.mktemp("demo") / "gapmonitor.duckdb"
    db.ensure_database(path)
    os.environ["GAPMONITOR_DB"] = str(path)  # pages under AppTest open this one
    return path


@pytest.fixture
def fresh(demo_db, tmp_path) -> Path:
    """A copy of the demo database, alone in its own folder, for a test that writes (and can then see
    what a write leaves beside it)."""
    folder = tmp_path / "db"
    folder.mkdir()
    path = folder / "gapmonitor.duckdb"
    shutil.copyfile(demo_db, path)
    return path


@pytest.fixture(scope="session")
def demo(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


@pytest.fixture
def tiny():
    """An in-memory database with the real schema and a world of two countries, one indicator
    expected for women and rural people, one official and two citizen datasets (high and low tier)."""
    con = duckdb.connect()
    db.create_schema(con)
    con.execute("""
        insert into goal values (1, 'No Poverty', 'End poverty', '#E5243B', 'People');
        insert into indicator values ('1.1.1', 1, '1.1', 'Poverty', 'Tier I', 'World Bank', '001.001.001');
        insert into series values ('S1', '1.1.1', 'Series one', 'PERCENT', false);
        insert into area (code, local_code, name, kind) values ('AAA', 'AAA', 'Aland', 'country'),
            ('BBB', 'BBB', 'Bland', 'country');
        insert into area (code, local_code, name, kind, parent) values ('AAA-1', '1', 'North Aland', 'subnational', 'AAA');
        insert into population_group values ('total', 'Total', 0, 'headline'), ('women', 'Women', 1, 'f'),
            ('rural', 'Rural', 2, 'r'), ('migrants', 'Migrants', 3, 'm');
        insert into group_mapping (dimension, dim_value, group_id) values ('Sex', 'FEMALE', 'women'), ('Location', 'RURAL', 'rural');
        insert into expected_group values ('1.1.1', 'women'), ('1.1.1', 'rural');
        insert into dataset (dataset_id, kind, title, source, is_demo) values
            ('off', 'official', 'Official', 'NSO', false),
            ('hi', 'citizen', 'High tier', 'CSO', false),
            ('lo', 'citizen', 'Low tier', 'CSO', false);
        -- criteria: all fully met (14 -> high); all at 0 (0 -> low)
        insert into citizen_dataset (dataset_id, producer, producer_type, method, collection_start, collection_end,
            nso_review, participation_level, relevance, methodology, accuracy, timeliness, coherence, ethics,
            confidentiality) values
            ('hi', 'P', 'CSO', 'survey', null, null, 'endorsed', 5, 2, 2, 2, 2, 2, 2, 2),
            ('lo', 'P', 'CSO', 'reports', null, null, 'not reviewed', 2, 0, 0, 0, 0, 0, 0, 0);
    """)
    yield con
    con.close()


def add(con, dataset: str, area: str, dims: str, year: int, sample_size: int | None = None, value: float = 50.0):
    """Insert one observation of series S1 and rebuild the gap rules' evidence (as every write does)."""
    con.execute("insert into observation (dataset_id, series, area, dims, year, time_detail, value, sample_size) "
                "values (?, 'S1', ?, ?, ?, ?, ?, ?)", [dataset, area, dims, year, str(year), value, sample_size])
    derived.cell_years(con)


DERIVED = {"cell_year": "indicator, area, group_id, year, is_demo", "cell": "scope, indicator, area, group_id",
           "expected_group": "indicator, group_id"}


def derived_rows(path) -> dict:
    """The derived tables the gap rules read, row by row (to compare a partial rebuild with a full one)."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.execute(f"select * from {t} order by {key}").fetchall() for t, key in DERIVED.items()}
