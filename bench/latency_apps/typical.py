"""The typical dashboard of the interaction-latency benchmark (bench/latency.py): the same widgets as the
goal and country pages (bench/latency_apps/widgets.py), written the way most Streamlit dashboards are.
The tables are loaded into pandas once with st.cache_data (bench/baseline.py's frames, which hold the
app's rules restated in pandas); every click reruns the whole script, filters those frames with pandas
(Baseline.gap_status_by_area, Baseline.status_by_indicator_and_group) and draws a new plotly.express
figure. No fragments, no figure caching. The world map's shapes come from the app's own topojson
(static/, served by this script's static folder), never a CDN.

    GAPMONITOR_DB=bench.duckdb streamlit run bench/latency_apps/typical.py   (?page=country for the country page)
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import plotly.express as px  # noqa: E402
import streamlit as st  # noqa: E402

from bench.baseline import Baseline  # noqa: E402
from gapmonitor.statuses import BY_CODE, STATUSES  # noqa: E402
from widgets import country_control, goal_controls, sidebar_rules  # noqa: E402

GOAL = 3
TOPOJSON = {"topojsonURL": "/app/static/", "displaylogo": False}
COLOURS = {s.code: s.colour for s in BY_CODE.values()}


@st.cache_data(show_spinner="Loading data…")
def load(path: str) -> Baseline:
    return Baseline(path)


data = load(os.environ["GAPMONITOR_DB"])
years = data.og.year
rules = sidebar_rules(int(years.min()), int(years.max()))
rules.pop("endorsed_only")  # the baseline implements the rules without the endorsed-only filter
countries = data.countries.sort_values("name")

if st.query_params.get("page") == "country":
    area = country_control(list(countries.area), dict(zip(countries.area, countries.name)))
    st.title(dict(zip(countries.area, countries.name))[area])
    matrix = data.status_by_indicator_and_group(area, **rules)
    shown = matrix[matrix.in_database].copy()
    shown["row"] = shown.indicator + " " + shown.indicator_title.str.slice(0, 55)
    codes = {s.code: i for i, s in enumerate(STATUSES)}
    grid = shown.assign(k=shown.status.map(codes)).pivot_table(index="row", columns="group_label", values="k",
                                                                aggfunc="first")
    grid = grid.reindex(index=list(dict.fromkeys(shown.row)),
                        columns=[c for c in dict.fromkeys(shown.sort_values("group_sort").group_label) if c in grid.columns])
    n = len(STATUSES)
    scale = [[edge, s.colour] for i, s in enumerate(STATUSES) for edge in (i / n, (i + 1) / n)]
    fig = px.imshow(grid, color_continuous_scale=scale, zmin=-0.5, zmax=n - 0.5, aspect="auto")
    fig.update_layout(height=max(240, 26 * len(grid.index) + 110), coloraxis_showscale=False)
    st.plotly_chart(fig)
else:
    st.title(f"Goal {GOAL}")
    indicators = data.indicators[data.indicators.goal == GOAL].sort_values("sort_key")
    indicators = indicators[indicators.code.isin(data.in_scope["all"])]
    groups = data.groups.sort_values("sort")
    expected = {i: [g for g in groups.group_id if g in set(data.expected.group_id[data.expected.indicator == i])]
                for i in indicators.code}
    indicator, group, view = goal_controls(list(indicators.code), dict(zip(indicators.code, indicators.title)),
                                           expected, dict(zip(groups.group_id, groups.label)))
    areas = data.gap_status_by_area(indicator, group, **rules)
    fig = px.choropleth(areas, locations="area", color="status", hover_name="name", color_discrete_map=COLOURS,
                        category_orders={"status": [s.code for s in STATUSES]})
    fig.update_geos(projection_type="natural earth", showframe=False, showcoastlines=False, lataxis_range=[-57, 84])
    fig.update_layout(height=480, margin=dict(l=0, r=0, t=10, b=0))
    st.plotly_chart(fig, config=TOPOJSON)
