"""Submissions: a contributor follows their organisation's citizen datasets through the statistical office's
review (status, versions, the office's decisions and reasons); a steward works through the queue, opens a
submission (its estimates as publishing would release them, its history), assesses its quality and decides."""

import pandas as pd
import streamlit as st

from gapmonitor import accounts, stewardship, submissions, ui
from gapmonitor.formats import SUBJECTS
from gapmonitor.i18n import N_, _, format_number, n_
from gapmonitor.statuses import TIER_LABELS

ui.ensure_navigation()


DONE = {
    "comment": N_("Comment recorded."),
    "returned": N_("Returned: the contributor sees your reasons and can submit a new version."),
    "published": N_("Published: it is now on the public pages and maps."),
    "published and endorsed": N_("Published and endorsed: it is now on the public pages and maps."),
}
# Column headers as the tables show them (the frames keep their own names for the code).
HEADERS = {
    "title": N_("title"), "version": N_("version"), "status": N_("status"), "producer": N_("producer"),
    "last_decision": N_("last_decision"), "decision": N_("decision"), "reasons": N_("reasons"),
    "indicator": N_("indicator"), "series": N_("series"), "series_description": N_("series_description"),
    "unit": N_("unit"), "area": N_("area"), "area_name": N_("area_name"), "country": N_("country"),
    "dims": N_("dims"), "period": N_("period"), "year": N_("year"), "value": N_("value"),
    "sample_size": N_("sample_size"), "reliability": N_("reliability"),
}
DATETIME = "YYYY-MM-DD HH:mm"


def headers(df: pd.DataFrame) -> dict:
    """The frame's column names -> their headers in the session's language."""
    return {c: _(HEADERS[c]) for c in df.columns if c in HEADERS}


def assessment_form(dataset_id: str, info: pd.Series, by: accounts.Actor) -> None:
    """The office's quality assessment of a citizen dataset (seven criteria, participation, review status):
    the one form, here beside the decision."""
    with st.form(f"assess_{dataset_id}"):
        level = st.select_slider(_("Participation of citizens"), options=list(stewardship.PARTICIPATION),
                                 value=int(info.participation_level),
                                 format_func=lambda p: _(stewardship.PARTICIPATION[p]))
        scores = {c: st.radio(_(label), list(stewardship.SCORES), index=int(info[c]), horizontal=True,
                              format_func=lambda s: _(stewardship.SCORES[s]), key=f"assess_{dataset_id}_{c}")
                  for c, label in stewardship.CRITERIA.items()}
        review = st.selectbox(_("Statistical office review"), stewardship.REVIEW, format_func=_,
                              index=stewardship.REVIEW.index(info.nso_review))
        note = st.text_area(_("Note (evidence, caveats)"), value=info.assessment_note or "")
        if st.form_submit_button(_("Save the assessment"), type="primary"):
            try:
                stewardship.save_assessment(dataset_id, stewardship.Assessment(
                    level, **scores, nso_review=review, assessment_note=note), by=by)
            except (ValueError, accounts.NotAllowed) as e:
                st.error(str(e))
            else:
                done(_("Assessment saved: the quality bar on every map uses it once the dataset is published."))


def decision_form(dataset_id: str, info: pd.Series, by: accounts.Actor) -> None:
    """Comment, return with reasons, publish (and endorse): the decisions open for the dataset's status."""
    choices = list(submissions.DECISIONS) if info.status == "submitted" else ["comment"]
    with st.form(f"decide_{dataset_id}"):
        decision = st.radio(_("Decision"), choices, horizontal=True,
                            format_func=lambda d: _(submissions.DECISION_LABELS[d]),
                            help=_("Publishing puts it on every public page and map; endorsing also marks it "
                                   "as endorsed by the office (the sidebar's 'endorsed only' counts it)."))
        reasons = st.text_area(_("Reasons"), help=_("The contributor reads them; once the dataset is published, so "
                                                    "does everyone, in its review history. Required to return it."))
        private = st.text_area(_("Private note (the office only)"),
                               help=_("Never shown to the contributor or the public."))
        if st.form_submit_button(_("Record the decision"), type="primary"):
            try:
                submissions.decide(dataset_id, by=by, decision=decision, reasons=reasons, private_note=private)
            except (ValueError, accounts.NotAllowed) as e:
                st.error(str(e))
            else:
                done(_(DONE[decision]))


