"""Submissions and review (gapmonitor/submissions.py): a contributor submits, a steward returns with
reasons or publishes, versions follow one another; who sees what; bad input refused with nothing written."""

import csv
import hashlib
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from gapmonitor import accounts, db, importer, submissions
from gapmonitor.accounts import Actor, NotAllowed

TEMPLATE = db.ROOT / "data" / "templates" / "citizen_data_template.csv"
ABOUT = {"producer": "Lakeshore Water Monitors", "producer_type": "Community-based organisation",
         "method": "Household survey by trained volunteers"}
PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(fresh) -> dict[str, Actor]:
    """Accounts in the test database: two contributors of one organisation, one of another, a steward."""
    admin = accounts.command_line()
    made = {}
    for username, role, organisation in [("amina", "contributor", "Lakeshore Water Monitors"),
                                         ("bwalya", "contributor", "Lakeshore Water Monitors"),
                                         ("chidi", "contributor", "Another Network"),
                                         ("grace", "steward", "National Statistical Office")]:
        accounts.create_account(admin, username, username.capitalize(), role, PASSWORD, organisation, path=fresh)
        made[username] = Actor(username, role, organisation, username.capitalize())
    return made


def preview(path: Path, file: Path):
    with db.connect(path) as con:
        return importer.load(con, file, name=file.name)


def changed_template(tmp_path: Path, value: str) -> Path:
    """The template with the national estimate's value changed (a new version of the same data)."""
    rows = list(csv.reader(TEMPLATE.open(encoding="utf-8")))
    rows[1][rows[0].index("value")] = value
    out = tmp_path / f"template_{value}.csv"
    with out.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return out


def submit(path: Path, by: Actor, file: Path = TEMPLATE, **given) -> str:
    return submissions.submit(preview(path, file), by=by, title=given.pop("title", "Water at home, Malawi"),
                              source="Lakeshore Water Monitors", licence="CC BY 4.0", description=ABOUT,
                              consent_basis=given.pop("consent_basis", "Informed consent, recorded by enumerators"),
                              path=path, **given)


def one(path: Path, sql: str, params: list | None = None):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def listed(path: Path, name: str, **params):
    with db.connect(path) as con:
        return db.query(con, name, **params)


def as_params(by: Actor) -> dict:
    return submissions.actor_params(by)


def plain(column) -> list:
    """A column's values with every missing one as None (pandas reads a null text as NaN or None)."""
    return [None if pd.isna(x) else x for x in column]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def template_rows() -> int:
    with TEMPLATE.open(encoding="utf-8") as f:
        return sum(1 for _ in csv.DictReader(f))


def test_a_submission_is_written_whole_and_kept_from_the_public(fresh, people):
    dataset = submit(fresh, people["amina"], note="First collection round")
    assert one(fresh, "select status, nso_review, submitted_by, lineage, version, consent_basis from citizen_dataset "
                      "where dataset_id = ?", [dataset]) == \
        [("submitted", "under review", "amina", None, 1, "Informed consent, recorded by enumerators")]
    assert one(fresh, "select count(*) from observation where dataset_id = ?", [dataset]) == [(template_rows(),)]
    assert one(fresh, "select by_account, decision, reasons from review where dataset_id = ?", [dataset]) == \
        [("amina", "submitted", "First collection round")]
    assert one(fresh, "select actor, role, action, target from audit_log where target = ?", [dataset]) == \
        [("amina", "contributor", "import", dataset)]
    # nothing public holds it
    assert one(fresh, "select count(*) from released_observation where dataset_id = ?", [dataset]) == [(0,)]
    assert dataset not in set(listed(fresh, "data_sources").dataset_id)
    assert dataset not in set(listed(fresh, "citizen_datasets", scope="all").dataset_id)
    assert listed(fresh, "citizen_dataset", dataset=dataset, min_tier=1, endorsed_only=False).empty
    assert listed(fresh, "review_history", dataset=dataset).empty


def test_who_sees_a_submission(fresh, people):
    dataset = submit(fresh, people["amina"])
    submissions.decide(dataset, by=people["grace"], decision="comment", reasons="Which villages were visited?",
                       private_note="Check the sampling frame with the regional office", path=fresh)

    def sees(by: Actor) -> bool:
        return dataset in set(listed(fresh, "submissions", **as_params(by)).dataset_id)

    assert sees(people["amina"]) and sees(people["bwalya"])  # the submitter, and the same organisation
    assert sees(people["grace"])                               # the office
    assert not sees(people["chidi"]) and not sees(accounts.VIEWER)
    with db.connect(fresh) as con:
        for outsider in (people["chidi"], accounts.VIEWER):
            with pytest.raises(NotAllowed, match="may not see the submission"):
                submissions.review(con, dataset, outsider)
        mine = submissions.review(con, dataset, people["bwalya"])
        office = submissions.review(con, dataset, people["grace"])
    # both see the estimates as publishing would release them: the Blantyre row of 8 respondents suppressed
    for seen in (mine, office):
        assert len(seen.estimates) == template_rows()
        blantyre = seen.estimates[seen.estimates.area == "MW-BL"]
        assert blantyre.reliability.tolist() == ["suppressed"] and blantyre.value.isna().all()
    # the comment's text reaches the contributor; the private note only the office
    assert plain(mine.history.reasons) == [None, "Which villages were visited?"]
    assert mine.history.private_note.isna().all()
    assert plain(office.history.private_note)[1] == "Check the sampling frame with the regional office"


