"""Streamlit glue shared by the pages: the cached connection and queries, the common controls, the
demo-data notice. Pages call these; they never open the database themselves."""

import hmac
import logging
import math
import os

import pandas as pd
import streamlit as st

from gapmonitor import accounts, db, safe_csv, throttle, uploads
from gapmonitor.maps import TOPOJSON_CONFIG, VALUE_KINDS, unit_label
from gapmonitor.statuses import QUALITY_BARS, STATUSES

uploads.start()  # the app starts: uploads a stopped or killed app left go now, not at the next upload

DEMO_NOTICE = "Illustrative demo data — not official statistics"
DEFAULT_WINDOW = 5


def ensure_navigation() -> None:
    """Run the page through app.py's navigation. When the first request a new server gets is a deep
    link (/country?area=KEN), Streamlit runs the file in pages/ on its own, in its legacy multipage
    mode (the pages/ folder exists), with a navigation listing file names; rerunning goes through
    app.py, whose st.navigation switches that mode off for the process."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def _stamp() -> tuple[int, int]:
    """Identifies the database file's current version: an import writes a new file and swaps it in,
    so a new inode or mtime means cached connections and results are stale. A file version not yet
    seen is checked first (db.ready: read whole, cached per version); the first start builds it while
    other sessions wait on its lock, with a message; a damaged file stops the page with a plain one."""
    path = db.database_path()
    if not db.ready(path):
        try:
            with st.spinner("Preparing the database (first start, or a new version of it)…"):
                db.ensure_database(path)
        except db.DamagedDatabase as damage:
            damaged_database(damage)
    stat = os.stat(path)
    return stat.st_ino, stat.st_mtime_ns


def damaged_database(damage) -> None:
    """Stop the page with what is wrong with the database, in plain words, and the way back (no
    traceback, no server path)."""
    st.error(f"**The database cannot be read: {damage.what}.** Nothing can be shown until it is repaired. "
             "Whoever runs the app can see what is wrong with `python -m gapmonitor check` and bring the last "
             "good version back with `python -m gapmonitor restore`; the pages then work again.", icon="🛑")
    st.stop()


@st.cache_resource(show_spinner="Preparing the database (first run only)…", max_entries=1)
def _connection(stamp: tuple[int, int]):
    # One connection per server process and database version; db.query runs each statement on its
    # own cursor, since DuckDB connections are not safe to share across Streamlit's session threads.
    return db.connect()


@st.cache_data(show_spinner=False, max_entries=512)
def _query(stamp: tuple[int, int], name: str, **params) -> pd.DataFrame:
    return db.query(_connection(stamp), name, **params)


def import_preview(path, fmt: str | None, name: str, **options):
    """What importing a file would write, checked against the current database (importer.load)."""
    from gapmonitor import importer

    with db.cursor(_connection(_stamp())) as cur:
        return importer.load(cur, path, fmt, name=name, **options)


def released_estimates(rows: pd.DataFrame, subject: str = "people") -> pd.DataFrame:
    """A records preview's estimates as they would be released (estimates.as_released): of people,
    small cells suppressed; of places, only flagged."""
    from gapmonitor import estimates

    with db.cursor(_connection(_stamp())) as cur:
        return estimates.as_released(cur, rows, subject)


def query(name: str, **params) -> pd.DataFrame:
    """The result of queries/<name>.sql for these parameters (cached per database version and parameters)."""
    return _query(_stamp(), name, **params)


SCOPES = {"My data": "user", "Demo data": "demo", "Both": "all"}


def _observation_sources() -> pd.DataFrame:
    """The datasets that hold observations (a framework or boundary import holds none)."""
    sources = query("data_sources")
    return sources[sources.kind != "reference"]


def settings() -> dict[str, int]:
    """The thresholds the office set: min_sample_size (suppression) and reliable_sample_size."""
    return dict(query("settings").itertuples(index=False))


def scope_control() -> str:
    """Which data the pages show: where both imported and demo data exist, the user chooses (default:
    their own data); otherwise everything there is. Returns 'user', 'demo' or 'all'."""
    sources = _observation_sources()
    if not (sources.is_demo.any() and (~sources.is_demo).any()):
        return "all"
    options = list(SCOPES)
    with st.sidebar:
        choice = st.radio("Data shown", options, key="data", index=options.index(param("data", options, "My data")))
    st.query_params.update(data=choice)
    return SCOPES[choice]


def data_notice(scope: str = "all") -> None:
    """Say which data the page shows; demo data is always labelled as such."""
    sources = _observation_sources()
    demo = sources.is_demo.any() and scope in ("demo", "all")
    user = (~sources.is_demo).any() and scope in ("user", "all")
    if demo:
        also = " Shown together with your imported data." if user else ""
        st.warning(f"**{DEMO_NOTICE}.** Values, and the citizen datasets with their producers, are "
                   "generated for demonstration; codes and titles of goals and indicators are official." + also,
                   icon="⚠️")
    elif user:
        st.info(f"Showing your imported data: {int((~sources.is_demo).sum())} dataset(s); see the Data page.")


def param(name: str, options: list, default):
    """A value from the page URL's query parameters if it is one of the options, else the default."""
    value = st.query_params.get(name)
    for option in options:
        if str(option) == value:
            return option
    return default


