"""Build data/reference/group_mapping.csv (dimension, dim_value, group_id, reason) and groups.csv from the
official code lists and the spellings seen in real SDG data, not from a hand list. Run after changing
the rules below or the files they read:
    python scripts/build_group_mapping.py [--realdata ../shared/realdata] [--out data/reference]
Sources, each row saying which gave it:
(a) the code lists of the SDG data structure (Rwanda's DSD, RWA_2025_SDG_DSD.xml; its code lists are
    the IAEG-SDGs ones): a code is chosen by its name, and every CL_AGE code is read as an age range;
(b) the UN Global SDG database export's spellings (its column headers as dimension names);
(c) national spellings (UK Open SDG), kept from the former hand list, and the ONS split of the
    non-UK-born (born in the EU / outside it);
and every Age value in the shared real files' Age columns (UN exports, Open SDG csv).
One value may give several groups (Y15T17: youth and children), so the key is (dimension, dim_value,
group_id). The output is sorted and has no timestamps: a rebuild with no change gives the same bytes."""

import argparse
import csv
import io
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gapmonitor.ages import age_groups, age_range  # noqa: E402

REALDATA = ROOT.parent / "shared" / "realdata"
OUT = ROOT / "data" / "reference"
DSD = "open_sdg_rwanda/RWA_2025_SDG_DSD.xml"
# Indicator data files whose columns are dimensions (citizen_data/ holds raw records: its wp_age is the
# age of a water point, not of people).
DATA_FILES = ("un_sdg_global_db/*.csv", "open_sdg_uk/data/*.csv", "peer_sdg_build/data/**/*.csv")
SDMX_FILES = ("open_sdg_rwanda/*Data*.xml", "peer_sdg_build/data/sdmx/**/*structure-specific.xml")
STRUCTURE = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}"
COMMON = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common}"

# The vocabulary of groups (population_group): group_id, label, sort, definition. Children sit before
# youth and older persons, in life-course order.
GROUPS = [
    ("total", "Total (all people)", 0,
     "The headline value, not disaggregated: whether there is any data at all, the baseline for each group's gap"),
    ("women", "Women and girls", 1, "Observations for females (Sex = female)"),
    ("disability", "Persons with disabilities", 2, "Observations for persons with disabilities (Disability status)"),
    ("rural", "Rural population", 3, "Observations for rural areas (Location / urbanisation = rural)"),
    ("poorest", "Poorest 20%", 4, "Observations for the bottom wealth or income quintile (Quantile = Q1)"),
    ("migrants", "Migrants", 5, "Observations for international migrants or the foreign-born (Migratory status)"),
    ("children", "Children (under 18)", 6, ("Observations for an age band wholly under 18 (the Convention on "
                                            "the Rights of the Child: a child is a person below 18)")),
    ("youth", "Youth (15-24)", 7, "Observations for an age band wholly within 15 to 24 (the UN definition of youth)"),
    ("older", "Older persons (60+)", 8, ("Observations for an age band from 60 up, 65+ bands included (the UN "
                                         "defines older persons as aged 60 or over: UN DESA, Madrid Plan of "
                                         "Action on Ageing)")),
    ("indigenous", "Indigenous peoples", 9, "Observations for indigenous peoples (Ethnicity / indigenous status)"),
]

# (a) Which code of a dimension's code list names a group, judged by the code's name. Not chosen on
# purpose: the totals (_T), the other half of each breakdown (M, U, PWD, Q2-Q5, MS_NOMIGRANT) and
# INCOME_WEALTH_QUANTILE B40/B50 "Bottom 40%/50%": they are not the poorest 20%, and a value for the
# bottom 40% says nothing of the bottom quintile alone. Migrant status is no dimension of this DSD:
# it is a COMPOSITE_BREAKDOWN ("Migrant Status: ..."); the DSD has no ethnicity or indigenous codes.
CODE_RULES = [
    ("SEX", "women", lambda name: name == "Female"),
    ("URBANISATION", "rural", lambda name: name == "Rural"),
    ("DISABILITY_STATUS", "disability", lambda name: name == "Persons with disability"),
    ("INCOME_WEALTH_QUANTILE", "poorest", lambda name: "(poorest)" in name),
    ("COMPOSITE_BREAKDOWN", "migrants", lambda name: re.fullmatch(r"Migrant Status: (EU |Non-EU )?Migrant", name)),
]
UN_EXPORT = "UN Global SDG database export spelling"
UK = "UK Open SDG spelling"
REVIEWED = "UN export spelling (reviewed list)"
# (b) and (c): (dimension as the file's column header, value, group, whose spelling).
SPELLINGS = [
    ("Sex", "FEMALE", "women", UN_EXPORT),
    ("Location", "RURAL", "rural", UN_EXPORT),
    ("Disability status", "PD", "disability", UN_EXPORT),
    ("Quantile", "Q1", "poorest", UN_EXPORT),
    ("Migratory status", "MIGRANT", "migrants", UN_EXPORT),
    ("Ethnicity", "INDIGENOUS", "indigenous", UN_EXPORT),
    ("Sex", "Female", "women", UK),
    ("Disability status", "Disabled", "disability", UK),
    ("Disability status", "Disabled (GSS harmonised)", "disability", UK),
    ("Urban or Rural", "Rural", "rural", UK),
    ("Country of birth", "Not born in UK", "migrants", UK),
    ("Country of birth", "Not born in the UK", "migrants", UK),
    # The ONS split of the non-UK-born: born in the EU, and born outside both the UK and the EU.
    ("Country of birth", "Born in EU (Non-UK)", "migrants", UK + ", born abroad (in the EU)"),
    ("Country of birth", "Not born in EU (Non-UK)", "migrants", UK + ", born abroad (outside the UK and the EU)"),
]
# Age spellings reviewed by hand, beyond those in the shared files: the UN export's common ones and
# Open SDG/UK ones. Values giving no group (15+, 15-64, 16 and over) give no row and are not listed.
AGE_SPELLINGS = [
    ("15-24", REVIEWED), ("15-19", REVIEWED), ("20-24", REVIEWED), ("18-24", REVIEWED),
    ("15-17", REVIEWED), ("<15", REVIEWED), ("<5", REVIEWED), ("<18", REVIEWED), ("0-17", REVIEWED),
    ("5-14", REVIEWED), ("5-17", REVIEWED), ("60+", REVIEWED), ("65+", REVIEWED), ("65-74", REVIEWED),
    ("75+", REVIEWED), ("80+", REVIEWED),
    ("16 to 24", UK), ("65 and over", UK), ("75 and over", UK), ("65 to 74", UK), ("Under 16", UK),
]
AGE_COLUMNS = ("AGE", "Age")  # SDMX's dimension; the UN export's and Open SDG's column