def test_returned_then_a_new_version_published(fresh, people, tmp_path):
    first = submit(fresh, people["amina"])
    assert submissions.decide(first, by=people["grace"], decision="returned",
                              reasons="The Zomba estimate has no interval", private_note="internal", path=fresh) == "returned"
    row = listed(fresh, "submissions", **as_params(people["amina"])).set_index("dataset_id").loc[first]
    assert (row.status, row.last_decision, row.last_reasons) == ("returned", "returned", "The Zomba estimate has no interval")

    second = submit(fresh, people["bwalya"], changed_template(tmp_path, "42.1"), replaces=first,
                    note="Intervals added")
    assert second != first
    assert one(fresh, "select status, lineage, version from citizen_dataset where dataset_id = ?", [second]) == \
        [("submitted", first, 2)]
    assert submissions.decide(second, by=people["grace"], decision="published", reasons="Meets the quality bar", path=fresh) \
        == "published"
    assert one(fresh, "select status from citizen_dataset where dataset_id = ?", [first]) == [("returned",)]
    # now public: its estimates (the national one with its new value), listed, with its history
    assert one(fresh, "select value from released_observation where dataset_id = ? and area = 'MWI' and dims = '' "
                      "and series like 'CGD%'", [second]) == [(42.1,)]
    assert second in set(listed(fresh, "citizen_datasets", scope="all").dataset_id)
    history = listed(fresh, "review_history", dataset=second)
    assert list(zip(history.version, history.decision, plain(history.reasons))) == [
        (1, "submitted", None), (1, "returned", "The Zomba estimate has no interval"),
        (2, "submitted", "Intervals added"), (2, "published", "Meets the quality bar")]
    assert "private_note" not in history.columns
    assert set(history.by_organisation) == {"Lakeshore Water Monitors", "National Statistical Office"}
    audit = one(fresh, "select actor, action, target, reason from audit_log where action = 'decision' order by seq")
    assert audit == [("grace", "decision", first, "The Zomba estimate has no interval"),
                     ("grace", "decision", second, "Meets the quality bar")]


def test_publishing_a_version_supersedes_the_one_before(fresh, people, tmp_path):
    first = submit(fresh, people["amina"])
    submissions.decide(first, by=people["grace"], decision="published", reasons="Good", path=fresh)
    second = submit(fresh, people["amina"], changed_template(tmp_path, "43.0"), replaces=first)
    # until the second is published, the first is what the public sees
    assert one(fresh, "select count(*) from released_observation where dataset_id = ?", [first]) == [(template_rows(),)]
    assert listed(fresh, "review_history", dataset=first).version.max() == 1  # the version in review stays out
    submissions.decide(second, by=people["grace"], decision="published and endorsed", reasons="Endorsed by the NSO", path=fresh)
    assert one(fresh, "select dataset_id, status, nso_review, version from citizen_dataset where dataset_id in (?, ?) "
                      "order by version", [first, second]) == \
        [(first, "superseded", "under review", 1), (second, "published", "endorsed", 2)]
    assert one(fresh, "select count(*) from released_observation where dataset_id = ?", [first]) == [(0,)]
    public = set(listed(fresh, "citizen_datasets", scope="all").dataset_id)
    assert second in public and first not in public
    with pytest.raises(ValueError, match="is superseded: a new version can be made of a returned or published"):
        submit(fresh, people["amina"], changed_template(tmp_path, "44.0"), replaces=first)
    # the derived tables follow: the 2023 evidence for Malawi counts the second version only
    assert one(fresh, "select count(*) from cell_year where area = 'MWI' and year = 2023 and citizen_tier > 0") != [(0,)]


def test_returning_without_reasons_is_refused_and_writes_nothing(fresh, people):
    dataset = submit(fresh, people["amina"])
    before = digest(fresh)
    for reasons in ("", "   "):
        with pytest.raises(ValueError, match="say why it is returned"):
            submissions.decide(dataset, by=people["grace"], decision="returned", reasons=reasons, path=fresh)
    with pytest.raises(ValueError, match="a decision is one of comment, returned, published, published and endorsed"):
        submissions.decide(dataset, by=people["grace"], decision="rejected", reasons="no", path=fresh)
    assert digest(fresh) == before


