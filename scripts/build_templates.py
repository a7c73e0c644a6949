"""Build the citizen data templates in data/templates/ (CSV, and XLSX with the sheets observations,
dataset and guide) from the example rows and the column guide below. Run after changing either:
    python scripts/build_templates.py
The example rows are illustrative, not real data; the producer is fictional. The XLSX is written with
fixed timestamps so that a rebuild with no change gives the same bytes."""

import csv
import io
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gapmonitor.formats import DESCRIPTION_FIELDS  # noqa: E402
from gapmonitor.formats.citizen import DATASET_SHEET, DIMENSIONS, OBSERVATIONS_SHEET, OPTIONAL, REQUIRED  # noqa: E402

OUT = ROOT / "data" / "templates"
ILLUSTRATIVE = "Illustrative example: not real data."

# (column, what to write, example); a column is required when citizen.REQUIRED names it
GUIDE = [
    ("indicator", "Official SDG indicator code the value measures.", "6.1.1"),
    ("series", "Your code for the measure; leave blank and the app makes one from the indicator "
               "(CGD_6_1_1). Rows with the same series share one description and unit.", "CGD_16_1_4"),
    ("series_description", "What the value measures, in words (shown in the app).",
     "Population using safely managed drinking water, community survey (%)"),
    ("unit", "Unit of the value: PERCENT, NUMBER, RATIO...", "PERCENT"),
    ("country", "Country, as an ISO 3166-1 alpha-3 code.", "MWI"),
    ("area_code", "Blank for a national value. For a subnational value, the area's code: an ISO 3166-2 code "
                  "where there is one (the app already knows them for some countries), otherwise your own code.",
     "MW-ZO"),
    ("area_name", "The area's name (needed when area_code is given and the area is new to the app).", "Zomba"),
    ("Sex", "Blank = not disaggregated by sex. FEMALE or MALE.", "FEMALE"),
    ("Age", "Blank = all ages. An age band as in SDG data: 15-24 (youth), 65+ (older persons)...", "15-24"),
    ("Location", "Blank = urban and rural together. RURAL or URBAN.", "RURAL"),
    ("Quantile", "Blank = everyone. Wealth or income quintile Q1 (poorest 20%) ... Q5.", "Q1"),
    ("Disability status", "Blank = everyone. PD = persons with disabilities.", "PD"),
    ("Migratory status", "Blank = everyone. MIGRANT = migrants.", "MIGRANT"),
    ("Ethnicity", "Blank = everyone. INDIGENOUS = indigenous peoples.", "INDIGENOUS"),
    ("period", "The year of the data, or the period it covers: 2023, 2022/23 or 2021-2023 (it counts for its "
               "last year).", "2022/23"),
    ("value", "The estimate, a number with a dot for decimals (no %, no thousands separator).", "41.8"),
    ("lower_bound", "Optional: lower end of the estimate's 95% confidence interval (not above the value).", "39.3"),
    ("upper_bound", "Optional: upper end of the interval (not below the value).", "44.3"),
    ("sample_size", "Required: the number of respondents or records behind this value (a whole number). Values "
                    "behind fewer than 10 are stored but never shown (suppressed); fewer than 30 are shown "
                    "marked 'low reliability' (the app's defaults; editors can change them).", "790"),
    ("footnote", "Optional: anything a reader of this value should know.", ILLUSTRATIVE),
]

COLUMNS = [c for c, _, _ in GUIDE]

DATASET = [
    ("title", "Community water and safety monitoring, Malawi (illustrative example)",
     "A title for the dataset."),
    ("producer", "Example Community Monitors (fictional)", "Who collected the data (your organisation)."),
    ("producer_type", "Community-based organisation",
     "What kind of producer: civil-society organisation, community group, citizen-science network..."),
    ("method", "Household questionnaire run by trained community volunteers in a two-stage cluster sample of "
               "villages (illustrative)", "How the data were collected and the estimates made."),
    ("licence", "CC BY 4.0", "The licence others may use the data under."),
    ("collection_start", "2023-02-01", "First day of data collection, written YYYY-MM-DD."),
    ("collection_end", "2023-11-30", "Last day of data collection, written YYYY-MM-DD."),
    ("subject", "people", "What the records are about: people (people or households: values behind too few "
                          "respondents are suppressed) or places (places or things such as water points or beaches: "
                          "no personal data, nothing suppressed). Blank: people."),
]

