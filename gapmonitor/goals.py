"""The goal registry: the 17 SDGs with their official titles and colours, grouped by the five Ps."""

import csv
from dataclasses import dataclass
from pathlib import Path

THEMES = ("People", "Planet", "Prosperity", "Peace", "Partnership")


@dataclass(frozen=True)
class Goal:
    number: int
    short_title: str
    title: str
    colour: str
    theme: str

    @property
    def slug(self) -> str:
        """The goal page's URL path."""
        return f"goal-{self.number}"

    @property
    def label(self) -> str:
        return f"Goal {self.number}: {self.short_title}"


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
