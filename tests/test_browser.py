"""Real-browser tests: every page draws, offline, without errors; maps draw their shapes and open a
country when clicked; the group choice redraws the map; deep links restore a view; CSV downloads.

One app server and one chromium serve the whole module; each page is opened in its own browser
context, so each visit is a new Streamlit session, as a new visitor would be."""

import csv
import json
import re
import sys
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gapmonitor import db  # noqa: E402
from gapmonitor.goals import GOALS  # noqa: E402
from gapmonitor.statuses import STATUSES  # noqa: E402
from tests.browser import CHROMIUM, POINTS, SHAPES, map_marks, open_page  # noqa: E402

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason=f"{CHROMIUM} not found: the browser tests need Debian's chromium")


def query_of(url: str) -> dict:
    """The query parameters of a URL or path, one value each."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


MAP_PAGES = ["/", *(f"/{g.slug}" for g in GOALS)]
CITIZEN_PAGE = "/citizen?dataset=cgd-disability-scorecard"
PAGES = [*MAP_PAGES, "/country?area=KEN", CITIZEN_PAGE, "/data", "/about"]
TOPOJSON = ROOT / "static" / "world_110m.json"
# A view that is not the default one: goal 5's default indicator is 5.1.1, 5.2.1's default group is
# women (the first less visible group), the default window ends in the latest year with a Medium bar.
DEEP_LINK = "/goal-5?indicator=5.2.1&group=youth&end=2024&bar=High"
DEEP_LINK_PARAMS = query_of(DEEP_LINK)
# Streamlit learns the pages of st.navigation only when the app script first runs, so the very first
# session of a fresh server that opens a deep path is told "page not found" before the script runs and
# st.navigation finds the page after all (Streamlit's script_runner; the app cannot prevent it).
FIRST_RUN_PAGE_NOT_FOUND = "The page that you have requested does not seem to exist"

FIRST_MAP_SECONDS: dict[str, float] = {}
EXTERNAL_REQUESTS: list[str] = []


# ---- what the tests expect, from the app's own files ----

def topojson_codes() -> set[str]:
    """ISO alpha-3 codes of the country geometries in the topojson the maps load."""
    geometries = json.loads(TOPOJSON.read_text(encoding="utf-8"))["objects"]["countries"]["geometries"]
    return {g["id"] for g in geometries if g.get("id")}  # 177 geometries; a few unnamed ones cannot be drawn


def observation_columns() -> list[str]:
    """The columns of the observations CSV download: the contract users' scripts rely on."""
    return ["kind", "series", "series_description", "unit", "area", "area_name", "country", "dims", "group_id",
            "year", "value", "lower_bound", "upper_bound", "sample_size", "reliability", "nature", "dataset", "is_demo"]


@pytest.fixture(scope="module")
def reference(app_db, app_url):
    """Countries and population groups of the app's database, and what its maps must draw."""
    con = db.connect(app_db)
    try:
        countries = db.query(con, "countries")
        groups = db.query(con, "population_groups")
    finally:
        con.close()
    codes = topojson_codes()
    in_topojson = countries.code.isin(codes)
    ref = {
        "names": dict(zip(countries.code, countries.name)),
        "group_labels": dict(zip(groups.group_id, groups.label)),
        # Every country has a gap status ("no data" is one) and expected cells, so both map kinds
        # draw one shape per country the topojson has, and one point per other country with coordinates.
        "shapes": int(in_topojson.sum()),
        "points": int((~in_topojson & countries.lat.notna()).sum()),
    }
    print(f"\ntopojson: {len(codes)} named country geometries; database: {len(countries)} countries, "
          f"{ref['shapes']} drawn as shapes, {ref['points']} as points")
    return ref


@pytest.fixture(scope="session")
def first_visit(app_url, browser):
    """The very first session of the fresh server, opened on a deep link (a bookmark after start-up)."""
    visit = open_page(browser, app_url, DEEP_LINK, wait_for=SHAPES)
    seen = {"url": visit.page.url, "view": shown_view(visit.page), **visit.problems()}
    EXTERNAL_REQUESTS.extend(visit.external_requests)
    visit.close()
    return seen


@pytest.fixture(scope="session")
def site(app_url, browser, first_visit):
    """open(path, wait_for=None): a page of the app in a fresh session (after the first visit)."""
    return partial(open_page, browser, app_url)


