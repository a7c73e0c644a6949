"""Streamlit glue shared by the pages: the cached connection and queries, the common controls, the
demo-data notice. Pages call these; they never open the database themselves."""

import logging
import math
import os
import pickle
import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gapmonitor import accounts, db, i18n, safe_csv, throttle, uploads
from gapmonitor import once
from gapmonitor.i18n import N_, _, n_
from gapmonitor.maps import TOPOJSON_CONFIG, VALUE_KINDS, drawn_codes, unit_label
from gapmonitor.statuses import BY_CODE, QUALITY_BARS, STATUSES

uploads.start()  # the app starts: uploads a stopped or killed app left go now, not at the next upload

from gapmonitor.evidence import DEMO_NOTICE  # noqa: E402  (the pages and the exports say it in the same words)
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
    try:
        stat = os.stat(path)
        if (path, stat.st_ino, stat.st_mtime_ns, stat.st_size) in _CHECKED:  # every query asks: one stat, no more
            return stat.st_ino, stat.st_mtime_ns
    except FileNotFoundError:
        pass
    if not db.ready(path):
        try:
            with st.spinner(_("Preparing the database (first start, or a new version of it)…")):
                db.ensure_database(path)
        except db.DamagedDatabase as damage:
            damaged_database(damage)
    _adopt_shared_password(path)
    stat = os.stat(path)
    _CHECKED.add((path, stat.st_ino, stat.st_mtime_ns, stat.st_size))
    return stat.st_ino, stat.st_mtime_ns


_CHECKED: set[tuple] = set()  # database file versions found ready (and given their administrator) by _stamp


def damaged_database(damage) -> None:
    """Stop the page with what is wrong with the database, in plain words, and the way back (no
    traceback, no server path)."""
    st.error(_("**The database cannot be read: {problem}.** Nothing can be shown until it is repaired. "
               "Whoever runs the app can see what is wrong with `python -m gapmonitor check` and bring the last "
               "good version back with `python -m gapmonitor restore`; the pages then work again.",
               problem=damage.what), icon="🛑")
    st.stop()


@st.cache_resource(show_spinner=False, max_entries=1)  # no words here: they would be fixed at import, in English
def _connection(stamp: tuple[int, int]):
    # One connection per server process and database version; db.query runs each statement on its
    # own cursor, since DuckDB connections are not safe to share across Streamlit's session threads.
    return db.connect()


_RESULTS = once.Kept(512)  # query results, per database version, query and parameters
_WORK = once.Kept(256)     # what pages derive from them (ui.kept)


def _query(stamp: tuple[int, int], name: str, **params) -> pd.DataFrame:
    # Kept as one frame for every session and run, handed out as a shallow copy: under pandas' copy-on-write
    # a page that changes its copy changes nothing else, and no run pays for copying (st.cache_data
    # unpickles a copy at every read: 14 ms for the goal page's 35,000 observations at full scale).
    key = (stamp, name, once.frozen(params))
    return _RESULTS.get(key, lambda: db.query(_connection(stamp), name, **params)).copy(deep=False)


def import_preview(path, fmt: str | None, name: str, **options):
    """What importing a file would write, checked against the current database (importer.load). Kept in
    the session for the same file, format, options and database version: the Import button's rerun writes
    the preview the page showed, rather than reading the file again (seconds for a million rows)."""
    from gapmonitor import importer

    stamp, stat = _stamp(), os.stat(path)
    key = (str(path), stat.st_mtime_ns, stat.st_size, fmt, name, repr(sorted(options.items())))
    kept = {k: v for k, v in st.session_state.get("_import_previews", {}).items() if k[0] == stamp}
    if (stamp, key) not in kept:
        with db.cursor(_connection(stamp)) as cur:
            kept[(stamp, key)] = importer.load(cur, path, fmt, name=name, **options)
        # a few files at once (several files, a zip) are previewed, then written: keep each until then
        st.session_state["_import_previews"] = dict(list(kept.items())[-IMPORT_PREVIEWS_KEPT:])
    return kept[(stamp, key)]


IMPORT_PREVIEWS_KEPT = 32  # in a session: a zip of many files reads its files again at the import


