"""What is derived from the data and rebuilt with every change: the groups each indicator is expected
to cover, the citizen estimates withheld for confidentiality (withheld), and the per-year evidence the
gap rules read (cell_year)."""

import re
from pathlib import Path

import duckdb

# Words in an official indicator title that say it is about people.
PEOPLE = ("population|people|persons|women|girls|children|adults|youth|households|individuals|workers|"
          "victims|deaths|employ|students|births")
EXPECTED_GROUPS = Path(__file__).with_name("expected_groups.sql").read_text(encoding="utf-8")
CELL_YEARS = Path(__file__).with_name("cell_years.sql").read_text(encoding="utf-8")
PRIMARY, SECONDARY = Path(__file__).with_name("suppression.sql").read_text(encoding="utf-8").split("-- secondary: one pass")


def add_expected_groups(con: duckdb.DuckDBPyConnection) -> None:
    """Add expected groups for indicators with series (expected_groups.sql); never removes any."""
    con.execute(re.sub(r"\{people\}", PEOPLE, EXPECTED_GROUPS))


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Bring every derived table up to date with the data (call in the writing transaction)."""
    withhold(con)
    add_expected_groups(con)  # after withhold: from the data as released, which the cells count
    con.execute(CELL_YEARS)


def withhold(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild `withheld`: the primary suppressions, then complementary ones until none is added."""
    con.execute(PRIMARY)
    while con.execute(SECONDARY).fetchall()[0][0]:
        pass
