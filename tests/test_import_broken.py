"""Broken files (tests/broken/, see its README.md): every one is refused, with a message that names the
file and, where it applies, the row, column and value, and the database is left exactly as it was,
byte for byte and row for row. Also: an import that fails half-way through its write, a process that
dies half-way, rows rejected unless accepted, and the command line."""

import csv
import hashlib
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import ROOT

from gapmonitor import db, derived, importer
from gapmonitor.formats import ReadError
from gapmonitor.formats.records import RecordSpec
from gapmonitor.limits import MAX_CELL, MAX_COLUMNS, NOT_FINITE, YEAR_RULE
from tests.actors import OPERATOR

BROKEN = Path(__file__).resolve().parent / "broken"
NOT_CORPUS = {"README.md", "make_corpus.py"}
BOUNDARY = {"country": "GBR", "code_property": "code", "name_property": "name"}


def last_line(name: str) -> int:
    """The number of the last line of a corpus file (where a truncated file stops)."""
    return len((BROKEN / name).read_text(encoding="utf-8").splitlines())


@dataclass
class Expect:
    options: dict
    outcome: str                        # "read": ReadError; "refused": ImportRefused at apply()
    where: list = field(default_factory=list)  # (row, column, part of value) each of which some problem names
    says: str | None = None             # the exact message one of the problems gives


# Hostile input (issue 16): the years and limits the app states (gapmonitor/limits.py), finite values,
# nothing-to-import, other delimiters, another namespace, non-finite coordinates.
UN_YEAR = f"TimePeriod is not a year ({YEAR_RULE})"
SEMICOLONS = "the cells are separated by semicolons (;), not commas: save the file as CSV UTF-8 (comma delimited)"
POINTS = RecordSpec(indicator="6.1.1", description="water points working", measure="ok", yes=["yes"], latitude="lat",
                    longitude="lon", period_column="year", subject="places")