def done(message: str) -> None:
    st.session_state["submissions_done"] = message
    st.rerun()


st.title(_("Submissions"))
by = ui.actor()
if not by.may("submit"):  # the queries show a viewer nothing anyway; say why, and how to get in
    st.error(_("Submissions are for contributors (civil-society organisations submitting citizen data) and the "
               "statistical office's stewards. Sign in (sidebar) with such an account."))
    st.stop()
steward = by.may("review")
if message := st.session_state.pop("submissions_done", None):
    st.success(message)
if steward:
    st.markdown(_("Citizen datasets sent to the office for review, the queue first, then every other citizen "
                  "dataset. A submission is **not public** until you publish it: no public page, map, download or "
                  "gap figure counts it. Open one to see its estimates as publishing would release them, assess it "
                  "and decide."))
else:
    st.markdown(_("The citizen datasets submitted by {organisation}, with the statistical office's decisions and "
                  "reasons. A submission is **not public** until the office publishes it. To submit a dataset, or a "
                  "new version of one returned or published, use the Data page.",
                  organisation=by.organisation or _("you")))
    if st.button(_("Submit a dataset (Data page)")):
        st.switch_page("pages/data.py")

listing = ui.query("submissions", **ui.actor_params())
if listing.empty:
    st.info(_("No submission yet.") if steward else _("Your organisation has not submitted a dataset yet."))
    st.stop()
waiting = int((listing.status == "submitted").sum())
st.markdown(n_("**{waiting} waiting for review** of {n} dataset.", "**{waiting} waiting for review** of {n} datasets.",
               len(listing), waiting=format_number(waiting)))
status_labels = {status: _(label) for status, label in submissions.STATUS_LABELS.items()}
decision_labels = {decision: _(label) for decision, label in submissions.DECISION_LABELS.items()}
table = listing.assign(status=listing.status.map(status_labels),
                       last_decision=listing.last_decision.map(decision_labels))
st.dataframe(table[["title", "version", "status", "producer", "submitter_organisation", "submitted_at",
                    "last_decision", "last_reasons", "decided_at"]],
             hide_index=True, column_config={**headers(table),
                                             "submitter_organisation": _("submitted by"), "last_reasons": _("reasons"),
                                             "submitted_at": st.column_config.DatetimeColumn(_("submitted_at"),
                                                                                             format=DATETIME),
                                             "decided_at": st.column_config.DatetimeColumn(_("decided_at"),
                                                                                           format=DATETIME)})

ids = list(listing.dataset_id)
names = {r.dataset_id: _("{title} (version {version}, {status})", title=r.title, version=r.version,
                         status=status_labels[r.status].lower())
         for r in listing.itertuples()}
chosen = st.selectbox(_("Open"), ids, format_func=names.get, key="submission",
                      index=ids.index(ui.param("dataset", ids, ids[0])))
st.query_params.update(dataset=chosen)
try:
    review = ui.submission_review(chosen)
except accounts.NotAllowed as e:  # the list offers only what the actor may see; a crafted value is refused here
    st.error(str(e))
    st.stop()
info = review.info

st.header(_("{title} — version {version}", title=info.title, version=int(info.version)))
st.markdown(_("**Status:** {status}", status=status_labels[info.status]))
decided = review.history[review.history.decision.isin(["returned", "published", "published and endorsed"])
                         & (review.history.dataset_id == chosen)]
if len(decided):  # the office's last decision on this version, in words the contributor acts on
    last = decided.iloc[-1]
    words = {"decision": decision_labels[last.decision], "by": last.by_organisation or last.by_name,
             "date": f"{last.event_at:%Y-%m-%d}"}  # ISO, as the tables show it
    st.info(_("**{decision}** by {by} on {date}: {reasons}", reasons=last.reasons, **words)
            if pd.notna(last.reasons) and last.reasons else _("**{decision}** by {by} on {date}.", **words))
