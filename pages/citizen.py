"""Citizen data: one page per citizen dataset — what it is, how far to trust it (quality assessment and
the office's review), the gaps it fills on a map, its estimates as released, and how they compare
with official data where both exist."""

import pandas as pd
import streamlit as st

from gapmonitor import maps, stewardship, submissions, ui
from gapmonitor.formats import SUBJECTS
from gapmonitor.i18n import N_, _, format_number, n_
from gapmonitor.statuses import TIER_LABELS

# Column headers as the tables and the CSV downloads show them (the frames keep their own names for the code).
HEADERS = {
    "indicator": N_("indicator"), "series": N_("series"), "series_description": N_("series_description"),
    "unit": N_("unit"), "area": N_("area"), "area_name": N_("area_name"), "country": N_("country"),
    "dims": N_("dims"), "period": N_("period"), "year": N_("year"), "value": N_("value"),
    "lower_bound": N_("lower_bound"), "upper_bound": N_("upper_bound"), "sample_size": N_("sample_size"),
    "reliability": N_("reliability"), "group_label": N_("group_label"), "citizen_series": N_("citizen_series"),
    "citizen_value": N_("citizen_value"), "official_series": N_("official_series"),
    "official_value": N_("official_value"), "difference": N_("difference"),
    "official_within_interval": N_("official_within_interval"), "same_series": N_("same_series"),
    "name": N_("name"), "region": N_("region"), "cells": N_("cells"), "gaps_filled": N_("gaps_filled"),
    "gaps_filled_pct": N_("gaps_filled_pct"), "groups": N_("groups"), "version": N_("version"),
    "reasons": N_("reasons"),
}


def headers(df: pd.DataFrame) -> dict:
    """The frame's column names -> their headers in the session's language."""
    return {c: _(HEADERS[c]) for c in df.columns if c in HEADERS}


ui.ensure_navigation()

st.title(_("Citizen data"))
rules = ui.gap_controls()
datasets = ui.query("citizen_datasets", scope=rules["scope"])
if datasets.empty:
    st.info(_("No citizen dataset in the data shown. Editors import them on the Data page."))
    st.stop()
ids = list(datasets.dataset_id)
titles = dict(zip(datasets.dataset_id, datasets.title))
chosen = st.selectbox(_("Dataset"), ids, key="citizen_dataset", format_func=titles.get,
                      index=ids.index(ui.param("dataset", ids, ids[0])))
st.query_params.update(dataset=chosen)
ui.save_view("citizen", titles[chosen])
info = ui.query("citizen_dataset", dataset=chosen, **rules).iloc[0]
settings = ui.settings()
not_given = _("not given")

st.header(info.title)
if info.is_demo:
    st.warning(_("{demo_notice}: this producer and its numbers are invented.", demo_notice=_(ui.DEMO_NOTICE)))
dates = [str(d)[:10] for d in (info.collection_start, info.collection_end) if pd.notna(d)]
period = _("{start} to {end}", start=dates[0], end=dates[1]) if len(dates) == 2 else (dates[0] if dates else not_given)
st.markdown(_("**Producer:** {producer} ({producer_type})  \n**Method:** {method}  \n**Collected:** {period}  \n"
              "**Records about:** {subject}  \n**Source:** {source}  \n**Licence:** {licence}",
              producer=info.producer, producer_type=info.producer_type, method=info.method, period=period,
              subject=_(SUBJECTS[info.subject]), source=info.source, licence=info.licence or not_given))

st.subheader(_("Quality and review"))
cols = st.columns(4)
level = int(info.participation_level)
cols[0].metric(_("Quality tier"), TIER_LABELS[int(info.tier_rank)], help=_("The rule is on the About page."))
cols[1].metric(_("Score"), _("{value} of {maximum}", value=format_number(int(info.score)),
                             maximum=format_number(stewardship.MAX_SCORE)))
cols[2].metric(_("Participation"), _("{value} of {maximum}", value=format_number(level), maximum=format_number(5)),
               help=_(stewardship.PARTICIPATION[level]))
cols[3].metric(_("Statistical office review"), _(info.nso_review).capitalize())
if pd.isna(info.assessed_at) and not info.is_demo:
    st.info(_("Not assessed yet: until the statistical office assesses it, every criterion counts as not met "
              "(the low tier)."))
criteria = pd.DataFrame({_("criterion"): [_(c) for c in stewardship.CRITERIA.values()],
                         _("score"): [int(info[c]) for c in stewardship.CRITERIA],
                         _("judgement"): [_(stewardship.SCORES[int(info[c])]) for c in stewardship.CRITERIA]})
st.dataframe(criteria, hide_index=True)
assessed = ""
if info.assessed_by:
    assessed = (_("Assessed by {name} on {date}", name=info.assessed_by, date=str(info.assessed_at)[:10])
                if pd.notna(info.assessed_at) else _("Assessed by {name}", name=info.assessed_by))
    if info.assessment_note:
        assessed = _("{assessment}: {note}", assessment=assessed, note=info.assessment_note)
st.caption(_("Participation: {level} (Copenhagen Framework ladder).", level=_(stewardship.PARTICIPATION[level]))
           + " " + assessed)

