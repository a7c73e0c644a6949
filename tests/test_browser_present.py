"""Presentation mode in a real browser (issue 15, item 4): a story's steps presented full screen with the
keyboard, each drawn live by its page from the database; a step whose indicator is gone says so and the
presentation goes on; a view saved from a page by a signed-in contributor becomes a step; nothing leaves
the machine.

The app runs on its own database (a copy of the demo) with the stories written before it starts. What
each step must show is reasoned from the step's URL state: a window of 3 years ending in 2024 is
2022–2024; the names of groups, countries and datasets are read from the database."""

import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
from pptx import Presentation

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gapmonitor import accounts, audit, db, stories  # noqa: E402
from gapmonitor.goals import GOALS  # noqa: E402
from tests.browser import CHROMIUM, open_page, running_app  # noqa: E402

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason=f"{CHROMIUM} not found: the browser tests need Debian's chromium")

PROJECTOR = {"width": 1280, "height": 720}
AMINA = accounts.Actor("amina", "contributor", "Community Monitors", "Amina Otieno")
PASSWORD = "long enough password 1"
GONE = "5.3.1"  # its observations are removed from the database after the story is saved

THREE = [  # (page, view, step title): a goal page, a country profile, a citizen dataset
    ("goal-5", "indicator=5.2.1&group=youth&view=Gap+status&window=3&end=2024&bar=High&endorsed=no",
     "Violence: what youth data there is"),
    ("country", "area=MWI&goal=0&window=7&end=2023&bar=Medium&endorsed=no", "Malawi"),
    ("citizen", "dataset=cgd-disability-scorecard&window=5&end=2025&bar=Medium&endorsed=no", "The scorecard"),
]
GOAL_5_TWICE = [  # the same page in consecutive steps, with other controls each time; the middle one is gone
    ("goal-5", "indicator=5.2.1&group=youth&view=Gap+status&window=3&end=2024&bar=High&endorsed=no", "Youth"),
    ("goal-5", f"indicator={GONE}&group=women&view=Gap+status&window=5&end=2025&bar=Medium&endorsed=no",
     "Child marriage"),
    ("goal-5", "indicator=5.1.1&group=women&view=Gap+status&window=5&end=2025&bar=Medium&endorsed=no", "Laws"),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory, browser):  # the session's one Chromium: a second one in a thread cannot start
    """The app on a demo database holding two stories, an account, and indicator GONE without data."""
    path = tmp_path_factory.mktemp("present") / "gapmonitor.duckdb"
    db.ensure_database(path)
    made = {}
    for name, steps in (("three", THREE), ("twice", GOAL_5_TWICE)):
        made[name] = stories.create(f"Story {name}", AMINA, path=path)
        for page, view, title in steps:
            stories.add_step(made[name], page, view, title, f"Note on {title}", AMINA, path=path)
    operator = accounts.command_line()
    with db.writing(path, audit=audit.Entry(operator, "remove", GONE, {"test": "the indicator's data goes"})) as con:
        con.execute("delete from observation where series in (select code from series where indicator = ?)", [GONE])
    accounts.create_account(operator, "amina", "Amina Otieno", "contributor", PASSWORD, "Community Monitors", path=path)
    with duckdb.connect(str(path), read_only=True) as con:
        names = dict(con.execute("select group_id, label from population_group").fetchall())
        names |= dict(con.execute("select code, name from area where code = 'MWI'").fetchall())
        names |= dict(con.execute("select dataset_id, title from dataset").fetchall())
    with running_app(path, path.with_name("streamlit.log")) as url:
        yield {"url": url, "browser": browser, "path": path, "stories": made, "names": names}


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def press(visit, key: str, step: int, count: int) -> None:
    """Press a key and wait until step `step` is drawn, its run finished."""
    visit.page.keyboard.press(key)
    visit.page.get_by_text(f"Step {step} of {count}", exact=True).wait_for(timeout=60_000)
    visit.wait_done()


def main_text(visit) -> str:
    return visit.page.locator("[data-testid=stMain]").inner_text()


def assert_full_screen(visit) -> None:
    page = visit.page
    assert not page.locator("[data-testid=stSidebar]").is_visible(), "the sidebar shows while presenting"
    assert not page.locator("[data-testid=stHeader]").is_visible(), "Streamlit's header shows while presenting"
    assert not page.locator("[data-testid=stExpandSidebarButton]").is_visible()
    assert not page.get_by_text("Save this view to a story").is_visible()


def assert_clean(visit) -> None:
    assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}


