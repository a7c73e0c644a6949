"""The series-groups table (data/reference/series_groups.csv): every series of the official UN list has a group
or is total-only on purpose, the named cases follow their official descriptions, and the table is what
scripts/build_series_groups.py writes."""

import csv
import importlib.util
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"  # as tests/conftest.py defines it
SERIES_LIST = REALDATA / "sdg_framework" / "unsd_sdg_series_2022Q1.csv"
GOAL5_EXPORT = REALDATA / "un_sdg_global_db" / "unsdg_Goal5_export.csv"
TABLE = ROOT / "data" / "reference" / "series_groups.csv"
needs_realdata = pytest.mark.skipif(not SERIES_LIST.is_file(), reason="../shared/realdata is absent (a fresh clone)")


def script():
    spec = importlib.util.spec_from_file_location("build_series_groups", ROOT / "scripts" / "build_series_groups.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows() -> list[dict]:
    with open(TABLE, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def groups() -> dict[str, set[str]]:
    """series -> its groups; a total-only series -> {""}."""
    found = defaultdict(set)
    for row in rows():
        found[row["series"]].add(row["group_id"])
    return found


def official() -> dict[str, str]:
    """series code -> description, from the official list (a series under several indicators is one code)."""
    with open(SERIES_LIST, encoding="utf-8-sig", newline="") as f:
        return {r["series_code"].strip(): r["series_description"].strip() for r in csv.DictReader(f)}


def test_the_table_has_its_columns_one_row_per_series_and_group_and_a_reason_on_each():
    table = rows()
    assert list(table[0]) == ["series", "group_id", "reason"]
    keys = [(r["series"], r["group_id"]) for r in table]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    assert all(r["reason"].strip() for r in table)


def test_a_series_is_either_total_only_once_or_has_groups():
    for series, found in groups().items():
        assert "" not in found or found == {""}, series


def test_every_group_is_in_the_vocabulary():
    with open(ROOT / "data" / "reference" / "groups.csv", encoding="utf-8", newline="") as f:
        vocabulary = {r["group_id"] for r in csv.DictReader(f)} | {"children"}
    # "total" is what an empty group_id means here: it is never written as a group by definition
    assert {r["group_id"] for r in rows()} - {""} <= vocabulary - {"total"}


@needs_realdata
def test_every_official_series_is_in_the_table_and_nothing_else_but_the_later_series():
    codes = set(official())
    assert len(codes) == 606  # the README of realdata: 663 rows, 606 distinct series
    later = {code for _, code, _ in script().LATER_SERIES}
    assert not later & codes
    assert set(groups()) == codes | later


@needs_realdata
def test_a_reason_quoting_the_description_quotes_its_words():
    descriptions = official() | {code: d for _, code, d in script().LATER_SERIES}
    for row in rows():
        m = re.match(r'description: "(?:\.\.\.)?(.*?)(?:\.\.\.)?" \(', row["reason"])
        if m:
            assert m.group(1) in descriptions[row["series"]], row


# Expected from the official descriptions (and the decisions in the script's comments), not from a run.
NAMED = {
    "SI_COV_DISAB": {"disability"},  # "population with severe disabilities receiving disability cash benefit"
    "SI_COV_PENSN": {"older"},  # "above statutory pensionable age receiving a pension"
    "SI_COV_MATNL": {"women"},  # "mothers with newborns receiving maternity cash benefit": the mothers are counted
    "SI_COV_CHLD": {"children"},  # "children/households receiving child/family cash benefit"
    "SI_COV_POOR": {"poorest"},  # "poor population receiving social assistance"
    "SL_TLF_NEET": {"youth"},  # 8.6.1 "youth not in education, employment or training"
    "SL_CPA_YEMP": {"youth"},  # 8.b.1 a national strategy for youth employment: a policy for youth
    "SD_MDP_ANDI": {"poorest"},  # deprivations "for people multidimensionally poor": the poor are the population
    "SD_MDP_CSMP": {"children"},  # "children living in child-specific multidimensional poverty"
    "SH_STA_MORT": {"women"},  # "Maternal mortality ratio"
    "SH_STA_BRTC": {"women"},  # reviewed: births attended are care given to women at delivery
    "SH_DYN_MORT": {"children"},  # "Under-five mortality rate, by sex"
    "SP_DYN_ADKL": {"women", "children", "youth"},  # "women aged 15-19 and 10-14": 10-14 under 18, 15-19 youth
    "SP_DYN_MRBF18": {"women", "youth"},  # "women aged 20-24 years": within 15-24
    "SH_FPL_INFM": {"women"},  # "% of women aged 15-49 years": not within youth
    "SE_GPI_PART": {"women"},  # a gender parity index: girls' (women's) situation relative to boys'
    "SE_GPI_ICTS": {"women"},  # gender parity "for youth/adults": everyone 15+, so not youth
    "SE_TOT_RUPI": {"rural", "children"},  # rural to urban parity, of 4.1.1 proficiency (children in school)
    "SE_AWP_CPRA": {"poorest"},  # wealth parity index: poorest over richest
    "SE_NAP_ACHI": {"migrants", "children"},  # immigration status parity, of 4.1.1 proficiency
    "SI_RMT_COST": {"migrants"},  # remittance costs: paid by migrants sending money home (target 10.c)
    "SM_POP_REFG_OR": {"migrants"},  # "Number of refugees"
    "SP_ROD_R2KM": {"rural"},  # "rural population who live within 2 km of an all-season road"
    "SG_GEN_PARLNT": {"women"},  # all seats, the denominator of 5.5.1 (seats held by women): its indicator's own
    "SG_LGL_GENEQVAW": {"women"},  # legal frameworks for gender equality, "violence against women"
    "SG_DMK_PARLMP_LC": {"women"},  # "Ratio for female members of parliaments"
    "SH_ACS_HPV": {"women", "children"},  # reviewed: HPV vaccination's target population is girls
}
TOTAL_ONLY = {
    "AG_LND_FRST": "Forest area as a proportion of total land area: a thing, not people",
    "TM_TAX_WMFN": "a tariff average: a thing, not people",
    "SI_POV_DAY1": "population below the international poverty line: everyone against a threshold",
    "SI_POV_NAHC": "population below the national poverty line: everyone against a threshold",
    "SD_MDP_MUHC": "population living in multidimensional poverty: everyone, poverty is the outcome",
    "SL_TLF_UEMDIS": "Unemployment rate, by sex and disability: disability is a dimension",
    "SH_SAN_SAFE": "by urban/rural: location is a dimension",
    "SL_DOM_TSPD": "time on unpaid work, by sex, age and location: women's values come from the Sex dimension",
    "SH_LGR_ACSRHE": "equal access for women and men: not women only",
    "SE_ADT_ACTS": "youth and adults with ICT skills: everyone aged 15 and over",
    "SG_DMK_PARLYP_LC": "youth in parliament means age 45 or below, not 15-24",
    "BX_TRF_PWKR": "volume of remittances over GDP: the receiving economy, not migrants",
}


@pytest.mark.parametrize("series", NAMED)
def test_named_series_measure_their_group(series):
    assert groups()[series] == NAMED[series]


@pytest.mark.parametrize("series", TOTAL_ONLY)
def test_named_series_are_total_only(series):
    assert groups()[series] == {""}, TOTAL_ONLY[series]


def test_children_and_young_people_of_4_1_1_are_children_not_youth():
    # 4.1.1's "children and young people" are pupils up to the end of lower secondary
    assert groups()["SE_TOT_PRFL"] == {"children"}


def test_every_ic_gen_and_sg_gen_series_is_women():
    found = groups()
    gen = [s for s in found if s.startswith(("IC_GEN_", "SG_GEN_"))]
    assert len(gen) >= 7  # 2022.Q1: IC_GEN_MGTL, IC_GEN_MGTN and five SG_GEN_ series
    assert all("women" in found[s] for s in gen), [s for s in gen if "women" not in found[s]]


@needs_realdata
def test_every_gen_series_of_the_goal5_export_is_women():
    if not GOAL5_EXPORT.is_file():
        pytest.skip("the Goal 5 export is absent")
    with open(GOAL5_EXPORT, encoding="utf-8-sig", newline="") as f:
        exported = {r["SeriesCode"].strip(): r["SeriesDescription"].strip() for r in csv.DictReader(f)}
    gen = {code for code in exported if code.startswith(("IC_GEN_", "SG_GEN_"))}
    assert gen, "the export has IC_GEN_ and SG_GEN_ series"
    found = groups()
    assert [code for code in sorted(gen) if "women" not in found.get(code, set())] == []
    # the later series the script adds are typed as the export publishes them
    for _, code, description in script().LATER_SERIES:
        assert exported[code] == description


@needs_realdata
def test_the_committed_table_is_what_the_script_writes(tmp_path):
    out = tmp_path / "series_groups.csv"
    script().build(SERIES_LIST, out)
    assert out.read_bytes() == TABLE.read_bytes(), "run: python scripts/build_series_groups.py"
