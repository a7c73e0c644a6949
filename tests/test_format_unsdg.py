"""The UN SDG export reader's fast path: DuckDB reads the CSV file in one pass and Python sees only the
rows with a problem; the Python csv pass (check_csv_text) runs only when DuckDB refuses a line, to say
where. Files here are written by the tests: every expected row, column and value follows from how the
file was written."""

import gc
import os

import pytest

from gapmonitor import db, formats, importer
from gapmonitor.formats import ReadError, unsdg
from tests.actors import OPERATOR

HEADER = ("Goal,Target,Indicator,SeriesCode,SeriesDescription,GeoAreaCode,GeoAreaName,TimePeriod,Value,"
          "Time_Detail,Source,FootNote,Nature,Units,Sex")
COLUMNS = HEADER.split(",")


def line(i: int) -> str:
    """Data row i (0-based) of a generated file, all cells good: its value is i + 0.5."""
    return f"1,1.4,1.4.2,SP_LGL_LNDDOC,Land documentation by sex (%),4,Afghanistan,2018,{i}.5,2018,DHS,,E,PERCENT,FEMALE"


def write(path, rows: int, replace: dict[int, bytes] | None = None):
    """A file of `rows` data rows; replace maps a spreadsheet row number (the header is row 1) to the
    bytes of that line instead."""
    replace = replace or {}
    with open(path, "wb") as f:
        f.write(HEADER.encode() + b"\n")
        for i in range(rows):
            f.write(replace.get(i + 2, line(i).encode()) + b"\n")
    return path


def read_error(path) -> formats.Problem:
    with pytest.raises(ReadError) as caught:
        unsdg.read(path)
    return caught.value.problem


@pytest.fixture
def python_passes(monkeypatch):
    """Counts the runs of the Python csv pass."""
    runs = []
    original = formats.check_csv_text

    def counted(path):
        runs.append(path)
        return original(path)

    monkeypatch.setattr(formats, "check_csv_text", counted)
    return runs


ROWS = 300_000  # some 30 MB: DuckDB reads it in several parts, in parallel


def test_a_large_good_file_is_read_without_the_python_pass_and_numbered_in_file_order(tmp_path, python_passes):
    # every row good but one, far down the file: it is named by its spreadsheet row
    bad = ROWS - 1000
    path = write(tmp_path / "large.csv", ROWS, {bad: line(bad - 2).replace(".5,", ".5 per cent,", 1).encode()})
    batch = unsdg.read(path)
    assert python_passes == []
    assert [(p.severity, p.row, p.column, p.value) for p in batch.problems] == [
        ("error", bad, "Value", f"{bad - 2}.5 per cent")]
    obs = batch.observation_rows()
    assert len(obs) == ROWS - 1
    # row r holds the value r - 2 + 0.5, as written: numbers follow the file's order at every row
    assert (obs.value.astype("float64") == obs.row.astype("int64") - 1.5).all()
    assert list(obs.row[:3]) == [2, 3, 4] and obs.row.iloc[-1] == ROWS + 1


def test_a_ragged_row_in_a_large_file_is_named_by_row(tmp_path, python_passes):
    path = write(tmp_path / "ragged.csv", 20_000, {12_345: line(0).encode() + b",extra,cells"})
    problem = read_error(path)
    assert (problem.severity, problem.row, problem.column, problem.value) == ("fatal", 12_345, None, "extra,cells")
    assert problem.message == "the row has 17 cells but the header has 15"
    assert len(python_passes) == 1  # DuckDB refused the line; Python said where


def test_a_short_row_names_the_first_missing_column(tmp_path):
    cells = line(0).split(",")[:12]  # up to FootNote: Nature, Units and Sex are missing
    problem = read_error(write(tmp_path / "short.csv", 20_000, {9_999: ",".join(cells).encode()}))
    assert (problem.row, problem.column, problem.value) == (9_999, "Nature", None)
    assert problem.message == "the row has 12 cells but the header has 15"


