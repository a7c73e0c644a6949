"""Raw citizen records to estimates: a household survey, water-point checks or crowdsourced reports
become one estimate per area x group x period, with its sample size and a 95% interval, computed in
DuckDB. Only the estimates go on to the importer; the records themselves never reach the database.

A RecordSpec says how to read the records: where each record is (an area name or code column, or
latitude/longitude joined to boundaries), its groups, its period, its weight, and the measure: a
column (with yes values a percentage, else a mean) or a formula over columns (gapmonitor/expressions.py:
sum(item_*) / length_m * 100 a mean; collection_time > 30 a percentage)."""

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml

from gapmonitor import area_matching, estimates, expressions, record_files
from gapmonitor.i18n import N_, _, format_number, n_
from gapmonitor.limits import FIRST_YEAR, LAST_YEAR
from gapmonitor.formats import Batch, ReadError, fatal
from gapmonitor.formats.registry import Format, Option

MISSING = ("", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "-")
# Why a record is left out of the estimates, in the order a record's first reason is taken; the
# ERRORS among them reject the import until reviewed or accepted, the others are told as warnings.
LEFT_OUT = ("rejected on review", "no place", "no period", "not a number", "neither yes nor no", "no value",
            "bad weight")
ERRORS = ("no place", "no period", "bad weight")
# The summary's counts (Batch.summary), by keys the importer reads ("rows rejected") and the Data page
# shows through _(key): they stay English here.
SUMMARY_KEYS = (N_("records read"), N_("records left out"), N_("records in the estimates"), N_("rows rejected"),
                N_("left out: turned down in the survey tool's review"))
LEFT_OUT_KEYS = {"rejected on review": N_("left out: rejected on review"), "no place": N_("left out: no place"),
                 "no period": N_("left out: no period"), "not a number": N_("left out: not a number"),
                 "neither yes nor no": N_("left out: neither yes nor no"), "no value": N_("left out: no value"),
                 "bad weight": N_("left out: bad weight")}


@dataclass
class GroupColumn:
    """A column that says which group a record belongs to. Its values are written as they are in the
    dimension key ('Sex=Female'); `groups` maps values to the group vocabulary (women, poorest...)."""

    column: str
    dimension: str = ""                               # the name in the dimension key; default: the column
    groups: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.dimension or self.column


