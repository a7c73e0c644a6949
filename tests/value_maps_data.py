"""A demo database with what the subnational maps need and the demo data lacks: boundaries for Kenya's
counties, official values of two counties and a low-tier citizen estimate of a third, each imported
through the importer as a user would. Shared by tests/test_pages.py and tests/test_browser_value_maps.py.

The boundaries are made here (a grid of squares over Kenya, one per county of the demo database): the
demo has none, and only where each area is drawn matters to these tests, not its true outline."""

import json
from pathlib import Path

import duckdb

from gapmonitor import db, importer
from tests.actors import OPERATOR

COUNTRY = "KEN"
INDICATOR, GROUP = "6.1.1", "women"
SERIES = "SH_H2O_SAFE"  # 6.1.1's series, which the demo's county water survey estimates
# A national official value for women in 2023 (it counts for no county), and two counties with one: one
# the demo's county survey also covers (KE-04 Busia), one it does not (KE-01 Baringo); and one county with
# only a new, unassessed citizen estimate.
OFFICIAL_CSV = "Year,Sex,GeoCode,Value\n2023,Female,,58\n2023,Female,KE-04,55.5\n2023,Female,KE-01,61.25\n"
LOW_TIER_CSV = ("indicator,series,series_description,unit,country,area_code,area_name,Sex,period,value,lower_bound,"
                "upper_bound,sample_size\n"
                f"{INDICATOR},{SERIES},Safely managed drinking water (citizen survey),PERCENT,{COUNTRY},KE-30,Nairobi City,"
                "FEMALE,2023,40,35,45,200\n")
LOW_TIER_TITLE = "County water (citizen, unassessed, test)"
DESCRIPTION = {"producer": "Test monitors (fictional)", "producer_type": "Community-based organisation",
               "method": "Household questionnaire (test)"}
FIRST, LAST = 2021, 2025  # the window the tests look at (the default's, 5 years to the demo's last)
# Kenya's extent in degrees (lon 34-42, lat -4.7-5.0), split into a grid of squares
WEST, SOUTH, COLUMNS, SIDE = 34.0, -4.6, 7, 1.1


def grid_boundaries(con, path: Path) -> Path:
    """A GeoJSON with one square per subnational area of COUNTRY (properties code, name)."""
    areas = con.execute("select local_code, name from area where parent = ? and kind = 'subnational' "
                        "order by local_code", [COUNTRY]).fetchall()
    features = []
    for i, (code, name) in enumerate(areas):
        x, y = WEST + SIDE * (i % COLUMNS), SOUTH + SIDE * (i // COLUMNS)
        ring = [[x, y], [x + SIDE, y], [x + SIDE, y + SIDE], [x, y + SIDE], [x, y]]
        features.append({"type": "Feature", "properties": {"code": code, "name": name},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def _import(database: Path, file: Path, title: str, **options) -> str:
    with db.connect(database) as con:
        preview = importer.load(con, file, **options)
    assert not preview.errors, preview.errors
    return importer.apply(preview, by=OPERATOR, title=title, source="test", description=DESCRIPTION, path=database)


def build(database: Path, scratch: Path) -> Path:
    """The demo database at `database` with the boundaries, the official file and the citizen file imported."""
    db.ensure_database(database)
    scratch.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(database), read_only=True) as con:
        shapes = grid_boundaries(con, scratch / "kenya_grid.geojson")
    _import(database, shapes, "Kenya counties (test grid)", fmt="boundaries", country=COUNTRY,
            code_property="code", name_property="name")
    official = scratch / "indicator_6-1-1.csv"
    official.write_text(OFFICIAL_CSV, encoding="utf-8")
    _import(database, official, "County water (official, test)", fmt="open-sdg", country=COUNTRY)
    citizen = scratch / "county_water_low_tier.csv"
    citizen.write_text(LOW_TIER_CSV, encoding="utf-8")
    _import(database, citizen, LOW_TIER_TITLE, fmt="citizen")
    return database


def sql(database: Path, text: str, params=None) -> list:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(text, params or []).fetchall()


def expected_county_statuses(database: Path) -> dict[str, str]:
    """Each Kenyan county's status for 6.1.1 and women at the Medium bar in FIRST..LAST, reasoned from what is
    in it: the official file's two counties (a county's status counts only official values of its own); the demo's county survey (criteria 2,2,1,2,2,2,2 in
    data/demo/citizen_datasets.csv: High, meets the bar) where it has a released estimate for women (10 or
    more respondents) in the window; the new import's county (unassessed: Low, below the bar)."""
    official = {a for a, in sql(database, "select distinct area from observation join dataset using (dataset_id) "
                                          "where kind = 'official' and series = ?", [f"{COUNTRY}.{INDICATOR}"])}
    assert COUNTRY in official  # the national value, which must not make any county "official"
    official.discard(COUNTRY)
    survey = {a for a, in sql(database, """
        select distinct area from observation
        where dataset_id = 'cgd-kenya-county-water' and series = ? and dims = 'Sex=FEMALE'
            and year between ? and ? and sample_size >= 10""", [SERIES, FIRST, LAST])}
    low = {a for a, in sql(database, "select area from observation join dataset using (dataset_id) where title = ?",
                           [LOW_TIER_TITLE])}
    assert official and survey and low and not low & (official | survey)
    counties = [a for a, in sql(database, "select code from area where parent = ? and kind = 'subnational'", [COUNTRY])]
    return {c: "official_and_citizen" if c in official and c in survey else "official" if c in official
            else "citizen_fills_gap" if c in survey else "citizen_below_bar" if c in low else "no_data"
            for c in counties}