if info.is_demo:
    st.warning(_("{demo_notice}: this producer and its numbers are invented.", demo_notice=_(ui.DEMO_NOTICE)))
not_given = _("not given")
dates = [str(d)[:10] for d in (info.collection_start, info.collection_end) if pd.notna(d)]  # ISO: the same in every language
period = _("{start} to {end}", start=dates[0], end=dates[1]) if len(dates) == 2 else (dates[0] if dates else not_given)
submitted = (_("{name} ({organisation})", name=info.submitter_name or info.submitted_by,
               organisation=info.submitter_organisation or _("no organisation"))
             if info.submitted_by else _("imported by the office itself"))
st.markdown(_("**Producer:** {producer} ({producer_type})  \n**Method:** {method}  \n**Collected:** {period}  \n"
              "**Records about:** {subject}  \n**Consent basis:** {consent_basis}  \n**Licence:** {licence}  \n"
              "**Submitted by:** {submitted}  \n**Quality tier now:** {tier} (score {score} of {maximum}), "
              "office review: {review}",
              producer=info.producer, producer_type=info.producer_type, method=info.method, period=period,
              subject=_(SUBJECTS[info.subject]), consent_basis=info.consent_basis or not_given,
              licence=info.licence or not_given, submitted=submitted, tier=TIER_LABELS[int(info.tier_rank)],
              score=format_number(int(info.score)), maximum=format_number(stewardship.MAX_SCORE),
              review=_(info.nso_review)))
if info.status == "published" and st.button(_("Open its public page")):
    st.switch_page("pages/citizen.py", query_params={"dataset": chosen})

st.subheader(_("History"))
history = review.history.assign(decision=review.history.decision.map(decision_labels))
shown = ["event_at", "version", "decision", "reasons", "by_name", "by_organisation"] + (["private_note"] if steward else [])
st.dataframe(history[shown], hide_index=True,
             column_config={**headers(history),
                            "event_at": st.column_config.DatetimeColumn(_("when"), format=DATETIME),
                            "by_name": _("by"), "by_organisation": _("organisation"),
                            "private_note": _("private note (the office only)")})

st.subheader(_("Estimates as publishing would release them"))
settings = ui.settings()
estimates = review.estimates
suppressed = int((estimates.reliability == "suppressed").sum())
st.caption(" ".join([
    n_("{n} estimate.", "{n} estimates.", len(estimates)),
    n_("{n} suppressed (fewer than {minimum} respondents or records, or withheld so that one cannot be worked out "
       "from the others): no value, interval or sample size of theirs would leave the database.",
       "{n} suppressed (fewer than {minimum} respondents or records, or withheld so that one cannot be worked out "
       "from the others): no value, interval or sample size of theirs would leave the database.",
       suppressed, minimum=format_number(settings["min_sample_size"])),
    n_("{n} flagged low reliability.", "{n} flagged low reliability.",
       int((estimates.reliability == "low reliability").sum()))]))
st.dataframe(estimates, hide_index=True, height=300,
             column_config={**headers(estimates),
                            "value": st.column_config.NumberColumn(_("value"), format="%.2f"),
                            "lower_bound": st.column_config.NumberColumn(_("95% lower"), format="%.2f"),
                            "upper_bound": st.column_config.NumberColumn(_("95% upper"), format="%.2f")})

if steward:
    st.subheader(_("Quality assessment"))
    st.caption(_("Seven criteria (Copenhagen Framework on Citizen Data; national quality frameworks) and the "
                 "participation of citizens give the quality tier the maps' quality bar reads (About page)."))
    assessment_form(chosen, info, by)
    st.subheader(_("Decision"))
    if info.status != "submitted":
        st.caption(_("It is {status}: only a comment can be added. A new version comes from its contributor.",
                     status=_(submissions.STATUS_WORDS[info.status])))
    decision_form(chosen, info, by)
elif info.status in submissions.REPLACEABLE:
    st.info(_("To send a new version, upload the changed file on the Data page and choose this dataset under "
              "'New version of'."))
