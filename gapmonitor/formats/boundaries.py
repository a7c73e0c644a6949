"""Reader for subnational boundary files (GeoJSON, GeoPackage, zipped shapefile): code, name, WGS84 shape."""

import re
import struct
import zipfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError

from . import Batch, fatal
from .registry import COUNTRY, Format, Option

SUFFIXES = {".geojson", ".json", ".gpkg", ".zip"}
GRID = 1e-4  # coordinate rounding in degrees (~10 m): plenty for a dashboard map, halves the text


def layer_properties(path, layer: str | None = None) -> list[str]:
    """The attribute names of a boundary file, read from its header without loading geometries."""
    return [str(f) for f in _info(path, _source(path, layer), layer)["fields"]]


def read_boundaries(path, code_property: str, name_property: str, parent: str,
                    tolerance: float = 0.001, layer: str | None = None) -> Batch:
    """One boundary file as Batch.boundaries: code, name, parent, geometry in EPSG:4326, simplified."""
    path = Path(path)
    batch = Batch(file=path.name, format="boundaries")
    parent = parent.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", parent):
        raise fatal(path, "the parent country must be an ISO 3166 alpha-3 code", value=parent)
    src = _source(path, layer)
    info = _info(path, src, layer)
    fields = [str(f) for f in info["fields"]]
    for prop in dict.fromkeys((code_property, name_property)):
        if prop not in fields:
            raise fatal(path, f"no property {prop!r}; the file has: {', '.join(fields) or 'none'}", column=prop)
    try:
        gdf = pyogrio.read_dataframe(src, layer=layer, columns=list(dict.fromkeys((code_property, name_property))))
    except (RuntimeError, OSError) as e:
        raise fatal(path, f"cannot read the file: {e}") from e
    if gdf.empty:
        raise fatal(path, "the file has no features")

    if gdf.crs is None:
        batch.problem("warning", "the file has no coordinate reference system; assuming WGS84 longitude/latitude")
        gdf = gdf.set_crs(4326)
    else:
        gdf = gdf.to_crs(4326)

    rows, codes, names, areas, seen = [], [], [], [], {}
    for i, (code, name, geom) in enumerate(zip(gdf[code_property], gdf[name_property], gdf.geometry), start=1):
        code, name = _text(code), _text(name)
        area = None if geom is None or geom.is_empty else _polygonal(shapely.make_valid(geom))
        if not code:
            batch.problem("error", "feature has no code", row=i, column=code_property)
        elif code in seen:
            batch.problem("error", f"duplicate code (first at row {seen[code]})", row=i, column=code_property,
                          value=code)
        elif geom is None or geom.is_empty:
            batch.problem("error", "feature has no geometry", row=i, value=code)
        elif area is None:
            batch.problem("error", f"geometry ({geom.geom_type}) has no area", row=i, value=code)
        else:
            if not name:
                batch.problem("warning", "feature has no name; using its code", row=i, column=name_property,
                              value=code)
            if not geom.is_valid:
                batch.problem("warning", f"invalid geometry repaired ({shapely.is_valid_reason(geom)})", row=i,
                              value=code)
            rows.append(i)
            codes.append(code)
            names.append(name or code)
            areas.append(area)
        seen.setdefault(code, i)
    if not areas:
        raise fatal(path, "no feature has both a code and an area geometry")

    minx, miny, maxx, maxy = shapely.total_bounds(areas)
    if not (-180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90):
        raise fatal(path, f"coordinates ({minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f}) are not longitude/latitude: "
                          "the file's coordinate reference system is missing or wrong")

    shapes = []
    for row, code, area in zip(rows, codes, areas):
        shape = _polygonal(shapely.make_valid(
            shapely.set_precision(shapely.simplify(area, tolerance, preserve_topology=True), GRID)))
        if shape is None:
            # Too small for the grid: keep it at full detail rather than make a small place vanish.
            batch.problem("warning", "area too small to simplify; kept at full detail", row=row, value=code)
        shapes.append(area if shape is None else shape)
    batch.boundaries = gpd.GeoDataFrame(
        {"code": pd.array(codes, dtype="str"), "name": pd.array(names, dtype="str"), "parent": parent},
        geometry=shapes, crs=4326)
    return batch


def to_geojson(gdf) -> str:
    """Compact GeoJSON text of a boundaries GeoDataFrame (no feature ids, no spaces, UTF-8 names)."""
    return gdf.to_json(drop_id=True, separators=(",", ":"), ensure_ascii=False)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # numeric codes stored as reals
    return str(value).strip()


