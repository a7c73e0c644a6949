"""Raw citizen records to estimates, on the real files in ../shared/realdata/citizen_data. Every expected
number is computed here from the file with the csv module and arithmetic (Wilson by its formula),
not by the code under test."""

import csv
import dataclasses
import hashlib
import math
from collections import defaultdict
from itertools import product
from pathlib import Path

import pandas as pd
import pytest

from gapmonitor import db, importer
from gapmonitor.formats import records
from gapmonitor.formats import ReadError
from gapmonitor.importer import ImportRefused
from gapmonitor.formats.records import GroupColumn, RecordSpec

from conftest import REALDATA
from tests.actors import OPERATOR

CITIZEN = REALDATA / "citizen_data"
MALAWI = CITIZEN / "household_water_survey_malawi" / "waterconsumersurvey.csv"
WATER_POINTS = CITIZEN / "water_points_rwpfunctionality" / "rwpfunctionality.csv"
needs_realdata = pytest.mark.skipif(not CITIZEN.exists(), reason="../shared/realdata is absent")

# JMP: piped water, boreholes, protected wells and kiosks (delivered water) are improved sources;
# unprotected wells and surface water are not.
IMPROVED = ["Borehole or tubewell", "Piped supply", "Protected dug well", "Water kiosk"]
SURVEY = RecordSpec(
    indicator="6.1.1", description="Households whose main drinking water source is improved (JMP classes)",
    measure="main_water_source", yes=IMPROVED, country="MWI", area_column="district",
    period_column="submitted_on", date_format="%m/%d/%Y",
    groups=[GroupColumn("respondent_gender", "Sex", {"Female": "women"}),
            GroupColumn("well_being_analysis", "Wealth group", {"Hanging-in": "poorest"})])
DISTRICTS = {"Zomba": "MW-ZO", "Mangochi": "MW-MG"}  # ISO 3166-2:MW


