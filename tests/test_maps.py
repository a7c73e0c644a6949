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


def test_subnational_status_map_winds_rings_the_way_d3_reads_them_in_the_status_colours():
    import json

    from shapely.geometry import shape

    # a counter-clockwise square (RFC 7946 winding), as boundary files store it
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    units = pd.DataFrame({"area": ["X-1", "X-2"], "name": ["One", "Two"], "status": ["citizen_fills_gap", "official"],
                          "geometry": [json.dumps(square), None]})
    fig = maps.subnational_status_map(units)
    drawn = {t.name: list(t.locations) for t in fig.data}
    label = {s.code: s.label for s in STATUSES}
    assert drawn[label["citizen_fills_gap"]] == ["X-1"]
    assert sum(drawn.values(), []) == ["X-1"]  # an area without a boundary is not drawn
    assert {t.name: t.colorscale[0][1] for t in fig.data} == {s.label: s.colour for s in STATUSES}
    (feature,) = fig.data[0].geojson["features"]
    assert not shape(feature["geometry"]).exterior.is_ccw  # d3-geo takes counter-clockwise rings as the globe minus the shape
    assert shape(feature["geometry"]).equals(shape(square))
    assert fig.layout.geo.fitbounds == "locations"


def values_frame():
    """Rows as queries/latest_values_by_area.sql gives them, for one series: Kenya with both kinds, Tuvalu
    (a point) with a citizen value, France with none."""
    nan = float("nan")
    return frame().iloc[:3].assign(
        official_value=[40.0, nan, nan], official_year=[2022, None, None], official_breakdown=["Sex FEMALE", None, None],
        official_dataset=["Official stats", None, None],
        citizen_value=[44.5, 12.25, nan], citizen_year=[2022, 2024, None], citizen_breakdown=["Sex FEMALE", "whole group", None],
        citizen_dataset=["Water survey", "Island survey", None], citizen_lower=[40.1, nan, nan],
        citizen_upper=[48.9, nan, nan], citizen_sample_size=[120, 35, None],
        citizen_reliability=["reliable", "reliable", None], citizen_tier=[3, 1, None],
        difference_value=[4.5, nan, nan], difference_year=[2022, None, None], difference_official=[40.0, nan, nan],
        difference_citizen=[44.5, nan, nan])


def traces(fig, with_value: bool):
    """The traces of areas with (or without) a value: shapes and points."""
    return [t for t in fig.data if (t.name == maps.NO_VALUE) != with_value]


def test_value_map_puts_shapes_and_points_with_a_value_on_one_scale_and_the_others_in_no_data_grey():
    fig = maps.value_map(values_frame(), "citizen", "PERCENT")
    shape, point = traces(fig, True)
    assert list(shape.locations) == ["KEN"] and list(shape.z) == [44.5]
    assert list(point.customdata[:, 0]) == ["TUV"] and list(point.marker.color) == [12.25]
    assert shape.coloraxis == point.marker.coloraxis == "coloraxis"
    assert [list(stop) for stop in fig.layout.coloraxis.colorscale] == maps.VALUE_SCALE
    assert fig.layout.coloraxis.colorbar.title.text == "%"
    grey_shape, grey_point = traces(fig, False)
    assert list(grey_shape.locations) == ["FRA"] and list(grey_point.customdata[:, 0]) == []
    assert grey_shape.colorscale[0][1] == grey_shape.colorscale[-1][1] == STATUSES[-1].colour  # the no-data grey
    assert list(shape.customdata[:, 2]) == [44.5]  # the value itself, for clicks and tests


def test_value_hover_says_value_unit_year_source_and_for_citizen_data_interval_sample_reliability():
    fig = maps.value_map(values_frame(), "citizen", "PERCENT")
    kenya, tuvalu = traces(fig, True)[0].text[0], traces(fig, True)[1].text[0]
    for part in ["Kenya", "44.5% · 2022", "Water survey", "quality High", "95% interval 40.1–48.9", "sample 120",
                 "reliable", "Sex FEMALE"]:
        assert part in kenya, part
    assert "12.25% · 2024" in tuvalu and "no interval given" in tuvalu and "quality Low" in tuvalu
    official = traces(maps.value_map(values_frame(), "official", "PER_100000_POP"), True)[0].text[0]
    assert "40 per 100,000 population · 2022" in official and "Official data: Official stats" in official
    assert traces(fig, False)[0].text[0] == "<b>France</b><br>" + maps.NO_VALUE


def test_difference_map_is_diverging_around_zero():
    fig = maps.value_map(values_frame(), "difference", "PERCENT")
    assert list(traces(fig, True)[0].z) == [4.5]
    assert fig.layout.coloraxis.cmid == 0
    assert fig.layout.coloraxis.colorbar.title.text == "citizen − official (%)"
    assert "Citizen − official: +4.5% · 2022" in traces(fig, True)[0].text[0]


def test_unit_labels():
    assert maps.unit_label("PERCENT") == "%"
    assert maps.unit_label("PER_100000_POP") == "per 100,000 population"
    assert maps.unit_label("mgr/m^3") == "mgr/m^3"  # not a code: left as written
    assert maps.unit_label("") == "unit not given"


def test_importing_the_figure_modules_imports_pil_image_whole():
    """CI once showed "partially initialized module 'PIL.Image'" on a page when eight sessions drew
    their first maps at once: Plotly's encoder reads PIL.Image from sys.modules without importing it
    while another thread is importing it. A fresh interpreter shows the figure modules import it first."""
    import subprocess
    import sys

    check = ("import sys, gapmonitor.charts; m = sys.modules.get('PIL.Image'); "
             "sys.exit(0 if m is not None and hasattr(m, 'Image') else 1)")
    assert subprocess.run([sys.executable, "-c", check]).returncode == 0
