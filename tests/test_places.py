"""Where citizen records are: countries named in any of the ways users write them (ISO alpha-3 and
alpha-2, Eurostat's EL and UK, M49 numbers, English names), and points placed on Natural Earth's 1:10m
country shapes, a point just off a coast joining that country with a warning. Coordinates near coasts
are made here from the shipped shapes, read with geopandas (not by the code under test), and moved a
known distance on the WGS84 ellipsoid with pyproj; the real water points' countries come from their
own country column."""

import csv
import json
import re

import duckdb
import geopandas as gpd
import numpy as np
import pytest
import shapely
from conftest import REALDATA, ROOT
from pyproj import Geod

from gapmonitor import area_matching, country_codes, db, importer, record_files
from gapmonitor.formats import Batch, ReadError, records, registry
from gapmonitor.formats.records import RecordSpec
from tests.actors import OPERATOR

WORLD_10M = ROOT / "data" / "reference" / "world_10m.json"
WORLD_110M = ROOT / "static" / "world_110m.json"
WATER_POINTS = REALDATA / "citizen_data" / "water_points_rwpfunctionality" / "rwpfunctionality.csv"
LAD = REALDATA / "open_sdg_uk" / "geojsons" / "Local_Authority_Districts_December_2016_GB_BUC.geojson"
GEOD = Geod(ellps="WGS84")


@pytest.fixture
def con(fresh):
    with db.connect(fresh) as c:
        yield c


def write(tmp_path, name: str, header: list[str], rows: list[list]):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


# ---------------------------------------------------------------------------------------------
# countries named by users


@pytest.mark.parametrize("written, code", [
    ("EL", "GRC"), ("el", "GRC"), ("GR", "GRC"), ("GRC", "GRC"), ("300", "GRC"), ("Greece", "GRC"),
    ("UK", "GBR"), ("GB", "GBR"), ("826", "GBR"), ("United Kingdom", "GBR"),
    ("4", "AFG"), ("004", "AFG"), (" Viet Nam ", "VNM"), ("Vietnam", "VNM"), ("Côte d'Ivoire", "CIV"),
    ("NA", "NAM"),  # Namibia's alpha-2
    ("Russia", "RUS"), ("Turkey", "TUR"), ("Ivory Coast", "CIV"), ("The Gambia", "GMB"), ("St. Lucia", "LCA"),
    ("DR Congo", "COD"), ("U.S.", "USA"), ("SDS", "SSD"),  # common names, articles, abbreviations, Natural Earth
    ("XX", None), ("999", None), ("", None), ("Atlantis", None), ("England", None), ("Korea", None),
])
def test_one_resolver_reads_codes_numbers_and_names(written, code):
    assert country_codes.code(written) == code


def test_the_aliases_are_written_once_and_name_countries_of_the_reference_list():
    with open(country_codes.ALIASES, encoding="utf-8", newline="") as f:
        aliases = {r["alias"]: r["code"] for r in csv.DictReader(f)}
    with open(ROOT / "data" / "reference" / "areas.csv", encoding="utf-8", newline="") as f:
        iso3 = {r["iso3"] for r in csv.DictReader(f)}
    assert {"EL": "GRC", "UK": "GBR"}.items() <= aliases.items()  # Kosovo (XK) only if the database had such an area
    assert "XK" not in aliases
    # Natural Earth's own adm0_a3 codes, where they are not ISO: South Sudan's states must not be refused
    assert {"SDS": "SSD", "SAH": "ESH", "PSX": "PSE"}.items() <= aliases.items()
    assert set(aliases.values()) <= iso3 and "XKX" not in iso3


