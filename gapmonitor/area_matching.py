"""Where citizen records are: country and area names or codes matched to the database's areas (and
ISO 3166-2), or coordinates joined to boundaries; an unmatched name waits for an editor's review."""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pycountry

from gapmonitor import country_codes, places
from gapmonitor.country_codes import fold
from gapmonitor.formats import Batch, fatal
from gapmonitor.i18n import _, format_number, n_

if TYPE_CHECKING:
    from gapmonitor.formats.records import RecordSpec

# Words that name the kind of unit, not the unit: "Northern Province" and "Northern" are one area.
UNIT_WORDS = r"\b(region|province|district|county|state|division|department|regional state|governorate|prefecture)\b"
NEW, SKIP = "new", "skip"  # review decisions for an unmatched area name, besides an area code


def normal(name: str) -> str:
    """A name as compared: no accents, case, punctuation or unit words ('Ségou Region' -> 'segou')."""
    return fold(re.sub(UNIT_WORDS, " ", fold(name)))


def countries(con, records: pd.DataFrame, spec: RecordSpec, batch: Batch) -> pd.Series:
    """The country code of each record: the spec's country, its country column resolved (country_codes),
    or None (from the coordinates). A value that names no country of the database is an error, once per
    value with its first row; its records are left out."""
    held = {c for c, in con.execute("select code from area where kind = 'country'").fetchall()}
    if spec.country:
        if country_codes.code(spec.country) not in held:
            raise fatal(batch.file, _("the spec's country: {problem}", problem=_not_held(spec.country)), column="country",
                        value=spec.country)
        return pd.Series(country_codes.code(spec.country), index=records.index)
    if not spec.country_column:
        return pd.Series(None, index=records.index, dtype="object")  # from the coordinates
    raw = records[spec.country_column]
    found = raw.map(country_codes.code)
    found = found.where(found.isin(held))
    for value, rows in raw[found.isna()].groupby(raw[found.isna()]).groups.items():
        batch.problem("error", n_("{problem} ({n} record left out)", "{problem} ({n} records left out)", len(rows),
                                  problem=_not_held(value)), int(rows[0]) + 2,
                      spec.country_column, value)
    return found


def _not_held(value) -> str:
    code = country_codes.code(value)
    if code:
        return _("{code} is not a country of the database", code=code)
    return _("not a country: {hint}", hint=_(country_codes.HINT))


def countries_of(con, areas: pd.Series, new: pd.DataFrame) -> pd.Series:
    """The country of each area code: a subnational area's parent (of the database, or new with this
    file), a country itself."""
    codes = sorted(set(areas.dropna()))
    parent = dict(con.execute("select code, coalesce(parent, code) from area where code in (select unnest(?))",
                              [codes]).fetchall())
    parent.update(zip(new.code, new.parent))
    return areas.map(parent)


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
            batch.problem("warning", n_("left out on review ({n} record)", "left out on review ({n} records)", len(rows)),
                          first, spec.area_column, value)
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
                raise fatal(batch.file, _("review of {name!r}: {decision!r} is neither an area of the database nor an "
                                          "ISO 3166-2 code of {country}", name=value, decision=decision, country=iso3))
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
                message = (n_("area name matches no area of {country} ({n} record): review it; closest: {closest}",
                              "area name matches no area of {country} ({n} records): review it; closest: {closest}",
                              len(rows), country=iso3, closest=hint) if hint else
                           n_("area name matches no area of {country} ({n} record): review it",
                              "area name matches no area of {country} ({n} records): review it", len(rows), country=iso3))
                batch.problem("error", message, first, spec.area_column, value)
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
    """Each record's point to the subnational boundary that holds it, else to its country (the country
    given, or the 1:10m country shape that holds it). A point at sea or just over a coarse border joins
    the one country (or boundary of its country) within spec.snap_km, with a warning; near several, or
    nowhere near, it is an error."""
    import shapely

    lat = pd.to_numeric(records[spec.latitude], errors="coerce")
    lon = pd.to_numeric(records[spec.longitude], errors="coerce")
    valid = lat.between(-90, 90) & lon.between(-180, 180)
    for i in records.index[~valid]:
        batch.problem("error", _("no usable coordinates: the record cannot be placed"), int(i) + 2, spec.latitude,
                      f"{records.at[i, spec.latitude]}, {records.at[i, spec.longitude]}")
    # every point is placed on the world's shapes, also where the spec names the country: a point at sea
    # or in another country (latitude and longitude swapped, a typing slip) must not count for it
    world = pd.Series(None, index=records.index, dtype="object")
    if valid.any():
        world[valid] = _placed(lon[valid], lat[valid], places.world(con), spec, batch)
    given = valid & country.notna()
    elsewhere = given & world.notna() & (world != country)
    for (there, mine), rows in world[elsewhere].groupby([world[elsewhere], country[elsewhere]]).groups.items():
        first = rows[0]
        batch.problem("error", n_("the point lies in {there}, not in {country}, the records' country ({n} record): it "
                                  "cannot be placed",
                                  "the point lies in {there}, not in {country}, the records' country ({n} records): it "
                                  "cannot be placed", len(rows), there=there, country=mine),
                      int(first) + 2, spec.latitude, f"{lat[first]}, {lon[first]}")
    result = world.where(~given, country.where(world == country))  # a given country only where its point lies
    bounds = con.execute("select code, parent, name, geometry from area where kind = 'subnational' and geometry is "
                         "not null and parent in (select unnest(?))", [sorted(set(result.dropna()))]).df()
    for parent, theirs in bounds.groupby("parent"):
        shapes = places.Shapes(theirs.code, theirs.name, shapely.from_geojson(theirs.geometry))
        mine = valid & (result == parent)
        if mine.any():
            result[mine] = _placed(lon[mine], lat[mine], shapes, spec, batch, parent=parent).fillna(parent)
    return result.where(valid)