def gap_controls() -> dict:
    """Period window and quality bar (in the sidebar, kept across pages and in the URL); returns the
    parameters of the gap rules: first_year, last_year, min_tier, scope, endorsed_only. Also says which data is shown."""
    scope = scope_control()
    data_notice(scope)
    years = query("year_range", scope=scope).iloc[0]
    last_years = list(range(int(years.last_year), int(years.first_year) - 1, -1))
    bars = list(QUALITY_BARS)
    with st.sidebar:
        st.markdown("**Gap rules**")
        window = st.slider("Period window (years)", 1, 15, key="window",
                           value=int(param("window", list(range(1, 16)), DEFAULT_WINDOW)),
                           help="A cell has data if an observation falls in the window.")
        last = st.selectbox("Ending in", last_years, key="end", index=last_years.index(param("end", last_years, last_years[0])))
        bar = st.radio("Quality bar for citizen data", bars, key="bar", index=bars.index(param("bar", bars, "Medium")),
                       help="The lowest quality tier at which citizen data counts as filling a gap.")
        endorsed = st.checkbox("Only citizen data the statistical office endorsed", key="endorsed",
                               value=st.query_params.get("endorsed") == "yes",
                               help="Count a citizen dataset only once its NSO review status is 'endorsed'.")
    st.query_params.update(window=str(window), end=str(last), bar=bar, endorsed="yes" if endorsed else "no")
    return {"first_year": last - window + 1, "last_year": last, "min_tier": QUALITY_BARS[bar], "scope": scope,
            "endorsed_only": endorsed}


def plotly_map(fig, key: str):
    """Show a map drawn from the app's own topojson; returns the selection (a click on a country)."""
    return st.plotly_chart(fig, key=key, on_select="rerun", selection_mode="points", config=TOPOJSON_CONFIG)


def series_and_kind(key: str, values: pd.DataFrame) -> tuple[str, str]:
    """The series to map (rows of queries/latest_values_by_area.sql: only series with a value, one at a
    time so that one unit is on one scale) and which values (official, citizen or citizen − official), kept
    in the URL. `key` names the widgets."""
    listed = values.drop_duplicates("series")
    codes = list(listed.series)
    counts = values[[f"{k}_value" for k in VALUE_KINDS]].notna().sum(axis=1).groupby(values.series).sum()
    described = {r.series: f"{r.series} ({unit_label(r.unit)}): {r.series_description}" for r in listed.itertuples()}
    c1, c2 = st.columns([3, 2])
    series = c1.selectbox("Series to map", codes, key=f"{key}_series", format_func=described.get,
                          index=codes.index(param("series", codes, counts.idxmax())),
                          help="Only series with a value for the group in the period; one at a time, so "
                               "values of different units never share a scale.")
    kinds = list(VALUE_KINDS)
    mine = values[values.series == series]
    first = next((k for k in kinds if mine[k + "_value"].notna().any()), kinds[0])
    kind = c2.radio("Values", kinds, key=f"{key}_values", format_func=VALUE_KINDS.get, horizontal=True,
                    index=kinds.index(param("values", kinds, first)))
    st.query_params.update(series=series, values=kind)
    return series, kind


def no_values(what: str, rules: dict, **query) -> None:
    """The message for a value map with nothing to show; when citizen values exist below the quality bar
    (or not endorsed), it says how many and how to see them, rather than "no values"."""
    period = f"{rules['first_year']}–{rules['last_year']}"
    lowest = min(QUALITY_BARS.values())
    hidden = 0
    if rules["min_tier"] > lowest or rules["endorsed_only"]:
        below = _query(_stamp(), "latest_values_by_area", **query, **{**rules, "min_tier": lowest, "endorsed_only": False})
        hidden = int(below.citizen_value.notna().sum())
    bar = {rank: name for name, rank in QUALITY_BARS.items()}
    st.info(f"No values of {what} in {period} in the data shown (only values of the group itself count: the whole "
            "group, or a breakdown by this group alone)."
            + (f" **{hidden} citizen value{'s' * (hidden != 1)} of datasets below the quality bar** (*{bar[rules['min_tier']]}*"
               f"{', endorsed only' if rules['endorsed_only'] else ''}): choose *{bar[lowest]}* in the sidebar to see "
               f"{'them' if hidden != 1 else 'it'}, with {'their' if hidden != 1 else 'its'} quality tier." if hidden else ""))


