"""Real-browser tests of the maps of values and of the subnational status map: the goal page's value view
colours countries by value (the highest-valued one in the scale's top colour, those without a value in the
no-data grey) and its numbers are the observations'; the country page draws each county in the colour of
the status its own data gives it.

The app runs on its own database (tests/value_maps_data.py: the demo with Kenya's county boundaries, two
official county values and a low-tier citizen estimate imported), so the shared browser app of
tests/test_browser.py keeps its plain demo database."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gapmonitor import maps  # noqa: E402
from gapmonitor.statuses import STATUSES  # noqa: E402
from tests import value_maps_data as data  # noqa: E402
from tests.browser import CHROMIUM, SHAPES, map_marks, open_page, running_app  # noqa: E402

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason=f"{CHROMIUM} not found: the browser tests need Debian's chromium")

WINDOW = "end=2025&window=5&bar=Medium&data=Both"  # 2021-2025; both the demo and the imported data
FIRST, LAST = data.FIRST, data.LAST
# 5.2.1's one series measures women by definition: its value for women is the one with no breakdown, or
# Sex=FEMALE; the total row first when a year has both (the rule of queries/latest_values_by_area.sql)
GOAL_VALUES = f"/goal-5?indicator=5.2.1&group=women&view=Values&series=VC_VAW_MARR&values=official&{WINDOW}"
COUNTY_STATUS = f"/country?area=KEN&sub_indicator={data.INDICATOR}&sub_group={data.GROUP}&sub_view=Gap+status&{WINDOW}"
COUNTY_VALUES = (f"/country?area=KEN&sub_indicator={data.INDICATOR}&sub_group={data.GROUP}&sub_view=Values"
                 f"&series={data.SERIES}&values=citizen&{WINDOW}")


def rgb(colour: str) -> str:
    """A #rrggbb colour as the browser's computed style writes it."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("value-maps")
    return data.build(folder / "gapmonitor.duckdb", folder / "files")


@pytest.fixture(scope="module")
def site(database, browser):
    with running_app(database, database.with_name("streamlit.log")) as url:
        # a fresh server's first session on a deep link is told "page not found" before st.navigation
        # runs (tests/test_browser.py, FIRST_RUN_PAGE_NOT_FOUND): the overview takes that first session
        open_page(browser, url, "/", wait_for=SHAPES).close()
        yield lambda path: open_page(browser, url, path, wait_for=SHAPES)


def latest_official_for_women(database: Path) -> dict[str, float]:
    """Each country's latest official VC_VAW_MARR value for women in the window, read from the table."""
    rows = data.sql(database, """
        select o.area, o.value
        from observation as o join dataset as d using (dataset_id) join area as a on a.code = o.area
        where d.kind = 'official' and o.series = 'VC_VAW_MARR' and o.dims in ('', 'Sex=FEMALE')
            and o.year between ? and ? and a.kind = 'country'
        qualify row_number() over (partition by o.area order by o.year desc, o.dims) = 1
    """, [FIRST, LAST])
    return dict(rows)


def plotted(page) -> dict[str, list]:
    """The customdata (area, name, value) of every drawn area with a value, from the chart itself."""
    return page.evaluate("""() => Object.fromEntries(
        [...[...document.querySelectorAll('.js-plotly-plot')].find(p => p.querySelector(%r)).data]
            .filter(t => t.name !== %r && t.customdata)
            .flatMap(t => [...t.customdata].map(c => [c[0], c])))""" % (SHAPES, maps.NO_VALUE))


def hover_label(page, code: str) -> str:
    """Hover the shape of area `code`; the hover text shown."""
    index = page.locator(SHAPES).evaluate_all("(els, code) => els.findIndex(el => el.__data__.loc === code)", code)
    assert index >= 0, f"{code} is not drawn"
    shape = page.locator(SHAPES).nth(index)
    shape.scroll_into_view_if_needed()
    box = shape.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    layer = page.locator(".stPlotlyChart", has=page.locator(SHAPES)).locator(".hoverlayer")
    page.wait_for_function("el => el.textContent.length > 0", arg=layer.element_handle(), timeout=5000)
    return layer.text_content()


