"""Raw citizen records to estimates: a household survey, water-point checks or crowdsourced reports
become one estimate per area x group x period, with its sample size and a 95% interval, computed in
DuckDB. Only the estimates go on to the importer; the records themselves never reach the database.

A RecordSpec says how to read the records: where each record is (an area name or code column, or
latitude/longitude joined to boundaries), its groups, its period, and the measure (a yes/no condition
gives a percentage with a Wilson interval; a number gives a mean with a normal interval)."""

import difflib
import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path

import duckdb
import pandas as pd
import pycountry

from gapmonitor.formats import Batch, check_csv_text, dims_key, fatal

MISSING = ("", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "-")
WORLD = Path(__file__).resolve().parents[1] / "static" / "world_110m.json"
# Words that name the kind of unit, not the unit: "Northern Province" and "Northern" are one area.
UNIT_WORDS = r"\b(region|province|district|county|state|division|department|regional state|governorate|prefecture)\b"
NEW, SKIP = "new", "skip"  # review decisions for an unmatched area name, besides an area code


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

    @classmethod
    def from_dict(cls, d: dict) -> "RecordSpec":
        # YAML reads a bare yes/no as true/false: the keys are meant, and values must be quoted
        d = {({True: "yes", False: "no"}.get(k, k) if isinstance(k, bool) else k): v for k, v in d.items()}
        for key in ("yes", "no"):
            if any(isinstance(v, bool) for v in d.get(key) or []):
                raise TypeError(f"quote the values of {key!r} (YAML reads a bare Yes or No as true or false)")
        d["groups"] = [GroupColumn(**g) for g in d.get("groups", [])]
        return cls(**d)

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


def columns_of(path: str | Path) -> list[str]:
    """The column names of a records file (for the mapping form)."""
    return list(_load(Path(path), nrows=0).columns)


def values_of(path: str | Path, column: str, limit: int = 40) -> list[str]:
    """The most frequent values of a column (for mapping yes/no answers and groups)."""
    return list(_load(Path(path))[column].str.strip().value_counts().index[:limit])


def as_released(con: duckdb.DuckDBPyConnection, estimates: pd.DataFrame) -> pd.DataFrame:
    """Estimates with the schema's own reliability rule applied (too few respondents: suppressed), so
    a preview shows an editor no small cell; complementary suppression follows on import."""
    shown = estimates[["area", "area_name", "dims", "time_detail", "value", "lower_bound", "upper_bound", "sample_size"]]
    con.register("estimates", shown)
    try:
        return con.execute("""
            with marked as (select *, reliability('citizen', sample_size) as reliability from estimates)
            select * replace (released(value, reliability) as value, released(lower_bound, reliability) as lower_bound,
                released(upper_bound, reliability) as upper_bound, released(sample_size, reliability) as sample_size)
            from marked""").df()
    finally:
        con.unregister("estimates")


def read(con: duckdb.DuckDBPyConnection, path: str | Path, spec: RecordSpec, name: str | None = None) -> Batch:
    """The estimates the records give, as a Batch for importer.preview. Records that cannot be placed
    (an unmatched area name, no coordinates, no period) are errors, each naming row, column and value:
    the import then stops until they are reviewed (RecordSpec.area_review) or knowingly left out."""
    path = Path(path)
    batch = Batch(file=name or path.name, format="records")
    records = _load(path)
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
    frame["country"] = _countries(con, records, spec, batch)
    frame["area"], new_areas = _areas(con, records, frame.country, spec, batch)
    frame["year"], frame["time_detail"] = _periods(records, spec, batch)
    frame["y"] = _measure(records, spec, batch, missing)
    for i, g in enumerate(spec.groups):
        frame[f"g{i}"] = records[g.column].where(~records[g.column].str.strip().isin(missing)).str.strip()
    placed = frame.area.notna() & frame.year.notna()
    batch.summary = {"records": len(records), "records placed": int(placed.sum()),
                     "records with a value": int((placed & frame.y.notna()).sum())}
    batch.new_areas = new_areas
    batch.group_mapping = _group_mapping(con, spec, batch)
    batch.observations = _estimates(con, frame[placed & frame.y.notna()], spec)
    if len(new_areas) and len(batch.observations):  # names of the areas this file adds
        named = batch.observations.area.map(dict(zip(new_areas.code, new_areas.name)))
        batch.observations["area_name"] = named.fillna(batch.observations.area_name)
    return batch


