"""The goal registry: the 17 SDGs with their official titles and colours, grouped by the five Ps."""

import csv
from dataclasses import dataclass
from pathlib import Path

from gapmonitor import titles
from gapmonitor.i18n import N_, _

# the five Ps, as the 2030 Agenda's preamble names them (translated where shown: _(theme))
THEMES = (N_("People"), N_("Planet"), N_("Prosperity"), N_("Peace"), N_("Partnership"))


@dataclass(frozen=True)
class Goal:
    number: int
    english_short_title: str
    english_title: str
    colour: str
    theme: str

    @property
    def short_title(self) -> str:
        """The official short title in the session's language."""
        return titles.official("goal", str(self.number), self.english_short_title, "short")

    @property
    def title(self) -> str:
        return titles.official("goal", str(self.number), self.english_title)

    @property
    def slug(self) -> str:
        """The goal page's URL path."""
        return f"goal-{self.number}"

    @property
    def label(self) -> str:
        return _("Goal {number}: {title}", number=self.number, title=self.short_title)

    @property
    def text_colour(self) -> str:
        """Text on the goal's official colour: white where it is legible (WCAG contrast 3:1 for large bold
        text), near-black on the light colours (goals 2, 6, 7, 9, 11, 15)."""
        return "#ffffff" if 1.05 / (_luminance(self.colour) + 0.05) >= 3 else "#1a1a1a"


def _luminance(colour: str) -> float:
    """The relative luminance of #rrggbb (WCAG 2)."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
              for c in (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _read() -> tuple[Goal, ...]:
    path = Path(__file__).resolve().parents[1] / "data/reference/goals.csv"
    with path.open(encoding="utf-8") as f:
        return tuple(
            Goal(int(r["goal"]), r["short_title"], r["title"], r["colour"], r["theme"]) for r in csv.DictReader(f)
        )


GOALS = _read()


def goal(number: int) -> Goal:
    """The goal with this number (1-17)."""
    return GOALS[number - 1]
