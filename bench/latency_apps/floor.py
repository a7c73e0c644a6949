"""The floor of the interaction-latency benchmark (bench/latency.py): the goal page's and the country
page's widgets (bench/latency_apps/widgets.py) over figures built once, at the server's start, for every
choice the benchmark makes (the states listed in the JSON file LATENCY_STATES). They are built the app's
way (gapmonitor.db.query with queries/*.sql, then gapmonitor.maps.status_map or charts.status_matrix)
and kept as figure dicts that st.plotly_chart takes as they are (no validation, no copy), so a click
costs only Streamlit's rerun of this short script and Plotly's drawing in the browser. A state the
benchmark did not list draws no figure, and says so.

    GAPMONITOR_DB=bench.duckdb LATENCY_STATES=states.json streamlit run bench/latency_apps/floor.py
    (?page=country for the country page)
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import plotly.graph_objects as go  # noqa: E402
import streamlit as st  # noqa: E402

from gapmonitor import charts, db, maps  # noqa: E402
from widgets import country_control, goal_controls, sidebar_rules  # noqa: E402

RULES = ("first_year", "last_year", "min_tier", "scope", "endorsed_only")


class Kept(go.Figure):
    """A figure whose dict was made once: st.plotly_chart asks for to_dict() and gets it, unvalidated."""

    def __init__(self, kept: dict):
        super().__init__()
        self._kept = kept

    def to_dict(self):
        return self._kept


def goal_key(indicator, group, rules) -> str:
    return json.dumps(["goal", indicator, group, *(rules[k] for k in RULES)])


def country_key(area, rules) -> str:
    return json.dumps(["country", area, *(rules[k] for k in RULES)])


def country_figure(matrix) -> go.Figure:
    """The country page's status matrix (pages/country.py), all goals."""
    shown = matrix[matrix.in_database]
    rows = shown.indicator + " " + shown.indicator_title.str.slice(0, 55)
    return charts.status_matrix(
        shown.assign(row=rows), row="row", column="group_label", row_order=list(dict.fromkeys(rows)),
        column_order=list(dict.fromkeys(shown.sort_values("group_sort").group_label)))


@st.cache_resource(show_spinner=False)
def prepared() -> dict:
    """Everything the page shows, read and built once per server process."""
    spec = json.loads(Path(os.environ["LATENCY_STATES"]).read_text(encoding="utf-8"))
    con = db.connect(Path(os.environ["GAPMONITOR_DB"]))
    goal = spec["goal"]
    indicators = db.query(con, "indicators_for_goal", goal=goal, scope="all")
    indicators = indicators[indicators.in_database]
    groups = db.query(con, "population_groups")
    countries = db.query(con, "countries")
    years = db.query(con, "year_range", scope="all").iloc[0]
    figures = {}
    for s in spec["goal_states"]:
        areas = db.query(con, "gap_status_by_area", indicator=s["indicator"], group_id=s["group"], **s["rules"])
        figures[goal_key(s["indicator"], s["group"], s["rules"])] = maps.status_map(areas).to_dict()
    for s in spec["country_states"]:
        matrix = db.query(con, "status_by_indicator_and_group", area=s["area"], **s["rules"])
        figures[country_key(s["area"], s["rules"])] = country_figure(matrix).to_dict()
    con.close()
    return {
        "goal": goal, "codes": list(indicators.indicator), "titles": dict(zip(indicators.indicator, indicators.title)),
        "expected": {i: [g for g in groups.group_id if g in set(e)]
                     for i, e in zip(indicators.indicator, indicators.expected_groups)},
        "labels": dict(zip(groups.group_id, groups.label)),
        "countries": list(countries.code), "names": dict(zip(countries.code, countries.name)),
        "years": (int(years.first_year), int(years.last_year)), "figures": figures,
    }


p = prepared()
rules = sidebar_rules(*p["years"])
if st.query_params.get("page") == "country":
    area = country_control(p["countries"], p["names"])
    st.title(p["names"][area])
    kept = p["figures"].get(country_key(area, rules))
    if kept is None:
        st.warning("Not precomputed: the benchmark does not choose this state.")
    else:
        st.plotly_chart(Kept(kept), key="matrix")
else:
    st.title(f"Goal {p['goal']}")
    indicator, group, view = goal_controls(p["codes"], p["titles"], p["expected"], p["labels"])
    kept = p["figures"].get(goal_key(indicator, group, rules))
    if kept is None:
        st.warning("Not precomputed: the benchmark does not choose this state.")
    else:
        st.plotly_chart(Kept(kept), key="map", on_select="rerun", selection_mode="points", config=maps.TOPOJSON_CONFIG)
