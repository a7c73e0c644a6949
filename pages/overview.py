"""Overview: all goals at a glance, for every group."""

import streamlit as st

from gapmonitor import charts, maps, ui
from gapmonitor.goals import GOALS
from gapmonitor.statuses import NOT_IN_DATABASE

ui.ensure_navigation()

MEASURES = {"With citizen data": "with_citizen_pct", "Official data only": "official_pct"}

st.title("SDG Gap Monitor")
st.markdown("Who is missing from the SDG data, and where can citizen-generated data fill the gap? "
            "Each cell below is the share of expected **indicator × country** cells that have data "
            "for a group in the period chosen.")
rules = ui.gap_controls()
measure = st.radio("Count", list(MEASURES), horizontal=True, key="overview_measure",
                   index=list(MEASURES).index(ui.param("measure", list(MEASURES), "With citizen data")))
st.query_params.update(measure=measure)
column = MEASURES[measure]

st.subheader("Coverage by goal and group")
goals = ui.query("goals_in_database", scope=rules["scope"])
st.markdown(f"In this database (the data shown): **{int(goals.indicators_in_database.sum())} of "
            f"{int(goals.framework_indicators.sum())} indicators**, of {int(goals.in_database.sum())} of {len(goals)} goals. "
            f"The others are *{NOT_IN_DATABASE.label.lower()}*: nothing is expected of them, so they count neither "
            "as covered nor as no data.")
heat = ui.query("coverage_by_goal_and_group", **rules)
missing = set(goals.goal[~goals.in_database])
goal_labels = {g.number: g.label + (f" · {NOT_IN_DATABASE.label.lower()}" if g.number in missing else "") for g in GOALS}
if heat.empty:
    st.info(f"**{NOT_IN_DATABASE.label}.** No indicator has series in the data shown; the sidebar's *Data shown* "
            "chooses the data, and the Data page imports more.")
else:
    heat = heat.assign(goal_label=heat.goal.map(goal_labels))
    st.plotly_chart(ui.figure(
        charts.coverage_heatmap, heat, row="goal_label", column="group_label", value=column,
        row_order=[goal_labels[g.number] for g in GOALS],
        column_order=list(dict.fromkeys(heat.sort_values("group_sort").group_label)), hover_label=measure,
    ), key="overview_heatmap")
    st.subheader("Coverage by country")
    areas = ui.query("coverage_by_area", goal=None, **rules)
    clicked = maps.clicked_area(ui.plotly_map(ui.figure(maps.coverage_map, areas, column, measure), key=f"overview_map_{column}"))
    if clicked:
        st.switch_page("pages/country.py", query_params={"area": clicked})
    st.caption("Share of each country's expected cells (the indicators in this database, their expected groups) "
               "with data. Click a country to open its profile; small island States are dots.")
    ui.map_table(areas, column, measure)

st.subheader("Gaps that citizen data fills")
filled = ui.query("gaps_filled_by_citizen_data", **rules)
total = int(heat.filled_cells.sum()) if len(heat) else 0
st.markdown(f"Citizen data meeting the quality bar fills **{total:,}** expected cells that have no official data.")
st.dataframe(filled.drop(columns=["dataset_id", "is_demo"]), hide_index=True,
             column_config={"cells_filled": "Cells filled", "countries": "Countries"})
