"""What a view of the app says, once: its title, figures, key figures, what citizen data adds and how far
to trust it, the method, sources and licences, and the link that restores it. The images, the brief and
the slides (gapmonitor/exports/) are all made from an Evidence; no Streamlit here.

A view is a page path and its URL state (`View("goal-5", {"indicator": "5.2.1", "group": "rural"})`);
`of(view, con)` resolves it the way the page does (the same defaults, the same queries, the same figure
functions), so what leaves the app is what the page showed."""

import os
from dataclasses import dataclass, field, replace
from collections.abc import Callable
from functools import cached_property, partial
from urllib.parse import parse_qsl, urlencode, urlsplit

import pandas as pd
import plotly.graph_objects as go

from gapmonitor import charts, i18n, maps
from gapmonitor import titles as official
from gapmonitor.goals import GOALS
from gapmonitor.goals import goal as get_goal
from gapmonitor.statuses import NOT_IN_DATABASE, QUALITY_BARS, STATUSES, TIER_LABELS
from gapmonitor.i18n import N_, _, format_number, format_percent, n_
from gapmonitor.stewardship import MAX_SCORE, PARTICIPATION

DEMO_NOTICE = N_("Illustrative demo data — not official statistics")  # shown with _(DEMO_NOTICE)
# The pages' defaults and choices (gapmonitor/ui.py, pages/goal.py, pages/country.py): a test holds them equal.
DEFAULT_WINDOW = 5
SCOPES = {"My data": "user", "Demo data": "demo", "Both": "all"}
GOAL_VIEWS = ["Gap status", "Values", "Coverage of all indicators (%)"]
SUB_VIEWS = ["Gap status", "Values"]
PAGES = ("goal-N", "country", "citizen")
# Where the app is reached, for the link printed on a brief or slide (a relative URL is no use on paper).
BASE_URL_SETTING = "GAPMONITOR_BASE_URL"
DEFAULT_BASE_URL = "http://localhost:8501"
ALL_YEARS = 9999  # the last year of "every year" for the queries' year ranges
NEUTRAL_COLOUR = "#004488"  # the header of a view that belongs to no goal: the 'official data' blue


@dataclass(frozen=True)
class View:
    """A page (its URL path: goal-5, country, citizen) and its URL state."""
    page: str
    params: dict = field(default_factory=dict)

    @classmethod
    def parse(cls, url: str) -> "View":
        """The view a link restores: 'goal-5?indicator=5.2.1&group=rural', with or without the address."""
        parts = urlsplit(url)
        return cls(parts.path.strip("/").rsplit("/", 1)[-1], dict(parse_qsl(parts.query)))

    def relative_url(self) -> str:
        return self.page + (f"?{urlencode(self.params)}" if self.params else "")


@dataclass(frozen=True)
class Picture:
    """One figure of a view, as the page draws it. `legend`: (label, colour) pairs for a figure that draws
    no legend of its own (the status grid); the exports print them beside it. `draw` makes the figure (or
    is it): pages list a view's pictures at every run, and only a file made on a click needs them drawn."""
    name: str                     # English, a key (the page's choice, a file name); shown with _(name)
    draw: Callable[[], go.Figure] | go.Figure
    legend: tuple = ()
    lang: str = i18n.DEFAULT      # the language its words are drawn in: its view's

    @cached_property
    def figure(self) -> go.Figure:
        if not callable(self.draw):
            return self.draw
        with i18n.using(self.lang):
            return self.draw()


LICENCE_NOT_GIVEN = N_("licence not given")


@dataclass(frozen=True)
class Source:
    title: str
    source: str
    licence: str | None
    kind: str

    @property
    def short(self) -> str:
        return f"{self.title} ({self.licence or _(LICENCE_NOT_GIVEN)})"


@dataclass(frozen=True)
class Evidence:
    view: View
    title: str
    subtitle: str
    colour: str = NEUTRAL_COLOUR
    pictures: tuple = ()          # Picture, the main one first
    key_figures: tuple = ()       # (label, value) as the page shows them
    citizen: tuple = ()           # sentences: what citizen data adds, and how far it can be trusted
    method: str = ""              # two sentences
    sources: tuple = ()           # Source
    link: str = ""
    demo: str | None = None       # DEMO_NOTICE when demo data is shown
    empty: str | None = None      # a plain sentence when the view has no data
    missing: str | None = None    # what the database does not hold (an indicator, dataset or area)
    lang: str = i18n.DEFAULT      # the language of its words (the exports write in it)

    @property
    def figure(self) -> go.Figure | None:
        return self.pictures[0].figure if self.pictures else None

    def picture(self, name: str | None = None) -> Picture:
        """The picture of this name (the main one by default); a clear error when the view has none."""
        if not self.pictures:
            said = _("{title}: no figure to draw.", title=self.title)
            raise LookupError(f"{said} {self.notice or ''}".strip())
        if name is None:
            return self.pictures[0]
        for picture in self.pictures:
            if picture.name == name:
                return picture
        raise LookupError(_("{title}: no figure named '{name}'; it has {names}.", title=self.title, name=_(name),
                            names=", ".join(_(p.name) for p in self.pictures)))

    @property
    def source_line(self) -> str:
        """Datasets and licences in one line (the images' and slides' footer)."""
        if not self.sources:
            return _("Sources: none in the data shown")
        return _("Sources: {sources}", sources="; ".join(s.short for s in self.sources))

    @property
    def notice(self) -> str | None:
        """What the view cannot show, if anything: what is missing, else why it is empty."""
        return self.missing or self.empty


