"""Reference data every database starts with: goals, the indicator framework, areas (UN M49 countries
and regions), the population groups and the dimension values that map to them (data/reference)."""

from pathlib import Path

import duckdb

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"
# Areas with no resident population, which SDG data does not cover.
UNINHABITED = ("ATA", "BVT", "HMD", "SGS", "ATF", "UMI", "IOT")


def load(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the reference tables of a new database."""
    con.execute(f"insert into goal select * from read_csv('{REFERENCE / 'goals.csv'}', header=true)")
    con.execute(f"""
        insert into indicator
        select code, goal, target, title, tier, custodian, indicator_sort_key(code)
        from read_csv('{REFERENCE / 'indicators.csv'}', header=true, all_varchar=true)
    """)
    con.execute(f"""
        insert into area (code, local_code, m49, iso3, iso2, name, kind, region, subregion,
                          is_ldc, is_lldc, is_sids, lat, lon)
        select iso3, iso3, m49, iso3, iso2, name, 'country', region, subregion,
            is_ldc = 1, is_lldc = 1, is_sids = 1, lat, lon
        from read_csv('{REFERENCE / 'areas.csv'}', header=true, types={{'iso2': 'varchar'}})
        where iso3 not in {UNINHABITED}
    """)
    con.execute(f"""
        insert into area (code, local_code, m49, name, kind)
        select region_code(m49), region_code(m49), m49, name, 'region'
        from read_csv('{REFERENCE / 'regions.csv'}', header=true)
    """)
    con.execute(f"insert into population_group select * from read_csv('{REFERENCE / 'groups.csv'}', header=true)")
    con.execute(f"""
        insert into group_mapping
        select * from read_csv('{REFERENCE / 'group_mapping.csv'}', header=true, all_varchar=true)
    """)