def codelists(realdata: Path) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Each DSD dimension's code list: its id, and its codes as (id, English name) in the list's order."""
    root = ET.parse(realdata / DSD).getroot()
    lists = {cl.get("id"): [(c.get("id"), c.findtext(f"{COMMON}Name")) for c in cl.findall(f"{STRUCTURE}Code")]
             for cl in root.iter(f"{STRUCTURE}Codelist")}
    dimensions = {}
    for dim in root.iter(f"{STRUCTURE}Dimension"):
        ref = dim.find(f"{STRUCTURE}LocalRepresentation/{STRUCTURE}Enumeration/Ref")
        if dim.get("id") and ref is not None:
            dimensions[dim.get("id")] = (ref.get("id"), lists[ref.get("id")])
    return dimensions


def seen_values(realdata: Path) -> dict[tuple[str, str], list[str]]:
    """(dimension, value) -> the data files it is written in: CSV columns as headers say them ("[Sex]" is
    Sex), SDMX dimensions as the attributes of StructureSpecificData series (SEX="F")."""
    seen: dict[tuple[str, str], set[str]] = {}
    for pattern in DATA_FILES:
        for path in sorted(realdata.glob(pattern)):
            for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
                for column, value in row.items():
                    if column and value:
                        key = (column.strip().strip("[]"), value.strip())
                        seen.setdefault(key, set()).add(str(path.relative_to(realdata)))
    for pattern in SDMX_FILES:
        for path in sorted(realdata.glob(pattern)):
            for _, element in ET.iterparse(path):
                if element.tag.rsplit("}", 1)[-1] in ("Series", "Obs"):
                    for dimension, value in element.attrib.items():
                        seen.setdefault((dimension, value), set()).add(str(path.relative_to(realdata)))
    return {key: sorted(files) for key, files in seen.items()}


def describe(band: tuple[float, float | None]) -> str:
    """An age band in words, in years (months are twelfths: 59 months is 4.917)."""
    lo, hi = band
    if hi is None:
        return f"ages {lo:g} and over"
    return f"age {lo:g}" if lo == hi else f"ages {lo:g} to {hi:.4g}"


def rows(realdata: Path) -> list[tuple[str, str, str, str]]:
    """Every mapping row (dimension, dim_value, group_id, reason), sorted."""
    seen = seen_values(realdata)
    dimensions = codelists(realdata)

    def where(dimension, value):
        files = seen.get((dimension, value))
        if not files:
            return "not in the shared real files"
        more = f" and {len(files) - 3} more" if len(files) > 3 else ""
        return f"seen in {', '.join(files[:3])}{more}"

    table = []
    for dimension, group, chosen in CODE_RULES:
        listed, codes = dimensions[dimension]
        table += [(dimension, code, group, f"{listed} {code} '{name}'; {where(dimension, code)}")
                  for code, name in codes if chosen(name)]
    table += [(dimension, value, group, f"{whose}; {where(dimension, value)}")
              for dimension, value, group, whose in SPELLINGS]

    ages: dict[tuple[str, str], list[str]] = {}  # (dimension, age value) -> what gives it
    listed, codes = dimensions["AGE"]
    for code, name in codes:
        ages[("AGE", code)] = [f"{listed} {code} '{name}'"]
        ages[("Age", code)] = [f"{listed} code, as UN exports write some ages (unsdg_4.2.1: M36T47)"]
    for value, whose in AGE_SPELLINGS:
        ages.setdefault(("Age", value), []).append(whose)
    for dimension, value in seen:
        if dimension in AGE_COLUMNS:
            ages.setdefault((dimension, value), [])
    for (dimension, value), sources in ages.items():
        band = age_range(value)
        why = "; ".join([*sources, where(dimension, value)])
        table += [(dimension, value, group, f"{describe(band)}: {why}") for group in age_groups(*band)] if band else []
    return sorted(table)


def write(path: Path, header: list[str], table: list[tuple]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(header)
        out.writerows(table)


def build(realdata: Path = REALDATA, out: Path = OUT) -> None:
    """Write group_mapping.csv and groups.csv into `out`."""
    write(out / "group_mapping.csv", ["dimension", "dim_value", "group_id", "reason"], rows(realdata))
    write(out / "groups.csv", ["group_id", "label", "sort", "definition"], GROUPS)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realdata", type=Path, default=REALDATA)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    build(args.realdata, args.out)
