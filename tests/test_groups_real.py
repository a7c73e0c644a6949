"""Who is counted, on real files: after importing the real UN exports and the Rwanda SDMX file, every
observation of a series that measures a group by definition counts for that group, whatever its
dimensions say, and the groups of dimension values come from the code lists. Expected values are read
from the files and the reference tables, not from the code under test."""

import csv
import math
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from conftest import REALDATA

from gapmonitor import db, importer
from tests.actors import OPERATOR

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"
UN = REALDATA / "un_sdg_global_db"
GOAL5 = UN / "unsdg_Goal5_export.csv"
T411 = UN / "unsdg_4.1.1_t411.csv"
RWANDA = REALDATA / "open_sdg_rwanda"
needs_files = pytest.mark.skipif(not GOAL5.exists() or not T411.exists(), reason=f"real data not available at {UN}")


def imported(path, file, **options) -> str:
    with db.connect(path) as con:
        preview = importer.load(con, file, **options)
    return importer.apply(preview, by=OPERATOR, title=file.name, source="test: real data", path=path)


def valued(file) -> list[dict]:
    """The rows of a UN export that hold a number (the others are skipped on import)."""
    def number(text):
        try:
            return math.isfinite(float(text))
        except ValueError:
            return False
    with open(file, encoding="utf-8", newline="") as f:
        return [r for r in ({k.strip().strip("[]"): v.strip() for k, v in row.items()} for row in csv.DictReader(f))
                if number(r["Value"])]


@needs_files
def test_every_women_series_of_the_goal_5_export_counts_for_women(fresh):
    """The Goal 5 export writes no Sex dimension on most IC_GEN_* and SG_GEN_* rows; each of their rows
    still counts for women, because the series is about women by definition (series_groups.csv)."""
    rows = [r for r in valued(GOAL5) if r["SeriesCode"].startswith(("IC_GEN_", "SG_GEN_"))]
    assert rows and any(r.get("Sex", "") in ("", "_T", "BOTHSEX") for r in rows)  # the case the rule is for
    dataset = imported(fresh, GOAL5)
    with duckdb.connect(str(fresh), read_only=True) as con:
        counted = con.execute("""
            select count(distinct (series, area, dims, time_detail)) from observation_group
            where dataset_id = ? and group_id = 'women' and (starts_with(series, 'IC_GEN_') or starts_with(series, 'SG_GEN_'))
        """, [dataset]).fetchall()[0][0]
    assert counted == len(rows)


@needs_files
def test_5_1_1_has_women_in_as_many_countries_as_the_file(fresh):
    """5.1.1's four SG_LGL_GENEQ* series (legal frameworks for gender equality) carry no Sex dimension:
    before series counted for their group, the app found women in no country. Now: as many countries as
    hold a 5.1.1 value in the file."""
    countries = {r["m49"].lstrip("0") for r in csv.DictReader(open(REFERENCE / "areas.csv", encoding="utf-8"))}
    from_file = {r["GeoAreaCode"] for r in valued(GOAL5) if r["Indicator"] == "5.1.1" and r["GeoAreaCode"] in countries}
    imported(fresh, GOAL5)
    with duckdb.connect(str(fresh), read_only=True) as con:
        in_app = con.execute("""
            select count(*) from gap_cells(2000, 2025, 1, 'user', only_indicator := '5.1.1')
            where group_id = 'women' and status in ('official', 'official_and_citizen')
        """).fetchall()[0][0]
    assert len(from_file) == 28 and in_app == len(from_file)


@needs_files
def test_4_1_1_counts_for_children(fresh):
    """SE_TOT_PRFL: 'proportion of children and young people achieving at least a minimum proficiency':
    every country of the file with a value has official data for children."""
    countries = {r["m49"].lstrip("0") for r in csv.DictReader(open(REFERENCE / "areas.csv", encoding="utf-8"))}
    from_file = {r["GeoAreaCode"] for r in valued(T411) if r["GeoAreaCode"] in countries}
    imported(fresh, T411)
    with duckdb.connect(str(fresh), read_only=True) as con:
        in_app = con.execute("""
            select count(*) from gap_cells(2000, 2025, 1, 'user', only_indicator := '4.1.1')
            where group_id = 'children' and status in ('official', 'official_and_citizen')
        """).fetchall()[0][0]
    assert in_app == len(from_file) > 100


@pytest.mark.skipif(not (RWANDA / "RWA_2025_SDG_DSD.xml").exists(), reason=f"real data not available at {RWANDA}")
def test_rwanda_age_codes_count_for_their_groups(fresh):
    """Rwanda's AGE codes are code-list codes (Y0T4, M12T23, Y15T24...): each observation with an AGE
    code wholly under 18 counts for children, one within 15-24 for youth (group_mapping.csv)."""
    dataset = imported(fresh, RWANDA / "2025_RWA-SDG_Data.sdmx.xml", structure=RWANDA / "RWA_2025_SDG_DSD.xml",
                       country="RWA")
    with open(REFERENCE / "group_mapping.csv", encoding="utf-8") as f:
        mapping = [(r["dim_value"], r["group_id"]) for r in csv.DictReader(f) if r["dimension"] == "AGE"]
    with duckdb.connect(str(fresh), read_only=True) as con:
        for group in ("children", "youth"):
            codes = sorted(v for v, g in mapping if g == group)
            by_code = con.execute("""
                select count(*) from observation as o where o.dataset_id = ?
                    and exists (select 1 from unnest(dims_pairs(o.dims)) as p(pair)
                                where pair.dimension = 'AGE' and list_contains(?, pair.dim_value))
            """, [dataset, codes]).fetchall()[0][0]
            counted = con.execute("""
                select count(distinct (series, area, dims, time_detail)) from observation_group as og
                where og.dataset_id = ? and og.group_id = ?
                    and exists (select 1 from unnest(dims_pairs(og.dims)) as p(pair)
                                where pair.dimension = 'AGE' and list_contains(?, pair.dim_value))
            """, [dataset, group, codes]).fetchall()[0][0]
            assert by_code > 0 and counted == by_code, group


UK_521 = REALDATA / "open_sdg_uk" / "data" / "indicator_5-2-1.csv"


@pytest.mark.skipif(not UK_521.exists(), reason=f"real data not available at {UK_521}")
def test_the_preview_names_series_that_count_for_no_group_with_a_suggestion(fresh):
    """The UK's 5.2.1 series are the platform's own codes, so no table says they are about women: the
    preview lists each (with its rows) and suggests women from its description ("Proportion of women
    who experienced abuse..."); nothing is mapped by itself."""
    with open(UK_521, encoding="utf-8", newline="") as f:
        series = Counter(r["Series"] for r in csv.DictReader(f) if r["Value"].strip())
    with db.connect(fresh) as con:
        preview = importer.load(con, UK_521, country="GBR")
    told = {p.value: p.message for p in preview.warnings if "measures no population group of its own" in p.message}
    assert len(told) == len(series) == 3
    for message in told.values():
        assert "suggested: women (" in message
    assert sorted(int(m.split("(")[1].split(" rows")[0]) for m in told.values()) == sorted(series.values())
