"""Build data/reference/series_groups.csv: the population group(s) each UN SDG series measures by definition.

Input: the official series list of the UN Global SDG Indicators Database, release 2022.Q1.G.03
(../shared/realdata/sdg_framework/unsd_sdg_series_2022Q1.csv, as the database's API listed it: 663 rows,
606 distinct series). A series serving several indicators (VC_DSR_* under 1.5.1, 11.5.1 and 13.1.1) is one
series: it is kept once, with all its indicators. LATER_SERIES adds the few series of a later release that a
real export carries (the Goal 5 export), typed below with their published descriptions.

Output: one row per (series, group) for a series whose definition restricts it to a group, and one row with
an empty group_id for a series that is total-only on purpose (it measures everyone, maybe split by
dimensions such as "by sex", or a thing that is not people: forests, tariffs, waste). Every row has a reason.
Groups: data/reference/groups.csv, plus `children` (persons under 18).

Method, in order (first layer that speaks wins, for each group):
  1. A series' disaggregation clause ("by sex, age and location") is cut from its description: it names
     dimensions the values are split by, not a group the series is about.
  2. RULES: regular expressions on what remains, one group each; VETOES cancel a group a rule would give.
  3. Age ranges in years ("women aged 20-24 years"): under 18 -> children; within 15-24 -> youth; 60 up -> older.
  4. INDICATOR_RULES: an indicator whose own title names a group gives it to all its series.
  5. EXCEPTIONS: reviewed series whose groups the words get wrong; they replace layers 2-4.
Usage: python scripts/build_series_groups.py [series_list.csv] [out.csv]
"""

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERIES_LIST = ROOT.parent / "shared" / "realdata" / "sdg_framework" / "unsd_sdg_series_2022Q1.csv"
OUT = ROOT / "data" / "reference" / "series_groups.csv"

# Series of a later release than 2022.Q1, seen in a real export (un_sdg_global_db/unsdg_Goal5_export.csv):
# ILO's managerial-positions series under the 19th ICLS definitions. (indicator, series, description as published)
LATER_SERIES = [
    ("5.5.2", "IC_GEN_MGTL_19ICLS", "Proportion of women in managerial positions - 19th ICLS (%)"),
    ("5.5.2", "IC_GEN_MGTN_19ICLS", "Proportion of women in senior and middle management positions - 19th ICLS (%)"),
]

# The dimensions a "by ..." clause lists: such a series measures everyone and is split by them.
_DIMENSION = (r"(?:sex|age(?!\s*\d)|location|urban/rural|disability|wealth quintile|education level|migrant status"
              r"|grounds of discrimination|sector|occupation|type of (?:skill|occupation)|cause of death)")
DISAGGREGATION = re.compile(rf"\bby {_DIMENSION}(?:(?:,|,? and)?\s+{_DIMENSION})*", re.IGNORECASE)

