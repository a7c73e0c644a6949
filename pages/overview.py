"""Overview: all goals at a glance, for every group."""

import streamlit as st

from gapmonitor import charts, maps, ui
from gapmonitor.goals import GOALS
from gapmonitor.i18n import N_, _, format_number
from gapmonitor.statuses import NOT_IN_DATABASE

ui.ensure_navigation()

MEASURES = {N_("With citizen data"): "with_citizen_pct", N_("Official data only"): "official_pct"}  # keys in the URL

st.title("SDG Gap Monitor")
st.markdown(_("Who is missing from the SDG data, and where can citizen-generated data fill the gap? "
              "Each cell below is the share of expected **indicator × country** cells that have data "
              "for a group in the period chosen."))
rules = ui.gap_controls()
measure = st.radio(_("Count"), list(MEASURES), horizontal=True, key="overview_measure", format_func=_,
                   index=list(MEASURES).index(ui.param("measure", list(MEASURES), "With citizen data")))
st.query_params.update(measure=measure)
column = MEASURES[measure]

st.subheader(_("Coverage by goal and group"))
goals = ui.query("goals_in_database", scope=rules["scope"])
st.markdown(_("In this database (the data shown): **{indicators} of {framework} indicators**, of {goals} of "
              "{all_goals} goals. The others are *{not_in_database}*: nothing is expected of them, so they count "
              "neither as covered nor as no data.",
              indicators=format_number(int(goals.indicators_in_database.sum())),
              framework=format_number(int(goals.framework_indicators.sum())),
              goals=int(goals.in_database.sum()), all_goals=len(goals),
              not_in_database=NOT_IN_DATABASE.label.lower()))
heat = ui.localised("coverage_by_goal_and_group", **rules)
missing = set(goals.goal[~goals.in_database])
goal_labels = {g.number: g.label + (f" · {NOT_IN_DATABASE.label.lower()}" if g.number in missing else "") for g in GOALS}
if heat.empty:
    st.info(_("**{not_in_database}.** No indicator has series in the data shown; the sidebar's *Data shown* "
              "chooses the data, and the Data page imports more.", not_in_database=NOT_IN_DATABASE.label))
else:
    heat = heat.assign(goal_label=heat.goal.map(goal_labels))
    st.plotly_chart(ui.figure(
        charts.coverage_heatmap, heat, row="goal_label", column="group_label", value=column,
        row_order=[goal_labels[g.number] for g in GOALS],
        column_order=list(dict.fromkeys(heat.sort_values("group_sort").group_label)), hover_label=_(measure),
    ), key="overview_heatmap")
    st.subheader(_("Coverage by country"))
    areas = ui.query("coverage_by_area", goal=None, **rules)
    clicked = maps.clicked_area(ui.plotly_map(ui.figure(maps.coverage_map, areas, column, _(measure)),
                                              key=f"overview_map_{column}"))
    if clicked:
        st.switch_page("pages/country.py", query_params={"area": clicked})
    st.caption(_("Share of each country's expected cells (the indicators in this database, their expected groups) "
                 "with data. Click a country to open its profile; small island States are dots."))
    ui.map_table(areas, column, _(measure))

st.subheader(_("Gaps that citizen data fills"))
filled = ui.localised("gaps_filled_by_citizen_data", **rules)
total = int(heat.filled_cells.sum()) if len(heat) else 0
st.markdown(_("Citizen data meeting the quality bar fills **{count}** expected cells that have no official data.",
              count=format_number(total)))
st.dataframe(filled.drop(columns=["dataset_id", "is_demo"]), hide_index=True,
             column_config=ui.headers(title=N_("Title"), producer=N_("Producer"), cells_filled=N_("Cells filled"),
                                      countries=N_("Countries"), groups=N_("Groups"),
                                      indicators=N_("Indicators")))