def released_estimates(rows: pd.DataFrame, subject: str = "people") -> pd.DataFrame:
    """A records preview's estimates as they would be released (estimates.as_released): of people,
    small cells suppressed; of places, only flagged."""
    from gapmonitor import estimates

    with db.cursor(_connection(_stamp())) as cur:
        return estimates.as_released(cur, rows, subject)


def forget_results() -> None:
    """Drop every kept query result, figure and view (the benchmark times pages that compute them)."""
    st.cache_data.clear()
    for results in (_RESULTS, _WORK, _figure, _evidence):
        results.clear()


def query(name: str, **params) -> pd.DataFrame:
    """The result of queries/<name>.sql for these parameters (cached per database version and parameters)."""
    return _query(_stamp(), name, **params)


def localised(name: str, **params) -> pd.DataFrame:
    """query(name, **params) with its official titles and group labels in the session's language
    (titles.localised: English, the result as it is)."""
    from gapmonitor import titles

    return titles.localised(name, query(name, **params))


SCOPES = {N_("My data"): "user", N_("Demo data"): "demo", N_("Both"): "all"}  # keys: English, in the URL


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
        choice = st.radio(_("Data shown"), options, key="data", format_func=_,
                          index=options.index(param("data", options, "My data")))
    st.query_params.update(data=choice)
    return SCOPES[choice]


def data_notice(scope: str = "all") -> None:
    """Say which data the page shows; demo data is always labelled as such."""
    sources = _observation_sources()
    demo = sources.is_demo.any() and scope in ("demo", "all")
    user = (~sources.is_demo).any() and scope in ("user", "all")
    if demo:
        also = " " + _("Shown together with your imported data.") if user else ""
        st.warning(_("**{notice}.** Values, and the citizen datasets with their producers, are generated for "
                     "demonstration; codes and titles of goals and indicators are official.", notice=_(DEMO_NOTICE))
                   + also, icon="⚠️")
    elif user:
        st.info(n_("Showing your imported data: {n} dataset; see the Data page.",
                   "Showing your imported data: {n} datasets; see the Data page.", int((~sources.is_demo).sum())))


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
        st.markdown(_("**Gap rules**"))
        window = st.slider(_("Period window (years)"), 1, 15, key="window",
                           value=int(param("window", list(range(1, 16)), DEFAULT_WINDOW)),
                           help=_("A cell has data if an observation falls in the window."))
        last = st.selectbox(_("Ending in"), last_years, key="end",
                            index=last_years.index(param("end", last_years, last_years[0])))
        bar = st.radio(_("Quality bar for citizen data"), bars, key="bar", format_func=_,
                       index=bars.index(param("bar", bars, "Medium")),
                       help=_("The lowest quality tier at which citizen data counts as filling a gap."))
        endorsed = st.checkbox(_("Only citizen data the statistical office endorsed"), key="endorsed",
                               value=st.query_params.get("endorsed") == "yes",
                               help=_("Count a citizen dataset only once its NSO review status is 'endorsed'."))
    st.query_params.update(window=str(window), end=str(last), bar=bar, endorsed="yes" if endorsed else "no")
    return {"first_year": last - window + 1, "last_year": last, "min_tier": QUALITY_BARS[bar], "scope": scope,
            "endorsed_only": endorsed}


class _Prepared(go.Figure):
    """A figure built once and shown at many runs: st.plotly_chart asks a figure for its dict at every
    run (to_dict, a deep copy); this one hands over the dict it kept when it was built. Only for
    st.plotly_chart: it holds no traces of its own (copying them would validate them all again)."""

    def __init__(self, fig: go.Figure):
        super().__init__()
        self._kept = fig.to_dict()

    def to_dict(self):
        return self._kept


def _frame_key(df: pd.DataFrame) -> bytes:
    """A frame as the figure cache tells frames apart: its pickle, made in a tenth of the time Streamlit's
    own hashing of a frame takes (equal frames give equal bytes)."""
    return pickle.dumps(df, protocol=pickle.HIGHEST_PROTOCOL)


