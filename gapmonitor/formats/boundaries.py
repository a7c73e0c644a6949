"""Reader for subnational boundary files (GeoJSON, GeoPackage, zipped shapefile): code, name, country,
WGS84 shape. A file may cover several countries when its features name theirs (Natural Earth admin-1,
GADM, geoBoundaries); the parts of one area, one row each, are dissolved into one shape."""

import re
import struct
import zipfile
from functools import cache
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError

from gapmonitor import country_codes
from gapmonitor.i18n import N_, _, n_

from . import Batch, fatal
from .registry import COUNTRY, Format, Option

SUFFIXES = {".geojson", ".json", ".gpkg", ".zip"}
GRID = 1e-4  # coordinate rounding in degrees (~10 m): plenty for a dashboard map, halves the text
country_of = cache(country_codes.code)  # a file repeats its few countries on every feature


def layer_properties(path, layer: str | None = None) -> list[str]:
    """The attribute names of a boundary file, read from its header without loading geometries."""
    return [str(f) for f in _info(path, _source(path, layer), layer)["fields"]]


def read_boundaries(path, code_property: str, name_property: str, parent: str | None = None,
                    tolerance: float = 0.001, layer: str | None = None, country_property: str | None = None,
                    held: frozenset[str] | None = None) -> Batch:
    """One boundary file as Batch.boundaries: code, name, parent (its country), geometry in EPSG:4326,
    simplified; features sharing a code and name are the parts of one area, dissolved into one shape.
    A feature's country is `parent`, or the one its `country_property` names (gapmonitor.country_codes),
    which must be one the database holds (`held`; None: any); given both, the features of other countries
    are refused, one error per country."""
    path = Path(path)
    batch = Batch(file=path.name, format="boundaries")
    if parent is not None:
        parent = parent.strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", parent):
            raise fatal(path, _("the parent country must be an ISO 3166 alpha-3 code"), value=parent)
    elif country_property is None:
        raise fatal(path, _("the areas need a country: the one the file covers, or a property naming each "
                            "feature's"))
    src = _source(path, layer)
    info = _info(path, src, layer)
    fields = [str(f) for f in info["fields"]]
    columns = list(dict.fromkeys(p for p in (code_property, name_property, country_property) if p))
    for prop in columns:
        if prop not in fields:
            raise fatal(path, _("no property {property}; the file has: {properties}", property=repr(prop),
                                properties=", ".join(fields) or _("none")), column=prop)
    try:
        gdf = pyogrio.read_dataframe(src, layer=layer, columns=columns)
    except (RuntimeError, OSError) as e:
        raise fatal(path, _("cannot read the file: {error}", error=e)) from e
    if gdf.empty:
        raise fatal(path, _("the file has no features"))

    if gdf.crs is None:
        batch.problem("warning", _("the file has no coordinate reference system; assuming WGS84 longitude/latitude"))
        gdf = gdf.set_crs(4326)
    else:
        gdf = gdf.to_crs(4326)

    said = gdf[country_property] if country_property else [None] * len(gdf)
    seen: dict[tuple, tuple[int, str]] = {}  # (country, code) -> its first row and name
    parts: dict[tuple, list] = {}            # (country, code) -> [(row, area)]: one area, one or more features
    other: dict[str, list[str]] = {}         # a country not asked for -> its features' names
    unknown: dict[str, list[str]] = {}       # a country value the database does not know -> its features' names
    for i, (code, name, value, geom) in enumerate(zip(gdf[code_property], gdf[name_property], said, gdf.geometry),
                                                  start=1):
        code, name = _text(code), _text(name)
        if not code:
            batch.problem("error", _("feature has no code"), row=i, column=code_property)
            continue
        country = parent
        if country_property:
            value = _text(value)
            if not value:
                batch.problem("error", _("feature has no country"), row=i, column=country_property, value=code)
                continue
            country = _held(country_of(value), held)
            if country is None or country != (parent or country):
                (unknown if country is None else other).setdefault(country or value, []).append(name or code)
                continue
        first = seen.setdefault((country, code), (i, name))
        if first[1] != name:
            batch.problem("error", _("duplicate code (first at row {row}, named {name}): the parts of one area share "
                                     "its code and name", row=first[0], name=repr(first[1])),
                          row=i, column=code_property, value=code)
            continue
        finite = geom is None or bool(np.isfinite(shapely.get_coordinates(geom)).all())  # GEOS fails on NaN, inf
        area = None if geom is None or geom.is_empty or not finite else _polygonal(shapely.make_valid(geom))
        if geom is None or geom.is_empty:
            batch.problem("error", _("feature has no geometry"), row=i, value=code)
        elif not finite:
            batch.problem("error", _("the geometry has coordinates that are not finite numbers (NaN or infinite)"),
                          row=i, value=code)
        elif area is None:
            batch.problem("error", _("geometry ({geometry_type}) has no area", geometry_type=geom.geom_type), row=i,
                          value=code)
        else:
            if not name and first[0] == i:
                batch.problem("warning", _("feature has no name; using its code"), row=i, column=name_property,
                              value=code)
            if not geom.is_valid:
                batch.problem("warning", _("invalid geometry repaired ({reason})", reason=shapely.is_valid_reason(geom)),
                              row=i, value=code)
            parts.setdefault((country, code), []).append((i, area))
    for country, names in other.items():
        batch.problem("error", n_("{n} feature of {country} ({names}) is not in {parent}: choose no country to import "
                                  "each feature as an area of its own country",
                                  "{n} features of {country} ({names}) are not in {parent}: choose no country to "
                                  "import each feature as an area of its own country",
                                  len(names), country=country, names=_listed(names), parent=parent),
                      column=country_property, value=country)
    for value, names in unknown.items():
        batch.problem("error", n_("{n} feature ({names}) of a country the database does not know: {hint}",
                                  "{n} features ({names}) of a country the database does not know: {hint}",
                                  len(names), names=_listed(names), hint=_(country_codes.HINT)),
                      column=country_property, value=value)
    elsewhere = sum(len(names) for names in (*other.values(), *unknown.values()))
    batch.summary = {"features": len(gdf), "features rejected": elsewhere + len(
        {p.row for p in batch.problems if p.severity == "error" and p.row is not None})}
    if not parts:
        whole = [p.message for p in batch.problems if p.severity == "error" and p.row is None]
        raise fatal(path, _("no feature to import: {reason}", reason=whole[0]) if whole else
                    _("no feature has both a code and an area geometry"))

    areas = {key: _dissolved(batch, key[1], found, code_property) for key, found in parts.items()}
    minx, miny, maxx, maxy = shapely.total_bounds(list(areas.values()))
    if not (-180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90):
        raise fatal(path, _("coordinates ({bounds}) are not longitude/latitude: the file's coordinate reference "
                            "system is missing or wrong", bounds=f"{minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f}"))

    shapes = []
    for key, area in areas.items():
        shape = _polygonal(shapely.make_valid(
            shapely.set_precision(shapely.simplify(area, tolerance, preserve_topology=True), GRID)))
        if shape is None:
            # Too small for the grid: keep it at full detail rather than make a small place vanish.
            batch.problem("warning", _("area too small to simplify; kept at full detail"), row=seen[key][0],
                          value=key[1])
        shapes.append(area if shape is None else shape)
    batch.boundaries = gpd.GeoDataFrame(
        {"code": pd.array([code for _country, code in areas], dtype="str"),
         "name": pd.array([seen[key][1] or key[1] for key in areas], dtype="str"),
         "parent": pd.array([country for country, _code in areas], dtype="str")},
        geometry=shapes, crs=4326)
    return batch


