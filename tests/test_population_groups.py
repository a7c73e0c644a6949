"""Dimension values to population groups: ages read as ranges (gapmonitor.ages), the mapping built from
the official code lists (scripts/build_group_mapping.py), and every age and group code of the shared real
files given an answer. Expected values are reasoned from the code names and the files, by hand."""

import csv
import importlib.util
import io
import re
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from conftest import REALDATA, ROOT

from gapmonitor.ages import age_groups, age_range

REFERENCE = ROOT / "data" / "reference"
DSD = REALDATA / "open_sdg_rwanda" / "RWA_2025_SDG_DSD.xml"
RWANDA = REALDATA / "open_sdg_rwanda" / "2025_RWA-SDG_Data.sdmx.xml"
UK = REALDATA / "open_sdg_uk" / "data"
real = pytest.mark.skipif(not REALDATA.exists(), reason=f"../shared/realdata is absent ({REALDATA})")
quiet_xlsx = pytest.mark.filterwarnings("ignore:(Print area|Unknown extension):UserWarning")  # the tier workbook
STRUCTURE = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}"
COMMON = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common}"
Y, C, O = "youth", "children", "older"


def mapping() -> set[tuple[str, str, str]]:
    with open(REFERENCE / "group_mapping.csv", encoding="utf-8", newline="") as f:
        return {(r["dimension"], r["dim_value"], r["group_id"]) for r in csv.DictReader(f)}


def groups_of(dimension: str, value: str) -> set[str]:
    return {g for d, v, g in mapping() if (d, v) == (dimension, value)}


# ---------------------------------------------------------------------------------------------
# ages.py, on its own


@pytest.mark.parametrize("text, band", [
    ("Y15T24", (15, 24)), ("y15t24", (15, 24)), ("Y_GE65", (65, None)), ("Y_LT15", (0, 14)), ("Y30", (30, 30)),
    ("Y0", (0, 0)), ("M0", (0, 0)), ("M12T23", (1, 23 / 12)), ("M36T59", (3, 59 / 12)),
    ("15-24", (15, 24)), ("15–24", (15, 24)), ("15+", (15, None)), ("<15", (0, 14)), ("<5", (0, 4)),
    ("<5Y", (0, 4)), ("<1M", (0, 0)), ("0-17", (0, 17)), ("65+", (65, None)), ("65-74", (65, 74)),
    ("16 to 24", (16, 24)), ("65 and over", (65, None)), ("Under 16", (0, 15)), ("16 and over", (16, None)),
    ("15 and under", (0, 15)), (" 15 years old and over ", (15, None)), ("12 to 23 Months old", (1, 23 / 12)),
    ("under 1 month old", (0, 0)),
])
def test_age_spellings_read_as_ranges(text, band):
    assert age_range(text) == pytest.approx(band)


@pytest.mark.parametrize("text", ["", None, "_T", "_U", "_X", "ALLAGE", "All ages", "Total", "24-15", "adults",
                                  "30 to exact 70 years old"])
def test_not_an_age_range(text):
    assert age_range(text) is None


@pytest.mark.parametrize("lo, hi, groups", [
    (15, 24, {Y}), (14, 24, set()), (15, 25, set()), (24, 24, {Y}), (15, 17, {Y, C}), (0, 17, {C}),
    (0, 18, set()), (17, 17, {Y, C}), (3, 59 / 12, {C}), (60, None, {O}), (60, 64, {O}), (59, None, set()),
    (59, 64, set()), (65, None, {O}), (18, None, set()), (15, None, set()), (0, None, set()), (15, 64, set()),
])
def test_age_groups_edges(lo, hi, groups):
    assert age_groups(lo, hi) == groups


# ---------------------------------------------------------------------------------------------
# every code of CL_AGE, from its name: code, lo, hi ("-" open), groups ("NA": not an age range)

