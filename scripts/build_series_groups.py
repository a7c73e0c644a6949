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
The rules of layers 1-5 (DISAGGREGATION, RULES, VETOES, AGE_RANGES, INDICATOR_RULES, EXCEPTIONS, groups_of)
are in gapmonitor/group_suggestions.py: the app suggests a group for an unmapped series with the same rules.
Usage: python scripts/build_series_groups.py [series_list.csv] [out.csv]
"""

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The rules (layers 1-5 above) live in the app, so that the Data page suggests groups with the same words.
from gapmonitor.group_suggestions import groups_of  # noqa: E402

SERIES_LIST = ROOT.parent / "shared" / "realdata" / "sdg_framework" / "unsd_sdg_series_2022Q1.csv"
OUT = ROOT / "data" / "reference" / "series_groups.csv"

# Series of a later release than 2022.Q1, seen in a real export (un_sdg_global_db/unsdg_Goal5_export.csv):
# ILO's managerial-positions series under the 19th ICLS definitions. (indicator, series, description as published)
LATER_SERIES = [
    ("5.5.2", "IC_GEN_MGTL_19ICLS", "Proportion of women in managerial positions - 19th ICLS (%)"),
    ("5.5.2", "IC_GEN_MGTN_19ICLS", "Proportion of women in senior and middle management positions - 19th ICLS (%)"),
]


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
