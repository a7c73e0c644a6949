"""Readers for the files users bring: each turns one file into a Batch and never touches the app's database
(the UN SDG reader keeps its rows in a staging file of their own: gapmonitor/staging.py).

A Batch holds rows in the app's own shape plus every problem found, each with file, row, column and
value, so that the importer can show a preview before anything is written.
"""

import codecs
import csv
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from gapmonitor.i18n import N_, _
from gapmonitor.limits import MAX_CELL, MAX_COLUMNS, MAX_ROWS, TOO_LONG, TOO_MANY_ROWS, too_many_columns
from gapmonitor.staging import Staged

# Columns of Batch.observations, the shape every observation reader produces.
OBSERVATION_COLUMNS = [
    "row",                 # 1-based line or row number in the source file (for messages)
    "series",              # series code (UN SDG code, SDMX SERIES, or a national code the reader makes)
    "series_description",
    "indicator",           # official indicator code, e.g. 5.2.1 (may be empty if unknown)
    "unit",
    "area",                # area code as the file gives it (M49 number, ISO code, GeoCode...)
    "area_name",
    "area_scheme",         # how to resolve `area`: 'm49', 'iso3', 'code' (subnational/own code), 'area'
                           # (already an area code of the database, or of Batch.new_areas)
    "dims",                # dimension key (gapmonitor.dimensions.key): 'Age=15-24|Sex=FEMALE'; '' total
    "year",
    "time_detail",
    "value",
    "lower_bound",
    "upper_bound",
    "nature",
    "source",
    "sample_size",         # citizen data: respondents or records behind the value (None if not given)
]

# What a citizen dataset's description holds (Batch.dataset; the citizen_dataset table).
DESCRIPTION_FIELDS = ["title", "producer", "producer_type", "method", "licence", "collection_start", "collection_end",
                      "subject"]
# What a citizen dataset's records are about (citizen_dataset.subject), in the words the app shows: the
# confidentiality rule (schema/release.sql) suppresses small estimates of people, never of places.
SUBJECTS = {"people": N_("People or households — small cells are suppressed"),
            "places": N_("Places or things (water points, beaches…) — no personal data, nothing suppressed")}
# How bad a Problem is (a key: compared in code); shown through _(severity).
SEVERITIES = (N_("fatal"), N_("error"), N_("warning"))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input. 'fatal' stops the import; 'error' rejects the row; 'warning'
    keeps it and tells."""

    severity: str
    message: str
    file: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = ", ".join(x for x in (
            self.file,
            _("row {row}", row=self.row) if self.row is not None else None,
            _("column {column!r}", column=self.column) if self.column else None,
            _("value {value!r}", value=self.value) if self.value is not None else None,
        ) if x)
        return _("{severity}: {where}: {problem}", severity=_(self.severity), where=where, problem=self.message)


class ReadError(Exception):
    """A file that cannot be read at all; carries the Problem that says why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Batch:
    """What one file holds, in the app's shape, with the problems found while reading it."""

    file: str
    format: str
    observations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OBSERVATION_COLUMNS))
    indicators: pd.DataFrame | None = None      # framework: code, goal, target, title, tier, custodian
    boundaries: object | None = None            # GeoDataFrame: code, name, parent, geometry (WGS84)
    new_areas: pd.DataFrame | None = None       # areas the file brings: code, local_code, name, parent
    dataset: dict | None = None                 # citizen data: the description the file gives (DESCRIPTION_FIELDS)
    group_mapping: pd.DataFrame | None = None   # (dimension, dim_value, group_id) rows the file adds
    summary: dict = field(default_factory=dict)  # what the reader counted (records read, placed...)
    unmatched: pd.DataFrame | None = None       # citizen records: area names matching no area, for review
    problems: list[Problem] = field(default_factory=list)
    # or the observations kept in a DuckDB file, table `incoming` (the UN SDG reader: a million rows never
    # become Python values); `observations` is then left empty
    staged: Staged | None = None

    def observation_rows(self) -> pd.DataFrame:
        """The observations as one frame, wherever they are kept (a staged file is read whole: tests, small
        files)."""
        if self.staged is None:
            return self.observations
        return self.staged.frame("select * exclude (_pos) from incoming order by _pos")

    def problem(self, severity: str, message: str, row=None, column=None, value=None) -> None:
        self.problems.append(Problem(severity, message, self.file, row, column,
                                     None if value is None else str(value)))