@st.cache_resource(show_spinner=False, max_entries=128, hash_funcs={pd.DataFrame: _frame_key})
def _figure(name: str, lang: str, _build, *args, **kwargs) -> go.Figure:  # keyed by the builder's name (functions are not hashed)
    with i18n.using(lang):  # the figure's words and number separators
        return _Prepared(_build(*args, **kwargs))


def kept(work, *args, figure: bool = False):
    """`work(query, *args)`: what a page derives from query results (a pure function of the database's version
    and of hashable arguments, e.g. gapmonitor.evidence.countries_observed), done once per database version
    and arguments for every session, where doing it at every rerun would cost the page tens of milliseconds.
    `figure=True`: a figure, kept as st.plotly_chart takes it (see _Prepared). Never change what it returns."""
    def made():
        result = work(query, *args)
        return _Prepared(result) if figure else result

    return _WORK.get((_stamp(), f"{work.__module__}.{work.__qualname__}", once.frozen(args), figure), made)


def figure(build, *args, **kwargs) -> go.Figure:
    """`build(*args, **kwargs)`, a figure of gapmonitor.maps or charts (pure functions of their arguments
    and the language), built once per distinct arguments and language and kept: a rerun that shows the same
    data, or comes back to it, draws nothing again. Never change the figure returned."""
    return _figure(f"{build.__module__}.{build.__qualname__}", i18n.current(), build, *args, **kwargs)


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
    series = c1.selectbox(_("Series to map"), codes, key=f"{key}_series", format_func=described.get,
                          index=codes.index(param("series", codes, counts.idxmax())),
                          help=_("Only series with a value for the group in the period; one at a time, so "
                                 "values of different units never share a scale."))
    kinds = list(VALUE_KINDS)
    mine = values[values.series == series]
    first = next((k for k in kinds if mine[k + "_value"].notna().any()), kinds[0])
    kind = c2.radio(_("Values"), kinds, key=f"{key}_values", format_func=lambda k: _(VALUE_KINDS[k]), horizontal=True,
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
    text = _("No values of {what} in {period} in the data shown (only values of the group itself count: the whole "
             "group, or a breakdown by this group alone).", what=what, period=period)
    if hidden:
        chosen = bar[rules["min_tier"]]
        chosen = _(chosen)  # in two steps: the catalogue's extractor would take "min_tier" for a message
        if rules["endorsed_only"]:
            chosen = _("{bar}, endorsed only", bar=chosen)
        text += " " + n_("**{n} citizen value of datasets below the quality bar** (*{bar}*): choose *{lowest}* in the "
                         "sidebar to see it, with its quality tier.",
                         "**{n} citizen values of datasets below the quality bar** (*{bar}*): choose *{lowest}* in the "
                         "sidebar to see them, with their quality tier.", hidden, bar=chosen, lowest=_(bar[lowest]))
    st.info(text)


def value_caption(shown: pd.DataFrame, kind: str, rules: dict, areas: str = "countries") -> str:
    """What a value map shows: how many areas have a value, and which value each one shows. `areas`:
    "countries" or "areas" (which the map draws)."""
    bar = {rank: name for name, rank in QUALITY_BARS.items()}[rules["min_tier"]]
    bar = _(bar)  # the quality bar's English name is a key (URL); shown in words
    if rules["endorsed_only"]:
        bar = _("{bar}, endorsed", bar=bar)
    period = f"{rules['first_year']}–{rules['last_year']}"
    if kind == "official":
        which = _("the latest official value in {period}", period=period)
    elif kind == "citizen":
        which = _("the latest released citizen estimate in {period} of a dataset meeting the quality bar "
                  "(now *{bar}*; the sidebar changes it)", period=period, bar=bar)
    else:
        which = _("citizen − official in the latest year of {period} with both "
                  "(orange: citizen lower, purple: citizen higher)", period=period)
    counts = dict(count=i18n.format_number(shown[kind + "_value"].notna().sum()), total=i18n.format_number(len(shown)),
                  which=which)
    if areas == "countries":
        return _("**{count} of {total} countries have a value**. Each shows {which}. Only values of the group itself "
                 "count: the whole group, or a breakdown by this group alone (never, say, women aged 15-24 for women).",
                 **counts)
    return _("**{count} of {total} areas have a value**. Each shows {which}. Only values of the group itself "
             "count: the whole group, or a breakdown by this group alone (never, say, women aged 15-24 for women).",
             **counts)


def status_legend() -> None:
    """The five statuses with their colours, for grids that have no legend of their own."""
    chips = "".join(
        f'<span style="white-space:nowrap;margin-right:1.2rem"><span style="display:inline-block;width:0.9rem;'
        f'height:0.9rem;background:{s.colour};vertical-align:middle;margin-right:0.3rem"></span>{s.label}</span>'
        for s in STATUSES
    )
    st.markdown(f'<div style="font-size:0.85rem">{chips}</div>', unsafe_allow_html=True)


def status_counts(statuses: pd.Series) -> None:
    """Under a status map, how many areas have each status, in the legend's order."""
    counts = statuses.value_counts()
    st.caption(" · ".join(_("{status}: {count}", status=s.label, count=i18n.format_number(counts[s.code]))
                          for s in STATUSES if s.code in counts))


def map_table(areas: pd.DataFrame, colour: str, label: str = "", unit: str = "") -> None:
    """Under a map, the areas it draws as a table: name, code and, in words or numbers, what the colour shows;
    for people who cannot tell the colours apart or who use a screen reader. `areas`: the rows given to the
    map function; `colour`: "status", a value kind of maps.VALUE_KINDS (with the series' `unit`), or a 0-100
    coverage column (named `label`)."""
    if "geometry" in areas.columns:  # the shapes themselves are not needed, only whether there is one
        areas = pd.DataFrame(areas.drop(columns="geometry")).assign(_boundary=areas.geometry.notna().to_numpy())
    table, note = _map_table(areas, colour, label, unit, i18n.current())
    with st.expander(n_("The map as a table ({n} area)", "The map as a table ({n} areas)", len(table))):
        st.dataframe(table, hide_index=True, column_config={_("Year"): st.column_config.NumberColumn(format="%d")})
        if note:
            st.caption(note)


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs={pd.DataFrame: _frame_key})
def _map_table(areas: pd.DataFrame, colour: str, label: str, unit: str, lang: str) -> tuple[pd.DataFrame, str]:
    """map_table's rows, in order, and its note: kept per map data and language (a rerun builds nothing)."""
    with i18n.using(lang):
        shape, dot = _("shape"), _("dot")
        if "_boundary" in areas.columns:  # a subnational map draws the areas that have a boundary
            drawn = areas[areas._boundary].assign(drawn_as=shape)
        else:  # a world map: shapes from the topojson, dots for the areas it lacks that have coordinates
            shaped = areas.area.isin(drawn_codes())
            drawn = areas[shaped | areas.lat.notna()].assign(drawn_as=shaped.map({True: shape, False: dot}))
        area, year = _("Area"), _("Year")
        table = pd.DataFrame({area: drawn.name, _("Code"): drawn.area})
        if colour == "status":  # in the legend's order, areas with data first
            table[_("Status")] = drawn.status.map({code: status.label for code, status in BY_CODE.items()})
            order = drawn.status.map({s.code: i for i, s in enumerate(STATUSES)})
            note = ""
        elif colour in VALUE_KINDS:  # areas with a value first
            table[f"{_(VALUE_KINDS[colour])} ({unit_label(unit)})"] = drawn[f"{colour}_value"]
            table[year] = drawn[f"{colour}_year"].astype("Int64")
            order = drawn[f"{colour}_value"].isna()
            note = _("None: no value in the period (grey on the map).")
        else:
            table[f"{label} (%)"] = drawn[colour].round(1)
            order = -drawn[colour].fillna(-1)
            note = ""
        table[_("Drawn as")] = drawn.drawn_as
    return table.assign(_order=order).sort_values(["_order", area], kind="stable").drop(columns="_order"), note


