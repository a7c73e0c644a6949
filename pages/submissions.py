"""Submissions: a contributor follows their organisation's citizen datasets through the statistical office's
review (status, versions, the office's decisions and reasons); a steward works through the queue, opens a
submission (its estimates as publishing would release them, its history), assesses its quality and decides."""

import pandas as pd
import streamlit as st

from gapmonitor import accounts, stewardship, submissions, ui
from gapmonitor.formats import SUBJECTS
from gapmonitor.statuses import TIER_LABELS

ui.ensure_navigation()


DONE = {
    "comment": "Comment recorded.",
    "returned": "Returned: the contributor sees your reasons and can submit a new version.",
    "published": "Published: it is now on the public pages and maps.",
    "published and endorsed": "Published and endorsed: it is now on the public pages and maps.",
}


def assessment_form(dataset_id: str, info: pd.Series, by: accounts.Actor) -> None:
    """The office's quality assessment of a citizen dataset (seven criteria, participation, review status):
    the one form, here beside the decision."""
    with st.form(f"assess_{dataset_id}"):
        level = st.select_slider("Participation of citizens", options=list(stewardship.PARTICIPATION),
                                 value=int(info.participation_level), format_func=stewardship.PARTICIPATION.get)
        scores = {c: st.radio(label, list(stewardship.SCORES), index=int(info[c]), horizontal=True,
                              format_func=stewardship.SCORES.get, key=f"assess_{dataset_id}_{c}")
                  for c, label in stewardship.CRITERIA.items()}
        review = st.selectbox("Statistical office review", stewardship.REVIEW,
                              index=stewardship.REVIEW.index(info.nso_review))
        note = st.text_area("Note (evidence, caveats)", value=info.assessment_note or "")
        if st.form_submit_button("Save the assessment", type="primary"):
            try:
                stewardship.save_assessment(dataset_id, stewardship.Assessment(
                    level, **scores, nso_review=review, assessment_note=note), by=by)
            except (ValueError, accounts.NotAllowed) as e:
                st.error(str(e))
            else:
                done("Assessment saved: the quality bar on every map uses it once the dataset is published.")


def decision_form(dataset_id: str, info: pd.Series, by: accounts.Actor) -> None:
    """Comment, return with reasons, publish (and endorse): the decisions open for the dataset's status."""
    choices = list(submissions.DECISIONS) if info.status == "submitted" else ["comment"]
    with st.form(f"decide_{dataset_id}"):
        decision = st.radio("Decision", choices, horizontal=True, format_func=submissions.DECISION_LABELS.get,
                            help="Publishing puts it on every public page and map; endorsing also marks it "
                                 "as endorsed by the office (the sidebar's 'endorsed only' counts it).")
        reasons = st.text_area("Reasons", help="The contributor reads them; once the dataset is published, so does "
                               "everyone, in its review history. Required to return it.")
        private = st.text_area("Private note (the office only)", help="Never shown to the contributor or the public.")
        if st.form_submit_button("Record the decision", type="primary"):
            try:
                submissions.decide(dataset_id, by=by, decision=decision, reasons=reasons, private_note=private)
            except (ValueError, accounts.NotAllowed) as e:
                st.error(str(e))
            else:
                done(DONE[decision])


def done(message: str) -> None:
    st.session_state["submissions_done"] = message
    st.rerun()


st.title("Submissions")
by = ui.actor()
if not by.may("submit"):  # the queries show a viewer nothing anyway; say why, and how to get in
    st.error("Submissions are for contributors (civil-society organisations submitting citizen data) and the "
             "statistical office's stewards. Sign in (sidebar) with such an account.")
    st.stop()
steward = by.may("review")
if message := st.session_state.pop("submissions_done", None):
    st.success(message)
if steward:
    st.markdown("Citizen datasets sent to the office for review, the queue first, then every other citizen dataset. "
                "A submission is **not public** until you publish it: no public page, map, download or gap figure "
                "counts it. Open one to see its estimates as publishing would release them, assess it and decide.")
else:
    st.markdown(f"The citizen datasets submitted by {by.organisation or 'you'}, with the statistical office's "
                "decisions and reasons. A submission is **not public** until the office publishes it. To submit a "
                "dataset, or a new version of one returned or published, use the Data page.")
    if st.button("Submit a dataset (Data page)"):
        st.switch_page("pages/data.py")

listing = ui.query("submissions", **ui.actor_params())
if listing.empty:
    st.info("No submission yet." if steward else "Your organisation has not submitted a dataset yet.")
    st.stop()
waiting = int((listing.status == "submitted").sum())
st.markdown(f"**{waiting} waiting for review** of {len(listing)} dataset{'s' * (len(listing) != 1)}.")
table = listing.assign(status=listing.status.map(submissions.STATUS_LABELS),
                       last_decision=listing.last_decision.map(submissions.DECISION_LABELS))
