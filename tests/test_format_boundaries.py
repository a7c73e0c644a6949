"""Boundary reader: the UK's real LAD GeoJSON, the same shapes as GeoPackage and zipped shapefile, broken files."""

import json
import zipfile

import geopandas as gpd
import pytest
import shapely

from conftest import REALDATA
from gapmonitor.formats import ReadError
from gapmonitor.formats.boundaries import candidates, guess_properties, layer_properties, read_boundaries, to_geojson

LAD = REALDATA / "open_sdg_uk" / "geojsons" / "Local_Authority_Districts_December_2016_GB_BUC.geojson"
UK_BOX = (-9.0, 49.0, 2.5, 61.0)  # Great Britain incl. Scilly, Outer Hebrides and Shetland
needs_lad = pytest.mark.skipif(not LAD.exists(), reason=f"real data not available at {REALDATA}")


def lad_truth():
    """Codes and lon/lat bounds of the LAD file, read with plain json (not the reader)."""
    features = json.loads(LAD.read_text(encoding="utf-8"))["features"]
    points = [p for f in features for p in shapely.get_coordinates(shapely.from_geojson(json.dumps(f["geometry"])))]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return [f["properties"]["LAD16CD"] for f in features], (min(xs), min(ys), max(xs), max(ys))


def within(bounds, box):
    return box[0] <= bounds[0] and box[1] <= bounds[1] and bounds[2] <= box[2] and bounds[3] <= box[3]


@needs_lad
def test_lad_geojson_yields_every_district_valid_in_the_uk_and_smaller():
    codes, _ = lad_truth()
    batch = read_boundaries(LAD, "LAD16CD", "LAD16NM", "GBR")
    gdf = batch.boundaries
    assert len(gdf) == len(codes) == 380
    assert set(gdf["code"]) == set(codes)
    assert list(gdf.columns) == ["code", "name", "parent", "geometry"]
    assert (gdf["parent"] == "GBR").all() and gdf.crs.to_epsg() == 4326
    assert gdf.is_valid.all() and not gdf.is_empty.any()
    assert within(gdf.total_bounds, UK_BOX)
    assert gdf.loc[gdf["code"] == "E09000001", "name"].item() == "City of London"  # smallest district survives
    assert not [p for p in batch.problems if p.severity != "warning"]
    assert len(to_geojson(gdf).encode()) < LAD.stat().st_size / 2
    assert "LAD16NM" in layer_properties(LAD)


@needs_lad
def test_same_boundaries_as_geopackage_and_zipped_shapefile_in_british_grid(tmp_path):
    codes, bounds = lad_truth()
    source = gpd.read_file(LAD)[["LAD16CD", "LAD16NM", "geometry"]]
    gpkg = tmp_path / "lad.gpkg"
    source.to_file(gpkg, layer="districts")
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    source.to_crs(27700).to_file(shp_dir / "lad.shp")
    archive = tmp_path / "lad.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in shp_dir.iterdir():
            zf.write(f, f.name)

    for path, layer in ((gpkg, None), (gpkg, "districts"), (archive, None)):
        gdf = read_boundaries(path, "LAD16CD", "LAD16NM", "GBR", layer=layer).boundaries
        assert sorted(gdf["code"]) == sorted(codes), path.name
        assert gdf.crs.to_epsg() == 4326
        assert gdf.total_bounds == pytest.approx(bounds, abs=0.01), path.name
    assert {"LAD16CD", "LAD16NM"} <= set(layer_properties(archive))
    with pytest.raises(ReadError, match="no layer 'nope'; the file has: districts"):
        read_boundaries(gpkg, "LAD16CD", "LAD16NM", "GBR", layer="nope")


