"""Maps: shapes from the app's own topojson, small states as points, clicks read back."""

import pandas as pd

from gapmonitor import maps
from gapmonitor.statuses import STATUSES


def frame():
    return pd.DataFrame({
        "area": ["KEN", "TUV", "FRA", "XXX"],
        "name": ["Kenya", "Tuvalu", "France", "Nowhere"],
        "lat": [0.1, -8.5, 46.0, None],
        "lon": [37.9, 179.2, 2.0, None],
        "status": ["official", "citizen_fills_gap", "no_data", "official"],
        "with_citizen_pct": [50.0, 25.0, 0.0, 10.0],
    })


def test_maps_load_shapes_from_the_app_not_a_cdn():
    assert maps.TOPOJSON_CONFIG["topojsonURL"] == "/app/static/"
    assert (maps.WORLD_TOPOJSON.parent.name, maps.WORLD_TOPOJSON.name) == ("static", "world_110m.json")
    # Natural Earth 1:110m draws Kenya and France (ISO_A3 -99 in the raw file) but not Tuvalu
    assert {"KEN", "FRA"} <= maps.drawn_codes() and "TUV" not in maps.drawn_codes()


def test_status_map_draws_shapes_and_points_in_the_status_colours():
    fig = maps.status_map(frame())
    shapes = {t.name: list(t.locations) for t in fig.data if t.type == "choropleth"}
    points = {t.name: list(t.customdata[:, 0]) if len(t.customdata) else [] for t in fig.data if t.type == "scattergeo"}
    label = {s.code: s.label for s in STATUSES}
    assert shapes[label["official"]] == ["KEN"] and shapes[label["no_data"]] == ["FRA"]
    assert points[label["citizen_fills_gap"]] == ["TUV"]
    # an area neither drawn nor placed (no coordinates) cannot be shown, and is not silently placed
    assert "XXX" not in sum(shapes.values(), []) + sum(points.values(), [])
    colours = {t.name: t.colorscale[0][1] for t in fig.data if t.type == "choropleth"}
    assert colours == {s.label: s.colour for s in STATUSES}
    assert all(t.locationmode == "ISO-3" for t in fig.data if t.type == "choropleth")


def test_coverage_map_shares_one_colour_scale():
    fig = maps.coverage_map(frame(), "with_citizen_pct", "With citizen data")
    choropleth, scatter = fig.data
    assert list(choropleth.z) == [50.0, 0.0] and list(scatter.marker.color) == [25.0]
    assert choropleth.coloraxis == scatter.marker.coloraxis == "coloraxis"
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (0, 100)


def test_clicked_area_reads_shapes_and_points():
    assert maps.clicked_area({"selection": {"points": [{"location": "KEN"}]}}) == "KEN"
    assert maps.clicked_area({"selection": {"points": [{"customdata": ["TUV", "Tuvalu"]}]}}) == "TUV"
    assert maps.clicked_area({"selection": {"points": []}}) is None
    assert maps.clicked_area(None) is None


def test_subnational_map_winds_rings_the_way_d3_reads_them():
    import json

    from shapely.geometry import shape

    # a counter-clockwise square (RFC 7946 winding), as boundary files store it
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    units = pd.DataFrame({"code": ["X-1", "X-2"], "name": ["One", "Two"], "observations": [3, 0],
                          "geometry": [json.dumps(square), None]})
    fig = maps.subnational_map(units, "observations", "Observations")
    (trace,) = fig.data
    assert list(trace.locations) == ["X-1"]  # an area without a boundary is not drawn
    drawn = trace.geojson["features"][0]["geometry"]
    assert not shape(drawn).exterior.is_ccw  # d3-geo takes counter-clockwise rings as the whole globe minus the shape
    assert shape(drawn).equals(shape(square))
    assert fig.layout.geo.fitbounds == "locations"