def test_a_ragged_first_data_row_does_not_become_the_header(tmp_path):
    # the header is read from the first line, not guessed: the ragged row is still row 2
    problem = read_error(write(tmp_path / "ragged_first.csv", 500, {2: line(0).encode() + b",x,y,z"}))
    assert (problem.row, problem.column, problem.value) == (2, None, "x,y,z")


def test_a_latin1_cell_in_a_large_file_is_named_by_row_column_and_value(tmp_path, python_passes):
    latin = line(0).replace("Afghanistan", "Côte d'Ivoire").encode("latin-1")
    problem = read_error(write(tmp_path / "latin1.csv", 20_000, {17_001: latin}))
    assert (problem.severity, problem.row, problem.column, problem.value) == (
        "fatal", 17_001, "GeoAreaName", "C\\xf4te d'Ivoire")
    assert problem.message.startswith("not UTF-8 text: this cell holds bytes of another encoding")
    assert len(python_passes) == 1


def test_a_line_only_duckdb_refuses_is_named_by_duckdb(tmp_path, python_passes):
    # Python's csv module reads '"Afghan"istan' as Afghanistan; DuckDB's strict reader refuses the
    # line, and its own report names the row and the column
    bad = line(0).replace("Afghanistan", '"Afghan"istan')
    problem = read_error(write(tmp_path / "quote.csv", 1_000, {777: bad.encode()}))
    assert (problem.severity, problem.row, problem.column, problem.value) == ("fatal", 777, "GeoAreaName", bad)
    assert problem.message.startswith("not a readable CSV file: unquoted value")
    assert len(python_passes) == 1


def test_cells_are_typed_as_pandas_to_numeric_reads_them(tmp_path):
    """Values, years and bounds: what DuckDB and pandas read differently ('1_000', 'nan') is read
    as before; cells are trimmed; a blank Time_Detail is the TimePeriod; a dimension's name may hold
    a quote."""
    path = tmp_path / "cells.csv"
    path.write_text(
        "SeriesCode,GeoAreaCode,GeoAreaName,TimePeriod,Value,Time_Detail,LowerBound,UpperBound,Sex,Children's age\n"
        "S1,4,Afghanistan,2018,36.4,2018,30,40,FEMALE,\n"          # row 2: good, with bounds
        " S1 , 8 ,Albania, 2018 , 1e1 ,,x,1_0, _T ,\n"            # row 3: trimmed, 10.0, bad bounds
        "S1,12,Algeria,2018-2019,nan,,,,MALE,\n"                   # row 4: 'nan' is a non-value
        "S1,12,Algeria,2019,1_000,,,,MALE,\n"                      # row 5: not a number for pandas
        "S1,12,Algeria,2020,NV,,,,MALE,\n"                         # row 6: a non-value code
        ",,Algeria,abcd,inf,,NaN,,MALE,\n"                         # row 7: no series, area or year
        "S1,12,Algeria,2021,+5.,,.5,,MALE,Y5T9\n",                 # row 8: 5.0, lower bound 0.5
        encoding="utf-8")
    batch = unsdg.read(path)
    assert [(p.severity, p.row, p.column, p.value) for p in batch.problems] == [
        ("warning", 4, "Value", "nan"), ("warning", 6, "Value", "NV"),
        ("error", 5, "Value", "1_000"), ("error", 7, "Value", "inf"),  # infinite: refused (issue 16)
        ("error", 7, "TimePeriod", "abcd"), ("error", 7, "SeriesCode", ""), ("error", 7, "GeoAreaCode", ""),
        ("warning", 3, "LowerBound", "x"), ("warning", 7, "LowerBound", "NaN"),
        ("warning", 3, "UpperBound", "1_0"),
    ]
    # the rows stay in DuckDB (the staging file), never a Python object per cell
    assert batch.staged is not None and batch.observations.empty
    obs = batch.observation_rows()
    got = [(r.row, r.series, r.area, r.dims, r.year, r.time_detail, r.value, r.lower_bound, r.upper_bound)
           for r in obs.astype(object).where(obs.notna(), None).itertuples()]
    assert got == [
        (2, "S1", "4", "Sex=FEMALE", 2018, "2018", 36.4, 30.0, 40.0),
        (3, "S1", "8", "", 2018, "2018", 10.0, None, None),
        (8, "S1", "12", "Children's age=Y5T9|Sex=MALE", 2021, "2021", 5.0, 0.5, None),
    ]