def headers(**labels: str) -> dict:
    """st.dataframe's column_config naming columns in words (`column=N_("English words")`), in the session's
    language; the frame keeps its column names (the code and the CSV downloads use them)."""
    return {column: st.column_config.Column(_(label)) for column, label in labels.items()}


def download(df: pd.DataFrame, file_name: str, label: str | None = None, headers: dict | None = None) -> None:
    """A CSV download of exactly the rows shown. In English its columns keep their names (scripts read them);
    in another language `headers` (column -> N_("English words")) names them in that language."""
    if headers and i18n.current() != i18n.DEFAULT:
        df = df.rename(columns={column: _(words) for column, words in headers.items()})
    # cells starting with = + - @ are neutralised: a spreadsheet would run them as formulas. The file is
    # made on the click (a callable): a file made at every run is dropped at the next one, and a browser
    # still showing the old button got a 404 when a control changed (bench/load.py saw it under load).
    st.download_button(label or _("Download CSV"), lambda: safe_csv.to_csv(df), file_name=file_name, mime="text/csv")


def actor() -> accounts.Actor:
    """Who this session acts as: the signed-in account as the database has it now (a role changed or an
    account deactivated since the sign-in counts at once), or a viewer."""
    signed_in = st.session_state.get("actor")
    if signed_in is None:
        return accounts.VIEWER
    current = _account(_stamp(), signed_in.username)
    if current is None:  # deactivated since, or a database without it (restored from before it was made)
        st.session_state.pop("actor", None)
        return accounts.VIEWER
    return current


