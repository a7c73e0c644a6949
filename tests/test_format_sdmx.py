"""SDMX readers: the real Rwanda SDMX-ML files, checked against counts made here with ElementTree,
and small hand-written SDMX-CSV files."""

import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from conftest import REALDATA

from gapmonitor.formats import OBSERVATION_COLUMNS, ReadError
from gapmonitor.formats.sdmx import read_sdmx_ml
from gapmonitor.formats.sdmx_csv import read_sdmx_csv

RWANDA = REALDATA / "open_sdg_rwanda"
DATA = RWANDA / "2025_RWA-SDG_Data.sdmx.xml"
DSD = RWANDA / "RWA_2025_SDG_DSD.xml"
needs_rwanda = pytest.mark.skipif(not DATA.exists() or not DSD.exists(),
                                  reason=f"real Rwanda SDMX files not found under {RWANDA}")


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@pytest.fixture(scope="module")
def rwanda():
    return read_sdmx_ml(DATA, DSD)


@pytest.fixture(scope="module")
def raw_obs():
    """Every <Obs> in document order, as its attributes merged with its <Series> attributes."""
    root = ET.parse(DATA).getroot()
    return [{**series.attrib, **obs.attrib}
            for series in root.iter() if local(series.tag) == "Series"
            for obs in series if local(obs.tag) == "Obs"]


@pytest.fixture(scope="module")
def raw_structure():
    """The DSD's dimension IDs and the codes' names and annotations, read with ElementTree."""
    root = ET.parse(DSD).getroot()
    dimension_list = next(e for e in root.iter() if local(e.tag) == "DimensionList")
    dimensions = [e.get("id") for e in dimension_list if local(e.tag) in ("Dimension", "TimeDimension")]
    codelists = {}
    for cl in (e for e in root.iter() if local(e.tag) == "Codelist"):
        codelists[cl.get("id")] = {
            code.get("id"): {
                "name": next(n.text for n in code if local(n.tag) == "Name"),
                "annotations": {next((t.text for t in a if local(t.tag) == "AnnotationType"), None):
                                next((t.text for t in a if local(t.tag) == "AnnotationText"), None)
                                for a in code.iter() if local(a.tag) == "Annotation"},
            } for code in cl if local(code.tag) == "Code"}
    return dimensions, codelists


@needs_rwanda
def test_rwanda_counts(rwanda, raw_obs):
    obs = rwanda.observations
    assert list(obs.columns) == OBSERVATION_COLUMNS
    assert rwanda.format == "sdmx-ml"
    assert not [p for p in rwanda.problems if p.severity in ("error", "fatal")]
    assert len(obs) == len(raw_obs) > 2000
    assert obs["series"].nunique() == len({o["SERIES"] for o in raw_obs})
    assert set(obs["area"]) == {o["REF_AREA"] for o in raw_obs}
    assert set(obs["year"]) == {int(o["TIME_PERIOD"][:4]) for o in raw_obs}
    assert list(obs["row"]) == list(range(1, len(raw_obs) + 1))
    # document order: row n is the n-th <Obs>
    assert list(obs["value"]) == [float(o["OBS_VALUE"]) for o in raw_obs]
    assert list(obs["series"]) == [o["SERIES"] for o in raw_obs]
    assert list(obs["unit"]) == [o["UNIT_MEASURE"] for o in raw_obs]
    assert list(obs["time_detail"]) == [o["TIME_PERIOD"] for o in raw_obs]
    # texts come stripped: one SOURCE_DETAIL starts with a no-break space
    assert list(obs["source"]) == [o.get("SOURCE_DETAIL", "").strip() for o in raw_obs]
    assert list(obs["nature"]) == [o.get("NATURE", "") for o in raw_obs]
    assert set(obs["area_scheme"]) == {"code"}