def base_url() -> str:
    return os.environ.get(BASE_URL_SETTING, DEFAULT_BASE_URL).rstrip("/")


def of(view: View, con=None, *, query=None, base: str | None = None, lang: str | None = None) -> Evidence:
    """The evidence of a view: its queries run on `con` (db.query), or through `query(name, **params)` (the
    pages' cached ui.query). A page, goal, indicator, group, area or dataset the database does not hold
    gives an Evidence whose `missing` says which. Its words are in `lang`: by default the view's `lang`
    URL parameter, else the session's language; its link keeps a language other than English, and its
    figures are drawn in it."""
    lang = lang or view.params.get("lang") or i18n.current()
    lang = lang if lang in i18n.LANGUAGES else i18n.DEFAULT
    view = View(view.page, {k: v for k, v in view.params.items() if k != "lang"})
    if query is None:
        from gapmonitor import db

        query = partial(db.query, con)
    run = query

    def query(name, **params):  # official titles and group labels in the language (titles.localised)
        return official.localised(name, run(name, **params))

    with i18n.using(lang):
        found = _of(view, query, f"{(base or base_url()).rstrip('/')}/")
    link = found.link
    if link and lang != i18n.DEFAULT:
        link += ("&" if "?" in link else "?") + urlencode({"lang": lang})
    return replace(found, pictures=tuple(replace(p, lang=lang) for p in found.pictures), link=link, lang=lang)


def _of(view: View, query, link: str) -> Evidence:
    page = view.page
    if page.startswith("goal-"):
        number = page.removeprefix("goal-")
        if not (number.isdigit() and 1 <= int(number) <= len(GOALS)):
            return _missing(view, link, _("There is no page {page}: goals are numbered 1 to {count}.", page=page,
                                          count=len(GOALS)))
        return _goal(view, query, int(number), link)
    if page == "country":
        return _country(view, query, link)
    if page == "citizen":
        return _citizen(view, query, link)
    return _missing(view, link, _("Page '{page}' has no evidence to export: only a goal page, a country profile or a "
                                  "citizen dataset does.", page=page))


# ---- what every view shares: the gap rules of its URL state, its words, its sources ----

@dataclass
class _Rules:
    params: dict        # first_year, last_year, min_tier, scope, endorsed_only (the queries' parameters)
    state: dict         # the URL state that restores them
    bar: str
    demo: bool

    @property
    def period(self) -> str:
        return f"{self.params['first_year']}–{self.params['last_year']}"

    @property
    def bar_words(self) -> str:
        if self.params["endorsed_only"]:
            return _("quality bar {bar}, endorsed only", bar=_(self.bar))
        return _("quality bar {bar}", bar=_(self.bar))


def _rules(params: dict, query) -> _Rules | None:
    """The gap rules as ui.gap_controls reads them from the URL (same defaults); None when the data shown
    holds no observation at all."""
    sources = query("data_sources")
    sources = sources[sources.kind != "reference"]
    state = {}
    scope = "all"
    if sources.is_demo.any() and (~sources.is_demo).any():
        label = params.get("data") if params.get("data") in SCOPES else "My data"
        scope, state["data"] = SCOPES[label], label
    years = query("year_range", scope=scope).iloc[0]
    if pd.isna(years.last_year):
        return None
    last_years = range(int(years.last_year), int(years.first_year) - 1, -1)
    window = _choice(params.get("window"), range(1, 16), DEFAULT_WINDOW)
    last = _choice(params.get("end"), last_years, last_years[0])
    bar = params.get("bar") if params.get("bar") in QUALITY_BARS else "Medium"
    endorsed = params.get("endorsed") == "yes"
    state.update(window=str(window), end=str(last), bar=bar, endorsed="yes" if endorsed else "no")
    demo = bool(sources.is_demo.any()) and scope in ("demo", "all")
    return _Rules({"first_year": last - window + 1, "last_year": last, "min_tier": QUALITY_BARS[bar], "scope": scope,
                   "endorsed_only": endorsed}, state, bar, demo)


def _choice(value, options, default):
    """A URL value if it is one of the options (compared as text, as ui.param does), else the default."""
    return next((o for o in options if str(o) == value), default)


