"""Open SDG "tidy" CSV (national SDG platforms), with its optional meta/<id>.md YAML front matter.

Year holds text such as "2000 Q1" or "2004/05"; a blank disaggregation cell means the total; GeoCode
names a subnational area. The country is chosen by the user: the files do not say it.
"""

import csv
import re
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml

from gapmonitor import dimensions
from gapmonitor.formats import OBSERVATION_COLUMNS, Batch, check_csv_text, fatal
from gapmonitor.i18n import N_, _, n_
from gapmonitor.limits import NOT_FINITE, YEAR_RULE, YEAR_START, in_range
from gapmonitor.formats.registry import COUNTRY, Format, Option

# Columns that qualify a value rather than break it down by group.
ATTRIBUTES = {"Year", "Value", "GeoCode", "Series", "Units", "Unit measure", "Unit multiplier", "Observation status"}
# Geography columns: they name the area of a row that has a GeoCode (so they are not dimensions then).
GEOGRAPHY = {"Country", "Region", "Local Authority", "Welsh Unitary Authority", "Scottish Council Area",
             "County", "District", "Province", "Sector", "Geography"}


def indicator_of(path: Path) -> str:
    """indicator_8-5-2.csv -> 8.5.2"""
    m = re.fullmatch(r"indicator_(\d+-[0-9a-z]+-[0-9a-z]+)(?:-.*)?\.csv", path.name)
    return m.group(1).replace("-", ".") if m else ""