def _dissolved(batch: Batch, code: str, found: list, column: str):
    """One area's shape: its feature's, or the union of its parts (one feature each), said in a warning."""
    if len(found) == 1:
        return found[0][1]
    rows = [row for row, _area in found]
    batch.problem("warning", n_("{n} feature (rows {rows}) is part of one area: dissolved into one shape",
                                "{n} features (rows {rows}) are parts of one area: dissolved into one shape",
                                len(found), rows=_listed(rows, 5)), row=rows[0], column=column, value=code)
    return _polygonal(shapely.union_all([area for _row, area in found]))


def _listed(items: list, first: int = 3) -> str:
    """The first items of a list, then '...' if there are more."""
    return ", ".join(str(x) for x in items[:first]) + (", ..." if len(items) > first else "")


def to_geojson(gdf) -> str:
    """Compact GeoJSON text of a boundaries GeoDataFrame (no feature ids, no spaces, UTF-8 names)."""
    return gdf.to_json(drop_id=True, separators=(",", ":"), ensure_ascii=False)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # numeric codes stored as reals
    text = str(value).strip()
    return "" if text == NO_VALUE else text


def _polygonal(geom):
    """The polygon parts of a geometry (make_valid can add stray lines or points), or None."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    return shapely.union_all(parts) if parts else None


def _info(path: Path, src: str, layer: str | None) -> dict:
    try:
        return pyogrio.read_info(src, layer=layer)
    except (RuntimeError, OSError) as e:
        if isinstance(e, DataLayerError) and layer is not None:
            raise fatal(path, _("no layer {layer}; the file has: {layers}", layer=repr(layer),
                                layers=", ".join(pyogrio.list_layers(src)[:, 0]))) from e
        # GDAL names the file by its full path (an upload's is a temporary file): name it as the user does
        raise fatal(path, _("not a readable boundary file: {error}", error=str(e).replace(src, path.name))) from e


def _source(path, layer: str | None) -> str:
    """The path GDAL should open: the file itself, or the shapefile inside a zip via /vsizip/."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise fatal(path, _("not a boundary file: expected .geojson, .json, .gpkg or a zipped shapefile (.zip)"))
    if not path.is_file():
        raise fatal(path, _("file not found"))
    if suffix != ".zip":
        return str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            for name in names:
                # Never read, let alone extract, an archive that names files outside itself.
                parts = PurePosixPath(name.replace("\\", "/")).parts
                if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in parts:
                    raise fatal(path, _("the zip holds a file with an unsafe path (absolute or '..')"), value=name)
            shps = [n for n in names
                    if n.lower().endswith(".shp") and (layer is None or PurePosixPath(n).stem == layer)]
            if not shps:
                raise fatal(path, _("the zip holds no shapefile (.shp)") if layer is None else
                            _("the zip holds no shapefile (.shp) named {layer}", layer=repr(layer)))
            if len(shps) > 1:
                raise fatal(path, _("the zip holds several shapefiles ({shapefiles}); choose one as the layer",
                                    shapefiles=", ".join(shps)))
            shp = shps[0]
            lower = {n.lower(): n for n in names}
            for ext in (".shx", ".dbf"):
                if shp[:-4].lower() + ext not in lower:
                    raise fatal(path, _("the zip has {shapefile} but no {missing}", shapefile=shp,
                                        missing=PurePosixPath(shp).stem + ext))
            for member in (shp, lower[shp[:-4].lower() + ".shx"]):
                _check_length(path, zf, member)
    except zipfile.BadZipFile as e:
        raise fatal(path, _("not a readable zip file: {error}", error=e)) from e
    return f"/vsizip/{path.resolve()}/{shp}"


