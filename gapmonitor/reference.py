"""Reference data every database starts with: goals, the indicator framework, areas (UN M49 countries
and regions), the population groups, the dimension values and series that count for them (data/reference)."""

import csv
from functools import cache
from pathlib import Path

import duckdb

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"
# Areas with no resident population, which SDG data does not cover.
UNINHABITED = ("ATA", "BVT", "HMD", "SGS", "ATF", "UMI", "IOT")


def load(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the reference tables of a new database."""
    con.execute("insert into goal select * from read_csv($path, header = true)", _csv("goals.csv"))
    con.execute("""
        insert into indicator
        select code, goal, target, title, tier, custodian, indicator_sort_key(code)
        from read_csv($path, header = true, all_varchar = true)
    """, _csv("indicators.csv"))
    con.execute("""
        insert into area (code, local_code, m49, iso3, iso2, name, kind, region, subregion,
                          is_ldc, is_lldc, is_sids, lat, lon)
        select iso3, iso3, m49, iso3, iso2, name, 'country', region, subregion,
            is_ldc = 1, is_lldc = 1, is_sids = 1, lat, lon
        from read_csv($path, header = true, types = {'iso2': 'varchar'})
        where not list_contains($uninhabited, iso3)
    """, _csv("areas.csv") | {"uninhabited": list(UNINHABITED)})
    con.execute("""
        insert into area (code, local_code, m49, name, kind)
        select region_code(m49), region_code(m49), m49, name, 'region'
        from read_csv($path, header = true)
    """, _csv("regions.csv"))
    refresh(con)


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Write the shipped groups, the code lists' mappings and the series' groups (data/reference) over
    the 'reference' rows, in a new database and at every migration; rows of files and editors stay."""
    con.execute("delete from population_group")
    con.execute("insert into population_group select * from read_csv($path, header = true)", _csv("groups.csv"))
    con.execute("delete from group_mapping where source = 'reference'")
    con.execute("""
        insert into group_mapping (dimension, dim_value, group_id, reason, source)
        select dimension, dim_value, group_id, reason, 'reference'
        from read_csv($path, header = true, all_varchar = true)
        where (dimension, dim_value, group_id) not in (select (dimension, dim_value, group_id) from group_mapping)
    """, _csv("group_mapping.csv"))
    con.execute("delete from series_group where source = 'reference'")
    con.execute("""
        insert into series_group (series, group_id, reason, source)
        select series, group_id, reason, 'reference'
        from read_csv($path, header = true, all_varchar = true)
        where coalesce(group_id, '') <> ''  -- a blank group: the series is total-only, on purpose
            and (series, group_id) not in (select (series, group_id) from series_group)
    """, _csv("series_groups.csv"))


def _csv(name: str) -> dict:
    return {"path": str(REFERENCE / name)}


@cache
def official_series() -> frozenset[str]:
    """The series codes data/reference/series_groups.csv judges (with a group, or total-only on purpose)."""
    with open(REFERENCE / "series_groups.csv", encoding="utf-8", newline="") as f:
        return frozenset(row["series"] for row in csv.DictReader(f))