def test_a_contributor_cannot_decide(fresh, people):
    dataset = submit(fresh, people["amina"])
    before = digest(fresh)
    for who in (people["amina"], people["chidi"], accounts.VIEWER):
        with pytest.raises(NotAllowed, match="to review needs a steward's account"):
            submissions.decide(dataset, by=who, decision="published", reasons="looks fine to me", path=fresh)
    assert digest(fresh) == before
    assert one(fresh, "select status from citizen_dataset where dataset_id = ?", [dataset]) == [("submitted",)]


def test_replacing_another_organisations_dataset_is_refused(fresh, people, tmp_path):
    theirs = submit(fresh, people["amina"])
    submissions.decide(theirs, by=people["grace"], decision="published", reasons="Good", path=fresh)
    before = digest(fresh)
    with pytest.raises(NotAllowed, match="only be made of your own organisation's datasets"):
        submit(fresh, people["chidi"], changed_template(tmp_path, "41.2"), replaces=theirs)
    # a dataset the office imported itself has no contributor: no contributor makes a version of it
    with pytest.raises(NotAllowed, match="own organisation's datasets"):
        submit(fresh, people["amina"], changed_template(tmp_path, "41.3"), replaces="cgd-disability-scorecard")
    with pytest.raises(ValueError, match="no citizen dataset 'nothing-here'"):
        submit(fresh, people["amina"], changed_template(tmp_path, "41.4"), replaces="nothing-here")
    assert digest(fresh) == before


def test_what_cannot_be_submitted_or_decided(fresh, people, tmp_path):
    with pytest.raises(NotAllowed, match="to submit needs a contributor's account"):
        submit(fresh, accounts.VIEWER)
    with pytest.raises(ValueError, match="data about people needs its consent basis"):
        submit(fresh, people["amina"], consent_basis=" ")
    before = digest(fresh)
    dataset = submit(fresh, people["amina"])
    assert digest(fresh) != before
    with pytest.raises(ValueError, match=f"already in the database, as dataset {dataset}"):
        submit(fresh, people["bwalya"])  # the same file again
    with pytest.raises(ValueError, match="is submitted: a new version can be made of a returned or published"):
        submit(fresh, people["amina"], changed_template(tmp_path, "41.0"), replaces=dataset)
    submissions.decide(dataset, by=people["grace"], decision="returned", reasons="Add intervals", path=fresh)
    second = submit(fresh, people["amina"], changed_template(tmp_path, "42.0"), replaces=dataset)
    with pytest.raises(ValueError, match="version 2 of this dataset is waiting for the office's review"):
        submit(fresh, people["bwalya"], changed_template(tmp_path, "42.5"), replaces=dataset)
    with pytest.raises(ValueError, match="published, not waiting for review: only a submission can be published"):
        submissions.decide("cgd-disability-scorecard", by=people["grace"], decision="published", reasons="x", path=fresh)
    with pytest.raises(ValueError, match="a comment needs its text"):
        submissions.decide(dataset, by=people["grace"], decision="comment", reasons="", path=fresh)
    submissions.decide(second, by=people["grace"], decision="published", reasons="Good", path=fresh)
    with pytest.raises(ValueError, match="published, not waiting for review: only a submission can be returned"):
        submissions.decide(second, by=people["grace"], decision="returned", reasons="changed our mind", path=fresh)
    with pytest.raises(ValueError, match="returned, not waiting for review: only a submission can be published"):
        submissions.decide(dataset, by=people["grace"], decision="published", reasons="the first after all", path=fresh)


# ---- the pages (Streamlit AppTest; the whole path in a real browser: tests/test_browser_review.py) ----

