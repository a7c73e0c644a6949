"""Country profile: a country's indicators × groups with their gap status, and the citizen data on it."""

import streamlit as st

from gapmonitor import charts, maps, ui
from gapmonitor.goals import GOALS
from gapmonitor.i18n import N_, _, format_number, n_
from gapmonitor.statuses import BY_CODE, NOT_IN_DATABASE, STATUSES, TIER_LABELS

SUB_VIEWS = ["Gap status", "Values"]  # English keys, in the URL; a plain literal (tests read it)
SUB_VIEW_WORDS = (N_("Gap status"), N_("Values"))  # shown with format_func=_
NO_BOUNDARIES = N_("No boundaries for these areas yet, so no map: an editor can import them on the Data page.")
SUBNATIONAL_RULE = N_(
    "An area's status counts its own data only: official data for the whole country does not count for a "
    "district, since official statistics seldom break down by district. So an area with citizen data meeting the "
    "bar and no official value of its own is where citizen data fills the gap.")


def subnational_maps(area: str, units, rules: dict) -> None:
    """For an indicator and group with subnational values: the areas by gap status or by the values of a series."""
    indicators = ui.localised("subnational_indicators", area=area, scope=rules["scope"])
    if indicators.empty:
        st.caption(_("No values for these areas in the data shown."))
        return
    codes = list(indicators.indicator)
    named = dict(zip(indicators.indicator, indicators.title))
    c1, c2, c3 = st.columns([3, 2, 2])
    indicator = c1.selectbox(_("Indicator with subnational data"), codes, key="profile_sub_indicator",
                             index=codes.index(ui.param("sub_indicator", codes, codes[0])),
                             format_func=lambda c: f"{c} {named[c]}")
    row = indicators.set_index("indicator").loc[indicator]
    groups = ui.localised("population_groups")
    labels = dict(zip(groups.group_id, groups.label))
    expected = [g for g in groups.group_id if g in set(row.expected_groups)]
    with_data = [g for g in expected if g in set(row.groups)] or expected
    group = c2.selectbox(_("Population group"), expected, key=f"profile_sub_group_{indicator}", format_func=labels.get,
                         index=expected.index(ui.param("sub_group", expected, with_data[0])))
    view = c3.radio(_("Colour the areas by"), SUB_VIEWS, key="profile_sub_view", horizontal=True, format_func=_,
                    index=SUB_VIEWS.index(ui.param("sub_view", SUB_VIEWS, SUB_VIEWS[0])))
    st.query_params.update(sub_indicator=indicator, sub_group=group, sub_view=view)
    shapes = units.rename(columns={"code": "area"})[["area", "geometry"]]
    heading = f"**{indicator}** · {labels[group]}"
    if view == SUB_VIEWS[0]:
        _subnational_status(area, indicator, group, heading, shapes, rules)
    else:
        _subnational_values(area, indicator, group, heading, shapes, rules)


def _subnational_status(area: str, indicator: str, group: str, heading: str, shapes, rules: dict) -> None:
    """The areas in the status colours (a list where they have no boundaries), counted per status."""
    status = ui.query("subnational_status", area=area, indicator=indicator, group_id=group, **rules)
    drawn = shapes.geometry.notna().any()
    st.markdown(f"{heading} · {rules['first_year']}–{rules['last_year']}")
    if drawn:
        st.plotly_chart(ui.figure(maps.subnational_status_map, status.merge(shapes, on="area")), key="profile_sub_status",
                        config=maps.TOPOJSON_CONFIG)
        ui.map_table(status.merge(shapes, on="area"), "status")
    else:  # the statuses as a list, areas with data first
        order = {s.code: i for i, s in enumerate(STATUSES)}
        listed = status.sort_values("status", key=lambda c: c.map(order), kind="stable")
        st.caption(_(NO_BOUNDARIES))
        st.dataframe(listed.assign(status=listed.status.map(lambda s: BY_CODE[s].label))
                     .rename(columns={"name": _("Area"), "status": _("Status"), "official_values": _("Official values"),
                                      "citizen_values": _("Citizen values")}).drop(columns="area"),
                     hide_index=True, height=220)
    ui.status_counts(status.status)
    drawable = set(shapes.area[shapes.geometry.notna()])
    undrawn = status[(status.status != "no_data") & ~status.area.isin(drawable)]
    if drawn and len(undrawn):  # counted above, but with no shape to colour
        st.caption(n_("{n} area with data but no boundary, so not on the map: {areas}.",
                      "{n} areas with data but no boundary, so not on the map: {areas}.", len(undrawn),
                      areas=", ".join(undrawn.name)))
    st.caption(_(SUBNATIONAL_RULE))


