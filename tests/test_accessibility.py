"""Accessibility in the real browser: axe-core finds no critical or serious violation on any page (the
public pages, every goal page, and the stewardship pages signed in), and every control of a goal page is
reached with the Tab key alone.

axe-core is the npm package pinned in package.json (installed by `npm ci` in .ci/run) and injected from
node_modules: no CDN. The app runs on its own demo database, which also has a steward's and an
administrator's account (the stewardship pages are listed only for them)."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gapmonitor import db  # noqa: E402
from gapmonitor.accounts import Actor  # noqa: E402
from gapmonitor.goals import GOALS  # noqa: E402
from tests.actors import STEWARD, account, sign_in  # noqa: E402
from tests.browser import CHROMIUM, DONE, SHAPES, open_page, running_app  # noqa: E402

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found: the browser tests need Debian's chromium"),
]

ADMINISTRATOR = Actor("a.admin", "administrator", "Test statistical office", "A. Admin")
FAILING = ("critical", "serious")
# Streamlit's own markup that the app cannot change, excluded rule by rule and element by element (never a
# rule for the whole page). Streamlit 1.67's sidebar navigation puts each section's header <div> straight
# inside the <ul data-testid=stSidebarNavItems> and the section's <li>s inside that <div>: the list is
# built by Streamlit's frontend (st.navigation), not by the app.
STREAMLIT_OWN = {
    "list": "[data-testid=stSidebarNavItems]",
    "listitem": "[data-testid=stSidebarNavItems] li",
}
# One renderer draws the 17 goal pages; they differ in their header's colour and in their data. The audit
# opens goals with white (1, 5, 16) and dark (7, 11) header text; test_every_goal_header_is_legible checks
# all 17 headers' contrast without a browser (CI time: 17 pages took two minutes).
AUDITED_GOALS = [GOALS[n - 1] for n in (1, 5, 7, 11, 16)]
PUBLIC_PAGES = ["/", *(f"/{g.slug}" for g in AUDITED_GOALS), "/country?area=KEN",
                "/citizen?dataset=cgd-disability-scorecard", "/stories", "/data", "/about"]
MAP_PAGES = {"/", *(f"/{g.slug}" for g in AUDITED_GOALS)}

# Runs axe on the page and returns its critical and serious violations, less the elements of STREAMLIT_OWN
# (an element is Streamlit's when it matches the selector given for the rule, or lies inside one).
RUN_AXE = """async ([failing, own]) => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    const isOwn = (rule, target) => {
        const selector = own[rule];
        if (!selector) return false;
        const el = document.querySelector(target.join(' '));
        return !!(el && el.closest(selector));
    };
    return result.violations.filter(v => failing.includes(v.impact)).map(v => ({
        rule: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
        nodes: v.nodes.filter(n => !isOwn(v.id, n.target)).map(n => ({
            target: n.target.join(' '), html: n.html.slice(0, 240), why: n.failureSummary}))
    })).filter(v => v.nodes.length);
}"""


def axe_violations(page) -> list[dict]:
    """The critical and serious violations axe-core finds on the page as it is now."""
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` at the top of the repository (.ci/run does)"
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, [list(FAILING), STREAMLIT_OWN])


def report(where: str, violations: list[dict]) -> str:
    """The violations as a reader fixes them: rule, impact, what it wants, and each element with why."""
    lines = [f"axe-core: {len(violations)} critical/serious rule(s) violated on {where}"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['rule']}: {v['help']} ({v['url']})")
        for n in v["nodes"]:
            lines.append(f"    at {n['target']}\n      {n['html']}\n      {n['why'].replace(chr(10), ' ')}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def a11y_app(tmp_path_factory):
    """The app on its own demo database with a steward's and an administrator's account."""
    folder = tmp_path_factory.mktemp("a11y-app")
    path = db.ensure_database(folder / "gapmonitor.duckdb")
    account(path, STEWARD)
    account(path, ADMINISTRATOR)
    with running_app(path, folder / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def site(a11y_app, browser):
    """The app's URL once its first session has run: the first session of a fresh server that opens a deep
    path is shown the main page (Streamlit learns st.navigation's pages at the first run; tests/test_browser.py)."""
    open_page(browser, a11y_app, "/", wait_for=SHAPES).close()
    return a11y_app


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_axe_finds_no_serious_violation(site, browser, path):
    visit = open_page(browser, site, path, wait_for=SHAPES if path in MAP_PAGES else None)
    try:
        violations = axe_violations(visit.page)
        assert violations == [], report(path, violations)
        assert visit.external_requests == [], visit.external_requests  # axe came from node_modules
    finally:
        visit.close()


def test_axe_on_a_map_shown_as_a_table(site, browser):
    """The table under a map (open), in each view of the goal page: also clean."""
    visit = open_page(browser, site, "/goal-5", wait_for=SHAPES)
    page = visit.page
    try:
        for view in ("Gap status", "Values", "Coverage of all indicators (%)"):
            page.get_by_role("radiogroup", name="Colour the map by").get_by_text(view, exact=True).click()
            page.wait_for_timeout(300)
            visit.wait_done()
            expander = page.get_by_text("The map as a table", exact=False).first
            expander.click()
            page.locator("[data-testid=stExpanderDetails] [data-testid=stDataFrame]").first.wait_for(timeout=30_000)
            violations = axe_violations(page)
            assert violations == [], report(f"/goal-5, {view}, the map as a table", violations)
    finally:
        visit.close()


def test_the_audit_sees_what_it_should(site, browser):
    """The check can fail: grey text on white and a stray list item put into the app's main area are both
    reported, so neither the injection nor the exclusion of Streamlit's sidebar list hides everything."""
    visit = open_page(browser, site, "/about")
    try:
        visit.page.evaluate("""() => {
            const main = document.querySelector('[data-testid=stMainBlockContainer]');
            main.insertAdjacentHTML('afterbegin',
                '<div id="bad"><p style="color:#bbbbbb;background:#ffffff">Too pale to read</p><li>Stray</li></div>');
        }""")
        found = {v["rule"]: [n["target"] for n in v["nodes"]] for v in axe_violations(visit.page)}
        assert "#bad > p" in " ".join(found.get("color-contrast", [])), found
        assert "#bad > li" in found.get("listitem", []), found
    finally:
        visit.close()


STEWARDSHIP = [(STEWARD, "Submissions", "/submissions"), (STEWARD, "Audit log", "/audit"),
               (ADMINISTRATOR, "Accounts", "/accounts")]


@pytest.mark.parametrize("who, title, path", STEWARDSHIP, ids=[t for _, t, _ in STEWARDSHIP])
def test_axe_on_stewardship_pages_signed_in(site, browser, who, title, path):
    """Listed only for a signed-in steward (administrator for accounts): signed in through the sidebar,
    then opened from the navigation in the same session."""
    visit = open_page(browser, site, "/about")
    page = visit.page
    try:
        sign_in(page, who.username)
        visit.wait_done()
        page.locator("[data-testid=stSidebarNav] a", has_text=title).first.click()
        page.wait_for_function("p => location.pathname === p", arg=path, timeout=30_000)
        page.wait_for_timeout(500)
        visit.wait_done()
        assert page.get_by_text("Signed in as ").count() >= 1
        violations = axe_violations(page)
        assert violations == [], report(f"{title} (signed in as {who.role})", violations)
        assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
    finally:
        visit.close()


# ---- keyboard ----

# What the focused element is, in words: its accessible label (aria-label, the <label> it belongs to, or
# the label of the Streamlit widget around it), its role and its text.
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const widget = el.closest('[data-testid^=stWidget], .stSelectbox, .stRadio, .stSlider, .stCheckbox, '
                               + '.stDownloadButton, .stButton, .stMultiSelect, .stTextInput');
    const widgetLabel = widget && widget.querySelector('[data-testid=stWidgetLabel]');
    return {
        tag: el.tagName.toLowerCase(), role: el.getAttribute('role') || '',
        label: el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].innerText) || '',
        widget: widgetLabel ? widgetLabel.innerText.trim() : '',
        text: (el.innerText || el.value || '').trim().slice(0, 80),
        inSidebar: !!el.closest('[data-testid=stSidebar]'),
    };
}"""


def tab_through(page, presses: int) -> list[dict]:
    """Press Tab `presses` times from the top of the page; what had focus after each press."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")  # start from the top
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused:
            seen.append(focused)
    return seen


