"""Submissions and review (issue 19): a contributor's citizen dataset goes through the same preview and
import path as any file, but lands as a *submission* that no public page shows; a steward of the
statistical office then comments on it, returns it with reasons, or publishes it (and may endorse it).
A returned or published dataset can get a new version, which joins the first version's lineage; publishing
a version supersedes the one published before it. Every step is one write with its review row and its
audit entry in the same transaction. Who may follow which submission is the macro `sees_submission`
(schema/release.sql), asked by the queries of submissions with the actor's role, organisation and username."""

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from gapmonitor import accounts, db, importer, stewardship
from gapmonitor.formats import registry
from gapmonitor.accounts import Actor, NotAllowed
from gapmonitor.audit import Entry
from gapmonitor.i18n import N_, _

# The office's decisions, and the status each one gives a submission (a comment changes none).
DECISIONS = {
    "comment": None,
    "returned": "returned",
    "published": "published",
    "published and endorsed": "published",
}
# What a contributor may build a new version on: a dataset the office returned, or one it published.
REPLACEABLE = ("returned", "published")
# The statuses as a sentence names them ("<dataset> is submitted"), in English: shown with _().
STATUS_WORDS = {"submitted": N_("submitted"), "returned": N_("returned"), "published": N_("published"),
                "superseded": N_("superseded")}
# The events of a dataset's history (the view dataset_event) in the words pages show (in English: a page
# shows one with _(DECISION_LABELS[key])).
DECISION_LABELS = {
    "submitted": N_("Submitted"),
    "imported": N_("Imported and published by the office"),
    "comment": N_("Comment"),
    "returned": N_("Returned with reasons"),
    "published": N_("Published"),
    "published and endorsed": N_("Published and endorsed"),
}
# The statuses in the words pages show (likewise _(STATUS_LABELS[key])).
STATUS_LABELS = {
    "submitted": N_("Waiting for the office's review"),
    "returned": N_("Returned with reasons"),
    "published": N_("Published"),
    "superseded": N_("Superseded by a newer version"),
}


def actor_params(by: Actor) -> dict:
    """The parameters through which the queries of submissions ask `sees_submission` about this actor."""
    return {"role": by.role, "organisation": by.organisation, "username": by.username}


def submit(preview: importer.Preview, *, by: Actor, title: str, source: str, licence: str, description: dict,
           consent_basis: str, replaces: str | None = None, note: str = "", path: Path | None = None) -> str:
    """Submit a previewed citizen dataset (estimates template, raw records, a survey export) for the
    office's review; returns its dataset id. It is written whole, as any import, with status 'submitted',
    under review, and a 'submitted' row in its history; nothing public shows it until a steward publishes
    it. `replaces`: a returned or published dataset of the contributor's organisation this is a new
    version of. `note`: what the contributor tells the office (what changed, in a new version)."""
    by.require("submit", title)
    if registry.get(preview.batch.format).writes != "observations":
        raise ValueError(_("only citizen data (estimates, or records turned into estimates) can be submitted for "
                           "review"))
    about = importer.citizen_description(preview.batch, description)
    consent = (consent_basis or "").strip()
    if about["subject"] == "people" and not consent:
        raise ValueError(_("data about people needs its consent basis: how the people it is about agreed to take "
                           "part (e.g. informed consent, recorded by the enumerators)"))
    if preview.already:
        raise ValueError(_("this file is already in the database, as dataset {dataset}: a new version needs a "
                           "changed file", dataset=preview.already))
    lineage = _lineage(replaces, by, path) if replaces else None
    given = {**(description or {}), "status": "submitted", "submitted_by": by.username, "consent_basis": consent,
             "lineage": lineage, "note": (note or "").strip()}
    return importer.apply(preview, by=by, title=title, source=source, licence=licence, kind="citizen",
                          description=given, path=path)


def _lineage(replaces: str, by: Actor, path: Path | None) -> str:
    """The first version's id of the dataset a new version replaces, after checking the contributor may
    build on it: theirs or their organisation's, returned or published, with no other version waiting."""
    with db.connect(path) as con:
        found = con.execute("""
            select c.status, c.submitted_by, a.organisation, coalesce(c.lineage, c.dataset_id),
                (select max(version) from citizen_dataset as w
                 where coalesce(w.lineage, w.dataset_id) = coalesce(c.lineage, c.dataset_id) and w.status = 'submitted')
            from citizen_dataset as c
            left join account as a on a.username = c.submitted_by
            where c.dataset_id = ?""", [replaces]).fetchall()
        if not found:
            raise ValueError(_("there is no citizen dataset {dataset} to make a new version of", dataset=repr(replaces)))
        status, submitted_by, organisation, lineage, waiting = found[0]
        ours = con.execute("select sees_submission(?, ?, ?, ?, ?)",
                           [by.role, by.organisation, by.username, submitted_by, organisation]).fetchall()[0][0]
    if not ours or submitted_by is None:
        raise NotAllowed(_("{dataset} was not submitted by {organisation}: a new version can only be made of your "
                           "own organisation's datasets", dataset=replaces, organisation=by.organisation or by.username))
    if status not in REPLACEABLE:
        raise ValueError(_("{dataset} is {status}: a new version can be made of a returned or published dataset only",
                           dataset=replaces, status=_(STATUS_WORDS.get(status, status))))
    if waiting is not None:
        raise ValueError(_("version {version} of this dataset is waiting for the office's review: wait for its "
                           "decision before submitting another", version=waiting))
    return lineage


