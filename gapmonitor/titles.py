"""Official titles of goals, targets and indicators in the session's language (data/reference/titles.csv,
built by scripts/build_titles.py from the UN's official translations). English, and any title the
translations lack (indicators added to the framework after them), is the title the data gives."""

import csv
from functools import cache
from pathlib import Path

import pandas as pd

from gapmonitor import i18n
from gapmonitor.i18n import _

REFERENCE = Path(__file__).resolve().parents[1] / "data/reference"
TITLES = REFERENCE / "titles.csv"


@cache
def _titles() -> dict[tuple[str, str, str, str], str]:
    with TITLES.open(encoding="utf-8", newline="") as f:
        return {(r["kind"], r["code"], r["lang"], r["part"]): r["text"] for r in csv.DictReader(f)}


def official(kind: str, code: str, english: str, part: str = "title") -> str:
    """The official title of a goal, target or indicator (code '5', '5.1', '5.1.1') in the current language."""
    return _titles().get((kind, str(code), i18n.current(), part), english)


def indicator(code: str, english: str) -> str:
    return official("indicator", code, english)


def target(code: str, english: str) -> str:
    return official("target", code, english)


@cache
def _group_labels() -> frozenset[str]:
    with (REFERENCE / "groups.csv").open(encoding="utf-8", newline="") as f:
        return frozenset(r["label"] for r in csv.DictReader(f))


def group(label: str) -> str:
    """A population group's label (data/reference/groups.csv, in the catalogue) in the current language."""
    return _(label) if label in _group_labels() else label


def _groups(text):
    """A list of group labels joined by ', ' (string_agg), each in the current language."""
    return ", ".join(group(g) for g in text.split(", ")) if isinstance(text, str) else text


def _indicators(frame, title):
    return [indicator(c, t) for c, t in zip(frame["indicator"], frame[title])]


def _each(words):
    """A column's values one by one through `words` (blanks left as they are)."""
    return lambda frame, column: frame[column].map(words, na_action="ignore")


_GROUP, _GROUPS, _STORY = _each(group), _each(_groups), _each(i18n.known)  # stories: their authors' words, the
# demo story's (gapmonitor/demo.py) in the catalogue
# the columns of query results that hold official titles, the groups' labels or stories' words, per query
_LOCALISED = {
    "indicators_for_goal": {"title": _indicators},
    "subnational_indicators": {"title": _indicators},
    "status_by_indicator_and_group": {"indicator_title": _indicators, "group_label": _GROUP},
    "coverage_by_indicator_and_group": {"indicator_title": _indicators, "group_label": _GROUP},
    "coverage_by_goal_and_group": {"group_label": _GROUP},
    "official_vs_citizen": {"group_label": _GROUP},
    "population_groups": {"label": _GROUP, "definition": _each(_)},
    "series_groups": {"population_group": _GROUP},
    "dataset_coverage_by_area": {"groups": _GROUPS},
    "gaps_filled_by_citizen_data": {"groups": _GROUPS},
    "stories": {"title": _STORY, "description": _STORY},
    "story_steps": {"title": _STORY, "note": _STORY},
}


def localised(query: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A query's result with its official titles and group labels in the current language (English: as is)."""
    columns = _LOCALISED.get(query)
    if not columns or frame.empty or i18n.current() == i18n.DEFAULT:
        return frame
    return frame.assign(**{c: how(frame, c) for c, how in columns.items() if c in frame.columns})