def _sources(query, scope: str, titles=None, kinds=None) -> tuple:
    """The datasets a view draws on (by title, or by kind), in scope, with their source and licence."""
    found = query("data_sources")
    found = found[(found.kind != "reference") & (found.observations > 0)]
    if scope != "all":
        found = found[found.is_demo == (scope == "demo")]
    chosen = pd.Series(False, index=found.index)
    if titles is not None:
        chosen |= found.title.isin(set(titles))
    if kinds is not None:
        chosen |= found.kind.isin(set(kinds))
    return tuple(Source(r.title, r.source, r.licence if pd.notna(r.licence) else None, r.kind)
                 for r in found[chosen].itertuples())


def _settings(query) -> dict:
    return dict(query("settings").itertuples(index=False))


def _quality_sentence(rules: _Rules, settings: dict) -> str:
    words = dict(bar=_(rules.bar), fewest=format_number(settings["min_sample_size"]),
                 reliable=format_number(settings["reliable_sample_size"]))
    if rules.params["endorsed_only"]:
        return _("Citizen data counts when its dataset's quality tier reaches the bar chosen ({bar}, and the "
                 "statistical office endorsed it), and a citizen estimate about people from fewer than {fewest} "
                 "respondents is suppressed (below {reliable} it is flagged low reliability).", **words)
    return _("Citizen data counts when its dataset's quality tier reaches the bar chosen ({bar}), and a citizen "
             "estimate about people from fewer than {fewest} respondents is suppressed (below {reliable} it is "
             "flagged low reliability).", **words)


def cell_rule() -> str:
    """What a cell is and its statuses, in one sentence (the method of every view)."""
    return _("A cell is an indicator, a country, a group and the period window, counted only where the group is "
             "expected for the indicator; its status is {statuses} or {last}.",
             statuses=", ".join(s.label.lower() for s in STATUSES[:-1]), last=STATUSES[-1].label.lower())


def percent(share) -> str:
    """A share as the goal headline shows it: whole percents, but a small share that is not nothing as 0.4%."""
    share = 0 if share is None or pd.isna(share) else share
    return format_percent(share, 1 if 0 < share < 1 else 0)


def of_total(part, whole) -> str:
    """'3 of 12', the language's way."""
    return _("{part} of {whole}", part=format_number(part), whole=format_number(whole))


def _trust(row, meets_bar: bool | None) -> str:
    """How far one citizen dataset can be trusted, in one sentence (tier, participation, review)."""
    level = int(row.participation_level)
    words = dict(title=row.title, producer=row.producer, tier=TIER_LABELS[int(row.tier_rank)], level=level,
                 participation=_(PARTICIPATION[level]).lower(), review=_(row.nso_review))
    if meets_bar is None:
        return _("{title} ({producer}): quality tier {tier}, participation {level} of 5 ({participation}), "
                 "statistical office review: {review}.", **words)
    if meets_bar:
        return _("{title} ({producer}): quality tier {tier}, participation {level} of 5 ({participation}), "
                 "statistical office review: {review}; it meets the quality bar.", **words)
    return _("{title} ({producer}): quality tier {tier}, participation {level} of 5 ({participation}), "
             "statistical office review: {review}; it is below the quality bar.", **words)


def _missing(view: View, link: str, what: str) -> Evidence:
    return Evidence(view, _("Not in this database"), _("The view asked for: {url}", url=view.relative_url()),
                    link=link + view.relative_url(), missing=what)


def _status_counts(statuses: pd.Series) -> tuple:
    """(label, how many countries) of each status present, in legend order."""
    counts = statuses.value_counts()
    return tuple((s.label, n_("{n} country", "{n} countries", int(counts[s.code])))
                 for s in STATUSES if s.code in counts)


# ---- a goal page: an indicator × group by gap status or values, or the goal's coverage ----

