"""Admin boundaries as publishers ship them (tests/boundaries/, written by make_admin_files.py): a Natural
Earth admin-1 file of four countries, OCHA-style districts in several parts, geoBoundaries, a plain
id/name file; the properties known by their names; and remove taking away what an import added."""

import hashlib
import json
from collections import Counter
from pathlib import Path

import duckdb
import geopandas as gpd
import pytest
import shapely

from conftest import REALDATA
from gapmonitor import db, importer
from gapmonitor.formats import ReadError
from tests.actors import OPERATOR

FILES = Path(__file__).resolve().parent / "boundaries"
NE = FILES / "ne_admin1_four_countries.geojson"
DISTRICTS = FILES / "mwi_adm2_parts.zip"
GEOBOUNDARIES = FILES / "geoboundaries_ken_adm1.geojson"
ID_NAME = FILES / "rwanda_id_name.geojson"
WORLD = REALDATA / "boundaries" / "ne_110m_admin_0_countries.geojson"


def features(path: Path) -> list[dict]:
    """Each feature's properties, read with plain json (not the reader)."""
    return [f["properties"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]]


def geojson(path: Path, edit, folder: Path) -> Path:
    """A copy in folder of a GeoJSON file whose features went through edit(list of features)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"] = edit(data["features"])
    copy = folder / path.name
    copy.write_text(json.dumps(data), encoding="utf-8")
    return copy


def load(database: Path, file: Path, **options) -> importer.Preview:
    with db.connect(database) as con:
        return importer.load(con, file, **options)


def imported(database: Path, file: Path, **options) -> str:
    return importer.apply(load(database, file, **options), by=OPERATOR, title=file.name, source="test", path=database)


def rows(database: Path, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def said(preview: importer.Preview) -> str:
    """The warning that says which properties were read for their names."""
    found = [p.message for p in preview.warnings if "their names say so" in p.message]
    assert len(found) == 1, preview.problems
    return found[0]


# ---------------------------------------------------------------------------------------------
# a file of several countries


def test_a_file_of_four_countries_imports_as_areas_of_each(fresh):
    props = features(NE)
    per_country = Counter(p["adm0_a3"] for p in props)
    assert per_country == {"USA": 5, "BRA": 4, "CAN": 3, "AUS": 3}  # as make_admin_files.py wrote it
    preview = load(fresh, NE)  # no option: the features name their country (adm0_a3)
    assert not preview.errors
    assert preview.summary["areas per country"] == "AUS 3, BRA 4, CAN 3, USA 5"
    assert preview.summary["areas"] == preview.summary["new areas"] == 15
    assert "area codes from 'iso_3166_2', names from 'name' and countries from 'adm0_a3'" in said(preview)

    dataset = importer.apply(preview, by=OPERATOR, title="admin-1", source="Natural Earth", path=fresh)
    written = rows(fresh, "select parent, code, local_code, name, added_by, geometry from area "
                          "where boundary_dataset = ?", [dataset])
    assert Counter(r[0] for r in written) == per_country
    # area codes are COUNTRY-localcode, the local code ISO 3166-2 (preferred over Natural Earth's adm1_code)
    assert {r[1:4] for r in written} == {(f"{p['adm0_a3']}-{p['iso_3166_2']}", p["iso_3166_2"], p["name"])
                                         for p in props}
    assert {r[4] for r in written} == {dataset}
    # each shape lies in the country it is an area of (its real shape, give or take the simplification)
    world = gpd.read_file(WORLD).set_index("ADM0_A3").geometry
    for parent, code, *_, shape in written:
        assert shapely.from_geojson(shape).within(world[parent].buffer(0.01)), code


def test_a_country_given_refuses_the_features_of_other_countries_with_their_names(fresh):
    props = features(NE)
    preview = load(fresh, NE, country="BRA")
    refused = {p.value: p for p in preview.errors}
    assert set(refused) == {"USA", "CAN", "AUS"}
    for country, problem in refused.items():
        names = [p["name"] for p in props if p["adm0_a3"] == country]
        listed = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        assert problem.message.startswith(f"{len(names)} features of {country} ({listed}) are not in BRA")
        assert problem.column == "adm0_a3"
    assert preview.rejected == 5 + 3 + 3
    assert preview.summary["areas per country"] == "BRA 4"

    before = digest(fresh)
    with pytest.raises(importer.ImportRefused):
        importer.apply(preview, by=OPERATOR, title="admin-1", source="Natural Earth", path=fresh)
    assert digest(fresh) == before  # nothing written

    # accepted: Brazil's states alone are written, as Brazil's; no other country gained an area
    dataset = importer.apply(preview, by=OPERATOR, title="admin-1", source="Natural Earth", accept_rejected=True, path=fresh)
    assert sorted(rows(fresh, "select parent, local_code from area where added_by = ?", [dataset])) == sorted(
        ("BRA", p["iso_3166_2"]) for p in props if p["adm0_a3"] == "BRA")


def test_a_country_the_file_does_not_cover_is_refused_whole(fresh):
    with pytest.raises(ReadError, match=r"no feature to import: 5 features of USA \(Minnesota, Montana, North Dakota, "
                                        r"\.\.\.\) are not in GRC"):
        load(fresh, NE, country="GRC")


def test_countries_as_alpha_2_and_eurostat_codes(fresh, tmp_path):
    """iso_a2 alone names the country: GR and Eurostat's EL are Greece, UK is the United Kingdom."""
    def alpha2(found):
        for f, iso2 in zip(found, ["EL", "UK", "GR"]):
            f["properties"] = {"iso_3166_2": {"EL": "GR-I", "UK": "GB-ENG", "GR": "GR-M"}[iso2], "name": iso2,
                               "iso_a2": iso2}
        return found[:3]

    preview = load(fresh, geojson(NE, alpha2, tmp_path))
    assert not preview.errors
    assert list(zip(preview.batch.boundaries.parent, preview.batch.boundaries.code)) == [
        ("GRC", "GR-I"), ("GBR", "GB-ENG"), ("GRC", "GR-M")]
    assert "countries from 'iso_a2'" in said(preview)


