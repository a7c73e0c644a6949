"""What leaves the app for a room, opened again: images (pixels, SVG shapes), the brief's PDF text, the
slides read back with python-pptx, the downloads on the pages, and a map drawn with no network at all."""

import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import plotly.graph_objects as go
import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from gapmonitor import db, evidence
from gapmonitor.evidence import Evidence, Picture, View
from gapmonitor.exports import brief, images, slides
from gapmonitor.statuses import BY_CODE
from tests.browser import SHAPES, open_page

ROOT = Path(__file__).resolve().parents[1]
RULES = dict(first_year=2021, last_year=2025, min_tier=2, scope="all", endorsed_only=False)  # the demo's defaults
GOAL_VIEW = View("goal-5", {"indicator": "5.2.1", "group": "women"})
EMPTY_VIEW = View("goal-5", {"indicator": "5.2.1", "group": "rural", "view": "Values"})  # no value for rural people
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module", autouse=True)
def one_chromium():
    """Every export of this module shares the exporter's one Chromium; it stops when the module is done."""
    yield
    images.EXPORTER.close()


@pytest.fixture(scope="module")
def con(demo_db):
    connection = db.connect(demo_db)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def goal(con) -> Evidence:
    return evidence.of(GOAL_VIEW, con)


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


# ---- images ----

OFFLINE_MAP = """
import socket, sys
import pandas as pd
from gapmonitor import maps
from gapmonitor.evidence import Evidence, Picture, View
from gapmonitor.exports import images

assert [name for _, name in socket.if_nameindex()] == ["lo"], "not in a namespace without a network"
areas = pd.DataFrame({"area": ["BRA", "KEN", "AUS"], "name": ["Brazil", "Kenya", "Australia"],
                      "lat": [None] * 3, "lon": [None] * 3, "status": ["official", "citizen_fills_gap", "no_data"]})
view = Evidence(View("goal-1", {}), "Drawn with no network", "Brazil, Kenya, Australia", colour="#E5243B",
                pictures=(Picture("Map", maps.status_map(areas)),), link="http://localhost:8501/goal-1")
with open(sys.argv[1], "wb") as f:
    f.write(images.image(view, fmt="png", scale=1))
"""


