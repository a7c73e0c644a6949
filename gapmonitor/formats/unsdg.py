"""The UN Global SDG Indicators Database export (CSV or XLSX), quirks included: old and new column
sets, dimension names with or without brackets, a leading index column, blank trailing header
columns, values as text, NV/N non-values, footnotes, M49 area codes including regions."""

import re
from pathlib import Path

import duckdb
import pandas as pd

from gapmonitor.formats import OBSERVATION_COLUMNS, Batch, check_csv_text, fatal

REQUIRED = ["SeriesCode", "GeoAreaCode", "TimePeriod", "Value"]
# Columns that are not dimensions (attributes and identifiers); every other named column is one.
NOT_DIMENSIONS = {
    "Goal", "Target", "Indicator", "SeriesCode", "SeriesDescription", "GeoAreaCode", "GeoAreaName",
    "TimePeriod", "Value", "Time_Detail", "TimeCoverage", "UpperBound", "LowerBound", "BasePeriod",
    "Source", "GeoInfoUrl", "GeoInfoType", "FootNote", "Nature", "Units", "Reporting Type",
    "Observation Status", "Unit Multiplier", "Unit multiplier",
}
# Dimension values that mean "no breakdown": such a dimension is left out of the observation's key.
TOTALS = ("", "_T", "BOTHSEX", "ALLAREA", "ALLAGE", "_Z", "_X", "NA")
# Value cells that are not values ("not available", "not applicable"): skipped with a warning.
NON_VALUES = ("", "NV", "N", "NA", "NAN")


def _clean_name(name: str) -> str:
    """'[Reporting Type]' -> 'Reporting Type', 'Reporting_Type' -> 'Reporting Type'."""
    name = re.sub(r"^\[(.*)\]$", r"\1", str(name).strip()).strip()
    return "Reporting Type" if name == "Reporting_Type" else name


def _read_table(path: Path, con: duckdb.DuckDBPyConnection) -> list[str]:
    """Load the file's cells as text into the temporary table `raw` (with its data row number in
    `_row`); return the cleaned column names in file order."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            frame = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False)
        except Exception as e:  # openpyxl raises many kinds of errors for a broken workbook
            raise fatal(path, f"not a readable Excel workbook ({type(e).__name__}: {e})") from e
        con.register("frame", frame)
        con.execute("create temp table raw as select *, row_number() over () as _row from frame")
        con.unregister("frame")
    else:
        check_csv_text(path)
        try:
            con.execute(
                "create temp table raw as select *, row_number() over () as _row from read_csv(?, header = true, "
                "all_varchar = true, delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = false)",
                [str(path)],
            )
        except duckdb.Error as e:
            raise fatal(path, f"not a readable CSV file: {str(e).splitlines()[0]}") from e
    return [c for c, in con.execute("select name from pragma_table_info('raw')").fetchall() if c != "_row"]


def read(path: str | Path) -> Batch:
    """Read one UN SDG database export into a Batch (area codes are M49 numbers)."""
    path = Path(path)
    batch = Batch(file=path.name, format="un-sdg")
    if not path.exists() or path.stat().st_size == 0:
        raise fatal(path, "the file is empty")
    con = duckdb.connect()
    raw_names = _read_table(path, con)
    # the leading index column and blank trailing header columns have no real name
    unnamed = re.compile(r"^(|column\d+|Unnamed: \d+)$")
    names = {raw: _clean_name(raw) for raw in raw_names if not unnamed.match(_clean_name(raw))}
    cleaned = list(names.values())
    duplicated = sorted({n for n in cleaned if cleaned.count(n) > 1})
    if duplicated:
        raise fatal(path, f"columns appear twice: {', '.join(duplicated)}")
    missing = [c for c in REQUIRED if c not in cleaned]
    if missing:
        raise fatal(path, f"missing column(s) {', '.join(missing)}; found: {', '.join(cleaned) or 'none'}. "
                          "Is this a UN SDG database export?", column=", ".join(missing))
    col = {clean: raw for raw, clean in names.items()}

    def text(name: str) -> str:
        return f'trim(coalesce("{col[name]}", \'\'))' if name in col else "''"

    dims = sorted(c for c in cleaned if c not in NOT_DIMENSIONS)
    totals = ", ".join(f"'{t}'" for t in TOTALS)
    # concat_ws skips NULLs: a dimension with a total or blank value drops out of the key
    key = "concat_ws('|', " + ", ".join(
        f"case when upper({text(d)}) not in ({totals}) then '{d}=' || {text(d)} end" for d in dims
    ) + ")" if dims else "''"
    rows = con.execute(f"""
        select _row + 1 as row,  -- the line a spreadsheet shows: the header is line 1
            {text('SeriesCode')} as series, {text('SeriesDescription')} as series_description,
            {text('Indicator')} as indicator, {text('Units')} as unit,
            {text('GeoAreaCode')} as area, {text('GeoAreaName')} as area_name, 'm49' as area_scheme,
            {key} as dims,
            {text('TimePeriod')} as year_text, {text('Time_Detail')} as time_detail,
            {text('Value')} as value_text,
            {text('LowerBound')} as lower_text, {text('UpperBound')} as upper_text,
            {text('Nature')} as nature, {text('Source')} as source, {text('FootNote')} as footnote
        from raw
        order by _row
    """).df()
    con.close()
    if rows.empty:
        raise fatal(path, "the file has a header but no data rows")
    return _typed(batch, rows)


def _typed(batch: Batch, rows: pd.DataFrame) -> Batch:
    """Turn text cells into numbers, reporting every cell that is not one."""
    value = pd.to_numeric(rows.value_text, errors="coerce")
    year = pd.to_numeric(rows.year_text.str.extract(r"^\s*(\d{4})", expand=False), errors="coerce")
    non_value = rows.value_text.str.upper().isin(NON_VALUES)
    for r in rows[non_value].itertuples():
        batch.problem("warning", "not a value (non-value code or blank): row skipped", r.row, "Value", r.value_text)
    for r in rows[value.isna() & ~non_value].itertuples():
        batch.problem("error", "Value is not a number", r.row, "Value", r.value_text)
    for r in rows[year.isna()].itertuples():
        batch.problem("error", "TimePeriod is not a year", r.row, "TimePeriod", r.year_text)
    for column, name in (("series", "SeriesCode"), ("area", "GeoAreaCode")):
        for r in rows[rows[column] == ""].itertuples():
            batch.problem("error", f"{name} is empty", r.row, name, "")
    bounds = {}
    for column, name in (("lower_text", "LowerBound"), ("upper_text", "UpperBound")):
        bounds[column] = pd.to_numeric(rows[column], errors="coerce")
        for r in rows[bounds[column].isna() & (rows[column] != "")].itertuples():
            batch.problem("warning", f"{name} is not a number: bound left empty", r.row, name, r[rows.columns.get_loc(column) + 1])
    ok = value.notna() & year.notna() & (rows.series != "") & (rows.area != "")
    out = rows.assign(value=value, year=year, lower_bound=bounds["lower_text"], upper_bound=bounds["upper_text"])
    out["time_detail"] = out.time_detail.where(out.time_detail != "", out.year_text)
    batch.observations = out.loc[ok].reindex(columns=OBSERVATION_COLUMNS).assign(year=lambda d: d.year.astype(int))
    return batch