def test_a_three_step_story_is_presented_with_the_keyboard(app):
    names, story = app["names"], app["stories"]["three"]
    # the story's own link, in a fresh browser: it opens its first step
    visit = open_page(app["browser"], app["url"], f"/stories?story={story}", viewport=PROJECTOR,
                      wait_for="text=Step 1 of 3")
    try:
        visit.wait_done()
        page = visit.page
        assert urlsplit(page.url).path == "/goal-5"
        assert (query_of(page.url)["story"], query_of(page.url)["step"]) == (story, "1")
        assert {"indicator": "5.2.1", "group": "youth", "window": "3", "end": "2024", "bar": "High"}.items() \
            <= query_of(page.url).items()
        assert page.get_by_text(f"5.2.1 · {names['youth']} · 2022–2024", exact=True).is_visible()
        assert page.get_by_text("Violence: what youth data there is").is_visible()
        assert_full_screen(visit)
        page.screenshot(path=str(app["path"].with_name("step1.png")))

        press(visit, "ArrowRight", 2, 3)
        assert urlsplit(page.url).path == "/country" and query_of(page.url)["area"] == "MWI"
        assert page.locator("h1").first.inner_text() == names["MWI"]
        assert "ISO MWI" in main_text(visit)
        assert_full_screen(visit)

        press(visit, "ArrowRight", 3, 3)
        assert urlsplit(page.url).path == "/citizen"
        assert query_of(page.url)["dataset"] == "cgd-disability-scorecard"
        assert page.get_by_role("heading", name=names["cgd-disability-scorecard"]).is_visible()
        assert page.get_by_role("button", name="Next ▶").is_disabled()  # the last step
        assert_full_screen(visit)

        press(visit, "ArrowLeft", 2, 3)
        assert urlsplit(page.url).path == "/country" and page.locator("h1").first.inner_text() == names["MWI"]
        # the window of this step (7 years to 2023) and not the one the step before left in the sidebar
        assert query_of(page.url)["window"] == "7" and query_of(page.url)["end"] == "2023"

        # the presenter's note, on demand
        assert not page.get_by_text("Note on Malawi").is_visible()
        page.get_by_role("button", name="Note", exact=True).click()
        page.get_by_text("Note on Malawi").wait_for(timeout=30_000)
        visit.wait_done()
        # that click's run got the browser's widget values: they are this step's, not the step before's
        assert (query_of(page.url)["window"], query_of(page.url)["end"]) == ("7", "2023")
        assert page.locator("h1").first.inner_text() == names["MWI"]
        assert_clean(visit)

        page.get_by_role("button", name="Exit").click()
        page.get_by_role("heading", name="Stories").wait_for(timeout=60_000)
        visit.wait_done()
        assert urlsplit(page.url).path == "/stories" and "story" not in query_of(page.url)
        assert page.locator("[data-testid=stSidebar]").is_visible()  # back to the app as it was
        assert_clean(visit)
    finally:
        visit.close()


def test_a_step_whose_indicator_is_gone_says_so_and_the_presentation_goes_on(app):
    names, story = app["names"], app["stories"]["twice"]
    visit = open_page(app["browser"], app["url"], f"/stories?story={story}", viewport=PROJECTOR,
                      wait_for="text=Step 1 of 3")
    try:
        visit.wait_done()
        page = visit.page
        assert page.get_by_text(f"5.2.1 · {names['youth']} · 2022–2024", exact=True).is_visible()
        press(visit, "PageDown", 2, 3)  # a presentation clicker's key
        assert query_of(page.url)["indicator"] == GONE
        warning = page.locator("[data-testid=stAlert]", has_text="Missing since this step was saved")
        assert warning.is_visible()
        assert f"indicator {GONE}: no series of it has data in this database any more" in warning.inner_text()
        assert not page.get_by_text("Missing since this step was saved").count() > 1
        page.screenshot(path=str(app["path"].with_name("missing.png")))

        press(visit, "ArrowRight", 3, 3)
        # the same page again, with this step's own indicator, group and window (not the steps' before)
        assert query_of(page.url)["indicator"] == "5.1.1"
        assert page.get_by_text(f"5.1.1 · {names['women']} · 2021–2025", exact=True).is_visible()
        assert not page.get_by_text("Missing since this step was saved").count()
        page.get_by_role("button", name="Note", exact=True).click()  # a run with the browser's widget values
        page.get_by_text("Note on Laws").wait_for(timeout=30_000)
        visit.wait_done()
        assert query_of(page.url)["indicator"] == "5.1.1" and query_of(page.url)["window"] == "5"
        assert page.get_by_text(f"5.1.1 · {names['women']} · 2021–2025", exact=True).is_visible()

        press(visit, "PageUp", 2, 3)
        press(visit, "ArrowLeft", 1, 3)
        assert page.get_by_text(f"5.2.1 · {names['youth']} · 2022–2024", exact=True).is_visible()
        assert_full_screen(visit)
        assert_clean(visit)
    finally:
        visit.close()