def _subnational_values(area: str, indicator: str, group: str, heading: str, shapes, rules: dict) -> None:
    """The areas coloured by the values of one series (a list where they have no boundaries)."""
    values = ui.query("latest_values_by_area", indicator=indicator, group_id=group, country=area, **rules)
    period = f"{rules['first_year']}–{rules['last_year']}"
    drawn = shapes.geometry.notna().any()
    if values.empty:
        ui.no_values(_("{indicator} for this group in these areas", indicator=indicator), rules, indicator=indicator, group_id=group,
                     country=area)
        return
    series, kind = ui.series_and_kind(f"profile_sub_{indicator}_{group}", values)
    shown = values[values.series == series]
    st.markdown(f"{heading} · {series} · {_(maps.VALUE_KINDS[kind]).lower()} · {period}")
    if drawn:
        st.plotly_chart(ui.figure(maps.subnational_value_map, shown.merge(shapes, on="area"), kind, shown.unit.iloc[0]),
                        key="profile_sub_values", config=maps.TOPOJSON_CONFIG)
        ui.map_table(shown.merge(shapes, on="area"), kind, unit=shown.unit.iloc[0])
    else:
        st.caption(_(NO_BOUNDARIES))
        st.dataframe(shown[shown[kind + "_value"].notna()][["name", kind + "_value", kind + "_year"]]
                     .set_axis([_("Area"), _("Value ({unit})", unit=maps.unit_label(shown.unit.iloc[0])), _("Year")],
                               axis=1),
                     hide_index=True, height=220)
    st.caption(ui.value_caption(shown, kind, rules, areas="areas"))


ui.ensure_navigation()

countries = ui.query("countries")
codes = list(countries.code)
names = dict(zip(countries.code, countries.name))
area = st.selectbox(_("Country or area"), codes, key="profile_area", format_func=names.get,
                    index=codes.index(ui.param("area", codes, "KEN")))
st.query_params.update(area=area)
info = countries.set_index("code").loc[area]
ui.save_view("country", info["name"])

st.title(info["name"])
flags = [label for label, on in ((_("Least developed country"), info.is_ldc),
                                 (_("Landlocked developing country"), info.is_lldc),
                                 (_("Small island developing State"), info.is_sids)) if on]
st.markdown(" · ".join([f"{info.region} / {info.subregion}", f"M49 {info.m49}", f"ISO {info.iso3}", *flags]))
rules = ui.gap_controls()

matrix = ui.localised("status_by_indicator_and_group", area=area, **rules)
present = matrix[matrix.in_database]  # the cells: an indicator not in this database has none
counts = present.status.value_counts()
cols = st.columns(len(STATUSES))
for col, status in zip(cols, STATUSES):
    col.metric(status.label, int(counts.get(status.code, 0)), help=status.meaning)
in_db, listed = present.indicator.nunique(), matrix.indicator.nunique()
st.caption(n_("Cells of the {n} indicator in this database (the data shown). The other {others} with series in the "
              "catalogue are *{not_in_database}*: not counted, not even as no data.",
              "Cells of the {n} indicators in this database (the data shown). The other {others} with series in the "
              "catalogue are *{not_in_database}*: not counted, not even as no data.", in_db,
              others=format_number(listed - in_db), not_in_database=NOT_IN_DATABASE.label.lower()))

st.subheader(_("Indicators × groups"))
goals = ui.query("goals_in_database", scope=rules["scope"]).set_index("goal")
goal_options = [0] + [g.number for g in GOALS]
goal_labels = {0: _("All goals"), **{g.number: g.label + ("" if goals.in_database[g.number] else
                                                     f" · {NOT_IN_DATABASE.label.lower()}") for g in GOALS}}