def test_records_country_column_takes_any_spelling_and_names_a_wrong_one(con, tmp_path):
    rows = [["EL", "yes"], ["GR", "no"], ["300", "yes"], ["Greece", "yes"],      # rows 2-5: Greece
            ["UK", "yes"], ["gb", "no"], ["United Kingdom", "no"],            # rows 6-8: United Kingdom
            ["004", "yes"], ["4", "no"],                                      # rows 9-10: Afghanistan
            ["XX", "yes"], ["TWN", "yes"]]                                    # rows 11, 12: not placed
    path = write(tmp_path, "reports.csv", ["country", "answer"], rows)
    spec = RecordSpec(indicator="6.1.1", description="d", measure="answer", yes=["yes"], country_column="country",
                      period="2023")
    batch = records.read(con, path, spec)
    got = {o.area: (o.sample_size, o.value) for o in batch.observations.itertuples()}
    assert got == {"GRC": (4, pytest.approx(75)), "GBR": (3, pytest.approx(100 / 3)), "AFG": (2, pytest.approx(50))}
    errors = {(p.row, p.column, p.value) for p in batch.problems if p.severity == "error"}
    assert errors == {(11, "country", "XX"), (12, "country", "TWN")}
    messages = {p.value: p.message for p in batch.problems if p.severity == "error"}
    assert "not a country" in messages["XX"] and "EL and UK" in messages["XX"]
    assert messages["TWN"].startswith("TWN is not a country of the database")  # ISO knows it; M49 does not
    assert batch.summary["left out: no place"] == 2  # counted among the records left out


def test_records_spec_country_is_resolved_or_refused(con, tmp_path):
    path = write(tmp_path, "reports.csv", ["answer"], [["yes"], ["no"]])
    spec = RecordSpec(indicator="6.1.1", description="d", measure="answer", yes=["yes"], country="EL", period="2023")
    assert list(records.read(con, path, spec).observations.area) == ["GRC"]
    spec.country = "Greeceland"
    with pytest.raises(ReadError) as caught:
        records.read(con, path, spec)
    assert (caught.value.problem.column, caught.value.problem.value) == ("country", "Greeceland")


def test_the_country_option_takes_any_spelling_and_refuses_what_names_no_country():
    assert registry.given({"country": "EL", "structure": None}, "f.xml") == {"country": "GRC", "structure": None}
    assert registry.given({"country": "Rwanda"}, "f.csv")["country"] == "RWA"
    assert registry.given({"country": None}, "f.csv") == {"country": None}
    with pytest.raises(ReadError) as caught:
        registry.given({"country": "Narnia"}, "f.csv")
    assert (caught.value.problem.file, caught.value.problem.column, caught.value.problem.value) == (
        "f.csv", "country", "Narnia")


def test_official_codes_el_and_uk_resolve_to_greece_and_the_united_kingdom(fresh, tmp_path):
    """Eurostat's SDMX writes REF_AREA EL and UK; the import resolves them like GR and GB."""
    rows = [["SI_POV_DAY1", area, str(year), "1.5"] for year, area in enumerate(("EL", "UK", "GR", "GB", "300"), 2016)]
    path = write(tmp_path, "eurostat.csv", ["SERIES", "REF_AREA", "TIME_PERIOD", "OBS_VALUE"], rows)
    with db.connect(fresh) as c:
        preview = importer.load(c, path)
        national = importer.load(c, path, country="EL")  # a national file of Greece: its own codes
    assert not preview.errors
    assert list(preview.rows.area_code) == ["GRC", "GBR", "GRC", "GBR", "GRC"]
    assert national.country == "GRC"
    assert list(national.rows.area_code[national.rows.area.isin(["EL", "GR", "300"])]) == ["GRC"] * 3


# ---------------------------------------------------------------------------------------------
# points on the 1:10m country shapes


def country_shape(name: str):
    shapes = gpd.read_file(WORLD_10M, layer="countries")
    (shape,) = shapes.geometry[shapes.name == name]
    return shape


def km_to(name: str, lon: float, lat: float) -> float:
    """km from a point to a country's 1:10m shape, on a projection centred on the point (a distance from
    the centre is the distance on the ellipsoid)."""
    local = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84"
    return gpd.GeoSeries([country_shape(name)], crs=4326).to_crs(local).distance(shapely.Point(0, 0)).min() / 1000


def moved(lon: float, lat: float, azimuth: float, km: float) -> tuple[float, float]:
    x, y, _ = GEOD.fwd(lon, lat, azimuth, km * 1000)
    return float(x), float(y)


