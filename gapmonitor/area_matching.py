"""Where citizen records are: country and area names or codes matched to the database's areas (and
ISO 3166-2), or coordinates joined to boundaries; an unmatched name waits for an editor's review."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pycountry

from gapmonitor.formats import Batch, fatal

if TYPE_CHECKING:
    from gapmonitor.formats.records import RecordSpec

WORLD = Path(__file__).resolve().parents[1] / "static" / "world_110m.json"
# Words that name the kind of unit, not the unit: "Northern Province" and "Northern" are one area.
UNIT_WORDS = r"\b(region|province|district|county|state|division|department|regional state|governorate|prefecture)\b"
NEW, SKIP = "new", "skip"  # review decisions for an unmatched area name, besides an area code


def normal(name: str) -> str:
    """A name as compared: no accents, case, punctuation or unit words ('Ségou Region' -> 'segou')."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    text = re.sub(UNIT_WORDS, " ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def countries(con, records: pd.DataFrame, spec: RecordSpec, batch: Batch) -> pd.Series:
    """The country code of each record: the spec's country, its country column matched, or None (coordinates)."""
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


def areas(con, records: pd.DataFrame, country: pd.Series, spec: RecordSpec, batch: Batch):
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