def _goal(view: View, query, number: int, link: str) -> Evidence:
    goal = get_goal(number)
    params = view.params
    head = _("Goal {number} · {title}", number=number, title=goal.short_title)
    rules = _rules(params, query)
    if rules is None:
        return Evidence(view, head, goal.title, goal.colour, link=link + view.relative_url(),
                        empty=_("The data shown holds no observation."))
    state = dict(rules.state)
    summary = query("goal_summary", goal=number, **rules.params).iloc[0]
    headline = ((_("Indicators in this database"), of_total(int(summary.indicators_in_database),
                                                            int(summary.framework_indicators))),
                (_("Series in this database"), of_total(int(summary.series_in_database), int(summary.series))),
                (_("Official coverage"), percent(summary.official_pct) if summary.cells else "—"),
                (_("With citizen data"), percent(summary.with_citizen_pct) if summary.cells else "—"),
                (_("Citizen datasets"), format_number(int(summary.citizen_datasets))))
    settings = _settings(query)
    method = f"{cell_rule()} {_quality_sentence(rules, settings)}"
    common = dict(colour=goal.colour, method=method, demo=_(DEMO_NOTICE) if rules.demo else None)

    def finish(title, subtitle, **more):
        relative = View(view.page, state).relative_url()
        return Evidence(View(view.page, state), title, subtitle, link=link + relative, **{**common, **more})

    indicators = query("indicators_for_goal", goal=number, scope=rules.params["scope"])
    codes = list(indicators.indicator)
    wanted = params.get("indicator")
    if wanted is not None and wanted not in codes:
        return _missing(view, link, _("Indicator {indicator} is not in this database: Goal {number} has no series of "
                                      "it.", indicator=wanted, number=number))
    present = [c for c in codes if c in set(indicators.indicator[indicators.in_database])]
    if not present:
        return finish(head, f"{goal.title} · {rules.period}", key_figures=headline,
                      sources=_sources(query, rules.params["scope"], kinds=["official"]),
                      empty=_("Goal {number}: {status}. None of its indicators has a series in the data shown: nothing "
                              "is expected of them, so the goal has no coverage figure, not 0%.", number=number,
                              status=NOT_IN_DATABASE.label.lower()))
    indicator = wanted or present[0]
    titles = dict(zip(indicators.indicator, indicators.title))
    groups = query("population_groups")
    labels = dict(zip(groups.group_id, groups.label))
    expected = set(indicators.set_index("indicator").expected_groups[indicator])
    group_ids = [g for g in groups.group_id if g in expected]
    wanted_group = params.get("group")
    if wanted_group is not None and wanted_group not in group_ids:
        what = (_("{group} is not a group expected for indicator {indicator}.", group=labels[wanted_group],
                  indicator=indicator) if wanted_group in labels
                else _("Group '{group}' is not in this database.", group=wanted_group))
        return _missing(view, link, what)
    if not group_ids:
        return finish(head, f"{indicator} {titles[indicator]}", key_figures=headline,
                      empty=_("No group is expected for indicator {indicator}.", indicator=indicator))
    group = wanted_group or group_ids[min(1, len(group_ids) - 1)]  # the page's default: the first less visible group
    shown_view = _choice(params.get("view"), GOAL_VIEWS, GOAL_VIEWS[0])
    state.update(indicator=indicator, group=group, view=shown_view)
    title = _("{heading}: {indicator} for {group}", heading=head, indicator=indicator, group=labels[group])
    subtitle = f"{indicator} {titles[indicator]} · {labels[group]} · {rules.period} · {rules.bar_words}"

    # the observations of the indicator for the group in the period: the page's table, and where sources come from
    table = query("observations", indicator=indicator, group_id=group, country=None, first_year=rules.params["first_year"],
                  last_year=rules.params["last_year"], scope=rules.params["scope"])
    sources = _sources(query, rules.params["scope"], titles=table.dataset) or _sources(query, rules.params["scope"],
                                                                                       kinds=["official"])
    pictures, key_figures, empty = [], list(headline), None
    areas = None
    if indicator not in present and shown_view != GOAL_VIEWS[2]:
        empty = f"{indicator}: {NOT_IN_DATABASE.label.lower()}. {NOT_IN_DATABASE.meaning}"
    elif shown_view == GOAL_VIEWS[0]:
        areas = query("gap_status_by_area", indicator=indicator, group_id=group, **rules.params)
        pictures.append(Picture(N_("Map"), partial(maps.status_map, areas)))
        key_figures += _status_counts(areas.status)
    elif shown_view == GOAL_VIEWS[1]:
        picture, more, empty, subtitle = _value_map(query, indicator, group, labels[group], rules, params, state, subtitle)
        pictures += picture
        key_figures += more
    else:
        title = _("{heading}: all indicators", heading=head)
        subtitle = _("Share of expected cells with data, all indicators of Goal {number} · {period} · {quality_bar}",
                     number=number, period=rules.period, quality_bar=rules.bar_words)
        areas = query("coverage_by_area", goal=number, **rules.params)
        pictures.append(Picture(N_("Map"), partial(maps.coverage_map, areas, "with_citizen_pct", _("With citizen data"))))

    matrix = query("coverage_by_indicator_and_group", goal=number, **rules.params)
    rows = (matrix.indicator + " " + matrix.indicator_title.str.slice(0, 60)
            + matrix.in_database.map({True: "", False: f" · {NOT_IN_DATABASE.label.lower()}"}))
    pictures.append(Picture(N_("Coverage matrix"), partial(charts.coverage_heatmap,
        matrix.assign(row=rows), row="row", column="group_label", value="with_citizen_pct",
        row_order=list(dict.fromkeys(rows)), column_order=list(groups.label),
        hover_label=_("Countries with data (official or citizen)"))))
    if indicator in present:
        pictures += _time_series(query, indicator, labels, rules, params, state)

    citizen = _goal_citizen(query, table, areas if shown_view == GOAL_VIEWS[0] else None, indicator, labels[group], rules)
    return finish(title, subtitle, pictures=tuple(pictures), key_figures=tuple(key_figures), citizen=citizen,
                  sources=sources, empty=empty)