@pytest.fixture(scope="module", autouse=True)
def summary():
    yield
    if FIRST_MAP_SECONDS:
        print("\n\nTime to the first drawn map (fresh session, from navigation start):")
        for path, seconds in FIRST_MAP_SECONDS.items():
            print(f"  {path:<8} {seconds:5.2f} s")
    print(f"Requests to hosts other than 127.0.0.1: {len(EXTERNAL_REQUESTS)} {EXTERNAL_REQUESTS or ''}")


# ---- helpers on an open page ----

def selectbox_value(page, label: str) -> str:
    return page.get_by_role("combobox", name=label).input_value()


def shown_view(page) -> dict:
    """The goal page's controls as the user sees them."""
    return {"indicator": selectbox_value(page, "Indicator"), "group": selectbox_value(page, "Population group"),
            "end": selectbox_value(page, "Ending in"),
            "bar": [r for r in ("Any citizen data (low)", "Medium", "High")
                    if page.get_by_role("radio", name=r, exact=True).is_checked()]}


def assert_deep_link_view(view: dict, url: str, reference: dict) -> None:
    """The controls show DEEP_LINK's view, and the URL (rewritten by the page) still holds it."""
    assert view["indicator"].startswith("5.2.1 ")  # shown as "<code> <title>"
    assert (view["group"], view["end"], view["bar"]) == (reference["group_labels"]["youth"], "2024", ["High"])
    assert query_of(url).items() >= DEEP_LINK_PARAMS.items()


def status_caption(page) -> str:
    """The caption under a status map counting countries per status."""
    pattern = re.compile("|".join(re.escape(s.label) + r": \d+" for s in STATUSES))
    return page.locator("[data-testid=stCaptionContainer]").filter(has_text=pattern).first.inner_text()


def hover_and_click(page, selector: str, code: str) -> str:
    """Hover the map mark (shape or point) of country `code`, click it; returns the hover label."""
    index = page.locator(selector).evaluate_all(
        "(els, code) => els.findIndex(el => (el.__data__.loc || (el.__data__.data || [])[0]) === code)", code)
    assert index >= 0, f"{code} is not drawn ({selector})"
    mark = page.locator(selector).nth(index)
    mark.scroll_into_view_if_needed()
    box = mark.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    chart = page.locator(".stPlotlyChart", has=page.locator(selector))
    page.wait_for_function("el => el.textContent.length > 0",
                           arg=chart.locator(".hoverlayer").element_handle(), timeout=5000)
    label = chart.locator(".hoverlayer").text_content()
    page.mouse.click(x, y)
    return label


# ---- tests ----

@pytest.mark.parametrize("path", PAGES)
def test_page_draws_offline_without_errors(site, reference, path):
    has_map = path in MAP_PAGES
    visit = site(path, wait_for=SHAPES if has_map or path == CITIZEN_PAGE else None)
    try:
        EXTERNAL_REQUESTS.extend(visit.external_requests)
        assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
        if has_map:
            FIRST_MAP_SECONDS[path] = visit.first_map_seconds
            print(f"\n{path}: first map drawn after {visit.first_map_seconds:.2f} s")
            marks = map_marks(visit.page)
            shapes = [m for m in marks if m["kind"] == "shape"]
            points = [m for m in marks if m["kind"] == "point"]
            assert len(shapes) == reference["shapes"], "every country in the topojson is drawn"
            assert len(points) == reference["points"], "every other country with coordinates is a dot"
            assert len({m["code"] for m in marks}) == len(marks), "no country is drawn twice"
        elif path == CITIZEN_PAGE:  # its map: the countries the demo dataset covers (data/demo/citizen_datasets.csv)
            with (ROOT / "data/demo/citizen_datasets.csv").open(encoding="utf-8") as f:
                spec = next(r for r in csv.DictReader(f) if r["dataset_id"] == "cgd-disability-scorecard")
            assert {m["code"] for m in map_marks(visit.page)} == set(spec["countries"].split("|"))
        else:
            assert visit.page.locator(SHAPES).count() == 0
        if path.startswith("/country"):
            assert visit.page.locator("h1").first.inner_text() == reference["names"]["KEN"]
    finally:
        visit.close()