def test_the_map_image_has_country_shapes_with_no_network(tmp_path):
    # run in a network namespace of its own: only a loopback interface, so the shapes can come from nowhere
    # but the app's own topojson (a CDN fetch would fail and leave the map without countries)
    out = tmp_path / "map.png"
    done = subprocess.run(["unshare", "--map-root-user", "--net", sys.executable, "-c", OFFLINE_MAP, str(out)],
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    picture = Image.open(out).convert("RGB")
    assert picture.size == images.SLIDE
    counts = {colour: n for n, colour in picture.getcolors(maxcolors=1 << 20)}
    brazil = counts.get(rgb(BY_CODE["official"].colour), 0)
    kenya = counts.get(rgb(BY_CODE["citizen_fills_gap"].colour), 0)
    australia = counts.get(rgb(BY_CODE["no_data"].colour), 0)
    land = counts.get((0xee, 0xee, 0xee), 0)  # every other country: the land of the topojson
    assert brazil > 5_000 and kenya > 300 and australia > 5_000
    # Brazil (8.5 million km²) is about 15 times Kenya (0.58 million km²), and a small country loses more of its
    # pixels to its white borders; Australia (7.7 million km²) is a little smaller than Brazil, but further from
    # the equator, where the projection stretches it a little. (The top rule is in goal 1's red, no status colour.)
    assert 10 < brazil / kenya < 30
    assert 0.7 < australia / brazil < 1.3
    # the rest of the world's land is drawn too: about 118 million km² (149 less Antarctica, below the map, and
    # the three coloured countries), some 14 Brazils
    assert 8 < land / brazil < 25


def test_a_png_for_slides_has_its_size_and_is_not_blank(goal):
    data = images.image(goal, fmt="png")  # 1600 × 900 at scale 2
    picture = Image.open(io.BytesIO(data)).convert("RGB")
    assert picture.size == (3200, 1800)
    colours = {colour for _, colour in picture.getcolors(maxcolors=1 << 22)}
    for label, count in goal.key_figures:  # every status the key figures count is drawn in its colour
        status = next((s for s in BY_CODE.values() if s.label == label), None)
        if status and count != "0 countries":
            assert rgb(status.colour) in colours, label
    assert rgb(goal.colour) in colours  # the goal's colour on the top rule


def test_an_svg_parses_holds_shapes_and_says_what_it_shows(goal):
    root = ET.fromstring(images.image(goal, fmt="svg"))
    assert (root.get("width"), root.get("height")) == ("1600", "900")
    assert len(root.findall(f".//{SVG}path")) > 150  # the countries of the world map, at least
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for words in (goal.title, evidence.DEMO_NOTICE, "Sources: Illustrative official statistics (demo) (CC BY 4.0)",
                  "2021–2025", "quality bar Medium", "Official data"):  # title, label, source line, legend
        assert words in texts, words


def test_a_long_grid_makes_a_taller_image(con):
    country = evidence.of(View("country", {"area": "KEN"}), con)
    grid = country.picture("Indicators × groups")
    rows = len(grid.figure.data[0].y)
    assert rows > evidence.LONG_GRID
    picture = Image.open(io.BytesIO(images.image(country, "Indicators × groups", scale=1)))
    assert picture.size[0] == 1600 and picture.size[1] > 26 * rows  # every row keeps its height


def test_a_figure_that_cannot_be_drawn_is_a_clear_error(con):
    nothing = Evidence(View("goal-1", {}), "An empty map", "", pictures=(
        Picture("Map", go.Figure(go.Choropleth(locations=[], z=[]))),))
    with pytest.raises(images.ImageError, match="Map of “An empty map” cannot be drawn: it holds no data"):
        images.image(nothing)
    empty = evidence.of(EMPTY_VIEW, con)
    with pytest.raises(images.ImageError, match="no figure named 'Map'"):
        images.image(empty, "Map")
    missing = evidence.of(View("citizen", {"dataset": "removed-survey"}), con)
    with pytest.raises(images.ImageError, match="no figure to draw. Citizen dataset 'removed-survey' is not in"):
        images.image(missing)
    invisible = go.Figure(go.Scatter(x=[1], y=[1], mode="markers", marker_opacity=0))
    invisible.update_layout(xaxis_visible=False, yaxis_visible=False, plot_bgcolor="#ffffff")
    with pytest.raises(images.ImageError, match="came out blank"):
        images.figure_image(invisible, name="An invisible point")
    with pytest.raises(images.ImageError, match="PNG or SVG, not 'gif'"):
        images.image(empty, "Coverage matrix", fmt="gif")


# ---- the brief ----

def test_the_brief_holds_the_view_and_its_figures(con, goal):
    reader, text = pdf_text(brief.pdf(goal))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    title = db.query(con, "indicators_for_goal", goal=5, scope="all").set_index("indicator").title["5.2.1"]
    for words in ("5.2.1", " ".join(title.split()[:12]), "Women and girls", "2021–2025", evidence.DEMO_NOTICE,
                  "Restore this view", "Illustrative official statistics (demo)", "CC BY 4.0"):
        assert words in text, words
    # the figures the page shows, counted from the query results here
    statuses = db.query(con, "gap_status_by_area", indicator="5.2.1", group_id="women", **RULES).status
    official = int((statuses == "official").sum())
    filled = int((statuses == "citizen_fills_gap").sum())
    assert f"{official} countries Official data" in text
    assert f"{filled} countr{'y' if filled == 1 else 'ies'} Citizen data fills the gap" in text
    summary = db.query(con, "goal_summary", goal=5, **RULES).iloc[0]
    assert f"{summary.official_pct:.0f}% Official coverage" in text
    assert f"{int(summary.citizen_datasets)} Citizen datasets" in text


def test_the_brief_of_an_empty_view_says_so(con):
    empty = evidence.of(EMPTY_VIEW, con)
    reader, text = pdf_text(brief.pdf(empty))
    assert len(reader.pages) == 1
    assert "No values of 5.2.1 for Rural population in 2021–2025 in the data shown" in text
    assert "Rural population" in text and evidence.DEMO_NOTICE in text


def test_the_brief_of_a_view_the_database_lost_says_what_is_missing(con):
    missing = evidence.of(View("goal-5", {"indicator": "5.9.9"}), con)
    reader, text = pdf_text(brief.pdf(missing))
    assert len(reader.pages) == 1
    assert "Indicator 5.9.9 is not in this database" in text


def test_a_long_brief_still_fits_one_page(con):
    country = evidence.of(View("country", {"area": "KEN"}), con)
    many = Evidence(country.view, country.title, country.subtitle, country.colour, country.pictures,
                    country.key_figures, country.citizen * 4, country.method, country.sources * 3, country.link,
                    country.demo)
    reader, text = pdf_text(brief.pdf(many))
    assert len(reader.pages) == 1
    assert "more: see the view" in text


# ---- slides ----

def test_the_deck_has_a_slide_per_view_with_notes(con, goal):
    citizen = evidence.of(View("citizen", {"dataset": "cgd-kenya-county-water"}), con)
    gone = evidence.of(View("citizen", {"dataset": "removed-survey"}), con)
    deck = Presentation(io.BytesIO(slides.deck([(goal, "Start with the map."), (citizen, ""), (gone, "If removed, skip.")])))
    shown = list(deck.slides)
    assert [s.shapes.title.text for s in shown] == [goal.title, citizen.title, "Not in this database"]
    for slide, (found, note) in zip(shown, [(goal, "Start with the map."), (citizen, ""), (gone, "If removed, skip.")]):
        notes = slide.notes_slide.notes_text_frame.text
        assert found.link in notes
        if note:
            assert f"Presenter's note: {note}" in notes
        texts = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        for label, value in found.key_figures:  # editable text, not part of the picture
            assert label in texts and value in texts
    first = shown[0].notes_slide.notes_text_frame.text
    assert f"Method: {goal.method}" in first
    assert "Illustrative official statistics (demo) — SDG Gap Monitor demo generator" in first
    assert sum(shape.shape_type == 13 for shape in shown[0].shapes) == 1  # 13: a picture
    assert evidence.DEMO_NOTICE in " ".join(s.text_frame.text for s in shown[0].shapes if s.has_text_frame)
    assert not any(shape.shape_type == 13 for shape in shown[2].shapes)
    assert "Citizen dataset 'removed-survey' is not in this database" in " ".join(
        s.text_frame.text for s in shown[2].shapes if s.has_text_frame)


# ---- on the pages ----

def test_the_goal_page_offers_each_figure_and_the_brief(demo_db):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string("from pages.goal import goal_page\ngoal_page(5)()", default_timeout=90)
    at.query_params.update(indicator="5.2.1", group="women")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="evidence_figure_goal-5").options == ["Map", "Coverage matrix", "Values over time"]
    buttons = {b.proto.label: b.proto.disabled for b in at.get("download_button")}
    assert {k: buttons[k] for k in ("Image (PNG)", "Image (SVG)", "Brief (PDF)", "Slide (PPTX)")} == dict.fromkeys(
        ("Image (PNG)", "Image (SVG)", "Brief (PDF)", "Slide (PPTX)"), False)


