"""The interface's language: message catalogues (gettext .po files in gapmonitor/locale, read with Babel),
the language a session chose (sidebar or ?lang=), and numbers and dates written the language's way.

Code marks every interface string: _("text {name}", name=value) translates and then fills the named
placeholders; n_(singular, plural, n, ...) chooses by count; N_("text") only marks a constant for the
catalogue, translated where it is shown with _(CONSTANT). `python scripts/catalogues.py` extracts them.
A message with no translation is shown in English and counted (missing()); tests require none."""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel import Locale, numbers
from babel import dates as babel_dates
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# The switch's languages, each named in itself. French and Spanish have the whole interface; Arabic,
# Russian and Chinese have the official titles of goals, targets and indicators, the rest in English.
LANGUAGES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "ru": "Русский",
             "zh": "中文"}
INTERFACE = ("en", "fr", "es")
BABEL_LOCALES = {"zh": "zh_Hans"}  # the translation files' zh-Hans
DEFAULT = "en"

_chosen: ContextVar[str | None] = ContextVar("language", default=None)
_missing: dict[str, set[str]] = defaultdict(set)


def N_(message: str) -> str:
    """Mark a constant for the catalogue; translate it where it is shown, with _(constant)."""
    return message


@cache
def catalogue(lang: str) -> dict:
    """msgid -> msgstr (a plural's msgid is the singular; its msgstr a tuple) of gapmonitor/locale/<lang>;
    empty and fuzzy entries are left out, so they fall back to English."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT or not path.exists():
        return {}
    with path.open("rb") as f:
        po = read_po(f, locale=lang)
    kept = {}
    for message in po:
        if not message.id or message.fuzzy:
            continue
        if message.pluralizable:
            if all(message.string):
                kept[message.id[0]] = tuple(message.string)
        elif message.string:
            kept[message.id] = message.string
    return kept


def current() -> str:
    """The language of this run: set by using(), else the session's choice (set_language), else English."""
    chosen = _chosen.get()
    if chosen:
        return chosen
    ctx = _script_run_ctx()(suppress_warning=True)
    if ctx is None:  # no Streamlit session (command line, tests): English
        return DEFAULT
    try:  # the session's state straight from the run's context: asked for every word, so kept cheap
        return ctx.session_state["lang"]
    except KeyError:
        return DEFAULT


@cache
def _script_run_ctx():
    from streamlit.runtime.scriptrunner import get_script_run_ctx  # imported when first asked: the CLI needs none

    return get_script_run_ctx


@contextmanager
def using(lang: str):
    """Run a block in a language, outside the session's choice (exports, tests, the command line)."""
    token = _chosen.set(lang if lang in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _chosen.reset(token)


def _translated(message: str, lang: str):
    if lang == DEFAULT:
        return None
    found = catalogue(lang if lang in INTERFACE else DEFAULT).get(message)
    if found is None and lang in INTERFACE:
        _missing[lang].add(message)
    return found


def _(message: str, /, **values) -> str:
    """The message in the current language (English where it has no translation), placeholders filled."""
    text = _translated(message, current()) or message
    return text.format(**values) if values else text


def known(text: str) -> str:
    """`text` in the current language if the catalogue has it, else as it is, not counted as missing: for
    stored text that may be the app's own (the demo story) or anybody's."""
    lang = current()
    found = catalogue(lang).get(text) if lang in INTERFACE and lang != DEFAULT else None
    return found if isinstance(found, str) else text


def n_(singular: str, plural: str, n: int, /, **values) -> str:
    """The singular or plural form for n, in the current language; {n} and the other placeholders filled."""
    lang = current()
    forms = _translated(singular, lang)
    if forms:
        text = forms[_plural_index(lang, n)] if isinstance(forms, tuple) else forms
    else:
        text = singular if n == 1 else plural
    return text.format(n=format_number(n), **values)


def _plural_index(lang: str, n: int) -> int:
    # French counts 0 and 1 as singular; English and Spanish only 1 (the catalogues' Plural-Forms)
    return 0 if (n in (0, 1) if lang == "fr" else n == 1) else 1


def missing(lang: str) -> set[str]:
    """The messages shown in English so far in this process for want of a translation to lang."""
    return set(_missing.get(lang, ()))


def locale(lang: str | None = None) -> Locale:
    lang = lang or current()
    return Locale.parse(BABEL_LOCALES.get(lang, lang))


def format_number(value, digits: int = 0) -> str:
    """A number with the language's separators: 12,345.6 (en), 12 345,6 (fr), 12.345,6 (es)."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return numbers.format_decimal(value, format=pattern, locale=locale(), decimal_quantization=True)


def format_percent(value, digits: int = 0) -> str:
    """A percentage given in points (45.2 -> 45%, 45 %, 45 %), written the language's way."""
    if value is None:
        return "—"
    pattern = locale().percent_formats[None].pattern  # where the sign goes, and its space: 45%, 45 %
    if digits:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return numbers.format_percent(value / 100, format=pattern, locale=locale(), decimal_quantization=True)


def format_date(value, length: str = "medium") -> str:
    """A date (or the date of a timestamp) in the language: Nov 30, 2026; 30 nov. 2026; 30 nov 2026."""
    if value is None:
        return "—"
    return babel_dates.format_date(value, length, locale=locale())


def format_datetime(value, length: str = "medium") -> str:
    if value is None:
        return "—"
    return babel_dates.format_datetime(value, length, locale=locale())


def choose_language() -> str:
    """The session's language, at the top of every run: ?lang= wins (an unknown one falls back to English,
    said in the sidebar), else the session's earlier choice; kept in the URL so a link keeps it; the
    sidebar's switch changes it."""
    import streamlit as st

    asked = st.query_params.get("lang")
    if asked is not None and asked != st.session_state.get("lang"):
        st.session_state["lang"] = asked if asked in LANGUAGES else DEFAULT
        if asked not in LANGUAGES:
            st.session_state["lang_unknown"] = asked
    lang = st.session_state.setdefault("lang", DEFAULT)
    if asked != lang:
        st.query_params["lang"] = lang
    return lang


def language_switch() -> None:
    """The sidebar's language switch, with a word where the interface or a translation is in English."""
    import streamlit as st

    def switched():
        st.session_state["lang"] = st.session_state["lang_switch"]
        st.query_params["lang"] = st.session_state["lang"]
        st.session_state.pop("lang_unknown", None)

    lang = current()
    # the page's language for screen readers and hyphenation: Streamlit's <html lang="en"> otherwise
    interface = lang if lang in INTERFACE else DEFAULT
    st.html(f"<script>document.documentElement.lang = '{interface}';</script>", unsafe_allow_javascript=True)
    with st.sidebar:
        st.selectbox(_("Language"), list(LANGUAGES), index=list(LANGUAGES).index(lang), key="lang_switch",
                     format_func=LANGUAGES.get, on_change=switched)
        unknown = st.session_state.get("lang_unknown")
        if unknown:
            st.caption(_("The language “{code}” is not available: shown in English.", code=unknown))
        if lang not in INTERFACE:
            st.caption("Goal, target and indicator titles in " + LANGUAGES[lang] + "; the interface in English.")
        elif missing(lang):
            st.caption(n_("{n} phrase has no translation yet and is shown in English.",
                          "{n} phrases have no translation yet and are shown in English.", len(missing(lang))))


def plotly_separators(lang: str | None = None) -> str:
    """Plotly's layout.separators (decimal, then thousands) for the language."""
    symbols = locale(lang).number_symbols["latn"]
    return symbols["decimal"] + symbols["group"]
