"""The indicator catalogue's derived parts: which groups each indicator is expected to cover."""

import re
from pathlib import Path

import duckdb

# Words in an official indicator title that say it is about people.
PEOPLE = ("population|people|persons|women|girls|children|adults|youth|households|individuals|workers|"
          "victims|deaths|employ|students|births")
EXPECTED_GROUPS = Path(__file__).with_name("expected_groups.sql").read_text(encoding="utf-8")


def add_expected_groups(con: duckdb.DuckDBPyConnection) -> None:
    """Add expected groups for indicators with series (expected_groups.sql); never removes any."""
    con.execute(re.sub(r"\{people\}", PEOPLE, EXPECTED_GROUPS))