# (pattern, group, why): matched, case-insensitive, on the description without its disaggregation clause.
RULES = [
    # Women and girls; mothers and maternal health are women's ("mothers with newborns": the benefit and the
    # persons counted are the mothers, so SI_COV_MATNL is women, not children).
    (r"\b(women|woman|girls?|females?|mothers?|maternal|maternity|pregnant)\b", "women", "names women or girls"),
    # Gender parity indices (SE_GPI_*, SE_TOT_GPI...) put girls' (women's) value over boys' (men's): they measure
    # the situation of women and girls relative to men and boys. Gender-equality frameworks (target 5.1) likewise.
    (r"\bgender (parity|equality)\b", "women", "a gender parity or gender equality measure"),
    (r"\bdisabilit(y|ies)\b|\bdisabled\b", "disability", "names persons with disabilities"),
    # Rural people; a rural-to-urban or location parity index (UIS: rural over urban) is about rural people.
    (r"\brural\b", "rural", "names the rural population"),
    (r"\blocation parity index\b", "rural", "a location (rural/urban) parity index"),
    # The poor as the population measured ("poor population", "people multidimensionally poor"), or a wealth /
    # socio-economic parity index (poorest over richest). Not "below the poverty line": that measures everyone
    # against a threshold, so SI_POV_DAY1 is total-only (its poor share is the outcome, not the population).
    (r"\bpoor(est)?\b|\bbottom 40\b", "poorest", "names the poor as the population measured"),
    (r"\b(wealth|socio-economic) parity\b", "poorest", "a wealth or socio-economic parity index"),
    # Migrants, refugees, immigrants, migration. Remittance costs are paid by migrants sending money home
    # (target 10.c: "migrant remittances"); the volume of remittances over GDP (BX_TRF_PWKR) describes the
    # receiving economy, not migrants, and has no rule.
    (r"\bmigra(nt|nts|tion)\b|\brefugees?\b|\bimmigra\w*", "migrants", "names migrants, refugees or migration"),
    (r"\bremittance costs\b", "migrants", "the cost migrants pay to send remittances"),
    # Youth; a youth employment strategy (8.b.1) is a policy for youth and counts (like migration policies).
    (r"\byouth\b", "youth", "names youth"),
    (r"\bpensionable age\b|\bolder persons\b|\baged (60|65) (years )?(and|or) (over|older|above)\b", "older",
     "names people of pensionable age or older persons"),
    (r"\bindigenous\b", "indigenous", "names indigenous peoples"),
    # Children: under 18. Infants, under-fives and neonates are children; "children and young people" of
    # 4.1.1 are pupils up to the end of lower secondary, so children (not youth); the 4.5.1 parity indices
    # for that proficiency are measured on the same pupils; pre-primary participation (one year before
    # the official primary entry age) is of children.
    (r"\bchild(ren)?\b|\binfants?\b|\bunder[- ]five\b|\bneonatal\b", "children", "names children or infants"),
    (r"\bminimum proficiency level in reading and mathematics\b", "children",
     "4.1.1 proficiency, measured on children in school"),
    (r"\bprimary entry age\b", "children", "children one year before the primary entry age"),
]
# (pattern, group, why): a match cancels that group from RULES and age ranges.
VETOES = [
    (r"\bwomen and men\b|\bmen and women\b", "women", '"women and men" is everyone, not women only'),
    (r"\burban ?(/|and|or) ?rural\b|\brural ?(/|and|or) ?urban\b", "rural", '"urban and rural" is everyone'),
    (r"\byouth ?(/|and) ?adults\b", "youth", '"youth and adults" is everyone aged 15 and over'),
    (r"\bage 45 or below\b", "youth", '"youth" here means age 45 or below, not the UN\'s 15-24'),
]
AGE_RANGES = re.compile(r"\baged ((?:\d+\s*[-\u2013\u2212]\s*\d+)(?:\s*(?:,|and)\s*\d+\s*[-\u2013\u2212]\s*\d+)*)"
                        r"(?!\s*months)")

# The indicator's own definition: every series of these indicators measures the group (indicator, group, title).
INDICATOR_RULES = {
    "5.5.1": ("women", "Proportion of seats held by women in (a) national parliaments and (b) local governments"),
    "5.5.2": ("women", "Proportion of women in managerial positions"),
    "8.6.1": ("youth", "Proportion of youth (aged 15-24 years) not in education, employment or training"),
}

# Reviewed: series whose groups the words get wrong (series -> (groups, reason)); () means total-only.
EXCEPTIONS = {
    "SH_STA_BRTC": (("women",), "births attended by skilled personnel: the care given to women at delivery "
                                "(target 3.1, maternal mortality)"),
    "SH_ACS_DTP3": (("children",), "the target population of DTP3 is surviving infants (WHO/UNICEF)"),
    "SH_ACS_PCV3": (("children",), "the target population of PCV3 is surviving infants (WHO/UNICEF)"),
    "SH_ACS_MCV2": (("children",), "the target population of MCV2 is children at the nationally recommended age "
                                   "(second year of life or later)"),
    "SH_ACS_HPV": (("children", "women"), "the target population of HPV vaccination is girls (WHO: coverage by "
                                          "age 15, females)"),
}