chosen = st.selectbox(_("Goal"), goal_options, key="profile_goal", format_func=goal_labels.get,
                      index=goal_options.index(ui.param("goal", goal_options, 0)))
st.query_params.update(goal=str(chosen))
of_goal = matrix if chosen == 0 else matrix[matrix.goal == chosen]
shown = of_goal[of_goal.in_database]
if shown.empty:
    st.info(_("**{goal}: {not_in_database}.** None of its indicators has a series in the data shown: nothing is "
              "expected of them, so they count neither as covered nor as no data. The sidebar's *Data shown* chooses "
              "the data; the Data page imports more.", goal=goal_labels[chosen].split(" · ")[0],
              not_in_database=NOT_IN_DATABASE.label.lower()))
else:
    rows = shown.indicator + " " + shown.indicator_title.str.slice(0, 55)
    st.plotly_chart(ui.figure(
        charts.status_matrix, shown.assign(row=rows), row="row", column="group_label",
        row_order=list(dict.fromkeys(rows)), column_order=list(dict.fromkeys(shown.sort_values("group_sort").group_label)),
    ), key="profile_matrix")
    ui.status_legend()
    st.caption(_("Blank: the group is not expected for the indicator. The rules are on the About page."))
missing = list(dict.fromkeys(of_goal.indicator[~of_goal.in_database]))
if missing and chosen:
    st.caption(_("{not_in_database} (no series in the data shown): {codes}.", not_in_database=NOT_IN_DATABASE.label,
                 codes=", ".join(missing)))
table = of_goal.assign(status=of_goal.status.map(lambda s: BY_CODE[s].label))[
    ["goal", "indicator", "indicator_title", "group_label", "in_database", "status"]]
ui.download(table, f"gap_status_{area}_{rules['first_year']}-{rules['last_year']}.csv", _("Download the matrix (CSV)"),
            headers=dict(goal=N_("Goal"), indicator=N_("Indicator"), indicator_title=N_("Indicator title"),
                         group_label=N_("Group"), in_database=N_("In this database"), status=N_("Status")))

units = ui.query("subnational_areas", area=area, **rules)
if len(units):
    st.subheader(_("Subnational areas"))
    subnational_maps(area, units, rules)
    st.dataframe(units.drop(columns=["code", "geometry"]), hide_index=True, height=220,
                 column_config=ui.headers(local_code=N_("Local code"), name=N_("Area"), observations=N_("Observations"),
                                          citizen_observations=N_("Citizen observations"),
                                          indicators=N_("Indicators")))
    st.caption(n_("{n} area; observations in {period} (official and citizen).",
                  "{n} areas; observations in {period} (official and citizen).", len(units),
                  period=f"{rules['first_year']}–{rules['last_year']}"))

st.subheader(_("Citizen datasets covering this country"))
datasets = ui.query("citizen_datasets_for_area", area=area, scope=rules["scope"])
if datasets.empty:
    st.info(_("No citizen dataset in the database covers this country."))
else:
    st.dataframe(
        datasets.assign(quality=datasets.tier_rank.map(lambda rank: TIER_LABELS.get(rank)),
                        nso_review=datasets.nso_review.map(_),  # stewardship.REVIEW's keys, in words
                        page="citizen?dataset=" + datasets.dataset_id)
        .drop(columns=["dataset_id", "tier_rank", "is_demo"]),
        hide_index=True,
        column_config={**ui.headers(title=N_("Title"), producer=N_("Producer"), producer_type=N_("Producer type"),
                                    observations=N_("Observations"), suppressed=N_("Suppressed"),
                                    subnational_units=N_("Subnational units"), nso_review=N_("NSO review"),
                                    indicators=N_("Indicators"), first_year=N_("First year"),
                                    last_year=N_("Last year"), quality=N_("Quality")),
                       "page": st.column_config.LinkColumn(_("Details"), display_text=_("Open")),
                       "participation_level": st.column_config.NumberColumn(_("Participation (1-5)")),
                       "score": st.column_config.NumberColumn(_("Quality score (of 14)"))},
    )

ui.evidence_downloads("country")
