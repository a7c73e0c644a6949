"""The five gap statuses of a cell, in legend order, the words for an indicator not in this database, and
the citizen-data quality tiers: the words and colours every page uses (the rules themselves are SQL:
gapmonitor/schema/gap_rules.sql)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    code: str
    label: str
    colour: str
    meaning: str


STATUSES = (
    Status("official", "Official data", "#1f5f99",
           "At least one official observation for the group in the period."),
    Status("official_and_citizen", "Official and citizen data", "#6a4c93",
           "Official data, and citizen data that meets the quality bar, for the same cell."),
    Status("citizen_fills_gap", "Citizen data fills the gap", "#2a9d5c",
           "No official data, but citizen data that meets the quality bar."),
    Status("citizen_below_bar", "Citizen data below the quality bar", "#e9a23b",
           "No official data; the only citizen data falls below the quality bar chosen."),
    Status("no_data", "No data", "#d4d4d4",
           "Neither official nor released citizen data for the group in the period."),
)
# Not a status of a cell: an indicator with no series in the data shown has no cells at all (the rule:
# indicator_in_scope in gapmonitor/schema/gap_rules.sql). Pages say so instead of counting it as no data.
NOT_IN_DATABASE = Status("not_in_database", "Not in this database", "#ffffff",
                         "No series of the indicator in the data shown: nothing is expected of it, so it "
                         "counts neither as covered nor as no data.")
BY_CODE = {s.code: s for s in (*STATUSES, NOT_IN_DATABASE)}


@dataclass(frozen=True)
class Tier:
    rank: int     # tier_rank of the view citizen_quality (its thresholds: the view quality_tier)
    label: str
    bar: str      # the quality bar that counts this tier and the ones above it as filling a gap


TIERS = (Tier(1, "Low", "Any citizen data (low)"), Tier(2, "Medium", "Medium"), Tier(3, "High", "High"))
# The quality bar users choose: the lowest citizen-data quality tier that counts as filling a gap.
QUALITY_BARS = {t.bar: t.rank for t in TIERS}
TIER_LABELS = {t.rank: t.label for t in TIERS}