def read_series(path: Path) -> dict[str, tuple[list[str], str]]:
    """Each series once: its indicators (in list order) and its description, from the official list."""
    series: dict[str, tuple[list[str], str]] = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            indicators, _ = series.setdefault(row["series_code"].strip(), ([], row["series_description"].strip()))
            indicators.append(row["indicator"].strip())
    for indicator, code, description in LATER_SERIES:
        series.setdefault(code, ([indicator], description))
    return series


def excerpt(text: str, match: re.Match, width: int = 40) -> str:
    """The matched words with some context, quoted: what in the description decides."""
    start, end = max(0, match.start() - width), min(len(text), match.end() + width)
    if start:  # whole words only
        start = text.find(" ", start - 1, match.start()) + 1 or match.start()
    stop = text.find(" ", end) if end < len(text) else -1
    end = len(text) if stop < 0 else stop
    return ("..." if start else "") + text[start:end].strip() + ("..." if end < len(text) else "")


def age_groups(text: str) -> list[tuple[str, str]]:
    """(group, why) for each age range in years that the description names."""
    found = []
    for m in AGE_RANGES.finditer(text):
        for lo, hi in re.findall(r"(\d+)\s*[-\u2013\u2212]\s*(\d+)", m.group(1)):
            lo, hi = int(lo), int(hi)
            if hi < 18:
                found.append(("children", f"ages {lo}-{hi} are under 18"))
            elif 15 <= lo and hi <= 24:
                found.append(("youth", f"ages {lo}-{hi} are within youth (15-24)"))
            elif lo >= 60:
                found.append(("older", f"ages {lo}-{hi} are older persons (60 up)"))
    return found


def groups_of(code: str, indicators: list[str], description: str) -> dict[str, str]:
    """The groups one series measures by definition, each with its reason; {"": reason} if total-only."""
    if code in EXCEPTIONS:
        groups, why = EXCEPTIONS[code]
        return {g: f"reviewed exception: {why}" for g in groups} or {"": f"total-only, reviewed: {why}"}
    # the clause is blanked, not cut, so that a match's place is its place in the official description
    text = DISAGGREGATION.sub(lambda m: " " * len(m.group(0)), description)
    vetoed = {g: why for pattern, g, why in VETOES if re.search(pattern, text, re.IGNORECASE)}
    found: dict[str, str] = {}
    for pattern, group, why in RULES:
        m = re.search(pattern, text, re.IGNORECASE)
        if m and group not in vetoed and group not in found:
            found[group] = f'description: "{excerpt(description, m)}" ({why})'
    for group, why in age_groups(text):
        if group not in vetoed and group not in found:
            found[group] = f'description: "{excerpt(description, AGE_RANGES.search(text))}" ({why})'
    for indicator in indicators:
        group, title = INDICATOR_RULES.get(indicator, (None, None))
        if group and group not in found:
            found[group] = f'indicator {indicator}: "{title}" (the indicator\'s own definition)'
    if found:
        return found
    why = [f'total-only: no group in the description "{description}"']
    clauses = [m.group(0) for m in DISAGGREGATION.finditer(description)]
    if clauses:
        why.append(f'"{"; ".join(clauses)}" names dimensions to split by, not a group')
    why += [f"{g}: {w}" for g, w in sorted(vetoed.items())]
    return {"": "; ".join(why)}


def table(series_list: Path = SERIES_LIST) -> list[tuple[str, str, str]]:
    """(series, group_id, reason) rows, sorted by series and group_id."""
    return sorted((code, group, reason) for code, (indicators, description) in read_series(series_list).items()
                  for group, reason in groups_of(code, indicators, description).items())


def build(series_list: Path = SERIES_LIST, out: Path = OUT) -> int:
    """Write the table as UTF-8 CSV; return its number of rows."""
    rows = table(series_list)
    with open(out, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["series", "group_id", "reason"])
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]]
    print(build(*args), "rows written")
