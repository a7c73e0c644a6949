"""Submission, review, decision and resubmission end to end in a real browser (issue 19), with two accounts:
a contributor submits the citizen data template; a viewer does not see it; a steward returns it with
reasons (and a private note); the contributor reads the reasons and submits version 2; the steward
publishes it; the public citizen page shows it with its review history, never the private note."""

import csv
import re
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gapmonitor import db  # noqa: E402
from tests.actors import CONTRIBUTOR, STEWARD, account, sign_in  # noqa: E402
from tests.browser import CHROMIUM, open_page, running_app  # noqa: E402

TEMPLATE = ROOT / "data" / "templates" / "citizen_data_template.csv"
TITLE = "Water at home, Lakeshore district survey"
REASONS = "The Zomba wealth estimate rests on 24 households: add the 2024 round before we publish"
PRIVATE = "Regional office doubts the sampling frame"
CLEAN = {"external requests": [], "console errors": [], "exception boxes": []}

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason=f"{CHROMIUM} not found: the browser tests need Debian's chromium")


@pytest.fixture(scope="module")
def review_app(tmp_path_factory):
    """The app on its own database, with a contributor's and a steward's account."""
    folder = tmp_path_factory.mktemp("review-app")
    path = db.ensure_database(folder / "gapmonitor.duckdb")
    account(path, CONTRIBUTOR)
    account(path, STEWARD)
    with running_app(path, folder / "streamlit.log") as url:
        yield url, path


def second_version(folder: Path) -> Path:
    """The template with the national estimate revised (41.8 -> 43.5, within its interval): version 2."""
    rows = list(csv.reader(TEMPLATE.open(encoding="utf-8")))
    rows[1][rows[0].index("value")] = "43.5"
    out = folder / "citizen_data_template_v2.csv"
    with out.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return out


def go_to(visit, title: str) -> None:
    """Open a page of the app through the sidebar's navigation (the session, and its sign-in, stay)."""
    visit.page.locator("[data-testid=stSidebarNav]").get_by_text(title, exact=True).click()
    visit.page.wait_for_timeout(300)
    visit.wait_done()