def wilson(k: int, n: int) -> tuple[float, float]:
    z = 1.959964
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def rows_of(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def dims(**parts) -> str:
    return "|".join(f"{k}={v}" for k, v in sorted(parts.items()) if v is not None)


# Withheld, worked by hand from the counts (survey_cells): every cell under 10 households (primary), and
# in each breakdown (one dimension varying, the others fixed) that would otherwise hold exactly one withheld
# cell, the next smallest cell, since the total minus the others would give the withheld one back.
WITHHELD = {
    ("MW-MG", "Wealth group=Stepping-out"), ("MW-MG", "Wealth group=Hanging-in"),  # n 5; then 42 of 42, 93
    ("MW-MG", "Sex=Female|Wealth group=Stepping-out"), ("MW-MG", "Sex=Female|Wealth group=Hanging-in"),  # 3; 31 < 70
    ("MW-MG", "Sex=Male|Wealth group=Stepping-out"), ("MW-MG", "Sex=Male|Wealth group=Hanging-in"),  # 2; 11 < 23
    ("MW-ZO", "Sex=Female|Wealth group=Well-off"), ("MW-ZO", "Sex=Female|Wealth group=Stepping-out"),  # 9; 41
    ("MW-ZO", "Sex=Male|Wealth group=Stepping-out"), ("MW-ZO", "Sex=Male|Wealth group=Well-off"),  # 7 and 3
}  # the sex breakdowns then hold two withheld cells or none (Stepping-out: 3 and 2; Hanging-in: 31 and 11)


def survey_cells() -> dict:
    """(district code, dimension key) -> [households, households with an improved source]."""
    cells = defaultdict(lambda: [0, 0])
    for r in rows_of(MALAWI):
        for sex, wealth in product((None, r["respondent_gender"]), (None, r["well_being_analysis"])):
            cell = cells[(DISTRICTS[r["district"]], dims(Sex=sex, **{"Wealth group": wealth}))]
            cell[0] += 1
            cell[1] += r["main_water_source"] in IMPROVED
    return dict(cells)


@pytest.fixture
def con(fresh):
    with db.connect(fresh) as c:
        yield c


@needs_realdata
def test_malawi_survey_becomes_shares_by_district_gender_and_wealth(con):
    expected = survey_cells()
    batch = records.read(con, MALAWI, SURVEY)
    assert not [p for p in batch.problems if p.severity != "warning"]
    got = batch.observations
    assert set(zip(got.area, got.dims)) == set(expected)
    assert len(got) == len(expected) == 27  # 2 districts x (1 + 2 + 4 + 8) combinations, less those nobody is in
    for e in got.itertuples():
        n, k = expected[(e.area, e.dims)]
        assert e.sample_size == n
        assert e.value == pytest.approx(100 * k / n)
        assert (e.lower_bound, e.upper_bound) == pytest.approx(wilson(k, n))
        assert (e.year, e.time_detail, e.unit) == (2021, "2021", "PERCENT")
    zomba = got[(got.area == "MW-ZO") & (got.dims == "")].iloc[0]
    assert zomba.sample_size == 283  # the survey's Zomba households (README: 423 in Zomba and Mangochi)
    assert batch.group_mapping.to_dict("records") == [
        {"dimension": "Wealth group", "dim_value": "Hanging-in", "group_id": "poorest"}]  # Sex=Female is known


@needs_realdata
def test_malawi_estimates_import_and_small_cells_are_suppressed_in_every_query(fresh, con):
    batch = records.read(con, MALAWI, SURVEY)
    result = importer.preview(con, batch, records.checksum(MALAWI, SURVEY))
    con.close()
    dataset = importer.apply(result, by=OPERATOR, title="Household water survey, Zomba and Mangochi", source="openwashdata",
                             licence="CC BY 4.0", path=fresh,
                             description={"producer": "Emmanuel Mhango / openwashdata", "producer_type": "Researchers "
                                          "with community enumerators", "method": "Household survey, GPS-located"})
    with db.connect(fresh) as c:
        assert c.execute("select kind from dataset where dataset_id = ?", [dataset]).fetchall() == [("citizen",)]
        assert c.execute("select nso_review, assessed_at from citizen_dataset where dataset_id = ?",
                         [dataset]).fetchall() == [("not reviewed", None)]
        rows = db.query(c, "observations", indicator="6.1.1", group_id=None, country="MWI", first_year=2021,
                        last_year=2021, scope="user")
    mine = rows[rows.dataset == "Household water survey, Zomba and Mangochi"].drop_duplicates(["area", "dims"])
    households = survey_cells()
    assert len(mine) == len(households) == 27
    assert {c for c, (n, _) in households.items() if n < 10} < WITHHELD  # primary: fewer than 10 households
    for r in mine.itertuples():
        n, k = households[(r.area, r.dims)]
        if (r.area, r.dims) in WITHHELD:  # the row says so, and carries nothing that could identify anyone
            assert r.reliability == "suppressed" and math.isnan(r.value) and math.isnan(r.lower_bound)
            assert math.isnan(r.upper_bound) and pd.isna(r.sample_size)
        else:
            assert r.reliability == ("low reliability" if n < 30 else "reliable")
            assert (r.sample_size, r.value) == (n, pytest.approx(100 * k / n))


@needs_realdata
def test_coordinates_place_the_malawi_households_by_spatial_join(con):
    spec = RecordSpec(indicator="6.1.1", description="Improved source", measure="main_water_source", yes=IMPROVED,
                      latitude="latitude", longitude="longitude", period="2021")
    batch = records.read(con, MALAWI, spec)
    total = batch.observations[batch.observations.dims == ""]
    # no country given: the world map's shapes place all 423 GPS points in Malawi
    assert total[["area", "sample_size"]].values.tolist() == [["MWI", 423]]


@needs_realdata
def test_water_points_unmatched_admin1_names_are_listed_for_review_not_dropped(con):
    spec = RecordSpec(indicator="6.1.1", description="Water points functional on the day of the visit",
                      measure="functional3", yes=["Functional"], country_column="country", area_column="admin1",
                      period_column="subdate_wp", country_totals=True)
    batch = records.read(con, WATER_POINTS, spec)
    unmatched = {(p.value, p.row) for p in batch.problems if p.severity == "error"}
    # ISO 3166-2 spells Tigrai; Malawi's regions are Northern/Southern Region; Nepal's development regions
    # were replaced by provinces in 2015
    first_row = {}
    for i, r in enumerate(rows_of(WATER_POINTS), start=2):
        first_row.setdefault((r["country"], r["admin1"]), i)
    assert unmatched == {("Tigray", first_row[("Ethiopia", "Tigray")]), ("North", first_row[("Malawi", "North")]),
                         ("South", first_row[("Malawi", "South")]), ("Central", first_row[("Nepal", "Central")]),
                         ("Western", first_row[("Nepal", "Western")])}
    assert all(p.column == "admin1" and p.file == "rwpfunctionality.csv" for p in batch.problems if p.severity == "error")
    result = importer.preview(con, batch, records.checksum(WATER_POINTS, spec))
    assert result.rejected > 0
    with pytest.raises(ImportRefused, match="Tigray"):
        importer.apply(result, by=OPERATOR, title="t", source="s", description={"producer": "p", "producer_type": "t", "method": "m"},
                       path="/nonexistent/never-written.duckdb")


# The water points' admin-1 names and their ISO 3166-2 codes; Nepal's development regions have none
# (replaced by provinces in 2015), so the review adds them as areas of their own.
ADMIN1 = {("Ethiopia", "Tigray"): "ET-TI", ("Nepal", "Central"): "NPL-CENTRAL", ("Nepal", "Western"): "NPL-WESTERN",
          ("Malawi", "South"): "MW-S", ("Malawi", "Central"): "MW-C", ("Malawi", "North"): "MW-N",
          ("Mali", "Segou"): "ML-4", ("Mali", "Koulikoro"): "ML-2", ("Uganda", "Eastern"): "UG-E",
          ("Rwanda", "Northern Province"): "RW-03", ("Niger", "Dosso"): "NE-3", ("Niger", "Maradi"): "NE-4",
          ("India", "West Bengal"): "IN-WB", ("India", "Bihar"): "IN-BR", ("Mozambique", "Zambezia"): "MZ-Q",
          ("Mozambique", "Nampula"): "MZ-N"}
ISO3 = {"Ethiopia": "ETH", "Nepal": "NPL", "Malawi": "MWI", "Mali": "MLI", "Niger": "NER", "Uganda": "UGA",
        "India": "IND", "Rwanda": "RWA", "Mozambique": "MOZ"}


@needs_realdata
def test_water_points_become_functionality_shares_by_country_and_admin1(fresh, con):
    review = {"ETH:Tigray": "ET-TI", "MWI:North": "MW-N", "MWI:South": "MW-S", "NPL:Central": "new", "NPL:Western": "new"}
    spec = RecordSpec(indicator="6.1.1", description="Water points functional on the day of the visit",
                      measure="functional3", yes=["Functional"], country_column="country", area_column="admin1",
                      period_column="subdate_wp", country_totals=True, area_review=review)
    expected = defaultdict(lambda: [0, 0])  # (area code, year) -> [water points, functional]
    for r in rows_of(WATER_POINTS):
        for area in (ADMIN1[(r["country"], r["admin1"])], ISO3[r["country"]]):
            cell = expected[(area, int(r["subdate_wp"][:4]))]
            cell[0] += 1
            cell[1] += r["functional3"] == "Functional"
    batch = records.read(con, WATER_POINTS, spec)
    assert not [p for p in batch.problems if p.severity == "error"]
    result = importer.preview(con, batch, records.checksum(WATER_POINTS, spec))
    assert result.rejected == 0
    con.close()
    importer.apply(result, by=OPERATOR, title="Water point functionality", source="Murray et al. 2024 (rwpfunctionality)",
                   description={"producer": "charity: water partners", "producer_type": "NGO programme monitoring",
                                "method": "Water point visits"}, path=fresh)
    with db.connect(fresh) as c:
        got = {(area, year): (n, value, lower, upper) for area, year, n, value, lower, upper in c.execute("""
            select o.area, o.year, o.sample_size, o.value, o.lower_bound, o.upper_bound
            from observation as o join dataset as d using (dataset_id)
            where d.title = 'Water point functionality'""").fetchall()}
        names = dict(c.execute("select code, name from area where kind = 'subnational'").fetchall())
    assert set(got) == set(expected)
    for cell, (n, k) in expected.items():
        assert got[cell][0] == n
        assert got[cell][1] == pytest.approx(100 * k / n)
        assert got[cell][2:] == pytest.approx(wilson(k, n))
    assert (names["ML-4"], names["ET-TI"], names["NPL-CENTRAL"]) == ("Ségou", "Tigrai", "Central")


def test_a_missing_column_is_named_with_the_columns_the_file_has(con, tmp_path):
    path = tmp_path / "reports.csv"
    path.write_text("district,answer\nZomba,yes\n", encoding="utf-8")
    spec = RecordSpec(indicator="6.1.1", description="d", measure="reply", yes=["yes"], country="MWI",
                      area_column="district", period="2021")
    with pytest.raises(ReadError, match="no column 'reply'; the file has: district, answer"):
        records.read(con, path, spec)


def test_records_never_reach_the_database(fresh, con, tmp_path):
    path = tmp_path / "reports.csv"
    path.write_text("district,village,answer\n" + "Zomba,Kagaso-village-7,yes\n" * 12, encoding="utf-8")
    spec = RecordSpec(indicator="6.1.1", description="d", measure="answer", yes=["yes"], country="MWI",
                      area_column="district", period="2021")
    result = importer.preview(con, records.read(con, path, spec), records.checksum(path, spec))
    con.close()
    importer.apply(result, by=OPERATOR, title="t", source="s", path=fresh,
                   description={"producer": "p", "producer_type": "t", "method": "m"})
    with db.connect(fresh) as c:
        assert c.execute("select value, sample_size from observation where series like 'CGD_%'").fetchall() == [(100.0, 12)]
        for table, column in c.execute("select table_name, column_name from duckdb_columns() where data_type = 'VARCHAR' "
                                       "and database_name = current_database()").fetchall():
            assert not c.execute(f'select count(*) from "{table}" where "{column}" like \'%Kagaso%\'').fetchall()[0][0]


@needs_realdata
@pytest.mark.parametrize("spec, data, estimates", [
    ("malawi_household_water_survey.yaml", MALAWI, 27),  # as test_malawi_survey_becomes_shares_...
    ("water_point_functionality.yaml", WATER_POINTS, None),
])
def test_the_shipped_record_specs_import_from_the_command_line(fresh, spec, data, estimates, capsys):
    from gapmonitor.__main__ import main

    spec_path = db.ROOT / "data" / "templates" / "records" / spec
    code = main(["--db", str(fresh), "import", str(data), "--records", str(spec_path), "--source", "test",
                 "--producer", "p", "--producer-type", "t", "--method", "m"])
    assert code == 0, capsys.readouterr().err
    with db.connect(fresh) as c:
        rows = c.execute("select count(*) from observation as o join dataset as d using (dataset_id) "
                         "where d.kind = 'citizen' and not d.is_demo").fetchall()[0][0]
    if estimates is None:  # one per admin-1 area and country, and year, as the review settles them
        estimates = len({(ADMIN1[(r["country"], r["admin1"])], r["subdate_wp"][:4]) for r in rows_of(WATER_POINTS)}
                        | {(r["country"], r["subdate_wp"][:4]) for r in rows_of(WATER_POINTS)})
    assert rows == estimates


def test_a_yaml_spec_with_a_bare_yes_value_is_refused_plainly():
    with pytest.raises(TypeError, match="quote the values of 'yes'"):
        RecordSpec.from_dict({True: [True], "indicator": "6.1.1", "description": "d", "measure": "m"})


# Computed measures, weights and the counts of records left out (issue 14).
BEACHES = Path(__file__).parent / "records" / "beach_litter.csv"
SPECS = db.ROOT / "data" / "templates" / "records"


def beach_spec(**changes) -> RecordSpec:
    return dataclasses.replace(RecordSpec.load(SPECS / "beach_litter.yaml"), **changes)


def test_beach_litter_per_100_m_worked_by_hand(con):
    batch = records.read(con, BEACHES, beach_spec())
    got = {r.area: (r.value, r.sample_size) for r in batch.observations.itertuples()}
    # litter per 100 m = (sum of the item cells, a blank one 0) / length_m * 100, averaged per county:
    # Mombasa: Nyali (12+5+0+1)/100 -> 18, (8+0+4+0)/100 -> 12; Jomo Kenyatta (20+10+6+4)/200 -> 20,
    #          nothing found (all blank) -> 0; mean (18+12+20+0)/4 = 12.5
    # Kilifi:  Watamu (9+3+3+0)/150 -> 10, (6+0+0+3)/150 -> 6; Malindi (30+12+5+3)/250 -> 20; mean 36/3 = 12
    # Kwale:   Diani (15+6+0+0)/300 -> 7, (27+6+4+2)/300 -> 13; mean 10
    # Kenya (country_totals): all nine surveys, (18+12+20+0+10+6+20+7+13)/9 = 106/9
    assert got == {"KE-28": (pytest.approx(12.5), 4), "KE-14": (pytest.approx(12.0), 3),
                   "KE-19": (pytest.approx(10.0), 2), "KEN": (pytest.approx(106 / 9), 9)}  # ISO 3166-2:KE Mombasa, Kilifi, Kwale
    assert set(batch.observations.unit) == {"NUMBER"} and set(batch.observations.year) == {2023}
    assert batch.dataset == {"subject": "places"}  # beaches: the spec says so, the import's description takes it
    assert batch.summary["records read"] == batch.summary["records in the estimates"] == 9
    assert batch.summary["records left out"] == 0
    # the blank cells of each item column (counted by eye: bottles 1, bags 3, caps 4, nets 4) are told
    told = {p.column: p.message for p in batch.problems if "counted as 0" in p.message}
    assert told == {"item_plastic_bottles": "1 blank cell counted as 0 (blanks_as_zero)",
                    "item_bags": "3 blank cells counted as 0 (blanks_as_zero)",
                    "item_bottle_caps": "4 blank cells counted as 0 (blanks_as_zero)",
                    "item_fishing_nets": "4 blank cells counted as 0 (blanks_as_zero)"}


def test_beach_litter_without_blanks_as_zero_leaves_out_the_surveys_with_a_blank(con):
    batch = records.read(con, BEACHES, beach_spec(blanks_as_zero=False))
    got = {r.area: (r.value, r.sample_size) for r in batch.observations.itertuples()}
    # only the three surveys with every cell filled: Jomo Kenyatta 40/200 -> 20, Malindi 50/250 -> 20,
    # Diani in July 39/300 -> 13; the other six have no value
    assert got == {"KE-28": (pytest.approx(20.0), 1), "KE-14": (pytest.approx(20.0), 1), "KE-19": (pytest.approx(13.0), 1),
                   "KEN": (pytest.approx(53 / 3), 3)}  # Kenya: (20+20+13)/3
    assert (batch.summary["records left out"], batch.summary["left out: no value"]) == (6, 6)
    assert batch.summary["records in the estimates"] == 3


def test_a_formula_gets_a_series_code_of_its_own_and_a_column_keeps_its_old_one():
    digest = hashlib.sha256("\x1f".join(["name:sum", "symbol:(", "pattern:item_*", "symbol:)", "symbol:/",
                                         "name:length_m", "symbol:*", "number:100", "end:"]).encode()).hexdigest()
    assert beach_spec().series_code == f"CGD_14_1_1_SUM_ITEM_LENGTH_M_100_{digest[:6].upper()}"
    assert SURVEY.series_code == "CGD_6_1_1_MAIN_WATER_SOURCE"  # as before formulas
    assert beach_spec(series="EN_MAR_BEALIT_CGD").series_code == "EN_MAR_BEALIT_CGD"


def test_a_threshold_is_a_percentage(con, tmp_path):
    path = tmp_path / "visits.csv"
    path.write_text("district,minutes\n" + "".join(f"Zomba,{m}\n" for m in ["10", "45", "31", "30", "NA", "90"]),
                    encoding="utf-8")
    spec = RecordSpec(indicator="6.1.1", description="Households more than 30 minutes from water",
                      measure="minutes > 30", country="MWI", area_column="district", period="2021")
    batch = records.read(con, path, spec)
    (e,) = batch.observations.itertuples()
    # 45, 31, 90 of 10, 45, 31, 30, 90 are over 30 (NA has no value): 3 of 5, 60%, Wilson's interval
    assert (e.area, e.sample_size, e.unit) == ("MW-ZO", 5, "PERCENT")
    assert e.value == pytest.approx(60.0)
    assert (e.lower_bound, e.upper_bound) == pytest.approx(wilson(3, 5))
    assert batch.summary["left out: no value"] == 1


def test_bad_weights_are_errors_with_row_column_and_value(con, tmp_path):
    path = tmp_path / "weighted.csv"
    path.write_text("district,litres,w\nZomba,10,2\nZomba,99,\nZomba,99,heavy\nZomba,99,0\nZomba,99,-1\nZomba,40,0.5\n",
                    encoding="utf-8")
    spec = RecordSpec(indicator="6.1.1", description="Litres a day", measure="litres", weight="w", country="MWI",
                      area_column="district", period="2021")
    batch = records.read(con, path, spec)
    errors = [(p.row, p.column, p.value) for p in batch.problems if p.severity == "error"]
    assert errors == [(3, "w", ""), (4, "w", "heavy"), (5, "w", "0"), (6, "w", "-1")]  # the header is row 1
    assert (batch.summary["left out: bad weight"], batch.summary["rows rejected"]) == (4, 4)
    (e,) = batch.observations.itertuples()
    assert e.value == pytest.approx((2 * 10 + 0.5 * 40) / 2.5)  # weighted mean of the two usable records: 16
    assert records.read(con, path, dataclasses.replace(spec, weight=None)).observations.value[0] == pytest.approx(
        (10 + 4 * 99 + 40) / 6)  # no weight column: every record counts once


@needs_realdata
def test_malawi_counts_of_records_left_out_match_pandas(con):
    survey = pd.read_csv(MALAWI, dtype=str, keep_default_na=False)
    spec = RecordSpec.load(SPECS / "malawi_household_water_survey.yaml")
    summary = records.read(con, MALAWI, spec).summary
    # the shipped spec: every household has a district, a date and an answer, so none is left out
    placed = survey.district.isin(["Zomba", "Mangochi"]) & pd.to_datetime(survey.submitted_on, format="%m/%d/%Y",
                                                                         errors="coerce").notna()
    answered = ~survey.main_water_source.isin(records.MISSING)
    assert summary["records read"] == len(survey) == 423
    assert summary["records in the estimates"] == int((placed & answered).sum()) == 423
    assert summary["records left out"] == 0

    # a threshold, a weight, and Mangochi left out on review: each record counted once, for its first reason
    changed = dataclasses.replace(spec, measure="water_collection_time_minutes > 30", yes=[],
                                  weight="daily_water_use_buckets", area_review={"MWI:Mangochi": "skip"})
    summary = records.read(con, MALAWI, changed).summary
    minutes = pd.to_numeric(survey.water_collection_time_minutes, errors="coerce")
    buckets = pd.to_numeric(survey.daily_water_use_buckets, errors="coerce")
    reviewed = survey.district == "Mangochi"
    no_value = ~reviewed & survey.water_collection_time_minutes.isin(records.MISSING)
    not_number = ~reviewed & ~no_value & minutes.isna()
    bad_weight = ~reviewed & ~no_value & ~not_number & ~(buckets > 0)
    kept = ~(reviewed | no_value | not_number | bad_weight)
    assert summary["left out: rejected on review"] == int(reviewed.sum()) == 140
    assert summary.get("left out: no value", 0) == int(no_value.sum())
    assert summary.get("left out: not a number", 0) == int(not_number.sum()) == 0
    assert summary.get("left out: bad weight", 0) == int(bad_weight.sum())
    assert summary["records left out"] == int((~kept).sum())
    assert summary["records in the estimates"] == int(kept.sum())
    assert summary["rows rejected"] == int(bad_weight.sum())  # the errors; a review and a blank are warnings


@needs_realdata
def test_the_preview_counts_rejected_records_not_problem_rows(con):
    # district names matched as codes: Zomba is reviewed to its code, Mangochi matches nothing, and its
    # 140 households are one error problem (one per name) but 140 rejected records
    spec = dataclasses.replace(SURVEY, area_match="code", area_review={"MWI:Zomba": "MW-ZO"})
    batch = records.read(con, MALAWI, spec)
    assert len([p for p in batch.problems if p.severity == "error"]) == 1
    mangochi = sum(r["district"] == "Mangochi" for r in rows_of(MALAWI))
    result = importer.preview(con, batch, records.checksum(MALAWI, spec))
    assert result.summary["rows rejected"] == result.summary["left out: no place"] == mangochi == 140
    assert result.summary["records in the estimates"] == 423 - mangochi
    # the count the import form offers to skip, and that refuses the import, is of records too
    assert result.rejected == 140
