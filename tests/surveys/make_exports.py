"""Survey-tool exports for the tests, written the way the tools write them. Run from the repository:
    python tests/surveys/make_exports.py
It writes, beside itself:

- kobo_waterconsumersurvey.csv: the openwashdata household water survey (Malawi, 423 households) as a
  KoboToolbox CSV export with 'XML values and headers', groups in the headers and the default ';'
  separator: groups joined by '/', the geopoint 'location/gps' split into '_gps_latitude'...,
  shortage_months as a select_multiple (space-separated choice names, one 0/1 column per choice, all
  empty where the question was skipped), unanswered questions empty, then Kobo's submission columns
  (_id, _uuid, _submission_time, _validation_status, _notes, _status, _submitted_by, __version__,
  _tags, _index). The published answers are kept as the choice names, so that the spec written for
  the published file reads the export too.
- kobo_rwpfunctionality.xlsx: the rwpfunctionality water point checks (1,793) as a Kobo XLSX export with
  labels: the first sheet holds the submissions (validation status as its label, 'Not approved'), a
  second sheet the repeat group of photos, tied to its submission by _parent_index.
- odk_water_reports.csv and odk_water_reports.xlsx: a made ODK Central CSV export (30 submissions of a
  repeat-free form about households' water) and its XLSForm: 'SubmissionDate' first, groups joined
  by '-', the geopoint split into -Latitude, -Longitude, -Altitude, -Accuracy, the select_multiple
  'problems' with its split 0/1 columns 'water-problems/<choice>', 'meta-instanceID', then KEY,
  SubmitterID, SubmitterName, AttachmentsPresent, AttachmentsExpected, Status, ReviewState, DeviceID,
  Edits, FormVersion (ODK Central's lib/data/briefcase.js).

Which submissions a reviewer turned down is a fixed rule of the row number (NOT_APPROVED, REJECTED)."""

import csv
import re
import uuid
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
REALDATA = HERE.parents[2] / "shared" / "realdata" / "citizen_data"
MALAWI = REALDATA / "household_water_survey_malawi" / "waterconsumersurvey.csv"
WATER_POINTS = REALDATA / "water_points_rwpfunctionality" / "rwpfunctionality.csv"

# Rows (0-based) marked not approved: 21 of the survey's 423 households, 72 of the 1,793 water points;
# 4 of the 30 ODK submissions are rejected.
NOT_APPROVED = {"malawi": lambda i: i % 20 == 7, "water points": lambda i: i % 25 == 3}
REJECTED = {4, 11, 19, 26}

# Kobo's submission columns, after the questions (formpack's copy fields, then _index)
KOBO_META = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
             "__version__", "_tags", "_index"]
GPS_PARTS = ["latitude", "longitude", "altitude", "precision"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]

MALAWI_GROUPS = {
    "": ["submitted_on"],
    "location": ["district", "traditional_authority", "group_village_headman", "village", "gps_method", "gps"],
    "household": ["well_being_analysis", "household_id", "respondent_gender", "attended_school",
                  "highest_education_qualification", "marital_status", "religion", "main_income_source",
                  "monthly_family_income", "household_size"],
    "water": ["main_water_source", "waterpoint_functional_status", "nonfunctional_reason", "waterpoint_current_issues",
              "waterpoint_current_problem", "waterpoint_current_problem_other", "water_collection_time_minutes",
              "seasonal_water_shortage", "shortage_months", "daily_water_use_buckets"],
    "tariff": ["has_water_tariff", "no_tariff_reason", "no_tariff_reason_other", "waterpoint_breakdown_response",
               "willing_to_pay_for_improvement", "current_tariff_kwacha", "current_tariff_unknown",
               "max_tariff_willing_to_pay"],
    "satisfaction": ["satisfaction_service_level", "satisfaction_maintenance_fund", "satisfaction_sanitation_hygiene",
                     "satisfaction_theft_protection", "satisfaction_water_quality"],
}
WATER_POINT_GROUPS = {
    "": ["id"],
    "location": ["country", "admin1", "admin2", "admin3", "gps"],
    "visit": ["instance_wp", "subdate_wp", "commid_wp", "dataorg_wp", "timepoint_wp", "cwfunded_wp", "cwid"],
    "waterpoint": ["wptype", "pumptype", "drillmethod", "piped_source", "piped_pump", "rehabyn", "qtyhh_wp",
                   "whomanage_wp", "wp_age", "rehab_age", "qtypeople_wp"],
    "functionality": ["wateravailable", "functional3", "whynowatertoday_wp", "whynowatertoday_wp_other",
                      "minutesfill20l", "brokendays_wp", "qtymonthsnowater_wp", "downtime2weeks", "lockedfullday_wp",
                      "pumpstrokes"],
    "committee": ["grant_number_wp", "wc_present_wp", "paytocollect_wp", "balance_any_dollars_wp", "improved_wponly_wp",
                  "qtyhh_c_wp", "wc_admin_index_wp", "wc_finance_index_wp", "wc_mgmt_index_wp", "wc_maint_index_wp",
                  "wc_savings_wp", "wpqty_wp"],
    "context": ["pop_1000", "annual_rain", "season"],
}