@st.cache_data(show_spinner=False, max_entries=256)
def _account(stamp: tuple[int, int], username: str) -> accounts.Actor | None:
    with db.cursor(_connection(stamp)) as cur:
        return accounts.actor_of(cur, username)


@st.cache_data(show_spinner=False, max_entries=64)
def _uses_shared_password(stamp: tuple[int, int], username: str) -> bool:
    with db.cursor(_connection(stamp)) as cur:
        return accounts.uses_shared_password(cur, username)


def account_list() -> pd.DataFrame:
    """Every account (never a password hash), for the Accounts page."""
    return _account_list(_stamp())


@st.cache_data(show_spinner=False, max_entries=4)
def _account_list(stamp: tuple[int, int]) -> pd.DataFrame:
    with db.cursor(_connection(stamp)) as cur:
        return accounts.listing(cur)


def allowed_here(action: str, what: str) -> accounts.Actor:
    """The session's actor, if it may take `action`; else the page stops with who may, and how to sign in."""
    who = actor()
    if not who.may(action):
        least = accounts.ACTIONS[action]  # that role and those above it may
        st.error(_(FOR_ROLES[least], what=what) + " "
                 + (_("Sign in (sidebar) with such an account.") if who.role == accounts.VIEWER.role
                    else _("You are signed in as a {role}.", role=accounts.role_name(who.role))))
        st.stop()
    return who


# Whom a page is for, by the least role it needs (accounts.ROLES: each role may do what the ones before it may).
FOR_ROLES = {"viewer": N_("{what} is for viewers, contributors, stewards and administrators."),
             "contributor": N_("{what} is for contributors, stewards and administrators."),
             "steward": N_("{what} is for stewards and administrators."),
             "administrator": N_("{what} is for administrators.")}


EDITOR_PASSWORD_ENV = accounts.SHARED_PASSWORD_ENV
_checked_for_accounts: set[tuple] = set()  # database file versions already looked at for adoption


def _shared_password() -> str | None:
    """The shared editor password of versions before 10 (`editor_password` in Streamlit secrets, or
    $GAPMONITOR_EDITOR_PASSWORD): read only to make the first administrator of a database without accounts."""
    try:
        secret = st.secrets.get("editor_password")
    except Exception:  # no secrets file at all
        secret = None
    return secret or os.environ.get(EDITOR_PASSWORD_ENV) or None


def _adopt_shared_password(path) -> None:
    """Once per database file version: a database with no account and a shared password configured gets
    the administrator made from it (accounts.adopt_shared_password)."""
    stat = os.stat(path)
    key = (str(path), stat.st_ino, stat.st_mtime_ns)
    if key not in _checked_for_accounts:
        if password := _shared_password():
            accounts.adopt_shared_password(path, password)
        _checked_for_accounts.add(key)