def value_caption(shown: pd.DataFrame, kind: str, rules: dict, areas: str = "countries") -> str:
    """What a value map shows: how many areas have a value, and which value each one shows."""
    bar = {rank: name for name, rank in QUALITY_BARS.items()}[rules["min_tier"]]
    period = f"{rules['first_year']}–{rules['last_year']}"
    which = {
        "official": f"the latest official value in {period}",
        "citizen": f"the latest released citizen estimate in {period} of a dataset meeting the quality bar "
                   f"(now *{bar}*{', endorsed' if rules['endorsed_only'] else ''}; the sidebar changes it)",
        "difference": f"citizen − official in the latest year of {period} with both "
                      "(orange: citizen lower, purple: citizen higher)",
    }[kind]
    return (f"**{shown[kind + '_value'].notna().sum()} of {len(shown)} {areas} have a value**. "
            f"Each shows {which}. Only values of the group itself count: the whole group, or a breakdown by "
            "this group alone (never, say, women aged 15-24 for women).")


def status_legend() -> None:
    """The five statuses with their colours, for grids that have no legend of their own."""
    chips = "".join(
        f'<span style="white-space:nowrap;margin-right:1.2rem"><span style="display:inline-block;width:0.9rem;'
        f'height:0.9rem;background:{s.colour};vertical-align:middle;margin-right:0.3rem"></span>{s.label}</span>'
        for s in STATUSES
    )
    st.markdown(f'<div style="font-size:0.85rem">{chips}</div>', unsafe_allow_html=True)


def download(df: pd.DataFrame, file_name: str, label: str = "Download CSV") -> None:
    """A CSV download of exactly the rows shown."""
    # cells starting with = + - @ are neutralised: a spreadsheet would run them as formulas. The file is
    # made on the click (a callable): a file made at every run is dropped at the next one, and a browser
    # still showing the old button got a 404 when a control changed (bench/load.py saw it under load).
    st.download_button(label, lambda: safe_csv.to_csv(df), file_name=file_name, mime="text/csv")


def actor() -> accounts.Actor:
    """Who this session acts as: the signed-in account, or a viewer."""
    return st.session_state.get("actor", accounts.VIEWER)


EDITOR_PASSWORD_ENV = "GAPMONITOR_EDITOR_PASSWORD"


def _editor_password() -> str | None:
    """The editor password: Streamlit secrets (editor_password) or $GAPMONITOR_EDITOR_PASSWORD."""
    try:
        secret = st.secrets.get("editor_password")
    except Exception:  # no secrets file at all
        secret = None
    return secret or os.environ.get(EDITOR_PASSWORD_ENV) or None


SIGN_IN = throttle.Throttle()  # failed editor passwords, per client, for this process
log = logging.getLogger("gapmonitor.editor")


def _client() -> tuple[str, list[str]]:
    """Who tries the password, for the log, and the keys its failures count against: the client's address
    and this session (the only key of a client with no address: AppTest, or a browser on this machine).
    Streamlit gives no address for a connection from this machine; then a proxy there (nginx) names the
    client in X-Forwarded-For, whose last entry is the one the proxy added. A remote client's own header
    is never read: it could name anyone."""
    address = st.context.ip_address
    if not isinstance(address, str):  # None, or AppTest's stand-in for a runtime
        address = str(st.context.headers.get("X-Forwarded-For") or "").rsplit(",", 1)[-1].strip() or None
    session = f"session {uploads.session_id()}"
    return (address or session), ([f"address {address}"] if address else []) + [session]


def _seconds(wait: float) -> str:
    n = math.ceil(wait)
    return f"{n} second{'s' * (n != 1)}" if n < 120 else f"{math.ceil(n / 60)} minutes"


def editor_signed_in() -> bool:
    """Whether this session may change data. Without a configured password the app is read-only and
    says how to enable editing; with one, an editor signs in once per session. After a wrong password
    the client waits (1 s, then 2, 4... up to 5 minutes): a try before then is refused unchecked."""
    password = _editor_password()
    if not password:
        st.info(f"This app is read-only. To enable importing and removing data, set an editor password: "
                f"`editor_password` in `.streamlit/secrets.toml`, or the environment variable `{EDITOR_PASSWORD_ENV}`.")
        return False
    if st.session_state.get("editor"):
        return True
    with st.form("sign_in"):
        given = st.text_input("Editor password", type="password")
        if st.form_submit_button("Sign in as editor"):
            client, keys = _client()
            if (wait := SIGN_IN.wait(keys)) > 0:
                log.warning("editor sign-in from %s refused unchecked: %.1f s left of the wait after wrong passwords",
                            client, wait)
                st.error(f"Too many wrong passwords: try again in {_seconds(wait)}.")
            elif hmac.compare_digest(given.encode(), password.encode()):
                SIGN_IN.succeeded(keys)
                st.session_state["editor"] = True
                st.rerun()
            else:
                failures, wait = SIGN_IN.failed(keys)
                log.warning("wrong editor password from %s: %d in a row; next try allowed in %.0f s",
                            client, failures, wait)
                st.error(f"Wrong password. You can try again in {_seconds(wait)}.")
    return False
