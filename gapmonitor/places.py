"""Points to the shapes that hold them: countries on Natural Earth's 1:10m shapes (data/reference/
world_10m.json, from npm world-atlas 2.0.2, read once per process and never fetched), or the
boundaries of a database. A point in no shape but within `snap_km` of exactly one is placed in it
(beach surveys a few hundred metres off a coastline that 1:10m draws coarsely); distances are in km
on the WGS84 ellipsoid."""

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import shapely

from gapmonitor.i18n import format_number
from gapmonitor.reference import REFERENCE

WORLD = REFERENCE / "world_10m.json"
KM_PER_DEGREE = 110.5  # a little under the shortest degree of latitude (110.57 km): km to degrees, rounded up


class Shapes:
    """Shapes to place points in, with their spatial index: each with a label (None: a shape that is
    no place of the database, such as Somaliland or Antarctica on the world map) and a name for messages."""

    def __init__(self, labels, names, geometry):
        self.labels = np.asarray(labels, dtype=object)
        self.names = np.asarray(names, dtype=object)
        self.geometry = np.asarray([_unwrapped(g) for g in geometry], dtype=object)
        self.tree = shapely.STRtree(self.geometry)


@cache
def _world(codes: frozenset) -> Shapes:
    """The 1:10m countries labelled by M49 number -> code; read, unwrapped and indexed once per process
    (per set of codes: in practice one)."""
    import geopandas as gpd

    shapes = gpd.read_file(WORLD, layer="countries")  # ids are M49 numbers as text ('004'), some none
    by_m49 = dict(codes)
    m49 = pd.to_numeric(shapes["id"], errors="coerce")
    return Shapes([by_m49.get(int(n)) if pd.notna(n) else None for n in m49], shapes["name"], shapes.geometry)


def world(con) -> Shapes:
    """The world's country shapes labelled with the database's country codes (through area.m49)."""
    return _world(frozenset(con.execute(
        "select m49, code from area where kind = 'country' and m49 is not null").fetchall()))


def km(distance: float) -> str:
    """A distance as messages give it, in the current language: '0.04 km', '1.0 km', '1,310 km' ('1 310 km' in
    French)."""
    if distance < 0.1:  # one significant digit
        text = f"{distance:.1g}"
        digits = 0 if "e" in text or "." not in text else len(text.split(".")[1])
        return f"{format_number(float(text), digits)} km"
    return f"{format_number(distance, 1 if distance < 100 else 0)} km"


@dataclass
class Place:
    """Where one point is: `label` (None: it cannot be placed) and `how`: 'in' a shape (one with no label:
    no place of the database), 'snapped' to the one within reach, 'near' only a shape with no label,
    'between' several, or 'outside' all; `near`: the shapes (name, km) it was judged by."""

    label: str | None
    how: str
    near: list[tuple[str, float]]


def locate(lon: np.ndarray, lat: np.ndarray, shapes: Shapes, snap_km: float) -> list[Place]:
    """The place of each point (arrays of degrees): the first shape that holds it, else the one shape
    within snap_km (a place with several shapes, like Australia and its reefs, is one)."""
    points = shapely.points(lon, lat)
    tree = shapes.tree
    hit_point, hit_shape = tree.query(points, predicate="intersects")
    first = pd.Series(hit_shape).groupby(hit_point).first()
    places: list[Place | None] = [None] * len(points)
    for i, j in first.items():
        places[i] = Place(shapes.labels[j], "in", [(shapes.names[j], 0.0)])
    for i in np.flatnonzero([p is None for p in places]):
        places[i] = _nearby(float(lon[i]), float(lat[i]), shapes, snap_km)
    return places