def read_meta(path: Path) -> dict:
    """The YAML front matter of meta/<id>.md next to data/indicator_<id>.csv, if there is one."""
    meta = path.parent.parent / "meta" / f"{path.stem.removeprefix('indicator_')}.md"
    if not meta.exists():
        return {}
    text = meta.read_text(encoding="utf-8")
    parts = text.split("---")
    if not text.startswith("---") or len(parts) < 3:
        return {}
    try:
        data = yaml.safe_load(parts[1])
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _year(text: pd.Series) -> pd.Series:
    """The year a period counts for: '2000 Q1' -> 2000, '2004/05' -> 2005, '2013/16' -> 2016
    (a span counts for its last year, so the period window sees the latest data it holds). NaN where
    it is none, or not one the app takes (formats/limits.py)."""
    start = pd.to_numeric(text.str.extract(YEAR_START, expand=False), errors="coerce")
    end = text.str.extract(r"^\s*\d{4}\s*[/-]\s*(\d{2}|\d{4})\s*$", expand=False)
    end_year = pd.to_numeric(end, errors="coerce")
    full = end_year.where(end.str.len() == 4, (start // 100) * 100 + end_year)
    year = full.where(end.notna(), start)
    return year.where(in_range(start) & in_range(year))


def read(path: str | Path, country: str, indicator: str | None = None) -> Batch:
    """Read an Open SDG indicator CSV for `country` (ISO alpha-3) into a Batch; `indicator` (e.g. 1.1.1)
    names the indicator of a file whose name and meta do not."""
    path = Path(path)
    batch = Batch(file=path.name, format="open-sdg")
    if not path.exists() or path.stat().st_size == 0:
        raise fatal(path, _("the file is empty"))
    meta = read_meta(path)
    indicator = str(indicator or meta.get("indicator_number") or indicator_of(path)).strip()
    if not re.fullmatch(r"\d+\.[0-9a-z]+\.[0-9a-z]+", indicator):
        raise fatal(path, _("cannot tell the indicator: name the file indicator_<goal>-<target>-<n>.csv, "
                            "give indicator_number in meta/<id>.md, or choose it (--indicator 1.1.1)"),
                    value=indicator or None)
    check_csv_text(path)
    con = duckdb.connect()
    try:
        frame = con.execute(
            "select *, row_number() over () + 1 as _row from read_csv(?, header = true, all_varchar = true, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = false)", [str(path)]
        ).df()
    except duckdb.Error as e:
        raise fatal(path, _("not a readable CSV file: {error}", error=str(e).splitlines()[0])) from e
    finally:
        con.close()
    columns = [c for c in frame.columns if c != "_row"]
    missing = [c for c in ("Year", "Value") if c not in columns]
    if missing:
        raise fatal(path, _("missing column(s) {missing}; found: {found}. Is this an Open SDG data file?",
                            missing=", ".join(missing), found=", ".join(columns)), column=", ".join(missing))
    if frame.empty:
        raise fatal(path, _("the file has a header but no data rows"))
    frame = _trimmed(frame.fillna(""), batch, path)
    geocode = frame["GeoCode"] if "GeoCode" in frame else pd.Series("", index=frame.index)
    dims = [c for c in columns if c not in ATTRIBUTES]
    geography = [c for c in dims if c in GEOGRAPHY]
    # A GeoCode names the row's area, so its geography cells are not dimensions; but where one GeoCode
    # is shared by rows that differ in a geography column (the UK's Scottish council areas all carry
    # Scotland's code), that column still tells the rows apart: it stays a dimension.
    coded = geocode != ""
    shared = {g for g in geography if coded.any() and frame[coded].groupby(geocode[coded])[g].nunique().max() > 1}
    for g in sorted(shared):
        batch.problem("warning", _("one GeoCode is shared by rows that differ in this column: kept as a dimension"),
                      None, g, None)
    keep = pd.DataFrame({d: ~coded if d in geography and d not in shared else True for d in dims}, index=frame.index)
    key = dimensions.frame_keys(frame, dims, keep)
    # the most specific geography cell names a subnational area (a column at a time: a row-wise fill
    # took 20 s for 200,000 rows)
    names = geocode
    if geography:
        names = pd.Series(pd.NA, index=frame.index, dtype=object)
        for g in geography:  # least specific first, so the last non-empty cell wins
            names = frame[g].where(frame[g] != "", names)
    unit = frame.get("Units", frame.get("Unit measure", pd.Series("", index=frame.index)))
    series_name = frame.get("Series", pd.Series("", index=frame.index))
    title = str(meta.get("indicator_available") or meta.get("indicator_name") or f"Indicator {indicator}")
    # a national series per Series value (and unit): the UN series codes do not apply to national data
    code = f"{country}.{indicator}" + series_name.where(series_name == "", "." + _slug(series_name)) + \
        unit.where(unit == "", "." + _slug(unit))
    out = pd.DataFrame({
        "row": frame["_row"].astype(int),
        "series": code,
        "series_description": (title + series_name.where(series_name == "", " — " + series_name)
                               + unit.where(unit == "", " (" + unit + ")")),
        "indicator": indicator,
        "unit": unit,
        "area": geocode.where(geocode != "", country),
        "area_name": names.fillna("").where(geocode != "", ""),
        "area_scheme": np.where(geocode != "", "code", "iso3"),
        "dims": key,
        "time_detail": frame["Year"],
        "value_text": frame["Value"],
        "year": _year(frame["Year"]),
        "source": str(meta.get("source_organisation_1") or meta.get("national_geographical_coverage") or ""),
    })
    value = pd.to_numeric(out.value_text, errors="coerce")
    status = frame.get("Observation status", pd.Series("", index=frame.index))
    for r in out[(out.value_text == "")].itertuples():
        if status[r.Index]:
            batch.problem("warning", _("no value ({status}): row skipped", status=status[r.Index]), r.row, "Value", "")
        else:
            batch.problem("warning", _("no value (blank): row skipped"), r.row, "Value", "")
    for r in out[value.isna() & (out.value_text != "")].itertuples():
        batch.problem("error", _("Value is not a number"), r.row, "Value", r.value_text)
    infinite = value.notna() & ~np.isfinite(value)
    for r in out[infinite].itertuples():
        batch.problem("error", _("Value is {not_finite}", not_finite=_(NOT_FINITE)), r.row, "Value", r.value_text)
    for r in out[out.year.isna()].itertuples():
        batch.problem("error", _("Year is not a year or period such as 2015, 2000 Q1 or 2004/05 ({rule})", rule=_(YEAR_RULE)),
                      r.row, "Year", r.time_detail)
    ok = value.notna() & ~infinite & out.year.notna()
    out = out.assign(value=value, lower_bound=float("nan"), upper_bound=float("nan"), nature="", footnote="")
    batch.observations = out.loc[ok].reindex(columns=OBSERVATION_COLUMNS).assign(year=lambda d: d.year.astype(int))
    return batch


def _trimmed(frame: pd.DataFrame, batch: Batch, path: Path) -> pd.DataFrame:
    """Headers and cells without leading or trailing spaces, so that " M" and "M" are one value; one
    warning per header and per column that had them, naming the rows (sdg-build refuses such files)."""
    with open(path, encoding="utf-8-sig", newline="") as f:  # DuckDB trims header names itself
        header = next(csv.reader(f), [])
    for raw in header:
        if raw != raw.strip():
            batch.problem("warning", _("spaces around the column name: trimmed"), 1, raw.strip(), raw)
    frame = frame.rename(columns={c: c.strip() for c in frame.columns})
    for column in frame.columns:
        cells = frame[column]
        if not pd.api.types.is_string_dtype(cells):
            continue
        padded = cells.str.len() != cells.str.strip().str.len()
        if padded.any():
            rows = frame["_row"][padded].astype(int).tolist()
            shown = ", ".join(map(str, rows[:10]))
            if len(rows) > 10:
                shown = _("{rows} and {more} more", rows=shown, more=len(rows) - 10)
            batch.problem("warning", n_("spaces around {n} value in row {rows}: trimmed",
                                        "spaces around {n} values in rows {rows}: trimmed", len(rows), rows=shown),
                          rows[0], column, cells[padded].iloc[0])
            frame[column] = cells.str.strip()
    return frame


def _slug(text: pd.Series) -> pd.Series:
    return text.astype(str).str.lower().str.replace(r"[^a-z0-9]+", "_", regex=True).str.strip("_")


INDICATOR = Option("indicator", N_("the indicator a file holds, when its name does not say it (e.g. 1.1.1)"))

FORMAT = Format(
    name="open-sdg", label=N_("Open SDG tidy CSV (a national SDG platform)"),
    read=lambda path, con, country, indicator=None: read(path, country, indicator),
    recognise=lambda f: f.header[:1] == ["Year"] and "Value" in f.header, sign=N_("Open SDG CSV (Year ... Value)"), order=70,
    options=(replace(COUNTRY, required=True), INDICATOR),
    columns={"series": "Series", "area": "GeoCode", "year": "Year"},
)