WATER = "Population using safely managed drinking water, community survey (%)"
SAFE = "Feel safe walking alone after dark, community survey (%)"
# Illustrative rows (the numbers are made up): national and district values, several groups, the three
# ways to write a period, one value flagged low reliability (n < 30) and one suppressed (n < 10).
ROWS = [
    {"indicator": "6.1.1", "series_description": WATER, "country": "MWI", "period": "2023",
     "value": 41.8, "lower_bound": 39.3, "upper_bound": 44.3, "sample_size": 1520},
    {"indicator": "6.1.1", "series_description": WATER, "country": "MWI", "Sex": "FEMALE", "period": "2023",
     "value": 40.2, "lower_bound": 36.8, "upper_bound": 43.7, "sample_size": 790},
    {"indicator": "6.1.1", "series_description": WATER, "country": "MWI", "Location": "RURAL", "period": "2023",
     "value": 33.5, "lower_bound": 30.8, "upper_bound": 36.3, "sample_size": 1100},
    {"indicator": "6.1.1", "series_description": WATER, "country": "MWI", "area_code": "MW-ZO", "area_name": "Zomba",
     "Location": "RURAL", "period": "2023", "value": 29.7, "lower_bound": 24.5, "upper_bound": 35.5,
     "sample_size": 260},
    {"indicator": "6.1.1", "series_description": WATER, "country": "MWI", "area_code": "MW-ZO", "area_name": "Zomba",
     "Quantile": "Q1", "period": "2023", "value": 18.4, "lower_bound": 7.0, "upper_bound": 38.0, "sample_size": 24,
     "footnote": ILLUSTRATIVE + " Fewer than 30 respondents: shown marked 'low reliability'."},
    {"indicator": "6.1.1", "series_description": WATER, "country": "MWI", "area_code": "MW-BL",
     "area_name": "Blantyre", "Disability status": "PD", "period": "2023", "value": 35.0, "sample_size": 8,
     "footnote": ILLUSTRATIVE + " Fewer than 10 respondents: stored but never shown (suppressed)."},
    {"indicator": "16.1.4", "series": "CGD_16_1_4", "series_description": SAFE, "country": "MWI", "Sex": "FEMALE",
     "Age": "15-24", "period": "2020-2022", "value": 37.9, "lower_bound": 33.3, "upper_bound": 42.6,
     "sample_size": 410},
    {"indicator": "16.1.4", "series": "CGD_16_1_4", "series_description": SAFE, "country": "MWI", "Sex": "FEMALE",
     "Age": "65+", "period": "2020-2022", "value": 44.0, "lower_bound": 36.2, "upper_bound": 52.1,
     "sample_size": 150},
    {"indicator": "16.1.4", "series": "CGD_16_1_4", "series_description": SAFE, "country": "MWI",
     "area_code": "MW-LI", "area_name": "Lilongwe", "Sex": "FEMALE", "period": "2022/23", "value": 35.2,
     "lower_bound": 30.2, "upper_bound": 40.5, "sample_size": 320},
]

ROWS = [{"unit": "PERCENT", "footnote": ILLUSTRATIVE, **row} for row in ROWS]

