"""Writes the small admin-boundary files of this folder (see README.md): python tests/boundaries/make_admin_files.py

Codes and names are real (ISO 3166-2 from pycountry; Natural Earth's own adm1_code for the five US
states); shapes are boxes clipped to each country's real shape in Natural Earth's 1:110m countries
(../shared/realdata/boundaries), except the districts, whose parts are plain boxes inside Malawi's shape
so that their areas are exact. The boxes only roughly cover the real areas: a test needs a shape inside
the right country, not the area's true border.
"""

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pycountry
import shapely

HERE = Path(__file__).resolve().parent
COUNTRIES = HERE.parents[2] / "shared" / "realdata" / "boundaries" / "ne_110m_admin_0_countries.geojson"
WHEN = (2024, 1, 1, 0, 0, 0)  # zip member dates: the same bytes each time the script runs

# Natural Earth admin-1-like: (adm0_a3, iso_a2, admin, adm1_code, iso_3166_2, box (west, south, east, north)).
# The US adm1_codes are Natural Earth's (ne_110m_admin_1_states_provinces); the others follow its pattern.
NATURAL_EARTH = [
    ("USA", "US", "United States of America", "USA-3514", "US-MN", (-96.5, 43.5, -89.5, 49.0)),
    ("USA", "US", "United States of America", "USA-3515", "US-MT", (-116.0, 44.5, -104.5, 49.0)),
    ("USA", "US", "United States of America", "USA-3516", "US-ND", (-104.0, 46.0, -97.0, 49.0)),
    ("USA", "US", "United States of America", "USA-3517", "US-HI", (-160.5, 18.5, -154.5, 22.5)),
    ("USA", "US", "United States of America", "USA-3518", "US-ID", (-117.0, 42.0, -111.5, 44.0)),
    ("BRA", "BR", "Brazil", "BRA-1", "BR-SP", (-53.0, -25.0, -44.5, -20.0)),
    ("BRA", "BR", "Brazil", "BRA-2", "BR-AM", (-73.0, -9.5, -57.0, 2.0)),
    ("BRA", "BR", "Brazil", "BRA-3", "BR-BA", (-46.5, -18.0, -38.0, -9.0)),
    ("BRA", "BR", "Brazil", "BRA-4", "BR-RS", (-57.5, -33.7, -49.7, -27.1)),
    ("CAN", "CA", "Canada", "CAN-1", "CA-ON", (-95.0, 42.0, -80.0, 52.0)),
    ("CAN", "CA", "Canada", "CAN-2", "CA-QC", (-79.0, 45.0, -64.0, 56.0)),
    ("CAN", "CA", "Canada", "CAN-3", "CA-BC", (-139.0, 48.3, -114.5, 60.0)),
    ("AUS", "AU", "Australia", "AUS-1", "AU-NSW", (141.0, -35.9, 153.6, -28.2)),
    ("AUS", "AU", "Australia", "AUS-2", "AU-VIC", (141.0, -39.2, 149.9, -36.0)),
    ("AUS", "AU", "Australia", "AUS-3", "AU-WA", (113.0, -35.2, 129.0, -13.7)),
]

# Districts of Malawi in the OCHA COD style, one row per part: (ADM2_PCODE, ADM2_EN, ADM1_PCODE, ADM1_EN,
# box). The P-codes follow OCHA's pattern (country, region, district); they are not checked against the
# published COD-AB. Likoma's two parts are apart (its islands); Mangochi's two touch along 35.2 E.
DISTRICTS = [
    ("MW106", "Likoma", "MW1", "Northern", (33.90, -12.60, 34.00, -12.50)),
    ("MW315", "Zomba", "MW3", "Southern", (35.10, -15.60, 35.40, -15.20)),
    ("MW301", "Mangochi", "MW3", "Southern", (34.90, -14.60, 35.20, -14.30)),
    ("MW106", "Likoma", "MW1", "Northern", (34.05, -12.45, 34.15, -12.35)),
    ("MW103", "Nkhata Bay", "MW1", "Northern", (33.90, -11.90, 34.20, -11.40)),
    ("MW301", "Mangochi", "MW3", "Southern", (35.20, -14.60, 35.40, -14.30)),
]