def test_every_goal_page_control_is_reached_by_keyboard(site, browser):
    """From the top of goal 5, Tab alone reaches the sidebar's gap rules (period window, ending year, quality
    bar), the indicator, group and view controls, the map's table and the downloads: each takes focus."""
    visit = open_page(browser, site, "/goal-5", wait_for=SHAPES)
    page = visit.page
    try:
        seen = tab_through(page, 160)
        described = json.dumps(seen, ensure_ascii=False, indent=0)[:6000]
        wanted = {
            "period window (sidebar)": dict(widget="Period window (years)", inSidebar=True),
            "ending year (sidebar)": dict(widget="Ending in", inSidebar=True),
            "quality bar (sidebar)": dict(widget="Quality bar for citizen data", inSidebar=True),
            "indicator": dict(widget="Indicator", inSidebar=False),
            "population group": dict(widget="Population group", inSidebar=False),
            "view": dict(widget="Colour the map by", inSidebar=False),
            "the map as a table": dict(text="The map as a table"),
            "CSV download": dict(text="Download CSV"),
            "brief download": dict(text="Brief (PDF)"),
            "slide download": dict(text="Slide (PPTX)"),
        }
        missing = [name for name, fields in wanted.items()
                   if not any(all((f[k] is v) if isinstance(v, bool) else (v in f[k]) for k, v in fields.items())
                              for f in seen)]
        assert missing == [], f"not reached by Tab: {missing}\nfocus went to: {described}"
    finally:
        visit.close()


