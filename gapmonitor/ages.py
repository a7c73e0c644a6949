"""Age values as ranges, and the population groups a range belongs to (pure: no database).

`age_range` reads the spellings SDG data uses for an age band and gives (lo, hi) in years, both
inclusive, in completed years: "15-24" is (15, 24), people aged 15 to 24; an open upper end is
None ("65+" is (65, None)). Spellings read (case and spaces do not matter):
- SDMX codes of CL_AGE: `Y15T24`, `Y_GE65` (65 and over), `Y_LT15` (under 15), `Y30`
  (one year of age; `Y0` is "under 1 year old"), months `M0`, `M12T23`, `M36T59`;
- UN Global SDG database exports: `15-24`, `15+`, `<15`, `<5`, `0-17`, `65-74`, `<5Y`, `<1M`...;
- national (Open SDG, UK): "16 to 24", "65 and over", "75 and over", "Under 16", "15 and under",
  "16 and over", "15 years old and over".
"under a" / "<a" is (0, a-1): ages are completed years, so under 15 is 0 to 14 (CL_AGE names Y0T14
"under 15 years old"). Months are turned into years by dividing by 12 (M36T59 is (3, 59/12)), so
any month code is a child's age. Not an age range, so None: the totals and placeholders (`_T`,
`ALLAGE`, "All ages", "Total", blank), the unknown/not available/non-response codes (`_U`, `_X`,
`_N`, `_Z`), anything else not read, and a range whose lower end is above its upper end.

`age_groups` gives the groups a range lies in, with these edges (a range straddling an edge, such as
15-64, 10-24, 18+, gives no group: its value mixes people in and out of the group):
- youth: 15 <= lo and hi <= 24 (the UN's definition of youth, 15 to 24; national definitions such
  as Rwanda's 16-30 are wider and do not count);
- children: hi < 18 (the Convention on the Rights of the Child: under 18), open upper ends never;
- older persons: lo >= 60 (the UN's definition, UN DESA and the Madrid Plan of Action on Ageing;
  so every 65+ band counts too).
A range may lie in two groups: 15-17 is youth and children.
"""

import re

YOUTH = (15, 24)
CHILD_BELOW = 18
OLDER_FROM = 60

# Totals and placeholders: written where a value is not broken down by age, or its age is unknown.
NOT_AGES = {"", "_T", "_U", "_X", "_N", "_Z", "ALLAGE", "ALL AGES", "ALL", "TOTAL", "NOT STATED",
            "UNKNOWN"}

_N = r"(\d{1,3})"
_UNIT = r"\s*(y|yrs?|years?|m|months?)?(?:\s+old)?"
_OPEN = r"(?:\+|and over|and above|or over|or more|and older|or older)"
_UNDER = r"(?:and under|or under|and younger|or younger|and below|or less)"
_SDMX = [  # (pattern, unit, how the numbers give (lo, hi))
    (rf"Y{_N}T{_N}", "y", lambda a, b: (a, b)),
    (rf"M{_N}T{_N}", "m", lambda a, b: (a, b)),
    (rf"Y_GE{_N}", "y", lambda a: (a, None)),
    (rf"Y_LT{_N}", "y", lambda a: (0, a - 1)),
    (rf"Y{_N}", "y", lambda a: (a, a)),
    (rf"M{_N}", "m", lambda a: (a, a)),
]
_TEXT = [  # the unit, if written, is the last group
    (rf"{_N}\s*(?:-|to)\s*{_N}{_UNIT}", lambda a, b: (a, b)),
    (rf"{_N}{_UNIT}\s*{_OPEN}", lambda a: (a, None)),
    (rf"(?:<|under|less than|below)\s*{_N}{_UNIT}", lambda a: (0, a - 1)),
    (rf"{_N}{_UNIT}\s*{_UNDER}", lambda a: (0, a)),
    (rf"{_N}{_UNIT}", lambda a: (a, a)),
]


def age_range(text: str | None) -> tuple[float, float | None] | None:
    """The age band a value names, as (lo, hi) in completed years (hi None: open), or None when it
    is not an age range (a total, unknown, or not read)."""
    if text is None:
        return None
    raw = " ".join(str(text).split())
    if raw.upper() in NOT_AGES:
        return None
    for pattern, unit, band in _SDMX:
        match = re.fullmatch(pattern, raw.upper())
        if match:
            return _years(band(*map(int, match.groups())), unit)
    lowered = raw.lower().replace("–", "-").replace("—", "-")
    for pattern, band in _TEXT:
        match = re.fullmatch(pattern, lowered)
        if match:
            *numbers, unit = match.groups()
            return _years(band(*map(int, numbers)), "m" if unit and unit.startswith("m") else "y")
    return None


def _years(band: tuple[int, int | None], unit: str) -> tuple[float, float | None] | None:
    lo, hi = band
    if hi is not None and (hi < lo or hi < 0):
        return None
    scale = 12 if unit == "m" else 1
    return lo / scale, None if hi is None else hi / scale


def age_groups(lo: float, hi: float | None) -> set[str]:
    """The population groups an age band lies wholly in (see the module's edge rules)."""
    groups = set()
    if YOUTH[0] <= lo and hi is not None and hi <= YOUTH[1]:
        groups.add("youth")
    if hi is not None and hi < CHILD_BELOW:
        groups.add("children")
    if lo >= OLDER_FROM:
        groups.add("older")
    return groups