def off_the_coast(name: str, km: float) -> tuple[float, float]:
    """A point `km` seaward of the country's southernmost (Greece) or westernmost (Portugal) vertex:
    the whole country lies north (east) of that vertex, so the point is `km` from it."""
    xy = shapely.get_coordinates(country_shape(name))
    if name == "Greece":
        x, y = xy[np.argmin(xy[:, 1])]  # Gavdos, south of Crete
        return moved(x, y, 180, km)
    x, y = xy[np.argmin(xy[:, 0])]  # Flores, the westernmost of the Azores
    return moved(x, y, 270, km)


def place(con, tmp_path, points: list[tuple[float, float]], **spec):
    path = write(tmp_path, "points.csv", ["lat", "lon", "answer"], [[y, x, "yes"] for x, y in points])
    return records.read(con, path, RecordSpec(indicator="6.1.1", description="d", measure="answer", yes=["yes"],
                                              latitude="lat", longitude="lon", period="2023", **spec))


@pytest.mark.parametrize("country, code", [("Greece", "GRC"), ("Portugal", "PRT")])
def test_a_point_a_km_off_the_coast_is_placed_in_that_country_with_a_warning(con, tmp_path, country, code):
    x, y = off_the_coast(country, 1.0)
    assert not country_shape(country).intersects(shapely.Point(x, y))  # at sea on the 1:10m shape
    batch = place(con, tmp_path, [(x, y), (x, y)])
    assert list(batch.observations.area) == [code] and list(batch.observations.sample_size) == [2]
    (warning,) = [p for p in batch.problems if "placed in" in p.message]
    assert (warning.severity, warning.row, warning.column, warning.value) == ("warning", 2, "lat", f"{y}, {x}")
    assert f"1.0 km from {country}: placed in {country} ({code}) (2 records at this point)" in warning.message
    assert not [p for p in batch.problems if p.severity == "error"]


def test_a_point_in_the_middle_of_the_atlantic_is_an_error_with_its_distance(con, tmp_path):
    x, y = off_the_coast("Portugal", 300.0)  # 300 km west of the Azores: nothing nearer
    batch = place(con, tmp_path, [(x, y)])
    (error,) = [p for p in batch.problems if p.severity == "error"]
    assert (error.row, error.column, error.value) == (2, "lat", f"{y}, {x}")
    assert "lies in no country" in error.message and "more than 5 km from any" in error.message
    km = float(re.search(r"the nearest is Portugal \(([\d,.]+) km\)", error.message).group(1).replace(",", ""))
    assert 295 <= km <= 300.5
    assert batch.observations.empty


@pytest.mark.parametrize("point, snap_km, countries", [
    ((12.6575, 56.0425), 5.0, ("Denmark", "Sweden")),   # the Oresund between Helsingor and Helsingborg, 4 km wide
    ((-5.52, 35.965), 10.0, ("Morocco", "Spain")),       # mid-strait of Gibraltar, 14.3 km wide at its narrowest
])
def test_a_point_near_two_countries_is_an_error_naming_both(con, tmp_path, point, snap_km, countries):
    for name in countries:  # at sea, and within the distance of each
        assert not country_shape(name).intersects(shapely.Point(point))
        assert km_to(name, *point) <= snap_km
    batch = place(con, tmp_path, [point], snap_km=snap_km)
    (error,) = [p for p in batch.problems if p.severity == "error"]
    assert f"within {snap_km:g} km of several" in error.message
    assert all(f"{name} (" in error.message for name in countries)
    assert batch.observations.empty


def test_points_inside_antimeridian_countries_and_in_no_database_country(con, tmp_path):
    suva, lau, chukotka = (178.44, -18.14), (-178.8, -18.2), (-173.0, 65.0)
    hargeisa = (44.065, 9.56)  # Somaliland: a shape of its own, without an M49 code
    batch = place(con, tmp_path, [suva, lau, chukotka, hargeisa])
    assert sorted(zip(batch.observations.area, batch.observations.sample_size)) == [("FJI", 2), ("RUS", 1)]
    (error,) = [p for p in batch.problems if p.severity == "error"]
    assert error.row == 5 and "lies in Somaliland, which is not a country of the database" in error.message