st.subheader(_("Review history"))
history = ui.query("review_history", dataset=chosen)
version = int(info.version)
earlier = sorted(int(v) for v in set(history.version) if v < version)
versions = (n_("**Version {version}**, the latest published. Earlier version {earlier}: returned or superseded; "
               "its decisions are below.",
               "**Version {version}**, the latest published. Earlier versions {earlier}: returned or superseded; "
               "their decisions are below.", len(earlier), version=version, earlier=", ".join(map(str, earlier)))
            if earlier else _("**Version {version}**, the only version published.", version=version))
st.markdown(_("**Produced by** {producer} ({producer_type}). **Licence:** {licence}. **Consent basis:** "
              "{consent_basis}.", producer=info.producer, producer_type=info.producer_type,
              licence=info.licence or not_given, consent_basis=info.consent_basis or _("not stated"))
            + f"  \n{versions}")
events = {decision: _(label) for decision, label in submissions.DECISION_LABELS.items()}
st.dataframe(history.assign(decision=history.decision.map(events)), hide_index=True,
             column_config={**headers(history),
                            "event_at": st.column_config.DatetimeColumn(_("when"), format="YYYY-MM-DD HH:mm"),
                            "decision": _("event"), "by_organisation": _("by")})
st.caption(_("Every submission, comment and decision of the statistical office on this dataset and its earlier "
             "versions, with the reasons given. Reviewers' private notes are the office's own and never shown."))

st.subheader(_("Gaps it fills"))
coverage = ui.query("dataset_coverage_by_area", dataset=chosen, **rules)
years = {"first_year": rules["first_year"], "last_year": rules["last_year"]}
if coverage.empty:
    st.info(_("No released estimate of this dataset for an expected group in {first_year}–{last_year}.", **years))
else:
    no_official = _("Its cells with no official data")
    fig = ui.figure(maps.coverage_map, coverage, "gaps_filled_pct", no_official)
    clicked = maps.clicked_area(ui.plotly_map(fig, key=f"citizen_map_{chosen}"))
    if clicked:
        st.switch_page("pages/country.py", query_params={"area": clicked})
    st.caption(_("Expected cells (indicator × group) it covers in {first_year}–{last_year}: {cells}, of which "
                 "{gaps} have no official data.", cells=format_number(int(coverage.cells.sum())),
                 gaps=format_number(int(coverage.gaps_filled.sum())), **years)
               + " " + (_("It meets the quality bar chosen, so these count as gaps filled on every map.")
                        if info.meets_bar else
                        _("It is below the quality bar chosen: on the maps these show as citizen data below the bar.")))
    ui.map_table(coverage, "gaps_filled_pct", no_official)
    shown = coverage.drop(columns=["area", "lat", "lon", "is_sids"])
    st.dataframe(shown, hide_index=True, column_config=headers(shown))

st.subheader(_("Estimates as released"))
estimates = ui.query("dataset_estimates", dataset=chosen)
suppressed = int((estimates.reliability == "suppressed").sum())
flagged = int((estimates.reliability == "low reliability").sum())
held = (n_("{n} suppressed: fewer than {minimum} respondents or records, or withheld so that one cannot be worked "
           "out from the others, so no value, interval or sample size leaves the database.",
           "{n} suppressed: fewer than {minimum} respondents or records, or withheld so that one cannot be worked "
           "out from the others, so no value, interval or sample size leaves the database.",
           suppressed, minimum=format_number(settings["min_sample_size"]))
        if info.subject == "people" else _("None suppressed: its records are about places or things, not people."))
st.caption(" ".join([
    n_("{n} estimate.", "{n} estimates.", len(estimates)), held,
    n_("{n} flagged: fewer than {minimum} records or respondents, read with care.",
       "{n} flagged: fewer than {minimum} records or respondents, read with care.", flagged,
       minimum=format_number(settings["reliable_sample_size"])),
    _("Raw records are never stored, only estimates.")]))
st.dataframe(estimates, hide_index=True, height=320,
             column_config={**headers(estimates),
                            "value": st.column_config.NumberColumn(_("value"), format="%.2f"),
                            "lower_bound": st.column_config.NumberColumn(_("95% lower"), format="%.2f"),
                            "upper_bound": st.column_config.NumberColumn(_("95% upper"), format="%.2f")})
ui.download(estimates.rename(columns=headers(estimates)), f"citizen_estimates_{chosen}.csv",
            _("Download the estimates (CSV)"))

st.subheader(_("Official and citizen values side by side"))
compared = ui.query("official_vs_citizen", dataset=chosen, scope=rules["scope"])
if compared.empty:
    st.info(_("No official value for the same indicator, area, group and year in the data shown."))
else:
    within = compared[compared.same_series]
    st.caption(" ".join([
        n_("{n} pair.", "{n} pairs.", len(compared)),
        _("Of {same_series} on the same series, the official value lies within the citizen 95% interval in "
          "{inside}.", same_series=format_number(len(within)),
          inside=format_number(int(within.official_within_interval.sum()))),
        _("Pairs on different series measure different things: read their difference with care.")]))
    st.dataframe(compared, hide_index=True, height=260, column_config=headers(compared))
    ui.download(compared.rename(columns=headers(compared)), f"official_vs_citizen_{chosen}.csv",
                _("Download the comparison (CSV)"))

ui.evidence_downloads("citizen")

if ui.actor().may("review"):  # the office assesses and decides on the Submissions page (one form, checked there)
    if st.button(_("Assess this dataset or comment on it (Submissions page)")):
        st.switch_page("pages/submissions.py", query_params={"dataset": chosen})
