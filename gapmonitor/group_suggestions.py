"""Suggested population groups for a dimension value or a series that maps to no group (pure: no database).

A suggestion is only a suggestion: an editor decides (stewardship.map_value / map_series), and an unmapped
value counts for no group. Two sources of rules, each held once:
- dimension values: age-like dimensions (AGE, Age, "Age group"...) through gapmonitor.ages; other
  dimensions through the keyword rules VALUE_RULES below, each with its own negations ("Non-migrant",
  "Without disability" give nothing);
- series: the rules on a series' official description that build data/reference/series_groups.csv
  (scripts/build_series_groups.py imports them from here; its method is described there):
  DISAGGREGATION, RULES, VETOES, AGE_RANGES, INDICATOR_RULES, EXCEPTIONS, `groups_of`.

The reasons are English (marked for the catalogue) and written in the session's language when they are
made: outside a session (the build script, the command line) that is English, so the reference file's
reasons, stored in the database, stay English.
"""

import re

from gapmonitor import titles
from gapmonitor.ages import age_groups as _ages_groups, age_range
from gapmonitor.i18n import N_, _

# ---------------------------------------------------------------------------------------------------------------
# Series: the description rules (moved here from scripts/build_series_groups.py, unchanged)

# The dimensions a "by ..." clause lists: such a series measures everyone and is split by them.
_DIMENSION = (r"(?:sex|age(?!\s*\d)|location|urban/rural|disability|wealth quintile|education level|migrant status"
              r"|grounds of discrimination|sector|occupation|type of (?:skill|occupation)|cause of death)")
DISAGGREGATION = re.compile(rf"\bby {_DIMENSION}(?:(?:,|,? and)?\s+{_DIMENSION})*", re.IGNORECASE)

# (pattern, group, why): matched, case-insensitive, on the description without its disaggregation clause.
RULES = [
    # Women and girls; mothers and maternal health are women's ("mothers with newborns": the benefit and the
    # persons counted are the mothers, so SI_COV_MATNL is women, not children).
    (r"\b(women|woman|girls?|females?|mothers?|maternal|maternity|pregnant)\b", "women", N_("names women or girls")),
    # Gender parity indices (SE_GPI_*, SE_TOT_GPI...) put girls' (women's) value over boys' (men's): they measure
    # the situation of women and girls relative to men and boys. Gender-equality frameworks (target 5.1) likewise.
    (r"\bgender (parity|equality)\b", "women", N_("a gender parity or gender equality measure")),
    (r"\bdisabilit(y|ies)\b|\bdisabled\b", "disability", N_("names persons with disabilities")),
    # Rural people; a rural-to-urban or location parity index (UIS: rural over urban) is about rural people.
    (r"\brural\b", "rural", N_("names the rural population")),
    (r"\blocation parity index\b", "rural", N_("a location (rural/urban) parity index")),
    # The poor as the population measured ("poor population", "people multidimensionally poor"), or a wealth /
    # socio-economic parity index (poorest over richest). Not "below the poverty line": that measures everyone
    # against a threshold, so SI_POV_DAY1 is total-only (its poor share is the outcome, not the population).
    (r"\bpoor(est)?\b|\bbottom 40\b", "poorest", N_("names the poor as the population measured")),
    (r"\b(wealth|socio-economic) parity\b", "poorest", N_("a wealth or socio-economic parity index")),
    # Migrants, refugees, immigrants, migration. Remittance costs are paid by migrants sending money home
    # (target 10.c: "migrant remittances"); the volume of remittances over GDP (BX_TRF_PWKR) describes the
    # receiving economy, not migrants, and has no rule.
    (r"\bmigra(nt|nts|tion)\b|\brefugees?\b|\bimmigra\w*", "migrants", N_("names migrants, refugees or migration")),
    (r"\bremittance costs\b", "migrants", N_("the cost migrants pay to send remittances")),
    # Youth; a youth employment strategy (8.b.1) is a policy for youth and counts (like migration policies).
    (r"\byouth\b", "youth", N_("names youth")),
    (r"\bpensionable age\b|\bolder persons\b|\baged (60|65) (years )?(and|or) (over|older|above)\b", "older",
     N_("names people of pensionable age or older persons")),
    (r"\bindigenous\b", "indigenous", N_("names indigenous peoples")),
    # Children: under 18. Infants, under-fives and neonates are children; "children and young people" of
    # 4.1.1 are pupils up to the end of lower secondary, so children (not youth); the 4.5.1 parity indices
    # for that proficiency are measured on the same pupils; pre-primary participation (one year before
    # the official primary entry age) is of children.
    (r"\bchild(ren)?\b|\binfants?\b|\bunder[- ]five\b|\bneonatal\b", "children", N_("names children or infants")),
    (r"\bminimum proficiency level in reading and mathematics\b", "children",
     N_("4.1.1 proficiency, measured on children in school")),
    (r"\bprimary entry age\b", "children", N_("children one year before the primary entry age")),
]
# (pattern, group, why): a match cancels that group from RULES and age ranges.
VETOES = [
    (r"\bwomen and men\b|\bmen and women\b", "women", N_('"women and men" is everyone, not women only')),
    (r"\burban ?(/|and|or) ?rural\b|\brural ?(/|and|or) ?urban\b", "rural", N_('"urban and rural" is everyone')),
    (r"\byouth ?(/|and) ?adults\b", "youth", N_('"youth and adults" is everyone aged 15 and over')),
    (r"\bage 45 or below\b", "youth", N_('"youth" here means age 45 or below, not the UN\'s 15-24')),
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
    "SH_STA_BRTC": (("women",), N_("births attended by skilled personnel: the care given to women at delivery "
                                   "(target 3.1, maternal mortality)")),
    "SH_ACS_DTP3": (("children",), N_("the target population of DTP3 is surviving infants (WHO/UNICEF)")),
    "SH_ACS_PCV3": (("children",), N_("the target population of PCV3 is surviving infants (WHO/UNICEF)")),
    "SH_ACS_MCV2": (("children",), N_("the target population of MCV2 is children at the nationally recommended age "
                                      "(second year of life or later)")),
    "SH_ACS_HPV": (("children", "women"), N_("the target population of HPV vaccination is girls (WHO: coverage by "
                                             "age 15, females)")),
}


