"""Read what the peers read: the input fixtures of Open SDG's own build tool (sdg-build, in
../shared/realdata/peer_sdg_build). Its tests expect every data input to give the same six
observations of indicator 1.1.1 (see ../shared/realdata/README.md):

    Year,SEX,Value
    2020,,100 / 2021,,120 / 2020,M,50 / 2021,M,60 / 2020,F,70 / 2021,F,80

so each input is imported here and must give exactly those (year, sex, value) rows, as the database
holds them."""

import duckdb
import pytest
from conftest import REALDATA

from gapmonitor import db, importer
from gapmonitor.__main__ import main
from tests.actors import OPERATOR

PEER = REALDATA / "peer_sdg_build"
DATA = PEER / "data"
SIX = sorted([(2020, "", 100.0), (2021, "", 120.0), (2020, "M", 50.0), (2021, "M", 60.0), (2020, "F", 70.0),
              (2021, "F", 80.0)])
needs_peer = pytest.mark.skipif(not PEER.exists(), reason=f"real data not available at {PEER}")


def six_of(path, dataset: str) -> list[tuple]:
    """(year, sex code, value) of a dataset's observations; sex '' when the key has no sex dimension."""
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("""
            select year, coalesce(list_filter(dims_pairs(dims), lambda p: upper(p.dimension) = 'SEX')[1].dim_value, ''),
                value
            from observation where dataset_id = ?
        """, [dataset]).fetchall()
    return sorted(rows)


def imported(path, file, **options) -> str:
    with db.connect(path) as con:
        preview = importer.load(con, file, **options)
    assert not preview.errors, preview.errors
    return importer.apply(preview, by=OPERATOR, title=file.name, source="test: sdg-build fixtures", path=path)


@needs_peer
@pytest.mark.parametrize("file, options", [
    (DATA / "csv" / "indicator_1-1-1.csv", {"country": "GBR"}),
    (DATA / "sdmx" / "structure" / "1-1-1--structure.xml", {}),
    (DATA / "sdmx" / "structure-specific" / "1-1-1--structure-specific.xml", {}),
], ids=["csv", "sdmx-generic", "sdmx-structure-specific"])
def test_every_data_input_gives_sdg_builds_six_observations(fresh, file, options):
    assert six_of(fresh, imported(fresh, file, **options)) == SIX


@needs_peer
def test_the_csv_with_a_repeated_column_gives_the_six(fresh):
    """csv-with-duplicates repeats the SEX column under another name ('duplicate'): still six
    observations; the repeated column is a dimension of its own that maps to no group, and says so."""
    file = DATA / "csv-with-duplicates" / "indicator_1-1-1.csv"
    with db.connect(fresh) as con:
        preview = importer.load(con, file, country="GBR")
    assert {p.column for p in preview.warnings if "maps to no population group" in p.message} >= {"duplicate"}
    dataset = importer.apply(preview, by=OPERATOR, title=file.name, source="test", path=fresh)
    assert six_of(fresh, dataset) == SIX


@needs_peer
@pytest.mark.parametrize("name, column, raw", [
    ("leading-space-in-cell.csv", "SEX", " M"),
    ("trailing-space-in-cell.csv", "SEX", "M "),
    ("leading-space-in-header.csv", "SEX", " SEX"),
    ("trailing-space-in-header.csv", "SEX", "SEX "),
])
def test_spaces_are_trimmed_with_one_warning(fresh, name, column, raw):
    """sdg-build refuses these files; here the value is trimmed (never ' M' beside 'M') and one warning
    names the column and the value as written. The file names no indicator: --indicator gives it."""
    file = DATA / "csv-with-problems" / name
    with db.connect(fresh) as con:
        preview = importer.load(con, file, country="GBR", indicator="1.1.1")
    told = [p for p in preview.warnings if "spaces around" in p.message]
    assert [(p.column, p.value) for p in told] == [(column, raw)]
    dataset = importer.apply(preview, by=OPERATOR, title=name, source="test", path=fresh)
    assert six_of(fresh, dataset) == SIX


@needs_peer
def test_a_csv_not_named_for_its_indicator_needs_the_indicator_option(fresh):
    file = DATA / "csv-with-problems" / "leading-space-in-cell.csv"
    assert main(["--db", str(fresh), "import", str(file), "--country", "GBR", "--source", "t", "--dry-run"]) == 2
    assert main(["--db", str(fresh), "import", str(file), "--country", "GBR", "--indicator", "1.1.1",
                 "--source", "t", "--dry-run"]) == 0


@needs_peer
def test_the_geocoded_csv_gives_englands_regions(fresh):
    """csv-with-geocodes: regions of England with GeoCodes (E12...) and a national total."""
    file = DATA / "csv-with-geocodes" / "indicator_1-1-1.csv"
    lines = [line.split(",") for line in file.read_text(encoding="utf-8").splitlines()[1:]]
    dataset = imported(fresh, file, country="GBR")
    with duckdb.connect(str(fresh), read_only=True) as con:
        areas = dict(con.execute("select area, count(*) from observation where dataset_id = ? group by all",
                                 [dataset]).fetchall())
    expected = {}
    for line in lines:
        area = f"GBR-{line[2]}" if line[2] else "GBR"
        expected[area] = expected.get(area, 0) + 1
    assert areas == expected


@needs_peer
def test_england_regions_import_with_the_country_alone(fresh):
    """ONS-style properties (rgn17cd, rgn17nm) are recognised: --country GBR is all it takes."""
    file = PEER / "geojson" / "england-regions.geojson"
    assert main(["--db", str(fresh), "import", str(file), "--country", "GBR", "--source", "ONS"]) == 0
    with duckdb.connect(str(fresh), read_only=True) as con:
        regions = con.execute("select local_code, name from area where parent = 'GBR' and local_code like 'E12%' "
                              "and geometry is not null order by local_code").fetchall()
    assert len(regions) == 9 and regions[0] == ("E12000001", "North East")


@needs_peer
def test_the_sdmx_folder_imports_as_one_input(fresh):
    """sdmx/multiple, read by sdg-build as one input: one command imports each of its files, 1.1.1's
    six observations (generic SDMX-ML) and 1.2.1's (structure-specific, the same six values)."""
    assert main(["--db", str(fresh), "import", str(DATA / "sdmx" / "multiple"), "--source", "sdg-build"]) == 0
    with duckdb.connect(str(fresh), read_only=True) as con:
        datasets = dict(con.execute("select file_name, dataset_id from dataset where file_name like '1-%'").fetchall())
    assert sorted(datasets) == ["1-1-1--structure.xml", "1-2-1--structure-specific.xml"]
    for dataset in datasets.values():
        assert six_of(fresh, dataset) == SIX