CL_AGE = """
_T NA | M0 0 0 C | M36T59 3 59/12 C | Y0 0 0 C | Y0T4 0 4 C | Y0T14 0 14 C | Y0T17 0 17 C | Y1T14 1 14 C
Y1T17 1 17 C | Y5T14 5 14 C | Y5T17 5 17 C | Y_GE5 5 - | Y6T14 6 14 C | Y6T17 6 17 C | Y_GE6 6 -
Y7T14 7 14 C | Y7T17 7 17 C | Y_GE7 7 - | Y10T14 10 14 C | Y10T17 10 17 C | Y10T24 10 24 | Y10T74 10 74
Y_GE10 10 - | Y12T14 12 14 C | Y12T17 12 17 C | Y12T30 12 30 | Y_GE12 12 - | Y14T24 14 24 | Y14T28 14 28
Y14T29 14 29 | Y_GE14 14 - | Y15T17 15 17 Y C | Y15T19 15 19 Y | Y15T24 15 24 Y | Y15T29 15 29
Y15T44 15 44 | Y15T49 15 49 | Y15T60 15 60 | Y15T64 15 64 | Y15T65 15 65 | Y15T70 15 70 | Y15T72 15 72
Y15T74 15 74 | Y15T80 15 80 | Y15T84 15 84 | Y_GE15 15 - | Y16T24 16 24 Y | Y16T65 16 65 | Y16T74 16 74
Y_GE16 16 - | Y18T19 18 19 Y | Y18T27 18 27 | Y18T29 18 29 | Y18T35 18 35 | Y18T44 18 44 | Y_GE18 18 -
Y19T65 19 65 | Y20T24 20 24 Y | Y20T29 20 29 | Y20T30 20 30 | Y20T49 20 49 | Y20T64 20 64 | Y20T74 20 74
Y25T29 25 29 | Y25T34 25 34 | Y25T64 25 64 | Y_GE25 25 - | Y30 30 30 | Y30T34 30 34 | Y30T39 30 39
Y30T69 30 69 | Y30T70 30 70 | Y35 35 35 | Y35T39 35 39 | Y35T44 35 44 | Y35T49 35 49 | Y40T44 40 44
Y40T49 40 49 | Y45T49 45 49 | Y45T59 45 59 | Y0T9 0 9 C | Y5T9 5 9 C | Y10T19 10 19 | Y50T54 50 54
Y50T59 50 59 | Y55T59 55 59 | Y60T64 60 64 O | Y60T69 60 69 O | Y_GE60 60 - O | Y65T69 65 69 O
Y_GE65 65 - O | Y70T74 70 74 O | Y70T79 70 79 O | Y_GE70 70 - O | Y75T79 75 79 O | Y_GE75 75 - O
Y80T84 80 84 O | Y80T89 80 89 O | Y_GE80 80 - O | Y85T89 85 89 O | Y_GE85 85 - O | Y90T94 90 94 O
Y90T99 90 99 O | Y_GE90 90 - O | Y95T99 95 99 O | Y_GE95 95 - O | Y_GE100 100 - O | Y45T54 45 54
Y45T64 45 64 | Y55T64 55 64 | Y15T28 15 28 | M36T47 3 47/12 C | Y18T24 18 24 Y | Y18T49 18 49
Y18T50 18 50 | Y12T24 12 24 | Y2T14 2 14 C | Y25T44 25 44 | Y18T74 18 74 | Y_GE20 20 - | Y0T7 0 7 C
Y1T4 1 4 C | Y_GE50 50 - | M6T59 6/12 59/12 C | Y0T5 0 5 C | Y30T35 30 35 | Y0T45 0 45 | Y_GE46 46 -
_U NA | _X NA | Y0T15 0 15 C | Y6T65 6 65 | Y65T74 65 74 O | Y75T84 75 84 O | Y16T30 16 30 | M12T23 1 23/12 C
"""
LETTERS = {"Y": Y, "C": C, "O": O}


def _number(text: str) -> float | None:
    if text == "-":
        return None
    top, _, bottom = text.partition("/")
    return int(top) / int(bottom or 1)


def _answers(table: str) -> dict[str, tuple]:
    answers = {}
    for entry in re.split(r"[|\n]", table):
        code, *rest = entry.split() or [None]
        if code is None:
            continue
        if rest == ["NA"]:
            answers[code] = (None, None)
        else:
            answers[code] = ((_number(rest[0]), _number(rest[1])), {LETTERS[g] for g in rest[2:]})
    return answers


AGE_ANSWERS = _answers(CL_AGE)


def cl_age() -> list[tuple[str, str]]:
    root = ET.parse(DSD).getroot()
    codelist = next(cl for cl in root.iter(f"{STRUCTURE}Codelist") if cl.get("id") == "CL_AGE")
    return [(c.get("id"), c.findtext(f"{COMMON}Name")) for c in codelist.findall(f"{STRUCTURE}Code")]