def _value_map(query, indicator, group, group_label, rules: _Rules, params, state, subtitle):
    """The value map of one series, as pages/goal.py chooses it: ([Picture], key figures, empty, subtitle)."""
    values = query("latest_values_by_area", indicator=indicator, group_id=group, country=None, **rules.params)
    if values.empty:
        return [], [], _("No values of {indicator} for {group} in {period} in the data shown (only values of the group "
                         "itself count: the whole group, or a breakdown by this group alone).", indicator=indicator,
                         group=group_label, period=rules.period), subtitle
    series, shown, kind = _series_and_kind(values, params, state)
    unit = shown.unit.iloc[0]
    with_value = int(shown[kind + "_value"].notna().sum())
    figures = [(_("Series"), f"{series} ({maps.unit_label(unit)})"), (_("Values"), _(maps.VALUE_KINDS[kind])),
               (_("Countries with a value"), of_total(with_value, len(shown)))]
    subtitle += f" · {series} · {_(maps.VALUE_KINDS[kind]).lower()}"
    return [Picture(N_("Map"), partial(maps.value_map, shown, kind, unit))], figures, None, subtitle


def _series_and_kind(values: pd.DataFrame, params: dict, state: dict):
    """The series and the kind of values a value map shows, as ui.series_and_kind chooses them: by default the
    series with most values, and the first kind that has one. Returns (series, its rows, kind)."""
    counts = values[[f"{k}_value" for k in maps.VALUE_KINDS]].notna().sum(axis=1).groupby(values.series).sum()
    series = _choice(params.get("series"), list(values.drop_duplicates("series").series), counts.idxmax())
    shown = values[values.series == series]
    kinds = list(maps.VALUE_KINDS)
    first = next((k for k in kinds if shown[k + "_value"].notna().any()), kinds[0])
    kind = _choice(params.get("values"), kinds, first)
    state.update(series=series, values=kind)
    return series, shown, kind


def observations_until(query, indicator: str, last_year: int, scope: str) -> pd.DataFrame:
    """Every observation of an indicator up to a year, of every group (the values over time). The query
    reads all years, kept once per indicator, so a new period end filters it rather than runs it again
    (its slowest query on the goal page)."""
    rows = query("observations", indicator=indicator, group_id=None, country=None, first_year=0,
                 last_year=ALL_YEARS, scope=scope)
    return rows[rows.year <= last_year]


def countries_observed(query, indicator: str, last_year: int, scope: str) -> tuple[tuple[str, ...], str | None]:
    """The countries with observations of an indicator up to a year (in the countries list's order), and the
    one with the most (the values over time show it first); none: ((), None)."""
    rows = observations_until(query, indicator, last_year, scope)
    if rows.empty:
        return (), None
    present = set(rows.country.unique())  # unique first: iterating a column of 10⁵ strings takes tens of ms
    return tuple(c for c in query("countries").code if c in present), rows.country.value_counts().index[0]


def country_observations(query, indicator: str, last_year: int, scope: str, country: str) -> pd.DataFrame:
    """The observations of an indicator in one country up to a year, every group and series."""
    rows = observations_until(query, indicator, last_year, scope)
    return rows[rows.country == country]


def series_descriptions(query, indicator: str, last_year: int, scope: str, country: str) -> dict[str, str]:
    """The series of those observations, sorted, with their descriptions."""
    mine = country_observations(query, indicator, last_year, scope, country)
    return dict(sorted(zip(mine.series, mine.series_description)))


def _one_series(mine: pd.DataFrame, series: str, labels: dict, country: str) -> pd.DataFrame:
    """One series of a country's observations, each row labelled by its group (or breakdown) for the chart;
    subnational citizen estimates by their area too."""
    shown = mine[mine.series == series]
    label = shown.group_id.map(labels).fillna(shown.dims.replace("", _("Total")))
    return shown.assign(label=label.where(shown.area == country, label + " · " + shown.area_name))


def time_series_figure(query, indicator: str, last_year: int, scope: str, country: str, series: str,
                       lang: str) -> go.Figure:
    """The values over time of one series in one country, in a language (the goal page keeps it: ui.kept)."""
    with i18n.using(lang):
        groups = official.localised("population_groups", query("population_groups"))
        shown = _one_series(country_observations(query, indicator, last_year, scope, country), series,
                            dict(zip(groups.group_id, groups.label)), country)
        return charts.time_series(shown, shown.unit.iloc[0])


