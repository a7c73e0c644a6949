"""Country profile: a country's indicators × groups with their gap status, and the citizen data on it."""

import streamlit as st

from gapmonitor import charts, maps, ui
from gapmonitor.goals import GOALS
from gapmonitor.statuses import BY_CODE, NOT_IN_DATABASE, STATUSES, TIER_LABELS

ui.ensure_navigation()

countries = ui.query("countries")
codes = list(countries.code)
names = dict(zip(countries.code, countries.name))
area = st.selectbox("Country or area", codes, key="profile_area", format_func=names.get,
                    index=codes.index(ui.param("area", codes, "KEN")))
st.query_params.update(area=area)
info = countries.set_index("code").loc[area]

st.title(info["name"])
flags = [label for label, on in (("Least developed country", info.is_ldc), ("Landlocked developing country", info.is_lldc),
                                 ("Small island developing State", info.is_sids)) if on]
st.markdown(" · ".join([f"{info.region} / {info.subregion}", f"M49 {info.m49}", f"ISO {info.iso3}", *flags]))
rules = ui.gap_controls()

matrix = ui.query("status_by_indicator_and_group", area=area, **rules)
present = matrix[matrix.in_database]  # the cells: an indicator not in this database has none
counts = present.status.value_counts()
cols = st.columns(len(STATUSES))
for col, status in zip(cols, STATUSES):
    col.metric(status.label, int(counts.get(status.code, 0)), help=status.meaning)
in_db, listed = present.indicator.nunique(), matrix.indicator.nunique()
st.caption(f"Cells of the {in_db} indicator{'s' * (in_db != 1)} in this database (the data shown). The other "
           f"{listed - in_db} with series in the catalogue are *{NOT_IN_DATABASE.label.lower()}*: not counted, not even "
           "as no data.")

st.subheader("Indicators × groups")
goals = ui.query("goals_in_database", scope=rules["scope"]).set_index("goal")
goal_options = [0] + [g.number for g in GOALS]
goal_labels = {0: "All goals", **{g.number: g.label + ("" if goals.in_database[g.number] else
                                                     f" · {NOT_IN_DATABASE.label.lower()}") for g in GOALS}}
chosen = st.selectbox("Goal", goal_options, key="profile_goal", format_func=goal_labels.get,
                      index=goal_options.index(ui.param("goal", goal_options, 0)))
st.query_params.update(goal=str(chosen))
of_goal = matrix if chosen == 0 else matrix[matrix.goal == chosen]
shown = of_goal[of_goal.in_database]
if shown.empty:
    st.info(f"**{goal_labels[chosen].split(' · ')[0]}: {NOT_IN_DATABASE.label.lower()}.** None of its indicators "
            "has a series in the data shown: nothing is expected of them, so they count neither as covered nor as no "
            "data. The sidebar's *Data shown* chooses the data; the Data page imports more.")
else:
    rows = shown.indicator + " " + shown.indicator_title.str.slice(0, 55)
    st.plotly_chart(charts.status_matrix(
        shown.assign(row=rows), row="row", column="group_label",
        row_order=list(dict.fromkeys(rows)), column_order=list(dict.fromkeys(shown.sort_values("group_sort").group_label)),
    ), key="profile_matrix")
    ui.status_legend()
    st.caption("Blank: the group is not expected for the indicator. The rules are on the About page.")
missing = list(dict.fromkeys(of_goal.indicator[~of_goal.in_database]))
if missing and chosen:
    st.caption(f"{NOT_IN_DATABASE.label} (no series in the data shown): {', '.join(missing)}.")
table = of_goal.assign(status=of_goal.status.map(lambda s: BY_CODE[s].label))[
    ["goal", "indicator", "indicator_title", "group_label", "in_database", "status"]]
ui.download(table, f"gap_status_{area}_{rules['first_year']}-{rules['last_year']}.csv", "Download the matrix (CSV)")

units = ui.query("subnational_areas", area=area, **rules)
if len(units):
    st.subheader("Subnational areas")
    st.caption(f"{len(units)} areas; observations in {rules['first_year']}–{rules['last_year']} (official and citizen).")
    if units.geometry.notna().any():
        st.plotly_chart(maps.subnational_map(units, "observations", "Observations"), key="profile_units",
                        config=maps.TOPOJSON_CONFIG)
    else:
        st.caption("No boundaries for these areas yet: an editor can import them on the Data page.")
    st.dataframe(units.drop(columns=["code", "geometry"]), hide_index=True, height=220)

st.subheader("Citizen datasets covering this country")
datasets = ui.query("citizen_datasets_for_area", area=area, scope=rules["scope"])
if datasets.empty:
    st.info("No citizen dataset in the database covers this country.")
else:
    st.dataframe(
        datasets.assign(quality=datasets.tier_rank.map(TIER_LABELS), page="citizen?dataset=" + datasets.dataset_id)
        .drop(columns=["dataset_id", "tier_rank", "is_demo"]),
        hide_index=True,
        column_config={"page": st.column_config.LinkColumn("Details", display_text="Open"),"participation_level": st.column_config.NumberColumn("Participation (1-5)"),
                       "score": st.column_config.NumberColumn("Quality score (of 14)"),
                       "subnational_units": "Subnational units", "nso_review": "NSO review"},
    )
