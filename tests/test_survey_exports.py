"""Survey-tool exports read as they come (issue 14): the real citizen files re-written as KoboToolbox
exports (tests/surveys/make_exports.py) give the published files' estimates less the submissions marked
not approved, read with the same shipped specs; a made ODK Central export and its XLSForm. Expected
numbers are counted here from the published files and the exports with the csv module and pandas."""

import csv
import io
from collections import defaultdict
from itertools import product

import pandas as pd
import pytest
from openpyxl import Workbook

from gapmonitor import db, importer, record_files
from gapmonitor.formats import ReadError
from gapmonitor.formats.records import GroupColumn, RecordSpec
from tests.test_records import ADMIN1, DISTRICTS, IMPROVED, ISO3, MALAWI, WATER_POINTS, dims, wilson

SURVEYS = db.ROOT / "tests" / "surveys"
KOBO_MALAWI = SURVEYS / "kobo_waterconsumersurvey.csv"
KOBO_WATER_POINTS = SURVEYS / "kobo_rwpfunctionality.xlsx"
ODK = SURVEYS / "odk_water_reports.csv"
ODK_FORM = SURVEYS / "odk_water_reports.xlsx"
SPECS = db.ROOT / "data" / "templates" / "records"
ESTIMATE = ["area", "dims", "year", "series", "unit", "value", "lower_bound", "upper_bound", "sample_size"]


@pytest.fixture
def con(fresh):
    with db.connect(fresh) as c:
        yield c


def text_cells(path, **options) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, **options)