def fills(page) -> dict[str, str]:
    return {m["code"]: m["fill"] for m in map_marks(page) if m["kind"] == "shape"}


def test_goal_value_map_colours_countries_by_value(site, database):
    visit = site(GOAL_VALUES)
    try:
        expected = latest_official_for_women(database)
        drawn = fills(visit.page)
        with_value = {c: v for c, v in expected.items() if c in drawn}
        assert len(with_value) > 20
        top = max(with_value, key=with_value.get)
        assert drawn[top] == rgb(maps.VALUE_SCALE[-1][1]), "the highest value is the scale's top colour"
        bottom = min(with_value, key=with_value.get)
        assert drawn[bottom] == rgb(maps.VALUE_SCALE[0][1]), "the lowest value is the scale's bottom colour"
        assert len({drawn[c] for c in with_value}) > 10, "different values, different colours"
        no_data = rgb(STATUSES[-1].colour)
        assert {c for c, fill in drawn.items() if fill == no_data} == set(drawn) - set(with_value)
        caption = visit.page.get_by_text(re.compile(r"\d+ of \d+ countries have a value")).first.inner_text()
        assert caption.startswith(f"{len(expected)} of ")  # shapes and points: every country with a value
        assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
    finally:
        visit.close()


def test_goal_value_map_numbers_are_the_observations(site, database):
    visit = site(GOAL_VALUES)
    try:
        expected = latest_official_for_women(database)
        shown = plotted(visit.page)
        assert {c: row[2] for c, row in shown.items()} == pytest.approx(expected)
        country = max((c for c in expected if c in fills(visit.page)), key=expected.get)
        year = data.sql(database, "select max(year) from observation where series = 'VC_VAW_MARR' and area = ? "
                             "and dims in ('', 'Sex=FEMALE') and year between ? and ?", [country, FIRST, LAST])[0][0]
        label = hover_label(visit.page, country)
        assert f"{maps.number_text(expected[country])}% · {year}" in label and "Official data" in label
    finally:
        visit.close()


def test_county_status_map_draws_each_status_colour_where_the_data_puts_it(site, database):
    visit = site(COUNTY_STATUS)
    try:
        expected = data.expected_county_statuses(database)
        assert set(expected.values()) == {s.code for s in STATUSES}  # every status is there to be seen
        colour = {s.code: rgb(s.colour) for s in STATUSES}
        assert fills(visit.page) == {c: colour[s] for c, s in expected.items()}
        assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
    finally:
        visit.close()


def test_county_value_map_shows_the_released_citizen_estimates(site, database):
    visit = site(COUNTY_VALUES)
    try:
        rows = data.sql(database, """
            select area, value, sample_size from observation
            where dataset_id = 'cgd-kenya-county-water' and series = ? and dims = 'Sex=FEMALE'
                and year between ? and ? and sample_size >= 10
            qualify row_number() over (partition by area order by year desc) = 1""", [data.SERIES, FIRST, LAST])
        expected = {a: v for a, v, _ in rows}
        shown = plotted(visit.page)
        assert {c: row[2] for c, row in shown.items()} == pytest.approx(expected)  # not the low-tier county
        drawn = fills(visit.page)
        top = max(expected, key=expected.get)
        assert drawn[top] == rgb(maps.VALUE_SCALE[-1][1])
        assert {c for c, f in drawn.items() if f == rgb(STATUSES[-1].colour)} == set(drawn) - set(expected)
        label = hover_label(visit.page, top)
        sample = next(n for a, _, n in rows if a == top)
        assert f"{maps.number_text(expected[top])}%" in label and f"sample {sample:,}" in label and "95% interval" in label
        assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
    finally:
        visit.close()