def rows_of(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def answer(value: str) -> str:
    """Kobo leaves a question nobody answered (skipped, or not relevant) empty; the published data say NA."""
    return "" if value == "NA" else value


def kobo_header(groups: dict, multiple: dict[str, list[str]]) -> list[str]:
    """The question columns of a Kobo export with groups in the headers: a geopoint gives its raw column
    and four parts, a select_multiple its text column and one column per choice."""
    header = []
    for group, names in groups.items():
        for name in names:
            path = f"{group}/{name}" if group else name
            header.append(path)
            if name == "gps":
                header += [f"{group}/_gps_{part}" for part in GPS_PARTS]
            for choice in multiple.get(name, []):
                header.append(f"{path}/{choice}")
    return header


def kobo_meta(i: int, form: str, when: str, status: str) -> list:
    return [180_000_000 + i, str(uuid.uuid5(uuid.NAMESPACE_URL, f"{form}/{i}")), when, status, "",
            "submitted_via_web", "", "vQx8GDs7kTfsP3gYbXJpLo", "", i + 1]


def number(value):
    """A number cell, as a spreadsheet export holds one (the other answers stay text)."""
    if value in ("", None) or isinstance(value, int):
        return value
    return int(value) if value.lstrip("-").isdigit() else float(value)


def gps_cells(lat: str, lon: str, altitude: str = "") -> list[str]:
    if not lat or not lon:
        return ["", "", "", "", ""]
    return [f"{lat} {lon} {altitude or 0} 0", lat, lon, altitude or "0", "0"]


def save(book: Workbook, out: Path) -> Path:
    """The workbook with fixed times inside (its properties, its zip entries): made again, the same bytes."""
    book.save(out)
    with zipfile.ZipFile(out) as z:  # openpyxl stamps the time of saving
        parts = [(i.filename, re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2024-03-01T00:00:00Z",
                                     z.read(i))) for i in z.infolist()]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 3, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out


def kobo_malawi() -> Path:
    rows = rows_of(MALAWI)
    header = kobo_header(MALAWI_GROUPS, {"shortage_months": MONTHS})
    out = HERE / "kobo_waterconsumersurvey.csv"
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writerow(header + KOBO_META)
        for i, r in enumerate(rows):
            cells = []
            for names in MALAWI_GROUPS.values():
                for name in names:
                    if name == "gps":
                        cells += gps_cells(r["latitude"], r["longitude"])
                    elif name == "shortage_months":
                        chosen = [m.strip().lower() for m in answer(r[name]).split(",") if m.strip()]
                        cells.append(" ".join(chosen))
                        cells += [("1" if m in chosen else "0") if chosen else "" for m in MONTHS]
                    else:
                        cells.append(answer(r[name]))
            day = datetime.strptime(r["submitted_on"], "%m/%d/%Y") + timedelta(hours=8, minutes=7 * (i % 90))
            status = ("validation_status_not_approved" if NOT_APPROVED["malawi"](i) else
                      "validation_status_on_hold" if i % 20 in (3, 11) else "" if i % 20 == 15 else
                      "validation_status_approved")
            writer.writerow(cells + kobo_meta(i, "waterconsumersurvey", day.isoformat(), status))
    return out


def kobo_water_points() -> Path:
    rows = rows_of(WATER_POINTS)
    header = kobo_header(WATER_POINT_GROUPS, {})
    numbers = {"id", "location/_gps_latitude", "location/_gps_longitude", "location/_gps_altitude", "_id", "_index"}
    main, photos = "Water point functionality", "photos"
    book = Workbook(write_only=True)
    submissions, repeat = book.create_sheet(main), book.create_sheet(photos)
    submissions.append(header + KOBO_META)
    repeat.append(["photos/photo", "photos/photo_URL", "_index", "_parent_table_name", "_parent_index"]
                  + ["_submission_" + m for m in KOBO_META[:-1]])
    for i, r in enumerate(rows):
        cells = []
        for names in WATER_POINT_GROUPS.values():
            for name in names:
                cells += (gps_cells(answer(r["latitude_wp"]), answer(r["longitude_wp"]), answer(r["elevation_wp"]))
                          if name == "gps" else [answer(r[name])])
        status = ("Not approved" if NOT_APPROVED["water points"](i) else "On hold" if i % 25 == 10 else
                  "" if i % 25 == 17 else "Approved")
        meta = kobo_meta(i, "rwpfunctionality", f"{r['subdate_wp']}T12:00:00", status)
        row = cells + meta
        submissions.append([number(v) if c in numbers else v for c, v in zip(header + KOBO_META, row)])
        if answer(r["photo_wp"]):
            repeat.append([r["photo_wp"].rsplit("/", 1)[-1], r["photo_wp"], i + 1, main, i + 1] + meta[:-1])
    return save(book, HERE / "kobo_rwpfunctionality.xlsx")