@needs_rwanda
def test_rwanda_groups(rwanda, raw_obs, raw_structure):
    dimensions, _ = raw_structure
    skip = {"FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "TIME_PERIOD"}
    totals = {"_T", "_Z", "_X", "_N", "ALLAREA", "BOTHSEX", "ALLAGE"}
    expected = Counter("|".join(f"{d}={o[d]}" for d in sorted(dimensions)
                                if d not in skip and o[d] not in totals) for o in raw_obs)
    assert Counter(rwanda.observations["dims"]) == expected
    found = {pair for key in rwanda.observations["dims"] for pair in key.split("|") if pair}
    assert {f"{d}={o[d]}" for o in raw_obs for d in ("SEX", "URBANISATION", "AGE") if o[d] != "_T"} <= found
    assert {"SEX=F", "SEX=M", "URBANISATION=R", "URBANISATION=U"} <= found
    assert not any(v in totals for pair in found for v in [pair.split("=", 1)[1]])


@needs_rwanda
def test_rwanda_names_from_codelists(rwanda, raw_structure):
    _, codelists = raw_structure
    obs = rwanda.observations
    areas = codelists["CL_REF_AREA"]
    for code, name in zip(obs["area"], obs["area_name"]):
        assert name == areas[code]["name"]
    assert "Nyarugenge" in set(obs["area_name"])  # district 11
    series = codelists["CL_SERIES"]
    first = obs.drop_duplicates("series").set_index("series")
    for code, row in first.iterrows():
        if code in series:
            assert row["indicator"] == series[code]["annotations"]["Indicator"]
            assert row["series_description"] in series[code]["name"]
        else:  # a series in the data that the codelist lacks is told, not dropped
            assert row["indicator"] == ""
            assert any(p.value == code and p.severity == "warning" for p in rwanda.problems)


@needs_rwanda
def test_structure_specific_data_needs_its_structure():
    with pytest.raises(ReadError, match="structure"):
        read_sdmx_ml(DATA)
    with pytest.raises(ReadError, match="not an SDMX structure message"):
        read_sdmx_ml(DATA, DATA)
    with pytest.raises(ReadError, match="not an SDMX data message"):
        read_sdmx_ml(DSD, DSD)


def test_sdmx_ml_not_xml(tmp_path):
    empty, text = tmp_path / "empty.xml", tmp_path / "text.xml"
    empty.write_text("")
    text.write_text("SERIES,REF_AREA\nA,B\n")
    with pytest.raises(ReadError, match="empty"):
        read_sdmx_ml(empty)
    with pytest.raises(ReadError, match="not XML"):
        read_sdmx_ml(text)


HEADER = ("DATAFLOW,FREQ,REPORTING_TYPE,SERIES,REF_AREA,SEX,AGE,URBANISATION,INCOME_WEALTH_QUANTILE,"
          "DISABILITY_STATUS,TIME_PERIOD,OBS_VALUE,OBS_STATUS,UNIT_MULT,UNIT_MEASURE,NATURE,TIME_DETAIL,"
          "UPPER_BOUND,LOWER_BOUND,SOURCE_DETAIL")


def write(tmp_path, text: str):
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_good(tmp_path):
    path = write(tmp_path, HEADER + "\n"
                 "DF_SDG_GLH,A,G,SI_POV_DAY1,646,F,_T,R,_T,_T,2016,55.1,A,0,PT,E,2016,60,50.2,World Bank\n"
                 "DF_SDG_GLH,A,G,SI_POV_DAY1,646,_T,ALLAGE,_T,Q1,PD,2017-2018,40,A,0,PT,C,,,,\n"
                 "DF_SDG_GLH,A,G,SI_POV_DAY1,646,BOTHSEX,_T,_Z,_X,_N,2019,38,A,0,PT,C,,,,\n")
    batch = read_sdmx_csv(path)
    obs = batch.observations
    assert batch.format == "sdmx-csv" and batch.problems == []
    assert list(obs.columns) == OBSERVATION_COLUMNS
    assert list(obs["row"]) == [2, 3, 4]
    assert list(obs["dims"]) == ["SEX=F|URBANISATION=R", "DISABILITY_STATUS=PD|INCOME_WEALTH_QUANTILE=Q1", ""]
    assert list(obs["year"]) == [2016, 2017, 2019]
    assert list(obs["time_detail"]) == ["2016", "2017-2018", "2019"]
    first = obs.iloc[0]
    assert (first["series"], first["area"], first["area_scheme"]) == ("SI_POV_DAY1", "646", "code")
    assert (first["unit"], first["nature"], first["source"]) == ("PT", "E", "World Bank")
    assert (first["value"], first["lower_bound"], first["upper_bound"]) == (55.1, 50.2, 60.0)
    assert (first["series_description"], first["indicator"]) == ("", "")  # the importer fills them
    assert obs["lower_bound"].isna().tolist() == [False, True, True]


def test_csv_bad_value_is_a_row_error(tmp_path):
    path = write(tmp_path, HEADER + "\n"
                 "X,A,G,SI_POV_DAY1,646,F,_T,_T,_T,_T,2016,55.1,A,0,PT,E,,,,\n"
                 "X,A,G,SI_POV_DAY1,646,M,_T,_T,_T,_T,2016,n/a,A,0,PT,E,,,,\n"
                 "X,A,G,SI_POV_DAY1,646,_T,_T,_T,_T,_T,2016,,A,0,PT,E,,,,\n")
    batch = read_sdmx_csv(path)
    assert list(batch.observations["row"]) == [2]
    errors = [(p.severity, p.row, p.column, p.value) for p in batch.problems]
    assert errors == [("error", 3, "OBS_VALUE", "n/a"), ("error", 4, "OBS_VALUE", "")]


def test_csv_missing_column(tmp_path):
    path = write(tmp_path, "DATAFLOW,SERIES,REF_AREA,OBS_VALUE\nX,SI_POV_DAY1,646,1\n")
    with pytest.raises(ReadError, match="TIME_PERIOD") as caught:
        read_sdmx_csv(path)
    assert caught.value.problem.severity == "fatal"
    assert caught.value.problem.column == "TIME_PERIOD"


def test_csv_empty_file(tmp_path):
    with pytest.raises(ReadError, match="empty"):
        read_sdmx_csv(write(tmp_path, ""))


# Structure-specific data of the global SDG structure IAEG-SDGs:SDG, read without a structure message.
PEER_SDMX = REALDATA / "peer_sdg_build" / "data" / "sdmx"
PEER_111 = PEER_SDMX / "structure-specific" / "1-1-1--structure-specific.xml"
PEER_121 = PEER_SDMX / "multiple" / "1-2-1--structure-specific.xml"
needs_peer = pytest.mark.skipif(not PEER_111.exists() or not PEER_121.exists(),
                                reason=f"peer SDMX files not found under {PEER_SDMX}")

# What both peer files hold (read by hand from the XML): three <Series> of REF_AREA 826, UNIT_MEASURE PT,
# SEX _T / M / F (every other dimension _T), each with <Obs> 2020 and 2021; NATURE _X on every <Obs>.
PEER_ROWS = [(100.0, 2020, ""), (120.0, 2021, ""), (50.0, 2020, "SEX=M"), (60.0, 2021, "SEX=M"),
             (70.0, 2020, "SEX=F"), (80.0, 2021, "SEX=F")]


def rows_of(batch):
    obs = batch.observations
    return list(zip(obs["value"], obs["year"], obs["dims"]))


@needs_peer
@pytest.mark.parametrize("path, series", [(PEER_111, "SI_POV_DAY1"), (PEER_121, "SI_POV_NAHC")])
def test_global_structure_specific_without_structure(path, series):
    batch = read_sdmx_ml(path)
    obs = batch.observations
    assert batch.format == "sdmx-ml" and batch.problems == []
    assert list(obs.columns) == OBSERVATION_COLUMNS
    assert rows_of(batch) == PEER_ROWS
    assert list(obs["row"]) == [1, 2, 3, 4, 5, 6]
    assert set(obs["series"]) == {series}
    assert set(obs["area"]) == {"826"} and set(obs["area_scheme"]) == {"code"}
    assert set(obs["unit"]) == {"PT"} and set(obs["nature"]) == {"_X"}
    assert list(obs["time_detail"]) == ["2020", "2021"] * 3
    # no structure, no code lists: the importer fills known series from its catalogue
    assert set(obs["series_description"]) == set(obs["indicator"]) == set(obs["area_name"]) == {""}
    # attributes are never dimensions
    pairs = {pair.split("=")[0] for key in obs["dims"] for pair in key.split("|") if pair}
    assert pairs == {"SEX"}
    # counted again with ElementTree: one row per <Obs>
    root = ET.parse(path).getroot()
    assert len(obs) == sum(1 for e in root.iter() if local(e.tag) == "Obs") == 6


@needs_peer
def test_global_structure_specific_matches_the_generic_file():
    generic = read_sdmx_ml(PEER_SDMX / "structure" / "1-1-1--structure.xml").observations
    specific = read_sdmx_ml(PEER_111).observations
    assert specific.equals(generic)


SS_HEAD = ('<?xml version="1.0"?>\n<message:StructureSpecificData '
           'xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific" '
           'xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
           'xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n<message:Header><message:ID>X</message:ID>'
           '<message:Test>false</message:Test><message:Prepared>2024-01-01T00:00:00Z</message:Prepared>'
           '<message:Sender id="ME"/>\n<message:Structure structureID="S" namespace="{urn}" '
           'dimensionAtObservation="{at}">{ref}</message:Structure></message:Header>\n'
           '<message:DataSet ss:structureRef="S" {dataset}>\n')
SS_FOOT = '</message:DataSet>\n</message:StructureSpecificData>\n'
URN = "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure={}:ObsLevelDim:TIME_PERIOD"


def structure_specific(tmp_path, body, urn, ref="", at="TIME_PERIOD", dataset=""):
    path = tmp_path / "ss.xml"
    path.write_text(SS_HEAD.format(urn=urn, at=at, ref=ref, dataset=dataset) + body + SS_FOOT, encoding="utf-8")
    return path


def test_global_structure_named_only_by_namespace(tmp_path):
    # another version (1.3), no <Ref>; observations straight under <DataSet> (all dimensions at <Obs>),
    # an attribute on the <DataSet>
    dims = ('FREQ="A" REPORTING_TYPE="G" SERIES="SL_TLF_UEM" REF_AREA="646" SEX="F" AGE="Y15T24" '
            'URBANISATION="R" INCOME_WEALTH_QUANTILE="_T" EDUCATION_LEV="_T" OCCUPATION="_T" CUST_BREAKDOWN="_T" '
            'COMPOSITE_BREAKDOWN="_T" DISABILITY_STATUS="_T" ACTIVITY="_T" PRODUCT="_T"')
    total = dims.replace('SEX="F"', 'SEX="_T"')
    body = (f'<Obs {dims} TIME_PERIOD="2019" OBS_VALUE="17.5" UNIT_MEASURE="PT" UNIT_MULT="0" OBS_STATUS="A" '
            'NATURE="E" LOWER_BOUND="15" UPPER_BOUND="20" SOURCE_DETAIL=" Labour Force Survey"/>\n'
            f'<Obs {total} TIME_PERIOD="2020-Q1" OBS_VALUE="NaN" '
            'UNIT_MEASURE="PT"/>\n')
    path = structure_specific(tmp_path, body, URN.format("IAEG-SDGs:SDG(1.3)"), dataset='SOURCE_DETAIL="NISR"')
    batch = read_sdmx_ml(path)
    obs = batch.observations
    assert len(obs) == 1
    first = obs.iloc[0]
    assert first["dims"] == "AGE=Y15T24|SEX=F|URBANISATION=R"
    assert (first["series"], first["area"], first["unit"], first["year"], first["value"]) == (
        "SL_TLF_UEM", "646", "PT", 2019, 17.5)
    assert (first["lower_bound"], first["upper_bound"], first["nature"], first["source"]) == (
        15.0, 20.0, "E", "Labour Force Survey")
    assert [(p.severity, p.row, p.column, p.value) for p in batch.problems] == [("error", 2, "OBS_VALUE", "NaN")]


def test_structure_specific_of_another_structure_is_refused(tmp_path):
    body = ('<Series FREQ="A" SERIES="X_1" REF_AREA="RW" UNIT_MEASURE="PT">'
            '<Obs TIME_PERIOD="2020" OBS_VALUE="1"/></Series>\n')
    ref = '<common:Structure><Ref agencyID="NISR-SDGs" id="SDG" version="1.3"/></common:Structure>'
    path = structure_specific(tmp_path, body, URN.format("NISR-SDGs:SDG(1.3)"), ref=ref)
    with pytest.raises(ReadError, match=r"NISR-SDGs:SDG\(1\.3\).*needs its structure message") as caught:
        read_sdmx_ml(path)
    assert caught.value.problem.severity == "fatal"
    # named only by its namespace
    path = structure_specific(tmp_path, body, URN.format("ESTAT:NA_MAIN(1.0)"))
    with pytest.raises(ReadError, match=r"ESTAT:NA_MAIN\(1\.0\)"):
        read_sdmx_ml(path)


def test_global_structure_specific_cut_off(tmp_path):
    body = '<Series FREQ="A" SERIES="SI_POV_DAY1" REF_AREA="826"><Obs TIME_PERIOD="2020" OBS_VAL'
    path = tmp_path / "cut.xml"
    ref = '<common:Structure><Ref agencyID="IAEG-SDGs" id="SDG" version="1.8"/></common:Structure>'
    path.write_text(SS_HEAD.format(urn=URN.format("IAEG-SDGs:SDG(1.8)"), at="TIME_PERIOD", ref=ref, dataset="")
                    + body, encoding="utf-8")
    with pytest.raises(ReadError, match="not well-formed"):
        read_sdmx_ml(path)