def excerpt(text: str, match: re.Match, width: int = 40) -> str:
    """The matched words with some context, quoted: what in the description decides."""
    start, end = max(0, match.start() - width), min(len(text), match.end() + width)
    if start:  # whole words only
        start = text.find(" ", start - 1, match.start()) + 1 or match.start()
    stop = text.find(" ", end) if end < len(text) else -1
    end = len(text) if stop < 0 else stop
    return ("..." if start else "") + text[start:end].strip() + ("..." if end < len(text) else "")


def description_age_groups(text: str) -> list[tuple[str, str]]:
    """(group, why) for each age range in years that a series description names."""
    found = []
    for m in AGE_RANGES.finditer(text):
        for lo, hi in re.findall(r"(\d+)\s*[-\u2013\u2212]\s*(\d+)", m.group(1)):
            lo, hi = int(lo), int(hi)
            if hi < 18:
                found.append(("children", _("ages {low}-{high} are under 18", low=lo, high=hi)))
            elif 15 <= lo and hi <= 24:
                found.append(("youth", _("ages {low}-{high} are within youth (15-24)", low=lo, high=hi)))
            elif lo >= 60:
                found.append(("older", _("ages {low}-{high} are older persons (60 up)", low=lo, high=hi)))
    return found


def groups_of(code: str, indicators: list[str], description: str) -> dict[str, str]:
    """The groups one series measures by definition, each with its reason; {"": reason} if total-only."""
    if code in EXCEPTIONS:
        groups, why = EXCEPTIONS[code]
        return ({g: _("reviewed exception: {why}", why=_(why)) for g in groups}
                or {"": _("total-only, reviewed: {why}", why=_(why))})
    # the clause is blanked, not cut, so that a match's place is its place in the official description
    text = DISAGGREGATION.sub(lambda m: " " * len(m.group(0)), description)
    vetoed = {g: _(why) for pattern, g, why in VETOES if re.search(pattern, text, re.IGNORECASE)}
    found: dict[str, str] = {}
    for pattern, group, why in RULES:
        m = re.search(pattern, text, re.IGNORECASE)
        if m and group not in vetoed and group not in found:
            found[group] = _('description: "{excerpt}" ({why})', excerpt=excerpt(description, m), why=_(why))
    for group, why in description_age_groups(text):
        if group not in vetoed and group not in found:
            found[group] = _('description: "{excerpt}" ({why})', excerpt=excerpt(description, AGE_RANGES.search(text)),
                             why=why)
    for indicator in indicators:
        group, title = INDICATOR_RULES.get(indicator, (None, None))
        if group and group not in found:
            found[group] = _('indicator {indicator}: "{title}" (the indicator\'s own definition)', indicator=indicator,
                             title=titles.indicator(indicator, title))
    if found:
        return found
    why = [_('total-only: no group in the description "{description}"', description=description)]
    clauses = [m.group(0) for m in DISAGGREGATION.finditer(description)]
    if clauses:
        why.append(_('"{clauses}" names dimensions to split by, not a group', clauses="; ".join(clauses)))
    why += [f"{g}: {w}" for g, w in sorted(vetoed.items())]
    return {"": "; ".join(why)}


def for_series(code: str, description: str | None, indicator: str | None = None) -> list[tuple[str, str]]:
    """(group_id, why) a series measures by its description (and its indicator's definition); [] if none."""
    indicators = [i.strip() for i in (indicator or "").split(",") if i.strip()]
    found = groups_of(code or "", indicators, (description or "").strip())
    return [(group, why) for group, why in found.items() if group]