# The made ODK form: (type, name, English label, French label); groups as begin/end rows.
ODK_SURVEY = [
    ("start", "start", "", ""), ("end", "end", "", ""), ("today", "today", "", ""), ("deviceid", "deviceid", "", ""),
    ("begin group", "respondent", "Respondent", "Personne interrogée"),
    ("select_one districts", "district", "District", "District"),
    ("text", "village", "Village", "Village"),
    ("select_one genders", "gender", "Gender of the respondent", "Sexe de la personne interrogée"),
    ("integer", "age", "Age in years", "Âge en années"),
    ("end group", "", "", ""),
    ("begin group", "water", "Water", "Eau"),
    ("select_one sources", "main_source", "Main source of drinking water", "Principale source d'eau de boisson"),
    ("select_multiple problems", "problems", "Problems with the source this month",
     "Problèmes avec la source ce mois-ci"),
    ("integer", "minutes_to_collect", "Minutes to collect water, there and back", "Minutes pour aller chercher l'eau"),
    ("end group", "", "", ""),
    ("geopoint", "location", "Location of the household", "Emplacement du ménage"),
]
ODK_CHOICES = {
    "districts": [("Zomba", "Zomba", "Zomba"), ("Mangochi", "Mangochi", "Mangochi")],
    "genders": [("female", "Female", "Femme"), ("male", "Male", "Homme")],
    "sources": [("borehole", "Borehole or tubewell", "Forage"), ("piped", "Piped supply", "Eau courante"),
                ("protected_well", "Protected dug well", "Puits protégé"),
                ("unprotected_well", "Unprotected dug well", "Puits non protégé"),
                ("surface_water", "Surface water", "Eau de surface")],
    "problems": [("broken_pump", "Broken pump", "Pompe cassée"), ("low_flow", "Low water flow", "Faible débit"),
                 ("dirty_water", "Dirty water", "Eau sale"), ("long_queue", "Long queue", "Longue file d'attente")],
}
# Where each district's made households are: near the survey's first household there
ODK_PLACES = {"Zomba": (-15.4724, 35.2950), "Mangochi": (-14.7249, 35.3640)}


def odk_form() -> Path:
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::Français (fr)", "label::English (en)", "required"])
    for kind, name, english, french in ODK_SURVEY:
        survey.append([kind, name, french, english, "yes" if kind.startswith(("select", "integer")) else ""])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::Français (fr)", "label::English (en)"])
    for list_name, options in ODK_CHOICES.items():
        for name, english, french in options:
            choices.append([list_name, name, french, english])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(["Household water report", "water_reports", "2024030101"])
    return save(book, HERE / "odk_water_reports.xlsx")


def odk_export() -> Path:
    problems = [name for name, _, _ in ODK_CHOICES["problems"]]
    header = (["SubmissionDate", "start", "end", "today", "deviceid", "respondent-district", "respondent-village",
               "respondent-gender", "respondent-age", "water-main_source", "water-problems"]
              + [f"water-problems/{p}" for p in problems]
              + ["water-minutes_to_collect", "location-Latitude", "location-Longitude", "location-Altitude",
                 "location-Accuracy", "meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent",
                 "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"])
    sources = [name for name, _, _ in ODK_CHOICES["sources"]]
    out = HERE / "odk_water_reports.csv"
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for i in range(30):
            district = "Zomba" if i % 3 else "Mangochi"
            lat, lon = ODK_PLACES[district]
            started = datetime(2024, 3, 4 + i % 5, 8, 0) + timedelta(minutes=17 * i)
            chosen = [p for j, p in enumerate(problems) if (i >> j) & 1 and i % 5]
            instance = f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'water_reports/{i}')}"
            review = ("rejected" if i in REJECTED else "hasIssues" if i == 7 else "edited" if i == 13 else
                      "approved" if i % 3 == 1 else "")
            writer.writerow(
                [(started + timedelta(hours=3)).isoformat(timespec="milliseconds") + "Z",
                 started.isoformat(timespec="milliseconds") + "+02:00",
                 (started + timedelta(minutes=12)).isoformat(timespec="milliseconds") + "+02:00",
                 started.date().isoformat(), f"collect:device{i % 4}", district, f"Village {i % 6 + 1}",
                 "female" if i % 2 else "male", str(19 + (i * 7) % 50), sources[(i * 3) % 5 if i % 4 else 0],
                 " ".join(chosen)]
                + [("1" if p in chosen else "0") for p in problems]
                + [str(5 + (i * 11) % 60), f"{lat + (i % 7 - 3) * 0.004:.6f}", f"{lon + (i % 5 - 2) * 0.004:.6f}",
                   f"{700 + i}.0", "4.5", instance, instance, str(3 + i % 2), f"Enumerator {3 + i % 2}", "0", "0", "",
                   review, f"collect:device{i % 4}", "1" if review == "edited" else "0", "2024030101"])
    return out


if __name__ == "__main__":
    for made in (kobo_malawi(), kobo_water_points(), odk_form(), odk_export()):
        print(f"{made.relative_to(HERE.parents[1])}: {made.stat().st_size:,} bytes")
