"""One-off generator of the broken-file corpus in this folder (the files themselves are committed;
README.md says what is wrong with each). Run from anywhere: python tests/broken/make_corpus.py"""

import io
import json
import random
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
from shapely.geometry import box

HERE = Path(__file__).resolve().parent

UN_HEADER = ("Goal,Target,Indicator,SeriesCode,SeriesDescription,GeoAreaCode,GeoAreaName,TimePeriod,Value,"
             "Time_Detail,Source,FootNote,Nature,Units,Sex")


def un_row(area="4", name="Afghanistan", value="36.4", year="2018", sex="FEMALE", series="SP_LGL_LNDDOC",
           indicator="1.4.2"):
    return (f"1,1.4,{indicator},{series},Land documentation by sex (%),{area},{name},{year},{value},{year},"
            f"DHS,,E,PERCENT,{sex}")


def write(name: str, text: str) -> None:
    (HERE / name).write_bytes(text.encode("utf-8"))


def un_files() -> None:
    good = [un_row(), un_row("8", "Albania", "12.5"), un_row("12", "Algeria", "20.1")]
    text = "\n".join([UN_HEADER, *good]) + "\n"
    (HERE / "un_utf16.csv").write_bytes(text.encode("utf-16"))  # with a BOM, two bytes per character
    latin = "\n".join([UN_HEADER, un_row(), un_row("384", "Côte d'Ivoire", "12.5"), un_row("12", "Algeria")]) + "\n"
    (HERE / "un_latin1.csv").write_bytes(latin.encode("latin-1"))  # ô is the single byte 0xF4
    write("un_missing_columns.csv", "Goal,Target,Indicator,SeriesCode,SeriesDescription,GeoAreaCode,GeoAreaName,Units\n"
          "1,1.4,1.4.2,SP_LGL_LNDDOC,Land documentation by sex (%),4,Afghanistan,PERCENT\n")
    write("un_text_value.csv", "\n".join([UN_HEADER, un_row(), un_row("8", "Albania", "about 12"),
                                          un_row("12", "Algeria", "20.1")]) + "\n")
    write("un_duplicate_rows.csv", "\n".join([UN_HEADER, un_row(value="36.4"), un_row("8", "Albania", "12.5"),
                                              un_row(value="37.0")]) + "\n")
    write("un_unknown_area.csv", "\n".join([UN_HEADER, un_row(), un_row("ABC", "Atlantis", "12.5"),
                                            un_row("999", "", "20.1")]) + "\n")
    write("un_unknown_series.csv", "\n".join([UN_HEADER, un_row(), un_row(series="ZZ_MADE_UP", indicator=""),
                                              un_row(series="ZZ_OTHER", indicator="99.9.9")]) + "\n")
    write("un_bad_year.csv", "\n".join([UN_HEADER, un_row(year="n.d."), un_row("8", "Albania")]) + "\n")
    (HERE / "un_empty.csv").write_bytes(b"")
    write("un_header_only.csv", UN_HEADER + "\n")
    write("un_ragged.csv", "\n".join([UN_HEADER, un_row(), un_row("8", "Albania") + ",extra,cells",
                                      un_row("12", "Algeria")]) + "\n")
    rng = random.Random(20221130)
    (HERE / "un_garbage.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(200)))
    # a workbook of the good rows, cut in half (a download that stopped)
    book = openpyxl.Workbook()
    sheet = book.active
    for line in [UN_HEADER, *good]:
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    (HERE / "un_truncated.xlsx").write_bytes(data[: len(data) // 2])


def framework_files() -> None:
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.active.append(["Indicator", "Tier"])
    book.active.append(["1.1.1 Proportion of the population living below the international poverty line", "Tier I"])
    book.save(HERE / "framework_wrong_sheet.xlsx")

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Updated Tier classification"
    sheet.append([None, "Tier Classification Sheet"])
    sheet.append(["UNSD Indicator Code^", "Target", "Indicator", "Custodian Agency(ies)", "Tier Classification "])
    sheet.append([None, "Goal 1. End poverty in all its forms everywhere"])
    sheet.append(["C010101", "1.1 Eradicate extreme poverty", "1.1.1 Proportion of the population living below the "
                  "international poverty line", "World Bank", "Tier I"])
    sheet.append(["C010201", "1.2 Reduce poverty", "1.2.1 Proportion of population living below the national poverty "
                  "line, by sex and age", "World Bank", "Tier I"])
    sheet.append(["C010101", None, "1.1.1 Proportion of the population living below the international poverty line",
                  "World Bank", "Tier II"])
    book.save(HERE / "framework_duplicate_indicator.xlsx")


def open_sdg_files() -> None:
    write("indicator_1-2-1-no-value.csv", "Year,Sex,Units\n2015,,Percentage (%)\n2015,Female,Percentage (%)\n")
    write("indicator_1-2-1-bad-year.csv", "Year,Sex,Units,Value\n2015,,Percentage (%),19.0\n"
          "twenty twenty,,Percentage (%),20.1\n2016,Female,Percentage (%),18.0\n")
    write("indicator_1-2-1-text-value.csv", "Year,Sex,Units,Value\n2015,,Percentage (%),19.0\n"
          "2015,Female,Percentage (%),c\n")


def sdmx_files() -> None:
    write("sdmx_not_xml.xml", "SERIES,REF_AREA,TIME_PERIOD,OBS_VALUE\nSI_POV_DAY1,4,2015,12.1\n")
    write("sdmx_wrong_root.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<html><body><p>Not SDMX</p></body></html>\n')
    # a generic data message cut off in the middle of an attribute (a download that stopped)
    write("sdmx_truncated.xml", """<?xml version="1.0" encoding="UTF-8"?>
<message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" \
xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic" \
xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">
 <message:Header>
  <message:ID>TRUNCATED</message:ID>
  <message:Test>false</message:Test>
  <message:Prepared>2024-01-01T00:00:00</message:Prepared>
  <message:Sender id="TEST"/>
  <message:Structure structureID="SDG" dimensionAtObservation="TIME_PERIOD">
   <common:Structure><Ref agencyID="UN" id="SDG" version="1.0"/></common:Structure>
  </message:Structure>
 </message:Header>
 <message:DataSet structureRef="SDG">
  <generic:Series>
   <generic:SeriesKey>
    <generic:Value id="SERIES" value="SI_POV_DAY1"/>
    <generic:Value id="REF_AREA" value="4"/>
   </generic:SeriesKey>
   <generic:Obs>
    <generic:ObsDimension value="2015"/>
    <generic:ObsValue value="12.1"/>
   </generic:Obs>
   <generic:Obs>
    <generic:ObsDimension value="2016"/>
    <generic:ObsValue val""")
    header = "DATAFLOW,FREQ,REPORTING_TYPE,SERIES,REF_AREA,SEX,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,NATURE"
    write("sdmx_csv_text_value.csv", "\n".join([
        header,
        "UNSD:DF_SDG_GLH(1.0),A,G,SI_POV_DAY1,4,_T,2015,12.1,PT,C",
        "UNSD:DF_SDG_GLH(1.0),A,G,SI_POV_DAY1,4,_T,2016,n/a,PT,C",
        "UNSD:DF_SDG_GLH(1.0),A,G,SI_POV_DAY1,4,_T,2017,11.0,PT,C"]) + "\n")
    write("sdmx_csv_missing_columns.csv", "DATAFLOW,FREQ,SERIES,TIME_PERIOD,OBS_VALUE\n"
          "UNSD:DF_SDG_GLH(1.0),A,SI_POV_DAY1,2015,12.1\n")


def feature(code, name, geom):
    props = {"name": name}
    if code is not None:
        props["code"] = code
    return {"type": "Feature", "properties": props, "geometry": geom.__geo_interface__}


def squares():
    """Three small squares in England, in longitude/latitude."""
    return [box(-1.5 + i * 0.2, 52.0, -1.4 + i * 0.2, 52.1) for i in range(3)]


def geojson(name: str, features) -> None:
    (HERE / name).write_text(json.dumps({"type": "FeatureCollection", "features": features}, indent=1) + "\n",
                             encoding="utf-8")


def boundary_files() -> None:
    a, b, c = squares()
    geojson("geojson_missing_code.geojson", [feature("E1", "Alpha", a), feature(None, "Beta", b), feature("E3", "Gamma", c)])
    geojson("geojson_duplicate_codes.geojson", [feature("E1", "Alpha", a), feature("E2", "Beta", b), feature("E1", "Gamma", c)])
    geojson("geojson_no_code_property.geojson", [feature(None, "Alpha", a), feature(None, "Beta", b)])
    # British National Grid metres (EPSG:27700) around London, with no "crs" member: read as lon/lat
    geojson("geojson_projected_no_crs.geojson", [feature("E1", "London", box(530000, 180000, 531000, 181000))])
    write("geojson_not_json.geojson", "this is not JSON {\n")

    with zipfile.ZipFile(HERE / "zip_path_traversal.zip", "w") as zf:
        for ext in (".shp", ".shx", ".dbf"):
            zf.writestr(f"../evil{ext}", b"not really a shapefile")

    with tempfile.TemporaryDirectory() as tmp:
        gdf = gpd.GeoDataFrame({"code": ["E1", "E2", "E3"], "name": ["Alpha", "Beta", "Gamma"]}, geometry=squares(), crs=4326)
        gdf.to_file(Path(tmp) / "areas.shp")
        with zipfile.ZipFile(HERE / "shp_truncated.zip", "w") as zf:
            for f in sorted(Path(tmp).iterdir()):
                data = f.read_bytes()
                zf.writestr(f.name, data[: len(data) - 40] if f.suffix == ".shp" else data)


# ---------------------------------------------------------------------------------------------
# hostile input (issue 16): years and values stored wrongly, limits, delimiters, namespaces


def hostile_un_files() -> None:
    for name, year in (("un_year_five_digits.csv", "99999"), ("un_year_int_overflow.csv", "2147483648"),
                       ("un_year_1850.csv", "1850")):
        write(name, "\n".join([UN_HEADER, un_row(year=year), un_row("8", "Albania")]) + "\n")
    for name, value in (("un_value_inf.csv", "inf"), ("un_value_1e309.csv", "1e309"),
                        ("un_value_minus_infinity.csv", "-Infinity")):
        write(name, "\n".join([UN_HEADER, un_row(), un_row("8", "Albania", value)]) + "\n")
    write("un_all_values_blank.csv", "\n".join([UN_HEADER, un_row(value=""), un_row("8", "Albania", "")]) + "\n")
    write("un_all_non_values.csv", "\n".join([UN_HEADER, un_row(value="NV"), un_row("8", "Albania", "N")]) + "\n")
    semicolons = [line.replace(",", ";") for line in (UN_HEADER, un_row())]
    write("un_semicolon_bom.csv", "\ufeff" + "\n".join(semicolons) + "\n")
    write("un_tab_separated.csv", "\n".join(line.replace(",", "\t") for line in (UN_HEADER, un_row())) + "\n")
    # 2,001 columns: the four needed and 1,997 unnamed ones (commas are cheap; names would not be tiny)
    write("un_too_many_columns.csv", "SeriesCode,GeoAreaCode,TimePeriod,Value" + "," * 1997 + "\n"
          "SP_LGL_LNDDOC,4,2018,36.4" + "," * 1997 + "\n")
    # a FootNote of 100,001 characters (DuckDB reads it; the app refuses it)
    write("un_long_cell.csv", "\n".join([UN_HEADER, un_row().replace(",DHS,,", ",DHS," + "x" * 100_001 + ",")]) + "\n")


def hostile_other_files() -> None:
    write("indicator_1-2-1-year-99999.csv", "Year,Sex,Units,Value\n2015,,Percentage (%),19.0\n99999,,Percentage (%),20.1\n")
    write("indicator_1-2-1-value-inf.csv", "Year,Sex,Units,Value\n2015,,Percentage (%),19.0\n2016,,Percentage (%),Infinity\n")
    write("indicator_1-2-1-all-blank.csv", "Year,Sex,Units,Value\n2015,,Percentage (%),\n2016,,Percentage (%),\n")
    write("indicator_1-2-1-semicolon.csv", "Year;Sex;Units;Value\n2015;;Percentage (%);19.0\n")
    citizen = "indicator,country,period,value,sample_size\n6.1.1,MWI,2021,55.0,400\n"
    write("citizen_year_2150.csv", citizen + "6.1.1,MWI,2150,56.0,400\n")
    write("citizen_value_1e309.csv", citizen + "6.1.1,MWI,2022,1e309,400\n")
    # 140,000 characters: past the csv module's own limit (131,072) as well as the app's
    write("citizen_long_cell.csv", citizen + "6.1.1,MWI,2022," + "9" * 140_000 + ",400\n")
    header = "DATAFLOW,FREQ,REPORTING_TYPE,SERIES,REF_AREA,SEX,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,NATURE"
    good = "UNSD:DF_SDG_GLH(1.0),A,G,SI_POV_DAY1,4,_T,2015,12.1,PT,C"
    write("sdmx_csv_year_1850.csv", "\n".join([header, good, good.replace("2015", "1850")]) + "\n")
    write("sdmx_csv_value_inf.csv", "\n".join([header, good, good.replace("2015,12.1", "2016,inf")]) + "\n")
    write("sdmx_csv_semicolon.csv", "\n".join(line.replace(",", ";") for line in (header, good)) + "\n")
    write("sdmx_wrong_namespace.xml", """<?xml version="1.0" encoding="UTF-8"?>
<message:GenericData xmlns:message="http://www.SDMX.org/resources/SDMXML/schemas/v2_0/message">
 <message:Header><message:ID>OLD</message:ID></message:Header>
</message:GenericData>
""")
    for name, obs in (("sdmx_year_five_digits.xml", 'TIME_PERIOD="99999" OBS_VALUE="12.1"'),
                      ("sdmx_value_infinite.xml", 'TIME_PERIOD="2016" OBS_VALUE="INF"')):
        write(name, f"""<?xml version="1.0" encoding="UTF-8"?>
<message:StructureSpecificData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" \
xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common" \
xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific">
 <message:Header>
  <message:ID>HOSTILE</message:ID>
  <message:Structure structureID="SDG" dimensionAtObservation="TIME_PERIOD">
   <common:Structure><Ref agencyID="IAEG-SDGs" id="SDG" version="1.0"/></common:Structure>
  </message:Structure>
 </message:Header>
 <message:DataSet ss:structureRef="SDG">
  <Series FREQ="A" REPORTING_TYPE="G" SERIES="SI_POV_DAY1" REF_AREA="4">
   <Obs TIME_PERIOD="2015" OBS_VALUE="12.1"/>
   <Obs {obs}/>
  </Series>
 </message:DataSet>
</message:StructureSpecificData>
""")
    a, b, _ = squares()
    good_feature = feature("E2", "Beta", b)
    ring = [[-1.5, 52.0], [-1.4, 52.0], [-1.4, "BAD"], [-1.5, 52.1], [-1.5, 52.0]]
    for name, bad in (("geojson_nan_coordinates.geojson", "NaN"), ("geojson_infinite_coordinates.geojson", "Infinity")):
        text = json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": "E1", "name": "Alpha"},
             "geometry": {"type": "Polygon", "coordinates": [ring]}}, good_feature]}, indent=1)
        write(name, text.replace('"BAD"', bad) + "\n")  # JSON has no NaN or Infinity: GDAL reads them
    write("records_nan_coordinates.csv", "lat,lon,year,ok\n-13.9,33.8,2021,yes\nNaN,33.8,2021,yes\n"
          "inf,-Infinity,2021,no\n")
    write("records_year_99999.csv", "lat,lon,year,ok\n-13.9,33.8,2021,yes\n-13.9,33.8,99999,no\n")


if __name__ == "__main__":
    un_files()
    framework_files()
    open_sdg_files()
    sdmx_files()
    boundary_files()
    hostile_un_files()
    hostile_other_files()
    print("\n".join(sorted(p.name for p in HERE.iterdir() if p.name not in ("README.md", "make_corpus.py"))))
