"""Reference data every database starts with: goals, the indicator framework, areas (UN M49 countries
and regions), the population groups and the dimension values that map to them (data/reference)."""

from pathlib import Path

import duckdb

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"
# Areas with no resident population, which SDG data does not cover.
UNINHABITED = ("ATA", "BVT", "HMD", "SGS", "ATF", "UMI", "IOT")


def load(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the reference tables of a new database."""
    def csv(name: str) -> dict:
        return {"path": str(REFERENCE / name)}

    con.execute("insert into goal select * from read_csv($path, header = true)", csv("goals.csv"))
    con.execute("""
        insert into indicator
        select code, goal, target, title, tier, custodian, indicator_sort_key(code)
        from read_csv($path, header = true, all_varchar = true)
    """, csv("indicators.csv"))
    con.execute("""
        insert into area (code, local_code, m49, iso3, iso2, name, kind, region, subregion,
                          is_ldc, is_lldc, is_sids, lat, lon)
        select iso3, iso3, m49, iso3, iso2, name, 'country', region, subregion,
            is_ldc = 1, is_lldc = 1, is_sids = 1, lat, lon
        from read_csv($path, header = true, types = {'iso2': 'varchar'})
        where not list_contains($uninhabited, iso3)
    """, csv("areas.csv") | {"uninhabited": list(UNINHABITED)})
    con.execute("""
        insert into area (code, local_code, m49, name, kind)
        select region_code(m49), region_code(m49), m49, name, 'region'
        from read_csv($path, header = true)
    """, csv("regions.csv"))
    con.execute("insert into population_group select * from read_csv($path, header = true)", csv("groups.csv"))
    con.execute("""
        insert into group_mapping
        select * from read_csv($path, header = true, all_varchar = true)
    """, csv("group_mapping.csv"))
