"""The UN Global SDG Indicators Database export (CSV or XLSX), quirks included: old and new column
sets, dimension names with or without brackets, a leading index column, blank trailing header
columns, values as text, NV/N non-values, footnotes, M49 area codes including regions."""

import re
from contextlib import nullcontext
from pathlib import Path

import duckdb
import pandas as pd

from gapmonitor import dimensions
from gapmonitor.formats import Batch, csv_checked, csv_header, csv_source, fatal
from gapmonitor.formats.registry import COUNTRY, Format
from gapmonitor.i18n import N_, _, format_number
from gapmonitor.limits import FIRST_YEAR, LAST_YEAR, MAX_CELL, MAX_COLUMNS, MAX_ROWS, YEAR_START
from gapmonitor.sql import identifier
from gapmonitor.staging import Staged

REQUIRED = ["SeriesCode", "GeoAreaCode", "TimePeriod", "Value"]
# Columns that are not dimensions (attributes and identifiers); every other named column is one.
NOT_DIMENSIONS = {
    "Goal", "Target", "Indicator", "SeriesCode", "SeriesDescription", "GeoAreaCode", "GeoAreaName",
    "TimePeriod", "Value", "Time_Detail", "TimeCoverage", "UpperBound", "LowerBound", "BasePeriod",
    "Source", "GeoInfoUrl", "GeoInfoType", "FootNote", "Nature", "Units", "Reporting Type",
    "Observation Status", "Unit Multiplier", "Unit multiplier",
}
# Value cells that are not values ("not available", "not applicable"): skipped with a warning.
NON_VALUES = ("", "NV", "N", "NA", "NAN")


def _clean_name(name: str) -> str:
    """'[Reporting Type]' -> 'Reporting Type', 'Reporting_Type' -> 'Reporting Type'."""
    name = re.sub(r"^\[(.*)\]$", r"\1", str(name).strip()).strip()
    return "Reporting Type" if name == "Reporting_Type" else name