@pytest.mark.parametrize("code", sorted(AGE_ANSWERS))
def test_every_cl_age_code_reads_as_its_name_says(code):
    band, groups = AGE_ANSWERS[code]
    if band is None:
        assert age_range(code) is None
    else:
        assert age_range(code) == pytest.approx(band)
        assert age_groups(*age_range(code)) == groups


@real
def test_the_table_holds_every_cl_age_code_of_the_dsd():
    codes = [code for code, _ in cl_age()]
    assert len(codes) == 136
    assert set(codes) == set(AGE_ANSWERS)


@real
def test_each_cl_age_name_says_the_same_range_as_its_code():
    """The names read too ("15 to 24 years old", "under 5 years old"...), and agree with the codes. Not read:
    the totals and unknowns, and Y30T70's "30 to exact 70 years old" (read from its code as 30 to 70)."""
    unread = {code for code, name in cl_age() if age_range(name) is None}
    assert unread == {"_T", "_U", "_X", "Y30T70"}
    for code, name in cl_age():
        if code not in unread:
            assert age_range(name) == pytest.approx(age_range(code)), (code, name)


@real
def test_every_cl_age_code_with_a_group_is_mapped_under_age():
    for code, (band, groups) in AGE_ANSWERS.items():
        assert groups_of("AGE", code) == (groups or set()), code


# ---------------------------------------------------------------------------------------------
# every Age value of the shared real files: (range or None, groups). None: a blank cell or _T is the
# total (not broken down by age).

FILE_AGES = {
    "": (None, set()), "_T": (None, set()),
    # UN exports: 4.2.1 (children 36-47 and 36-59 months), Goal 5 (15 years and older)
    "M36T47": ((3, 47 / 12), {C}), "M36T59": ((3, 59 / 12), {C}), "15+": ((15, None), set()),
    # UK Open SDG 1-2-1, 5-2-1, 8-5-2
    "15 and under": ((0, 15), {C}), "16 to 17": ((16, 17), {Y, C}), "16 to 19": ((16, 19), {Y}),
    "16 to 24": ((16, 24), {Y}), "18 to 24": ((18, 24), {Y}), "20 to 24": ((20, 24), {Y}),
    "16 to 64": ((16, 64), set()), "25 to 34": ((25, 34), set()), "25 to 49": ((25, 49), set()),
    "35 to 44": ((35, 44), set()), "35 to 49": ((35, 49), set()), "45 to 54": ((45, 54), set()),
    "50 to 64": ((50, 64), set()), "55 to 59": ((55, 59), set()), "60 to 74": ((60, 74), {O}),
    "65 to 74": ((65, 74), {O}), "65 and over": ((65, None), {O}), "75 and over": ((75, None), {O}),
    # Rwanda's SDMX data (CL_AGE codes)
    "M0": ((0, 0), {C}), "M12T23": ((1, 23 / 12), {C}), "Y0T4": ((0, 4), {C}), "Y0T14": ((0, 14), {C}),
    "Y0T17": ((0, 17), {C}), "Y5T17": ((5, 17), {C}), "Y15T19": ((15, 19), {Y}), "Y15T24": ((15, 24), {Y}),
    "Y16T24": ((16, 24), {Y}), "Y16T30": ((16, 30), set()), "Y15T49": ((15, 49), set()),
    "Y_GE6": ((6, None), set()), "Y_GE15": ((15, None), set()), "Y_GE16": ((16, None), set()),
}
# Columns whose name says age but that are not people's ages: the age of a water point and of its last
# rehabilitation, in years (citizen records of water points).
NOT_PEOPLE = {("rwpfunctionality.csv", "wp_age"), ("rwpfunctionality.csv", "rehab_age")}


def age_column(name: str) -> bool:
    return "age" in re.split(r"[^a-z]+", name.lower())