HOSTILE = {
    "un_year_five_digits.csv": Expect({}, "refused", [(2, "TimePeriod", "99999")], UN_YEAR),
    "un_year_int_overflow.csv": Expect({}, "refused", [(2, "TimePeriod", "2147483648")], UN_YEAR),
    "un_year_1850.csv": Expect({}, "refused", [(2, "TimePeriod", "1850")], UN_YEAR),
    "un_value_inf.csv": Expect({}, "refused", [(3, "Value", "inf")], f"Value is {NOT_FINITE}"),
    "un_value_1e309.csv": Expect({}, "refused", [(3, "Value", "1e309")], f"Value is {NOT_FINITE}"),
    "un_value_minus_infinity.csv": Expect({}, "refused", [(3, "Value", "-Infinity")], f"Value is {NOT_FINITE}"),
    "un_all_values_blank.csv": Expect({}, "refused", [(None, None, None)], importer.NOTHING_TO_IMPORT),
    "un_all_non_values.csv": Expect({}, "refused", [(None, None, None)], importer.NOTHING_TO_IMPORT),
    "un_semicolon_bom.csv": Expect({}, "read", [], "unknown format (its cells are separated by semicolons (;), not "
                                   "commas: save it as CSV UTF-8, comma delimited): expected raw citizen records"),
    "un_tab_separated.csv": Expect({"fmt": "un-sdg"}, "read", [(1, None, "Goal\tTarget")],
                                   SEMICOLONS.replace("semicolons (;)", "tabs")),
    "un_too_many_columns.csv": Expect({}, "read", [(1, None, None)],
                                      f"the file has {MAX_COLUMNS + 1:,} columns; the most the app takes is {MAX_COLUMNS:,}"),
    "un_long_cell.csv": Expect({}, "read", [(2, "FootNote", None)],
                               f"a cell longer than {MAX_CELL:,} characters, the most the app takes"),
    "indicator_1-2-1-year-99999.csv": Expect({"country": "GBR"}, "refused", [(3, "Year", "99999")],
                                             f"Year is not a year or period such as 2015, 2000 Q1 or 2004/05 ({YEAR_RULE})"),
    "indicator_1-2-1-value-inf.csv": Expect({"country": "GBR"}, "refused", [(3, "Value", "Infinity")],
                                            f"Value is {NOT_FINITE}"),
    "indicator_1-2-1-all-blank.csv": Expect({"country": "GBR"}, "refused", [], importer.NOTHING_TO_IMPORT),
    "indicator_1-2-1-semicolon.csv": Expect({"fmt": "open-sdg", "country": "GBR"}, "read", [(1, None, "Year;Sex")],
                                            SEMICOLONS),
    "citizen_year_2150.csv": Expect({}, "refused", [(3, "period", "2150")], f"not a year the app takes: {YEAR_RULE}"),
    "citizen_value_1e309.csv": Expect({}, "refused", [(3, "value", "1e309")], f"value is {NOT_FINITE}"),
    "citizen_long_cell.csv": Expect({}, "read", [(3, None, None)],
                                    f"a cell longer than {MAX_CELL:,} characters, the most the app takes"),
    "sdmx_csv_year_1850.csv": Expect({}, "refused", [(3, "TIME_PERIOD", "1850")],
                                     f"TIME_PERIOD does not start with a year ({YEAR_RULE})"),
    "sdmx_csv_value_inf.csv": Expect({}, "refused", [(3, "OBS_VALUE", "inf")], f"OBS_VALUE is {NOT_FINITE}"),
    "sdmx_csv_semicolon.csv": Expect({}, "read", [], "unknown format (its cells are separated by semicolons (;), "
                                     "not commas: save it as CSV UTF-8, comma delimited): expected raw citizen records"),
    "sdmx_wrong_namespace.xml": Expect({}, "read", [(None, None, "http://www.SDMX.org/resources/SDMXML/schemas/v2_0/message")],
                                       "not an SDMX-ML 2.1 message: its root element <GenericData> is in another namespace "
                                       "(SDMX-ML 2.1's is http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message)"),
    "sdmx_year_five_digits.xml": Expect({}, "refused", [(2, "TIME_PERIOD", "99999")],
                                        f"TIME_PERIOD does not start with a year ({YEAR_RULE})"),
    "sdmx_value_infinite.xml": Expect({}, "refused", [(2, "OBS_VALUE", "INF")], f"OBS_VALUE is {NOT_FINITE}"),
    "geojson_nan_coordinates.geojson": Expect(BOUNDARY, "refused", [(1, None, "E1")],
                                              "the geometry has coordinates that are not finite numbers (NaN or infinite)"),
    "geojson_infinite_coordinates.geojson": Expect(BOUNDARY, "refused", [(1, None, "E1")], "the geometry has coordinates "
                                                   "that are not finite numbers (NaN or infinite)"),
    "records_nan_coordinates.csv": Expect({"records": POINTS}, "refused", [(3, "lat", "NaN, 33.8"),
                                          (4, "lat", "inf, -Infinity")], "no usable coordinates: the record cannot be placed"),
    "records_year_99999.csv": Expect({"records": POINTS}, "refused", [(3, "year", "99999")],
                                     f"not a date or year ({YEAR_RULE})"),
}

