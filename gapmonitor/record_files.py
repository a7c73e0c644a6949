"""Reading a file of raw citizen records: every cell as text, as written (so messages can quote it).
The records path (formats/records.py) and the Data page's mapping form read files only through here.

Survey tools' exports are read as they come: KoboToolbox (CSV with ';' or ',', or XLSX whose first
sheet holds the submissions and further sheets the repeat groups; headers 'group/question') and ODK
Central (CSV; headers 'group-question', geopoints split into '-Latitude'...). In both a
select_multiple question gives a text column of space-separated choices and one 0/1 column per
choice ('question/choice'). Submissions a reviewer turned down are left out, and notes() says so."""

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable
from pathlib import Path

import pandas as pd

from gapmonitor.formats import check_csv_text, fatal
from gapmonitor.i18n import N_, _, n_
from gapmonitor.limits import MAX_COLUMNS, too_many_columns

# A header is a path: Kobo joins groups with '/', ODK Central with '-'; both add '/choice' for the
# 0/1 column of a select_multiple choice.
SEPARATORS = ("/", "-")
# Submissions a reviewer turned down: Kobo's validation status (its code in an export with XML values,
# its label in one with labels), ODK Central's review state.
TURNED_DOWN = {"_validation_status": (N_("not approved"), {"validation_status_not_approved", "not approved"}),
               "ReviewState": (N_("rejected"), {"rejected"})}
# The date a record is from, when a spec asks for a period column: the server's submission time
# first (a phone's clock can be wrong), then the form's own start-of-day and end questions.
PERIODS = ("_submission_time", "SubmissionDate", "today", "end")
# A point's latitude column and its longitude: Kobo's '_gps_latitude', ODK Central's 'location-Latitude',
# then plain names.
POINTS = (("_latitude", "_longitude"), ("-Latitude", "-Longitude"), ("latitude", "longitude"),
          ("Latitude", "Longitude"), ("lat", "lon"), ("lat", "lng"))

# XLSForm rows that open or close a group or a repeat: not questions ('end' alone is the end-time question)
STRUCTURE = re.compile(r"(begin|end)[ _](group|repeat)\b")


@dataclass(frozen=True)
class _Read:
    frame: pd.DataFrame
    notes: tuple[tuple[str, Callable[[], str], str | None], ...]  # the message made when asked, in its language
    turned_down: int = 0


def load(path: str | Path, nrows: int | None = None) -> pd.DataFrame:
    """The records of a file, one row a record, every cell as text; rows keep the file's numbering
    (index + 2 is the row), also where turned-down submissions are left out. Read once per file
    version: the mapping form asks for columns and values on every rerun. Callers must not change the frame."""
    return _read(path, nrows).frame


def notes(path: str | Path) -> list[tuple[str, str, str | None]]:
    """What reading the file left out or changed, as (level, message, column) for the import's problems
    (the message in the current language: the file's reading is cached across languages)."""
    return [(level, message(), column) for level, message, column in _read(path, None).notes]


def turned_down(path: str | Path) -> int:
    """How many submissions a reviewer turned down in the survey tool (left out by load)."""
    return _read(path, None).turned_down


def columns_of(path: str | Path) -> list[str]:
    """The column names of a records file (for the mapping form)."""
    return list(load(path, nrows=0).columns)


def values_of(path: str | Path, column: str, limit: int = 40) -> list[str]:
    """The most frequent values of a column (for mapping yes/no answers and groups)."""
    return list(load(path)[column].str.strip().value_counts().index[:limit])


def column_name(path: str | Path, name: str) -> str:
    """The file's column for a name as a spec gives it: the column itself, or the one column whose
    path ends in it ('respondent_gender' for 'household/respondent_gender' or 'household-respondent_gender',
    'problems/broken' for the 0/1 column of a choice)."""
    columns = columns_of(path)
    found = answering(columns, name)
    if len(found) == 1:
        return found[0]
    if found:
        raise fatal(path, _("the column {name!r} could be any of {columns}: name it by its full path", name=name,
                            columns=", ".join(found)))
    raise fatal(path, _("no column {name!r}; the file has: {columns}", name=name, columns=", ".join(columns)))