def real_ages() -> dict[str, set[str]]:
    """Every value of every age column or AGE dimension in ../shared/realdata: value -> where."""
    found: dict[str, set[str]] = {}

    def add(value, where):
        found.setdefault("" if value is None else str(value).strip(), set()).add(where)

    for path in sorted(REALDATA.rglob("*.csv")):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        for i, column in enumerate(rows[0] if rows else []):
            if age_column(column) and (path.name, column) not in NOT_PEOPLE:
                for row in rows[1:]:
                    add(row[i] if i < len(row) else "", f"{path.name}:{column}")
    for path in sorted(REALDATA.rglob("*.xlsx")):
        for sheet in openpyxl.load_workbook(path, read_only=True).worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, ())
            ages = [i for i, c in enumerate(header) if c and age_column(str(c))]
            for row in rows:
                for i in ages:
                    add(row[i], f"{path.name}:{header[i]}")
    for path in sorted(REALDATA.rglob("*.xml")):
        if path == DSD:
            continue  # the code list itself: tested code by code above
        for _, element in ET.iterparse(path):
            if "AGE" in element.attrib:  # StructureSpecificData: <Series AGE="Y0T4" ...>
                add(element.get("AGE"), path.name)
            if element.get("id") == "AGE" and "value" in element.attrib:  # GenericData: <Value id="AGE" value="_T"/>
                add(element.get("value"), path.name)
    return found


@real
@quiet_xlsx
def test_every_age_value_of_the_real_files_has_a_reasoned_answer():
    found = real_ages()
    assert not set(found) - set(FILE_AGES), f"age values nobody has reasoned about: {set(found) - set(FILE_AGES)}"
    assert set(found) == set(FILE_AGES)  # and the table has no value the files lost
    for value, (band, groups) in FILE_AGES.items():
        if band is None:
            assert age_range(value) is None, value
        else:
            assert age_range(value) == pytest.approx(band), value
            assert age_groups(*age_range(value)) == groups, value


@real
@quiet_xlsx
def test_the_real_files_age_values_with_a_group_are_mapped():
    """Under the name the file gives the dimension: Age (UN exports, Open SDG), AGE (SDMX data)."""
    for value, places in real_ages().items():
        for dimension in {"AGE" if place.endswith(".xml") else "Age" for place in places}:
            assert groups_of(dimension, value) == FILE_AGES[value][1], (dimension, value)


# ---------------------------------------------------------------------------------------------
# the group codes of Rwanda's SDMX data: mapped, or a total/other on purpose

RWANDA_MAPPED = {("SEX", "F"): {"women"}, ("URBANISATION", "R"): {"rural"}}
RWANDA_NOT_A_GROUP = {
    ("SEX", "_T"): "both sexes", ("SEX", "M"): "male: the other half of the breakdown",
    ("URBANISATION", "_T"): "total", ("URBANISATION", "U"): "urban",
    ("DISABILITY_STATUS", "_T"): "no breakdown", ("INCOME_WEALTH_QUANTILE", "_T"): "national average",
    ("AGE", "_T"): "all ages",
    **{("COMPOSITE_BREAKDOWN", f"IHR_{n:02}"): "an IHR core capacity, not people" for n in range(1, 14)},
    ("COMPOSITE_BREAKDOWN", "_T"): "no breakdown",
}
GROUP_DIMENSIONS = ("SEX", "AGE", "URBANISATION", "DISABILITY_STATUS", "INCOME_WEALTH_QUANTILE", "COMPOSITE_BREAKDOWN")


@real
def test_every_group_code_of_the_rwanda_data_is_mapped_or_left_out_on_purpose():
    used = set()
    for _, element in ET.iterparse(RWANDA):
        used |= {(d, element.get(d)) for d in GROUP_DIMENSIONS if d in element.attrib}
    ages = {(d, v) for d, v in used if d == "AGE" and v != "_T"}
    assert used - ages == set(RWANDA_MAPPED) | set(RWANDA_NOT_A_GROUP)
    for (dimension, value), groups in RWANDA_MAPPED.items():
        assert groups_of(dimension, value) == groups
    for dimension, value in RWANDA_NOT_A_GROUP:
        assert groups_of(dimension, value) == set(), (dimension, value)
    for dimension, value in ages:  # each read in FILE_AGES; mapped when it has a group
        assert groups_of(dimension, value) == FILE_AGES[value][1], value


@real
def test_the_code_lists_give_the_groups_their_names_say():
    """F 'Female', R 'Rural', PD 'Persons with disability', Q1 'Quintile 1 (poorest)' and the three migrant
    composite breakdowns. Not the bottom 40% or 50% (B40, B50): they are not the poorest 20%."""
    sdmx = {(d, v, g) for d, v, g in mapping() if d in GROUP_DIMENSIONS and d != "AGE"}
    assert sdmx == {("SEX", "F", "women"), ("URBANISATION", "R", "rural"), ("DISABILITY_STATUS", "PD", "disability"),
                    ("INCOME_WEALTH_QUANTILE", "Q1", "poorest"), ("COMPOSITE_BREAKDOWN", "MS_MIGRANT", "migrants"),
                    ("COMPOSITE_BREAKDOWN", "MS_EUMIGRANT", "migrants"),
                    ("COMPOSITE_BREAKDOWN", "MS_NONEUMIGRANT", "migrants")}