def test_a_country_the_database_does_not_know_is_an_error_naming_it(fresh, tmp_path):
    """Minnesota's adm0_a3 unknown: its iso_a2 says the country (for every feature), so that is read; with
    iso_a2 and admin unknown too, adm0_a3 is still read, and Minnesota is refused, naming the value."""
    def unknown(properties):
        def edit(found):
            found[0]["properties"].update(properties)
            return found
        return edit

    preview = load(fresh, geojson(NE, unknown({"adm0_a3": "XYZ"}), tmp_path))
    assert not preview.errors
    assert "countries from 'iso_a2'" in said(preview)
    assert "passed over: 'adm0_a3' holds values that are no country of the database" in said(preview)

    preview = load(fresh, geojson(NE, unknown({"adm0_a3": "XYZ", "iso_a2": "XY", "admin": "Nowhere"}), tmp_path))
    assert [(p.column, p.value) for p in preview.errors] == [("adm0_a3", "XYZ")]
    assert preview.errors[0].message.startswith("1 feature (Minnesota) of a country the database does not know")
    assert preview.rejected == 1 and "USA 4" in preview.summary["areas per country"]


def test_a_country_iso_knows_but_the_database_does_not_hold_is_refused(fresh, tmp_path):
    """Kerguelen (adm0_a3 ATF: ISO knows the French Southern Territories, the database holds no such
    country) is refused by name rather than written under a parent that does not exist; so is a
    --country the database does not hold."""
    def kerguelen(found):
        found[0]["properties"].update({"adm0_a3": "ATF", "iso_a2": "TF", "admin": "French Southern and Antarctic Lands",
                                       "name": "Kerguelen"})
        return found

    assert rows(fresh, "select count(*) from area where code = 'ATF'") == [(0,)]  # the premise
    preview = load(fresh, geojson(NE, kerguelen, tmp_path))
    assert [(p.column, p.value) for p in preview.errors] == [("adm0_a3", "ATF")]
    assert "1 feature (Kerguelen) of a country the database does not know" in preview.errors[0].message
    assert "ATF" not in preview.summary["areas per country"]
    with pytest.raises(ReadError) as refused:
        load(fresh, ID_NAME, country="ATA")
    assert refused.value.problem.message == "the country given, ATA, is not a country of the database"