def _check_length(path: Path, zf: zipfile.ZipFile, member: str) -> None:
    """GDAL reads a truncated .shp without error, giving empty shapes; its header says how long it must be."""
    with zf.open(member) as f:
        header = f.read(28)
    size = zf.getinfo(member).file_size
    if len(header) < 28 or struct.unpack(">i", header[24:28])[0] * 2 != size:
        raise fatal(path, _("{member} is truncated or corrupt (its size does not match its header)", member=member),
                    value=member)


# The properties publishers give an area's code, name and country, most specific first: ISO 3166-2, then
# a publisher's own id. {n} is the file's admin level, the deepest its property names give (ADM2_PCODE: 2).
# Natural Earth admin-1: iso_3166_2, adm1_code, name, adm0_a3, iso_a2, admin; geoBoundaries: shapeISO,
# shapeID, shapeName, shapeGroup; GADM: ISO_1, HASC_n, GID_n, NAME_n, GID_0; OCHA/HDX COD: ADMn_PCODE,
# ADMn_EN (or ADMn_FR...), ADM0_PCODE (alpha-2). Names are matched whole and case-insensitively.
CODES = ("iso_3166_2", "ISO_{n}", "shapeISO", "ADM{n}_PCODE", "HASC_{n}", "GID_{n}", "adm{n}_code", "shapeID",
         "code", "id")