# ---------------------------------------------------------------------------------------------
# UK Open SDG files: Disability status and Country of birth

UK_VALUES = {
    ("Disability status", "Disabled"): {"disability"},
    ("Disability status", "Disabled (GSS harmonised)"): {"disability"},
    ("Disability status", "Non-disabled (GSS harmonised)"): set(),
    ("Disability status", "Not disabled"): set(),
    ("Country of birth", "Not born in UK"): {"migrants"},
    ("Country of birth", "Not born in the UK"): {"migrants"},
    ("Country of birth", "Born in EU (Non-UK)"): {"migrants"},  # born abroad, in the EU
    ("Country of birth", "Not born in EU (Non-UK)"): {"migrants"},  # born abroad, outside the EU
    ("Country of birth", "Born in UK"): set(),
    ("Country of birth", "Born in the UK"): set(),
    ("Urban or Rural", "Rural"): {"rural"}, ("Urban or Rural", "Urban"): set(),
    ("Sex", "Female"): {"women"}, ("Sex", "Male"): set(),
}


@real
def test_the_uk_files_values_are_mapped_as_reasoned():
    found = set()
    for path in sorted(UK.glob("*.csv")):
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
            found |= {(d, row[d]) for d, _ in UK_VALUES if row.get(d)}
    assert found == set(UK_VALUES)
    for (dimension, value), groups in UK_VALUES.items():
        assert groups_of(dimension, value) == groups, (dimension, value)
    assert groups_of("Age", "16 to 24") == {Y} and groups_of("Age", "65 and over") == {O}


# ---------------------------------------------------------------------------------------------
# the files themselves

FORMER_HAND_LIST = """Sex,FEMALE,women|SEX,F,women|Disability status,PD,disability|DISABILITY_STATUS,PD,disability
Location,RURAL,rural|URBANISATION,R,rural|Quantile,Q1,poorest|INCOME_WEALTH_QUANTILE,Q1,poorest
Migratory status,MIGRANT,migrants|Age,15-24,youth|AGE,Y15T24,youth|Age,65+,older|AGE,Y_GE65,older
Ethnicity,INDIGENOUS,indigenous|Sex,Female,women|Disability status,Disabled,disability
Disability status,Disabled (GSS harmonised),disability|Urban or Rural,Rural,rural
Country of birth,Not born in UK,migrants|Country of birth,Not born in the UK,migrants|Age,16 to 24,youth
Age,65 to 74,older|Age,75 and over,older|Age,65 and over,older|AGE,Y16T24,youth"""


def test_the_former_hand_list_is_kept():
    former = {tuple(r.split(",")) for r in re.split(r"[|\n]", FORMER_HAND_LIST)}
    assert len(former) == 25
    assert former <= mapping()


def test_every_row_has_a_reason_a_known_group_and_a_unique_key():
    with open(REFERENCE / "groups.csv", encoding="utf-8", newline="") as f:
        groups = list(csv.DictReader(f))
    with open(REFERENCE / "group_mapping.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["dimension", "dim_value", "group_id", "reason"]
    keys = [(r["dimension"], r["dim_value"], r["group_id"]) for r in rows]
    assert len(keys) == len(set(keys)) and keys == sorted(keys)
    assert all(r["reason"].strip() for r in rows)
    assert {r["group_id"] for r in rows} <= {g["group_id"] for g in groups}
    assert len({g["sort"] for g in groups}) == len(groups)
    by_id = {g["group_id"]: g for g in groups}
    assert by_id["children"]["label"] == "Children (under 18)"
    assert by_id["older"]["label"] == "Older persons (60+)" and "60" in by_id["older"]["definition"]


@real
def test_the_csv_files_are_what_the_script_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("build_group_mapping", ROOT / "scripts" / "build_group_mapping.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.build(REALDATA, tmp_path)
    for name in ("group_mapping.csv", "groups.csv"):
        assert (tmp_path / name).read_bytes() == (REFERENCE / name).read_bytes(), name
