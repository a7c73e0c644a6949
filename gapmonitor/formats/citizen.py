"""The citizen data template (data/templates/): aggregated estimates a citizen data producer publishes,
one row per indicator, area, group and period, each with the sample size behind it. A CSV holds the
rows; an XLSX holds them in the sheet "observations" and the dataset's description in the sheet
"dataset" (field, value)."""

import csv
import io
import re
import warnings
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry

from gapmonitor import country_codes
from gapmonitor.dimensions import key as dims_key
from gapmonitor.formats import DESCRIPTION_FIELDS, OBSERVATION_COLUMNS, SUBJECTS, Batch, check_csv_text, fatal
from gapmonitor.i18n import N_, _
from gapmonitor.limits import FIRST_YEAR, LAST_YEAR, in_range
from gapmonitor.formats.registry import Format

OBSERVATIONS_SHEET = "observations"
DATASET_SHEET = "dataset"
REQUIRED = ["indicator", "country", "period", "value", "sample_size"]
OPTIONAL = ["series", "series_description", "unit", "area_code", "area_name", "lower_bound", "upper_bound", "footnote"]
# Group dimensions, named as in SDG data so that data/reference/group_mapping.csv maps their values to groups.
DIMENSIONS = ["Sex", "Age", "Location", "Quantile", "Disability status", "Migratory status", "Ethnicity"]
DATES = ("collection_start", "collection_end")

INDICATOR = re.compile(r"\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}")
PERIOD = re.compile(r"(\d{4})(?:\s*[/–-]\s*(\d{2}|\d{4}))?")  # 2021, 2019/20, 2021-2023 (or an en dash)
NUMBER_HINT = N_("write numbers with a dot for decimals and no thousands separator or % sign")


def is_template_header(columns: list[str]) -> bool:
    """Whether a CSV header is the template's (sample_size or country may be the missing column the
    reader then names, so they are not needed here)."""
    return {"indicator", "period", "value"} <= {_name(c) for c in columns}


def read(path: str | Path) -> Batch:
    """Read a filled-in citizen data template (CSV, or XLSX with its description) into a Batch."""
    path = Path(path)
    batch = Batch(file=path.name, format="citizen")
    if not path.exists() or path.stat().st_size == 0:
        raise fatal(path, _("the file is empty"))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, rows = _read_workbook(path, batch)
    else:
        header, rows = _read_csv(path)
    frame = _frame(path, header, rows, batch)
    _observations(frame, batch)
    batch.problems.sort(key=lambda p: -1 if p.row is None else p.row)  # stable: file-wide ones first
    return batch


# ---------------------------------------------------------------------------------------------
# cells, as text, with the row numbers the user sees (header = row 1)


def _read_csv(path: Path) -> tuple[list, list]:
    check_csv_text(path)  # UTF-8, and every row has as many cells as the header
    # the csv module rather than pandas: its record numbers are check_csv_text's, blank lines included
    records = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    header = next(records, None)
    if not header:
        raise fatal(path, _("the file has no header row"))
    return header, list(enumerate(records, start=2))


def _read_workbook(path: Path, batch: Batch) -> tuple[list, list]:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, data_only=True)
    except Exception as e:  # openpyxl raises many kinds of errors for a broken workbook
        raise fatal(path, _("not a readable Excel workbook ({error})", error=type(e).__name__)) from e
    if OBSERVATIONS_SHEET not in book.sheetnames:
        raise fatal(path, _("no sheet {sheet} (the template's rows); sheets: {sheets}", sheet=repr(OBSERVATIONS_SHEET),
                            sheets=", ".join(book.sheetnames)))
    rows = [[_text(v) for v in r] for r in book[OBSERVATIONS_SHEET].iter_rows(values_only=True)]
    if not rows or not any(rows[0]):
        raise fatal(path, _("sheet {sheet} has no header in row 1", sheet=repr(OBSERVATIONS_SHEET)))
    batch.dataset = _description(book, batch)
    return rows[0], list(enumerate(rows[1:], start=2))


