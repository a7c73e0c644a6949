"""Languages: the catalogues cover every interface message in French and Spanish, a missing one falls back to
English and is counted, titles are the UN's official translations, and numbers are written each language's way."""

import datetime
import string
import sys
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import catalogues  # noqa: E402

from gapmonitor import i18n, titles  # noqa: E402
from gapmonitor.goals import GOALS  # noqa: E402
from gapmonitor.statuses import STATUSES  # noqa: E402

TRANSLATIONS = ROOT.parent / "shared" / "realdata" / "sdg_translations"
FOLDERS = {"fr": "fr", "es": "es", "ar": "ar", "ru": "ru", "zh": "zh-Hans"}


def placeholders(text: str) -> set[str]:
    return {name for _text, name, _spec, _conversion in string.Formatter().parse(text) if name is not None}


@pytest.fixture(scope="module")
def code_messages() -> dict:
    return catalogues.messages(catalogues.SOURCES)


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_interface_message_is_translated(code_messages, lang):
    """Coverage 100%: every message the code marks has a translation (not empty, not fuzzy) in the
    catalogue; `python scripts/catalogues.py` lists the ones missing."""
    catalogue = i18n.catalogue(lang)
    missing = [m for m in code_messages if (m[0] if isinstance(m, tuple) else m) not in catalogue]
    assert not missing, f"{len(missing)} message(s) without a {lang} translation, e.g. {missing[:5]}"
    assert len(code_messages) > 500  # the interface is marked, not only a few words


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_translations_keep_the_placeholders(code_messages, lang):
    """A translation names the same {placeholders} as its English (else filling it would fail or lose a value)."""
    catalogue = i18n.catalogue(lang)
    wrong = []
    for message in code_messages:
        english = message[0] if isinstance(message, tuple) else message
        forms = catalogue.get(english)
        if forms is None:
            continue
        for form in forms if isinstance(forms, tuple) else (forms,):
            if placeholders(form) - {"n"} != placeholders(english) - {"n"}:
                wrong.append((english, form))
    assert not wrong, wrong[:5]


def test_a_missing_translation_falls_back_to_english_and_is_counted():
    with i18n.using("fr"):
        assert i18n._("A sentence no catalogue holds, {n}.", n=3) == "A sentence no catalogue holds, 3."
        assert "A sentence no catalogue holds, {n}." in i18n.missing("fr")
        assert i18n._(STATUSES[0].english_label) != STATUSES[0].english_label  # a known one is translated
    assert "A sentence no catalogue holds, {n}." not in i18n.missing("es")


def test_an_unknown_language_is_english():
    with i18n.using("xx"):
        assert i18n.current() == "en"
        assert GOALS[0].short_title == GOALS[0].english_short_title


def official(lang: str, kind: str) -> dict:
    path = TRANSLATIONS / FOLDERS[lang] / f"global_{kind}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", list(FOLDERS))
def test_goal_titles_are_the_official_translations(lang):
    texts = official(lang, "goals")
    with i18n.using(lang):
        for goal in GOALS:
            assert goal.short_title == " ".join(texts[f"{goal.number}-short"].split())
            assert goal.title == " ".join(texts[f"{goal.number}-title"].split())


@pytest.mark.parametrize("lang", list(FOLDERS))
def test_indicator_and_target_titles_are_the_official_translations(lang):
    indicators, targets = official(lang, "indicators"), official(lang, "targets")
    with i18n.using(lang):
        assert titles.indicator("5.2.1", "English") == " ".join(indicators["5-2-1-title"].split())
        assert titles.indicator("17.19.2", "English") == " ".join(indicators["17-19-2-title"].split())
        assert titles.target("1.a", "English") == " ".join(targets["1-a-title"].split())
        # 11.5.3 came into the framework after the translations: its English title stays
        assert titles.indicator("11.5.3", "English title") == "English title"
        translated = sum(titles.indicator(key[:-6].replace("-", "."), "") != "" for key in indicators)
        assert translated == len(indicators) == 252


def test_numbers_and_dates_follow_the_language():
    # CLDR: French groups with a narrow no-break space and writes a space before %; Spanish groups with a
    # point (from five digits) and writes a comma for decimals
    expected = {"en": ("1,234,567.5", "45.3%", "Nov 30, 2026"),
                "fr": ("1\u202f234\u202f567,5", "45,3\u00a0%", "30 nov. 2026"),
                "es": ("1.234.567,5", "45,3\u00a0%", "30 nov 2026")}
    for lang, (number, percent, date) in expected.items():
        with i18n.using(lang):
            assert i18n.format_number(1234567.5, 1) == number
            assert i18n.format_percent(45.26, 1) == percent
            assert i18n.format_date(datetime.date(2026, 11, 30)) == date


def page_texts(at: AppTest) -> list[str]:
    return [e.value for kind in ("markdown", "caption", "title", "header", "subheader") for e in getattr(at, kind)]


def test_the_language_comes_from_the_url(demo_db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "es"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["lang"] == "es"
    assert at.selectbox(key="lang_switch").value == "es"


def test_an_unknown_language_in_the_url_is_said_and_english_is_shown(demo_db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "xx"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["lang"] == "en"
    assert any("“xx” is not available" in text for text in page_texts(at))
