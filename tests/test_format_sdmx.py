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