def _placed(lon: pd.Series, lat: pd.Series, shapes, spec: RecordSpec, batch: Batch, parent: str | None = None
            ) -> pd.Series:
    """The label of the shape each point lies in or is snapped to (with a warning), else None, with an
    error for a country (a point in no boundary of its country stays at the country). `shapes` are the
    world's countries, or (with `parent`) the boundaries of that country. Each distinct point is judged
    and told once, at its first row: a beach surveyed again and again is one point."""
    point, distinct = pd.factorize(pd.MultiIndex.from_arrays([lon, lat]))
    found = places.locate(distinct.get_level_values(0).to_numpy(), distinct.get_level_values(1).to_numpy(), shapes,
                          spec.snap_km)
    for k, place in enumerate(found):
        if (place.how == "in" and place.label is not None) or (parent is not None and place.how != "snapped"):
            continue
        rows = lon.index[point == k]
        first, where = int(rows[0]) + 2, f"{distinct[k][1]}, {distinct[k][0]}"
        (name, distance), near = place.near[0], ", ".join(f"{n} ({places.km(d)})" for n, d in place.near)
        snap = format_number(spec.snap_km, _digits(spec.snap_km))
        if place.how == "snapped":
            severity = "warning"
            message = (_("the point lies in no country, {distance} from {name}: placed in {name} ({code})",
                         distance=places.km(distance), name=name, code=place.label) if parent is None else
                       _("the point lies in no boundary of {country}, {distance} from {name}: placed in {name} ({code})",
                         country=parent, distance=places.km(distance), name=name, code=place.label))
        elif place.how == "between":
            severity, message = "error", _("the point lies in no country and within {snap} km of several: {near}; it "
                                           "cannot be placed", snap=snap, near=near)
        elif place.how == "outside":
            severity, message = "error", _("the point lies in no country (at sea, or on a coarse border) and more than "
                                           "{snap} km from any: the nearest is {near}", snap=snap, near=near)
        elif place.how == "in":  # in, or only near, a shape that is no country of the database (Somaliland, Antarctica)
            severity, message = "error", _("the point lies in {name}, which is not a country of the database", name=name)
        else:
            severity, message = "error", _("the point lies {distance} from {name}, which is not a country of the "
                                           "database", distance=places.km(distance), name=name)
        if len(rows) > 1:
            message += " " + _("({count} records at this point)", count=format_number(len(rows)))
        batch.problem(severity, message, first, spec.latitude, where)
    return pd.Series(np.array([p.label for p in found], dtype=object)[point], index=lon.index)


def _digits(number: float) -> int:
    """The decimals `number` is written with by :g (5 -> 0, 0.5 -> 1, 2.25 -> 2)."""
    text = f"{number:g}"
    return 0 if "e" in text or "." not in text else len(text.split(".")[1])
