"""Citizen data: one page per citizen dataset — what it is, how far to trust it (quality assessment and
the office's review), the gaps it fills on a map, its estimates as released, and how they compare
with official data where both exist."""

import pandas as pd
import streamlit as st

from gapmonitor import maps, stewardship, submissions, ui
from gapmonitor.formats import SUBJECTS
from gapmonitor.statuses import TIER_LABELS

ui.ensure_navigation()

st.title("Citizen data")
rules = ui.gap_controls()
datasets = ui.query("citizen_datasets", scope=rules["scope"])
if datasets.empty:
    st.info("No citizen dataset in the data shown. Editors import them on the Data page.")
    st.stop()
ids = list(datasets.dataset_id)
titles = dict(zip(datasets.dataset_id, datasets.title))
chosen = st.selectbox("Dataset", ids, key="citizen_dataset", format_func=titles.get,
                      index=ids.index(ui.param("dataset", ids, ids[0])))
st.query_params.update(dataset=chosen)
ui.save_view("citizen", titles[chosen])
info = ui.query("citizen_dataset", dataset=chosen, **rules).iloc[0]
settings = ui.settings()

st.header(info.title)
if info.is_demo:
    st.warning(f"{ui.DEMO_NOTICE}: this producer and its numbers are invented.")
period = " to ".join(str(d)[:10] for d in (info.collection_start, info.collection_end) if pd.notna(d)) or "not given"
st.markdown(f"**Producer:** {info.producer} ({info.producer_type})  \n**Method:** {info.method}  \n"
            f"**Collected:** {period}  \n**Records about:** {SUBJECTS[info.subject]}  \n"
            f"**Source:** {info.source}  \n**Licence:** {info.licence or 'not given'}")

st.subheader("Quality and review")
cols = st.columns(4)
cols[0].metric("Quality tier", TIER_LABELS[int(info.tier_rank)], help="The rule is on the About page.")
cols[1].metric("Score", f"{int(info.score)} of {stewardship.MAX_SCORE}")
cols[2].metric("Participation", f"{int(info.participation_level)} of 5",
               help=stewardship.PARTICIPATION[int(info.participation_level)])
cols[3].metric("Statistical office review", info.nso_review.capitalize())
if pd.isna(info.assessed_at) and not info.is_demo:
    st.info("Not assessed yet: until the statistical office assesses it, every criterion counts as not met "
            "(the low tier).")
criteria = pd.DataFrame({"criterion": list(stewardship.CRITERIA.values()),
                         "score": [int(info[c]) for c in stewardship.CRITERIA],
                         "judgement": [stewardship.SCORES[int(info[c])] for c in stewardship.CRITERIA]})
st.dataframe(criteria, hide_index=True)
st.caption(f"Participation: {stewardship.PARTICIPATION[int(info.participation_level)]} (Copenhagen Framework ladder). "
           + (f"Assessed by {info.assessed_by}" + (f" on {str(info.assessed_at)[:10]}" if pd.notna(info.assessed_at) else "")
              + (f": {info.assessment_note}" if info.assessment_note else "") if info.assessed_by else ""))

st.subheader("Review history")
history = ui.query("review_history", dataset=chosen)
version = int(info.version)
earlier = sorted(int(v) for v in set(history.version) if v < version)
versions = (f"**Version {version}**, the latest published. Earlier version{'s' * (len(earlier) > 1)} "
            f"{', '.join(map(str, earlier))}: returned or superseded; {'their' if len(earlier) > 1 else 'its'} "
            "decisions are below." if earlier else f"**Version {version}**, the only version published.")
st.markdown(f"**Produced by** {info.producer} ({info.producer_type}). **Licence:** {info.licence or 'not given'}. "
            f"**Consent basis:** {info.consent_basis or 'not stated'}.  \n{versions}")
st.dataframe(history.assign(decision=history.decision.map(submissions.DECISION_LABELS)), hide_index=True,
             column_config={"event_at": st.column_config.DatetimeColumn("when", format="YYYY-MM-DD HH:mm"),
                            "decision": "event", "by_organisation": "by"})
st.caption("Every submission, comment and decision of the statistical office on this dataset and its earlier "
           "versions, with the reasons given. Reviewers' private notes are the office's own and never shown.")

st.subheader("Gaps it fills")
coverage = ui.query("dataset_coverage_by_area", dataset=chosen, **rules)
if coverage.empty:
    st.info(f"No released estimate of this dataset for an expected group in {rules['first_year']}–{rules['last_year']}.")
else:
    fig = ui.figure(maps.coverage_map, coverage, "gaps_filled_pct", "Its cells with no official data")
    clicked = maps.clicked_area(ui.plotly_map(fig, key=f"citizen_map_{chosen}"))
    if clicked:
        st.switch_page("pages/country.py", query_params={"area": clicked})
    st.caption(f"Expected cells (indicator × group) it covers in {rules['first_year']}–{rules['last_year']}: "
               f"{int(coverage.cells.sum())}, of which {int(coverage.gaps_filled.sum())} have no official data. "
               + ("It meets the quality bar chosen, so these count as gaps filled on every map."
                  if info.meets_bar else "It is below the quality bar chosen: on the maps these show as citizen data below the bar."))
    ui.map_table(coverage, "gaps_filled_pct", "Its cells with no official data")
    st.dataframe(coverage.drop(columns=["area", "lat", "lon", "is_sids"]), hide_index=True)

st.subheader("Estimates as released")
estimates = ui.query("dataset_estimates", dataset=chosen)
suppressed = int((estimates.reliability == "suppressed").sum())
flagged = int((estimates.reliability == "low reliability").sum())
held = (f"{suppressed} suppressed: fewer than {settings['min_sample_size']} respondents or records, or withheld so "
        "that one cannot be worked out from the others, so no value, interval or sample size leaves the database."
        if info.subject == "people" else "None suppressed: its records are about places or things, not people.")
st.caption(f"{len(estimates)} estimates. {held} {flagged} flagged: fewer than {settings['reliable_sample_size']} "
           "records or respondents, read with care. Raw records are never stored, only estimates.")
st.dataframe(estimates, hide_index=True, height=320,
             column_config={"value": st.column_config.NumberColumn(format="%.2f"),
                            "lower_bound": st.column_config.NumberColumn("95% lower", format="%.2f"),
                            "upper_bound": st.column_config.NumberColumn("95% upper", format="%.2f")})
ui.download(estimates, f"citizen_estimates_{chosen}.csv", "Download the estimates (CSV)")

st.subheader("Official and citizen values side by side")
compared = ui.query("official_vs_citizen", dataset=chosen, scope=rules["scope"])
if compared.empty:
    st.info("No official value for the same indicator, area, group and year in the data shown.")
else:
    within = compared[compared.same_series]
    st.caption(f"{len(compared)} pairs. Of {len(within)} on the same series, the official value lies within the "
               f"citizen 95% interval in {int(within.official_within_interval.sum())}. Pairs on different series "
               "measure different things: read their difference with care.")
    st.dataframe(compared, hide_index=True, height=260)
    ui.download(compared, f"official_vs_citizen_{chosen}.csv", "Download the comparison (CSV)")

ui.evidence_downloads("citizen")

if ui.actor().may("review"):  # the office assesses and decides on the Submissions page (one form, checked there)
    if st.button("Assess this dataset or comment on it (Submissions page)"):
        st.switch_page("pages/submissions.py", query_params={"dataset": chosen})