def _polygonal(geom):
    """The polygon parts of a geometry (make_valid can add stray lines or points), or None."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    return shapely.union_all(parts) if parts else None


def _info(path: Path, src: str, layer: str | None) -> dict:
    try:
        return pyogrio.read_info(src, layer=layer)
    except (RuntimeError, OSError) as e:
        if isinstance(e, DataLayerError) and layer is not None:
            raise fatal(path, f"no layer {layer!r}; the file has: {', '.join(pyogrio.list_layers(src)[:, 0])}") from e
        # GDAL names the file by its full path (an upload's is a temporary file): name it as the user does
        raise fatal(path, f"not a readable boundary file: {str(e).replace(src, path.name)}") from e


def _source(path, layer: str | None) -> str:
    """The path GDAL should open: the file itself, or the shapefile inside a zip via /vsizip/."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise fatal(path, "not a boundary file: expected .geojson, .json, .gpkg or a zipped shapefile (.zip)")
    if not path.is_file():
        raise fatal(path, "file not found")
    if suffix != ".zip":
        return str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            for name in names:
                # Never read, let alone extract, an archive that names files outside itself.
                parts = PurePosixPath(name.replace("\\", "/")).parts
                if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in parts:
                    raise fatal(path, "the zip holds a file with an unsafe path (absolute or '..')", value=name)
            shps = [n for n in names
                    if n.lower().endswith(".shp") and (layer is None or PurePosixPath(n).stem == layer)]
            if not shps:
                raise fatal(path, f"the zip holds no shapefile (.shp){'' if layer is None else f' named {layer!r}'}")
            if len(shps) > 1:
                raise fatal(path, f"the zip holds several shapefiles ({', '.join(shps)}); choose one as the layer")
            shp = shps[0]
            lower = {n.lower(): n for n in names}
            for ext in (".shx", ".dbf"):
                if shp[:-4].lower() + ext not in lower:
                    raise fatal(path, f"the zip has {shp} but no {PurePosixPath(shp).stem}{ext}")
            for member in (shp, lower[shp[:-4].lower() + ".shx"]):
                _check_length(path, zf, member)
    except zipfile.BadZipFile as e:
        raise fatal(path, f"not a readable zip file: {e}") from e
    return f"/vsizip/{path.resolve()}/{shp}"


def _check_length(path: Path, zf: zipfile.ZipFile, member: str) -> None:
    """GDAL reads a truncated .shp without error, giving empty shapes; its header says how long it must be."""
    with zf.open(member) as f:
        header = f.read(28)
    size = zf.getinfo(member).file_size
    if len(header) < 28 or struct.unpack(">i", header[24:28])[0] * 2 != size:
        raise fatal(path, f"{member} is truncated or corrupt (its size does not match its header)", value=member)


# Property pairs that name an area's code and name, as common publishers write them: the ONS convention
# (a prefix and a two-digit year: rgn17cd/rgn17nm, LAD16CD/LAD16NM), then plain pairs.
ONS = re.compile(r"(?i)([a-z]+\d{2})(cd)")
PAIRS = [("code", "name"), ("id", "name"), ("shapeISO", "shapeName"), ("ISO_3166_2", "name"), ("iso_3166_2", "name")]


def guess_properties(fields: list[str]) -> tuple[str, str] | None:
    """The (code, name) properties of a boundary file when its names say which they are: exactly one ONS
    pair (rgn17cd, rgn17nm), else one of PAIRS (case-insensitive); None when it is not clear."""
    lower = {f.lower(): f for f in fields}
    ons = [(f, lower[m.group(1).lower() + "nm"]) for f in fields
           if (m := ONS.fullmatch(f)) and m.group(1).lower() + "nm" in lower]
    if len(ons) == 1:
        return ons[0]
    for code, name in PAIRS:
        if code.lower() in lower and name.lower() in lower:
            return lower[code.lower()], lower[name.lower()]
    return None


def _read(path, con, country, code_property=None, name_property=None) -> Batch:
    fields = layer_properties(path)
    guessed = None if (code_property and name_property) else guess_properties(fields)
    if not (code_property and name_property) and guessed is None:
        raise fatal(path, "boundaries need the properties that hold the area code and name; "
                          f"this file has: {', '.join(fields)}")
    code_property, name_property = code_property or guessed[0], name_property or guessed[1]
    batch = read_boundaries(path, code_property, name_property, country)
    if guessed:
        batch.problem("warning", f"area codes read from the property {code_property!r} and names from "
                                 f"{name_property!r} (their names say so; give --code-property and --name-property "
                                 "to choose others)", None, code_property, None)
    return batch


FORMAT = Format(
    name="boundaries", label="Boundaries: GeoJSON, GeoPackage or zipped shapefile", read=_read,
    recognise=lambda f: f.suffix in (".geojson", ".gpkg", ".zip", ".shp") or (f.suffix == ".json" and b'"Feature' in f.start),
    sign="boundaries (GeoJSON, GeoPackage, zipped shapefile)", order=10,
    options=(replace(COUNTRY, required=True),
             Option("code_property", "the property holding each area's code", kind="property"),
             Option("name_property", "the property holding each area's name", kind="property")),
    writes="boundaries", kind="reference", suffixes=(".geojson", ".json", ".gpkg", ".zip"),
)