@pytest.mark.skipif(not WATER_POINTS.exists(), reason="../shared/realdata is absent")
def test_real_water_points_placed_by_their_coordinates(con):
    """The 1,793 water points of nine countries, placed by latitude/longitude alone: at least as many as
    on the 1:110m shapes, and in the country their own column names, except points that lie across a
    border by less than 3 km (1:10m borders; Ethiopia's with Eritrea runs by the Badme area)."""
    iso3 = {"Ethiopia": "ETH", "Nepal": "NPL", "Malawi": "MWI", "Mali": "MLI", "Niger": "NER", "Uganda": "UGA",
            "India": "IND", "Rwanda": "RWA", "Mozambique": "MOZ"}
    with open(WATER_POINTS, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    numeric = [r["latitude_wp"] != "NA" for r in rows]
    points = gpd.GeoDataFrame({"own": [iso3[r["country"]] for r, ok in zip(rows, numeric) if ok]}, crs=4326,
                              geometry=[shapely.Point(float(r["longitude_wp"]), float(r["latitude_wp"]))
                                        for r, ok in zip(rows, numeric) if ok])
    old = gpd.read_file(WORLD_110M, layer="countries").set_crs(4326, allow_override=True)
    old = old[old.id != "FJI"]  # the 1:110m Fiji ring wraps the world; no water point is in Fiji
    joined = gpd.sjoin(points, old, predicate="within")
    before, crossed_before = joined.index.nunique(), int((joined.id != joined.own).sum())

    spec = RecordSpec(indicator="6.1.1", description="d", measure="functional3", yes=["Functional"],
                      latitude="latitude_wp", longitude="longitude_wp", period_column="subdate_wp")
    data = record_files.load(WATER_POINTS)
    batch = Batch(file=WATER_POINTS.name, format="records")
    placed = area_matching.areas(con, data, area_matching.countries(con, data, spec, batch), spec, batch)[0]
    placed = placed[placed.notna()]
    parents = dict(con.execute("select code, coalesce(parent, code) from area").fetchall())
    country = placed.map(parents)
    assert len(placed) >= before and len(placed) == sum(numeric)  # every point with coordinates
    own = data.country.map(iso3)[country.index]
    across = country[country != own].index
    assert len(across) < crossed_before  # finer borders: fewer points across them
    names = {v: k for k, v in iso3.items()}
    for i in across:
        x, y = float(data.at[i, "longitude_wp"]), float(data.at[i, "latitude_wp"])
        assert km_to(names[own[i]], x, y) < 3, (i + 2, own[i], country[i])
    shapes = gpd.read_file(WORLD_10M, layer="countries").set_crs(4326)
    shapes = shapes[shapes.name != "Fiji"]  # its ring over the antimeridian wraps the world here too
    at_sea = points.index.difference(gpd.sjoin(points, shapes, predicate="within").index)
    warnings = {p.row for p in batch.problems if p.severity == "warning" and "placed in" in p.message}
    numbered = [i for i, ok in enumerate(numeric) if ok]  # points' positions -> the file's rows
    assert warnings == {numbered[k] + 2 for k in at_sea} != set()


@pytest.mark.skipif(not LAD.exists(), reason="../shared/realdata is absent")
def test_a_point_just_off_a_boundary_joins_it_with_a_warning(fresh, tmp_path):
    """Subnational boundaries too: 1 km south of Cornwall's southernmost point (the Lizard), outside every
    district of the imported LAD 2016 boundaries, the record is placed in Cornwall."""
    with duckdb.connect(str(fresh)) as c:
        preview = importer.load(c, LAD, country="GBR", code_property="LAD16CD", name_property="LAD16NM")
    importer.apply(preview, by=OPERATOR, title="LAD 2016", source="ONS", path=fresh)
    with db.connect(fresh) as c:
        (geometry,), = c.execute("select geometry from area where code = 'GBR-E06000052'").fetchall()
        xy = shapely.get_coordinates(shapely.from_geojson(geometry))
        x, y = moved(*xy[np.argmin(xy[:, 1])], 180, 1.0)
        batch = place(c, tmp_path, [(x, y)])
    assert list(batch.observations.area) == ["GBR-E06000052"]
    (warning,) = [p for p in batch.problems if "boundary of GBR" in p.message]
    assert "1.0 km from Cornwall: placed in Cornwall (GBR-E06000052)" in warning.message
    assert (warning.row, warning.value) == (2, f"{y}, {x}")


def test_the_shipped_world_file_is_world_atlas_with_m49_ids():
    topo = json.loads(WORLD_10M.read_text(encoding="utf-8"))
    ids = {g.get("id") for g in topo["objects"]["countries"]["geometries"]}
    assert topo["type"] == "Topology" and {"300", "620", "826", "004"} <= ids  # Greece, Portugal, UK, Afghanistan
    assert "world-atlas 2.0.2" in (ROOT / "data" / "reference" / "world_10m.LICENSE.txt").read_text(encoding="utf-8")


KENYA_COUNTIES = ROOT / "tests" / "boundaries" / "geoboundaries_ken_adm1.geojson"  # 5 counties, made boxes
NAIROBI, GARISSA, MARSABIT = (36.82, -1.29), (39.65, -0.45), (37.99, 2.33)  # (lon, lat): Nairobi's box, and two
# towns of Kenya outside every box of the file


@pytest.mark.parametrize("country", ["KEN", None])  # the spec names the country, or the points give it
def test_a_countrys_total_takes_all_its_records_also_those_in_no_county(fresh, tmp_path, country):
    """Two records in Nairobi (3 and 5) and two in no county of the file (7 and 9): Nairobi's mean is 4 of
    2 records, Kenya's 6 of all 4 — once, not 8 from the two outside counties, nor 4 and 8 twice."""
    with duckdb.connect(str(fresh)) as c:
        preview = importer.load(c, KENYA_COUNTIES)
    importer.apply(preview, by=OPERATOR, title="Kenya counties (made)", source="test", path=fresh)
    path = write(tmp_path, "points.csv", ["lon", "lat", "value"],
                 [[*NAIROBI, 3], [*NAIROBI, 5], [*GARISSA, 7], [*MARSABIT, 9]])
    spec = RecordSpec(indicator="6.1.1", description="test", measure="value", longitude="lon", latitude="lat",
                      period="2023", country=country, country_totals=True)
    with db.connect(fresh) as c:
        batch = records.read(c, path, spec)
    got = sorted((r.area, r.value, r.sample_size) for r in batch.observations.itertuples())
    assert got == [("KE-30", pytest.approx(4.0), 2), ("KEN", pytest.approx(6.0), 4)]


def test_a_point_outside_the_records_country_is_not_counted_for_it(con, tmp_path):
    """The spec says Kenya; a point with latitude and longitude swapped lies in the Indian Ocean, one in
    the Atlantic, one in Ethiopia (Addis Ababa): none counts for Kenya, each is an error naming its row."""
    path = write(tmp_path, "points.csv", ["lon", "lat", "value"],
                 [[*NAIROBI, 3], [-1.29, 36.82, 5], [-30.0, 0.0, 7], [38.75, 9.03, 9]])
    batch = records.read(con, path, RecordSpec(indicator="6.1.1", description="test", measure="value", longitude="lon",
                                               latitude="lat", period="2023", country="KEN"))
    assert [(r.area, r.value, r.sample_size) for r in batch.observations.itertuples()] == [("KEN", 3.0, 1)]
    assert sorted(p.row for p in batch.problems if p.severity == "error") == [3, 4, 5]
    (elsewhere,) = [p for p in batch.problems if "not in KEN" in p.message]
    assert (elsewhere.row, elsewhere.value) == (5, "9.03, 38.75") and "lies in ETH" in elsewhere.message
    assert batch.summary["left out: no place"] == 3
