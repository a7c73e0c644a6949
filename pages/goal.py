"""The goal page: one renderer for all 17 goals, driven by the goal registry."""

import html

import pandas as pd
import streamlit as st

from gapmonitor import charts, evidence, i18n, maps, ui
from gapmonitor.goals import goal as get_goal
from gapmonitor.i18n import N_, _, format_number, format_percent, n_
from gapmonitor.statuses import NOT_IN_DATABASE

VIEWS = ["Gap status", "Values", "Coverage of all indicators (%)"]  # English keys, in the URL; a plain literal
VIEW_WORDS = (N_("Gap status"), N_("Values"), N_("Coverage of all indicators (%)"))  # (tests read VIEWS as one)


def goal_page(number: int):
    """The page function of goal `number`, for st.Page."""

    def page() -> None:
        render(number)

    page.__name__ = f"goal_{number}"  # st.Page names callables by __name__
    return page


def _header(goal) -> None:
    heading = _("Goal {number} · {title}", number=goal.number, title=goal.short_title)
    st.markdown(
        f'<div style="background:{goal.colour};color:{goal.text_colour};padding:0.6rem 1rem;border-radius:6px;'
        f'font-size:1.6rem;font-weight:700">{html.escape(heading)}</div>',
        unsafe_allow_html=True,
    )
    st.markdown(f"*{goal.title}*")


def _percent(share) -> str:
    """A share as the headline shows it: whole percents, but a small share that is not nothing as 0.4%."""
    share = share or 0
    return format_percent(share, 1) if 0 < share < 1 else format_percent(share)


def _headline(summary: pd.Series) -> None:
    cols = st.columns([3, 3, 2, 2, 2])  # the first two labels are the longest
    cols[0].metric(_("Indicators in this database"),
                   _("{count} of {total}", count=format_number(int(summary.indicators_in_database)),
                     total=format_number(int(summary.framework_indicators))),
                   help=_("Indicators of this goal with some observation in the data shown, of all in the official "
                          "framework ({with_series} have series in the catalogue). The others are {not_in_database}: "
                          "they are not counted, not even as no data.",
                          with_series=format_number(int(summary.indicators_with_series)),
                          not_in_database=NOT_IN_DATABASE.label.lower()))
    cols[1].metric(_("Series in this database"),
                   _("{count} of {total}", count=format_number(int(summary.series_in_database)),
                     total=format_number(int(summary.series))),
                   help=_("Series of this goal with some observation in the data shown, of those in the catalogue."))
    if not summary.cells:  # nothing expected: a percentage of nothing would read as 0% covered
        nothing = _("{not_in_database}: no expected cells in the data shown.", not_in_database=NOT_IN_DATABASE.label)
        cols[2].metric(_("Official coverage"), "—", help=nothing)
        cols[3].metric(_("With citizen data"), "—", help=nothing)
    else:
        cols[2].metric(_("Official coverage"), _percent(summary.official_pct),
                       help=_("Share of expected cells (indicator × country × group) with official data in the period, "
                              "over the indicators in this database."))
        cols[3].metric(_("With citizen data"), _percent(summary.with_citizen_pct),
                       delta=_("+{points} pts", points=format_number(
                           (summary.with_citizen_pct or 0) - (summary.official_pct or 0), 1)),
                       help=_("Adding the cells that citizen data meeting the quality bar fills."))
    cols[4].metric(_("Citizen datasets"), int(summary.citizen_datasets))


def _not_in_database(what: str, why: str | None = None) -> None:
    """The message shown instead of a map or chart for something with no series in the data shown."""
    why = NOT_IN_DATABASE.meaning if why is None else why  # in the session's language, not the import's
    st.info(_("**{what}: {not_in_database}.** {why} The sidebar's *Data shown* chooses the data; the Data page "
              "imports more.", what=what, not_in_database=NOT_IN_DATABASE.label.lower(), why=why))


def render(number: int) -> None:
    """Draw the page of goal `number`."""
    goal = get_goal(number)
    _header(goal)
    rules = ui.gap_controls()
    _headline(ui.query("goal_summary", goal=number, **rules).iloc[0])

    indicators = ui.localised("indicators_for_goal", goal=number, scope=rules["scope"])
    present = set(indicators.indicator[indicators.in_database])
    if indicators.empty:
        st.info(_("No series of this goal are in the database yet."))
    elif not present:
        _not_in_database(_("Goal {number}", number=number),
                         _("None of its indicators has a series in the data shown: nothing is expected of them, so "
                           "the goal has no coverage figure, not 0%."))
        st.dataframe(indicators.assign(status=NOT_IN_DATABASE.label)[
                         ["indicator", "title", "series_codes", "status"]],
                     hide_index=True, column_config=ui.headers(indicator=N_("Indicator"), title=N_("Title"),
                                                               series_codes=N_("Series"), status=N_("Status")))
    else:
        missing = [c for c in indicators.indicator if c not in present]
        if missing:
            st.caption(_("{not_in_database} (no series in the data shown): {codes}.",
                         not_in_database=NOT_IN_DATABASE.label, codes=", ".join(missing)))
        groups = ui.localised("population_groups")
        ui.save_view(f"goal-{number}")  # in the sidebar, which a fragment cannot write to; titled from the view
        _indicator_view(number, rules, indicators, groups)
        _coverage_matrix(number, rules, groups)
        return
    ui.evidence_downloads(f"goal-{number}")  # a brief of an empty view says why it is empty