def answering(columns: list[str], name: str) -> list[str]:
    """The columns a name answers to: the column of that name, else every column whose path ends in it."""
    if name in columns:
        return [name]
    return [c for c in columns if c.endswith(tuple(s + name for s in SEPARATORS))]


def guess(path: str | Path) -> dict[str, str | None]:
    """The columns a mapping form can offer first: the latitude and longitude of the first point
    (a survey tool's geopoint before plain names), and the period. None where there is none."""
    columns = columns_of(path)
    guessed = {"latitude": None, "longitude": None, "period": next((c for c in PERIODS if c in columns), None)}
    for lat, lon in POINTS:
        for c in columns:
            head = c.removesuffix(lat)
            if c.endswith(lat) and head + lon in columns and (not head or lat[0] in "_-" or head[-1] in "/-_"):
                return guessed | {"latitude": c, "longitude": head + lon}
    return guessed


def form_labels(xlsform_path: str | Path) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The labels an XLSForm gives: ({question name: label}, {question name: {choice code: label}}).
    Labels are the 'label' column, or of several languages 'label::English (en)' (English first)."""
    path = Path(xlsform_path)
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False)
    except Exception as e:
        raise fatal(path, _("not a readable Excel workbook ({error})", error=type(e).__name__)) from e
    named = {str(k).strip().lower(): v for k, v in sheets.items()}
    missing = [s for s in ("survey", "choices") if s not in named]
    if missing:
        raise fatal(path, _("not an XLSForm: no {missing} sheet; its sheets: {sheets}",
                            missing=_(" or ").join(map(repr, missing)), sheets=", ".join(map(str, sheets))))
    survey = _form_sheet(path, named["survey"], "survey", ("type", "name"))
    choices = _form_sheet(path, named["choices"], "choices", ("list_name", "name"))
    lists: dict[str, dict[str, str]] = {}
    for row in choices.itertuples(index=False):
        if row.list_name and row.name:
            lists.setdefault(row.list_name, {})[row.name] = row.label
    questions, codes = {}, {}
    for number, row in enumerate(survey.itertuples(index=False), start=2):
        kind = row.type.split()
        if not row.name or not kind or STRUCTURE.match(row.type):
            continue
        if row.label:
            questions[row.name] = row.label
        if kind[0] in ("select_one", "select_multiple", "rank") and len(kind) > 1:
            if kind[1] not in lists:
                raise fatal(path, _("the question {question!r} takes its choices from the list {list!r}, which the "
                                    "choices sheet does not have", question=row.name, list=kind[1]),
                            row=number, column="type", value=row.type)
            codes[row.name] = lists[kind[1]]
    return questions, codes


def labels_of(path: str | Path, xlsform_path: str | Path) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The XLSForm's labels by the records file's columns, for the mapping form: ({column: label},
    {column: {code: label}}); a choice's 0/1 column is labelled 'question label: choice label'."""
    questions, choices = form_labels(xlsform_path)
    names = questions.keys() | choices.keys()
    labels, codes = {}, {}
    for column in columns_of(path):
        question = _question(column, names)
        if question:
            labels[column] = questions.get(question, question)
            if question in choices:
                codes[column] = choices[question]
            continue
        base, _slash, choice = column.rpartition("/")
        question = _question(base, names) if base else None
        if question and choice in choices.get(question, {}):
            labels[column] = f"{questions.get(question, question)}: {choices[question][choice]}"
    return labels, codes


def _question(column: str, names) -> str | None:
    """The question a column answers: the longest end of its path that is a question's name."""
    ends = [column] + [column[m.end():] for m in re.finditer("[/-]", column)]
    return next((end for end in ends if end in names), None)


