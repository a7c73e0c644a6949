"""What the two comparison apps of bench/latency.py share with each other and with the real pages: the
widgets' labels, kinds and places (sidebar: the period and the quality bar; main: indicator, group and
map colouring on the goal page, the country on the country page) and the start state read from the URL.
Labels are the app's (gapmonitor/ui.py, pages/goal.py, pages/country.py): the benchmark finds controls
by them, so a change there must be made here too."""

import streamlit as st

from gapmonitor.statuses import QUALITY_BARS

VIEWS = ["Gap status", "Values", "Coverage of all indicators (%)"]  # pages/goal.py VIEWS; only the first is drawn


def param(name: str, options: list, default):
    """The URL's value of `name` if it is one of the options, else the default (as gapmonitor.ui.param)."""
    value = st.query_params.get(name)
    return next((o for o in options if str(o) == value), default)


def sidebar_rules(first_year: int, last_year: int) -> dict:
    """The sidebar's gap rules, as gapmonitor.ui.gap_controls draws them (the same widgets, labels, ranges)."""
    years = list(range(last_year, first_year - 1, -1))
    bars = list(QUALITY_BARS)
    with st.sidebar:
        st.markdown("**Gap rules**")
        window = st.slider("Period window (years)", 1, 15, key="window", value=int(param("window", list(range(1, 16)), 5)))
        last = st.selectbox("Ending in", years, key="end", index=years.index(param("end", years, years[0])))
        bar = st.radio("Quality bar for citizen data", bars, key="bar", index=bars.index(param("bar", bars, "Medium")))
        endorsed = st.checkbox("Only citizen data the statistical office endorsed", key="endorsed")
    return {"first_year": last - window + 1, "last_year": last, "min_tier": QUALITY_BARS[bar], "scope": "all",
            "endorsed_only": endorsed}


def goal_controls(codes: list[str], titles: dict, expected: dict, labels: dict) -> tuple[str, str, str]:
    """Indicator, population group and map colouring, in three columns as on the goal page; the group's
    key is per indicator and its start value the URL's, as there."""
    c1, c2, c3 = st.columns([3, 2, 2])
    indicator = c1.selectbox("Indicator", codes, key="indicator", index=codes.index(param("indicator", codes, codes[0])),
                             format_func=lambda c: f"{c} {titles[c]}")
    groups = expected[indicator]
    group = c2.selectbox("Population group", groups, key=f"group_{indicator}", format_func=labels.get,
                         index=groups.index(param("group", groups, groups[min(1, len(groups) - 1)])))
    view = c3.radio("Colour the map by", VIEWS, key="view", index=VIEWS.index(param("view", VIEWS, VIEWS[0])))
    return indicator, group, view


def country_control(codes: list[str], names: dict) -> str:
    return st.selectbox("Country or area", codes, key="area", format_func=names.get,
                        index=codes.index(param("area", codes, codes[0])))