def _time_series(query, indicator, labels, rules: _Rules, params, state) -> list:
    """Values over time in one country, as the page chooses it (the country with most observations)."""
    last_year, scope = rules.params["last_year"], rules.params["scope"]
    with_data, richest = countries_observed(query, indicator, last_year, scope)
    if not with_data:
        return []
    country = _choice(params.get("country"), list(with_data), richest)
    state.update(country=country)
    mine = country_observations(query, indicator, last_year, scope, country)
    chosen = min(mine.series.unique())  # the page's first series (its choice is not in the URL)
    shown = _one_series(mine, chosen, labels, country)
    return [Picture(N_("Values over time"), partial(charts.time_series, shown, shown.unit.iloc[0]))]


def _goal_citizen(query, table: pd.DataFrame, areas: pd.DataFrame | None, indicator: str, group_label: str,
                  rules: _Rules) -> tuple:
    """What citizen data adds to this indicator and group, and how far each dataset can be trusted."""
    citizen_rows = table[table.kind == "citizen"]
    said = []
    if areas is not None:
        counts = areas.status.value_counts()
        said.append(_("Citizen data meeting the quality bar fills the gap in {filled} countries and adds to official "
                      "data in {added}; in {below} the only citizen data is below the bar.",
                      filled=format_number(int(counts.get("citizen_fills_gap", 0))),
                      added=format_number(int(counts.get("official_and_citizen", 0))),
                      below=format_number(int(counts.get("citizen_below_bar", 0)))))
    if citizen_rows.empty:
        return (*said, _("No citizen estimate of {indicator} for {group} in {period} in the data shown.",
                         indicator=indicator, group=group_label, period=rules.period))
    suppressed = int((citizen_rows.reliability == "suppressed").sum())
    flagged = int((citizen_rows.reliability == "low reliability").sum())
    said.append(_("{count} citizen estimates of {indicator} for {group} in {period}: {suppressed} suppressed (too few "
                  "respondents to publish), {flagged} flagged low reliability.", count=format_number(len(citizen_rows)),
                  indicator=indicator, group=group_label, period=rules.period, suppressed=format_number(suppressed),
                  flagged=format_number(flagged)))
    listed = query("citizen_datasets", scope=rules.params["scope"])
    for row in listed[listed.title.isin(set(citizen_rows.dataset))].itertuples():
        info = query("citizen_dataset", dataset=row.dataset_id, **rules.params).iloc[0]
        said.append(_trust(info, bool(info.meets_bar)))
    return tuple(said)


# ---- a country profile: its indicators × groups by gap status, its subnational areas ----

def _country(view: View, query, link: str) -> Evidence:
    params = view.params
    countries = query("countries")
    codes = list(countries.code)
    wanted = params.get("area")
    if wanted is not None and wanted not in codes:
        return _missing(view, link, _("Area {area} is not a country in this database.", area=wanted))
    area = wanted or ("KEN" if "KEN" in codes else codes[0])  # the page's default
    info = countries.set_index("code").loc[area]
    rules = _rules(params, query)
    if rules is None:
        return Evidence(view, info["name"], "", link=link + view.relative_url(),
                        empty=_("The data shown holds no observation."))
    state = {"area": area, **rules.state}
    chosen = _choice(params.get("goal"), [0] + [g.number for g in GOALS], 0)
    state["goal"] = str(chosen)
    goal_words = get_goal(chosen).label if chosen else _("All goals")
    colour = get_goal(chosen).colour if chosen else NEUTRAL_COLOUR
    settings = _settings(query)

    matrix = query("status_by_indicator_and_group", area=area, **rules.params)
    present = matrix[matrix.in_database]
    counts = present.status.value_counts()
    in_db, listed = present.indicator.nunique(), matrix.indicator.nunique()
    key_figures = tuple((s.label, format_number(int(counts.get(s.code, 0)))) for s in STATUSES) + (
        (_("Indicators in this database"), of_total(in_db, listed)),)
    of_goal = matrix if chosen == 0 else matrix[matrix.goal == chosen]
    shown = of_goal[of_goal.in_database]
    pictures, empty = [], None
    units = query("subnational_areas", area=area, **rules.params)
    pictures += _subnational(query, area, units, rules, params, state)
    if shown.empty:
        empty = _("{goals}: {status} for {country}. None of its indicators has a series in the data shown: nothing is "
                  "expected of them, so they count neither as covered nor as no data.", goals=goal_words,
                  status=NOT_IN_DATABASE.label.lower(), country=info["name"])
    else:
        rows = shown.indicator + " " + shown.indicator_title.str.slice(0, 55)
        grid = partial(charts.status_matrix, shown.assign(row=rows), row="row", column="group_label",
                                    row_order=list(dict.fromkeys(rows)),
                                    column_order=list(dict.fromkeys(shown.sort_values("group_sort").group_label)))
        legend = tuple((s.label, s.colour) for s in STATUSES)
        pictures.insert(0, Picture(N_("Indicators × groups"), grid, legend))
        if len(pictures) > 1:  # the map first: it reads on a slide, a long grid does not
            pictures = pictures[1:] + pictures[:1]
        elif shown.indicator.nunique() > LONG_GRID:  # all goals: a grid too long for a page or slide
            pictures.insert(0, _by_goal(shown))

    datasets = query("citizen_datasets_for_area", area=area, scope=rules.params["scope"])
    citizen = [_("Citizen data meeting the quality bar fills {filled} cells with no official data and adds to official "
                 "data in {added}; {below} have only citizen data below the bar.",
                 filled=format_number(int(counts.get("citizen_fills_gap", 0))),
                 added=format_number(int(counts.get("official_and_citizen", 0))),
                 below=format_number(int(counts.get("citizen_below_bar", 0))))]
    if datasets.empty:
        citizen.append(_("No citizen dataset in the data shown covers {country}.", country=info["name"]))
    else:
        suppressed = int(datasets.suppressed.sum())
        citizen.append(n_("{n} citizen dataset covers {country}, with {released} released estimates and {suppressed} "
                          "suppressed.", "{n} citizen datasets cover {country}, with {released} released estimates and "
                          "{suppressed} suppressed.", len(datasets), country=info["name"],
                          released=format_number(int(datasets.observations.sum())), suppressed=format_number(suppressed)))
        citizen += [_trust(row, None) for row in datasets.itertuples()]
    subtitle = _("{goals} · indicators × groups by gap status · {period} · {quality_bar}", goals=goal_words,
                 period=rules.period, quality_bar=rules.bar_words)
    return Evidence(View(view.page, state), _("{country} · country profile", country=info["name"]), subtitle, colour,
                    pictures=tuple(pictures), key_figures=key_figures, citizen=tuple(citizen),
                    method=f"{cell_rule()} {_quality_sentence(rules, settings)}",
                    sources=_sources(query, rules.params["scope"], titles=datasets.title, kinds=["official"]),
                    link=link + View(view.page, state).relative_url(), demo=_(DEMO_NOTICE) if rules.demo else None,
                    empty=empty)


