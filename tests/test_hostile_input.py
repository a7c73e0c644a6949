"""Hostile input beyond the broken-file corpus (issue 16): the CSV the app writes is safe to open in
a spreadsheet; a folder is no file; a header of a million columns is refused within seconds."""

import csv
import io
import time

import pandas as pd
import pytest

from gapmonitor import importer, safe_csv
from gapmonitor.formats import ReadError
from gapmonitor.limits import MAX_COLUMNS


def test_text_cells_that_start_a_formula_are_quoted_and_numbers_are_kept():
    table = pd.DataFrame({
        "title": ["=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", "plain", "-12.5", None],
        "value": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
        "=HYPERLINK(\"x\")": ["a"] * 9,
    })
    rows = list(csv.reader(io.StringIO(safe_csv.to_csv(table).decode("utf-8"), newline="")))
    assert rows[0] == ["title", "value", "'=HYPERLINK(\"x\")"]
    assert [r[0] for r in rows[1:]] == ["'=cmd|' /C calc'!A0", "'+1+2", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "plain",
                                        "-12.5", ""]
    assert rows[1][1] == "-1.5"  # a negative number stays a number
    assert table.at[0, "title"].startswith("=")  # the table shown is not changed


def test_every_kind_of_text_column_is_neutralised():
    table = pd.DataFrame({"category": pd.Categorical(["=a", "b"]), "arrow": pd.Series(["-x", "-3"], dtype="string[pyarrow]"),
                          "year": pd.Series([2020, -1], dtype="Int64")})
    rows = list(csv.reader(io.StringIO(safe_csv.to_csv(table).decode("utf-8"), newline="")))
    assert rows[1:] == [["'=a", "'-x", "2020"], ["b", "-3", "-1"]]


@pytest.mark.parametrize("fmt", [None, "un-sdg", "citizen", "sdmx-ml", "boundaries"])
def test_a_folder_is_no_file(tmp_path, fmt):
    folder = tmp_path / "export.csv"
    folder.mkdir()
    with pytest.raises(ReadError) as caught:
        importer.read(folder, fmt, country="GBR")
    assert caught.value.problem.message.startswith("a folder, not a file")
    assert caught.value.problem.file == "export.csv"


@pytest.mark.parametrize("fmt", [None, "citizen", "sdmx-csv"])
def test_a_million_columns_are_refused_within_seconds(tmp_path, fmt):
    path = tmp_path / "wide.csv"
    header = ["SeriesCode", "GeoAreaCode", "TimePeriod", "Value", "indicator", "period", "value", "OBS_VALUE"]
    header += [f"X{i}" for i in range(1_000_000)]
    path.write_text(",".join(header) + "\n" + ",".join(["1"] * len(header)) + "\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(ReadError) as caught:
        importer.read(path, fmt)
    assert time.monotonic() - started < 20  # the issue saw more than 300 s
    assert caught.value.problem.message == f"the file has {len(header):,} columns; the most the app takes is {MAX_COLUMNS:,}"
