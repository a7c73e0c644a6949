"""A steward imports a real UN SDG export through the Data page in a real browser: sign in, upload,
read the preview, import; the maps then show the imported data, and nothing leaves the machine."""

import csv
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conftest import REALDATA  # noqa: E402
from gapmonitor import db  # noqa: E402
from tests.actors import STEWARD, account, sign_in  # noqa: E402
from tests.browser import CHROMIUM, SHAPES, open_page, running_app  # noqa: E402

EXPORT = REALDATA / "un_sdg_global_db" / "unsdg_4.2.1_t421.csv"

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found: the browser tests need Debian's chromium"),
    pytest.mark.skipif(not EXPORT.exists(), reason="../shared/realdata is absent"),
]


@pytest.fixture(scope="module")
def editor_app(tmp_path_factory):
    """The app on its own database, which has a steward's account."""
    folder = tmp_path_factory.mktemp("editor-app")
    account(db.ensure_database(folder / "gapmonitor.duckdb"), STEWARD)
    with running_app(folder / "gapmonitor.duckdb", folder / "streamlit.log") as url:
        yield url, folder / "gapmonitor.duckdb"


def test_an_editor_imports_a_un_export_and_the_map_shows_it(editor_app, browser):
    url, db_path = editor_app
    with open(EXPORT, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    areas = {r["GeoAreaCode"] for r in rows}
    # one chromium per test session (tests.browser), shared with the other browser tests
    visit = open_page(browser, url, "/data")
    page = visit.page
    sign_in(page, STEWARD.username)
    page.get_by_text("Import a file", exact=True).wait_for()
    page.locator("input[type=file]").first.set_input_files(str(EXPORT))
    page.get_by_text("Preview: nothing is written yet").wait_for(timeout=60_000)
    page.locator("[data-testid=stMetricLabel]", has_text="Groups found").wait_for(timeout=60_000)
    visit.wait_done()
    metrics = dict(zip(page.locator("[data-testid=stMetricLabel]").all_inner_texts(),
                       page.locator("[data-testid=stMetricValue]").all_inner_texts()))
    # every data row of the file has a numeric value and a known series: all are kept
    assert metrics["Rows to import"] == str(len(rows))
    assert metrics["Areas"] == str(len(areas))
    page.get_by_label("Source (publisher, as you would cite it)").fill("UN Global SDG Indicators Database")
    page.get_by_role("button", name="Import").click()
    page.get_by_text("Imported as import-").wait_for(timeout=60_000)
    assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
    visit.close()

    with duckdb.connect(str(db_path), read_only=True) as con:
        stored = con.execute("""
            select count(*) from observation o join dataset d using (dataset_id)
            where not d.is_demo and d.file_name = ?""", [EXPORT.name]).fetchall()[0][0]
    assert stored == len(rows)

    # the goal page now offers the user's data, shown by default, and says so
    goal = open_page(browser, url, "/goal-4?indicator=4.2.1", wait_for=SHAPES)
    assert goal.page.get_by_text("Showing your imported data").count() == 1
    assert goal.page.get_by_role("radiogroup", name="Data shown").count() == 1
    assert goal.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
    goal.close()


SURVEYS = ROOT / "tests" / "surveys"  # made by tests/surveys/make_exports.py


def options_of(page, label: str, typed: str) -> list[str]:
    """The options a Streamlit selectbox offers for what a person types in it (its long lists are drawn
    only in part, so a person narrows them down too); the box is closed again without a choice."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.press_sequentially(typed)
    page.get_by_role("option").first.wait_for()
    offered = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return offered


def test_a_cso_turns_an_odk_central_export_into_estimates_with_a_formula(editor_app, browser):
    """An ODK Central export as it comes, with its XLSForm: the form offers the survey's own labels, guesses
    the coordinates and the submission date; a formula (collection time over 30 minutes) gives a percentage;
    rejected submissions are counted among the records left out; the estimate lands in the database."""
    url, db_path = editor_app
    with open(SURVEYS / "odk_water_reports.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["ReviewState"] != "rejected"]
    expected = 100 * sum(int(r["water-minutes_to_collect"]) > 30 for r in rows) / len(rows)

    visit = open_page(browser, url, "/data")
    page = visit.page
    sign_in(page, STEWARD.username)
    uploader = page.locator("[data-testid=stFileUploader]", has_text="Records (CSV or XLSX)")
    uploader.locator("input[type=file]").set_input_files(str(SURVEYS / "odk_water_reports.csv"))
    form = page.locator("[data-testid=stFileUploader]", has_text="XLSForm")
    form.locator("input[type=file]").set_input_files(str(SURVEYS / "odk_water_reports.xlsx"))
    page.get_by_text("The form labels").wait_for()
    visit.wait_done()
    # guessed from the export's own columns: ODK's geopoint parts and the server's submission date
    assert page.get_by_role("combobox", name="Latitude column").input_value() == "location-Latitude"
    assert page.get_by_role("combobox", name="Longitude column").input_value() == "location-Longitude"
    assert page.get_by_role("combobox", name="Date or year column (none: one period)").input_value() == "SubmissionDate"
    # the XLSForm's English labels name the columns
    assert "water-main_source — Main source of drinking water" in options_of(page, "Measure column", "main_source")

    page.get_by_text("A formula over columns").click()
    page.get_by_role("textbox", name="Formula").fill("minutes_to_collect > 30")  # the question, not its path
    page.get_by_role("textbox", name="Formula").press("Enter")
    page.get_by_label("SDG indicator (official code)").fill("6.1.1")
    page.get_by_label("SDG indicator (official code)").press("Enter")
    page.get_by_label("What the estimate measures").fill("Households collecting water for over 30 minutes")
    page.get_by_label("What the estimate measures").press("Enter")
    page.get_by_text("Preview: nothing is written yet").wait_for(timeout=60_000)
    visit.wait_done()
    page.locator("[data-testid=stMetricLabel]", has_text="Records in the estimates").wait_for(timeout=60_000)  # drawn
    metrics = dict(zip(page.locator("[data-testid=stMetricLabel]").all_inner_texts(),
                       page.locator("[data-testid=stMetricValue]").all_inner_texts()))
    assert metrics["Records read"] == "30" and metrics["Records in the estimates"] == str(len(rows)) == "26"
    assert metrics["Left out: turned down in the survey tool's review"] == "4"

    page.get_by_label("Source (publisher, as you would cite it)").fill("Water committee reports (made)")
    page.get_by_label("Producer", exact=True).fill("Village water committees")
    page.get_by_label("Producer type").fill("Community-based organisation")
    page.get_by_label("Method").fill("ODK Collect household reports")
    page.get_by_role("button", name="Import").click()
    page.get_by_text("Imported as import-").wait_for(timeout=60_000)
    assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
    visit.close()

    with duckdb.connect(str(db_path), read_only=True) as con:
        (value, n, unit, subject), = con.execute("""
            select o.value, o.sample_size, s.unit, c.subject from observation o join series s on s.code = o.series
            join citizen_dataset c using (dataset_id) join dataset d using (dataset_id)
            where d.file_name = 'odk_water_reports.csv' and o.area = 'MWI' and o.dims = ''""").fetchall()
    assert (value, n, unit, subject) == (pytest.approx(expected), 26, "PERCENT", "people")
