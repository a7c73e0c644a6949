"""The five gap statuses of a cell, in legend order, the words for an indicator not in this database, and
the citizen-data quality tiers: the words and colours every page uses (the rules themselves are SQL:
gapmonitor/schema/gap_rules.sql)."""

from dataclasses import dataclass

from gapmonitor.i18n import N_, _


@dataclass(frozen=True)
class Status:
    code: str
    english_label: str
    colour: str
    english_meaning: str

    @property
    def label(self) -> str:
        """The status's name in the session's language."""
        return _(self.english_label)

    @property
    def meaning(self) -> str:
        return _(self.english_meaning)


# Colours from Paul Tol's colour-blind-safe schemes (high contrast: #004488, #ddaa33, #bb5566; medium
# contrast: #6699cc): blues where official data exists (dark: official alone, light: with citizen data),
# gold where citizen data fills the gap, rose where it falls below the bar, a light grey for no data.
# tests/test_palette.py checks every pair stays apart under protanopia, deuteranopia and tritanopia.
STATUSES = (
    Status("official", N_("Official data"), "#004488",
           N_("At least one official observation for the group in the period.")),
    Status("official_and_citizen", N_("Official and citizen data"), "#6699cc",
           N_("Official data, and citizen data that meets the quality bar, for the same cell.")),
    Status("citizen_fills_gap", N_("Citizen data fills the gap"), "#ddaa33",
           N_("No official data, but citizen data that meets the quality bar.")),
    Status("citizen_below_bar", N_("Citizen data below the quality bar"), "#bb5566",
           N_("No official data; the only citizen data falls below the quality bar chosen.")),
    Status("no_data", N_("No data"), "#d4d4d4",
           N_("Neither official nor released citizen data for the group in the period.")),
)
# Not a status of a cell: an indicator with no series in the data shown has no cells at all (the rule:
# indicator_in_scope in gapmonitor/schema/gap_rules.sql). Pages say so instead of counting it as no data.
NOT_IN_DATABASE = Status("not_in_database", N_("Not in this database"), "#ffffff",
                         N_("No series of the indicator in the data shown: nothing is expected of it, so it "
                         "counts neither as covered nor as no data."))
BY_CODE = {s.code: s for s in (*STATUSES, NOT_IN_DATABASE)}


@dataclass(frozen=True)
class Tier:
    rank: int     # tier_rank of the view citizen_quality (its thresholds: the view quality_tier)
    label: str
    bar: str      # the quality bar that counts this tier and the ones above it as filling a gap


class _Words(dict):
    """English words marked for the catalogue, read in the session's language."""

    def __getitem__(self, key):
        return _(super().__getitem__(key))

    def get(self, key, default=None):
        return self[key] if key in self else default


TIERS = (Tier(1, N_("Low"), N_("Any citizen data (low)")), Tier(2, N_("Medium"), N_("Medium")),
         Tier(3, N_("High"), N_("High")))
# The quality bar users choose: the lowest citizen-data quality tier that counts as filling a gap. Its
# names are English keys (URLs keep them); a widget shows them with format_func=_.
QUALITY_BARS = {t.bar: t.rank for t in TIERS}
TIER_LABELS = _Words({t.rank: t.label for t in TIERS})