RULES = [
    "The example rows and description in this template are illustrative, not real data: the numbers are made up "
    "and the producer is fictional.",
    "One row per value: indicator x area x group x period. Delete the example rows and write yours.",
    f"Required columns: {', '.join(REQUIRED)}. A blank group column means the value is not broken down by it.",
    "sample_size is required on every row. Values behind fewer than 10 respondents or records are stored but "
    "never shown (suppressed); fewer than 30 are shown marked 'low reliability' (the app's defaults).",
    "If lower_bound or upper_bound is given, lower_bound <= value <= upper_bound.",
    f"Sheet '{DATASET_SHEET}' describes the dataset (field, value); dates are written YYYY-MM-DD.",
    "Import: python -m gapmonitor import citizen_data_template.xlsx --kind citizen --source \"<who publishes it>\" "
    "(see data/templates/README.md), or use the Data page.",
]


def write_csv() -> Path:
    path = OUT / "citizen_data_template.csv"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in ROWS:
        writer.writerow([row.get(c, "") for c in COLUMNS])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def write_xlsx() -> Path:
    path = OUT / "citizen_data_template.xlsx"
    book = openpyxl.Workbook()
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    required = PatternFill("solid", fgColor="FFE699")

    obs = book.active
    obs.title = OBSERVATIONS_SHEET
    obs.append(COLUMNS)
    for row in ROWS:
        obs.append([row.get(c) for c in COLUMNS])
    for i, column in enumerate(COLUMNS, start=1):
        head = obs.cell(row=1, column=i)
        head.font = bold
        if column in REQUIRED:
            head.fill = required
        letter = head.column_letter
        obs.column_dimensions[letter].width = max(10, min(40, len(column) + 4))
        if column in ("period", "Age", "area_code", "indicator"):
            # text, so that Excel keeps 2022/23, 15-24 and 6.1.1 as written (not dates or numbers)
            for r in range(2, len(ROWS) + 2):
                obs.cell(row=r, column=i).number_format = "@"
    obs.freeze_panes = "A2"

    about = book.create_sheet(DATASET_SHEET)
    about.append(["field", "value"])
    assert [f for f, _, _ in DATASET] == DESCRIPTION_FIELDS
    for field, value, _ in DATASET:
        about.append([field, value])
    about["A1"].font = about["B1"].font = bold
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 20, 90

    guide = book.create_sheet("guide")
    guide.append(["SDG Gap Monitor: citizen data template"])
    guide["A1"].font = Font(bold=True, size=14)
    for rule in RULES:
        guide.append([rule])
    guide.append([])
    guide.append([f"Sheet '{OBSERVATIONS_SHEET}': one column each", "required", "what to write", "example"])
    header = guide.max_row
    for column, text, example in GUIDE:
        guide.append([column, "yes" if column in REQUIRED else "no", text, example])
    guide.append([])
    guide.append([f"Sheet '{DATASET_SHEET}': one row each (field, value)", "required", "what to write", "example"])
    second = guide.max_row
    for field, value, text in DATASET:
        guide.append([field, "yes" if field in ("producer", "producer_type", "method") else "no", text, value])
    for r in (header, second):
        for c in range(1, 5):
            guide.cell(row=r, column=c).font = bold
    for row in guide.iter_rows(min_row=header):
        for c in row:
            c.alignment = wrap
    for letter, width in zip("ABCD", (26, 10, 80, 40)):
        guide.column_dimensions[letter].width = width

    fixed = datetime(2025, 1, 1)
    book.properties.creator = "SDG Gap Monitor"
    book.properties.created = book.properties.modified = fixed
    buffer = io.BytesIO()
    book.save(buffer)
    _fixed_zip(buffer.getvalue(), path)
    return path


def _fixed_zip(data: bytes, path: Path) -> None:
    """Rewrite the workbook's zip with fixed times (openpyxl stamps the time of saving on the entries and
    as the document's modified date)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", content)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0)), content,
                         compress_type=zipfile.ZIP_DEFLATED)
    path.write_bytes(out.getvalue())


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    assert sorted(COLUMNS) == sorted(REQUIRED + OPTIONAL + DIMENSIONS), "the guide must name every column"
    for path in (write_csv(), write_xlsx()):
        print(f"{len(ROWS)} example rows -> {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