# ---------------------------------------------------------------------------------------------
# properties known by their names


def test_id_and_name_are_read_without_options(fresh):
    props = features(ID_NAME)
    with pytest.raises(ReadError, match="the features do not say their country .*give the country the file covers"):
        load(fresh, ID_NAME)
    preview = load(fresh, ID_NAME, country="RWA")
    assert not preview.errors
    assert "area codes from 'id' and names from 'name'" in said(preview)
    dataset = importer.apply(preview, by=OPERATOR, title="provinces", source="test", path=fresh)
    assert sorted(rows(fresh, "select code, local_code, name, parent from area where added_by = ?", [dataset])) == \
        sorted((f"RWA-{p['id']}", str(p["id"]), p["name"], "RWA") for p in props)


def test_geoboundaries_iso_codes_before_their_ids_and_ids_when_iso_is_missing(fresh, tmp_path):
    props = features(GEOBOUNDARIES)
    preview = load(fresh, GEOBOUNDARIES)
    assert "area codes from 'shapeISO', names from 'shapeName' and countries from 'shapeGroup'" in said(preview)
    assert list(preview.batch.boundaries.code) == [p["shapeISO"] for p in props]
    assert len(preview.new_areas) == 0  # Kenya's counties are shipped with their ISO 3166-2 codes

    def blank_iso(found):
        found[1]["properties"]["shapeISO"] = ""
        return found

    preview = load(fresh, geojson(GEOBOUNDARIES, blank_iso, tmp_path))
    assert "area codes from 'shapeID'" in said(preview)
    assert "passed over: 'shapeISO' is empty for 1 feature" in said(preview)
    assert list(preview.batch.boundaries.code) == [p["shapeID"] for p in props]


def test_one_code_of_two_names_is_no_area_code_and_a_given_one_is_refused_there(fresh, tmp_path):
    """Montana given Minnesota's ISO code: read by its names, the file's codes come from adm1_code; with
    iso_3166_2 given, Montana is a duplicate code (same code, another name), not a part of Minnesota."""
    def twice(found):
        found[1]["properties"]["iso_3166_2"] = found[0]["properties"]["iso_3166_2"]
        return found

    edited = geojson(NE, twice, tmp_path)
    preview = load(fresh, edited)
    assert not preview.errors
    assert "area codes from 'adm1_code'" in said(preview)
    assert "'iso_3166_2' gives one code to areas of different names" in said(preview)

    preview = load(fresh, edited, code_property="iso_3166_2", name_property="name")
    assert [(p.row, p.column, p.value) for p in preview.errors] == [(2, "iso_3166_2", "US-MN")]
    assert "duplicate code (first at row 1, named 'Minnesota')" in preview.errors[0].message


# ---------------------------------------------------------------------------------------------
# parts of one area


def test_the_parts_of_a_district_dissolve_into_one_area_of_their_summed_area(fresh):
    parts = gpd.read_file(DISTRICTS)
    assert len(parts) == 6 and parts.ADM2_PCODE.nunique() == 4  # as make_admin_files.py wrote it
    expected = parts.assign(area=shapely.area(parts.geometry.values)).groupby("ADM2_PCODE").area.sum()
    preview = load(fresh, DISTRICTS)  # ADM0_PCODE 'MW' (alpha-2) says the country
    assert not preview.errors
    dissolved = {p.value: (p.row, p.message) for p in preview.warnings if "parts of one area" in p.message}
    for code, group in parts.groupby("ADM2_PCODE"):
        numbers = [i + 1 for i in group.index]
        if len(numbers) > 1:
            message = f"{len(numbers)} features (rows {', '.join(map(str, numbers))}) are parts of one area"
            assert dissolved.pop(code) == (numbers[0], message + ": dissolved into one shape")
    assert dissolved == {}

    dataset = importer.apply(preview, by=OPERATOR, title="districts", source="test", path=fresh)
    written = {code: (name, parent, shapely.from_geojson(shape)) for code, name, parent, shape in rows(
        fresh, "select local_code, name, parent, geometry from area where added_by = ?", [dataset])}
    assert set(written) == set(expected.index)
    for code, (name, parent, shape) in written.items():
        assert parent == "MWI" and name == parts.loc[parts.ADM2_PCODE == code, "ADM2_EN"].iloc[0]
        assert shape.area == pytest.approx(expected[code], rel=1e-6), code
    # Likoma's two islands stay two polygons; Mangochi's two touching parts become one
    assert shapely.get_num_geometries(written["MW106"][2]) == 2
    assert written["MW301"][2].geom_type == "Polygon"