NAMES = ("name", "ADM{n}_EN", "NAME_{n}", "shapeName", "name_en", "ADM{n}_NAME", "ADM{n}_[A-Z][A-Z]")
COUNTRIES = ("adm0_a3", "iso_a3", "shapeGroup", "GID_0", "ADM0_PCODE", "iso_a2", "admin")
LEVEL = re.compile(r"(?i)ADM(\d)_(?:PCODE|EN|NAME)|(?:GID|NAME|HASC|ISO)_(\d)|adm(\d)_code")
# The ONS convention, a prefix and a two-digit year: rgn17cd/rgn17nm, LAD16CD/LAD16NM.
ONS = re.compile(r"(?i)([a-z]+\d{2})(cd)")
NO_VALUE = "-99"  # Natural Earth's "none" (an iso_a2 or iso_3166_2 it has no code for)


def candidates(fields: list[str]) -> tuple[list[str], list[str], list[str]]:
    """The properties of a file that may hold its areas' codes, names and countries, by their names,
    most specific first: exactly one ONS pair (rgn17cd, rgn17nm) comes before all others."""
    levels = [int(next(d for d in m.groups() if d)) for f in fields if (m := LEVEL.fullmatch(f))]
    n = max(levels + [1])

    def present(patterns) -> list[str]:
        return list(dict.fromkeys(f for p in patterns for f in fields if re.fullmatch(p.format(n=n), f, re.IGNORECASE)))

    lower = {f.lower(): f for f in fields}
    ons = [(f, lower[m.group(1).lower() + "nm"]) for f in fields
           if (m := ONS.fullmatch(f)) and m.group(1).lower() + "nm" in lower]
    first = list(ons[0]) if len(ons) == 1 else ["", ""]
    codes, names = present(CODES), present(NAMES)
    return ([f for f in (first[0], *codes) if f], [f for f in (first[1], *names) if f], present(COUNTRIES))


def guess_properties(fields: list[str]) -> tuple[str, str] | None:
    """The (code, name) properties of a boundary file when its names say which they are (the first
    candidates), else None."""
    codes, names, _countries = candidates(fields)
    return (codes[0], names[0]) if codes and names else None


def _attributes(path, columns: list[str]) -> pd.DataFrame:
    """Some properties of every feature, as text ('' for none), without the geometries."""
    try:
        table = pyogrio.read_dataframe(_source(path, None), columns=columns, read_geometry=False)
    except (RuntimeError, OSError) as e:
        raise fatal(path, _("cannot read the file: {error}", error=e)) from e
    return table[columns].map(_text) if columns else table


def _choose(table: pd.DataFrame, found: list[str], flaw, usable=lambda values: True) -> tuple[str | None, list[str]]:
    """The first of the properties found without a flaw (flaw(values) -> None, or what is wrong), else
    the first usable one (None if none is); and what was wrong with each one passed over."""
    passed = []
    for prop in found:
        wrong = flaw(table[prop])
        if wrong is None:
            return prop, passed
        passed.append(_("{property} {what_is_wrong}", property=repr(prop), what_is_wrong=wrong))
    chosen = next((prop for prop in found if usable(table[prop])), None)
    return chosen, passed[:found.index(chosen)] if chosen else passed


