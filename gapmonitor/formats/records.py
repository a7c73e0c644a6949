"""Raw citizen records to estimates: a household survey, water-point checks or crowdsourced reports
become one estimate per area x group x period, with its sample size and a 95% interval, computed in
DuckDB. Only the estimates go on to the importer; the records themselves never reach the database.

A RecordSpec says how to read the records: where each record is (an area name or code column, or
latitude/longitude joined to boundaries), its groups, its period, and the measure (a yes/no condition
gives a percentage with a Wilson interval; a number gives a mean with a normal interval)."""

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from gapmonitor import area_matching, estimates, record_files
from gapmonitor.formats import Batch, fatal
from gapmonitor.formats.registry import Format, Option

MISSING = ("", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "-")


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
    measure: str                                      # the column measured
    yes: list[str] = field(default_factory=list)      # values that count as yes: a percentage; empty: a mean
    no: list[str] = field(default_factory=list)       # values that count as no; empty: every other value
    unit: str = ""                                    # default PERCENT for a yes/no measure
    series: str = ""                                  # series code; default CGD_<indicator>_<measure>
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
    # Computed measures (issue 14): `measure` is a column name or an expression of the grammar in
    # gapmonitor/expressions.py (sums, ratios, thresholds); blank cells in it count as 0 when blanks_as_zero.
    blanks_as_zero: bool = False
    weight: str | None = None                         # a column of survey weights (Kish effective n)
    snap_km: float = 5.0                              # a point at sea this close to one country's coast joins it
    subject: str = "people"                          # what records are about: people (suppression) or places

    @classmethod
    def from_dict(cls, d: dict) -> "RecordSpec":
        # YAML reads a bare yes/no as true/false: the keys are meant, and values must be quoted
        d = {({True: "yes", False: "no"}.get(k, k) if isinstance(k, bool) else k): v for k, v in d.items()}
        for key in ("yes", "no"):
            if any(isinstance(v, bool) for v in d.get(key) or []):
                raise TypeError(f"quote the values of {key!r} (YAML reads a bare Yes or No as true or false)")
        d["groups"] = [GroupColumn(**g) for g in d.get("groups", [])]
        return cls(**d)

    @classmethod
    def load(cls, path: str | Path) -> "RecordSpec":
        """A spec from its YAML file; a ReadError says what is wrong with it."""
        try:
            return cls.from_dict(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
        except (TypeError, AttributeError, yaml.YAMLError) as e:  # a misspelt or missing key, not a mapping
            raise fatal(path, f"not a records spec ({e})") from e

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @property
    def series_code(self) -> str:
        slug = re.sub(r"[^A-Z0-9]+", "_", self.measure.upper()).strip("_")
        return self.series or f"CGD_{self.indicator.replace('.', '_')}_{slug}"


def checksum(path: str | Path, spec: RecordSpec) -> str:
    """The same records read the same way are the same dataset; another reading is another one."""
    digest = hashlib.sha256(Path(path).read_bytes())
    digest.update(spec.to_json().encode())
    return digest.hexdigest()


def read(con: duckdb.DuckDBPyConnection, path: str | Path, spec: RecordSpec, name: str | None = None) -> Batch:
    """The estimates the records give, as a Batch for importer.preview. Records that cannot be placed
    (an unmatched area name, no coordinates, no period) are errors, each naming row, column and value:
    the import then stops until they are reviewed (RecordSpec.area_review) or knowingly left out."""
    path = Path(path)
    batch = Batch(file=name or path.name, format="records")
    records = record_files.load(path)
    for level, message, column in record_files.notes(path):
        batch.problem(level, message, None, column, None)
    needed = [c for c in (spec.measure, spec.country_column, spec.area_column, spec.latitude, spec.longitude,
                          spec.period_column, *(g.column for g in spec.groups)) if c]
    absent = [c for c in needed if c not in records.columns]
    if absent:
        raise fatal(batch.file, f"no column {', '.join(map(repr, absent))}; the file has: {', '.join(records.columns)}")
    if not (spec.country or spec.country_column or (spec.latitude and spec.longitude)):
        raise fatal(batch.file, "say where the records are: a country, a country column, or coordinates")
    if not (spec.period or spec.period_column):
        raise fatal(batch.file, "say when the records are from: a period, or a column with dates or years")
    if con.execute("select count(*) from indicator where code = ?", [spec.indicator]).fetchall()[0][0] == 0:
        raise fatal(batch.file, f"unknown indicator {spec.indicator!r}: give an official SDG indicator code")

    missing = set(spec.missing)
    frame = pd.DataFrame({"row": records.index + 2})  # the header is row 1
    frame["country"] = area_matching.countries(con, records, spec, batch)
    frame["area"], new_areas = area_matching.areas(con, records, frame.country, spec, batch)
    frame["year"], frame["time_detail"] = _periods(records, spec, batch)
    frame["y"] = _measure(records, spec, batch, missing)
    for i, g in enumerate(spec.groups):
        frame[f"g{i}"] = records[g.column].where(~records[g.column].str.strip().isin(missing)).str.strip()
    placed = frame.area.notna() & frame.year.notna()
    batch.summary = {"records": len(records), "records placed": int(placed.sum()),
                     "records with a value": int((placed & frame.y.notna()).sum())}
    batch.new_areas = new_areas
    batch.group_mapping = _group_mapping(con, spec, batch)
    batch.observations = estimates.from_records(con, frame[placed & frame.y.notna()], spec)
    if len(new_areas) and len(batch.observations):  # names of the areas this file adds
        named = batch.observations.area.map(dict(zip(new_areas.code, new_areas.name)))
        batch.observations["area_name"] = named.fillna(batch.observations.area_name)
    return batch


def _periods(records: pd.DataFrame, spec: RecordSpec, batch: Batch):
    if spec.period:
        years = re.findall(r"\d{4}", spec.period)
        if not years:
            raise fatal(batch.file, f"the period {spec.period!r} names no year")
        return pd.Series(int(years[-1]), index=records.index, dtype="Int64"), spec.period
    raw = records[spec.period_column].str.strip()

    def year(value: str):
        try:
            if spec.date_format:
                return datetime.strptime(value, spec.date_format).year
            if re.fullmatch(r"\d{4}", value):
                return int(value)
            return datetime.fromisoformat(value).year
        except ValueError:
            return None

    years = raw.map(year).astype("Int64")
    for i in records.index[years.isna()]:
        batch.problem("error", "not a date or year" + (f" in the format {spec.date_format}" if spec.date_format else ""),
                      int(i) + 2, spec.period_column, raw[i])
    return years, years.astype("string")


def _measure(records: pd.DataFrame, spec: RecordSpec, batch: Batch, missing: set) -> pd.Series:
    """1.0/0.0 for a yes/no measure, the number for a numeric one; None where there is no value."""
    raw = records[spec.measure].str.strip()
    absent = raw.isin(missing)
    if spec.yes:
        yes = raw.isin(spec.yes)
        no = raw.isin(spec.no) if spec.no else ~yes
        y = pd.Series(1.0, index=raw.index).where(yes, 0.0).where(yes | no)
        odd = ~absent & ~yes & ~no
        for value, rows in raw[odd].groupby(raw[odd]).groups.items():
            batch.problem("warning", f"neither a yes nor a no value ({len(rows)} records): left out of the estimates",
                          int(rows[0]) + 2, spec.measure, value)
    else:
        y = pd.to_numeric(raw.where(~absent), errors="coerce")
        for i in records.index[~absent & y.isna()]:
            batch.problem("warning", "not a number: left out of the estimates", int(i) + 2, spec.measure, raw[i])
    y = y.where(~absent)
    if absent.any():
        batch.problem("warning", f"{int(absent.sum())} records have no value: left out of the estimates", None,
                      spec.measure, None)
    return y


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
            batch.problem("fatal", f"unknown population group {m.group_id!r}; known: {', '.join(sorted(groups))}",
                          None, m.dimension, m.dim_value)
        elif m.group_id not in known.get((m.dimension, m.dim_value), {m.group_id}):
            batch.problem("fatal", f"already maps to the group {', '.join(sorted(known[(m.dimension, m.dim_value)]))!r}, "
                          f"not {m.group_id!r}: name the dimension differently", None, m.dimension, m.dim_value)
    new = pd.Series([(d, v) not in known for d, v in zip(mapping.dimension, mapping.dim_value)], index=mapping.index,
                    dtype=bool)
    return mapping.loc[new]


def _spec(records: "RecordSpec | str | Path") -> RecordSpec:
    """The records option as given: a spec (the Data page's form) or its YAML file (the command line)."""
    return records if isinstance(records, RecordSpec) else RecordSpec.load(records)


FORMAT = Format(
    name="records", label="Citizen records, turned into estimates",
    read=lambda path, con, records: read(con, path, _spec(records)),
    recognise=lambda f: bool(f.given.get("records")), order=0,  # chosen by giving a spec, never by the file
    sign="raw citizen records (with a spec saying how to read them)",
    options=(Option("records", "how to read the records: a spec (YAML, see data/templates/records/)", kind="spec",
                    required=True),),
    kind="citizen", checksum=lambda path, records: checksum(path, _spec(records)), suffixes=(".csv", ".xlsx"),
)