# geoBoundaries-like ADM1 of Kenya: (shapeISO, box); the names are ISO 3166-2's (pycountry).
GEOBOUNDARIES = [
    ("KE-28", (39.45, -4.15, 39.80, -3.90)),
    ("KE-30", (36.65, -1.45, 37.10, -1.15)),
    ("KE-17", (34.50, -0.40, 35.40, 0.00)),
    ("KE-32", (34.90, 0.00, 35.40, 0.50)),
    ("KE-43", (34.00, 1.50, 36.50, 5.00)),
]

# Rwanda's provinces with a plain id and name, as many home-made files have: (id, name, box).
ID_NAME = [
    (1, "Kigali City", (30.00, -2.05, 30.20, -1.90)),
    (2, "Eastern Province", (30.30, -2.40, 30.70, -1.40)),
    (3, "Northern Province", (29.70, -1.70, 30.20, -1.40)),
    (4, "Western Province", (29.10, -2.50, 29.50, -1.80)),
    (5, "Southern Province", (29.50, -2.80, 30.00, -2.20)),
]


def countries() -> dict:
    world = gpd.read_file(COUNTRIES)
    return dict(zip(world["ADM0_A3"], world.geometry))


def clipped(shape, box) -> shapely.Geometry:
    """The part of a country's shape inside a box, on a 0.0001 degree grid."""
    part = shapely.set_precision(shapely.intersection(shape, shapely.box(*box)), 1e-4)
    assert part.area > 0, box
    return part


def subdivision(code: str) -> str:
    return pycountry.subdivisions.get(code=code).name


def write_geojson(name: str, rows: list[dict]) -> None:
    features = [{"type": "Feature", "properties": {k: v for k, v in row.items() if k != "geometry"},
                 "geometry": shapely.geometry.mapping(row["geometry"])} for row in rows]
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    (HERE / name).write_text(text + "\n", encoding="utf-8")


def natural_earth(world: dict) -> None:
    write_geojson("ne_admin1_four_countries.geojson", [
        {"featurecla": "Admin-1 scale rank", "adm1_code": adm1, "iso_3166_2": iso, "iso_a2": iso2,
         "name": subdivision(iso), "type_en": pycountry.subdivisions.get(code=iso).type, "adm0_a3": adm0,
         "admin": admin, "geometry": clipped(world[adm0], box)}
        for adm0, iso2, admin, adm1, iso, box in NATURAL_EARTH])


def districts(world: dict) -> None:
    """A zipped shapefile, one row per part of a district."""
    rows = []
    for pcode, name, region_code, region, box in DISTRICTS:
        part = shapely.box(*box)
        assert part.within(world["MWI"]), name
        rows.append({"ADM2_PCODE": pcode, "ADM2_EN": name, "ADM1_PCODE": region_code, "ADM1_EN": region,
                     "ADM0_PCODE": "MW", "ADM0_EN": "Malawi", "geometry": part})
    folder = HERE / "districts_shp"
    folder.mkdir(exist_ok=True)
    gpd.GeoDataFrame(rows, crs=4326).to_file(folder / "mwi_adm2_parts.shp")
    with zipfile.ZipFile(HERE / "mwi_adm2_parts.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.writestr(zipfile.ZipInfo(f.name, WHEN), f.read_bytes())
            f.unlink()
    folder.rmdir()


def geoboundaries(world: dict) -> None:
    write_geojson("geoboundaries_ken_adm1.geojson", [
        {"shapeName": subdivision(iso), "shapeISO": iso, "shapeID": f"KEN-ADM1-{i}", "shapeGroup": "KEN",
         "shapeType": "ADM1", "geometry": clipped(world["KEN"], box)}
        for i, (iso, box) in enumerate(GEOBOUNDARIES, start=1)])


def id_name(world: dict) -> None:
    write_geojson("rwanda_id_name.geojson", [
        {"id": i, "name": name, "geometry": clipped(world["RWA"], box)} for i, name, box in ID_NAME])


if __name__ == "__main__":
    shapes = countries()
    natural_earth(shapes)
    districts(shapes)
    geoboundaries(shapes)
    id_name(shapes)