def odk_rows() -> list[dict]:
    with open(ODK, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def estimates(result) -> pd.DataFrame:
    return result.batch.observations[ESTIMATE].sort_values(["area", "dims", "year"]).reset_index(drop=True)


def assert_shares(observations: pd.DataFrame, expected: dict, key) -> None:
    """Every estimate is k of n as counted, with its Wilson interval, and there is one for every cell."""
    got = {key(e): e for e in observations.itertuples()}
    assert set(got) == set(expected)
    for cell, (n, k) in expected.items():
        e = got[cell]
        assert e.sample_size == n
        assert e.value == pytest.approx(100 * k / n)
        assert (e.lower_bound, e.upper_bound) == pytest.approx(wilson(k, n))


def without(original, turned_down, tmp_path, name: str):
    """The published file less the turned-down rows, as a plain CSV: what the export should read as."""
    path = tmp_path / name
    original[~turned_down].to_csv(path, index=False)
    return path


def test_kobo_csv_of_the_malawi_survey_gives_the_published_estimates_less_the_not_approved(con, tmp_path):
    export = text_cells(KOBO_MALAWI, sep=";")
    original = text_cells(MALAWI)
    assert export["household/household_id"].tolist() == original.household_id.tolist()  # the rows line up
    turned_down = (export["_validation_status"] == "validation_status_not_approved").to_numpy()
    assert turned_down.sum() == 21  # make_exports: every 20th household from the 8th
    expected = defaultdict(lambda: [0, 0])  # (district code, dimension key) -> [households, improved source]
    for r in original[~turned_down].itertuples():
        for sex, wealth in product((None, r.respondent_gender), (None, r.well_being_analysis)):
            cell = expected[(DISTRICTS[r.district], dims(Sex=sex, **{"Wealth group": wealth}))]
            cell[0] += 1
            cell[1] += r.main_water_source in IMPROVED
    spec = SPECS / "malawi_household_water_survey.yaml"  # names main_water_source, district, respondent_gender...

    result = importer.load(con, KOBO_MALAWI, "records", records=spec)

    assert not result.errors
    assert ("warning", "21 submissions marked not approved in _validation_status: left out", "_validation_status") in {
        (p.severity, p.message, p.column) for p in result.problems}
    assert_shares(result.batch.observations, expected, key=lambda e: (e.area, e.dims))
    assert sum(n for (area, key), (n, _) in expected.items() if key == "") == 423 - 21
    # the preview counts records: all 423 read, the 21 turned down among those left out, and why
    summary = result.batch.summary
    assert (summary["records read"], summary["records left out"], summary["records in the estimates"]) == (423, 21, 402)
    assert summary["left out: turned down in the survey tool's review"] == 21
    plain = importer.load(con, without(original, turned_down, tmp_path, "malawi.csv"), "records", records=spec)
    pd.testing.assert_frame_equal(estimates(result), estimates(plain))


def test_kobo_xlsx_of_the_water_points_gives_the_published_estimates_less_the_not_approved(con, tmp_path):
    export = pd.read_excel(KOBO_WATER_POINTS, sheet_name=0, dtype=str, keep_default_na=False)
    original = text_cells(WATER_POINTS)
    assert export["id"].tolist() == original["id"].tolist()
    turned_down = (export["_validation_status"] == "Not approved").to_numpy()  # a label: exported with labels
    assert turned_down.sum() == 72  # make_exports: every 25th water point from the 4th
    expected = defaultdict(lambda: [0, 0])  # (area code, year) -> [water points, functional]
    for r in original[~turned_down].itertuples():
        for area in (ADMIN1[(r.country, r.admin1)], ISO3[r.country]):
            cell = expected[(area, int(r.subdate_wp[:4]))]
            cell[0] += 1
            cell[1] += r.functional3 == "Functional"
    spec = SPECS / "water_point_functionality.yaml"  # names functional3, country, admin1, subdate_wp

    result = importer.load(con, KOBO_WATER_POINTS, "records", records=spec)

    assert not result.errors
    messages = {p.message for p in result.problems if p.severity == "warning"}
    assert "72 submissions marked not approved in _validation_status: left out" in messages
    assert "only the first sheet, 'Water point functionality', is read; the others (photos) are left out" in messages
    assert_shares(result.batch.observations, expected, key=lambda e: (e.area, e.year))
    plain = importer.load(con, without(original, turned_down, tmp_path, "water_points.csv"), "records", records=spec)
    pd.testing.assert_frame_equal(estimates(result), estimates(plain))


def test_odk_central_export_leaves_rejected_submissions_out_and_keeps_the_spec_names(con):
    spec = RecordSpec(indicator="6.1.1", description="Households whose main source is improved",
                      measure="main_source", yes=["borehole", "piped", "protected_well"], country="MWI",
                      area_column="district", period_column="SubmissionDate",
                      groups=[GroupColumn("gender", groups={"female": "women"})])
    kept = [r for r in odk_rows() if r["ReviewState"] != "rejected"]
    expected = defaultdict(lambda: [0, 0])
    for r in kept:
        for gender in (None, r["respondent-gender"]):
            cell = expected[(DISTRICTS[r["respondent-district"]], dims(gender=gender))]
            cell[0] += 1
            cell[1] += r["water-main_source"] in spec.yes

    result = importer.load(con, ODK, "records", records=spec)

    assert not result.errors
    assert len(odk_rows()) - len(kept) == 4
    assert ("warning", "4 submissions marked rejected in ReviewState: left out", "ReviewState") in {
        (p.severity, p.message, p.column) for p in result.problems}
    assert_shares(result.batch.observations, expected, key=lambda e: (e.area, e.dims))
    assert set(result.batch.observations.year) == {2024}  # SubmissionDate: ISO 8601 in UTC ('...Z')
    # the dimension is named as the spec names it, not by the column's path
    assert result.batch.group_mapping.to_dict("records") == [
        {"dimension": "gender", "dim_value": "female", "group_id": "women"}]


def test_the_guessed_coordinates_place_every_odk_submission_in_malawi(con):
    guessed = record_files.guess(ODK)
    spec = RecordSpec(indicator="6.1.1", description="Improved source", measure="main_source", yes=["borehole"],
                      latitude=guessed["latitude"], longitude=guessed["longitude"], period="2024")
    result = importer.load(con, ODK, "records", records=spec)
    total = result.batch.observations[result.batch.observations.dims == ""]
    kept = sum(r["ReviewState"] != "rejected" for r in odk_rows())
    assert total[["area", "sample_size"]].values.tolist() == [["MWI", kept]]


def test_guesses_are_the_tools_coordinates_and_submission_time():
    assert record_files.guess(KOBO_MALAWI) == {"latitude": "location/_gps_latitude",
                                               "longitude": "location/_gps_longitude", "period": "_submission_time"}
    assert record_files.guess(ODK) == {"latitude": "location-Latitude", "longitude": "location-Longitude",
                                       "period": "SubmissionDate"}
    assert record_files.guess(MALAWI) == {"latitude": "latitude", "longitude": "longitude", "period": None}


def test_odk_rows_keep_their_file_numbers_and_the_tool_is_named():
    records = record_files.load(ODK)
    rejected = [i for i, r in enumerate(odk_rows(), start=2) if r["ReviewState"] == "rejected"]
    assert len(rejected) == 4
    assert sorted(set(range(2, 32)) - set(records.index + 2)) == rejected
    assert {"approved", "hasIssues", "edited", ""} == set(records.ReviewState)  # only rejected is left out
    assert record_files.notes(ODK)[0][1].startswith("read as an export of ODK Central")
    assert record_files.notes(KOBO_MALAWI)[0][1].startswith("read as an export of KoboToolbox")
    assert record_files.notes(MALAWI) == []


def test_a_column_is_named_by_its_path_or_its_question_name():
    name = record_files.column_name
    assert name(KOBO_MALAWI, "respondent_gender") == "household/respondent_gender"
    assert name(KOBO_MALAWI, "household/respondent_gender") == "household/respondent_gender"
    assert name(KOBO_MALAWI, "shortage_months") == "water/shortage_months"  # not one of its choice columns
    assert name(KOBO_MALAWI, "shortage_months/october") == "water/shortage_months/october"
    assert name(KOBO_MALAWI, "_gps_latitude") == "location/_gps_latitude"
    assert name(ODK, "district") == "respondent-district"
    assert name(ODK, "problems/low_flow") == "water-problems/low_flow"
    assert name(MALAWI, "district") == "district"


def test_an_unknown_column_is_named_with_the_columns_the_file_has(tmp_path):
    header = list(odk_rows()[0])
    with pytest.raises(ReadError, match="no column 'water_source'; the file has: SubmissionDate, start") as e:
        record_files.column_name(ODK, "water_source")
    assert e.value.problem.message.endswith(", ".join(header[-3:]))
    assert e.value.problem.file == "odk_water_reports.csv"
    twice = tmp_path / "twice.csv"
    twice.write_text("before/age,after/age\n30,31\n", encoding="utf-8")
    with pytest.raises(ReadError, match="'age' could be any of before/age, after/age: name it by its full path"):
        record_files.column_name(twice, "age")


def test_semicolons_and_a_byte_order_mark_read_like_commas(tmp_path):
    rows = [["district", "monthly_family_income", "answer"], ["Zomba", "Below K100,000", "yes"],
            ["Mangochi", "K100,000; or more", "no"]]
    frames = []
    for delimiter, bom in product((",", ";"), ("", "\ufeff")):
        path = tmp_path / f"records{len(frames)}.csv"
        text = io.StringIO()
        csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
        path.write_text(bom + text.getvalue(), encoding="utf-8")
        frames.append(record_files.load(path))
    for frame in frames:
        assert frame.columns.tolist() == rows[0]
        assert frame.values.tolist() == rows[1:]
    # the committed Kobo export: ';' between cells, ',' inside them
    assert "Below K100,000" in set(record_files.load(KOBO_MALAWI)["household/monthly_family_income"])
    with_bom = tmp_path / "kobo_with_bom.csv"
    with_bom.write_bytes(b"\xef\xbb\xbf" + KOBO_MALAWI.read_bytes())
    pd.testing.assert_frame_equal(record_files.load(with_bom), record_files.load(KOBO_MALAWI))
    assert record_files.notes(with_bom) == record_files.notes(KOBO_MALAWI)


def test_a_ragged_row_of_a_semicolon_file_is_named(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("district;answer\nZomba;yes\nMangochi;no;extra\n", encoding="utf-8")
    with pytest.raises(ReadError, match="the row has 3 cells but the header has 2") as e:
        record_files.load(path)
    assert (e.value.problem.row, e.value.problem.value) == (3, "extra")


def test_select_multiple_choices_stay_columns_of_0_and_1():
    odk = record_files.load(ODK)
    choices = [c for c in odk.columns if c.startswith("water-problems/")]
    assert len(choices) == 4
    assert (odk[choices].astype(int).sum(axis=1) == odk["water-problems"].str.split().str.len()).all()
    kobo = record_files.load(KOBO_MALAWI)
    months = [c for c in kobo.columns if c.startswith("water/shortage_months/")]
    answered = kobo["water/shortage_months"] != ""
    assert len(months) == 12 and answered.sum() > 0
    assert (kobo.loc[answered, months].astype(int).sum(axis=1)
            == kobo.loc[answered, "water/shortage_months"].str.split().str.len()).all()
    assert (kobo.loc[~answered, months] == "").all().all()  # a skipped question leaves its choices empty


def test_the_first_sheet_of_a_kobo_workbook_is_read_as_written():
    records = record_files.load(KOBO_WATER_POINTS)
    assert not [c for c in records.columns if c.startswith("photos/")]  # the repeat group's sheet is not read
    first = records.iloc[0]  # rwpfunctionality.csv's first water point
    assert (first["location/_gps_latitude"], first["location/_gps_longitude"]) == ("14.116315", "38.49383")
    assert (first["_id"], first["visit/subdate_wp"], first["location/admin1"]) == ("180000000", "2020-01-02", "Tigray")


def test_an_xlsform_gives_the_labels_of_questions_and_codes():
    questions, choices = record_files.form_labels(ODK_FORM)
    # the English labels, though the French column comes first
    assert questions["main_source"] == "Main source of drinking water"
    assert questions["gender"] == "Gender of the respondent"
    assert choices["main_source"]["protected_well"] == "Protected dug well"
    assert choices["problems"] == {"broken_pump": "Broken pump", "low_flow": "Low water flow",
                                   "dirty_water": "Dirty water", "long_queue": "Long queue"}
    assert "respondent" not in questions and "start" not in questions  # a group; metadata without a label
    assert set(choices) == {"district", "gender", "main_source", "problems"}


def test_the_form_labels_the_columns_of_its_export_and_their_codes():
    labels, codes = record_files.labels_of(ODK, ODK_FORM)
    assert labels["respondent-gender"] == "Gender of the respondent"
    assert labels["water-problems/low_flow"] == "Problems with the source this month: Low water flow"
    assert codes["water-main_source"]["unprotected_well"] == "Unprotected dug well"
    assert codes["water-problems"]["broken_pump"] == "Broken pump"
    assert not {"SubmissionDate", "location-Latitude", "meta-instanceID", "ReviewState"} & labels.keys()
    assert set(codes) == {"respondent-district", "respondent-gender", "water-main_source", "water-problems"}


def test_an_xlsform_with_one_label_column_and_old_headers(tmp_path):
    path = tmp_path / "form.xlsx"
    book = Workbook()
    book.active.title = "survey"
    for row in (["type", "name", "label"], ["select_one yes_no or_other", "has_tariff", "Is there a water tariff?"],
                ["decimal", "tariff", "Tariff (kwacha)"]):
        book["survey"].append(row)
    book.create_sheet("choices")
    for row in (["list name", "name", "label"], ["yes_no", "1", "Yes"], ["yes_no", "0", "No"]):
        book["choices"].append(row)
    book.save(path)
    assert record_files.form_labels(path) == ({"has_tariff": "Is there a water tariff?", "tariff": "Tariff (kwacha)"},
                                              {"has_tariff": {"1": "Yes", "0": "No"}})


def test_a_workbook_that_is_not_an_xlsform_is_refused_plainly(tmp_path):
    path = tmp_path / "not_a_form.xlsx"
    book = Workbook()
    book.active.title = "Data"
    book.save(path)
    with pytest.raises(ReadError, match="not an XLSForm: no 'survey' or 'choices' sheet; its sheets: Data"):
        record_files.form_labels(path)
    book.active.title = "survey"
    book["survey"].append(["type", "label"])
    book.create_sheet("choices").append(["list_name", "name", "label"])
    book.save(path)
    with pytest.raises(ReadError, match="the survey sheet has no column 'name'; its columns: type, label"):
        record_files.form_labels(path)
    book["survey"].delete_rows(1)
    book["survey"].append(["type", "name", "label"])
    book["survey"].append(["select_one colours", "colour", "Colour"])
    book.save(path)
    with pytest.raises(ReadError, match="'colour' takes its choices from the list 'colours'") as e:
        record_files.form_labels(path)
    assert (e.value.problem.row, e.value.problem.column) == (2, "type")
    csv_named_xlsx = tmp_path / "form.xlsx"
    csv_named_xlsx.write_text("type,name,label\n", encoding="utf-8")
    with pytest.raises(ReadError, match="not a readable Excel workbook"):
        record_files.form_labels(csv_named_xlsx)