@st.fragment
def _indicator_view(number: int, rules: dict, indicators: pd.DataFrame, groups: pd.DataFrame) -> None:
    """The indicator, group and view controls and all they drive: the map, the series, the table and the
    evidence downloads. A fragment: choosing among them reruns this part, not the whole page (the sidebar's
    period and quality bar still rerun everything)."""
    named = dict(zip(indicators.indicator, indicators.title))
    codes = list(indicators.indicator)
    present = set(indicators.indicator[indicators.in_database])
    c1, c2, c3 = st.columns([3, 2, 2])
    first = next(c for c in codes if c in present)
    indicator = c1.selectbox(_("Indicator"), codes, key=f"g{number}_indicator",
                             index=codes.index(ui.param("indicator", codes, first)),
                             format_func=lambda c: f"{c} {named[c]}" + (
                                 "" if c in present else f" — {NOT_IN_DATABASE.label.lower()}"))
    expected = set(indicators.set_index("indicator").expected_groups[indicator])
    group_ids = [g for g in groups.group_id if g in expected]
    labels = dict(zip(groups.group_id, groups.label))
    first_group = group_ids[min(1, len(group_ids) - 1)]  # the first less visible group, if any is expected
    group = c2.selectbox(_("Population group"), group_ids, key=f"g{number}_group_{indicator}",
                         index=group_ids.index(ui.param("group", group_ids, first_group)),
                         format_func=labels.get, help=_("The groups this indicator is expected to be disaggregated by."))
    view = c3.radio(_("Colour the map by"), VIEWS, key=f"g{number}_view", format_func=_,
                    index=VIEWS.index(ui.param("view", VIEWS, VIEWS[0])))
    st.query_params.update(indicator=indicator, group=group, view=view)

    if view == VIEWS[0]:
        st.markdown(f"**{indicator}** · {labels[group]} · {rules['first_year']}–{rules['last_year']}")
        areas = ui.query("gap_status_by_area", indicator=indicator, group_id=group, **rules)
        fig = None if indicator not in present else ui.figure(maps.status_map, areas)
        table = dict(areas=areas, colour="status")
    elif view == VIEWS[1]:  # None when the group has no value in the period (it says so)
        fig, table = _value_map(number, indicator, group, labels[group], rules) if indicator in present else (None, None)
    else:
        st.markdown(_("**All indicators of Goal {number}** · share of expected cells with data, {period}",
                      number=number, period=f"{rules['first_year']}–{rules['last_year']}"))
        areas = ui.query("coverage_by_area", goal=number, **rules)
        fig = ui.figure(maps.coverage_map, areas, "with_citizen_pct", _("With citizen data"))
        table = dict(areas=areas, colour="with_citizen_pct", label=_("With citizen data"))
    if indicator not in present and view != VIEWS[2]:  # an all-grey map would read as "no data anywhere"
        _not_in_database(f"{indicator}")
    elif fig is not None:
        clicked = maps.clicked_area(ui.plotly_map(fig, key=f"g{number}_map_{indicator}_{group}_{view}"))
        if clicked:
            st.switch_page("pages/country.py", query_params={"area": clicked})
        st.caption(_("Click a country to open its profile. Small island States are drawn as dots."))
        if view == VIEWS[0]:
            ui.status_counts(areas.status)
        elif view == VIEWS[1]:
            st.caption(_("National values only: subnational estimates are on each country's page. Hover for the "
                         "year, the source and, for citizen data, the interval, sample size and reliability."))
        ui.map_table(**table)

    if indicator in present:
        _series_and_table(number, indicator, group, labels, rules)
    ui.evidence_downloads(f"goal-{number}")


def _coverage_matrix(number: int, rules: dict, groups: pd.DataFrame) -> None:
    st.subheader(_("Coverage by indicator and group"))
    matrix = ui.localised("coverage_by_indicator_and_group", goal=number, **rules)
    rows = (matrix.indicator + " " + matrix.indicator_title.str.slice(0, 60)
            + matrix.in_database.map({True: "", False: f" · {NOT_IN_DATABASE.label.lower()}"}))
    st.plotly_chart(ui.figure(
        charts.coverage_heatmap, matrix.assign(row=rows), row="row", column="group_label", value="with_citizen_pct",
        row_order=list(dict.fromkeys(rows)), column_order=list(groups.label),
        hover_label=_("Countries with data (official or citizen)"),
    ), key=f"g{number}_matrix")
    st.caption(_("Share of countries with official data, or citizen data meeting the bar, for each indicator and "
                 "expected group. Blank: the group is not expected for the indicator, or the whole row is "
                 "{not_in_database} (no series in the data shown).", not_in_database=NOT_IN_DATABASE.label.lower()))