def choose(page, label: str, option_text: str) -> None:
    """Pick the option of a selectbox that contains `option_text`."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    if box.get_attribute("aria-expanded") != "true":  # a click just after typing in a form field may only focus it
        box.press("ArrowDown")
    page.get_by_role("option").first.wait_for()
    offered = page.get_by_role("option").all_inner_texts()
    assert any(option_text in o for o in offered), f"{label}: no option with {option_text!r} among {offered}"
    page.get_by_role("option").filter(has_text=option_text).first.click()


def submit_file(visit, file: Path, new_version_of: str | None = None) -> str:
    """As the signed-in contributor, on the Data page: upload, describe, submit; returns the dataset id."""
    page = visit.page
    page.get_by_text("Submit citizen data for review", exact=True).wait_for()
    page.locator("input[type=file]").first.set_input_files(str(file))  # the first uploader: a file of estimates
    page.get_by_text("Preview: nothing is written yet").wait_for(timeout=60_000)
    visit.wait_done()
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Source (publisher, as you would cite it)").fill("Test CSO")
    page.get_by_label("Licence", exact=True).fill("CC BY 4.0")
    page.get_by_label("Producer", exact=True).fill("Test CSO")
    page.get_by_label("Producer type", exact=True).fill("Community-based organisation")
    page.get_by_label("Method", exact=True).fill("Household survey, trained volunteer enumerators")
    page.get_by_role("textbox", name="Consent basis").fill("Informed consent, recorded by the enumerators")
    if new_version_of:
        choose(page, "New version of", new_version_of)
        page.get_by_label("Note to the statistical office (optional)").fill("The 2024 round added")
    page.get_by_role("button", name="Submit for review").click()
    done = page.get_by_text("Submitted for review as import-")
    done.wait_for(timeout=60_000)
    assert "It is not public until the statistical office publishes it" in done.inner_text()
    return re.search(r"import-[0-9a-f]{16}", done.inner_text())[0]


def decide(visit, version: int, decision: str, reasons: str, private: str = "") -> None:
    """As the signed-in steward, on the Submissions page: open the version, record a decision."""
    page = visit.page
    choose(page, "Open", f"version {version},")
    visit.wait_done()
    page.get_by_text(f"{TITLE} — version {version}").wait_for()
    page.locator("[data-testid=stRadio]", has_text="Decision").get_by_text(decision, exact=True).click()
    page.get_by_role("textbox", name="Reasons").fill(reasons)
    if private:
        page.get_by_role("textbox", name="Private note (the office only)").fill(private)
    page.get_by_role("button", name="Record the decision").click()
    visit.wait_done()


def public_titles(browser, url: str) -> list[str]:
    """The citizen datasets a viewer's citizen page offers (the selectbox's options)."""
    visit = open_page(browser, url, "/citizen")
    page = visit.page
    page.get_by_role("combobox", name="Dataset").click()
    page.get_by_role("option").first.wait_for()
    offered = page.get_by_role("option").all_inner_texts()
    assert visit.problems() == CLEAN
    visit.close()
    return offered


def test_submit_return_resubmit_publish(review_app, browser, tmp_path):
    url, path = review_app

    # the contributor submits the template
    cso = open_page(browser, url, "/data")
    sign_in(cso.page, CONTRIBUTOR.username)
    first = submit_file(cso, TEMPLATE)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select status, submitted_by, version from citizen_dataset where dataset_id = ?",
                           [first]).fetchall() == [("submitted", CONTRIBUTOR.username, 1)]

    # a viewer sees nothing of it: not among the citizen datasets, and its own URL shows another dataset
    offered = public_titles(browser, url)
    assert offered and TITLE not in offered
    viewer = open_page(browser, url, f"/citizen?dataset={first}")
    assert viewer.page.get_by_text(TITLE).count() == 0
    assert viewer.problems() == CLEAN
    viewer.close()

    # the steward (another browser context: another session) returns it with reasons and a private note
    office = open_page(browser, url, "/")
    sign_in(office.page, STEWARD.username)
    go_to(office, "Submissions")
    office.page.get_by_text("1 waiting for review").wait_for()
    decide(office, 1, "Returned with reasons", REASONS, PRIVATE)
    office.page.get_by_text("Returned: the contributor sees your reasons").wait_for()
    assert office.problems() == CLEAN

    # the contributor reads the decision and its reasons, not the private note, and submits version 2
    go_to(cso, "Submissions")
    cso.page.get_by_text(f"{TITLE} — version 1").wait_for()
    cso.page.get_by_text("Status: Returned with reasons").wait_for()
    cso.page.get_by_text(f"Returned with reasons by {STEWARD.organisation}").wait_for()
    assert REASONS in cso.page.get_by_text(f"Returned with reasons by {STEWARD.organisation}").inner_text()
    assert PRIVATE not in cso.page.content()  # (the history table draws on a canvas: tests/test_submissions.py
    #                                            checks the contributor's history rows hold no private note)
    go_to(cso, "Data")
    second = submit_file(cso, second_version(tmp_path), new_version_of="version 1, returned")
    assert second != first
    assert cso.problems() == CLEAN
    cso.close()

    # the steward publishes version 2
    go_to(office, "Submissions")
    decide(office, 2, "Published", "Meets the quality bar; the 2024 round is in")
    office.page.get_by_text("Published: it is now on the public pages and maps.").wait_for()
    assert office.problems() == CLEAN
    office.close()

    # the public citizen page shows it, with its review history; never the private note
    assert TITLE in public_titles(browser, url)
    public = open_page(browser, url, f"/citizen?dataset={second}")
    page = public.page
    page.get_by_role("heading", name=TITLE).wait_for()
    page.get_by_text("Review history", exact=True).wait_for()
    page.get_by_text("Version 2, the latest published. Earlier version 1: returned or superseded").wait_for()
    assert page.get_by_text("Consent basis: Informed consent, recorded by the enumerators").count() == 1
    assert public.problems() == CLEAN
    public.close()

    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select dataset_id, status, version, lineage from citizen_dataset where not dataset_id like 'cgd-%' "
                           "order by version").fetchall() == [(first, "returned", 1, None), (second, "published", 2, first)]
        # what the public page's history table holds (drawn on a canvas, so read from its query)
        history = db.query(con, "review_history", dataset=second)
    assert list(zip(history.version, history.decision)) == [(1, "submitted"), (1, "returned"), (2, "submitted"),
                                                            (2, "published")]
    assert REASONS in set(history.reasons) and PRIVATE not in history.to_string()