def sign_in_to_save(visit):
    """Sign in as Amina (a contributor) and wait for 'Save this view to a story'; returns the sidebar."""
    sidebar = visit.page.locator("[data-testid=stSidebar]")
    sidebar.get_by_label("Username", exact=True).fill("amina")
    sidebar.get_by_label("Password", exact=True).fill(PASSWORD)
    sidebar.get_by_role("button", name="Sign in").click()
    sidebar.get_by_text("Save this view to a story").wait_for(timeout=60_000)
    visit.wait_done()
    return sidebar


def saved(app, title: str):
    """The story of this title as the database holds it, and its first step."""
    con = db.connect(app["path"])
    try:
        story = db.query(con, "stories").set_index("title").loc[title]
        steps = db.query(con, "story_steps")
    finally:
        con.close()
    return story, steps[steps.story_id == story.story_id].iloc[0]


def test_a_view_changed_on_the_page_is_saved_as_shown_and_titled_from_it(app):
    """The group is chosen in a part of the page that reruns alone (a fragment), so the sidebar's form was
    drawn before the change: what it saves must still be the view on screen, titled from it when the step
    title is left blank."""
    visit = open_page(app["browser"], app["url"], "/goal-5?indicator=5.2.1&group=disability",
                      wait_for="[data-testid=stSidebar]")
    try:
        page = visit.page
        sidebar = sign_in_to_save(visit)
        page.get_by_role("combobox", name="Population group").click()
        page.get_by_role("option", name=app["names"]["women"], exact=True).click()
        page.wait_for_url(lambda url: query_of(url).get("group") == "women", timeout=20_000)
        visit.wait_done()
        sidebar.get_by_text("Save this view to a story").click()
        assert sidebar.get_by_label("Step title", exact=True).input_value() == ""
        sidebar.get_by_label("Title of the new story", exact=True).fill("Changed on the page")
        sidebar.get_by_role("button", name="Save this view").click()
        sidebar.get_by_text("Saved as step 1 of “Changed on the page”").wait_for(timeout=60_000)
        visit.wait_done()
        _, step = saved(app, "Changed on the page")
        assert step.title == f"Goal 5 · {GOALS[4].short_title}: 5.2.1 for {app['names']['women']}"
        assert {"indicator": "5.2.1", "group": "women"}.items() <= stories.params_of(step.params).items()
        assert_clean(visit)
    finally:
        visit.close()


def test_a_contributor_saves_a_view_into_a_new_story_and_presents_it(app):
    visit = open_page(app["browser"], app["url"], "/goal-5?indicator=5.2.1&group=disability&end=2023&bar=High",
                      wait_for="[data-testid=stSidebar]")
    try:
        page = visit.page
        assert not page.get_by_text("Save this view to a story").count()  # a viewer sees nothing
        sidebar = sign_in_to_save(visit)
        sidebar.get_by_text("Save this view to a story").click()
        step_title = sidebar.get_by_label("Step title", exact=True)
        assert step_title.input_value() == ""  # left blank, the view's own title (the test above)
        sidebar.get_by_label("Title of the new story", exact=True).fill("For the ministry")
        step_title.fill("Disability: violence data")
        sidebar.get_by_label("Note for the presenter", exact=True).fill("Say who collected it")
        sidebar.get_by_role("button", name="Save this view").click()
        sidebar.get_by_text("Saved as step 1 of “For the ministry”").wait_for(timeout=60_000)
        visit.wait_done()

        listed, step = saved(app, "For the ministry")
        story = listed.story_id
        assert listed.created_by == "amina"
        assert (step.page, step.title, step.note) == ("goal-5", "Disability: violence data", "Say who collected it")
        assert {"indicator": "5.2.1", "group": "disability", "end": "2023", "bar": "High"}.items() \
            <= stories.params_of(step.params).items()

        # the Stories page lists it with its steps; Present opens it full screen
        page.locator("[data-testid=stSidebarNav]").get_by_text("Stories", exact=True).click()
        page.get_by_role("heading", name="For the ministry").wait_for(timeout=60_000)
        visit.wait_done()
        box = page.locator(f".st-key-story_{story}")
        assert "Disability: violence data" in box.inner_text() and "Say who collected it" in box.inner_text()
        with page.expect_download(timeout=120_000) as download:  # the deck, made on the click
            box.get_by_role("button", name="Slides (PPTX)").click()
        assert download.value.suggested_filename == "for-the-ministry.pptx"
        deck = Presentation(download.value.path())
        assert len(deck.slides) == 1
        assert deck.slides[0].notes_slide.notes_text_frame.text.startswith("Presenter's note: Say who collected it")
        box.get_by_role("button", name="Present").click()
        page.get_by_text("Step 1 of 1", exact=True).wait_for(timeout=60_000)
        visit.wait_done()
        assert urlsplit(page.url).path == "/goal-5"
        assert page.get_by_text(f"5.2.1 · {app['names']['disability']} · 2019–2023", exact=True).is_visible()
        assert_full_screen(visit)
        assert_clean(visit)
    finally:
        visit.close()