def _load(path: Path, con: duckdb.DuckDBPyConnection) -> int:
    """Every data row of the file into the table `loaded` of con (the staging file), in file order (its
    rowid + 2 is the line a spreadsheet shows: the header is line 1): the cells used as trimmed text
    (time_detail: the period given, else TimePeriod's text), value, year and bounds as numbers (NULL where
    a cell is not one), a flag per PROBLEMS entry, `ok` (the row is kept) and, in flagged rows only, the
    cell each problem shows (`<cell>_shown`). One DuckDB pass: no Python pass over the rows, and only the
    columns used. Returns the number of rows."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            frame = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False)
        except Exception as e:  # openpyxl raises many kinds of errors for a broken workbook
            raise fatal(path, _("not a readable Excel workbook ({error})", error=f"{type(e).__name__}: {e}")) from e
        header = [str(c) for c in frame.columns]
        if len(header) > MAX_COLUMNS:
            raise fatal(path, _("the file has {count} columns; the most the app takes is {most}",
                                count=format_number(len(header)), most=format_number(MAX_COLUMNS)), row=1)
        frame.columns = [f"c{i}" for i in range(len(header))]
        con.register("frame", frame)
        (source, params), checked = ("frame", {}), nullcontext()
    else:
        header = csv_header(path)
        (source, params), checked = csv_source(path, len(header)), csv_checked(con, path, header)
    col = _columns(path, header)
    dims = sorted(c for c in col if c not in NOT_DIMENSIONS)

    def text(name: str) -> str:
        # trim() only where there is a space to trim: it copies every string it is given
        c = identifier(col[name]) if name in col else None
        return f"coalesce(case when {c} like ' %' or {c} like '% ' then trim({c}) else {c} end, '')" if c else "''"

    # each dimension's cell once, trimmed, as dim_0, dim_1...: the key reads each several times
    dim_cells = "".join(f", {text(d)} as {identifier(f'dim_{i}')}" for i, d in enumerate(dims))
    key, key_params = dimensions.sql_key({d: f"dim_{i}" for i, d in enumerate(dims)})
    params = {**params, **key_params, "non_values": list(NON_VALUES), "max_cell": MAX_CELL, "rows": MAX_ROWS + 1,
              "first_year": FIRST_YEAR, "last_year": LAST_YEAR,
              "year_start": YEAR_START}
    # a number as pandas.to_numeric reads one: DuckDB also takes '1_000', and 'nan' as NaN, not as nothing
    con.execute("create temp macro number(t) as case when not contains(t, '_') then nullif(try_cast(t as double), 'nan'::double) end")
    # the first cell of a row past the limit on a cell's length (strlen costs nothing: DuckDB keeps it)
    long_cell = " ".join(f"when strlen({identifier(c)}) > $max_cell then {i}" for i, c in enumerate(col.values()))
    flags = ", ".join(f"{where} as problem_{i}" for i, (*__, where, _shown) in enumerate(PROBLEMS))
    problem_columns = ", ".join(f"problem_{i}" for i in range(len(PROBLEMS)))
    # the cells a problem shows, kept only in the rows that have one: a million copies of them are not needed
    by_cell: dict[str, list[str]] = {}
    for i, (*__, cell) in enumerate(PROBLEMS):
        by_cell.setdefault(cell, []).append(f"problem_{i}")
    shown = ", ".join(f"case when {' or '.join(identifier(f) for f in flags_of)} then {identifier(cell)} end "
                      f"as {identifier(cell + '_shown')}" for cell, flags_of in by_cell.items())
    with checked:
        # into the staging file, in the file's order (preserve_insertion_order): rowid + 2 is the line a
        # spreadsheet shows, with no row_number() over the whole file
        con.execute(f"""
            create table loaded as
            with source as (
                select *{dim_cells}, case {long_cell} end as long_cell from {source}
                limit $rows  -- one past MAX_ROWS: enough to tell the file is too long
            ),
            cells as (
                select {text('SeriesCode')} as series, {text('SeriesDescription')} as series_description,
                    {text('Indicator')} as indicator, {text('Units')} as unit,
                    {text('GeoAreaCode')} as area, {text('GeoAreaName')} as area_name, {key} as dims,
                    {text('TimePeriod')} as year_text, {text('Time_Detail')} as time_detail,
                    {text('Value')} as value_text, {text('LowerBound')} as lower_text, {text('UpperBound')} as upper_text,
                    {text('Nature')} as nature, {text('Source')} as source, {text('FootNote')} as footnote, long_cell
                from source
            ),
            read as (
                select *, list_contains($non_values, upper(value_text)) as non_value, number(value_text) as number,
                    try_cast(regexp_extract(year_text, $year_start, 1) as integer) as four_digits,
                    number(lower_text) as lower_number, number(upper_text) as upper_number
                from cells
            ),
            typed as (  -- only finite numbers and the years the app takes (formats/limits.py)
                select *, case when isfinite(number) then number end as value,
                    case when four_digits between $first_year and $last_year then four_digits end as year,
                    case when isfinite(lower_number) then lower_number end as lower_bound,
                    case when isfinite(upper_number) then upper_number end as upper_bound
                from read
            ),
            flagged as (
                select *, {flags}, value is not null and year is not null and series <> '' and area <> '' as ok
                from typed
            )
            select series, series_description, indicator, unit, area, area_name, dims, year,
                case when time_detail = '' then year_text else time_detail end as time_detail,
                value, lower_bound, upper_bound, nature, source, footnote, long_cell, {problem_columns}, ok, {shown}
            from flagged
        """, params)
    if source == "frame":
        con.unregister("frame")
    (count,), = con.execute("select count(*) from loaded").fetchall()
    if count > MAX_ROWS:
        raise fatal(path, _("the file has more than {most} data rows, the most the app takes: split it",
                            most=format_number(MAX_ROWS)), row=MAX_ROWS + 2)
    long = con.execute("select rowid + 2, long_cell from loaded where long_cell is not null order by rowid limit 1"
                       ).fetchall()
    if long:
        raise fatal(path, _("a cell longer than {most} characters, the most the app takes",
                            most=format_number(MAX_CELL)), row=long[0][0], column=list(col)[long[0][1]])
    return count


def _columns(path: Path, header: list[str]) -> dict[str, str]:
    """The file's columns by cleaned name -> the table's column (c0, c1, ... in file order); a
    ReadError if one appears twice or a required one is missing."""
    # the leading index column and blank trailing header columns have no real name
    unnamed = re.compile(r"^(|column\d+|Unnamed: \d+)$")
    names = [(f"c{i}", _clean_name(raw)) for i, raw in enumerate(header)]
    names = [(c, name) for c, name in names if not unnamed.match(name)]
    cleaned = [name for _column, name in names]
    duplicated = sorted({n for n in cleaned if cleaned.count(n) > 1})
    if duplicated:
        raise fatal(path, _("columns appear twice: {columns}", columns=", ".join(duplicated)))
    missing = [c for c in REQUIRED if c not in cleaned]
    if missing:
        raise fatal(path, _("missing column(s) {missing}; found: {found}. Is this a UN SDG database export?",
                            missing=", ".join(missing), found=", ".join(cleaned) or _("none")),
                    column=", ".join(missing))
    return {name: c for c, name in names}


def read(path: str | Path) -> Batch:
    """Read one UN SDG database export into a Batch (area codes are M49 numbers)."""
    path = Path(path)
    batch = Batch(file=path.name, format="un-sdg")
    if not path.exists() or path.stat().st_size == 0:
        raise fatal(path, _("the file is empty"))
    staged = Staged()
    with staged.connect() as con:
        if not _load(path, con):
            raise fatal(path, _("the file has a header but no data rows"))
        _typed(batch, con)
    batch.staged = staged
    return batch


# What can be wrong with a row, in the order reported: (severity, message, column, the condition in
# SQL over _load's columns, the cell shown). The messages are translated where reported (_typed), with
# the years the app takes filled in.
PROBLEMS = [
    ("warning", N_("not a value (non-value code or blank): row skipped"), "Value", "non_value", "value_text"),
    ("error", N_("Value is not a number"), "Value", "number is null and not non_value", "value_text"),
    ("error", N_("Value is not a finite number (infinite, or too large for the app)"), "Value",
     "coalesce(not isfinite(number), false)", "value_text"),
    ("error", N_("TimePeriod is not a year (a year has four digits, from {first_year} to {last_year})"), "TimePeriod",
     "year is null", "year_text"),
    ("error", N_("SeriesCode is empty"), "SeriesCode", "series = ''", "series"),
    ("error", N_("GeoAreaCode is empty"), "GeoAreaCode", "area = ''", "area"),
    ("warning", N_("LowerBound is not a number: bound left empty"), "LowerBound",
     "lower_bound is null and lower_text <> ''", "lower_text"),
    ("warning", N_("UpperBound is not a number: bound left empty"), "UpperBound",
     "upper_bound is null and upper_text <> ''", "upper_text"),
]


def _typed(batch: Batch, con: duckdb.DuckDBPyConnection) -> None:
    """Report every flagged cell (only those rows become Python values), and show the good rows in the
    staging file as the view `incoming` (the shape of Batch.observations, and `_pos`), which the importer
    reads."""
    for i, (severity, message, column, _where, shown) in enumerate(PROBLEMS):
        message = _(message, first_year=FIRST_YEAR, last_year=LAST_YEAR)
        for row, value in con.execute(f"select rowid + 2, {identifier(shown + '_shown')} from loaded "
                                      f"where problem_{i} order by rowid").fetchall():
            batch.problem(severity, message, row, column, value)
    con.execute("""
        create view incoming as  -- a view: a second table of a million rows would cost a second
        select rowid as _pos, rowid + 2 as row, series, series_description, indicator, unit, area, area_name,
            'm49' as area_scheme, dims, year, time_detail, value, lower_bound, upper_bound, nature, source,
            null::integer as sample_size, footnote
        from loaded where ok
    """)


FORMAT = Format(
    name="un-sdg", label=N_("UN Global SDG Indicators Database export (CSV or XLSX)"),
    read=lambda path, con, country=None: read(path),
    # a workbook that is neither the tier classification nor the citizen template is taken for an export
    recognise=lambda f: "SeriesCode" in f.header or f.workbook, sign=N_("a UN SDG export (SeriesCode column)"), order=60,
    options=(COUNTRY,), columns={"series": "SeriesCode", "area": "GeoAreaCode", "year": "TimePeriod"},
    suffixes=(".csv", ".xlsx"),
)