def test_first_visit_of_a_fresh_server_keeps_the_deep_link(first_visit, reference):
    print(f"\nfirst visit, console errors beyond the base-path probes: {first_visit['console errors']}")
    assert urlsplit(first_visit["url"]).path == "/goal-5"
    assert_deep_link_view(first_visit["view"], first_visit["url"], reference)
    assert first_visit["external requests"] == [] and first_visit["exception boxes"] == []
    # Only Streamlit's first-run message (see FIRST_RUN_PAGE_NOT_FOUND) may appear, and only here.
    assert all(FIRST_RUN_PAGE_NOT_FOUND in e for e in first_visit["console errors"])


def test_deep_link_restores_the_view(site, reference):
    visit = site(DEEP_LINK, wait_for=SHAPES)
    try:
        page = visit.page
        assert_deep_link_view(shown_view(page), page.url, reference)
        # the map is the one asked for: its heading names indicator, group and the window ending in 2024
        heading = f"5.2.1 · {reference['group_labels']['youth']} · 2020–2024"
        assert page.get_by_text(heading, exact=True).count() == 1
        assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
    finally:
        visit.close()


def test_changing_the_group_redraws_the_map(site, reference):
    visit = site("/goal-5?indicator=5.2.1&group=women", wait_for=SHAPES)
    try:
        page = visit.page
        before, caption_before = map_marks(page), status_caption(page)
        page.get_by_role("combobox", name="Population group").click()
        options = page.get_by_role("option").all_inner_texts()
        other = next(o for o in options if o != reference["group_labels"]["women"])
        page.get_by_role("option", name=other, exact=True).click()
        page.wait_for_url(lambda url: query_of(url).get("group") not in (None, "women"), timeout=20_000)
        visit.wait_done()
        page.wait_for_function(
            "([sel, n, before]) => { const now = [...document.querySelectorAll(sel)]"
            ".map(el => el.__data__.loc + getComputedStyle(el).fill).sort().join(); return "
            "document.querySelectorAll(sel).length === n && now !== before }",
            arg=[SHAPES, reference["shapes"],
                 ",".join(sorted(m["code"] + m["fill"] for m in before if m["kind"] == "shape"))],
            timeout=20_000)
        after = map_marks(page)
        print(f"\ngroup women -> {other}: {caption_before!r} -> {status_caption(page)!r}")
        assert selectbox_value(page, "Population group") == other
        assert {m["code"]: m["fill"] for m in after} != {m["code"]: m["fill"] for m in before}
        assert status_caption(page) != caption_before
        assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
    finally:
        visit.close()


@pytest.mark.parametrize("path, code, selector", [
    ("/goal-5?indicator=5.2.1&group=women", "BRA", SHAPES),
    ("/", "KEN", SHAPES),
    ("/goal-14", "MUS", POINTS),  # a small island State, drawn as a dot
], ids=["goal-map-shape", "overview-map-shape", "goal-map-point"])
def test_clicking_a_country_opens_its_profile(site, reference, path, code, selector):
    visit = site(path, wait_for=SHAPES)
    try:
        page = visit.page
        name = reference["names"][code]
        label = hover_and_click(page, selector, code)
        assert label.startswith(name), f"the hover label under the click is {label!r}, not {name!r}"
        page.wait_for_url(lambda url: urlsplit(url).path == "/country", timeout=20_000)
        visit.wait_done()
        page.get_by_role("heading", name=name, level=1).wait_for(timeout=20_000)
        assert query_of(page.url).get("area") == code
        assert page.locator("h1").first.inner_text() == name
        assert selectbox_value(page, "Country or area") == name
        assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
    finally:
        visit.close()


def test_csv_download_has_the_observation_columns(site, tmp_path):
    visit = site("/goal-5?indicator=5.2.1&group=women", wait_for=SHAPES)
    try:
        page = visit.page
        caption = page.locator("[data-testid=stCaptionContainer]").filter(has_text=re.compile(r"\d observations of"))
        shown = int(re.search(r"([\d,]+) observations of", caption.inner_text()).group(1).replace(",", ""))  # 2,040
        button = page.get_by_role("button", name="Download CSV")
        button.scroll_into_view_if_needed()
        with page.expect_download(timeout=20_000) as download:
            button.click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        with target.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        assert target.name.startswith("sdg_5.2.1_women_")
        assert rows[0] == observation_columns()
        assert len(rows) - 1 == shown, "the file holds exactly the rows the page counts"
        assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
    finally:
        visit.close()