SIGN_IN = throttle.Throttle()  # failed sign-ins, per account and per client, for this process
log = logging.getLogger("gapmonitor.sign_in")


def _client() -> tuple[str, list[str]]:
    """Who tries a password, for the log, and the keys its failures count against: the client's address
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
    return n_("{n} second", "{n} seconds", n) if n < 120 else n_("{n} minute", "{n} minutes", math.ceil(n / 60))


def _named(username: str) -> str:
    """An account as the log names it; a username that is no account is not written down (it may be a
    password typed in the wrong box)."""
    return f"account {username}" if accounts.is_account(username, db.database_path()) else "an unknown username"


def _checked_password(username: str, password: str) -> accounts.Actor | None:
    """The account if the password is right. After a wrong one the account and the client wait (1 s,
    then 2, 4... up to 5 minutes): a try before then is refused unchecked, with a message either way."""
    name = (username or "").strip().lower()
    client, keys = _client()
    keys = [f"account {name}", *keys]
    if (wait := SIGN_IN.wait(keys)) > 0:
        log.warning("sign-in to %s from %s refused unchecked: %.1f s left of the wait after wrong passwords",
                    _named(name), client, wait)
        st.error(_("Too many wrong passwords: try again in {wait}.", wait=_seconds(wait)))
        return None
    if found := accounts.sign_in(name, password, db.database_path()):
        SIGN_IN.succeeded(keys)
        return found
    failures, wait = SIGN_IN.failed(keys)
    log.warning("wrong password for %s from %s: %d in a row; next try allowed in %.0f s",
                _named(name), client, failures, wait)
    st.error(_("Wrong username or password. You can try again in {wait}.", wait=_seconds(wait)))
    return None


def _identity_providers() -> list[str] | None:
    """The identity providers configured for st.login (`[auth]` in Streamlit secrets): 'default' for one
    given in [auth] itself, and the name of each [auth.<name>] section; [] when there is none; None when
    one is configured but the Authlib package st.login needs is not installed."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file at all
        section = None
    if not section:
        return []
    names = (["default"] if "client_id" in section else []) + [
        name for name, value in section.items() if hasattr(value, "get") and "client_id" in value]
    try:
        import authlib  # noqa: F401  (st.login needs it)
    except ImportError:
        return None
    return names


def _identity_sign_in(providers: list[str] | None) -> None:
    """Sign-in through an identity provider: its e-mail address must be an active account's."""
    if providers is None:
        st.caption(_("Sign-in through your organisation's identity provider is configured but needs the Authlib "
                     "package on the server (`pip install Authlib`)."))
        return
    if st.user.is_logged_in:
        email = st.user.get("email") or _("(none given)")
        st.error(_("No active account has the e-mail address {email}, so you have no access beyond a viewer's. "
                   "Ask an administrator to give your account this address.", email=email))
        if st.button(_("Sign out of the identity provider")):
            st.logout()
        return
    for provider in providers:
        label = (_("Sign in with your organisation's account") if provider == "default"
                 else _("Sign in with your organisation's account ({provider})", provider=provider))
        if st.button(label, key=f"login_{provider}"):
            st.login(provider)


