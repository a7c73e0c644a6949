"""World maps as pure functions: a DataFrame of areas in, a Plotly figure out (no Streamlit here).

Countries are drawn from the app's own topojson (static/world_110m.json, served by Streamlit, see
TOPOJSON_CONFIG), so a map never fetches shapes from the internet. Areas too small for that 1:110m
file (most small island developing States) are drawn as points, so no country with data is invisible.
"""

import json
from functools import cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from gapmonitor.statuses import STATUSES

WORLD_TOPOJSON = Path(__file__).resolve().parents[1] / "static" / "world_110m.json"
# Plotly.js loads "<topojsonURL>world_110m.json"; Streamlit serves static/ at /app/static/.
TOPOJSON_CONFIG = {"topojsonURL": "/app/static/", "displaylogo": False}
COVERAGE_SCALE = [[0.0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"], [1.0, "#08306b"]]


@cache
def drawn_codes() -> frozenset[str]:
    """ISO alpha-3 codes of the countries the world topojson draws as shapes."""
    topo = json.loads(WORLD_TOPOJSON.read_text(encoding="utf-8"))
    return frozenset(g["id"] for g in topo["objects"]["countries"]["geometries"] if g.get("id"))


def _split(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Areas drawn as shapes, and areas drawn as points (not in the topojson, with coordinates)."""
    shapes = df["area"].isin(drawn_codes())
    return df[shapes], df[~shapes & df["lat"].notna()]


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_geos(
        projection_type="natural earth", resolution=110, showframe=False, showcoastlines=False,
        showcountries=True, countrycolor="#ffffff", showland=True, landcolor="#eeeeee",
        showocean=False, lataxis_range=[-57, 84],
    )
    fig.update_layout(
        height=height, margin=dict(l=0, r=0, t=10, b=0), dragmode=False,
        legend=dict(orientation="h", yanchor="top", y=-0.02, x=0),
        clickmode="event+select",
    )
    return fig


def status_map(df: pd.DataFrame, height: int = 480) -> go.Figure:
    """Countries coloured by gap status (columns area, name, lat, lon, status): one trace per status,
    so the legend lists the statuses in order and clicking one hides it."""
    shapes, points = _split(df)
    fig = go.Figure()
    for status in STATUSES:
        s, p = shapes[shapes.status == status.code], points[points.status == status.code]
        hover = "<b>%{customdata[1]}</b><br>" + status.label + "<extra></extra>"
        fig.add_trace(go.Choropleth(
            locations=s.area, locationmode="ISO-3", z=[1] * len(s), customdata=s[["area", "name"]],
            colorscale=[[0, status.colour], [1, status.colour]], showscale=False, name=status.label,
            legendgroup=status.code, showlegend=True, hovertemplate=hover,
            marker_line_color="#ffffff", marker_line_width=0.5,
        ))
        fig.add_trace(go.Scattergeo(
            lat=p.lat, lon=p.lon, customdata=p[["area", "name"]], mode="markers", name=status.label,
            legendgroup=status.code, showlegend=False, hovertemplate=hover,
            marker=dict(size=8, color=status.colour, line=dict(color="#555555", width=0.6)),
        ))
    return _layout(fig, height)


def coverage_map(df: pd.DataFrame, column: str, label: str, height: int = 480) -> go.Figure:
    """Countries coloured by a 0-100 coverage percentage in `column` (shapes and points share one scale)."""
    shapes, points = _split(df)
    hover = "<b>%{customdata[1]}</b><br>" + label + ": %{customdata[2]:.0f}%<extra></extra>"
    fig = go.Figure()
    fig.add_trace(go.Choropleth(
        locations=shapes.area, locationmode="ISO-3", z=shapes[column], customdata=shapes[["area", "name", column]],
        coloraxis="coloraxis", hovertemplate=hover, marker_line_color="#ffffff", marker_line_width=0.5,
        name=label,
    ))
    fig.add_trace(go.Scattergeo(
        lat=points.lat, lon=points.lon, customdata=points[["area", "name", column]], mode="markers",
        hovertemplate=hover, name=label, showlegend=False,
        marker=dict(size=8, color=points[column], coloraxis="coloraxis", line=dict(color="#555555", width=0.6)),
    ))
    fig.update_layout(coloraxis=dict(colorscale=COVERAGE_SCALE, cmin=0, cmax=100,
                                     colorbar=dict(title=dict(text="%"), thickness=12, len=0.7)))
    return _layout(fig, height)


def _clockwise(geometry: dict) -> dict:
    """GeoJSON rings wound the way d3-geo (Plotly geo) reads them: exterior rings clockwise. GeoJSON
    files wind them the other way (RFC 7946), which d3 reads as "the whole globe except this shape"."""
    from shapely.geometry import mapping, shape
    from shapely.geometry.polygon import orient

    geom = shape(geometry)
    parts = getattr(geom, "geoms", [geom])
    oriented = [orient(p, sign=-1.0) for p in parts]
    return mapping(type(geom)(oriented) if hasattr(geom, "geoms") else oriented[0])


def clicked_area(selection) -> str | None:
    """The area code of the first point clicked on a map made here (Streamlit's selection state)."""
    points = (selection or {}).get("selection", {}).get("points", [])
    if not points:
        return None
    point = points[0]
    if point.get("location"):
        return point["location"]
    data = point.get("customdata")
    return data[0] if data else None


def subnational_map(df: pd.DataFrame, column: str, label: str, height: int = 480) -> go.Figure:
    """Subnational areas (columns code, name, geometry as GeoJSON text, and `column`) coloured by a
    count, zoomed to their country; the world topojson still comes from the app, not a CDN."""
    shaped = df[df.geometry.notna()]
    features = [{"type": "Feature", "id": code, "geometry": _clockwise(json.loads(geometry))}
                for code, geometry in zip(shaped.code, shaped.geometry)]
    fig = go.Figure(go.Choropleth(
        geojson={"type": "FeatureCollection", "features": features}, locations=shaped.code,
        z=shaped[column], customdata=shaped[["code", "name", column]], colorscale=COVERAGE_SCALE[1:],
        zmin=0, marker_line_color="#ffffff", marker_line_width=0.4,
        hovertemplate="<b>%{customdata[1]}</b><br>" + label + ": %{customdata[2]}<extra></extra>",
        colorbar=dict(title=dict(text=label), thickness=12, len=0.7),
    ))
    _layout(fig, height)
    fig.update_geos(fitbounds="locations", projection_type="mercator", lataxis_range=None)
    return fig