def _load(path: Path, nrows: int | None = None) -> pd.DataFrame:
    """Every cell as text, as written (so messages can quote it). Read once per file version: the
    mapping form asks for columns and values on every rerun. Callers must not change the frame."""
    stat = path.stat()
    return _read_text_cells(str(path), stat.st_mtime_ns, stat.st_size, nrows)


@lru_cache(maxsize=4)
def _read_text_cells(name: str, mtime_ns: int, size: int, nrows: int | None) -> pd.DataFrame:
    path = Path(name)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return pd.read_excel(path, dtype=str, keep_default_na=False, nrows=nrows).fillna("")
        except Exception as e:
            raise fatal(path, f"not a readable Excel workbook ({type(e).__name__})") from e
    check_csv_text(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", nrows=nrows)


def normal(name: str) -> str:
    """A name as compared: no accents, case, punctuation or unit words ('Ségou Region' -> 'segou')."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    text = re.sub(UNIT_WORDS, " ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _countries(con, records: pd.DataFrame, spec: RecordSpec, batch: Batch) -> pd.Series:
    if spec.country:
        return pd.Series(spec.country, index=records.index)
    if not spec.country_column:
        return pd.Series(None, index=records.index, dtype="object")  # from the coordinates
    known = {}
    for code, iso2, name, m49 in con.execute("select code, iso2, name, m49 from area where kind = 'country'").fetchall():
        for key in (code, iso2, name, str(m49)):
            if key:
                known[normal(key)] = code
    raw = records[spec.country_column]
    found = raw.map(lambda v: known.get(normal(v)))
    for value, rows in raw[found.isna()].groupby(raw[found.isna()]).groups.items():
        batch.problem("error", f"unknown country ({len(rows)} records): give its name or ISO code", int(rows[0]) + 2,
                      spec.country_column, value)
    return found


def _areas(con, records: pd.DataFrame, country: pd.Series, spec: RecordSpec, batch: Batch):
    """The area code of each record (None where it cannot be placed) and the new areas to add."""
    new = pd.DataFrame(columns=["code", "local_code", "name", "parent"])
    if spec.latitude and spec.longitude:
        return _areas_from_points(con, records, country, spec, batch), new
    if not spec.area_column:
        return country, new
    subnational = con.execute(
        "select code, local_code, name, parent from area where kind = 'subnational'").df()
    raw = records[spec.area_column].str.strip()
    areas = pd.Series(None, index=records.index, dtype="object")
    added, unmatched = [], []
    for (iso3, value), rows in raw.groupby([country, raw]).groups.items():
        theirs = subnational[subnational.parent == iso3]
        first = int(rows[0]) + 2
        decision = spec.area_review.get(f"{iso3}:{value}")
        if decision == SKIP:
            batch.problem("warning", f"left out on review ({len(rows)} records)", first, spec.area_column, value)
            continue
        if decision == NEW:  # the name becomes an area of its own
            code = f"{iso3}-{re.sub(r'[^A-Za-z0-9]+', '-', value).strip('-').upper()}"
            added.append({"code": code, "local_code": code, "name": value, "parent": iso3})
            areas[rows] = code
            continue
        if decision:  # an area of the database, or an ISO 3166-2 code of the country
            if decision in set(subnational.code):
                areas[rows] = decision
                continue
            iso = next((d for d in _subdivisions(iso3) if d.code == decision), None)
            if iso is None:
                raise fatal(batch.file, f"review of {value!r}: {decision!r} is neither an area of the database nor an "
                                        f"ISO 3166-2 code of {iso3}")
        else:
            if spec.area_match == "code":
                matches = list(theirs.code[(theirs.local_code == value) | (theirs.code == value)])
            else:
                matches = list(theirs.code[theirs.name.map(normal) == normal(value)])
            if len(matches) == 1:
                areas[rows] = matches[0]
                continue
            iso = _iso_subdivision(iso3, value) if spec.area_match == "name" and not matches else None
            if iso is None:
                hint = _suggestion(theirs, iso3, value)
                unmatched.append({"key": f"{iso3}:{value}", "name": value, "first row": first, "closest": hint})
                batch.problem("error", f"area name matches no area of {iso3} ({len(rows)} records): review it"
                              + (f"; closest: {hint}" if hint else ""), first, spec.area_column, value)
                continue
        added.append({"code": iso.code, "local_code": iso.code, "name": iso.name, "parent": iso3})  # ISO 3166-2
        areas[rows] = iso.code
    batch.unmatched = pd.DataFrame(unmatched, columns=["key", "name", "first row", "closest"])
    if added:
        new = pd.DataFrame(added).drop_duplicates("code")
    return areas, new


@cache
def _subdivisions(iso3: str) -> tuple:
    country = pycountry.countries.get(alpha_3=iso3)
    return tuple(pycountry.subdivisions.get(country_code=country.alpha_2) or ()) if country else ()


def _iso_subdivision(iso3: str, value: str):
    """The ISO 3166-2 subdivision of the country with this name, if exactly one has it."""
    hits = [s for s in _subdivisions(iso3) if normal(s.name) == normal(value)]
    return hits[0] if len(hits) == 1 else None


def _suggestion(theirs: pd.DataFrame, iso3: str, value: str) -> str:
    names = {normal(n): f"{n} ({c})" for c, n in zip(theirs.code, theirs.name)}
    names.update({normal(s.name): f"{s.name} ({s.code})" for s in _subdivisions(iso3)})
    close = difflib.get_close_matches(normal(value), list(names), n=3, cutoff=0.6)
    return ", ".join(names[c] for c in close)


def _areas_from_points(con, records: pd.DataFrame, country: pd.Series, spec: RecordSpec, batch: Batch) -> pd.Series:
    """Spatial join: each record's point to the subnational boundary that holds it, else to its
    country (the country given, or the world map's country shape that holds it)."""
    import geopandas as gpd
    import shapely

    lat = pd.to_numeric(records[spec.latitude], errors="coerce")
    lon = pd.to_numeric(records[spec.longitude], errors="coerce")
    valid = lat.between(-90, 90) & lon.between(-180, 180)
    for i in records.index[~valid]:
        batch.problem("error", "no usable coordinates: the record cannot be placed", int(i) + 2, spec.latitude,
                      f"{records.at[i, spec.latitude]}, {records.at[i, spec.longitude]}")
    points = gpd.GeoDataFrame({"i": records.index[valid]}, geometry=gpd.points_from_xy(lon[valid], lat[valid]), crs=4326)
    result = country.copy()
    if country.isna().any():
        shapes = gpd.read_file(WORLD, layer="countries").set_crs(4326, allow_override=True)
        shapes["geometry"] = [_unwrapped(g) for g in shapes.geometry]
        hit = gpd.sjoin(points, shapes[["id", "geometry"]], how="inner", predicate="within").drop_duplicates("i")
        result[hit.i.to_numpy()] = result[hit.i.to_numpy()].fillna(pd.Series(hit.id.to_numpy(), index=hit.i.to_numpy()))
    bounds = con.execute("select code, parent, geometry from area where kind = 'subnational' and geometry is not null "
                         "and parent in (select unnest(?))", [sorted(set(result.dropna()))]).df()
    if len(bounds):
        polygons = gpd.GeoDataFrame(bounds[["code", "parent"]], geometry=shapely.from_geojson(bounds.geometry), crs=4326)
        hit = gpd.sjoin(points, polygons, how="inner", predicate="within").drop_duplicates("i")
        hit = hit[hit.parent.to_numpy() == result[hit.i.to_numpy()].to_numpy()]  # within the record's own country
        result[hit.i.to_numpy()] = hit.code.to_numpy()
    outside = valid & result.isna()
    for i in records.index[outside]:
        batch.problem("error", "the point lies in no country of the map (at sea, or on a coarse border)", int(i) + 2,
                      spec.latitude, f"{lat[i]}, {lon[i]}")
    return result.where(valid)


def _unwrapped(geometry):
    """A country that crosses the antimeridian (Fiji, Russia) as parts on either side of it: planar
    geometry would otherwise read a ring from 179.9 to -179.9 as a band around the world."""
    import shapely
    from shapely.geometry import box

    if geometry is None or geometry.bounds[2] - geometry.bounds[0] < 180:
        return geometry
    parts = []
    for part in getattr(geometry, "geoms", [geometry]):
        if part.bounds[2] - part.bounds[0] < 180:
            parts.append(part)
            continue
        shifted = shapely.make_valid(shapely.transform(part, lambda xy: xy + [[360, 0]] * (xy[:, :1] < 0)))
        parts += [shifted.intersection(box(-180, -90, 180, 90)),
                  shapely.affinity.translate(shifted.intersection(box(180, -90, 540, 90)), xoff=-360)]
    return shapely.make_valid(shapely.union_all([p for p in parts if not p.is_empty]))


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
    known = {(d, v): g for d, v, g in con.execute("select dimension, dim_value, group_id from group_mapping").fetchall()}
    groups = {g for g, in con.execute("select group_id from population_group").fetchall()}
    for m in mapping.itertuples():
        if m.group_id not in groups:
            batch.problem("fatal", f"unknown population group {m.group_id!r}; known: {', '.join(sorted(groups))}",
                          None, m.dimension, m.dim_value)
        elif known.get((m.dimension, m.dim_value), m.group_id) != m.group_id:
            batch.problem("fatal", f"already maps to the group {known[(m.dimension, m.dim_value)]!r}, not "
                          f"{m.group_id!r}: name the dimension differently", None, m.dimension, m.dim_value)
    new = pd.Series([(d, v) not in known for d, v in zip(mapping.dimension, mapping.dim_value)], index=mapping.index,
                    dtype=bool)
    return mapping.loc[new]


def _estimates(con, frame: pd.DataFrame, spec: RecordSpec) -> pd.DataFrame:
    """One estimate per area (and, with country_totals, country) x period x combination of groups:
    every subset of the group columns, so totals and each breakdown come out of one pass. A yes/no
    measure gives a percentage with the Wilson interval; a number, its mean with a normal interval."""
    if frame.empty:
        return pd.DataFrame()
    groups = [f"g{i}" for i in range(len(spec.groups))]
    sets = [[g for j, g in enumerate(groups) if mask >> j & 1] for mask in range(2 ** len(groups))]
    selected = "".join(f"{g}, grouping({g}) as all_{g}, " for g in groups)
    parts = []
    for level in ["area"] + (["country"] if spec.country_totals else []):
        grouping = ", ".join(f"({', '.join([level, 'year', 'time_detail', *s])})" for s in sets)
        parts.append(f"""
            select {level} as area, year, time_detail, {selected} count(*) as n, avg(y) as mean, stddev_samp(y) as sd
            from records_placed
            {"where area <> country" if level == "country" else ""}  -- records placed in the country itself
            group by grouping sets ({grouping})""")
    if spec.yes:
        value = "100 * mean as value, 100 * wilson_lower(mean, n) as lower, 100 * wilson_upper(mean, n) as upper"
    else:
        value = "mean as value, mean - 1.959964 * sd / sqrt(n) as lower, mean + 1.959964 * sd / sqrt(n) as upper"
    con.register("records_placed", frame)
    try:
        cells = con.execute(f"""
            with cells as ({" union all ".join(parts)})
            select cells.*, a.name as area_name, {value}
            from cells left join area as a on a.code = cells.area
            where {" and ".join(f"(all_{g} = 1 or {g} is not null)" for g in groups) or "true"}
            order by cells.area, year, n desc
        """).df()  # a record without a group value counts in totals, never as a group of its own
    finally:
        con.unregister("records_placed")
    names = [g.name for g in spec.groups]
    dims = [dims_key((names[i], row[f"g{i}"]) for i in range(len(groups)) if row[f"all_g{i}"] == 0)
            for row in cells.to_dict("records")]
    return pd.DataFrame({
        "row": range(1, len(cells) + 1), "series": spec.series_code, "series_description": spec.description,
        "indicator": spec.indicator, "unit": spec.unit or ("PERCENT" if spec.yes else ""),
        "area": cells.area, "area_name": cells.area_name.fillna(""), "area_scheme": "area", "dims": dims,
        "year": cells.year.astype(int), "time_detail": cells.time_detail, "value": cells.value, "lower_bound": cells.lower,
        "upper_bound": cells.upper, "nature": "CGD", "source": "", "sample_size": cells.n,
    })