def page(path: Path, monkeypatch, name: str, by: Actor | None, **params):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("GAPMONITOR_DB", str(path))
    at = AppTest.from_file(str(db.ROOT / "pages" / name), default_timeout=60)
    if by is not None:
        at.session_state["actor"] = by
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_submissions_page_per_role(fresh, people, monkeypatch):
    dataset = submit(fresh, people["amina"])
    submissions.decide(dataset, by=people["grace"], decision="returned", reasons="Add the 2024 round",
                       private_note="Sampling frame doubts", path=fresh)
    # the contributor's colleague: the submission, its status and the office's reasons; no private note anywhere
    at = page(fresh, monkeypatch, "submissions.py", people["bwalya"])
    assert at.dataframe[0].value.title.tolist() == ["Water at home, Malawi"]
    assert [h.value for h in at.header] == ["Water at home, Malawi — version 1"]
    assert at.info[0].value == ("**Returned with reasons** by National Statistical Office on "
                                f"{at.dataframe[1].value.event_at.iloc[-1]:%Y-%m-%d}: Add the 2024 round")
    assert "private_note" not in at.dataframe[1].value.columns
    assert not any("Sampling frame doubts" in str(frame.value.to_dict()) for frame in at.dataframe)
    assert not at.button or all(b.label != "Record the decision" for b in at.button)
    # another organisation's contributor: nothing, even asked for by URL
    at = page(fresh, monkeypatch, "submissions.py", people["chidi"], dataset=dataset)
    assert [i.value for i in at.info] == ["Your organisation has not submitted a dataset yet."]
    assert not at.header and not at.dataframe
    # a viewer: refused, with who may
    at = page(fresh, monkeypatch, "submissions.py", None, dataset=dataset)
    assert at.error[0].value.startswith("Submissions are for contributors") and not at.dataframe
    # the steward: the queue first, every other citizen dataset after; the private note in the history
    at = page(fresh, monkeypatch, "submissions.py", people["grace"], dataset=dataset)
    listing = at.dataframe[0].value
    assert listing.title.iloc[0] == "Water at home, Malawi" and len(listing) == 1 + one(
        fresh, "select count(*) from citizen_dataset where dataset_id <> ?", [dataset])[0][0]
    assert plain(at.dataframe[1].value.private_note) == [None, "Sampling frame doubts"]
    assert [s.value for s in at.subheader] == ["History", "Estimates as publishing would release them",
                                               "Quality assessment", "Decision"]


def test_the_decision_form_refuses_a_return_without_reasons(fresh, people, monkeypatch):
    dataset = submit(fresh, people["amina"])
    at = page(fresh, monkeypatch, "submissions.py", people["grace"], dataset=dataset)
    before = digest(fresh)
    [r for r in at.radio if r.label == "Decision"][0].set_value("returned")
    [b for b in at.button if b.label == "Record the decision"][0].click()
    at.run()
    assert [e.value for e in at.error] == ["say why it is returned: the contributor reads the reasons to prepare "
                                           "a new version"]
    assert digest(fresh) == before
    [r for r in at.radio if r.label == "Decision"][0].set_value("published and endorsed")
    [t for t in at.text_area if t.label == "Reasons"][0].input("Meets the bar")
    [b for b in at.button if b.label == "Record the decision"][0].click()
    at.run()
    assert at.success[0].value == "Published and endorsed: it is now on the public pages and maps."
    assert one(fresh, "select status, nso_review from citizen_dataset where dataset_id = ?", [dataset]) == \
        [("published", "endorsed")]


def test_the_public_page_shows_the_review_history_without_private_notes(fresh, people, monkeypatch, tmp_path):
    first = submit(fresh, people["amina"])
    submissions.decide(first, by=people["grace"], decision="returned", reasons="Add the 2024 round",
                       private_note="Sampling frame doubts", path=fresh)
    second = submit(fresh, people["amina"], changed_template(tmp_path, "42.4"), replaces=first, note="2024 added")
    submissions.decide(second, by=people["grace"], decision="published", reasons="Good", path=fresh)
    at = page(fresh, monkeypatch, "citizen.py", None, dataset=second)
    assert [h.value for h in at.header] == ["Water at home, Malawi"]
    history = at.dataframe[1].value
    assert history.decision.tolist() == ["Submitted", "Returned with reasons", "Submitted", "Published"]
    assert plain(history.reasons) == [None, "Add the 2024 round", "2024 added", "Good"]
    assert not any("Sampling frame doubts" in str(frame.value.to_dict()) for frame in at.dataframe)
    text = " ".join(m.value for m in at.markdown)
    assert "**Consent basis:** Informed consent, recorded by enumerators" in text
    assert "**Version 2**, the latest published. Earlier version 1" in text
    # the first version, returned, has no public page: its URL opens the first public dataset instead
    at = page(fresh, monkeypatch, "citizen.py", None, dataset=first)
    box = at.selectbox(key="citizen_dataset")
    # the page shows the user's own data by default (the sidebar's "Data shown"): of it, the second version only
    assert box.value == second and box.options == ["Water at home, Malawi"]


def test_the_data_page_offers_a_contributor_submission_not_import(fresh, people, monkeypatch):
    at = page(fresh, monkeypatch, "data.py", people["amina"])
    assert [h.value for h in at.header] == ["Submit citizen data for review", "Turn citizen records into estimates"]
    assert any("**Submit for review** sends it to the statistical office. It is not public until the office "
               "publishes it." in m.value for m in at.markdown)
