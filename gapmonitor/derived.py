"""What is derived from the data and rebuilt with every change: the groups each indicator is expected
to cover, the citizen estimates withheld for confidentiality (withheld), and the per-year evidence the
gap rules read (cell_year, and cell: the same evidence with its years as bits)."""

from pathlib import Path

import duckdb

# Words in an official indicator title that say it is about people.
PEOPLE = ("population|people|persons|women|girls|children|adults|youth|households|individuals|workers|"
          "victims|deaths|employ|students|births")
EXPECTED_GROUPS = Path(__file__).with_name("expected_groups.sql").read_text(encoding="utf-8")
CELL_YEARS = Path(__file__).with_name("cell_years.sql").read_text(encoding="utf-8")
PRIMARY, SECONDARY = Path(__file__).with_name("suppression.sql").read_text(encoding="utf-8").split("-- secondary: one pass")


def add_expected_groups(con: duckdb.DuckDBPyConnection, indicators: list[str] | None = None) -> None:
    """The expected groups of indicators with series (expected_groups.sql): all made again by a full
    refresh (so removing a dataset or an editor's mapping takes back what it made expected); with
    `indicators`, only the groups their new data brings are added."""
    if indicators is None:
        con.execute("delete from expected_group")
    run(con, EXPECTED_GROUPS, people=PEOPLE, indicators=indicators, series=series_of(con, indicators))


def cell_years(con: duckdb.DuckDBPyConnection, indicators: list[str] | None = None) -> None:
    """Rebuild cell_year and cell (cell_years.sql): of every indicator, or only of `indicators`."""
    run(con, CELL_YEARS, indicators=indicators, series=series_of(con, indicators))


def refresh(con: duckdb.DuckDBPyConnection, indicators: list[str] | None = None) -> None:
    """Bring the derived tables up to date with the data (call in the writing transaction). A write
    that changed only the observations of some indicators names them, and only their cells are
    rebuilt (a 1-million-row import at full scale: about 0.35 s instead of 2 s)."""
    withhold(con)  # citizen estimates only: cheap, and a new dataset can change its own siblings
    add_expected_groups(con, indicators)  # after withhold: from the data as released, as the cells
    cell_years(con, indicators)


def series_of(con: duckdb.DuckDBPyConnection, indicators: list[str] | None) -> list[str] | None:
    """The series of some indicators, as a constant list: a filter on it reaches the scan of observation
    through the views, where a join to series does not."""
    if indicators is None:
        return None
    return [c for c, in con.execute("select code from series where list_contains(?, indicator)", [indicators]).fetchall()]


def run(con: duckdb.DuckDBPyConnection, script: str, **params) -> None:
    """Run a script of several statements, each with the named parameters it uses (DuckDB binds
    parameters of one statement at a time)."""
    for statement in duckdb.extract_statements(script):
        con.execute(statement, {k: v for k, v in params.items() if k in statement.named_parameters})


def withhold(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild `withheld`: the primary suppressions, then complementary ones until none is added."""
    con.execute(PRIMARY)
    while con.execute(SECONDARY).fetchall()[0][0]:
        pass