def test_a_control_reached_by_keyboard_works_by_keyboard(site, browser):
    """Focus is not enough: the view control, reached by Tab, changes the map with the arrow keys."""
    visit = open_page(browser, site, "/goal-5", wait_for=SHAPES)
    page = visit.page
    try:
        for _ in range(200):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused and focused["widget"] == "Colour the map by":
                break
        else:
            pytest.fail("the view control was never focused")
        page.keyboard.press("ArrowDown")  # radio groups move the choice with the arrows
        page.wait_for_function("() => new URLSearchParams(location.search).get('view') === 'Values'", timeout=30_000)
        page.wait_for_selector(DONE, state="attached")
    finally:
        visit.close()


# ---- the table alternative of a map ----

RULES = dict(first_year=2021, last_year=2025, min_tier=1, scope="all", endorsed_only=False)


def _table_of(areas, *args, **kwargs):
    """The frame ui.map_table shows for `areas` (run in a bare Streamlit script)."""
    from streamlit.testing.v1 import AppTest

    def script(areas, args, kwargs):
        from gapmonitor import ui
        ui.map_table(areas, *args, **kwargs)

    at = AppTest.from_function(script, args=(areas, args, kwargs), default_timeout=30).run()
    assert not at.exception, at.exception
    assert [e.label for e in at.expander] == [f"The map as a table ({len(at.dataframe[0].value)} areas)"]
    return at.dataframe[0].value


def _drawn(fig) -> set[tuple[str, str]]:
    """(code, trace name) of every country shape and small-state dot the figure draws."""
    marks = set()
    for trace in fig.data:
        codes = trace.locations if trace.type == "choropleth" else [row[0] for row in trace.customdata]
        marks |= {(code, trace.name) for code in (codes if codes is not None else [])}
    return marks


def test_the_map_table_lists_what_the_status_map_draws(demo_db):
    """Every area the status map colours (shapes and dots) is a row of its table with the status the colour
    stands for, in words, and nothing else is."""
    from gapmonitor import maps

    with db.connect(demo_db) as con:
        areas = db.query(con, "gap_status_by_area", indicator="1.1.1", group_id="disability", **RULES)
    table = _table_of(areas, "status")
    drawn = _drawn(maps.status_map(areas))
    assert set(zip(table.Code, table.Status)) == drawn
    assert len(table) == len(drawn) and set(table["Drawn as"]) == {"shape", "dot"}
    assert len(set(table.Status)) >= 3  # the demo view shows several statuses, so the check means something


def test_the_map_table_of_values_gives_value_unit_and_year(demo_db):
    from gapmonitor import maps

    with db.connect(demo_db) as con:
        values = db.query(con, "latest_values_by_area", indicator="1.1.1", group_id="disability", country=None, **RULES)
    shown = values[values.series == values.series.iloc[0]]
    unit = shown.unit.iloc[0]
    table = _table_of(shown, "official", unit=unit)
    column = f"Official values ({maps.unit_label(unit)})"
    assert list(table.columns) == ["Area", "Code", column, "Year", "Drawn as"]
    assert set(table.Code) == {code for code, _ in _drawn(maps.value_map(shown, "official", unit))}
    expected = shown.set_index("area")
    for row in table.dropna(subset=[column]).itertuples(index=False):
        assert row[2] == expected.official_value[row.Code] and row.Year == expected.official_year[row.Code]
    assert table[column].notna().any() and table[column].isna().any()


def _contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours (written here, not taken from the app)."""
    def luminance(colour):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("goal", GOALS, ids=lambda g: g.slug)
def test_every_goal_header_is_legible(goal):
    """The goal page's header text on the goal's official colour reaches 3:1 (WCAG, large bold text), as
    axe requires of the goals it opens; white where white reaches it, as the UN's own tiles."""
    assert _contrast(goal.text_colour, goal.colour) >= 3
    if _contrast("#ffffff", goal.colour) >= 3:
        assert goal.text_colour == "#ffffff"
