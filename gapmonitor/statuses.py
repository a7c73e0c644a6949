"""The five gap statuses of a cell, in legend order, with the words and colours every page uses."""

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
BY_CODE = {s.code: s for s in STATUSES}

# The quality bar users choose: the lowest citizen-data quality tier that counts as filling a gap.
QUALITY_BARS = {"Any citizen data (low)": 1, "Medium": 2, "High": 3}
TIER_LABELS = {1: "Low", 2: "Medium", 3: "High"}