def fatal(file: str | Path, message: str, row=None, column=None, value=None) -> ReadError:
    return ReadError(Problem("fatal", message, Path(file).name, row, column, None if value is None else str(value)))


def _check_start(path: str | Path, start: bytes) -> None:
    """The checks on a text file's first 64 kB: UTF-16 text and binary data."""
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fatal(path, _("the file is UTF-16 text; save it as CSV UTF-8"))
    if b"\x00" in start:
        raise fatal(path, _("not a text file (it holds NUL bytes): binary data, or text saved as UTF-16 without a "
                            "byte-order mark; save it as CSV UTF-8"))


# Cells separated by one of these, and no comma, in a file read as CSV: saved in a locale whose lists use
# semicolons, or as tab-separated text.
OTHER_DELIMITERS = {";": N_("semicolons (;)"), "\t": N_("tabs"), "|": N_("vertical bars (|)")}


def other_delimiter(header: list[str]) -> str | None:
    """What separates a header's cells when it is not a comma (a header read as one cell holding
    ';' or tabs), in words (in the current language); None for a comma-separated header."""
    if len(header) != 1:
        return None
    counts = {d: header[0].count(d) for d in OTHER_DELIMITERS}
    found = max(counts, key=counts.get)
    return _(OTHER_DELIMITERS[found]) if counts[found] else None


def _check_header(path, header: list[str], delimiter: str = ",") -> None:
    """The header checks every CSV reader shares: not too wide, and split by the delimiter expected."""
    if len(header) > MAX_COLUMNS:
        raise fatal(path, too_many_columns(len(header)), row=1)
    other = other_delimiter(header) if delimiter == "," else None
    if other:
        raise fatal(path, _("the cells are separated by {delimiter}, not commas: save the file as CSV UTF-8 "
                            "(comma delimited)", delimiter=other), row=1, value=header[0][:80])


def _checked_rows(path, rows):
    """The rows of a csv.reader, numbered from 1, each checked against the limits (columns, cell size,
    rows); a ReadError names the first row past one. The csv module's own limit on a cell (131,072
    characters, above MAX_CELL) becomes the same message."""
    number = 0
    try:
        for number, cells in enumerate(rows, start=1):
            if len(cells) > MAX_COLUMNS:
                raise fatal(path, too_many_columns(len(cells)), row=number)
            if cells and max(map(len, cells)) > MAX_CELL:
                i = max(range(len(cells)), key=lambda k: len(cells[k]))
                raise fatal(path, _(TOO_LONG), row=number, value=cells[i][:80] + "…")
            if number > MAX_ROWS + 1:  # the header and MAX_ROWS data rows
                raise fatal(path, _(TOO_MANY_ROWS), row=number)
            yield number, cells
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            raise fatal(path, _(TOO_LONG), row=number + 1) from None
        raise fatal(path, _("not a readable CSV file: {error}", error=e)) from e


