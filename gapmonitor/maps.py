"""World maps as pure functions: a DataFrame of areas in, a Plotly figure out (no Streamlit here).

Countries are drawn from the app's own topojson (static/world_110m.json, served by Streamlit, see
TOPOJSON_CONFIG), so a map never fetches shapes from the internet. Areas too small for that 1:110m
file (most small island developing States) are drawn as points, so no country with data is invisible.
"""

import html
import json
import re
from functools import cache
from pathlib import Path

import PIL.Image  # noqa: F401  (see below)
import pandas as pd
import plotly.graph_objects as go

# Plotly's JSON encoder looks up PIL.Image in sys.modules without importing it, and imports it lazily
# elsewhere: two sessions drawing their first figures at once could meet a half-imported module
# ("partially initialized module 'PIL.Image'"). Every figure module imports this one, so import it whole here.

from babel import numbers

from gapmonitor import i18n
from gapmonitor.i18n import N_, _
from gapmonitor.statuses import BY_CODE, STATUSES, TIER_LABELS

WORLD_TOPOJSON = Path(__file__).resolve().parents[1] / "static" / "world_110m.json"
# Plotly.js loads "<topojsonURL>world_110m.json"; Streamlit serves static/ at /app/static/.
TOPOJSON_CONFIG = {"topojsonURL": "/app/static/", "displaylogo": False}
NO_DATA = BY_CODE["no_data"].colour
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
        clickmode="event+select", separators=i18n.plotly_separators(),  # numbers written the language's way
    )
    return fig


def status_map(df: pd.DataFrame, height: int = 480) -> go.Figure:
    """Countries coloured by gap status (columns area, name, lat, lon, status): one trace per status,
    so the legend lists the statuses in order and clicking one hides it."""
    shapes, points = _split(df)
    fig = go.Figure()
    _status_traces(fig, shapes, points, lambda s: dict(locations=s.area, locationmode="ISO-3"))
    return _layout(fig, height)


def _status_traces(fig: go.Figure, shapes: pd.DataFrame, points: pd.DataFrame | None, place) -> None:
    """One shape trace (placed by `place(rows)`: its locations) and one point trace per status."""
    for status in STATUSES:
        s = shapes[shapes.status == status.code]
        hover = "<b>%{customdata[1]}</b><br>" + status.label + "<extra></extra>"
        fig.add_trace(go.Choropleth(
            **place(s), z=[1] * len(s), customdata=s[["area", "name"]],
            colorscale=[[0, status.colour], [1, status.colour]], showscale=False, name=status.label,
            legendgroup=status.code, showlegend=True, hovertemplate=hover,
            marker_line_color="#ffffff", marker_line_width=0.5,
        ))
        if points is not None:
            p = points[points.status == status.code]
            fig.add_trace(go.Scattergeo(
                lat=p.lat, lon=p.lon, customdata=p[["area", "name"]], mode="markers", name=status.label,
                legendgroup=status.code, showlegend=False, hovertemplate=hover,
                marker=dict(size=8, color=status.colour, line=dict(color="#555555", width=0.6)),
            ))


def coverage_map(df: pd.DataFrame, column: str, label: str, height: int = 480) -> go.Figure:
    """Countries coloured by a 0-100 coverage percentage in `column` (shapes and points share one scale)."""
    shapes, points = _split(df)
    hover = ("<b>%{customdata[1]}</b><br>" + _("{label}: {value}", label=label, value=percent("%{customdata[2]:.0f}"))
             + "<extra></extra>")
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