# ---------------------------------------------------------------------------------------------
# remove takes away what an import added


CITIZEN = """indicator,country,area_code,area_name,period,value,sample_size
6.1.1,RWA,RWA-1,Kigali City,2023,55.0,400
6.1.1,RWA,RW-02,Est,2023,41.0,300
"""


def test_remove_takes_away_the_areas_an_import_added_and_keeps_what_others_need(fresh, tmp_path):
    areas = "select * from area order by code"
    shipped = rows(fresh, areas)
    kenya = rows(fresh, "select code from area where parent = 'KEN' order by code")

    provinces = imported(fresh, ID_NAME, country="RWA")  # adds RWA-1 ... RWA-5
    citizen_file = tmp_path / "citizen.csv"
    citizen_file.write_text(CITIZEN, encoding="utf-8")
    citizen = importer.apply(load(fresh, citizen_file), by=OPERATOR, title="water", source="CSO", path=fresh,
                             description={"producer": "CSO", "producer_type": "CSO", "method": "survey"})
    counties = imported(fresh, GEOBOUNDARIES)  # shapes for five shipped counties of Kenya, no new area

    def eastern(found):  # the same province in a later file: its shape now comes from there
        found[1]["properties"]["source"] = "a later file"
        return found[1:2]

    later = imported(fresh, geojson(ID_NAME, eastern, tmp_path), country="RWA")
    owner = dict(rows(fresh, "select code, added_by from area where added_by is not null"))
    assert owner == {**{f"RWA-{i}": provinces for i in range(1, 6)}, "RW-02": citizen}

    importer.remove(provinces, fresh, by=OPERATOR)
    left = {code: (by, shape) for code, by, shape in rows(
        fresh, "select code, added_by, boundary_dataset from area where parent = 'RWA'")}
    # RWA-1 holds the citizen data's values, RWA-2 the later file's shape: they stay, now theirs
    assert left == {"RWA-1": (citizen, None), "RWA-2": (later, later), "RW-02": (citizen, None)}
    assert rows(fresh, "select geometry, lat, lon from area where code = 'RWA-1'") == [(None, None, None)]
    assert rows(fresh, "select count(*) from area where boundary_dataset = ?", [counties]) == [(5,)]

    importer.remove(citizen, fresh, by=OPERATOR)
    assert rows(fresh, "select code, added_by from area where parent = 'RWA'") == [("RWA-2", later)]
    importer.remove(later, fresh, by=OPERATOR)
    importer.remove(counties, fresh, by=OPERATOR)
    # every area added is gone; the shipped ones (Kenya's counties) stay, without the shapes given them
    assert rows(fresh, "select code from area where parent = 'KEN' order by code") == kenya
    assert rows(fresh, areas) == shipped


def test_several_files_count_the_areas_each_would_write(fresh, tmp_path):
    """The several-file summary: a file's rows are its areas (parts dissolved), its rejected features apart."""
    def load_one(path, fmt, name, **options):
        with db.connect(fresh) as con:
            return importer.load(con, path, fmt, name=name, **options)

    items = importer.expand([NE, DISTRICTS], tmp_path / "scratch")
    table = importer.summary(importer.import_each(items, load_one, dry_run=True, by=OPERATOR))
    assert table[["file", "rows", "rejected"]].values.tolist() == [[NE.name, 15, 0], [DISTRICTS.name, 4, 0]]
    table = importer.summary(importer.import_each(items[:1], load_one, options={"country": "BRA"}, dry_run=True, by=OPERATOR))
    assert table[["rows", "rejected"]].values.tolist() == [[4, 11]]
    assert table.result[0].startswith("would be refused: 5 features of USA (Minnesota, Montana, North Dakota, ...)")