def square(code, name="Place", x=0.0):
    props = {"code": code, "name": name}
    ring = [[x, 50], [x + 1, 50], [x + 1, 51], [x, 51], [x, 50]]
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def geojson(tmp_path, features, name="areas.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_missing_code_rejects_that_feature(tmp_path):
    missing = square(None)
    del missing["properties"]["code"]
    path = geojson(tmp_path, [square("A1"), missing, square("", x=3), square("A4", x=4)])
    batch = read_boundaries(path, "code", "name", "AAA")
    assert list(batch.boundaries["code"]) == ["A1", "A4"]
    assert [(p.severity, p.row, p.column) for p in batch.problems] == [("error", 2, "code"), ("error", 3, "code")]
    assert "no code" in batch.problems[0].message


def test_duplicate_code_of_another_name_is_rejected_and_parts_of_one_name_dissolve(tmp_path):
    path = geojson(tmp_path, [square("A1"), square("A2", x=2), square("A1", name="Other", x=3), square("A1", x=4)])
    batch = read_boundaries(path, "code", "name", "AAA")
    assert list(batch.boundaries["code"]) == ["A1", "A2"]
    assert [(p.severity, p.row, p.value) for p in batch.problems] == [("error", 3, "A1"), ("warning", 1, "A1")]
    assert "duplicate code (first at row 1, named 'Place')" in batch.problems[0].message
    assert batch.problems[1].message.startswith("2 features (rows 1, 4) are parts of one area")
    # A1: the unit squares at x=0 and x=4, one area of two polygons; A2 one square
    assert shapely.area(batch.boundaries.geometry.values).tolist() == pytest.approx([2.0, 1.0])
    assert shapely.get_num_geometries(batch.boundaries.geometry.values).tolist() == [2, 1]


# Property names as the publishers write them (Natural Earth admin-1, geoBoundaries, GADM 4.1 level 2,
# OCHA/HDX COD level 2, ONS), and the (code, name) and country properties that follow from them.
CONVENTIONS = [
    (["featurecla", "adm1_code", "iso_3166_2", "iso_a2", "name", "name_alt", "code_hasc", "adm0_a3", "admin",
      "name_en"], ("iso_3166_2", "name"), "adm0_a3"),
    (["shapeName", "shapeISO", "shapeID", "shapeGroup", "shapeType"], ("shapeISO", "shapeName"), "shapeGroup"),
    (["GID_2", "GID_0", "COUNTRY", "GID_1", "NAME_1", "NL_NAME_1", "NAME_2", "VARNAME_2", "TYPE_2", "ENGTYPE_2",
      "CC_2", "HASC_2"], ("HASC_2", "NAME_2"), "GID_0"),
    (["ADM2_EN", "ADM2_PCODE", "ADM1_EN", "ADM1_PCODE", "ADM0_EN", "ADM0_PCODE"], ("ADM2_PCODE", "ADM2_EN"),
     "ADM0_PCODE"),
    (["objectid", "rgn17cd", "rgn17nm", "bng_e", "long", "lat"], ("rgn17cd", "rgn17nm"), None),
    (["id", "name"], ("id", "name"), None),
    (["code", "label"], None, None),
]


@pytest.mark.parametrize("fields, pair, country", CONVENTIONS)
def test_properties_known_by_their_names(fields, pair, country):
    assert guess_properties(fields) == pair
    assert (candidates(fields)[2] or [None])[0] == country


def test_empty_geometry_and_missing_name(tmp_path):
    empty = square("A2")
    empty["geometry"] = None
    path = geojson(tmp_path, [square("A1", name=None), empty])
    batch = read_boundaries(path, "code", "name", "AAA")
    assert list(batch.boundaries["name"]) == ["A1"]
    assert [(p.severity, p.row, p.message) for p in batch.problems] == [
        ("warning", 1, "feature has no name; using its code"), ("error", 2, "feature has no geometry")]


def test_wrong_code_property_is_fatal_and_lists_properties(tmp_path):
    path = geojson(tmp_path, [square("A1")])
    with pytest.raises(ReadError, match=r"no property 'LAD16CD'; the file has: code, name") as e:
        read_boundaries(path, "LAD16CD", "name", "AAA")
    assert e.value.problem.severity == "fatal" and e.value.problem.column == "LAD16CD"


def test_not_a_geo_file_is_fatal(tmp_path):
    path = tmp_path / "areas.geojson"
    path.write_text("code,name\nA1,Place\n")
    with pytest.raises(ReadError, match="not a readable boundary file"):
        read_boundaries(path, "code", "name", "AAA")
    with pytest.raises(ReadError, match="expected .geojson, .json, .gpkg or a zipped shapefile"):
        read_boundaries(tmp_path / "areas.csv", "code", "name", "AAA")


def shapefile_zip(tmp_path, gdf, name="areas.zip", skip=(), edit=None):
    """gdf written as a shapefile and zipped, leaving out extensions in skip; edit(ext, bytes) may alter a file."""
    folder = tmp_path / name.removesuffix(".zip")
    folder.mkdir()
    gdf.to_file(folder / "areas.shp")
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for f in sorted(folder.iterdir()):
            if f.suffix not in skip:
                zf.writestr(f.name, edit(f.suffix, f.read_bytes()) if edit else f.read_bytes())
    return path


def squares(crs=4326):
    gdf = gpd.GeoDataFrame.from_features([square(f"A{i}", x=i) for i in range(5)], crs=4326)
    return gdf.to_crs(crs)


def test_zip_with_path_traversal_is_refused_and_nothing_extracted(tmp_path):
    work = tmp_path / "upload"
    work.mkdir()
    path = work / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for ext in ("shp", "shx", "dbf"):
            zf.writestr(f"../evil.{ext}", b"x" * 100)
    with pytest.raises(ReadError, match=r"unsafe path") as e:
        read_boundaries(path, "code", "name", "AAA")
    assert e.value.problem.value == "../evil.shp"
    with pytest.raises(ReadError, match=r"unsafe path"):
        layer_properties(path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["evil.zip", "upload"]


def test_zip_without_shapefile_is_fatal(tmp_path):
    path = shapefile_zip(tmp_path, squares(), skip={".shp"})
    with pytest.raises(ReadError, match=r"the zip holds no shapefile \(\.shp\)"):
        read_boundaries(path, "code", "name", "AAA")
    not_zip = tmp_path / "junk.zip"
    not_zip.write_text("hello")
    with pytest.raises(ReadError, match="not a readable zip file"):
        read_boundaries(not_zip, "code", "name", "AAA")


def test_truncated_shp_is_fatal(tmp_path):
    # GDAL itself would read the cut file as features with missing shapes, quietly.
    cut = lambda ext, data: data[: len(data) * 2 // 3] if ext == ".shp" else data  # noqa: E731
    path = shapefile_zip(tmp_path, squares(), edit=cut)
    with pytest.raises(ReadError, match=r"areas.shp is truncated or corrupt"):
        read_boundaries(path, "code", "name", "AAA")


def test_shapefile_without_prj(tmp_path):
    lonlat = shapefile_zip(tmp_path, squares(), name="lonlat.zip", skip={".prj"})
    batch = read_boundaries(lonlat, "code", "name", "AAA")
    assert len(batch.boundaries) == 5 and batch.boundaries.total_bounds == pytest.approx((0, 50, 5, 51))
    assert [p.severity for p in batch.problems] == ["warning"]
    assert "no coordinate reference system" in batch.problems[0].message

    metres = shapefile_zip(tmp_path, squares(27700), name="metres.zip", skip={".prj"})
    with pytest.raises(ReadError, match="not longitude/latitude"):
        read_boundaries(metres, "code", "name", "AAA")


def test_invalid_polygon_is_repaired_with_a_warning(tmp_path):
    bowtie = square("A1")
    bowtie["geometry"]["coordinates"] = [[[0, 50], [1, 51], [1, 50], [0, 51], [0, 50]]]
    batch = read_boundaries(geojson(tmp_path, [bowtie]), "code", "name", "AAA")
    assert batch.boundaries.is_valid.all()
    assert shapely.area(batch.boundaries.geometry.values).item() == pytest.approx(0.5)
    assert [(p.severity, p.row) for p in batch.problems] == [("warning", 1)]


def test_tiny_area_is_kept_and_a_point_is_not_an_area(tmp_path):
    islet, point = square("A2"), square("A3")
    islet["geometry"]["coordinates"] = [[[5, 50], [5.00002, 50], [5.00002, 50.00002], [5, 50.00002], [5, 50]]]
    point["geometry"] = {"type": "Point", "coordinates": [7, 50]}
    batch = read_boundaries(geojson(tmp_path, [square("A1"), islet, point]), "code", "name", "AAA")
    assert list(batch.boundaries["code"]) == ["A1", "A2"]
    assert not batch.boundaries.is_empty.any()
    assert [(p.severity, p.row, p.message) for p in batch.problems] == [
        ("error", 3, "geometry (Point) has no area"), ("warning", 2, "area too small to simplify; kept at full detail")]