LONG_GRID = 30  # indicators: more rows than a page or a slide can show readably


def _by_goal(cells: pd.DataFrame) -> Picture:
    """The country's grid summed up by goal: the share of its expected cells (indicator × group) with data,
    official or citizen meeting the bar, per goal and group; drawn like the goal pages' coverage matrix."""
    with_data = cells.status.isin(["official", "official_and_citizen", "citizen_fills_gap"])
    shares = (cells.assign(with_data=with_data * 100.0).groupby(["goal", "group_label", "group_sort"], as_index=False)
              .with_data.mean())
    names = {g.number: g.label for g in GOALS}
    shares = shares.assign(row=shares.goal.map(names))
    return Picture(N_("Coverage by goal and group"), partial(charts.coverage_heatmap,
        shares, row="row", column="group_label", value="with_data",
        row_order=[names[g] for g in sorted(shares.goal.unique())],
        column_order=list(dict.fromkeys(shares.sort_values("group_sort").group_label)),
        hover_label=_("Expected cells with data (official or citizen)")))


def _subnational(query, area: str, units: pd.DataFrame, rules: _Rules, params: dict, state: dict) -> list:
    """The subnational map of the page (status or values), when the country has areas with boundaries."""
    if units.empty or not units.geometry.notna().any():
        return []
    indicators = query("subnational_indicators", area=area, scope=rules.params["scope"])
    if indicators.empty:
        return []
    indicator = _choice(params.get("sub_indicator"), list(indicators.indicator), indicators.indicator.iloc[0])
    row = indicators.set_index("indicator").loc[indicator]
    groups = query("population_groups")
    expected = [g for g in groups.group_id if g in set(row.expected_groups)]
    with_data = [g for g in expected if g in set(row.groups)] or expected
    group = _choice(params.get("sub_group"), expected, with_data[0])
    sub_view = _choice(params.get("sub_view"), SUB_VIEWS, SUB_VIEWS[0])
    state.update(sub_indicator=indicator, sub_group=group, sub_view=sub_view)
    shapes = units.rename(columns={"code": "area"})[["area", "geometry"]]
    if sub_view == SUB_VIEWS[0]:
        status = query("subnational_status", area=area, indicator=indicator, group_id=group, **rules.params)
        figure = partial(maps.subnational_status_map, status.merge(shapes, on="area"))
    else:
        values = query("latest_values_by_area", indicator=indicator, group_id=group, country=area, **rules.params)
        if values.empty:
            return []
        _series, shown, kind = _series_and_kind(values, params, state)
        figure = partial(maps.subnational_value_map, shown.merge(shapes, on="area"), kind, shown.unit.iloc[0])
    return [Picture(N_("Subnational map"), figure)]