def _escaped(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", text)


def sign_in_sidebar() -> accounts.Actor:
    """The sidebar of every page: a sign-in form (Username, Password) and, when configured, sign-in through
    an identity provider; once signed in, who and as what, and a way out. Returns the session's actor.
    Call it after st.navigation: in a new server's first run, widgets made before it get other ids than in
    the next run, and the first sign-in of that session was lost."""
    _stamp()  # the database is ready (built, migrated, its first administrator made) before anyone signs in
    providers = _identity_providers()
    if (providers or providers is None) and "actor" not in st.session_state and st.user.is_logged_in:
        if found := accounts.identity_actor(st.user.to_dict(), db.database_path()):
            st.session_state["actor"], st.session_state["identity"] = found, True
            st.rerun()  # the navigation is made for the session's actor
    who = actor()
    with st.sidebar:
        if who.role == accounts.VIEWER.role:
            with st.form("sign_in"):
                username = st.text_input(_("Username"))
                password = st.text_input(_("Password"), type="password")
                if st.form_submit_button(_("Sign in")) and (found := _checked_password(username, password)):
                    st.session_state["actor"] = found
                    st.rerun()
            if providers or providers is None:
                _identity_sign_in(providers)
            return who
        st.markdown(_("Signed in as {name} ({role})", name=_escaped(who.display_name or who.username),
                      role=accounts.role_name(who.role)))
        if done := st.session_state.pop("sidebar_done", None):
            st.success(done)
        if _uses_shared_password(_stamp(), who.username):
            st.warning(_("Your password is the shared editor password of earlier versions. Set your own below, and "
                         "make a named account for each person who used it (page Accounts)."))
        if st.button(_("Sign out")):
            st.session_state.pop("actor", None)
            if st.session_state.pop("identity", False):
                st.logout()
            st.rerun()
        if not st.session_state.get("identity"):
            _change_own_password(who)
    return who


def _change_own_password(who: accounts.Actor) -> None:
    with st.expander(_("Change your password")):
        with st.form("own_password", clear_on_submit=True):
            current = st.text_input(_("Current password"), type="password")
            new = st.text_input(_("New password"), type="password",
                                help=_("At least {count} characters: a few unrelated words are easy to remember and "
                                       "hard to guess.", count=accounts.PASSWORD_MIN))
            again = st.text_input(_("New password again"), type="password")
            if st.form_submit_button(_("Change password")):
                if new != again:
                    st.error(_("The two new passwords differ."))
                elif _checked_password(who.username, current):
                    try:
                        accounts.set_password(who, who.username, new, current=current)
                    except ValueError as e:
                        st.error(_("Not changed: {reason}.", reason=e))
                    else:
                        st.session_state["sidebar_done"] = _("Your password is changed.")
                        st.rerun()


NEW_STORY = ""  # the story choice that makes a new one


def save_view(page: str, title: str = "") -> None:
    """'Save this view to a story', in the sidebar, for accounts that may save stories (a viewer sees
    nothing; stories.save_view refuses anyway). Saves the page's URL path and its current URL state, with a
    step title (`title` suggests one; left blank, the view's own title as its brief has it) and a note for
    the presenter, into a new story or one the account may change."""
    from gapmonitor import stories

    who = actor()
    if not who.may("save story"):
        return
    listed = localised("stories")
    listed = listed[listed.created_by.map(lambda owner: stories.may_change(who, owner)).astype(bool)]  # a steward: all
    titles = dict(zip(listed.story_id, listed.title))
    with (st.sidebar.expander(_("Save this view to a story")),
          st.form(f"save_view_{page}", clear_on_submit=True, border=False)):
        chosen = st.selectbox(_("Story"), [NEW_STORY, *titles], format_func=lambda s: titles.get(s, _("New story")))
        new_title = st.text_input(_("Title of the new story"), placeholder=_("Only for a new story"))
        step_title = st.text_input(_("Step title"), value=title, max_chars=stories.MAX_TITLE,
                                   placeholder=_("Blank: the view's own title"))
        note = st.text_area(_("Note for the presenter"), max_chars=stories.MAX_NOTE,
                            help=_("Shown when presenting (Note), and in the slides' speaker notes."))
        if st.form_submit_button(_("Save this view")):
            state = st.query_params.to_dict()
            step_title = step_title.strip() or view_evidence(page, state).title
            try:
                story, position = stories.save_view(None if chosen == NEW_STORY else chosen, page,
                                                    state, step_title, note, who,
                                                    new_story=new_title)
            except (stories.StoryError, accounts.NotAllowed) as refused:
                st.error(_("Not saved: {reason}.", reason=refused))
            else:
                st.success(_("Saved as step {position} of “{story}”. The Stories page orders and presents it.",
                             position=position, story=new_title.strip() if chosen == NEW_STORY else titles[story]))


def story_slides(story_id: str, title: str) -> None:
    """'Slides (PPTX)' of a story (stories.deck: one slide per step, as the database holds it now), made on
    the click."""
    from gapmonitor import stories

    lang = i18n.current()  # the download runs outside the session's run, where the language is English
    st.download_button(_("Slides (PPTX)"), lambda: stories.deck(story_id, query, lang=lang), file_name=f"{stories.file_name(title)}.pptx",
                       key=f"slides_{story_id}",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       help=_("One slide per step, editable, with the method, sources and your note as speaker notes"))


def _evidence_base(page: str) -> str | None:
    """The app's address as the browser used it (for the link a brief or slide prints), unless
    $GAPMONITOR_BASE_URL says another (evidence.base_url)."""
    from gapmonitor import evidence

    url = st.context.url
    if os.environ.get(evidence.BASE_URL_SETTING) or not url:
        return None
    return url[: -len(page)].rstrip("/") if url.rstrip("/").endswith("/" + page) else url.rstrip("/")


@st.cache_resource(show_spinner=False, max_entries=64)
def _evidence(stamp: tuple[int, int], page: str, state: tuple, base: str | None):
    """What a view says (evidence.of), once per database version and view: pages show its downloads at
    every run, and a run that changes nothing in the view should not draw its figures again."""
    from gapmonitor import evidence

    return evidence.of(evidence.View(page, dict(state)), query=query, base=base)


def view_evidence(page: str, state: dict, base: str | None = None):
    """What the view of `page` in URL state `state` says (evidence.of), kept per database version and
    language (a saved step's state has no lang: the session's is the one)."""
    state = {**state, "lang": i18n.current()}
    return _evidence(_stamp(), page, tuple(sorted(state.items())), base)


def evidence_downloads(page: str) -> None:
    """'Evidence for the room' at the foot of a goal page, country profile or citizen dataset: the view on
    screen (the page's URL state) as an image of the figure chosen (PNG, SVG), a one-page brief (PDF) and a
    slide (PPTX), each made on the click (gapmonitor/evidence.py says what the view says, once)."""
    from gapmonitor.exports import brief, images, slides

    found = view_evidence(page, st.query_params.to_dict(), _evidence_base(page))
    name = re.sub(r"[^a-z0-9.]+", "-", found.title.lower()).strip("-")
    st.subheader(_("Evidence for the room"))
    st.caption(_("The view on screen as files to take to a meeting: each carries the title, legend, key figures, "
                 "method, sources and licences, the link that restores the view and, on demo data, the demo label."))
    if found.notice:
        st.info(found.notice)
    cols = st.columns([3, 2, 2, 2, 2], vertical_alignment="bottom")
    if found.pictures and not (why := images.available()):
        figures = [p.name for p in found.pictures]
        chosen = cols[0].selectbox(_("Figure"), figures, key=f"evidence_figure_{page}", format_func=_)  # English keys
        figure = re.sub(r"[^a-z0-9]+", "-", chosen.lower()).strip("-")
        cols[1].download_button(_("Image (PNG)"), lambda: images.image(found, chosen, "png"),
                                file_name=f"{name}-{figure}.png", mime="image/png")
        cols[2].download_button(_("Image (SVG)"), lambda: images.image(found, chosen, "svg"),
                                file_name=f"{name}-{figure}.svg", mime="image/svg+xml")
    elif found.pictures:
        cols[0].caption(why)
    cols[3].download_button(_("Brief (PDF)"), lambda: brief.pdf(found), file_name=f"{name}-brief.pdf",
                            mime="application/pdf")
    cols[4].download_button(_("Slide (PPTX)"), lambda: slides.deck([(found, "")]), file_name=f"{name}.pptx",
                            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation")


# ---- submissions and review (gapmonitor/submissions.py) ----------------------------------------------

def actor_params() -> dict:
    """The session's actor as the queries of submissions take it: role, organisation, username."""
    from gapmonitor import submissions

    return submissions.actor_params(actor())


def submission_review(dataset_id: str):
    """A citizen dataset in review as the session's actor may see it (submissions.review): its description,
    estimates as publishing would release them, and history; refused (accounts.NotAllowed) to an actor who
    may not follow it, whatever the page asked for."""
    from gapmonitor import submissions

    return submissions.review(_connection(_stamp()), dataset_id, actor())