CORPUS = {
    "un_utf16.csv": Expect({}, "read"),
    "un_latin1.csv": Expect({}, "read", [(3, "GeoAreaName", "C\\xf4te d'Ivoire")]),
    "un_missing_columns.csv": Expect({}, "read", [(None, "TimePeriod, Value", None)]),
    "un_text_value.csv": Expect({}, "refused", [(3, "Value", "about 12")]),
    "un_duplicate_rows.csv": Expect({}, "refused", [(4, "SeriesCode", "SP_LGL_LNDDOC 4 ")]),
    "un_unknown_area.csv": Expect({}, "refused", [(3, "GeoAreaCode", "ABC"), (4, "GeoAreaCode", "999")]),
    "un_unknown_series.csv": Expect({}, "refused", [(3, "SeriesCode", "ZZ_MADE_UP"), (4, "SeriesCode", "ZZ_OTHER")]),
    "un_bad_year.csv": Expect({}, "refused", [(2, "TimePeriod", "n.d.")]),
    "un_empty.csv": Expect({}, "read"),
    "un_header_only.csv": Expect({}, "read"),
    "un_ragged.csv": Expect({}, "read", [(3, None, "extra,cells")]),
    "un_garbage.csv": Expect({}, "read"),
    "un_truncated.xlsx": Expect({}, "read"),
    "framework_wrong_sheet.xlsx": Expect({"fmt": "framework"}, "read"),
    "framework_duplicate_indicator.xlsx": Expect({}, "refused", [(6, "Indicator", "1.1.1")]),
    "indicator_1-2-1-no-value.csv": Expect({"fmt": "open-sdg", "country": "GBR"}, "read", [(None, "Value", None)]),
    "indicator_1-2-1-bad-year.csv": Expect({"country": "GBR"}, "refused", [(3, "Year", "twenty twenty")]),
    "indicator_1-2-1-text-value.csv": Expect({"country": "GBR"}, "refused", [(3, "Value", "c")]),
    "sdmx_not_xml.xml": Expect({}, "read"),
    "sdmx_wrong_root.xml": Expect({}, "read"),
    "sdmx_truncated.xml": Expect({}, "read", [(last_line("sdmx_truncated.xml"), None, None)]),
    "sdmx_csv_text_value.csv": Expect({}, "refused", [(3, "OBS_VALUE", "n/a")]),
    "sdmx_csv_missing_columns.csv": Expect({}, "read", [(None, "REF_AREA", None)]),
    "geojson_missing_code.geojson": Expect(BOUNDARY, "refused", [(2, "code", None)]),
    "geojson_duplicate_codes.geojson": Expect(BOUNDARY, "refused", [(3, "code", "E1")]),
    "geojson_no_code_property.geojson": Expect(BOUNDARY, "read", [(None, "code", None)]),
    "geojson_projected_no_crs.geojson": Expect(BOUNDARY, "read"),
    "geojson_not_json.geojson": Expect(BOUNDARY, "read"),
    "zip_path_traversal.zip": Expect(BOUNDARY, "read", [(None, None, "../evil.shp")]),
    "shp_truncated.zip": Expect(BOUNDARY, "read", [(None, None, "areas.shp")]),
    **HOSTILE,
}


# ---------------------------------------------------------------------------------------------
# fixtures and helpers


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_counts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [t for t, in con.execute("select table_name from information_schema.tables "
                                          "where table_type = 'BASE TABLE' order by 1").fetchall()]
        return {t: con.execute(f'select count(*) from "{t}"').fetchall()[0][0] for t in tables}


def state(path: Path) -> tuple:
    """What must not change: the file's bytes, the rows of every table, and the files beside it."""
    return digest(path), table_counts(path), sorted(os.listdir(path.parent))


def leftovers(path: Path) -> list[str]:
    """Files beside the database other than itself and the writers' lock file."""
    return sorted(set(os.listdir(path.parent)) - {path.name, f".{path.name}.lock", f"{path.name}.previous"})


def run_import(file: Path, path: Path, options: dict, accept_rejected: bool = False) -> str:
    options = dict(options)
    fmt = options.pop("fmt", None)
    with db.connect(path) as con:
        # records are read against the database (areas, indicators); the other formats need none
        batch = importer.read(file, fmt, con=con if "records" in options else None, **options)
        preview = importer.preview(con, batch, importer.checksum(file), options.get("country"))
    return importer.apply(preview, by=OPERATOR, title=file.name, source="test", accept_rejected=accept_rejected, path=path)


def preview_of(file: Path, path: Path, **options) -> importer.Preview:
    batch = importer.read(file, **options)
    with db.connect(path) as con:
        return importer.preview(con, batch, importer.checksum(file), options.get("country"))


def scalar(path: Path, sql: str, params=None):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()[0][0]


# ---------------------------------------------------------------------------------------------
# the corpus


def test_corpus_has_twenty_files_all_listed_and_all_tested():
    files = {p.name for p in BROKEN.iterdir()} - NOT_CORPUS
    assert len(files) >= 20
    assert files == set(CORPUS)
    listed = set(re.findall(r"^\| `([^`]+)` \|", (BROKEN / "README.md").read_text(encoding="utf-8"), re.M))
    assert listed == files
    assert (BROKEN / "un_empty.csv").stat().st_size == 0
    # tiny, but for the two past the limit on a cell
    assert all((BROKEN / f).stat().st_size < 6000 for f in files - {"un_long_cell.csv", "citizen_long_cell.csv"})
    assert len(HOSTILE) >= 25 and set(HOSTILE) <= files


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_broken_file_is_refused_clearly_and_changes_nothing(fresh, name):
    expect = CORPUS[name]
    before = state(fresh)
    with pytest.raises((ReadError, importer.ImportRefused)) as caught:
        run_import(BROKEN / name, fresh, expect.options)
    error = caught.value
    if expect.outcome == "read":
        assert isinstance(error, ReadError)
        problems = [error.problem]
        assert error.problem.severity == "fatal"
    else:
        assert isinstance(error, importer.ImportRefused)
        problems = error.problems
        assert problems and all(p.severity in ("error", "fatal") for p in problems)
    # clear: it names the file (as the user knows it, not a server path), and where it applies
    # the row, column and value
    assert all(p.file == name for p in problems)
    assert name in str(error)
    assert str(BROKEN) not in str(error)
    for row, column, value in expect.where:
        assert any(p.row == row and p.column == column and (value is None or value in (p.value or ""))
                   for p in problems), (row, column, value, problems)
    if expect.says is not None:
        assert any(p.message == expect.says or expect.outcome == "read" and p.message.startswith(expect.says)
                   for p in problems), (expect.says, problems)
    # nothing written: the same bytes, the same rows in every table, nothing new beside it
    assert state(fresh) == before