def test_downloads_from_the_running_app(app_url, browser, tmp_path):
    # a fresh server's very first session, on a deep link, shows Streamlit's "page not found" once (see
    # tests/test_browser.py): open the app's front page first, as a person starting the app would
    open_page(browser, app_url, "/").close()
    visit = open_page(browser, app_url, f"/{GOAL_VIEW.relative_url()}", wait_for=SHAPES)
    try:
        page = visit.page
        got = {}
        for label in ("Brief (PDF)", "Image (PNG)"):
            button = page.get_by_role("button", name=label)
            button.scroll_into_view_if_needed()
            with page.expect_download(timeout=120_000) as download:
                button.click()
            target = tmp_path / download.value.suggested_filename
            download.value.save_as(target)
            got[label] = target
        assert got["Brief (PDF)"].name == "goal-5-gender-equality-5.2.1-for-women-and-girls-brief.pdf"
        reader, text = pdf_text(got["Brief (PDF)"].read_bytes())
        assert len(reader.pages) == 1 and "5.2.1" in text and "Women and girls" in text
        assert re.search(r"Restore this view http://127\.0\.0\.1:\d+/goal-5\?", text)  # the address the browser used
        assert Image.open(got["Image (PNG)"]).size == (3200, 1800)
        assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
    finally:
        visit.close()