@dataclass(frozen=True)
class _Before:
    """What a decision reads before the writers' turn, and checks again inside it."""

    status: str
    version: int
    lineage: str
    published: tuple[str, ...]  # the other versions of its lineage published now


def _state(con: duckdb.DuckDBPyConnection, dataset_id: str) -> _Before | None:
    found = con.execute("""
        select c.status, c.version, coalesce(c.lineage, c.dataset_id) as lineage,
            list(o.dataset_id order by o.dataset_id) filter (where o.dataset_id is not null)
        from citizen_dataset as c
        left join citizen_dataset as o
            on coalesce(o.lineage, o.dataset_id) = coalesce(c.lineage, c.dataset_id)
            and o.status = 'published' and o.dataset_id <> c.dataset_id
        where c.dataset_id = ?
        group by all""", [dataset_id]).fetchall()
    if not found:
        return None
    status, version, lineage, published = found[0]
    return _Before(status, version, lineage, tuple(published or ()))


def decide(dataset_id: str, *, by: Actor, decision: str, reasons: str, private_note: str = "",
           path: Path | None = None) -> str:
    """Record a steward's decision on a citizen dataset; returns its status after it. 'comment' (reasons: what
    the contributor reads; or only a private note) on any dataset; on a submission waiting for review,
    'returned' (reasons required: the contributor sees them), 'published' or 'published and endorsed'
    (its review status becomes 'endorsed'). Publishing a version supersedes the one of its lineage
    published before. The review row, the audit entry and the rebuilt derived tables land in one write."""
    by.require("review", dataset_id)
    if decision not in DECISIONS:
        raise ValueError(_("a decision is one of {decisions}, not {decision}",
                           decisions=", ".join(DECISIONS), decision=repr(decision)))  # the keys
    reasons, private_note = (reasons or "").strip(), (private_note or "").strip()
    if decision == "returned" and not reasons:
        raise ValueError(_("say why it is returned: the contributor reads the reasons to prepare a new version"))
    if decision == "comment" and not (reasons or private_note):
        raise ValueError(_("a comment needs its text (for the contributor) or a private note (for the office)"))
    with db.connect(path) as con:
        before = _state(con, dataset_id)
        indicators = [i for i, in con.execute(
            "select distinct s.indicator from observation as o join series as s on s.code = o.series "
            "where o.dataset_id = ? order by 1", [dataset_id]).fetchall()]
    if before is None:
        raise ValueError(_("there is no citizen dataset {dataset}", dataset=repr(dataset_id)))
    status = DECISIONS[decision] or before.status
    if DECISIONS[decision] and before.status != "submitted":
        status_words = _(STATUS_WORDS.get(before.status, before.status))
        if decision == "returned":
            raise ValueError(_("{dataset} is {status}, not waiting for review: only a submission can be returned",
                               dataset=dataset_id, status=status_words))
        raise ValueError(_("{dataset} is {status}, not waiting for review: only a submission can be published",
                           dataset=dataset_id, status=status_words))
    publishing = status == "published" and before.status != "published"
    # Publishing changes what is released: the dataset's indicators are rebuilt, or every one when an
    # older version leaves the public data with it (the groups it made expected go too). Otherwise
    # nothing public changes.
    rebuilt = (None if before.published else indicators) if publishing else []
    entry = Entry(by, "decision", dataset_id,
                  {"decision": decision, "status": status, "version": before.version,
                   "superseded": list(before.published) if publishing else []}, reasons or None)
    with db.writing(path, indicators=rebuilt, audit=entry) as con:
        if _state(con, dataset_id) != before:  # another decision landed while this one waited for its turn
            raise ValueError(_("{dataset} changed while this decision waited: look at it again", dataset=dataset_id))
        if publishing:
            con.execute("update citizen_dataset set status = 'superseded' where list_contains(?, dataset_id)",
                        [list(before.published)])
        if decision == "published and endorsed":
            con.execute("update citizen_dataset set status = ?, nso_review = ? where dataset_id = ?",
                        [status, stewardship.REVIEW[-1], dataset_id])  # the office's review status 'endorsed'
        elif status != before.status:
            con.execute("update citizen_dataset set status = ? where dataset_id = ?", [status, dataset_id])
        con.execute("insert into review (dataset_id, by_account, decision, reasons, private_note) values (?, ?, ?, ?, ?)",
                    [dataset_id, by.username, decision, reasons or None, private_note or None])
    return status


@dataclass
class Review:
    """A submission as its reviewers and contributors follow it: its description and assessment (one row
    of queries/submission.sql), its estimates as publishing would release them, and its history."""

    info: pd.Series
    estimates: pd.DataFrame
    history: pd.DataFrame


def review(con: duckdb.DuckDBPyConnection, dataset_id: str, by: Actor) -> Review:
    """What `by` may see of a citizen dataset under review: refused (NotAllowed) when they may not follow
    it; the private notes in its history are the office's only."""
    params = {"dataset": dataset_id, **actor_params(by)}
    info = db.query(con, "submission", **params)
    if info.empty:
        raise NotAllowed(_("{name} ({role}) may not see the submission {dataset}, or there is none",
                           name=by.display_name or by.username, role=accounts.role_name(by.role),
                           dataset=repr(dataset_id)))
    return Review(info.iloc[0], db.query(con, "submission_estimates", **params),
                  db.query(con, "submission_reviews", **params))