# ---------------------------------------------------------------------------------------------------------------
# Dimension values

# A dimension named for age: AGE, Age, "Age group", AGE_GROUP, "Age band", "Age (years)"...
AGE_DIMENSION = re.compile(r"\s*age(s|d)?(\s*[_ -]?\s*(group|band|range|class|bracket|cohort)s?)?(\s*\(.*\))?\s*",
                           re.IGNORECASE)

# (group, dimension pattern or None, value pattern, negation, why): matched case-insensitive on the value
# (and the dimension's name where given, for one-letter codes such as SEX=F). A value matching the negation
# ("Non-migrant", "Not disabled", "Urban and rural") gives nothing for that group. Neighbouring halves of a
# breakdown are not guessed (M, U, Q2-Q5, "Bottom 40%": a bottom 40% is not the poorest 20%).
VALUE_RULES = [
    ("women", None, r"\b(females?|wom[ae]n|girls?|mothers?)\b", r"\b(males? and females?|men and women|women and men)\b",
     N_("names women or girls")),
    ("women", r"sex|gender", r"f", None, N_("the female code of a sex dimension")),
    ("rural", None, r"\brural\b", r"\b(non|not)[- ]?rural\b|\burban\b", N_("names rural areas")),
    ("rural", r"location|urbani[sz]ation|urban", r"r", None, N_("the rural code of a location dimension")),
    ("disability", None, r"disab", r"\b(non|not|no|without)[- ]?(a )?disab|\bnot? (have |with )?(a )?disab",
     N_("names persons with disabilities")),
    ("disability", r"disab", r"pd|pwd?d", None, N_("the code of persons with disabilities")),
    ("migrants", None, r"\bmigrants?\b|\bforeign[- ]born\b|\bnot born in\b|\bborn abroad\b|\bborn in eu\b"
                       r"|\bimmigrants?\b|\brefugees?\b",
     r"\b(non|not|no)[- ]?migrants?\b|\bnomigrant|\bnative[- ]born\b", N_("names migrants or the foreign-born")),
    ("poorest", None, r"(^|[_ ])q1$|\bquintile 1\b|\b(first|bottom|lowest|poorest) (wealth |income )?(quintile|20)"
                      r"|\bpoorest\b",
     r"\b(40|50)\s*%?", N_("the bottom wealth or income quintile")),
    ("indigenous", None, r"\bindigenous\b", r"\b(non|not)[- ]?indigenous\b", N_("names indigenous peoples")),
    ("children", None, r"\bchild(ren)?\b|\binfants?\b", None, N_("names children")),
    ("youth", None, r"\byouth\b", r"\byouth and adults\b", N_("names youth")),
    ("older", None, r"\bolder (persons|people)\b|\belderly\b", None, N_("names older persons")),
]
# Why an age band counts for a group, one sentence per group ({band}: "ages 15 to 19", from _band).
_AGE_GROUP_WHY = {
    "youth": N_('{dimension} "{value}" is {band}: it lies within youth (15 to 24)'),
    "children": N_('{dimension} "{value}" is {band}: it lies wholly under 18 (children)'),
    "older": N_('{dimension} "{value}" is {band}: it lies from 60 up (older persons)'),
}


def is_age_dimension(dimension: str) -> bool:
    """Whether a dimension's name says it holds ages (AGE, Age, "Age group"...)."""
    return bool(AGE_DIMENSION.fullmatch(dimension or ""))


def _band(lo: float, hi: float | None) -> str:
    if hi is None:
        return _("ages {low} and over", low=f"{lo:g}")
    if lo == hi:
        return _("age {age}", age=f"{lo:g}")
    return _("ages {low} to {high}", low=f"{lo:g}", high=f"{hi:.4g}")


def for_value(dimension: str, value: str) -> list[tuple[str, str]]:
    """(group_id, why) a dimension value seems to denote, sorted by group; [] if no rule speaks."""
    dimension, value = (dimension or "").strip(), (value or "").strip()
    if is_age_dimension(dimension):
        band = age_range(value)
        if band is None:
            return []
        return sorted((g, _(_AGE_GROUP_WHY[g], dimension=dimension, value=value, band=_band(*band)))
                      for g in _ages_groups(*band))
    found: dict[str, str] = {}
    for group, dim_pattern, pattern, negation, why in VALUE_RULES:
        if group in found:
            continue
        if dim_pattern and not re.search(dim_pattern, dimension, re.IGNORECASE):
            continue
        matched = (re.fullmatch(pattern, value, re.IGNORECASE) if dim_pattern
                   else re.search(pattern, value, re.IGNORECASE))
        if matched and not (negation and re.search(negation, value, re.IGNORECASE)):
            found[group] = _('{dimension} "{value}": {why}', dimension=dimension, value=value, why=_(why))
    return sorted(found.items())