st.dataframe(table[["title", "version", "status", "producer", "submitter_organisation", "submitted_at",
                    "last_decision", "last_reasons", "decided_at"]],
             hide_index=True, column_config={"submitter_organisation": "submitted by", "last_reasons": "reasons",
                                             "submitted_at": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                                             "decided_at": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})

ids = list(listing.dataset_id)
names = {r.dataset_id: f"{r.title} (version {r.version}, {submissions.STATUS_LABELS[r.status].lower()})"
         for r in listing.itertuples()}
chosen = st.selectbox("Open", ids, format_func=names.get, key="submission",
                      index=ids.index(ui.param("dataset", ids, ids[0])))
st.query_params.update(dataset=chosen)
try:
    review = ui.submission_review(chosen)
except accounts.NotAllowed as e:  # the list offers only what the actor may see; a crafted value is refused here
    st.error(str(e))
    st.stop()
info = review.info

st.header(f"{info.title} — version {int(info.version)}")
st.markdown(f"**Status:** {submissions.STATUS_LABELS[info.status]}")
decided = review.history[review.history.decision.isin(["returned", "published", "published and endorsed"])
                         & (review.history.dataset_id == chosen)]
if len(decided):  # the office's last decision on this version, in words the contributor acts on
    last = decided.iloc[-1]
    st.info(f"**{submissions.DECISION_LABELS[last.decision]}** by {last.by_organisation or last.by_name} on "
            f"{last.event_at:%Y-%m-%d}" + (f": {last.reasons}" if pd.notna(last.reasons) and last.reasons else "."))
if info.is_demo:
    st.warning(f"{ui.DEMO_NOTICE}: this producer and its numbers are invented.")
period = " to ".join(str(d)[:10] for d in (info.collection_start, info.collection_end) if pd.notna(d)) or "not given"
submitted = (f"{info.submitter_name or info.submitted_by} ({info.submitter_organisation or 'no organisation'})"
             if info.submitted_by else "imported by the office itself")
st.markdown(f"**Producer:** {info.producer} ({info.producer_type})  \n**Method:** {info.method}  \n"
            f"**Collected:** {period}  \n**Records about:** {SUBJECTS[info.subject]}  \n"
            f"**Consent basis:** {info.consent_basis or 'not given'}  \n**Licence:** {info.licence or 'not given'}  \n"
            f"**Submitted by:** {submitted}  \n**Quality tier now:** {TIER_LABELS[int(info.tier_rank)]} "
            f"(score {int(info.score)} of {stewardship.MAX_SCORE}), office review: {info.nso_review}")
if info.status == "published" and st.button("Open its public page"):
    st.switch_page("pages/citizen.py", query_params={"dataset": chosen})

st.subheader("History")
history = review.history.assign(decision=review.history.decision.map(submissions.DECISION_LABELS))
shown = ["event_at", "version", "decision", "reasons", "by_name", "by_organisation"] + (["private_note"] if steward else [])
st.dataframe(history[shown], hide_index=True,
             column_config={"event_at": st.column_config.DatetimeColumn("when", format="YYYY-MM-DD HH:mm"),
                            "by_name": "by", "by_organisation": "organisation",
                            "private_note": "private note (the office only)"})

st.subheader("Estimates as publishing would release them")
settings = ui.settings()
estimates = review.estimates
suppressed = int((estimates.reliability == "suppressed").sum())
st.caption(f"{len(estimates)} estimates. {suppressed} suppressed (fewer than {settings['min_sample_size']} "
           "respondents or records, or withheld so that one cannot be worked out from the others): no value, interval "
           f"or sample size of theirs would leave the database. "
           f"{int((estimates.reliability == 'low reliability').sum())} flagged low reliability.")
st.dataframe(estimates, hide_index=True, height=300,
             column_config={"value": st.column_config.NumberColumn(format="%.2f"),
                            "lower_bound": st.column_config.NumberColumn("95% lower", format="%.2f"),
                            "upper_bound": st.column_config.NumberColumn("95% upper", format="%.2f")})

if steward:
    st.subheader("Quality assessment")
    st.caption("Seven criteria (Copenhagen Framework on Citizen Data; national quality frameworks) and the "
               "participation of citizens give the quality tier the maps' quality bar reads (About page).")
    assessment_form(chosen, info, by)
    st.subheader("Decision")
    if info.status != "submitted":
        st.caption(f"It is {info.status}: only a comment can be added. A new version comes from its contributor.")
    decision_form(chosen, info, by)
elif info.status in submissions.REPLACEABLE:
    st.info("To send a new version, upload the changed file on the Data page and choose this dataset under "
            "'New version of'.")