# ---------------------------------------------------------------------------------------------
# rejected rows are imported only when accepted


def test_rejected_rows_refused_unless_accepted(fresh):
    file = BROKEN / "un_text_value.csv"
    with open(file, encoding="utf-8", newline="") as f:
        records = list(csv.DictReader(f))
    good = []
    for r in records:
        try:
            good.append(float(r["Value"]))
        except ValueError:
            pass
    assert len(good) == len(records) - 1 == 2

    preview = preview_of(file, fresh)
    assert preview.rejected == 1 and len(preview.rows) == 2
    before = state(fresh)
    with pytest.raises(importer.ImportRefused) as caught:
        importer.apply(preview, by=OPERATOR, title="t", source="s", path=fresh)
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(3, "Value", "about 12")]
    assert state(fresh) == before

    dataset = importer.apply(preview, by=OPERATOR, title="t", source="s", accept_rejected=True, path=fresh)
    assert dataset == preview.dataset_id
    with duckdb.connect(str(fresh), read_only=True) as con:
        values = sorted(v for v, in con.execute("select value from observation where dataset_id = ?", [dataset]).fetchall())
    assert values == sorted(good)


def test_rejected_features_refused_unless_accepted(fresh):
    """Boundaries: a feature with no code is rejected; the file is refused unless that is accepted."""
    file = BROKEN / "geojson_missing_code.geojson"
    preview = preview_of(file, fresh, **BOUNDARY)
    assert preview.rejected == 1
    before = state(fresh)
    with pytest.raises(importer.ImportRefused):
        importer.apply(preview, by=OPERATOR, title="t", source="s", path=fresh)
    assert state(fresh) == before
    dataset = importer.apply(preview, by=OPERATOR, title="t", source="s", accept_rejected=True, path=fresh)
    with duckdb.connect(str(fresh), read_only=True) as con:
        codes = con.execute("select local_code from area where boundary_dataset = ? order by 1", [dataset]).fetchall()
    assert codes == [("E1",), ("E3",)]  # features 1 and 3 of the file; feature 2 has no code


def test_rejected_framework_rows_refused_unless_accepted(fresh):
    file = BROKEN / "framework_duplicate_indicator.xlsx"
    preview = preview_of(file, fresh)
    assert preview.rejected == 1
    before = state(fresh)
    with pytest.raises(importer.ImportRefused):
        importer.apply(preview, by=OPERATOR, title="t", source="s", path=fresh)
    assert state(fresh) == before
    importer.apply(preview, by=OPERATOR, title="t", source="s", accept_rejected=True, path=fresh)
    # the first 1.1.1 row (Tier I) is kept, its repeat (Tier II) rejected
    assert scalar(fresh, "select tier from indicator where code = '1.1.1'") == "Tier I"


# ---------------------------------------------------------------------------------------------
# an import that fails half-way through its write


GOOD_UN = textwrap.dedent("""\
    Goal,Target,Indicator,SeriesCode,SeriesDescription,GeoAreaCode,GeoAreaName,TimePeriod,Value,Time_Detail,Source,FootNote,Nature,Units,Sex
    1,1.4,1.4.2,SP_LGL_LNDDOC,Land documentation by sex (%),4,Afghanistan,2018,36.4,2018,DHS,,E,PERCENT,FEMALE
    1,1.4,1.4.2,SP_LGL_LNDDOC,Land documentation by sex (%),8,Albania,2018,12.5,2018,DHS,,E,PERCENT,FEMALE
    1,1.4,1.4.2,ZZ_NEW_SERIES,A new series of 1.4.2 (%),12,Algeria,2019,20.1,2019,DHS,,E,PERCENT,
    """)