def check_csv_text(path: str | Path, delimiter: str = ",") -> None:
    """Raise a ReadError saying where, if a CSV file is not UTF-8 text, is past the limits (columns,
    cell size, rows: formats.limits), or a row has more or fewer cells than the header: DuckDB's and
    pandas' own errors name neither the row nor the cell (a ragged row can even make DuckDB take a
    data row for the header)."""
    data = Path(path).read_bytes()
    _check_start(path, data[:65536])
    # undecodable bytes become lone surrogates, so the row and cell that hold them can be named
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    bad = re.compile("[\udc80-\udcff]")
    undecodable = bad.search(text) is not None
    header = None
    for number, cells in _checked_rows(path, csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
        if header is None:
            header = cells
            _check_header(path, header, delimiter)
        for i, cell in enumerate(cells if undecodable else ()):
            if bad.search(cell):
                raise fatal(path, _("not UTF-8 text: this cell holds bytes of another encoding (Latin-1 or "
                                    "Windows-1252?); save the file as CSV UTF-8"), row=number,
                            column=header[i] if number > 1 and i < len(header) else None,
                            value=cell.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))
        if cells and number > 1 and len(cells) != len(header):
            extra = cells[len(header):]
            raise fatal(path, _("the row has {cells} cells but the header has {header}", cells=len(cells),
                                header=len(header)), row=number,
                        column=None if extra else header[len(cells)],
                        value=delimiter.join(extra) if extra else None)


# How DuckDB reads a CSV file for csv_source: the dialect check_csv_text's csv module reads, every cell
# as text, and the lines it cannot read kept in the table reject_errors rather than stopping the scan.
_CSV_OPTIONS = ("header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
                "null_padding = false, store_rejects = true, rejects_limit = 100")


def csv_header(path: str | Path) -> list[str]:
    """The header's cells of a CSV file, after the checks that cost little: not UTF-16, no NUL bytes
    in the first 64 kB, UTF-8 throughout (decoded in blocks, so the file is never held whole), not past
    the limits on columns and on a header cell. A file that fails the UTF-8 check is read again by
    check_csv_text, to name the row and cell."""
    with open(path, "rb") as f:
        _check_start(path, f.read(65536))
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for block in iter(lambda: f.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            check_csv_text(path)
            raise fatal(path, _("not UTF-8 text; save the file as CSV UTF-8")) from None
    with open(path, encoding="utf-8-sig", newline="") as f:
        header = next((cells for _number, cells in _checked_rows(path, csv.reader(f))), [])
    _check_header(path, header)
    return header


def csv_source(path: str | Path, columns: int) -> tuple[str, dict]:
    """A read_csv(...) table expression over a CSV file's data rows, its `columns` cells as text named
    c0, c1, ... (the names are csv_header's: given, not sniffed, so that a ragged data row cannot be
    taken for the header), and the parameters it names ($csv_path, $csv_columns), to bind with the
    statement's own. Run the statements that read it inside csv_checked()."""
    return (f"read_csv($csv_path, columns = $csv_columns, {_CSV_OPTIONS})",
            {"csv_path": str(path), "csv_columns": {f"c{i}": "VARCHAR" for i in range(columns)}})


@contextmanager
def csv_checked(con: duckdb.DuckDBPyConnection, path: str | Path, header: list[str]):
    """Around statements that read csv_source(path): if DuckDB refused a line or failed, raise the
    ReadError check_csv_text gives (file, row, column, value), or, when Python's csv module finds
    nothing wrong, one made from DuckDB's first refused line. The Python pass runs only then."""
    con.execute("drop table if exists reject_errors; drop table if exists reject_scans")  # an earlier scan's
    try:
        yield
        first = con.execute("select line, column_name, error_type, csv_line, error_message from reject_errors "
                            "order by line, column_idx limit 1").fetchall()
    except duckdb.Error as e:
        check_csv_text(path)
        raise fatal(path, _("not a readable CSV file: {error}", error=str(e).splitlines()[0])) from e
    if first:
        line, name, kind, text, message = first[0]
        check_csv_text(path)
        index = int(name[1:]) if name else len(header)  # csv_source's c0, c1, ...
        raise fatal(path, _("not a readable CSV file: {kind} ({error})", kind=kind.lower(), error=message), row=line,
                    column=header[index] if index < len(header) else None, value=text.strip())