@dataclass
class RecordSpec:
    indicator: str                                    # official indicator code, e.g. 6.1.1
    description: str                                  # what the estimate measures, in words
    measure: str                                      # a column, or a formula of expressions.py (not exactly a column)
    yes: list[str] = field(default_factory=list)      # a column's values that count as yes: a percentage; empty: a mean
    no: list[str] = field(default_factory=list)       # values that count as no; empty: every other value
    unit: str = ""                                    # default PERCENT for a yes/no measure
    series: str = ""                                  # series code; default CGD_<indicator>_<measure slug>
    country: str | None = None                        # ISO alpha-3 of every record, or
    country_column: str | None = None                 # a column with country names or codes
    area_column: str | None = None                    # a column with area names or codes ...
    area_match: str = "name"                          # ... matched by 'name' or 'code'
    latitude: str | None = None                       # or coordinates, joined to boundaries
    longitude: str | None = None
    period_column: str | None = None                  # a date or year column, or
    date_format: str | None = None                    # e.g. %m/%d/%Y (default: a year or an ISO date)
    period: str | None = None                         # one period for every record, e.g. 2021
    groups: list[GroupColumn] = field(default_factory=list)
    country_totals: bool = False                      # also one estimate per country from all its records
    area_review: dict[str, str] = field(default_factory=dict)  # 'ISO3:name' -> area code, 'new' or 'skip'
    missing: list[str] = field(default_factory=lambda: list(MISSING))
    # Computed measures (issue 14): a formula (sums, ratios, thresholds) reads cells as numbers; a blank
    # one (a `missing` value) counts as 0 with blanks_as_zero, else the record has no value.
    blanks_as_zero: bool = False
    weight: str | None = None                         # a column of survey weights (numbers above 0)
    snap_km: float = 5.0                              # a point at sea this close to one country's coast joins it
    subject: str = "people"                          # what records are about: people (suppression) or places

    @classmethod
    def from_dict(cls, d: dict) -> "RecordSpec":
        # YAML reads a bare yes/no as true/false: the keys are meant, and values must be quoted
        d = {({True: "yes", False: "no"}.get(k, k) if isinstance(k, bool) else k): v for k, v in d.items()}
        for key in ("yes", "no"):
            if any(isinstance(v, bool) for v in d.get(key) or []):
                raise TypeError(_("quote the values of {key} (YAML reads a bare Yes or No as true or false)",
                                  key=repr(key)))
        d["groups"] = [GroupColumn(**g) for g in d.get("groups", [])]
        return cls(**d)

    @classmethod
    def load(cls, path: str | Path) -> "RecordSpec":
        """A spec from its YAML file; a ReadError says what is wrong with it."""
        try:
            return cls.from_dict(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
        except (TypeError, AttributeError, yaml.YAMLError) as e:  # a misspelt or missing key, not a mapping
            raise fatal(path, _("not a records spec ({error})", error=e)) from e

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @property
    def series_code(self) -> str:
        """The series given, or one made from the indicator and the measure (expressions.slug: a column's
        name as it always was; a formula's words and a short hash of it)."""
        return self.series or f"CGD_{self.indicator.replace('.', '_')}_{expressions.slug(self.measure)}"

    @property
    def percentage(self) -> bool:
        """Whether the estimate is a percentage: a column with yes values, or a formula that compares."""
        return bool(self.yes) or expressions.compares(self.measure)


def checksum(path: str | Path, spec: RecordSpec) -> str:
    """The same records read the same way are the same dataset; another reading is another one."""
    digest = hashlib.sha256(Path(path).read_bytes())
    digest.update(spec.to_json().encode())
    return digest.hexdigest()


def read(con: duckdb.DuckDBPyConnection, path: str | Path, spec: RecordSpec, name: str | None = None) -> Batch:
    """The estimates the records give, as a Batch for importer.preview. Records that cannot be placed
    (an unmatched area name, no coordinates, no period) are errors, each naming row, column and value:
    the import then stops until they are reviewed (RecordSpec.area_review) or knowingly left out. The
    summary counts records: read, left out (each once, for its first reason in LEFT_OUT), estimated."""
    path = Path(path)
    batch = Batch(file=name or path.name, format="records")
    records = record_files.load(path)
    for level, message, column in record_files.notes(path):
        batch.problem(level, message, None, column, None)
    spec = _as_the_file_names(path, spec)
    needed = [c for c in (spec.measure if spec.yes else None, spec.weight, spec.country_column, spec.area_column,
                          spec.latitude, spec.longitude, spec.period_column, *(g.column for g in spec.groups)) if c]
    absent = [c for c in needed if c not in records.columns]
    if absent:
        raise fatal(batch.file, _("no column {columns}; the file has: {found}", columns=", ".join(map(repr, absent)),
                                  found=", ".join(records.columns)))
    # a yes/no column is read by its values; anything else is a formula (a bare column name is one too)
    measure = None if spec.yes else expressions.parse(spec.measure, list(records.columns), batch.file)
    if not (spec.country or spec.country_column or (spec.latitude and spec.longitude)):
        raise fatal(batch.file, _("say where the records are: a country, a country column, or coordinates"))
    if not (spec.period or spec.period_column):
        raise fatal(batch.file, _("say when the records are from: a period, or a column with dates or years"))
    if con.execute("select count(*) from indicator where code = ?", [spec.indicator]).fetchall()[0][0] == 0:
        raise fatal(batch.file, _("unknown indicator {indicator}: give an official SDG indicator code",
                                  indicator=repr(spec.indicator)))

    missing = set(spec.missing)
    frame = pd.DataFrame({"row": records.index + 2}, index=records.index)  # the header is row 1; rows left out
                                                                            # by record_files keep their numbers
    frame["country"] = area_matching.countries(con, records, spec, batch)
    frame["area"], new_areas = area_matching.areas(con, records, frame.country, spec, batch)
    frame["country"] = frame.country.fillna(area_matching.countries_of(con, frame.area, new_areas))  # from the points
    frame["year"], frame["time_detail"] = _periods(records, spec, batch)
    if measure is None:
        frame["y"], no_value = _yes_no(records, spec, batch, missing)
    else:
        frame["y"], no_value = _computed(con, records, measure, spec, batch, missing)
    frame["w"], bad_weight = _weights(con, records, spec, batch, missing)
    for i, g in enumerate(spec.groups):
        frame[f"g{i}"] = records[g.column].where(~records[g.column].str.strip().isin(missing)).str.strip()
    why = pd.Series(None, index=records.index, dtype="object")  # each record's first reason to be left out
    for reason, out in (("rejected on review", _reviewed(records, frame.country, spec)), ("no place", frame.area.isna()),
                        ("no period", frame.year.isna())):
        why = why.mask(why.isna() & out, reason)
    why = why.fillna(no_value)
    why = why.mask(why.isna() & bad_weight, "bad weight")
    batch.summary = _summary(why, record_files.turned_down(path))
    batch.dataset = {"subject": spec.subject}  # the description's default: people, or places (beaches)
    batch.new_areas = new_areas
    batch.group_mapping = _group_mapping(con, spec, batch)
    batch.observations = estimates.from_records(con, frame[why.isna()], spec)
    if len(new_areas) and len(batch.observations):  # names of the areas this file adds
        named = batch.observations.area.map(dict(zip(new_areas.code, new_areas.name)))
        batch.observations["area_name"] = named.fillna(batch.observations.area_name)
    return batch


def _as_the_file_names(path: Path, spec: RecordSpec) -> RecordSpec:
    """The spec with each column as the file names it: a survey export's 'household/respondent_gender'
    for the spec's 'respondent_gender' (record_files.column_name). The series and a group's dimension
    keep the names the spec gives; a name no column answers is left for the checks below to report."""
    def column(name):
        try:
            return record_files.column_name(path, name) if name else name
        except ReadError:
            return name

    return replace(spec, series=spec.series_code,
                   **{k: column(getattr(spec, k)) for k in ("measure", "weight", "country_column", "area_column",
                                                            "latitude", "longitude", "period_column")},
                   groups=[replace(g, column=column(g.column), dimension=g.name) for g in spec.groups])


def _summary(why: pd.Series, turned_down: int = 0) -> dict:
    """Records read, left out and why (nonzero reasons only), estimated; and the records rejected,
    those left out for an error, which the preview shows as its rows rejected. `turned_down`: the
    submissions the survey tool's reviewers turned down, left out as the file was read."""
    counts = why.value_counts()
    left = {LEFT_OUT_KEYS[r]: int(counts[r]) for r in LEFT_OUT if r in counts}
    if turned_down:
        left = {"left out: turned down in the survey tool's review": turned_down, **left}
    return {"records read": len(why) + turned_down, "records left out": int(why.notna().sum()) + turned_down, **left,
            "records in the estimates": int(why.isna().sum()), "rows rejected": int(why.isin(ERRORS).sum())}


def _reviewed(records: pd.DataFrame, country: pd.Series, spec: RecordSpec) -> pd.Series:
    """The records whose area name an editor decided to leave out (area_review: 'skip')."""
    skipped = {k for k, d in spec.area_review.items() if d == area_matching.SKIP}
    if not (skipped and spec.area_column):
        return pd.Series(False, index=records.index)
    return (country.astype(str) + ":" + records[spec.area_column].str.strip()).isin(skipped)


def _periods(records: pd.DataFrame, spec: RecordSpec, batch: Batch):
    if spec.period:
        years = [int(y) for y in re.findall(r"(?<!\d)\d{4}(?!\d)", spec.period)]
        if not years or not all(FIRST_YEAR <= y <= LAST_YEAR for y in years):
            raise fatal(batch.file, _("the period {period} names no year the app takes (a year has four digits, "
                                      "from {first_year} to {last_year})", period=repr(spec.period),
                                      first_year=FIRST_YEAR, last_year=LAST_YEAR),
                        column="period", value=spec.period)
        return pd.Series(years[-1], index=records.index, dtype="Int64"), spec.period
    raw = records[spec.period_column].str.strip()

    def year(value: str):
        try:
            if spec.date_format:
                found = datetime.strptime(value, spec.date_format).year
            elif re.fullmatch(r"\d{4}", value):
                found = int(value)
            else:
                found = datetime.fromisoformat(value).year
        except ValueError:
            return None
        return found if FIRST_YEAR <= found <= LAST_YEAR else None

    years = raw.map(year).astype("Int64")
    if spec.date_format:
        message = _("not a date or year in the format {date_format} (a year has four digits, from {first_year} to "
                    "{last_year})", date_format=spec.date_format, first_year=FIRST_YEAR, last_year=LAST_YEAR)
    else:
        message = _("not a date or year (a year has four digits, from {first_year} to {last_year})",
                    first_year=FIRST_YEAR, last_year=LAST_YEAR)
    for i in records.index[years.isna()]:
        batch.problem("error", message, int(i) + 2, spec.period_column, raw[i])
    return years, years.astype("string")


def _yes_no(records: pd.DataFrame, spec: RecordSpec, batch: Batch, missing: set) -> tuple[pd.Series, pd.Series]:
    """1.0/0.0 for each record of a yes/no column (NaN where none), and why a record has none."""
    raw = records[spec.measure].str.strip()
    absent = raw.isin(missing)
    yes = raw.isin(spec.yes)
    no = raw.isin(spec.no) if spec.no else ~yes
    y = pd.Series(1.0, index=raw.index).where(yes, 0.0).where((yes | no) & ~absent)
    odd = ~absent & ~yes & ~no
    for value, rows in raw[odd].groupby(raw[odd]).groups.items():
        batch.problem("warning", n_("neither a yes nor a no value ({n} record): left out of the estimates",
                                    "neither a yes nor a no value ({n} records): left out of the estimates", len(rows)),
                      int(rows[0]) + 2, spec.measure, value)
    if absent.any():
        batch.problem("warning", n_("{n} record has no value: left out of the estimates",
                                    "{n} records have no value: left out of the estimates", int(absent.sum())), None,
                      spec.measure, None)
    return y, pd.Series(None, index=raw.index, dtype="object").mask(odd, "neither yes nor no").mask(absent, "no value")


def _computed(con, records: pd.DataFrame, measure: expressions.Measure, spec: RecordSpec, batch: Batch,
              missing: set) -> tuple[pd.Series, pd.Series]:
    """A number (or 1.0/0.0 for a comparison) for each record, computed in DuckDB, and why a record has
    none: a cell not a number (a warning each), a blank cell (unless blanks count as 0), division by 0."""
    got = expressions.evaluate(con, records, measure, missing, spec.blanks_as_zero)
    for cell in got.bad_cells.itertuples():
        batch.problem("warning", _("not a number: the record is left out of the estimates"), int(cell.index) + 2,
                      cell.column, cell.value)
    for column, n in got.blanks.items():
        if n and spec.blanks_as_zero:
            batch.problem("warning", n_("{n} blank cell counted as 0 (blanks_as_zero)",
                                        "{n} blank cells counted as 0 (blanks_as_zero)", n), None, column, None)
        elif n:
            batch.problem("warning", _("records with a blank cell here: {count}, left out of the estimates "
                                       "(blanks_as_zero counts a blank as 0)", count=format_number(n)), None, column,
                          None)
    divided = got.y.isna() & ~got.not_number & ~got.blank
    if divided.any():
        batch.problem("warning", n_("division by zero in {n} record: no value, left out of the estimates",
                                    "division by zero in {n} records: no value, left out of the estimates",
                                    int(divided.sum())), int(records.index[divided][0]) + 2, None, measure.text)
    infinite = pd.Series(np.isinf(got.y.to_numpy()), index=records.index)  # 'inf' or '1e309' in a cell
    if infinite.any():
        batch.problem("warning", n_("the measure is not a finite number (infinite, or too large for the app) in {n} "
                                    "record: left out of the estimates",
                                    "the measure is not a finite number (infinite, or too large for the app) in {n} "
                                    "records: left out of the estimates", int(infinite.sum())),
                      int(records.index[infinite][0]) + 2, None, measure.text)
    why = pd.Series(None, index=records.index, dtype="object")
    return got.y.where(~infinite), why.mask(got.y.isna(), "no value").mask(got.not_number | infinite, "not a number")


def _weights(con, records: pd.DataFrame, spec: RecordSpec, batch: Batch, missing: set) -> tuple[pd.Series, pd.Series]:
    """Each record's survey weight (1.0 each without a weight column) and whether it is unusable: blank,
    not a number, infinite, zero or negative is an error naming row, column and value, and the record is left out."""
    if not spec.weight:
        return pd.Series(1.0, index=records.index), pd.Series(False, index=records.index)
    w = expressions.evaluate(con, records, expressions.parse(spec.weight, [spec.weight], batch.file), missing).y
    bad = ~((w > 0) & np.isfinite(w))
    for i in records.index[bad]:
        batch.problem("error", _("not a usable weight (a weight is a number above 0): the record is left out"),
                      int(i) + 2, spec.weight, records.at[i, spec.weight])
    return w.where(~bad), bad


def _group_mapping(con, spec: RecordSpec, batch: Batch) -> pd.DataFrame:
    """The (dimension, value) -> group rows the spec adds; a value the database maps to another group
    is an error."""
    rows = [{"dimension": g.name, "dim_value": v, "group_id": gid} for g in spec.groups for v, gid in g.groups.items() if gid]
    mapping = pd.DataFrame(rows, columns=["dimension", "dim_value", "group_id"])
    known: dict[tuple[str, str], set[str]] = {}
    for d, v, g in con.execute("select dimension, dim_value, group_id from group_mapping").fetchall():
        known.setdefault((d, v), set()).add(g)
    groups = {g for g, in con.execute("select group_id from population_group").fetchall()}
    for m in mapping.itertuples():
        if m.group_id not in groups:
            batch.problem("fatal", _("unknown population group {group}; known: {known}", group=repr(m.group_id),
                                     known=", ".join(sorted(groups))), None, m.dimension, m.dim_value)
        elif m.group_id not in known.get((m.dimension, m.dim_value), {m.group_id}):
            batch.problem("fatal", _("already maps to the group {mapped}, not {group}: name the dimension differently",
                                     mapped=repr(", ".join(sorted(known[(m.dimension, m.dim_value)]))),
                                     group=repr(m.group_id)), None, m.dimension, m.dim_value)
    new = pd.Series([(d, v) not in known for d, v in zip(mapping.dimension, mapping.dim_value)], index=mapping.index,
                    dtype=bool)
    return mapping.loc[new]


def _spec(records: "RecordSpec | str | Path") -> RecordSpec:
    """The records option as given: a spec (the Data page's form) or its YAML file (the command line)."""
    return records if isinstance(records, RecordSpec) else RecordSpec.load(records)


FORMAT = Format(
    name="records", label=N_("Citizen records, turned into estimates"),
    read=lambda path, con, records: read(con, path, _spec(records)),
    recognise=lambda f: bool(f.given.get("records")), order=0,  # chosen by giving a spec, never by the file
    sign=N_("raw citizen records (with a spec saying how to read them)"),
    options=(Option("records", N_("how to read the records: a spec (YAML, see data/templates/records/)"), kind="spec",
                    required=True),),
    kind="citizen", checksum=lambda path, records: checksum(path, _spec(records)), suffixes=(".csv", ".xlsx"),
)