def _value_map(number: int, indicator: str, group: str, group_label: str, rules: dict):
    """The controls and the map of the values of one series of the indicator, and what ui.map_table needs to
    list it (None, None, with a message, when the group has no value in the period)."""
    values = ui.query("latest_values_by_area", indicator=indicator, group_id=group, country=None, **rules)
    period = f"{rules['first_year']}–{rules['last_year']}"
    if values.empty:
        ui.no_values(_("{indicator} for {group}", indicator=indicator, group=group_label), rules, indicator=indicator, group_id=group, country=None)
        return None, None
    series, kind = ui.series_and_kind(f"g{number}_{indicator}", values)
    shown = values[values.series == series]
    unit = shown.unit.iloc[0]
    st.markdown(f"**{indicator}** · {group_label} · {series} · {_(maps.VALUE_KINDS[kind]).lower()} · {period}")
    st.caption(ui.value_caption(shown, kind, rules))
    return ui.figure(maps.value_map, shown, kind, unit), dict(areas=shown, colour=kind, unit=unit)


def _series_and_table(number: int, indicator: str, group: str, labels: dict, rules: dict) -> None:
    st.subheader(_("Values over time"))
    countries = ui.query("countries")
    names = dict(zip(countries.code, countries.name))
    last, scope = rules["last_year"], rules["scope"]
    with_data, richest = ui.kept(evidence.countries_observed, indicator, last, scope)  # kept: 10⁵ rows at scale
    with_data = list(with_data) or list(countries.code)
    country = st.selectbox(_("Country"), with_data, key=f"g{number}_country",
                           index=with_data.index(ui.param("country", with_data, richest or with_data[0])),
                           format_func=names.get)
    st.query_params.update(country=country)
    descriptions = ui.kept(evidence.series_descriptions, indicator, last, scope, country)
    if descriptions:
        chosen = st.selectbox(_("Series"), list(descriptions), key=f"g{number}_series_{indicator}",
                              format_func=lambda s: f"{s}: {descriptions[s]}")
        st.plotly_chart(ui.kept(evidence.time_series_figure, indicator, last, scope, country, chosen, i18n.current(),
                                figure=True), key=f"g{number}_ts")
        st.caption(_("Lines: official series. Diamonds: citizen estimates with their 95% interval."))
    else:
        st.info(_("No observations of {indicator} for {country}.", indicator=indicator, country=names[country]))

    st.subheader(_("Observations"))
    table = ui.query("observations", indicator=indicator, group_id=group, country=None,
                     first_year=rules["first_year"], last_year=rules["last_year"], scope=rules["scope"])
    st.caption(n_("{n} observation of {indicator} for {group}, {period}, official and citizen.",
                  "{n} observations of {indicator} for {group}, {period}, official and citizen.", len(table),
                  indicator=indicator, group=labels[group], period=f"{rules['first_year']}–{rules['last_year']}"))
    shown = ui.kept(_observations_in_words, indicator, group, rules["first_year"], rules["last_year"], rules["scope"],
                    i18n.current())
    st.dataframe(shown, hide_index=True, height=300, column_config=ui.headers(**OBSERVATION_HEADERS))
    ui.download(table, f"sdg_{indicator}_{group}_{rules['first_year']}-{rules['last_year']}.csv",
                headers=OBSERVATION_HEADERS)



def _observations_in_words(query, indicator: str, group: str, first_year: int, last_year: int, scope: str,
                           lang: str) -> pd.DataFrame:
    """The observations table as shown: kind and reliability in words of the language (the download keeps
    the keys)."""
    table = query("observations", indicator=indicator, group_id=group, country=None, first_year=first_year,
                  last_year=last_year, scope=scope)
    with i18n.using(lang):
        kinds, reliability = {k: _(w) for k, w in charts.KINDS.items()}, {k: _(w) for k, w in maps.RELIABILITY.items()}
    return table.assign(kind=table.kind.map(lambda k: kinds.get(k, k)),
                        reliability=table.reliability.map(lambda r: reliability.get(r, r)))


# The observations table's columns in words (an English CSV download keeps the column names: scripts read them).
OBSERVATION_HEADERS = dict(
    kind=N_("Kind"), series=N_("Series"), series_description=N_("Series description"), unit=N_("Unit"),
    area=N_("Area"), area_name=N_("Area name"), country=N_("Country"), dims=N_("Breakdown"),
    group_id=N_("Group"), year=N_("Year"), value=N_("Value"), lower_bound=N_("Lower bound"),
    upper_bound=N_("Upper bound"), sample_size=N_("Sample size"), reliability=N_("Reliability"),
    nature=N_("Nature"), dataset=N_("Dataset"), is_demo=N_("Demo data"))