@pytest.fixture
def good_file(tmp_path) -> Path:
    path = tmp_path / "good_un_export.csv"
    path.write_text(GOOD_UN, encoding="utf-8")
    return path


def good_rows(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


def test_failure_in_the_derived_tables_leaves_database_untouched(fresh, good_file, monkeypatch):
    """The write inserts the dataset, a new series and the observations, then rebuilds the derived
    tables; if that fails, the database file is as it was and no temporary copy is left."""
    preview = preview_of(good_file, fresh)
    before = state(fresh)
    seen = {}

    def fail(con, indicators=None):
        # the rows are in (in the copy being written) when this runs
        seen["observations"] = con.execute("select count(*) from observation where dataset_id = ?",
                                           [preview.dataset_id]).fetchall()[0][0]
        seen["series"] = con.execute("select count(*) from series where code = 'ZZ_NEW_SERIES'").fetchall()[0][0]
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(derived, "add_expected_groups", fail)
    with pytest.raises(RuntimeError, match="simulated"):
        importer.apply(preview, by=OPERATOR, title="t", source="s", path=fresh)
    assert seen == {"observations": good_rows(good_file), "series": 1}
    assert digest(fresh) == before[0] and table_counts(fresh) == before[1]
    assert leftovers(fresh) == []

    monkeypatch.undo()  # and the next import works (the lock was released)
    dataset = importer.apply(preview, by=OPERATOR, title="t", source="s", path=fresh)
    assert scalar(fresh, "select count(*) from observation where dataset_id = ?", [dataset]) == good_rows(good_file)
    assert leftovers(fresh) == []


def test_failure_after_some_observations_leaves_database_untouched(fresh, good_file, monkeypatch):
    preview = preview_of(good_file, fresh)
    before = state(fresh)
    original = importer._write_observations
    inserted = []

    def write_then_fail(con, result):
        original(con, result)
        inserted.append(con.execute("select count(*) from observation where dataset_id = ?",
                                    [result.dataset_id]).fetchall()[0][0])
        raise OSError("connection lost (simulated)")

    monkeypatch.setattr(importer, "_write_observations", write_then_fail)
    with pytest.raises(OSError, match="simulated"):
        importer.apply(preview, by=OPERATOR, title="t", source="s", path=fresh)
    assert inserted == [good_rows(good_file)]
    assert digest(fresh) == before[0] and table_counts(fresh) == before[1]
    assert leftovers(fresh) == []


def test_a_duplicate_the_preview_did_not_reject_is_refused_at_the_write(fresh, good_file):
    """observation has no unique index: the write checks its rows' keys itself, whatever gave them."""
    preview = preview_of(good_file, fresh)
    assert preview.rejected == 0
    with preview.staged.connect() as con:  # as if a reader let the third row through twice: again as the last
        (last,), = con.execute("select max(rowid) + 1 from loaded").fetchall()
        con.execute("insert into loaded select * from loaded where rowid = 2")
        con.execute("insert into resolution select * replace ($pos as _pos, $pos + 2 as row, $pos + 2 as first_row) "
                    "from resolution where _pos = 2", {"pos": last})
    row = preview.rows.iloc[[2]]
    assert len(preview.rows) == 3 + 1 and preview.rows.iloc[-1].row == last + 2  # the copy is among the rows written
    before = state(fresh)
    with pytest.raises(importer.ImportRefused) as refused:
        importer.apply(preview, by=OPERATOR, title="t", source="s", path=fresh)
    problem, = refused.value.problems
    assert problem.message.startswith("duplicate observation")
    key = row.iloc[0]
    assert problem.value == " ".join([key.series, key.area_code, key.dims, key.time_detail])
    assert digest(fresh) == before[0] and table_counts(fresh) == before[1]
    assert leftovers(fresh) == []


def test_failure_removing_a_dataset_leaves_database_untouched(fresh, good_file, monkeypatch):
    dataset = importer.apply(preview_of(good_file, fresh), by=OPERATOR, title="t", source="s", path=fresh)
    before = state(fresh)
    monkeypatch.setattr(derived, "refresh", lambda con, indicators=None: (_ for _ in ()).throw(RuntimeError("simulated")))
    with pytest.raises(RuntimeError, match="simulated"):
        importer.remove(dataset, fresh, by=OPERATOR)
    assert digest(fresh) == before[0] and table_counts(fresh) == before[1]
    assert leftovers(fresh) == []


def test_process_killed_mid_write_leaves_database_untouched(fresh, good_file):
    """A process that dies inside the write (no exception handler runs) leaves the database as it was."""
    before = state(fresh)
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from gapmonitor import accounts, db, importer
        original = importer._write_observations
        def die(con, result):
            original(con, result)
            os._exit(9)
        importer._write_observations = die
        path, file = Path({str(fresh)!r}), Path({str(good_file)!r})
        batch = importer.read(file)
        with db.connect(path) as con:
            preview = importer.preview(con, batch, importer.checksum(file))
        importer.apply(preview, by=accounts.command_line(), title="t", source="s", path=path)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 9, done.stderr
    assert digest(fresh) == before[0] and table_counts(fresh) == before[1]
    stale = [n for n in leftovers(fresh) if n.endswith(".tmp")]
    if stale:
        print(f"\nnote: a killed writer leaves its temporary copy beside the database: {stale}")
    # the next writer is not blocked (the lock died with the process) and its write lands
    dataset = importer.apply(preview_of(good_file, fresh), by=OPERATOR, title="t", source="s", path=fresh)
    assert scalar(fresh, "select count(*) from observation where dataset_id = ?", [dataset]) == good_rows(good_file)


# ---------------------------------------------------------------------------------------------
# the command line


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gapmonitor", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_cli_imports_a_good_file_and_removes_it(fresh, good_file):
    observations = scalar(fresh, "select count(*) from observation")
    done = cli("--db", fresh, "import", good_file, "--source", "Test source", "--licence", "CC BY 4.0")
    assert done.returncode == 0, done.stderr
    m = re.search(r"imported as (import-[0-9a-f]{16})", done.stdout)
    assert m, done.stdout
    dataset = m.group(1)
    assert dataset == f"import-{hashlib.sha256(good_file.read_bytes()).hexdigest()[:16]}"
    assert scalar(fresh, "select count(*) from observation where dataset_id = ?", [dataset]) == good_rows(good_file)
    assert scalar(fresh, "select source from dataset where dataset_id = ?", [dataset]) == "Test source"

    again = cli("--db", fresh, "import", good_file, "--source", "Test source")
    assert again.returncode == 0 and f"already imported as {dataset}" in again.stdout

    listed = cli("--db", fresh, "datasets")
    assert listed.returncode == 0 and good_file.name in listed.stdout

    removed = cli("--db", fresh, "remove", dataset)
    assert removed.returncode == 0 and f"removed {dataset}" in removed.stdout
    assert scalar(fresh, "select count(*) from observation") == observations
    gone = cli("--db", fresh, "remove", dataset)
    assert gone.returncode != 0 and dataset in gone.stderr
    demo = cli("--db", fresh, "remove", "demo-official")
    assert demo.returncode != 0 and "demo" in demo.stderr


def test_cli_reports_an_unreadable_file_on_stderr(fresh):
    before = state(fresh)
    done = cli("--db", fresh, "import", BROKEN / "un_latin1.csv", "--source", "Test")
    assert done.returncode != 0
    assert "un_latin1.csv" in done.stderr and "row 3" in done.stderr and "GeoAreaName" in done.stderr
    assert "imported as" not in done.stdout
    assert state(fresh) == before


def test_cli_refuses_rejected_rows_unless_skipped(fresh):
    file = BROKEN / "un_text_value.csv"
    before = state(fresh)
    done = cli("--db", fresh, "import", file, "--source", "Test")
    assert done.returncode != 0
    assert "not imported" in done.stderr
    # the problems are listed with the file, row, column and value
    assert re.search(r"error: un_text_value\.csv, row 3, column 'Value', value 'about 12'", done.stdout), done.stdout
    assert state(fresh) == before
    dry = cli("--db", fresh, "import", file, "--source", "Test", "--skip-rejected", "--dry-run")
    assert dry.returncode == 0 and "dry run" in dry.stdout
    assert state(fresh) == before
    skipped = cli("--db", fresh, "import", file, "--source", "Test", "--skip-rejected")
    assert skipped.returncode == 0 and "imported as" in skipped.stdout
    assert scalar(fresh, "select count(*) from observation where dataset_id like 'import-%'") == 2