def _empty(values: pd.Series) -> str | None:
    blank = int((values == "").sum())
    return n_("is empty for {n} feature", "is empty for {n} features", blank) if blank else None


def _held(country: str | None, held: frozenset[str] | None) -> str | None:
    """A resolved country, if the database holds it (None for held: no database to ask)."""
    return country if held is None or country in held else None


def _read(path, con, country=None, code_property=None, name_property=None) -> Batch:
    held = country_codes.held(con) if con is not None else None
    of = lambda v: _held(country_of(v), held)  # noqa: E731
    fields = layer_properties(path)
    codes, names, countries = candidates(fields)
    table = _attributes(path, [f for f in dict.fromkeys([*codes, *names, *countries, code_property, name_property])
                               if f in fields])
    said, passed = [], []  # what is read from which property because of its name; the properties passed over
    country_property, why = _choose(
        table, countries, lambda v: None if v.map(of).notna().all() else
        _("holds values that are no country of the database"), lambda v: v.map(of).notna().any())
    passed += why
    if country_property:
        said.append(_("countries from {property}", property=repr(country_property)))
    guessed = not (code_property and name_property)
    if not name_property:
        name_property, why = _choose(table, names, _empty)
        passed += why
        said.insert(0, _("names from {property}", property=repr(name_property)))
    if not code_property:
        def flaw(values):  # one code, one area: a code two names share is no area code (the parts share their name)
            keys = [table[country_property], values] if country_property else [values]
            many = name_property in table and table[name_property].groupby(keys).nunique().max() > 1
            return _empty(values) or (_("gives one code to areas of different names") if many else None)
        code_property, why = _choose(table, codes, flaw)
        passed += why
        said.insert(0, _("area codes from {property}", property=repr(code_property)))
    if not (code_property and name_property):
        raise fatal(path, _("boundaries need the properties that hold the area code and name; this file has: "
                            "{properties}", properties=", ".join(fields)))
    if country is None and country_property is None:
        no_country = _("the features do not say their country (no property such as adm0_a3, iso_a2, shapeGroup, "
                       "GID_0 or ADM0_PCODE names a country of the database): give the country the file covers")
        raise fatal(path, _("{reason} ({passed_over})", reason=no_country, passed_over="; ".join(passed))
                    if passed else no_country)
    batch = read_boundaries(path, code_property, name_property, country, country_property=country_property,
                            held=held)
    if said:
        if guessed:
            told = n_("read {what} (its name says so; give --code-property and --name-property to choose others)",
                      "read {what} (their names say so; give --code-property and --name-property to choose others)",
                      len(said), what=_joined(said))
        else:
            told = n_("read {what} (its name says so)", "read {what} (their names say so)", len(said),
                      what=_joined(said))
        if passed:
            told = _("{what_was_read}; passed over: {passed_over}", what_was_read=told, passed_over="; ".join(passed))
        batch.problem("warning", told, None, code_property, None)
    return batch


def _joined(items: list[str]) -> str:
    return _("{items} and {last}", items=", ".join(items[:-1]), last=items[-1]) if len(items) > 1 else items[0]


FORMAT = Format(
    name="boundaries", label=N_("Boundaries: GeoJSON, GeoPackage or zipped shapefile"), read=_read,
    recognise=lambda f: f.suffix in (".geojson", ".gpkg", ".zip", ".shp") or (f.suffix == ".json" and b'"Feature' in f.start),
    sign=N_("boundaries (GeoJSON, GeoPackage, zipped shapefile)"), order=10,
    # the country is needed only when the features do not name theirs (adm0_a3, shapeGroup, GID_0...)
    options=(COUNTRY,
             Option("code_property", N_("the property holding each area's code"), kind="property"),
             Option("name_property", N_("the property holding each area's name"), kind="property")),
    writes="boundaries", kind="reference", suffixes=(".geojson", ".json", ".gpkg", ".zip"),
)