# ---- a citizen dataset: the gaps it fills, and how far to trust it ----

def _citizen(view: View, query, link: str) -> Evidence:
    params = view.params
    rules = _rules(params, query)
    if rules is None:
        return Evidence(view, _("Citizen data"), "", link=link + view.relative_url(),
                        empty=_("The data shown holds no observation."))
    datasets = query("citizen_datasets", scope=rules.params["scope"])
    ids = list(datasets.dataset_id)
    wanted = params.get("dataset")
    if wanted is not None and wanted not in ids:
        return _missing(view, link, _("Citizen dataset '{dataset}' is not in this database (removed, or not in the data "
                                      "shown).", dataset=wanted))
    if not ids:
        return Evidence(view, _("Citizen data"), rules.period, link=link + view.relative_url(),
                        demo=_(DEMO_NOTICE) if rules.demo else None, empty=_("No citizen dataset in the data shown."))
    dataset = wanted or ids[0]
    state = {"dataset": dataset, **rules.state}
    info = query("citizen_dataset", dataset=dataset, **rules.params).iloc[0]
    settings = _settings(query)
    coverage = query("dataset_coverage_by_area", dataset=dataset, **rules.params)
    estimates = query("dataset_estimates", dataset=dataset)
    compared = query("official_vs_citizen", dataset=dataset, scope=rules.params["scope"])
    suppressed = int((estimates.reliability == "suppressed").sum())
    flagged = int((estimates.reliability == "low reliability").sum())
    cells, gaps = int(coverage.cells.sum()), int(coverage.gaps_filled.sum())
    key_figures = ((_("Quality tier"), TIER_LABELS[int(info.tier_rank)]),
                   (_("Score"), of_total(int(info.score), MAX_SCORE)),
                   (_("Participation"), of_total(int(info.participation_level), 5)),
                   (_("Statistical office review"), _(info.nso_review).capitalize()),
                   (_("Expected cells covered"), format_number(cells)), (_("Of which no official data"), format_number(gaps)),
                   (_("Estimates"), format_number(len(estimates))), (_("Suppressed"), format_number(suppressed)))
    pictures, empty = (), None
    if coverage.empty:
        empty = _("No released estimate of this dataset for an expected group in {period}.", period=rules.period)
    else:
        pictures = (Picture(N_("Map"), partial(maps.coverage_map, coverage, "gaps_filled_pct",
                                               _("Its cells with no official data"))),)
    within = compared[compared.same_series]
    counted = (_("These count as gaps filled on every map.") if info.meets_bar
               else _("It is below the quality bar chosen: these show as citizen data below the bar."))
    if info.subject == "people":
        withheld = _("{suppressed} of its {estimates} estimates are suppressed (fewer than {fewest} respondents, or "
                     "withheld so that one cannot be worked out from the others); {flagged} are flagged low reliability.",
                     suppressed=format_number(suppressed), estimates=format_number(len(estimates)),
                     fewest=format_number(settings["min_sample_size"]), flagged=format_number(flagged))
    else:
        withheld = _("None is suppressed: its records are about places or things, not people; {flagged} are flagged "
                     "low reliability.", flagged=format_number(flagged))
    citizen = [_("In {period} it covers {cells} expected cells (indicator × group × country), {gaps} of them with no "
                 "official data.", period=rules.period, cells=format_number(cells), gaps=format_number(gaps))
               + f" {counted}",
               _trust(info, bool(info.meets_bar)),
               withheld]
    if len(within):
        citizen.append(_("Of {compared} estimates set against the same official series, the official value lies within "
                         "the citizen 95% interval in {within}.", compared=format_number(len(within)),
                         within=format_number(int(within.official_within_interval.sum()))))
    dates = [str(d)[:10] for d in (info.collection_start, info.collection_end) if pd.notna(d)]
    period = (_("{start} to {end}", start=dates[0], end=dates[1]) if len(dates) == 2
              else dates[0] if dates else _("not given"))
    method = (_("A cell is an indicator, a country, a group and the period window, counted only where the group is "
                "expected for the indicator; the map shows, for each country, the share of the cells this dataset "
                "covers that have no official data.") + f" {_quality_sentence(rules, settings)}")
    sources = _sources(query, rules.params["scope"], titles=[info.title], kinds=["official"])
    return Evidence(View(view.page, state), info.title,
                    _("Citizen data by {producer} · collected {period} · gaps it fills in {window} · {quality_bar}",
                      producer=info.producer, period=period, window=rules.period, quality_bar=rules.bar_words),
                    NEUTRAL_COLOUR, pictures, key_figures, tuple(citizen), method, sources,
                    link + View(view.page, state).relative_url(), _(DEMO_NOTICE) if info.is_demo else None, empty)