def test_a_new_region_is_named_by_its_most_frequent_name_then_by_the_first_met(tmp_path, fresh):
    # M49 999 and 998 are no area of the database: each becomes a new region, named from its rows
    path = tmp_path / "regions.csv"
    path.write_text(
        "SeriesCode,GeoAreaCode,GeoAreaName,TimePeriod,Value\n"
        "SP_LGL_LNDDOC,999,Second name,2015,1\n"
        "SP_LGL_LNDDOC,999,First name,2016,1\n"
        "SP_LGL_LNDDOC,999,Second name,2017,1\n"
        "SP_LGL_LNDDOC,999,First name,2018,1\n"    # 999: two names as frequent: the first met wins
        "SP_LGL_LNDDOC,998,Rare name,2015,1\n"
        "SP_LGL_LNDDOC,998,Common name,2016,1\n"
        "SP_LGL_LNDDOC,998,Common name,2017,1\n",  # 998: the most frequent wins
        encoding="utf-8")
    batch = unsdg.read(path)
    with db.connect(fresh) as con:
        preview = importer.preview(con, batch, importer.checksum(path))
    names = dict(zip(preview.new_areas.local_code, preview.new_areas.name))
    assert names == {"999": "Second name", "998": "Common name"}
    assert preview.errors == [] and len(preview.rows) == 7


def test_footnotes_are_written(tmp_path, fresh):
    path = tmp_path / "footnotes.csv"
    path.write_text(
        "SeriesCode,GeoAreaCode,GeoAreaName,TimePeriod,Value,FootNote\n"
        "SP_LGL_LNDDOC,4,Afghanistan,2015,1.5, Estimated from the 2015 survey. \n"
        "SP_LGL_LNDDOC,4,Afghanistan,2016,2.5,\n",
        encoding="utf-8")
    batch = unsdg.read(path)
    assert list(batch.observation_rows().footnote) == ["Estimated from the 2015 survey.", ""]
    with db.connect(fresh) as con:
        preview = importer.preview(con, batch, importer.checksum(path))
    dataset = importer.apply(preview, by=OPERATOR, title="t", source="s", path=fresh)
    with db.connect(fresh) as con:
        written = con.execute("select year, footnote from observation where dataset_id = ? order by year",
                              [dataset]).fetchall()
    assert written == [(2015, "Estimated from the 2015 survey."), (2016, None)]  # a blank one is no footnote


def test_duplicates_name_the_first_row_of_their_group(tmp_path, fresh):
    path = tmp_path / "duplicates.csv"
    path.write_text(
        "SeriesCode,GeoAreaCode,GeoAreaName,TimePeriod,Value,Sex\n"
        "SP_LGL_LNDDOC,4,Afghanistan,2015,1,FEMALE\n"   # row 2
        "SP_LGL_LNDDOC,4,Afghanistan,2016,1,FEMALE\n"   # row 3
        "SP_LGL_LNDDOC,4,Afghanistan,2015,1,MALE\n"     # row 4: another group (Sex)
        "SP_LGL_LNDDOC,4,Afghanistan,2015,2,FEMALE\n"   # row 5: row 2 again
        "SP_LGL_LNDDOC,4,Afghanistan,2016,3,FEMALE\n"   # row 6: row 3 again
        "SP_LGL_LNDDOC,4,Afghanistan,2016,4,FEMALE\n",  # row 7: row 3 again
        encoding="utf-8")
    batch = unsdg.read(path)
    with db.connect(fresh) as con:
        preview = importer.preview(con, batch, importer.checksum(path))
    assert [(p.row, p.message[-8:]) for p in preview.errors] == [(5, "as row 2"), (6, "as row 3"), (7, "as row 3")]
    assert preview.rejected == 3 and sorted(preview.rows.row) == [2, 3, 4]


