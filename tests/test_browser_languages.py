"""Every page in French and Spanish, in the real browser: no English interface string left (every message of
the catalogues whose translation differs from its English is looked for in the page's text, the map's and
charts' included), official titles, nothing leaving the machine, and the language kept from page to page."""

import re
import sys
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gapmonitor import i18n  # noqa: E402
from gapmonitor.goals import goal  # noqa: E402
from gapmonitor.accounts import Actor  # noqa: E402
from tests.actors import account, sign_in  # noqa: E402
from tests.browser import CHROMIUM, SHAPES, open_page, running_app  # noqa: E402

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason=f"{CHROMIUM} not found: the browser tests need Debian's chromium")

PAGES = ["/", "/goal-5", "/goal-7", "/country?area=KEN", "/citizen?dataset=cgd-disability-scorecard",
         "/stories", "/data", "/about"]
MAP_PAGES = {"/", "/goal-5", "/goal-7"}
ADMINISTRATOR = Actor("a.admin", "administrator", "Test statistical office", "A. Admin")
# What the page shows, as lines: the main area and the sidebar (innerText), and the texts of the SVG
# (Plotly's legends, axes and annotations), which innerText leaves out.
PAGE_TEXT = """() => [
    ...document.body.innerText.split('\\n'),
    ...[...document.querySelectorAll('svg text')].map(t => t.textContent),
].map(s => s.replace(/\\s+/g, ' ').trim()).filter(Boolean)"""


def _plain(message: str) -> str:
    """A message as the page shows it: Markdown's emphasis and links reduced to their text."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", message)
    text = re.sub(r"\*\*|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`", "", text)
    return " ".join(text.split())


@cache
def english_patterns(lang: str) -> tuple[tuple[str, re.Pattern, bool], ...]:
    """Each English message the catalogue translates differently, as a pattern ({placeholders} match any
    text) and whether it is long enough to be looked for inside a line (three words of its own, four with
    placeholders); a shorter one counts only as a whole line (a word like "Data" may be part of a dataset's
    own title). A message that is mostly placeholders ("{start} to {end}") would match data and Streamlit's
    own words, so it needs two words of its own to be looked for at all."""
    found = []
    for english, translated in i18n.catalogue(lang).items():
        first = translated[0] if isinstance(translated, tuple) else translated
        if _plain(first) == _plain(english):
            continue
        parts = re.split(r"\{[^{}]*\}", _plain(english))
        pattern = re.compile(".+?".join(re.escape(p) for p in parts))
        words = len(re.findall(r"[^\W\d_]{2,}", " ".join(parts)))  # words of letters, not ": ."
        if len(parts) > 1 and words < 2:
            continue
        found.append((english, pattern, words >= (4 if len(parts) > 1 else 3)))
    return tuple(found)


def english_left(lines: list[str], lang: str) -> list[tuple[str, str]]:
    """(line, message) for every English interface message the page still shows."""
    left = []
    for english, pattern, inside in english_patterns(lang):
        for line in lines:
            if (pattern.search(line) if inside else pattern.fullmatch(line)):
                left.append((line[:120], english[:80]))
                break
    return left


@pytest.fixture(scope="module")
def site(tmp_path_factory, browser):
    """The app on its own demo database with an administrator's account, its first session run."""
    folder = tmp_path_factory.mktemp("languages-app")
    from gapmonitor import db

    path = db.ensure_database(folder / "gapmonitor.duckdb")
    account(path, ADMINISTRATOR)
    with running_app(path, folder / "streamlit.log") as url:
        open_page(browser, url, "/", wait_for=SHAPES).close()
        yield url


def settled(visit) -> None:
    """Wait until the page has drawn everything: no placeholder of an element still to come, the run over."""
    visit.page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')", timeout=60_000)
    visit.wait_done()


def with_lang(path: str, lang: str) -> str:
    return path + ("&" if "?" in path else "?") + f"lang={lang}"


@pytest.mark.parametrize("lang", ["fr", "es"])
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_english_interface_string(site, browser, path, lang):
    visit = open_page(browser, site, with_lang(path, lang), wait_for=SHAPES if path in MAP_PAGES else None)
    try:
        settled(visit)
        lines = visit.page.evaluate(PAGE_TEXT)
        assert english_left(lines, lang) == []
        assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
        if path.startswith("/goal-"):
            with i18n.using(lang):
                short = goal(int(path.split("-")[1])).short_title
            assert any(short in line for line in lines), short  # the official title
    finally:
        visit.close()


def test_the_check_finds_english():
    """The check can fail: an English page's lines are found, a translated one's are not."""
    english = ["Overview", "Official data", "Goal 5: Gender Equality", "Indicators in this database"]
    assert len(english_left(english, "fr")) >= 3
    with i18n.using("fr"):
        french = [i18n._("Official data"), goal(5).label]
    assert english_left(french, "fr") == []


# The pages listed only for signed-in accounts, by their titles in each language (an administrator sees all)
STEWARDSHIP = {"fr": [("Données", "/data"), ("Soumissions", "/submissions"), ("Journal d’audit", "/audit"),
                      ("Comptes", "/accounts")],
               "es": [("Datos", "/data"), ("Envíos", "/submissions"), ("Registro de auditoría", "/audit"),
                      ("Cuentas", "/accounts")]}


@pytest.mark.parametrize("lang, name", [("fr", "Français"), ("es", "Español")])
def test_the_language_is_kept_across_pages_and_switched_in_the_sidebar(site, browser, lang, name):
    visit = open_page(browser, site, "/about")
    page = visit.page
    try:
        sign_in(page, ADMINISTRATOR.username)  # in English: the switch then turns the whole session
        visit.wait_done()
        page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").filter(has_text="Language").click()
        page.get_by_role("option", name=name).click()
        page.wait_for_function("l => location.search.includes('lang=' + l)", arg=lang, timeout=30_000)
        visit.wait_done()
        for title, path in STEWARDSHIP[lang]:
            page.locator("[data-testid=stSidebarNav] a").filter(has_text=re.compile(f"^{title}$")).first.click()
            page.wait_for_function("p => location.pathname === p", arg=path, timeout=30_000)
            page.wait_for_timeout(500)
            settled(visit)
            assert parse_qs(urlsplit(page.url).query).get("lang") == [lang], page.url
            lines = page.evaluate(PAGE_TEXT)
            assert english_left(lines, lang) == [], path
        assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
    finally:
        visit.close()


@pytest.mark.parametrize("lang", ["ar", "ru", "zh"])
def test_titles_only_languages_show_the_official_titles(site, browser, lang):
    """Arabic, Russian and Chinese have the official titles (the interface stays English, and says so)."""
    visit = open_page(browser, site, with_lang("/goal-16", lang), wait_for=SHAPES)
    try:
        settled(visit)
        lines = visit.page.evaluate(PAGE_TEXT)
        with i18n.using(lang):
            short, title = goal(16).short_title, goal(16).title
        assert short != goal(16).short_title  # a translation, not the English
        assert any(short in line for line in lines), short
        assert any(title in line for line in lines), title
        assert any(line.endswith("the interface in English.") for line in lines)
        assert visit.problems() == {"external requests": [], "console errors": [], "exception boxes": []}
    finally:
        visit.close()