def _text(value) -> str:
    """A cell as the text it shows: 2021 not 2021.0, a date as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _description(book, batch: Batch) -> dict | None:
    """The sheet "dataset" (field, value) as Batch.dataset; a date that is not YYYY-MM-DD is an error."""
    if DATASET_SHEET not in book.sheetnames:
        batch.problem("warning", _("no sheet {sheet}: give the producer, producer type and method when importing",
                                   sheet=repr(DATASET_SHEET)))
        return None
    rows = [[_text(v) for v in r] for r in book[DATASET_SHEET].iter_rows(values_only=True)]
    header = [_name(c) for c in (rows[0] if rows else [])]
    if "field" not in header or "value" not in header:
        batch.problem("error", _("sheet {sheet} needs the columns field and value in row 1 (found: {found})",
                                 sheet=repr(DATASET_SHEET), found=", ".join(c for c in header if c) or _("none")))
        return None
    about = {}
    for number, cells in enumerate(rows[1:], start=2):
        key = _name(cells[header.index("field")]).replace(" ", "_")
        key = "licence" if key == "license" else key
        value = cells[header.index("value")]
        where = {"sheet": repr(DATASET_SHEET), "row": number}
        if not key:
            continue
        if key not in DESCRIPTION_FIELDS:
            batch.problem("warning", _("sheet {sheet}, row {row}: unknown field (ignored); the fields are {fields}",
                                       fields=", ".join(DESCRIPTION_FIELDS), **where), column=key, value=value)
        elif key in DATES and value and not _date(value):
            batch.problem("error", _("sheet {sheet}, row {row}: {field} is not a date written YYYY-MM-DD", field=key,
                                     **where), column=key, value=value)
        elif key == "subject" and value and value.strip().lower() not in SUBJECTS:
            batch.problem("error", _("sheet {sheet}, row {row}: subject is people (people or households) or places "
                                     "(places or things)", **where), column=key, value=value)
        elif value:
            about[key] = value
    start, end = about.get("collection_start"), about.get("collection_end")
    if start and end and start > end:
        batch.problem("error", _("sheet {sheet}: collection_end is before collection_start ({start})",
                                 sheet=repr(DATASET_SHEET), start=start), column="collection_end", value=end)
        del about["collection_end"]
    return about


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# columns


def _name(column) -> str:
    """A header cell compared as the template names it: lower case, single spaces."""
    return re.sub(r"\s+", " ", str(column or "")).strip().lower()


def _frame(path: Path, header: list, rows: list, batch: Batch) -> pd.DataFrame:
    """The rows as a DataFrame of stripped text under the template's column names (plus `row`);
    a missing required column or one that appears twice is fatal, an unknown one is ignored."""
    dimensions = {_name(d).replace("_", " "): d for d in DIMENSIONS}
    known = set(REQUIRED + OPTIONAL)
    names = []
    for raw in header:  # "Sample size" is sample_size, "disability_status" is Disability status
        name = _name(raw)
        names.append(dimensions.get(name.replace("_", " "), name.replace(" ", "_") if name.replace(" ", "_") in known
                                    else name))
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    if duplicated:
        raise fatal(path, _("column(s) appear twice: {columns}", columns=", ".join(duplicated)),
                    column=", ".join(duplicated))
    present = [str(c).strip() for c in header if str(c).strip()]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise fatal(path, _("missing column(s) {missing}; found: {found}. The citizen data template needs {required}",
                            missing=", ".join(missing), found=", ".join(present) or _("none"),
                            required=", ".join(REQUIRED)), column=", ".join(missing))
    rows = [(number, [c.strip() for c in cells]) for number, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise fatal(path, _("the file has a header but no data rows"))
    width = len(names)
    frame = pd.DataFrame([cells[:width] + [""] * (width - len(cells)) for _number, cells in rows],
                         columns=[f"_{i}" for i in range(width)], dtype=str)
    keep = {}
    for i, name in enumerate(names):
        if name in known or name in DIMENSIONS:
            keep[name] = frame[f"_{i}"]
        elif frame[f"_{i}"].ne("").any():
            batch.problem("warning", _("not a column of the template: ignored (the group columns are {columns})",
                                       columns=", ".join(DIMENSIONS)),
                          column=str(header[i]).strip() or _("column {number}", number=i + 1))
    out = pd.DataFrame(keep).reindex(columns=REQUIRED + OPTIONAL + [d for d in DIMENSIONS if d in keep], fill_value="")
    return out.assign(row=[number for number, _cells in rows])


# ---------------------------------------------------------------------------------------------
# rows


def _read_number(text: pd.Series) -> pd.Series:
    """Numbers from text, infinities (inf, 1e309) included; NaN where the text is blank or not a number."""
    return pd.to_numeric(text.where(text != ""), errors="coerce").astype(float)


def _number(text: pd.Series) -> pd.Series:
    """Numbers from text; NaN where the text is blank, not a number, or not finite."""
    number = _read_number(text)
    return number.where(np.isfinite(number))


def _observations(f: pd.DataFrame, batch: Batch) -> None:
    bad = pd.Series(False, index=f.index)

    def flag(mask: pd.Series, column: str, message: str, severity: str = "error"):
        """A problem for each row in mask, naming its cell; an error rejects the row."""
        nonlocal bad
        mask = mask.fillna(False).astype(bool)
        for i in f.index[mask]:
            batch.problem(severity, message, int(f.at[i, "row"]), column, f.at[i, column])
        if severity == "error":
            bad = bad | mask

    # what the value is about
    flag(f.indicator == "", "indicator", _("indicator is required (an SDG indicator code such as 6.1.1)"))
    flag((f.indicator != "") & ~f.indicator.str.fullmatch(INDICATOR.pattern), "indicator",
         _("not an SDG indicator code such as 6.1.1"))
    country = f.country.map(country_codes.code)  # MWI, MW, 454 or Malawi: MWI
    alpha2 = country.map(country_codes.alpha2, na_action="ignore")
    flag(f.country == "", "country", _("country is required (a country code or name, e.g. MWI, MW or Malawi)"))
    flag((f.country != "") & country.isna(), "country", _("not a country: {hint}", hint=_(country_codes.HINT)))
    flag((f.area_code == "") & (f.area_name != ""), "area_name",
         _("area_name is given but area_code is blank: give the area's code (e.g. an ISO 3166-2 code such as MW-ZO), "
           "or leave area_name blank for a national value"))
    other = f.area_code.map(lambda c: getattr(pycountry.subdivisions.get(code=c.upper()), "country_code", None)
                            if "-" in c else None)
    flag(other.notna() & alpha2.notna() & (other != alpha2), "area_code",
         _("an ISO 3166-2 code of another country than the row's country"))
    flag((f.area_code != "") & (f.area_name == ""), "area_code",
         _("area_name is blank: if the area is new to the database it is named by its code"), "warning")

    # when
    period = f.period.str.extract(rf"^{PERIOD.pattern}$")
    start = pd.to_numeric(period[0], errors="coerce")
    end = pd.to_numeric(period[1], errors="coerce")
    end = end.where(period[1].str.len() != 2, (start // 100) * 100 + end)  # 2019/20 -> 2020
    year = end.fillna(start)
    flag(f.period == "", "period", _("period is required (a year such as 2021, or 2019/20, 2021-2023)"))
    flag((f.period != "") & (start.isna() | (year < start)), "period",
         _("not a year or period such as 2021, 2019/20 or 2021-2023"))
    flag(start.notna() & (year >= start) & ~(in_range(start) & in_range(year)), "period",
         _("not a year the app takes: a year has four digits, from {first_year} to {last_year}",
           first_year=FIRST_YEAR, last_year=LAST_YEAR))

    # the estimate
    value = _number(f.value)
    flag(f.value == "", "value", _("value is required: give the estimate, or delete the row"))
    infinite = np.isinf(_read_number(f.value))
    hint = _(NUMBER_HINT)
    flag((f.value != "") & value.isna() & ~infinite, "value", _("value is not a number ({hint})", hint=hint))
    flag(infinite, "value", _("value is not a finite number (infinite, or too large for the app)"))
    n = _number(f.sample_size)
    flag(f.sample_size == "", "sample_size",
         _("sample_size is required: the number of respondents or records behind the value (the app withholds "
           "values behind too few)"))
    flag((f.sample_size != "") & (n.isna() | (n <= 0) | (n % 1 != 0)), "sample_size",
         _("sample_size is not a whole number above 0 ({hint})", hint=hint))
    bounds = {}
    for column in ("lower_bound", "upper_bound"):
        bounds[column] = _number(f[column])
        flag((f[column] != "") & bounds[column].isna(), column,
             _("{column} is not a number ({hint})", column=column, hint=hint))
    flag(bounds["lower_bound"] > value, "lower_bound", _("lower_bound is above the value"))
    flag(bounds["upper_bound"] < value, "upper_bound", _("upper_bound is below the value"))
    flag(f.unit.str.upper().isin(["PERCENT", "%"]) & ((value < 0) | (value > 100)), "value",
         _("a percentage outside 0–100"), "warning")

    # one series, one indicator, description and unit: a blank series code is made from the indicator
    series = f.series.where(f.series != "", "CGD_" + f.indicator.str.replace(".", "_", regex=False))
    ok = ~bad
    for column in ("indicator", "series_description", "unit"):
        given = f[column].where(f[column] != "")
        first = given[ok].groupby(series[ok]).transform("first").reindex(f.index)
        flag(ok & given.notna() & first.notna() & (given != first), column,
             _("one series has one {column}: this row's differs from the series' first row; give it another "
               "series code", column=column))
        if column != "indicator":
            f[column] = given.fillna(first).fillna("")
    description = f.series_description.where(f.series_description != "", "Citizen estimate for indicator " + f.indicator)

    # the areas the rows name: one name and one country per code (the first row's)
    sub = ~bad & (f.area_code != "")
    parent = country[sub].groupby(f.area_code[sub]).first()
    flag(sub & (country != f.area_code.map(parent)), "area_code",
         _("this area_code appears with another country in an earlier row"))
    sub &= ~bad
    name = f.area_name[sub].where(f.area_name != "").groupby(f.area_code[sub]).first()
    flag(sub & (f.area_name != "") & (f.area_name != f.area_code.map(name)), "area_name",
         _("this area_code has another name in an earlier row: the first name is kept"), "warning")

    keep = ~bad
    dimensions = [d for d in DIMENSIONS if d in f]
    national = f.area_code == ""
    batch.observations = pd.DataFrame({
        "row": f.row,
        "series": series,
        "series_description": description,
        "indicator": f.indicator,
        "unit": f.unit,
        "area": country.where(national, f.area_code),
        "area_name": f.area_name,
        "area_scheme": national.map({True: "iso3", False: "area"}),
        "dims": [dims_key(zip(dimensions, cells)) for cells in f[dimensions].itertuples(index=False)],
        "year": year,
        "time_detail": f.period,
        "value": value,
        "lower_bound": bounds["lower_bound"],
        "upper_bound": bounds["upper_bound"],
        "nature": "CGD",
        "source": "",
        "sample_size": n,
        "footnote": f.footnote,
    })[keep].reindex(columns=OBSERVATION_COLUMNS + ["footnote"]).reset_index(drop=True)
    batch.observations = batch.observations.astype({"row": int, "year": int, "sample_size": "Int64"})
    codes = f.area_code[keep & ~national].drop_duplicates()
    batch.new_areas = pd.DataFrame({"code": codes, "local_code": codes, "name": codes.map(name).fillna(codes),
                                    "parent": codes.map(parent)}).reset_index(drop=True)


FORMAT = Format(
    name="citizen", label=N_("Citizen data estimates in the SDG Gap Monitor template (CSV or XLSX)"),
    read=lambda path, con: read(path),
    recognise=lambda f: OBSERVATIONS_SHEET in f.sheets if f.workbook else is_template_header(f.header),
    sign=N_("the citizen data template (indicator, period, value)"), order=40, kind="citizen",
    columns={"area": "country", "year": "period"}, suffixes=(".csv", ".xlsx"),
)