def test_years_the_gap_rules_cannot_tell_apart_are_kept_with_a_warning(tmp_path, fresh):
    # the gap rules hold years 1950-2075 as bits; a year outside counts as the nearest end (test_gaps)
    path = tmp_path / "years.csv"
    path.write_text(
        "SeriesCode,GeoAreaCode,GeoAreaName,TimePeriod,Value,Sex\n"
        "SP_LGL_LNDDOC,4,Afghanistan,1949,1,FEMALE\n"   # row 2: one year too early
        "SP_LGL_LNDDOC,4,Afghanistan,1950,1,FEMALE\n"   # row 3: the first year held
        "SP_LGL_LNDDOC,4,Afghanistan,2075,1,FEMALE\n"   # row 4: the last year held
        "SP_LGL_LNDDOC,4,Afghanistan,2099,1,FEMALE\n",  # row 5: a typo for 2019, say (2109 is refused: limits.py)
        encoding="utf-8")
    batch = unsdg.read(path)
    with db.connect(fresh) as con:
        preview = importer.preview(con, batch, importer.checksum(path))
    outside = [p for p in preview.warnings if p.message.startswith("year ")]
    assert [(p.row, p.column, p.value) for p in outside] == [(2, "TimePeriod", "1949"), (5, "TimePeriod", "2099")]
    assert outside[0].message.endswith("counted as 1950 in them") and outside[1].message.endswith("counted as 2075 in them")
    assert preview.rejected == 0 and sorted(preview.rows.row) == [2, 3, 4, 5]


def test_the_rows_stay_in_a_staging_file_from_read_to_write_and_it_goes_with_the_import(tmp_path, fresh):
    path = tmp_path / "three.csv"
    path.write_text("SeriesCode,GeoAreaCode,GeoAreaName,TimePeriod,Value\n"
                    + "".join(f"SP_LGL_LNDDOC,4,Afghanistan,{2015 + i},{i}.5\n" for i in range(3)), encoding="utf-8")
    batch = unsdg.read(path)
    folder = batch.staged.path.parent
    assert batch.observations.empty and folder.is_dir()  # no frame of the rows: they are in the file
    with db.connect(fresh) as con:
        preview = importer.preview(con, batch, importer.checksum(path))
        # the preview has let the file go: the connection (the app's, shared by sessions) holds no staging file
        assert con.execute("select count(*) from duckdb_databases() where database_name like 'staged%'").fetchall() == [(0,)]
    assert preview.to_write == 3 and preview.indicators == ["1.4.2"]
    dataset = importer.apply(preview, by=OPERATOR, title="t", source="s", path=fresh)
    with db.connect(fresh) as con:
        written = con.execute("select year, value from observation where dataset_id = ? order by year", [dataset]).fetchall()
    assert written == [(2015, 0.5), (2016, 1.5), (2017, 2.5)]
    del batch, preview
    gc.collect()
    assert not folder.exists()  # deleted with the last object that needed it


def test_a_staging_folder_left_by_a_process_that_ended_is_removed(tmp_path, monkeypatch):
    import subprocess
    import sys
    import tempfile

    from gapmonitor import staging

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where tempfile makes folders, in this test
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                           text=True).stdout.strip()
    left = tmp_path / f"{staging.PREFIX}{ended}-x1"      # its process killed before it could clean up
    mine = tmp_path / f"{staging.PREFIX}{os.getpid()}-x2"  # this process's: still in use
    other = tmp_path / "someone-elses-folder"
    for folder in (left, mine, other):
        folder.mkdir()
    new = staging.Staged()
    assert not left.exists() and mine.exists() and other.exists()
    assert new.path.parent.parent == tmp_path and new.path.parent.name.startswith(f"{staging.PREFIX}{os.getpid()}-")