def _geojson(df: pd.DataFrame) -> dict:
    """The areas' boundaries (columns area, geometry as GeoJSON text) as one FeatureCollection."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": code, "geometry": _clockwise(json.loads(geometry))}
        for code, geometry in zip(df.area, df.geometry)]}


def _subnational_layout(fig: go.Figure, height: int) -> go.Figure:
    """Zoomed to the areas drawn; the world topojson under them still comes from the app, not a CDN."""
    _layout(fig, height)
    fig.update_geos(fitbounds="locations", projection_type="mercator", lataxis_range=None)
    return fig


def subnational_status_map(df: pd.DataFrame, height: int = 480) -> go.Figure:
    """Subnational areas (columns area, name, geometry as GeoJSON text, status) in the status colours of
    the world map; an area without a boundary is not drawn."""
    shaped = df[df.geometry.notna()]
    geojson = _geojson(shaped)
    fig = go.Figure()
    _status_traces(fig, shaped, None, lambda s: dict(geojson=geojson, locations=s.area))
    return _subnational_layout(fig, height)


# ---- maps of values: one series at a time, so one unit on one scale ----

# Sequential (ColorBrewer YlGnBu without its near-white end, which would read as "no data") for values;
# diverging (PuOr), centred on 0, for citizen − official.
VALUE_SCALE = [[0.0, "#edf8b1"], [0.2, "#c7e9b4"], [0.4, "#7fcdbb"], [0.6, "#41b6c4"], [0.8, "#225ea8"],
               [1.0, "#081d58"]]
DIFFERENCE_SCALE = [[0.0, "#b35806"], [0.25, "#f1a340"], [0.5, "#f7f7f7"], [0.75, "#998ec3"], [1.0, "#542788"]]
# What a value map can show: the column prefix of queries/latest_values_by_area.sql (English keys, in the
# URL) and its words (translated where shown: _(VALUE_KINDS[kind])).
VALUE_KINDS = {"official": N_("Official values"), "citizen": N_("Citizen values"), "difference": N_("Citizen − official")}
NO_VALUE = N_("No value in the period")
WHOLE_GROUP = "whole group"  # the breakdown queries/latest_values_by_area.sql gives a value of the whole group
UNIT_WORDS = {"POP": N_("population"), "NUMBER": N_("number"), "INDEX": N_("index")}  # and PERCENT: %
# What follows "per <number>" in a unit code, as a whole (word order differs between languages).
DENOMINATORS = {"POP": N_("population"), "LIVE_BIRTHS": N_("live births"), "UNINFECTED_POP": N_("uninfected population")}
# The reliability queries give a citizen estimate (gapmonitor/schema/release.sql): keys, shown in words.
RELIABILITY = {"reliable": N_("reliable"), "low reliability": N_("low reliability"), "suppressed": N_("suppressed")}


def _unit_words(code: str) -> str:
    if code in DENOMINATORS:
        return _(DENOMINATORS[code])
    return " ".join("%" if w == "PERCENT" else _(UNIT_WORDS[w]) if w in UNIT_WORDS
                    else i18n.format_number(int(w)) if w.isdigit() else w.lower() for w in code.split("_"))


def unit_label(unit: str) -> str:
    """A series unit as people read it: PERCENT -> %, PER_100000_POP -> per 100,000 population."""
    if not unit:
        return _("unit not given")
    if not re.fullmatch(r"[A-Z0-9_]+", unit):
        return unit
    per = re.fullmatch(r"PER_(\d+)_([A-Z0-9_]+)", unit)
    if per:
        return _("per {number} {denominator}", number=i18n.format_number(int(per[1])),
                 denominator=_unit_words(per[2]))
    return _unit_words(unit)


def number_text(x: float) -> str:
    """A number as hover texts write it: thousands separated, at most two decimals (the language's signs)."""
    text = numbers.format_decimal(round(x, 2), format="#,##0.##", locale=i18n.locale())
    return "0" if text in ("-0", "\u22120") else text


def percent(number: str) -> str:
    """A number written as text (or a Plotly template such as %{z:.0f}) with the percent sign where the
    language puts it: 45%, 45 %."""
    pattern = i18n.locale().percent_formats[None].pattern.split(";")[0]
    return pattern.replace("#,##0", number, 1) if "#,##0" in pattern else number + "%"


def _with_unit(x: float, unit: str, sign: bool = False) -> str:
    text = ("+" if sign and x > 0 else "") + number_text(x)
    if unit == "%":
        return percent(text)
    return text if unit == unit_label("") else f"{text} {unit}"


def _breakdown(text) -> str:
    return _("whole group") if text == WHOLE_GROUP else html.escape(str(text))


def _hover(row, kind: str, unit: str) -> str:
    """The hover text of one area (`unit` as unit_label gives it): value with unit, year, source and
    breakdown; a citizen value's interval, sample and reliability; a difference's two values."""
    head = f"<b>{html.escape(str(row.name))}</b><br>"
    value = getattr(row, f"{kind}_value")
    if pd.isna(value):
        return head + _(NO_VALUE)
    year = int(getattr(row, f"{kind}_year"))
    if kind == "difference":
        return (head + _("Citizen − official: {difference} · {year}", difference=_with_unit(value, unit, sign=True),
                         year=year) + "<br>"
                + _("citizen {citizen}, official {official}", citizen=_with_unit(row.difference_citizen, unit),
                    official=_with_unit(row.difference_official, unit)))
    text = head + f"{_with_unit(value, unit)} · {year}<br>"
    dataset = html.escape(str(getattr(row, f"{kind}_dataset")))
    if kind == "official":
        return (text + _("Official data: {dataset}", dataset=dataset) + "<br>"
                + _("Breakdown: {breakdown}", breakdown=_breakdown(row.official_breakdown)))
    interval = (_("95% interval {lower}–{upper}", lower=number_text(row.citizen_lower), upper=number_text(row.citizen_upper))
                if pd.notna(row.citizen_lower) and pd.notna(row.citizen_upper) else _("no interval given"))
    sample = (_("sample {size}", size=i18n.format_number(int(row.citizen_sample_size)))
              if pd.notna(row.citizen_sample_size) else _("sample size not given"))
    reliability = row.citizen_reliability
    reliability = _(RELIABILITY[reliability]) if reliability in RELIABILITY else reliability
    return (text + _("Citizen data: {dataset} (quality {tier})", dataset=dataset,
                     tier=TIER_LABELS.get(row.citizen_tier, "?")) + "<br>"
            + f"{interval} · {sample} · {reliability}<br>"
            + _("Breakdown: {breakdown}", breakdown=_breakdown(row.citizen_breakdown)))


def _value_traces(fig: go.Figure, shapes: pd.DataFrame, points: pd.DataFrame | None, place, kind: str,
                  unit: str) -> None:
    """Areas with a value on one colour axis; the others in the no-data grey of the status maps."""
    column = f"{kind}_value"
    for has in (True, False):
        s = shapes[shapes[column].notna() == has]
        colour = dict(coloraxis="coloraxis") if has else dict(colorscale=[[0, NO_DATA], [1, NO_DATA]], showscale=False)
        common = dict(hovertemplate="%{text}<extra></extra>", name=_(VALUE_KINDS[kind]) if has else _(NO_VALUE))
        fig.add_trace(go.Choropleth(
            **place(s), z=s[column] if has else [0] * len(s), **colour, customdata=s[["area", "name", column]],
            text=_hovers(s, kind, unit), showlegend=not has, marker_line_color="#ffffff", marker_line_width=0.5,
            **common))
        if points is not None:
            p = points[points[column].notna() == has]
            fig.add_trace(go.Scattergeo(
                lat=p.lat, lon=p.lon, customdata=p[["area", "name", column]], mode="markers",
                text=_hovers(p, kind, unit), showlegend=False, **common,
                marker=dict(size=8, line=dict(color="#555555", width=0.6),
                            **(dict(color=p[column], coloraxis="coloraxis") if has else dict(color=NO_DATA))),
            ))
    title = unit_label(unit) if kind != "difference" else _("citizen − official ({unit})", unit=unit_label(unit))
    axis = dict(colorscale=VALUE_SCALE, colorbar=dict(title=dict(text=title), thickness=12, len=0.7))
    if kind == "difference":
        axis.update(colorscale=DIFFERENCE_SCALE, cmid=0)
    fig.update_layout(coloraxis=axis)


def _hovers(df: pd.DataFrame, kind: str, unit: str) -> list[str]:
    return [_hover(row, kind, unit_label(unit)) for row in df.itertuples(index=False)]


def value_map(df: pd.DataFrame, kind: str, unit: str, height: int = 480) -> go.Figure:
    """Countries coloured by the values of one series (rows of queries/latest_values_by_area.sql for one
    series; `kind`: official, citizen or difference); countries without a value in the no-data grey."""
    shapes, points = _split(df)
    fig = go.Figure()
    _value_traces(fig, shapes, points, lambda s: dict(locations=s.area, locationmode="ISO-3"), kind, unit)
    return _layout(fig, height)


def subnational_value_map(df: pd.DataFrame, kind: str, unit: str, height: int = 480) -> go.Figure:
    """Subnational areas (the rows of value_map, with a geometry column) coloured by the values of one series."""
    shaped = df[df.geometry.notna()]
    geojson = _geojson(shaped)
    fig = go.Figure()
    _value_traces(fig, shaped, None, lambda s: dict(geojson=geojson, locations=s.area), kind, unit)
    return _subnational_layout(fig, height)