def _nearby(lon: float, lat: float, shapes: Shapes, snap_km: float) -> Place:
    """A point in no shape: the shapes within snap_km, else the nearest, with their distances."""
    near = {j: d for j, d in _distances(lon, lat, shapes, snap_km, _local(lon, lat)).items() if d <= snap_km}
    if len(near) == 1:
        (j, d), = near.items()
        return Place(shapes.labels[j], "snapped" if shapes.labels[j] is not None else "near", [(shapes.names[j], d)])
    if near:
        return Place(None, "between", sorted(((shapes.names[j], d) for j, d in near.items()), key=lambda x: x[1]))
    # none close: the nearest in degrees is at most about its distance x 111.7 km (the longest degree)
    # away, so the nearest in km lies within that circle (with a margin)
    reach = 1.2 * 111.7 * shapes.tree.query_nearest(shapely.Point(lon, lat), return_distance=True)[1][0] + 1
    found = _distances(lon, lat, shapes, reach, _local(lon, lat) if reach < 100 else _geodesic(lon, lat))
    j = min(found, key=found.get)
    return Place(None, "outside", [(shapes.names[j], found[j])])


def _distances(lon: float, lat: float, shapes: Shapes, km: float, measure) -> dict[int, float]:
    """km (by `measure`) from the point to each shape with a part in the box that holds the circle of
    `km` around it, one shape per place (a country drawn as several shapes counts once, at its nearest)."""
    dlat = min(km / KM_PER_DEGREE, 180.0)
    dlon = min(dlat / max(np.cos(np.radians(min(abs(lat) + dlat, 89.9))), 1e-6), 180.0)
    best: dict[object, tuple[int, float]] = {}
    for x in (lon, lon + 360, lon - 360):  # a box over the antimeridian looks on its other side too
        box = (x - dlon, max(lat - dlat, -90), x + dlon, min(lat + dlat, 90))
        for j in shapes.tree.query(shapely.box(*box)):
            part = shapely.clip_by_rect(shapes.geometry[j], *box)
            if part.is_empty:
                continue
            d = float(measure(part))
            place = shapes.labels[j] if shapes.labels[j] is not None else shapes.names[j]
            if place not in best or d < best[place][1]:
                best[place] = (j, d)
    return dict(best.values())


def _local(lon: float, lat: float):
    """km from the point to a shape near it, on the plane tangent to the WGS84 ellipsoid at the point
    (the radii of curvature of its latitude): within tens of km, off by metres at most."""
    a, e2 = 6378137.0, 0.00669437999014  # WGS84
    w = 1 - e2 * np.sin(np.radians(lat)) ** 2
    east, north = np.radians(1) * a / np.sqrt(w) * np.cos(np.radians(lat)), np.radians(1) * a * (1 - e2) / w ** 1.5

    def plane(xy):
        dx = (xy[:, 0] - lon + 180) % 360 - 180  # across the antimeridian too
        return np.column_stack([dx * east, (xy[:, 1] - lat) * north])

    return lambda part: shapely.distance(shapely.transform(part, plane), shapely.Point(0, 0)) / 1000


def _geodesic(lon: float, lat: float):
    """km from the point to the nearest vertex of a shape, on the WGS84 ellipsoid: for a shape 100 km
    and more away, whose 1:10m vertices lie a km or so apart, a distance to quote, not to decide by."""
    import pyproj

    geod = pyproj.Geod(ellps="WGS84")

    def measure(part):
        xy = shapely.get_coordinates(part)
        return float(np.min(geod.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])[2])) / 1000

    return measure


def _unwrapped(geometry):
    """A country that crosses the antimeridian (Fiji, Russia) as parts on either side of it: planar
    geometry would otherwise read a ring from 179.9 to -179.9 as a band around the world. Only the
    parts are kept, not dissolved: containment and distance need no more (and 1:10m's quantised rings,
    which touch themselves, are made valid only where they are cut)."""
    from shapely.geometry import box

    if geometry is None or geometry.bounds[2] - geometry.bounds[0] < 180:
        return geometry
    parts = []
    for part in shapely.get_parts(geometry):
        if part.bounds[2] - part.bounds[0] < 180:
            parts.append(part)
            continue
        shifted = shapely.make_valid(shapely.transform(part, lambda xy: xy + [[360, 0]] * (xy[:, :1] < 0)))
        parts += [shifted.intersection(box(-180, -90, 180, 90)),
                  shapely.affinity.translate(shifted.intersection(box(180, -90, 540, 90)), xoff=-360)]
    polygons = [p for p in shapely.get_parts(parts) if p.geom_type == "Polygon" and not p.is_empty]
    return shapely.MultiPolygon(polygons)