def _form_sheet(path: Path, frame: pd.DataFrame, sheet: str, needed: tuple[str, ...]) -> pd.DataFrame:
    """A sheet of an XLSForm with its columns type/list_name, name, label, every cell stripped."""
    frame = frame.rename(columns=lambda c: str(c).strip()).rename(columns={"list name": "list_name"})
    absent = [c for c in needed if c not in frame.columns]
    languages = [c for c in frame.columns if c.lower().startswith("label::")]
    label = "label" if "label" in frame.columns else next(
        (c for c in languages if "english" in c.lower() or c.endswith("(en)")), languages[0] if languages else None)
    if absent or label is None:
        raise fatal(path, _("not an XLSForm: the {sheet} sheet has no column {missing}; its columns: {columns}",
                            sheet=sheet, missing=_(" or ").join(map(repr, absent + ([] if label else ["label"]))),
                            columns=", ".join(frame.columns)))
    frame = frame.fillna("")
    cells = {c: frame[c].astype(str).str.strip() for c in (*needed, label)}
    return pd.DataFrame(cells).rename(columns={label: "label"})


def _read(path: str | Path, nrows: int | None) -> _Read:
    path = Path(path)
    stat = path.stat()
    return _read_text_cells(str(path), stat.st_mtime_ns, stat.st_size, nrows)


@lru_cache(maxsize=4)
def _read_text_cells(name: str, mtime_ns: int, size: int, nrows: int | None) -> _Read:
    path = Path(name)
    said, down = [], 0
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            workbook = pd.ExcelFile(path)
            frame = workbook.parse(0, dtype=str, keep_default_na=False, nrows=nrows).fillna("")
        except Exception as e:
            raise fatal(path, _("not a readable Excel workbook ({error})", error=type(e).__name__)) from e
        if len(frame.columns) > MAX_COLUMNS:
            raise fatal(path, too_many_columns(len(frame.columns)), row=1)
        if len(workbook.sheet_names) > 1:  # Kobo puts each repeat group in a sheet of its own
            sheets = workbook.sheet_names
            said.append(("warning", lambda: _("only the first sheet, {sheet!r}, is read; the others ({others}) are left "
                                              "out", sheet=sheets[0], others=", ".join(sheets[1:])), None))
    else:
        delimiter = _delimiter(path)
        check_csv_text(path, delimiter)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", nrows=nrows, sep=delimiter)
    tool = _tool(frame.columns)
    if tool:
        said.insert(0, ("warning", lambda: _("read as an export of {tool}: a column can be named by its full path or "
                                             "by its question name alone", tool=tool), None))
    for column, (word, values) in TURNED_DOWN.items():
        if column in frame.columns:
            out = frame[column].str.strip().str.lower().isin(values)
            if out.any():
                n = int(out.sum())
                said.append(("warning", lambda n=n, word=word, column=column: n_(
                    "{n} submission marked {word} in {column}: left out",
                    "{n} submissions marked {word} in {column}: left out", n, word=_(word), column=column), column))
                frame = frame[~out]
                down += n
    return _Read(frame, tuple(said), down)


def _tool(columns) -> str | None:
    """Which survey tool's export the columns look like, by the metadata columns it adds."""
    columns = set(columns)
    if "_submission_time" in columns and columns & {"_uuid", "_id"}:
        return "KoboToolbox"
    if {"SubmissionDate", "KEY"} <= columns:
        return "ODK Central"
    return None


def _delimiter(path: Path) -> str:
    """',', ';' or a tab: the one that splits the first lines into the most cells, alike in every line
    (Kobo writes ';' by default, and a spreadsheet saved in many locales does too)."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        sample = f.read(65536)
    lines = sample.splitlines(keepends=True)[:20]
    if len(lines) > 1 and len(sample) == 65536:
        lines = lines[:-1]  # the last may be cut short

    def score(delimiter: str):
        try:
            widths = [len(r) for r in csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter)]
        except csv.Error:
            return (False, 0)
        return (bool(widths) and widths[0] > 1 and len(set(widths)) == 1, widths[0] if widths else 0)

    return max((",", ";", "\t"), key=score)
